//! Reading CSV and XLSX files into rows of clean text.

use std::borrow::Cow;
use std::io::Cursor;

use calamine::{DataRef, Reader, SheetType, Xlsx};
use serde::{Deserialize, Serialize};
use unicode_normalization::{is_nfc_quick, IsNormalized};

use crate::OfficeError;

/// A whole sheet as text: the header row and the non-empty data rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Cells of the header row (the first non-empty row), trimmed and NFC.
    pub headers: Vec<String>,
    /// Spreadsheet line of the header row (1 unless the file starts with empty rows).
    pub header_line: usize,
    /// Non-empty rows after the header.
    pub rows: Vec<TableRow>,
}

/// One non-empty row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// Spreadsheet line: header = 1, first data row = 2; empty rows are counted, not returned.
    pub line: usize,
    /// Cells by column (column A = index 0), trimmed, inner whitespace collapsed, NFC. A row may have
    /// fewer or more cells than the header.
    pub cells: Vec<String>,
}

/// Columns beyond this are ignored in XLSX and CSV files alike (they can only be stray cells far to
/// the right; a CSV line of 30 million commas would otherwise become 30 million cells).
const MAX_COLUMNS: usize = 1024;

/// Bytes of cell text one import may hold, all rows together (a 200.000-member file has ≈ 33 MB; the
/// rows' own structures come on top). Bounds memory where the per-cell limit cannot: 300.000 rows of
/// 32.767-character names would be 10 GB.
pub const MAX_TABLE_TEXT: usize = 64 * 1024 * 1024;

/// Reads a CSV or XLSX file. XLSX is recognised by the ZIP signature or an `.xlsx`/`.xlsm` name; anything
/// else is read as CSV. The header is the first non-empty row; fully empty rows are skipped.
///
/// Every limit of [`crate::check_zip`] applies, and: at most [`crate::MAX_CELL_CHARS`] characters in a
/// cell, [`crate::MAX_IMPORT_ROWS`] data rows and [`MAX_TABLE_TEXT`] bytes of text in all.
pub fn read_table(filename: &str, bytes: &[u8]) -> Result<Table, OfficeError> {
    with_rows(filename, bytes, |rows| {
        let first = rows.next().ok_or(OfficeError::Empty)?;
        Ok(Table {
            headers: first.cells,
            header_line: first.line,
            rows: rows.collect(),
        })
    })?
}

/// Runs `f` over the non-empty rows of the file (header included), streaming: one row is built at a
/// time, for CSV and XLSX alike. When a limit is passed the rows stop and the limit's error is
/// returned instead of `f`'s result.
pub(crate) fn with_rows<R>(
    filename: &str,
    bytes: &[u8],
    f: impl FnOnce(&mut dyn Iterator<Item = TableRow>) -> R,
) -> Result<R, OfficeError> {
    match detect(filename, bytes) {
        Kind::Xlsx => {
            crate::bounds::check_zip(bytes)?;
            with_xlsx_rows(bytes, f)
        }
        Kind::OldExcel => Err(OfficeError::Unsupported(
            "tệp Excel cũ (.xls); hãy mở bằng Excel và lưu lại dưới dạng .xlsx hoặc CSV"
                .to_string(),
        )),
        Kind::Csv => {
            let text = decode(bytes);
            let mut rows = CsvRows::new(&text);
            let result = f(&mut rows);
            match rows.budget.error.take() {
                Some(e) => Err(e),
                None => Ok(result),
            }
        }
    }
}

/// Rough number of data rows, to reserve memory once: the line breaks of a CSV file (capped at the
/// import limit), nothing for XLSX (compressed).
pub(crate) fn row_estimate(bytes: &[u8]) -> usize {
    if bytes.starts_with(b"PK") {
        return 0;
    }
    bytes
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        .min(crate::MAX_IMPORT_ROWS)
}

/// The limits shared by both readers, and the first one passed.
#[derive(Default)]
pub(crate) struct Budget {
    rows: usize,
    text: usize,
    pub(crate) error: Option<OfficeError>,
}

