//! Citizen oversight on the public portal (docs/DOMAIN.md § Public portal): feedback on a published
//! registration or a public model, its moderation and answer, the response-time rule, and citizens' answers
//! on whether an item was done, with the level at which an item's completion is confirmed.

use crate::registration::Outcome;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

/// Shortest useful feedback, in characters.
pub const MIN_CONTENT_CHARS: usize = 10;
/// Longest feedback, in characters.
pub const MAX_CONTENT_CHARS: usize = crate::limits::FEEDBACK_CONTENT;
/// Longest optional name.
pub const MAX_NAME_CHARS: usize = crate::limits::PERSON_NAME;
/// Longest optional contact (phone or e-mail; stored, never shown).
pub const MAX_CONTACT_CHARS: usize = crate::limits::CONTACT;
/// Longest answer by the unit, and longest reason for hiding.
pub const MAX_ANSWER_CHARS: usize = crate::limits::ANSWER;
/// Feedback accepted from one address per window.
pub const RATE_LIMIT: i64 = 5;
/// The rate-limit window, in seconds.
pub const RATE_WINDOW_SECS: i64 = 3600;
/// Days a unit has to answer, unless configured otherwise.
pub const DEFAULT_ANSWER_DAYS: i64 = 15;
/// Citizens' answers (other than "không rõ") needed before the citizens' view counts as a confirmation.
pub const CITIZEN_QUORUM: i64 = 3;

/// What a feedback is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    Registration,
    Model,
}

impl SubjectType {
    pub fn as_str(self) -> &'static str {
        match self {
            SubjectType::Registration => "registration",
            SubjectType::Model => "model",
        }
    }
    pub fn parse(s: &str) -> Option<SubjectType> {
        match s.trim() {
            "registration" => Some(SubjectType::Registration),
            "model" => Some(SubjectType::Model),
            _ => None,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            SubjectType::Registration => "Bản đăng ký",
            SubjectType::Model => "Mô hình",
        }
    }
}

/// What a feedback is about, named: whose registration (and of which year, when the reader knows it)
/// or which model.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectName {
    Registration {
        year: Option<i64>,
        member_name: String,
    },
    Model {
        name: String,
    },
}

impl SubjectName {
    /// How staff pages, the portal and the audit log name the subject: "Bản đăng ký năm 2026 của
    /// đồng chí Nguyễn Văn An" ("Bản đăng ký của đồng chí …" when the year is not known), "Mô hình
    /// “Dân vận khéo”".
    pub fn label(&self) -> String {
        match self {
            SubjectName::Registration {
                year: Some(year),
                member_name,
            } => format!("Bản đăng ký năm {year} của đồng chí {member_name}"),
            SubjectName::Registration {
                year: None,
                member_name,
            } => format!("Bản đăng ký của đồng chí {member_name}"),
            SubjectName::Model { name } => format!("Mô hình “{name}”"),
        }
    }
}

/// Where a citizen's feedback stands, as the tracking page tells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackingState {
    /// Pending or approved, with an answer.
    Answered,
    /// Pending or approved, not answered yet.
    Waiting,
    /// Hidden (or refused) by the unit: no answer is shown.
    NotPublished,
}

/// Where a feedback stands in moderation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackStatus {
    /// Waiting for the unit to look at it.
    Pending,
    /// Accepted: shown on the portal once answered.
    Approved,
    /// Hidden by the unit, with a reason (kept for the record, never shown).
    Hidden,
    /// Marked as spam.
    Spam,
}

impl FeedbackStatus {
    pub const ALL: [FeedbackStatus; 4] = [
        FeedbackStatus::Pending,
        FeedbackStatus::Approved,
        FeedbackStatus::Hidden,
        FeedbackStatus::Spam,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackStatus::Pending => "pending",
            FeedbackStatus::Approved => "approved",
            FeedbackStatus::Hidden => "hidden",
            FeedbackStatus::Spam => "spam",
        }
    }
    pub fn parse(s: &str) -> Option<FeedbackStatus> {
        FeedbackStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            FeedbackStatus::Pending => "Chờ duyệt",
            FeedbackStatus::Approved => "Đã duyệt",
            FeedbackStatus::Hidden => "Đã ẩn",
            FeedbackStatus::Spam => "Thư rác",
        }
    }
    /// Does the unit still owe an answer?
    pub fn awaits_answer(self) -> bool {
        matches!(self, FeedbackStatus::Pending | FeedbackStatus::Approved)
    }
}

