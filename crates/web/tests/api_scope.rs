//! The API scope matrix (docs/DOMAIN.md § Roles and scope): for every fixture user × every member (and
//! unit), each API read and write is allowed exactly when `domain::policy` says so. Out-of-scope objects
//! answer 404 and never show their data; in-scope objects that the role may only read answer 403.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, FxMember, TestApp, MEMBERS, UNITS, USERS};
use domain::policy::{Capability, Principal};
use serde_json::json;
use std::collections::BTreeSet;

/// Every fixture user with a token and the principal the policy sees.
async fn principals(app: &TestApp) -> Vec<(String, Principal)> {
    let mut out = Vec::new();
    for (username, _, _) in USERS {
        let token = app.token(username).await;
        let p = app.principal(&token).await;
        assert_eq!(p.username, username);
        out.push((token, p));
    }
    out
}

fn assert_no_name(body: &str, m: &FxMember, ctx: &str) {
    assert!(
        !body.contains(&m.name),
        "{ctx}: response leaks the name {:?}: {body}",
        m.name
    );
    assert!(
        !body.contains(&m.card),
        "{ctx}: response leaks the card number of {:?}",
        m.name
    );
}

#[tokio::test]
async fn member_reads_and_edits_follow_the_policy() {
    each_backend(|app| async move {
        assert_eq!(app.fx.members.len(), MEMBERS.len());
        let mut allowed_reads = 0;
        let mut allowed_writes = 0;
        for (ui, (token, p)) in principals(&app).await.iter().enumerate() {
            for (mi, m) in app.fx.members.iter().enumerate() {
                let ctx = format!("{} → {} ({})", p.username, m.name, m.unit_code);
                let can_read = p.can_read_member(m.id, &m.unit_path);
                let can_write = p.can_write_member(&m.unit_path);

                // GET /members/{id}
                let r = app
                    .get(&format!("/api/v1/members/{}", m.id), Some(token))
                    .await;
                if can_read {
                    allowed_reads += 1;
                    assert_eq!(r.status, StatusCode::OK, "{ctx}: {}", r.text());
                    let v = r.json();
                    assert_eq!(v["id"], json!(m.id), "{ctx}");
                    assert_eq!(v["full_name"], json!(m.name), "{ctx}");
                    assert_eq!(v["unit_code"], json!(m.unit_code), "{ctx}");
                } else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{ctx}: {}", r.text());
                    r.assert_problem(&ctx);
                    assert_no_name(&r.text(), m, &ctx);
                }

                // GET /members/{id}/history
                let r = app
                    .get(&format!("/api/v1/members/{}/history", m.id), Some(token))
                    .await;
                if can_read {
                    assert_eq!(r.status, StatusCode::OK, "{ctx} history: {}", r.text());
                } else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{ctx} history");
                    assert_no_name(&r.text(), m, &ctx);
                }

                // PATCH /members/{id}: a phone unique to this (user, member) pair.
                let phone = format!("091{ui}00{mi:04}");
                let before = app.member_state(m.id).await;
                let audit_before = app.audit_total().await;
                let r = app
                    .api(
                        Method::PATCH,
                        &format!("/api/v1/members/{}", m.id),
                        Some(token),
                        Some(&json!({"phone": phone})),
                    )
                    .await;
                if can_write {
                    allowed_writes += 1;
                    assert!(can_read, "{ctx}: the policy lets write without read");
                    assert_eq!(r.status, StatusCode::OK, "{ctx} PATCH: {}", r.text());
                    assert_eq!(r.json()["phone"], json!(phone), "{ctx}");
                    let after = app.member_state(m.id).await;
                    assert_eq!(after["member"]["phone"], json!(phone), "{ctx}");
                    assert_eq!(app.audit_total().await, audit_before + 1, "{ctx}: audited");
                } else {
                    let expected = if can_read {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    };
                    assert_eq!(r.status, expected, "{ctx} PATCH: {}", r.text());
                    r.assert_problem(&ctx);
                    if !can_read {
                        assert_no_name(&r.text(), m, &ctx);
                    }
                    assert_eq!(app.member_state(m.id).await, before, "{ctx}: changed");
                    assert_eq!(app.audit_total().await, audit_before, "{ctx}: audit");
                }
            }
        }
        // The matrix is not vacuous: both outcomes occur.
        let n = USERS.len() * MEMBERS.len();
        assert!(
            allowed_reads > 0 && allowed_reads < n,
            "{allowed_reads}/{n}"
        );
        assert!(allowed_writes > 0 && allowed_writes < allowed_reads);
    })
    .await;
}

