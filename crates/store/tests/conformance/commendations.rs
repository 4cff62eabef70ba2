//! Commendations (docs/DOMAIN.md § Commendations) on both backends: decisions naming members, units,
//! models and registrations; proposals by a ward secretary decided or declined by the city's office; scope
//! (another ward sees nothing, a member account only what names itself); "được biểu dương" of a model
//! following the decisions that name it; the summary by kind and level over a subtree and period; the
//! portal's decided-only lists; commendations following a unit that moves.

use crate::common::*;
use domain::commendation::{CommendationKind, CommendationLevel, CommendationState};
use domain::models::ModelStatus;
use domain::policy::Principal;
use domain::Role;
use store::{
    Actor, Commendation, CommendationFilter, CommendationInput, Db, FieldError, ItemInput,
    ModelInput, StoreError,
};

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

fn ids(v: &[Commendation]) -> Vec<i64> {
    v.iter().map(|c| c.id).collect()
}

/// A decision of `issuer` (number and day given).
fn decision(issuer: &str, kind: CommendationKind, on: chrono::NaiveDate) -> CommendationInput {
    CommendationInput {
        kind: Some(kind),
        issuer_code: issuer.into(),
        decision_number: format!("{}-QĐ/{issuer}", on.format("%j")),
        decided_on: Some(on),
        reason: "Có thành tích xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
            .into(),
        ..Default::default()
    }
}

/// A proposal to `issuer` (no number, no day).
fn proposal(issuer: &str, kind: CommendationKind) -> CommendationInput {
    CommendationInput {
        kind: Some(kind),
        issuer_code: issuer.into(),
        reason: "Điển hình trong vận động nhân dân hiến đất mở đường".into(),
        ..Default::default()
    }
}

/// The tree, members An and Bình in P7-KP1 and Cường in P8-KP1, and the principals.
struct World {
    t: Tree,
    an: i64,
    binh: i64,
    cuong: i64,
    /// The city's office (Thành ủy), which records the city's decisions.
    city_office: Principal,
    secretary_a: Principal,
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
        city_office: principal(Role::Office, &t.root, None),
        secretary_a: principal(Role::Secretary, &t.ward_a, None),
        secretary_b: principal(Role::Secretary, &t.ward_b, None),
        member_an: principal(Role::Member, &t.cell_a1, Some(an)),
        t,
        an,
        binh,
        cuong,
    }
}

async fn model(db: &Db, unit: &str, name: &str) -> i64 {
    db.models()
        .create_model(
            &cli(),
            None,
            &ModelInput::new(unit, name, "Dân vận", d(2017, 3, 1)),
        )
        .await
        .unwrap()
        .id
}

async fn status(db: &Db, model_id: i64) -> ModelStatus {
    db.models().model_unscoped(model_id).await.unwrap().status
}

