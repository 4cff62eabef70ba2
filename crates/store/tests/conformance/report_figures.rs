//! The period report's figures (`Reports::period_report`): each figure equals a count made directly from
//! the records of a small tree; the parent's additive figures equal the sum of its sub-unit rows; the
//! confidential sections are cut for readers who may not read cases; scope and period are checked.

use crate::common::*;
use chrono::NaiveDate;
use domain::attendance::{Mark, MeetingKind, Tally};
use domain::commendation::CommendationKind;
use domain::criteria::CriterionState::Met;
use domain::inspection::{Body, CaseKind};
use domain::policy::Principal;
use domain::registration::Action;
use domain::report::PeriodReport;
use domain::{Role, UnitType};
use store::{
    Actor, AssessmentInput, CaseInput, CommendationInput, CriteriaSetInput, Criterion, Db,
    ItemInput, MarkInput, MeetingInput, ModelInput, StoreError,
};

fn actor(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

fn sum_tallies<'a>(it: impl Iterator<Item = &'a Tally>) -> Tally {
    let mut t = Tally::default();
    for x in it {
        t.add(x);
    }
    t
}

const FROM: (i32, u32, u32) = (2025, 1, 1);
const TO: (i32, u32, u32) = (2026, 10, 31);

fn period() -> (NaiveDate, NaiveDate) {
    (d(FROM.0, FROM.1, FROM.2), d(TO.0, TO.1, TO.2))
}

async fn meeting(
    db: &Db,
    kind: MeetingKind,
    unit: &str,
    on: NaiveDate,
    thematic: bool,
    marks: &[(i64, Mark)],
) {
    let input = MeetingInput {
        thematic,
        ..MeetingInput::new(kind, unit, on, "Học tập và làm theo tư tưởng Hồ Chí Minh")
    };
    let m = db
        .attendance()
        .create_meeting(&cli(), None, input)
        .await
        .unwrap_or_else(|e| panic!("meeting {unit} {on}: {e:?}"));
    if !marks.is_empty() {
        db.attendance()
            .set_marks(&cli(), None, m.id, marks)
            .await
            .unwrap();
    }
}

async fn figures(db: &Db, p: &Principal, unit_id: i64) -> PeriodReport {
    let (from, to) = period();
    db.reports()
        .period_report(p, unit_id, from, to)
        .await
        .unwrap_or_else(|e| panic!("period report: {e:?}"))
}

