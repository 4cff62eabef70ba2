//! The committee's pages: the registration table of a unit (counts, percentages in Vietnamese
//! formatting, drill-down, heads registered late, the 20 % warning), the list of registrations, the copy
//! clusters with the texts side by side and the differing words marked, the XLSX, and scope (another
//! ward's secretary and members get the "not found" page), on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, TestApp};
use domain::registration::Rating;
use serde_json::{json, Value};
use store::Actor;

const YEAR: i32 = 2026;

/// Mai's registration: two specific items and one vague item.
fn mai_items() -> Value {
    json!([
        {"content": "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1", "duty": "Công tác dân vận", "target": "15 hộ", "deadline": "2026-09-30"},
        {"content": "Giải quyết dứt điểm đơn thư khiếu nại của công dân thuộc thẩm quyền", "duty": "Công tác chuyên môn", "target": "100% đơn thư", "deadline": "2026-12-31"},
        {"content": "Chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước", "duty": "", "target": "", "deadline": ""}
    ])
}

/// Phúc's: Mai's pasted, with two numbers changed.
fn phuc_items() -> Value {
    let mut v = mai_items();
    v[0]["content"] = json!("Vận động 20 hộ dân hiến đất mở rộng hẻm 5, khu phố 1");
    v[0]["target"] = json!("20 hộ");
    v
}

fn binh_items() -> Value {
    json!([
        {"content": "Kèm cặp học sinh yếu môn Toán lớp 9A để nâng tỷ lệ đạt trung bình", "duty": "Công tác chuyên môn", "target": "95% học sinh", "deadline": "2026-12-31"},
        {"content": "Viết sáng kiến kinh nghiệm về phương pháp dạy học hình học", "duty": "Công tác chuyên môn", "target": "01 sáng kiến", "deadline": "2026-12-31"}
    ])
}

fn hong_items() -> Value {
    json!([
        {"content": "Tổ chức 04 buổi tuyên truyền phòng chống cháy nổ cho các hộ kinh doanh chợ phường", "duty": "Công tác dân vận", "target": "04 buổi", "deadline": "2026-10-31"},
        {"content": "Lắp đặt 10 camera an ninh tại các tuyến hẻm của khu phố", "duty": "Công tác dân vận", "target": "10 camera", "deadline": "2026-11-30"}
    ])
}

async fn post(app: &TestApp, uri: &str, token: &str, body: Value) -> common::Resp {
    app.api(Method::POST, uri, Some(token), Some(&body)).await
}

