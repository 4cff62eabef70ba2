//! The period report as a Word document laid out after Hướng dẫn 36-HD/VPTW: A4 portrait, margins 20 mm top
//! and bottom, 30 mm left, 15 mm right, Times New Roman 13 pt.
//!
//! * Top block (no borders): the superior body (upper case) when set, the issuer (bold, upper case), "*" and
//!   "Số 125-BC/TU" on the left; "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) and the italic place-and-date
//!   line on the right.
//! * "BÁO CÁO" and the subject (bold, centred).
//! * I. KẾT QUẢ THỰC HIỆN with its numbered subsections (figures as sentences, tables and bar charts), then
//!   the writer's own words; II. ƯU ĐIỂM; III. HẠN CHẾ (the drafted limitations, then the writer's words);
//!   IV. NGUYÊN NHÂN; V. PHƯƠNG HƯỚNG, NHIỆM VỤ.
//! * The sub-unit table, and the status of the sub-units' reports when the document has them.
//! * Signature (no borders): "Nơi nhận:" and the recipients on the left; "T/M BAN THƯỜNG VỤ", the signer's
//!   title and name on the right.
//!
//! Charts are native (`word/charts/chartN.xml`, see `charts.rs`). Everything the writer typed is cleaned
//! (NFC, no characters XML cannot hold) and escaped by the shared run writer.

use std::io::{Cursor, Write};

use domain::inspection::CaseKind;
use domain::report::{NarrativeSection, ReportDocument};
use domain::text::{format_date, format_decimal, format_int};

use super::charts::{chart_xml, BarChart};
use super::{
    case_kind_label, date_line, discipline_label, inspection_sentence, limitation_sentence,
    number_line, period_text, rate_text, ratings_text, ratio, report_day, report_status_label,
    result_subsections, tally_sentence, target_text, titles, REGISTRATION_COLUMNS,
    SUB_UNIT_COLUMNS,
};
use crate::registrations::{
    clean, push_blank, push_para, push_table, styles_xml, Cell, Look, Para, TableSpec, APP_XML,
    BOLD, CENTER, FONT_TABLE_XML, ITALIC, LEFT, PAGE_H, PAGE_W, PLAIN, ROOT_RELS_XML, R_NS,
    SETTINGS_XML, THEME_XML, W_NS,
};
use crate::OfficeError;

/// Margins (twips): 20 mm top and bottom, 30 mm left, 15 mm right.
const MARGIN_TOP: u32 = 1_134;
const MARGIN_BOTTOM: u32 = 1_134;
const MARGIN_LEFT: u32 = 1_701;
const MARGIN_RIGHT: u32 = 850;
/// Width of the text block (twips).
const TEXT_W: u32 = PAGE_W - MARGIN_LEFT - MARGIN_RIGHT;
/// Sizes in half-points.
const PT14: u32 = 28;
const PT15: u32 = 30;
const PT12: u32 = 24;
const PT11: u32 = 22;
/// Twips to EMU.
const EMU_PER_TWIP: u32 = 635;

const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const C_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/chart";

const BODY: Para = Para {
    keep_next: false,
    spacing: Some((0, 80)),
    hanging: None,
    first_line: Some(567),
    jc: Some("both"),
};
const HEADING: Para = Para {
    keep_next: true,
    spacing: Some((160, 80)),
    hanging: None,
    first_line: Some(567),
    jc: Some("both"),
};

/// The document body being written and its charts.
struct Writer {
    out: String,
    charts: Vec<String>,
}

impl Writer {
    fn para(&mut self, para: Para, runs: &[(&str, Look)]) {
        push_para(&mut self.out, para, runs);
    }

    fn body(&mut self, text: &str) {
        self.para(BODY, &[(text, PLAIN)]);
    }

    fn bullet(&mut self, text: &str) {
        self.para(BODY, &[(&format!("- {text}"), PLAIN)]);
    }

    fn heading(&mut self, text: &str) {
        self.para(HEADING, &[(text, BOLD)]);
    }

    fn subheading(&mut self, n: usize, text: &str) {
        self.para(HEADING, &[(&format!("{n}. {text}"), BOLD)]);
    }

