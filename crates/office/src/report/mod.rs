//! The period report as files: Word in the party's document layout (Hướng dẫn 36-HD/VPTW) and Excel with one
//! sheet per section, both from one `domain::report::ReportDocument`, and the Vietnamese wording every view of
//! a report shares (section titles, figure labels, the drafted limitations as sentences).
//!
//! * this file: the wording — section titles, labels of the typed values, the sentences the figures are
//!   told in, the limitations as sentences, the place-and-date line;
//! * `docx.rs`: the Word file (OOXML written by hand in schema order, with the helpers of
//!   `registrations.rs`), `charts.rs`: its native bar charts (`c:barChart` with cached values);
//! * `xlsx.rs`: the Excel file (rust_xlsxwriter, with native charts).

mod charts;
mod docx;
mod xlsx;

use crate::OfficeError;
use chrono::NaiveDate;
use domain::attendance::Tally;
use domain::inspection::{CaseKind, DisciplineForm, KindCounts};
use domain::report::{Limitation, LimitationKind, ReportDocument};
use domain::text::{format_int, format_percent};

/// One drafted limitation as a sentence ("43 nội dung đăng ký năm 2019 chưa cụ thể (Phường 7, …)."); the
/// page, the Word file and the Excel file all use it.
pub fn limitation_sentence(l: &Limitation) -> String {
    let n = format_int(l.count);
    let of_year = l.year.map(|y| format!(" năm {y}")).unwrap_or_default();
    let share = |what: &str| -> String {
        if l.out_of > 0 {
            format!(
                ", chiếm {} {what}",
                format_percent(l.count as f64 / l.out_of as f64)
            )
        } else {
            String::new()
        }
    };
    let of_units = |count: i64| -> String {
        if l.out_of > 0 {
            format!("{}/{}", format_int(count), format_int(l.out_of))
        } else {
            format_int(count)
        }
    };
    let mut s = match l.kind {
        LimitationKind::NotSpecific => format!(
            "{n} nội dung đăng ký{of_year} chưa cụ thể, chưa rõ chỉ tiêu, thời hạn{}",
            share("tổng số nội dung")
        ),
        LimitationKind::NotTiedToDuties => format!(
            "{n} nội dung đăng ký{of_year} chưa gắn với chức trách, nhiệm vụ được giao{}",
            share("tổng số nội dung")
        ),
        LimitationKind::NoResult => format!(
            "{n} nội dung của các bản đăng ký{of_year} đã được duyệt chưa được đánh giá kết quả thực hiện{}",
            share("số nội dung đã duyệt")
        ),
        LimitationKind::MostlyCopies => format!(
            "{} đơn vị có bản đăng ký{of_year} phần lớn sao chép giống nhau, còn hình thức",
            of_units(l.count)
        ),
        LimitationKind::BelowAttendanceTarget => format!(
            "{} đơn vị có tỷ lệ đảng viên tham gia học tập chuyên đề chưa đạt chỉ tiêu",
            of_units(l.count)
        ),
        LimitationKind::LeftPartyLife => {
            format!("{n} đảng viên bỏ sinh hoạt đảng, phải xóa tên hoặc xử lý kỷ luật")
        }
        LimitationKind::FeedbackUnanswered => {
            let of = if l.out_of > 0 {
                format!(" (trên tổng số {} phản ánh đã nhận)", format_int(l.out_of))
            } else {
                String::new()
            };
            format!("{n} phản ánh, kiến nghị của nhân dân quá hạn chưa được trả lời{of}")
        }
        LimitationKind::HeadsLate => {
            let who = if l.out_of > 0 {
                format!(
                    "{n}/{} đồng chí người đứng đầu, cán bộ chủ chốt",
                    format_int(l.out_of)
                )
            } else {
                format!("{n} đồng chí người đứng đầu, cán bộ chủ chốt")
            };
            format!(
                "{who} đăng ký{of_year} sau đảng viên trong đơn vị, chưa thực hiện \
                 đúng nguyên tắc “trên trước, dưới sau”"
            )
        }
    };
    let names: Vec<String> = l
        .units
        .iter()
        .map(|u| crate::registrations::clean(u).trim().to_string())
        .filter(|u| !u.is_empty())
        .collect();
    if !names.is_empty() {
        // Kinds counted in units know whether every unit is named.
        let counted_in_units = matches!(
            l.kind,
            LimitationKind::MostlyCopies | LimitationKind::BelowAttendanceTarget
        );
        let more = counted_in_units && (names.len() as i64) < l.count;
        s.push_str(" (");
        s.push_str(&names.join(", "));
        if more {
            s.push_str(", …");
        }
        s.push(')');
    }
    s.push('.');
    s
}