pub async fn figures_are_counted_from_records(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let an = add_member(db, &admin, person("Nguyễn Văn An", "300001"), &t.cell_a1).await;
    let mut h = person("Phạm Văn Hải", "300002");
    h.positions = vec![domain::member::PositionInput::new(
        "Bí thư Chi bộ",
        "Lãnh đạo chi bộ Khu phố 1",
    )];
    let hai = add_member(db, &admin, h, &t.cell_a1).await;
    let binh = add_member(db, &admin, person("Lê Thị Bình", "300003"), &t.cell_a2).await;
    let cuong = add_member(db, &admin, person("Trần Văn Cường", "300004"), &t.cell_b1).await;
    let dung = add_member(db, &admin, person("Võ Thị Dung", "300005"), &t.cell_b1).await;

    // Study: one city session (5 expected), one ward session of P7 (3 expected); one before the period.
    meeting(db, MeetingKind::Study, "TU", d(2024, 6, 1), false, &[]).await;
    meeting(
        db,
        MeetingKind::Study,
        "TU",
        d(2025, 6, 1),
        false,
        &[
            (an, Mark::Present),
            (hai, Mark::Late),
            (binh, Mark::Excused),
            (cuong, Mark::Absent),
            (dung, Mark::Present),
        ],
    )
    .await;
    meeting(
        db,
        MeetingKind::Study,
        "P7",
        d(2026, 3, 1),
        false,
        &[(an, Mark::Present), (binh, Mark::Absent)],
    )
    .await;
    // Cell meetings: three in the period, one thematic.
    meeting(
        db,
        MeetingKind::Cell,
        "P7-KP1",
        d(2025, 5, 10),
        true,
        &[(an, Mark::Present), (hai, Mark::Present)],
    )
    .await;
    meeting(db, MeetingKind::Cell, "P7-KP2", d(2026, 2, 10), false, &[]).await;
    meeting(
        db,
        MeetingKind::Cell,
        "P8-KP1",
        d(2026, 4, 10),
        false,
        &[(cuong, Mark::Absent)],
    )
    .await;

    // Registrations of 2026: An submitted, Cường a draft.
    let item = ItemInput::new(
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được",
        "Công tác dân vận",
        "15 hộ",
        Some(d(2026, 11, 30)),
    );
    let me = principal(Role::Member, &t.cell_a1, Some(an));
    let r = db
        .registrations()
        .create_registration(&cli(), &me, an, 2026, std::slice::from_ref(&item))
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &me, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    let cu = principal(Role::Member, &t.cell_b1, Some(cuong));
    db.registrations()
        .create_registration(&cli(), &cu, cuong, 2026, std::slice::from_ref(&item))
        .await
        .unwrap();

    // Models: one of P7-KP1 adopted by P8-KP1 and commended; one started after the period.
    let savings = db
        .models()
        .create_model(
            &cli(),
            None,
            &ModelInput::new("P7-KP1", "Heo đất tiết kiệm", "Dân vận", d(2024, 3, 1)),
        )
        .await
        .unwrap()
        .id;
    db.models()
        .adopt_model(&cli(), None, savings, "P8-KP1", Some(d(2025, 2, 1)), "")
        .await
        .unwrap();
    db.models()
        .create_model(
            &cli(),
            None,
            &ModelInput::new("P8", "Tuyến đường sáng", "Kinh tế", d(2026, 11, 15)),
        )
        .await
        .unwrap();

    // A commendation by the city to An and the model.
    let office = principal(Role::Office, &t.root, None);
    let c = CommendationInput {
        kind: Some(CommendationKind::Certificate),
        issuer_code: "TU".into(),
        decision_number: "245-QĐ/TU".into(),
        decided_on: Some(d(2025, 9, 2)),
        reason: "Có thành tích xuất sắc trong học tập và làm theo tư tưởng Hồ Chí Minh".into(),
        member_ids: vec![an],
        model_ids: vec![savings],
        ..Default::default()
    };
    db.commendations()
        .create(&office, &actor(&office), &c)
        .await
        .unwrap();

    // An inspection case of P7 over cell KP1 and An.
    let inspector = principal(Role::Inspector, &t.root, None);
    let case = CaseInput {
        kind: CaseKind::Inspection,
        unit_id: t.ward_a.id,
        body: Body::Commission,
        programme_id: None,
        title: "Kiểm tra việc thực hiện Chỉ thị 05-CT/TW".into(),
        decision_number: "12-QĐ/UBKT".into(),
        decided_on: d(2025, 7, 1),
        from: Some(d(2025, 7, 1)),
        to: Some(d(2025, 7, 30)),
        directive_05: true,
        team: vec!["Nguyễn Văn Kiểm".into()],
        subject_units: vec![t.cell_a1.id],
        subject_members: vec![an],
    };
    db.inspections()
        .create_case(&actor(&inspector), &inspector, &case)
        .await
        .unwrap();

    // A criteria set for cells; KP1 meets both criteria.
    let set = CriteriaSetInput {
        code: "CB-TSVM".into(),
        title: "Chi bộ trong sạch, vững mạnh".into(),
        version: "2025".into(),
        applies_type: UnitType::Cell.as_str().into(),
        items: ["1", "2"]
            .iter()
            .map(|c| Criterion {
                code: (*c).into(),
                title: format!("Tiêu chí {c}"),
                group: "Xây dựng Đảng".into(),
                measure: String::new(),
                target: "Đạt".into(),
            })
            .collect(),
        ..CriteriaSetInput::default()
    };
    db.criteria()
        .save_set(&office, &actor(&office), &set)
        .await
        .unwrap();
    let assessment = AssessmentInput {
        set_code: "CB-TSVM".into(),
        unit_code: "P7-KP1".into(),
        as_of: d(2025, 6, 1),
        note: String::new(),
        items: ["1", "2"]
            .iter()
            .map(|c| MarkInput {
                code: (*c).into(),
                state: Met,
                evidence: "Biên bản".into(),
            })
            .collect(),
    };
    db.criteria()
        .assess(&office, &actor(&office), &assessment)
        .await
        .unwrap();

    let (from, to) = period();
    let r = figures(db, &office, t.root.id).await;
    assert_eq!(r.unit.code, "TU");
    assert_eq!((r.from, r.to), (from, to));

    // Study: the sums the attendance pages show, per year and in total.
    assert_eq!(r.study.sessions, 2);
    assert_eq!(
        r.study
            .years
            .iter()
            .map(|y| (y.year, y.sessions))
            .collect::<Vec<_>>(),
        [(2025, 1), (2026, 1)]
    );
    let direct = db
        .attendance()
        .summary_unscoped(&t.root.path, MeetingKind::Study, from, to)
        .await
        .unwrap();
    assert_eq!(r.study.total, direct);
    assert_eq!(r.study.total.expected, 8);
    assert_eq!(r.study.total.attended(), 4);
    assert_eq!(r.study.total.excused, 1);
    assert_eq!(
        sum_tallies(r.study.years.iter().map(|y| &y.tally)),
        r.study.total
    );
    assert_eq!(
        r.study.target_permille,
        domain::report::DEFAULT_ATTENDANCE_TARGET_PERMILLE
    );

    // Cell meetings.
    assert_eq!(r.cell_meetings.held, 3);
    assert_eq!(r.cell_meetings.thematic, 1);
    assert_eq!(r.cell_meetings.tally.expected, 2 + 1 + 2);
    assert_eq!(r.cell_meetings.tally.attended(), 2);

    // Registrations: the registration report of each year.
    let years: Vec<i32> = r.registrations.years.iter().map(|y| y.year).collect();
    assert_eq!(years, [2025, 2026]);
    let y2026 = &r.registrations.years[1];
    let rep = db
        .registrations()
        .registration_report(&admin, t.root.id, 2026)
        .await
        .unwrap();
    assert_eq!(y2026.stats, rep.total);
    assert_eq!(y2026.stats.registered, 2);
    assert_eq!(y2026.stats.submitted, 1);
    assert_eq!(y2026.stats.drafts, 1);
    assert_eq!(r.registrations.years[0].stats.registered, 0);
    assert_eq!(y2026.self_reviews, 0);

    // Disclosure: nothing published, no feedback.
    assert_eq!(r.disclosure.published_registrations, 0);
    assert_eq!(r.disclosure.feedback_received, 0);
    assert_eq!(r.disclosure.mean_response_days, None);

    // Models: one active, replicated and commended.
    assert_eq!(r.models.total, 1);
    assert_eq!(r.models.replicated, 1);
    assert_eq!(r.models.commended, 1);
    assert_eq!(r.models.by_field, [("Dân vận".to_string(), 1)]);
    assert_eq!(r.models.lines.len(), 1);
    assert_eq!(r.models.lines[0].replications, 1);
    assert_eq!(r.models.lines[0].unit_code, "P7-KP1");

    // Inspection (the summary's figures) and discipline.
    let ins = r.inspection.as_ref().expect("office reads cases");
    let k = ins.by_kind[&CaseKind::Inspection];
    assert_eq!((k.cases, k.units, k.members), (1, 1, 1));
    let summary = db
        .inspections()
        .summary(&office, t.root.id, from, to)
        .await
        .unwrap();
    assert_eq!(ins.by_kind, summary.by_kind);
    let disc = r.discipline.as_ref().expect("office reads discipline");
    assert_eq!(disc.struck_off, 0);
    assert!(disc.members.values().all(|n| *n == 0));

    // Commendations.
    assert_eq!(r.commendations.total.decisions, 1);
    assert_eq!(r.commendations.total.member_recipients, 1);
    assert_eq!(r.commendations.total.unit_recipients, 0);
    let cert = r
        .commendations
        .by_kind
        .iter()
        .find(|(k, _)| *k == CommendationKind::Certificate)
        .map(|(_, c)| c.decisions);
    assert_eq!(cert, Some(1));

    // Criteria: three cells, one meeting every criterion, none recognised.
    assert_eq!(r.criteria.sets.len(), 1);
    let s = &r.criteria.sets[0];
    assert_eq!(s.set_code, "CB-TSVM");
    assert_eq!((s.criteria, s.units, s.all_met, s.recognised), (2, 3, 1, 0));
    assert_eq!(s.met_of_single, None);

    // The sub-unit table: the two wards (the front is not a party organisation).
    let codes: Vec<&str> = r.sub_units.iter().map(|s| s.unit.code.as_str()).collect();
    assert_eq!(codes, ["P7", "P8"]);
    let (p7, p8) = (&r.sub_units[0], &r.sub_units[1]);
    assert_eq!((p7.members, p8.members), (3, 2));
    assert_eq!((p7.cell_meetings, p8.cell_meetings), (2, 1));
    assert_eq!((p7.models, p8.models), (1, 0));
    assert_eq!((p7.commendations, p8.commendations), (1, 0));
    assert_eq!(p7.inspection, Some((1, 1)));
    assert_eq!(p8.inspection, Some((0, 0)));
    assert_eq!(
        (p7.registrations.registered, p8.registrations.registered),
        (1, 1)
    );
    // P8: one present of two at the city session → below the 90 % target.
    assert!(p8.below_target);

    // Additive figures: the parent equals the sum of its sub-units (nobody belongs to TU directly).
    assert_eq!(
        sum_tallies(r.sub_units.iter().map(|s| &s.study)),
        r.study.total
    );
    assert_eq!(
        sum_tallies(r.sub_units.iter().map(|s| &s.cell_tally)),
        r.cell_meetings.tally
    );
    let sum =
        |f: &dyn Fn(&domain::report::SubUnitRow) -> i64| r.sub_units.iter().map(f).sum::<i64>();
    assert_eq!(sum(&|s| s.cell_meetings), r.cell_meetings.held);
    assert_eq!(sum(&|s| s.models), r.models.total);
    assert_eq!(sum(&|s| s.commendations), r.commendations.total.decisions);
    assert_eq!(sum(&|s| s.registrations.registered), y2026.stats.registered);
    assert_eq!(sum(&|s| s.registrations.items), y2026.stats.items);
    assert_eq!(sum(&|s| s.members), 5);

    // Limitations: P8 below the target.
    let below = r
        .limitations
        .iter()
        .find(|l| l.kind == domain::report::LimitationKind::BelowAttendanceTarget)
        .expect("below target");
    assert!(below.units.contains(&"Đảng bộ Phường 8".to_string()));

    // A ward's report: its cells are the rows.
    let ward = figures(db, &office, t.ward_a.id).await;
    let codes: Vec<&str> = ward
        .sub_units
        .iter()
        .map(|s| s.unit.code.as_str())
        .collect();
    assert_eq!(codes, ["P7-KP1", "P7-KP2"]);
    assert_eq!(ward.study.total, p7.study);
    assert_eq!(ward.models.total, 1);
    // A cell without party sub-units reports one row: itself.
    let cell = figures(db, &office, t.cell_b1.id).await;
    assert_eq!(cell.sub_units.len(), 1);
    assert_eq!(cell.sub_units[0].unit.code, "P8-KP1");
    assert_eq!(
        cell.models.total, 0,
        "an adopted model is not the cell's own"
    );
}
on_every_backend!(db: figures_are_counted_from_records);

