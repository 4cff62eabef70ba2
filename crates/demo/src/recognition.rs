//! The demo's standards and recognition (docs/DOMAIN.md § Criteria sets and classifications, §
//! Commendations) for Bến Tre city, 2016–2020: what the seed reports as outcomes, as records.
//!
//! - Set `NTM-2016`: the 19 criteria of the national set for new-rural communes 2016–2020
//!   (`data/nong-thon-moi-19.csv`), applied to the city's communes ("xã …" units, not wards), owned by the
//!   city. Each commune is assessed at mid-year and year-end from 2016 with its met count rising from 10–14
//!   of 19 to 19, partly met criteria on the way, and is recognised ("công nhận xã đạt chuẩn nông thôn
//!   mới", Ủy ban nhân dân tỉnh Bến Tre) a few months after its first all-met assessment: some in 2017, some
//!   in 2018, the rest in 2019, so that every commune is recognised by 31/12/2019.
//! - Set `VMDT-BT`: the city's 35 "văn minh đô thị" criteria, assessed yearly 2016–2019 up to 35/35 at the
//!   end of 2019. The list is the demo's: the local document with the exact wording is not public, and the
//!   set's description says so.
//! - The city's classification "Đô thị loại II" (a decision of the Thủ tướng Chính phủ; the number and day
//!   are the demo's, not the real decision's).
//! - Commendations: one decided commendation for each of the seven models of the seed (and for the one
//!   other model a city office had commended), which is what makes them "được biểu dương"; each year the
//!   grassroots committees' certificates for exemplary members (chosen among the members rated "hoàn thành
//!   xuất sắc nhiệm vụ" that year, their registration of the year linked) and titles for their cells, the
//!   city's certificates and titles, a few provincial merits recorded by the city office, and a handful of
//!   proposals of 2020 still waiting for the city's decision.
//!
//! No I/O. Deterministic in the seed. Member recipients come from [`Candidate`]s the caller supplies (the
//! loader reads them from the registrations it stored: member, registration, cell and rating of a year).

use crate::places::CITY_WARDS;
use crate::DemoUnit;
use chrono::{Datelike, NaiveDate};
use domain::commendation::{CommendationKind, CommendationLevel};
use domain::criteria::CriterionState;
use domain::registration::Rating;
use domain::UnitType;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap, HashSet};

const SALT_RECOGNITION: u64 = 0x7265_636f_676e_6931;

/// The city root whose records this module plans.
pub const CITY_ROOT: &str = "TU-BT";
/// The national new-rural set for communes.
pub const NTM_SET: &str = "NTM-2016";
/// The city's "văn minh đô thị" set.
pub const VMDT_SET: &str = "VMDT-BT";
/// The classification of the city.
pub const URBAN_CLASS: &str = "Đô thị loại II";
/// Who recognises communes and the city.
pub const PROVINCE_PEOPLES_COMMITTEE: &str = "Ủy ban nhân dân tỉnh Bến Tre";
/// The day the seed's figures are read on (the report's date).
pub fn report_day() -> NaiveDate {
    d(2020, 5, 20)
}

const NTM_CSV: &str = include_str!("../data/nong-thon-moi-19.csv");

/// One criterion of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriterion {
    pub code: String,
    pub title: String,
    pub group: String,
    pub measure: String,
    pub target: String,
}

/// A criteria set and the units it applies to (by code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriteriaSet {
    pub code: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    pub description: &'static str,
    pub owner_code: String,
    pub unit_codes: Vec<String>,
    pub items: Vec<DemoCriterion>,
}

/// One criterion's state in an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriterionMark {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// A dated assessment of a unit against a set (every criterion of the set named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAssessment {
    pub set_code: &'static str,
    pub unit_code: String,
    pub as_of: NaiveDate,
    pub note: String,
    pub marks: Vec<DemoCriterionMark>,
}

impl DemoAssessment {
    pub fn met(&self) -> usize {
        self.marks
            .iter()
            .filter(|m| m.state == CriterionState::Met)
            .count()
    }
}

/// A recognition decision (công nhận đạt chuẩn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRecognition {
    pub set_code: &'static str,
    pub unit_code: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: &'static str,
}

/// A classification of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoClassification {
    pub unit_code: String,
    pub title: &'static str,
    pub decision_number: &'static str,
    pub decided_on: NaiveDate,
    pub issued_by: &'static str,
    pub note: &'static str,
}

