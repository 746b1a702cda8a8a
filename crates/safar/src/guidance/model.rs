//! The rules of guidance that need no database: topics, languages, the review workflow,
//! the tiny markup articles are written in, the search key of a text or query, and the
//! line diff between two versions.

pub const TOPICS: [&str; 6] = [
    "country_guide",
    "check_offer",
    "fees",
    "complaints",
    "finance",
    "faq",
];

/// The languages an author writes; Uzbek Cyrillic is generated from the Latin.
pub const AUTHORED: [&str; 3] = ["uz-Latn", "ru", "en"];
pub const LANGS: [&str; 4] = ["uz-Latn", "uz-Cyrl", "ru", "en"];

/// The workflow of an article's latest version: `submit` (author) sends a draft to review;
/// an editor `publish`es or `reject`s it (back to draft); an editor may `archive` it.
pub fn transition(from: &str, action: &str) -> Option<&'static str> {
    Some(match (from, action) {
        ("draft", "submit") => "in_review",
        ("in_review", "publish") => "published",
        ("in_review", "reject") => "draft",
        ("draft" | "in_review" | "published", "archive") => "archived",
        _ => return None,
    })
}

/// A block of an article body.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Block {
    Heading(String),
    Paragraph(String),
    List(Vec<String>),
}

/// Parses the markup: paragraphs separated by blank lines, `## ` headings, `- ` list items.
/// Nothing else is special, so any text is safe to store and is escaped when shown.
pub fn blocks(body: &str) -> Vec<Block> {
    let mut out = vec![];
    let mut paragraph: Vec<&str> = vec![];
    let mut list: Vec<String> = vec![];
    let flush = |paragraph: &mut Vec<&str>, list: &mut Vec<String>, out: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(paragraph.join(" ")));
            paragraph.clear();
        }
        if !list.is_empty() {
            out.push(Block::List(std::mem::take(list)));
        }
    };
    for line in body.lines().map(str::trim) {
        if line.is_empty() {
            flush(&mut paragraph, &mut list, &mut out);
        } else if let Some(h) = line.strip_prefix("## ") {
            flush(&mut paragraph, &mut list, &mut out);
            out.push(Block::Heading(h.trim().to_string()));
        } else if let Some(item) = line.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut paragraph, &mut list, &mut out);
            }
            list.push(item.trim().to_string());
        } else {
            if !list.is_empty() {
                flush(&mut paragraph, &mut list, &mut out);
            }
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut list, &mut out);
    out
}

/// A run of text, or a web address to show as a link (`https://` only, so an article can
/// point to an infographic or a video but never to a script).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Link(String),
}

/// Splits a paragraph or list item into text and links.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out = vec![];
    let mut plain = String::new();
    for (i, word) in text.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        let url = word.trim_end_matches(['.', ',', ';', ':', ')', '!', '?']);
        if url.len() > "https://".len() && url.starts_with("https://") {
            if !plain.is_empty() {
                out.push(Inline::Text(std::mem::take(&mut plain)));
            }
            out.push(Inline::Link(url.to_string()));
            plain.push_str(&word[url.len()..]);
        } else {
            plain.push_str(word);
        }
    }
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// What the search index holds for a text: its words folded by `uz-text`, so Cyrillic and
/// Latin spellings (and any apostrophe) meet.
pub fn search_key(text: &str) -> String {
    terms(text).join(" ")
}

/// The terms of a query or text: folded words with only letters and digits kept (so a
/// query can never carry search-engine syntax), at most `limit` of them.
pub fn query_terms(q: &str, limit: usize) -> Vec<String> {
    let mut out = terms(q);
    out.dedup();
    out.truncate(limit);
    out
}

fn terms(text: &str) -> Vec<String> {
    uz_text::fold_words(text)
        .into_iter()
        .flat_map(|w| {
            w.split(|c: char| !c.is_alphanumeric())
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// One line of a diff: `same`, `added` or `removed`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DiffLine {
    pub kind: &'static str,
    pub text: String,
}

/// A line diff (longest common subsequence) from `old` to `new`. Articles are short; past
/// 2,000 lines a side the whole text is shown as replaced rather than spend the time.
pub fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let line = |kind, text: &str| DiffLine {
        kind,
        text: text.to_string(),
    };
    if a.len() > 2000 || b.len() > 2000 {
        let mut out: Vec<DiffLine> = a.iter().map(|t| line("removed", t)).collect();
        out.extend(b.iter().map(|t| line("added", t)));
        return out;
    }
    // lcs[i][j]: the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = vec![];
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(line("same", a[i]));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] >= lcs[i + 1][j]) {
            out.push(line("added", b[j]));
            j += 1;
        } else {
            out.push(line("removed", a[i]));
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_has_headings_paragraphs_and_lists_only() {
        let body = "Intro line one\nline two\n\n## Fees\n- no agency fee\n- no visa fee\nAfter.\n\n<script>x</script>";
        assert_eq!(
            blocks(body),
            vec![
                Block::Paragraph("Intro line one line two".into()),
                Block::Heading("Fees".into()),
                Block::List(vec!["no agency fee".into(), "no visa fee".into()]),
                Block::Paragraph("After.".into()),
                Block::Paragraph("<script>x</script>".into()),
            ]
        );
    }

    #[test]
    fn only_https_addresses_become_links() {
        assert_eq!(
            inlines("See https://example.org/video. Or javascript:alert(1) http://x.test"),
            vec![
                Inline::Text("See ".into()),
                Inline::Link("https://example.org/video".into()),
                Inline::Text(". Or javascript:alert(1) http://x.test".into()),
            ]
        );
        assert_eq!(inlines("plain"), vec![Inline::Text("plain".into())]);
    }

    #[test]
    fn latin_and_cyrillic_spellings_give_the_same_terms() {
        assert_eq!(query_terms("Rossiya", 8), query_terms("Россия", 8));
        assert_eq!(query_terms("Oʻzbekiston", 8), query_terms("Ўзбекистон", 8));
        assert_eq!(query_terms("o'zbekiston", 8), query_terms("Ўзбекистон", 8));
        // Search syntax never survives: quotes, stars, operators are dropped.
        assert_eq!(
            query_terms("\"a\" OR b* -c:*", 8),
            vec!["a", "or", "b", "c"]
        );
        assert_eq!(query_terms("a b c d", 2).len(), 2);
    }

    #[test]
    fn the_diff_shows_what_changed() {
        let d = diff("a\nb\nc", "a\nc\nd");
        let kinds: Vec<_> = d.iter().map(|l| (l.kind, l.text.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                ("same", "a"),
                ("removed", "b"),
                ("same", "c"),
                ("added", "d")
            ]
        );
    }

    #[test]
    fn the_workflow_goes_through_review() {
        assert_eq!(transition("draft", "submit"), Some("in_review"));
        assert_eq!(transition("draft", "publish"), None);
        assert_eq!(transition("in_review", "reject"), Some("draft"));
        assert_eq!(transition("archived", "publish"), None);
    }
}
