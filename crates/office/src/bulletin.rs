//! The printable notice of a loudspeaker bulletin (DOCX with a QR code to the unit's public page),
//! and the QR code itself as PNG.
//!
//! The Word package reuses the hand-written OOXML helpers of [`crate::registrations`] (schema-ordered
//! runs, paragraphs and tables, the same styles, settings, font table and theme) and adds one inline
//! picture, `word/media/qr.png`.

use std::io::{Cursor, Write};

use domain::bulletin::Bulletin;
use image::{ExtendedColorType, ImageEncoder};
use qrcode::{Color, QrCode};

use crate::registrations::{
    clean, place_date_line, push_blank, push_escaped, push_para, push_table, styles_xml, Cell,
    Look, Para, TableSpec, APP_XML, BOLD, CENTER, FONT_TABLE_XML, ITALIC, JUSTIFY, LEFT, MARGIN,
    MARGIN_LEFT, PAGE_H, PAGE_W, PLAIN, ROOT_RELS_XML, R_NS, SETTINGS_XML, SMALL, TEXT_W,
    THEME_XML, TITLE, W_NS,
};
use crate::OfficeError;

/// Light modules around the code, as the QR specification requires.
const QUIET_ZONE: usize = 4;
/// Largest pixel size of one module [`qr_png`] draws (larger scales are drawn at this one).
const MAX_SCALE: u32 = 32;
/// Pixels per module of the code in the notice.
const DOCX_QR_SCALE: u32 = 8;
/// Printed size of the code: 3,5 cm in EMU (360 000 per cm).
const QR_EMU: u32 = 1_260_000;

const WP_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC_NS: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";

/// The QR code of `url` as a grayscale PNG: black modules on white, `scale` pixels per module
/// (1 to 32; 0 counts as 1), with a quiet zone of four modules on every side. A code of `n`
/// modules gives a square image of `(n + 8) × scale` pixels.
pub fn qr_png(url: &str, scale: u32) -> Result<Vec<u8>, OfficeError> {
    let code = QrCode::new(url.as_bytes()).map_err(|e| {
        OfficeError::Docx(format!(
            "không tạo được mã QR cho địa chỉ này (địa chỉ quá dài hoặc không hợp lệ: {e})"
        ))
    })?;
    let scale = scale.clamp(1, MAX_SCALE) as usize;
    let modules = code.width();
    let colors = code.to_colors();
    let side_modules = modules + 2 * QUIET_ZONE;
    let side = side_modules * scale;
    let mut pixels = vec![255u8; side * side];
    for (i, color) in colors.iter().enumerate() {
        if *color != Color::Dark {
            continue;
        }
        let (mx, my) = (i % modules + QUIET_ZONE, i / modules + QUIET_ZONE);
        for y in my * scale..(my + 1) * scale {
            let row = y * side;
            if let Some(run) = pixels.get_mut(row + mx * scale..row + (mx + 1) * scale) {
                run.fill(0);
            }
        }
    }
    let side_px = u32::try_from(side).map_err(|e| OfficeError::Docx(e.to_string()))?;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(&pixels, side_px, side_px, ExtendedColorType::L8)
        .map_err(|e| OfficeError::Docx(format!("không ghi được ảnh mã QR: {e}")))?;
    Ok(out)
}

/// Top block: the parent (upper case) and the unit (upper case, bold) on the left; the Party and
/// "{unit}, ngày dd tháng mm năm yyyy" (italic) on the right.
fn push_header_table(out: &mut String, b: &Bulletin) {
    const W: [u32; 2] = [3_900, TEXT_W - 3_900];
    let parent = clean(&b.parent_name);
    let parent = parent.trim();
    let unit = clean(&b.unit_name);
    let unit = unit.trim();
    let tight = CENTER.spacing(0, 0);
    let mut left = Cell::new(W[0]);
    if !parent.is_empty() && domain::text::fold(parent) != domain::text::fold(unit) {
        left = left.para(tight, &[(&parent.to_uppercase(), PLAIN)]);
    }
    left = left
        .para(tight, &[(&b.organ().to_uppercase(), BOLD)])
        .para(tight, &[("*", PLAIN)]);
    let party = Look {
        underline: true,
        ..BOLD
    };
    let right = Cell::new(W[1])
        .para(tight, &[("ĐẢNG CỘNG SẢN VIỆT NAM", party)])
        .para(
            CENTER.spacing(240, 0),
            &[(&place_date_line(&b.place(), b.issued_on), ITALIC)],
        );
    let spec = TableSpec {
        widths: &W,
        borders: false,
        header_rows: 0,
        cant_split: true,
    };
    push_table(out, &spec, vec![vec![left, right]]);
}

