//! CSV / XLSX exports and import templates. Every export imports back to the same rows.

use chrono::NaiveDate;
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook, Worksheet};

use crate::columns::{MEMBER_HEADERS, UNIT_HEADERS};
use crate::units::accepted_types;
use crate::{MemberRow, OfficeError, UnitRow};

/// Rows an XLSX worksheet holds besides the header.
const XLSX_MAX_DATA_ROWS: usize = 1_048_575;

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(domain::text::format_date).unwrap_or_default()
}

fn member_cells(r: &MemberRow) -> [String; 11] {
    [
        r.unit_code.clone(),
        r.full_name.clone(),
        date_text(r.birth_date),
        r.gender.map(|g| g.label().to_string()).unwrap_or_default(),
        r.card_number.clone().unwrap_or_default(),
        r.citizen_id.clone().unwrap_or_default(),
        date_text(r.joined_on),
        date_text(r.official_on),
        r.positions.join("; "),
        r.phone.clone().unwrap_or_default(),
        date_text(r.since),
    ]
}

fn unit_cells(r: &UnitRow) -> [String; 6] {
    [
        r.code.clone(),
        r.name.clone(),
        r.unit_type.label().to_string(),
        r.parent_code.clone().unwrap_or_default(),
        r.sort_order.map(|n| n.to_string()).unwrap_or_default(),
        date_text(r.valid_from),
    ]
}

// ---------------------------------------------------------------------------------------------------
// CSV

/// One CSV field. Quoted when needed; a leading `=`, `+`, `-` or `@` gets a `'` so that a spreadsheet
/// never runs the cell as a formula (the importer removes that `'` again).
fn push_csv_field(out: &mut String, field: &str) {
    let guard = matches!(field.as_bytes().first(), Some(b'=' | b'+' | b'-' | b'@'));
    let quote = field.contains([',', ';', '"', '\n', '\r', '\t'])
        || field.starts_with(' ')
        || field.ends_with(' ');
    if quote {
        out.push('"');
    }
    if guard {
        out.push('\'');
    }
    if quote {
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

fn csv<const N: usize>(headers: &[&str; N], rows: impl Iterator<Item = [String; N]>) -> Vec<u8> {
    let mut out = String::from("\u{FEFF}");
    let mut line = |cells: &mut dyn Iterator<Item = &str>| {
        for (i, c) in cells.enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_field(&mut out, c);
        }
        out.push_str("\r\n");
    };
    line(&mut headers.iter().copied());
    for cells in rows {
        line(&mut cells.iter().map(String::as_str));
    }
    out.into_bytes()
}

/// Members as CSV: UTF-8 with BOM (so Excel shows Vietnamese), comma separated, CRLF, the import
/// headers, dates dd/mm/yyyy, positions joined with "; ".
pub fn members_csv(rows: &[MemberRow]) -> Vec<u8> {
    csv(&MEMBER_HEADERS, rows.iter().map(member_cells))
}

/// Units as CSV, same conventions as [`members_csv`].
pub fn units_csv(rows: &[UnitRow]) -> Vec<u8> {
    csv(&UNIT_HEADERS, rows.iter().map(unit_cells))
}

// ---------------------------------------------------------------------------------------------------
// XLSX

pub(crate) fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7))
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
}

/// "@": Excel keeps what is typed as text (no lost leading zeros, no locale date guessing).
pub(crate) fn text_format() -> Format {
    Format::new().set_num_format("@")
}

/// Sheet with a bold, frozen, filterable header and text-formatted columns.
pub(crate) fn write_sheet(
    sheet: &mut Worksheet,
    name: &str,
    headers: &[&str],
    rows: &[Vec<String>],
    widths: &[f64],
) -> Result<(), OfficeError> {
    if rows.len() > XLSX_MAX_DATA_ROWS {
        return Err(OfficeError::TooManyRows(rows.len()));
    }
    sheet.set_name(name)?;
    let head = header_format();
    let text = text_format();
    for (c, h) in headers.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *h, &head)?;
        sheet.set_column_format(c, &text)?;
        // Width from the content (characters), within reasonable bounds.
        let longest = rows
            .iter()
            .take(2000)
            .filter_map(|r| r.get(c as usize))
            .map(|s| s.chars().count())
            .chain(std::iter::once(h.chars().count()))
            .max()
            .unwrap_or(10);
        let floor = widths.get(c as usize).copied().unwrap_or(10.0);
        sheet.set_column_width(c, (longest as f64 + 2.0).clamp(floor, 60.0))?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = (i + 1) as u32;
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                sheet.write_string_with_format(r, c as u16, v, &text)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_col = headers.len().saturating_sub(1) as u16;
    sheet.autofilter(0, 0, rows.len() as u32, last_col)?;
    Ok(())
}

