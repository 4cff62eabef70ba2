//! The period report (báo cáo sơ kết / tổng kết) of a unit: its figures, the limitations drafted from them,
//! the document's header (Hướng dẫn 36-HD/VPTW), the narrative sections, and the reporting round a parent
//! sets for its sub-units with its sign-off states (docs/DOMAIN.md § Period report).
//!
//! Every figure here is computed from records by the store; nothing in a report is typed by a user except
//! the narrative and the header. An accepted or issued report keeps its figures as they were
//! (`PeriodReport` is stored as JSON), and `differences` shows what later corrections changed.

use crate::attendance::Tally;
use crate::commendation::{CommendationKind, CommendationLevel};
use crate::inspection::{CaseKind, DisciplineForm, KindCounts};
use crate::registration::RegStats;
use crate::UnitType;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest period a report covers (a five-year term plus slack), so one request cannot ask for a
/// century of figures.
pub const MAX_PERIOD_DAYS: i64 = 366 * 6;

/// The default attendance target (per mille) when no plan of the unit or above sets one: lamtheo's
/// default, not a party rule.
pub const DEFAULT_ATTENDANCE_TARGET_PERMILLE: i64 = 900;

/// A registration set counts as "hình thức" (mostly copies) when at least this share (per mille) of a
/// unit's registrations of a year are in copy groups.
pub const COPIED_SHARE_PERMILLE: i64 = 500;

/// Why a period cannot be reported; the message is what every page, the API and the command line show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// `from` after `to`.
    #[error("Ngày cuối kỳ không được trước ngày đầu kỳ")]
    Reversed,
    /// Longer than `MAX_PERIOD_DAYS`.
    #[error(
        "Kỳ báo cáo không được dài quá 6 năm: hãy chọn một kỳ ngắn hơn (một nhiệm kỳ, một năm…)"
    )]
    TooLong,
}

/// Checks a period (both days inclusive).
pub fn check_period(from: NaiveDate, to: NaiveDate) -> Result<(), PeriodError> {
    if from > to {
        return Err(PeriodError::Reversed);
    }
    if (to - from).num_days() > MAX_PERIOD_DAYS {
        return Err(PeriodError::TooLong);
    }
    Ok(())
}

/// The calendar years a period touches, oldest first.
pub fn years_of(from: NaiveDate, to: NaiveDate) -> Vec<i32> {
    use chrono::Datelike;
    if from > to {
        return Vec::new();
    }
    (from.year()..=to.year()).collect()
}

/// A unit as a report names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportUnit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
}

/// The figures of a unit (its whole subtree) for a period, as computed on `computed_at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodReport {
    pub unit: ReportUnit,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub computed_at: DateTime<Utc>,
    pub campaign: CampaignSection,
    pub study: StudySection,
    pub cell_meetings: CellMeetingSection,
    pub registrations: RegistrationSection,
    pub disclosure: DisclosureSection,
    pub models: ModelSection,
    /// Confidential (kiểm tra, giám sát): `None` for a reader who may not see inspections.
    pub inspection: Option<InspectionSection>,
    /// Confidential: discipline decisions in force, `None` like `inspection`.
    pub discipline: Option<DisciplineSection>,
    pub commendations: CommendationSection,
    pub criteria: CriteriaSection,
    /// Drafted from the figures by `draft_limitations`.
    pub limitations: Vec<Limitation>,
    /// One row per party sub-unit open during the period (the unit itself when it has none).
    pub sub_units: Vec<SubUnitRow>,
}

impl PeriodReport {
    /// Removes the confidential sections (inspection, discipline, and their columns of the sub-unit table)
    /// for a reader who may not see them. The one place a report is cut down for its reader.
    pub fn without_confidential(mut self) -> PeriodReport {
        self.inspection = None;
        self.discipline = None;
        for row in &mut self.sub_units {
            row.inspection = None;
        }
        self.limitations.retain(|l| !l.kind.is_confidential());
        self
    }
}

// ------------------------------------------------------------------------------------------------
// Sections
// ------------------------------------------------------------------------------------------------

/// A directive or plan in force for the unit in the period (issued by it or a unit above it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignDocument {
    /// "directive" or "plan".
    pub kind: String,
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
}

