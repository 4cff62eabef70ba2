//! All-or-nothing imports: every bad row listed (file checks and database checks merged) and the
//! database untouched (every table dumped before and after); re-imports idempotent; changes audited;
//! a changed unit code is a transfer; units with parents later in the file, cycles refused, dry runs.

use crate::common::*;
use domain::Role;
use store::{
    Actor, AuditFilter, Db, ImportOutcome, ImportReport, MembershipEntry, NewAccount, StoreError,
};

const MEMBER_HEADER: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày";
const UNIT_HEADER: &str = "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên,Thứ tự";

fn csv(header: &str, rows: &[&str]) -> Vec<u8> {
    let mut s = String::from(header);
    for r in rows {
        s.push('\n');
        s.push_str(r);
    }
    s.push('\n');
    s.into_bytes()
}

fn members_file(rows: &[&str]) -> office::Parsed<office::MemberRow> {
    office::parse_members("dang-vien.csv", &csv(MEMBER_HEADER, rows), today()).expect("readable")
}

fn units_file(rows: &[&str]) -> office::Parsed<office::UnitRow> {
    office::parse_units("don-vi.csv", &csv(UNIT_HEADER, rows)).expect("readable")
}

fn done(outcome: ImportOutcome) -> ImportReport {
    match outcome {
        ImportOutcome::Done(r) => r,
        ImportOutcome::Rejected(errors) => panic!("import rejected: {errors:#?}"),
    }
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

fn report(rows: usize, created: usize, updated: usize, unchanged: usize) -> ImportReport {
    ImportReport {
        rows,
        created,
        updated,
        unchanged,
        dry_run: false,
        unmapped_titles: Vec::new(),
    }
}

async fn audit_total(db: &Db, admin: &domain::policy::Principal) -> i64 {
    db.audit()
        .list_audit(admin, &AuditFilter::default())
        .await
        .unwrap()
        .1
}

/// A dry run writes nothing but its own audit row.
fn assert_only_dry_run_audit(before: &[String], after: &[String]) {
    let added: Vec<&String> = after.iter().filter(|l| !before.contains(l)).collect();
    let removed: Vec<&String> = before.iter().filter(|l| !after.contains(l)).collect();
    assert!(removed.is_empty(), "a dry run removed rows: {removed:#?}");
    assert!(
        added.len() == 1
            && added[0].starts_with("audit_log ")
            && added[0].contains("action=\"dry_run\""),
        "a dry run writes only its audit row: {added:#?}"
    );
}

// The valid file: two new members and one already in the database, unchanged.
const NEW_1: &str = "P7-KP1,Trần Văn Mới,15/03/1985,Nam,200001,083185200001,19/05/2010,19/05/2011,Bí thư Chi bộ,0912000001,01/01/2015";
const NEW_2: &str =
    "P7-KP2,Lê Thị Hoa,20/10/1990,Nữ,200002,,03/02/2015,03/02/2016,,0912000002,03/02/2015";
const OLD_1: &str = "P7-KP1,Nguyễn Văn Cũ,15/03/1980,,100001,083185000001,19/05/2010,19/05/2011,,,";

pub async fn member_import(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let mut e1 = person("Nguyễn Văn Cũ", "100001");
    e1.citizen_id = Some("083185000001".into());
    let e1 = add_member(db, &admin, e1, &t.cell_a1).await;
    let mut e2 = person("Nguyễn Văn Cựu", "100002");
    e2.citizen_id = Some("083185000002".into());
    add_member(db, &admin, e2, &t.cell_a1).await;
    // The importing user: the secretary of ward A (a real account, so the users table is not empty).
    let account = db
        .accounts()
        .create_account(
            &cli(),
            None,
            &NewAccount {
                username: "bithu.p7".into(),
                password: "matkhau2026".into(),
                role: Role::Secretary,
                unit_code: "P7".into(),
                member_id: None,
                display_name: "Bí thư Phường 7".into(),
            },
        )
        .await
        .expect("account");
    let sec = account.principal();
    // A mass-mobilisation team inside the ward: in scope, but not a party organisation.
    db.units()
        .create_unit(
            &cli(),
            Some(&admin),
            unit_input(
                "P7-TDV",
                "Tổ Dân vận Phường 7",
                domain::UnitType::MassMobilisationTeam,
                Some("P7"),
            ),
        )
        .await
        .unwrap();
    let actor = Actor::user(&sec, "import");

    // ---- every kind of bad row at once; nothing is written.
    let before = env.dump().await;
    let outcome = db
        .imports()
        .import_members(
            &actor,
            Some(&sec),
            members_file(&[
                NEW_1,
                "KHONGCO,Lê Văn Lạc,15/03/1985,Nam,200003,,19/05/2010,,,,",
                "P7-TDV,Lê Thị Mặt,15/03/1985,Nữ,200004,,19/05/2010,,,,",
                "P7-KP1,Nguyễn Văn Cũ,15/03/1980,Nam,100001,083185000002,19/05/2010,19/05/2011,,,",
                "P7-KP1,Võ Văn Sáu,15/03/1980,Nam,200006,083185000001,19/05/2010,19/05/2011,,,",
                "P7-KP1,Võ Văn Bảy,31/02/1980,Nam,200007,,19/05/2010,,,,",
                "P8-KP1,Võ Văn Tám,15/03/1980,Nam,200008,,19/05/2010,,,,",
            ]),
            false,
        )
        .await
        .unwrap();
    let errors = rejected(outcome);
    let where_: Vec<(usize, &str)> = errors.iter().map(|(l, c, _)| (*l, c.as_str())).collect();
    assert_eq!(
        where_,
        [
            (3, "Mã đơn vị"),
            (4, "Mã đơn vị"),
            (5, "Số CCCD"),
            (6, "Số thẻ đảng viên"),
            (7, "Ngày sinh"),
            (8, "Mã đơn vị"),
        ],
        "{errors:#?}"
    );
    assert_eq!(errors[0].2, "Không tìm thấy đơn vị có mã \"KHONGCO\"");
    assert!(
        errors[1].2.contains("không phải là tổ chức đảng"),
        "{}",
        errors[1].2
    );
    assert!(
        errors[2].2.contains("đã thuộc một đảng viên khác"),
        "{}",
        errors[2].2
    );
    assert!(
        errors[3].2.contains("đã gắn với số thẻ \"100001\""),
        "{}",
        errors[3].2
    );
    assert!(errors[4].2.contains("31/02/1980"), "{}", errors[4].2);
    // A unit outside the secretary's ward answers as an unknown code would.
    assert_eq!(errors[5].2, "Không tìm thấy đơn vị có mã \"P8-KP1\"");
    assert_eq!(env.dump().await, before, "a rejected import writes nothing");

    // ---- dry run: the report, and still nothing written.
    let valid = [NEW_1, NEW_2, OLD_1];
    let r = done(
        db.imports()
            .import_members(&actor, Some(&sec), members_file(&valid), true)
            .await
            .unwrap(),
    );
    assert_eq!(
        r,
        ImportReport {
            dry_run: true,
            ..report(3, 2, 0, 1)
        }
    );
    assert_only_dry_run_audit(&before, &env.dump().await);

    // ---- the real import.
    let audits0 = audit_total(db, &admin).await;
    let r = done(
        db.imports()
            .import_members(&actor, Some(&sec), members_file(&valid), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 2, 0, 1));
    assert_eq!(audit_total(db, &admin).await, audits0 + 2);
    let new1 = db
        .members()
        .member_id_by_card("200001")
        .await
        .unwrap()
        .expect("created");
    let m = db.members().member(&sec, new1).await.unwrap();
    assert_eq!(m.full_name, "Trần Văn Mới");
    assert_eq!(m.citizen_id.as_deref(), Some("083185200001"));
    assert_eq!(m.phone.as_deref(), Some("0912000001"));
    assert!(m.head, "Bí thư Chi bộ");
    let (ms, _) = db.members().member_history(&sec, new1).await.unwrap();
    assert_eq!(ms.len(), 1);
    assert_eq!((ms[0].from_date, ms[0].to_date), (d(2015, 1, 1), None));
    let (entries, _) = db
        .audit()
        .list_audit(
            &admin,
            &AuditFilter {
                object_id: Some(new1.to_string()),
                object_type: Some("member".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].action.as_str(), entries[0].username.as_str()),
        ("import", "bithu.p7")
    );

    // ---- the same file again: nothing at all changes.
    let snapshot = env.dump().await;
    let r = done(
        db.imports()
            .import_members(&actor, Some(&sec), members_file(&valid), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 0, 0, 3));
    assert_eq!(env.dump().await, snapshot, "re-import is idempotent");

    // ---- one phone changed: one member updated, one audit row.
    let new2 = db
        .members()
        .member_id_by_card("200002")
        .await
        .unwrap()
        .unwrap();
    let changed_phone = NEW_2.replace("0912000002", "0912999999");
    let r = done(
        db.imports()
            .import_members(
                &actor,
                Some(&sec),
                members_file(&[NEW_1, &changed_phone, OLD_1]),
                false,
            )
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 0, 1, 2));
    assert_eq!(audit_total(db, &admin).await, audits0 + 3);
    let (entries, _) = db
        .audit()
        .list_audit(&admin, &AuditFilter::default())
        .await
        .unwrap();
    let last = &entries[0];
    assert_eq!(
        (last.action.as_str(), last.object_id.as_str()),
        ("import", new2.to_string().as_str())
    );
    assert_eq!(last.before.as_ref().unwrap()["phone"], "0912000002");
    assert_eq!(last.after.as_ref().unwrap()["phone"], "0912999999");
    assert_eq!(
        db.members()
            .member(&sec, new2)
            .await
            .unwrap()
            .phone
            .as_deref(),
        Some("0912999999")
    );
    let changed_rows: Vec<_> = env
        .dump()
        .await
        .into_iter()
        .filter(|l| !snapshot.contains(l))
        .collect();
    assert_eq!(
        changed_rows
            .iter()
            .filter(|l| l.starts_with("members "))
            .count(),
        1,
        "{changed_rows:#?}"
    );
    assert!(changed_rows
        .iter()
        .all(|l| l.starts_with("members ") || l.starts_with("audit_log ")));

    // ---- a changed unit code is a transfer from "Từ ngày".
    let moved = NEW_1
        .replace("P7-KP1", "P7-KP2")
        .replace("01/01/2015", "01/09/2026");
    let r = done(
        db.imports()
            .import_members(
                &actor,
                Some(&sec),
                members_file(&[&moved, &changed_phone, OLD_1]),
                false,
            )
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 0, 1, 2));
    let (ms, _) = db.members().member_history(&sec, new1).await.unwrap();
    assert_eq!(
        ms,
        [
            MembershipEntry {
                unit_id: t.cell_a1.id,
                unit_code: "P7-KP1".into(),
                unit_name: "Chi bộ Khu phố 1".into(),
                from_date: d(2015, 1, 1),
                to_date: Some(d(2026, 9, 1)),
            },
            MembershipEntry {
                unit_id: t.cell_a2.id,
                unit_code: "P7-KP2".into(),
                unit_name: "Chi bộ Khu phố 2".into(),
                from_date: d(2026, 9, 1),
                to_date: None,
            },
        ]
    );
    assert!(db
        .members()
        .member_ids_as_of(&t.cell_a1.path, d(2026, 8, 31))
        .await
        .unwrap()
        .contains(&new1));
    assert!(db
        .members()
        .member_ids_as_of(&t.cell_a2.path, d(2026, 9, 1))
        .await
        .unwrap()
        .contains(&new1));
    assert_eq!(
        db.members().member(&sec, e1).await.unwrap().unit_code,
        "P7-KP1"
    );
}
on_every_backend!(env: member_import);

