//! Attendance spreadsheets (docs/DOMAIN.md § Attendance): the printable sign-in sheet of a session, the
//! marks export, and the marks import that reads that export (or any sheet with a member-ID and a
//! status column) back.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::attendance::Mark;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatAlign, FormatBorder,
    FormatUnderline, Workbook, Worksheet,
};

use crate::columns::{drive, ColumnSpec};
use crate::{sort_errors, OfficeError, Parsed, RowError};

/// Heading of a sheet: who holds the session and what it is.
#[derive(Debug, Clone)]
pub struct SheetHeader {
    /// Name of the holding unit's parent or the unit itself, e.g. "Đảng bộ Phường 7".
    pub issuer: String,
    /// Holding unit, e.g. "Chi bộ Khu phố 1".
    pub unit_name: String,
    /// Session title, e.g. "Học tập chuyên đề năm 2019".
    pub title: String,
    pub date: NaiveDate,
    /// "07:30" or None.
    pub time: Option<String>,
    /// May be empty; "Trực tuyến" when online.
    pub place: String,
}

/// One member on a sheet.
#[derive(Debug, Clone)]
pub struct SheetRow {
    pub member_id: i64,
    pub full_name: String,
    /// The member's cell.
    pub unit_name: String,
    pub status: Option<Mark>,
    pub made_up_from: Option<Mark>,
    pub marked_by: Option<String>,
    /// Already formatted "dd/mm/yyyy HH:MM".
    pub marked_at: Option<String>,
}

/// One mark read by [`parse_marks`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkImportRow {
    /// Spreadsheet line (header = 1).
    pub line: usize,
    pub member_id: i64,
    pub status: Mark,
}

/// Headers of the "Điểm danh" sheet of [`marks_xlsx`], in order.
pub const MARK_HEADERS: [&str; 7] = [
    "Mã đảng viên",
    "Họ và tên",
    "Đơn vị",
    "Trạng thái",
    "Học bù thay cho",
    "Người điểm danh",
    "Thời điểm",
];

/// Rows an XLSX worksheet holds besides the header.
const XLSX_MAX_DATA_ROWS: usize = 1_048_575;

const FONT: &str = "Times New Roman";

// ---------------------------------------------------------------------------------------------------
// Import

const A_ID: usize = 0;
const A_STATUS: usize = 1;

/// The columns [`parse_marks`] reads; aliases in `header_key` form (folded, '_' as ' ').
const MARK_COLUMNS: [ColumnSpec; 2] = [
    ColumnSpec {
        name: MARK_HEADERS[0],
        aliases: &["ma dang vien", "member id", "ma dv"],
        required: true,
    },
    ColumnSpec {
        name: MARK_HEADERS[3],
        aliases: &["trang thai", "status"],
        required: true,
    },
];

fn col(spec: usize) -> &'static str {
    MARK_COLUMNS[spec].name
}

