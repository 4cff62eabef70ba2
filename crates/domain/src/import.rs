//! The rows of the unit and member import files and their errors (docs/DOMAIN.md: imports are all or
//! nothing, every bad row listed). `office` reads files into these rows; the store checks them against
//! the database with [`unknown_parent_errors`] and [`unknown_unit_errors`] (which take the lookups as
//! closures) and writes them.
//!
//! The Vietnamese column headers ([`header`]) belong to the file format: templates, exports and every
//! [`RowError`] name columns with them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::inspection::{Body, CaseKind, Finding};
use crate::{Gender, UnitType};

/// Vietnamese column headers of the unit and member files, as templates and exports write them and
/// as [`RowError::column`] names them.
pub mod header {
    pub const UNIT_CODE: &str = "Mã đơn vị";
    pub const UNIT_NAME: &str = "Tên đơn vị";
    pub const UNIT_TYPE: &str = "Loại";
    pub const PARENT_CODE: &str = "Mã đơn vị cấp trên";
    pub const SORT_ORDER: &str = "Thứ tự";
    /// A unit's first day, or the day a member started in the unit.
    pub const FROM: &str = "Từ ngày";
    pub const FULL_NAME: &str = "Họ và tên";
    pub const BIRTH_DATE: &str = "Ngày sinh";
    pub const GENDER: &str = "Giới tính";
    pub const CARD_NUMBER: &str = "Số thẻ đảng viên";
    pub const CITIZEN_ID: &str = "Số CCCD";
    pub const JOINED_ON: &str = "Ngày vào Đảng";
    pub const OFFICIAL_ON: &str = "Ngày chính thức";
    pub const POSITIONS: &str = "Chức vụ";
    pub const PHONE: &str = "Điện thoại";
    // The inspection file (one row per subject of a case). "Loại", "Số thẻ đảng viên" and "Từ ngày" are
    // shared with the unit and member files.
    pub const CASE_KIND: &str = "Loại";
    pub const DECISION_NUMBER: &str = "Số quyết định";
    pub const DECIDED_ON: &str = "Ngày quyết định";
    pub const CONDUCTING_CODE: &str = "Mã đơn vị tiến hành";
    pub const BODY: &str = "Cơ quan tiến hành";
    pub const CASE_TITLE: &str = "Tên cuộc kiểm tra, giám sát";
    pub const SUBJECT_UNIT_CODE: &str = "Mã tổ chức đảng được kiểm tra";
    pub const SUBJECT_CARD: &str = "Số thẻ đảng viên";
    pub const RESULT: &str = "Kết quả";
    pub const PERIOD_FROM: &str = "Từ ngày";
    pub const PERIOD_TO: &str = "Đến ngày";
    pub const DIRECTIVE_05: &str = "Chỉ thị 05";
    pub const CONCLUDED_ON: &str = "Ngày kết luận";
    pub const NOTE: &str = "Ghi chú";
}

/// The member-file column of a member form field (`crate::member::validate`'s field names); the unit
/// code column for any other name.
pub fn member_column(field: &str) -> &'static str {
    match field {
        "full_name" => header::FULL_NAME,
        "birth_date" => header::BIRTH_DATE,
        "gender" => header::GENDER,
        "card_number" => header::CARD_NUMBER,
        "citizen_id" => header::CITIZEN_ID,
        "joined_on" => header::JOINED_ON,
        "official_on" => header::OFFICIAL_ON,
        "phone" => header::PHONE,
        "positions" => header::POSITIONS,
        _ => header::UNIT_CODE,
    }
}

/// Row errors one list keeps; the rest are counted ("… và N lỗi khác").
pub const MAX_ROW_ERRORS: usize = 200;

/// One problem in one cell of an imported file.
///
/// `Display` is exactly `dòng {line}, cột "{column}": {message}`; other tools parse it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[error("dòng {line}, cột \"{column}\": {message}")]
pub struct RowError {
    /// Spreadsheet line: the header is line 1, the first data row line 2.
    pub line: usize,
    /// Vietnamese header name of the column, e.g. "Mã đơn vị" ([`header`]).
    pub column: String,
    /// Vietnamese explanation.
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        RowError {
            line,
            column: column.into(),
            message: message.into(),
        }
    }
}

