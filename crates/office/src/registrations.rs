//! Registrations "học tập và làm theo" (docs/DOMAIN.md § Registrations): one member's registration printed
//! as a Word document laid out like the usual party form, and a unit's registrations as an XLSX list.

use std::io::Cursor;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{
    Color, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
};
use unicode_normalization::UnicodeNormalization;

use crate::OfficeError;

/// One member's registration, ready to print with [`registration_docx`].
#[derive(Debug, Clone)]
pub struct RegistrationPrint {
    /// Parent party organisation, e.g. "Đảng bộ Phường 7".
    pub issuer: String,
    /// The member's cell, e.g. "Chi bộ Khu phố 1".
    pub unit_name: String,
    pub year: i32,
    pub member_name: String,
    pub birth_date: Option<NaiveDate>,
    /// "Bí thư Chi bộ", …; "Đảng viên" is printed when empty.
    pub positions: Vec<String>,
    pub joined_on: Option<NaiveDate>,
    /// "Đã duyệt", "Nháp", … (printed in the footer).
    pub status_label: String,
    /// Version of the registration (printed in the footer).
    pub version: i64,
    /// Commitments (học tập và làm theo).
    pub items: Vec<PrintItem>,
    /// "Nêu gương" items of key cadres; the section is left out when empty.
    pub exemplary: Vec<PrintItem>,
    /// (code "A1", title) of the manifestations of degradation pledged against.
    pub pledges: Vec<(String, String)>,
    /// The day the pledge was added when later than the registration was written (a registration written
    /// before Nghị quyết Trung ương 4 khóa XII, 30/10/2016); None: pledged when written, no line printed.
    pub pledged_on: Option<NaiveDate>,
    /// Display name of the approver.
    pub approved_by: Option<String>,
    pub approved_on: Option<NaiveDate>,
    /// Place of the "Bến Tre, ngày 15 tháng 3 năm 2019" line.
    pub place: String,
    /// Date of that line (the submission date).
    pub date: NaiveDate,
}

/// One commitment or "nêu gương" item.
#[derive(Debug, Clone)]
pub struct PrintItem {
    pub content: String,
    /// Duty or field the item belongs to.
    pub duty: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    /// Expected product / evidence; may be empty.
    pub evidence: String,
    /// Outcome labels, e.g. "Hoàn thành".
    pub midyear: Option<String>,
    pub yearend: Option<String>,
    /// The cell's assessment.
    pub assessed: Option<String>,
    /// Vietnamese warning labels (vague wording, no deadline, …); may be empty.
    pub flags: Vec<String>,
}

impl PrintItem {
    /// The latest outcome: the cell's assessment, else year-end, else mid-year, else "".
    fn result(&self) -> &str {
        self.assessed
            .as_deref()
            .or(self.yearend.as_deref())
            .or(self.midyear.as_deref())
            .unwrap_or_default()
    }
}

/// Heading of [`registrations_xlsx`].
#[derive(Debug, Clone)]
pub struct UnitSheet {
    pub unit_name: String,
    pub year: i32,
    pub generated_on: NaiveDate,
}

/// One registration in [`registrations_xlsx`].
#[derive(Debug, Clone)]
pub struct RegistrationRow {
    pub member_name: String,
    pub unit_name: String,
    /// Positions already joined, e.g. "Bí thư Chi bộ; Tổ trưởng tổ dân phố".
    pub positions: String,
    pub status_label: String,
    pub submitted_on: Option<NaiveDate>,
    /// Submitted before the deadline; `None` when not submitted or no deadline.
    pub on_time: Option<bool>,
    /// Commitments and "nêu gương" items together.
    pub items: Vec<PrintItem>,
    /// Share of items done, 0..=100.
    pub result_percent: Option<f64>,
    pub suggested_rating: Option<String>,
    pub rating: Option<String>,
}

// ---------------------------------------------------------------------------------------------------
// Text helpers

/// NFC, line endings as `\n`, and without the characters XML 1.0 cannot hold (C0 controls other than
/// tab and line feed, U+FFFE, U+FFFF), so any stored text makes a valid document.
pub(crate) fn clean(s: &str) -> String {
    let unified = s.replace("\r\n", "\n").replace('\r', "\n");
    unified
        .nfc()
        .filter(|&c| match c {
            '\n' | '\t' => true,
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => false,
            _ => true,
        })
        .collect()
}

/// dd/mm/yyyy, or "" when unknown.
fn date_text(d: Option<NaiveDate>) -> String {
    d.map(domain::text::format_date).unwrap_or_default()
}

/// `domain::text::place_date_line` of a place cleaned for XML.
pub(crate) fn place_date_line(place: &str, date: NaiveDate) -> String {
    domain::text::place_date_line(&clean(place), date)
}

// ---------------------------------------------------------------------------------------------------
// DOCX
//
// The package is written by hand rather than with a DOCX crate: docx-rs 0.4.22 (the maintained
// writer) emits the children of `w:pPr` / `w:rPr` out of schema order (e.g. `w:sz` before `w:b`,
// `w:jc` before `w:spacing`) and an undeclared `w:type` on `w:gridCol`; an OOXML schema validator
// reports 100+ errors on this very form, and Word is reported to ignore out-of-order run properties
// or to ask to repair such files (docx-rs GitHub issue #724). Every element below is written in the order
// of the ECMA-376 transitional schema (CT_PPrBase, EG_RPrBase, CT_TblPr, CT_TcPr, CT_SectPr).

