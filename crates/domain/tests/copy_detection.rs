//! Copy detection measured on a labelled set (docs/DOMAIN.md § Quality checks, docs/BENCHMARKS.md §
//! Copy detection).
//!
//! The set is generated here, deterministically (fixed seed), from a bank of registration items
//! written the way members of a Bến Tre party cell write them: per job (residents of a khu phố or
//! ấp, teachers, police, health workers, commune civil servants, mass organisations, cell
//! secretaries) plus items everyone writes and the generic phrases everybody copies from the form
//! ("Học tập và làm theo tấm gương đạo đức Hồ Chí Minh…"). Texts are what the store compares: one
//! line per item, its content then its target.
//!
//! Positives: a registration and a colleague's copy of it with one kind of edit (numbers, dates,
//! personal and place names, clause order, an item added, an item removed) or a combination.
//! Negatives: two honest registrations of members of the same job on the same form in the same
//! year (same themes, the same generic phrases, often the same duties). A pair counts as found
//! when [`Index::similar`] (LSH candidates, then the estimate against `COPY_THRESHOLD`) returns
//! one of its registrations for the other, in either direction.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;

use domain::similarity::{signature, Doc, Index, COPY_THRESHOLD};

// ---------------------------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------------------------

/// SplitMix64.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn range(&mut self, lo: u32, hi: u32) -> u32 {
        lo + self.below((hi - lo + 1) as usize) as u32
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// The bank
// ---------------------------------------------------------------------------------------------
//
// Template syntax: `{a|b|c}` one alternative (may be empty, may nest one level of slots),
// `{n}` a number, `{d}` a date or period, `{P}` a place name, `{H}` a person's name,
// `{S}` a street.

/// Items everyone writes, with their own details.
const EVERYONE: &[&str] = &[
    "{Dự|Tham dự} sinh hoạt chi bộ{| thường kỳ| định kỳ hằng tháng} đầy đủ, {đóng đảng phí đúng kỳ hạn|nộp đảng phí trước ngày {n} hằng tháng|không vắng mặt không có lý do} {n}/12 kỳ",
    "{Học tập|Nghiên cứu, học tập} chuyên đề năm {n}{| về ý thức tôn trọng nhân dân, phát huy dân chủ}, {viết|nộp} bài thu hoạch {liên hệ với chức trách của bản thân|gắn với công việc hằng ngày} trước {d} 01 bài thu hoạch",
    "{Đọc|Tìm đọc} {n} cuốn sách về {tấm gương đạo đức Hồ Chí Minh|Bác Hồ với miền Nam|Bác Hồ với Bến Tre}, ghi chép bài học {để trao đổi tại sinh hoạt chi bộ|vào sổ tay đảng viên} {n} bài thu hoạch",
    "{Tham gia|Đăng ký} hiến máu tình nguyện{| tại Ngày hội Giọt hồng| do Hội Chữ thập đỏ tổ chức} {n} lần",
    "{Đóng góp|Ủng hộ} {Quỹ Vì người nghèo|Quỹ Khuyến học|Quỹ Đền ơn đáp nghĩa} {n}.000 đồng trước {d}",
    "{Xây dựng|Giữ vững} gia đình đạt danh hiệu “Gia đình văn hóa”{|, con cháu chăm ngoan, học giỏi|, không có người vi phạm pháp luật} 01 danh hiệu",
    "{Trồng|Trồng và chăm sóc} {n} cây {xanh|bóng mát} {trước nhà|dọc đường {S}|ở nơi công cộng}{| cùng con cháu} {n} cây",
    "{Tiết kiệm|Thực hành tiết kiệm} điện, nước trong sinh hoạt gia đình{|, tắt các thiết bị khi không sử dụng} giảm {n}% tiền điện",
];

/// The generic phrases members copy from the form or from each other (shared verbatim).
const GENERIC: &[&str] = &[
    "Học tập và làm theo tấm gương đạo đức Hồ Chí Minh, thực hiện tốt nhiệm vụ được giao",
    "Gương mẫu chấp hành chủ trương, đường lối của Đảng, chính sách, pháp luật của Nhà nước",
    "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước Thường xuyên",
    "Nâng cao ý thức tu dưỡng, rèn luyện đạo đức, lối sống Cả năm",
    "Thực hiện nghiêm những điều đảng viên không được làm",
    "Giữ gìn phẩm chất đạo đức của người đảng viên, nói đi đôi với làm",
    "Thực hành cần, kiệm, liêm, chính, chí công vô tư Thường xuyên",
    "Tích cực tham gia các phong trào thi đua của địa phương Hoàn thành tốt",
    "Thực hiện tốt tự phê bình và phê bình, đoàn kết nội bộ",
    "Hoàn thành tốt nhiệm vụ được giao Tốt",
];

