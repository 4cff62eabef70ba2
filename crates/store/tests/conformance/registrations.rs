//! Registrations on both backends: quality flags on write, the workflow with the right approver,
//! versions after approval, copy detection and clusters, scope, ratings.

use crate::common::*;
use domain::quality::Flag;
use domain::registration::{Action, Rating, Status};
use domain::Role;
use store::{Db, FeedbackSubmission, ItemInput, StoreError};

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
    h.positions = vec![domain::member::PositionInput::new(
        "Bí thư Chi bộ",
        "Lãnh đạo chi bộ Khu phố 1",
    )];
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
        .registrations()
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
        .registrations()
        .create_registration(&cli(), &me, w.a, 2019, &specific())
        .await
        .unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");
    // A member cannot write someone else's; an empty one is refused with a message.
    assert!(matches!(
        db.registrations()
            .create_registration(&cli(), &me, w.head, 2019, &specific())
            .await,
        Err(StoreError::NotFound)
    ));
    let other = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    assert!(invalid(
        db.registrations()
            .create_registration(&cli(), &other, w.b, 2019, &[])
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
        .registrations()
        .create_registration(&cli(), &me, w.a, 2019, &specific())
        .await
        .unwrap();
    // Approving a draft is illegal; so is approving before submission by anyone.
    assert!(invalid(
        db.registrations()
            .registration_action(&cli(), &cell_sec, r.id, Action::Approve, "", &[])
            .await
            .unwrap_err()
    )
    .contains("không thể duyệt"));
    let r = db
        .registrations()
        .registration_action(&cli(), &me, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Submitted);
    assert!(r.first_submitted_at.is_some());
    // Only the member's cell secretary approves.
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &ward_sec, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &other_cell, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &me, r.id, Action::Approve, "", &[])
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Return needs a comment; per-item comments are kept on the items.
    assert!(invalid(
        db.registrations()
            .registration_action(&cli(), &cell_sec, r.id, Action::Return, " ", &[])
            .await
            .unwrap_err()
    )
    .contains("ý kiến"));
    let r = db
        .registrations()
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
        .registrations()
        .update_registration(&cli(), &me, r.id, &fixed)
        .await
        .unwrap();
    assert_eq!(r.status, Status::Returned);
    let r = db
        .registrations()
        .registration_action(&cli(), &me, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    assert!(r.items.iter().all(|i| i.return_comment.is_empty()));
    let r = db
        .registrations()
        .registration_action(&cli(), &cell_sec, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    assert_eq!(r.status, Status::Approved);
    assert_eq!(r.approved_by.as_deref(), Some(cli().username.as_str()));
    // Approved content is locked.
    assert!(matches!(
        db.registrations()
            .update_registration(&cli(), &me, r.id, &specific())
            .await,
        Err(StoreError::Invalid(_))
    ));
    // Not disclosed: cannot be published.
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &cell_sec, r.id, Action::Publish, "", &[])
            .await,
        Err(StoreError::Invalid(_))
    ));
    // A change after approval is a new version; the approved one is kept.
    let v2 = db
        .registrations()
        .registration_action(&cli(), &me, r.id, Action::Revise, "Bổ sung nội dung", &[])
        .await
        .unwrap();
    assert_eq!((v2.version, v2.status), (2, Status::Draft));
    assert_ne!(v2.id, r.id);
    let old = db.registrations().registration(&me, r.id).await.unwrap();
    assert!(old.superseded && old.status == Status::Approved);
    assert!(db
        .registrations()
        .update_registration(&cli(), &me, old.id, &specific())
        .await
        .is_err());
    let (versions, events) = db
        .registrations()
        .registration_history(&me, v2.id)
        .await
        .unwrap();
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
        .registrations()
        .create_registration(&cli(), &head, w.head, 2019, &specific())
        .await
        .unwrap();
    assert!(r.head && r.disclosed);
    let r = db
        .registrations()
        .registration_action(&cli(), &head, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    // The cell secretary is the head: never their own, the ward approves.
    assert!(db
        .registrations()
        .registration_action(&cli(), &head, r.id, Action::Approve, "", &[])
        .await
        .is_err());
    let r = db
        .registrations()
        .registration_action(&cli(), &ward_sec, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    let r = db
        .registrations()
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
    db.registrations()
        .create_registration(&cli(), &a, w.a, 2019, &specific())
        .await
        .unwrap();
    // B pastes A's registration with small edits: flagged as copied, naming A.
    let mut pasted = specific();
    pasted[0].content =
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3 khu phố 2, để xe cứu thương vào được".into();
    pasted[1].target = "100% đơn thư".into();
    let rb = db
        .registrations()
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
        .registrations()
        .create_registration(&cli(), &c, w.c, 2019, &other_registration())
        .await
        .unwrap();
    assert!(rc
        .items
        .iter()
        .all(|i| i.flags.iter().all(|f| f.flag != Flag::Copied)));
    let clusters = db
        .registrations()
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
        .registrations()
        .copy_clusters(&admin, &w.t.root.path, 2020)
        .await
        .unwrap()
        .is_empty());
    // A ward secretary of the other ward does not see these clusters; a member sees none at all.
    let p8 = principal(Role::Secretary, &w.t.ward_b, None);
    assert!(db
        .registrations()
        .copy_clusters(&p8, &w.t.ward_b.path, 2019)
        .await
        .unwrap()
        .is_empty());
    assert!(db
        .registrations()
        .copy_clusters(&a, &w.t.cell_a1.path, 2019)
        .await
        .is_err());
}