/// A moderation decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moderation {
    Approve,
    Hide { reason: String },
    Spam,
}

/// A field of the feedback form and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackError {
    pub field: &'static str,
    pub message: String,
}

/// What a citizen sent, after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackText {
    pub content: String,
    pub name: Option<String>,
    pub contact: Option<String>,
}

/// Checks a citizen's feedback. Returns every problem, each beside its field.
pub fn check_feedback(
    content: &str,
    name: Option<&str>,
    contact: Option<&str>,
) -> Result<FeedbackText, Vec<FeedbackError>> {
    let content = crate::text::normalize_multiline(content);
    let name = name.map(crate::text::normalize).filter(|s| !s.is_empty());
    let contact = contact
        .map(crate::text::normalize)
        .filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    let n = content.chars().count();
    if n < MIN_CONTENT_CHARS {
        errors.push(FeedbackError {
            field: "content",
            message: format!("Nội dung phản ánh cần ít nhất {MIN_CONTENT_CHARS} ký tự."),
        });
    } else if n > MAX_CONTENT_CHARS {
        errors.push(FeedbackError {
            field: "content",
            message: format!(
                "Nội dung phản ánh dài {} ký tự; tối đa {} ký tự.",
                crate::text::format_int(n as i64),
                crate::text::format_int(MAX_CONTENT_CHARS as i64)
            ),
        });
    }
    if let Some(nm) = &name {
        if nm.chars().count() > MAX_NAME_CHARS {
            errors.push(FeedbackError {
                field: "name",
                message: format!("Họ tên tối đa {MAX_NAME_CHARS} ký tự."),
            });
        }
    }
    if let Some(c) = &contact {
        if c.chars().count() > MAX_CONTACT_CHARS {
            errors.push(FeedbackError {
                field: "contact",
                message: format!("Thông tin liên hệ tối đa {MAX_CONTACT_CHARS} ký tự."),
            });
        }
    }
    if errors.is_empty() {
        Ok(FeedbackText {
            content,
            name,
            contact,
        })
    } else {
        Err(errors)
    }
}

/// The letters and digits of a tracking code: capitals and digits without the look-alikes 0/O and 1/I, so a
/// code read aloud or copied by hand cannot be mistaken.
pub const TRACKING_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
/// Characters in a tracking code.
pub const TRACKING_LEN: usize = 10;

/// A tracking code as a citizen typed it, in its stored form: case does not matter, and spaces, dashes and
/// dots between the characters are dropped. `None` when what is left is not `TRACKING_LEN` characters of
/// `TRACKING_ALPHABET`.
pub fn normalize_tracking_code(typed: &str) -> Option<String> {
    let code: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '_'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let valid = code.len() == TRACKING_LEN && code.bytes().all(|b| TRACKING_ALPHABET.contains(&b));
    valid.then_some(code)
}

/// Hours within which a near-identical feedback on the same subject is folded into the earlier one.
pub const DUPLICATE_WINDOW_HOURS: i64 = 24;
/// Shingle resemblance from which two feedback texts count as near-identical.
pub const DUPLICATE_SIMILARITY: f64 = 0.9;

