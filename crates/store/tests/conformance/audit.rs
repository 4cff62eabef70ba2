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