const FONT: &str = "Times New Roman";
/// Sizes in half-points.
const BODY: u32 = 26;
pub(crate) const SMALL: u32 = 22;
const TINY: u32 = 20;
pub(crate) const TITLE: u32 = 28;

/// A4 portrait and margins (twips): 2 cm top/bottom/right, 3 cm left.
pub(crate) const PAGE_W: u32 = 11_906;
pub(crate) const PAGE_H: u32 = 16_838;
pub(crate) const MARGIN: u32 = 1_134;
pub(crate) const MARGIN_LEFT: u32 = 1_701;
/// Width of the text block (twips).
pub(crate) const TEXT_W: u32 = PAGE_W - MARGIN - MARGIN_LEFT;

/// Columns of the item tables (twips); they add up to [`TEXT_W`].
const ITEM_COLUMNS: [(&str, u32); 6] = [
    ("STT", 600),
    ("Nội dung đăng ký", 3_000),
    ("Nhiệm vụ, lĩnh vực", 1_700),
    ("Chỉ tiêu", 1_400),
    ("Thời hạn", 1_250),
    ("Kết quả", 1_121),
];

pub(crate) const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
pub(crate) const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// Escapes text for XML content and attribute values.
pub(crate) fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(c),
        }
    }
}

/// How a run is set (EG_RPrBase: b, i, sz, u in this order).
#[derive(Clone, Copy, Default)]
pub(crate) struct Look {
    pub(crate) bold: bool,
    pub(crate) italic: bool,
    pub(crate) underline: bool,
    /// Half-points; the document default (13 pt) when `None`.
    pub(crate) size: Option<u32>,
}

pub(crate) const PLAIN: Look = Look {
    bold: false,
    italic: false,
    underline: false,
    size: None,
};
pub(crate) const BOLD: Look = Look {
    bold: true,
    ..PLAIN
};
pub(crate) const ITALIC: Look = Look {
    italic: true,
    ..PLAIN
};

impl Look {
    pub(crate) fn size(self, size: u32) -> Self {
        Look {
            size: Some(size),
            ..self
        }
    }

    fn write(&self, out: &mut String) {
        if !(self.bold || self.italic || self.underline || self.size.is_some()) {
            return;
        }
        out.push_str("<w:rPr>");
        if self.bold {
            out.push_str("<w:b/>");
        }
        if self.italic {
            out.push_str("<w:i/>");
        }
        if let Some(sz) = self.size {
            out.push_str(&format!("<w:sz w:val=\"{sz}\"/><w:szCs w:val=\"{sz}\"/>"));
        }
        if self.underline {
            out.push_str("<w:u w:val=\"single\"/>");
        }
        out.push_str("</w:rPr>");
    }
}

/// Paragraph properties (CT_PPrBase order: keepNext, spacing, ind, jc).
#[derive(Clone, Copy, Default)]
pub(crate) struct Para {
    pub(crate) keep_next: bool,
    /// (before, after) in twips; the default (0, 3 pt) when `None`.
    pub(crate) spacing: Option<(u32, u32)>,
    /// (left, hanging) in twips.
    pub(crate) hanging: Option<(u32, u32)>,
    pub(crate) first_line: Option<u32>,
    pub(crate) jc: Option<&'static str>,
}

pub(crate) const LEFT: Para = Para {
    keep_next: false,
    spacing: None,
    hanging: None,
    first_line: None,
    jc: None,
};
pub(crate) const CENTER: Para = Para {
    jc: Some("center"),
    ..LEFT
};
pub(crate) const JUSTIFY: Para = Para {
    jc: Some("both"),
    ..LEFT
};

impl Para {
    pub(crate) fn spacing(self, before: u32, after: u32) -> Self {
        Para {
            spacing: Some((before, after)),
            ..self
        }
    }

    fn write(&self, out: &mut String) {
        let empty = !self.keep_next
            && self.spacing.is_none()
            && self.hanging.is_none()
            && self.first_line.is_none()
            && self.jc.is_none();
        if empty {
            return;
        }
        out.push_str("<w:pPr>");
        if self.keep_next {
            out.push_str("<w:keepNext/>");
        }
        if let Some((before, after)) = self.spacing {
            out.push_str(&format!(
                "<w:spacing w:before=\"{before}\" w:after=\"{after}\"/>"
            ));
        }
        match (self.hanging, self.first_line) {
            (Some((left, hanging)), _) => out.push_str(&format!(
                "<w:ind w:left=\"{left}\" w:hanging=\"{hanging}\"/>"
            )),
            (None, Some(first)) => out.push_str(&format!("<w:ind w:firstLine=\"{first}\"/>")),
            (None, None) => {}
        }
        if let Some(jc) = self.jc {
            out.push_str(&format!("<w:jc w:val=\"{jc}\"/>"));
        }
        out.push_str("</w:pPr>");
    }
}

/// A run of cleaned text: line breaks become `w:br`, tabs `w:tab`.
fn push_run(out: &mut String, text: &str, look: Look) {
    let text = clean(text);
    if text.is_empty() {
        return;
    }
    out.push_str("<w:r>");
    look.write(out);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<w:br/>");
        }
        for (j, part) in line.split('\t').enumerate() {
            if j > 0 {
                out.push_str("<w:tab/>");
            }
            if !part.is_empty() {
                out.push_str("<w:t xml:space=\"preserve\">");
                push_escaped(out, part);
                out.push_str("</w:t>");
            }
        }
    }
    out.push_str("</w:r>");
}

