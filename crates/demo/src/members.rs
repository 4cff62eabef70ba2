//! The member plan (how many members each cell has, which slots hold which positions) and the
//! streaming generator.

use crate::names::NameTables;
use crate::{DemoMember, DemoMembership, DemoUnit, Scale};
use chrono::{Datelike, Months, NaiveDate};
use domain::{Gender, MemberStatus, UnitType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

const SALT_SIZES: u64 = 0x7369_7a65_735f_7631;
const SALT_IDS: u64 = 0x6964_735f_5f5f_7631;
const SALT_MEMBERS: u64 = 0x6d65_6d62_6572_7331;
const NONE: u32 = u32::MAX;

/// Slot (0-based position in its cell) of the plain member every residential cell keeps active; the
/// demo member account of Phường 7 is this slot of "P7-KP1".
pub(crate) const ACCOUNT_SLOT: u32 = 5;
/// First slot of a committee's own positions (in its first member-holding child).
pub(crate) const COMMITTEE_SLOT: u32 = 6;

/// What a cell is, for sizes, gender balance and occupations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Urban quarter: khu phố, tổ dân phố.
    Quarter,
    /// Rural hamlet: ấp, thôn, bản.
    Hamlet,
    /// Cơ quan of a ward or commune.
    WardOffice,
    Police,
    Military,
    School,
    Health,
    Agency,
}

impl Kind {
    fn residential(self) -> bool {
        matches!(self, Kind::Quarter | Kind::Hamlet)
    }
    /// Raw size range before scaling to the target.
    fn raw_size(self) -> (u32, u32) {
        match self {
            Kind::Quarter => (22, 56),
            Kind::Hamlet => (20, 52),
            Kind::WardOffice => (16, 28),
            Kind::Police => (15, 32),
            Kind::Military => (12, 22),
            Kind::School => (14, 32),
            Kind::Health => (15, 36),
            Kind::Agency => (12, 28),
        }
    }
    /// Female share in per cent.
    fn female_pct(self) -> u32 {
        match self {
            Kind::Quarter => 48,
            Kind::Hamlet => 40,
            Kind::WardOffice => 42,
            Kind::Police => 12,
            Kind::Military => 5,
            Kind::School => 70,
            Kind::Health => 62,
            Kind::Agency => 46,
        }
    }
    fn occupations(self) -> &'static [(&'static str, Age)] {
        match self {
            Kind::Quarter => OCC_QUARTER,
            Kind::Hamlet => OCC_HAMLET,
            Kind::WardOffice => OCC_WARD_OFFICE,
            Kind::Police => OCC_POLICE,
            Kind::Military => OCC_MILITARY,
            Kind::School => OCC_SCHOOL,
            Kind::Health => OCC_HEALTH,
            Kind::Agency => OCC_AGENCY,
        }
    }
}

/// Who may hold a position: anyone, only a woman, only a young or an older member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Age {
    Any,
    Young,
    Old,
    /// Born 1958–1986: secretaries and committee leaders.
    Senior,
    Female,
}

