//! A party member's editable record and the rule every write of it follows (forms, the API, imports):
//! a full name of at least two words, a card number or a citizen ID to tell members apart, a valid
//! phone, consistent dates (joined from the 18th birthday, made official after the 12-month probation:
//! [`adult_on`], [`earliest_official_on`]) and at most [`limits::MAX_POSITIONS`] positions
//! (docs/DOMAIN.md).

use chrono::NaiveDate;

use crate::limits::{self, Field};
use crate::{text, Gender, Member};

/// Age from which a citizen may join the Party (Điều lệ Đảng, art. 1: "từ mười tám tuổi trở lên").
pub const MIN_AGE_YEARS: u32 = 18;

/// Length of the probation period (Điều lệ Đảng, art. 5: "thời kỳ dự bị 12 tháng").
pub const PROBATION_MONTHS: u32 = 12;

/// The day a person born on `birth` is 18 years old ("đủ 18 tuổi"): the same day and month 18 years
/// later, the last day of February for someone born on 29/02 when that year has none. The birthday
/// itself counts: joining on it is allowed. `None` only past the end of the calendar.
pub fn adult_on(birth: NaiveDate) -> Option<NaiveDate> {
    birth.checked_add_months(chrono::Months::new(12 * MIN_AGE_YEARS))
}

/// The earliest day a member who joined on `joined` can be made official: after the full probation
/// period, the same day and month 12 months later (the last day of the month when it has no such
/// day). `None` only past the end of the calendar.
pub fn earliest_official_on(joined: NaiveDate) -> Option<NaiveDate> {
    joined.checked_add_months(chrono::Months::new(PROBATION_MONTHS))
}

/// Editable fields of a member.
#[derive(Debug, Clone, Default)]
pub struct MemberInput {
    pub full_name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub card_number: Option<String>,
    pub citizen_id: Option<String>,
    pub joined_on: Option<NaiveDate>,
    pub official_on: Option<NaiveDate>,
    pub phone: Option<String>,
    pub positions: Vec<PositionInput>,
}

impl MemberInput {
    /// Gives each position typed without dates (an import carries none) the dates of the stored position
    /// with the same title, so that re-importing a member does not erase the dates entered by hand.
    pub fn keep_position_dates(&mut self, stored: &[crate::Position]) {
        for p in self
            .positions
            .iter_mut()
            .filter(|p| p.from.is_none() && p.to.is_none())
        {
            if let Some(s) = stored
                .iter()
                .find(|s| text::normalize(&s.title) == text::normalize(&p.title))
            {
                p.from = s.from;
                p.to = s.to;
            }
        }
    }
}

/// One position as typed: a title, its duties and, when known, the days it was held from and to
/// (imports give no dates).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PositionInput {
    pub title: String,
    pub duties: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl PositionInput {
    /// A position without dates.
    pub fn new(title: impl Into<String>, duties: impl Into<String>) -> PositionInput {
        PositionInput {
            title: title.into(),
            duties: duties.into(),
            from: None,
            to: None,
        }
    }
}

/// Message when a position ends before (or on the day) it starts.
pub const POSITION_TO_BEFORE_FROM: &str = "Ngày thôi giữ chức vụ phải sau ngày bắt đầu";
/// Message when a position starts after today.
pub const POSITION_FROM_IN_FUTURE: &str = "Ngày bắt đầu giữ chức vụ không được sau ngày hôm nay";

impl MemberInput {
    /// The editable fields of a stored member (the starting point of a partial update).
    pub fn from_member(m: &Member) -> MemberInput {
        MemberInput {
            full_name: m.full_name.clone(),
            gender: m.gender,
            birth_date: m.birth_date,
            card_number: m.card_number.clone(),
            citizen_id: m.citizen_id.clone(),
            joined_on: m.joined_on,
            official_on: m.official_on,
            phone: m.phone.clone(),
            positions: m
                .positions
                .iter()
                .map(|p| PositionInput {
                    title: p.title.clone(),
                    duties: p.duties.clone(),
                    from: p.from,
                    to: p.to,
                })
                .collect(),
        }
    }
}

