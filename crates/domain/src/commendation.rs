//! Commendations (khen thưởng, biểu dương) of members and units (docs/DOMAIN.md § Commendations): the
//! kinds and levels, the two steps (a secretary proposes — đề nghị —, the issuing level's office records the
//! decision, or declines) and the checks of what may be recorded. Pure: the store applies these.

use chrono::NaiveDate;
use serde::Serialize;

use crate::model::UnitType;

/// The kind of a commendation.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CommendationKind {
    /// Biểu dương (a praise at a conference or in a notice).
    Praise,
    /// Giấy khen.
    Certificate,
    /// Bằng khen.
    Merit,
    /// Cờ thi đua.
    EmulationFlag,
    /// Danh hiệu (e.g. "Chi bộ trong sạch vững mạnh", "Đảng viên hoàn thành xuất sắc nhiệm vụ"): the title
    /// itself is the commendation's label.
    Title,
    /// Another form, named by its label.
    Other,
}

impl CommendationKind {
    pub const ALL: [CommendationKind; 6] = [
        CommendationKind::Praise,
        CommendationKind::Certificate,
        CommendationKind::Merit,
        CommendationKind::EmulationFlag,
        CommendationKind::Title,
        CommendationKind::Other,
    ];

    /// Stable identifier stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            CommendationKind::Praise => "praise",
            CommendationKind::Certificate => "certificate",
            CommendationKind::Merit => "merit",
            CommendationKind::EmulationFlag => "emulation_flag",
            CommendationKind::Title => "title",
            CommendationKind::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommendationKind::Praise => "Biểu dương",
            CommendationKind::Certificate => "Giấy khen",
            CommendationKind::Merit => "Bằng khen",
            CommendationKind::EmulationFlag => "Cờ thi đua",
            CommendationKind::Title => "Danh hiệu",
            CommendationKind::Other => "Hình thức khác",
        }
    }

    /// Whether the kind needs a label of its own (the title's name, or what the other form is).
    pub fn needs_label(self) -> bool {
        matches!(self, CommendationKind::Title | CommendationKind::Other)
    }

    /// Accepts the identifier or the Vietnamese label (case and diacritics ignored).
    pub fn parse(s: &str) -> Option<CommendationKind> {
        let folded = crate::text::fold(s);
        CommendationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim() || crate::text::fold(k.label()) == folded)
    }
}

/// The level that issued a commendation. Defaults to the level of the issuing unit's type
/// ([`CommendationLevel::of_unit_type`]); a clerk records a higher one when the decision came from outside
/// the tree (a provincial bằng khen recorded by the city's office).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum CommendationLevel {
    /// Trung ương.
    Central,
    /// Cấp tỉnh.
    Province,
    /// Cấp huyện, thành phố thuộc tỉnh.
    District,
    /// Cấp cơ sở (đảng bộ, chi bộ cơ sở).
    Grassroots,
    /// Chi bộ, đảng bộ bộ phận.
    Cell,
}

impl CommendationLevel {
    pub const ALL: [CommendationLevel; 5] = [
        CommendationLevel::Central,
        CommendationLevel::Province,
        CommendationLevel::District,
        CommendationLevel::Grassroots,
        CommendationLevel::Cell,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CommendationLevel::Central => "central",
            CommendationLevel::Province => "province",
            CommendationLevel::District => "district",
            CommendationLevel::Grassroots => "grassroots",
            CommendationLevel::Cell => "cell",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommendationLevel::Central => "Trung ương",
            CommendationLevel::Province => "Cấp tỉnh",
            CommendationLevel::District => "Cấp huyện, thành phố",
            CommendationLevel::Grassroots => "Cấp cơ sở",
            CommendationLevel::Cell => "Chi bộ, đảng bộ bộ phận",
        }
    }

    pub fn parse(s: &str) -> Option<CommendationLevel> {
        let folded = crate::text::fold(s);
        CommendationLevel::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim() || crate::text::fold(k.label()) == folded)
    }

    /// The level of a unit of this type issuing a decision: a party committee above the grassroots is the
    /// district level (the city committee of a city deployment), a grassroots organisation the grassroots
    /// level, a cell or đảng bộ bộ phận its own level; mass organisations and the front issue at the
    /// grassroots level.
    pub fn of_unit_type(t: UnitType) -> CommendationLevel {
        match t {
            UnitType::PartyCommittee => CommendationLevel::District,
            UnitType::GrassrootsCommittee | UnitType::GrassrootsCell => {
                CommendationLevel::Grassroots
            }
            UnitType::PartialCommittee | UnitType::Cell => CommendationLevel::Cell,
            UnitType::Front
            | UnitType::MassOrganisation
            | UnitType::MassMobilisationTeam
            | UnitType::MassMobilisationBloc => CommendationLevel::Grassroots,
        }
    }

    /// Whether a unit of type `t` may record a decision of this level: its own level, and for a committee
    /// above the grassroots also the higher ones (the office of a city records the provincial and central
    /// decisions about its people); a cell or ward never records a city's decision.
    pub fn may_be_recorded_by(self, t: UnitType) -> bool {
        let own = CommendationLevel::of_unit_type(t);
        self == own || (own == CommendationLevel::District && self < own)
    }
}

