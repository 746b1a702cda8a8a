//! Folding and transliteration take any text a person may type: no input panics, and
//! folding is idempotent (search keys are folded again when a query is folded).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let folded = uz_text::fold(text);
    assert_eq!(uz_text::fold(&folded), folded, "fold is idempotent");
    let _ = uz_text::fold_words(text);
    let _ = uz_text::latin_to_cyrillic(text);
    let _ = uz_text::cyrillic_to_latin(text);
    let _ = uz_text::detect_script(text);
});
