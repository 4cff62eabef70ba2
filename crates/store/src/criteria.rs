//! Criteria sets (bộ tiêu chí), dated assessments of units against them, recognition decisions (công nhận
//! đạt chuẩn) and their withdrawal, and classifications of units (e.g. đô thị loại II); docs/DOMAIN.md §
//! Criteria sets and classifications. What the records mean on a day (each criterion's state, recognised or
//! not) is `domain::criteria`; this module keeps the records and answers for a unit or a subtree.
//!
//! This file holds the types, the sets, attaching a document to an assessment and what the others share;
//! assessments, status and rollup are in criteria_assess.rs, recognition decisions, their withdrawal and
//! classifications in criteria_decisions.rs.
//!
//! Scope: sets are read by every staff account; a set is defined by whoever `can_manage_criteria` over its
//! owner unit. A unit's assessments, status and recognitions are read by whoever reads the unit, written by
//! `can_assess_criteria` (assessments) and `can_recognise` (recognitions, classifications) over it. A unit
//! outside the caller's scope is `NotFound`. Writes are audited in the same transaction.

use std::collections::{HashMap, HashSet};

use crate::documents::{self, DocumentInfo};
use crate::meetings::UnitRef;
use crate::sql::{self, Sql};
use crate::{audit, check_length, get, ts, Actor, Criteria, FieldError, Result, StoreError};
use chrono::NaiveDate;
use domain::criteria::{code_order, valid_code, CriterionState};
use domain::limits::Field;
use domain::policy::Principal;
use domain::{text, Role, UnitType};
use serde::Serialize;

/// One criterion of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Criterion {
    pub code: String,
    pub title: String,
    pub group: String,
    /// How it is measured (cách đánh giá).
    pub measure: String,
    /// The target (chỉ tiêu).
    pub target: String,
}

/// Which units a set applies to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Every unit of this type.
    UnitType(UnitType),
    /// The units listed.
    Units(Vec<UnitRef>),
}