/// A job and the items its members write.
struct Job {
    name: &'static str,
    items: &'static [&'static str],
}

const JOBS: &[Job] = &[
    Job {
        name: "residents",
        items: &[
            "{Vận động|Tuyên truyền, vận động} gia đình và {n} hộ {liền kề|xung quanh|cùng tổ} ở ấp {P} {phân loại rác thải sinh hoạt tại nguồn|ủ rác hữu cơ làm phân bón}{|, để rác đúng giờ, đúng nơi quy định} {n} hộ",
            "Tham gia {tuần tra|tuần tra, canh gác} cùng {tổ an ninh nhân dân|tổ tự quản số {n}} ấp {P}{|, nhất là dịp lễ, Tết} {n} ca trực",
            "{Thăm hỏi, động viên|Thường xuyên thăm hỏi} {hộ nghèo|người già neo đơn|gia đình chính sách} {ông {H}|bà {H}|trong tổ {n}} ở ấp {P} {n} lượt",
            "Tham gia Tổ hòa giải ấp {P}, {giúp hòa giải|cùng hòa giải} các mâu thuẫn {trong khu dân cư|giữa các hộ|về ranh đất, lối đi chung} {n} vụ việc",
            "{Vận động|Cùng Ban điều hành vận động} {n} hộ {trong tổ|lân cận} lắp camera an ninh{| kết nối với Công an xã {P}} trước {d} {n} camera",
            "{Vận động|Tuyên truyền, vận động} {n} hộ {lân cận|khó khăn} tham gia bảo hiểm y tế {hộ gia đình|tự nguyện}{| trước ngày đáo hạn} {n} hộ",
            "{Tham gia|Cùng tham gia} {Ngày Chủ nhật xanh|buổi ra quân dọn vệ sinh} cùng {Đoàn Thanh niên|Hội Phụ nữ|nhân dân} ấp {P}{|, khơi thông cống rãnh, kênh rạch} {n} buổi",
            "Vận động bà con hiến đất mở rộng đường {liên ấp|giao thông nông thôn} từ nhà ông {H} đến {cầu|bến đò} {P}{|, dài {n} mét} {n} hộ hiến đất",
            "Nhận giúp đỡ cháu {H}, học sinh {nghèo vượt khó|có hoàn cảnh khó khăn} ở ấp {P}, {tập vở, học phí|dụng cụ học tập} năm học mới {n} học sinh",
            "{Vận động|Hướng dẫn} các hộ nuôi {heo|bò|tôm càng xanh} ở ấp {P} tiêm phòng{| đầy đủ}, {vệ sinh chuồng trại|không xả thải ra kênh} trước {d} {n} hộ",
        ],
    },
    Job {
        name: "teachers",
        items: &[
            "Giảng dạy môn {Ngữ văn|Toán|Tiếng Anh} các lớp {n}A, {n}B đúng chương trình, {đổi mới phương pháp dạy học|phát triển năng lực học sinh} tỷ lệ học sinh đạt trung bình trở lên {n}%",
            "Bồi dưỡng đội tuyển học sinh giỏi môn {Ngữ văn|Toán|Tiếng Anh} lớp {n} dự thi cấp {huyện|tỉnh}{|, có ít nhất {n} em đạt giải} {n} học sinh",
            "Phụ đạo học sinh yếu vào {chiều thứ Bảy|buổi chiều} hằng tuần, phối hợp với phụ huynh {theo dõi việc học ở nhà|như chị {H}} {n} học sinh",
            "Ứng dụng công nghệ thông tin trong soạn giảng{|, viết sáng kiến kinh nghiệm về {dạy đọc hiểu|giáo dục kỹ năng sống}} {n} bài giảng điện tử",
            "Thăm gia đình học sinh có nguy cơ bỏ học {ở ấp {P}|như em {H}}, {vận động các em trở lại lớp|phối hợp với phụ huynh giúp các em} {n} học sinh",
            "{Dự giờ, thao giảng|Dự giờ}, góp ý đồng nghiệp trong tổ chuyên môn{| Trường THCS {P}} {n} tiết",
            "Vận động quyên góp {tập vở, áo trắng|sách giáo khoa cũ} cho học sinh có hoàn cảnh khó khăn{| của xã {P}} trước {d} {n} bộ",
            "Làm đồ dùng dạy học{| từ vật liệu tái chế} cho {môn Toán|môn Khoa học} lớp {n} {n} đồ dùng",
            "Chủ nhiệm lớp {n}A, {xây dựng tủ sách lớp học|tổ chức hội thi “Vở sạch – chữ đẹp”}{| cùng cha mẹ học sinh} {n} quyển sách",
            "Tham gia hội thi giáo viên {dạy giỏi|chủ nhiệm giỏi} cấp {trường|huyện} tổ chức vào {d} 01 giải",
        ],
    },
    Job {
        name: "police",
        items: &[
            "Nắm chắc tình hình an ninh trật tự ở ấp {P} và ấp {P}{|; kiểm tra cư trú các hộ có người tạm trú, lưu trú} {n}% hộ",
            "Tuyên truyền phòng, chống {ma túy|tội phạm lừa đảo qua mạng|tín dụng đen} tại các buổi họp {tổ nhân dân tự quản|dân} ấp {P} {n} buổi, {n} lượt người nghe",
            "{Vận động|Phối hợp} nhân dân lắp camera an ninh tại {các tuyến đường liên ấp|đường {S}}{|, kết nối về trụ sở Công an xã {P}} {n} camera",
            "Giải quyết hồ sơ đăng ký cư trú, cấp căn cước cho người dân {đúng hạn|nhanh, đúng quy định}{|, không gây phiền hà, sách nhiễu} {n} hồ sơ",
            "{Vận động|Tuyên truyền, vận động} nhân dân giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ trước {d} {n} khẩu súng tự chế",
            "Lập hồ sơ, {quản lý|giáo dục} người có tiền án, tiền sự tại cộng đồng{| như đối tượng {H}} {n} hồ sơ",
            "Tuần tra, kiểm soát {trật tự công cộng|an toàn giao thông} trên {đường {S}|địa bàn xã {P}} {n} ca tuần tra",
            "{Xây dựng|Duy trì} mô hình “Khu dân cư an toàn về an ninh trật tự” ở ấp {P} 01 mô hình",
            "Tham gia huấn luyện điều lệnh, võ thuật, bắn súng {năm {n}|trong {d}} {n} nội dung đạt loại khá",
            "Giải quyết tin báo, tố giác tội phạm đúng thời hạn{|, phối hợp Công an huyện {P}} {n}% tin báo",
        ],
    },
    Job {
        name: "health",
        items: &[
            "Khám, tư vấn sức khỏe miễn phí cho {người cao tuổi, gia đình chính sách|người nghèo, người khuyết tật} ở ấp {P} {n} lượt người",
            "{Giám sát, phun hóa chất|Xử lý ổ dịch} phòng chống sốt xuất huyết {tại ấp {P}|trên địa bàn được phân công} trước {d} {n} hộ",
            "Giữ thái độ ân cần với người bệnh, {thực hiện đúng Quy tắc ứng xử của ngành Y tế|đón tiếp niềm nở, chăm sóc tận tình} {n}% người bệnh hài lòng",
            "Tiêm chủng mở rộng đầy đủ cho trẻ em dưới 1 tuổi {trên địa bàn|của xã {P}} {n}% trẻ em",
            "{Cập nhật|Lập} hồ sơ sức khỏe điện tử cho người dân{| ấp {P}} {n} hồ sơ",
            "Quản lý {bệnh nhân tăng huyết áp|bệnh nhân đái tháo đường} tại cộng đồng, {theo dõi|khám định kỳ} {hằng tháng|mỗi quý} {n} bệnh nhân",
            "Truyền thông phòng chống {tay chân miệng|sốt xuất huyết|bệnh không lây nhiễm} tại {trường Tiểu học {P}|các ấp} {n} buổi",
            "Tham gia lớp đào tạo liên tục {về hồi sức cấp cứu|về kiểm soát nhiễm khuẩn} do bác sĩ {H} hướng dẫn 01 chứng chỉ",
            "{Khám sức khỏe|Tư vấn dinh dưỡng} cho học sinh {các trường trên địa bàn|Trường THCS {P}} {đầu năm học|trong {d}} {n} học sinh",
            "Chăm sóc sức khỏe ban đầu cho {người cao tuổi neo đơn|hộ nghèo} như bà {H} ở ấp {P} {n} lượt",
        ],
    },
    Job {
        name: "civil servants",
        items: &[
            "Hướng dẫn nông dân chuyển đổi đất trồng lúa kém hiệu quả sang trồng {dừa xiêm xanh|bưởi da xanh|sầu riêng} ở ấp {P} {n} hộ, {n} ha",
            "Tổ chức lớp tập huấn kỹ thuật canh tác thích ứng hạn mặn{|, tưới tiết kiệm nước cho cây ăn trái} trước {d} {n} lớp, {n} lượt nông dân",
            "Theo dõi độ mặn trên sông {P}, thông báo kịp thời lịch đóng mở cống qua nhóm Zalo của các ấp {n} ấp",
            "Giải quyết thủ tục hành chính {đúng hạn|đúng và trước hạn} tại Bộ phận {một cửa|tiếp nhận và trả kết quả} xã {P} {n}% hồ sơ đúng hạn",
            "Hướng dẫn người dân nộp hồ sơ {trực tuyến|qua dịch vụ công trực tuyến}{|, cài đặt ứng dụng định danh điện tử} {n} hồ sơ",
            "Hoàn thiện hồ sơ đề nghị công nhận sản phẩm OCOP {của xã {P}|của hợp tác xã {P}} trước {d} {n} sản phẩm đạt 3 sao",
            "{Thực hành tiết kiệm|Tiết kiệm} {điện, nước, văn phòng phẩm|điện, giấy in} tại {UBND xã {P}|cơ quan}{|, tắt máy lạnh khi ra về} giảm {n}% chi phí",
            "Kê khai tài sản, thu nhập {trung thực, đúng thời hạn|đầy đủ, trung thực theo quy định} trước {d} 01 bản kê khai",
            "{Hướng dẫn, kèm cặp|Giúp đỡ} đồng nghiệp mới {như anh {H}|về chuyên môn, nghiệp vụ} {n} đồng nghiệp",
            "Tham mưu {chỉnh trang đô thị|lập lại trật tự lòng lề đường} trên đường {S}{| và đường {S}} trước {d} {n} tuyến đường",
        ],
    },
    Job {
        name: "mass organisations",
        items: &[
            "{Vận động|Hướng dẫn} hội viên tham gia tổ tiết kiệm và vay vốn {phát triển kinh tế gia đình|Ngân hàng Chính sách xã hội} ở ấp {P} {n} hội viên",
            "{Vận động|Vận động nguồn lực} xây dựng nhà “Đại đoàn kết” cho {hộ nghèo|hộ có hoàn cảnh khó khăn} {ông {H}|bà {H}} ở ấp {P} {n} nhà",
            "Tổ chức {hội thi|ngày hội} {nhà nông đua tài|phụ nữ khéo tay} cấp xã vào {d}{|, mời các chi hội tham gia} {n} đội",
            "Phối hợp Ngân hàng Chính sách xã hội giải ngân vốn vay cho hội viên nghèo{| ấp {P}} {n} triệu đồng, {n} hộ",
            "Vận động hội viên trồng rau an toàn theo tiêu chuẩn VietGAP{|, thành lập tổ hợp tác ở ấp {P}} {n} tổ hợp tác, {n} hội viên",
            "Thăm hỏi, tặng quà {hội viên khó khăn|gia đình chính sách} dịp Tết{|, trong đó có gia đình chị {H}} {n} suất quà",
            "Tổ chức sinh hoạt chuyên đề {“Phụ nữ với pháp luật”|phòng chống bạo lực gia đình|kỹ năng sống cho đoàn viên} tại chi hội ấp {P} {n} buổi",
            "Vận động {đoàn viên|hội viên} tham gia ngày {Chủ nhật xanh|thứ Bảy tình nguyện}{|, dọn vệ sinh kênh rạch {P}} {n} lượt người",
            "Phát triển hội viên mới{|, nhất là ở ấp {P}}{|, trong độ tuổi thanh niên} {n} hội viên",
            "Giới thiệu quần chúng ưu tú {H} cho chi bộ {xem xét|bồi dưỡng} kết nạp Đảng trước {d} {n} quần chúng",
        ],
    },
    Job {
        name: "cell secretaries",
        items: &[
            "Chủ trì sinh hoạt chi bộ thường kỳ vào ngày {n} hằng tháng{|, bảo đảm nội dung thiết thực} {n} kỳ sinh hoạt",
            "Tổ chức sinh hoạt chuyên đề {hằng quý|mỗi quý một lần} về ý thức tôn trọng nhân dân{|, mời đảng viên lớn tuổi chia sẻ} {n} kỳ chuyên đề",
            "{Phát hiện, bồi dưỡng|Theo dõi, giúp đỡ} quần chúng ưu tú{| như đoàn viên {H}}, giới thiệu để Đảng ủy xã {P} xem xét kết nạp {n} quần chúng",
            "{Kiểm tra, giám sát|Giám sát} đảng viên trong chi bộ {thực hiện nội dung đăng ký học tập và làm theo|giữ mối liên hệ nơi cư trú} {n} đảng viên",
            "Phân công đảng viên phụ trách {hộ gia đình|từng tổ nhân dân}, nắm tình hình nhân dân ở ấp {P} {n}% đảng viên",
            "{Thu, nộp|Thu và nộp} đảng phí {đầy đủ|đúng kỳ} về Đảng ủy xã {P}{|, công khai sổ đảng phí trong chi bộ} {n}/12 tháng",
            "{Xây dựng|Dự thảo} nghị quyết năm của chi bộ {với chỉ tiêu cụ thể cho từng lĩnh vực|sát với tình hình ấp {P}} trước {d} 01 nghị quyết",
            "{Hướng dẫn|Giúp} đảng viên mới {H} viết bản đăng ký {gắn với chức trách|cụ thể, sát với công việc} {n} đảng viên mới",
            "Lãnh đạo ấp {P} giữ vững danh hiệu ấp văn hóa{|, vận động hộ gia đình đạt gia đình văn hóa} {n}% hộ",
            "Tổ chức cho đảng viên nhận xét việc làm theo của nhau tại buổi sinh hoạt {cuối năm|tổng kết năm} vào {d} {n}% đảng viên",
        ],
    },
];

