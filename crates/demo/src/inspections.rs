//! The inspection commissions' records of the demo city (kiểm tra, giám sát, kỷ luật): the yearly programmes
//! of Thành ủy Bến Tre and of every ward and commune, their cases with subjects, conclusions and remedies,
//! a handful of discipline decisions and one xóa tên. No I/O; the same seed gives the same records.
//!
//! Inside the campaign report's period ([`PERIOD_FROM`]–[`PERIOD_TO`], decision dates) the cases conducted in
//! the city give exactly the report's figures ([`REPORT_FIGURES`], subject-case pairs); further cases before
//! and after the period (early 2016, June–December 2020) and a few recent, not yet concluded ones make the
//! period filter meaningful. Every member subject belonged, on the decision date, to the conducting unit's
//! subtree and was active then (`store::Members::members_as_of`'s rule, see [`crate::attendance`]).
//!
//! Discipline follows the rest of the demo: the members the generator expels ([`MemberStatus::Expelled`])
//! get the expulsion decision of their ward on that date; members who "bỏ sinh hoạt" are found in the
//! generated cell-meeting marks (unexcused absences in three or more months of a year); a member disciplined
//! in a year was rated at most "hoàn thành nhiệm vụ" that year (the ratings of [`crate::registrations`]).
//! The xóa tên is dated after the member's last cell meeting, so no meeting expects them afterwards.
//!
//! Scales: the records cover the subtree of Thành ủy Bến Tre ("TU-BT") at every scale; the figures are
//! exact for the city scale (the province's Bến Tre city has other member counts, so they differ there).

use crate::attendance::Calendar;
use crate::{DemoMember, DemoUnit, Scale};
use chrono::{Datelike, Duration, NaiveDate};
use domain::attendance::Mark;
use domain::inspection::{Body, CaseKind, DisciplineForm, Finding};
use domain::registration::Rating;
use domain::{MemberStatus, UnitType};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap, HashSet};

const SALT: u64 = 0x6b69_656d_7472_6131;
const NONE: u32 = u32::MAX;

/// First and last day of the campaign report's period (decision dates, inclusive).
pub const PERIOD_FROM: (i32, u32, u32) = (2016, 6, 21);
pub const PERIOD_TO: (i32, u32, u32) = (2020, 5, 20);

/// The report's figures for the city inside the period: (kind, organisations, members) as subject-case pairs
/// (lượt). "Ủy ban kiểm tra các cấp đã tiến hành kiểm tra 206 tổ chức đảng và 3.520 đảng viên; giám sát
/// chuyên đề 182 tổ chức đảng và 1.034 đảng viên; giám sát thường xuyên 171 tổ chức đảng và 1.257 đảng viên;
/// kiểm tra 01 tổ chức và 65 đảng viên khi có dấu hiệu vi phạm".
pub const REPORT_FIGURES: [(CaseKind, u64, u64); 4] = [
    (CaseKind::Inspection, 206, 3_520),
    (CaseKind::ThematicSupervision, 182, 1_034),
    (CaseKind::RegularSupervision, 171, 1_257),
    (CaseKind::ViolationInspection, 1, 65),
];

/// First and last year with programmes.
pub const FIRST_YEAR: i32 = 2016;
pub const LAST_YEAR: i32 = 2020;

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

/// The report's period as dates.
pub fn period() -> (NaiveDate, NaiveDate) {
    (
        ymd(PERIOD_FROM.0, PERIOD_FROM.1, PERIOD_FROM.2),
        ymd(PERIOD_TO.0, PERIOD_TO.1, PERIOD_TO.2),
    )
}

/// A yearly programme of a conducting unit and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoProgramme {
    pub unit_code: String,
    pub year: i32,
    pub body: Body,
    pub title: String,
    pub content: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
}

/// Who a subject is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum DemoTarget {
    Unit(String),
    /// Position of the member in the member stream.
    Member(u64),
}

/// A remedy required of a subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRemedy {
    pub text: String,
    pub due: NaiveDate,
    /// None: not reported done (overdue once `due` has passed).
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
}

/// One subject of a case with its finding (None while the case is open).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSubject {
    pub target: DemoTarget,
    /// The unit itself, or the member's unit on the decision date.
    pub unit_code: String,
    pub result: Option<Finding>,
    /// Codes A1–C9.
    pub manifestations: Vec<String>,
    pub note: String,
    pub remedies: Vec<DemoRemedy>,
}

/// A case (cuộc kiểm tra, giám sát).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCase {
    pub kind: CaseKind,
    /// The conducting unit.
    pub unit_code: String,
    pub body: Body,
    /// The programme of (unit, year of the decision, body), when the case belongs to one.
    pub programme: Option<usize>,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub directive_05: bool,
    pub team: Vec<String>,
    pub concluded_on: Option<NaiveDate>,
    pub conclusion: String,
    pub subjects: Vec<DemoSubject>,
}

/// A discipline decision on a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoDiscipline {
    pub member_index: u64,
    /// The member's unit on the decision date.
    pub member_unit: String,
    /// The member was probationary on the decision date.
    pub probationary: bool,
    pub form: DisciplineForm,
    pub decided_by: String,
    pub body: Body,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    /// Index in [`DemoInspections::cases`] of the case it came from.
    pub case: Option<usize>,
}

/// A xóa tên decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoStrikeOff {
    pub member_index: u64,
    /// The member's unit on the decision date.
    pub unit_code: String,
    pub decided_by: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    /// The months (1–12) of `year` with an unexcused absence from a cell meeting.
    pub year: i32,
    pub months: Vec<u32>,
}

/// Everything the generator makes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DemoInspections {
    pub programmes: Vec<DemoProgramme>,
    pub cases: Vec<DemoCase>,
    pub disciplines: Vec<DemoDiscipline>,
    pub strike_offs: Vec<DemoStrikeOff>,
}

/// What the generator keeps of a member of the city.
struct Rec {
    index: u64,
    name: String,
    /// (unit index, since), chronological.
    memberships: Vec<(u32, NaiveDate)>,
    status: MemberStatus,
    status_since: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    positions: Vec<String>,
}

impl Rec {
    fn active(&self, d: NaiveDate) -> bool {
        self.status == MemberStatus::Active || self.status_since.is_some_and(|s| d < s)
    }
    /// The member's unit on `d` when they were an active member then.
    fn unit_on(&self, d: NaiveDate) -> Option<u32> {
        if !self.active(d) {
            return None;
        }
        self.memberships
            .iter()
            .rev()
            .find(|(_, since)| *since <= d)
            .map(|(u, _)| *u)
    }
    fn probationary_on(&self, d: NaiveDate) -> bool {
        self.official_on.is_none_or(|o| o > d)
    }
}

struct Tree<'a> {
    units: &'a [DemoUnit],
    parent: Vec<u32>,
    city: u32,
    /// Per unit: its ancestor directly under the city (a ward, a commune or a city agency); NONE outside.
    top: Vec<u32>,
}