/// A paragraph of runs.
pub(crate) fn push_para(out: &mut String, para: Para, runs: &[(&str, Look)]) {
    out.push_str("<w:p>");
    para.write(out);
    for (text, look) in runs {
        push_run(out, text, *look);
    }
    out.push_str("</w:p>");
}

/// An empty paragraph (a blank line).
pub(crate) fn push_blank(out: &mut String) {
    out.push_str("<w:p/>");
}

/// One table cell: its width (twips), how many grid columns it spans and its paragraphs (XML).
pub(crate) struct Cell {
    width: u32,
    span: usize,
    center: bool,
    body: String,
}

impl Cell {
    pub(crate) fn new(width: u32) -> Self {
        Cell {
            width,
            span: 1,
            center: false,
            body: String::new(),
        }
    }

    pub(crate) fn para(mut self, para: Para, runs: &[(&str, Look)]) -> Self {
        push_para(&mut self.body, para, runs);
        self
    }

    fn blank(mut self) -> Self {
        push_blank(&mut self.body);
        self
    }
}

pub(crate) struct TableSpec<'a> {
    pub(crate) widths: &'a [u32],
    pub(crate) borders: bool,
    /// Rows repeated at the top of every page.
    pub(crate) header_rows: usize,
    /// Rows that must not break across pages: all of them when true.
    pub(crate) cant_split: bool,
}

pub(crate) fn push_table(out: &mut String, spec: &TableSpec<'_>, rows: Vec<Vec<Cell>>) {
    let total: u32 = spec.widths.iter().sum();
    out.push_str("<w:tbl><w:tblPr>");
    out.push_str(&format!("<w:tblW w:w=\"{total}\" w:type=\"dxa\"/>"));
    let line = if spec.borders {
        "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"000000\""
    } else {
        "w:val=\"none\" w:sz=\"0\" w:space=\"0\" w:color=\"auto\""
    };
    out.push_str("<w:tblBorders>");
    for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
        out.push_str(&format!("<w:{side} {line}/>"));
    }
    out.push_str("</w:tblBorders>");
    out.push_str("<w:tblLayout w:type=\"fixed\"/>");
    out.push_str(
        "<w:tblCellMar><w:left w:w=\"85\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>",
    );
    out.push_str("</w:tblPr><w:tblGrid>");
    for w in spec.widths {
        out.push_str(&format!("<w:gridCol w:w=\"{w}\"/>"));
    }
    out.push_str("</w:tblGrid>");
    for (i, row) in rows.into_iter().enumerate() {
        out.push_str("<w:tr>");
        let header = i < spec.header_rows;
        match (header, spec.cant_split) {
            (true, _) => out.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"),
            (false, true) => out.push_str("<w:trPr><w:cantSplit/></w:trPr>"),
            (false, false) => {}
        }
        for cell in row {
            out.push_str("<w:tc><w:tcPr>");
            out.push_str(&format!("<w:tcW w:w=\"{}\" w:type=\"dxa\"/>", cell.width));
            if cell.span > 1 {
                out.push_str(&format!("<w:gridSpan w:val=\"{}\"/>", cell.span));
            }
            if cell.center {
                out.push_str("<w:vAlign w:val=\"center\"/>");
            }
            out.push_str("</w:tcPr>");
            if cell.body.is_empty() {
                // A cell must end with a paragraph.
                push_blank(out);
            } else {
                out.push_str(&cell.body);
            }
            out.push_str("</w:tc>");
        }
        out.push_str("</w:tr>");
    }
    out.push_str("</w:tbl>");
}

/// Top block: issuer and cell on the left, the Party and the place/date line on the right.
fn push_header_table(out: &mut String, r: &RegistrationPrint) {
    const W: [u32; 2] = [3_900, TEXT_W - 3_900];
    let issuer = clean(&r.issuer);
    let issuer = issuer.trim();
    let unit = clean(&r.unit_name);
    let unit = unit.trim();
    let tight = CENTER.spacing(0, 0);
    let mut left = Cell::new(W[0]);
    if !issuer.is_empty() && domain::text::fold(issuer) != domain::text::fold(unit) {
        left = left.para(tight, &[(&issuer.to_uppercase(), PLAIN)]);
    }
    left = left
        .para(tight, &[(&unit.to_uppercase(), BOLD)])
        .para(tight, &[("*", PLAIN)]);
    let party = Look {
        underline: true,
        ..BOLD
    };
    let right = Cell::new(W[1])
        .para(tight, &[("ĐẢNG CỘNG SẢN VIỆT NAM", party)])
        .para(
            CENTER.spacing(240, 0),
            &[(&place_date_line(&r.place, r.date), ITALIC)],
        );
    let spec = TableSpec {
        widths: &W,
        borders: false,
        header_rows: 0,
        cant_split: true,
    };
    push_table(out, &spec, vec![vec![left, right]]);
}

