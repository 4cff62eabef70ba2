//! The period report as Word and Excel files, from a hand-built report of a city with three wards over
//! two years (and the same report cut for a reader who may not see inspections).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;
use std::process::Command;

use calamine::{Data, Reader, Xlsx};
use chrono::{TimeZone, Utc};
use common::d;
use domain::attendance::Tally;
use domain::commendation::{CommendationKind, CommendationLevel};
use domain::inspection::{CaseKind, DisciplineForm, KindCounts};
use domain::registration::RegStats;
use domain::report::{
    CampaignDocument, CampaignSection, CellMeetingSection, ClassificationLine, CommendationCount,
    CommendationSection, CriteriaLine, CriteriaSection, DisciplineSection, DisclosureSection,
    InspectionSection, Limitation, LimitationKind, ModelLine, ModelSection, NarrativeSection,
    PeriodReport, RegistrationSection, ReportDocument, ReportHeader, ReportStatus, ReportUnit,
    StudySection, SubReportStatus, SubUnitRow, YearAttendance, YearRegistrations, YearTheme,
};
use domain::UnitType;
use office::{limitation_sentence, report_docx, report_file_stem, report_xlsx};

fn unit(id: i64, code: &str, name: &str, unit_type: UnitType) -> ReportUnit {
    ReportUnit {
        id,
        code: code.into(),
        name: name.into(),
        unit_type,
    }
}

fn tally(expected: i64, present: i64, late: i64, excused: i64) -> Tally {
    Tally {
        expected,
        present,
        late,
        excused,
        absent: expected - present - late - excused,
        makeup: 0,
    }
}

fn reg(members: i64, registered: i64, items: i64, specific: i64, tied: i64) -> RegStats {
    RegStats {
        members,
        registered,
        on_time: registered - 2,
        approved: registered - 1,
        published: registered - 3,
        copied: 4,
        items,
        specific_items: specific,
        tied_items: tied,
        reviewed_items: items - 10,
        done_items: items - 30,
        approved_items: items - 5,
        rated: registered - 1,
        excellent: 10,
        good: 60,
        completed: 20,
        not_completed: 1,
        ..RegStats::default()
    }
}

fn ward(id: i64, code: &str, name: &str, members: i64, attended: i64, below: bool) -> SubUnitRow {
    SubUnitRow {
        unit: unit(id, code, name, UnitType::GrassrootsCommittee),
        members,
        study: tally(members * 4, attended, 0, 5),
        cell_meetings: 24,
        cell_tally: tally(members * 12, members * 11, 0, 0),
        registrations: reg(
            members,
            members - 1,
            members * 3,
            members * 3 - 4,
            members * 3 - 2,
        ),
        models: 3,
        commendations: 2,
        inspection: Some((5, 40)),
        feedback_received: 7,
        feedback_unanswered: u8::from(below) as i64,
        below_target: below,
    }
}

