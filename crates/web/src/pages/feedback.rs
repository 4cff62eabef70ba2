//! Citizens' feedback as a unit handles it: the queue of the user's subtree (open, overdue, answered,
//! removed), one feedback with the citizen's name and contact (staff only), moderation (approve, hide with
//! a reason, spam) and the public answer. Rights: `Principal::can_answer_feedback` through the store.

use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath, PageQuery};
use crate::respond::{render, FormErrors, PageError, PageResult, StoreResultExt};
use crate::view::{flash_message, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use domain::feedback::{FeedbackStatus, Moderation, SubjectType};
use serde::Deserialize;
use store::{Actor, FeedbackCounts, FeedbackItem, FeedbackView, StoreError};

#[derive(Deserialize, Default)]
pub struct QueueQuery {
    #[serde(default)]
    xem: String,
    #[serde(default)]
    tb: Option<String>,
}

pub struct Row {
    pub id: i64,
    pub subject_label: String,
    pub subject_href: String,
    pub public_href: String,
    pub unit_name: String,
    pub content: String,
    pub received: String,
    pub status: &'static str,
    pub status_tone: &'static str,
    pub overdue: bool,
    /// After "Gửi dd/mm/yyyy; ": how long it waited ("3 ngày chưa trả lời", "trả lời ngày …, sau 3 ngày");
    /// empty for hidden or spam feedback that was never answered.
    pub age: String,
    /// After the badge "Đã trả lời": "ngày dd/mm/yyyy, sau 3 ngày"; empty when not answered.
    pub answered_when: String,
    pub name: String,
    pub contact: String,
    pub answer: String,
    pub answered: String,
    pub hide_reason: String,
    pub tracking_code: String,
    /// "3 lần gửi nội dung tương tự được gộp vào đây", or empty.
    pub duplicates: String,
}

/// "sau 3 ngày", or "ngay trong ngày nhận" for an answer on the day the feedback came.
fn after_days(days: i64) -> String {
    if days <= 0 {
        "ngay trong ngày nhận".to_string()
    } else {
        format!("sau {} ngày", crate::view::num(days))
    }
}

impl Row {
    fn of(f: &FeedbackItem) -> Row {
        let (subject_href, public_href) = match f.subject_type {
            SubjectType::Registration => (
                format!("/dang-ky/{}", f.subject_id),
                format!("/cong-khai/dang-ky/{}", f.subject_id),
            ),
            SubjectType::Model => (
                format!("/mo-hinh/{}", f.subject_id),
                format!("/cong-khai/mo-hinh/{}", f.subject_id),
            ),
        };
        let answered = f.answered_on().map(domain::text::format_date);
        Row {
            id: f.id,
            subject_label: f.subject_name.label(),
            subject_href,
            public_href,
            unit_name: f.unit_name.clone(),
            content: f.content.clone(),
            received: domain::text::format_date(f.received_on()),
            status: if f.answered_at.is_some() && f.status == FeedbackStatus::Approved {
                "Đã trả lời"
            } else {
                f.status.label()
            },
            status_tone: match (f.status, f.answered_at.is_some(), f.overdue) {
                (_, _, true) => "red",
                (FeedbackStatus::Approved, true, _) => "green",
                (FeedbackStatus::Hidden | FeedbackStatus::Spam, _, _) => "",
                _ => "gold",
            },
            overdue: f.overdue,
            age: match (f.response_days, answered.as_ref(), f.status) {
                (Some(d), Some(on), _) => format!("trả lời ngày {on}, {}", after_days(d)),
                (_, _, FeedbackStatus::Hidden | FeedbackStatus::Spam) => String::new(),
                _ if f.age_days <= 0 => "gửi hôm nay, chưa trả lời".to_string(),
                _ => format!("{} ngày chưa trả lời", crate::view::num(f.age_days)),
            },
            answered_when: match (f.response_days, answered.as_ref()) {
                (Some(d), Some(on)) => format!("ngày {on}, {}", after_days(d)),
                _ => String::new(),
            },
            name: f.name.clone().unwrap_or_default(),
            contact: f.contact.clone().unwrap_or_default(),
            answer: f.answer.clone(),
            answered: answered.unwrap_or_default(),
            hide_reason: f.hide_reason.clone(),
            tracking_code: f.tracking_code.clone(),
            duplicates: domain::feedback::duplicates_label(f.duplicates),
        }
    }
}

#[derive(Template)]
#[template(path = "feedback_queue.html")]
struct QueuePage {
    ctx: Ctx,
    view: &'static str,
    rows: Vec<Row>,
    counts: FeedbackCounts,
    mean_days: String,
    answer_days: i64,
}

pub async fn queue(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<QueueQuery>,
) -> PageResult {
    let view = FeedbackView::parse(&q.xem);
    let (items, counts) = st
        .db
        .feedback()
        .feedback_queue(&user.principal, view)
        .await
        .page(&user)?;
    Ok(render(&QueuePage {
        ctx: Ctx::new(&user, "Phản ánh của nhân dân", "feedback")
            .with_flash(flash_message(q.tb.as_deref())),
        view: view.as_str(),
        rows: items.iter().map(Row::of).collect(),
        mean_days: counts
            .mean_response_days
            .map(|d| domain::text::format_decimal(d, 1))
            .unwrap_or_default(),
        counts,
        answer_days: st.db.answer_days(),
    }))
}

#[derive(Template)]
#[template(path = "feedback_item.html")]
struct ItemPage {
    ctx: Ctx,
    f: Row,
    csrf: String,
    pending: bool,
    removed: bool,
    answer: String,
    reason: String,
    errors: FormErrors,
}

fn item_page(user: &WebUser, f: &FeedbackItem, flash: Option<String>) -> ItemPage {
    ItemPage {
        ctx: Ctx::new(user, "Phản ánh", "feedback").with_flash(flash),
        f: Row::of(f),
        csrf: user.csrf.clone(),
        pending: f.status == FeedbackStatus::Pending,
        removed: matches!(f.status, FeedbackStatus::Hidden | FeedbackStatus::Spam),
        answer: f.answer.clone(),
        reason: String::new(),
        errors: FormErrors::default(),
    }
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<QueueQuery>,
) -> PageResult {
    let f = st
        .db
        .feedback()
        .feedback_item(&user.principal, id)
        .await
        .page(&user)?;
    Ok(render(&item_page(
        &user,
        &f,
        flash_message(q.tb.as_deref()),
    )))
}

#[derive(Deserialize, Default)]
pub struct ActionForm {
    #[serde(default)]
    action: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    answer: String,
}

/// Re-shows the page with what the user typed and the error beside the field.
async fn refused(
    st: &AppState,
    user: &WebUser,
    id: i64,
    f: ActionForm,
    e: StoreError,
) -> PageResult {
    let StoreError::Invalid(errors) = e else {
        return Err(e).page(user);
    };
    let item = st
        .db
        .feedback()
        .feedback_item(&user.principal, id)
        .await
        .page(user)?;
    let mut page = item_page(user, &item, None);
    page.answer = f.answer;
    page.reason = f.reason;
    page.errors = FormErrors(errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)).into_response())
}