/// A transfer by re-import must respect the same date rule as `transfer_member`: the new membership
/// cannot start before the current one.
pub async fn import_transfer_date_checked(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    done(
        db.imports()
            .import_members(&cli(), Some(&admin), members_file(&[NEW_1]), false)
            .await
            .unwrap(),
    );
    let id = db
        .members()
        .member_id_by_card("200001")
        .await
        .unwrap()
        .unwrap();
    // The manual transfer with this date is refused…
    let err = db
        .members()
        .transfer_member(&cli(), &admin, id, "P7-KP2", d(2012, 1, 1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)));
    // …and so must be the same transfer through an import.
    let before = env.dump().await;
    let back_dated = NEW_1
        .replace("P7-KP1", "P7-KP2")
        .replace("01/01/2015", "01/01/2012");
    let outcome = db
        .imports()
        .import_members(&cli(), Some(&admin), members_file(&[&back_dated]), false)
        .await
        .unwrap();
    let (ms, _) = db.members().member_history(&admin, id).await.unwrap();
    assert!(
        ms.iter()
            .all(|m| m.to_date.is_none_or(|to| to > m.from_date)),
        "membership periods must not end before they start: {ms:#?}"
    );
    assert!(matches!(outcome, ImportOutcome::Rejected(_)), "{outcome:?}");
    assert_eq!(env.dump().await, before);
}
on_every_backend!(
    env: import_transfer_date_checked
);

