//! The demo's registrations ("bản đăng ký học tập và làm theo"): every member's registration for 2016–2020
//! with its items, workflow, reviews and annual rating, so that the quality figures of
//! docs/DOMAIN.md § Quality checks come out non-trivial and true. No I/O, no state per member: the
//! registrations of a grassroots unit are computed from its members alone ([`RegistrationPlan::batch`]),
//! and [`registrations`] streams them unit by unit next to the member stream.
//!
//! **Who registers.** A member registers for year Y when on the registration deadline of Y (31/03/Y,
//! `domain::calendar::Calendar::defaults`; 31/08/2016, the city's calendar for 2016:
//! [`Window::calendar_setting`]) they had joined and were active; the registration belongs to the unit
//! they belonged to on that date. Members who joined or moved in during the window
//! submit a few days after that.
//!
//! **Items.** 3–6 commitment items written from a bank of about 170 templates (`bank.rs`) chosen by
//! what the member does: their position titles ("Trưởng khu phố 1", "Chủ tịch UBND Phường 7", "Cảnh
//! sát khu vực" …) and, for everyone, the kind of cell they live or work in (khu phố, ấp, công an,
//! trường học …). Templates have alternative wordings, and most items end with how the member will do
//! it ("phối hợp với Ban điều hành khu phố 3", "tự học vào buổi tối" …), so that two members who pick
//! the same template rarely write the same sentence. Places come from the unit's name ("hẻm 12", "khu
//! phố 3", "ấp Bình Thạnh"); numbers grow over the years; some templates belong to some years only
//! (Tổng điều tra dân số 2019, dịch tả heo châu Phi, chuẩn bị đại hội chi bộ, rác thải nhựa, phòng, chống
//! dịch COVID-19 in 2020). Heads and
//! key cadres add 1–3 "nêu gương" items. The duty is the member's position title or one of
//! `domain::quality::FIELDS`.
//!
//! **Shortcomings, as the seed reports them.** About 9–10 % of items are generic phrases ("Chấp hành
//! tốt chủ trương của Đảng …", flagged vague), more in some cells than in others; about 5 % have no
//! deadline or one in another year, about 5 % a duty that ties to nothing, about 1 % of concrete items
//! no measurable target. In about 7 % of cells a year a group of 3–6 members hand in the same
//! registration with small edits (a number, a reworded item): near-copies that
//! `domain::similarity` clusters at its threshold, while registrations written independently stay far
//! below it.
//!
//! **Calendar and workflow** ([`Window`]). "Trên trước, dưới sau": the heads of party units (the bí thư of a
//! chi bộ, đảng ủy or thành ủy, as `domain::position` reads the title, holding it on the deadline —
//! [`head_on`]; not a "Bí thư Chi đoàn" nor a "Trưởng khu phố") submit first, the other leaders and key
//! cadres next, the members after them. Posts start with the 2015 term, or on 15 January after the member
//! joined or moved into their unit ([`DemoMember::positions_from`]), so a bí thư who arrives during a year
//! registers that year as a member. In a cell holding a committee's posts, the cell's own bí thư hands in on
//! the first day and the committee's heads, who belong to that cell, in the days after. From 2017: heads in the
//! first days of February, members until 31/03 (about 1.5 % in April, late). 2016: the directive is dated
//! 15/05/2016 and the city's plan 43-KH/TU 21/06/2016, so the registrations are written after it: heads
//! from 27/06, members from 18/07 to the end of August (the late ones in September), with no mid-year
//! review; their pledge against the 27 manifestations of Nghị quyết Trung ương 4 khóa XII (30/10/2016) is
//! made at the year-end review ([`DemoRegistration::pledged_at`]). The exceptions are few: each year one
//! cell in fifty (at least one; never the cell holding a committee's own posts) has heads who submit
//! after their members ([`RegistrationPlan::late_head_cells`]), as the unit report shows, and no other cell does. 2016–2019: every registration approved
//! (heads' by the level above), the disclosed ones (heads and key cadres) published a few days later,
//! reviewed at mid-year and year-end and assessed by the cell. 2020, the last year: about 3 % of the undisclosed ones
//! submitted and waiting, about 1.5 % returned with a comment on one item, the rest approved and reviewed
//! (disclosed ones — heads and key cadres — are all approved and published). About 2 % of the
//! approved ones were returned once before.
//!
//! **Results and ratings.** Items are mostly done; generic items are more often "partly" or "not
//! done"; the cell's assessment sometimes is stricter than the self-review. The rating suggested from
//! the assessment (`domain::registration::suggested_rating`) is mostly confirmed; secretaries keep
//! "xuất sắc" within 20 % of "tốt" in most grassroots units (overriding with a reason), except in about
//! a tenth of them, where the warning of `excellent_share_warning` fires; a few other overrides carry
//! their own reasons.
//!
//! **Scale.** City and province: every member. National: only the members of the Bến Tre province
//! subtree ("T83", ~90 000 members, ~450 000 registrations), not the ~21 M registrations of the whole
//! country, to keep the national load within minutes.

mod bank;

use crate::accounts;
use crate::{DemoMember, DemoUnit, Scale};
use bank::{Tpl, Who};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::quality;
use domain::registration::{self as reg, Outcome, Rating, Status};
use domain::{MemberStatus, UnitType};
use std::collections::{HashMap, HashSet};

/// First and last year with registrations.
pub const FIRST_YEAR: i32 = crate::attendance::FIRST_YEAR;
pub const LAST_YEAR: i32 = crate::attendance::LAST_YEAR;

const NONE: u32 = u32::MAX;
const SALT_MEMBER: u64 = 0x7265_675f_6d65_6d31;
const SALT_CELL: u64 = 0x7265_675f_6365_6c31;
const SALT_UNIT: u64 = 0x7265_675f_756e_6931;
const SALT_COPY: u64 = 0x7265_675f_636f_7031;

/// Who entered a registration in the demo when no demo account stands for the person.
pub const DEMO_USER: &str = "demo";

/// A commitment ("học tập và làm theo") or an exemplary-conduct ("nêu gương") item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Commitment,
    Exemplary,
}

/// A self-review or the cell's assessment of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReview {
    pub outcome: Outcome,
    pub note: String,
    /// Year-end self-review only.
    pub evidence: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoItem {
    pub kind: ItemKind,
    pub content: String,
    /// A position title of the member or one of `domain::quality::FIELDS` (or, for a few, nothing
    /// that ties).
    pub duty: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    /// What the member plans to show.
    pub evidence: String,
    /// The secretary's comment when the registration is returned.
    pub return_comment: String,
    pub midyear: Option<DemoReview>,
    pub yearend: Option<DemoReview>,
    pub assessed: Option<DemoReview>,
}

/// A workflow step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoEvent {
    /// "create", "submit", "return", "approve", "publish".
    pub action: &'static str,
    pub from: Option<Status>,
    pub to: Status,
    pub by: String,
    pub at: DateTime<Utc>,
    pub comment: String,
}

/// The member's annual rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRating {
    /// The member's unit when rated (December).
    pub unit_code: String,
    pub suggested: Option<Rating>,
    pub rating: Rating,
    /// Empty when the suggestion is confirmed.
    pub reason: String,
    /// The cell's account that proposed the rating; None when the cell is a chi bộ cơ sở, which decides
    /// in one step (docs/DOMAIN.md § Rating).
    pub proposed_by: Option<String>,
    /// The grassroots committee's account that decided.
    pub rated_by: String,
    pub rated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRegistration {
    /// Position of the member in the member stream.
    pub member_index: u64,
    pub year: i32,
    /// The unit the member belonged to on the deadline (31/03).
    pub unit_code: String,
    /// Head ("người đứng đầu"): the bí thư of a party unit (chi bộ, đảng ủy, thành ủy …), by position title;
    /// not a youth-union "Bí thư Chi đoàn" nor a "Trưởng khu phố".
    pub head: bool,
    /// Heads and key cadres: published after approval.
    pub disclosed: bool,
    pub status: Status,
    pub items: Vec<DemoItem>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// Set while returned.
    pub return_comment: String,
    /// In order.
    pub events: Vec<DemoEvent>,
    pub rating: Option<DemoRating>,
    /// The planted copy group (same value for the registrations of one group), for tests.
    pub copy_group: Option<u64>,
    /// When the pledge against the 27 manifestations of Nghị quyết Trung ương 4 khóa XII (30/10/2016) was
    /// made: with the registration from 2017 on; for 2016, at the year-end review (December 2016). The
    /// store keeps the pledge without a date (every registration carries it).
    pub pledged_at: DateTime<Utc>,
}