/// The words of a feedback as compared for duplicates: folded (no case, no diacritics, "đ" → "d"),
/// punctuation and white space reduced to single spaces. "Đường ẤP 3, chưa  làm!" → "duong ap 3 chua lam".
pub fn duplicate_key(content: &str) -> String {
    let folded = crate::text::fold(content);
    let mut out = String::with_capacity(folded.len());
    for w in folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// The distinct word shingles of a [`duplicate_key`]: 3 words, or 2 for texts under 10 words.
fn shingles(key: &str) -> std::collections::HashSet<Vec<&str>> {
    let words: Vec<&str> = key.split(' ').filter(|w| !w.is_empty()).collect();
    let width = if words.len() < 10 { 2 } else { 3 };
    if words.len() < width {
        return std::iter::once(words).collect();
    }
    words.windows(width).map(<[&str]>::to_vec).collect()
}

/// Are two feedback texts near-identical: the same after folding case, diacritics, white space and
/// punctuation, or sharing at least [`DUPLICATE_SIMILARITY`] of their word shingles (Jaccard)?
/// Takes [`duplicate_key`]s.
pub fn near_duplicate(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (sa, sb) = (shingles(a), shingles(b));
    let inter = sa.intersection(&sb).count();
    let union = sa.len() + sb.len() - inter;
    union > 0 && inter as f64 >= DUPLICATE_SIMILARITY * union as f64
}

/// May a near-identical submission be folded into an earlier feedback in this state? Only while the unit
/// still has it to answer (pending, or approved and unanswered): one that is hidden, spam or already answered
/// would swallow a fresh complaint, so the new one becomes its own queue item.
pub fn folds_into(status: FeedbackStatus, answered: bool) -> bool {
    status.awaits_answer() && !answered
}

/// What the tracking page of a folded submission says about it.
pub const FOLDED_NOTE: &str =
    "Phản ánh của bạn có nội dung giống một phản ánh đã gửi trước nên được gộp vào đó";

/// "Có 3 người khác gửi nội dung tương tự" for a feedback that absorbed `duplicates` others.
pub fn duplicates_label(duplicates: i64) -> String {
    if duplicates <= 0 {
        String::new()
    } else {
        format!(
            "{} lần gửi nội dung tương tự được gộp vào đây",
            crate::text::format_int(duplicates)
        )
    }
}

/// Checks a unit's public answer or a reason for hiding: not empty, not too long.
pub fn check_answer(text: &str, what: &str) -> Result<String, String> {
    let t = crate::text::normalize_multiline(text);
    let n = t.chars().count();
    if n == 0 {
        Err(format!("Hãy nhập {what}."))
    } else if n > MAX_ANSWER_CHARS {
        Err(format!(
            "{} tối đa {} ký tự.",
            capitalise(what),
            crate::text::format_int(MAX_ANSWER_CHARS as i64)
        ))
    } else {
        Ok(t)
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Is a feedback received at `received` and still unanswered overdue at `now`?
pub fn is_overdue(
    status: FeedbackStatus,
    answered: bool,
    received: DateTime<Utc>,
    now: DateTime<Utc>,
    answer_days: i64,
) -> bool {
    status.awaits_answer() && !answered && now - received > Duration::days(answer_days)
}

/// Calendar days in Vietnam from receipt to answer (0 when answered the same day there).
pub fn response_days(received: DateTime<Utc>, answered: DateTime<Utc>) -> i64 {
    let (r, a) = (
        crate::registration::vn_date(received),
        crate::registration::vn_date(answered),
    );
    (a - r).num_days().max(0)
}

/// A citizen's answer on whether an item was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CitizenAnswer {
    Done,
    Partly,
    NotDone,
    DontKnow,
}

impl CitizenAnswer {
    pub const ALL: [CitizenAnswer; 4] = [
        CitizenAnswer::Done,
        CitizenAnswer::Partly,
        CitizenAnswer::NotDone,
        CitizenAnswer::DontKnow,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            CitizenAnswer::Done => "done",
            CitizenAnswer::Partly => "partly",
            CitizenAnswer::NotDone => "not_done",
            CitizenAnswer::DontKnow => "dont_know",
        }
    }
    pub fn parse(s: &str) -> Option<CitizenAnswer> {
        CitizenAnswer::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn label(self) -> &'static str {
        match self {
            CitizenAnswer::Done => "Đã làm",
            CitizenAnswer::Partly => "Làm một phần",
            CitizenAnswer::NotDone => "Chưa làm",
            CitizenAnswer::DontKnow => "Không rõ",
        }
    }
}

/// When citizens may answer on an item: from the day after its deadline, or, for an item without a
/// deadline, from the day after the end of the registration's year.
pub fn citizens_may_answer(deadline: Option<NaiveDate>, year: i32, today: NaiveDate) -> bool {
    let last = deadline.or_else(|| NaiveDate::from_ymd_opt(year, 12, 31));
    match last {
        Some(d) => today > d,
        None => false,
    }
}

/// Citizens' answers on one item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CitizenTally {
    pub done: i64,
    pub partly: i64,
    pub not_done: i64,
    pub dont_know: i64,
}

