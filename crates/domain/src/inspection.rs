//! Inspection, supervision and discipline (kiểm tra, giám sát, kỷ luật) — the rules of the inspection
//! commissions' records (docs/DOMAIN.md § Inspection, supervision and discipline). Pure: the store supplies
//! the rows, these functions decide.
//!
//! - A **case** (cuộc kiểm tra / giám sát) has a [`CaseKind`], a conducting unit and [`Body`] (the party
//!   committee or its inspection commission), and subjects: units and/or members of the conducting unit's
//!   subtree (Điều lệ Đảng, Điều 30–32: each level inspects and supervises the organisations and members under
//!   it).
//! - A **finding** per subject: [`Finding`], the manifestations concerned (A1–C9), remedies with a due day
//!   ([`remedy_state`]).
//! - **Discipline** forms by subject ([`check_form`], Điều lệ Đảng, Điều 35): an organisation — khiển trách,
//!   cảnh cáo, giải tán; a full member — khiển trách, cảnh cáo, cách chức, khai trừ; a probationary member —
//!   khiển trách, cảnh cáo only.
//! - **Appeal** within one month of the decision ([`check_appeal`], Điều lệ Đảng, Điều 40).
//! - **Bỏ sinh hoạt**: absent without reason from cell meetings in three months of a calendar year → the cell
//!   considers proposing xóa tên ([`strike_off_proposal`], Điều lệ Đảng, Điều 8).
//! - **Figures** ([`tally`]): per kind, cases and subject-case pairs (lượt) and distinct subjects.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kind of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// Giám sát thường xuyên.
    RegularSupervision,
    /// Giám sát chuyên đề.
    ThematicSupervision,
    /// Kiểm tra (Điều 30 Điều lệ Đảng) — the committee's own inspection programme.
    Inspection,
    /// Kiểm tra khi có dấu hiệu vi phạm.
    ViolationInspection,
    /// Kiểm tra tài chính đảng, thu nộp đảng phí.
    FinanceInspection,
    /// Giải quyết tố cáo.
    Denunciation,
    /// Giải quyết khiếu nại kỷ luật.
    DisciplineAppeal,
}

impl CaseKind {
    pub const ALL: [CaseKind; 7] = [
        CaseKind::Inspection,
        CaseKind::ThematicSupervision,
        CaseKind::RegularSupervision,
        CaseKind::ViolationInspection,
        CaseKind::FinanceInspection,
        CaseKind::Denunciation,
        CaseKind::DisciplineAppeal,
    ];

    /// The stored and API identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseKind::RegularSupervision => "regular_supervision",
            CaseKind::ThematicSupervision => "thematic_supervision",
            CaseKind::Inspection => "inspection",
            CaseKind::ViolationInspection => "violation_inspection",
            CaseKind::FinanceInspection => "finance_inspection",
            CaseKind::Denunciation => "denunciation",
            CaseKind::DisciplineAppeal => "discipline_appeal",
        }
    }

    /// The identifier, or the Vietnamese name as clerks write it in their spreadsheets ("Giám sát chuyên
    /// đề", "kiem tra khi co dau hieu vi pham"); case, diacritics and spacing are ignored.
    pub fn parse(s: &str) -> Option<CaseKind> {
        let t = s.trim();
        if let Some(k) = CaseKind::ALL.into_iter().find(|k| k.as_str() == t) {
            return Some(k);
        }
        let f = crate::text::fold(t);
        let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
        let names: [(&str, CaseKind); 12] = [
            ("giam sat thuong xuyen", CaseKind::RegularSupervision),
            ("giam sat chuyen de", CaseKind::ThematicSupervision),
            ("kiem tra", CaseKind::Inspection),
            ("kiem tra theo dieu 30", CaseKind::Inspection),
            (
                "kiem tra khi co dau hieu vi pham",
                CaseKind::ViolationInspection,
            ),
            ("kiem tra dau hieu vi pham", CaseKind::ViolationInspection),
            ("kiem tra tai chinh", CaseKind::FinanceInspection),
            ("kiem tra tai chinh dang", CaseKind::FinanceInspection),
            ("kiem tra thu nop dang phi", CaseKind::FinanceInspection),
            ("giai quyet to cao", CaseKind::Denunciation),
            ("giai quyet khieu nai ky luat", CaseKind::DisciplineAppeal),
            ("giai quyet khieu nai", CaseKind::DisciplineAppeal),
        ];
        names.into_iter().find(|(n, _)| *n == f).map(|(_, k)| k)
    }
}

