//! `cargo fuzz run parse_inspections` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["x.csv", "x.xlsx"] {
        if let Ok(parsed) = office::parse_inspections(data, name) {
            for e in &parsed.errors {
                assert!(e.line >= 1);
            }
            for r in &parsed.rows {
                // Exactly one subject per accepted row.
                assert!(r.subject_unit_code.is_some() != r.subject_card.is_some());
            }
        }
    }
});
