//! Uploads built to exhaust memory are refused at the door with the Vietnamese message, through the
//! import page and the API alike (OWASP ASVS V12.1: file size checked, including after decompression),
//! and nothing is written.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::{Method, StatusCode};
use common::{each_backend, hidden_field};
use flate2::{Compress, Compression, FlushCompress};

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const MESSAGE: &str = "Ô quá dài (hơn 32.767 ký tự, Excel cho phép tối đa 32.767)";

fn crc32(mut c: u32, data: &[u8]) -> u32 {
    c = !c;
    for &b in data {
        c ^= b as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn deflate(data: &[u8], last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::new();
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        out.reserve(64 * 1024);
        let done = c.total_in() as usize;
        c.compress_vec(&data[done..], &mut out, flush).unwrap();
        if c.total_in() as usize == data.len() && out.capacity() > out.len() {
            return out;
        }
    }
}

/// A ZIP package of (name, deflated bytes, size, crc) parts.
fn package(parts: &[(String, Vec<u8>, u32, u32)]) -> Vec<u8> {
    let (mut out, mut dir) = (Vec::new(), Vec::new());
    for (name, data, size, crc) in parts {
        let offset = out.len() as u32;
        for central in [false, true] {
            let h = if central { &mut dir } else { &mut out };
            h.extend(if central { 0x0201_4b50u32 } else { 0x0403_4b50 }.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes());
            }
            h.extend([20, 0, 0, 0, 8, 0, 0, 0, 0, 0]);
            h.extend(crc.to_le_bytes());
            h.extend((data.len() as u32).to_le_bytes());
            h.extend(size.to_le_bytes());
            h.extend((name.len() as u16).to_le_bytes());
            h.extend([0, 0]);
            if central {
                h.extend([0u8; 10]);
                h.extend(offset.to_le_bytes());
            }
            h.extend(name.as_bytes());
            if !central {
                h.extend(data);
            }
        }
    }
    let at = out.len() as u32;
    out.extend(&dir);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((dir.len() as u32).to_le_bytes());
    out.extend(at.to_le_bytes());
    out.extend([0, 0]);
    out
}

fn part(name: &str, content: &str) -> (String, Vec<u8>, u32, u32) {
    let b = content.as_bytes();
    (name.into(), deflate(b, true), b.len() as u32, crc32(0, b))
}

/// The probe's 22 KB member file: one shared string of 20 MB referenced by the name cell of 100 rows.
fn bomb() -> Vec<u8> {
    let header: String = office::MEMBER_HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| {
            format!(
                r#"<c r="{}1" t="inlineStr"><is><t>{h}</t></is></c>"#,
                (b'A' + i as u8) as char
            )
        })
        .collect();
    let rows: String = (2..=101)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P1-C1</t></is></c><c r="B{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    let (head, tail) = (
        format!(r#"<sst xmlns="{NS}" count="100" uniqueCount="1"><si><t>"#),
        "</t></si></sst>",
    );
    let unit = vec![b'A'; 1024 * 1024];
    let mut strings = deflate(head.as_bytes(), false);
    let unit_z = deflate(&unit, false);
    let mut crc = crc32(0, head.as_bytes());
    for _ in 0..20 {
        strings.extend_from_slice(&unit_z);
        crc = crc32(crc, &unit);
    }
    strings.extend(deflate(tail.as_bytes(), true));
    crc = crc32(crc, tail.as_bytes());
    let size = (head.len() + 20 * unit.len() + tail.len()) as u32;
    package(&[
        part(
            "[Content_Types].xml",
            r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>"#,
        ),
        part(
            "_rels/.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
        ),
        part(
            "xl/workbook.xml",
            &format!(
                r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
        ),
        part(
            "xl/_rels/workbook.xml.rels",
            &format!(
                r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
            ),
        ),
        part(
            "xl/worksheets/sheet1.xml",
            &format!(
                r#"<worksheet xmlns="{NS}"><sheetData><row r="1">{header}</row>{rows}</sheetData></worksheet>"#
            ),
        ),
        ("xl/sharedStrings.xml".into(), strings, size, crc),
    ])
}

#[test]
fn the_bomb_is_small_and_otherwise_a_workbook() {
    let bytes = bomb();
    assert!(bytes.len() < 40_000, "{} bytes", bytes.len());
    // It is refused for the cell, not for being unreadable.
    let e = office::parse_members("bom.xlsx", &bytes, chrono::NaiveDate::MIN).unwrap_err();
    assert_eq!(e.to_string(), MESSAGE);
}

#[tokio::test]
async fn a_bomb_uploaded_to_the_import_page_is_refused_with_the_message() {
    each_backend(|app| async move {
        let b = app.browser("bithu.p1").await;
        let page = app.page("/nhap-du-lieu", Some(&b.cookie)).await;
        let csrf = hidden_field(&page.text(), "csrf").unwrap();
        let (count, bytes) = (app.member_count().await, bomb());
        for dry in [true, false] {
            let mut fields = vec![("csrf", csrf.as_str()), ("kind", "members")];
            if dry {
                fields.push(("dry_run", "1"));
            }
            let r = app
                .post_multipart(
                    "/nhap-du-lieu",
                    Some(&b.cookie),
                    &fields,
                    Some(("file", "dang-vien.xlsx", &bytes)),
                )
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
            assert!(r.text().contains(MESSAGE), "{}", r.text());
        }
        assert_eq!(app.member_count().await, count);
    })
    .await;
}

#[tokio::test]
async fn a_bomb_posted_to_the_api_is_refused_with_the_message() {
    each_backend(|app| async move {
        let token = app.token("bithu.p1").await;
        let (count, bytes) = (app.member_count().await, bomb());
        for (what, dry) in [("members", "true"), ("members", "false"), ("units", "true")] {
            let r = app
                .raw(
                    Method::POST,
                    &format!("/api/v1/import/{what}?filename=bom.xlsx&dry_run={dry}"),
                    Some(&token),
                    Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
                    bytes.clone(),
                )
                .await;
            if what == "units" && r.status == StatusCode::FORBIDDEN {
                continue; // a ward secretary may not import units
            }
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{what}: {}",
                r.text()
            );
            assert!(r.text().contains(MESSAGE), "{what}: {}", r.text());
        }
        assert_eq!(app.member_count().await, count);
    })
    .await;
}
