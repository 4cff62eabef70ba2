//! The demo's good-practice models ("mô hình, cách làm hay"): the seven models the Bến Tre report names,
//! with the owner units it names (docs/DOMAIN.md § Models), and fifteen more of the kinds a city records,
//! each with measured results over 2016–2019 and the units that took it up (replication). No I/O, no
//! randomness: the list is the same for every seed; models whose owner unit is not in `units` are left out,
//! and so are adoptions by units that are missing.
//!
//! Owner units of the seed's models: "SD-MTTQ" (Ủy ban MTTQ xã Sơn Đông), "BP-A1" (Chi bộ ấp Bình
//! Thạnh, xã Bình Phú), "BT-CCB" (Hội Cựu chiến binh thành phố; the seed shows its "5 + 1" model and says
//! the veterans' associations of the wards and communes carry it out, so those are its adoptions), "P7"
//! (Phường 7), "P4-TDV2" (Tổ Dân vận Khu phố 2, Phường 4), "P7-KV" (Khối vận Phường 7), "P8-TDV1" (Tổ
//! Dân vận Khu phố 1, Phường 8).

use crate::DemoUnit;
use chrono::{Datelike, NaiveDate};
use domain::models::ModelStatus;
use std::collections::HashSet;

/// One measured result.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoResult {
    pub measured_on: NaiveDate,
    pub indicator: &'static str,
    pub value: f64,
    pub unit: &'static str,
}

/// A unit that adopted the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAdoption {
    pub unit_code: &'static str,
    pub adopted_on: NaiveDate,
    pub note: &'static str,
}

/// A good-practice model of the demo.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoModel {
    pub owner_code: &'static str,
    pub name: &'static str,
    /// One of `domain::models::FIELDS`.
    pub field: &'static str,
    pub description: &'static str,
    pub started_on: NaiveDate,
    pub participants: &'static str,
    pub participants_count: Option<i64>,
    /// The status after the adoptions are recorded (an adopted model "đang triển khai" becomes "nhân
    /// rộng" by itself, see `domain::models`). Never "được biểu dương": that comes from the commendations
    /// naming the model (`crate::recognition::model_commendations`).
    pub status: ModelStatus,
    pub public: bool,
    /// Named in the Bến Tre report.
    pub from_seed: bool,
    /// Oldest first.
    pub results: Vec<DemoResult>,
    /// Oldest first.
    pub adoptions: Vec<DemoAdoption>,
    /// Colour of the illustrative photo the loader draws (seed models only), RGB.
    pub photo_colour: Option<[u8; 3]>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// Year-end results of one indicator: (year, value) pairs measured on 31/12.
fn yearly(indicator: &'static str, unit: &'static str, values: &[(i32, f64)]) -> Vec<DemoResult> {
    values
        .iter()
        .map(|&(y, value)| DemoResult {
            measured_on: d(y, 12, 31),
            indicator,
            value,
            unit,
        })
        .collect()
}

fn adopted(unit_code: &'static str, on: NaiveDate, note: &'static str) -> DemoAdoption {
    DemoAdoption {
        unit_code,
        adopted_on: on,
        note,
    }
}

/// The models whose owner unit is in `units`, in a stable order (the seven of the Bến Tre report first).
pub fn models(units: &[DemoUnit]) -> Vec<DemoModel> {
    let codes: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
    all()
        .into_iter()
        .filter(|m| codes.contains(m.owner_code))
        .map(|mut m| {
            m.adoptions.retain(|a| codes.contains(a.unit_code));
            if m.adoptions.is_empty() && m.status == ModelStatus::Replicated {
                m.status = ModelStatus::InProgress;
            }
            m
        })
        .collect()
}

fn model(
    owner_code: &'static str,
    name: &'static str,
    field: &'static str,
    started_on: NaiveDate,
    description: &'static str,
) -> DemoModel {
    DemoModel {
        owner_code,
        name,
        field,
        description,
        started_on,
        participants: "",
        participants_count: None,
        status: ModelStatus::InProgress,
        public: true,
        from_seed: false,
        results: Vec::new(),
        adoptions: Vec::new(),
        photo_colour: None,
    }
}

