//! The phrase bank of the demo's registrations: commitment and "nêu gương" templates by who writes
//! them, the generic phrases people really write (the "chưa cụ thể" the city committee criticised), duties that tie to
//! nothing, and the words of reviews. All literals are NFC.
//!
//! Template syntax (see `super::expand`): `{a|b|c}` picks one alternative (an empty one is allowed),
//! `{n}` is the item's number, `{0n}` the same with two digits ("02"), `{m}` the number in thousands of
//! đồng ("500.000"), `{kp}` the member's khu phố / ấp ("khu phố 3", "ấp Bình Thạnh"), `{lane}` a lane
//! there ("hẻm 12", "đường liên tổ 3"), `{area}` the ward or commune ("Phường 7", "xã Sơn Đông"),
//! `{org}` the member's cell or agency ("Trường THCS Phú Tân"), `{y}` the year, `{py}` the year
//! before, `{theme}` the year's theme in short, `{street}` a street of the city, `{k}` a small number
//! that names something (a lane, a group).

/// Who writes a template: bits over the member's roles (a member has several).
pub(super) type Who = u32;

/// Everyone.
pub(super) const ALL: Who = 1 << 0;
/// Cell party leadership: bí thư, phó bí thư chi bộ, chi ủy viên.
pub(super) const SEC: Who = 1 << 1;
/// Committee leadership: bí thư, phó bí thư đảng ủy / thành ủy, ủy ban kiểm tra, the committee's
/// departments.
pub(super) const LEAD: Who = 1 << 2;
/// Chủ tịch, phó chủ tịch UBND.
pub(super) const GOV: Who = 1 << 3;
/// Mặt trận and mass organisations (chủ tịch, phó chủ tịch, chi hội trưởng).
pub(super) const FRONT: Who = 1 << 4;
/// Hội Cựu chiến binh.
pub(super) const VETERAN: Who = 1 << 5;
/// Hội Liên hiệp Phụ nữ.
pub(super) const WOMEN: Who = 1 << 6;
/// Đoàn Thanh niên.
pub(super) const YOUTH: Who = 1 << 7;
/// Residential heads: trưởng khu phố / ấp, tổ trưởng tổ dân phố, tổ tự quản, tổ hòa giải, tổ dân vận.
pub(super) const QUARTER: Who = 1 << 8;
/// Anyone living in an urban khu phố (members of residential cells).
pub(super) const RES: Who = 1 << 9;
/// Anyone living in a rural ấp.
pub(super) const HAMLET: Who = 1 << 10;
/// Retired cadres.
pub(super) const RETIRED: Who = 1 << 11;
/// Small business owners.
pub(super) const BUSINESS: Who = 1 << 12;
/// Workers and office employees.
pub(super) const WORKER: Who = 1 << 13;
/// Farmers and Hội Nông dân.
pub(super) const FARMER: Who = 1 << 14;
/// Civil servants and agency staff.
pub(super) const CIVIL: Who = 1 << 15;
pub(super) const POLICE: Who = 1 << 16;
pub(super) const MILITARY: Who = 1 << 17;
pub(super) const TEACHER: Who = 1 << 18;
pub(super) const HEALTH: Who = 1 << 19;
/// Staff of any agency (civil servants, police, army, schools, health): they live elsewhere.
pub(super) const STAFF: Who = CIVIL | POLICE | MILITARY | TEACHER | HEALTH | LEAD | GOV;
/// Members living in the cell's area.
pub(super) const LOCAL: Who = RES | HAMLET | QUARTER | RETIRED | BUSINESS | WORKER | FARMER;

// The fields of `domain::quality::FIELDS` used as duties.
pub(super) const CM: &str = "Công tác chuyên môn";
pub(super) const DANG: &str = "Công tác Đảng";
pub(super) const DV: &str = "Công tác dân vận";
pub(super) const DT: &str = "Công tác đoàn thể";
pub(super) const TT: &str = "Công tác tuyên truyền, giáo dục";
pub(super) const LL: &str = "Học tập lý luận chính trị";
pub(super) const NV: &str = "Học tập nâng cao trình độ chuyên môn, nghiệp vụ";
pub(super) const RL: &str = "Tu dưỡng, rèn luyện đạo đức, lối sống";
pub(super) const SH: &str = "Sinh hoạt chi bộ";
pub(super) const GD: &str = "Gia đình và nơi cư trú";
pub(super) const CC: &str = "Cải cách hành chính";
pub(super) const TN: &str = "Phòng, chống tham nhũng, lãng phí";
pub(super) const NG: &str = "Trách nhiệm nêu gương";
pub(super) const AN: &str = "Quốc phòng, an ninh, trật tự an toàn xã hội";
pub(super) const NTM: &str = "Xây dựng nông thôn mới, đô thị văn minh";

/// One commitment template.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tpl {
    pub who: Who,
    /// A field of `FIELDS`; with `title`, the member's own position title is used instead when they
    /// hold one of the roles in `who` (most of the time).
    pub duty: &'static str,
    pub title: bool,
    pub content: &'static str,
    pub target: &'static str,
    /// Range of `{n}` in the first year.
    pub n: (u32, u32),
    /// Growth of `{n}` per year, in per cent.
    pub grow: u32,
    /// Months of the deadline.
    pub due: (u32, u32),
    /// What the member will show at the year-end review.
    pub ev: &'static str,
    /// Years the template is used in.
    pub years: (i32, i32),
}

const fn t(
    who: Who,
    duty: &'static str,
    content: &'static str,
    target: &'static str,
    n: (u32, u32),
    due: (u32, u32),
) -> Tpl {
    Tpl {
        who,
        duty,
        title: false,
        content,
        target,
        n,
        grow: 0,
        due,
        ev: "",
        years: (2000, 2100),
    }
}

impl Tpl {
    const fn title(mut self) -> Tpl {
        self.title = true;
        self
    }
    const fn grow(mut self, per_cent: u32) -> Tpl {
        self.grow = per_cent;
        self
    }
    const fn ev(mut self, ev: &'static str) -> Tpl {
        self.ev = ev;
        self
    }
    const fn years(mut self, from: i32, to: i32) -> Tpl {
        self.years = (from, to);
        self
    }
    /// Whether `{n}` appears in the texts.
    pub fn numbered(&self) -> bool {
        self.content.contains("{n}")
            || self.content.contains("{0n}")
            || self.content.contains("{m}")
            || self.target.contains("{n}")
            || self.target.contains("{0n}")
            || self.target.contains("{m}")
    }
}

