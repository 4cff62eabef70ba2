//! The public portal and citizens' feedback on both backends: only published registrations
//! reach the portal and only in their own unit's page; feedback is checked, rate-limited per address with
//! the counter in the database (two instances share it), trapped by the honeypot, routed to the owning
//! unit, moderated, answered and shown; overdue after the answer window; citizens answer once per device.

use crate::common::*;
use domain::feedback::{CitizenAnswer, Confirmation, FeedbackStatus, Moderation, TrackingState};
use domain::registration::{Action, Outcome};
use domain::Role;
use store::{
    CitizenAnswerOutcome, Db, FeedbackRefusal, FeedbackSubmission, FeedbackView, ItemInput,
    StoreError,
};

fn items() -> Vec<ItemInput> {
    vec![
        ItemInput::new(
            "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được",
            "Công tác dân vận",
            "15 hộ",
            Some(d(2019, 11, 30)),
        ),
        ItemInput::new(
            "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền của phường",
            "Công tác chuyên môn",
            "100% đơn thư",
            Some(d(2019, 12, 31)),
        ),
        ItemInput::new(
            "Tổ chức lớp bồi dưỡng kỹ năng dân vận cho cán bộ tổ dân phố khu phố 1",
            "Công tác dân vận",
            "02 lớp",
            Some(d(2027, 6, 30)),
        ),
    ]
}

struct World {
    t: Tree,
    head: i64,
    member: i64,
    published: i64,
    unpublished: i64,
}

/// A cell secretary of P7 with a published 2019 registration (born 15/03/1980, phone and citizen id
/// recorded) and an ordinary member whose registration is approved but not published.
async fn world(db: &Db) -> World {
    let t = tree(db).await;
    let admin = t.admin();
    let mut h = person("Phạm Văn Hải", "900004");
    h.positions = vec![domain::member::PositionInput::new(
        "Bí thư Chi bộ",
        "Lãnh đạo chi bộ Khu phố 1",
    )];
    h.phone = Some("0912345678".into());
    h.citizen_id = Some("083080001234".into());
    let head = add_member(db, &admin, h, &t.cell_a1).await;
    let member = add_member(db, &admin, person("Nguyễn Thị An", "900001"), &t.cell_a1).await;
    let ward_sec = principal(Role::Secretary, &t.ward_a, None);
    let cell_sec = principal(Role::Secretary, &t.cell_a1, None);
    let hp = principal(Role::Secretary, &t.cell_a1, Some(head));
    let r = db
        .registrations()
        .create_registration(&cli(), &hp, head, 2019, &items())
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &hp, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &ward_sec, r.id, Action::Approve, "", &[])
        .await
        .unwrap();
    let published = db
        .registrations()
        .registration_action(&cli(), &ward_sec, r.id, Action::Publish, "", &[])
        .await
        .unwrap()
        .id;
    let mp = principal(Role::Member, &t.cell_a1, Some(member));
    let u = db
        .registrations()
        .create_registration(&cli(), &mp, member, 2019, &items())
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &mp, u.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &cell_sec, u.id, Action::Approve, "", &[])
        .await
        .unwrap();
    World {
        t,
        head,
        member,
        published,
        unpublished: u.id,
    }
}

fn submission(id: i64, content: &str, address: &str) -> FeedbackSubmission {
    FeedbackSubmission {
        subject_type: "registration".into(),
        subject_id: id,
        content: content.into(),
        name: Some("Trần Thị Bé".into()),
        contact: Some("0987654321".into()),
        honeypot: None,
        address: address.into(),
    }
}

const TEXT: &str = "Đoạn hẻm 3 vẫn chưa được mở rộng, xe cứu thương chưa vào được.";

