//! The scope matrix: for every principal × every member and unit, the store answers exactly what
//! `domain::policy` allows — single reads, lists, exports and writes — and out-of-scope reads are
//! `NotFound`, never data.

use crate::common::*;
use domain::policy::Principal;
use domain::{Member, MemberStatus, Role};
use std::collections::BTreeSet;
use store::{Db, MemberInput, MemberQuery, StoreError};

fn input_of(m: &Member, phone: String) -> MemberInput {
    MemberInput {
        phone: Some(phone),
        ..MemberInput::from_member(m)
    }
}

async fn listed(db: &Db, p: &Principal, include_inactive: bool) -> BTreeSet<i64> {
    let (items, total) = db
        .members()
        .search_members(
            p,
            &MemberQuery {
                include_inactive,
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total as usize, items.len());
    items.into_iter().map(|i| i.id).collect()
}

pub async fn scope_matrix(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let mut ids = Vec::new();
    for (name, card, unit) in [
        ("Nguyễn Văn Một", "800001", &t.cell_a1),
        ("Nguyễn Văn Hai", "800002", &t.cell_a1),
        ("Nguyễn Văn Ba", "800003", &t.cell_a2),
        ("Nguyễn Văn Bốn", "800004", &t.ward_a),
        ("Nguyễn Văn Năm", "800005", &t.cell_b1),
        ("Nguyễn Văn Sáu", "800006", &t.root),
        ("Nguyễn Văn Bảy", "800007", &t.cell_b1),
    ] {
        ids.push(add_member(db, &admin, person(name, card), unit).await);
    }
    let dead = ids[6];
    db.members()
        .set_member_status(&cli(), &admin, dead, MemberStatus::Deceased, d(2026, 2, 1))
        .await
        .unwrap();
    let linked = ids[0];

    let principals = [
        admin.clone(),
        principal(Role::Office, &t.root, None),
        principal(Role::Office, &t.ward_b, None),
        principal(Role::Secretary, &t.ward_a, None),
        principal(Role::Secretary, &t.cell_a1, None),
        principal(Role::Inspector, &t.root, None),
        principal(Role::Inspector, &t.ward_b, None),
        principal(Role::Member, &t.cell_a1, Some(linked)),
        principal(Role::Member, &t.cell_a1, None),
    ];

    let mut phone_no = 0;
    for p in &principals {
        let who = format!("{:?} over {}", p.role, p.unit_path);
        // Units.
        let visible_units: BTreeSet<i64> = db
            .units()
            .list_units(p, None, None)
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        let allowed_units: BTreeSet<i64> = t
            .all()
            .iter()
            .filter(|u| p.can_read_unit(&u.path))
            .map(|u| u.id)
            .collect();
        assert_eq!(visible_units, allowed_units, "{who}: list_units");
        for u in t.all() {
            match db.units().unit(p, u.id).await {
                Ok(got) => {
                    assert!(p.can_read_unit(&u.path), "{who} read unit {}", u.code);
                    assert_eq!(&got, u);
                }
                Err(StoreError::NotFound) => {
                    assert!(!p.can_read_unit(&u.path), "{who} denied unit {}", u.code)
                }
                Err(e) => panic!("{who}: unit {}: {e:?}", u.code),
            }
        }

        // Members: single reads, history, lists, export.
        let mut allowed = BTreeSet::new();
        let mut allowed_current = BTreeSet::new();
        for &id in &ids {
            let (truth, path) = db.members().member_unscoped(id).await.unwrap().unwrap();
            let may = p.can_read_member(id, &path);
            if may {
                allowed.insert(id);
                if id != dead {
                    allowed_current.insert(id);
                }
            }
            match db.members().member(p, id).await {
                Ok(m) => {
                    assert!(may, "{who} must not read member {id}");
                    assert_eq!(m, truth);
                }
                Err(StoreError::NotFound) => assert!(!may, "{who} must read member {id}"),
                Err(e) => panic!("{who}: member {id}: {e:?}"),
            }
            match db.members().member_history(p, id).await {
                Ok(_) => assert!(may, "{who} must not read history of {id}"),
                Err(StoreError::NotFound) => assert!(!may, "{who} must read history of {id}"),
                Err(e) => panic!("{who}: history {id}: {e:?}"),
            }

            // Writes: allowed iff the policy says so; otherwise nothing changes.
            phone_no += 1;
            let phone = format!("09{phone_no:08}");
            let may_write = p.can_write_member(&path);
            let result = db
                .members()
                .update_member(&cli(), p, id, &input_of(&truth, phone.clone()))
                .await;
            match (&result, may, may_write) {
                (Ok(_), true, true) => {}
                (Err(StoreError::NotFound), false, _) => {}
                (Err(StoreError::Forbidden), true, false) => {}
                _ => panic!("{who}: update {id} (read {may}, write {may_write}) gave {result:?}"),
            }
            let after = db.members().member_unscoped(id).await.unwrap().unwrap().0;
            if may_write {
                assert_eq!(after.phone.as_deref(), Some(phone.as_str()));
            } else {
                assert_eq!(
                    after.phone, truth.phone,
                    "{who}: refused write changed {id}"
                );
            }
        }
        assert_eq!(listed(db, p, true).await, allowed, "{who}: search (all)");
        assert_eq!(
            listed(db, p, false).await,
            allowed_current,
            "{who}: search (current)"
        );
        let exported: BTreeSet<i64> = db
            .members()
            .members_for_export(p, None)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect();
        assert_eq!(exported, allowed_current, "{who}: export");
        // A subtree filter outside the scope yields nothing, never more.
        let (items, _) = db
            .members()
            .search_members(
                p,
                &MemberQuery {
                    unit_path: Some(t.ward_b.path.clone()),
                    include_inactive: true,
                    per_page: 500,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(items.iter().all(|i| allowed.contains(&i.id)), "{who}");
    }

    // Spot checks so that the matrix is not vacuous.
    let sec_a = &principals[3];
    assert_eq!(
        listed(db, sec_a, true).await,
        BTreeSet::from([ids[0], ids[1], ids[2], ids[3]])
    );
    assert_eq!(
        listed(db, &principals[7], true).await,
        BTreeSet::from([linked])
    );
    assert!(listed(db, &principals[8], true).await.is_empty());
    assert_eq!(
        listed(db, &principals[6], true).await,
        BTreeSet::from([ids[4], dead])
    );
}
on_every_backend!(db: scope_matrix);