const PLACES: &[&str] = &[
    "Bình Thạnh",
    "Phú Hưng",
    "An Thạnh",
    "Phú Lợi",
    "Tân Thành",
    "Mỹ Thạnh An",
    "Sơn Đông",
    "Nhơn Thạnh",
    "Hữu Định",
    "Tam Phước",
    "Quới Sơn",
    "Châu Hòa",
    "Long Mỹ",
    "Giao Long",
    "Thành Thới",
    "Phú Túc",
];
const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Đặng", "Ngô", "Hồ", "Lâm",
];
const MIDDLE: &[&str] = &[
    "Văn",
    "Thị",
    "Minh",
    "Thanh",
    "Ngọc",
    "Hữu",
    "Thị Mỹ",
    "Văn Út",
];
const GIVEN: &[&str] = &[
    "Ba", "Bảy", "Tám", "Hà", "Hải", "Hùng", "Lan", "Lộc", "Mai", "Nam", "Phúc", "Sáu", "Tâm",
    "Thảo", "Trí", "Yến",
];
const STREETS: &[&str] = &[
    "Đồng Khởi",
    "Hùng Vương",
    "Nguyễn Đình Chiểu",
    "Trần Quốc Tuấn",
    "Nguyễn Huệ",
    "Lê Lợi",
    "Đoàn Hoàng Minh",
    "Trương Định",
];

