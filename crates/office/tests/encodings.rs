//! CSV encodings and delimiters: every variant of the same Vietnamese file reads the same.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use encoding_rs::WINDOWS_1258;
use office::{parse_members, read_table, MemberRow};
use unicode_normalization::UnicodeNormalization;

/// A sample with many Vietnamese letters and tones (ễ, ằ, ự, Đ, ỹ …).
fn sample_text(delimiter: char) -> String {
    let rows = [
        MEMBER_HEADER.to_string(),
        GOOD.to_string(),
        "P7-CB1,Đặng Hữu Lực,01/01/1960,Nam,79000002,083060000002,19/05/1985,19/05/1986,Phó Bí thư; Trưởng ấp,0988 777 666,".to_string(),
        "P7-CB2,Trương Mỹ Nguyệt Ánh,29/02/1988,Nữ,,083188000003,02/09/2012,,Đảng viên dự bị,,".to_string(),
    ];
    rows.iter()
        .map(|r| {
            r.split(',')
                .map(|c| {
                    if c.contains(delimiter) {
                        format!("\"{c}\"")
                    } else {
                        c.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(&delimiter.to_string())
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

fn expected() -> Vec<MemberRow> {
    let p = parse_members("x.csv", sample_text(',').as_bytes(), today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 3);
    assert_eq!(p.rows[1].full_name, "Đặng Hữu Lực");
    assert_eq!(p.rows[2].official_on, None);
    p.rows
}

fn check(bytes: &[u8]) {
    let p = parse_members("danh-sach.csv", bytes, today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows, expected());
    let t = read_table("danh-sach.csv", bytes).unwrap();
    assert_eq!(t.headers[0], "Mã đơn vị");
    assert_eq!(t.header_line, 1);
    assert_eq!(t.rows.len(), 3);
    assert_eq!(t.rows[0].line, 2);
}

#[test]
fn utf8_without_bom() {
    check(sample_text(',').as_bytes());
}

#[test]
fn utf8_with_bom() {
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(sample_text(',').as_bytes());
    check(&b);
}

#[test]
fn utf16_le_with_bom() {
    let mut b = vec![0xFF, 0xFE];
    for u in sample_text(',').encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    check(&b);
}

#[test]
fn utf16_be_with_bom() {
    let mut b = vec![0xFE, 0xFF];
    for u in sample_text(',').encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    check(&b);
}

#[test]
fn utf16_le_without_bom() {
    let mut b = Vec::new();
    for u in sample_text(';').encode_utf16() {
        b.extend_from_slice(&u.to_le_bytes());
    }
    check(&b);
}

/// Windows-1258 has the base letters (ê, ơ, ư, ă, â, đ) precomposed and the five tones only as
/// combining marks, which is how Vietnamese Windows software writes it.
fn to_windows_1258_form(s: &str) -> String {
    const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
    let mut out = String::new();
    let mut base = String::new();
    let mut tones = String::new();
    let flush = |out: &mut String, base: &mut String, tones: &mut String| {
        out.extend(base.nfc());
        out.push_str(tones);
        base.clear();
        tones.clear();
    };
    for c in s.nfd() {
        if TONES.contains(&c) {
            tones.push(c);
        } else if unicode_normalization::char::is_combining_mark(c) {
            base.push(c);
        } else {
            flush(&mut out, &mut base, &mut tones);
            base.push(c);
        }
    }
    flush(&mut out, &mut base, &mut tones);
    out
}

#[test]
fn windows_1258() {
    let text = to_windows_1258_form(&sample_text(','));
    assert_ne!(
        text,
        text.nfc().collect::<String>(),
        "tones must be combining marks"
    );
    let (bytes, _, had_unmappable) = WINDOWS_1258.encode(&text);
    assert!(!had_unmappable, "fixture must be pure Windows-1258");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "must exercise the fallback"
    );
    check(&bytes);
}

#[test]
fn windows_1258_semicolons() {
    let text = to_windows_1258_form(&sample_text(';'));
    let (bytes, _, had_unmappable) = WINDOWS_1258.encode(&text);
    assert!(!had_unmappable);
    check(&bytes);
}

#[test]
fn semicolon_separated() {
    check(sample_text(';').as_bytes());
}

#[test]
fn semicolon_separated_with_excel_sep_line() {
    let text = format!("sep=;\r\n{}", sample_text(';'));
    check(text.as_bytes());
}

#[test]
fn tab_separated() {
    check(sample_text('\t').as_bytes());
}

#[test]
fn lf_line_endings_and_trailing_newline() {
    let text = sample_text(',').replace("\r\n", "\n") + "\n\n";
    check(text.as_bytes());
}

#[test]
fn leading_zeros_are_kept_in_csv() {
    let t = read_table("x.csv", b"a,b\n0912345678,007\n").unwrap();
    assert_eq!(t.rows[0].cells, ["0912345678", "007"]);
}
