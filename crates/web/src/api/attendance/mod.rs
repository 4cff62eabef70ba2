//! API for the campaign, study sessions, cell meetings and attendance: sessions and their marks are in
//! `sessions`, the attendance figures in `reports`, directives, plans, themes and monthly topics in
//! `campaign`.

use super::{r, ApiRoute, Items};
use axum::routing::{delete, get, post, put};
use domain::attendance::Tally;
use serde::Serialize;
use utoipa::openapi::schema::Schema;
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

mod campaign;
mod reports;
mod sessions;

use campaign::{
    calendar, create_directive, create_plan, directives, plans, set_calendar, set_theme, set_topic,
    themes, topics, CalendarBody, CalendarOut, DirectiveBody, DirectiveOut, PlanBody, PlanOut,
    ThemeBody, ThemeOut, ThemeQuery, TopicBoard, TopicBody, TopicOut, TopicQuery,
};
use reports::{
    absentees, by_unit, member_attendance, summary, AbsenteeOut, MemberAttendance, PeriodQuery,
    RangeQuery, Summary, UnitsAttendance,
};
use sessions::{
    check_in, close_code, create_cell, create_study, get_cell, get_study, list_cell, list_study,
    mark_cell, mark_study, open_code, CheckinBody, CheckinOut, ListQuery, MarksBody, MeetingBody,
    OpenBody, Session,
};

pub use domain::attendance::ABSENTEE_LIMIT;

pub fn routes() -> Vec<ApiRoute> {
    vec![
        r("get", "/study-sessions", "attendance", "Buổi học tập liên quan đến một đơn vị và các đơn vị trực thuộc (do các đơn vị đó tổ chức, hoặc cấp trên tổ chức cho các đơn vị đó)", get(list_study))
            .query::<ListQuery>()
            .json::<Items<Session>>(),
        r("post", "/study-sessions", "attendance", "Tạo buổi học tập; danh sách phải dự gồm đảng viên của đơn vị và các đơn vị trực thuộc vào ngày tổ chức", post(create_study))
            .body::<MeetingBody>()
            .created::<Session>(),
        r("get", "/study-sessions/{id}", "attendance", "Một buổi học tập, số liệu và danh sách điểm danh trong phạm vi", get(get_study))
            .json::<Session>(),
        r("put", "/study-sessions/{id}/attendance", "attendance", "Điểm danh nhiều người một lần (có lỗi thì không ghi điểm danh nào)", put(mark_study))
            .body::<MarksBody>()
            .json::<Session>(),
        r("post", "/study-sessions/{id}/check-in", "attendance", "Đảng viên tự điểm danh bằng mã của buổi", post(check_in))
            .body::<CheckinBody>()
            .json::<CheckinOut>()
            .error(429, "Nhập sai mã quá nhiều lần"),
        r("post", "/study-sessions/{id}/check-in-code", "attendance", "Mở tự điểm danh: tạo mã mới có hiệu lực trong khoảng thời gian", post(open_code))
            .body::<OpenBody>()
            .json::<Session>(),
        r("delete", "/study-sessions/{id}/check-in-code", "attendance", "Đóng tự điểm danh", delete(close_code))
            .json::<Session>(),
        r("get", "/cell-meetings", "attendance", "Sinh hoạt chi bộ của một đơn vị và các đơn vị trực thuộc", get(list_cell))
            .query::<ListQuery>()
            .json::<Items<Session>>(),
        r("post", "/cell-meetings", "attendance", "Ghi một buổi sinh hoạt chi bộ", post(create_cell))
            .body::<MeetingBody>()
            .created::<Session>(),
        r("get", "/cell-meetings/{id}", "attendance", "Một buổi sinh hoạt chi bộ", get(get_cell))
            .json::<Session>(),
        r("put", "/cell-meetings/{id}/attendance", "attendance", "Điểm danh buổi sinh hoạt chi bộ", put(mark_cell))
            .body::<MarksBody>()
            .json::<Session>(),
        r("get", "/attendance/summary", "attendance", "Tỷ lệ tham dự của một đơn vị (tính cả các đơn vị trực thuộc) trong một khoảng thời gian", get(summary))
            .query::<PeriodQuery>()
            .json::<Summary>(),
        r("get", "/attendance/units", "attendance", "Tỷ lệ tham dự theo từng đơn vị trực thuộc", get(by_unit))
            .query::<PeriodQuery>()
            .json::<UnitsAttendance>(),
        r("get", "/attendance/absentees", "attendance", "Đảng viên vắng hai buổi liên tiếp", get(absentees))
            .query::<PeriodQuery>()
            .json::<Items<AbsenteeOut>>(),
        r("get", "/members/{id}/attendance", "attendance", "Lịch sử điểm danh của một đảng viên", get(member_attendance))
            .query::<RangeQuery>()
            .json::<MemberAttendance>(),
        r("get", "/directives", "campaign", "Chỉ thị", get(directives))
            .json::<Items<DirectiveOut>>(),
        r("post", "/directives", "campaign", "Thêm chỉ thị", post(create_directive))
            .body::<DirectiveBody>()
            .created::<DirectiveOut>(),
        r("get", "/plans", "campaign", "Kế hoạch trong phạm vi (của đơn vị mình, cấp dưới và cấp trên)", get(plans))
            .json::<Items<PlanOut>>(),
        r("post", "/plans", "campaign", "Thêm kế hoạch (số, ngày, đơn vị ban hành, chỉ tiêu)", post(create_plan))
            .body::<PlanBody>()
            .created::<PlanOut>(),
        r("get", "/themes", "campaign", "Chuyên đề năm áp dụng cho một đơn vị", get(themes))
            .query::<ThemeQuery>()
            .json::<Items<ThemeOut>>(),
        r("put", "/themes", "campaign", "Đặt chuyên đề năm của một đơn vị", put(set_theme))
            .body::<ThemeBody>()
            .json::<ThemeOut>(),
        r("get", "/topics", "campaign", "Chủ đề sinh hoạt tháng của các chi bộ; chi bộ chưa đặt lên đầu", get(topics))
            .query::<TopicQuery>()
            .json::<TopicBoard>(),
        r("put", "/topics", "campaign", "Đặt chủ đề sinh hoạt tháng của một chi bộ", put(set_topic))
            .body::<TopicBody>()
            .json::<TopicOut>(),
        r("get", "/units/{id}/calendar/{year}", "campaign", "Lịch thực hiện năm của một đơn vị: các mốc áp dụng, phần kế thừa từ cấp trên và phần đơn vị tự đặt", get(calendar))
            .json::<CalendarOut>(),
        r("put", "/units/{id}/calendar/{year}", "campaign", "Đặt lịch thực hiện năm của một đơn vị (trường để trống thì kế thừa từ cấp trên)", put(set_calendar))
            .body::<CalendarBody>()
            .json::<CalendarOut>(),
    ]
}