/// Who conducts a case: the party committee (cấp ủy) or its inspection commission (ủy ban kiểm tra).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Body {
    Committee,
    Commission,
}

impl Body {
    pub const ALL: [Body; 2] = [Body::Committee, Body::Commission];
    pub fn as_str(self) -> &'static str {
        match self {
            Body::Committee => "committee",
            Body::Commission => "commission",
        }
    }
    /// The identifier or the Vietnamese name ("cấp ủy", "ủy ban kiểm tra", "UBKT").
    pub fn parse(s: &str) -> Option<Body> {
        let t = s.trim();
        if let Some(b) = Body::ALL.into_iter().find(|b| b.as_str() == t) {
            return Some(b);
        }
        match crate::text::fold(t).as_str() {
            "cap uy" | "dang uy" | "ban thuong vu" => Some(Body::Committee),
            "uy ban kiem tra" | "ubkt" => Some(Body::Commission),
            _ => None,
        }
    }
}

/// The conclusion about one subject of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// Không vi phạm.
    NoViolation,
    /// Có ưu điểm, khuyết điểm.
    Shortcomings,
    /// Có vi phạm.
    Violation,
}

impl Finding {
    pub const ALL: [Finding; 3] = [
        Finding::NoViolation,
        Finding::Shortcomings,
        Finding::Violation,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::NoViolation => "no_violation",
            Finding::Shortcomings => "shortcomings",
            Finding::Violation => "violation",
        }
    }
    /// The identifier or the Vietnamese wording ("không vi phạm", "có ưu điểm, khuyết điểm", "có vi phạm",
    /// "vi phạm", "khuyết điểm").
    pub fn parse(s: &str) -> Option<Finding> {
        let t = s.trim();
        if let Some(f) = Finding::ALL.into_iter().find(|f| f.as_str() == t) {
            return Some(f);
        }
        let f = crate::text::fold(t).replace(',', " ");
        let f = f.split_whitespace().collect::<Vec<_>>().join(" ");
        match f.as_str() {
            "khong vi pham" => Some(Finding::NoViolation),
            "co uu diem khuyet diem" | "uu diem khuyet diem" | "khuyet diem" | "co khuyet diem" => {
                Some(Finding::Shortcomings)
            }
            "co vi pham" | "vi pham" => Some(Finding::Violation),
            _ => None,
        }
    }
}

/// Forms of discipline (Điều lệ Đảng, Điều 35).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisciplineForm {
    /// Khiển trách.
    Reprimand,
    /// Cảnh cáo.
    Warning,
    /// Cách chức (a member only).
    Dismissal,
    /// Khai trừ (a full member only).
    Expulsion,
    /// Giải tán (an organisation only).
    Dissolution,
}

impl DisciplineForm {
    pub const ALL: [DisciplineForm; 5] = [
        DisciplineForm::Reprimand,
        DisciplineForm::Warning,
        DisciplineForm::Dismissal,
        DisciplineForm::Expulsion,
        DisciplineForm::Dissolution,
    ];
    /// The forms that apply to members, in order of severity.
    pub const FOR_MEMBERS: [DisciplineForm; 4] = [
        DisciplineForm::Reprimand,
        DisciplineForm::Warning,
        DisciplineForm::Dismissal,
        DisciplineForm::Expulsion,
    ];
    /// The forms that apply to organisations, in order of severity.
    pub const FOR_UNITS: [DisciplineForm; 3] = [
        DisciplineForm::Reprimand,
        DisciplineForm::Warning,
        DisciplineForm::Dissolution,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            DisciplineForm::Reprimand => "reprimand",
            DisciplineForm::Warning => "warning",
            DisciplineForm::Dismissal => "dismissal",
            DisciplineForm::Expulsion => "expulsion",
            DisciplineForm::Dissolution => "dissolution",
        }
    }
    /// The identifier or the Vietnamese name ("khiển trách", "cảnh cáo", "cách chức", "khai trừ", "giải tán").
    pub fn parse(s: &str) -> Option<DisciplineForm> {
        let t = s.trim();
        if let Some(f) = DisciplineForm::ALL.into_iter().find(|f| f.as_str() == t) {
            return Some(f);
        }
        match crate::text::fold(t).as_str() {
            "khien trach" => Some(DisciplineForm::Reprimand),
            "canh cao" => Some(DisciplineForm::Warning),
            "cach chuc" => Some(DisciplineForm::Dismissal),
            "khai tru" => Some(DisciplineForm::Expulsion),
            "giai tan" => Some(DisciplineForm::Dissolution),
            _ => None,
        }
    }
}

