//! The campaign calendar of a year (docs/DOMAIN.md § Campaign calendar): the registration deadline, the
//! review windows, the reporting dates and the day by which monthly topics are set. The committee fixes
//! them in its plan for the year; they differ between localities and years.
//!
//! A unit may set any of the fields for a year (`CalendarSetting`, a field left empty inherits); the
//! calendar of a unit is resolved along its path, root first, the deepest setting of each field winning,
//! with lamtheo's defaults (`Calendar::defaults`) where nobody set anything. A setting is checked against
//! the calendar it produces (`validate`): every date inside the year, and the campaign's order — the
//! deadline, then the mid-year review, then the year-end review and the cell's assessment, each report after
//! the reviews it sums up.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

/// One field of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CalendarField {
    RegistrationDeadline,
    MidyearReviewOpens,
    YearendReviewOpens,
    AssessmentOpens,
    MidyearReportDue,
    YearendReportDue,
    TopicDay,
}

impl CalendarField {
    pub const ALL: [CalendarField; 7] = [
        CalendarField::RegistrationDeadline,
        CalendarField::MidyearReviewOpens,
        CalendarField::YearendReviewOpens,
        CalendarField::AssessmentOpens,
        CalendarField::MidyearReportDue,
        CalendarField::YearendReportDue,
        CalendarField::TopicDay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CalendarField::RegistrationDeadline => "registration_deadline",
            CalendarField::MidyearReviewOpens => "midyear_review_opens",
            CalendarField::YearendReviewOpens => "yearend_review_opens",
            CalendarField::AssessmentOpens => "assessment_opens",
            CalendarField::MidyearReportDue => "midyear_report_due",
            CalendarField::YearendReportDue => "yearend_report_due",
            CalendarField::TopicDay => "topic_day",
        }
    }

    pub fn parse(s: &str) -> Option<CalendarField> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The field's name in messages.
    pub fn label(self) -> &'static str {
        match self {
            CalendarField::RegistrationDeadline => "Hạn nộp bản đăng ký",
            CalendarField::MidyearReviewOpens => "Ngày mở tự đánh giá giữa năm",
            CalendarField::YearendReviewOpens => "Ngày mở tự đánh giá cuối năm",
            CalendarField::AssessmentOpens => "Ngày chi bộ bắt đầu đánh giá",
            CalendarField::MidyearReportDue => "Hạn báo cáo sơ kết 6 tháng",
            CalendarField::YearendReportDue => "Hạn báo cáo tổng kết năm",
            CalendarField::TopicDay => "Hạn đặt chủ đề sinh hoạt tháng sau",
        }
    }

    fn index(self) -> usize {
        match self {
            CalendarField::RegistrationDeadline => 0,
            CalendarField::MidyearReviewOpens => 1,
            CalendarField::YearendReviewOpens => 2,
            CalendarField::AssessmentOpens => 3,
            CalendarField::MidyearReportDue => 4,
            CalendarField::YearendReportDue => 5,
            CalendarField::TopicDay => 6,
        }
    }
}

/// The last day of a month a topic deadline may fall on (every month has it).
pub const MAX_TOPIC_DAY: u32 = 28;

/// The calendar in force for a unit and a year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Calendar {
    pub year: i32,
    /// Registrations first submitted by this day (Vietnam time) are on time; who should register is read
    /// as of this day.
    pub registration_deadline: NaiveDate,
    /// The mid-year self-review may be written from this day.
    pub midyear_review_opens: NaiveDate,
    /// The year-end self-review may be written from this day.
    pub yearend_review_opens: NaiveDate,
    /// The cell's assessment may be written from this day.
    pub assessment_opens: NaiveDate,
    /// The mid-year report (*báo cáo sơ kết 6 tháng*) is due.
    pub midyear_report_due: NaiveDate,
    /// The year-end report (*báo cáo tổng kết năm*) is due.
    pub yearend_report_due: NaiveDate,
    /// Next month's topic is set by this day of the month before.
    pub topic_day: u32,
}