/// The date of Nghị quyết Trung ương 4 khóa XII, which lists the 27 manifestations of degradation.
pub fn manifestations_date() -> NaiveDate {
    ymd(2016, 10, 30)
}

/// Whether a member is a head ("người đứng đầu") on `date`: they hold, from [`DemoMember::positions_from`] on,
/// a title `domain::position` reads as the bí thư of a party unit ("Bí thư Chi bộ", "Bí thư Đảng ủy Phường
/// 7", "Bí thư Thành ủy Bến Tre"; not "Phó Bí thư …", "Bí thư Chi đoàn" nor "Trưởng khu phố").
pub fn head_on(m: &DemoMember, date: NaiveDate) -> bool {
    held_on(m, date) && m.positions.iter().any(|t| head_title(t))
}

/// Whether a member is the bí thư of their own cell on `date` ("Bí thư Chi bộ", held in the unit they belong
/// to): the head the unit report compares with the cell's other members.
pub fn cell_head_on(m: &DemoMember, date: NaiveDate) -> bool {
    held_on(m, date) && m.positions.iter().any(|t| cell_head_title(t))
}

fn held_on(m: &DemoMember, date: NaiveDate) -> bool {
    m.positions_from.is_some_and(|f| f <= date)
}

fn head_title(title: &str) -> bool {
    let p = domain::position::parse_title(title);
    domain::position::is_head(p.post, p.body)
}

fn cell_head_title(title: &str) -> bool {
    let p = domain::position::parse_title(title);
    domain::position::is_head(p.post, p.body)
        && domain::text::fold(&p.body_name).starts_with("chi bo")
}

/// When a year's registrations are written: "trên trước, dưới sau" — heads of party units first, then the
/// other leaders and key cadres, then the members. From 2017 the usual calendar (heads in early February,
/// members by 31/03); in 2016 the weeks after the city's plan 43-KH/TU of 21/06/2016.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    /// Heads of party units submit from here, over `head_days` days.
    pub heads_from: NaiveDate,
    pub head_days: u64,
    /// Other leaders and key cadres.
    pub cadres_from: NaiveDate,
    pub cadre_days: u64,
    /// Members (and the heads of the few cells that register late, from `late_heads_from`).
    pub members_from: NaiveDate,
    pub member_days: u64,
    pub late_heads_from: NaiveDate,
    /// Members who hand in late: from here, over 20 days.
    pub late_from: NaiveDate,
    /// The registration deadline: who belongs (active) on it registers, in the unit of that day.
    pub deadline: NaiveDate,
}

impl Window {
    /// The campaign calendar the city set for a year where it differs from lamtheo's defaults: in 2016 the
    /// registrations were due by 31/08 (the plan came on 21/06) and the mid-year review gave way to the
    /// year-end one.
    pub fn calendar_setting(year: i32) -> Option<domain::calendar::CalendarSetting> {
        (year == crate::attendance::FIRST_YEAR).then(|| domain::calendar::CalendarSetting {
            registration_deadline: Some(Window::of(year).deadline),
            midyear_review_opens: Some(ymd(year, 9, 1)),
            midyear_report_due: Some(ymd(year, 9, 15)),
            ..Default::default()
        })
    }

    pub fn of(year: i32) -> Window {
        if year == crate::attendance::FIRST_YEAR {
            // Plan 21/06/2016; quán triệt sessions until mid-July.
            Window {
                heads_from: ymd(year, 6, 27),
                head_days: 12,
                cadres_from: ymd(year, 7, 11),
                cadre_days: 5,
                members_from: ymd(year, 7, 18),
                member_days: 38,
                late_heads_from: ymd(year, 7, 25),
                late_from: ymd(year, 9, 1),
                deadline: ymd(year, 8, 31),
            }
        } else {
            Window {
                heads_from: ymd(year, 2, 2),
                head_days: 12,
                cadres_from: ymd(year, 2, 15),
                cadre_days: 7,
                members_from: ymd(year, 2, 22),
                // Until 31/03 (February has 29 days in 2020).
                member_days: (ymd(year, 3, 31) - ymd(year, 2, 22)).num_days() as u64 + 1,
                late_heads_from: ymd(year, 3, 1),
                late_from: ymd(year, 4, 1),
                deadline: ymd(year, 3, 31),
            }
        }
    }
}

/// The position titles of a member as duties (what `store` checks items against: titles, with empty
/// "chức trách").
pub fn duties(m: &DemoMember) -> Vec<String> {
    m.positions.clone()
}

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

#[inline]
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[inline]
fn hash(seed: u64, salt: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(seed ^ salt) ^ a) ^ b)
}

/// A small deterministic generator (SplitMix64).
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(h: u64) -> Rng {
        Rng(h)
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        mix(self.0)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        if hi <= lo {
            lo
        } else {
            lo + self.below(u64::from(hi - lo) + 1) as u32
        }
    }
    /// True with probability `p` per mille.
    fn chance(&mut self, p: u32) -> bool {
        self.below(1000) < u64::from(p)
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

/// What a cell is, for the templates of members without a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Quarter,
    Hamlet,
    WardOffice,
    Police,
    Military,
    School,
    Health,
    Agency,
}

impl CellKind {
    fn who(self) -> Who {
        match self {
            CellKind::Quarter => bank::RES,
            CellKind::Hamlet => bank::RES | bank::HAMLET,
            CellKind::WardOffice | CellKind::Agency => bank::CIVIL,
            CellKind::Police => bank::POLICE,
            CellKind::Military => bank::MILITARY,
            CellKind::School => bank::TEACHER,
            CellKind::Health => bank::HEALTH,
        }
    }
    fn residential(self) -> bool {
        matches!(self, CellKind::Quarter | CellKind::Hamlet)
    }
}

/// The words of a unit used in its members' items.
#[derive(Debug, Clone)]
struct Place {
    kind: CellKind,
    /// "khu phố 3", "ấp Bình Thạnh"; the area for other cells.
    kp: String,
    /// "Phường 7", "xã Sơn Đông", "thành phố Bến Tre".
    area: String,
    /// "Trường THCS Phú Tân", "cơ quan phường".
    org: String,
}

fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn classify(name: &str, parent_name: &str) -> CellKind {
    let rest = name.strip_prefix("Chi bộ ").unwrap_or(name);
    if ["Khu phố ", "Tổ dân phố "]
        .iter()
        .any(|q| rest.starts_with(q))
    {
        return CellKind::Quarter;
    }
    if [
        "Ấp ", "ấp ", "Thôn ", "thôn ", "Bản ", "bản ", "Buôn ", "buôn ",
    ]
    .iter()
    .any(|q| rest.starts_with(q))
    {
        return CellKind::Hamlet;
    }
    if matches!(rest, "Cơ quan phường" | "Cơ quan xã" | "Cơ quan thị trấn") {
        return CellKind::WardOffice;
    }
    let has = |s: &str| name.contains(s) || parent_name.contains(s);
    if has("Công an") {
        CellKind::Police
    } else if has("Quân sự") || has("Biên phòng") {
        CellKind::Military
    } else if name.contains("Trường ") {
        CellKind::School
    } else if has("Y tế") || has("Bệnh viện") {
        CellKind::Health
    } else {
        CellKind::Agency
    }
}

