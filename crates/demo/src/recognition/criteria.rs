//! The two criteria sets of the demo (the national new-rural set from its CSV, the city's "văn minh đô
//! thị" list) and what is recorded against them: the communes' and the city's dated assessments with
//! their evidence, the recognition decisions and the city's classification.

use super::{
    d, rng, CriteriaPlan, DemoAssessment, DemoClassification, DemoCriteriaSet, DemoCriterion,
    DemoCriterionMark, DemoRecognition, CITY_ROOT, NTM_SET, PROVINCE_PEOPLES_COMMITTEE,
    URBAN_CLASS, VMDT_SET,
};
use crate::places::CITY_WARDS;
use crate::DemoUnit;
use chrono::{Datelike, NaiveDate};
use domain::criteria::CriterionState;
use domain::UnitType;
use rand::seq::SliceRandom;
use rand::Rng;
use std::collections::HashSet;

const NTM_CSV: &str = include_str!("../../data/nong-thon-moi-19.csv");

/// The 19 criteria of the national new-rural set 2016–2020, from the CSV (code, group, title).
pub fn ntm_criteria() -> Vec<DemoCriterion> {
    NTM_CSV
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.splitn(3, ',');
            let code = parts.next()?.trim();
            let group = parts.next()?.trim();
            let title = parts.next()?.trim();
            Some(DemoCriterion {
                code: code.to_string(),
                title: title.to_string(),
                group: group.to_string(),
                measure: String::new(),
                target: "Đạt theo quy định của vùng Đồng bằng sông Cửu Long".to_string(),
            })
        })
        .collect()
}

