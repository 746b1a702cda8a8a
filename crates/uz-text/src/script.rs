//! Which alphabet a text is written in.

use crate::chars::{is_cyrillic_letter, is_letter};

/// The alphabet of a text, by its letters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin letters only (besides non-letters).
    Latin,
    /// Cyrillic letters only.
    Cyrillic,
    /// Both Latin and Cyrillic letters.
    Mixed,
    /// Neither: empty, digits, punctuation, other alphabets.
    Unknown,
}

fn counts(s: &str) -> (usize, usize) {
    let mut latin = 0;
    let mut cyrillic = 0;
    for c in s.chars() {
        if is_cyrillic_letter(c) {
            cyrillic += 1;
        } else if is_letter(c) && is_latin_letter(c) {
            latin += 1;
        }
    }
    (latin, cyrillic)
}

/// Basic Latin, Latin-1 Supplement, Latin Extended-A/B, IPA and spacing
/// modifiers (ʻ is a letter in Unicode).
fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{00C0}'..='\u{02FF}')
}

/// Classifies `s` by the letters it contains.
pub fn detect_script(s: &str) -> Script {
    match counts(s) {
        (0, 0) => Script::Unknown,
        (_, 0) => Script::Latin,
        (0, _) => Script::Cyrillic,
        _ => Script::Mixed,
    }
}

/// True when `s` has more Cyrillic letters than Latin ones, so that a
/// Cyrillic sentence with a `{ $placeholder }` or a brand name still counts.
pub fn is_cyrillic(s: &str) -> bool {
    let (latin, cyrillic) = counts(s);
    cyrillic > latin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects() {
        assert_eq!(detect_script("Oʻzbekiston"), Script::Latin);
        assert_eq!(detect_script("Ўзбекистон"), Script::Cyrillic);
        assert_eq!(detect_script("Ўзбекистон WhatsApp"), Script::Mixed);
        assert_eq!(detect_script("+998 90"), Script::Unknown);
        assert!(is_cyrillic("Салом, { $name }!"));
        assert!(!is_cyrillic("Salom"));
        assert!(!is_cyrillic(""));
    }
}
