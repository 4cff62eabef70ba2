//! `cargo fuzz run check_zip` (from crates/office): the package check before any XLSX reader never
//! panics, and what it accepts is within its own limits.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(stats) = office::check_zip(data) {
        assert!(stats.entries <= office::MAX_ZIP_ENTRIES);
        assert!(stats.unpacked <= office::MAX_TOTAL_UNPACKED);
        assert!(stats.shared_strings <= office::MAX_SHARED_STRINGS);
        assert!(stats.rows <= office::MAX_SHEET_ROWS);
        assert!(stats.cells <= office::MAX_XLSX_CELLS);
    }
});
