//! Inspection file import: every bad-row kind is reported by line and column; good rows become cases.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use domain::inspection::{Body, CaseKind, Finding};
use office::{inspections_template_xlsx, parse_inspections, INSPECTION_HEADERS};

fn csv(rows: &[&str]) -> Vec<u8> {
    let header: Vec<String> = INSPECTION_HEADERS
        .iter()
        .map(|h| {
            if h.contains(',') {
                format!("\"{h}\"")
            } else {
                h.to_string()
            }
        })
        .collect();
    format!("{}\n{}\n", header.join(","), rows.join("\n")).into_bytes()
}

/// The errors as shown, sorted (within a line the order of columns does not matter here).
fn errors_of(rows: &[&str]) -> Vec<String> {
    let mut errors: Vec<String> = parse_inspections(&csv(rows), "kiem-tra.csv")
        .unwrap()
        .errors
        .iter()
        .map(ToString::to_string)
        .collect();
    errors.sort();
    errors
}

fn sorted(list: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = list.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

const GOOD: &str = "Giám sát chuyên đề,12-QĐ/UBKT,15/03/2019,P7,Ủy ban kiểm tra,Giám sát Chỉ thị 05,P7-CB1,,Không vi phạm,01/04/2019,30/04/2019,x,20/05/2019,";

#[test]
fn good_rows_become_typed_rows() {
    let parsed = parse_inspections(
        &csv(&[
            GOOD,
            "Giám sát chuyên đề,12-QĐ/UBKT,15/03/2019,P7,Ủy ban kiểm tra,Giám sát Chỉ thị 05,,79012345,có vi phạm,01/04/2019,30/04/2019,x,,ghi chú",
            "inspection,3-QĐ/ĐU,2019-06-01,P7,cap uy,,P7-CB2,,,,,,,",
        ]),
        "kiem-tra.csv",
    )
    .unwrap();
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.rows.len(), 3);
    let r = &parsed.rows[0];
    assert_eq!(r.line, 2);
    assert_eq!(r.kind, CaseKind::ThematicSupervision);
    assert_eq!(r.decided_on, NaiveDate::from_ymd_opt(2019, 3, 15).unwrap());
    assert_eq!(r.body, Body::Commission);
    assert_eq!(r.subject_unit_code.as_deref(), Some("P7-CB1"));
    assert_eq!(r.result, Some(Finding::NoViolation));
    assert!(r.directive_05);
    assert_eq!(parsed.rows[1].subject_card.as_deref(), Some("79012345"));
    assert_eq!(parsed.rows[1].result, Some(Finding::Violation));
    assert_eq!(parsed.rows[1].note.as_deref(), Some("ghi chú"));
    let r = &parsed.rows[2];
    assert_eq!(r.kind, CaseKind::Inspection);
    assert_eq!(r.body, Body::Committee);
    assert_eq!(r.title, None);
    assert_eq!(r.result, None);
    assert!(!r.directive_05);
}

#[test]
fn every_bad_cell_is_named_by_line_and_column() {
    let errors = errors_of(&[
        // 2: unknown kind, bad date
        "Kiểm tra linh tinh,1-QĐ,31/02/2019,P7,,,P7-CB1,,,,,,,",
        // 3: missing number, decision date and conducting unit
        "Kiểm tra,,,,,,P7-CB1,,,,,,,",
        // 4: no subject
        "Kiểm tra,2-QĐ,01/03/2019,P7,,,,,,,,,,",
        // 5: two subjects
        "Kiểm tra,3-QĐ,01/03/2019,P7,,,P7-CB1,79012345,,,,,,",
        // 6: bad body, result, flag
        "Kiểm tra,4-QĐ,01/03/2019,P7,Hội đồng,,P7-CB1,,tốt,,,có lẽ,,",
        // 7: period reversed, concluded before decided
        "Kiểm tra,5-QĐ,01/03/2019,P7,,,P7-CB1,,Không vi phạm,10/03/2019,05/03/2019,,01/02/2019,",
        // 8: concluded without result
        "Kiểm tra,6-QĐ,01/03/2019,P7,,,P7-CB1,,,,,,10/03/2019,",
    ]);
    assert_eq!(
        errors,
        sorted(&[
            "dòng 2, cột \"Loại\": Loại không hợp lệ: \"Kiểm tra linh tinh\" (ghi ví dụ Kiểm tra, Giám sát chuyên đề, Giám sát thường xuyên, Kiểm tra khi có dấu hiệu vi phạm)",
            "dòng 2, cột \"Ngày quyết định\": Ngày không hợp lệ: \"31/02/2019\" (định dạng dd/mm/yyyy)",
            "dòng 3, cột \"Số quyết định\": Thiếu số quyết định",
            "dòng 3, cột \"Ngày quyết định\": Thiếu ngày quyết định",
            "dòng 3, cột \"Mã đơn vị tiến hành\": Thiếu mã đơn vị tiến hành",
            "dòng 4, cột \"Mã tổ chức đảng được kiểm tra\": Cần ghi mã tổ chức đảng được kiểm tra hoặc số thẻ đảng viên được kiểm tra",
            "dòng 5, cột \"Mã tổ chức đảng được kiểm tra\": Mỗi dòng chỉ ghi một đối tượng: mã tổ chức đảng hoặc số thẻ đảng viên, không ghi cả hai",
            "dòng 6, cột \"Cơ quan tiến hành\": Cơ quan tiến hành không hợp lệ: \"Hội đồng\" (ghi Cấp ủy hoặc Ủy ban kiểm tra)",
            "dòng 6, cột \"Kết quả\": Kết quả không hợp lệ: \"tốt\" (ghi Không vi phạm, Có ưu điểm, khuyết điểm hoặc Có vi phạm)",
            "dòng 6, cột \"Chỉ thị 05\": Giá trị không hợp lệ: \"có lẽ\" (ghi x hoặc để trống)",
            "dòng 7, cột \"Đến ngày\": Đến ngày (05/03/2019) trước từ ngày (10/03/2019)",
            "dòng 7, cột \"Ngày kết luận\": Ngày kết luận (01/02/2019) trước ngày quyết định (01/03/2019)",
            "dòng 8, cột \"Kết quả\": Có ngày kết luận nhưng thiếu kết quả",
        ])
    );
}