#[tokio::test]
async fn lists_searches_and_exports_stay_in_scope() {
    each_backend(|app| async move {
        for (token, p) in principals(&app).await {
            let allowed: BTreeSet<i64> = app
                .fx
                .members
                .iter()
                .filter(|m| p.can_read_member(m.id, &m.unit_path))
                .map(|m| m.id)
                .collect();
            let who = &p.username;

            // The full list is exactly the allowed set.
            let r = app.get("/api/v1/members?per_page=500", Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text());
            let v = r.json();
            let listed: BTreeSet<i64> = v["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["id"].as_i64().unwrap())
                .collect();
            assert_eq!(listed, allowed, "{who}: list");
            assert_eq!(v["total"], json!(allowed.len()), "{who}: total");

            // Searching any member's name never returns a disallowed member; finds allowed ones.
            for m in &app.fx.members {
                let q: String = url::form_urlencoded::byte_serialize(m.name.as_bytes()).collect();
                for query in [q.clone(), q.to_lowercase(), fold_for_url(&m.name)] {
                    let r = app
                        .get(
                            &format!("/api/v1/members?q={query}&per_page=500"),
                            Some(&token),
                        )
                        .await;
                    assert_eq!(r.status, StatusCode::OK, "{who} q={query}");
                    let found: BTreeSet<i64> = r.json()["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].as_i64().unwrap())
                        .collect();
                    assert!(found.is_subset(&allowed), "{who} q={query}: {found:?}");
                    assert_eq!(
                        found.contains(&m.id),
                        allowed.contains(&m.id),
                        "{who} q={query}"
                    );
                    if !allowed.contains(&m.id) {
                        assert_no_name(&r.text(), m, &format!("{who} q={query}"));
                    }
                }
                // The exact card number and phone are searchable too — within scope only.
                for q in [&m.card, &m.phone] {
                    let r = app
                        .get(&format!("/api/v1/members?q={q}"), Some(&token))
                        .await;
                    let found: Vec<i64> = r.json()["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].as_i64().unwrap())
                        .collect();
                    let expected: Vec<i64> = allowed
                        .contains(&m.id)
                        .then_some(m.id)
                        .into_iter()
                        .collect();
                    assert_eq!(found, expected, "{who} q={q}");
                }
            }

            // Filtering by unit: a unit inside the scope gives its allowed subtree; outside, 404.
            for (code, _, _, _) in UNITS {
                let unit = app.fx.unit(code);
                let r = app
                    .get(
                        &format!("/api/v1/members?unit={code}&per_page=500"),
                        Some(&token),
                    )
                    .await;
                if p.can_read_unit(&unit.path) {
                    assert_eq!(r.status, StatusCode::OK, "{who} unit={code}");
                    let listed: BTreeSet<i64> = r.json()["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|i| i["id"].as_i64().unwrap())
                        .collect();
                    let expected: BTreeSet<i64> = app
                        .fx
                        .members_in(code)
                        .iter()
                        .map(|m| m.id)
                        .filter(|id| allowed.contains(id))
                        .collect();
                    assert_eq!(listed, expected, "{who} unit={code}");
                } else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} unit={code}");
                    r.assert_problem(&format!("{who} unit={code}"));
                }

                // Export of that unit: never an out-of-scope name.
                let r = app
                    .get(
                        &format!("/api/v1/export/members?format=csv&unit={code}"),
                        Some(&token),
                    )
                    .await;
                let body = r.text();
                for m in &app.fx.members {
                    if !allowed.contains(&m.id) {
                        assert_no_name(&body, m, &format!("{who} export {code}"));
                    }
                }
                if !p.has(Capability::ExportMembers) {
                    assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} export {code}");
                } else if !p.can_read_unit(&unit.path) {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} export {code}");
                } else {
                    assert_eq!(r.status, StatusCode::OK, "{who} export {code}");
                    assert!(r.content_type().starts_with("text/csv"));
                    for m in app.fx.members_in(code) {
                        assert!(body.contains(&m.name), "{who} export {code}: {}", m.name);
                    }
                }
            }
        }
    })
    .await;
}