/// The bordered table of items, or a row saying there is none.
fn push_items_table(out: &mut String, items: &[PrintItem]) {
    let widths: Vec<u32> = ITEM_COLUMNS.iter().map(|(_, w)| *w).collect();
    let in_cell = LEFT.spacing(40, 40);
    let in_cell_centered = CENTER.spacing(40, 40);
    let mut rows = vec![ITEM_COLUMNS
        .iter()
        .map(|(name, w)| {
            let mut c = Cell::new(*w).para(in_cell_centered, &[(name, BOLD.size(SMALL))]);
            c.center = true;
            c
        })
        .collect::<Vec<_>>()];
    if items.is_empty() {
        let mut c = Cell::new(TEXT_W).para(
            in_cell_centered,
            &[("(Chưa có nội dung)", ITALIC.size(SMALL))],
        );
        c.span = ITEM_COLUMNS.len();
        rows.push(vec![c]);
    }
    let note = LEFT.spacing(0, 40);
    for (i, item) in items.iter().enumerate() {
        let mut content = Cell::new(widths[1]).para(in_cell, &[(&item.content, PLAIN.size(SMALL))]);
        let evidence = clean(&item.evidence);
        if !evidence.trim().is_empty() {
            content = content.para(
                note,
                &[
                    ("Minh chứng: ", ITALIC.size(TINY)),
                    (evidence.trim(), PLAIN.size(TINY)),
                ],
            );
        }
        for flag in item
            .flags
            .iter()
            .map(|f| f.trim())
            .filter(|f| !f.is_empty())
        {
            content = content.para(note, &[(&format!("– {flag}"), ITALIC.size(TINY))]);
        }
        let small = PLAIN.size(SMALL);
        rows.push(vec![
            Cell::new(widths[0]).para(in_cell_centered, &[(&(i + 1).to_string(), small)]),
            content,
            Cell::new(widths[2]).para(in_cell, &[(&item.duty, small)]),
            Cell::new(widths[3]).para(in_cell, &[(&item.target, small)]),
            Cell::new(widths[4]).para(in_cell_centered, &[(&date_text(item.deadline), small)]),
            Cell::new(widths[5]).para(in_cell_centered, &[(item.result(), small)]),
        ]);
    }
    let spec = TableSpec {
        widths: &widths,
        borders: true,
        header_rows: 1,
        cant_split: false,
    };
    push_table(out, &spec, rows);
}

/// Signature block: the cell's confirmation on the left, the member on the right.
fn push_signature_table(out: &mut String, r: &RegistrationPrint) {
    const W: [u32; 2] = [TEXT_W / 2, TEXT_W - TEXT_W / 2];
    /// Blank lines left for the signature.
    const ROOM: usize = 4;
    let tight = CENTER.spacing(0, 0);
    let mut left = Cell::new(W[0])
        .para(tight, &[("XÁC NHẬN CỦA CHI BỘ", BOLD)])
        .para(tight, &[("BÍ THƯ", BOLD)]);
    let mut right = Cell::new(W[1])
        .para(tight, &[("NGƯỜI ĐĂNG KÝ", BOLD)])
        .para(tight, &[("(Ký, ghi rõ họ tên)", ITALIC)]);
    for _ in 0..ROOM {
        left = left.blank();
        right = right.blank();
    }
    let approver = r.approved_by.as_deref().map(clean).unwrap_or_default();
    left = left.para(tight, &[(approver.trim(), BOLD)]);
    if let Some(on) = r.approved_on {
        left = left.para(
            tight,
            &[(
                &format!("Duyệt ngày {}", domain::text::format_date(on)),
                ITALIC.size(SMALL),
            )],
        );
    }
    right = right.para(tight, &[(clean(&r.member_name).trim(), BOLD)]);
    let spec = TableSpec {
        widths: &W,
        borders: false,
        header_rows: 0,
        cant_split: true,
    };
    push_table(out, &spec, vec![vec![left, right]]);
}

fn document_xml(r: &RegistrationPrint) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str(&format!(
        "<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:body>"
    ));

    push_header_table(&mut out, r);
    push_blank(&mut out);

    // Title.
    push_para(
        &mut out,
        CENTER.spacing(120, 0),
        &[("BẢN ĐĂNG KÝ", BOLD.size(TITLE))],
    );
    let subtitle = format!(
        "HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM {}",
        r.year
    );
    push_para(&mut out, CENTER.spacing(0, 240), &[(&subtitle, BOLD)]);

    // Member details.
    let positions: Vec<String> = r
        .positions
        .iter()
        .map(|p| clean(p).trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    let positions = if positions.is_empty() {
        "Đảng viên".to_string()
    } else {
        positions.join("; ")
    };
    let or_dots = |d: Option<NaiveDate>| {
        d.map(domain::text::format_date)
            .unwrap_or_else(|| "……………………".to_string())
    };
    let name = clean(&r.member_name);
    let unit = clean(&r.unit_name);
    let details: [(&str, &str, Look); 5] = [
        ("Họ và tên: ", name.trim(), BOLD),
        ("Ngày sinh: ", &or_dots(r.birth_date), PLAIN),
        ("Chức vụ: ", &positions, PLAIN),
        ("Chi bộ: ", unit.trim(), PLAIN),
        ("Ngày vào Đảng: ", &or_dots(r.joined_on), PLAIN),
    ];
    for (label, value, look) in details {
        push_para(&mut out, LEFT, &[(label, PLAIN), (value, look)]);
    }

    // Sections.
    let heading = Para {
        keep_next: true,
        ..LEFT.spacing(240, 120)
    };
    push_para(&mut out, heading, &[("I. NỘI DUNG ĐĂNG KÝ", BOLD)]);
    push_items_table(&mut out, &r.items);
    let mut next = "II";
    if !r.exemplary.is_empty() {
        push_para(&mut out, heading, &[("II. NỘI DUNG NÊU GƯƠNG", BOLD)]);
        push_items_table(&mut out, &r.exemplary);
        next = "III";
    }
    push_para(&mut out, heading, &[(&format!("{next}. CAM KẾT"), BOLD)]);
    let pledges: Vec<String> = r
        .pledges
        .iter()
        .map(|(code, title)| {
            let code = clean(code);
            let title = clean(title);
            match (code.trim(), title.trim()) {
                ("", t) => t.to_string(),
                (c, t) => format!("{c}. {t}"),
            }
        })
        .filter(|p| !p.is_empty())
        .collect();
    let pledge =
        "Tôi cam kết không vi phạm những biểu hiện suy thoái về tư tưởng chính trị, đạo đức, \
                  lối sống, “tự diễn biến”, “tự chuyển hóa”";
    let intro = if pledges.is_empty() {
        format!("{pledge}.")
    } else {
        format!("{pledge} sau:")
    };
    let intro_para = Para {
        first_line: Some(567),
        ..JUSTIFY
    };
    push_para(&mut out, intro_para, &[(&intro, PLAIN)]);
    let item_para = Para {
        hanging: Some((567, 397)),
        ..JUSTIFY.spacing(0, 0)
    };
    for p in &pledges {
        push_para(&mut out, item_para, &[(p, PLAIN.size(SMALL))]);
    }
    if r.pledged_on.is_some() {
        let line = format!(
            "Cam kết bổ sung ngày {} (Nghị quyết Trung ương 4 khóa XII ban hành ngày 30/10/2016).",
            date_text(r.pledged_on)
        );
        push_para(&mut out, intro_para, &[(&line, ITALIC)]);
    }

    push_blank(&mut out);
    push_signature_table(&mut out, r);
    push_blank(&mut out);

    out.push_str(&format!(
        "<w:sectPr><w:footerReference w:type=\"default\" r:id=\"rId3\"/>\
         <w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN_LEFT}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:cols w:space=\"720\"/></w:sectPr>"
    ));
    out.push_str("</w:body></w:document>");
    out
}