/// A criteria set with its criteria in display order.
#[derive(Debug, Clone, Serialize)]
pub struct CriteriaSet {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub version: String,
    pub description: String,
    pub owner: UnitRef,
    #[serde(skip)]
    pub owner_path: String,
    pub applies_to: AppliesTo,
    pub items: Vec<Criterion>,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// What a user supplies to create a set or replace it (same code).
#[derive(Debug, Clone, Default)]
pub struct CriteriaSetInput {
    pub code: String,
    pub title: String,
    pub version: String,
    pub description: String,
    /// The owner unit's code; empty: the caller's own unit.
    pub owner_code: String,
    /// A unit type identifier (`grassroots_committee`, …); empty when `unit_codes` is used.
    pub applies_type: String,
    pub unit_codes: Vec<String>,
    pub items: Vec<Criterion>,
}

/// One criterion named by an assessment.
#[derive(Debug, Clone)]
pub struct MarkInput {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// An assessment of a unit on a day; criteria not named keep their earlier state.
#[derive(Debug, Clone)]
pub struct AssessmentInput {
    pub set_code: String,
    pub unit_code: String,
    pub as_of: NaiveDate,
    pub note: String,
    pub items: Vec<MarkInput>,
}

/// A recorded mark.
#[derive(Debug, Clone, Serialize)]
pub struct Mark {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// A recorded assessment.
#[derive(Debug, Clone, Serialize)]
pub struct Assessment {
    pub id: i64,
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub note: String,
    /// The criteria it names, in the set's order.
    pub marks: Vec<Mark>,
    pub documents: Vec<DocumentInfo>,
    pub created_by: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// One criterion's state on a day.
#[derive(Debug, Clone, Serialize)]
pub struct ItemStatus {
    pub code: String,
    pub title: String,
    pub group: String,
    /// `None`: never assessed up to the day.
    pub state: Option<CriterionState>,
    /// The day of the assessment the state comes from.
    pub assessed_on: Option<NaiveDate>,
    pub evidence: String,
}

/// A recognition decision and its withdrawal.
#[derive(Debug, Clone, Serialize)]
pub struct RecognitionRecord {
    pub id: i64,
    pub set_code: String,
    pub unit: UnitRef,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdrawal_number: String,
    pub withdrawal_reason: String,
    pub created_by: String,
    pub created_at: String,
}

/// A unit against a set on a day.
#[derive(Debug, Clone, Serialize)]
pub struct CriteriaStatus {
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub met: i64,
    pub partly: i64,
    pub not_met: i64,
    pub unassessed: i64,
    pub total: i64,
    pub recognised: bool,
    /// The recognition in force on the day.
    pub decision: Option<RecognitionRecord>,
    pub items: Vec<ItemStatus>,
}

/// One unit of a rollup.
#[derive(Debug, Clone, Serialize)]
pub struct RollupLine {
    pub unit: UnitRef,
    pub met: i64,
    pub total: i64,
    pub recognised: bool,
    pub recognised_on: Option<NaiveDate>,
}

/// A set over the units of a subtree it applies to (open on the day), on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Rollup {
    pub set_code: String,
    pub unit: UnitRef,
    pub as_of: NaiveDate,
    pub units: i64,
    pub recognised: i64,
    pub all_met: i64,
    /// One line per unit, in tree order.
    pub lines: Vec<RollupLine>,
}

/// What a user supplies to record a recognition decision.
#[derive(Debug, Clone, Default)]
pub struct RecognitionInput {
    pub set_code: String,
    pub unit_code: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub issued_by: String,
}

/// What a user supplies to withdraw one.
#[derive(Debug, Clone, Default)]
pub struct WithdrawalInput {
    pub decision_number: String,
    pub withdrawn_on: Option<NaiveDate>,
    pub reason: String,
}

/// A classification of a unit (e.g. "Đô thị loại II") decided from a day.
#[derive(Debug, Clone, Serialize)]
pub struct Classification {
    pub id: i64,
    pub unit: UnitRef,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: String,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
}

/// What a user supplies to record one.
#[derive(Debug, Clone, Default)]
pub struct ClassificationInput {
    pub unit_code: String,
    pub title: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub issued_by: String,
    pub note: String,
}

impl Criteria<'_> {
    /// Every set, by code.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.sets"))]
    pub async fn sets(self, p: &Principal) -> Result<Vec<CriteriaSet>> {
        staff_only(p)?;
        self.load_sets(None, None).await
    }

    /// One set by code.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.set"))]
    pub async fn set(self, p: &Principal, code: &str) -> Result<CriteriaSet> {
        staff_only(p)?;
        self.set_by_code(code).await?.ok_or(StoreError::NotFound)
    }

