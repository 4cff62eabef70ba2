//! Study sessions, marks, rates, check-in and scope (docs/DOMAIN.md § Attendance) on both backends.

use crate::common::*;
use chrono::Duration;
use domain::attendance::{CheckinError, Mark, MeetingKind, Tally};
use domain::{MemberStatus, Role};
use store::{CheckinFailure, Db, MeetingFilter, MeetingInput, PlanInput, StoreError};

struct World {
    t: Tree,
    /// Members of P7-KP1 (4), P7-KP2 (2), P8-KP1 (2), and one directly in P7.
    a1: Vec<i64>,
    a2: Vec<i64>,
    b1: Vec<i64>,
    ward_a_direct: i64,
}

async fn world(db: &Db) -> World {
    let t = tree(db).await;
    let admin = t.admin();
    let mut n = 0;
    let mut add = async |unit: &domain::Unit, k: usize| {
        let mut v = Vec::new();
        for _ in 0..k {
            n += 1;
            let name = format!("Trần Văn Số {n}");
            v.push(
                add_member(
                    db,
                    &admin,
                    person(&name, &format!("{:06}", 700_000 + n)),
                    unit,
                )
                .await,
            );
        }
        v
    };
    let a1 = add(&t.cell_a1, 4).await;
    let a2 = add(&t.cell_a2, 2).await;
    let b1 = add(&t.cell_b1, 2).await;
    let ward_a_direct = add(&t.ward_a, 1).await[0];
    World {
        t,
        a1,
        a2,
        b1,
        ward_a_direct,
    }
}

