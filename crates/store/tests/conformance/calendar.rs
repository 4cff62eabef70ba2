//! The campaign calendar (docs/DOMAIN.md § Campaign calendar) on both backends: settings inherited down the
//! tree field by field (the city sets the deadline, a ward overrides the mid-year window, a cell inherits
//! both), checks and scope of `set_calendar`, and the dates in force where they are used: "on time" in a
//! unit's list and in the report, the self-review window, and the monthly-topic deadline.

use crate::common::*;
use chrono::TimeZone;
use domain::calendar::{CalendarField, CalendarSetting};
use domain::policy::Principal;
use domain::registration::{Action, Outcome, Stage};
use domain::Role;
use store::{Actor, AuditFilter, Db, ItemInput, ReviewInput, StoreError};

const YEAR: i32 = 2027;

fn web(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

/// Moves the shared test clock to 10:00 (Hanoi) on that day.
fn set_clock(env: &Env, y: i32, m: u32, day: u32) {
    let target = chrono::Utc
        .with_ymd_and_hms(y, m, day, 3, 0, 0)
        .single()
        .expect("valid time");
    env.clock.advance(target - env.db.now());
    assert_eq!(env.db.today(), d(y, m, day));
}

fn fields(e: StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(v) => v.into_iter().map(|f| (f.field, f.message)).collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// The city gives until 15/04; Phường 7 opens the mid-year review on 01/07.
async fn city_and_ward(db: &Db, t: &Tree) {
    let admin = t.admin();
    db.campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.root.id,
            YEAR,
            CalendarSetting {
                registration_deadline: Some(d(YEAR, 4, 15)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ward_office = principal(Role::Office, &t.ward_a, None);
    db.campaign()
        .set_calendar(
            &web(&ward_office),
            Some(&ward_office),
            t.ward_a.id,
            YEAR,
            CalendarSetting {
                midyear_review_opens: Some(d(YEAR, 7, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
}

pub async fn calendar_is_inherited_field_by_field(db: &Db) {
    let t = tree(db).await;
    // Nobody set anything: lamtheo's defaults.
    let c = db.campaign().calendar(&t.cell_a1.path, YEAR).await.unwrap();
    assert_eq!(c, domain::calendar::Calendar::defaults(YEAR));
    city_and_ward(db, &t).await;
    let cell = db.campaign().calendar(&t.cell_a1.path, YEAR).await.unwrap();
    assert_eq!(cell.registration_deadline, d(YEAR, 4, 15), "from the city");
    assert_eq!(cell.midyear_review_opens, d(YEAR, 7, 1), "from the ward");
    assert_eq!(cell.yearend_review_opens, d(YEAR, 11, 1), "default");
    assert_eq!(cell.topic_day, 20);
    let other = db.campaign().calendar(&t.cell_b1.path, YEAR).await.unwrap();
    assert_eq!(other.registration_deadline, d(YEAR, 4, 15));
    assert_eq!(
        other.midyear_review_opens,
        d(YEAR, 6, 1),
        "Phường 8 keeps the default"
    );
    // Another year is untouched.
    let next = db
        .campaign()
        .calendar(&t.cell_a1.path, YEAR + 1)
        .await
        .unwrap();
    assert_eq!(next.registration_deadline, d(YEAR + 1, 3, 31));
    // What the plan page shows for the cell: everything inherited, with where from.
    let sec = principal(Role::Secretary, &t.cell_a1, None);
    let v = db
        .campaign()
        .calendar_view(&sec, t.cell_a1.id, YEAR)
        .await
        .unwrap();
    assert!(v.own.is_none());
    assert_eq!(v.calendar, cell);
    let from = |f: CalendarField| {
        let k = CalendarField::ALL.iter().position(|x| *x == f).unwrap();
        v.inherited_from[k].clone()
    };
    assert_eq!(
        from(CalendarField::RegistrationDeadline).as_deref(),
        Some("Thành ủy Bến Tre")
    );
    assert_eq!(
        from(CalendarField::MidyearReviewOpens).as_deref(),
        Some("Đảng bộ Phường 7")
    );
    assert_eq!(from(CalendarField::YearendReviewOpens), None);
    // The ward's own view: its own field and what it inherits.
    let admin = t.admin();
    let w = db
        .campaign()
        .calendar_view(&admin, t.ward_a.id, YEAR)
        .await
        .unwrap();
    let own = w.own.expect("the ward's own setting");
    assert_eq!(own.setting.midyear_review_opens, Some(d(YEAR, 7, 1)));
    assert_eq!(own.setting.registration_deadline, None);
    assert_eq!(w.inherited.midyear_review_opens, d(YEAR, 6, 1));
    assert_eq!(w.calendar.midyear_review_opens, d(YEAR, 7, 1));
    // A cell that overrides the city's deadline wins over it.
    db.campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.cell_a2.id,
            YEAR,
            CalendarSetting {
                registration_deadline: Some(d(YEAR, 4, 30)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let a2 = db.campaign().calendar(&t.cell_a2.path, YEAR).await.unwrap();
    assert_eq!(a2.registration_deadline, d(YEAR, 4, 30));
    assert_eq!(a2.midyear_review_opens, d(YEAR, 7, 1));
    // Clearing the ward's setting: the cells inherit the default window again.
    db.campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.ward_a.id,
            YEAR,
            CalendarSetting::default(),
        )
        .await
        .unwrap();
    let cell = db.campaign().calendar(&t.cell_a1.path, YEAR).await.unwrap();
    assert_eq!(cell.midyear_review_opens, d(YEAR, 6, 1));
    assert_eq!(cell.registration_deadline, d(YEAR, 4, 15));
    // Every change is audited under the unit.
    let (entries, _) = db
        .audit()
        .list_audit(
            &admin,
            &AuditFilter {
                object_type: Some("calendar".into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let mut actions: Vec<String> = entries.into_iter().map(|e| e.action).collect();
    actions.sort();
    assert_eq!(actions, ["create", "create", "create", "delete"]);
}

pub async fn set_calendar_checks_dates_and_scope(db: &Db) {
    let t = tree(db).await;
    city_and_ward(db, &t).await;
    let admin = t.admin();
    // The ward's window opens on 01/07: a cell may not put its deadline after it.
    let e = db
        .campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.cell_a1.id,
            YEAR,
            CalendarSetting {
                registration_deadline: Some(d(YEAR, 7, 10)),
                topic_day: Some(30),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    let f = fields(e);
    assert!(
        f.iter().any(|(k, m)| k == "registration_deadline"
            && m.contains("10/07/2027")
            && m.contains("01/07/2027")),
        "{f:?}"
    );
    assert!(f.iter().any(|(k, _)| k == "topic_day"), "{f:?}");
    let e = db
        .campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.cell_a1.id,
            YEAR,
            CalendarSetting {
                yearend_report_due: Some(d(YEAR + 1, 1, 15)),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(fields(e)
        .iter()
        .any(|(k, m)| k == "yearend_report_due" && m.contains("2027")));
    // Nothing was written by the refusals.
    let c = db.campaign().calendar(&t.cell_a1.path, YEAR).await.unwrap();
    assert_eq!(c.registration_deadline, d(YEAR, 4, 15));
    // Scope: a ward office cannot set the city's calendar, nor see another ward's; a secretary cannot set.
    let ward_office = principal(Role::Office, &t.ward_a, None);
    let s = CalendarSetting {
        topic_day: Some(15),
        ..Default::default()
    };
    let e = db
        .campaign()
        .set_calendar(&web(&ward_office), Some(&ward_office), t.root.id, YEAR, s)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let e = db
        .campaign()
        .set_calendar(
            &web(&ward_office),
            Some(&ward_office),
            t.cell_b1.id,
            YEAR,
            s,
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::NotFound), "{e:?}");
    let sec = principal(Role::Secretary, &t.cell_a1, None);
    let e = db
        .campaign()
        .set_calendar(&web(&sec), Some(&sec), t.cell_a1.id, YEAR, s)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden), "{e:?}");
    assert!(matches!(
        db.campaign()
            .calendar_view(&ward_office, t.cell_b1.id, YEAR)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        db.campaign()
            .calendar(&t.cell_a1.path, YEAR)
            .await
            .unwrap()
            .topic_day,
        20
    );
}

fn items() -> Vec<ItemInput> {
    vec![
        ItemInput::new(
            "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được",
            "Công tác dân vận",
            "15 hộ",
            Some(d(YEAR, 11, 30)),
        ),
        ItemInput::new(
            "Tổ chức lớp bồi dưỡng kỹ năng dân vận cho cán bộ tổ dân phố",
            "Công tác dân vận",
            "02 lớp",
            Some(d(YEAR, 11, 30)),
        ),
    ]
}

pub async fn deadline_and_windows_follow_the_units_calendar(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    // Only Phường 7 gives until 15/04 and opens the mid-year review on 01/07; Phường 8 keeps the defaults.
    db.campaign()
        .set_calendar(
            &web(&admin),
            Some(&admin),
            t.ward_a.id,
            YEAR,
            CalendarSetting {
                registration_deadline: Some(d(YEAR, 4, 15)),
                midyear_review_opens: Some(d(YEAR, 7, 1)),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let an = add_member(db, &admin, person("Nguyễn Văn An", "920001"), &t.cell_a1).await;
    let dung = add_member(db, &admin, person("Đỗ Văn Dũng", "920002"), &t.cell_b1).await;
    let p_an = principal(Role::Member, &t.cell_a1, Some(an));
    let p_dung = principal(Role::Member, &t.cell_b1, Some(dung));
    set_clock(env, YEAR, 3, 1);
    let mut ids = Vec::new();
    for (p, m) in [(&p_an, an), (&p_dung, dung)] {
        let id = db
            .registrations()
            .create_registration(&web(p), p, m, YEAR, &items())
            .await
            .unwrap()
            .id;
        ids.push(id);
    }
    // Both submit on 10/04: on time in Phường 7 only.
    set_clock(env, YEAR, 4, 10);
    for (p, id) in [(&p_an, ids[0]), (&p_dung, ids[1])] {
        db.registrations()
            .registration_action(&web(p), p, id, Action::Submit, "", &[])
            .await
            .unwrap();
    }
    let (list, _) = db
        .registrations()
        .registrations_in(&admin, &t.root.path, YEAR, None, 100)
        .await
        .unwrap();
    let mut on_time: Vec<(String, bool)> = list
        .iter()
        .map(|s| (s.member_name.clone(), s.on_time))
        .collect();
    on_time.sort();
    assert_eq!(
        on_time,
        [
            ("Nguyễn Văn An".to_string(), true),
            ("Đỗ Văn Dũng".to_string(), false)
        ]
    );
    let rep = db
        .registrations()
        .registration_report(&admin, t.root.id, YEAR)
        .await
        .unwrap();
    assert_eq!((rep.total.registered, rep.total.on_time), (2, 1));
    let line = |code: &str| {
        rep.lines
            .iter()
            .find(|l| l.unit.code == code)
            .map(|l| l.stats.on_time)
    };
    assert_eq!(line("P7"), Some(1));
    assert_eq!(line("P8"), Some(0));
    let r = db
        .registrations()
        .registration(&p_an, ids[0])
        .await
        .unwrap();
    assert_eq!(r.calendar.registration_deadline, d(YEAR, 4, 15));
    // Approved by their cells' secretaries.
    for (cell, id) in [(&t.cell_a1, ids[0]), (&t.cell_b1, ids[1])] {
        let sec = principal(Role::Secretary, cell, None);
        db.registrations()
            .registration_action(&web(&sec), &sec, id, Action::Approve, "", &[])
            .await
            .unwrap();
    }
    // 15/06: Phường 8's mid-year review is open, Phường 7's opens on 01/07.
    set_clock(env, YEAR, 6, 15);
    let review = [ReviewInput {
        position: 1,
        outcome: Some(Outcome::Partly),
        note: String::new(),
        evidence: String::new(),
    }];
    db.registrations()
        .self_review(&web(&p_dung), &p_dung, ids[1], Stage::Midyear, &review)
        .await
        .unwrap();
    let e = db
        .registrations()
        .self_review(&web(&p_an), &p_an, ids[0], Stage::Midyear, &review)
        .await
        .unwrap_err();
    let f = fields(e);
    assert!(f.iter().any(|(_, m)| m.contains("01/07/2027")), "{f:?}");
    set_clock(env, YEAR, 7, 1);
    db.registrations()
        .self_review(&web(&p_an), &p_an, ids[0], Stage::Midyear, &review)
        .await
        .unwrap();
}

pub async fn topic_deadline_follows_the_calendar(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    // The city asks for topics by the 15th; Phường 8 by the 25th.
    for (unit, day) in [(&t.root, 15), (&t.ward_b, 25)] {
        db.campaign()
            .set_calendar(
                &web(&admin),
                Some(&admin),
                unit.id,
                YEAR,
                CalendarSetting {
                    topic_day: Some(day),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }
    // The topics of March 2027 on 16/02/2027.
    set_clock(env, YEAR, 2, 16);
    let board = db
        .campaign()
        .topic_board(&admin, &t.root.path, YEAR, 3)
        .await
        .unwrap();
    let of = |code: &str| {
        board
            .iter()
            .find(|b| b.unit_code == code)
            .map(|b| (b.deadline, b.overdue))
            .unwrap()
    };
    assert_eq!(of("P7-KP1"), (Some(d(YEAR, 2, 15)), true));
    assert_eq!(of("P8-KP1"), (Some(d(YEAR, 2, 25)), false));
}

on_every_backend!(db: calendar_is_inherited_field_by_field);
on_every_backend!(db: set_calendar_checks_dates_and_scope);
on_every_backend!(env: deadline_and_windows_follow_the_units_calendar);
on_every_backend!(env: topic_deadline_follows_the_calendar);