/// "Phường 7" from "Đảng bộ Phường 7"; "thành phố Bến Tre" from "Thành ủy Bến Tre".
fn area_name(u: &DemoUnit) -> Option<String> {
    if let Some(rest) = u.name.strip_prefix("Đảng bộ ") {
        if ["phường ", "Phường ", "xã ", "thị trấn "]
            .iter()
            .any(|p| rest.starts_with(p))
        {
            return Some(rest.to_string());
        }
    }
    for (level, gov) in [
        ("Thành ủy ", "thành phố"),
        ("Tỉnh ủy ", "tỉnh"),
        ("Huyện ủy ", "huyện"),
        ("Quận ủy ", "quận"),
        ("Thị ủy ", "thị xã"),
    ] {
        if let Some(place) = u.name.strip_prefix(level) {
            return Some(if place.starts_with("Thành phố ") {
                lower_first(place)
            } else {
                format!("{gov} {place}")
            });
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Roles
// ---------------------------------------------------------------------------------------------

/// The roles a position title implies.
fn title_roles(title: &str, kind: CellKind) -> Who {
    let t = domain::text::fold(title);
    let has = |s: &str| t.contains(s);
    let starts = |s: &str| t.starts_with(s);
    let mut w = 0;
    if starts("bi thu chi bo") || starts("pho bi thu chi bo") || starts("chi uy vien") {
        w |= bank::SEC;
    }
    if has("dang uy")
        || has("thanh uy")
        || has("tinh uy")
        || has("huyen uy")
        || has("quan uy")
        || has("thi uy")
    {
        w |= bank::LEAD;
    }
    if has("ubnd") {
        w |= bank::GOV;
    }
    if has("mttq") || has("hoi ") || has("chi hoi") {
        w |= bank::FRONT;
        if has("cuu chien binh") {
            w |= bank::VETERAN;
        }
        if has("phu nu") {
            w |= bank::WOMEN;
        }
        if has("nong dan") {
            w |= bank::FARMER;
        }
    }
    if has("doan thanh nien") || has("chi doan") {
        w |= bank::YOUTH;
    }
    if starts("truong khu pho")
        || starts("truong ap")
        || starts("truong thon")
        || starts("to truong to")
        || starts("to vien to dan van")
    {
        w |= bank::QUARTER;
    }
    if has("huu tri") {
        w |= bank::RETIRED;
    }
    if t == "kinh doanh" {
        w |= bank::BUSINESS;
    }
    if has("cong nhan") || has("nhan vien van phong") {
        w |= bank::WORKER;
    }
    if t == "nong dan" {
        w |= bank::FARMER;
    }
    if has("giao vien") || has("hieu truong") || has("to truong chuyen mon") {
        w |= bank::TEACHER;
    }
    if [
        "bac si",
        "dieu duong",
        "duoc si",
        "y si",
        "ky thuat vien",
        "ho sinh",
    ]
    .iter()
    .any(|s| starts(s))
    {
        w |= bank::HEALTH;
    }
    if has("cong an") || has("canh sat") || has("dieu tra vien") || starts("chien si") {
        w |= bank::POLICE;
    }
    if starts("si quan") || starts("quan nhan") || has("chinh tri vien") || has("chi huy truong") {
        w |= bank::MILITARY;
    }
    if starts("tro ly") {
        w |= if kind == CellKind::Military {
            bank::MILITARY
        } else {
            bank::CIVIL
        };
    }
    if starts("cong chuc")
        || starts("can bo khong chuyen trach")
        || starts("chuyen vien")
        || has("ke toan")
        || starts("can su")
        || starts("nhan vien")
        || starts("thanh tra vien")
        || starts("truong phong")
        || starts("giam doc")
        || starts("chanh van phong")
        || starts("truong ban")
    {
        w |= bank::CIVIL;
    }
    if starts("can bo tham muu") || starts("can bo cong an") {
        w |= kind.who();
    }
    w
}

/// A member's roles: the union mask, and each titled role.
struct Roles {
    mask: Who,
    titled: Vec<(Who, String)>,
    /// Head of a party unit on the registration deadline ([`head_on`]).
    head: bool,
    /// The bí thư of their own cell on the registration deadline ([`cell_head_on`]).
    cell_head: bool,
    disclosed: bool,
}

fn roles_of(m: &DemoMember, kind: CellKind, deadline: NaiveDate) -> Roles {
    let mut mask = bank::ALL | kind.who();
    let mut titled = Vec::new();
    let mut key = false;
    for p in &m.positions {
        let w = title_roles(p, kind);
        mask |= w;
        if w != 0 {
            titled.push((w, p.clone()));
        }
        let f = domain::position_flags(p);
        key |= f.head || f.key_cadre;
    }
    Roles {
        mask,
        titled,
        head: head_on(m, deadline),
        cell_head: cell_head_on(m, deadline),
        disclosed: key,
    }
}

// ---------------------------------------------------------------------------------------------
// Text
// ---------------------------------------------------------------------------------------------

/// The values of a template's slots.
struct Slots<'a> {
    year: i32,
    kp: &'a str,
    lane: &'a str,
    area: &'a str,
    org: &'a str,
    street: &'a str,
    k: u32,
}

fn round_nicely(n: u32) -> u32 {
    if n >= 1000 {
        n / 50 * 50
    } else if n >= 100 {
        n / 10 * 10
    } else {
        n
    }
}

/// Expands a template (see `bank.rs` for the syntax).
fn expand(tpl: &str, s: &Slots<'_>, n: u32, alt: &mut Rng) -> String {
    let mut out = String::with_capacity(tpl.len() + 16);
    let b = tpl.as_bytes();
    let mut i = 0;
    while i < tpl.len() {
        if b[i] != b'{' {
            let next = tpl[i..].find('{').map_or(tpl.len(), |k| i + k);
            out.push_str(&tpl[i..next]);
            i = next;
            continue;
        }
        // The matching brace and the top-level alternatives.
        let mut depth = 0;
        let mut end = i;
        let mut bars = Vec::new();
        for (k, c) in tpl[i..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = i + k;
                        break;
                    }
                }
                '|' if depth == 1 => bars.push(i + k),
                _ => {}
            }
        }
        if end == i {
            // Unbalanced: copy the rest as is.
            out.push_str(&tpl[i..]);
            break;
        }
        let inner = &tpl[i + 1..end];
        if bars.is_empty() {
            let v = match inner {
                "n" => domain::text::format_int(i64::from(n)),
                "0n" => format!("{n:02}"),
                "m" => domain::text::format_int(i64::from(n) * 1000),
                "kp" => s.kp.to_string(),
                "lane" => s.lane.to_string(),
                "area" => s.area.to_string(),
                "org" => s.org.to_string(),
                "y" => s.year.to_string(),
                "py" => (s.year - 1).to_string(),
                "theme" => bank::theme_short(s.year).to_string(),
                "street" => s.street.to_string(),
                "k" => s.k.to_string(),
                other => format!("{{{other}}}"),
            };
            out.push_str(&v);
        } else {
            let mut starts = vec![i + 1];
            starts.extend(bars.iter().map(|p| p + 1));
            let mut ends: Vec<usize> = bars.clone();
            ends.push(end);
            let c = alt.below(starts.len() as u64) as usize;
            out.push_str(&expand(&tpl[starts[c]..ends[c]], s, n, alt));
        }
        i = end + 1;
    }
    out
}

/// An item before it is rendered: enough to render it again with a small change (copies).
#[derive(Debug, Clone)]
struct Draft {
    kind: ItemKind,
    /// Index in `COMMITMENTS` / `EXEMPLARY`, or in `VAGUE` for vague items.
    tpl: usize,
    vague: bool,
    alt: u64,
    n: u32,
    k: u32,
    street: usize,
    duty: String,
    /// Adds or drops the way of doing it (a copier's small edit).
    flip_measure: bool,
    /// Replaces the template's target (vague and unmeasured items).
    target: Option<&'static str>,
    deadline: Option<NaiveDate>,
}

fn template(d: &Draft) -> Option<&'static Tpl> {
    if d.vague {
        return None;
    }
    match d.kind {
        ItemKind::Commitment => bank::COMMITMENTS.get(d.tpl),
        ItemKind::Exemplary => bank::EXEMPLARY.get(d.tpl),
    }
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn last_day(y: i32, m: u32) -> NaiveDate {
    if m >= 12 {
        ymd(y, 12, 31)
    } else {
        ymd(y, m + 1, 1) - Duration::days(1)
    }
}

/// 07:30–16:30 in Vietnam on `d`, as UTC.
fn office_time(d: NaiveDate, rng: &mut Rng) -> DateTime<Utc> {
    let minutes = 30 + rng.below(9 * 60) as i64;
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc() + Duration::minutes(minutes)
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

/// Per unit facts for the registrations, built once for a scale.
pub struct RegistrationPlan<'a> {
    seed: u64,
    units: &'a [DemoUnit],
    index: HashMap<&'a str, u32>,
    parent: Vec<u32>,
    /// Per unit: the nearest grassroots unit at or above it.
    grassroots: Vec<u32>,
    covered: Vec<bool>,
    places: Vec<Place>,
    /// Demo secretary accounts by unit code.
    secretaries: HashMap<String, String>,
    /// The demo member account: (card number, username).
    member_account: Option<(String, String)>,
    /// (cell, year): the few cells whose heads submit after their members that year.
    late_cells: HashSet<(u32, i32)>,
    /// Per unit: whether it holds a committee's own posts (its first member-holding child).
    holds_committee: Vec<bool>,
}

/// A member's registration for one year, before the unit-wide decisions (copies, ratings).
struct Pending {
    reg: DemoRegistration,
    drafts: Vec<Draft>,
    unit: u32,
    /// The cell the member belongs to now (copy groups are planted there).
    current_cell: u32,
    plain: bool,
    tier: Rating,
    approver: String,
    active_midyear: bool,
    active_yearend: bool,
    rating_unit: Option<u32>,
    regular: bool,
    duties: Vec<String>,
    vague_factor: f64,
}