/// Commitment items ("học tập và làm theo"), by who writes them.
pub(super) const COMMITMENTS: &[Tpl] = &[
    // --- Everyone: study, party life, family ------------------------------------------------
    t(ALL, LL, "{Đọc|Tìm đọc|Nghiên cứu} {0n} cuốn sách {về tấm gương đạo đức Hồ Chí Minh|về Bác Hồ với {miền Nam|Bến Tre|thanh niên}|“Bác Hồ – những câu chuyện về đạo đức”}{| trong tủ sách của chi bộ| do Ban Tuyên giáo giới thiệu}, {viết bài thu hoạch|ghi chép bài học}{| để trao đổi tại sinh hoạt chi bộ}", "{0n} bài thu hoạch", (1, 3), (9, 11)).ev("Bài thu hoạch nộp chi ủy"),
    t(ALL, LL, "{Học tập|Nghiên cứu, học tập|Tham gia học tập đầy đủ} chuyên đề năm {y}{| về {theme}}, {viết|hoàn thành|nộp} bài thu hoạch {liên hệ với chức trách của bản thân|và đăng ký việc làm cụ thể|gắn với công việc hằng ngày|đúng thời gian chi ủy yêu cầu}", "01 bài thu hoạch", (1, 1), (6, 9)).ev("Bài thu hoạch có nhận xét của chi ủy").years(2017, 2100),
    // 2016: no yearly theme; the directive was studied with the theme of the whole term.
    t(ALL, LL, "{Học tập|Nghiên cứu, học tập|Tham gia học tập đầy đủ} Chỉ thị 05-CT/TW{| cùng chuyên đề toàn khóa| và chuyên đề toàn khóa 2016 – 2021}, {viết|hoàn thành|nộp} bài thu hoạch {liên hệ với chức trách của bản thân|gắn với công việc hằng ngày|đúng thời gian chi ủy yêu cầu}", "01 bài thu hoạch", (1, 1), (9, 10)).ev("Bài thu hoạch có nhận xét của chi ủy").years(2016, 2016),
    t(ALL, SH, "{Dự|Tham dự} sinh hoạt chi bộ{| thường kỳ| định kỳ hằng tháng} đầy đủ, {đóng đảng phí đúng kỳ hạn|nộp đảng phí trước ngày 10 hằng tháng|không vắng mặt không có lý do}", "12/12 kỳ sinh hoạt", (12, 12), (12, 12)).ev("Sổ theo dõi sinh hoạt và đảng phí của chi bộ"),
    t(ALL, SH, "{Phát biểu, đóng góp|Chuẩn bị và phát biểu|Tham gia đóng góp} ý kiến xây dựng {nghị quyết|nghị quyết tháng|chương trình công tác} {tại các kỳ sinh hoạt chi bộ|của chi bộ|trong các buổi họp chi bộ}", "{n} lượt phát biểu", (4, 10), (12, 12)).ev("Biên bản sinh hoạt chi bộ"),
    t(ALL, SH, "{Làm|Viết} bản tự kiểm điểm {cuối năm {y}|đảng viên năm {y}}, {nhận rõ|chỉ rõ|nêu thẳng} ưu điểm, khuyết điểm{| và biện pháp khắc phục| để chi bộ góp ý}", "01 bản tự kiểm điểm", (1, 1), (12, 12)),
    t(ALL, LL, "{Tham gia|Viết bài tham gia|Dự} Cuộc thi tìm hiểu {lịch sử Đảng bộ tỉnh Bến Tre|về cuộc đời, sự nghiệp của Chủ tịch Hồ Chí Minh|Hiến pháp và pháp luật|Luật An ninh mạng} {năm {y}|do {thành phố|tỉnh} tổ chức}", "01 bài dự thi", (1, 1), (5, 10)),
    t(ALL, TT, "{Chia sẻ|Đăng tải}{| trên trang mạng xã hội cá nhân| qua nhóm Zalo của khu phố} các bài viết {tích cực|về gương người tốt việc tốt|về chủ trương mới}, {phản bác thông tin sai trái, xấu độc trên mạng|không chia sẻ tin chưa kiểm chứng}", "{n} bài viết", (10, 30), (12, 12)).grow(10),
    t(ALL, DT, "{Tham gia|Đăng ký} hiến máu tình nguyện{| tại Ngày hội Giọt hồng| do Hội Chữ thập đỏ {phường|thành phố} tổ chức| theo lời kêu gọi của Ban chỉ đạo vận động hiến máu}", "{0n} lần", (1, 2), (6, 11)).ev("Giấy chứng nhận hiến máu tình nguyện"),
    t(ALL, DV, "{Đóng góp|Ủng hộ} {Quỹ Vì người nghèo|Quỹ Đền ơn đáp nghĩa|Quỹ Khuyến học|Quỹ phòng, chống thiên tai}{| và vận động gia đình cùng tham gia}{| của {area}}", "{m} đồng", (100, 500), (10, 12)).grow(10).ev("Biên nhận của Ban vận động"),
    t(ALL, GD, "{Xây dựng|Giữ vững} {gia đình|hộ gia đình} đạt danh hiệu “Gia đình văn hóa” năm {y}{|, con cháu chăm ngoan, học giỏi|, không có người vi phạm pháp luật|, thực hiện nếp sống văn minh}", "01 danh hiệu", (1, 1), (11, 12)).ev("Giấy công nhận gia đình văn hóa"),
    t(ALL, GD, "{Giáo dục|Nhắc nhở} {con cháu|các thành viên trong gia đình} chấp hành Luật Giao thông, {đội mũ bảo hiểm khi đi xe máy|không uống rượu bia khi lái xe|không tham gia đua xe, lạng lách}", "100% thành viên gia đình", (1, 1), (12, 12)),
    t(ALL, GD, "{Vận động|Hướng dẫn} gia đình và {n} hộ {liền kề|xung quanh|cùng tổ} {phân loại rác thải sinh hoạt tại nguồn|ủ rác hữu cơ làm phân bón|đổ rác đúng giờ, đúng nơi quy định}", "{n} hộ", (3, 8), (6, 9)),
    t(ALL, NTM, "{Trồng|Trồng và chăm sóc|Tham gia trồng} {cây xanh|cây bóng mát|hàng rào hoa, cây kiểng} {trước nhà|dọc đường đi|ở nơi công cộng}{| trên tuyến đường {street}}", "{n} cây", (5, 20), (5, 8)),
    t(ALL, RL, "{Tiết kiệm|Thực hành tiết kiệm} {điện, nước|điện} trong sinh hoạt gia đình{|, tắt các thiết bị khi không sử dụng|, dùng bóng đèn tiết kiệm năng lượng}", "giảm {n}% tiền điện so với năm {py}", (5, 10), (12, 12)).ev("Hóa đơn tiền điện"),
    t(STAFF | SEC, GD, "Giữ mối liên hệ với chi ủy, chi bộ nơi cư trú, {tham gia sinh hoạt với khu dân cư|báo cáo việc thực hiện nghĩa vụ công dân nơi cư trú}", "01 phiếu nhận xét của chi ủy nơi cư trú", (1, 1), (12, 12)),
    t(STAFF, NV, "Tự học tin học{| văn phòng}, sử dụng thành thạo {thư điện tử công vụ|phần mềm quản lý văn bản|bảng tính Excel}", "01 chứng chỉ tin học", (1, 1), (9, 11)),
    t(STAFF, TN, "{Kê khai|Thực hiện kê khai} tài sản, thu nhập {trung thực, đúng thời hạn|đầy đủ, trung thực theo quy định|đúng mẫu, đúng thời gian}", "01 bản kê khai", (1, 1), (12, 12)),
    t(STAFF, TN, "{Thực hành tiết kiệm|Tiết kiệm} {điện, nước, văn phòng phẩm|điện, giấy in|chi hành chính} tại {org}{|, tắt máy lạnh, máy tính khi ra về}", "giảm {n}% chi phí", (5, 10), (12, 12)),
    t(LOCAL, DV, "{Thăm hỏi, động viên|Đến thăm, giúp đỡ|Thường xuyên thăm hỏi} {hộ nghèo|người già neo đơn|hộ có người bệnh nặng|gia đình chính sách} {trong {kp}|ở tổ nhân dân nơi mình ở}", "{n} lượt", (4, 12), (12, 12)),
    t(LOCAL, AN, "Tham gia {tuần tra|tuần tra, canh gác|trực đêm} cùng {tổ an ninh nhân dân|tổ tự quản|lực lượng dân phòng} {kp}{|, nhất là dịp lễ, Tết}", "{n} ca trực", (6, 24), (12, 12)),
    t(LOCAL | TEACHER, GD, "Nhận giúp đỡ {0n} học sinh {nghèo vượt khó|có hoàn cảnh khó khăn} ở {kp} {tập vở, học phí|dụng cụ học tập} năm học mới", "{0n} học sinh", (1, 3), (8, 9)),
    t(LOCAL, DT, "{Tham gia|Cùng tham gia} {Ngày Chủ nhật xanh|buổi ra quân dọn vệ sinh|phong trào “Ngày thứ Bảy tình nguyện”}{|, dọn vệ sinh đường phố, kênh rạch| làm sạch đường làng, ngõ xóm} cùng {Đoàn Thanh niên|Hội Phụ nữ|nhân dân|Hội Cựu chiến binh} {kp}", "{n} buổi", (4, 12), (12, 12)),
    t(LOCAL, DV, "Tham gia Tổ Dân vận {kp}, {tuyên truyền|phổ biến|đến từng nhà tuyên truyền} {chủ trương, chính sách|quy định về trật tự đô thị|kế hoạch của phường} {đến các hộ được phân công|cho bà con trong tổ}", "{n} hộ", (5, 15), (12, 12)),
    t(LOCAL, GD, "{Vận động|Tuyên truyền, vận động} {n} hộ {lân cận|trong tổ|khó khăn} tham gia bảo hiểm y tế {hộ gia đình|tự nguyện}{| trước ngày đáo hạn}", "{n} hộ", (2, 6), (9, 11)),
    t(LOCAL, GD, "{Vận động|Cùng Ban điều hành vận động} {0n} hộ {trong tổ|lân cận|mặt tiền} {lắp camera an ninh|lắp đặt camera} {kết nối với Công an {area}|hướng ra đường}{| theo mô hình “Camera an ninh”}", "{0n} camera", (2, 6), (8, 11)),
    t(LOCAL, AN, "Tham gia {Tổ hòa giải|Ban hòa giải} {kp}, {giúp hòa giải|cùng hòa giải|góp ý hòa giải} các mâu thuẫn {trong khu dân cư|giữa các hộ|trong gia đình, hàng xóm}", "{0n} vụ việc", (2, 5), (12, 12)),
    t(LOCAL, GD, "{Vận động|Rủ} {người thân, hàng xóm|con cháu, người thân|các đoàn viên trong khu phố} tham gia hiến máu tình nguyện{| tại các đợt do phường tổ chức}", "{n} người", (3, 8), (9, 11)),
    t(LOCAL, NTM, "{Vận động|Tuyên truyền} các hộ {hạn chế|nói không với} {túi ni lông|sản phẩm nhựa dùng một lần|ống hút nhựa, ly nhựa}{| khi đi chợ| trong sinh hoạt hằng ngày}", "{n} hộ", (5, 20), (9, 12)).years(2018, 2020),
    t(LOCAL, GD, "{Đóng góp|Ủng hộ} {xây dựng nhà tình thương|sửa chữa nhà} cho {hộ nghèo|hộ cận nghèo|gia đình khó khăn} ở {kp}", "{m} đồng", (200, 1000), (9, 12)).grow(10),
    t(ALL, LL, "{Tham gia|Học} {lớp bồi dưỡng lý luận chính trị dành cho đảng viên|lớp cập nhật kiến thức mới cho đảng viên} {do Trung tâm Chính trị thành phố tổ chức|theo kế hoạch của cấp ủy}", "01 giấy chứng nhận", (1, 1), (6, 11)),
    t(ALL, RL, "{Tập thể dục|Đi bộ|Chơi thể thao} buổi {sáng|chiều}{|, tham gia giải việt dã của phường} để rèn luyện sức khỏe", "{n} buổi/tuần", (3, 5), (12, 12)),
    t(ALL, RL, "Ghi {sổ tay đảng viên|nhật ký làm theo} những việc làm theo lời Bác {hằng tháng|mỗi tuần}", "12/12 tháng", (1, 1), (12, 12)),
    t(ALL, TT, "Đọc {báo Nhân Dân|báo Đồng Khởi|Tạp chí Cộng sản|bản tin sinh hoạt chi bộ}, nắm tình hình thời sự {để trao đổi trong chi bộ|để tuyên truyền cho người thân}", "{n} buổi/tuần", (2, 5), (12, 12)),
    t(ALL, LL, "Làm sổ tay ghi chép câu nói của Bác về {đạo đức cách mạng|cần, kiệm, liêm, chính|công tác dân vận|tinh thần đoàn kết}", "01 sổ tay", (1, 1), (6, 9)),
    t(ALL, DV, "{Quyên góp|Ủng hộ} đồng bào bị {thiên tai, bão lũ|hạn mặn} {ở miền Trung|trong tỉnh|theo lời kêu gọi của Mặt trận}", "{m} đồng", (100, 500), (10, 12)),
    t(ALL, GD, "Phối hợp với nhà trường {quản lý, giáo dục|theo dõi việc học của} con{| cháu} trong độ tuổi đi học", "100% con trong độ tuổi đến trường", (1, 1), (9, 9)),
    t(ALL, DT, "Tham gia {hội thi|hội diễn} văn nghệ {mừng Đảng, mừng Xuân|chào mừng ngày 2/9|của khu phố, ấp}", "01 tiết mục", (1, 1), (9, 12)),
    t(STAFF, CM, "{Chấp hành giờ giấc|Bảo đảm thời gian} làm việc, không đi trễ về sớm{|, không làm việc riêng trong giờ hành chính}", "100% ngày công", (1, 1), (12, 12)),
    t(STAFF, CM, "Góp ý xây dựng {quy chế làm việc|quy chế chi tiêu nội bộ|quy chế dân chủ} của {org}", "01 bản góp ý", (1, 1), (3, 5)),
    t(STAFF, CM, "{Hướng dẫn, kèm cặp|Giúp đỡ} đồng nghiệp mới {về chuyên môn|về nghiệp vụ|làm quen công việc}", "{0n} đồng nghiệp", (1, 3), (12, 12)),
    t(STAFF, CM, "Phấn đấu hoàn thành nhiệm vụ, đạt danh hiệu “{Lao động tiên tiến|Chiến sĩ thi đua cơ sở}” năm {y}", "01 danh hiệu", (1, 1), (12, 12)),
    // --- Cell party leadership ---------------------------------------------------------------
    t(SEC, DANG, "Chủ trì sinh hoạt chi bộ thường kỳ vào ngày {k} hằng tháng{|, bảo đảm nội dung thiết thực}", "{n} kỳ sinh hoạt", (12, 12), (12, 12)).title().ev("Sổ biên bản sinh hoạt chi bộ"),
    t(SEC, DANG, "Tổ chức sinh hoạt chuyên đề {hằng quý|mỗi quý một lần} về {theme}{|, mời đảng viên lớn tuổi chia sẻ| gắn với việc làm cụ thể của chi bộ}", "04 kỳ sinh hoạt chuyên đề", (4, 4), (12, 12)).title().years(2017, 2100),
    // 2016: from the plan (June) on, two quarters remain.
    t(SEC, DANG, "Tổ chức sinh hoạt chuyên đề {quý III và quý IV|hai quý cuối năm|mỗi quý một lần từ quý III} năm {y} về {Chỉ thị 05-CT/TW|chuyên đề toàn khóa|{theme}}{|, mời đảng viên lớn tuổi chia sẻ| gắn với việc làm cụ thể của chi bộ}", "02 kỳ sinh hoạt chuyên đề", (2, 2), (12, 12)).title().years(2016, 2016),
    t(SEC, DANG, "{Phát hiện, bồi dưỡng|Theo dõi, giúp đỡ} quần chúng ưu tú{| trong đoàn viên thanh niên| là cốt cán phong trào}, giới thiệu để Đảng ủy {area} xem xét kết nạp", "{0n} quần chúng", (1, 3), (9, 11)).title(),
    t(SEC, DANG, "{Kiểm tra, giám sát|Giám sát} đảng viên trong chi bộ {thực hiện nội dung đăng ký học tập và làm theo|thực hiện những điều đảng viên không được làm|giữ mối liên hệ nơi cư trú}", "{0n} đảng viên", (2, 5), (9, 11)).title().ev("Thông báo kết luận kiểm tra của chi bộ"),
    t(SEC, DANG, "Phân công đảng viên phụ trách {hộ gia đình|từng cụm dân cư|từng tổ nhân dân}, nắm tình hình {nhân dân|dư luận} ở {kp}", "100% đảng viên", (1, 1), (4, 6)).title(),
    t(SEC, DANG, "{Thu, nộp|Thu và nộp} đảng phí {đầy đủ|đúng kỳ} về Đảng ủy {area}{|, công khai sổ đảng phí trong chi bộ}", "12/12 tháng", (1, 1), (12, 12)).title(),
    t(SEC, DANG, "{Xây dựng|Dự thảo} nghị quyết năm {y} của chi bộ {với chỉ tiêu cụ thể cho từng lĩnh vực|sát với tình hình {kp}}", "01 nghị quyết", (1, 1), (4, 4)).title(),
    t(SEC, DANG, "{Chuẩn bị văn kiện, tổ chức|Chỉ đạo chuẩn bị, tổ chức} đại hội chi bộ nhiệm kỳ 2020 – 2022{| đúng hướng dẫn| thành công}", "01 báo cáo chính trị", (1, 1), (10, 12)).title().years(2019, 2019),
    t(SEC, SH, "Tổ chức cho đảng viên {nhận xét|góp ý} việc làm theo của nhau tại buổi sinh hoạt {cuối năm|tổng kết năm}", "100% đảng viên", (1, 1), (12, 12)),
    t(SEC, DANG, "{Hướng dẫn|Giúp} đảng viên mới viết bản đăng ký học tập và làm theo {gắn với chức trách|cụ thể, sát với công việc}", "{0n} đảng viên mới", (1, 3), (6, 9)).title(),
    // --- Committee leadership ----------------------------------------------------------------
    t(LEAD, DANG, "Dự sinh hoạt định kỳ với các chi bộ trực thuộc{|, nắm tình hình cơ sở}", "{n} buổi", (8, 20), (12, 12)).title(),
    t(LEAD, DANG, "Chỉ đạo các chi bộ trực thuộc {đăng ký và đánh giá|đăng ký, kiểm tra} việc làm theo {gắn với nghị quyết năm|bám sát chức trách của từng đảng viên}", "100% chi bộ", (1, 1), (12, 12)).title(),
    t(LEAD, DANG, "{Chủ trì|Chỉ đạo} {sơ kết, tổng kết|tổng kết} việc thực hiện Chỉ thị 05-CT/TW năm {y}{|, biểu dương điển hình}", "01 báo cáo tổng kết", (1, 1), (12, 12)).title(),
    t(LEAD, DV, "Xây dựng, nhân rộng mô hình “Dân vận khéo” trong {lĩnh vực an sinh xã hội|chỉnh trang đô thị|xây dựng nông thôn mới}", "{0n} mô hình", (1, 3), (9, 11)).title(),
    t(LEAD | GOV, DV, "Đối thoại trực tiếp với nhân dân về những vấn đề bức xúc trên địa bàn {area}", "{0n} buổi đối thoại", (2, 4), (6, 11)).title(),
    t(LEAD, DANG, "{Kiểm tra, giám sát|Chỉ đạo kiểm tra, giám sát} tổ chức đảng và đảng viên theo chương trình năm {y}{|, tập trung việc thực hiện Chỉ thị 05}", "{n} tổ chức đảng", (3, 8), (11, 12)).title().ev("Thông báo kết luận kiểm tra"),
    t(LEAD | CIVIL, DANG, "Tham mưu {Ban Thường vụ|cấp ủy} {ban hành|xây dựng} kế hoạch thực hiện chuyên đề năm {y}", "01 kế hoạch", (1, 1), (4, 5)).title(),
    t(LEAD, DANG, "Chỉ đạo {công tác phát triển đảng viên mới|kết nạp đảng viên mới} trong đảng bộ{|, chú trọng đoàn viên thanh niên}", "{n} đảng viên", (5, 20), (11, 12)).title(),
    t(LEAD | GOV, DANG, "Chỉ đạo giải quyết dứt điểm đơn thư khiếu nại, tố cáo thuộc thẩm quyền", "100% đơn thư", (1, 1), (12, 12)).title(),
    // --- Chủ tịch, phó chủ tịch UBND ------------------------------------------------------------
    t(GOV, CC, "Chỉ đạo giải quyết thủ tục hành chính {đúng hạn|đúng và trước hạn} tại Bộ phận {tiếp nhận và trả kết quả|một cửa}", "{n}% hồ sơ đúng hạn", (97, 100), (12, 12)).title(),
    t(GOV, CM, "Tiếp công dân định kỳ{| vào thứ Năm hằng tuần}, giải quyết kiến nghị của nhân dân", "{n} buổi/tháng", (2, 4), (12, 12)).title(),
    t(GOV, NTM, "Chỉ đạo {chỉnh trang đô thị, lập lại trật tự lòng lề đường|ra quân lập lại trật tự vỉa hè} trên {n} tuyến đường chính", "{n} tuyến đường", (2, 6), (9, 12)).title(),
    t(GOV, CM, "Chỉ đạo thu ngân sách nhà nước trên địa bàn {đạt và vượt|hoàn thành} dự toán được giao", "{n}% dự toán", (100, 110), (12, 12)).title(),
    t(GOV, NTM, "Chỉ đạo hoàn thành các tiêu chí {phường văn minh đô thị|xã nông thôn mới nâng cao} còn lại", "{n} tiêu chí", (2, 5), (10, 12)).title(),
    t(GOV, CC, "Chỉ đạo {tiếp nhận|giải quyết} hồ sơ trực tuyến mức độ 3, 4 qua Cổng dịch vụ công{| của tỉnh}", "{n} hồ sơ", (100, 400), (12, 12)).title().grow(40).years(2018, 2020),
    t(GOV, CM, "Chỉ đạo phòng, chống dịch tả heo châu Phi, {không để lây lan trên địa bàn|hỗ trợ kịp thời hộ chăn nuôi bị thiệt hại}", "100% ổ dịch được xử lý", (1, 1), (12, 12)).title().years(2019, 2019),
    t(GOV, CM, "Chỉ đạo Tổng điều tra dân số và nhà ở năm 2019 trên địa bàn {đúng tiến độ|bảo đảm chất lượng}", "100% hộ dân", (1, 1), (5, 5)).title().years(2019, 2019),
    t(GOV, CM, "Chỉ đạo phòng, chống dịch COVID-19 trên địa bàn{, thực hiện nghiêm giãn cách xã hội theo Chỉ thị 16/CT-TTg| theo phương châm “chống dịch như chống giặc”}", "100% trường hợp cách ly được theo dõi", (1, 1), (12, 12)).title().years(2020, 2020),
    // --- Mặt trận and mass organisations -----------------------------------------------------
    t(FRONT, DT, "{Vận động|Hướng dẫn} hội viên tham gia tổ tiết kiệm và vay vốn {phát triển kinh tế gia đình|Ngân hàng Chính sách xã hội}", "{n} hội viên", (10, 40), (12, 12)).title(),
    t(FRONT, DV, "{Vận động|Vận động nguồn lực} xây dựng nhà “Đại đoàn kết” cho {hộ nghèo|hộ nghèo, hộ có hoàn cảnh khó khăn về nhà ở}", "{0n} nhà đại đoàn kết", (1, 4), (8, 12)).title().ev("Biên bản bàn giao nhà"),
    t(FRONT, DT, "Kết nạp hội viên mới{|, nâng tỷ lệ tập hợp hội viên}", "{n} hội viên mới", (3, 15), (12, 12)).title(),
    t(FRONT, DV, "Tổ chức giám sát việc thực hiện {quy chế dân chủ ở cơ sở|công trình do nhân dân đóng góp|chính sách hỗ trợ hộ nghèo}", "{0n} cuộc giám sát", (2, 4), (9, 11)).title(),
    t(FRONT, DV, "{Vận động quà, thăm hỏi|Tổ chức thăm, tặng quà} gia đình chính sách, hộ nghèo {dịp Tết và ngày 27/7|nhân ngày Thương binh – Liệt sĩ 27/7}", "{n} suất quà", (20, 120), (7, 8)).title().grow(10),
    t(FRONT, DV, "{Tổ chức|Phối hợp tổ chức} Ngày hội Đại đoàn kết toàn dân tộc ở {kp}{|, biểu dương gia đình văn hóa tiêu biểu}", "01 ngày hội", (1, 1), (11, 11)).title(),
    t(VETERAN, DT, "{Thực hiện|Duy trì} mô hình “5 + 1” của Hội Cựu chiến binh, giúp hội viên khó khăn {vươn lên|thoát nghèo}", "{n} hội viên", (2, 6), (12, 12)).title(),
    t(VETERAN, AN, "Nói chuyện truyền thống cho {học sinh, đoàn viên|thanh niên chuẩn bị nhập ngũ} nhân ngày 22/12", "{0n} buổi nói chuyện", (1, 3), (12, 12)).title(),
    t(WOMEN, DT, "{Vận động|Hướng dẫn} hội viên thực hiện cuộc vận động “Xây dựng gia đình 5 không, 3 sạch”{| gắn với xây dựng nông thôn mới}", "{n} hộ hội viên", (20, 60), (11, 12)).title(),
    t(WOMEN, DT, "{Duy trì|Phát triển} tổ phụ nữ tiết kiệm, nuôi heo đất giúp {chị em nghèo|hội viên khó khăn}", "{m} đồng", (2000, 8000), (12, 12)).title().grow(15),
    t(FARMER, NTM, "Hướng dẫn nông dân áp dụng quy trình VietGAP trên cây {bưởi da xanh|dừa xiêm xanh|chôm chôm}", "{n} hộ", (5, 20), (10, 12)).title(),
    t(FARMER, NTM, "Cải tạo vườn, áp dụng tưới tiết kiệm cho {dừa|bưởi|chôm chôm} của gia đình", "{n} công vườn", (2, 8), (8, 10)).title(),
    t(FARMER, NTM, "Tham gia tổ hợp tác {trồng dừa hữu cơ|nuôi tôm càng xanh|sản xuất bưởi}, liên kết tiêu thụ sản phẩm", "01 hợp đồng liên kết", (1, 1), (9, 11)).title(),
    // --- Đoàn Thanh niên --------------------------------------------------------------------
    t(YOUTH, DT, "{Tổ chức cho|Vận động} đoàn viên tham gia chiến dịch Thanh niên tình nguyện hè {y}", "{n} lượt đoàn viên", (20, 80), (7, 8)).title(),
    t(YOUTH, DANG, "Giới thiệu đoàn viên ưu tú {để chi bộ bồi dưỡng, xem xét kết nạp|cho chi bộ xem xét kết nạp vào Đảng}", "{0n} đoàn viên", (1, 3), (10, 12)).title(),
    t(YOUTH, DT, "Tổ chức {sinh hoạt hè, sân chơi|điểm vui chơi hè} cho thiếu nhi tại {kp}", "{n} buổi", (4, 10), (7, 8)).title(),
    t(YOUTH, DT, "Ra mắt công trình thanh niên “{Thắp sáng đường quê|Tuyến đường xanh – sạch – đẹp|Camera an ninh}”", "01 công trình", (1, 1), (8, 10)).title().ev("Biên bản bàn giao công trình"),
    // --- Residential heads --------------------------------------------------------------------
    t(QUARTER, NTM, "{Vận động|Tuyên truyền, vận động} các hộ trong {kp} đóng góp {ngày công, kinh phí|kinh phí, vật liệu} bê tông hóa {lane}", "{n} mét", (100, 600), (6, 10)).title().grow(10).ev("Biên bản nghiệm thu công trình"),
    t(QUARTER, DV, "{Vận động|Đến từng nhà vận động} hộ dân hiến đất, vật kiến trúc mở rộng {lane}{| theo phương châm “Nhà nước và nhân dân cùng làm”}", "{n} hộ", (5, 20), (6, 10)).title().ev("Danh sách hộ hiến đất có chữ ký"),
    t(QUARTER, NTM, "Lắp đặt đèn chiếu sáng {lane}{| theo mô hình “Thắp sáng đường quê”}", "{n} bóng đèn", (10, 40), (5, 9)).title(),
    t(QUARTER, DV, "Tổ chức họp dân {định kỳ|hằng quý}, tiếp nhận và phản ánh kiến nghị của nhân dân lên Ủy ban nhân dân {area}", "{n} cuộc họp", (4, 12), (12, 12)).title().ev("Biên bản họp dân"),
    t(QUARTER, DV, "{Vận động|Hướng dẫn} hộ nghèo, hộ cận nghèo vay vốn ưu đãi {phát triển sản xuất|chăn nuôi, buôn bán nhỏ}", "{n} hộ", (2, 8), (6, 10)).title(),
    t(QUARTER, DV, "Rà soát, bình xét hộ nghèo, hộ cận nghèo {công khai, đúng quy trình|dân chủ, đúng đối tượng}", "01 biên bản bình xét", (1, 1), (10, 11)).title(),
    t(QUARTER, DV, "{Vận động|Tuyên truyền, vận động} người dân {tham gia bảo hiểm y tế hộ gia đình|mua bảo hiểm y tế tự nguyện}", "{n} người", (15, 60), (9, 12)).title().grow(10),
    t(QUARTER, AN, "Duy trì tổ tự quản an ninh trật tự, phối hợp Công an {area} {tuần tra ban đêm|giữ gìn trật tự dịp lễ, Tết}", "{n} buổi/tháng", (2, 4), (12, 12)).title(),
    t(QUARTER, AN, "Hòa giải các mâu thuẫn, tranh chấp nhỏ trong {kp}, {không để phát sinh khiếu kiện vượt cấp|giữ tình làng nghĩa xóm}", "{n}% vụ việc hòa giải thành", (80, 95), (12, 12)).title(),
    t(QUARTER, NTM, "Vận động nhân dân dọn vệ sinh, khai thông cống rãnh, kênh mương{| trong {kp}}", "{n} đợt", (4, 12), (12, 12)).title(),
    t(QUARTER, DV, "Xây dựng mô hình “{Hẻm văn minh – sạch đẹp|Tuyến đường hoa|Khu dân cư không rác}” ở {lane}", "01 mô hình", (1, 1), (9, 11)).title(),
    t(QUARTER, DV, "{Thành lập|Duy trì} tổ hụi tương trợ, nuôi heo đất giúp hộ khó khăn trong {kp}", "01 tổ hụi", (1, 1), (6, 9)).title(),
    t(QUARTER, AN, "{Vận động|Đôn đốc} thanh niên trong độ tuổi đăng ký nghĩa vụ quân sự{| đúng thời gian| và khám tuyển đầy đủ}", "100% thanh niên", (1, 1), (4, 5)).title(),
    t(QUARTER | POLICE, TT, "Tuyên truyền phòng, chống lừa đảo qua mạng tại các buổi họp {tổ|dân}", "{n} buổi", (3, 8), (12, 12)).title(),
    t(QUARTER, CM, "{Phối hợp|Dẫn đường cho} điều tra viên thực hiện Tổng điều tra dân số và nhà ở năm 2019 tại {kp}", "100% hộ dân", (1, 1), (5, 5)).title().years(2019, 2019),
    t(QUARTER, CM, "{Cùng|Phối hợp với} tổ COVID cộng đồng rà soát người từ vùng dịch về {kp}{| và vận động khai báo y tế}", "100% người về từ vùng dịch được khai báo y tế", (1, 1), (12, 12)).title().years(2020, 2020),
    t(QUARTER | RES, NTM, "Vận động các hộ kinh doanh{| ở {kp}} không lấn chiếm lòng lề đường, vỉa hè", "{n} hộ kinh doanh", (10, 40), (6, 9)).title(),
    t(QUARTER | HAMLET, NTM, "Vận động hộ dân xây dựng nhà tiêu hợp vệ sinh theo mô hình “Dân vận khéo”", "{n} hộ", (5, 15), (8, 11)).title(),
    t(QUARTER | HAMLET, NTM, "Vận động nông dân chuyển đổi vườn tạp sang trồng {dừa xiêm xanh|bưởi da xanh|ca cao xen dừa}", "{n} ha", (2, 10), (9, 11)).title(),
    t(QUARTER | HAMLET, NTM, "Vận động bà con hiến đất, đóng góp làm {lane}", "{n} mét đường", (200, 1000), (8, 11)).title().ev("Biên bản nghiệm thu công trình"),
    t(QUARTER | HAMLET, NTM, "Hướng dẫn các hộ trữ nước ngọt, phòng chống hạn mặn mùa khô", "{n} hộ", (20, 80), (5, 6)).title(),
    // --- Retired, business, workers ---------------------------------------------------------
    t(RETIRED, DT, "Tham gia câu lạc bộ {hưu trí|dưỡng sinh|thơ ca}, nói chuyện truyền thống cho thanh thiếu niên {kp}", "{0n} buổi nói chuyện", (1, 4), (7, 12)),
    t(RETIRED, DV, "Tham gia Ban điều hành {kp}, {theo dõi việc thực hiện quy chế dân chủ ở cơ sở|giám sát các công trình do dân đóng góp}", "{n} cuộc họp", (4, 12), (12, 12)),
    t(BUSINESS, CM, "Kinh doanh đúng pháp luật, {kê khai, nộp thuế đầy đủ, đúng hạn|niêm yết giá, nộp thuế đúng hạn}", "12/12 kỳ nộp thuế", (1, 1), (12, 12)).title(),
    t(BUSINESS, CM, "Tạo việc làm {ổn định|thường xuyên} cho lao động {địa phương|nghèo trong khu phố} tại cơ sở kinh doanh của gia đình", "{n} lao động", (2, 10), (12, 12)).title(),
    t(WORKER, CM, "Đề xuất cải tiến {thao tác|quy trình}, tiết kiệm nguyên vật liệu tại {tổ sản xuất|phân xưởng}", "01 sáng kiến", (1, 1), (10, 11)).title(),
    t(WORKER, CM, "Hoàn thành các hồ sơ, chứng từ được phân công tại {công ty|đơn vị} đúng hạn", "100% hồ sơ", (1, 1), (12, 12)).title(),
    // --- Civil servants and agency staff -----------------------------------------------------
    t(CIVIL, CM, "Giải quyết hồ sơ {hộ tịch|chứng thực|đất đai|xây dựng} đúng hạn, không để tồn đọng", "100% hồ sơ", (1, 1), (12, 12)).title(),
    t(CIVIL, CC, "{Hướng dẫn|Trực tiếp hướng dẫn} người dân nộp hồ sơ trực tuyến qua Cổng dịch vụ công {của tỉnh|Bến Tre}{| ngay tại bộ phận một cửa}", "{n} hồ sơ", (50, 300), (12, 12)).grow(30),
    t(CIVIL, CM, "Tham mưu xây dựng kế hoạch công tác năm {y} của {đơn vị|phòng|bộ phận}", "01 kế hoạch", (1, 1), (4, 4)).title(),
    t(CIVIL, CM, "Hoàn thành báo cáo {thống kê định kỳ|tháng, quý} {đúng thời hạn|chính xác, đúng hạn}", "12 báo cáo tháng", (1, 1), (12, 12)).title(),
    t(CIVIL, CM, "Nghiên cứu, đề xuất sáng kiến cải tiến {quy trình tiếp nhận hồ sơ|cách lưu trữ hồ sơ|công tác văn thư}", "01 sáng kiến", (1, 1), (9, 11)).ev("Quyết định công nhận sáng kiến"),
    t(CIVIL, CC, "{Số hóa|Chỉnh lý, số hóa} hồ sơ lưu trữ của {org}{| từ năm 2010 trở về trước}", "{n} hồ sơ", (200, 1000), (11, 12)).grow(20),
    t(CIVIL, NV, "Tham gia lớp bồi dưỡng {quản lý nhà nước|kỹ năng tiếp công dân|nghiệp vụ chuyên môn}", "01 chứng chỉ", (1, 1), (6, 11)),
    t(CIVIL, CM, "Tham mưu giải quyết đơn thư {khiếu nại, tố cáo|phản ánh, kiến nghị} {đúng thời hạn|đúng quy định về thời hạn}", "100% đơn thư", (1, 1), (12, 12)).title(),
    t(CIVIL, CM, "Cập nhật phần mềm quản lý {hộ tịch|đất đai|văn bản} đầy đủ, chính xác", "100% hồ sơ", (1, 1), (12, 12)).title(),
    t(CIVIL, CM, "Lập báo cáo quyết toán năm {py} {đúng hạn, không để sai sót|chính xác, được cấp trên phê duyệt}", "01 báo cáo quyết toán", (1, 1), (4, 4)).title(),
    t(CIVIL | LEAD, TT, "Biên soạn tài liệu tuyên truyền chuyên đề năm {y}", "01 bộ tài liệu", (1, 1), (5, 7)),
    t(CIVIL, CC, "Ứng dụng phần mềm quản lý văn bản, {xử lý hồ sơ công việc|trao đổi văn bản} trên môi trường mạng", "100% văn bản", (1, 1), (12, 12)).years(2018, 2020),
    t(CIVIL, CC, "Rà soát, đề xuất {cắt giảm|đơn giản hóa} thủ tục hành chính thuộc lĩnh vực được giao", "{0n} thủ tục", (1, 3), (9, 10)),
    t(CIVIL, DV, "Tham gia tiếp công dân {định kỳ|hằng tuần} cùng lãnh đạo {org}", "{n} buổi", (10, 40), (12, 12)),
    t(CIVIL, CM, "{Xây dựng|Hoàn thiện} quy trình nội bộ giải quyết {hồ sơ|công việc} thuộc lĩnh vực phụ trách", "01 quy trình", (1, 1), (6, 9)),
    // --- Police -------------------------------------------------------------------------------
    t(POLICE, AN, "Nắm chắc tình hình {hộ khẩu, nhân khẩu, tạm trú|cư trú, lưu trú} trên địa bàn được phân công", "100% hộ", (1, 1), (12, 12)).title(),
    t(POLICE, AN, "Tuyên truyền phòng, chống tội phạm {ma túy|trộm cắp tài sản|tín dụng đen} tại các buổi họp dân", "{n} buổi", (6, 15), (12, 12)).title(),
    t(POLICE, AN, "{Vận động|Phối hợp} xây dựng mô hình “Camera an ninh” ở {kp}", "{n} camera", (5, 20), (9, 11)),
    t(POLICE, AN, "{Giải quyết|Tiếp nhận, giải quyết} tin báo, tố giác tội phạm đúng thời hạn", "100% tin báo", (1, 1), (12, 12)).title(),
    t(POLICE, AN, "{Vận động|Tuyên truyền, vận động} người dân giao nộp vũ khí, vật liệu nổ, công cụ hỗ trợ", "{n} buổi tuyên truyền", (3, 8), (10, 12)).title(),
    t(POLICE, CC, "Giải quyết thủ tục cư trú, cấp căn cước công dân cho người dân {đúng hẹn|nhanh, đúng quy định}", "{n} hồ sơ", (100, 500), (12, 12)).title(),
    t(POLICE | MILITARY, NV, "Tham gia huấn luyện điều lệnh, võ thuật, bắn súng", "03 nội dung đạt loại khá", (1, 1), (10, 11)),
    t(POLICE, CM, "Điều tra, làm rõ các vụ việc được phân công {đúng thời hạn|đúng pháp luật, không để oan sai}", "{n}% vụ việc", (85, 95), (12, 12)).title(),
    // --- Army ---------------------------------------------------------------------------------
    t(MILITARY, AN, "Huấn luyện dân quân tự vệ theo kế hoạch, {bảo đảm quân số|đạt yêu cầu}", "{n}% quân số", (95, 100), (10, 11)).title(),
    t(MILITARY, AN, "Tham mưu tuyển chọn và gọi công dân nhập ngũ năm {y} {đạt chỉ tiêu|đúng luật}", "100% chỉ tiêu", (1, 1), (4, 4)).title(),
    t(MILITARY, AN, "{Đăng ký, quản lý|Rà soát, đăng ký} công dân trong độ tuổi sẵn sàng nhập ngũ", "{n} thanh niên", (40, 120), (12, 12)).title(),
    t(MILITARY, AN, "Tham gia diễn tập khu vực phòng thủ{|, phòng chống thiên tai}", "01 cuộc diễn tập", (1, 1), (9, 11)).title(),
    t(MILITARY, AN, "Bồi dưỡng kiến thức quốc phòng và an ninh cho {chức sắc tôn giáo|cán bộ khu phố, ấp}", "{n} người", (15, 40), (8, 10)).title(),
    t(MILITARY, AN, "Tham mưu xây dựng kế hoạch phòng, chống {lụt bão|thiên tai, tìm kiếm cứu nạn|cháy nổ} năm {y}", "01 kế hoạch", (1, 1), (5, 6)).title(),
    t(MILITARY | POLICE, AN, "Tham gia trực sẵn sàng chiến đấu, bảo vệ {Tết Nguyên đán|các ngày lễ lớn|các sự kiện chính trị} trên địa bàn", "{n} ca trực", (8, 30), (12, 12)),
    t(MILITARY, AN, "Nắm tình hình {tôn giáo|an ninh nông thôn|thanh niên tạm vắng} trên địa bàn, báo cáo kịp thời với chỉ huy", "{n} báo cáo", (4, 12), (12, 12)).title(),
    t(POLICE, AN, "{Xây dựng|Duy trì} mô hình “Khu dân cư an toàn về an ninh trật tự” ở {kp}", "01 mô hình", (1, 1), (9, 11)),
    t(POLICE, AN, "Tuần tra, kiểm soát {trật tự công cộng|an toàn giao thông|trật tự đô thị} trên địa bàn", "{n} ca tuần tra", (20, 60), (12, 12)).title(),
    t(POLICE, AN, "Lập hồ sơ, {quản lý|giáo dục} người có tiền án, tiền sự tại cộng đồng", "{0n} hồ sơ", (2, 8), (12, 12)).title(),
    // --- Schools ------------------------------------------------------------------------------
    t(TEACHER, CM, "{Soạn giảng|Thiết kế} bài {có ứng dụng công nghệ thông tin|giảng điện tử}{| cho các lớp được phân công}", "{n} tiết dạy", (10, 30), (12, 12)).title(),
    t(TEACHER, CM, "Bồi dưỡng học sinh giỏi, phụ đạo học sinh yếu{| lớp chủ nhiệm}", "{n} học sinh", (5, 15), (5, 5)).title(),
    t(TEACHER, CM, "Viết sáng kiến kinh nghiệm về {đổi mới phương pháp dạy học|giáo dục kỹ năng sống cho học sinh|công tác chủ nhiệm}", "01 sáng kiến kinh nghiệm", (1, 1), (4, 5)).ev("Quyết định công nhận sáng kiến kinh nghiệm"),
    t(TEACHER, DT, "Vận động quyên góp {tập vở, áo trắng|sách giáo khoa cũ, đồ dùng học tập} cho học sinh có hoàn cảnh khó khăn", "{n} bộ", (20, 60), (8, 9)),
    t(TEACHER, CM, "{Dự giờ, thao giảng|Dự giờ}, góp ý đồng nghiệp trong tổ chuyên môn", "{n} tiết", (8, 18), (12, 12)).title(),
    t(TEACHER, CM, "Thăm gia đình học sinh có nguy cơ bỏ học, {vận động các em trở lại lớp|phối hợp với phụ huynh giúp các em}", "{n} học sinh", (2, 6), (10, 12)).title(),
    t(TEACHER, CM, "Làm đồ dùng dạy học{| từ vật liệu tái chế}", "{0n} đồ dùng", (2, 5), (10, 11)).title(),
    // --- Health -------------------------------------------------------------------------------
    t(HEALTH, CM, "Khám, tư vấn sức khỏe miễn phí cho {người cao tuổi, gia đình chính sách|người nghèo, người khuyết tật}", "{n} lượt người", (50, 200), (10, 12)).title(),
    t(HEALTH, CM, "{Giám sát, phun hóa chất|Xử lý ổ dịch} phòng chống sốt xuất huyết {tại các ổ dịch|trên địa bàn được phân công}", "{n} hộ", (100, 400), (10, 11)),
    t(HEALTH, CM, "Giữ thái độ ân cần với người bệnh, {thực hiện đúng Quy tắc ứng xử của ngành Y tế|“đón tiếp niềm nở, chăm sóc tận tình”}", "{n}% người bệnh hài lòng", (90, 98), (12, 12)).title(),
    t(HEALTH, CM, "Tiêm chủng mở rộng đầy đủ cho trẻ em dưới 1 tuổi {trên địa bàn|của {area}}", "{n}% trẻ em", (95, 99), (12, 12)).title(),
    t(HEALTH, CM, "{Cập nhật|Lập} hồ sơ sức khỏe điện tử cho người dân{| trên địa bàn}", "{n} hồ sơ", (300, 1500), (12, 12)).grow(30).years(2018, 2020),
    t(HEALTH, CM, "{Khám sức khỏe|Tư vấn dinh dưỡng} cho học sinh {các trường trên địa bàn|đầu năm học}", "{n} học sinh", (200, 800), (10, 11)).title(),
    t(HEALTH, CM, "Quản lý {bệnh nhân tăng huyết áp|bệnh nhân đái tháo đường|người cao tuổi có bệnh mãn tính} tại cộng đồng", "{n} bệnh nhân", (30, 120), (12, 12)).title(),
    t(TEACHER, CM, "Tham gia hội thi giáo viên {dạy giỏi|chủ nhiệm giỏi} cấp {trường|thành phố}", "01 giải", (1, 1), (11, 12)).title(),
    t(TEACHER, CM, "{Ứng dụng|Khai thác} {bảng tương tác|phần mềm học liệu} trong {tiết dạy|hoạt động trải nghiệm}", "{n} tiết dạy", (6, 20), (12, 12)).title(),
    t(HEALTH, NV, "Tham gia lớp đào tạo liên tục {về hồi sức cấp cứu|về kiểm soát nhiễm khuẩn|về chăm sóc sức khỏe ban đầu}", "01 chứng chỉ", (1, 1), (6, 11)),
    t(HEALTH, TT, "Truyền thông phòng chống {tay chân miệng|sốt xuất huyết|bệnh không lây nhiễm} tại cộng đồng", "{n} buổi", (4, 12), (11, 12)).title(),
];

