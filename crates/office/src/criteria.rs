//! Criteria set import (`lamtheo import criteria FILE`): one row per criterion of a set — code, title,
//! group, how it is measured, target — in the order the file gives. CSV (UTF-8, UTF-16, Windows-1258) or
//! XLSX through the shared reader; Vietnamese or English headers; every row error collected.

use std::collections::HashMap;

use domain::criteria::valid_code;
use domain::import::{Parsed, RowError};
use domain::limits::{self, Field};

use crate::columns::{drive, ColumnSpec};
use crate::members::shown;
use crate::{sort_errors, OfficeError};

/// One criterion read from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionRow {
    /// Spreadsheet line (the header is line 1).
    pub line: usize,
    pub code: String,
    pub title: String,
    pub group: String,
    /// How it is measured (cách đánh giá).
    pub measure: String,
    /// The target (chỉ tiêu).
    pub target: String,
}

const C_CODE: usize = 0;
const C_TITLE: usize = 1;
const C_GROUP: usize = 2;
const C_MEASURE: usize = 3;
const C_TARGET: usize = 4;

/// The columns of a criteria file; aliases in `columns::header_key` form, the first one the Vietnamese
/// header's.
const CRITERIA_COLUMNS: [ColumnSpec; 5] = [
    ColumnSpec {
        name: "Mã tiêu chí",
        aliases: &[
            "ma tieu chi",
            "code",
            "ma",
            "criterion code",
            "so tt tieu chi",
        ],
        required: true,
    },
    ColumnSpec {
        name: "Tên tiêu chí",
        aliases: &["ten tieu chi", "title", "tieu chi", "criterion", "name"],
        required: true,
    },
    ColumnSpec {
        name: "Nhóm tiêu chí",
        aliases: &["nhom tieu chi", "group", "nhom", "linh vuc"],
        required: false,
    },
    ColumnSpec {
        name: "Cách đánh giá",
        aliases: &[
            "cach danh gia",
            "measure",
            "phuong phap",
            "phuong phap danh gia",
            "how measured",
        ],
        required: false,
    },
    ColumnSpec {
        name: "Chỉ tiêu",
        aliases: &["chi tieu", "target", "yeu cau", "muc tieu"],
        required: false,
    },
];

/// Vietnamese headers of a criteria file, in template order.
pub const CRITERIA_HEADERS: [&str; 5] = [
    CRITERIA_COLUMNS[0].name,
    CRITERIA_COLUMNS[1].name,
    CRITERIA_COLUMNS[2].name,
    CRITERIA_COLUMNS[3].name,
    CRITERIA_COLUMNS[4].name,
];

