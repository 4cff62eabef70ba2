//! Party member import.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use domain::import::MemberRow;
use domain::limits::{self, Field};
use domain::{Gender, Member};

use crate::columns::{
    drive, MEMBER_COLUMNS, M_BIRTH, M_CARD, M_CITIZEN, M_GENDER, M_JOINED, M_NAME, M_OFFICIAL,
    M_PHONE, M_POSITIONS, M_SINCE, M_UNIT,
};
use crate::{sort_errors, OfficeError, Parsed, RowError};

fn col(spec: usize) -> &'static str {
    MEMBER_COLUMNS[spec].name
}

/// Years accepted in any date of an import (the Party was founded in 1930; nobody alive was born
/// before 1900). Also keeps date arithmetic far from chrono's limits.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Errors of the row being parsed.
struct RowErrors {
    line: usize,
    list: Vec<RowError>,
}

impl RowErrors {
    fn push(&mut self, spec: usize, message: String) {
        self.list.push(RowError::new(self.line, col(spec), message));
    }

    /// An optional date cell; the flag is false when the cell was not empty and not a date.
    fn date(&mut self, spec: usize, text: &str) -> (Option<NaiveDate>, bool) {
        match parse_date_cell(text) {
            Ok(d) => (d, true),
            Err(message) => {
                self.push(spec, message);
                (None, false)
            }
        }
    }
}

/// An optional dd/mm/yyyy (or d/m/yyyy, yyyy-mm-dd) cell. Err holds the Vietnamese message.
pub(crate) fn parse_date_cell(text: &str) -> Result<Option<NaiveDate>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    match domain::text::parse_date(text) {
        Some(d) if YEARS.contains(&d.year()) => Ok(Some(d)),
        Some(_) => Err(format!(
            "Ngày không hợp lệ: \"{text}\" (năm phải từ {} đến {})",
            YEARS.start(),
            YEARS.end()
        )),
        None => Err(format!(
            "Ngày không hợp lệ: \"{}\" (định dạng dd/mm/yyyy)",
            shown(text)
        )),
    }
}

/// Longest cell text repeated inside an error message.
pub(crate) const SHOWN_CHARS: usize = 40;

