//! Export → import gives back the same rows; templates parse cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::Months;
use common::*;
use domain::{Gender, UnitType};
use office::*;
use proptest::prelude::*;

fn without_lines_m(rows: &[MemberRow]) -> Vec<MemberRow> {
    rows.iter()
        .map(|r| MemberRow {
            line: 0,
            ..r.clone()
        })
        .collect()
}

fn without_lines_u(rows: &[UnitRow]) -> Vec<UnitRow> {
    rows.iter()
        .map(|r| UnitRow {
            line: 0,
            ..r.clone()
        })
        .collect()
}

fn sample_members() -> Vec<MemberRow> {
    vec![
        MemberRow {
            line: 2,
            unit_code: "P7-CB1".into(),
            full_name: "Nguyễn Thị Thu Hà".into(),
            birth_date: Some(d(1985, 3, 12)),
            gender: Some(Gender::Female),
            card_number: Some("079012345".into()),
            citizen_id: Some("083185001234".into()),
            joined_on: Some(d(2010, 2, 3)),
            official_on: Some(d(2011, 2, 3)),
            positions: vec!["Bí thư Chi bộ".into(), "Tổ trưởng tổ dân phố".into()],
            phone: Some("0912345678".into()),
            since: Some(d(2020, 8, 15)),
        },
        MemberRow {
            line: 3,
            unit_code: "P7-CB1".into(),
            full_name: "Trần \"Út\" Văn, Em".into(),
            birth_date: None,
            gender: None,
            card_number: None,
            citizen_id: Some("001099000001".into()),
            joined_on: None,
            official_on: None,
            positions: vec![],
            phone: None,
            since: None,
        },
        MemberRow {
            line: 4,
            unit_code: "=P8".into(),
            full_name: "@Lê Văn Tám".into(),
            birth_date: Some(d(1950, 12, 31)),
            gender: Some(Gender::Male),
            card_number: Some("+123".into()),
            citizen_id: None,
            joined_on: Some(d(1975, 4, 30)),
            official_on: None,
            positions: vec!["-Tổ viên".into()],
            phone: Some("02753822123".into()),
            since: Some(d(1975, 4, 30)),
        },
    ]
}

fn sample_units() -> Vec<UnitRow> {
    vec![
        UnitRow {
            line: 2,
            code: "TU".into(),
            name: "Thành ủy Bến Tre".into(),
            unit_type: UnitType::PartyCommittee,
            parent_code: None,
            sort_order: None,
            valid_from: None,
        },
        UnitRow {
            line: 3,
            code: "007".into(),
            name: "Đảng bộ Phường 7, khóa mới".into(),
            unit_type: UnitType::GrassrootsCommittee,
            parent_code: Some("TU".into()),
            sort_order: Some(-7),
            valid_from: Some(d(2020, 1, 1)),
        },
        UnitRow {
            line: 4,
            code: "KV".into(),
            name: "Khối vận".into(),
            unit_type: UnitType::MassMobilisationBloc,
            parent_code: Some("007".into()),
            sort_order: Some(9_000_000_000_000_000_001),
            valid_from: None,
        },
    ]
}

#[test]
fn members_csv_round_trip() {
    let rows = sample_members();
    let bytes = members_csv(&rows);
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    assert!(text.starts_with(&format!("{MEMBER_HEADER}\r\n")));
    assert!(text.contains("Bí thư Chi bộ; Tổ trưởng tổ dân phố"));
    assert!(text.contains(",12/03/1985,Nữ,"));
    assert!(text.contains("'=P8"), "formula-like cells are guarded");
    let p = parse_members("export.csv", &bytes, today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(without_lines_m(&p.rows), without_lines_m(&rows));
    assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3, 4]);
}

