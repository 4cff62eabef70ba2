//! Core types of the organisation: units, members, accounts.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Kind of unit in the organisation tree (docs/DOMAIN.md § Units and members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitType {
    /// Đảng bộ (a committee with subordinate organisations, e.g. Thành ủy).
    PartyCommittee,
    /// Đảng bộ cơ sở.
    GrassrootsCommittee,
    /// Chi bộ cơ sở.
    GrassrootsCell,
    /// Chi bộ (trực thuộc).
    Cell,
    /// Mặt trận.
    Front,
    /// Đoàn thể.
    MassOrganisation,
    /// Tổ dân vận.
    MassMobilisationTeam,
    /// Khối vận.
    MassMobilisationBloc,
}

impl UnitType {
    pub const ALL: [UnitType; 8] = [
        UnitType::PartyCommittee,
        UnitType::GrassrootsCommittee,
        UnitType::GrassrootsCell,
        UnitType::Cell,
        UnitType::Front,
        UnitType::MassOrganisation,
        UnitType::MassMobilisationTeam,
        UnitType::MassMobilisationBloc,
    ];

    /// Stable identifier stored in the database and used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            UnitType::PartyCommittee => "party_committee",
            UnitType::GrassrootsCommittee => "grassroots_committee",
            UnitType::GrassrootsCell => "grassroots_cell",
            UnitType::Cell => "cell",
            UnitType::Front => "front",
            UnitType::MassOrganisation => "mass_organisation",
            UnitType::MassMobilisationTeam => "mass_mobilisation_team",
            UnitType::MassMobilisationBloc => "mass_mobilisation_bloc",
        }
    }

    /// Party cells hold the monthly cell meeting (sinh hoạt chi bộ) and set its topic.
    pub fn holds_cell_meetings(self) -> bool {
        matches!(self, UnitType::Cell | UnitType::GrassrootsCell)
    }

    /// The Vietnamese label used in the UI, imports and exports.
    pub fn label(self) -> &'static str {
        match self {
            UnitType::PartyCommittee => "Đảng bộ",
            UnitType::GrassrootsCommittee => "Đảng bộ cơ sở",
            UnitType::GrassrootsCell => "Chi bộ cơ sở",
            UnitType::Cell => "Chi bộ",
            UnitType::Front => "Mặt trận",
            UnitType::MassOrganisation => "Đoàn thể",
            UnitType::MassMobilisationTeam => "Tổ dân vận",
            UnitType::MassMobilisationBloc => "Khối vận",
        }
    }

    /// Parses the stable identifier or the Vietnamese label (diacritics and case ignored).
    pub fn parse(s: &str) -> Option<UnitType> {
        let folded = crate::text::fold(s);
        UnitType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim() || crate::text::fold(t.label()) == folded)
    }

    /// Whether the unit is a party organisation (members belong only to these).
    pub fn is_party(self) -> bool {
        matches!(
            self,
            UnitType::PartyCommittee
                | UnitType::GrassrootsCommittee
                | UnitType::GrassrootsCell
                | UnitType::Cell
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "Nam",
            Gender::Female => "Nữ",
        }
    }
    /// Accepts "Nam"/"Nữ" (any case, with or without diacritics) and "male"/"female".
    pub fn parse(s: &str) -> Option<Gender> {
        match crate::text::fold(s).as_str() {
            "nam" | "male" | "m" => Some(Gender::Male),
            "nu" | "female" | "f" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A member's status (docs/DOMAIN.md § Units and members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Active,
    Exempt,
    TransferredOut,
    Deceased,
    Expelled,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 5] = [
        MemberStatus::Active,
        MemberStatus::Exempt,
        MemberStatus::TransferredOut,
        MemberStatus::Deceased,
        MemberStatus::Expelled,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Exempt => "exempt",
            MemberStatus::TransferredOut => "transferred_out",
            MemberStatus::Deceased => "deceased",
            MemberStatus::Expelled => "expelled",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Active => "Đang sinh hoạt",
            MemberStatus::Exempt => "Miễn sinh hoạt",
            MemberStatus::TransferredOut => "Đã chuyển đi",
            MemberStatus::Deceased => "Từ trần",
            MemberStatus::Expelled => "Khai trừ",
        }
    }
    pub fn parse(s: &str) -> Option<MemberStatus> {
        MemberStatus::ALL
            .into_iter()
            .find(|v| v.as_str() == s.trim())
    }
}

/// Account roles, each granted over a unit subtree (docs/DOMAIN.md § Roles and scope).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Inspector,
    Secretary,
    Office,
    Admin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Office,
        Role::Secretary,
        Role::Inspector,
        Role::Member,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Secretary => "secretary",
            Role::Inspector => "inspector",
            Role::Member => "member",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Quản trị hệ thống",
            Role::Office => "Văn phòng cấp ủy",
            Role::Secretary => "Bí thư",
            Role::Inspector => "Ủy ban kiểm tra",
            Role::Member => "Đảng viên",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }
}

