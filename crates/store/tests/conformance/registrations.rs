//! Registrations (issue 4) on both backends: quality flags on write, the workflow with the right approver,
//! versions after approval, copy detection and clusters, scope, ratings.

use crate::common::*;
use domain::quality::Flag;
use domain::registration::{Action, Rating, Status};
use domain::Role;
use store::{Db, ItemInput, StoreError};

fn item(content: &str, duty: &str, target: &str) -> ItemInput {
    ItemInput::new(content, duty, target, Some(d(2019, 11, 30)))
}

fn specific() -> Vec<ItemInput> {
    vec![
        item(
            "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được",
            "Công tác dân vận",
            "15 hộ",
        ),
        item(
            "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền của phường",
            "Công tác chuyên môn",
            "100% đơn thư",
        ),
        item(
            "Tổ chức lớp bồi dưỡng kỹ năng dân vận cho cán bộ tổ dân phố",
            "Công tác dân vận",
            "02 lớp",
        ),
    ]
}

fn other_registration() -> Vec<ItemInput> {
    vec![
        item(
            "Kèm cặp học sinh yếu môn Toán lớp 9A để nâng tỷ lệ đạt trung bình trở lên",
            "Công tác chuyên môn",
            "95% học sinh",
        ),
        item(
            "Soạn giảng ứng dụng công nghệ thông tin trong các tiết thao giảng cấp trường",
            "Công tác chuyên môn",
            "04 tiết",
        ),
        item(
            "Viết sáng kiến kinh nghiệm về phương pháp dạy học hình học cho học sinh lớp 9",
            "Công tác chuyên môn",
            "01 sáng kiến",
        ),
    ]
}

struct World {
    t: Tree,
    a: i64,
    b: i64,
    c: i64,
    head: i64,
}

async fn world(db: &Db) -> World {
    let t = tree(db).await;
    let admin = t.admin();
    let a = add_member(db, &admin, person("Nguyễn Thị An", "900001"), &t.cell_a1).await;
    let b = add_member(db, &admin, person("Trần Văn Bình", "900002"), &t.cell_a2).await;
    let c = add_member(db, &admin, person("Lê Văn Cường", "900003"), &t.cell_b1).await;
    let mut h = person("Phạm Văn Hải", "900004");
    h.positions = vec![("Bí thư Chi bộ".into(), "Lãnh đạo chi bộ Khu phố 1".into())];
    let head = add_member(db, &admin, h, &t.cell_a1).await;
    World { t, a, b, c, head }
}

fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid(v) => v
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

pub async fn flags_on_write(db: &Db) {
    let w = world(db).await;
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let mut items = specific();
    items.push(ItemInput::new(
        "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước",
        "",
        "",
        None,
    ));
    let r = db
        .create_registration(&cli(), &me, w.a, 2019, &items)
        .await
        .unwrap();
    assert_eq!(r.status, Status::Draft);
    assert_eq!(r.items.len(), 4);
    for i in &r.items[..3] {
        assert!(i.flags.is_empty(), "a specific item passes: {:?}", i.flags);
    }
    let vague: Vec<Flag> = r.items[3].flags.iter().map(|f| f.flag).collect();
    for f in [
        Flag::Vague,
        Flag::NoTarget,
        Flag::NoDeadline,
        Flag::NotTiedToDuty,
    ] {
        assert!(vague.contains(&f), "{f:?} in {vague:?}");
    }
    assert!(r.items[0].target_number == Some(15.0));
    assert_eq!(r.pledges.len(), 27);
    // One registration per member and year.
    let again = db
        .create_registration(&cli(), &me, w.a, 2019, &specific())
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
    // A member cannot write someone else's; an empty one is refused with a message.
    assert!(matches!(
        db.create_registration(&cli(), &me, w.head, 2019, &specific())
            .await,
        Err(StoreError::NotFound)
    ));
    let other = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    assert!(invalid(
        db.create_registration(&cli(), &other, w.b, 2019, &[])
            .await
            .unwrap_err()
    )
    .contains("ít nhất một"));
}

