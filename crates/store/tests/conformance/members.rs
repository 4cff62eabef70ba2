//! Members: validation with Vietnamese messages per field, audited edits, transfers and statuses that
//! "as of a date" queries respect.

use crate::common::*;
use domain::{MemberStatus, Role};
use store::{AuditFilter, Db, FieldError, MembershipEntry, StoreError};

fn invalid(e: StoreError) -> Vec<FieldError> {
    match e {
        StoreError::Invalid(list) => list,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn message_for<'a>(errors: &'a [FieldError], field: &str) -> &'a str {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
        .unwrap_or_else(|| panic!("no error for {field}: {errors:?}"))
}

pub async fn validation(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    add_member(db, &admin, person("Nguyễn Văn An", "001234"), &t.cell_a1).await;
    let before = db.members().member_count().await.unwrap();

    // Several problems at once: each field gets its own Vietnamese message.
    let mut bad = person("   ", "001235");
    bad.joined_on = Some(d(2012, 1, 1));
    bad.official_on = Some(d(2011, 1, 1));
    bad.citizen_id = Some("12345".into());
    let errors = invalid(
        db.members()
            .create_member(&cli(), &admin, &bad, "P7-KP1", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(message_for(&errors, "full_name"), "Thiếu họ và tên");
    assert_eq!(
        message_for(&errors, "official_on"),
        "Ngày chính thức (01/01/2011) không được trước ngày vào Đảng (01/01/2012)"
    );
    assert!(message_for(&errors, "citizen_id").contains("phải có 12 chữ số"));

    // A name needs a family and a given name; a card number needs 6–12 digits; phones are Vietnamese.
    let mut bad = person("An", "12a");
    bad.phone = Some("12345".into());
    let errors = invalid(
        db.members()
            .create_member(&cli(), &admin, &bad, "P7-KP1", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message_for(&errors, "full_name"),
        "Họ và tên phải có ít nhất hai từ: họ và tên"
    );
    assert!(message_for(&errors, "card_number").contains("6–12 chữ số"));
    assert!(message_for(&errors, "phone").starts_with("Số điện thoại"));

    // Neither card number nor citizen ID.
    let mut bad = person("Trần Thị Bé", "");
    bad.card_number = None;
    let errors = invalid(
        db.members()
            .create_member(&cli(), &admin, &bad, "P7-KP1", None)
            .await
            .unwrap_err(),
    );
    assert!(message_for(&errors, "card_number").contains("số CCCD"));

    // The same card number as an existing member (leading zeros are significant).
    let errors = invalid(
        db.members()
            .create_member(
                &cli(),
                &admin,
                &person("Trần Văn Bảy", "001234"),
                "P7-KP1",
                None,
            )
            .await
            .unwrap_err(),
    );
    // The admin may read the holder, so the message names them.
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "card_number");
    assert!(
        errors[0]
            .message
            .starts_with("Số thẻ đảng viên \"001234\" đã thuộc một đảng viên khác: "),
        "{}",
        errors[0].message
    );
    db.members()
        .create_member(
            &cli(),
            &admin,
            &person("Trần Văn Bảy", "1234"),
            "P7-KP1",
            None,
        )
        .await
        .expect_err("4 digits is not a card number");

    // Units: not a party organisation; outside the secretary's ward.
    let errors = invalid(
        db.members()
            .create_member(
                &cli(),
                &admin,
                &person("Trần Văn Bảy", "001236"),
                "MTTQ",
                None,
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message_for(&errors, "unit_code"),
        "\"Ủy ban MTTQ thành phố\" không phải là tổ chức đảng"
    );
    let sec_a = principal(Role::Secretary, &t.ward_a, None);
    let errors = invalid(
        db.members()
            .create_member(
                &cli(),
                &sec_a,
                &person("Trần Văn Bảy", "001236"),
                "P8-KP1",
                None,
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message_for(&errors, "unit_code"),
        "Không có đơn vị mã \"P8-KP1\" trong phạm vi quản lý"
    );
    assert_eq!(
        db.members().member_count().await.unwrap(),
        before,
        "nothing written"
    );

    // And a valid one from the secretary: names are stored NFC with single spaces.
    let m = db
        .members()
        .create_member(
            &cli(),
            &sec_a,
            &person("  Trần   Văn Bảy ", "001236"),
            "P7-KP2",
            None,
        )
        .await
        .expect("valid member");
    assert_eq!(m.full_name, "Trần Văn Bảy");
    assert_eq!(m.unit_code, "P7-KP2");
    assert_eq!(db.members().member(&sec_a, m.id).await.unwrap(), m);
}
on_every_backend!(db: validation);

pub async fn update_is_audited(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let mut input = person("Lê Thị Mai", "400001");
    input.phone = Some("0912345678".into());
    let id = add_member(db, &admin, input.clone(), &t.cell_a1).await;
    let sec_a = principal(Role::Secretary, &t.ward_a, None);
    let filter = AuditFilter {
        object_type: Some("member".into()),
        object_id: Some(id.to_string()),
        per_page: 100,
        ..Default::default()
    };
    let (_, n0) = db.audit().list_audit(&admin, &filter).await.unwrap();
    assert_eq!(n0, 1, "the creation");

    input.phone = Some("+84 913 000 111".into());
    input.positions = vec![domain::member::PositionInput::new(
        "Bí thư Chi bộ",
        "Phụ trách chung",
    )];
    let after = db
        .members()
        .update_member(&cli(), &sec_a, id, &input)
        .await
        .expect("update");
    assert_eq!(after.phone.as_deref(), Some("0913000111"));
    assert!(after.head && after.key_cadre, "Bí thư is a head");
    let stored = db.members().member(&admin, id).await.unwrap();
    assert_eq!(stored, after);

    let (entries, n1) = db.audit().list_audit(&admin, &filter).await.unwrap();
    assert_eq!(n1, 2);
    let e = &entries[0];
    assert_eq!(e.action, "update");
    assert_eq!(e.source, "cli");
    let (b, a) = (e.before.as_ref().unwrap(), e.after.as_ref().unwrap());
    assert_eq!(b["phone"], "0912345678");
    assert_eq!(a["phone"], "0913000111");
    assert_eq!(b["positions"], serde_json::json!([]));
    assert_eq!(
        a["positions"],
        serde_json::json!(["Bí thư Chi bộ (Phụ trách chung)"])
    );
    assert_eq!(a["full_name"], "Lê Thị Mai");

    // Saving the same values again writes no audit entry.
    db.members()
        .update_member(&cli(), &sec_a, id, &input)
        .await
        .unwrap();
    assert_eq!(db.audit().list_audit(&admin, &filter).await.unwrap().1, 2);

    // Taking another member's card number is refused.
    let other = add_member(db, &admin, person("Lê Văn Hai", "400002"), &t.cell_a1).await;
    let mut clash = person("Lê Văn Hai", "400001");
    clash.phone = None;
    let errors = invalid(
        db.members()
            .update_member(&cli(), &admin, other, &clash)
            .await
            .unwrap_err(),
    );
    assert_eq!(errors[0].field, "card_number");

    // Out of scope: not found; in scope without write right: forbidden.
    let sec_b = principal(Role::Secretary, &t.ward_b, None);
    assert!(matches!(
        db.members().update_member(&cli(), &sec_b, id, &input).await,
        Err(StoreError::NotFound)
    ));
    let inspector = principal(Role::Inspector, &t.root, None);
    assert!(matches!(
        db.members()
            .update_member(&cli(), &inspector, id, &input)
            .await,
        Err(StoreError::Forbidden)
    ));
    assert_eq!(db.audit().list_audit(&admin, &filter).await.unwrap().1, 2);
    // Audit needs the capability.
    assert!(matches!(
        db.audit().list_audit(&sec_a, &filter).await,
        Err(StoreError::Forbidden)
    ));
}
on_every_backend!(db: update_is_audited);

pub async fn transfer_and_status_as_of(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let x = add_member(db, &admin, person("Phạm Văn Xuân", "500001"), &t.cell_a1).await;
    let y = add_member(db, &admin, person("Phạm Thị Yến", "500002"), &t.cell_a1).await;
    let sec_a = principal(Role::Secretary, &t.ward_a, None);

    // A ward secretary cannot send a member to another ward; the committee above can.
    let errors = invalid(
        db.members()
            .transfer_member(&cli(), &sec_a, x, "P8-KP1", d(2026, 6, 1))
            .await
            .unwrap_err(),
    );
    assert_eq!(errors[0].field, "unit_code");
    let errors = invalid(
        db.members()
            .transfer_member(&cli(), &admin, x, "MTTQ", d(2026, 6, 1))
            .await
            .unwrap_err(),
    );
    assert!(errors[0].message.contains("không phải là tổ chức đảng"));
    let errors = invalid(
        db.members()
            .transfer_member(&cli(), &admin, x, "P8-KP1", d(2014, 6, 1))
            .await
            .unwrap_err(),
    );
    assert!(
        message_for(&errors, "date").contains("phải sau ngày bắt đầu sinh hoạt"),
        "{errors:?}"
    );
    // (P8-KP1 did not exist yet in 2014 either.)
    assert!(message_for(&errors, "unit_code").contains("không hoạt động"));
    let errors = invalid(
        db.members()
            .transfer_member(&cli(), &admin, x, "P8-KP1", d(2027, 6, 1))
            .await
            .unwrap_err(),
    );
    assert_eq!(errors[0].field, "date");

    let moved = db
        .members()
        .transfer_member(&cli(), &admin, x, "P8-KP1", d(2026, 6, 1))
        .await
        .expect("transfer");
    assert_eq!(moved.unit_code, "P8-KP1");
    let (memberships, _) = db.members().member_history(&admin, x).await.unwrap();
    assert_eq!(
        memberships,
        [
            MembershipEntry {
                unit_id: t.cell_a1.id,
                unit_code: "P7-KP1".into(),
                unit_name: "Chi bộ Khu phố 1".into(),
                from_date: d(2015, 1, 1),
                to_date: Some(d(2026, 6, 1)),
            },
            MembershipEntry {
                unit_id: t.cell_b1.id,
                unit_code: "P8-KP1".into(),
                unit_name: "Chi bộ Khu phố 1".into(),
                from_date: d(2026, 6, 1),
                to_date: None,
            },
        ]
    );
    let as_of = async |unit: &domain::Unit, date| {
        db.members()
            .member_ids_as_of(&unit.path, date)
            .await
            .unwrap()
    };
    let may31 = d(2026, 5, 31);
    let jun1 = d(2026, 6, 1);
    assert_eq!(as_of(&t.cell_a1, may31).await, [x, y]);
    assert_eq!(as_of(&t.cell_a1, jun1).await, [y]);
    assert_eq!(as_of(&t.ward_a, may31).await, [x, y]);
    assert_eq!(as_of(&t.ward_a, jun1).await, [y]);
    assert_eq!(as_of(&t.cell_b1, may31).await, Vec::<i64>::new());
    assert_eq!(as_of(&t.cell_b1, jun1).await, [x]);
    assert_eq!(as_of(&t.root, may31).await, [x, y]);
    assert_eq!(as_of(&t.root, jun1).await, [x, y]);
    // Before they joined the cell nobody counts.
    assert_eq!(as_of(&t.root, d(2014, 12, 31)).await, Vec::<i64>::new());
    // After the transfer the old ward no longer sees the member.
    assert!(matches!(
        db.members().member(&sec_a, x).await,
        Err(StoreError::NotFound)
    ));

    // Exempt from activities from 01/09/2026: still counted before, not from that day.
    let exempt = db
        .members()
        .set_member_status(&cli(), &admin, y, MemberStatus::Exempt, d(2026, 9, 1))
        .await
        .expect("exempt");
    assert_eq!(exempt.status, MemberStatus::Exempt);
    assert_eq!(as_of(&t.cell_a1, d(2026, 8, 31)).await, [y]);
    assert_eq!(as_of(&t.cell_a1, d(2026, 9, 1)).await, Vec::<i64>::new());
    assert_eq!(as_of(&t.cell_a1, today()).await, Vec::<i64>::new());
    let (_, statuses) = db.members().member_history(&admin, y).await.unwrap();
    assert_eq!(
        statuses
            .iter()
            .map(|s| (s.status, s.from_date))
            .collect::<Vec<_>>(),
        [
            (MemberStatus::Active, Some(d(2015, 1, 1))),
            (MemberStatus::Exempt, Some(d(2026, 9, 1)))
        ]
    );
    // Exempt members are still current members (listed), and setting the same status again is refused.
    let errors = invalid(
        db.members()
            .set_member_status(&cli(), &admin, y, MemberStatus::Exempt, d(2026, 10, 1))
            .await
            .unwrap_err(),
    );
    assert_eq!(errors[0].field, "status");
    // Back to active on 01/11/2026.
    db.members()
        .set_member_status(&cli(), &admin, y, MemberStatus::Active, d(2026, 11, 1))
        .await
        .unwrap();
    assert_eq!(as_of(&t.cell_a1, d(2026, 10, 31)).await, Vec::<i64>::new());
    assert_eq!(as_of(&t.cell_a1, d(2026, 11, 1)).await, [y]);
    // An inspector may not change statuses.
    let inspector = principal(Role::Inspector, &t.root, None);
    assert!(matches!(
        db.members()
            .set_member_status(&cli(), &inspector, y, MemberStatus::Deceased, today())
            .await,
        Err(StoreError::Forbidden)
    ));
}
on_every_backend!(db: transfer_and_status_as_of);

/// A member loaded with a non-active status but no date (possible through `load_members`): "as of
/// today" must agree with the member's current status on both backends.
pub async fn undated_status_as_of(db: &Db) {
    let t = tree(db).await;
    let items = vec![store::NewMemberFull {
        input: {
            let mut i = person("Đỗ Văn Mất", "600001");
            i.positions = Vec::new();
            i
        },
        memberships: vec![(t.cell_a1.clone(), d(2015, 1, 1))],
        status: MemberStatus::Deceased,
        status_since: None,
    }];
    let ids = db
        .imports()
        .load_members(&cli(), &items)
        .await
        .expect("load");
    let m = db.members().member(&t.admin(), ids[0]).await.unwrap();
    assert_eq!(m.status, MemberStatus::Deceased);
    assert_eq!(
        db.members()
            .member_ids_as_of(&t.cell_a1.path, today())
            .await
            .unwrap(),
        Vec::<i64>::new(),
        "a deceased member is not counted as active today"
    );
}
on_every_backend!(
    db: undated_status_as_of
);

/// The 12-month probation (Điều lệ Đảng, art. 5) holds on create and on edit, with the message that names
/// both dates and the earliest official day; nothing is written when it is refused.
pub async fn probation_on_create_and_edit(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let before = db.members().member_count().await.unwrap();
    let probation =
        "Ngày chính thức (01/03/2020) phải sau ngày vào Đảng (15/06/2019) ít nhất 12 tháng \
                     (thời kỳ dự bị): sớm nhất là 15/06/2020";
    let mut early = person("Nguyễn Văn Sớm", "510001");
    early.joined_on = Some(d(2019, 6, 15));
    early.official_on = Some(d(2020, 3, 1));
    let errors = invalid(
        db.members()
            .create_member(&cli(), &admin, &early, "P7-KP1", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(message_for(&errors, "official_on"), probation);
    assert_eq!(db.members().member_count().await.unwrap(), before);

    // Exactly 12 months is accepted; moving the official date back into the probation on edit is refused
    // and leaves the stored member as it was.
    let mut ok = early.clone();
    ok.official_on = Some(d(2020, 6, 15));
    let id = add_member(db, &admin, ok, &t.cell_a1).await;
    let stored = db.members().member(&admin, id).await.unwrap();
    assert_eq!(stored.official_on, Some(d(2020, 6, 15)));
    let errors = invalid(
        db.members()
            .update_member(&cli(), &admin, id, &early)
            .await
            .unwrap_err(),
    );
    assert_eq!(message_for(&errors, "official_on"), probation);
    assert_eq!(db.members().member(&admin, id).await.unwrap(), stored);

    // Official without a joining date.
    let mut no_join = person("Trần Văn Thiếu", "510002");
    no_join.joined_on = None;
    no_join.official_on = Some(d(2020, 3, 1));
    let errors = invalid(
        db.members()
            .create_member(&cli(), &admin, &no_join, "P7-KP1", None)
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message_for(&errors, "official_on"),
        "Có ngày chính thức (01/03/2020) nhưng thiếu ngày vào Đảng"
    );
}
on_every_backend!(db: probation_on_create_and_edit);

/// "Xin ra khỏi Đảng" (Điều lệ Đảng, art. 8) is stored and read back as its own status, dated in the
/// history, and behaves like the other "left" statuses: not listed by default, not exported, not counted,
/// not expected from its date.
pub async fn withdrawn_member_has_left(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let stays = add_member(db, &admin, person("Lê Văn Ở", "520001"), &t.cell_a1).await;
    let leaves = add_member(db, &admin, person("Phạm Thị Đi", "520002"), &t.cell_a1).await;
    let left = db
        .members()
        .set_member_status(
            &cli(),
            &admin,
            leaves,
            MemberStatus::Withdrawn,
            d(2026, 3, 1),
        )
        .await
        .expect("withdrawn");
    assert_eq!(left.status, MemberStatus::Withdrawn);
    let stored = db.members().member(&admin, leaves).await.unwrap();
    assert_eq!(stored.status, MemberStatus::Withdrawn);
    assert_eq!(stored.status.label(), "Xin ra khỏi Đảng");
    let (_, statuses) = db.members().member_history(&admin, leaves).await.unwrap();
    assert_eq!(
        statuses
            .iter()
            .map(|s| (s.status, s.from_date))
            .collect::<Vec<_>>(),
        [
            (MemberStatus::Active, Some(d(2015, 1, 1))),
            (MemberStatus::Withdrawn, Some(d(2026, 3, 1)))
        ]
    );

    // Expected at meetings until the day before, not from that day.
    let as_of = async |date| {
        db.members()
            .member_ids_as_of(&t.cell_a1.path, date)
            .await
            .unwrap()
    };
    assert_eq!(as_of(d(2026, 2, 28)).await, [stays, leaves]);
    assert_eq!(as_of(d(2026, 3, 1)).await, [stays]);
    assert_eq!(as_of(today()).await, [stays]);

    // Not a current member: not listed unless asked, not exported, not counted.
    let query = |include_inactive| store::MemberQuery {
        unit_path: Some(t.cell_a1.path.clone()),
        include_inactive,
        page: 1,
        per_page: 50,
        ..Default::default()
    };
    let (listed, total) = db
        .members()
        .search_members(&admin, &query(false))
        .await
        .unwrap();
    assert_eq!(total, 1);
    assert_eq!(listed.iter().map(|m| m.id).collect::<Vec<_>>(), [stays]);
    let (all, _) = db
        .members()
        .search_members(&admin, &query(true))
        .await
        .unwrap();
    let gone = all
        .iter()
        .find(|m| m.id == leaves)
        .expect("listed on request");
    assert_eq!(gone.status, MemberStatus::Withdrawn);
    let exported = db
        .members()
        .members_for_export(&admin, Some(&t.cell_a1.path))
        .await
        .unwrap();
    assert_eq!(exported.iter().map(|m| m.id).collect::<Vec<_>>(), [stays]);
    let stats = db
        .units()
        .scope_stats(&admin, &t.cell_a1.path)
        .await
        .unwrap();
    assert_eq!(stats.members, 1);
    let children = db.units().child_units(&admin, t.ward_a.id).await.unwrap();
    let cell = children
        .iter()
        .find(|c| c.unit.id == t.cell_a1.id)
        .expect("the cell");
    assert_eq!(cell.member_count, 1);

    // The same status twice is refused, in Vietnamese with its label.
    let errors = invalid(
        db.members()
            .set_member_status(
                &cli(),
                &admin,
                leaves,
                MemberStatus::Withdrawn,
                d(2026, 4, 1),
            )
            .await
            .unwrap_err(),
    );
    assert_eq!(
        message_for(&errors, "status"),
        "Đảng viên đã ở trạng thái \"Xin ra khỏi Đảng\""
    );
}
on_every_backend!(db: withdrawn_member_has_left);

/// The store checks the rule again on rows handed to it (not only the file reader): an import whose row
/// breaks the probation is rejected as a whole with the row, the column and the Vietnamese message.
pub async fn import_checks_probation(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let before = db.members().member_count().await.unwrap();
    let row = |line: usize, name: &str, card: &str, official| domain::import::MemberRow {
        line,
        unit_code: t.cell_a1.code.clone(),
        full_name: name.into(),
        birth_date: Some(d(1985, 3, 12)),
        gender: None,
        card_number: Some(card.into()),
        citizen_id: None,
        joined_on: Some(d(2019, 6, 15)),
        official_on: official,
        positions: Vec::new(),
        phone: None,
        since: None,
    };
    let parsed = domain::import::Parsed {
        rows: vec![
            row(2, "Nguyễn Văn Đúng", "530001", Some(d(2020, 6, 15))),
            row(3, "Trần Văn Sớm", "530002", Some(d(2020, 3, 1))),
        ],
        errors: Vec::new(),
    };
    let outcome = db
        .imports()
        .import_members(&cli(), Some(&admin), parsed, false)
        .await
        .unwrap();
    let store::ImportOutcome::Rejected(errors) = outcome else {
        panic!("expected a rejection, got {outcome:?}");
    };
    assert_eq!(
        errors.iter().map(ToString::to_string).collect::<Vec<_>>(),
        [
            "dòng 3, cột \"Ngày chính thức\": Ngày chính thức (01/03/2020) phải sau ngày vào Đảng \
          (15/06/2019) ít nhất 12 tháng (thời kỳ dự bị): sớm nhất là 15/06/2020"
        ]
    );
    assert_eq!(db.members().member_count().await.unwrap(), before);
}
on_every_backend!(db: import_checks_probation);
