//! The dashboard's unit tree: party units with their member counts, the front and mass organisations apart,
//! by name and kind, never as party units with "0 đảng viên".
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, TestApp};
use serde_json::json;

#[tokio::test]
async fn organisations_are_listed_apart_from_party_units() {
    each_backend(|app: TestApp| async move {
        let office = app.token("office.tu").await;
        for (code, name, kind, parent) in [
            ("P1-MT", "Ủy ban MTTQ Phường Một", "front", "P1"),
            (
                "P1-CCB",
                "Hội Cựu chiến binh Phường Một",
                "mass_organisation",
                "P1",
            ),
            (
                "TU-CCB",
                "Hội Cựu chiến binh Thành phố",
                "mass_organisation",
                "TU",
            ),
        ] {
            let r = app
                .api(
                    Method::POST,
                    "/api/v1/units",
                    Some(&office),
                    Some(&json!({"code": code, "name": name, "type": kind, "parent_code": parent})),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let b = app.browser("admin.tu").await;
        let r = app.page("/", Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        let tree = &html[html.find("id=\"cay-to-chuc\"").unwrap()..];
        // Party units keep their member counts.
        assert!(
            tree.contains("Chi bộ Khu phố Một A</a> <span class=\"muted\">· 3 đảng viên"),
            "{tree}"
        );
        // Organisations are named with their kind, without a member count.
        for name in [
            "Ủy ban MTTQ Phường Một",
            "Hội Cựu chiến binh Phường Một",
            "Hội Cựu chiến binh Thành phố",
        ] {
            let at = tree.find(name).unwrap_or_else(|| panic!("{name}: {tree}"));
            let after = &tree[at..tree.len().min(at + 120)];
            assert!(!after.contains("đảng viên"), "{name}: {after}");
        }
        assert!(tree.contains("Mặt trận, đoàn thể, khối vận, tổ dân vận:"));
        assert!(
            tree.contains("Ủy ban MTTQ Phường Một</a> (mặt trận)"),
            "{tree}"
        );
        assert!(!tree.contains("0 đảng viên"), "{tree}");
    })
    .await;
}