/// The demo's 35 "văn minh đô thị" criteria: (group, title, target).
const VMDT: [(&str, &str, &str); 35] = [
    (
        "Quy hoạch và hạ tầng đô thị",
        "Quy hoạch chung, quy hoạch phân khu được phê duyệt và công bố công khai",
        "100% khu vực có quy hoạch phân khu",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Quản lý xây dựng theo quy hoạch và giấy phép",
        "Không có công trình xây dựng trái phép",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Đường phố được nhựa hóa, bê tông hóa",
        "100% đường nội ô",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Vỉa hè, lòng đường thông thoáng, không lấn chiếm",
        "100% tuyến phố chính",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Chiếu sáng công cộng",
        "100% đường phố chính, 80% hẻm",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Thoát nước mặt, chống ngập",
        "Không còn điểm ngập kéo dài",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Cấp nước sạch",
        "≥ 98% hộ nội ô",
    ),
    (
        "Quy hoạch và hạ tầng đô thị",
        "Trật tự biển hiệu, quảng cáo",
        "Đúng quy định",
    ),
    (
        "Môi trường và cảnh quan",
        "Thu gom, xử lý chất thải rắn sinh hoạt",
        "≥ 95% khối lượng phát sinh",
    ),
    (
        "Môi trường và cảnh quan",
        "Xử lý nước thải sinh hoạt, sản xuất",
        "Cơ sở sản xuất có hệ thống xử lý",
    ),
    (
        "Môi trường và cảnh quan",
        "Cây xanh đường phố, công viên",
        "≥ 5 m² cây xanh công cộng/người",
    ),
    (
        "Môi trường và cảnh quan",
        "Vệ sinh đường phố, khu dân cư",
        "Ra quân định kỳ hằng tháng",
    ),
    (
        "Môi trường và cảnh quan",
        "Nghĩa trang theo quy hoạch",
        "Không an táng ngoài quy hoạch",
    ),
    (
        "Môi trường và cảnh quan",
        "Cơ sở sản xuất, kinh doanh đạt tiêu chuẩn môi trường",
        "100% cơ sở được kiểm tra",
    ),
    (
        "Môi trường và cảnh quan",
        "An toàn thực phẩm",
        "Không để xảy ra ngộ độc tập thể",
    ),
    ("Văn hóa - xã hội", "Gia đình văn hóa", "≥ 90% hộ"),
    (
        "Văn hóa - xã hội",
        "Khu phố, ấp văn hóa",
        "≥ 90% khu phố, ấp",
    ),
    (
        "Văn hóa - xã hội",
        "Cơ quan, đơn vị, doanh nghiệp đạt chuẩn văn hóa",
        "≥ 90%",
    ),
    (
        "Văn hóa - xã hội",
        "Thiết chế văn hóa, thể thao cơ sở",
        "Mỗi phường, xã có trung tâm văn hóa - thể thao",
    ),
    (
        "Văn hóa - xã hội",
        "Nếp sống văn minh trong việc cưới, việc tang, lễ hội",
        "Theo quy ước khu phố, ấp",
    ),
    (
        "Văn hóa - xã hội",
        "Trường học đạt chuẩn quốc gia",
        "≥ 70% trường công lập",
    ),
    (
        "Văn hóa - xã hội",
        "Trạm y tế đạt chuẩn quốc gia",
        "100% phường, xã",
    ),
    (
        "Văn hóa - xã hội",
        "Giảm nghèo bền vững",
        "Hộ nghèo dưới 2%",
    ),
    (
        "Văn hóa - xã hội",
        "Giữ gìn di tích, cảnh quan văn hóa",
        "Di tích được tu bổ, phát huy",
    ),
    (
        "An ninh trật tự",
        "Không để xảy ra điểm nóng về an ninh, trật tự",
        "Không có điểm nóng",
    ),
    (
        "An ninh trật tự",
        "Kiềm chế tội phạm, tệ nạn xã hội",
        "Giảm so với năm trước",
    ),
    (
        "An ninh trật tự",
        "Trật tự an toàn giao thông",
        "Giảm số vụ, số người chết, bị thương",
    ),
    (
        "An ninh trật tự",
        "Phòng cháy, chữa cháy",
        "Không để xảy ra cháy lớn",
    ),
    (
        "An ninh trật tự",
        "Mô hình tự quản về an ninh, trật tự ở khu dân cư",
        "100% khu phố, ấp",
    ),
    (
        "Hệ thống chính trị",
        "Đảng bộ thành phố đạt trong sạch, vững mạnh",
        "Hoàn thành tốt nhiệm vụ trở lên",
    ),
    (
        "Hệ thống chính trị",
        "Chính quyền hoàn thành tốt nhiệm vụ",
        "Hoàn thành tốt nhiệm vụ trở lên",
    ),
    (
        "Hệ thống chính trị",
        "Mặt trận Tổ quốc và các đoàn thể vững mạnh",
        "Hoàn thành tốt nhiệm vụ trở lên",
    ),
    (
        "Hệ thống chính trị",
        "Cải cách hành chính, bộ phận một cửa",
        "≥ 95% hồ sơ đúng hạn",
    ),
    (
        "Hệ thống chính trị",
        "Tiếp công dân, giải quyết khiếu nại, tố cáo",
        "Giải quyết ≥ 90% vụ việc",
    ),
    (
        "Hệ thống chính trị",
        "Thực hiện quy chế dân chủ ở cơ sở",
        "100% phường, xã",
    ),
];

/// The demo's 35 "văn minh đô thị" criteria, codes "1"…"35".
pub fn vmdt_criteria() -> Vec<DemoCriterion> {
    VMDT.iter()
        .enumerate()
        .map(|(i, (group, title, target))| DemoCriterion {
            code: (i + 1).to_string(),
            title: (*title).to_string(),
            group: (*group).to_string(),
            measure: "Báo cáo của phòng, ban chuyên môn thành phố".to_string(),
            target: (*target).to_string(),
        })
        .collect()
}

/// The commune units of the city ("xã …" grassroots committees, not wards) present in `units`.
pub fn communes(units: &[DemoUnit]) -> Vec<&DemoUnit> {
    let codes: HashSet<&str> = CITY_WARDS
        .iter()
        .filter(|w| w.commune)
        .map(|w| w.code)
        .collect();
    units
        .iter()
        .filter(|u| {
            codes.contains(u.code.as_str())
                && u.unit_type == UnitType::GrassrootsCommittee
                && u.parent_code.as_deref() == Some(CITY_ROOT)
        })
        .collect()
}

