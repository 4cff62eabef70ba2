//! Structured positions on both backends (docs/DOMAIN.md § Positions): titles stored with their post, body and
//! unit; rows written before positions were structured classified when the database is opened; the cell's bí
//! thư (not the earliest leader of any kind) taken for "heads registered late"; titles not understood listed
//! within the reader's scope; the installation's extension of the key cadres.

use crate::common::*;
use chrono::{TimeZone, Utc};
use domain::position::{Body, KeyCadres, Post};
use domain::registration::Action;
use domain::{Member, Role, Unit};
use sqlx::Executor;
use store::{Actor, Db, ItemInput};

fn with_titles(name: &str, card: &str, titles: &[&str]) -> domain::member::MemberInput {
    let mut m = person(name, card);
    m.positions = titles
        .iter()
        .map(|t| domain::member::PositionInput::new(*t, ""))
        .collect();
    m
}

fn pos<'a>(m: &'a Member, title: &str) -> &'a domain::Position {
    m.positions
        .iter()
        .find(|p| p.title == title)
        .unwrap_or_else(|| panic!("{title} in {:?}", m.positions))
}

pub async fn posts_are_stored_with_their_unit(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let id = add_member(
        db,
        &admin,
        with_titles(
            "Phạm Văn Hải",
            "920001",
            &[
                "Bí thư Chi bộ",
                "Phó Bí thư Đảng ủy Phường 7",
                "Bí thư Chi đoàn",
                "Trưởng khu phố 1",
                "Chức sắc lạ",
            ],
        ),
        &t.cell_a1,
    )
    .await;
    let m = db.members().member(&admin, id).await.unwrap();
    let sec = pos(&m, "Bí thư Chi bộ");
    assert_eq!((sec.post, sec.body), (Post::Secretary, Body::Party));
    assert_eq!(sec.unit_id, Some(t.cell_a1.id));
    assert_eq!(sec.understood(), "Bí thư — Chi bộ Khu phố 1");
    assert!(sec.head && sec.key_cadre);
    let dep = pos(&m, "Phó Bí thư Đảng ủy Phường 7");
    assert_eq!(
        (dep.post, dep.unit_id),
        (Post::DeputySecretary, Some(t.ward_a.id))
    );
    assert!(!dep.head && dep.key_cadre);
    let youth = pos(&m, "Bí thư Chi đoàn");
    assert_eq!((youth.post, youth.body), (Post::Secretary, Body::Mass));
    assert!(!youth.head && !youth.key_cadre);
    let kp = pos(&m, "Trưởng khu phố 1");
    assert_eq!(kp.body, Body::Neighbourhood);
    assert!(!kp.head && !kp.key_cadre);
    assert_eq!(pos(&m, "Chức sắc lạ").post, Post::Unknown);
    assert!(m.head && m.key_cadre);

    // Transferred to Khu phố 2: the cell's secretary post follows the member's new cell.
    db.members()
        .transfer_member(&cli(), &admin, id, &t.cell_a2.code, d(2026, 6, 1))
        .await
        .unwrap();
    let m = db.members().member(&admin, id).await.unwrap();
    assert_eq!(pos(&m, "Bí thư Chi bộ").unit_id, Some(t.cell_a2.id));

    // Edited: the positions are read again.
    let mut input = with_titles("Phạm Văn Hải", "920001", &["Chi ủy viên"]);
    input.gender = m.gender;
    db.members()
        .update_member(&cli(), &admin, id, &input)
        .await
        .unwrap();
    let m = db.members().member(&admin, id).await.unwrap();
    let cu = pos(&m, "Chi ủy viên");
    assert_eq!(
        (cu.post, cu.unit_id),
        (Post::CommitteeMember, Some(t.cell_a2.id))
    );
    assert!(!m.head && !m.key_cadre);
}

