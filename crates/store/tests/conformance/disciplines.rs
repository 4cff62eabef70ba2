//! Discipline, appeals and xóa tên (docs/DOMAIN.md § Inspection, supervision and discipline) on both
//! backends: forms per subject, the deciding unit's subtree, expulsion and dissolution through the members'
//! and units' history rules, the appeal window and what an appeal's result changes, the "bỏ sinh hoạt"
//! threshold, xóa tên, confidentiality per role, and the yearly rating cap's question.

use crate::common::*;
use domain::attendance::{Mark, MeetingKind};
use domain::inspection::{AppealOutcome, Body, DisciplineForm};
use domain::policy::Principal;
use domain::{MemberStatus, Role};
use sqlx::{Connection, Row};
use store::{
    Actor, AppealResultInput, Db, DisciplineFilter, DisciplineInput, DisciplineState, FieldError,
    MeetingInput, MemberInput, StoreError, StrikeOffInput,
};

fn invalid(e: StoreError) -> Vec<FieldError> {
    match e {
        StoreError::Invalid(v) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn message(e: StoreError) -> String {
    invalid(e)
        .into_iter()
        .map(|f| format!("{}: {}", f.field, f.message))
        .collect::<Vec<_>>()
        .join("; ")
}

fn is_not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound))
}

fn actor(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

/// Joined in 2026, not yet official: a probationary member.
fn probationary(full_name: &str, card: &str) -> MemberInput {
    MemberInput {
        joined_on: Some(d(2026, 3, 1)),
        official_on: None,
        ..person(full_name, card)
    }
}

fn on_member(
    member: i64,
    form: DisciplineForm,
    by: &domain::Unit,
    on: chrono::NaiveDate,
) -> DisciplineInput {
    DisciplineInput {
        member_id: Some(member),
        unit_id: None,
        form,
        decided_by: by.id,
        body: Body::Committee,
        decision_number: "45-QĐ/ĐU".into(),
        decided_on: on,
        reason: "Vi phạm quy định về những điều đảng viên không được làm".into(),
        case_id: None,
    }
}

fn on_unit(
    unit: &domain::Unit,
    form: DisciplineForm,
    by: &domain::Unit,
    on: chrono::NaiveDate,
) -> DisciplineInput {
    DisciplineInput {
        member_id: None,
        unit_id: Some(unit.id),
        ..on_member(0, form, by, on)
    }
}

/// The tree; An and Bình in P7-KP1, Dũng (probationary) in P7-KP1, Cường in P8-KP1; principals.
struct World {
    t: Tree,
    an: i64,
    binh: i64,
    dung: i64,
    cuong: i64,
    city_inspector: Principal,
    inspector_a: Principal,
    inspector_b: Principal,
    office_a: Principal,
    secretary_a: Principal,
    secretary_a1: Principal,
    secretary_b: Principal,
    member_an: Principal,
}

async fn world(db: &Db) -> World {
    let t = tree(db).await;
    let admin = t.admin();
    let an = add_member(db, &admin, person("Nguyễn Văn An", "100001"), &t.cell_a1).await;
    let binh = add_member(db, &admin, person("Lê Thị Bình", "100002"), &t.cell_a1).await;
    let dung = add_member(
        db,
        &admin,
        probationary("Trần Văn Dũng", "100003"),
        &t.cell_a1,
    )
    .await;
    let cuong = add_member(db, &admin, person("Phạm Văn Cường", "100004"), &t.cell_b1).await;
    World {
        city_inspector: principal(Role::Inspector, &t.root, None),
        inspector_a: principal(Role::Inspector, &t.ward_a, None),
        inspector_b: principal(Role::Inspector, &t.ward_b, None),
        office_a: principal(Role::Office, &t.ward_a, None),
        // The ward secretary's account is linked to Bình's record.
        secretary_a: principal(Role::Secretary, &t.ward_a, Some(binh)),
        secretary_a1: principal(Role::Secretary, &t.cell_a1, None),
        secretary_b: principal(Role::Secretary, &t.ward_b, None),
        member_an: principal(Role::Member, &t.cell_a1, Some(an)),
        t,
        an,
        binh,
        dung,
        cuong,
    }
}

async fn record(db: &Db, p: &Principal, input: &DisciplineInput) -> store::Discipline {
    db.inspections()
        .record_discipline(&actor(p), p, input)
        .await
        .unwrap_or_else(|e| panic!("record discipline: {e:?}"))
}

async fn status(db: &Db, member: i64) -> MemberStatus {
    let (m, _) = db.members().member_unscoped(member).await.unwrap().unwrap();
    m.status
}

/// The members expected at a meeting.
async fn expected(db: &Db, meeting: i64) -> Vec<i64> {
    let admin = principal(
        Role::Admin,
        &db.units()
            .unit_by_code_unscoped("TU")
            .await
            .unwrap()
            .unwrap(),
        None,
    );
    let mut ids: Vec<i64> = db
        .attendance()
        .meeting_marks(&admin, meeting)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.member_id)
        .collect();
    ids.sort();
    ids
}

