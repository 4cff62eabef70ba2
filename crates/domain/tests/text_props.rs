//! Property tests for `domain::text` (docs/DOMAIN.md § Vietnamese text).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::cmp::Ordering;

use chrono::NaiveDate;
use domain::text::{
    fold, format_date, format_decimal, format_int, name_sort_key, normalize, parse_date,
    parse_decimal,
};
use proptest::prelude::*;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

fn nfc(s: &str) -> String {
    s.nfc().collect()
}

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

/// The Vietnamese alphabet in order; each vowel row lists its six tones in dictionary order
/// (none, huyền, hỏi, ngã, sắc, nặng). Written out literally so the reference below does not
/// share any logic (Unicode decomposition) with the implementation.
const ALPHABET: [&str; 29] = [
    "aàảãáạ",
    "ăằẳẵắặ",
    "âầẩẫấậ",
    "b",
    "c",
    "d",
    "đ",
    "eèẻẽéẹ",
    "êềểễếệ",
    "g",
    "h",
    "iìỉĩíị",
    "k",
    "l",
    "m",
    "n",
    "oòỏõóọ",
    "ôồổỗốộ",
    "ơờởỡớợ",
    "p",
    "q",
    "r",
    "s",
    "t",
    "uùủũúụ",
    "ưừửữứự",
    "v",
    "x",
    "yỳỷỹýỵ",
];

/// (letter index, tone 0..=5) of a lower-case NFC Vietnamese letter.
fn letter_info(c: char) -> (usize, usize) {
    for (li, row) in ALPHABET.iter().enumerate() {
        if let Some(ti) = row.chars().position(|x| x == c) {
            return (li, ti);
        }
    }
    panic!("not a Vietnamese letter: {c:?}");
}

/// Reference key of one word: letters, then the tones in order of occurrence (toneless letters
/// skipped). `Vec` ordering makes a prefix sort first.
fn ref_word(w: &str) -> (Vec<usize>, Vec<usize>) {
    let mut letters = Vec::new();
    let mut tones = Vec::new();
    for c in nfc(w).chars().flat_map(char::to_lowercase) {
        let (l, t) = letter_info(c);
        letters.push(l);
        if t > 0 {
            tones.push(t);
        }
    }
    (letters, tones)
}

/// Reference comparator: given name, middle names in order, family name; word by word.
fn ref_cmp(a: &str, b: &str) -> Ordering {
    fn order(name: &str) -> Vec<(Vec<usize>, Vec<usize>)> {
        let words: Vec<&str> = name.split_whitespace().collect();
        let mut ordered = Vec::new();
        if let Some((family, rest)) = words.split_first() {
            if let Some((given, middle)) = rest.split_last() {
                ordered.push(ref_word(given));
                ordered.extend(middle.iter().map(|w| ref_word(w)));
            }
            ordered.push(ref_word(family));
        }
        ordered
    }
    order(a).cmp(&order(b))
}

fn all_letters() -> Vec<char> {
    ALPHABET
        .iter()
        .flat_map(|row| row.chars())
        .flat_map(|c| [c, c.to_uppercase().next().unwrap()])
        .collect()
}

/// A Vietnamese-looking word, random case, in NFC or NFD.
fn viet_word() -> impl Strategy<Value = String> {
    // Few distinct letters so that equal prefixes and tone-only differences are common.
    let common: Vec<char> = "aăâdđnhoơưAĂÂĐNàáạảãằắấậếệìíòóọờớùúừứỳýĐ".chars().collect();
    prop_oneof![
        prop::collection::vec(prop::sample::select(common), 1..4),
        prop::collection::vec(prop::sample::select(all_letters()), 1..6),
    ]
    .prop_map(|cs| cs.into_iter().collect::<String>())
}

fn viet_name() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(viet_word(), 1..5),
        prop::sample::select(vec![" ", "  ", "\t", "\u{00A0}", " \n "]),
        any::<bool>(),
    )
        .prop_map(|(words, sep, decomposed)| {
            let s = words.join(sep);
            if decomposed {
                nfd(&s)
            } else {
                s
            }
        })
}

