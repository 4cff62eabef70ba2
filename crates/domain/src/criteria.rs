//! Criteria sets (bộ tiêu chí) a unit must meet, their assessments over time and the recognition decision
//! that a unit reached the standard (docs/DOMAIN.md § Criteria sets and classifications). Pure: the store
//! keeps the records, this module says what they mean on a given day.
//!
//! An assessment (đánh giá) is dated; it names some criteria of the set, each met, partly met or not met.
//! The state of a criterion on a day is the one of the latest assessment on or before that day that names
//! it; a criterion never assessed counts as not met. A unit is recognised (được công nhận đạt chuẩn) on a
//! day when a recognition decision dated on or before that day is not withdrawn by then; a decision is only
//! recorded when every criterion is met on its day.

use chrono::NaiveDate;
use serde::Serialize;
use std::collections::HashMap;

/// The state of one criterion in an assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionState {
    /// Đạt.
    Met,
    /// Đạt một phần.
    Partly,
    /// Chưa đạt.
    NotMet,
}

impl CriterionState {
    pub const ALL: [CriterionState; 3] = [
        CriterionState::Met,
        CriterionState::Partly,
        CriterionState::NotMet,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CriterionState::Met => "met",
            CriterionState::Partly => "partly",
            CriterionState::NotMet => "not_met",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CriterionState::Met => "Đạt",
            CriterionState::Partly => "Đạt một phần",
            CriterionState::NotMet => "Chưa đạt",
        }
    }

    /// Accepts the identifier or the Vietnamese label (case and diacritics ignored); "x", "1" and "có" read
    /// as met, "0" and "không" as not met (how spreadsheets mark them).
    pub fn parse(s: &str) -> Option<CriterionState> {
        let folded = crate::text::fold(s);
        match folded.as_str() {
            "x" | "1" | "co" | "dat" => return Some(CriterionState::Met),
            "0" | "khong" | "chua dat" => return Some(CriterionState::NotMet),
            "mot phan" | "dat 1 phan" => return Some(CriterionState::Partly),
            _ => {}
        }
        CriterionState::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim() || crate::text::fold(k.label()) == folded)
    }
}

/// One dated mark of one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark<'a> {
    pub code: &'a str,
    pub as_of: NaiveDate,
    pub state: CriterionState,
}

/// The state of a unit against a set on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Status {
    pub met: i64,
    pub partly: i64,
    pub not_met: i64,
    /// Criteria no assessment up to the day names (counted in `not_met` too).
    pub unassessed: i64,
    pub total: i64,
}

impl Status {
    pub fn all_met(&self) -> bool {
        self.total > 0 && self.met == self.total
    }
}

/// Each criterion's state on `as_of`: the latest mark on or before it (None: never assessed). `codes` are
/// the set's criteria; marks of codes not in the set (removed criteria) are ignored.
pub fn states_on<'a>(
    codes: &[&'a str],
    marks: &[Mark<'_>],
    as_of: NaiveDate,
) -> Vec<(&'a str, Option<CriterionState>)> {
    let mut latest: HashMap<&str, (NaiveDate, CriterionState)> = HashMap::new();
    for m in marks.iter().filter(|m| m.as_of <= as_of) {
        let e = latest.entry(m.code).or_insert((m.as_of, m.state));
        if m.as_of >= e.0 {
            *e = (m.as_of, m.state);
        }
    }
    codes
        .iter()
        .map(|c| (*c, latest.get(c).map(|(_, s)| *s)))
        .collect()
}

/// The counts of [`states_on`].
pub fn status_on(codes: &[&str], marks: &[Mark<'_>], as_of: NaiveDate) -> Status {
    let mut s = Status {
        total: codes.len() as i64,
        ..Status::default()
    };
    for (_, state) in states_on(codes, marks, as_of) {
        match state {
            Some(CriterionState::Met) => s.met += 1,
            Some(CriterionState::Partly) => s.partly += 1,
            Some(CriterionState::NotMet) => s.not_met += 1,
            None => {
                s.not_met += 1;
                s.unassessed += 1;
            }
        }
    }
    s
}

/// A recognition decision as the rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recognition {
    pub decided_on: NaiveDate,
    pub withdrawn_on: Option<NaiveDate>,
}

impl Recognition {
    /// In force on `day`: decided on or before it and not withdrawn by then.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.decided_on <= day && self.withdrawn_on.is_none_or(|w| day < w)
    }
}

/// Why a recognition may not be recorded: the criteria not met on the decision's day (codes, in the set's
/// order). Empty when every criterion is met.
pub fn unmet_for_recognition<'a>(
    codes: &[&'a str],
    marks: &[Mark<'_>],
    decided_on: NaiveDate,
) -> Vec<&'a str> {
    states_on(codes, marks, decided_on)
        .into_iter()
        .filter(|(_, s)| *s != Some(CriterionState::Met))
        .map(|(c, _)| c)
        .collect()
}