const OCC_QUARTER: &[(&str, Age)] = &[
    ("Tổ trưởng tổ dân phố", Age::Any),
    ("Cán bộ hưu trí", Age::Old),
    ("Kinh doanh", Age::Any),
    ("Giáo viên", Age::Any),
    ("Công nhân", Age::Any),
    ("Nhân viên văn phòng", Age::Any),
    ("Chi hội trưởng Chi hội Cựu chiến binh", Age::Old),
    ("Chi hội trưởng Chi hội Phụ nữ", Age::Female),
    ("Bí thư Chi đoàn", Age::Young),
    ("Tổ trưởng Tổ hòa giải", Age::Any),
    ("Tổ viên Tổ dân vận", Age::Any),
];
const OCC_HAMLET: &[(&str, Age)] = &[
    ("Nông dân", Age::Any),
    ("Nông dân", Age::Any),
    ("Cán bộ hưu trí", Age::Old),
    ("Tổ trưởng tổ nhân dân tự quản", Age::Any),
    ("Chi hội trưởng Chi hội Nông dân", Age::Any),
    ("Chi hội trưởng Chi hội Cựu chiến binh", Age::Old),
    ("Chi hội trưởng Chi hội Phụ nữ", Age::Female),
    ("Bí thư Chi đoàn", Age::Young),
    ("Kinh doanh", Age::Any),
    ("Giáo viên", Age::Any),
    ("Công nhân", Age::Any),
    ("Tổ viên Tổ dân vận", Age::Any),
];
const OCC_WARD_OFFICE: &[(&str, Age)] = &[
    ("Công chức Văn phòng - Thống kê", Age::Any),
    ("Công chức Tư pháp - Hộ tịch", Age::Any),
    ("Công chức Địa chính - Xây dựng", Age::Any),
    ("Công chức Văn hóa - Xã hội", Age::Any),
    ("Công chức Tài chính - Kế toán", Age::Any),
    ("Phó Chủ tịch Ủy ban MTTQ", Age::Any),
    ("Phó Chủ tịch Hội Cựu chiến binh", Age::Old),
    ("Phó Chủ tịch Hội Liên hiệp Phụ nữ", Age::Female),
    ("Phó Bí thư Đoàn Thanh niên", Age::Young),
    ("Cán bộ không chuyên trách", Age::Any),
];
const OCC_POLICE: &[(&str, Age)] = &[
    ("Cán bộ Công an", Age::Any),
    ("Cảnh sát khu vực", Age::Any),
    ("Điều tra viên", Age::Any),
    ("Chiến sĩ", Age::Young),
    ("Cán bộ tham mưu", Age::Any),
];
const OCC_MILITARY: &[(&str, Age)] = &[
    ("Sĩ quan", Age::Any),
    ("Quân nhân chuyên nghiệp", Age::Any),
    ("Chính trị viên phó", Age::Any),
    ("Trợ lý", Age::Any),
];
const OCC_SCHOOL: &[(&str, Age)] = &[
    ("Giáo viên", Age::Any),
    ("Giáo viên", Age::Any),
    ("Giáo viên", Age::Any),
    ("Tổ trưởng chuyên môn", Age::Any),
    ("Phó Hiệu trưởng", Age::Any),
    ("Giáo viên Tổng phụ trách Đội", Age::Young),
    ("Nhân viên kế toán", Age::Any),
];
const OCC_HEALTH: &[(&str, Age)] = &[
    ("Bác sĩ", Age::Any),
    ("Bác sĩ", Age::Any),
    ("Điều dưỡng", Age::Any),
    ("Dược sĩ", Age::Any),
    ("Y sĩ", Age::Any),
    ("Kỹ thuật viên", Age::Any),
    ("Hộ sinh", Age::Female),
];
const OCC_AGENCY: &[(&str, Age)] = &[
    ("Chuyên viên", Age::Any),
    ("Chuyên viên", Age::Any),
    ("Chuyên viên chính", Age::Any),
    ("Kế toán", Age::Any),
    ("Cán sự", Age::Any),
    ("Nhân viên", Age::Any),
    ("Thanh tra viên", Age::Any),
];

const PHONE_PREFIXES: &[&str] = &[
    "090", "091", "093", "094", "096", "097", "098", "086", "088", "089", "032", "033", "034",
    "035", "036", "037", "038", "039", "081", "082", "083", "084", "085",
];

/// A keyed bijection on [0, half²): a four-round balanced Feistel network over Z_half × Z_half.
/// Consecutive inputs give unrelated-looking outputs (card numbers, citizen-ID serials).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permutation {
    keys: [u64; 4],
    half: u64,
}

#[inline]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Permutation {
    fn new(rng: &mut ChaCha8Rng, half: u64) -> Permutation {
        Permutation {
            keys: [rng.gen(), rng.gen(), rng.gen(), rng.gen()],
            half,
        }
    }
    #[inline]
    fn apply(self, i: u64) -> u64 {
        let h = self.half;
        let i = i % (h * h);
        let (mut l, mut r) = (i / h, i % h);
        for k in self.keys {
            let next = (l + mix(r ^ k) % h) % h;
            l = r;
            r = next;
        }
        l * h + r
    }
}

/// One member-holding unit (cell or grassroots cell) in the plan.
#[derive(Debug, Clone)]
pub(crate) struct Holder {
    pub unit: u32,
    pub count: u32,
    /// Global index of the first member of this unit.
    pub start: u64,
    /// Index of the first member within the province (citizen-ID serial).
    local_start: u32,
    prov: u16,
    kind: Kind,
    /// The committee whose positions are held in this unit (its first member-holding child).
    pub committee: u32,
    parent: u32,
}