/// Whom a discipline decision is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A party member; `probationary` when not yet official on the decision date.
    Member { probationary: bool },
    /// A party organisation.
    Unit,
}

/// Why a discipline or appeal record is refused. Messages are the store's and API's 422 text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error(
        "Đảng viên dự bị chỉ có thể bị kỷ luật khiển trách hoặc cảnh cáo (Điều lệ Đảng, Điều 35)"
    )]
    ProbationaryForm,
    #[error("Hình thức giải tán chỉ áp dụng với tổ chức đảng, không áp dụng với đảng viên")]
    NotForMember,
    #[error(
        "Tổ chức đảng chỉ có thể bị kỷ luật khiển trách, cảnh cáo hoặc giải tán (Điều lệ Đảng, Điều 35)"
    )]
    NotForUnit,
    #[error("Đã quá thời hạn khiếu nại: khiếu nại phải gửi trong vòng một tháng kể từ ngày quyết định ({deadline}) (Điều lệ Đảng, Điều 40)")]
    AppealTooLate { deadline: String },
    #[error("Ngày khiếu nại không thể trước ngày quyết định kỷ luật")]
    AppealBeforeDecision,
    #[error("Quyết định kỷ luật này đã bị hủy, không thể khiếu nại")]
    AppealOfAnnulled,
    #[error("Quyết định kỷ luật này đang có khiếu nại chưa giải quyết")]
    AppealPending,
    #[error("Ngày kết thúc không thể trước ngày bắt đầu")]
    PeriodReversed,
    #[error("Cuộc kiểm tra, giám sát phải có ít nhất một đối tượng (tổ chức đảng hoặc đảng viên)")]
    NoSubject,
    #[error("Ngày kết luận không thể trước ngày quyết định")]
    ConclusionBeforeDecision,
    #[error("Mã biểu hiện không hợp lệ: {0} (từ A1 đến C9)")]
    UnknownManifestation(String),
    #[error("Hạn khắc phục không thể trước ngày kết luận")]
    RemedyBeforeConclusion,
}

/// Refuses a form that does not fit the subject (Điều lệ Đảng, Điều 35).
pub fn check_form(form: DisciplineForm, target: Target) -> Result<(), InspectionError> {
    match (target, form) {
        (Target::Unit, DisciplineForm::Dismissal | DisciplineForm::Expulsion) => {
            Err(InspectionError::NotForUnit)
        }
        (Target::Unit, _) => Ok(()),
        (Target::Member { .. }, DisciplineForm::Dissolution) => Err(InspectionError::NotForMember),
        (
            Target::Member { probationary: true },
            DisciplineForm::Dismissal | DisciplineForm::Expulsion,
        ) => Err(InspectionError::ProbationaryForm),
        (Target::Member { .. }, _) => Ok(()),
    }
}

/// The last day an appeal against a decision of `decided_on` may be filed: one month later (the same day of
/// the next month, or its last day).
pub fn appeal_deadline(decided_on: NaiveDate) -> NaiveDate {
    decided_on
        .checked_add_months(Months::new(1))
        .unwrap_or(decided_on)
}

/// An appeal filed on `filed_on` against a decision of `decided_on` (Điều lệ Đảng, Điều 40: within one
/// month). lamtheo counts from the decision date as recorded (the day it was received is not recorded).
pub fn check_appeal(decided_on: NaiveDate, filed_on: NaiveDate) -> Result<(), InspectionError> {
    if filed_on < decided_on {
        return Err(InspectionError::AppealBeforeDecision);
    }
    let deadline = appeal_deadline(decided_on);
    if filed_on > deadline {
        return Err(InspectionError::AppealTooLate {
            deadline: crate::text::format_date(deadline),
        });
    }
    Ok(())
}

