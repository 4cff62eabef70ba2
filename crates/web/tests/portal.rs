//! The portal over HTTP on every backend: the public portal pages, citizens' feedback through the form and
//! the JSON API (length limits, honeypot, 429 past the limit), the unit's moderation and answer showing
//! on the (cached) portal, citizens' answers once per device, and the loudspeaker bulletin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::{each_backend, looks_vietnamese, published};
use serde_json::json;
use tower::ServiceExt;

fn location(r: &common::Resp) -> String {
    r.header("location").unwrap_or_default().to_string()
}

const TEXT: &str = "Đèn hẻm 5 vẫn chưa được lắp, buổi tối rất tối và nguy hiểm cho người đi đường.";

#[tokio::test]
async fn citizen_reads_sends_feedback_and_sees_the_answer() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let home = app.page("/cong-khai", None).await;
        assert_eq!(home.status, StatusCode::OK);
        let html = home.text();
        assert!(html.contains("href=\"/cong-khai/don-vi/P1\""), "{html}");
        assert!(html.contains("Đảng bộ Phường Một"));
        let unit = app.page("/cong-khai/don-vi/P1", None).await;
        assert_eq!(unit.status, StatusCode::OK);
        let html = unit.text();
        assert!(html.contains("Nguyễn Văn Bình") && html.contains("lắp đèn chiếu sáng hẻm 5"));
        // A long page folds: a jump bar, and each registration's items open in place.
        assert!(html.contains("<nav class=\"jump\" aria-label=\"Trên trang này\"><a href=\"#dang-ky\">Bản đăng ký (1)</a>"));
        assert!(html.contains("<details class=\"pub-items-box\"><summary>Xem "));
        assert!(html.contains(&format!("href=\"/cong-khai/dang-ky/{id}\"")));
        assert!(
            !html.contains("Trần Thị Mai"),
            "members without a published registration stay off"
        );
        assert!(app
            .page("/cong-khai/don-vi/P2", None)
            .await
            .text()
            .contains("chưa công khai"));
        assert_eq!(
            app.page("/cong-khai/don-vi/P1-C1", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page("/cong-khai/dang-ky/999999", None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.page("/cong-khai/don-vi/P1?nam=abc", None).await.status,
            StatusCode::NOT_FOUND
        );
        // Words side by side rank first: the unit named so, then what mentions it; a page past the last
        // shows the last; a query of punctuation finds nothing and says so.
        let s = app.page("/cong-khai/tim-kiem?q=phuong+mot&trang=99", None).await;
        assert_eq!(s.status, StatusCode::OK);
        let html = s.text();
        let first = html.find("<li class=\"card\">").unwrap();
        assert!(
            html[first..].starts_with("<li class=\"card\"><span class=\"badge\">Đơn vị</span> <a href=\"/cong-khai/don-vi/P1\">"),
            "{html}"
        );
        let s = app.page("/cong-khai/tim-kiem?q=%E2%80%94+.", None).await.text();
        assert!(s.contains("Không tìm thấy kết quả"), "{s}");
        // Words match from their start: "inh" is inside "Bình" but starts no word.
        let s = app.page("/cong-khai/tim-kiem?q=inh", None).await.text();
        assert!(!s.contains("Nguyễn Văn Bình"), "{s}");
        // Search ignores diacritics and "đ".
        let s = app.page("/cong-khai/tim-kiem?q=den+chieu+sang", None).await;
        assert!(
            s.text().contains(&format!("/cong-khai/dang-ky/{id}")),
            "{}",
            s.text()
        );
        let s = app.page("/cong-khai/tim-kiem?q=dang+vien+moi", None).await;
        assert!(s.text().contains("Nguyễn Văn Bình"));

        let reg = format!("/cong-khai/dang-ky/{id}");
        let page = app.page(&reg, None).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("name=\"website\""),
            "the honeypot field is in the form"
        );
        assert_eq!(page.header("cache-control"), Some("public, no-cache"));
        // Revalidation: an unchanged page is a 304 without a body.
        let etag = page.header("etag").unwrap().to_string();
        let if_none_match = |tag: &str| {
            Request::get(reg.as_str())
                .header(header::IF_NONE_MATCH, tag)
                .body(Body::empty())
                .unwrap()
        };
        let r = app.send(if_none_match(&etag)).await;
        assert_eq!(r.status, StatusCode::NOT_MODIFIED);
        assert!(r.body.is_empty());
        // Phones get the page gzipped (made once, when cached), the same HTML once inflated.
        let z = app
            .send(
                Request::get(reg.as_str())
                    .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(z.header("content-encoding"), Some("gzip"));
        assert_ne!(z.header("etag"), Some(etag.as_str()));
        let mut inflated = String::new();
        std::io::Read::read_to_string(
            &mut flate2::read::GzDecoder::new(&z.body[..]),
            &mut inflated,
        )
        .unwrap();
        assert_eq!(inflated, page.text());
        assert!(z.body.len() * 3 < page.body.len());
        let sid = id.to_string();
        // Too short: the page again, what was typed kept, the error beside the field.
        let r = app
            .post_form(
                "/cong-khai/phan-anh",
                None,
                &[
                    ("subject_type", "registration"),
                    ("subject_id", &sid),
                    ("content", "Chưa lắp"),
                    ("name", "Lê Văn Tư"),
                    ("contact", "0909000111"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = r.text();
        assert!(html.contains("ít nhất 10 ký tự") && html.contains(">Chưa lắp</textarea>"));
        assert!(html.contains("value=\"Lê Văn Tư\"") && html.contains("value=\"0909000111\""));
        // The honeypot: looks accepted, nothing stored.
        let r = app
            .post_form(
                "/cong-khai/phan-anh",
                None,
                &[
                    ("subject_type", "registration"),
                    ("subject_id", &sid),
                    ("content", TEXT),
                    ("website", "http://quang-cao.example"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.text().contains("Cảm ơn"));
        let office = app.browser("bithu.p1").await;
        let queue = app.page("/phan-anh", Some(&office.cookie)).await;
        assert!(
            queue.text().contains("Không có phản ánh"),
            "{}",
            queue.text()
        );
        // A real one.
        let r = app
            .post_form(
                "/cong-khai/phan-anh",
                None,
                &[
                    ("subject_type", "registration"),
                    ("subject_id", &sid),
                    ("content", TEXT),
                    ("name", "Lê Văn Tư"),
                    ("contact", "0909000111"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let track = location(&r);
        assert!(track.starts_with("/cong-khai/phan-anh/"), "{track}");
        let t = app.page(&track, None).await;
        assert!(t.text().contains("Đang chờ") && t.text().contains("Mã theo dõi"));
        assert_eq!(t.header("cache-control"), Some("no-store"));
        let spam = app
            .post_form(
                "/cong-khai/phan-anh",
                None,
                &[
                    ("subject_type", "registration"),
                    ("subject_id", &sid),
                    (
                        "content",
                        "Bán đất nền giá rẻ, liên hệ ngay hôm nay để được chiết khấu.",
                    ),
                ],
            )
            .await;
        assert_eq!(spam.status, StatusCode::SEE_OTHER);

        // The ward sees both (with name and contact), answers one and hides the other.
        let queue = app.page("/phan-anh", Some(&office.cookie)).await.text();
        assert!(queue.contains("Đèn hẻm 5") && queue.contains("Bán đất nền"));
        let ids: Vec<i64> = app
            .db
            .feedback()
            .feedback_queue(
                &app.principal(&app.token("bithu.p1").await).await,
                store::FeedbackView::Open,
            )
            .await
            .unwrap()
            .0
            .iter()
            .map(|f| f.id)
            .collect();
        assert_eq!(ids.len(), 2);
        let home = app.page("/", Some(&office.cookie)).await.text();
        assert!(
            home.contains("Phản ánh của nhân dân: 2 chờ trả lời"),
            "{home}"
        );
        let (real, junk) = (ids[0], ids[1]);
        let item = app
            .page(&format!("/phan-anh/{real}"), Some(&office.cookie))
            .await
            .text();
        assert!(item.contains("Lê Văn Tư") && item.contains("0909000111"));
        // Sent today: said in words, never "0 ngày".
        assert!(item.contains("gửi hôm nay, chưa trả lời") && !item.contains("0 ngày"), "{item}");
        // What answering does, in plain words; the portal called by its one name.
        assert!(
            item.contains("Khi trả lời, phản ánh được duyệt và hiện trên Cổng thông tin công khai cùng câu trả lời"),
            "{item}"
        );
        assert!(item.contains("xem trên Cổng thông tin công khai"));
        assert!(!item.contains("cổng công khai"));
        let member = app.browser("dangvien.p1c1").await;
        assert_eq!(
            app.page(&format!("/phan-anh/{real}"), Some(&member.cookie))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Portal page is cached now; the answer must still appear right away.
        assert!(!app.page(&reg, None).await.text().contains("Đơn vị trả lời"));
        let r = app
            .post_form(
                &format!("/phan-anh/{real}/tra-loi"),
                Some(&office.cookie),
                &[("csrf", &office.csrf), ("answer", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("Hãy nhập nội dung trả lời"));
        let r = app
            .post_form(
                &format!("/phan-anh/{real}/tra-loi"),
                Some(&office.cookie),
                &[
                    ("csrf", &office.csrf),
                    ("answer", "Phường đã lắp xong 12 bóng đèn ngày 20/12/2019."),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let item = app
            .page(&format!("/phan-anh/{real}"), Some(&office.cookie))
            .await
            .text();
        assert!(
            item.contains("Đã trả lời</span> <span class=\"muted\">ngày ")
                && item.contains(", ngay trong ngày nhận</span>"),
            "{item}"
        );
        assert!(!item.contains("Đã trả lời</span> <span class=\"muted\">trả lời"));
        let r = app
            .post_form(
                &format!("/phan-anh/{junk}/kiem-duyet"),
                Some(&office.cookie),
                &[("csrf", &office.csrf), ("action", "hide"), ("reason", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().contains("lý do ẩn"));
        let r = app
            .post_form(
                &format!("/phan-anh/{junk}/kiem-duyet"),
                Some(&office.cookie),
                &[
                    ("csrf", &office.csrf),
                    ("action", "hide"),
                    ("reason", "Quảng cáo bất động sản"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        // The page changed: the old validator no longer matches.
        assert_eq!(app.send(if_none_match(&etag)).await.status, StatusCode::OK);
        let page = app.page(&reg, None).await.text();
        assert!(
            page.contains("Đơn vị trả lời") && page.contains("lắp xong 12 bóng đèn"),
            "{page}"
        );
        assert!(page.contains(TEXT));
        assert!(!page.contains("Bán đất nền") && !page.contains("Quảng cáo bất động sản"));
        assert!(
            !page.contains("Lê Văn Tư") && !page.contains("0909000111"),
            "name and contact never shown"
        );
        let unit = app.page("/cong-khai/don-vi/P1", None).await.text();
        assert!(unit.contains("lắp xong 12 bóng đèn") && !unit.contains("Bán đất nền"));
        assert!(app
            .page(&track, None)
            .await
            .text()
            .contains("lắp xong 12 bóng đèn"));
    })
    .await;
}

#[tokio::test]
async fn feedback_api_contract_and_rate_limit() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let r = app
            .api(Method::POST, "/api/v1/public/feedback", None,
                Some(&json!({"subject_type": "registration", "subject_id": id, "content": TEXT,
                             "name": "Lê Văn Tư", "contact": "tu@example.vn"})))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let v = r.json();
        assert_eq!(v["status"], "pending");
        assert_eq!(v["tracking_code"].as_str().unwrap().len(), 10);
        let r = app
            .api(Method::POST, "/api/v1/public/feedback", None,
                Some(&json!({"subject_type": "registration", "subject_id": id, "content": "x".repeat(2001)})))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let p = r.assert_problem("too long");
        assert!(p.to_string().contains("content"), "{p}");
        let r = app
            .api(Method::POST, "/api/v1/public/feedback", None,
                Some(&json!({"subject_type": "member", "subject_id": id, "content": TEXT})))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        r.assert_problem("unknown subject type");
        let r = app
            .raw(Method::POST, "/api/v1/public/feedback", None, Some("application/json"), b"{not json".to_vec())
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        // Only stored feedback counts against the address (mistakes, unknown subjects and malformed bodies
        // do not): one so far, four more pass, the sixth is refused.
        for _ in 0..4 {
            let r = app
                .api(Method::POST, "/api/v1/public/feedback", None,
                    Some(&json!({"subject_type": "registration", "subject_id": id, "content": TEXT})))
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        }
        let r = app
            .api(Method::POST, "/api/v1/public/feedback", None,
                Some(&json!({"subject_type": "registration", "subject_id": id, "content": TEXT})))
            .await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
        let p = r.assert_problem("rate limit");
        assert!(looks_vietnamese(&p["detail"].to_string()) && p.to_string().contains("thử lại"), "{p}");
        assert!(r.header("retry-after").unwrap().parse::<i64>().unwrap() > 0);
        // The form answers the same way.
        let f = app
            .post_form("/cong-khai/phan-anh", None, &[("subject_type", "registration"),
                ("subject_id", &id.to_string()), ("content", TEXT)])
            .await;
        assert_eq!(f.status, StatusCode::TOO_MANY_REQUESTS);
        assert!(f.text().contains("quá nhiều"));
        // The OpenAPI document lists the public route.
        let doc = app.get("/api/openapi.json", None).await.json();
        assert!(doc["paths"]["/api/v1/public/feedback"]["post"].is_object() || doc.to_string().contains("/public/feedback"));
    })
    .await;
}

#[tokio::test]
async fn citizens_answer_items_once_per_device() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let page = app
            .page(&format!("/cong-khai/dang-ky/{id}"), None)
            .await
            .text();
        assert!(page.contains("Theo bạn, các nội dung đã làm chưa?"));
        let r = app.db.portal().public_registration(id).await.unwrap();
        let item = r.items[0].id.to_string();
        let sid = id.to_string();
        let fields = [
            ("item_id", item.as_str()),
            ("registration_id", sid.as_str()),
            ("answer", "done"),
        ];
        let r = app.post_form("/cong-khai/y-kien", None, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert!(r.text().contains("Đã ghi nhận"));
        let device = r.cookie("lamtheo_thiet_bi").expect("device cookie");
        let cookie = format!("lamtheo_thiet_bi={device}");
        let again = app
            .post_form("/cong-khai/y-kien", Some(&cookie), &fields)
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        assert!(again.text().contains("đã trả lời"));
        let bad = app
            .post_form(
                "/cong-khai/y-kien",
                Some(&cookie),
                &[
                    ("item_id", &item),
                    ("registration_id", &sid),
                    ("answer", "maybe"),
                ],
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        let page = app
            .page(&format!("/cong-khai/dang-ky/{id}"), None)
            .await
            .text();
        assert!(page.contains("Người dân trả lời: 1 đã làm"), "{page}");
        // Another site's form is refused.
        let req = Request::builder()
            .method(Method::POST)
            .uri("/cong-khai/phan-anh")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "lamtheo.example")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from(format!(
                "subject_type=registration&subject_id={id}&content=abcdefghijklmno"
            )))
            .unwrap();
        assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn loudspeaker_bulletin() {
    each_backend(|app| async move {
        published(&app).await;
        let ward = app.browser("bithu.p1").await;
        let unit = app
            .page(
                &format!("/don-vi/{}", app.fx.unit("P1").id),
                Some(&ward.cookie),
            )
            .await
            .text();
        assert!(
            unit.contains("href=\"/ban-tin/P1\""),
            "a bulletin button on the unit page"
        );
        let page = app.page("/ban-tin/P1", Some(&ward.cookie)).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(
            html.contains("THÔNG BÁO") && html.contains("Nguyễn Văn Bình"),
            "{html}"
        );
        assert!(html.contains("01/01/2019") && html.contains("data:image/svg+xml;base64,"));
        // The notice is dated in words as party documents are; the period boxes carry visible labels.
        let dated = domain::text::place_date_line("", app.db.today());
        assert!(
            html.contains(&format!("<em>Phường Một, n{}</em>", &dated[1..])),
            "{dated}: {html}"
        );
        assert!(html.contains("<label for=\"tu\">Từ ngày") && html.contains("<label for=\"den\">Đến ngày"));
        // The menu marks where the bulletin lives (citizens' oversight), also in the phone's folded menu.
        assert!(html.contains("href=\"/phan-anh\" class=\"active\""));
        assert!(html.contains("Chức năng: <strong>Phản ánh</strong>"));
        assert!(
            html.contains("mười hai hộ"),
            "the script spells numbers out"
        );
        let txt = app
            .page(
                "/ban-tin/P1/kich-ban.txt?tu=01/01/2019&den=31/12/2019",
                Some(&ward.cookie),
            )
            .await;
        assert_eq!(txt.status, StatusCode::OK);
        assert!(
            !txt.text().chars().any(|c| c.is_ascii_digit()),
            "{}",
            txt.text()
        );
        assert!(txt
            .text()
            .contains("ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm mười chín"));
        let docx = app
            .page("/ban-tin/P1/thong-bao.docx", Some(&ward.cookie))
            .await;
        assert_eq!(docx.status, StatusCode::OK);
        assert!(docx.content_type().contains("wordprocessingml"));
        assert_eq!(&docx.body[..2], b"PK");
        let bad = app
            .page("/ban-tin/P1?tu=31/02/2019", Some(&ward.cookie))
            .await
            .text();
        assert!(bad.contains("Ngày bắt đầu không hợp lệ"));
        assert_eq!(
            app.page("/ban-tin/P1/khong-co.pdf", Some(&ward.cookie))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // Outside the user's subtree: not found.
        assert_eq!(
            app.page("/ban-tin/P2", Some(&ward.cookie)).await.status,
            StatusCode::NOT_FOUND
        );
        // Audio: without espeak-ng, no WAV button and a reason in a clerk's words (the command only for
        // administrators); the file's address answers 503 with the same words. With it, a WAV.
        let missing = web::router(
            app.db.clone(),
            web::WebConfig {
                espeak: "/khong-co/espeak-ng".into(),
                ..Default::default()
            },
        );
        let get = |path: &str, cookie: &str| {
            Request::get(path)
                .header(header::COOKIE, cookie)
                .body(Body::empty())
                .unwrap()
        };
        let text = |resp: axum::response::Response| async move {
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX)
                .await
                .unwrap();
            (status, String::from_utf8_lossy(&body).to_string())
        };
        let (status, html) = text(missing.clone().oneshot(get("/ban-tin/P1", &ward.cookie)).await.unwrap()).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!html.contains("am-thanh.wav"), "no WAV button without speech");
        assert!(html.contains("id=\"khong-am-thanh\"") && html.contains("hãy báo người quản trị hệ thống"));
        assert!(!html.contains("apt-get"), "ward staff see no commands");
        let admin = app.browser("admin.tu").await;
        let (_, html) = text(missing.clone().oneshot(get("/ban-tin/P1", &admin.cookie)).await.unwrap()).await;
        assert!(html.contains("Người quản trị: Cài espeak-ng") && html.contains("apt-get install espeak-ng"));
        let (status, body) = text(missing.oneshot(get("/ban-tin/P1/am-thanh.wav", &ward.cookie)).await.unwrap()).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(body.contains("hãy báo người quản trị hệ thống") && !body.contains("apt-get"), "{body}");
        let speech = office::check_speech(std::path::Path::new("espeak-ng")).is_ok();
        let html = app.page("/ban-tin/P1", Some(&ward.cookie)).await.text();
        assert_eq!(html.contains("am-thanh.wav"), speech, "the WAV button exactly when speech works");
        let wav = app
            .page("/ban-tin/P1/am-thanh.wav", Some(&ward.cookie))
            .await;
        if speech {
            assert_eq!(wav.status, StatusCode::OK, "{}", wav.text());
            assert_eq!(&wav.body[..4], b"RIFF");
        } else {
            eprintln!("espeak-ng with a Vietnamese voice is not installed here: only the message path was checked");
            assert_eq!(wav.status, StatusCode::SERVICE_UNAVAILABLE);
        }
    })
    .await;
}

#[tokio::test]
async fn behind_a_proxy_the_limit_uses_the_address_the_proxy_saw() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let proxied = web::router(
            app.db.clone(),
            web::WebConfig {
                trust_proxy: true,
                ..Default::default()
            },
        );
        let post = |spoofed: String, origin: Option<&str>| {
            let mut b = Request::builder()
                .method(Method::POST)
                .uri("/cong-khai/phan-anh")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::HOST, "10.0.0.5:8080")
                .header("x-forwarded-host", "lamtheo.bentre.gov.vn")
                .header("x-forwarded-proto", "https")
                // The client wrote the first entry; the proxy appended the real address.
                .header("x-forwarded-for", format!("{spoofed}, 198.51.100.23"));
            if let Some(o) = origin {
                b = b.header(header::ORIGIN, o);
            }
            b.body(Body::from(format!(
                "subject_type=registration&subject_id={id}&content={}",
                url::form_urlencoded::byte_serialize(TEXT.as_bytes()).collect::<String>()
            )))
            .unwrap()
        };
        let generation = app.db.generation();
        for k in 0..5 {
            let r = proxied
                .clone()
                .oneshot(post(
                    format!("10.9.9.{k}"),
                    Some("https://lamtheo.bentre.gov.vn"),
                ))
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                StatusCode::SEE_OTHER,
                "the forwarded origin is ours"
            );
        }
        assert_eq!(
            app.db.generation(),
            generation,
            "feedback waiting for moderation does not flush the portal's cache"
        );
        let r = proxied
            .clone()
            .oneshot(post("10.9.9.77".into(), None))
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::TOO_MANY_REQUESTS,
            "a spoofed first entry does not reset the limit"
        );
        let r = proxied
            .clone()
            .oneshot(post("10.9.9.78".into(), Some("https://evil.example")))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    })
    .await;
}

#[tokio::test]
async fn citizen_looks_a_tracking_code_up() {
    each_backend(|app| async move {
        let id = published(&app).await;
        let sid = id.to_string();
        let r = app
            .post_form(
                "/cong-khai/phan-anh",
                None,
                &[
                    ("subject_type", "registration"),
                    ("subject_id", &sid),
                    ("content", TEXT),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
        let track = location(&r);
        let code = track
            .strip_prefix("/cong-khai/phan-anh/")
            .and_then(|s| s.split('?').next())
            .unwrap()
            .to_string();
        let canonical = format!("/cong-khai/phan-anh/{code}");

        // The box is on the home page and in every portal page's footer.
        let home = app.page("/cong-khai", None).await.text();
        assert!(home.contains("Đã gửi phản ánh?") && home.contains("id=\"trang-chu-ma\""));
        assert!(
            home.contains("id=\"chan-trang-ma\"")
                && home.contains("action=\"/cong-khai/phan-anh\"")
        );
        let form = app.page("/cong-khai/phan-anh", None).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(
            form.text().contains("<h1>Tra cứu phản ánh</h1>")
                && !form.text().contains("role=\"alert\"")
        );

        // Typed in small letters with a dash and spaces: found.
        let typed = format!(
            " {}-{} ",
            code[..5].to_lowercase(),
            code[5..].to_lowercase()
        );
        let goes_to_the_page = |uri: String, status: StatusCode| {
            let app = app.clone();
            let canonical = canonical.clone();
            async move {
                let r = app.page(&uri, None).await;
                assert_eq!((r.status, location(&r)), (status, canonical), "{uri}");
            }
        };
        let lookup = format!("/cong-khai/phan-anh?ma={}", typed.replace(' ', "+"));
        goes_to_the_page(lookup, StatusCode::SEE_OTHER).await;
        // The same from the search box.
        let search = format!("/cong-khai/tim-kiem?q={}", code.to_lowercase());
        goes_to_the_page(search, StatusCode::SEE_OTHER).await;
        // The address typed in small letters: one canonical page.
        let typed_address = format!("/cong-khai/phan-anh/{}", code.to_lowercase());
        goes_to_the_page(typed_address, StatusCode::PERMANENT_REDIRECT).await;

        // The page carries the code, a QR code of its own address, and how to come back.
        let page = app.page(&canonical, None).await;
        assert_eq!(page.status, StatusCode::OK);
        let html = page.text();
        assert!(html.contains(&format!("<strong class=\"track-code\">{code}</strong>")));
        assert!(html.contains("class=\"tracking-qr\" src=\"data:image/svg+xml;base64,"));
        assert!(
            html.contains(&format!("http://localhost{canonical}")),
            "{html}"
        );

        // Mistyped, unknown and empty codes re-show the form with why.
        let wrong = [
            ("QL9K7BTYJO", "không phải là mã theo dõi"),
            ("abc", "không phải là mã theo dõi"),
            ("", "Hãy nhập mã theo dõi"),
        ];
        for (typed, why) in wrong {
            let r = app
                .page(&format!("/cong-khai/phan-anh?ma={typed}"), None)
                .await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{typed}");
            let html = r.text();
            assert!(
                html.contains(why) && html.contains("aria-invalid=\"true\""),
                "{html}"
            );
            assert!(looks_vietnamese(&html));
        }
        // A well-formed code nobody was given: said so (never a code of the same shape as a real one).
        let unknown = if code == "ABCDEFGHJK" {
            "ZZZZZZZZZZ"
        } else {
            "ABCDEFGHJK"
        };
        let r = app
            .page(&format!("/cong-khai/phan-anh?ma={unknown}"), None)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert!(r
            .text()
            .contains(&format!("Không có phản ánh nào mang mã {unknown}")));
        assert_eq!(
            app.page(&format!("/cong-khai/phan-anh/{unknown}"), None)
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        // A search for a code-shaped word nobody was given is an ordinary search.
        let r = app
            .page(&format!("/cong-khai/tim-kiem?q={unknown}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK);
    })
    .await;
}
