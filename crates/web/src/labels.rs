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