/// The result of an appeal (giải quyết khiếu nại kỷ luật).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AppealOutcome {
    /// Giữ nguyên hình thức kỷ luật.
    Upheld,
    /// Thay đổi hình thức kỷ luật (the new form is recorded with it).
    ChangedForm,
    /// Xóa (hủy) quyết định kỷ luật.
    Annulled,
}

impl AppealOutcome {
    pub const ALL: [AppealOutcome; 3] = [
        AppealOutcome::Upheld,
        AppealOutcome::ChangedForm,
        AppealOutcome::Annulled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AppealOutcome::Upheld => "upheld",
            AppealOutcome::ChangedForm => "changed_form",
            AppealOutcome::Annulled => "annulled",
        }
    }
    pub fn parse(s: &str) -> Option<AppealOutcome> {
        AppealOutcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s.trim())
    }
}

/// The form in force after an appeal's outcome: `None` when the decision is annulled.
pub fn form_after_appeal(
    original: DisciplineForm,
    outcome: AppealOutcome,
    new_form: Option<DisciplineForm>,
) -> Option<DisciplineForm> {
    match outcome {
        AppealOutcome::Upheld => Some(original),
        AppealOutcome::ChangedForm => Some(new_form.unwrap_or(original)),
        AppealOutcome::Annulled => None,
    }
}

/// Whether a form in force ends the membership (khai trừ) — the member's status becomes "Khai trừ" from the
/// decision date — or closes the organisation (giải tán).
pub fn ends_membership(form: DisciplineForm) -> bool {
    form == DisciplineForm::Expulsion
}

/// Where a remedy (yêu cầu khắc phục) stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemedyState {
    /// Due later, not reported done.
    Open,
    /// Reported done.
    Done,
    /// Past its due day and not reported done.
    Overdue,
}

impl RemedyState {
    pub fn as_str(self) -> &'static str {
        match self {
            RemedyState::Open => "open",
            RemedyState::Done => "done",
            RemedyState::Overdue => "overdue",
        }
    }
}

pub fn remedy_state(due: NaiveDate, done_on: Option<NaiveDate>, today: NaiveDate) -> RemedyState {
    match done_on {
        Some(_) => RemedyState::Done,
        None if today > due => RemedyState::Overdue,
        None => RemedyState::Open,
    }
}

/// Manifestation codes of Nghị quyết Trung ương 4 khóa XII: A1–A9 (political ideology), B1–B9 (ethics,
/// lifestyle), C1–C9 ("tự diễn biến", "tự chuyển hóa"). Returns the normalised code ("b3" → "B3").
pub fn manifestation_code(s: &str) -> Result<String, InspectionError> {
    let t = s.trim().to_uppercase();
    let mut cs = t.chars();
    match (cs.next(), cs.next(), cs.next()) {
        (Some(g @ ('A' | 'B' | 'C')), Some(n @ '1'..='9'), None) => Ok(format!("{g}{n}")),
        _ => Err(InspectionError::UnknownManifestation(s.trim().to_string())),
    }
}

/// Unexcused absences from cell meetings in this many different months of one calendar year make a member
/// a candidate for xóa tên (Điều lệ Đảng, Điều 8: "bỏ sinh hoạt đảng ... ba tháng trong năm mà không có lý
/// do chính đáng").
pub const STRIKE_OFF_MONTHS: usize = 3;

/// Whether the months (1–12) of one calendar year in which a member was absent without reason from a cell
/// meeting make a xóa tên proposal. Several meetings in one month count as one month.
pub fn strike_off_proposal(unexcused_months: &[u32]) -> bool {
    unexcused_months
        .iter()
        .filter(|m| (1..=12).contains(*m))
        .collect::<BTreeSet<_>>()
        .len()
        >= STRIKE_OFF_MONTHS
}

/// One subject of one case, as the figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubjectRef {
    Unit(i64),
    Member(i64),
}

/// One row the store hands to [`tally`]: a case and one of its subjects (a case without subjects is still
/// passed once with `subject: None`, so it counts as a case).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSubject {
    pub case_id: i64,
    pub kind: CaseKind,
    pub subject: Option<SubjectRef>,
}

