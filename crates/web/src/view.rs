//! What every page template receives, and small formatting helpers (dates dd/mm/yyyy, numbers 3.520).

use crate::auth::WebUser;
use chrono::NaiveDate;
use domain::policy::Capability;

#[derive(Debug, Clone)]
pub struct UserNav {
    pub display: String,
    pub role_label: &'static str,
    pub csrf: String,
    pub can_import: bool,
    pub can_accounts: bool,
    pub can_audit: bool,
    /// The account is linked to a member (self check-in, own attendance).
    pub is_member: bool,
    /// May moderate and answer citizens' feedback.
    pub can_feedback: bool,
    /// Confidential inspection records: cases, discipline, xóa tên (inspector, office, admin).
    pub can_inspect: bool,
    /// A secretary: concluded findings about their units, xóa tên proposals.
    pub is_secretary: bool,
}

/// Page context for `base.html`.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub title: String,
    pub active: &'static str,
    pub user: Option<UserNav>,
    pub flash: Option<String>,
}

impl Ctx {
    pub fn new(user: &WebUser, title: impl Into<String>, active: &'static str) -> Ctx {
        let p = &user.principal;
        Ctx {
            title: title.into(),
            active,
            user: Some(UserNav {
                display: if user.display_name.is_empty() {
                    p.username.clone()
                } else {
                    user.display_name.clone()
                },
                role_label: p.role.label(),
                csrf: user.csrf.clone(),
                can_import: p.has(Capability::ImportMembers),
                can_accounts: p.has(Capability::ManageAccounts),
                can_audit: p.has(Capability::ReadAudit),
                is_member: p.role == domain::Role::Member,
                can_feedback: p.has(Capability::AnswerFeedback),
                can_inspect: p.has(Capability::ReadInspections),
                is_secretary: p.role == domain::Role::Secretary,
            }),
            flash: None,
        }
    }

    pub fn anonymous(title: impl Into<String>) -> Ctx {
        Ctx {
            title: title.into(),
            active: "",
            user: None,
            flash: None,
        }
    }

    /// The menu item of the page, as the phone's collapsed menu names it ("" for none).
    pub fn active_label(&self) -> &'static str {
        match self.active {
            "home" => "Tổng quan",
            "members" => "Đảng viên",
            "attendance" => "Học tập",
            "cells" => "Sinh hoạt chi bộ",
            "registrations" => "Đăng ký làm theo",
            "checkin" => "Tự điểm danh",
            "rates" => "Tỷ lệ tham dự",
            "models" => "Mô hình",
            "commendations" => "Khen thưởng",
            "feedback" => "Phản ánh",
            "campaign" => "Kế hoạch",
            "inspections" => "Kiểm tra, giám sát",
            "discipline" => "Kỷ luật",
            "findings" => "Kết quả kiểm tra",
            "strike-off" => "Xóa tên",
            "criteria" => "Tiêu chí",
            "reports" => "Báo cáo",
            "import" => "Nhập dữ liệu",
            "accounts" => "Tài khoản",
            "audit" => "Nhật ký",
            _ => "",
        }
    }

    pub fn with_flash(mut self, flash: Option<String>) -> Ctx {
        self.flash = flash;
        self
    }
}

pub fn date(d: Option<NaiveDate>) -> String {
    d.map(domain::text::format_date).unwrap_or_default()
}

/// Date for an `<input type=date>` (ISO).
pub fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// A QR code of `text` as an SVG `data:` URI for an `<img>` at least `size` pixels square; empty when the
/// text is too long for a QR code.
pub fn qr_data_uri(text: &str, size: u32) -> String {
    use base64::Engine;
    qrcode::QrCode::new(text.as_bytes())
        .map(|c| {
            let svg = c
                .render::<qrcode::render::svg::Color>()
                .min_dimensions(size, size)
                .build();
            format!(
                "data:image/svg+xml;base64,{}",
                base64::engine::general_purpose::STANDARD.encode(svg)
            )
        })
        .unwrap_or_default()
}

pub fn num(n: i64) -> String {
    domain::text::format_int(n)
}

/// "2026-11-27T08:00:00.000Z" → "27/11/2026 15:00" in Asia/Ho_Chi_Minh.
pub fn timestamp(ts: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(ts)
        .map(|t| {
            (t.with_timezone(&chrono::Utc) + chrono::Duration::hours(7))
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| ts.to_string())
}

/// Parses a date typed in a form: ISO from `<input type=date>` or dd/mm/yyyy typed by hand.
pub fn parse_form_date(s: &str) -> Result<Option<NaiveDate>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    domain::text::parse_date(s)
        .map(Some)
        .ok_or_else(|| format!("Ngày không hợp lệ: \"{s}\" (dd/mm/yyyy)"))
}