// ---------------------------------------------------------------------------------------------
// Items with their details, so that a copy can change the details and keep the words
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
enum Part {
    Text(String),
    Number(u32),
    Date(String),
    Place(String),
    Person(String),
    Street(String),
}

type Item = Vec<Part>;

fn person(rng: &mut Rng) -> String {
    format!(
        "{} {} {}",
        rng.pick(FAMILY),
        rng.pick(MIDDLE),
        rng.pick(GIVEN)
    )
}

fn date(rng: &mut Rng) -> String {
    match rng.below(4) {
        0 => format!("{}/{}/2024", rng.range(1, 28), rng.range(1, 12)),
        1 => format!("{:02}/{:02}/2024", rng.range(1, 28), rng.range(1, 12)),
        2 => format!("tháng {}/2024", rng.range(1, 12)),
        _ => format!("quý {}/2024", rng.range(1, 4)),
    }
}

fn number(rng: &mut Rng) -> u32 {
    match rng.below(3) {
        0 => rng.range(2, 12),
        1 => rng.range(10, 60),
        _ => rng.range(50, 400),
    }
}

/// Expands a template into parts: alternatives chosen, slots filled.
fn expand(tpl: &str, rng: &mut Rng) -> Item {
    let mut out: Item = Vec::new();
    let mut text = String::new();
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        text.push_str(&rest[..open]);
        // The matching close (one level of nesting).
        let mut depth = 0;
        let mut close = open;
        for (k, c) in rest[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        close = open + k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let inner = &rest[open + 1..close];
        let slot = match inner {
            "n" => Some(Part::Number(number(rng))),
            "d" => Some(Part::Date(date(rng))),
            "P" => Some(Part::Place(rng.pick(PLACES).to_owned())),
            "H" => Some(Part::Person(person(rng))),
            "S" => Some(Part::Street(rng.pick(STREETS).to_owned())),
            _ => None,
        };
        match slot {
            Some(part) => {
                out.push(Part::Text(std::mem::take(&mut text)));
                out.push(part);
            }
            None => {
                // Alternatives, split at top-level bars.
                let mut alts = Vec::new();
                let mut depth = 0;
                let mut start = 0;
                for (k, c) in inner.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        '|' if depth == 0 => {
                            alts.push(&inner[start..k]);
                            start = k + 1;
                        }
                        _ => {}
                    }
                }
                alts.push(&inner[start..]);
                let chosen = alts[rng.below(alts.len())];
                out.push(Part::Text(std::mem::take(&mut text)));
                out.extend(expand(chosen, rng));
            }
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    out.push(Part::Text(text));
    out
}

