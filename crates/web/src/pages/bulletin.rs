//! The loudspeaker bulletin of a portal unit: for a period, the script to read aloud (numbers
//! and dates spelled out), the printable notice (this page, and Word with a QR code to the unit's public
//! page) and audio through espeak-ng. What goes in is `store::Portal::bulletin_input` (public data only);
//! the wording is `domain::bulletin`.

use crate::auth::WebUser;
use crate::extract::{PagePath, PageQuery};
use crate::respond::{file_response, render, PageError, PageResult, StoreResultExt};
use crate::view::Ctx;
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{Datelike, NaiveDate};
use domain::bulletin::{compose, Bulletin};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    tu: String,
    #[serde(default)]
    den: String,
}

/// The absolute address of a unit's public page, for the QR code: `--public-url`, or the address the
/// browser used (behind a trusted proxy, the forwarded one).
pub fn portal_url(st: &AppState, headers: &HeaderMap, code: &str) -> String {
    format!(
        "{}/cong-khai/don-vi/{code}",
        crate::auth::public_origin(st, headers)
    )
}

struct Loaded {
    code: String,
    /// The unit's path (the audit row of a download is filed under it).
    unit_path: String,
    bulletin: Bulletin,
    from: NaiveDate,
    to: NaiveDate,
    errors: Vec<String>,
}

/// Reads the period (defaults: the year of the unit's newest published registrations, up to today)
/// and composes the bulletin. The user must be able to read the unit.
async fn load(
    st: &AppState,
    user: &WebUser,
    code: &str,
    q: &PeriodQuery,
    headers: &HeaderMap,
) -> Result<Loaded, PageError> {
    if user.principal.role == domain::Role::Member {
        return Err(PageError::not_found(user));
    }
    let unit = st
        .db
        .units()
        .unit_by_code(&user.principal, code)
        .await
        .page(user)?;
    let portal = st.db.portal();
    let today = st.db.today();
    let year = portal
        .published_years(&unit.code)
        .await
        .page(user)?
        .first()
        .copied()
        .unwrap_or(today.year());
    let default_from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today);
    let default_to = NaiveDate::from_ymd_opt(year, 12, 31)
        .unwrap_or(today)
        .min(today);
    let mut errors = Vec::new();
    let mut parse = |s: &str, default: NaiveDate, what: &str| -> NaiveDate {
        if s.trim().is_empty() {
            return default;
        }
        match domain::text::parse_date(s) {
            Some(d) => d,
            None => {
                errors.push(format!("{what} không hợp lệ: “{}” (dd/mm/yyyy).", s.trim()));
                default
            }
        }
    };
    let mut from = parse(&q.tu, default_from, "Ngày bắt đầu");
    let mut to = parse(&q.den, default_to, "Ngày kết thúc");
    if from > to {
        errors.push("Ngày bắt đầu phải trước ngày kết thúc; đã dùng khoảng mặc định.".into());
        from = default_from;
        to = default_to;
    }
    let input = portal
        .bulletin_input(&unit.code, from, to, &portal_url(st, headers, &unit.code))
        .await
        .page(user)?;
    Ok(Loaded {
        code: unit.code,
        unit_path: unit.path,
        bulletin: compose(&input),
        from,
        to,
        errors,
    })
}

#[derive(Template)]
#[template(path = "bulletin.html")]
struct BulletinPage {
    ctx: Ctx,
    code: String,
    b: Bulletin,
    from: String,
    to: String,
    query: String,
    spoken: String,
    /// Why there is no audio button (no Vietnamese speech on the server), in words for ward staff.
    no_audio: Option<String>,
    /// What the administrator does about it (shown to administrators only).
    audio_hint: Option<&'static str>,
    qr: String,
    errors: Vec<String>,
}

fn query(l: &Loaded) -> String {
    crate::respond::query_string(&[
        ("tu", &domain::text::format_date(l.from)),
        ("den", &domain::text::format_date(l.to)),
    ])
}

pub async fn show(
    State(st): State<AppState>,
    user: WebUser,
    PagePath(code): PagePath<String>,
    PageQuery(q): PageQuery<PeriodQuery>,
    headers: HeaderMap,
) -> PageResult {
    let l = load(&st, &user, &code, &q, &headers).await?;
    let qr = crate::view::qr_data_uri(&l.bulletin.portal_url, 160);
    let audio = speech_ready(&st).await.err();
    Ok(render(&BulletinPage {
        ctx: Ctx::new(
            &user,
            format!("Bản tin phát thanh — {}", l.bulletin.unit_name),
            "feedback",
        ),
        code: l.code.clone(),
        from: domain::text::format_date(l.from),
        to: domain::text::format_date(l.to),
        query: query(&l),
        spoken: l.bulletin.spoken(),
        qr,
        no_audio: audio.as_ref().map(ToString::to_string),
        audio_hint: audio
            .as_ref()
            .filter(|_| user.principal.role == domain::Role::Admin)
            .and_then(office::AudioError::admin_hint),
        errors: l.errors,
        b: l.bulletin,
    }))
}