/// How members are spread over the units.
pub(crate) struct Plan {
    pub holders: Vec<Holder>,
    pub total: u64,
    card: Permutation,
    citizen: Permutation,
}

/// The per-scale member target.
pub(crate) fn target(scale: Scale) -> u64 {
    match scale {
        Scale::City => 6_000,
        Scale::Province => 90_000,
        Scale::National => 5_300_000,
    }
}

impl Plan {
    pub(crate) fn new(scale: Scale, seed: u64, units: &[DemoUnit]) -> Plan {
        let mut index: HashMap<&str, u32> = HashMap::with_capacity(units.len());
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
        let mut prov = vec![83u16; units.len()];
        for (i, u) in units.iter().enumerate() {
            prov[i] = province_code(&u.code).unwrap_or_else(|| {
                let p = parent[i];
                if p != NONE && (p as usize) < i {
                    prov[p as usize]
                } else {
                    83
                }
            });
        }
        let mut first_holder = vec![NONE; units.len()];
        let mut size_rng = ChaCha8Rng::seed_from_u64(seed ^ SALT_SIZES);
        let mut holders = Vec::new();
        let mut raw = Vec::new();
        let mut mins = Vec::new();
        for (i, u) in units.iter().enumerate() {
            if !matches!(u.unit_type, UnitType::Cell | UnitType::GrassrootsCell) {
                continue;
            }
            let p = parent[i];
            let mut committee = NONE;
            if p != NONE
                && is_committee(units[p as usize].unit_type)
                && first_holder[p as usize] == NONE
            {
                first_holder[p as usize] = i as u32;
                committee = p;
            }
            let kind = classify(units, &parent, i);
            let (lo, hi) = kind.raw_size();
            raw.push(u64::from(size_rng.gen_range(lo..=hi)));
            let mut min = if kind.residential() {
                ACCOUNT_SLOT + 1
            } else {
                3
            };
            if committee != NONE {
                let n = committee_specials(units, committee as usize).len() as u32;
                min = min.max(COMMITTEE_SLOT + n);
            }
            mins.push(min);
            holders.push(Holder {
                unit: i as u32,
                count: 0,
                start: 0,
                local_start: 0,
                prov: prov[i],
                kind,
                committee,
                parent: p,
            });
        }
        let target = target(scale);
        let (floor, ceil) = match scale {
            Scale::City | Scale::Province => (15, 60),
            Scale::National => (3, 60),
        };
        let sum: u64 = raw.iter().sum::<u64>().max(1);
        let mut total = 0u64;
        let mut per_province = [0u32; 100];
        for (h, (r, min)) in holders.iter_mut().zip(raw.iter().zip(&mins)) {
            let scaled = (r * target * 2 + sum) / (2 * sum);
            let count = (scaled as u32).clamp(floor, ceil).max(*min);
            h.count = count;
            h.start = total;
            let slot = &mut per_province[(h.prov % 100) as usize];
            h.local_start = *slot;
            *slot += count;
            total += u64::from(count);
        }
        let mut id_rng = ChaCha8Rng::seed_from_u64(seed ^ SALT_IDS);
        let card = Permutation::new(&mut id_rng, 10_000);
        let citizen = Permutation::new(&mut id_rng, 1_000);
        Plan {
            holders,
            total,
            card,
            citizen,
        }
    }

    /// The card number of the member in `slot` of the member-holding unit with this code.
    pub(crate) fn card_at(&self, units: &[DemoUnit], code: &str, slot: u32) -> Option<String> {
        let h = self
            .holders
            .iter()
            .find(|h| units[h.unit as usize].code == code)?;
        if slot >= h.count {
            return None;
        }
        let mut s = String::with_capacity(8);
        push_digits(&mut s, self.card.apply(h.start + u64::from(slot)), 8);
        Some(s)
    }
}

fn is_committee(t: UnitType) -> bool {
    matches!(t, UnitType::PartyCommittee | UnitType::GrassrootsCommittee)
}

/// "T83" → 83 (national province codes).
fn province_code(code: &str) -> Option<u16> {
    let rest = code.strip_prefix('T')?;
    if rest.len() == 2 && rest.bytes().all(|b| b.is_ascii_digit()) {
        rest.parse().ok()
    } else {
        None
    }
}