/// "Nêu gương" items of heads and key cadres.
pub(super) const EXEMPLARY: &[Tpl] = &[
    t(ALL, NG, "Công khai nội dung đăng ký trên hệ thống truyền thanh {area} {để nhân dân cùng giám sát|và tại hội nghị cán bộ chủ chốt}", "01 lần công khai", (1, 1), (4, 4)),
    t(ALL, TN, "Gương mẫu kê khai tài sản, thu nhập trung thực; không để {người thân|vợ con, người thân} lợi dụng chức vụ, quyền hạn của bản thân", "01 bản kê khai", (1, 1), (12, 12)),
    t(ALL, NG, "Trực tiếp đối thoại với nhân dân{| ở khu phố, ấp còn khó khăn}, giải quyết kiến nghị tại chỗ", "{0n} buổi đối thoại", (2, 6), (11, 12)),
    t(ALL, NG, "Đi đầu đóng góp xây dựng nhà tình thương cho hộ nghèo{| trên địa bàn}", "{m} đồng", (500, 2000), (9, 12)).grow(10),
    t(ALL, NG, "{Sinh hoạt đầy đủ|Giữ mối liên hệ} với chi bộ nơi cư trú, nhận nhận xét của chi ủy nơi cư trú", "01 phiếu nhận xét", (1, 1), (12, 12)),
    t(ALL, NG, "Khắc phục {những hạn chế|các khuyết điểm, hạn chế} được chỉ ra trong kiểm điểm năm {py}{| của chi bộ| theo kết luận của chi ủy}", "100% hạn chế được khắc phục", (1, 1), (12, 12)).years(2016, 2016),
    // Nghị quyết Trung ương 4 khóa XII dates from 30/10/2016: the review of 2016 was the first under it.
    t(ALL, NG, "Khắc phục những hạn chế được chỉ ra trong kiểm điểm năm {py}{| theo Nghị quyết Trung ương 4 khóa XII}", "100% hạn chế được khắc phục", (1, 1), (12, 12)).years(2017, 2100),
    t(ALL, NG, "Đi cơ sở nắm tình hình, dự sinh hoạt với chi bộ{| khu phố, ấp} được phân công theo dõi", "{n} buổi", (6, 12), (12, 12)),
    t(ALL, NG, "Vận động {gia đình, người thân|vợ con, anh em} gương mẫu chấp hành chủ trương của Đảng, pháp luật của Nhà nước", "100% người thân", (1, 1), (12, 12)),
];

