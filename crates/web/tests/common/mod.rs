//! Shared harness of the web crate's HTTP tests: a fixture database (SQLite in a temp dir always, and
//! PostgreSQL when `LAMTHEO_TEST_DATABASE_URL` is set; both from `testkit`), the router driven in-process
//! with `oneshot`, and small helpers for API tokens, browser sessions, forms and multipart uploads.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use chrono::NaiveDate;
use domain::policy::Principal;
use domain::{Gender, Role, Unit, UnitType};
use serde_json::Value;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use store::{Actor, Db, MemberInput, NewAccount, UnitInput};
use tower::ServiceExt;

/// The fixed "now" of every test: 2026-11-27T03:00:00Z (10:00 in Hà Nội).
pub use testkit::FixedClock;

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// Same password for every fixture account: ≥ 10 chars, letters and digits.
pub const PASSWORD: &str = "MatKhau2026thu";

/// Units: (code, name, type, parent).
pub const UNITS: [(&str, &str, UnitType, Option<&str>); 6] = [
    ("TU", "Thành ủy Thử Nghiệm", UnitType::PartyCommittee, None),
    (
        "P1",
        "Đảng bộ Phường Một",
        UnitType::GrassrootsCommittee,
        Some("TU"),
    ),
    (
        "P2",
        "Đảng bộ Phường Hai",
        UnitType::GrassrootsCommittee,
        Some("TU"),
    ),
    ("P1-C1", "Chi bộ Khu phố Một A", UnitType::Cell, Some("P1")),
    ("P1-C2", "Chi bộ Khu phố Một B", UnitType::Cell, Some("P1")),
    ("P2-C1", "Chi bộ Khu phố Hai A", UnitType::Cell, Some("P2")),
];

/// Members: (cell, full name, gender). No name is a substring of another, folded or not.
pub const MEMBERS: [(&str, &str, Gender); 9] = [
    ("P1-C1", "Nguyễn Văn Bình", Gender::Male),
    ("P1-C1", "Trần Thị Mai", Gender::Female),
    ("P1-C1", "Lê Hoàng Phúc", Gender::Male),
    ("P1-C2", "Nguyễn Thị Hồng", Gender::Female),
    ("P1-C2", "Phạm Quốc Dũng", Gender::Male),
    ("P1-C2", "Đặng Minh Khôi", Gender::Male),
    ("P2-C1", "Nguyễn Hữu Thắng", Gender::Male),
    ("P2-C1", "Võ Thị Lan", Gender::Female),
    ("P2-C1", "Huỳnh Tấn Lộc", Gender::Male),
];

/// Accounts: (username, role, unit). The member account is linked to the first member of P1-C1.
pub const USERS: [(&str, Role, &str); 6] = [
    ("admin.tu", Role::Admin, "TU"),
    ("office.tu", Role::Office, "TU"),
    ("bithu.p1", Role::Secretary, "P1"),
    ("bithu.p1c1", Role::Secretary, "P1-C1"),
    ("kiemtra.tu", Role::Inspector, "TU"),
    ("dangvien.p1c1", Role::Member, "P1-C1"),
];

pub const MEMBER_ACCOUNT_MEMBER: &str = "Nguyễn Văn Bình";

#[derive(Debug, Clone)]
pub struct FxMember {
    pub id: i64,
    pub name: String,
    pub unit_code: String,
    pub unit_path: String,
    pub card: String,
    pub phone: String,
}

#[derive(Clone)]
pub struct Fixture {
    pub units: HashMap<String, Unit>,
    pub members: Vec<FxMember>,
}

impl Fixture {
    pub fn unit(&self, code: &str) -> &Unit {
        &self.units[code]
    }
    pub fn member(&self, name: &str) -> &FxMember {
        self.members.iter().find(|m| m.name == name).unwrap()
    }
    pub fn members_in(&self, code: &str) -> Vec<&FxMember> {
        let path = &self.unit(code).path;
        self.members
            .iter()
            .filter(|m| m.unit_path.starts_with(path.as_str()))
            .collect()
    }
}