    /// The writer's text: one paragraph a line, dots to fill in by hand when empty.
    fn narrative(&mut self, text: &str, placeholder: bool) {
        let text = clean(text);
        let lines: Vec<&str> = text
            .split('\n')
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        if lines.is_empty() && placeholder {
            self.para(BODY, &[("……………………………………………………………………", PLAIN)]);
        }
        for l in lines {
            self.body(l);
        }
    }

    /// A bordered table: a bold header row, then rows; the first column left, the others centred; the
    /// last row bold when `total`.
    fn grid(&mut self, widths: &[u32], header: &[&str], rows: &[Vec<String>], total: bool) {
        let in_cell = LEFT.spacing(30, 30);
        let in_cell_c = CENTER.spacing(30, 30);
        let mut cells = vec![header
            .iter()
            .zip(widths)
            .map(|(h, w)| Cell::new(*w).para(in_cell_c, &[(h, BOLD.size(PT11))]))
            .collect::<Vec<_>>()];
        for (i, row) in rows.iter().enumerate() {
            let look = if total && i + 1 == rows.len() {
                BOLD.size(PT11)
            } else {
                PLAIN.size(PT11)
            };
            cells.push(
                row.iter()
                    .zip(widths)
                    .enumerate()
                    .map(|(j, (v, w))| {
                        Cell::new(*w).para(if j == 0 { in_cell } else { in_cell_c }, &[(v, look)])
                    })
                    .collect(),
            );
        }
        let spec = TableSpec {
            widths,
            borders: true,
            header_rows: 1,
            cant_split: true,
        };
        push_table(&mut self.out, &spec, cells);
        push_para(&mut self.out, LEFT.spacing(0, 60), &[]);
    }

    /// A native chart in its own centred paragraph, `height` in twips.
    fn chart(&mut self, chart: &BarChart, height: u32) {
        if chart.categories.is_empty() || chart.series.is_empty() {
            return;
        }
        let n = self.charts.len() + 1;
        let cx = TEXT_W * EMU_PER_TWIP;
        let cy = height * EMU_PER_TWIP;
        let mut name = String::new();
        crate::registrations::push_escaped(&mut name, &clean(&chart.title));
        self.out.push_str(&format!(
            "<w:p><w:pPr><w:spacing w:before=\"60\" w:after=\"120\"/><w:jc w:val=\"center\"/></w:pPr>\
             <w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
             <wp:extent cx=\"{cx}\" cy=\"{cy}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
             <wp:docPr id=\"{n}\" name=\"Biểu đồ {n}\" descr=\"{name}\"/><wp:cNvGraphicFramePr/>\
             <a:graphic><a:graphicData uri=\"{C_NS}\"><c:chart r:id=\"rIdChart{n}\"/></a:graphicData></a:graphic>\
             </wp:inline></w:drawing></w:r></w:p>"
        ));
        self.charts.push(chart_xml(chart));
    }
}

/// A count as Vietnamese digits.
fn int(n: i64) -> String {
    format_int(n)
}

fn uint(n: u64) -> String {
    format_int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn trimmed(s: &str) -> String {
    clean(s).trim().to_string()
}

fn push_header(out: &mut String, doc: &ReportDocument) {
    const W: [u32; 2] = [4_000, TEXT_W - 4_000];
    let h = &doc.header;
    let tight = CENTER.spacing(0, 0);
    let mut left = Cell::new(W[0]);
    let superior = trimmed(&h.superior);
    if !superior.is_empty() {
        left = left.para(tight, &[(&superior.to_uppercase(), PLAIN)]);
    }
    let mut issuer = trimmed(&h.issuer);
    if issuer.is_empty() {
        issuer = trimmed(&doc.figures.unit.name);
    }
    left = left
        .para(tight, &[(&issuer.to_uppercase(), BOLD)])
        .para(tight, &[("*", PLAIN)])
        .para(
            tight,
            &[(
                &number_line(&h.number, doc.figures.unit.unit_type),
                PLAIN.size(PT14),
            )],
        );
    let party = Look {
        underline: true,
        ..BOLD.size(PT15)
    };
    let right = Cell::new(W[1])
        .para(tight, &[("ĐẢNG CỘNG SẢN VIỆT NAM", party)])
        .para(
            CENTER.spacing(360, 0),
            &[(&date_line(&h.place, report_day(doc)), ITALIC.size(PT14))],
        );
    let spec = TableSpec {
        widths: &W,
        borders: false,
        header_rows: 0,
        cant_split: true,
    };
    push_table(out, &spec, vec![vec![left, right]]);
}

/// The subject under "BÁO CÁO": the writer's, else one naming the period.
fn subject(doc: &ReportDocument) -> String {
    let s = trimmed(&doc.header.subject);
    if s.is_empty() {
        format!(
            "Kết quả học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh {}",
            period_text(doc.figures.from, doc.figures.to)
        )
    } else {
        s
    }
}

fn document_kind(kind: &str) -> &'static str {
    match kind {
        "directive" => "Chỉ thị",
        "plan" => "Kế hoạch",
        _ => "Văn bản",
    }
}

