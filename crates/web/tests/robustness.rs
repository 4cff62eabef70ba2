//! Hostile and clumsy input to the API: malformed JSON, wrong types, huge numbers, impossible dates,
//! non-numeric ids, garbage uploads. Every answer is a 4xx JSON problem with a Vietnamese `detail` —
//! never a 5xx, never a panic — and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, looks_vietnamese, TestApp};

/// One request that must be refused cleanly.
struct Probe {
    method: Method,
    uri: String,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

fn probe(method: Method, uri: impl Into<String>, body: &str) -> Probe {
    Probe {
        method,
        uri: uri.into(),
        content_type: (!body.is_empty()).then_some("application/json"),
        body: body.as_bytes().to_vec(),
    }
}

fn raw(method: Method, uri: impl Into<String>, ct: Option<&'static str>, body: &[u8]) -> Probe {
    Probe {
        method,
        uri: uri.into(),
        content_type: ct,
        body: body.to_vec(),
    }
}

/// Sends every probe with `token`; returns a description of each answer that is not a 4xx problem
/// document with a Vietnamese detail.
async fn failures(app: &TestApp, token: &str, probes: Vec<Probe>) -> Vec<String> {
    let mut out = Vec::new();
    for p in probes {
        let ctx = format!(
            "{} {} [{}]",
            p.method,
            p.uri,
            String::from_utf8_lossy(&p.body[..p.body.len().min(60)])
        );
        let r = app
            .raw(p.method, &p.uri, Some(token), p.content_type, p.body)
            .await;
        let problem = r.content_type().starts_with("application/problem+json");
        let detail = if problem {
            serde_json::from_slice::<serde_json::Value>(&r.body)
                .ok()
                .and_then(|v| v["detail"].as_str().map(str::to_string))
                .unwrap_or_default()
        } else {
            String::new()
        };
        if !r.status.is_client_error() || !problem || !looks_vietnamese(&detail) {
            let text = r.text();
            out.push(format!(
                "{ctx} → {} {:?}: {}",
                r.status,
                r.content_type(),
                &text[..text.len().min(200)]
            ));
        }
    }
    out
}

/// Runs probes as the admin and checks that nothing was written.
async fn assert_all_refused(app: &TestApp, probes: Vec<Probe>) {
    let token = app.token("admin.tu").await;
    let members = app.member_count().await;
    let audit = app.audit_total().await;
    let units = app
        .db
        .units()
        .list_units(&admin_principal(app), None, None)
        .await
        .unwrap()
        .len();
    let bad = failures(app, &token, probes).await;
    assert!(
        bad.is_empty(),
        "{} answers were not 4xx problem+json with a Vietnamese detail:\n{}",
        bad.len(),
        bad.join("\n")
    );
    assert_eq!(app.member_count().await, members, "members written");
    assert_eq!(app.audit_total().await, audit, "audit rows written");
    assert_eq!(
        app.db
            .units()
            .list_units(&admin_principal(app), None, None)
            .await
            .unwrap()
            .len(),
        units
    );
    for m in &app.fx.members {
        let state = app.member_state(m.id).await;
        assert_eq!(
            state["member"]["phone"],
            serde_json::json!(m.phone),
            "{}",
            m.name
        );
        assert_eq!(state["member"]["status"], "active", "{}", m.name);
    }
}

fn admin_principal(app: &TestApp) -> domain::policy::Principal {
    let root = app.fx.unit("TU");
    domain::policy::Principal {
        user_id: 0,
        username: "test".into(),
        role: domain::Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    }
}

fn nested_json(depth: usize) -> String {
    format!("{}{}", "[".repeat(depth), "]".repeat(depth))
}

#[tokio::test]
async fn malformed_and_mistyped_json_is_refused() {
    each_backend(|app| async move {
        let id = app.fx.members[0].id;
        let m = format!("/api/v1/members/{id}");
        let deep = nested_json(100_000);
        let post = Method::POST;
        let patch = Method::PATCH;
        let probes = vec![
            // Not JSON, or not an object.
            probe(post.clone(), "/api/v1/members", "{\"full_name\": "),
            probe(post.clone(), "/api/v1/members", "{\"unit_code\": \"P1-C1\",}"),
            probe(post.clone(), "/api/v1/members", "[]"),
            probe(post.clone(), "/api/v1/members", "\"Nguyễn\""),
            probe(post.clone(), "/api/v1/members", "null"),
            probe(post.clone(), "/api/v1/members", &deep),
            probe(patch.clone(), &m, "[1, 2, 3]"),
            probe(patch.clone(), &m, "42"),
            probe(patch.clone(), &m, &deep),
            probe(patch.clone(), &m, "{\"phone\": \"0912000111\"} trailing"),
            raw(patch.clone(), &m, Some("application/json"), b"{\"phone\": \"\xff\xfe\"}"),
            raw(patch.clone(), &m, Some("text/plain"), b"{\"phone\": \"0912000111\"}"),
            raw(patch.clone(), &m, None, b"{\"phone\": \"0912000111\"}"),
            raw(patch.clone(), &m, Some("application/json"), b""),
            // Wrong types.
            probe(patch.clone(), &m, "{\"phone\": 912000111}"),
            probe(patch.clone(), &m, "{\"phone\": true}"),
            probe(patch.clone(), &m, "{\"full_name\": [\"Nguyễn\"]}"),
            probe(patch.clone(), &m, "{\"full_name\": null}"),
            probe(patch.clone(), &m, "{\"positions\": \"Bí thư\"}"),
            probe(patch.clone(), &m, "{\"positions\": [1, 2]}"),
            probe(patch.clone(), &m, "{\"gender\": \"khác\"}"),
            probe(patch.clone(), &m, "{\"khong_co\": 1}"),
            probe(post.clone(), "/api/v1/members", "{\"unit_code\": 5}"),
            probe(post.clone(), "/api/v1/members", "{\"full_name\": \"Ngô Văn Tý\"}"),
            probe(
                post.clone(),
                format!("{m}/transfer"),
                "{\"unit_code\": 1, \"date\": \"2026-11-20\"}",
            ),
            probe(post.clone(), format!("{m}/transfer"), "{\"date\": \"2026-11-20\"}"),
            probe(post.clone(), format!("{m}/status"), "{\"status\": [], \"date\": 1}"),
            probe(
                post.clone(),
                format!("{m}/status"),
                "{\"status\": \"bay_hoi\", \"date\": \"2026-11-20\"}",
            ),
            probe(post.clone(), "/api/v1/auth/token", "{\"username\": 1, \"password\": 2}"),
            probe(post.clone(), "/api/v1/auth/token", "username=admin"),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"moi.tk\", \"password\": \"MatKhau2026x\", \"role\": \"vua\", \"unit_code\": \"TU\"}",
            ),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"moi.tk\", \"password\": \"ngan\", \"role\": \"office\", \"unit_code\": \"TU\"}",
            ),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"Tên Có Dấu\", \"password\": \"MatKhau2026x\", \"role\": \"office\", \"unit_code\": \"KHONG-CO\"}",
            ),
            // Huge numbers.
            probe(patch.clone(), &m, "{\"phone\": 1e999}"),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"moi.tk\", \"password\": \"MatKhau2026x\", \"role\": \"member\", \"unit_code\": \"TU\", \"member_id\": 99999999999999999999999}",
            ),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"moi.tk\", \"password\": \"MatKhau2026x\", \"role\": \"member\", \"unit_code\": \"TU\", \"member_id\": -9223372036854775808}",
            ),
            probe(
                post.clone(),
                "/api/v1/accounts",
                "{\"username\": \"moi.tk\", \"password\": \"MatKhau2026x\", \"role\": \"member\", \"unit_code\": \"TU\", \"member_id\": 1.5}",
            ),
            probe(patch.clone(), &m, "{\"phone\": \"99999999999999999999999999999\"}"),
            probe(patch.clone(), &m, "{\"card_number\": \"123456789012345678901234567890\"}"),
        ];
        assert_all_refused(&app, probes).await;
    })
    .await;
}