async fn column(
    env: &Env,
    sql: &str,
) -> Vec<(String, Option<String>, String, Option<i64>, i64, i64)> {
    let mut c = env.raw().await;
    let rows = sqlx::query(sql).fetch_all(&mut c).await.unwrap();
    rows.iter()
        .map(|r| {
            use sqlx::Row;
            (
                r.get::<String, _>("title"),
                r.get::<Option<String>, _>("post"),
                r.get::<String, _>("body"),
                r.get::<Option<i64>, _>("unit_id"),
                r.get::<i64, _>("head"),
                r.get::<i64, _>("key_cadre"),
            )
        })
        .collect()
}

pub async fn legacy_rows_are_classified_when_opened(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    add_member(
        db,
        &admin,
        with_titles(
            "Võ Văn Hùng",
            "920002",
            &["Trưởng khu phố 1", "Bí thư Chi bộ", "Không rõ gì"],
        ),
        &t.cell_a1,
    )
    .await;
    // As an older version wrote them: no post, no unit, the prefix flags (Trưởng khu phố a head).
    let mut c = env.raw().await;
    c.execute(
        "UPDATE positions SET post = NULL, body = '', unit_id = NULL, head = 1, key_cadre = 1",
    )
    .await
    .unwrap();
    drop(c);
    let sql =
        "SELECT title, post, body, unit_id, head, key_cadre FROM positions ORDER BY sort_order";
    assert!(column(env, sql).await.iter().all(|r| r.1.is_none()));

    let again = env.open_another().await;
    let rows = column(env, sql).await;
    assert_eq!(
        rows,
        vec![
            (
                "Trưởng khu phố 1".to_string(),
                Some("chief".to_string()),
                "neighbourhood".to_string(),
                None,
                0,
                0
            ),
            (
                "Bí thư Chi bộ".to_string(),
                Some("secretary".to_string()),
                "party".to_string(),
                Some(t.cell_a1.id),
                1,
                1
            ),
            (
                "Không rõ gì".to_string(),
                Some("unknown".to_string()),
                "other".to_string(),
                None,
                0,
                0
            ),
        ]
    );
    // Idempotent: nothing left to classify.
    assert_eq!(again.classify_positions().await.unwrap(), 0);
    again.close().await;
}

fn items(tag: &str) -> Vec<ItemInput> {
    vec![ItemInput::new(
        &format!("Vận động 12 hộ dân {tag} tham gia giữ vệ sinh tuyến hẻm mỗi sáng chủ nhật"),
        "Công tác dân vận",
        "12 hộ",
        Some(d(2027, 11, 30)),
    )]
}

fn set_clock(env: &Env, y: i32, m: u32, day: u32) {
    let target = Utc.with_ymd_and_hms(y, m, day, 3, 0, 0).single().unwrap();
    env.clock.advance(target - env.db.now());
}

async fn submit(env: &Env, unit: &Unit, member: i64, tag: &str) {
    let p = principal(Role::Member, unit, Some(member));
    let a = Actor::user(&p, "web");
    let r = env
        .db
        .registrations()
        .create_registration(&a, &p, member, 2027, &items(tag))
        .await
        .unwrap_or_else(|e| panic!("registration of {tag}: {e:?}"));
    env.db
        .registrations()
        .registration_action(&a, &p, r.id, Action::Submit, "", &[])
        .await
        .unwrap_or_else(|e| panic!("submit of {tag}: {e:?}"));
}

pub async fn heads_late_take_the_cells_secretary(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let cell = &t.cell_a1;
    let chief = add_member(
        db,
        &admin,
        with_titles("Lê Văn Khu", "920011", &["Trưởng khu phố 1"]),
        cell,
    )
    .await;
    // The ward's secretary is a member of this cell (as in the demo): a head, but not this cell's.
    let ward = add_member(
        db,
        &admin,
        with_titles("Trần Văn Phường", "920012", &["Bí thư Đảng ủy Phường 7"]),
        cell,
    )
    .await;
    let plain = add_member(db, &admin, person("Nguyễn Thị Lan", "920013"), cell).await;
    let sec = add_member(
        db,
        &admin,
        with_titles("Phạm Văn Bí", "920014", &["Bí thư Chi bộ"]),
        cell,
    )
    .await;
    set_clock(env, 2027, 3, 1);
    submit(env, cell, chief, "khu phố").await;
    set_clock(env, 2027, 3, 2);
    submit(env, cell, ward, "phường").await;
    set_clock(env, 2027, 3, 5);
    submit(env, cell, plain, "lan").await;
    set_clock(env, 2027, 3, 10);
    submit(env, cell, sec, "bí thư").await;
    let r = db
        .registrations()
        .registration_report(&admin, t.ward_a.id, 2027)
        .await
        .unwrap();
    assert_eq!(r.heads_late.len(), 1, "{:?}", r.heads_late);
    let late = &r.heads_late[0];
    assert_eq!(late.unit.code, "P7-KP1");
    assert_eq!(late.head_name, "Phạm Văn Bí");
    assert!(late.first_member_submitted.starts_with("2027-03-01"));
}