/// A response, fully read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}); status {}, body: {}",
                self.status,
                self.text()
            )
        })
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or_default()
    }
    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }
    /// Value of a cookie set by this response (None if not set).
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.set_cookies().iter().find_map(|c| {
            let first = c.split(';').next()?;
            let (k, v) = first.split_once('=')?;
            (k.trim() == name).then(|| v.trim().to_string())
        })
    }
    /// Asserts a JSON problem document with a Vietnamese detail, and returns it.
    pub fn assert_problem(&self, ctx: &str) -> Value {
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "{ctx}: content-type {:?}, status {}, body {}",
            self.content_type(),
            self.status,
            self.text()
        );
        let v = self.json();
        let detail = v["detail"].as_str().unwrap_or_default();
        assert!(
            looks_vietnamese(detail),
            "{ctx}: detail is not Vietnamese: {detail:?}"
        );
        assert_eq!(
            v["status"].as_u64(),
            Some(u64::from(self.status.as_u16())),
            "{ctx}: problem status"
        );
        v
    }
}

/// True when the text carries Vietnamese letters (a cheap but effective check for our messages).
pub fn looks_vietnamese(s: &str) -> bool {
    const MARKS: &str = "ăâđêôơưáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵĐ";
    !s.is_empty()
        && s.chars()
            .any(|c| MARKS.contains(c.to_lowercase().next().unwrap_or(c)))
}

/// A test application: the database with the fixture and the router over it.
#[derive(Clone)]
pub struct TestApp {
    pub db: Db,
    pub router: Router,
    pub fx: Fixture,
    pub backend: &'static str,
}