fn file_name(b: &Bulletin, ext: &str) -> String {
    format!(
        "Ban tin {} {}.{ext}",
        b.unit_name,
        b.issued_on.format("%d-%m-%Y")
    )
}

/// The bulletin as a file: `thong-bao.docx` (the notice with its QR code), `kich-ban.txt` (the script to
/// read) or `am-thanh.wav` (the script read by espeak-ng).
pub async fn file(
    State(st): State<AppState>,
    user: WebUser,
    PagePath((code, name)): PagePath<(String, String)>,
    PageQuery(q): PageQuery<PeriodQuery>,
    headers: HeaderMap,
) -> PageResult {
    let ext = match name.as_str() {
        "thong-bao.docx" => "docx",
        "kich-ban.txt" => "txt",
        "am-thanh.wav" => "wav",
        _ => return Err(PageError::not_found(&user)),
    };
    let l = load(&st, &user, &code, &q, &headers).await?;
    let made = match ext {
        "docx" => {
            let bulletin = l.bulletin.clone();
            crate::heavy::run(move || office::bulletin_docx(&bulletin))
                .await
                .map(|b| {
                    (
                        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                        b,
                    )
                })
                .map_err(|e| {
                    tracing::error!(error = %e, "bulletin docx failed");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Không tạo được tệp Word của bản tin.".to_string(),
                    )
                })
        }
        "txt" => Ok((
            "text/plain; charset=utf-8",
            l.bulletin.spoken().into_bytes(),
        )),
        _ => speak(&st, &l.bulletin).await.map(|b| ("audio/wav", b)),
    };
    match made {
        Ok((content_type, bytes)) => {
            let filename = file_name(&l.bulletin, ext);
            let audit = store::FileAudit {
                kind: match ext {
                    "docx" => "bulletin.docx",
                    "txt" => "bulletin.txt",
                    _ => "bulletin.wav",
                },
                label: &format!("Bản tin — {}", l.bulletin.unit_name),
                unit_path: &l.unit_path,
                filename: &filename,
                rows: None,
            };
            crate::respond::audit_file(&st, &user, audit).await?;
            Ok(file_response(content_type, &filename, bytes))
        }
        Err((status, message)) => {
            let mut r =
                crate::respond::bad_form(&user, &format!("/ban-tin/{code}{}", query(&l)), &message);
            *r.status_mut() = status;
            Ok(r)
        }
    }
}

/// Whether the server can read Vietnamese aloud (`office::check_speech`), checked at most every ten minutes
/// per program, so that installing espeak-ng needs no restart and a page view runs no program.
async fn speech_ready(st: &AppState) -> Result<(), office::AudioError> {
    type Checks = HashMap<PathBuf, (Instant, Result<(), office::AudioError>)>;
    static CHECKS: OnceLock<Mutex<Checks>> = OnceLock::new();
    const FRESH: Duration = Duration::from_secs(600);
    let program = st.config.espeak.clone();
    let checks = CHECKS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Ok(map) = checks.lock() {
        if let Some((at, result)) = map.get(&program) {
            if at.elapsed() < FRESH {
                return result.clone();
            }
        }
    }
    let p = program.clone();
    let result = tokio::task::spawn_blocking(move || office::check_speech(&p))
        .await
        .unwrap_or_else(|e| {
            Err(office::AudioError::Failed(format!(
                "không kiểm tra được chương trình đọc ({e})"
            )))
        });
    if let Err(e) = &result {
        tracing::warn!(error = %e, hint = e.admin_hint().unwrap_or(""), "bulletin audio unavailable");
    }
    if let Ok(mut map) = checks.lock() {
        map.insert(program, (Instant::now(), result.clone()));
    }
    result
}

/// Reads the script aloud, one bulletin at a time (espeak-ng takes a core for seconds).
async fn speak(st: &AppState, b: &Bulletin) -> Result<Vec<u8>, (StatusCode, String)> {
    static READING: std::sync::OnceLock<tokio::sync::Semaphore> = std::sync::OnceLock::new();
    let busy = || {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "Máy chủ đang đọc một bản tin khác thành tệp âm thanh; xin thử lại sau ít phút."
                .to_string(),
        )
    };
    let _permit = READING
        .get_or_init(|| tokio::sync::Semaphore::new(1))
        .try_acquire()
        .map_err(|_| busy())?;
    let script = b.spoken();
    let program = st.config.espeak.clone();
    match tokio::task::spawn_blocking(move || office::speak_wav(&script, &program)).await {
        Ok(Ok(wav)) => Ok(wav),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "bulletin audio not made");
            Err((StatusCode::SERVICE_UNAVAILABLE, e.to_string()))
        }
        Err(e) => {
            tracing::error!(error = %e, "bulletin audio task failed");
            Err((
                StatusCode::INTERNAL_SERVER_ERROR,
                "Không tạo được tệp âm thanh.".to_string(),
            ))
        }
    }
}
