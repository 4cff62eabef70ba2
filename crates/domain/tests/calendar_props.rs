//! Property tests of the campaign calendar (docs/DOMAIN.md § Campaign calendar): resolving along a path
//! takes every field from the deepest unit that set it, a path where nobody set anything gives the
//! defaults, and a setting that passes `validate` gives a calendar in the campaign's order.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate};
use domain::calendar::{resolve, sources, validate, Calendar, CalendarField, CalendarSetting};
use proptest::prelude::*;

const YEAR: i32 = 2027;

fn day_of_year() -> impl Strategy<Value = NaiveDate> {
    (0i64..365)
        .prop_map(|n| NaiveDate::from_ymd_opt(YEAR, 1, 1).unwrap() + chrono::Duration::days(n))
}

fn setting() -> impl Strategy<Value = CalendarSetting> {
    let date = || prop::option::weighted(0.3, day_of_year());
    (
        date(),
        date(),
        date(),
        date(),
        date(),
        date(),
        prop::option::weighted(0.3, 1u32..=28),
    )
        .prop_map(|(a, b, c, d, e, f, g)| CalendarSetting {
            registration_deadline: a,
            midyear_review_opens: b,
            yearend_review_opens: c,
            assessment_opens: d,
            midyear_report_due: e,
            yearend_report_due: f,
            topic_day: g,
        })
}

fn field_of(c: &Calendar, f: CalendarField) -> (Option<NaiveDate>, u32) {
    (c.date(f), c.topic_day)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn the_deepest_setting_of_each_field_wins(path in prop::collection::vec(setting(), 0..6)) {
        let c = resolve(YEAR, &path);
        let from = sources(&path);
        let defaults = Calendar::defaults(YEAR);
        for (k, f) in CalendarField::ALL.into_iter().enumerate() {
            let deepest = path.iter().rposition(|s| s.has(f));
            prop_assert_eq!(from[k], deepest, "{:?}", f);
            match f {
                CalendarField::TopicDay => {
                    let want = deepest.and_then(|i| path[i].topic_day).unwrap_or(defaults.topic_day);
                    prop_assert_eq!(c.topic_day, want);
                }
                _ => {
                    let want = deepest.and_then(|i| path[i].date(f)).or(defaults.date(f));
                    prop_assert_eq!(field_of(&c, f).0, want, "{:?}", f);
                }
            }
        }
    }

    #[test]
    fn empty_settings_anywhere_change_nothing(
        path in prop::collection::vec(setting(), 0..5),
        at in 0usize..6,
    ) {
        let mut with_empty = path.clone();
        with_empty.insert(at.min(path.len()), CalendarSetting::default());
        prop_assert_eq!(resolve(YEAR, &path), resolve(YEAR, &with_empty));
        let nobody = vec![CalendarSetting::default(); path.len()];
        prop_assert_eq!(resolve(YEAR, &nobody), Calendar::defaults(YEAR));
    }

    #[test]
    fn a_valid_setting_over_defaults_keeps_the_campaign_in_order(own in setting()) {
        if let Ok(c) = validate(YEAR, &[], &own) {
            prop_assert!(c.registration_deadline < c.midyear_review_opens);
            prop_assert!(c.midyear_review_opens < c.yearend_review_opens);
            prop_assert!(c.yearend_review_opens <= c.assessment_opens);
            // Report dates are checked when the unit sets them.
            if own.midyear_report_due.is_some() {
                prop_assert!(c.midyear_review_opens <= c.midyear_report_due);
            }
            if own.yearend_report_due.is_some() {
                prop_assert!(c.assessment_opens <= c.yearend_report_due);
            }
            prop_assert!((1..=28).contains(&c.topic_day));
            prop_assert_eq!(c.registration_deadline.year(), YEAR);
            prop_assert_eq!(c, resolve(YEAR, &[own]));
        }
    }

    #[test]
    fn faults_only_name_fields_the_unit_set(above in setting(), own in setting()) {
        if let Err(faults) = validate(YEAR, &[above], &own) {
            prop_assert!(!faults.is_empty());
            for f in faults {
                prop_assert!(own.has(f.field), "{:?} blamed but not set here", f.field);
                prop_assert!(!f.message.is_empty());
            }
        }
    }
}