impl CitizenTally {
    pub fn add(&mut self, a: CitizenAnswer, n: i64) {
        match a {
            CitizenAnswer::Done => self.done += n,
            CitizenAnswer::Partly => self.partly += n,
            CitizenAnswer::NotDone => self.not_done += n,
            CitizenAnswer::DontKnow => self.dont_know += n,
        }
    }
    pub fn total(&self) -> i64 {
        self.done + self.partly + self.not_done + self.dont_know
    }
    /// What citizens who know say, once enough of them answered: the answer held by more than half of
    /// those who know; `None` without a quorum or a majority.
    pub fn verdict(&self) -> Option<Outcome> {
        let known = self.done + self.partly + self.not_done;
        if known < CITIZEN_QUORUM {
            return None;
        }
        [
            (self.done, Outcome::Done),
            (self.partly, Outcome::Partly),
            (self.not_done, Outcome::NotDone),
        ]
        .into_iter()
        .find(|(n, _)| n * 2 > known)
        .map(|(_, o)| o)
    }
}

/// How far an item's completion is confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confirmation {
    /// Nobody reported yet.
    None,
    /// The member's own review.
    SelfDeclared,
    /// The cell's assessment.
    UnitConfirmed,
    /// A quorum of citizens.
    CitizenConfirmed,
}

impl Confirmation {
    pub fn label(self) -> &'static str {
        match self {
            Confirmation::None => "Chưa báo cáo",
            Confirmation::SelfDeclared => "Tự báo cáo",
            Confirmation::UnitConfirmed => "Chi bộ xác nhận",
            Confirmation::CitizenConfirmed => "Người dân xác nhận",
        }
    }
}

/// An item's completion as the portal shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Completion {
    /// The most trusted outcome known.
    pub outcome: Option<Outcome>,
    /// Who vouches for it.
    pub confirmation: Confirmation,
    pub self_declared: Option<Outcome>,
    pub unit_confirmed: Option<Outcome>,
    pub citizens: CitizenTally,
}