/// Result of parsing a file: the rows that passed every check, and every error found.
///
/// A row with at least one error is not in `rows`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    pub errors: Vec<RowError>,
}

impl<T> Parsed<T> {
    /// True when the file has no error at all.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

/// One unit read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRow {
    /// Spreadsheet line (header = 1).
    pub line: usize,
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    /// None for a root unit.
    pub parent_code: Option<String>,
    pub sort_order: Option<i64>,
    pub valid_from: Option<NaiveDate>,
}

/// One member read from a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// Spreadsheet line (header = 1).
    pub line: usize,
    pub unit_code: String,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub gender: Option<Gender>,
    pub card_number: Option<String>,
    /// Digits only: 12 (CCCD) or 9 (old CMND).
    pub citizen_id: Option<String>,
    pub joined_on: Option<NaiveDate>,
    /// None = probationary (dự bị).
    pub official_on: Option<NaiveDate>,
    pub positions: Vec<String>,
    /// Digits only, starting with 0 (+84 rewritten), 10 or 11 digits.
    pub phone: Option<String>,
    /// Date the member started in this unit.
    pub since: Option<NaiveDate>,
}

/// One subject of one inspection or supervision case read from a file. Rows with the same conducting unit
/// and decision number are one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionRow {
    /// Spreadsheet line (header = 1).
    pub line: usize,
    pub kind: CaseKind,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    /// Code of the conducting unit.
    pub conducting_code: String,
    /// The inspection commission unless the file says otherwise.
    pub body: Body,
    /// None: [`default_case_title`].
    pub title: Option<String>,
    /// Exactly one of `subject_unit_code` and `subject_card` is set.
    pub subject_unit_code: Option<String>,
    pub subject_card: Option<String>,
    pub result: Option<Finding>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Related to Directive 05 (học tập và làm theo).
    pub directive_05: bool,
    pub concluded_on: Option<NaiveDate>,
    pub note: Option<String>,
}

/// The title of an imported case whose file gives none: the kind and the decision,
/// e.g. "Giám sát chuyên đề theo Quyết định số 12-QĐ/UBKT".
pub fn default_case_title(kind: CaseKind, decision_number: &str) -> String {
    let name = match kind {
        CaseKind::RegularSupervision => "Giám sát thường xuyên",
        CaseKind::ThematicSupervision => "Giám sát chuyên đề",
        CaseKind::Inspection => "Kiểm tra",
        CaseKind::ViolationInspection => "Kiểm tra khi có dấu hiệu vi phạm",
        CaseKind::FinanceInspection => "Kiểm tra tài chính đảng",
        CaseKind::Denunciation => "Giải quyết tố cáo",
        CaseKind::DisciplineAppeal => "Giải quyết khiếu nại kỷ luật",
    };
    format!("{name} theo Quyết định số {decision_number}")
}

/// Keeps at most [`MAX_ROW_ERRORS`] row errors and counts the rest, so that a file of a million bad rows
/// costs no more memory than one of two hundred.
#[derive(Debug, Default)]
pub struct ErrorCap {
    omitted: usize,
    first_line: usize,
}

impl ErrorCap {
    /// Drops the errors beyond the limit (call after each row; errors come in line order).
    pub fn trim(&mut self, errors: &mut Vec<RowError>) {
        if errors.len() > MAX_ROW_ERRORS {
            if self.omitted == 0 {
                self.first_line = errors[MAX_ROW_ERRORS].line;
            }
            self.omitted += errors.len() - MAX_ROW_ERRORS;
            errors.truncate(MAX_ROW_ERRORS);
        }
    }

    /// Adds "… và N lỗi khác" after the kept errors when some were dropped.
    pub fn finish(mut self, errors: &mut Vec<RowError>) {
        self.trim(errors);
        if self.omitted > 0 {
            errors.push(omitted_line(self.first_line, self.omitted));
        }
    }
}