fn figures() -> PeriodReport {
    let mut by_kind = BTreeMap::new();
    for k in CaseKind::ALL {
        by_kind.insert(k, KindCounts::default());
    }
    by_kind.insert(
        CaseKind::Inspection,
        KindCounts {
            cases: 12,
            units: 206,
            members: 3520,
            distinct_units: 150,
            distinct_members: 3000,
        },
    );
    by_kind.insert(
        CaseKind::ThematicSupervision,
        KindCounts {
            cases: 4,
            units: 31,
            members: 118,
            distinct_units: 31,
            distinct_members: 118,
        },
    );
    PeriodReport {
        unit: unit(
            1,
            "TU-BT",
            "Đảng bộ thành phố Bến Tre",
            UnitType::PartyCommittee,
        ),
        from: d(2019, 1, 1),
        to: d(2020, 5, 20),
        computed_at: Utc.with_ymd_and_hms(2020, 5, 21, 3, 0, 0).unwrap(),
        campaign: CampaignSection {
            documents: vec![CampaignDocument {
                kind: "directive".into(),
                number: "05-CT/TW".into(),
                title: "đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
                    .into(),
                issued_on: d(2016, 5, 15),
                issuer: "Bộ Chính trị".into(),
            }],
            themes: vec![YearTheme {
                year: 2019,
                title: "Nêu cao tinh thần tự học".into(),
                unit_name: "Ban Tuyên giáo Trung ương".into(),
            }],
        },
        study: StudySection {
            years: vec![
                YearAttendance {
                    year: 2019,
                    sessions: 4,
                    tally: tally(2000, 1900, 20, 40),
                },
                YearAttendance {
                    year: 2020,
                    sessions: 2,
                    tally: tally(1520, 1480, 10, 15),
                },
            ],
            total: tally(3520, 3380, 30, 55),
            sessions: 6,
            target_permille: 900,
        },
        cell_meetings: CellMeetingSection {
            held: 432,
            thematic: 36,
            tally: tally(5000, 4700, 50, 100),
            topics_due: 60,
            topics_on_time: 57,
        },
        registrations: RegistrationSection {
            years: vec![
                YearRegistrations {
                    year: 2019,
                    stats: reg(880, 870, 2600, 2557, 2590),
                    heads_registered: 30,
                    heads_late: 0,
                    self_reviews: 850,
                },
                YearRegistrations {
                    year: 2020,
                    stats: reg(880, 875, 2610, 2600, 2580),
                    heads_registered: 30,
                    heads_late: 2,
                    self_reviews: 0,
                },
            ],
        },
        disclosure: DisclosureSection {
            published_registrations: 860,
            bulletins: 14,
            feedback_received: 21,
            feedback_answered: 19,
            feedback_overdue: 1,
            mean_response_days: Some(4.25),
            citizen_confirmations: 37,
        },
        models: ModelSection {
            total: 9,
            by_field: vec![("Kinh tế".into(), 5), ("Văn hóa – xã hội".into(), 4)],
            replicated: 2,
            commended: 3,
            lines: vec![
                ModelLine {
                    id: 1,
                    name: "Hẻm xanh – sạch – sáng".into(),
                    field: "Văn hóa – xã hội".into(),
                    unit_code: "P7".into(),
                    unit_name: "Phường 7".into(),
                    replications: 2,
                    commended: true,
                },
                ModelLine {
                    id: 2,
                    name: "Tổ hợp tác trồng dừa hữu cơ".into(),
                    field: "Kinh tế".into(),
                    unit_code: "BP".into(),
                    unit_name: "Xã Bình Phú".into(),
                    replications: 0,
                    commended: false,
                },
            ],
        },
        inspection: Some(InspectionSection { by_kind }),
        discipline: Some(DisciplineSection {
            members: BTreeMap::from([(DisciplineForm::Reprimand, 3), (DisciplineForm::Warning, 1)]),
            units: BTreeMap::new(),
            struck_off: 2,
            struck_off_left_party_life: 1,
        }),
        commendations: CommendationSection {
            total: CommendationCount {
                decisions: 6,
                member_recipients: 25,
                unit_recipients: 4,
            },
            by_kind: vec![(
                CommendationKind::Certificate,
                CommendationCount {
                    decisions: 6,
                    member_recipients: 25,
                    unit_recipients: 4,
                },
            )],
            by_level: vec![(
                CommendationLevel::District,
                CommendationCount {
                    decisions: 6,
                    member_recipients: 25,
                    unit_recipients: 4,
                },
            )],
            pending_proposals: 1,
        },
        criteria: CriteriaSection {
            sets: vec![
                CriteriaLine {
                    set_code: "VMDT".into(),
                    set_name: "Thành phố văn minh đô thị".into(),
                    criteria: 35,
                    units: 1,
                    all_met: 1,
                    recognised: 1,
                    met_of_single: Some(35),
                },
                CriteriaLine {
                    set_code: "NTM".into(),
                    set_name: "Xã đạt chuẩn nông thôn mới".into(),
                    criteria: 19,
                    units: 6,
                    all_met: 6,
                    recognised: 6,
                    met_of_single: None,
                },
            ],
            classifications: vec![ClassificationLine {
                unit_name: "Thành phố Bến Tre".into(),
                scheme: "Đô thị".into(),
                class: "loại II".into(),
                decided_on: d(2019, 3, 5),
            }],
        },
        limitations: vec![
            Limitation {
                kind: LimitationKind::NotSpecific,
                count: 10,
                out_of: 2610,
                units: vec!["Phường 7".into()],
                year: Some(2020),
            },
            Limitation {
                kind: LimitationKind::LeftPartyLife,
                count: 2,
                out_of: 0,
                units: vec!["Phường 8".into()],
                year: None,
            },
        ],
        sub_units: vec![
            ward(2, "P7", "Phường 7", 300, 1150, false),
            ward(3, "P8", "Phường 8", 280, 900, true),
            ward(4, "BP", "Xã Bình Phú", 300, 1180, false),
        ],
    }
}

