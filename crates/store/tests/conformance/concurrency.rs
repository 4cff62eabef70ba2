//! Concurrency: several instances starting (and migrating) together on PostgreSQL; concurrent writes on
//! one instance (both backends) and across instances (PostgreSQL).

use crate::common::*;
use std::collections::BTreeSet;
use store::{Db, ImportOutcome, StoreError};

/// PostgreSQL only: app instances starting at the same time on a fresh database all succeed (the
/// migrator's advisory lock), and end up on the same schema.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_migrations_postgres() {
    if pg_admin_url().is_none() {
        eprintln!("{PG_ENV} not set, PostgreSQL variant not run");
        return;
    }
    for round in 0..2 {
        let (url, _guard) = fresh_database(Kind::Postgres).await.expect("database");
        let clock = TestClock::new();
        let (a, b, c) = tokio::join!(
            Db::open(&url, clock.clone()),
            Db::open(&url, clock.clone()),
            Db::open(&url, clock.clone()),
        );
        let (a, b, c) = (
            a.unwrap_or_else(|e| panic!("round {round}, instance a: {e}")),
            b.unwrap_or_else(|e| panic!("round {round}, instance b: {e}")),
            c.unwrap_or_else(|e| panic!("round {round}, instance c: {e}")),
        );
        let v = a.schema_version().await.unwrap();
        assert!(v > 0);
        assert_eq!(b.schema_version().await.unwrap(), v);
        assert_eq!(c.schema_version().await.unwrap(), v);
        // All three work on the same data.
        let t = tree(&a).await;
        assert!(!b.is_empty().await.unwrap());
        assert_eq!(
            c.units().unit_by_code_unscoped("P7").await.unwrap(),
            Some(t.ward_a)
        );
        for db in [a, b, c] {
            db.close().await;
        }
    }
}

fn member_csv(prefix: &str, cards: std::ops::Range<u32>) -> office::Parsed<office::MemberRow> {
    let mut s = String::from(
        "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại",
    );
    for n in cards {
        s.push_str(&format!(
            "\nP7-KP1,{prefix} Văn Số {n},01/01/1980,Nam,{n:06},,19/05/2010,19/05/2011,,"
        ));
    }
    office::parse_members("ds.csv", s.as_bytes(), today()).expect("readable")
}

async fn import(db: &Db, parsed: office::Parsed<office::MemberRow>) {
    match db
        .imports()
        .import_members(&cli(), None, parsed, false)
        .await
        .unwrap()
    {
        ImportOutcome::Done(r) => assert_eq!(r.created, r.rows),
        ImportOutcome::Rejected(e) => panic!("{e:#?}"),
    }
}

/// Many writers at once on one instance, and on PostgreSQL on two instances: every write lands, ids
/// do not collide, nothing is lost.
pub async fn concurrent_writes(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let second = match env.kind {
        Kind::Postgres => Some(env.open_another().await),
        Kind::Sqlite => None,
    };
    let other = second.as_ref().unwrap_or(db);
    let creates = (0..8u32).map(|i| {
        let admin = admin.clone();
        let on = if i % 2 == 0 { db } else { other };
        async move {
            on.members()
                .create_member(
                    &cli(),
                    &admin,
                    &person(&format!("Lý Văn Số {i}"), &format!("{:06}", 800_000 + i)),
                    "P7-KP2",
                    None,
                )
                .await
                .map(|m| m.id)
        }
    });
    let (created, (), ()) = tokio::join!(
        futures_join_all(creates.collect()),
        import(db, member_csv("Hà", 100_000..100_040)),
        import(other, member_csv("Mạc", 200_000..200_040)),
    );
    let ids: BTreeSet<i64> = created
        .into_iter()
        .map(|r| r.expect("concurrent create"))
        .collect();
    assert_eq!(ids.len(), 8);
    assert_eq!(db.members().member_count().await.unwrap(), 88);
    // Every member is whole: their membership and status rows exist, the ids are distinct.
    let all = db.members().members_for_export(&admin, None).await.unwrap();
    assert_eq!(all.len(), 88);
    assert_eq!(all.iter().map(|m| m.id).collect::<BTreeSet<_>>().len(), 88);
    assert_eq!(
        db.members()
            .member_ids_as_of(&t.root.path, today())
            .await
            .unwrap()
            .len(),
        88
    );
    // After the bulk imports, ordinary creates still get fresh ids.
    let m = db
        .members()
        .create_member(
            &cli(),
            &admin,
            &person("Lý Văn Sau", "899999"),
            "P7-KP2",
            None,
        )
        .await
        .expect("create after imports");
    assert!(!ids.contains(&m.id));
    if let Some(s) = second {
        s.close().await;
    }
}
on_every_backend!(env: concurrent_writes);

/// Two clerks save the same new member at the same moment: one succeeds, the other gets the usual
/// Vietnamese "already belongs to another member" message — not a raw database error.
pub async fn concurrent_duplicate_card(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let input = person("Quách Văn Trùng", "810001");
    let actor = cli();
    let (a, b) = tokio::join!(
        db.members()
            .create_member(&actor, &admin, &input, "P7-KP1", None),
        db.members()
            .create_member(&actor, &admin, &input, "P7-KP1", None),
    );
    let results = [a, b];
    assert_eq!(
        results.iter().filter(|r| r.is_ok()).count(),
        1,
        "{results:?}"
    );
    assert_eq!(db.members().member_count().await.unwrap(), 1);
    for r in results {
        match r {
            Ok(_) => {}
            Err(StoreError::Invalid(f)) => assert_eq!(f[0].field, "card_number"),
            Err(e) => panic!("expected a field error, got {e:?}"),
        }
    }
}
on_every_backend!(
    db: concurrent_duplicate_card
);

/// `join_all` without the futures crate: runs the futures concurrently and keeps their order.
async fn futures_join_all<F: std::future::Future>(futs: Vec<F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    let mut futs: Vec<_> = futs.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = (0..futs.len()).map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (i, f) in futs.iter_mut().enumerate() {
            if outputs[i].is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => outputs[i] = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    for o in outputs {
        set.push(o.expect("finished"));
    }
    set
}