impl TestApp {
    async fn build(url: &str, backend: &'static str) -> TestApp {
        let db = Db::open(url, Arc::new(FixedClock))
            .await
            .unwrap_or_else(|e| panic!("cannot open {backend} test database: {e}"));
        let fx = load_fixture(&db).await;
        let router = web::router(db.clone(), web::WebConfig::default());
        TestApp {
            db,
            router,
            fx,
            backend,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
            .await
            .unwrap()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }

    /// A raw request with optional bearer token, content type and body.
    pub async fn raw(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        content_type: Option<&str>,
        body: Vec<u8>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        if let Some(ct) = content_type {
            b = b.header(header::CONTENT_TYPE, ct);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// An API call with a JSON body (or none).
    pub async fn api(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Resp {
        match body {
            Some(v) => {
                self.raw(
                    method,
                    uri,
                    token,
                    Some("application/json"),
                    v.to_string().into_bytes(),
                )
                .await
            }
            None => self.raw(method, uri, token, None, Vec::new()).await,
        }
    }

    pub async fn get(&self, uri: &str, token: Option<&str>) -> Resp {
        self.api(Method::GET, uri, token, None).await
    }

    /// `POST /api/v1/auth/token` for a fixture user.
    pub async fn token(&self, username: &str) -> String {
        let r = self
            .api(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&serde_json::json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "token for {username}: {}",
            r.text()
        );
        r.json()["token"].as_str().unwrap().to_string()
    }

    /// The principal behind a token, from `GET /api/v1/me` plus the unit path from the store.
    pub async fn principal(&self, token: &str) -> Principal {
        let me = self.get("/api/v1/me", Some(token)).await;
        assert_eq!(me.status, StatusCode::OK, "/me: {}", me.text());
        let me = me.json();
        let unit = self.fx.unit(me["unit_code"].as_str().unwrap());
        Principal {
            user_id: me["id"].as_i64().unwrap(),
            username: me["username"].as_str().unwrap().to_string(),
            role: Role::parse(me["role"].as_str().unwrap()).unwrap(),
            unit_id: unit.id,
            unit_path: unit.path.clone(),
            member_id: me["member_id"].as_i64(),
        }
    }

    /// A page request with an optional session cookie (and any other cookies).
    pub async fn page(&self, uri: &str, cookie: Option<&str>) -> Resp {
        let mut b = Request::builder().method(Method::GET).uri(uri);
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A urlencoded form POST with an optional cookie header.
    pub async fn post_form(
        &self,
        uri: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
    ) -> Resp {
        let form = {
            let mut s = url::form_urlencoded::Serializer::new(String::new());
            for (k, v) in fields {
                s.append_pair(k, v);
            }
            s.finish()
        };
        let mut b = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(form)).unwrap()).await
    }

    /// A multipart/form-data POST: text fields, then an optional file field.
    pub async fn post_multipart(
        &self,
        uri: &str,
        cookie: Option<&str>,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Resp {
        let boundary = "----lamtheoTestBoundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((field, filename, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut b = Request::builder().method(Method::POST).uri(uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// A form POST from a signed-in browser: its session cookie and CSRF field, then `fields`.
    pub async fn form(&self, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("csrf", b.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form(uri, Some(&b.cookie), &all).await
    }

    /// An account as stored now.
    pub async fn account(&self, username: &str) -> store::Account {
        self.db
            .accounts()
            .account_by_username(username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no account {username}"))
    }

    /// The login form: (prelogin cookie, csrf field).
    pub async fn login_form(&self) -> (String, String) {
        let r = self.page("/dang-nhap", None).await;
        assert_eq!(r.status, StatusCode::OK);
        let pre = r
            .cookie(web::auth::PRELOGIN_COOKIE)
            .expect("prelogin cookie");
        let csrf = hidden_field(&r.text(), "csrf").expect("csrf field on the login page");
        (pre, csrf)
    }

    /// Submits the login form; returns the raw response.
    pub async fn login_submit(
        &self,
        username: &str,
        password: &str,
        extra_cookie: Option<&str>,
    ) -> Resp {
        let (pre, csrf) = self.login_form().await;
        let mut cookie = format!("{}={pre}", web::auth::PRELOGIN_COOKIE);
        if let Some(c) = extra_cookie {
            cookie = format!("{cookie}; {c}");
        }
        self.post_form(
            "/dang-nhap",
            Some(&cookie),
            &[
                ("username", username),
                ("password", password),
                ("csrf", &csrf),
                ("next", "/"),
            ],
        )
        .await
    }

    /// Logs a fixture user in through the browser form.
    pub async fn browser(&self, username: &str) -> Browser {
        let r = self.login_submit(username, PASSWORD, None).await;
        assert!(
            r.status.is_redirection(),
            "login of {username} answered {}: {}",
            r.status,
            r.text()
        );
        let session = r
            .cookie(web::auth::SESSION_COOKIE)
            .expect("session cookie after login");
        let cookie = format!("{}={session}", web::auth::SESSION_COOKIE);
        let page = self.page("/dang-vien", Some(&cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let csrf = hidden_field(&page.text(), "csrf").expect("csrf in the page");
        Browser {
            session,
            cookie,
            csrf,
        }
    }

    /// Current state of a member straight from the store (no scope), as JSON for comparisons.
    pub async fn member_state(&self, id: i64) -> Value {
        let (m, path) = self
            .db
            .members()
            .member_unscoped(id)
            .await
            .unwrap()
            .unwrap();
        serde_json::json!({"member": m, "path": path})
    }

    pub async fn member_count(&self) -> i64 {
        self.db.members().member_count().await.unwrap()
    }

    /// Number of audit rows visible to the admin (the whole tree).
    pub async fn audit_total(&self) -> i64 {
        let root = self.fx.unit("TU");
        let p = Principal {
            user_id: 0,
            username: "test".into(),
            role: Role::Admin,
            unit_id: root.id,
            unit_path: root.path.clone(),
            member_id: None,
        };
        let f = store::AuditFilter {
            page: 1,
            per_page: 1,
            ..Default::default()
        };
        self.db.audit().list_audit(&p, &f).await.unwrap().1
    }
}

/// A signed-in browser.
#[derive(Debug, Clone)]
pub struct Browser {
    pub session: String,
    /// `lamtheo_session=…`, ready for a Cookie header.
    pub cookie: String,
    pub csrf: String,
}

/// The value of the first `<input … name="NAME" value="…">` in a page.
pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_string())
}

async fn load_fixture(db: &Db) -> Fixture {
    let actor = Actor::system("test");
    let mut units = HashMap::new();
    for (i, (code, name, unit_type, parent)) in UNITS.iter().enumerate() {
        let u = db
            .units()
            .create_unit(
                &actor,
                None,
                UnitInput {
                    code: (*code).to_string(),
                    name: (*name).to_string(),
                    unit_type: *unit_type,
                    parent_code: parent.map(str::to_string),
                    sort_order: i as i64,
                    valid_from: Some(d(2000, 1, 1)),
                },
            )
            .await
            .unwrap();
        units.insert((*code).to_string(), u);
    }
    let root = &units["TU"];
    let loader = Principal {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let mut members = Vec::new();
    for (i, (cell, name, gender)) in MEMBERS.iter().enumerate() {
        let n = i + 1;
        let card = format!("01000{n:02}");
        let phone = format!("09030000{n:02}");
        let input = MemberInput {
            full_name: (*name).to_string(),
            gender: Some(*gender),
            birth_date: Some(d(1980, 1, n as u32)),
            card_number: Some(card.clone()),
            citizen_id: Some(format!("0790800000{n:02}")),
            joined_on: Some(d(2010, 3, n as u32)),
            official_on: Some(d(2011, 3, n as u32)),
            phone: Some(phone.clone()),
            positions: if n % 3 == 1 {
                vec![domain::member::PositionInput::new("Bí thư Chi bộ", "")]
            } else {
                Vec::new()
            },
        };
        let m = db
            .members()
            .create_member(&actor, &loader, &input, cell, None)
            .await
            .unwrap();
        members.push(FxMember {
            id: m.id,
            name: m.full_name.clone(),
            unit_code: (*cell).to_string(),
            unit_path: units[*cell].path.clone(),
            card,
            phone,
        });
    }
    let linked = members
        .iter()
        .find(|m| m.name == MEMBER_ACCOUNT_MEMBER)
        .unwrap()
        .id;
    for (username, role, unit) in USERS {
        db.accounts()
            .create_account(
                &actor,
                None,
                &NewAccount {
                    username: username.to_string(),
                    password: PASSWORD.to_string(),
                    role,
                    unit_code: unit.to_string(),
                    member_id: (role == Role::Member).then_some(linked),
                    display_name: format!("Tài khoản {username}"),
                },
            )
            .await
            .unwrap();
    }
    Fixture { units, members }
}

/// A 2026 registration of `member_id` with one item, entered and submitted by `p` (waiting for approval).
pub async fn submitted(app: &TestApp, p: &Principal, member_id: i64) -> store::Registration {
    let items = vec![store::ItemInput::new(
        "Vận động 12 hộ trong khu phố lắp đèn chiếu sáng hẻm 5 trước Tết",
        "Công tác dân vận",
        "12 hộ",
        Some(d(2026, 12, 31)),
    )];
    let cli = Actor::system("test");
    let r = app
        .db
        .registrations()
        .create_registration(&cli, p, member_id, 2026, &items)
        .await
        .unwrap();
    app.db
        .registrations()
        .registration_action(&cli, p, r.id, domain::registration::Action::Submit, "", &[])
        .await
        .unwrap()
}

/// Publishes a 2019 registration of "Nguyễn Văn Bình" (cell P1-C1); returns its id.
pub async fn published(app: &TestApp) -> i64 {
    let db = app
        .db
        .clone()
        .with_disclosure(domain::registration::Disclosure::All);
    let sec = app.principal(&app.token("bithu.p1c1").await).await;
    let ward = app.principal(&app.token("bithu.p1").await).await;
    let member = app.fx.member("Nguyễn Văn Bình").id;
    let items = vec![
        store::ItemInput::new(
            "Vận động 12 hộ trong khu phố lắp đèn chiếu sáng hẻm 5 trước Tết",
            "Công tác dân vận",
            "12 hộ",
            Some(d(2019, 12, 31)),
        ),
        store::ItemInput::new(
            "Kèm cặp hai đảng viên mới viết bản đăng ký làm theo gắn với công việc",
            "Công tác đảng",
            "02 đảng viên",
            Some(d(2019, 6, 30)),
        ),
    ];
    let cli = Actor::system("test");
    let r = db
        .registrations()
        .create_registration(&cli, &sec, member, 2019, &items)
        .await
        .unwrap();
    db.registrations()
        .registration_action(
            &cli,
            &sec,
            r.id,
            domain::registration::Action::Submit,
            "",
            &[],
        )
        .await
        .unwrap();
    // A head's registration is approved one level up.
    let approver = if r.head { &ward } else { &sec };
    db.registrations()
        .registration_action(
            &cli,
            approver,
            r.id,
            domain::registration::Action::Approve,
            "",
            &[],
        )
        .await
        .unwrap();
    db.registrations()
        .registration_action(
            &cli,
            &ward,
            r.id,
            domain::registration::Action::Publish,
            "",
            &[],
        )
        .await
        .unwrap()
        .id
}

/// Runs `test` on a fresh SQLite database, then — when `LAMTHEO_TEST_DATABASE_URL` is set — on a fresh
/// PostgreSQL database that is dropped afterwards (also when the test fails).
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let test = &test;
    testkit::each_backend(|url, backend| async move {
        let app = TestApp::build(&url, backend).await;
        let db = app.db.clone();
        let outcome = tokio::spawn(test(app)).await;
        db.close().await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    })
    .await;
}

/// A database of its own with one cell, one member and an admin, and a 2016 registration of that member
/// whose pledge against the 27 manifestations was added on 05/12/2016, after Nghị quyết Trung ương 4 khóa
/// XII (30/10/2016), like the demo's 2016 registrations. The date is written straight into the table:
/// only the demo loader sets it. Returns the app and the registration's id.
pub async fn pledged_later(url: &str, backend: &'static str) -> (TestApp, i64) {
    use domain::{Role, UnitType};
    let db = store::Db::open(url, std::sync::Arc::new(FixedClock))
        .await
        .unwrap();
    let actor = Actor::system("test");
    let mut units = std::collections::HashMap::new();
    for (code, name, unit_type, parent) in [
        (
            "DB",
            "Đảng bộ Phường Bảy",
            UnitType::GrassrootsCommittee,
            None,
        ),
        ("DB-C1", "Chi bộ Khu phố Một", UnitType::Cell, Some("DB")),
    ] {
        let u = db
            .units()
            .create_unit(
                &actor,
                None,
                store::UnitInput {
                    code: code.into(),
                    name: name.into(),
                    unit_type,
                    parent_code: parent.map(str::to_string),
                    sort_order: 0,
                    valid_from: Some(d(2000, 1, 1)),
                },
            )
            .await
            .unwrap();
        units.insert(code.to_string(), u);
    }
    let root = &units["DB"];
    let admin = domain::policy::Principal {
        user_id: 0,
        username: "test".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let input = store::MemberInput {
        full_name: "Trần Thị Thu Hà".into(),
        card_number: Some("0200001".into()),
        birth_date: Some(d(1980, 5, 1)),
        joined_on: Some(d(2005, 3, 1)),
        official_on: Some(d(2006, 3, 1)),
        ..Default::default()
    };
    let m = db
        .members()
        .create_member(&actor, &admin, &input, "DB-C1", None)
        .await
        .unwrap();
    db.accounts()
        .create_account(
            &actor,
            None,
            &store::NewAccount {
                username: "admin.db".into(),
                password: PASSWORD.into(),
                role: Role::Admin,
                unit_code: "DB".into(),
                member_id: None,
                display_name: "Quản trị".into(),
            },
        )
        .await
        .unwrap();
    let items = [store::ItemInput::new(
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1",
        "Công tác dân vận",
        "15 hộ",
        Some(d(2016, 12, 31)),
    )];
    let r = db
        .registrations()
        .create_registration(&actor, &admin, m.id, 2016, &items)
        .await
        .unwrap();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(url).await.unwrap();
    // 05/12/2016 in Vietnam.
    sqlx::query("UPDATE registrations SET pledged_at = $1 WHERE id = $2")
        .bind("2016-12-05T02:00:00Z")
        .bind(r.id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let fx = Fixture {
        units,
        members: Vec::new(),
    };
    let router = web::router(db.clone(), web::WebConfig::default());
    let app = TestApp {
        db,
        router,
        fx,
        backend,
    };
    (app, r.id)
}