/// Generic phrases people really write: flagged "chung chung" by the quality rules.
pub(super) const VAGUE: &[(&str, &str)] = &[
    (
        "Chấp hành tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước",
        RL,
    ),
    ("Nâng cao ý thức tu dưỡng, rèn luyện đạo đức, lối sống", RL),
    ("Thực hiện nghiêm những điều đảng viên không được làm", RL),
    ("Giữ gìn phẩm chất đạo đức của người đảng viên", RL),
    ("Không ngừng học tập nâng cao trình độ", NV),
    ("Hoàn thành tốt nhiệm vụ được giao", CM),
    ("Thực hiện tốt quy chế dân chủ ở cơ sở", DANG),
    ("Luôn gương mẫu trong công tác và sinh hoạt", NG),
    (
        "Tích cực tham gia các phong trào thi đua của địa phương",
        GD,
    ),
    ("Thực hiện tốt tự phê bình và phê bình", SH),
    ("Nói đi đôi với làm, chống chủ nghĩa cá nhân", RL),
    ("Thực hành cần, kiệm, liêm, chính, chí công vô tư", RL),
    ("Giữ gìn lối sống lành mạnh, trung thực, giản dị", RL),
    ("Chấp hành nghiêm túc nội quy, quy chế cơ quan", CM),
    ("Nâng cao tinh thần trách nhiệm trong công việc", CM),
    ("Tham gia sinh hoạt chi bộ đầy đủ", SH),
    (
        "Thường xuyên học tập và làm theo tấm gương đạo đức của Bác",
        LL,
    ),
    ("Đoàn kết nội bộ, giữ gìn kỷ luật, kỷ cương", SH),
    ("Nâng cao chất lượng, hiệu quả công tác", CM),
    (
        "Tích cực học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        LL,
    ),
];