fn classify(units: &[DemoUnit], parent: &[u32], i: usize) -> Kind {
    let name = units[i].name.as_str();
    let rest = name.strip_prefix("Chi bộ ").unwrap_or(name);
    const QUARTERS: [&str; 2] = ["Khu phố ", "Tổ dân phố "];
    const HAMLETS: [&str; 8] = [
        "Ấp ", "ấp ", "Thôn ", "thôn ", "Bản ", "bản ", "Buôn ", "buôn ",
    ];
    if QUARTERS.iter().any(|q| rest.starts_with(q)) {
        return Kind::Quarter;
    }
    if HAMLETS.iter().any(|q| rest.starts_with(q)) {
        return Kind::Hamlet;
    }
    if matches!(rest, "Cơ quan phường" | "Cơ quan xã" | "Cơ quan thị trấn") {
        return Kind::WardOffice;
    }
    let pname = match parent[i] {
        NONE => "",
        p => units[p as usize].name.as_str(),
    };
    let has = |s: &str| name.contains(s) || pname.contains(s);
    if has("Công an") {
        Kind::Police
    } else if has("Quân sự") || has("Biên phòng") {
        Kind::Military
    } else if name.contains("Trường ") {
        Kind::School
    } else if has("Y tế") || has("Bệnh viện") {
        Kind::Health
    } else {
        Kind::Agency
    }
}

/// A slot with fixed positions (and possibly a fixed gender, age or name).
#[derive(Debug, Clone)]
pub(crate) struct Special {
    slot: u32,
    titles: Vec<String>,
    gender: Option<Gender>,
    age: Age,
    name: Option<&'static str>,
}

impl Special {
    fn new(slot: u32, titles: Vec<String>) -> Special {
        Special {
            slot,
            titles,
            gender: None,
            age: Age::Any,
            name: None,
        }
    }
}

/// "Phường 7" from "Đảng bộ Phường 7" (wards, communes, towns).
fn ward_area(u: &DemoUnit) -> Option<&str> {
    if u.unit_type != UnitType::GrassrootsCommittee {
        return None;
    }
    let rest = u.name.strip_prefix("Đảng bộ ")?;
    ["phường ", "Phường ", "xã ", "thị trấn "]
        .iter()
        .any(|p| rest.starts_with(p))
        .then_some(rest)
}

/// The positions of a committee, held in its first member-holding child from slot
/// [`COMMITTEE_SLOT`] on.
pub(crate) fn committee_specials(units: &[DemoUnit], ci: usize) -> Vec<Special> {
    let u = &units[ci];
    let mut out: Vec<Special> = Vec::new();
    fn push(out: &mut Vec<Special>, titles: Vec<String>) -> usize {
        let slot = COMMITTEE_SLOT + out.len() as u32;
        out.push(Special::new(slot, titles));
        out.len() - 1
    }
    if let Some(a) = ward_area(u) {
        push(&mut out, vec![format!("Bí thư Đảng ủy {a}")]);
        push(
            &mut out,
            vec![format!("Phó Bí thư Thường trực Đảng ủy {a}")],
        );
        push(
            &mut out,
            vec![
                format!("Phó Bí thư Đảng ủy {a}"),
                format!("Chủ tịch UBND {a}"),
            ],
        );
        push(&mut out, vec![format!("Chủ tịch Ủy ban MTTQ {a}")]);
        push(
            &mut out,
            vec![format!("Chủ nhiệm Ủy ban Kiểm tra Đảng ủy {a}")],
        );
        push(&mut out, vec![format!("Phó Chủ tịch UBND {a}")]);
        let i = push(&mut out, vec![format!("Chủ tịch Hội Cựu chiến binh {a}")]);
        out[i].age = Age::Old;
        out[i].gender = Some(Gender::Male);
        let i = push(&mut out, vec![format!("Chủ tịch Hội Liên hiệp Phụ nữ {a}")]);
        out[i].gender = Some(Gender::Female);
        let i = push(&mut out, vec![format!("Bí thư Đoàn Thanh niên {a}")]);
        out[i].age = Age::Young;
        if a.starts_with("xã ") {
            push(&mut out, vec![format!("Chủ tịch Hội Nông dân {a}")]);
        }
        return senior(out);
    }
    let levels = [
        ("Thành ủy ", "thành phố"),
        ("Tỉnh ủy ", "tỉnh"),
        ("Huyện ủy ", "huyện"),
        ("Quận ủy ", "quận"),
        ("Thị ủy ", "thị xã"),
    ];
    for (level, gov) in levels {
        if let Some(place) = u.name.strip_prefix(level) {
            let l = u.name.as_str();
            let g = if place.starts_with("Thành phố ") {
                place.to_string()
            } else {
                format!("{gov} {place}")
            };
            push(&mut out, vec![format!("Bí thư {l}")]);
            let i = push(&mut out, vec![format!("Phó Bí thư Thường trực {l}")]);
            if u.code == "TU-BT" {
                out[i].name = Some("Võ Thanh Hồng");
                out[i].gender = Some(Gender::Male);
                out[i].age = Age::Old;
            }
            push(
                &mut out,
                vec![format!("Phó Bí thư {l}"), format!("Chủ tịch UBND {g}")],
            );
            push(&mut out, vec![format!("Chủ nhiệm Ủy ban Kiểm tra {l}")]);
            push(&mut out, vec![format!("Trưởng Ban Tổ chức {l}")]);
            push(&mut out, vec![format!("Trưởng Ban Tuyên giáo {l}")]);
            push(&mut out, vec![format!("Trưởng Ban Dân vận {l}")]);
            push(&mut out, vec![format!("Chánh Văn phòng {l}")]);
            push(
                &mut out,
                vec![
                    format!("Ủy viên Ban Thường vụ {l}"),
                    format!("Chủ tịch Ủy ban MTTQ {g}"),
                ],
            );
            push(
                &mut out,
                vec![
                    format!("Ủy viên Ban Thường vụ {l}"),
                    format!("Phó Chủ tịch UBND {g}"),
                ],
            );
            return senior(out);
        }
    }
    if is_committee(u.unit_type) {
        if let Some(x) = u.name.strip_prefix("Đảng bộ ") {
            push(&mut out, vec![format!("Bí thư Đảng ủy {x}")]);
            push(&mut out, vec![format!("Phó Bí thư Đảng ủy {x}")]);
        }
    }
    senior(out)
}