#[test]
fn rows_of_one_case_must_agree_and_name_each_subject_once() {
    let errors = errors_of(&[
        GOOD,
        // Same case, other kind, other date, other title, other body.
        "Kiểm tra,12-QĐ/UBKT,16/03/2019,P7,Cấp ủy,Khác,P7-CB2,,,,,,,",
        // Same case, same subject again.
        "Giám sát chuyên đề,12-QĐ/UBKT,15/03/2019,P7,Ủy ban kiểm tra,Giám sát Chỉ thị 05,P7-CB1,,,,,,,",
        // Same number but another conducting unit: another case, fine.
        "Kiểm tra,12-QĐ/UBKT,16/03/2019,P8,,,P8-CB1,,,,,,,",
    ]);
    assert_eq!(
        errors,
        sorted(&[
            "dòng 3, cột \"Loại\": Cùng quyết định số 12-QĐ/UBKT với dòng 2 nhưng khác loại",
            "dòng 3, cột \"Ngày quyết định\": Cùng quyết định số 12-QĐ/UBKT với dòng 2 nhưng khác ngày quyết định (15/03/2019)",
            "dòng 3, cột \"Cơ quan tiến hành\": Cùng quyết định số 12-QĐ/UBKT với dòng 2 nhưng khác cơ quan tiến hành",
            "dòng 3, cột \"Tên cuộc kiểm tra, giám sát\": Cùng quyết định số 12-QĐ/UBKT với dòng 2 nhưng khác tên cuộc kiểm tra, giám sát",
            "dòng 4, cột \"Mã tổ chức đảng được kiểm tra\": Đối tượng này đã có ở dòng 2 của cùng cuộc kiểm tra, giám sát",
        ])
    );
}

#[test]
fn missing_required_columns_are_header_errors() {
    let parsed = parse_inspections(
        "Loại,Số quyết định,Mã tổ chức đảng được kiểm tra\nKiểm tra,1,P7\n".as_bytes(),
        "a.csv",
    )
    .unwrap();
    assert!(parsed.rows.is_empty());
    let errors: Vec<String> = parsed.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        errors,
        [
            "dòng 1, cột \"Ngày quyết định\": Thiếu cột \"Ngày quyết định\"",
            "dòng 1, cột \"Mã đơn vị tiến hành\": Thiếu cột \"Mã đơn vị tiến hành\"",
        ]
    );
}

#[test]
fn english_headers_are_read() {
    let file = "kind,decision_number,decided_on,conducted_by,subject_unit,result\n\
                regular_supervision,7,03/02/2020,P7,P7-CB1,shortcomings\n";
    let parsed = parse_inspections(file.as_bytes(), "a.csv").unwrap();
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.rows[0].kind, CaseKind::RegularSupervision);
    assert_eq!(parsed.rows[0].result, Some(Finding::Shortcomings));
}

#[test]
fn the_template_parses_without_errors() {
    let bytes = inspections_template_xlsx().unwrap();
    let parsed = parse_inspections(&bytes, "mau.xlsx").unwrap();
    assert_eq!(parsed.errors, []);
    assert_eq!(parsed.rows.len(), 2);
    assert_eq!(parsed.rows[1].subject_card.as_deref(), Some("79012345"));
}
