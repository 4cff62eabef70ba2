//! Column definitions, header mapping and the row-by-row driver shared by units and members.

use crate::read::{with_rows, TableRow};
use crate::{OfficeError, RowError};
use domain::import::header as h;

/// A column the importer knows.
pub(crate) struct ColumnSpec {
    /// Vietnamese header, used in templates, exports and error messages.
    pub name: &'static str,
    /// Accepted headers, already in [`header_key`] form (folded, '_' as ' ').
    pub aliases: &'static [&'static str],
    pub required: bool,
}

const fn col(name: &'static str, aliases: &'static [&'static str], required: bool) -> ColumnSpec {
    ColumnSpec {
        name,
        aliases,
        required,
    }
}

pub(crate) const U_CODE: usize = 0;
pub(crate) const U_NAME: usize = 1;
pub(crate) const U_TYPE: usize = 2;
pub(crate) const U_PARENT: usize = 3;
pub(crate) const U_ORDER: usize = 4;
pub(crate) const U_FROM: usize = 5;

pub(crate) const UNIT_COLUMNS: [ColumnSpec; 6] = [
    col(
        h::UNIT_CODE,
        &["ma don vi", "code", "unit code", "ma"],
        true,
    ),
    col(
        h::UNIT_NAME,
        &["ten don vi", "name", "unit name", "ten"],
        true,
    ),
    col(
        h::UNIT_TYPE,
        &["loai", "type", "loai don vi", "unit type"],
        true,
    ),
    col(
        h::PARENT_CODE,
        &[
            "ma don vi cap tren",
            "parent code",
            "parent",
            "ma cap tren",
            "cap tren",
        ],
        true,
    ),
    col(h::SORT_ORDER, &["thu tu", "order", "sort order"], false),
    col(h::FROM, &["tu ngay", "valid from"], false),
];

pub(crate) const M_UNIT: usize = 0;
pub(crate) const M_NAME: usize = 1;
pub(crate) const M_BIRTH: usize = 2;
pub(crate) const M_GENDER: usize = 3;
pub(crate) const M_CARD: usize = 4;
pub(crate) const M_CITIZEN: usize = 5;
pub(crate) const M_JOINED: usize = 6;
pub(crate) const M_OFFICIAL: usize = 7;
pub(crate) const M_POSITIONS: usize = 8;
pub(crate) const M_PHONE: usize = 9;
pub(crate) const M_SINCE: usize = 10;

pub(crate) const MEMBER_COLUMNS: [ColumnSpec; 11] = [
    col(h::UNIT_CODE, &["ma don vi", "unit code"], true),
    col(
        h::FULL_NAME,
        &["ho va ten", "full name", "ho ten", "name"],
        true,
    ),
    col(
        h::BIRTH_DATE,
        &["ngay sinh", "birth date", "date of birth"],
        true,
    ),
    col(h::GENDER, &["gioi tinh", "gender", "sex"], true),
    col(
        h::CARD_NUMBER,
        &["so the dang vien", "card number", "so the"],
        true,
    ),
    col(
        h::CITIZEN_ID,
        &[
            "so cccd",
            "citizen id",
            "cccd",
            "so cmnd/cccd",
            "so cccd/cmnd",
            "cmnd/cccd",
            "cccd/cmnd",
        ],
        true,
    ),
    col(h::JOINED_ON, &["ngay vao dang", "joined on"], true),
    col(h::OFFICIAL_ON, &["ngay chinh thuc", "official on"], true),
    col(h::POSITIONS, &["chuc vu", "positions", "position"], true),
    col(h::PHONE, &["dien thoai", "phone", "so dien thoai"], true),
    col(h::FROM, &["tu ngay", "since"], false),
];

pub(crate) const I_KIND: usize = 0;
pub(crate) const I_NUMBER: usize = 1;
pub(crate) const I_DECIDED: usize = 2;
pub(crate) const I_CONDUCTING: usize = 3;
pub(crate) const I_BODY: usize = 4;
pub(crate) const I_TITLE: usize = 5;
pub(crate) const I_SUBJECT_UNIT: usize = 6;
pub(crate) const I_SUBJECT_CARD: usize = 7;
pub(crate) const I_RESULT: usize = 8;
pub(crate) const I_FROM: usize = 9;
pub(crate) const I_TO: usize = 10;
pub(crate) const I_DIRECTIVE: usize = 11;
pub(crate) const I_CONCLUDED: usize = 12;
pub(crate) const I_NOTE: usize = 13;

pub(crate) const INSPECTION_COLUMNS: [ColumnSpec; 14] = [
    col(
        h::CASE_KIND,
        &["loai", "kind", "loai cuoc", "hinh thuc"],
        true,
    ),
    col(
        h::DECISION_NUMBER,
        &["so quyet dinh", "decision number", "so qd"],
        true,
    ),
    col(
        h::DECIDED_ON,
        &["ngay quyet dinh", "decided on", "decision date", "ngay qd"],
        true,
    ),
    col(
        h::CONDUCTING_CODE,
        &[
            "ma don vi tien hanh",
            "conducted by",
            "conducting unit",
            "conducting code",
        ],
        true,
    ),
    col(h::BODY, &["co quan tien hanh", "body"], false),
    col(
        h::CASE_TITLE,
        &["ten cuoc kiem tra, giam sat", "title", "ten cuoc"],
        false,
    ),
    col(
        h::SUBJECT_UNIT_CODE,
        &[
            "ma to chuc dang duoc kiem tra",
            "subject unit",
            "subject unit code",
        ],
        false,
    ),
    col(
        h::SUBJECT_CARD,
        &["so the dang vien", "card number", "subject card", "so the"],
        false,
    ),
    col(h::RESULT, &["ket qua", "result"], false),
    col(h::PERIOD_FROM, &["tu ngay", "from"], false),
    col(h::PERIOD_TO, &["den ngay", "to"], false),
    col(h::DIRECTIVE_05, &["chi thi 05", "directive 05"], false),
    col(h::CONCLUDED_ON, &["ngay ket luan", "concluded on"], false),
    col(h::NOTE, &["ghi chu", "note"], false),
];

/// Vietnamese headers of an inspection file, in template order.
pub const INSPECTION_HEADERS: [&str; 14] = [
    INSPECTION_COLUMNS[0].name,
    INSPECTION_COLUMNS[1].name,
    INSPECTION_COLUMNS[2].name,
    INSPECTION_COLUMNS[3].name,
    INSPECTION_COLUMNS[4].name,
    INSPECTION_COLUMNS[5].name,
    INSPECTION_COLUMNS[6].name,
    INSPECTION_COLUMNS[7].name,
    INSPECTION_COLUMNS[8].name,
    INSPECTION_COLUMNS[9].name,
    INSPECTION_COLUMNS[10].name,
    INSPECTION_COLUMNS[11].name,
    INSPECTION_COLUMNS[12].name,
    INSPECTION_COLUMNS[13].name,
];

/// Vietnamese headers of a unit file, in template/export order.
pub const UNIT_HEADERS: [&str; 6] = [
    UNIT_COLUMNS[0].name,
    UNIT_COLUMNS[1].name,
    UNIT_COLUMNS[2].name,
    UNIT_COLUMNS[3].name,
    UNIT_COLUMNS[4].name,
    UNIT_COLUMNS[5].name,
];

/// Vietnamese headers of a member file, in template/export order.
pub const MEMBER_HEADERS: [&str; 11] = [
    MEMBER_COLUMNS[0].name,
    MEMBER_COLUMNS[1].name,
    MEMBER_COLUMNS[2].name,
    MEMBER_COLUMNS[3].name,
    MEMBER_COLUMNS[4].name,
    MEMBER_COLUMNS[5].name,
    MEMBER_COLUMNS[6].name,
    MEMBER_COLUMNS[7].name,
    MEMBER_COLUMNS[8].name,
    MEMBER_COLUMNS[9].name,
    MEMBER_COLUMNS[10].name,
];

/// Header in comparable form: folded (no case, no diacritics, đ→d), '_' read as a space, a trailing
/// "*" (required mark) and a trailing "(…)" note dropped. "Ngày sinh (dd/mm/yyyy) *" → "ngay sinh".
pub(crate) fn header_key(header: &str) -> String {
    let mut key = domain::text::fold(&header.replace('_', " "));
    loop {
        let trimmed = key.trim_end();
        if let Some(rest) = trimmed.strip_suffix('*') {
            key = rest.to_string();
        } else if trimmed.ends_with(')') {
            match trimmed.rfind('(') {
                Some(open) if open > 0 => key = trimmed[..open].to_string(),
                _ => break,
            }
        } else {
            key = trimmed.to_string();
            break;
        }
    }
    key.trim().to_string()
}

/// Spreadsheet column letters: 0 → "A", 26 → "AA".
pub(crate) fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

/// Result of matching a header row against the specs.
struct Mapping {
    /// Cell index of each spec's column.
    index: Vec<Option<usize>>,
    /// Errors (at the header line): required columns missing, a column given twice.
    errors: Vec<RowError>,
}

fn map_headers(header: &TableRow, specs: &[ColumnSpec]) -> Mapping {
    let mut index: Vec<Option<usize>> = vec![None; specs.len()];
    let mut errors = Vec::new();
    for (i, cell) in header.cells.iter().enumerate() {
        if cell.is_empty() {
            continue;
        }
        let key = header_key(cell);
        let Some(k) = specs.iter().position(|s| s.aliases.contains(&key.as_str())) else {
            continue;
        };
        match index[k] {
            None => index[k] = Some(i),
            Some(first) => errors.push(RowError::new(
                header.line,
                specs[k].name,
                format!(
                    "Cột bị lặp lại (cột {} và cột {})",
                    column_letter(first),
                    column_letter(i)
                ),
            )),
        }
    }
    for (k, spec) in specs.iter().enumerate() {
        if spec.required && index[k].is_none() {
            errors.push(RowError::new(
                header.line,
                spec.name,
                format!("Thiếu cột \"{}\"", spec.name),
            ));
        }
    }
    Mapping { index, errors }
}

/// How many rows after the first non-empty row may be title rows ("DANH SÁCH ĐẢNG VIÊN …") before the
/// real header.
const HEADER_SEARCH_ROWS: usize = 10;

/// Cells of one data row, taken by spec index.
pub(crate) struct Fields<'a> {
    cells: &'a mut [String],
    index: &'a [Option<usize>],
}

