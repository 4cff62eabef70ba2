//! `cargo fuzz run parse_units` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["x.csv", "x.xlsx"] {
        if let Ok(parsed) = office::parse_units(name, data) {
            let again = office::parse_units("y.csv", &office::units_csv(&parsed.rows));
            assert!(again.is_ok_and(|p| p.errors.is_empty() && p.rows.len() == parsed.rows.len()));
            let _ = office::unknown_parent_errors(&parsed.rows, &|code| code.len() % 2 == 0);
        }
    }
});