/// "Có mặt, Đi trễ, Vắng có lý do, Vắng không lý do, Học bù".
fn accepted_marks() -> String {
    Mark::ALL
        .iter()
        .map(|m| m.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a marks file (CSV or XLSX), typically a [`marks_xlsx`] export filled in by hand.
///
/// Reads the columns "Mã đảng viên" (also "member_id", "Mã ĐV") and "Trạng thái" (also "status");
/// every other column is ignored. Headers match without case or diacritics, and a few title rows above
/// the header are tolerated. A row whose status is empty is skipped (not marked). Every error is
/// collected: a member ID that is not a positive whole number, an unknown status, the same member
/// twice, a missing column (reported on the header line). Whether the members belong to the session
/// is for the caller to check.
pub fn parse_marks(filename: &str, bytes: &[u8]) -> Result<Parsed<MarkImportRow>, OfficeError> {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<i64, usize> = HashMap::new();
    let mut cap = domain::import::ErrorCap::default();
    let header_errors = drive(filename, bytes, &MARK_COLUMNS, |line, mut f| {
        let id_text = f.take(A_ID);
        let status_text = f.take(A_STATUS);
        if status_text.is_empty() {
            return;
        }
        let before = errors.len();
        let member_id = match id_text.parse::<i64>() {
            _ if id_text.is_empty() => {
                errors.push(RowError::new(
                    line,
                    col(A_ID),
                    "Mã đảng viên phải là số (ô đang để trống)",
                ));
                None
            }
            Ok(id) if id > 0 => Some(id),
            Ok(_) => {
                errors.push(RowError::new(
                    line,
                    col(A_ID),
                    format!("Mã đảng viên phải là số nguyên dương: \"{id_text}\""),
                ));
                None
            }
            Err(_) => {
                errors.push(RowError::new(
                    line,
                    col(A_ID),
                    format!("Mã đảng viên phải là số: \"{id_text}\""),
                ));
                None
            }
        };
        if let Some(id) = member_id {
            if let Some(first) = seen.get(&id) {
                errors.push(RowError::new(
                    line,
                    col(A_ID),
                    format!("Đảng viên mã {id} trùng với dòng {first}"),
                ));
            } else {
                seen.insert(id, line);
            }
        }
        let status = Mark::parse(&status_text);
        if status.is_none() {
            errors.push(RowError::new(
                line,
                col(A_STATUS),
                format!(
                    "Trạng thái không hợp lệ: \"{status_text}\" (các giá trị hợp lệ: {}; để trống nếu chưa điểm danh)",
                    accepted_marks()
                ),
            ));
        }
        if errors.len() == before {
            if let (Some(member_id), Some(status)) = (member_id, status) {
                rows.push(MarkImportRow {
                    line,
                    member_id,
                    status,
                });
            }
        }
        cap.trim(&mut errors);
    })?;
    if !header_errors.is_empty() {
        return Ok(Parsed {
            rows: Vec::new(),
            errors: header_errors,
        });
    }
    sort_errors(&mut errors);
    cap.finish(&mut errors);
    Ok(Parsed { rows, errors })
}

// ---------------------------------------------------------------------------------------------------
// Marks export

fn label(m: Option<Mark>) -> &'static str {
    m.map(Mark::label).unwrap_or_default()
}

const MARK_WIDTHS: [f64; 7] = [13.0, 28.0, 26.0, 18.0, 17.0, 22.0, 17.0];

/// The marks of a session as XLSX. The first sheet, "Điểm danh", has [`MARK_HEADERS`] on line 1 and
/// one row per member in the given order (member ID as a number, statuses as Vietnamese labels, empty
/// when unmarked, a drop-down list on "Trạng thái"); it imports back unchanged with [`parse_marks`].
/// The second sheet, "Thông tin", describes the session, counts the marks and explains how to re-import.
pub fn marks_xlsx(h: &SheetHeader, rows: &[SheetRow]) -> Result<Vec<u8>, OfficeError> {
    if rows.len() > XLSX_MAX_DATA_ROWS {
        return Err(OfficeError::TooManyRows(rows.len()));
    }
    let mut wb = Workbook::new();
    write_marks_sheet(wb.add_worksheet(), rows)?;
    write_info_sheet(wb.add_worksheet(), h, rows)?;
    Ok(wb.save_to_buffer()?)
}

fn write_marks_sheet(sheet: &mut Worksheet, rows: &[SheetRow]) -> Result<(), OfficeError> {
    sheet.set_name("Điểm danh")?;
    let head = Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap();
    let text = Format::new().set_num_format("@");
    let id = Format::new().set_num_format("0");
    for (c, h) in MARK_HEADERS.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *h, &head)?;
        sheet.set_column_format(c, if c == 0 { &id } else { &text })?;
        sheet.set_column_width(c, MARK_WIDTHS.get(c as usize).copied().unwrap_or(12.0))?;
    }
    for (i, r) in rows.iter().enumerate() {
        let line = (i + 1) as u32;
        sheet.write_number_with_format(line, 0, r.member_id as f64, &id)?;
        let cells = [
            r.full_name.as_str(),
            r.unit_name.as_str(),
            label(r.status),
            label(r.made_up_from),
            r.marked_by.as_deref().unwrap_or_default(),
            r.marked_at.as_deref().unwrap_or_default(),
        ];
        for (c, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string_with_format(line, c as u16 + 1, *v, &text)?;
            }
        }
    }
    let last = rows.len().max(1) as u32;
    let labels: Vec<&str> = Mark::ALL.iter().map(|m| m.label()).collect();
    // A warning, not a stop: the importer also accepts codes and labels without diacritics.
    let choice = DataValidation::new()
        .allow_list_strings(&labels)?
        .ignore_blank(true)
        .set_error_style(DataValidationErrorStyle::Warning);
    sheet.add_data_validation(1, 3, last, 3, &choice)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, MARK_HEADERS.len() as u16 - 1)?;
    Ok(())
}