fn campaign(w: &mut Writer, doc: &ReportDocument) {
    let c = &doc.figures.campaign;
    if c.documents.is_empty() {
        w.body("Trong kỳ chưa có chỉ thị, kế hoạch được ghi nhận trên hệ thống.");
    } else {
        w.body(&format!(
            "Trong kỳ, {} văn bản chỉ đạo, kế hoạch được triển khai thực hiện:",
            int(c.documents.len() as i64)
        ));
    }
    for d in &c.documents {
        let number = trimmed(&d.number);
        let mut line = document_kind(&d.kind).to_string();
        if !number.is_empty() {
            line.push_str(&format!(" số {number}"));
        }
        line.push_str(&format!(" ngày {}", format_date(d.issued_on)));
        let issuer = trimmed(&d.issuer);
        if !issuer.is_empty() {
            line.push_str(&format!(" của {issuer}"));
        }
        let title = trimmed(&d.title);
        if !title.is_empty() {
            line.push_str(&format!(" về {title}"));
        }
        line.push(';');
        w.bullet(&line);
    }
    if !c.themes.is_empty() {
        w.body("Chuyên đề học tập hằng năm:");
        for t in &c.themes {
            w.bullet(&format!(
                "Năm {}: chuyên đề “{}” ({}).",
                t.year,
                trimmed(&t.title),
                trimmed(&t.unit_name)
            ));
        }
    }
}

fn study(w: &mut Writer, doc: &ReportDocument) {
    let s = &doc.figures.study;
    w.body(&format!(
        "Trong kỳ, tổ chức {} buổi học tập chuyên đề, quán triệt; {} (chỉ tiêu {}); {} lượt vắng có lý do.",
        int(s.sessions),
        tally_sentence(&s.total),
        target_text(s.target_permille),
        int(s.total.excused)
    ));
    if s.years.is_empty() {
        return;
    }
    let widths = [1_500, 1_700, 2_000, 2_000, TEXT_W - 7_200];
    let mut rows: Vec<Vec<String>> = s
        .years
        .iter()
        .map(|y| {
            vec![
                y.year.to_string(),
                int(y.sessions),
                int(y.tally.expected),
                int(y.tally.attended()),
                rate_text(y.tally.rate()),
            ]
        })
        .collect();
    rows.push(vec![
        "Tổng cộng".to_string(),
        int(s.sessions),
        int(s.total.expected),
        int(s.total.attended()),
        rate_text(s.total.rate()),
    ]);
    w.grid(
        &widths,
        &["Năm", "Số buổi", "Lượt phải dự", "Lượt tham dự", "Tỷ lệ"],
        &rows,
        true,
    );
    w.chart(
        &BarChart {
            title: "Học tập chuyên đề theo năm (lượt đảng viên)".into(),
            categories: s.years.iter().map(|y| y.year.to_string()).collect(),
            series: vec![
                (
                    "Lượt phải dự".into(),
                    s.years.iter().map(|y| y.tally.expected as f64).collect(),
                ),
                (
                    "Lượt tham dự".into(),
                    s.years.iter().map(|y| y.tally.attended() as f64).collect(),
                ),
            ],
            horizontal: false,
            percent: false,
        },
        4_300,
    );
}