#[tokio::test]
async fn impossible_dates_are_refused() {
    each_backend(|app| async move {
        let id = app.fx.members[1].id;
        let m = format!("/api/v1/members/{id}");
        let post = Method::POST;
        let patch = Method::PATCH;
        let mut probes = Vec::new();
        for date in [
            "2020-02-31",
            "2021-02-29",
            "2020-13-01",
            "2020-00-10",
            "31/12/2020",
            "2020-1-1x",
            "",
            "hôm qua",
            "9999999999-01-01",
            "262143-12-31",
            "+262143-12-31",
        ] {
            probes.push(probe(
                patch.clone(),
                &m,
                &format!("{{\"joined_on\": \"{date}\", \"official_on\": \"{date}\", \"birth_date\": \"{date}\"}}")
                    .replace("\"\"", "\"x\""),
            ));
            probes.push(probe(
                post.clone(),
                format!("{m}/transfer"),
                &format!("{{\"unit_code\": \"P1-C2\", \"date\": \"{date}\"}}"),
            ));
            probes.push(probe(
                post.clone(),
                format!("{m}/status"),
                &format!("{{\"status\": \"exempt\", \"date\": \"{date}\"}}"),
            ));
            let q: String = url::form_urlencoded::byte_serialize(date.as_bytes()).collect();
            if !date.is_empty() {
                probes.push(probe(Method::GET, format!("/api/v1/audit?from={q}"), ""));
                probes.push(probe(Method::GET, format!("/api/v1/audit?to={q}"), ""));
            }
        }
        // Dates that parse but break the rules.
        for body in [
            "{\"joined_on\": \"2015-05-10\", \"official_on\": \"2014-01-01\"}",
            "{\"birth_date\": \"2030-01-01\"}",
            "{\"joined_on\": \"2027-01-01\"}",
            "{\"birth_date\": \"2000-01-01\", \"joined_on\": \"2010-01-01\"}",
        ] {
            probes.push(probe(patch.clone(), &m, body));
        }
        probes.push(probe(
            post.clone(),
            format!("{m}/transfer"),
            "{\"unit_code\": \"P1-C2\", \"date\": \"2027-06-01\"}",
        ));
        probes.push(probe(
            post.clone(),
            format!("{m}/transfer"),
            "{\"unit_code\": \"P1-C2\", \"date\": \"1990-01-01\"}",
        ));
        probes.push(probe(
            post.clone(),
            "/api/v1/members",
            "{\"unit_code\": \"P1-C1\", \"full_name\": \"Ngô Văn Tý\", \"card_number\": \"0300001\", \"since\": \"2020-02-30\"}",
        ));
        assert_all_refused(&app, probes).await;
    })
    .await;
}