pub async fn only_published_registrations_in_their_unit(db: &Db) {
    let w = world(db).await;
    let portal = db.portal();
    let home = portal.home().await.unwrap();
    assert_eq!(home.len(), 1);
    assert_eq!(home[0].0.code, "TU");
    let children: Vec<&str> = home[0].1.iter().map(|u| u.code.as_str()).collect();
    assert_eq!(
        children,
        ["P7", "P8"],
        "cells and the front are not portal units"
    );
    assert_eq!(home[0].1[0].registrations, 1);

    let p7 = portal.unit_page("P7", None).await.unwrap();
    assert_eq!(p7.year, Some(2019));
    assert_eq!(p7.registrations.len(), 1);
    let r = &p7.registrations[0];
    assert_eq!(r.id, w.published);
    assert_eq!(r.name, "Phạm Văn Hải");
    assert_eq!(r.position, "Bí thư Chi bộ");
    assert_eq!(r.organisation, "Chi bộ Khu phố 1");
    assert_eq!(r.items.len(), 3);
    assert!(r.items[0].citizens_may_answer && !r.items[2].citizens_may_answer);
    // Nothing private leaves through the portal types.
    let json = serde_json::to_string(&p7).unwrap();
    for private in [
        "1980-03-15",
        "15/03/1980",
        "0912345678",
        "083080001234",
        "900004",
        "Nguyễn Thị An",
    ] {
        assert!(!json.contains(private), "{private} leaked: {json}");
    }
    assert!(portal
        .unit_page("P8", None)
        .await
        .unwrap()
        .registrations
        .is_empty());
    assert!(matches!(
        portal.unit_page("P7", Some(2018)).await,
        Err(StoreError::NotFound)
    ));
    // Cells have no page; the approved but unpublished registration has none either.
    assert!(matches!(
        portal.unit_page("P7-KP1", None).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        portal.registration_page(w.unpublished).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        portal
            .registration_page(w.published)
            .await
            .unwrap()
            .registration
            .name,
        "Phạm Văn Hải"
    );
    let docs = portal.search_docs().await.unwrap();
    assert!(docs
        .iter()
        .any(|d| d.href == format!("/cong-khai/dang-ky/{}", w.published)
            && d.fold.contains("xe cuu thuong")));
    assert!(!docs.iter().any(|d| d.fold.contains("nguyen thi an")));
    let _ = w.member;
    let _ = w.head;
}

pub async fn feedback_checked_routed_moderated_answered(db: &Db) {
    let w = world(db).await;
    let portal = db.portal();
    // Refusals.
    match portal
        .submit_feedback(&submission(w.published, "ngắn", "10.0.0.1"))
        .await
    {
        Err(FeedbackRefusal::Invalid(e)) => assert_eq!(e[0].field, "content"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    let long = "Đường hẻm lầy lội. ".repeat(200);
    match portal
        .submit_feedback(&submission(w.published, &long, "10.0.0.2"))
        .await
    {
        Err(FeedbackRefusal::Invalid(e)) => assert!(e[0].message.contains("tối đa"), "{e:?}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(matches!(
        portal
            .submit_feedback(&submission(w.unpublished, TEXT, "10.0.0.3"))
            .await,
        Err(FeedbackRefusal::NoSubject)
    ));
    let mut trap = submission(w.published, TEXT, "10.0.0.4");
    trap.honeypot = Some("http://spam.example".into());
    assert!(matches!(
        portal.submit_feedback(&trap).await,
        Err(FeedbackRefusal::Trap)
    ));

    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    let other_ward = principal(Role::Secretary, &w.t.ward_b, None);
    let (queue, counts) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::All)
        .await
        .unwrap();
    assert!(
        queue.is_empty(),
        "refused and trapped feedback is not stored"
    );
    assert_eq!(counts.open, 0);

    let a = portal
        .submit_feedback(&submission(w.published, TEXT, "10.0.0.5"))
        .await
        .unwrap();
    let b = portal
        .submit_feedback(&submission(
            w.published,
            "Nội dung không liên quan, quảng cáo bán hàng.",
            "10.0.0.6",
        ))
        .await
        .unwrap();
    // Routed to the owning unit: P7 (and above) see it, P8 does not.
    let (queue, counts) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::Open)
        .await
        .unwrap();
    assert_eq!(queue.len(), 2);
    assert_eq!(counts.open, 2);
    assert_eq!(queue[0].name.as_deref(), Some("Trần Thị Bé"));
    assert_eq!(queue[0].contact.as_deref(), Some("0987654321"));
    assert!(db
        .feedback()
        .feedback_queue(&other_ward, FeedbackView::All)
        .await
        .unwrap()
        .0
        .is_empty());
    assert!(matches!(
        db.feedback().feedback_item(&other_ward, a.id).await,
        Err(StoreError::NotFound)
    ));
    let member = principal(Role::Member, &w.t.cell_a1, Some(w.member));
    assert!(matches!(
        db.feedback()
            .feedback_queue(&member, FeedbackView::Open)
            .await,
        Err(StoreError::Forbidden)
    ));
    // Pending feedback is not public; the citizen can follow it by code.
    assert!(portal
        .unit_page("P7", None)
        .await
        .unwrap()
        .feedback
        .is_empty());
    let t = portal.tracking(&a.tracking_code).await.unwrap();
    assert_eq!(t.state, TrackingState::Waiting);

    // Hide needs a reason; then hidden feedback never shows.
    let actor = store::Actor::user(&ward, "web");
    assert!(matches!(
        db.feedback()
            .moderate_feedback(&ward, &actor, b.id, Moderation::Hide { reason: " ".into() })
            .await,
        Err(StoreError::Invalid(_))
    ));
    let hidden = db
        .feedback()
        .moderate_feedback(
            &ward,
            &actor,
            b.id,
            Moderation::Hide {
                reason: "Quảng cáo".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(hidden.status, FeedbackStatus::Hidden);
    // The answer appears on the unit page and the registration page, without name or contact.
    assert!(matches!(
        db.feedback().answer_feedback(&ward, &actor, a.id, "").await,
        Err(StoreError::Invalid(_))
    ));
    let answered = db
        .feedback()
        .answer_feedback(
            &ward,
            &actor,
            a.id,
            "Phường đã làm việc với các hộ; hẻm sẽ thông xe trong tháng 12.",
        )
        .await
        .unwrap();
    assert_eq!(answered.status, FeedbackStatus::Approved);
    assert_eq!(answered.response_days, Some(0));
    let page = portal.unit_page("P7", None).await.unwrap();
    assert_eq!(page.feedback.len(), 1);
    assert_eq!(page.feedback[0].content, TEXT);
    assert!(page.feedback[0].answer.contains("thông xe"));
    let json = serde_json::to_string(&page).unwrap();
    assert!(
        !json.contains("Trần Thị Bé")
            && !json.contains("0987654321")
            && !json.contains("Quảng cáo")
    );
    let rp = portal.registration_page(w.published).await.unwrap();
    assert_eq!(rp.feedback.len(), 1);
    assert!(portal
        .unit_page("P8", None)
        .await
        .unwrap()
        .feedback
        .is_empty());
    let t = portal.tracking(&a.tracking_code).await.unwrap();
    assert!(t.answer.contains("thông xe"));
    let t = portal.tracking(&b.tracking_code).await.unwrap();
    assert!(t.answer.is_empty() && t.state == TrackingState::NotPublished);
}

pub async fn overdue_after_the_answer_window(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let portal = db.portal();
    portal
        .submit_feedback(&submission(w.published, TEXT, "10.1.0.1"))
        .await
        .unwrap();
    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    let (_, counts) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::Open)
        .await
        .unwrap();
    assert_eq!(counts.overdue, 0);
    env.clock.advance(chrono::Duration::days(16));
    let (items, counts) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::Overdue)
        .await
        .unwrap();
    assert_eq!(counts.overdue, 1);
    assert_eq!(items.len(), 1);
    assert!(items[0].overdue);
    assert_eq!(items[0].age_days, 16);
    // A unit with a longer window: not overdue yet.
    let patient = env.open_another().await.with_answer_days(30);
    let (_, counts) = patient
        .feedback()
        .feedback_queue(&ward, FeedbackView::Open)
        .await
        .unwrap();
    assert_eq!(counts.overdue, 0);
    patient.close().await;
}

pub async fn rate_limit_shared_by_instances(env: &Env) {
    let w = world(&env.db).await;
    let one = env.db.portal();
    let second = env.open_another().await;
    let two = second.portal();
    for k in 0..domain::feedback::RATE_LIMIT {
        let p = if k % 2 == 0 { &one } else { &two };
        p.submit_feedback(&submission(w.published, TEXT, "203.0.113.9"))
            .await
            .unwrap();
    }
    for p in [&one, &two] {
        match p
            .submit_feedback(&submission(w.published, TEXT, "203.0.113.9"))
            .await
        {
            Err(FeedbackRefusal::RateLimited { retry_after }) => {
                assert!(retry_after > 0 && retry_after <= 3600);
            }
            other => panic!("expected RateLimited, got {other:?}"),
        }
    }
    // Another address is not affected; the window ends after an hour.
    one.submit_feedback(&submission(w.published, TEXT, "203.0.113.10"))
        .await
        .unwrap();
    env.clock.advance(chrono::Duration::minutes(61));
    two.submit_feedback(&submission(w.published, TEXT, "203.0.113.9"))
        .await
        .unwrap();
    second.close().await;
}

pub async fn citizens_answer_once_per_device(db: &Db) {
    let w = world(db).await;
    let portal = db.portal();
    let r = portal.public_registration(w.published).await.unwrap();
    let (past, future) = (r.items[0].id, r.items[2].id);
    assert!(matches!(
        portal
            .answer_item(future, CitizenAnswer::Done, "dev-0", "10.2.0.1")
            .await
            .unwrap(),
        CitizenAnswerOutcome::NotOpen
    ));
    assert!(matches!(
        portal
            .answer_item(past, CitizenAnswer::Done, "dev-1", "10.2.0.1")
            .await
            .unwrap(),
        CitizenAnswerOutcome::Recorded
    ));
    assert!(matches!(
        portal
            .answer_item(past, CitizenAnswer::NotDone, "dev-1", "10.2.0.1")
            .await
            .unwrap(),
        CitizenAnswerOutcome::AlreadyAnswered
    ));
    let c = portal.public_registration(w.published).await.unwrap().items[0].completion;
    assert_eq!(c.citizens.done, 1);
    assert_eq!(
        c.confirmation,
        Confirmation::None,
        "one citizen is no confirmation"
    );
    // New cookies from one address count once: no quorum from a single person.
    for dev in ["dev-2", "dev-3"] {
        portal
            .answer_item(past, CitizenAnswer::Done, dev, "10.2.0.1")
            .await
            .unwrap();
    }
    let c = portal.public_registration(w.published).await.unwrap().items[0].completion;
    assert_eq!(c.citizens.done, 1);
    assert_eq!(c.confirmation, Confirmation::None);
    // Two more people; addresses of one IPv6 /64 are one subscriber.
    portal
        .answer_item(past, CitizenAnswer::Done, "dev-6", "2001:db8:1:2::10")
        .await
        .unwrap();
    portal
        .answer_item(past, CitizenAnswer::Done, "dev-7", "2001:db8:1:2::99")
        .await
        .unwrap();
    let c = portal.public_registration(w.published).await.unwrap().items[0].completion;
    assert_eq!(c.citizens.done, 2);
    portal
        .answer_item(past, CitizenAnswer::Done, "dev-2b", "10.2.0.2")
        .await
        .unwrap();
    portal
        .answer_item(past, CitizenAnswer::DontKnow, "dev-4", "10.2.0.4")
        .await
        .unwrap();
    let c = portal.public_registration(w.published).await.unwrap().items[0].completion;
    assert_eq!(c.confirmation, Confirmation::CitizenConfirmed);
    assert_eq!(c.outcome, Some(Outcome::Done));
    assert_eq!(c.citizens.dont_know, 1);
    // An unpublished item takes no answers.
    let hidden = db
        .registrations()
        .registration(&w.t.admin(), w.unpublished)
        .await
        .unwrap()
        .items[0]
        .id;
    assert!(matches!(
        portal
            .answer_item(hidden, CitizenAnswer::Done, "dev-5", "10.2.0.3")
            .await
            .unwrap(),
        CitizenAnswerOutcome::NotOpen
    ));
}

pub async fn a_new_version_keeps_feedback_and_answers(db: &Db) {
    let w = world(db).await;
    let portal = db.portal();
    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    let hp = principal(Role::Secretary, &w.t.cell_a1, Some(w.head));
    let a = portal
        .submit_feedback(&submission(w.published, TEXT, "10.3.0.1"))
        .await
        .unwrap();
    db.feedback()
        .answer_feedback(
            &ward,
            &store::Actor::user(&ward, "web"),
            a.id,
            "Đã tiếp thu, sẽ làm trong tháng 12.",
        )
        .await
        .unwrap();
    let r = portal.public_registration(w.published).await.unwrap();
    for (dev, addr) in [
        ("dev-a", "10.3.0.2"),
        ("dev-b", "10.3.0.3"),
        ("dev-c", "10.3.0.4"),
    ] {
        portal
            .answer_item(r.items[0].id, CitizenAnswer::Done, dev, addr)
            .await
            .unwrap();
        portal
            .answer_item(r.items[1].id, CitizenAnswer::NotDone, dev, addr)
            .await
            .unwrap();
    }
    // A new version: item 2 rewritten, the others unchanged; approved and published again.
    let draft = db
        .registrations()
        .registration_action(&cli(), &hp, w.published, Action::Revise, "", &[])
        .await
        .unwrap();
    // While the new version is written and approved, the published one stays on the portal and takes
    // feedback.
    assert!(portal.registration_page(w.published).await.is_ok());
    portal
        .submit_feedback(&submission(w.published, TEXT, "10.3.0.9"))
        .await
        .unwrap();
    // While the new version is written and approved, the published one stays on the portal and takes
    // feedback.
    assert!(portal.registration_page(w.published).await.is_ok());
    portal
        .submit_feedback(&submission(w.published, TEXT, "10.3.0.9"))
        .await
        .unwrap();
    let mut changed = items();
    changed[1].content =
        "Giải quyết dứt điểm 12 đơn thư khiếu nại tồn đọng của công dân khu phố 1".into();
    db.registrations()
        .update_registration(&cli(), &hp, draft.id, &changed)
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &hp, draft.id, Action::Submit, "", &[])
        .await
        .unwrap();
    db.registrations()
        .registration_action(&cli(), &ward, draft.id, Action::Approve, "", &[])
        .await
        .unwrap();
    let v2 = db
        .registrations()
        .registration_action(&cli(), &ward, draft.id, Action::Publish, "", &[])
        .await
        .unwrap();
    assert!(matches!(
        portal.registration_page(w.published).await,
        Err(StoreError::NotFound)
    ));
    let page = portal.registration_page(v2.id).await.unwrap();
    assert_eq!(
        page.feedback.len(),
        1,
        "the feedback follows the published version"
    );
    assert!(page.feedback[0].answer.contains("tháng 12"));
    let (queue, _) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::All)
        .await
        .unwrap();
    assert!(
        queue.iter().all(|f| f.subject_id == v2.id),
        "pending feedback follows too"
    );
    let items = &page.registration.items;
    assert_eq!(
        items[0].completion.citizens.done, 3,
        "an unchanged item keeps citizens' answers"
    );
    assert_eq!(
        items[0].completion.confirmation,
        Confirmation::CitizenConfirmed
    );
    assert_eq!(
        items[1].completion.citizens.total(),
        0,
        "a rewritten item starts afresh"
    );
    assert_eq!(
        portal.unit_page("P7", None).await.unwrap().feedback.len(),
        1
    );
}