/// What vague items put as target.
pub(super) const VAGUE_TARGETS: &[&str] = &[
    "",
    "",
    "",
    "",
    "",
    "Hoàn thành tốt",
    "Thường xuyên",
    "Cả năm",
    "Tốt",
];

/// Duties that tie an item to nothing ("chưa gắn với chức trách").
pub(super) const UNTIED_DUTIES: &[&str] = &[
    "",
    "",
    "Khác",
    "Cá nhân",
    "Nhiệm vụ",
    "Công việc",
    "Bản thân",
    "Chung",
];

/// Targets without a measure ("chưa có chỉ tiêu") on otherwise concrete items.
pub(super) const UNMEASURED_TARGETS: &[&str] = &["", "Theo kế hoạch", "Hoàn thành", "Đạt yêu cầu"];

/// Streets of Bến Tre city, for `{street}`.
pub(super) const STREETS: &[&str] = &[
    "Đồng Khởi",
    "Hùng Vương",
    "Nguyễn Đình Chiểu",
    "Trần Quốc Tuấn",
    "Nguyễn Huệ",
    "Lê Lợi",
    "Đoàn Hoàng Minh",
    "Nguyễn Văn Tư",
    "Trương Định",
    "Hai Bà Trưng",
    "3 Tháng 2",
    "Phan Ngọc Tòng",
];