pub async fn unit_import(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let before = env.dump().await;

    // Parents later in the file; dry run first.
    let file = [
        "P9-KP1,Chi bộ Khu phố 1,Chi bộ,P9,1",
        "P9,Đảng bộ Phường 9,Đảng bộ cơ sở,TU,3",
        "P9-KP2,Chi bộ Khu phố 2,chi bo,P9,2",
    ];
    let r = done(
        db.imports()
            .import_units(&cli(), Some(&admin), units_file(&file), true)
            .await
            .unwrap(),
    );
    assert_eq!(
        r,
        ImportReport {
            dry_run: true,
            ..report(3, 3, 0, 0)
        }
    );
    assert_only_dry_run_audit(&before, &env.dump().await);
    let r = done(
        db.imports()
            .import_units(&cli(), Some(&admin), units_file(&file), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 3, 0, 0));
    let p9 = db.units().unit_by_code(&admin, "P9").await.unwrap();
    assert_eq!(p9.parent_id, Some(t.root.id));
    assert_eq!(p9.unit_type, domain::UnitType::GrassrootsCommittee);
    for code in ["P9-KP1", "P9-KP2"] {
        let c = db.units().unit_by_code(&admin, code).await.unwrap();
        assert_eq!(c.parent_id, Some(p9.id));
        assert_eq!(c.path, format!("{}{}/", p9.path, c.id));
        assert_eq!(c.unit_type, domain::UnitType::Cell);
    }
    let kids = db.units().child_units(&admin, p9.id).await.unwrap();
    assert_eq!(
        kids.iter()
            .map(|k| k.unit.code.as_str())
            .collect::<Vec<_>>(),
        ["P9-KP1", "P9-KP2"],
        "file order"
    );

    // Same file again: unchanged, nothing written.
    let snapshot = env.dump().await;
    let r = done(
        db.imports()
            .import_units(&cli(), Some(&admin), units_file(&file), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 0, 0, 3));
    assert_eq!(env.dump().await, snapshot);

    // A cycle, an unknown parent and a change of parent: all rejected, nothing written (not even the
    // valid row).
    let outcome = db
        .imports()
        .import_units(
            &cli(),
            Some(&admin),
            units_file(&[
                "C1,Chi bộ C1,Chi bộ,C2,",
                "C2,Chi bộ C2,Chi bộ,C1,",
                "OK1,Chi bộ hợp lệ,Chi bộ,P9,",
                "X1,Chi bộ X1,Chi bộ,KHONGCO,",
                "P9-KP1,Chi bộ Khu phố 1,Chi bộ,P8,1",
            ]),
            false,
        )
        .await
        .unwrap();
    let errors = rejected(outcome);
    let where_: Vec<(usize, &str)> = errors.iter().map(|(l, c, _)| (*l, c.as_str())).collect();
    assert_eq!(
        where_,
        [
            (2, "Mã đơn vị cấp trên"),
            (3, "Mã đơn vị cấp trên"),
            (5, "Mã đơn vị cấp trên"),
            (6, "Mã đơn vị cấp trên"),
        ],
        "{errors:#?}"
    );
    assert!(errors[0].2.contains("Vòng lặp"), "{}", errors[0].2);
    assert!(errors[2].2.contains("KHONGCO"), "{}", errors[2].2);
    assert!(errors[3].2.contains("chuyển đơn vị"), "{}", errors[3].2);
    assert_eq!(env.dump().await, snapshot);

    // A ward office may import only inside its ward.
    let office_b = principal(Role::Office, &t.ward_b, None);
    let errors = rejected(
        db.imports()
            .import_units(
                &cli(),
                Some(&office_b),
                units_file(&["P9-KP3,Chi bộ Khu phố 3,Chi bộ,P9,"]),
                false,
            )
            .await
            .unwrap(),
    );
    assert_eq!(errors.len(), 1);
    // The parent is outside the office's ward: answered as an unknown code would be.
    assert!(
        errors[0]
            .2
            .contains("Không tìm thấy đơn vị cấp trên có mã \"P9\""),
        "{}",
        errors[0].2
    );
    // Renaming through an import is an update, audited.
    let audits0 = audit_total(db, &admin).await;
    let r = done(
        db.imports()
            .import_units(
                &cli(),
                Some(&admin),
                units_file(&["P9-KP2,Chi bộ Khu phố 2 (mới),Chi bộ,P9,2"]),
                false,
            )
            .await
            .unwrap(),
    );
    assert_eq!(r, report(1, 0, 1, 0));
    assert_eq!(audit_total(db, &admin).await, audits0 + 1);
    assert_eq!(
        db.units()
            .unit_by_code(&admin, "P9-KP2")
            .await
            .unwrap()
            .name,
        "Chi bộ Khu phố 2 (mới)"
    );
}
on_every_backend!(env: unit_import);