/// "Bản đăng ký năm 2019 – Nguyễn Văn An – Đã duyệt (phiên bản 3) – Trang 1/2".
fn footer_xml(r: &RegistrationPrint) -> String {
    let mut text = format!(
        "Bản đăng ký năm {} – {}",
        r.year,
        clean(&r.member_name).trim()
    );
    let status = clean(&r.status_label);
    if status.trim().is_empty() {
        text.push_str(&format!(" – phiên bản {}", r.version));
    } else {
        text.push_str(&format!(" – {} (phiên bản {})", status.trim(), r.version));
    }
    text.push_str(" – Trang ");
    let mut out = String::with_capacity(1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str(&format!(
        "<w:ftr xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\"><w:p><w:pPr><w:pStyle w:val=\"Footer\"/></w:pPr>"
    ));
    push_run(&mut out, &text, PLAIN);
    for (field, sep) in [("PAGE", "/"), ("NUMPAGES", "")] {
        out.push_str(&format!(
            "<w:fldSimple w:instr=\" {field} \"><w:r><w:t>1</w:t></w:r></w:fldSimple>"
        ));
        push_run(&mut out, sep, PLAIN);
    }
    out.push_str("</w:p></w:ftr>");
    out
}

pub(crate) fn styles_xml() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
         <w:styles xmlns:w=\"{W_NS}\">\
         <w:docDefaults>\
         <w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"{FONT}\" w:eastAsia=\"{FONT}\" w:hAnsi=\"{FONT}\" w:cs=\"{FONT}\"/>\
         <w:sz w:val=\"{BODY}\"/><w:szCs w:val=\"{BODY}\"/>\
         <w:lang w:val=\"vi-VN\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>\
         </w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\">\
         <w:name w:val=\"Default Paragraph Font\"/><w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\">\
         <w:name w:val=\"Normal Table\"/><w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/>\
         <w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/><w:tblCellMar>\
         <w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/>\
         </w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Footer\"><w:name w:val=\"footer\"/><w:basedOn w:val=\"Normal\"/>\
         <w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/>\
         <w:pPr><w:spacing w:after=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
         <w:rPr><w:i/><w:sz w:val=\"{TINY}\"/><w:szCs w:val=\"{TINY}\"/></w:rPr></w:style>\
         </w:styles>"
    )
}

pub(crate) const SETTINGS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:zoom w:percent=\"100\"/><w:defaultTabStop w:val=\"720\"/>\
<w:characterSpacingControl w:val=\"doNotCompress\"/>\
<w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
</w:settings>";

const CONTENT_TYPES_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/footer1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

pub(crate) const ROOT_RELS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>\
</Relationships>";

const DOCUMENT_RELS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer\" Target=\"footer1.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>\
</Relationships>";

/// The one font used, so that Word can substitute it knowingly where it is missing.
pub(crate) const FONT_TABLE_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<w:fonts xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
<w:font w:name=\"Times New Roman\"><w:panose1 w:val=\"02020603050405020304\"/><w:charset w:val=\"00\"/>\
<w:family w:val=\"roman\"/><w:pitch w:val=\"variable\"/></w:font></w:fonts>";