/// The report as a Word (.docx) file.
pub fn report_docx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    docx::report_docx(doc)
}

/// The report as an Excel (.xlsx) file: one sheet per section and the sub-unit table.
pub fn report_xlsx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    xlsx::report_xlsx(doc)
}

/// A file name for the report without extension ("bao-cao-TU-BT-2016-06-21-2020-05-20"), ASCII only.
pub fn report_file_stem(doc: &ReportDocument) -> String {
    let f = &doc.figures;
    let code: String = f
        .unit
        .code
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("bao-cao-{}-{}-{}", code, f.from, f.to)
}

// ---------------------------------------------------------------------------------------------------
// Wording shared by the Word and the Excel file

/// "Bến Tre, ngày 05 tháng 02 năm 2020" (Hướng dẫn 36-HD/VPTW): a day below 10 and the months 1 and 2 take
/// a leading zero, the other months do not ("ngày 20 tháng 5 năm 2020"). Without a place:
/// "Ngày 20 tháng 5 năm 2020".
pub fn date_line(place: &str, date: NaiveDate) -> String {
    crate::registrations::place_date_line(place, date)
}

/// The day a report is dated: the header's date, else the day its figures were computed (Vietnam time).
pub(crate) fn report_day(doc: &ReportDocument) -> NaiveDate {
    doc.header
        .dated
        .unwrap_or_else(|| domain::registration::vn_date(doc.figures.computed_at))
}

/// "Số 125-BC/TU"; "Số    -BC/TU" when only the suffix is set (the number is written by hand); "Số" and
/// room for both when nothing is set.
pub(crate) fn number_line(number: &str, issuer: domain::UnitType) -> String {
    let number = crate::registrations::clean(number);
    let number = number.trim();
    if number.is_empty() {
        format!(
            "Số       -BC/{}",
            domain::report::issuer_abbreviation(issuer)
        )
    } else if number.starts_with('-') {
        format!("Số    {number}")
    } else {
        format!("Số {number}")
    }
}

/// "từ ngày 21/06/2016 đến ngày 20/05/2020".
pub(crate) fn period_text(from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "từ ngày {} đến ngày {}",
        domain::text::format_date(from),
        domain::text::format_date(to)
    )
}

/// The section headings, in order (Roman numerals), and the subsections of section I.
pub(crate) mod titles {
    pub const RESULTS: &str = "I. KẾT QUẢ THỰC HIỆN";
    pub const STRENGTHS: &str = "II. ƯU ĐIỂM";
    pub const LIMITATIONS: &str = "III. HẠN CHẾ";
    pub const CAUSES: &str = "IV. NGUYÊN NHÂN";
    pub const DIRECTIONS: &str = "V. PHƯƠNG HƯỚNG, NHIỆM VỤ";
    pub const SUB_UNITS: &str = "Phụ lục 1. Kết quả của các đơn vị trực thuộc";
    pub const SUB_REPORTS: &str = "Phụ lục 2. Tình hình báo cáo của các đơn vị trực thuộc";