fn document(figures: PeriodReport) -> ReportDocument {
    ReportDocument {
        header: ReportHeader {
            superior: "Đảng bộ tỉnh Bến Tre".into(),
            issuer: "Thành ủy Bến Tre".into(),
            number: "125-BC/TU".into(),
            place: "Bến Tre".into(),
            dated: Some(d(2020, 5, 20)),
            subject: "Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW".into(),
            on_behalf: "T/M BAN THƯỜNG VỤ".into(),
            signer_title: "Phó Bí thư Thường trực".into(),
            signer_name: "Nguyễn Văn Hùng".into(),
            recipients: vec![
                "Ban Thường vụ Tỉnh ủy".into(),
                "Ban Tuyên giáo Tỉnh ủy".into(),
                "Lưu Văn phòng Thành ủy".into(),
            ],
        },
        narratives: BTreeMap::from([
            (
                NarrativeSection::Strengths,
                "Cấp ủy các cấp quan tâm lãnh đạo.\nĐảng viên gương mẫu.".to_string(),
            ),
            (
                NarrativeSection::Directions,
                "Tiếp tục đẩy mạnh học tập & làm theo <Bác>.".to_string(),
            ),
        ]),
        figures,
        sub_reports: vec![SubReportStatus {
            report_id: 7,
            unit: unit(2, "P7", "Phường 7", UnitType::GrassrootsCommittee),
            status: ReportStatus::Accepted,
            submitted_on: Some(d(2020, 5, 9)),
            on_time: Some(true),
            returns: 1,
        }],
    }
}

fn full() -> ReportDocument {
    document(figures())
}

fn cut() -> ReportDocument {
    document(figures().without_confidential())
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut part = zip.by_name(name).expect(name);
    let mut xml = String::new();
    part.read_to_string(&mut xml).unwrap();
    xml
}

fn part_names(bytes: &[u8]) -> Vec<String> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    zip.file_names().map(|n| n.unwrap().to_string()).collect()
}

/// The text of the `<w:t>` elements, entities decoded, paragraphs on their own lines.
fn visible_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        let tag_end = rest[start..].find('>').map(|e| start + e).unwrap();
        let tag = &rest[start + 1..tag_end];
        if tag == "/w:p" {
            out.push('\n');
        }
        rest = &rest[tag_end + 1..];
        if (tag == "w:t" || tag.starts_with("w:t ")) && !tag.ends_with('/') {
            let close = rest.find("</w:t>").unwrap();
            out.push_str(
                &rest[..close]
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&quot;", "\"")
                    .replace("&apos;", "'")
                    .replace("&amp;", "&"),
            );
            rest = &rest[close..];
        }
    }
    out
}