#[tokio::test]
async fn negative_years_are_refused() {
    each_backend(|app| async move {
        let id = app.fx.members[1].id;
        let m = format!("/api/v1/members/{id}");
        let mut probes = Vec::new();
        for date in ["-2020-01-01", "-0001-12-31"] {
            probes.push(probe(
                Method::POST,
                format!("{m}/status"),
                &format!("{{\"status\": \"exempt\", \"date\": \"{date}\"}}"),
            ));
            probes.push(probe(
                Method::PATCH,
                &m,
                &format!("{{\"birth_date\": \"{date}\"}}"),
            ));
        }
        assert_all_refused(&app, probes).await;
    })
    .await;
}

#[tokio::test]
async fn unknown_ids_and_bad_queries_are_refused() {
    each_backend(|app| async move {
        let get = Method::GET;
        let probes = vec![
            probe(get.clone(), "/api/v1/members/0", ""),
            probe(get.clone(), "/api/v1/members/-1", ""),
            probe(get.clone(), "/api/v1/members/9223372036854775807", ""),
            probe(get.clone(), "/api/v1/members/123456789/history", ""),
            probe(get.clone(), "/api/v1/units/987654321", ""),
            probe(
                Method::PATCH,
                "/api/v1/members/987654321",
                "{\"phone\": \"0912000111\"}",
            ),
            probe(get.clone(), "/api/v1/members?unit=KHONG-CO", ""),
            probe(get.clone(), "/api/v1/units?unit=KHONG-CO", ""),
            probe(get.clone(), "/api/v1/export/members?format=pdf", ""),
            probe(
                get.clone(),
                "/api/v1/export/members?unit=KHONG-CO&format=csv",
                "",
            ),
        ];
        assert_all_refused(&app, probes).await;
        // Odd but harmless queries answer 200 with an empty or clamped result.
        let token = app.token("admin.tu").await;
        for uri in [
            "/api/v1/members?q=%25%25%25",
            "/api/v1/members?q=_",
            "/api/v1/members?q=%27%3B%20DROP%20TABLE%20members%3B--",
            "/api/v1/members?q=%FF%FE",
            "/api/v1/members?page=0&per_page=0",
            "/api/v1/members?page=-5&per_page=-5",
            "/api/v1/members?per_page=100000",
            "/api/v1/members?page=1000000",
            "/api/v1/audit?per_page=100000&page=-1",
        ] {
            let r = app.get(uri, Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
            assert!(r.json()["items"].is_array(), "{uri}");
        }
        let long = format!("/api/v1/members?q={}", "a".repeat(20_000));
        assert_eq!(app.get(&long, Some(&token)).await.status, StatusCode::OK);
        assert_eq!(app.member_count().await, app.fx.members.len() as i64);
    })
    .await;
}

#[tokio::test]
async fn garbage_uploads_are_refused() {
    each_backend(|app| async move {
        let mut probes = Vec::new();
        let garbage: Vec<&[u8]> = vec![
            b"",
            b"\x00\x01\x02\x03\xff\xfe\xfd",
            b"PK\x03\x04\x14\x00\x00\x00\x08\x00garbage-that-is-not-a-zip",
            b"\xef\xbb\xbf",
            b"\xff\xfe\x00",
            b"a,b,c\n1,2,3\n",
            "Mã đơn vị,Họ và tên\nP1-C1,\n".as_bytes(),
            b"\"unterminated,quote\n",
        ];
        for kind in ["members", "units"] {
            for (i, g) in garbage.iter().enumerate() {
                for name in ["tep.csv", "tep.xlsx", "tep.txt"] {
                    probes.push(raw(
                        Method::POST,
                        format!("/api/v1/import/{kind}?filename={name}"),
                        Some("application/octet-stream"),
                        g,
                    ));
                }
                if i == 1 {
                    probes.push(raw(
                        Method::POST,
                        format!("/api/v1/import/{kind}"),
                        Some("text/csv"),
                        g,
                    ));
                }
            }
        }
        // Random bytes of several sizes, deterministic.
        let mut x: u32 = 0x9e37_79b9;
        for len in [1usize, 17, 512, 4096, 70_000] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    (x >> 24) as u8
                })
                .collect();
            for name in ["tep.csv", "tep.xlsx"] {
                probes.push(raw(
                    Method::POST,
                    format!("/api/v1/import/members?filename={name}"),
                    Some("application/octet-stream"),
                    &bytes,
                ));
            }
        }
        assert_all_refused(&app, probes).await;
    })
    .await;
}