/// Creates a registration (as the admin) and checks which items carry flags; returns its id.
async fn create(app: &TestApp, admin: &str, member: &str, items: Value, flagged: &[bool]) -> i64 {
    let m = app.fx.member(member).id;
    let r = post(
        app,
        "/api/v1/registrations",
        admin,
        json!({"member_id": m, "year": YEAR, "items": items}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{member}: {}", r.text());
    let v = r.json();
    for (k, want) in flagged.iter().enumerate() {
        let flags: Vec<&str> = v["items"][k]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["flag"].as_str().unwrap())
            .filter(|f| *f != "copied")
            .collect();
        assert_eq!(!flags.is_empty(), *want, "{member} item {k}: {flags:?}");
    }
    v["id"].as_i64().unwrap()
}

async fn act(app: &TestApp, token: &str, id: i64, action: &str, body: Value) {
    let r = post(
        app,
        &format!("/api/v1/registrations/{id}/{action}"),
        token,
        body,
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{action} {id}: {}", r.text());
}

struct Data {
    binh: i64,
    mai: i64,
    phuc: i64,
    hong: i64,
}

/// P1-C1: Bình (the cell's secretary, a head) keeps a draft, Mai submits and is approved, Phúc pastes
/// Mai's text and submits. P1-C2: Hồng (a head) is approved by the ward, assessed done on both items and
/// rated "xuất sắc". P2 has nothing.
async fn dataset(app: &TestApp) -> Data {
    let admin = app.token("admin.tu").await;
    let mai = create(
        app,
        &admin,
        "Trần Thị Mai",
        mai_items(),
        &[false, false, true],
    )
    .await;
    let phuc = create(
        app,
        &admin,
        "Lê Hoàng Phúc",
        phuc_items(),
        &[false, false, true],
    )
    .await;
    let binh = create(
        app,
        &admin,
        "Nguyễn Văn Bình",
        binh_items(),
        &[false, false],
    )
    .await;
    let hong = create(
        app,
        &admin,
        "Nguyễn Thị Hồng",
        hong_items(),
        &[false, false],
    )
    .await;
    for id in [mai, phuc, hong] {
        act(app, &admin, id, "submit", json!({})).await;
    }
    let cell = app.token("bithu.p1c1").await;
    act(app, &cell, mai, "approve", json!({})).await;
    let ward = app.token("bithu.p1").await;
    act(app, &ward, hong, "approve", json!({})).await;
    act(
        app,
        &ward,
        hong,
        "assess",
        json!({"items": [{"position": 1, "outcome": "done"}, {"position": 2, "outcome": "done"}]}),
    )
    .await;
    // The cell proposes (an office account of P1-C2, built here), the ward decides as proposed
    // (docs/DOMAIN.md § Rating).
    let hong_m = app.fx.member("Nguyễn Thị Hồng");
    let admin_p = app.principal(&admin).await;
    let cell_b = domain::policy::Principal {
        role: domain::Role::Office,
        username: "office.p1c2".into(),
        unit_path: hong_m.unit_path.clone(),
        member_id: None,
        ..admin_p
    };
    app.db
        .registrations()
        .propose_rating(
            &Actor::system("test"),
            &cell_b,
            hong_m.id,
            YEAR,
            Rating::Excellent,
            "Có mô hình camera an ninh được phường nhân rộng",
        )
        .await
        .unwrap();
    let p = app.principal(&ward).await;
    app.db
        .registrations()
        .rate_member(
            &Actor::system("test"),
            &p,
            hong_m.id,
            YEAR,
            Rating::Excellent,
            "",
        )
        .await
        .unwrap();
    Data {
        binh,
        mai,
        phuc,
        hong,
    }
}

/// The text of an HTML fragment without tags, whitespace collapsed.
fn strip(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The inner HTML of the table with this id.
fn table<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no table {id}"));
    let end = html[start..].find("</table>").unwrap() + start;
    &html[start..end]
}

/// The cells (text) of the first row of a table whose first cell contains `first`.
fn row(html: &str, table_id: &str, first: &str) -> Vec<String> {
    let t = table(html, table_id);
    for tr in t.split("<tr").skip(1) {
        let cells: Vec<String> = tr
            .split("<td")
            .skip(1)
            .map(|c| strip(&format!("<td{c}")))
            .collect();
        if cells.first().is_some_and(|c| c.contains(first)) {
            return cells;
        }
    }
    panic!("no row {first:?} in {table_id}: {}", strip(t));
}

fn report_uri(app: &TestApp, unit: &str, extra: &str) -> String {
    format!(
        "/dang-ky/bao-cao?don-vi={}&nam={YEAR}{extra}",
        app.fx.unit(unit).id
    )
}

#[tokio::test]
async fn report_counts_drill_down_and_list() {
    each_backend(|app| async move {
        let d = dataset(&app).await;
        let b = app.browser("bithu.p1").await;

        // The ward's table, one row per cell.
        let r = app.page(&report_uri(&app, "P1", ""), Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(html.contains("Đăng ký học tập và làm theo năm 2026 — Đảng bộ Phường Một"));
        assert!(html.contains("31/03/2026"), "deadline");
        // Each cell drawn: on time and specific; the table's less used columns wait behind a toggle.
        assert!(html.contains("aria-labelledby=\"bd-dang-ky-don-vi\""));
        assert!(
            html.contains("<title>Chi bộ Khu phố Một A — Đăng ký đúng hạn: "),
            "{html}"
        );
        assert!(html.contains("<title>Chi bộ Khu phố Một A — Nội dung cụ thể: "));
        assert!(
            html.contains("<label for=\"hien-du-cot\"")
                && html.contains("<th class=\"num extra\">Chờ duyệt</th>")
        );
        // Columns: unit, should register, registered, on time, specific, tied, copied, done, submitted,
        // returned, drafts, excellent, good, completed, not completed, heads late.
        let a = row(&html, "bang-dang-ky", "Chi bộ Khu phố Một A");
        assert_eq!(
            &a[1..],
            ["3", "3", "0%", "75%", "75%", "66,7%", "0%", "1", "0", "1", "0", "0", "0", "0", "1"],
            "{a:?}"
        );
        let bb = row(&html, "bang-dang-ky", "Chi bộ Khu phố Một B");
        assert_eq!(
            &bb[1..],
            [
                "3", "1", "0%", "100%", "100%", "0%", "100%", "0", "0", "0", "1", "0", "0", "0",
                "0"
            ],
            "{bb:?}"
        );
        let t = row(&html, "bang-dang-ky", "Toàn Đảng bộ Phường Một");
        assert_eq!(
            &t[1..],
            ["6", "4", "0%", "80%", "80%", "50%", "40%", "1", "0", "1", "1", "0", "0", "0", "1"],
            "{t:?}"
        );
        // Low figures in red, with the thresholds in the legend.
        let a_html = table(&html, "bang-dang-ky");
        assert!(a_html.contains("class=\"num bad\">75%"), "{a_html}");
        assert!(a_html.contains("class=\"num bad\">66,7%"));
        assert!(html.contains("dưới 80%") && html.contains("trên 10%"));
        // Cells have no sub-units: they link to their own list.
        let cell_a = app.fx.unit("P1-C1").id;
        assert!(html.contains(&format!(
            "href=\"/dang-ky/bao-cao?don-vi={cell_a}&#38;nam=2026#danh-sach\""
        )));
        // The 20 % warning of the grassroots unit: 1 "xuất sắc", 0 "tốt".
        assert!(html.contains("id=\"canh-bao-20\""), "{html}");
        assert!(html.contains("vượt quá 20%"));
        // Heads registered late: Bình has not submitted while Mai has.
        let late = row(&html, "dung-dau-dang-ky-sau", "Chi bộ Khu phố Một A");
        assert_eq!(late[1], "Nguyễn Văn Bình");
        assert_eq!(late[2], "chưa nộp");
        assert_eq!(late[3], "27/11/2026");
        // No list on a ward's table unless asked.
        assert!(!html.contains("id=\"bang-danh-sach\""));
        assert!(html.contains("/dang-ky/bao-cao.xlsx?don-vi="));
        assert!(html.contains("/dang-ky/trung-lap?don-vi="));

        // Drill-down from the city: the ward links to its own table.
        let admin = app.browser("admin.tu").await;
        let r = app
            .page(&report_uri(&app, "TU", ""), Some(&admin.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        let p1 = app.fx.unit("P1").id;
        assert!(html.contains(&format!(
            "href=\"/dang-ky/bao-cao?don-vi={p1}&#38;nam=2026\""
        )));
        let p1_row = row(&html, "bang-dang-ky", "Đảng bộ Phường Một");
        assert!(
            p1_row[0].contains("vượt quá 20%"),
            "warning beside the grassroots unit: {p1_row:?}"
        );
        let p2_row = row(&html, "bang-dang-ky", "Đảng bộ Phường Hai");
        assert_eq!(&p2_row[1..4], ["3", "0", "0%"]);
        // Without a year the newest year with registrations is shown.
        let r = app
            .page(
                &format!("/dang-ky/bao-cao?don-vi={p1}"),
                Some(&admin.cookie),
            )
            .await;
        assert!(r.text().contains("năm 2026"));
        // Another year: empty, but the page answers.
        let r = app
            .page(
                &format!("/dang-ky/bao-cao?don-vi={p1}&nam=2019"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let empty = row(&r.text(), "bang-dang-ky", "Chi bộ Khu phố Một A");
        assert_eq!(empty[2], "0");
        // A malformed year is a bad address.
        let r = app
            .page(
                &format!("/dang-ky/bao-cao?don-vi={p1}&nam=abc"),
                Some(&admin.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);

        // A cell: its table has its own line and the list, sorted by given name.
        let r = app
            .page(&report_uri(&app, "P1-C1", ""), Some(&b.cookie))
            .await;
        assert_eq!(r.status, StatusCode::OK);
        let html = r.text();
        let list = table(&html, "bang-danh-sach");
        let pos = |id: i64| {
            list.find(&format!("href=\"/dang-ky/{id}\""))
                .unwrap_or_else(|| panic!("{id} not listed: {}", strip(list)))
        };
        assert!(pos(d.binh) < pos(d.mai) && pos(d.mai) < pos(d.phuc));
        let mai = row(&html, "bang-danh-sach", "Trần Thị Mai");
        // Name, unit, status, submitted, on time, items, flags, result, suggested, rating.
        assert_eq!(mai[1], "Chi bộ Khu phố Một A");
        assert_eq!(mai[2], "Đã duyệt");
        assert_eq!(mai[3], "27/11/2026");
        assert_eq!(mai[4], "sau hạn");
        assert_eq!(mai[5], "3");
        assert!(mai[6].contains("Chung chung: 1"), "{mai:?}");
        assert!(mai[6].contains("Chưa có chỉ tiêu: 1"), "{mai:?}");
        let binh = row(&html, "bang-danh-sach", "Nguyễn Văn Bình");
        assert_eq!(binh[2], "Đang soạn");
        assert_eq!(binh[3], "chưa nộp");
        assert!(binh[0].contains("Người đứng đầu"));
        let phuc = row(&html, "bang-danh-sach", "Lê Hoàng Phúc");
        assert_eq!(phuc[2], "Chờ duyệt");
        assert!(phuc[6].contains("Trùng lặp"), "{phuc:?}");

        // The ward's list on request: all four, Hồng rated.
        let r = app
            .page(&report_uri(&app, "P1", "&danh-sach=1"), Some(&b.cookie))
            .await;
        let html = r.text();
        let list = table(&html, "bang-danh-sach");
        for id in [d.binh, d.mai, d.phuc, d.hong] {
            assert!(list.contains(&format!("href=\"/dang-ky/{id}\"")), "{id}");
        }
        assert!(html.contains("Danh sách bản đăng ký (4)"));
        let hong = row(&html, "bang-danh-sach", "Nguyễn Thị Hồng");
        assert_eq!(hong[7], "100%");
        assert_eq!(hong[8], "Hoàn thành tốt nhiệm vụ");
        assert_eq!(hong[9], "Hoàn thành xuất sắc nhiệm vụ");
    })
    .await;
}

#[tokio::test]
async fn clusters_show_texts_side_by_side() {
    each_backend(|app| async move {
        let d = dataset(&app).await;
        let b = app.browser("bithu.p1").await;
        let uri = format!(
            "/dang-ky/trung-lap?don-vi={}&nam={YEAR}",
            app.fx.unit("P1").id
        );
        let r = app.page(&uri, Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let html = r.text();
        assert!(
            html.contains("Nhóm 1: 2 bản đăng ký, giống nhau từ "),
            "{html}"
        );
        assert!(!html.contains("Nhóm 2"));
        assert!(html.contains("trong cùng đơn vị"));
        // Both texts, each column linking to its registration.
        assert!(html.contains(&format!("href=\"/dang-ky/{}\"", d.mai)));
        assert!(html.contains(&format!("href=\"/dang-ky/{}\"", d.phuc)));
        assert!(!html.contains(&format!("href=\"/dang-ky/{}\"", d.binh)));
        assert!(html.contains("Vận động 15 hộ dân"));
        assert!(html.contains("Giải quyết dứt điểm đơn thư khiếu nại"));
        // Phúc's differing words are marked against Mai's (the first); common words are not.
        assert!(html.contains("Vận động <mark>20</mark> hộ dân"), "{html}");
        assert!(html.contains("hẻm <mark>5,</mark> khu phố 1"), "{html}");
        assert!(!html.contains("<mark>15</mark>"));
        assert!(!html.contains("<mark>Vận"));
        let section = &html[html.find("id=\"nhom-1\"").unwrap()..];
        assert_eq!(
            section.matches("<mark>").count(),
            3,
            "20, 5 and the target's 20"
        );

        // Another year has none.
        let r = app
            .page(
                &format!(
                    "/dang-ky/trung-lap?don-vi={}&nam=2019",
                    app.fx.unit("P1").id
                ),
                Some(&b.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r
            .text()
            .contains("Không phát hiện bản đăng ký trùng lặp trong năm 2019"));
    })
    .await;
}

#[tokio::test]
async fn xlsx_lists_every_registration() {
    each_backend(|app| async move {
        dataset(&app).await;
        let b = app.browser("bithu.p1").await;
        let uri = format!(
            "/dang-ky/bao-cao.xlsx?don-vi={}&nam={YEAR}",
            app.fx.unit("P1").id
        );
        let r = app.page(&uri, Some(&b.cookie)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(
            r.content_type(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        assert!(r
            .header("content-disposition")
            .unwrap()
            .contains("attachment"));
        let t = office::read_table("dang-ky.xlsx", &r.body).unwrap();
        let rows: Vec<Vec<String>> = t.rows.iter().map(|r| r.cells.clone()).collect();
        let header = rows
            .iter()
            .position(|r| r.first().is_some_and(|c| c == "STT"))
            .expect("header row");
        assert_eq!(rows[header][3], "Chức vụ");
        let data = &rows[header + 1..];
        assert_eq!(data.len(), 4, "{data:?}");
        // By unit (Một A before Một B), then by given name.
        let names: Vec<&str> = data.iter().map(|r| r[1].as_str()).collect();
        assert_eq!(
            names,
            [
                "Nguyễn Văn Bình",
                "Trần Thị Mai",
                "Lê Hoàng Phúc",
                "Nguyễn Thị Hồng"
            ]
        );
        assert_eq!(data[0][3], "Bí thư Chi bộ");
        assert_eq!(data[0][4], "Đang soạn");
        assert_eq!(data[1][7], "3");
        assert_eq!(data[1][8], "1", "one flagged item");
        assert_eq!(data[3][11], "Hoàn thành xuất sắc nhiệm vụ");
    })
    .await;
}

#[tokio::test]
async fn other_wards_and_members_get_not_found() {
    each_backend(|app| async move {
        dataset(&app).await;
        let ward = app.browser("bithu.p1").await;
        let member = app.browser("dangvien.p1c1").await;
        let p2 = app.fx.unit("P2").id;
        let tu = app.fx.unit("TU").id;
        let own = app.fx.unit("P1-C1").id;
        for (who, unit) in [(&ward, p2), (&ward, tu), (&member, own), (&member, p2)] {
            for base in [
                "/dang-ky/bao-cao",
                "/dang-ky/bao-cao.xlsx",
                "/dang-ky/trung-lap",
            ] {
                let uri = format!("{base}?don-vi={unit}&nam={YEAR}");
                let r = app.page(&uri, Some(&who.cookie)).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}: {}", r.text());
                assert!(r.text().contains("Không tìm thấy"), "{uri}");
                assert!(!r.text().contains("Trần Thị Mai"), "{uri} leaks a name");
            }
        }
        // A member's default unit is refused too.
        for base in [
            "/dang-ky/bao-cao",
            "/dang-ky/bao-cao.xlsx",
            "/dang-ky/trung-lap",
        ] {
            let r = app.page(base, Some(&member.cookie)).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{base}");
        }
        // Without a session: the login wall.
        let r = app
            .page(&format!("/dang-ky/bao-cao?don-vi={own}"), None)
            .await;
        assert!(r.status.is_redirection(), "{}", r.status);
        // The ward's own secretary reads its cells.
        let r = app
            .page(
                &format!("/dang-ky/trung-lap?don-vi={own}&nam={YEAR}"),
                Some(&ward.cookie),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn the_page_gives_the_day_a_later_pledge_was_added() {
    testkit::each_backend(|url, backend| async move {
        let (app, id) = common::pledged_later(&url, backend).await;
        let b = app.browser("admin.db").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let text = strip(&page.text());
        assert!(
            text.contains("Cam kết không vi phạm 27 biểu hiện suy thoái"),
            "{text}"
        );
        assert!(
            text.contains(
                "Cam kết bổ sung ngày 05/12/2016 (Nghị quyết Trung ương 4 khóa XII ban hành ngày 30/10/2016)"
            ),
            "{text}"
        );
        app.db.close().await;
    })
    .await;
}

#[tokio::test]
async fn a_pledge_made_when_written_has_no_date_line() {
    each_backend(|app| async move {
        let admin = app.token("admin.tu").await;
        let id = create(
            &app,
            &admin,
            "Trần Thị Mai",
            mai_items(),
            &[false, false, true],
        )
        .await;
        let b = app.browser("admin.tu").await;
        let page = app.page(&format!("/dang-ky/{id}"), Some(&b.cookie)).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let text = strip(&page.text());
        assert!(
            text.contains("Cam kết không vi phạm 27 biểu hiện suy thoái"),
            "{text}"
        );
        assert!(!text.contains("Cam kết bổ sung"), "{text}");
    })
    .await;
}