fn all() -> Vec<DemoModel> {
    let mut out = seed_models();
    out.extend(other_models());
    out
}

fn seed_models() -> Vec<DemoModel> {
    let mut v = Vec::new();

    let mut m = model(
        "SD-MTTQ",
        "“Dân vận khéo” vận động nhân dân xây dựng nhà tiêu hợp vệ sinh",
        "Dân vận",
        d(2016, 8, 15),
        "Ban công tác Mặt trận các ấp đến từng hộ chưa có nhà tiêu hợp vệ sinh, vận động con cháu, \
         người thân góp tiền, Mặt trận và các đoàn thể hỗ trợ vật liệu và ngày công; hộ khó khăn được \
         vay vốn ưu đãi. Mỗi quý các ấp đối chiếu danh sách, công khai kết quả trên loa truyền thanh xã.",
    );
    m.participants = "Ban công tác Mặt trận 6 ấp, hội viên các đoàn thể và nhân dân";
    m.participants_count = Some(240);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Số hộ có nhà tiêu hợp vệ sinh",
        "hộ",
        &[
            (2016, 1120.0),
            (2017, 1386.0),
            (2018, 1602.0),
            (2019, 1745.0),
        ],
    );
    m.results.extend(yearly(
        "Tỷ lệ hộ có nhà tiêu hợp vệ sinh",
        "%",
        &[(2016, 68.5), (2017, 81.2), (2018, 92.4), (2019, 98.1)],
    ));
    m.adoptions = vec![
        adopted(
            "PH-MTTQ",
            d(2018, 3, 15),
            "Áp dụng ở 6 ấp, kết hợp vận động làm hầm biogas",
        ),
        adopted("PN-MTTQ", d(2018, 6, 1), ""),
        adopted("NT-MTTQ", d(2019, 2, 20), "Ưu tiên hộ nghèo, cận nghèo"),
    ];
    m.photo_colour = Some([46, 125, 50]);
    v.push(m);

    let mut m = model(
        "BP-A1",
        "Vận động nhân dân đóng góp xây dựng giao thông nông thôn, thực hiện tiêu chí nông thôn mới",
        "Kinh tế",
        d(2016, 7, 1),
        "Chi bộ họp bàn công khai với dân từng tuyến đường: dân bàn, dân làm, dân kiểm tra. Các hộ \
         hiến đất, dời hàng rào, góp tiền và ngày công; đảng viên nêu gương đóng góp trước. Mỗi tuyến \
         có tổ giám sát của nhân dân và được nghiệm thu công khai.",
    );
    m.participants = "Đảng viên chi bộ, các hộ dân ấp Bình Thạnh";
    m.participants_count = Some(310);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Chiều dài đường bê tông làm mới",
        "mét",
        &[
            (2016, 850.0),
            (2017, 2100.0),
            (2018, 3400.0),
            (2019, 4650.0),
        ],
    );
    m.results.extend(yearly(
        "Số tiền nhân dân đóng góp",
        "triệu đồng",
        &[(2016, 320.0), (2017, 780.0), (2018, 1250.0), (2019, 1690.0)],
    ));
    m.results.extend(yearly(
        "Số hộ hiến đất",
        "hộ",
        &[(2016, 12.0), (2017, 31.0), (2018, 47.0), (2019, 58.0)],
    ));
    m.adoptions = vec![
        adopted("BP-A2", d(2017, 8, 1), ""),
        adopted("BP-A3", d(2018, 1, 10), "Làm 2 tuyến liên tổ"),
        adopted("MTA-A1", d(2018, 9, 1), ""),
    ];
    m.photo_colour = Some([121, 85, 72]);
    v.push(m);

    let mut m = model(
        "BT-CCB",
        "Mô hình “5 + 1” của Hội Cựu chiến binh",
        "An sinh xã hội",
        d(2017, 3, 1),
        "Năm hội viên khá giỏi cùng nhận giúp một hội viên nghèo hoặc cận nghèo: góp vốn không lãi, \
         cho con giống, hướng dẫn kỹ thuật và theo dõi đến khi thoát nghèo bền vững; hội viên được giúp \
         lại tham gia giúp người khác.",
    );
    m.participants = "Hội viên Cựu chiến binh các xã, phường";
    m.participants_count = Some(705);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Số hội viên nghèo, cận nghèo được giúp đỡ",
        "hội viên",
        &[(2017, 46.0), (2018, 98.0), (2019, 141.0)],
    );
    m.results.extend(yearly(
        "Số hội viên thoát nghèo",
        "hội viên",
        &[(2017, 18.0), (2018, 52.0), (2019, 97.0)],
    ));
    m.adoptions = vec![
        adopted("P7-CCB", d(2017, 6, 1), ""),
        adopted("P8-CCB", d(2017, 6, 1), ""),
        adopted("SD-CCB", d(2017, 9, 1), ""),
        adopted("BP-CCB", d(2018, 1, 15), ""),
        adopted("AH-CCB", d(2018, 3, 1), ""),
        adopted("PK-CCB", d(2018, 7, 1), ""),
    ];
    m.photo_colour = Some([27, 94, 32]);
    v.push(m);

    let mut m = model(
        "P7",
        "Tiết kiệm nuôi heo đất, tổ hụi tương trợ",
        "An sinh xã hội",
        d(2016, 10, 1),
        "Mỗi hộ nuôi một “heo đất” tiết kiệm hằng ngày; tổ hụi tương trợ không lấy lãi xoay vòng cho \
         hộ cần vốn sửa nhà, cho con đi học hoặc làm ăn nhỏ. Hội Phụ nữ các khu phố giữ sổ và công khai \
         mỗi kỳ họp tổ.",
    );
    m.participants = "Hội viên phụ nữ và các hộ dân 8 khu phố";
    m.participants_count = Some(205);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Số tiền tiết kiệm tích lũy",
        "triệu đồng",
        &[(2016, 85.0), (2017, 210.0), (2018, 356.0), (2019, 520.0)],
    );
    m.results.extend(yearly(
        "Số hộ tham gia",
        "hộ",
        &[(2016, 64.0), (2017, 118.0), (2018, 162.0), (2019, 205.0)],
    ));
    m.adoptions = vec![
        adopted("P6", d(2018, 4, 1), ""),
        adopted("P5-HPN", d(2019, 3, 1), "Làm ở 3 khu phố trước"),
    ];
    m.photo_colour = Some([230, 81, 0]);
    v.push(m);

    let mut m = model(
        "P4-TDV2",
        "Vận động nhân dân hiến đất, vật kiến trúc mở rộng hẻm",
        "Dân vận",
        d(2017, 2, 15),
        "Tổ Dân vận gặp từng hộ hai bên hẻm, đo đạc công khai, thống nhất phương án; các hộ tự nguyện \
         hiến đất, dời cổng rào, vật kiến trúc để mở hẻm đủ cho xe cứu thương, xe chữa cháy vào được. \
         Phường hỗ trợ xi măng, đá; nhân dân góp ngày công.",
    );
    m.participants = "Tổ Dân vận, Ban điều hành Khu phố 2 và các hộ dân";
    m.participants_count = Some(98);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Chiều dài hẻm được mở rộng",
        "mét",
        &[(2017, 320.0), (2018, 760.0), (2019, 1180.0)],
    );
    m.results.extend(yearly(
        "Diện tích đất nhân dân hiến",
        "m²",
        &[(2017, 410.0), (2018, 980.0), (2019, 1530.0)],
    ));
    m.results.extend(yearly(
        "Số hộ hiến đất, vật kiến trúc",
        "hộ",
        &[(2017, 27.0), (2018, 63.0), (2019, 98.0)],
    ));
    m.adoptions = vec![adopted("P5", d(2018, 10, 1), "")];
    m.photo_colour = Some([69, 90, 100]);
    v.push(m);

    let mut m = model(
        "P7-KV",
        "Vận động chức sắc, tín đồ tôn giáo và đồng bào có đạo làm tốt công tác an sinh xã hội",
        "Tôn giáo",
        d(2017, 1, 10),
        "Khối vận phường phối hợp với các cơ sở tôn giáo trên địa bàn vận động chức sắc, tín đồ tham gia \
         tặng quà hộ nghèo, gia đình chính sách, nấu cơm từ thiện tại bệnh viện và hỗ trợ học bổng cho \
         học sinh khó khăn; kết quả được báo cáo tại hội nghị dân vận hằng năm.",
    );
    m.participants = "Chức sắc, tín đồ các cơ sở tôn giáo Phường 7";
    m.participants_count = Some(160);
    m.from_seed = true;
    m.results = yearly(
        "Số suất quà tặng hộ nghèo, gia đình chính sách",
        "suất",
        &[(2017, 230.0), (2018, 410.0), (2019, 560.0)],
    );
    m.results.extend(yearly(
        "Giá trị quà và tiền hỗ trợ",
        "triệu đồng",
        &[(2017, 92.0), (2018, 175.0), (2019, 248.0)],
    ));
    m.photo_colour = Some([106, 27, 154]);
    v.push(m);

    let mut m = model(
        "P8-TDV1",
        "Camera an ninh",
        "An ninh trật tự",
        d(2017, 4, 1),
        "Tổ Dân vận vận động các hộ góp tiền lắp camera ở đầu hẻm và các tuyến đường; hình ảnh được \
         chia sẻ với Công an phường. Tổ tự quản theo dõi, nhắc nhở và cùng công an xử lý kịp thời các vụ \
         việc; số vụ trộm cắp giảm rõ.",
    );
    m.participants = "Tổ Dân vận, Công an phường và các hộ dân Khu phố 1";
    m.participants_count = Some(140);
    m.status = ModelStatus::Replicated;
    m.from_seed = true;
    m.results = yearly(
        "Số camera đã lắp",
        "camera",
        &[(2017, 12.0), (2018, 34.0), (2019, 58.0)],
    );
    m.results.extend(yearly(
        "Số vụ trộm cắp tài sản trên địa bàn khu phố",
        "vụ",
        &[(2016, 9.0), (2017, 6.0), (2018, 3.0), (2019, 1.0)],
    ));
    // The 2016 figure is the baseline, counted on the start date.
    if let Some(first) = m.results.iter_mut().find(|r| r.measured_on.year() == 2016) {
        first.measured_on = d(2017, 4, 1);
    }
    m.adoptions = vec![
        adopted("P7", d(2018, 5, 15), "Lắp ở 4 khu phố"),
        adopted("AH", d(2019, 1, 10), ""),
        adopted("PK", d(2019, 6, 1), ""),
    ];
    m.photo_colour = Some([13, 71, 161]);
    v.push(m);
    v
}

