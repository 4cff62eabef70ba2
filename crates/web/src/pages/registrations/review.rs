//! The forms on a registration's page: workflow actions (submit, approve, return with per-item comments,
//! publish, revise), the member's self-review or the cell's assessment, and the annual rating.

use super::{e_text, field};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PagePath};
use crate::respond::{bad_form, PageError, PageResult, StoreResultExt};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use domain::registration::{Action, Outcome, Rating, Stage};
use store::{Actor, ReviewInput, StoreError};

/// Submit, approve, return (with per-item comments `c_<position>`), publish, revise.
pub async fn act(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let back = format!("/dang-ky/{id}");
    let action = match field(&fields, "action") {
        "submit" => Action::Submit,
        "approve" => Action::Approve,
        "return" => Action::Return,
        "publish" => Action::Publish,
        "revise" => Action::Revise,
        _ => return Err(PageError::bad_form(&user, back, "Thao tác không hợp lệ.")),
    };
    let item_comments: Vec<(i64, String)> = if action == Action::Return {
        fields
            .iter()
            .filter_map(|(k, v)| {
                let pos = k.strip_prefix("c_")?.parse().ok()?;
                (!v.trim().is_empty()).then(|| (pos, v.clone()))
            })
            .collect()
    } else {
        Vec::new()
    };
    let result = st
        .db
        .registrations()
        .registration_action(
            &Actor::user(p, "web"),
            p,
            id,
            action,
            field(&fields, "comment"),
            &item_comments,
        )
        .await;
    let r = match result {
        Ok(r) => r,
        Err(StoreError::Invalid(e)) => return Err(PageError::bad_form(&user, back, e_text(&e))),
        Err(StoreError::Conflict(m)) => return Err(PageError::bad_form(&user, back, m)),
        Err(e) => return Err(e).page(&user),
    };
    let code = match action {
        Action::Submit => "da-nop",
        Action::Approve => "da-duyet",
        Action::Return => "da-tra-lai",
        Action::Publish => "da-cong-khai",
        Action::Revise => "da-lap-phien-ban",
        Action::Edit => "da-luu",
    };
    let to = if action == Action::Revise {
        format!("/dang-ky/{}/sua?tb={code}", r.id)
    } else if matches!(action, Action::Approve | Action::Return) {
        // Back to the queue: the next one is waiting.
        format!("/dang-ky?tb={code}")
    } else {
        format!("/dang-ky/{}?tb={code}", r.id)
    };
    Ok(Redirect::to(&to).into_response())
}

/// The review fields of each item: outcome `o_<position>`, note `n_<position>`, evidence `e_<position>`.
fn read_reviews(fields: &[(String, String)]) -> Result<Vec<ReviewInput>, String> {
    let mut positions: Vec<i64> = fields
        .iter()
        .filter_map(|(k, _)| k.strip_prefix("o_")?.parse().ok())
        .collect();
    positions.sort_unstable();
    positions.dedup();
    positions
        .into_iter()
        .map(|pos| {
            let v = field(fields, &format!("o_{pos}"));
            let outcome = if v.is_empty() {
                None
            } else {
                Some(Outcome::parse(v).ok_or_else(|| "Kết quả không hợp lệ.".to_string())?)
            };
            Ok(ReviewInput {
                position: pos,
                outcome,
                note: field(fields, &format!("n_{pos}")).to_string(),
                evidence: field(fields, &format!("e_{pos}")).to_string(),
            })
        })
        .collect()
}

/// The member's self-review of a stage (`stage=midyear|yearend`) or the cell's assessment (`stage=assess`).
pub async fn review(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let back = format!("/dang-ky/{id}");
    let reviews = read_reviews(&fields).map_err(|m| PageError::bad_form(&user, &back, m))?;
    let result = if field(&fields, "stage") == "assess" {
        st.db
            .registrations()
            .assess_registration(&Actor::user(p, "web"), p, id, &reviews)
            .await
    } else {
        let Some(stage) = Stage::parse(field(&fields, "stage")) else {
            return Err(PageError::bad_form(
                &user,
                back,
                "Đợt đánh giá không hợp lệ.",
            ));
        };
        st.db
            .registrations()
            .self_review(&Actor::user(p, "web"), p, id, stage, &reviews)
            .await
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{back}?tb=da-danh-gia")).into_response()),
        Err(StoreError::Invalid(e)) => Err(PageError::bad_form(&user, back, e_text(&e))),
        Err(e) => Err(e).page(&user),
    }
}

/// The annual rating of the registration's member (docs/DOMAIN.md § Rating): the cell's proposal
/// (`step=propose`) or the grassroots committee's decision; a warning of the store is shown once it is saved.
pub async fn rate(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(id): PagePath<i64>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let back = format!("/dang-ky/{id}");
    let r = st
        .db
        .registrations()
        .registration(p, id)
        .await
        .page(&user)?;
    let Some(rating) = Rating::parse(field(&fields, "rating")) else {
        return Err(PageError::bad_form(&user, back, "Hãy chọn mức xếp loại."));
    };
    let reason = field(&fields, "reason");
    if field(&fields, "step") == "propose" {
        return match st
            .db
            .registrations()
            .propose_rating(
                &Actor::user(p, "web"),
                p,
                r.member_id,
                r.year,
                rating,
                reason,
            )
            .await
        {
            Ok(_) => Ok(Redirect::to(&format!("{back}?tb=da-de-xuat-xep-loai")).into_response()),
            Err(StoreError::Invalid(e)) => Err(PageError::bad_form(&user, back, e_text(&e))),
            Err(e) => Err(e).page(&user),
        };
    }
    match st
        .db
        .registrations()
        .rate_member(
            &Actor::user(p, "web"),
            p,
            r.member_id,
            r.year,
            rating,
            reason,
        )
        .await
    {
        Ok(Some(warning)) => Ok(bad_form(
            &user,
            &back,
            &format!("Đã lưu xếp loại. Lưu ý: {warning}."),
        )),
        Ok(None) => Ok(Redirect::to(&format!("{back}?tb=da-xep-loai")).into_response()),
        Err(StoreError::Invalid(e)) => Err(PageError::bad_form(&user, back, e_text(&e))),
        Err(e) => Err(e).page(&user),
    }
}
