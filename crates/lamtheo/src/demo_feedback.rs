//! Demo citizens' oversight: feedback on the published registrations and public models of the portal
//! units (most answered within days, some overdue, a few hidden or spam) and citizens' answers on items
//! past their deadline. Read through the portal (what a citizen could see), written through the store.

use anyhow::{Context, Result};
use chrono::Duration;
use domain::feedback::{CitizenAnswer, FeedbackStatus, SubjectType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use store::{Actor, Db, NewDemoFeedback};

/// Most portal units given feedback (the province and national scales stop here).
const MAX_UNITS: usize = 60;

const ABOUT_REGISTRATION: &[&str] = &[
    "Đồng chí đăng ký vận động bà con làm đường giao thông nông thôn, nhưng đoạn đường tổ 3 vẫn chưa được đổ bê tông, mùa mưa rất lầy lội.",
    "Tôi thấy đồng chí thường xuyên xuống khu phố nắm tình hình, bà con rất phấn khởi. Đề nghị duy trì đối thoại hằng quý.",
    "Nội dung giảm hộ nghèo: đề nghị công khai danh sách hộ được hỗ trợ vốn để người dân cùng theo dõi.",
    "Việc giải quyết hồ sơ đất đai tại bộ phận một cửa còn chậm, có hồ sơ trễ hẹn hơn một tháng.",
    "Đề nghị cho biết tiến độ lắp đèn chiếu sáng đường hẻm đã đăng ký, hiện vẫn còn nhiều đoạn tối.",
    "Khu vực chợ vẫn còn tình trạng xả rác xuống kênh, mong đồng chí chỉ đạo xử lý dứt điểm.",
    "Cảm ơn đồng chí đã trực tiếp đối thoại với bà con về việc nạo vét kênh thủy lợi, đã làm xong đúng hẹn.",
    "Đề nghị làm rõ chỉ tiêu phát triển đảng viên mới trong năm, vì bản đăng ký chưa nêu con số cụ thể.",
];

const ABOUT_MODEL: &[&str] = &[
    "Mô hình rất thiết thực, đề nghị hướng dẫn thêm cho các ấp lân cận cùng làm.",
    "Xin cho biết cách đăng ký tham gia mô hình và ai là người phụ trách ở khu phố.",
    "Camera an ninh ở đầu hẻm số 5 bị hỏng đã lâu, đề nghị kiểm tra sửa chữa.",
    "Gia đình tôi muốn đóng góp, xin hướng dẫn thủ tục.",
];

const ANSWERS: &[&str] = &[
    "Cảm ơn ông/bà đã phản ánh. Đảng ủy đã giao Ủy ban nhân dân kiểm tra thực tế; nội dung sẽ được hoàn thành trong quý tới và thông báo trên loa truyền thanh.",
    "Đơn vị ghi nhận ý kiến. Danh sách đã được niêm yết tại trụ sở và nhà văn hóa khu phố từ ngày thứ Hai tuần này.",
    "Đơn vị đã làm việc với bộ phận liên quan; các hồ sơ trễ hẹn đã được giải quyết và có văn bản xin lỗi người dân.",
    "Cảm ơn bà con đã đồng hành. Đơn vị sẽ tiếp tục duy trì và báo cáo kết quả tại hội nghị sơ kết.",
    "Tổ dân vận khu phố sẽ liên hệ trực tiếp để hướng dẫn. Mọi thông tin xin liên hệ Văn phòng Đảng ủy trong giờ hành chính.",
];

const SPAM: &[&str] = &[
    "Vay tiền nhanh không cần thế chấp, giải ngân trong ngày, liên hệ ngay!!!",
    "Bán đất nền giá rẻ, sổ hồng riêng, chiết khấu cao cho khách hàng đầu tiên.",
];

const NAMES: &[&str] = &[
    "Nguyễn Văn Tám",
    "Trần Thị Hoa",
    "Lê Văn Út",
    "Phạm Thị Lan",
    "Võ Minh Tuấn",
];

pub async fn load_demo_feedback(db: &Db, actor: &Actor, seed: u64) -> Result<(usize, usize)> {
    let portal = db.portal();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x0fee_dbac);
    let home = portal
        .home()
        .await
        .context("đọc Cổng thông tin công khai")?;
    let mut codes: Vec<String> = Vec::new();
    for (root, children) in &home {
        codes.push(root.code.clone());
        codes.extend(children.iter().map(|c| c.code.clone()));
    }
    codes.truncate(MAX_UNITS);
    let now = db.now();
    let mut rows = Vec::new();
    let mut answer_targets = Vec::new();
    for (k, code) in codes.iter().enumerate() {
        let page = portal
            .unit_page(code, None)
            .await
            .with_context(|| format!("đọc trang công khai {code}"))?;
        for (j, r) in page.registrations.iter().take(4).enumerate() {
            if j == 0 {
                answer_targets.extend(
                    r.items
                        .iter()
                        .filter(|i| i.citizens_may_answer)
                        .map(|i| i.id),
                );
            }
            let n = if j == 0 { 2 } else { rng.gen_range(0..2) };
            for _ in 0..n {
                rows.push(one(&mut rng, now, SubjectType::Registration, r.id, k));
            }
        }
        for m in page.models.iter().take(2) {
            rows.push(one(&mut rng, now, SubjectType::Model, m.id, k));
        }
    }
    let n = db
        .feedback()
        .load_demo_feedback(actor, &rows)
        .await
        .context("nạp phản ánh mẫu")?;
    // Citizens' answers: three to six per item on the first heads' items, mostly "đã làm".
    let mut answers = 0;
    for (k, item) in answer_targets.iter().take(120).enumerate() {
        let count = rng.gen_range(3..7);
        for d in 0..count {
            let a = match rng.gen_range(0..10) {
                0..=5 => CitizenAnswer::Done,
                6 => CitizenAnswer::Partly,
                7 => CitizenAnswer::NotDone,
                _ => CitizenAnswer::DontKnow,
            };
            let device = format!("{:064x}", (k * 16 + d) as u128 + 1);
            let address = format!("demo-{k}-{d}");
            if let store::CitizenAnswerOutcome::Recorded = portal
                .answer_item(*item, a, &device, &address)
                .await
                .context("nạp ý kiến mẫu của người dân")?
            {
                answers += 1;
            }
        }
    }
    Ok((n, answers))
}

