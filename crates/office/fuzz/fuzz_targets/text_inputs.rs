//! `cargo fuzz run text_inputs` (from crates/office): the domain parsers of typed user input (dates,
//! times, numbers, registration targets) never panic on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(d) = domain::text::parse_date(s) {
        // A date that was read prints as dd/mm/yyyy and reads back to itself.
        assert_eq!(
            domain::text::parse_date(&domain::text::format_date(d)),
            Some(d)
        );
    }
    let _ = domain::attendance::parse_time(s);
    if let Some(x) = domain::text::parse_decimal(s) {
        assert!(x.is_finite());
    }
    let _ = domain::quality::parse_target(s);
});
