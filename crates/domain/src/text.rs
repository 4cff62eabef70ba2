//! Vietnamese text: NFC normalisation, diacritic folding for search, Vietnamese name sort keys,
//! dd/mm/yyyy dates and 3.520 / 98,5% numbers (docs/DOMAIN.md § Vietnamese text).
//!
//! Everything here is pure and allocation-light: [`fold`] and [`name_sort_key`] run over millions of
//! names, so both write straight into one pre-sized `String` (no per-word strings, no joins), and
//! precomposed Vietnamese letters are looked up in a table built once from the general code.

use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate};
use unicode_normalization::char::{decompose_canonical, decompose_compatible, is_combining_mark};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

// ---------------------------------------------------------------------------------------------
// Normalisation and folding
// ---------------------------------------------------------------------------------------------

/// Normalises to NFC and trims / collapses inner whitespace (any Unicode white space, including
/// tabs, newlines and no-break spaces, becomes one ASCII space). Every stored text goes through this.
///
/// The result is idempotent: `normalize(&normalize(s)) == normalize(s)`.
pub fn normalize(s: &str) -> String {
    // Most input is already NFC; the quick check is much cheaper than re-composing.
    if is_nfc_quick(s.chars()) == IsNormalized::Yes {
        collapse_whitespace(s.chars(), s.len())
    } else {
        collapse_whitespace(s.nfc(), s.len())
    }
}

