//! A PINFL is parsed from anything typed or imported; an accepted one parses again to itself.
#![no_main]
use libfuzzer_sys::fuzz_target;
use safar::people::model::Pinfl;

fuzz_target!(|text: &str| {
    if let Ok(pinfl) = Pinfl::parse(text) {
        let again = Pinfl::parse(pinfl.as_str()).expect("an accepted PINFL parses again");
        assert_eq!(again.as_str(), pinfl.as_str());
    }
});
