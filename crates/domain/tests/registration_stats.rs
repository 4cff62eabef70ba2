//! Property and table tests of the registration figures and review rules (docs/DOMAIN.md § Reviews and
//! rating): the report's shares stay in [0, 1] (or are absent when there is nothing to divide by), a
//! parent's figures are the sum of its units', "đúng hạn" means by 31 March inclusive, deadlines move to
//! another year keeping day and month, and who may write the self-reviews and the cell's assessment, and
//! from when.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate};
use domain::calendar::{Calendar, CalendarSetting};
use domain::policy::Principal;
use domain::quality::Flag;
use domain::registration::{
    item_specific, item_tied, may_assess, may_review, on_time, shift_year, vn_date, Outcome, Owner,
    Rating, RegStats, ReviewError, Stage, Status,
};
use domain::Role;
use proptest::prelude::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(Status::ALL.to_vec())
}

fn rating() -> impl Strategy<Value = Rating> {
    prop::sample::select(Rating::ALL.to_vec())
}

fn outcome() -> impl Strategy<Value = Option<Outcome>> {
    prop::option::of(prop::sample::select(vec![
        Outcome::Done,
        Outcome::Partly,
        Outcome::NotDone,
    ]))
}

/// Any subset of the flags (each at most once, in `Flag::ALL` order).
fn flags() -> impl Strategy<Value = Vec<Flag>> {
    prop::collection::vec(any::<bool>(), Flag::ALL.len()).prop_map(|pick| {
        Flag::ALL
            .into_iter()
            .zip(pick)
            .filter(|(_, p)| *p)
            .map(|(f, _)| f)
            .collect()
    })
}

type Items = Vec<(Vec<Flag>, Option<Outcome>)>;

/// One registration as the report adds it: status, on time, in a copy cluster, items.
#[derive(Debug, Clone)]
struct Reg {
    status: Status,
    on_time: bool,
    copied: bool,
    items: Items,
}

fn registration() -> impl Strategy<Value = Reg> {
    (
        status(),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((flags(), outcome()), 0..8),
    )
        .prop_map(|(status, on_time, copied, items)| Reg {
            status,
            on_time,
            copied,
            items,
        })
}

/// A unit's inputs: registrations, ratings, and members who should register beyond those who did.
#[derive(Debug, Clone)]
struct UnitData {
    regs: Vec<Reg>,
    ratings: Vec<Rating>,
    extra_members: i64,
}

fn unit_data() -> impl Strategy<Value = UnitData> {
    (
        prop::collection::vec(registration(), 0..12),
        prop::collection::vec(rating(), 0..15),
        0i64..20,
    )
        .prop_map(|(regs, ratings, extra_members)| UnitData {
            regs,
            ratings,
            extra_members,
        })
}

/// The figures of a unit computed as the report does: one registration at a time. Every registering
/// member is among the members who should register (plus `extra_members` who did not register).
fn stats_of(u: &UnitData) -> RegStats {
    let mut s = RegStats::default();
    add_all(&mut s, &u.regs, &u.ratings);
    s.members = u.regs.len() as i64 + u.extra_members;
    s
}

fn add_all(s: &mut RegStats, regs: &[Reg], ratings: &[Rating]) {
    for r in regs {
        s.add_registration(r.status, r.on_time, &r.items);
        s.copied += i64::from(r.copied);
    }
    for r in ratings {
        s.add_rating(*r);
    }
}

/// Every share with its numerator and denominator.
fn shares(s: &RegStats) -> Vec<(&'static str, Option<f64>, i64, i64)> {
    vec![
        ("on_time", s.on_time_share(), s.on_time, s.members),
        ("registered", s.registered_share(), s.registered, s.members),
        ("specific", s.specific_share(), s.specific_items, s.items),
        ("tied", s.tied_share(), s.tied_items, s.items),
        ("copied", s.copied_share(), s.copied, s.registered),
        ("done", s.done_share(), s.done_items, s.approved_items),
    ]
}

