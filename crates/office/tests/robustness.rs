//! Arbitrary input never panics; large files parse fast.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use common::*;
use office::{members_template_xlsx, parse_members, parse_units, read_table};
use proptest::prelude::*;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Bytes that look like CSV: delimiters, quotes, line breaks, digits, Vietnamese text, BOMs.
fn csvish() -> impl Strategy<Value = Vec<u8>> {
    let pieces = proptest::sample::select(vec![
        ",",
        ";",
        "\t",
        "\"",
        "\"\"",
        "\n",
        "\r\n",
        "\r",
        " ",
        "0",
        "9",
        "/",
        "-",
        "+84",
        "'=",
        "31/02/2020",
        "12/03/1985",
        "Nữ",
        "Nam",
        "Đảng",
        "ễ",
        "e\u{303}",
        "P7",
        "083185001234",
        "Mã đơn vị",
        "Họ và tên",
        "Số CCCD",
        "sep=",
        "\u{feff}",
    ]);
    proptest::collection::vec(pieces, 0..60).prop_map(|v| v.concat().into_bytes())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        for name in ["x.csv", "x.xlsx"] {
            let _ = read_table(name, &bytes);
            let _ = parse_members(name, &bytes, today());
            let _ = parse_units(name, &bytes);
        }
    }

    #[test]
    fn zip_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        let _ = read_table("x.bin", &bytes);
        let _ = parse_members("x.bin", &bytes, today());
    }

    #[test]
    fn csv_like_text_never_panics(bytes in csvish()) {
        let _ = read_table("x.csv", &bytes);
        let _ = parse_members("x.csv", &bytes, today());
        let _ = parse_units("x.csv", &bytes);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(bytes.iter().flat_map(|b| [*b, 0]));
        let _ = parse_members("x.csv", &utf16, today());
    }

    #[test]
    fn member_file_with_random_cells_never_panics(cells in proptest::collection::vec(
        proptest::collection::vec("[0-9/+ .a-zđĐ;-]{0,14}", 11), 0..8)) {
        let mut text = String::from(MEMBER_HEADER);
        for row in cells {
            text.push('\n');
            text.push_str(&row.join(","));
        }
        let p = parse_members("x.csv", text.as_bytes(), today()).unwrap();
        for e in &p.errors {
            prop_assert!(e.line >= 2);
        }
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// A real workbook with random bytes overwritten: never a panic, at worst an error.
    #[test]
    fn damaged_xlsx_never_panics(edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8)) {
        let mut bytes = members_template_xlsx().unwrap();
        for (i, b) in edits {
            let at = i.index(bytes.len());
            bytes[at] = b;
        }
        let _ = parse_members("x.xlsx", &bytes, today());
    }
}

fn big_members_csv(n: usize) -> Vec<u8> {
    let mut s = String::with_capacity(n * 150);
    s.push_str(MEMBER_HEADER);
    s.push_str("\r\n");
    for i in 0..n {
        s.push_str(&format!(
            "P7-CB{},Nguyễn Thị Thu Hà {},12/03/1985,Nữ,{:08},{:012},03/02/2010,03/02/2011,\"Bí thư Chi bộ; Tổ trưởng tổ dân phố\",09{:08},15/08/2020\r\n",
            i % 300,
            i,
            i,
            i,
            i
        ));
    }
    s.into_bytes()
}

fn throughput(n: usize) -> f64 {
    let bytes = big_members_csv(n);
    let start = Instant::now();
    let p = parse_members("big.csv", &bytes, today()).unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert!(
        p.errors.is_empty(),
        "{:?}",
        &p.errors[..p.errors.len().min(3)]
    );
    assert_eq!(p.rows.len(), n);
    n as f64 / secs
}

#[test]
fn many_rows_parse() {
    // Correctness at moderate size (also in debug builds); speed is checked by the ignored test.
    let rate = throughput(20_000);
    eprintln!("{rate:.0} rows/s (debug builds are much slower)");
}

/// `cargo test -p office --release --test robustness -- --ignored`
#[test]
#[ignore = "performance: run in release"]
fn a_million_rows_per_few_seconds() {
    let rate = throughput(1_000_000);
    eprintln!("{rate:.0} rows/s");
    assert!(rate > 200_000.0, "{rate:.0} rows/s");
}