/// Parses a criteria file (CSV or XLSX) and checks every row, collecting all errors: a missing or
/// malformed code, a code used twice, a missing title, texts over their limits.
pub fn parse_criteria(bytes: &[u8], filename: &str) -> Result<Parsed<CriterionRow>, OfficeError> {
    let mut rows = Vec::new();
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut cap = domain::import::ErrorCap::default();
    let header_errors = drive(filename, bytes, &CRITERIA_COLUMNS, |line, mut f| {
        let mut list = Vec::new();
        let mut push = |spec: usize, message: String| {
            list.push(RowError::new(line, CRITERIA_COLUMNS[spec].name, message));
        };
        let code = f.take(C_CODE);
        let title = f.take(C_TITLE);
        let group = f.take(C_GROUP);
        let measure = f.take(C_MEASURE);
        let target = f.take(C_TARGET);
        if code.is_empty() {
            push(C_CODE, "Thiếu mã tiêu chí".to_string());
        } else if !valid_code(&code) {
            push(
                C_CODE,
                format!(
                    "Mã tiêu chí \"{}\" không hợp lệ: chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)",
                    shown(&code)
                ),
            );
        } else {
            let key = domain::text::fold(&code);
            match seen.get(&key) {
                Some(first) => push(
                    C_CODE,
                    format!("Mã tiêu chí \"{code}\" trùng với dòng {first}"),
                ),
                None => {
                    seen.insert(key, line);
                }
            }
        }
        if title.is_empty() {
            push(C_TITLE, "Thiếu tên tiêu chí".to_string());
        } else if let Some(m) = limits::message(Field::Title, &title) {
            push(C_TITLE, m);
        }
        if let Some(m) = limits::message(Field::Title, &group) {
            push(C_GROUP, m);
        }
        if let Some(m) = limits::message(Field::Description, &measure) {
            push(C_MEASURE, m);
        }
        if let Some(m) = limits::message(Field::ItemTarget, &target) {
            push(C_TARGET, m);
        }
        if list.is_empty() {
            rows.push(CriterionRow {
                line,
                code,
                title,
                group,
                measure,
                target,
            });
        } else {
            errors.append(&mut list);
            cap.trim(&mut errors);
        }
    })?;
    if !header_errors.is_empty() {
        return Ok(Parsed {
            rows: Vec::new(),
            errors: header_errors,
        });
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(OfficeError::Empty);
    }
    sort_errors(&mut errors);
    cap.finish(&mut errors);
    Ok(Parsed { rows, errors })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::columns::header_key;

    const NTM: &[u8] = include_bytes!("../../demo/data/nong-thon-moi-19.csv");

    fn messages(p: &Parsed<CriterionRow>) -> Vec<String> {
        p.errors
            .iter()
            .map(|e| format!("{}|{}|{}", e.line, e.column, e.message))
            .collect()
    }

    /// The form Vietnamese Windows software writes in Windows-1258: base letters precomposed, the five
    /// tones as combining marks.
    fn windows_1258_form(s: &str) -> String {
        use unicode_normalization::UnicodeNormalization;
        const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];
        let mut out = String::new();
        let mut base = String::new();
        let mut tones = String::new();
        for c in s.nfd() {
            if TONES.contains(&c) {
                tones.push(c);
            } else if unicode_normalization::char::is_combining_mark(c) {
                base.push(c);
            } else {
                out.extend(base.nfc());
                out.push_str(&tones);
                base.clear();
                tones.clear();
                base.push(c);
            }
        }
        out.extend(base.nfc());
        out.push_str(&tones);
        out
    }

    #[test]
    fn aliases_are_header_keys() {
        for spec in &CRITERIA_COLUMNS {
            assert_eq!(header_key(spec.name), spec.aliases[0], "{}", spec.name);
            for a in spec.aliases {
                assert_eq!(&header_key(a), a);
            }
        }
    }

    #[test]
    fn criteria_the_national_new_rural_set_reads_as_19_criteria_in_five_groups() {
        let p = parse_criteria(NTM, "nong-thon-moi-19.csv").unwrap();
        assert!(p.is_ok(), "{:?}", messages(&p));
        assert_eq!(p.rows.len(), 19);
        let codes: Vec<&str> = p.rows.iter().map(|r| r.code.as_str()).collect();
        let expected: Vec<String> = (1..=19).map(|i| i.to_string()).collect();
        assert_eq!(codes, expected);
        let mut groups: Vec<&str> = p.rows.iter().map(|r| r.group.as_str()).collect();
        groups.dedup();
        assert_eq!(groups.len(), 5, "{groups:?}");
        assert_eq!((p.rows[0].line, p.rows[0].title.as_str()), (2, "Quy hoạch"));
        assert_eq!(p.rows[2].title, "Thủy lợi");
    }

    #[test]
    fn criteria_vietnamese_headers_windows_1258_and_utf16_read_the_same() {
        let text = "Mã tiêu chí,Tên tiêu chí,Nhóm,Cách đánh giá,Chỉ tiêu\n\
                    VMĐT-01,Có quy hoạch chung đô thị được duyệt,Quy hoạch,Hồ sơ quy hoạch,Đạt\n\
                    VMĐT-02,Tỷ lệ hộ gia đình văn hóa,Văn hóa - xã hội,Báo cáo năm,≥ 90%\n";
        let utf8 = parse_criteria(text.as_bytes(), "vmdt.csv").unwrap();
        assert!(utf8.is_ok(), "{:?}", messages(&utf8));
        assert_eq!(utf8.rows[1].target, "≥ 90%");
        assert_eq!(utf8.rows[0].measure, "Hồ sơ quy hoạch");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let again = parse_criteria(&utf16, "vmdt.csv").unwrap();
        assert_eq!(again.rows, utf8.rows);
        // Windows-1258: base letters precomposed, tones as combining marks (no "≥" in that code page).
        let plain = text.replace('≥', ">=");
        let legacy_text = windows_1258_form(&plain);
        let (cp1258, _, unmappable) = encoding_rs::WINDOWS_1258.encode(&legacy_text);
        assert!(!unmappable);
        let legacy = parse_criteria(&cp1258, "vmdt.csv").unwrap();
        let expected = parse_criteria(plain.as_bytes(), "vmdt.csv").unwrap();
        assert!(legacy.is_ok(), "{:?}", messages(&legacy));
        assert_eq!(legacy.rows, expected.rows);
        assert_eq!(legacy.rows[0].title, "Có quy hoạch chung đô thị được duyệt");
    }

    #[test]
    fn criteria_an_xlsx_file_reads_like_the_csv() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["code", "title", "group", "measure", "target"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        ws.write_string(1, 0, "1").unwrap();
        ws.write_string(1, 1, "Quy hoạch").unwrap();
        ws.write_string(1, 2, "Quy hoạch").unwrap();
        ws.write_number(2, 0, 2.0).unwrap();
        ws.write_string(2, 1, "Giao thông").unwrap();
        ws.write_string(2, 2, "Hạ tầng kinh tế - xã hội").unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let p = parse_criteria(&bytes, "tieu-chi.xlsx").unwrap();
        assert!(p.is_ok(), "{:?}", messages(&p));
        let codes: Vec<&str> = p.rows.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["1", "2"]);
        assert_eq!(p.rows[1].group, "Hạ tầng kinh tế - xã hội");
    }

    #[test]
    fn criteria_every_bad_row_is_reported_with_line_and_column() {
        let text = "mã,tiêu chí,nhóm tiêu chí\n\
                    1,Quy hoạch,Quy hoạch\n\
                    ,Giao thông,Hạ tầng\n\
                    1,Thủy lợi,Hạ tầng\n\
                    3 a,Điện,Hạ tầng\n\
                    4,,Hạ tầng\n";
        let p = parse_criteria(text.as_bytes(), "bad.csv").unwrap();
        assert_eq!(p.rows.len(), 1);
        assert_eq!(
            messages(&p),
            [
                "3|Mã tiêu chí|Thiếu mã tiêu chí",
                "4|Mã tiêu chí|Mã tiêu chí \"1\" trùng với dòng 2",
                "5|Mã tiêu chí|Mã tiêu chí \"3 a\" không hợp lệ: chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)",
                "6|Tên tiêu chí|Thiếu tên tiêu chí",
            ]
        );
    }

    #[test]
    fn criteria_a_file_without_the_title_column_is_refused_at_the_header() {
        let p = parse_criteria(b"code,group\n1,Quy hoach\n", "x.csv").unwrap();
        assert!(p.rows.is_empty());
        assert_eq!(p.errors.len(), 1, "{:?}", messages(&p));
        assert!(
            p.errors[0].message.contains("Tên tiêu chí"),
            "{:?}",
            messages(&p)
        );
        assert!(matches!(
            parse_criteria(b"", "x.csv"),
            Err(OfficeError::Empty)
        ));
    }
}