/// The yearly theme (chuyên đề) the unit followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearTheme {
    pub year: i32,
    pub title: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignSection {
    pub documents: Vec<CampaignDocument>,
    pub themes: Vec<YearTheme>,
}

/// Attendance at study sessions of one year (the part of it inside the period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearAttendance {
    pub year: i32,
    /// Sessions held in the subtree or above it that members of the subtree were expected at.
    pub sessions: i64,
    pub tally: Tally,
}

/// Study sessions (học tập chuyên đề, quán triệt): per year and over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudySection {
    pub years: Vec<YearAttendance>,
    pub total: Tally,
    pub sessions: i64,
    /// The target in force (per mille) from the unit's plans, else `DEFAULT_ATTENDANCE_TARGET_PERMILLE`.
    pub target_permille: i64,
}

/// Cell meetings (sinh hoạt chi bộ) held in the subtree in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellMeetingSection {
    pub held: i64,
    /// Held as thematic meetings (sinh hoạt chuyên đề).
    pub thematic: i64,
    pub tally: Tally,
    /// Monthly topics the cells had to set in the period, and those set by their deadline.
    pub topics_due: i64,
    pub topics_on_time: i64,
}

/// Registrations of one year.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct YearRegistrations {
    pub year: i32,
    pub stats: RegStats,
    /// Heads and key cadres who registered, and those of them who registered after a member of their
    /// unit ("trên trước, dưới sau" not kept).
    pub heads_registered: i64,
    pub heads_late: i64,
    /// Members who wrote a self-review (tự đánh giá) of the year.
    pub self_reviews: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RegistrationSection {
    pub years: Vec<YearRegistrations>,
}

/// Disclosure (công khai) and citizens' oversight in the period.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DisclosureSection {
    /// Registrations published on the portal.
    pub published_registrations: i64,
    /// Loudspeaker bulletins issued.
    pub bulletins: i64,
    pub feedback_received: i64,
    pub feedback_answered: i64,
    /// Open and past the answer deadline on `to`.
    pub feedback_overdue: i64,
    pub mean_response_days: Option<f64>,
    /// Items citizens confirmed done.
    pub citizen_confirmations: i64,
}

/// A model named in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelLine {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub unit_code: String,
    pub unit_name: String,
    /// Units that adopted it (nhân rộng) by `to`.
    pub replications: i64,
    /// Commended (được biểu dương) by a decision dated in the period or before.
    pub commended: bool,
}

/// Good-practice models (mô hình, cách làm hay) of the subtree active in the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelSection {
    pub total: i64,
    /// (field, count), the field's own words, most models first.
    pub by_field: Vec<(String, i64)>,
    /// Models adopted by at least one other unit.
    pub replicated: i64,
    pub commended: i64,
    /// Every model (at most `MODEL_LINES`), commended and replicated first.
    pub lines: Vec<ModelLine>,
}

/// How many models a report lists by name.
pub const MODEL_LINES: usize = 200;

/// Inspection and supervision by kind, decision dates inside the period; every kind present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionSection {
    pub by_kind: BTreeMap<CaseKind, KindCounts>,
}

/// Discipline decisions in force, decided in the period, by subject and form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineSection {
    pub members: BTreeMap<DisciplineForm, u64>,
    pub units: BTreeMap<DisciplineForm, u64>,
    /// Members struck off (xóa tên) in the period, and those of them for leaving party life
    /// (bỏ sinh hoạt).
    pub struck_off: i64,
    pub struck_off_left_party_life: i64,
}

/// Commendations decided in the period by kind or level.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommendationCount {
    pub decisions: i64,
    pub member_recipients: i64,
    pub unit_recipients: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommendationSection {
    pub total: CommendationCount,
    pub by_kind: Vec<(CommendationKind, CommendationCount)>,
    pub by_level: Vec<(CommendationLevel, CommendationCount)>,
    /// Proposals not decided on `to`.
    pub pending_proposals: i64,
}

/// A criteria set over the subtree on `to`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaLine {
    pub set_code: String,
    pub set_name: String,
    /// Criteria in the set.
    pub criteria: i64,
    /// Units of the subtree the set applies to (open on `to`).
    pub units: i64,
    /// Units meeting every criterion on `to`, and units recognised (decision in force).
    pub all_met: i64,
    pub recognised: i64,
    /// For a set applying to one unit (the city's 35 criteria): criteria met on `to`.
    pub met_of_single: Option<i64>,
}