pub async fn unmapped_titles_are_listed_within_scope(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    for (name, card, title, unit) in [
        ("Hồ Văn Một", "920021", "Chức sắc lạ", &t.cell_a1),
        ("Hồ Văn Hai", "920022", "Chức sắc lạ", &t.cell_a2),
        ("Hồ Văn Ba", "920023", "Người giữ đền", &t.cell_b1),
        ("Hồ Văn Bốn", "920024", "Bí thư Chi bộ", &t.cell_b1),
    ] {
        add_member(db, &admin, with_titles(name, card, &[title]), unit).await;
    }
    let all = db.members().unmapped_titles(&admin).await.unwrap();
    assert_eq!(
        all,
        vec![
            ("Chức sắc lạ".to_string(), 2),
            ("Người giữ đền".to_string(), 1)
        ]
    );
    let office_a = principal(Role::Office, &t.ward_a, None);
    assert_eq!(
        db.members().unmapped_titles(&office_a).await.unwrap(),
        vec![("Chức sắc lạ".to_string(), 2)]
    );
    let office_b = principal(Role::Office, &t.ward_b, None);
    assert_eq!(
        db.members().unmapped_titles(&office_b).await.unwrap(),
        vec![("Người giữ đền".to_string(), 1)]
    );
}

pub async fn the_installation_extends_the_key_cadres(env: &Env) {
    let t = tree(&env.db).await;
    let admin = t.admin();
    let id = add_member(
        &env.db,
        &admin,
        with_titles("Lê Văn Khu", "920031", &["Trưởng khu phố 1"]),
        &t.cell_a1,
    )
    .await;
    assert!(!env.db.members().member(&admin, id).await.unwrap().key_cadre);
    let extended = env
        .db
        .clone()
        .with_key_cadres(KeyCadres::parse("Trưởng khu phố"));
    assert_eq!(extended.refresh_key_cadres().await.unwrap(), 1);
    assert!(
        extended
            .members()
            .member(&admin, id)
            .await
            .unwrap()
            .key_cadre
    );
    // New positions are written under the extended list too.
    let other = add_member(
        &extended,
        &admin,
        with_titles("Lê Văn Ấp", "920032", &["Trưởng khu phố 2"]),
        &t.cell_a2,
    )
    .await;
    assert!(
        extended
            .members()
            .member(&admin, other)
            .await
            .unwrap()
            .key_cadre
    );
    // The extension withdrawn: the flags follow.
    assert_eq!(env.db.refresh_key_cadres().await.unwrap(), 2);
    assert!(!env.db.members().member(&admin, id).await.unwrap().key_cadre);
}

