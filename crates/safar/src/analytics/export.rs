//! Dashboard tables as CSV and XLSX files. Text that a spreadsheet would read as a formula
//! (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with `'` so a
//! name in a table can never run as one.

use axum::response::{IntoResponse, Response};
use http::header;
use rust_xlsxwriter::{Format, Workbook};

use crate::platform::error::ServiceError;

/// A cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A suppressed or missing value.
    Empty,
}

/// A table ready to write: its header and rows.
pub struct Sheet {
    pub title: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// Neutralises text a spreadsheet would evaluate.
pub fn defuse(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_string(),
    }
}

fn number_text(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// A file format for `download`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileType {
    Csv,
    Xlsx,
}

impl FileType {
    fn extension(self) -> &'static str {
        match self {
            FileType::Csv => "csv",
            FileType::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            FileType::Csv => "text/csv; charset=utf-8",
            FileType::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// `sheet` as an attachment named `{name}.csv` or `{name}.xlsx`.
pub fn download(sheet: &Sheet, name: &str, kind: FileType) -> Response {
    let bytes = match kind {
        FileType::Csv => csv(sheet).map_err(|e| anyhow::anyhow!(e)),
        FileType::Xlsx => xlsx(sheet).map_err(|e| anyhow::anyhow!(e)),
    };
    match bytes {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, kind.content_type().to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}.{}\"", kind.extension()),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => ServiceError::Internal(e).into_response(),
    }
}

pub fn csv(sheet: &Sheet) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(sheet.header.iter().map(|h| defuse(h)))?;
    for row in &sheet.rows {
        out.write_record(row.iter().map(|c| match c {
            Cell::Text(t) => defuse(t),
            Cell::Number(v) => number_text(*v),
            Cell::Empty => String::new(),
        }))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

pub fn xlsx(sheet: &Sheet) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let page = book.add_worksheet();
    // Sheet names: at most 31 characters, none of []:*?/\.
    let name: String = sheet
        .title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if !name.trim().is_empty() {
        page.set_name(name.trim())?;
    }
    for (col, h) in sheet.header.iter().enumerate() {
        page.write_string_with_format(0, col as u16, defuse(h), &bold)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, cell) in row.iter().enumerate() {
            let col = col as u16;
            match cell {
                Cell::Text(t) => {
                    page.write_string(r, col, defuse(t))?;
                }
                Cell::Number(v) => {
                    page.write_number(r, col, *v)?;
                }
                Cell::Empty => {}
            }
        }
    }
    book.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            title: "departures".into(),
            header: vec!["region".into(), "value".into()],
            rows: vec![
                vec![
                    Cell::Text("=HYPERLINK(\"http://x\")".into()),
                    Cell::Number(12.0),
                ],
                vec![Cell::Text("+1".into()), Cell::Empty],
                vec![Cell::Text("-2".into()), Cell::Number(2.5)],
                vec![Cell::Text("@SUM(A1)".into()), Cell::Number(7.0)],
                vec![Cell::Text("Samarqand".into()), Cell::Number(9.0)],
            ],
        }
    }

    #[test]
    fn formulas_are_defused_in_csv() {
        let text = String::from_utf8(csv(&sheet()).expect("csv")).expect("utf-8");
        assert!(text.contains("\"'=HYPERLINK(\"\"http://x\"\")\",12"));
        assert!(text.contains("'+1,\n"));
        assert!(text.contains("'-2,2.5"));
        assert!(text.contains("'@SUM(A1),7"));
        assert!(text.contains("Samarqand,9"));
    }

    #[test]
    fn an_xlsx_file_is_a_zip_with_the_values_as_text() {
        let bytes = xlsx(&sheet()).expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
        assert!(defuse("=1+1").starts_with('\''));
        assert_eq!(defuse("Toshkent"), "Toshkent");
    }
}
