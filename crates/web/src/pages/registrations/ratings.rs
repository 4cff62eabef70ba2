//! The annual rating sheet of a unit (docs/DOMAIN.md § Rating): every member with an approved registration
//! of the year, the suggested rating (from the assessment), the cell's proposal with its reason and the
//! decision. The cell's account proposes ("Đề xuất"); the grassroots committee's account decides
//! ("Quyết định"), one member at a time or all proposals at once ("Quyết định theo đề xuất"). The 20 %
//! warning of the grassroots organisation is shown above the list.

use super::{e_text, field};
use crate::auth::WebUser;
use crate::extract::{CsrfForm, PageQuery};
use crate::respond::{bad_form, render, PageError, PageResult, StoreResultExt};
use crate::view::{flash_message, timestamp, Ctx};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::Datelike;
use domain::registration::Rating;
use serde::Deserialize;
use store::{RatingLine, StoreError};

#[derive(Deserialize, Default)]
pub struct SheetQuery {
    #[serde(rename = "don-vi")]
    don_vi: Option<i64>,
    nam: Option<i32>,
    tb: Option<String>,
}

pub struct LineView {
    pub member_id: i64,
    pub member_name: String,
    pub unit_name: String,
    pub href: String,
    pub result: String,
    pub suggested: String,
    pub suggested_value: &'static str,
    pub proposed: String,
    pub proposed_value: &'static str,
    pub proposed_reason: String,
    pub proposed_by: String,
    pub decided: String,
    pub decided_reason: String,
    /// "propose", "decide" or "" (read only).
    pub step: &'static str,
    /// Who decides, when the user only proposes or only reads.
    pub decider_name: String,
    pub one_step: bool,
}

fn line_view(l: &RatingLine) -> LineView {
    let s = &l.state;
    let step = if s.can_decide {
        "decide"
    } else if s.can_propose {
        "propose"
    } else {
        ""
    };
    LineView {
        member_id: s.member_id,
        member_name: l.member_name.clone(),
        unit_name: l.unit_name.clone(),
        href: format!("/dang-ky/{}", l.registration_id),
        result: l
            .result
            .map(domain::text::format_percent)
            .unwrap_or_default(),
        suggested: s
            .suggested
            .map(|x| x.label().to_string())
            .unwrap_or_default(),
        suggested_value: s.suggested.map(|x| x.as_str()).unwrap_or(""),
        proposed: s
            .proposal
            .as_ref()
            .map(|x| x.rating.label().to_string())
            .unwrap_or_default(),
        proposed_value: s.proposal.as_ref().map(|x| x.rating.as_str()).unwrap_or(""),
        proposed_reason: s
            .proposal
            .as_ref()
            .map(|x| x.reason.clone())
            .unwrap_or_default(),
        proposed_by: s
            .proposal
            .as_ref()
            .map(|x| format!("{} — {}", x.proposed_by, timestamp(&x.proposed_at)))
            .unwrap_or_default(),
        decided: s
            .decision
            .as_ref()
            .map(|x| x.0.label().to_string())
            .unwrap_or_default(),
        decided_reason: s.decision.as_ref().map(|x| x.1.clone()).unwrap_or_default(),
        step,
        decider_name: s.decider_name.clone(),
        one_step: s.one_step,
    }
}

#[derive(Template)]
#[template(path = "ratings.html")]
struct SheetPage {
    ctx: Ctx,
    csrf: String,
    unit_id: i64,
    unit_name: String,
    year: i32,
    lines: Vec<LineView>,
    scope_name: String,
    excellent: i64,
    good: i64,
    warning: String,
    /// Proposals waiting for this user's decision.
    to_follow: usize,
    ratings: Vec<(&'static str, &'static str)>,
}

fn sheet_href(unit_id: i64, year: i32) -> String {
    format!("/dang-ky/xep-loai?don-vi={unit_id}&nam={year}")
}

