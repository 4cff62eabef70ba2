//! Limits on files from outside, checked before any library builds data from them.
//!
//! An XLSX file is a ZIP package of XML parts. A few kilobytes can unpack to gigabytes ("zip bomb"),
//! and the XLSX library keeps every shared string in memory while the import turns cells into owned
//! text. [`check_zip`] therefore walks the package once, before calamine opens it:
//!
//! 1. the central directory: at most [`MAX_ZIP_ENTRIES`] parts, no duplicate names, no declared
//!    uncompressed size above [`MAX_ENTRY_UNPACKED`] (or [`MAX_SHARED_STRINGS_UNPACKED`] for the shared
//!    strings, which are held in memory) and no declared total above [`MAX_TOTAL_UNPACKED`];
//! 2. every part is inflated through a counting reader into a small reused buffer (never kept), which
//!    stops as soon as the real size passes the same caps — declared sizes can lie;
//! 3. the XML parts are scanned on the fly, byte by byte: no tag and no text run longer than
//!    [`MAX_XML_RUN`] (the XML reader buffers one of them at a time), no cell or shared string whose
//!    XML is longer than [`MAX_CELL_XML`], at most [`MAX_SHARED_STRINGS`] shared strings (also as
//!    declared in `uniqueCount`, which the reader reserves up front), [`MAX_SHEET_ROWS`] rows and
//!    [`MAX_XLSX_CELLS`] cells;
//! 4. the parts calamine reads whole and turns into structures when it opens a workbook — the styles,
//!    the workbook part, its relationships and the theme — are held to [`MAX_SMALL_PART_UNPACKED`].
//!    In the styles no tag may pass [`MAX_STYLE_TAG`] (Excel: 255 characters per number format, 31 per
//!    font name), there are at most [`MAX_STYLE_FORMATS`] `<xf>` (Excel's own limit), and the text
//!    calamine copies into every `<xf>` (its number format and font name) stays under
//!    [`MAX_STYLE_COPIES`]; the workbook has at most [`MAX_SHEETS`] sheets and [`MAX_DEFINED_NAMES`]
//!    defined names, a relationships part at most [`MAX_RELATIONSHIPS`] relationships.
//!
//! What a real file needs (measured with `members_xlsx`, the export that imports back, 200.000 members
//! of a province, 11 columns): 10,9 MB zipped; `xl/worksheets/sheet1.xml` 97,6 MB, `xl/sharedStrings.xml`
//! 24,6 MB with ≈ 800.000 distinct strings, 200.001 rows, 2,2 million cells. Every limit below is at
//! least 1,5 times that (most about 4 times), and each is small enough that one upload stays well under
//! 300 MB of memory (OWASP ASVS V12.1: files are checked for size, including after decompression).

use std::io::{Cursor, Read};

use crate::OfficeError;