fn collapse_whitespace(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut pending_space = false;
    for c in chars {
        if c.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// Like [`normalize`] but keeps line structure, for multi-line free text (notes, feedback bodies):
/// NFC; within each line whitespace is trimmed and collapsed; runs of blank lines become one blank
/// line; leading and trailing blank lines are dropped; line endings become `\n`.
pub fn normalize_multiline(s: &str) -> String {
    let nfc: String = s.nfc().collect();
    let mut out = String::with_capacity(nfc.len());
    let mut pending_blank = false;
    for line in nfc.lines() {
        let mut words = line.split_whitespace().peekable();
        if words.peek().is_none() {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        for (i, w) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

/// Characters that are invisible and carry no meaning for search or sorting (soft hyphen,
/// zero-width space / joiners, word joiner, BOM). [`fold`] and [`name_sort_key`] skip them.
/// [`normalize`] keeps them (a zero-width joiner matters inside emoji sequences).
pub fn is_ignorable(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' | '\u{FEFF}'
    )
}

/// Folds for search: lower case, no diacritics, "đ"/"Đ" → "d", single spaces, trimmed.
/// "Nguyễn Văn An", "NGUYEN VAN AN" and "nguyen van an" fold to "nguyen van an"; "Đặng" → "dang".
///
/// Works the same on NFC and NFD input: every character is lower-cased and
/// compatibility-decomposed (NFKD, so full-width "ＡＮ", "𝐀𝐧" and the ligature "ﬁ" fold like
/// "an" and "fi") and all combining marks are dropped. Any Unicode white space is a separator;
/// [ignorable](is_ignorable) zero-width characters are skipped. The Icelandic eth "Ð"/"ð" also
/// folds to "d", because legacy Vietnamese encodings are often converted with U+00D0 in place
/// of "Đ" (U+0110).
///
/// Idempotent: `fold(&fold(s)) == fold(s)`. One pass, one allocation.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.chars() {
        if c.is_ascii() {
            // ASCII never decomposes and is never a mark.
            if c.is_ascii_whitespace() || c == '\u{0B}' {
                pending_space = true;
            } else {
                push_folded(&mut out, &mut pending_space, c.to_ascii_lowercase());
            }
        } else if let Some(f) = fast_entry(c).and_then(|e| e.fold) {
            push_folded(&mut out, &mut pending_space, f);
        } else {
            fold_char_slow(c, &mut out, &mut pending_space);
        }
    }
    out
}

/// The general (table-free) folding of one non-ASCII character.
fn fold_char_slow(c: char, out: &mut String, pending_space: &mut bool) {
    if c.is_whitespace() {
        *pending_space = true;
        return;
    }
    if is_ignorable(c) {
        return;
    }
    for lower in c.to_lowercase() {
        decompose_compatible(lower, |d| {
            if is_combining_mark(d) || is_ignorable(d) {
                // dropped
            } else if d.is_whitespace() {
                *pending_space = true;
            } else if d.is_lowercase() || !d.is_uppercase() {
                push_folded(out, pending_space, d);
            } else {
                // A compatibility form of a capital ("𝑨" → "A"): lower-case once more.
                for l in d.to_lowercase().filter(|l| !is_combining_mark(*l)) {
                    push_folded(out, pending_space, l);
                }
            }
        });
    }
}

#[inline]
fn push_folded(out: &mut String, pending_space: &mut bool, c: char) {
    if *pending_space && !out.is_empty() {
        out.push(' ');
    }
    *pending_space = false;
    out.push(match c {
        'đ' | 'ð' => 'd',
        c => c,
    });
}

// ---------------------------------------------------------------------------------------------
// Vietnamese name sort key
// ---------------------------------------------------------------------------------------------

/// Separates words in a [`name_sort_key`]; sorts before every other byte of a key.
const KEY_WORD_SEP: char = ' ';
/// Ends the letter part of one word (before its tone part); sorts before every letter code.
const KEY_LETTERS_END: char = '!';
/// Prefix of a 7-byte code for a character that is neither a letter nor a digit (punctuation…).
const KEY_OTHER_PREFIX: char = '#';
/// Prefix of a 7-byte code for a letter outside the Vietnamese / Latin alphabet.
const KEY_FOREIGN_PREFIX: char = '~';

// Bits for the letter-forming marks.
const MOD_BREVE: u8 = 1; // ă
const MOD_CIRCUMFLEX: u8 = 2; // â ê ô
const MOD_HORN: u8 = 4; // ơ ư

// Bits for the tone marks, in dictionary order (so a single tone compares by its bit value).
const TONE_GRAVE: u8 = 1; // huyền
const TONE_HOOK: u8 = 2; // hỏi
const TONE_TILDE: u8 = 4; // ngã
const TONE_ACUTE: u8 = 8; // sắc
const TONE_DOT: u8 = 16; // nặng

/// Sort key for a Vietnamese full name. Keys are plain ASCII and must be compared **bytewise**
/// (SQLite's default `BINARY` collation; on PostgreSQL the column or the `ORDER BY` must use
/// `COLLATE "C"`, since locale collations ignore spaces and punctuation).
///
/// # Order
/// * Words: the given name (last word) first, then the middle words in order, then the family
///   name (first word). A single word is compared as it is. A name that runs out of words sorts
///   first ("An" < "Nguyễn An").
/// * Within a word, Vietnamese letter order
///   `a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y` (the Latin letters f, j, w, z
///   sit at their Latin places), case-insensitive. A word that is a prefix of another sorts
///   first ("An" < "Anh").
/// * Tones decide only between words with the same letters, as in Vietnamese dictionaries:
///   none < huyền (à) < hỏi (ả) < ngã (ã) < sắc (á) < nặng (ạ). Tones are compared in the order
///   they occur, ignoring the vowel they sit on, so old and new tone placement ("Hoà" / "Hòa",
///   "Thuý" / "Thúy") give the same key.
/// * Digits sort before letters, other symbols before digits, letters of other scripts after
///   all Vietnamese letters (by code point). Other diacritics (ü, ç, …) are ignored.
///
/// NFC and NFD spellings give the same key; white space is collapsed and zero-width characters
/// are skipped.
///
/// # Format
/// Per word: one code per letter, then `!`, then one code per toned letter; words are joined by
/// a space. A letter code is the base ASCII letter plus a digit for its Vietnamese variant
/// (`a0` a, `a1` ă, `a2` â, `d1` đ, `e1` ê, `o1` ô, `o2` ơ, `u1` ư); a digit is itself; other
/// characters are `#` or `~` plus six hex digits of the code point. A tone code is `1`..`5`
/// (huyền, hỏi, ngã, sắc, nặng). E.g. "Nguyễn Văn Ánh" → `"a0n0h0!4 v0a1n0! n0g0u0y0e1n0!3"`.
/// The code is prefix-free and separators sort below every code, so comparing keys bytewise
/// is comparing names by the rules above.
pub fn name_sort_key(full_name: &str) -> String {
    let mut out = String::with_capacity(full_name.len() * 2 + 8);
    let mut words = full_name
        .split_whitespace()
        .filter(|w| is_significant_word(w));
    let Some(family) = words.next() else {
        return out;
    };
    if let Some(given) = words.next_back() {
        push_word_key(&mut out, given);
        for middle in words {
            out.push(KEY_WORD_SEP);
            push_word_key(&mut out, middle);
        }
        out.push(KEY_WORD_SEP);
    }
    push_word_key(&mut out, family);
    out
}

/// A word counts when it has at least one character that is neither a mark nor ignorable.
fn is_significant_word(w: &str) -> bool {
    w.chars().any(|c| !is_combining_mark(c) && !is_ignorable(c))
}

/// One base character with the marks that follow it.
#[derive(Clone, Copy)]
struct Unit {
    base: char,
    mods: u8,
    tones: u8,
}

impl Unit {
    fn new(base: char) -> Self {
        Unit {
            base,
            mods: 0,
            tones: 0,
        }
    }

    fn add_mark(&mut self, m: char) {
        match m {
            '\u{0300}' => self.tones |= TONE_GRAVE,
            '\u{0309}' => self.tones |= TONE_HOOK,
            '\u{0303}' => self.tones |= TONE_TILDE,
            '\u{0301}' => self.tones |= TONE_ACUTE,
            '\u{0323}' => self.tones |= TONE_DOT,
            '\u{0306}' => self.mods |= MOD_BREVE,
            '\u{0302}' => self.mods |= MOD_CIRCUMFLEX,
            '\u{031B}' => self.mods |= MOD_HORN,
            _ => {}
        }
    }

    /// Vietnamese variant digit of a Latin base letter.
    fn variant(&self) -> char {
        let m = self.mods;
        match self.base {
            'a' if m & MOD_CIRCUMFLEX != 0 => '2',
            'a' if m & MOD_BREVE != 0 => '1',
            'e' if m & MOD_CIRCUMFLEX != 0 => '1',
            'o' if m & MOD_HORN != 0 => '2',
            'o' if m & MOD_CIRCUMFLEX != 0 => '1',
            'u' if m & MOD_HORN != 0 => '1',
            _ => '0',
        }
    }

    fn push_letter_code(&self, out: &mut String) {
        match self.base {
            c @ 'a'..='z' => {
                out.push(c);
                out.push(self.variant());
            }
            'đ' | 'ð' => out.push_str("d1"),
            c @ '0'..='9' => out.push(c),
            c if c.is_alphanumeric() => push_hex_code(out, KEY_FOREIGN_PREFIX, c),
            c => push_hex_code(out, KEY_OTHER_PREFIX, c),
        }
    }

    fn tone_code(&self) -> Option<char> {
        match self.tones {
            0 => None,
            TONE_GRAVE => Some('1'),
            TONE_HOOK => Some('2'),
            TONE_TILDE => Some('3'),
            TONE_ACUTE => Some('4'),
            TONE_DOT => Some('5'),
            // Several tone marks on one letter is not Vietnamese; keep it deterministic.
            m => Some(char::from(b'@' + m)),
        }
    }
}

fn push_hex_code(out: &mut String, prefix: char, c: char) {
    out.push(prefix);
    let v = u32::from(c);
    for shift in (0..6).rev() {
        out.push(char::from_digit((v >> (shift * 4)) & 0xF, 16).unwrap_or('0'));
    }
}

/// Calls `f` for each base character of `word` (lower-cased, canonically decomposed) together with
/// the marks that follow it. Marks before any base character are dropped.
fn for_each_unit(word: &str, mut f: impl FnMut(&Unit)) {
    let mut cur: Option<Unit> = None;
    for c in word.chars() {
        unit_step(c, &mut cur, &mut f, true);
    }
    if let Some(u) = cur {
        f(&u);
    }
}

/// Feeds one character to [`for_each_unit`]'s state: a base character flushes the current unit
/// and starts a new one, a mark modifies the current unit.
fn unit_step(c: char, cur: &mut Option<Unit>, f: &mut impl FnMut(&Unit), use_table: bool) {
    let fast = if c.is_ascii() {
        Some(Unit::new(c.to_ascii_lowercase()))
    } else if use_table {
        fast_entry(c).and_then(|e| e.unit)
    } else {
        None
    };
    if let Some(unit) = fast {
        if let Some(u) = cur.replace(unit) {
            f(&u);
        }
        return;
    }
    if is_ignorable(c) {
        return;
    }
    for lower in c.to_lowercase() {
        decompose_canonical(lower, |d| {
            if is_combining_mark(d) {
                if let Some(u) = cur.as_mut() {
                    u.add_mark(d);
                }
            } else if !is_ignorable(d) {
                if let Some(u) = cur.replace(Unit::new(d)) {
                    f(&u);
                }
            }
        });
    }
}

fn push_word_key(out: &mut String, word: &str) {
    for_each_unit(word, |u| u.push_letter_code(out));
    out.push(KEY_LETTERS_END);
    for_each_unit(word, |u| {
        if let Some(t) = u.tone_code() {
            out.push(t);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Lookup table for precomposed Vietnamese letters
// ---------------------------------------------------------------------------------------------

/// Precomputed results of the general (decomposing) code for one precomposed character.
struct FastEntry {
    /// What [`fold`] outputs for the character, when that is exactly one character.
    fold: Option<char>,
    /// The unit [`for_each_unit`] starts for the character, when it is exactly one base with marks.
    unit: Option<Unit>,
}

/// Latin-1 letters up to "ư" (U+00C0..=U+01B0) and the Vietnamese block of Latin Extended
/// Additional (U+1EA0..=U+1EF9) cover every precomposed Vietnamese letter.
const FAST_LOW: std::ops::RangeInclusive<u32> = 0x00C0..=0x01B0;
const FAST_HIGH: std::ops::RangeInclusive<u32> = 0x1EA0..=0x1EF9;

fn fast_index(c: char) -> Option<usize> {
    let u = u32::from(c);
    let i = if FAST_LOW.contains(&u) {
        u - FAST_LOW.start()
    } else if FAST_HIGH.contains(&u) {
        u - FAST_HIGH.start() + (FAST_LOW.end() - FAST_LOW.start() + 1)
    } else {
        return None;
    };
    usize::try_from(i).ok()
}

fn fast_entry(c: char) -> Option<&'static FastEntry> {
    static TABLE: OnceLock<Vec<FastEntry>> = OnceLock::new();
    let index = fast_index(c)?;
    TABLE.get_or_init(build_fast_table).get(index)
}

/// Built from the general code itself, so the table cannot disagree with it.
fn build_fast_table() -> Vec<FastEntry> {
    FAST_LOW
        .chain(FAST_HIGH)
        .map(|u| {
            let Some(c) = char::from_u32(u) else {
                return FastEntry {
                    fold: None,
                    unit: None,
                };
            };
            let mut folded = String::new();
            let mut pending_space = false;
            fold_char_slow(c, &mut folded, &mut pending_space);
            let mut chars = folded.chars();
            let fold = match (chars.next(), chars.next(), pending_space) {
                (Some(f), None, false) => Some(f),
                _ => None,
            };

            // One unit, and the decomposition starts with its base (a leading mark would attach
            // to the previous character instead).
            let mut first = None;
            for lower in c.to_lowercase() {
                decompose_canonical(lower, |d| {
                    first.get_or_insert(d);
                });
            }
            let starts_with_base = first.is_some_and(|d| !is_combining_mark(d) && !is_ignorable(d));
            let mut units = Vec::new();
            let mut cur = None;
            unit_step(c, &mut cur, &mut |u: &Unit| units.push(*u), false);
            units.extend(cur);
            let unit = match units.as_slice() {
                [u] if starts_with_base => Some(*u),
                _ => None,
            };
            FastEntry { fold, unit }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Dates and numbers
// ---------------------------------------------------------------------------------------------

/// dd/mm/yyyy.
pub fn format_date(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// The place-and-date line of a party or administrative document (Hướng dẫn 36-HD/VPTW): "Bến Tre, ngày 05
/// tháng 3 năm 2019" — a day below 10 and the months 1 and 2 take a leading zero. Without a place: "Ngày 05
/// tháng 3 năm 2019".
pub fn place_date_line(place: &str, date: NaiveDate) -> String {
    let day = format!("{:02}", date.day());
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    let place = place.trim();
    if place.is_empty() {
        format!("Ngày {day} tháng {month} năm {}", date.year())
    } else {
        format!("{place}, ngày {day} tháng {month} năm {}", date.year())
    }
}

/// A sort key that orders numbers inside names by value ("Phường 4" before "Phường 10").
pub fn natural_key(name: &str) -> String {
    let folded = fold(name);
    let mut out = String::with_capacity(folded.len() + 8);
    let mut digits = String::new();
    for c in folded.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        if !digits.is_empty() {
            out.push_str(&format!("{digits:0>8}"));
            digits.clear();
        }
        out.push(c);
    }
    out
}

/// Vietnamese integer: dot as thousands separator. 3520 → "3.520", -1234567 → "-1.234.567".
pub fn format_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    push_grouped(&mut out, &digits);
    out
}

/// Pushes a run of ASCII digits with a dot every three digits from the right.
fn push_grouped(out: &mut String, digits: &str) {
    // Digits left before the next dot (the first group may be shorter than three).
    let mut until_dot = match digits.len() % 3 {
        0 => 3,
        r => r,
    };
    for ch in digits.chars() {
        if until_dot == 0 {
            out.push('.');
            until_dot = 3;
        }
        out.push(ch);
        until_dot -= 1;
    }
}

/// Vietnamese decimal: dot thousands separator, comma decimal separator, exactly `decimals`
/// decimals, rounded half away from zero. (1234.5, 1) → "1.234,5"; (-0.5, 0) → "-1";
/// a result that rounds to zero has no sign. Non-finite values give "NaN", "∞" or "-∞".
pub fn format_decimal(x: f64, decimals: usize) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_owned();
    }
    let rounded = match i32::try_from(decimals) {
        Ok(d) if d <= 15 => {
            let p = 10f64.powi(d);
            let r = (x * p).round() / p;
            if r.is_finite() {
                r
            } else {
                x
            }
        }
        _ => x,
    };
    let plain = format!("{:.*}", decimals, rounded.abs());
    let (int_part, frac_part) = match plain.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (plain.as_str(), None),
    };
    let is_zero = plain.bytes().all(|b| b == b'0' || b == b'.');
    let mut out = String::with_capacity(plain.len() + plain.len() / 3 + 2);
    if rounded.is_sign_negative() && !is_zero {
        out.push('-');
    }
    push_grouped(&mut out, int_part);
    if let Some(f) = frac_part {
        out.push(',');
        out.push_str(f);
    }
    out
}

/// Percentage of a ratio with one decimal, trailing ",0" dropped:
/// 0.985 → "98,5%", 0.98456 → "98,5%", 1.0 → "100%", 0.0 → "0%". Rounding never turns "some" into none or
/// "not all" into all: 1 of 5.969 is "<0,1%", 5.968 of 5.969 is ">99,9%".
pub fn format_percent(ratio: f64) -> String {
    let percent = ratio * 100.0;
    if percent > 0.0 && percent < 0.05 {
        return "<0,1%".to_string();
    }
    if (99.95..100.0).contains(&percent) {
        return ">99,9%".to_string();
    }
    let mut s = format_decimal(percent, 1);
    if s.ends_with(",0") {
        s.truncate(s.len() - 2);
    }
    s.push('%');
    s
}

/// Parses a date typed or imported by a Vietnamese user. Accepts, after trimming:
/// day first `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`, `dd.mm.yyyy`, and year first `yyyy-mm-dd`
/// (also `yyyy/mm/dd`, `yyyy.mm.dd`). Day and month have one or two digits, the year exactly four;
/// both separators must be the same. Two-digit years and impossible dates (31/02/2020) give `None`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let sep = s.chars().find(|c| !c.is_ascii_digit())?;
    if !matches!(sep, '/' | '-' | '.') {
        return None;
    }
    let mut parts = s.split(sep);
    let (a, b, c) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = if a.len() == 4 { (a, b, c) } else { (c, b, a) };
    let year = digits(y, 4, 4)?;
    let month = digits(m, 1, 2)?;
    let day = digits(d, 1, 2)?;
    NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)
}

/// `s` as a number if it is `min..=max` ASCII digits (no sign, no spaces).
fn digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if (min..=max).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// Parses a number typed by a Vietnamese user, in a form field or in running text. After every
/// whitespace character is dropped ("3 520"), one leading sign ("-3", "+5") and one trailing "%"
/// ("98,5%" = 98.5; the caller decides what a percentage means) are accepted, then:
///
/// - "," is the decimal mark and "." groups thousands: "98,5" = 98.5, "1.234,5" = 1234.5,
///   "1,234" = 1.234;
/// - a single "." followed by exactly three digits, after one to three digits other than a lone
///   "0", groups thousands ("3.520" = 3520, "12.345" = 12345); any other single "." is a decimal
///   mark ("98.5", "0.250" = 0.25, "1234.567" = 1234.567);
/// - several "." or several "," must group by three ("1.234.567", "1,234,567"); "1.2.3", "1.23,4",
///   "1,2,3" and "1,234.5" are not numbers;
/// - a missing side of the decimal mark reads as 0 (",5" = 0.5, "5," = 5).
///
/// No exponent, no "inf" or "NaN": the result is always finite.
pub fn parse_decimal(s: &str) -> Option<f64> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let t = compact.strip_suffix('%').unwrap_or(&compact);
    let (negative, t) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let all_digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    // "1.234.567": a first group of one to three digits, then groups of exactly three.
    let grouped = |p: &str, sep: char| {
        let mut groups = p.split(sep);
        groups
            .next()
            .is_some_and(|g| (1..=3).contains(&g.len()) && all_digits(g))
            && groups.all(|g| g.len() == 3 && all_digits(g))
    };
    let commas = t.matches(',').count();
    let dots = t.matches('.').count();
    let (int, frac): (String, &str) = match (commas, dots) {
        (0, 0) => (t.to_owned(), ""),
        (0, 1) => {
            let (i, f) = t.split_once('.')?;
            if i != "0" && grouped(t, '.') {
                (format!("{i}{f}"), "")
            } else {
                (i.to_owned(), f)
            }
        }
        (0, _) if grouped(t, '.') => (t.replace('.', ""), ""),
        (1, _) => {
            let (i, f) = t.split_once(',')?;
            if dots > 0 && !grouped(i, '.') {
                return None;
            }
            (i.replace('.', ""), f)
        }
        (_, 0) if grouped(t, ',') => (t.replace(',', ""), ""),
        _ => return None,
    };
    if !all_digits(&int) || !all_digits(frac) || (int.is_empty() && frac.is_empty()) {
        return None;
    }
    let plain = format!(
        "{}{}.{}",
        if negative { "-" } else { "" },
        if int.is_empty() { "0" } else { &int },
        if frac.is_empty() { "0" } else { frac }
    );
    plain.parse::<f64>().ok().filter(|v| v.is_finite())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn natural_keys_order_numbers_by_value() {
        assert!(natural_key("Phường 4") < natural_key("Phường 10"));
        assert!(natural_key("Khu phố 2") < natural_key("Khu phố 10"));
        assert!(natural_key("Đảng bộ An Hội") < natural_key("Đảng bộ Bình Phú"));
    }

    #[test]
    fn place_date_line_pads_small_days_and_january_february() {
        assert_eq!(
            place_date_line("Bến Tre", NaiveDate::from_ymd_opt(2019, 3, 15).unwrap()),
            "Bến Tre, ngày 15 tháng 3 năm 2019"
        );
        assert_eq!(
            place_date_line(" Bến Tre ", NaiveDate::from_ymd_opt(2019, 2, 5).unwrap()),
            "Bến Tre, ngày 05 tháng 02 năm 2019"
        );
        assert_eq!(
            place_date_line("", NaiveDate::from_ymd_opt(2019, 12, 31).unwrap()),
            "Ngày 31 tháng 12 năm 2019"
        );
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn nfd(s: &str) -> String {
        s.nfd().collect()
    }

    #[test]
    fn parse_decimal_examples() {
        // The model forms' examples.
        assert_eq!(parse_decimal("3.520"), Some(3520.0));
        assert_eq!(parse_decimal("98,5"), Some(98.5));
        assert_eq!(parse_decimal("1.234,5"), Some(1234.5));
        assert_eq!(parse_decimal("98.5"), Some(98.5));
        assert_eq!(parse_decimal("0.250"), Some(0.25));
        assert_eq!(parse_decimal("1.234.567"), Some(1_234_567.0));
        assert_eq!(parse_decimal(" 120 "), Some(120.0));
        assert_eq!(parse_decimal("3 520"), Some(3520.0));
        assert_eq!(parse_decimal("-3"), Some(-3.0));
        assert_eq!(parse_decimal("-0.5"), Some(-0.5));
        assert_eq!(parse_decimal("abc"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
        // Numbers read in registration texts.
        assert_eq!(parse_decimal("1.500.000"), Some(1_500_000.0));
        assert_eq!(parse_decimal("1,5"), Some(1.5));
        assert_eq!(parse_decimal("12.345"), Some(12345.0));
        assert_eq!(parse_decimal("1.5"), Some(1.5));
        assert_eq!(parse_decimal("1,234,567"), Some(1_234_567.0));
        assert_eq!(parse_decimal("1,234"), Some(1.234));
        assert_eq!(parse_decimal("02"), Some(2.0));
        assert_eq!(parse_decimal("1.2.3"), None);
        assert_eq!(parse_decimal("1.23,4"), None);
        assert_eq!(parse_decimal("1,2,3"), None);
        assert_eq!(parse_decimal("1,234.5"), None);
        // Percentages as typed in target fields.
        assert_eq!(parse_decimal("95"), Some(95.0));
        assert_eq!(parse_decimal("98,5%"), Some(98.5));
        assert_eq!(parse_decimal(" 98.5 % "), Some(98.5));
        assert_eq!(parse_decimal("+5"), Some(5.0));
        assert_eq!(parse_decimal(",5"), Some(0.5));
        assert_eq!(parse_decimal("5,"), Some(5.0));
        assert_eq!(parse_decimal("1234.567"), Some(1234.567));
        // Not numbers.
        for s in [
            "%", "-", "+", ",", "5%%", "--5", "+-5", "5-", "1e2", "inf", "NaN", "0x10", "1_000",
            "5,5,", "1,5.3", "1..2", "١٢",
        ] {
            assert_eq!(parse_decimal(s), None, "{s}");
        }
        assert_eq!(parse_decimal(&"9".repeat(400)), None);
    }

    #[test]
    fn normalize_examples() {
        assert_eq!(normalize("  Nguyễn\t Văn \n An  "), "Nguyễn Văn An");
        assert_eq!(normalize(&nfd("Nguyễn Văn An")), "Nguyễn Văn An");
        assert_eq!(normalize("Lê\u{00A0}\u{3000}Lợi"), "Lê Lợi");
        assert_eq!(normalize(""), "");
        assert_eq!(normalize(" \t\n "), "");
        assert_eq!(normalize("a\u{200D}b"), "a\u{200D}b");
    }

    #[test]
    fn normalize_multiline_examples() {
        assert_eq!(
            normalize_multiline("\n  Dòng  một \r\n\r\n\n\tdòng hai\n\n"),
            "Dòng một\n\ndòng hai"
        );
        assert_eq!(normalize_multiline("a\nb"), "a\nb");
        assert_eq!(normalize_multiline(" \n \n"), "");
    }

    #[test]
    fn fold_examples() {
        for s in [
            "Nguyễn Văn An",
            "NGUYEN VAN AN",
            "nguyen van an",
            "  Nguyễn   Văn\tAn ",
        ] {
            assert_eq!(fold(s), "nguyen van an", "{s:?}");
        }
        assert_eq!(fold(&nfd("Nguyễn Văn An")), "nguyen van an");
        assert_eq!(fold("Đặng"), "dang");
        assert_eq!(fold("ĐẶNG THỊ ĐÀO"), "dang thi dao");
        assert_eq!(fold("Ðặng"), "dang"); // U+00D0 in place of Đ
        assert_eq!(fold("Trương\u{00A0}Mỹ\u{2003}Lệ"), "truong my le");
        assert_eq!(fold("Ng\u{200B}uyễn\u{FEFF}"), "nguyen");
        assert_eq!(fold("Ưng Ơn Ấu Ổi Ữ"), "ung on au oi u");
        assert_eq!(fold(""), "");
        assert_eq!(fold(" \u{301} "), "");
        assert_eq!(fold("ＮＧＵＹỄＮ ﬁ 𝑨n"), "nguyen fi an");
    }

    fn keys_ascending(names: &[&str]) {
        for pair in names.windows(2) {
            let (a, b) = (name_sort_key(pair[0]), name_sort_key(pair[1]));
            assert!(
                a < b,
                "{:?} ({a:?}) should sort before {:?} ({b:?})",
                pair[0],
                pair[1]
            );
        }
    }

    #[test]
    fn name_sort_key_examples() {
        keys_ascending(&["Nguyễn Văn An", "Trần Thị Bình"]);
        keys_ascending(&["Lê Văn Anh", "Nguyễn Văn Ánh"]);
        keys_ascending(&["Trần Văn Dũng", "Đặng Văn Đức"]);
        keys_ascending(&["Vũ Thị An", "Nguyễn Văn Ăn", "Phạm Thị Ân"]);
        // given, then middle, then family
        keys_ascending(&["Trần Văn An", "Nguyễn Vĩnh An", "Lê Văn Bình"]);
        keys_ascending(&["Nguyễn Văn An", "Trần Văn An"]);
        // shorter first
        keys_ascending(&[
            "An",
            "Nguyễn An",
            "Nguyễn Văn An",
            "Nguyễn Văn Anh",
            "Lê Bình",
        ]);
        // tone order: none, huyền, hỏi, ngã, sắc, nặng
        keys_ascending(&["X Ma", "X Mà", "X Mả", "X Mã", "X Má", "X Mạ", "X Mai"]);
        // letters decide before tones
        keys_ascending(&["X Ánh", "X Anhb"]);
        keys_ascending(&["X Ạn", "X Ăn"]);
        // full letter order
        keys_ascending(&[
            "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o",
            "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
        ]);
        keys_ascending(&["e", "ê", "f", "g", "i", "j", "k", "v", "w", "x", "y", "z"]);
        keys_ascending(&["1", "9", "a"]);
    }

    #[test]
    fn name_sort_key_equivalences() {
        let same = |a: &str, b: &str| assert_eq!(name_sort_key(a), name_sort_key(b), "{a} / {b}");
        same("Nguyễn Văn An", "NGUYỄN VĂN AN");
        same("Nguyễn Văn An", &nfd("Nguyễn Văn An"));
        same("  Nguyễn \t Văn\u{00A0}An ", "Nguyễn Văn An");
        same("Lê Thị Hoà", "Lê Thị Hòa");
        same("Lê Thị Thuý", "Lê Thị Thúy");
        same("Đặng", "đặng");
        same("Ðặng", "Đặng");
        same("Lê \u{200B} An", "Lê An");
        assert_eq!(name_sort_key(""), "");
        assert_eq!(name_sort_key("   "), "");
        assert_eq!(
            name_sort_key("Nguyễn Văn Ánh"),
            "a0n0h0!4 v0a1n0! n0g0u0y0e1n0!3"
        );
        assert_eq!(name_sort_key("Đức"), "d1u1c0!4");
        assert_eq!(name_sort_key("H'Hen"), "h0#000027h0e0n0!");
    }

    #[test]
    fn name_sort_key_sorts_a_list() {
        let mut names = vec![
            "Đặng Văn Đức",
            "Trần Văn Dũng",
            "Phạm Thị Ân",
            "Nguyễn Văn Ăn",
            "Vũ Thị An",
            "Trần Thị Bình",
            "Nguyễn Văn Ánh",
            "Lê Văn Anh",
            "Hồ Chí Minh",
            "Bình",
        ];
        names.sort_by_cached_key(|n| name_sort_key(n));
        assert_eq!(
            names,
            [
                "Vũ Thị An",
                "Lê Văn Anh", // a n h: "a" < "ă", so before Ăn
                "Nguyễn Văn Ánh",
                "Nguyễn Văn Ăn",
                "Phạm Thị Ân",
                "Bình",
                "Trần Thị Bình",
                "Trần Văn Dũng",
                "Đặng Văn Đức",
                "Hồ Chí Minh",
            ]
        );
    }

    #[test]
    fn fast_table_agrees_with_general_code() {
        for u in FAST_LOW.chain(FAST_HIGH) {
            let Some(c) = char::from_u32(u) else { continue };
            let mut slow = String::new();
            let mut pending = false;
            fold_char_slow(c, &mut slow, &mut pending);
            assert_eq!(fold(&c.to_string()), slow, "{c:?}");
            assert_eq!(fold(&format!("x{c}")), format!("x{slow}"), "{c:?}");
            let word = format!("b{c}\u{0323}");
            let mut general = String::new();
            let mut cur = None;
            let mut emit = |u: &Unit| {
                u.push_letter_code(&mut general);
                general.extend(u.tone_code());
            };
            for ch in word.chars() {
                unit_step(ch, &mut cur, &mut emit, false);
            }
            if let Some(u) = cur {
                emit(&u);
            }
            let mut fast = String::new();
            for_each_unit(&word, |u| {
                u.push_letter_code(&mut fast);
                fast.extend(u.tone_code());
            });
            assert_eq!(fast, general, "{c:?}");
        }
        assert!(fast_entry('ễ').and_then(|e| e.fold) == Some('e'));
        assert!(fast_entry('Ư').and_then(|e| e.unit).is_some());
    }

    #[test]
    fn format_examples() {
        assert_eq!(format_date(date(2024, 3, 5)), "05/03/2024");
        assert_eq!(format_int(3520), "3.520");
        assert_eq!(format_int(-1_234_567), "-1.234.567");
        assert_eq!(format_int(0), "0");
        assert_eq!(format_int(999), "999");
        assert_eq!(format_int(1000), "1.000");
        assert_eq!(format_int(i64::MIN), "-9.223.372.036.854.775.808");
        assert_eq!(format_percent(0.985), "98,5%");
        assert_eq!(format_percent(1.0), "100%");
        assert_eq!(format_percent(0.0), "0%");
        assert_eq!(format_percent(0.98456), "98,5%");
        assert_eq!(format_percent(0.5), "50%");
        assert_eq!(format_percent(12.345), "1.234,5%");
        assert_eq!(format_percent(-0.0001), "0%");
        assert_eq!(format_percent(1.0 / 5969.0), "<0,1%");
        assert_eq!(format_percent(5968.0 / 5969.0), ">99,9%");
        assert_eq!(format_percent(0.0005), "0,1%");
        assert_eq!(format_percent(0.9994), "99,9%");
        assert_eq!(format_decimal(1234.5, 1), "1.234,5");
        assert_eq!(format_decimal(1234.5, 0), "1.235");
        assert_eq!(format_decimal(-1234.5, 2), "-1.234,50");
        assert_eq!(format_decimal(0.004, 2), "0,00");
        assert_eq!(format_decimal(-0.004, 2), "0,00");
        assert_eq!(format_decimal(1_000_000.0, 0), "1.000.000");
        assert_eq!(format_decimal(2.5, 0), "3");
        assert_eq!(format_decimal(f64::NAN, 1), "NaN");
        assert_eq!(format_decimal(f64::NEG_INFINITY, 1), "-∞");
    }

    #[test]
    fn parse_date_examples() {
        let d = date(2020, 2, 9);
        for s in [
            "09/02/2020",
            "9/2/2020",
            "09-02-2020",
            "09.02.2020",
            "2020-02-09",
            "2020-2-9",
            "  09/02/2020\t",
        ] {
            assert_eq!(parse_date(s), Some(d), "{s:?}");
        }
        assert_eq!(parse_date("29/02/2020"), Some(date(2020, 2, 29)));
        for s in [
            "31/02/2020",
            "29/02/2019",
            "00/01/2020",
            "01/13/2020",
            "09/02/20",
            "2020",
            "",
            "09/02-2020",
            "09/02/2020/1",
            "+9/02/2020",
            "09 02 2020",
            "009/02/2020",
            "09/02/02020",
            "20-02-09",
            "ngày 9/2/2020",
        ] {
            assert_eq!(parse_date(s), None, "{s:?}");
        }
    }
}

/// The folded name with the given name first: "Nguyễn Văn An" → "an nguyen van". Stored beside the
/// folded name so that a prefix search finds a member by given name as well as by full name.
pub fn given_first_fold(full_name: &str) -> String {
    let folded = fold(full_name);
    match folded.rsplit_once(' ') {
        Some((rest, given)) => format!("{given} {rest}"),
        None => folded,
    }
}

#[cfg(test)]
mod given_first_tests {
    use super::*;

    #[test]
    fn given_name_comes_first() {
        assert_eq!(given_first_fold("Nguyễn Văn An"), "an nguyen van");
        assert_eq!(given_first_fold("Đặng Thị Thu Hà"), "ha dang thi thu");
        assert_eq!(given_first_fold("Ánh"), "anh");
    }
}