/// The figures of one kind of case.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    /// Cases (cuộc).
    pub cases: u64,
    /// Subject-case pairs on organisations (lượt tổ chức đảng), as commissions report.
    pub units: u64,
    /// Subject-case pairs on members (lượt đảng viên).
    pub members: u64,
    /// Each organisation once.
    pub distinct_units: u64,
    /// Each member once.
    pub distinct_members: u64,
}

/// Figures per kind; every kind is present, with zeros when empty.
pub fn tally(rows: &[CaseSubject]) -> BTreeMap<CaseKind, KindCounts> {
    #[derive(Default)]
    struct Acc {
        cases: BTreeSet<i64>,
        unit_pairs: BTreeSet<(i64, i64)>,
        member_pairs: BTreeSet<(i64, i64)>,
        units: BTreeSet<i64>,
        members: BTreeSet<i64>,
    }
    let mut acc: BTreeMap<CaseKind, Acc> = CaseKind::ALL
        .into_iter()
        .map(|k| (k, Acc::default()))
        .collect();
    for r in rows {
        let a = acc.entry(r.kind).or_default();
        a.cases.insert(r.case_id);
        match r.subject {
            Some(SubjectRef::Unit(u)) => {
                a.unit_pairs.insert((r.case_id, u));
                a.units.insert(u);
            }
            Some(SubjectRef::Member(m)) => {
                a.member_pairs.insert((r.case_id, m));
                a.members.insert(m);
            }
            None => {}
        }
    }
    acc.into_iter()
        .map(|(k, a)| {
            (
                k,
                KindCounts {
                    cases: a.cases.len() as u64,
                    units: a.unit_pairs.len() as u64,
                    members: a.member_pairs.len() as u64,
                    distinct_units: a.units.len() as u64,
                    distinct_members: a.members.len() as u64,
                },
            )
        })
        .collect()
}

/// Discipline decisions in force, counted by form; every form that applies is present, with zeros.
pub fn tally_discipline(
    forms: impl IntoIterator<Item = (bool, DisciplineForm)>,
) -> (BTreeMap<DisciplineForm, u64>, BTreeMap<DisciplineForm, u64>) {
    let mut members: BTreeMap<DisciplineForm, u64> = DisciplineForm::FOR_MEMBERS
        .into_iter()
        .map(|f| (f, 0))
        .collect();
    let mut units: BTreeMap<DisciplineForm, u64> = DisciplineForm::FOR_UNITS
        .into_iter()
        .map(|f| (f, 0))
        .collect();
    for (is_member, form) in forms {
        let m = if is_member { &mut members } else { &mut units };
        *m.entry(form).or_default() += 1;
    }
    (members, units)
}