/// A minimal Office theme (Word always writes one; its fonts are Times New Roman here too).
pub(crate) const THEME_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" name=\"Office Theme\"><a:themeElements>\
<a:clrScheme name=\"Office\">\
<a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1><a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1>\
<a:dk2><a:srgbClr val=\"44546A\"/></a:dk2><a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2>\
<a:accent1><a:srgbClr val=\"4472C4\"/></a:accent1><a:accent2><a:srgbClr val=\"ED7D31\"/></a:accent2>\
<a:accent3><a:srgbClr val=\"A5A5A5\"/></a:accent3><a:accent4><a:srgbClr val=\"FFC000\"/></a:accent4>\
<a:accent5><a:srgbClr val=\"5B9BD5\"/></a:accent5><a:accent6><a:srgbClr val=\"70AD47\"/></a:accent6>\
<a:hlink><a:srgbClr val=\"0563C1\"/></a:hlink><a:folHlink><a:srgbClr val=\"954F72\"/></a:folHlink>\
</a:clrScheme>\
<a:fontScheme name=\"Office\">\
<a:majorFont><a:latin typeface=\"Times New Roman\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:majorFont>\
<a:minorFont><a:latin typeface=\"Times New Roman\"/><a:ea typeface=\"\"/><a:cs typeface=\"\"/></a:minorFont>\
</a:fontScheme>\
<a:fmtScheme name=\"Office\">\
<a:fillStyleLst><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>\
<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:fillStyleLst>\
<a:lnStyleLst><a:ln w=\"6350\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>\
<a:ln w=\"12700\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln>\
<a:ln w=\"19050\"><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:ln></a:lnStyleLst>\
<a:effectStyleLst><a:effectStyle><a:effectLst/></a:effectStyle><a:effectStyle><a:effectLst/></a:effectStyle>\
<a:effectStyle><a:effectLst/></a:effectStyle></a:effectStyleLst>\
<a:bgFillStyleLst><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill><a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill>\
<a:solidFill><a:schemeClr val=\"phClr\"/></a:solidFill></a:bgFillStyleLst>\
</a:fmtScheme></a:themeElements></a:theme>";

pub(crate) const APP_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
<Application>lamtheo</Application></Properties>";

