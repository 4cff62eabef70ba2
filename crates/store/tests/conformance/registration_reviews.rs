//! Registrations after they are written (docs/DOMAIN.md § Reviews and rating), on both backends: the
//! mid-year and year-end self-reviews and the cell's assessment (who, from when, what the result and the
//! suggested rating become), copying last year's registration, the approval queue, a unit's list in
//! Vietnamese name order, the report of a small tree (members as of the deadline, on time, specific, tied,
//! copied, done, ratings, the 20 % warning, heads registered late), and copy detection across units and
//! across revisions.

use crate::common::*;
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::policy::Principal;
use domain::quality::Flag;
use domain::registration::{Action, Outcome, Rating, RegStats, Stage, Status};
use domain::{MemberStatus, Role, Unit};
use store::{
    Actor, AuditFilter, Db, ItemInput, RegReport, RegSummary, Registration, ReviewInput, StoreError,
};

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const YEAR: i32 = 2027;

fn item(content: &str, duty: &str, target: &str, deadline: Option<NaiveDate>) -> ItemInput {
    ItemInput::new(content, duty, target, deadline)
}

/// Three specific items tied to duties, and one vague item (vague, not tied, no target, no deadline).
fn an_items(year: i32) -> Vec<ItemInput> {
    vec![
        item(
            "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1 để xe cứu thương vào được",
            "Công tác dân vận",
            "15 hộ",
            Some(d(year, 11, 30)),
        ),
        item(
            "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền của phường",
            "Công tác chuyên môn",
            "100% đơn thư",
            Some(d(year, 11, 30)),
        ),
        item(
            "Tổ chức lớp bồi dưỡng kỹ năng dân vận cho cán bộ tổ dân phố",
            "Công tác dân vận",
            "02 lớp",
            Some(d(year, 11, 30)),
        ),
        item(
            "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước",
            "",
            "",
            None,
        ),
    ]
}

/// `an_items` pasted with a few words changed.
fn pasted_items(year: i32) -> Vec<ItemInput> {
    let mut v = an_items(year);
    v[0].content =
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3 khu phố 2, để xe cứu thương vào được".into();
    v[1].content =
        "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền của phường 7".into();
    v
}

/// The head's items: two specific, one without a deadline (not specific but tied to duties).
fn hai_items(year: i32) -> Vec<ItemInput> {
    vec![
        item(
            "Duy trì sinh hoạt chi bộ định kỳ hằng tháng với nội dung chuyên đề về học tập và làm theo Bác",
            "Lãnh đạo chi bộ",
            "12 kỳ sinh hoạt",
            Some(d(year, 12, 15)),
        ),
        item(
            "Kết nạp đảng viên mới là quần chúng ưu tú trong khu phố",
            "Công tác xây dựng Đảng",
            "02 đảng viên",
            Some(d(year, 10, 30)),
        ),
        item(
            "Hướng dẫn đảng viên chi bộ xây dựng bản đăng ký gắn với nhiệm vụ được giao",
            "Lãnh đạo chi bộ",
            "100% đảng viên",
            None,
        ),
    ]
}

/// Two specific items, the second not tied to a duty (no duty written).
fn cuong_items(year: i32) -> Vec<ItemInput> {
    vec![
        item(
            "Vận động các hộ trong tổ dân phố 5 phân loại rác thải tại nguồn",
            "Công tác dân vận",
            "30 hộ",
            Some(d(year, 9, 30)),
        ),
        item(
            "Tham gia đội tuần tra an ninh trật tự của khu phố vào tối thứ bảy hằng tuần",
            "",
            "40 buổi",
            Some(d(year, 12, 31)),
        ),
    ]
}

fn hung_items(year: i32) -> Vec<ItemInput> {
    vec![
        item(
            "Chỉ đạo chi bộ hoàn thành việc thu nộp đảng phí đúng kỳ hạn",
            "Lãnh đạo chi bộ",
            "100% đảng viên",
            Some(d(year, 12, 31)),
        ),
        item(
            "Tổ chức cho đảng viên chi bộ thăm và tặng quà gia đình chính sách dịp 27/7",
            "Công tác xây dựng Đảng",
            "15 gia đình",
            Some(d(year, 7, 27)),
        ),
    ]
}

fn dung_items(year: i32) -> Vec<ItemInput> {
    vec![
        item(
            "Sửa chữa đường điện chiếu sáng hẻm 12 khu phố 1 phường 8",
            "Công tác chuyên môn",
            "200 mét",
            Some(d(year, 8, 31)),
        ),
        item(
            "Vận động quyên góp quỹ khuyến học cho học sinh nghèo của khu phố",
            "Công tác dân vận",
            "20 triệu đồng",
            Some(d(year, 8, 31)),
        ),
    ]
}