// ---------------------------------------------------------------------------------------------
// RegStats
// ---------------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_share_is_a_fraction_or_absent(u in unit_data()) {
        let s = stats_of(&u);
        for (name, share, n, den) in shares(&s) {
            if den == 0 {
                prop_assert_eq!(share, None, "{} with a zero denominator", name);
            } else {
                let v = share.unwrap();
                prop_assert!((0.0..=1.0).contains(&v), "{} = {} ({}/{})", name, v, n, den);
                prop_assert!((v - n as f64 / den as f64).abs() < 1e-12, "{} = {} ({}/{})", name, v, n, den);
            }
        }
    }

    #[test]
    fn counts_add_up(u in unit_data()) {
        let s = stats_of(&u);
        prop_assert_eq!(s.registered, u.regs.len() as i64);
        // Every registration is in exactly one status column (published ones are also approved).
        prop_assert_eq!(s.drafts + s.submitted + s.returned + s.approved, s.registered);
        prop_assert!(s.published <= s.approved);
        prop_assert_eq!(s.items, u.regs.iter().map(|r| r.items.len() as i64).sum::<i64>());
        prop_assert!(s.reviewed_items <= s.approved_items && s.done_items <= s.reviewed_items);
        prop_assert!(s.approved_items <= s.items);
        prop_assert_eq!(s.rated, u.ratings.len() as i64);
        prop_assert_eq!(s.excellent + s.good + s.completed + s.not_completed, s.rated);
        // Items of registrations not approved never count as done, whatever was written on them.
        let approved_done = u
            .regs
            .iter()
            .filter(|r| matches!(r.status, Status::Approved | Status::Published))
            .flat_map(|r| &r.items)
            .filter(|(_, o)| *o == Some(Outcome::Done))
            .count() as i64;
        prop_assert_eq!(s.done_items, approved_done);
    }

    #[test]
    fn merge_is_adding_everything_to_one(a in unit_data(), b in unit_data()) {
        let sa = stats_of(&a);
        let sb = stats_of(&b);
        let mut merged = sa.clone();
        merged.merge(&sb);

        let mut all = RegStats::default();
        add_all(&mut all, &a.regs, &a.ratings);
        add_all(&mut all, &b.regs, &b.ratings);
        all.members = sa.members + sb.members;
        prop_assert_eq!(&merged, &all);

        // Merging is order-independent and the empty figures change nothing.
        let mut other_way = sb.clone();
        other_way.merge(&sa);
        prop_assert_eq!(&other_way, &merged);
        let mut with_empty = sa.clone();
        with_empty.merge(&RegStats::default());
        prop_assert_eq!(&with_empty, &sa);

        // A parent's shares stay fractions too.
        for (name, share, _, den) in shares(&merged) {
            prop_assert_eq!(share.is_none(), den == 0, "{}", name);
            prop_assert!(share.is_none_or(|v| (0.0..=1.0).contains(&v)), "{}", name);
        }
    }

    #[test]
    fn the_excellent_warning_is_the_20_percent_rule(ratings in prop::collection::vec(rating(), 0..40)) {
        let mut s = RegStats::default();
        for r in &ratings {
            s.add_rating(*r);
        }
        let ex = ratings.iter().filter(|r| **r == Rating::Excellent).count() as i64;
        let good = ratings.iter().filter(|r| **r == Rating::Good).count() as i64;
        // 20 % of "tốt": ex ≤ good / 5 is fine.
        let over = ex > 0 && 5 * ex > good;
        prop_assert_eq!(s.excellent_warning().is_some(), over, "{} xuất sắc, {} tốt", ex, good);
        if let Some(w) = s.excellent_warning() {
            prop_assert!(w.contains("20%"), "{}", w);
            let ex_s = format!("({ex})");
            prop_assert!(w.contains(&ex_s), "{}", w);
        }
    }
}