/// The criteria records of the demo, in loading order (sets, then assessments oldest first, then
/// recognitions and classifications).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CriteriaPlan {
    pub sets: Vec<DemoCriteriaSet>,
    pub assessments: Vec<DemoAssessment>,
    pub recognitions: Vec<DemoRecognition>,
    pub classifications: Vec<DemoClassification>,
}

/// A member who may be commended for a year: the caller's member id, the registration of that year, the
/// cell it was written in and its rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub member_id: i64,
    pub registration_id: i64,
    pub unit_code: String,
    pub rating: Rating,
}

/// A commendation to record: a decision (number and day) or a proposal (neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCommendation {
    pub kind: CommendationKind,
    pub label: String,
    /// `None`: the issuing unit's own level.
    pub level: Option<CommendationLevel>,
    pub issuer_code: String,
    /// The body named on the decision when it is outside the tree ("" = the issuing unit).
    pub issuer_name: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub reason: String,
    /// Candidates' member ids.
    pub member_ids: Vec<i64>,
    pub unit_codes: Vec<String>,
    /// Positions in `crate::models::models(units)`.
    pub model_indexes: Vec<usize>,
    pub registration_ids: Vec<i64>,
    /// A proposal: the unit whose secretary proposes it, and the day.
    pub proposed_by_unit: Option<String>,
    pub proposed_on: Option<NaiveDate>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ SALT_RECOGNITION ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

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
        description: "19 tiêu chí của Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2016–2020 \
                      (Quyết định số 1980/QĐ-TTg ngày 17/10/2016 của Thủ tướng Chính phủ), áp dụng cho các \
                      xã của thành phố Bến Tre.",
        owner_code: CITY_ROOT.to_string(),
        unit_codes: communes.iter().map(|u| u.code.clone()).collect(),
        items: ntm.clone(),
    });
    let vmdt = vmdt_criteria();
    plan.sets.push(DemoCriteriaSet {
        code: VMDT_SET,
        title: "Bộ tiêu chí thành phố văn minh đô thị",
        version: "2016–2020",
        description:
            "Danh mục 35 tiêu chí dùng cho dữ liệu mẫu; văn bản gốc của địa phương không công bố \
                      công khai.",
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

    // The city against its own set, every December 2016–2019, reaching 35/35 at the end of 2019.
    let mut order: Vec<usize> = (0..vmdt.len()).collect();
    order.shuffle(&mut r);
    for (year, met, partly) in [(2016, 24, 6), (2017, 28, 5), (2018, 32, 3), (2019, 35, 0)] {
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

fn decision(number: String, on: NaiveDate) -> (String, Option<NaiveDate>) {
    (number, Some(on))
}

#[allow(clippy::too_many_arguments)]
fn commendation(
    kind: CommendationKind,
    label: &str,
    level: Option<CommendationLevel>,
    issuer_code: &str,
    issuer_name: &str,
    (decision_number, decided_on): (String, Option<NaiveDate>),
    reason: String,
) -> DemoCommendation {
    DemoCommendation {
        kind,
        label: label.to_string(),
        level,
        issuer_code: issuer_code.to_string(),
        issuer_name: issuer_name.to_string(),
        decision_number,
        decided_on,
        reason,
        member_ids: Vec::new(),
        unit_codes: Vec::new(),
        model_indexes: Vec::new(),
        registration_ids: Vec::new(),
        proposed_by_unit: None,
        proposed_on: None,
    }
}

/// The commendations that made the models "được biểu dương": the seven of the seed and the one other
/// model a city office commended, each naming the model's owner unit and linking the model. Dates fall
/// after the model started, at the city's Chỉ thị 05 conferences (around 19/5) or a ward's year-end review.
pub fn model_commendations(units: &[DemoUnit]) -> Vec<DemoCommendation> {
    let models = crate::models::models(units);
    let parent: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.code.as_str(), u.parent_code.as_deref()?)))
        .collect();
    let index = |owner: &str| models.iter().position(|m| m.owner_code == owner);
    // (owner, issued by the city or the owner's ward, kind, decision, day, reason)
    let list: [(&str, bool, CommendationKind, &str, NaiveDate, &str); 8] = [
        ("SD-MTTQ", true, CommendationKind::Certificate, "125-QĐ/TU", d(2018, 5, 17),
         "Mô hình “Dân vận khéo” vận động nhân dân xây dựng nhà tiêu hợp vệ sinh, điển hình trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
        ("P7", true, CommendationKind::Praise, "125-QĐ/TU", d(2018, 5, 17),
         "Điển hình tiêu biểu trong thực hiện Chỉ thị 05-CT/TW, sơ kết 2 năm"),
        ("BT-CCB", true, CommendationKind::Certificate, "231-QĐ/TU", d(2019, 5, 16),
         "Mô hình “5 + 1” của Hội Cựu chiến binh, được nhân rộng ở các phường, xã"),
        ("P7-KV", true, CommendationKind::Praise, "231-QĐ/TU", d(2019, 5, 16),
         "Cách làm hay trong công tác dân vận của Khối vận Phường 7"),
        ("BP-A1", false, CommendationKind::Praise, "38-QĐ/ĐU", d(2017, 12, 26),
         "Vận động nhân dân hiến đất, góp công làm đường giao thông nông thôn"),
        ("P4-TDV2", false, CommendationKind::Certificate, "41-QĐ/ĐU", d(2018, 12, 27),
         "Tổ Dân vận tiêu biểu trong vận động nhân dân giữ gìn trật tự, vệ sinh khu phố"),
        ("P8-TDV1", false, CommendationKind::Praise, "29-QĐ/ĐU", d(2018, 6, 28),
         "Tổ Dân vận khéo, tiêu biểu trong phong trào thi đua “Dân vận khéo”"),
        ("P5-CQ", false, CommendationKind::Certificate, "44-QĐ/ĐU", d(2018, 12, 27),
         "Cách làm hay “4 xin, 4 luôn” trong tiếp dân, giải quyết hồ sơ đúng hạn"),
    ];
    let mut out: Vec<DemoCommendation> = Vec::new();
    for (owner, city, kind, number, day, reason) in list {
        let Some(i) = index(owner) else { continue };
        if models[i].started_on >= day {
            continue;
        }
        // The ward of a unit: the child of the city root it lies under.
        let mut ward = owner;
        while let Some(p) = parent.get(ward) {
            if *p == CITY_ROOT {
                break;
            }
            ward = p;
        }
        let issuer = if city { CITY_ROOT } else { ward };
        if let Some(c) = out
            .iter_mut()
            .find(|c| c.decision_number == number && c.issuer_code == issuer)
        {
            c.unit_codes.push(owner.to_string());
            c.model_indexes.push(i);
            continue;
        }
        let mut c = commendation(
            kind,
            "",
            None,
            issuer,
            "",
            decision(number.to_string(), day),
            reason.to_string(),
        );
        c.unit_codes.push(owner.to_string());
        c.model_indexes.push(i);
        out.push(c);
    }
    out
}

/// The grassroots organisations directly under the city root: its wards and communes, the committees
/// of the city's agencies and the grassroots cells.
fn grassroots(units: &[DemoUnit]) -> Vec<&DemoUnit> {
    units
        .iter()
        .filter(|u| {
            u.parent_code.as_deref() == Some(CITY_ROOT)
                && matches!(
                    u.unit_type,
                    UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
                )
        })
        .collect()
}

/// The grassroots organisation (child of the city root) of every unit below one.
fn grassroots_of(units: &[DemoUnit]) -> HashMap<&str, &str> {
    let parent: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.code.as_str(), u.parent_code.as_deref()?)))
        .collect();
    let mut out = HashMap::new();
    for u in units {
        let mut c = u.code.as_str();
        while let Some(p) = parent.get(c) {
            if *p == CITY_ROOT {
                out.insert(u.code.as_str(), c);
                break;
            }
            c = p;
        }
    }
    out
}