/// Checks a case's dates and subjects before it is written.
pub fn check_case(
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    subjects: usize,
) -> Result<(), InspectionError> {
    if let (Some(f), Some(t)) = (from, to) {
        if t < f {
            return Err(InspectionError::PeriodReversed);
        }
    }
    if subjects == 0 {
        return Err(InspectionError::NoSubject);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn forms_fit_their_subject() {
        let full = Target::Member {
            probationary: false,
        };
        let prob = Target::Member { probationary: true };
        for f in DisciplineForm::FOR_MEMBERS {
            assert_eq!(check_form(f, full), Ok(()), "{f:?}");
        }
        assert_eq!(check_form(DisciplineForm::Reprimand, prob), Ok(()));
        assert_eq!(check_form(DisciplineForm::Warning, prob), Ok(()));
        assert_eq!(
            check_form(DisciplineForm::Expulsion, prob),
            Err(InspectionError::ProbationaryForm)
        );
        assert_eq!(
            check_form(DisciplineForm::Dismissal, prob),
            Err(InspectionError::ProbationaryForm)
        );
        assert_eq!(
            check_form(DisciplineForm::Dissolution, full),
            Err(InspectionError::NotForMember)
        );
        for f in DisciplineForm::FOR_UNITS {
            assert_eq!(check_form(f, Target::Unit), Ok(()));
        }
        assert_eq!(
            check_form(DisciplineForm::Expulsion, Target::Unit),
            Err(InspectionError::NotForUnit)
        );
    }

    #[test]
    fn appeals_within_one_month() {
        assert_eq!(check_appeal(d(2019, 3, 15), d(2019, 4, 15)), Ok(()));
        assert!(matches!(
            check_appeal(d(2019, 3, 15), d(2019, 4, 16)),
            Err(InspectionError::AppealTooLate { .. })
        ));
        // The end of a longer month falls back to the last day of the shorter one.
        assert_eq!(appeal_deadline(d(2019, 1, 31)), d(2019, 2, 28));
        assert_eq!(
            check_appeal(d(2019, 3, 15), d(2019, 3, 14)),
            Err(InspectionError::AppealBeforeDecision)
        );
        let late = check_appeal(d(2019, 3, 15), d(2019, 5, 1))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(late.contains("15/04/2019"), "{late}");
    }

    #[test]
    fn three_months_of_unexcused_absence_make_a_proposal() {
        assert!(!strike_off_proposal(&[1, 2]));
        assert!(!strike_off_proposal(&[1, 1, 2, 2]));
        assert!(strike_off_proposal(&[1, 5, 9]));
        assert!(!strike_off_proposal(&[0, 13, 1]));
    }

    #[test]
    fn tally_counts_pairs_and_distinct_subjects() {
        use SubjectRef::*;
        let rows = [
            CaseSubject {
                case_id: 1,
                kind: CaseKind::Inspection,
                subject: Some(Unit(10)),
            },
            CaseSubject {
                case_id: 1,
                kind: CaseKind::Inspection,
                subject: Some(Member(100)),
            },
            CaseSubject {
                case_id: 2,
                kind: CaseKind::Inspection,
                subject: Some(Unit(10)),
            },
            CaseSubject {
                case_id: 2,
                kind: CaseKind::Inspection,
                subject: Some(Member(100)),
            },
            CaseSubject {
                case_id: 2,
                kind: CaseKind::Inspection,
                subject: Some(Member(101)),
            },
            CaseSubject {
                case_id: 3,
                kind: CaseKind::Denunciation,
                subject: None,
            },
        ];
        let t = tally(&rows);
        assert_eq!(t.len(), CaseKind::ALL.len());
        assert_eq!(
            t[&CaseKind::Inspection],
            KindCounts {
                cases: 2,
                units: 2,
                members: 3,
                distinct_units: 1,
                distinct_members: 2
            }
        );
        assert_eq!(t[&CaseKind::Denunciation].cases, 1);
        assert_eq!(t[&CaseKind::ThematicSupervision], KindCounts::default());
    }

    #[test]
    fn names_parse_as_clerks_write_them() {
        assert_eq!(
            CaseKind::parse("Giám sát chuyên đề"),
            Some(CaseKind::ThematicSupervision)
        );
        assert_eq!(
            CaseKind::parse("kiem tra khi co dau hieu vi pham"),
            Some(CaseKind::ViolationInspection)
        );
        assert_eq!(CaseKind::parse("inspection"), Some(CaseKind::Inspection));
        assert_eq!(CaseKind::parse("thanh tra"), None);
        assert_eq!(
            Finding::parse("Có ưu điểm, khuyết điểm"),
            Some(Finding::Shortcomings)
        );
        assert_eq!(
            DisciplineForm::parse("Khai trừ"),
            Some(DisciplineForm::Expulsion)
        );
        assert_eq!(Body::parse("UBKT"), Some(Body::Commission));
        assert_eq!(manifestation_code(" b3 "), Ok("B3".to_string()));
        assert!(manifestation_code("D1").is_err());
        assert!(manifestation_code("A10").is_err());
    }

    #[test]
    fn remedies_become_overdue_after_their_day() {
        let due = d(2019, 6, 30);
        assert_eq!(remedy_state(due, None, d(2019, 6, 30)), RemedyState::Open);
        assert_eq!(remedy_state(due, None, d(2019, 7, 1)), RemedyState::Overdue);
        assert_eq!(
            remedy_state(due, Some(d(2019, 7, 5)), d(2019, 8, 1)),
            RemedyState::Done
        );
    }

    #[test]
    fn an_appeal_keeps_changes_or_annuls_the_form() {
        use DisciplineForm::*;
        assert_eq!(
            form_after_appeal(Expulsion, AppealOutcome::Upheld, None),
            Some(Expulsion)
        );
        assert_eq!(
            form_after_appeal(Expulsion, AppealOutcome::ChangedForm, Some(Warning)),
            Some(Warning)
        );
        assert_eq!(
            form_after_appeal(Warning, AppealOutcome::Annulled, None),
            None
        );
    }
}