/// What a position title implies: key-cadre and head flags are derived from positions
/// (docs/DOMAIN.md § Units and members).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PositionFlags {
    /// Người đứng đầu.
    pub head: bool,
    /// Cán bộ chủ chốt.
    pub key_cadre: bool,
}

/// Derives the head / key-cadre flags from a position title such as "Bí thư Chi bộ" or
/// "Phó Chủ tịch UBND phường". Deputies are key cadres but not heads.
pub fn position_flags(title: &str) -> PositionFlags {
    let t = crate::text::fold(title);
    let deputy = t.starts_with("pho ");
    let head_titles = [
        "bi thu",
        "chu tich",
        "truong ban",
        "truong phong",
        "giam doc",
        "chu nhiem",
        "thu truong",
        "truong khu pho",
        "truong ap",
        "truong cong an",
        "chi huy truong",
    ];
    let core = if deputy { &t[4..] } else { t.as_str() };
    let is_head_title = head_titles.iter().any(|h| core.starts_with(h));
    let key_extra = ["uy vien ban thuong vu", "thuong truc", "chanh van phong"];
    let head = is_head_title && !deputy;
    let key_cadre = is_head_title || key_extra.iter().any(|k| core.starts_with(k));
    PositionFlags { head, key_cadre }
}

/// A unit of the organisation tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unit {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub parent_id: Option<i64>,
    /// Materialised path of ids, e.g. "/1/5/23/": the subtree of a unit is every unit whose path starts
    /// with its path.
    pub path: String,
    pub depth: i64,
    pub sort_order: i64,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

impl Unit {
    /// A unit is open on `date` when `valid_from <= date < valid_to`.
    pub fn is_open_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= date) && self.valid_to.is_none_or(|t| date < t)
    }
}

/// A position held by a member.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub title: String,
    pub duties: String,
    pub head: bool,
    pub key_cadre: bool,
}

impl Position {
    pub fn new(title: &str, duties: &str) -> Position {
        let flags = position_flags(title);
        Position {
            title: title.trim().to_string(),
            duties: duties.trim().to_string(),
            head: flags.head,
            key_cadre: flags.key_cadre,
        }
    }
}

/// A party member as stored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Member {
    pub id: i64,
    pub full_name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub card_number: Option<String>,
    pub citizen_id: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub official_on: Option<NaiveDate>,
    pub phone: Option<String>,
    pub status: MemberStatus,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub positions: Vec<Position>,
    pub head: bool,
    pub key_cadre: bool,
}

impl Member {
    /// Đảng viên dự bị: not yet made official.
    pub fn is_probationary(&self) -> bool {
        self.official_on.is_none()
    }
}

/// Checks the dates of a member record; returns Vietnamese messages keyed by field.
pub fn validate_member_dates(
    birth_date: Option<NaiveDate>,
    joined_on: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Vec<(&'static str, String)> {
    let mut errors = Vec::new();
    let fmt = crate::text::format_date;
    if let Some(b) = birth_date {
        if b > today {
            errors.push(("birth_date", "Ngày sinh không được ở tương lai".to_string()));
        }
    }
    if let Some(j) = joined_on {
        if j > today {
            errors.push((
                "joined_on",
                "Ngày vào Đảng không được ở tương lai".to_string(),
            ));
        }
        if let Some(b) = birth_date {
            if j < b + chrono::Months::new(12 * 18) {
                errors.push((
                    "joined_on",
                    format!(
                        "Ngày vào Đảng ({}) phải sau ngày đủ 18 tuổi (sinh {})",
                        fmt(j),
                        fmt(b)
                    ),
                ));
            }
        }
    }
    if let Some(o) = official_on {
        match joined_on {
            None => errors.push((
                "official_on",
                "Có ngày chính thức nhưng thiếu ngày vào Đảng".to_string(),
            )),
            Some(j) if o < j => errors.push((
                "official_on",
                format!(
                    "Ngày chính thức ({}) không được trước ngày vào Đảng ({})",
                    fmt(o),
                    fmt(j)
                ),
            )),
            _ => {}
        }
        if o > today {
            errors.push((
                "official_on",
                "Ngày chính thức không được ở tương lai".to_string(),
            ));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_flags_follow_titles() {
        assert_eq!(
            position_flags("Bí thư Chi bộ"),
            PositionFlags {
                head: true,
                key_cadre: true
            }
        );
        assert_eq!(
            position_flags("Phó Bí thư Thường trực Thành ủy"),
            PositionFlags {
                head: false,
                key_cadre: true
            }
        );
        assert_eq!(
            position_flags("Chủ tịch UBND phường"),
            PositionFlags {
                head: true,
                key_cadre: true
            }
        );
        assert_eq!(position_flags("Đảng viên"), PositionFlags::default());
        assert_eq!(position_flags("Chi ủy viên"), PositionFlags::default());
    }

    #[test]
    fn unit_type_parses_labels_without_diacritics() {
        assert_eq!(
            UnitType::parse("Đảng bộ cơ sở"),
            Some(UnitType::GrassrootsCommittee)
        );
        assert_eq!(
            UnitType::parse("dang bo co so"),
            Some(UnitType::GrassrootsCommittee)
        );
        assert_eq!(UnitType::parse("CHI BỘ"), Some(UnitType::Cell));
        assert_eq!(
            UnitType::parse("Tổ dân vận"),
            Some(UnitType::MassMobilisationTeam)
        );
        assert_eq!(UnitType::parse("cell"), Some(UnitType::Cell));
        assert_eq!(UnitType::parse("xyz"), None);
    }

    #[test]
    fn official_before_joined_is_refused() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd);
        let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        let errs = validate_member_dates(d(1980, 1, 1), d(2010, 5, 1), d(2009, 5, 1), today);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].0, "official_on");
        assert!(
            validate_member_dates(d(1980, 1, 1), d(2010, 5, 1), d(2011, 5, 1), today).is_empty()
        );
    }
}