pub async fn scope_and_ratings(db: &Db) {
    let w = world(db).await;
    let a = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let r = db
        .registrations()
        .create_registration(&cli(), &a, w.a, 2019, &specific())
        .await
        .unwrap();
    let p8 = principal(Role::Secretary, &w.t.ward_b, None);
    assert!(matches!(
        db.registrations().registration(&p8, r.id).await,
        Err(StoreError::NotFound)
    ));
    let b = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    assert!(matches!(
        db.registrations().registration(&b, r.id).await,
        Err(StoreError::NotFound)
    ));
    let insp = principal(Role::Inspector, &w.t.root, None);
    assert!(db.registrations().registration(&insp, r.id).await.is_ok());
    assert!(matches!(
        db.registrations()
            .registration_action(&cli(), &insp, r.id, Action::Submit, "", &[])
            .await,
        Err(StoreError::Forbidden)
    ));
    // Ratings: no assessment yet, so any proposal needs a reason; with one it is saved, and the ward
    // decides as proposed (docs/DOMAIN.md § Rating).
    let sec = principal(Role::Secretary, &w.t.cell_a1, None);
    assert!(invalid(
        db.registrations()
            .propose_rating(&cli(), &sec, w.a, 2019, Rating::Good, "")
            .await
            .unwrap_err()
    )
    .contains("lý do"));
    db.registrations()
        .propose_rating(
            &cli(),
            &sec,
            w.a,
            2019,
            Rating::Excellent,
            "Có sáng kiến được thành phố công nhận",
        )
        .await
        .unwrap();
    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    let warn = db
        .registrations()
        .rate_member(&cli(), &ward, w.a, 2019, Rating::Excellent, "")
        .await
        .unwrap();
    assert!(warn.is_some(), "one xuất sắc and no tốt exceeds 20%");
    assert!(matches!(
        db.registrations()
            .rate_member(&cli(), &p8, w.a, 2019, Rating::Good, "Lý do đủ dài để ghi")
            .await,
        Err(StoreError::NotFound)
    ));
}

on_every_backend!(db: flags_on_write);
on_every_backend!(db: workflow_and_versions);
on_every_backend!(db: heads_are_approved_above_and_published);
on_every_backend!(db: copies_are_flagged_and_clustered);
on_every_backend!(db: scope_and_ratings);

/// Ids of the current registrations of `year` a principal lists under `path` (the unit's list), or None when
/// the list itself is refused.
async fn listed(db: &Db, p: &domain::policy::Principal, path: &str, year: i32) -> Vec<i64> {
    let (regs, _) = db
        .registrations()
        .registrations_in(p, path, year, None, 1000)
        .await
        .unwrap();
    regs.iter().map(|r| r.id).collect()
}