/// Path and query values that the extractors cannot parse at all.
fn unparsable_path_and_query() -> Vec<Probe> {
    let get = Method::GET;
    vec![
        probe(get.clone(), "/api/v1/members/abc", ""),
        probe(get.clone(), "/api/v1/members/1.5", ""),
        probe(get.clone(), "/api/v1/members/99999999999999999999999", ""),
        probe(get.clone(), "/api/v1/members/abc/history", ""),
        probe(get.clone(), "/api/v1/units/abc", ""),
        probe(
            Method::PATCH,
            "/api/v1/members/abc",
            "{\"phone\": \"0912000111\"}",
        ),
        probe(
            Method::POST,
            "/api/v1/members/abc/transfer",
            "{\"unit_code\": \"P1-C2\", \"date\": \"2026-11-20\"}",
        ),
        probe(get.clone(), "/api/v1/members?page=abc", ""),
        probe(
            get.clone(),
            "/api/v1/members?per_page=99999999999999999999",
            "",
        ),
        probe(get.clone(), "/api/v1/members?include_inactive=perhaps", ""),
        probe(get.clone(), "/api/v1/audit?page=x", ""),
        probe(Method::POST, "/api/v1/import/members?dry_run=perhaps", ""),
    ]
}

#[tokio::test]
async fn unparsable_ids_and_query_values_answer_a_vietnamese_problem() {
    each_backend(|app| async move {
        assert_all_refused(&app, unparsable_path_and_query()).await;
    })
    .await;
}

/// Same probes, checking only what must hold today: a 4xx, never a 5xx or a panic.
#[tokio::test]
async fn unparsable_ids_and_query_values_never_cause_a_server_error() {
    each_backend(|app| async move {
        let token = app.token("admin.tu").await;
        for p in unparsable_path_and_query() {
            let uri = p.uri.clone();
            let r = app
                .raw(p.method, &p.uri, Some(&token), p.content_type, p.body)
                .await;
            assert!(r.status.is_client_error(), "{uri}: {}", r.status);
        }
    })
    .await;
}

#[tokio::test]
async fn huge_page_numbers_do_not_overflow() {
    each_backend(|app| async move {
        let token = app.token("admin.tu").await;
        for uri in [
            "/api/v1/members?page=9223372036854775807",
            "/api/v1/members?page=9223372036854775807&per_page=500",
            "/api/v1/audit?page=9223372036854775807",
        ] {
            let r = app.get(uri, Some(&token)).await;
            assert!(
                r.status == StatusCode::OK || r.status.is_client_error(),
                "{uri}: {} {}",
                r.status,
                r.text()
            );
        }
    })
    .await;
}

#[tokio::test]
async fn wrong_method_answers_a_vietnamese_problem() {
    each_backend(|app| async move {
        let token = app.token("admin.tu").await;
        for (m, uri) in [
            (Method::PUT, "/api/v1/members"),
            (Method::DELETE, "/api/v1/members/1"),
            (Method::GET, "/api/v1/auth/token"),
        ] {
            let r = app.api(m.clone(), uri, Some(&token), None).await;
            assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {uri}");
            r.assert_problem(&format!("{m} {uri}"));
        }
    })
    .await;
}