    /// Creates a set, or replaces the one with the same code (title, version, scope, criteria); a criterion
    /// that assessments name cannot be removed (422 naming it). Returns the set and whether it was new.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.save_set")
    )]
    pub async fn save_set(
        self,
        p: &Principal,
        actor: &Actor,
        input: &CriteriaSetInput,
    ) -> Result<(CriteriaSet, bool)> {
        staff_only(p)?;
        let code = input.code.trim().to_string();
        let existing = self.set_by_code(&code).await?;
        if let Some(e) = &existing {
            if !p.can_manage_criteria(&e.owner_path) {
                return Err(StoreError::Forbidden);
            }
        }
        // No owner named: a replaced set keeps its owner, a new one belongs to the caller's unit.
        let owner_code = input.owner_code.trim();
        let owner = match (owner_code.is_empty(), &existing) {
            (true, Some(e)) => self.db.units().unit_unscoped(e.owner.id).await?,
            (true, None) => self.db.units().unit_unscoped(p.unit_id).await?,
            (false, _) => self.db.units().unit_by_code_unscoped(owner_code).await?,
        };
        let owner = match owner {
            Some(u) if p.can_read_unit(&u.path) => u,
            Some(_) => return Err(StoreError::NotFound),
            None => {
                return Err(invalid(
                    "owner_code",
                    format!("Không có đơn vị mã \"{owner_code}\""),
                ))
            }
        };
        if !p.can_manage_criteria(&owner.path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if code.is_empty() {
            errors.push(FieldError::new("code", "Phải nhập mã bộ tiêu chí"));
        } else if !valid_code(&code) {
            errors.push(FieldError::new(
                "code",
                "Mã bộ tiêu chí chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)",
            ));
        }
        let title = text::normalize(&input.title);
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập tên bộ tiêu chí"));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        let version = text::normalize(&input.version);
        check_length(&mut errors, "version", Field::DocumentNumber, &version);
        let description = text::normalize_multiline(&input.description);
        check_length(&mut errors, "description", Field::Description, &description);

        let applies_type = input.applies_type.trim();
        let mut listed: Vec<domain::Unit> = Vec::new();
        let unit_type = if !applies_type.is_empty() {
            if !input.unit_codes.is_empty() {
                errors.push(FieldError::new(
                    "applies_to",
                    "Chỉ chọn một cách áp dụng: theo loại đơn vị hoặc theo danh sách đơn vị",
                ));
            }
            match UnitType::parse(applies_type) {
                Some(t) => Some(t),
                None => {
                    errors.push(FieldError::new(
                        "applies_to.unit_type",
                        format!("Loại đơn vị \"{applies_type}\" không hợp lệ"),
                    ));
                    None
                }
            }
        } else {
            if input.unit_codes.is_empty() {
                errors.push(FieldError::new(
                    "applies_to",
                    "Phải chọn loại đơn vị hoặc danh sách đơn vị áp dụng bộ tiêu chí",
                ));
            }
            for (i, c) in input.unit_codes.iter().enumerate() {
                let c = c.trim();
                match self.db.units().unit_by_code_unscoped(c).await? {
                    Some(u) if p.can_read_unit(&u.path) => {
                        if !listed.iter().any(|l| l.id == u.id) {
                            listed.push(u);
                        }
                    }
                    _ => errors.push(FieldError::new(
                        &format!("applies_to.unit_codes[{i}]"),
                        format!("Không có đơn vị mã \"{c}\""),
                    )),
                }
            }
            None
        };

        let mut items: Vec<Criterion> = Vec::with_capacity(input.items.len());
        if input.items.is_empty() {
            errors.push(FieldError::new(
                "items",
                "Bộ tiêu chí phải có ít nhất một tiêu chí",
            ));
        }
        let mut seen: HashSet<String> = HashSet::new();
        for (i, it) in input.items.iter().enumerate() {
            let c = text::normalize(&it.code);
            if !valid_code(&c) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!(
                        "Mã tiêu chí \"{c}\" không hợp lệ: chỉ gồm chữ, số và các dấu '.', '-', '_' (tối đa 20 ký tự)"
                    ),
                ));
            } else if !seen.insert(c.clone()) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Mã tiêu chí \"{c}\" bị trùng"),
                ));
            }
            let t = text::normalize(&it.title);
            if t.is_empty() {
                errors.push(FieldError::new(
                    &format!("items[{i}].title"),
                    format!("Phải nhập tên tiêu chí {c}"),
                ));
            }
            check_length(&mut errors, &format!("items[{i}].title"), Field::Title, &t);
            let g = text::normalize(&it.group);
            check_length(&mut errors, &format!("items[{i}].group"), Field::Title, &g);
            let m = text::normalize_multiline(&it.measure);
            check_length(
                &mut errors,
                &format!("items[{i}].measure"),
                Field::Description,
                &m,
            );
            let tg = text::normalize_multiline(&it.target);
            check_length(
                &mut errors,
                &format!("items[{i}].target"),
                Field::ItemTarget,
                &tg,
            );
            items.push(Criterion {
                code: c,
                title: t,
                group: g,
                measure: m,
                target: tg,
            });
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }

        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let set_id = match &existing {
            Some(e) => {
                let named = sqlx::query(
                    "SELECT DISTINCT m.item_code AS code FROM criteria_marks m \
                     JOIN criteria_assessments a ON a.id = m.assessment_id WHERE a.set_id = $1",
                )
                .bind(e.id)
                .fetch_all(&mut *w.tx)
                .await?;
                let mut removed: Vec<String> = Vec::new();
                for r in &named {
                    let c: String = get(r, "code")?;
                    if !seen.contains(&c) && e.items.iter().any(|i| i.code == c) {
                        removed.push(c);
                    }
                }
                if !removed.is_empty() {
                    removed.sort_by(|a, b| code_order(a, b));
                    return Err(invalid(
                        "items",
                        format!(
                            "Không thể bỏ tiêu chí {} vì đã có đánh giá theo tiêu chí này",
                            removed.join(", ")
                        ),
                    ));
                }
                sqlx::query(
                    "UPDATE criteria_sets SET title = $1, version = $2, description = $3, owner_id = $4, \
                     owner_path = $5, applies_type = $6, updated_by = $7, updated_at = $8 WHERE id = $9",
                )
                .bind(title.clone())
                .bind(version.clone())
                .bind(description.clone())
                .bind(owner.id)
                .bind(owner.path.clone())
                .bind(unit_type.map(|t| t.as_str().to_string()))
                .bind(actor.username.clone())
                .bind(now.clone())
                .bind(e.id)
                .execute(&mut *w.tx)
                .await?;
                sqlx::query("DELETE FROM criteria_items WHERE set_id = $1")
                    .bind(e.id)
                    .execute(&mut *w.tx)
                    .await?;
                sqlx::query("DELETE FROM criteria_set_units WHERE set_id = $1")
                    .bind(e.id)
                    .execute(&mut *w.tx)
                    .await?;
                e.id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO criteria_sets (code, title, version, description, owner_id, owner_path, \
                     applies_type, created_by, created_at, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $9) RETURNING id",
                )
                .bind(code.clone())
                .bind(title.clone())
                .bind(version.clone())
                .bind(description.clone())
                .bind(owner.id)
                .bind(owner.path.clone())
                .bind(unit_type.map(|t| t.as_str().to_string()))
                .bind(actor.username.clone())
                .bind(now.clone())
                .fetch_one(&mut *w.tx)
                .await?;
                get(&row, "id")?
            }
        };
        for (n, chunk) in items.chunks(40).enumerate() {
            let mut q = Sql::new(
                "INSERT INTO criteria_items (set_id, code, title, group_name, measure, target, position) VALUES ",
            );
            for (k, it) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(", ");
                }
                q.push("(")
                    .lit(set_id)
                    .push(", ")
                    .text(it.code.clone())
                    .push(", ");
                q.text(it.title.clone())
                    .push(", ")
                    .text(it.group.clone())
                    .push(", ");
                q.text(it.measure.clone())
                    .push(", ")
                    .text(it.target.clone())
                    .push(", ");
                q.lit((n * 40 + k) as i64).push(")");
            }
            q.query().execute(&mut *w.tx).await?;
        }
        for u in &listed {
            sqlx::query("INSERT INTO criteria_set_units (set_id, unit_id) VALUES ($1, $2)")
                .bind(set_id)
                .bind(u.id)
                .execute(&mut *w.tx)
                .await?;
        }
        let after = serde_json::json!({
            "code": code,
            "title": title,
            "version": version,
            "owner": owner.code,
            "applies_type": unit_type.map(|t| t.as_str()),
            "unit_codes": listed.iter().map(|u| u.code.clone()).collect::<Vec<_>>(),
            "items": items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
        });
        let before = existing.as_ref().map(|e| {
            serde_json::json!({
                "code": e.code,
                "title": e.title,
                "version": e.version,
                "owner": e.owner.code,
                "items": e.items.iter().map(|i| i.code.clone()).collect::<Vec<_>>(),
            })
        });
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if existing.is_some() {
                    "update"
                } else {
                    "create"
                },
                "criteria_set",
                set_id,
            )
            .label(&title)
            .unit(&owner.path)
            .before(before.as_ref())
            .after(&after),
        )
        .await?;
        w.commit().await?;
        let saved = self.set_by_code(&code).await?.ok_or(StoreError::NotFound)?;
        Ok((saved, existing.is_none()))
    }

    /// The sets that apply to a unit (by its type or by name).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.sets_for_unit")
    )]
    pub async fn sets_for_unit(self, p: &Principal, unit_id: i64) -> Result<Vec<CriteriaSet>> {
        staff_only(p)?;
        let unit = self.db.units().unit(p, unit_id).await?;
        self.load_sets(None, Some(&unit)).await
    }

    /// Attaches a document (evidence) to an assessment.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.add_document")
    )]
    pub async fn add_document(
        self,
        p: &Principal,
        actor: &Actor,
        assessment_id: i64,
        filename: &str,
        content: &[u8],
    ) -> Result<DocumentInfo> {
        let row = sqlx::query(
            "SELECT a.unit_path, s.code AS set_code, u.name AS unit_name, a.as_of \
             FROM criteria_assessments a JOIN criteria_sets s ON s.id = a.set_id \
             JOIN units u ON u.id = a.unit_id WHERE a.id = $1",
        )
        .bind(assessment_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let path: String = get(&row, "unit_path")?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_assess_criteria(&path) {
            return Err(StoreError::Forbidden);
        }
        let set_code: String = get(&row, "set_code")?;
        let unit_name: String = get(&row, "unit_name")?;
        let as_of = sql::date(get(&row, "as_of")?)?;
        let label = format!("{set_code} – {unit_name} ({})", text::format_date(as_of));
        documents::attach(
            self.db,
            actor,
            documents::Record {
                owner: documents::ASSESSMENT,
                id: assessment_id,
                entity: "criteria_assessment",
                label: &label,
                unit_path: &path,
            },
            filename,
            content,
        )
        .await
    }
}

// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------

fn staff_only(p: &Principal) -> Result<()> {
    if p.role == Role::Member {
        Err(StoreError::Forbidden)
    } else {
        Ok(())
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

pub(super) fn unit_ref(u: &domain::Unit) -> UnitRef {
    UnitRef {
        id: u.id,
        code: u.code.clone(),
        name: u.name.clone(),
    }
}

pub(super) fn applies(set: &CriteriaSet, unit: &domain::Unit) -> bool {
    match &set.applies_to {
        AppliesTo::UnitType(t) => *t == unit.unit_type,
        AppliesTo::Units(list) => list.iter().any(|u| u.id == unit.id),
    }
}

pub(super) fn not_applying(set: &CriteriaSet, unit: &domain::Unit) -> FieldError {
    FieldError::new(
        "unit_code",
        format!("Bộ tiêu chí {} không áp dụng cho {}", set.code, unit.name),
    )
}

#[derive(sqlx::FromRow)]
struct SetRow {
    id: i64,
    code: String,
    title: String,
    version: String,
    description: String,
    owner_id: i64,
    owner_code: String,
    owner_name: String,
    owner_path: String,
    applies_type: Option<String>,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

impl Criteria<'_> {
    /// Sets by code (one when `code` is given; those applying to `unit` when given), with their criteria
    /// and listed units: three queries.
    async fn load_sets(
        self,
        code: Option<&str>,
        unit: Option<&domain::Unit>,
    ) -> Result<Vec<CriteriaSet>> {
        let mut q = Sql::new(
            "SELECT s.id, s.code, s.title, s.version, s.description, s.owner_id, o.code AS owner_code, \
             o.name AS owner_name, s.owner_path, s.applies_type, s.created_by, s.created_at, s.updated_by, \
             s.updated_at FROM criteria_sets s JOIN units o ON o.id = s.owner_id WHERE 1 = 1",
        );
        if let Some(c) = code {
            q.push(" AND s.code = ").text(c.trim());
        }
        if let Some(u) = unit {
            q.push(" AND (s.applies_type = ")
                .safe(u.unit_type.as_str())
                .push(" OR s.id IN (SELECT set_id FROM criteria_set_units WHERE unit_id = ")
                .lit(u.id)
                .push("))");
        }
        q.push(" ORDER BY s.code");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let heads = rows
            .iter()
            .map(sql::from_row::<SetRow>)
            .collect::<Result<Vec<_>>>()?;
        if heads.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = heads.iter().map(|h| h.id.to_string()).collect();
        let id_list = ids.join(", ");
        let mut items: HashMap<i64, Vec<Criterion>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT set_id, code, title, group_name, measure, target FROM criteria_items \
             WHERE set_id IN ({id_list}) ORDER BY set_id, position, id"
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            items
                .entry(get(&r, "set_id")?)
                .or_default()
                .push(Criterion {
                    code: get(&r, "code")?,
                    title: get(&r, "title")?,
                    group: get(&r, "group_name")?,
                    measure: get(&r, "measure")?,
                    target: get(&r, "target")?,
                });
        }
        let mut listed: HashMap<i64, Vec<UnitRef>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT su.set_id, u.id, u.code, u.name FROM criteria_set_units su JOIN units u ON u.id = su.unit_id \
             WHERE su.set_id IN ({id_list}) ORDER BY su.set_id, u.path, u.sort_order, u.id"
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            listed.entry(get(&r, "set_id")?).or_default().push(UnitRef {
                id: get(&r, "id")?,
                code: get(&r, "code")?,
                name: get(&r, "name")?,
            });
        }
        heads
            .into_iter()
            .map(|h| {
                let applies_to = match &h.applies_type {
                    Some(t) => AppliesTo::UnitType(
                        UnitType::parse(t)
                            .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {t}")))?,
                    ),
                    None => AppliesTo::Units(listed.remove(&h.id).unwrap_or_default()),
                };
                Ok(CriteriaSet {
                    id: h.id,
                    items: items.remove(&h.id).unwrap_or_default(),
                    code: h.code,
                    title: h.title,
                    version: h.version,
                    description: h.description,
                    owner: UnitRef {
                        id: h.owner_id,
                        code: h.owner_code,
                        name: h.owner_name,
                    },
                    owner_path: h.owner_path,
                    applies_to,
                    created_by: h.created_by,
                    created_at: h.created_at,
                    updated_by: h.updated_by,
                    updated_at: h.updated_at,
                })
            })
            .collect()
    }

    pub(super) async fn set_by_code(self, code: &str) -> Result<Option<CriteriaSet>> {
        Ok(self.load_sets(Some(code), None).await?.pop())
    }

    /// The set a write names: a 422 on "set" when there is none.
    pub(super) async fn set_for_write(self, code: &str) -> Result<CriteriaSet> {
        self.set_by_code(code).await?.ok_or_else(|| {
            invalid(
                "set",
                format!("Không có bộ tiêu chí mã \"{}\"", code.trim()),
            )
        })
    }

    /// A unit by code for a write: 422 on `field` when no unit has the code, NotFound outside the scope.
    pub(super) async fn readable_unit(
        self,
        p: &Principal,
        code: &str,
        field: &str,
    ) -> Result<domain::Unit> {
        match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.can_read_unit(&u.path) => Ok(u),
            Some(_) => Err(StoreError::NotFound),
            None => Err(invalid(
                field,
                format!("Không có đơn vị mã \"{}\"", code.trim()),
            )),
        }
    }
}

/// Keeps the stored paths in step when the subtree at `old` moves to `new` (same transaction as the move).
pub(crate) async fn move_paths(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    old: &str,
    new: &str,
) -> Result<()> {
    crate::sql::move_paths_in(
        tx,
        &[
            ("criteria_sets", "owner_path"),
            ("criteria_assessments", "unit_path"),
            ("criteria_recognitions", "unit_path"),
            ("unit_classifications", "unit_path"),
        ],
        old,
        new,
    )
    .await
}
