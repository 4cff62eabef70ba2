//! What citizens write on the portal: feedback on a public registration or model (the form and the page
//! that tracks it) and answers on items past their deadline. The forms are anonymous: each is checked
//! for a same-origin request (`public_input::foreign_origin`), rate-limited per address in the store and
//! answered with the portal's own pages.

use super::pages::{model_view, registration_view};
use super::views::FeedbackFormView;
use super::{failure, message, PortalCtx, PortalError, PortalResult};
use crate::auth::client_address;
use crate::extract::PagePath;
use crate::public_input::{foreign_origin, media_type, opt};
use crate::respond::render;
use crate::view;
use crate::AppState;
use askama::Template;
use axum::extract::rejection::FormRejection;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect};
use axum::Form;
use domain::feedback::CitizenAnswer;
use serde::Deserialize;
use std::collections::HashMap;
use store::{FeedbackRefusal, FeedbackSubmission, StoreError};

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

#[derive(Template)]
#[template(path = "portal_tracking.html")]
struct TrackingPage {
    ctx: PortalCtx,
    heading: String,
    text: String,
    code: String,
    /// The page's absolute address (what the QR code holds).
    url: String,
    /// The QR code as a `data:` URI (empty when it cannot be drawn).
    qr: String,
    detail: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "portal_lookup.html")]
struct LookupPage {
    ctx: PortalCtx,
    typed: String,
    error: Option<String>,
}

/// `GET /cong-khai/phan-anh[?ma=…]`: the "Tra cứu phản ánh" page. A code typed in any case, with spaces or
/// dashes, goes to its tracking page; a malformed or unknown code re-shows the form with why.
pub(super) async fn lookup(
    State(st): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> PortalResult {
    let typed: String = q
        .get("ma")
        .map(|s| s.trim().chars().take(40).collect())
        .unwrap_or_default();
    let error = if typed.is_empty() {
        if q.contains_key("ma") {
            Some("Hãy nhập mã theo dõi.".to_string())
        } else {
            None
        }
    } else {
        match domain::feedback::normalize_tracking_code(&typed) {
            None => Some(format!(
                "\"{typed}\" không phải là mã theo dõi: mã gồm {} chữ và số (không có O, I, 0, 1), \
                 ví dụ QL9K7BTYJ6.",
                domain::feedback::TRACKING_LEN
            )),
            Some(code) => match st.db.portal().tracking(&code).await {
                Ok(_) => return Ok(Redirect::to(&tracking_path(&code)).into_response()),
                Err(StoreError::NotFound) => Some(format!(
                    "Không có phản ánh nào mang mã {code}. Hãy xem lại mã trên giấy hoặc tin nhắn đã lưu."
                )),
                Err(e) => return Err(e.into()),
            },
        }
    };
    let status = match &error {
        Some(_) => StatusCode::NOT_FOUND,
        None => StatusCode::OK,
    };
    let page = LookupPage {
        ctx: PortalCtx::new("Tra cứu phản ánh"),
        typed,
        error,
    };
    let mut resp = (status, render(&page)).into_response();
    resp.headers_mut()
        .insert("x-robots-tag", HeaderValue::from_static("noindex"));
    Ok(resp)
}

/// The tracking page of a code in its stored form.
pub(super) fn tracking_path(code: &str) -> String {
    format!("/cong-khai/phan-anh/{code}")
}

pub(super) async fn tracking(
    State(st): State<AppState>,
    PagePath(typed): PagePath<String>,
    Query(q): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> PortalResult {
    let code = domain::feedback::normalize_tracking_code(&typed).ok_or(PortalError::NotFound)?;
    if code != typed {
        // Typed by hand in another case or with separators: the one address of the page.
        return Ok(Redirect::permanent(&tracking_path(&code)).into_response());
    }
    let t = st.db.portal().tracking(&code).await?;
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
    let url = format!(
        "{}{}",
        crate::auth::public_origin(&st, &headers),
        tracking_path(&t.tracking_code)
    );
    let page = TrackingPage {
        ctx: PortalCtx::new("Theo dõi phản ánh"),
        heading: if fresh {
            "Đã gửi phản ánh".to_string()
        } else {
            "Theo dõi phản ánh".to_string()
        },
        text: if t.folded && fresh {
            format!(
                "Cảm ơn bạn. {} (đơn vị thấy số người cùng phản ánh); đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây để xem tình trạng và câu trả lời.",
                domain::feedback::FOLDED_NOTE,
                st.db.answer_days()
            )
        } else if t.folded {
            format!("{}.", domain::feedback::FOLDED_NOTE)
        } else if fresh {
            format!(
                "Cảm ơn bạn. Phản ánh đã được chuyển tới đơn vị phụ trách; đơn vị cần trả lời trong {} ngày. \
                 Hãy giữ mã theo dõi dưới đây để xem câu trả lời.",
                st.db.answer_days()
            )
        } else {
            "Tình trạng phản ánh bạn đã gửi.".to_string()
        },
        qr: crate::view::qr_data_uri(&url, 120),
        code: t.tracking_code,
        url,
        detail,
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
