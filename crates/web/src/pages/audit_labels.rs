//! The audit log in Vietnamese: every action, object kind and recorded field with its label, the page an
//! object opens, and values written as the pages write them (dates dd/mm/yyyy, times in Vietnam time,
//! statuses by their names). The store keeps stable codes; only this module turns them into words.
//! `tests::every_action_and_kind_the_store_writes_has_a_label` reads the store's source so that a new
//! kind of audit row cannot appear untranslated.

use serde_json::Value;

/// The Vietnamese name of an audited action ("" never: an unknown code is shown as it is, marked).
pub fn action(code: &str) -> String {
    let s = match code {
        "create" => "Tạo mới",
        "update" => "Sửa",
        "delete" => "Xóa",
        "transfer" => "Chuyển sinh hoạt",
        "status" => "Đổi trạng thái",
        "import" => "Nhập từ tệp",
        "move" => "Chuyển đơn vị cấp trên",
        "close" => "Giải thể",
        "reopen" => "Mở lại",
        "password" => "Đặt lại mật khẩu",
        "enable" => "Mở khóa",
        "disable" => "Khóa",
        "link_member" => "Gắn với hồ sơ đảng viên",
        "demo" => "Nạp dữ liệu mẫu",
        "load" => "Nạp dữ liệu",
        "export" => "Xuất tệp",
        "dry_run" => "Nhập thử (không ghi)",
        "identifier_clash" => "Trùng số định danh ngoài phạm vi",
        "edit" => "Sửa",
        "submit" => "Nộp",
        "return" => "Trả lại",
        "approve" => "Duyệt",
        "publish" => "Công khai",
        "unpublish" => "Thôi công khai",
        "revise" => "Mở lại để sửa",
        "assess" => "Đánh giá kết quả",
        "self_review" => "Tự đánh giá",
        "add_result" => "Ghi kết quả",
        "propose_rating" => "Đề xuất xếp loại",
        "rate" => "Quyết định xếp loại",
        "propose" => "Đề nghị",
        "decide" => "Ghi quyết định",
        "decline" => "Không chấp thuận",
        "adopt" => "Nhân rộng",
        "unadopt" => "Thôi nhân rộng",
        "answer" => "Trả lời",
        "moderate" => "Kiểm duyệt",
        "conclude" => "Kết luận",
        "report_remedy" => "Báo cáo khắc phục",
        "read" => "Xem hồ sơ mật",
        "appeal" => "Khiếu nại",
        "decide_appeal" => "Giải quyết khiếu nại",
        "withdraw" => "Thu hồi",
        "open_checkin" => "Mở tự điểm danh",
        "close_checkin" => "Đóng tự điểm danh",
        "checkin" | "check_in" => "Tự điểm danh",
        "mark" | "attendance" => "Điểm danh",
        "add_document" => "Tải lên tài liệu",
        "refresh_expected" => "Lập lại danh sách phải dự",
        "upload" => "Tải lên tài liệu",
        "accept" => "Chấp nhận",
        "issue" => "Ban hành",
        "set_topic" => "Đặt chủ đề",
        _ => return format!("Thao tác khác ({code})"),
    };
    s.to_string()
}

/// Where a change came from, in words ("trang web", "API"…); an unknown source is shown as it is.
pub fn source(code: &str) -> String {
    match code {
        "web" => "trang web",
        "api" => "API",
        "cli" => "dòng lệnh",
        "import" => "nhập tệp",
        "demo" => "dữ liệu mẫu",
        "bench" => "đo hiệu năng",
        other => other,
    }
    .to_string()
}