on_every_backend!(db: a_new_version_keeps_feedback_and_answers);
on_every_backend!(db: only_published_registrations_in_their_unit);
on_every_backend!(db: feedback_checked_routed_moderated_answered);
on_every_backend!(env: overdue_after_the_answer_window);
on_every_backend!(env: rate_limit_shared_by_instances);
on_every_backend!(db: citizens_answer_once_per_device);

/// The same text as [`TEXT`] with the case, diacritics, spacing and punctuation people vary when they copy
/// a message around; `k` picks the variant.
fn variant_of_text(k: usize) -> String {
    match k % 5 {
        0 => TEXT.to_string(),
        1 => TEXT.to_uppercase(),
        2 => "Doan hem 3 van chua duoc mo rong xe cuu thuong chua vao duoc".to_string(),
        3 => format!("  {}!!  ", TEXT.replace(", ", " ,  ")),
        _ => TEXT.replace('.', " ạ."),
    }
}

pub async fn near_identical_feedback_is_folded_into_one(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let portal = db.portal();
    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    // 200 near-identical messages from 40 addresses (each at its rate limit).
    let mut codes = std::collections::HashSet::new();
    let mut folded = 0;
    for k in 0..200usize {
        let address = format!("198.51.100.{}", k % 40);
        let mut s = submission(w.published, &variant_of_text(k), &address);
        s.name = Some(format!("Người gửi {k}"));
        let r = portal.submit_feedback(&s).await.unwrap();
        codes.insert(r.tracking_code.clone());
        if r.folded {
            folded += 1;
        }
    }
    assert_eq!(folded, 199, "every copy after the first is folded");
    assert_eq!(
        codes.len(),
        200,
        "every sender has a tracking code of their own"
    );
    for code in &codes {
        let t = portal.tracking(code).await.unwrap();
        assert_eq!(t.state, TrackingState::Waiting);
    }
    // The addresses are at their limit: the 201st is refused, not folded.
    assert!(matches!(
        portal
            .submit_feedback(&submission(w.published, TEXT, "198.51.100.7"))
            .await,
        Err(FeedbackRefusal::RateLimited { .. })
    ));
    // A genuinely different message on the same subject is its own item.
    let other = portal
        .submit_feedback(&submission(
            w.published,
            "Tổ dân phố 5 chưa được thông báo lịch họp dân về việc mở rộng hẻm, đề nghị chi bộ thông báo sớm.",
            "192.0.2.1",
        ))
        .await
        .unwrap();
    assert!(!other.folded);
    let (queue, counts) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::Open)
        .await
        .unwrap();
    assert_eq!(queue.len(), 2, "one item for the copies, one for the other");
    assert_eq!(counts.open, 2);
    let original = queue.iter().find(|f| f.id != other.id).unwrap();
    assert_eq!(original.duplicates, 199);
    assert_eq!(original.content, TEXT, "the first text is the one kept");
    assert_eq!(
        domain::feedback::duplicates_label(original.duplicates),
        "199 lần gửi nội dung tương tự được gộp vào đây"
    );
    assert_eq!(
        queue.iter().find(|f| f.id == other.id).unwrap().duplicates,
        0
    );
    // Nothing is lost: every folded submission is kept beside the original.
    let mut conn = env.raw().await;
    assert_eq!(
        count(
            &mut conn,
            &format!(
                "SELECT COUNT(*) AS n FROM feedback_duplicates WHERE feedback_id = {}",
                original.id
            )
        )
        .await,
        199
    );
    // After the window the same text starts a new item.
    env.clock.advance(chrono::Duration::hours(
        domain::feedback::DUPLICATE_WINDOW_HOURS + 1,
    ));
    let later = portal
        .submit_feedback(&submission(w.published, TEXT, "192.0.2.2"))
        .await
        .unwrap();
    assert!(!later.folded);
    assert_ne!(later.id, original.id);
}