/// The criteria records (empty when the city is not in `units`).
pub fn criteria(units: &[DemoUnit], seed: u64) -> CriteriaPlan {
    if !units.iter().any(|u| u.code == CITY_ROOT) {
        return CriteriaPlan::default();
    }
    let mut plan = CriteriaPlan::default();
    let communes = communes(units);
    let ntm = ntm_criteria();
    plan.sets.push(DemoCriteriaSet {
        code: NTM_SET,
        title: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016–2020",
        version: "2016–2020",
        description: format!(
            "{} tiêu chí của Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016–2020 (Quyết định số \
             1980/QĐ-TTg ngày 17/10/2016 của Thủ tướng Chính phủ), áp dụng cho các xã của thành phố Bến Tre.",
            ntm.len()
        ),
        owner_code: CITY_ROOT.to_string(),
        unit_codes: communes.iter().map(|u| u.code.clone()).collect(),
        items: ntm.clone(),
    });
    let vmdt = vmdt_criteria();
    plan.sets.push(DemoCriteriaSet {
        code: VMDT_SET,
        title: "Bộ tiêu chí thành phố văn minh đô thị",
        version: "2016–2020",
        description: format!(
            "Danh mục {} tiêu chí dùng cho dữ liệu mẫu; văn bản gốc của địa phương không công bố công khai.",
            vmdt.len()
        ),
        owner_code: CITY_ROOT.to_string(),
        unit_codes: vec![CITY_ROOT.to_string()],
        items: vmdt.clone(),
    });

    // Recognition years: some communes in 2017, some in 2018, the rest in 2019.
    let mut r = rng(seed, 1);
    let mut years: Vec<i32> = (0..communes.len())
        .map(|i| match i % 3 {
            0 => 2017,
            1 => 2018,
            _ => 2019,
        })
        .collect();
    years.shuffle(&mut r);
    let mut numbers = 1180 + r.gen_range(0..60);
    let mut recognitions = Vec::new();
    for (commune, year) in communes.iter().zip(years) {
        let (assessments, all_met_on) = commune_assessments(commune, year, seed, &ntm);
        plan.assessments.extend(assessments);
        // The province's decision two to five months after the first all-met assessment (30/06).
        let decided_on = all_met_on
            .checked_add_days(chrono::Days::new(r.gen_range(70..150)))
            .unwrap_or(all_met_on);
        recognitions.push((decided_on, commune.code.clone()));
    }
    recognitions.sort();
    for (decided_on, code) in recognitions {
        numbers += r.gen_range(40..400);
        plan.recognitions.push(DemoRecognition {
            set_code: NTM_SET,
            unit_code: code,
            decision_number: format!("{numbers}/QĐ-UBND"),
            decided_on,
            issued_by: PROVINCE_PEOPLES_COMMITTEE,
        });
    }

    // The city against its own set, every December 2016–2019, reaching all met at the end of 2019:
    // (year, criteria not yet met, of which partly met).
    let mut order: Vec<usize> = (0..vmdt.len()).collect();
    order.shuffle(&mut r);
    for (year, short, partly) in [(2016, 11, 6), (2017, 7, 5), (2018, 3, 3), (2019, 0, 0)] {
        let met = vmdt.len().saturating_sub(short);
        let marks = order_marks(&vmdt, &order, met, partly, |c, s| vmdt_evidence(c, s, year));
        plan.assessments.push(DemoAssessment {
            set_code: VMDT_SET,
            unit_code: CITY_ROOT.to_string(),
            as_of: d(year, 12, 20),
            note: format!("Tự đánh giá cuối năm {year} của Ban Chỉ đạo thành phố"),
            marks,
        });
    }
    plan.recognitions.push(DemoRecognition {
        set_code: VMDT_SET,
        unit_code: CITY_ROOT.to_string(),
        decision_number: "215/QĐ-UBND".to_string(),
        decided_on: d(2020, 1, 31),
        issued_by: PROVINCE_PEOPLES_COMMITTEE,
    });
    plan.assessments.sort_by(|a, b| {
        (a.as_of, a.set_code, &a.unit_code).cmp(&(b.as_of, b.set_code, &b.unit_code))
    });
    plan.classifications.push(DemoClassification {
        unit_code: CITY_ROOT.to_string(),
        title: URBAN_CLASS,
        // The demo's number and day, not the real decision's.
        decision_number: "1193/QĐ-TTg",
        decided_on: d(2019, 9, 12),
        issued_by: "Thủ tướng Chính phủ",
        note: "Công nhận thành phố Bến Tre là đô thị loại II trực thuộc tỉnh Bến Tre (số và ngày quyết định \
               của dữ liệu mẫu).",
    });
    plan
}

