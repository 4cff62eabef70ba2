//! Good-practice models ("mô hình, cách làm hay", docs/DOMAIN.md § Models): the status, the field list and
//! the checks of what a user enters. Pure: the store asks these functions before it writes.
//!
//! **Who writes.** A model belongs to its owner unit; admin, office staff and secretaries whose subtree
//! holds that unit create and edit it, add its results and photos (`Principal::can_manage_model`). An
//! adoption ("nhân rộng": unit B takes up unit A's model) belongs to the *adopting* unit and is recorded by
//! someone who manages that unit (`Principal::can_adopt_model`).
//!
//! **Status.** "Đang triển khai" → "Đã nhân rộng" → "Được biểu dương". A person sets the first two; when
//! a model still "đang triển khai" is adopted by another unit it becomes "nhân rộng" by itself
//! ([`status_after_adoption`]), because that is what the word means and it is what a clerk would set by
//! hand. Removing the last adoption (a record entered by mistake) leaves "nhân rộng" as it is, since a model
//! may also have spread outside what lamtheo records. "Được biểu dương" is never set by hand: a model has it
//! exactly while a decided commendation (`domain::commendation`) names it, and when the last such decision
//! goes (deleted as a mistake) the model falls back to its adoption-driven status, "nhân rộng" when another
//! unit took it up, else "đang triển khai" ([`status_from_records`]).

use chrono::NaiveDate;
use serde::Serialize;

/// Where a model stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Đang triển khai.
    InProgress,
    /// Nhân rộng: taken up by other units.
    Replicated,
    /// Được biểu dương: commended.
    Commended,
}

impl ModelStatus {
    pub const ALL: [ModelStatus; 3] = [
        ModelStatus::InProgress,
        ModelStatus::Replicated,
        ModelStatus::Commended,
    ];

    /// Stable identifier stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelStatus::InProgress => "in_progress",
            ModelStatus::Replicated => "replicated",
            ModelStatus::Commended => "commended",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ModelStatus::InProgress => "Đang triển khai",
            ModelStatus::Replicated => "Đã nhân rộng",
            ModelStatus::Commended => "Được biểu dương",
        }
    }

    /// Accepts the identifier or the Vietnamese label (case and diacritics ignored); "Nhân rộng"
    /// without "Đã" is accepted too.
    pub fn parse(s: &str) -> Option<ModelStatus> {
        let folded = crate::text::fold(s);
        if folded == "nhan rong" {
            return Some(ModelStatus::Replicated);
        }
        ModelStatus::ALL
            .into_iter()
            .find(|m| m.as_str() == s.trim() || crate::text::fold(m.label()) == folded)
    }
}

/// The reference list of fields ("lĩnh vực") a model belongs to, in display order.
pub const FIELDS: [&str; 9] = [
    "Dân vận",
    "An ninh trật tự",
    "Kinh tế",
    "An sinh xã hội",
    "Tôn giáo",
    "Môi trường",
    "Văn hóa - xã hội",
    "Xây dựng Đảng",
    "Khác",
];

/// The field of the reference list matching `s` (case, diacritics and spacing around "-" ignored).
pub fn parse_field(s: &str) -> Option<&'static str> {
    let key = |x: &str| crate::text::fold(&x.replace(['-', '–'], " "));
    let wanted = key(s);
    if wanted.is_empty() {
        return None;
    }
    FIELDS.into_iter().find(|f| key(f) == wanted)
}

/// Longest name of a model, in characters.
pub const MAX_NAME: usize = crate::limits::MODEL_NAME;
/// Longest description.
pub const MAX_DESCRIPTION: usize = crate::limits::MODEL_DESCRIPTION;
/// Longest "participants" text (e.g. "Hội viên Cựu chiến binh và 120 hộ dân").
pub const MAX_PARTICIPANTS: usize = crate::limits::MODEL_PARTICIPANTS;
/// Longest indicator name of a result.
pub const MAX_INDICATOR: usize = crate::limits::INDICATOR;
/// Longest unit of measure of a result ("hộ", "mét", "triệu đồng").
pub const MAX_MEASURE_UNIT: usize = crate::limits::MEASURE_UNIT;
/// Longest note (of a result or an adoption) and photo caption.
pub const MAX_NOTE: usize = crate::limits::MODEL_NOTE;
/// Earliest start date accepted (a model older than this is certainly a typing mistake).
pub const EARLIEST_START: (i32, u32, u32) = (1975, 1, 1);