impl<'a> RegistrationPlan<'a> {
    pub fn new(scale: Scale, seed: u64, units: &'a [DemoUnit]) -> RegistrationPlan<'a> {
        let mut index: HashMap<&'a str, u32> = HashMap::with_capacity(units.len());
        for (i, u) in units.iter().enumerate() {
            index.insert(u.code.as_str(), i as u32);
        }
        let parent: Vec<u32> = units
            .iter()
            .map(|u| {
                u.parent_code
                    .as_deref()
                    .and_then(|p| index.get(p).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        let mut grassroots = vec![NONE; units.len()];
        let mut area: Vec<String> = vec![String::new(); units.len()];
        let scope_root = match scale {
            Scale::National => index.get("T83").copied(),
            _ => None,
        };
        let mut covered = vec![scope_root.is_none(); units.len()];
        for (i, u) in units.iter().enumerate() {
            let p = parent[i];
            let up = (p as usize) < i;
            grassroots[i] = if matches!(
                u.unit_type,
                UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
            ) {
                i as u32
            } else if up {
                grassroots[p as usize]
            } else {
                NONE
            };
            area[i] = match area_name(u) {
                Some(a) => a,
                None if up => area[p as usize].clone(),
                None => u.name.clone(),
            };
            if Some(i as u32) == scope_root || (up && covered[p as usize]) {
                covered[i] = true;
            }
        }
        let places = units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let pname = match parent[i] {
                    NONE => "",
                    p => units[p as usize].name.as_str(),
                };
                let kind = classify(&u.name, pname);
                let rest = u.name.strip_prefix("Chi bộ ").unwrap_or(&u.name);
                let kp = if kind.residential() {
                    lower_first(rest)
                } else {
                    area[i].clone()
                };
                let org = if rest.starts_with("Cơ quan") {
                    lower_first(rest)
                } else {
                    rest.to_string()
                };
                Place {
                    kind,
                    kp,
                    area: area[i].clone(),
                    org,
                }
            })
            .collect();
        let mut secretaries = HashMap::new();
        let mut member_account = None;
        for a in accounts::build(scale, seed, units) {
            match a.role {
                "secretary" => {
                    secretaries.insert(a.unit_code.clone(), a.username.clone());
                }
                "member" => {
                    if let Some(card) = a.member_card {
                        member_account = Some((card, a.username.clone()));
                    }
                }
                _ => {}
            }
        }
        // The cells whose heads may register late: cells of a grassroots committee, covered, not the one
        // holding the committee's own posts (its bí thư and standing members always register first).
        let mut holds_committee = vec![false; units.len()];
        for h in &crate::members::Plan::new(scale, seed, units).holders {
            if h.committee != NONE {
                holds_committee[h.unit as usize] = true;
            }
        }
        let eligible: Vec<u32> = (0..units.len())
            .filter(|&i| {
                units[i].unit_type == UnitType::Cell
                    && covered[i]
                    && !holds_committee[i]
                    && parent[i] != NONE
                    && units[parent[i] as usize].unit_type == UnitType::GrassrootsCommittee
            })
            .map(|i| i as u32)
            .collect();
        // A handful a year: one cell in fifty (at least one).
        let per_year = (eligible.len() / 50).max(1).min(eligible.len());
        let mut late_cells = HashSet::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            let mut ranked: Vec<(u64, u32)> = eligible
                .iter()
                .map(|&c| (hash(seed, SALT_CELL, u64::from(c), year as u64 ^ 0x1a7e), c))
                .collect();
            ranked.sort_unstable();
            for &(_, c) in ranked.iter().take(per_year) {
                late_cells.insert((c, year));
            }
        }
        RegistrationPlan {
            seed,
            units,
            index,
            parent,
            grassroots,
            covered,
            places,
            secretaries,
            member_account,
            late_cells,
            holds_committee,
        }
    }

    /// The codes of the cells whose heads submit after their members in `year` (the exceptions the unit
    /// report shows as "heads registered late"), sorted.
    pub fn late_head_cells(&self, year: i32) -> Vec<&'a str> {
        let mut out: Vec<&'a str> = self
            .late_cells
            .iter()
            .filter(|(_, y)| *y == year)
            .map(|(c, _)| self.units[*c as usize].code.as_str())
            .collect();
        out.sort_unstable();
        out
    }

    /// Whether members of the unit with this code get registrations (national scale: Bến Tre only).
    pub fn covers(&self, unit_code: &str) -> bool {
        self.index
            .get(unit_code)
            .is_some_and(|&i| self.covered[i as usize])
    }