pub async fn oversized_text_refused_before_writing(db: &Db) {
    use domain::limits;
    let t = tree(db).await;
    let admin = t.admin();
    let huge = "Nguyễn Văn ".repeat(5 * 1024 * 1024 / 12);
    assert!(huge.len() > 5_000_000);
    // A 5 MB name: refused beside the field, with the limit.
    match db
        .members()
        .create_member(
            &cli(),
            &admin,
            &person(&huge, "901001"),
            &t.cell_a1.code,
            None,
        )
        .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!(e[0].field, "full_name");
            assert_eq!(e[0].message, "Họ và tên quá dài (tối đa 100 ký tự)");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // At the limit is accepted (counted in characters: Vietnamese letters are several bytes).
    let at_limit = format!("Lê {}", "Ự".repeat(limits::PERSON_NAME - 3));
    assert_eq!(at_limit.chars().count(), limits::PERSON_NAME);
    add_member(db, &admin, person(&at_limit, "901002"), &t.cell_a1).await;
    // Positions and duties.
    let mut p = person("Trần Văn Chức", "901003");
    p.positions = vec![domain::member::PositionInput::new(
        "Bí thư Chi bộ",
        "x".repeat(limits::DUTIES + 1),
    )];
    match db
        .members()
        .create_member(&cli(), &admin, &p, &t.cell_a1.code, None)
        .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e[0].field, "positions");
            assert!(
                e[0].message.contains("tối đa 1.000 ký tự"),
                "{}",
                e[0].message
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // A unit's name.
    let mut u = unit_input("P7-X", "Chi bộ X", domain::UnitType::Cell, Some("P7"));
    u.name = "Chi bộ ".repeat(100);
    match db.units().create_unit(&cli(), Some(&admin), u).await {
        Err(StoreError::Invalid(e)) => {
            assert!(e
                .iter()
                .any(|e| e.field == "name" && e.message.contains("tối đa 200 ký tự")));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // A registration item's content and target.
    let head = add_member(db, &admin, person("Phạm Văn Hải", "901004"), &t.cell_a1).await;
    let hp = principal(Role::Secretary, &t.cell_a1, Some(head));
    let mut long = items();
    long[0].target = "1".repeat(limits::ITEM_TARGET + 1);
    match db
        .registrations()
        .create_registration(&cli(), &hp, head, 2019, &long)
        .await
    {
        Err(StoreError::Invalid(e)) => {
            assert_eq!(e.len(), 1, "{e:?}");
            assert_eq!(e[0].field, "items[0].target");
            assert_eq!(e[0].message, "Chỉ tiêu quá dài (tối đa 500 ký tự)");
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    // Nothing of the refused writes was stored.
    let members = db
        .members()
        .search_members(&admin, &Default::default())
        .await
        .unwrap();
    assert!(members
        .0
        .iter()
        .all(|m| m.full_name.chars().count() <= limits::PERSON_NAME));
}

on_every_backend!(env: near_identical_feedback_is_folded_into_one);
on_every_backend!(env: feedback_folds_only_into_items_awaiting_an_answer);
on_every_backend!(env: signature_paths_compare_bytewise);
on_every_backend!(db: oversized_text_refused_before_writing);

/// A copy is folded only into feedback the unit still has to answer, and its sender gets a code of their
/// own whose page follows that feedback without showing its (another citizen's) text before publication.
pub async fn feedback_folds_only_into_items_awaiting_an_answer(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let portal = db.portal();
    let ward = principal(Role::Secretary, &w.t.ward_a, None);
    let actor = store::Actor::user(&ward, "web");
    let send = |k: usize| {
        let portal = portal.clone();
        let s = submission(
            w.published,
            &variant_of_text(k),
            &format!("192.0.2.{}", 10 + k),
        );
        async move { portal.submit_feedback(&s).await.unwrap() }
    };
    // A hidden item takes in no copies: the next sender is a new queue item.
    let hidden = send(0).await;
    db.feedback()
        .moderate_feedback(
            &ward,
            &actor,
            hidden.id,
            Moderation::Hide {
                reason: "Ngôn từ không phù hợp".into(),
            },
        )
        .await
        .unwrap();
    let first = send(1).await;
    assert!(!first.folded, "not folded into a hidden item");
    assert_ne!(first.id, hidden.id);
    // A pending one does, and the copy's sender gets their own code.
    let copy = send(2).await;
    assert!(copy.folded);
    assert_eq!(copy.id, first.id);
    assert_ne!(copy.tracking_code, first.tracking_code);
    let t = portal.tracking(&copy.tracking_code).await.unwrap();
    assert!(t.folded);
    assert_eq!(t.tracking_code, copy.tracking_code);
    assert_eq!(t.state, TrackingState::Waiting);
    assert_eq!(
        t.content, "",
        "another citizen's text is not shown before publication"
    );
    let own = portal.tracking(&first.tracking_code).await.unwrap();
    assert!(!own.folded);
    assert_eq!(own.content, variant_of_text(1).trim());
    let mut conn = env.raw().await;
    assert_eq!(
        count(
            &mut conn,
            &format!(
                "SELECT COUNT(*) AS n FROM feedback_duplicates WHERE feedback_id = {} AND tracking_code = '{}'",
                first.id, copy.tracking_code
            )
        )
        .await,
        1
    );
    // Once answered (published), the copy's page shows the status, the answer and the published text;
    // a later copy is a new item, not folded into an answered one.
    db.feedback()
        .answer_feedback(
            &ward,
            &actor,
            first.id,
            "Phường đã khảo sát, sẽ mở rộng hẻm trong quý IV.",
        )
        .await
        .unwrap();
    let t = portal.tracking(&copy.tracking_code).await.unwrap();
    assert_eq!(t.state, TrackingState::Answered);
    assert_eq!(t.answer, "Phường đã khảo sát, sẽ mở rộng hẻm trong quý IV.");
    assert_eq!(t.content, own.content);
    let after_answer = send(3).await;
    assert!(!after_answer.folded, "not folded into an answered item");
    // Nor into spam.
    db.feedback()
        .moderate_feedback(&ward, &actor, after_answer.id, Moderation::Spam)
        .await
        .unwrap();
    let after_spam = send(4).await;
    assert!(!after_spam.folded, "not folded into spam");
    let (queue, _) = db
        .feedback()
        .feedback_queue(&ward, FeedbackView::Open)
        .await
        .unwrap();
    assert!(
        queue.iter().any(|f| f.id == after_spam.id),
        "the new complaint is in the queue"
    );
}

/// Copy clusters and moves filter registration_signatures by path prefix (`unit_path >= P AND unit_path <
/// P || '~'`); that must find every row of the subtree whatever the database's default collation.
pub async fn signature_paths_compare_bytewise(env: &Env) {
    use sqlx::Row;
    let w = world(&env.db).await;
    signatures_under(&env.url, &w.t.ward_a.path).await;
    if env.kind == Kind::Postgres {
        // A database whose default collation sorts '~' before digits (ICU, as most non-C locales do).
        let admin = pg_admin_url().unwrap();
        let name = format!("lt_test_icu_{}", w.published);
        let name = format!("{name}_{}", std::process::id());
        let pg = testkit::PgDatabase::create_with(
            &admin,
            &name,
            "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'",
        )
        .await;
        let url = pg.url().to_string();
        let icu = Db::open(&url, env.clock.clone()).await.unwrap();
        let w = world(&icu).await;
        let mut conn = raw_connection(&url).await;
        let row = sqlx::query("SELECT '/1/5/12/' < '/1/5/' || '~' AS below")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert!(
            !row.try_get::<bool, _>(0).unwrap(),
            "the database's default collation is not bytewise"
        );
        signatures_under(&url, &w.t.ward_a.path).await;
        // And the column itself says so.
        let row = sqlx::query(
            "SELECT CAST(collation_name AS TEXT) AS c FROM information_schema.columns \
             WHERE table_name = 'registration_signatures' AND column_name = 'unit_path'",
        )
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(
            row.try_get::<Option<String>, _>(0).unwrap().as_deref(),
            Some("C")
        );
    }
}

/// Every signature row of the database lies under `prefix`: the prefix filter must find them all.
async fn signatures_under(url: &str, prefix: &str) {
    let mut conn = raw_connection(url).await;
    let expected = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM registration_signatures",
    )
    .await;
    assert!(expected >= 1, "the published registration has a signature");
    let n = count(
        &mut conn,
        &format!(
            "SELECT COUNT(*) AS n FROM registration_signatures WHERE unit_path >= '{prefix}' \
             AND unit_path < '{prefix}' || '~'"
        ),
    )
    .await;
    assert_eq!(n, expected, "signatures under {prefix}");
}