/// A centred paragraph holding the QR picture (relationship `rId6`), 3,5 cm square.
fn push_qr_picture(out: &mut String, url: &str) {
    let mut descr = String::new();
    push_escaped(&mut descr, &format!("Mã QR: {}", clean(url)));
    out.push_str(&format!(
        "<w:p><w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"0\"/><w:jc w:val=\"center\"/></w:pPr>\
         <w:r><w:drawing><wp:inline distT=\"0\" distB=\"0\" distL=\"0\" distR=\"0\">\
         <wp:extent cx=\"{QR_EMU}\" cy=\"{QR_EMU}\"/><wp:effectExtent l=\"0\" t=\"0\" r=\"0\" b=\"0\"/>\
         <wp:docPr id=\"1\" name=\"Mã QR\" descr=\"{descr}\"/>\
         <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect=\"1\"/></wp:cNvGraphicFramePr>\
         <a:graphic><a:graphicData uri=\"{PIC_NS}\"><pic:pic>\
         <pic:nvPicPr><pic:cNvPr id=\"0\" name=\"qr.png\"/><pic:cNvPicPr/></pic:nvPicPr>\
         <pic:blipFill><a:blip r:embed=\"rId6\"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>\
         <pic:spPr><a:xfrm><a:off x=\"0\" y=\"0\"/><a:ext cx=\"{QR_EMU}\" cy=\"{QR_EMU}\"/></a:xfrm>\
         <a:prstGeom prst=\"rect\"><a:avLst/></a:prstGeom></pic:spPr>\
         </pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    ));
}

fn document_xml(b: &Bulletin) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n");
    out.push_str(&format!(
        "<w:document xmlns:w=\"{W_NS}\" xmlns:r=\"{R_NS}\" xmlns:wp=\"{WP_NS}\" xmlns:a=\"{A_NS}\" \
         xmlns:pic=\"{PIC_NS}\"><w:body>"
    ));

    push_header_table(&mut out, b);
    push_blank(&mut out);

    push_para(
        &mut out,
        CENTER.spacing(120, 0),
        &[(clean(&b.title).trim(), BOLD.size(TITLE))],
    );
    push_para(
        &mut out,
        CENTER.spacing(0, 240),
        &[(clean(&b.subtitle).trim(), BOLD)],
    );

    let body = Para {
        first_line: Some(567),
        ..JUSTIFY.spacing(0, 120)
    };
    let heading = Para {
        keep_next: true,
        ..LEFT.spacing(180, 60)
    };
    push_para(&mut out, body, &[(clean(&b.opening).trim(), PLAIN)]);
    for s in &b.sections {
        let h = clean(&s.heading);
        if !h.trim().is_empty() {
            push_para(&mut out, heading, &[(h.trim(), BOLD)]);
        }
        for p in &s.paragraphs {
            push_para(&mut out, body, &[(clean(p).trim(), PLAIN)]);
        }
    }
    push_para(&mut out, body, &[(clean(&b.closing).trim(), PLAIN)]);

    if !b.portal_url.trim().is_empty() {
        push_qr_picture(&mut out, &b.portal_url);
        let caption = format!(
            "Quét mã QR để xem trên Cổng thông tin công khai: {}",
            clean(&b.portal_url).trim()
        );
        push_para(
            &mut out,
            CENTER.spacing(60, 0),
            &[(&caption, ITALIC.size(SMALL))],
        );
    }

    out.push_str(&format!(
        "<w:sectPr><w:pgSz w:w=\"{PAGE_W}\" w:h=\"{PAGE_H}\"/>\
         <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN_LEFT}\" \
         w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/>\
         <w:cols w:space=\"720\"/></w:sectPr>"
    ));
    out.push_str("</w:body></w:document>");
    out
}

const CONTENT_TYPES_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
<Default Extension=\"xml\" ContentType=\"application/xml\"/>\
<Default Extension=\"png\" ContentType=\"image/png\"/>\
<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>\
<Override PartName=\"/word/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml\"/>\
<Override PartName=\"/word/settings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml\"/>\
<Override PartName=\"/word/fontTable.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml\"/>\
<Override PartName=\"/word/theme/theme1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.theme+xml\"/>\
<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>\
<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>\
</Types>";

const DOCUMENT_RELS_XML: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n\
<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>\
<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings\" Target=\"settings.xml\"/>\
<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable\" Target=\"fontTable.xml\"/>\
<Relationship Id=\"rId5\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>\
</Relationships>";

/// The relationship of the QR picture, added before `</Relationships>` when there is one.
const QR_RELATIONSHIP: &str = "<Relationship Id=\"rId6\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/qr.png\"/>";

fn core_xml(b: &Bulletin) -> String {
    let mut title = String::new();
    push_escaped(
        &mut title,
        &format!(
            "Thông báo công khai nội dung đăng ký học tập và làm theo – {}",
            clean(&b.unit_name).trim()
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

/// Writes the parts into a zip package with a fixed time, so the same input gives the same bytes.
/// (The text-only `zip_package` of the registrations cannot hold the PNG.)
fn zip_parts(parts: &[(&str, &[u8])]) -> Result<Vec<u8>, OfficeError> {
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let err = |e: &dyn std::fmt::Display| OfficeError::Docx(e.to_string());
    for (name, content) in parts {
        zip.start_file(*name, options).map_err(|e| err(&e))?;
        zip.write_all(content).map_err(|e| err(&e))?;
    }
    let cursor = zip.finish().map_err(|e| err(&e))?;
    Ok(cursor.into_inner())
}

/// The bulletin as a Word notice to post up: A4 portrait, margins 2 cm (3 cm left), Times New Roman
/// 13 pt (title 14 pt).
///
/// * Top block (no borders): the parent (upper case) and the unit (upper case, bold) and "*" on the
///   left; "ĐẢNG CỘNG SẢN VIỆT NAM" (bold, underlined) and "Phường 7, ngày 02 tháng 4 năm 2026"
///   (italic) on the right.
/// * The title ("THÔNG BÁO") and the subtitle, centred and bold.
/// * The opening, every section (bold heading, justified paragraphs) and the closing.
/// * At the end, centred: the QR code of the portal address (`word/media/qr.png`, 3,5 cm) and
///   "Quét mã QR để xem trên Cổng thông tin công khai: {url}" (both left out without an address).
///
/// All text is NFC; characters XML cannot hold are dropped, everything else is escaped. Fails only
/// when the address is too long for a QR code.
pub fn bulletin_docx(b: &Bulletin) -> Result<Vec<u8>, OfficeError> {
    let url = b.portal_url.trim();
    let qr = if url.is_empty() {
        None
    } else {
        Some(qr_png(url, DOCX_QR_SCALE)?)
    };
    let document = document_xml(b);
    let styles = styles_xml();
    let core = core_xml(b);
    let rels = match qr {
        Some(_) => DOCUMENT_RELS_XML.replace(
            "</Relationships>",
            &format!("{QR_RELATIONSHIP}</Relationships>"),
        ),
        None => DOCUMENT_RELS_XML.to_owned(),
    };
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES_XML.as_bytes()),
        ("_rels/.rels", ROOT_RELS_XML.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
        ("docProps/app.xml", APP_XML.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/settings.xml", SETTINGS_XML.as_bytes()),
        ("word/fontTable.xml", FONT_TABLE_XML.as_bytes()),
        ("word/theme/theme1.xml", THEME_XML.as_bytes()),
    ];
    if let Some(png) = &qr {
        parts.push(("word/media/qr.png", png));
    }
    zip_parts(&parts)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn qr_has_a_quiet_zone_and_dark_modules() {
        let url = "https://lamtheo.example.vn/p7";
        let modules = QrCode::new(url.as_bytes()).unwrap().width() as u32;
        let png = qr_png(url, 2).unwrap();
        let img = image::load_from_memory(&png).unwrap().to_luma8();
        let side = img.width();
        assert_eq!(side, img.height());
        // The modules plus 2 × 4 quiet modules, 2 pixels each.
        assert_eq!(side, (modules + 8) * 2);
        // The quiet zone is white; the finder pattern's corner is black.
        assert!((0..8).all(|i| img.get_pixel(i, i).0 == [255]));
        assert_eq!(img.get_pixel(8, 8).0, [0]);
        // Scale 0 is drawn as 1.
        let small = qr_png("https://lamtheo.example.vn/p7", 0).unwrap();
        assert_eq!(
            image::load_from_memory(&small).unwrap().width(),
            modules + 8
        );
    }

    #[test]
    fn every_module_is_drawn_where_it_belongs() {
        let url = "https://lamtheo.example.vn/cong-khai/p7";
        let code = QrCode::new(url.as_bytes()).unwrap();
        let scale = 3;
        let img = image::load_from_memory(&qr_png(url, scale).unwrap())
            .unwrap()
            .to_luma8();
        let n = code.width();
        for y in 0..n {
            for x in 0..n {
                let expected = if code[(x, y)] == Color::Dark { 0 } else { 255 };
                for (dx, dy) in [(0, 0), (scale - 1, scale - 1)] {
                    let px = (x as u32 + 4) * scale + dx;
                    let py = (y as u32 + 4) * scale + dy;
                    assert_eq!(img.get_pixel(px, py).0, [expected], "module ({x}, {y})");
                }
            }
        }
    }

    #[test]
    fn too_long_an_address_is_an_error() {
        let long = "x".repeat(10_000);
        assert!(matches!(qr_png(&long, 4), Err(OfficeError::Docx(_))));
    }
}