/// The yearly themes in the words of a registration item (`crate::attendance::THEMES` in short); 2016
/// and the years without a yearly theme: the theme of the whole 2016–2021 term.
pub(super) fn theme_short(year: i32) -> &'static str {
    match year {
        2017 => "phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa” trong nội bộ",
        2018 => "phong cách, tác phong công tác của người đứng đầu, của cán bộ, đảng viên",
        2019 => "nêu cao tinh thần trách nhiệm, chống chủ nghĩa cá nhân, nói đi đôi với làm",
        2020 => "tăng cường khối đại đoàn kết toàn dân tộc, xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh",
        _ => "ý thức tôn trọng nhân dân, phát huy dân chủ, chăm lo đời sống nhân dân",
    }
}

/// Why something was only partly done or not done.
pub(super) const REASONS: &[&str] = &[
    "một số hộ chưa đồng thuận",
    "kinh phí vận động chưa đủ",
    "ảnh hưởng của thời tiết, mưa kéo dài",
    "bản thân chưa sắp xếp được thời gian",
    "công việc chuyên môn tăng trong cuối năm",
    "chưa phối hợp được với các đoàn thể",
    "kế hoạch của cấp trên thay đổi",
    "sức khỏe không bảo đảm trong quý III",
];

/// Ways of doing it, appended to most concrete items: work in the neighbourhood.
pub(super) const MEASURES_PEOPLE: &[&str] = &[
    "phối hợp với Ban điều hành {kp}",
    "có danh sách theo dõi từng hộ",
    "báo cáo kết quả tại buổi sinh hoạt chi bộ cuối quý",
    "cùng Tổ Dân vận đến từng nhà",
    "gắn với phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
    "lồng ghép trong các buổi họp tổ nhân dân",
    "nhờ các đoàn thể cùng tham gia",
    "chụp ảnh, ghi sổ làm minh chứng",
    "vận động từ gia đình mình trước",
    "nhân dịp các ngày lễ lớn trong năm",
    "tranh thủ buổi tối khi bà con có nhà",
    "thông báo qua loa truyền thanh của khu dân cư",
    "phân công đảng viên trong tổ cùng làm",
    "lập nhóm Zalo để trao đổi với các hộ",
];
/// … study and self-improvement.
pub(super) const MEASURES_STUDY: &[&str] = &[
    "theo lịch của chi ủy",
    "ghi chép vào sổ tay đảng viên",
    "báo cáo với chi ủy sau mỗi quý",
    "liên hệ với việc làm hằng ngày",
    "trao đổi kinh nghiệm với đảng viên trong chi bộ",
    "tự học vào buổi tối",
    "nhờ đồng chí bí thư chi bộ theo dõi, nhắc nhở",
    "dành thời gian cuối tuần",
    "chọn nội dung sát với công việc của mình",
    "kể lại cho con cháu trong gia đình",
    "có bài viết gửi chi ủy",
];
/// … work in an agency.
pub(super) const MEASURES_WORK: &[&str] = &[
    "theo kế hoạch của đơn vị",
    "báo cáo kết quả hằng tháng với lãnh đạo",
    "có sổ theo dõi tiến độ",
    "phối hợp với các bộ phận liên quan",
    "gắn với đánh giá thi đua cuối năm",
    "công khai kết quả tại hội nghị cán bộ",
    "đăng ký cụ thể trong chương trình công tác tháng",
    "không để tồn đọng sang tháng sau",
    "ứng dụng công nghệ thông tin để làm nhanh hơn",
    "xin ý kiến lãnh đạo khi có vướng mắc",
    "làm ngoài giờ khi cần thiết",
    "học hỏi cách làm của đơn vị bạn",
];

