//! Inspection and supervision cases (docs/DOMAIN.md § Inspection, supervision and discipline) on both
//! backends: subjects inside the conducting unit's subtree, list filters, confidentiality per role (reads
//! audited), conclusions (every subject, codes, remedy days, nobody about themself), what a secretary sees
//! of the findings, remedy states on the store's clock, documents, the summary's lượt and distinct counts,
//! and cases following their units when a unit moves.

use crate::common::*;
use chrono::Duration;
use domain::inspection::{Body, CaseKind, DisciplineForm, Finding, RemedyState, SubjectRef};
use domain::policy::Principal;
use domain::{Role, Unit};
use store::{
    Actor, AuditFilter, CaseFilter, CaseInput, ConclusionInput, Db, FieldError, FindingInput,
    ProgrammeInput, RemedyInput, StoreError,
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

fn case_input(kind: CaseKind, unit: &Unit, decided_on: chrono::NaiveDate) -> CaseInput {
    CaseInput {
        kind,
        unit_id: unit.id,
        body: Body::Commission,
        programme_id: None,
        title: "Kiểm tra việc thực hiện Chỉ thị 05-CT/TW".into(),
        decision_number: "12-QĐ/UBKT".into(),
        decided_on,
        from: Some(decided_on),
        to: Some(decided_on + Duration::days(30)),
        directive_05: true,
        team: vec!["Nguyễn Văn Kiểm".into(), "Trần Thị Tra".into()],
        subject_units: Vec::new(),
        subject_members: Vec::new(),
    }
}

fn finding(subject: SubjectRef, result: Finding) -> FindingInput {
    FindingInput {
        subject,
        result,
        manifestations: Vec::new(),
        registration_id: None,
        note: String::new(),
        remedies: Vec::new(),
    }
}

/// The tree, two members in P7-KP1 (An, Bình), one in P8-KP1 (Cường), and the principals of every role.
struct World {
    t: Tree,
    an: i64,
    binh: i64,
    cuong: i64,
    /// Inspector over the city (the level above both wards).
    city_inspector: Principal,
    /// Inspector over ward P7.
    inspector_a: Principal,
    /// Inspector over ward P8.
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
    let cuong = add_member(db, &admin, person("Phạm Văn Cường", "100003"), &t.cell_b1).await;
    World {
        city_inspector: principal(Role::Inspector, &t.root, None),
        inspector_a: principal(Role::Inspector, &t.ward_a, None),
        inspector_b: principal(Role::Inspector, &t.ward_b, None),
        office_a: principal(Role::Office, &t.ward_a, None),
        secretary_a: principal(Role::Secretary, &t.ward_a, None),
        secretary_a1: principal(Role::Secretary, &t.cell_a1, None),
        secretary_b: principal(Role::Secretary, &t.ward_b, None),
        member_an: principal(Role::Member, &t.cell_a1, Some(an)),
        t,
        an,
        binh,
        cuong,
    }
}

/// A case of ward P7 on cell P7-KP1 and members An and Bình.
async fn ward_case(db: &Db, w: &World, kind: CaseKind, on: chrono::NaiveDate) -> i64 {
    let input = CaseInput {
        subject_units: vec![w.t.cell_a1.id],
        subject_members: vec![w.an, w.binh],
        ..case_input(kind, &w.t.ward_a, on)
    };
    db.inspections()
        .create_case(&actor(&w.inspector_a), &w.inspector_a, &input)
        .await
        .unwrap_or_else(|e| panic!("create case: {e:?}"))
        .case
        .id
}

async fn subjects_outside_the_subtree_are_refused(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let p = &w.inspector_a;
    // Cường belongs to ward P8: ward P7 cannot inspect him, nor cell P8-KP1, nor the city.
    let e = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                subject_units: vec![w.t.cell_b1.id, w.t.cell_a2.id],
                subject_members: vec![w.cuong, w.an],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap_err();
    let msg = message(e);
    assert!(msg.contains("subject_units: Tổ chức đảng"), "{msg}");
    assert!(msg.contains("không thuộc Đảng bộ Phường 7"), "{msg}");
    assert!(msg.contains("subject_members: Đảng viên"), "{msg}");
    // The inspector of P7 does not see Cường's record, so the message does not name him.
    assert!(!msg.contains("Cường"), "{msg}");
    let e = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                subject_units: vec![w.t.root.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc"));
    // No subject at all.
    let e = ins
        .create_case(
            &actor(p),
            p,
            &case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1)),
        )
        .await
        .unwrap_err();
    assert!(
        message(e).contains("phải có ít nhất một đối tượng"),
        "no subject"
    );
    // A reversed period and an empty title.
    let e = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                title: "  ".into(),
                to: Some(d(2019, 2, 1)),
                subject_units: vec![w.t.cell_a1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap_err();
    let fields: Vec<String> = invalid(e).into_iter().map(|f| f.field).collect();
    assert!(fields.contains(&"title".to_string()), "{fields:?}");
    assert!(fields.contains(&"to".to_string()), "{fields:?}");
    // A case of another ward's conducting unit: not found; a secretary cannot open cases at all.
    assert!(is_not_found(
        ins.create_case(
            &actor(p),
            p,
            &CaseInput {
                subject_units: vec![w.t.cell_b1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_b, d(2019, 3, 1))
            },
        )
        .await
    ));
    assert!(is_not_found(
        ins.create_case(
            &actor(&w.secretary_a),
            &w.secretary_a,
            &CaseInput {
                subject_units: vec![w.t.cell_a1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
    ));
    // Inside the subtree: the ward itself, its cell and members of its cells. Duplicates count once.
    let detail = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                subject_units: vec![w.t.ward_a.id, w.t.cell_a1.id, w.t.cell_a1.id],
                subject_members: vec![w.an],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap();
    assert_eq!(detail.case.subject_units, 2);
    assert_eq!(detail.case.subject_members, 1);
    assert_eq!(detail.case.team, vec!["Nguyễn Văn Kiểm", "Trần Thị Tra"]);
    assert!(detail.can_manage);
    let an = detail
        .subjects
        .iter()
        .find(|s| s.member_id == Some(w.an))
        .unwrap();
    assert_eq!(an.name, "Nguyễn Văn An");
    assert_eq!(an.code, "100001");
    assert_eq!(an.unit_name, "Chi bộ Khu phố 1");
    assert_eq!(an.result, None);
    // Before the conclusion the subjects may change, inside the subtree only.
    let edit = |units: Vec<i64>, members: Vec<i64>| CaseInput {
        title: "Kiểm tra chi bộ Khu phố 1".into(),
        subject_units: units,
        subject_members: members,
        ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
    };
    let msg = message(
        ins.update_case(&actor(p), p, detail.case.id, &edit(vec![], vec![w.cuong]))
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("không thuộc"), "{msg}");
    let edited = ins
        .update_case(&actor(p), p, detail.case.id, &edit(vec![], vec![w.binh]))
        .await
        .unwrap();
    assert_eq!(edited.case.title, "Kiểm tra chi bộ Khu phố 1");
    assert_eq!(
        edited
            .subjects
            .iter()
            .map(|s| s.name.as_str())
            .collect::<Vec<_>>(),
        vec!["Lê Thị Bình"]
    );
    assert!(matches!(
        ins.update_case(
            &actor(&w.secretary_a),
            &w.secretary_a,
            detail.case.id,
            &edit(vec![], vec![w.binh])
        )
        .await,
        Err(StoreError::NotFound)
    ));
    // The city's inspector may take subjects anywhere below it.
    let city = &w.city_inspector;
    ins.create_case(
        &actor(city),
        city,
        &CaseInput {
            subject_units: vec![w.t.ward_a.id, w.t.ward_b.id],
            subject_members: vec![w.cuong],
            ..case_input(CaseKind::ThematicSupervision, &w.t.root, d(2019, 4, 1))
        },
    )
    .await
    .unwrap();
}

on_every_backend!(db: subjects_outside_the_subtree_are_refused);

async fn lists_filter_by_kind_year_unit_and_directive(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let a = ward_case(db, &w, CaseKind::Inspection, d(2018, 5, 2)).await;
    let b = ward_case(db, &w, CaseKind::RegularSupervision, d(2019, 6, 3)).await;
    let city = &w.city_inspector;
    let c = ins
        .create_case(
            &actor(city),
            city,
            &CaseInput {
                directive_05: false,
                title: "Giám sát chuyên đề công tác cán bộ".into(),
                subject_units: vec![w.t.ward_b.id],
                ..case_input(CaseKind::ThematicSupervision, &w.t.root, d(2019, 8, 9))
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let ids = |v: Vec<store::Case>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let all = CaseFilter::default();
    // Newest decision first.
    assert_eq!(
        ids(ins.list_cases(city, &all).await.unwrap()),
        vec![c, b, a]
    );
    assert_eq!(ins.count_cases(city, &all).await.unwrap(), 3);
    let f = CaseFilter {
        kind: Some(CaseKind::Inspection),
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![a]);
    let f = CaseFilter {
        year: Some(2019),
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![c, b]);
    assert_eq!(ins.count_cases(city, &f).await.unwrap(), 2);
    let f = CaseFilter {
        unit_id: Some(w.t.ward_a.id),
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![b, a]);
    let f = CaseFilter {
        directive_05: Some(false),
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![c]);
    // Text ignores diacritics.
    let f = CaseFilter {
        text: Some("can bo".into()),
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![c]);
    assert_eq!(ins.count_cases(city, &f).await.unwrap(), 1);
    // Paging.
    let f = CaseFilter {
        offset: 1,
        limit: 1,
        ..Default::default()
    };
    assert_eq!(ids(ins.list_cases(city, &f).await.unwrap()), vec![b]);
    // The ward's inspector sees the ward's cases only; the other ward's inspector none of them.
    assert_eq!(
        ids(ins.list_cases(&w.inspector_a, &all).await.unwrap()),
        vec![b, a]
    );
    assert!(ins
        .list_cases(&w.inspector_b, &all)
        .await
        .unwrap()
        .is_empty());
    // A unit filter outside the reader's scope is not found.
    let f = CaseFilter {
        unit_id: Some(w.t.ward_a.id),
        ..Default::default()
    };
    assert!(is_not_found(ins.list_cases(&w.inspector_b, &f).await));
    // Roles outside the confidential ones list nothing.
    for p in [&w.secretary_a, &w.secretary_a1, &w.member_an] {
        assert!(ins.list_cases(p, &all).await.unwrap().is_empty(), "{p:?}");
        assert_eq!(ins.count_cases(p, &all).await.unwrap(), 0);
    }
}

on_every_backend!(db: lists_filter_by_kind_year_unit_and_directive);

async fn case_pages_are_confidential_and_every_read_is_audited(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let id = ward_case(db, &w, CaseKind::Inspection, d(2019, 3, 1)).await;
    // Nobody outside the confidential roles over the ward (or above) can tell the case exists.
    for p in [
        &w.secretary_a,
        &w.secretary_a1,
        &w.member_an,
        &w.inspector_b,
        &w.secretary_b,
        &principal(Role::Office, &w.t.ward_b, None),
        &principal(Role::Inspector, &w.t.cell_a1, None),
    ] {
        assert!(
            is_not_found(ins.case_detail(&actor(p), p, id).await),
            "{p:?}"
        );
        assert!(is_not_found(ins.case_detail(&actor(p), p, id + 1000).await));
    }
    // Readers: the ward's inspector and office, the city's inspector and admin.
    for p in [&w.inspector_a, &w.office_a, &w.city_inspector, &w.t.admin()] {
        let detail = ins.case_detail(&actor(p), p, id).await.unwrap();
        assert_eq!(detail.subjects.len(), 3);
        assert!(detail.can_manage, "{p:?}");
    }
    let (rows, n) = db
        .audit()
        .list_audit(
            &w.t.admin(),
            &AuditFilter {
                object_type: Some("inspection_case".into()),
                action: Some("read".into()),
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 4, "{rows:?}");
    assert!(rows.iter().all(|r| r.object_id == id.to_string()));
    let readers: Vec<&str> = rows.iter().map(|r| r.username.as_str()).collect();
    assert!(
        readers.contains(&w.office_a.username.as_str()),
        "{readers:?}"
    );
    // The read rows are on the ward's audit log.
    let (_, n) = db
        .audit()
        .list_audit(
            &w.office_a,
            &AuditFilter {
                object_type: Some("inspection_case".into()),
                action: Some("read".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 4);
}

on_every_backend!(db: case_pages_are_confidential_and_every_read_is_audited);

async fn conclusions_follow_the_rules(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let id = ward_case(db, &w, CaseKind::Inspection, d(2026, 9, 1)).await;
    let p = &w.inspector_a;
    let all_found = |concluded_on| ConclusionInput {
        concluded_on,
        conclusion: "Chi bộ thực hiện tốt; một số đảng viên còn hạn chế".into(),
        findings: vec![
            finding(SubjectRef::Unit(w.t.cell_a1.id), Finding::Shortcomings),
            FindingInput {
                manifestations: vec!["b3".into(), " A1 ".into(), "B3".into()],
                note: "Chưa gương mẫu".into(),
                remedies: vec![RemedyInput {
                    text: "Kiểm điểm trước chi bộ".into(),
                    due: d(2026, 12, 31),
                }],
                ..finding(SubjectRef::Member(w.an), Finding::Violation)
            },
            finding(SubjectRef::Member(w.binh), Finding::NoViolation),
        ],
    };
    // A finding for every subject.
    let mut missing = all_found(d(2026, 10, 15));
    missing.findings.pop();
    let msg = message(
        ins.conclude_case(&actor(p), p, id, &missing)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("còn thiếu: Lê Thị Bình"), "{msg}");
    // … and only for them.
    let mut extra = all_found(d(2026, 10, 15));
    extra
        .findings
        .push(finding(SubjectRef::Member(w.cuong), Finding::NoViolation));
    let msg = message(
        ins.conclude_case(&actor(p), p, id, &extra)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("không phải đối tượng"), "{msg}");
    // Manifestation codes A1–C9.
    let mut codes = all_found(d(2026, 10, 15));
    codes.findings[1].manifestations.push("D4".into());
    let msg = message(
        ins.conclude_case(&actor(p), p, id, &codes)
            .await
            .unwrap_err(),
    );
    assert!(msg.contains("Mã biểu hiện không hợp lệ: D4"), "{msg}");
    // A remedy is not due before the conclusion; the conclusion not before the decision.
    let mut early = all_found(d(2026, 10, 15));
    early.findings[1].remedies[0].due = d(2026, 10, 14);
    let msg = message(
        ins.conclude_case(&actor(p), p, id, &early)
            .await
            .unwrap_err(),
    );
    assert!(
        msg.contains("Hạn khắc phục không thể trước ngày kết luận"),
        "{msg}"
    );
    let msg = message(
        ins.conclude_case(&actor(p), p, id, &all_found(d(2026, 8, 1)))
            .await
            .unwrap_err(),
    );
    assert!(
        msg.contains("Ngày kết luận không thể trước ngày quyết định"),
        "{msg}"
    );
    // An inspector linked to An's record cannot conclude about An.
    let an_inspector = principal(Role::Inspector, &w.t.ward_a, Some(w.an));
    let msg = message(
        ins.conclude_case(
            &actor(&an_inspector),
            &an_inspector,
            id,
            &all_found(d(2026, 10, 15)),
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("chính mình"), "{msg}");
    // Readers who do not manage: forbidden; outsiders: not found.
    let reader = w.city_inspector.clone();
    let secretary = &w.secretary_a;
    assert!(is_not_found(
        ins.conclude_case(
            &actor(secretary),
            secretary,
            id,
            &all_found(d(2026, 10, 15))
        )
        .await
    ));
    // Nothing was written by the refused attempts.
    let detail = ins.case_detail(&actor(&reader), &reader, id).await.unwrap();
    assert_eq!(detail.case.concluded_on, None);
    assert!(detail.subjects.iter().all(|s| s.result.is_none()));
    // Concluded.
    let detail = ins
        .conclude_case(&actor(p), p, id, &all_found(d(2026, 10, 15)))
        .await
        .unwrap();
    assert_eq!(detail.case.concluded_on, Some(d(2026, 10, 15)));
    let an = detail
        .subjects
        .iter()
        .find(|s| s.member_id == Some(w.an))
        .unwrap();
    assert_eq!(an.result, Some(Finding::Violation));
    assert_eq!(an.manifestations, vec!["A1", "B3"]);
    assert_eq!(an.remedies.len(), 1);
    assert_eq!(an.remedies[0].state, RemedyState::Open);
    // A concluded case's data cannot be edited any more.
    let e = ins
        .update_case(
            &actor(p),
            p,
            id,
            &CaseInput {
                subject_units: vec![w.t.cell_a1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2026, 9, 1))
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    // Correcting the conclusion replaces the findings and remedies…
    let mut corrected = all_found(d(2026, 10, 20));
    corrected.findings[1].remedies = vec![
        RemedyInput {
            text: "Kiểm điểm trước chi bộ".into(),
            due: d(2026, 11, 30),
        },
        RemedyInput {
            text: "Báo cáo kết quả khắc phục".into(),
            due: d(2027, 1, 15),
        },
    ];
    let detail = ins
        .conclude_case(&actor(p), p, id, &corrected)
        .await
        .unwrap();
    let an = detail
        .subjects
        .iter()
        .find(|s| s.member_id == Some(w.an))
        .unwrap();
    assert_eq!(an.remedies.len(), 2);
    // … until a remedy is reported done.
    ins.report_remedy(
        &actor(p),
        p,
        an.remedies[0].id,
        d(2026, 11, 2),
        "Đã kiểm điểm",
    )
    .await
    .unwrap();
    let e = ins
        .conclude_case(&actor(p), p, id, &all_found(d(2026, 10, 20)))
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
}

on_every_backend!(db: conclusions_follow_the_rules);

async fn secretaries_see_concluded_findings_of_their_own_units(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let ins = db.inspections();
    let city = &w.city_inspector;
    // The city inspects cell P7-KP1, An and Cường; a second case (not concluded) on Bình.
    let id = ins
        .create_case(
            &actor(city),
            city,
            &CaseInput {
                subject_units: vec![w.t.cell_a1.id],
                subject_members: vec![w.an, w.cuong],
                ..case_input(CaseKind::Inspection, &w.t.root, d(2026, 9, 1))
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let open = ins
        .create_case(
            &actor(city),
            city,
            &CaseInput {
                subject_members: vec![w.binh],
                ..case_input(CaseKind::ViolationInspection, &w.t.root, d(2026, 9, 2))
            },
        )
        .await
        .unwrap()
        .case
        .id;
    // Before the conclusion a secretary sees nothing.
    assert!(ins
        .own_findings(&w.secretary_a, None)
        .await
        .unwrap()
        .is_empty());
    ins.conclude_case(
        &actor(city),
        city,
        id,
        &ConclusionInput {
            concluded_on: d(2026, 10, 1),
            conclusion: String::new(),
            findings: vec![
                FindingInput {
                    remedies: vec![
                        RemedyInput {
                            text: "Chấn chỉnh sinh hoạt chi bộ".into(),
                            due: d(2026, 11, 27),
                        },
                        RemedyInput {
                            text: "Bổ sung sổ ghi biên bản".into(),
                            due: d(2026, 12, 15),
                        },
                    ],
                    ..finding(SubjectRef::Unit(w.t.cell_a1.id), Finding::Shortcomings)
                },
                finding(SubjectRef::Member(w.an), Finding::NoViolation),
                FindingInput {
                    remedies: vec![RemedyInput {
                        text: "Khắc phục vi phạm".into(),
                        due: d(2026, 12, 1),
                    }],
                    ..finding(SubjectRef::Member(w.cuong), Finding::Violation)
                },
            ],
        },
    )
    .await
    .unwrap();
    let names = |v: &[store::OwnFinding]| {
        let mut n: Vec<String> = v.iter().map(|f| f.subject.name.clone()).collect();
        n.sort();
        n
    };
    // The ward P7 and cell secretaries see the findings about the cell and An — never Cường's, never
    // the unconcluded case.
    for p in [&w.secretary_a, &w.secretary_a1, &w.office_a] {
        let own = ins.own_findings(p, None).await.unwrap();
        assert_eq!(
            names(&own),
            vec!["Chi bộ Khu phố 1", "Nguyễn Văn An"],
            "{p:?}"
        );
        assert!(own.iter().all(|f| f.case_id == id && f.case_id != open));
        assert!(own.iter().all(|f| f.conducted_by == "Thành ủy Bến Tre"));
    }
    let own = ins.own_findings(&w.secretary_b, Some(2026)).await.unwrap();
    assert_eq!(names(&own), vec!["Phạm Văn Cường"]);
    assert!(ins
        .own_findings(&w.secretary_b, Some(2025))
        .await
        .unwrap()
        .is_empty());
    assert!(ins
        .own_findings(&w.member_an, None)
        .await
        .unwrap()
        .is_empty());
    // Inspectors: the findings of cases conducted in their scope (the ward's inspector: none here).
    assert_eq!(ins.own_findings(city, None).await.unwrap().len(), 3);
    assert!(ins
        .own_findings(&w.inspector_a, None)
        .await
        .unwrap()
        .is_empty());
    // The secretary still cannot open the case itself.
    assert!(is_not_found(
        ins.case_detail(&actor(&w.secretary_a), &w.secretary_a, id)
            .await
    ));

    // Remedy states on the store's clock (today 27/11/2026): due today is still open.
    let own = ins.own_findings(&w.secretary_a1, None).await.unwrap();
    let cell = own
        .iter()
        .find(|f| f.subject.unit_id == Some(w.t.cell_a1.id))
        .unwrap();
    let states = |f: &store::OwnFinding| {
        f.subject
            .remedies
            .iter()
            .map(|r| r.state)
            .collect::<Vec<_>>()
    };
    assert_eq!(states(cell), vec![RemedyState::Open, RemedyState::Open]);
    let first = cell.subject.remedies[0].id;
    env.clock.advance(Duration::days(1));
    let own = ins.own_findings(&w.secretary_a1, None).await.unwrap();
    let cell = own
        .iter()
        .find(|f| f.subject.unit_id == Some(w.t.cell_a1.id))
        .unwrap();
    assert_eq!(states(cell), vec![RemedyState::Overdue, RemedyState::Open]);
    // The cell's secretary reports it done; the other ward's secretary cannot even see it; a member
    // cannot report.
    assert!(is_not_found(
        ins.report_remedy(
            &actor(&w.secretary_b),
            &w.secretary_b,
            first,
            d(2026, 11, 28),
            ""
        )
        .await
    ));
    assert!(is_not_found(
        ins.report_remedy(
            &actor(&w.member_an),
            &w.member_an,
            first,
            d(2026, 11, 28),
            ""
        )
        .await
    ));
    let msg = message(
        ins.report_remedy(
            &actor(&w.secretary_a1),
            &w.secretary_a1,
            first,
            d(2026, 12, 5),
            "",
        )
        .await
        .unwrap_err(),
    );
    assert!(msg.contains("không thể sau hôm nay"), "{msg}");
    let done = ins
        .report_remedy(
            &actor(&w.secretary_a1),
            &w.secretary_a1,
            first,
            d(2026, 11, 28),
            "Đã họp chấn chỉnh",
        )
        .await
        .unwrap();
    assert_eq!(done.state, RemedyState::Done);
    env.clock.advance(Duration::days(30));
    let detail = ins.case_detail(&actor(city), city, id).await.unwrap();
    let cell = detail
        .subjects
        .iter()
        .find(|s| s.unit_id == Some(w.t.cell_a1.id))
        .unwrap();
    assert_eq!(
        cell.remedies.iter().map(|r| r.state).collect::<Vec<_>>(),
        vec![RemedyState::Done, RemedyState::Overdue]
    );
    assert_eq!(cell.remedies[0].done_note, "Đã họp chấn chỉnh");
}

on_every_backend!(env: secretaries_see_concluded_findings_of_their_own_units);

async fn documents_and_programmes(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let p = &w.inspector_a;
    let programme = ins
        .save_programme(
            &actor(p),
            p,
            None,
            &ProgrammeInput {
                unit_id: w.t.ward_a.id,
                year: 2019,
                body: Some(Body::Commission),
                title: "Chương trình kiểm tra, giám sát năm 2019".into(),
                content: "Kiểm tra 2 chi bộ".into(),
                decision_number: "01-CTr/UBKT".into(),
                decided_on: Some(d(2019, 1, 10)),
            },
        )
        .await
        .unwrap();
    // One programme per unit, year and body.
    let e = ins
        .save_programme(
            &actor(p),
            p,
            None,
            &ProgrammeInput {
                unit_id: w.t.ward_a.id,
                year: 2019,
                body: Some(Body::Commission),
                title: "Lần hai".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("đã có chương trình"));
    let id = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                programme_id: Some(programme.id),
                subject_units: vec![w.t.cell_a1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let listed = ins.list_programmes(p, None, Some(2019)).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].cases, 1);
    assert!(ins
        .list_programmes(&w.inspector_b, None, None)
        .await
        .unwrap()
        .is_empty());
    assert!(ins
        .list_programmes(&w.secretary_a, None, None)
        .await
        .unwrap()
        .is_empty());
    // Another ward's programme cannot be used.
    let other = ins
        .save_programme(
            &actor(&w.inspector_b),
            &w.inspector_b,
            None,
            &ProgrammeInput {
                unit_id: w.t.ward_b.id,
                year: 2019,
                title: "Chương trình P8".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let e = ins
        .create_case(
            &actor(p),
            p,
            &CaseInput {
                programme_id: Some(other.id),
                subject_units: vec![w.t.cell_a1.id],
                ..case_input(CaseKind::Inspection, &w.t.ward_a, d(2019, 3, 1))
            },
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("programme_id"));

    // Documents: typed by content, readable by the case's readers only.
    let e = ins
        .add_case_document(&actor(p), p, id, "quyet-dinh.pdf", b"MZ\x90\x00")
        .await
        .unwrap_err();
    assert_eq!(invalid(e)[0].field, "file");
    let doc = ins
        .add_case_document(
            &actor(p),
            p,
            id,
            "../quyet-dinh.pdf",
            b"%PDF-1.7 quyet dinh",
        )
        .await
        .unwrap();
    assert_eq!(doc.filename, "quyet-dinh.pdf");
    assert_eq!(doc.content_type, "application/pdf");
    let (info, bytes) = ins
        .case_document(&w.city_inspector, id, doc.id)
        .await
        .unwrap();
    assert_eq!(info.id, doc.id);
    assert_eq!(bytes, b"%PDF-1.7 quyet dinh");
    for q in [&w.secretary_a, &w.inspector_b, &w.member_an] {
        assert!(is_not_found(ins.case_document(q, id, doc.id).await));
        assert!(is_not_found(
            ins.add_case_document(&actor(q), q, id, "a.pdf", b"%PDF-1.7")
                .await
        ));
    }
    let detail = ins.case_detail(&actor(p), p, id).await.unwrap();
    assert_eq!(detail.documents.len(), 1);
}

on_every_backend!(db: documents_and_programmes);

async fn summary_counts_pairs_and_distinct_subjects(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let ins = db.inspections();
    // Ward P7 inspects the cell, An and Bình twice in the period; the city supervises ward P8 and Cường
    // once; one case before the period.
    ward_case(db, &w, CaseKind::Inspection, d(2017, 3, 1)).await;
    ward_case(db, &w, CaseKind::Inspection, d(2018, 3, 1)).await;
    ward_case(db, &w, CaseKind::Inspection, d(2015, 3, 1)).await;
    let city = &w.city_inspector;
    ins.create_case(
        &actor(city),
        city,
        &CaseInput {
            subject_units: vec![w.t.ward_b.id],
            subject_members: vec![w.cuong],
            ..case_input(CaseKind::ThematicSupervision, &w.t.root, d(2019, 5, 5))
        },
    )
    .await
    .unwrap();
    // Discipline in the period: two in force on members, one on a unit, one annulled, one out of period.
    let mut conn = env.raw().await;
    for (member, unit, form, in_force, on) in [
        (Some(w.an), None, "warning", Some("warning"), "2018-06-01"),
        (
            Some(w.binh),
            None,
            "expulsion",
            Some("reprimand"),
            "2018-07-01",
        ),
        (
            None,
            Some(w.t.cell_a1.id),
            "reprimand",
            Some("reprimand"),
            "2018-08-01",
        ),
        (Some(w.an), None, "reprimand", None, "2018-09-01"),
        (
            Some(w.an),
            None,
            "reprimand",
            Some("reprimand"),
            "2021-01-01",
        ),
    ] {
        sqlx::query(
            "INSERT INTO disciplines (member_id, unit_id, subject_path, form, form_in_force, state, decided_by, \
             decided_path, body, decision_number, decided_on, reason, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'in_force', $6, $7, 'commission', '1-QĐ', $8, 'Vi phạm', 'test', 'x')",
        )
        .bind(member)
        .bind(unit)
        .bind(w.t.cell_a1.path.clone())
        .bind(form)
        .bind(in_force)
        .bind(w.t.ward_a.id)
        .bind(w.t.ward_a.path.clone())
        .bind(on)
        .execute(&mut conn)
        .await
        .unwrap();
    }
    let from = d(2016, 6, 21);
    let to = d(2020, 5, 20);
    let s = ins.summary(city, w.t.root.id, from, to).await.unwrap();
    assert_eq!(s.by_kind.len(), CaseKind::ALL.len());
    let insp = s.by_kind[&CaseKind::Inspection];
    assert_eq!(insp.cases, 2);
    assert_eq!((insp.units, insp.distinct_units), (2, 1));
    assert_eq!((insp.members, insp.distinct_members), (4, 2));
    let them = s.by_kind[&CaseKind::ThematicSupervision];
    assert_eq!((them.cases, them.units, them.members), (1, 1, 1));
    assert_eq!(s.by_kind[&CaseKind::Denunciation].cases, 0);
    assert_eq!(s.discipline_members[&DisciplineForm::Warning], 1);
    assert_eq!(s.discipline_members[&DisciplineForm::Reprimand], 1);
    assert_eq!(s.discipline_members[&DisciplineForm::Expulsion], 0);
    assert_eq!(s.discipline_units[&DisciplineForm::Reprimand], 1);
    assert_eq!(s.discipline_units[&DisciplineForm::Dissolution], 0);
    // The ward P8 subtree: only the city's case is not conducted there.
    let s = ins
        .summary(&w.inspector_b, w.t.ward_b.id, from, to)
        .await
        .unwrap();
    assert!(s.by_kind.values().all(|k| k.cases == 0));
    // Scope: the other ward's units and the city are not found; secretaries never see figures.
    assert!(is_not_found(
        ins.summary(&w.inspector_b, w.t.ward_a.id, from, to).await
    ));
    assert!(is_not_found(
        ins.summary(&w.inspector_a, w.t.root.id, from, to).await
    ));
    assert!(is_not_found(
        ins.summary(&w.secretary_a, w.t.ward_a.id, from, to).await
    ));
}

on_every_backend!(env: summary_counts_pairs_and_distinct_subjects);

async fn cases_follow_a_moved_unit(db: &Db) {
    let w = world(db).await;
    let ins = db.inspections();
    let admin = w.t.admin();
    // Ward P7 inspects cell P7-KP1 and An; the cell's own inspector body supervises Bình.
    let ward = ward_case(db, &w, CaseKind::Inspection, d(2026, 9, 1)).await;
    let cell_inspector = principal(Role::Inspector, &w.t.cell_a1, None);
    let own = ins
        .create_case(
            &actor(&cell_inspector),
            &cell_inspector,
            &CaseInput {
                subject_members: vec![w.binh],
                ..case_input(CaseKind::RegularSupervision, &w.t.cell_a1, d(2026, 9, 2))
            },
        )
        .await
        .unwrap()
        .case
        .id;
    let p = &w.inspector_a;
    ins.conclude_case(
        &actor(p),
        p,
        ward,
        &ConclusionInput {
            concluded_on: d(2026, 10, 1),
            conclusion: String::new(),
            findings: vec![
                finding(SubjectRef::Unit(w.t.cell_a1.id), Finding::NoViolation),
                finding(SubjectRef::Member(w.an), Finding::NoViolation),
                finding(SubjectRef::Member(w.binh), Finding::NoViolation),
            ],
        },
    )
    .await
    .unwrap();
    // The cell moves to ward P8.
    db.units()
        .move_unit(
            &cli(),
            &admin,
            w.t.cell_a1.id,
            w.t.ward_b.id,
            d(2026, 11, 1),
        )
        .await
        .unwrap();
    let ids = |v: Vec<store::Case>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    let all = CaseFilter::default();
    // The cell's own case is now inside ward P8's scope; ward P7's case stays with ward P7.
    assert_eq!(
        ids(ins.list_cases(&w.inspector_b, &all).await.unwrap()),
        vec![own]
    );
    assert_eq!(
        ids(ins.list_cases(&w.inspector_a, &all).await.unwrap()),
        vec![ward]
    );
    let moved_cell = db.units().unit(&admin, w.t.cell_a1.id).await.unwrap();
    let moved_inspector = principal(Role::Inspector, &moved_cell, None);
    assert!(ins
        .case_detail(&actor(&moved_inspector), &moved_inspector, own)
        .await
        .is_ok());
    // The findings about the cell and its members follow it to ward P8's secretary.
    let names = |v: Vec<store::OwnFinding>| {
        let mut n: Vec<String> = v.into_iter().map(|f| f.subject.name).collect();
        n.sort();
        n
    };
    assert_eq!(
        names(ins.own_findings(&w.secretary_b, None).await.unwrap()),
        vec!["Chi bộ Khu phố 1", "Lê Thị Bình", "Nguyễn Văn An"]
    );
    assert!(ins
        .own_findings(&w.secretary_a, None)
        .await
        .unwrap()
        .is_empty());
    // The figures of ward P8 count the cell's case now.
    let s = ins
        .summary(
            &w.inspector_b,
            w.t.ward_b.id,
            d(2026, 1, 1),
            d(2026, 12, 31),
        )
        .await
        .unwrap();
    assert_eq!(s.by_kind[&CaseKind::RegularSupervision].cases, 1);
    assert_eq!(s.by_kind[&CaseKind::Inspection].cases, 0);
}

on_every_backend!(db: cases_follow_a_moved_unit);