/// `/dang-ky/xep-loai?don-vi=&nam=`: the rating sheet of a unit (by default the user's) for a year (by
/// default the current one).
pub async fn sheet(
    State(st): State<AppState>,
    user: WebUser,
    PageQuery(q): PageQuery<SheetQuery>,
) -> PageResult {
    let p = &user.principal;
    let year = q.nam.unwrap_or_else(|| st.db.today().year());
    let s = st
        .db
        .registrations()
        .rating_sheet(p, q.don_vi.unwrap_or(p.unit_id), year)
        .await
        .page(&user)?;
    let lines: Vec<LineView> = s.lines.iter().map(line_view).collect();
    let to_follow = s
        .lines
        .iter()
        .filter(|l| {
            l.state.can_decide
                && l.state.proposal.is_some()
                && l.state.decision.as_ref().map(|d| d.0)
                    != l.state.proposal.as_ref().map(|x| x.rating)
        })
        .count();
    let page = SheetPage {
        ctx: Ctx::new(
            &user,
            format!("Xếp loại chất lượng năm {year} — {}", s.unit_name),
            "registrations",
        )
        .with_flash(flash_message(q.tb.as_deref())),
        csrf: user.csrf.clone(),
        unit_id: s.unit_id,
        unit_name: s.unit_name,
        year,
        lines,
        scope_name: s.scope_name,
        excellent: s.excellent,
        good: s.good,
        warning: s.warning.unwrap_or_default(),
        to_follow,
        ratings: Rating::ALL
            .iter()
            .map(|x| (x.as_str(), x.label()))
            .collect(),
    };
    Ok(render(&page))
}

/// One member's proposal (`step=propose`) or decision (`step=decide`) from the sheet.
pub async fn save(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let year: i32 = field(&fields, "year").parse().unwrap_or(0);
    let unit_id: i64 = field(&fields, "unit_id").parse().unwrap_or(p.unit_id);
    let back = sheet_href(unit_id, year);
    let Ok(member_id) = field(&fields, "member_id").parse::<i64>() else {
        return Err(PageError::bad_form(&user, back, "Không rõ đảng viên nào."));
    };
    let Some(rating) = Rating::parse(field(&fields, "rating")) else {
        return Err(PageError::bad_form(&user, back, "Hãy chọn mức xếp loại."));
    };
    let reason = field(&fields, "reason");
    let actor = store::Actor::user(p, "web");
    let regs = st.db.registrations();
    let result = if field(&fields, "step") == "propose" {
        regs.propose_rating(&actor, p, member_id, year, rating, reason)
            .await
            .map(|_| (None, "da-de-xuat-xep-loai"))
    } else {
        regs.rate_member(&actor, p, member_id, year, rating, reason)
            .await
            .map(|w| (w, "da-xep-loai"))
    };
    match result {
        Ok((Some(warning), _)) => Ok(bad_form(
            &user,
            &back,
            &format!("Đã lưu xếp loại. Lưu ý: {warning}."),
        )),
        Ok((None, code)) => Ok(Redirect::to(&format!("{back}&tb={code}")).into_response()),
        Err(StoreError::Invalid(e)) => Err(PageError::bad_form(&user, back, e_text(&e))),
        Err(e) => Err(e).page(&user),
    }
}

/// "Quyết định theo đề xuất": every proposal of the sheet this user decides and that is not yet decided
/// as proposed is decided as proposed.
pub async fn follow_all(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let p = &user.principal;
    let year: i32 = field(&fields, "year").parse().unwrap_or(0);
    let unit_id: i64 = field(&fields, "unit_id").parse().unwrap_or(p.unit_id);
    let back = sheet_href(unit_id, year);
    let s = st
        .db
        .registrations()
        .rating_sheet(p, unit_id, year)
        .await
        .page(&user)?;
    let actor = store::Actor::user(p, "web");
    let mut warning = None;
    for l in &s.lines {
        let state = &l.state;
        let Some(proposed) = state.proposal.as_ref().map(|x| x.rating) else {
            continue;
        };
        if !state.can_decide || state.decision.as_ref().map(|d| d.0) == Some(proposed) {
            continue;
        }
        match st
            .db
            .registrations()
            .rate_member(&actor, p, state.member_id, year, proposed, "")
            .await
        {
            // The last answer tells the state after all of them.
            Ok(w) => warning = w,
            Err(StoreError::Invalid(e)) => {
                return Err(PageError::bad_form(
                    &user,
                    back,
                    format!("{}: {}", l.member_name, e_text(&e)),
                ));
            }
            Err(e) => return Err(e).page(&user),
        }
    }
    match warning {
        Some(w) => Ok(bad_form(
            &user,
            &back,
            &format!("Đã quyết định xếp loại theo đề xuất. Lưu ý: {w}."),
        )),
        None => Ok(Redirect::to(&format!("{back}&tb=da-quyet-dinh-theo-de-xuat")).into_response()),
    }
}
