//! The public portal, walked like a crawler over the whole city demo on each backend. Starting at
//! `/cong-khai` and following every link (plain `href`/`src`, no JavaScript), every page answers 200,
//! every portal unit, published registration and public model is reached, and no page or search result
//! holds anything private: members' birth dates, card and citizen numbers and phones, the name and contact
//! citizens left, hidden or spam feedback and hiding reasons, accounts, or links to unpublished
//! registrations and non-public models. Commendation sections hold only decided commendations (no
//! proposal, declined proposal or decline note, no assessment evidence or internal note), and every
//! decided commendation the portal may show is on its page: a portal unit's own, a public model's, and a
//! member's on each of their published registrations.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use sqlx::{Connection, Row};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::process::Command;
use std::sync::Arc;
use tower::ServiceExt;

/// What the portal shows (written here independently of the store): the newest published version of a
/// member's registration for a year.
const PUBLISHED: &str = "r.status = 'published' AND NOT EXISTS (SELECT 1 FROM registrations n \
    WHERE n.member_id = r.member_id AND n.year = r.year AND n.status = 'published' AND n.id > r.id)";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_walk_sqlite() {
    let db = testkit::TestDb::sqlite();
    let dir = db.dir().unwrap();
    load_demo(&["--data-dir", dir.to_str().unwrap()]);
    walk(&store::sqlite_url_for_dir(dir)).await;
    bulletin_command(dir);
}