impl Completion {
    /// Combines the member's latest review, the cell's assessment and citizens' answers. Citizens
    /// outrank the cell, which outranks the member; each level shows its own outcome.
    pub fn of(
        midyear: Option<Outcome>,
        yearend: Option<Outcome>,
        assessed: Option<Outcome>,
        citizens: CitizenTally,
    ) -> Completion {
        let self_declared = yearend.or(midyear);
        let (outcome, confirmation) = if let Some(v) = citizens.verdict() {
            (Some(v), Confirmation::CitizenConfirmed)
        } else if let Some(a) = assessed {
            (Some(a), Confirmation::UnitConfirmed)
        } else if let Some(s) = self_declared {
            (Some(s), Confirmation::SelfDeclared)
        } else {
            (None, Confirmation::None)
        };
        Completion {
            outcome,
            confirmation,
            self_declared,
            unit_confirmed: assessed,
            citizens,
        }
    }
    /// "Đã hoàn thành · Chi bộ xác nhận", "Chưa báo cáo".
    pub fn label(&self) -> String {
        match self.outcome {
            Some(o) => format!("{} · {}", o.label(), self.confirmation.label()),
            None => self.confirmation.label().to_string(),
        }
    }
    /// The progress a loudspeaker bulletin reads aloud: "Đã hoàn thành, người dân xác nhận"; empty
    /// when nothing was reported.
    pub fn spoken_label(&self) -> String {
        match self.outcome {
            Some(o) => format!(
                "{}, {}",
                o.label(),
                self.confirmation.label().to_lowercase()
            ),
            None => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn tracking_codes_as_typed() {
        assert_eq!(
            normalize_tracking_code(" ql9k-7bty.j6 ").as_deref(),
            Some("QL9K7BTYJ6")
        );
        assert_eq!(
            normalize_tracking_code("QL9K7BTYJ6").as_deref(),
            Some("QL9K7BTYJ6")
        );
        // Look-alikes are not in codes: a code with O, 0, I or 1 was mistyped.
        for bad in [
            "QL9K7BTYJO",
            "QL9K7BTYJ0",
            "QL9K7BTYJ1",
            "QL9K7BTYJI",
            "QL9K7BTYJ",
            "QL9K7BTYJ66",
            "",
            "ĐL9K7BTYJ6",
        ] {
            assert_eq!(normalize_tracking_code(bad), None, "{bad}");
        }
        assert!(!TRACKING_ALPHABET.iter().any(|b| b"0O1I".contains(b)));
    }

    #[test]
    fn subject_names() {
        let reg = |year| SubjectName::Registration {
            year,
            member_name: "Nguyễn Văn An".into(),
        };
        assert_eq!(
            reg(Some(2026)).label(),
            "Bản đăng ký năm 2026 của đồng chí Nguyễn Văn An"
        );
        assert_eq!(reg(None).label(), "Bản đăng ký của đồng chí Nguyễn Văn An");
        assert_eq!(
            SubjectName::Model {
                name: "Dân vận khéo".into()
            }
            .label(),
            "Mô hình “Dân vận khéo”"
        );
    }
    use chrono::TimeZone;

    #[test]
    fn feedback_limits() {
        assert!(check_feedback("ngắn", None, None).is_err());
        let long = "a".repeat(MAX_CONTENT_CHARS + 1);
        let e = check_feedback(&long, Some(&"b".repeat(101)), None).unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].message.contains("2.001"), "{}", e[0].message);
        let ok = check_feedback(
            "  Đường ấp 3 vẫn chưa làm xong  ",
            Some(" "),
            Some(" 0909 "),
        )
        .unwrap();
        assert_eq!(ok.content, "Đường ấp 3 vẫn chưa làm xong");
        assert_eq!(ok.name, None);
        assert_eq!(ok.contact.as_deref(), Some("0909"));
    }

    #[test]
    fn near_duplicates_fold_case_diacritics_and_punctuation() {
        let a = duplicate_key("Đường ấp 3 vẫn chưa làm xong, đề nghị kiểm tra!");
        let b = duplicate_key("  đường Ấp 3   VẪN chưa làm xong; đề nghị kiểm tra ");
        let c = duplicate_key("Duong ap 3 van chua lam xong de nghi kiem tra");
        assert_eq!(a, "duong ap 3 van chua lam xong de nghi kiem tra");
        assert!(near_duplicate(&a, &b));
        assert!(near_duplicate(&a, &c));
        // One extra word in a long text is still the same message.
        let long = "Đề nghị chi bộ khu phố 2 kiểm tra lại việc làm đường bê tông hẻm 5, \
                    bà con đóng góp đủ tiền từ tháng 3 nhưng đến nay vẫn chưa thi công xong đoạn cuối hẻm \
                    gần nhà văn hóa, trời mưa rất lầy lội, trẻ em đi học khó khăn";
        let longer = format!("{long} ạ");
        assert!(near_duplicate(
            &duplicate_key(long),
            &duplicate_key(&longer)
        ));
        // A different request is its own feedback, even on the same subject.
        let d = duplicate_key("Đèn đường ấp 3 bị hỏng hai tuần nay, đề nghị sửa");
        assert!(!near_duplicate(&a, &d));
        let e = duplicate_key("Đường ấp 4 vẫn chưa làm xong, đề nghị kiểm tra!");
        assert!(!near_duplicate(&a, &e), "another hamlet is another request");
        // Only feedback the unit still has to answer takes in copies.
        assert!(folds_into(FeedbackStatus::Pending, false));
        assert!(folds_into(FeedbackStatus::Approved, false));
        assert!(!folds_into(FeedbackStatus::Approved, true));
        assert!(!folds_into(FeedbackStatus::Hidden, false));
        assert!(!folds_into(FeedbackStatus::Spam, false));
        assert_eq!(duplicates_label(0), "");
        assert_eq!(
            duplicates_label(1200),
            "1.200 lần gửi nội dung tương tự được gộp vào đây"
        );
    }