/// Marks for every criterion: the first `met` of `order` met, the next `partly` partly met, the rest not.
fn order_marks(
    items: &[DemoCriterion],
    order: &[usize],
    met: usize,
    partly: usize,
    evidence: impl Fn(&DemoCriterion, CriterionState) -> String,
) -> Vec<DemoCriterionMark> {
    let mut state = vec![CriterionState::NotMet; items.len()];
    for (rank, &i) in order.iter().enumerate() {
        state[i] = if rank < met {
            CriterionState::Met
        } else if rank < met + partly {
            CriterionState::Partly
        } else {
            CriterionState::NotMet
        };
    }
    items
        .iter()
        .zip(state)
        .map(|(c, s)| DemoCriterionMark {
            code: c.code.clone(),
            state: s,
            evidence: evidence(c, s),
        })
        .collect()
}

/// A commune's assessments (30/06 and 15/12 of each year 2016–2019) with all 19 met from 30/06 of its
/// recognition year on; returns them and that day.
fn commune_assessments(
    commune: &DemoUnit,
    year: i32,
    seed: u64,
    items: &[DemoCriterion],
) -> (Vec<DemoAssessment>, NaiveDate) {
    let mut r = rng(seed, 100 + commune.sort_order as u64);
    let mut days = Vec::new();
    for y in 2016..=2019 {
        days.push(d(y, 6, 30));
        days.push(d(y, 12, 15));
    }
    let all_met_on = d(year, 6, 30);
    let steps = days.iter().filter(|x| **x <= all_met_on).count().max(1);
    let total = items.len();
    let start = r.gen_range(10..=14).min(total);
    let mut order: Vec<usize> = (0..total).collect();
    order.shuffle(&mut r);
    let mut out = Vec::new();
    let mut met = start;
    for (k, day) in days.iter().enumerate() {
        if k > 0 && k < steps {
            // Rising believably towards all met on the last step.
            let left = total - met;
            let remaining_steps = steps - k;
            let gain = left.div_ceil(remaining_steps);
            met = (met + gain.min(left)).min(total - 1);
        }
        if k + 1 >= steps {
            met = total;
        }
        let partly = if met < total {
            r.gen_range(1..=3).min(total - met)
        } else {
            0
        };
        let progress = met as f64 / total as f64;
        let marks = order_marks(items, &order, met, partly, |c, s| {
            ntm_evidence(c, s, progress)
        });
        out.push(DemoAssessment {
            set_code: NTM_SET,
            unit_code: commune.code.clone(),
            as_of: *day,
            note: if day.month() == 6 {
                format!("Rà soát giữa năm {}", day.year())
            } else {
                format!("Đánh giá cuối năm {}", day.year())
            },
            marks,
        });
    }
    (out, all_met_on)
}

fn pct(v: f64) -> String {
    domain::text::format_percent(v / 100.0)
}