/// Parts a package may hold (an XLSX from Excel has about 10–30).
pub const MAX_ZIP_ENTRIES: usize = 1_000;
/// Uncompressed size of one part (the 200.000-member sheet is 97,6 MB).
pub const MAX_ENTRY_UNPACKED: u64 = 400 * MB;
/// Uncompressed size of the shared strings, which calamine keeps in memory (200.000 members: 24,6 MB).
pub const MAX_SHARED_STRINGS_UNPACKED: u64 = 100 * MB;
/// Uncompressed size of the styles, the workbook part, its relationships and the theme, which calamine
/// reads whole when it opens a workbook (Excel writes a few hundred KB at most).
pub const MAX_SMALL_PART_UNPACKED: u64 = 8 * MB;
/// Bytes of one tag in the styles: a number format of 255 characters with every character escaped
/// (`&quot;`) is ≈ 1,6 KB.
pub const MAX_STYLE_TAG: usize = 4 * 1024;
/// Bytes of one tag in the workbook part, its relationships and the theme.
pub const MAX_STRUCTURE_TAG: usize = 16 * 1024;
/// `<xf>` cell formats in the styles: Excel's own limit.
pub const MAX_STYLE_FORMATS: u64 = 64_000;
/// Bytes calamine may copy into the cell formats: every `<xf>` gets its own copy of its number format
/// and font name, so `<xf>` count × (longest `<numFmt>` + longest font `<name>` tag) is bounded
/// (64.000 formats of 255-character codes are ≈ 20 MB).
pub const MAX_STYLE_COPIES: u64 = 32 * MB;
/// `<sheet>` entries of a workbook (each copies its part's path).
pub const MAX_SHEETS: u64 = 1_000;
/// `<definedName>` entries of a workbook.
pub const MAX_DEFINED_NAMES: u64 = 10_000;
/// `<Relationship>` entries of one relationships part of the workbook.
pub const MAX_RELATIONSHIPS: u64 = 10_000;
/// Uncompressed size of the whole package.
pub const MAX_TOTAL_UNPACKED: u64 = 512 * MB;
/// Distinct shared strings (200.000 members: ≈ 800.000).
pub const MAX_SHARED_STRINGS: u64 = 1_500_000;
/// `<row>` elements of one sheet: Excel's own sheet limit.
pub const MAX_SHEET_ROWS: u64 = 1_048_576;
/// `<c>` elements of all sheets (200.000 members × 11 columns = 2,2 million).
pub const MAX_XLSX_CELLS: u64 = 10_000_000;
/// Bytes of one XML tag or of one text run between two tags. A cell of 32.767 characters written with
/// the longest character references (`&#x10FFFF;`) is 328 KB.
pub const MAX_XML_RUN: usize = 1024 * 1024;
/// Bytes of XML of one cell or one shared string, from its start tag to the next cell / string
/// (rich-text runs included).
pub const MAX_CELL_XML: usize = 1024 * 1024;
/// Characters in one cell: Excel's own limit, applied to CSV too.
pub const MAX_CELL_CHARS: usize = 32_767;
/// Non-empty data rows one import may hold (a province of 200.000 members fits 1,5 times).
pub const MAX_IMPORT_ROWS: usize = 300_000;
/// Row errors a parser keeps; the rest are counted ("… và N lỗi khác").
pub use domain::import::MAX_ROW_ERRORS;

const MB: u64 = 1024 * 1024;

/// What [`check_zip`] found in an acceptable package.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ZipStats {
    pub entries: usize,
    /// Real (inflated) bytes of all parts.
    pub unpacked: u64,
    pub shared_strings: u64,
    pub rows: u64,
    pub cells: u64,
}

fn too_big(limit: u64) -> OfficeError {
    OfficeError::Unpacked(limit / MB)
}

fn broken(why: &str) -> OfficeError {
    OfficeError::Xlsx(why.to_string())
}

/// Checks a ZIP package (XLSX, DOCX) against the limits above without keeping any inflated byte.
/// Any error means the file must not be handed to a reader.
pub fn check_zip(bytes: &[u8]) -> Result<ZipStats, OfficeError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| broken(&e.to_string()))?;
    let mut stats = ZipStats {
        entries: zip.len(),
        ..ZipStats::default()
    };
    if zip.len() > MAX_ZIP_ENTRIES {
        return Err(OfficeError::TooManyParts(MAX_ZIP_ENTRIES));
    }
    if zip.has_duplicate_names() {
        return Err(broken("tên thành phần trùng nhau"));
    }
    // Declared sizes first: a bomb that tells the truth is refused without inflating anything.
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .metadata()
            .entry(i)
            .map(|e| (e.size(), part_of(&e.name_raw().to_ascii_lowercase())))
            .map_err(|e| broken(&e.to_string()))?;
        let (size, part) = entry;
        if size > part.limit() {
            return Err(too_big(part.limit()));
        }
        declared = declared.saturating_add(size);
        if declared > MAX_TOTAL_UNPACKED {
            return Err(too_big(MAX_TOTAL_UNPACKED));
        }
    }
    // Then the real sizes, streaming.
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(|e| broken(&e.to_string()))?;
        let part = part_of(&file.name_raw().to_ascii_lowercase());
        let mut scan = part.is_xml().then(|| XmlScan::new(part));
        let mut size: u64 = 0;
        loop {
            let n = match file.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(broken(&e.to_string())),
            };
            size += n as u64;
            stats.unpacked += n as u64;
            if size > part.limit() {
                return Err(too_big(part.limit()));
            }
            if stats.unpacked > MAX_TOTAL_UNPACKED {
                return Err(too_big(MAX_TOTAL_UNPACKED));
            }
            if let Some(scan) = scan.as_mut() {
                scan.feed(&buf[..n], &mut stats)?;
            }
        }
    }
    Ok(stats)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    SharedStrings,
    Worksheet,
    /// `styles.xml`: read whole, every `<xf>` copied with its format and font.
    Styles,
    /// The workbook part, its relationships, the theme: read whole when the workbook is opened.
    Structure,
    OtherXml,
    Binary,
}