/// A model as entered (already NFC-normalised by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelFields<'a> {
    pub name: &'a str,
    pub field: &'a str,
    pub description: &'a str,
    pub started_on: Option<NaiveDate>,
    pub participants: &'a str,
    pub participants_count: Option<i64>,
}

/// Checks a model; returns Vietnamese messages keyed by field (empty = acceptable).
pub fn check_model(m: &ModelFields<'_>, today: NaiveDate) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let name = m.name.trim();
    if name.is_empty() {
        errors.push(("name", "Phải nhập tên mô hình".to_string()));
    } else if name.chars().count() > MAX_NAME {
        errors.push(("name", format!("Tên mô hình dài quá {MAX_NAME} ký tự")));
    }
    if parse_field(m.field).is_none() {
        errors.push((
            "field",
            format!("Lĩnh vực phải là một trong: {}", FIELDS.join(", ")),
        ));
    }
    if m.description.chars().count() > MAX_DESCRIPTION {
        errors.push((
            "description",
            format!(
                "Mô tả dài quá {} ký tự",
                crate::text::format_int(MAX_DESCRIPTION as i64)
            ),
        ));
    }
    match m.started_on {
        None => errors.push((
            "started_on",
            "Phải nhập ngày bắt đầu triển khai (dd/mm/yyyy)".to_string(),
        )),
        Some(d) if d > today => errors.push((
            "started_on",
            "Ngày bắt đầu không được ở tương lai".to_string(),
        )),
        Some(d) if Some(d) < earliest_start() => errors.push((
            "started_on",
            format!(
                "Ngày bắt đầu không hợp lý (trước {})",
                earliest_start()
                    .map(crate::text::format_date)
                    .unwrap_or_default()
            ),
        )),
        Some(_) => {}
    }
    if m.participants.chars().count() > MAX_PARTICIPANTS {
        errors.push((
            "participants",
            format!("Thành phần tham gia dài quá {MAX_PARTICIPANTS} ký tự"),
        ));
    }
    if let Some(n) = m.participants_count {
        if !(0..=100_000_000).contains(&n) {
            errors.push((
                "participants_count",
                "Số người tham gia phải từ 0 trở lên".to_string(),
            ));
        }
    }
    errors
}

fn earliest_start() -> Option<NaiveDate> {
    let (y, m, d) = EARLIEST_START;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// A measurable result as entered.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultFields<'a> {
    pub measured_on: Option<NaiveDate>,
    pub indicator: &'a str,
    pub value: Option<f64>,
    pub unit: &'a str,
    pub note: &'a str,
}