pub async fn moderate(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> PageResult {
    let p = &user.principal;
    let actor = Actor::user(p, "web");
    let (m, flash) = match f.action.as_str() {
        "approve" => (Moderation::Approve, "da-duyet-phan-anh"),
        "spam" => (Moderation::Spam, "da-danh-dau-rac"),
        "hide" => (
            Moderation::Hide {
                reason: f.reason.clone(),
            },
            "da-an-phan-anh",
        ),
        _ => {
            return Err(PageError::bad_form(
                &user,
                format!("/phan-anh/{id}"),
                "Thao tác không hợp lệ.",
            ))
        }
    };
    match st.db.feedback().moderate_feedback(p, &actor, id, m).await {
        Ok(_) => Ok(Redirect::to(&format!("/phan-anh/{id}?tb={flash}")).into_response()),
        Err(e) => refused(&st, &user, id, f, e).await,
    }
}

pub async fn answer(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> PageResult {
    let p = &user.principal;
    match st
        .db
        .feedback()
        .answer_feedback(p, &Actor::user(p, "web"), id, &f.answer)
        .await
    {
        Ok(_) => {
            Ok(Redirect::to(&format!("/phan-anh/{id}?tb=da-tra-loi-phan-anh")).into_response())
        }
        Err(e) => refused(&st, &user, id, f, e).await,
    }
}