pub async fn workflow_and_versions(db: &Db) {
    let w = world(db).await;
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let cell_sec = principal(Role::Secretary, &w.t.cell_a1, Some(w.head));
    let ward_sec = principal(Role::Secretary, &w.t.ward_a, None);
    let other_cell = principal(Role::Secretary, &w.t.cell_a2, None);
    let r = db
        .create_registration(&cli(), &me, w.a, 2019, &specific())
        .await
        .unwrap();
    // Approving a draft is illegal; so is approving before submission by anyone.
    assert!(invalid(
        db.registration_action(&cli(), &cell_sec, r.id, Action::Approve, "", &[])
            .await
            .unwrap_err()
    )
    .contains("không thể duyệt"));
    let r = db
        .registration_action(&cli(), &me, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Submitted);
    assert!(r.first_submitted_at.is_some());
    // Only the member's cell secretary approves.
    assert!(matches!(
        db.registration_action(&cli(), &ward_sec, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.registration_action(&cli(), &other_cell, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.registration_action(&cli(), &me, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Return needs a comment; per-item comments are kept on the items.
    assert!(invalid(
        db.registration_action(&cli(), &cell_sec, r.id, Action::Return, " ", &[])
            .await
            .unwrap_err()
    )
    .contains("ý kiến"));
    let r = db
        .registration_action(
            &cli(),
            &cell_sec,
            r.id,
            Action::Return,
            "Ghi rõ hơn nội dung 3",
            &[(3, "Lớp cho ai, mấy buổi?".into())],
        )
        .await
        .unwrap();
    assert_eq!(r.status, Status::Returned);
    assert_eq!(r.items[2].return_comment, "Lớp cho ai, mấy buổi?");
    let mut fixed = specific();
    fixed[2].content = "Tổ chức 02 lớp bồi dưỡng kỹ năng dân vận cho 40 cán bộ tổ dân phố".into();
    let r = db
        .update_registration(&cli(), &me, r.id, &fixed)
        .await
        .unwrap();
    assert_eq!(r.status, Status::Returned);
    let r = db
        .registration_action(&cli(), &me, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    assert!(r.items.iter().all(|i| i.return_comment.is_empty()));
    let r = db
        .registration_action(&cli(), &cell_sec, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Approved);
    assert_eq!(r.approved_by.as_deref(), Some(cli().username.as_str()));
    // Approved content is locked.
    assert!(matches!(
        db.update_registration(&cli(), &me, r.id, &specific()).await,
        Err(StoreError::Invalid(_))
    ));
    // Not disclosed: cannot be published.
    assert!(matches!(
        db.registration_action(&cli(), &cell_sec, r.id, Action::Publish, "", &[])
            .await,
        Err(StoreError::Invalid(_))
    ));
    // A change after approval is a new version; the approved one is kept.
    let v2 = db
        .registration_action(&cli(), &me, r.id, Action::Revise, "Bổ sung nội dung", &[])
        .await
        .unwrap();
    assert_eq!((v2.version, v2.status), (2, Status::Draft));
    assert_ne!(v2.id, r.id);
    let old = db.registration(&me, r.id).await.unwrap();
    assert!(old.superseded && old.status == Status::Approved);
    assert!(db
        .update_registration(&cli(), &me, old.id, &specific())
        .await
        .is_err());
    let (versions, events) = db.registration_history(&me, v2.id).await.unwrap();
    assert_eq!(versions.len(), 2);
    let actions: Vec<&str> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["create", "submit", "return", "submit", "approve", "revise"]
    );
}

pub async fn heads_are_approved_above_and_published(db: &Db) {
    let w = world(db).await;
    let head = principal(Role::Secretary, &w.t.cell_a1, Some(w.head));
    let ward_sec = principal(Role::Secretary, &w.t.ward_a, None);
    let r = db
        .create_registration(&cli(), &head, w.head, 2019, &specific())
        .await
        .unwrap();
    assert!(r.head && r.disclosed);
    let r = db
        .registration_action(&cli(), &head, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    // The cell secretary is the head: never their own, the ward approves.
    assert!(db
        .registration_action(&cli(), &head, r.id, Action::Approve, "", &[])
        .await
        .is_err());
    let r = db
        .registration_action(&cli(), &ward_sec, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    let r = db
        .registration_action(&cli(), &ward_sec, r.id, Action::Publish, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Published);
    assert!(r.published_at.is_some());
}

pub async fn copies_are_flagged_and_clustered(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let a = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let b = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    let c = principal(Role::Member, &w.t.cell_b1, Some(w.c));
    db.create_registration(&cli(), &a, w.a, 2019, &specific())
        .await
        .unwrap();
    // B pastes A's registration with small edits: flagged as copied, naming A.
    let mut pasted = specific();
    pasted[0].content =
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3 khu phố 2, để xe cứu thương vào được".into();
    pasted[1].target = "100% đơn thư".into();
    let rb = db
        .create_registration(&cli(), &b, w.b, 2019, &pasted)
        .await
        .unwrap();
    let copied: Vec<&str> = rb.items[0]
        .flags
        .iter()
        .filter(|f| f.flag == Flag::Copied)
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(copied.len(), 1, "{:?}", rb.items[0].flags);
    // The writer learns that it matches another registration, never whose (that is for the secretary).
    assert!(
        copied[0].contains("trùng với 1 bản đăng ký khác"),
        "{}",
        copied[0]
    );
    assert!(!copied[0].contains("Nguyễn Thị An"), "{}", copied[0]);
    // C, in another ward, writes a different registration sharing only the form.
    let rc = db
        .create_registration(&cli(), &c, w.c, 2019, &other_registration())
        .await
        .unwrap();
    assert!(rc
        .items
        .iter()
        .all(|i| i.flags.iter().all(|f| f.flag != Flag::Copied)));
    let clusters = db
        .copy_clusters(&admin, &w.t.root.path, 2019)
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1, "{clusters:?}");
    let mut ids = clusters[0].member_ids.clone();
    ids.sort();
    let mut want = vec![w.a, w.b];
    want.sort();
    assert_eq!(ids, want);
    assert!(clusters[0].cross_unit);
    // Another year: nothing.
    assert!(db
        .copy_clusters(&admin, &w.t.root.path, 2020)
        .await
        .unwrap()
        .is_empty());
    // A ward secretary of the other ward does not see these clusters; a member sees none at all.
    let p8 = principal(Role::Secretary, &w.t.ward_b, None);
    assert!(db
        .copy_clusters(&p8, &w.t.ward_b.path, 2019)
        .await
        .unwrap()
        .is_empty());
    assert!(db.copy_clusters(&a, &w.t.cell_a1.path, 2019).await.is_err());
}

pub async fn scope_and_ratings(db: &Db) {
    let w = world(db).await;
    let a = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let r = db
        .create_registration(&cli(), &a, w.a, 2019, &specific())
        .await
        .unwrap();
    let p8 = principal(Role::Secretary, &w.t.ward_b, None);
    assert!(matches!(
        db.registration(&p8, r.id).await,
        Err(StoreError::NotFound)
    ));
    let b = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    assert!(matches!(
        db.registration(&b, r.id).await,
        Err(StoreError::NotFound)
    ));
    let insp = principal(Role::Inspector, &w.t.root, None);
    assert!(db.registration(&insp, r.id).await.is_ok());
    assert!(matches!(
        db.registration_action(&cli(), &insp, r.id, Action::Submit, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    // Ratings: no assessment yet, so any rating needs a reason; with one it is saved.
    let sec = principal(Role::Secretary, &w.t.cell_a1, None);
    assert!(invalid(
        db.rate_member(&cli(), &sec, w.a, 2019, Rating::Good, "")
            .await
            .unwrap_err()
    )
    .contains("lý do"));
    let warn = db
        .rate_member(
            &cli(),
            &sec,
            w.a,
            2019,
            Rating::Excellent,
            "Có sáng kiến được thành phố công nhận",
        )
        .await
        .unwrap();
    assert!(warn.is_some(), "one xuất sắc and no tốt exceeds 20%");
    assert!(matches!(
        db.rate_member(&cli(), &p8, w.a, 2019, Rating::Good, "Lý do đủ dài để ghi")
            .await,
        Err(StoreError::NotFound)
    ));
}

on_every_backend!(db: flags_on_write);
on_every_backend!(db: workflow_and_versions);
on_every_backend!(db: heads_are_approved_above_and_published);
on_every_backend!(db: copies_are_flagged_and_clustered);
on_every_backend!(db: scope_and_ratings);
