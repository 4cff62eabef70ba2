//! `cargo fuzz run parse_members` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(today) = chrono::NaiveDate::from_ymd_opt(2025, 6, 1) else {
        return;
    };
    for name in ["x.csv", "x.xlsx"] {
        let _ = office::read_table(name, data);
        if let Ok(parsed) = office::parse_members(name, data, today) {
            // Whatever was accepted must export and re-import without errors.
            let again = office::parse_members("y.csv", &office::members_csv(&parsed.rows), today);
            assert!(again.is_ok_and(|p| p.errors.is_empty() && p.rows.len() == parsed.rows.len()));
            for e in &parsed.errors {
                assert!(e.line >= 1);
            }
        }
    }
});
