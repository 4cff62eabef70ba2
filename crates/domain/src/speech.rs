//! Vietnamese read-aloud text: numbers, dates and whole sentences rewritten the way an announcer of
//! the ward's loudspeaker reads them ("3.520" → "ba nghìn năm trăm hai mươi", "15/3/2026" → "ngày
//! mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu", "UBND" → "Ủy ban nhân dân").
//!
//! Everything here is pure and total: any input gives an output, nothing panics. [`spoken`] leaves
//! no ASCII digit in its output: every run of digits is read out in words.

use chrono::{Datelike, NaiveDate};
use unicode_normalization::UnicodeNormalization;

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

const DIGITS: [&str; 10] = [
    "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
];

/// Scale words of the three-digit groups below a billion (index = group from the right).
const SCALES: [&str; 3] = ["", "nghìn", "triệu"];

const BILLION: u64 = 1_000_000_000;

fn digit_word(d: u64) -> &'static str {
    DIGITS.get(d as usize).copied().unwrap_or("không")
}

/// Pushes a word, with a space before it unless `out` is empty.
fn push_word(out: &mut String, word: &str) {
    if word.is_empty() {
        return;
    }
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(word);
}

/// Reads one non-zero group of three digits. A leading group (`full == false`) drops a zero
/// hundreds digit ("hai mươi sáu"); any other group reads it ("không trăm hai mươi sáu") and says
/// "linh" before a lone units digit ("không trăm linh năm").
fn push_group(out: &mut String, n: u64, full: bool) {
    let (h, t, u) = (n / 100, (n / 10) % 10, n % 10);
    let with_hundreds = full || h > 0;
    if with_hundreds {
        push_word(out, digit_word(h));
        push_word(out, "trăm");
    }
    match t {
        0 => {
            if u > 0 {
                if with_hundreds {
                    push_word(out, "linh");
                }
                push_word(out, digit_word(u));
            }
        }
        1 => {
            push_word(out, "mười");
            match u {
                0 => {}
                5 => push_word(out, "lăm"),
                _ => push_word(out, digit_word(u)),
            }
        }
        _ => {
            push_word(out, digit_word(t));
            push_word(out, "mươi");
            match u {
                0 => {}
                1 => push_word(out, "mốt"),
                4 => push_word(out, "tư"),
                5 => push_word(out, "lăm"),
                _ => push_word(out, digit_word(u)),
            }
        }
    }
}

/// Reads `n < 10^9` as groups with "nghìn" and "triệu". `leading` is false when something larger
/// was read before (then every non-zero group is read in full).
fn push_below_billion(out: &mut String, n: u64, leading: bool) {
    let groups = [n / 1_000_000, (n / 1_000) % 1_000, n % 1_000];
    let mut first = leading;
    for (i, g) in groups.iter().enumerate() {
        if *g == 0 {
            continue;
        }
        push_group(out, *g, !first);
        first = false;
        push_word(out, SCALES.get(2 - i).copied().unwrap_or(""));
    }
}

fn push_number(out: &mut String, n: u64) {
    if n >= BILLION {
        // 10^12 reads "một nghìn tỷ", 10^15 "một triệu tỷ", 10^18 "một tỷ tỷ".
        push_number(out, n / BILLION);
        push_word(out, "tỷ");
        push_below_billion(out, n % BILLION, false);
    } else {
        push_below_billion(out, n, true);
    }
}

/// The Vietnamese reading of an integer: 0 → "không", 21 → "hai mươi mốt", 105 → "một trăm linh
/// năm", 2 026 → "hai nghìn không trăm hai mươi sáu", 1 000 001 → "một triệu không trăm linh một",
/// 10^12 → "một nghìn tỷ".
///
/// Rules: "mốt" and "tư" for the units 1 and 4 only after "… mươi" (tens ≥ 2), "lăm" for 5 after any
/// tens ("mười lăm"); a group after the first is read with its hundreds ("không trăm") and "linh"
/// before a lone units digit; an all-zero group is skipped.
pub fn number_words(n: u64) -> String {
    if n == 0 {
        return DIGITS[0].to_owned();
    }
    let mut out = String::with_capacity(32);
    push_number(&mut out, n);
    out
}