// Documentation only: the API sends and reads these snake_case names as strings.
/// An attendance mark.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MarkName {
    /// Có mặt.
    Present,
    /// Đi trễ.
    Late,
    /// Vắng có lý do.
    Excused,
    /// Vắng không lý do.
    Absent,
    /// Học bù.
    Makeup,
}

// Documentation only.
/// The kind of a meeting.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MeetingKindName {
    /// Học tập, quán triệt.
    Study,
    /// Sinh hoạt chi bộ.
    Cell,
}

// Documentation only.
/// The quality of a cell meeting.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum MeetingQualityName {
    Good,
    Fair,
    Average,
    Poor,
}

/// Attendance counts of a session, a unit or a period.
#[derive(Serialize, ToSchema)]
#[schema(as = Tally)]
pub struct TallyOut {
    /// Số lượt phải dự (đảng viên đang sinh hoạt, không miễn sinh hoạt, thuộc đơn vị hoặc đơn vị trực thuộc vào ngày tổ chức).
    expected: i64,
    /// Có mặt + đi trễ + học bù.
    attended: i64,
    present: i64,
    late: i64,
    excused: i64,
    absent: i64,
    makeup: i64,
    unmarked: i64,
    /// attended / expected (0 khi không ai phải dự), bốn chữ số thập phân.
    #[schema(minimum = 0, maximum = 1)]
    rate: f64,
    #[schema(minimum = 0, maximum = 1)]
    excused_rate: f64,
}

/// A share rounded to four decimals, 0 when undefined.
fn rate_value(r: Option<f64>) -> f64 {
    r.map(|x| (x * 10000.0).round() / 10000.0).unwrap_or(0.0)
}

impl From<&Tally> for TallyOut {
    fn from(t: &Tally) -> Self {
        TallyOut {
            expected: t.expected,
            attended: t.attended(),
            present: t.present,
            late: t.late,
            excused: t.excused,
            absent: t.absent,
            makeup: t.makeup,
            unmarked: t.unmarked(),
            rate: rate_value(t.rate()),
            excused_rate: rate_value(t.excused_rate()),
        }
    }
}

/// The tally's properties, none required: a member account's view of a session has none of them.
fn optional_tally() -> RefOr<Schema> {
    let mut s = TallyOut::schema();
    if let RefOr::T(Schema::Object(o)) = &mut s {
        o.required.clear();
        o.description = Some("Số liệu điểm danh; không trả về cho tài khoản đảng viên".into());
    }
    s
}