#[test]
fn shares_of_empty_figures_are_absent() {
    let s = RegStats::default();
    for (name, share, _, _) in shares(&s) {
        assert_eq!(share, None, "{name}");
    }
    assert_eq!(s.excellent_warning(), None);
}

#[test]
fn a_small_unit_by_hand() {
    use Outcome::*;
    let mut s = RegStats {
        members: 4,
        ..Default::default()
    };
    // Approved, on time: one specific tied item done, one vague item partly done.
    s.add_registration(
        Status::Approved,
        true,
        &[
            (vec![], Some(Done)),
            (vec![Flag::Vague, Flag::NoTarget], Some(Partly)),
        ],
    );
    // Published, late: one item not tied to duties, done.
    s.add_registration(
        Status::Published,
        false,
        &[(vec![Flag::NotTiedToDuty, Flag::Copied], Some(Done))],
    );
    // A draft with an outcome typed in: not counted as done.
    s.add_registration(Status::Draft, true, &[(vec![Flag::NoDeadline], Some(Done))]);
    s.copied = 2;
    s.add_rating(Rating::Excellent);
    s.add_rating(Rating::Good);
    assert_eq!(
        (s.registered, s.on_time, s.approved, s.published),
        (3, 2, 2, 1)
    );
    assert_eq!(s.drafts, 1);
    assert_eq!(s.registered_share(), Some(0.75));
    assert_eq!(s.on_time_share(), Some(0.5));
    assert_eq!(s.specific_share(), Some(2.0 / 4.0));
    assert_eq!(s.tied_share(), Some(3.0 / 4.0));
    assert_eq!(s.copied_share(), Some(2.0 / 3.0));
    assert_eq!(s.done_share(), Some(2.0 / 3.0));
    assert_eq!(s.reviewed_items, 3);
    assert!(s.excellent_warning().is_some(), "1 xuất sắc for 1 tốt");
}

// ---------------------------------------------------------------------------------------------
// On time, dates
// ---------------------------------------------------------------------------------------------

fn any_date() -> impl Strategy<Value = NaiveDate> {
    // 1990-01-01 .. about 2110.
    (0i64..44_000).prop_map(|n| d(1990, 1, 1) + chrono::Duration::days(n))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn on_time_is_up_to_31_march_inclusive(year in 1995i32..2100, day in any_date()) {
        let deadline = d(year, 3, 31);
        let cal = Calendar::defaults(year);
        prop_assert_eq!(cal.registration_deadline, deadline);
        prop_assert_eq!(on_time(&cal, Some(day)), day <= deadline, "{} for {}", day, year);
        prop_assert!(!on_time(&cal, None), "never submitted is never on time");
    }

    #[test]
    fn shift_year_keeps_day_and_month(day in any_date(), year in 1995i32..2100) {
        let s = shift_year(day, year).unwrap();
        prop_assert_eq!(s.year(), year);
        prop_assert_eq!(s.month(), day.month());
        let leap_day_lost = day.month() == 2 && day.day() == 29 && NaiveDate::from_ymd_opt(year, 2, 29).is_none();
        prop_assert_eq!(s.day(), if leap_day_lost { 28 } else { day.day() }, "{} → {}", day, year);
        // Moving to the date's own year changes nothing.
        prop_assert_eq!(shift_year(day, day.year()), Some(day));
    }

    #[test]
    fn vn_date_is_utc_plus_7(secs in 0i64..4_000_000_000) {
        let t = chrono::DateTime::from_timestamp(secs, 0).unwrap();
        let local = (t + chrono::Duration::hours(7)).date_naive();
        prop_assert_eq!(vn_date(t), local);
    }
}

#[test]
fn on_time_table() {
    let cases = [
        (d(2027, 3, 31), true),
        (d(2027, 4, 1), false),
        (d(2027, 3, 1), true),
        (d(2027, 1, 1), true),
        // Written at the end of the previous year: on time.
        (d(2026, 12, 20), true),
        (d(2027, 12, 31), false),
        (d(2028, 1, 5), false),
    ];
    for (day, want) in cases {
        assert_eq!(on_time(&cal(), Some(day)), want, "{day}");
    }
    assert!(!on_time(&cal(), None));
}