pub async fn decisions_round_trip_and_drive_model_status(db: &Db) {
    let w = world(db).await;
    let office = &w.city_office;
    let roads = model(db, "P7", "Hiến đất mở đường").await;
    let savings = model(db, "P7-KP1", "Heo đất tiết kiệm").await;
    // The savings model spread to another cell: its adoption-driven status is "nhân rộng".
    db.models()
        .adopt_model(&cli(), None, savings, "P7-KP2", Some(d(2018, 1, 1)), "")
        .await
        .unwrap();
    assert_eq!(status(db, savings).await, ModelStatus::Replicated);
    let reg = db
        .registrations()
        .create_registration(
            &cli(),
            &w.t.admin(),
            w.an,
            2019,
            &[ItemInput::new(
                "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1",
                "Công tác dân vận",
                "15 hộ",
                Some(d(2019, 11, 30)),
            )],
        )
        .await
        .unwrap()
        .id;

    // A decision naming members (one twice), a unit (twice), two models and a registration.
    let input = CommendationInput {
        member_ids: vec![w.an, w.binh, w.an],
        unit_codes: vec!["P7-KP1".into(), " P7-KP1 ".into()],
        model_ids: vec![roads, savings],
        registration_ids: vec![reg],
        ..decision("TU", CommendationKind::Certificate, d(2019, 5, 19))
    };
    let c = db
        .commendations()
        .create(office, &actor(office), &input)
        .await
        .unwrap();
    let c = db.commendations().get(office, c.id).await.unwrap();
    assert_eq!(c.state, CommendationState::Decided);
    assert_eq!(c.kind, CommendationKind::Certificate);
    assert_eq!(c.heading, "Giấy khen");
    assert_eq!(
        c.level,
        CommendationLevel::District,
        "the city committee's own level"
    );
    assert_eq!(c.issuer.code, "TU");
    assert_eq!(c.decided_on, Some(d(2019, 5, 19)));
    assert_eq!(c.proposed_by, None);
    let names: Vec<&str> = c.members.iter().map(|m| m.full_name.as_str()).collect();
    assert_eq!(
        names,
        ["Nguyễn Văn An", "Lê Thị Bình"],
        "by given name, once each"
    );
    assert!(c.members.iter().all(|m| m.unit.code == "P7-KP1"));
    assert_eq!(
        c.units.iter().map(|u| u.code.as_str()).collect::<Vec<_>>(),
        ["P7-KP1"]
    );
    let mut models: Vec<i64> = c.models.iter().map(|m| m.id).collect();
    models.sort();
    assert_eq!(models, [roads, savings]);
    assert_eq!(c.registrations.len(), 1);
    assert_eq!(
        (
            c.registrations[0].id,
            c.registrations[0].year,
            c.registrations[0].member_name.as_str()
        ),
        (reg, 2019, "Nguyễn Văn An")
    );
    // Both models are now "được biểu dương", and their pages list the decision.
    assert_eq!(status(db, roads).await, ModelStatus::Commended);
    assert_eq!(status(db, savings).await, ModelStatus::Commended);
    assert_eq!(
        ids(&db
            .commendations()
            .of_model(&w.secretary_a, roads)
            .await
            .unwrap()),
        [c.id]
    );
    assert_eq!(
        ids(&db
            .commendations()
            .of_member(&w.secretary_a, w.binh)
            .await
            .unwrap()),
        [c.id]
    );
    // An edit of a commended model re-sends its status and keeps it; asking for another keeps it too.
    let m = db.models().model_unscoped(roads).await.unwrap();
    let mut edit = ModelInput::from_model(&m);
    edit.participants = "Ban công tác Mặt trận khu phố".into();
    let edited = db
        .models()
        .update_model(&actor(&w.secretary_a), &w.secretary_a, roads, &edit)
        .await
        .unwrap();
    assert_eq!(edited.status, ModelStatus::Commended);
    edit.status = ModelStatus::InProgress;
    let edited = db
        .models()
        .update_model(&actor(&w.secretary_a), &w.secretary_a, roads, &edit)
        .await
        .unwrap();
    assert_eq!(edited.status, ModelStatus::Commended, "a decision names it");
    // Nobody sets "commended" by hand on a model without a decision.
    let plain = model(db, "P7-KP2", "Tủ sách khu phố").await;
    let mut by_hand = ModelInput::from_model(&db.models().model_unscoped(plain).await.unwrap());
    by_hand.status = ModelStatus::Commended;
    assert_eq!(
        fields(
            db.models()
                .update_model(&actor(&w.secretary_a), &w.secretary_a, plain, &by_hand)
                .await
                .unwrap_err()
        ),
        ["status"]
    );

    // Unknown ids and codes are refused on their fields, all at once; nothing is written.
    let bad = CommendationInput {
        member_ids: vec![999_999],
        unit_codes: vec!["KHONG-CO".into()],
        model_ids: vec![888_888],
        registration_ids: vec![777_777],
        ..decision("TU", CommendationKind::Merit, d(2019, 6, 1))
    };
    let mut got = fields(
        db.commendations()
            .create(office, &actor(office), &bad)
            .await
            .unwrap_err(),
    );
    got.sort();
    assert_eq!(
        got,
        [
            "model_ids",
            "recipients.member_ids",
            "recipients.unit_codes",
            "registration_ids"
        ]
    );
    // A title needs its name, a kind must be chosen, a decision is never dated in the future, and a
    // recipient outside the issuer's subtree is refused.
    let title = CommendationInput {
        member_ids: vec![w.an],
        ..decision("TU", CommendationKind::Title, d(2019, 6, 1))
    };
    assert_eq!(
        fields(
            db.commendations()
                .create(office, &actor(office), &title)
                .await
                .unwrap_err()
        ),
        ["label"]
    );
    let no_kind = CommendationInput {
        kind: None,
        member_ids: vec![w.an],
        decided_on: Some(d(2027, 1, 1)),
        ..decision("TU", CommendationKind::Merit, d(2019, 6, 1))
    };
    let mut got = fields(
        db.commendations()
            .create(office, &actor(office), &no_kind)
            .await
            .unwrap_err(),
    );
    got.sort();
    assert_eq!(got, ["decided_on", "kind"]);
    let outside = CommendationInput {
        member_ids: vec![w.cuong],
        ..decision("P7", CommendationKind::Certificate, d(2019, 6, 1))
    };
    let e = invalid(
        db.commendations()
            .create(office, &actor(office), &outside)
            .await
            .unwrap_err(),
    );
    assert_eq!(e[0].field, "recipients.member_ids");
    assert!(
        e[0].message
            .contains("Phạm Văn Cường không thuộc Đảng bộ Phường 7"),
        "{e:?}"
    );
    let (_, total) = db
        .commendations()
        .list(office, &CommendationFilter::default())
        .await
        .unwrap();
    assert_eq!(total, 1, "refused commendations leave nothing behind");

    // A second decision names the roads model; deleting the first keeps roads commended (the second
    // still names it) and brings savings back to its adoption-driven status.
    let second = db
        .commendations()
        .create(
            office,
            &actor(office),
            &CommendationInput {
                unit_codes: vec!["P7".into()],
                model_ids: vec![roads],
                ..decision("TU", CommendationKind::Merit, d(2020, 1, 10))
            },
        )
        .await
        .unwrap();
    // A ward secretary deletes no city decision.
    assert!(matches!(
        db.commendations()
            .delete(&w.secretary_a, &actor(&w.secretary_a), c.id)
            .await,
        Err(StoreError::Forbidden)
    ));
    db.commendations()
        .delete(office, &actor(office), c.id)
        .await
        .unwrap();
    assert_eq!(status(db, roads).await, ModelStatus::Commended);
    assert_eq!(status(db, savings).await, ModelStatus::Replicated);
    assert!(matches!(
        db.commendations().get(office, c.id).await,
        Err(StoreError::NotFound)
    ));
    db.commendations()
        .delete(office, &actor(office), second.id)
        .await
        .unwrap();
    assert_eq!(
        status(db, roads).await,
        ModelStatus::InProgress,
        "no adoption: back to đang triển khai"
    );
}