#[test]
fn word_holds_the_header_sections_and_signature() {
    let bytes = report_docx(&full()).unwrap();
    let xml = zip_part(&bytes, "word/document.xml");
    let text = visible_text(&xml);
    let lines: Vec<&str> = text.lines().collect();
    for line in [
        "ĐẢNG BỘ TỈNH BẾN TRE",
        "THÀNH ỦY BẾN TRE",
        "*",
        "Số 125-BC/TU",
        "ĐẢNG CỘNG SẢN VIỆT NAM",
        "Bến Tre, ngày 20 tháng 5 năm 2020",
        "BÁO CÁO",
        "Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW",
        "I. KẾT QUẢ THỰC HIỆN",
        "1. Việc triển khai",
        "2. Học tập chuyên đề",
        "3. Sinh hoạt chi bộ",
        "4. Đăng ký làm theo",
        "5. Công khai và giám sát của nhân dân",
        "6. Mô hình, cách làm hay",
        "7. Kiểm tra, giám sát và kỷ luật",
        "8. Khen thưởng, biểu dương",
        "9. Tiêu chí và danh hiệu",
        "II. ƯU ĐIỂM",
        "III. HẠN CHẾ",
        "IV. NGUYÊN NHÂN",
        "V. PHƯƠNG HƯỚNG, NHIỆM VỤ",
        "Nơi nhận:",
        "- Ban Thường vụ Tỉnh ủy,",
        "- Lưu Văn phòng Thành ủy.",
        "T/M BAN THƯỜNG VỤ",
        "PHÓ BÍ THƯ THƯỜNG TRỰC",
        "Nguyễn Văn Hùng",
        "Cấp ủy các cấp quan tâm lãnh đạo.",
        "Tiếp tục đẩy mạnh học tập & làm theo <Bác>.",
    ] {
        assert!(lines.contains(&line), "missing line {line:?} in\n{text}");
    }
    // The header blocks come in order, before the title.
    let at = |s: &str| text.find(s).unwrap();
    assert!(at("THÀNH ỦY BẾN TRE") < at("Số 125-BC/TU"));
    assert!(at("Số 125-BC/TU") < at("BÁO CÁO"));
    assert!(at("V. PHƯƠNG HƯỚNG") < at("T/M BAN THƯỜNG VỤ"));
    // "ĐẢNG CỘNG SẢN VIỆT NAM" bold and underlined; the date line italic.
    let party = xml.find("ĐẢNG CỘNG SẢN VIỆT NAM").unwrap();
    let run = &xml[xml[..party].rfind("<w:r>").unwrap()..party];
    assert!(run.contains("<w:b/>") && run.contains("<w:u w:val=\"single\"/>"));
    // Figures in Vietnamese formats.
    assert!(text.contains("Kiểm tra 206 tổ chức đảng và 3.520 đảng viên (12 cuộc)"));
    assert!(text.contains("3.410/3.520 lượt đảng viên tham dự, đạt 96,9%"));
    assert!(text.contains("Thành phố văn minh đô thị: đạt 35/35 tiêu chí"));
    assert!(text.contains("6/6 đơn vị đạt đủ 19 tiêu chí"));
    assert!(text.contains("thời gian trả lời bình quân 4,3 ngày"));
    assert!(text.contains("Thi hành kỷ luật 4 đảng viên (khiển trách 3, cảnh cáo 1)"));
    assert!(text.contains(&limitation_sentence(&full().figures.limitations[0])));
    assert!(
        text.contains("Hẻm xanh – sạch – sáng (Phường 7, nhân rộng ở 2 đơn vị, được biểu dương)")
    );
    // The sub-unit table and the round's status table.
    assert!(lines.contains(&"Phường 8"));
    assert!(lines.contains(&"Đã chấp nhận"));
    // A4, margins 20/20/30/15 mm.
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert!(xml.contains("w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\""));
}

#[test]
fn word_charts_are_native_with_cached_values() {
    let bytes = report_docx(&full()).unwrap();
    let names = part_names(&bytes);
    let charts: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with("word/charts/chart"))
        .collect();
    // Attendance, registration quality, models by field, inspection by kind.
    assert_eq!(charts.len(), 4, "{names:?}");
    let types = zip_part(&bytes, "[Content_Types].xml");
    let rels = zip_part(&bytes, "word/_rels/document.xml.rels");
    let xml = zip_part(&bytes, "word/document.xml");
    for n in 1..=4 {
        assert!(types.contains(&format!("/word/charts/chart{n}.xml")));
        assert!(rels.contains(&format!("Target=\"charts/chart{n}.xml\"")));
        assert!(xml.contains(&format!("r:id=\"rIdChart{n}\"")));
    }
    let attendance = zip_part(&bytes, "word/charts/chart1.xml");
    assert!(attendance.contains("<c:barChart>"));
    assert!(attendance.contains("<c:v>2019</c:v>"));
    assert!(attendance.contains("<c:v>1920</c:v>"));
    let inspection = zip_part(&bytes, "word/charts/chart4.xml");
    assert!(inspection.contains("<c:v>Kiểm tra</c:v>"));
    assert!(inspection.contains("<c:v>3520</c:v>"));
    // Without the confidential sections there is no inspection chart.
    let cut = report_docx(&cut()).unwrap();
    assert_eq!(
        part_names(&cut)
            .iter()
            .filter(|n| n.starts_with("word/charts/chart"))
            .count(),
        3
    );
}