/// Evidence of a new-rural criterion: the measured figure, better when met.
fn ntm_evidence(c: &DemoCriterion, s: CriterionState, progress: f64) -> String {
    let q = match s {
        CriterionState::Met => 1.0,
        CriterionState::Partly => 0.6,
        CriterionState::NotMet => 0.3,
    } * (0.7 + 0.3 * progress);
    let lerp = |lo: f64, hi: f64| ((lo + (hi - lo) * q) * 10.0).round() / 10.0;
    match c.code.as_str() {
        "1" => match s {
            CriterionState::Met => {
                "Quy hoạch chung xây dựng xã được phê duyệt, công bố công khai".into()
            }
            _ => "Quy hoạch chung đang điều chỉnh theo bộ tiêu chí mới".into(),
        },
        "2" => format!(
            "{} đường trục xã được nhựa hóa, bê tông hóa",
            pct(lerp(55.0, 100.0))
        ),
        "3" => format!(
            "{} diện tích sản xuất được tưới, tiêu chủ động",
            pct(lerp(60.0, 95.0))
        ),
        "4" => format!(
            "{} hộ sử dụng điện thường xuyên, an toàn",
            pct(lerp(95.0, 99.8))
        ),
        "5" => format!(
            "{}/4 trường đạt chuẩn cơ sở vật chất",
            (lerp(1.0, 4.0)).round() as i64
        ),
        "6" => format!(
            "Nhà văn hóa xã; {} ấp có nơi sinh hoạt văn hóa, thể thao",
            pct(lerp(50.0, 100.0))
        ),
        "7" => match s {
            CriterionState::Met => "Chợ xã đạt chuẩn theo quy định".into(),
            _ => "Chợ xã đang nâng cấp, chưa đạt chuẩn".into(),
        },
        "8" => format!(
            "Có điểm phục vụ bưu chính; {} ấp có loa truyền thanh",
            pct(lerp(60.0, 100.0))
        ),
        "9" => format!(
            "Không còn nhà tạm; {} nhà ở đạt chuẩn",
            pct(lerp(70.0, 92.0))
        ),
        "10" => format!(
            "Thu nhập bình quân {} triệu đồng/người/năm",
            domain::text::format_int(lerp(30.0, 52.0).round() as i64)
        ),
        "11" => format!("Tỷ lệ hộ nghèo còn {}", pct(lerp(8.5, 2.1))),
        "12" => format!(
            "{} người trong độ tuổi lao động có việc làm",
            pct(lerp(85.0, 95.0))
        ),
        "13" => format!(
            "Có {} hợp tác xã, tổ hợp tác hoạt động hiệu quả",
            lerp(0.0, 3.0).round() as i64
        ),
        "14" => format!(
            "{} học sinh tốt nghiệp THCS tiếp tục học",
            pct(lerp(80.0, 96.0))
        ),
        "15" => format!("{} người dân tham gia bảo hiểm y tế", pct(lerp(70.0, 90.5))),
        "16" => format!("{} ấp đạt chuẩn ấp văn hóa", pct(lerp(50.0, 100.0))),
        "17" => format!(
            "{} hộ dùng nước hợp vệ sinh; {} hộ có nhà tiêu hợp vệ sinh",
            pct(lerp(85.0, 99.0)),
            pct(lerp(65.0, 98.1))
        ),
        "18" => match s {
            CriterionState::Met => {
                "Đảng bộ, chính quyền xã hoàn thành tốt nhiệm vụ; xã đạt chuẩn tiếp cận pháp luật"
                    .into()
            }
            _ => "Xã chưa đạt chuẩn tiếp cận pháp luật".into(),
        },
        _ => match s {
            CriterionState::Met => {
                "Hoàn thành chỉ tiêu quốc phòng; không có tụ điểm phức tạp về trật tự xã hội".into()
            }
            _ => "Còn điểm phức tạp về trật tự xã hội cần giải quyết".into(),
        },
    }
}