#[test]
fn on_time_counts_the_day_in_vietnam() {
    use chrono::TimeZone;
    // 31/03 at 23:30 in Hanoi is 16:30 UTC: on time. 31/03 at 17:30 UTC is already 01/04 in Hanoi: late.
    let on = chrono::Utc
        .with_ymd_and_hms(2027, 3, 31, 16, 30, 0)
        .unwrap();
    let late = chrono::Utc
        .with_ymd_and_hms(2027, 3, 31, 17, 30, 0)
        .unwrap();
    assert!(on_time(&cal(), Some(vn_date(on))));
    assert!(!on_time(&cal(), Some(vn_date(late))));
    assert_eq!(vn_date(late), d(2027, 4, 1));
}

#[test]
fn shift_year_table() {
    assert_eq!(shift_year(d(2024, 2, 29), 2025), Some(d(2025, 2, 28)));
    assert_eq!(shift_year(d(2024, 2, 29), 2028), Some(d(2028, 2, 29)));
    assert_eq!(shift_year(d(2024, 2, 29), 2100), Some(d(2100, 2, 28)));
    assert_eq!(shift_year(d(2023, 2, 28), 2024), Some(d(2024, 2, 28)));
    assert_eq!(shift_year(d(2026, 11, 30), 2027), Some(d(2027, 11, 30)));
    assert_eq!(shift_year(d(2026, 12, 31), 2027), Some(d(2027, 12, 31)));
    assert_eq!(shift_year(d(2027, 1, 1), 2026), Some(d(2026, 1, 1)));
}

// ---------------------------------------------------------------------------------------------
// Who reviews, who assesses, from when
// ---------------------------------------------------------------------------------------------

const CELL: &str = "/1/7/30/";
const WARD: &str = "/1/7/";
const OTHER_CELL: &str = "/1/7/31/";
const OWNER: i64 = 42;

fn p(role: Role, path: &str, member: Option<i64>) -> Principal {
    Principal {
        user_id: 1,
        username: "u".into(),
        role,
        unit_id: 1,
        unit_path: path.into(),
        member_id: member,
    }
}

/// A member of the cell, or (head = true) the cell's head, approved by the ward.
fn owner(head: bool) -> Owner<'static> {
    Owner {
        member_id: OWNER,
        unit_path: CELL,
        approver_path: if head { WARD } else { CELL },
        disclosed: head,
    }
}

const YEAR: i32 = 2027;

/// The default calendar of the year (today's rules: 31/03, 01/06, 01/11).
fn cal() -> Calendar {
    Calendar::defaults(YEAR)
}

#[test]
fn who_writes_the_self_review() {
    let m = owner(false);
    let open = d(YEAR, 11, 15);
    let ok = |who: &Principal| may_review(who, &m, Status::Approved, Stage::Yearend, &cal(), open);
    assert_eq!(
        ok(&p(Role::Member, CELL, Some(OWNER))),
        Ok(()),
        "the member"
    );
    assert_eq!(
        ok(&p(Role::Secretary, CELL, Some(7))),
        Ok(()),
        "the cell secretary, on the member's behalf"
    );
    assert_eq!(
        ok(&p(Role::Secretary, WARD, None)),
        Ok(()),
        "the ward's secretary covers the cell"
    );
    assert_eq!(
        ok(&p(Role::Office, "/1/", None)),
        Ok(()),
        "the office enters paper forms"
    );
    assert_eq!(
        ok(&p(Role::Member, CELL, Some(43))),
        Err(ReviewError::NotAllowed),
        "another member of the same cell"
    );
    assert_eq!(
        ok(&p(Role::Secretary, OTHER_CELL, Some(8))),
        Err(ReviewError::NotAllowed),
        "another cell's secretary"
    );
    assert_eq!(
        ok(&p(Role::Inspector, "/1/", None)),
        Err(ReviewError::NotAllowed),
        "inspectors read, never write"
    );
    // Published registrations are reviewed too.
    assert_eq!(
        may_review(
            &p(Role::Member, CELL, Some(OWNER)),
            &m,
            Status::Published,
            Stage::Midyear,
            &cal(),
            open
        ),
        Ok(())
    );
}

