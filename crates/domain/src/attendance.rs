//! Study sessions, cell meetings and attendance (docs/DOMAIN.md § Attendance): the marks, the rates and the
//! flags. Every rate lamtheo shows anywhere is computed by `Tally` here.
//!
//! **Definitions**:
//! - *expected*: members who, on the session date, belonged to the subtree the session is held for, were
//!   active and not exempt ("miễn sinh hoạt"). Fixed when the session is created, refreshed when a
//!   back-dated transfer or status change alters who belonged then.
//! - *attended* = có mặt + đi trễ + học bù.
//! - *attendance rate* = attended / expected (no rate when nobody was expected).
//! - *excused-absence rate* = vắng có lý do / expected.
//! - *unmarked* = expected − every mark.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

/// One attendance mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Present,
    Late,
    Excused,
    Absent,
    Makeup,
}

impl Mark {
    pub const ALL: [Mark; 5] = [
        Mark::Present,
        Mark::Late,
        Mark::Excused,
        Mark::Absent,
        Mark::Makeup,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Present => "present",
            Mark::Late => "late",
            Mark::Excused => "excused",
            Mark::Absent => "absent",
            Mark::Makeup => "makeup",
        }
    }

    /// Accepts the API codes and the Vietnamese labels (any case, with or without diacritics), as a
    /// clerk would type them in a spreadsheet.
    pub fn parse(s: &str) -> Option<Mark> {
        let f = crate::text::fold(s.trim());
        let f = f.as_str();
        Some(match f {
            "present" | "co mat" | "x" | "c" => Mark::Present,
            "late" | "di tre" | "di muon" | "t" => Mark::Late,
            "excused" | "vang co ly do" | "vang co phep" | "p" => Mark::Excused,
            "absent" | "vang khong ly do" | "vang khong phep" | "v" | "k" => Mark::Absent,
            "makeup" | "make-up" | "hoc bu" | "b" => Mark::Makeup,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            Mark::Present => "Có mặt",
            Mark::Late => "Đi trễ",
            Mark::Excused => "Vắng có lý do",
            Mark::Absent => "Vắng không lý do",
            Mark::Makeup => "Học bù",
        }
    }

    /// Counts towards the attendance rate.
    pub fn attended(self) -> bool {
        matches!(self, Mark::Present | Mark::Late | Mark::Makeup)
    }

    /// An absence that has not been made up.
    pub fn is_absence(self) -> bool {
        matches!(self, Mark::Excused | Mark::Absent)
    }
}

/// Why a mark change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("trạng thái điểm danh không hợp lệ: “{0}” (ghi Có mặt, Đi trễ, Vắng có lý do, Vắng không lý do hoặc Học bù)")]
    UnknownStatus(String),
    #[error("đảng viên này không thuộc danh sách phải dự buổi này")]
    NotExpected,
    #[error("đã có mặt thì không cần học bù")]
    MakeupOfAttendance,
    #[error("chưa đến ngày tổ chức nên chưa thể điểm danh")]
    BeforeSession,
}

/// Checks a mark change. `previous` is the mark held now (None = unmarked). Make-up records that an absent
/// member studied the content later: it replaces an absence (or an unmarked place) and is never set over
/// an attended mark. Marks are only taken from the session date on.
pub fn check_mark(
    previous: Option<Mark>,
    next: Mark,
    session_date: NaiveDate,
    today: NaiveDate,
) -> Result<(), MarkError> {
    if today < session_date {
        return Err(MarkError::BeforeSession);
    }
    if next == Mark::Makeup {
        if let Some(p) = previous {
            if matches!(p, Mark::Present | Mark::Late) {
                return Err(MarkError::MakeupOfAttendance);
            }
        }
    }
    Ok(())
}

/// The absence a make-up replaced is kept beside the mark (`made_up_from`), so the history shows both.
pub fn made_up_from(
    previous: Option<Mark>,
    previous_made_up_from: Option<Mark>,
    next: Mark,
) -> Option<Mark> {
    if next != Mark::Makeup {
        return None;
    }
    match previous {
        Some(Mark::Makeup) => previous_made_up_from,
        Some(p) if p.is_absence() => Some(p),
        _ => None,
    }
}

/// Counts for a session, a unit or a period. Sums of tallies are tallies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tally {
    pub expected: i64,
    pub present: i64,
    pub late: i64,
    pub excused: i64,
    pub absent: i64,
    pub makeup: i64,
}

