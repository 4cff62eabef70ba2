//! Printing a registration "học tập và làm theo" (DOCX) and listing a unit's registrations (XLSX).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};
use common::d;
use office::{
    read_table, registration_docx, registrations_xlsx, PrintItem, RegistrationPrint,
    RegistrationRow, UnitSheet, REGISTRATION_DETAIL_HEADERS, REGISTRATION_SUMMARY_HEADERS,
};

fn item(content: &str, duty: &str, target: &str, deadline: Option<(i32, u32, u32)>) -> PrintItem {
    PrintItem {
        content: content.into(),
        duty: duty.into(),
        target: target.into(),
        deadline: deadline.map(|(y, m, day)| d(y, m, day)),
        evidence: String::new(),
        midyear: None,
        yearend: None,
        assessed: None,
        flags: Vec::new(),
    }
}

/// The 27 manifestations of Resolution 4 (XII): 9 political, 9 moral, 9 "tự diễn biến".
fn pledges() -> Vec<(String, String)> {
    let groups: [(&str, [&str; 9]); 3] = [
        (
            "A",
            [
                "Phai nhạt lý tưởng cách mạng; dao động, giảm sút niềm tin vào mục tiêu độc lập dân tộc và chủ nghĩa xã hội",
                "Lười học tập chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh, nghị quyết, chỉ thị của Đảng",
                "Nhận thức sai lệch về vị trí, vai trò của việc học tập lý luận chính trị",
                "Phụ họa theo những nhận thức lệch lạc, quan điểm sai trái, thù địch",
                "Không chấp hành nghiêm các nguyên tắc tổ chức sinh hoạt đảng",
                "Không thực hiện đúng nguyên tắc tự phê bình và phê bình; nể nang, né tránh",
                "Nói không đi đôi với làm; hứa nhiều làm ít",
                "Trong thực thi công vụ còn để người dân và doanh nghiệp phiền hà",
                "Tham vọng chức quyền, không chịu làm những công việc được phân công",
            ],
        ),
        (
            "B",
            [
                "Cá nhân chủ nghĩa, sống ích kỷ, thực dụng, cơ hội, vụ lợi",
                "Thiếu trách nhiệm, vô cảm, thờ ơ trước khó khăn, bức xúc của nhân dân",
                "Quan liêu, xa dân, không sâu sát thực tế, cơ sở",
                "Tham ô, tham nhũng, lãng phí, tùy tiện trong quản lý, sử dụng tài chính, tài sản",
                "Lợi dụng chức vụ, quyền hạn để trục lợi",
                "Kéo bè, kéo cánh, gây mất đoàn kết nội bộ",
                "Kê khai tài sản, thu nhập không trung thực",
                "Lợi dụng dân chủ để bè phái, nói xấu, vu khống",
                "Sống xa hoa, lãng phí, hưởng lạc, thích phô trương, hình thức",
            ],
        ),
        (
            "C",
            [
                "Phủ nhận chủ nghĩa Mác - Lênin, tư tưởng Hồ Chí Minh",
                "Phụ họa, a dua theo quan điểm sai trái về đa nguyên chính trị",
                "Phản bác, phủ nhận nguyên tắc tập trung dân chủ",
                "Đòi thực hiện \"phi chính trị hóa\" quân đội, công an",
                "Xuyên tạc lịch sử, bôi nhọ lãnh tụ, anh hùng dân tộc",
                "Móc nối, cấu kết với các thế lực thù địch",
                "Tác động, lôi kéo, kích động người khác chống đối",
                "Có tư tưởng dao động, hoài nghi trước những luận điệu xuyên tạc",
                "Cổ xúy cho lối sống xa rời truyền thống văn hóa dân tộc",
            ],
        ),
    ];
    let mut out = Vec::new();
    for (prefix, titles) in groups {
        for (i, t) in titles.iter().enumerate() {
            out.push((format!("{prefix}{}", i + 1), t.to_string()));
        }
    }
    out
}

