//! Inspection and supervision case import: one row per subject of a case; the rows with the same
//! conducting unit and decision number are one case.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::import::{InspectionRow, Parsed, RowError};
use domain::inspection::{Body, CaseKind, Finding};
use domain::limits::{self, Field};
use rust_xlsxwriter::Workbook;

use crate::columns::{
    drive, INSPECTION_COLUMNS, INSPECTION_HEADERS, I_BODY, I_CONCLUDED, I_CONDUCTING, I_DECIDED,
    I_DIRECTIVE, I_FROM, I_KIND, I_NOTE, I_NUMBER, I_RESULT, I_SUBJECT_CARD, I_SUBJECT_UNIT,
    I_TITLE, I_TO,
};
use crate::members::{parse_date_cell, shown, SHOWN_CHARS};
use crate::{sort_errors, OfficeError};

fn col(spec: usize) -> &'static str {
    INSPECTION_COLUMNS[spec].name
}

/// Errors of the row being parsed.
struct RowErrors {
    line: usize,
    list: Vec<RowError>,
}

impl RowErrors {
    fn push(&mut self, spec: usize, message: String) {
        self.list.push(RowError::new(self.line, col(spec), message));
    }

    fn date(&mut self, spec: usize, text: &str) -> Option<NaiveDate> {
        match parse_date_cell(text) {
            Ok(d) => d,
            Err(message) => {
                self.push(spec, message);
                None
            }
        }
    }
}

/// What the first row of a case said, to which the later rows of the same case must agree.
struct CaseFirst {
    line: usize,
    kind: CaseKind,
    decided_on: NaiveDate,
    title: Option<String>,
    body: Body,
    /// Subjects already named ("u:CODE" / "m:CARD") and the line that named them.
    subjects: HashMap<String, usize>,
}

/// "x", "có", "1", "yes", "true" → true; empty, "không", "0", "no", "false" → false.
fn parse_flag(text: &str) -> Option<bool> {
    match domain::text::fold(text).as_str() {
        "x" | "co" | "1" | "yes" | "true" | "c" => Some(true),
        "" | "khong" | "0" | "no" | "false" | "k" => Some(false),
        _ => None,
    }
}