impl Tally {
    pub fn add_mark(&mut self, m: Option<Mark>) {
        self.expected += 1;
        match m {
            Some(Mark::Present) => self.present += 1,
            Some(Mark::Late) => self.late += 1,
            Some(Mark::Excused) => self.excused += 1,
            Some(Mark::Absent) => self.absent += 1,
            Some(Mark::Makeup) => self.makeup += 1,
            None => {}
        }
    }

    pub fn add(&mut self, o: &Tally) {
        self.expected += o.expected;
        self.present += o.present;
        self.late += o.late;
        self.excused += o.excused;
        self.absent += o.absent;
        self.makeup += o.makeup;
    }

    pub fn of<'a>(marks: impl IntoIterator<Item = &'a Option<Mark>>) -> Tally {
        let mut t = Tally::default();
        for m in marks {
            t.add_mark(*m);
        }
        t
    }

    pub fn attended(&self) -> i64 {
        self.present + self.late + self.makeup
    }

    pub fn marked(&self) -> i64 {
        self.present + self.late + self.excused + self.absent + self.makeup
    }

    pub fn unmarked(&self) -> i64 {
        (self.expected - self.marked()).max(0)
    }

    /// attended / expected in [0, 1]; None when nobody was expected.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.attended(), self.expected)
    }

    pub fn excused_rate(&self) -> Option<f64> {
        ratio(self.excused, self.expected)
    }

    /// Whether the rate is below a plan target given in per-mille (950 = 95%). Units with nobody
    /// expected are never flagged; unmarked places count as not attended.
    pub fn below_target(&self, target_permille: i64) -> bool {
        self.expected > 0 && self.attended() * 1000 < target_permille * self.expected
    }
}

fn ratio(n: i64, d: i64) -> Option<f64> {
    if d <= 0 {
        None
    } else {
        Some((n.max(0) as f64 / d as f64).clamp(0.0, 1.0))
    }
}

/// Given one member's marks in session order (oldest first), whether the two most recent marked
/// sessions were both absences — flagged to the member's secretary.
pub fn absent_twice_running(marks: &[Option<Mark>]) -> bool {
    let mut recent = marks.iter().rev().filter_map(|m| *m);
    matches!(
        (recent.next(), recent.next()),
        (Some(a), Some(b)) if a.is_absence() && b.is_absence()
    )
}

/// Quality self-rating of a cell meeting (Hướng dẫn 12-HD/BTCTW grades).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingQuality {
    Good,
    Fair,
    Average,
    Poor,
}

impl MeetingQuality {
    pub const ALL: [MeetingQuality; 4] = [
        MeetingQuality::Good,
        MeetingQuality::Fair,
        MeetingQuality::Average,
        MeetingQuality::Poor,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingQuality::Good => "good",
            MeetingQuality::Fair => "fair",
            MeetingQuality::Average => "average",
            MeetingQuality::Poor => "poor",
        }
    }
    pub fn parse(s: &str) -> Option<MeetingQuality> {
        Self::ALL.into_iter().find(|q| q.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            MeetingQuality::Good => "Tốt",
            MeetingQuality::Fair => "Khá",
            MeetingQuality::Average => "Trung bình",
            MeetingQuality::Poor => "Kém",
        }
    }
}

/// Kinds of gatherings that take attendance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// Hội nghị học tập, quán triệt.
    Study,
    /// Sinh hoạt chi bộ (monthly).
    Cell,
}

impl MeetingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Study => "study",
            MeetingKind::Cell => "cell",
        }
    }
    pub fn parse(s: &str) -> Option<MeetingKind> {
        match s {
            "study" => Some(MeetingKind::Study),
            "cell" => Some(MeetingKind::Cell),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            MeetingKind::Study => "Buổi học tập",
            MeetingKind::Cell => "Sinh hoạt chi bộ",
        }
    }
}

