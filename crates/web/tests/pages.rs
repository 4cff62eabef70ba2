//! The server-rendered pages over HTTP: login wall, sessions, CSRF, security headers, scope on pages,
//! forms that re-show typed values with errors, diacritic-insensitive search and the import page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{each_backend, hidden_field, TestApp, PASSWORD};
use tower::ServiceExt;

const NOT_FOUND_TEXT: &str = "Không tìm thấy";

/// The fields of the member edit form for a fixture member, as the browser would send them.
fn edit_fields(csrf: &str) -> Vec<(&'static str, String)> {
    vec![
        ("csrf", csrf.to_string()),
        ("full_name", "Lê Hoàng Phúc".into()),
        ("gender", "male".into()),
        ("birth_date", "1980-01-03".into()),
        ("card_number", "0100003".into()),
        ("citizen_id", "079080000003".into()),
        ("joined_on", "2010-03-03".into()),
        ("official_on", "2011-03-03".into()),
        ("phone", "0909111222".into()),
        ("position_title_0", String::new()),
        ("position_duties_0", String::new()),
    ]
}

fn as_refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn ward_secretary_gets_not_found_for_another_ward() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let other = app.fx.member("Võ Thị Lan").clone();
        for path in [
            format!("/dang-vien/{}", other.id),
            format!("/dang-vien/{}/sua", other.id),
            format!("/dang-vien/{}/chuyen", other.id),
            format!("/don-vi/{}", app.fx.unit("P2-C1").id),
            format!("/don-vi/{}", app.fx.unit("TU").id),
            "/dang-vien?don_vi=P2".to_string(),
        ] {
            let r = app.page(&path, Some(&b.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
            let body = r.text();
            assert!(body.contains(NOT_FOUND_TEXT), "{path}: {body}");
            assert!(!body.contains(&other.name), "{path} leaks the name");
            assert!(!body.contains(&other.card), "{path} leaks the card");
        }
        // Writes through the forms are refused the same way and change nothing.
        let before = app.member_state(other.id).await;
        let r = app
            .post_form(
                &format!("/dang-vien/{}/sua", other.id),
                Some(&b.cookie),
                &[
                    ("csrf", b.csrf.as_str()),
                    ("full_name", "Võ Thị Lan Đổi"),
                    ("card_number", "0100008"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert!(!r.text().contains(&other.name));
        let r = app
            .post_form(
                &format!("/dang-vien/{}/trang-thai", other.id),
                Some(&b.cookie),
                &[
                    ("csrf", b.csrf.as_str()),
                    ("status", "exempt"),
                    ("date", "2026-11-01"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text());
        assert_eq!(app.member_state(other.id).await, before);
        // The own ward's member is shown.
        let own = app.fx.member("Phạm Quốc Dũng");
        let r = app
            .page(&format!("/dang-vien/{}", own.id), Some(&b.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains(&own.name));
    })
    .await;
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_the_login_page() {
    each_backend(|app| async move {
        let r = app.page("/", None).await;
        assert!(r.status.is_redirection(), "{}", r.status);
        assert_eq!(r.header("location"), Some("/dang-nhap?next=%2F"));
        let r = app.page("/dang-vien?q=nguyen", None).await;
        assert!(r.status.is_redirection());
        assert_eq!(
            r.header("location"),
            Some("/dang-nhap?next=%2Fdang-vien%3Fq%3Dnguyen")
        );
        // A forged or stale cookie is no better than none.
        let r = app
            .page("/dang-vien", Some("lamtheo_session=deadbeef"))
            .await;
        assert!(r.status.is_redirection());
        let r = app
            .page(
                "/dang-vien",
                Some(&format!("lamtheo_session={}", "a".repeat(64))),
            )
            .await;
        assert!(r.status.is_redirection());
        // The login page itself is public and carries the form.
        let r = app.page("/dang-nhap?next=%2Fdang-vien", None).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(
            hidden_field(&r.text(), "next").as_deref(),
            Some("/dang-vien")
        );
        // An off-site `next` is not followed.
        let r = app
            .page("/dang-nhap?next=https%3A%2F%2Fevil.example", None)
            .await;
        assert_eq!(hidden_field(&r.text(), "next").as_deref(), Some("/"));
    })
    .await;
}

#[tokio::test]
async fn wrong_password_shows_the_vietnamese_message() {
    each_backend(|app| async move {
        for (user, password) in [("admin.tu", "SaiMatKhau123"), ("khongco.ai", PASSWORD)] {
            let r = app.login_submit(user, password, None).await;
            assert_eq!(r.status, StatusCode::OK, "{user}");
            let body = r.text();
            assert!(
                body.contains("Tên đăng nhập hoặc mật khẩu không đúng"),
                "{user}: {body}"
            );
            assert!(r.cookie(web::auth::SESSION_COOKIE).is_none(), "{user}");
            // The typed user name is kept; the password is not echoed.
            assert!(body.contains(&format!("value=\"{user}\"")));
            assert!(!body.contains(password));
        }
        // Without the pre-login cookie (a cross-site post) nobody is signed in.
        let (_, csrf) = app.login_form().await;
        let r = app
            .post_form(
                "/dang-nhap",
                None,
                &[
                    ("username", "admin.tu"),
                    ("password", PASSWORD),
                    ("csrf", &csrf),
                    ("next", "/"),
                ],
            )
            .await;
        assert!(r.cookie(web::auth::SESSION_COOKIE).is_none());
        assert!(r.text().contains("Biểu mẫu đã hết hạn"));
        // A forgotten password: the page says whom to ask, with the configured contact when there is one.
        let page = app.page("/dang-nhap", None).await.text();
        assert!(
            page.contains("<summary>Quên mật khẩu?</summary>") && page.contains("văn phòng cấp ủy")
        );
        assert!(!page.contains("Liên hệ:"));
        let router = web::router(
            app.db.clone(),
            web::WebConfig {
                support_contact: "Văn phòng Thành ủy, điện thoại 0275 3822 123".into(),
                ..Default::default()
            },
        );
        let resp = router
            .oneshot(
                axum::http::Request::get("/dang-nhap")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap();
        assert!(String::from_utf8_lossy(&body)
            .contains("Liên hệ: <strong>Văn phòng Thành ủy, điện thoại 0275 3822 123</strong>"));
    })
    .await;
}

#[tokio::test]
async fn session_id_changes_at_login_and_dies_at_logout() {
    each_backend(|app| async move {
        let first = app.browser("office.tu").await;
        let second = app.browser("office.tu").await;
        assert_ne!(first.session, second.session);
        assert_ne!(first.csrf, second.csrf);
        for b in [&first, &second] {
            assert_eq!(app.page("/", Some(&b.cookie)).await.status, StatusCode::OK);
        }
        // Signing in again from a browser that still holds a session replaces that session.
        let r = app
            .login_submit("office.tu", PASSWORD, Some(&second.cookie))
            .await;
        assert!(r.status.is_redirection());
        let third = r.cookie(web::auth::SESSION_COOKIE).unwrap();
        assert_ne!(third, second.session);
        assert!(app
            .page("/", Some(&second.cookie))
            .await
            .status
            .is_redirection());
        let third_cookie = format!("lamtheo_session={third}");
        assert_eq!(
            app.page("/", Some(&third_cookie)).await.status,
            StatusCode::OK
        );

        // Logout ends the session server-side: replaying the old cookie leads to the login page.
        let r = app
            .post_form(
                "/dang-xuat",
                Some(&first.cookie),
                &[("csrf", first.csrf.as_str())],
            )
            .await;
        assert!(r.status.is_redirection(), "{}", r.text());
        assert_eq!(r.header("location"), Some("/dang-nhap"));
        let cleared = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("lamtheo_session="))
            .unwrap();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        let r = app.page("/", Some(&first.cookie)).await;
        assert!(r.status.is_redirection());
        assert_eq!(r.header("location"), Some("/dang-nhap?next=%2F"));
        // Other sessions live on.
        assert_eq!(
            app.page("/", Some(&third_cookie)).await.status,
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let other = app.browser("admin.tu").await;
        let m = app.fx.member("Lê Hoàng Phúc").clone();
        let url = format!("/dang-vien/{}/sua", m.id);
        let before = app.member_state(m.id).await;
        let audit_before = app.audit_total().await;
        let mut fields = edit_fields("");
        fields.retain(|(k, _)| *k != "csrf");
        let wrong = "0".repeat(b.csrf.len());
        for (label, csrf) in [
            ("missing", None),
            ("empty", Some("")),
            ("wrong", Some(wrong.as_str())),
            ("another session's", Some(other.csrf.as_str())),
        ] {
            let mut f = as_refs(&fields);
            if let Some(c) = csrf {
                f.push(("csrf", c));
            }
            let r = app.post_form(&url, Some(&b.cookie), &f).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{label}: {}", r.text());
            assert!(common::looks_vietnamese(&r.text()));
        }
        assert_eq!(app.member_state(m.id).await, before);
        assert_eq!(app.audit_total().await, audit_before);

        // Other forms too: new member, transfer, status, logout, password, import.
        let count = app.member_count().await;
        let r = app
            .post_form(
                "/dang-vien/moi",
                Some(&b.cookie),
                &[
                    ("unit_code", "P1-C1"),
                    ("full_name", "Ngô Văn Giả"),
                    ("card_number", "0777777"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_form(
                &format!("/dang-vien/{}/chuyen", m.id),
                Some(&b.cookie),
                &[("unit_code", "P1-C1"), ("date", "2026-11-20")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_form(
                &format!("/dang-vien/{}/trang-thai", m.id),
                Some(&b.cookie),
                &[("status", "exempt"), ("date", "2026-11-20"), ("csrf", "x")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app.post_form("/dang-xuat", Some(&b.cookie), &[]).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_form(
                "/doi-mat-khau",
                Some(&b.cookie),
                &[
                    ("current", PASSWORD),
                    ("new", "MatKhauMoi2027"),
                    ("confirm", "MatKhauMoi2027"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("kind", "members")],
                Some(("file", "a.csv", GOOD_CSV.as_bytes())),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert_eq!(app.member_count().await, count);
        assert_eq!(app.member_state(m.id).await, before);
        assert_eq!(app.audit_total().await, audit_before);
        // The session survived the refused logout, and the password is unchanged.
        assert_eq!(app.page("/", Some(&b.cookie)).await.status, StatusCode::OK);
        app.token("bithu.p1").await;
    })
    .await;
}

const GOOD_CSV: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại\nP1-C1,Ngô Văn Giả,01/01/1985,Nam,0777777,,01/02/2015,01/02/2016,,0904000001\n";

#[tokio::test]
async fn security_headers_and_cookie_flags() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        let login = app.page("/dang-nhap", None).await;
        let token = app.token("admin.tu").await;
        let responses = [
            ("login page", login),
            ("home", app.page("/", Some(&b.cookie)).await),
            ("redirect", app.page("/", None).await),
            ("not found", app.page("/khong-co-trang-nay", None).await),
            ("api", app.get("/api/v1/me", Some(&token)).await),
            ("api 401", app.get("/api/v1/me", None).await),
            ("healthz", app.get("/healthz", None).await),
            ("css", app.get("/static/app.css", None).await),
        ];
        for (what, r) in &responses {
            let csp = r.header("content-security-policy").unwrap_or_default();
            assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp:?}");
            assert!(csp.contains("default-src 'self'"), "{what}: {csp:?}");
            assert_eq!(
                r.header("x-content-type-options"),
                Some("nosniff"),
                "{what}"
            );
            assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
        }
        // Cookies: HttpOnly, SameSite=Lax, whole site.
        let r = app.login_submit("admin.tu", PASSWORD, None).await;
        let session = r
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("lamtheo_session="))
            .unwrap();
        for flag in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(session.contains(flag), "{session}");
        }
        assert!(!session.contains("Secure"), "plain-HTTP default: {session}");
        let pre = responses[0]
            .1
            .set_cookies()
            .into_iter()
            .find(|c| c.starts_with("lamtheo_prelogin="))
            .unwrap();
        assert!(
            pre.contains("HttpOnly") && pre.contains("SameSite=Lax"),
            "{pre}"
        );
        // Behind HTTPS the cookies are Secure.
        let secure = web::router(
            app.db.clone(),
            web::WebConfig {
                secure_cookies: true,
                ..Default::default()
            },
        );
        let r = secure
            .oneshot(
                axum::http::Request::get("/dang-nhap")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let c = r
            .headers()
            .get("set-cookie")
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        assert!(c.contains("; Secure") && c.contains("HttpOnly"), "{c}");
    })
    .await;
}

#[tokio::test]
async fn edit_form_shows_typed_values_with_the_error_beside_the_field() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1c1").await;
        let m = app.fx.member("Lê Hoàng Phúc").clone();
        let url = format!("/dang-vien/{}/sua", m.id);
        let before = app.member_state(m.id).await;
        let mut fields = edit_fields(&b.csrf);
        for (k, v) in fields.iter_mut() {
            match *k {
                "full_name" => *v = "Lê Hoàng Phúc Vừa Gõ".into(),
                "joined_on" => *v = "2015-05-10".into(),
                "official_on" => *v = "2014-01-01".into(),
                "phone" => *v = "0903999888".into(),
                "position_title_0" => *v = "Phó Bí thư Chi bộ".into(),
                "position_duties_0" => *v = "Phụ trách tuyên giáo".into(),
                _ => {}
            }
        }
        let r = app
            .post_form(&url, Some(&b.cookie), &as_refs(&fields))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let body = r.text();
        for typed in [
            "value=\"Lê Hoàng Phúc Vừa Gõ\"",
            "value=\"2015-05-10\"",
            "value=\"2014-01-01\"",
            "value=\"0903999888\"",
            "value=\"Phó Bí thư Chi bộ\"",
            "value=\"Phụ trách tuyên giáo\"",
        ] {
            assert!(body.contains(typed), "{typed} not re-shown: {body}");
        }
        let message = "Ngày chính thức (01/01/2014) không được trước ngày vào Đảng (10/05/2015)";
        let err_at = body
            .find("id=\"official_on-err\"")
            .expect("an error element tied to the official_on field");
        let field_at = body.find("id=\"official_on\"").unwrap();
        assert!(
            body[err_at..].contains(message),
            "message beside the field: {body}"
        );
        assert!(
            err_at > field_at && err_at - field_at < 400,
            "beside the field"
        );
        assert!(body.contains("aria-invalid=\"true\""));
        assert_eq!(app.member_state(m.id).await, before, "nothing saved");

        // An impossible date typed by hand: the same form, the typed text kept, a Vietnamese message.
        let mut fields = edit_fields(&b.csrf);
        for (k, v) in fields.iter_mut() {
            if *k == "joined_on" {
                *v = "31/02/2015".into();
            }
        }
        let r = app
            .post_form(&url, Some(&b.cookie), &as_refs(&fields))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text();
        assert!(body.contains("value=\"31/02/2015\""), "{body}");
        let err_at = body.find("id=\"joined_on-err\"").unwrap();
        assert!(body[err_at..].contains("Ngày không hợp lệ"), "{body}");
        assert_eq!(app.member_state(m.id).await, before);

        // And the valid form saves, redirecting to the member page.
        let r = app
            .post_form(&url, Some(&b.cookie), &as_refs(&edit_fields(&b.csrf)))
            .await;
        assert!(r.status.is_redirection(), "{}", r.text());
        let after = app.member_state(m.id).await;
        assert_eq!(after["member"]["phone"], "0909111222");
    })
    .await;
}

#[tokio::test]
async fn member_search_ignores_diacritics_and_scope_holds() {
    each_backend(|app| async move {
        let admin = app.browser("admin.tu").await;
        let nguyen = ["Nguyễn Văn Bình", "Nguyễn Thị Hồng", "Nguyễn Hữu Thắng"];
        let search = |app: TestApp, cookie: String, q: &'static str| async move {
            let r = app.page(&format!("/dang-vien?q={q}"), Some(&cookie)).await;
            assert_eq!(r.status, StatusCode::OK, "q={q}");
            r.text()
        };
        let body = search(app.clone(), admin.cookie.clone(), "nguyen").await;
        for n in nguyen {
            assert!(body.contains(n), "nguyen should find {n}");
        }
        assert!(!body.contains("Trần Thị Mai"));
        let body = search(app.clone(), admin.cookie.clone(), "NGUYEN+VAN+BINH").await;
        assert!(body.contains("Nguyễn Văn Bình"));
        assert!(!body.contains("Nguyễn Thị Hồng"));
        let body = search(app.clone(), admin.cookie.clone(), "dang").await;
        assert!(body.contains("Đặng Minh Khôi"), "dang finds Đặng");
        let body = search(app.clone(), admin.cookie.clone(), "Tr%E1%BA%A7n").await;
        assert!(body.contains("Trần Thị Mai"));
        let body = search(app.clone(), admin.cookie.clone(), "thang").await;
        assert!(body.contains("Nguyễn Hữu Thắng"));

        // A ward secretary finds only the ward's members.
        let p1 = app.browser("bithu.p1").await;
        let body = search(app.clone(), p1.cookie.clone(), "nguyen").await;
        assert!(body.contains("Nguyễn Văn Bình") && body.contains("Nguyễn Thị Hồng"));
        assert!(!body.contains("Nguyễn Hữu Thắng"), "other ward leaked");
        let body = search(app.clone(), p1.cookie.clone(), "thang").await;
        assert!(!body.contains("Nguyễn Hữu Thắng"));
    })
    .await;
}

const BAD_CSV: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại
P1-C1,Đỗ Văn Tốt,01/01/1985,Nam,0200001,,01/02/2015,01/02/2016,,0904000001
P1-C1,Ngô Văn Mới,01/01/1985,Nam,0200002,,31/02/2015,,,0904000002
XX-99,Bùi Thị Sai,01/01/1985,Nữ,0200003,,01/02/2015,,,
P1-C1,,01/01/1985,Nam,0200004,,01/02/2015,,,
";

#[tokio::test]
async fn import_page_lists_every_bad_row_and_writes_nothing() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let r = app.page("/nhap-du-lieu", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let csrf = hidden_field(&r.text(), "csrf").unwrap();
        let count = app.member_count().await;
        let audit = app.audit_total().await;
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("csrf", &csrf), ("kind", "members")],
                Some(("file", "dang-vien.csv", BAD_CSV.as_bytes())),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let body = r.text();
        assert!(body.contains("Dòng") && body.contains("Cột"), "{body}");
        assert!(body.contains("Không nhập dòng nào"), "{body}");
        // line (as in the spreadsheet: header = 1), column, message.
        for (line, column) in [(3, "Ngày vào Đảng"), (4, "Mã đơn vị"), (5, "Họ và tên")]
        {
            let cell = format!("<td class=\"num\">{line}</td><td>{column}</td><td>");
            let at = body
                .find(&cell)
                .unwrap_or_else(|| panic!("no row for line {line}, {column}: {body}"));
            let rest = &body[at + cell.len()..];
            let message = &rest[..rest.find("</td>").unwrap()];
            assert!(
                common::looks_vietnamese(message),
                "line {line}: message {message:?}"
            );
        }
        assert!(!body.contains("<td class=\"num\">2</td>"), "line 2 is fine");
        assert!(body.contains("XX-99"), "names the unknown unit code");
        // All or nothing: the good row was not written either.
        assert_eq!(app.member_count().await, count);
        assert_eq!(app.audit_total().await, audit);
        let r = app.page("/dang-vien?q=do+van+tot", Some(&b.cookie)).await;
        assert!(!r.text().contains("Đỗ Văn Tốt"));

        // Garbage instead of a file: a message, not a crash, and nothing written.
        for (name, bytes) in [
            ("rac.csv", &b"\xff\xfe\x00\x01garbage\x00\x00\xc3"[..]),
            ("rac.xlsx", &b"PK\x03\x04not really a zip"[..]),
            ("rong.csv", &b"\n\n\n"[..]),
        ] {
            let r = app
                .post_multipart(
                    "/nhap-du-lieu",
                    Some(&b.cookie),
                    &[("csrf", &csrf), ("kind", "members")],
                    Some(("file", name, bytes)),
                )
                .await;
            // The status of an unreadable file is checked by the ignored test below (a known bug);
            // here: no server error, and the Vietnamese explanation in the alert box.
            assert!(
                r.status == StatusCode::OK || r.status == StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {} {}",
                r.status,
                r.text()
            );
            let body = r.text();
            let alert = body
                .find("class=\"flash err\"")
                .unwrap_or_else(|| panic!("{name}: no error shown: {body}"));
            assert!(
                common::looks_vietnamese(&body[alert..alert + 200]),
                "{name}"
            );
        }
        assert_eq!(app.member_count().await, count);
        assert_eq!(app.audit_total().await, audit);
    })
    .await;
}

#[tokio::test]
async fn import_page_answers_422_for_an_unreadable_file() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let r = app
            .post_multipart(
                "/nhap-du-lieu",
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("kind", "members")],
                Some(("file", "rac.xlsx", &b"PK\x03\x04not really a zip"[..])),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    })
    .await;
}

/// Odd URLs typed or tampered with by hand: (path, acceptable statuses).
fn odd_page_urls(app: &TestApp) -> Vec<String> {
    let m = app.fx.members[0].id;
    vec![
        "/dang-vien/abc".to_string(),
        "/dang-vien/99999999999999999999999".to_string(),
        "/dang-vien/-1".to_string(),
        "/dang-vien/abc/sua".to_string(),
        "/don-vi/abc".to_string(),
        format!("/dang-vien/{m}/khong-co"),
        "/dang-vien?trang=abc".to_string(),
        "/dang-vien?don_vi=KHONG-CO".to_string(),
        "/nhap-du-lieu/abc/tep".to_string(),
        "/nhap-du-lieu/999/tep".to_string(),
        "/nhap-du-lieu/mau/khong-co.xlsx".to_string(),
    ]
}

#[tokio::test]
async fn odd_urls_never_cause_a_server_error() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        for url in odd_page_urls(&app) {
            let r = app.page(&url, Some(&b.cookie)).await;
            assert!(
                r.status.is_client_error(),
                "{url}: {} {}",
                r.status,
                r.text()
            );
            if r.status == StatusCode::NOT_FOUND {
                assert!(r.text().contains(NOT_FOUND_TEXT), "{url}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn non_numeric_ids_show_the_vietnamese_not_found_page() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        for url in [
            "/dang-vien/abc",
            "/dang-vien/abc/sua",
            "/don-vi/abc",
            "/nhap-du-lieu/abc/tep",
            "/dang-vien?trang=abc",
        ] {
            let r = app.page(url, Some(&b.cookie)).await;
            assert!(r.status.is_client_error(), "{url}");
            assert!(r.content_type().starts_with("text/html"), "{url}");
            assert!(common::looks_vietnamese(&r.text()), "{url}: {}", r.text());
        }
    })
    .await;
}

