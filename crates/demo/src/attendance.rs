//! The campaign of Directive 05-CT/TW in the demo: the directive, the city's plan 43-KH/TU and
//! its yearly themes, the study sessions of every grassroots unit and the monthly cell meetings of every
//! cell, each member's marks at them, and the monthly topics, from the plan on: nothing is dated before
//! the directive (15/05/2016); the 2016 sessions follow the plan (21/06/2016) and the cell meetings start
//! in July 2016. No I/O, no stored state per member: a [`Calendar`] holds one date per session and one factor per unit and year, and the marks
//! of a member are computed from the member alone, so the marks of the national set (~47M) stream.
//!
//! Who is expected follows `store::Members::members_as_of`: a member is expected at a session held by unit U
//! on date d when, on d, their membership (half-open `[since, next since)`) was in U's subtree and their
//! status was active (a non-active status applies from `status_since` on). Demo units never move and
//! have no `valid_from`, so the subtree of a unit is the same on every date.
//!
//! Limit: at the national scale only the cell meetings of December 2020 are generated (one per cell,
//! ~310,000 meetings and ~5M marks) instead of 54 months (~320M marks), to keep the load time
//! reasonable; study sessions are complete at every scale.

use crate::members::Plan;
use crate::{DemoMember, DemoUnit, Scale};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use domain::attendance::{Mark, MeetingKind, MeetingQuality};
use domain::{MemberStatus, UnitType};
use std::collections::HashMap;

const NONE: u32 = u32::MAX;
const SALT_DATES: u64 = 0x6461_7465_735f_7633;
const SALT_FACTORS: u64 = 0x6661_6374_6f72_7333;
const SALT_MARKS: u64 = 0x6d61_726b_735f_7633;
const SALT_MEMBER: u64 = 0x6d65_6d62_6572_7633;
const SALT_TEXT: u64 = 0x7465_7874_5f5f_7633;

/// First and last year of the generated campaign.
pub const FIRST_YEAR: i32 = 2016;
pub const LAST_YEAR: i32 = 2020;
const YEARS: usize = (LAST_YEAR - FIRST_YEAR + 1) as usize;
/// The first month with cell meetings: the month after plan 43-KH/TU (21/06/2016).
pub const FIRST_MONTH: (i32, u32) = (2016, 7);
/// Study sessions per grassroots unit and year.
const STUDY_PER_YEAR: usize = 2;
const STUDY_PER_UNIT: usize = YEARS * STUDY_PER_YEAR;
/// Absences per campaign year, relative: fewer as the campaign settles in.
const STUDY_YEAR_FACTOR: [f32; YEARS] = [1.08, 1.0, 0.95, 0.9, 0.88];
const CELL_YEAR_FACTOR: [f32; YEARS] = [1.05, 1.0, 0.97, 0.93, 0.92];

pub const DIRECTIVE_CODE: &str = "05-CT/TW";
pub const DIRECTIVE_TITLE: &str =
    "Về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh";
pub const DIRECTIVE_ISSUER: &str = "Bộ Chính trị";
pub const PLAN_NUMBER: &str = "43-KH/TU";
pub const PLAN_TITLE: &str = "Kế hoạch thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị";
/// Target attendance in per-mille.
pub const PLAN_TARGET_ATTENDANCE: i64 = 950;
/// Target share registered in per-mille.
pub const PLAN_TARGET_REGISTERED: i64 = 1000;

/// The themes (chuyên đề) the plan's study sessions are on, one per campaign year. From 2017 they are the
/// yearly themes set nationally for the directive; 2016 had no yearly theme of its own: the directive was
/// studied with the theme for the whole 2016–2021 term ([`WHOLE_TERM_THEME`], see [`theme_note`]).
pub const THEMES: [(i32, &str); YEARS] = [
    (2016, WHOLE_TERM_THEME),
    (
        2017,
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hóa\" trong nội bộ",
    ),
    (
        2018,
        "Xây dựng phong cách, tác phong công tác của người đứng đầu, của cán bộ, đảng viên trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ),
    (
        2019,
        "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về nêu cao tinh thần trách nhiệm, chống chủ nghĩa cá nhân, nói đi đôi với làm",
    ),
    (
        2020,
        "Tăng cường khối đại đoàn kết toàn dân tộc, xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    ),
];

/// The theme for the whole 2016–2021 term, studied in 2016 together with the directive.
pub const WHOLE_TERM_THEME: &str = "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý thức tôn trọng nhân dân, phát huy dân chủ, chăm lo đời sống nhân dân";

/// The description stored with a year's theme: for 2016, that it is the whole-term theme.
pub fn theme_note(year: i32) -> &'static str {
    if year == FIRST_YEAR {
        "Chuyên đề toàn khóa 2016 – 2021, học tập cùng Chỉ thị 05-CT/TW trong năm 2016 (năm 2016 không có chuyên đề riêng)"
    } else {
        ""
    }
}

/// The theme of a campaign year.
pub fn theme(year: i32) -> Option<&'static str> {
    THEMES.iter().find(|(y, _)| *y == year).map(|(_, t)| *t)
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// Date of Directive 05-CT/TW.
pub fn directive_date() -> NaiveDate {
    ymd(2016, 5, 15)
}

/// Date of plan 43-KH/TU.
pub fn plan_date() -> NaiveDate {
    ymd(2016, 6, 21)
}

/// The unit that issues the plan and the themes: Thành ủy Bến Tre ("TU-BT", present at every scale),
/// else the first root.
pub fn plan_unit(units: &[DemoUnit]) -> Option<&DemoUnit> {
    units
        .iter()
        .find(|u| u.code == "TU-BT")
        .or_else(|| units.iter().find(|u| u.parent_code.is_none()))
}

/// A study session or cell meeting to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMeeting {
    /// Position in the calendar, from 0 (also the order in which meetings should be loaded).
    pub index: u32,
    /// Index of the holding unit in the units slice.
    pub unit: u32,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub starts_at: &'static str,
    pub ends_at: &'static str,
    pub place: String,
    pub title: String,
    /// The year whose theme the session is on (thematic sessions).
    pub theme_year: Option<i32>,
    pub thematic: bool,
    pub minutes: String,
    pub quality: Option<MeetingQuality>,
}