/// A 2019 registration of the secretary of a neighbourhood cell.
fn registration() -> RegistrationPrint {
    let mut road = item(
        "Vận động 15 hộ dân tham gia làm đường bê tông hẻm 3",
        "Tổ trưởng tổ dân phố",
        "800 mét",
        Some((2019, 9, 30)),
    );
    road.evidence = "Biên bản nghiệm thu con đường".into();
    road.midyear = Some("Đang thực hiện".into());
    road.yearend = Some("Hoàn thành".into());
    road.assessed = Some("Hoàn thành tốt".into());
    let mut poor = item(
        "Phối hợp Hội Phụ nữ & Đoàn thanh niên giảm hộ nghèo <2% \"bền vững\"",
        "Công tác dân vận",
        "Dưới 2% hộ nghèo",
        Some((2019, 12, 15)),
    );
    poor.flags = vec![
        "Chỉ tiêu chưa đo được".into(),
        "Chưa gắn với nhiệm vụ được giao".into(),
    ];
    poor.midyear = Some("Đang thực hiện".into());
    let study = item(
        "Đọc và viết thu hoạch chuyên đề năm 2019 \"Nâng cao ý thức tôn trọng nhân dân\"",
        "Học tập lý luận",
        "01 bài thu hoạch",
        None,
    );
    let exemplary = vec![
        item(
            "Gương mẫu đi đầu trong hiến đất mở rộng hẻm 3",
            "Bí thư Chi bộ",
            "Hiến 20 m² đất",
            Some((2019, 6, 30)),
        ),
        item(
            "Duy trì tiếp dân định kỳ mỗi tháng một lần",
            "Bí thư Chi bộ",
            "12 buổi",
            Some((2019, 12, 31)),
        ),
    ];
    RegistrationPrint {
        issuer: "Đảng bộ Phường 7".into(),
        unit_name: "Chi bộ Khu phố 1".into(),
        year: 2019,
        member_name: "Nguyễn Thị Thu Hà".into(),
        birth_date: Some(d(1985, 3, 12)),
        positions: vec!["Bí thư Chi bộ".into(), "Tổ trưởng tổ dân phố".into()],
        joined_on: Some(d(2010, 2, 3)),
        status_label: "Đã duyệt".into(),
        version: 3,
        items: vec![road, poor, study],
        exemplary,
        pledges: pledges(),
        pledged_on: None,
        approved_by: Some("Trần Văn Bình".into()),
        approved_on: Some(d(2019, 3, 20)),
        place: "Bến Tre".into(),
        date: d(2019, 3, 15),
    }
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut part = zip.by_name(name).expect(name);
    let mut xml = String::new();
    part.read_to_string(&mut xml).unwrap();
    xml
}

fn document_xml(bytes: &[u8]) -> String {
    zip_part(bytes, "word/document.xml")
}