/// Where a commendation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CommendationState {
    /// Đề nghị: proposed, no decision yet.
    Proposed,
    /// Đã quyết định: the decision is recorded.
    Decided,
    /// Không được chấp thuận: the issuing level declined the proposal.
    Declined,
}

impl CommendationState {
    pub fn as_str(self) -> &'static str {
        match self {
            CommendationState::Proposed => "proposed",
            CommendationState::Decided => "decided",
            CommendationState::Declined => "declined",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CommendationState::Proposed => "Đề nghị, chưa quyết định",
            CommendationState::Decided => "Đã quyết định",
            CommendationState::Declined => "Không được chấp thuận",
        }
    }

    pub fn parse(s: &str) -> Option<CommendationState> {
        [
            CommendationState::Proposed,
            CommendationState::Decided,
            CommendationState::Declined,
        ]
        .into_iter()
        .find(|k| k.as_str() == s.trim())
    }
}

/// A refusal of a commendation's fields: the field and the Vietnamese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: &'static str,
    pub message: String,
}

fn refuse(out: &mut Vec<Refusal>, field: &'static str, message: impl Into<String>) {
    out.push(Refusal {
        field,
        message: message.into(),
    });
}

/// What the rules look at in a commendation being recorded or proposed.
#[derive(Debug, Clone)]
pub struct CommendationFields<'a> {
    pub kind: CommendationKind,
    pub label: &'a str,
    pub level: CommendationLevel,
    /// The type of the issuing unit.
    pub issuer_type: UnitType,
    pub reason: &'a str,
    /// The decision: number and day (both or neither; neither = a proposal).
    pub decision_number: &'a str,
    pub decided_on: Option<NaiveDate>,
    pub member_recipients: usize,
    pub unit_recipients: usize,
    /// Today, in the campaign's time zone: a decision is never dated in the future.
    pub today: NaiveDate,
}

/// Most recipients one decision may name (a city's year-end decision names a few hundred).
pub const MAX_RECIPIENTS: usize = 2000;

/// The checks of a commendation (all refusals at once): a label for titles and other forms; a reason; at
/// least one recipient and at most [`MAX_RECIPIENTS`]; a decision number and day together, the day not in
/// the future; a level the issuing unit may record.
pub fn check(f: &CommendationFields<'_>) -> Vec<Refusal> {
    let mut out = Vec::new();
    if f.kind.needs_label() && f.label.trim().is_empty() {
        refuse(
            &mut out,
            "label",
            match f.kind {
                CommendationKind::Title => {
                    "Ghi tên danh hiệu (ví dụ \"Chi bộ trong sạch vững mạnh\")"
                }
                _ => "Ghi tên hình thức khen thưởng",
            },
        );
    }
    if f.reason.trim().is_empty() {
        refuse(&mut out, "reason", "Ghi thành tích, lý do khen thưởng");
    }
    let n = f.member_recipients + f.unit_recipients;
    if n == 0 {
        refuse(
            &mut out,
            "recipients",
            "Chọn ít nhất một đảng viên hoặc một tập thể được khen thưởng",
        );
    } else if n > MAX_RECIPIENTS {
        refuse(
            &mut out,
            "recipients",
            format!("Một quyết định khen thưởng tối đa {MAX_RECIPIENTS} người và tập thể"),
        );
    }
    let has_number = !f.decision_number.trim().is_empty();
    match (has_number, f.decided_on) {
        (true, None) => refuse(&mut out, "decided_on", "Ghi ngày ký quyết định"),
        (false, Some(_)) => refuse(&mut out, "decision_number", "Ghi số quyết định"),
        _ => {}
    }
    if let Some(d) = f.decided_on {
        if d > f.today {
            refuse(
                &mut out,
                "decided_on",
                "Ngày quyết định không được sau ngày hôm nay",
            );
        }
    }
    if !f.level.may_be_recorded_by(f.issuer_type) {
        refuse(
            &mut out,
            "level",
            format!(
                "Đơn vị ban hành thuộc {} nên không ghi được quyết định {}",
                CommendationLevel::of_unit_type(f.issuer_type)
                    .label()
                    .to_lowercase(),
                f.level.label().to_lowercase()
            ),
        );
    }
    out
}