/// A classification of a unit in force on `to` (đô thị loại II).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationLine {
    pub unit_name: String,
    pub scheme: String,
    pub class: String,
    pub decided_on: NaiveDate,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriteriaSection {
    pub sets: Vec<CriteriaLine>,
    pub classifications: Vec<ClassificationLine>,
}

/// The main figures of one sub-unit (a ward, a commune, a cell).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubUnitRow {
    pub unit: ReportUnit,
    /// Active members on `to`.
    pub members: i64,
    pub study: Tally,
    pub cell_meetings: i64,
    pub cell_tally: Tally,
    /// Registrations of the period's last year.
    pub registrations: RegStats,
    pub models: i64,
    pub commendations: i64,
    /// Confidential: (organisations, members) inspected or supervised, lượt; `None` when hidden.
    pub inspection: Option<(u64, u64)>,
    pub feedback_received: i64,
    pub feedback_unanswered: i64,
    /// Study attendance below the target.
    pub below_target: bool,
}

// ------------------------------------------------------------------------------------------------
// Limitations
// ------------------------------------------------------------------------------------------------

/// What a limitation is about (the seed's own list of failures).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationKind {
    /// Registrations with items that are not specific (chưa cụ thể).
    NotSpecific,
    /// … not tied to the member's duties (chưa gắn với chức trách, nhiệm vụ).
    NotTiedToDuties,
    /// Approved registrations of the last year without a reported result (kết quả chưa rõ).
    NoResult,
    /// Units whose registrations are mostly copies (hình thức).
    MostlyCopies,
    /// Units below the attendance target.
    BelowAttendanceTarget,
    /// Members who left party life (bỏ sinh hoạt) and were struck off or disciplined.
    LeftPartyLife,
    /// Citizens' feedback left unanswered past its deadline.
    FeedbackUnanswered,
    /// Heads who registered after their members.
    HeadsLate,
}

impl LimitationKind {
    /// Whether the limitation comes from confidential records.
    pub fn is_confidential(self) -> bool {
        matches!(self, LimitationKind::LeftPartyLife)
    }
}

/// A limitation found in the data: how many records and which units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limitation {
    pub kind: LimitationKind,
    /// Records concerned (registrations, units, members, feedback items).
    pub count: i64,
    /// Out of (registrations of the year, units, …); 0 when not meaningful.
    pub out_of: i64,
    /// The units concerned by name (at most `LIMITATION_UNITS`).
    pub units: Vec<String>,
    /// The year it concerns, when it is one year's registrations.
    pub year: Option<i32>,
}

/// How many units a limitation names.
pub const LIMITATION_UNITS: usize = 10;

/// What `draft_limitations` reads besides the sections: the members who left party life.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LimitationFacts {
    /// Members struck off for leaving party life, or disciplined, in the period.
    pub left_party_life: i64,
    pub left_party_life_units: Vec<String>,
}