impl Budget {
    /// Checks one raw cell before it is cleaned (and copied).
    fn cell(&mut self, raw: &str, line: usize, col: usize) -> bool {
        if raw.len() > crate::MAX_CELL_CHARS {
            let chars = raw.chars().count();
            if chars > crate::MAX_CELL_CHARS {
                self.error = Some(OfficeError::CellTooLong {
                    chars: domain::text::format_int(chars as i64),
                    at: format!(" ở dòng {line}, cột {}", crate::columns::column_letter(col)),
                });
                return false;
            }
        }
        true
    }

    /// Counts one non-empty row (header and title rows included: the limit is on data rows, give or
    /// take the few rows above the header). The text budget counts each cell's own `String` too, so
    /// that many empty cells cost what they weigh in memory.
    fn row(&mut self, cells: &[String]) -> bool {
        self.rows += 1;
        self.text += std::mem::size_of::<TableRow>()
            + cells
                .iter()
                .map(|c| c.len() + std::mem::size_of::<String>())
                .sum::<usize>();
        if self.rows > crate::MAX_IMPORT_ROWS + 1 {
            self.error = Some(OfficeError::TooManyImportRows(crate::MAX_IMPORT_ROWS));
            return false;
        }
        if self.text > MAX_TABLE_TEXT {
            self.error = Some(OfficeError::TooMuchText(MAX_TABLE_TEXT / (1024 * 1024)));
            return false;
        }
        true
    }
}

enum Kind {
    Xlsx,
    OldExcel,
    Csv,
}

fn detect(filename: &str, bytes: &[u8]) -> Kind {
    const CFB: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let lower = filename.to_ascii_lowercase();
    if bytes.starts_with(b"PK\x03\x04") || lower.ends_with(".xlsx") || lower.ends_with(".xlsm") {
        Kind::Xlsx
    } else if bytes.starts_with(&CFB) {
        Kind::OldExcel
    } else {
        Kind::Csv
    }
}

// ---------------------------------------------------------------------------------------------------
// Cell text

/// Trims, collapses inner whitespace and NFC-normalises (exactly `domain::text::normalize`, without
/// allocating twice for the common already-clean cell), then undoes the CSV-injection guard that the
/// exports add: a leading `'` before `=`, `+`, `-` or `@` is dropped.
pub(crate) fn clean_cell(raw: &str) -> String {
    let mut s = if whitespace_is_clean(raw)
        && (raw.is_ascii() || is_nfc_quick(raw.chars()) == IsNormalized::Yes)
    {
        raw.to_owned()
    } else {
        domain::text::normalize(raw)
    };
    if s.starts_with('\'') && matches!(s.as_bytes().get(1), Some(b'=' | b'+' | b'-' | b'@')) {
        s.remove(0);
    }
    s
}

/// True when `s` has no leading/trailing whitespace, no whitespace other than single ' ' between words.
fn whitespace_is_clean(s: &str) -> bool {
    let mut prev_ws = true;
    for c in s.chars() {
        if c.is_whitespace() {
            if c != ' ' || prev_ws {
                return false;
            }
            prev_ws = true;
        } else {
            prev_ws = false;
        }
    }
    !prev_ws || s.is_empty()
}

// ---------------------------------------------------------------------------------------------------
// CSV

/// Decodes CSV bytes: BOM-marked UTF-8 / UTF-16 LE / UTF-16 BE, BOM-less UTF-16 recognised by its NUL
/// bytes, UTF-8, and otherwise Windows-1258 (whose combining tone marks NFC composes later).
pub(crate) fn decode(bytes: &[u8]) -> Cow<'_, str> {
    use encoding_rs::{UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1258};
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return UTF_8.decode_without_bom_handling(rest).0;
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return UTF_16LE.decode_without_bom_handling(rest).0;
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return UTF_16BE.decode_without_bom_handling(rest).0;
    }
    if let [a, b, c, d, ..] = bytes {
        if *a != 0 && *b == 0 && *c != 0 && *d == 0 {
            return UTF_16LE.decode_without_bom_handling(bytes).0;
        }
        if *a == 0 && *b != 0 && *c == 0 && *d != 0 {
            return UTF_16BE.decode_without_bom_handling(bytes).0;
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => WINDOWS_1258.decode_without_bom_handling(bytes).0,
    }
}