#[test]
fn self_reviews_open_on_1_june_and_1_november() {
    let m = owner(false);
    let me = p(Role::Member, CELL, Some(OWNER));
    let at = |stage, today| may_review(&me, &m, Status::Approved, stage, &cal(), today);
    assert_eq!(at(Stage::Midyear, d(YEAR, 6, 1)), Ok(()));
    assert_eq!(at(Stage::Midyear, d(YEAR, 12, 31)), Ok(()));
    let early = at(Stage::Midyear, d(YEAR, 5, 31)).unwrap_err();
    assert_eq!(
        early,
        ReviewError::TooEarly(Stage::Midyear, "01/06/2027".into())
    );
    assert_eq!(
        early.to_string(),
        "Chưa đến thời gian tự đánh giá giữa năm (bắt đầu từ ngày 01/06/2027)"
    );
    assert_eq!(at(Stage::Yearend, d(YEAR, 11, 1)), Ok(()));
    let early = at(Stage::Yearend, d(YEAR, 10, 31)).unwrap_err();
    assert_eq!(
        early.to_string(),
        "Chưa đến thời gian tự đánh giá cuối năm (bắt đầu từ ngày 01/11/2027)"
    );
    // The year's own dates: a 2027 registration is not open in June 2026.
    assert!(at(Stage::Midyear, d(2026, 6, 15)).is_err());
    // Later years are open.
    assert_eq!(at(Stage::Yearend, d(2028, 2, 1)), Ok(()));
}

#[test]
fn self_review_needs_an_approved_registration() {
    let m = owner(false);
    let me = p(Role::Member, CELL, Some(OWNER));
    for s in [Status::Draft, Status::Submitted, Status::Returned] {
        let e = may_review(&me, &m, s, Stage::Midyear, &cal(), d(YEAR, 7, 1)).unwrap_err();
        assert_eq!(e, ReviewError::NotApproved(s));
        assert_eq!(
            e.to_string(),
            format!(
                "Chỉ được tự đánh giá bản đăng ký đã được duyệt (bản này đang ở trạng thái “{}”)",
                s.label()
            )
        );
    }
    assert!(may_review(
        &me,
        &m,
        Status::Draft,
        Stage::Midyear,
        &cal(),
        d(YEAR, 7, 1)
    )
    .unwrap_err()
    .to_string()
    .contains("Đang soạn"));
}

#[test]
fn who_assesses() {
    let today = d(YEAR, 11, 20);
    let member = owner(false);
    let head = owner(true);
    let cell_sec = p(Role::Secretary, CELL, Some(7));
    let ward_sec = p(Role::Secretary, WARD, Some(8));
    let me = p(Role::Member, CELL, Some(OWNER));
    let assess =
        |who: &Principal, o: &Owner<'_>| may_assess(who, o, Status::Approved, &cal(), today);
    // A member: their cell's secretary.
    assert_eq!(assess(&cell_sec, &member), Ok(()));
    assert_eq!(assess(&ward_sec, &member), Err(ReviewError::NotAllowed));
    assert_eq!(assess(&me, &member), Err(ReviewError::OwnAssessment));
    assert_eq!(
        assess(&p(Role::Member, CELL, Some(43)), &member),
        Err(ReviewError::NotAllowed)
    );
    assert_eq!(
        assess(&p(Role::Secretary, OTHER_CELL, None), &member),
        Err(ReviewError::NotAllowed)
    );
    // A head: the level above.
    assert_eq!(assess(&ward_sec, &head), Ok(()));
    assert_eq!(assess(&cell_sec, &head), Err(ReviewError::NotAllowed));
    // The head is the cell's secretary: never their own.
    let head_self = p(Role::Secretary, CELL, Some(OWNER));
    assert_eq!(assess(&head_self, &head), Err(ReviewError::OwnAssessment));
    assert_eq!(assess(&head_self, &member), Err(ReviewError::OwnAssessment));
    assert_eq!(
        ReviewError::OwnAssessment.to_string(),
        "Không được đánh giá thay chi bộ đối với bản đăng ký của chính mình"
    );
}