/// Minimum widths (characters) per member column.
const MEMBER_WIDTHS: [f64; 11] = [
    12.0, 26.0, 12.0, 10.0, 16.0, 16.0, 14.0, 15.0, 30.0, 13.0, 12.0,
];
const UNIT_WIDTHS: [f64; 6] = [12.0, 30.0, 16.0, 20.0, 8.0, 12.0];

/// Members as XLSX: bold frozen header, every cell written as text (IDs, phones and card numbers keep
/// their leading zeros; dates are text dd/mm/yyyy).
pub fn members_xlsx(rows: &[MemberRow]) -> Result<Vec<u8>, OfficeError> {
    let data: Vec<Vec<String>> = rows.iter().map(|r| member_cells(r).to_vec()).collect();
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        "Đảng viên",
        &MEMBER_HEADERS,
        &data,
        &MEMBER_WIDTHS,
    )?;
    Ok(wb.save_to_buffer()?)
}

/// Units as XLSX, same conventions as [`members_xlsx`].
/// The columns of the audit log's Excel file.
pub const AUDIT_HEADERS: [&str; 7] = [
    "Thời gian",
    "Người thực hiện",
    "Nguồn",
    "Thao tác",
    "Đối tượng",
    "Mã đối tượng",
    "Thay đổi",
];

/// The audit log as the inspection commission reads it: one row per entry, already in words
/// (`AUDIT_HEADERS` order), the changes one per line in the last cell.
pub fn audit_xlsx(rows: &[Vec<String>]) -> Result<Vec<u8>, OfficeError> {
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        "Nhật ký",
        &AUDIT_HEADERS,
        rows,
        &[17.0, 18.0, 8.0, 16.0, 30.0, 10.0, 50.0],
    )?;
    Ok(wb.save_to_buffer()?)
}

pub fn units_xlsx(rows: &[UnitRow]) -> Result<Vec<u8>, OfficeError> {
    let data: Vec<Vec<String>> = rows.iter().map(|r| unit_cells(r).to_vec()).collect();
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        "Đơn vị",
        &UNIT_HEADERS,
        &data,
        &UNIT_WIDTHS,
    )?;
    Ok(wb.save_to_buffer()?)
}

// ---------------------------------------------------------------------------------------------------
// Templates