/// The Vietnamese name of an audited object kind.
pub fn kind(code: &str) -> String {
    let s = match code {
        "member" => "Đảng viên",
        "unit" => "Đơn vị",
        "account" => "Tài khoản",
        "file" => "Tệp xuất",
        "import" => "Tệp nhập",
        "registration" => "Bản đăng ký",
        "registration_copies" => "Nhóm bản đăng ký trùng lặp",
        "manifestation" => "Biểu hiện suy thoái",
        "model" => "Mô hình",
        "feedback" => "Phản ánh",
        "study_session" => "Buổi học tập",
        "cell_meeting" => "Buổi sinh hoạt chi bộ",
        "meeting" => "Buổi học tập, sinh hoạt",
        "attendance" => "Điểm danh",
        "attendance_counts" => "Số liệu điểm danh",
        "topic" => "Chủ đề sinh hoạt",
        "theme" => "Chủ đề năm",
        "plan" => "Kế hoạch",
        "directive" => "Văn bản chỉ đạo",
        "calendar" => "Lịch thực hiện",
        "inspection" => "Kiểm tra, giám sát",
        "inspection_case" => "Cuộc kiểm tra, giám sát",
        "inspection_programme" => "Chương trình kiểm tra, giám sát",
        "discipline" => "Kỷ luật",
        "strike_off" => "Xóa tên",
        "commendation" => "Khen thưởng",
        "criteria_set" => "Bộ tiêu chí",
        "criteria_assessment" => "Đánh giá tiêu chí",
        "criteria_recognition" => "Quyết định công nhận đạt chuẩn",
        "unit_classification" => "Quyết định phân loại",
        "report" => "Báo cáo",
        "report_round" => "Đợt báo cáo",
        _ => return format!("Đối tượng khác ({code})"),
    };
    s.to_string()
}

/// The kinds offered in the log's filter, most asked for first.
pub const FILTER_KINDS: &[&str] = &[
    "member",
    "unit",
    "account",
    "registration",
    "study_session",
    "cell_meeting",
    "model",
    "feedback",
    "inspection_case",
    "discipline",
    "strike_off",
    "commendation",
    "criteria_set",
    "criteria_assessment",
    "criteria_recognition",
    "unit_classification",
    "report",
    "report_round",
    "plan",
    "theme",
    "topic",
    "file",
    "import",
];

/// The page an object opens on, when it has one.
pub fn link(kind: &str, id: &str) -> Option<String> {
    let id: i64 = id.trim().parse().ok()?;
    Some(match kind {
        "member" => format!("/dang-vien/{id}"),
        "unit" => format!("/don-vi/{id}"),
        "registration" => format!("/dang-ky/{id}"),
        "study_session" => format!("/hoc-tap/{id}"),
        "cell_meeting" => format!("/sinh-hoat/{id}"),
        "model" => format!("/mo-hinh/{id}"),
        "feedback" => format!("/phan-anh/{id}"),
        "inspection_case" => format!("/kiem-tra/{id}"),
        "commendation" => format!("/khen-thuong/{id}"),
        "report" => format!("/bao-cao/ban/{id}"),
        "report_round" => format!("/bao-cao/dot/{id}"),
        _ => return None,
    })
}

