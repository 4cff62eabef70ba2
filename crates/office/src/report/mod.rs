//! The period report as files: Word in the party's document layout (Hướng dẫn 36-HD/VPTW) and Excel with one
//! sheet per section, both from one `domain::report::ReportDocument`, and the Vietnamese wording every view of
//! a report shares (section titles, figure labels, the drafted limitations as sentences).

use crate::OfficeError;
use domain::report::{Limitation, ReportDocument};

/// One drafted limitation as a sentence ("43 nội dung đăng ký năm 2019 chưa cụ thể (Phường 7, …)."); the
/// page, the Word file and the Excel file all use it.
pub fn limitation_sentence(l: &Limitation) -> String {
    let _ = l;
    todo!()
}

/// The report as a Word (.docx) file.
pub fn report_docx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    let _ = doc;
    todo!()
}

/// The report as an Excel (.xlsx) file: one sheet per section and the sub-unit table.
pub fn report_xlsx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    let _ = doc;
    todo!()
}

/// A file name for the report without extension ("bao-cao-TU-BT-2016-06-21-2020-05-20"), ASCII only.
pub fn report_file_stem(doc: &ReportDocument) -> String {
    let f = &doc.figures;
    let code: String = f
        .unit
        .code
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' })
        .collect();
    format!("bao-cao-{}-{}-{}", code, f.from, f.to)
}