async fn cell_meeting(db: &Db, unit: &str, on: chrono::NaiveDate) -> i64 {
    db.attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Cell, unit, on, "Sinh hoạt chi bộ thường kỳ"),
        )
        .await
        .unwrap_or_else(|e| panic!("create meeting {on}: {e:?}"))
        .id
}

async fn forms_fit_the_subject(db: &Db) {
    let w = world(db).await;
    let p = &w.inspector_a;
    let ward = &w.t.ward_a;
    let on = d(2026, 10, 1);
    // A probationary member: only reprimand or warning.
    for form in [DisciplineForm::Dismissal, DisciplineForm::Expulsion] {
        let e = db
            .inspections()
            .record_discipline(&actor(p), p, &on_member(w.dung, form, ward, on))
            .await
            .unwrap_err();
        assert!(message(e).contains("Đảng viên dự bị"), "{form:?}");
    }
    let warned = record(db, p, &on_member(w.dung, DisciplineForm::Warning, ward, on)).await;
    assert_eq!(warned.form_in_force, Some(DisciplineForm::Warning));
    assert_eq!(warned.state, DisciplineState::InForce);
    assert_eq!(warned.subject_name, "Trần Văn Dũng");
    assert_eq!(warned.subject_unit_name, "Chi bộ Khu phố 1");
    assert_eq!(warned.decided_by_name, "Đảng bộ Phường 7");
    assert_eq!(warned.appeal_deadline, d(2026, 11, 1));
    // A full member may be dismissed; never dissolved.
    record(
        db,
        p,
        &on_member(w.binh, DisciplineForm::Dismissal, ward, on),
    )
    .await;
    let e = db
        .inspections()
        .record_discipline(
            &actor(p),
            p,
            &on_member(w.an, DisciplineForm::Dissolution, ward, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("giải tán chỉ áp dụng với tổ chức đảng"));
    // An organisation: never expelled or dismissed.
    let e = db
        .inspections()
        .record_discipline(
            &actor(p),
            p,
            &on_unit(&w.t.cell_a1, DisciplineForm::Expulsion, ward, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Tổ chức đảng chỉ có thể"));
    let warned_cell = record(
        db,
        p,
        &on_unit(&w.t.cell_a1, DisciplineForm::Warning, ward, on),
    )
    .await;
    assert_eq!(warned_cell.subject_name, "Chi bộ Khu phố 1");
    assert_eq!(warned_cell.subject_code, "P7-KP1");
    // Nothing about oneself; no date after today; a decision number.
    let linked = principal(Role::Inspector, ward, Some(w.an));
    let e = db
        .inspections()
        .record_discipline(
            &actor(&linked),
            &linked,
            &on_member(w.an, DisciplineForm::Warning, ward, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("chính mình"));
    let e = db
        .inspections()
        .record_discipline(
            &actor(p),
            p,
            &on_member(
                w.an,
                DisciplineForm::Warning,
                ward,
                today().succ_opt().unwrap(),
            ),
        )
        .await
        .unwrap_err();
    assert!(message(e).starts_with("decided_on:"));
    let e = db
        .inspections()
        .record_discipline(
            &actor(p),
            p,
            &DisciplineInput {
                decision_number: " ".into(),
                ..on_member(w.an, DisciplineForm::Warning, ward, on)
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Thiếu số quyết định"));
    // Refused decisions changed nothing.
    assert_eq!(status(db, w.dung).await, MemberStatus::Active);
    let all = db
        .inspections()
        .list_disciplines(&w.city_inspector, &DisciplineFilter::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 3);
}
on_every_backend!(db: forms_fit_the_subject);

async fn subjects_inside_the_deciding_subtree(db: &Db) {
    let w = world(db).await;
    let on = d(2026, 10, 1);
    let city = &w.city_inspector;
    // Ward P7 cannot discipline a member or a cell of ward P8, even when the city inspector records it.
    let e = db
        .inspections()
        .record_discipline(
            &actor(city),
            city,
            &on_member(w.cuong, DisciplineForm::Warning, &w.t.ward_a, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc đơn vị quyết định"));
    let e = db
        .inspections()
        .record_discipline(
            &actor(city),
            city,
            &on_unit(&w.t.cell_b1, DisciplineForm::Warning, &w.t.ward_a, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc"));
    // A unit does not discipline itself.
    let e = db
        .inspections()
        .record_discipline(
            &actor(city),
            city,
            &on_unit(&w.t.ward_a, DisciplineForm::Warning, &w.t.ward_a, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc"));
    // The city decides about anyone of the city.
    record(
        db,
        city,
        &on_member(w.cuong, DisciplineForm::Warning, &w.t.root, on),
    )
    .await;
    // Ward P7's inspector may not decide for ward P8; a secretary decides nothing.
    assert!(is_not_found(
        db.inspections()
            .record_discipline(
                &actor(&w.inspector_a),
                &w.inspector_a,
                &on_member(w.cuong, DisciplineForm::Warning, &w.t.ward_b, on),
            )
            .await
    ));
    assert!(is_not_found(
        db.inspections()
            .record_discipline(
                &actor(&w.secretary_a),
                &w.secretary_a,
                &on_member(w.an, DisciplineForm::Warning, &w.t.ward_a, on),
            )
            .await
    ));
}
on_every_backend!(db: subjects_inside_the_deciding_subtree);

async fn expulsion_ends_membership_from_its_date(db: &Db) {
    let w = world(db).await;
    let before = cell_meeting(db, "P7-KP1", d(2026, 9, 20)).await;
    let after_existing = cell_meeting(db, "P7-KP1", d(2026, 10, 10)).await;
    assert!(expected(db, after_existing).await.contains(&w.an));
    let d1 = record(
        db,
        &w.inspector_a,
        &on_member(w.an, DisciplineForm::Expulsion, &w.t.ward_a, d(2026, 10, 1)),
    )
    .await;
    assert_eq!(d1.form, DisciplineForm::Expulsion);
    assert_eq!(status(db, w.an).await, MemberStatus::Expelled);
    let (_, statuses) = db
        .members()
        .member_history(&w.t.admin(), w.an)
        .await
        .unwrap();
    let last = statuses.last().unwrap();
    assert_eq!(
        (last.status, last.from_date),
        (MemberStatus::Expelled, Some(d(2026, 10, 1)))
    );
    // Expected at the meeting before the decision, not at those after it (existing or new).
    assert!(expected(db, before).await.contains(&w.an));
    assert!(!expected(db, after_existing).await.contains(&w.an));
    let after_new = cell_meeting(db, "P7-KP1", d(2026, 10, 20)).await;
    let list = expected(db, after_new).await;
    assert!(!list.contains(&w.an) && list.contains(&w.binh), "{list:?}");
    // An expelled member is not disciplined again.
    let e = db
        .inspections()
        .record_discipline(
            &actor(&w.inspector_a),
            &w.inspector_a,
            &on_member(w.an, DisciplineForm::Warning, &w.t.ward_a, d(2026, 10, 5)),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Khai trừ"));
}
on_every_backend!(db: expulsion_ends_membership_from_its_date);

async fn appeals_within_one_month(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let p = &w.inspector_a;
    let dec = record(
        db,
        p,
        &on_member(w.an, DisciplineForm::Warning, &w.t.ward_a, d(2026, 9, 15)),
    )
    .await;
    // A day after the deadline: refused, naming the last day.
    let e = db
        .inspections()
        .file_appeal(&actor(&w.member_an), &w.member_an, dec.id, d(2026, 10, 16))
        .await
        .unwrap_err();
    let m = message(e);
    assert!(
        m.contains("15/10/2026") && m.contains("quá thời hạn"),
        "{m}"
    );
    // Before the decision: refused.
    assert!(db
        .inspections()
        .file_appeal(&actor(&w.member_an), &w.member_an, dec.id, d(2026, 9, 14))
        .await
        .is_err());
    // Nobody else's decision; a secretary files nothing.
    let other = record(
        db,
        &w.inspector_b,
        &on_member(
            w.cuong,
            DisciplineForm::Warning,
            &w.t.ward_b,
            d(2026, 9, 15),
        ),
    )
    .await;
    assert!(is_not_found(
        db.inspections()
            .file_appeal(&actor(&w.member_an), &w.member_an, other.id, d(2026, 10, 1))
            .await
    ));
    assert!(is_not_found(
        db.inspections()
            .file_appeal(
                &actor(&w.secretary_a1),
                &w.secretary_a1,
                dec.id,
                d(2026, 10, 1)
            )
            .await
    ));
    // On the last day: accepted, and a discipline_appeal case of the level above is opened.
    let appeal = db
        .inspections()
        .file_appeal(&actor(&w.member_an), &w.member_an, dec.id, d(2026, 10, 15))
        .await
        .unwrap();
    assert_eq!(appeal.outcome, None);
    let case_id = appeal.case_id.expect("appeal case");
    let mut conn = env.raw().await;
    let row = sqlx::query(
        "SELECT kind, unit_id, body, title, decided_on FROM inspection_cases WHERE id = $1",
    )
    .bind(case_id)
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("kind"), "discipline_appeal");
    assert_eq!(row.get::<i64, _>("unit_id"), w.t.root.id);
    assert_eq!(row.get::<String, _>("body"), "commission");
    assert!(row
        .get::<String, _>("title")
        .starts_with("Giải quyết khiếu nại kỷ luật Nguyễn Văn An"));
    let subject = sqlx::query("SELECT member_id FROM inspection_subjects WHERE case_id = $1")
        .bind(case_id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(subject.get::<Option<i64>, _>("member_id"), Some(w.an));
    // One pending appeal at a time (also when the inspector records one handed in on paper).
    let e = db
        .inspections()
        .file_appeal(&actor(p), p, dec.id, d(2026, 10, 1))
        .await
        .unwrap_err();
    assert!(message(e).contains("chưa giải quyết"));
    let shown = db.inspections().discipline(p, dec.id).await.unwrap();
    assert_eq!(shown.appeals, vec![appeal]);
    // The inspector of the deciding unit records an appeal handed in about another decision.
    let dec2 = record(
        db,
        p,
        &on_member(
            w.binh,
            DisciplineForm::Reprimand,
            &w.t.ward_a,
            d(2026, 11, 1),
        ),
    )
    .await;
    db.inspections()
        .file_appeal(&actor(p), p, dec2.id, d(2026, 11, 20))
        .await
        .unwrap();
    let _ = conn.close().await;
}
on_every_backend!(env: appeals_within_one_month);

async fn an_annulled_expulsion_gives_the_status_back(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let meeting = cell_meeting(db, "P7-KP1", d(2026, 10, 15)).await;
    let dec = record(
        db,
        &w.inspector_a,
        &on_member(w.an, DisciplineForm::Expulsion, &w.t.ward_a, d(2026, 10, 1)),
    )
    .await;
    assert!(!expected(db, meeting).await.contains(&w.an));
    assert!(db
        .inspections()
        .disciplined_in_year(w.an, 2026)
        .await
        .unwrap());
    let appeal = db
        .inspections()
        .file_appeal(&actor(&w.member_an), &w.member_an, dec.id, d(2026, 10, 10))
        .await
        .unwrap();
    let annul = AppealResultInput {
        outcome: AppealOutcome::Annulled,
        new_form: None,
        decided_on: d(2026, 10, 20),
    };
    // The ward that decided does not judge the appeal against itself: the city's commission does.
    assert!(matches!(
        db.inspections()
            .decide_appeal(&actor(&w.inspector_a), &w.inspector_a, appeal.id, &annul)
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(is_not_found(
        db.inspections()
            .decide_appeal(&actor(&w.inspector_b), &w.inspector_b, appeal.id, &annul)
            .await
    ));
    let after = db
        .inspections()
        .decide_appeal(
            &actor(&w.city_inspector),
            &w.city_inspector,
            appeal.id,
            &annul,
        )
        .await
        .unwrap();
    assert_eq!(after.state, DisciplineState::Annulled);
    assert_eq!(after.form_in_force, None);
    assert_eq!(after.form, DisciplineForm::Expulsion);
    assert_eq!(after.appeals[0].outcome, Some(AppealOutcome::Annulled));
    assert_eq!(after.appeals[0].decided_on, Some(d(2026, 10, 20)));
    // Active again from the decision date: expected at the meeting again, no longer disciplined that year.
    assert_eq!(status(db, w.an).await, MemberStatus::Active);
    let (_, statuses) = db
        .members()
        .member_history(&w.t.admin(), w.an)
        .await
        .unwrap();
    let last = statuses.last().unwrap();
    assert_eq!(
        (last.status, last.from_date),
        (MemberStatus::Active, Some(d(2026, 10, 1)))
    );
    assert!(expected(db, meeting).await.contains(&w.an));
    assert!(!db
        .inspections()
        .disciplined_in_year(w.an, 2026)
        .await
        .unwrap());
    // The appeal case is concluded on the day, the member found without violation.
    let mut conn = env.raw().await;
    let row = sqlx::query(
        "SELECT c.concluded_on, s.result FROM inspection_cases c JOIN inspection_subjects s ON s.case_id = c.id WHERE c.id = $1",
    )
    .bind(appeal.case_id.unwrap())
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(
        row.get::<Option<String>, _>("concluded_on").as_deref(),
        Some("2026-10-20")
    );
    assert_eq!(
        row.get::<Option<String>, _>("result").as_deref(),
        Some("no_violation")
    );
    let _ = conn.close().await;
    // Decided once; an annulled decision takes no further appeal.
    assert!(db
        .inspections()
        .decide_appeal(
            &actor(&w.city_inspector),
            &w.city_inspector,
            appeal.id,
            &annul
        )
        .await
        .is_err());
    let e = db
        .inspections()
        .file_appeal(&actor(&w.member_an), &w.member_an, dec.id, d(2026, 10, 25))
        .await
        .unwrap_err();
    assert!(message(e).contains("đã bị hủy"));
}
on_every_backend!(env: an_annulled_expulsion_gives_the_status_back);

async fn a_changed_form_flows_back(db: &Db) {
    let w = world(db).await;
    let city = &w.city_inspector;
    let appeal_of = async |id: i64, on: chrono::NaiveDate| {
        db.inspections()
            .file_appeal(&actor(&w.inspector_a), &w.inspector_a, id, on)
            .await
            .unwrap()
            .id
    };
    // Expulsion changed to a warning: active again from the decision date, still disciplined that year.
    let expelled = record(
        db,
        &w.inspector_a,
        &on_member(w.an, DisciplineForm::Expulsion, &w.t.ward_a, d(2026, 10, 1)),
    )
    .await;
    let a1 = appeal_of(expelled.id, d(2026, 10, 5)).await;
    let same = AppealResultInput {
        outcome: AppealOutcome::ChangedForm,
        new_form: Some(DisciplineForm::Expulsion),
        decided_on: d(2026, 10, 20),
    };
    let e = db
        .inspections()
        .decide_appeal(&actor(city), city, a1, &same)
        .await
        .unwrap_err();
    assert!(message(e).starts_with("new_form:"));
    let changed = db
        .inspections()
        .decide_appeal(
            &actor(city),
            city,
            a1,
            &AppealResultInput {
                new_form: Some(DisciplineForm::Warning),
                ..same.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(changed.state, DisciplineState::Changed);
    assert_eq!(changed.form_in_force, Some(DisciplineForm::Warning));
    assert_eq!(status(db, w.an).await, MemberStatus::Active);
    assert!(db
        .inspections()
        .disciplined_in_year(w.an, 2026)
        .await
        .unwrap());
    // A warning changed to expulsion: expelled from the original decision date.
    let warned = record(
        db,
        &w.inspector_a,
        &on_member(w.binh, DisciplineForm::Warning, &w.t.ward_a, d(2026, 10, 2)),
    )
    .await;
    let a2 = appeal_of(warned.id, d(2026, 10, 6)).await;
    db.inspections()
        .decide_appeal(
            &actor(city),
            city,
            a2,
            &AppealResultInput {
                new_form: Some(DisciplineForm::Expulsion),
                ..same.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(status(db, w.binh).await, MemberStatus::Expelled);
    let (_, statuses) = db
        .members()
        .member_history(&w.t.admin(), w.binh)
        .await
        .unwrap();
    assert_eq!(statuses.last().unwrap().from_date, Some(d(2026, 10, 2)));
    // A probationary member's warning cannot become a dismissal.
    let prob = record(
        db,
        &w.inspector_a,
        &on_member(w.dung, DisciplineForm::Warning, &w.t.ward_a, d(2026, 10, 3)),
    )
    .await;
    let a3 = appeal_of(prob.id, d(2026, 10, 7)).await;
    let e = db
        .inspections()
        .decide_appeal(
            &actor(city),
            city,
            a3,
            &AppealResultInput {
                new_form: Some(DisciplineForm::Dismissal),
                ..same.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Đảng viên dự bị"));
    // Upheld: nothing changes but the appeal's result.
    let upheld = db
        .inspections()
        .decide_appeal(
            &actor(city),
            city,
            a3,
            &AppealResultInput {
                outcome: AppealOutcome::Upheld,
                new_form: None,
                decided_on: d(2026, 10, 20),
            },
        )
        .await
        .unwrap();
    assert_eq!(upheld.state, DisciplineState::InForce);
    assert_eq!(upheld.form_in_force, Some(DisciplineForm::Warning));
    assert_eq!(status(db, w.dung).await, MemberStatus::Active);
}
on_every_backend!(db: a_changed_form_flows_back);

async fn dissolution_closes_only_an_empty_unit(db: &Db) {
    let w = world(db).await;
    let p = &w.inspector_a;
    let on = d(2026, 10, 1);
    let e = db
        .inspections()
        .record_discipline(
            &actor(p),
            p,
            &on_unit(&w.t.cell_a1, DisciplineForm::Dissolution, &w.t.ward_a, on),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Đơn vị còn 3 đảng viên đang sinh hoạt"));
    assert_eq!(
        db.units()
            .unit_unscoped(w.t.cell_a1.id)
            .await
            .unwrap()
            .unwrap()
            .valid_to,
        None
    );
    let dissolved = record(
        db,
        p,
        &on_unit(&w.t.cell_a2, DisciplineForm::Dissolution, &w.t.ward_a, on),
    )
    .await;
    assert_eq!(dissolved.form_in_force, Some(DisciplineForm::Dissolution));
    let closed = db
        .units()
        .unit_unscoped(w.t.cell_a2.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(closed.valid_to, Some(on));
    // Annulled on appeal: the unit is open again.
    let appeal = db
        .inspections()
        .file_appeal(&actor(p), p, dissolved.id, d(2026, 10, 10))
        .await
        .unwrap();
    db.inspections()
        .decide_appeal(
            &actor(&w.city_inspector),
            &w.city_inspector,
            appeal.id,
            &AppealResultInput {
                outcome: AppealOutcome::Annulled,
                new_form: None,
                decided_on: d(2026, 10, 20),
            },
        )
        .await
        .unwrap();
    assert_eq!(
        db.units()
            .unit_unscoped(w.t.cell_a2.id)
            .await
            .unwrap()
            .unwrap()
            .valid_to,
        None
    );
}
on_every_backend!(db: dissolution_closes_only_an_empty_unit);

async fn strike_off_after_three_months_without_reason(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let jan = cell_meeting(db, "P7-KP1", d(2026, 1, 10)).await;
    let feb1 = cell_meeting(db, "P7-KP1", d(2026, 2, 5)).await;
    let feb2 = cell_meeting(db, "P7-KP1", d(2026, 2, 25)).await;
    let mar = cell_meeting(db, "P7-KP1", d(2026, 3, 10)).await;
    let apr = cell_meeting(db, "P7-KP1", d(2026, 4, 10)).await;
    let study = db
        .attendance()
        .create_meeting(
            &cli(),
            None,
            MeetingInput::new(MeetingKind::Study, "P7", d(2026, 5, 10), "Chuyên đề 2026"),
        )
        .await
        .unwrap()
        .id;
    let mark = async |meeting: i64, marks: &[(i64, Mark)]| {
        db.attendance()
            .set_marks(&cli(), None, meeting, marks)
            .await
            .unwrap_or_else(|e| panic!("marks: {e:?}"));
    };
    // An: January and twice in February (two months), and a study session (not a cell meeting).
    // Bình: January, February, March. Dũng: January, February, then excused in March and April.
    mark(
        jan,
        &[
            (w.an, Mark::Absent),
            (w.binh, Mark::Absent),
            (w.dung, Mark::Absent),
        ],
    )
    .await;
    mark(
        feb1,
        &[
            (w.an, Mark::Absent),
            (w.binh, Mark::Present),
            (w.dung, Mark::Absent),
        ],
    )
    .await;
    mark(
        feb2,
        &[
            (w.an, Mark::Absent),
            (w.binh, Mark::Absent),
            (w.dung, Mark::Present),
        ],
    )
    .await;
    mark(
        mar,
        &[
            (w.an, Mark::Present),
            (w.binh, Mark::Absent),
            (w.dung, Mark::Excused),
        ],
    )
    .await;
    mark(
        apr,
        &[
            (w.an, Mark::Present),
            (w.binh, Mark::Present),
            (w.dung, Mark::Excused),
        ],
    )
    .await;
    mark(study, &[(w.an, Mark::Absent)]).await;

    let list = db
        .inspections()
        .strike_off_candidates(&w.secretary_a1, w.t.cell_a1.id, 2026)
        .await
        .unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    let c = &list[0];
    assert_eq!((c.member_id, c.full_name.as_str()), (w.binh, "Lê Thị Bình"));
    assert_eq!(c.months, vec![1, 2, 3]);
    assert_eq!(
        c.meetings,
        vec![
            (jan, d(2026, 1, 10)),
            (feb2, d(2026, 2, 25)),
            (mar, d(2026, 3, 10))
        ]
    );
    assert_eq!(c.unit_name, "Chi bộ Khu phố 1");
    assert!(!c.struck_off);
    // The same from the ward and the city; nothing in another year or another ward.
    for p in [&w.inspector_a, &w.office_a, &w.secretary_a] {
        let l = db
            .inspections()
            .strike_off_candidates(p, w.t.ward_a.id, 2026)
            .await
            .unwrap();
        assert_eq!(
            l.iter().map(|c| c.member_id).collect::<Vec<_>>(),
            vec![w.binh]
        );
    }
    assert!(db
        .inspections()
        .strike_off_candidates(&admin, w.t.root.id, 2025)
        .await
        .unwrap()
        .is_empty());
    assert!(db
        .inspections()
        .strike_off_candidates(&admin, w.t.ward_b.id, 2026)
        .await
        .unwrap()
        .is_empty());
    // Not for other wards' secretaries, nor for member accounts.
    assert!(is_not_found(
        db.inspections()
            .strike_off_candidates(&w.secretary_b, w.t.cell_a1.id, 2026)
            .await
    ));
    assert!(is_not_found(
        db.inspections()
            .strike_off_candidates(&w.member_an, w.t.cell_a1.id, 2026)
            .await
    ));

    // Xóa tên, decided by the ward committee and recorded by the cell's secretary.
    let input = StrikeOffInput {
        member_id: w.binh,
        decided_by: w.t.ward_a.id,
        decision_number: "12-QĐ/ĐU".into(),
        decided_on: d(2026, 6, 1),
        reason: "Bỏ sinh hoạt đảng ba tháng trong năm không có lý do chính đáng".into(),
    };
    // The deciding unit must manage the member; an inspector does not write member records.
    let e = db
        .inspections()
        .record_strike_off(
            &actor(&w.secretary_a1),
            &w.secretary_a1,
            &StrikeOffInput {
                decided_by: w.t.cell_a2.id,
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).starts_with("decided_by:"));
    assert!(matches!(
        db.inspections()
            .record_strike_off(&actor(&w.inspector_a), &w.inspector_a, &input)
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(is_not_found(
        db.inspections()
            .record_strike_off(&actor(&w.secretary_b), &w.secretary_b, &input)
            .await
    ));
    let s = db
        .inspections()
        .record_strike_off(&actor(&w.secretary_a1), &w.secretary_a1, &input)
        .await
        .unwrap();
    assert_eq!(
        (s.full_name.as_str(), s.decided_by_name.as_str()),
        ("Lê Thị Bình", "Đảng bộ Phường 7")
    );
    assert_eq!(status(db, w.binh).await, MemberStatus::StruckOff);
    let (_, statuses) = db.members().member_history(&admin, w.binh).await.unwrap();
    assert_eq!(statuses.last().unwrap().from_date, Some(d(2026, 6, 1)));
    // Not twice.
    assert!(db
        .inspections()
        .record_strike_off(&actor(&w.secretary_a1), &w.secretary_a1, &input)
        .await
        .is_err());
    let list = db
        .inspections()
        .strike_off_candidates(&w.secretary_a1, w.t.cell_a1.id, 2026)
        .await
        .unwrap();
    assert!(list[0].struck_off);
    let recorded = db
        .inspections()
        .list_strike_offs(&w.secretary_a, None, Some(2026))
        .await
        .unwrap();
    assert_eq!(recorded, vec![s]);
    assert!(db
        .inspections()
        .list_strike_offs(&w.secretary_a, None, Some(2025))
        .await
        .unwrap()
        .is_empty());
    assert!(db
        .inspections()
        .list_strike_offs(&w.secretary_b, None, None)
        .await
        .unwrap()
        .is_empty());
    assert!(is_not_found(
        db.inspections()
            .list_strike_offs(&w.secretary_b, Some(w.t.ward_a.id), None)
            .await
    ));
}
on_every_backend!(db: strike_off_after_three_months_without_reason);

async fn the_register_is_confidential(db: &Db) {
    let w = world(db).await;
    let on_an = record(
        db,
        &w.inspector_a,
        &on_member(w.an, DisciplineForm::Reprimand, &w.t.ward_a, d(2026, 3, 1)),
    )
    .await;
    let on_cuong = record(
        db,
        &w.inspector_b,
        &on_member(w.cuong, DisciplineForm::Warning, &w.t.ward_b, d(2025, 6, 1)),
    )
    .await;
    let all = DisciplineFilter::default();
    let ids = async |p: &Principal, f: &DisciplineFilter| {
        db.inspections()
            .list_disciplines(p, f)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect::<Vec<_>>()
    };
    // The city sees both, newest first; ward inspectors and office their own ward.
    assert_eq!(
        ids(&w.city_inspector, &all).await,
        vec![on_an.id, on_cuong.id]
    );
    assert_eq!(ids(&w.inspector_a, &all).await, vec![on_an.id]);
    assert_eq!(ids(&w.office_a, &all).await, vec![on_an.id]);
    assert_eq!(ids(&w.inspector_b, &all).await, vec![on_cuong.id]);
    let ward_a = DisciplineFilter {
        unit_id: Some(w.t.ward_a.id),
        ..Default::default()
    };
    assert_eq!(ids(&w.city_inspector, &ward_a).await, vec![on_an.id]);
    let in_2025 = DisciplineFilter {
        year: Some(2025),
        ..Default::default()
    };
    assert_eq!(ids(&w.city_inspector, &in_2025).await, vec![on_cuong.id]);
    assert!(is_not_found(
        db.inspections()
            .list_disciplines(&w.inspector_b, &ward_a)
            .await
    ));
    // Secretaries see none of the register (the ward secretary's own record has no decision).
    for p in [&w.secretary_a, &w.secretary_a1, &w.secretary_b] {
        assert!(ids(p, &all).await.is_empty());
        assert!(is_not_found(db.inspections().discipline(p, on_an.id).await));
    }
    // The member sees their own decision only.
    assert_eq!(ids(&w.member_an, &all).await, vec![on_an.id]);
    assert_eq!(
        db.inspections()
            .my_disciplines(&w.member_an)
            .await
            .unwrap()
            .into_iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        vec![on_an.id]
    );
    assert_eq!(
        db.inspections()
            .discipline(&w.member_an, on_an.id)
            .await
            .unwrap(),
        on_an
    );
    assert!(is_not_found(
        db.inspections().discipline(&w.member_an, on_cuong.id).await
    ));
    // The inspector of another ward cannot tell it exists.
    assert!(is_not_found(
        db.inspections().discipline(&w.inspector_b, on_an.id).await
    ));
    assert!(is_not_found(
        db.inspections()
            .file_appeal(
                &actor(&w.inspector_b),
                &w.inspector_b,
                on_an.id,
                d(2026, 3, 5)
            )
            .await
    ));
    assert!(db
        .inspections()
        .my_disciplines(&w.secretary_a1)
        .await
        .unwrap()
        .is_empty());
}
on_every_backend!(db: the_register_is_confidential);

async fn disciplined_in_a_year(db: &Db) {
    let w = world(db).await;
    record(
        db,
        &w.inspector_a,
        &on_member(
            w.an,
            DisciplineForm::Reprimand,
            &w.t.ward_a,
            d(2025, 12, 31),
        ),
    )
    .await;
    record(
        db,
        &w.inspector_a,
        &on_unit(
            &w.t.cell_a1,
            DisciplineForm::Warning,
            &w.t.ward_a,
            d(2026, 2, 1),
        ),
    )
    .await;
    let q = db.inspections();
    assert!(q.disciplined_in_year(w.an, 2025).await.unwrap());
    assert!(!q.disciplined_in_year(w.an, 2026).await.unwrap());
    assert!(!q.disciplined_in_year(w.an, 2024).await.unwrap());
    // A decision on the member's cell is not a decision on the member.
    assert!(!q.disciplined_in_year(w.binh, 2026).await.unwrap());
}
on_every_backend!(db: disciplined_in_a_year);
