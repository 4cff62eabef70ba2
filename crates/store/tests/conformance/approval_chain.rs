//! Who approves, on both backends (docs/DOMAIN.md § Who approves): accounts linked to the person they stand
//! for, the approval chain read from party posts and the unit types, and nobody deciding about themselves.

use crate::common::*;
use domain::registration::{Action, Status};
use domain::{Role, Unit};
use sqlx::Executor;
use store::{Db, ItemInput, NewAccount, StoreError};

fn items(tag: &str) -> Vec<ItemInput> {
    vec![ItemInput::new(
        &format!("Vận động 15 hộ dân {tag} hiến đất mở rộng hẻm để xe cứu thương vào được"),
        "Công tác dân vận",
        "15 hộ",
        Some(d(2026, 11, 30)),
    )]
}

/// Gives the member's (only) position a party post held in `unit`, as the structured positions store it.
async fn hold(env: &Env, member: i64, post: &str, unit: &Unit, to: Option<&str>) {
    let mut c = env.raw().await;
    let to = to.map_or("NULL".to_string(), |t| format!("'{t}'"));
    c.execute(
        format!(
            "UPDATE positions SET post = '{post}', body = 'party', unit_id = {}, to_date = {to} \
             WHERE member_id = {member}",
            unit.id
        )
        .as_str(),
    )
    .await
    .unwrap();
}