/// `lamtheo bulletin`: the spoken script on stdout, the Word notice, and a clear exit when audio is
/// impossible.
fn bulletin_command(data: &std::path::Path) {
    let docx = data.join("ban-tin.docx");
    let wav = data.join("ban-tin.wav");
    let out = Command::new(env!("CARGO_BIN_EXE_lamtheo"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "--espeak",
            "/khong-co/espeak-ng",
            "bulletin",
        ])
        .args(["--unit", "SD", "--from", "01/01/2019", "--to", "31/12/2019"])
        .args([
            "--docx",
            docx.to_str().unwrap(),
            "--audio",
            wav.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(3),
        "no audio without espeak-ng: {err}"
    );
    assert!(err.contains("espeak-ng"), "{err}");
    assert!(
        script.starts_with("Kính thưa bà con nhân dân xã Sơn Đông"),
        "{script}"
    );
    assert!(
        script.contains("hai nghìn không trăm mười chín"),
        "{script}"
    );
    assert!(!script.chars().any(|c| c.is_ascii_digit()), "{script}");
    assert_eq!(&std::fs::read(&docx).unwrap()[..2], b"PK");
    assert!(!wav.exists());
    let bad = Command::new(env!("CARGO_BIN_EXE_lamtheo"))
        .args(["--data-dir", data.to_str().unwrap(), "bulletin"])
        .args([
            "--unit",
            "KHONG-CO",
            "--from",
            "01/01/2019",
            "--to",
            "31/12/2019",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("không có đơn vị"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_walk_postgres() {
    // A fresh database `lt_test_<hex>`, dropped at the end even when the walk fails.
    let Some(db) = testkit::TestDb::postgres().await else {
        eprintln!(
            "{} not set: the PostgreSQL walk was not run",
            testkit::PG_ENV
        );
        return;
    };
    load_demo(&["--database-url", db.url()]);
    walk(db.url()).await;
}

fn load_demo(db_args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_lamtheo"))
        .args(db_args)
        .arg("demo")
        .env("LAMTHEO_LOG", "warn")
        .output()
        .expect("run lamtheo demo");
    assert!(
        out.status.success(),
        "lamtheo demo failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What must never appear: exact tokens (numbers, dates) and free texts.
struct Private {
    tokens: HashSet<String>,
    texts: Vec<String>,
    links: HashSet<String>,
    /// Public pages and the decision numbers of the decided commendations each must show.
    commended: HashMap<String, BTreeSet<String>>,
}

/// The decided commendations the portal must show, by page (written here independently of the store):
/// those naming an open portal unit, those linked to a public model, and those naming a member with a
/// published registration (on each of those registrations' pages).
async fn commended_pages(c: &mut sqlx::AnyConnection) -> HashMap<String, BTreeSet<String>> {
    let mut out: HashMap<String, BTreeSet<String>> = HashMap::new();
    let queries = [
        "SELECT '/cong-khai/don-vi/' || u.code AS page, c.decision_number FROM commendations c \
         JOIN commendation_recipients r ON r.commendation_id = c.id JOIN units u ON u.id = r.unit_id \
         WHERE c.state = 'decided' AND u.valid_to IS NULL \
         AND u.unit_type IN ('party_committee', 'grassroots_committee', 'grassroots_cell')"
            .to_string(),
        "SELECT '/cong-khai/mo-hinh/' || CAST(m.id AS TEXT) AS page, c.decision_number FROM commendations c \
         JOIN commendation_models l ON l.commendation_id = c.id JOIN models m ON m.id = l.model_id \
         WHERE c.state = 'decided' AND m.is_public = 1"
            .to_string(),
        format!(
            "SELECT '/cong-khai/dang-ky/' || CAST(r.id AS TEXT) AS page, c.decision_number FROM commendations c \
             JOIN commendation_recipients x ON x.commendation_id = c.id \
             JOIN registrations r ON r.member_id = x.member_id AND {PUBLISHED} \
             WHERE c.state = 'decided'"
        ),
    ];
    for q in queries {
        for r in sqlx::query(&q).fetch_all(&mut *c).await.unwrap() {
            out.entry(r.try_get("page").unwrap())
                .or_default()
                .insert(r.try_get("decision_number").unwrap());
        }
    }
    out
}

/// The texts of a page as a reader sees them (the entities askama writes turned back into characters).
fn unescaped(html: &str) -> String {
    html.replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

async fn private_data(url: &str) -> Private {
    sqlx::any::install_default_drivers();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut tokens = HashSet::new();
    for r in sqlx::query("SELECT birth_date, card_number, citizen_id, phone FROM members")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        for col in ["card_number", "citizen_id", "phone"] {
            if let Some(v) = r.try_get::<Option<String>, _>(col).unwrap() {
                tokens.insert(v);
            }
        }
        if let Some(b) = r.try_get::<Option<String>, _>("birth_date").unwrap() {
            if let Ok(d) = chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d") {
                tokens.insert(d.format("%d/%m/%Y").to_string());
                tokens.insert(b);
            }
        }
    }
    let mut texts = Vec::new();
    let shown: HashSet<String> = sqlx::query(
        "SELECT content FROM feedback WHERE status = 'approved' AND answered_at IS NOT NULL",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("content").unwrap())
    .collect();
    for r in sqlx::query("SELECT name, contact, status, content, hide_reason FROM feedback")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        for col in ["name", "contact"] {
            if let Some(v) = r.try_get::<Option<String>, _>(col).unwrap() {
                if col == "contact" {
                    tokens.insert(v.clone());
                }
                texts.push(v);
            }
        }
        let reason: String = r.try_get("hide_reason").unwrap();
        if !reason.is_empty() {
            texts.push(reason);
        }
        let status: String = r.try_get("status").unwrap();
        let content: String = r.try_get("content").unwrap();
        if matches!(status.as_str(), "hidden" | "spam") && !shown.contains(&content) {
            texts.push(content);
        }
    }
    for r in sqlx::query("SELECT username FROM users")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        let u: String = r.try_get("username").unwrap();
        if u.contains('.') {
            texts.push(u);
        }
    }
    let mut links = HashSet::new();
    for r in sqlx::query(&format!(
        "SELECT id FROM registrations r WHERE NOT ({PUBLISHED})"
    ))
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let id: i64 = r.try_get("id").unwrap();
        links.insert(format!("/cong-khai/dang-ky/{id}"));
    }
    for r in sqlx::query("SELECT id FROM models WHERE is_public = 0")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        let id: i64 = r.try_get("id").unwrap();
        links.insert(format!("/cong-khai/mo-hinh/{id}"));
    }
    // Commendations: what is not a decision (proposals, declined proposals and why), and the internal
    // records of criteria (assessment evidence and notes, classification notes, withdrawals); a text that
    // is also public (a decision's reason, a set's title) is not private.
    let public: HashSet<String> = sqlx::query(
        "SELECT reason AS t FROM commendations WHERE state = 'decided' \
         UNION SELECT title AS t FROM criteria_sets UNION SELECT title AS t FROM unit_classifications",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("t").unwrap())
    .collect();
    for q in [
        "SELECT reason AS t FROM commendations WHERE state <> 'decided'",
        "SELECT decline_note AS t FROM commendations",
        "SELECT evidence AS t FROM criteria_marks",
        "SELECT note AS t FROM criteria_assessments",
        "SELECT note AS t FROM unit_classifications",
        "SELECT withdrawal_reason AS t FROM criteria_recognitions",
    ] {
        for r in sqlx::query(q).fetch_all(&mut c).await.unwrap() {
            let t: String = r.try_get("t").unwrap();
            if !t.trim().is_empty() && !public.contains(&t) {
                texts.push(t);
            }
        }
    }
    let commended = commended_pages(&mut c).await;
    texts.sort();
    texts.dedup();
    texts.retain(|t| t.chars().count() >= 6);
    Private {
        tokens,
        texts,
        links,
        commended,
    }
}

/// Runs of digits and date punctuation ("15/03/1980", "0912345678", "1980-03-15").
fn number_tokens(html: &str) -> impl Iterator<Item = &str> {
    html.split(|c: char| !(c.is_ascii_digit() || matches!(c, '/' | '-' | '.')))
        .map(|t| t.trim_matches(|c: char| matches!(c, '/' | '-' | '.')))
        .filter(|t| t.len() >= 6)
}

fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let link = rest[..end].replace("&amp;", "&");
            let link = link.split('#').next().unwrap_or_default().to_string();
            if link.starts_with("/cong-khai") {
                out.push(link);
            }
        }
    }
    out
}

async fn get(app: &axum::Router, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let resp = app
        .clone()
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, ct, body)
}