/// The text copy detection compares: each item's content and target, one line per item.
fn text_of(items: &[ItemInput]) -> String {
    items
        .iter()
        .map(|i| format!("{} {}", i.content, i.target))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The tree with: in P7-KP1 An, Cường, Khoa and the cell's head Hải (Bí thư); in P7-KP2 Bình, Giang and
/// the cell's head Hùng (Bí thư); in P8-KP1 Dũng.
struct World {
    t: Tree,
    an: i64,
    cuong: i64,
    khoa: i64,
    hai: i64,
    binh: i64,
    hung: i64,
    dung: i64,
}

impl World {
    fn member(&self, unit: &Unit, id: i64) -> Principal {
        principal(Role::Member, unit, Some(id))
    }
    fn an(&self) -> Principal {
        self.member(&self.t.cell_a1, self.an)
    }
    fn cuong(&self) -> Principal {
        self.member(&self.t.cell_a1, self.cuong)
    }
    fn binh(&self) -> Principal {
        self.member(&self.t.cell_a2, self.binh)
    }
    fn dung(&self) -> Principal {
        self.member(&self.t.cell_b1, self.dung)
    }
    /// The secretary of P7-KP1 is its head, Hải.
    fn sec_a1(&self) -> Principal {
        principal(Role::Secretary, &self.t.cell_a1, Some(self.hai))
    }
    /// The secretary of P7-KP2 is its head, Hùng.
    fn sec_a2(&self) -> Principal {
        principal(Role::Secretary, &self.t.cell_a2, Some(self.hung))
    }
    fn sec_b1(&self) -> Principal {
        principal(Role::Secretary, &self.t.cell_b1, None)
    }
    fn ward_a(&self) -> Principal {
        principal(Role::Secretary, &self.t.ward_a, None)
    }
    fn ward_b(&self) -> Principal {
        principal(Role::Secretary, &self.t.ward_b, None)
    }
}

async fn world(db: &Db) -> World {
    let t = tree(db).await;
    let admin = t.admin();
    let head = |name: &str, card: &str, cell: &str| {
        let mut m = person(name, card);
        m.positions = vec![domain::member::PositionInput::new(
            "Bí thư Chi bộ",
            format!("Lãnh đạo chi bộ {cell}"),
        )];
        m
    };
    let an = add_member(db, &admin, person("Nguyễn Văn An", "910001"), &t.cell_a1).await;
    let cuong = add_member(db, &admin, person("Lê Văn Cường", "910002"), &t.cell_a1).await;
    let khoa = add_member(db, &admin, person("Đinh Văn Khoa", "910003"), &t.cell_a1).await;
    let hai = add_member(
        db,
        &admin,
        head("Phạm Văn Hải", "910004", "Khu phố 1"),
        &t.cell_a1,
    )
    .await;
    let binh = add_member(db, &admin, person("Trần Thị Bình", "910005"), &t.cell_a2).await;
    // Giang never registers.
    add_member(db, &admin, person("Hồ Thị Giang", "910006"), &t.cell_a2).await;
    let hung = add_member(
        db,
        &admin,
        head("Võ Văn Hùng", "910007", "Khu phố 2"),
        &t.cell_a2,
    )
    .await;
    let dung = add_member(db, &admin, person("Đỗ Văn Dũng", "910008"), &t.cell_b1).await;
    World {
        t,
        an,
        cuong,
        khoa,
        hai,
        binh,
        hung,
        dung,
    }
}

/// Moves the shared test clock to 10:00 (Hanoi) on that day, forwards or backwards.
fn set_clock(env: &Env, y: i32, m: u32, day: u32) {
    let target = Utc
        .with_ymd_and_hms(y, m, day, 3, 0, 0)
        .single()
        .expect("valid time");
    env.clock.advance(target - env.db.now());
    assert_eq!(env.db.today(), d(y, m, day));
}

fn web(p: &Principal) -> Actor {
    Actor::user(p, "web")
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

fn rv(position: i64, outcome: Option<Outcome>) -> ReviewInput {
    ReviewInput {
        position,
        outcome,
        note: String::new(),
        evidence: String::new(),
    }
}

fn rvs(outcomes: &[Outcome]) -> Vec<ReviewInput> {
    outcomes
        .iter()
        .enumerate()
        .map(|(k, o)| rv(k as i64 + 1, Some(*o)))
        .collect()
}

async fn create(db: &Db, p: &Principal, member: i64, year: i32, items: &[ItemInput]) -> i64 {
    db.registrations()
        .create_registration(&web(p), p, member, year, items)
        .await
        .unwrap_or_else(|e| panic!("create registration of {member}: {e:?}"))
        .id
}

async fn act(db: &Db, p: &Principal, id: i64, action: Action) -> Registration {
    let comment = if action == Action::Return {
        "Ghi rõ hơn"
    } else {
        ""
    };
    db.registrations()
        .registration_action(&web(p), p, id, action, comment, &[])
        .await
        .unwrap_or_else(|e| panic!("{action:?} on {id}: {e:?}"))
}

/// Writes, submits and has the right secretary approve a registration.
async fn approved(
    db: &Db,
    writer: &Principal,
    approver: &Principal,
    member: i64,
    year: i32,
    items: &[ItemInput],
) -> i64 {
    let id = create(db, writer, member, year, items).await;
    act(db, writer, id, Action::Submit).await;
    act(db, approver, id, Action::Approve).await;
    id
}

fn outcomes(r: &Registration, stage: Stage) -> Vec<Option<Outcome>> {
    r.items
        .iter()
        .map(|i| match stage {
            Stage::Midyear => i.midyear_outcome,
            Stage::Yearend => i.yearend_outcome,
        })
        .collect()
}

fn assessed(r: &Registration) -> Vec<Option<Outcome>> {
    r.items.iter().map(|i| i.assessed_outcome).collect()
}

/// The audit actions recorded about a registration, oldest first, with who did them.
async fn audit_of(db: &Db, admin: &Principal, id: i64) -> Vec<(String, String)> {
    let (entries, _) = db
        .audit()
        .list_audit(
            admin,
            &AuditFilter {
                object_type: Some("registration".into()),
                object_id: Some(id.to_string()),
                per_page: 500,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    entries
        .into_iter()
        .rev()
        .map(|e| (e.action, e.username))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Self-reviews and the cell's assessment
// ---------------------------------------------------------------------------------------------

pub async fn self_reviews_and_assessment(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let (an, sec_a1, ward_a) = (w.an(), w.sec_a1(), w.ward_a());
    // Written and approved at the end of 2026 for 2027.
    let id = approved(db, &an, &sec_a1, w.an, YEAR, &an_items(YEAR)).await;
    let head_id = approved(db, &sec_a1, &ward_a, w.hai, YEAR, &hai_items(YEAR)).await;
    let draft = create(db, &w.cuong(), w.cuong, YEAR, &cuong_items(YEAR)).await;

    // Before 1 June 2027: the mid-year review is not open, and the message says from when.
    let e = db
        .registrations()
        .self_review(&web(&an), &an, id, Stage::Midyear, &rvs(&[Outcome::Done]))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "Chưa đến thời gian tự đánh giá giữa năm (bắt đầu từ ngày 01/06/2027)"
    );

    set_clock(env, YEAR, 6, 15);
    // Mid-year, by the member.
    let mut mid = rvs(&[Outcome::Done, Outcome::Partly]);
    mid[1].note = "Đã giải quyết 8/12 đơn".into();
    let r = db
        .registrations()
        .self_review(&web(&an), &an, id, Stage::Midyear, &mid)
        .await
        .unwrap();
    assert_eq!(
        outcomes(&r, Stage::Midyear),
        [Some(Outcome::Done), Some(Outcome::Partly), None, None]
    );
    assert_eq!(r.items[1].midyear_note, "Đã giải quyết 8/12 đơn");
    assert_eq!(
        r.status,
        Status::Approved,
        "a review does not change the status"
    );
    // Mid-year for Cường's draft: refused, naming the status.
    let e = db
        .registrations()
        .self_review(
            &web(&w.cuong()),
            &w.cuong(),
            draft,
            Stage::Midyear,
            &rvs(&[Outcome::Done]),
        )
        .await
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "Chỉ được tự đánh giá bản đăng ký đã được duyệt (bản này đang ở trạng thái “Đang soạn”)"
    );
    // An item that does not exist: refused in Vietnamese, and nothing of the batch is written.
    let e = db
        .registrations()
        .self_review(
            &web(&an),
            &an,
            id,
            Stage::Midyear,
            &[rv(1, Some(Outcome::NotDone)), rv(9, Some(Outcome::Done))],
        )
        .await
        .unwrap_err();
    assert!(
        invalid(e).contains("Bản đăng ký không có nội dung số 9"),
        "unknown position"
    );
    let e = db
        .registrations()
        .self_review(
            &web(&an),
            &an,
            id,
            Stage::Midyear,
            &[rv(2, Some(Outcome::Done)), rv(2, Some(Outcome::NotDone))],
        )
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Nội dung số 2 được đánh giá hai lần"));
    let r = db.registrations().registration(&an, id).await.unwrap();
    assert_eq!(
        outcomes(&r, Stage::Midyear),
        [Some(Outcome::Done), Some(Outcome::Partly), None, None],
        "refused reviews change nothing"
    );
    // Other people: another cell's secretary and another member do not even see it; the ward's
    // secretary of another ward neither.
    for who in [w.sec_a2(), w.cuong(), w.binh(), w.ward_b()] {
        let e = db
            .registrations()
            .self_review(&web(&who), &who, id, Stage::Midyear, &rvs(&[Outcome::Done]))
            .await
            .unwrap_err();
        assert!(
            matches!(e, StoreError::NotFound | StoreError::Forbidden),
            "{}: {e:?}",
            who.username
        );
    }
    assert!(matches!(
        db.registrations()
            .self_review(
                &web(&w.sec_a2()),
                &w.sec_a2(),
                id,
                Stage::Midyear,
                &rvs(&[Outcome::Done])
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // The year-end review and the assessment are not open in June.
    let e = db
        .registrations()
        .self_review(&web(&an), &an, id, Stage::Yearend, &rvs(&[Outcome::Done]))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "Chưa đến thời gian tự đánh giá cuối năm (bắt đầu từ ngày 01/11/2027)"
    );
    let e = db
        .registrations()
        .assess_registration(&web(&sec_a1), &sec_a1, id, &rvs(&[Outcome::Done]))
        .await
        .unwrap_err();
    assert_eq!(
        invalid(e),
        "Chưa đến thời gian chi bộ đánh giá (bắt đầu từ ngày 01/11/2027)"
    );

    set_clock(env, YEAR, 11, 5);
    // Year-end, by the cell secretary on the member's behalf: everything done.
    let mut end = rvs(&[Outcome::Done, Outcome::Done, Outcome::Done, Outcome::Done]);
    end[0].evidence = "Biên bản bàn giao mặt bằng hẻm 3".into();
    let r = db
        .registrations()
        .self_review(&web(&sec_a1), &sec_a1, id, Stage::Yearend, &end)
        .await
        .unwrap();
    assert_eq!(outcomes(&r, Stage::Yearend), [Some(Outcome::Done); 4]);
    assert_eq!(
        r.items[0].yearend_evidence,
        "Biên bản bàn giao mặt bằng hẻm 3"
    );
    // The mid-year review is kept as it was.
    assert_eq!(r.items[1].midyear_outcome, Some(Outcome::Partly));
    let summary_of = |list: &[RegSummary], member: i64| {
        list.iter()
            .find(|s| s.member_id == member)
            .cloned()
            .expect("listed")
    };
    let (list, _) = db
        .registrations()
        .registrations_in(&sec_a1, &w.t.cell_a1.path, YEAR, None, 100)
        .await
        .unwrap();
    let s = summary_of(&list, w.an);
    assert_eq!(s.result, Some(1.0));
    assert_eq!(s.suggested, Some(Rating::Excellent));

    // The assessment: only the approver (the member's cell secretary).
    for (who, want) in [
        (an.clone(), "forbidden"),
        (ward_a.clone(), "forbidden"),
        (w.sec_a2(), "not found"),
        (w.cuong(), "not found"),
    ] {
        let e = db
            .registrations()
            .assess_registration(&web(&who), &who, id, &rvs(&[Outcome::NotDone]))
            .await
            .unwrap_err();
        match want {
            "forbidden" => assert!(
                matches!(e, StoreError::Forbidden),
                "{}: {e:?}",
                who.username
            ),
            _ => assert!(matches!(e, StoreError::NotFound), "{}: {e:?}", who.username),
        }
    }
    let e = db
        .registrations()
        .assess_registration(&web(&sec_a1), &sec_a1, id, &[rv(5, Some(Outcome::Done))])
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Bản đăng ký không có nội dung số 5"));
    let r = db
        .registrations()
        .assess_registration(
            &web(&sec_a1),
            &sec_a1,
            id,
            &[
                rv(1, Some(Outcome::Done)),
                rv(2, Some(Outcome::Partly)),
                rv(3, Some(Outcome::NotDone)),
                rv(4, Some(Outcome::Done)),
            ],
        )
        .await
        .unwrap();
    assert_eq!(
        assessed(&r),
        [
            Some(Outcome::Done),
            Some(Outcome::Partly),
            Some(Outcome::NotDone),
            Some(Outcome::Done)
        ]
    );
    // The member's own review is kept beside the cell's.
    assert!(outcomes(&r, Stage::Yearend)
        .iter()
        .all(|o| *o == Some(Outcome::Done)));
    // The result and the suggestion now follow the cell: (1 + ½ + 0 + 1) / 4 = 62.5 % → hoàn thành.
    let (list, _) = db
        .registrations()
        .registrations_in(&sec_a1, &w.t.cell_a1.path, YEAR, None, 100)
        .await
        .unwrap();
    let s = summary_of(&list, w.an);
    assert_eq!(s.result, Some(0.625));
    assert_eq!(s.suggested, Some(Rating::Completed));
    // The cell proposes the suggestion without a reason; "xuất sắc" (the self-review's level) now
    // needs one. The ward decides as proposed (docs/DOMAIN.md § Rating).
    let e = db
        .registrations()
        .propose_rating(&web(&sec_a1), &sec_a1, w.an, YEAR, Rating::Excellent, "")
        .await
        .unwrap_err();
    let msg = invalid(e);
    assert!(
        msg.contains("lý do") && msg.contains("Hoàn thành nhiệm vụ"),
        "{msg}"
    );
    db.registrations()
        .propose_rating(&web(&sec_a1), &sec_a1, w.an, YEAR, Rating::Completed, "")
        .await
        .unwrap();
    db.registrations()
        .rate_member(
            &web(&w.ward_a()),
            &w.ward_a(),
            w.an,
            YEAR,
            Rating::Completed,
            "",
        )
        .await
        .unwrap();
    assert_eq!(
        db.registrations()
            .member_rating(&sec_a1, w.an, YEAR)
            .await
            .unwrap(),
        Some((Rating::Completed, String::new()))
    );

    // The head's registration is assessed by the ward, never by the head as the cell's secretary.
    assert!(matches!(
        db.registrations()
            .assess_registration(&web(&sec_a1), &sec_a1, head_id, &rvs(&[Outcome::Done]))
            .await,
        Err(StoreError::Forbidden)
    ));
    let r = db
        .registrations()
        .assess_registration(
            &web(&ward_a),
            &ward_a,
            head_id,
            &rvs(&[Outcome::Done, Outcome::Done, Outcome::Done]),
        )
        .await
        .unwrap();
    assert_eq!(assessed(&r), [Some(Outcome::Done); 3]);
    // The head writes their own self-review, and the member of the cell may not assess anything.
    db.registrations()
        .self_review(
            &web(&sec_a1),
            &sec_a1,
            head_id,
            Stage::Yearend,
            &rvs(&[Outcome::Done, Outcome::Partly]),
        )
        .await
        .unwrap();

    // Every review and assessment left an audit entry naming who wrote it; refused ones left none.
    let trail = audit_of(db, &w.t.admin(), id).await;
    let reviews: Vec<(&str, &str)> = trail
        .iter()
        .filter(|(a, _)| ["midyear", "yearend", "assess"].contains(&a.as_str()))
        .map(|(a, u)| (a.as_str(), u.as_str()))
        .collect();
    assert_eq!(
        reviews,
        [
            ("midyear", an.username.as_str()),
            ("yearend", sec_a1.username.as_str()),
            ("assess", sec_a1.username.as_str()),
        ]
    );
    let head_trail: Vec<String> = audit_of(db, &w.t.admin(), head_id)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .filter(|a| ["midyear", "yearend", "assess"].contains(&a.as_str()))
        .collect();
    assert_eq!(head_trail, ["assess", "yearend"]);
    assert!(audit_of(db, &w.t.admin(), draft)
        .await
        .iter()
        .all(|(a, _)| a != "midyear"));
}

/// A superseded (revised) version takes no review: the current version does.
pub async fn superseded_versions_take_no_review(db: &Db) {
    let w = world(db).await;
    let (an, sec) = (w.an(), w.sec_a1());
    // 2026: the test clock (27/11/2026) is past both opening days.
    let v1 = approved(db, &an, &sec, w.an, 2026, &an_items(2026)).await;
    let v2 = act(db, &an, v1, Action::Revise).await;
    assert_eq!(v2.version, 2);
    // (The wording of this refusal is wrong: see `superseded_refusal_says_why`.)
    assert!(
        db.registrations()
            .self_review(&web(&an), &an, v1, Stage::Yearend, &rvs(&[Outcome::Done]))
            .await
            .is_err(),
        "the old version is no longer the one reviewed"
    );
    assert_eq!(
        db.registrations()
            .registration(&an, v1)
            .await
            .unwrap()
            .items[0]
            .yearend_outcome,
        None
    );
    assert!(db
        .registrations()
        .assess_registration(&web(&sec), &sec, v1, &rvs(&[Outcome::Done]))
        .await
        .is_err());
    // The new version is a draft until approved again.
    assert!(db
        .registrations()
        .self_review(
            &web(&an),
            &an,
            v2.id,
            Stage::Yearend,
            &rvs(&[Outcome::Done])
        )
        .await
        .is_err());
    act(db, &an, v2.id, Action::Submit).await;
    act(db, &sec, v2.id, Action::Approve).await;
    let r = db
        .registrations()
        .self_review(
            &web(&an),
            &an,
            v2.id,
            Stage::Yearend,
            &rvs(&[Outcome::Done]),
        )
        .await
        .unwrap();
    assert_eq!(r.items[0].yearend_outcome, Some(Outcome::Done));
    assert_eq!(
        db.registrations()
            .registration_of(&an, w.an, 2026)
            .await
            .unwrap()
            .map(|r| r.id),
        Some(v2.id)
    );
}

// ---------------------------------------------------------------------------------------------
// Copying last year's registration
// ---------------------------------------------------------------------------------------------

pub async fn copy_previous_registration(db: &Db) {
    let w = world(db).await;
    let (an, sec) = (w.an(), w.sec_a1());
    // 2023: something else; 2024 (a leap year): the one to copy, reviewed at year-end.
    let old = vec![item(
        "Tham gia lớp bồi dưỡng lý luận chính trị dành cho đảng viên mới",
        "Học tập",
        "01 lớp",
        Some(d(2023, 6, 30)),
    )];
    approved(db, &an, &sec, w.an, 2023, &old).await;
    let mut items = an_items(2024);
    items[0].deadline = Some(d(2024, 2, 29));
    items[1].deadline = Some(d(2024, 11, 30));
    items[1].evidence = "Sổ theo dõi đơn thư".into();
    let prev = approved(db, &an, &sec, w.an, 2024, &items).await;
    db.registrations()
        .self_review(
            &web(&an),
            &an,
            prev,
            Stage::Yearend,
            &rvs(&[Outcome::Done, Outcome::Done, Outcome::Partly, Outcome::Done]),
        )
        .await
        .unwrap();
    let prev = db.registrations().registration(&an, prev).await.unwrap();

    let copy = db
        .registrations()
        .copy_previous_registration(&web(&an), &an, w.an, 2026)
        .await
        .unwrap();
    assert_eq!(
        (copy.year, copy.version, copy.status),
        (2026, 1, Status::Draft)
    );
    assert_ne!(copy.id, prev.id);
    let contents: Vec<&str> = copy.items.iter().map(|i| i.content.as_str()).collect();
    let want: Vec<&str> = prev.items.iter().map(|i| i.content.as_str()).collect();
    assert_eq!(contents, want, "the most recent earlier year is copied");
    let targets: Vec<&str> = copy.items.iter().map(|i| i.target.as_str()).collect();
    assert_eq!(targets, ["15 hộ", "100% đơn thư", "02 lớp", ""]);
    let deadlines: Vec<Option<NaiveDate>> = copy.items.iter().map(|i| i.deadline).collect();
    assert_eq!(
        deadlines,
        [
            Some(d(2026, 2, 28)),
            Some(d(2026, 11, 30)),
            Some(d(2026, 11, 30)),
            None
        ],
        "deadlines move to the new year; 29/02 becomes 28/02"
    );
    // A fresh start: no reviews, no evidence of last year, flags computed again for the new year.
    assert!(copy.items.iter().all(|i| i.yearend_outcome.is_none()
        && i.midyear_outcome.is_none()
        && i.assessed_outcome.is_none()
        && i.evidence.is_empty()));
    assert!(copy.items[0].flags.is_empty(), "{:?}", copy.items[0].flags);
    let vague: Vec<Flag> = copy.items[3].flags.iter().map(|f| f.flag).collect();
    assert!(vague.contains(&Flag::Vague) && vague.contains(&Flag::NoDeadline));
    // Last year's registration is untouched.
    let again = db.registrations().registration(&an, prev.id).await.unwrap();
    assert_eq!(again.status, Status::Approved);
    assert_eq!(again.items[0].deadline, Some(d(2024, 2, 29)));
    assert_eq!(
        db.registrations()
            .registration_years(&an, w.an)
            .await
            .unwrap()
            .iter()
            .map(|(y, _, s)| (*y, *s))
            .collect::<Vec<_>>(),
        [
            (2026, Status::Draft),
            (2024, Status::Approved),
            (2023, Status::Approved)
        ]
    );

    // The year already has one: refused, nothing duplicated.
    let e = db
        .registrations()
        .copy_previous_registration(&web(&an), &an, w.an, 2026)
        .await
        .unwrap_err();
    assert!(matches!(e, StoreError::Conflict(_)), "{e:?}");
    // No earlier year: refused with a message.
    let e = db
        .registrations()
        .copy_previous_registration(&web(&an), &an, w.an, 2023)
        .await
        .unwrap_err();
    assert_eq!(invalid(e), "Chưa có bản đăng ký năm trước để sao chép");
    let e = db
        .registrations()
        .copy_previous_registration(&web(&w.binh()), &w.binh(), w.binh, 2026)
        .await
        .unwrap_err();
    assert_eq!(invalid(e), "Chưa có bản đăng ký năm trước để sao chép");
    // Someone else's: not found outside the scope.
    for who in [w.binh(), w.sec_a2(), w.ward_b()] {
        assert!(
            matches!(
                db.registrations()
                    .copy_previous_registration(&web(&who), &who, w.an, 2025)
                    .await,
                Err(StoreError::NotFound)
            ),
            "{}",
            who.username
        );
    }
    // The cell secretary may start it for the member.
    let c = db
        .registrations()
        .copy_previous_registration(&web(&sec), &sec, w.an, 2025)
        .await
        .unwrap();
    assert_eq!(c.year, 2025);
    assert_eq!(c.items[0].deadline, Some(d(2025, 2, 28)));
}

// ---------------------------------------------------------------------------------------------
// The approval queue
// ---------------------------------------------------------------------------------------------

pub async fn approval_queue_is_the_approvers(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    set_clock(env, YEAR, 1, 5);
    // Written in this order (ids ascending) ...
    let an = create(db, &w.an(), w.an, YEAR, &an_items(YEAR)).await;
    let cuong = create(db, &w.cuong(), w.cuong, YEAR, &cuong_items(YEAR)).await;
    let hai = create(db, &w.sec_a1(), w.hai, YEAR, &hai_items(YEAR)).await;
    let binh = create(db, &w.binh(), w.binh, YEAR, &dung_items(YEAR)).await;
    let hung = create(db, &w.sec_a2(), w.hung, YEAR, &hung_items(YEAR)).await;
    let dung = create(db, &w.dung(), w.dung, YEAR, &dung_items(YEAR)).await;
    create(
        db,
        &w.member(&w.t.cell_a1, w.khoa),
        w.khoa,
        YEAR,
        &cuong_items(YEAR),
    )
    .await;
    // ... submitted in another order; Khoa's stays a draft.
    set_clock(env, YEAR, 1, 8);
    act(db, &w.sec_a1(), hai, Action::Submit).await;
    set_clock(env, YEAR, 1, 9);
    act(db, &w.cuong(), cuong, Action::Submit).await;
    set_clock(env, YEAR, 1, 10);
    act(db, &w.dung(), dung, Action::Submit).await;
    act(db, &w.binh(), binh, Action::Submit).await;
    set_clock(env, YEAR, 1, 12);
    act(db, &w.an(), an, Action::Submit).await;
    act(db, &w.sec_a2(), hung, Action::Submit).await;

    let queue = async |p: &Principal| -> Vec<i64> {
        db.registrations()
            .approval_queue(p)
            .await
            .unwrap()
            .into_iter()
            .map(|s| {
                assert_eq!(s.status, Status::Submitted);
                s.id
            })
            .collect()
    };
    // The cell secretary: the members' registrations, oldest submission first; not their own (the head's).
    assert_eq!(queue(&w.sec_a1()).await, [cuong, an]);
    // The ward: the cells' heads.
    assert_eq!(queue(&w.ward_a()).await, [hai, hung]);
    assert_eq!(queue(&w.sec_a2()).await, [binh]);
    assert_eq!(queue(&w.sec_b1()).await, [dung]);
    assert!(queue(&w.ward_b()).await.is_empty());
    // Members and the committee above approve nothing here.
    assert!(queue(&w.an()).await.is_empty());
    assert!(queue(&w.t.admin()).await.is_empty());
    // The lines say whose and from which cell.
    let lines = db
        .registrations()
        .approval_queue(&w.ward_a())
        .await
        .unwrap();
    assert_eq!(lines[0].member_name, "Phạm Văn Hải");
    assert_eq!(lines[0].unit_name, "Chi bộ Khu phố 1");
    assert!(lines[0].head && lines[1].head);

    // Decisions take them off the queue; a resubmission comes back at its new submission time.
    set_clock(env, YEAR, 1, 15);
    act(db, &w.sec_a1(), cuong, Action::Approve).await;
    act(db, &w.ward_a(), hai, Action::Return).await;
    assert_eq!(queue(&w.sec_a1()).await, [an]);
    assert_eq!(queue(&w.ward_a()).await, [hung]);
    set_clock(env, YEAR, 1, 20);
    act(db, &w.sec_a1(), hai, Action::Submit).await;
    assert_eq!(queue(&w.ward_a()).await, [hung, hai]);
}

// ---------------------------------------------------------------------------------------------
// A unit's list
// ---------------------------------------------------------------------------------------------

pub async fn registrations_in_sorts_names_the_vietnamese_way(db: &Db) {
    let w = world(db).await;
    // Written in reverse order of the expected list.
    create(db, &w.sec_a1(), w.hai, 2026, &hai_items(2026)).await;
    create(db, &w.cuong(), w.cuong, 2026, &cuong_items(2026)).await;
    let binh = create(db, &w.binh(), w.binh, 2026, &dung_items(2026)).await;
    let an = create(db, &w.an(), w.an, 2026, &an_items(2026)).await;
    create(db, &w.dung(), w.dung, 2026, &dung_items(2026)).await;
    act(db, &w.binh(), binh, Action::Submit).await;
    act(db, &w.an(), an, Action::Submit).await;

    let names =
        |v: &[RegSummary]| -> Vec<String> { v.iter().map(|s| s.member_name.clone()).collect() };
    let ward = w.ward_a();
    let (list, total) = db
        .registrations()
        .registrations_in(&ward, &w.t.ward_a.path, 2026, None, 100)
        .await
        .unwrap();
    // Given name first: An, Bình, Cường, Hải — whatever the family names.
    assert_eq!(
        names(&list),
        [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Phạm Văn Hải"
        ]
    );
    assert_eq!(total, 4);
    // A limit keeps the first names and still tells the total.
    let (list, total) = db
        .registrations()
        .registrations_in(&ward, &w.t.ward_a.path, 2026, None, 2)
        .await
        .unwrap();
    assert_eq!(names(&list), ["Nguyễn Văn An", "Trần Thị Bình"]);
    assert_eq!(total, 4);
    // By status.
    let (list, total) = db
        .registrations()
        .registrations_in(&ward, &w.t.ward_a.path, 2026, Some(Status::Submitted), 100)
        .await
        .unwrap();
    assert_eq!(names(&list), ["Nguyễn Văn An", "Trần Thị Bình"]);
    assert_eq!(total, 2);
    // The whole city, for an inspector: Dũng (P8) falls between Cường and Hải.
    let insp = principal(Role::Inspector, &w.t.root, None);
    let (list, _) = db
        .registrations()
        .registrations_in(&insp, &w.t.root.path, 2026, None, 100)
        .await
        .unwrap();
    assert_eq!(
        names(&list),
        [
            "Nguyễn Văn An",
            "Trần Thị Bình",
            "Lê Văn Cường",
            "Đỗ Văn Dũng",
            "Phạm Văn Hải"
        ]
    );
    // Other years: nothing.
    assert!(db
        .registrations()
        .registrations_in(&ward, &w.t.ward_a.path, 2025, None, 100)
        .await
        .unwrap()
        .0
        .is_empty());
    // Outside the scope: not found (also for a member, who sees only their own registration).
    for (who, path) in [
        (w.ward_b(), &w.t.ward_a.path),
        (w.sec_a2(), &w.t.ward_a.path),
        (w.sec_a2(), &w.t.cell_a1.path),
        (w.an(), &w.t.cell_a1.path),
    ] {
        assert!(
            matches!(
                db.registrations()
                    .registrations_in(&who, path, 2026, None, 100)
                    .await,
                Err(StoreError::NotFound)
            ),
            "{} on {path}",
            who.username
        );
    }
}

// ---------------------------------------------------------------------------------------------
// The report
// ---------------------------------------------------------------------------------------------

fn line<'a>(r: &'a RegReport, code: &str) -> &'a RegStats {
    &r.lines
        .iter()
        .find(|l| l.unit.code == code)
        .unwrap_or_else(|| panic!("line {code} in {:?}", r.lines))
        .stats
}

fn warning_of(r: &RegReport, code: &str) -> Option<String> {
    r.lines
        .iter()
        .find(|l| l.unit.code == code)
        .and_then(|l| l.excellent_warning.clone())
}

fn approx(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-9)
}

pub async fn report_of_a_small_tree(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let (sec_a1, sec_a2, ward_a) = (w.sec_a1(), w.sec_a2(), w.ward_a());
    let admin = w.t.admin();

    // P7-KP2: the head first.
    set_clock(env, YEAR, 3, 5);
    let hung = create(db, &sec_a2, w.hung, YEAR, &hung_items(YEAR)).await;
    act(db, &sec_a2, hung, Action::Submit).await;
    // P7-KP1: a member first, the head after.
    set_clock(env, YEAR, 3, 10);
    let an = create(db, &w.an(), w.an, YEAR, &an_items(YEAR)).await;
    act(db, &w.an(), an, Action::Submit).await;
    set_clock(env, YEAR, 3, 12);
    let hai = create(db, &sec_a1, w.hai, YEAR, &hai_items(YEAR)).await;
    act(db, &sec_a1, hai, Action::Submit).await;
    set_clock(env, YEAR, 3, 15);
    act(db, &sec_a1, an, Action::Return).await;
    create(db, &w.dung(), w.dung, YEAR, &dung_items(YEAR)).await;
    // Bình pastes An's registration.
    set_clock(env, YEAR, 3, 20);
    let binh = db
        .registrations()
        .create_registration(
            &web(&w.binh()),
            &w.binh(),
            w.binh,
            YEAR,
            &pasted_items(YEAR),
        )
        .await
        .unwrap();
    assert!(
        binh.items
            .iter()
            .all(|i| i.flags.iter().any(|f| f.flag == Flag::Copied)),
        "the paste is flagged"
    );
    let binh = binh.id;
    act(db, &w.binh(), binh, Action::Submit).await;
    // After the deadline: An resubmits (first submitted in time), Cường submits for the first time.
    set_clock(env, YEAR, 4, 2);
    act(db, &w.an(), an, Action::Submit).await;
    set_clock(env, YEAR, 4, 5);
    let cuong = create(db, &w.cuong(), w.cuong, YEAR, &cuong_items(YEAR)).await;
    act(db, &w.cuong(), cuong, Action::Submit).await;
    set_clock(env, YEAR, 4, 10);
    act(db, &sec_a1, an, Action::Approve).await;
    act(db, &sec_a1, cuong, Action::Approve).await;
    act(db, &ward_a, hai, Action::Approve).await;
    act(db, &ward_a, hung, Action::Approve).await;
    act(db, &sec_a2, binh, Action::Approve).await;
    // Em joins P7-KP2 on 1 May: after the deadline, not among those who should have registered.
    set_clock(env, YEAR, 5, 2);
    add_member_since(
        db,
        &admin,
        "Lâm Thị Em",
        "910009",
        &w.t.cell_a2,
        d(YEAR, 5, 1),
    )
    .await;
    // Khoa is exempted on 1 June: he should have registered by 31 March all the same.
    set_clock(env, YEAR, 6, 2);
    db.members()
        .set_member_status(&cli(), &admin, w.khoa, MemberStatus::Exempt, d(YEAR, 6, 1))
        .await
        .unwrap();

    // Year-end.
    set_clock(env, YEAR, 11, 5);
    use Outcome::{Done, NotDone, Partly};
    let review = async |p: &Principal, id: i64, o: &[Outcome]| {
        db.registrations()
            .self_review(&web(p), p, id, Stage::Yearend, &rvs(o))
            .await
            .unwrap();
    };
    let assess = async |p: &Principal, id: i64, o: &[Outcome]| {
        db.registrations()
            .assess_registration(&web(p), p, id, &rvs(o))
            .await
            .unwrap();
    };
    // An: all done by his own account; the cell finds item 3 not done and item 4 partly → 2 done.
    review(&w.an(), an, &[Done, Done, Done, Done]).await;
    assess(&sec_a1, an, &[Done, Done, NotDone, Partly]).await;
    // Bình: 4 done (no assessment). Hải: assessed 3 done. Hùng: 1 done. Cường: not reviewed.
    review(&w.binh(), binh, &[Done, Done, Done, Done]).await;
    assess(&ward_a, hai, &[Done, Done, Done]).await;
    review(&sec_a2, hung, &[Partly, Done]).await;
    // Ratings: xuất sắc for Bình and Hải (as suggested), tốt for An, Cường and Hùng (with reasons).
    let reason = "Chi bộ thống nhất xếp loại sau khi xem xét";
    for (id, r, why) in [
        (w.an, Rating::Good, reason),
        (w.cuong, Rating::Good, reason),
        (w.binh, Rating::Excellent, ""),
    ] {
        // The cell proposes, the ward decides as proposed (docs/DOMAIN.md § Rating).
        let p = if id == w.binh { &sec_a2 } else { &sec_a1 };
        db.registrations()
            .propose_rating(&web(p), p, id, YEAR, r, why)
            .await
            .unwrap_or_else(|e| panic!("propose {id}: {e:?}"));
        db.registrations()
            .rate_member(&web(&ward_a), &ward_a, id, YEAR, r, "")
            .await
            .unwrap_or_else(|e| panic!("rate {id}: {e:?}"));
    }
    // The cells' secretaries are the heads: their own cells' office accounts propose for them.
    for (cell, id, r, why) in [
        (&w.t.cell_a1, w.hai, Rating::Excellent, ""),
        (&w.t.cell_a2, w.hung, Rating::Good, reason),
    ] {
        let office = principal(Role::Office, cell, None);
        db.registrations()
            .propose_rating(&web(&office), &office, id, YEAR, r, why)
            .await
            .unwrap_or_else(|e| panic!("propose {id}: {e:?}"));
    }
    db.registrations()
        .rate_member(&web(&ward_a), &ward_a, w.hai, YEAR, Rating::Excellent, "")
        .await
        .unwrap();
    let warn = db
        .registrations()
        .rate_member(&web(&ward_a), &ward_a, w.hung, YEAR, Rating::Good, "")
        .await
        .unwrap();
    assert!(
        warn.is_some(),
        "2 xuất sắc for 3 tốt in the ward: over 20 %"
    );

    // The ward (a grassroots committee): one line per cell.
    let r = db
        .registrations()
        .registration_report(&ward_a, w.t.ward_a.id, YEAR)
        .await
        .unwrap();
    assert_eq!(r.deadline, Some(d(YEAR, 3, 31)));
    assert_eq!(r.lines.len(), 2);
    let a1 = line(&r, "P7-KP1");
    // An, Cường, Khoa, Hải should register; An, Hải, Cường did; An and Hải by 31/03.
    assert_eq!(
        (a1.members, a1.registered, a1.on_time),
        (4, 3, 2),
        "P7-KP1 {a1:?}"
    );
    assert!(approx(a1.registered_share(), 0.75));
    assert!(approx(a1.on_time_share(), 0.5));
    // Items: An 4 (3 specific, 3 tied), Hải 3 (2 specific: one has no deadline; 3 tied), Cường 2
    // (2 specific, 1 tied: no duty written).
    assert_eq!(
        (a1.items, a1.specific_items, a1.tied_items),
        (9, 7, 7),
        "P7-KP1 {a1:?}"
    );
    assert_eq!(a1.copied, 1, "An's registration was pasted by Bình");
    assert_eq!((a1.done_items, a1.approved_items), (5, 9));
    assert_eq!((a1.excellent, a1.good), (1, 2));
    assert_eq!(a1.approved, 3);
    let a2 = line(&r, "P7-KP2");
    // Bình, Giang, Hùng should register (not Em, who came in May); Hùng and Bình did, in time.
    assert_eq!(
        (a2.members, a2.registered, a2.on_time),
        (3, 2, 2),
        "P7-KP2 {a2:?}"
    );
    assert_eq!((a2.items, a2.specific_items, a2.tied_items), (6, 5, 5));
    assert_eq!(a2.copied, 1);
    assert_eq!((a2.done_items, a2.approved_items), (5, 6));
    assert_eq!((a2.excellent, a2.good), (1, 1));
    // Cells get no 20 % warning even when over it; the grassroots committee does.
    assert_eq!(warning_of(&r, "P7-KP1"), None);
    assert_eq!(warning_of(&r, "P7-KP2"), None);
    let t = &r.total;
    assert_eq!((t.members, t.registered, t.on_time), (7, 5, 4));
    assert!(approx(t.registered_share(), 5.0 / 7.0));
    assert!(approx(t.on_time_share(), 4.0 / 7.0));
    assert!(approx(t.specific_share(), 12.0 / 15.0));
    assert!(approx(t.tied_share(), 12.0 / 15.0));
    assert!(approx(t.copied_share(), 2.0 / 5.0));
    assert!(approx(t.done_share(), 10.0 / 15.0));
    assert_eq!((t.rated, t.excellent, t.good), (5, 2, 3));
    let warning = r
        .excellent_warning
        .clone()
        .expect("20 % warning on the ward");
    assert!(
        warning.contains("(2)") && warning.contains("(3)"),
        "{warning}"
    );
    // Heads late: P7-KP1 (Hải after An), not P7-KP2 (Hùng first).
    assert_eq!(r.heads_late.len(), 1, "{:?}", r.heads_late);
    let late = &r.heads_late[0];
    assert_eq!(late.unit.code, "P7-KP1");
    assert_eq!(late.head_name, "Phạm Văn Hải");
    assert!(late
        .head_submitted
        .as_deref()
        .is_some_and(|s| s.starts_with("2027-03-12")));
    assert!(late.first_member_submitted.starts_with("2027-03-10"));
    let late_lines: Vec<(&str, i64)> = r
        .lines
        .iter()
        .map(|l| (l.unit.code.as_str(), l.heads_late))
        .collect();
    assert!(late_lines.contains(&("P7-KP1", 1)) && late_lines.contains(&("P7-KP2", 0)));

    // The city: one line per ward; the warning on the ward's line, not on the city's total.
    let r = db
        .registrations()
        .registration_report(&admin, w.t.root.id, YEAR)
        .await
        .unwrap();
    let codes: Vec<&str> = r.lines.iter().map(|l| l.unit.code.as_str()).collect();
    assert_eq!(codes, ["P7", "P8"], "party units only");
    let p7 = line(&r, "P7");
    assert_eq!(
        (p7.members, p7.registered, p7.on_time, p7.items, p7.copied),
        (7, 5, 4, 15, 2)
    );
    let p8 = line(&r, "P8");
    // Dũng's draft counts as registered, neither on time nor approved.
    assert_eq!(
        (p8.members, p8.registered, p8.on_time, p8.drafts),
        (1, 1, 0, 1)
    );
    assert_eq!(p8.done_share(), None, "nothing approved in P8");
    assert!(warning_of(&r, "P7").is_some());
    assert_eq!(warning_of(&r, "P8"), None);
    assert_eq!(
        r.excellent_warning, None,
        "the city is not a grassroots unit"
    );
    let t = &r.total;
    assert_eq!(
        (
            t.members,
            t.registered,
            t.on_time,
            t.items,
            t.specific_items
        ),
        (8, 6, 4, 17, 14)
    );
    assert_eq!(r.heads_late.len(), 1);
    assert!(r
        .lines
        .iter()
        .any(|l| l.unit.code == "P7" && l.heads_late == 1));

    // A cell alone: its own line; over 20 % but no warning on a cell.
    let r = db
        .registrations()
        .registration_report(&sec_a1, w.t.cell_a1.id, YEAR)
        .await
        .unwrap();
    assert_eq!(r.lines.len(), 1);
    assert_eq!((r.total.excellent, r.total.good), (1, 2));
    assert_eq!(r.excellent_warning, None);
    assert_eq!(r.heads_late.len(), 1);
    // Outside the scope: not found.
    assert!(matches!(
        db.registrations()
            .registration_report(&w.ward_b(), w.t.ward_a.id, YEAR)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.registrations()
            .registration_report(&w.an(), w.t.cell_a1.id, YEAR)
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        db.registrations()
            .registration_years_in(&w.t.ward_a.path)
            .await
            .unwrap(),
        [YEAR]
    );
}

/// Creates a member in `unit` from `since`.
async fn add_member_since(
    db: &Db,
    admin: &Principal,
    name: &str,
    card: &str,
    unit: &Unit,
    since: NaiveDate,
) -> i64 {
    db.members()
        .create_member(&cli(), admin, &person(name, card), &unit.code, Some(since))
        .await
        .unwrap_or_else(|e| panic!("create member {name}: {e:?}"))
        .id
}

// ---------------------------------------------------------------------------------------------
// Copies across units and across versions
// ---------------------------------------------------------------------------------------------

pub async fn similar_registrations_across_units_and_versions(db: &Db) {
    let w = world(db).await;
    let admin = w.t.admin();
    let year = 2026;
    let an = create(db, &w.an(), w.an, year, &an_items(year)).await;
    // Bình (P7-KP2, same ward) and Dũng (P8) paste An's registration.
    let binh = db
        .registrations()
        .create_registration(
            &web(&w.binh()),
            &w.binh(),
            w.binh,
            year,
            &pasted_items(year),
        )
        .await
        .unwrap();
    let dung = db
        .registrations()
        .create_registration(
            &web(&w.dung()),
            &w.dung(),
            w.dung,
            year,
            &pasted_items(year),
        )
        .await
        .unwrap();
    assert!(binh.items[0].flags.iter().any(|f| f.flag == Flag::Copied));
    // Dũng's ward is compared on its own: nothing to match there when he writes.
    assert!(dung.items[0].flags.iter().all(|f| f.flag != Flag::Copied));
    let an_text = text_of(&an_items(year));
    let ids = |v: Vec<(i64, f64)>| -> Vec<i64> {
        v.iter()
            .map(|(id, s)| {
                assert!(*s >= 0.6 && *s <= 1.0, "similarity {s}");
                *id
            })
            .collect()
    };
    let similar = async |path: &str, exclude: Option<i64>| {
        ids(db
            .registrations()
            .similar_registrations(path, year, exclude, &an_text)
            .await
            .unwrap())
    };
    // Within the ward: Bình's, across cells. Within An's cell alone: none. In P8: Dũng's. The city: both.
    assert_eq!(similar(&w.t.ward_a.path, Some(w.an)).await, [binh.id]);
    assert!(similar(&w.t.cell_a1.path, Some(w.an)).await.is_empty());
    assert_eq!(similar(&w.t.cell_a2.path, Some(w.an)).await, [binh.id]);
    assert_eq!(similar(&w.t.ward_b.path, Some(w.an)).await, [dung.id]);
    let mut city = similar(&w.t.root.path, Some(w.an)).await;
    city.sort();
    assert_eq!(city, [binh.id, dung.id]);
    // Without excluding An, his own is found too; another year finds nothing.
    assert!(similar(&w.t.cell_a1.path, None).await.contains(&an));
    assert!(db
        .registrations()
        .similar_registrations(&w.t.root.path, 2025, None, &an_text)
        .await
        .unwrap()
        .is_empty());
    // A different registration matches nobody.
    assert!(db
        .registrations()
        .similar_registrations(&w.t.root.path, year, None, &text_of(&hung_items(year)))
        .await
        .unwrap()
        .is_empty());
    // The clusters: all three in the city, the two of P7 in the ward (across its cells).
    let clusters = db
        .registrations()
        .copy_clusters(&admin, &w.t.root.path, year)
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1);
    let mut members = clusters[0].member_ids.clone();
    members.sort();
    let mut want = vec![w.an, w.binh, w.dung];
    want.sort();
    assert_eq!(members, want);
    let clusters = db
        .registrations()
        .copy_clusters(&w.ward_a(), &w.t.ward_a.path, year)
        .await
        .unwrap();
    assert_eq!(clusters.len(), 1);
    assert!(clusters[0].cross_unit);
    let mut regs = clusters[0].registration_ids.clone();
    regs.sort();
    assert_eq!(regs, [an, binh.id]);

    // Bình's registration is approved, then revised: the new version takes the old one's place.
    act(db, &w.binh(), binh.id, Action::Submit).await;
    act(db, &w.sec_a2(), binh.id, Action::Approve).await;
    let v2 = act(db, &w.binh(), binh.id, Action::Revise).await;
    assert_ne!(v2.id, binh.id);
    assert_eq!(similar(&w.t.ward_a.path, Some(w.an)).await, [v2.id]);
    let clusters = db
        .registrations()
        .copy_clusters(&w.ward_a(), &w.t.ward_a.path, year)
        .await
        .unwrap();
    let mut regs = clusters[0].registration_ids.clone();
    regs.sort();
    assert_eq!(regs, [an, v2.id], "the superseded version is gone");
    // Bình rewrites the new version in her own words: no copy left in the ward.
    db.registrations()
        .update_registration(&web(&w.binh()), &w.binh(), v2.id, &hung_items(year))
        .await
        .unwrap();
    assert!(similar(&w.t.ward_a.path, Some(w.an)).await.is_empty());
    assert!(db
        .registrations()
        .copy_clusters(&w.ward_a(), &w.t.ward_a.path, year)
        .await
        .unwrap()
        .is_empty());
    let city = db
        .registrations()
        .copy_clusters(&admin, &w.t.root.path, year)
        .await
        .unwrap();
    assert_eq!(city.len(), 1);
    let mut regs = city[0].registration_ids.clone();
    regs.sort();
    assert_eq!(regs, [an, dung.id]);
    assert!(!city[0].registration_ids.contains(&binh.id));
    // The report's copied column follows: only An and Dũng now, none in P7-KP2.
    let r = db
        .registrations()
        .registration_report(&admin, w.t.root.id, year)
        .await
        .unwrap();
    assert_eq!(r.total.copied, 2);
    let r = db
        .registrations()
        .registration_report(&w.ward_a(), w.t.ward_a.id, year)
        .await
        .unwrap();
    assert_eq!(line(&r, "P7-KP2").copied, 0);
    assert_eq!(
        line(&r, "P7-KP1").copied,
        0,
        "within the ward An's no longer matches anyone"
    );
    // An's own revision likewise replaces his signature.
    act(db, &w.an(), an, Action::Submit).await;
    act(db, &w.sec_a1(), an, Action::Approve).await;
    let an2 = act(db, &w.an(), an, Action::Revise).await;
    let found = similar(&w.t.root.path, None).await;
    assert!(found.contains(&an2.id) && !found.contains(&an), "{found:?}");
}

// ---------------------------------------------------------------------------------------------
// "Đúng hạn" is by midnight in Hanoi
// ---------------------------------------------------------------------------------------------

pub async fn on_time_is_by_midnight_in_hanoi(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    set_clock(env, YEAR, 3, 1);
    let an = create(db, &w.an(), w.an, YEAR, &an_items(YEAR)).await;
    let cuong = create(db, &w.cuong(), w.cuong, YEAR, &cuong_items(YEAR)).await;
    // 23:59 on 31/03 in Hanoi (16:59 UTC): on time.
    env.clock.advance(
        Utc.with_ymd_and_hms(YEAR, 3, 31, 16, 59, 0)
            .single()
            .unwrap()
            - db.now(),
    );
    act(db, &w.an(), an, Action::Submit).await;
    // 00:01 on 01/04 in Hanoi (still 31/03 in UTC): late.
    env.clock.advance(Duration::minutes(2));
    act(db, &w.cuong(), cuong, Action::Submit).await;
    let (list, _) = db
        .registrations()
        .registrations_in(&w.sec_a1(), &w.t.cell_a1.path, YEAR, None, 100)
        .await
        .unwrap();
    let on_time: Vec<(&str, bool)> = list
        .iter()
        .map(|s| (s.member_name.as_str(), s.on_time))
        .collect();
    assert_eq!(on_time, [("Nguyễn Văn An", true), ("Lê Văn Cường", false)]);
    let r = db
        .registrations()
        .registration_report(&w.sec_a1(), w.t.cell_a1.id, YEAR)
        .await
        .unwrap();
    assert_eq!((r.total.registered, r.total.on_time), (2, 1));
}

// ---------------------------------------------------------------------------------------------
// Regressions of bugs found by this suite (fixed)
// ---------------------------------------------------------------------------------------------

/// A superseded version is refused with a message saying that a newer version exists (it used to say
/// "only approved registrations … (currently: Approved)").
pub async fn superseded_refusal_says_why(db: &Db) {
    let w = world(db).await;
    let (an, sec) = (w.an(), w.sec_a1());
    let v1 = approved(db, &an, &sec, w.an, 2026, &an_items(2026)).await;
    act(db, &an, v1, Action::Revise).await;
    let review = invalid(
        db.registrations()
            .self_review(&web(&an), &an, v1, Stage::Yearend, &rvs(&[Outcome::Done]))
            .await
            .unwrap_err(),
    );
    let assess = invalid(
        db.registrations()
            .assess_registration(&web(&sec), &sec, v1, &rvs(&[Outcome::Done]))
            .await
            .unwrap_err(),
    );
    for msg in [review, assess] {
        assert!(
            !msg.contains("đang ở trạng thái “Đã duyệt”"),
            "refusing an approved version because it is not approved: {msg}"
        );
    }
}

/// Once a member is rated, the list keeps showing the suggestion stored at rating time even after the
/// cell's assessment changes the result: "kết quả 0 %, gợi ý: xuất sắc".
pub async fn suggestion_follows_a_later_assessment(db: &Db) {
    let w = world(db).await;
    let sec = w.sec_a2();
    let id = approved(db, &w.binh(), &sec, w.binh, 2026, &an_items(2026)).await;
    db.registrations()
        .self_review(
            &web(&w.binh()),
            &w.binh(),
            id,
            Stage::Yearend,
            &rvs(&[Outcome::Done; 4]),
        )
        .await
        .unwrap();
    db.registrations()
        .propose_rating(&web(&sec), &sec, w.binh, 2026, Rating::Excellent, "")
        .await
        .unwrap();
    db.registrations()
        .rate_member(
            &web(&w.ward_a()),
            &w.ward_a(),
            w.binh,
            2026,
            Rating::Excellent,
            "",
        )
        .await
        .unwrap();
    db.registrations()
        .assess_registration(&web(&sec), &sec, id, &rvs(&[Outcome::NotDone; 4]))
        .await
        .unwrap();
    let (list, _) = db
        .registrations()
        .registrations_in(&sec, &w.t.cell_a2.path, 2026, None, 100)
        .await
        .unwrap();
    assert_eq!(list[0].result, Some(0.0));
    assert_eq!(
        list[0].suggested,
        Some(Rating::NotCompleted),
        "the suggestion follows the assessment"
    );
}

/// "Trên trước, dưới sau": a cell whose head has not registered at all while a member has submitted is
/// the plainest case of a head registering late, but the report does not list it.
pub async fn heads_late_lists_a_head_who_never_registered(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    set_clock(env, YEAR, 3, 10);
    let c = create(db, &w.cuong(), w.cuong, YEAR, &cuong_items(YEAR)).await;
    act(db, &w.cuong(), c, Action::Submit).await;
    let r = db
        .registrations()
        .registration_report(&w.ward_a(), w.t.ward_a.id, YEAR)
        .await
        .unwrap();
    let late: Vec<(&str, &str, bool)> = r
        .heads_late
        .iter()
        .map(|h| {
            (
                h.unit.code.as_str(),
                h.head_name.as_str(),
                h.head_submitted.is_none(),
            )
        })
        .collect();
    assert_eq!(late, [("P7-KP1", "Phạm Văn Hải", true)]);
}

/// Members who should register are those active on 31/03 and anyone who registered after joining later, so
/// the registered share never exceeds 100 %.
pub async fn registered_share_stays_within_100_percent(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let admin = w.t.admin();
    set_clock(env, YEAR, 3, 10);
    let dung = create(db, &w.dung(), w.dung, YEAR, &dung_items(YEAR)).await;
    act(db, &w.dung(), dung, Action::Submit).await;
    set_clock(env, YEAR, 5, 2);
    let em = add_member_since(
        db,
        &admin,
        "Lâm Thị Em",
        "910009",
        &w.t.cell_b1,
        d(YEAR, 5, 1),
    )
    .await;
    let pe = principal(Role::Member, &w.t.cell_b1, Some(em));
    let e = create(db, &pe, em, YEAR, &hung_items(YEAR)).await;
    act(db, &pe, e, Action::Submit).await;
    let r = db
        .registrations()
        .registration_report(&admin, w.t.root.id, YEAR)
        .await
        .unwrap();
    let p8 = line(&r, "P8");
    assert_eq!(
        p8.members, 2,
        "Em joined after the deadline and registered: she counts"
    );
    assert!(
        p8.registered <= p8.members && p8.registered_share().is_some_and(|s| s <= 1.0),
        "P8: {} registered of {} members ({:?})",
        p8.registered,
        p8.members,
        p8.registered_share()
    );
}

on_every_backend!(env: self_reviews_and_assessment);
on_every_backend!(db: superseded_versions_take_no_review);
on_every_backend!(db: copy_previous_registration);
on_every_backend!(env: approval_queue_is_the_approvers);
on_every_backend!(db: registrations_in_sorts_names_the_vietnamese_way);
on_every_backend!(env: report_of_a_small_tree);
on_every_backend!(db: similar_registrations_across_units_and_versions);

/// Signatures dropped by a migration (copy detection changed what a signature is) are recomputed when the
/// store migrates: copies are found again, and only current versions have one.
pub async fn stale_signatures_are_recomputed_on_migrate(env: &Env) {
    let db = &env.db;
    let w = world(db).await;
    let year = 2026;
    create(db, &w.an(), w.an, year, &an_items(year)).await;
    let binh = db
        .registrations()
        .create_registration(
            &web(&w.binh()),
            &w.binh(),
            w.binh,
            year,
            &pasted_items(year),
        )
        .await
        .unwrap();
    let an_text = text_of(&an_items(year));
    let found = async || {
        db.registrations()
            .similar_registrations(&w.t.root.path, year, Some(w.an), &an_text)
            .await
            .unwrap()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<i64>>()
    };
    assert_eq!(found().await, [binh.id]);
    let mut raw = env.raw().await;
    for table in ["registration_bands", "registration_signatures"] {
        sqlx::query(&format!("DELETE FROM {table}"))
            .execute(&mut raw)
            .await
            .unwrap();
    }
    assert!(found().await.is_empty());
    db.migrate().await.unwrap();
    assert_eq!(found().await, [binh.id]);
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM registration_signatures s JOIN registrations r \
         ON r.id = s.registration_id WHERE r.superseded = 0",
    )
    .fetch_one(&mut raw)
    .await
    .unwrap();
    let current: i64 = sqlx::Row::get(&row, "n");
    let row =
        sqlx::query("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM registrations WHERE superseded = 0")
            .fetch_one(&mut raw)
            .await
            .unwrap();
    assert_eq!(current, sqlx::Row::get::<i64, _>(&row, "n"));
    // Nothing missing: migrating again writes nothing and finds the same.
    db.migrate().await.unwrap();
    assert_eq!(found().await, [binh.id]);
}

on_every_backend!(env: stale_signatures_are_recomputed_on_migrate);
on_every_backend!(env: on_time_is_by_midnight_in_hanoi);
on_every_backend!(db: superseded_refusal_says_why);
on_every_backend!(db: suggestion_follows_a_later_assessment);
on_every_backend!(env: heads_late_lists_a_head_who_never_registered);
on_every_backend!(env: registered_share_stays_within_100_percent);