fn cell_meetings(w: &mut Writer, doc: &ReportDocument) {
    let c = &doc.figures.cell_meetings;
    w.body(&format!(
        "Các chi bộ tổ chức {} buổi sinh hoạt, trong đó {} buổi sinh hoạt chuyên đề; {}.",
        int(c.held),
        int(c.thematic),
        tally_sentence(&c.tally)
    ));
    if c.topics_due > 0 {
        w.body(&format!(
            "Chủ đề sinh hoạt hằng tháng: {}/{} chủ đề được xác định đúng hạn ({}).",
            int(c.topics_on_time),
            int(c.topics_due),
            rate_text(ratio(c.topics_on_time, c.topics_due))
        ));
    }
}

fn registrations(w: &mut Writer, doc: &ReportDocument) {
    let r = &doc.figures.registrations;
    if r.years.is_empty() {
        w.body("Trong kỳ chưa có bản đăng ký làm theo.");
        return;
    }
    for y in &r.years {
        let s = &y.stats;
        w.bullet(&format!(
            "Năm {}: {}/{} đảng viên đăng ký ({}), {} bản đăng ký đúng hạn, {} bản được duyệt; \
             {} đồng chí người đứng đầu, cán bộ chủ chốt đăng ký; {} đảng viên tự đánh giá kết quả.",
            y.year,
            int(s.registered),
            int(s.members),
            rate_text(s.registered_share()),
            int(s.on_time),
            int(s.approved),
            int(y.heads_registered),
            int(y.self_reviews)
        ));
    }
    let widths = [
        800,
        1_100,
        1_100,
        1_150,
        1_150,
        1_150,
        1_150,
        TEXT_W - 7_600,
    ];
    let rows: Vec<Vec<String>> = r
        .years
        .iter()
        .map(|y| {
            let s = &y.stats;
            vec![
                y.year.to_string(),
                int(s.members),
                int(s.registered),
                rate_text(s.specific_share()),
                rate_text(s.tied_share()),
                rate_text(s.copied_share()),
                rate_text(s.done_share()),
                ratings_text(s),
            ]
        })
        .collect();
    w.grid(&widths, &REGISTRATION_COLUMNS, &rows, false);
    let pct = |f: fn(&domain::registration::RegStats) -> Option<f64>| -> Vec<f64> {
        r.years
            .iter()
            .map(|y| f(&y.stats).map(|v| v * 100.0).unwrap_or(0.0))
            .collect()
    };
    w.chart(
        &BarChart {
            title: "Chất lượng bản đăng ký theo năm (%)".into(),
            categories: r.years.iter().map(|y| y.year.to_string()).collect(),
            series: vec![
                ("Nội dung cụ thể".into(), pct(|s| s.specific_share())),
                ("Gắn chức trách".into(), pct(|s| s.tied_share())),
                ("Hoàn thành".into(), pct(|s| s.done_share())),
            ],
            horizontal: false,
            percent: true,
        },
        4_300,
    );
}

fn disclosure(w: &mut Writer, doc: &ReportDocument) {
    let d = &doc.figures.disclosure;
    w.bullet(&format!(
        "{} bản đăng ký được công khai trên Cổng thông tin; {} bản tin được phát trên hệ thống truyền thanh.",
        int(d.published_registrations),
        int(d.bulletins)
    ));
    let mut line = format!(
        "Tiếp nhận {} phản ánh, kiến nghị của nhân dân, đã trả lời {}, quá hạn chưa trả lời {}",
        int(d.feedback_received),
        int(d.feedback_answered),
        int(d.feedback_overdue)
    );
    if let Some(days) = d.mean_response_days {
        line.push_str(&format!(
            "; thời gian trả lời bình quân {} ngày",
            format_decimal(days, 1)
        ));
    }
    line.push('.');
    w.bullet(&line);
    w.bullet(&format!(
        "{} nội dung đăng ký được nhân dân xác nhận đã thực hiện.",
        int(d.citizen_confirmations)
    ));
}