/// The source of "now": injected so that tests control time.
pub trait Clock: Send + Sync {
    fn now(&self) -> chrono::DateTime<chrono::Utc>;
    /// Today's date in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).
    fn today(&self) -> NaiveDate {
        (self.now() + chrono::Duration::hours(7)).date_naive()
    }
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    // The one place that reads the system time; everything else takes a `Clock` (clippy.toml forbids
    // `Utc::now`/`Local::now` elsewhere).
    #[allow(clippy::disallowed_methods)]
    fn now(&self) -> chrono::DateTime<chrono::Utc> {
        chrono::Utc::now()
    }
}

/// Checks a party card number: 6–12 digits, leading zeros kept.
pub fn check_card_number(s: &str) -> Result<String, String> {
    let s = s.trim();
    if s.len() < 6 || s.len() > 12 || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err(format!("Số thẻ đảng viên \"{s}\" phải gồm 6–12 chữ số"));
    }
    Ok(s.to_string())
}

const LOST_ZERO_HINT: &str =
    "có thể Excel đã bỏ số 0 ở đầu; hãy định dạng cột là Văn bản (Text) rồi nhập lại";

/// Citizen ID: spaces and dots ignored, then 12 digits (CCCD) or 9 (old CMND).
pub fn normalize_citizen_id(text: &str) -> Result<String, String> {
    let compact: String = text.chars().filter(|c| *c != ' ' && *c != '.').collect();
    if !compact.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("Số CCCD chỉ được gồm chữ số: \"{text}\""));
    }
    match compact.len() {
        12 | 9 => Ok(compact),
        11 => Err(format!(
            "Số CCCD phải có 12 chữ số (hoặc 9 với CMND cũ), nhận được 11 chữ số: \"{text}\" ({LOST_ZERO_HINT})"
        )),
        n => Err(format!(
            "Số CCCD phải có 12 chữ số (hoặc 9 với CMND cũ), nhận được {n} chữ số: \"{text}\""
        )),
    }
}

/// Phone: spaces, dots, dashes and parentheses ignored; "+84"/"0084" becomes "0"; then 10–11 digits
/// starting with 0.
pub fn normalize_phone(text: &str) -> Result<String, String> {
    let mut digits = String::with_capacity(text.len());
    let mut plus = false;
    for c in text.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '(' | ')' => {}
            '+' if digits.is_empty() && !plus => plus = true,
            _ => {
                return Err(format!(
                "Số điện thoại chỉ được gồm chữ số (có thể có dấu cách, dấu chấm, +84): \"{text}\""
            ))
            }
        }
    }
    if plus {
        match digits.strip_prefix("84") {
            Some(rest) => digits = format!("0{rest}"),
            None => return Err(format!("Chỉ nhận số điện thoại Việt Nam (+84): \"{text}\"")),
        }
    } else if let Some(rest) = digits.strip_prefix("0084") {
        digits = format!("0{rest}");
    }
    if !digits.starts_with('0') {
        if digits.len() == 9 || digits.len() == 10 {
            return Err(format!(
                "Số điện thoại phải bắt đầu bằng 0 hoặc +84: \"{text}\" ({LOST_ZERO_HINT})"
            ));
        }
        return Err(format!(
            "Số điện thoại phải bắt đầu bằng 0 hoặc +84: \"{text}\""
        ));
    }
    if !(10..=11).contains(&digits.len()) {
        return Err(format!(
            "Số điện thoại phải có 10–11 chữ số, nhận được {} chữ số: \"{text}\"",
            digits.len()
        ));
    }
    Ok(digits)
}
