#![no_main]
//! Phone-number parsing never panics; what it accepts is E.164 (`+` and 8–15 digits) and
//! parses back to itself, whether entered alone or as a sign-in identifier.

use libfuzzer_sys::fuzz_target;
use safar::accounts::model::{LoginId, parse_phone};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(e164) = parse_phone(text) {
        let digits = e164.strip_prefix('+').expect("E.164 starts with +");
        assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{e164:?}");
        assert!((8..=15).contains(&digits.len()), "{e164:?}");
        assert_eq!(parse_phone(&e164).as_deref(), Ok(e164.as_str()));
    }
    if let Ok(id) = LoginId::parse(text) {
        assert_eq!(LoginId::parse(id.as_str()).as_ref(), Ok(&id));
    }
});
