//! `cargo fuzz run read_table` (from crates/office): any bytes, read as CSV and as XLSX, never panic,
//! and whatever is read stays within the import limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["x.csv", "x.xlsx"] {
        if let Ok(table) = office::read_table(name, data) {
            assert!(table.header_line >= 1);
            assert!(table.rows.len() <= office::MAX_IMPORT_ROWS);
            let mut last = table.header_line;
            for row in &table.rows {
                // Lines only go forward, and every cell is within Excel's limit.
                assert!(row.line > last);
                last = row.line;
                for cell in &row.cells {
                    assert!(cell.chars().count() <= office::MAX_CELL_CHARS);
                    assert_eq!(cell.trim(), cell);
                }
            }
        }
    }
});