/// Leaders without a specific age are born 1958–1986.
fn senior(mut specials: Vec<Special>) -> Vec<Special> {
    for s in &mut specials {
        if s.age == Age::Any {
            s.age = Age::Senior;
        }
    }
    specials
}

/// The specials of a holder: cell leadership, its head title, the quarter head, the committee's.
fn holder_specials(units: &[DemoUnit], h: &Holder) -> Vec<Special> {
    let u = &units[h.unit as usize];
    let mut out = Vec::with_capacity(6);
    let mut secretary = vec!["Bí thư Chi bộ".to_string()];
    let rest = u.name.strip_prefix("Chi bộ ").unwrap_or(&u.name);
    let parent_area = match h.parent {
        NONE => None,
        p => ward_area(&units[p as usize]),
    };
    if let Some(r) = rest.strip_prefix("Phòng ") {
        secretary.push(format!("Trưởng Phòng {r}"));
    } else if rest.starts_with("Trường ") {
        secretary.push(format!("Hiệu trưởng {rest}"));
    } else if rest.starts_with("Trung tâm ") || rest.starts_with("Sở ") {
        secretary.push(format!("Giám đốc {rest}"));
    } else if let Some(area) = parent_area {
        if rest.starts_with("Công an ") {
            secretary.push(format!("Trưởng Công an {area}"));
        } else if rest.starts_with("Quân sự ") {
            secretary.push(format!("Chỉ huy trưởng Ban Chỉ huy Quân sự {area}"));
        }
    }
    out.push(Special::new(0, secretary));
    out.push(Special::new(1, vec!["Phó Bí thư Chi bộ".to_string()]));
    out = senior(out);
    if h.count >= 9 {
        out.push(Special::new(2, vec!["Chi ủy viên".to_string()]));
    }
    if h.count >= 25 {
        out.push(Special::new(3, vec!["Chi ủy viên".to_string()]));
    }
    if h.kind.residential() {
        let title = if let Some(n) = rest.strip_prefix("Tổ dân phố ") {
            format!("Tổ trưởng tổ dân phố {n}")
        } else {
            let mut t = String::from("Trưởng ");
            let mut chars = rest.chars();
            if let Some(c) = chars.next() {
                t.extend(c.to_lowercase());
            }
            t.push_str(chars.as_str());
            t
        };
        out.push(Special::new(4, vec![title]));
        out.push(Special::new(ACCOUNT_SLOT, Vec::new()));
    }
    if h.committee != NONE {
        out.extend(committee_specials(units, h.committee as usize));
    }
    out
}