/// Messages shown after a redirect (`?tb=code`).
pub fn flash_message(code: Option<&str>) -> Option<String> {
    let m = match code? {
        "da-luu" => "Đã lưu thay đổi.",
        "da-tao" => "Đã thêm mới.",
        "da-chuyen" => "Đã chuyển sinh hoạt đảng.",
        "da-doi-trang-thai" => "Đã cập nhật trạng thái.",
        "da-doi-mat-khau" => "Đã đổi mật khẩu. Các phiên đăng nhập khác đã bị đăng xuất.",
        "da-khoa" => "Đã khóa tài khoản.",
        "da-dat-lai-mat-khau" => {
            "Đã đặt lại mật khẩu; các phiên đăng nhập cũ của tài khoản đó đã bị hủy."
        }
        "da-chuyen-don-vi" => {
            "Đã chuyển đơn vị sang đơn vị cấp trên mới; lịch sử trực thuộc được giữ lại."
        }
        "da-giai-the" => "Đã ghi nhận giải thể / sáp nhập đơn vị.",
        "da-mo-khoa" => "Đã mở khóa tài khoản.",
        "da-gan-dang-vien" => {
            "Đã gắn tài khoản với đảng viên; người dùng tài khoản đó cần đăng nhập lại."
        }
        "da-bo-gan-dang-vien" => {
            "Đã bỏ gắn tài khoản với đảng viên; người dùng tài khoản đó cần đăng nhập lại."
        }
        "da-diem-danh" => "Đã lưu điểm danh.",
        "da-mo-lai" => "Đã mở lại buổi để sửa; lý do được ghi vào nhật ký.",
        "da-mo-diem-danh" => "Đã mở tự điểm danh: đọc mã hoặc cho đảng viên quét mã QR.",
        "da-dong-diem-danh" => "Đã đóng tự điểm danh.",
        "da-tai-len" => "Đã tải tài liệu lên.",
        "da-nhap-diem-danh" => "Đã nhập điểm danh từ tệp.",
        "da-cap-nhat-danh-sach" => {
            "Đã lập lại danh sách phải dự theo quá trình sinh hoạt; điểm danh của người vẫn phải dự được giữ nguyên."
        }
        "danh-sach-khong-doi" => "Danh sách phải dự không thay đổi.",
        "da-luu-nhap" => {
            "Đã lưu bản nháp. Xem các cảnh báo dưới từng nội dung, sửa nếu cần, rồi bấm “Lưu và nộp”."
        }
        "da-sao-chep" => {
            "Đã sao chép bản đăng ký năm trước làm bản nháp: hãy cập nhật chỉ tiêu và thời hạn cho năm nay."
        }
        "da-nop" => "Đã nộp bản đăng ký; bí thư chi bộ sẽ xem và duyệt.",
        "da-duyet" => "Đã duyệt bản đăng ký.",
        "da-tra-lai" => "Đã trả lại bản đăng ký kèm ý kiến để đảng viên sửa.",
        "da-cong-khai" => "Đã công khai bản đăng ký.",
        "da-lap-phien-ban" => "Đã lập phiên bản mới (bản nháp); bản đã duyệt được giữ nguyên.",
        "da-danh-gia" => "Đã lưu đánh giá.",
        "da-xep-loai" => "Đã lưu xếp loại.",
        "da-de-xuat-xep-loai" => "Đã lưu đề xuất xếp loại; đảng ủy cơ sở sẽ xem và quyết định.",
        "da-quyet-dinh-theo-de-xuat" => "Đã quyết định xếp loại theo đề xuất của các chi bộ.",
        "da-duyet-phan-anh" => {
            "Đã duyệt phản ánh; hãy trả lời để phản ánh và câu trả lời hiện trên Cổng thông tin công khai."
        }
        "da-danh-dau-rac" => "Đã đánh dấu là thư rác; phản ánh không hiển thị công khai.",
        "da-an-phan-anh" => "Đã ẩn phản ánh; lý do được lưu lại.",
        "da-tra-loi-phan-anh" => {
            "Đã trả lời; phản ánh và câu trả lời đã hiện trên Cổng thông tin công khai."
        }
        _ => return None,
    };
    Some(m.to_string())
}