/// A cell's topic for one month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoTopic {
    /// Index of the cell in the units slice.
    pub unit: u32,
    pub year: i32,
    pub month: u32,
    pub topic: String,
    pub thematic: bool,
    pub set_at: DateTime<Utc>,
}

/// One member's mark at one meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoMark {
    /// Calendar index of the meeting.
    pub meeting: u32,
    /// Index (in the units slice) of the unit the member belonged to on the date.
    pub unit: u32,
    pub date: NaiveDate,
    pub mark: Mark,
    /// For a make-up: the absence it replaced.
    pub made_up_from: Option<Mark>,
}

/// Everything the demo's campaign needs about the units: session dates, per-unit attendance factors.
pub struct Calendar<'a> {
    units: &'a [DemoUnit],
    seed: u64,
    index: HashMap<&'a str, u32>,
    /// Grassroots units (unit indexes) in tree order; a grassroots "slot" is a position here.
    grassroots: Vec<u32>,
    /// Per unit: the nearest grassroots slot at or above it.
    g_of: Vec<u32>,
    /// Per grassroots slot: the nearest grassroots slot strictly above it.
    g_up: Vec<u32>,
    /// Cell-type units (unit indexes) in tree order.
    cells: Vec<u32>,
    c_of: Vec<u32>,
    c_up: Vec<u32>,
    /// The months with cell meetings.
    months: Vec<(i32, u32)>,
    /// Per grassroots slot, `STUDY_PER_UNIT` dates (year-major, thematic session first).
    study_dates: Vec<NaiveDate>,
    /// Per grassroots slot and year: absence factor.
    study_factor: Vec<f32>,
    /// Per cell, one date per month of `months`.
    cell_dates: Vec<NaiveDate>,
    /// Per cell and year: absence factor.
    cell_factor: Vec<f32>,
    plan_unit: u32,
}

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

/// A uniform number in [0, 1) from a hash.
#[inline]
fn unit_f(h: u64) -> f32 {
    (h >> 40) as f32 / (1u64 << 24) as f32
}

/// A weekday in [lo, hi] chosen by `h` (a weekend day moves to the Friday before or the Monday after,
/// whichever stays inside the range).
fn weekday_in(lo: NaiveDate, hi: NaiveDate, h: u64) -> NaiveDate {
    let span = (hi - lo).num_days().max(0) as u64 + 1;
    let d = lo + Duration::days((h % span) as i64);
    let (back, fwd) = match d.weekday() {
        Weekday::Sat => (1, 2),
        Weekday::Sun => (2, 1),
        _ => return d,
    };
    let before = d - Duration::days(back);
    let after = d + Duration::days(fwd);
    if (h >> 32) & 1 == 0 && before >= lo {
        before
    } else if after <= hi {
        after
    } else {
        before
    }
}

const ROMAN: [&str; 4] = ["I", "II", "III", "IV"];

