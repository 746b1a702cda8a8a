//! Spans that transliteration copies through untouched: machine text inside
//! human text.
//!
//! - a whitespace-delimited token containing `@` or `://`, or starting with
//!   `www.` (e-mail addresses, URLs);
//! - an innermost `{ … }` span on one line (Fluent placeables `{ $name }`,
//!   `{ -brand }`, `{ NUMBER($n) }`, and `{0}` / `{{name}}` styles);
//! - a Fluent variable `$name` anywhere (the selector of `{ $n -> … }`),
//!   and a term `-name` directly after `{`;
//! - a Fluent variant key `[one]` / `*[other]` at the start of a line;
//! - an HTML tag `<a href="…">`, `</b>`, `<!-- … -->` on one line, and an
//!   HTML entity `&nbsp;`, `&#8216;`.

/// One flag per char: `true` where the char must be copied unchanged.
pub(crate) fn mask(chars: &[char]) -> Vec<bool> {
    let mut m = vec![false; chars.len()];
    mark_addresses(chars, &mut m);
    mark_braces(chars, &mut m);
    mark_identifiers(chars, &mut m);
    mark_variant_keys(chars, &mut m);
    mark_tags_and_entities(chars, &mut m);
    m
}

fn set(m: &mut [bool], from: usize, to_exclusive: usize) {
    for flag in m.iter_mut().take(to_exclusive).skip(from) {
        *flag = true;
    }
}

fn mark_addresses(chars: &[char], m: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !chars[i].is_whitespace() {
            i += 1;
        }
        let token = &chars[start..i];
        let has_at = token.contains(&'@');
        let has_scheme = token.windows(3).any(|w| w == [':', '/', '/']);
        let www = token.len() > 4
            && token[..4]
                .iter()
                .map(char::to_ascii_lowercase)
                .eq("www.".chars());
        if has_at || has_scheme || www {
            set(m, start, i);
        }
    }
}

/// Innermost `{ … }` on one line: a multi-line one is a Fluent select
/// expression whose variants hold text to convert.
fn mark_braces(chars: &[char], m: &mut [bool]) {
    let mut open: Option<usize> = None;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '{' => open = Some(i),
            '\n' => open = None,
            '}' => {
                if let Some(o) = open.take() {
                    set(m, o, i + 1);
                }
            }
            _ => {}
        }
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn ident_end(chars: &[char], from: usize) -> usize {
    let mut j = from;
    while j < chars.len() && is_ident_char(chars[j]) {
        j += 1;
    }
    j
}

fn mark_identifiers(chars: &[char], m: &mut [bool]) {
    for i in 0..chars.len() {
        let next_starts_ident = chars.get(i + 1).is_some_and(|&c| is_ident_start(c));
        if !next_starts_ident {
            continue;
        }
        let is_var = chars[i] == '$';
        let is_term = chars[i] == '-'
            && chars[..i]
                .iter()
                .rev()
                .find(|c| !c.is_whitespace())
                .is_some_and(|&c| c == '{');
        if is_var || is_term {
            let end = ident_end(chars, i + 1);
            set(m, i, end);
        }
    }
}

fn mark_variant_keys(chars: &[char], m: &mut [bool]) {
    let mut line_start = true;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' || c == '\r' {
            line_start = true;
            i += 1;
            continue;
        }
        if line_start && (c == ' ' || c == '\t') {
            i += 1;
            continue;
        }
        if line_start {
            line_start = false;
            if let Some(end) = variant_key_end(chars, i) {
                set(m, i, end);
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// `*[other]` or `[one]` or `[ 2 ]` starting at `i`; returns the index after `]`.
fn variant_key_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars.get(j) == Some(&'*') {
        j += 1;
    }
    if chars.get(j) != Some(&'[') {
        return None;
    }
    j += 1;
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    let key_start = j;
    while chars.get(j).is_some_and(|&c| is_ident_char(c) || c == '.') {
        j += 1;
    }
    if j == key_start {
        return None;
    }
    while chars.get(j) == Some(&' ') {
        j += 1;
    }
    (chars.get(j) == Some(&']')).then_some(j + 1)
}

fn mark_tags_and_entities(chars: &[char], m: &mut [bool]) {
    let mut i = 0;
    while i < chars.len() {
        let end = match chars[i] {
            '<' => tag_end(chars, i),
            '&' => entity_end(chars, i),
            _ => None,
        };
        if let Some(end) = end {
            set(m, i, end);
            i = end;
        } else {
            i += 1;
        }
    }
}

fn tag_end(chars: &[char], i: usize) -> Option<usize> {
    let first = *chars.get(i + 1)?;
    if !(first.is_ascii_alphabetic() || first == '/' || first == '!') {
        return None;
    }
    let mut j = i + 1;
    while let Some(&c) = chars.get(j) {
        match c {
            '>' => return Some(j + 1),
            '<' | '\n' => return None,
            _ => j += 1,
        }
    }
    None
}

fn entity_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    if chars.get(j) == Some(&'#') {
        j += 1;
        if matches!(chars.get(j), Some('x' | 'X')) {
            j += 1;
        }
    } else if !chars.get(j).is_some_and(char::is_ascii_alphabetic) {
        return None;
    }
    let body = j;
    while chars.get(j).is_some_and(char::is_ascii_alphanumeric) && j - body < 32 {
        j += 1;
    }
    (j > body && chars.get(j) == Some(&';')).then_some(j + 1)
}

#[cfg(test)]
mod tests {
    use super::mask;

    fn protected(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        let m = mask(&chars);
        chars
            .iter()
            .zip(m)
            .map(|(&c, p)| if p { c } else { '_' })
            .collect()
    }

    #[test]
    fn spans() {
        assert_eq!(protected("Salom, { $name }!"), "_______{ $name }_");
        assert_eq!(protected("yoz: ali@mail.uz ."), "_____ali@mail.uz__");
        assert_eq!(protected("https://gov.uz/x"), "https://gov.uz/x");
        assert_eq!(protected("<b>ish</b>"), "<b>___</b>");
        assert_eq!(protected("a&nbsp;b"), "_&nbsp;_");
        assert_eq!(
            protected("{ $n ->\n  *[other] ta\n}"),
            "__$n______*[other]_____"
        );
        assert_eq!(protected("x < y > z"), "_________");
        assert_eq!(protected("[tahrir] so‘z"), "[tahrir]_____");
        assert_eq!(protected("so‘z [tahrir]"), "_____________");
    }
}
