//! The member list: diacritic-folded search, identifiers, paging, Vietnamese name order, and user-typed
//! LIKE wildcards taken literally.

use crate::common::*;
use domain::MemberStatus;
use store::{Db, MemberQuery};

struct Found {
    names: Vec<String>,
    total: i64,
}

async fn search(db: &Db, q: &str) -> Found {
    let admin_tree = db.units().root_units().await.unwrap();
    let admin = principal(domain::Role::Admin, &admin_tree[0], None);
    let (items, total) = db
        .members()
        .search_members(
            &admin,
            &MemberQuery {
                q: Some(q.to_string()),
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    Found {
        names: items.into_iter().map(|i| i.full_name).collect(),
        total,
    }
}

pub async fn search_and_order(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    // Created in an order unrelated to the expected one.
    let people = [
        ("Lê Văn Đức", "700005", "0988000005", &t.cell_b1),
        ("Nguyễn Thị Bình", "700003", "0988000003", &t.cell_a1),
        ("Hồ Văn Dũng", "700004", "0988000004", &t.cell_a2),
        ("Trần Văn An", "700002", "0988000002", &t.cell_a1),
        ("Đặng Thị Cúc", "700006", "0988000006", &t.cell_b1),
        ("Nguyễn Văn An", "000123", "0912345678", &t.cell_a1),
    ];
    for (name, card, phone, unit) in people {
        let mut p = person(name, card);
        p.phone = Some(phone.into());
        add_member(db, &admin, p, unit).await;
    }
    let gone = add_member(db, &admin, person("Phan Văn Tư", "700007"), &t.cell_a2).await;
    db.members()
        .set_member_status(&cli(), &admin, gone, MemberStatus::Deceased, d(2026, 1, 1))
        .await
        .unwrap();

    // Given name first, then middle, then family; d before đ.
    let all = search(db, "").await;
    assert_eq!(
        all.names,
        [
            "Nguyễn Văn An",
            "Trần Văn An",
            "Nguyễn Thị Bình",
            "Đặng Thị Cúc",
            "Hồ Văn Dũng",
            "Lê Văn Đức",
        ]
    );
    assert_eq!(all.total, 6, "the deceased member is not a current member");

    // Diacritics and case folded; đ → d.
    for q in [
        "nguyen van an",
        "NGUYỄN VĂN AN",
        "Nguyễn Văn An",
        "  nguyễn   văn  an ",
    ] {
        assert_eq!(search(db, q).await.names, ["Nguyễn Văn An"], "{q:?}");
    }
    assert_eq!(search(db, "dang").await.names, ["Đặng Thị Cúc"]);
    assert_eq!(search(db, "Đặng").await.names, ["Đặng Thị Cúc"]);
    assert_eq!(search(db, "duc").await.names, ["Lê Văn Đức"]);
    assert_eq!(
        search(db, "van an").await.names,
        ["Nguyễn Văn An", "Trần Văn An"]
    );
    assert_eq!(search(db, "thi").await.total, 2);

    // Identifiers: exact card number (leading zeros kept), phone in any common spelling.
    assert_eq!(search(db, "000123").await.names, ["Nguyễn Văn An"]);
    assert_eq!(search(db, "123").await.total, 0, "no partial card match");
    for q in ["0912345678", "0912 345 678", "0912.345.678", "+84912345678"] {
        assert_eq!(search(db, q).await.names, ["Nguyễn Văn An"], "{q:?}");
    }

    // LIKE wildcards typed by users match themselves, not everything.
    for q in ["%", "_", "%%", "n_uyen", "a%n", "\\", "'"] {
        let f = search(db, q).await;
        assert_eq!(
            (f.total, f.names.len()),
            (0, 0),
            "{q:?} matched {:?}",
            f.names
        );
    }

    // Paging: totals on every page, pages partition the ordered list.
    let mut paged = Vec::new();
    for page in 1..=4 {
        let (items, total) = db
            .members()
            .search_members(
                &admin,
                &MemberQuery {
                    page,
                    per_page: 4,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(total, 6);
        assert_eq!(items.len(), [4, 2, 0, 0][page as usize - 1]);
        paged.extend(items.into_iter().map(|i| i.full_name));
    }
    assert_eq!(paged, all.names);
    let (items, total) = db
        .members()
        .search_members(
            &admin,
            &MemberQuery {
                q: Some("van".into()),
                page: 2,
                per_page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 4);
    assert_eq!(
        items.into_iter().map(|i| i.full_name).collect::<Vec<_>>(),
        ["Hồ Văn Dũng", "Lê Văn Đức"]
    );

    // Members who left are listed only on request; a subtree filter narrows the list.
    let (items, total) = db
        .members()
        .search_members(
            &admin,
            &MemberQuery {
                q: Some("van".into()),
                include_inactive: true,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 5);
    assert_eq!(
        items.last().map(|i| i.full_name.as_str()),
        Some("Phan Văn Tư")
    );
    let (items, total) = db
        .members()
        .search_members(
            &admin,
            &MemberQuery {
                unit_path: Some(t.ward_b.path.clone()),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(
        items.into_iter().map(|i| i.full_name).collect::<Vec<_>>(),
        ["Đặng Thị Cúc", "Lê Văn Đức"]
    );
}
on_every_backend!(db: search_and_order);
