//! What citizens write on the portal: feedback on a public registration or model (the form and the page
//! that tracks it) and answers on items past their deadline. The forms are anonymous: each is checked
//! for a same-origin request (`public_input::foreign_origin`), rate-limited per address in the store and
//! answered with the portal's own pages.

use super::pages::{model_view, registration_view};
use super::views::FeedbackFormView;
use super::{failure, message, MessagePage, PortalCtx, PortalError, PortalResult};
use crate::auth::client_address;
use crate::extract::PagePath;
use crate::public_input::{foreign_origin, media_type, opt};
use crate::respond::render;
use crate::view;
use crate::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use domain::feedback::CitizenAnswer;
use serde::Deserialize;
use std::collections::HashMap;
use store::{FeedbackRefusal, FeedbackSubmission};

/// The cookie that identifies a device for citizens' answers on items (random, not personal).
const DEVICE_COOKIE: &str = "lamtheo_thiet_bi";

/// The message of a form posted with a body that is not a form (415).
const FORM_TYPE_MESSAGE: &str =
    "Biểu mẫu phải được gửi dưới dạng application/x-www-form-urlencoded (như trình duyệt gửi).";

/// The form handlers' common refusals: a foreign origin (403), then a body that is not a URL-encoded form
/// (415, a multipart or text body included: the portal's forms send none), then an unreadable form (400).
fn accept_form<T>(
    st: &AppState,
    headers: &HeaderMap,
    form: Result<Form<T>, FormRejection>,
    back: &str,
) -> PortalResult<T> {
    if foreign_origin(st, headers) {
        return Err(message(
            StatusCode::FORBIDDEN,
            "Không gửi được",
            "Biểu mẫu phải được gửi từ chính Cổng thông tin công khai.",
            back,
        )
        .into());
    }
    if media_type(headers) != "application/x-www-form-urlencoded" {
        return Err(message(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Không gửi được",
            FORM_TYPE_MESSAGE,
            back,
        )
        .into());
    }
    match form {
        Ok(Form(f)) => Ok(f),
        Err(_) => Err(message(
            StatusCode::BAD_REQUEST,
            "Không gửi được",
            "Không đọc được nội dung biểu mẫu; hãy tải lại trang và gửi lại.",
            back,
        )
        .into()),
    }
}

#[derive(Deserialize, Default)]
pub(super) struct FeedbackFields {
    #[serde(default)]
    subject_type: String,
    #[serde(default)]
    subject_id: String,
    #[serde(default)]
    content: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact: String,
    /// The honeypot: a field hidden from people.
    #[serde(default)]
    website: String,
}

pub(super) async fn feedback_form(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    form: Result<Form<FeedbackFields>, FormRejection>,
) -> PortalResult {
    let f = accept_form(&st, &headers, form, "/cong-khai")?;
    let address = client_address(&headers, &ext, st.config.trust_proxy);
    let subject_id = f.subject_id.trim().parse::<i64>().unwrap_or(0);
    let sub = FeedbackSubmission {
        subject_type: f.subject_type.clone(),
        subject_id,
        content: f.content.clone(),
        name: opt(&f.name),
        contact: opt(&f.contact),
        honeypot: opt(&f.website),
        address,
    };
    let portal = st.db.portal();
    let back = match f.subject_type.as_str() {
        "model" => format!("/cong-khai/mo-hinh/{subject_id}"),
        _ => format!("/cong-khai/dang-ky/{subject_id}"),
    };
    match portal.submit_feedback(&sub).await {
        Ok(receipt) => Ok(Redirect::to(&format!(
            "/cong-khai/phan-anh/{}?moi={}",
            receipt.tracking_code,
            if receipt.folded { "gop" } else { "1" }
        ))
        .into_response()),
        Err(FeedbackRefusal::Trap) => Ok(message(
            StatusCode::OK,
            "Đã nhận phản ánh",
            "Cảm ơn bạn đã gửi phản ánh.",
            &back,
        )),
        Err(FeedbackRefusal::RateLimited { retry_after }) => Ok(rate_limited(retry_after, &back)),
        Err(FeedbackRefusal::NoSubject) => Err(PortalError::NotFound),
        Err(FeedbackRefusal::Invalid(errors)) => {
            let mut form = FeedbackFormView::new(&f.subject_type, subject_id);
            form.content = f.content;
            form.name = f.name;
            form.contact = f.contact;
            for e in errors {
                form.errors.push(e.field, e.message);
            }
            let body = match f.subject_type.as_str() {
                "model" => model_view(&portal, subject_id, form).await?,
                _ => registration_view(&portal, subject_id, form).await?,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(body)).into_response())
        }
        Err(FeedbackRefusal::Store(e)) => Err(e.into()),
    }
}

