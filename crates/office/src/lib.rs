//! Spreadsheet import and export for lamtheo (docs/DOMAIN.md § Imports, § Vietnamese text).
//!
//! * [`read_table`] reads a CSV (UTF-8 with or without BOM, UTF-16 LE/BE with BOM, Windows-1258) or an XLSX
//!   file into header + rows of trimmed, NFC-normalised text, with spreadsheet line numbers
//!   (header = line 1).
//! * [`parse_units`] and [`parse_members`] map Vietnamese or English headers, check every row and collect
//!   **all** errors as [`RowError`]s (`dòng 5, cột "Ngày sinh": …`).
//! * [`members_csv`], [`members_xlsx`], [`units_csv`], [`units_xlsx`] export rows so that they import back
//!   unchanged; [`members_template_xlsx`] and [`units_template_xlsx`] give users an empty form with an
//!   example row and a "Hướng dẫn" sheet.
//! * [`parse_criteria`] reads a criteria set, one criterion a row (`lamtheo import criteria`).
//! * [`signin_sheet_xlsx`] prints a session's sign-in sheet; [`marks_xlsx`] exports its marks and
//!   [`parse_marks`] reads them back.
//! * [`registration_docx`] prints a member's registration "học tập và làm theo" as a Word document
//!   laid out like the party form; [`registrations_xlsx`] lists a unit's registrations and their items.
//! * [`bulletin_docx`] prints a loudspeaker bulletin as a Word notice with the QR code ([`qr_png`]) of
//!   the unit's public page; [`speak_wav`] reads its script aloud with espeak-ng ([`default_espeak`],
//!   [`AudioError`]).
#![forbid(unsafe_code)]

mod attendance;
mod audio;
mod bounds;
mod bulletin;
mod columns;
pub mod criteria;
mod export;
mod images;
mod inspections;
mod members;
mod read;
mod registrations;
pub mod report;
mod units;

pub use attendance::{
    marks_xlsx, parse_marks, signin_sheet_xlsx, MarkImportRow, SheetHeader, SheetRow, MARK_HEADERS,
};
pub use audio::{check_speech, default_espeak, speak_wav, AudioError};
pub use bounds::{
    check_zip, ZipStats, MAX_CELL_CHARS, MAX_CELL_XML, MAX_DEFINED_NAMES, MAX_ENTRY_UNPACKED,
    MAX_IMPORT_ROWS, MAX_RELATIONSHIPS, MAX_ROW_ERRORS, MAX_SHARED_STRINGS,
    MAX_SHARED_STRINGS_UNPACKED, MAX_SHEETS, MAX_SHEET_ROWS, MAX_SMALL_PART_UNPACKED,
    MAX_STRUCTURE_TAG, MAX_STYLE_COPIES, MAX_STYLE_FORMATS, MAX_STYLE_TAG, MAX_TOTAL_UNPACKED,
    MAX_XLSX_CELLS, MAX_XML_RUN, MAX_ZIP_ENTRIES,
};
pub use bulletin::{bulletin_docx, qr_png};
pub use columns::{INSPECTION_HEADERS, MEMBER_HEADERS, UNIT_HEADERS};
pub use criteria::{parse_criteria, CriterionRow, CRITERIA_HEADERS};
pub use domain::import::{
    cap_errors, unknown_parent_errors, unknown_unit_errors, InspectionRow, MemberRow, Parsed,
    RowError, UnitRow,
};
pub use domain::photo::CheckedPhoto;
pub use export::{
    audit_xlsx, members_csv, members_template_xlsx, members_xlsx, units_csv, units_template_xlsx,
    units_xlsx, AUDIT_HEADERS,
};
pub use images::{
    check_photo, photo_format, solid_png, PhotoError, MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS,
    THUMBNAIL_WIDTH,
};
pub use inspections::{inspections_template_xlsx, parse_inspections};
pub use members::{member_rows, parse_members};
pub use read::{read_table, Table, TableRow, MAX_TABLE_TEXT};
pub use registrations::{
    registration_docx, registrations_xlsx, PrintItem, RegistrationPrint, RegistrationRow,
    UnitSheet, REGISTRATION_DETAIL_HEADERS, REGISTRATION_SUMMARY_HEADERS,
};
pub use report::{limitation_sentence, report_docx, report_file_stem, report_xlsx};
pub use units::parse_units;