#[tokio::test]
async fn huge_page_numbers_on_pages_do_not_overflow() {
    each_backend(|app| async move {
        let b = app.browser("admin.tu").await;
        for url in [
            "/dang-vien?trang=9223372036854775807",
            "/nhat-ky?trang=9223372036854775807",
        ] {
            let r = app.page(url, Some(&b.cookie)).await;
            assert!(!r.status.is_server_error(), "{url}: {}", r.status);
        }
    })
    .await;
}

#[tokio::test]
async fn a_member_who_withdrew_is_labelled_and_leaves_the_list() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let m = app.fx.member("Phạm Quốc Dũng").clone();
        let url = format!("/dang-vien/{}", m.id);
        let page = app.page(&url, Some(&b.cookie)).await.text();
        assert!(
            page.contains("<option value=\"withdrawn\">Xin ra khỏi Đảng</option>"),
            "the status form offers it: {page}"
        );
        let r = app
            .post_form(
                &format!("{url}/trang-thai"),
                Some(&b.cookie),
                &[
                    ("csrf", b.csrf.as_str()),
                    ("status", "withdrawn"),
                    ("date", "2026-11-01"),
                ],
            )
            .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let page = app.page(&url, Some(&b.cookie)).await.text();
        assert!(
            page.contains("<dd>Xin ra khỏi Đảng</dd>"),
            "current status shown: {page}"
        );
        assert!(
            page.contains("<td>01/11/2026</td><td>Xin ra khỏi Đảng</td>"),
            "dated in the history: {page}"
        );
        // Not a current member: listed only when those who left are asked for.
        let list = app
            .page("/dang-vien?don_vi=P1", Some(&b.cookie))
            .await
            .text();
        assert!(!list.contains(&m.name), "{list}");
        let list = app
            .page("/dang-vien?don_vi=P1&ca_da_roi=1", Some(&b.cookie))
            .await
            .text();
        assert!(list.contains(&m.name), "{list}");
        assert!(list.contains("Xin ra khỏi Đảng"), "{list}");
    })
    .await;
}