impl Tree<'_> {
    fn is_under(&self, mut u: u32, ancestor: u32) -> bool {
        let mut guard = 0;
        while u != NONE && guard < 64 {
            if u == ancestor {
                return true;
            }
            u = self.parent[u as usize];
            guard += 1;
        }
        false
    }
    fn code(&self, u: u32) -> &str {
        &self.units[u as usize].code
    }
    fn name(&self, u: u32) -> &str {
        &self.units[u as usize].name
    }
    /// Party units under `u` (not `u` itself) that can be subjects: cells and committees.
    fn party_children(&self, u: u32) -> Vec<u32> {
        (0..self.units.len() as u32)
            .filter(|&i| {
                self.parent[i as usize] == u && self.units[i as usize].unit_type.is_party()
            })
            .collect()
    }
}

/// "Phường 7" from "Đảng bộ Phường 7" (wards and communes).
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

/// A conducting unit with its words.
#[derive(Clone)]
struct Conductor {
    unit: u32,
    city: bool,
    /// "Thành ủy" or "Đảng ủy Phường 7".
    committee: String,
    /// "Ủy ban Kiểm tra Thành ủy" …
    commission: String,
    /// Decision-number suffixes: committee, commission.
    committee_sign: &'static str,
}

/// The annual ratings of the demo's registrations, by (member index, year): the generator keeps discipline
/// away from members rated above "hoàn thành nhiệm vụ" that year. The loader collects them while it loads the
/// registrations ([`Ratings::note`]); [`ratings`] generates them again for callers that load nothing.
#[derive(Debug, Clone, Default)]
pub struct Ratings(HashMap<(u64, i32), Rating>);

impl Ratings {
    /// Records the rating of one generated registration, if it has one.
    pub fn note(&mut self, reg: &crate::DemoRegistration) {
        if let Some(rt) = &reg.rating {
            self.0.insert((reg.member_index, reg.year), rt.rating);
        }
    }
}

/// The ratings of every registration the demo generates (a full pass over the registrations generator).
pub fn ratings(scale: Scale, seed: u64, units: &[DemoUnit]) -> Ratings {
    let mut r = Ratings::default();
    for batch in crate::registrations(scale, seed, units) {
        for reg in &batch {
            r.note(reg);
        }
    }
    r
}

/// The records of the demo (see the module comment). `today` is the store's today: the few recent cases,
/// still open, are dated a few weeks before it. `ratings` are the registrations' ratings ([`ratings`]).
pub fn inspections(
    scale: Scale,
    seed: u64,
    units: &[DemoUnit],
    today: NaiveDate,
    ratings: Ratings,
) -> DemoInspections {
    Generator::new(scale, seed, units, today, ratings).run()
}

struct Generator<'a> {
    tree: Tree<'a>,
    recs: Vec<Rec>,
    /// Per member record (by position in `recs`): per year, the months with an unexcused cell absence and
    /// the date of each such absence, for members with three or more such months in a year.
    absences: HashMap<usize, BTreeMap<i32, Vec<NaiveDate>>>,
    /// The date of each member's last expected cell meeting.
    last_meeting: HashMap<usize, NaiveDate>,
    ratings: Ratings,
    rng: ChaCha8Rng,
    today: NaiveDate,
    conductors: Vec<Conductor>,
    /// Members by the top unit of any of their memberships.
    by_top: HashMap<u32, Vec<usize>>,
    numbers: HashMap<(u32, i32, &'static str), u32>,
    out: DemoInspections,
    programme_index: HashMap<(u32, i32, Body), usize>,
}