fn one(
    rng: &mut ChaCha8Rng,
    now: chrono::DateTime<chrono::Utc>,
    subject_type: SubjectType,
    subject_id: i64,
    k: usize,
) -> NewDemoFeedback {
    let texts = match subject_type {
        SubjectType::Registration => ABOUT_REGISTRATION,
        SubjectType::Model => ABOUT_MODEL,
    };
    let content = texts[rng.gen_range(0..texts.len())].to_string();
    let name = (rng.gen_range(0..3) > 0).then(|| NAMES[rng.gen_range(0..NAMES.len())].to_string());
    let contact = name
        .as_ref()
        .map(|_| format!("09{:08}", rng.gen_range(10_000_000..99_999_999)));
    let roll = rng.gen_range(0..20);
    let age = Duration::days(rng.gen_range(2..120)) + Duration::hours(rng.gen_range(0..24));
    let received_at = now - age;
    let mut f = NewDemoFeedback {
        subject_type,
        subject_id,
        content,
        name,
        contact,
        status: FeedbackStatus::Approved,
        hide_reason: String::new(),
        answer: None,
        received_at,
        answered_at: None,
    };
    match roll {
        // Overdue: more than 15 days, no answer (every fourth unit has one).
        0..=2 => {
            f.status = FeedbackStatus::Pending;
            f.received_at = now - Duration::days(rng.gen_range(16..60));
        }
        // Fresh, waiting for moderation.
        3 | 4 => {
            f.status = FeedbackStatus::Pending;
            f.received_at = now - Duration::hours(rng.gen_range(2..200));
        }
        5 if k.is_multiple_of(3) => {
            f.status = FeedbackStatus::Hidden;
            f.hide_reason = "Nội dung trùng với phản ánh đã trả lời; đã liên hệ người gửi.".into();
        }
        6 if k.is_multiple_of(4) => {
            f.status = FeedbackStatus::Spam;
            f.content = SPAM[rng.gen_range(0..SPAM.len())].to_string();
        }
        _ => {
            let days = rng.gen_range(1..14).min(age.num_days().max(1));
            f.answer = Some(ANSWERS[rng.gen_range(0..ANSWERS.len())].to_string());
            f.answered_at = Some(received_at + Duration::days(days) - Duration::hours(1));
        }
    }
    f
}