#[tokio::test]
async fn unit_pages_count_the_members_of_the_whole_subtree() {
    each_backend(|app| async move {
        let admin = app.browser("admin.tu").await;
        let unit_page = |code: &'static str, cookie: String| {
            let app = app.clone();
            async move {
                let r = app
                    .page(&format!("/don-vi/{}", app.fx.unit(code).id), Some(&cookie))
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{code}: {}", r.text());
                r.text()
            }
        };
        // A đảng bộ has no member of its own: its count is that of everything under it.
        let tu = unit_page("TU", admin.cookie.clone()).await;
        assert!(
            tu.contains("<dt>Đảng viên (cả đơn vị trực thuộc)</dt><dd>9</dd>"),
            "{tu}"
        );
        let p1 = unit_page("P1", admin.cookie.clone()).await;
        assert!(
            p1.contains("<dt>Đảng viên (cả đơn vị trực thuộc)</dt><dd>6</dd>"),
            "{p1}"
        );
        let cell = unit_page("P1-C1", admin.cookie.clone()).await;
        assert!(cell.contains("<dt>Đảng viên</dt><dd>3</dd>"), "{cell}");
        // A member sees the size of their cell, not only themselves.
        let member = app.browser("dangvien.p1c1").await;
        let cell = unit_page("P1-C1", member.cookie.clone()).await;
        assert!(cell.contains("<dt>Đảng viên</dt><dd>3</dd>"), "{cell}");

        // An organisation (Mặt trận) under the ward: no "0 members", no member list or member actions.
        let actor = store::Actor::system("test");
        let front = app
            .db
            .units()
            .create_unit(
                &actor,
                None,
                store::UnitInput {
                    code: "P1-MT".into(),
                    name: "Ủy ban MTTQ Phường Một".into(),
                    unit_type: domain::UnitType::Front,
                    parent_code: Some("P1".into()),
                    sort_order: 9,
                    valid_from: Some(common::d(2000, 1, 1)),
                },
            )
            .await
            .unwrap();
        let r = app
            .page(&format!("/don-vi/{}", front.id), Some(&admin.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let org = r.text();
        assert!(
            org.contains("Không có: đảng viên sinh hoạt ở chi bộ, không ở tổ chức này"),
            "{org}"
        );
        assert!(!org.contains("<dd>0</dd>"), "{org}");
        assert!(!org.contains("Danh sách đảng viên"), "{org}");
        assert!(!org.contains("Không có đảng viên nào"), "{org}");

        // A member attached to the ward's committee itself: counted, and shown as "trực tiếp".
        let p = app.principal(&app.token("admin.tu").await).await;
        let input = store::MemberInput {
            full_name: "Trương Văn Tâm".into(),
            card_number: Some("0100099".into()),
            birth_date: Some(common::d(1975, 6, 1)),
            joined_on: Some(common::d(2001, 5, 19)),
            official_on: Some(common::d(2002, 5, 19)),
            ..Default::default()
        };
        app.db
            .members()
            .create_member(&actor, &p, &input, "P1", None)
            .await
            .unwrap();
        let p1 = unit_page("P1", admin.cookie.clone()).await;
        assert!(
            p1.contains(
                "<dt>Đảng viên (cả đơn vị trực thuộc)</dt><dd>7 <span class=\"muted\">(trực tiếp: 1)</span></dd>"
            ),
            "{p1}"
        );
        let tu = unit_page("TU", admin.cookie.clone()).await;
        assert!(
            tu.contains("<dt>Đảng viên (cả đơn vị trực thuộc)</dt><dd>10</dd>"),
            "{tu}"
        );
    })
    .await;
}