#[test]
fn assessment_opens_on_1_november_on_approved_registrations() {
    let member = owner(false);
    let cell_sec = p(Role::Secretary, CELL, Some(7));
    assert_eq!(
        may_assess(&cell_sec, &member, Status::Approved, &cal(), d(YEAR, 11, 1)),
        Ok(())
    );
    assert_eq!(
        may_assess(
            &cell_sec,
            &member,
            Status::Published,
            &cal(),
            d(YEAR + 1, 1, 10)
        ),
        Ok(())
    );
    let e = may_assess(
        &cell_sec,
        &member,
        Status::Approved,
        &cal(),
        d(YEAR, 10, 31),
    )
    .unwrap_err();
    assert_eq!(e, ReviewError::AssessTooEarly("01/11/2027".into()));
    assert_eq!(
        e.to_string(),
        "Chưa đến thời gian chi bộ đánh giá (bắt đầu từ ngày 01/11/2027)"
    );
    for s in [Status::Draft, Status::Submitted, Status::Returned] {
        assert_eq!(
            may_assess(&cell_sec, &member, s, &cal(), d(YEAR, 11, 20)),
            Err(ReviewError::NotApproved(s))
        );
    }
}

fn role() -> impl Strategy<Value = Role> {
    prop::sample::select(Role::ALL.to_vec())
}

fn path() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["/1/", WARD, CELL, OTHER_CELL, "/1/8/", "/1/8/40/"])
}