/// Checks a result of a model that started on `started_on`. A result is measured while the model runs:
/// not before its start and not in the future.
pub fn check_result(
    r: &ResultFields<'_>,
    started_on: NaiveDate,
    today: NaiveDate,
) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    match r.measured_on {
        None => errors.push((
            "measured_on",
            "Phải nhập ngày ghi nhận kết quả (dd/mm/yyyy)".to_string(),
        )),
        Some(d) if d > today => errors.push((
            "measured_on",
            "Ngày ghi nhận không được ở tương lai".to_string(),
        )),
        Some(d) if d < started_on => errors.push((
            "measured_on",
            format!(
                "Ngày ghi nhận ({}) không được trước ngày bắt đầu mô hình ({})",
                crate::text::format_date(d),
                crate::text::format_date(started_on)
            ),
        )),
        Some(_) => {}
    }
    let indicator = r.indicator.trim();
    if indicator.is_empty() {
        errors.push((
            "indicator",
            "Phải nhập chỉ tiêu đo (ví dụ: Số hộ có nhà tiêu hợp vệ sinh)".to_string(),
        ));
    } else if indicator.chars().count() > MAX_INDICATOR {
        errors.push((
            "indicator",
            format!("Chỉ tiêu dài quá {MAX_INDICATOR} ký tự"),
        ));
    }
    match r.value {
        None => errors.push(("value", "Phải nhập giá trị là một số".to_string())),
        Some(v) if !v.is_finite() || v.abs() > 1e15 => {
            errors.push(("value", "Giá trị không hợp lệ".to_string()))
        }
        Some(_) => {}
    }
    if r.unit.chars().count() > MAX_MEASURE_UNIT {
        errors.push((
            "unit",
            format!("Đơn vị tính dài quá {MAX_MEASURE_UNIT} ký tự"),
        ));
    }
    if r.note.chars().count() > MAX_NOTE {
        errors.push(("note", format!("Ghi chú dài quá {MAX_NOTE} ký tự")));
    }
    errors
}

/// Why an adoption is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdoptionError {
    #[error("Đơn vị không thể nhận nhân rộng mô hình của chính mình")]
    OwnModel,
    #[error("Phải nhập ngày nhận nhân rộng (dd/mm/yyyy)")]
    NoDate,
    #[error("Ngày nhận nhân rộng ({0}) không được trước ngày bắt đầu mô hình ({1})")]
    BeforeStart(String, String),
    #[error("Ngày nhận nhân rộng không được ở tương lai")]
    Future,
    #[error("Ghi chú dài quá 1.000 ký tự")]
    NoteTooLong,
}

impl AdoptionError {
    /// The form field the error belongs to.
    pub fn field(&self) -> &'static str {
        match self {
            AdoptionError::OwnModel => "unit_code",
            AdoptionError::NoDate | AdoptionError::BeforeStart(..) | AdoptionError::Future => {
                "adopted_on"
            }
            AdoptionError::NoteTooLong => "note",
        }
    }
}

/// Checks that the unit `adopting_unit_id` may record adopting, on `adopted_on`, the model owned by
/// `owner_unit_id` that started on `started_on`.
pub fn check_adoption(
    owner_unit_id: i64,
    adopting_unit_id: i64,
    started_on: NaiveDate,
    adopted_on: Option<NaiveDate>,
    note: &str,
    today: NaiveDate,
) -> Result<NaiveDate, AdoptionError> {
    if owner_unit_id == adopting_unit_id {
        return Err(AdoptionError::OwnModel);
    }
    let d = adopted_on.ok_or(AdoptionError::NoDate)?;
    if d < started_on {
        return Err(AdoptionError::BeforeStart(
            crate::text::format_date(d),
            crate::text::format_date(started_on),
        ));
    }
    if d > today {
        return Err(AdoptionError::Future);
    }
    if note.chars().count() > MAX_NOTE {
        return Err(AdoptionError::NoteTooLong);
    }
    Ok(d)
}

/// The status after another unit adopts the model (see the module documentation): a model still
/// "đang triển khai" becomes "nhân rộng"; any other status stays.
pub fn status_after_adoption(current: ModelStatus) -> ModelStatus {
    match current {
        ModelStatus::InProgress => ModelStatus::Replicated,
        other => other,
    }
}

/// The status lamtheo suggests for a model with `adoptions` recorded adoptions (shown beside the
/// status on the model page when they differ): "nhân rộng" once any other unit took it up.
pub fn suggested_status(current: ModelStatus, adoptions: usize) -> ModelStatus {
    if adoptions > 0 {
        status_after_adoption(current)
    } else {
        current
    }
}