/// The concatenated text of the `<w:t>` elements, entities decoded: what Word shows.
fn visible_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        rest = &rest[start + 4..];
        // <w:t> or <w:t xml:space="preserve">, not <w:tbl>, <w:tc>, …
        if !(rest.starts_with('>') || rest.starts_with(' ')) {
            continue;
        }
        let Some(open_end) = rest.find('>') else {
            break;
        };
        if rest[..open_end].ends_with('/') {
            rest = &rest[open_end + 1..];
            continue;
        }
        rest = &rest[open_end + 1..];
        let Some(close) = rest.find("</w:t>") else {
            break;
        };
        out.push_str(&rest[..close]);
        out.push('\n');
        rest = &rest[close..];
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// A small well-formedness check: balanced tags, no raw '<' or '&' in text, entities known.
fn assert_well_formed(xml: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = xml;
    if let Some(decl_end) = rest.find("?>").filter(|_| rest.starts_with("<?xml")) {
        rest = &rest[decl_end + 2..];
    }
    while !rest.is_empty() {
        match rest.find('<') {
            Some(0) => {
                let end = rest.find('>').expect("unclosed tag");
                let tag = &rest[1..end];
                assert!(!tag.contains('<'), "'<' inside a tag: {tag}");
                if let Some(name) = tag.strip_prefix('/') {
                    let open = stack.pop().expect("closing tag without opening");
                    assert_eq!(open, name.trim(), "mismatched tags");
                } else if !tag.ends_with('/') {
                    let name = tag.split_whitespace().next().unwrap();
                    stack.push(name);
                }
                rest = &rest[end + 1..];
            }
            found => {
                let text_end = found.unwrap_or(rest.len());
                let text = &rest[..text_end];
                let mut t = text;
                while let Some(amp) = t.find('&') {
                    t = &t[amp..];
                    let ok = ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#xA;"]
                        .iter()
                        .any(|e| t.starts_with(e));
                    assert!(ok, "raw '&' in text: {}", &t[..t.len().min(20)]);
                    t = &t[1..];
                }
                rest = &rest[text_end..];
            }
        }
    }
    assert!(stack.is_empty(), "unclosed elements: {stack:?}");
}

