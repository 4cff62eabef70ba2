//! The bulk loader of registrations (`Registrations::bulk_load_registrations`, `Registrations::finish_registration_copies`) on
//! both backends: what it writes is what the one-by-one path would have written — flags by the same rules,
//! copy flags by the same check, signatures and LSH keys that the live copy check finds, consistent ids.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/mod.rs"]
#[macro_use]
mod common;

use chrono::{DateTime, TimeZone, Utc};
use common::*;
use domain::member::PositionInput;
use domain::quality::Flag;
use domain::registration::{Action, Outcome, Rating, Status};
use store::{
    Db, ItemInput, ItemKind, NewRating, NewRegistration, NewRegistrationEvent, NewRegistrationItem,
    StoreError,
};

fn at(m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2019, m, d, 2, 30, 0).single().unwrap()
}

fn item(content: &str, duty: &str, target: &str) -> NewRegistrationItem {
    NewRegistrationItem {
        item: ItemInput::new(content, duty, target, Some(d(2019, 11, 30))),
        return_comment: String::new(),
        midyear: None,
        yearend: None,
        assessed: None,
    }
}

/// A resident's registration; `n` changes one number (a copier's edit).
fn resident(n: u32) -> Vec<NewRegistrationItem> {
    vec![
        item(
            &format!("Vận động {n} hộ lân cận tham gia bảo hiểm y tế hộ gia đình, có danh sách theo dõi từng hộ"),
            "Gia đình và nơi cư trú",
            &format!("{n} hộ"),
        ),
        item(
            "Tham gia Tổ Dân vận khu phố 1, tuyên truyền quy định về trật tự đô thị đến các hộ được phân công",
            "Công tác dân vận",
            "12 hộ",
        ),
        item(
            "Đọc 02 cuốn sách về tấm gương đạo đức Hồ Chí Minh, viết bài thu hoạch để trao đổi tại sinh hoạt chi bộ",
            "Học tập lý luận chính trị",
            "02 bài thu hoạch",
        ),
        item(
            "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
            "Tu dưỡng, rèn luyện đạo đức, lối sống",
            "",
        ),
        item(
            "Trồng cây xanh trước nhà trên tuyến đường Đồng Khởi, vận động từ gia đình mình trước",
            "Kinh doanh",
            "15 cây",
        ),
    ]
}

fn events(steps: &[(&str, Option<Status>, Status, DateTime<Utc>)]) -> Vec<NewRegistrationEvent> {
    steps
        .iter()
        .map(|(a, from, to, t)| NewRegistrationEvent {
            action: (*a).to_string(),
            from: *from,
            to: *to,
            by: if *a == "create" || *a == "submit" {
                "demo".into()
            } else {
                "bithu.p7kp1".into()
            },
            at: *t,
            comment: if *a == "return" {
                "Nội dung số 4 còn chung chung, đề nghị ghi rõ việc làm cụ thể".into()
            } else {
                String::new()
            },
        })
        .collect()
}

fn reg(member_id: i64, unit: &domain::Unit, items: Vec<NewRegistrationItem>) -> NewRegistration {
    NewRegistration {
        member_id,
        year: 2019,
        unit_id: unit.id,
        unit_path: unit.path.clone(),
        status: Status::Submitted,
        return_comment: String::new(),
        created_by: "demo".into(),
        created_at: at(2, 20),
        first_submitted_at: Some(at(2, 21)),
        submitted_at: Some(at(2, 21)),
        approved_at: None,
        approved_by: None,
        published_at: None,
        pledged_at: None,
        items,
        events: events(&[
            ("create", None, Status::Draft, at(2, 20)),
            ("submit", Some(Status::Draft), Status::Submitted, at(2, 21)),
        ]),
        rating: None,
    }
}