    pub const CAMPAIGN: &str = "Việc triển khai";
    pub const STUDY: &str = "Học tập chuyên đề";
    pub const CELL_MEETINGS: &str = "Sinh hoạt chi bộ";
    pub const REGISTRATIONS: &str = "Đăng ký làm theo";
    pub const DISCLOSURE: &str = "Công khai và giám sát của nhân dân";
    pub const MODELS: &str = "Mô hình, cách làm hay";
    pub const INSPECTION: &str = "Kiểm tra, giám sát và kỷ luật";
    pub const COMMENDATIONS: &str = "Khen thưởng, biểu dương";
    pub const CRITERIA: &str = "Tiêu chí và danh hiệu";
}

/// The subsections of "I. KẾT QUẢ THỰC HIỆN" this report has, numbered 1, 2, …: inspection and discipline
/// only when the reader may see them.
pub(crate) fn result_subsections(doc: &ReportDocument) -> Vec<(usize, &'static str)> {
    let f = &doc.figures;
    let mut list = vec![
        titles::CAMPAIGN,
        titles::STUDY,
        titles::CELL_MEETINGS,
        titles::REGISTRATIONS,
        titles::DISCLOSURE,
        titles::MODELS,
    ];
    if f.inspection.is_some() || f.discipline.is_some() {
        list.push(titles::INSPECTION);
    }
    list.push(titles::COMMENDATIONS);
    list.push(titles::CRITERIA);
    list.into_iter()
        .enumerate()
        .map(|(i, t)| (i + 1, t))
        .collect()
}

/// The Vietnamese name of a kind of inspection or supervision case.
pub(crate) fn case_kind_label(k: CaseKind) -> &'static str {
    match k {
        CaseKind::RegularSupervision => "Giám sát thường xuyên",
        CaseKind::ThematicSupervision => "Giám sát chuyên đề",
        CaseKind::Inspection => "Kiểm tra",
        CaseKind::ViolationInspection => "Kiểm tra khi có dấu hiệu vi phạm",
        CaseKind::FinanceInspection => "Kiểm tra tài chính đảng",
        CaseKind::Denunciation => "Giải quyết tố cáo",
        CaseKind::DisciplineAppeal => "Giải quyết khiếu nại kỷ luật",
    }
}

/// The verb of a kind in a sentence ("kiểm tra 206 tổ chức đảng và 3.520 đảng viên").
fn case_kind_verb(k: CaseKind) -> &'static str {
    match k {
        CaseKind::RegularSupervision => "giám sát thường xuyên",
        CaseKind::ThematicSupervision => "giám sát chuyên đề",
        CaseKind::Inspection => "kiểm tra",
        CaseKind::ViolationInspection => "kiểm tra khi có dấu hiệu vi phạm",
        CaseKind::FinanceInspection => "kiểm tra tài chính đảng",
        CaseKind::Denunciation => "giải quyết tố cáo đối với",
        CaseKind::DisciplineAppeal => "giải quyết khiếu nại kỷ luật của",
    }
}

/// A form of discipline.
pub(crate) fn discipline_label(f: DisciplineForm) -> &'static str {
    match f {
        DisciplineForm::Reprimand => "Khiển trách",
        DisciplineForm::Warning => "Cảnh cáo",
        DisciplineForm::Dismissal => "Cách chức",
        DisciplineForm::Expulsion => "Khai trừ",
        DisciplineForm::Dissolution => "Giải tán",
    }
}