/// The key-cadre refresh at every start recomputes the stored flags only when the configured list changed since
/// its last run (however the same list is spelled), and after positions were classified when the database opened.
pub async fn the_key_cadre_refresh_runs_only_when_the_list_changed(env: &Env) {
    let t = tree(&env.db).await;
    let admin = t.admin();
    let key_cadre = |id: i64| {
        let admin = admin.clone();
        async move { env.db.members().member(&admin, id).await.unwrap().key_cadre }
    };
    let first = add_member(
        &env.db,
        &admin,
        with_titles("Lê Văn Khu", "920041", &["Trưởng khu phố 1"]),
        &t.cell_a1,
    )
    .await;
    let extended = env
        .db
        .clone()
        .with_key_cadres(KeyCadres::parse("Trưởng khu phố"));
    assert_eq!(extended.refresh_key_cadres().await.unwrap(), 1);
    assert!(key_cadre(first).await);
    // Written afterwards under lamtheo's own list: not flagged.
    let second = add_member(
        &env.db,
        &admin,
        with_titles("Lê Văn Ấp", "920042", &["Trưởng khu phố 2"]),
        &t.cell_a2,
    )
    .await;
    assert!(!key_cadre(second).await);

    // The same list, spelled otherwise: nothing is recomputed.
    let same = env
        .db
        .clone()
        .with_key_cadres(KeyCadres::parse(" trưởng  khu phố ; Trưởng khu phố;"));
    assert_eq!(same.refresh_key_cadres().await.unwrap(), 0);
    assert!(!key_cadre(second).await);

    // A changed list: recomputed.
    let changed = env
        .db
        .clone()
        .with_key_cadres(KeyCadres::parse("Trưởng khu phố; Trưởng ấp"));
    assert_eq!(changed.refresh_key_cadres().await.unwrap(), 1);
    assert!(key_cadre(first).await && key_cadre(second).await);
    assert_eq!(changed.refresh_key_cadres().await.unwrap(), 0);

    // A row written by an older version is classified at the next opening under lamtheo's own list: the next
    // refresh runs again, although the list is unchanged.
    let mut c = env.raw().await;
    c.execute("UPDATE positions SET post = NULL").await.unwrap();
    drop(c);
    let again = env.open_another().await;
    assert!(!key_cadre(first).await);
    let again = again.with_key_cadres(KeyCadres::parse("Trưởng khu phố; Trưởng ấp"));
    assert_eq!(again.refresh_key_cadres().await.unwrap(), 2);
    assert!(key_cadre(first).await && key_cadre(second).await);
    again.close().await;
}

on_every_backend!(db: posts_are_stored_with_their_unit);
on_every_backend!(env: legacy_rows_are_classified_when_opened);
on_every_backend!(env: heads_late_take_the_cells_secretary);
on_every_backend!(db: unmapped_titles_are_listed_within_scope);
on_every_backend!(env: the_installation_extends_the_key_cadres);
on_every_backend!(env: the_key_cadre_refresh_runs_only_when_the_list_changed);