/// Checks a member's fields (lengths from [`crate::limits`]) and returns the cleaned input: the name
/// and positions NFC-normalised with single spaces, card number, citizen ID and phone in their
/// canonical form, empty optional texts as `None`, positions without a title dropped. Otherwise the
/// faults as (English form field, Vietnamese message), one message per kind of fault.
pub fn validate(
    input: &MemberInput,
    today: NaiveDate,
) -> Result<MemberInput, Vec<(&'static str, String)>> {
    let mut errors: Vec<(&'static str, String)> = Vec::new();
    let full_name = text::normalize(&input.full_name);
    if full_name.is_empty() {
        errors.push(("full_name", "Thiếu họ và tên".to_string()));
    } else if let Err(e) = limits::check(Field::PersonName, &full_name) {
        errors.push(("full_name", e.to_string()));
    } else if full_name.split(' ').count() < 2 {
        errors.push((
            "full_name",
            "Họ và tên phải có ít nhất hai từ: họ và tên".to_string(),
        ));
    }
    let clean = |s: &Option<String>| {
        s.as_ref()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let card_number = match clean(&input.card_number)
        .map(|c| crate::check_card_number(&c))
        .transpose()
    {
        Ok(v) => v,
        Err(e) => {
            errors.push(("card_number", e));
            None
        }
    };
    let citizen_id = match clean(&input.citizen_id)
        .map(|c| crate::normalize_citizen_id(&c))
        .transpose()
    {
        Ok(v) => v,
        Err(e) => {
            errors.push(("citizen_id", e));
            None
        }
    };
    if card_number.is_none()
        && citizen_id.is_none()
        && !errors
            .iter()
            .any(|(f, _)| *f == "card_number" || *f == "citizen_id")
    {
        errors.push((
            "card_number",
            "Cần số thẻ đảng viên hoặc số CCCD để nhận diện đảng viên".to_string(),
        ));
    }
    let phone = match clean(&input.phone)
        .map(|c| crate::normalize_phone(&c))
        .transpose()
    {
        Ok(v) => v,
        Err(e) => {
            errors.push(("phone", e));
            None
        }
    };
    errors.extend(crate::validate_member_dates(
        input.birth_date,
        input.joined_on,
        input.official_on,
        today,
    ));
    let positions: Vec<PositionInput> = input
        .positions
        .iter()
        .map(|p| PositionInput {
            title: text::normalize(&p.title),
            duties: text::normalize(&p.duties),
            ..p.clone()
        })
        .filter(|p| !p.title.is_empty())
        .collect();
    if positions.len() > limits::MAX_POSITIONS {
        errors.push((
            "positions",
            format!("Tối đa {} chức vụ cho một đảng viên", limits::MAX_POSITIONS),
        ));
    }
    for p in &positions {
        for (field, value) in [(Field::PositionTitle, &p.title), (Field::Duties, &p.duties)] {
            if let Err(e) = limits::check(field, value) {
                errors.push(("positions", e.to_string()));
            }
        }
        if p.from.is_some_and(|f| f > today) {
            errors.push(("positions", POSITION_FROM_IN_FUTURE.to_string()));
        }
        if let (Some(f), Some(t)) = (p.from, p.to) {
            if t <= f {
                errors.push(("positions", POSITION_TO_BEFORE_FROM.to_string()));
            }
        }
    }
    // One message per kind of fault, however many positions share it.
    let mut seen = std::collections::HashSet::new();
    errors.retain(|(f, m)| seen.insert((*f, m.clone())));
    if errors.is_empty() {
        Ok(MemberInput {
            full_name,
            card_number,
            citizen_id,
            phone,
            positions,
            ..input.clone()
        })
    } else {
        Err(errors)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
    }

    fn fields(r: Result<MemberInput, Vec<(&'static str, String)>>) -> Vec<(&'static str, String)> {
        r.expect_err("refused")
    }

    #[test]
    fn cleans_a_valid_member() {
        let input = MemberInput {
            full_name: "  Nguyễn   Văn An ".into(),
            card_number: Some(" 79012345 ".into()),
            citizen_id: Some("".into()),
            phone: Some("+84 912 345 678".into()),
            positions: vec![
                PositionInput::new("  Bí thư  chi bộ ", ""),
                PositionInput::new(" ", "bỏ"),
            ],
            ..Default::default()
        };
        let ok = validate(&input, today()).unwrap();
        assert_eq!(ok.full_name, "Nguyễn Văn An");
        assert_eq!(ok.citizen_id, None);
        assert_eq!(ok.phone.as_deref(), Some("0912345678"));
        assert_eq!(ok.positions, vec![PositionInput::new("Bí thư chi bộ", "")]);
        assert_eq!(ok.card_number.as_deref(), Some("79012345"));
    }

    #[test]
    fn refusals_keep_their_messages() {
        let e = fields(validate(&MemberInput::default(), today()));
        assert_eq!(
            e,
            vec![
                ("full_name", "Thiếu họ và tên".to_string()),
                (
                    "card_number",
                    "Cần số thẻ đảng viên hoặc số CCCD để nhận diện đảng viên".to_string()
                ),
            ]
        );
        let one_word = MemberInput {
            full_name: "An".into(),
            citizen_id: Some("083185001234".into()),
            ..Default::default()
        };
        assert_eq!(
            fields(validate(&one_word, today())),
            vec![(
                "full_name",
                "Họ và tên phải có ít nhất hai từ: họ và tên".to_string()
            )]
        );
        // A bad citizen ID is its own fault, not "needs a card or an ID".
        let bad_id = MemberInput {
            full_name: "Lê Lợi".into(),
            citizen_id: Some("12".into()),
            ..Default::default()
        };
        let e = fields(validate(&bad_id, today()));
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].0, "citizen_id");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// A valid member with these dates.
    fn dated(
        birth: Option<NaiveDate>,
        joined: Option<NaiveDate>,
        official: Option<NaiveDate>,
    ) -> MemberInput {
        MemberInput {
            full_name: "Lê Lợi".into(),
            citizen_id: Some("083185001234".into()),
            birth_date: birth,
            joined_on: joined,
            official_on: official,
            ..Default::default()
        }
    }

    #[test]
    fn official_within_probation_names_both_dates_and_the_earliest_day() {
        let e = fields(validate(
            &dated(
                Some(d(1990, 1, 1)),
                Some(d(2019, 6, 15)),
                Some(d(2020, 3, 1)),
            ),
            today(),
        ));
        assert_eq!(
            e,
            vec![(
                "official_on",
                "Ngày chính thức (01/03/2020) phải sau ngày vào Đảng (15/06/2019) ít nhất 12 tháng \
                 (thời kỳ dự bị): sớm nhất là 15/06/2020"
                    .to_string()
            )]
        );
        // The last day of the probation is still too early; the day 12 months on is accepted.
        let e = fields(validate(
            &dated(None, Some(d(2019, 6, 15)), Some(d(2020, 6, 14))),
            today(),
        ));
        assert!(e[0].1.ends_with("sớm nhất là 15/06/2020"), "{e:?}");
        assert!(validate(
            &dated(None, Some(d(2019, 6, 15)), Some(d(2020, 6, 15))),
            today()
        )
        .is_ok());
        // Joined on 29/02: 12 months later is the last day of February.
        assert_eq!(earliest_official_on(d(2020, 2, 29)), Some(d(2021, 2, 28)));
        assert!(validate(
            &dated(None, Some(d(2020, 2, 29)), Some(d(2021, 2, 28))),
            today()
        )
        .is_ok());
    }

    #[test]
    fn official_before_joining_and_without_joining_are_refused() {
        let e = fields(validate(
            &dated(None, Some(d(2012, 1, 1)), Some(d(2011, 1, 1))),
            today(),
        ));
        assert_eq!(
            e,
            vec![(
                "official_on",
                "Ngày chính thức (01/01/2011) không được trước ngày vào Đảng (01/01/2012)"
                    .to_string()
            )]
        );
        let e = fields(validate(&dated(None, None, Some(d(2011, 1, 1))), today()));
        assert_eq!(
            e,
            vec![(
                "official_on",
                "Có ngày chính thức (01/01/2011) nhưng thiếu ngày vào Đảng".to_string()
            )]
        );
        // Probationary members have no official date: nothing to check.
        assert!(validate(&dated(None, Some(d(2025, 12, 1)), None), today()).is_ok());
    }

    #[test]
    fn joining_is_allowed_from_the_eighteenth_birthday() {
        let birth = Some(d(1985, 3, 12));
        assert!(validate(&dated(birth, Some(d(2003, 3, 12)), None), today()).is_ok());
        let e = fields(validate(&dated(birth, Some(d(2003, 3, 11)), None), today()));
        assert_eq!(
            e,
            vec![(
                "joined_on",
                "Ngày vào Đảng (11/03/2003) phải từ ngày đủ 18 tuổi (12/03/2003) trở đi"
                    .to_string()
            )]
        );
        // Born on 29/02: 18 years old on 28/02 of a year without 29/02.
        assert_eq!(adult_on(d(2000, 2, 29)), Some(d(2018, 2, 28)));
        assert!(validate(
            &dated(Some(d(2000, 2, 29)), Some(d(2018, 2, 28)), None),
            today()
        )
        .is_ok());
        let e = fields(validate(
            &dated(Some(d(2000, 2, 29)), Some(d(2018, 2, 27)), None),
            today(),
        ));
        assert_eq!(e[0].0, "joined_on");
    }

    #[test]
    fn dates_at_the_end_of_the_calendar_do_not_panic() {
        let max = NaiveDate::MAX;
        assert_eq!(earliest_official_on(max), None);
        assert_eq!(adult_on(max), None);
        let e = fields(validate(&dated(Some(max), Some(max), Some(max)), today()));
        assert!(e.iter().all(|(_, m)| m.contains("tương lai")), "{e:?}");
    }

    #[test]
    fn withdrawn_is_a_status_of_its_own_that_ends_membership() {
        use crate::MemberStatus;
        let w = MemberStatus::Withdrawn;
        assert_eq!(w.as_str(), "withdrawn");
        assert_eq!(w.label(), "Xin ra khỏi Đảng");
        assert_eq!(MemberStatus::parse(" withdrawn "), Some(w));
        assert!(MemberStatus::ALL.contains(&w));
        assert!(!w.is_current());
        // Every status parses back from its name; labels are distinct; only active and exempt are current.
        for s in MemberStatus::ALL {
            assert_eq!(MemberStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                s.is_current(),
                matches!(s, MemberStatus::Active | MemberStatus::Exempt),
                "{s:?}"
            );
        }
        let labels: std::collections::HashSet<_> =
            MemberStatus::ALL.iter().map(|s| s.label()).collect();
        assert_eq!(labels.len(), MemberStatus::ALL.len());
    }

    #[test]
    fn position_dates_are_checked() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let with = |from, to| MemberInput {
            full_name: "Lê Lợi".into(),
            citizen_id: Some("083185001234".into()),
            positions: vec![PositionInput {
                from,
                to,
                ..PositionInput::new("Bí thư Chi bộ", "")
            }],
            ..Default::default()
        };
        // Held from 2020 to 2025: kept as typed.
        let ok = validate(&with(d(2020, 1, 15), d(2025, 6, 30)), today()).unwrap();
        assert_eq!(ok.positions[0].from, d(2020, 1, 15));
        assert_eq!(ok.positions[0].to, d(2025, 6, 30));
        // Only a start, or only an end: fine.
        assert!(validate(&with(d(2020, 1, 15), None), today()).is_ok());
        assert!(validate(&with(None, d(2025, 6, 30)), today()).is_ok());
        // Ending before, or on, the start day is refused.
        for to in [d(2019, 12, 31), d(2020, 1, 15)] {
            assert_eq!(
                fields(validate(&with(d(2020, 1, 15), to), today())),
                vec![("positions", POSITION_TO_BEFORE_FROM.to_string())]
            );
        }
        assert_eq!(
            POSITION_TO_BEFORE_FROM,
            "Ngày thôi giữ chức vụ phải sau ngày bắt đầu"
        );
        // Starting after today is refused; today itself is fine.
        assert_eq!(
            fields(validate(&with(today().succ_opt(), None), today())),
            vec![("positions", POSITION_FROM_IN_FUTURE.to_string())]
        );
        assert!(validate(&with(Some(today()), None), today()).is_ok());
    }

    #[test]
    fn dateless_positions_keep_the_stored_dates() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let stored = vec![crate::Position {
            from: d(2020, 1, 15),
            to: d(2025, 6, 30),
            ..crate::Position::new("Bí thư Chi bộ", "")
        }];
        let mut input = MemberInput {
            positions: vec![
                PositionInput::new("Bí thư  Chi bộ", ""),
                PositionInput::new("Chi ủy viên", ""),
                PositionInput {
                    from: d(2024, 1, 1),
                    ..PositionInput::new("Bí thư Chi bộ", "")
                },
            ],
            ..Default::default()
        };
        input.keep_position_dates(&stored);
        let dates: Vec<_> = input.positions.iter().map(|p| (p.from, p.to)).collect();
        assert_eq!(
            dates,
            vec![
                (d(2020, 1, 15), d(2025, 6, 30)),
                (None, None),
                (d(2024, 1, 1), None),
            ]
        );
    }

    #[test]
    fn positions_one_message_per_fault() {
        let long = "x".repeat(2000);
        let input = MemberInput {
            full_name: "Lê Lợi".into(),
            citizen_id: Some("083185001234".into()),
            positions: (0..=limits::MAX_POSITIONS)
                .map(|i| PositionInput::new(format!("Chức vụ {i} {long}"), ""))
                .collect(),
            ..Default::default()
        };
        let e = fields(validate(&input, today()));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e.iter().all(|(f, _)| *f == "positions"));
        assert_eq!(
            e[0].1,
            format!("Tối đa {} chức vụ cho một đảng viên", limits::MAX_POSITIONS)
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        /// Any day from 01/01/1900 to 31/12/2099.
        fn day() -> impl Strategy<Value = NaiveDate> {
            (0i64..73_048).prop_map(|n| d(1900, 1, 1) + chrono::Duration::days(n))
        }

        fn official_faults(input: &MemberInput, today: NaiveDate) -> Vec<String> {
            match validate(input, today) {
                Ok(_) => Vec::new(),
                Err(e) => e
                    .into_iter()
                    .filter(|(f, _)| *f == "official_on")
                    .map(|(_, m)| m)
                    .collect(),
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            /// The probation lasts 12 calendar months: 365 or 366 days, ending on the same day of the
            /// month (or the month's last day).
            #[test]
            fn probation_is_twelve_calendar_months(j in day()) {
                let e = earliest_official_on(j).unwrap();
                let days = (e - j).num_days();
                prop_assert!((365..=366).contains(&days), "{j} → {e}");
                prop_assert_eq!(chrono::Datelike::year(&e), chrono::Datelike::year(&j) + 1);
                prop_assert_eq!(chrono::Datelike::month(&e), chrono::Datelike::month(&j));
                prop_assert!(chrono::Datelike::day(&e) <= chrono::Datelike::day(&j));
            }

            /// An official date is accepted exactly when it is on or after the end of the probation
            /// (and not in the future); when refused, the message names both dates.
            #[test]
            fn official_accepted_iff_after_probation(j in day(), o in day(), t in day()) {
                let input = dated(None, Some(j), Some(o));
                let faults = official_faults(&input, t);
                let earliest = earliest_official_on(j).unwrap();
                let early = o < earliest;
                let future = o > t;
                prop_assert_eq!(faults.is_empty(), !early && !future, "{:?}", faults);
                if early {
                    let (of, jf) = (text::format_date(o), text::format_date(j));
                    prop_assert!(faults[0].contains(&of) && faults[0].contains(&jf), "{}", faults[0]);
                }
            }

            /// Joining is accepted exactly from the 18th birthday on, whatever the birth date.
            #[test]
            fn joining_accepted_iff_eighteen(b in day(), j in day()) {
                let t = d(2100, 1, 1);
                let adult = adult_on(b).unwrap();
                let refused = match validate(&dated(Some(b), Some(j), None), t) {
                    Ok(_) => false,
                    Err(e) => e.iter().any(|(f, _)| *f == "joined_on"),
                };
                prop_assert_eq!(refused, j < adult);
                let years = chrono::Datelike::year(&adult) - chrono::Datelike::year(&b);
                prop_assert_eq!(years, 18);
            }

            /// Any official date at least 12 months after joining is accepted.
            #[test]
            fn twelve_months_or_more_is_accepted(j in day(), extra in 0u32..600) {
                let o = j.checked_add_months(chrono::Months::new(PROBATION_MONTHS + extra)).unwrap();
                prop_assert!(official_faults(&dated(None, Some(j), Some(o)), d(2200, 1, 1)).is_empty());
            }
        }
    }
}
