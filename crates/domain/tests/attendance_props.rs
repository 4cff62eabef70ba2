//! Property tests of attendance counting (docs/DOMAIN.md § Attendance): `Tally` over arbitrary mark lists,
//! the rate and the plan-target flag, make-up never lowering a rate, sums of tallies, the "absent twice
//! running" flag and the parsing of marks as clerks type them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::attendance::{absent_twice_running, check_mark, made_up_from, Mark, MarkError, Tally};
use proptest::prelude::*;

fn mark() -> impl Strategy<Value = Mark> {
    prop::sample::select(Mark::ALL.to_vec())
}

fn place() -> impl Strategy<Value = Option<Mark>> {
    prop::option::of(mark())
}

fn places(max: usize) -> impl Strategy<Value = Vec<Option<Mark>>> {
    prop::collection::vec(place(), 0..max)
}

fn day(n: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 1, 1).unwrap() + chrono::Duration::days(i64::from(n))
}

/// Counts of each kind computed without `Tally`.
fn count(v: &[Option<Mark>], m: Option<Mark>) -> i64 {
    v.iter().filter(|x| **x == m).count() as i64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rate_is_none_iff_empty_else_within_unit_interval(v in places(200)) {
        let t = Tally::of(&v);
        prop_assert_eq!(t.expected, v.len() as i64);
        match t.rate() {
            None => prop_assert!(v.is_empty()),
            Some(r) => {
                prop_assert!(!v.is_empty());
                prop_assert!((0.0..=1.0).contains(&r), "rate {} out of [0,1] for {:?}", r, v);
                let attended = v.iter().filter(|m| m.is_some_and(Mark::attended)).count();
                prop_assert_eq!(r, attended as f64 / v.len() as f64);
            }
        }
        match t.excused_rate() {
            None => prop_assert!(v.is_empty()),
            Some(r) => {
                prop_assert!((0.0..=1.0).contains(&r));
                // Attended and excused places are disjoint.
                prop_assert!(r + t.rate().unwrap() <= 1.0 + 1e-12);
            }
        }
    }

    #[test]
    fn counts_add_up(v in places(200)) {
        let t = Tally::of(&v);
        prop_assert_eq!(t.unmarked() + t.marked(), t.expected);
        prop_assert_eq!(t.unmarked(), count(&v, None));
        prop_assert_eq!(t.present, count(&v, Some(Mark::Present)));
        prop_assert_eq!(t.late, count(&v, Some(Mark::Late)));
        prop_assert_eq!(t.excused, count(&v, Some(Mark::Excused)));
        prop_assert_eq!(t.absent, count(&v, Some(Mark::Absent)));
        prop_assert_eq!(t.makeup, count(&v, Some(Mark::Makeup)));
        prop_assert_eq!(t.attended(), t.present + t.late + t.makeup);
        prop_assert!(t.attended() <= t.marked());
    }

    #[test]
    fn makeup_never_lowers_the_rate(v in places(120).prop_filter("non-empty", |v| !v.is_empty()), pick in any::<prop::sample::Index>()) {
        let i = pick.index(v.len());
        prop_assume!(!v[i].is_some_and(|m| matches!(m, Mark::Present | Mark::Late | Mark::Makeup)));
        let before = Tally::of(&v);
        let mut w = v.clone();
        w[i] = Some(Mark::Makeup);
        let after = Tally::of(&w);
        prop_assert_eq!(after.expected, before.expected);
        prop_assert!(after.attended() >= before.attended());
        prop_assert_eq!(after.attended(), before.attended() + 1);
        prop_assert!(after.rate() >= before.rate(), "{:?} -> {:?}", before, after);
        prop_assert!(after.excused_rate() <= before.excused_rate());
        // The store accepts exactly these changes, and keeps the absence it replaced.
        prop_assert_eq!(check_mark(v[i], Mark::Makeup, day(0), day(0)), Ok(()));
        let from = made_up_from(v[i], None, Mark::Makeup);
        prop_assert_eq!(from, v[i].filter(|m| m.is_absence()));
    }

    /// `prev_from` is what a held make-up replaced: only ever an absence (or nothing).
    #[test]
    fn makeup_over_attendance_is_refused(prev in mark(), next in mark(), session in 0u32..60, today in 0u32..60, prev_from in prop::option::of(prop::sample::select(vec![Mark::Excused, Mark::Absent]))) {
        let r = check_mark(Some(prev), next, day(session), day(today));
        if today < session {
            prop_assert_eq!(r, Err(MarkError::BeforeSession));
        } else if next == Mark::Makeup && matches!(prev, Mark::Present | Mark::Late) {
            prop_assert_eq!(r, Err(MarkError::MakeupOfAttendance));
        } else {
            prop_assert_eq!(r, Ok(()));
        }
        let from = made_up_from(Some(prev), prev_from, next);
        if next != Mark::Makeup {
            prop_assert_eq!(from, None);
        }
        if let Some(f) = from {
            prop_assert!(f.is_absence(), "made up from {:?}", f);
        }
    }

    #[test]
    fn tallies_of_halves_sum_to_the_whole(v in places(200), cut in any::<prop::sample::Index>()) {
        let k = cut.index(v.len() + 1);
        let (a, b) = v.split_at(k);
        let mut sum = Tally::of(a);
        sum.add(&Tally::of(b));
        prop_assert_eq!(sum, Tally::of(&v));
        // And in the other order.
        let mut rev = Tally::of(b);
        rev.add(&Tally::of(a));
        prop_assert_eq!(rev, sum);
    }

    #[test]
    fn below_target_agrees_with_the_rate(v in places(300), target in -50i64..1100) {
        let t = Tally::of(&v);
        let flag = t.below_target(target);
        // Exact integer statement of "rate < target / 1000".
        prop_assert_eq!(flag, t.expected > 0 && t.attended() * 1000 < target * t.expected);
        match t.rate() {
            None => prop_assert!(!flag, "flagged with nobody expected"),
            Some(r) => {
                let limit = target as f64 / 1000.0;
                if t.attended() * 1000 == target * t.expected {
                    // A tie is on target, never below it.
                    prop_assert!(!flag);
                } else {
                    // Away from a tie the gap is at least 1/(1000·expected), far above f64 rounding.
                    prop_assert_eq!(flag, r < limit, "rate {} target {}", r, target);
                }
            }
        }
    }

    #[test]
    fn full_attendance_is_never_below_any_reachable_target(n in 1usize..200, target in 0i64..=1000) {
        let v = vec![Some(Mark::Present); n];
        prop_assert!(!Tally::of(&v).below_target(target));
        let none = vec![None; n];
        prop_assert_eq!(Tally::of(&none).below_target(target), target > 0);
    }

    #[test]
    fn absent_twice_running_looks_at_the_last_two_marks(v in prop::collection::vec(place(), 0..40)) {
        let marked: Vec<Mark> = v.iter().flatten().copied().collect();
        let expected = match marked.as_slice() {
            [.., a, b] => {
                matches!(a, Mark::Excused | Mark::Absent) && matches!(b, Mark::Excused | Mark::Absent)
            }
            _ => false,
        };
        prop_assert_eq!(absent_twice_running(&v), expected, "{:?}", v);
        // Unmarked sessions anywhere change nothing.
        let mut padded = vec![None];
        for m in &v {
            padded.push(*m);
            padded.push(None);
        }
        prop_assert_eq!(absent_twice_running(&padded), expected);
    }

    #[test]
    fn marks_parse_back_from_codes_and_labels(m in mark(), left in "[ \t]{0,3}", right in "[ \t]{0,3}") {
        prop_assert_eq!(Mark::parse(m.as_str()), Some(m));
        prop_assert_eq!(Mark::parse(m.label()), Some(m));
        // As typed in a spreadsheet: upper case (diacritics kept), with stray spaces around.
        prop_assert_eq!(Mark::parse(&format!("{left}{}{right}", m.label().to_uppercase())), Some(m));
        prop_assert_eq!(Mark::parse(&format!("{left}{}{right}", m.as_str().to_uppercase())), Some(m));
        // Without diacritics, in either case.
        let plain = domain::text::fold(m.label());
        prop_assert!(plain.is_ascii(), "fold left {:?}", plain);
        prop_assert_eq!(Mark::parse(&plain), Some(m));
        prop_assert_eq!(Mark::parse(&plain.to_uppercase()), Some(m));
    }

    #[test]
    fn parse_never_panics_and_round_trips(s in "\\PC{0,24}") {
        if let Some(m) = Mark::parse(&s) {
            // Whatever was accepted names a mark whose own code parses to the same mark.
            prop_assert_eq!(Mark::parse(m.as_str()), Some(m));
        }
    }
}
