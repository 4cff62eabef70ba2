//! Unit (organisation tree) import.

use std::collections::{HashMap, HashSet};

use domain::import::UnitRow;
use domain::UnitType;

use crate::columns::{drive, UNIT_COLUMNS, U_CODE, U_FROM, U_NAME, U_ORDER, U_PARENT, U_TYPE};
use crate::{sort_errors, OfficeError, Parsed, RowError};

fn col(spec: usize) -> &'static str {
    UNIT_COLUMNS[spec].name
}

pub(crate) fn accepted_types() -> String {
    UnitType::ALL
        .iter()
        .map(|t| t.label())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses a unit file (CSV or XLSX). Checks: code and name present, type known, no code twice in the
/// file, no unit its own parent, no parent cycle inside the file, valid order and date. Whether a
/// parent exists is checked by [`unknown_parent_errors`], which needs the database.
pub fn parse_units(filename: &str, bytes: &[u8]) -> Result<Parsed<UnitRow>, OfficeError> {
    let estimate = crate::read::row_estimate(bytes);
    let mut rows = Vec::with_capacity(estimate);
    let mut errors = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::with_capacity(estimate);
    let mut types: HashMap<String, Option<UnitType>> = HashMap::new();
    let mut cap = domain::import::ErrorCap::default();
    let header_errors = drive(filename, bytes, &UNIT_COLUMNS, |line, mut f| {
        let before = errors.len();
        let mut err = |spec: usize, message: String| {
            errors.push(RowError::new(line, col(spec), message));
        };
        let code = f.take(U_CODE);
        let name = f.take(U_NAME);
        let type_text = f.take(U_TYPE);
        let parent = f.take(U_PARENT);
        let order_text = f.take(U_ORDER);
        let from_text = f.take(U_FROM);

        if code.is_empty() {
            err(U_CODE, "Thiếu mã đơn vị".to_string());
        } else if let Some(m) = domain::limits::message(domain::limits::Field::UnitCode, &code) {
            err(U_CODE, m);
        } else if let Err(first) = crate::members::first_line(&mut seen, &code, line) {
            err(
                U_CODE,
                format!("Mã đơn vị \"{code}\" trùng với dòng {first}"),
            );
        }
        if name.is_empty() {
            err(U_NAME, "Thiếu tên đơn vị".to_string());
        } else if let Some(m) = domain::limits::message(domain::limits::Field::UnitName, &name) {
            err(U_NAME, m);
        }
        let unit_type = if type_text.is_empty() {
            err(
                U_TYPE,
                format!("Thiếu loại đơn vị (các loại hợp lệ: {})", accepted_types()),
            );
            None
        } else {
            let t = *types
                .entry(type_text.clone())
                .or_insert_with(|| UnitType::parse(&type_text));
            if t.is_none() {
                err(
                    U_TYPE,
                    format!(
                        "Loại đơn vị không hợp lệ: \"{}\" (các loại hợp lệ: {})",
                        crate::members::shown(&type_text),
                        accepted_types()
                    ),
                );
            }
            t
        };
        if !parent.is_empty() && parent == code {
            err(
                U_PARENT,
                format!(
                    "Đơn vị \"{}\" không thể là cấp trên của chính nó",
                    crate::members::shown(&code)
                ),
            );
        }
        let sort_order = if order_text.is_empty() {
            None
        } else {
            match order_text.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    err(
                        U_ORDER,
                        format!(
                            "Thứ tự phải là số nguyên: \"{}\"",
                            crate::members::shown(&order_text)
                        ),
                    );
                    None
                }
            }
        };
        let valid_from = match crate::members::parse_date_cell(&from_text) {
            Ok(d) => d,
            Err(message) => {
                err(U_FROM, message);
                None
            }
        };
        if errors.len() == before {
            if let Some(unit_type) = unit_type {
                rows.push(UnitRow {
                    line,
                    code,
                    name,
                    unit_type,
                    parent_code: (!parent.is_empty()).then_some(parent),
                    sort_order,
                    valid_from,
                });
            }
        }
        cap.trim(&mut errors);
    })?;
    if !header_errors.is_empty() {
        return Ok(Parsed {
            rows: Vec::new(),
            errors: header_errors,
        });
    }
    let cyclic = cycle_errors(&rows);
    if !cyclic.is_empty() {
        let bad: HashSet<usize> = cyclic.iter().map(|e| e.line).collect();
        rows.retain(|r| !bad.contains(&r.line));
        errors.extend(cyclic);
    }
    sort_errors(&mut errors);
    cap.finish(&mut errors);
    Ok(Parsed { rows, errors })
}

/// Units whose parent chain inside the file comes back to themselves (A → B → A).
fn cycle_errors(rows: &[UnitRow]) -> Vec<RowError> {
    let by_code: HashMap<&str, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.as_str(), i))
        .collect();
    // 0 = not visited, 1 = on the current path, 2 = done.
    let mut state = vec![0u8; rows.len()];
    let mut in_cycle = vec![false; rows.len()];
    for start in 0..rows.len() {
        let mut path: Vec<usize> = Vec::new();
        let mut cur = Some(start);
        while let Some(i) = cur {
            match state[i] {
                0 => {
                    state[i] = 1;
                    path.push(i);
                    cur = rows[i]
                        .parent_code
                        .as_deref()
                        .and_then(|p| by_code.get(p).copied());
                }
                1 => {
                    if let Some(pos) = path.iter().position(|&p| p == i) {
                        for &p in &path[pos..] {
                            in_cycle[p] = true;
                        }
                    }
                    break;
                }
                _ => break,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
    rows.iter()
        .zip(in_cycle)
        .filter(|(_, c)| *c)
        .map(|(r, _)| {
            RowError::new(
                r.line,
                col(U_PARENT),
                format!(
                    "Vòng lặp cấp trên: đơn vị \"{}\" thành cấp dưới của chính nó (qua \"{}\")",
                    r.code,
                    r.parent_code.as_deref().unwrap_or_default()
                ),
            )
        })
        .collect()
}