/// The Vietnamese refusal for [`unmet_for_recognition`].
pub fn unmet_message(unmet: &[&str], decided_on: NaiveDate) -> String {
    let shown: Vec<&str> = unmet.iter().take(10).copied().collect();
    let more = if unmet.len() > shown.len() {
        format!(" và {} tiêu chí khác", unmet.len() - shown.len())
    } else {
        String::new()
    };
    format!(
        "Chưa thể công nhận đạt chuẩn: đến ngày {} còn {} tiêu chí chưa đạt ({}{more})",
        crate::text::format_date(decided_on),
        unmet.len(),
        shown.join(", ")
    )
}

/// A criterion's code: letters, digits, '.', '-', '_' (e.g. "1", "2.1", "VMĐT-07"), at most 20 characters.
pub fn valid_code(code: &str) -> bool {
    let c = code.trim();
    !c.is_empty()
        && c.chars().count() <= 20
        && c.chars()
            .all(|ch| ch.is_alphanumeric() || matches!(ch, '.' | '-' | '_'))
}

/// Orders criterion codes as people number them: "2" before "10", "2.1" before "2.10".
pub fn code_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn parts(s: &str) -> Vec<(u64, String)> {
        s.split(['.', '-', '_'])
            .map(|p| {
                let digits: String = p.chars().take_while(|c| c.is_ascii_digit()).collect();
                let n = digits.parse::<u64>().unwrap_or(u64::MAX);
                (n, p.to_string())
            })
            .collect()
    }
    parts(a).cmp(&parts(b))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_latest_mark_on_or_before_the_day_counts() {
        let codes = ["1", "2", "3"];
        let marks = [
            Mark {
                code: "1",
                as_of: d(2017, 6, 30),
                state: CriterionState::NotMet,
            },
            Mark {
                code: "1",
                as_of: d(2018, 6, 30),
                state: CriterionState::Met,
            },
            Mark {
                code: "2",
                as_of: d(2017, 6, 30),
                state: CriterionState::Partly,
            },
            Mark {
                code: "9",
                as_of: d(2017, 6, 30),
                state: CriterionState::Met,
            },
        ];
        let s = status_on(&codes, &marks, d(2018, 1, 1));
        assert_eq!(
            (s.met, s.partly, s.not_met, s.unassessed, s.total),
            (0, 1, 2, 1, 3)
        );
        let s = status_on(&codes, &marks, d(2018, 6, 30));
        assert_eq!((s.met, s.partly, s.not_met), (1, 1, 1));
        assert!(!s.all_met());
        assert_eq!(
            unmet_for_recognition(&codes, &marks, d(2019, 1, 1)),
            ["2", "3"]
        );
    }

    #[test]
    fn a_withdrawn_recognition_ends_on_its_withdrawal() {
        let r = Recognition {
            decided_on: d(2019, 12, 20),
            withdrawn_on: Some(d(2020, 3, 1)),
        };
        assert!(!r.in_force_on(d(2019, 12, 19)));
        assert!(r.in_force_on(d(2019, 12, 20)));
        assert!(r.in_force_on(d(2020, 2, 29)));
        assert!(!r.in_force_on(d(2020, 3, 1)));
    }

    #[test]
    fn states_and_codes_read_as_written() {
        assert_eq!(CriterionState::parse("Đạt"), Some(CriterionState::Met));
        assert_eq!(
            CriterionState::parse("chưa đạt"),
            Some(CriterionState::NotMet)
        );
        assert_eq!(
            CriterionState::parse("partly"),
            Some(CriterionState::Partly)
        );
        assert_eq!(CriterionState::parse("x"), Some(CriterionState::Met));
        assert!(
            valid_code("VMĐT-07") && valid_code("2.1") && !valid_code("a b") && !valid_code("")
        );
        let mut v = vec!["10", "2", "2.10", "2.1", "1"];
        v.sort_by(|a, b| code_order(a, b));
        assert_eq!(v, ["1", "2", "2.1", "2.10", "10"]);
    }

    proptest! {
        /// Counting is a partition, and a later "all met" assessment makes every earlier state irrelevant.
        #[test]
        fn counts_partition_the_set(states in proptest::collection::vec(0u8..4, 1..30), later in any::<bool>()) {
            let codes: Vec<String> = (1..=states.len()).map(|i| i.to_string()).collect();
            let refs: Vec<&str> = codes.iter().map(String::as_str).collect();
            let mut marks = Vec::new();
            for (c, s) in refs.iter().zip(&states) {
                let state = match s { 0 => Some(CriterionState::Met), 1 => Some(CriterionState::Partly), 2 => Some(CriterionState::NotMet), _ => None };
                if let Some(state) = state {
                    marks.push(Mark { code: c, as_of: d(2017, 1, 1), state });
                }
            }
            let s = status_on(&refs, &marks, d(2018, 1, 1));
            prop_assert_eq!(s.met + s.partly + s.not_met, s.total);
            prop_assert!(s.unassessed <= s.not_met);
            if later {
                for c in &refs {
                    marks.push(Mark { code: c, as_of: d(2017, 6, 1), state: CriterionState::Met });
                }
                prop_assert!(status_on(&refs, &marks, d(2018, 1, 1)).all_met());
                prop_assert!(unmet_for_recognition(&refs, &marks, d(2017, 6, 1)).is_empty());
                prop_assert_eq!(unmet_for_recognition(&refs, &marks, d(2017, 5, 31)).len() as i64, s.total - s.met);
            }
        }
    }
}
