//! The unit tree: scoped reads (with path look-alikes such as /1/7/ and /1/70/), moves that keep the
//! parent history and carry the subtree along, closing only once members have been transferred.

use crate::common::*;
use domain::{Role, Unit, UnitType};
use sqlx::Row;
use std::collections::BTreeSet;
use store::{AuditFilter, Db, StoreError};

fn codes(units: &[Unit]) -> BTreeSet<String> {
    units.iter().map(|u| u.code.clone()).collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn field_messages(e: &StoreError) -> Vec<(String, String)> {
    match e {
        StoreError::Invalid(list) => list
            .iter()
            .map(|f| (f.field.clone(), f.message.clone()))
            .collect(),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Filler units (mass organisations) so that the next unit gets the id we need.
async fn fillers(db: &Db, parent: &str, ids: std::ops::RangeInclusive<i64>) {
    let inputs: Vec<_> = ids
        .map(|i| {
            unit_input(
                &format!("DV{i}"),
                &format!("Đoàn thể {i}"),
                UnitType::MassOrganisation,
                Some(parent),
            )
        })
        .collect();
    db.imports()
        .load_units(&cli(), &inputs)
        .await
        .expect("filler units");
}

pub async fn unit_tree(env: &Env) {
    let db = &env.db;
    let root = db
        .units()
        .create_unit(
            &cli(),
            None,
            unit_input("TU", "Thành ủy Bến Tre", UnitType::PartyCommittee, None),
        )
        .await
        .expect("root");
    assert_eq!(root.path, format!("/{}/", root.id));
    assert_eq!(root.depth, 0);
    let admin = principal(Role::Admin, &root, None);
    let create = async |code: &str, name: &str, t: UnitType, parent: &str| -> Unit {
        db.units()
            .create_unit(
                &cli(),
                Some(&admin),
                unit_input(code, name, t, Some(parent)),
            )
            .await
            .unwrap_or_else(|e| panic!("create {code}: {e:?}"))
    };
    fillers(db, "TU", 2..=6).await;
    let p7 = create(
        "P7",
        "Đảng bộ Phường 7",
        UnitType::GrassrootsCommittee,
        "TU",
    )
    .await;
    let p8 = create(
        "P8",
        "Đảng bộ Phường 8",
        UnitType::GrassrootsCommittee,
        "TU",
    )
    .await;
    let kp1 = create("P7-KP1", "Chi bộ Khu phố 1", UnitType::Cell, "P7").await;
    let kp2 = create("P7-KP2", "Chi bộ Khu phố 2", UnitType::Cell, "P7").await;
    let b1 = create("P8-KP1", "Chi bộ Khu phố 1", UnitType::Cell, "P8").await;
    fillers(db, "P8", 12..=69).await;
    let p70 = create(
        "P70",
        "Đảng bộ xã Bình Phú",
        UnitType::GrassrootsCommittee,
        "TU",
    )
    .await;
    let c70 = create("P70-AP1", "Chi bộ ấp Bình Thạnh", UnitType::Cell, "P70").await;

    // The look-alike this test is about: "/1/70/" starts with "/1/7" but is not inside "/1/7/".
    assert_eq!(
        (p7.id, p70.id),
        (7, 70),
        "ids needed for the look-alike paths"
    );
    assert_eq!(p7.path, format!("/{}/7/", root.id));
    assert_eq!(p70.path, format!("/{}/70/", root.id));
    assert_eq!(kp1.path, format!("{}{}/", p7.path, kp1.id));
    assert_eq!(kp1.depth, 2);

    // A ward secretary sees exactly the ward's subtree.
    let sec_a = principal(Role::Secretary, &p7, None);
    let ward_a = set(&["P7", "P7-KP1", "P7-KP2"]);
    assert_eq!(
        codes(&db.units().list_units(&sec_a, None, None).await.unwrap()),
        ward_a
    );
    assert_eq!(
        codes(
            &db.units()
                .list_units(&admin, Some(&p7.path), None)
                .await
                .unwrap()
        ),
        ward_a
    );
    assert!(db
        .units()
        .list_units(&sec_a, Some(&p70.path), None)
        .await
        .unwrap()
        .is_empty());
    let sec_c = principal(Role::Secretary, &p70, None);
    assert_eq!(
        codes(&db.units().list_units(&sec_c, None, None).await.unwrap()),
        set(&["P70", "P70-AP1"])
    );
    assert_eq!(
        db.units()
            .list_units(&admin, None, None)
            .await
            .unwrap()
            .len(),
        71
    );
    // Single reads: out of scope is "not found", never the unit.
    for hidden in [&p70, &c70, &root, &p8, &b1] {
        assert!(matches!(
            db.units().unit(&sec_a, hidden.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.units().unit_by_code(&sec_a, &hidden.code).await,
            Err(StoreError::NotFound)
        ));
    }
    assert_eq!(db.units().unit(&sec_a, kp1.id).await.unwrap(), kp1);
    assert_eq!(
        db.units().unit_by_code(&sec_a, " P7-KP2 ").await.unwrap(),
        kp2
    );
    let list = db.units().list_units(&sec_a, None, None).await.unwrap();
    assert_eq!(list[0].code, "P7", "the ward comes before its cells");

    let kids = db.units().child_units(&admin, p7.id).await.unwrap();
    assert_eq!(
        kids.iter()
            .map(|k| k.unit.code.as_str())
            .collect::<Vec<_>>(),
        ["P7-KP1", "P7-KP2"]
    );
    assert!(kids.iter().all(|k| k.parent_code.as_deref() == Some("P7")));
    assert!(matches!(
        db.units().child_units(&sec_a, p70.id).await,
        Err(StoreError::NotFound)
    ));

    // Who may create units: not a secretary; an office only inside its own subtree.
    let err = db
        .units()
        .create_unit(
            &cli(),
            Some(&sec_a),
            unit_input("P7-KP3", "Chi bộ Khu phố 3", UnitType::Cell, Some("P7")),
        )
        .await
        .unwrap_err();
    assert!(field_messages(&err).iter().any(|(f, _)| f == "parent_code"));
    let office_a = principal(Role::Office, &p7, None);
    let err = db
        .units()
        .create_unit(
            &cli(),
            Some(&office_a),
            unit_input("P8-KP9", "Chi bộ Khu phố 9", UnitType::Cell, Some("P8")),
        )
        .await
        .unwrap_err();
    assert!(field_messages(&err).iter().any(|(f, _)| f == "parent_code"));
    let err = db
        .units()
        .create_unit(
            &cli(),
            Some(&admin),
            unit_input("P7-KP1", "Trùng mã", UnitType::Cell, Some("P7")),
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_messages(&err),
        [(
            "code".to_string(),
            "Mã đơn vị \"P7-KP1\" đã tồn tại".to_string()
        )]
    );
    let tdv = db
        .units()
        .create_unit(
            &cli(),
            Some(&office_a),
            unit_input(
                "P7-KP2-TDV",
                "Tổ Dân vận Khu phố 2",
                UnitType::MassMobilisationTeam,
                Some("P7-KP2"),
            ),
        )
        .await
        .expect("office creates inside its ward");
    assert_eq!(tdv.depth, 3);

    // ---- close: refused while a member is active, fine once they are transferred.
    let m2 = add_member(db, &admin, person("Huỳnh Văn Tâm", "300002"), &kp1).await;
    let err = db
        .units()
        .close_unit(&cli(), &admin, kp1.id, d(2026, 12, 1))
        .await
        .unwrap_err();
    let msgs = field_messages(&err);
    assert_eq!(msgs[0].0, "valid_to");
    assert!(msgs[0].1.contains("còn 1 đảng viên"), "{msgs:?}");
    assert!(matches!(
        db.units()
            .close_unit(&cli(), &sec_a, kp1.id, d(2026, 12, 1))
            .await,
        Err(StoreError::NotFound)
    ));
    db.members()
        .transfer_member(&cli(), &admin, m2, "P8-KP1", d(2026, 11, 1))
        .await
        .expect("transfer");
    let closed = db
        .units()
        .close_unit(&cli(), &admin, kp1.id, d(2026, 12, 1))
        .await
        .expect("close after transfer");
    assert_eq!(closed.valid_to, Some(d(2026, 12, 1)));
    assert_eq!(
        db.units().unit(&admin, kp1.id).await.unwrap().valid_to,
        Some(d(2026, 12, 1))
    );
    let open_before = codes(
        &db.units()
            .list_units(&admin, Some(&p7.path), Some(d(2026, 11, 30)))
            .await
            .unwrap(),
    );
    assert!(open_before.contains("P7-KP1"));
    let open_after = codes(
        &db.units()
            .list_units(&admin, Some(&p7.path), Some(d(2026, 12, 1)))
            .await
            .unwrap(),
    );
    assert_eq!(open_after, set(&["P7", "P7-KP2", "P7-KP2-TDV"]));
    // No transfer into a closed unit.
    let err = db
        .members()
        .transfer_member(&cli(), &admin, m2, "P7-KP1", d(2026, 12, 15))
        .await
        .unwrap_err();
    assert!(field_messages(&err)[0].1.contains("không hoạt động"));
}
on_every_backend!(env: unit_tree);

/// Moving a cell (with its team and a member) to another ward from 01/07/2026: the subtree's paths
/// follow, the old parent stays in the history, the move is audited.
pub async fn unit_move(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let (p7, p8, kp2, root) = (
        t.ward_a.clone(),
        t.ward_b.clone(),
        t.cell_a2.clone(),
        t.root.clone(),
    );
    let office_a = principal(Role::Office, &p7, None);
    let sec_a = principal(Role::Secretary, &p7, None);
    let tdv = db
        .units()
        .create_unit(
            &cli(),
            Some(&office_a),
            unit_input(
                "P7-KP2-TDV",
                "Tổ Dân vận Khu phố 2",
                UnitType::MassMobilisationTeam,
                Some("P7-KP2"),
            ),
        )
        .await
        .unwrap();
    let member = add_member(db, &admin, person("Võ Thị Hoa", "300001"), &kp2).await;
    assert!(matches!(
        db.units()
            .move_unit(&cli(), &office_a, kp2.id, p8.id, d(2026, 7, 1))
            .await,
        Err(StoreError::NotFound)
    ));
    let moved = db
        .units()
        .move_unit(&cli(), &admin, kp2.id, p8.id, d(2026, 7, 1))
        .await
        .expect("move");
    assert_eq!(moved.parent_id, Some(p8.id));
    assert_eq!(moved.path, format!("{}{}/", p8.path, kp2.id));
    assert_eq!(moved.depth, 2);
    assert_eq!(db.units().unit(&admin, kp2.id).await.unwrap(), moved);
    let tdv_after = db.units().unit(&admin, tdv.id).await.unwrap();
    assert_eq!(tdv_after.path, format!("{}{}/", moved.path, tdv.id));
    assert_eq!(tdv_after.depth, 3);
    assert_eq!(tdv_after.parent_id, Some(kp2.id));
    assert_eq!(
        codes(&db.units().list_units(&sec_a, None, None).await.unwrap()),
        set(&["P7", "P7-KP1"])
    );
    assert!(matches!(
        db.units()
            .move_unit(&cli(), &sec_a, t.cell_a1.id, p8.id, d(2026, 7, 1))
            .await,
        Err(StoreError::NotFound)
    ));
    let sec_b = principal(Role::Secretary, &p8, None);
    let b_units = codes(&db.units().list_units(&sec_b, None, None).await.unwrap());
    assert!(b_units.contains("P7-KP2") && b_units.contains("P7-KP2-TDV"));
    // The member moved with the cell.
    assert!(db.members().member(&sec_b, member).await.is_ok());
    assert!(matches!(
        db.members().member(&sec_a, member).await,
        Err(StoreError::NotFound)
    ));
    let b_kids = db.units().child_units(&admin, p8.id).await.unwrap();
    let kp2_summary = b_kids.iter().find(|k| k.unit.id == kp2.id).unwrap();
    assert_eq!((kp2_summary.child_count, kp2_summary.member_count), (1, 1));

    // The old parent stays in the history.
    let mut raw = env.raw().await;
    let rows = sqlx::query(
        "SELECT parent_id, from_date, to_date FROM unit_parent_history WHERE unit_id = $1 ORDER BY id",
    )
    .bind(kp2.id)
    .fetch_all(&mut raw)
    .await
    .unwrap();
    let history: Vec<(Option<i64>, Option<String>, Option<String>)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        history,
        [
            (
                Some(p7.id),
                Some("2016-01-01".to_string()),
                Some("2026-07-01".to_string())
            ),
            (Some(p8.id), Some("2026-07-01".to_string()), None),
        ]
    );
    let (audit, _) = db
        .audit()
        .list_audit(
            &admin,
            &AuditFilter {
                object_type: Some("unit".into()),
                object_id: Some(kp2.id.to_string()),
                action: Some("move".into()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].before.as_ref().unwrap()["parent_id"], p7.id);
    assert_eq!(audit[0].after.as_ref().unwrap()["parent_id"], p8.id);

    // Refused moves: into its own subtree, and the root.
    let err = db
        .units()
        .move_unit(&cli(), &admin, p8.id, kp2.id, d(2026, 8, 1))
        .await
        .unwrap_err();
    assert_eq!(field_messages(&err)[0].0, "parent_id");
    assert!(matches!(
        db.units()
            .move_unit(&cli(), &admin, root.id, p7.id, d(2026, 8, 1))
            .await,
        Err(StoreError::Forbidden)
    ));
    assert_eq!(
        db.units().unit(&admin, p8.id).await.unwrap(),
        p8,
        "nothing moved"
    );
}
on_every_backend!(
    env: unit_move
);

/// "A member counts where they belonged on that date" (docs/DOMAIN.md § Units and members): before a cell
/// moved to another ward, its members counted in the old ward.
pub async fn as_of_follows_unit_history(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let x = add_member(db, &admin, person("Võ Thị Hoa", "300001"), &t.cell_a2).await;
    db.units()
        .move_unit(&cli(), &admin, t.cell_a2.id, t.ward_b.id, d(2026, 7, 1))
        .await
        .expect("move");
    // After the move: in ward B.
    assert!(db
        .members()
        .member_ids_as_of(&t.ward_b.path, d(2026, 8, 1))
        .await
        .unwrap()
        .contains(&x));
    // Before the move the cell was part of ward A.
    let before_a = db
        .members()
        .member_ids_as_of(&t.ward_a.path, d(2026, 6, 1))
        .await
        .unwrap();
    let before_b = db
        .members()
        .member_ids_as_of(&t.ward_b.path, d(2026, 6, 1))
        .await
        .unwrap();
    assert!(
        before_a.contains(&x) && !before_b.contains(&x),
        "on 01/06/2026 the member belonged to ward A: A={before_a:?} B={before_b:?}"
    );
}
on_every_backend!(
    db: as_of_follows_unit_history
);