/// "Kiểm tra 206 tổ chức đảng và 3.520 đảng viên (12 cuộc)"; `None` when the kind has no case.
pub(crate) fn inspection_sentence(kind: CaseKind, k: &KindCounts) -> Option<String> {
    if k.cases == 0 && k.units == 0 && k.members == 0 {
        return None;
    }
    let verb = case_kind_verb(kind);
    let mut subjects = Vec::new();
    if k.units > 0 {
        subjects.push(format!("{} tổ chức đảng", format_int(k.units as i64)));
    }
    if k.members > 0 {
        subjects.push(format!("{} đảng viên", format_int(k.members as i64)));
    }
    let mut s = if subjects.is_empty() {
        let mut v = verb.to_string();
        // "giải quyết tố cáo đối với" needs its object; without subjects say the cases only.
        for tail in [" đối với", " của"] {
            if let Some(stripped) = v.strip_suffix(tail) {
                v = stripped.to_string();
            }
        }
        v
    } else {
        format!("{verb} {}", subjects.join(" và "))
    };
    if k.cases > 0 {
        s.push_str(&format!(" ({} cuộc)", format_int(k.cases as i64)));
    }
    let mut chars = s.chars();
    Some(match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => s,
    })
}

/// A rate as "98,5%", "–" when nobody was expected.
pub(crate) fn rate_text(r: Option<f64>) -> String {
    r.map(format_percent).unwrap_or_else(|| "–".to_string())
}

/// "3.410/3.520 lượt đảng viên tham dự, đạt 96,9%".
pub(crate) fn tally_sentence(t: &Tally) -> String {
    match t.rate() {
        Some(r) => format!(
            "{}/{} lượt đảng viên tham dự, đạt {}",
            format_int(t.attended()),
            format_int(t.expected),
            format_percent(r)
        ),
        None => "chưa có lượt đảng viên phải tham dự".to_string(),
    }
}

/// A share "n/d" as a ratio, `None` when `d` is 0.
pub(crate) fn ratio(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// The attendance target per mille as a percentage ("90%").
pub(crate) fn target_text(permille: i64) -> String {
    format_percent(permille as f64 / 1000.0)
}

/// The columns of the registrations table, per year (the Word table and the Excel sheet).
pub(crate) const REGISTRATION_COLUMNS: [&str; 8] = [
    "Năm",
    "Phải đăng ký",
    "Đã đăng ký",
    "% nội dung cụ thể",
    "% gắn chức trách",
    "% nhóm sao chép",
    "% hoàn thành",
    "Xếp loại (HTXS/HTT/HT/KHT)",
];

/// The columns of the sub-unit table.
pub(crate) const SUB_UNIT_COLUMNS: [&str; 6] = [
    "Đơn vị",
    "Đảng viên",
    "Tỷ lệ học tập",
    "Sinh hoạt chi bộ",
    "Đăng ký",
    "Mô hình",
];

/// A sub-unit report's status in words.
pub(crate) fn report_status_label(s: domain::report::ReportStatus) -> &'static str {
    use domain::report::ReportStatus as S;
    match s {
        S::Draft => "Đang soạn",
        S::Submitted => "Đã gửi, chờ xem xét",
        S::Returned => "Bị trả lại",
        S::Accepted => "Đã chấp nhận",
        S::Issued => "Đã ban hành",
    }
}