#[test]
fn members_xlsx_round_trip() {
    let rows = sample_members();
    let bytes = members_xlsx(&rows).unwrap();
    let t = read_table("export.xlsx", &bytes).unwrap();
    assert_eq!(t.headers, MEMBER_HEADERS);
    assert_eq!(t.rows[0].cells[4], "079012345", "card keeps leading zero");
    assert_eq!(t.rows[2].cells[0], "=P8", "xlsx strings are never formulas");
    let p = parse_members("export.xlsx", &bytes, today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(without_lines_m(&p.rows), without_lines_m(&rows));
}

#[test]
fn units_csv_and_xlsx_round_trip() {
    let rows = sample_units();
    let csv_bytes = units_csv(&rows);
    assert!(std::str::from_utf8(&csv_bytes[3..])
        .unwrap()
        .starts_with(&format!("{UNIT_HEADER}\r\n")));
    let p = parse_units("u.csv", &csv_bytes).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(without_lines_u(&p.rows), without_lines_u(&rows));

    let p = parse_units("u.xlsx", &units_xlsx(&rows).unwrap()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(without_lines_u(&p.rows), without_lines_u(&rows));
}

#[test]
fn empty_exports() {
    let p = parse_members("x.csv", &members_csv(&[]), today()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty());
    let p = parse_members("x.xlsx", &members_xlsx(&[]).unwrap(), today()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty());
    let p = parse_units("x.xlsx", &units_xlsx(&[]).unwrap()).unwrap();
    assert!(p.rows.is_empty() && p.errors.is_empty());
}

#[test]
fn members_template_parses_cleanly() {
    let bytes = members_template_xlsx().unwrap();
    let p = parse_members("mau.xlsx", &bytes, today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 1);
    let r = &p.rows[0];
    assert_eq!(r.unit_code, "P7-CB1");
    assert_eq!(r.full_name, "Nguyễn Thị Thu Hà");
    assert_eq!(r.birth_date, Some(d(1985, 3, 12)));
    assert_eq!(r.citizen_id.as_deref(), Some("083185001234"));
    assert_eq!(r.phone.as_deref(), Some("0912345678"));
    assert_eq!(r.positions, ["Bí thư Chi bộ", "Tổ trưởng tổ dân phố"]);
    assert_guide_sheet(&bytes, &MEMBER_HEADERS);
}

#[test]
fn units_template_parses_cleanly() {
    let bytes = units_template_xlsx().unwrap();
    let p = parse_units("mau.xlsx", &bytes).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].unit_type, UnitType::Cell);
    assert_guide_sheet(&bytes, &UNIT_HEADERS);
}

/// The second sheet is "Hướng dẫn" and explains every column.
fn assert_guide_sheet(bytes: &[u8], headers: &[&str]) {
    use calamine::{Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names()[1], "Hướng dẫn");
    let range = wb.worksheet_range("Hướng dẫn").unwrap();
    let first_column: Vec<String> = range.rows().map(|r| r[0].to_string()).collect();
    for h in headers {
        assert!(first_column.iter().any(|c| c == h), "guide lacks {h}");
    }
}

// ---------------------------------------------------------------------------------------------------
// Property: any set of valid members survives both exports.

fn word() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Đặng", "Bùi", "Thị", "Văn", "Hữu", "Ngọc",
        "Thu", "Hà", "Ánh", "Nguyệt", "Lực", "Tám", "Út", "Xuân", "Quỳnh", "Ỷ", "Ơn",
    ])
    .prop_map(str::to_string)
}

fn name() -> impl Strategy<Value = String> {
    proptest::collection::vec(word(), 1..5).prop_map(|w| w.join(" "))
}

fn member_strategy() -> impl Strategy<Value = MemberRow> {
    (
        "[A-Z0-9-]{1,8}",
        name(),
        (1940i32..1980, 1u32..13, 1u32..29),
        proptest::option::of(prop_oneof![Just(Gender::Male), Just(Gender::Female)]),
        (
            0u32..240,
            proptest::option::of(12u32..60),
            proptest::option::of(0u32..60),
        ),
        proptest::collection::vec(name(), 0..3),
        // Vietnamese numbers start 0[1-9]; "00…" would be read as the international prefix 0084.
        proptest::option::of("0[1-9][0-9]{8,9}"),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
    )
        .prop_map(
            |(
                unit,
                full_name,
                (y, m, day),
                gender,
                (join_m, off_m, since_m),
                positions,
                phone,
                flags,
            )| {
                let birth = d(y, m, day);
                let joined = birth + Months::new(12 * 18 + join_m);
                MemberRow {
                    line: 0,
                    unit_code: unit,
                    full_name,
                    birth_date: flags.0.then_some(birth),
                    gender,
                    card_number: None,
                    citizen_id: None,
                    joined_on: flags.1.then_some(joined),
                    official_on: off_m.filter(|_| flags.1).map(|k| joined + Months::new(k)),
                    positions,
                    phone,
                    since: since_m
                        .filter(|_| flags.2 || !flags.1)
                        .map(|k| joined + Months::new(k)),
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn any_valid_members_round_trip(mut rows in proptest::collection::vec(member_strategy(), 0..20)) {
        for (i, r) in rows.iter_mut().enumerate() {
            // Unique identifiers; sometimes only one of the two.
            if i % 3 != 1 {
                r.card_number = Some(format!("{:08}", i * 7));
            }
            if i % 3 != 0 {
                r.citizen_id = Some(format!("0{:011}", i * 13));
            }
        }
        let csv_rows = parse_members("p.csv", &members_csv(&rows), today()).unwrap();
        prop_assert!(csv_rows.errors.is_empty(), "{:?}", csv_rows.errors);
        prop_assert_eq!(without_lines_m(&csv_rows.rows), without_lines_m(&rows));
        let xlsx_rows = parse_members("p.xlsx", &members_xlsx(&rows).unwrap(), today()).unwrap();
        prop_assert!(xlsx_rows.errors.is_empty(), "{:?}", xlsx_rows.errors);
        prop_assert_eq!(without_lines_m(&xlsx_rows.rows), without_lines_m(&rows));
    }
}