/// "Nguyễn Văn Bình" → "nguyen+van+binh" (what a user types without diacritics).
fn fold_for_url(s: &str) -> String {
    let folded = domain::text::fold(s);
    url::form_urlencoded::byte_serialize(folded.as_bytes()).collect()
}

#[tokio::test]
async fn unit_reads_follow_the_policy() {
    each_backend(|app| async move {
        for (token, p) in principals(&app).await {
            let r = app.get("/api/v1/units", Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK);
            let listed: BTreeSet<String> = r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["code"].as_str().unwrap().to_string())
                .collect();
            let expected: BTreeSet<String> = app
                .fx
                .units
                .values()
                .filter(|u| p.can_read_unit(&u.path))
                .map(|u| u.code.clone())
                .collect();
            assert_eq!(listed, expected, "{}", p.username);
            for u in app.fx.units.values() {
                let r = app
                    .get(&format!("/api/v1/units/{}", u.id), Some(&token))
                    .await;
                let ctx = format!("{} → unit {}", p.username, u.code);
                if p.can_read_unit(&u.path) {
                    assert_eq!(r.status, StatusCode::OK, "{ctx}");
                    assert_eq!(r.json()["code"], json!(u.code), "{ctx}");
                } else {
                    assert_eq!(r.status, StatusCode::NOT_FOUND, "{ctx}");
                    r.assert_problem(&ctx);
                    assert!(!r.text().contains(&u.name), "{ctx}: leaks the unit name");
                }
            }
        }
    })
    .await;
}