#[test]
fn docx_is_a_word_package_with_the_form() {
    let bytes = registration_docx(&registration()).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let xml = document_xml(&bytes);
    assert_well_formed(&xml);
    for part in ["[Content_Types].xml", "word/styles.xml", "_rels/.rels"] {
        assert_well_formed(&zip_part(&bytes, part));
    }
    let text = visible_text(&xml);
    for want in [
        "ĐẢNG BỘ PHƯỜNG 7",
        "CHI BỘ KHU PHỐ 1",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Bến Tre, ngày 15 tháng 3 năm 2019",
        "BẢN ĐĂNG KÝ",
        "HỌC TẬP VÀ LÀM THEO TƯ TƯỞNG, ĐẠO ĐỨC, PHONG CÁCH HỒ CHÍ MINH NĂM 2019",
        "Nguyễn Thị Thu Hà",
        "12/03/1985",
        "Bí thư Chi bộ; Tổ trưởng tổ dân phố",
        "03/02/2010",
        "I. NỘI DUNG ĐĂNG KÝ",
        "Vận động 15 hộ dân tham gia làm đường bê tông hẻm 3",
        "Tổ trưởng tổ dân phố",
        "800 mét",
        "30/09/2019",
        "Hoàn thành tốt",
        "Biên bản nghiệm thu con đường",
        "– Chỉ tiêu chưa đo được",
        "II. NỘI DUNG NÊU GƯƠNG",
        "Gương mẫu đi đầu trong hiến đất mở rộng hẻm 3",
        "III. CAM KẾT",
        "“tự diễn biến”, “tự chuyển hóa” sau:",
        "A1. Phai nhạt lý tưởng cách mạng",
        "C9. Cổ xúy cho lối sống",
        "XÁC NHẬN CỦA CHI BỘ",
        "BÍ THƯ",
        "Trần Văn Bình",
        "NGƯỜI ĐĂNG KÝ",
        "(Ký, ghi rõ họ tên)",
        "Phối hợp Hội Phụ nữ & Đoàn thanh niên giảm hộ nghèo <2% \"bền vững\"",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    // Special characters are escaped in the XML itself.
    assert!(
        xml.contains("Hội Phụ nữ &amp; Đoàn thanh niên giảm hộ nghèo &lt;2% &quot;bền vững&quot;")
    );
    // Every pledge is listed once.
    for code in ["A1.", "A9.", "B1.", "B9.", "C1.", "C9."] {
        assert_eq!(text.matches(&format!("\n{code} ")).count(), 1, "{code}");
    }
    // The result column shows the latest outcome: the assessment, else the mid-year one.
    assert!(text.contains("Hoàn thành tốt\n") && text.contains("Đang thực hiện\n"));
    assert!(
        !text.contains("Hoàn thành\n"),
        "year-end outcome hidden by the assessment"
    );
    // Footer: status, version and page number, with diacritics.
    let footer = zip_part(&bytes, "word/footer1.xml");
    assert_well_formed(&footer);
    assert!(
        visible_text(&footer)
            .contains("Bản đăng ký năm 2019 – Nguyễn Thị Thu Hà – Đã duyệt (phiên bản 3) – Trang "),
        "{footer}"
    );
    assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"));
    // A4 portrait, 2 cm / 3 cm left margins, Times New Roman 13 pt.
    assert!(xml.contains(r#"<w:pgSz w:w="11906" w:h="16838""#), "{xml}");
    assert!(xml.contains(r#"w:left="1701""#));
    let styles = zip_part(&bytes, "word/styles.xml");
    assert!(styles.contains("Times New Roman"));
    assert!(styles.contains(r#"<w:sz w:val="26""#));
}

#[test]
fn docx_without_exemplary_items_has_no_section_ii() {
    let mut r = registration();
    r.exemplary.clear();
    let xml = document_xml(&registration_docx(&r).unwrap());
    assert_well_formed(&xml);
    let text = visible_text(&xml);
    assert!(!text.contains("NÊU GƯƠNG"), "{text}");
    assert!(text.contains("I. NỘI DUNG ĐĂNG KÝ"));
    // The commitment becomes section II.
    assert!(text.contains("II. CAM KẾT"));
    assert!(!text.contains("III."));
}

#[test]
fn docx_gives_the_day_a_later_pledge_was_added() {
    // Pledged when written: no date line.
    let text = visible_text(&document_xml(&registration_docx(&registration()).unwrap()));
    assert!(!text.contains("Cam kết bổ sung"), "{text}");
    // A 2016 registration written before Nghị quyết Trung ương 4 khóa XII: the pledge added at the
    // year-end review, its day under the manifestations.
    let mut r = registration();
    r.year = 2016;
    r.pledged_on = Some(d(2016, 12, 5));
    let xml = document_xml(&registration_docx(&r).unwrap());
    assert_well_formed(&xml);
    let text = visible_text(&xml);
    let line = "Cam kết bổ sung ngày 05/12/2016 (Nghị quyết Trung ương 4 khóa XII ban hành ngày 30/10/2016).";
    assert_eq!(text.matches(line).count(), 1, "{text}");
    let last_pledge = text.find("\nC9. ").unwrap();
    let signatures = text.find("XÁC NHẬN CỦA CHI BỘ").unwrap();
    let at = text.find(line).unwrap();
    assert!(last_pledge < at && at < signatures, "{text}");
}

/// A draft with nothing but the name and the cell.
fn empty_registration() -> RegistrationPrint {
    RegistrationPrint {
        issuer: String::new(),
        unit_name: "Chi bộ Khu phố 1".into(),
        year: 2019,
        member_name: "Lê Văn Đức".into(),
        birth_date: None,
        positions: Vec::new(),
        joined_on: None,
        status_label: "Nháp".into(),
        version: 1,
        items: Vec::new(),
        exemplary: Vec::new(),
        pledges: Vec::new(),
        pledged_on: None,
        approved_by: None,
        approved_on: None,
        place: String::new(),
        date: d(2019, 2, 5),
    }
}

#[test]
fn docx_with_nothing_filled_in() {
    let r = empty_registration();
    let bytes = registration_docx(&r).unwrap();
    let xml = document_xml(&bytes);
    assert_well_formed(&xml);
    let text = visible_text(&xml);
    assert!(text.contains("Chức vụ: \nĐảng viên"), "{text}");
    assert!(text.contains("Ngày 05 tháng 02 năm 2019"));
    assert!(text.contains("(Chưa có nội dung)"));
    assert!(text.contains("“tự chuyển hóa”."));
    assert!(!text.contains("ĐẢNG BỘ"));
    assert!(visible_text(&zip_part(&bytes, "word/footer1.xml")).contains("Nháp (phiên bản 1)"));
}

/// 5 000 characters of content, control characters, CR LF, tabs, markup and NFD text.
fn hostile_registration() -> RegistrationPrint {
    let mut r = registration();
    r.items[0].content = "Xây dựng nếp sống văn minh đô thị. ".repeat(143);
    r.items[1].target = "dòng 1\r\ndòng 2\u{0}\u{1b}\u{FFFF}]]><!-- -->\tcột".into();
    r.member_name = "Nguye\u{302}\u{303}n Thi\u{323} Thu Ha\u{300}".into();
    r.place = "<Bến Tre & \"Mỏ Cày\">".into();
    r
}

#[test]
fn docx_survives_long_and_hostile_text() {
    let r = hostile_registration();
    assert!(r.items[0].content.chars().count() >= 5_000);
    let bytes = registration_docx(&r).unwrap();
    let xml = document_xml(&bytes);
    assert_well_formed(&xml);
    assert!(xml.contains("Nguyễn Thị Thu Hà"));
    assert!(!xml.contains('\u{0}') && !xml.contains('\u{1b}') && !xml.contains('\u{FFFF}'));
    assert!(xml.contains("]]&gt;&lt;!-- --&gt;"));
    let text = visible_text(&xml);
    assert!(
        text.contains("dòng 1\ndòng 2"),
        "line break kept as a separate text"
    );
    assert!(xml.contains("dòng 1</w:t><w:br/>"));
    assert!(xml.contains("<w:tab/><w:t xml:space=\"preserve\">cột</w:t>"));
    assert!(text.contains("<Bến Tre & \"Mỏ Cày\">, ngày 15 tháng 3 năm 2019"));
    // The 5 000 characters are all there.
    assert!(text.contains(
        &"Xây dựng nếp sống văn minh đô thị. "
            .repeat(143)
            .trim_end()
            .to_string()
    ));
    // The document title in the package properties is escaped too.
    assert_well_formed(&zip_part(&bytes, "docProps/core.xml"));
}

// ---------------------------------------------------------------------------------------------------
// XLSX

fn sheet() -> UnitSheet {
    UnitSheet {
        unit_name: "Chi bộ Khu phố 1".into(),
        year: 2019,
        generated_on: d(2019, 12, 20),
    }
}

fn rows() -> Vec<RegistrationRow> {
    let r = registration();
    let mut items = r.items.clone();
    items.extend(r.exemplary.clone());
    vec![
        RegistrationRow {
            member_name: r.member_name.clone(),
            unit_name: r.unit_name.clone(),
            positions: r.positions.join("; "),
            status_label: "Đã duyệt".into(),
            submitted_on: Some(d(2019, 3, 15)),
            on_time: Some(true),
            items,
            result_percent: Some(87.5),
            suggested_rating: Some("Hoàn thành tốt nhiệm vụ".into()),
            rating: Some("Hoàn thành xuất sắc nhiệm vụ".into()),
        },
        RegistrationRow {
            member_name: "Lê Văn Đức".into(),
            unit_name: "Chi bộ Khu phố 1".into(),
            positions: String::new(),
            status_label: "Nháp".into(),
            submitted_on: None,
            on_time: None,
            items: Vec::new(),
            result_percent: None,
            suggested_rating: None,
            rating: None,
        },
        RegistrationRow {
            member_name: "Phạm Minh Tuấn".into(),
            unit_name: "Chi bộ Khu phố 1".into(),
            positions: "Đảng viên".into(),
            status_label: "Đã nộp".into(),
            submitted_on: Some(d(2019, 4, 2)),
            on_time: Some(false),
            items: vec![item(
                &"Giữ gìn vệ sinh môi trường khu phố. ".repeat(140),
                "Đảng viên",
                "Hằng tuần",
                Some((2019, 11, 30)),
            )],
            result_percent: Some(0.0),
            suggested_rating: Some("Không hoàn thành nhiệm vụ".into()),
            rating: None,
        },
    ]
}

fn open(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    calamine::open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn excel_date(v: &Data) -> Option<chrono::NaiveDate> {
    match v {
        Data::DateTime(dt) => dt.as_datetime().map(|t| t.date()),
        _ => None,
    }
}

#[test]
fn xlsx_summary_sheet() {
    let bytes = registrations_xlsx(&sheet(), &rows()).unwrap();
    let mut wb = open(&bytes);
    assert_eq!(wb.sheet_names(), ["Tổng hợp", "Chi tiết"]);

    // read_table reads the first sheet: the title is its first row, the header comes later.
    let t = read_table("dang-ky.xlsx", &bytes).unwrap();
    assert_eq!(
        t.headers[0],
        "DANH SÁCH BẢN ĐĂNG KÝ HỌC TẬP VÀ LÀM THEO NĂM 2019"
    );
    assert_eq!(t.rows[0].cells[0], "Chi bộ Khu phố 1");
    assert_eq!(t.rows[1].cells[0], "Ngày lập: 20/12/2019");
    let header = &t.rows[2];
    assert_eq!(header.line, 5);
    assert_eq!(header.cells, REGISTRATION_SUMMARY_HEADERS);
    let first = &t.rows[3].cells;
    assert_eq!(
        first[..10],
        [
            "1",
            "Nguyễn Thị Thu Hà",
            "Chi bộ Khu phố 1",
            "Bí thư Chi bộ; Tổ trưởng tổ dân phố",
            "Đã duyệt",
            "15/03/2019",
            "Có",
            "5",
            "1",
            "87.5",
        ]
    );
    assert_eq!(first[10], "Hoàn thành tốt nhiệm vụ");
    assert_eq!(first[11], "Hoàn thành xuất sắc nhiệm vụ");
    // Trailing empty cells are not returned by read_table.
    let cell =
        |row: usize, col: usize| t.rows[row].cells.get(col).map(String::as_str).unwrap_or("");
    assert_eq!(cell(4, 1), "Lê Văn Đức");
    assert_eq!(cell(4, 5), "");
    assert_eq!(cell(4, 6), "");
    assert_eq!(cell(4, 7), "0");
    assert_eq!(cell(4, 9), "");
    assert_eq!(cell(4, 11), "");
    assert_eq!(t.rows[5].cells[6], "Không");
    assert_eq!(t.rows[5].cells[9], "0");

    // Real cells: a date and a number.
    let range = wb.worksheet_range("Tổng hợp").unwrap();
    let (r0, _) = range.start().unwrap();
    let at = |row: u32, col: u32| range.get_value((row, col)).cloned().unwrap_or(Data::Empty);
    assert_eq!(r0, 0);
    assert_eq!(excel_date(&at(5, 5)), Some(d(2019, 3, 15)));
    assert_eq!(at(5, 9), Data::Float(87.5));
    assert_eq!(at(7, 9), Data::Float(0.0));
    assert_eq!(at(6, 9), Data::Empty);

    // Number formats as written.
    let styles = zip_part(&bytes, "xl/styles.xml");
    assert!(styles.contains(r#"formatCode="dd/mm/yyyy""#), "{styles}");
    assert!(styles.contains(r#"formatCode="0.0""#), "{styles}");
    // Frozen header and autofilter.
    let ws = zip_part(&bytes, "xl/worksheets/sheet1.xml");
    assert!(ws.contains(r#"topLeftCell="A6""#), "{ws}");
    assert!(ws.contains(r#"<autoFilter ref="A5:L8""#), "{ws}");
}

#[test]
fn xlsx_detail_sheet() {
    let bytes = registrations_xlsx(&sheet(), &rows()).unwrap();
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("Chi tiết").unwrap();
    let text = |row: u32, col: u32| {
        range
            .get_value((row, col))
            .map(|v| v.to_string())
            .unwrap_or_default()
    };
    let headers: Vec<String> = (0..REGISTRATION_DETAIL_HEADERS.len() as u32)
        .map(|c| text(0, c))
        .collect();
    assert_eq!(headers, REGISTRATION_DETAIL_HEADERS);
    // 5 items of the first member, none of the second, 1 of the third.
    assert_eq!(range.height(), 1 + 5 + 1);
    assert_eq!(text(1, 0), "Nguyễn Thị Thu Hà");
    assert_eq!(text(1, 2), "1");
    assert_eq!(
        text(1, 3),
        "Vận động 15 hộ dân tham gia làm đường bê tông hẻm 3"
    );
    assert_eq!(text(1, 4), "Tổ trưởng tổ dân phố");
    assert_eq!(text(1, 5), "800 mét");
    assert_eq!(
        excel_date(range.get_value((1, 6)).unwrap()),
        Some(d(2019, 9, 30))
    );
    assert_eq!(text(1, 8), "Đang thực hiện");
    assert_eq!(text(1, 9), "Hoàn thành");
    assert_eq!(text(1, 10), "Hoàn thành tốt");
    assert_eq!(
        text(2, 3),
        "Phối hợp Hội Phụ nữ & Đoàn thanh niên giảm hộ nghèo <2% \"bền vững\""
    );
    assert_eq!(
        text(2, 7),
        "Chỉ tiêu chưa đo được; Chưa gắn với nhiệm vụ được giao"
    );
    assert_eq!(text(3, 6), "", "no deadline: empty cell");
    assert_eq!(text(4, 2), "4");
    assert_eq!(text(6, 0), "Phạm Minh Tuấn");
    assert_eq!(text(6, 2), "1");
    assert!(text(6, 3).chars().count() >= 5_000);
    let ws = zip_part(&bytes, "xl/worksheets/sheet2.xml");
    assert!(ws.contains(r#"topLeftCell="A2""#), "{ws}");
    assert!(ws.contains(r#"<autoFilter ref="A1:K7""#), "{ws}");
}

#[test]
fn xlsx_without_registrations() {
    let bytes = registrations_xlsx(&sheet(), &[]).unwrap();
    let t = read_table("x.xlsx", &bytes).unwrap();
    assert_eq!(t.rows.len(), 3, "unit, date and header rows only");
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("Chi tiết").unwrap();
    assert_eq!(range.height(), 1);
}

#[test]
fn xlsx_cuts_text_longer_than_a_cell() {
    let mut rs = rows();
    rs[0].items[0].content = "x".repeat(40_000);
    let bytes = registrations_xlsx(&sheet(), &rs).unwrap();
    let mut wb = open(&bytes);
    let range = wb.worksheet_range("Chi tiết").unwrap();
    let v = range.get_value((1, 3)).unwrap().to_string();
    assert_eq!(v.chars().count(), 32_767);
    assert!(v.ends_with('…'));
}

/// Writes sample files for looking at by hand (python-docx, LibreOffice, Word):
/// `cargo test -p office --test registrations -- --ignored write_samples`, files in the target's tmp dir.
#[test]
#[ignore]
fn write_samples() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::write(
        dir.join("dang-ky.docx"),
        registration_docx(&registration()).unwrap(),
    )
    .unwrap();
    let mut plain = registration();
    plain.exemplary.clear();
    std::fs::write(
        dir.join("dang-ky-khong-neu-guong.docx"),
        registration_docx(&plain).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("dang-ky-trong.docx"),
        registration_docx(&empty_registration()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("dang-ky-ky-tu-la.docx"),
        registration_docx(&hostile_registration()).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("dang-ky.xlsx"),
        registrations_xlsx(&sheet(), &rows()).unwrap(),
    )
    .unwrap();
    println!("written to {}", dir.display());
}