fn render_item(item: &Item) -> String {
    let mut s = String::new();
    for p in item {
        match p {
            Part::Number(n) => s.push_str(&n.to_string()),
            Part::Text(t) | Part::Date(t) | Part::Place(t) | Part::Person(t) | Part::Street(t) => {
                s.push_str(t)
            }
        }
    }
    s
}

/// The text the store compares: one line per item.
fn render(items: &[Item]) -> String {
    items.iter().map(render_item).collect::<Vec<_>>().join("\n")
}

/// An honest registration of a member of `job`: 0–2 generic phrases, one or two items everyone
/// writes, and three or four items of the job (distinct).
fn honest(job: &Job, rng: &mut Rng) -> Vec<Item> {
    let mut items = Vec::new();
    let generic = rng.below(3);
    let mut used = Vec::new();
    for _ in 0..generic {
        let g = rng.below(GENERIC.len());
        if !used.contains(&g) {
            used.push(g);
            items.push(vec![Part::Text(GENERIC[g].to_owned())]);
        }
    }
    let mut used = Vec::new();
    for _ in 0..1 + rng.below(2) {
        let e = rng.below(EVERYONE.len());
        if !used.contains(&e) {
            used.push(e);
            items.push(expand(EVERYONE[e], rng));
        }
    }
    let mut used = Vec::new();
    let own = 3 + rng.below(2);
    while used.len() < own {
        let k = rng.below(job.items.len());
        if !used.contains(&k) {
            used.push(k);
            items.push(expand(job.items[k], rng));
        }
    }
    // Job items first, as most members write them, then the rest.
    let shared = items.len() - own;
    items.rotate_left(shared);
    items
}

