//! Phone numbers in any local form normalise to E.164, and a normalised number stays as it is.
#![no_main]
use libfuzzer_sys::fuzz_target;
use safar::accounts::model::parse_phone;

fuzz_target!(|text: &str| {
    if let Ok(phone) = parse_phone(text) {
        assert_eq!(
            parse_phone(&phone),
            Ok(phone.clone()),
            "normalising is stable"
        );
        assert!(phone.starts_with('+'), "{phone}");
    }
});