pub async fn proposals_are_scoped_and_decided_by_the_city_office(db: &Db) {
    let w = world(db).await;
    let (sec_a, sec_b, office) = (&w.secretary_a, &w.secretary_b, &w.city_office);
    let roads = model(db, "P7", "Hiến đất mở đường").await;
    let lights = model(db, "P7-KP2", "Thắp sáng đường quê").await;
    // A ward secretary proposes to the city a commendation of two members of the ward and its model.
    let p = db
        .commendations()
        .create(
            sec_a,
            &actor(sec_a),
            &CommendationInput {
                member_ids: vec![w.an, w.binh],
                model_ids: vec![roads],
                ..proposal("TU", CommendationKind::Certificate)
            },
        )
        .await
        .unwrap();
    assert_eq!(p.state, CommendationState::Proposed);
    assert_eq!(p.proposed_by.as_deref(), Some(sec_a.username.as_str()));
    assert_eq!(
        p.proposed_unit.as_ref().map(|u| u.code.as_str()),
        Some("P7")
    );
    assert_eq!(p.proposed_on, Some(today()));
    assert_eq!(p.decided_on, None);
    assert_eq!(
        status(db, roads).await,
        ModelStatus::InProgress,
        "a proposal commends nothing"
    );
    // Visible to the ward and to the city's office, listed as a proposal; invisible to the other ward.
    let proposed = CommendationFilter {
        state: Some(CommendationState::Proposed),
        ..Default::default()
    };
    for who in [sec_a, office] {
        assert!(db.commendations().get(who, p.id).await.is_ok());
        let (list, total) = db.commendations().list(who, &proposed).await.unwrap();
        assert_eq!((ids(&list), total), (vec![p.id], 1), "{}", who.username);
    }
    assert!(matches!(
        db.commendations().get(sec_b, p.id).await,
        Err(StoreError::NotFound)
    ));
    let (list, total) = db
        .commendations()
        .list(sec_b, &CommendationFilter::default())
        .await
        .unwrap();
    assert!(list.is_empty() && total == 0, "{list:?}");
    // Another ward's member: refused as a field error (422), the same answer as for an unknown id, because
    // the secretary may not even learn that the member exists outside the ward.
    let e = db
        .commendations()
        .create(
            sec_a,
            &actor(sec_a),
            &CommendationInput {
                member_ids: vec![w.cuong],
                ..proposal("TU", CommendationKind::Certificate)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["recipients.member_ids"]);
    // A secretary records no decision and decides no proposal: that is the issuing level's office.
    assert!(matches!(
        db.commendations()
            .create(
                sec_a,
                &actor(sec_a),
                &CommendationInput {
                    member_ids: vec![w.an],
                    ..decision("P7", CommendationKind::Certificate, d(2019, 5, 19))
                },
            )
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.commendations()
            .decide(
                sec_a,
                &actor(sec_a),
                p.id,
                "125-QĐ/TU",
                Some(d(2026, 11, 1)),
                None
            )
            .await,
        Err(StoreError::Forbidden)
    ));
    // The city's office decides: the decision day is not before the proposal.
    let e = db
        .commendations()
        .decide(office, &actor(office), p.id, "", Some(d(2026, 1, 1)), None)
        .await
        .unwrap_err();
    let mut got = fields(e);
    got.sort();
    assert_eq!(got, ["decided_on", "decision_number"]);
    let decided = db
        .commendations()
        .decide(
            office,
            &actor(office),
            p.id,
            "125-QĐ/TU",
            Some(today()),
            None,
        )
        .await
        .unwrap();
    assert_eq!(decided.state, CommendationState::Decided);
    assert_eq!(decided.decision_number, "125-QĐ/TU");
    assert_eq!(
        decided.proposed_by.as_deref(),
        Some(sec_a.username.as_str())
    );
    assert_eq!(status(db, roads).await, ModelStatus::Commended);
    assert!(matches!(
        db.commendations()
            .decide(
                office,
                &actor(office),
                p.id,
                "126-QĐ/TU",
                Some(today()),
                None
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
    // A proposal declined leaves its model's status as it was ("nhân rộng" set by hand here).
    let m = db.models().model_unscoped(lights).await.unwrap();
    let mut edit = ModelInput::from_model(&m);
    edit.status = ModelStatus::Replicated;
    db.models()
        .update_model(&actor(sec_a), sec_a, lights, &edit)
        .await
        .unwrap();
    let q = db
        .commendations()
        .create(
            sec_a,
            &actor(sec_a),
            &CommendationInput {
                unit_codes: vec!["P7-KP2".into()],
                model_ids: vec![lights],
                ..proposal("TU", CommendationKind::Praise)
            },
        )
        .await
        .unwrap();
    let declined = db
        .commendations()
        .decline(office, &actor(office), q.id, "Chưa đủ thời gian nhân rộng")
        .await
        .unwrap();
    assert_eq!(declined.state, CommendationState::Declined);
    assert_eq!(declined.decline_note, "Chưa đủ thời gian nhân rộng");
    assert_eq!(status(db, lights).await, ModelStatus::Replicated);
    // The proposer may delete its own proposal; nobody else in another ward sees it to try.
    assert!(matches!(
        db.commendations().delete(sec_b, &actor(sec_b), q.id).await,
        Err(StoreError::NotFound)
    ));
    db.commendations()
        .delete(sec_a, &actor(sec_a), q.id)
        .await
        .unwrap();
    assert_eq!(status(db, lights).await, ModelStatus::Replicated);
}

pub async fn summary_member_view_and_portal(db: &Db) {
    let w = world(db).await;
    let (sec_a, office) = (&w.secretary_a, &w.city_office);
    let ward_office = principal(Role::Office, &w.t.ward_a, None);
    let roads = model(db, "P7", "Hiến đất mở đường").await;
    let lights = model(db, "P7-KP2", "Thắp sáng đường quê").await;
    let create = async |who: &Principal, input: CommendationInput| {
        db.commendations()
            .create(who, &actor(who), &input)
            .await
            .unwrap_or_else(|e| panic!("create: {e:?}"))
            .id
    };
    // 2019, in ward P7: the city's giấy khen to An, Bình (and Cường of P8) and cell P7-KP1; a provincial
    // bằng khen recorded by the city for ward P7; the ward's title for cell P7-KP1.
    let a = create(
        office,
        CommendationInput {
            member_ids: vec![w.an, w.binh, w.cuong],
            unit_codes: vec!["P7-KP1".into()],
            model_ids: vec![roads],
            ..decision("TU", CommendationKind::Certificate, d(2019, 5, 19))
        },
    )
    .await;
    let b = create(
        office,
        CommendationInput {
            level: Some(CommendationLevel::Province),
            issuer_name: "Tỉnh ủy Bến Tre".into(),
            unit_codes: vec!["P7".into()],
            ..decision("TU", CommendationKind::Merit, d(2019, 9, 2))
        },
    )
    .await;
    let c = create(
        &ward_office,
        CommendationInput {
            label: "Chi bộ trong sạch vững mạnh".into(),
            unit_codes: vec!["P7-KP1".into()],
            ..decision("P7", CommendationKind::Title, d(2019, 12, 20))
        },
    )
    .await;
    // Not counted for P7 in 2019: a decision of 2018, and one naming only a cell of ward P8.
    let d18 = create(
        office,
        CommendationInput {
            member_ids: vec![w.an],
            ..decision("TU", CommendationKind::Certificate, d(2018, 5, 19))
        },
    )
    .await;
    let e = create(
        office,
        CommendationInput {
            unit_codes: vec!["P8-KP1".into()],
            ..decision("TU", CommendationKind::Praise, d(2019, 6, 1))
        },
    )
    .await;
    // Waiting: the ward secretary's proposal for Bình, cell P7-KP2 and the lights model.
    let f = create(
        sec_a,
        CommendationInput {
            member_ids: vec![w.binh],
            unit_codes: vec!["P7-KP2".into()],
            model_ids: vec![lights],
            ..proposal("TU", CommendationKind::Merit)
        },
    )
    .await;

    let s = db
        .commendations()
        .summary(sec_a, "P7", d(2019, 1, 1), d(2019, 12, 31))
        .await
        .unwrap();
    assert_eq!(s.unit.code, "P7");
    assert_eq!(
        (s.total.decisions, s.total.members, s.total.units),
        (3, 2, 3),
        "Cường (P8) is not counted"
    );
    let kinds: Vec<(CommendationKind, i64, i64, i64)> = s
        .by_kind
        .iter()
        .map(|l| (l.kind, l.counts.decisions, l.counts.members, l.counts.units))
        .collect();
    assert_eq!(
        kinds,
        [
            (CommendationKind::Praise, 0, 0, 0),
            (CommendationKind::Certificate, 1, 2, 1),
            (CommendationKind::Merit, 1, 0, 1),
            (CommendationKind::EmulationFlag, 0, 0, 0),
            (CommendationKind::Title, 1, 0, 1),
            (CommendationKind::Other, 0, 0, 0),
        ]
    );
    let levels: Vec<(CommendationLevel, i64)> = s
        .by_level
        .iter()
        .map(|l| (l.level, l.counts.decisions))
        .collect();
    assert_eq!(
        levels,
        [
            (CommendationLevel::Central, 0),
            (CommendationLevel::Province, 1),
            (CommendationLevel::District, 1),
            (CommendationLevel::Grassroots, 1),
            (CommendationLevel::Cell, 0),
        ]
    );
    assert_eq!(s.pending_proposals, 1);
    let city = db
        .commendations()
        .summary(office, "TU", d(2019, 1, 1), d(2019, 12, 31))
        .await
        .unwrap();
    assert_eq!(
        (city.total.decisions, city.total.members, city.total.units),
        (4, 3, 4)
    );
    let y2018 = db
        .commendations()
        .summary(sec_a, "P7", d(2018, 1, 1), d(2018, 12, 31))
        .await
        .unwrap();
    assert_eq!((y2018.total.decisions, y2018.total.members), (1, 1));
    assert!(matches!(
        db.commendations()
            .summary(&w.secretary_b, "P7", d(2019, 1, 1), d(2019, 12, 31))
            .await,
        Err(StoreError::NotFound)
    ));

    // Lists by year, kind and text; the other ward sees only what names its own people.
    let (l, total) = db
        .commendations()
        .list(
            sec_a,
            &CommendationFilter {
                year: Some(2019),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (ids(&l), total),
        (vec![c, b, a], 3),
        "not the one naming only P8's cell"
    );
    let (l, _) = db
        .commendations()
        .list(
            sec_a,
            &CommendationFilter {
                q: Some("trong sach vung manh".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(ids(&l), [c]);
    let (l, _) = db
        .commendations()
        .list(&w.secretary_b, &CommendationFilter::default())
        .await
        .unwrap();
    assert_eq!(ids(&l), [e, a], "naming P8-KP1 or Cường");

    // A member account sees only the commendations naming itself.
    let (l, total) = db
        .commendations()
        .list(&w.member_an, &CommendationFilter::default())
        .await
        .unwrap();
    assert_eq!((ids(&l), total), (vec![a, d18], 2));
    assert!(matches!(
        db.commendations().get(&w.member_an, c).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.commendations().of_member(&w.member_an, w.binh).await,
        Err(StoreError::NotFound)
    ));

    // The portal: decided ones only, with the issuing body's name.
    let public_ids =
        |v: Vec<store::PublicCommendation>| v.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(
        public_ids(
            db.commendations()
                .public_of_unit(w.t.cell_a1.id)
                .await
                .unwrap()
        ),
        [c, a]
    );
    assert!(db
        .commendations()
        .public_of_unit(w.t.cell_a2.id)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(&db
            .commendations()
            .of_unit(sec_a, w.t.cell_a2.id)
            .await
            .unwrap()),
        [f],
        "the office sees the proposal"
    );
    assert_eq!(
        public_ids(db.commendations().public_of_member(w.binh).await.unwrap()),
        [a]
    );
    assert_eq!(
        public_ids(db.commendations().public_of_model(roads).await.unwrap()),
        [a]
    );
    assert!(db
        .commendations()
        .public_of_model(lights)
        .await
        .unwrap()
        .is_empty());
    let ward = db
        .commendations()
        .public_of_unit(w.t.ward_a.id)
        .await
        .unwrap();
    assert_eq!(ward.len(), 1);
    assert_eq!(ward[0].issuer, "Tỉnh ủy Bến Tre");
    assert_eq!(ward[0].level, CommendationLevel::Province);
    assert_eq!(ward[0].decided_on, d(2019, 9, 2));
}

pub async fn commendations_follow_a_moved_unit(db: &Db) {
    let w = world(db).await;
    let office = &w.city_office;
    let ward_office = principal(Role::Office, &w.t.ward_a, None);
    let own = db
        .commendations()
        .create(
            &ward_office,
            &actor(&ward_office),
            &CommendationInput {
                member_ids: vec![w.an],
                unit_codes: vec!["P7-KP1".into()],
                ..decision("P7", CommendationKind::Certificate, d(2019, 5, 19))
            },
        )
        .await
        .unwrap()
        .id;
    let city = db
        .commendations()
        .create(
            office,
            &actor(office),
            &CommendationInput {
                unit_codes: vec!["P7-KP1".into()],
                ..decision("TU", CommendationKind::Merit, d(2019, 9, 2))
            },
        )
        .await
        .unwrap()
        .id;
    assert!(db
        .commendations()
        .list(&w.secretary_b, &CommendationFilter::default())
        .await
        .unwrap()
        .0
        .is_empty());
    // Cell P7-KP1 moves to ward P8.
    db.units()
        .move_unit(
            &cli(),
            &w.t.admin(),
            w.t.cell_a1.id,
            w.t.ward_b.id,
            d(2026, 11, 1),
        )
        .await
        .unwrap();
    let (l, _) = db
        .commendations()
        .list(&w.secretary_b, &CommendationFilter::default())
        .await
        .unwrap();
    assert_eq!(
        ids(&l),
        [city, own],
        "the cell's commendations follow it to ward P8"
    );
    assert_eq!(
        ids(&db
            .commendations()
            .of_unit(&w.secretary_b, w.t.cell_a1.id)
            .await
            .unwrap()),
        [city, own]
    );
    assert!(db.commendations().get(&w.secretary_b, own).await.is_ok());
    // Ward P7 keeps the decision it issued, not the city's about a cell it no longer has.
    let (l, _) = db
        .commendations()
        .list(&w.secretary_a, &CommendationFilter::default())
        .await
        .unwrap();
    assert_eq!(ids(&l), [own]);
    let s = db
        .commendations()
        .summary(&w.secretary_b, "P8", d(2019, 1, 1), d(2019, 12, 31))
        .await
        .unwrap();
    assert_eq!(
        (s.total.decisions, s.total.members, s.total.units),
        (2, 1, 2)
    );
}

on_every_backend!(db: decisions_round_trip_and_drive_model_status);
on_every_backend!(db: proposals_are_scoped_and_decided_by_the_city_office);
on_every_backend!(db: summary_member_view_and_portal);
on_every_backend!(db: commendations_follow_a_moved_unit);