// ---------------------------------------------------------------------------------------------
// Edits
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Edit {
    Numbers,
    Dates,
    Names,
    ClauseOrder,
    ItemAdded,
    ItemRemoved,
    NumbersDatesNames,
    AllDetailsAndItemAdded,
    AllDetailsAndItemRemoved,
    AllDetailsAndClauseOrder,
}

const EDITS: [Edit; 10] = [
    Edit::Numbers,
    Edit::Dates,
    Edit::Names,
    Edit::ClauseOrder,
    Edit::ItemAdded,
    Edit::ItemRemoved,
    Edit::NumbersDatesNames,
    Edit::AllDetailsAndItemAdded,
    Edit::AllDetailsAndItemRemoved,
    Edit::AllDetailsAndClauseOrder,
];

impl Edit {
    fn label(self) -> &'static str {
        match self {
            Edit::Numbers => "numbers changed",
            Edit::Dates => "dates changed",
            Edit::Names => "personal and place names changed",
            Edit::ClauseOrder => "clause order changed",
            Edit::ItemAdded => "an item added",
            Edit::ItemRemoved => "an item removed",
            Edit::NumbersDatesNames => "numbers, dates and names",
            Edit::AllDetailsAndItemAdded => "numbers, dates, names + item added",
            Edit::AllDetailsAndItemRemoved => "numbers, dates, names + item removed",
            Edit::AllDetailsAndClauseOrder => "numbers, dates, names + clause order",
        }
    }
}

fn change_numbers(items: &mut [Item], rng: &mut Rng) {
    for p in items.iter_mut().flatten() {
        if let Part::Number(n) = p {
            let old = *n;
            while *n == old {
                *n = number(rng);
            }
        }
    }
}

