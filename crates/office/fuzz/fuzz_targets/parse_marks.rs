//! `cargo fuzz run parse_marks` (from crates/office).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for name in ["x.csv", "x.xlsx"] {
        if let Ok(parsed) = office::parse_marks(name, data) {
            for e in &parsed.errors {
                assert!(e.line >= 1);
            }
            // Whatever was accepted must export and re-import to the same marks.
            let Some(date) = chrono::NaiveDate::from_ymd_opt(2025, 6, 1) else {
                return;
            };
            let header = office::SheetHeader {
                issuer: String::new(),
                unit_name: "Chi bộ".to_string(),
                title: "Sinh hoạt".to_string(),
                date,
                time: None,
                place: String::new(),
            };
            let rows: Vec<office::SheetRow> = parsed
                .rows
                .iter()
                .map(|r| office::SheetRow {
                    member_id: r.member_id,
                    full_name: String::new(),
                    unit_name: String::new(),
                    status: Some(r.status),
                    made_up_from: None,
                    marked_by: None,
                    marked_at: None,
                })
                .collect();
            let Ok(bytes) = office::marks_xlsx(&header, &rows) else {
                panic!("marks_xlsx failed");
            };
            let again = office::parse_marks("y.xlsx", &bytes);
            assert!(again.is_ok_and(|p| p.errors.is_empty()
                && p.rows
                    .iter()
                    .map(|r| (r.member_id, r.status))
                    .eq(parsed.rows.iter().map(|r| (r.member_id, r.status)))));
            let _ = office::signin_sheet_xlsx(&header, &rows);
        }
    }
});
