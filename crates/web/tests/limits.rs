//! Text length limits and the public feedback endpoints over HTTP, on every backend: a 5 MB name is refused
//! on the member form (422, the typed value shown cut to the limit), the API (422 problem naming the field)
//! and an import (line and column); every form shows the limit declared in `domain::limits` as its
//! `maxlength`; public feedback refuses a foreign or `null` Origin and a body that is neither JSON (API) nor
//! a form (form, answers on items); near-identical feedback from many addresses is one queue item with a
//! count.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use common::{each_backend, looks_vietnamese, published, Resp, TestApp};
use domain::limits;
use serde_json::json;
use std::net::SocketAddr;

/// About 5 MB of a plausible name.
fn huge_name() -> String {
    "Nguyễn Văn ".repeat(5 * 1024 * 1024 / 13)
}

/// Every `maxlength` of the tags whose `name` attribute is `name`, in page order (None for a tag without).
fn maxlengths(html: &str, name: &str) -> Vec<Option<usize>> {
    let needle = format!("name=\"{name}\"");
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = html[from..].find(&needle) {
        let at = from + at;
        let start = html[..at].rfind('<').unwrap();
        let end = at + html[at..].find('>').unwrap();
        let tag = &html[start..end];
        if tag.starts_with("<input") || tag.starts_with("<textarea") {
            out.push(tag.split("maxlength=\"").nth(1).map(|rest| {
                rest[..rest.find('"').unwrap()]
                    .parse::<usize>()
                    .unwrap_or_else(|_| panic!("maxlength not a number in {tag}"))
            }));
        }
        from = end;
    }
    out
}

fn assert_maxlength(html: &str, name: &str, max: usize, page: &str) {
    let found = maxlengths(html, name);
    assert!(!found.is_empty(), "{page}: no field {name}");
    for m in found {
        assert_eq!(m, Some(max), "{page}: field {name}");
    }
}