/// RFC 4180 reader over decoded text that counts lines the way a spreadsheet shows them: one line per
/// record (a quoted field may span several text lines), empty lines counted but not returned.
/// Lenient: a quote inside an unquoted field is literal; text after a closing quote is appended.
pub(crate) struct CsvRows<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    delimiter: u8,
    width: usize,
    pub(crate) budget: Budget,
}

impl<'a> CsvRows<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let mut pos = 0;
        let mut delimiter = None;
        // Excel's "sep=;" hint line: not shown by Excel, so not counted.
        if let Some(rest) = text.strip_prefix("sep=") {
            let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
            if let [d] = &rest.as_bytes()[..end] {
                delimiter = Some(*d);
                pos = 4 + end;
                let tail = &text.as_bytes()[pos..];
                pos += match tail {
                    [b'\r', b'\n', ..] => 2,
                    [b'\r' | b'\n', ..] => 1,
                    _ => 0,
                };
            }
        }
        let delimiter = delimiter.unwrap_or_else(|| sniff_delimiter(&text[pos..]));
        CsvRows {
            text,
            pos,
            line: 0,
            delimiter,
            width: 8,
            budget: Budget::default(),
        }
    }

    /// Reads one record starting at `self.pos`; returns its cleaned fields, or `None` when a cell is
    /// longer than the limit (the error is in `self.budget`).
    fn record(&mut self) -> Option<Vec<String>> {
        let bytes = self.text.as_bytes();
        let len = bytes.len();
        let delim = self.delimiter;
        let mut cells = Vec::with_capacity(self.width);
        loop {
            let field: Cow<'a, str> = if bytes.get(self.pos) == Some(&b'"') {
                self.pos += 1;
                let mut buf = String::new();
                loop {
                    match bytes[self.pos..].iter().position(|&b| b == b'"') {
                        None => {
                            buf.push_str(&self.text[self.pos..]);
                            self.pos = len;
                            break;
                        }
                        Some(q) => {
                            buf.push_str(&self.text[self.pos..self.pos + q]);
                            self.pos += q + 1;
                            if bytes.get(self.pos) == Some(&b'"') {
                                buf.push('"');
                                self.pos += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                // Anything between the closing quote and the delimiter is kept literally.
                let end = self.field_end();
                buf.push_str(&self.text[self.pos..end]);
                self.pos = end;
                Cow::Owned(buf)
            } else {
                let start = self.pos;
                let end = self.field_end();
                self.pos = end;
                Cow::Borrowed(&self.text[start..end])
            };
            if cells.len() < MAX_COLUMNS {
                if !self.budget.cell(&field, self.line, cells.len()) {
                    return None;
                }
                cells.push(clean_cell(&field));
            }
            match bytes.get(self.pos) {
                Some(&b) if b == delim => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                    }
                    break;
                }
                Some(b'\n') => {
                    self.pos += 1;
                    break;
                }
                _ => break,
            }
        }
        // At most MAX_COLUMNS: one wide line cannot make every later line reserve much.
        self.width = self.width.max(cells.len()).min(MAX_COLUMNS);
        Some(cells)
    }

    /// Position of the next delimiter or line break at or after `self.pos` (or the end of the text).
    fn field_end(&self) -> usize {
        let delim = self.delimiter;
        self.text.as_bytes()[self.pos..]
            .iter()
            .position(|&b| b == delim || b == b'\n' || b == b'\r')
            .map_or(self.text.len(), |p| self.pos + p)
    }
}

impl Iterator for CsvRows<'_> {
    type Item = TableRow;

    fn next(&mut self) -> Option<TableRow> {
        while self.pos < self.text.len() && self.budget.error.is_none() {
            self.line += 1;
            let cells = self.record()?;
            if cells.iter().any(|c| !c.is_empty()) {
                if !self.budget.row(&cells) {
                    return None;
                }
                return Some(TableRow {
                    line: self.line,
                    cells,
                });
            }
        }
        None
    }
}