#[test]
fn the_cut_report_says_nothing_confidential() {
    let bytes = report_docx(&cut()).unwrap();
    let xml = zip_part(&bytes, "word/document.xml");
    let text = visible_text(&xml);
    for word in [
        "Kiểm tra, giám sát và kỷ luật",
        "tổ chức đảng và",
        "kỷ luật",
        "bỏ sinh hoạt",
        "xóa tên",
        "3.520 đảng viên",
    ] {
        assert!(!text.contains(word), "{word:?} in the cut report");
    }
    // The sections after it move up.
    assert!(text.contains("7. Khen thưởng, biểu dương"));
    assert!(text.contains("8. Tiêu chí và danh hiệu"));
    let xlsx = report_xlsx(&cut()).unwrap();
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    let names = wb.sheet_names();
    assert!(!names
        .iter()
        .any(|n| n == "Kiểm tra giám sát" || n == "Kỷ luật"));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(report_xlsx(&cut()).unwrap())).unwrap();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for c in range.used_cells() {
            if let Data::String(s) = c.2 {
                assert!(!s.contains("kiểm tra, giám sát"), "{s:?} in {name}");
                assert!(!s.contains("bỏ sinh hoạt"), "{s:?} in {name}");
            }
        }
    }
}

#[test]
fn numbers_only_the_suffix_and_dates_from_the_figures() {
    let mut doc = full();
    doc.header.number = "-BC/TU".into();
    doc.header.dated = None;
    doc.header.superior = String::new();
    let text = visible_text(&zip_part(&report_docx(&doc).unwrap(), "word/document.xml"));
    assert!(text.contains("Số    -BC/TU"));
    // Computed on 21/05/2020 at 10:00 in Vietnam.
    assert!(text.contains("Bến Tre, ngày 21 tháng 5 năm 2020"));
    assert!(!text.contains("ĐẢNG BỘ TỈNH BẾN TRE"));
    assert_eq!(
        report_file_stem(&doc),
        "bao-cao-TU-BT-2019-01-01-2020-05-20"
    );
}

fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> Data {
    range.get_value((row, col)).cloned().unwrap_or(Data::Empty)
}

fn num(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    }
}

/// The row whose first cell is `label`.
fn row_of(range: &calamine::Range<Data>, label: &str) -> u32 {
    (0..range.height() as u32)
        .find(|r| cell(range, *r, 0) == Data::String(label.to_string()))
        .unwrap_or_else(|| panic!("no row {label:?}"))
}