fn models(w: &mut Writer, doc: &ReportDocument) {
    let m = &doc.figures.models;
    w.body(&format!(
        "Có {} mô hình, cách làm hay, trong đó {} mô hình được nhân rộng, {} mô hình được biểu dương.",
        int(m.total),
        int(m.replicated),
        int(m.commended)
    ));
    for (field, n) in &m.by_field {
        let field = trimmed(field);
        w.para(
            BODY,
            &[(&format!("- Lĩnh vực {field}: {} mô hình", int(*n)), ITALIC)],
        );
        for l in m.lines.iter().filter(|l| trimmed(&l.field) == field) {
            let mut notes = vec![trimmed(&l.unit_name)];
            if l.replications > 0 {
                notes.push(format!("nhân rộng ở {} đơn vị", int(l.replications)));
            }
            if l.commended {
                notes.push("được biểu dương".to_string());
            }
            w.para(
                BODY,
                &[(
                    &format!("+ {} ({});", trimmed(&l.name), notes.join(", ")),
                    PLAIN,
                )],
            );
        }
    }
    w.chart(
        &BarChart {
            title: "Mô hình, cách làm hay theo lĩnh vực".into(),
            categories: m.by_field.iter().map(|(f, _)| trimmed(f)).collect(),
            series: vec![(
                "Số mô hình".into(),
                m.by_field.iter().map(|(_, n)| *n as f64).collect(),
            )],
            horizontal: true,
            percent: false,
        },
        (1_400 + 420 * m.by_field.len() as u32).min(6_000),
    );
}