/// Drafts the limitations of a report from its figures, in a fixed order; kinds with nothing to report
/// are left out. Registrations are read for the period's last year that has any.
pub fn draft_limitations(report: &PeriodReport, facts: &LimitationFacts) -> Vec<Limitation> {
    let mut out = Vec::new();
    let names = |pred: &dyn Fn(&SubUnitRow) -> bool| -> Vec<String> {
        report
            .sub_units
            .iter()
            .filter(|r| pred(r))
            .map(|r| r.unit.name.clone())
            .take(LIMITATION_UNITS)
            .collect()
    };
    if let Some(y) = report
        .registrations
        .years
        .iter()
        .rev()
        .find(|y| y.stats.registered > 0)
    {
        let s = &y.stats;
        let not_specific = s.items - s.specific_items;
        if not_specific > 0 {
            out.push(Limitation {
                kind: LimitationKind::NotSpecific,
                count: not_specific,
                out_of: s.items,
                units: names(&|r| r.registrations.items > r.registrations.specific_items),
                year: Some(y.year),
            });
        }
        let not_tied = s.items - s.tied_items;
        if not_tied > 0 {
            out.push(Limitation {
                kind: LimitationKind::NotTiedToDuties,
                count: not_tied,
                out_of: s.items,
                units: names(&|r| r.registrations.items > r.registrations.tied_items),
                year: Some(y.year),
            });
        }
        let no_result = s.approved_items - s.reviewed_items;
        if no_result > 0 {
            out.push(Limitation {
                kind: LimitationKind::NoResult,
                count: no_result,
                out_of: s.approved_items,
                units: names(&|r| r.registrations.approved_items > r.registrations.reviewed_items),
                year: Some(y.year),
            });
        }
        if y.heads_late > 0 {
            out.push(Limitation {
                kind: LimitationKind::HeadsLate,
                count: y.heads_late,
                out_of: y.heads_registered,
                units: Vec::new(),
                year: Some(y.year),
            });
        }
    }
    let copies = |r: &SubUnitRow| {
        r.registrations.registered > 0
            && r.registrations.copied * 1000 >= COPIED_SHARE_PERMILLE * r.registrations.registered
    };
    let copied_units = report.sub_units.iter().filter(|r| copies(r)).count() as i64;
    if copied_units > 0 {
        out.push(Limitation {
            kind: LimitationKind::MostlyCopies,
            count: copied_units,
            out_of: report.sub_units.len() as i64,
            units: names(&copies),
            year: report.registrations.years.last().map(|y| y.year),
        });
    }
    let below = report.sub_units.iter().filter(|r| r.below_target).count() as i64;
    if below > 0 {
        out.push(Limitation {
            kind: LimitationKind::BelowAttendanceTarget,
            count: below,
            out_of: report.sub_units.len() as i64,
            units: names(&|r| r.below_target),
            year: None,
        });
    }
    if facts.left_party_life > 0 {
        out.push(Limitation {
            kind: LimitationKind::LeftPartyLife,
            count: facts.left_party_life,
            out_of: 0,
            units: facts
                .left_party_life_units
                .iter()
                .take(LIMITATION_UNITS)
                .cloned()
                .collect(),
            year: None,
        });
    }
    if report.disclosure.feedback_overdue > 0 {
        out.push(Limitation {
            kind: LimitationKind::FeedbackUnanswered,
            count: report.disclosure.feedback_overdue,
            out_of: report.disclosure.feedback_received,
            units: names(&|r| r.feedback_unanswered > 0),
            year: None,
        });
    }
    out
}

// ------------------------------------------------------------------------------------------------
// The document: header and narrative
// ------------------------------------------------------------------------------------------------

/// The narrative sections a writer fills in (figures are never typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NarrativeSection {
    /// Kết quả đạt được (the writer's words besides the computed figures).
    Results,
    /// Ưu điểm.
    Strengths,
    /// Hạn chế (added to the drafted limitations).
    Limitations,
    /// Nguyên nhân.
    Causes,
    /// Phương hướng, nhiệm vụ thời gian tới.
    Directions,
}

impl NarrativeSection {
    pub const ALL: [NarrativeSection; 5] = [
        NarrativeSection::Results,
        NarrativeSection::Strengths,
        NarrativeSection::Limitations,
        NarrativeSection::Causes,
        NarrativeSection::Directions,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NarrativeSection::Results => "results",
            NarrativeSection::Strengths => "strengths",
            NarrativeSection::Limitations => "limitations",
            NarrativeSection::Causes => "causes",
            NarrativeSection::Directions => "directions",
        }
    }

    pub fn parse(s: &str) -> Option<NarrativeSection> {
        NarrativeSection::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The longest narrative section (characters).
pub const MAX_NARRATIVE_CHARS: usize = crate::limits::REPORT_NARRATIVE;

/// The writer's text per section (missing = empty).
pub type Narratives = BTreeMap<NarrativeSection, String>;

/// The header and signature of the Word document (Hướng dẫn 36-HD/VPTW), as the writer sets them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportHeader {
    /// The body above the issuer ("ĐẢNG BỘ TỈNH BẾN TRE"); empty at the root.
    pub superior: String,
    /// The issuing committee ("THÀNH ỦY BẾN TRE").
    pub issuer: String,
    /// The number without "Số" ("125-BC/TU"); empty until numbered.
    pub number: String,
    /// The place of the date line ("Bến Tre").
    pub place: String,
    pub dated: Option<NaiveDate>,
    /// The subject under "BÁO CÁO".
    pub subject: String,
    /// "T/M BAN THƯỜNG VỤ", "T/M CHI BỘ" …
    pub on_behalf: String,
    /// "PHÓ BÍ THƯ THƯỜNG TRỰC", "BÍ THƯ" …
    pub signer_title: String,
    pub signer_name: String,
    /// Nơi nhận, one per line.
    pub recipients: Vec<String>,
}

