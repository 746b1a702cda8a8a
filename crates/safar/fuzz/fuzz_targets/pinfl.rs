#![no_main]
//! PINFL parsing and its cross-checks never panic, and anything accepted re-parses to itself.

use libfuzzer_sys::fuzz_target;
use safar::people::model::{Gender, Pinfl, parse_date};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Pinfl::parse(text) {
        assert_eq!(Pinfl::parse(p.as_str()).ok(), Some(p.clone()));
        if let Some(date) = parse_date("1990-01-01") {
            let _ = p.check_against(date, Gender::Male);
            let _ = p.check_against(date, Gender::Female);
        }
    }
    let _ = parse_date(text);
});