/// What one unit set for a year; `None` inherits from the units above.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CalendarSetting {
    pub registration_deadline: Option<NaiveDate>,
    pub midyear_review_opens: Option<NaiveDate>,
    pub yearend_review_opens: Option<NaiveDate>,
    pub assessment_opens: Option<NaiveDate>,
    pub midyear_report_due: Option<NaiveDate>,
    pub yearend_report_due: Option<NaiveDate>,
    pub topic_day: Option<u32>,
}

impl CalendarSetting {
    /// Nothing set: the unit inherits every field.
    pub fn is_empty(&self) -> bool {
        CalendarField::ALL.into_iter().all(|f| !self.has(f))
    }

    /// Whether the field is set here.
    pub fn has(&self, f: CalendarField) -> bool {
        match f {
            CalendarField::TopicDay => self.topic_day.is_some(),
            _ => self.date(f).is_some(),
        }
    }

    /// A date field as set here (always `None` for `TopicDay`).
    pub fn date(&self, f: CalendarField) -> Option<NaiveDate> {
        match f {
            CalendarField::RegistrationDeadline => self.registration_deadline,
            CalendarField::MidyearReviewOpens => self.midyear_review_opens,
            CalendarField::YearendReviewOpens => self.yearend_review_opens,
            CalendarField::AssessmentOpens => self.assessment_opens,
            CalendarField::MidyearReportDue => self.midyear_report_due,
            CalendarField::YearendReportDue => self.yearend_report_due,
            CalendarField::TopicDay => None,
        }
    }
}

/// A date of `year`, the year clamped into what the calendar type can hold.
fn ymd(year: i32, month: u32, day: u32) -> NaiveDate {
    let y = year.clamp(NaiveDate::MIN.year() + 1, NaiveDate::MAX.year() - 1);
    NaiveDate::from_ymd_opt(y, month, day).unwrap_or(NaiveDate::MIN)
}

impl Calendar {
    /// lamtheo's calendar when no unit set anything: registrations due 31/03, self-reviews from 01/06 and
    /// 01/11, the cell's assessment from 01/11, reports due 15/06 and 15/12, topics by the 20th.
    pub fn defaults(year: i32) -> Calendar {
        Calendar {
            year,
            registration_deadline: ymd(year, 3, 31),
            midyear_review_opens: ymd(year, 6, 1),
            yearend_review_opens: ymd(year, 11, 1),
            assessment_opens: ymd(year, 11, 1),
            midyear_report_due: ymd(year, 6, 15),
            yearend_report_due: ymd(year, 12, 15),
            topic_day: 20,
        }
    }

    /// A date field (`None` for `TopicDay`).
    pub fn date(&self, f: CalendarField) -> Option<NaiveDate> {
        match f {
            CalendarField::RegistrationDeadline => Some(self.registration_deadline),
            CalendarField::MidyearReviewOpens => Some(self.midyear_review_opens),
            CalendarField::YearendReviewOpens => Some(self.yearend_review_opens),
            CalendarField::AssessmentOpens => Some(self.assessment_opens),
            CalendarField::MidyearReportDue => Some(self.midyear_report_due),
            CalendarField::YearendReportDue => Some(self.yearend_report_due),
            CalendarField::TopicDay => None,
        }
    }

    /// The fields a unit set replace the ones it inherited.
    pub fn apply(&mut self, s: &CalendarSetting) {
        let keep = |own: Option<NaiveDate>, inherited: NaiveDate| own.unwrap_or(inherited);
        self.registration_deadline = keep(s.registration_deadline, self.registration_deadline);
        self.midyear_review_opens = keep(s.midyear_review_opens, self.midyear_review_opens);
        self.yearend_review_opens = keep(s.yearend_review_opens, self.yearend_review_opens);
        self.assessment_opens = keep(s.assessment_opens, self.assessment_opens);
        self.midyear_report_due = keep(s.midyear_report_due, self.midyear_report_due);
        self.yearend_report_due = keep(s.yearend_report_due, self.yearend_report_due);
        self.topic_day = s.topic_day.unwrap_or(self.topic_day);
    }