pub async fn readers_scope_and_period(db: &Db) {
    let t = tree(db).await;
    let (from, to) = period();
    let reports = db.reports();

    // Confidential sections: gone for a secretary, there for an inspector and the office.
    let secretary = principal(Role::Secretary, &t.root, None);
    let r = reports
        .period_report(&secretary, t.root.id, from, to)
        .await
        .unwrap();
    assert!(r.inspection.is_none() && r.discipline.is_none());
    assert!(r.sub_units.iter().all(|s| s.inspection.is_none()));
    for role in [Role::Inspector, Role::Office] {
        let p = principal(role, &t.root, None);
        let r = reports
            .period_report(&p, t.root.id, from, to)
            .await
            .unwrap();
        assert!(r.inspection.is_some() && r.discipline.is_some(), "{role:?}");
        assert!(r.sub_units.iter().all(|s| s.inspection.is_some()));
    }

    // Outside the scope: not found.
    let ward_b = principal(Role::Secretary, &t.ward_b, None);
    assert!(matches!(
        reports.period_report(&ward_b, t.ward_a.id, from, to).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        reports.period_report(&ward_b, 999_999, from, to).await,
        Err(StoreError::NotFound)
    ));

    // A reversed or too long period is refused.
    for (a, b) in [(to, from), (d(2010, 1, 1), d(2020, 1, 1))] {
        match reports.period_report(&secretary, t.root.id, a, b).await {
            Err(StoreError::Invalid(e)) => assert_eq!(e[0].field, "to"),
            other => panic!("expected Invalid, got {other:?}"),
        }
        assert!(matches!(
            reports.period_report_unscoped(t.root.id, a, b).await,
            Err(StoreError::Invalid(_))
        ));
    }
}
on_every_backend!(db: readers_scope_and_period);