fn inspection(w: &mut Writer, doc: &ReportDocument) {
    let f = &doc.figures;
    if let Some(i) = &f.inspection {
        let lines: Vec<(CaseKind, String)> = CaseKind::ALL
            .iter()
            .filter_map(|k| {
                i.by_kind
                    .get(k)
                    .and_then(|c| inspection_sentence(*k, c))
                    .map(|s| (*k, s))
            })
            .collect();
        if lines.is_empty() {
            w.body("Trong kỳ chưa có cuộc kiểm tra, giám sát có kết luận.");
        }
        for (_, l) in &lines {
            w.bullet(&format!("{l};"));
        }
        let kinds: Vec<CaseKind> = CaseKind::ALL
            .into_iter()
            .filter(|k| {
                i.by_kind
                    .get(k)
                    .is_some_and(|c| c.units > 0 || c.members > 0)
            })
            .collect();
        let value = |k: &CaseKind, members: bool| -> f64 {
            i.by_kind
                .get(k)
                .map(|c| if members { c.members } else { c.units } as f64)
                .unwrap_or(0.0)
        };
        w.chart(
            &BarChart {
                title: "Kiểm tra, giám sát theo loại (lượt)".into(),
                categories: kinds
                    .iter()
                    .map(|k| case_kind_label(*k).to_string())
                    .collect(),
                series: vec![
                    (
                        "Tổ chức đảng".into(),
                        kinds.iter().map(|k| value(k, false)).collect(),
                    ),
                    (
                        "Đảng viên".into(),
                        kinds.iter().map(|k| value(k, true)).collect(),
                    ),
                ],
                horizontal: true,
                percent: false,
            },
            (1_800 + 600 * kinds.len() as u32).min(6_500),
        );
    }
    if let Some(d) = &f.discipline {
        let forms = |m: &std::collections::BTreeMap<domain::inspection::DisciplineForm, u64>| {
            m.iter()
                .filter(|(_, n)| **n > 0)
                .map(|(form, n)| format!("{} {}", discipline_label(*form).to_lowercase(), uint(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let members: u64 = d.members.values().sum();
        let units: u64 = d.units.values().sum();
        let mut line = format!("Thi hành kỷ luật {} đảng viên", uint(members));
        if members > 0 {
            line.push_str(&format!(" ({})", forms(&d.members)));
        }
        line.push_str(&format!(" và {} tổ chức đảng", uint(units)));
        if units > 0 {
            line.push_str(&format!(" ({})", forms(&d.units)));
        }
        line.push_str(&format!(
            "; xóa tên {} đảng viên, trong đó {} đảng viên bỏ sinh hoạt đảng.",
            int(d.struck_off),
            int(d.struck_off_left_party_life)
        ));
        w.bullet(&line);
    }
}

fn commendations(w: &mut Writer, doc: &ReportDocument) {
    let c = &doc.figures.commendations;
    w.body(&format!(
        "Khen thưởng, biểu dương {} quyết định với {} cá nhân và {} tập thể.",
        int(c.total.decisions),
        int(c.total.member_recipients),
        int(c.total.unit_recipients)
    ));
    for (kind, n) in &c.by_kind {
        w.bullet(&format!(
            "{}: {} quyết định, {} cá nhân, {} tập thể;",
            kind.label(),
            int(n.decisions),
            int(n.member_recipients),
            int(n.unit_recipients)
        ));
    }
    for (level, n) in &c.by_level {
        w.bullet(&format!(
            "{}: {} quyết định;",
            level.label(),
            int(n.decisions)
        ));
    }
    if c.pending_proposals > 0 {
        w.body(&format!(
            "{} đề nghị khen thưởng đang chờ quyết định.",
            int(c.pending_proposals)
        ));
    }
}

/// "35/35 tiêu chí" of a set applying to one unit; "6/6 đơn vị đạt đủ 19 tiêu chí, 6 đơn vị được công
/// nhận" of a set applying to several.
pub(crate) fn criteria_line(s: &domain::report::CriteriaLine) -> String {
    let name = trimmed(&s.set_name);
    match s.met_of_single {
        Some(met) => format!(
            "{name}: đạt {}/{} tiêu chí{}",
            int(met),
            int(s.criteria),
            if s.recognised > 0 {
                ", đã được công nhận"
            } else {
                ""
            }
        ),
        None => format!(
            "{name}: {}/{} đơn vị đạt đủ {} tiêu chí, {}/{} đơn vị được công nhận",
            int(s.all_met),
            int(s.units),
            int(s.criteria),
            int(s.recognised),
            int(s.units)
        ),
    }
}

fn criteria(w: &mut Writer, doc: &ReportDocument) {
    let c = &doc.figures.criteria;
    if c.sets.is_empty() && c.classifications.is_empty() {
        w.body("Chưa có bộ tiêu chí, danh hiệu được ghi nhận trên hệ thống.");
    }
    for s in &c.sets {
        w.bullet(&format!("{};", criteria_line(s)));
    }
    for l in &c.classifications {
        w.bullet(&format!(
            "{}: {} {} (quyết định ngày {});",
            trimmed(&l.unit_name),
            trimmed(&l.scheme),
            trimmed(&l.class),
            format_date(l.decided_on)
        ));
    }
}

fn sub_units(w: &mut Writer, doc: &ReportDocument) {
    let f = &doc.figures;
    if f.sub_units.is_empty() {
        return;
    }
    w.para(HEADING, &[(titles::SUB_UNITS, BOLD)]);
    let widths = [2_755, 1_100, 1_300, 1_500, 1_500, 1_200];
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut study = domain::attendance::Tally::default();
    let (mut members, mut meetings, mut registered, mut should, mut models) = (0, 0, 0, 0, 0);
    for r in &f.sub_units {
        study.add(&r.study);
        members += r.members;
        meetings += r.cell_meetings;
        registered += r.registrations.registered;
        should += r.registrations.members;
        models += r.models;
        let mark = if r.below_target { " (*)" } else { "" };
        rows.push(vec![
            trimmed(&r.unit.name),
            int(r.members),
            format!("{}{mark}", rate_text(r.study.rate())),
            int(r.cell_meetings),
            format!(
                "{}/{}",
                int(r.registrations.registered),
                int(r.registrations.members)
            ),
            int(r.models),
        ]);
    }
    rows.push(vec![
        "Tổng cộng".to_string(),
        int(members),
        rate_text(study.rate()),
        int(meetings),
        format!("{}/{}", int(registered), int(should)),
        int(models),
    ]);
    w.grid(&widths, &SUB_UNIT_COLUMNS, &rows, true);
    if f.sub_units.iter().any(|r| r.below_target) {
        w.para(
            LEFT.spacing(0, 120),
            &[(
                &format!(
                    "(*) Tỷ lệ học tập chưa đạt chỉ tiêu {}.",
                    target_text(f.study.target_permille)
                ),
                ITALIC.size(PT11),
            )],
        );
    }
}

fn sub_reports(w: &mut Writer, doc: &ReportDocument) {
    if doc.sub_reports.is_empty() {
        return;
    }
    w.para(HEADING, &[(titles::SUB_REPORTS, BOLD)]);
    let widths = [3_155, 2_300, 1_400, 1_200, 1_300];
    let rows: Vec<Vec<String>> = doc
        .sub_reports
        .iter()
        .map(|r| {
            vec![
                trimmed(&r.unit.name),
                report_status_label(r.status).to_string(),
                r.submitted_on.map(format_date).unwrap_or_default(),
                match r.on_time {
                    Some(true) => "Đúng hạn".to_string(),
                    Some(false) => "Chậm".to_string(),
                    None => String::new(),
                },
                int(r.returns),
            ]
        })
        .collect();
    w.grid(
        &widths,
        &[
            "Đơn vị",
            "Trạng thái",
            "Ngày gửi",
            "Đúng hạn",
            "Lần trả lại",
        ],
        &rows,
        false,
    );
}

fn push_signature(out: &mut String, doc: &ReportDocument) {
    const W: [u32; 2] = [4_300, TEXT_W - 4_300];
    /// Blank lines left for the signature.
    const ROOM: usize = 4;
    let h = &doc.header;
    let tight = LEFT.spacing(0, 0);
    let centre = CENTER.spacing(0, 0);
    let received = Look {
        bold: true,
        italic: true,
        underline: false,
        size: Some(PT12),
    };
    let mut left = Cell::new(W[0]).para(tight, &[("Nơi nhận:", received)]);
    let recipients: Vec<String> = h
        .recipients
        .iter()
        .map(|r| trimmed(r))
        .filter(|r| !r.is_empty())
        .collect();
    for (i, r) in recipients.iter().enumerate() {
        let end = if r.ends_with(['.', ',', ';', ':']) {
            ""
        } else if i + 1 == recipients.len() {
            "."
        } else {
            ","
        };
        left = left.para(tight, &[(&format!("- {r}{end}"), PLAIN.size(PT11))]);
    }
    let mut on_behalf = trimmed(&h.on_behalf);
    if on_behalf.is_empty() {
        on_behalf = domain::report::on_behalf_of(doc.figures.unit.unit_type).to_string();
    }
    let mut right = Cell::new(W[1]).para(centre, &[(&on_behalf.to_uppercase(), BOLD.size(PT14))]);
    let title = trimmed(&h.signer_title);
    if !title.is_empty() {
        right = right.para(centre, &[(&title.to_uppercase(), BOLD.size(PT14))]);
    }
    for _ in 0..ROOM {
        right = right.para(centre, &[]);
    }
    right = right.para(centre, &[(&trimmed(&h.signer_name), BOLD.size(PT14))]);
    let spec = TableSpec {
        widths: &W,
        borders: false,
        header_rows: 0,
        cant_split: true,
    };
    push_table(out, &spec, vec![vec![left, right]]);
}

fn document_xml(doc: &ReportDocument) -> (String, Vec<String>) {
    let mut w = Writer {
        out: String::with_capacity(64 * 1024),
        charts: Vec::new(),
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    w.out.push_str(&format!(
        "<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\" xmlns:wp=\"{WP_NS}\" xmlns:a=\"{A_NS}\" \
         xmlns:c=\"{C_NS}\"><w:body>"
    ));
    push_header(&mut w.out, doc);
    push_blank(&mut w.out);
    w.para(CENTER.spacing(240, 0), &[("BÁO CÁO", BOLD.size(PT15))]);
    w.para(CENTER.spacing(0, 0), &[(&subject(doc), BOLD.size(PT14))]);
    w.para(CENTER.spacing(0, 240), &[("-----", PLAIN)]);

    let f = &doc.figures;
    w.body(&format!(
        "{} báo cáo kết quả thực hiện {}, số liệu tổng hợp từ hệ thống đến ngày {}, như sau:",
        trimmed(&f.unit.name),
        period_text(f.from, f.to),
        format_date(domain::registration::vn_date(f.computed_at))
    ));

    w.heading(titles::RESULTS);
    for (n, title) in result_subsections(doc) {
        w.subheading(n, title);
        match title {
            titles::CAMPAIGN => campaign(&mut w, doc),
            titles::STUDY => study(&mut w, doc),
            titles::CELL_MEETINGS => cell_meetings(&mut w, doc),
            titles::REGISTRATIONS => registrations(&mut w, doc),
            titles::DISCLOSURE => disclosure(&mut w, doc),
            titles::MODELS => models(&mut w, doc),
            titles::INSPECTION => inspection(&mut w, doc),
            titles::COMMENDATIONS => commendations(&mut w, doc),
            _ => criteria(&mut w, doc),
        }
    }
    let narrative = |s: NarrativeSection| {
        doc.narratives
            .get(&s)
            .map(String::as_str)
            .unwrap_or_default()
    };
    w.narrative(narrative(NarrativeSection::Results), false);

    w.heading(titles::STRENGTHS);
    w.narrative(narrative(NarrativeSection::Strengths), true);

    w.heading(titles::LIMITATIONS);
    for l in &f.limitations {
        w.bullet(&limitation_sentence(l));
    }
    w.narrative(
        narrative(NarrativeSection::Limitations),
        f.limitations.is_empty(),
    );

    w.heading(titles::CAUSES);
    w.narrative(narrative(NarrativeSection::Causes), true);

    w.heading(titles::DIRECTIONS);
    w.narrative(narrative(NarrativeSection::Directions), true);

    sub_units(&mut w, doc);
    sub_reports(&mut w, doc);

    push_blank(&mut w.out);
    push_signature(&mut w.out, doc);

    w.out.push_str(&format!(
        "<w:sectPr><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN_TOP}\" w:right=\"{MARGIN_RIGHT}\" w:bottom=\"{MARGIN_BOTTOM}\" \
         w:left=\"{MARGIN_LEFT}\" w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:cols w:space=\"720\"/></w:sectPr>"
    ));
    w.out.push_str("</w:body></w:document>");
    (w.out, w.charts)
}

fn content_types(charts: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>",
    );
    for n in 1..=charts {
        s.push_str(&format!(
            "<Override PartName=\"/word/charts/chart{n}.xml\" \
             ContentType=\"application/vnd.openxmlformats-officedocument.drawingml.chart+xml\"/>"
        ));
    }
    s.push_str("</Types>");
    s
}

fn document_rels(charts: usize) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>",
    );
    for n in 1..=charts {
        s.push_str(&format!(
            "<Relationship Id=\"rIdChart{n}\" \
             Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart\" \
             Target=\"charts/chart{n}.xml\"/>"
        ));
    }
    s.push_str("</Relationships>");
    s
}

fn core_xml(doc: &ReportDocument) -> String {
    let mut title = String::new();
    crate::registrations::push_escaped(
        &mut title,
        &format!("Báo cáo – {}", trimmed(&doc.figures.unit.name)),
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\
         <dc:title>{title}</dc:title><dc:creator>lamtheo</dc:creator><dc:language>vi-VN</dc:language>\
         </cp:coreProperties>"
    )
}

/// Writes the parts into a zip package with a fixed time, so the same input gives the same bytes.
fn zip_parts(parts: &[(String, String)]) -> Result<Vec<u8>, OfficeError> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: &dyn std::fmt::Display| OfficeError::Docx(e.to_string());
    for (name, content) in parts {
        zip.start_file(name.as_str(), options)
            .map_err(|e| err(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| err(&e))?;
    }
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

/// The report as a Word document (see the module's documentation for the layout).
pub(crate) fn report_docx(doc: &ReportDocument) -> Result<Vec<u8>, OfficeError> {
    let (document, charts) = document_xml(doc);
    let mut parts: Vec<(String, String)> = vec![
        ("[Content_Types].xml".into(), content_types(charts.len())),
        ("_rels/.rels".into(), ROOT_RELS_XML.into()),
        ("docProps/core.xml".into(), core_xml(doc)),
        ("docProps/app.xml".into(), APP_XML.into()),
        (
            "word/_rels/document.xml.rels".into(),
            document_rels(charts.len()),
        ),
        ("word/document.xml".into(), document),
        ("word/styles.xml".into(), styles_xml()),
        ("word/settings.xml".into(), SETTINGS_XML.into()),
        ("word/fontTable.xml".into(), FONT_TABLE_XML.into()),
        ("word/theme/theme1.xml".into(), THEME_XML.into()),
    ];
    for (i, chart) in charts.into_iter().enumerate() {
        parts.push((format!("word/charts/chart{}.xml", i + 1), chart));
    }
    zip_parts(&parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_block_is_a4_less_the_margins() {
        assert_eq!(TEXT_W, 9_355);
    }
}