/// Parses an inspection file (CSV or XLSX) and checks every row, collecting all errors. Whether the
/// units and members exist and lie in the conducting unit's subtree is checked by the store.
pub fn parse_inspections(
    bytes: &[u8],
    filename: &str,
) -> Result<Parsed<InspectionRow>, OfficeError> {
    let estimate = crate::read::row_estimate(bytes);
    let mut rows = Vec::with_capacity(estimate);
    let mut errors = Vec::new();
    let mut cases: HashMap<(String, String), CaseFirst> = HashMap::new();
    let mut cap = domain::import::ErrorCap::default();
    let header_errors = drive(filename, bytes, &INSPECTION_COLUMNS, |line, mut f| {
        let mut e = RowErrors {
            line,
            list: Vec::new(),
        };
        let kind_text = f.take(I_KIND);
        let number = f.take(I_NUMBER);
        let decided_text = f.take(I_DECIDED);
        let conducting = f.take(I_CONDUCTING);
        let body_text = f.take(I_BODY);
        let title_text = f.take(I_TITLE);
        let subject_unit = f.take(I_SUBJECT_UNIT);
        let subject_card = f.take(I_SUBJECT_CARD);
        let result_text = f.take(I_RESULT);
        let from_text = f.take(I_FROM);
        let to_text = f.take(I_TO);
        let directive_text = f.take(I_DIRECTIVE);
        let concluded_text = f.take(I_CONCLUDED);
        let note_text = f.take(I_NOTE);

        let kind = if kind_text.is_empty() {
            e.push(I_KIND, "Thiếu loại cuộc kiểm tra, giám sát".to_string());
            None
        } else {
            let k = CaseKind::parse(&kind_text);
            if k.is_none() {
                e.push(
                    I_KIND,
                    format!(
                        "Loại không hợp lệ: \"{}\" (ghi ví dụ Kiểm tra, Giám sát chuyên đề, Giám sát thường xuyên, Kiểm tra khi có dấu hiệu vi phạm)",
                        shown(&kind_text)
                    ),
                );
            }
            k
        };
        if number.is_empty() {
            e.push(I_NUMBER, "Thiếu số quyết định".to_string());
        } else if let Some(m) = limits::message(Field::DocumentNumber, &number) {
            e.push(I_NUMBER, m);
        }
        let decided_on = if decided_text.is_empty() {
            e.push(I_DECIDED, "Thiếu ngày quyết định".to_string());
            None
        } else {
            e.date(I_DECIDED, &decided_text)
        };
        if conducting.is_empty() {
            e.push(I_CONDUCTING, "Thiếu mã đơn vị tiến hành".to_string());
        } else if let Some(m) = limits::message(Field::UnitCode, &conducting) {
            e.push(I_CONDUCTING, m);
        }
        let body = if body_text.is_empty() {
            Body::Commission
        } else {
            Body::parse(&body_text).unwrap_or_else(|| {
                e.push(
                    I_BODY,
                    format!(
                        "Cơ quan tiến hành không hợp lệ: \"{}\" (ghi Cấp ủy hoặc Ủy ban kiểm tra)",
                        shown(&body_text)
                    ),
                );
                Body::Commission
            })
        };
        let title = if title_text.is_empty() {
            None
        } else {
            if let Some(m) = limits::message(Field::Title, &title_text) {
                e.push(I_TITLE, m);
            }
            Some(title_text)
        };
        match (subject_unit.is_empty(), subject_card.is_empty()) {
            (true, true) => e.push(
                I_SUBJECT_UNIT,
                "Cần ghi mã tổ chức đảng được kiểm tra hoặc số thẻ đảng viên được kiểm tra"
                    .to_string(),
            ),
            (false, false) => e.push(
                I_SUBJECT_UNIT,
                "Mỗi dòng chỉ ghi một đối tượng: mã tổ chức đảng hoặc số thẻ đảng viên, không ghi cả hai"
                    .to_string(),
            ),
            _ => {}
        }
        if let Some(m) = (!subject_unit.is_empty())
            .then(|| limits::message(Field::UnitCode, &subject_unit))
            .flatten()
        {
            e.push(I_SUBJECT_UNIT, m);
        }
        if subject_card.chars().count() > SHOWN_CHARS {
            e.push(
                I_SUBJECT_CARD,
                format!("Số thẻ đảng viên \"{}\" không hợp lệ", shown(&subject_card)),
            );
        }
        let result = if result_text.is_empty() {
            None
        } else {
            let r = Finding::parse(&result_text);
            if r.is_none() {
                e.push(
                    I_RESULT,
                    format!(
                        "Kết quả không hợp lệ: \"{}\" (ghi Không vi phạm, Có ưu điểm, khuyết điểm hoặc Có vi phạm)",
                        shown(&result_text)
                    ),
                );
            }
            r
        };
        let from = e.date(I_FROM, &from_text);
        let to = e.date(I_TO, &to_text);
        if let (Some(a), Some(b)) = (from, to) {
            if b < a {
                e.push(
                    I_TO,
                    format!(
                        "Đến ngày ({}) trước từ ngày ({})",
                        domain::text::format_date(b),
                        domain::text::format_date(a)
                    ),
                );
            }
        }
        let directive_05 = parse_flag(&directive_text).unwrap_or_else(|| {
            e.push(
                I_DIRECTIVE,
                format!(
                    "Giá trị không hợp lệ: \"{}\" (ghi x hoặc để trống)",
                    shown(&directive_text)
                ),
            );
            false
        });
        let concluded_on = e.date(I_CONCLUDED, &concluded_text);
        if let (Some(c), Some(d)) = (concluded_on, decided_on) {
            if c < d {
                e.push(
                    I_CONCLUDED,
                    format!(
                        "Ngày kết luận ({}) trước ngày quyết định ({})",
                        domain::text::format_date(c),
                        domain::text::format_date(d)
                    ),
                );
            }
        }
        if concluded_on.is_some() && result.is_none() && !result_text.is_empty() {
            // Already reported as an unreadable result.
        } else if concluded_on.is_some() && result.is_none() {
            e.push(I_RESULT, "Có ngày kết luận nhưng thiếu kết quả".to_string());
        }
        let note = if note_text.is_empty() {
            None
        } else {
            if let Some(m) = limits::message(Field::Comment, &note_text) {
                e.push(I_NOTE, m);
            }
            Some(note_text)
        };

        // The rows of one case must agree; the same subject may not be named twice in a case.
        if let (Some(kind), Some(decided_on), false, false) =
            (kind, decided_on, conducting.is_empty(), number.is_empty())
        {
            let key = (domain::text::fold(&conducting), number.clone());
            let subject_key = if subject_unit.is_empty() {
                format!("m:{subject_card}")
            } else {
                format!("u:{}", domain::text::fold(&subject_unit))
            };
            match cases.get_mut(&key) {
                None => {
                    let mut subjects = HashMap::new();
                    subjects.insert(subject_key, line);
                    cases.insert(
                        key,
                        CaseFirst {
                            line,
                            kind,
                            decided_on,
                            title: title.clone(),
                            body,
                            subjects,
                        },
                    );
                }
                Some(first) => {
                    let other = first.line;
                    if first.kind != kind {
                        e.push(
                            I_KIND,
                            format!("Cùng quyết định số {number} với dòng {other} nhưng khác loại"),
                        );
                    }
                    if first.decided_on != decided_on {
                        e.push(
                            I_DECIDED,
                            format!(
                                "Cùng quyết định số {number} với dòng {other} nhưng khác ngày quyết định ({})",
                                domain::text::format_date(first.decided_on)
                            ),
                        );
                    }
                    if first.title != title {
                        e.push(
                            I_TITLE,
                            format!(
                                "Cùng quyết định số {number} với dòng {other} nhưng khác tên cuộc kiểm tra, giám sát"
                            ),
                        );
                    }
                    if first.body != body {
                        e.push(
                            I_BODY,
                            format!(
                                "Cùng quyết định số {number} với dòng {other} nhưng khác cơ quan tiến hành"
                            ),
                        );
                    }
                    if !(subject_unit.is_empty() && subject_card.is_empty()) {
                        if let Some(prev) = first.subjects.get(&subject_key) {
                            let spec = if subject_unit.is_empty() {
                                I_SUBJECT_CARD
                            } else {
                                I_SUBJECT_UNIT
                            };
                            e.push(
                                spec,
                                format!("Đối tượng này đã có ở dòng {prev} của cùng cuộc kiểm tra, giám sát"),
                            );
                        } else {
                            first.subjects.insert(subject_key, line);
                        }
                    }
                }
            }
        }

        match (kind, decided_on) {
            (Some(kind), Some(decided_on)) if e.list.is_empty() => rows.push(InspectionRow {
                line,
                kind,
                decision_number: number,
                decided_on,
                conducting_code: conducting,
                body,
                title,
                subject_unit_code: (!subject_unit.is_empty()).then_some(subject_unit),
                subject_card: (!subject_card.is_empty()).then_some(subject_card),
                result,
                from,
                to,
                directive_05,
                concluded_on,
                note,
            }),
            _ => {
                errors.append(&mut e.list);
                cap.trim(&mut errors);
            }
        }
    })?;
    if !header_errors.is_empty() {
        return Ok(Parsed {
            rows: Vec::new(),
            errors: header_errors,
        });
    }
    sort_errors(&mut errors);
    cap.finish(&mut errors);
    Ok(Parsed { rows, errors })
}

