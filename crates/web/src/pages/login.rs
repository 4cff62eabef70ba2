//! Login, logout and password change.

use crate::auth::{
    client_address, constant_time_eq, cookie, device_cookie_name, safe_next, set_cookie, WebUser,
    PRELOGIN_COOKIE, SESSION_COOKIE,
};
use crate::extract::{CsrfForm, PageQuery, TokenOnly};
use crate::respond::{render, FormErrors, PageResult, StoreResultExt};
use crate::view::Ctx;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use store::{Actor, LoginOutcome, SessionKind, StoreError};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    username: String,
    next: String,
    csrf: String,
    error: String,
    support_contact: String,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(st: &AppState, username: &str, next: &str, error: &str) -> Response {
    let csrf = store::random_token();
    let page = LoginPage {
        ctx: Ctx::anonymous("Đăng nhập"),
        username: username.into(),
        next: next.into(),
        csrf: csrf.clone(),
        error: error.into(),
        support_contact: st.config.support_contact.clone(),
    };
    let mut resp = render(&page);
    if let Ok(v) = set_cookie(PRELOGIN_COOKIE, &csrf, 3600, st.config.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub async fn form(State(st): State<AppState>, PageQuery(q): PageQuery<NextQuery>) -> Response {
    login_page(&st, "", &safe_next(q.next.as_deref()), "")
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    csrf: String,
}

pub async fn submit(
    State(st): State<AppState>,
    headers: HeaderMap,
    req_ext: axum::extract::Request,
) -> Response {
    let (parts, body) = req_ext.into_parts();
    let address = client_address(&headers, &parts.extensions, st.config.trust_proxy);
    let req = axum::extract::Request::from_parts(parts, body);
    let Ok(Form(f)) =
        <Form<LoginForm> as axum::extract::FromRequest<AppState>>::from_request(req, &st).await
    else {
        return login_page(&st, "", "/", "Biểu mẫu không hợp lệ.");
    };
    let next = safe_next(Some(&f.next));
    let pre = cookie(&headers, PRELOGIN_COOKIE).unwrap_or_default();
    if pre.is_empty() || !constant_time_eq(pre.as_bytes(), f.csrf.as_bytes()) {
        return login_page(
            &st,
            &f.username,
            &next,
            "Biểu mẫu đã hết hạn, hãy đăng nhập lại.",
        );
    }
    let device_cookie = device_cookie_name(&f.username);
    let device = cookie(&headers, &device_cookie);
    match st
        .db
        .accounts()
        .login_from_device(
            &f.username,
            &f.password,
            &address,
            device.as_deref(),
            SessionKind::Web,
        )
        .await
    {
        Ok(LoginOutcome::Ok { token, device, .. }) => {
            // A fresh session id on every login; any old cookie is simply replaced.
            if let Some(old) = cookie(&headers, SESSION_COOKIE) {
                let _ = st.db.accounts().logout(&old).await;
            }
            let mut resp = Redirect::to(&next).into_response();
            if let Ok(v) =
                set_cookie(SESSION_COOKIE, &token, 12 * 3600, st.config.secure_cookies).parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = set_cookie(PRELOGIN_COOKIE, "", 0, st.config.secure_cookies).parse() {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            // The device token: this browser's later attempts on this account count against it alone.
            let days = domain::policy::login_limits::DEVICE_DAYS;
            if let Ok(v) = set_cookie(
                &device_cookie,
                &device,
                days * 86_400,
                st.config.secure_cookies,
            )
            .parse()
            {
                resp.headers_mut().append(header::SET_COOKIE, v);
            }
            resp
        }
        Ok(LoginOutcome::Invalid) => login_page(
            &st,
            &f.username,
            &next,
            "Tên đăng nhập hoặc mật khẩu không đúng.",
        ),
        Ok(LoginOutcome::Throttled { retry_after_secs }) => login_page(
            &st,
            &f.username,
            &next,
            &domain::policy::login_limits::refusal(retry_after_secs),
        ),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            login_page(
                &st,
                &f.username,
                &next,
                "Máy chủ đang gặp sự cố, xin thử lại sau.",
            )
        }
    }
}

pub async fn logout(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(_): CsrfForm<TokenOnly>,
) -> Response {
    if let Err(e) = st.db.accounts().logout(&user.token).await {
        tracing::error!(error = %e, "logout failed");
    }
    let mut resp = Redirect::to("/dang-nhap").into_response();
    if let Ok(v) = set_cookie(SESSION_COOKIE, "", 0, st.config.secure_cookies).parse() {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    ctx: Ctx,
    errors: FormErrors,
}

pub async fn password_form(
    user: WebUser,
    PageQuery(q): PageQuery<super::home::FlashQuery>,
) -> Response {
    let ctx =
        Ctx::new(&user, "Đổi mật khẩu", "").with_flash(crate::view::flash_message(q.tb.as_deref()));
    render(&PasswordPage {
        ctx,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_submit(
    State(st): State<AppState>,
    user: WebUser,
    CsrfForm(f): CsrfForm<PasswordForm>,
) -> PageResult {
    let mut errors = FormErrors::default();
    if f.new != f.confirm {
        errors.push("confirm", "Mật khẩu nhập lại không khớp");
    } else {
        let actor = Actor::user(&user.principal, "web");
        match st
            .db
            .accounts()
            .change_password(
                &actor,
                user.principal.user_id,
                &f.current,
                &f.new,
                Some(&user.token),
            )
            .await
        {
            Ok(()) => return Ok(Redirect::to("/doi-mat-khau?tb=da-doi-mat-khau").into_response()),
            Err(StoreError::Invalid(e)) => errors.0.extend(e),
            Err(e) => return Err(e).page(&user),
        }
    }
    Ok(render(&PasswordPage {
        ctx: Ctx::new(&user, "Đổi mật khẩu", ""),
        errors,
    }))
}
