//! XLSX import: real date cells, text dates, numeric and text ID/phone cells, line numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use domain::{Gender, UnitType};
use office::{parse_members, parse_units, read_table, OfficeError, MEMBER_HEADERS, UNIT_HEADERS};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};

fn headers(ws: &mut Worksheet, row: u32, headers: &[&str]) {
    for (c, h) in headers.iter().enumerate() {
        ws.write_string(row, c as u16, *h).unwrap();
    }
}

fn date(y: u16, m: u8, d: u8) -> ExcelDateTime {
    ExcelDateTime::from_ymd(y, m, d).unwrap()
}

/// Members sheet: row 2 mixes every cell kind; row 3 has IDs that Excel turned into numbers.
fn members_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(ws, 0, &MEMBER_HEADERS);
    let dmy = Format::new().set_num_format("dd/mm/yyyy");
    let iso_time = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let short = Format::new().set_num_format("d/m/yyyy");
    // Line 2: a good row.
    ws.write_string(1, 0, "P7-CB1").unwrap();
    ws.write_string(1, 1, " Nguyễn Thị Thu Hà ").unwrap();
    ws.write_date_with_format(1, 2, date(1985, 3, 12), &dmy)
        .unwrap();
    ws.write_string(1, 3, "Nữ").unwrap();
    ws.write_number(1, 4, 79012345).unwrap();
    ws.write_string(1, 5, "083185001234").unwrap();
    ws.write_string(1, 6, "03/02/2010").unwrap();
    ws.write_datetime_with_format(1, 7, date(2011, 2, 3).and_hms(8, 30, 0).unwrap(), &iso_time)
        .unwrap();
    ws.write_string(1, 8, "Bí thư Chi bộ; Tổ trưởng tổ dân phố")
        .unwrap();
    ws.write_string(1, 9, "0912345678").unwrap();
    ws.write_date_with_format(1, 10, date(2020, 8, 15), &short)
        .unwrap();
    // Line 3: citizen ID and phone typed as numbers (leading zero lost).
    ws.write_string(2, 0, "P7-CB1").unwrap();
    ws.write_string(2, 1, "Lê Văn Tám").unwrap();
    ws.write_number(2, 4, 79012346).unwrap();
    ws.write_number(2, 5, 83185001235_f64).unwrap();
    ws.write_number(2, 9, 912345679).unwrap();
    // Line 4 empty; line 5: a numeric 9-digit CMND and a date typed as text in ISO form.
    ws.write_string(4, 0, "P7-CB2").unwrap();
    ws.write_string(4, 1, "Phạm Thị Ngọc").unwrap();
    ws.write_number(4, 5, 321456789).unwrap();
    ws.write_string(4, 2, "1990-07-01").unwrap();
    // A stray cell far to the right and far down must not cost memory or become a row.
    ws.write_string(1_048_575, 16_383, "x").unwrap();
    // A second sheet is ignored.
    let other = wb.add_worksheet();
    other.write_string(0, 0, "khác").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn members_from_xlsx() {
    let bytes = members_workbook();
    let p = parse_members("danh-sach.xlsx", &bytes, today()).unwrap();
    assert_eq!(
        where_(&p.errors),
        [(3, "Số CCCD"), (3, "Điện thoại")],
        "{:#?}",
        p.errors
    );
    assert!(
        p.errors[0].message.contains("số 0"),
        "{}",
        p.errors[0].message
    );
    assert!(
        p.errors[1].message.contains("số 0"),
        "{}",
        p.errors[1].message
    );
    assert_eq!(p.rows.len(), 2);
    let r = &p.rows[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.full_name, "Nguyễn Thị Thu Hà");
    assert_eq!(r.birth_date, Some(d(1985, 3, 12)));
    assert_eq!(r.gender, Some(Gender::Female));
    assert_eq!(r.card_number.as_deref(), Some("79012345"));
    assert_eq!(r.citizen_id.as_deref(), Some("083185001234"));
    assert_eq!(r.joined_on, Some(d(2010, 2, 3)));
    assert_eq!(r.official_on, Some(d(2011, 2, 3)));
    assert_eq!(r.phone.as_deref(), Some("0912345678"));
    assert_eq!(r.since, Some(d(2020, 8, 15)));
    let r = &p.rows[1];
    assert_eq!(r.line, 5);
    assert_eq!(r.citizen_id.as_deref(), Some("321456789"));
    assert_eq!(r.birth_date, Some(d(1990, 7, 1)));
}

