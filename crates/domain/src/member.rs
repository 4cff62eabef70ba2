//! A party member's editable record and the rule every write of it follows (forms, the API, imports):
//! a full name of at least two words, a card number or a citizen ID to tell members apart, a valid
//! phone, consistent dates and at most [`limits::MAX_POSITIONS`] positions (docs/DOMAIN.md).

use chrono::NaiveDate;

use crate::limits::{self, Field};
use crate::{text, Gender, Member};

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
    /// (title, duties)
    pub positions: Vec<(String, String)>,
}

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
                .map(|p| (p.title.clone(), p.duties.clone()))
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
            "Họ và tên phải có ít nhất họ và tên".to_string(),
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
    let positions: Vec<(String, String)> = input
        .positions
        .iter()
        .map(|(t, d)| (text::normalize(t), text::normalize(d)))
        .filter(|(t, _)| !t.is_empty())
        .collect();
    if positions.len() > limits::MAX_POSITIONS {
        errors.push((
            "positions",
            format!("Tối đa {} chức vụ cho một đảng viên", limits::MAX_POSITIONS),
        ));
    }
    for (t, d) in &positions {
        for (field, value) in [(Field::PositionTitle, t), (Field::Duties, d)] {
            if let Err(e) = limits::check(field, value) {
                errors.push(("positions", e.to_string()));
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
                ("  Bí thư  chi bộ ".into(), "".into()),
                (" ".into(), "bỏ".into()),
            ],
            ..Default::default()
        };
        let ok = validate(&input, today()).unwrap();
        assert_eq!(ok.full_name, "Nguyễn Văn An");
        assert_eq!(ok.citizen_id, None);
        assert_eq!(ok.phone.as_deref(), Some("0912345678"));
        assert_eq!(
            ok.positions,
            vec![("Bí thư chi bộ".to_string(), String::new())]
        );
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
                "Họ và tên phải có ít nhất họ và tên".to_string()
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

    #[test]
    fn positions_one_message_per_fault() {
        let long = "x".repeat(2000);
        let input = MemberInput {
            full_name: "Lê Lợi".into(),
            citizen_id: Some("083185001234".into()),
            positions: (0..=limits::MAX_POSITIONS)
                .map(|i| (format!("Chức vụ {i} {long}"), String::new()))
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
}