/// The ways of doing an item of a field, for a member living (`residential`) or working in a cell.
pub(super) fn measures_for(field: &str, residential: bool) -> &'static [&'static str] {
    match field {
        LL | SH | NV | RL | TN | NG => MEASURES_STUDY,
        _ if residential => MEASURES_PEOPLE,
        _ => MEASURES_WORK,
    }
}

/// Generic evidence by field, when the template names none.
pub(super) fn evidence_for(duty: &str) -> &'static str {
    match duty {
        DANG | SH => "Biên bản sinh hoạt chi bộ",
        DV | GD => "Xác nhận của Ban điều hành khu phố, ấp",
        DT => "Xác nhận của tổ chức đoàn thể",
        LL => "Bài thu hoạch, sổ tay ghi chép nộp chi ủy",
        NV => "Giấy chứng nhận hoàn thành lớp học",
        CC | CM => "Báo cáo kết quả công tác năm có xác nhận của thủ trưởng đơn vị",
        AN => "Sổ theo dõi của tổ an ninh",
        NTM => "Biên bản nghiệm thu, hình ảnh công trình",
        TN | NG => "Nhận xét của chi ủy",
        _ => "Báo cáo của cá nhân có xác nhận của chi ủy",
    }
}

/// Why the cell assessed stricter than the member's own review.
pub(super) const STRICTER: &[&str] = &[
    "chưa có minh chứng cụ thể",
    "kết quả chưa đạt chỉ tiêu đã đăng ký",
    "nhân dân còn phản ánh việc thực hiện chậm",
    "một phần việc do tổ chức khác thực hiện",
];

