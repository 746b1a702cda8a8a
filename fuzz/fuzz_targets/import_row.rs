//! The journeys import reads any CSV a border agency sends: every row is checked without a
//! panic, whatever its bytes, columns or quoting.
#![no_main]
use std::collections::HashSet;

use libfuzzer_sys::fuzz_target;
use safar::people::import::{Columns, parse_row};

fuzz_target!(|data: &[u8]| {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(data);
    let header = csv::StringRecord::from(vec![
        "pinfl",
        "kind",
        "date",
        "country",
        "channel",
        "employer",
        "recruiter",
        "sector",
        "source",
        "family_name",
        "given_name",
        "patronymic",
        "birth_date",
        "gender",
        "region",
    ]);
    let Ok(columns) = Columns::from_header(&header) else {
        return;
    };
    let countries: HashSet<String> = ["RU", "KZ", "KR", "TR", "GB"]
        .iter()
        .map(|c| c.to_string())
        .collect();
    let today = time::macros::date!(2026 - 11 - 29);
    for (line, record) in reader.records().enumerate() {
        if let Ok(record) = record {
            let _ = parse_row(&columns, &record, line as u64 + 2, &countries, today);
        }
    }
});
