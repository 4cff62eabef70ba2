//! `cargo fuzz run parse_criteria` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["x.csv", "x.xlsx"] {
        if let Ok(parsed) = office::parse_criteria(data, name) {
            for e in &parsed.errors {
                assert!(e.line >= 1);
            }
            let mut codes = std::collections::HashSet::new();
            for r in &parsed.rows {
                // Accepted rows have a valid, unique code and a title.
                assert!(domain::criteria::valid_code(&r.code));
                assert!(codes.insert(domain::text::fold(&r.code)));
                assert!(!r.title.is_empty());
            }
        }
    }
});