/// The longest header field (characters); recipients have at most `MAX_RECIPIENTS` lines.
pub const MAX_HEADER_CHARS: usize = crate::limits::REPORT_HEADER;
pub const MAX_RECIPIENTS: usize = crate::limits::REPORT_RECIPIENT_LINES;

/// The abbreviation of the issuing body after "BC/" in a report number (Hướng dẫn 36-HD/VPTW, Phụ lục):
/// TU for a city or provincial committee, ĐU for a grassroots or partial committee, CB for a cell.
pub fn issuer_abbreviation(t: UnitType) -> &'static str {
    match t {
        UnitType::PartyCommittee => "TU",
        UnitType::GrassrootsCommittee | UnitType::PartialCommittee => "ĐU",
        UnitType::GrassrootsCell | UnitType::Cell => "CB",
        UnitType::Front
        | UnitType::MassOrganisation
        | UnitType::MassMobilisationTeam
        | UnitType::MassMobilisationBloc => "BC",
    }
}

/// The line above the signature by the issuing unit's type (Hướng dẫn 36-HD/VPTW: signing on behalf of the
/// collective): "T/M BAN THƯỜNG VỤ" for a party committee, "T/M ĐẢNG ỦY" for a grassroots or partial committee,
/// "T/M CHI BỘ" for a cell; none for other units.
pub fn on_behalf_of(t: UnitType) -> &'static str {
    match t {
        UnitType::PartyCommittee => "T/M BAN THƯỜNG VỤ",
        UnitType::GrassrootsCommittee | UnitType::PartialCommittee => "T/M ĐẢNG ỦY",
        UnitType::GrassrootsCell | UnitType::Cell => "T/M CHI BỘ",
        UnitType::Front
        | UnitType::MassOrganisation
        | UnitType::MassMobilisationTeam
        | UnitType::MassMobilisationBloc => "",
    }
}

/// Why a header or narrative is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentError {
    /// A field longer than allowed (field name).
    TooLong(&'static str),
    TooManyRecipients,
    UnknownSection(String),
}

/// Checks what a writer typed.
pub fn check_document(header: &ReportHeader, narratives: &Narratives) -> Result<(), DocumentError> {
    let fields: [(&'static str, &str); 8] = [
        ("superior", &header.superior),
        ("issuer", &header.issuer),
        ("number", &header.number),
        ("place", &header.place),
        ("subject", &header.subject),
        ("on_behalf", &header.on_behalf),
        ("signer_title", &header.signer_title),
        ("signer_name", &header.signer_name),
    ];
    for (name, v) in fields {
        if v.chars().count() > MAX_HEADER_CHARS {
            return Err(DocumentError::TooLong(name));
        }
    }
    if header.recipients.len() > MAX_RECIPIENTS {
        return Err(DocumentError::TooManyRecipients);
    }
    if header
        .recipients
        .iter()
        .any(|r| r.chars().count() > MAX_HEADER_CHARS)
    {
        return Err(DocumentError::TooLong("recipients"));
    }
    for (k, v) in narratives {
        if v.chars().count() > MAX_NARRATIVE_CHARS {
            return Err(DocumentError::TooLong(k.as_str()));
        }
    }
    Ok(())
}

/// What office renders: the figures, the writer's header and narrative, and (for a parent) the status of
/// its sub-units' reports in the round of the same period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocument {
    pub header: ReportHeader,
    pub narratives: Narratives,
    pub figures: PeriodReport,
    pub sub_reports: Vec<SubReportStatus>,
}

// ------------------------------------------------------------------------------------------------
// Rounds and sign-off
// ------------------------------------------------------------------------------------------------