/// The checks of a decision recorded on a proposal: number and day, the day not in the future nor before
/// the proposal was made.
pub fn check_decision(
    decision_number: &str,
    decided_on: Option<NaiveDate>,
    proposed_on: NaiveDate,
    today: NaiveDate,
) -> Vec<Refusal> {
    let mut out = Vec::new();
    if decision_number.trim().is_empty() {
        refuse(&mut out, "decision_number", "Ghi số quyết định");
    }
    match decided_on {
        None => refuse(&mut out, "decided_on", "Ghi ngày ký quyết định"),
        Some(d) if d > today => refuse(
            &mut out,
            "decided_on",
            "Ngày quyết định không được sau ngày hôm nay",
        ),
        Some(d) if d < proposed_on => refuse(
            &mut out,
            "decided_on",
            format!(
                "Ngày quyết định không được trước ngày đề nghị ({})",
                crate::text::format_date(proposed_on)
            ),
        ),
        _ => {}
    }
    out
}

/// The heading a commendation is shown under: the title's or other form's label when it has one, else the
/// kind ("Giấy khen", "Danh hiệu Chi bộ trong sạch vững mạnh").
pub fn heading(kind: CommendationKind, label: &str) -> String {
    let label = label.trim();
    match kind {
        CommendationKind::Title if !label.is_empty() => format!("Danh hiệu {label}"),
        _ if !label.is_empty() => label.to_string(),
        _ => kind.label().to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn fields() -> CommendationFields<'static> {
        CommendationFields {
            kind: CommendationKind::Certificate,
            label: "",
            level: CommendationLevel::District,
            issuer_type: UnitType::PartyCommittee,
            reason: "Có thành tích xuất sắc trong học tập và làm theo",
            decision_number: "125-QĐ/TU",
            decided_on: Some(d(2019, 5, 19)),
            member_recipients: 3,
            unit_recipients: 1,
            today: d(2020, 5, 20),
        }
    }

    #[test]
    fn a_complete_decision_passes() {
        assert!(check(&fields()).is_empty());
    }

    #[test]
    fn a_proposal_has_neither_number_nor_day() {
        let mut f = fields();
        f.decision_number = "";
        f.decided_on = None;
        assert!(check(&f).is_empty());
        f.decided_on = Some(d(2019, 5, 19));
        assert_eq!(check(&f)[0].field, "decision_number");
    }

    #[test]
    fn titles_need_their_name_and_everything_needs_a_recipient() {
        let mut f = fields();
        f.kind = CommendationKind::Title;
        f.member_recipients = 0;
        f.unit_recipients = 0;
        let fields: Vec<_> = check(&f).into_iter().map(|r| r.field).collect();
        assert_eq!(fields, ["label", "recipients"]);
    }

    #[test]
    fn a_cell_cannot_record_a_city_decision_but_a_city_records_a_province_one() {
        let mut f = fields();
        f.issuer_type = UnitType::Cell;
        assert_eq!(check(&f)[0].field, "level");
        f.issuer_type = UnitType::PartyCommittee;
        f.level = CommendationLevel::Province;
        assert!(check(&f).is_empty());
    }

    #[test]
    fn no_decision_in_the_future_or_before_its_proposal() {
        let mut f = fields();
        f.decided_on = Some(d(2021, 1, 1));
        assert_eq!(check(&f)[0].field, "decided_on");
        let r = check_decision("1-QĐ", Some(d(2019, 1, 1)), d(2019, 2, 1), d(2020, 1, 1));
        assert_eq!(r[0].field, "decided_on");
        assert!(
            check_decision("1-QĐ", Some(d(2019, 3, 1)), d(2019, 2, 1), d(2020, 1, 1)).is_empty()
        );
    }

    #[test]
    fn kinds_read_their_names() {
        assert_eq!(
            CommendationKind::parse("bằng khen"),
            Some(CommendationKind::Merit)
        );
        assert_eq!(
            CommendationKind::parse("emulation_flag"),
            Some(CommendationKind::EmulationFlag)
        );
        assert_eq!(
            heading(CommendationKind::Title, "Chi bộ trong sạch vững mạnh"),
            "Danh hiệu Chi bộ trong sạch vững mạnh"
        );
        assert_eq!(heading(CommendationKind::Merit, ""), "Bằng khen");
    }
}