/// The days a position was held are written with it and read back; a post that has ended does not make its
/// holder the head the approval chain skips today, one still held does.
pub async fn position_dates_round_trip_and_an_ended_post_is_not_held(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let mut m = person("Trần Thị Hạnh", "920051");
    m.positions = vec![
        domain::member::PositionInput {
            from: Some(d(2020, 1, 15)),
            to: Some(d(2025, 6, 30)),
            ..domain::member::PositionInput::new("Bí thư Chi bộ", "Lãnh đạo chi bộ")
        },
        domain::member::PositionInput {
            from: Some(d(2025, 7, 1)),
            ..domain::member::PositionInput::new("Trưởng khu phố 2", "")
        },
    ];
    let id = add_member(db, &admin, m, &t.cell_a2).await;
    let stored = db.members().member(&admin, id).await.unwrap();
    let sec = pos(&stored, "Bí thư Chi bộ");
    assert_eq!(
        (sec.from, sec.to),
        (Some(d(2020, 1, 15)), Some(d(2025, 6, 30)))
    );
    let chief = pos(&stored, "Trưởng khu phố 2");
    assert_eq!((chief.from, chief.to), (Some(d(2025, 7, 1)), None));
    // An edit from the stored record keeps the dates.
    let mut input = domain::member::MemberInput::from_member(&stored);
    input.phone = Some("0912000111".into());
    db.members()
        .update_member(&cli(), &admin, id, &input)
        .await
        .unwrap();
    let again = db.members().member(&admin, id).await.unwrap();
    assert_eq!(
        again
            .positions
            .iter()
            .map(|p| (p.title.as_str(), p.from, p.to))
            .collect::<Vec<_>>(),
        vec![
            ("Bí thư Chi bộ", Some(d(2020, 1, 15)), Some(d(2025, 6, 30))),
            ("Trưởng khu phố 2", Some(d(2025, 7, 1)), None),
        ]
    );
    // Her cell secretary post ended in 2025: her registration stays with her cell.
    let cell = principal(Role::Secretary, &t.cell_a2, None);
    let r = db
        .registrations()
        .create_registration(
            &cli(),
            &cell,
            id,
            2026,
            &[ItemInput::new(
                "Vận động 10 hộ dân khu phố 2 phân loại rác tại nguồn",
                "Công tác dân vận",
                "10 hộ",
                Some(d(2026, 12, 15)),
            )],
        )
        .await
        .unwrap();
    let r = db
        .registrations()
        .registration_action(&cli(), &cell, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    assert_eq!(r.approver_path, t.cell_a2.path, "an ended post is not held");
    // Reopened (no end day): she is the cell's head again and the ward approves.
    input.positions[0].to = None;
    db.members()
        .update_member(&cli(), &admin, id, &input)
        .await
        .unwrap();
    let r = db.registrations().registration(&cell, r.id).await.unwrap();
    assert_eq!(r.approver_path, t.ward_a.path, "a post still held is");
    // A re-import (no dates in the file) keeps the dates recorded for the titles it lists again.
    let file = format!(
        "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày\n\
         {},Trần Thị Hạnh,15/03/1980,Nữ,920051,,19/05/2010,19/05/2011,Bí thư Chi bộ; Trưởng khu phố 2; Chi ủy viên,0912000222,\n",
        t.cell_a2.code
    );
    let parsed =
        office::parse_members("dang-vien.csv", file.as_bytes(), today()).expect("readable");
    db.imports()
        .import_members(&cli(), Some(&admin), parsed, false)
        .await
        .unwrap();
    let imported = db.members().member(&admin, id).await.unwrap();
    assert_eq!(imported.phone.as_deref(), Some("0912000222"));
    assert_eq!(
        imported
            .positions
            .iter()
            .map(|p| (p.title.as_str(), p.from, p.to))
            .collect::<Vec<_>>(),
        vec![
            ("Bí thư Chi bộ", Some(d(2020, 1, 15)), None),
            ("Trưởng khu phố 2", Some(d(2025, 7, 1)), None),
            ("Chi ủy viên", None, None),
        ]
    );
}
on_every_backend!(db: position_dates_round_trip_and_an_ended_post_is_not_held);

pub async fn imports_map_titles_and_report_the_unknown(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let file = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày\n\
        P7-KP1,Lê Văn Nhập,15/03/1980,Nam,920041,,19/05/2010,19/05/2011,Bí thư Chi bộ; Chức sắc lạ,,\n\
        P7-KP2,Lê Văn Nhì,15/03/1980,Nam,920042,,19/05/2010,19/05/2011,Chức sắc lạ,,\n";
    let parsed =
        office::parse_members("dang-vien.csv", file.as_bytes(), today()).expect("readable");
    let outcome = db
        .imports()
        .import_members(&cli(), Some(&admin), parsed, false)
        .await
        .unwrap();
    let store::ImportOutcome::Done(r) = outcome else {
        panic!("rejected: {outcome:?}");
    };
    assert_eq!(r.created, 2);
    assert_eq!(r.unmapped_titles, vec![("Chức sắc lạ".to_string(), 2)]);
    let id = db
        .members()
        .member_id_by_card("920041")
        .await
        .unwrap()
        .unwrap();
    let m = db.members().member(&admin, id).await.unwrap();
    let sec = pos(&m, "Bí thư Chi bộ");
    assert_eq!(
        (sec.post, sec.unit_id),
        (Post::Secretary, Some(t.cell_a1.id))
    );
    assert!(m.head);
    assert_eq!(
        db.members().unmapped_titles(&admin).await.unwrap(),
        vec![("Chức sắc lạ".to_string(), 2)]
    );
}

on_every_backend!(db: imports_map_titles_and_report_the_unknown);