/// The "Hướng dẫn" sheet: one line per column (name, required, how to fill it) and general notes.
pub(crate) fn write_guide(
    sheet: &mut Worksheet,
    columns: &[(&str, &str, &str)],
    notes: &[&str],
) -> Result<(), OfficeError> {
    sheet.set_name("Hướng dẫn")?;
    let head = header_format();
    let wrap = Format::new().set_text_wrap();
    let bold = Format::new().set_bold();
    for (c, h) in ["Cột", "Bắt buộc", "Cách ghi"].iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &head)?;
    }
    sheet.set_column_width(0, 22)?;
    sheet.set_column_width(1, 12)?;
    sheet.set_column_width(2, 90)?;
    for (i, (name, required, how)) in columns.iter().enumerate() {
        let r = (i + 1) as u32;
        sheet.write_string_with_format(r, 0, *name, &bold)?;
        sheet.write_string(r, 1, *required)?;
        sheet.write_string_with_format(r, 2, *how, &wrap)?;
    }
    let start = columns.len() as u32 + 2;
    sheet.write_string_with_format(start, 0, "Lưu ý chung", &bold)?;
    for (i, note) in notes.iter().enumerate() {
        sheet.write_string_with_format(start + 1 + i as u32, 0, *note, &Format::new())?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

pub(crate) const COMMON_NOTES: [&str; 5] = [
    "• Dòng 1 là tên cột: giữ nguyên (có thể đổi thứ tự cột; cũng nhận tên cột tiếng Anh ghi trong ngoặc ở cột “Cách ghi”).",
    "• Từ dòng 2, mỗi dòng ghi một đảng viên (hoặc một đơn vị, với tệp đơn vị). Xóa dòng ví dụ trước khi nhập.",
    "• Ngày ghi theo dạng dd/mm/yyyy, ví dụ 03/02/2010. Các cột đã được định dạng Văn bản (Text) để Excel không tự đổi ngày và không bỏ số 0 ở đầu.",
    "• Có thể lưu thành CSV (UTF-8, dấu phẩy hoặc chấm phẩy) thay vì Excel.",
    "• Nếu có lỗi, không dòng nào được nhập: hệ thống liệt kê mọi lỗi theo dòng và cột; sửa xong thì nhập lại cả tệp.",
];

/// Import form for members: headers, one example row, and a "Hướng dẫn" sheet. It parses without
/// errors (the example unit "P7-CB1" must exist in the database to be imported).
pub fn members_template_xlsx() -> Result<Vec<u8>, OfficeError> {
    let example: Vec<String> = [
        "P7-CB1",
        "Nguyễn Thị Thu Hà",
        "12/03/1985",
        "Nữ",
        "79012345",
        "083185001234",
        "03/02/2010",
        "03/02/2011",
        "Bí thư Chi bộ; Tổ trưởng tổ dân phố",
        "0912345678",
        "15/08/2020",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let guide: [(&str, &str, &str); 11] = [
        ("Mã đơn vị", "Có", "Mã của chi bộ / đảng bộ nơi đảng viên sinh hoạt, đúng như trong danh sách đơn vị (ví dụ P7-CB1). (unit_code)"),
        ("Họ và tên", "Có", "Họ và tên đầy đủ, có dấu (ví dụ Nguyễn Thị Thu Hà). (full_name)"),
        ("Ngày sinh", "Không", "dd/mm/yyyy. (birth_date)"),
        ("Giới tính", "Không", "Nam hoặc Nữ. (gender)"),
        ("Số thẻ đảng viên", "Một trong hai", "Số thẻ đảng viên; không trùng trong tệp. Cần có số thẻ hoặc số CCCD. (card_number)"),
        ("Số CCCD", "Một trong hai", "12 chữ số (hoặc 9 chữ số nếu là CMND cũ), giữ nguyên số 0 ở đầu; không trùng trong tệp. (citizen_id)"),
        ("Ngày vào Đảng", "Không", "dd/mm/yyyy; từ ngày đủ 18 tuổi trở đi, không ở tương lai. (joined_on)"),
        ("Ngày chính thức", "Không", "dd/mm/yyyy; để trống nếu là đảng viên dự bị; sau ngày vào Đảng ít nhất 12 tháng (thời kỳ dự bị). (official_on)"),
        ("Chức vụ", "Không", "Các chức vụ cách nhau bằng dấu chấm phẩy, ví dụ: Bí thư Chi bộ; Tổ trưởng tổ dân phố. (positions)"),
        ("Điện thoại", "Không", "10–11 chữ số bắt đầu bằng 0 (có thể ghi +84, dấu cách, dấu chấm). (phone)"),
        ("Từ ngày", "Không", "Ngày bắt đầu sinh hoạt ở đơn vị này, dd/mm/yyyy; không trước ngày vào Đảng. (since)"),
    ];
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        "Đảng viên",
        &MEMBER_HEADERS,
        &[example],
        &MEMBER_WIDTHS,
    )?;
    write_guide(wb.add_worksheet(), &guide, &COMMON_NOTES)?;
    Ok(wb.save_to_buffer()?)
}

/// Import form for units: headers, one example row, and a "Hướng dẫn" sheet.
pub fn units_template_xlsx() -> Result<Vec<u8>, OfficeError> {
    let example: Vec<String> = [
        "P7-CB1",
        "Chi bộ Khu phố 1",
        "Chi bộ",
        "P7",
        "1",
        "01/07/2020",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let types = format!("Một trong các loại: {}. (type)", accepted_types());
    let guide: [(&str, &str, &str); 6] = [
        ("Mã đơn vị", "Có", "Mã ngắn, không trùng, ví dụ P7-CB1. Dùng mã này trong tệp đảng viên. (code)"),
        ("Tên đơn vị", "Có", "Tên đầy đủ, có dấu, ví dụ Chi bộ Khu phố 1. (name)"),
        ("Loại", "Có", &types),
        ("Mã đơn vị cấp trên", "Không", "Mã của đơn vị cấp trên (có trong tệp này hoặc đã có trong hệ thống); để trống với đơn vị cao nhất. (parent_code)"),
        ("Thứ tự", "Không", "Số nguyên để sắp xếp các đơn vị cùng cấp. (order)"),
        ("Từ ngày", "Không", "Ngày thành lập / hiệu lực, dd/mm/yyyy. (valid_from)"),
    ];
    let mut wb = Workbook::new();
    write_sheet(
        wb.add_worksheet(),
        "Đơn vị",
        &UNIT_HEADERS,
        &[example],
        &UNIT_WIDTHS,
    )?;
    write_guide(wb.add_worksheet(), &guide, &COMMON_NOTES)?;
    Ok(wb.save_to_buffer()?)
}