impl Fields<'_> {
    /// The (already clean) text of a column; empty when the column or the cell is absent.
    pub fn take(&mut self, spec: usize) -> String {
        self.index
            .get(spec)
            .copied()
            .flatten()
            .and_then(|i| self.cells.get_mut(i))
            .map(std::mem::take)
            .unwrap_or_default()
    }
}

/// Finds the header row (the first non-empty row, or failing that one of the next few rows that has
/// every required column, so that title rows above the table are tolerated), then calls `on_row` for
/// every data row. Returns the header errors; when there are any, no row is processed.
pub(crate) fn drive(
    filename: &str,
    bytes: &[u8],
    specs: &[ColumnSpec],
    mut on_row: impl FnMut(usize, Fields<'_>),
) -> Result<Vec<RowError>, OfficeError> {
    with_rows(filename, bytes, |rows| {
        let first = rows.next().ok_or(OfficeError::Empty)?;
        let mut mapping = map_headers(&first, specs);
        let mut pending: Vec<TableRow> = Vec::new();
        if !mapping.errors.is_empty() {
            // Look for the real header a little further down.
            for row in (&mut *rows).take(HEADER_SEARCH_ROWS) {
                let m = map_headers(&row, specs);
                pending.push(row);
                if m.errors.is_empty() {
                    mapping = m;
                    break;
                }
            }
            if !mapping.errors.is_empty() {
                return Ok(mapping.errors);
            }
            // Rows before the header (titles) and the header itself are not data.
            pending.clear();
        }
        for mut row in pending.into_iter().chain(rows) {
            on_row(
                row.line,
                Fields {
                    cells: &mut row.cells,
                    index: &mapping.index,
                },
            );
        }
        Ok(Vec::new())
    })?
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn header_keys() {
        assert_eq!(header_key("Ngày sinh (dd/mm/yyyy) *"), "ngay sinh");
        assert_eq!(header_key("SỐ CCCD"), "so cccd");
        assert_eq!(header_key("parent_code"), "parent code");
        assert_eq!(header_key("Mã đơn vị*"), "ma don vi");
        assert_eq!(header_key("(x)"), "(x)");
    }

    #[test]
    fn every_alias_is_a_header_key() {
        for spec in UNIT_COLUMNS
            .iter()
            .chain(MEMBER_COLUMNS.iter())
            .chain(INSPECTION_COLUMNS.iter())
        {
            assert_eq!(header_key(spec.name), spec.aliases[0], "{}", spec.name);
            for a in spec.aliases {
                assert_eq!(&header_key(a), a);
            }
        }
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