/// The regular topics of the months without a thematic meeting, two variants each.
fn regular_topic(year: i32, month: u32, variant: u64) -> String {
    let v = (variant % 2) as usize;
    match month {
        1 => [
            format!("Triển khai nhiệm vụ năm {year}; vận động đảng viên và nhân dân đón Tết vui tươi, an toàn, tiết kiệm"),
            format!("Đánh giá kết quả năm {}, thông qua chương trình công tác năm {year} của chi bộ", year - 1),
        ][v].clone(),
        2 => [
            format!("Kỷ niệm {} năm Ngày thành lập Đảng Cộng sản Việt Nam (03/02/1930 – 03/02/{year})", year - 1930),
            "Kiểm điểm việc tổ chức Tết; phát động phong trào trồng cây đầu xuân".to_string(),
        ][v].clone(),
        4 => [
            "Phòng, chống hạn mặn, bảo đảm nước sinh hoạt cho nhân dân trong mùa khô".to_string(),
            "Kỷ niệm Ngày Giải phóng miền Nam, thống nhất đất nước (30/4) và Ngày Quốc tế Lao động (1/5)".to_string(),
        ][v].clone(),
        5 => [
            format!("Kỷ niệm {} năm Ngày sinh Chủ tịch Hồ Chí Minh (19/5/1890 – 19/5/{year})", year - 1890),
            "Công tác phát triển đảng viên; giới thiệu quần chúng ưu tú để Đảng xem xét kết nạp".to_string(),
        ][v].clone(),
        7 => [
            format!("Sơ kết 6 tháng đầu năm {year}, triển khai nhiệm vụ 6 tháng cuối năm"),
            "Tri ân thương binh, liệt sĩ nhân kỷ niệm Ngày Thương binh – Liệt sĩ (27/7)".to_string(),
        ][v].clone(),
        8 => [
            "Quản lý đảng viên, thu nộp đảng phí và giữ mối liên hệ với chi ủy nơi cư trú".to_string(),
            "Kỷ niệm Cách mạng Tháng Tám và Quốc khánh 2/9; giữ gìn an ninh, trật tự trên địa bàn".to_string(),
        ][v].clone(),
        10 => [
            "Phòng, chống dịch sốt xuất huyết; vệ sinh môi trường khu dân cư".to_string(),
            "Công tác dân vận; tiếp nhận và giải quyết kiến nghị, phản ánh của nhân dân".to_string(),
        ][v].clone(),
        11 => [
            "Hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc (18/11); xây dựng khu dân cư văn hóa".to_string(),
            "Chuẩn bị kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng và đảng viên cuối năm".to_string(),
        ][v].clone(),
        _ => format!("Sinh hoạt thường kỳ tháng {month:02}/{year}"),
    }
}

/// The thematic topic of a quarter's last month.
fn thematic_topic(year: i32, month: u32) -> String {
    let q = ROMAN[((month.clamp(1, 12) - 1) / 3) as usize];
    match theme(year) {
        Some(t) if year == FIRST_YEAR => {
            format!("Sinh hoạt chuyên đề quý {q}/{year}: Chỉ thị {DIRECTIVE_CODE} và chuyên đề toàn khóa \"{t}\"")
        }
        Some(t) => format!("Sinh hoạt chuyên đề quý {q}/{year}: {t}"),
        None => format!(
            "Sinh hoạt chuyên đề quý {q}/{year}: học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
        ),
    }
}

fn is_thematic_month(month: u32) -> bool {
    month.is_multiple_of(3)
}

/// The months with cell meetings at a scale.
fn months_of(scale: Scale) -> Vec<(i32, u32)> {
    match scale {
        // From the first month after plan 43-KH/TU (21/06/2016): the campaign's records start there.
        Scale::City | Scale::Province => (FIRST_YEAR..=LAST_YEAR)
            .flat_map(|y| (1..=12).map(move |m| (y, m)))
            .filter(|&(y, m)| (y, m) >= FIRST_MONTH)
            .collect(),
        // National: December 2020 only (see the module comment).
        Scale::National => vec![(LAST_YEAR, 12)],
    }
}

/// "Chi bộ Khu phố 1" → Some("Khu phố 1") for residential cells.
fn residential(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("Chi bộ ")?;
    [
        "Khu phố ",
        "Tổ dân phố ",
        "Ấp ",
        "ấp ",
        "Thôn ",
        "thôn ",
        "Bản ",
        "bản ",
    ]
    .iter()
    .any(|p| rest.starts_with(p))
    .then_some(rest)
}

