#![no_main]
//! Person-name validation and search keys never panic on any text: an accepted name is
//! trimmed, at most 80 characters and accepted again unchanged; every search key is a
//! non-empty folded word; the bounded edit distance stays within its bound.

use libfuzzer_sys::fuzz_target;
use safar::people::model::{Name, edit_distance, name_keys, skeleton};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for required in [true, false] {
        match Name::parse("last_name", text, required) {
            Ok(Some(name)) => {
                assert!(!name.entered.is_empty());
                assert_eq!(name.entered.trim(), name.entered);
                assert!(name.entered.chars().count() <= 80);
                let again = Name::parse("last_name", &name.entered, required);
                assert_eq!(
                    again.ok().flatten().map(|n| n.entered),
                    Some(name.entered.clone())
                );
                let _ = name.latin_cyrillic();
                let _ = name_keys(&name.other_script);
            }
            Ok(None) => assert!(!required),
            Err(_) => {}
        }
    }
    for key in name_keys(text) {
        assert!(!key.is_empty());
        let _ = skeleton(&key);
    }
    // Names are compared word by word; cap the quadratic distance at word-like lengths.
    let words: Vec<String> = text
        .split_whitespace()
        .take(2)
        .map(|w| w.chars().take(64).collect())
        .collect();
    let (a, b) = match words.as_slice() {
        [a, b] => (a.as_str(), b.as_str()),
        [a] => (a.as_str(), ""),
        _ => ("", ""),
    };
    for max in [0, 2, 5] {
        let d = edit_distance(a, b, max);
        assert!(d <= max + 1);
        assert_eq!(edit_distance(b, a, max), d, "not symmetric");
        assert_eq!(edit_distance(a, a, max), 0);
    }
});