fn check(uri: &str, html: &str, p: &Private) {
    for t in number_tokens(html) {
        assert!(!p.tokens.contains(t), "{uri} shows private {t:?}");
    }
    for t in &p.texts {
        assert!(!html.contains(t.as_str()), "{uri} shows private text {t:?}");
    }
    for l in links(html) {
        let path = l.split('?').next().unwrap_or_default();
        assert!(!p.links.contains(path), "{uri} links to unpublished {l}");
    }
}

async fn walk(url: &str) {
    let private = private_data(url).await;
    assert!(
        private.tokens.len() > 10_000,
        "the demo has members with private data"
    );
    assert!(
        !private.links.is_empty(),
        "the demo has unpublished registrations"
    );
    let db = store::Db::open(url, Arc::new(domain::SystemClock))
        .await
        .unwrap();
    let app = web::router(db.clone(), web::WebConfig::default());
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::from(["/cong-khai".to_string()]);
    let mut pages = 0;
    let mut shown_commended = 0;
    while let Some(uri) = queue.pop_front() {
        if !seen.insert(uri.clone()) {
            continue;
        }
        let (status, ct, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri} answered {status}");
        if !ct.starts_with("text/html") {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(body).unwrap();
        check(&uri, &html, &private);
        if let Some(numbers) = private.commended.get(&uri) {
            let text = unescaped(&html);
            assert!(
                text.contains("Khen thưởng, biểu dương"),
                "{uri}: no commendations"
            );
            for n in numbers {
                assert!(
                    text.contains(n.as_str()),
                    "{uri} does not show decision {n}"
                );
            }
            shown_commended += 1;
        }
        for l in links(&html) {
            if !seen.contains(&l) {
                queue.push_back(l);
            }
        }
    }
    // Every page that must show a decided commendation was reached (and showed it).
    for page in private.commended.keys() {
        assert!(
            seen.contains(page),
            "{page} (with a commendation) not reachable"
        );
    }
    assert!(
        !private.commended.is_empty() && shown_commended == private.commended.len(),
        "the demo's commendations are on the portal ({shown_commended} pages)"
    );
    // Everything public was reached from the home page.
    let portal = db.portal();
    let mut c = sqlx::AnyConnection::connect(url).await.unwrap();
    let units: Vec<String> = sqlx::query(
        "SELECT code FROM units WHERE unit_type IN ('party_committee', 'grassroots_committee', 'grassroots_cell') \
         AND valid_to IS NULL",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    .iter()
    .map(|r| r.try_get("code").unwrap())
    .collect();
    assert!(units.len() > 20);
    for code in &units {
        assert!(
            seen.contains(&format!("/cong-khai/don-vi/{code}")),
            "unit {code} not reachable"
        );
    }
    let published: Vec<i64> =
        sqlx::query(&format!("SELECT id FROM registrations r WHERE {PUBLISHED}"))
            .fetch_all(&mut c)
            .await
            .unwrap()
            .iter()
            .map(|r| r.try_get("id").unwrap())
            .collect();
    assert!(
        published.len() > 100,
        "the demo publishes heads' registrations"
    );
    for id in &published {
        assert!(
            seen.contains(&format!("/cong-khai/dang-ky/{id}")),
            "registration {id} not reachable"
        );
    }
    for m in portal
        .search_docs()
        .await
        .unwrap()
        .iter()
        .filter(|d| d.kind == "model")
    {
        assert!(seen.contains(&m.href), "{} not reachable", m.href);
    }
    // Unpublished registrations are not found even by address.
    for l in private.links.iter().take(50) {
        assert_eq!(get(&app, l).await.0, StatusCode::NOT_FOUND, "{l}");
    }
    // Search results: every unit's name, and words that match many registrations.
    let mut queries: Vec<String> = units.iter().take(80).map(|c| c.to_string()).collect();
    for q in [
        "bi thu",
        "Bí thư",
        "đường",
        "duong",
        "mo hinh",
        "ho ngheo",
        "0912",
        "1980",
        "nguyen van",
    ] {
        queries.push(q.to_string());
    }
    for name in sqlx::query("SELECT name FROM units WHERE unit_type = 'grassroots_committee'")
        .fetch_all(&mut c)
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String, _>("name").unwrap())
    {
        queries.push(name);
    }
    let mut hits = 0;
    for q in &queries {
        let uri = format!(
            "/cong-khai/tim-kiem?q={}",
            url::form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
        );
        let (status, _, body) = get(&app, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        let html = String::from_utf8(body).unwrap();
        check(&uri, &html, &private);
        for l in links(&html) {
            if l.starts_with("/cong-khai/dang-ky/") || l.starts_with("/cong-khai/mo-hinh/") {
                hits += 1;
                assert!(seen.contains(&l), "search result {l} is not a public page");
            }
        }
    }
    assert!(
        hits > 50,
        "searches found published content ({hits} results)"
    );
    eprintln!(
        "walked {pages} portal pages ({} addresses), {} searches, {hits} results",
        seen.len(),
        queries.len()
    );
    db.close().await;
}