/// The first day of a month given as (year, month).
pub fn month_start(year: i32, month: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// Monthly topics are set by the calendar's topic day (by default the 20th) of the month before; `cal` is
/// the calendar of the topic month's year (docs/DOMAIN.md § Plans and topics, § Campaign calendar).
pub fn topic_deadline(cal: &crate::calendar::Calendar, month: u32) -> Option<NaiveDate> {
    cal.topic_deadline(month)
}

/// The month whose topic is due next, seen from `today`: next month.
pub fn next_topic_month(today: NaiveDate) -> (i32, u32) {
    if today.month() == 12 {
        (today.year() + 1, 1)
    } else {
        (today.year(), today.month() + 1)
    }
}

/// Whether a unit's topic for `month` of the calendar's year is overdue on `today` when it has not been set.
pub fn topic_overdue(cal: &crate::calendar::Calendar, month: u32, today: NaiveDate) -> bool {
    topic_deadline(cal, month).is_some_and(|d| today > d)
}

/// Self check-in (docs/DOMAIN.md § Attendance): a short code shown at the session, valid in a window, for
/// the signed-in member only, once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckinError {
    #[error("Mã điểm danh không đúng")]
    WrongCode,
    #[error("Mã này không phải của buổi học này")]
    OtherSession,
    #[error("Chưa mở điểm danh cho buổi này")]
    NotOpen,
    #[error("Mã điểm danh chưa đến giờ sử dụng (mở lúc {0})")]
    TooEarly(String),
    #[error("Mã điểm danh đã hết hạn (đóng lúc {0})")]
    Expired(String),
    #[error("Mỗi đảng viên chỉ tự điểm danh cho chính mình")]
    OtherMember,
    #[error("Tài khoản này không gắn với đảng viên nào nên không thể tự điểm danh")]
    NoMember,
    #[error("Bạn không thuộc danh sách phải dự buổi này")]
    NotExpected,
    #[error("Bạn đã điểm danh buổi này rồi ({0})")]
    AlreadyMarked(String),
    #[error("Nhập sai mã quá nhiều lần; hãy thử lại sau 15 phút hoặc nhờ bí thư điểm danh")]
    TooManyAttempts,
    #[error("Chưa đến ngày tổ chức buổi này ({0})")]
    NotYet(String),
}

/// Wrong codes one account may try on one session inside the login-throttle window before it is stopped.
pub const CHECKIN_MAX_FAILURES: i64 = 5;

/// Days after a session or cell meeting before it is closed (khóa sổ) to staff changes, unless the plan in
/// force sets another number: the minutes and the marking sheet of a past meeting are a record, not a draft.
pub const DEFAULT_LOCK_DAYS: i64 = 30;
/// The fewest and most days a plan may set.
pub const LOCK_DAYS_RANGE: (i64, i64) = (1, 366);
/// Days a reopened meeting stays open for the corrections it was reopened for.
pub const REOPEN_DAYS: i64 = 7;

/// The day a meeting held on `held_on` closes with `lock_days`: changes are allowed up to and including
/// `held_on + lock_days`; from the next day on it is closed.
pub fn locks_on(held_on: NaiveDate, lock_days: i64) -> NaiveDate {
    held_on + chrono::Duration::days(lock_days.max(0) + 1)
}

/// Whether a meeting is closed to staff changes on `today`: past its lock day and not reopened until a day
/// on or after `today`.
pub fn is_locked(
    held_on: NaiveDate,
    lock_days: i64,
    reopened_until: Option<NaiveDate>,
    today: NaiveDate,
) -> bool {
    today >= locks_on(held_on, lock_days) && reopened_until.is_none_or(|u| today > u)
}

/// The open check-in of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinWindow {
    pub code: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

/// A self check-in attempt. `own_member` is the signed-in account's member; `for_member` the member the
/// request names (None = oneself); `expected` whether that member is on the session's list, and `current`
/// their current mark there.
#[derive(Debug, Clone)]
pub struct CheckinAttempt<'a> {
    pub code: &'a str,
    pub now: DateTime<Utc>,
    pub own_member: Option<i64>,
    pub for_member: Option<i64>,
    pub expected: bool,
    pub current: Option<Mark>,
}

/// Decides a self check-in. `fmt_time` renders a time for messages (the caller's time zone and format).
pub fn check_checkin(
    window: Option<&CheckinWindow>,
    a: &CheckinAttempt<'_>,
    fmt_time: impl Fn(DateTime<Utc>) -> String,
) -> Result<(), CheckinError> {
    let own = a.own_member.ok_or(CheckinError::NoMember)?;
    if a.for_member.is_some_and(|m| m != own) {
        return Err(CheckinError::OtherMember);
    }
    let w = window.ok_or(CheckinError::NotOpen)?;
    if normalize_code(a.code) != w.code {
        return Err(CheckinError::WrongCode);
    }
    if a.now < w.opens_at {
        return Err(CheckinError::TooEarly(fmt_time(w.opens_at)));
    }
    if a.now > w.closes_at {
        return Err(CheckinError::Expired(fmt_time(w.closes_at)));
    }
    if !a.expected {
        return Err(CheckinError::NotExpected);
    }
    if let Some(m) = a.current {
        if m.attended() {
            return Err(CheckinError::AlreadyMarked(m.label().to_lowercase()));
        }
    }
    Ok(())
}