fn core_xml(r: &RegistrationPrint) -> String {
    let mut title = String::new();
    push_escaped(
        &mut title,
        &format!(
            "Bản đăng ký học tập và làm theo năm {} – {}",
            r.year,
            clean(&r.member_name).trim()
        ),
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

/// Writes the parts into a zip package; the entries have a fixed time, so the same input gives the
/// same bytes.
fn zip_package(parts: &[(&str, &str)]) -> Result<Vec<u8>, OfficeError> {
    use std::io::Write;
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: &dyn std::fmt::Display| OfficeError::Docx(e.to_string());
    for (name, content) in parts {
        zip.start_file(*name, options).map_err(|e| err(&e))?;
        zip.write_all(content.as_bytes()).map_err(|e| err(&e))?;
    }
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

/// One member's registration as a Word document, laid out like the usual party form: A4 portrait,
/// margins 2 cm (3 cm left), Times New Roman 13 pt.
///
/// * Top block (no borders): the issuer (upper case), the cell (upper case, bold) and "*" on the
///   left; "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) and "Bến Tre, ngày 15 tháng 3 năm 2019"
///   (italic) on the right.
/// * "BẢN ĐĂNG KÝ" / "HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM 2019".
/// * Họ và tên, Ngày sinh, Chức vụ ("Đảng viên" when none), Chi bộ, Ngày vào Đảng (dd/mm/yyyy; dots
///   to fill in by hand when unknown).
/// * "I. NỘI DUNG ĐĂNG KÝ": STT | Nội dung đăng ký | Nhiệm vụ, lĩnh vực | Chỉ tiêu | Thời hạn |
///   Kết quả (the cell's assessment, else year-end, else mid-year), with the evidence and the
///   warning flags small under each item's content; the header row repeats on every page.
/// * "II. NỘI DUNG NÊU GƯƠNG", the same table, only when there are such items.
/// * "CAM KẾT" (III, or II without "nêu gương"): the pledge and the manifestations pledged against
///   (11 pt); when the pledge was added later, "Cam kết bổ sung ngày dd/mm/yyyy …" (italic) under them.
/// * Signatures: "XÁC NHẬN CỦA CHI BỘ / BÍ THƯ" and the approver; "NGƯỜI ĐĂNG KÝ" and the member.
/// * Footer: year, member, status and version, "Trang n/N".
///
/// All text is NFC; characters XML cannot hold are dropped, everything else is escaped.
pub fn registration_docx(r: &RegistrationPrint) -> Result<Vec<u8>, OfficeError> {
    let document = document_xml(r);
    let footer = footer_xml(r);
    let styles = styles_xml();
    let core = core_xml(r);
    zip_package(&[
        ("[Content_Types].xml", CONTENT_TYPES_XML),
        ("_rels/.rels", ROOT_RELS_XML),
        ("docProps/core.xml", &core),
        ("docProps/app.xml", APP_XML),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS_XML),
        ("word/document.xml", &document),
        ("word/styles.xml", &styles),
        ("word/settings.xml", SETTINGS_XML),
        ("word/footer1.xml", &footer),
        ("word/fontTable.xml", FONT_TABLE_XML),
        ("word/theme/theme1.xml", THEME_XML),
    ])
}

// ---------------------------------------------------------------------------------------------------
// XLSX

/// Rows an XLSX worksheet holds besides one header row.
const XLSX_MAX_DATA_ROWS: usize = 1_048_575;
/// Characters an XLSX cell holds.
const XLSX_MAX_CELL_CHARS: usize = 32_767;

/// Headers of the "Tổng hợp" sheet of [`registrations_xlsx`], in order.
pub const REGISTRATION_SUMMARY_HEADERS: [&str; 12] = [
    "STT",
    "Họ và tên",
    "Đơn vị",
    "Chức vụ",
    "Trạng thái",
    "Ngày nộp",
    "Đúng hạn",
    "Số nội dung",
    "Nội dung có cảnh báo",
    "Kết quả (%)",
    "Xếp loại gợi ý",
    "Xếp loại",
];
const SUMMARY_WIDTHS: [f64; 12] = [
    6.0, 28.0, 26.0, 28.0, 14.0, 12.0, 10.0, 11.0, 12.0, 11.0, 16.0, 16.0,
];

/// Headers of the "Chi tiết" sheet of [`registrations_xlsx`], in order.
pub const REGISTRATION_DETAIL_HEADERS: [&str; 11] = [
    "Họ và tên",
    "Đơn vị",
    "STT",
    "Nội dung",
    "Nhiệm vụ/lĩnh vực",
    "Chỉ tiêu",
    "Thời hạn",
    "Cảnh báo",
    "Giữa năm",
    "Cuối năm",
    "Chi bộ đánh giá",
];
const DETAIL_WIDTHS: [f64; 11] = [
    26.0, 24.0, 6.0, 60.0, 24.0, 20.0, 12.0, 36.0, 14.0, 14.0, 16.0,
];

/// Title rows above the header of "Tổng hợp": title, unit, date, blank.
const SUMMARY_HEADER_ROW: u32 = 4;

/// Cleaned text cut to what one cell holds.
fn cell_text(s: &str) -> String {
    let s = clean(s);
    if s.chars().count() <= XLSX_MAX_CELL_CHARS {
        return s;
    }
    let mut cut: String = s.chars().take(XLSX_MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// An Excel date, or `None` outside what Excel can show (before 1900).
fn excel_date(d: NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

struct SheetStyles {
    title: Format,
    subtitle: Format,
    note: Format,
    head: Format,
    text: Format,
    wrap: Format,
    center: Format,
    int: Format,
    date: Format,
    percent: Format,
}

impl SheetStyles {
    fn new() -> Self {
        let cell = Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::Top);
        SheetStyles {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center),
            subtitle: Format::new().set_bold().set_align(FormatAlign::Center),
            note: Format::new().set_italic().set_align(FormatAlign::Center),
            head: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap(),
            text: cell.clone(),
            wrap: cell.clone().set_text_wrap(),
            center: cell.clone().set_align(FormatAlign::Center),
            int: cell.clone().set_num_format("0"),
            date: cell
                .clone()
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Center),
            percent: cell.set_num_format("0.0"),
        }
    }
}

fn write_text(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), OfficeError> {
    let text = cell_text(text);
    if text.trim().is_empty() {
        sheet.write_blank(row, col, format)?;
    } else {
        sheet.write_string_with_format(row, col, text.trim(), format)?;
    }
    Ok(())
}

fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    d: Option<NaiveDate>,
    s: &SheetStyles,
) -> Result<(), OfficeError> {
    match d {
        Some(d) => match excel_date(d) {
            Some(x) => {
                sheet.write_datetime_with_format(row, col, &x, &s.date)?;
            }
            None => {
                sheet.write_string_with_format(
                    row,
                    col,
                    domain::text::format_date(d),
                    &s.center,
                )?;
            }
        },
        None => {
            sheet.write_blank(row, col, &s.date)?;
        }
    }
    Ok(())
}

fn has_flags(item: &PrintItem) -> bool {
    item.flags.iter().any(|f| !f.trim().is_empty())
}

/// A unit's registrations as XLSX, two sheets:
///
/// * "Tổng hợp": the title "DANH SÁCH BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO NĂM 2019", the unit, the date it
///   was drawn up, then [`REGISTRATION_SUMMARY_HEADERS`] on line 5 and one row per registration in the
///   given order ("Ngày nộp" a date cell dd/mm/yyyy, "Đúng hạn" Có/Không/blank, "Kết quả (%)" a number
///   with one decimal).
/// * "Chi tiết": [`REGISTRATION_DETAIL_HEADERS`] on line 1 and one row per item ("Thời hạn" a date
///   cell, "Cảnh báo" the flags joined by "; ").
///
/// Both header rows are frozen and have an autofilter. Texts longer than a cell holds (32 767
/// characters) are cut with "…".
pub fn registrations_xlsx(h: &UnitSheet, rows: &[RegistrationRow]) -> Result<Vec<u8>, OfficeError> {
    if rows.len() > XLSX_MAX_DATA_ROWS - SUMMARY_HEADER_ROW as usize {
        return Err(OfficeError::TooManyRows(rows.len()));
    }
    let items: usize = rows.iter().map(|r| r.items.len()).sum();
    if items > XLSX_MAX_DATA_ROWS {
        return Err(OfficeError::TooManyRows(items));
    }
    let s = SheetStyles::new();
    let mut wb = Workbook::new();
    write_summary_sheet(wb.add_worksheet(), h, rows, &s)?;
    write_detail_sheet(wb.add_worksheet(), rows, &s)?;
    Ok(wb.save_to_buffer()?)
}

fn write_summary_sheet(
    sheet: &mut Worksheet,
    h: &UnitSheet,
    rows: &[RegistrationRow],
    s: &SheetStyles,
) -> Result<(), OfficeError> {
    sheet.set_name("Tổng hợp")?;
    let last_col = REGISTRATION_SUMMARY_HEADERS.len() as u16 - 1;
    let title = format!("DANH SÁCH BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO NĂM {}", h.year);
    sheet.merge_range(0, 0, 0, last_col, &title, &s.title)?;
    sheet.set_row_height(0, 22)?;
    sheet.merge_range(
        1,
        0,
        1,
        last_col,
        &cell_text(h.unit_name.trim()),
        &s.subtitle,
    )?;
    let note = format!("Ngày lập: {}", domain::text::format_date(h.generated_on));
    sheet.merge_range(2, 0, 2, last_col, &note, &s.note)?;

    let head = SUMMARY_HEADER_ROW;
    for (c, name) in REGISTRATION_SUMMARY_HEADERS.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(head, c, *name, &s.head)?;
        sheet.set_column_width(c, SUMMARY_WIDTHS.get(c as usize).copied().unwrap_or(12.0))?;
    }
    sheet.set_row_height(head, 30)?;
    for (i, r) in rows.iter().enumerate() {
        let line = head + 1 + i as u32;
        sheet.write_number_with_format(line, 0, (i + 1) as f64, &s.int)?;
        write_text(sheet, line, 1, &r.member_name, &s.text)?;
        write_text(sheet, line, 2, &r.unit_name, &s.wrap)?;
        write_text(sheet, line, 3, &r.positions, &s.wrap)?;
        write_text(sheet, line, 4, &r.status_label, &s.text)?;
        write_date(sheet, line, 5, r.submitted_on, s)?;
        let on_time = match r.on_time {
            Some(true) => "Có",
            Some(false) => "Không",
            None => "",
        };
        write_text(sheet, line, 6, on_time, &s.center)?;
        sheet.write_number_with_format(line, 7, r.items.len() as f64, &s.int)?;
        let flagged = r.items.iter().filter(|i| has_flags(i)).count();
        sheet.write_number_with_format(line, 8, flagged as f64, &s.int)?;
        match r.result_percent.filter(|p| p.is_finite()) {
            Some(p) => {
                sheet.write_number_with_format(line, 9, p, &s.percent)?;
            }
            None => {
                sheet.write_blank(line, 9, &s.percent)?;
            }
        }
        write_text(
            sheet,
            line,
            10,
            r.suggested_rating.as_deref().unwrap_or_default(),
            &s.text,
        )?;
        write_text(
            sheet,
            line,
            11,
            r.rating.as_deref().unwrap_or_default(),
            &s.text,
        )?;
    }
    sheet.set_freeze_panes(head + 1, 0)?;
    sheet.autofilter(head, 0, head + rows.len() as u32, last_col)?;
    sheet.set_paper_size(9); // A4
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(head, head)?;
    Ok(())
}