fn approved(mut r: NewRegistration, cell: &domain::Unit) -> NewRegistration {
    r.status = Status::Approved;
    r.approved_at = Some(at(2, 25));
    r.approved_by = Some("bithu.p7kp1".into());
    r.events.push(NewRegistrationEvent {
        action: "approve".into(),
        from: Some(Status::Submitted),
        to: Status::Approved,
        by: "bithu.p7kp1".into(),
        at: at(2, 25),
        comment: String::new(),
    });
    for (k, it) in r.items.iter_mut().enumerate() {
        let o = if k == 3 {
            Outcome::Partly
        } else {
            Outcome::Done
        };
        it.midyear = Some((Outcome::Partly, "Đang triển khai".into()));
        it.yearend = Some((o, "Đã thực hiện".into(), "Biên bản họp tổ".into()));
        it.assessed = Some((o, String::new()));
    }
    r.rating = Some(NewRating {
        unit_id: cell.id,
        unit_path: cell.path.clone(),
        suggested: Some(Rating::Good),
        rating: Rating::Good,
        reason: String::new(),
        proposed_by: None,
        rated_by: "bithu.p7kp1".into(),
        rated_at: at(12, 20),
    });
    r
}

async fn loads_like_the_one_by_one_path(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let a = add_member(db, &admin, person("Nguyễn Thị An", "910001"), &t.cell_a1).await;
    let b = add_member(db, &admin, person("Trần Văn Bình", "910002"), &t.cell_a1).await;
    let c = add_member(db, &admin, person("Lê Văn Cường", "910003"), &t.cell_a2).await;
    let other_ward = add_member(db, &admin, person("Võ Thị Dung", "910004"), &t.cell_b1).await;
    let mut h = person("Phạm Văn Hải", "910005");
    h.positions = vec![PositionInput::new(
        "Bí thư Chi bộ",
        "Lãnh đạo chi bộ Khu phố 1",
    )];
    let head = add_member(db, &admin, h, &t.cell_a1).await;
    let mut k = person("Huỳnh Văn Kiệt", "910006");
    k.positions = vec![PositionInput::new("Kinh doanh", "")];
    let trader = add_member(db, &admin, k, &t.cell_a2).await;

    // Refused: no items; published though not disclosed.
    let mut empty = reg(a, &t.cell_a1, Vec::new());
    empty.items.clear();
    assert!(matches!(
        db.registrations()
            .bulk_load_registrations(&cli(), &[empty])
            .await,
        Err(StoreError::Invalid(_))
    ));
    let mut not_disclosed = approved(reg(a, &t.cell_a1, resident(6)), &t.cell_a1);
    not_disclosed.status = Status::Published;
    not_disclosed.published_at = Some(at(3, 1));
    not_disclosed.events.push(NewRegistrationEvent {
        action: "publish".into(),
        from: Some(Status::Approved),
        to: Status::Published,
        by: "bithu.p7".into(),
        at: at(3, 1),
        comment: String::new(),
    });
    assert!(matches!(
        db.registrations()
            .bulk_load_registrations(&cli(), &[not_disclosed])
            .await,
        Err(StoreError::Invalid(_))
    ));

    // a and b hand in the same registration (one number changed); the other ward's member too, but she
    // is compared within her own ward; c returned; the head published with a "nêu gương" item.
    let ra = approved(reg(a, &t.cell_a1, resident(6)), &t.cell_a1);
    let rb = reg(b, &t.cell_a1, resident(8));
    let rd = reg(other_ward, &t.cell_b1, resident(6));
    let mut rc = reg(
        c,
        &t.cell_a2,
        vec![
            item(
                "Kinh doanh đúng pháp luật, niêm yết giá, nộp thuế đúng hạn",
                "Kinh doanh",
                "12/12 kỳ nộp thuế",
            ),
            item(
                "Nâng cao tinh thần trách nhiệm trong công việc",
                "Công tác chuyên môn",
                "",
            ),
        ],
    );
    rc.status = Status::Returned;
    rc.return_comment = "Nội dung số 2 còn chung chung".into();
    rc.items[1].return_comment = "Đề nghị ghi rõ việc làm cụ thể".into();
    rc.events.push(NewRegistrationEvent {
        action: "return".into(),
        from: Some(Status::Submitted),
        to: Status::Returned,
        by: "bithu.p7kp2".into(),
        at: at(2, 24),
        comment: "Nội dung số 2 còn chung chung".into(),
    });
    let mut rt = reg(
        trader,
        &t.cell_a2,
        vec![item(
            "Tạo việc làm ổn định cho lao động nghèo trong khu phố tại cơ sở kinh doanh của gia đình",
            "Kinh doanh",
            "05 lao động",
        )],
    );
    rt.items[0].item.deadline = None;
    let mut rh = approved(
        reg(
            head,
            &t.cell_a1,
            vec![
                item(
                    "Chủ trì sinh hoạt chi bộ thường kỳ vào ngày 5 hằng tháng, bảo đảm nội dung thiết thực",
                    "Lãnh đạo chi bộ Khu phố 1",
                    "12 kỳ sinh hoạt",
                ),
                item(
                    "Phát hiện, bồi dưỡng quần chúng ưu tú, giới thiệu để Đảng ủy Phường 7 xem xét kết nạp",
                    "Bí thư Chi bộ",
                    "02 quần chúng",
                ),
                item(
                    "Kiểm tra, giám sát đảng viên trong chi bộ thực hiện nội dung đăng ký học tập và làm theo",
                    "Công tác Đảng",
                    "04 đảng viên",
                ),
            ],
        ),
        &t.cell_a1,
    );
    rh.items.push(NewRegistrationItem {
        item: ItemInput {
            kind: ItemKind::Exemplary,
            ..ItemInput::new(
                "Công khai nội dung đăng ký trên hệ thống truyền thanh Phường 7 để nhân dân cùng giám sát",
                "Trách nhiệm nêu gương",
                "01 lần công khai",
                Some(d(2019, 4, 30)),
            )
        },
        return_comment: String::new(),
        midyear: Some((Outcome::Done, "Đã công khai".into())),
        yearend: Some((Outcome::Done, "Đã công khai".into(), String::new())),
        assessed: Some((Outcome::Done, String::new())),
    });
    rh.rating = Some(NewRating {
        suggested: Some(Rating::Excellent),
        rating: Rating::Excellent,
        ..rh.rating.clone().unwrap()
    });
    for it in &mut rh.items {
        it.assessed = Some((Outcome::Done, String::new()));
        it.yearend = Some((Outcome::Done, "Đã thực hiện".into(), String::new()));
    }
    // The head's pledge was added after the registration was written: it keeps its date.
    rh.pledged_at = Some(at(12, 20));
    rh.status = Status::Published;
    rh.published_at = Some(at(2, 27));
    rh.events.push(NewRegistrationEvent {
        action: "publish".into(),
        from: Some(Status::Approved),
        to: Status::Published,
        by: "bithu.p7".into(),
        at: at(2, 27),
        comment: String::new(),
    });
    // A rating whose suggestion does not match the outcomes is refused.
    let mut wrong = ra.clone();
    wrong.rating.as_mut().unwrap().suggested = Some(Rating::Excellent);
    assert!(matches!(
        db.registrations()
            .bulk_load_registrations(&cli(), &[wrong])
            .await,
        Err(StoreError::Invalid(_))
    ));

    let first = db
        .registrations()
        .bulk_load_registrations(&cli(), &[ra, rb, rd])
        .await
        .unwrap();
    let second = db
        .registrations()
        .bulk_load_registrations(&cli(), &[rc, rt, rh])
        .await
        .unwrap();
    assert_eq!(first.len(), 3);
    assert_eq!(second, vec![first[2] + 1, first[2] + 2, first[2] + 3]);
    let copies = db
        .registrations()
        .finish_registration_copies(&cli(), 2019)
        .await
        .unwrap();
    assert_eq!((copies.registrations, copies.copied), (6, 2));
    // Idempotent.
    assert_eq!(
        db.registrations()
            .finish_registration_copies(&cli(), 2019)
            .await
            .unwrap(),
        copies
    );

    let ids: Vec<i64> = first.iter().chain(&second).copied().collect();
    for (k, id) in ids.iter().enumerate() {
        let r = db.registrations().registration_unscoped(*id).await.unwrap();
        assert_eq!((r.version, r.superseded, r.year), (1, false, 2019));
        assert_eq!(r.pledges.len(), 27);
        // The stored flags are those the live path gives now.
        let items: Vec<ItemInput> = r.items.iter().map(ItemInput::from).collect();
        let fresh = db
            .registrations()
            .preview_flags(&admin, r.member_id, 2019, &items)
            .await
            .unwrap();
        for (i, f) in r.items.iter().zip(&fresh) {
            assert_eq!(&i.flags, f, "registration {k} item {}", i.position);
        }
        let copied = r
            .items
            .iter()
            .all(|i| i.flags.iter().any(|f| f.flag == Flag::Copied));
        assert_eq!(copied, k < 2, "registration {k}");
        let (_, history) = db
            .registrations()
            .registration_history(&admin, *id)
            .await
            .unwrap();
        assert_eq!(
            history.last().map(|e| e.to_status.as_str()),
            Some(r.status.as_str())
        );
        assert_eq!(history.first().map(|e| e.action.as_str()), Some("create"));
    }
    let a_reg = db
        .registrations()
        .registration_unscoped(ids[0])
        .await
        .unwrap();
    assert_eq!(a_reg.status, Status::Approved);
    assert_eq!(a_reg.pledged_at, None, "pledged when written");
    assert_eq!(a_reg.approved_by.as_deref(), Some("bithu.p7kp1"));
    assert_eq!(a_reg.items[0].target_number, Some(6.0));
    assert_eq!(a_reg.items[0].target_unit.as_deref(), Some("hộ"));
    assert_eq!(a_reg.items[3].assessed_outcome, Some(Outcome::Partly));
    assert_eq!(a_reg.items[3].yearend_evidence, "Biên bản họp tổ");
    let flags = |i: usize| -> Vec<Flag> { a_reg.items[i].flags.iter().map(|f| f.flag).collect() };
    assert_eq!(flags(3), [Flag::Vague, Flag::NoTarget, Flag::Copied]);
    assert_eq!(flags(4), [Flag::NotTiedToDuty, Flag::Copied]);
    assert_eq!(
        db.registrations()
            .member_rating(&admin, a, 2019)
            .await
            .unwrap(),
        Some((Rating::Good, String::new()))
    );
    let c_reg = db
        .registrations()
        .registration_unscoped(ids[3])
        .await
        .unwrap();
    assert_eq!(c_reg.status, Status::Returned);
    assert_eq!(
        c_reg.items[1].return_comment,
        "Đề nghị ghi rõ việc làm cụ thể"
    );
    let t_reg = db
        .registrations()
        .registration_unscoped(ids[4])
        .await
        .unwrap();
    let t_flags: Vec<Flag> = t_reg.items[0].flags.iter().map(|f| f.flag).collect();
    assert_eq!(
        t_flags,
        [Flag::NoDeadline],
        "\"Kinh doanh\" is the trader's own position"
    );
    let h_reg = db
        .registrations()
        .registration_unscoped(ids[5])
        .await
        .unwrap();
    assert!(h_reg.head && h_reg.disclosed && h_reg.published_at.is_some());
    assert_eq!(h_reg.pledged_at, Some(at(12, 20)));
    assert_eq!(h_reg.status, Status::Published);
    assert_eq!(h_reg.items[3].kind, ItemKind::Exemplary);
    assert!(
        h_reg.items.iter().all(|i| i.flags.is_empty()),
        "{:?}",
        h_reg.items
    );
    let (_, history) = db
        .registrations()
        .registration_history(&admin, ids[5])
        .await
        .unwrap();
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["create", "submit", "approve", "publish"]);

    // The stored signatures and LSH keys serve the live check: a third copier in the cell is told
    // about both, and gets the next id.
    let e = add_member(db, &admin, person("Đặng Văn Em", "910007"), &t.cell_a1).await;
    let inputs: Vec<ItemInput> = resident(7).into_iter().map(|i| i.item).collect();
    let new = db
        .registrations()
        .create_registration(&cli(), &admin, e, 2019, &inputs)
        .await
        .unwrap();
    assert_eq!(new.id, ids[5] + 1);
    let note = new.items[0]
        .flags
        .iter()
        .find(|f| f.flag == Flag::Copied)
        .expect("copied");
    assert!(
        note.message.contains("với 2 bản đăng ký khác"),
        "{}",
        note.message
    );
    // The clusters of the ward: a, b and the newcomer; the other ward's near-copy is a separate unit.
    let clusters = db
        .registrations()
        .copy_clusters(&admin, &t.ward_a.path, 2019)
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1);
    assert_eq!(clusters[0].registration_ids, vec![ids[0], ids[1], new.id]);

    // A new version of the head's registration carries the pledge with its date.
    let v2 = db
        .registrations()
        .registration_action(&cli(), &admin, ids[5], Action::Revise, "", &[])
        .await
        .unwrap();
    assert_eq!(v2.version, 2);
    assert_eq!(v2.pledges.len(), 27);
    assert_eq!(v2.pledged_at, Some(at(12, 20)));
}

on_every_backend!(db: loads_like_the_one_by_one_path);
