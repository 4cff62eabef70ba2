//! No data outside the caller's scope in any error (OWASP ASVS V8.3): a card number or citizen ID held by a
//! member of another ward answers a neutral message — on create, update, import (dry run and real) — and
//! the clash is filed in the audit log under that member's unit; a clash inside the scope still names the
//! holder. Dry runs and exports leave an audit row; uploads are kept within a per-user quota.

use crate::common::*;
use domain::policy::Principal;
use domain::Role;
use store::{
    Actor, AuditEntry, AuditFilter, Db, FieldError, FileAudit, ImportOutcome, NewAccount,
    StoreError, UPLOADS_KEPT_PER_USER,
};

const MEMBER_HEADER: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày";
const UNIT_HEADER: &str = "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Thứ tự";

/// The member of ward B whose identifiers ward A must never learn about.
const HIDDEN_NAME: &str = "Võ Thị Kín";
const HIDDEN_CARD: &str = "24020995";
const HIDDEN_CID: &str = "083185999999";
/// A member of ward A (in the secretary's scope).
const OWN_NAME: &str = "Lê Văn Nhà";
const OWN_CARD: &str = "24020001";
const OWN_CID: &str = "083185111111";

fn members_file(rows: &[&str]) -> office::Parsed<office::MemberRow> {
    let mut s = String::from(MEMBER_HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    office::parse_members("dang-vien.csv", s.as_bytes(), today()).expect("readable")
}

fn units_file(rows: &[&str]) -> office::Parsed<office::UnitRow> {
    let mut s = String::from(UNIT_HEADER);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    office::parse_units("don-vi.csv", s.as_bytes()).expect("readable")
}

fn rejected(outcome: ImportOutcome) -> Vec<(usize, String, String)> {
    match outcome {
        ImportOutcome::Rejected(errors) => errors
            .into_iter()
            .map(|e| (e.line, e.column, e.message))
            .collect(),
        ImportOutcome::Done(r) => panic!("import accepted: {r:?}"),
    }
}

fn invalid(e: StoreError) -> Vec<FieldError> {
    match e {
        StoreError::Invalid(v) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

/// Fails when `text` names anything of the hidden member: card number, citizen ID, name or id.
fn assert_discloses_nothing(text: &str, hidden_id: i64, ctx: &str) {
    for secret in [HIDDEN_CARD, HIDDEN_CID, HIDDEN_NAME] {
        assert!(
            !text.contains(secret),
            "{ctx}: {text:?} contains {secret:?}"
        );
    }
    assert!(
        !text.contains(&format!("mã {hidden_id}")) && !text.contains("Phường 8"),
        "{ctx}: {text:?} points at the hidden member"
    );
}

async fn entries(db: &Db, p: &Principal, action: &str) -> Vec<AuditEntry> {
    db.audit()
        .list_audit(
            p,
            &AuditFilter {
                action: Some(action.to_string()),
                page: 1,
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .0
}

struct Setup {
    t: Tree,
    admin: Principal,
    /// Secretary of ward A, a real account (so the actor has a user id).
    sec: Principal,
    hidden: i64,
    own: i64,
}

async fn setup(db: &Db) -> Setup {
    let t = tree(db).await;
    let admin = t.admin();
    let mut h = person(HIDDEN_NAME, HIDDEN_CARD);
    h.citizen_id = Some(HIDDEN_CID.into());
    let hidden = add_member(db, &admin, h, &t.cell_b1).await;
    let mut o = person(OWN_NAME, OWN_CARD);
    o.citizen_id = Some(OWN_CID.into());
    let own = add_member(db, &admin, o, &t.cell_a1).await;
    let account = db
        .accounts()
        .create_account(
            &cli(),
            None,
            &NewAccount {
                username: "bithu.p7".into(),
                password: "Phuong7-2026-bithu".into(),
                role: Role::Secretary,
                unit_code: "P7".into(),
                member_id: None,
                display_name: "Bí thư Phường 7".into(),
            },
        )
        .await
        .expect("account");
    Setup {
        sec: account.principal(),
        t,
        admin,
        hidden,
        own,
    }
}

pub async fn member_errors_hide_other_wards(db: &Db) {
    let s = setup(db).await;
    let actor = Actor::user(&s.sec, "web");
    // The office of ward A reads ward A's audit log, not ward B's.
    let office_a = principal(Role::Office, &s.t.ward_a, None);

    // Create with the hidden member's card number, then with their citizen ID.
    for (field, card, cid) in [
        ("card_number", HIDDEN_CARD, None),
        ("citizen_id", "24020777", Some(HIDDEN_CID)),
    ] {
        let mut input = person("Trần Văn Đến", card);
        input.citizen_id = cid.map(str::to_string);
        let errors = invalid(
            db.members()
                .create_member(&actor, &s.sec, &input, "P7-KP1", None)
                .await
                .unwrap_err(),
        );
        assert_eq!(
            errors,
            [FieldError::new(field, store::unusable_identifier(field))],
            "create with the hidden {field}"
        );
        assert_discloses_nothing(&errors[0].message, s.hidden, "create");
    }
    // Edit an own member to the hidden card number.
    let mut edit = person(OWN_NAME, HIDDEN_CARD);
    edit.citizen_id = Some(OWN_CID.into());
    let errors = invalid(
        db.members()
            .update_member(&actor, &s.sec, s.own, &edit)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        errors,
        [FieldError::new(
            "card_number",
            store::unusable_identifier("card_number")
        )]
    );

    // Every clash is in the log for the office over the hidden member, with who tried and how.
    let clashes = entries(db, &s.admin, "identifier_clash").await;
    assert_eq!(clashes.len(), 3, "{clashes:#?}");
    for c in &clashes {
        assert_eq!(c.object_type, "member");
        assert_eq!(c.object_id, s.hidden.to_string());
        assert_eq!(c.object_label, HIDDEN_NAME);
        assert_eq!(c.username, "bithu.p7");
        assert_eq!(c.user_id, Some(s.sec.user_id));
    }
    let ops: Vec<&str> = clashes
        .iter()
        .filter_map(|c| c.after.as_ref()?.get("thao tác")?.as_str())
        .collect();
    assert!(
        ops.contains(&"Thêm đảng viên") && ops.contains(&"Sửa đảng viên"),
        "{ops:?}"
    );
    assert!(
        entries(db, &office_a, "identifier_clash").await.is_empty(),
        "ward A's own audit readers do not see the other ward's member either"
    );

    // A clash inside the scope still names the holder, and is not a clash for the office.
    let errors = invalid(
        db.members()
            .create_member(
                &actor,
                &s.sec,
                &person("Trần Văn Đến", OWN_CARD),
                "P7-KP1",
                None,
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].message.contains(OWN_NAME) && errors[0].message.contains(OWN_CARD),
        "{}",
        errors[0].message
    );
    assert_eq!(entries(db, &s.admin, "identifier_clash").await.len(), 3);

    // The hidden member is unchanged and the own member too.
    let (hidden, _) = db
        .members()
        .member_unscoped(s.hidden)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hidden.card_number.as_deref(), Some(HIDDEN_CARD));
    let (own, _) = db.members().member_unscoped(s.own).await.unwrap().unwrap();
    assert_eq!(own.card_number.as_deref(), Some(OWN_CARD));
}
on_every_backend!(db: member_errors_hide_other_wards);

pub async fn import_errors_hide_other_wards(db: &Db) {
    let s = setup(db).await;
    let actor = Actor::user(&s.sec, "import");
    // (row, column of the error): every way a row can meet the hidden member.
    let cases = [
        (
            format!("P7-KP1,Người Đến Một,15/03/1985,Nam,,{HIDDEN_CID},19/05/2010,19/05/2011,,,"),
            "Số CCCD",
        ),
        (
            format!("P7-KP1,Người Đến Hai,15/03/1985,Nam,24020996,{HIDDEN_CID},19/05/2010,19/05/2011,,,"),
            "Số CCCD",
        ),
        (
            format!("P7-KP1,Người Đến Ba,15/03/1985,Nam,{HIDDEN_CARD},,19/05/2010,19/05/2011,,,"),
            "Số thẻ đảng viên",
        ),
        (
            format!("P7-KP1,{OWN_NAME},15/03/1980,Nam,{OWN_CARD},{HIDDEN_CID},19/05/2010,19/05/2011,,,"),
            "Số CCCD",
        ),
    ];
    let mut expected_clashes = 0;
    for dry_run in [true, false] {
        for (row, column) in &cases {
            let errors = rejected(
                db.imports()
                    .import_members(&actor, Some(&s.sec), members_file(&[row]), dry_run)
                    .await
                    .unwrap(),
            );
            assert_eq!(errors.len(), 1, "{row}: {errors:#?}");
            let (line, col, message) = &errors[0];
            assert_eq!((*line, col.as_str()), (2, *column), "{row}");
            let field = if *column == "Số CCCD" {
                "citizen_id"
            } else {
                "card_number"
            };
            assert_eq!(message, &store::unusable_identifier(field), "{row}");
            assert_discloses_nothing(message, s.hidden, row);
            expected_clashes += 1;
        }
    }
    let clashes = entries(db, &s.admin, "identifier_clash").await;
    assert_eq!(clashes.len(), expected_clashes, "{clashes:#?}");
    assert!(clashes
        .iter()
        .all(|c| c.object_id == s.hidden.to_string() && c.username == "bithu.p7"));

    // In scope: the holder is named.
    let errors = rejected(
        db.imports()
            .import_members(
                &actor,
                Some(&s.sec),
                members_file(&[&format!(
                "P7-KP2,Người Đến Bốn,15/03/1985,Nam,24020997,{OWN_CID},19/05/2010,19/05/2011,,,"
            )]),
                true,
            )
            .await
            .unwrap(),
    );
    assert!(
        errors[0].2.contains(OWN_CARD) && errors[0].2.contains(OWN_NAME),
        "{errors:?}"
    );

    // A unit of the other ward answers exactly as a code that does not exist.
    let answer = |code: &str| {
        let code = code.to_string();
        let sec = s.sec.clone();
        let actor = actor.clone();
        async move {
            rejected(
                db.imports()
                    .import_members(
                        &actor,
                        Some(&sec),
                        members_file(&[&format!(
                        "{code},Người Đến Năm,15/03/1985,Nam,24020998,,19/05/2010,19/05/2011,,,"
                    )]),
                        true,
                    )
                    .await
                    .unwrap(),
            )
            .into_iter()
            .map(|(l, c, m)| (l, c, m.replace(&code, "…")))
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(answer("P8-KP1").await, answer("KHONG-CO").await);

    // Unit import by ward A's office: another ward's unit code, another ward as parent.
    let office_a = principal(Role::Office, &s.t.ward_a, None);
    let clashes_before = entries(db, &s.admin, "identifier_clash").await.len();
    let errors = rejected(
        db.imports()
            .import_units(
                &Actor::user(&office_a, "import"),
                Some(&office_a),
                units_file(&["P8-KP1,Chi bộ Lạ,Chi bộ,P7,1"]),
                true,
            )
            .await
            .unwrap(),
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].2.contains("không dùng được") && !errors[0].2.contains("Phường 8"),
        "{errors:?}"
    );
    let clashes = entries(db, &s.admin, "identifier_clash").await;
    assert_eq!(clashes.len(), clashes_before + 1);
    assert_eq!(clashes[0].object_type, "unit");
    assert_eq!(clashes[0].object_id, s.t.cell_b1.id.to_string());
    let parent = |code: &'static str| {
        let office_a = office_a.clone();
        async move {
            rejected(
                db.imports()
                    .import_units(
                        &cli(),
                        Some(&office_a),
                        units_file(&[&format!("P7-KP9,Chi bộ Khu phố 9,Chi bộ,{code},9")]),
                        true,
                    )
                    .await
                    .unwrap(),
            )
            .into_iter()
            .map(|(l, c, m)| (l, c, m.replace(code, "…")))
            .collect::<Vec<_>>()
        }
    };
    assert_eq!(parent("P8").await, parent("KHONGCO").await);

    // Creating a unit with another ward's code: refused without naming it.
    let err = db
        .units()
        .create_unit(
            &cli(),
            Some(&office_a),
            unit_input("P8-KP1", "Chi bộ Lạ", domain::UnitType::Cell, Some("P7")),
        )
        .await
        .unwrap_err();
    let errors = invalid(err);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "code");
    assert!(
        errors[0].message.contains("không dùng được") && !errors[0].message.contains("P8-KP1"),
        "{}",
        errors[0].message
    );
}
on_every_backend!(db: import_errors_hide_other_wards);

pub async fn dry_runs_and_exports_are_audited(db: &Db) {
    let s = setup(db).await;
    let office_a = principal(Role::Office, &s.t.ward_a, None);
    let office_b = principal(Role::Office, &s.t.ward_b, None);
    let actor = Actor::user(&s.sec, "import");

    // A dry run that passes and one that fails: one row each, with the counts, under the caller's unit.
    let ok = db
        .imports()
        .import_members(
            &actor,
            Some(&s.sec),
            members_file(&[
                "P7-KP1,Người Thử Một,15/03/1985,Nam,24020901,,19/05/2010,19/05/2011,,,",
                "P7-KP2,Người Thử Hai,15/03/1985,Nữ,24020902,,19/05/2010,19/05/2011,,,",
            ]),
            true,
        )
        .await
        .unwrap();
    assert!(matches!(ok, ImportOutcome::Done(_)));
    let bad = db
        .imports()
        .import_members(
            &actor,
            Some(&s.sec),
            members_file(&["P7-KP1,Người Thử Ba,31/02/1985,Nam,24020903,,19/05/2010,,,,"]),
            true,
        )
        .await
        .unwrap();
    assert!(matches!(bad, ImportOutcome::Rejected(_)));
    let runs = entries(db, &office_a, "dry_run").await;
    assert_eq!(runs.len(), 2, "{runs:#?}");
    let (failed, passed) = (&runs[0], &runs[1]);
    assert_eq!(passed.object_type, "import");
    assert_eq!(passed.object_id, "members");
    assert_eq!(passed.username, "bithu.p7");
    let after = passed.after.as_ref().unwrap();
    assert_eq!(after["số dòng"], 2);
    assert_eq!(after["thêm mới"], 2);
    assert_eq!(failed.after.as_ref().unwrap()["số lỗi"], 1);
    assert!(entries(db, &office_b, "dry_run").await.is_empty());
    // A real import that is refused writes no dry-run row; the CLI's dry run is filed where its rows are.
    let _ = db
        .imports()
        .import_members(
            &actor,
            Some(&s.sec),
            members_file(&["P7-KP1,Người Thử Ba,31/02/1985,Nam,24020903,,19/05/2010,,,,"]),
            false,
        )
        .await
        .unwrap();
    assert_eq!(entries(db, &office_a, "dry_run").await.len(), 2);
    db.imports()
        .import_units(
            &cli(),
            None,
            units_file(&["P8-KP7,Chi bộ Khu phố 7,Chi bộ,P8,7"]),
            true,
        )
        .await
        .unwrap();
    let units_run = entries(db, &office_b, "dry_run").await;
    assert_eq!(units_run.len(), 1, "{units_run:#?}");
    assert_eq!(units_run[0].object_id, "units");
    assert_eq!(units_run[0].source, "cli");

    // An export: one row, visible to the ward whose data it holds.
    db.audit()
        .audit_file(
            &Actor::user(&s.sec, "web"),
            &FileAudit {
                kind: "members.xlsx",
                label: "Danh sách đảng viên — Đảng bộ Phường 7",
                unit_path: &s.t.ward_a.path,
                filename: "dang-vien-P7.xlsx",
                rows: Some(1),
            },
        )
        .await
        .unwrap();
    let exports = entries(db, &office_a, "export").await;
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].object_type, "file");
    assert_eq!(exports[0].object_id, "members.xlsx");
    assert_eq!(
        exports[0].after.as_ref().unwrap()["tệp"],
        "dang-vien-P7.xlsx"
    );
    assert!(entries(db, &office_b, "export").await.is_empty());
}
on_every_backend!(db: dry_runs_and_exports_are_audited);

pub async fn uploads_are_kept_within_quota(env: &Env) {
    let db = &env.db;
    let s = setup(db).await;
    let other = db
        .accounts()
        .create_account(
            &cli(),
            None,
            &NewAccount {
                username: "bithu.p8".into(),
                password: "Phuong8-2026-bithu".into(),
                role: Role::Secretary,
                unit_code: "P8".into(),
                member_id: None,
                display_name: "Bí thư Phường 8".into(),
            },
        )
        .await
        .unwrap()
        .principal();
    let theirs = db
        .accounts()
        .save_upload(other.user_id, "members", "p8.csv", b"P8")
        .await
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..UPLOADS_KEPT_PER_USER + 3 {
        ids.push(
            db.accounts()
                .save_upload(
                    s.sec.user_id,
                    "members",
                    &format!("lan-{i}.csv"),
                    format!("tep {i}").as_bytes(),
                )
                .await
                .unwrap(),
        );
    }
    assert_eq!(
        db.accounts().upload_count(s.sec.user_id).await.unwrap(),
        UPLOADS_KEPT_PER_USER as i64
    );
    for (k, id) in ids.iter().enumerate() {
        let kept = db.accounts().upload(s.sec.user_id, *id).await;
        if k < 3 {
            assert!(
                matches!(kept, Err(StoreError::NotFound)),
                "upload {k} should be gone"
            );
        } else {
            assert_eq!(kept.unwrap().content, format!("tep {k}").into_bytes());
        }
    }
    // Another user's quota is their own.
    assert_eq!(
        db.accounts()
            .upload(other.user_id, theirs)
            .await
            .unwrap()
            .content,
        b"P8"
    );
    // After 30 days everything old goes at the next upload.
    env.clock.advance(chrono::Duration::days(31));
    db.accounts()
        .save_upload(s.sec.user_id, "members", "moi.csv", b"moi")
        .await
        .unwrap();
    assert_eq!(db.accounts().upload_count(s.sec.user_id).await.unwrap(), 1);
    assert_eq!(db.accounts().upload_count(other.user_id).await.unwrap(), 0);
}
on_every_backend!(env: uploads_are_kept_within_quota);