/// "HTXS 12, HTT 40, HT 5, KHT 1" (ratings of a year).
pub(crate) fn ratings_text(s: &domain::registration::RegStats) -> String {
    format!(
        "{}/{}/{}/{}",
        format_int(s.excellent),
        format_int(s.good),
        format_int(s.completed),
        format_int(s.not_completed)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn date_line_pads_days_below_ten_and_january_february() {
        assert_eq!(
            date_line("Bến Tre", d(2020, 5, 20)),
            "Bến Tre, ngày 20 tháng 5 năm 2020"
        );
        assert_eq!(
            date_line("Bến Tre", d(2020, 2, 5)),
            "Bến Tre, ngày 05 tháng 02 năm 2020"
        );
        assert_eq!(
            date_line("Bến Tre", d(2021, 1, 10)),
            "Bến Tre, ngày 10 tháng 01 năm 2021"
        );
        assert_eq!(
            date_line("Bến Tre", d(2019, 12, 9)),
            "Bến Tre, ngày 09 tháng 12 năm 2019"
        );
        assert_eq!(
            date_line("Bến Tre", d(2019, 3, 1)),
            "Bến Tre, ngày 01 tháng 3 năm 2019"
        );
        assert_eq!(date_line("  ", d(2020, 5, 20)), "Ngày 20 tháng 5 năm 2020");
    }

    #[test]
    fn number_lines() {
        assert_eq!(
            number_line("125-BC/TU", domain::UnitType::PartyCommittee),
            "Số 125-BC/TU"
        );
        assert_eq!(
            number_line("-BC/TU", domain::UnitType::PartyCommittee),
            "Số    -BC/TU"
        );
        assert_eq!(number_line("", domain::UnitType::Cell), "Số       -BC/CB");
    }

    fn lim(
        kind: LimitationKind,
        count: i64,
        out_of: i64,
        units: &[&str],
        year: Option<i32>,
    ) -> Limitation {
        Limitation {
            kind,
            count,
            out_of,
            units: units.iter().map(|u| u.to_string()).collect(),
            year,
        }
    }

    #[test]
    fn every_limitation_kind_is_a_sentence() {
        use LimitationKind as K;
        assert_eq!(
            limitation_sentence(&lim(K::NotSpecific, 43, 1200, &["Phường 7", "Phường 8"], Some(2019))),
            "43 nội dung đăng ký năm 2019 chưa cụ thể, chưa rõ chỉ tiêu, thời hạn, chiếm 3,6% tổng số nội dung (Phường 7, Phường 8)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::NotTiedToDuties, 3520, 10000, &[], Some(2020))),
            "3.520 nội dung đăng ký năm 2020 chưa gắn với chức trách, nhiệm vụ được giao, chiếm 35,2% tổng số nội dung."
        );
        assert_eq!(
            limitation_sentence(&lim(K::NoResult, 7, 0, &["Xã Bình Phú"], Some(2019))),
            "7 nội dung của các bản đăng ký năm 2019 đã được duyệt chưa được đánh giá kết quả thực hiện (Xã Bình Phú)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::MostlyCopies, 2, 16, &["Phường 7"], Some(2019))),
            "2/16 đơn vị có bản đăng ký năm 2019 phần lớn sao chép giống nhau, còn hình thức (Phường 7, …)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::BelowAttendanceTarget, 1, 3, &["Phường 8"], None)),
            "1/3 đơn vị có tỷ lệ đảng viên tham gia học tập chuyên đề chưa đạt chỉ tiêu (Phường 8)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::LeftPartyLife, 4, 0, &["Phường 7"], None)),
            "4 đảng viên bỏ sinh hoạt đảng, phải xóa tên hoặc xử lý kỷ luật (Phường 7)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::FeedbackUnanswered, 5, 120, &[], None)),
            "5 phản ánh, kiến nghị của nhân dân quá hạn chưa được trả lời (trên tổng số 120 phản ánh đã nhận)."
        );
        assert_eq!(
            limitation_sentence(&lim(K::HeadsLate, 2, 30, &[], Some(2020))),
            "2/30 đồng chí người đứng đầu, cán bộ chủ chốt đăng ký năm 2020 sau đảng viên trong đơn vị, chưa thực hiện đúng nguyên tắc “trên trước, dưới sau”."
        );
        // Without a year the registration kinds drop "năm …".
        assert!(limitation_sentence(&lim(K::NotSpecific, 1, 2, &[], None))
            .starts_with("1 nội dung đăng ký chưa cụ thể"));
    }

    #[test]
    fn inspection_wording() {
        let k = KindCounts {
            cases: 12,
            units: 206,
            members: 3520,
            distinct_units: 0,
            distinct_members: 0,
        };
        assert_eq!(
            inspection_sentence(CaseKind::Inspection, &k).unwrap(),
            "Kiểm tra 206 tổ chức đảng và 3.520 đảng viên (12 cuộc)"
        );
        assert_eq!(
            inspection_sentence(CaseKind::Inspection, &KindCounts::default()),
            None
        );
    }
}