    /// The code of the nearest grassroots unit at or above a unit (None above the grassroots level).
    pub fn grassroots_of(&self, unit_code: &str) -> Option<&'a str> {
        let i = *self.index.get(unit_code)?;
        match self.grassroots[i as usize] {
            NONE => None,
            g => Some(self.units[g as usize].code.as_str()),
        }
    }

    fn unit_index(&self, code: &str) -> Option<u32> {
        self.index.get(code).copied()
    }

    /// The grassroots key of a unit: its nearest grassroots unit, else itself.
    fn g_key(&self, unit: u32) -> u32 {
        match self.grassroots[unit as usize] {
            NONE => unit,
            g => g,
        }
    }

    /// Whether the heads of a cell submit after their members in a year.
    fn late_cell(&self, cell: u32, year: i32) -> bool {
        self.late_cells.contains(&(cell, year))
    }

    /// Grassroots units where secretaries let "xuất sắc" exceed 20 % of "tốt" in a year.
    fn lax_unit(&self, g: u32, year: i32) -> bool {
        hash(self.seed, SALT_UNIT ^ 0x1a, u64::from(g), year as u64) % 1000 < 100
    }

    /// The generic-phrase tendency of a cell (mean about 1).
    fn cell_vague_factor(&self, cell: u32) -> f64 {
        let h = hash(self.seed, SALT_CELL, u64::from(cell), 0x7a);
        let x = (h % 1000) as f64 / 1000.0;
        match h >> 40 & 0xf {
            0..=9 => 0.45 + 0.55 * x,
            10..=14 => 1.0 + 0.7 * x,
            _ => 2.2 + 1.0 * x,
        }
    }

    /// The secretary account of a unit, else the demo user.
    fn user_of(&self, unit: u32) -> String {
        self.secretaries
            .get(&self.units[unit as usize].code)
            .cloned()
            .unwrap_or_else(|| DEMO_USER.to_string())
    }

    /// The registrations of some consecutive members of the stream (normally: those whose current
    /// unit is in one grassroots unit, see [`registrations`]); `first_index` is the stream position of
    /// the first. Members outside the covered subtree get none.
    pub fn batch(&self, first_index: u64, members: &[DemoMember]) -> Vec<DemoRegistration> {
        let mut pending: Vec<Pending> = Vec::new();
        for (k, m) in members.iter().enumerate() {
            let index = first_index + k as u64;
            for year in FIRST_YEAR..=LAST_YEAR {
                if let Some(p) = self.member_year(index, m, year) {
                    pending.push(p);
                }
            }
        }
        self.plant_copies(&mut pending);
        for p in &mut pending {
            self.finish(p);
        }
        self.rate(&mut pending);
        pending.into_iter().map(|p| p.reg).collect()
    }

    /// The member's registration of a year, if they register.
    fn member_year(&self, index: u64, m: &DemoMember, year: i32) -> Option<Pending> {
        let deadline = Window::of(year).deadline;
        let active = |d: NaiveDate| {
            m.status == MemberStatus::Active || m.status_since.is_some_and(|s| d < s)
        };
        if !active(deadline) {
            return None;
        }
        let ms = m.memberships.iter().rev().find(|ms| ms.since <= deadline)?;
        let unit = self.unit_index(&ms.unit_code)?;
        if !self.covered[unit as usize] {
            return None;
        }
        let current_cell = m
            .memberships
            .last()
            .and_then(|l| self.unit_index(&l.unit_code))
            .unwrap_or(unit);
        let place = &self.places[unit as usize];
        let roles = roles_of(m, place.kind, deadline);
        let mut rng = Rng::new(hash(self.seed, SALT_MEMBER, index, year as u64));
        let w = Window::of(year);
        let start = w.heads_from;
        // Submission: heads of party units first, other leaders and key cadres next, members last. In a
        // cell holding a committee's posts, the cell's own bí thư hands in on the first day and the committee's
        // heads, members of that cell, in the days after. In the few late cells, the heads submit after
        // members of their cell.
        let late_cell = self.late_cell(unit, year);
        let (from, days) = if roles.head && late_cell {
            (w.late_heads_from, 25)
        } else if roles.cell_head && self.holds_committee[unit as usize] {
            (w.heads_from, 1)
        } else if roles.head && !roles.cell_head {
            (w.heads_from + Duration::days(1), 4)
        } else if roles.head {
            (w.heads_from, w.head_days)
        } else if roles.disclosed {
            (w.cadres_from, w.cadre_days)
        } else {
            (w.members_from, w.member_days)
        };
        let mut submit_day = from + Duration::days(rng.below(days) as i64);
        if !roles.disclosed && rng.chance(15) {
            // Late: after the deadline.
            submit_day = w.late_from + Duration::days(rng.below(20) as i64);
        }
        // Joined or moved in during the window: a few days after.
        let earliest = ms.since + Duration::days(2 + rng.below(8) as i64);
        let regular = earliest <= start;
        if submit_day < earliest {
            submit_day = earliest;
        }
        let account = self
            .member_account
            .as_ref()
            .filter(|(card, _)| *card == m.card_number)
            .map(|(_, u)| u.clone());
        let submitter = account.clone().unwrap_or_else(|| DEMO_USER.to_string());
        let approver_unit = if roles.head && self.parent[unit as usize] != NONE {
            self.parent[unit as usize]
        } else {
            unit
        };
        let approver = self.user_of(approver_unit);
        let mid = ymd(year, 7, 1);
        let end = ymd(year, 12, 1);
        let rated_on = ymd(year, 12, 20);
        let rating_unit = m
            .memberships
            .iter()
            .rev()
            .find(|ms| ms.since <= rated_on)
            .and_then(|ms| self.unit_index(&ms.unit_code));
        let cell_factor = self.cell_vague_factor(unit);
        let member_factor = if roles.disclosed {
            0.35
        } else if roles.mask & bank::SEC != 0 {
            0.7
        } else {
            1.15
        };
        let drafts = self.drafts(
            &roles,
            year,
            submit_day,
            cell_factor * member_factor,
            &mut rng,
        );
        let g = self.g_key(unit);
        let tier = self.tier(g, year, &drafts, &mut rng);
        let created = office_time(submit_day - Duration::days(rng.below(3) as i64), &mut rng);
        let reg = DemoRegistration {
            member_index: index,
            year,
            unit_code: self.units[unit as usize].code.clone(),
            head: roles.head,
            disclosed: roles.disclosed,
            status: Status::Draft,
            items: Vec::new(),
            created_by: submitter,
            created_at: created,
            first_submitted_at: None,
            submitted_at: Some(office_time(submit_day, &mut rng).max(created)),
            approved_at: None,
            approved_by: None,
            published_at: None,
            return_comment: String::new(),
            events: Vec::new(),
            rating: None,
            copy_group: None,
            pledged_at: created,
        };
        Some(Pending {
            reg,
            drafts,
            unit,
            current_cell,
            plain: m.positions.is_empty() && account.is_none(),
            tier,
            approver,
            active_midyear: active(mid),
            active_yearend: active(end) && active(rated_on),
            rating_unit: rating_unit.filter(|_| active(rated_on)),
            regular,
            duties: duties(m),
            vague_factor: cell_factor,
        })
    }

    /// Chooses and shapes the items of one registration.
    fn drafts(
        &self,
        roles: &Roles,
        year: i32,
        submit: NaiveDate,
        vague_factor: f64,
        rng: &mut Rng,
    ) -> Vec<Draft> {
        let count = match rng.below(100) {
            0..=9 => 3,
            10..=54 => 4,
            55..=84 => 5,
            _ => 6,
        };
        let titled_mask = roles.titled.iter().fold(0, |a, (w, _)| a | w);
        // Candidates with weights: the member's titled roles first, then their cell's and everyone's.
        let mut cands: Vec<(usize, u32)> = Vec::new();
        for (i, t) in bank::COMMITMENTS.iter().enumerate() {
            if year < t.years.0 || year > t.years.1 {
                continue;
            }
            let w = if t.who & titled_mask & !bank::ALL != 0 {
                6
            } else if t.who & (roles.mask | bank::ALL) != 0 {
                2
            } else {
                continue;
            };
            cands.push((i, w));
        }
        let mut out = Vec::with_capacity(count + 3);
        for _ in 0..count {
            let total: u32 = cands.iter().map(|c| c.1).sum();
            if total == 0 {
                break;
            }
            let mut x = rng.below(u64::from(total)) as u32;
            let mut at = 0;
            for (k, c) in cands.iter().enumerate() {
                if x < c.1 {
                    at = k;
                    break;
                }
                x -= c.1;
            }
            let (ti, _) = cands.swap_remove(at);
            let t = &bank::COMMITMENTS[ti];
            out.push(self.draft(ItemKind::Commitment, ti, t, roles, year, submit, rng));
        }
        // Generic phrases instead of some items.
        let p_vague = (88.0 * vague_factor).round() as u32;
        for d in out.iter_mut() {
            if rng.chance(p_vague) {
                let v = rng.below(bank::VAGUE.len() as u64) as usize;
                d.vague = true;
                d.tpl = v;
                d.duty = bank::VAGUE[v].1.to_string();
                d.target = Some(*rng.pick(bank::VAGUE_TARGETS));
                d.deadline = if rng.chance(150) {
                    None
                } else {
                    Some(ymd(year, 12, 31))
                };
            }
        }
        if roles.disclosed {
            let k = 1 + rng.below(3) as usize;
            let mut pool: Vec<usize> = (0..bank::EXEMPLARY.len())
                .filter(|&i| {
                    let y = bank::EXEMPLARY[i].years;
                    (y.0..=y.1).contains(&year)
                })
                .collect();
            for _ in 0..k.min(pool.len()) {
                let ti = pool.swap_remove(rng.below(pool.len() as u64) as usize);
                let t = &bank::EXEMPLARY[ti];
                out.push(self.draft(ItemKind::Exemplary, ti, t, roles, year, submit, rng));
            }
        }
        // Other shortcomings.
        for d in out.iter_mut() {
            if d.kind == ItemKind::Exemplary {
                continue;
            }
            if rng.chance(52) {
                d.duty = rng.pick(bank::UNTIED_DUTIES).to_string();
            }
            if !d.vague {
                if rng.chance(42) {
                    d.deadline = match rng.below(10) {
                        0..=5 => None,
                        6..=7 => d.deadline.and_then(|x| reg::shift_year(x, year + 1)),
                        _ => d.deadline.and_then(|x| reg::shift_year(x, year - 1)),
                    };
                }
                if rng.chance(14) {
                    d.target = Some(*rng.pick(bank::UNMEASURED_TARGETS));
                }
            }
        }
        out
    }

    #[allow(clippy::too_many_arguments)]
    fn draft(
        &self,
        kind: ItemKind,
        ti: usize,
        t: &Tpl,
        roles: &Roles,
        year: i32,
        submit: NaiveDate,
        rng: &mut Rng,
    ) -> Draft {
        let base = rng.range(t.n.0, t.n.1);
        let grown = u64::from(base) * (100 + u64::from(t.grow) * (year - FIRST_YEAR) as u64) / 100;
        let n = round_nicely(grown as u32);
        let duty = if t.title {
            match roles.titled.iter().find(|(w, _)| w & t.who != 0) {
                Some((_, title)) if !rng.chance(250) => title.clone(),
                _ => t.duty.to_string(),
            }
        } else {
            t.duty.to_string()
        };
        let month = rng.range(t.due.0, t.due.1);
        let mut deadline = if rng.chance(250) {
            ymd(year, month, 15)
        } else {
            last_day(year, month)
        };
        if deadline < submit + Duration::days(30) {
            let m = (submit.month() + 2).min(12);
            deadline = last_day(year, m);
        }
        Draft {
            kind,
            tpl: ti,
            vague: false,
            alt: rng.next(),
            n,
            k: rng.range(1, 24),
            street: rng.below(bank::STREETS.len() as u64) as usize,
            duty,
            flip_measure: false,
            target: None,
            deadline: Some(deadline),
        }
    }

    /// The rating a member's year will end with (before the secretary's decision).
    fn tier(&self, g: u32, year: i32, drafts: &[Draft], rng: &mut Rng) -> Rating {
        let weak = drafts.iter().filter(|d| d.vague).count();
        let x = rng.below(1000);
        let (ex, good, comp) = if self.lax_unit(g, year) {
            (380, 930, 990)
        } else {
            (95, 895, 985)
        };
        let t = if x < ex {
            Rating::Excellent
        } else if x < good {
            Rating::Good
        } else if x < comp {
            Rating::Completed
        } else {
            Rating::NotCompleted
        };
        if weak >= 2 && t == Rating::Excellent {
            Rating::Good
        } else {
            t
        }
    }

    /// Renders an item's content and target.
    fn render(&self, d: &Draft, unit: u32, year: i32) -> (String, String) {
        let place = &self.places[unit as usize];
        let lane = if place.kind == CellKind::Hamlet {
            format!("đường tổ {}", d.k.min(12))
        } else {
            format!("hẻm {}", d.k)
        };
        let slots = Slots {
            year,
            kp: &place.kp,
            lane: &lane,
            area: &place.area,
            org: &place.org,
            street: bank::STREETS[d.street % bank::STREETS.len()],
            k: 1 + d.k % 10,
        };
        let mut alt = Rng::new(d.alt);
        match template(d) {
            None => {
                let content = bank::VAGUE[d.tpl % bank::VAGUE.len()].0.to_string();
                (content, d.target.unwrap_or_default().to_string())
            }
            Some(t) => {
                let mut content = expand(t.content, &slots, d.n, &mut alt);
                let with_measure = alt.chance(850);
                let how = *alt.pick(bank::measures_for(t.duty, place.kind.residential()));
                let how = expand(how, &slots, d.n, &mut alt);
                if d.kind == ItemKind::Commitment && with_measure != d.flip_measure {
                    content.push_str(", ");
                    content.push_str(&how);
                }
                let target = match d.target {
                    Some(x) => x.to_string(),
                    None => expand(t.target, &slots, d.n, &mut alt),
                };
                (content, target)
            }
        }
    }

    /// Plants the copy groups: in some cells a year, a few plain members hand in one registration.
    fn plant_copies(&self, pending: &mut [Pending]) {
        // Candidates per (cell, year): plain members registered in their current cell from the start.
        let mut groups: HashMap<(u32, i32), Vec<usize>> = HashMap::new();
        for (k, p) in pending.iter().enumerate() {
            if p.plain && p.regular && p.unit == p.current_cell {
                groups.entry((p.unit, p.reg.year)).or_default().push(k);
            }
        }
        let mut keys: Vec<(u32, i32)> = groups.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            let (cell, year) = key;
            let h = hash(self.seed, SALT_COPY, u64::from(cell), year as u64);
            if h % 1000 >= 75 {
                continue;
            }
            let cands = &groups[&key];
            if cands.len() < 4 {
                continue;
            }
            let size = (3 + (h >> 12) % 4) as usize;
            let size = size.min(cands.len() - 1);
            let offset = ((h >> 20) as usize) % (cands.len() - size + 1);
            let chosen: Vec<usize> = cands[offset..offset + size].to_vec();
            let group_id = u64::from(cell) << 16 | year as u64;
            // The source: a plain member's registration of the cell, written once.
            let mut src_rng = Rng::new(h ^ 0x5eed);
            let kind = self.places[cell as usize].kind;
            let roles = Roles {
                mask: bank::ALL | kind.who(),
                titled: Vec::new(),
                head: false,
                cell_head: false,
                disclosed: false,
            };
            let submit = Window::of(year).members_from + Duration::days((h >> 30) as i64 % 6);
            let mut source = self.drafts(
                &roles,
                year,
                submit,
                pending[chosen[0]].vague_factor,
                &mut src_rng,
            );
            let mut guard = 0;
            while source.len() < 5 && guard < 20 {
                guard += 1;
                let extra = self.drafts(&roles, year, submit, 0.0, &mut src_rng);
                for d in extra {
                    if source.len() < 5 && !source.iter().any(|s| !s.vague && s.tpl == d.tpl) {
                        source.push(d);
                    }
                }
            }
            let base_day = submit + Duration::days((h >> 40) as i64 % 20);
            for (j, &k) in chosen.iter().enumerate() {
                let p = &mut pending[k];
                let mut rng = Rng::new(hash(self.seed, SALT_COPY, p.reg.member_index, year as u64));
                let mut drafts = source.clone();
                if j > 0 {
                    // One small edit, always to the same item of the group (so that any two copies
                    // differ in one item at most): its number, or its wording.
                    let numbered: Vec<usize> = (0..drafts.len())
                        .filter(|&i| {
                            template(&drafts[i]).is_some_and(|t| t.numbered() && t.n.1 > t.n.0)
                        })
                        .collect();
                    let concrete: Vec<usize> =
                        (0..drafts.len()).filter(|&i| !drafts[i].vague).collect();
                    if !numbered.is_empty() && (h >> 50) % 10 < 6 {
                        let i = numbered[((h >> 52) % numbered.len() as u64) as usize];
                        let t = template(&drafts[i]).map(|t| t.n).unwrap_or((1, 1));
                        let mut n = drafts[i].n;
                        while n == drafts[i].n {
                            n = round_nicely(rng.range(t.0, t.1.max(t.0 + 1)));
                        }
                        drafts[i].n = n;
                    } else if !concrete.is_empty() {
                        let i = concrete[((h >> 52) % concrete.len() as u64) as usize];
                        drafts[i].flip_measure = !drafts[i].flip_measure;
                    }
                }
                p.drafts = drafts;
                p.reg.copy_group = Some(group_id);
                let day = base_day + Duration::days(rng.below(3) as i64);
                let at = office_time(day, &mut rng);
                p.reg.created_at = at - Duration::hours(2);
                p.reg.submitted_at = Some(at);
            }
        }
    }

    /// Renders the items and writes the workflow and the reviews.
    fn finish(&self, p: &mut Pending) {
        let year = p.reg.year;
        let mut rng = Rng::new(hash(
            self.seed,
            SALT_MEMBER ^ 0xf1,
            p.reg.member_index,
            year as u64,
        ));
        // Items.
        let mut items = Vec::with_capacity(p.drafts.len());
        for d in &p.drafts {
            let (content, target) = self.render(d, p.unit, year);
            let evidence = match template(d) {
                Some(t) if !t.ev.is_empty() && rng.chance(700) => t.ev.to_string(),
                _ => String::new(),
            };
            items.push(DemoItem {
                kind: d.kind,
                content,
                duty: d.duty.clone(),
                target,
                deadline: d.deadline,
                evidence,
                return_comment: String::new(),
                midyear: None,
                yearend: None,
                assessed: None,
            });
        }
        p.reg.items = items;
        // The pledge against the 27 manifestations: with the registration, or in 2016 (written before
        // Nghị quyết Trung ương 4 khóa XII) at the year-end review.
        p.reg.pledged_at = if p.reg.created_at.date_naive() < manifestations_date() {
            office_time(ymd(year, 12, 1 + rng.below(14) as u32), &mut rng)
        } else {
            p.reg.created_at
        };
        // Workflow.
        let submitted = p.reg.submitted_at.unwrap_or(p.reg.created_at);
        let by = p.reg.created_by.clone();
        let mut events = vec![DemoEvent {
            action: "create",
            from: None,
            to: Status::Draft,
            by: by.clone(),
            at: p.reg.created_at,
            comment: String::new(),
        }];
        events.push(DemoEvent {
            action: "submit",
            from: Some(Status::Draft),
            to: Status::Submitted,
            by: by.clone(),
            at: submitted,
            comment: String::new(),
        });
        p.reg.first_submitted_at = Some(submitted);
        let is_account = p.reg.created_by != DEMO_USER;
        let roll = rng.below(1000);
        // Disclosed registrations (heads and key cadres) are all approved and published, so every ward's and
        // commune's leaders are on the public portal; the waiting and returned ones are other members'.
        let pending = year == LAST_YEAR && !is_account && !p.reg.disclosed;
        let status = if pending && roll < 30 {
            Status::Submitted
        } else if pending && roll < 45 {
            Status::Returned
        } else {
            Status::Approved
        };
        let mut last_submit = submitted;
        if status == Status::Returned || (status == Status::Approved && rng.chance(20)) {
            let (pos, comment) = self.comment_item(p, year);
            let at = submitted + Duration::days(1 + rng.below(4) as i64);
            events.push(DemoEvent {
                action: "return",
                from: Some(Status::Submitted),
                to: Status::Returned,
                by: p.approver.clone(),
                at,
                comment: comment.clone(),
            });
            if status == Status::Returned {
                p.reg.return_comment = comment.clone();
                if let Some(it) = p.reg.items.get_mut(pos) {
                    it.return_comment = comment;
                }
            } else {
                let again = at + Duration::days(1 + rng.below(4) as i64);
                events.push(DemoEvent {
                    action: "submit",
                    from: Some(Status::Returned),
                    to: Status::Submitted,
                    by: by.clone(),
                    at: again,
                    comment: String::new(),
                });
                last_submit = again;
            }
        }
        p.reg.submitted_at = Some(last_submit);
        p.reg.status = status;
        if status == Status::Approved {
            let days = if p.reg.head {
                2 + rng.below(7)
            } else {
                1 + rng.below(6)
            };
            let at = last_submit + Duration::days(days as i64);
            events.push(DemoEvent {
                action: "approve",
                from: Some(Status::Submitted),
                to: Status::Approved,
                by: p.approver.clone(),
                at,
                comment: String::new(),
            });
            p.reg.approved_at = Some(at);
            p.reg.approved_by = Some(p.approver.clone());
            if p.reg.disclosed {
                let at = at + Duration::days(1 + rng.below(5) as i64);
                events.push(DemoEvent {
                    action: "publish",
                    from: Some(Status::Approved),
                    to: Status::Published,
                    by: p.approver.clone(),
                    at,
                    comment: String::new(),
                });
                p.reg.published_at = Some(at);
                p.reg.status = Status::Published;
            }
        }
        p.reg.events = events;
        if !matches!(p.reg.status, Status::Approved | Status::Published) {
            return;
        }
        // 2016: written after mid-year, so no mid-year review.
        let midyear = year != FIRST_YEAR;
        // Reviews: outcomes that end in the member's tier.
        if !p.active_yearend {
            if p.active_midyear && midyear {
                let finals = self.outcomes(p, &mut rng);
                for (k, it) in p.reg.items.iter_mut().enumerate() {
                    let target = quality::parse_target(&it.target);
                    it.midyear = Some(midyear_review(
                        it,
                        target.as_ref(),
                        finals[k],
                        year,
                        &mut rng,
                    ));
                }
            }
            return;
        }
        let finals = self.outcomes(p, &mut rng);
        let stricter = rng.chance(80);
        let strict_at = finals.iter().position(|o| *o == Outcome::Partly);
        for (k, it) in p.reg.items.iter_mut().enumerate() {
            let assessed = finals[k];
            let own = if stricter && strict_at == Some(k) {
                Outcome::Done
            } else {
                assessed
            };
            let target = quality::parse_target(&it.target);
            let mid = midyear_review(it, target.as_ref(), own, year, &mut rng);
            it.midyear = midyear.then_some(mid);
            it.yearend = Some(yearend_review(it, target.as_ref(), own, &mut rng));
            let note = if own != assessed {
                format!(
                    "Chi bộ đánh giá {}: {}",
                    lower_first(assessed.label()),
                    rng.pick(bank::STRICTER)
                )
            } else {
                String::new()
            };
            it.assessed = Some(DemoReview {
                outcome: assessed,
                note,
                evidence: String::new(),
            });
        }
    }

    /// The item a secretary comments on when returning, with the comment.
    fn comment_item(&self, p: &Pending, year: i32) -> (usize, String) {
        let ctx = quality::DutyContext::new(&p.duties);
        for (k, it) in p.reg.items.iter().enumerate() {
            let flags = quality::check_item(
                &quality::ItemInput {
                    content: &it.content,
                    duty: &it.duty,
                    target: &it.target,
                    deadline: it.deadline,
                },
                &ctx,
                year,
            );
            let n = k + 1;
            let c = match flags.first().map(|f| f.flag) {
                Some(quality::Flag::Vague) => format!(
                    "Nội dung số {n} còn chung chung, đề nghị ghi rõ việc làm cụ thể, số lượng và thời gian hoàn thành"
                ),
                Some(quality::Flag::NoTarget) => format!(
                    "Nội dung số {n} chưa có chỉ tiêu cụ thể, đề nghị bổ sung số lượng (số hộ vận động, số buổi, sản phẩm)"
                ),
                Some(quality::Flag::NoDeadline) => format!(
                    "Nội dung số {n} chưa ghi thời gian hoàn thành trong năm {year}, đề nghị bổ sung"
                ),
                Some(quality::Flag::NotTiedToDuty) => format!(
                    "Nội dung số {n} chưa gắn với chức trách, nhiệm vụ được giao, đề nghị ghi rõ"
                ),
                _ => continue,
            };
            return (k, c);
        }
        (
            1.min(p.reg.items.len().saturating_sub(1)),
            "Nội dung số 2 chưa nêu rõ cách thực hiện, đề nghị bổ sung biện pháp và người phối hợp"
                .to_string(),
        )
    }

    /// Final outcomes (the cell's assessment) whose suggested rating is the member's tier; generic
    /// items are the first to fall short.
    fn outcomes(&self, p: &Pending, rng: &mut Rng) -> Vec<Outcome> {
        let n = p.reg.items.len();
        let mut o = vec![Outcome::Done; n];
        let mut order: Vec<usize> = (0..n).collect();
        // Shuffle, then generic items first.
        for i in (1..n).rev() {
            let j = rng.below(i as u64 + 1) as usize;
            order.swap(i, j);
        }
        order.sort_by_key(|&i| !p.drafts.get(i).is_some_and(|d| d.vague));
        let suggested = |o: &[Outcome]| {
            reg::suggested_rating(&o.iter().map(|x| Some(*x)).collect::<Vec<_>>())
                .unwrap_or(Rating::NotCompleted)
        };
        let mut step = 0usize;
        let mut guard = 0;
        while suggested(&o) < p.tier && guard < 4 * n + 4 {
            guard += 1;
            let i = order[step % n.max(1)];
            step += 1;
            o[i] = match o[i] {
                Outcome::Done => Outcome::Partly,
                _ => Outcome::NotDone,
            };
        }
        // Some "good" years have two shortfalls.
        if p.tier == Rating::Good && n >= 5 && rng.chance(300) {
            let i = order[step % n];
            let before = o[i];
            o[i] = match o[i] {
                Outcome::Done => Outcome::Partly,
                _ => Outcome::NotDone,
            };
            if suggested(&o) != Rating::Good {
                o[i] = before;
            }
        }
        o
    }

    /// The secretaries' decisions: confirm, a few overrides, and keep "xuất sắc" within 20 % of "tốt"
    /// outside the lax units.
    fn rate(&self, pending: &mut [Pending]) {
        let mut by_unit: HashMap<(u32, i32), Vec<usize>> = HashMap::new();
        for (k, p) in pending.iter_mut().enumerate() {
            let Some(ru) = p.rating_unit else { continue };
            if !matches!(p.reg.status, Status::Approved | Status::Published)
                || p.reg.items.iter().any(|i| i.assessed.is_none())
            {
                continue;
            }
            let outcomes: Vec<Option<Outcome>> = p
                .reg
                .items
                .iter()
                .map(|i| i.assessed.as_ref().map(|a| a.outcome))
                .collect();
            let suggested = reg::suggested_rating(&outcomes);
            let mut rng = Rng::new(hash(
                self.seed,
                SALT_MEMBER ^ 0xa7,
                p.reg.member_index,
                p.reg.year as u64,
            ));
            let (rating, reason) = match suggested {
                Some(Rating::Good) if rng.chance(9) => {
                    (Rating::Completed, rng.pick(bank::LOWER_REASONS).to_string())
                }
                Some(Rating::Completed) if rng.chance(120) => {
                    (Rating::Good, rng.pick(bank::RAISE_REASONS).to_string())
                }
                Some(s) => (s, String::new()),
                None => continue,
            };
            // The cell proposes, its grassroots committee decides (docs/DOMAIN.md § Rating).
            let decider = self.g_key(ru);
            let proposed_by = (decider != ru).then(|| self.user_of(ru));
            let rated_by = self.user_of(decider);
            let day = ymd(p.reg.year, 12, 15 + rng.below(13) as u32);
            p.reg.rating = Some(DemoRating {
                unit_code: self.units[ru as usize].code.clone(),
                suggested,
                rating,
                reason,
                proposed_by,
                rated_by,
                rated_at: office_time(day, &mut rng),
            });
            by_unit
                .entry((self.g_key(ru), p.reg.year))
                .or_default()
                .push(k);
        }
        let mut keys: Vec<(u32, i32)> = by_unit.keys().copied().collect();
        keys.sort_unstable();
        for key in keys {
            if self.lax_unit(key.0, key.1) {
                continue;
            }
            let ks = &by_unit[&key];
            let count = |r: Rating, pending: &[Pending]| {
                ks.iter()
                    .filter(|&&k| {
                        pending[k]
                            .reg
                            .rating
                            .as_ref()
                            .is_some_and(|x| x.rating == r)
                    })
                    .count() as i64
            };
            let mut ex = count(Rating::Excellent, pending);
            let mut good = count(Rating::Good, pending);
            // Excellent ones in a fixed order (by hash), the last ones first to be lowered.
            let mut excellent: Vec<usize> = ks
                .iter()
                .copied()
                .filter(|&k| {
                    pending[k]
                        .reg
                        .rating
                        .as_ref()
                        .is_some_and(|x| x.rating == Rating::Excellent)
                })
                .collect();
            excellent.sort_by_key(|&k| hash(self.seed, SALT_UNIT, pending[k].reg.member_index, 7));
            while ex * 5 > good {
                let Some(k) = excellent.pop() else { break };
                if let Some(r) = pending[k].reg.rating.as_mut() {
                    r.rating = Rating::Good;
                    r.reason = bank::QUOTA_REASON.to_string();
                }
                ex -= 1;
                good += 1;
            }
        }
    }
}