pub(super) async fn tracking(
    State(st): State<AppState>,
    PagePath(code): PagePath<String>,
    Query(q): Query<HashMap<String, String>>,
) -> PortalResult {
    let t = st.db.portal().tracking(code.trim()).await?;
    let fresh = q.contains_key("moi");
    let mut detail = vec![
        ("Về".to_string(), t.subject_name.label()),
        (
            "Ngày gửi".to_string(),
            domain::text::format_date(t.received_on),
        ),
    ];
    // A folded submission sees the earlier feedback's text only once it is published.
    if !t.content.is_empty() {
        let label = if t.folded {
            "Nội dung phản ánh đã gộp"
        } else {
            "Nội dung"
        };
        detail.push((label.to_string(), t.content.clone()));
    }
    detail.push((
        "Tình trạng".to_string(),
        crate::labels::tracking_state(t.state).to_string(),
    ));
    if !t.answer.is_empty() {
        detail.push((
            format!("Trả lời ngày {}", view::date(t.answered_on)),
            t.answer.clone(),
        ));
    }
    let page = MessagePage {
        ctx: PortalCtx::new("Theo dõi phản ánh"),
        heading: if fresh {
            "Đã gửi phản ánh".to_string()
        } else {
            "Theo dõi phản ánh".to_string()
        },
        text: if t.folded && fresh {
            format!(
                "Cảm ơn bạn. {} (đơn vị thấy số người cùng phản ánh); đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây (hoặc lưu địa chỉ trang này) để xem tình trạng và câu trả lời.",
                domain::feedback::FOLDED_NOTE,
                st.db.answer_days()
            )
        } else if t.folded {
            format!("{}.", domain::feedback::FOLDED_NOTE)
        } else if fresh {
            format!(
                "Cảm ơn bạn. Phản ánh đã được chuyển tới đơn vị phụ trách; đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây (hoặc lưu địa chỉ trang này) để xem câu trả lời.",
                st.db.answer_days()
            )
        } else {
            "Tình trạng phản ánh bạn đã gửi.".to_string()
        },
        code: t.tracking_code,
        detail,
        back: "/cong-khai".into(),
    };
    let mut resp = render(&page);
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(resp)
}

#[derive(Deserialize, Default)]
pub(super) struct AnswerFields {
    #[serde(default)]
    item_id: String,
    #[serde(default)]
    registration_id: String,
    #[serde(default)]
    answer: String,
}

/// The answering device's cookie, when it is one this server made (64 hex digits).
fn device_cookie(headers: &HeaderMap) -> Option<String> {
    crate::auth::cookie(headers, DEVICE_COOKIE)
        .filter(|v| v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// 429 with the wait in words and in `Retry-After`.
fn rate_limited(retry_after: i64, back: &str) -> axum::response::Response {
    let mut resp = message(
        StatusCode::TOO_MANY_REQUESTS,
        "Gửi quá nhiều lần",
        &crate::labels::feedback_rate_limit(retry_after),
        back,
    );
    if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
        resp.headers_mut().insert(header::RETRY_AFTER, v);
    }
    resp
}

pub(super) async fn answer_item(
    State(st): State<AppState>,
    ext: axum::http::Extensions,
    headers: HeaderMap,
    form: Result<Form<AnswerFields>, FormRejection>,
) -> PortalResult {
    let back = match &form {
        Ok(Form(f)) => format!(
            "/cong-khai/dang-ky/{}",
            f.registration_id.trim().parse::<i64>().unwrap_or(0)
        ),
        Err(_) => "/cong-khai".to_string(),
    };
    let f = accept_form(&st, &headers, form, &back)?;
    let (Ok(item_id), Some(answer)) = (
        f.item_id.trim().parse::<i64>(),
        CitizenAnswer::parse(f.answer.trim()),
    ) else {
        return Ok(message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Chưa chọn câu trả lời",
            "Hãy chọn một trong bốn câu trả lời: đã làm, làm một phần, chưa làm hoặc không rõ.",
            &back,
        ));
    };
    let (device, new_cookie) = match device_cookie(&headers) {
        Some(d) => (d, false),
        None => (store::random_token(), true),
    };
    let address = client_address(&headers, &ext, st.config.trust_proxy);
    let outcome = st
        .db
        .portal()
        .answer_item(item_id, answer, &device, &address)
        .await;
    let mut resp = match outcome {
        Ok(store::CitizenAnswerOutcome::Recorded) => message(
            StatusCode::OK,
            "Cảm ơn bạn",
            &format!(
                "Đã ghi nhận câu trả lời “{}”. Khi đủ người dân trả lời, kết quả được hiển thị là “người dân xác nhận”.",
                answer.label()
            ),
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::AlreadyAnswered) => message(
            StatusCode::CONFLICT,
            "Bạn đã trả lời rồi",
            "Mỗi thiết bị chỉ trả lời một lần cho mỗi nội dung.",
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::NotOpen) => message(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Chưa thể trả lời",
            "Chỉ trả lời được sau khi nội dung đã đến hạn hoàn thành.",
            &back,
        ),
        Ok(store::CitizenAnswerOutcome::RateLimited { retry_after }) => {
            rate_limited(retry_after, &back)
        }
        Err(e) => failure(e),
    };
    if new_cookie {
        let cookie =
            format!(
            "{DEVICE_COOKIE}={device}; Path=/cong-khai; HttpOnly; SameSite=Lax; Max-Age=63072000{}",
            if st.config.secure_cookies { "; Secure" } else { "" }
        );
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            resp.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    Ok(resp)
}