/// Day numbers (from the common era) of the fixed dates the generator uses.
struct Days {
    birth_lo: i32,
    birth_hi: i32,
    young_lo: i32,
    young_hi: i32,
    old_hi: i32,
    senior_lo: i32,
    senior_hi: i32,
    probation_birth_lo: i32,
    probation_lo: i32,
    probation_hi: i32,
    last_official_join: i32,
    as_of: i32,
    y2016: i32,
    end_2024: i32,
}

fn day(y: i32, m: u32, d: u32) -> i32 {
    NaiveDate::from_ymd_opt(y, m, d)
        .map(|x| x.num_days_from_ce())
        .unwrap_or(0)
}

#[inline]
fn date(d: i32) -> NaiveDate {
    NaiveDate::from_num_days_from_ce_opt(d).unwrap_or_default()
}

impl Days {
    fn new() -> Days {
        Days {
            birth_lo: day(1950, 1, 1),
            birth_hi: day(2000, 12, 31),
            young_lo: day(1988, 1, 1),
            young_hi: day(1997, 12, 31),
            old_hi: day(1963, 12, 31),
            senior_lo: day(1958, 1, 1),
            senior_hi: day(1986, 12, 31),
            probation_birth_lo: day(1980, 1, 1),
            probation_lo: day(2024, 7, 1),
            probation_hi: day(2024, 12, 31),
            last_official_join: day(2024, 6, 29),
            as_of: day(2025, 6, 30),
            y2016: day(2016, 1, 1),
            end_2024: day(2024, 12, 31),
        }
    }
}

/// Appends `v` as exactly `width` decimal digits (leading zeros kept).
#[inline]
pub(crate) fn push_digits(s: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    for i in (0..width).rev() {
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    for &b in &buf[..width] {
        s.push(b as char);
    }
}

/// The streaming member generator returned by [`crate::members`]. Memory stays proportional to
/// the number of units, never to the number of members.
pub struct Members<'a> {
    units: &'a [DemoUnit],
    plan: Plan,
    names: NameTables,
    days: Days,
    rng: ChaCha8Rng,
    hi: usize,
    slot: u32,
    specials: Vec<Special>,
    sp: usize,
    emitted: u64,
    expel_pending: bool,
}