impl Part {
    fn limit(self) -> u64 {
        match self {
            Part::SharedStrings => MAX_SHARED_STRINGS_UNPACKED,
            Part::Styles | Part::Structure => MAX_SMALL_PART_UNPACKED,
            _ => MAX_ENTRY_UNPACKED,
        }
    }

    /// Longest tag the part may hold.
    fn tag_cap(self) -> usize {
        match self {
            Part::Styles => MAX_STYLE_TAG,
            Part::Structure => MAX_STRUCTURE_TAG,
            _ => MAX_XML_RUN,
        }
    }

    fn is_xml(self) -> bool {
        self != Part::Binary
    }
}

/// Kind of a part by its (lower-case) name. calamine finds parts without regard to case.
fn part_of(name: &[u8]) -> Part {
    let xml = [".xml", ".rels", ".vml"]
        .iter()
        .any(|e| name.ends_with(e.as_bytes()));
    let under = |dir: &[u8]| {
        name.starts_with(dir)
            || name
                .windows(dir.len() + 1)
                .any(|w| w[0] == b'/' && &w[1..] == dir)
    };
    if name.ends_with(b"sharedstrings.xml") {
        Part::SharedStrings
    } else if name.ends_with(b"styles.xml") {
        Part::Styles
    } else if name.ends_with(b"workbook.xml")
        || (name.ends_with(b".rels") && !under(b"worksheets/_rels/"))
        || (xml && under(b"theme/"))
    {
        Part::Structure
    } else if xml && name.windows(10).any(|w| w == b"worksheets") {
        Part::Worksheet
    } else if xml {
        Part::OtherXml
    } else {
        Part::Binary
    }
}

/// Element names that live inside one cell or one shared string (text, rich-text runs and their
/// formatting, formulas, values, phonetic runs): they do not start a new unit of [`MAX_CELL_XML`].
const INSIDE_CELL: [&[u8]; 23] = [
    b"t",
    b"r",
    b"v",
    b"f",
    b"is",
    b"rPr",
    b"rPh",
    b"phoneticPr",
    b"b",
    b"i",
    b"u",
    b"strike",
    b"sz",
    b"color",
    b"rFont",
    b"family",
    b"charset",
    b"scheme",
    b"vertAlign",
    b"outline",
    b"shadow",
    b"condense",
    b"extend",
];

/// Longest element name kept for matching; longer names are matched as "other".
const NAME_CAP: usize = 32;
/// Bytes of the `<sst …>` start tag kept to read `uniqueCount`.
const SST_TAG_CAP: usize = 4096;