#[test]
fn excel_holds_the_same_figures() {
    let doc = full();
    let f = &doc.figures;
    let bytes = report_xlsx(&doc).unwrap();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Tổng hợp",
            "Học tập",
            "Sinh hoạt chi bộ",
            "Đăng ký",
            "Công khai",
            "Mô hình",
            "Kiểm tra giám sát",
            "Kỷ luật",
            "Khen thưởng",
            "Tiêu chí",
            "Hạn chế",
            "Đơn vị trực thuộc",
        ]
    );
    // Every sheet names the unit and the period under its title.
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(
            cell(&range, 1, 0),
            Data::String(
                "Đảng bộ thành phố Bến Tre, từ ngày 01/01/2019 đến ngày 20/05/2020".into()
            ),
            "{name}"
        );
    }

    let s = wb.worksheet_range("Tổng hợp").unwrap();
    let r = row_of(&s, "Lượt đảng viên tham dự học tập");
    assert_eq!(num(&cell(&s, r, 1)), f.study.total.attended() as f64);
    let r = row_of(&s, "Tỷ lệ tham dự học tập");
    assert!((num(&cell(&s, r, 1)) - f.study.total.rate().unwrap()).abs() < 1e-9);
    let r = row_of(&s, "Lượt đảng viên được kiểm tra, giám sát");
    assert_eq!(num(&cell(&s, r, 1)), 3638.0);

    let s = wb.worksheet_range("Học tập").unwrap();
    let r = row_of(&s, "2019");
    assert_eq!(num(&cell(&s, r, 1)), 4.0);
    assert_eq!(num(&cell(&s, r, 2)), 2000.0);
    assert_eq!(num(&cell(&s, r, 3)), 1920.0);
    assert!((num(&cell(&s, r, 5)) - 0.96).abs() < 1e-9);
    let r = row_of(&s, "Tổng cộng");
    assert_eq!(num(&cell(&s, r, 2)), 3520.0);

    let s = wb.worksheet_range("Đăng ký").unwrap();
    let r = row_of(&s, "2020");
    let st = &f.registrations.years[1].stats;
    assert_eq!(num(&cell(&s, r, 1)), st.members as f64);
    assert_eq!(num(&cell(&s, r, 2)), st.registered as f64);
    assert!((num(&cell(&s, r, 7)) - st.specific_share().unwrap()).abs() < 1e-9);
    assert_eq!(num(&cell(&s, r, 16)), 2.0);

    let s = wb.worksheet_range("Kiểm tra giám sát").unwrap();
    let r = row_of(&s, "Kiểm tra");
    assert_eq!(
        [1, 2, 3].map(|c| num(&cell(&s, r, c))),
        [12.0, 206.0, 3520.0]
    );

    let s = wb.worksheet_range("Kỷ luật").unwrap();
    let r = row_of(&s, "Khiển trách");
    assert_eq!(num(&cell(&s, r, 1)), 3.0);

    let s = wb.worksheet_range("Mô hình").unwrap();
    let r = row_of(&s, "Kinh tế");
    assert_eq!(num(&cell(&s, r, 1)), 5.0);

    let s = wb.worksheet_range("Tiêu chí").unwrap();
    let r = row_of(&s, "Thành phố văn minh đô thị");
    assert_eq!(num(&cell(&s, r, 5)), 35.0);

    let s = wb.worksheet_range("Hạn chế").unwrap();
    assert_eq!(
        cell(&s, 4, 1),
        Data::String(limitation_sentence(&f.limitations[0]))
    );

    let s = wb.worksheet_range("Đơn vị trực thuộc").unwrap();
    let r = row_of(&s, "Phường 8");
    assert_eq!(num(&cell(&s, r, 2)), 280.0);
    assert_eq!(cell(&s, r, 6), Data::String("Có".into()));
    let r = row_of(&s, "Phường 7");
    assert_eq!(cell(&s, r + 6, 2), Data::String("Đã chấp nhận".into()));

    // Native charts: attendance, registrations, models, inspection.
    let charts = part_names(&bytes)
        .into_iter()
        .filter(|n| n.starts_with("xl/charts/chart"))
        .count();
    assert_eq!(charts, 4);
    // Percent cells carry a percent format.
    assert!(zip_part(&bytes, "xl/styles.xml").contains("0.0%"));
}

#[test]
fn word_converts_to_pdf_with_libreoffice() {
    let Ok(out) = Command::new("soffice").arg("--version").output() else {
        println!("soffice is not installed: skipping the PDF conversion");
        return;
    };
    if !out.status.success() {
        println!("soffice does not run: skipping the PDF conversion");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let docx = dir.path().join("bao-cao.docx");
    std::fs::write(&docx, report_docx(&full()).unwrap()).unwrap();
    let profile = format!(
        "-env:UserInstallation=file://{}/profile",
        dir.path().display()
    );
    let status = Command::new("soffice")
        .args([
            profile.as_str(),
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(&docx)
        .status()
        .unwrap();
    assert!(status.success());
    let pdf = dir.path().join("bao-cao.pdf");
    assert!(Path::new(&pdf).exists());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

/// Writes the fixture's files for a look by hand: `LAMTHEO_REPORT_OUT=/tmp/x cargo test … -- write_files`.
#[test]
fn write_files() {
    let Ok(dir) = std::env::var("LAMTHEO_REPORT_OUT") else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(format!("{dir}/full.docx"), report_docx(&full()).unwrap()).unwrap();
    std::fs::write(format!("{dir}/cut.docx"), report_docx(&cut()).unwrap()).unwrap();
    std::fs::write(format!("{dir}/full.xlsx"), report_xlsx(&full()).unwrap()).unwrap();
}
