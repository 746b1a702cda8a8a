//! Every public function on arbitrary UTF-8: no panics, and the invariants
//! that hold for every input.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };

    let cyr = uz_text::latin_to_cyrillic(s);
    let lat = uz_text::cyrillic_to_latin(s);
    let _ = uz_text::cyrillic_to_latin(&cyr);
    let _ = uz_text::latin_to_cyrillic(&lat);
    // Cyrillic → Latin leaves nothing for a second pass.
    assert_eq!(uz_text::cyrillic_to_latin(&lat), lat);

    let key = uz_text::fold(s);
    assert_eq!(uz_text::fold(&key), key, "fold is not idempotent");
    for word in uz_text::fold_words(s) {
        assert!(!word.is_empty());
        assert_eq!(uz_text::fold(&word), word);
    }

    let _ = uz_text::detect_script(s);
    let _ = uz_text::is_cyrillic(s);
});