    /// The day by which the topic of `month` of the calendar's year is set: `topic_day` of the month
    /// before (for January, of December of the year before). A day the month lacks is its last day.
    pub fn topic_deadline(&self, month: u32) -> Option<NaiveDate> {
        let start = NaiveDate::from_ymd_opt(self.year, month, 1)?;
        let prev = start.pred_opt()?;
        let day = self.topic_day.clamp(1, prev.day());
        NaiveDate::from_ymd_opt(prev.year(), prev.month(), day)
    }
}

/// The calendar of a unit for `year` from the settings along its path, root first: each field from the
/// deepest unit that set it, else the default.
pub fn resolve(year: i32, settings_root_first: &[CalendarSetting]) -> Calendar {
    let mut c = Calendar::defaults(year);
    for s in settings_root_first {
        c.apply(s);
    }
    c
}

/// For each field (in `CalendarField::ALL` order), the index of the setting it is taken from in
/// `settings_root_first` (the deepest that set it), or `None` when it is the default.
pub fn sources(settings_root_first: &[CalendarSetting]) -> [Option<usize>; 7] {
    let mut out = [None; 7];
    for (k, s) in settings_root_first.iter().enumerate() {
        for f in CalendarField::ALL {
            if s.has(f) {
                out[f.index()] = Some(k);
            }
        }
    }
    out
}

/// Where a setting is wrong, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarFault {
    pub field: CalendarField,
    pub message: String,
}

/// Pairs (earlier, later, strictly before?, checked only when the later field is set here) the calendar
/// keeps in order. A report date is checked only by the unit that sets it, so that a unit moving a review
/// window need not restate the reporting dates it inherits.
const ORDER: [(CalendarField, CalendarField, bool, bool); 5] = [
    (
        CalendarField::RegistrationDeadline,
        CalendarField::MidyearReviewOpens,
        true,
        false,
    ),
    (
        CalendarField::MidyearReviewOpens,
        CalendarField::YearendReviewOpens,
        true,
        false,
    ),
    (
        CalendarField::YearendReviewOpens,
        CalendarField::AssessmentOpens,
        false,
        false,
    ),
    (
        CalendarField::MidyearReviewOpens,
        CalendarField::MidyearReportDue,
        false,
        true,
    ),
    (
        CalendarField::AssessmentOpens,
        CalendarField::YearendReportDue,
        false,
        true,
    ),
];