fn take_random<T: Clone>(r: &mut ChaCha8Rng, pool: &[T], n: usize) -> Vec<T> {
    pool.choose_multiple(r, n.min(pool.len()))
        .cloned()
        .collect()
}

/// The commendations decided at the end of `year` (28–30/12): each grassroots committee's certificates for
/// its exemplary members and its title "Chi bộ trong sạch vững mạnh" for most of its cells; the city's
/// certificates for a few dozen members across the city and its title "Tổ chức cơ sở đảng hoàn thành xuất
/// sắc nhiệm vụ" for some grassroots organisations; a few merits of the province recorded by the city
/// office; in 2019 the province's emulation flag for the first commune recognised new-rural. Members are
/// chosen among the `candidates` rated "hoàn thành xuất sắc nhiệm vụ", their registration linked.
pub fn year_commendations(
    units: &[DemoUnit],
    seed: u64,
    year: i32,
    candidates: &[Candidate],
) -> Vec<DemoCommendation> {
    if !units.iter().any(|u| u.code == CITY_ROOT) {
        return Vec::new();
    }
    let mut r = rng(seed, 1000 + year as u64);
    let top = grassroots_of(units);
    let mut by_top: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates.iter().filter(|c| c.rating == Rating::Excellent) {
        if let Some(t) = top.get(c.unit_code.as_str()) {
            by_top.entry(t).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    let mut chosen: HashSet<i64> = HashSet::new();
    let mut city_no = 380 + r.gen_range(0..40);
    let grassroots = grassroots(units);
    for g in grassroots
        .iter()
        .filter(|g| g.unit_type == UnitType::GrassrootsCommittee)
    {
        let mut no = 30 + r.gen_range(0..30);
        let area = g.name.trim_start_matches("Đảng bộ ");
        // Certificates for the ward's exemplary members (about a third of those rated excellent).
        let pool = by_top.get(g.code.as_str()).cloned().unwrap_or_default();
        let n = (pool.len() * r.gen_range(30..45)).div_ceil(100);
        let picked = take_random(&mut r, &pool, n);
        if !picked.is_empty() {
            let mut c = commendation(
                CommendationKind::Certificate,
                "",
                None,
                &g.code,
                "",
                decision(format!("{no}-QĐ/ĐU"), d(year, 12, 28)),
                format!(
                    "Đảng viên hoàn thành xuất sắc nhiệm vụ năm {year}, tiêu biểu trong học tập và làm theo \
                     tư tưởng, đạo đức, phong cách Hồ Chí Minh"
                ),
            );
            let mut picked = picked;
            picked.sort_by_key(|c| c.member_id);
            for m in picked {
                chosen.insert(m.member_id);
                c.member_ids.push(m.member_id);
                c.registration_ids.push(m.registration_id);
            }
            out.push(c);
            no += 1;
        }
        // "Chi bộ trong sạch vững mạnh" for most of its cells.
        let cells: Vec<String> = units
            .iter()
            .filter(|u| {
                u.parent_code.as_deref() == Some(g.code.as_str()) && u.unit_type == UnitType::Cell
            })
            .map(|u| u.code.clone())
            .collect();
        let n = (cells.len() * r.gen_range(55..80)).div_ceil(100);
        let mut titled = take_random(&mut r, &cells, n);
        if !titled.is_empty() {
            titled.sort_by_key(|c| cells.iter().position(|x| x == c));
            let mut c = commendation(
                CommendationKind::Title,
                "Chi bộ trong sạch vững mạnh",
                None,
                &g.code,
                "",
                decision(format!("{no}-QĐ/ĐU"), d(year, 12, 28)),
                format!(
                    "Kết quả kiểm điểm, đánh giá chất lượng tổ chức đảng năm {year} của {area}"
                ),
            );
            c.unit_codes = titled;
            out.push(c);
        }
    }
    // The city's certificates: a few dozen members across the city not yet commended by their ward.
    let pool: Vec<&Candidate> = by_top
        .values()
        .flatten()
        .copied()
        .filter(|c| !chosen.contains(&c.member_id))
        .collect();
    let n = r.gen_range(24..42);
    let mut picked = take_random(&mut r, &pool, n);
    picked.sort_by_key(|c| c.member_id);
    if !picked.is_empty() {
        city_no += 1;
        let mut c = commendation(
            CommendationKind::Certificate,
            "",
            None,
            CITY_ROOT,
            "",
            decision(format!("{city_no}-QĐ/TU"), d(year, 12, 29)),
            format!(
                "Có thành tích xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh \
                 năm {year}"
            ),
        );
        for m in &picked {
            chosen.insert(m.member_id);
            c.member_ids.push(m.member_id);
            c.registration_ids.push(m.registration_id);
        }
        out.push(c);
    }
    // "Tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ" for about a third of the grassroots organisations.
    let codes: Vec<String> = grassroots.iter().map(|u| u.code.clone()).collect();
    let n = (codes.len() * r.gen_range(28..40)).div_ceil(100);
    let mut titled = take_random(&mut r, &codes, n);
    titled.sort_by_key(|c| codes.iter().position(|x| x == c));
    if !titled.is_empty() {
        city_no += 1;
        let mut c = commendation(
            CommendationKind::Title,
            "Tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ",
            None,
            CITY_ROOT,
            "",
            decision(format!("{city_no}-QĐ/TU"), d(year, 12, 30)),
            format!("Kết quả đánh giá, xếp loại chất lượng tổ chức cơ sở đảng năm {year}"),
        );
        c.unit_codes = titled;
        out.push(c);
    }
    // A few merits of the province's standing committee, recorded by the city office.
    let pool: Vec<&Candidate> = by_top
        .values()
        .flatten()
        .copied()
        .filter(|c| !chosen.contains(&c.member_id))
        .collect();
    let n = r.gen_range(2..5);
    let mut picked = take_random(&mut r, &pool, n);
    picked.sort_by_key(|c| c.member_id);
    if !picked.is_empty() {
        let mut c = commendation(
            CommendationKind::Merit,
            "",
            Some(CommendationLevel::Province),
            CITY_ROOT,
            "Ban Thường vụ Tỉnh ủy Bến Tre",
            decision(
                format!("{}-QĐ/TU", 1500 + r.gen_range(0..400)),
                d(year, 12, 30),
            ),
            format!("Có thành tích xuất sắc trong thực hiện Chỉ thị 05-CT/TW năm {year}"),
        );
        for m in picked {
            c.member_ids.push(m.member_id);
            c.registration_ids.push(m.registration_id);
        }
        out.push(c);
    }
    // 2019: the province's emulation flag for the commune recognised new-rural first.
    if year == 2019 {
        let plan = criteria(units, seed);
        if let Some(first) = plan.recognitions.iter().find(|x| x.set_code == NTM_SET) {
            let mut c = commendation(
                CommendationKind::EmulationFlag,
                "",
                Some(CommendationLevel::Province),
                CITY_ROOT,
                PROVINCE_PEOPLES_COMMITTEE,
                decision(format!("{}/QĐ-UBND", 2900 + r.gen_range(0..200)), d(year, 12, 30)),
                "Đơn vị dẫn đầu phong trào thi đua “Cả nước chung sức xây dựng nông thôn mới” năm 2019"
                    .to_string(),
            );
            c.unit_codes.push(first.unit_code.clone());
            out.push(c);
        }
    }
    out
}

/// Proposals made in 2020 and not decided yet: the secretaries of Phường 7 and xã Sơn Đông propose the
/// city's certificate for a few of their members rated "hoàn thành xuất sắc nhiệm vụ" in 2020 (`candidates`
/// are the 2020 ones); members already commended in `decided` are left out.
pub fn pending_proposals(
    units: &[DemoUnit],
    seed: u64,
    candidates: &[Candidate],
    decided: &[DemoCommendation],
) -> Vec<DemoCommendation> {
    if !units.iter().any(|u| u.code == CITY_ROOT) {
        return Vec::new();
    }
    let mut r = rng(seed, 9000);
    let top = grassroots_of(units);
    let done: HashSet<i64> = decided
        .iter()
        .flat_map(|c| c.member_ids.iter().copied())
        .collect();
    let mut out = Vec::new();
    for (ward, reason) in [
        ("P7", "Tiêu biểu trong thực hiện Chỉ thị 05-CT/TW năm 2020, đi đầu trong phòng, chống dịch COVID-19 ở khu phố"),
        ("SD", "Tiêu biểu trong vận động nhân dân giữ vững xã đạt chuẩn nông thôn mới năm 2020"),
    ] {
        if !units.iter().any(|u| u.code == ward) {
            continue;
        }
        let pool: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| {
                c.rating == Rating::Excellent
                    && top.get(c.unit_code.as_str()) == Some(&ward)
                    && !done.contains(&c.member_id)
            })
            .collect();
        // Two proposals per ward, one to three members each.
        let mut picked = take_random(&mut r, &pool, 4);
        picked.sort_by_key(|c| c.member_id);
        for chunk in picked.chunks(2) {
            let mut c = commendation(
                CommendationKind::Certificate,
                "",
                None,
                CITY_ROOT,
                "",
                (String::new(), None),
                reason.to_string(),
            );
            for m in chunk {
                c.member_ids.push(m.member_id);
                c.registration_ids.push(m.registration_id);
            }
            c.proposed_by_unit = Some(ward.to_string());
            // After the year-end rating that made them candidates.
            c.proposed_on = Some(d(2020, 12, 28));
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::Scale;

    fn city() -> Vec<DemoUnit> {
        crate::units(Scale::City, 2020)
    }

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

    #[test]
    fn the_seven_seed_models_are_commended_after_they_started() {
        let units = city();
        let models = crate::models::models(&units);
        let list = model_commendations(&units);
        let linked: HashSet<usize> = list
            .iter()
            .flat_map(|c| c.model_indexes.iter().copied())
            .collect();
        for (i, m) in models.iter().enumerate().filter(|(_, m)| m.from_seed) {
            assert!(linked.contains(&i), "{}", m.name);
        }
        for c in &list {
            for &i in &c.model_indexes {
                assert!(c.decided_on.is_some_and(|day| day > models[i].started_on));
                assert!(c.unit_codes.iter().any(|u| u == models[i].owner_code));
            }
            assert!(
                c.issuer_code == CITY_ROOT
                    || units
                        .iter()
                        .any(|u| u.code == c.issuer_code
                            && u.parent_code.as_deref() == Some(CITY_ROOT))
            );
        }
    }

    fn fake_candidates(units: &[DemoUnit], year: i32) -> Vec<Candidate> {
        let mut r = rng(1, year as u64);
        let cells: Vec<&DemoUnit> = units
            .iter()
            .filter(|u| matches!(u.unit_type, UnitType::Cell | UnitType::GrassrootsCell))
            .collect();
        (0..6000)
            .map(|i| Candidate {
                member_id: i,
                registration_id: 100_000 + i,
                unit_code: cells[r.gen_range(0..cells.len())].code.clone(),
                rating: if r.gen_range(0..100) < 18 {
                    Rating::Excellent
                } else {
                    Rating::Good
                },
            })
            .collect()
    }

    #[test]
    fn yearly_commendations_have_believable_numbers() {
        let units = city();
        let top = grassroots_of(&units);
        for year in 2016..=2020 {
            let cands = fake_candidates(&units, year);
            let list = year_commendations(&units, 2020, year, &cands);
            let members = |f: &dyn Fn(&DemoCommendation) -> bool| -> usize {
                list.iter()
                    .filter(|c| f(c))
                    .map(|c| c.member_ids.len())
                    .sum()
            };
            let grassroots = members(&|c| c.issuer_code != CITY_ROOT);
            let city = members(&|c| c.issuer_code == CITY_ROOT && c.level.is_none());
            assert!((150..=400).contains(&grassroots), "{year}: {grassroots}");
            assert!((20..=60).contains(&city), "{year}: {city}");
            let by_id: HashMap<i64, &Candidate> = cands.iter().map(|c| (c.member_id, c)).collect();
            for c in &list {
                assert!(c
                    .decided_on
                    .is_some_and(|day| day.year() == year && day.month() == 12));
                assert_eq!(c.member_ids.len(), c.registration_ids.len());
                assert!(c.member_ids.len() + c.unit_codes.len() > 0);
                for m in &c.member_ids {
                    let cand = by_id[m];
                    assert_eq!(cand.rating, Rating::Excellent);
                    // Every recipient lies in the issuer's subtree.
                    if c.issuer_code != CITY_ROOT {
                        assert_eq!(top[cand.unit_code.as_str()], c.issuer_code);
                    }
                }
                if c.kind == CommendationKind::Title {
                    assert!(!c.label.is_empty() && !c.unit_codes.is_empty());
                }
                if c.level == Some(CommendationLevel::Province) {
                    assert!(!c.issuer_name.is_empty());
                }
            }
            assert!(list
                .iter()
                .any(|c| c.label == "Chi bộ trong sạch vững mạnh"));
            assert!(list.iter().any(|c| c.kind == CommendationKind::Merit));
            assert_eq!(list, year_commendations(&units, 2020, year, &cands));
        }
        let cands = fake_candidates(&units, 2020);
        let decided = year_commendations(&units, 2020, 2020, &cands);
        let pending = pending_proposals(&units, 2020, &cands, &decided);
        assert!((2..=6).contains(&pending.len()), "{}", pending.len());
        assert!(pending.iter().all(|c| c.decided_on.is_none()
            && c.decision_number.is_empty()
            && c.proposed_by_unit.is_some()));
    }

    #[test]
    fn other_scales_plan_the_city_or_nothing() {
        let national_like: Vec<DemoUnit> =
            city().into_iter().filter(|u| u.code != CITY_ROOT).collect();
        assert_eq!(criteria(&national_like, 1), CriteriaPlan::default());
        assert!(year_commendations(&national_like, 1, 2017, &[]).is_empty());
    }
}
