//! Property tests for `domain::speech` (read-aloud Vietnamese).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;

use chrono::NaiveDate;
use domain::speech::{date_words, decimal_words, number_words, spoken};
use domain::text::format_int;
use proptest::prelude::*;

/// Every word `number_words` may use.
const VOCABULARY: [&str; 20] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười", "mươi", "mốt",
    "tư", "lăm", "trăm", "linh", "nghìn", "triệu", "tỷ",
];

/// Reads Vietnamese number words back into a number, written independently of the implementation
/// (a reading is a sum of groups times scales; "tỷ" multiplies everything read before it).
fn parse_words(s: &str) -> Option<u64> {
    let mut big: u128 = 0; // whole billions read so far, times 10^9
    let mut below_billion: u128 = 0; // groups with "nghìn" / "triệu" since the last "tỷ"
    let mut group: u128 = 0; // hundreds and tens of the current group
    let mut pending: u128 = 0; // the last digit word
    for w in s.split(' ') {
        match w {
            "không" => pending = 0,
            "một" | "mốt" => pending = 1,
            "hai" => pending = 2,
            "ba" => pending = 3,
            "bốn" | "tư" => pending = 4,
            "năm" | "lăm" => pending = 5,
            "sáu" => pending = 6,
            "bảy" => pending = 7,
            "tám" => pending = 8,
            "chín" => pending = 9,
            "trăm" => {
                group += pending * 100;
                pending = 0;
            }
            "mươi" => {
                group += pending * 10;
                pending = 0;
            }
            "mười" => group += 10,
            "linh" => {}
            "nghìn" | "triệu" => {
                let scale = if w == "nghìn" { 1_000 } else { 1_000_000 };
                below_billion += (group + pending) * scale;
                group = 0;
                pending = 0;
            }
            "tỷ" => {
                big = (big + below_billion + group + pending).checked_mul(1_000_000_000)?;
                below_billion = 0;
                group = 0;
                pending = 0;
            }
            _ => return None,
        }
    }
    u64::try_from(big + below_billion + group + pending).ok()
}

#[test]
fn injective_and_readable_back_below_200_000() {
    let mut seen = HashSet::with_capacity(200_000);
    for n in 0..200_000u64 {
        let w = number_words(n);
        assert_eq!(parse_words(&w), Some(n), "{n}: {w}");
        assert!(seen.insert(w), "{n} reads like a smaller number");
    }
}

#[test]
fn parser_agrees_with_hand_written_examples() {
    assert_eq!(parse_words("một nghìn không trăm linh năm"), Some(1_005));
    assert_eq!(parse_words("hai mươi mốt"), Some(21));
    assert_eq!(parse_words("một nghìn tỷ"), Some(1_000_000_000_000));
    assert_eq!(
        parse_words("một triệu không trăm linh một"),
        Some(1_000_001)
    );
}

fn vietnamese_text() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        "[0-9]{1,6}",
        "[0-9]{1,3}(\\.[0-9]{3}){0,3}(,[0-9]{1,3})?",
        "[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}",
        "[0-9]{1,2}/[0-9]{4}",
        Just("ngày".to_owned()),
        Just("tháng".to_owned()),
        Just("năm".to_owned()),
        Just("UBND".to_owned()),
        Just("P.".to_owned()),
        Just("m2".to_owned()),
        Just("km".to_owned()),
        Just("đ".to_owned()),
        Just("%".to_owned()),
        Just("CT/TW".to_owned()),
        "[a-zA-ZđĐàảãáạăâêôơư]{1,8}",
        "[.,/% ]{1,3}",
    ];
    prop::collection::vec(token, 0..12).prop_map(|tokens| tokens.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn number_words_is_vocabulary_only_and_reads_back(n in any::<u64>()) {
        let w = number_words(n);
        prop_assert!(!w.is_empty());
        prop_assert!(!w.bytes().any(|b| b.is_ascii_digit()));
        for word in w.split(' ') {
            prop_assert!(VOCABULARY.contains(&word), "{n}: unknown word {word:?} in {w:?}");
        }
        prop_assert_eq!(parse_words(&w), Some(n), "{}", w);
    }

    #[test]
    fn readings_below_a_quadrillion_read_back(n in 0u64..1_000_000_000_000_000) {
        let w = number_words(n);
        prop_assert_eq!(parse_words(&w), Some(n), "{}", w);
    }

    #[test]
    fn grouped_integers_read_like_numbers(n in 0i64..1_000_000_000_000_000) {
        let formatted = format_int(n);
        prop_assert_eq!(decimal_words(&formatted), Some(number_words(n as u64)));
    }

    #[test]
    fn decimals_read_with_phay(int in 0u64..1_000_000, frac in "[0-9]{1,4}") {
        let s = format!("{},{frac}", format_int(int as i64));
        let w = decimal_words(&s).unwrap();
        prop_assert!(w.starts_with(&format!("{} phẩy ", number_words(int))), "{s}: {w}");
        prop_assert!(!w.bytes().any(|b| b.is_ascii_digit()));
    }

    #[test]
    fn dates_are_words(days in 0i64..80_000) {
        let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
        let w = date_words(d);
        prop_assert!(w.starts_with("ngày "));
        prop_assert!(w.contains(" tháng ") && w.contains(" năm "));
        prop_assert!(!w.bytes().any(|b| b.is_ascii_digit()));
    }

    #[test]
    fn spoken_never_panics_nor_leaves_digits(s in any::<String>()) {
        let out = spoken(&s);
        prop_assert!(!out.bytes().any(|b| b.is_ascii_digit()), "{s:?} → {out:?}");
    }

    #[test]
    fn spoken_reads_every_number_of_vietnamese_text(s in vietnamese_text()) {
        let out = spoken(&s);
        prop_assert!(!out.bytes().any(|b| b.is_ascii_digit()), "{s:?} → {out:?}");
    }

    #[test]
    fn spoken_keeps_text_without_digits_or_abbreviations(s in "[a-zđàảãáạăâêôơư ,.!?;:]{0,60}") {
        prop_assert_eq!(spoken(&s), s);
    }
}
