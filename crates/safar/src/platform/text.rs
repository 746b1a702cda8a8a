//! Free text as people and files send it: one checker for every module, so "clean" means
//! the same everywhere.

/// Plain text a person or a file wrote, with runs of white space made one space: `None`
/// unless it holds no control characters and its length is within `len` characters.
pub fn clean_text(text: &str, len: std::ops::RangeInclusive<usize>) -> Option<String> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (len.contains(&text.chars().count()) && !text.chars().any(char::is_control)).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::clean_text;

    #[test]
    fn text_is_trimmed_and_checked() {
        assert_eq!(
            clean_text("  two\n words ", 1..=20),
            Some("two words".into())
        );
        assert_eq!(clean_text("", 1..=20), None);
        assert_eq!(clean_text("abc", 1..=2), None);
        assert_eq!(clean_text("a\u{7}b", 1..=20), None);
    }
}