/// Column of the line that counts the errors left out.
const OMITTED_COLUMN: &str = "…";

fn omitted_line(first_line: usize, omitted: usize) -> RowError {
    RowError::new(
        first_line,
        OMITTED_COLUMN,
        format!(
            "… và {} lỗi khác (chỉ liệt kê {} lỗi đầu tiên; hãy sửa rồi kiểm tra lại)",
            crate::text::format_int(omitted as i64),
            MAX_ROW_ERRORS
        ),
    )
}

/// The number of errors an [`omitted_line`] counts, or `None` for an ordinary error.
fn omitted_count(e: &RowError) -> Option<usize> {
    if e.column != OMITTED_COLUMN {
        return None;
    }
    let digits: String = e
        .message
        .strip_prefix("… và ")?
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Keeps the first [`MAX_ROW_ERRORS`] errors in their current order (it sorts nothing) and ends the list
/// with one "… và N lỗi khác" line counting the rest. Lines of that kind already in the list (from a
/// parser that capped its own errors) are folded into the new count, so capping twice changes nothing.
pub fn cap_errors(errors: &mut Vec<RowError>) {
    let mut omitted = 0;
    let mut first_line = usize::MAX;
    errors.retain(|e| match omitted_count(e) {
        Some(n) => {
            omitted += n;
            first_line = first_line.min(e.line);
            false
        }
        None => true,
    });
    if errors.len() > MAX_ROW_ERRORS {
        for e in &errors[MAX_ROW_ERRORS..] {
            first_line = first_line.min(e.line);
        }
        omitted += errors.len() - MAX_ROW_ERRORS;
        errors.truncate(MAX_ROW_ERRORS);
    }
    if omitted > 0 {
        errors.push(omitted_line(first_line, omitted));
    }
}

/// Errors for members whose unit code is unknown (`known` is called at most once per distinct code).
pub fn unknown_unit_errors(rows: &[MemberRow], known: &dyn Fn(&str) -> bool) -> Vec<RowError> {
    let mut cache: HashMap<&str, bool> = HashMap::new();
    let mut errors = Vec::new();
    let mut cap = ErrorCap::default();
    for row in rows {
        let code = row.unit_code.as_str();
        if !*cache.entry(code).or_insert_with(|| known(code)) {
            errors.push(RowError::new(
                row.line,
                header::UNIT_CODE,
                format!("Không tìm thấy đơn vị có mã \"{code}\""),
            ));
            cap.trim(&mut errors);
        }
    }
    cap.finish(&mut errors);
    errors
}

/// Errors for units whose parent code is neither a unit of the same file (earlier or later) nor a unit
/// already in the database (`known_in_db`, called at most once per distinct parent code).
pub fn unknown_parent_errors(
    rows: &[UnitRow],
    known_in_db: &dyn Fn(&str) -> bool,
) -> Vec<RowError> {
    let in_file: HashSet<&str> = rows.iter().map(|r| r.code.as_str()).collect();
    let mut cache: HashMap<&str, bool> = HashMap::new();
    let mut errors = Vec::new();
    let mut cap = ErrorCap::default();
    for row in rows {
        let Some(parent) = row.parent_code.as_deref() else {
            continue;
        };
        if in_file.contains(parent) {
            continue;
        }
        let known = *cache.entry(parent).or_insert_with(|| known_in_db(parent));
        if !known {
            errors.push(RowError::new(
                row.line,
                header::PARENT_CODE,
                format!(
                    "Không tìm thấy đơn vị cấp trên có mã \"{parent}\" (không có trong tệp và trong hệ thống)"
                ),
            ));
            cap.trim(&mut errors);
        }
    }
    cap.finish(&mut errors);
    errors
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn row_error_display_is_exact() {
        let e = RowError::new(5, header::BIRTH_DATE, "Ngày không hợp lệ");
        assert_eq!(
            e.to_string(),
            "dòng 5, cột \"Ngày sinh\": Ngày không hợp lệ"
        );
    }

    #[test]
    fn cap_errors_keeps_200_and_counts_the_rest_once() {
        let mut errs: Vec<RowError> = (2..=451)
            .map(|l| RowError::new(l, "Họ và tên", "x"))
            .collect();
        cap_errors(&mut errs);
        assert_eq!(errs.len(), MAX_ROW_ERRORS + 1);
        assert_eq!(errs[199].line, 201);
        assert_eq!((errs[200].line, errs[200].column.as_str()), (202, "…"));
        assert_eq!(
            errs[200].message,
            "… và 250 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên; hãy sửa rồi kiểm tra lại)"
        );
        // Capping again, or after more errors were added, keeps one count line with the right total.
        cap_errors(&mut errs);
        assert_eq!(errs.len(), MAX_ROW_ERRORS + 1);
        assert!(errs[200].message.starts_with("… và 250 lỗi khác"));
        errs.extend((1..=1_200).map(|l| RowError::new(l, "Số CCCD", "y")));
        cap_errors(&mut errs);
        assert_eq!(errs.len(), MAX_ROW_ERRORS + 1);
        assert!(
            errs[200].message.starts_with("… và 1.450 lỗi khác"),
            "{}",
            errs[200].message
        );
        // 200 errors exactly: nothing added.
        let mut errs: Vec<RowError> = (0..200).map(|l| RowError::new(l, "a", "x")).collect();
        cap_errors(&mut errs);
        assert_eq!(errs.len(), 200);
    }

    #[test]
    fn error_cap_counts_what_it_drops() {
        let mut errs = Vec::new();
        let mut cap = ErrorCap::default();
        for l in 2..=301 {
            errs.push(RowError::new(l, header::PHONE, "x"));
            cap.trim(&mut errs);
        }
        cap.finish(&mut errs);
        assert_eq!(errs.len(), MAX_ROW_ERRORS + 1);
        assert_eq!(errs[200].line, 202);
        assert!(errs[200].message.starts_with("… và 100 lỗi khác"));
    }

    fn unit(line: usize, code: &str, parent: Option<&str>) -> UnitRow {
        UnitRow {
            line,
            code: code.into(),
            name: code.into(),
            unit_type: UnitType::Cell,
            parent_code: parent.map(Into::into),
            sort_order: None,
            valid_from: None,
        }
    }

    #[test]
    fn unknown_parents_ask_the_database_once_per_code() {
        let rows = [
            unit(2, "A", Some("TU")),
            unit(3, "B", Some("A")),
            unit(4, "C", Some("X")),
            unit(5, "D", Some("X")),
            unit(6, "E", None),
        ];
        let asked = std::cell::RefCell::new(Vec::new());
        let errs = unknown_parent_errors(&rows, &|c| {
            asked.borrow_mut().push(c.to_string());
            c == "TU"
        });
        assert_eq!(asked.into_inner(), ["TU", "X"]);
        assert_eq!(errs.iter().map(|e| e.line).collect::<Vec<_>>(), [4, 5]);
        assert_eq!(errs[0].column, "Mã đơn vị cấp trên");
    }

    #[test]
    fn unknown_units_are_named() {
        let row = MemberRow {
            line: 7,
            unit_code: "KP9".into(),
            full_name: "Lê Lợi".into(),
            birth_date: None,
            gender: None,
            card_number: None,
            citizen_id: None,
            joined_on: None,
            official_on: None,
            positions: Vec::new(),
            phone: None,
            since: None,
        };
        let errs = unknown_unit_errors(&[row], &|_| false);
        assert_eq!(
            errs[0].to_string(),
            "dòng 7, cột \"Mã đơn vị\": Không tìm thấy đơn vị có mã \"KP9\""
        );
    }

    #[test]
    fn member_fields_map_to_their_columns() {
        assert_eq!(member_column("full_name"), "Họ và tên");
        assert_eq!(member_column("citizen_id"), "Số CCCD");
        assert_eq!(member_column("unit"), "Mã đơn vị");
    }
}