/// The status of a model from what lamtheo records: "được biểu dương" exactly when a decided commendation
/// names it (`commended`); otherwise the adoption-driven status — the current one raised to "nhân rộng" when
/// `adoptions` were recorded ([`suggested_status`]), and a model that was "được biểu dương" starts again
/// from "đang triển khai".
pub fn status_from_records(current: ModelStatus, adoptions: usize, commended: bool) -> ModelStatus {
    if commended {
        return ModelStatus::Commended;
    }
    let base = match current {
        ModelStatus::Commended => ModelStatus::InProgress,
        other => other,
    };
    suggested_status(base, adoptions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
    }

    fn fields<'a>(name: &'a str, field: &'a str, started: Option<NaiveDate>) -> ModelFields<'a> {
        ModelFields {
            name,
            field,
            description: "",
            started_on: started,
            participants: "",
            participants_count: None,
        }
    }

    #[test]
    fn status_parses_codes_and_labels() {
        for s in ModelStatus::ALL {
            assert_eq!(ModelStatus::parse(s.as_str()), Some(s));
            assert_eq!(ModelStatus::parse(s.label()), Some(s));
        }
        assert_eq!(
            ModelStatus::parse("nhan rong"),
            Some(ModelStatus::Replicated)
        );
        assert_eq!(
            ModelStatus::parse("ĐƯỢC BIỂU DƯƠNG"),
            Some(ModelStatus::Commended)
        );
        assert_eq!(ModelStatus::parse("xyz"), None);
    }

    #[test]
    fn fields_match_without_diacritics() {
        assert_eq!(parse_field("dan van"), Some("Dân vận"));
        assert_eq!(parse_field("Văn hóa – xã hội"), Some("Văn hóa - xã hội"));
        assert_eq!(parse_field("van hoa xa hoi"), Some("Văn hóa - xã hội"));
        assert_eq!(parse_field("AN NINH TRẬT TỰ"), Some("An ninh trật tự"));
        assert_eq!(parse_field("Thể thao"), None);
        assert_eq!(parse_field(""), None);
        for f in FIELDS {
            assert_eq!(parse_field(f), Some(f));
        }
    }

    #[test]
    fn model_checks() {
        let today = d(2026, 11, 27);
        assert!(check_model(
            &fields("Camera an ninh", "An ninh trật tự", Some(d(2017, 3, 1))),
            today
        )
        .is_empty());
        let errs = check_model(&fields("  ", "Thể thao", None), today);
        let keys: Vec<_> = errs.iter().map(|e| e.0).collect();
        assert_eq!(keys, vec!["name", "field", "started_on"]);
        let long = "x".repeat(MAX_NAME + 1);
        assert_eq!(
            check_model(&fields(&long, "Khác", Some(d(2017, 1, 1))), today)[0].0,
            "name"
        );
        let future = check_model(&fields("A", "Khác", Some(d(2027, 1, 1))), today);
        assert_eq!(future[0].0, "started_on");
        let old = check_model(&fields("A", "Khác", Some(d(1900, 1, 1))), today);
        assert_eq!(old[0].0, "started_on");
        let desc = "y".repeat(MAX_DESCRIPTION + 1);
        let m = ModelFields {
            description: &desc,
            participants_count: Some(-1),
            ..fields("A", "Khác", Some(d(2017, 1, 1)))
        };
        let keys: Vec<_> = check_model(&m, today).iter().map(|e| e.0).collect();
        assert_eq!(keys, vec!["description", "participants_count"]);
    }

    #[test]
    fn results_are_measured_while_the_model_runs() {
        let today = d(2026, 11, 27);
        let start = d(2016, 6, 1);
        let ok = ResultFields {
            measured_on: Some(d(2017, 12, 31)),
            indicator: "Số hộ có nhà tiêu hợp vệ sinh",
            value: Some(120.0),
            unit: "hộ",
            note: "",
        };
        assert!(check_result(&ok, start, today).is_empty());
        let before = ResultFields {
            measured_on: Some(d(2016, 1, 1)),
            ..ok.clone()
        };
        assert!(check_result(&before, start, today)[0]
            .1
            .contains("01/06/2016"));
        let bad = ResultFields {
            measured_on: None,
            indicator: "",
            value: Some(f64::NAN),
            ..ok.clone()
        };
        let keys: Vec<_> = check_result(&bad, start, today)
            .iter()
            .map(|e| e.0)
            .collect();
        assert_eq!(keys, vec!["measured_on", "indicator", "value"]);
    }

    #[test]
    fn adoption_rules() {
        let today = d(2026, 11, 27);
        let start = d(2017, 3, 1);
        assert_eq!(
            check_adoption(5, 5, start, Some(d(2018, 1, 1)), "", today),
            Err(AdoptionError::OwnModel)
        );
        assert_eq!(
            check_adoption(5, 6, start, Some(d(2018, 1, 1)), "", today),
            Ok(d(2018, 1, 1))
        );
        let before = check_adoption(5, 6, start, Some(d(2017, 2, 28)), "", today);
        assert!(matches!(before, Err(AdoptionError::BeforeStart(..))));
        assert_eq!(
            before.err().map(|e| e.to_string()).unwrap_or_default(),
            "Ngày nhận nhân rộng (28/02/2017) không được trước ngày bắt đầu mô hình (01/03/2017)"
        );
        assert_eq!(
            check_adoption(5, 6, start, Some(d(2027, 1, 1)), "", today),
            Err(AdoptionError::Future)
        );
        assert_eq!(
            check_adoption(5, 6, start, None, "", today),
            Err(AdoptionError::NoDate)
        );
        assert_eq!(AdoptionError::OwnModel.field(), "unit_code");
    }

    #[test]
    fn adoption_suggests_replicated_but_never_lowers() {
        use ModelStatus::*;
        assert_eq!(status_after_adoption(InProgress), Replicated);
        assert_eq!(status_after_adoption(Commended), Commended);
        assert_eq!(suggested_status(InProgress, 0), InProgress);
        assert_eq!(suggested_status(InProgress, 2), Replicated);
        assert_eq!(suggested_status(Replicated, 0), Replicated);
        assert_eq!(suggested_status(Commended, 3), Commended);
    }

    #[test]
    fn commended_follows_the_decisions_and_falls_back_to_adoptions() {
        use ModelStatus::*;
        assert_eq!(status_from_records(InProgress, 0, true), Commended);
        assert_eq!(status_from_records(Commended, 0, false), InProgress);
        assert_eq!(status_from_records(Commended, 2, false), Replicated);
        // A status set by hand without a decision stays as it is (raised by adoptions only).
        assert_eq!(status_from_records(Replicated, 0, false), Replicated);
        assert_eq!(status_from_records(InProgress, 1, false), Replicated);
    }
}

