#![no_main]
//! The journeys CSV row parser never panics on any bytes.

use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use safar::people::import::{Columns, parse_row};

fuzz_target!(|data: &[u8]| {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(data);
    let Ok(header) = reader.headers().cloned() else {
        return;
    };
    let Ok(columns) = Columns::from_header(&header) else {
        return;
    };
    let countries: HashSet<String> = ["RU".to_string(), "KZ".to_string()].into();
    let today =
        time::Date::from_calendar_date(2026, time::Month::November, 28).unwrap_or(time::Date::MIN);
    for (i, record) in reader.records().enumerate() {
        if let Ok(record) = record {
            let _ = parse_row(&columns, &record, i as u64 + 2, &countries, today);
        }
    }
});