/// Digits read one by one: "05" → "không năm".
fn digits_one_by_one(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() * 5);
    for b in digits.bytes().filter(u8::is_ascii_digit) {
        push_word(&mut out, digit_word(u64::from(b - b'0')));
    }
    out
}

/// An integer written with ASCII digits only (no separators): as a number when it fits, one digit
/// at a time when it has a leading zero and more than two digits (telephone numbers, codes) or is
/// too large for a number.
fn integer_run_words(digits: &str) -> String {
    let leading_zero = digits.len() > 2 && digits.starts_with('0');
    match digits.parse::<u64>() {
        Ok(n) if !leading_zero => number_words(n),
        _ => digits_one_by_one(digits),
    }
}

/// Digits after the decimal comma: one by one when they start with 0 ("05" → "không năm") or are
/// longer than three, otherwise as a number ("25" → "hai mươi lăm").
fn fraction_words(digits: &str) -> String {
    if digits.starts_with('0') || digits.len() > 3 {
        digits_one_by_one(digits)
    } else {
        integer_run_words(digits)
    }
}

/// True for a Vietnamese thousands grouping: 1–3 digits, then groups of exactly three after dots.
fn valid_grouping(int_part: &str) -> bool {
    let mut groups = int_part.split('.');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    first_ok && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Reads a number written the Vietnamese way: dot for thousands, comma for decimals, an optional
/// leading minus ("âm"). "3.520" → "ba nghìn năm trăm hai mươi", "98,5" → "chín mươi tám phẩy
/// năm", "0,05" → "không phẩy không năm", "12,25" → "mười hai phẩy hai mươi lăm".
///
/// Decimals that start with 0 or have more than three digits are read one by one. `None` when the
/// text is not such a number (letters, misplaced dots as in "3.5", several commas, …).
pub fn decimal_words(s: &str) -> Option<String> {
    let s = s.trim();
    let (negative, body) = match s.strip_prefix('-').or_else(|| s.strip_prefix('−')) {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (int_part, frac_part) = match body.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    if int_part.is_empty() {
        return None;
    }
    let digits: String = if int_part.contains('.') {
        if !valid_grouping(int_part) {
            return None;
        }
        int_part.chars().filter(|c| *c != '.').collect()
    } else if int_part.bytes().all(|b| b.is_ascii_digit()) {
        int_part.to_owned()
    } else {
        return None;
    };
    let mut out = String::with_capacity(64);
    if negative {
        out.push_str("âm");
    }
    push_word(&mut out, &integer_run_words(&digits));
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        push_word(&mut out, "phẩy");
        push_word(&mut out, &fraction_words(f));
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

/// "mùng một" … "mùng mười" for the first ten days, then the number ("mười một", "hai mươi mốt").
fn day_words(day: u32) -> String {
    let n = number_words(u64::from(day));
    if (1..=10).contains(&day) {
        format!("mùng {n}")
    } else {
        n
    }
}

/// "một" … "mười hai", with "tư" for April.
fn month_words(month: u32) -> String {
    if month == 4 {
        "tư".to_owned()
    } else {
        number_words(u64::from(month))
    }
}

fn year_words(year: i32) -> String {
    let n = number_words(u64::from(year.unsigned_abs()));
    if year < 0 {
        format!("âm {n}")
    } else {
        n
    }
}

/// "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"; the first ten days read "mùng
/// một" … "mùng mười", April "tháng tư".
pub fn date_words(d: NaiveDate) -> String {
    format!(
        "ngày {} tháng {} năm {}",
        day_words(d.day()),
        month_words(d.month()),
        year_words(d.year())
    )
}

// ---------------------------------------------------------------------------------------------
// Sentences
// ---------------------------------------------------------------------------------------------

/// Abbreviations expanded as whole words (case-sensitive), longest first where they share a start.
const ABBREVIATIONS: [(&str, &str); 18] = [
    ("UB MTTQ", "Ủy ban Mặt trận Tổ quốc"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc"),
    ("UBND", "Ủy ban nhân dân"),
    ("HĐND", "Hội đồng nhân dân"),
    ("MTTQ", "Mặt trận Tổ quốc"),
    ("CT/TW", "chỉ thị của Trung ương"),
    ("NQ/TW", "nghị quyết của Trung ương"),
    ("QĐ/TW", "quy định của Trung ương"),
    ("KL/TW", "kết luận của Trung ương"),
    ("ANTT", "an ninh trật tự"),
    ("TDP", "tổ dân phố"),
    ("CCB", "Cựu chiến binh"),
    ("HCM", "Hồ Chí Minh"),
    ("Đ/c", "đồng chí"),
    ("đ/c", "đồng chí"),
    ("KP", "khu phố"),
    ("TW", "Trung ương"),
    ("TP", "Thành phố"),
];

/// Party document codes after a number, "05-CT/TW": (code, kind, issuer).
const DOCUMENT_CODES: [(&str, &str, &str); 4] = [
    ("CT/TW", "chỉ thị", "Trung ương"),
    ("NQ/TW", "nghị quyết", "Trung ương"),
    ("QĐ/TW", "quy định", "Trung ương"),
    ("KL/TW", "kết luận", "Trung ương"),
];

/// Units of measure after a number (with at most one space between), longest first.
const MEASURES: [(&str, &str); 13] = [
    ("km²", "ki-lô-mét vuông"),
    ("km2", "ki-lô-mét vuông"),
    ("m²", "mét vuông"),
    ("m2", "mét vuông"),
    ("m³", "mét khối"),
    ("m3", "mét khối"),
    ("km", "ki-lô-mét"),
    ("kg", "ki-lô-gam"),
    ("ha", "héc-ta"),
    ("VNĐ", "đồng"),
    ("VND", "đồng"),
    ("m", "mét"),
    ("đ", "đồng"),
];

/// A cursor over the characters of the text being read.
struct Reader {
    chars: Vec<char>,
    pos: usize,
    out: String,
}

impl Reader {
    fn at(&self, i: usize) -> Option<char> {
        self.chars.get(i).copied()
    }

    fn is_digit_at(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_ascii_digit())
    }

    fn is_letter_at(&self, i: usize) -> bool {
        self.at(i).is_some_and(|c| c.is_alphabetic())
    }

    /// True when `word` is at `i`.
    fn matches(&self, i: usize, word: &str) -> bool {
        (i..).zip(word.chars()).all(|(j, c)| self.at(j) == Some(c))
    }

    /// End of the run of ASCII digits starting at `i`.
    fn digits_end(&self, i: usize) -> usize {
        let mut j = i;
        while self.is_digit_at(j) {
            j += 1;
        }
        j
    }

    fn text(&self, from: usize, to: usize) -> String {
        self.chars
            .get(from..to)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// Pushes spoken words, separated by a space from a preceding letter or digit word.
    fn emit(&mut self, words: &str) {
        if self
            .out
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric())
        {
            self.out.push(' ');
        }
        self.out.push_str(words);
    }

    /// True when the output ends with `word` and a space, e.g. "ngày " (any case of its first letter).
    fn out_ends_with_word(&self, word: &str) -> bool {
        let Some(head) = self.out.strip_suffix(' ') else {
            return false;
        };
        // Only the last words matter: the word and the character before it.
        let tail_start = head
            .char_indices()
            .rev()
            .nth(word.chars().count())
            .map_or(0, |(i, _)| i);
        let lower = head[tail_start..].to_lowercase();
        lower.ends_with(word)
            && lower[..lower.len() - word.len()]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
    }

    fn run(mut self) -> String {
        while let Some(c) = self.at(self.pos) {
            if c.is_ascii_digit() {
                self.number();
            } else if !self.pos_follows_letter() && self.abbreviation() {
                // consumed
            } else {
                self.out.push(c);
                self.pos += 1;
            }
        }
        self.out
    }

    fn pos_follows_letter(&self) -> bool {
        self.pos
            .checked_sub(1)
            .and_then(|p| self.at(p))
            .is_some_and(|c| c.is_alphanumeric())
    }

    /// Expands an abbreviation at the cursor ("P." before a digit → "Phường "). A digit may follow an
    /// abbreviation directly ("KP2"), a letter may not.
    fn abbreviation(&mut self) -> bool {
        if self.matches(self.pos, "P.") {
            let after = self.pos + 2;
            let digit_at = if self.at(after) == Some(' ') {
                after + 1
            } else {
                after
            };
            if self.is_digit_at(digit_at) {
                self.out.push_str("Phường ");
                self.pos = digit_at;
                return true;
            }
        }
        if self.matches(self.pos, "TP.") && self.at(self.pos + 3) == Some(' ') {
            self.out.push_str("Thành phố");
            self.pos += 3;
            return true;
        }
        for (abbr, full) in ABBREVIATIONS {
            let end = self.pos + abbr.chars().count();
            if self.matches(self.pos, abbr) && !self.is_letter_at(end) {
                self.out.push_str(full);
                if self.is_digit_at(end) {
                    self.out.push(' ');
                }
                self.pos = end;
                return true;
            }
        }
        false
    }

    /// Reads a date, month/year, document number or number at the cursor (a digit), with what
    /// follows it (percent sign, unit, range dash, "/" of a ratio).
    fn number(&mut self) {
        let start = self.pos;
        let first_end = self.digits_end(start);
        if self.date(start, first_end) {
            self.after_number(false);
            return;
        }
        if self.document_number(start, first_end) {
            return;
        }
        // A number: digits with single dots or commas between digits.
        let mut end = first_end;
        while matches!(self.at(end), Some('.' | ',')) && self.is_digit_at(end + 1) {
            end = self.digits_end(end + 1);
        }
        let token = self.text(start, end);
        let words = decimal_words(&token).unwrap_or_else(|| piecewise_words(&token));
        self.emit(&words);
        self.pos = end;
        self.after_number(true);
    }

    /// "15/3/2026" (day 1–31, month 1–12, a four-digit year; also an impossible day such as 31/02,
    /// read as written), "03/2026" (month and year), and after "ngày" also "15/3". Three parts that
    /// are not a date ("12/13/2026") are read as numbers with "trên".
    fn date(&mut self, start: usize, first_end: usize) -> bool {
        let first_len = first_end - start;
        if !(1..=2).contains(&first_len) || self.at(first_end) != Some('/') {
            return false;
        }
        let second = first_end + 1;
        let second_end = self.digits_end(second);
        let second_len = second_end - second;
        let first = self.small_number(start, first_end);
        let month = self.small_number(second, second_end);
        // Nothing date-like may follow: no "/digit".
        let ends_cleanly =
            |r: &Self, end: usize| !(r.at(end) == Some('/') && r.is_digit_at(end + 1));
        if (1..=2).contains(&second_len) && self.at(second_end) == Some('/') {
            let third = second_end + 1;
            let third_end = self.digits_end(third);
            if third_end - third != 4 || !ends_cleanly(self, third_end) {
                return false;
            }
            let year = self.small_number(third, third_end);
            if (1..=31).contains(&first) && (1..=12).contains(&month) {
                let words = format!(
                    "ngày {} tháng {} năm {}",
                    day_words(first),
                    month_words(month),
                    number_words(u64::from(year))
                );
                self.emit_dated(&words, "ngày");
            } else {
                let words = format!(
                    "{} trên {} trên {}",
                    number_words(u64::from(first)),
                    number_words(u64::from(month)),
                    number_words(u64::from(year))
                );
                self.emit(&words);
            }
            self.pos = third_end;
            return true;
        }
        if second_len == 4 && ends_cleanly(self, second_end) && (1..=12).contains(&first) {
            let words = format!(
                "tháng {} năm {}",
                month_words(first),
                number_words(u64::from(month))
            );
            self.emit_dated(&words, "tháng");
            self.pos = second_end;
            return true;
        }
        if (1..=2).contains(&second_len)
            && ends_cleanly(self, second_end)
            && self.out_ends_with_word("ngày")
            && (1..=31).contains(&first)
            && (1..=12).contains(&month)
        {
            let words = format!("{} tháng {}", day_words(first), month_words(month));
            self.emit(&words);
            self.pos = second_end;
            return true;
        }
        false
    }

    /// The value of a run of at most four digits (0 for anything else).
    fn small_number(&self, from: usize, to: usize) -> u32 {
        if to - from > 4 {
            return 0;
        }
        self.text(from, to).parse().unwrap_or(0)
    }

    /// Emits date words that start with `lead` ("ngày", "tháng"), dropping it when the text already
    /// said it ("ngày 15/3/2026").
    fn emit_dated(&mut self, words: &str, lead: &str) {
        if self.out_ends_with_word(lead) {
            let rest = words
                .strip_prefix(lead)
                .map(str::trim_start)
                .unwrap_or(words);
            self.out.push_str(rest);
        } else {
            self.emit(words);
        }
    }

    /// "05-CT/TW" → "số năm chỉ thị của Trung ương"; after "Chỉ thị" or "Chỉ thị số" only "số năm của
    /// Trung ương".
    fn document_number(&mut self, start: usize, digits_end: usize) -> bool {
        if self.at(digits_end) != Some('-') {
            return false;
        }
        for (code, kind, issuer) in DOCUMENT_CODES {
            let end = digits_end + 1 + code.chars().count();
            if !self.matches(digits_end + 1, code)
                || self.at(end).is_some_and(|c| c.is_alphanumeric())
            {
                continue;
            }
            let number = integer_run_words(&self.text(start, digits_end));
            let said_kind = self.out_ends_with_word(kind)
                || (self.out_ends_with_word("số")
                    && self
                        .out
                        .strip_suffix(" số ")
                        .or_else(|| self.out.strip_suffix(" Số "))
                        .is_some_and(|h| h.to_lowercase().ends_with(kind)));
            let said_number = self.out_ends_with_word("số");
            let mut words = String::new();
            if !said_number {
                words.push_str("số ");
            }
            words.push_str(&number);
            if !said_kind {
                words.push(' ');
                words.push_str(kind);
            }
            words.push_str(" của ");
            words.push_str(issuer);
            self.emit(&words);
            self.pos = end;
            return true;
        }
        false
    }

    /// What may follow a number: "%", a unit of measure, a range dash before another number, the
    /// "/" of a ratio (units and percent only after a plain number); then a space before a letter
    /// that follows directly.
    fn after_number(&mut self, plain: bool) {
        let mut i = self.pos;
        while self.at(i) == Some(' ') {
            i += 1;
        }
        if plain && self.at(i) == Some('%') {
            self.out.push_str(" phần trăm");
            self.pos = i + 1;
        } else if let Some(dash_end) = self.range_dash(self.pos) {
            self.out.push_str(" đến ");
            self.pos = dash_end;
            return;
        } else if self.at(self.pos) == Some('/') && self.is_digit_at(self.pos + 1) {
            self.out.push_str(" trên ");
            self.pos += 1;
            return;
        } else if plain {
            let unit_start = if self.at(self.pos) == Some(' ') {
                self.pos + 1
            } else {
                self.pos
            };
            for (unit, words) in MEASURES {
                let end = unit_start + unit.chars().count();
                if self.matches(unit_start, unit)
                    && !self.at(end).is_some_and(|c| c.is_alphanumeric())
                {
                    self.out.push(' ');
                    self.out.push_str(words);
                    self.pos = end;
                    break;
                }
            }
        }
        if self.is_letter_at(self.pos) {
            self.out.push(' ');
        }
    }

    /// "2016–2019", "2016 - 2019": the end of the dash and its spaces when a digit follows.
    fn range_dash(&self, from: usize) -> Option<usize> {
        let mut i = from;
        while self.at(i) == Some(' ') {
            i += 1;
        }
        if !matches!(self.at(i), Some('-' | '–' | '—')) {
            return None;
        }
        i += 1;
        while self.at(i) == Some(' ') {
            i += 1;
        }
        self.is_digit_at(i).then_some(i)
    }
}

/// Digits and separators that are not a Vietnamese number ("3.5", "1,2,3"): each run of digits on
/// its own, "." read "chấm" and "," read "phẩy".
fn piecewise_words(token: &str) -> String {
    let mut out = String::with_capacity(token.len() * 6);
    let mut run = String::new();
    for c in token.chars() {
        if c.is_ascii_digit() {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            push_word(&mut out, &integer_run_words(&run));
            run.clear();
        }
        push_word(&mut out, if c == ',' { "phẩy" } else { "chấm" });
    }
    if !run.is_empty() {
        push_word(&mut out, &integer_run_words(&run));
    }
    out
}

/// Rewrites a Vietnamese text for reading aloud (NFC first):
///
/// * dates "15/3/2026", "15/03/2026" → "ngày mười lăm tháng ba năm …" (no second "ngày" after
///   "ngày"); "03/2026" → "tháng ba năm …"; after "ngày" also "15/3" → "mười lăm tháng ba";
/// * numbers the Vietnamese way ("3.520", "98,5"), "98,5%" → "… phần trăm", "5/7" → "năm trên
///   bảy", "2016 – 2019" → "… đến …";
/// * units after a number: "m2"/"m²" → "mét vuông", "km" → "ki-lô-mét", "đ" → "đồng", …;
/// * party document numbers "05-CT/TW" → "số năm chỉ thị của Trung ương";
/// * abbreviations as whole words, case-sensitive: "UBND", "HĐND", "MTTQ", "UB MTTQ", "TDP", "KP",
///   "CCB", "ANTT", "TW", "CT/TW", "Đ/c", "HCM", "TP", and "P." before a digit → "Phường ".
///
/// Everything else (letters with diacritics, punctuation, line breaks) passes through unchanged.
/// The output never contains an ASCII digit.
pub fn spoken(text: &str) -> String {
    let chars: Vec<char> = text.nfc().collect();
    let reader = Reader {
        out: String::with_capacity(text.len() * 2),
        chars,
        pos: 0,
    };
    reader.run()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn small_numbers() {
        let expected = [
            (0, "không"),
            (1, "một"),
            (2, "hai"),
            (3, "ba"),
            (4, "bốn"),
            (5, "năm"),
            (6, "sáu"),
            (7, "bảy"),
            (8, "tám"),
            (9, "chín"),
            (10, "mười"),
            (11, "mười một"),
            (14, "mười bốn"),
            (15, "mười lăm"),
            (20, "hai mươi"),
            (21, "hai mươi mốt"),
            (24, "hai mươi tư"),
            (25, "hai mươi lăm"),
            (99, "chín mươi chín"),
        ];
        for (n, words) in expected {
            assert_eq!(number_words(n), words, "{n}");
        }
    }

    #[test]
    fn hundreds_and_thousands() {
        let expected = [
            (100, "một trăm"),
            (101, "một trăm linh một"),
            (104, "một trăm linh bốn"),
            (105, "một trăm linh năm"),
            (110, "một trăm mười"),
            (115, "một trăm mười lăm"),
            (121, "một trăm hai mươi mốt"),
            (1_000, "một nghìn"),
            (1_005, "một nghìn không trăm linh năm"),
            (1_010, "một nghìn không trăm mười"),
            (2_026, "hai nghìn không trăm hai mươi sáu"),
            (3_520, "ba nghìn năm trăm hai mươi"),
            (10_000, "mười nghìn"),
            (21_000, "hai mươi mốt nghìn"),
            (1_000_000, "một triệu"),
            (1_000_001, "một triệu không trăm linh một"),
            (1_001_000, "một triệu không trăm linh một nghìn"),
            (2_500_000, "hai triệu năm trăm nghìn"),
            (1_000_000_000, "một tỷ"),
            (1_000_000_001, "một tỷ không trăm linh một"),
            (1_000_000_000_000, "một nghìn tỷ"),
            (
                999_999_999_999_999,
                "chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi \
                 chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín",
            ),
        ];
        for (n, words) in expected {
            assert_eq!(number_words(n), words, "{n}");
        }
        assert!(!number_words(u64::MAX).is_empty());
    }

    #[test]
    fn vietnamese_formatted_numbers() {
        let expected = [
            ("3.520", "ba nghìn năm trăm hai mươi"),
            ("98,5", "chín mươi tám phẩy năm"),
            ("0,05", "không phẩy không năm"),
            ("12,25", "mười hai phẩy hai mươi lăm"),
            ("1.000.000", "một triệu"),
            ("2026", "hai nghìn không trăm hai mươi sáu"),
            ("-5", "âm năm"),
            ("05", "năm"),
            ("0912", "không chín một hai"),
        ];
        for (s, words) in expected {
            assert_eq!(decimal_words(s).as_deref(), Some(words), "{s}");
        }
        for bad in ["", "abc", "3.5", "1,2,3", ",5", "5,", "1..000", "12.3456"] {
            assert_eq!(decimal_words(bad), None, "{bad}");
        }
    }

    #[test]
    fn dates() {
        assert_eq!(
            date_words(d(2026, 3, 15)),
            "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(
            date_words(d(2026, 4, 1)),
            "ngày mùng một tháng tư năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(
            date_words(d(2019, 1, 10)),
            "ngày mùng mười tháng một năm hai nghìn không trăm mười chín"
        );
        assert_eq!(
            date_words(d(2020, 12, 31)),
            "ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi"
        );
    }

    #[test]
    fn spoken_dates() {
        let tail = "tháng ba năm hai nghìn không trăm hai mươi sáu";
        assert_eq!(
            spoken("Họp ngày 15/3/2026."),
            format!("Họp ngày mười lăm {tail}.")
        );
        assert_eq!(
            spoken("Ngày 15/03/2026 họp"),
            format!("Ngày mười lăm {tail} họp")
        );
        assert_eq!(
            spoken("hạn 15/03/2026"),
            format!("hạn ngày mười lăm {tail}")
        );
        assert_eq!(spoken("trong 03/2026"), format!("trong {tail}"));
        assert_eq!(spoken("trong tháng 03/2026"), format!("trong {tail}"));
        assert_eq!(spoken("ngày 5/4"), "ngày mùng năm tháng tư");
        // Not a date: read as numbers.
        assert_eq!(
            spoken("31/02/2026"),
            "ngày ba mươi mốt tháng hai năm hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(
            spoken("12/13/2026"),
            "mười hai trên mười ba trên hai nghìn không trăm hai mươi sáu"
        );
        assert_eq!(spoken("5/7 chi bộ"), "năm trên bảy chi bộ");
    }

    #[test]
    fn spoken_numbers_percent_and_units() {
        assert_eq!(
            spoken("Tỷ lệ đạt 98,5%."),
            "Tỷ lệ đạt chín mươi tám phẩy năm phần trăm."
        );
        assert_eq!(spoken("đạt 100 %"), "đạt một trăm phần trăm");
        assert_eq!(spoken("có 3.520 hộ"), "có ba nghìn năm trăm hai mươi hộ");
        assert_eq!(
            spoken("hiến 120 m2 đất"),
            "hiến một trăm hai mươi mét vuông đất"
        );
        assert_eq!(
            spoken("hiến 120m² đất"),
            "hiến một trăm hai mươi mét vuông đất"
        );
        assert_eq!(
            spoken("làm 2,5 km đường"),
            "làm hai phẩy năm ki-lô-mét đường"
        );
        assert_eq!(spoken("góp 500.000đ"), "góp năm trăm nghìn đồng");
        assert_eq!(spoken("góp 500.000 đồng"), "góp năm trăm nghìn đồng");
        assert_eq!(spoken("góp 15 triệu đồng"), "góp mười lăm triệu đồng");
        assert_eq!(
            spoken("giai đoạn 2016 – 2019"),
            "giai đoạn hai nghìn không trăm mười sáu đến hai nghìn không trăm mười chín"
        );
        assert_eq!(
            spoken("giai đoạn 2016-2019"),
            "giai đoạn hai nghìn không trăm mười sáu đến hai nghìn không trăm mười chín"
        );
        assert_eq!(spoken("phiên bản 3.5"), "phiên bản ba chấm năm");
        assert_eq!(spoken("Tổ 12, khu 3"), "Tổ mười hai, khu ba");
        assert_eq!(spoken("A1"), "A một");
        assert_eq!(spoken("5abc"), "năm abc");
    }

    #[test]
    fn spoken_abbreviations() {
        assert_eq!(spoken("UBND phường"), "Ủy ban nhân dân phường");
        assert_eq!(spoken("HĐND xã"), "Hội đồng nhân dân xã");
        assert_eq!(spoken("UB MTTQ phường"), "Ủy ban Mặt trận Tổ quốc phường");
        assert_eq!(spoken("MTTQ"), "Mặt trận Tổ quốc");
        assert_eq!(spoken("TDP 3"), "tổ dân phố ba");
        assert_eq!(spoken("KP2"), "khu phố hai");
        assert_eq!(spoken("Hội CCB"), "Hội Cựu chiến binh");
        assert_eq!(spoken("giữ ANTT."), "giữ an ninh trật tự.");
        assert_eq!(spoken("Ban Bí thư TW"), "Ban Bí thư Trung ương");
        assert_eq!(spoken("Đ/c Nguyễn Văn An"), "đồng chí Nguyễn Văn An");
        assert_eq!(spoken("TP. HCM"), "Thành phố Hồ Chí Minh");
        assert_eq!(spoken("P.7"), "Phường bảy");
        assert_eq!(spoken("P. 7"), "Phường bảy");
        assert_eq!(spoken("05-CT/TW"), "số năm chỉ thị của Trung ương");
        assert_eq!(
            spoken("Chỉ thị 05-CT/TW của Bộ Chính trị"),
            "Chỉ thị số năm của Trung ương của Bộ Chính trị"
        );
        assert_eq!(
            spoken("Chỉ thị số 05-CT/TW"),
            "Chỉ thị số năm của Trung ương"
        );
        assert_eq!(spoken("theo CT/TW"), "theo chỉ thị của Trung ương");
        // Whole words, case-sensitive.
        assert_eq!(spoken("UBNDX ubnd KPI"), "UBNDX ubnd KPI");
        assert_eq!(spoken("Phường P.A"), "Phường P.A");
    }

    #[test]
    fn spoken_keeps_everything_else() {
        let s = "Kính thưa bà con nhân dân! Đề nghị: “giữ gìn” vệ sinh; cảm ơn.\nHết.";
        assert_eq!(spoken(s), s);
        assert_eq!(spoken(""), "");
        // NFD input is read like NFC.
        assert_eq!(
            spoken("nga\u{300}y 15/3/2026"),
            "ngày mười lăm tháng ba năm hai nghìn không trăm hai mươi sáu"
        );
    }

    #[test]
    fn spoken_never_leaves_digits() {
        for s in [
            "0",
            "00000000000000000000000",
            "1.",
            "1,",
            ".1",
            "1/",
            "/1",
            "1/2/",
            "12/13/2026",
            "99999999999999999999999,99",
            "1-",
            "-1",
            "1 - ",
            "1%%",
            "P.",
            "P.1.2.3",
            "05-CT/",
        ] {
            let out = spoken(s);
            assert!(!out.bytes().any(|b| b.is_ascii_digit()), "{s:?} → {out:?}");
        }
    }
}