/// Strings mixing Vietnamese letters, combining marks, odd whitespace and ASCII.
fn messy_text() -> impl Strategy<Value = String> {
    let mut pool = all_letters();
    pool.extend("ABZabz09 -'.,\t\n\r\u{00A0}\u{2003}\u{3000}\u{200B}\u{FEFF}\u{00AD}".chars());
    pool.extend(['\u{0300}', '\u{0301}', '\u{0303}', '\u{0309}', '\u{0323}']);
    pool.extend(['\u{0302}', '\u{0306}', '\u{031B}', '\u{0308}', '\u{0327}']);
    pool.extend("ÐðİıßÆøΣσςΩΆᾼﬁǅ한글".chars());
    prop::collection::vec(prop::sample::select(pool), 0..30)
        .prop_map(|cs| cs.into_iter().collect::<String>())
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![messy_text(), any::<String>(), viet_name()]
}

fn check_folded(f: &str) -> Result<(), TestCaseError> {
    prop_assert!(
        !f.starts_with(' ') && !f.ends_with(' ') && !f.contains("  "),
        "{f:?}"
    );
    for c in f.chars() {
        // Some symbols are Uppercase yet have no lower case (🅐); the point is that nothing changes.
        prop_assert!(c.to_lowercase().eq([c]), "uppercase {c:?} in {f:?}");
        prop_assert!(!is_combining_mark(c), "mark {c:?} in {f:?}");
        prop_assert!(c != 'đ' && c != 'Đ', "đ in {f:?}");
        prop_assert!(c == ' ' || !c.is_whitespace(), "whitespace {c:?} in {f:?}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn fold_is_idempotent(s in any_text()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&f), f);
    }

    #[test]
    fn fold_ignores_normal_form(s in any_text()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&nfc(&s)), f.clone());
        prop_assert_eq!(fold(&nfd(&s)), f);
    }

    #[test]
    fn fold_output_is_plain(s in any_text()) {
        check_folded(&fold(&s))?;
    }

    #[test]
    fn fold_ignores_case_and_tones_of_vietnamese(s in viet_name()) {
        let stripped: String = nfd(&s).chars().filter(|c| !is_combining_mark(*c)).collect();
        prop_assert_eq!(fold(&s.to_uppercase()), fold(&s));
        prop_assert_eq!(fold(&stripped), fold(&s));
        prop_assert!(fold(&s).chars().all(|c| c == ' ' || c.is_ascii_lowercase()));
    }

    #[test]
    fn normalize_is_idempotent_and_nfc(s in any_text()) {
        let n = normalize(&s);
        prop_assert_eq!(normalize(&n), n.clone());
        prop_assert_eq!(nfc(&n), n.clone());
        prop_assert_eq!(normalize(&nfd(&s)), n.clone());
        prop_assert!(!n.starts_with(' ') && !n.ends_with(' ') && !n.contains("  "));
        prop_assert!(n.chars().all(|c| c == ' ' || !c.is_whitespace()));
    }

    #[test]
    fn name_sort_key_ignores_normal_form(s in any_text()) {
        let k = name_sort_key(&s);
        prop_assert!(k.is_ascii(), "{k:?}");
        prop_assert_eq!(name_sort_key(&nfc(&s)), k.clone());
        prop_assert_eq!(name_sort_key(&nfd(&s)), k);
    }

    #[test]
    fn name_sort_key_matches_reference(a in viet_name(), b in viet_name()) {
        let by_key = name_sort_key(&a).cmp(&name_sort_key(&b));
        prop_assert_eq!(by_key, ref_cmp(&a, &b), "{:?} vs {:?}", a, b);
    }

    #[test]
    fn sorting_by_key_matches_reference(mut names in prop::collection::vec(viet_name(), 0..30)) {
        names.sort_by_cached_key(|n| name_sort_key(n));
        for pair in names.windows(2) {
            prop_assert_ne!(ref_cmp(&pair[0], &pair[1]), Ordering::Greater, "{:?}", pair);
        }
    }

    #[test]
    fn format_int_round_trips(n in any::<i64>()) {
        let s = format_int(n);
        prop_assert_eq!(s.replace('.', "").parse::<i64>().unwrap(), n);
        let digits = s.trim_start_matches('-');
        let groups: Vec<&str> = digits.split('.').collect();
        prop_assert!(!groups[0].is_empty() && groups[0].len() <= 3, "{}", s);
        prop_assert!(groups[1..].iter().all(|g| g.len() == 3), "{}", s);
    }

    #[test]
    fn format_decimal_round_trips(x in -1.0e12f64..1.0e12, decimals in 0usize..4) {
        let s = format_decimal(x, decimals);
        let back: f64 = s.replace('.', "").replace(',', ".").parse().unwrap();
        let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-9) + x.abs() * 1e-15;
        prop_assert!((back - x).abs() <= tolerance, "{} -> {}", x, s);
        match s.split_once(',') {
            Some((_, frac)) => prop_assert_eq!(frac.len(), decimals),
            None => prop_assert_eq!(decimals, 0),
        }
    }

    #[test]
    fn parse_date_round_trips(days in 0i32..3_652_059, sep in prop::sample::select(vec!['/', '-', '.'])) {
        // day 0 = 0001-01-01, last = 9999-12-31
        let d = NaiveDate::from_num_days_from_ce_opt(days + 1).unwrap();
        prop_assert_eq!(parse_date(&format_date(d)), Some(d));
        let s = format_date(d).replace('/', &sep.to_string());
        prop_assert_eq!(parse_date(&format!(" {s} ")), Some(d));
        let unpadded = d.format("%-d/%-m/%Y").to_string();
        prop_assert_eq!(parse_date(&unpadded), Some(d));
        prop_assert_eq!(parse_date(&d.format("%Y-%m-%d").to_string()), Some(d));
    }
}