impl<'a> Generator<'a> {
    fn new(
        scale: Scale,
        seed: u64,
        units: &'a [DemoUnit],
        today: NaiveDate,
        ratings: Ratings,
    ) -> Generator<'a> {
        let index: HashMap<&str, u32> = units
            .iter()
            .enumerate()
            .map(|(i, u)| (u.code.as_str(), i as u32))
            .collect();
        let parent: Vec<u32> = units
            .iter()
            .map(|u| {
                u.parent_code
                    .as_deref()
                    .and_then(|p| index.get(p).copied())
                    .unwrap_or(NONE)
            })
            .collect();
        let city = crate::attendance::plan_unit(units)
            .and_then(|u| index.get(u.code.as_str()).copied())
            .unwrap_or(NONE);
        let mut top = vec![NONE; units.len()];
        for i in 0..units.len() {
            // Parents come before children.
            let p = parent[i];
            if p == city && city != NONE {
                top[i] = i as u32;
            } else if p != NONE && (p as usize) < i {
                top[i] = top[p as usize];
            }
        }
        let tree = Tree {
            units,
            parent,
            city,
            top,
        };
        let mut g = Generator {
            tree,
            recs: Vec::new(),
            absences: HashMap::new(),
            last_meeting: HashMap::new(),
            ratings,
            rng: ChaCha8Rng::seed_from_u64(seed ^ SALT),
            today,
            conductors: Vec::new(),
            by_top: HashMap::new(),
            numbers: HashMap::new(),
            out: DemoInspections::default(),
            programme_index: HashMap::new(),
        };
        if city == NONE {
            return g;
        }
        g.read_members(scale, seed, &index);
        g
    }

    /// The city's members with their memberships, and the unexcused cell-meeting absences.
    fn read_members(&mut self, scale: Scale, seed: u64, index: &HashMap<&str, u32>) {
        let units = self.tree.units;
        let cal = Calendar::new(scale, seed, units);
        let mut marks = Vec::new();
        for (i, m) in crate::members(scale, seed, units).enumerate() {
            let memberships: Vec<(u32, NaiveDate)> = m
                .memberships
                .iter()
                .filter_map(|ms| index.get(ms.unit_code.as_str()).map(|&u| (u, ms.since)))
                .collect();
            if !memberships
                .iter()
                .any(|(u, _)| self.tree.top[*u as usize] != NONE)
            {
                continue;
            }
            let r = self.recs.len();
            for (u, _) in &memberships {
                let t = self.tree.top[*u as usize];
                if t != NONE {
                    let v = self.by_top.entry(t).or_default();
                    if v.last() != Some(&r) {
                        v.push(r);
                    }
                }
            }
            self.absences_of(&cal, i as u64, &m, r, &mut marks);
            self.recs.push(Rec {
                index: i as u64,
                name: m.full_name,
                memberships,
                status: m.status,
                status_since: m.status_since,
                official_on: m.official_on,
                positions: m.positions,
            });
        }
    }

    fn absences_of(
        &mut self,
        cal: &Calendar<'_>,
        index: u64,
        m: &DemoMember,
        r: usize,
        marks: &mut Vec<crate::DemoMark>,
    ) {
        marks.clear();
        cal.marks(index, m, marks);
        let study = cal.study_count() as u32;
        let mut per_year: BTreeMap<i32, Vec<NaiveDate>> = BTreeMap::new();
        let mut last = None;
        for mk in marks.iter().filter(|mk| mk.meeting >= study) {
            last = last.max(Some(mk.date));
            if mk.mark == Mark::Absent {
                per_year.entry(mk.date.year()).or_default().push(mk.date);
            }
        }
        if let Some(l) = last {
            self.last_meeting.insert(r, l);
        }
        per_year.retain(|_, dates| {
            dates.sort_unstable();
            let months: Vec<u32> = dates.iter().map(|d| d.month()).collect();
            domain::inspection::strike_off_proposal(&months)
        });
        if !per_year.is_empty() {
            self.absences.insert(r, per_year);
        }
    }

    /// Rated at most "hoàn thành nhiệm vụ" in `year` (or not rated).
    fn may_discipline(&self, r: usize, year: i32) -> bool {
        !matches!(
            self.ratings.0.get(&(self.recs[r].index, year)),
            Some(Rating::Excellent | Rating::Good)
        )
    }

    fn run(mut self) -> DemoInspections {
        if self.tree.city == NONE || self.recs.is_empty() {
            return self.out;
        }
        self.conductors();
        self.programmes();
        let (from, to) = period();
        // The report's kinds inside the period: (kind, organisations, members, cases per ward and year,
        // cases of the city per year, members per organisation).
        let plan = [
            (CaseKind::Inspection, 206u64, 3_520u64, 2u32, 4u32),
            (CaseKind::ThematicSupervision, 182, 1_034, 2, 3),
            (CaseKind::RegularSupervision, 171, 1_257, 2, 3),
        ];
        for (kind, orgs, members, per_ward, per_city) in plan {
            self.report_kind(kind, orgs, members, per_ward, per_city, from, to);
        }
        self.violation_inspection();
        self.outside_period();
        self.finance_and_denunciations();
        self.recent();
        self.expulsions();
        self.absentees();
        self.out.cases.iter_mut().for_each(|c| {
            c.subjects
                .sort_by_key(|s| matches!(s.target, DemoTarget::Member(_)))
        });
        self.out
    }

    fn conductors(&mut self) {
        let t = &self.tree;
        let city_name = t.name(t.city).to_string();
        let city_short = city_name
            .strip_prefix("Thành ủy ")
            .map(|_| "Thành ủy".to_string())
            .unwrap_or_else(|| city_name.clone());
        self.conductors.push(Conductor {
            unit: t.city,
            city: true,
            committee: format!("Ban Thường vụ {city_short}"),
            commission: format!("Ủy ban Kiểm tra {city_short}"),
            committee_sign: "TU",
        });
        for (i, u) in t.units.iter().enumerate() {
            if t.parent[i] != t.city {
                continue;
            }
            if let Some(area) = ward_area(u) {
                self.conductors.push(Conductor {
                    unit: i as u32,
                    city: false,
                    committee: format!("Ban Thường vụ Đảng ủy {area}"),
                    commission: format!("Ủy ban Kiểm tra Đảng ủy {area}"),
                    committee_sign: "ĐU",
                });
            }
        }
    }

    fn next_number(&mut self, unit: u32, year: i32, sign: &'static str) -> u32 {
        let start = self.rng.gen_range(3..12);
        let n = self.numbers.entry((unit, year, sign)).or_insert(start);
        *n += self.rng.gen_range(1..4);
        *n
    }

    fn programmes(&mut self) {
        let conductors = self.conductors.clone();
        for c in &conductors {
            for year in FIRST_YEAR..=LAST_YEAR {
                for body in [Body::Committee, Body::Commission] {
                    // Programmes are adopted in January (2016: after the directive, with the plan).
                    let decided_on = if year == FIRST_YEAR {
                        ymd(year, 1, 8 + self.rng.gen_range(0..14))
                    } else {
                        ymd(year, 1, 5 + self.rng.gen_range(0..20))
                    };
                    let (who, sign) = match body {
                        Body::Committee => (&c.committee, c.committee_sign),
                        Body::Commission => (&c.commission, "UBKT"),
                    };
                    let n = self.rng.gen_range(1..6);
                    let title = format!("Chương trình kiểm tra, giám sát năm {year} của {who}");
                    let content = match body {
                        Body::Committee => format!(
                            "Kiểm tra, giám sát việc lãnh đạo, chỉ đạo thực hiện nghị quyết đại hội, Chỉ thị 05-CT/TW của Bộ Chính trị và Quy định 101-QĐ/TW về trách nhiệm nêu gương; giám sát thường xuyên các tổ chức đảng trực thuộc và đảng viên năm {year}."
                        ),
                        Body::Commission => format!(
                            "Kiểm tra tổ chức đảng và đảng viên khi có dấu hiệu vi phạm; kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí; giám sát chuyên đề việc tu dưỡng, rèn luyện đạo đức, lối sống của đảng viên năm {year}."
                        ),
                    };
                    self.programme_index
                        .insert((c.unit, year, body), self.out.programmes.len());
                    self.out.programmes.push(DemoProgramme {
                        unit_code: self.tree.code(c.unit).to_string(),
                        year,
                        body,
                        title,
                        content,
                        decision_number: format!("{n:02}-CTr/{sign}"),
                        decided_on,
                    });
                }
            }
        }
    }

    /// A decision date of `year` inside [lo, hi].
    fn date_in(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days().max(0);
        let d = lo + Duration::days(self.rng.gen_range(0..=span));
        match d.weekday() {
            chrono::Weekday::Sat if d - Duration::days(1) >= lo => d - Duration::days(1),
            chrono::Weekday::Sun if d + Duration::days(1) <= hi => d + Duration::days(1),
            _ => d,
        }
    }

    /// Active members on `d` whose unit then was in the subtree of `u`, in a shuffled order.
    fn active_under(&mut self, u: u32, d: NaiveDate) -> Vec<usize> {
        let t = &self.tree;
        let pool: Vec<usize> = if u == t.city {
            (0..self.recs.len()).collect()
        } else {
            self.by_top
                .get(&t.top[u as usize])
                .cloned()
                .unwrap_or_default()
        };
        let mut out: Vec<usize> = pool
            .into_iter()
            .filter(|&r| self.recs[r].unit_on(d).is_some_and(|x| t.is_under(x, u)))
            .collect();
        out.shuffle(&mut self.rng);
        out
    }

    /// Subject organisations a conductor may take: a ward's cells; for the city its wards, communes,
    /// agency committees and cells directly under it.
    fn subject_pool(&self, c: &Conductor) -> Vec<u32> {
        self.tree.party_children(c.unit)
    }

    /// The cases of one of the report's kinds inside the period, with exactly `orgs` organisation and
    /// `members` member subject-case pairs.
    #[allow(clippy::too_many_arguments)]
    fn report_kind(
        &mut self,
        kind: CaseKind,
        orgs: u64,
        members: u64,
        per_ward: u32,
        per_city: u32,
        from: NaiveDate,
        to: NaiveDate,
    ) {
        struct Slot {
            c: usize,
            date: NaiveDate,
            body: Body,
            units: Vec<u32>,
            room: usize,
            members: u64,
            primary: Vec<usize>,
            secondary: Vec<usize>,
        }
        let mut slots: Vec<Slot> = Vec::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            // The part of each year inside the period, and a share of a full year's cases.
            let (lo, hi, share) = match year {
                2016 => (from.max(ymd(2016, 7, 4)), ymd(2016, 12, 16), 0.55),
                2020 => (ymd(2020, 1, 6), to.min(ymd(2020, 5, 15)), 0.4),
                _ => (ymd(year, 2, 14), ymd(year, 12, 11), 1.0),
            };
            for ci in 0..self.conductors.len() {
                let c = &self.conductors[ci];
                let mean = if c.city { per_city } else { per_ward } as f64 * share;
                let n = (mean + self.rng.gen_range(-0.6..0.6)).round().max(0.0) as u32;
                for _ in 0..n {
                    let date = self.date_in(lo, hi);
                    let body = match kind {
                        CaseKind::Inspection if self.rng.gen_ratio(2, 5) => Body::Commission,
                        CaseKind::ThematicSupervision if self.rng.gen_ratio(1, 2) => {
                            Body::Commission
                        }
                        CaseKind::RegularSupervision if self.rng.gen_ratio(1, 4) => {
                            Body::Commission
                        }
                        _ => Body::Committee,
                    };
                    let pool = self.subject_pool(&self.conductors[ci]);
                    let room = if self.conductors[ci].city {
                        6.min(pool.len())
                    } else {
                        3.min(pool.len())
                    };
                    if room == 0 {
                        continue;
                    }
                    slots.push(Slot {
                        c: ci,
                        date,
                        body,
                        units: Vec::new(),
                        room,
                        members: 0,
                        primary: Vec::new(),
                        secondary: Vec::new(),
                    });
                }
            }
        }
        // Too many slots for the organisations: drop the last ones at random.
        slots.shuffle(&mut self.rng);
        slots.truncate(orgs as usize);
        if slots.is_empty() {
            return;
        }
        // One organisation each, the rest spread (the city's cases take several).
        let mut counts = vec![1usize; slots.len()];
        let mut extra = orgs as usize - slots.len();
        let mut guard = 0;
        while extra > 0 && guard < 1_000_000 {
            guard += 1;
            let k = self.rng.gen_range(0..slots.len());
            let city = self.conductors[slots[k].c].city;
            if counts[k] < slots[k].room && (city || self.rng.gen_ratio(1, 3)) {
                counts[k] += 1;
                extra -= 1;
            }
        }
        // Pick the organisations and the members available to each case.
        for (k, s) in slots.iter_mut().enumerate() {
            let c = self.conductors[s.c].clone();
            let mut pool = self.subject_pool(&c);
            pool.shuffle(&mut self.rng);
            pool.truncate(counts[k]);
            pool.sort_unstable();
            s.units = pool;
            let mut primary = Vec::new();
            for &u in &s.units.clone() {
                primary.extend(self.active_under(u, s.date));
            }
            let seen: HashSet<usize> = primary.iter().copied().collect();
            let secondary: Vec<usize> = self
                .active_under(c.unit, s.date)
                .into_iter()
                .filter(|r| !seen.contains(r))
                .collect();
            s.primary = primary;
            s.secondary = secondary;
        }
        // Members: proportional to random weights, within what each case can take, then one by one.
        let weights: Vec<f64> = counts
            .iter()
            .map(|&n| n as f64 * self.rng.gen_range(0.5..1.5))
            .collect();
        let total_w: f64 = weights.iter().sum::<f64>().max(1e-9);
        let mut assigned = 0u64;
        for (k, s) in slots.iter_mut().enumerate() {
            let want = (members as f64 * weights[k] / total_w).floor() as u64;
            let cap = s.primary.len() as u64;
            s.members = want.min(cap);
            assigned += s.members;
        }
        let mut guard = 0;
        while assigned < members && guard < 10_000_000 {
            guard += 1;
            let k = self.rng.gen_range(0..slots.len());
            let s = &mut slots[k];
            // Prefer the subject organisations' own members; the conductor's other members when needed.
            let cap = if guard < 1_000_000 {
                s.primary.len()
            } else {
                s.primary.len() + s.secondary.len()
            } as u64;
            if s.members < cap {
                s.members += 1;
                assigned += 1;
            }
        }
        slots.sort_by_key(|s| (s.date, s.c));
        for s in slots {
            let c = self.conductors[s.c].clone();
            let mut chosen: Vec<usize> = s.primary.clone();
            chosen.extend(&s.secondary);
            chosen.truncate(s.members as usize);
            let directive = self.rng.gen_ratio(9, 20);
            self.push_case(kind, &c, s.body, s.date, s.units, chosen, directive);
        }
    }

    fn title(&mut self, kind: CaseKind, year: i32, directive: bool, target: &str) -> String {
        let pick = self.rng.gen_range(0..3);
        match (kind, directive) {
            (CaseKind::Inspection, true) => [
                format!("Kiểm tra việc thực hiện Chỉ thị 05-CT/TW tại {target}"),
                format!("Kiểm tra việc đăng ký và thực hiện nêu gương học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year} tại {target}"),
                format!("Kiểm tra việc thực hiện Chỉ thị 05-CT/TW gắn với Nghị quyết Trung ương 4 khóa XII tại {target}"),
            ][pick].clone(),
            (CaseKind::Inspection, false) => [
                format!("Kiểm tra việc chấp hành Điều lệ Đảng và chế độ sinh hoạt đảng tại {target}"),
                format!("Kiểm tra việc thực hiện Quy định số 101-QĐ/TW về trách nhiệm nêu gương của cán bộ, đảng viên tại {target}"),
                format!("Kiểm tra việc lãnh đạo thực hiện nghị quyết đại hội và chương trình công tác năm {year} tại {target}"),
            ][pick].clone(),
            (CaseKind::ThematicSupervision, true) => [
                format!("Giám sát chuyên đề việc đăng ký và thực hiện nêu gương của đảng viên năm {year} tại {target}"),
                format!("Giám sát chuyên đề việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh năm {year} tại {target}"),
                format!("Giám sát chuyên đề việc thực hiện Chỉ thị 05-CT/TW tại {target}"),
            ][pick].clone(),
            (CaseKind::ThematicSupervision, false) => [
                format!("Giám sát chuyên đề việc thực hiện chế độ sinh hoạt chi bộ tại {target}"),
                format!("Giám sát chuyên đề công tác phát triển đảng viên năm {year} tại {target}"),
                format!("Giám sát chuyên đề việc tu dưỡng, rèn luyện đạo đức, lối sống của đảng viên tại {target}"),
            ][pick].clone(),
            (CaseKind::RegularSupervision, true) => [
                format!("Giám sát thường xuyên việc thực hiện Chỉ thị 05-CT/TW năm {year} tại {target}"),
                format!("Giám sát thường xuyên việc thực hiện bản đăng ký làm theo của đảng viên năm {year} tại {target}"),
                format!("Giám sát thường xuyên việc sinh hoạt chuyên đề hằng quý năm {year} tại {target}"),
            ][pick].clone(),
            _ => [
                format!("Giám sát thường xuyên việc thực hiện chương trình công tác năm {year} của {target}"),
                format!("Giám sát thường xuyên việc giữ mối liên hệ với chi ủy nơi cư trú của đảng viên tại {target}"),
                format!("Giám sát thường xuyên việc thực hiện quy chế làm việc năm {year} của {target}"),
            ][pick].clone(),
        }
    }

    /// "Chi bộ Khu phố 3", "Chi bộ Khu phố 3 và Chi bộ Công an phường", "Đảng bộ Phường 7 và 2 tổ chức
    /// đảng khác".
    fn target_words(&self, units: &[u32], members: usize) -> String {
        let t = &self.tree;
        match units {
            [] => format!("{members} đảng viên"),
            [a] => t.name(*a).to_string(),
            [a, b] => format!("{} và {}", t.name(*a), t.name(*b)),
            [a, rest @ ..] => format!("{} và {} tổ chức đảng khác", t.name(*a), rest.len()),
        }
    }

    /// Names of the team: the chairman of the conductor's inspection commission (when the demo has one)
    /// and members of the conductor's committee cell.
    fn team(&mut self, c: &Conductor, d: NaiveDate) -> Vec<String> {
        let pool = self.active_under(c.unit, d);
        let mut lead: Vec<String> = pool
            .iter()
            .filter(|&&r| {
                self.recs[r]
                    .positions
                    .iter()
                    .any(|p| p.contains("Ủy ban Kiểm tra"))
            })
            .map(|&r| format!("{} (trưởng đoàn)", self.recs[r].name))
            .take(1)
            .collect();
        let n = self.rng.gen_range(2..4);
        lead.extend(
            pool.iter()
                .filter(|&&r| !self.recs[r].positions.is_empty())
                .take(n)
                .map(|&r| self.recs[r].name.clone()),
        );
        lead
    }

    #[allow(clippy::too_many_arguments)]
    fn push_case(
        &mut self,
        kind: CaseKind,
        c: &Conductor,
        body: Body,
        date: NaiveDate,
        units: Vec<u32>,
        members: Vec<usize>,
        directive: bool,
    ) -> usize {
        let year = date.year();
        let target = self.target_words(&units, members.len());
        let title = self.title(kind, year, directive, &target);
        self.push_case_titled(kind, c, body, date, units, members, directive, title)
    }

    #[allow(clippy::too_many_arguments)]
    fn push_case_titled(
        &mut self,
        kind: CaseKind,
        c: &Conductor,
        body: Body,
        date: NaiveDate,
        units: Vec<u32>,
        members: Vec<usize>,
        directive: bool,
        title: String,
    ) -> usize {
        let year = date.year();
        let sign = match body {
            Body::Committee => c.committee_sign,
            Body::Commission => "UBKT",
        };
        let n = self.next_number(c.unit, year, sign);
        let decision_number = format!("{n:02}-QĐ/{sign}");
        let period_from = ymd(year - 1, 1, 1).max(ymd(2016, 1, 1));
        let period_to = date - Duration::days(1);
        let team = self.team(c, date);
        let mut subjects: Vec<DemoSubject> = units
            .iter()
            .map(|&u| DemoSubject {
                target: DemoTarget::Unit(self.tree.code(u).to_string()),
                unit_code: self.tree.code(u).to_string(),
                result: None,
                manifestations: Vec::new(),
                note: String::new(),
                remedies: Vec::new(),
            })
            .collect();
        for r in &members {
            let unit = self.recs[*r].unit_on(date).unwrap_or(c.unit);
            subjects.push(DemoSubject {
                target: DemoTarget::Member(self.recs[*r].index),
                unit_code: self.tree.code(unit).to_string(),
                result: None,
                manifestations: Vec::new(),
                note: String::new(),
                remedies: Vec::new(),
            });
        }
        let programme = self.programme_index.get(&(c.unit, year, body)).copied();
        let concluded_on = date + Duration::days(self.rng.gen_range(21..50));
        let open = concluded_on >= self.today;
        let mut case = DemoCase {
            kind,
            unit_code: self.tree.code(c.unit).to_string(),
            body,
            programme,
            title,
            decision_number,
            decided_on: date,
            from: period_from,
            to: period_to,
            directive_05: directive,
            team,
            concluded_on: (!open).then_some(concluded_on),
            conclusion: String::new(),
            subjects,
        };
        if !open {
            self.conclude(&mut case, concluded_on);
        }
        self.out.cases.push(case);
        self.out.cases.len() - 1
    }

    /// Findings: organisations mostly without violation or with shortcomings to remedy, members mostly
    /// without violation.
    fn conclude(&mut self, case: &mut DemoCase, on: NaiveDate) {
        const UNIT_SHORTCOMINGS: [(&str, &str); 5] = [
            (
                "Chưa tổ chức sinh hoạt chuyên đề đủ số lần theo quy định; biên bản sinh hoạt chi bộ ghi chưa đầy đủ ý kiến thảo luận.",
                "Tổ chức sinh hoạt chuyên đề bù, hoàn chỉnh biên bản sinh hoạt chi bộ theo Hướng dẫn 12-HD/BTCTW.",
            ),
            (
                "Việc đăng ký làm theo của một số đảng viên còn chung chung, chưa gắn với nhiệm vụ được giao.",
                "Hướng dẫn đảng viên bổ sung bản đăng ký làm theo cụ thể, có kết quả đo được.",
            ),
            (
                "Chưa thường xuyên kiểm tra việc giữ mối liên hệ với chi ủy nơi cư trú của đảng viên.",
                "Lập sổ theo dõi và kiểm tra việc giữ mối liên hệ với nơi cư trú của đảng viên hằng quý.",
            ),
            (
                "Thu, nộp đảng phí chưa kịp thời; sổ sách ghi chép chưa đầy đủ.",
                "Hoàn chỉnh sổ thu, nộp đảng phí và nộp đủ đảng phí còn thiếu về cấp trên.",
            ),
            (
                "Chưa xây dựng chương trình kiểm tra, giám sát năm của chi bộ.",
                "Xây dựng và ban hành chương trình kiểm tra, giám sát năm của chi bộ.",
            ),
        ];
        const MEMBER_SHORTCOMINGS: [&str; 4] = [
            "Bản đăng ký làm theo chưa cụ thể; một số nội dung chưa thực hiện đúng tiến độ.",
            "Có lần vắng sinh hoạt chi bộ không báo cáo lý do.",
            "Chưa thường xuyên giữ mối liên hệ với chi ủy nơi cư trú.",
            "Chậm nộp đảng phí.",
        ];
        let mut shortcomings = (0usize, 0usize);
        let mut violations = 0usize;
        for s in &mut case.subjects {
            match s.target {
                DemoTarget::Unit(_) => {
                    if self.rng.gen_ratio(2, 5) {
                        let (note, remedy) =
                            UNIT_SHORTCOMINGS[self.rng.gen_range(0..UNIT_SHORTCOMINGS.len())];
                        s.result = Some(Finding::Shortcomings);
                        s.note = note.to_string();
                        shortcomings.0 += 1;
                        if self.rng.gen_ratio(3, 4) {
                            let due = on + Duration::days([30, 60, 90][self.rng.gen_range(0..3)]);
                            let done = self.rng.gen_ratio(5, 6);
                            let done_on =
                                done.then(|| due - Duration::days(self.rng.gen_range(0..25)));
                            s.remedies.push(DemoRemedy {
                                text: remedy.to_string(),
                                due,
                                done_on,
                                done_note: if done {
                                    "Đã khắc phục, báo cáo bằng văn bản.".to_string()
                                } else {
                                    String::new()
                                },
                            });
                        }
                    } else {
                        s.result = Some(Finding::NoViolation);
                    }
                }
                DemoTarget::Member(_) => {
                    if self.rng.gen_ratio(3, 20) {
                        s.result = Some(Finding::Shortcomings);
                        s.note = MEMBER_SHORTCOMINGS
                            [self.rng.gen_range(0..MEMBER_SHORTCOMINGS.len())]
                        .to_string();
                        shortcomings.1 += 1;
                        if self.rng.gen_ratio(1, 6) {
                            let due = on + Duration::days(60);
                            let done_on = self
                                .rng
                                .gen_ratio(4, 5)
                                .then(|| due - Duration::days(self.rng.gen_range(0..40)));
                            s.remedies.push(DemoRemedy {
                                text: "Kiểm điểm trước chi bộ, có kế hoạch khắc phục.".to_string(),
                                due,
                                done_on,
                                done_note: if done_on.is_some() {
                                    "Đã kiểm điểm tại chi bộ.".to_string()
                                } else {
                                    String::new()
                                },
                            });
                        }
                    } else {
                        s.result = Some(Finding::NoViolation);
                    }
                }
            }
            if s.result == Some(Finding::Violation) {
                violations += 1;
            }
        }
        let (units, members) = case
            .subjects
            .iter()
            .fold((0, 0), |(u, m), s| match s.target {
                DemoTarget::Unit(_) => (u + 1, m),
                DemoTarget::Member(_) => (u, m + 1),
            });
        case.conclusion = conclusion_text(units, members, shortcomings, violations);
    }

    /// The one inspection on signs of violation: the city's commission on a ward's committee and 65 of its
    /// members, with two discipline decisions.
    fn violation_inspection(&mut self) {
        let Some(city) = self.conductors.first().cloned() else {
            return;
        };
        let wards: Vec<Conductor> = self.conductors[1..].to_vec();
        if wards.is_empty() {
            return;
        }
        let date = ymd(2019, 8, 12);
        let ward = wards[self.rng.gen_range(0..wards.len())].clone();
        let members = self.active_under(ward.unit, date);
        if members.len() < 65 {
            return;
        }
        // The ward's own office and committee first: those who handled land and budget matters.
        let mut members: Vec<usize> = members;
        members.sort_by_key(|&r| {
            let unit = self.recs[r].unit_on(date).unwrap_or(NONE);
            let office = self.tree.code(unit).ends_with("-CQ");
            (!office, self.recs[r].positions.is_empty())
        });
        members.truncate(65);
        let area = ward_area(&self.tree.units[ward.unit as usize])
            .unwrap_or_default()
            .to_string();
        let title = format!(
            "Kiểm tra khi có dấu hiệu vi phạm đối với Đảng ủy {area} và 65 đảng viên trong lãnh đạo, quản lý đất công và thu, chi ngân sách"
        );
        let k = self.push_case_titled(
            CaseKind::ViolationInspection,
            &city,
            Body::Commission,
            date,
            vec![ward.unit],
            members.clone(),
            false,
            title,
        );
        // Findings: the ward's committee had shortcomings; four members violated, two of them disciplined.
        let concluded = self.out.cases[k].concluded_on;
        let guilty: Vec<usize> = {
            let mut ok: Vec<usize> = members
                .iter()
                .copied()
                .filter(|&r| self.may_discipline(r, 2019) && !self.recs[r].probationary_on(date))
                .collect();
            ok.truncate(4);
            ok
        };
        let guilty_idx: HashSet<u64> = guilty.iter().map(|&r| self.recs[r].index).collect();
        {
            let case = &mut self.out.cases[k];
            for s in &mut case.subjects {
                match &s.target {
                    DemoTarget::Unit(_) => {
                        s.result = Some(Finding::Shortcomings);
                        s.note = "Ban Thường vụ Đảng ủy buông lỏng lãnh đạo, kiểm tra việc quản lý đất công và thu, chi ngân sách phường; chưa kịp thời chấn chỉnh sai phạm.".to_string();
                        s.remedies = vec![DemoRemedy {
                            text: "Kiểm điểm trách nhiệm tập thể Ban Thường vụ; thu hồi diện tích đất công bị lấn chiếm, báo cáo kết quả về Ủy ban Kiểm tra Thành ủy.".to_string(),
                            due: ymd(2020, 1, 31),
                            done_on: Some(ymd(2020, 1, 20)),
                            done_note: "Đã kiểm điểm và thu hồi 1.250 m² đất công.".to_string(),
                        }];
                    }
                    DemoTarget::Member(m) if guilty_idx.contains(m) => {
                        s.result = Some(Finding::Violation);
                        s.manifestations = vec!["B3".to_string(), "B8".to_string()];
                        s.note = "Thiếu trách nhiệm trong quản lý đất công, để xảy ra lấn chiếm kéo dài; vi phạm quy định về những điều đảng viên không được làm.".to_string();
                    }
                    DemoTarget::Member(_) => {}
                }
            }
            let (u, m) = (1, case.subjects.len() - 1);
            let shortcomings = case
                .subjects
                .iter()
                .filter(|s| s.result == Some(Finding::Shortcomings))
                .count();
            case.conclusion =
                conclusion_text(u, m, (1, shortcomings.saturating_sub(1)), guilty.len());
        }
        let on = concluded.unwrap_or(date) + Duration::days(14);
        for (j, &r) in guilty.iter().take(2).enumerate() {
            let form = if j == 0 {
                DisciplineForm::Warning
            } else {
                DisciplineForm::Reprimand
            };
            let n = self.next_number(city.unit, 2019, "UBKT");
            let unit = self.recs[r].unit_on(on).unwrap_or(ward.unit);
            self.out.disciplines.push(DemoDiscipline {
                member_index: self.recs[r].index,
                member_unit: self.tree.code(unit).to_string(),
                probationary: self.recs[r].probationary_on(on),
                form,
                decided_by: self.tree.code(city.unit).to_string(),
                body: Body::Commission,
                decision_number: format!("{n:02}-QĐ/UBKT"),
                decided_on: on,
                reason: "Thiếu trách nhiệm trong quản lý đất công, để xảy ra lấn chiếm kéo dài (kết luận kiểm tra khi có dấu hiệu vi phạm).".to_string(),
                case: Some(k),
            });
        }
    }

    /// Cases before the plan (early 2016) and after the period (June–December 2020).
    fn outside_period(&mut self) {
        let conductors = self.conductors.clone();
        for c in &conductors {
            for (lo, hi) in [
                (ymd(2016, 3, 1), ymd(2016, 6, 15)),
                (ymd(2020, 6, 1), ymd(2020, 12, 10)),
            ] {
                let n = if lo.year() == 2020 { 3 } else { 1 };
                for _ in 0..n {
                    let kind = [
                        CaseKind::Inspection,
                        CaseKind::ThematicSupervision,
                        CaseKind::RegularSupervision,
                    ][self.rng.gen_range(0..3)];
                    let date = self.date_in(lo, hi);
                    let mut pool = self.subject_pool(c);
                    pool.shuffle(&mut self.rng);
                    pool.truncate(1 + usize::from(c.city) * 2);
                    if pool.is_empty() {
                        continue;
                    }
                    let mut members = Vec::new();
                    for &u in &pool {
                        members.extend(self.active_under(u, date));
                    }
                    let m = self.rng.gen_range(3..12).min(members.len());
                    members.truncate(m);
                    let body = if self.rng.gen_ratio(1, 2) {
                        Body::Committee
                    } else {
                        Body::Commission
                    };
                    let directive = self.rng.gen_ratio(2, 5);
                    self.push_case(kind, c, body, date, pool, members, directive);
                }
            }
        }
    }

    /// Finance inspections by the wards' commissions, and two denunciations (one upheld, with a reprimand).
    fn finance_and_denunciations(&mut self) {
        let conductors = self.conductors.clone();
        for c in conductors.iter().filter(|c| !c.city) {
            for year in FIRST_YEAR + 1..=LAST_YEAR {
                let date = self.date_in(ymd(year, 3, 1), ymd(year, 11, 20));
                let mut pool = self.subject_pool(c);
                pool.shuffle(&mut self.rng);
                pool.truncate(self.rng.gen_range(1..3));
                let target = self.target_words(&pool, 0);
                let title = format!(
                    "Kiểm tra việc thu, nộp, quản lý và sử dụng đảng phí năm {} tại {target}",
                    year - 1
                );
                self.push_case_titled(
                    CaseKind::FinanceInspection,
                    c,
                    Body::Commission,
                    date,
                    pool,
                    Vec::new(),
                    false,
                    title,
                );
            }
        }
        // Denunciations: 2018 (not founded) and 2019 (founded: reprimand).
        let wards: Vec<Conductor> = conductors.iter().filter(|c| !c.city).cloned().collect();
        for (year, founded) in [(2018, false), (2019, true)] {
            if wards.is_empty() {
                return;
            }
            let ward = wards[self.rng.gen_range(0..wards.len())].clone();
            let date = self.date_in(ymd(year, 4, 1), ymd(year, 6, 30));
            let pool = self.active_under(ward.unit, date);
            let Some(r) = pool.into_iter().find(|&r| {
                !self.recs[r].positions.is_empty() && (!founded || self.may_discipline(r, year))
            }) else {
                continue;
            };
            let unit = self.recs[r].unit_on(date).unwrap_or(ward.unit);
            let title = format!(
                "Giải quyết tố cáo đối với đồng chí {}, đảng viên {}",
                self.recs[r].name,
                self.tree.name(unit)
            );
            let k = self.push_case_titled(
                CaseKind::Denunciation,
                &ward,
                Body::Commission,
                date,
                Vec::new(),
                vec![r],
                false,
                title,
            );
            let case = &mut self.out.cases[k];
            let Some(on) = case.concluded_on else {
                continue;
            };
            if let Some(s) = case.subjects.first_mut() {
                if founded {
                    s.result = Some(Finding::Violation);
                    s.manifestations = vec!["B9".to_string()];
                    s.note = "Tố cáo đúng một phần: sử dụng quan hệ gia đình để can thiệp việc cấp giấy phép kinh doanh.".to_string();
                } else {
                    s.result = Some(Finding::NoViolation);
                    s.note = "Tố cáo sai: không có căn cứ.".to_string();
                    s.remedies.clear();
                }
            }
            case.conclusion = if founded {
                "Nội dung tố cáo đúng một phần; đảng viên được tố cáo có vi phạm, đề nghị xem xét thi hành kỷ luật.".to_string()
            } else {
                "Nội dung tố cáo không có cơ sở; đảng viên được tố cáo không vi phạm.".to_string()
            };
            if founded {
                let decided_on = on + Duration::days(10);
                let n = self.next_number(ward.unit, year, "UBKT");
                let unit = self.recs[r].unit_on(decided_on).unwrap_or(ward.unit);
                self.out.disciplines.push(DemoDiscipline {
                    member_index: self.recs[r].index,
                    member_unit: self.tree.code(unit).to_string(),
                    probationary: self.recs[r].probationary_on(decided_on),
                    form: DisciplineForm::Reprimand,
                    decided_by: self.tree.code(ward.unit).to_string(),
                    body: Body::Commission,
                    decision_number: format!("{n:02}-QĐ/UBKT"),
                    decided_on,
                    reason: "Vi phạm Quy định 47-QĐ/TW về những điều đảng viên không được làm (kết luận giải quyết tố cáo).".to_string(),
                    case: Some(k),
                });
            }
        }
    }

    /// A few regular supervisions of the wards' commissions dated a few weeks before today, not concluded.
    fn recent(&mut self) {
        let wards: Vec<Conductor> = self
            .conductors
            .iter()
            .filter(|c| !c.city)
            .cloned()
            .collect();
        for c in wards.iter().take(3) {
            let date = self.today - Duration::days(self.rng.gen_range(5..30));
            let mut pool = self.subject_pool(c);
            pool.shuffle(&mut self.rng);
            pool.truncate(1);
            let target = self.target_words(&pool, 0);
            let title = format!(
                "Giám sát thường xuyên việc thực hiện chương trình công tác năm {} của {target}",
                date.year()
            );
            self.push_case_titled(
                CaseKind::RegularSupervision,
                c,
                Body::Commission,
                date,
                pool,
                Vec::new(),
                false,
                title,
            );
        }
    }

    /// The conductor (ward, or the city for its agencies) over a unit.
    fn deciding_unit(&self, unit: u32) -> u32 {
        let top = self.tree.top[unit as usize];
        if self.conductors.iter().any(|c| c.unit == top && !c.city) {
            top
        } else {
            self.tree.city
        }
    }

    /// The members the demo expels get their ward's expulsion decision on that date.
    fn expulsions(&mut self) {
        for r in 0..self.recs.len() {
            let rec = &self.recs[r];
            let index = rec.index;
            if rec.status != MemberStatus::Expelled {
                continue;
            }
            let Some(on) = rec.status_since else {
                continue;
            };
            let probationary = rec.probationary_on(on);
            let Some(unit) = rec
                .memberships
                .iter()
                .rev()
                .find(|(_, s)| *s < on)
                .map(|(u, _)| *u)
            else {
                continue;
            };
            if self.tree.top[unit as usize] == NONE {
                continue;
            }
            let by = self.deciding_unit(unit);
            let sign = if by == self.tree.city { "TU" } else { "ĐU" };
            let n = self.next_number(by, on.year(), sign);
            self.out.disciplines.push(DemoDiscipline {
                member_index: index,
                member_unit: self.tree.code(unit).to_string(),
                probationary,
                form: DisciplineForm::Expulsion,
                decided_by: self.tree.code(by).to_string(),
                body: Body::Committee,
                decision_number: format!("{n:02}-QĐ/{sign}"),
                decided_on: on,
                reason: "Vi phạm pháp luật, bị truy cứu trách nhiệm hình sự; vi phạm Quy định 102-QĐ/TW về xử lý kỷ luật đảng viên vi phạm.".to_string(),
                case: None,
            });
        }
    }

    /// Members who "bỏ sinh hoạt": the first one (rated at most "hoàn thành nhiệm vụ" that year) is
    /// reprimanded by their cell, and one with such absences in the last year is struck off after the
    /// last cell meeting of that year.
    fn absentees(&mut self) {
        let mut cands: Vec<(usize, i32)> = self
            .absences
            .iter()
            .flat_map(|(&r, years)| years.keys().map(move |&y| (r, y)))
            .filter(|&(r, _)| self.recs[r].status == MemberStatus::Active)
            .collect();
        cands.sort_unstable();
        // Xóa tên: absences in the last campaign year, after the member's last cell meeting.
        let strike = cands
            .iter()
            .copied()
            .filter(|&(_, y)| y == LAST_YEAR)
            .find(|&(r, _)| {
                self.last_meeting
                    .get(&r)
                    .is_some_and(|d| d.year() == LAST_YEAR)
            });
        if let Some((r, y)) = strike {
            let last = self.last_meeting.get(&r).copied().unwrap_or(ymd(y, 12, 15));
            let on = ymd(y, 12, 28).max(last + Duration::days(7));
            let dates = self.absences[&r][&y].clone();
            let mut months: Vec<u32> = dates.iter().map(|d| d.month()).collect();
            months.dedup();
            if let Some(unit) = self.recs[r].unit_on(last) {
                let by = self.deciding_unit(unit);
                let sign = if by == self.tree.city { "TU" } else { "ĐU" };
                let n = self.next_number(by, y, sign);
                self.out.strike_offs.push(DemoStrikeOff {
                    member_index: self.recs[r].index,
                    unit_code: self.tree.code(unit).to_string(),
                    decided_by: self.tree.code(by).to_string(),
                    decision_number: format!("{n:02}-QĐ/{sign}"),
                    decided_on: on,
                    reason: format!(
                        "Bỏ sinh hoạt chi bộ không có lý do chính đáng {} tháng trong năm {y} (tháng {}) (Điều lệ Đảng, Điều 8).",
                        months.len(),
                        months
                            .iter()
                            .map(|m| m.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    year: y,
                    months,
                });
            }
        }
        // Reprimands by the cell for others: in the year of the absences when the member's rating of that
        // year allows it, else at the cell's first meeting of the next year (after the year-end review).
        let mut done = 0;
        for &(r, y) in &cands {
            if done >= 2 || strike.is_some_and(|(s, _)| s == r) {
                continue;
            }
            let dates = &self.absences[&r][&y];
            let Some(third) = dates.get(2).copied() else {
                continue;
            };
            let mut months: Vec<u32> = dates.iter().map(|d| d.month()).collect();
            months.dedup();
            let same_year = third + Duration::days(20);
            let on = if same_year.year() == y && self.may_discipline(r, y) {
                same_year
            } else if self.may_discipline(r, y + 1) {
                ymd(y + 1, 1, 12 + self.rng.gen_range(0..10))
            } else {
                continue;
            };
            let Some(unit) = self.recs[r].unit_on(on) else {
                continue;
            };
            let months = months
                .iter()
                .map(|m| m.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let n = self.next_number(unit, on.year(), "CB");
            self.out.disciplines.push(DemoDiscipline {
                member_index: self.recs[r].index,
                member_unit: self.tree.code(unit).to_string(),
                probationary: self.recs[r].probationary_on(on),
                form: DisciplineForm::Reprimand,
                decided_by: self.tree.code(unit).to_string(),
                body: Body::Committee,
                decision_number: format!("{n:02}-QĐ/CB"),
                decided_on: on,
                reason: format!(
                    "Bỏ sinh hoạt chi bộ không có lý do chính đáng trong các tháng {months} năm {y}, vi phạm chế độ sinh hoạt đảng (Điều lệ Đảng, Điều 8)."
                ),
                case: None,
            });
            done += 1;
        }
    }
}

fn conclusion_text(
    units: usize,
    members: usize,
    shortcomings: (usize, usize),
    violations: usize,
) -> String {
    let fmt = |n: usize| domain::text::format_int(n as i64);
    let mut s = match (units, members) {
        (0, m) => format!("Đã làm việc với {} đảng viên. ", fmt(m)),
        (u, 0) => format!("Đã làm việc với {} tổ chức đảng. ", fmt(u)),
        (u, m) => format!(
            "Đã làm việc với {} tổ chức đảng và {} đảng viên. ",
            fmt(u),
            fmt(m)
        ),
    };
    s.push_str("Nhìn chung các tổ chức đảng và đảng viên được kiểm tra, giám sát chấp hành tốt Điều lệ Đảng, nghị quyết, chỉ thị của Đảng");
    if shortcomings == (0, 0) && violations == 0 {
        s.push_str("; không phát hiện vi phạm.");
    } else {
        let who = match shortcomings {
            (0, 0) => String::new(),
            (u, 0) => format!(
                "; còn {} tổ chức đảng có hạn chế, khuyết điểm cần khắc phục",
                fmt(u)
            ),
            (0, m) => format!(
                "; còn {} đảng viên có hạn chế, khuyết điểm cần khắc phục",
                fmt(m)
            ),
            (u, m) => format!(
                "; còn {} tổ chức đảng và {} đảng viên có hạn chế, khuyết điểm cần khắc phục",
                fmt(u),
                fmt(m)
            ),
        };
        s.push_str(&who);
        if violations > 0 {
            s.push_str(&format!("; {} đảng viên có vi phạm", fmt(violations)));
        }
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::units;

    fn figures(d: &DemoInspections) -> BTreeMap<CaseKind, (u64, u64)> {
        let (from, to) = period();
        let mut out = BTreeMap::new();
        for c in d
            .cases
            .iter()
            .filter(|c| c.decided_on >= from && c.decided_on <= to)
        {
            let e = out.entry(c.kind).or_insert((0u64, 0u64));
            let mut seen = HashSet::new();
            for s in &c.subjects {
                assert!(
                    seen.insert(s.target.clone()),
                    "a subject twice in {}",
                    c.title
                );
                match s.target {
                    DemoTarget::Unit(_) => e.0 += 1,
                    DemoTarget::Member(_) => e.1 += 1,
                }
            }
        }
        out
    }

    #[test]
    fn city_records_give_the_report_figures() {
        let seed = 2020;
        let us = units(Scale::City, seed);
        let d = inspections(
            Scale::City,
            seed,
            &us,
            ymd(2026, 12, 7),
            ratings(Scale::City, seed, &us),
        );
        let f = figures(&d);
        for (kind, u, m) in REPORT_FIGURES {
            assert_eq!(f.get(&kind).copied(), Some((u, m)), "{kind:?}");
        }
        assert!(d.cases.iter().any(|c| c.decided_on > period().1));
        assert!(d
            .cases
            .iter()
            .any(|c| c.kind == CaseKind::FinanceInspection));
        assert!(d.cases.iter().any(|c| c.kind == CaseKind::Denunciation));
        assert!(d.cases.iter().any(|c| c.concluded_on.is_none()));
        assert!(d.cases.iter().filter(|c| c.directive_05).count() > 100);
        assert!(
            (5..=12).contains(&d.disciplines.len()),
            "{:?}",
            d.disciplines
        );
        assert_eq!(d.strike_offs.len(), 1, "{:?}", d.strike_offs);
        let remedies: Vec<&DemoRemedy> = d
            .cases
            .iter()
            .flat_map(|c| c.subjects.iter().flat_map(|s| s.remedies.iter()))
            .collect();
        assert!(remedies.iter().any(|r| r.done_on.is_some()));
        assert!(remedies.iter().any(|r| r.done_on.is_none()));
        // Cases spread over the wards and years.
        let conductors: HashSet<&str> = d.cases.iter().map(|c| c.unit_code.as_str()).collect();
        assert!(conductors.len() >= 10, "{conductors:?}");
        for y in 2016..=2020 {
            assert!(d.cases.iter().filter(|c| c.decided_on.year() == y).count() > 20);
        }
        assert_eq!(
            d,
            inspections(
                Scale::City,
                seed,
                &us,
                ymd(2026, 12, 7),
                ratings(Scale::City, seed, &us)
            ),
            "deterministic"
        );
    }
}
