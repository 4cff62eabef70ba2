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
    /// Đảng bộ bộ phận: a committee inside a đảng bộ cơ sở with cells under it (not itself grassroots).
    PartialCommittee,
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
    pub const ALL: [UnitType; 9] = [
        UnitType::PartyCommittee,
        UnitType::GrassrootsCommittee,
        UnitType::GrassrootsCell,
        UnitType::PartialCommittee,
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
            UnitType::PartialCommittee => "partial_committee",
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
            UnitType::PartialCommittee => "Đảng bộ bộ phận",
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
                | UnitType::PartialCommittee
                | UnitType::Cell
        )
    }

    /// The grassroots party organisation (tổ chức cơ sở đảng): đảng bộ cơ sở or chi bộ cơ sở (Điều lệ Đảng,
    /// art. 21). The 20 % rule of the rating and the default scope of the copy check apply within one.
    pub fn is_grassroots_org(self) -> bool {
        matches!(
            self,
            UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
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

/// A member's status (docs/DOMAIN.md § Units and members). Active and exempt members are current
/// members; the others have left the party organisation and are kept with their history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    Active,
    Exempt,
    TransferredOut,
    Deceased,
    Expelled,
    /// Xin ra khỏi Đảng: left at their own request (Điều lệ Đảng, art. 8).
    Withdrawn,
    /// Xóa tên: struck off the list (Điều lệ Đảng, art. 8: bỏ sinh hoạt or not paying dues three months of
    /// a year without good reason, or lost the will to strive).
    StruckOff,
}

impl MemberStatus {
    pub const ALL: [MemberStatus; 7] = [
        MemberStatus::Active,
        MemberStatus::Exempt,
        MemberStatus::TransferredOut,
        MemberStatus::Deceased,
        MemberStatus::Expelled,
        MemberStatus::Withdrawn,
        MemberStatus::StruckOff,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Active => "active",
            MemberStatus::Exempt => "exempt",
            MemberStatus::TransferredOut => "transferred_out",
            MemberStatus::Deceased => "deceased",
            MemberStatus::Expelled => "expelled",
            MemberStatus::Withdrawn => "withdrawn",
            MemberStatus::StruckOff => "struck_off",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MemberStatus::Active => "Đang sinh hoạt",
            MemberStatus::Exempt => "Miễn sinh hoạt",
            MemberStatus::TransferredOut => "Đã chuyển đi",
            MemberStatus::Deceased => "Từ trần",
            MemberStatus::Expelled => "Khai trừ",
            MemberStatus::Withdrawn => "Xin ra khỏi Đảng",
            MemberStatus::StruckOff => "Xóa tên",
        }
    }
    /// Still a member of the organisation (active or exempt from activities): listed, counted in
    /// unit totals, exported. The store's SQL lists these statuses as `m.status IN ('active', 'exempt')`.
    pub fn is_current(self) -> bool {
        match self {
            MemberStatus::Active | MemberStatus::Exempt => true,
            MemberStatus::TransferredOut
            | MemberStatus::Deceased
            | MemberStatus::Expelled
            | MemberStatus::Withdrawn
            | MemberStatus::StruckOff => false,
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
/// (docs/DOMAIN.md § Positions).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct PositionFlags {
    /// Người đứng đầu.
    pub head: bool,
    /// Cán bộ chủ chốt.
    pub key_cadre: bool,
}

/// The head / key-cadre flags of a title read alone (no unit tree, the default key-cadre list): "Bí thư Chi
/// bộ" is a head and a key cadre, "Bí thư Chi đoàn" neither, "Phó Bí thư Thường trực Thành ủy" a key cadre.
/// Where the member's unit is known, use [`Position::classify`].
pub fn position_flags(title: &str) -> PositionFlags {
    let p = Position::classify(title, "", &[], &crate::position::KeyCadres::default());
    PositionFlags {
        head: p.head,
        key_cadre: p.key_cadre,
    }
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

/// A position held by a member: the title as written and what it is understood to be (docs/DOMAIN.md §
/// Positions).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Position {
    pub title: String,
    pub duties: String,
    /// Người đứng đầu (derived: the bí thư of a party unit).
    pub head: bool,
    /// Cán bộ chủ chốt (derived: `KeyCadres`).
    pub key_cadre: bool,
    pub post: crate::position::Post,
    pub body: crate::position::Body,
    /// The unit of the tree the post is held in, when its body is one.
    pub unit_id: Option<i64>,
    /// That unit's name, for display ("Bí thư — Chi bộ Khu phố 1").
    pub unit_name: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl Position {
    /// What the title is understood to be, for display: "Bí thư — Chi bộ Khu phố 1", "Chủ tịch — Chính quyền",
    /// "Chưa xác định".
    pub fn understood(&self) -> String {
        use crate::position::Post;
        if self.post == Post::Unknown {
            return Post::Unknown.label().to_string();
        }
        let place = self.unit_name.as_deref().unwrap_or(self.body.label());
        format!("{} — {}", self.post.label(), place)
    }

    /// A title read alone: no unit resolved, the default key-cadre list.
    pub fn new(title: &str, duties: &str) -> Position {
        Position::classify(title, duties, &[], &crate::position::KeyCadres::default())
    }

    /// A title read against the member's unit chain (root first, ending with the member's unit).
    pub fn classify(
        title: &str,
        duties: &str,
        chain: &[crate::position::UnitRefWithName],
        key_cadres: &crate::position::KeyCadres,
    ) -> Position {
        use crate::position::{is_head, parse_title, resolve_unit};
        let title = title.trim();
        let parsed = parse_title(title);
        let unit_id = resolve_unit(&parsed, chain);
        let unit = unit_id.and_then(|id| chain.iter().find(|u| u.unit.id == id));
        Position {
            title: title.to_string(),
            duties: duties.trim().to_string(),
            head: is_head(parsed.post, parsed.body),
            key_cadre: key_cadres.is_key_cadre(&parsed, unit.map(|u| u.unit.unit_type), title),
            post: parsed.post,
            body: parsed.body,
            unit_id,
            unit_name: unit.map(|u| u.name.clone()),
            from: None,
            to: None,
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

/// Checks the dates of a member record; returns Vietnamese messages keyed by field. No date in the
/// future; joined on or after the 18th birthday ([`crate::member::adult_on`]); official only with a
/// joining date and not before the end of the 12-month probation
/// ([`crate::member::earliest_official_on`]). Every form, the API and both import paths use this one
/// rule (docs/DOMAIN.md § Units and members).
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
        // Điều lệ Đảng, art. 1: from the day the person is 18 years old, that day included.
        if let Some(adult) = birth_date.and_then(crate::member::adult_on) {
            if j < adult {
                errors.push((
                    "joined_on",
                    format!(
                        "Ngày vào Đảng ({}) phải từ ngày đủ 18 tuổi ({}) trở đi",
                        fmt(j),
                        fmt(adult)
                    ),
                ));
            }
        }
    }
    if let Some(o) = official_on {
        match joined_on {
            None => errors.push((
                "official_on",
                format!("Có ngày chính thức ({}) nhưng thiếu ngày vào Đảng", fmt(o)),
            )),
            Some(j) if o < j => errors.push((
                "official_on",
                format!(
                    "Ngày chính thức ({}) không được trước ngày vào Đảng ({})",
                    fmt(o),
                    fmt(j)
                ),
            )),
            // Điều lệ Đảng, art. 5: official only after the 12-month probation.
            Some(j) => {
                if let Some(earliest) = crate::member::earliest_official_on(j) {
                    if o < earliest {
                        errors.push((
                            "official_on",
                            format!(
                                "Ngày chính thức ({}) phải sau ngày vào Đảng ({}) ít nhất {} tháng \
                                 (thời kỳ dự bị): sớm nhất là {}",
                                fmt(o),
                                fmt(j),
                                crate::member::PROBATION_MONTHS,
                                fmt(earliest)
                            ),
                        ));
                    }
                }
            }
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
                head: false,
                key_cadre: true
            }
        );
        assert_eq!(position_flags("Bí thư Chi đoàn"), PositionFlags::default());
        assert_eq!(position_flags("Trưởng khu phố 3"), PositionFlags::default());
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