/// A streaming, allocation-free scan of XML bytes: tag and text lengths, element counts.
/// It does not validate XML (calamine does); it only bounds what calamine will buffer and build.
struct XmlScan {
    part: Part,
    in_tag: bool,
    /// Bytes of the current tag or text run.
    run: usize,
    /// Bytes since the last start tag that begins a new cell / shared string / other element.
    unit: usize,
    name: [u8; NAME_CAP],
    name_len: usize,
    /// Still reading the element name of the current tag.
    naming: bool,
    /// `</…>`, `<!…>` or `<?…>`: not a start tag.
    not_start: bool,
    /// Start tag of `<sst`, kept to read its `uniqueCount`.
    sst: Vec<u8>,
    in_sst_tag: bool,
    /// The current text run is whitespace only (so far).
    blank: bool,
    /// What the current start tag is, for the styles' and workbook's counts.
    tag: Tag,
    /// Styles: `<xf>` seen, longest `<numFmt>` and font `<name>` tags.
    formats: u64,
    longest_format: u64,
    longest_font_name: u64,
    /// Workbook part and relationships: entries seen.
    sheets: u64,
    defined_names: u64,
    relationships: u64,
}

/// Start tags whose length the styles check needs once the tag is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    Other,
    NumFmt,
    FontName,
}

fn too_complex(why: &str) -> OfficeError {
    OfficeError::TooComplex(why.to_string())
}