fn invalid(e: StoreError) -> Vec<store::FieldError> {
    match e {
        StoreError::Invalid(v) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

pub async fn expected_follows_history(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    // Exempt from 2019-01-01: not expected at a 2019 session, still expected in 2018.
    db.members()
        .set_member_status(&cli(), &admin, w.a1[3], MemberStatus::Exempt, d(2019, 1, 1))
        .await
        .unwrap();
    let s2018 = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2018, 6, 1), "Chuyên đề 2018"),
        )
        .await
        .unwrap();
    let s2019 = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Chuyên đề 2019"),
        )
        .await
        .unwrap();
    // P7: 4 + 2 + 1 direct.
    assert_eq!(s2018.tally.expected, 7);
    assert_eq!(s2019.tally.expected, 6);
    // Transfer after the session: the mark stays where the member was.
    db.attendance()
        .set_marks(&cli(), None, s2019.id, &[(w.a1[0], Mark::Present)])
        .await
        .unwrap();
    db.members()
        .transfer_member(&cli(), &admin, w.a1[0], "P8-KP1", d(2020, 3, 1))
        .await
        .unwrap();
    let p7 = db
        .attendance()
        .summary_unscoped(
            &w.t.ward_a.path,
            MeetingKind::Study,
            d(2019, 1, 1),
            d(2019, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!((p7.expected, p7.present), (6, 1));
    let p8 = db
        .attendance()
        .summary_unscoped(
            &w.t.ward_b.path,
            MeetingKind::Study,
            d(2019, 1, 1),
            d(2019, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!(p8.expected, 0);
    // A back-dated transfer (effective before the 2018 session) moves that member out of its list.
    db.members()
        .transfer_member(&cli(), &admin, w.a2[0], "P8-KP1", d(2018, 1, 1))
        .await
        .unwrap();
    let again = db.attendance().meeting(&admin, s2018.id).await.unwrap();
    assert_eq!(again.tally.expected, 6);
}

pub async fn marks_rates_and_rollup(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let ward = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Chuyên đề 2019"),
        )
        .await
        .unwrap();
    let city = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(
                MeetingKind::Study,
                "TU",
                d(2019, 7, 1),
                "Hội nghị thành phố",
            ),
        )
        .await
        .unwrap();
    assert_eq!(city.tally.expected, 9);
    db.attendance()
        .set_marks(
            &cli(),
            None,
            ward.id,
            &[
                (w.a1[0], Mark::Present),
                (w.a1[1], Mark::Late),
                (w.a1[2], Mark::Excused),
                (w.a1[3], Mark::Absent),
                (w.a2[0], Mark::Present),
                (w.ward_a_direct, Mark::Present),
            ],
        )
        .await
        .unwrap();
    let m = db.attendance().meeting(&admin, ward.id).await.unwrap();
    assert_eq!(
        m.tally,
        Tally {
            expected: 7,
            present: 3,
            late: 1,
            excused: 1,
            absent: 1,
            makeup: 0
        }
    );
    assert_eq!(m.tally.unmarked(), 1);
    // Make-up turns the absence into attendance and keeps what it replaced.
    db.attendance()
        .set_marks(&cli(), None, ward.id, &[(w.a1[3], Mark::Makeup)])
        .await
        .unwrap();
    let rows = db
        .attendance()
        .meeting_marks(&admin, ward.id)
        .await
        .unwrap();
    let r = rows.iter().find(|r| r.member_id == w.a1[3]).unwrap();
    assert_eq!(
        (r.status, r.made_up_from),
        (Some(Mark::Makeup), Some(Mark::Absent))
    );
    // Make-up over an attended mark is refused with the reason.
    let e = invalid(
        db.attendance()
            .set_marks(&cli(), None, ward.id, &[(w.a1[0], Mark::Makeup)])
            .await
            .unwrap_err(),
    );
    assert!(e[0].message.contains("không cần học bù"), "{e:?}");
    // Not expected: refused with the reason, nothing changed.
    let e = invalid(
        db.attendance()
            .set_marks(
                &cli(),
                None,
                ward.id,
                &[(w.a1[2], Mark::Present), (w.b1[0], Mark::Present)],
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e.len(), 1);
    assert!(e[0].message.contains("không thuộc danh sách"), "{e:?}");
    assert_eq!(
        db.attendance()
            .meeting(&admin, ward.id)
            .await
            .unwrap()
            .tally
            .excused,
        1
    );

    db.attendance()
        .set_marks(
            &cli(),
            None,
            city.id,
            &[
                (w.a1[0], Mark::Present),
                (w.b1[0], Mark::Present),
                (w.b1[1], Mark::Absent),
            ],
        )
        .await
        .unwrap();
    let year = async |u: &domain::Unit| {
        db.attendance()
            .summary_unscoped(&u.path, MeetingKind::Study, d(2019, 1, 1), d(2019, 12, 31))
            .await
    };
    let root = year(&w.t.root).await.unwrap();
    assert_eq!((root.expected, root.attended()), (16, 7));
    let p7 = year(&w.t.ward_a).await.unwrap();
    // Ward session (7 expected, 5 attended) + the city session's 7 P7 members (1 attended).
    assert_eq!((p7.expected, p7.attended()), (14, 6));
    let kp1 = year(&w.t.cell_a1).await.unwrap();
    assert_eq!((kp1.expected, kp1.attended(), kp1.excused), (8, 4, 1));
    let p8 = year(&w.t.ward_b).await.unwrap();
    assert_eq!((p8.expected, p8.attended(), p8.absent), (2, 1, 1));
    // Sub-unit table: one row per child, each equal to its own summary.
    let rows = db
        .attendance()
        .attendance_by_subunit(
            &admin,
            w.t.ward_a.id,
            MeetingKind::Study,
            d(2019, 1, 1),
            d(2019, 12, 31),
        )
        .await
        .unwrap();
    let kp1_row = rows.iter().find(|r| r.unit.code == "P7-KP1").unwrap();
    assert_eq!(kp1_row.tally, kp1);
    // Outside the period: nothing.
    let none = db
        .attendance()
        .summary_unscoped(
            &w.t.root.path,
            MeetingKind::Study,
            d(2020, 1, 1),
            d(2020, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!(none, Tally::default());
    // Every change is in the audit log.
    let audit = db
        .audit()
        .list_audit(
            &admin,
            &store::AuditFilter {
                object_type: Some("study_session".into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(audit.0.iter().filter(|a| a.action == "attendance").count() >= 3);
}

pub async fn scope_of_marking(db: &Db) {
    let w = world(db).await;
    let s = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Chuyên đề 2019"),
        )
        .await
        .unwrap();
    // Long closed (khóa sổ): the city office reopens it for the corrections this scenario makes.
    db.attendance()
        .reopen_meeting(
            &cli(),
            &w.t.admin(),
            s.id,
            "Bổ sung điểm danh theo biên bản",
        )
        .await
        .unwrap();
    let cell_sec = principal(Role::Secretary, &w.t.cell_a1, None);
    // The cell secretary sees the ward's session with only their own cell's members.
    let rows = db
        .attendance()
        .meeting_marks(&cell_sec, s.id)
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| r.unit_code == "P7-KP1" && r.can_mark));
    db.attendance()
        .set_marks(&cli(), Some(&cell_sec), s.id, &[(w.a1[0], Mark::Present)])
        .await
        .unwrap();
    let e = db
        .attendance()
        .set_marks(&cli(), Some(&cell_sec), s.id, &[(w.a2[0], Mark::Present)])
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Forbidden), "{e:?}");
    // Another ward's secretary cannot see the session at all.
    let other = principal(Role::Secretary, &w.t.ward_b, None);
    assert!(matches!(
        db.attendance().meeting(&other, s.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.attendance().meeting_marks(&other, s.id).await,
        Err(StoreError::NotFound)
    ));
    // A member sees only their own mark, and cannot mark.
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a1[1]));
    let mine = db.attendance().meeting_marks(&me, s.id).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].member_id, w.a1[1]);
    assert!(matches!(
        db.attendance()
            .set_marks(&cli(), Some(&me), s.id, &[(w.a1[1], Mark::Present)])
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(db
        .attendance()
        .member_marks(&me, w.a1[0], None, None)
        .await
        .is_err());
    assert_eq!(
        db.attendance()
            .member_marks(&me, w.a1[1], None, None)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        db.attendance()
            .attendance_summary(
                &me,
                &w.t.cell_a1.path,
                MeetingKind::Study,
                d(2019, 1, 1),
                d(2019, 12, 31)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // Lists follow the same rule.
    let listed = db
        .attendance()
        .list_meetings(&other, &MeetingFilter::default())
        .await
        .unwrap();
    assert!(listed.is_empty());
    let listed = db
        .attendance()
        .list_meetings(&cell_sec, &MeetingFilter::default())
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    // A cell secretary cannot create a session for the ward (which is outside their scope: not found).
    let e = db
        .attendance()
        .create_meeting(
            &cli(),
            Some(&cell_sec),
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 2), "x"),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Invalid(_)), "{e:?}");
    // A ward secretary may create one for the ward.
    let ward_sec = principal(Role::Secretary, &w.t.ward_a, None);
    db.attendance()
        .create_meeting(
            &cli(),
            Some(&ward_sec),
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 2), "x"),
        )
        .await
        .unwrap();
}