const INSPECTION_WIDTHS: [f64; 14] = [
    22.0, 16.0, 14.0, 14.0, 16.0, 36.0, 16.0, 16.0, 22.0, 12.0, 12.0, 10.0, 14.0, 24.0,
];

/// Import form for inspection and supervision cases: headers, two example rows (one case with a unit
/// and a member as subjects) and a "Hướng dẫn" sheet.
pub fn inspections_template_xlsx() -> Result<Vec<u8>, OfficeError> {
    let row = |cells: [&str; 14]| cells.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let examples = [
        row([
            "Giám sát chuyên đề",
            "12-QĐ/UBKT",
            "15/03/2019",
            "P7",
            "Ủy ban kiểm tra",
            "Giám sát việc thực hiện Chỉ thị 05",
            "P7-CB1",
            "",
            "Không vi phạm",
            "01/04/2019",
            "30/04/2019",
            "x",
            "20/05/2019",
            "",
        ]),
        row([
            "Giám sát chuyên đề",
            "12-QĐ/UBKT",
            "15/03/2019",
            "P7",
            "Ủy ban kiểm tra",
            "Giám sát việc thực hiện Chỉ thị 05",
            "",
            "79012345",
            "Có ưu điểm, khuyết điểm",
            "01/04/2019",
            "30/04/2019",
            "x",
            "20/05/2019",
            "",
        ]),
    ];
    let guide: [(&str, &str, &str); 14] = [
        ("Loại", "Có", "Kiểm tra; Giám sát chuyên đề; Giám sát thường xuyên; Kiểm tra khi có dấu hiệu vi phạm; Kiểm tra tài chính đảng; Giải quyết tố cáo; Giải quyết khiếu nại kỷ luật. (kind)"),
        ("Số quyết định", "Có", "Số quyết định kiểm tra, giám sát. Các dòng cùng đơn vị tiến hành và cùng số quyết định là một cuộc. (decision_number)"),
        ("Ngày quyết định", "Có", "dd/mm/yyyy. (decided_on)"),
        ("Mã đơn vị tiến hành", "Có", "Mã của đảng bộ / chi bộ tiến hành, đúng như trong danh sách đơn vị. (conducted_by)"),
        ("Cơ quan tiến hành", "Không", "Cấp ủy hoặc Ủy ban kiểm tra; để trống là Ủy ban kiểm tra. (body)"),
        ("Tên cuộc kiểm tra, giám sát", "Không", "Để trống thì hệ thống ghi theo loại và số quyết định. (title)"),
        ("Mã tổ chức đảng được kiểm tra", "Một trong hai", "Mã đơn vị thuộc đơn vị tiến hành. Mỗi dòng một đối tượng. (subject_unit)"),
        ("Số thẻ đảng viên", "Một trong hai", "Số thẻ của đảng viên được kiểm tra, giám sát (đảng viên của đơn vị tiến hành). (card_number)"),
        ("Kết quả", "Không", "Không vi phạm; Có ưu điểm, khuyết điểm; Có vi phạm. Để trống nếu chưa kết luận. (result)"),
        ("Từ ngày", "Không", "Ngày bắt đầu, dd/mm/yyyy. (from)"),
        ("Đến ngày", "Không", "Ngày kết thúc, dd/mm/yyyy. (to)"),
        ("Chỉ thị 05", "Không", "Ghi x nếu cuộc kiểm tra, giám sát gắn với thực hiện Chỉ thị 05. (directive_05)"),
        ("Ngày kết luận", "Không", "dd/mm/yyyy; để trống thì lấy ngày quyết định khi có kết quả. (concluded_on)"),
        ("Ghi chú", "Không", "Ghi chú về đối tượng. (note)"),
    ];
    let mut wb = Workbook::new();
    crate::export::write_sheet(
        wb.add_worksheet(),
        "Kiểm tra, giám sát",
        &INSPECTION_HEADERS,
        &examples,
        &INSPECTION_WIDTHS,
    )?;
    crate::export::write_guide(wb.add_worksheet(), &guide, &crate::export::COMMON_NOTES)?;
    Ok(wb.save_to_buffer()?)
}
