//! The period report as an Excel workbook: one sheet per section, each with a title row and a row naming
//! the unit and the period; counts are numbers, shares are numbers with a percent format (0,985 shown as
//! 98,5%), dates are date cells; native charts for attendance by year, registration quality by year,
//! inspection by kind and models by field. The confidential sheets ("Kiểm tra giám sát", "Kỷ luật") exist
//! only when the figures hold them.

use chrono::{Datelike, NaiveDate};
use domain::inspection::CaseKind;
use domain::report::{NarrativeSection, ReportDocument};
use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartLegendPosition, ChartType, Color, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Workbook, Worksheet,
};

use super::docx::criteria_line;
use super::{
    case_kind_label, discipline_label, limitation_sentence, period_text, ratio,
    report_status_label, titles, SUB_UNIT_COLUMNS,
};
use crate::registrations::clean;
use crate::OfficeError;

/// Characters an XLSX cell holds.
const MAX_CELL_CHARS: usize = 32_767;
/// The first row of a sheet's table (after the title, the unit and period, a blank row).
const FIRST_ROW: u32 = 3;

/// One cell's value.
enum V {
    Text(String),
    Int(i64),
    /// A share in [0, 1] shown as a percentage; blank when unknown.
    Pct(Option<f64>),
    /// A decimal with one place; blank when unknown.
    Num(Option<f64>),
    Date(NaiveDate),
}

fn t(s: impl AsRef<str>) -> V {
    V::Text(s.as_ref().to_string())
}

struct Styles {
    title: Format,
    subtitle: Format,
    head: Format,
    text: Format,
    bold: Format,
    int: Format,
    pct: Format,
    num: Format,
    date: Format,
}

impl Styles {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top)
            .set_font_name("Times New Roman");
        Styles {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_font_name("Times New Roman")
                .set_align(FormatAlign::Center),
            subtitle: Format::new()
                .set_italic()
                .set_font_name("Times New Roman")
                .set_align(FormatAlign::Center),
            head: Format::new()
                .set_bold()
                .set_font_name("Times New Roman")
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: cell.clone().set_text_wrap(),
            bold: cell.clone().set_bold().set_text_wrap(),
            int: cell.clone().set_num_format("#,##0"),
            pct: cell.clone().set_num_format("0.0%"),
            num: cell.clone().set_num_format("#,##0.0"),
            date: cell
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
        }
    }
}