/// Picks ',', ';' or tab: whichever occurs most (outside quotes) in the first non-empty line.
fn sniff_delimiter(text: &str) -> u8 {
    let line = text
        .split(['\n', '\r'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let (mut comma, mut semi, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for b in line.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

// ---------------------------------------------------------------------------------------------------
// XLSX

/// Runs `f` over the rows of the first worksheet, read cell by cell and handed over one row at a time
/// (never as a dense rectangle, so a stray cell at XFD1048576 costs nothing, and never the whole sheet
/// at once). Rows must come in ascending order, as every spreadsheet program writes them. A panic
/// inside the XLSX library on a malformed file becomes an error.
fn with_xlsx_rows<R>(
    bytes: &[u8],
    f: impl FnOnce(&mut dyn Iterator<Item = TableRow>) -> R,
) -> Result<R, OfficeError> {
    let xerr = |e: calamine::XlsxError| OfficeError::Xlsx(e.to_string());
    let mut workbook: Xlsx<_> =
        guarded(|| calamine::open_workbook_from_rs(Cursor::new(bytes)))?.map_err(xerr)?;
    let name = workbook
        .sheets_metadata()
        .iter()
        .find(|s| s.typ == SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .ok_or(OfficeError::NoWorksheet)?;
    let reader = guarded(|| workbook.worksheet_cells_reader(&name))?.map_err(xerr)?;
    let mut rows = XlsxRows {
        reader,
        current: None,
        done: false,
        budget: Budget::default(),
    };
    let result = f(&mut rows);
    match rows.budget.error.take() {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// Runs a call into calamine, turning a panic into an error.
fn guarded<T>(call: impl FnOnce() -> T) -> Result<T, OfficeError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(call))
        .map_err(|_| OfficeError::Xlsx("tệp bị hỏng".to_string()))
}

struct XlsxRows<'a, RS: std::io::Read + std::io::Seek> {
    reader: calamine::XlsxCellReader<'a, RS>,
    /// The row being assembled: 0-based row number and its cells.
    current: Option<(u32, Vec<String>)>,
    done: bool,
    budget: Budget,
}

impl<RS: std::io::Read + std::io::Seek> XlsxRows<'_, RS> {
    fn fail(&mut self, e: OfficeError) -> Option<TableRow> {
        self.budget.error = Some(e);
        self.done = true;
        self.current = None;
        None
    }

    fn emit(&mut self, row: u32, cells: Vec<String>) -> Option<TableRow> {
        if self.budget.row(&cells) {
            Some(TableRow {
                line: row as usize + 1,
                cells,
            })
        } else {
            self.done = true;
            self.current = None;
            None
        }
    }
}

impl<RS: std::io::Read + std::io::Seek> Iterator for XlsxRows<'_, RS> {
    type Item = TableRow;

    fn next(&mut self) -> Option<TableRow> {
        loop {
            if self.done {
                let (row, cells) = self.current.take()?;
                return self.emit(row, cells);
            }
            let cell = match guarded(|| self.reader.next_cell()) {
                Ok(Ok(Some(cell))) => cell,
                Ok(Ok(None)) => {
                    self.done = true;
                    continue;
                }
                Ok(Err(e)) => return self.fail(OfficeError::Xlsx(e.to_string())),
                Err(e) => return self.fail(e),
            };
            let (row, col) = cell.get_position();
            if col as usize >= MAX_COLUMNS {
                continue;
            }
            let raw = cell_text(cell.get_value());
            if !self.budget.cell(&raw, row as usize + 1, col as usize) {
                self.done = true;
                self.current = None;
                return None;
            }
            let text = clean_cell(&raw);
            if text.is_empty() {
                continue;
            }
            let col = col as usize;
            let put = |cells: &mut Vec<String>| {
                if cells.len() <= col {
                    cells.resize(col + 1, String::new());
                }
                cells[col] = text;
            };
            match &mut self.current {
                Some((r, cells)) if *r == row => put(cells),
                Some((r, _)) if row < *r => {
                    return self.fail(OfficeError::Xlsx(
                        "các dòng của trang tính không theo thứ tự".to_string(),
                    ))
                }
                _ => {
                    let mut cells = Vec::new();
                    put(&mut cells);
                    if let Some((r, done)) = self.current.replace((row, cells)) {
                        return self.emit(r, done);
                    }
                }
            }
        }
    }
}

/// Text of one cell: dates as dd/mm/yyyy, whole numbers without ".0", text as is.
fn cell_text<'a>(value: &'a DataRef<'_>) -> Cow<'a, str> {
    match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::String(s) => Cow::Borrowed(s.as_str()),
        DataRef::SharedString(s) => Cow::Borrowed(s),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Float(f) => Cow::Owned(number_text(*f)),
        DataRef::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
        DataRef::DateTime(dt) => {
            let v = dt.as_f64();
            // Excel's own range: 0 ≤ serial < 2958466 (31/12/9999).
            if dt.is_datetime() && v.is_finite() && (0.0..2_958_466.0).contains(&v) {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                if let Some(date) = chrono::NaiveDate::from_ymd_opt(y.into(), m.into(), d.into()) {
                    return Cow::Owned(domain::text::format_date(date));
                }
            }
            Cow::Owned(number_text(v))
        }
        DataRef::DateTimeIso(s) => {
            let date = s
                .get(..10)
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match date {
                Some(d) => Cow::Owned(domain::text::format_date(d)),
                None => Cow::Borrowed(s.as_str()),
            }
        }
        DataRef::DurationIso(s) => Cow::Borrowed(s.as_str()),
        DataRef::Error(e) => Cow::Owned(e.to_string()),
    }
}

fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        // Exact: |f| < 1e15 < 2^53.
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rows(text: &str) -> Vec<(usize, Vec<String>)> {
        CsvRows::new(text).map(|r| (r.line, r.cells)).collect()
    }

    #[test]
    fn csv_quotes_blank_lines_and_line_numbers() {
        let got = rows("a,b\r\n\r\n\"x, \"\"y\"\"\",z\n\"multi\nline\",2\n,\n3,4");
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b".into()]),
                (3, vec!["x, \"y\"".into(), "z".into()]),
                (4, vec!["multi line".into(), "2".into()]),
                (6, vec!["3".into(), "4".into()]),
            ]
        );
    }

    #[test]
    fn csv_sep_hint_and_sniffing() {
        assert_eq!(
            rows("sep=;\na;b,c\n1;2"),
            vec![
                (1, vec!["a".into(), "b,c".into()]),
                (2, vec!["1".into(), "2".into()])
            ]
        );
        assert_eq!(sniff_delimiter("a;b;c,d\n"), b';');
        assert_eq!(sniff_delimiter("\n\"a;b\",c\n"), b',');
        assert_eq!(sniff_delimiter("a\tb\tc"), b'\t');
        assert_eq!(sniff_delimiter("abc"), b',');
    }

    #[test]
    fn csv_unterminated_quote_and_lone_cr() {
        assert_eq!(rows("\"abc"), vec![(1, vec!["abc".into()])]);
        assert_eq!(
            rows("a\rb"),
            vec![(1, vec!["a".into()]), (2, vec!["b".into()])]
        );
        assert_eq!(rows("\"a\"b,c"), vec![(1, vec!["ab".into(), "c".into()])]);
    }

    #[test]
    fn csv_cells_past_the_column_cap_are_ignored() {
        let line = format!("a{}", ",b".repeat(5_000));
        let got = rows(&format!("{line}\nx,y"));
        assert_eq!(got[0].1.len(), MAX_COLUMNS);
        assert_eq!(got[1], (2, vec!["x".to_string(), "y".to_string()]));
    }

    #[test]
    fn injection_guard_is_removed() {
        assert_eq!(clean_cell("'=SUM(A1)"), "=SUM(A1)");
        assert_eq!(clean_cell("'abc"), "'abc");
        assert_eq!(clean_cell("  x  "), "x");
    }

    #[test]
    fn numbers_lose_trailing_zero() {
        assert_eq!(number_text(912345678.0), "912345678");
        assert_eq!(number_text(1.5), "1.5");
        assert_eq!(number_text(-3.0), "-3");
    }

    proptest! {
        #[test]
        fn clean_cell_matches_domain_normalize(s in "[ \\t\\u{a0}a-zA-Zàáạảãăằắặẳẵâầấậẩẫđ\\u{300}\\u{301}\\u{303}\\u{309}\\u{323}=']{0,20}") {
            let mut expected = domain::text::normalize(&s);
            if expected.starts_with('\'') && matches!(expected.as_bytes().get(1), Some(b'=' | b'+' | b'-' | b'@')) {
                expected.remove(0);
            }
            prop_assert_eq!(clean_cell(&s), expected);
        }

        #[test]
        fn csv_never_panics(s in "[a;,\"\\r\\n ]{0,40}") {
            let _ = rows(&s);
        }
    }
}
