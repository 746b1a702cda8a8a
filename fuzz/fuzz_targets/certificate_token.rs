//! A certificate token comes from a QR code anyone can print: decoding it never panics,
//! whatever the text (a whole address or the bare token).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = safar::pdo::token::peek(text);
});