#[test]
fn xlsx_cells_as_text() {
    let bytes = members_workbook();
    let t = read_table("whatever.bin", &bytes).unwrap();
    assert_eq!(t.headers, MEMBER_HEADERS);
    assert_eq!(t.rows.len(), 3, "stray far cell ignored");
    let row = &t.rows[0].cells;
    assert_eq!(row[2], "12/03/1985", "date cell");
    assert_eq!(row[4], "79012345", "integer number without .0");
    assert_eq!(row[5], "083185001234", "text keeps leading zero");
    assert_eq!(row[6], "03/02/2010", "text date as is");
    assert_eq!(row[7], "03/02/2011", "datetime cell keeps the date");
    assert_eq!(row[9], "0912345678");
    assert_eq!(row[10], "15/08/2020");
    assert_eq!(t.rows[1].cells[5], "83185001235");
    assert_eq!(t.rows[2].line, 5);
}

#[test]
fn numbers_keep_all_digits() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_number(1, 0, 1_234_567_890_123_f64).unwrap();
    ws.write_number(2, 0, 2.5).unwrap();
    ws.write_boolean(3, 0, true).unwrap();
    let t = read_table("x.xlsx", &wb.save_to_buffer().unwrap()).unwrap();
    let cells: Vec<&str> = t.rows.iter().map(|r| r.cells[0].as_str()).collect();
    assert_eq!(cells, ["1234567890123", "2.5", "TRUE"]);
}

#[test]
fn title_rows_and_offset_table() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH ĐƠN VỊ").unwrap();
    // Table starts at B3.
    for (c, h) in UNIT_HEADERS.iter().enumerate() {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    ws.write_string(3, 1, "P7").unwrap();
    ws.write_string(3, 2, "Đảng bộ Phường 7").unwrap();
    ws.write_string(3, 3, "Đảng bộ cơ sở").unwrap();
    ws.write_number(3, 5, 3).unwrap();
    ws.write_date_with_format(
        3,
        6,
        date(2020, 1, 1),
        &Format::new().set_num_format("dd/mm/yyyy"),
    )
    .unwrap();
    ws.write_string(4, 1, "P7").unwrap();
    ws.write_string(4, 2, "Trùng").unwrap();
    ws.write_string(4, 3, "Chi bộ").unwrap();
    let p = parse_units("don-vi.xlsx", &wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(where_(&p.errors), [(5, "Mã đơn vị")]);
    assert_eq!(p.errors[0].message, "Mã đơn vị \"P7\" trùng với dòng 4");
    let r = &p.rows[0];
    assert_eq!(r.line, 4);
    assert_eq!(r.unit_type, UnitType::GrassrootsCommittee);
    assert_eq!(r.sort_order, Some(3));
    assert_eq!(r.valid_from, Some(d(2020, 1, 1)));
    assert_eq!(r.parent_code, None);
}

#[test]
fn missing_column_in_xlsx() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    headers(ws, 0, &MEMBER_HEADERS[..3]);
    let p = parse_members("x.xlsx", &wb.save_to_buffer().unwrap(), today()).unwrap();
    assert_eq!(p.errors.len(), 7);
    assert!(p.errors.iter().all(|e| e.line == 1));
    assert_eq!(p.errors[0].column, "Giới tính");
}

#[test]
fn broken_and_unsupported_files() {
    assert!(matches!(
        read_table("x.xlsx", b"PK\x03\x04 not really a zip"),
        Err(OfficeError::Xlsx(_))
    ));
    assert!(matches!(
        read_table("x.xlsx", b"a,b\n1,2"),
        Err(OfficeError::Xlsx(_))
    ));
    assert!(matches!(
        read_table("x.xls", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest"),
        Err(OfficeError::Unsupported(_))
    ));
    let mut wb = Workbook::new();
    wb.add_worksheet();
    assert!(matches!(
        read_table("x.xlsx", &wb.save_to_buffer().unwrap()),
        Err(OfficeError::Empty)
    ));
}