/// Where a stored report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Being written (also after a return, see `Returned`).
    Draft,
    /// Sent to the parent, waiting for its review.
    Submitted,
    /// Sent back by the parent with a comment; the writer edits and submits again.
    Returned,
    /// Accepted by the parent: figures frozen.
    Accepted,
    /// A report outside any round, issued by its own unit: figures frozen.
    Issued,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 5] = [
        ReportStatus::Draft,
        ReportStatus::Submitted,
        ReportStatus::Returned,
        ReportStatus::Accepted,
        ReportStatus::Issued,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Draft => "draft",
            ReportStatus::Submitted => "submitted",
            ReportStatus::Returned => "returned",
            ReportStatus::Accepted => "accepted",
            ReportStatus::Issued => "issued",
        }
    }

    pub fn parse(s: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The writer may still change the header and narrative.
    pub fn editable(self) -> bool {
        matches!(self, ReportStatus::Draft | ReportStatus::Returned)
    }

    /// Figures are frozen.
    pub fn frozen(self) -> bool {
        matches!(self, ReportStatus::Accepted | ReportStatus::Issued)
    }
}

/// A step of the sign-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportAction {
    Submit,
    Return,
    Accept,
    Issue,
}

impl ReportAction {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportAction::Submit => "submit",
            ReportAction::Return => "return",
            ReportAction::Accept => "accept",
            ReportAction::Issue => "issue",
        }
    }

    pub fn parse(s: &str) -> Option<ReportAction> {
        [
            ReportAction::Submit,
            ReportAction::Return,
            ReportAction::Accept,
            ReportAction::Issue,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Why a step is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The step does not apply in this state (submit an accepted report, accept a draft …).
    WrongState,
    /// Submit, return and accept belong to a report of a round; issue to one outside any round.
    WrongKind,
    /// A return needs a comment.
    CommentRequired,
}

/// The state after `action` on a report in `status`; `in_round` says whether it belongs to a round.
pub fn transition(
    status: ReportStatus,
    action: ReportAction,
    in_round: bool,
    comment: &str,
) -> Result<ReportStatus, TransitionError> {
    use ReportAction as A;
    use ReportStatus as S;
    match action {
        A::Issue if in_round => Err(TransitionError::WrongKind),
        A::Submit | A::Return | A::Accept if !in_round => Err(TransitionError::WrongKind),
        A::Issue | A::Submit if !status.editable() => Err(TransitionError::WrongState),
        A::Issue => Ok(S::Issued),
        A::Submit => Ok(S::Submitted),
        A::Return | A::Accept if status != S::Submitted => Err(TransitionError::WrongState),
        A::Return if comment.trim().is_empty() => Err(TransitionError::CommentRequired),
        A::Return => Ok(S::Returned),
        A::Accept => Ok(S::Accepted),
    }
}

/// A sub-unit's report in a round, as the parent sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubReportStatus {
    pub report_id: i64,
    pub unit: ReportUnit,
    pub status: ReportStatus,
    /// First submitted (Asia/Ho_Chi_Minh day).
    pub submitted_on: Option<NaiveDate>,
    /// Submitted by the due day.
    pub on_time: Option<bool>,
    /// Times it was returned.
    pub returns: i64,
}

/// The completeness of a round on a day.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    pub expected: i64,
    /// Submitted at least once (including accepted ones).
    pub submitted: i64,
    pub on_time: i64,
    pub late: i64,
    /// Waiting for the writer after a return.
    pub returned: i64,
    pub accepted: i64,
    /// Not submitted yet; `overdue` of them past the due day.
    pub missing: i64,
    pub overdue: i64,
}

/// Counts a round's reports on `today` against its `due` day.
pub fn completeness(reports: &[SubReportStatus], due: NaiveDate, today: NaiveDate) -> Completeness {
    let mut c = Completeness {
        expected: reports.len() as i64,
        ..Completeness::default()
    };
    for r in reports {
        match r.submitted_on {
            Some(day) => {
                c.submitted += 1;
                if day <= due {
                    c.on_time += 1;
                } else {
                    c.late += 1;
                }
            }
            None => {
                c.missing += 1;
                if today > due {
                    c.overdue += 1;
                }
            }
        }
        match r.status {
            ReportStatus::Returned => c.returned += 1,
            ReportStatus::Accepted => c.accepted += 1,
            _ => {}
        }
    }
    c
}

// ------------------------------------------------------------------------------------------------
// Frozen figures against today's
// ------------------------------------------------------------------------------------------------

