//! Stored period reports on both backends: a round makes one draft per party sub-unit with its header
//! pre-filled; completeness against the due day on a moving clock (the Vietnamese day of the first
//! submission decides "on time"); the sign-off steps submit → return (comment required) → submit →
//! accept, editing refused afterwards; accepted figures stay frozen while `differences` shows later
//! corrections; who may act and who may read; a report outside any round issued by its own unit.

use crate::common::*;
use chrono::Duration;
use domain::attendance::{Mark, MeetingKind};
use domain::policy::Principal;
use domain::report::{NarrativeSection, Narratives, ReportAction, ReportStatus};
use domain::{Role, UnitType};
use store::{Actor, Db, FieldError, MeetingInput, RoundInput, StoreError};

fn invalid(e: StoreError) -> Vec<FieldError> {
    match e {
        StoreError::Invalid(v) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn fields(e: StoreError) -> Vec<String> {
    invalid(e).into_iter().map(|f| f.field).collect()
}

fn actor(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

/// The period every round here reports on, and its due day.
fn from() -> chrono::NaiveDate {
    d(2026, 1, 1)
}
fn to() -> chrono::NaiveDate {
    d(2026, 11, 30)
}
fn due() -> chrono::NaiveDate {
    d(2026, 12, 5)
}

fn round_input(unit: &str) -> RoundInput {
    RoundInput {
        unit_code: unit.into(),
        title: "Sơ kết năm 2026".into(),
        from: Some(from()),
        to: Some(to()),
        due_on: Some(due()),
        note: String::new(),
    }
}

struct World {
    t: Tree,
    city_office: Principal,
    secretary_a: Principal,
    secretary_b: Principal,
    member_a: Principal,
}

async fn world(db: &Db) -> World {
    let t = tree(db).await;
    World {
        city_office: principal(Role::Office, &t.root, None),
        secretary_a: principal(Role::Secretary, &t.ward_a, None),
        secretary_b: principal(Role::Secretary, &t.ward_b, None),
        member_a: principal(Role::Member, &t.cell_a1, None),
        t,
    }
}

/// The city's round and its reports by ward code.
async fn city_round(db: &Db, w: &World) -> (i64, i64, i64) {
    let round = db
        .reports()
        .create_round(&w.city_office, &actor(&w.city_office), &round_input("TU"))
        .await
        .unwrap();
    let detail = db.reports().round(&w.city_office, round).await.unwrap();
    let id_of = |code: &str| {
        detail
            .reports
            .iter()
            .find(|r| r.unit.code == code)
            .unwrap_or_else(|| panic!("no report of {code}"))
            .report_id
    };
    (round, id_of("P7"), id_of("P8"))
}

pub async fn round_makes_one_draft_per_party_sub_unit(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let office = &w.city_office;
    let (round, p7, _p8) = city_round(db, &w).await;
    let detail = db.reports().round(office, round).await.unwrap();
    // The wards, not the front.
    let codes: Vec<&str> = detail
        .reports
        .iter()
        .map(|r| r.unit.code.as_str())
        .collect();
    assert_eq!(codes, ["P7", "P8"]);
    assert!(detail
        .reports
        .iter()
        .all(|r| r.status == ReportStatus::Draft && r.submitted_on.is_none()));
    assert!(detail.can_review);
    assert_eq!(detail.round.title, "Sơ kết năm 2026");
    assert_eq!(detail.round.completeness.expected, 2);
    assert_eq!(detail.round.completeness.missing, 2);

    // The header of a ward's report, pre-filled from the tree.
    let r = db.reports().report(&w.secretary_a, p7).await.unwrap();
    let h = &r.document.header;
    assert_eq!(h.superior, "THÀNH ỦY BẾN TRE");
    assert_eq!(h.issuer, "ĐẢNG BỘ PHƯỜNG 7");
    assert_eq!(h.number, "-BC/ĐU");
    assert_eq!(h.place, "Bến Tre");
    assert_eq!(h.on_behalf, "T/M ĐẢNG ỦY");
    assert_eq!(h.signer_title, "BÍ THƯ");
    assert_eq!(h.dated, None);
    assert!(
        h.subject.contains("từ 01/01/2026 đến 30/11/2026"),
        "{}",
        h.subject
    );
    assert_eq!(h.recipients, ["Thành ủy Bến Tre", "Lưu VP"]);
    assert_eq!(r.status, ReportStatus::Draft);
    assert!(r.can_edit && r.can_submit && !r.can_review && !r.can_issue);
    assert_eq!(r.round.as_ref().map(|x| x.id), Some(round));

    // Both wards see the city's round; each sees only its own report in it.
    for (sec, code) in [(&w.secretary_a, "P7"), (&w.secretary_b, "P8")] {
        let rounds = db.reports().rounds(sec).await.unwrap();
        assert_eq!(rounds.iter().map(|r| r.id).collect::<Vec<_>>(), [round]);
        let d = db.reports().round(sec, round).await.unwrap();
        assert!(!d.can_review);
        assert_eq!(
            d.reports
                .iter()
                .map(|r| r.unit.code.as_str())
                .collect::<Vec<_>>(),
            [code]
        );
        assert_eq!(d.round.completeness.expected, 2);
    }
    // A member account sees no round.
    assert!(db.reports().rounds(&w.member_a).await.unwrap().is_empty());
    assert!(matches!(
        db.reports().round(&w.member_a, round).await,
        Err(StoreError::NotFound)
    ));

    // The city's own document lists the wards' reports of its round of the same period.
    let live = db
        .reports()
        .live_document(office, w.t.root.id, from(), to())
        .await
        .unwrap();
    assert_eq!(live.sub_reports.len(), 2);
    assert_eq!(live.header.issuer, "THÀNH ỦY BẾN TRE");
    assert_eq!(live.header.superior, "");
    assert_eq!(live.header.number, "-BC/TU");
    assert_eq!(live.header.on_behalf, "T/M BAN THƯỜNG VỤ");
    assert!(live.narratives.is_empty());

    // Refusals: a second round of the same period, a unit without party sub-units, missing fields, a
    // unit outside the reader's scope, a secretary setting the city's round.
    assert!(matches!(
        db.reports()
            .create_round(office, &actor(office), &round_input("TU"))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let e = db
        .reports()
        .create_round(office, &actor(office), &round_input("P7-KP1"))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["unit_code"]);
    let e = db
        .reports()
        .create_round(
            office,
            &actor(office),
            &RoundInput {
                unit_code: "P8".into(),
                ..RoundInput::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["title", "from", "to", "due_on"]);
    let e = db
        .reports()
        .create_round(
            office,
            &actor(office),
            &RoundInput {
                from: Some(d(2026, 12, 1)),
                ..round_input("P8")
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["to"]);
    let e = db
        .reports()
        .create_round(&w.secretary_a, &actor(&w.secretary_a), &round_input("TU"))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["unit_code"]);
    // A ward sets its own round for its cells.
    let ward_round = db
        .reports()
        .create_round(&w.secretary_a, &actor(&w.secretary_a), &round_input("P7"))
        .await
        .unwrap();
    let d7 = db
        .reports()
        .round(&w.secretary_a, ward_round)
        .await
        .unwrap();
    assert!(d7.can_review);
    assert_eq!(
        d7.reports
            .iter()
            .map(|r| (r.unit.code.as_str(), r.unit.unit_type))
            .collect::<Vec<_>>(),
        [("P7-KP1", UnitType::Cell), ("P7-KP2", UnitType::Cell)]
    );
    let cell = db
        .reports()
        .report(&w.secretary_a, d7.reports[0].report_id)
        .await
        .unwrap();
    assert_eq!(cell.document.header.on_behalf, "T/M CHI BỘ");
    assert_eq!(cell.document.header.number, "-BC/CB");
    assert_eq!(cell.document.header.superior, "ĐẢNG BỘ PHƯỜNG 7");
    // P7's own report now shows its cells' reports; P8 does not see P7's round.
    let own = db.reports().report(&w.secretary_a, p7).await.unwrap();
    assert_eq!(own.document.sub_reports.len(), 2);
    let rounds_b = db.reports().rounds(&w.secretary_b).await.unwrap();
    assert_eq!(rounds_b.iter().map(|r| r.id).collect::<Vec<_>>(), [round]);
    // Every write is audited.
    let mut conn = env.raw().await;
    let n = count(
        &mut conn,
        "SELECT COUNT(*) FROM audit_log WHERE object_type IN ('report_round', 'report')",
    )
    .await;
    // The city's round and its two reports, the ward's round and its two reports.
    assert_eq!(n, (1 + 2) + (1 + 2));
}

pub async fn completeness_follows_the_clock(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let admin = w.t.admin();
    // A third ward, which never reports.
    db.units()
        .create_unit(
            &cli(),
            Some(&admin),
            unit_input(
                "P9",
                "Đảng bộ Phường 9",
                UnitType::GrassrootsCommittee,
                Some("TU"),
            ),
        )
        .await
        .unwrap();
    let office = &w.city_office;
    let (round, p7, p8) = city_round(db, &w).await;
    // P7 submits on 27/11, before the due day.
    db.reports()
        .act(
            &w.secretary_a,
            &actor(&w.secretary_a),
            p7,
            ReportAction::Submit,
            "",
        )
        .await
        .unwrap();
    let c = db
        .reports()
        .round(office, round)
        .await
        .unwrap()
        .round
        .completeness;
    assert_eq!(
        (
            c.expected,
            c.submitted,
            c.on_time,
            c.late,
            c.missing,
            c.overdue
        ),
        (3, 1, 1, 0, 2, 0)
    );
    // 05/12 17:30 UTC is 06/12 00:30 in Hà Nội: P8's report is one day late.
    env.clock
        .advance(Duration::days(8) + Duration::hours(14) + Duration::minutes(30));
    db.reports()
        .act(
            &w.secretary_b,
            &actor(&w.secretary_b),
            p8,
            ReportAction::Submit,
            "",
        )
        .await
        .unwrap();
    let detail = db.reports().round(office, round).await.unwrap();
    let of = |code: &str| {
        detail
            .reports
            .iter()
            .find(|r| r.unit.code == code)
            .unwrap()
            .clone()
    };
    assert_eq!(of("P7").submitted_on, Some(d(2026, 11, 27)));
    assert_eq!(of("P7").on_time, Some(true));
    assert_eq!(of("P8").submitted_on, Some(d(2026, 12, 6)));
    assert_eq!(of("P8").on_time, Some(false));
    assert_eq!(of("P9").submitted_on, None);
    assert_eq!(of("P9").on_time, None);
    let c = detail.round.completeness;
    assert_eq!(
        (
            c.expected,
            c.submitted,
            c.on_time,
            c.late,
            c.missing,
            c.overdue
        ),
        (3, 2, 1, 1, 1, 1)
    );
    // A return counts as returned; the first submission day stays after a second submission.
    db.reports()
        .act(
            office,
            &actor(office),
            p7,
            ReportAction::Return,
            "Bổ sung số liệu",
        )
        .await
        .unwrap();
    db.reports()
        .act(
            &w.secretary_a,
            &actor(&w.secretary_a),
            p7,
            ReportAction::Submit,
            "",
        )
        .await
        .unwrap();
    db.reports()
        .act(
            office,
            &actor(office),
            p8,
            ReportAction::Return,
            "Bổ sung số liệu",
        )
        .await
        .unwrap();
    let detail = db.reports().round(office, round).await.unwrap();
    let c = detail.round.completeness;
    assert_eq!((c.submitted, c.on_time, c.late, c.returned), (2, 1, 1, 1));
    let p7_row = detail.reports.iter().find(|r| r.unit.code == "P7").unwrap();
    assert_eq!(p7_row.submitted_on, Some(d(2026, 11, 27)));
    assert_eq!(p7_row.returns, 1);
    let summary = db.reports().rounds(office).await.unwrap();
    assert_eq!(summary[0].completeness, c);
}

pub async fn sign_off_and_frozen_figures(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let office = &w.city_office;
    let sec = &w.secretary_a;
    let an = add_member(db, &admin, person("Nguyễn Văn An", "100001"), &w.t.cell_a1).await;
    let meeting = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(
                MeetingKind::Cell,
                "P7-KP1",
                d(2026, 6, 15),
                "Sinh hoạt tháng 6",
            ),
        )
        .await
        .unwrap();
    let (round, p7, _p8) = city_round(db, &w).await;

    // The writer saves the narrative and the number while it is a draft.
    let mut r = db.reports().report(sec, p7).await.unwrap();
    assert_eq!(r.document.figures.cell_meetings.held, 1);
    let mut header = r.document.header.clone();
    header.number = "  12-BC/ĐU ".into();
    let mut narratives = Narratives::new();
    narratives.insert(
        NarrativeSection::Strengths,
        "Chi bộ sinh hoạt đều đặn.".into(),
    );
    db.reports()
        .save_report(sec, &actor(sec), p7, &header, &narratives)
        .await
        .unwrap();
    let too_long = Narratives::from([(NarrativeSection::Causes, "x".repeat(20_001))]);
    let e = db
        .reports()
        .save_report(sec, &actor(sec), p7, &header, &too_long)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["causes"]);
    // The other ward neither writes nor reads it, nor does a member account.
    assert!(matches!(
        db.reports()
            .save_report(
                &w.secretary_b,
                &actor(&w.secretary_b),
                p7,
                &header,
                &narratives
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.reports().report(&w.secretary_b, p7).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.reports().report(&w.member_a, p7).await,
        Err(StoreError::NotFound)
    ));

    // Submit; the ward cannot accept its own report; return needs a comment.
    assert_eq!(
        db.reports()
            .act(sec, &actor(sec), p7, ReportAction::Submit, "")
            .await
            .unwrap(),
        ReportStatus::Submitted
    );
    assert!(matches!(
        db.reports()
            .act(sec, &actor(sec), p7, ReportAction::Accept, "")
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.reports()
            .act(sec, &actor(sec), p7, ReportAction::Issue, "")
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.reports()
            .save_report(sec, &actor(sec), p7, &header, &narratives)
            .await,
        Err(StoreError::Conflict(_))
    ));
    let e = db
        .reports()
        .act(office, &actor(office), p7, ReportAction::Return, "  ")
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["comment"]);
    let seen = db.reports().report(office, p7).await.unwrap();
    assert!(seen.can_review && !seen.can_edit);
    assert_eq!(
        db.reports()
            .act(
                office,
                &actor(office),
                p7,
                ReportAction::Return,
                "Bổ sung số liệu sinh hoạt"
            )
            .await
            .unwrap(),
        ReportStatus::Returned
    );
    r = db.reports().report(sec, p7).await.unwrap();
    assert_eq!(r.returns, 1);
    assert!(r.can_edit && r.can_submit && !r.can_review);
    let first = r.first_submitted_at;
    assert!(first.is_some());
    db.reports()
        .act(sec, &actor(sec), p7, ReportAction::Submit, "Đã bổ sung")
        .await
        .unwrap();
    // Accepting twice is refused the second time.
    assert_eq!(
        db.reports()
            .act(office, &actor(office), p7, ReportAction::Accept, "")
            .await
            .unwrap(),
        ReportStatus::Accepted
    );
    assert!(matches!(
        db.reports()
            .act(office, &actor(office), p7, ReportAction::Accept, "")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.reports()
            .act(sec, &actor(sec), p7, ReportAction::Submit, "")
            .await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        db.reports()
            .save_report(sec, &actor(sec), p7, &header, &narratives)
            .await,
        Err(StoreError::Conflict(_))
    ));

    r = db.reports().report(sec, p7).await.unwrap();
    assert_eq!(r.status, ReportStatus::Accepted);
    assert!(!r.can_edit && !r.can_submit && !r.can_review && !r.can_issue);
    assert_eq!(r.first_submitted_at, first);
    assert!(r.frozen_at.is_some());
    assert_eq!(r.document.header.number, "12-BC/ĐU");
    assert_eq!(
        r.document
            .narratives
            .get(&NarrativeSection::Strengths)
            .map(String::as_str),
        Some("Chi bộ sinh hoạt đều đặn.")
    );
    assert_eq!(
        r.history.iter().map(|e| e.action).collect::<Vec<_>>(),
        [
            ReportAction::Submit,
            ReportAction::Return,
            ReportAction::Submit,
            ReportAction::Accept
        ]
    );
    assert_eq!(r.history[1].comment, "Bổ sung số liệu sinh hoạt");
    assert!(r.differences.is_empty(), "{:?}", r.differences);
    let frozen_attended = r.document.figures.cell_meetings.tally.attended();

    // A mark taken after acceptance: the stored report keeps its figures and shows the difference.
    db.attendance()
        .set_marks(&cli(), None, meeting.id, &[(an, Mark::Present)])
        .await
        .unwrap();
    r = db.reports().report(sec, p7).await.unwrap();
    assert_eq!(
        r.document.figures.cell_meetings.tally.attended(),
        frozen_attended
    );
    let diff = r
        .differences
        .iter()
        .find(|d| d.key == "cell_meetings.attended")
        .unwrap_or_else(|| panic!("{:?}", r.differences));
    assert_eq!(diff.frozen, Some(frozen_attended));
    assert_eq!(diff.now, Some(frozen_attended + 1));
    // The live figures follow the records.
    let live = db
        .reports()
        .live_document(sec, w.t.ward_a.id, from(), to())
        .await
        .unwrap();
    assert_eq!(
        live.figures.cell_meetings.tally.attended(),
        frozen_attended + 1
    );

    // The round counts it as accepted; lists show it with its number.
    let c = db
        .reports()
        .round(office, round)
        .await
        .unwrap()
        .round
        .completeness;
    assert_eq!((c.accepted, c.submitted, c.missing), (1, 1, 1));
    let list = db.reports().list_reports(office, None).await.unwrap();
    let line = list.iter().find(|l| l.id == p7).unwrap();
    assert_eq!(line.status, ReportStatus::Accepted);
    assert_eq!(line.number, "12-BC/ĐU");
    assert_eq!(line.round_id, Some(round));
    assert_eq!(line.due_on, Some(due()));
    let mine = db.reports().list_reports(sec, None).await.unwrap();
    assert_eq!(mine.iter().map(|l| l.id).collect::<Vec<_>>(), [p7]);
    assert!(matches!(
        db.reports().list_reports(&w.secretary_b, Some("P7")).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn issue_outside_rounds(db: &Db) {
    let w = world(db).await;
    let office = &w.city_office;
    let id = db
        .reports()
        .create_report(office, &actor(office), "TU", from(), to())
        .await
        .unwrap();
    assert!(matches!(
        db.reports()
            .create_report(office, &actor(office), "TU", from(), to())
            .await,
        Err(StoreError::Conflict(_))
    ));
    let e = db
        .reports()
        .create_report(&w.secretary_a, &actor(&w.secretary_a), "TU", from(), to())
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["unit_code"]);
    let e = db
        .reports()
        .create_report(office, &actor(office), "P8", to(), from())
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["to"]);
    let r = db.reports().report(office, id).await.unwrap();
    assert!(r.round.is_none());
    assert!(r.can_edit && r.can_issue && !r.can_submit && !r.can_review);
    assert_eq!(r.document.header.issuer, "THÀNH ỦY BẾN TRE");
    assert_eq!(r.document.header.recipients, ["Như trên", "Lưu VP"]);
    // A report outside rounds is issued, never submitted.
    assert!(matches!(
        db.reports()
            .act(office, &actor(office), id, ReportAction::Submit, "")
            .await,
        Err(StoreError::Invalid(_))
    ));
    // A ward cannot issue the city's report (it does not even see it).
    assert!(matches!(
        db.reports()
            .act(
                &w.secretary_a,
                &actor(&w.secretary_a),
                id,
                ReportAction::Issue,
                ""
            )
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        db.reports()
            .act(office, &actor(office), id, ReportAction::Issue, "")
            .await
            .unwrap(),
        ReportStatus::Issued
    );
    let r = db.reports().report(office, id).await.unwrap();
    assert_eq!(r.status, ReportStatus::Issued);
    assert!(r.frozen_at.is_some() && r.differences.is_empty());
    assert!(!r.can_edit && !r.can_issue);
    assert!(matches!(
        db.reports()
            .act(office, &actor(office), id, ReportAction::Issue, "")
            .await,
        Err(StoreError::Conflict(_))
    ));
    let list = db.reports().list_reports(office, Some("TU")).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].status, ReportStatus::Issued);
    assert_eq!(list[0].round_id, None);
    // The same period may still have a round of its own.
    db.reports()
        .create_round(office, &actor(office), &round_input("TU"))
        .await
        .unwrap();
}

on_every_backend!(env: round_makes_one_draft_per_party_sub_unit);
on_every_backend!(env: completeness_follows_the_clock);
on_every_backend!(db: sign_off_and_frozen_figures);
on_every_backend!(db: issue_outside_rounds);