// ---- parse_decimal ------------------------------------------------------------------------------

/// The number reader registration texts used before `parse_decimal` (tokens of digit runs joined by
/// "." or ","), kept here as the reference `parse_decimal` must agree with on those tokens.
fn reference_text_number(s: &str) -> Option<f64> {
    let grouped = |s: &str, sep: char| {
        let mut parts = s.split(sep);
        parts
            .next()
            .is_some_and(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            && parts.all(|p| p.len() == 3 && p.bytes().all(|b| b.is_ascii_digit()))
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let commas = s.matches(',').count();
    let dots = s.matches('.').count();
    let (int, frac): (String, &str) = match (commas, dots) {
        (0, 0) => (s.to_owned(), ""),
        (0, _) if grouped(s, '.') => (s.replace('.', ""), ""),
        (0, 1) => {
            let (i, f) = s.split_once('.')?;
            (i.to_owned(), f)
        }
        (1, _) => {
            let (i, f) = s.split_once(',')?;
            if dots > 0 && !grouped(i, '.') {
                return None;
            }
            (i.replace('.', ""), f)
        }
        (_, 0) if grouped(s, ',') => (s.replace(',', ""), ""),
        _ => return None,
    };
    if !digits(&int) || !(frac.is_empty() || digits(frac)) {
        return None;
    }
    let v: f64 = if frac.is_empty() {
        int.parse().ok()?
    } else {
        format!("{int}.{frac}").parse().ok()?
    };
    v.is_finite().then_some(v)
}

/// Digit runs joined by single "." or "," — the shape of a number token in running text.
fn number_token() -> impl Strategy<Value = String> {
    (
        "[0-9]{1,7}",
        prop::collection::vec((prop::sample::select(vec!['.', ',']), "[0-9]{1,4}"), 0..4),
    )
        .prop_map(|(first, rest)| {
            let mut s = first;
            for (sep, digits) in rest {
                s.push(sep);
                s.push_str(&digits);
            }
            s
        })
}

/// Text made of the characters a number field may hold, and a few it may not.
fn numberish() -> impl Strategy<Value = String> {
    "[0-9.,%+\\- eE]{0,14}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn parse_decimal_reads_format_int(n in -(1i64 << 53)..(1i64 << 53)) {
        prop_assert_eq!(parse_decimal(&format_int(n)), Some(n as f64));
        prop_assert_eq!(parse_decimal(&n.to_string()), Some(n as f64));
    }

    #[test]
    fn parse_decimal_reads_format_decimal(x in -1.0e12f64..1.0e12, decimals in 0usize..4) {
        let s = format_decimal(x, decimals);
        let back = parse_decimal(&s);
        prop_assert!(back.is_some(), "{}", s);
        let tolerance = 0.5 * 10f64.powi(-(decimals as i32)) * (1.0 + 1e-9) + x.abs() * 1e-15;
        prop_assert!((back.unwrap() - x).abs() <= tolerance, "{} -> {} -> {:?}", x, s, back);
        // As a percentage, with spaces a phone keyboard may add.
        prop_assert_eq!(parse_decimal(&format!(" {s} %")), back);
    }

    #[test]
    fn parse_decimal_reads_a_decimal_comma_like_a_point(int in 0u32..10_000_000, frac in "[0-9]{1,6}") {
        let expected: f64 = format!("{int}.{frac}").parse().unwrap();
        prop_assert_eq!(parse_decimal(&format!("{int},{frac}")), Some(expected));
        prop_assert_eq!(parse_decimal(&format!("-{int},{frac}")), Some(-expected));
        // A decimal point is read as one too, unless it could group thousands ("3.520").
        let point = format!("{int}.{frac}");
        if frac.len() != 3 || int == 0 || int > 999 {
            prop_assert_eq!(parse_decimal(&point), Some(expected), "{}", point);
        } else {
            let grouped: f64 = format!("{int}{frac}").parse().unwrap();
            prop_assert_eq!(parse_decimal(&point), Some(grouped), "{}", point);
        }
    }

    #[test]
    fn parse_decimal_agrees_with_the_text_reader(s in number_token()) {
        // One deliberate difference: "0.520" is 0.52, never 520 (a lone 0 does not start a group).
        let leading_zero_group = s.split_once('.').is_some_and(|(i, f)| {
            i == "0" && f.len() == 3 && !f.contains(['.', ','])
        });
        if !leading_zero_group {
            prop_assert_eq!(parse_decimal(&s), reference_text_number(&s), "{}", s);
        }
    }

    #[test]
    fn parse_decimal_ignores_whitespace(s in numberish(), at in prop::collection::vec(0usize..16, 0..4)) {
        let mut spaced = s.clone();
        for i in at {
            let i = spaced.char_indices().map(|(i, _)| i).nth(i).unwrap_or(spaced.len());
            spaced.insert(i, if i % 2 == 0 { ' ' } else { '\u{a0}' });
        }
        prop_assert_eq!(parse_decimal(&spaced), parse_decimal(&s), "{:?}", spaced);
    }

    #[test]
    fn parse_decimal_is_finite_and_total(s in "\\PC{0,30}") {
        if let Some(x) = parse_decimal(&s) {
            prop_assert!(x.is_finite());
        }
    }

    #[test]
    fn parse_decimal_percent_and_sign(s in numberish()) {
        let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if !compact.ends_with('%') {
            prop_assert_eq!(parse_decimal(&format!("{s}%")), parse_decimal(&s));
        }
        if !compact.starts_with(['-', '+']) {
            prop_assert_eq!(parse_decimal(&format!("+{s}")), parse_decimal(&s));
            prop_assert_eq!(parse_decimal(&format!("-{s}")), parse_decimal(&s).map(|x| -x));
        }
        if let Some(x) = parse_decimal(&s) {
            prop_assert!(compact.bytes().any(|b| b.is_ascii_digit()));
            prop_assert!(!compact.contains(['e', 'E']), "{} -> {}", s, x);
        }
    }
}