impl XmlScan {
    fn new(part: Part) -> Self {
        XmlScan {
            part,
            in_tag: false,
            run: 0,
            unit: 0,
            name: [0; NAME_CAP],
            name_len: 0,
            naming: false,
            not_start: false,
            sst: Vec::new(),
            in_sst_tag: false,
            blank: true,
            tag: Tag::Other,
            formats: 0,
            longest_format: 0,
            longest_font_name: 0,
            sheets: 0,
            defined_names: 0,
            relationships: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8], stats: &mut ZipStats) -> Result<(), OfficeError> {
        for &b in bytes {
            self.run += 1;
            self.unit += 1;
            if !self.in_tag && !b.is_ascii_whitespace() {
                self.blank = false;
            }
            let blank_text = !self.in_tag && self.blank;
            if self.in_tag && self.run > self.part.tag_cap() {
                return Err(match self.part {
                    Part::Styles => {
                        too_complex("một thẻ trong phần định dạng ô (styles.xml) quá dài")
                    }
                    Part::Structure => too_complex("một thẻ trong phần cấu trúc sổ tính quá dài"),
                    _ => broken("một thẻ XML quá dài"),
                });
            }
            if self.run > MAX_XML_RUN || (self.unit > MAX_CELL_XML && !blank_text) {
                return Err(if blank_text {
                    broken("khoảng trắng quá dài giữa các thẻ XML")
                } else if self.in_tag {
                    broken("một thẻ XML quá dài")
                } else if matches!(self.part, Part::SharedStrings | Part::Worksheet) {
                    OfficeError::CellTooLong {
                        chars: format!("hơn {}", domain::text::format_int(MAX_CELL_CHARS as i64)),
                        at: String::new(),
                    }
                } else {
                    broken("một đoạn văn bản XML quá dài")
                });
            }
            if !self.in_tag {
                if b == b'<' {
                    self.in_tag = true;
                    self.run = 1;
                    self.name_len = 0;
                    self.naming = true;
                    self.not_start = false;
                    self.tag = Tag::Other;
                }
                continue;
            }
            if self.in_sst_tag && self.sst.len() < SST_TAG_CAP {
                self.sst.push(b);
            }
            if self.naming {
                match b {
                    b'/' | b'!' | b'?' if self.name_len == 0 => {
                        self.not_start = true;
                        self.naming = false;
                    }
                    b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>' => {
                        self.naming = false;
                        self.start_tag(stats)?;
                    }
                    _ => {
                        if self.name_len < NAME_CAP {
                            self.name[self.name_len] = b;
                        }
                        self.name_len += 1;
                    }
                }
            }
            if b == b'>' {
                self.end_tag()?;
                self.in_tag = false;
                self.run = 0;
                self.blank = true;
                if self.in_sst_tag {
                    self.in_sst_tag = false;
                    self.check_unique_count()?;
                }
            }
        }
        Ok(())
    }

    /// Called once the name of a start tag is known.
    fn start_tag(&mut self, stats: &mut ZipStats) -> Result<(), OfficeError> {
        if self.not_start {
            return Ok(());
        }
        let name_buf = self.name;
        let name = &name_buf[..self.name_len.min(NAME_CAP)];
        let local = match name.iter().rposition(|&c| c == b':') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        let local = if self.name_len > NAME_CAP {
            &b""[..]
        } else {
            local
        };
        match (self.part, local) {
            (Part::SharedStrings, b"si") => {
                stats.shared_strings += 1;
                if stats.shared_strings > MAX_SHARED_STRINGS {
                    return Err(OfficeError::TooManyStrings(MAX_SHARED_STRINGS as usize));
                }
            }
            (Part::SharedStrings, b"sst") => {
                self.in_sst_tag = true;
                self.sst.clear();
            }
            (Part::Worksheet, b"row") => {
                stats.rows += 1;
                if stats.rows > MAX_SHEET_ROWS {
                    return Err(OfficeError::TooManySheetRows(MAX_SHEET_ROWS));
                }
            }
            (Part::Worksheet, b"c") => {
                stats.cells += 1;
                if stats.cells > MAX_XLSX_CELLS {
                    return Err(OfficeError::TooLarge(MAX_XLSX_CELLS as usize));
                }
            }
            (Part::Styles | Part::Structure, l) => self.structure_tag(l)?,
            (_, l) if INSIDE_CELL.contains(&l) => return Ok(()),
            _ => {}
        }
        // A new cell, string or other element: its XML is counted afresh (this tag's bytes so far too).
        self.unit = self.run;
        Ok(())
    }

    /// Called at the `>` of every tag: the styles' copies are known once a `<numFmt>` or font `<name>`
    /// tag is complete.
    fn end_tag(&mut self) -> Result<(), OfficeError> {
        let len = self.run as u64;
        match self.tag {
            Tag::NumFmt => self.longest_format = self.longest_format.max(len),
            Tag::FontName => self.longest_font_name = self.longest_font_name.max(len),
            Tag::Other => return Ok(()),
        }
        self.tag = Tag::Other;
        self.check_style_copies()
    }

    fn check_style_copies(&self) -> Result<(), OfficeError> {
        let copies = self
            .formats
            .saturating_mul(self.longest_format + self.longest_font_name);
        if copies > MAX_STYLE_COPIES {
            return Err(too_complex(
                "phần định dạng ô (styles.xml) có định dạng số hoặc tên phông chữ quá dài",
            ));
        }
        Ok(())
    }

    /// Counts the entries of the styles, the workbook part and its relationships.
    fn structure_tag(&mut self, local: &[u8]) -> Result<(), OfficeError> {
        let (count, limit, what) = match (self.part, local) {
            (Part::Styles, b"numFmt") => {
                self.tag = Tag::NumFmt;
                return Ok(());
            }
            (Part::Styles, b"name") => {
                self.tag = Tag::FontName;
                return Ok(());
            }
            (Part::Styles, b"xf") => (&mut self.formats, MAX_STYLE_FORMATS, "định dạng ô"),
            (Part::Structure, b"sheet") => (&mut self.sheets, MAX_SHEETS, "trang tính"),
            (Part::Structure, b"definedName") => (
                &mut self.defined_names,
                MAX_DEFINED_NAMES,
                "tên được đặt (Name Manager)",
            ),
            (Part::Structure, b"Relationship") => (
                &mut self.relationships,
                MAX_RELATIONSHIPS,
                "liên kết nội bộ",
            ),
            _ => return Ok(()),
        };
        *count += 1;
        if *count > limit {
            return Err(too_complex(&format!(
                "quá nhiều {what} (tối đa {})",
                domain::text::format_int(limit as i64)
            )));
        }
        self.check_style_copies()
    }

    /// `uniqueCount` of `<sst>`: calamine reserves that many strings before reading one.
    fn check_unique_count(&mut self) -> Result<(), OfficeError> {
        let tag = std::mem::take(&mut self.sst);
        let Some(at) = tag.windows(11).position(|w| w == b"uniqueCount") else {
            return Ok(());
        };
        let rest = &tag[at + 11..];
        let value: Vec<u8> = rest
            .iter()
            .skip_while(|&&c| c == b' ' || c == b'=' || c == b'"' || c == b'\'')
            .take_while(|c| c.is_ascii_digit())
            .copied()
            .collect();
        // More digits than any limit, or a number above it: refused (an unreadable number is
        // ignored by calamine, so it is harmless).
        if value.len() > 12
            || std::str::from_utf8(&value)
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .is_some_and(|n| n > MAX_SHARED_STRINGS)
        {
            return Err(OfficeError::TooManyStrings(MAX_SHARED_STRINGS as usize));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn scan(part: Part, xml: &str) -> Result<ZipStats, OfficeError> {
        let mut stats = ZipStats::default();
        let mut s = XmlScan::new(part);
        // Fed in small pieces: state must carry across chunk boundaries.
        for chunk in xml.as_bytes().chunks(3) {
            s.feed(chunk, &mut stats)?;
        }
        Ok(stats)
    }

    #[test]
    fn counts_rows_cells_and_strings() {
        let st = scan(
            Part::Worksheet,
            r#"<?xml version="1.0"?><worksheet><cols><col min="1"/></cols><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row><x:row><x:c/></x:row></sheetData></worksheet>"#,
        )
        .unwrap();
        assert_eq!((st.rows, st.cells), (2, 3));
        let st = scan(
            Part::SharedStrings,
            r#"<sst uniqueCount="2"><si><t>a</t></si><si><r><rPr><b/></rPr><t>b</t></r></si></sst>"#,
        )
        .unwrap();
        assert_eq!(st.shared_strings, 2);
    }

    #[test]
    fn a_huge_unique_count_is_refused() {
        assert!(matches!(
            scan(
                Part::SharedStrings,
                r#"<sst xmlns="x" uniqueCount = "4000000000"><si/>"#
            ),
            Err(OfficeError::TooManyStrings(_))
        ));
        assert!(scan(Part::SharedStrings, r#"<sst uniqueCount="1500000"></sst>"#).is_ok());
    }

    #[test]
    fn long_runs_and_long_cells_are_refused() {
        let long_text = format!("<si><t>{}</t></si>", "x".repeat(MAX_CELL_XML));
        assert!(matches!(
            scan(Part::SharedStrings, &long_text),
            Err(OfficeError::CellTooLong { .. })
        ));
        // Split into rich-text runs of 1.000 bytes: still one string.
        let runs = format!("<si>{}</si>", "<r><t>xxxxxxxxxx</t></r>".repeat(50_000));
        assert!(matches!(
            scan(Part::SharedStrings, &runs),
            Err(OfficeError::CellTooLong { .. })
        ));
        let spaces = format!("<a>{}</a>", " ".repeat(MAX_XML_RUN + 1));
        assert!(matches!(
            scan(Part::OtherXml, &spaces),
            Err(OfficeError::Xlsx(_))
        ));
        let tag = format!("<a b=\"{}\"/>", "x".repeat(MAX_XML_RUN + 1));
        assert!(matches!(
            scan(Part::OtherXml, &tag),
            Err(OfficeError::Xlsx(_))
        ));
        // Many ordinary cells are fine.
        let many = format!(
            "<sheetData>{}</sheetData>",
            "<c><v>1</v></c>".repeat(200_000)
        );
        assert_eq!(scan(Part::Worksheet, &many).unwrap().cells, 200_000);
    }
}