fn change_dates(items: &mut [Item], rng: &mut Rng) {
    for p in items.iter_mut().flatten() {
        if let Part::Date(d) = p {
            let old = d.clone();
            while *d == old {
                *d = date(rng);
            }
        }
    }
}

fn change_names(items: &mut [Item], rng: &mut Rng) {
    for p in items.iter_mut().flatten() {
        match p {
            Part::Place(x) => {
                let old = x.clone();
                while *x == old {
                    *x = rng.pick(PLACES).to_owned();
                }
            }
            Part::Person(x) => {
                let old = x.clone();
                while *x == old {
                    *x = person(rng);
                }
            }
            Part::Street(x) => {
                let old = x.clone();
                while *x == old {
                    *x = rng.pick(STREETS).to_owned();
                }
            }
            _ => {}
        }
    }
}

fn capitalise_first(s: &str, upper: bool) -> String {
    let mut cs = s.chars();
    match cs.next() {
        Some(c) if upper => c.to_uppercase().chain(cs).collect(),
        Some(c) => c.to_lowercase().chain(cs).collect(),
        None => String::new(),
    }
}

/// Rewrites every item with two or more clauses (", " or "; ") with its first clause moved to
/// the end, capitals fixed as a writer would ("Tuyên truyền, vận động X" → "Vận động X, tuyên
/// truyền").
fn change_clause_order(items: &mut [Item]) -> usize {
    let mut changed = 0;
    for item in items.iter_mut() {
        let text = render_item(item);
        let clauses: Vec<&str> = text.split([',', ';']).map(str::trim).collect();
        if clauses.len() < 2 {
            continue;
        }
        let mut order: Vec<String> = clauses.iter().map(|c| (*c).to_owned()).collect();
        order.rotate_left(1);
        let last = order.len() - 1;
        order[last] = capitalise_first(&order[last], false);
        order[0] = capitalise_first(&order[0], true);
        *item = vec![Part::Text(order.join(", "))];
        changed += 1;
    }
    changed
}

fn copy_of(src: &[Item], edit: Edit, job: &Job, rng: &mut Rng) -> Vec<Item> {
    let mut c: Vec<Item> = src.to_vec();
    let details = matches!(
        edit,
        Edit::NumbersDatesNames
            | Edit::AllDetailsAndItemAdded
            | Edit::AllDetailsAndItemRemoved
            | Edit::AllDetailsAndClauseOrder
    );
    if details || edit == Edit::Numbers {
        change_numbers(&mut c, rng);
    }
    if details || edit == Edit::Dates {
        change_dates(&mut c, rng);
    }
    if details || edit == Edit::Names {
        change_names(&mut c, rng);
    }
    if matches!(edit, Edit::ClauseOrder | Edit::AllDetailsAndClauseOrder) {
        change_clause_order(&mut c);
    }
    if matches!(edit, Edit::ItemAdded | Edit::AllDetailsAndItemAdded) {
        // One of the copier's own, somewhere in the list.
        let own = loop {
            let k = rng.below(job.items.len());
            let item = expand(job.items[k], rng);
            let first = render_item(&item);
            let head: String = first.chars().take(25).collect();
            if !c.iter().any(|i| render_item(i).starts_with(&head)) {
                break item;
            }
        };
        let at = rng.below(c.len() + 1);
        c.insert(at, own);
    }
    if matches!(edit, Edit::ItemRemoved | Edit::AllDetailsAndItemRemoved) {
        let at = rng.below(c.len());
        c.remove(at);
    }
    c
}

// ---------------------------------------------------------------------------------------------
// The labelled set
// ---------------------------------------------------------------------------------------------

struct Pair {
    a: usize,
    b: usize,
    /// The edit kind of a copy, `None` for two honest registrations.
    copy: Option<Edit>,
}

struct LabelledSet {
    texts: Vec<String>,
    pairs: Vec<Pair>,
}

/// Registrations per job.
const PER_JOB: usize = 12;
/// Copies per registration (edit kinds taken in turn).
const COPIES_EACH: usize = 4;