fn cell_text(s: &str) -> String {
    let s = clean(s);
    let s = s.trim();
    if s.chars().count() <= MAX_CELL_CHARS {
        return s.to_string();
    }
    let mut cut: String = s.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

fn write(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    v: &V,
    s: &Styles,
    bold: bool,
) -> Result<(), OfficeError> {
    match v {
        V::Text(x) => {
            let f = if bold { &s.bold } else { &s.text };
            let x = cell_text(x);
            if x.is_empty() {
                sheet.write_blank(row, col, f)?;
            } else {
                sheet.write_string_with_format(row, col, &x, f)?;
            }
        }
        V::Int(n) => {
            sheet.write_number_with_format(row, col, *n as f64, &s.int)?;
        }
        V::Pct(p) => match p.filter(|p| p.is_finite()) {
            Some(p) => {
                sheet.write_number_with_format(row, col, p, &s.pct)?;
            }
            None => {
                sheet.write_blank(row, col, &s.pct)?;
            }
        },
        V::Num(p) => match p.filter(|p| p.is_finite()) {
            Some(p) => {
                sheet.write_number_with_format(row, col, p, &s.num)?;
            }
            None => {
                sheet.write_blank(row, col, &s.num)?;
            }
        },
        V::Date(d) => {
            let x = u16::try_from(d.year())
                .ok()
                .and_then(|y| ExcelDateTime::from_ymd(y, d.month() as u8, d.day() as u8).ok());
            match x {
                Some(x) => {
                    sheet.write_datetime_with_format(row, col, &x, &s.date)?;
                }
                None => {
                    sheet.write_string_with_format(
                        row,
                        col,
                        domain::text::format_date(*d),
                        &s.text,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Names the sheet and writes its title rows over `cols` columns.
fn start(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    doc: &ReportDocument,
    widths: &[f64],
    s: &Styles,
) -> Result<(), OfficeError> {
    sheet.set_name(name)?;
    let last = widths.len().max(2) as u16 - 1;
    sheet.merge_range(0, 0, 0, last, &title.to_uppercase(), &s.title)?;
    sheet.set_row_height(0, 22)?;
    let f = &doc.figures;
    let line = format!("{}, {}", cell_text(&f.unit.name), period_text(f.from, f.to));
    sheet.merge_range(1, 0, 1, last, &line, &s.subtitle)?;
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, *w)?;
    }
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    Ok(())
}

/// A table at `row`: the header, then the rows (the last one bold when `total`). Returns the row after it.
fn table(
    sheet: &mut Worksheet,
    row: u32,
    header: &[&str],
    rows: &[Vec<V>],
    total: bool,
    s: &Styles,
) -> Result<u32, OfficeError> {
    for (c, h) in header.iter().enumerate() {
        sheet.write_string_with_format(row, c as u16, *h, &s.head)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let bold = total && i + 1 == rows.len();
        for (c, v) in r.iter().enumerate() {
            write(sheet, row + 1 + i as u32, c as u16, v, s, bold)?;
        }
    }
    Ok(row + 1 + rows.len() as u32)
}

/// A bar or column chart over a table of the sheet: categories in column 0, series in `cols`, data rows
/// `first..=last`, placed at (`at_row`, `at_col`).
#[allow(clippy::too_many_arguments)]
fn chart(
    sheet: &mut Worksheet,
    name: &str,
    title: &str,
    kind: ChartType,
    (first, last): (u32, u32),
    cols: &[u16],
    header_row: u32,
    (at_row, at_col): (u32, u16),
    percent: bool,
) -> Result<(), OfficeError> {
    if last < first {
        return Ok(());
    }
    let mut c = Chart::new(kind);
    for col in cols {
        c.add_series()
            .set_name((name, header_row, *col))
            .set_categories((name, first, 0, last, 0))
            .set_values((name, first, *col, last, *col))
            .set_data_label(ChartDataLabel::new().show_value());
    }
    c.title()
        .set_name(title)
        .set_font(ChartFont::new().set_size(12).set_bold());
    if cols.len() > 1 {
        c.legend().set_position(ChartLegendPosition::Bottom);
    } else {
        c.legend().set_hidden();
    }
    if kind == ChartType::Bar {
        // In a bar chart the categories run up the y axis: list the first at the top.
        c.y_axis().set_reverse();
    }
    if percent {
        c.y_axis().set_min(0).set_max(1).set_num_format("0%");
    }
    c.set_width(640).set_height(320);
    sheet.insert_chart(at_row, at_col, &c)?;
    Ok(())
}

fn summary(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    start(sheet, "Tổng hợp", "Tổng hợp số liệu", doc, &[48.0, 18.0], s)?;
    let f = &doc.figures;
    let mut rows: Vec<Vec<V>> = vec![
        vec![t("Đơn vị"), t(&f.unit.name)],
        vec![t("Từ ngày"), V::Date(f.from)],
        vec![t("Đến ngày"), V::Date(f.to)],
        vec![
            t("Số liệu tính đến ngày"),
            V::Date(domain::registration::vn_date(f.computed_at)),
        ],
        vec![t("Số buổi học tập chuyên đề"), V::Int(f.study.sessions)],
        vec![
            t("Lượt đảng viên phải dự học tập"),
            V::Int(f.study.total.expected),
        ],
        vec![
            t("Lượt đảng viên tham dự học tập"),
            V::Int(f.study.total.attended()),
        ],
        vec![t("Tỷ lệ tham dự học tập"), V::Pct(f.study.total.rate())],
        vec![
            t("Chỉ tiêu tỷ lệ tham dự"),
            V::Pct(Some(f.study.target_permille as f64 / 1000.0)),
        ],
        vec![t("Số buổi sinh hoạt chi bộ"), V::Int(f.cell_meetings.held)],
        vec![
            t("Tỷ lệ tham dự sinh hoạt chi bộ"),
            V::Pct(f.cell_meetings.tally.rate()),
        ],
    ];
    if let Some(y) = f.registrations.years.last() {
        rows.push(vec![
            t(format!("Đảng viên phải đăng ký năm {}", y.year)),
            V::Int(y.stats.members),
        ]);
        rows.push(vec![
            t(format!("Đảng viên đã đăng ký năm {}", y.year)),
            V::Int(y.stats.registered),
        ]);
        rows.push(vec![
            t(format!("Tỷ lệ nội dung hoàn thành năm {}", y.year)),
            V::Pct(y.stats.done_share()),
        ]);
    }
    let d = &f.disclosure;
    rows.extend([
        vec![
            t("Bản đăng ký được công khai"),
            V::Int(d.published_registrations),
        ],
        vec![
            t("Phản ánh, kiến nghị đã nhận"),
            V::Int(d.feedback_received),
        ],
        vec![
            t("Phản ánh quá hạn chưa trả lời"),
            V::Int(d.feedback_overdue),
        ],
        vec![t("Mô hình, cách làm hay"), V::Int(f.models.total)],
        vec![t("Mô hình được nhân rộng"), V::Int(f.models.replicated)],
        vec![t("Mô hình được biểu dương"), V::Int(f.models.commended)],
    ]);
    if let Some(i) = &f.inspection {
        let units: u64 = i.by_kind.values().map(|k| k.units).sum();
        let members: u64 = i.by_kind.values().map(|k| k.members).sum();
        rows.push(vec![
            t("Lượt tổ chức đảng được kiểm tra, giám sát"),
            V::Int(units as i64),
        ]);
        rows.push(vec![
            t("Lượt đảng viên được kiểm tra, giám sát"),
            V::Int(members as i64),
        ]);
    }
    if let Some(dis) = &f.discipline {
        let members: u64 = dis.members.values().sum();
        rows.push(vec![t("Đảng viên bị kỷ luật"), V::Int(members as i64)]);
    }
    rows.extend([
        vec![
            t("Quyết định khen thưởng, biểu dương"),
            V::Int(f.commendations.total.decisions),
        ],
        vec![
            t("Hạn chế được ghi nhận"),
            V::Int(f.limitations.len() as i64),
        ],
        vec![t("Đơn vị trực thuộc"), V::Int(f.sub_units.len() as i64)],
    ]);
    table(sheet, FIRST_ROW, &["Chỉ tiêu", "Số liệu"], &rows, false, s)?;
    Ok(())
}

fn study(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    const NAME: &str = "Học tập";
    start(
        sheet,
        NAME,
        titles::STUDY,
        doc,
        &[12.0, 10.0, 14.0, 14.0, 14.0, 12.0],
        s,
    )?;
    let st = &doc.figures.study;
    let mut rows: Vec<Vec<V>> = st
        .years
        .iter()
        .map(|y| {
            vec![
                t(y.year.to_string()),
                V::Int(y.sessions),
                V::Int(y.tally.expected),
                V::Int(y.tally.attended()),
                V::Int(y.tally.excused),
                V::Pct(y.tally.rate()),
            ]
        })
        .collect();
    rows.push(vec![
        t("Tổng cộng"),
        V::Int(st.sessions),
        V::Int(st.total.expected),
        V::Int(st.total.attended()),
        V::Int(st.total.excused),
        V::Pct(st.total.rate()),
    ]);
    let end = table(
        sheet,
        FIRST_ROW,
        &[
            "Năm",
            "Số buổi",
            "Lượt phải dự",
            "Lượt tham dự",
            "Vắng có lý do",
            "Tỷ lệ",
        ],
        &rows,
        true,
        s,
    )?;
    write(sheet, end + 1, 0, &t("Chỉ tiêu"), s, false)?;
    write(
        sheet,
        end + 1,
        1,
        &V::Pct(Some(st.target_permille as f64 / 1000.0)),
        s,
        false,
    )?;
    chart(
        sheet,
        NAME,
        "Học tập chuyên đề theo năm (lượt đảng viên)",
        ChartType::Column,
        (FIRST_ROW + 1, FIRST_ROW + st.years.len() as u32),
        &[2, 3],
        FIRST_ROW,
        (end + 3, 0),
        false,
    )
}

fn cell_meetings(
    sheet: &mut Worksheet,
    doc: &ReportDocument,
    s: &Styles,
) -> Result<(), OfficeError> {
    start(
        sheet,
        "Sinh hoạt chi bộ",
        titles::CELL_MEETINGS,
        doc,
        &[48.0, 16.0],
        s,
    )?;
    let c = &doc.figures.cell_meetings;
    let rows = vec![
        vec![t("Số buổi sinh hoạt chi bộ"), V::Int(c.held)],
        vec![t("Trong đó sinh hoạt chuyên đề"), V::Int(c.thematic)],
        vec![t("Lượt đảng viên phải dự"), V::Int(c.tally.expected)],
        vec![t("Lượt đảng viên tham dự"), V::Int(c.tally.attended())],
        vec![t("Vắng có lý do"), V::Int(c.tally.excused)],
        vec![t("Tỷ lệ tham dự"), V::Pct(c.tally.rate())],
        vec![t("Chủ đề sinh hoạt phải xác định"), V::Int(c.topics_due)],
        vec![t("Chủ đề xác định đúng hạn"), V::Int(c.topics_on_time)],
        vec![
            t("Tỷ lệ chủ đề đúng hạn"),
            V::Pct(ratio(c.topics_on_time, c.topics_due)),
        ],
    ];
    table(sheet, FIRST_ROW, &["Chỉ tiêu", "Số liệu"], &rows, false, s)?;
    Ok(())
}

/// Headers of the "Đăng ký" sheet.
const REGISTRATION_HEADERS: [&str; 18] = [
    "Năm",
    "Phải đăng ký",
    "Đã đăng ký",
    "Tỷ lệ đăng ký",
    "Đúng hạn",
    "Đã duyệt",
    "Số nội dung",
    "% nội dung cụ thể",
    "% gắn chức trách",
    "% nhóm sao chép",
    "% hoàn thành",
    "HTXS",
    "HTT",
    "HT",
    "KHT",
    "Cán bộ chủ chốt đăng ký",
    "Đăng ký sau đảng viên",
    "Tự đánh giá",
];

fn registrations(
    sheet: &mut Worksheet,
    doc: &ReportDocument,
    s: &Styles,
) -> Result<(), OfficeError> {
    const NAME: &str = "Đăng ký";
    let mut widths = vec![8.0];
    widths.extend([12.0; 17]);
    start(sheet, NAME, titles::REGISTRATIONS, doc, &widths, s)?;
    let years = &doc.figures.registrations.years;
    let rows: Vec<Vec<V>> = years
        .iter()
        .map(|y| {
            let st = &y.stats;
            vec![
                t(y.year.to_string()),
                V::Int(st.members),
                V::Int(st.registered),
                V::Pct(st.registered_share()),
                V::Int(st.on_time),
                V::Int(st.approved),
                V::Int(st.items),
                V::Pct(st.specific_share()),
                V::Pct(st.tied_share()),
                V::Pct(st.copied_share()),
                V::Pct(st.done_share()),
                V::Int(st.excellent),
                V::Int(st.good),
                V::Int(st.completed),
                V::Int(st.not_completed),
                V::Int(y.heads_registered),
                V::Int(y.heads_late),
                V::Int(y.self_reviews),
            ]
        })
        .collect();
    sheet.set_row_height(FIRST_ROW, 32)?;
    let end = table(sheet, FIRST_ROW, &REGISTRATION_HEADERS, &rows, false, s)?;
    sheet.set_landscape();
    chart(
        sheet,
        NAME,
        "Chất lượng bản đăng ký theo năm",
        ChartType::Column,
        (FIRST_ROW + 1, FIRST_ROW + years.len() as u32),
        &[7, 8, 10],
        FIRST_ROW,
        (end + 2, 0),
        true,
    )
}

fn disclosure(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    start(
        sheet,
        "Công khai",
        titles::DISCLOSURE,
        doc,
        &[48.0, 16.0],
        s,
    )?;
    let d = &doc.figures.disclosure;
    let rows = vec![
        vec![
            t("Bản đăng ký được công khai"),
            V::Int(d.published_registrations),
        ],
        vec![t("Bản tin truyền thanh"), V::Int(d.bulletins)],
        vec![
            t("Phản ánh, kiến nghị đã nhận"),
            V::Int(d.feedback_received),
        ],
        vec![t("Đã trả lời"), V::Int(d.feedback_answered)],
        vec![t("Quá hạn chưa trả lời"), V::Int(d.feedback_overdue)],
        vec![
            t("Thời gian trả lời bình quân (ngày)"),
            V::Num(d.mean_response_days),
        ],
        vec![
            t("Nội dung được nhân dân xác nhận đã thực hiện"),
            V::Int(d.citizen_confirmations),
        ],
    ];
    table(sheet, FIRST_ROW, &["Chỉ tiêu", "Số liệu"], &rows, false, s)?;
    Ok(())
}

fn models(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    const NAME: &str = "Mô hình";
    start(
        sheet,
        NAME,
        titles::MODELS,
        doc,
        &[30.0, 40.0, 24.0, 28.0, 12.0, 12.0],
        s,
    )?;
    let m = &doc.figures.models;
    let mut rows: Vec<Vec<V>> = m
        .by_field
        .iter()
        .map(|(f, n)| vec![t(f), V::Int(*n)])
        .collect();
    rows.push(vec![t("Tổng cộng"), V::Int(m.total)]);
    let end = table(
        sheet,
        FIRST_ROW,
        &["Lĩnh vực", "Số mô hình"],
        &rows,
        true,
        s,
    )?;
    let list_row = end + 1;
    let lines: Vec<Vec<V>> = m
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                V::Int(i as i64 + 1),
                t(&l.name),
                t(&l.field),
                t(&l.unit_name),
                V::Int(l.replications),
                t(if l.commended { "Có" } else { "" }),
            ]
        })
        .collect();
    let after = table(
        sheet,
        list_row,
        &[
            "STT",
            "Tên mô hình",
            "Lĩnh vực",
            "Đơn vị",
            "Nhân rộng (đơn vị)",
            "Biểu dương",
        ],
        &lines,
        false,
        s,
    )?;
    chart(
        sheet,
        NAME,
        "Mô hình, cách làm hay theo lĩnh vực",
        ChartType::Bar,
        (FIRST_ROW + 1, FIRST_ROW + m.by_field.len() as u32),
        &[1],
        FIRST_ROW,
        (after + 1, 0),
        false,
    )
}

fn inspection(
    sheet: &mut Worksheet,
    doc: &ReportDocument,
    i: &domain::report::InspectionSection,
    s: &Styles,
) -> Result<(), OfficeError> {
    const NAME: &str = "Kiểm tra giám sát";
    start(
        sheet,
        NAME,
        "Kiểm tra, giám sát",
        doc,
        &[34.0, 10.0, 14.0, 14.0, 16.0, 16.0],
        s,
    )?;
    let rows: Vec<Vec<V>> = CaseKind::ALL
        .iter()
        .map(|k| {
            let c = i.by_kind.get(k).copied().unwrap_or_default();
            let n = |x: u64| V::Int(i64::try_from(x).unwrap_or(i64::MAX));
            vec![
                t(case_kind_label(*k)),
                n(c.cases),
                n(c.units),
                n(c.members),
                n(c.distinct_units),
                n(c.distinct_members),
            ]
        })
        .collect();
    sheet.set_row_height(FIRST_ROW, 32)?;
    let end = table(
        sheet,
        FIRST_ROW,
        &[
            "Loại",
            "Số cuộc",
            "Lượt tổ chức đảng",
            "Lượt đảng viên",
            "Tổ chức đảng (không trùng)",
            "Đảng viên (không trùng)",
        ],
        &rows,
        false,
        s,
    )?;
    chart(
        sheet,
        NAME,
        "Kiểm tra, giám sát theo loại (lượt)",
        ChartType::Bar,
        (FIRST_ROW + 1, FIRST_ROW + rows.len() as u32),
        &[2, 3],
        FIRST_ROW,
        (end + 2, 0),
        false,
    )
}

fn discipline(
    sheet: &mut Worksheet,
    doc: &ReportDocument,
    d: &domain::report::DisciplineSection,
    s: &Styles,
) -> Result<(), OfficeError> {
    start(
        sheet,
        "Kỷ luật",
        "Thi hành kỷ luật",
        doc,
        &[34.0, 14.0, 16.0],
        s,
    )?;
    let n = |x: u64| V::Int(i64::try_from(x).unwrap_or(i64::MAX));
    let mut rows: Vec<Vec<V>> = domain::inspection::DisciplineForm::ALL
        .iter()
        .map(|f| {
            vec![
                t(discipline_label(*f)),
                n(d.members.get(f).copied().unwrap_or(0)),
                n(d.units.get(f).copied().unwrap_or(0)),
            ]
        })
        .collect();
    rows.push(vec![
        t("Tổng cộng"),
        n(d.members.values().sum()),
        n(d.units.values().sum()),
    ]);
    let end = table(
        sheet,
        FIRST_ROW,
        &["Hình thức", "Đảng viên", "Tổ chức đảng"],
        &rows,
        true,
        s,
    )?;
    let more = vec![
        vec![t("Đảng viên bị xóa tên"), V::Int(d.struck_off)],
        vec![
            t("Trong đó bỏ sinh hoạt đảng"),
            V::Int(d.struck_off_left_party_life),
        ],
    ];
    table(
        sheet,
        end + 1,
        &["Xóa tên", "Số đảng viên"],
        &more,
        false,
        s,
    )?;
    Ok(())
}

fn commendations(
    sheet: &mut Worksheet,
    doc: &ReportDocument,
    s: &Styles,
) -> Result<(), OfficeError> {
    start(
        sheet,
        "Khen thưởng",
        titles::COMMENDATIONS,
        doc,
        &[34.0, 14.0, 12.0, 12.0],
        s,
    )?;
    let c = &doc.figures.commendations;
    let count = |label: &str, n: &domain::report::CommendationCount| {
        vec![
            t(label),
            V::Int(n.decisions),
            V::Int(n.member_recipients),
            V::Int(n.unit_recipients),
        ]
    };
    let header = ["Hình thức", "Quyết định", "Cá nhân", "Tập thể"];
    let mut rows: Vec<Vec<V>> = c.by_kind.iter().map(|(k, n)| count(k.label(), n)).collect();
    rows.push(count("Tổng cộng", &c.total));
    let end = table(sheet, FIRST_ROW, &header, &rows, true, s)?;
    let levels: Vec<Vec<V>> = c
        .by_level
        .iter()
        .map(|(l, n)| count(l.label(), n))
        .collect();
    let end = table(
        sheet,
        end + 1,
        &["Cấp khen thưởng", "Quyết định", "Cá nhân", "Tập thể"],
        &levels,
        false,
        s,
    )?;
    write(
        sheet,
        end + 1,
        0,
        &t("Đề nghị đang chờ quyết định"),
        s,
        false,
    )?;
    write(sheet, end + 1, 1, &V::Int(c.pending_proposals), s, false)?;
    Ok(())
}

fn criteria(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    start(
        sheet,
        "Tiêu chí",
        titles::CRITERIA,
        doc,
        &[40.0, 12.0, 14.0, 14.0, 14.0, 14.0, 50.0],
        s,
    )?;
    let c = &doc.figures.criteria;
    let rows: Vec<Vec<V>> = c
        .sets
        .iter()
        .map(|l| {
            vec![
                t(&l.set_name),
                V::Int(l.criteria),
                V::Int(l.units),
                V::Int(l.all_met),
                V::Int(l.recognised),
                l.met_of_single.map(V::Int).unwrap_or_else(|| t("")),
                t(criteria_line(l)),
            ]
        })
        .collect();
    sheet.set_row_height(FIRST_ROW, 32)?;
    let end = table(
        sheet,
        FIRST_ROW,
        &[
            "Bộ tiêu chí",
            "Số tiêu chí",
            "Đơn vị áp dụng",
            "Đạt đủ tiêu chí",
            "Được công nhận",
            "Tiêu chí đạt",
            "Diễn giải",
        ],
        &rows,
        false,
        s,
    )?;
    let classes: Vec<Vec<V>> = c
        .classifications
        .iter()
        .map(|l| {
            vec![
                t(&l.unit_name),
                t(&l.scheme),
                t(&l.class),
                V::Date(l.decided_on),
            ]
        })
        .collect();
    table(
        sheet,
        end + 1,
        &["Đơn vị", "Phân loại", "Loại", "Ngày quyết định"],
        &classes,
        false,
        s,
    )?;
    Ok(())
}

fn limitations(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    start(
        sheet,
        "Hạn chế",
        "Hạn chế",
        doc,
        &[6.0, 80.0, 12.0, 12.0, 8.0, 40.0],
        s,
    )?;
    let f = &doc.figures;
    let rows: Vec<Vec<V>> = f
        .limitations
        .iter()
        .enumerate()
        .map(|(i, l)| {
            vec![
                V::Int(i as i64 + 1),
                t(limitation_sentence(l)),
                V::Int(l.count),
                if l.out_of > 0 {
                    V::Int(l.out_of)
                } else {
                    t("")
                },
                l.year.map(|y| t(y.to_string())).unwrap_or_else(|| t("")),
                t(l.units.join(", ")),
            ]
        })
        .collect();
    let end = table(
        sheet,
        FIRST_ROW,
        &[
            "STT",
            "Nội dung",
            "Số lượng",
            "Trên tổng số",
            "Năm",
            "Đơn vị",
        ],
        &rows,
        false,
        s,
    )?;
    if let Some(text) = doc
        .narratives
        .get(&NarrativeSection::Limitations)
        .filter(|t| !t.trim().is_empty())
    {
        write(sheet, end + 1, 1, &t("Ý kiến bổ sung của đơn vị"), s, true)?;
        write(sheet, end + 2, 1, &t(text), s, false)?;
    }
    Ok(())
}

fn sub_units(sheet: &mut Worksheet, doc: &ReportDocument, s: &Styles) -> Result<(), OfficeError> {
    let f = &doc.figures;
    let confidential = f.sub_units.iter().any(|r| r.inspection.is_some());
    let mut header: Vec<&str> = vec![
        SUB_UNIT_COLUMNS[0],
        "Mã",
        SUB_UNIT_COLUMNS[1],
        "Lượt phải học",
        "Lượt tham dự học",
        SUB_UNIT_COLUMNS[2],
        "Dưới chỉ tiêu",
        SUB_UNIT_COLUMNS[3],
        "Tỷ lệ sinh hoạt",
        "Phải đăng ký",
        "Đã đăng ký",
        SUB_UNIT_COLUMNS[5],
        "Khen thưởng",
        "Phản ánh",
        "Chưa trả lời",
    ];
    if confidential {
        header.push("Kiểm tra, giám sát tổ chức (lượt)");
        header.push("Kiểm tra, giám sát đảng viên (lượt)");
    }
    let mut widths = vec![30.0, 12.0];
    widths.extend(std::iter::repeat_n(12.0, header.len() - 2));
    start(
        sheet,
        "Đơn vị trực thuộc",
        "Kết quả của các đơn vị trực thuộc",
        doc,
        &widths,
        s,
    )?;
    let rows: Vec<Vec<V>> = f
        .sub_units
        .iter()
        .map(|r| {
            let mut row = vec![
                t(&r.unit.name),
                t(&r.unit.code),
                V::Int(r.members),
                V::Int(r.study.expected),
                V::Int(r.study.attended()),
                V::Pct(r.study.rate()),
                t(if r.below_target { "Có" } else { "" }),
                V::Int(r.cell_meetings),
                V::Pct(r.cell_tally.rate()),
                V::Int(r.registrations.members),
                V::Int(r.registrations.registered),
                V::Int(r.models),
                V::Int(r.commendations),
                V::Int(r.feedback_received),
                V::Int(r.feedback_unanswered),
            ];
            if confidential {
                let (u, m) = r.inspection.unwrap_or((0, 0));
                row.push(V::Int(i64::try_from(u).unwrap_or(i64::MAX)));
                row.push(V::Int(i64::try_from(m).unwrap_or(i64::MAX)));
            }
            row
        })
        .collect();
    sheet.set_row_height(FIRST_ROW, 32)?;
    let end = table(sheet, FIRST_ROW, &header, &rows, false, s)?;
    if !doc.sub_reports.is_empty() {
        let reports: Vec<Vec<V>> = doc
            .sub_reports
            .iter()
            .map(|r| {
                vec![
                    t(&r.unit.name),
                    t(&r.unit.code),
                    t(report_status_label(r.status)),
                    r.submitted_on.map(V::Date).unwrap_or_else(|| t("")),
                    t(match r.on_time {
                        Some(true) => "Đúng hạn",
                        Some(false) => "Chậm",
                        None => "",
                    }),
                    V::Int(r.returns),
                ]
            })
            .collect();
        write(sheet, end + 1, 0, &t(titles::SUB_REPORTS), s, true)?;
        table(
            sheet,
            end + 2,
            &[
                "Đơn vị",
                "Mã",
                "Trạng thái",
                "Ngày gửi",
                "Đúng hạn",
                "Lần trả lại",
            ],
            &reports,
            false,
            s,
        )?;
    }
    sheet.set_freeze_panes(FIRST_ROW + 1, 1)?;
    sheet.set_landscape();
    Ok(())
}

/// The report as an Excel workbook (see the module's documentation).
pub(crate) fn report_xlsx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    let s = Styles::new();
    let f = &doc.figures;
    let mut wb = Workbook::new();
    summary(wb.add_worksheet(), doc, &s)?;
    study(wb.add_worksheet(), doc, &s)?;
    cell_meetings(wb.add_worksheet(), doc, &s)?;
    registrations(wb.add_worksheet(), doc, &s)?;
    disclosure(wb.add_worksheet(), doc, &s)?;
    models(wb.add_worksheet(), doc, &s)?;
    if let Some(i) = &f.inspection {
        inspection(wb.add_worksheet(), doc, i, &s)?;
    }
    if let Some(d) = &f.discipline {
        discipline(wb.add_worksheet(), doc, d, &s)?;
    }
    commendations(wb.add_worksheet(), doc, &s)?;
    criteria(wb.add_worksheet(), doc, &s)?;
    limitations(wb.add_worksheet(), doc, &s)?;
    sub_units(wb.add_worksheet(), doc, &s)?;
    Ok(wb.save_to_buffer()?)
}