fn write_detail_sheet(
    sheet: &mut Worksheet,
    rows: &[RegistrationRow],
    s: &SheetStyles,
) -> Result<(), OfficeError> {
    sheet.set_name("Chi tiết")?;
    let last_col = REGISTRATION_DETAIL_HEADERS.len() as u16 - 1;
    for (c, name) in REGISTRATION_DETAIL_HEADERS.iter().enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, *name, &s.head)?;
        sheet.set_column_width(c, DETAIL_WIDTHS.get(c as usize).copied().unwrap_or(12.0))?;
    }
    sheet.set_row_height(0, 30)?;
    let mut line = 0u32;
    for r in rows {
        for (i, item) in r.items.iter().enumerate() {
            line += 1;
            write_text(sheet, line, 0, &r.member_name, &s.text)?;
            write_text(sheet, line, 1, &r.unit_name, &s.wrap)?;
            sheet.write_number_with_format(line, 2, (i + 1) as f64, &s.int)?;
            write_text(sheet, line, 3, &item.content, &s.wrap)?;
            write_text(sheet, line, 4, &item.duty, &s.wrap)?;
            write_text(sheet, line, 5, &item.target, &s.wrap)?;
            write_date(sheet, line, 6, item.deadline, s)?;
            let flags: Vec<&str> = item
                .flags
                .iter()
                .map(|f| f.trim())
                .filter(|f| !f.is_empty())
                .collect();
            write_text(sheet, line, 7, &flags.join("; "), &s.wrap)?;
            write_text(
                sheet,
                line,
                8,
                item.midyear.as_deref().unwrap_or_default(),
                &s.text,
            )?;
            write_text(
                sheet,
                line,
                9,
                item.yearend.as_deref().unwrap_or_default(),
                &s.text,
            )?;
            write_text(
                sheet,
                line,
                10,
                item.assessed.as_deref().unwrap_or_default(),
                &s.text,
            )?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, line, last_col)?;
    sheet.set_paper_size(9);
    sheet.set_landscape();
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 0)?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn clean_drops_what_xml_cannot_hold() {
        assert_eq!(clean("a\u{0}b\u{1}c\u{b}d\u{FFFF}"), "abcd");
        assert_eq!(clean("x\r\ny\rz\tw"), "x\ny\nz\tw");
        // NFD "Nguyễn" becomes NFC.
        assert_eq!(clean("Nguye\u{302}\u{303}n"), "Nguyễn");
    }

    #[test]
    fn result_prefers_the_latest_assessment() {
        let mut item = PrintItem {
            content: String::new(),
            duty: String::new(),
            target: String::new(),
            deadline: None,
            evidence: String::new(),
            midyear: Some("Đang thực hiện".into()),
            yearend: None,
            assessed: None,
            flags: vec![],
        };
        assert_eq!(item.result(), "Đang thực hiện");
        item.yearend = Some("Hoàn thành".into());
        assert_eq!(item.result(), "Hoàn thành");
        item.assessed = Some("Không hoàn thành".into());
        assert_eq!(item.result(), "Không hoàn thành");
    }

    #[test]
    fn item_columns_fill_the_text_width() {
        assert_eq!(ITEM_COLUMNS.iter().map(|(_, w)| w).sum::<u32>(), TEXT_W);
    }

    #[test]
    fn long_text_is_cut_to_a_cell() {
        let long = "a".repeat(40_000);
        let cut = cell_text(&long);
        assert_eq!(cut.chars().count(), XLSX_MAX_CELL_CHARS);
        assert!(cut.ends_with('…'));
    }
}
