//! Character classes shared by both directions and by folding.

/// Apostrophe-like characters accepted for o‘, g‘ and the tutuq belgisi.
///
/// ‘ U+2018 (the official one for o‘/g‘), ’ U+2019, ʻ U+02BB, ʼ U+02BC,
/// ' ASCII, ` backtick, ´ U+00B4 acute accent.
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2018}' | '\u{2019}' | '\u{02BB}' | '\u{02BC}' | '\'' | '`' | '\u{00B4}'
    )
}

/// A letter that is not an apostrophe: ʻ and ʼ are letters (Lm) to Unicode.
pub(crate) fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !is_apostrophe(c)
}

/// The variants that can only mean o‘/g‘ (never a closing quote), so an o
/// followed by one of them is ў even at the end of a word.
pub(crate) fn is_okina(c: char) -> bool {
    matches!(c, '\u{2018}' | '\u{02BB}')
}

pub(crate) fn is_latin_vowel(c: char) -> bool {
    matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u')
}

/// Basic Cyrillic, Cyrillic Supplement (Kazakh, Karakalpak letters).
pub(crate) fn is_cyrillic_letter(c: char) -> bool {
    matches!(c, '\u{0400}'..='\u{052F}') && c.is_alphabetic()
}

/// Lower-case form of one Cyrillic (or any) character, as a single char.
pub(crate) fn lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

pub(crate) fn is_cyrillic_vowel(c: char) -> bool {
    matches!(
        lower(c),
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ў'
            | 'э'
            | 'ю'
            | 'я'
            | 'ы'
            | 'ә'
            | 'ө'
            | 'ү'
            | 'ұ'
            | 'і'
            | 'є'
            | 'ї'
    )
}

/// Upper-cases `s` entirely.
pub(crate) fn push_upper(out: &mut String, s: &str) {
    out.extend(s.chars().flat_map(char::to_uppercase));
}

/// Upper-cases the first character of `s` only.
pub(crate) fn push_title(out: &mut String, s: &str) {
    let mut it = s.chars();
    if let Some(first) = it.next() {
        out.extend(first.to_uppercase());
        out.push_str(it.as_str());
    }
}

/// The case pattern of a word, carried over when a whole word is replaced
/// (the exception table).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum CasePattern {
    Lower,
    Title,
    Upper,
}

impl CasePattern {
    pub(crate) fn of(word: &[char]) -> Self {
        let mut letters = word.iter().copied().filter(|&c| is_letter(c));
        let Some(first) = letters.next() else {
            return Self::Lower;
        };
        if !first.is_uppercase() {
            return Self::Lower;
        }
        let mut rest = letters.peekable();
        if rest.peek().is_some() && rest.all(char::is_uppercase) {
            Self::Upper
        } else {
            Self::Title
        }
    }

    pub(crate) fn push(self, out: &mut String, lower_text: &str) {
        match self {
            Self::Lower => out.push_str(lower_text),
            Self::Title => push_title(out, lower_text),
            Self::Upper => push_upper(out, lower_text),
        }
    }
}