/// What a target counts: its number and the words after it ("02 đồng nghiệp" → (2, "đồng nghiệp")),
/// for counted targets that are not percentages or rates.
struct Count {
    n: u64,
    what: String,
}

fn count_of(it: &DemoItem, target: Option<&quality::Target>) -> Option<Count> {
    let t = target?;
    if t.percent || t.unit.as_deref().is_some_and(|u| u.contains('/')) {
        return None;
    }
    let n = t.number?;
    if !(1.0..1e12).contains(&n) || n.fract() != 0.0 {
        return None;
    }
    // The words after the first number as written ("12/12 kỳ sinh hoạt" → "kỳ sinh hoạt").
    let text = it.target.trim();
    let start = text.find(|c: char| c.is_ascii_digit())?;
    if !text[..start].trim().is_empty() {
        return None;
    }
    let rest = text[start..]
        .trim_start_matches(|c: char| c.is_ascii_digit() || matches!(c, '.' | ',' | '/'));
    let what = rest.trim();
    if what.is_empty() {
        return None;
    }
    Some(Count {
        n: n as u64,
        what: what.to_string(),
    })
}

/// A part of `n` in [lo %, hi %), at least 1 and less than `n` (for n ≥ 2).
fn part_of(n: u64, lo: u64, hi: u64, rng: &mut Rng) -> u64 {
    (n * (lo + rng.below(hi - lo)) / 100).clamp(1, n.saturating_sub(1).max(1))
}