/// The command line imports a whole tree into an empty database: a new root and units under it in the same
/// file (an unscoped import); a scoped caller's parentless row goes under the caller's unit.
pub async fn a_whole_tree_into_an_empty_database(db: &Db) {
    let file = [
        "P1-KP1,Chi bộ Khu phố 1,Chi bộ,P1,1",
        "TU2,Thành ủy Thử,party_committee,,1",
        "P1,Đảng bộ Phường 1,Đảng bộ cơ sở,TU2,1",
    ];
    let r = done(
        db.imports()
            .import_units(&cli(), None, units_file(&file), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(3, 3, 0, 0));
    let root = db
        .units()
        .unit_by_code_unscoped("TU2")
        .await
        .unwrap()
        .unwrap();
    let cell = db
        .units()
        .unit_by_code_unscoped("P1-KP1")
        .await
        .unwrap()
        .unwrap();
    assert!(
        cell.path.starts_with(&root.path),
        "{} under {}",
        cell.path,
        root.path
    );
    // A scoped caller's row without a parent goes under the caller's own unit: no second root.
    let admin = principal(domain::Role::Admin, &root, None);
    let again = [
        "TU3,Thành ủy Khác,party_committee,,1",
        "P3,Đảng bộ Phường 3,Đảng bộ cơ sở,TU3,1",
    ];
    let r = done(
        db.imports()
            .import_units(&cli(), Some(&admin), units_file(&again), false)
            .await
            .unwrap(),
    );
    assert_eq!(r, report(2, 2, 0, 0));
    let tu3 = db
        .units()
        .unit_by_code_unscoped("TU3")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(tu3.parent_id, Some(root.id));
}

on_every_backend!(db: a_whole_tree_into_an_empty_database);
