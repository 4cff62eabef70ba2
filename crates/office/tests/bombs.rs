//! Files built to exhaust memory ("zip bombs", huge cells, millions of invalid rows) are refused with a
//! Vietnamese message before anything big is built, while real province-size files still import.
//! The packages are written by hand (local headers, central directory) so that declared sizes can lie
//! and gigabytes of content cost only a few megabytes to build.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use flate2::{Compress, Compression, FlushCompress};
use office::OfficeError;

// ---------------------------------------------------------------------------------------------------
// Building packages

fn crc_table() -> [u32; 256] {
    let mut t = [0u32; 256];
    for (i, slot) in t.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    t
}

/// CRC-32 (IEEE) continued over `data`; start from 0.
fn crc32(crc: u32, data: &[u8]) -> u32 {
    let t = crc_table();
    let mut c = !crc;
    for &b in data {
        c = t[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    !c
}

/// Raw deflate of `data` by a fresh compressor; `last` ends the stream.
fn deflate(data: &[u8], last: bool) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    let flush = if last {
        FlushCompress::Finish
    } else {
        FlushCompress::Sync
    };
    loop {
        let before = c.total_in() as usize;
        out.reserve(64 * 1024);
        c.compress_vec(&data[before..], &mut out, flush).unwrap();
        if c.total_in() as usize == data.len() && out.capacity() > out.len() {
            break;
        }
    }
    out
}

/// One part of a package: its deflated bytes, the size and CRC its headers declare.
struct Part {
    name: String,
    deflated: Vec<u8>,
    size: u64,
    crc: u32,
}

impl Part {
    fn new(name: &str, content: &[u8]) -> Part {
        Part {
            name: name.to_string(),
            deflated: deflate(content, true),
            size: content.len() as u64,
            crc: crc32(0, content),
        }
    }

    /// `prefix`, then `unit` `times` times, then `suffix`, deflated without ever holding the whole:
    /// each piece is compressed alone and the compressed pieces are repeated. The CRC is computed only
    /// when asked (it costs a pass over the whole content).
    fn repeated(
        name: &str,
        prefix: &str,
        unit: &[u8],
        times: usize,
        suffix: &str,
        crc: bool,
    ) -> Part {
        let mut deflated = deflate(prefix.as_bytes(), false);
        let unit_z = deflate(unit, false);
        for _ in 0..times {
            deflated.extend_from_slice(&unit_z);
        }
        deflated.extend(deflate(suffix.as_bytes(), true));
        let mut c = 0;
        if crc {
            c = crc32(c, prefix.as_bytes());
            for _ in 0..times {
                c = crc32(c, unit);
            }
            c = crc32(c, suffix.as_bytes());
        }
        Part {
            name: name.to_string(),
            deflated,
            size: (prefix.len() + unit.len() * times + suffix.len()) as u64,
            crc: c,
        }
    }

    fn declaring(mut self, size: u64) -> Part {
        self.size = size;
        self
    }
}

fn package(parts: &[Part]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for p in parts {
        let offset = out.len() as u32;
        let header = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central_dir {
                h.extend(20u16.to_le_bytes()); // version made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(8u16.to_le_bytes()); // deflate
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(p.crc.to_le_bytes());
            h.extend((p.deflated.len() as u32).to_le_bytes());
            h.extend((p.size as u32).to_le_bytes());
            h.extend((p.name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central_dir {
                h.extend([0u8; 6]); // comment length, disk, internal attributes
                h.extend(0u32.to_le_bytes()); // external attributes
                h.extend(offset.to_le_bytes());
            }
            h.extend(p.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&p.deflated);
        central.extend(header(0x0201_4b50, true));
    }
    let dir_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((parts.len() as u16).to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(dir_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

const NS: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The parts every workbook needs besides its sheet and shared strings.
fn skeleton() -> Vec<Part> {
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let workbook = format!(
        r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let wb_rels = format!(
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    vec![
        Part::new("[Content_Types].xml", types.as_bytes()),
        Part::new("_rels/.rels", rels.as_bytes()),
        Part::new("xl/workbook.xml", workbook.as_bytes()),
        Part::new("xl/_rels/workbook.xml.rels", wb_rels.as_bytes()),
    ]
}

/// The member header as inline strings on row 1.
fn header_row() -> String {
    let cells: String = office::MEMBER_HEADERS
        .iter()
        .enumerate()
        .map(|(i, h)| {
            format!(
                r#"<c r="{}1" t="inlineStr"><is><t>{h}</t></is></c>"#,
                (b'A' + i as u8) as char
            )
        })
        .collect();
    format!(r#"<row r="1">{cells}</row>"#)
}

fn sheet_open() -> String {
    format!(r#"<worksheet xmlns="{NS}"><sheetData>{}"#, header_row())
}

const SHEET_CLOSE: &str = "</sheetData></worksheet>";

/// The probe's 22 KB file: one shared string of 20 MB, referenced by the name cell of 100 rows.
fn shared_string_bomb() -> Vec<u8> {
    let mut parts = skeleton();
    let rows: String = (2..=101)
        .map(|r| format!(r#"<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>P7</t></is></c><c r="B{r}" t="s"><v>0</v></c></row>"#))
        .collect();
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{rows}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::repeated(
        "xl/sharedStrings.xml",
        &format!(r#"<sst xmlns="{NS}" count="100" uniqueCount="1"><si><t>"#),
        &[b'A'; 1024 * 1024],
        20,
        "</t></si></sst>",
        true,
    ));
    package(&parts)
}

/// The probe's 2 MB file: 2 GB of whitespace in the sheet (declared honestly unless `declared` says).
fn whitespace_bomb(declared: Option<u64>) -> Vec<u8> {
    let mut parts = skeleton();
    let sheet = Part::repeated(
        "xl/worksheets/sheet1.xml",
        &sheet_open(),
        &[b' '; 1024 * 1024],
        2048,
        SHEET_CLOSE,
        false,
    );
    parts.push(match declared {
        Some(n) => sheet.declaring(n),
        None => sheet,
    });
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(r#"<sst xmlns="{NS}" count="0" uniqueCount="0"></sst>"#).as_bytes(),
    ));
    package(&parts)
}

/// A small, honest workbook written the same way: proves the bombs are refused for their size, not
/// because the hand-made package is unreadable.
fn honest_workbook() -> Vec<u8> {
    let mut parts = skeleton();
    let row = r#"<row r="2"><c r="A2" t="inlineStr"><is><t>P7-CB1</t></is></c><c r="B2" t="s"><v>0</v></c><c r="E2" t="inlineStr"><is><t>79012345</t></is></c></row>"#;
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{row}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(
            r#"<sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>Nguyễn Thị Thu Hà</t></si></sst>"#
        )
        .as_bytes(),
    ));
    package(&parts)
}

fn province_members(n: usize) -> Vec<office::MemberRow> {
    (0..n)
        .map(|i| office::MemberRow {
            line: i + 2,
            unit_code: format!("P7-X{}-CB{}", i % 120, i % 1500),
            full_name: format!("Nguyễn Thị Thu Hà {i}"),
            birth_date: Some(d(
                1960 + (i % 30) as i32,
                1 + (i % 12) as u32,
                1 + (i % 28) as u32,
            )),
            gender: Some(domain::Gender::Female),
            card_number: Some(format!("{:08}", 10_000_000 + i)),
            citizen_id: Some(format!("0831{i:08}")),
            joined_on: Some(d(2010, 2, 3)),
            official_on: Some(d(2011, 2, 3)),
            positions: vec!["Bí thư Chi bộ".into(), "Tổ trưởng tổ dân phố".into()],
            phone: Some(format!("09{i:08}")),
            since: Some(d(2020, 8, 15)),
        })
        .collect()
}

fn refusal(bytes: &[u8]) -> OfficeError {
    match office::parse_members("bom.xlsx", bytes, today()) {
        Ok(p) => panic!("accepted: {} rows, {} errors", p.rows.len(), p.errors.len()),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------------
// XLSX

#[test]
fn the_hand_made_package_is_readable() {
    let p = office::parse_members("ok.xlsx", &honest_workbook(), today()).unwrap();
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].full_name, "Nguyễn Thị Thu Hà");
}

#[test]
fn a_20_mb_shared_string_in_a_22_kb_file_is_refused() {
    let bytes = shared_string_bomb();
    assert!(bytes.len() < 40_000, "the bomb is {} bytes", bytes.len());
    let e = refusal(&bytes);
    assert!(matches!(e, OfficeError::CellTooLong { .. }), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Ô quá dài (hơn 32.767 ký tự, Excel cho phép tối đa 32.767)"
    );
    // The same through every reader of outside files.
    assert!(matches!(
        office::read_table("x.xlsx", &bytes),
        Err(OfficeError::CellTooLong { .. })
    ));
    assert!(matches!(
        office::parse_units("x.xlsx", &bytes),
        Err(OfficeError::CellTooLong { .. })
    ));
    assert!(matches!(
        office::parse_marks("x.xlsx", &bytes),
        Err(OfficeError::CellTooLong { .. })
    ));
}

#[test]
fn a_cell_just_over_excels_limit_is_refused_with_its_place() {
    // 40.000 characters: under the XML scan's byte cap, so the reader's own count finds it.
    let mut parts = skeleton();
    let long = "ơ".repeat(40_000);
    let row = format!(
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>P7</t></is></c><c r="B2" t="inlineStr"><is><t>{long}</t></is></c></row>"#
    );
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{row}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(r#"<sst xmlns="{NS}"/>"#).as_bytes(),
    ));
    let e = refusal(&package(&parts));
    assert_eq!(
        e.to_string(),
        "Ô quá dài (40.000 ký tự, Excel cho phép tối đa 32.767) ở dòng 2, cột B"
    );
    // Exactly 32.767 characters is fine.
    let mut parts = skeleton();
    let row = format!(
        r#"<row r="2"><c r="A2" t="inlineStr"><is><t>P7</t></is></c><c r="B2" t="inlineStr"><is><t>{}</t></is></c><c r="E2" t="inlineStr"><is><t>1</t></is></c></row>"#,
        "ơ".repeat(32_767)
    );
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{row}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(r#"<sst xmlns="{NS}"/>"#).as_bytes(),
    ));
    let t = office::read_table("x.xlsx", &package(&parts)).unwrap();
    assert_eq!(t.rows[0].cells[1].chars().count(), 32_767);
}

#[test]
fn two_gigabytes_of_whitespace_in_a_2_mb_file_are_refused_from_the_directory() {
    let bytes = whitespace_bomb(None);
    assert!(bytes.len() < 4_000_000, "the bomb is {} bytes", bytes.len());
    let e = refusal(&bytes);
    assert!(matches!(e, OfficeError::Unpacked(400)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("Tệp quá lớn sau khi giải nén (giới hạn 400 MB)"),
        "{e}"
    );
}

#[test]
fn whitespace_with_a_lying_declared_size_is_caught_while_inflating() {
    // Declared as 300 MB (under the part limit): passes the directory check; the scan stops at the
    // first megabyte of blanks, long before the real size is known.
    let e = refusal(&whitespace_bomb(Some(300 * 1024 * 1024)));
    assert!(matches!(e, OfficeError::Xlsx(_)), "{e:?}");
    assert!(e.to_string().starts_with("Không đọc được tệp Excel"), "{e}");
}

#[test]
fn a_lying_declared_size_is_caught_by_counting() {
    // 110.000 ordinary strings of 1.000 characters (≈ 112 MB) declared as 1 KB: every string and tag is
    // normal, only the real size passes the shared-strings cap.
    let mut parts = skeleton();
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    let one = format!("<si><t>{}</t></si>", "a".repeat(1000));
    let mut unit = Vec::new();
    for _ in 0..1000 {
        unit.extend_from_slice(one.as_bytes());
    }
    parts.push(
        Part::repeated(
            "xl/sharedStrings.xml",
            &format!(r#"<sst xmlns="{NS}">"#),
            &unit,
            100,
            "</sst>",
            false,
        )
        .declaring(1000),
    );
    let bytes = package(&parts);
    let e = refusal(&bytes);
    // Refused while inflating: by the counting reader, or (first, with zip ≥ 2) by the zip reader's own
    // check of the declared size — either way before the strings reach calamine.
    assert!(
        matches!(e, OfficeError::Unpacked(100) | OfficeError::Xlsx(_)),
        "{e:?}"
    );
    assert!(office::check_zip(&bytes).is_err());
    // Declared honestly, the same part is refused by its size alone.
    let mut honest = skeleton();
    honest.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    honest.push(Part::repeated(
        "xl/sharedStrings.xml",
        &format!(r#"<sst xmlns="{NS}">"#),
        &unit,
        110,
        "</sst>",
        false,
    ));
    assert!(matches!(
        refusal(&package(&honest)),
        OfficeError::Unpacked(100)
    ));
}

#[test]
fn a_huge_unique_count_is_refused_before_the_reader_reserves_it() {
    let mut parts = skeleton();
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(r#"<sst xmlns="{NS}" count="1" uniqueCount="2000000000"><si><t>a</t></si></sst>"#)
            .as_bytes(),
    ));
    let e = refusal(&package(&parts));
    assert!(matches!(e, OfficeError::TooManyStrings(_)), "{e:?}");
}

#[test]
fn too_many_parts_are_refused() {
    let mut parts = skeleton();
    for i in 0..office::MAX_ZIP_ENTRIES {
        parts.push(Part::new(&format!("xl/media/x{i}.bin"), b"x"));
    }
    assert!(matches!(
        refusal(&package(&parts)),
        OfficeError::TooManyParts(_)
    ));
}

#[test]
fn a_normal_5000_row_workbook_still_imports() {
    let bytes = office::members_xlsx(&province_members(5000)).unwrap();
    let stats = office::check_zip(&bytes).unwrap();
    assert_eq!(stats.rows, 5001);
    assert!(stats.cells >= 5000 * 11, "{stats:?}");
    let p = office::parse_members("danh-sach.xlsx", &bytes, today()).unwrap();
    assert!(
        p.errors.is_empty(),
        "{:?}",
        &p.errors[..p.errors.len().min(3)]
    );
    assert_eq!(p.rows.len(), 5000);
    assert_eq!(p.rows[4999].full_name, "Nguyễn Thị Thu Hà 4999");
    assert_eq!(p.rows[4999].line, 5001);
}

#[test]
fn rows_out_of_order_are_refused_not_misread() {
    let mut parts = skeleton();
    let rows = r#"<row r="3"><c r="A3" t="inlineStr"><is><t>P7</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>P7</t></is></c></row>"#;
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{rows}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(Part::new(
        "xl/sharedStrings.xml",
        format!(r#"<sst xmlns="{NS}"/>"#).as_bytes(),
    ));
    assert!(matches!(refusal(&package(&parts)), OfficeError::Xlsx(_)));
}

/// The honest workbook with `styles` as its `xl/styles.xml`.
fn with_styles(styles: Part) -> Vec<u8> {
    let mut parts = skeleton();
    parts.push(Part::new(
        "xl/worksheets/sheet1.xml",
        format!("{}{SHEET_CLOSE}", sheet_open()).as_bytes(),
    ));
    parts.push(styles);
    package(&parts)
}

/// One number format of 1 MB and 10.000 cell formats using it: ≈ 1 MB of XML, a few KB zipped, and
/// 10 GB once calamine has given every cell format its own copy of the format code.
fn styles_bomb() -> Vec<u8> {
    let prefix = format!(
        r#"<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{}"/></numFmts><fonts count="1"><font><name val="Calibri"/></font></fonts><cellXfs count="10000">"#,
        "0".repeat(1_000_000)
    );
    with_styles(Part::repeated(
        "xl/styles.xml",
        &prefix,
        &br#"<xf numFmtId="164" fontId="0"/>"#.repeat(100),
        100,
        "</cellXfs></styleSheet>",
        true,
    ))
}

#[test]
fn a_styles_bomb_is_refused_before_calamine_copies_it() {
    let bytes = styles_bomb();
    assert!(bytes.len() < 100_000, "the bomb is {} bytes", bytes.len());
    let e = refusal(&bytes);
    assert!(matches!(e, OfficeError::TooComplex(_)), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("Tệp Excel quá phức tạp: một thẻ trong phần định dạng ô"),
        "{e}"
    );
    // Format codes under the tag cap, but 60.000 cell formats each copying 3 KB (180 MB): refused by
    // the copies they would cost.
    let prefix = format!(
        r#"<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="{}"/></numFmts><cellXfs>"#,
        "0".repeat(3_000)
    );
    let e = refusal(&with_styles(Part::repeated(
        "xl/styles.xml",
        &prefix,
        br#"<xf numFmtId="164"/>"#,
        60_000,
        "</cellXfs></styleSheet>",
        true,
    )));
    assert_eq!(
        e.to_string(),
        "Tệp Excel quá phức tạp: phần định dạng ô (styles.xml) có định dạng số hoặc tên phông chữ quá dài; hãy mở bằng Excel, xóa định dạng hoặc tên thừa rồi lưu lại dạng .xlsx"
    );
    // More cell formats than Excel allows.
    let e = refusal(&with_styles(Part::repeated(
        "xl/styles.xml",
        &format!(r#"<styleSheet xmlns="{NS}"><cellXfs>"#),
        b"<xf numFmtId=\"0\"/>",
        office::MAX_STYLE_FORMATS as usize + 1,
        "</cellXfs></styleSheet>",
        true,
    )));
    assert!(
        e.to_string()
            .contains("quá nhiều định dạng ô (tối đa 64.000)"),
        "{e}"
    );
    // A real styles part with a long Vietnamese format, many formats and a font is read.
    let prefix = format!(
        r##"<styleSheet xmlns="{NS}"><numFmts count="1"><numFmt numFmtId="164" formatCode="#,##0 &quot;đồng&quot;"/></numFmts><fonts count="1"><font><sz val="11"/><name val="Times New Roman"/></font></fonts><cellXfs>"##
    );
    let ok = with_styles(Part::repeated(
        "xl/styles.xml",
        &prefix,
        br#"<xf numFmtId="164" fontId="0"/>"#,
        2_000,
        "</cellXfs></styleSheet>",
        true,
    ));
    assert!(office::read_table("x.xlsx", &ok).is_ok());
    // Styles bigger than the small-part cap are refused by size.
    let e = refusal(&with_styles(Part::repeated(
        "xl/styles.xml",
        &format!(r#"<styleSheet xmlns="{NS}"><dxfs>"#),
        &br#"<dxf><font><b/></font></dxf>"#.repeat(1000),
        400,
        "</dxfs></styleSheet>",
        false,
    )));
    assert!(matches!(e, OfficeError::Unpacked(8)), "{e:?}");
}

#[test]
fn a_workbook_part_with_too_many_names_or_sheets_is_refused() {
    let workbook = |body: &[u8], times: usize| {
        let mut parts = skeleton();
        parts.retain(|p| p.name != "xl/workbook.xml");
        parts.push(Part::repeated(
            "xl/workbook.xml",
            &format!(
                r#"<workbook xmlns="{NS}" xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets><definedNames>"#
            ),
            body,
            times,
            "</definedNames></workbook>",
            true,
        ));
        parts.push(Part::new(
            "xl/worksheets/sheet1.xml",
            format!("{}{SHEET_CLOSE}", sheet_open()).as_bytes(),
        ));
        package(&parts)
    };
    let name = br#"<definedName name="x">Sheet1!$A$1</definedName>"#;
    let e = refusal(&workbook(name, office::MAX_DEFINED_NAMES as usize + 1));
    assert!(matches!(e, OfficeError::TooComplex(_)), "{e:?}");
    assert!(
        e.to_string()
            .contains("quá nhiều tên được đặt (Name Manager) (tối đa 10.000)"),
        "{e}"
    );
    assert!(office::read_table("x.xlsx", &workbook(name, 500)).is_ok());
    // Sheets (each copies its part's path), and relationships.
    let sheet = br#"<sheet name="S" sheetId="2" r:id="rId1"/>"#;
    let e = refusal(&workbook(sheet, office::MAX_SHEETS as usize));
    assert!(
        e.to_string()
            .contains("quá nhiều trang tính (tối đa 1.000)"),
        "{e}"
    );
    // A tag longer than the workbook structure ever needs.
    let long = format!(
        r#"<definedName name="{}">A</definedName>"#,
        "x".repeat(20_000)
    );
    let e = refusal(&workbook(long.as_bytes(), 1));
    assert!(e.to_string().contains("phần cấu trúc sổ tính"), "{e}");
    let mut parts = skeleton();
    parts.retain(|p| p.name != "xl/_rels/workbook.xml.rels");
    parts.push(Part::repeated(
        "xl/_rels/workbook.xml.rels",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        format!(
            r#"<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>"#
        )
        .as_bytes(),
        office::MAX_RELATIONSHIPS as usize + 1,
        "</Relationships>",
        true,
    ));
    let e = refusal(&package(&parts));
    assert!(e.to_string().contains("quá nhiều liên kết nội bộ"), "{e}");
}

#[test]
fn more_rows_than_an_excel_sheet_holds_name_that_limit() {
    let mut parts = skeleton();
    parts.push(Part::repeated(
        "xl/worksheets/sheet1.xml",
        &sheet_open(),
        b"<row/>",
        office::MAX_SHEET_ROWS as usize,
        SHEET_CLOSE,
        true,
    ));
    let e = refusal(&package(&parts));
    assert!(matches!(e, OfficeError::TooManySheetRows(_)), "{e:?}");
    assert_eq!(
        e.to_string(),
        "Tệp Excel có quá nhiều dòng (hơn 1.048.576 dòng trong các trang tính, giới hạn của Excel); hãy chia thành nhiều tệp"
    );
}

// ---------------------------------------------------------------------------------------------------
// CSV

#[test]
fn a_csv_of_300_000_invalid_rows_gives_a_bounded_error_list() {
    // Every row lacks a name and an identifier: two errors a row, 600.000 in all.
    let mut s = String::from(MEMBER_HEADER);
    for _ in 0..300_000 {
        s.push_str("\nP7");
    }
    let p = office::parse_members("x.csv", s.as_bytes(), today()).unwrap();
    assert!(p.rows.is_empty());
    assert_eq!(p.errors.len(), office::MAX_ROW_ERRORS + 1);
    assert_eq!(p.errors[0].line, 2);
    assert_eq!(p.errors[199].line, 101);
    let last = &p.errors[200];
    assert_eq!(last.line, 102);
    assert_eq!(
        last.message,
        "… và 599.800 lỗi khác (chỉ liệt kê 200 lỗi đầu tiên; hãy sửa rồi kiểm tra lại)"
    );
    // Units and marks keep the same bound.
    let mut s = String::from(UNIT_HEADER);
    for _ in 0..10_000 {
        s.push_str("\nx,,");
    }
    let p = office::parse_units("u.csv", s.as_bytes()).unwrap();
    assert_eq!(p.errors.len(), office::MAX_ROW_ERRORS + 1);
    let mut s = String::from("Mã đảng viên,Trạng thái");
    for _ in 0..10_000 {
        s.push_str("\nx,y");
    }
    let p = office::parse_marks("m.csv", s.as_bytes()).unwrap();
    assert_eq!(p.errors.len(), office::MAX_ROW_ERRORS + 1);
    assert!(
        p.errors[200].message.contains("19.800 lỗi khác"),
        "{}",
        p.errors[200]
    );
}

#[test]
fn more_rows_than_an_import_may_hold_are_refused() {
    let mut s = String::from(MEMBER_HEADER);
    for _ in 0..=office::MAX_IMPORT_ROWS {
        s.push_str("\nP7");
    }
    let e = office::parse_members("x.csv", s.as_bytes(), today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Tệp có quá nhiều dòng (tối đa 300.000 dòng dữ liệu mỗi lần nhập); hãy chia thành nhiều tệp"
    );
    // Exactly the limit is accepted.
    let mut s = String::from(MEMBER_HEADER);
    for _ in 0..office::MAX_IMPORT_ROWS {
        s.push_str("\nP7");
    }
    assert!(office::parse_members("x.csv", s.as_bytes(), today()).is_ok());
}

/// 30 MB of commas on one line: 30 million empty cells if every cell were kept.
fn comma_line() -> Vec<u8> {
    let mut s = String::from(MEMBER_HEADER);
    s.push_str("\nP7,Nguyễn Văn A");
    s.push_str(&",".repeat(30 * 1024 * 1024));
    s.push_str("\nP7,Trần Thị B,,,79012345\n");
    s.into_bytes()
}

#[test]
fn a_30_mb_line_of_commas_keeps_only_the_columns_an_import_reads() {
    let t = office::read_table("x.csv", &comma_line()).unwrap();
    assert_eq!(t.rows.len(), 2);
    assert_eq!(t.rows[0].cells.len(), 1024);
    assert_eq!(t.rows[0].cells[1], "Nguyễn Văn A");
    assert_eq!(t.rows[1].cells[1], "Trần Thị B");
    // The member import reads it: one row lacks its identifiers, the next is fine.
    let p = office::parse_members("x.csv", &comma_line(), today()).unwrap();
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].full_name, "Trần Thị B");
}

#[test]
fn a_csv_of_many_empty_cells_counts_them_in_the_text_budget() {
    // 300.000 rows of 40 cells, all but one empty: little text, but 12 million `String`s.
    let mut s = String::from("a");
    let line = format!("\nx{}", ",".repeat(39));
    for _ in 0..office::MAX_IMPORT_ROWS {
        s.push_str(&line);
    }
    let e = office::read_table("x.csv", s.as_bytes()).unwrap_err();
    assert!(matches!(e, OfficeError::TooMuchText(64)), "{e:?}");
}

#[test]
fn a_csv_cell_longer_than_excel_allows_is_refused_with_its_place() {
    let name = "a".repeat(office::MAX_CELL_CHARS + 1);
    let bytes = csv(MEMBER_HEADER, &[GOOD, &member(&[(1, &name)])]);
    let e = office::parse_members("x.csv", &bytes, today()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Ô quá dài (32.768 ký tự, Excel cho phép tối đa 32.767) ở dòng 3, cột B"
    );
    let name = "a".repeat(office::MAX_CELL_CHARS);
    let bytes = csv(MEMBER_HEADER, &[&member(&[(1, &name)])]);
    assert!(office::parse_members("x.csv", &bytes, today()).is_ok());
}

// ---------------------------------------------------------------------------------------------------
// Memory, at process level

/// Address space given to the child process. The naive read of the 22 KB bomb needs ≈ 2 GB and dies
/// under it (checked below, so the limit cannot silently become too generous); the bounded read
/// stays far below.
const CHILD_ADDRESS_SPACE_KB: u64 = 600 * 1024;

/// Runs `mode` of [`child`] on `file` in a fresh copy of this test binary under the address-space limit.
fn run_child(mode: &str, file: &std::path::Path) -> (bool, String) {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {CHILD_ADDRESS_SPACE_KB} && exec \"$0\" \"$@\""
        ))
        .arg(exe)
        .args([
            "child",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("OFFICE_BOMB_MODE", mode)
        .env("OFFICE_BOMB_FILE", file)
        .env("MALLOC_ARENA_MAX", "2")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn the_bomb_is_refused_under_a_600_mb_address_space_limit() {
    let dir = std::env::temp_dir().join(format!("office-bomb-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bom.xlsx");
    std::fs::write(&file, shared_string_bomb()).unwrap();
    let (ok, text) = run_child("bounded", &file);
    assert!(ok, "{text}");
    assert!(text.contains("REFUSED Ô quá dài"), "{text}");
    // The naive read (every cell's text copied, as before the limits) does not survive the same limit.
    let (ok, text) = run_child("naive", &file);
    assert!(!ok && !text.contains("NAIVE READ"), "{text}");
    // The styles bomb: refused; opened as is, calamine's copies of the format do not fit.
    let styles = dir.join("styles.xlsx");
    std::fs::write(&styles, styles_bomb()).unwrap();
    let (ok, text) = run_child("bounded", &styles);
    assert!(ok, "{text}");
    assert!(text.contains("REFUSED Tệp Excel quá phức tạp"), "{text}");
    let (ok, text) = run_child("naive", &styles);
    assert!(!ok && !text.contains("NAIVE READ"), "{text}");
    // 30 MB of commas in a CSV: read within the limit (30 million cells would need ≈ 720 MB).
    let commas = dir.join("phay.csv");
    std::fs::write(&commas, comma_line()).unwrap();
    let (ok, text) = run_child("bounded", &commas);
    assert!(ok, "{text}");
    assert!(text.contains("ACCEPTED 1 rows"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Child process of the test above (does nothing unless started by it).
#[test]
#[ignore]
fn child() {
    let (Ok(mode), Ok(file)) = (
        std::env::var("OFFICE_BOMB_MODE"),
        std::env::var("OFFICE_BOMB_FILE"),
    ) else {
        return;
    };
    let bytes = std::fs::read(&file).unwrap();
    let name = std::path::Path::new(&file)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    if mode == "naive" {
        let mut wb: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(&bytes)).unwrap();
        let mut reader = wb.worksheet_cells_reader("Sheet1").unwrap();
        let mut cells = Vec::new();
        while let Some(cell) = reader.next_cell().unwrap() {
            let text = match cell.get_value() {
                calamine::DataRef::SharedString(s) => s.to_string(),
                calamine::DataRef::String(s) => s.clone(),
                other => format!("{other:?}"),
            };
            cells.push(text);
        }
        println!("NAIVE READ {} cells", cells.len());
        return;
    }
    match office::parse_members(&name, &bytes, today()) {
        Ok(p) => println!("ACCEPTED {} rows", p.rows.len()),
        Err(e) => println!("REFUSED {e}"),
    }
}

/// Prints what a province-size member file needs once unpacked (the limits in office/src/bounds.rs
/// are set well above these figures):
/// `cargo test -p office --release --test bombs measure -- --ignored --nocapture`
#[test]
#[ignore]
fn measure_province_file() {
    let bytes = office::members_xlsx(&province_members(200_000)).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    println!("200.000 rows: {:.1} MB zipped", bytes.len() as f64 / 1e6);
    for i in 0..zip.len() {
        let f = zip.by_index(i).unwrap();
        println!("  {:40} {:>12} bytes", f.name().unwrap(), f.size());
    }
    println!("{:?}", office::check_zip(&bytes).unwrap());
}