async fn account(
    db: &Db,
    username: &str,
    role: Role,
    unit: &Unit,
    member: Option<i64>,
) -> domain::policy::Principal {
    db.accounts()
        .create_account(
            &cli(),
            None,
            &NewAccount {
                username: username.into(),
                password: "Mk-dai-du-12-ky-tu".into(),
                role,
                unit_code: unit.code.clone(),
                member_id: member,
                display_name: username.into(),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("account {username}: {e:?}"))
        .principal()
}

fn message(e: StoreError) -> String {
    match e {
        StoreError::Invalid(v) => v
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

struct World {
    t: Tree,
    /// "Bí thư Đảng ủy Phường 7", a member of Chi bộ Khu phố 1.
    ward_head: i64,
    /// "Bí thư Chi bộ" of Khu phố 2.
    cell_head: i64,
    /// An ordinary member of Khu phố 1.
    plain: i64,
}

async fn world(env: &Env) -> World {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let mut h = person("Võ Thị Hằng", "910001");
    h.positions = vec![domain::member::PositionInput::new(
        "Bí thư Đảng ủy Phường 7",
        "",
    )];
    let ward_head = add_member(db, &admin, h, &t.cell_a1).await;
    let mut c = person("Phạm Văn Hải", "910002");
    c.positions = vec![domain::member::PositionInput::new("Bí thư Chi bộ", "")];
    let cell_head = add_member(db, &admin, c, &t.cell_a2).await;
    let plain = add_member(db, &admin, person("Nguyễn Thị An", "910003"), &t.cell_a1).await;
    hold(env, ward_head, "secretary", &t.ward_a, None).await;
    hold(env, cell_head, "secretary", &t.cell_a2, None).await;
    World {
        t,
        ward_head,
        cell_head,
        plain,
    }
}

async fn submitted(db: &Db, p: &domain::policy::Principal, member: i64, tag: &str) -> i64 {
    let r = db
        .registrations()
        .create_registration(&cli(), p, member, 2026, &items(tag))
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), p, r.id, Action::Submit, "", &[])
        .await
        .unwrap()
        .id
}

async fn queue(db: &Db, p: &domain::policy::Principal) -> Vec<i64> {
    db.registrations()
        .approval_queue(p)
        .await
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect()
}

pub async fn the_ward_secretary_is_approved_by_the_city(env: &Env) {
    let db = &env.db;
    let w = world(env).await;
    // The ward secretary's account stands for her: linked to her record.
    let bithu = account(
        db,
        "bithu.p7",
        Role::Secretary,
        &w.t.ward_a,
        Some(w.ward_head),
    )
    .await;
    assert_eq!(bithu.member_id, Some(w.ward_head));
    let city = account(db, "vanphong", Role::Office, &w.t.root, None).await;
    let ward_other = principal(Role::Secretary, &w.t.ward_a, None);
    let id = submitted(db, &bithu, w.ward_head, "phường").await;
    let r = db.registrations().registration(&bithu, id).await.unwrap();
    assert_eq!(r.approver_path, w.t.root.path);
    assert_eq!(r.approver_label, "Ban Thường vụ Thành ủy Bến Tre");
    // Her own account is refused, with the reason; another ward account may not decide either.
    for action in [Action::Approve, Action::Return] {
        let e = db
            .registrations()
            .registration_action(&cli(), &bithu, id, action, "Ghi rõ hơn", &[])
            .await
            .unwrap_err();
        assert!(message(e).contains("của chính mình"), "{action:?}");
    }
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &ward_other, id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    // The queues: the city's, not the ward's.
    assert!(!queue(db, &bithu).await.contains(&id));
    assert!(!queue(db, &ward_other).await.contains(&id));
    assert_eq!(queue(db, &city).await, vec![id]);
    let r = db
        .registrations()
        .registration_action(&cli(), &city, id, Action::Approve, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Approved);
}

pub async fn a_cell_secretary_is_approved_by_the_ward(env: &Env) {
    let db = &env.db;
    let w = world(env).await;
    let bithu = account(
        db,
        "bithu.p7",
        Role::Secretary,
        &w.t.ward_a,
        Some(w.ward_head),
    )
    .await;
    let cell = account(
        db,
        "bithu.p7kp2",
        Role::Secretary,
        &w.t.cell_a2,
        Some(w.cell_head),
    )
    .await;
    let cell_other = principal(Role::Secretary, &w.t.cell_a2, None);
    let id = submitted(db, &cell, w.cell_head, "khu phố 2").await;
    let r = db.registrations().registration(&cell, id).await.unwrap();
    assert_eq!(r.approver_path, w.t.ward_a.path);
    assert_eq!(r.approver_label, "Đảng ủy Phường 7");
    // Not the cell's accounts: neither the secretary herself nor another account of the cell.
    assert!(message(
        db.registrations()
            .registration_action(&cli(), &cell, id, Action::Approve, "", &[])
            .await
            .unwrap_err()
    )
    .contains("của chính mình"));
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &cell_other, id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(queue(db, &cell_other).await.is_empty());
    assert_eq!(queue(db, &bithu).await, vec![id]);
    // An ordinary member's registration stays with the cell: the ward does not see it in its queue.
    let kp1 = principal(Role::Secretary, &w.t.cell_a1, None);
    let plain = submitted(db, &kp1, w.plain, "khu phố 1").await;
    assert_eq!(
        db.registrations()
            .registration(&kp1, plain)
            .await
            .unwrap()
            .approver_label,
        "Chi bộ Khu phố 1"
    );
    assert_eq!(queue(db, &kp1).await, vec![plain]);
    assert_eq!(queue(db, &bithu).await, vec![id]);
    let r = db
        .registrations()
        .registration_action(&cli(), &bithu, id, Action::Approve, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Approved);
    // The posts held on the day count: once her post has ended, her cell approves again.
    hold(
        env,
        w.cell_head,
        "secretary",
        &w.t.cell_a2,
        Some("2026-01-01"),
    )
    .await;
    let r = db
        .registrations()
        .registration(&cell_other, id)
        .await
        .unwrap();
    assert_eq!(r.approver_path, w.t.cell_a2.path);
}

pub async fn accounts_link_to_members_in_their_units(env: &Env) {
    let db = &env.db;
    let w = world(env).await;
    let office = principal(Role::Office, &w.t.ward_a, None);
    let new = |member: Option<i64>, unit: &str| NewAccount {
        username: "bithu.kp2".into(),
        password: "Mk-dai-du-12-ky-tu".into(),
        role: Role::Secretary,
        unit_code: unit.into(),
        member_id: member,
        display_name: "Bí thư Chi bộ Khu phố 2".into(),
    };
    // A member of another cell of the ward is not the person of this cell's account.
    let e = db
        .accounts()
        .create_account(&cli(), Some(&office), &new(Some(w.plain), "P7-KP2"))
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc đơn vị"));
    // Out of the creator's scope: as if it did not exist.
    let other_ward = add_member(
        db,
        &w.t.admin(),
        person("Lê Văn Cường", "910009"),
        &w.t.cell_b1,
    )
    .await;
    let e = db
        .accounts()
        .create_account(&cli(), Some(&office), &new(Some(other_ward), "P7"))
        .await
        .unwrap_err();
    assert!(message(e).contains("phạm vi"));
    let a = db
        .accounts()
        .create_account(&cli(), Some(&office), &new(Some(w.cell_head), "P7-KP2"))
        .await
        .unwrap();
    assert_eq!(a.member_id, Some(w.cell_head));
    assert_eq!(a.principal().member_id, Some(w.cell_head));
    // Linked later: checked the same way, audited, and open sessions end.
    let ward = db
        .accounts()
        .create_account(
            &cli(),
            None,
            &NewAccount {
                username: "bithu.p7".into(),
                role: Role::Secretary,
                display_name: "Bí thư Đảng ủy Phường 7".into(),
                ..new(None, "P7")
            },
        )
        .await
        .unwrap();
    assert_eq!(ward.member_id, None);
    let admin = w.t.admin();
    let token = db
        .accounts()
        .create_session(ward.id, store::SessionKind::Web)
        .await
        .unwrap();
    let e = db
        .accounts()
        .set_account_member(&cli(), &admin, ward.id, Some(other_ward))
        .await
        .unwrap_err();
    assert!(message(e).contains("không thuộc đơn vị"));
    let linked = db
        .accounts()
        .set_account_member(&cli(), &admin, ward.id, Some(w.ward_head))
        .await
        .unwrap();
    assert_eq!(linked.member_id, Some(w.ward_head));
    assert!(db
        .accounts()
        .session(&token, store::SessionKind::Web)
        .await
        .unwrap()
        .is_none());
    let mut c = env.raw().await;
    assert_eq!(
        count(
            &mut c,
            &format!(
                "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'link_member' AND object_id = '{}'",
                ward.id
            )
        )
        .await,
        1
    );
    // A member account keeps its member.
    let m = account(db, "dangvien.an", Role::Member, &w.t.cell_a1, Some(w.plain)).await;
    assert!(message(
        db.accounts()
            .set_account_member(&cli(), &admin, m.user_id, None)
            .await
            .unwrap_err()
    )
    .contains("phải gắn"));
}

on_every_backend!(env: the_ward_secretary_is_approved_by_the_city);
on_every_backend!(env: a_cell_secretary_is_approved_by_the_ward);
on_every_backend!(env: accounts_link_to_members_in_their_units);