/// A file that cannot be read at all (as opposed to [`RowError`]s, which are about single rows).
/// Messages are Vietnamese: they are shown to the user as they are.
#[derive(Debug, thiserror::Error)]
pub enum OfficeError {
    /// The file has no non-empty row.
    #[error("Tệp không có dữ liệu")]
    Empty,
    /// The XLSX package cannot be opened or its first worksheet cannot be read.
    #[error("Không đọc được tệp Excel: tệp bị hỏng hoặc không đúng định dạng .xlsx (hãy mở bằng Excel và lưu lại dạng .xlsx)")]
    Xlsx(String),
    /// The workbook has no worksheet.
    #[error("Tệp Excel không có trang tính nào")]
    NoWorksheet,
    /// A format we recognise but do not read (e.g. the old binary .xls).
    #[error("Định dạng tệp không được hỗ trợ: {0}")]
    Unsupported(String),
    /// An XLSX sheet with more cells than an import may have (a guard against "zip bombs").
    #[error("Tệp quá lớn: hơn {} ô có dữ liệu; hãy chia thành nhiều tệp nhỏ hơn", domain::text::format_int(*.0 as i64))]
    TooLarge(usize),
    /// A ZIP package (XLSX) that unpacks to more than the limit, in MB ([`check_zip`]).
    #[error("Tệp quá lớn sau khi giải nén (giới hạn {0} MB); hãy kiểm tra lại tệp hoặc chia thành nhiều tệp nhỏ hơn")]
    Unpacked(u64),
    /// A ZIP package with more parts than any workbook needs.
    #[error(
        "Tệp Excel có quá nhiều thành phần (tối đa {0}); hãy mở bằng Excel và lưu lại dạng .xlsx"
    )]
    TooManyParts(usize),
    /// A cell longer than Excel allows. `at` is empty or " (dòng 5, cột C)".
    #[error("Ô quá dài ({chars} ký tự, Excel cho phép tối đa 32.767){at}")]
    CellTooLong { chars: String, at: String },
    /// More data rows than one import may hold.
    #[error("Tệp có quá nhiều dòng (tối đa {} dòng dữ liệu mỗi lần nhập); hãy chia thành nhiều tệp", domain::text::format_int(*.0 as i64))]
    TooManyImportRows(usize),
    /// More `<row>` elements in the worksheets than Excel allows in a sheet.
    #[error("Tệp Excel có quá nhiều dòng (hơn {} dòng trong các trang tính, giới hạn của Excel); hãy chia thành nhiều tệp", domain::text::format_int(*.0 as i64))]
    TooManySheetRows(u64),
    /// Styles or workbook structure larger than any real workbook has (calamine copies them whole).
    #[error("Tệp Excel quá phức tạp: {0}; hãy mở bằng Excel, xóa định dạng hoặc tên thừa rồi lưu lại dạng .xlsx")]
    TooComplex(String),
    /// More cell text, all rows together, than one import may hold (in MB).
    #[error("Tệp có quá nhiều dữ liệu (hơn {0} MB chữ trong các ô); hãy chia thành nhiều tệp")]
    TooMuchText(usize),
    /// More distinct texts than the shared-string limit of an import.
    #[error("Tệp Excel có quá nhiều chuỗi văn bản khác nhau (tối đa {}); hãy chia thành nhiều tệp", domain::text::format_int(*.0 as i64))]
    TooManyStrings(usize),
    /// More rows than one worksheet can hold.
    #[error("Quá nhiều dòng cho một trang tính Excel ({0} dòng, tối đa 1.048.575)")]
    TooManyRows(usize),
    /// rust_xlsxwriter failed to build a workbook.
    #[error("Không tạo được tệp Excel: {0}")]
    XlsxWrite(#[from] rust_xlsxwriter::XlsxError),
    /// The Word document could not be built.
    #[error("Không tạo được tệp Word: {0}")]
    Docx(String),
}

/// Sorts errors by line, then by column in the order the columns appear in the import templates
/// (unit columns, then member columns; unknown column names last, alphabetically). The sort is stable:
/// several errors on the same cell keep their order.
pub fn sort_errors(errors: &mut [RowError]) {
    errors.sort_by(|a, b| {
        a.line
            .cmp(&b.line)
            .then_with(|| column_rank(&a.column).cmp(&column_rank(&b.column)))
            .then_with(|| a.column.cmp(&b.column))
    });
}

fn column_rank(column: &str) -> usize {
    use domain::import::header as h;
    const ORDER: [&str; 17] = [
        h::UNIT_CODE,
        h::UNIT_NAME,
        h::UNIT_TYPE,
        h::PARENT_CODE,
        h::SORT_ORDER,
        h::FULL_NAME,
        h::BIRTH_DATE,
        h::GENDER,
        h::CARD_NUMBER,
        h::CITIZEN_ID,
        h::JOINED_ON,
        h::OFFICIAL_ON,
        h::POSITIONS,
        h::PHONE,
        h::FROM,
        "Mã đảng viên",
        "Trạng thái",
    ];
    ORDER
        .iter()
        .position(|c| *c == column)
        .unwrap_or(ORDER.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn sort_by_line_then_template_column_order() {
        let mut errs = vec![
            RowError::new(3, "Điện thoại", "a"),
            RowError::new(2, "Zzz", "b"),
            RowError::new(2, "Họ và tên", "c"),
            RowError::new(2, "Mã đơn vị", "d"),
            RowError::new(2, "Họ và tên", "e"),
        ];
        sort_errors(&mut errs);
        let got: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(got, ["d", "c", "e", "b", "a"]);
    }
}