/// The Vietnamese name of a recorded field; an unknown key is shown as it is.
pub fn field(key: &str) -> String {
    let s = match key {
        "full_name" | "name" => "Họ và tên / tên",
        "birth_date" => "Ngày sinh",
        "gender" => "Giới tính",
        "card_number" => "Số thẻ đảng viên",
        "citizen_id" => "Số định danh cá nhân",
        "joined_on" => "Ngày vào Đảng",
        "official_on" => "Ngày chính thức",
        "phone" => "Điện thoại",
        "status" => "Trạng thái",
        "state" => "Tình trạng",
        "unit" | "unit_name" => "Đơn vị",
        "unit_id" => "Mã số đơn vị",
        "unit_code" => "Mã đơn vị",
        "unit_codes" | "units" | "unit_ids" => "Các đơn vị",
        "parent_id" => "Đơn vị cấp trên",
        "type" => "Loại",
        "kind" => "Loại",
        "code" => "Mã",
        "title" => "Tên, tiêu đề",
        "label" => "Tên",
        "position" | "positions" => "Chức vụ",
        "role" => "Vai trò",
        "username" => "Tên đăng nhập",
        "active" => "Đang dùng",
        "member_id" => "Hồ sơ đảng viên",
        "member_ids" => "Các đảng viên",
        "year" => "Năm",
        "version" => "Phiên bản",
        "items" => "Nội dung",
        "added" => "Thêm",
        "removed" => "Bớt",
        "comment" => "Ý kiến",
        "reason" => "Lý do",
        "note" => "Ghi chú",
        "text" => "Nội dung",
        "answer" => "Trả lời",
        "rating" => "Xếp loại",
        "ratings" => "Xếp loại",
        "proposed" | "proposed_by" => "Đề xuất / người đề xuất",
        "outcome" | "result" => "Kết quả",
        "assessed" => "Đã đánh giá",
        "done_on" => "Ngày hoàn thành",
        "done_note" => "Ghi chú hoàn thành",
        "count" => "Số lượng",
        "size" => "Dung lượng",
        "filename" => "Tên tệp",
        "from" => "Từ ngày",
        "to" => "Đến ngày",
        "as_of" => "Tính đến ngày",
        "valid_from" => "Hiệu lực từ",
        "valid_to" => "Hiệu lực đến",
        "due" | "due_on" => "Hạn",
        "opens_at" => "Mở lúc",
        "closes_at" => "Đóng lúc",
        "at" => "Lúc",
        "decided_on" => "Ngày quyết định",
        "decision_number" => "Số quyết định",
        "issuer" | "issuer_name" => "Cơ quan ban hành",
        "level" => "Cấp",
        "body" => "Cơ quan tiến hành",
        "subjects" | "subject_units" | "subject_members" => "Đối tượng",
        "subject_id" => "Đối tượng",
        "conclusion" => "Kết luận",
        "concluded_on" => "Ngày kết luận",
        "findings" => "Nội dung phát hiện",
        "remedies" => "Yêu cầu khắc phục",
        "disciplines" => "Kỷ luật",
        "discipline_id" => "Quyết định kỷ luật",
        "appeal_id" => "Khiếu nại",
        "form_in_force" => "Hình thức đang có hiệu lực",
        "new_form" => "Hình thức mới",
        "strike_offs" => "Xóa tên",
        "cases" => "Cuộc kiểm tra, giám sát",
        "programmes" => "Chương trình",
        "model" | "model_id" => "Mô hình",
        "model_ids" => "Các mô hình",
        "model_status" => "Tình trạng mô hình",
        "owner" => "Đơn vị chủ trì",
        "adoption" => "Nhân rộng",
        "registration_id" => "Bản đăng ký",
        "registration_ids" | "registrations" => "Các bản đăng ký",
        "manifestations" => "Biểu hiện suy thoái",
        "copied" => "Trùng lặp",
        "topic" => "Chủ đề",
        "suggested" => "Chủ đề gợi ý",
        "thematic" => "Sinh hoạt chuyên đề",
        "first_id" | "first_meeting_id" => "Từ buổi",
        "last_id" | "last_meeting_id" => "Đến buổi",
        "events" => "Các bước",
        "reviews" => "Đánh giá",
        "header" => "Phần đầu văn bản",
        "narratives" => "Phần viết của báo cáo",
        "frozen" => "Số liệu đã chốt",
        "round_id" => "Đợt báo cáo",
        "set" => "Bộ tiêu chí",
        "applies_type" => "Áp dụng cho loại đơn vị",
        "sort_order" => "Thứ tự",
        "document_id" => "Tài liệu",
        "unit_changed" => "Đổi đơn vị",
        "trường" | "thao tác" | "đơn vị của người nhập" => return key.to_string(),
        _ => return key.to_string(),
    };
    s.to_string()
}