/// Lower-cases the first letter (for a topic inside a sentence).
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl<'a> Calendar<'a> {
    /// The calendar of `units` (normally `units(scale, seed)`).
    pub fn new(scale: Scale, seed: u64, units: &'a [DemoUnit]) -> Calendar<'a> {
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
        let (mut grassroots, mut g_of, mut g_up) =
            (Vec::new(), vec![NONE; units.len()], Vec::new());
        let (mut cells, mut c_of, mut c_up) = (Vec::new(), vec![NONE; units.len()], Vec::new());
        for (i, u) in units.iter().enumerate() {
            // Parents come before children, so the parent's entries are final here.
            let p = parent[i] as usize;
            let above_g = if p < i { g_of[p] } else { NONE };
            let above_c = if p < i { c_of[p] } else { NONE };
            if matches!(
                u.unit_type,
                UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
            ) {
                g_of[i] = grassroots.len() as u32;
                grassroots.push(i as u32);
                g_up.push(above_g);
            } else {
                g_of[i] = above_g;
            }
            if u.unit_type.holds_cell_meetings() {
                c_of[i] = cells.len() as u32;
                cells.push(i as u32);
                c_up.push(above_c);
            } else {
                c_of[i] = above_c;
            }
        }
        let months = months_of(scale);
        // Members per grassroots unit (as planned), to let only small units fall far below target.
        let mut size = vec![0u32; grassroots.len()];
        for h in &Plan::new(scale, seed, units).holders {
            let g = g_of[h.unit as usize];
            if g != NONE {
                size[g as usize] += h.count;
            }
        }
        let mut study_dates = Vec::with_capacity(grassroots.len() * STUDY_PER_UNIT);
        let mut study_factor = Vec::with_capacity(grassroots.len() * YEARS);
        for (slot, members) in size.iter().enumerate() {
            let s = slot as u64;
            for (yi, year) in (FIRST_YEAR..=LAST_YEAR).enumerate() {
                let h = |k: u64| hash(seed, SALT_DATES, s, (yi as u64) << 8 | k);
                let (thematic, other) = if year == FIRST_YEAR {
                    // Quán triệt in the weeks after the plan (21/06/2016), before the members write
                    // their registrations; the directive with the whole-term theme after that.
                    (
                        weekday_in(ymd(year, 8, 15), ymd(year, 9, 30), h(0)),
                        weekday_in(ymd(year, 6, 27), ymd(year, 7, 15), h(1)),
                    )
                } else {
                    // Thematic study in the 2nd–3rd quarter, sơ kết in December.
                    (
                        weekday_in(ymd(year, 4, 3), ymd(year, 9, 29), h(0)),
                        weekday_in(ymd(year, 12, 1), ymd(year, 12, 22), h(1)),
                    )
                };
                study_dates.push(thematic);
                study_dates.push(other);
                let f = hash(seed, SALT_FACTORS, s, yi as u64);
                let year_factor = STUDY_YEAR_FACTOR[yi];
                let factor = if *members < 60 && unit_f(mix(f)) < 0.12 {
                    // A small unit with a bad year: well below the 95% target.
                    4.0 + 1.2 * unit_f(f)
                } else {
                    (0.45 + 0.9 * unit_f(f)) * year_factor
                };
                study_factor.push(factor);
            }
        }
        let mut cell_dates = Vec::with_capacity(cells.len() * months.len());
        let mut cell_factor = Vec::with_capacity(cells.len() * YEARS);
        for slot in 0..cells.len() {
            let s = slot as u64 | 1 << 40;
            for &(y, m) in &months {
                let h = hash(seed, SALT_DATES, s, (y as u64) << 8 | u64::from(m));
                cell_dates.push(weekday_in(ymd(y, m, 2), ymd(y, m, 12), h));
            }
            for (yi, year_factor) in CELL_YEAR_FACTOR.into_iter().enumerate() {
                let f = hash(seed, SALT_FACTORS, s, yi as u64);
                cell_factor.push((0.55 + 0.9 * unit_f(f)) * year_factor);
            }
        }
        let plan_unit = plan_unit(units)
            .and_then(|u| index.get(u.code.as_str()).copied())
            .unwrap_or(0);
        Calendar {
            units,
            seed,
            index,
            grassroots,
            g_of,
            g_up,
            cells,
            c_of,
            c_up,
            months,
            study_dates,
            study_factor,
            cell_dates,
            cell_factor,
            plan_unit,
        }
    }

    /// Index (in the units slice) of the unit issuing the plan and themes.
    pub fn plan_unit(&self) -> usize {
        self.plan_unit as usize
    }

    /// Number of study sessions (they come first in the calendar).
    pub fn study_count(&self) -> usize {
        self.grassroots.len() * STUDY_PER_UNIT
    }

    /// Number of cell meetings (after the study sessions).
    pub fn cell_count(&self) -> usize {
        self.cells.len() * self.months.len()
    }

    /// Number of meetings in all.
    pub fn len(&self) -> usize {
        self.study_count() + self.cell_count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The date of meeting `index`.
    pub fn meeting_date(&self, index: usize) -> Option<NaiveDate> {
        match index.checked_sub(self.study_count()) {
            None => self.study_dates.get(index).copied(),
            Some(c) => self.cell_dates.get(c).copied(),
        }
    }

    /// Meeting `index` of the calendar (0 ≤ index < `len()`).
    pub fn meeting(&self, index: usize) -> Option<DemoMeeting> {
        let date = self.meeting_date(index)?;
        let h = hash(self.seed, SALT_TEXT, index as u64, 0);
        if index < self.study_count() {
            let slot = index / STUDY_PER_UNIT;
            let k = index % STUDY_PER_UNIT;
            let year = FIRST_YEAR + (k / STUDY_PER_YEAR) as i32;
            let thematic = k.is_multiple_of(STUDY_PER_YEAR);
            let unit = *self.grassroots.get(slot)?;
            let u = &self.units[unit as usize];
            let issuer = &self.units[self.plan_unit as usize].name;
            let (title, minutes) = if thematic && year == FIRST_YEAR {
                let t = theme(year).unwrap_or_default();
                (
                    "Học tập chuyên đề toàn khóa 2016 – 2021".to_string(),
                    format!("Hội nghị đã học tập Chỉ thị {DIRECTIVE_CODE} cùng chuyên đề toàn khóa 2016 – 2021 \"{t}\". Đảng viên thảo luận, liên hệ bản thân và thực hiện những việc làm theo đã đăng ký năm {year}."),
                )
            } else if thematic {
                let t = theme(year).unwrap_or_default();
                (
                    format!("Học tập chuyên đề năm {year}"),
                    format!("Hội nghị đã nghe báo cáo chuyên đề năm {year} \"{t}\". Đảng viên thảo luận, liên hệ bản thân và đăng ký việc làm theo gắn với nhiệm vụ được giao."),
                )
            } else if year == FIRST_YEAR {
                (
                    format!("Quán triệt Chỉ thị {DIRECTIVE_CODE} và Kế hoạch {PLAN_NUMBER}"),
                    format!("Hội nghị đã quán triệt Chỉ thị {DIRECTIVE_CODE} ngày 15/05/2016 của {DIRECTIVE_ISSUER} và Kế hoạch {PLAN_NUMBER} ngày 21/06/2016 của {issuer}; chi ủy hướng dẫn đảng viên xây dựng bản đăng ký học tập và làm theo năm {year}."),
                )
            } else {
                (
                    format!("Sơ kết việc thực hiện Chỉ thị {DIRECTIVE_CODE} năm {year}"),
                    format!("Hội nghị đánh giá kết quả học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year}, biểu dương tập thể, cá nhân tiêu biểu và đề ra nhiệm vụ năm {}.", year + 1),
                )
            };
            let place = match u.name.strip_prefix("Đảng bộ ") {
                Some(rest) => format!("Hội trường Đảng ủy {rest}"),
                None => match u.name.strip_prefix("Chi bộ Trường ") {
                    Some(rest) => format!("Phòng họp Trường {rest}"),
                    None => "Phòng họp cơ quan".to_string(),
                },
            };
            let (starts_at, ends_at) = if h.is_multiple_of(4) {
                ("13:30", "16:30")
            } else {
                ("07:30", "11:00")
            };
            return Some(DemoMeeting {
                index: index as u32,
                unit,
                kind: MeetingKind::Study,
                date,
                starts_at,
                ends_at,
                place,
                title,
                theme_year: thematic.then_some(year),
                thematic,
                minutes,
                quality: None,
            });
        }
        let c = index - self.study_count();
        let slot = c / self.months.len();
        let (year, month) = self.months[c % self.months.len()];
        let unit = *self.cells.get(slot)?;
        let u = &self.units[unit as usize];
        let thematic = is_thematic_month(month);
        let topic = self.topic_text(unit, year, month);
        let minutes = if thematic {
            let closing = [
                "Mỗi đảng viên đăng ký một việc làm cụ thể để thực hiện trong quý.",
                "Chi bộ biểu dương đảng viên tiêu biểu trong học tập và làm theo Bác.",
                "Chi ủy phân công đảng viên theo dõi, báo cáo kết quả làm theo tại kỳ sinh hoạt tới.",
            ][(h % 3) as usize];
            let q = ROMAN[((month - 1) / 3) as usize];
            format!(
                "Chi bộ đã thảo luận nội dung sinh hoạt chuyên đề quý {q}/{year}, liên hệ việc làm theo của từng đảng viên. {closing}"
            )
        } else {
            let closing = [
                "Các đảng viên phát biểu sôi nổi, đóng góp nhiều giải pháp thiết thực.",
                "Chi ủy phân công đảng viên phụ trách từng nội dung, báo cáo kết quả tại kỳ sinh hoạt tới.",
                "Đảng viên đóng đảng phí đầy đủ; chi bộ nhắc đảng viên vắng mặt học bù nội dung sinh hoạt.",
                "Chi bộ thống nhất nghị quyết tháng với các chỉ tiêu cụ thể, giao chi ủy tổ chức thực hiện.",
            ][(h % 4) as usize];
            format!(
                "Chi bộ đã thảo luận, đánh giá kết quả thực hiện nghị quyết tháng trước và thống nhất nhiệm vụ tháng {month:02}/{year}, trọng tâm: {}. {closing}",
                lower_first(&topic)
            )
        };
        let quality = match (h >> 8) % 100 {
            0..=77 => MeetingQuality::Good,
            78..=95 => MeetingQuality::Fair,
            _ => MeetingQuality::Average,
        };
        let place = match residential(&u.name) {
            Some(rest) => format!("Nhà văn hóa {rest}"),
            None => "Phòng họp cơ quan".to_string(),
        };
        Some(DemoMeeting {
            index: index as u32,
            unit,
            kind: MeetingKind::Cell,
            date,
            starts_at: "14:00",
            ends_at: "16:30",
            place,
            title: topic,
            theme_year: (thematic && theme(year).is_some()).then_some(year),
            thematic,
            minutes,
            quality: Some(quality),
        })
    }

    fn topic_text(&self, unit: u32, year: i32, month: u32) -> String {
        if is_thematic_month(month) {
            thematic_topic(year, month)
        } else {
            let v = hash(
                self.seed,
                SALT_TEXT,
                u64::from(unit),
                (year as u64) << 8 | u64::from(month),
            );
            regular_topic(year, month, v)
        }
    }

    /// The monthly topic recorded for cell meeting `index` (None for study sessions): set between the
    /// 10th and the 19th of the month before, at 09:00 local time.
    pub fn topic(&self, index: usize) -> Option<DemoTopic> {
        let c = index.checked_sub(self.study_count())?;
        let unit = *self.cells.get(c / self.months.len())?;
        let (year, month) = *self.months.get(c % self.months.len())?;
        let start = ymd(year, month, 1);
        let h = hash(self.seed, SALT_TEXT, index as u64, 1);
        let prev = start - Duration::days(1);
        let day = ymd(prev.year(), prev.month(), 10 + (h % 10) as u32);
        Some(DemoTopic {
            unit,
            year,
            month,
            topic: self.topic_text(unit, year, month),
            thematic: is_thematic_month(month),
            set_at: day.and_hms_opt(2, 0, 0).unwrap_or_default().and_utc(),
        })
    }

    /// Topics for the month after `today`'s for about 70% of the cells under the plan unit (the city),
    /// so that the board of cells that have not set their topic yet has entries on both sides.
    pub fn upcoming_topics(&self, today: NaiveDate) -> Vec<DemoTopic> {
        let (year, month) = domain::attendance::next_topic_month(today);
        let month_start = ymd(today.year(), today.month(), 1);
        let mut out = Vec::new();
        for &cell in &self.cells {
            if !self.is_under(cell, self.plan_unit) {
                continue;
            }
            let h = hash(
                self.seed,
                SALT_TEXT,
                u64::from(cell),
                (year as u64) << 8 | u64::from(month),
            );
            if h % 100 >= 70 {
                continue;
            }
            let day = (today - Duration::days(1 + ((h >> 8) % 12) as i64)).max(month_start);
            out.push(DemoTopic {
                unit: cell,
                year,
                month,
                topic: self.topic_text(cell, year, month),
                thematic: is_thematic_month(month),
                set_at: day.and_hms_opt(2, 0, 0).unwrap_or_default().and_utc(),
            });
        }
        out
    }

    fn is_under(&self, mut unit: u32, ancestor: u32) -> bool {
        let mut guard = 0;
        while unit != NONE && guard < 64 {
            if unit == ancestor {
                return true;
            }
            let parent = self.units[unit as usize]
                .parent_code
                .as_deref()
                .and_then(|p| self.index.get(p).copied());
            unit = parent.unwrap_or(NONE);
            guard += 1;
        }
        false
    }

    /// Appends the marks of one member (`member_index` = position in the member stream) at every meeting
    /// they were expected at: held by a unit whose subtree held their membership on the date, while
    /// their status was active.
    pub fn marks(&self, member_index: u64, m: &DemoMember, out: &mut Vec<DemoMark>) {
        let active = |d: NaiveDate| {
            m.status == MemberStatus::Active || m.status_since.is_some_and(|s| d < s)
        };
        let propensity: f32 = if hash(self.seed, SALT_MEMBER, member_index, 0) % 100 < 2 {
            5.0
        } else {
            0.92
        };
        for (k, ms) in m.memberships.iter().enumerate() {
            let Some(&unit) = self.index.get(ms.unit_code.as_str()) else {
                continue;
            };
            let from = ms.since;
            let until = m.memberships.get(k + 1).map(|n| n.since);
            let during = |d: NaiveDate| d >= from && until.is_none_or(|t| d < t) && active(d);
            let mut g = self.g_of[unit as usize];
            while g != NONE {
                let base = g as usize * STUDY_PER_UNIT;
                for j in 0..STUDY_PER_UNIT {
                    let date = self.study_dates[base + j];
                    if during(date) {
                        let f = self.study_factor[g as usize * YEARS + j / STUDY_PER_YEAR];
                        let (mark, made_up_from) =
                            self.draw(member_index, base + j, f * propensity, StudyRates::STUDY);
                        out.push(DemoMark {
                            meeting: (base + j) as u32,
                            unit,
                            date,
                            mark,
                            made_up_from,
                        });
                    }
                }
                g = self.g_up[g as usize];
            }
            let months = self.months.len();
            let mut c = self.c_of[unit as usize];
            while c != NONE {
                let base = c as usize * months;
                for (j, &(year, _)) in self.months.iter().enumerate() {
                    let date = self.cell_dates[base + j];
                    if during(date) {
                        let yi = (year - FIRST_YEAR).clamp(0, YEARS as i32 - 1) as usize;
                        let f = self.cell_factor[c as usize * YEARS + yi];
                        let index = self.study_count() + base + j;
                        let (mark, made_up_from) =
                            self.draw(member_index, index, f * propensity, StudyRates::CELL);
                        out.push(DemoMark {
                            meeting: index as u32,
                            unit,
                            date,
                            mark,
                            made_up_from,
                        });
                    }
                }
                c = self.c_up[c as usize];
            }
        }
    }

    /// One mark: absences scaled by `factor`, a share of them made up later.
    fn draw(
        &self,
        member_index: u64,
        meeting: usize,
        factor: f32,
        r: StudyRates,
    ) -> (Mark, Option<Mark>) {
        let h = hash(self.seed, SALT_MARKS, member_index, meeting as u64);
        let x = (h % 1_000_000) as f32;
        let excused = r.excused * factor;
        let absent = excused + r.absent * factor;
        let late = (absent + r.late).min(900_000.0);
        let made_up = ((h >> 32) % 100) as f32;
        if x < excused {
            if made_up < r.makeup_of_excused {
                (Mark::Makeup, Some(Mark::Excused))
            } else {
                (Mark::Excused, None)
            }
        } else if x < absent {
            if made_up < r.makeup_of_absent {
                (Mark::Makeup, Some(Mark::Absent))
            } else {
                (Mark::Absent, None)
            }
        } else if x < late {
            (Mark::Late, None)
        } else {
            (Mark::Present, None)
        }
    }
}

/// Base probabilities per million (before the unit, year and member factors) and make-up shares in %.
#[derive(Clone, Copy)]
struct StudyRates {
    excused: f32,
    absent: f32,
    late: f32,
    makeup_of_excused: f32,
    makeup_of_absent: f32,
}

impl StudyRates {
    /// Study sessions: ~98.8% attended, ~1% late, ~0.8% excused, ~0.4% absent, ~0.5% made up.
    const STUDY: StudyRates = StudyRates {
        excused: 12_500.0,
        absent: 6_000.0,
        late: 10_000.0,
        makeup_of_excused: 30.0,
        makeup_of_absent: 27.0,
    };
    /// Cell meetings: ~96% attended.
    const CELL: StudyRates = StudyRates {
        excused: 30_000.0,
        absent: 12_000.0,
        late: 15_000.0,
        makeup_of_excused: 15.0,
        makeup_of_absent: 15.0,
    };
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::{members, units};
    use domain::attendance::Tally;
    use std::collections::BTreeMap;

    #[test]
    fn sessions_are_weekdays_in_their_windows() {
        let us = units(Scale::City, 7);
        let cal = Calendar::new(Scale::City, 7, &us);
        assert_eq!(cal.study_count() % 10, 0);
        assert_eq!(cal.cell_count(), cal.cells.len() * 54);
        for i in 0..cal.len() {
            let m = cal.meeting(i).unwrap();
            assert!(
                !matches!(m.date.weekday(), Weekday::Sat | Weekday::Sun),
                "{m:?}"
            );
            assert!((FIRST_YEAR..=LAST_YEAR).contains(&m.date.year()));
            if m.kind == MeetingKind::Study && m.thematic {
                assert!((4..=9).contains(&m.date.month()), "{m:?}");
                assert_eq!(m.theme_year, Some(m.date.year()));
            }
            if m.kind == MeetingKind::Study && m.date.year() == 2016 {
                assert!(m.date > plan_date());
            }
            if m.kind == MeetingKind::Cell {
                let t = cal.topic(i).unwrap();
                assert_eq!(t.topic, m.title);
                assert_eq!((t.year, t.month), (m.date.year(), m.date.month()));
                assert!(t.set_at.date_naive() < m.date);
                assert!(m.minutes.starts_with("Chi bộ đã thảo luận"));
                assert!(m.title.chars().count() <= 500);
            }
        }
        assert!(cal.meeting(cal.len()).is_none());
        // Thành ủy Bến Tre issues the plan.
        assert_eq!(us[cal.plan_unit()].code, "TU-BT");
    }

    #[test]
    fn cell_meeting_months() {
        assert_eq!(months_of(Scale::City).len(), 54);
        assert_eq!(months_of(Scale::Province)[0], (2016, 7));
        assert_eq!(months_of(Scale::National), vec![(2020, 12)]);
    }

    #[test]
    fn marks_follow_membership_and_status_and_rates_are_plausible() {
        let seed = 2020;
        let us = units(Scale::City, seed);
        let cal = Calendar::new(Scale::City, seed, &us);
        let mut per_year: BTreeMap<(bool, i32), Tally> = BTreeMap::new();
        let mut per_unit_year: BTreeMap<(u32, i32), Tally> = BTreeMap::new();
        let mut made_up_from = 0;
        let mut out = Vec::new();
        for (i, m) in members(Scale::City, seed, &us).enumerate() {
            out.clear();
            cal.marks(i as u64, &m, &mut out);
            let mut seen = std::collections::HashSet::new();
            for mk in &out {
                assert!(seen.insert(mk.meeting), "one mark per meeting");
                // The membership on the date was in the holding unit's subtree.
                let held = cal.meeting(mk.meeting as usize).unwrap();
                assert_eq!(held.date, mk.date);
                assert!(cal.is_under(mk.unit, held.unit));
                let ms = m
                    .memberships
                    .iter()
                    .rev()
                    .find(|ms| ms.since <= mk.date)
                    .unwrap();
                assert_eq!(us[mk.unit as usize].code, ms.unit_code);
                assert!(m.status == MemberStatus::Active || m.status_since.unwrap() > mk.date);
                if mk.mark == Mark::Makeup {
                    assert!(mk.made_up_from.is_some_and(Mark::is_absence));
                    made_up_from += 1;
                } else {
                    assert!(mk.made_up_from.is_none());
                }
                let study = held.kind == MeetingKind::Study;
                per_year
                    .entry((study, mk.date.year()))
                    .or_default()
                    .add_mark(Some(mk.mark));
                if study {
                    per_unit_year
                        .entry((held.unit, mk.date.year()))
                        .or_default()
                        .add_mark(Some(mk.mark));
                }
            }
        }
        assert!(made_up_from > 0);
        for ((study, year), t) in &per_year {
            let rate = t.rate().unwrap();
            let share = |n: i64| n as f64 / t.expected as f64;
            if *study {
                assert!((0.984..=0.992).contains(&rate), "{year}: {rate} {t:?}");
                assert!((0.005..0.015).contains(&share(t.late)), "{t:?}");
                assert!((0.004..0.012).contains(&share(t.excused)), "{t:?}");
                assert!((0.001..0.007).contains(&share(t.absent)), "{t:?}");
                assert!((0.002..0.008).contains(&share(t.makeup)), "{t:?}");
            } else {
                assert!((0.95..=0.975).contains(&rate), "cell {year}: {rate} {t:?}");
            }
        }
        // A few units fall below the 95% target some years, most do not.
        let below = per_unit_year
            .values()
            .filter(|t| t.below_target(950))
            .count();
        assert!(below >= 2 && below * 5 < per_unit_year.len(), "{below}");
    }

    #[test]
    fn upcoming_topics_cover_most_city_cells() {
        let us = units(Scale::City, 1);
        let cal = Calendar::new(Scale::City, 1, &us);
        let today = ymd(2026, 11, 27);
        let t = cal.upcoming_topics(today);
        let share = t.len() as f64 / cal.cells.len() as f64;
        assert!((0.55..0.85).contains(&share), "{share}");
        assert!(t
            .iter()
            .all(|x| (x.year, x.month) == (2026, 12) && x.thematic));
        assert!(t.iter().all(|x| x.set_at.date_naive() < today));
    }

    /// Figures of the national calendar, printed (`cargo test -p demo --release -- --ignored --nocapture
    /// national_marks`): generation only, no database.
    #[test]
    #[ignore]
    fn national_marks() {
        let t = std::time::Instant::now();
        let us = units(Scale::National, 2020);
        let cal = Calendar::new(Scale::National, 2020, &us);
        println!(
            "calendar: {} study sessions, {} cell meetings in {:?}",
            cal.study_count(),
            cal.cell_count(),
            t.elapsed()
        );
        let t = std::time::Instant::now();
        let (mut study, mut cell) = (Tally::default(), Tally::default());
        let mut out = Vec::new();
        for (i, m) in members(Scale::National, 2020, &us).enumerate() {
            out.clear();
            cal.marks(i as u64, &m, &mut out);
            for mk in &out {
                if (mk.meeting as usize) < cal.study_count() {
                    study.add_mark(Some(mk.mark));
                } else {
                    cell.add_mark(Some(mk.mark));
                }
            }
        }
        println!(
            "marks: study {study:?} ({:.4}), cell {cell:?} ({:.4}) in {:?}",
            study.rate().unwrap_or_default(),
            cell.rate().unwrap_or_default(),
            t.elapsed()
        );
    }

    #[test]
    fn deterministic() {
        let us = units(Scale::City, 5);
        let a = Calendar::new(Scale::City, 5, &us);
        let b = Calendar::new(Scale::City, 5, &us);
        assert_eq!(a.meeting(3), b.meeting(3));
        let m = members(Scale::City, 5, &us).nth(100).unwrap();
        let (mut x, mut y) = (Vec::new(), Vec::new());
        a.marks(100, &m, &mut x);
        b.marks(100, &m, &mut y);
        assert_eq!(x, y);
    }
}