/// Every figure of a report with a stable key ("study.total.attended", "inspection.inspection.members",
/// "sub_units.P7.registrations.registered"), in a fixed order: what `differences` compares and what
/// consistency checks sum.
pub fn flat_figures(r: &PeriodReport) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = Vec::new();
    let tally = |out: &mut Vec<(String, i64)>, key: &str, t: &Tally| {
        out.push((format!("{key}.expected"), t.expected));
        out.push((format!("{key}.attended"), t.attended()));
        out.push((format!("{key}.makeup"), t.makeup));
        out.push((format!("{key}.excused"), t.excused));
    };
    out.push(("study.sessions".into(), r.study.sessions));
    tally(&mut out, "study.total", &r.study.total);
    for y in &r.study.years {
        out.push((format!("study.{}.sessions", y.year), y.sessions));
        tally(&mut out, &format!("study.{}", y.year), &y.tally);
    }
    let c = &r.cell_meetings;
    out.push(("cell_meetings.held".into(), c.held));
    out.push(("cell_meetings.thematic".into(), c.thematic));
    tally(&mut out, "cell_meetings", &c.tally);
    out.push(("cell_meetings.topics_due".into(), c.topics_due));
    out.push(("cell_meetings.topics_on_time".into(), c.topics_on_time));
    let reg = |out: &mut Vec<(String, i64)>, key: &str, s: &RegStats| {
        for (k, v) in [
            ("members", s.members),
            ("registered", s.registered),
            ("on_time", s.on_time),
            ("approved", s.approved),
            ("published", s.published),
            ("copied", s.copied),
            ("items", s.items),
            ("specific_items", s.specific_items),
            ("tied_items", s.tied_items),
            ("reviewed_items", s.reviewed_items),
            ("done_items", s.done_items),
            ("rated", s.rated),
            ("excellent", s.excellent),
            ("good", s.good),
            ("completed", s.completed),
            ("not_completed", s.not_completed),
        ] {
            out.push((format!("{key}.{k}"), v));
        }
    };
    for y in &r.registrations.years {
        reg(&mut out, &format!("registrations.{}", y.year), &y.stats);
        out.push((format!("registrations.{}.heads_late", y.year), y.heads_late));
    }
    let d = &r.disclosure;
    for (k, v) in [
        ("published_registrations", d.published_registrations),
        ("bulletins", d.bulletins),
        ("feedback_received", d.feedback_received),
        ("feedback_answered", d.feedback_answered),
        ("feedback_overdue", d.feedback_overdue),
        ("citizen_confirmations", d.citizen_confirmations),
    ] {
        out.push((format!("disclosure.{k}"), v));
    }
    out.push(("models.total".into(), r.models.total));
    out.push(("models.replicated".into(), r.models.replicated));
    out.push(("models.commended".into(), r.models.commended));
    if let Some(i) = &r.inspection {
        for (kind, k) in &i.by_kind {
            let key = format!("inspection.{}", kind.as_str());
            out.push((format!("{key}.cases"), k.cases as i64));
            out.push((format!("{key}.units"), k.units as i64));
            out.push((format!("{key}.members"), k.members as i64));
        }
    }
    if let Some(d) = &r.discipline {
        for (form, n) in &d.members {
            out.push((format!("discipline.members.{}", form.as_str()), *n as i64));
        }
        for (form, n) in &d.units {
            out.push((format!("discipline.units.{}", form.as_str()), *n as i64));
        }
        out.push(("discipline.struck_off".into(), d.struck_off));
    }
    let cm = &r.commendations;
    out.push(("commendations.decisions".into(), cm.total.decisions));
    out.push((
        "commendations.member_recipients".into(),
        cm.total.member_recipients,
    ));
    out.push((
        "commendations.unit_recipients".into(),
        cm.total.unit_recipients,
    ));
    for s in &r.criteria.sets {
        out.push((format!("criteria.{}.units", s.set_code), s.units));
        out.push((format!("criteria.{}.all_met", s.set_code), s.all_met));
        out.push((format!("criteria.{}.recognised", s.set_code), s.recognised));
        if let Some(m) = s.met_of_single {
            out.push((format!("criteria.{}.met", s.set_code), m));
        }
    }
    for row in &r.sub_units {
        let key = format!("sub_units.{}", row.unit.code);
        out.push((format!("{key}.members"), row.members));
        tally(&mut out, &format!("{key}.study"), &row.study);
        out.push((format!("{key}.cell_meetings"), row.cell_meetings));
        reg(
            &mut out,
            &format!("{key}.registrations"),
            &row.registrations,
        );
        out.push((format!("{key}.models"), row.models));
        out.push((format!("{key}.commendations"), row.commendations));
    }
    out
}

