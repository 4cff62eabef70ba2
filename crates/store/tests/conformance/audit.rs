//! The audit log is append-only in the database itself: UPDATE and DELETE fail even through a raw
//! connection that bypasses the store.

use crate::common::*;
use store::AuditFilter;

pub async fn audit_is_append_only(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    add_member(db, &admin, person("Ngô Văn Ghi", "900001"), &t.cell_a1).await;
    let (entries, total) = db
        .audit()
        .list_audit(
            &admin,
            &AuditFilter {
                per_page: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 8, "seven units and one member were created");
    assert_eq!(entries[0].object_type, "member");
    assert_eq!(entries[0].action, "create");
    assert_eq!(entries[0].username, "hệ thống");
    let before = env.dump().await;

    let mut raw = env.raw().await;
    for sql in [
        "UPDATE audit_log SET action = 'tampered'",
        "UPDATE audit_log SET after_json = NULL WHERE object_type = 'member'",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE object_type = 'member'",
    ] {
        let err = sqlx::query(sql)
            .execute(&mut raw)
            .await
            .expect_err(&format!("{sql} must fail"));
        assert!(
            err.to_string().contains("append-only"),
            "{sql}: unexpected error {err}"
        );
    }
    // Appending still works (the store does it on every write), and nothing was changed or lost.
    assert_eq!(count(&mut raw, "SELECT COUNT(*) FROM audit_log").await, 8);
    assert_eq!(env.dump().await, before);
    add_member(db, &admin, person("Ngô Văn Thêm", "900002"), &t.cell_a1).await;
    assert_eq!(count(&mut raw, "SELECT COUNT(*) FROM audit_log").await, 9);
}
on_every_backend!(env: audit_is_append_only);

/// Rows written together (one moment, person, source, action and kind) read as one entry; the entry opens
/// to its rows; a later write of the same kind is a new entry; scope still applies inside a group.
pub async fn rows_written_together_are_one_entry(env: &Env) {
    let db = &env.db;
    // The test clock stands still: the seven units of the tree are written "together".
    let t = tree(db).await;
    let admin = t.admin();
    env.clock.advance(chrono::Duration::seconds(5));
    add_member(db, &admin, person("Ngô Văn Ghi", "900001"), &t.cell_a1).await;
    env.clock.advance(chrono::Duration::seconds(5));
    add_member(db, &admin, person("Ngô Văn Hai", "900002"), &t.cell_a1).await;
    let all = AuditFilter {
        per_page: 50,
        ..Default::default()
    };
    let (groups, total) = db.audit().list_audit_groups(&admin, &all).await.unwrap();
    assert_eq!(total, 3, "the units' batch and two separate member writes");
    assert_eq!(
        groups
            .iter()
            .map(|g| (g.entry.object_type.as_str(), g.rows))
            .collect::<Vec<_>>(),
        vec![("member", 1), ("member", 1), ("unit", 7)],
        "newest first"
    );
    let batch = &groups[2];
    let (rows, n) = db
        .audit()
        .list_audit(
            &admin,
            &AuditFilter {
                group_of: Some(batch.entry.id),
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(n, 7);
    assert!(rows
        .iter()
        .all(|r| r.object_type == "unit" && r.at == batch.entry.at));
    // Paging counts entries, not rows.
    let (page2, _) = db
        .audit()
        .list_audit_groups(
            &admin,
            &AuditFilter {
                per_page: 2,
                page: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page2.len(), 1);
    assert_eq!(page2[0].rows, 7);
    // The commission's file holds every row, not a page of them; past its cap, none and the count.
    let (rows, total) = db.audit().export_audit(&admin, &all, 50_000).await.unwrap();
    assert_eq!((rows.len(), total), (9, 9));
    assert!(rows.windows(2).all(|w| w[0].id > w[1].id), "newest first");
    let (rows, total) = db.audit().export_audit(&admin, &all, 5).await.unwrap();
    assert_eq!((rows.len(), total), (0, 9));
}
on_every_backend!(env: rows_written_together_are_one_entry);
