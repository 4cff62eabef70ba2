#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::Cell;

use common::*;
use domain::UnitType;
use office::{parse_units, unknown_parent_errors, Parsed, UnitRow};

fn units(rows: &[&str]) -> Parsed<UnitRow> {
    parse_units("units.csv", &csv(UNIT_HEADER, rows)).unwrap()
}

#[test]
fn valid_tree_with_parent_defined_later() {
    let p = units(&[
        "P7-CB1,Chi bộ Khu phố 1,Chi bộ,P7,1,01/07/2020",
        "P7,Đảng bộ Phường 7,dang bo co so,TU,7,",
        "TU,Thành ủy Bến Tre,Đảng bộ,,,",
    ]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        p.rows[0],
        UnitRow {
            line: 2,
            code: "P7-CB1".into(),
            name: "Chi bộ Khu phố 1".into(),
            unit_type: UnitType::Cell,
            parent_code: Some("P7".into()),
            sort_order: Some(1),
            valid_from: Some(d(2020, 7, 1)),
        }
    );
    assert_eq!(p.rows[1].unit_type, UnitType::GrassrootsCommittee);
    assert_eq!(p.rows[2].parent_code, None);
    assert_eq!(p.rows[2].sort_order, None);
    assert!(unknown_parent_errors(&p.rows, &|c| c == "TU").is_empty());
}

#[test]
fn missing_code_and_name() {
    let p = units(&[",Chi bộ 1,Chi bộ,,,", "CB2,,Chi bộ,,,"]);
    assert_eq!(where_(&p.errors), [(2, "Mã đơn vị"), (3, "Tên đơn vị")]);
    assert_eq!(p.errors[0].message, "Thiếu mã đơn vị");
    assert_eq!(p.errors[1].message, "Thiếu tên đơn vị");
    assert!(p.rows.is_empty());
}

#[test]
fn unknown_type_lists_accepted_labels() {
    let p = units(&["CB1,Chi bộ 1,Tổ đảng,,,", "CB2,Chi bộ 2,,,,"]);
    assert_eq!(where_(&p.errors), [(2, "Loại"), (3, "Loại")]);
    let m = &p.errors[0].message;
    assert!(m.contains("\"Tổ đảng\""), "{m}");
    for t in UnitType::ALL {
        assert!(m.contains(t.label()), "{m}");
    }
}

#[test]
fn duplicate_code_cites_first_line() {
    let p = units(&[
        "CB1,Chi bộ 1,Chi bộ,,,",
        "CB2,Chi bộ 2,Chi bộ,,,",
        "CB1,Chi bộ 1b,Chi bộ,,,",
    ]);
    assert_eq!(where_(&p.errors), [(4, "Mã đơn vị")]);
    assert_eq!(p.errors[0].message, "Mã đơn vị \"CB1\" trùng với dòng 2");
    assert_eq!(p.rows.len(), 2);
}

#[test]
fn own_parent() {
    let p = units(&["CB1,Chi bộ 1,Chi bộ,CB1,,"]);
    assert_eq!(where_(&p.errors), [(2, "Mã đơn vị cấp trên")]);
    assert!(p.errors[0].message.contains("chính nó"));
}

#[test]
fn parent_cycle_in_file() {
    let p = units(&[
        "A,Đơn vị A,Chi bộ,B,,",
        "B,Đơn vị B,Chi bộ,C,,",
        "C,Đơn vị C,Chi bộ,A,,",
        "D,Đơn vị D,Chi bộ,A,,",
    ]);
    assert_eq!(
        where_(&p.errors),
        [
            (2, "Mã đơn vị cấp trên"),
            (3, "Mã đơn vị cấp trên"),
            (4, "Mã đơn vị cấp trên")
        ]
    );
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].code, "D");
}

#[test]
fn bad_order_and_date() {
    let p = units(&["CB1,Chi bộ 1,Chi bộ,,1.5,31/04/2020"]);
    assert_eq!(where_(&p.errors), [(2, "Thứ tự"), (2, "Từ ngày")]);
    assert_eq!(
        p.errors[1].message,
        "Ngày không hợp lệ: \"31/04/2020\" (định dạng dd/mm/yyyy)"
    );
}

#[test]
fn all_errors_of_a_row() {
    let p = units(&[",,xyz,,abc,abc"]);
    assert_eq!(
        where_(&p.errors),
        [
            (2, "Mã đơn vị"),
            (2, "Tên đơn vị"),
            (2, "Loại"),
            (2, "Thứ tự"),
            (2, "Từ ngày")
        ]
    );
}

#[test]
fn missing_column() {
    let p = parse_units("u.csv", &csv("Mã đơn vị,Tên đơn vị,Loại", &["A,B,Chi bộ"])).unwrap();
    assert_eq!(where_(&p.errors), [(1, "Mã đơn vị cấp trên")]);
    assert!(p.rows.is_empty());
}

#[test]
fn english_headers_and_optional_columns() {
    let p = parse_units(
        "u.csv",
        &csv("type,name,code,parent_code", &["cell,Chi bộ 1,CB1,P7"]),
    )
    .unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows[0].code, "CB1");
    assert_eq!(p.rows[0].unit_type, UnitType::Cell);
    assert_eq!(p.rows[0].valid_from, None);
}

#[test]
fn unknown_parents() {
    let p = units(&[
        "CB1,Chi bộ 1,Chi bộ,P7,,",
        "CB2,Chi bộ 2,Chi bộ,CB1,,",
        "CB3,Chi bộ 3,Chi bộ,P9,,",
        "CB4,Chi bộ 4,Chi bộ,P9,,",
        "CB5,Chi bộ 5,Chi bộ,CB6,,",
        "CB6,Chi bộ 6,Chi bộ,,,",
    ]);
    assert!(p.errors.is_empty());
    let calls = Cell::new(0);
    let in_db = |c: &str| {
        calls.set(calls.get() + 1);
        c == "P7"
    };
    let errs = unknown_parent_errors(&p.rows, &in_db);
    assert_eq!(
        where_(&errs),
        [(4, "Mã đơn vị cấp trên"), (5, "Mã đơn vị cấp trên")]
    );
    assert!(errs[0].message.contains("\"P9\""));
    assert_eq!(
        calls.get(),
        2,
        "one lookup per distinct code outside the file"
    );
}
