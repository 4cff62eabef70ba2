#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::cell::Cell;

use common::*;
use domain::Gender;
use office::{parse_members, unknown_unit_errors, RowError};

fn only_error(rows: &[&str]) -> RowError {
    let p = parse_members_csv(rows);
    assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
    p.errors[0].clone()
}

#[test]
fn valid_row_is_read_completely() {
    let p = parse_members_csv(&[GOOD]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let r = &p.rows[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.unit_code, "P7-CB1");
    assert_eq!(r.full_name, "Nguyễn Thị Thu Hà");
    assert_eq!(r.birth_date, Some(d(1985, 3, 12)));
    assert_eq!(r.gender, Some(Gender::Female));
    assert_eq!(r.card_number.as_deref(), Some("79012345"));
    assert_eq!(r.citizen_id.as_deref(), Some("083185001234"));
    assert_eq!(r.joined_on, Some(d(2010, 2, 3)));
    assert_eq!(r.official_on, Some(d(2011, 2, 3)));
    assert_eq!(r.positions, ["Bí thư Chi bộ", "Tổ trưởng tổ dân phố"]);
    assert_eq!(r.phone.as_deref(), Some("0912345678"));
    assert_eq!(r.since, Some(d(2020, 8, 15)));
}

#[test]
fn optional_cells_may_be_empty() {
    let row = member(&[
        (2, ""),
        (3, ""),
        (5, ""),
        (6, ""),
        (7, ""),
        (8, ""),
        (9, ""),
        (10, ""),
    ]);
    let p = parse_members_csv(&[&row]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let r = &p.rows[0];
    assert_eq!(r.birth_date, None);
    assert_eq!(r.gender, None);
    assert_eq!(r.citizen_id, None);
    assert!(r.positions.is_empty());
    assert_eq!(r.phone, None);
}

#[test]
fn missing_name() {
    let e = only_error(&[GOOD, &member(&[(1, ""), (4, "1"), (5, "")])]);
    assert_eq!(e.line, 3);
    assert_eq!(e.column, "Họ và tên");
    assert_eq!(e.message, "Thiếu họ và tên");
    assert_eq!(e.to_string(), "dòng 3, cột \"Họ và tên\": Thiếu họ và tên");
}

#[test]
fn missing_unit_code() {
    let e = only_error(&[&member(&[(0, "  ")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Mã đơn vị"));
    assert_eq!(e.message, "Thiếu mã đơn vị");
}

#[test]
fn invalid_date_message_is_exact() {
    let e = only_error(&[&member(&[(2, "31/02/2020")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày sinh"));
    assert_eq!(
        e.message,
        "Ngày không hợp lệ: \"31/02/2020\" (định dạng dd/mm/yyyy)"
    );
    for (i, column) in [
        (6, "Ngày vào Đảng"),
        (7, "Ngày chính thức"),
        (10, "Từ ngày"),
    ] {
        let p = parse_members_csv(&[&member(&[(i, "2010/13/01")])]);
        assert!(
            where_(&p.errors).contains(&(2, column)),
            "{column}: {:?}",
            p.errors
        );
    }
}

#[test]
fn accepted_date_forms() {
    let p = parse_members_csv(&[&member(&[(2, "2/3/1985"), (6, "2010-02-03")])]);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows[0].birth_date, Some(d(1985, 3, 2)));
    assert_eq!(p.rows[0].joined_on, Some(d(2010, 2, 3)));
}

#[test]
fn invalid_gender() {
    let e = only_error(&[&member(&[(3, "Khác")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Giới tính"));
    assert!(e.message.contains("\"Khác\""), "{}", e.message);
    for ok in ["nam", "NỮ", "nu", "Male"] {
        assert!(parse_members_csv(&[&member(&[(3, ok)])]).errors.is_empty());
    }
}

#[test]
fn neither_card_nor_citizen_id() {
    let e = only_error(&[&member(&[(4, ""), (5, "")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Số thẻ đảng viên"));
    assert!(e.message.contains("CCCD"));
    // Either one is enough.
    assert!(parse_members_csv(&[&member(&[(4, "")])]).errors.is_empty());
    assert!(parse_members_csv(&[&member(&[(5, "")])]).errors.is_empty());
}

#[test]
fn citizen_id_must_be_12_or_9_digits() {
    for bad in ["08318500123", "0831850012345", "08318500123X", "12345"] {
        let e = only_error(&[&member(&[(5, bad)])]);
        assert_eq!((e.line, e.column.as_str()), (2, "Số CCCD"), "{bad}");
    }
    let p = parse_members_csv(&[&member(&[(5, "321456789")])]);
    assert!(p.errors.is_empty());
    assert_eq!(p.rows[0].citizen_id.as_deref(), Some("321456789"));
    let p = parse_members_csv(&[&member(&[(5, "083 185 001 234")])]);
    assert_eq!(p.rows[0].citizen_id.as_deref(), Some("083185001234"));
}

#[test]
fn phone_is_checked_and_normalised() {
    for bad in ["09123456", "091234567890", "abc", "+1 202 555 0100"] {
        let e = only_error(&[&member(&[(9, bad)])]);
        assert_eq!((e.line, e.column.as_str()), (2, "Điện thoại"), "{bad}");
    }
    for (given, stored) in [
        ("+84 912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("02753 822 123", "02753822123"),
    ] {
        let p = parse_members_csv(&[&member(&[(9, given)])]);
        assert!(p.errors.is_empty(), "{given}: {:?}", p.errors);
        assert_eq!(p.rows[0].phone.as_deref(), Some(stored));
    }
    // A phone that lost its leading zero in Excel gets a hint.
    let e = only_error(&[&member(&[(9, "912345678")])]);
    assert!(e.message.contains("số 0"), "{}", e.message);
}

#[test]
fn duplicate_card_cites_first_line() {
    let p = parse_members_csv(&[
        GOOD,
        &member(&[(5, "083185009999")]),
        &member(&[(4, "11111111"), (5, "083185008888")]),
        &member(&[(5, "083185007777")]),
    ]);
    assert_eq!(
        where_(&p.errors),
        [(3, "Số thẻ đảng viên"), (5, "Số thẻ đảng viên")]
    );
    assert!(
        p.errors[0].message.contains("dòng 2"),
        "{}",
        p.errors[0].message
    );
    assert!(p.errors[0].message.contains("79012345"));
    assert!(p.errors[1].message.contains("dòng 2"));
    assert_eq!(p.rows.len(), 2);
}

#[test]
fn duplicate_citizen_id_cites_other_line() {
    let p = parse_members_csv(&[GOOD, &member(&[(4, "79099999"), (5, "083 185 001 234")])]);
    assert_eq!(where_(&p.errors), [(3, "Số CCCD")]);
    assert_eq!(
        p.errors[0].message,
        "Số CCCD \"083185001234\" trùng với dòng 2"
    );
}

#[test]
fn official_before_joined() {
    let e = only_error(&[&member(&[(7, "03/02/2009")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày chính thức"));
    assert!(e.message.contains("03/02/2009"), "{}", e.message);
}

#[test]
fn joined_before_eighteen() {
    let e = only_error(&[&member(&[(6, "03/02/2000"), (7, "03/02/2001"), (10, "")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày vào Đảng"));
}

#[test]
fn future_birth_date() {
    let e = only_error(&[&member(&[(2, "01/01/2030"), (6, ""), (7, ""), (10, "")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày sinh"));
}

#[test]
fn official_without_joined() {
    let e = only_error(&[&member(&[(6, ""), (10, "")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày chính thức"));
}

#[test]
fn unreadable_joined_date_is_reported_once() {
    let e = only_error(&[&member(&[(6, "xx"), (10, "")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Ngày vào Đảng"));
}

#[test]
fn since_before_joined() {
    let e = only_error(&[&member(&[(10, "01/01/2009")])]);
    assert_eq!((e.line, e.column.as_str()), (2, "Từ ngày"));
    assert!(e.message.contains("01/01/2009") && e.message.contains("03/02/2010"));
}

#[test]
fn all_errors_are_collected_in_order() {
    let p = parse_members_csv(&[
        &member(&[(1, ""), (2, "31/02/2020"), (3, "X"), (9, "12")]),
        GOOD,
        &member(&[(0, ""), (4, ""), (5, "")]),
        "",
        &member(&[(4, "2"), (5, "1")]),
    ]);
    assert_eq!(
        where_(&p.errors),
        [
            (2, "Họ và tên"),
            (2, "Ngày sinh"),
            (2, "Giới tính"),
            (2, "Điện thoại"),
            // Line 2 has errors but its card and ID still count: line 3 repeats them.
            (3, "Số thẻ đảng viên"),
            (3, "Số CCCD"),
            (4, "Mã đơn vị"),
            (4, "Số thẻ đảng viên"),
            (6, "Số CCCD"),
        ],
        "{:#?}",
        p.errors
    );
    assert_eq!(p.rows.len(), 0);
}

#[test]
fn good_rows_are_kept_beside_bad_ones() {
    let p = parse_members_csv(&[
        &member(&[(4, "1"), (5, ""), (2, "bad")]),
        &member(&[(4, "2"), (5, "")]),
        &member(&[(4, "3"), (5, "")]),
    ]);
    assert_eq!(where_(&p.errors), [(2, "Ngày sinh")]);
    assert_eq!(p.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [3, 4]);
}

#[test]
fn missing_required_columns_are_reported_at_line_1() {
    let header = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Ngày vào Đảng,Ngày chính thức,Chức vụ";
    let p = parse_members("x.csv", &csv(header, &["P7,A,,,1,,,"]), today()).unwrap();
    assert!(p.rows.is_empty());
    assert_eq!(where_(&p.errors), [(1, "Số CCCD"), (1, "Điện thoại")]);
    assert_eq!(p.errors[0].message, "Thiếu cột \"Số CCCD\"");
}

#[test]
fn optional_since_column_may_be_absent_and_extra_columns_are_ignored() {
    let header = "STT,Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Ghi chú";
    let row = "1,P7-CB1,Lê Văn Tám,01/01/1970,Nam,123,,01/01/2000,01/01/2001,,,chuyển đến";
    let p = parse_members("x.csv", &csv(header, &[row]), today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows[0].full_name, "Lê Văn Tám");
    assert_eq!(p.rows[0].since, None);
}

#[test]
fn english_headers_in_any_order_and_case() {
    let header = "Full_Name,UNIT_CODE,gender,birth_date,card_number,citizen_id,joined_on,official_on,positions,phone,since";
    let row = "Trần Văn Bình,P7-CB2,Nam,05/06/1975,79000001,083075000001,01/09/2000,01/09/2001,Đảng viên,0988000111,";
    let p = parse_members("members.csv", &csv(header, &[row]), today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows[0].unit_code, "P7-CB2");
    assert_eq!(p.rows[0].full_name, "Trần Văn Bình");
    assert_eq!(p.rows[0].gender, Some(Gender::Male));
}

#[test]
fn headers_without_diacritics_and_with_notes() {
    let header = "ma don vi,HO VA TEN *,Ngay sinh (dd/mm/yyyy),gioi tinh,so the dang vien,so cccd,ngay vao dang,ngay chinh thuc,chuc vu,dien thoai";
    let p = parse_members("x.csv", &csv(header, &[GOOD]), today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 1);
}

#[test]
fn duplicate_column_is_an_error() {
    let header = format!("{MEMBER_HEADER},Họ và tên");
    let p = parse_members("x.csv", &csv(&header, &[GOOD]), today()).unwrap();
    assert_eq!(where_(&p.errors), [(1, "Họ và tên")]);
    assert!(
        p.errors[0].message.contains("cột B và cột L"),
        "{}",
        p.errors[0].message
    );
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let mut s = String::from("DANH SÁCH ĐẢNG VIÊN CHI BỘ KHU PHỐ 1,,,\n\n");
    s.push_str(MEMBER_HEADER);
    s.push('\n');
    s.push_str(GOOD);
    s.push('\n');
    s.push_str(&member(&[(1, ""), (4, "2"), (5, "")]));
    let p = parse_members("x.csv", s.as_bytes(), today()).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].line, 4);
    assert_eq!(where_(&p.errors), [(5, "Họ và tên")]);
}

#[test]
fn empty_rows_are_skipped_but_counted() {
    let p = parse_members_csv(&["", ",,,,", GOOD]);
    assert!(p.errors.is_empty());
    assert_eq!(p.rows[0].line, 4);
}

#[test]
fn empty_file_is_an_error() {
    assert!(matches!(
        parse_members("x.csv", b"", today()),
        Err(office::OfficeError::Empty)
    ));
    assert!(matches!(
        parse_members("x.csv", b"\n \n,,\n", today()),
        Err(office::OfficeError::Empty)
    ));
}

#[test]
fn header_only_file_has_no_rows_and_no_errors() {
    let p = parse_members_csv(&[]);
    assert!(p.rows.is_empty() && p.errors.is_empty());
}

#[test]
fn unknown_units_are_reported_with_one_lookup_per_code() {
    let p = parse_members_csv(&[
        GOOD,
        &member(&[(0, "X1"), (4, "2"), (5, "")]),
        &member(&[(0, "X1"), (4, "3"), (5, "")]),
    ]);
    assert!(p.errors.is_empty());
    let calls = Cell::new(0);
    let known = |code: &str| {
        calls.set(calls.get() + 1);
        code == "P7-CB1"
    };
    let errs = unknown_unit_errors(&p.rows, &known);
    assert_eq!(where_(&errs), [(3, "Mã đơn vị"), (4, "Mã đơn vị")]);
    assert_eq!(errs[0].message, "Không tìm thấy đơn vị có mã \"X1\"");
    assert_eq!(calls.get(), 2);
}

#[test]
fn cells_are_trimmed_and_nfc() {
    // "Hà" written decomposed (a + combining grave) with extra spaces.
    let row = member(&[(1, "  Nguyễn   Thị Thu Ha\u{300} ")]);
    let p = parse_members_csv(&[&row]);
    assert_eq!(p.rows[0].full_name, "Nguyễn Thị Thu Hà");
}

#[test]
fn quoted_fields_with_commas_and_newlines() {
    let row = member(&[(8, "Bí thư, kiêm \"tổ trưởng\"")]);
    let p = parse_members_csv(&[&row]);
    assert_eq!(p.rows[0].positions, ["Bí thư, kiêm \"tổ trưởng\""]);
    let text = format!(
        "{MEMBER_HEADER}\n\"P7-CB1\",\"Nguyễn\nVăn A\",,,1,,,,,,\n{}",
        member(&[(4, "2"), (1, "")])
    );
    let p = parse_members("x.csv", text.as_bytes(), today()).unwrap();
    assert_eq!(p.rows[0].full_name, "Nguyễn Văn A");
    // The quoted line break does not shift spreadsheet line numbers.
    assert_eq!(where_(&p.errors), [(3, "Họ và tên")]);
}