/// A stored value as the pages write it: ISO dates as dd/mm/yyyy, timestamps in Vietnam time, yes/no,
/// numbers with dots, known codes by their names; lists joined by "; ", objects as "key: value" pairs.
pub fn value(key: &str, v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => "—".into(),
        Some(Value::Bool(b)) => if *b { "Có" } else { "Không" }.into(),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(domain::text::format_int)
            .unwrap_or_else(|| n.to_string().replace('.', ",")),
        Some(Value::String(s)) => text_value(key, s),
        Some(Value::Array(a)) if a.is_empty() => "(trống)".into(),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| value(key, Some(x)))
            .collect::<Vec<_>>()
            .join("; "),
        Some(Value::Object(o)) => o
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{}: {}", field(k), value(k, Some(v))))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn text_value(key: &str, s: &str) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return domain::text::format_date(d);
    }
    if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
        return crate::view::timestamp(s);
    }
    let known = match key {
        "gender" => domain::model::Gender::parse(s).map(|g| g.label()),
        "role" => domain::model::Role::parse(s).map(|r| r.label()),
        "type" | "applies_type" => domain::model::UnitType::parse(s).map(|t| t.label()),
        "status" => domain::model::MemberStatus::parse(s)
            .map(|m| m.label())
            .or_else(|| domain::registration::Status::parse(s).map(|r| r.label())),
        "rating" | "proposed" => domain::registration::Rating::parse(s).map(|r| r.label()),
        "outcome" | "result" => domain::registration::Outcome::parse(s).map(|o| o.label()),
        _ => None,
    };
    known.map(str::to_string).unwrap_or_else(|| s.to_string())
}

/// Field-by-field differences between the before and after snapshots, labelled and formatted.
pub fn changes(before: Option<&Value>, after: Option<&Value>) -> Vec<(String, String, String)> {
    let empty = serde_json::Map::new();
    let b = before.and_then(|v| v.as_object()).unwrap_or(&empty);
    let a = after.and_then(|v| v.as_object()).unwrap_or(&empty);
    let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| (field(k), value(k, b.get(k)), value(k, a.get(k))))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn values_are_written_as_on_the_pages() {
        assert_eq!(
            value("birth_date", Some(&json!("1980-03-05"))),
            "05/03/1980"
        );
        assert_eq!(value("gender", Some(&json!("male"))), "Nam");
        assert_eq!(value("status", Some(&json!("submitted"))), "Chờ duyệt");
        assert_eq!(value("status", Some(&json!("active"))), "Đang sinh hoạt");
        assert_eq!(value("active", Some(&json!(true))), "Có");
        assert_eq!(value("count", Some(&json!(3520))), "3.520");
        assert_eq!(value("note", None), "—");
        assert_eq!(
            value("at", Some(&json!("2026-12-07T03:04:00Z"))),
            crate::view::timestamp("2026-12-07T03:04:00Z")
        );
        let c = changes(
            Some(&json!({"gender": "male", "card_number": "1"})),
            Some(&json!({"gender": "female", "card_number": "1"})),
        );
        assert_eq!(c, vec![("Giới tính".into(), "Nam".into(), "Nữ".into())]);
    }

    /// Every `AuditEvent::new("action", "kind", …)` in the store's source has Vietnamese words here.
    #[test]
    fn every_action_and_kind_the_store_writes_has_a_label() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../store/src");
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            for part in flat.split("AuditEvent::new(").skip(1) {
                let args: Vec<&str> = part.splitn(3, ',').take(2).collect();
                for (i, a) in args.iter().enumerate() {
                    let a = a.trim();
                    if let Some(code) = a.strip_prefix('"').and_then(|s| s.strip_suffix('"')) {
                        let label = if i == 0 { action(code) } else { kind(code) };
                        if label.contains(" khác (") {
                            missing.push(format!("{}: {code}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "audit codes without Vietnamese words: {missing:?}"
        );
    }
}