fn stage() -> impl Strategy<Value = Stage> {
    prop::sample::select(vec![Stage::Midyear, Stage::Yearend])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// The whole rule, stated independently: the member or a writer over the cell, an approved or published
    /// registration, on or after 1 June / 1 November of its year.
    #[test]
    fn may_review_is_the_rule(
        r in role(),
        at in path(),
        who in prop::option::of(prop::sample::select(vec![OWNER, 43])),
        head in any::<bool>(),
        s in status(),
        st in stage(),
        today in any_date(),
    ) {
        let o = owner(head);
        let got = may_review(&p(r, at, who), &o, s, st, &cal(), today);
        let own = who == Some(OWNER);
        let writer = matches!(r, Role::Admin | Role::Office | Role::Secretary) && CELL.starts_with(at);
        let approved = matches!(s, Status::Approved | Status::Published);
        let opens = match st {
            Stage::Midyear => d(YEAR, 6, 1),
            Stage::Yearend => d(YEAR, 11, 1),
        };
        prop_assert_eq!(got.is_ok(), (own || writer) && approved && today >= opens, "{:?}", got);
        if !(own || writer) {
            prop_assert_eq!(got, Err(ReviewError::NotAllowed));
        } else if !approved {
            prop_assert_eq!(got, Err(ReviewError::NotApproved(s)));
        } else if today < opens {
            prop_assert!(matches!(got, Err(ReviewError::TooEarly(x, _)) if x == st));
        }
    }

    #[test]
    fn may_assess_is_the_rule(
        r in role(),
        at in path(),
        who in prop::option::of(prop::sample::select(vec![OWNER, 43])),
        head in any::<bool>(),
        s in status(),
        today in any_date(),
    ) {
        let o = owner(head);
        let got = may_assess(&p(r, at, who), &o, s, &cal(), today);
        let own = who == Some(OWNER);
        let approver_unit = if head { WARD } else { CELL };
        let approver = matches!(r, Role::Admin | Role::Office | Role::Secretary) && at == approver_unit;
        let approved = matches!(s, Status::Approved | Status::Published);
        prop_assert_eq!(got.is_ok(), !own && approver && approved && today >= d(YEAR, 11, 1), "{:?}", got);
        if own {
            prop_assert_eq!(got, Err(ReviewError::OwnAssessment));
        } else if !approver {
            prop_assert_eq!(got, Err(ReviewError::NotAllowed));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Item figures
// ---------------------------------------------------------------------------------------------

#[test]
fn item_specific_and_tied_truth_tables() {
    // Every subset of the five flags.
    for mask in 0u32..(1 << Flag::ALL.len()) {
        let flags: Vec<Flag> = Flag::ALL
            .into_iter()
            .enumerate()
            .filter(|(k, _)| mask & (1 << k) != 0)
            .map(|(_, f)| f)
            .collect();
        let has = |f: Flag| flags.contains(&f);
        assert_eq!(
            item_specific(&flags),
            !has(Flag::Vague) && !has(Flag::NoTarget) && !has(Flag::NoDeadline),
            "specific {flags:?}"
        );
        assert_eq!(
            item_tied(&flags),
            !has(Flag::NotTiedToDuty),
            "tied {flags:?}"
        );
    }
    // Single flags by hand.
    let table = [
        (vec![], true, true),
        (vec![Flag::Vague], false, true),
        (vec![Flag::NoTarget], false, true),
        (vec![Flag::NoDeadline], false, true),
        (vec![Flag::NotTiedToDuty], true, false),
        (vec![Flag::Copied], true, true),
        (vec![Flag::Vague, Flag::NotTiedToDuty], false, false),
    ];
    for (flags, specific, tied) in table {
        assert_eq!(
            (item_specific(&flags), item_tied(&flags)),
            (specific, tied),
            "{flags:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// A committee's own calendar
// ---------------------------------------------------------------------------------------------

#[test]
fn the_plan_s_calendar_moves_the_deadline_and_the_windows() {
    // The city gives until 15/04; the ward opens the mid-year review on 15/06 and assesses from 20/11.
    let city = CalendarSetting {
        registration_deadline: Some(d(YEAR, 4, 15)),
        ..Default::default()
    };
    let ward = CalendarSetting {
        midyear_review_opens: Some(d(YEAR, 6, 15)),
        assessment_opens: Some(d(YEAR, 11, 20)),
        ..Default::default()
    };
    let c = domain::calendar::resolve(YEAR, &[city, ward, CalendarSetting::default()]);
    assert!(
        on_time(&c, Some(d(YEAR, 4, 10))),
        "late by default, on time here"
    );
    assert!(!on_time(&c, Some(d(YEAR, 4, 16))));
    let m = owner(false);
    let me = p(Role::Member, CELL, Some(OWNER));
    let e = may_review(
        &me,
        &m,
        Status::Approved,
        Stage::Midyear,
        &c,
        d(YEAR, 6, 10),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Chưa đến thời gian tự đánh giá giữa năm (bắt đầu từ ngày 15/06/2027)"
    );
    assert_eq!(
        may_review(
            &me,
            &m,
            Status::Approved,
            Stage::Midyear,
            &c,
            d(YEAR, 6, 15)
        ),
        Ok(())
    );
    // The year-end review still opens on the default day.
    assert_eq!(
        may_review(
            &me,
            &m,
            Status::Approved,
            Stage::Yearend,
            &c,
            d(YEAR, 11, 1)
        ),
        Ok(())
    );
    let cell_sec = p(Role::Secretary, CELL, Some(7));
    let e = may_assess(&cell_sec, &m, Status::Approved, &c, d(YEAR, 11, 19)).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Chưa đến thời gian chi bộ đánh giá (bắt đầu từ ngày 20/11/2027)"
    );
    assert_eq!(
        may_assess(&cell_sec, &m, Status::Approved, &c, d(YEAR, 11, 20)),
        Ok(())
    );
}