/// Reasons of a secretary who rates higher than suggested.
pub(super) const RAISE_REASONS: &[&str] = &[
    "Có thành tích đột xuất trong phòng, chống hạn mặn, được UBND thành phố tặng giấy khen",
    "Nhận thêm nhiệm vụ kiêm nhiệm trong năm và hoàn thành tốt, được chi bộ thống nhất nâng mức",
    "Các nội dung chưa xong do khách quan (điều động công tác giữa năm), chi bộ ghi nhận nỗ lực",
];

/// Reasons of a secretary who rates lower than suggested.
pub(super) const LOWER_REASONS: &[&str] = &[
    "Vắng sinh hoạt chi bộ 03 kỳ không có lý do, chi bộ thống nhất hạ một mức",
    "Để gia đình vi phạm quy định về trật tự đô thị, bị nhân dân phản ánh",
    "Chậm nộp đảng phí nhiều tháng, đã được chi ủy nhắc nhở",
];

/// The reason when a secretary keeps "xuất sắc" within 20 % of "tốt".
pub(super) const QUOTA_REASON: &str =
    "Đơn vị đã đủ tỷ lệ hoàn thành xuất sắc nhiệm vụ (không quá 20% số hoàn thành tốt nhiệm vụ), chi bộ xét theo thứ tự đóng góp";