    #[test]
    fn overdue_after_the_answer_window() {
        let t0 = Utc.with_ymd_and_hms(2026, 1, 1, 8, 0, 0).unwrap();
        let d15 = t0 + Duration::days(15);
        let d16 = t0 + Duration::days(16);
        assert!(!is_overdue(FeedbackStatus::Pending, false, t0, d15, 15));
        assert!(is_overdue(FeedbackStatus::Pending, false, t0, d16, 15));
        assert!(is_overdue(FeedbackStatus::Approved, false, t0, d16, 15));
        assert!(!is_overdue(FeedbackStatus::Approved, true, t0, d16, 15));
        assert!(!is_overdue(FeedbackStatus::Spam, false, t0, d16, 15));
        assert_eq!(response_days(t0, d16), 16);
        // Received 22:00 in Hà Nội (15:00 UTC), answered 09:00 next morning: the next day, not "the same".
        let evening = Utc.with_ymd_and_hms(2026, 3, 1, 15, 0, 0).unwrap();
        let morning = Utc.with_ymd_and_hms(2026, 3, 2, 2, 0, 0).unwrap();
        assert_eq!(response_days(evening, morning), 1);
    }

    #[test]
    fn citizens_answer_after_the_deadline() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        assert!(!citizens_may_answer(Some(d), 2026, d));
        assert!(citizens_may_answer(Some(d), 2026, d.succ_opt().unwrap()));
        let dec31 = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert!(!citizens_may_answer(None, 2026, dec31));
        assert!(citizens_may_answer(None, 2026, dec31.succ_opt().unwrap()));
    }

    #[test]
    fn completion_levels() {
        let mut t = CitizenTally::default();
        let c = Completion::of(None, None, None, t);
        assert_eq!(c.confirmation, Confirmation::None);
        assert_eq!(c.label(), "Chưa báo cáo");
        assert_eq!(c.spoken_label(), "");
        let c = Completion::of(Some(Outcome::Partly), Some(Outcome::Done), None, t);
        assert_eq!(c.confirmation, Confirmation::SelfDeclared);
        assert_eq!(c.outcome, Some(Outcome::Done));
        let c = Completion::of(None, Some(Outcome::Done), Some(Outcome::Partly), t);
        assert_eq!(c.confirmation, Confirmation::UnitConfirmed);
        assert_eq!(c.label(), "Hoàn thành một phần · Chi bộ xác nhận");
        assert_eq!(c.spoken_label(), "Hoàn thành một phần, chi bộ xác nhận");
        // Two citizens are not a quorum; "không rõ" does not count.
        t.add(CitizenAnswer::Done, 2);
        t.add(CitizenAnswer::DontKnow, 5);
        assert_eq!(t.verdict(), None);
        t.add(CitizenAnswer::NotDone, 1);
        assert_eq!(t.verdict(), Some(Outcome::Done));
        let c = Completion::of(None, Some(Outcome::Done), Some(Outcome::Done), t);
        assert_eq!(c.confirmation, Confirmation::CitizenConfirmed);
        assert_eq!(c.spoken_label(), "Đã hoàn thành, người dân xác nhận");
        // No majority: the cell's view stands.
        t.add(CitizenAnswer::NotDone, 1);
        assert_eq!(t.verdict(), None);
    }
}
