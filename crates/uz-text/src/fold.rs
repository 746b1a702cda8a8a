//! Search keys for names and words written in either script.

use crate::chars::{is_apostrophe, is_latin_vowel, is_letter};
use crate::cyrillic;

/// A search key: two spellings of one name in either script, with any
/// apostrophe, in any case, get the same key. Lossy on purpose; never shown.
///
/// In order:
/// 1. Cyrillic is converted to Latin by [`crate::cyrillic_to_latin`]'s
///    rules and exception table (URL/placeholder protection is not applied),
///    so Ш = sh, Ч = ch, Ў = o‘, Ғ = g‘, Ё = yo, Ю = yu, Я = ya, Е = ye/e,
///    Ҳ = h, Қ = q, Х = x, Ц = s/ts, Щ = sh, Ы = i, Ь and Ъ dropped/’.
/// 2. Lower case (Unicode).
/// 3. Every apostrophe variant (‘ ’ ʻ ʼ ' ` ´) is removed: O‘ = O' = O` =
///    Oʻ = Ў = o, G‘ = Ғ = g, and the tutuq is ignored. An apostrophe still
///    keeps s and h apart: "Is’hoq" → "isxoq", not "ishoq".
/// 4. q = k (both give `k`): Russian spellings write Uzbek қ as к.
/// 5. h = x = kh (all give `x`), except the h of the digraphs sh and ch:
///    Russian spellings write Uzbek ҳ as х, and Russian-style Latin writes
///    х as kh ("Kholmatov").
/// 6. y is dropped before e at the start of a word or after a vowel, so
///    "Boyev" = "Boev" = "Боев" and "Yevropa" = "Evropa".
/// 7. Runs of whitespace become one space; leading and trailing whitespace
///    is removed.
///
/// Everything else (digits, punctuation, hyphens, other scripts) is kept.
/// `fold(&fold(x)) == fold(x)` for every string.
pub fn fold(s: &str) -> String {
    let latin = cyrillic::convert(s, false).to_lowercase();
    // Apostrophes go; each remaining char remembers whether one preceded it.
    let mut v: Vec<(char, bool)> = Vec::with_capacity(latin.len());
    let mut apostrophe = false;
    for c in latin.chars() {
        if is_apostrophe(c) {
            apostrophe = true;
        } else {
            v.push((c, apostrophe));
            apostrophe = false;
        }
    }
    let mut out = String::with_capacity(latin.len());
    let mut pending_space = false;
    let mut k = 0;
    while k < v.len() {
        let (c, _) = v[k];
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            k += 1;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        // The next char joins a digraph only if no apostrophe came between.
        let next = v.get(k + 1).filter(|(_, sep)| !sep).map(|&(n, _)| n);
        let prev = k.checked_sub(1).map(|p| v[p].0);
        match (c, next) {
            ('s' | 'c', Some('h')) => {
                out.push(c);
                out.push('h');
                k += 2;
            }
            ('k', Some('h')) => {
                out.push('x');
                k += 2;
            }
            ('q', _) => {
                out.push('k');
                k += 1;
            }
            ('h', _) => {
                out.push('x');
                k += 1;
            }
            ('y', _) if drops_y(prev, v.get(k + 1).map(|&(n, _)| n)) => k += 1,
            _ => {
                out.push(c);
                k += 1;
            }
        }
    }
    out
}

fn drops_y(prev: Option<char>, next: Option<char>) -> bool {
    next == Some('e') && prev.is_none_or(|p| !is_letter(p) || is_latin_vowel(p))
}

/// Splits on whitespace and hyphens (- ‐ ‑ – —) and folds each word; empty
/// pieces are dropped. Each returned word is its own fold.
pub fn fold_words(s: &str) -> Vec<String> {
    fold(s)
        .split([' ', '-', '‐', '‑', '–', '—'])
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{fold, fold_words};

    #[test]
    fn documented_equivalences() {
        let k = fold("Oʻrinboyev");
        for v in [
            "O'rinboyev",
            "O‘rinboyev",
            "O`rinboyev",
            "Ўринбоев",
            "ЎРИНБОЕВ",
            "ORINBOEV",
        ] {
            assert_eq!(fold(v), k, "{v}");
        }
        assert_eq!(fold("G‘ulomov"), fold("Ғуломов"));
        assert_eq!(fold("G'ulomov"), fold("Гуломов"));
        assert_eq!(fold("Xolmatov"), fold("Холматов"));
        assert_eq!(fold("Kholmatov"), fold("Холматов"));
        assert_eq!(fold("Qodirov"), fold("Қодиров"));
        assert_eq!(fold("Qodirov"), fold("Кодиров"));
        assert_eq!(fold("Hasanov"), fold("Ҳасанов"));
        assert_eq!(fold("Hasanov"), fold("Хасанов"));
        assert_eq!(fold("Shoira"), fold("ШОИРА"));
        assert_eq!(fold("Chori"), fold("Чори"));
        assert_eq!(fold("Yevropa"), fold("Европа"));
        assert_eq!(fold("Yusupov"), fold("Юсупов"));
        assert_eq!(fold("Yoqubov"), fold("Ёқубов"));
        assert_eq!(fold("Yakubov"), fold("Якубов"));
        assert_eq!(fold("Is'hoq"), fold("Исҳоқ"));
        assert_eq!(fold("  Ali   Valiyev \n"), "ali valiev");
    }

    #[test]
    fn keeps_apart() {
        assert_ne!(fold("Is'hoq"), fold("Ishoq"));
        assert_ne!(fold("Sardor"), fold("Shardor"));
        assert_ne!(fold("Olim"), fold("Alim"));
    }

    #[test]
    fn words() {
        assert_eq!(
            fold_words("Abdulla-o‘g‘li  Qodirov"),
            ["abdulla", "ogli", "kodirov"]
        );
        assert!(fold_words(" - ").is_empty());
    }
}
