//! Words for the typed values the store returns (counts, states, seconds): the pages and the API say
//! them here, so the store keeps no user-facing labels.

use domain::feedback::TrackingState;

/// What a citizen sending too much feedback is told, `retry_after` seconds before they may send again
/// (rounded up to whole minutes, at least one).
pub fn feedback_rate_limit(retry_after: i64) -> String {
    let minutes = (retry_after + 59) / 60;
    format!(
        "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Xin thử lại sau khoảng {} phút.",
        minutes.max(1)
    )
}

/// "3/5 nội dung đã hoàn thành": items done out of a registration's items.
pub fn registration_progress(done: usize, items: usize) -> String {
    format!("{done}/{items} nội dung đã hoàn thành")
}

/// Where a citizen's feedback stands, on the tracking page.
pub fn tracking_state(state: TrackingState) -> &'static str {
    match state {
        TrackingState::Answered => "Đơn vị đã trả lời",
        TrackingState::Waiting => "Đang chờ đơn vị xem xét và trả lời",
        TrackingState::NotPublished => "Đơn vị đã xem và không công khai phản ánh này",
    }
}

/// The line under a portal search hit: "Bản đăng ký năm 2026 · Phường 7", "Mô hình · Khu phố 2",
/// nothing for a unit.
pub fn search_subtitle(doc: &store::SearchDoc) -> String {
    match (doc.kind, doc.year) {
        ("registration", Some(year)) => format!("Bản đăng ký năm {year} · {}", doc.unit_name),
        ("model", _) => format!("Mô hình · {}", doc.unit_name),
        _ => String::new(),
    }
}

/// The Vietnamese name of a kind of inspection or supervision case.
pub fn case_kind(k: domain::inspection::CaseKind) -> &'static str {
    use domain::inspection::CaseKind as K;
    match k {
        K::RegularSupervision => "Giám sát thường xuyên",
        K::ThematicSupervision => "Giám sát chuyên đề",
        K::Inspection => "Kiểm tra",
        K::ViolationInspection => "Kiểm tra khi có dấu hiệu vi phạm",
        K::FinanceInspection => "Kiểm tra tài chính đảng",
        K::Denunciation => "Giải quyết tố cáo",
        K::DisciplineAppeal => "Giải quyết khiếu nại kỷ luật",
    }
}

/// Who conducts a case or decides discipline.
pub fn inspection_body(b: domain::inspection::Body) -> &'static str {
    match b {
        domain::inspection::Body::Committee => "Cấp ủy",
        domain::inspection::Body::Commission => "Ủy ban kiểm tra",
    }
}

/// The conclusion about one subject.
pub fn finding(f: domain::inspection::Finding) -> &'static str {
    use domain::inspection::Finding as F;
    match f {
        F::NoViolation => "Không vi phạm",
        F::Shortcomings => "Có ưu điểm, khuyết điểm",
        F::Violation => "Có vi phạm",
    }
}

/// A form of discipline.
pub fn discipline_form(f: domain::inspection::DisciplineForm) -> &'static str {
    use domain::inspection::DisciplineForm as D;
    match f {
        D::Reprimand => "Khiển trách",
        D::Warning => "Cảnh cáo",
        D::Dismissal => "Cách chức",
        D::Expulsion => "Khai trừ",
        D::Dissolution => "Giải tán",
    }
}

/// The result of an appeal against discipline.
pub fn appeal_outcome(o: domain::inspection::AppealOutcome) -> &'static str {
    use domain::inspection::AppealOutcome as O;
    match o {
        O::Upheld => "Giữ nguyên hình thức kỷ luật",
        O::ChangedForm => "Thay đổi hình thức kỷ luật",
        O::Annulled => "Hủy quyết định kỷ luật",
    }
}

/// Where a remedy stands.
pub fn remedy_state(s: domain::inspection::RemedyState) -> &'static str {
    use domain::inspection::RemedyState as R;
    match s {
        R::Open => "Đúng hạn",
        R::Overdue => "Quá hạn",
        R::Done => "Đã khắc phục",
    }
}

/// Where a discipline decision stands after appeals.
pub fn discipline_state(s: store::DisciplineState) -> &'static str {
    match s {
        store::DisciplineState::InForce => "Đang có hiệu lực",
        store::DisciplineState::Changed => "Đã thay đổi hình thức",
        store::DisciplineState::Annulled => "Đã hủy",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_in_whole_minutes() {
        let said = feedback_rate_limit;
        assert_eq!(
            said(61),
            "Bạn đã gửi quá nhiều phản ánh trong thời gian ngắn. Xin thử lại sau khoảng 2 phút."
        );
        assert!(said(60).contains("khoảng 1 phút"));
        assert!(said(0).contains("khoảng 1 phút"));
        assert!(said(-5).contains("khoảng 1 phút"));
    }

    #[test]
    fn progress_and_states() {
        assert_eq!(registration_progress(3, 5), "3/5 nội dung đã hoàn thành");
        assert_eq!(tracking_state(TrackingState::Answered), "Đơn vị đã trả lời");
        assert!(tracking_state(TrackingState::Waiting).contains("chờ"));
        assert!(tracking_state(TrackingState::NotPublished).contains("không công khai"));
    }

    #[test]
    fn search_subtitles() {
        let doc = |kind, year: Option<i32>, unit: &str| store::SearchDoc {
            kind,
            href: String::new(),
            title: String::new(),
            year,
            unit_name: unit.into(),
            fold: String::new(),
        };
        assert_eq!(
            search_subtitle(&doc("registration", Some(2026), "Phường 7")),
            "Bản đăng ký năm 2026 · Phường 7"
        );
        assert_eq!(
            search_subtitle(&doc("model", None, "Khu phố 2")),
            "Mô hình · Khu phố 2"
        );
        assert_eq!(search_subtitle(&doc("unit", None, "")), "");
    }
}