fn items_of_year(year: i32) -> Vec<ItemInput> {
    specific()
        .into_iter()
        .map(|mut i| {
            i.deadline = Some(d(year, 11, 30));
            i
        })
        .collect()
}

/// A transfer (chuyển sinh hoạt) from ward A to ward B: the member's registrations from the transfer's
/// year on go with them — lists, reads, writes, approval, reviews, copy checks, clusters, ratings and
/// feedback — while the earlier years stay with ward A; ward A cannot tell the moved one exists.
pub async fn registrations_follow_a_transfer(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let cell_a = principal(Role::Secretary, &w.t.cell_a1, None);
    let ward_a = principal(Role::Secretary, &w.t.ward_a, None);
    let cell_b = principal(Role::Secretary, &w.t.cell_b1, None);
    let ward_b = principal(Role::Secretary, &w.t.ward_b, None);
    let past = db
        .registrations()
        .create_registration(&cli(), &me, w.a, 2025, &items_of_year(2025))
        .await
        .unwrap();
    let now = db
        .registrations()
        .create_registration(&cli(), &me, w.a, 2026, &items_of_year(2026))
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &me, now.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.registrations()
        .propose_rating(
            &cli(),
            &cell_a,
            w.a,
            2025,
            Rating::Good,
            "Hoàn thành tốt nhiệm vụ năm 2025",
        )
        .await
        .unwrap();
    db.registrations()
        .rate_member(&cli(), &ward_a, w.a, 2025, Rating::Good, "")
        .await
        .unwrap();
    assert!(listed(db, &ward_a, &w.t.ward_a.path, 2026)
        .await
        .contains(&now.id));
    assert!(db
        .registrations()
        .approval_queue(&cell_a)
        .await
        .unwrap()
        .iter()
        .any(|r| r.id == now.id));

    db.members()
        .transfer_member(&cli(), &admin, w.a, "P8-KP1", d(2026, 6, 1))
        .await
        .unwrap();

    // Ward A: the moved registration is "not found" everywhere, exactly like an id that does not exist.
    for p in [&cell_a, &ward_a] {
        assert!(matches!(
            db.registrations().registration(p, now.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.registrations().registration(p, 987_654).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.registrations()
                .update_registration(&cli(), p, now.id, &items_of_year(2026))
                .await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            db.registrations()
                .registration_action(&cli(), p, now.id, Action::Approve, "", &[])
                .await,
            Err(StoreError::NotFound)
        ));
        // A new registration for the member: 404 as for a member that does not exist, never a 409 naming
        // the existing one.
        for year in [2026, 2027] {
            let e = db
                .registrations()
                .create_registration(&cli(), p, w.a, year, &items_of_year(year))
                .await
                .unwrap_err();
            assert!(matches!(e, StoreError::NotFound), "{e:?}");
        }
        assert!(!listed(db, p, &p.unit_path, 2026).await.contains(&now.id));
        assert!(!db
            .registrations()
            .approval_queue(p)
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == now.id));
    }
    // The earlier year is ward A's history: still listed and read there.
    assert!(listed(db, &ward_a, &w.t.ward_a.path, 2025)
        .await
        .contains(&past.id));
    assert!(db
        .registrations()
        .registration(&ward_a, past.id)
        .await
        .is_ok());
    let report_a = db
        .registrations()
        .registration_report(&ward_a, w.t.ward_a.id, 2025)
        .await
        .unwrap();
    assert_eq!(report_a.total.registered, 1);

    // Ward B: reads both (the member's history), lists and approves the current one.
    for p in [&cell_b, &ward_b] {
        assert!(db.registrations().registration(p, now.id).await.is_ok());
        assert!(db.registrations().registration(p, past.id).await.is_ok());
        assert!(listed(db, p, &p.unit_path, 2026).await.contains(&now.id));
    }
    assert!(!listed(db, &ward_b, &w.t.ward_b.path, 2025)
        .await
        .contains(&past.id));
    let queue = db.registrations().approval_queue(&cell_b).await.unwrap();
    assert_eq!(queue.iter().map(|r| r.id).collect::<Vec<_>>(), vec![now.id]);
    assert_eq!(queue[0].unit_id, w.t.cell_b1.id);
    // Within scope a duplicate may still say so.
    assert!(matches!(
        db.registrations()
            .create_registration(&cli(), &cell_b, w.a, 2026, &items_of_year(2026))
            .await,
        Err(StoreError::Conflict(_))
    ));
    let r = db
        .registrations()
        .registration_action(&cli(), &cell_b, now.id, Action::Approve, "", &[])
        .await
        .unwrap();
    assert_eq!((r.status, r.unit_id), (Status::Approved, w.t.cell_b1.id));
    // Year-end review by the member, assessment by the new cell (the test clock is 27/11/2026).
    let me_b = principal(Role::Member, &w.t.cell_b1, Some(w.a));
    let review = |outcome| {
        vec![store::ReviewInput {
            position: 1,
            outcome: Some(outcome),
            note: "Đã vận động đủ 15 hộ".into(),
            evidence: String::new(),
        }]
    };
    db.registrations()
        .self_review(
            &cli(),
            &me_b,
            now.id,
            domain::registration::Stage::Yearend,
            &review(domain::registration::Outcome::Done),
        )
        .await
        .unwrap();
    assert!(matches!(
        db.registrations()
            .assess_registration(
                &cli(),
                &cell_a,
                now.id,
                &review(domain::registration::Outcome::Done)
            )
            .await,
        Err(StoreError::NotFound)
    ));
    db.registrations()
        .assess_registration(
            &cli(),
            &cell_b,
            now.id,
            &review(domain::registration::Outcome::Done),
        )
        .await
        .unwrap();
    // A new version after approval stays with ward B.
    let v2 = db
        .registrations()
        .registration_action(&cli(), &me_b, now.id, Action::Revise, "Bổ sung", &[])
        .await
        .unwrap();
    assert_eq!(v2.unit_id, w.t.cell_b1.id);
    assert!(matches!(
        db.registrations().registration(&ward_a, v2.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(listed(db, &ward_b, &w.t.ward_b.path, 2026)
        .await
        .contains(&v2.id));

    // Copies: C (ward B) pastes the moved registration; the writer's check and the clusters find it under
    // ward B, none under ward A.
    let c = principal(Role::Member, &w.t.cell_b1, Some(w.c));
    let rc = db
        .registrations()
        .create_registration(&cli(), &c, w.c, 2026, &items_of_year(2026))
        .await
        .unwrap();
    assert!(
        rc.items[0].flags.iter().any(|f| f.flag == Flag::Copied),
        "{:?}",
        rc.items[0].flags
    );
    let clusters_b = db
        .registrations()
        .copy_clusters(&ward_b, &w.t.ward_b.path, 2026)
        .await
        .unwrap();
    assert_eq!(clusters_b.len(), 1, "{clusters_b:?}");
    let mut ids = clusters_b[0].registration_ids.clone();
    ids.sort();
    assert_eq!(ids, {
        let mut v = vec![v2.id, rc.id];
        v.sort();
        v
    });
    assert!(db
        .registrations()
        .copy_clusters(&ward_a, &w.t.ward_a.path, 2026)
        .await
        .unwrap()
        .is_empty());
    // A's 2026 rating is written where the registration is held; the 2025 one stays with ward A.
    db.registrations()
        .propose_rating(
            &cli(),
            &cell_b,
            w.a,
            2026,
            Rating::Good,
            "Hoàn thành tốt nhiệm vụ năm 2026",
        )
        .await
        .unwrap();
    db.registrations()
        .rate_member(&cli(), &ward_b, w.a, 2026, Rating::Good, "")
        .await
        .unwrap();
    let rep_b = db
        .registrations()
        .registration_report(&ward_b, w.t.ward_b.id, 2026)
        .await
        .unwrap();
    assert_eq!(rep_b.total.rated, 1, "{:?}", rep_b.total);
    let rep_a = db
        .registrations()
        .registration_report(&ward_a, w.t.ward_a.id, 2025)
        .await
        .unwrap();
    assert_eq!(rep_a.total.rated, 1, "{:?}", rep_a.total);
}

/// A back-dated transfer (recorded now, effective last year) moves last year's registration too; years
/// before it stay. The same through an import that changes the member's unit code.
pub async fn back_dated_and_imported_transfers(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let ward_a = principal(Role::Secretary, &w.t.ward_a, None);
    let ward_b = principal(Role::Secretary, &w.t.ward_b, None);
    let me = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let mut ids = Vec::new();
    for year in [2024, 2025, 2026] {
        ids.push(
            db.registrations()
                .create_registration(&cli(), &me, w.a, year, &items_of_year(year))
                .await
                .unwrap()
                .id,
        );
    }
    db.members()
        .transfer_member(&cli(), &admin, w.a, "P8-KP1", d(2025, 12, 1))
        .await
        .unwrap();
    assert!(listed(db, &ward_a, &w.t.ward_a.path, 2024)
        .await
        .contains(&ids[0]));
    assert!(db
        .registrations()
        .registration(&ward_a, ids[0])
        .await
        .is_ok());
    for (k, year) in [(1, 2025), (2, 2026)] {
        assert!(matches!(
            db.registrations().registration(&ward_a, ids[k]).await,
            Err(StoreError::NotFound)
        ));
        assert!(!listed(db, &ward_a, &w.t.ward_a.path, year)
            .await
            .contains(&ids[k]));
        assert!(listed(db, &ward_b, &w.t.ward_b.path, year)
            .await
            .contains(&ids[k]));
    }

    // An import row with another unit code is a transfer too: B (cell P7-KP2) moves to P8-KP1.
    let mb = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    let rb = db
        .registrations()
        .create_registration(&cli(), &mb, w.b, 2026, &other_registration())
        .await
        .unwrap();
    let b = db.members().member(&admin, w.b).await.unwrap();
    let row = format!(
        "P8-KP1,{},15/03/1980,,{},,19/05/2010,19/05/2011,,,01/10/2026",
        b.full_name,
        b.card_number.clone().unwrap_or_default()
    );
    let file = office::parse_members(
        "dang-vien.csv",
        format!("Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày\n{row}\n").as_bytes(),
        today(),
    )
    .unwrap();
    match db
        .imports()
        .import_members(&cli(), Some(&admin), file, false)
        .await
        .unwrap()
    {
        store::ImportOutcome::Done(r) => assert_eq!(r.updated, 1, "{r:?}"),
        other => panic!("import refused: {other:?}"),
    }
    assert_eq!(
        db.members().member(&admin, w.b).await.unwrap().unit_id,
        w.t.cell_b1.id
    );
    assert!(matches!(
        db.registrations().registration(&ward_a, rb.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(listed(db, &ward_b, &w.t.ward_b.path, 2026)
        .await
        .contains(&rb.id));
}

/// A cell moved to another ward takes its registrations (every year) along; a cell closed after its
/// members were transferred to another (a merger) leaves their current registrations with the new cell.
pub async fn registrations_follow_unit_moves_and_mergers(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let ward_a = principal(Role::Secretary, &w.t.ward_a, None);
    let ward_b = principal(Role::Secretary, &w.t.ward_b, None);
    let mb = principal(Role::Member, &w.t.cell_a2, Some(w.b));
    let old = db
        .registrations()
        .create_registration(&cli(), &mb, w.b, 2025, &other_registration())
        .await
        .unwrap();
    let rb = db
        .registrations()
        .create_registration(&cli(), &mb, w.b, 2026, &other_registration())
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &mb, rb.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.units()
        .move_unit(&cli(), &admin, w.t.cell_a2.id, w.t.ward_b.id, d(2026, 7, 1))
        .await
        .unwrap();
    for id in [old.id, rb.id] {
        assert!(matches!(
            db.registrations().registration(&ward_a, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(db.registrations().registration(&ward_b, id).await.is_ok());
    }
    assert!(!listed(db, &ward_a, &w.t.ward_a.path, 2026)
        .await
        .contains(&rb.id));
    assert!(listed(db, &ward_b, &w.t.ward_b.path, 2026)
        .await
        .contains(&rb.id));
    assert!(listed(db, &ward_b, &w.t.ward_b.path, 2025)
        .await
        .contains(&old.id));
    // The cell's own secretary still approves (the unit is the same, its path changed).
    let moved_cell = db.units().unit(&admin, w.t.cell_a2.id).await.unwrap();
    let cell_sec = principal(Role::Secretary, &moved_cell, None);
    assert!(db
        .registrations()
        .approval_queue(&cell_sec)
        .await
        .unwrap()
        .iter()
        .any(|r| r.id == rb.id));
    // Copy clusters of ward B see the moved registration (a pasted copy in P8-KP1).
    let c = principal(Role::Member, &w.t.cell_b1, Some(w.c));
    let rc = db
        .registrations()
        .create_registration(&cli(), &c, w.c, 2026, &other_registration())
        .await
        .unwrap();
    assert!(rc.items[0].flags.iter().any(|f| f.flag == Flag::Copied));
    let clusters = db
        .registrations()
        .copy_clusters(&ward_b, &w.t.ward_b.path, 2026)
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1);
    assert!(clusters[0].registration_ids.contains(&rb.id));
    assert!(db
        .registrations()
        .copy_clusters(&ward_a, &w.t.ward_a.path, 2026)
        .await
        .unwrap()
        .is_empty());

    // Merger: cell A1's members go to the (moved) cell A2, then A1 is closed.
    let ma = principal(Role::Member, &w.t.cell_a1, Some(w.a));
    let ra = db
        .registrations()
        .create_registration(&cli(), &ma, w.a, 2026, &specific())
        .await
        .unwrap();
    let cell_a1 = principal(Role::Secretary, &w.t.cell_a1, None);
    for m in [w.a, w.head] {
        db.members()
            .transfer_member(&cli(), &admin, m, "P7-KP2", d(2026, 11, 1))
            .await
            .unwrap();
    }
    db.units()
        .close_unit(&cli(), &admin, w.t.cell_a1.id, d(2026, 11, 2))
        .await
        .unwrap();
    assert!(matches!(
        db.registrations().registration(&cell_a1, ra.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.registrations().registration(&ward_a, ra.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(db
        .registrations()
        .registration(&cell_sec, ra.id)
        .await
        .is_ok());
    assert!(listed(db, &ward_b, &w.t.ward_b.path, 2026)
        .await
        .contains(&ra.id));
}

/// Feedback on a published registration and the portal follow the member; so does the member's account.
pub async fn published_registration_and_feedback_follow(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let head = principal(Role::Secretary, &w.t.cell_a1, Some(w.head));
    let ward_a = principal(Role::Secretary, &w.t.ward_a, None);
    let ward_b = principal(Role::Secretary, &w.t.ward_b, None);
    let r = db
        .registrations()
        .create_registration(&cli(), &head, w.head, 2026, &specific())
        .await
        .unwrap();
    assert!(r.disclosed);
    db.registrations()
        .registration_action(&cli(), &head, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &ward_a, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &ward_a, r.id, Action::Publish, "", &[])
        .await
        .unwrap();
    let portal = db.portal();
    let fb = portal
        .submit_feedback(&FeedbackSubmission {
            subject_type: "registration".into(),
            subject_id: r.id,
            content: "Hẻm 3 khu phố 1 vẫn chưa được mở rộng như đã cam kết".into(),
            name: None,
            contact: None,
            honeypot: None,
            address: "10.0.0.9".into(),
        })
        .await
        .unwrap();
    assert!(db.feedback().feedback_item(&ward_a, fb.id).await.is_ok());
    let name = db.members().member(&admin, w.head).await.unwrap().full_name;
    let on_page = |page: &store::PortalUnitPage| page.registrations.iter().any(|x| x.name == name);
    assert!(on_page(&portal.unit_page("P7", None).await.unwrap()));

    db.members()
        .transfer_member(&cli(), &admin, w.head, "P8-KP1", d(2026, 9, 1))
        .await
        .unwrap();
    assert!(on_page(&portal.unit_page("P8", None).await.unwrap()));
    assert!(!on_page(&portal.unit_page("P7", None).await.unwrap()));
    assert!(matches!(
        db.feedback().feedback_item(&ward_a, fb.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(db.feedback().feedback_item(&ward_b, fb.id).await.is_ok());
}

on_every_backend!(db: registrations_follow_a_transfer);
on_every_backend!(db: back_dated_and_imported_transfers);
on_every_backend!(db: registrations_follow_unit_moves_and_mergers);
on_every_backend!(db: published_registration_and_feedback_follow);
