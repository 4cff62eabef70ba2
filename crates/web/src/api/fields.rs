//! Shared pieces of API handlers that check many fields at once: the field faults of one request (answered
//! together as 422), a unit named by code in the caller's scope, a year in a sane range, and the capability
//! gate that answers 403 before anything is looked up.

use super::parse_date_field;
use crate::error::ApiError;
use crate::AppState;
use chrono::NaiveDate;
use domain::policy::{Capability, Principal};
use store::{FieldError, StoreError};

/// Field errors of one request, answered together as 422.
#[derive(Default)]
pub(crate) struct Faults(pub Vec<FieldError>);

impl Faults {
    pub fn push(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError::new(field, message));
    }
    /// A required text field (trimmed); "" and a fault when missing.
    pub fn text(&mut self, field: &str, v: Option<String>) -> String {
        let v = v.unwrap_or_default().trim().to_string();
        if v.is_empty() {
            self.push(field, format!("Trường \"{field}\" không được để trống"));
        }
        v
    }
    /// An optional date `YYYY-MM-DD` (empty = none).
    pub fn opt_date(&mut self, field: &str, v: Option<&str>) -> Option<NaiveDate> {
        match v.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => match parse_date_field(field, s) {
                Ok(d) => Some(d),
                Err(_) => {
                    self.push(field, date_message(field));
                    None
                }
            },
        }
    }
    /// A required date `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str, v: Option<&str>) -> Option<NaiveDate> {
        if v.map(str::trim).unwrap_or_default().is_empty() {
            self.push(field, date_message(field));
            return None;
        }
        self.opt_date(field, v)
    }
    /// A value read with `parse` (an identifier or its Vietnamese name); `names` lists the identifiers.
    pub fn parsed<T>(
        &mut self,
        field: &str,
        v: Option<&str>,
        parse: impl Fn(&str) -> Option<T>,
        names: &str,
    ) -> Option<T> {
        let s = v.map(str::trim).unwrap_or_default();
        let got = if s.is_empty() { None } else { parse(s) };
        if got.is_none() {
            self.push(
                field,
                format!("Trường \"{field}\" phải là một trong: {names}"),
            );
        }
        got
    }
    /// Ok when nothing was refused, else the 422 answer.
    pub fn done(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Store(StoreError::Invalid(self.0)))
        }
    }
}

pub(crate) fn date_message(field: &str) -> String {
    format!("Trường \"{field}\" phải là ngày dạng YYYY-MM-DD")
}

/// The unit with `code` in the caller's scope (`p`), or anywhere (`None`: for bodies of routes naming a
/// case, whose own check must come first so that a hidden case answers 404 whatever the body); an unknown
/// code (or one outside the scope) is a 422 naming the field.
pub(crate) async fn unit_field(
    st: &AppState,
    p: Option<&Principal>,
    field: &str,
    code: &str,
) -> Result<domain::Unit, FieldError> {
    let code = code.trim();
    let found = match p {
        Some(p) => st.db.units().unit_by_code(p, code).await.ok(),
        None => st
            .db
            .units()
            .unit_by_code_unscoped(code)
            .await
            .ok()
            .flatten(),
    };
    found.ok_or_else(|| {
        FieldError::new(
            field,
            format!("Trường \"{field}\": không có đơn vị mã \"{code}\" trong phạm vi quản lý"),
        )
    })
}

/// The unit of an optional `unit` query parameter (none or empty: `None`); unknown is a 422 naming it.
pub(crate) async fn unit_param(
    st: &AppState,
    p: &Principal,
    code: Option<&str>,
) -> Result<Option<domain::Unit>, ApiError> {
    match code.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(code) => unit_field(st, Some(p), "unit", code)
            .await
            .map(Some)
            .map_err(|e| ApiError::Store(StoreError::Invalid(vec![e]))),
    }
}

/// Roles without `cap` are refused (403) before anything is looked up.
pub(crate) fn require(p: &Principal, cap: Capability) -> Result<(), ApiError> {
    if p.has(cap) {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// A year parameter in a sane range.
pub(crate) fn year_param(year: Option<i32>) -> Result<Option<i32>, ApiError> {
    match year {
        Some(y) if !(1930..=2100).contains(&y) => {
            Err(ApiError::Store(StoreError::Invalid(vec![FieldError::new(
                "year",
                "Năm phải từ 1930 đến 2100",
            )])))
        }
        y => Ok(y),
    }
}
