//! The loudspeaker bulletin printed as a Word notice with the QR code of the public page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use common::d;
use domain::bulletin::{
    compose, Bulletin, BulletinInput, BulletinItem, BulletinModelResult, BulletinRegistration,
};
use office::{bulletin_docx, qr_png};

const URL: &str = "https://lamtheo.example.vn/cong-khai/phuong-7?nam=2026&ky=1";

fn bulletin() -> Bulletin {
    compose(&BulletinInput {
        unit_name: "Phường 7".into(),
        parent_name: "Thành phố Bến Tre".into(),
        from: d(2026, 1, 1),
        to: d(2026, 3, 31),
        issued_on: d(2026, 4, 2),
        portal_url: URL.into(),
        registrations: vec![
            BulletinRegistration {
                name: "Nguyễn Văn An".into(),
                position: "Bí thư Đảng ủy phường".into(),
                year: 2026,
                items: vec![BulletinItem {
                    content: "Vận động nhân dân hiến đất mở rộng hẻm 12 <đợt 1> & \"xanh\"".into(),
                    target: "120 m2".into(),
                    deadline: Some(d(2026, 6, 30)),
                    progress: "Đang thực hiện".into(),
                }],
            },
            BulletinRegistration {
                name: "Trần Thị Bích".into(),
                position: "Chủ tịch UBND phường".into(),
                year: 2026,
                items: vec![],
            },
        ],
        model_results: vec![BulletinModelResult {
            model_name: "Tuyến hẻm sáng – xanh – sạch".into(),
            owner_unit: "Chi bộ Khu phố 3".into(),
            indicator: "Số hộ tham gia".into(),
            value: 3520.0,
            unit: "hộ".into(),
            measured_on: d(2026, 3, 15),
        }],
        feedback_answered: 12,
        feedback_open: 3,
    })
}

fn part(docx: &[u8], name: &str) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    let mut f = zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

fn names(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(docx)).unwrap();
    (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().unwrap().into_owned())
        .collect()
}

fn text_part(docx: &[u8], name: &str) -> String {
    String::from_utf8(part(docx, name)).unwrap()
}

fn python_has(module: &str) -> bool {
    Command::new("python3")
        .args(["-c", &format!("import {module}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn write_temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn the_notice_unzips_with_title_names_and_qr() {
    let b = bulletin();
    let docx = bulletin_docx(&b).unwrap();

    let mut zip = zip::ZipArchive::new(Cursor::new(docx.as_slice())).unwrap();
    let names = names(&docx);
    for required in [
        "[Content_Types].xml",
        "_rels/.rels",
        "word/document.xml",
        "word/_rels/document.xml.rels",
        "word/styles.xml",
        "word/media/qr.png",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "{required} in {names:?}"
        );
    }
    // Every XML part is UTF-8.
    for n in &names {
        if n.ends_with(".xml") || n.ends_with(".rels") {
            let mut s = String::new();
            zip.by_name(n).unwrap().read_to_string(&mut s).unwrap();
        }
    }

    let document = text_part(&docx, "word/document.xml");
    assert!(document.contains(">THÔNG BÁO<"));
    assert!(document.contains("Nguyễn Văn An"));
    assert!(document.contains("Trần Thị Bích"));
    assert!(document.contains(">THÀNH PHỐ BẾN TRE<"));
    assert!(document.contains(">PHƯỜNG 7<"));
    assert!(document.contains(">ĐẢNG CỘNG SẢN VIỆT NAM<"));
    assert!(document.contains("Phường 7, ngày 02 tháng 4 năm 2026"));
    assert!(document.contains("Kết quả các mô hình, cách làm hay"));
    // Text is escaped.
    assert!(document.contains("hẻm 12 &lt;đợt 1&gt; &amp; &quot;xanh&quot;"));
    assert!(document.contains(&format!(
        "Quét mã QR để xem trên Cổng thông tin công khai: {}",
        URL.replace('&', "&amp;")
    )));
    assert!(document.contains("r:embed=\"rId6\""));
    assert!(document.contains("<wp:extent cx=\"1260000\" cy=\"1260000\"/>"));

    let rels = text_part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("Id=\"rId6\""));
    assert!(rels.contains("relationships/image\" Target=\"media/qr.png\""));

    let types = text_part(&docx, "[Content_Types].xml");
    assert!(types.contains("<Default Extension=\"png\" ContentType=\"image/png\"/>"));

    let png = part(&docx, "word/media/qr.png");
    assert_eq!(png, qr_png(URL, 8).unwrap());
    let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).unwrap();
    let side = img.width();
    assert_eq!(side, img.height());
    assert_eq!(side % 8, 0);
    // Version v has 17 + 4v modules; plus the 2 × 4 quiet modules.
    let modules = side / 8 - 8;
    let version = modules.saturating_sub(17) / 4;
    assert!(version >= 1, "{modules} modules");
    assert_eq!(17 + 4 * version, modules);

    // The same bulletin gives the same bytes.
    assert_eq!(bulletin_docx(&b).unwrap(), docx);
}