/// A cell's text as an error message repeats it: at most [`SHOWN_CHARS`] characters, then "…", so a
/// huge cell cannot make a huge error list.
pub(crate) fn shown(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Records `key` as seen on `line`; Err(first line) when it was seen before. One hash per call.
pub(crate) fn first_line(
    seen: &mut HashMap<String, usize>,
    key: &str,
    line: usize,
) -> Result<(), usize> {
    match seen.entry(key.to_owned()) {
        std::collections::hash_map::Entry::Occupied(o) => Err(*o.get()),
        std::collections::hash_map::Entry::Vacant(v) => {
            v.insert(line);
            Ok(())
        }
    }
}

/// Parses a member file (CSV or XLSX) and checks every row, collecting all errors. Whether unit codes
/// exist is checked by [`unknown_unit_errors`], which needs the database.
pub fn parse_members(
    filename: &str,
    bytes: &[u8],
    today: NaiveDate,
) -> Result<Parsed<MemberRow>, OfficeError> {
    let estimate = crate::read::row_estimate(bytes);
    let mut rows = Vec::with_capacity(estimate);
    let mut errors = Vec::new();
    let mut cards: HashMap<String, usize> = HashMap::with_capacity(estimate);
    let mut citizen_ids: HashMap<String, usize> = HashMap::with_capacity(estimate);
    let mut cap = domain::import::ErrorCap::default();
    let header_errors = drive(filename, bytes, &MEMBER_COLUMNS, |line, mut f| {
        let mut e = RowErrors {
            line,
            list: Vec::new(),
        };
        let unit_code = f.take(M_UNIT);
        let full_name = f.take(M_NAME);
        let birth_text = f.take(M_BIRTH);
        let gender_text = f.take(M_GENDER);
        let card = f.take(M_CARD);
        let citizen_text = f.take(M_CITIZEN);
        let joined_text = f.take(M_JOINED);
        let official_text = f.take(M_OFFICIAL);
        let positions_text = f.take(M_POSITIONS);
        let phone_text = f.take(M_PHONE);
        let since_text = f.take(M_SINCE);

        if unit_code.is_empty() {
            e.push(M_UNIT, "Thiếu mã đơn vị".to_string());
        } else if let Some(m) = limits::message(Field::UnitCode, &unit_code) {
            e.push(M_UNIT, m);
        }
        if full_name.is_empty() {
            e.push(M_NAME, "Thiếu họ và tên".to_string());
        } else if let Some(m) = limits::message(Field::PersonName, &full_name) {
            e.push(M_NAME, m);
        }
        let (birth_date, _) = e.date(M_BIRTH, &birth_text);
        let gender = if gender_text.is_empty() {
            None
        } else {
            let g = match gender_text.as_str() {
                "Nam" => Some(Gender::Male),
                "Nữ" => Some(Gender::Female),
                other => Gender::parse(other),
            };
            if g.is_none() {
                e.push(
                    M_GENDER,
                    format!(
                        "Giới tính không hợp lệ: \"{}\" (ghi Nam hoặc Nữ)",
                        shown(&gender_text)
                    ),
                );
            }
            g
        };
        if card.is_empty() && citizen_text.is_empty() {
            e.push(
                M_CARD,
                "Cần có số thẻ đảng viên hoặc số CCCD để nhận diện đảng viên".to_string(),
            );
        }
        if !card.is_empty() && card.chars().count() > SHOWN_CHARS {
            e.push(
                M_CARD,
                format!("Số thẻ đảng viên \"{}\" không hợp lệ", shown(&card)),
            );
        } else if !card.is_empty() {
            if let Err(other) = first_line(&mut cards, &card, line) {
                e.push(
                    M_CARD,
                    format!("Số thẻ đảng viên \"{card}\" trùng với dòng {other}"),
                );
            }
        }
        let citizen_id = if citizen_text.is_empty() {
            None
        } else {
            match domain::normalize_citizen_id(&citizen_text) {
                Ok(id) => {
                    if let Err(other) = first_line(&mut citizen_ids, &id, line) {
                        e.push(
                            M_CITIZEN,
                            format!("Số CCCD \"{id}\" trùng với dòng {other}"),
                        );
                    }
                    Some(id)
                }
                Err(message) => {
                    e.push(M_CITIZEN, message);
                    None
                }
            }
        };
        let (joined_on, joined_ok) = e.date(M_JOINED, &joined_text);
        let (official_on, _) = e.date(M_OFFICIAL, &official_text);
        let positions: Vec<String> = positions_text
            .split(';')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        if positions.len() > limits::MAX_POSITIONS {
            e.push(
                M_POSITIONS,
                format!("Tối đa {} chức vụ cho một đảng viên", limits::MAX_POSITIONS),
            );
        } else if let Some(m) = positions
            .iter()
            .find_map(|p| limits::message(Field::PositionTitle, p))
        {
            e.push(M_POSITIONS, m);
        }
        let phone = if phone_text.is_empty() {
            None
        } else {
            match domain::normalize_phone(&phone_text) {
                Ok(p) => Some(p),
                Err(message) => {
                    e.push(M_PHONE, message);
                    None
                }
            }
        };
        let (since, _) = e.date(M_SINCE, &since_text);

        // An unreadable joining date must not be reported again as "official date without joining
        // date": cross-check the official date only when the joining date was readable.
        let official_checked = if joined_ok { official_on } else { None };
        for (field, message) in
            domain::validate_member_dates(birth_date, joined_on, official_checked, today)
        {
            let spec = match field {
                "birth_date" => M_BIRTH,
                "joined_on" => M_JOINED,
                _ => M_OFFICIAL,
            };
            e.push(spec, message);
        }
        if let (Some(s), Some(j)) = (since, joined_on) {
            if s < j {
                e.push(
                    M_SINCE,
                    format!(
                        "Ngày bắt đầu sinh hoạt ở đơn vị ({}) không được trước ngày vào Đảng ({})",
                        domain::text::format_date(s),
                        domain::text::format_date(j)
                    ),
                );
            }
        }

        if e.list.is_empty() {
            rows.push(MemberRow {
                line,
                unit_code,
                full_name,
                birth_date,
                gender,
                card_number: (!card.is_empty()).then_some(card),
                citizen_id,
                joined_on,
                official_on,
                positions,
                phone,
                since,
            });
        } else {
            errors.append(&mut e.list);
            cap.trim(&mut errors);
        }
    })?;
    if !header_errors.is_empty() {
        return Ok(Parsed {
            rows: Vec::new(),
            errors: header_errors,
        });
    }
    sort_errors(&mut errors);
    cap.finish(&mut errors);
    Ok(Parsed { rows, errors })
}

/// Members as export rows (the import template's columns, so an export re-imports unchanged):
/// line numbers from 2, position titles only, no start date.
pub fn member_rows(members: &[Member]) -> Vec<MemberRow> {
    members
        .iter()
        .enumerate()
        .map(|(i, m)| MemberRow {
            line: i + 2,
            unit_code: m.unit_code.clone(),
            full_name: m.full_name.clone(),
            birth_date: m.birth_date,
            gender: m.gender,
            card_number: m.card_number.clone(),
            citizen_id: m.citizen_id.clone(),
            joined_on: m.joined_on,
            official_on: m.official_on,
            positions: m.positions.iter().map(|p| p.title.clone()).collect(),
            phone: m.phone.clone(),
            since: None,
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn phones() {
        assert_eq!(
            domain::normalize_phone("0912 345 678").unwrap(),
            "0912345678"
        );
        assert_eq!(
            domain::normalize_phone("+84 912.345.678").unwrap(),
            "0912345678"
        );
        assert_eq!(
            domain::normalize_phone("(+84) 912-345-678").unwrap(),
            "0912345678"
        );
        assert_eq!(
            domain::normalize_phone("0084912345678").unwrap(),
            "0912345678"
        );
        assert_eq!(
            domain::normalize_phone("02753822123").unwrap(),
            "02753822123"
        );
        assert!(domain::normalize_phone("912345678")
            .unwrap_err()
            .contains("số 0"));
        assert!(domain::normalize_phone("091234567").is_err());
        assert!(domain::normalize_phone("091234567890").is_err());
        assert!(domain::normalize_phone("+1 555 1234567").is_err());
        assert!(domain::normalize_phone("09123abc78").is_err());
        assert!(domain::normalize_phone("09+12345678").is_err());
    }

    #[test]
    fn citizen_ids() {
        assert_eq!(
            domain::normalize_citizen_id("083185001234").unwrap(),
            "083185001234"
        );
        assert_eq!(
            domain::normalize_citizen_id("083 185 001 234").unwrap(),
            "083185001234"
        );
        assert_eq!(
            domain::normalize_citizen_id("321456789").unwrap(),
            "321456789"
        );
        assert!(domain::normalize_citizen_id("83185001234")
            .unwrap_err()
            .contains("số 0"));
        assert!(domain::normalize_citizen_id("08318500123A").is_err());
        assert!(domain::normalize_citizen_id("0831850012345").is_err());
    }

    const HEADER: &str = "Mã đơn vị,Họ và tên,Ngày sinh,Giới tính,Số thẻ đảng viên,Số CCCD,Ngày vào Đảng,Ngày chính thức,Chức vụ,Điện thoại,Từ ngày";

    fn errors_of(rows: &[&str]) -> Vec<String> {
        let csv = format!("{HEADER}\n{}\n", rows.join("\n"));
        let today = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        parse_members("dang-vien.csv", csv.as_bytes(), today)
            .unwrap()
            .errors
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn probation_and_age_are_checked_by_row_and_column() {
        let errors = errors_of(&[
            // Made official 3½ months early.
            "P7-CB1,Nguyễn Văn An,12/03/1985,Nam,79012345,,15/06/2019,01/03/2020,,,",
            // Exactly 12 months: accepted.
            "P7-CB1,Trần Thị Bình,12/03/1985,Nữ,79012346,,15/06/2019,15/06/2020,,,",
            // Joined the day before turning 18.
            "P7-CB1,Lê Văn Cường,12/03/1985,Nam,79012347,,11/03/2003,,,,",
            // Joined on the 18th birthday: accepted.
            "P7-CB1,Phạm Thị Dung,12/03/1985,Nữ,79012348,,12/03/2003,,,,",
            // Official without a joining date.
            "P7-CB1,Võ Văn Em,12/03/1985,Nam,79012349,,,01/03/2020,,,",
        ]);
        assert_eq!(
            errors,
            [
                "dòng 2, cột \"Ngày chính thức\": Ngày chính thức (01/03/2020) phải sau ngày vào Đảng \
                 (15/06/2019) ít nhất 12 tháng (thời kỳ dự bị): sớm nhất là 15/06/2020",
                "dòng 4, cột \"Ngày vào Đảng\": Ngày vào Đảng (11/03/2003) phải từ ngày đủ 18 tuổi \
                 (12/03/2003) trở đi",
                "dòng 6, cột \"Ngày chính thức\": Có ngày chính thức (01/03/2020) nhưng thiếu ngày vào Đảng",
            ]
        );
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date_cell("3/2/2010").unwrap(),
            NaiveDate::from_ymd_opt(2010, 2, 3)
        );
        assert_eq!(parse_date_cell("").unwrap(), None);
        assert_eq!(
            parse_date_cell("31/02/2020").unwrap_err(),
            "Ngày không hợp lệ: \"31/02/2020\" (định dạng dd/mm/yyyy)"
        );
        assert!(parse_date_cell("01/01/1085").unwrap_err().contains("năm"));
    }
}