/// Evidence of a "văn minh đô thị" criterion.
fn vmdt_evidence(c: &DemoCriterion, s: CriterionState, year: i32) -> String {
    match s {
        CriterionState::Met => format!("Đạt: {} (năm {year})", c.target.to_lowercase()),
        CriterionState::Partly => format!(
            "Đạt một phần, chưa đủ chỉ tiêu: {}",
            c.target.to_lowercase()
        ),
        CriterionState::NotMet => "Chưa đạt, có kế hoạch khắc phục trong năm sau".to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::report_day;
    use super::super::tests::city;
    use super::*;

    #[test]
    fn the_national_set_has_19_criteria_in_five_groups() {
        let items = ntm_criteria();
        assert_eq!(items.len(), 19);
        let groups: HashSet<&str> = items.iter().map(|c| c.group.as_str()).collect();
        assert_eq!(groups.len(), 5, "{groups:?}");
        assert_eq!(items[10].title, "Hộ nghèo");
        assert!(items.iter().all(|c| domain::criteria::valid_code(&c.code)));
        let vm = vmdt_criteria();
        assert_eq!(vm.len(), 35);
        let groups: HashSet<&str> = vm.iter().map(|c| c.group.as_str()).collect();
        assert_eq!(groups.len(), 5);
        for c in items.iter().chain(&vm) {
            assert_eq!(domain::text::normalize(&c.title), c.title);
        }
    }

    #[test]
    fn every_commune_is_recognised_after_all_19_are_met_and_before_2020() {
        let units = city();
        let plan = criteria(&units, 2020);
        let communes = communes(&units);
        assert_eq!(communes.len(), 6);
        assert!(communes.iter().all(|u| u.name.starts_with("Đảng bộ xã")));
        let ntm = &plan.sets[0];
        assert_eq!(ntm.unit_codes.len(), 6);
        assert!(plan.sets[1].description.contains("dữ liệu mẫu"));
        // The descriptions name the number of criteria the sets hold.
        assert!(plan.sets[0].description.starts_with("19 tiêu chí "));
        assert!(plan.sets[1].description.contains(" 35 tiêu chí "));
        let mut years = HashSet::new();
        for u in &communes {
            let mine: Vec<&DemoAssessment> = plan
                .assessments
                .iter()
                .filter(|a| a.set_code == NTM_SET && a.unit_code == u.code)
                .collect();
            assert_eq!(mine.len(), 8, "{}", u.code);
            let first = mine[0];
            assert!(
                (10..=14).contains(&first.met()),
                "{}: {}",
                u.code,
                first.met()
            );
            assert!(mine.windows(2).all(|w| w[0].met() <= w[1].met()));
            assert!(mine
                .iter()
                .any(|a| a.marks.iter().any(|m| m.state == CriterionState::Partly)));
            let rec = plan
                .recognitions
                .iter()
                .find(|r| r.set_code == NTM_SET && r.unit_code == u.code)
                .expect("every commune recognised");
            assert!(rec.decided_on <= d(2019, 12, 31));
            years.insert(rec.decided_on.year());
            // The latest assessment on or before the decision has all 19 met (the store's rule).
            let last = mine
                .iter()
                .rfind(|a| a.as_of <= rec.decided_on)
                .expect("assessed before");
            assert_eq!(last.met(), 19, "{}", u.code);
            // The domain's view of the records agrees.
            let codes: Vec<&str> = ntm.items.iter().map(|c| c.code.as_str()).collect();
            let marks: Vec<domain::criteria::Mark<'_>> = mine
                .iter()
                .flat_map(|a| {
                    a.marks.iter().map(|m| domain::criteria::Mark {
                        code: &m.code,
                        as_of: a.as_of,
                        state: m.state,
                    })
                })
                .collect();
            assert!(
                domain::criteria::unmet_for_recognition(&codes, &marks, rec.decided_on).is_empty()
            );
            assert!(!domain::criteria::status_on(&codes, &marks, d(2016, 12, 31)).all_met());
            assert!(rec.decision_number.ends_with("/QĐ-UBND"));
        }
        assert_eq!(years, HashSet::from([2017, 2018, 2019]));
        // 35/35 for the city at the end of 2019.
        let city_last = plan
            .assessments
            .iter()
            .rfind(|a| a.set_code == VMDT_SET && a.as_of <= report_day())
            .unwrap();
        assert_eq!((city_last.met(), city_last.marks.len()), (35, 35));
        assert!(plan
            .classifications
            .iter()
            .any(|c| c.title == URBAN_CLASS && c.decided_on < report_day()));
        assert_eq!(plan, criteria(&units, 2020), "deterministic");
    }
}
