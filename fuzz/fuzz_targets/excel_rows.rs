//! The Excel import's checks of a sheet's cells: the input is the sheet's content as text, written into a real
//! `.xlsx` and imported (`govit_fuzz::import`). Mutating the bytes of an `.xlsx` seldom changes a cell (the
//! XML is deflate-compressed), so this target lets the fuzzer write the cells themselves: titles, headers,
//! names, closed-list labels, amounts, 是/否, and numbers as Excel stores them.
//!
//! Format: one line per row, cells separated by tabs, from A1. A cell `#…` is written as a number when the rest
//! reads as one (`#1200000`, `#80.5`, `#1e300`), `?1`/`?0` as a boolean, an empty cell not at all, any other
//! cell as text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rust_xlsxwriter::Workbook;

/// Rows beyond the import's limit of 1000 (the limit's own error is worth reaching).
const MAX_ROWS: u32 = 1010;
const MAX_COLUMNS: u16 = 16;

fn workbook(text: &str) -> Option<Vec<u8>> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("申报表").ok()?;
    for (row, line) in (0..MAX_ROWS).zip(text.lines()) {
        for (col, cell) in (0..MAX_COLUMNS).zip(line.split('\t')) {
            if cell.is_empty() {
                continue;
            }
            let number = cell.strip_prefix('#').and_then(|n| n.parse::<f64>().ok());
            let written = match (number, cell) {
                (Some(n), _) => sheet.write_number(row, col, n).map(|_| ()),
                (None, "?1") => sheet.write_boolean(row, col, true).map(|_| ()),
                (None, "?0") => sheet.write_boolean(row, col, false).map(|_| ()),
                (None, _) => sheet.write_string(row, col, cell).map(|_| ()),
            };
            written.ok()?;
        }
    }
    workbook.save_to_buffer().ok()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Some(bytes) = workbook(text) {
        govit_fuzz::import(&bytes);
    }
});
