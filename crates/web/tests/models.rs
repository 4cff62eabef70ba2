//! The registry of good-practice models over HTTP on every backend: the contract of
//! `GET /api/v1/models?unit=CODE` (owner unit and replications), writes and their scope, photo uploads
//! refused by content with a Vietnamese message, and the staff pages for office, secretary and member.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, hidden_field, looks_vietnamese, Browser, Resp, TestApp};
use serde_json::{json, Value};

async fn create_model(app: &TestApp, token: &str, unit: &str, name: &str, public: bool) -> Value {
    let r = app
        .api(
            Method::POST,
            "/api/v1/models",
            Some(token),
            Some(&json!({"unit_code": unit, "name": name, "field": "Dân vận", "started_on": "2017-03-01",
                         "description": "Vận động nhân dân xây dựng nhà tiêu hợp vệ sinh",
                         "participants": "Ban công tác Mặt trận", "participants_count": 40, "public": public})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// A multipart upload with a bearer token (fields, then the file field "file").
async fn upload(app: &TestApp, uri: &str, token: &str, filename: &str, bytes: &[u8]) -> Resp {
    let boundary = "----lamtheoModelsBoundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nHọp dân ấp 3\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.raw(
        Method::POST,
        uri,
        Some(token),
        Some(&format!("multipart/form-data; boundary={boundary}")),
        body,
    )
    .await
}

fn keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

#[tokio::test]
async fn models_of_a_subtree_with_owner_and_replications() {
    each_backend(|app| async move {
        let office = app.token("office.tu").await;
        let ward = app.token("bithu.p1").await;
        let member = app.token("dangvien.p1c1").await;
        let m = create_model(&app, &ward, "P1", "“Dân vận khéo” nhà tiêu hợp vệ sinh", true).await;
        let id = m["id"].as_i64().unwrap();
        assert_eq!(m["status"], "in_progress");
        assert_eq!(m["can_edit"], true);
        let cell_model = create_model(&app, &ward, "P1-C1", "Camera an ninh", true).await;
        let p2_model = create_model(&app, &office, "P2", "Tổ tự quản", false).await;
        let p2_id = p2_model["id"].as_i64().unwrap();

        // Adoption by another unit of the subtree: the model becomes "nhân rộng".
        let r = app
            .api(Method::POST, &format!("/api/v1/models/{id}/adoptions"), Some(&ward),
                 Some(&json!({"unit_code": "P1-C2", "adopted_on": "2018-03-01", "note": "Làm ở 2 tổ"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["model_status"], "replicated");
        // …and a unit of the other ward, recorded by the city office.
        let r = app
            .api(Method::POST, &format!("/api/v1/models/{id}/adoptions"), Some(&office),
                 Some(&json!({"unit_code": "P2-C1", "adopted_on": "2019-01-15"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());

        let r = app.get("/api/v1/models?unit=P1", Some(&ward)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let v = r.json();
        assert_eq!(v["total"], 2);
        let items = v["items"].as_array().unwrap();
        let got = items.iter().find(|x| x["id"] == id).unwrap();
        let p1 = app.fx.unit("P1");
        assert_eq!(got["owner"], json!({"id": p1.id, "code": "P1", "name": p1.name}));
        assert_eq!(keys(&got["owner"]), ["code", "id", "name"]);
        assert_eq!(got["status"], "replicated");
        assert_eq!(got["status_label"], "Đã nhân rộng");
        let reps = got["replications"].as_array().unwrap();
        assert_eq!(reps.len(), 2);
        assert_eq!(reps[0]["unit"]["code"], "P1-C2");
        assert_eq!(reps[0]["unit"]["id"], app.fx.unit("P1-C2").id);
        assert_eq!(reps[0]["unit"]["name"], "Chi bộ Khu phố Một B");
        assert_eq!(reps[0]["adopted_on"], "2018-03-01");
        assert_eq!(reps[0]["note"], "Làm ở 2 tổ");
        assert_eq!(reps[1]["unit"]["code"], "P2-C1");
        assert_eq!(reps[1]["adopted_on"], "2019-01-15");
        let cell = items.iter().find(|x| x["id"] == cell_model["id"]).unwrap();
        assert_eq!(cell["owner"]["code"], "P1-C1");
        assert_eq!(cell["replications"], json!([]));
        // A cell's subtree; filters; the office sees everything.
        let r = app.get("/api/v1/models?unit=P1-C1", Some(&ward)).await;
        assert_eq!(r.json()["total"], 1);
        let r = app.get("/api/v1/models?unit=P1&q=dan%20van%20kheo&status=replicated", Some(&ward)).await;
        assert_eq!(r.json()["total"], 1);
        let r = app.get("/api/v1/models?unit=P1&status=maybe", Some(&ward)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_problem("bad status");
        let r = app.get("/api/v1/models", Some(&office)).await;
        assert_eq!(r.json()["total"], 3);

        // Scope: another ward is 404, for lists, the model, its writes and its photos.
        for uri in ["/api/v1/models?unit=P2".to_string(), format!("/api/v1/models/{p2_id}"),
                    format!("/api/v1/models/{p2_id}/photos/1/thumbnail")] {
            let r = app.get(&uri, Some(&ward)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text());
            r.assert_problem(&uri);
        }
        let r = app.api(Method::PUT, &format!("/api/v1/models/{p2_id}"), Some(&ward), Some(&json!({"name": "X"}))).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        // P2-C1 adopted P1's model, so P2's units see it; the adopted list says where from.
        let r = app.get("/api/v1/models/adopted?unit=P2", Some(&office)).await;
        let v = r.json();
        assert_eq!(v["total"], 1);
        assert_eq!(v["items"][0]["unit"]["code"], "P2-C1");
        assert_eq!(v["items"][0]["model"]["owner"]["code"], "P1");

        // A member reads but does not write.
        let r = app.get("/api/v1/models?unit=P1-C1", Some(&member)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert_eq!(r.json()["items"][0]["can_edit"], false);
        let r = app.api(Method::PUT, &format!("/api/v1/models/{id}"), Some(&member), Some(&json!({"status": "commended"}))).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        r.assert_problem("member edit");

        // Edit, results, validation.
        // "Được biểu dương" comes from a commendation decision, never from an edit.
        let r = app.api(Method::PUT, &format!("/api/v1/models/{id}"), Some(&ward),
                        Some(&json!({"status": "commended", "participants_count": 60}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let v = r.assert_problem("commended by hand");
        assert_eq!(v["errors"][0]["field"], "status");
        let r = app.api(Method::PUT, &format!("/api/v1/models/{id}"), Some(&ward),
                        Some(&json!({"status": "replicated", "participants_count": 60}))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["status"], "replicated");
        assert_eq!(r.json()["name"], "“Dân vận khéo” nhà tiêu hợp vệ sinh");
        let r = app.api(Method::PUT, &format!("/api/v1/models/{id}"), Some(&ward),
                        Some(&json!({"name": "", "field": "Thể thao"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let v = r.assert_problem("bad edit");
        let fields: Vec<&str> = v["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
        assert_eq!(fields, ["name", "field"]);
        for (date, value) in [("2019-12-31", 1745.0), ("2017-12-31", 1386.0), ("2018-12-31", 1602.5)] {
            let r = app.api(Method::POST, &format!("/api/v1/models/{id}/results"), Some(&ward),
                            Some(&json!({"measured_on": date, "indicator": "Số hộ có nhà tiêu hợp vệ sinh", "value": value, "unit": "hộ"}))).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let r = app.api(Method::POST, &format!("/api/v1/models/{id}/results"), Some(&ward),
                        Some(&json!({"measured_on": "2016-01-01", "indicator": "Số hộ", "value": 1}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.assert_problem("early result")["detail"].as_str().unwrap().contains("01/03/2017"));
        let r = app.get(&format!("/api/v1/models/{id}"), Some(&ward)).await;
        let v = r.json();
        let dates: Vec<&str> = v["results"].as_array().unwrap().iter().map(|x| x["measured_on"].as_str().unwrap()).collect();
        assert_eq!(dates, ["2017-12-31", "2018-12-31", "2019-12-31"]);
        assert_eq!(v["results"][1]["value"], 1602.5);

        // Adoption refusals: own unit, before the start; removal.
        let r = app.api(Method::POST, &format!("/api/v1/models/{id}/adoptions"), Some(&ward),
                        Some(&json!({"unit_code": "P1", "adopted_on": "2018-01-01"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r.assert_problem("own")["detail"], "Đơn vị không thể nhận nhân rộng mô hình của chính mình");
        let r = app.api(Method::POST, &format!("/api/v1/models/{id}/adoptions"), Some(&ward),
                        Some(&json!({"unit_code": "P1-C1", "adopted_on": "2016-01-01"}))).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        r.assert_problem("early adoption");
        let r = app.api(Method::DELETE, &format!("/api/v1/models/{id}/adoptions/P1-C2"), Some(&ward), None).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        let r = app.api(Method::DELETE, &format!("/api/v1/models/{id}/adoptions/P1-C2"), Some(&ward), None).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test]
async fn photo_uploads_are_checked_by_content() {
    each_backend(|app| async move {
        let ward = app.token("bithu.p1").await;
        let member = app.token("dangvien.p1c1").await;
        let m = create_model(&app, &ward, "P1", "Camera an ninh", true).await;
        let id = m["id"].as_i64().unwrap();
        let uri = format!("/api/v1/models/{id}/photos");
        let png = office::solid_png(1200, 900, [183, 28, 28]).unwrap();

        let r = upload(&app, &uri, &ward, "hop-dan.png", &png).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        assert_eq!(v["content_type"], "image/png");
        assert_eq!(
            (v["width"].as_i64(), v["height"].as_i64()),
            (Some(1200), Some(900))
        );
        assert_eq!(v["caption"], "Họp dân ấp 3");
        let thumb = app
            .get(v["thumbnail_url"].as_str().unwrap(), Some(&ward))
            .await;
        assert_eq!(thumb.status, StatusCode::OK);
        assert_eq!(thumb.content_type(), "image/jpeg");
        assert!(thumb.body.starts_with(&[0xFF, 0xD8, 0xFF]));
        let full = app.get(v["url"].as_str().unwrap(), Some(&member)).await;
        assert_eq!(full.status, StatusCode::OK);
        assert_eq!(full.content_type(), "image/png");
        assert_eq!(full.body, png);
        assert_eq!(full.header("x-content-type-options"), Some("nosniff"));

        // Refused, with the reason in Vietnamese, nothing stored.
        let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n".to_vec();
        let mut big = png.clone();
        big.resize(8 * 1024 * 1024 + 10, 0);
        let truncated = thumb.body[..thumb.body.len() / 2].to_vec();
        for (name, bytes, message) in [
            (
                "anh-hop-dan.jpg",
                pdf,
                "Tệp không phải là ảnh JPEG/PNG/WebP",
            ),
            ("anh-lon.png", big, "Ảnh quá lớn (tối đa 8 MB)"),
            ("anh-hong.jpg", truncated, "Ảnh bị hỏng, không đọc được"),
        ] {
            let r = upload(&app, &uri, &ward, name, &bytes).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {}",
                r.text()
            );
            let v = r.assert_problem(name);
            assert_eq!(v["detail"], message, "{name}");
            assert_eq!(v["errors"][0]["field"], "file");
        }
        let r = app.get(&format!("/api/v1/models/{id}"), Some(&ward)).await;
        assert_eq!(r.json()["photos"].as_array().unwrap().len(), 1);
        // Not multipart, no file, no right.
        let r = app
            .api(Method::POST, &uri, Some(&ward), Some(&json!({})))
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        r.assert_problem("json body");
        let r = upload(&app, &uri, &member, "a.png", &png).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The same through the page: the message is shown beside the upload field, typed caption kept.
        let b = app.browser("bithu.p1").await;
        let page_uri = format!("/mo-hinh/{id}/anh");
        let pdf = b"%PDF-1.4\n%%EOF".to_vec();
        let r = app
            .post_multipart(
                &page_uri,
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("caption", "Bản tin phường")],
                Some(("file", "gia-anh.jpg", &pdf)),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("Tệp không phải là ảnh JPEG/PNG/WebP"),
            "{html}"
        );
        assert!(html.contains("value=\"Bản tin phường\""));
        let r = app
            .post_multipart(
                &page_uri,
                Some(&b.cookie),
                &[("csrf", &b.csrf), ("caption", "Lắp camera")],
                Some(("file", "camera.png", &png)),
            )
            .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let r = app
            .post_multipart(
                &page_uri,
                Some(&b.cookie),
                &[("csrf", "sai")],
                Some(("file", "camera.png", &png)),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let page = app.page(&format!("/mo-hinh/{id}"), Some(&b.cookie)).await;
        let html = page.text();
        assert!(html.contains("Lắp camera"));
        let photo_id = r_photo_id(&html, id);
        let t = app
            .page(
                &format!("/mo-hinh/{id}/anh/{photo_id}/nho"),
                Some(&b.cookie),
            )
            .await;
        assert_eq!(t.status, StatusCode::OK);
        assert_eq!(t.content_type(), "image/jpeg");
    })
    .await;
}

/// The id of the last photo linked on a model page.
fn r_photo_id(html: &str, model: i64) -> i64 {
    let needle = format!("/mo-hinh/{model}/anh/");
    html.match_indices(&needle)
        .filter_map(|(i, _)| {
            html[i + needle.len()..]
                .split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|s| s.parse().ok())
        })
        .max()
        .expect("a photo link")
}

async fn form(app: &TestApp, b: &Browser, uri: &str, fields: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", b.csrf.as_str())];
    all.extend_from_slice(fields);
    app.post_form(uri, Some(&b.cookie), &all).await
}

#[tokio::test]
async fn staff_pages_for_office_secretary_and_member() {
    each_backend(|app| async move {
        let office = app.browser("office.tu").await;
        let ward = app.browser("bithu.p1").await;
        let member = app.browser("dangvien.p1c1").await;

        // The office creates a model through the form; errors are shown beside the typed values.
        let r = app.page("/mo-hinh/moi", Some(&office.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("Ghi nhận mô hình"));
        let r = form(
            &app,
            &office,
            "/mo-hinh/moi",
            &[
                ("unit_code", "P1"),
                ("name", "Heo đất tiết kiệm"),
                ("field", "Thể thao"),
                ("started_on", "31/02/2017"),
                ("participants_count", "mười"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(
            html.contains("value=\"Heo đất tiết kiệm\""),
            "typed name kept"
        );
        assert!(
            html.contains("Ngày không hợp lệ: &#34;31/02/2017&#34;"),
            "{html}"
        );
        assert!(
            html.contains("Lĩnh vực phải là một trong"),
            "checked with the rest"
        );
        assert!(html.contains("Số người tham gia phải là số nguyên không âm"));
        let r = form(
            &app,
            &office,
            "/mo-hinh/moi",
            &[
                ("unit_code", "P1"),
                ("name", "Heo đất tiết kiệm"),
                ("field", "Khác"),
                ("started_on", "2027-01-01"),
                ("participants_count", ""),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Ngày bắt đầu không được ở tương lai"));
        let r = form(
            &app,
            &office,
            "/mo-hinh/moi",
            &[
                ("unit_code", "P1"),
                ("name", "Heo đất tiết kiệm"),
                ("field", "An sinh xã hội"),
                ("started_on", "01/10/2016"),
                ("participants_count", "3.520"),
                ("description", "Mỗi hộ nuôi một heo đất."),
                ("public", "1"),
            ],
        )
        .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let loc = r.header("location").unwrap().to_string();
        let id: i64 = loc
            .trim_start_matches("/mo-hinh/")
            .split('?')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let r = app.page(&loc, Some(&office.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(
            html.contains("Heo đất tiết kiệm")
                && html.contains("01/10/2016")
                && html.contains("3.520 người"),
            "{html}"
        );
        assert!(html.contains("Đã thêm mới."));
        // Without a CSRF token nothing happens.
        let r = app
            .post_form(
                "/mo-hinh/moi",
                Some(&office.cookie),
                &[("unit_code", "P1"), ("name", "X")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);

        // The ward secretary: results (with a chart), adoption by a cell, edit.
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{id}/ket-qua"),
            &[
                ("measured_on", "31/12/2017"),
                ("indicator", "Số tiền tiết kiệm"),
                ("value", "abc"),
                ("unit", "triệu đồng"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("Giá trị &#34;abc&#34; không phải là số"));
        assert!(
            html.contains("value=\"Số tiền tiết kiệm\""),
            "typed indicator kept"
        );
        for (date, value) in [
            ("31/12/2017", "210"),
            ("31/12/2018", "356,5"),
            ("2019-12-31", "1.520"),
        ] {
            let r = form(
                &app,
                &ward,
                &format!("/mo-hinh/{id}/ket-qua"),
                &[
                    ("measured_on", date),
                    ("indicator", "Số tiền tiết kiệm"),
                    ("value", value),
                    ("unit", "triệu đồng"),
                ],
            )
            .await;
            assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        }
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{id}/nhan-rong"),
            &[("unit_code", "P1"), ("adopted_on", "2018-01-01")],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .contains("Đơn vị không thể nhận nhân rộng mô hình của chính mình"));
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{id}/nhan-rong"),
            &[
                ("unit_code", "P1-C2"),
                ("adopted_on", "01/04/2018"),
                ("note", "Tổ 3 làm trước"),
            ],
        )
        .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());
        let r = app
            .page(&format!("/mo-hinh/{id}"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(html.contains("<svg class=\"chart\""), "bar chart");
        assert!(
            html.contains("356,5") && html.contains("1.520"),
            "Vietnamese numbers"
        );
        assert!(html.contains("Đã nhân rộng tới (1 đơn vị)"));
        assert!(html.contains("Chi bộ Khu phố Một B") && html.contains("01/04/2018"));
        assert!(html.contains("Nhận nhân rộng về đơn vị"));
        assert!(
            html.contains(">Đã nhân rộng</span>"),
            "status moved to nhân rộng"
        );
        assert!(!html.contains("style="), "no inline styles under the CSP");
        let r = app
            .page(&format!("/mo-hinh/{id}/sua"), Some(&ward.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(
            !r.text().contains("value=\"commended\""),
            "\"Được biểu dương\" is not offered on the form"
        );
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{id}/sua"),
            &[
                ("name", "Heo đất tiết kiệm, tổ hụi tương trợ"),
                ("field", "An sinh xã hội"),
                ("started_on", "2016-10-01"),
                ("status", "commended"),
                ("public", "1"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r
            .text()
            .contains("có khi có quyết định khen thưởng, biểu dương gắn với mô hình"));
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{id}/sua"),
            &[
                ("name", "Heo đất tiết kiệm, tổ hụi tương trợ"),
                ("field", "An sinh xã hội"),
                ("started_on", "2016-10-01"),
                ("status", "in_progress"),
                ("public", "1"),
            ],
        )
        .await;
        assert!(r.status.is_redirection(), "{}: {}", r.status, r.text());

        // Lists with filters and counts; the adopting cell's list.
        let r = app.page("/mo-hinh?don-vi=P1", Some(&ward.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(
            html.contains("Heo đất tiết kiệm, tổ hụi tương trợ")
                && html.contains(">Đang triển khai</span>")
        );
        assert!(html.contains("id=\"so-mo-hinh\">1<"));
        let r = app
            .page(
                "/mo-hinh?don-vi=P1&q=to%20hui&linh-vuc=an%20sinh%20xa%20hoi",
                Some(&ward.cookie),
            )
            .await;
        assert!(r.text().contains("Heo đất tiết kiệm, tổ hụi tương trợ"));
        let r = app
            .page("/mo-hinh?don-vi=P1&q=camera", Some(&ward.cookie))
            .await;
        assert!(r.text().contains("Không có mô hình nào khớp bộ lọc."));
        let p1c2 = app.fx.unit("P1-C2").id;
        let r = app
            .page(&format!("/mo-hinh?don-vi={p1c2}"), Some(&ward.cookie))
            .await;
        let html = r.text();
        let adopted = &html[html.find("id=\"mo-hinh-nhan-rong\"").unwrap()..];
        assert!(
            adopted.contains("Heo đất tiết kiệm, tổ hụi tương trợ")
                && adopted.contains("Tổ 3 làm trước")
        );

        // The member: reads the list (with the models above their cell) and the page, writes nothing.
        let r = app.page("/mo-hinh", Some(&member.cookie)).await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(
            html.contains("Heo đất tiết kiệm, tổ hụi tương trợ"),
            "the ward's model concerns the member"
        );
        assert!(!html.contains("+ Ghi nhận mô hình"));
        assert!(html.contains(">Mô hình</a>"), "nav entry");
        let r = app
            .page(&format!("/mo-hinh/{id}"), Some(&member.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        assert!(
            !html.contains("/ket-qua\"")
                && !html.contains("Nhận nhân rộng về đơn vị")
                && !html.contains("Sửa mô hình")
        );
        assert_eq!(
            app.page("/mo-hinh/moi", Some(&member.cookie)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page(&format!("/mo-hinh/{id}/sua"), Some(&member.cookie))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        let r = form(
            &app,
            &member,
            &format!("/mo-hinh/{id}/ket-qua"),
            &[
                ("measured_on", "2019-12-31"),
                ("indicator", "X"),
                ("value", "1"),
            ],
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);

        // Another ward: not found, for the page, the photos and the list.
        let token = app.token("office.tu").await;
        let p2 = create_model(&app, &token, "P2", "Tổ tự quản an ninh", true).await;
        let p2_id = p2["id"].as_i64().unwrap();
        for uri in [
            format!("/mo-hinh/{p2_id}"),
            format!("/mo-hinh/{p2_id}/sua"),
            format!("/mo-hinh/{p2_id}/anh/1/nho"),
            "/mo-hinh?don-vi=P2".to_string(),
        ] {
            let r = app.page(&uri, Some(&ward.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
            assert!(r.text().contains("Không tìm thấy"));
        }
        let r = form(
            &app,
            &ward,
            &format!("/mo-hinh/{p2_id}/nhan-rong"),
            &[("unit_code", "P1-C1"), ("adopted_on", "2019-01-01")],
        )
        .await;
        assert!(
            r.status.is_redirection(),
            "a public model of another ward may be adopted: {}",
            r.text()
        );
        let r = app.page("/mo-hinh", Some(&office.cookie)).await;
        let html = r.text();
        assert!(html.contains("Tổ tự quản an ninh") && html.contains("Heo đất tiết kiệm"));
        assert!(looks_vietnamese(&html));
        assert!(hidden_field(&html, "csrf").is_some());
    })
    .await;
}