#[test]
fn qr_png_sizes() {
    for scale in [1, 3, 10] {
        let png = qr_png("https://lamtheo.example.vn/p7", scale).unwrap();
        let img = image::load_from_memory(&png).unwrap();
        assert_eq!(img.width(), img.height());
        assert_eq!(img.width() % scale, 0);
        assert!(img.width() / scale >= 21 + 8);
    }
}

#[test]
fn an_empty_bulletin_prints_too() {
    let b = compose(&BulletinInput {
        unit_name: "Xã Phú Hưng".into(),
        parent_name: String::new(),
        from: d(2026, 1, 1),
        to: d(2026, 1, 31),
        issued_on: d(2026, 2, 1),
        portal_url: String::new(),
        registrations: vec![],
        model_results: vec![],
        feedback_answered: 0,
        feedback_open: 0,
    });
    let docx = bulletin_docx(&b).unwrap();
    let document = text_part(&docx, "word/document.xml");
    assert!(document.contains(">XÃ PHÚ HƯNG<"));
    assert!(
        document.contains(">Phú Hưng, ngày 01 tháng 02 năm 2026<"),
        "the date line names the place"
    );
    assert!(document.contains("chưa có người đứng đầu"));
    // No address: no QR code.
    assert!(!document.contains("w:drawing"));
    assert!(names(&docx).iter().all(|n| n != "word/media/qr.png"));
    assert!(!text_part(&docx, "word/_rels/document.xml.rels").contains("rId6"));
}

/// The XML parts are well-formed (python3's standard XML parser), and python-docx opens the
/// package and finds the text and the picture. Each check is skipped with a note when the tool is
/// missing.
#[test]
fn python_opens_the_notice() {
    let docx = bulletin_docx(&bulletin()).unwrap();
    let path = write_temp("ban-tin.docx", &docx);
    if !python_has("xml.etree.ElementTree") {
        println!("python3 không có sẵn: bỏ qua kiểm tra XML và python-docx");
        return;
    }
    let script = "import sys, zipfile, xml.etree.ElementTree as ET\n\
z = zipfile.ZipFile(sys.argv[1])\n\
parts = [ET.fromstring(z.read(n)) for n in z.namelist() if n.endswith(('.xml', '.rels'))]\n\
assert len(parts) >= 9, len(parts)\n\
print('ok')\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    if !python_has("docx") {
        println!("python-docx chưa được cài (pip install python-docx): bỏ qua kiểm tra mở tệp bằng python-docx");
        return;
    }
    let script = "import sys, docx\n\
d = docx.Document(sys.argv[1])\n\
text = '\\n'.join(p.text for p in d.paragraphs)\n\
cells = '\\n'.join(c.text for t in d.tables for r in t.rows for c in r.cells)\n\
assert 'THÔNG BÁO' in text, text\n\
assert 'Nguyễn Văn An' in text, text\n\
assert 'ĐẢNG CỘNG SẢN VIỆT NAM' in cells, cells\n\
assert len(d.inline_shapes) == 1\n\
s = d.inline_shapes[0]\n\
assert s.width == s.height == 1260000, (s.width, s.height)\n\
sec = d.sections[0]\n\
assert (sec.page_width, sec.page_height) == (11906 * 635, 16838 * 635), (sec.page_width, sec.page_height)\n\
print('ok')\n";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "python-docx: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