pub async fn self_checkin(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let admin = w.t.admin();
    let today = today();
    let mut input = MeetingInput::new(MeetingKind::Study, "P7-KP1", today, "Học tập chuyên đề");
    input.starts_at = "09:30".into();
    let s = db
        .attendance()
        .create_meeting(&cli(), None, input)
        .await
        .unwrap();
    let other = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", today, "Buổi khác"),
        )
        .await
        .unwrap();
    let now = db.now();
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a1[0]));
    let refused = |r: Result<_, CheckinFailure>| match r {
        Err(CheckinFailure::Refused(e)) => e,
        Err(CheckinFailure::Store(e)) => panic!("store error {e:?}"),
        Ok(_) => panic!("check-in accepted"),
    };
    // Not open yet.
    assert_eq!(
        refused(
            db.attendance()
                .check_in(&cli(), &me, s.id, "123456", None)
                .await
        ),
        CheckinError::NotOpen
    );
    let s = db
        .attendance()
        .open_checkin(
            &cli(),
            &admin,
            s.id,
            now - Duration::minutes(5),
            now + Duration::hours(1),
        )
        .await
        .unwrap();
    let code = s.checkin.clone().unwrap().code;
    assert_eq!(code.len(), 6);
    let o = db
        .attendance()
        .open_checkin(&cli(), &admin, other.id, now, now + Duration::hours(1))
        .await
        .unwrap();
    let other_code = o.checkin.unwrap().code;
    // Wrong member named in the request.
    assert_eq!(
        refused(
            db.attendance()
                .check_in(&cli(), &me, s.id, &code, Some(w.a1[1]))
                .await
        ),
        CheckinError::OtherMember
    );
    // Code of another session.
    if other_code != code {
        assert_eq!(
            refused(
                db.attendance()
                    .check_in(&cli(), &me, s.id, &other_code, None)
                    .await
            ),
            CheckinError::OtherSession
        );
    }
    // A member of another cell is not on this list.
    let stranger = principal(Role::Member, &w.t.cell_b1, Some(w.b1[0]));
    assert_eq!(
        refused(
            db.attendance()
                .check_in(&cli(), &stranger, s.id, &code, None)
                .await
        ),
        CheckinError::NotExpected
    );
    // Success (10:00 local, session at 09:30 → đi trễ), then a replay is refused.
    let (_, mark) = db
        .attendance()
        .check_in(&cli(), &me, s.id, &code, None)
        .await
        .map_err(|_| ())
        .unwrap();
    assert_eq!(mark, Mark::Late);
    assert!(matches!(
        refused(
            db.attendance()
                .check_in(&cli(), &me, s.id, &code, None)
                .await
        ),
        CheckinError::AlreadyMarked(_)
    ));
    assert_eq!(
        db.attendance().find_checkin(&me, &code).await.unwrap(),
        Some(s.id)
    );
    // Guessing is stopped after five wrong codes, even when the sixth is right.
    let mut guesser = principal(Role::Member, &w.t.cell_a1, Some(w.a1[2]));
    guesser.user_id += 1;
    let wrong = ["000000", "111111", "222222"]
        .into_iter()
        .find(|c| *c != code && *c != other_code)
        .unwrap();
    for _ in 0..5 {
        assert_eq!(
            refused(
                db.attendance()
                    .check_in(&cli(), &guesser, s.id, wrong, None)
                    .await
            ),
            CheckinError::WrongCode
        );
    }
    assert_eq!(
        refused(
            db.attendance()
                .check_in(&cli(), &guesser, s.id, &code, None)
                .await
        ),
        CheckinError::TooManyAttempts
    );
    // Check-in cannot be opened for a session days away.
    let later = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(
                MeetingKind::Study,
                "P7-KP1",
                today + Duration::days(3),
                "Sắp tới",
            ),
        )
        .await
        .unwrap();
    assert!(matches!(
        db.attendance()
            .open_checkin(&cli(), &admin, later.id, now, now + Duration::hours(1))
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Expired.
    env.clock.advance(Duration::hours(2));
    let me2 = principal(Role::Member, &w.t.cell_a1, Some(w.a1[1]));
    assert!(matches!(
        refused(
            db.attendance()
                .check_in(&cli(), &me2, s.id, &code, None)
                .await
        ),
        CheckinError::Expired(_)
    ));
    let rows = db.attendance().meeting_marks(&admin, s.id).await.unwrap();
    let r = rows.iter().find(|r| r.member_id == w.a1[0]).unwrap();
    assert!(r.self_checkin);
    assert_eq!(rows.iter().filter(|r| r.status.is_some()).count(), 1);
}

pub async fn campaign_and_topics(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    db.campaign()
        .create_directive(
            &cli(),
            Some(&admin),
            "05-CT/TW",
            "Về đẩy mạnh học tập và làm theo …",
            d(2016, 5, 15),
            "Bộ Chính trị",
        )
        .await
        .unwrap();
    let plan = db
        .campaign()
        .create_plan(
            &cli(),
            Some(&admin),
            PlanInput {
                number: "43-KH/TU".into(),
                title: "Kế hoạch thực hiện Chỉ thị 05-CT/TW".into(),
                issued_on: Some(d(2016, 6, 21)),
                unit_code: "TU".into(),
                directive_code: Some("05-CT/TW".into()),
                target_attendance: Some(950),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(plan.directive_code.as_deref(), Some("05-CT/TW"));
    let dup = db
        .campaign()
        .create_plan(
            &cli(),
            Some(&admin),
            PlanInput {
                number: "43-KH/TU".into(),
                title: "x".into(),
                issued_on: Some(d(2016, 6, 21)),
                unit_code: "TU".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(dup, StoreError::Invalid(_)));
    let found = db
        .campaign()
        .plan_for(&w.t.cell_a1.path, d(2019, 1, 1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.number, "43-KH/TU");
    assert!(db
        .campaign()
        .plan_for(&w.t.cell_a1.path, d(2016, 1, 1))
        .await
        .unwrap()
        .is_none());
    let sec = principal(Role::Secretary, &w.t.ward_a, None);
    assert!(db
        .campaign()
        .plans(&sec)
        .await
        .unwrap()
        .iter()
        .any(|p| p.number == "43-KH/TU"));
    assert!(matches!(
        db.campaign()
            .create_plan(
                &cli(),
                Some(&sec),
                PlanInput {
                    number: "1-KH/DU".into(),
                    title: "x".into(),
                    issued_on: Some(d(2016, 7, 1)),
                    unit_code: "P7".into(),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::Forbidden)
    ));
    db.campaign()
        .set_theme(
            &cli(),
            Some(&admin),
            "TU",
            2019,
            "Nâng cao ý thức tôn trọng nhân dân",
            "",
            Some("43-KH/TU"),
        )
        .await
        .unwrap();
    let themes = db.campaign().themes_for(&w.t.cell_a1.path).await.unwrap();
    assert_eq!(themes[0].year, 2019);

    // Topics: next month's (December 2026) is due on 20/11/2026; today is 27/11 → overdue.
    let board = db
        .campaign()
        .topic_board(&sec, &w.t.ward_a.path, 2026, 12)
        .await
        .unwrap();
    assert_eq!(board.len(), 2);
    assert!(board.iter().all(|b| b.topic.is_none() && b.overdue));
    db.campaign()
        .set_topic(
            &cli(),
            Some(&principal(Role::Secretary, &w.t.cell_a1, None)),
            w.t.cell_a1.id,
            2026,
            12,
            "Học tập và làm theo về tinh thần trách nhiệm",
            true,
        )
        .await
        .unwrap();
    let board = db
        .campaign()
        .topic_board(&sec, &w.t.ward_a.path, 2026, 12)
        .await
        .unwrap();
    assert_eq!(board.iter().filter(|b| b.topic.is_some()).count(), 1);
    // The first rows are the cells that still have to set one.
    assert!(board[0].topic.is_none());
    // A cell secretary cannot set another cell's topic.
    assert!(db
        .campaign()
        .set_topic(
            &cli(),
            Some(&principal(Role::Secretary, &w.t.cell_a1, None)),
            w.t.cell_a2.id,
            2026,
            12,
            "x",
            false
        )
        .await
        .is_err());
}

pub async fn absent_twice_flag(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let mut ids = Vec::new();
    for (i, day) in [d(2019, 3, 1), d(2019, 6, 1), d(2019, 9, 1)]
        .into_iter()
        .enumerate()
    {
        let s = db
            .attendance()
            .create_meeting(
                &cli(),
                None,
                MeetingInput::new(MeetingKind::Study, "P7-KP1", day, &format!("Buổi {i}")),
            )
            .await
            .unwrap();
        ids.push(s.id);
    }
    let [s1, s2, s3] = [ids[0], ids[1], ids[2]];
    let all = |m: Mark| w.a1.iter().map(|id| (*id, m)).collect::<Vec<_>>();
    db.attendance()
        .set_marks(&cli(), None, s1, &all(Mark::Present))
        .await
        .unwrap();
    db.attendance()
        .set_marks(&cli(), None, s2, &all(Mark::Present))
        .await
        .unwrap();
    db.attendance()
        .set_marks(&cli(), None, s3, &all(Mark::Present))
        .await
        .unwrap();
    db.attendance()
        .set_marks(
            &cli(),
            None,
            s2,
            &[(w.a1[0], Mark::Absent), (w.a1[1], Mark::Excused)],
        )
        .await
        .unwrap();
    db.attendance()
        .set_marks(
            &cli(),
            None,
            s3,
            &[(w.a1[0], Mark::Excused), (w.a1[2], Mark::Absent)],
        )
        .await
        .unwrap();
    let list = db
        .attendance()
        .absentees(&admin, &w.t.ward_a.path, MeetingKind::Study, 10_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        list.iter().map(|a| a.member_id).collect::<Vec<_>>(),
        vec![w.a1[0]]
    );
    assert_eq!(list[0].last.len(), 2);
    assert_eq!(list[0].last[0].0, d(2019, 9, 1));
}

on_every_backend!(db: expected_follows_history);
on_every_backend!(db: marks_rates_and_rollup);
on_every_backend!(db: scope_of_marking);
on_every_backend!(env: self_checkin);
on_every_backend!(db: campaign_and_topics);
on_every_backend!(db: absent_twice_flag);

/// The bulk loader refuses "Học bù thay cho" on a mark that is not a make-up, or naming something other
/// than an absence, and says so in plain words; nothing is written.
pub async fn bulk_load_explains_a_wrong_makeup(db: &Db) {
    let mark = |status, from| store::NewMark {
        meeting_id: 1,
        member_id: 1,
        unit_id: 1,
        status: Some(status),
        made_up_from: Some(from),
        marked_at: None,
    };
    for bad in [
        mark(Mark::Present, Mark::Absent),
        mark(Mark::Makeup, Mark::Late),
    ] {
        let e = invalid(
            db.attendance()
                .load_attendance(&cli(), "loader", &[bad])
                .await
                .unwrap_err(),
        );
        assert_eq!(e[0].field, "marks[0].made_up_from");
        assert_eq!(
            e[0].message,
            "Chỉ ghi “Học bù thay cho” khi trạng thái là Học bù, và phải là Vắng có lý do hoặc Vắng không lý do"
        );
    }
}
on_every_backend!(db: bulk_load_explains_a_wrong_makeup);

/// A transfer recorded by an import (a new unit code with "Từ ngày") refreshes later meetings' lists. When
/// a cell moves to another ward, the sessions its former ward held stay with that ward (and the root), not
/// with the cell's new place.
pub async fn import_transfer_and_unit_move(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let s = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Chuyên đề 2019"),
        )
        .await
        .unwrap();
    assert_eq!(s.tally.expected, 7);
    let card = format!("{:06}", 700_001);
    let member = db.members().member(&admin, w.a1[0]).await.unwrap();
    let row = format!(
        "P8-KP1,{},15/03/1980,,{card},,19/05/2010,19/05/2011,,,01/01/2019",
        member.full_name
    );
    let file = format!(
        "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày\n{row}\n"
    );
    let parsed = office::parse_members("dang-vien.csv", file.as_bytes(), today()).unwrap();
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    match db
        .imports()
        .import_members(&cli(), Some(&admin), parsed, false)
        .await
        .unwrap()
    {
        store::ImportOutcome::Done(r) => assert_eq!(r.updated, 1),
        store::ImportOutcome::Rejected(e) => panic!("{e:?}"),
    }
    assert_eq!(
        db.attendance()
            .meeting(&admin, s.id)
            .await
            .unwrap()
            .tally
            .expected,
        6
    );
    // Marks of the cell follow it when it moves to the other ward.
    db.attendance()
        .set_marks(&cli(), None, s.id, &[(w.a1[1], Mark::Present)])
        .await
        .unwrap();
    db.units()
        .move_unit(&cli(), &admin, w.t.cell_a1.id, w.t.ward_b.id, d(2020, 1, 1))
        .await
        .unwrap();
    let moved = db.units().unit(&admin, w.t.cell_a1.id).await.unwrap();
    let kp1 = db
        .attendance()
        .summary_unscoped(
            &moved.path,
            MeetingKind::Study,
            d(2019, 1, 1),
            d(2019, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!(
        (kp1.expected, kp1.present),
        (0, 0),
        "a ward session is not the cell's own meeting"
    );
    let root = db
        .attendance()
        .summary_unscoped(
            &w.t.root.path,
            MeetingKind::Study,
            d(2019, 1, 1),
            d(2019, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!((root.expected, root.present), (6, 1));
}

on_every_backend!(db: import_transfer_and_unit_move);

/// A session called for a list of sub-units expects only their members; a unit outside the holder is refused.
pub async fn session_for_listed_units(db: &Db) {
    let w = world(db).await;
    let mut input = MeetingInput::new(
        MeetingKind::Study,
        "P7",
        d(2019, 6, 1),
        "Hội nghị chi bộ Khu phố 2",
    );
    input.for_unit_codes = vec!["P7-KP2".into()];
    let s = db
        .attendance()
        .create_meeting(&cli(), None, input)
        .await
        .unwrap();
    assert_eq!(s.tally.expected, w.a2.len() as i64);
    assert_eq!(s.for_units.len(), 1);
    let mut bad = MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "x");
    bad.for_unit_codes = vec!["P8-KP1".into()];
    let e = invalid(
        db.attendance()
            .create_meeting(&cli(), None, bad)
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].field, "for_units");
    // A cell meeting must be held by a cell.
    let e = invalid(
        db.attendance()
            .create_meeting(
                &cli(),
                None,
                MeetingInput::new(MeetingKind::Cell, "P7", d(2019, 6, 1), "x"),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].field, "unit_code");
}

on_every_backend!(db: session_for_listed_units);

/// A member entered later with a start date before a session is put on its list (and only then).
pub async fn late_entry_joins_past_lists(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let s = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Chuyên đề 2019"),
        )
        .await
        .unwrap();
    let mut input = MeetingInput::new(MeetingKind::Study, "P7", d(2019, 6, 1), "Riêng Khu phố 2");
    input.for_unit_codes = vec!["P7-KP2".into()];
    let only_kp2 = db
        .attendance()
        .create_meeting(&cli(), None, input)
        .await
        .unwrap();
    db.members()
        .create_member(
            &cli(),
            &admin,
            &person("Lê Văn Mới", "799001"),
            "P7-KP1",
            Some(d(2018, 1, 1)),
        )
        .await
        .unwrap();
    db.members()
        .create_member(
            &cli(),
            &admin,
            &person("Lê Văn Sau", "799002"),
            "P7-KP1",
            Some(d(2020, 1, 1)),
        )
        .await
        .unwrap();
    assert_eq!(
        db.attendance()
            .meeting(&admin, s.id)
            .await
            .unwrap()
            .tally
            .expected,
        8
    );
    assert_eq!(
        db.attendance()
            .meeting(&admin, only_kp2.id)
            .await
            .unwrap()
            .tally
            .expected,
        2
    );
}

on_every_backend!(db: late_entry_joins_past_lists);

/// Closing (khóa sổ): staff changes stop the day after the plan's days have passed (30 without a plan that
/// says otherwise); the office reopens for `REOPEN_DAYS` with a reason in the audit log; a secretary cannot
/// reopen; the command line is not locked.
pub async fn meetings_close_and_the_office_reopens(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let admin = w.t.admin();
    let today = db.today();
    let made = |days_ago: i64, title: &'static str| {
        let input = MeetingInput::new(
            MeetingKind::Study,
            "P7",
            today - Duration::days(days_ago),
            title,
        );
        async move {
            db.attendance()
                .create_meeting(&cli(), None, input)
                .await
                .unwrap()
        }
    };
    let recent = made(30, "Học tập tháng trước").await;
    let old = made(31, "Học tập hai tháng trước").await;
    let cell_sec = principal(Role::Secretary, &w.t.cell_a1, None);
    let mark = |id: i64| {
        let p = cell_sec.clone();
        let who = w.a1[0];
        async move {
            db.attendance()
                .set_marks(&cli(), Some(&p), id, &[(who, Mark::Present)])
                .await
        }
    };
    // The 30th day after is still open; the 31st is closed, with the day it closed and who can help.
    assert!(!db.attendance().closing(&recent).await.unwrap().locked);
    mark(recent.id).await.unwrap();
    let closing = db.attendance().closing(&old).await.unwrap();
    assert!(closing.locked);
    assert_eq!(closing.locks_on, old.date + Duration::days(31));
    let e = invalid(mark(old.id).await.unwrap_err());
    assert_eq!(e[0].field, "closed");
    assert!(e[0].message.contains("đã khóa sổ") && e[0].message.contains("Văn phòng cấp ủy"));
    // Editing and documents are refused the same way.
    let edit = db
        .attendance()
        .update_meeting(
            &cli(),
            &admin,
            old.id,
            MeetingInput::new(MeetingKind::Study, "P7", old.date, "Đổi tên"),
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(edit)[0].field, "closed");
    // The command line (the server's administrator) is not locked.
    db.attendance()
        .set_marks(&cli(), None, old.id, &[(w.a1[1], Mark::Excused)])
        .await
        .unwrap();
    // A secretary cannot reopen; the office can, with a reason.
    let ward_sec = principal(Role::Secretary, &w.t.ward_a, None);
    assert!(matches!(
        db.attendance()
            .reopen_meeting(&cli(), &ward_sec, old.id, "Bổ sung điểm danh")
            .await,
        Err(StoreError::Forbidden)
    ));
    assert_eq!(
        invalid(
            db.attendance()
                .reopen_meeting(&cli(), &admin, old.id, " ")
                .await
                .unwrap_err()
        )[0]
        .field,
        "reason"
    );
    let reopened = db
        .attendance()
        .reopen_meeting(&cli(), &admin, old.id, "Bổ sung điểm danh học bù theo đơn")
        .await
        .unwrap();
    let c = db.attendance().closing(&reopened).await.unwrap();
    assert!(!c.locked);
    assert_eq!(
        c.reopened_until,
        Some(today + Duration::days(domain::attendance::REOPEN_DAYS))
    );
    assert_eq!(c.reopen_reason, "Bổ sung điểm danh học bù theo đơn");
    mark(old.id).await.unwrap();
    let (audit, _) = db
        .audit()
        .list_audit(
            &admin,
            &store::AuditFilter {
                action: Some("reopen".into()),
                per_page: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(
        audit[0].after.as_ref().unwrap()["reason"],
        "Bổ sung điểm danh học bù theo đơn"
    );
    // After the reopening runs out, closed again.
    env.clock
        .advance(Duration::days(domain::attendance::REOPEN_DAYS + 1));
    assert!(mark(old.id).await.is_err());
    // A plan may give longer: 90 days keeps the older meeting open.
    db.campaign()
        .create_plan(
            &cli(),
            None,
            PlanInput {
                number: "01-KH/ĐU".into(),
                title: "Kế hoạch của Đảng ủy".into(),
                issued_on: Some(today - Duration::days(400)),
                unit_code: "P7".into(),
                lock_days: Some(90),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!db.attendance().closing(&old).await.unwrap().locked);
    let bad = db
        .campaign()
        .create_plan(
            &cli(),
            None,
            PlanInput {
                number: "02-KH/ĐU".into(),
                title: "x".into(),
                issued_on: Some(today),
                unit_code: "P7".into(),
                lock_days: Some(0),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(invalid(bad)[0].field, "lock_days");
}
on_every_backend!(env: meetings_close_and_the_office_reopens);