/// Codes are typed on phones: spaces and dashes are ignored, letters upper-cased.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Length of a self check-in window the secretary did not choose, in minutes.
pub const CHECKIN_DEFAULT_MINUTES: i64 = 120;
/// Shortest self check-in window, in minutes.
pub const CHECKIN_MIN_MINUTES: i64 = 5;
/// Longest self check-in window, in minutes (a whole day).
pub const CHECKIN_MAX_MINUTES: i64 = 1440;

/// Why a self check-in window is refused (the API words it with its own field name, `minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckinWindowError {
    /// A window shorter than [`CHECKIN_MIN_MINUTES`] or longer than [`CHECKIN_MAX_MINUTES`]; holds
    /// the length asked for, in whole minutes.
    #[error("Thời gian mở tự điểm danh phải từ 5 đến 1.440 phút")]
    Length(i64),
}

/// The self check-in window opened at `now` for `minutes` minutes ([`CHECKIN_DEFAULT_MINUTES`] when
/// not given): `(opens_at, closes_at)`, or an error when the length is outside
/// [`CHECKIN_MIN_MINUTES`]`..=`[`CHECKIN_MAX_MINUTES`].
pub fn checkin_window(
    now: DateTime<Utc>,
    minutes: Option<i64>,
) -> Result<(DateTime<Utc>, DateTime<Utc>), CheckinWindowError> {
    let minutes = minutes.unwrap_or(CHECKIN_DEFAULT_MINUTES);
    if !(CHECKIN_MIN_MINUTES..=CHECKIN_MAX_MINUTES).contains(&minutes) {
        return Err(CheckinWindowError::Length(minutes));
    }
    Ok((now, now + chrono::Duration::minutes(minutes)))
}

/// The rule of [`checkin_window`] for a window given by its ends: it lasts from
/// [`CHECKIN_MIN_MINUTES`] to [`CHECKIN_MAX_MINUTES`] minutes (the ends may lie in the past or the
/// future). Whether it closes after it opens at all is the caller's first check.
pub fn check_checkin_window(
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) -> Result<(), CheckinWindowError> {
    let length = closes_at - opens_at;
    if length < chrono::Duration::minutes(CHECKIN_MIN_MINUTES)
        || length > chrono::Duration::minutes(CHECKIN_MAX_MINUTES)
    {
        return Err(CheckinWindowError::Length(length.num_minutes()));
    }
    Ok(())
}

/// A self check-in this many minutes after the announced start counts as đi trễ.
pub const LATE_AFTER_MINUTES: i64 = 15;

/// The mark a successful self check-in gives: có mặt, or đi trễ when the session had a start time and
/// the member arrived more than `LATE_AFTER_MINUTES` after it (local time).
pub fn checkin_mark(
    starts_at: Option<chrono::NaiveDateTime>,
    now_local: chrono::NaiveDateTime,
) -> Mark {
    match starts_at {
        Some(s) if now_local > s + chrono::Duration::minutes(LATE_AFTER_MINUTES) => Mark::Late,
        _ => Mark::Present,
    }
}

/// Parses "HH:MM" (also "7h30", "7:30").
pub fn parse_time(s: &str) -> Option<chrono::NaiveTime> {
    let t = s.trim().to_lowercase().replace('h', ":");
    let t = t.trim_end_matches(':');
    let (h, m) = t.split_once(':').unwrap_or((t, "0"));
    let m = if m.is_empty() { "0" } else { m };
    chrono::NaiveTime::from_hms_opt(h.trim().parse().ok()?, m.trim().parse().ok()?, 0)
}

/// Alphabet for check-in codes: digits only (easy to read aloud and type on a phone keypad).
pub const CHECKIN_CODE_LEN: usize = 6;