/// The mid-year self-review of an item whose year ends with `fin`.
fn midyear_review(
    it: &DemoItem,
    target: Option<&quality::Target>,
    fin: Outcome,
    year: i32,
    rng: &mut Rng,
) -> DemoReview {
    let early = it.deadline.is_some_and(|d| d <= ymd(year, 6, 30));
    let mut outcome = if early {
        fin
    } else {
        match fin {
            Outcome::Done => match rng.below(100) {
                0..=14 => Outcome::Done,
                15..=84 => Outcome::Partly,
                _ => Outcome::NotDone,
            },
            Outcome::Partly => {
                if rng.chance(600) {
                    Outcome::Partly
                } else {
                    Outcome::NotDone
                }
            }
            Outcome::NotDone => Outcome::NotDone,
        }
    };
    let count = count_of(it, target);
    let single = count.as_ref().is_some_and(|c| c.n == 1);
    if outcome == Outcome::Partly && single && !early {
        // One product, not finished yet.
        outcome = Outcome::NotDone;
    }
    let note = match (outcome, &count) {
        (Outcome::Done, Some(c)) => {
            format!("Đã thực hiện {}/{} {}", fmt_n(c.n), fmt_n(c.n), c.what)
        }
        (Outcome::Done, None) => "Đã hoàn thành".to_string(),
        (Outcome::Partly, Some(c)) => format!(
            "Đã thực hiện {}/{} {}, tiếp tục triển khai trong 6 tháng cuối năm",
            fmt_n(part_of(c.n, 30, 70, rng)),
            fmt_n(c.n),
            c.what
        ),
        (Outcome::Partly, None) => format!(
            "Đang triển khai, đạt khoảng {}% kế hoạch",
            30 + 10 * rng.below(5)
        ),
        (Outcome::NotDone, _) if single && !early => {
            "Đang thực hiện, dự kiến hoàn thành đúng hạn".to_string()
        }
        (Outcome::NotDone, _) if !early => {
            "Chưa triển khai, dự kiến thực hiện trong 6 tháng cuối năm".to_string()
        }
        (Outcome::NotDone, _) => format!("Chưa thực hiện được do {}", rng.pick(bank::REASONS)),
    };
    DemoReview {
        outcome,
        note,
        evidence: String::new(),
    }
}