#[tokio::test]
async fn a_five_megabyte_name_is_refused_on_the_form_the_api_and_an_import() {
    each_backend(|app| async move {
        let huge = huge_name();
        assert!(huge.len() > 5_000_000);
        let before = app.member_count().await;
        let expected = "Họ và tên quá dài (tối đa 100 ký tự)";

        // The form: 422 with the error beside the field; what was typed comes back cut to the limit.
        let b = app.browser("bithu.p1").await;
        let r = app
            .post_form(
                "/dang-vien/moi",
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("unit_code", "P1-C1"),
                    ("full_name", &huge),
                    ("card_number", "0777101"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = r.text();
        assert!(page.contains(expected), "no length error on the form");
        assert!(
            page.len() < 100_000,
            "the refused value is not sent back whole ({} bytes)",
            page.len()
        );
        let shown: String = huge.chars().take(limits::PERSON_NAME).collect();
        assert!(
            page.contains(&format!("value=\"{shown}\"")),
            "the typed name is kept, cut to 100 characters"
        );
        assert_maxlength(&page, "full_name", limits::PERSON_NAME, "refused member form");

        // The API: a problem naming the field.
        let token = app.token("bithu.p1").await;
        let r = app
            .api(
                Method::POST,
                "/api/v1/members",
                Some(&token),
                Some(&json!({"unit_code": "P1-C1", "full_name": huge, "card_number": "0777102",
                             "joined_on": "2010-05-19", "official_on": "2011-05-19"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.len() < 10_000, "the problem does not repeat the value");
        let p = r.assert_problem("5 MB name over the API");
        let errors = p["errors"].as_array().unwrap();
        assert!(
            errors
                .iter()
                .any(|e| e["field"] == "full_name" && e["message"] == expected),
            "{p}"
        );

        // An import: the line and the column. A 5 MB cell is refused by the reader already; a name of a
        // few hundred characters by the row check.
        let header = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại";
        let good = "P1-C1,Ngô Văn Thử,15/03/1985,Nam,0777103,,19/05/2010,19/05/2011,,";
        let long = "Trần Văn ".repeat(40);
        for (name, whole_cell) in [(huge.as_str(), true), (long.as_str(), false)] {
            let file = format!(
                "{header}\n{good}\nP1-C1,{name},15/03/1985,Nam,0777104,,19/05/2010,19/05/2011,,\n"
            );
            for dry in ["true", "false"] {
                let r = app
                    .raw(
                        Method::POST,
                        &format!("/api/v1/import/members?filename=dang-vien.csv&dry_run={dry}"),
                        Some(&token),
                        Some("text/csv"),
                        file.clone().into_bytes(),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "dry run {dry}");
                assert!(r.body.len() < 10_000, "the error does not repeat the value");
                let v = r.json();
                if whole_cell {
                    assert!(v.to_string().contains("dòng 3"), "{v}");
                    continue;
                }
                let rows = v["rows"]
                    .as_array()
                    .unwrap_or_else(|| panic!("dry run {dry}: {v}"));
                assert_eq!(rows.len(), 1, "{v}");
                assert_eq!(rows[0]["line"], 3);
                assert_eq!(rows[0]["column"], "Họ và tên");
                assert_eq!(rows[0]["message"], expected);
            }
        }
        assert_eq!(app.member_count().await, before, "nothing was written");
    })
    .await;
}

#[tokio::test]
async fn other_long_texts_are_refused_with_their_limit() {
    each_backend(|app| async move {
        let token = app.token("admin.tu").await;
        let p1 = app.fx.unit("P1").id;
        // A unit's name through the API.
        let r = app
            .api(
                Method::POST,
                "/api/v1/units",
                Some(&token),
                Some(
                    &json!({"code": "P1-C9", "name": "Chi bộ ".repeat(60), "type": "cell",
                             "parent_code": "P1"}),
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(
            r.text().contains("Tên đơn vị quá dài (tối đa 200 ký tự)"),
            "{}",
            r.text()
        );
        // A unit's name through its page.
        let b = app.browser("admin.tu").await;
        let r = app
            .post_form(
                &format!("/don-vi/{p1}/sua"),
                Some(&b.cookie),
                &[
                    ("csrf", &b.csrf),
                    ("name", &"Đảng bộ ".repeat(60)),
                    ("unit_type", "grassroots_committee"),
                    ("sort_order", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("tối đa 200 ký tự"));
        let stored = app.db.units().unit_unscoped(p1).await.unwrap().unwrap();
        assert_eq!(stored.name, "Đảng bộ Phường Một", "nothing was written");
    })
    .await;
}

#[tokio::test]
async fn every_form_shows_the_declared_limit() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        let page = |uri: String| {
            let app = &app;
            let cookie = b.cookie.clone();
            async move {
                let r = app.page(&uri, Some(&cookie)).await;
                assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
                r.text()
            }
        };
        let members = page("/dang-vien/moi".into()).await;
        assert_maxlength(&members, "full_name", limits::PERSON_NAME, "member form");
        assert_maxlength(&members, "unit_code", limits::UNIT_CODE, "member form");
        assert_maxlength(
            &members,
            "position_title_0",
            limits::POSITION_TITLE,
            "member form",
        );
        assert_maxlength(&members, "position_duties_0", limits::DUTIES, "member form");
        let list = page("/dang-vien".into()).await;
        assert_maxlength(&list, "q", limits::SEARCH_QUERY, "member list");
        let accounts = page("/tai-khoan".into()).await;
        assert_maxlength(&accounts, "username", limits::USERNAME, "accounts");
        assert_maxlength(&accounts, "display_name", limits::DISPLAY_NAME, "accounts");
        assert_maxlength(&accounts, "unit_code", limits::UNIT_CODE, "accounts");
        let unit = page(format!("/don-vi/{}", app.fx.unit("P1").id)).await;
        assert_maxlength(&unit, "name", limits::UNIT_NAME, "unit page");
        assert_maxlength(&unit, "code", limits::UNIT_CODE, "unit page");
        assert_maxlength(&unit, "parent_code", limits::UNIT_CODE, "unit page");
        let study = page("/hoc-tap/moi".into()).await;
        assert_maxlength(&study, "title", limits::SESSION_TITLE, "study form");
        assert_maxlength(&study, "place", limits::PLACE, "study form");
        let cell = page("/sinh-hoat/moi".into()).await;
        assert_maxlength(&cell, "minutes", limits::MINUTES, "cell meeting form");
        let campaign = page("/ke-hoach".into()).await;
        assert_maxlength(&campaign, "number", limits::DOCUMENT_NUMBER, "campaign");
        assert_maxlength(&campaign, "title", limits::TITLE, "campaign");
        assert_maxlength(&campaign, "scope", limits::PLAN_SCOPE, "campaign");
        let model = page("/mo-hinh/moi".into()).await;
        assert_maxlength(&model, "name", limits::MODEL_NAME, "model form");
        assert_maxlength(
            &model,
            "description",
            limits::MODEL_DESCRIPTION,
            "model form",
        );
        assert_maxlength(
            &model,
            "participants",
            limits::MODEL_PARTICIPANTS,
            "model form",
        );
        let id = published(&app).await;
        let public = app
            .page(&format!("/cong-khai/dang-ky/{id}"), None)
            .await
            .text();
        assert_maxlength(
            &public,
            "content",
            limits::FEEDBACK_CONTENT,
            "feedback form",
        );
        assert_maxlength(&public, "name", limits::PERSON_NAME, "feedback form");
        assert_maxlength(&public, "contact", limits::CONTACT, "feedback form");
        assert_maxlength(&public, "q", limits::SEARCH_QUERY, "portal search");
    })
    .await;
}

/// Every text box in the templates carries a `maxlength` from `domain::limits` (never a number typed
/// again), except boxes whose content is checked by its format (dates, times, numbers, codes).
#[test]
fn every_text_box_in_the_templates_takes_its_limit_from_the_domain() {
    const FORMAT_CHECKED: &[&str] = &[
        "starts_at",
        "ends_at",
        "tu",
        "den",
        "ma",
        "member_id",
        "sort_order",
        "target_attendance",
        "target_registered",
        // A plan's days before meetings close: an integer, range-checked by the store.
        "lock_days",
        "year",
        "value",
        "participants_count",
        "for_units",
        "website",
        "{{ name }}",
        // The campaign calendar: a year and dd/mm/yyyy dates, parsed.
        "nam",
        "{{ r.name }}",
        // The member form's position rows: dd/mm/yyyy dates, parsed.
        "position_from_{{ r.index }}",
        "position_to_{{ r.index }}",
        // Commendations and criteria: dd/mm/yyyy dates, parsed.
        "decided_on",
        "ngay",
        "as_of",
        "withdrawn_on",
        // Period reports and reporting rounds: dd/mm/yyyy dates, parsed (`domain::report::check_period`).
        "tu_ngay",
        "den_ngay",
        "from",
        "to",
        "due_on",
        // Criterion codes: `domain::criteria::valid_code` (letters, digits, . - _, at most 20).
        "code",
        "c_code_{{ loop.index0 }}",
    ];
    const TYPED_NUMBERS_ALLOWED: &[&str] = &["ma", "deadline_{{ c.index }}"];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("html") {
            continue;
        }
        let html = std::fs::read_to_string(&path).unwrap();
        for (start, _) in html.match_indices('<') {
            let rest = &html[start..];
            if !(rest.starts_with("<input") || rest.starts_with("<textarea")) {
                continue;
            }
            // The tag ends at the first '>' outside a template expression.
            let mut depth = 0usize;
            let mut end = 0;
            let bytes = rest.as_bytes();
            for i in 0..bytes.len() {
                match (bytes[i], bytes.get(i + 1)) {
                    (b'{', Some(b'{' | b'%')) => depth += 1,
                    (b'}' | b'%', Some(b'}')) => depth = depth.saturating_sub(1),
                    (b'>', _) if depth == 0 => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let tag = &rest[..end];
            let kind = tag
                .split("type=\"")
                .nth(1)
                .map(|t| &t[..t.find('"').unwrap()])
                .unwrap_or("text");
            if matches!(
                kind,
                "hidden"
                    | "checkbox"
                    | "radio"
                    | "file"
                    | "submit"
                    | "password"
                    | "date"
                    | "number"
                    | "{{ kind }}"
            ) && !tag.contains("{{ kind }}")
            {
                continue;
            }
            let name = tag
                .split("name=\"")
                .nth(1)
                .map(|t| &t[..t.find('"').unwrap()])
                .unwrap_or_default();
            let file = path.file_name().unwrap().to_string_lossy();
            if TYPED_NUMBERS_ALLOWED.contains(&name) {
                continue;
            }
            if tag.contains("{{ kind }}") {
                // The member form's field macro: its callers pass the limit.
                assert!(tag.contains("maxlength=\"{{ max }}\""), "{file}: {tag}");
                continue;
            }
            if FORMAT_CHECKED.contains(&name) {
                continue;
            }
            assert!(
                tag.contains("maxlength=\"{{ domain::limits::"),
                "{file}: the box {name:?} has no maxlength from domain::limits: {tag}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 40, "only {checked} boxes found");
}

const TEXT: &str = "Đèn chiếu sáng hẻm 5 vẫn chưa lắp, tối đi lại rất nguy hiểm.";
const HOST: &str = "lamtheo.test";

/// A public POST with the given headers, from `address`.
async fn public_post(
    app: &TestApp,
    uri: &str,
    content_type: Option<&str>,
    headers: &[(&str, &str)],
    body: String,
    address: &str,
) -> Resp {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, HOST);
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    let mut req = b.body(Body::from(body)).unwrap();
    let addr: SocketAddr = format!("{address}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

fn feedback_json(id: i64, content: &str) -> String {
    json!({"subject_type": "registration", "subject_id": id, "content": content}).to_string()
}

fn feedback_form(id: i64, content: &str) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    s.append_pair("subject_type", "registration")
        .append_pair("subject_id", &id.to_string())
        .append_pair("content", content);
    s.finish()
}

#[tokio::test]
async fn public_feedback_refuses_foreign_origins_and_other_content_types() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let api = "/api/v1/public/feedback";
        let json_ct = Some("application/json");
        let form_ct = Some("application/x-www-form-urlencoded");
        let foreign = [("origin", "https://evil.example")];
        let null = [("origin", "null")];
        let cross = [("sec-fetch-site", "cross-site")];
        // The API.
        for (what, h) in [
            ("foreign", &foreign[..]),
            ("null", &null[..]),
            ("cross-site", &cross[..]),
        ] {
            let r = public_post(&app, api, json_ct, h, feedback_json(id, TEXT), "192.0.2.10").await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "API, {what} origin");
            r.assert_problem(what);
        }
        for ct in [
            Some("text/plain"),
            Some("text/plain;charset=UTF-8"),
            None,
            form_ct,
        ] {
            let r = public_post(&app, api, ct, &[], feedback_json(id, TEXT), "192.0.2.10").await;
            assert_eq!(
                r.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "API, content type {ct:?}"
            );
            let p = r.assert_problem("content type");
            assert!(p["detail"].as_str().unwrap().contains("application/json"));
        }
        // The form.
        let form = "/cong-khai/phan-anh";
        for (what, h) in [
            ("foreign", &foreign[..]),
            ("null", &null[..]),
            ("cross-site", &cross[..]),
        ] {
            let r = public_post(
                &app,
                form,
                form_ct,
                h,
                feedback_form(id, TEXT),
                "192.0.2.11",
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "form, {what} origin");
            assert!(r.text().contains("Cổng thông tin công khai"));
        }
        for ct in [
            Some("text/plain"),
            Some("multipart/form-data; boundary=x"),
            None,
            json_ct,
        ] {
            let r = public_post(&app, form, ct, &[], feedback_form(id, TEXT), "192.0.2.11").await;
            assert_eq!(
                r.status,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "form, content type {ct:?}"
            );
            assert!(looks_vietnamese(&r.text()));
        }
        // Answers on items.
        let item = app.db.portal().public_registration(id).await.unwrap().items[1].id;
        let answer = format!("item_id={item}&registration_id={id}&answer=done");
        for h in [&foreign[..], &null[..]] {
            let r = public_post(
                &app,
                "/cong-khai/y-kien",
                form_ct,
                h,
                answer.clone(),
                "192.0.2.12",
            )
            .await;
            assert_eq!(r.status, StatusCode::FORBIDDEN);
        }
        let r = public_post(
            &app,
            "/cong-khai/y-kien",
            Some("text/plain"),
            &[],
            answer.clone(),
            "192.0.2.12",
        )
        .await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // Nothing refused was stored.
        let ward = app.principal(&app.token("bithu.p1").await).await;
        let (queue, _) = app
            .db
            .feedback()
            .feedback_queue(&ward, store::FeedbackView::All)
            .await
            .unwrap();
        assert!(queue.is_empty());
        // Our own origin, and clients that send none (curl, apps), are served.
        let ours = format!("http://{HOST}");
        let r = public_post(
            &app,
            api,
            json_ct,
            &[("origin", &ours)],
            feedback_json(id, TEXT),
            "192.0.2.13",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = public_post(
            &app,
            api,
            Some("application/json; charset=utf-8"),
            &[],
            feedback_json(
                id,
                "Hẻm 7 bị ngập nước mỗi khi mưa lớn, đề nghị khơi thông cống.",
            ),
            "192.0.2.14",
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let r = public_post(
            &app,
            form,
            form_ct,
            &[("origin", &ours), ("sec-fetch-site", "same-origin")],
            feedback_form(id, "Nhà văn hóa khu phố chưa mở cửa buổi tối như đã hứa."),
            "192.0.2.15",
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    })
    .await;
}

#[tokio::test]
async fn near_identical_feedback_from_many_addresses_is_one_item_with_a_count() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let variants = [
            TEXT.to_string(),
            TEXT.to_lowercase(),
            "Den chieu sang hem 5 van chua lap toi di lai rat nguy hiem".to_string(),
            format!("{TEXT}!!!"),
            TEXT.replace(", ", "  ,"),
        ];
        let mut codes = std::collections::HashSet::new();
        let mut first = String::new();
        for k in 0..200usize {
            let address = format!("203.0.113.{}", k % 40);
            let r = public_post(
                &app,
                "/api/v1/public/feedback",
                Some("application/json"),
                &[],
                feedback_json(id, &variants[k % variants.len()]),
                &address,
            )
            .await;
            assert_eq!(r.status, StatusCode::CREATED, "message {k}: {}", r.text());
            let v = r.json();
            assert_eq!(v["merged"], k > 0, "message {k}");
            codes.insert(v["tracking_code"].as_str().unwrap().to_string());
            if k == 0 {
                first = v["tracking_code"].as_str().unwrap().to_string();
            }
        }
        assert_eq!(
            codes.len(),
            200,
            "every sender gets a tracking code of their own"
        );
        // A different message is its own item; through the form, it is told apart from a folded one.
        let r = public_post(
            &app,
            "/cong-khai/phan-anh",
            Some("application/x-www-form-urlencoded"),
            &[],
            feedback_form(
                id,
                "Hội nghị lấy ý kiến nhân dân về hẻm 5 chưa được tổ chức như kế hoạch.",
            ),
            "198.51.100.1",
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(r.header("location").unwrap().ends_with("?moi=1"));
        let r = public_post(
            &app,
            "/cong-khai/phan-anh",
            Some("application/x-www-form-urlencoded"),
            &[],
            feedback_form(id, &TEXT.to_uppercase()),
            "198.51.100.2",
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let location = r.header("location").unwrap().to_string();
        let code = location
            .strip_prefix("/cong-khai/phan-anh/")
            .and_then(|l| l.strip_suffix("?moi=gop"))
            .unwrap_or_else(|| panic!("{location}"))
            .to_string();
        assert!(code != first && !codes.contains(&code), "an own code");
        let confirmation = app.page(&location, None).await.text();
        assert!(
            confirmation.contains(domain::feedback::FOLDED_NOTE) && confirmation.contains(&code),
            "the citizen is told the message was folded, under their own code"
        );
        assert!(
            !confirmation.contains(&first) && !confirmation.contains(TEXT),
            "neither the first sender's code nor their unpublished text is shown"
        );
        // The moderation queue: two items, the first says how many sent it.
        let b = app.browser("bithu.p1").await;
        let queue = app.page("/phan-anh", Some(&b.cookie)).await.text();
        assert!(queue.contains("Cần xử lý (2)"), "two open items");
        assert!(
            queue.contains("200 lần gửi nội dung tương tự được gộp vào đây"),
            "the copies are counted"
        );
    })
    .await;
}