/// Largest subtree (expected places over two years) for which absentees are listed; above it the
/// page and the API ask for a smaller unit.
pub const ABSENTEE_LIMIT: i64 = 60_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meetings_close_after_the_plan_s_days_and_reopen_for_a_while() {
        let held = d(2026, 11, 1);
        // 30 days: the 1st of December is the last open day.
        assert!(!is_locked(held, 30, None, d(2026, 12, 1)));
        assert!(is_locked(held, 30, None, d(2026, 12, 2)));
        assert_eq!(locks_on(held, 30), d(2026, 12, 2));
        // Reopened until the 10th: open through the 10th, closed again on the 11th.
        assert!(!is_locked(held, 30, Some(d(2026, 12, 10)), d(2026, 12, 10)));
        assert!(is_locked(held, 30, Some(d(2026, 12, 10)), d(2026, 12, 11)));
        // A meeting in the future or today is never closed.
        assert!(!is_locked(d(2027, 1, 1), 1, None, d(2026, 12, 1)));
    }
    use chrono::TimeZone;

    fn d(y: i32, m: u32, dd: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default()
    }

    #[test]
    fn checkin_windows() {
        let now = Utc
            .with_ymd_and_hms(2026, 3, 2, 7, 30, 0)
            .single()
            .unwrap_or_default();
        let minutes = chrono::Duration::minutes;
        assert_eq!(checkin_window(now, None), Ok((now, now + minutes(120))));
        assert_eq!(checkin_window(now, Some(5)), Ok((now, now + minutes(5))));
        assert_eq!(
            checkin_window(now, Some(1440)),
            Ok((now, now + minutes(1440)))
        );
        for bad in [4, 1441, 0, -5, i64::MAX, i64::MIN] {
            assert_eq!(
                checkin_window(now, Some(bad)),
                Err(CheckinWindowError::Length(bad))
            );
        }
        assert_eq!(
            CheckinWindowError::Length(4).to_string(),
            "Thời gian mở tự điểm danh phải từ 5 đến 1.440 phút"
        );
        // Given by its ends, as the store receives it.
        assert_eq!(check_checkin_window(now, now + minutes(5)), Ok(()));
        assert_eq!(
            check_checkin_window(now - minutes(5), now + minutes(60)),
            Ok(())
        );
        assert_eq!(check_checkin_window(now, now + minutes(1440)), Ok(()));
        assert_eq!(
            check_checkin_window(now, now + minutes(5) - chrono::Duration::seconds(1)),
            Err(CheckinWindowError::Length(4))
        );
        assert_eq!(
            check_checkin_window(now, now + minutes(1441)),
            Err(CheckinWindowError::Length(1441))
        );
        // Every window checkin_window opens passes the check.
        for m in [5, 6, 120, 1439, 1440] {
            let (a, b) = checkin_window(now, Some(m)).unwrap_or((now, now));
            assert_eq!(check_checkin_window(a, b), Ok(()), "{m}");
        }
    }

    #[test]
    fn parses_codes_and_vietnamese_labels() {
        assert_eq!(Mark::parse("present"), Some(Mark::Present));
        assert_eq!(Mark::parse("Vắng có lý do"), Some(Mark::Excused));
        assert_eq!(Mark::parse("vang khong ly do"), Some(Mark::Absent));
        assert_eq!(Mark::parse(" Học bù "), Some(Mark::Makeup));
        assert_eq!(Mark::parse("ĐI TRỄ"), Some(Mark::Late));
        assert_eq!(Mark::parse("maybe"), None);
        for m in Mark::ALL {
            assert_eq!(Mark::parse(m.as_str()), Some(m));
            assert_eq!(Mark::parse(m.label()), Some(m));
        }
    }

    #[test]
    fn rate_counts_present_late_and_makeup() {
        let t = Tally {
            expected: 50,
            present: 45,
            late: 2,
            excused: 1,
            absent: 0,
            makeup: 1,
        };
        assert_eq!(t.attended(), 48);
        assert_eq!(t.unmarked(), 1);
        assert_eq!(t.rate(), Some(0.96));
        assert_eq!(t.excused_rate(), Some(0.02));
        assert!(!t.below_target(950));
        assert!(t.below_target(970));
        assert_eq!(Tally::default().rate(), None);
        assert!(!Tally::default().below_target(950));
    }

    #[test]
    fn makeup_only_replaces_absences() {
        let day = d(2019, 5, 10);
        assert!(check_mark(Some(Mark::Absent), Mark::Makeup, day, day).is_ok());
        assert!(check_mark(None, Mark::Makeup, day, day).is_ok());
        assert_eq!(
            check_mark(Some(Mark::Present), Mark::Makeup, day, day),
            Err(MarkError::MakeupOfAttendance)
        );
        assert_eq!(
            check_mark(None, Mark::Present, day, d(2019, 5, 9)),
            Err(MarkError::BeforeSession)
        );
        assert_eq!(
            made_up_from(Some(Mark::Excused), None, Mark::Makeup),
            Some(Mark::Excused)
        );
        assert_eq!(
            made_up_from(Some(Mark::Makeup), Some(Mark::Absent), Mark::Makeup),
            Some(Mark::Absent)
        );
        assert_eq!(made_up_from(Some(Mark::Absent), None, Mark::Present), None);
    }

    #[test]
    fn two_consecutive_absences_are_flagged() {
        use Mark::*;
        assert!(absent_twice_running(&[
            Some(Present),
            Some(Absent),
            Some(Excused)
        ]));
        assert!(absent_twice_running(&[Some(Absent), None, Some(Absent)]));
        assert!(!absent_twice_running(&[Some(Absent), Some(Makeup)]));
        assert!(!absent_twice_running(&[Some(Absent)]));
        assert!(!absent_twice_running(&[]));
    }

    #[test]
    fn topics_are_due_on_the_20th_of_the_month_before() {
        use crate::calendar::Calendar;
        let (c2019, c2020) = (Calendar::defaults(2019), Calendar::defaults(2020));
        assert_eq!(topic_deadline(&c2019, 3), Some(d(2019, 2, 20)));
        assert_eq!(topic_deadline(&c2020, 1), Some(d(2019, 12, 20)));
        assert_eq!(next_topic_month(d(2019, 12, 5)), (2020, 1));
        assert!(!topic_overdue(&c2019, 3, d(2019, 2, 20)));
        assert!(topic_overdue(&c2019, 3, d(2019, 2, 21)));
        // A committee that asks for topics by the 15th.
        let early = Calendar {
            topic_day: 15,
            ..c2019
        };
        assert!(topic_overdue(&early, 3, d(2019, 2, 16)));
    }

    #[test]
    fn late_checkin_and_times() {
        let day = d(2019, 5, 10);
        let at = |h, m| day.and_hms_opt(h, m, 0).unwrap_or_default();
        assert_eq!(checkin_mark(Some(at(7, 30)), at(7, 44)), Mark::Present);
        assert_eq!(checkin_mark(Some(at(7, 30)), at(7, 46)), Mark::Late);
        assert_eq!(checkin_mark(None, at(11, 0)), Mark::Present);
        assert_eq!(
            parse_time("7:30"),
            chrono::NaiveTime::from_hms_opt(7, 30, 0)
        );
        assert_eq!(
            parse_time("7h30"),
            chrono::NaiveTime::from_hms_opt(7, 30, 0)
        );
        assert_eq!(parse_time("14h"), chrono::NaiveTime::from_hms_opt(14, 0, 0));
        assert_eq!(parse_time("25:00"), None);
        assert_eq!(parse_time("abc"), None);
    }

    #[test]
    fn checkin_rules() {
        let t = |h| {
            Utc.with_ymd_and_hms(2019, 5, 10, h, 0, 0)
                .single()
                .unwrap_or_default()
        };
        let w = CheckinWindow {
            code: "482913".into(),
            opens_at: t(1),
            closes_at: t(3),
        };
        let f = |x: DateTime<Utc>| x.format("%H:%M").to_string();
        let base = CheckinAttempt {
            code: "482 913",
            now: t(2),
            own_member: Some(7),
            for_member: None,
            expected: true,
            current: None,
        };
        let check = |a: CheckinAttempt| check_checkin(Some(&w), &a, f);
        assert_eq!(check(base.clone()), Ok(()));
        assert_eq!(
            check(CheckinAttempt {
                now: t(4),
                ..base.clone()
            }),
            Err(CheckinError::Expired("03:00".into()))
        );
        assert_eq!(
            check(CheckinAttempt {
                now: t(0),
                ..base.clone()
            }),
            Err(CheckinError::TooEarly("01:00".into()))
        );
        assert_eq!(
            check(CheckinAttempt {
                code: "111111",
                ..base.clone()
            }),
            Err(CheckinError::WrongCode)
        );
        assert_eq!(
            check(CheckinAttempt {
                for_member: Some(8),
                ..base.clone()
            }),
            Err(CheckinError::OtherMember)
        );
        assert_eq!(
            check(CheckinAttempt {
                expected: false,
                ..base.clone()
            }),
            Err(CheckinError::NotExpected)
        );
        assert!(matches!(
            check(CheckinAttempt {
                current: Some(Mark::Present),
                ..base.clone()
            }),
            Err(CheckinError::AlreadyMarked(_))
        ));
        assert_eq!(check_checkin(None, &base, f), Err(CheckinError::NotOpen));
        assert_eq!(
            check(CheckinAttempt {
                own_member: None,
                ..base
            }),
            Err(CheckinError::NoMember)
        );
    }
}