#[tokio::test]
async fn transfers_and_status_changes_follow_the_policy() {
    each_backend(|app| async move {
        let users = principals(&app).await;
        let admin = users[0].0.clone();
        let cells = ["P1-C1", "P1-C2", "P2-C1"];
        let mut day = common::d(2020, 1, 1);
        let mut allowed_transfers = 0;
        for (token, p) in &users {
            for m in app.fx.members.clone() {
                let current = app.member_state(m.id).await;
                let from_path = current["path"].as_str().unwrap().to_string();
                let from_code = current["member"]["unit_code"].as_str().unwrap().to_string();
                for target in cells.iter().filter(|c| **c != from_code) {
                    let ctx = format!("{} moves {} {from_code} → {target}", p.username, m.name);
                    let to_path = app.fx.unit(target).path.clone();
                    day = day.succ_opt().unwrap();
                    let audit_before = app.audit_total().await;
                    let r = app
                        .api(
                            Method::POST,
                            &format!("/api/v1/members/{}/transfer", m.id),
                            Some(token),
                            Some(&json!({"unit_code": target, "date": day.to_string()})),
                        )
                        .await;
                    if p.can_transfer_member(&from_path, &to_path)
                        && p.can_read_member(m.id, &from_path)
                    {
                        allowed_transfers += 1;
                        assert_eq!(r.status, StatusCode::OK, "{ctx}: {}", r.text());
                        assert_eq!(r.json()["unit_code"], json!(target), "{ctx}");
                        // Move back (by the admin) so that the matrix starts from the fixture again.
                        day = day.succ_opt().unwrap();
                        let back = app
                            .api(
                                Method::POST,
                                &format!("/api/v1/members/{}/transfer", m.id),
                                Some(&admin),
                                Some(&json!({"unit_code": from_code, "date": day.to_string()})),
                            )
                            .await;
                        assert_eq!(back.status, StatusCode::OK, "{ctx} back: {}", back.text());
                    } else {
                        let expected = if !p.can_read_member(m.id, &from_path) {
                            StatusCode::NOT_FOUND
                        } else if !p.can_write_member(&from_path) {
                            StatusCode::FORBIDDEN
                        } else {
                            // May edit the member, but the target lies outside the subtree.
                            StatusCode::UNPROCESSABLE_ENTITY
                        };
                        assert_eq!(r.status, expected, "{ctx}: {}", r.text());
                        r.assert_problem(&ctx);
                        if expected == StatusCode::NOT_FOUND {
                            assert_no_name(&r.text(), &m, &ctx);
                        }
                        assert_eq!(app.member_state(m.id).await, current, "{ctx}: changed");
                        assert_eq!(app.audit_total().await, audit_before, "{ctx}: audit");
                    }
                }

                // Status: active → exempt is allowed iff the member may be written.
                let ctx = format!("{} sets status of {}", p.username, m.name);
                let r = app
                    .api(
                        Method::POST,
                        &format!("/api/v1/members/{}/status", m.id),
                        Some(token),
                        Some(&json!({"status": "exempt", "date": "2026-11-01"})),
                    )
                    .await;
                if p.can_write_member(&from_path) {
                    assert_eq!(r.status, StatusCode::OK, "{ctx}: {}", r.text());
                    assert_eq!(r.json()["status"], json!("exempt"));
                    let back = app
                        .api(
                            Method::POST,
                            &format!("/api/v1/members/{}/status", m.id),
                            Some(&admin),
                            Some(&json!({"status": "active", "date": "2026-11-02"})),
                        )
                        .await;
                    assert_eq!(back.status, StatusCode::OK, "{ctx} back: {}", back.text());
                } else {
                    let expected = if p.can_read_member(m.id, &from_path) {
                        StatusCode::FORBIDDEN
                    } else {
                        StatusCode::NOT_FOUND
                    };
                    assert_eq!(r.status, expected, "{ctx}: {}", r.text());
                    r.assert_problem(&ctx);
                    assert_eq!(app.member_state(m.id).await, current, "{ctx}: changed");
                }
            }
        }
        assert!(allowed_transfers > 0);
    })
    .await;
}

#[tokio::test]
async fn ward_secretary_cannot_move_a_member_to_another_ward() {
    each_backend(|app| async move {
        let token = app.token("bithu.p1").await;
        let m = app.fx.member("Trần Thị Mai").clone();
        let before = app.member_state(m.id).await;
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/members/{}/transfer", m.id),
                Some(&token),
                Some(&json!({"unit_code": "P2-C1", "date": "2026-11-20"})),
            )
            .await;
        assert!(r.status.is_client_error(), "{}", r.text());
        r.assert_problem("transfer to P2-C1");
        assert!(!r.text().contains("Chi bộ Khu phố Hai A"), "{}", r.text());
        assert_eq!(app.member_state(m.id).await, before);
        // Nor may they pull a member of the other ward into their own.
        let other = app.fx.member("Võ Thị Lan").clone();
        let before = app.member_state(other.id).await;
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/members/{}/transfer", other.id),
                Some(&token),
                Some(&json!({"unit_code": "P1-C1", "date": "2026-11-20"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_no_name(&r.text(), &other, "pull from P2");
        assert_eq!(app.member_state(other.id).await, before);
        // The committee above both wards may.
        let office = app.token("office.tu").await;
        let r = app
            .api(
                Method::POST,
                &format!("/api/v1/members/{}/transfer", m.id),
                Some(&office),
                Some(&json!({"unit_code": "P2-C1", "date": "2026-11-20"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        // …after which the P1 secretary no longer sees the member at all.
        let r = app
            .get(&format!("/api/v1/members/{}", m.id), Some(&token))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_no_name(&r.text(), &m, "after transfer");
    })
    .await;
}