/// The year-end self-review.
fn yearend_review(
    it: &DemoItem,
    target: Option<&quality::Target>,
    outcome: Outcome,
    rng: &mut Rng,
) -> DemoReview {
    let count = count_of(it, target);
    let measured = target.is_some_and(|t| t.number.is_some());
    let goal = it.target.trim();
    let note = match (outcome, &count) {
        (Outcome::Done, Some(c)) => {
            if rng.chance(250) && c.n >= 4 {
                let more = c.n + (c.n / 5).max(1);
                format!("Hoàn thành vượt chỉ tiêu: {} {}", fmt_n(more), c.what)
            } else {
                format!("Đã hoàn thành {}/{} {}", fmt_n(c.n), fmt_n(c.n), c.what)
            }
        }
        (Outcome::Done, None) if measured => format!("Đạt {goal}"),
        (Outcome::Done, None) if goal.is_empty() => "Đã thực hiện".to_string(),
        (Outcome::Done, None) => format!("Đã hoàn thành: {}", lower_first(goal)),
        (Outcome::Partly, Some(c)) if c.n >= 2 => format!(
            "Thực hiện được {}/{} {} do {}",
            fmt_n(part_of(c.n, 50, 85, rng)),
            fmt_n(c.n),
            c.what,
            rng.pick(bank::REASONS)
        ),
        (Outcome::Partly, Some(_)) => format!(
            "Đã làm nhưng chưa hoàn chỉnh do {}",
            rng.pick(bank::REASONS)
        ),
        (Outcome::Partly, None) if measured => {
            format!("Chưa đạt chỉ tiêu {goal} do {}", rng.pick(bank::REASONS))
        }
        (Outcome::Partly, None) => {
            format!("Thực hiện chưa đầy đủ do {}", rng.pick(bank::REASONS))
        }
        (Outcome::NotDone, _) => format!("Chưa thực hiện được do {}", rng.pick(bank::REASONS)),
    };
    let evidence = if outcome == Outcome::NotDone {
        String::new()
    } else if !it.evidence.is_empty() {
        it.evidence.clone()
    } else {
        bank::evidence_for(&it.duty).to_string()
    };
    DemoReview {
        outcome,
        note,
        evidence,
    }
}

fn fmt_n(n: u64) -> String {
    domain::text::format_int(n as i64)
}

// ---------------------------------------------------------------------------------------------
// The stream
// ---------------------------------------------------------------------------------------------

/// Streams the registrations of `units` (normally `units(scale, seed)`), one grassroots unit's worth
/// at a time (the members whose current unit is in one grassroots unit, in stream order).
pub fn registrations(scale: Scale, seed: u64, units: &[DemoUnit]) -> Registrations<'_> {
    Registrations {
        plan: RegistrationPlan::new(scale, seed, units),
        members: crate::members(scale, seed, units),
        next: None,
        index: 0,
    }
}

/// The iterator returned by [`registrations`].
pub struct Registrations<'a> {
    plan: RegistrationPlan<'a>,
    members: crate::Members<'a>,
    /// A member read ahead: (stream index, grassroots key, member).
    next: Option<(u64, u32, DemoMember)>,
    index: u64,
}

impl<'a> Registrations<'a> {
    /// The plan behind the stream.
    pub fn plan(&self) -> &RegistrationPlan<'a> {
        &self.plan
    }

    fn pull(&mut self) -> Option<(u64, u32, DemoMember)> {
        if let Some(n) = self.next.take() {
            return Some(n);
        }
        loop {
            let m = self.members.next()?;
            let i = self.index;
            self.index += 1;
            let Some(unit) = m
                .memberships
                .last()
                .and_then(|l| self.plan.unit_index(&l.unit_code))
            else {
                continue;
            };
            // Members of uncovered units never register, unless they belonged to a covered one.
            if !self.plan.covered[unit as usize]
                && !m
                    .memberships
                    .iter()
                    .any(|ms| self.plan.covers(&ms.unit_code))
            {
                continue;
            }
            return Some((i, self.plan.g_key(unit), m));
        }
    }
}

impl Iterator for Registrations<'_> {
    type Item = Vec<DemoRegistration>;

    fn next(&mut self) -> Option<Vec<DemoRegistration>> {
        loop {
            let (first, g, m) = self.pull()?;
            let mut members = vec![m];
            // Consecutive members of the same grassroots unit, with consecutive indexes.
            let mut last = first;
            while let Some((i, g2, m2)) = self.pull() {
                if g2 == g && i == last + 1 {
                    members.push(m2);
                    last = i;
                } else {
                    self.next = Some((i, g2, m2));
                    break;
                }
            }
            let out = self.plan.batch(first, &members);
            if !out.is_empty() {
                return Some(out);
            }
        }
    }
}

#[cfg(test)]
mod tests;