impl<'a> Members<'a> {
    pub(crate) fn new(scale: Scale, seed: u64, units: &'a [DemoUnit]) -> Members<'a> {
        let plan = Plan::new(scale, seed, units);
        let mut m = Members {
            units,
            plan,
            names: NameTables::new(),
            days: Days::new(),
            rng: ChaCha8Rng::seed_from_u64(seed ^ SALT_MEMBERS),
            hi: 0,
            slot: 0,
            specials: Vec::new(),
            sp: 0,
            emitted: 0,
            expel_pending: false,
        };
        m.enter();
        m
    }

    /// Exact number of members this generator yields in total.
    pub fn total(&self) -> u64 {
        self.plan.total
    }

    fn enter(&mut self) {
        self.sp = 0;
        self.specials = match self.plan.holders.get(self.hi) {
            Some(h) => holder_specials(self.units, h),
            None => Vec::new(),
        };
    }

    #[inline]
    fn uniform(&mut self, lo: i32, hi: i32) -> i32 {
        if hi <= lo {
            lo
        } else {
            self.rng.gen_range(lo..=hi)
        }
    }

    fn generate(&mut self, hi: usize, slot: u32, special: Option<Special>) -> DemoMember {
        let h = &self.plan.holders[hi];
        let (kind, prov, start, local_start, unit) =
            (h.kind, h.prov, h.start, h.local_start, h.unit);
        let global = start + u64::from(slot);
        let forced = special.is_some();
        let (s_gender, s_age, s_name) = match &special {
            Some(s) => (s.gender, s.age, s.name),
            None => (None, Age::Any, None),
        };
        let gender = s_gender.unwrap_or_else(|| {
            if self.rng.gen_range(0..100) < kind.female_pct() {
                Gender::Female
            } else {
                Gender::Male
            }
        });
        let north = prov < 40;
        let full_name = match s_name {
            Some(n) => n.to_string(),
            None => self.names.full_name(&mut self.rng, gender, north),
        };
        let probationary = !forced && self.rng.gen_ratio(3, 100);
        let d = &self.days;
        let (blo, bhi) = if probationary {
            (d.probation_birth_lo, d.birth_hi)
        } else {
            match s_age {
                Age::Young => (d.young_lo, d.young_hi),
                Age::Old => (d.birth_lo, d.old_hi),
                Age::Senior => (d.senior_lo, d.senior_hi),
                _ => (d.birth_lo, d.birth_hi),
            }
        };
        let (plo, phi, last_join, as_of, y2016, end_2024) = (
            d.probation_lo,
            d.probation_hi,
            d.last_official_join,
            d.as_of,
            d.y2016,
            d.end_2024,
        );
        let birth = self.uniform(blo, bhi);
        let joined = if probationary {
            self.uniform(plo, phi)
        } else {
            // Age 20–45 at joining, more often in the late twenties (sum of two uniforms).
            let lo = birth + 7_306;
            let hi = (birth + 16_436).min(last_join);
            let span = (hi - lo).max(0);
            let a = self.uniform(0, span);
            let b = self.uniform(0, span);
            lo + (a + b) / 2
        };
        let birth_date = date(birth);
        let joined_on = date(joined);
        let official_on = if probationary {
            None
        } else {
            let months = if joined < day_sub(as_of, 560) && self.rng.gen_ratio(6, 100) {
                12 + self.rng.gen_range(1..=6)
            } else {
                12
            };
            joined_on.checked_add_months(Months::new(months))
        };
        // Card number, citizen ID, phone.
        let mut card_number = String::with_capacity(8);
        push_digits(&mut card_number, self.plan.card.apply(global), 8);
        let mut citizen_id = String::with_capacity(12);
        push_digits(&mut citizen_id, u64::from(prov), 3);
        let year = birth_date.year();
        let century_digit = match (year >= 2000, gender) {
            (false, Gender::Male) => 0,
            (false, Gender::Female) => 1,
            (true, Gender::Male) => 2,
            (true, Gender::Female) => 3,
        };
        push_digits(&mut citizen_id, century_digit, 1);
        push_digits(&mut citizen_id, (year % 100) as u64, 2);
        let serial = u64::from(local_start) + u64::from(slot);
        push_digits(&mut citizen_id, self.plan.citizen.apply(serial), 6);
        let mut phone = String::with_capacity(10);
        phone.push_str(PHONE_PREFIXES[self.rng.gen_range(0..PHONE_PREFIXES.len())]);
        push_digits(&mut phone, self.rng.gen_range(0..10_000_000), 7);
        // Positions.
        let positions = match special {
            Some(s) => s.titles,
            None => {
                let retiree =
                    kind.residential() && birth <= self.days.old_hi && self.rng.gen_ratio(3, 5);
                if retiree {
                    vec!["Cán bộ hưu trí".to_string()]
                } else if self.rng.gen_ratio(11, 20) {
                    let occ = kind.occupations();
                    let (title, age) = occ[self.rng.gen_range(0..occ.len())];
                    let fits = match age {
                        Age::Any | Age::Senior => true,
                        Age::Female => gender == Gender::Female,
                        Age::Young => birth >= self.days.young_lo,
                        Age::Old => birth <= self.days.old_hi,
                    };
                    if fits {
                        vec![title.to_string()]
                    } else {
                        Vec::new()
                    }
                } else {
                    Vec::new()
                }
            }
        };
        // Memberships: ~3% moved in from a nearby cell between 2016 and 2024.
        let unit_code = self.units[unit as usize].code.clone();
        let mut last_since = joined;
        let memberships = if self.rng.gen_ratio(3, 100) && self.plan.holders.len() > 1 {
            let since = self.uniform(y2016.max(joined + 180), end_2024);
            if joined + 180 <= end_2024 {
                let n = self.plan.holders.len();
                let off = self.rng.gen_range(1..=(n - 1).min(150));
                let down = self.rng.gen_ratio(1, 2);
                let from = if hi + off >= n || (down && hi >= off) {
                    if hi >= off {
                        hi - off
                    } else {
                        (hi + off) % n
                    }
                } else {
                    hi + off
                };
                let from_code = self.units[self.plan.holders[from].unit as usize]
                    .code
                    .clone();
                last_since = since;
                vec![
                    DemoMembership {
                        unit_code: from_code,
                        since: joined_on,
                    },
                    DemoMembership {
                        unit_code,
                        since: date(since),
                    },
                ]
            } else {
                vec![DemoMembership {
                    unit_code,
                    since: joined_on,
                }]
            }
        } else {
            vec![DemoMembership {
                unit_code,
                since: joined_on,
            }]
        };
        // Status.
        let mut status = MemberStatus::Active;
        let mut status_since = None;
        if !forced {
            let official = official_on.map(|o| o.num_days_from_ce());
            if self.expel_pending && official.is_some() {
                self.expel_pending = false;
                let lo = y2016.max(last_since + 30).max(official.unwrap_or(joined));
                status = MemberStatus::Expelled;
                status_since = Some(date(self.uniform(lo, end_2024.max(lo))));
            } else if birth <= day_sub(y2016, 365 * 53) && self.rng.gen_ratio(12, 1000) {
                let lo = y2016.max(last_since + 30).max(joined + 365);
                if lo <= as_of {
                    status = MemberStatus::Deceased;
                    status_since = Some(date(self.uniform(lo, as_of)));
                }
            } else if birth <= day_sub(y2016, 365 * 58) && self.rng.gen_ratio(32, 1000) {
                let sixty = birth_date
                    .checked_add_months(Months::new(720))
                    .map(|x| x.num_days_from_ce())
                    .unwrap_or(as_of);
                let lo = y2016.max(sixty).max(last_since + 30).max(joined + 365);
                if lo <= as_of {
                    status = MemberStatus::Exempt;
                    status_since = Some(date(self.uniform(lo, as_of)));
                }
            }
        }
        let positions_from = (!positions.is_empty()).then(|| {
            let term = term_start(&positions);
            let since = date(last_since);
            if since < term {
                term
            } else {
                NaiveDate::from_ymd_opt(since.year() + 1, 1, 15).unwrap_or(since)
            }
        });
        DemoMember {
            full_name,
            gender,
            birth_date,
            card_number,
            citizen_id,
            joined_on,
            official_on,
            phone,
            positions,
            positions_from,
            status,
            status_since,
            memberships,
        }
    }
}

/// The start of the 2015 term of the highest party level among `titles`: the cells' congresses (chi bộ) came
/// first, then the wards' and communes' (đảng ủy), then the city's and the province's (thành ủy, tỉnh ủy).
fn term_start(titles: &[String]) -> NaiveDate {
    let level = titles
        .iter()
        .map(|t| {
            let t = domain::text::fold(t);
            if ["thanh uy", "tinh uy", "huyen uy", "quan uy", "thi uy"]
                .iter()
                .any(|l| t.contains(l))
            {
                2
            } else if t.contains("dang uy") {
                1
            } else {
                0
            }
        })
        .max()
        .unwrap_or(0);
    match level {
        2 => NaiveDate::from_ymd_opt(2015, 7, 15),
        1 => NaiveDate::from_ymd_opt(2015, 5, 20),
        _ => NaiveDate::from_ymd_opt(2015, 3, 25),
    }
    .unwrap_or_default()
}

#[inline]
fn day_sub(d: i32, n: i32) -> i32 {
    d - n
}

impl Iterator for Members<'_> {
    type Item = DemoMember;

    fn next(&mut self) -> Option<DemoMember> {
        loop {
            let h = self.plan.holders.get(self.hi)?;
            if self.slot < h.count {
                break;
            }
            self.hi += 1;
            self.slot = 0;
            self.enter();
        }
        let slot = self.slot;
        let global = self.plan.holders[self.hi].start + u64::from(slot);
        if global % 2999 == 1499 {
            self.expel_pending = true;
        }
        let special = match self.specials.get_mut(self.sp) {
            Some(s) if s.slot == slot => {
                self.sp += 1;
                Some(Special {
                    slot,
                    titles: std::mem::take(&mut s.titles),
                    gender: s.gender,
                    age: s.age,
                    name: s.name,
                })
            }
            _ => None,
        };
        let m = self.generate(self.hi, slot, special);
        self.slot += 1;
        self.emitted += 1;
        Some(m)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = (self.plan.total - self.emitted) as usize;
        (left, Some(left))
    }
}

impl ExactSizeIterator for Members<'_> {}