/// "07:30, ngày 10/05/2019" or "ngày 10/05/2019".
fn when(h: &SheetHeader) -> String {
    let day = format!("ngày {}", domain::text::format_date(h.date));
    match h.time.as_deref().map(str::trim) {
        Some(t) if !t.is_empty() => format!("{t}, {day}"),
        _ => day,
    }
}

fn write_info_sheet(
    sheet: &mut Worksheet,
    h: &SheetHeader,
    rows: &[SheetRow],
) -> Result<(), OfficeError> {
    sheet.set_name("Thông tin")?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    sheet.set_column_width(0, 24)?;
    sheet.set_column_width(1, 70)?;
    let mut info: Vec<(String, String)> = vec![
        ("Cấp ủy / đơn vị cấp trên".into(), h.issuer.clone()),
        ("Đơn vị tổ chức".into(), h.unit_name.clone()),
        ("Nội dung".into(), h.title.clone()),
        ("Thời gian".into(), when(h)),
        ("Địa điểm".into(), h.place.clone()),
        (
            "Số đảng viên".into(),
            domain::text::format_int(rows.len() as i64),
        ),
    ];
    for m in Mark::ALL {
        let n = rows.iter().filter(|r| r.status == Some(m)).count();
        info.push((m.label().into(), domain::text::format_int(n as i64)));
    }
    let unmarked = rows.iter().filter(|r| r.status.is_none()).count();
    info.push((
        "Chưa điểm danh".into(),
        domain::text::format_int(unmarked as i64),
    ));
    for (i, (k, v)) in info.iter().enumerate() {
        sheet.write_string_with_format(i as u32, 0, k, &bold)?;
        sheet.write_string_with_format(i as u32, 1, v, &wrap)?;
    }
    let start = info.len() as u32 + 1;
    sheet.write_string_with_format(start, 0, "Cách nhập lại", &bold)?;
    let notes = [
        format!(
            "Ghi cột \"Trạng thái\" ở trang \"Điểm danh\" bằng một trong các giá trị: {}; để trống nếu chưa điểm danh.",
            accepted_marks()
        ),
        "Giữ nguyên cột \"Mã đảng viên\"; mỗi đảng viên chỉ một dòng. Các cột khác chỉ để tham khảo, không được đọc khi nhập.".to_string(),
        "Nếu có lỗi, không dòng nào được nhập: hệ thống liệt kê mọi lỗi theo dòng và cột; sửa xong thì nhập lại cả tệp.".to_string(),
    ];
    for (i, note) in notes.iter().enumerate() {
        sheet.write_string_with_format(start + i as u32, 1, note, &wrap)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Sign-in sheet

/// Cell formats of the sign-in sheet (Times New Roman, as in party documents).
struct Styles {
    issuer: Format,
    unit: Format,
    party: Format,
    star: Format,
    heading: Format,
    title: Format,
    when: Format,
    th: Format,
    td_center: Format,
    td_left: Format,
    total: Format,
    signer: Format,
    signer_note: Format,
}

impl Styles {
    fn new() -> Self {
        let base = Format::new()
            .set_font_name(FONT)
            .set_font_size(13)
            .set_align(FormatAlign::VerticalCenter);
        let centered = base.clone().set_align(FormatAlign::Center);
        let cell = base.clone().set_border(FormatBorder::Thin).set_text_wrap();
        Styles {
            issuer: centered.clone().set_text_wrap(),
            unit: centered.clone().set_bold().set_text_wrap(),
            party: centered
                .clone()
                .set_bold()
                .set_underline(FormatUnderline::Single),
            star: centered.clone(),
            heading: centered.clone().set_bold().set_font_size(14),
            title: centered.clone().set_bold().set_text_wrap(),
            when: centered.clone().set_italic().set_text_wrap(),
            th: cell.clone().set_bold().set_align(FormatAlign::Center),
            td_center: cell.clone().set_align(FormatAlign::Center),
            td_left: cell.set_align(FormatAlign::Left),
            total: base.clone().set_bold(),
            signer: centered.clone().set_bold(),
            signer_note: centered.set_italic().set_font_size(12),
        }
    }
}

/// Columns of the sign-in table and their widths (characters).
const SIGNIN_COLUMNS: [(&str, f64); 5] = [
    ("STT", 6.0),
    ("Họ và tên", 30.0),
    ("Chi bộ", 28.0),
    ("Ký tên", 18.0),
    ("Ghi chú", 14.0),
];

/// Height (points) of a member row: room for a signature.
const SIGN_ROW_HEIGHT: f64 = 24.0;

/// A printable sign-in sheet for a session, laid out like a party document: the issuer and the holding
/// unit (bold, upper case) top left, "ĐẢNG CỘNG SẢN VIỆT NAM" top right, the heading "DANH SÁCH ĐIỂM
/// DANH", the session title, "Thời gian: …, ngày dd/mm/yyyy — Địa điểm: …", then the table (STT, Họ và
/// tên, Chi bộ, Ký tên, Ghi chú) with one row per member in the given order, "Tổng số: N đồng chí"
/// and a "NGƯỜI LẬP DANH SÁCH" signature block. A4 portrait, one page wide, the table header repeated on
/// every printed page, page numbers in the footer. "Ký tên" and "Ghi chú" are left blank for writing.
pub fn signin_sheet_xlsx(h: &SheetHeader, rows: &[SheetRow]) -> Result<Vec<u8>, OfficeError> {
    // Header block (9 rows) + footer block (7 rows) must fit too.
    if rows.len() > XLSX_MAX_DATA_ROWS - 16 {
        return Err(OfficeError::TooManyRows(rows.len()));
    }
    let s = Styles::new();
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("Danh sách")?;
    for (c, (_, width)) in SIGNIN_COLUMNS.iter().enumerate() {
        sheet.set_column_width(c as u16, *width)?;
    }
    let last_col = SIGNIN_COLUMNS.len() as u16 - 1;

    // Top block: issuer / unit on the left (columns A–B), the Party on the right (C–E).
    let issuer = h.issuer.trim();
    let unit = h.unit_name.trim();
    let mut left: Vec<(String, &Format)> = Vec::new();
    if !issuer.is_empty() && domain::text::fold(issuer) != domain::text::fold(unit) {
        left.push((issuer.to_uppercase(), &s.issuer));
    }
    left.push((unit.to_uppercase(), &s.unit));
    left.push(("*".to_string(), &s.star));
    for (i, (text, format)) in left.iter().enumerate() {
        sheet.merge_range(i as u32, 0, i as u32, 1, text, format)?;
    }
    sheet.merge_range(0, 2, 0, last_col, "ĐẢNG CỘNG SẢN VIỆT NAM", &s.party)?;

    let mut r = left.len() as u32 + 1;
    sheet.merge_range(r, 0, r, last_col, "DANH SÁCH ĐIỂM DANH", &s.heading)?;
    sheet.set_row_height(r, 22)?;
    r += 1;
    if !h.title.trim().is_empty() {
        sheet.merge_range(r, 0, r, last_col, h.title.trim(), &s.title)?;
        // Long titles wrap onto a second line.
        if h.title.chars().count() > 70 {
            sheet.set_row_height(r, 36)?;
        }
        r += 1;
    }
    let mut when_line = format!("Thời gian: {}", when(h));
    if !h.place.trim().is_empty() {
        when_line.push_str(" — Địa điểm: ");
        when_line.push_str(h.place.trim());
    }
    sheet.merge_range(r, 0, r, last_col, &when_line, &s.when)?;
    if when_line.chars().count() > 80 {
        sheet.set_row_height(r, 36)?;
    }
    r += 2;

    // The table.
    let header_row = r;
    for (c, (name, _)) in SIGNIN_COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(header_row, c as u16, *name, &s.th)?;
    }
    sheet.set_row_height(header_row, 20)?;
    for (i, row) in rows.iter().enumerate() {
        let line = header_row + 1 + i as u32;
        sheet.write_number_with_format(line, 0, (i + 1) as f64, &s.td_center)?;
        sheet.write_string_with_format(line, 1, &row.full_name, &s.td_left)?;
        sheet.write_string_with_format(line, 2, &row.unit_name, &s.td_left)?;
        sheet.write_blank(line, 3, &s.td_left)?;
        sheet.write_blank(line, 4, &s.td_left)?;
        sheet.set_row_height(line, SIGN_ROW_HEIGHT)?;
    }
    r = header_row + rows.len() as u32 + 2;

    // Footer block: the total on the left, the person who drew up the list on the right.
    let total = format!(
        "Tổng số: {} đồng chí",
        domain::text::format_int(rows.len() as i64)
    );
    sheet.merge_range(r, 0, r, 1, &total, &s.total)?;
    sheet.merge_range(r + 1, 2, r + 1, last_col, "NGƯỜI LẬP DANH SÁCH", &s.signer)?;
    sheet.merge_range(
        r + 2,
        2,
        r + 2,
        last_col,
        "(Ký, ghi rõ họ tên)",
        &s.signer_note,
    )?;
    // Room for the signature and the name written under it.
    let last_row = r + 6;

    // Printing.
    sheet.set_paper_size(9); // A4
    sheet.set_portrait();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.7, 0.5, 0.6, 0.6, 0.3, 0.3);
    sheet.set_print_center_horizontally(true);
    sheet.set_repeat_rows(header_row, header_row)?;
    sheet.set_print_area(0, 0, last_row, last_col)?;
    sheet.set_footer("&C&\"Times New Roman,Regular\"&11Trang &P/&N");
    Ok(wb.save_to_buffer()?)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::columns::header_key;
    use crate::read_table;
    use proptest::prelude::*;

    fn header() -> SheetHeader {
        SheetHeader {
            issuer: "Đảng bộ Phường 7".into(),
            unit_name: "Chi bộ Khu phố 1".into(),
            title: "Học tập chuyên đề năm 2019".into(),
            date: NaiveDate::from_ymd_opt(2019, 5, 10).unwrap(),
            time: Some("07:30".into()),
            place: "Hội trường Đảng uỷ".into(),
        }
    }

    fn row(id: i64, name: &str, status: Option<Mark>) -> SheetRow {
        SheetRow {
            member_id: id,
            full_name: name.into(),
            unit_name: "Chi bộ Khu phố 1".into(),
            status,
            made_up_from: (status == Some(Mark::Makeup)).then_some(Mark::Absent),
            marked_by: status.map(|_| "Trần Văn Bình".into()),
            marked_at: status.map(|_| "10/05/2019 07:45".into()),
        }
    }

    fn sample_rows() -> Vec<SheetRow> {
        vec![
            row(101, "Nguyễn Thị Thu Hà", Some(Mark::Present)),
            row(7, "Lê Văn Đức", None),
            row(12345678901, "Phạm Minh Tuấn", Some(Mark::Late)),
            row(3, "Võ Thị Lan", Some(Mark::Excused)),
            row(4, "Đặng Quốc Việt", Some(Mark::Absent)),
            row(5, "=Hồ Thị Mai", Some(Mark::Makeup)),
            row(6, "Bùi Văn Nam", None),
        ]
    }

    fn csv(text: &str) -> Parsed<MarkImportRow> {
        parse_marks("diem-danh.csv", text.as_bytes()).unwrap()
    }

    fn errs(p: &Parsed<MarkImportRow>) -> Vec<(usize, &str)> {
        p.errors
            .iter()
            .map(|e| (e.line, e.column.as_str()))
            .collect()
    }

    #[test]
    fn marks_xlsx_round_trip() {
        let rows = sample_rows();
        let bytes = marks_xlsx(&header(), &rows).unwrap();
        let p = parse_marks("diem-danh.xlsx", &bytes).unwrap();
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let expected: Vec<MarkImportRow> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, r)| {
                r.status.map(|status| MarkImportRow {
                    line: i + 2,
                    member_id: r.member_id,
                    status,
                })
            })
            .collect();
        assert_eq!(p.rows, expected);
        assert_eq!(p.rows.len(), 5);
    }

    #[test]
    fn marks_xlsx_layout() {
        let rows = sample_rows();
        let bytes = marks_xlsx(&header(), &rows).unwrap();
        let t = read_table("x.xlsx", &bytes).unwrap();
        assert_eq!(t.header_line, 1);
        assert_eq!(t.headers, MARK_HEADERS);
        assert_eq!(t.rows.len(), rows.len());
        assert_eq!(t.rows[0].cells[0], "101");
        assert_eq!(t.rows[2].cells[0], "12345678901");
        assert_eq!(t.rows[0].cells[3], "Có mặt");
        assert_eq!(t.rows[5].cells[1], "=Hồ Thị Mai");
        assert_eq!(t.rows[5].cells[3], "Học bù");
        assert_eq!(t.rows[5].cells[4], "Vắng không lý do");
        assert_eq!(t.rows[5].cells[6], "10/05/2019 07:45");
        // Unmarked: the row is there, its status is empty.
        assert_eq!(t.rows[1].cells.len(), 3);

        use calamine::{Reader, Xlsx};
        let wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["Điểm danh", "Thông tin"]);
    }

    #[test]
    fn marks_xlsx_info_sheet() {
        use calamine::{Reader, Xlsx};
        let bytes = marks_xlsx(&header(), &sample_rows()).unwrap();
        let mut wb: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes)).unwrap();
        let range = wb.worksheet_range("Thông tin").unwrap();
        let text: Vec<String> = range.cells().map(|(_, _, v)| v.to_string()).collect();
        for want in [
            "Đảng bộ Phường 7",
            "Chi bộ Khu phố 1",
            "Học tập chuyên đề năm 2019",
            "07:30, ngày 10/05/2019",
            "Hội trường Đảng uỷ",
            "Chưa điểm danh",
        ] {
            assert!(text.iter().any(|t| t == want), "{want} missing: {text:?}");
        }
    }

    #[test]
    fn marks_xlsx_empty_session() {
        let bytes = marks_xlsx(&header(), &[]).unwrap();
        let p = parse_marks("x.xlsx", &bytes).unwrap();
        assert!(p.rows.is_empty() && p.errors.is_empty());
    }

    #[test]
    fn csv_labels_without_diacritics() {
        let p = csv("Ma dang vien,Ho va ten,Trang thai\r\n\
             1,An,co mat\r\n\
             2,Binh,DI TRE\r\n\
             3,Cuong,vang co ly do\r\n\
             4,Dung,Vang khong ly do\r\n\
             5,Em,hoc bu\r\n\
             6,Giang,\r\n\
             7,Ha,absent\r\n\
             8,Khoa,Vắng có lý do\r\n");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        let got: Vec<(usize, i64, Mark)> = p
            .rows
            .iter()
            .map(|r| (r.line, r.member_id, r.status))
            .collect();
        assert_eq!(
            got,
            [
                (2, 1, Mark::Present),
                (3, 2, Mark::Late),
                (4, 3, Mark::Excused),
                (5, 4, Mark::Absent),
                (6, 5, Mark::Makeup),
                (8, 7, Mark::Absent),
                (9, 8, Mark::Excused),
            ]
        );
    }

    #[test]
    fn header_aliases() {
        let p = csv("member_id;status\n1;present\n");
        assert_eq!(p.rows.len(), 1);
        assert!(p.errors.is_empty());
        let p = csv("Ghi chú,Mã ĐV,TRẠNG THÁI *\n,2,Có mặt\n");
        assert_eq!(p.rows[0].member_id, 2);
        assert!(p.errors.is_empty());
        let p = csv("DANH SÁCH ĐIỂM DANH\nMã đảng viên,Trạng thái\n3,x\n");
        assert_eq!(
            p.rows,
            [MarkImportRow {
                line: 3,
                member_id: 3,
                status: Mark::Present
            }]
        );
    }

    #[test]
    fn every_alias_is_a_header_key() {
        for spec in &MARK_COLUMNS {
            assert_eq!(header_key(spec.name), spec.aliases[0], "{}", spec.name);
            for a in spec.aliases {
                assert_eq!(&header_key(a), a);
            }
        }
    }

    #[test]
    fn every_error_kind_with_line_and_column() {
        let p = csv("Mã đảng viên,Họ và tên,Trạng thái\n\
             1,An,Có mặt\n\
             abc,Bình,Có mặt\n\
             ,Cường,Đi trễ\n\
             4,Dũng,ngủ quên\n\
             1,An lần hai,Vắng có lý do\n\
             xyz,Em,???\n\
             0,Giang,Có mặt\n\
             ,Hà,\n\
             9,Khoa,Học bù\n");
        assert_eq!(
            errs(&p),
            [
                (3, "Mã đảng viên"),
                (4, "Mã đảng viên"),
                (5, "Trạng thái"),
                (6, "Mã đảng viên"),
                (7, "Mã đảng viên"),
                (7, "Trạng thái"),
                (8, "Mã đảng viên"),
            ]
        );
        let msg: Vec<&str> = p.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(msg[0], "Mã đảng viên phải là số: \"abc\"");
        assert_eq!(msg[1], "Mã đảng viên phải là số (ô đang để trống)");
        assert_eq!(
            msg[2],
            "Trạng thái không hợp lệ: \"ngủ quên\" (các giá trị hợp lệ: Có mặt, Đi trễ, Vắng có lý do, \
             Vắng không lý do, Học bù; để trống nếu chưa điểm danh)"
        );
        assert_eq!(msg[3], "Đảng viên mã 1 trùng với dòng 2");
        assert_eq!(msg[6], "Mã đảng viên phải là số nguyên dương: \"0\"");
        assert_eq!(
            p.errors[3].to_string(),
            "dòng 6, cột \"Mã đảng viên\": Đảng viên mã 1 trùng với dòng 2"
        );
        // Only the rows without any error are kept; the empty-status row is skipped silently.
        let ok: Vec<(usize, i64)> = p.rows.iter().map(|r| (r.line, r.member_id)).collect();
        assert_eq!(ok, [(2, 1), (10, 9)]);
    }

    #[test]
    fn duplicate_after_invalid_status_still_counts() {
        // The first occurrence has a bad status, yet the second one is still a duplicate of it.
        let p = csv("Mã đảng viên,Trạng thái\n5,zzz\n5,Có mặt\n");
        assert_eq!(errs(&p), [(2, "Trạng thái"), (3, "Mã đảng viên")]);
        assert!(p.rows.is_empty());
    }

    #[test]
    fn missing_columns() {
        let p = csv("Họ và tên,Ghi chú\nAn,x\n");
        assert_eq!(errs(&p), [(1, "Mã đảng viên"), (1, "Trạng thái")]);
        assert_eq!(p.errors[0].message, "Thiếu cột \"Mã đảng viên\"");
        assert_eq!(p.errors[1].message, "Thiếu cột \"Trạng thái\"");
        assert!(p.rows.is_empty());

        let p = csv("Mã đảng viên,Họ và tên\n1,An\n");
        assert_eq!(errs(&p), [(1, "Trạng thái")]);
    }

    #[test]
    fn empty_files() {
        assert!(matches!(parse_marks("x.csv", b""), Err(OfficeError::Empty)));
        assert!(matches!(
            parse_marks("x.csv", b"\xEF\xBB\xBF\r\n , \n"),
            Err(OfficeError::Empty)
        ));
        // A header and no data: nothing to mark, no error.
        let p = csv("Mã đảng viên,Trạng thái\n");
        assert!(p.rows.is_empty() && p.errors.is_empty());
    }

    #[test]
    fn signin_sheet_is_valid_xlsx() {
        let rows = sample_rows();
        let bytes = signin_sheet_xlsx(&header(), &rows).unwrap();
        let t = read_table("ky-ten.xlsx", &bytes).unwrap();
        let all: Vec<&str> = t
            .headers
            .iter()
            .chain(t.rows.iter().flat_map(|r| r.cells.iter()))
            .map(String::as_str)
            .collect();
        for want in [
            "ĐẢNG BỘ PHƯỜNG 7",
            "CHI BỘ KHU PHỐ 1",
            "ĐẢNG CỘNG SẢN VIỆT NAM",
            "DANH SÁCH ĐIỂM DANH",
            "Học tập chuyên đề năm 2019",
            "Thời gian: 07:30, ngày 10/05/2019 — Địa điểm: Hội trường Đảng uỷ",
            "STT",
            "Họ và tên",
            "Chi bộ",
            "Ký tên",
            "Ghi chú",
            "Tổng số: 7 đồng chí",
            "NGƯỜI LẬP DANH SÁCH",
        ] {
            assert!(all.contains(&want), "{want} missing: {all:?}");
        }
        // Members in the given order, numbered.
        let table: Vec<(String, String)> = t
            .rows
            .iter()
            .filter(|r| r.cells.len() >= 3 && r.cells[0].parse::<usize>().is_ok())
            .map(|r| (r.cells[0].clone(), r.cells[1].clone()))
            .collect();
        let expected: Vec<(String, String)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| ((i + 1).to_string(), r.full_name.clone()))
            .collect();
        assert_eq!(table, expected);
        use calamine::{Reader, Xlsx};
        let wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["Danh sách"]);
    }

    #[test]
    fn signin_sheet_without_time_place_or_rows() {
        let mut h = header();
        h.time = None;
        h.place = String::new();
        h.issuer = "Chi bộ Khu phố 1".into();
        let bytes = signin_sheet_xlsx(&h, &[]).unwrap();
        let t = read_table("x.xlsx", &bytes).unwrap();
        let all: Vec<&str> = t
            .headers
            .iter()
            .chain(t.rows.iter().flat_map(|r| r.cells.iter()))
            .map(String::as_str)
            .collect();
        assert!(all.contains(&"Thời gian: ngày 10/05/2019"), "{all:?}");
        assert!(all.contains(&"Tổng số: 0 đồng chí"));
        // Issuer equal to the unit: written once.
        assert_eq!(all.iter().filter(|c| **c == "CHI BỘ KHU PHỐ 1").count(), 1);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            for name in ["x.csv", "x.xlsx"] {
                if let Ok(p) = parse_marks(name, &bytes) {
                    for e in &p.errors {
                        prop_assert!(e.line >= 1);
                    }
                }
            }
        }

        #[test]
        fn csv_like_text_never_panics(s in "[0-9a-zA-Z,;\"\\n\\r ]{0,20}(Mã đảng viên|member_id)[,;](Trạng thái|status)[0-9a-zA-Zàáạảãăđ,;\"\\n\\r ]{0,80}") {
            let p = parse_marks("x.csv", s.as_bytes());
            if let Ok(p) = p {
                let mut lines: Vec<usize> = p.rows.iter().map(|r| r.line).collect();
                lines.dedup();
                prop_assert_eq!(lines.len(), p.rows.len());
            }
        }
    }
}