/// A measured value the Vietnamese way, at most two decimals: 3520 → "3.520", 98.5 → "98,5",
/// 0.125 → "0,13", −0.001 → "0".
pub fn format_value(value: f64) -> String {
    let s = crate::text::format_decimal(value, 2);
    if s.contains(',') {
        match s.trim_end_matches('0').trim_end_matches(',') {
            "-0" => "0".to_owned(),
            t => t.to_owned(),
        }
    } else {
        s
    }
}

/// A value with its unit: "1.745 hộ", "98,1%" (no space before a percent sign), or the bare value.
pub fn format_amount(value: f64, unit: &str) -> String {
    match unit.trim() {
        "" => format_value(value),
        "%" => format!("{}%", format_value(value)),
        u => format!("{} {u}", format_value(value)),
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn values_and_amounts() {
        assert_eq!(format_value(3520.0), "3.520");
        assert_eq!(format_value(98.5), "98,5");
        assert_eq!(format_value(1234.25), "1.234,25");
        assert_eq!(format_value(0.125), "0,13");
        assert_eq!(format_value(2.0 / 3.0), "0,67");
        assert_eq!(format_value(-0.001), "0");
        assert_eq!(format_value(12.30), "12,3");
        assert_eq!(format_amount(68.5, "%"), "68,5%");
        assert_eq!(format_amount(1745.0, "hộ"), "1.745 hộ");
        assert_eq!(format_amount(3.0, " "), "3");
    }
}