fn other_models() -> Vec<DemoModel> {
    let mut v = Vec::new();

    let mut m = model(
        "PT-MTTQ",
        "Ngôi nhà Đại đoàn kết cho hộ nghèo",
        "An sinh xã hội",
        d(2016, 5, 1),
        "Vận động doanh nghiệp, nhà hảo tâm và con em xa quê đóng góp xây, sửa nhà cho hộ nghèo; các \
         đoàn thể góp ngày công.",
    );
    m.participants_count = Some(85);
    m.results = yearly(
        "Số căn nhà bàn giao",
        "căn",
        &[(2016, 5.0), (2017, 12.0), (2018, 20.0), (2019, 27.0)],
    );
    m.adoptions = vec![adopted("P6-MTTQ", d(2017, 9, 2), "")];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "AH-DTN",
        "Tuyến đường thanh niên tự quản “Sáng – xanh – sạch – đẹp”",
        "Môi trường",
        d(2017, 3, 26),
        "Mỗi chi đoàn nhận một tuyến đường, tổng vệ sinh sáng chủ nhật cuối tháng, trồng cây và lắp \
         đèn chiếu sáng cùng các hộ hai bên đường.",
    );
    m.participants = "Đoàn viên thanh niên 10 khu phố";
    m.results = yearly(
        "Số tuyến đường tự quản",
        "tuyến",
        &[(2017, 3.0), (2018, 6.0), (2019, 9.0)],
    );
    m.results.extend(yearly(
        "Số bóng đèn chiếu sáng lắp mới",
        "bóng",
        &[(2017, 40.0), (2018, 95.0), (2019, 150.0)],
    ));
    m.adoptions = vec![
        adopted("PK-DTN", d(2018, 3, 26), ""),
        adopted("P8-DTN", d(2019, 3, 26), ""),
    ];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "PK-HPN",
        "Phụ nữ không để con em vi phạm pháp luật và mắc tệ nạn xã hội",
        "An ninh trật tự",
        d(2016, 9, 1),
        "Mỗi chi hội theo dõi các gia đình có con em trong độ tuổi thanh thiếu niên, phối hợp nhà \
         trường và công an khu vực, tổ chức nói chuyện chuyên đề hằng quý.",
    );
    m.results = yearly(
        "Số gia đình đăng ký tham gia",
        "gia đình",
        &[(2016, 120.0), (2017, 260.0), (2018, 340.0), (2019, 395.0)],
    );
    v.push(m);

    let mut m = model(
        "P5-CQ",
        "Cán bộ, công chức “4 xin, 4 luôn” khi tiếp dân",
        "Xây dựng Đảng",
        d(2017, 1, 3),
        "Xin chào, xin lỗi, xin cảm ơn, xin phép; luôn mỉm cười, luôn nhẹ nhàng, luôn thấu hiểu, luôn \
         giúp đỡ. Người dân đánh giá mức hài lòng sau mỗi lần giải quyết hồ sơ.",
    );
    m.participants = "Cán bộ, công chức bộ phận một cửa";
    m.participants_count = Some(18);
    m.status = ModelStatus::Replicated;
    m.results = yearly(
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "%",
        &[(2017, 92.5), (2018, 96.8), (2019, 98.6)],
    );
    m.results.extend(yearly(
        "Tỷ lệ người dân hài lòng",
        "%",
        &[(2017, 88.0), (2018, 93.5), (2019, 97.2)],
    ));
    m.adoptions = vec![
        adopted("P4-CQ", d(2018, 2, 1), ""),
        adopted("SD-CQ", d(2018, 8, 1), ""),
    ];
    v.push(m);

    let mut m = model(
        "P6-KP3",
        "Khu phố nói không với túi ni lông và rác thải nhựa",
        "Môi trường",
        d(2019, 1, 15),
        "Chi bộ vận động các hộ dùng giỏ xách, phân loại rác tại nguồn; tổ phụ nữ thu gom chai nhựa bán \
         lấy tiền giúp học sinh nghèo.",
    );
    m.results = vec![
        DemoResult {
            measured_on: d(2019, 6, 30),
            indicator: "Số hộ phân loại rác tại nguồn",
            value: 86.0,
            unit: "hộ",
        },
        DemoResult {
            measured_on: d(2019, 12, 31),
            indicator: "Số hộ phân loại rác tại nguồn",
            value: 173.0,
            unit: "hộ",
        },
    ];
    v.push(m);

    let mut m = model(
        "MTA-HND",
        "Tổ hợp tác trồng rau an toàn",
        "Kinh tế",
        d(2016, 11, 1),
        "Nông dân góp đất, cùng sản xuất theo quy trình an toàn, bao tiêu sản phẩm qua bếp ăn trường \
         học và chợ thành phố.",
    );
    m.participants_count = Some(24);
    m.results = yearly(
        "Thu nhập bình quân một thành viên",
        "triệu đồng/năm",
        &[(2016, 38.0), (2017, 52.0), (2018, 61.0), (2019, 74.0)],
    );
    m.results.extend(yearly(
        "Diện tích trồng rau an toàn",
        "ha",
        &[(2016, 2.5), (2017, 4.0), (2018, 5.2), (2019, 6.8)],
    ));
    m.adoptions = vec![adopted("NT-HND", d(2018, 5, 1), "")];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "NT-A2",
        "“Bữa cơm nghĩa tình” cho người già neo đơn",
        "An sinh xã hội",
        d(2017, 10, 1),
        "Đảng viên và hội viên luân phiên nấu và mang cơm đến người già neo đơn mỗi ngày thứ bảy.",
    );
    m.results = yearly(
        "Số người già được giúp",
        "người",
        &[(2017, 9.0), (2018, 14.0), (2019, 17.0)],
    );
    v.push(m);

    let mut m = model(
        "PH-HND",
        "Nuôi dê kết hợp trồng dừa xiêm xanh",
        "Kinh tế",
        d(2016, 6, 1),
        "Tận dụng đất vườn dừa để nuôi dê, phân dê bón dừa; hội cho vay con giống quay vòng.",
    );
    m.results = yearly(
        "Số hộ tham gia",
        "hộ",
        &[(2016, 11.0), (2017, 26.0), (2018, 38.0), (2019, 45.0)],
    );
    m.adoptions = vec![
        adopted("SD-HND", d(2018, 2, 1), ""),
        adopted("PN-HND", d(2019, 4, 1), ""),
    ];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "PN-A1",
        "Tuyến đường hoa ấp Phú Nhơn",
        "Môi trường",
        d(2018, 2, 1),
        "Các hộ trồng và chăm sóc hoa trước nhà, xóa điểm rác; mỗi hộ nhận chăm 20 mét đường.",
    );
    m.results = yearly(
        "Chiều dài tuyến đường hoa",
        "mét",
        &[(2018, 600.0), (2019, 1450.0)],
    );
    v.push(m);

    let mut m = model(
        "P8-CA",
        "Tổ tự quản an ninh trật tự ở khu dân cư",
        "An ninh trật tự",
        d(2016, 8, 1),
        "Mỗi tổ dân phố có tổ tự quản tuần tra ban đêm, nắm người lạ đến cư trú, phối hợp công an \
         phường. (Không công khai: có thông tin nghiệp vụ.)",
    );
    m.public = false;
    m.results = yearly(
        "Số tổ tự quản",
        "tổ",
        &[(2016, 12.0), (2017, 21.0), (2018, 28.0), (2019, 30.0)],
    );
    v.push(m);

    let mut m = model(
        "P7-KP1",
        "Mỗi tháng một việc làm theo Bác",
        "Xây dựng Đảng",
        d(2018, 1, 5),
        "Tại sinh hoạt chi bộ, mỗi đảng viên báo cáo một việc làm theo Bác trong tháng; chi bộ chọn việc \
         làm hay để nêu gương trên nhóm Zalo khu phố.",
    );
    m.results = yearly(
        "Số việc làm được chi bộ biểu dương",
        "việc",
        &[(2018, 24.0), (2019, 31.0)],
    );
    m.adoptions = vec![
        adopted("P7-KP2", d(2018, 7, 1), ""),
        adopted("P7-KP3", d(2019, 1, 1), ""),
    ];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "BT-YT",
        "Khám, cấp thuốc miễn phí cho người nghèo và gia đình chính sách",
        "An sinh xã hội",
        d(2016, 7, 27),
        "Mỗi quý các khoa luân phiên về một xã, phường khám bệnh, cấp thuốc miễn phí và tư vấn sức khỏe.",
    );
    m.results = yearly(
        "Số lượt người được khám",
        "lượt",
        &[
            (2016, 640.0),
            (2017, 1420.0),
            (2018, 1980.0),
            (2019, 2310.0),
        ],
    );
    v.push(m);

    let mut m = model(
        "SD-DTN",
        "Ngày thứ bảy tình nguyện",
        "Văn hóa - xã hội",
        d(2017, 4, 1),
        "Đoàn viên dọn vệ sinh, sửa cầu, đường nhỏ và giúp gia đình chính sách vào thứ bảy đầu tháng.",
    );
    m.results = yearly(
        "Số ngày công tình nguyện",
        "ngày công",
        &[(2017, 320.0), (2018, 540.0), (2019, 610.0)],
    );
    v.push(m);

    let mut m = model(
        "BT-S01",
        "Tủ sách Bác Hồ trong trường học",
        "Văn hóa - xã hội",
        d(2016, 9, 5),
        "Mỗi lớp một tủ sách về Bác; học sinh đọc và kể chuyện Bác vào tiết sinh hoạt cuối tuần.",
    );
    m.results = yearly(
        "Số đầu sách",
        "quyển",
        &[(2016, 180.0), (2017, 420.0), (2018, 610.0), (2019, 790.0)],
    );
    m.adoptions = vec![
        adopted("BT-S02", d(2017, 9, 5), ""),
        adopted("BT-S03", d(2018, 9, 5), ""),
    ];
    m.status = ModelStatus::Replicated;
    v.push(m);

    let mut m = model(
        "PK-KP2",
        "Khu phố văn hóa, không có tội phạm",
        "Văn hóa - xã hội",
        d(2016, 6, 1),
        "Các hộ ký cam kết gia đình văn hóa; tổ hòa giải giải quyết mâu thuẫn ngay tại khu phố.",
    );
    m.results = yearly(
        "Tỷ lệ gia đình văn hóa",
        "%",
        &[(2016, 91.0), (2017, 94.5), (2018, 96.0), (2019, 97.8)],
    );
    v.push(m);

    let mut m = model(
        "SD-A3",
        "Vườn cây ăn trái kiểu mẫu",
        "Kinh tế",
        d(2018, 3, 1),
        "Hộ làm giỏi hướng dẫn cải tạo vườn tạp, trồng bưởi da xanh theo hướng hữu cơ.",
    );
    m.results = yearly("Số vườn được cải tạo", "vườn", &[(2018, 8.0), (2019, 19.0)]);
    v.push(m);

    let mut m = model(
        "P4-HPN",
        "Câu lạc bộ gia đình hạnh phúc",
        "Văn hóa - xã hội",
        d(2017, 5, 15),
        "Sinh hoạt hằng tháng về nuôi dạy con, phòng chống bạo lực gia đình. (Đang hoàn thiện hồ sơ, chưa \
         công khai.)",
    );
    m.public = false;
    m.results = yearly(
        "Số thành viên",
        "người",
        &[(2017, 35.0), (2018, 52.0), (2019, 64.0)],
    );
    v.push(m);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Scale;

    #[test]
    fn every_model_fits_the_city() {
        let units = crate::units(Scale::City, 2020);
        let codes: HashSet<&str> = units.iter().map(|u| u.code.as_str()).collect();
        let all = all();
        let list = models(&units);
        assert_eq!(list.len(), all.len(), "every owner is a unit of the city");
        assert_eq!(list.iter().filter(|m| m.from_seed).count(), 7);
        assert!(list.len() >= 20);
        for m in &list {
            assert!(
                domain::models::parse_field(m.field) == Some(m.field),
                "{}",
                m.name
            );
            for a in &m.adoptions {
                assert!(codes.contains(a.unit_code), "{}: {}", m.name, a.unit_code);
                assert_ne!(a.unit_code, m.owner_code);
                assert!(a.adopted_on >= m.started_on, "{}", m.name);
            }
            for r in &m.results {
                assert!(r.measured_on >= m.started_on, "{}: {}", m.name, r.indicator);
                assert!(r.measured_on <= d(2019, 12, 31));
            }
            assert!(!m.results.is_empty(), "{}", m.name);
            // Nobody sets "được biểu dương" by hand: it comes from a commendation.
            assert_ne!(m.status, ModelStatus::Commended, "{}", m.name);
            // The adoption rule: adopted models are never "đang triển khai".
            assert!(
                m.adoptions.is_empty() || m.status != ModelStatus::InProgress,
                "{}",
                m.name
            );
        }
        let owners: Vec<&str> = list
            .iter()
            .filter(|m| m.from_seed)
            .map(|m| m.owner_code)
            .collect();
        assert_eq!(
            owners,
            ["SD-MTTQ", "BP-A1", "BT-CCB", "P7", "P4-TDV2", "P7-KV", "P8-TDV1"]
        );
        assert!(list.iter().any(|m| !m.public));
    }

    #[test]
    fn missing_units_drop_models_and_adoptions() {
        let units: Vec<DemoUnit> = crate::units(Scale::City, 2020)
            .into_iter()
            .filter(|u| u.code != "BP-A1" && u.code != "PH-MTTQ")
            .collect();
        let list = models(&units);
        assert!(list.iter().all(|m| m.owner_code != "BP-A1"));
        let sd = list.iter().find(|m| m.owner_code == "SD-MTTQ");
        assert!(sd.is_some_and(|m| m.adoptions.iter().all(|a| a.unit_code != "PH-MTTQ")));
    }
}