/// A figure that changed since the report was frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureDiff {
    pub key: String,
    /// `None` when the figure did not exist on one side (a new sub-unit, a new year).
    pub frozen: Option<i64>,
    pub now: Option<i64>,
}

/// The figures that differ between a frozen report and the same report computed now, in the frozen
/// report's order, then the new ones.
pub fn differences(frozen: &PeriodReport, now: &PeriodReport) -> Vec<FigureDiff> {
    let a = flat_figures(frozen);
    let b = flat_figures(now);
    let b_map: BTreeMap<&str, i64> = b.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let a_map: BTreeMap<&str, i64> = a.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut out = Vec::new();
    for (k, v) in &a {
        match b_map.get(k.as_str()) {
            Some(n) if n == v => {}
            n => out.push(FigureDiff {
                key: k.clone(),
                frozen: Some(*v),
                now: n.copied(),
            }),
        }
    }
    for (k, v) in &b {
        if !a_map.contains_key(k.as_str()) {
            out.push(FigureDiff {
                key: k.clone(),
                frozen: None,
                now: Some(*v),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn periods() {
        assert_eq!(check_period(d(2016, 6, 21), d(2020, 5, 20)), Ok(()));
        assert_eq!(
            check_period(d(2020, 1, 2), d(2020, 1, 1)),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            check_period(d(2000, 1, 1), d(2020, 1, 1)),
            Err(PeriodError::TooLong)
        );
        assert_eq!(
            years_of(d(2016, 6, 21), d(2020, 5, 20)),
            vec![2016, 2017, 2018, 2019, 2020]
        );
    }

    #[test]
    fn sign_off_steps() {
        use ReportAction as A;
        use ReportStatus as S;
        assert_eq!(transition(S::Draft, A::Submit, true, ""), Ok(S::Submitted));
        assert_eq!(
            transition(S::Submitted, A::Return, true, ""),
            Err(TransitionError::CommentRequired)
        );
        assert_eq!(
            transition(S::Submitted, A::Return, true, "Bổ sung số liệu"),
            Ok(S::Returned)
        );
        assert_eq!(
            transition(S::Returned, A::Submit, true, ""),
            Ok(S::Submitted)
        );
        assert_eq!(
            transition(S::Submitted, A::Accept, true, ""),
            Ok(S::Accepted)
        );
        assert_eq!(
            transition(S::Accepted, A::Submit, true, ""),
            Err(TransitionError::WrongState)
        );
        assert_eq!(
            transition(S::Draft, A::Accept, true, ""),
            Err(TransitionError::WrongState)
        );
        assert_eq!(
            transition(S::Draft, A::Issue, true, ""),
            Err(TransitionError::WrongKind)
        );
        assert_eq!(transition(S::Draft, A::Issue, false, ""), Ok(S::Issued));
        assert_eq!(
            transition(S::Issued, A::Issue, false, ""),
            Err(TransitionError::WrongState)
        );
        assert_eq!(
            transition(S::Draft, A::Submit, false, ""),
            Err(TransitionError::WrongKind)
        );
    }

    #[test]
    fn completeness_counts() {
        let unit = |id| ReportUnit {
            id,
            code: format!("U{id}"),
            name: format!("Đơn vị {id}"),
            unit_type: UnitType::GrassrootsCommittee,
        };
        let r = |id, status, submitted_on| SubReportStatus {
            report_id: id,
            unit: unit(id),
            status,
            submitted_on,
            on_time: None,
            returns: 0,
        };
        let due = d(2020, 5, 10);
        let rows = vec![
            r(1, ReportStatus::Accepted, Some(d(2020, 5, 9))),
            r(2, ReportStatus::Returned, Some(d(2020, 5, 11))),
            r(3, ReportStatus::Draft, None),
        ];
        let c = completeness(&rows, due, d(2020, 5, 12));
        assert_eq!(
            c,
            Completeness {
                expected: 3,
                submitted: 2,
                on_time: 1,
                late: 1,
                returned: 1,
                accepted: 1,
                missing: 1,
                overdue: 1,
            }
        );
        assert_eq!(completeness(&rows, due, due).overdue, 0);
    }
}