/// Checks what a unit sets for `year` over what it inherits (`above`, root first) and returns the
/// calendar it will have. Every date set must fall inside the year and the topic day between 1 and 28; the
/// resulting calendar must keep the order deadline < mid-year review < year-end review ≤ assessment; a
/// report date the unit sets must not come before the mid-year review (sơ kết) or the assessment (tổng
/// kết). A fault is reported on a field this unit set (an order already broken above is not this unit's
/// fault).
pub fn validate(
    year: i32,
    above_root_first: &[CalendarSetting],
    own: &CalendarSetting,
) -> Result<Calendar, Vec<CalendarFault>> {
    let mut faults = Vec::new();
    for f in CalendarField::ALL {
        if let Some(d) = own.date(f) {
            if d.year() != year {
                faults.push(CalendarFault {
                    field: f,
                    message: format!("{} phải là một ngày trong năm {year}", f.label()),
                });
            }
        }
    }
    if let Some(day) = own.topic_day {
        if !(1..=MAX_TOPIC_DAY).contains(&day) {
            faults.push(CalendarFault {
                field: CalendarField::TopicDay,
                message: format!(
                    "{} phải là một ngày từ 1 đến {MAX_TOPIC_DAY} của tháng trước",
                    CalendarField::TopicDay.label()
                ),
            });
        }
    }
    let mut cal = resolve(year, above_root_first);
    cal.apply(own);
    for (early, late, strict, late_set_here) in ORDER {
        if late_set_here && !own.has(late) {
            continue;
        }
        let (Some(a), Some(b)) = (cal.date(early), cal.date(late)) else {
            continue;
        };
        let ok = if strict { a < b } else { a <= b };
        if ok {
            continue;
        }
        let blamed = if own.has(late) {
            late
        } else if own.has(early) {
            early
        } else {
            continue;
        };
        if faults.iter().any(|x| x.field == blamed) {
            continue;
        }
        let fmt = crate::text::format_date;
        let message = if blamed == late {
            format!(
                "{} ({}) phải {} {} ({})",
                late.label(),
                fmt(b),
                if strict { "sau" } else { "không sớm hơn" },
                early.label().to_lowercase(),
                fmt(a)
            )
        } else {
            format!(
                "{} ({}) phải {} {} ({})",
                early.label(),
                fmt(a),
                if strict {
                    "trước"
                } else {
                    "không muộn hơn"
                },
                late.label().to_lowercase(),
                fmt(b)
            )
        };
        faults.push(CalendarFault {
            field: blamed,
            message,
        });
    }
    if faults.is_empty() {
        Ok(cal)
    } else {
        Err(faults)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn defaults_are_todays_rules() {
        let c = Calendar::defaults(2027);
        assert_eq!(c.registration_deadline, d(2027, 3, 31));
        assert_eq!(c.midyear_review_opens, d(2027, 6, 1));
        assert_eq!(c.yearend_review_opens, d(2027, 11, 1));
        assert_eq!(c.assessment_opens, d(2027, 11, 1));
        assert_eq!(c.topic_deadline(3), Some(d(2027, 2, 20)));
        assert_eq!(c.topic_deadline(1), Some(d(2026, 12, 20)));
        assert_eq!(c.topic_deadline(13), None);
        assert!(validate(2027, &[], &CalendarSetting::default()).is_ok());
    }

    #[test]
    fn the_deepest_setting_wins_field_by_field() {
        let city = CalendarSetting {
            registration_deadline: Some(d(2027, 4, 15)),
            topic_day: Some(25),
            ..Default::default()
        };
        let ward = CalendarSetting {
            midyear_review_opens: Some(d(2027, 6, 15)),
            topic_day: Some(18),
            ..Default::default()
        };
        let cell = CalendarSetting::default();
        let c = resolve(2027, &[city, ward, cell]);
        assert_eq!(c.registration_deadline, d(2027, 4, 15));
        assert_eq!(c.midyear_review_opens, d(2027, 6, 15));
        assert_eq!(c.topic_day, 18);
        assert_eq!(c.yearend_review_opens, d(2027, 11, 1));
        let s = sources(&[city, ward, cell]);
        assert_eq!(s[0], Some(0));
        assert_eq!(s[1], Some(1));
        assert_eq!(s[2], None);
        assert_eq!(s[6], Some(1));
    }

    #[test]
    fn faults_name_the_field_and_the_dates() {
        let own = CalendarSetting {
            registration_deadline: Some(d(2027, 6, 10)),
            topic_day: Some(31),
            yearend_report_due: Some(d(2028, 1, 10)),
            ..Default::default()
        };
        let faults = validate(2027, &[], &own).unwrap_err();
        let msg = |f| {
            faults
                .iter()
                .find(|x| x.field == f)
                .map(|x| x.message.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            msg(CalendarField::RegistrationDeadline),
            "Hạn nộp bản đăng ký (10/06/2027) phải trước ngày mở tự đánh giá giữa năm (01/06/2027)"
        );
        assert_eq!(
            msg(CalendarField::YearendReportDue),
            "Hạn báo cáo tổng kết năm phải là một ngày trong năm 2027"
        );
        assert!(msg(CalendarField::TopicDay).contains("từ 1 đến 28"));
        // An order already broken above is not the cell's fault.
        let above = CalendarSetting {
            midyear_review_opens: Some(d(2027, 3, 1)),
            ..Default::default()
        };
        assert!(validate(2027, &[above], &CalendarSetting::default()).is_ok());
    }

    #[test]
    fn a_topic_day_past_the_month_end_is_its_last_day() {
        let mut c = Calendar::defaults(2027);
        c.topic_day = 31;
        assert_eq!(c.topic_deadline(3), Some(d(2027, 2, 28)));
    }
}