fn labelled_set(seed: u64) -> LabelledSet {
    let mut rng = Rng(seed);
    let mut texts = Vec::new();
    let mut pairs = Vec::new();
    let mut turn = 0usize;
    for job in JOBS {
        let mut bases: Vec<usize> = Vec::new();
        for _ in 0..PER_JOB {
            let regs = honest(job, &mut rng);
            let base = texts.len();
            texts.push(render(&regs));
            bases.push(base);
            for _ in 0..COPIES_EACH {
                let edit = EDITS[turn % EDITS.len()];
                turn += 1;
                let copy = copy_of(&regs, edit, job, &mut rng);
                let text = render(&copy);
                if text == texts[base] {
                    // Nothing of that kind to change (no date in this registration).
                    continue;
                }
                pairs.push(Pair {
                    a: base,
                    b: texts.len(),
                    copy: Some(edit),
                });
                texts.push(text);
            }
        }
        for (k, &a) in bases.iter().enumerate() {
            for &b in &bases[k + 1..] {
                pairs.push(Pair { a, b, copy: None });
            }
        }
    }
    LabelledSet { texts, pairs }
}

// ---------------------------------------------------------------------------------------------
// The measure
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Counts {
    found: usize,
    total: usize,
}

#[test]
fn copies_with_the_usual_edits_are_found_and_honest_registrations_are_not() {
    let set = labelled_set(2024);
    let docs: Vec<Doc> = set
        .texts
        .iter()
        .enumerate()
        .map(|(i, t)| Doc::new(i as i64, i as i64, "u", t))
        .collect();
    let sigs: Vec<_> = set.texts.iter().map(|t| signature(t).0).collect();
    let index = Index::new(docs);
    let hits: Vec<Vec<(i64, f64)>> = sigs
        .iter()
        .map(|s| index.similar(s, COPY_THRESHOLD))
        .collect();
    let found = |a: usize, b: usize| {
        hits[a].iter().any(|&(id, _)| id == b as i64)
            || hits[b].iter().any(|&(id, _)| id == a as i64)
    };
    let similarity = |a: usize, b: usize| domain::similarity::estimate(&sigs[a], &sigs[b]);

    let mut per_edit: BTreeMap<Edit, (Counts, f64)> = BTreeMap::new();
    let (mut tp, mut fp, mut fn_, mut tn) = (0usize, 0usize, 0usize, 0usize);
    let mut worst_negative = (0.0f64, 0, 0);
    for p in &set.pairs {
        let f = found(p.a, p.b);
        let s = similarity(p.a, p.b);
        match p.copy {
            Some(edit) => {
                let e = per_edit.entry(edit).or_insert((Counts::default(), 1.0));
                e.0.total += 1;
                e.1 = e.1.min(s);
                if f {
                    tp += 1;
                    e.0.found += 1;
                } else {
                    fn_ += 1;
                }
            }
            None => {
                if s > worst_negative.0 {
                    worst_negative = (s, p.a, p.b);
                }
                if f {
                    fp += 1;
                } else {
                    tn += 1;
                }
            }
        }
    }
    let precision = tp as f64 / (tp + fp).max(1) as f64;
    let recall = tp as f64 / (tp + fn_).max(1) as f64;
    println!(
        "labelled set: {} registrations, {} pairs ({} copies, {} honest pairs of the same job)",
        set.texts.len(),
        set.pairs.len(),
        tp + fn_,
        fp + tn
    );
    for (edit, (c, lowest)) in &per_edit {
        println!(
            "  {:<40} {:>3}/{:<3} found, lowest similarity {lowest:.2}",
            edit.label(),
            c.found,
            c.total
        );
    }
    println!(
        "  honest pairs wrongly grouped: {fp}/{}; highest similarity {:.2}",
        fp + tn,
        worst_negative.0
    );
    let jobs: Vec<&str> = JOBS.iter().map(|j| j.name).collect();
    println!("  jobs: {}", jobs.join(", "));
    println!("precision {precision:.3}, recall {recall:.3}");
    if std::env::var_os("COPY_DETECTION_SHOW").is_some() {
        println!(
            "--- most similar honest pair ---\n{}\n---\n{}",
            set.texts[worst_negative.1], set.texts[worst_negative.2]
        );
    }
    assert!(set.pairs.len() >= 200);
    assert!(precision >= 0.95, "precision {precision:.3}");
    assert!(recall >= 0.9, "recall {recall:.3}");
}

#[test]
fn the_labelled_set_is_deterministic_and_covers_every_edit() {
    let a = labelled_set(2024);
    let b = labelled_set(2024);
    assert_eq!(a.texts, b.texts);
    for edit in EDITS {
        let n = a.pairs.iter().filter(|p| p.copy == Some(edit)).count();
        assert!(n >= 20, "{edit:?}: {n}");
    }
    let negatives = a.pairs.iter().filter(|p| p.copy.is_none()).count();
    assert!(negatives >= 200, "{negatives}");
}
