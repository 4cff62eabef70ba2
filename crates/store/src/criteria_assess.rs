//! Assessments of units against criteria sets (docs/DOMAIN.md § Criteria sets and classifications): recording
//! a dated assessment, a unit's assessments, an assessment's documents (reading one; attaching one is
//! `add_document` in criteria.rs), a unit's status against a set on a day and the rollup over a subtree.
//! Scope and audit as described in criteria.rs.

use std::collections::{HashMap, HashSet};

use crate::criteria::{
    applies, not_applying, unit_ref, AppliesTo, Assessment, AssessmentInput, CriteriaSet,
    CriteriaStatus, ItemStatus, Mark, Rollup, RollupLine,
};
use crate::criteria_decisions::recognition;
use crate::documents::{self, DocumentInfo};
use crate::sql::{self, read, RowInto, Sql};
use crate::units::{unit_from_row, UNIT_COLS};
use crate::{
    audit, check_length, date_str, get, parse_opt_date, ts, Actor, Criteria, FieldError, Result,
    StoreError,
};
use chrono::NaiveDate;
use domain::criteria::{code_order, status_on, CriterionState, Mark as DMark, Recognition};
use domain::limits::Field;
use domain::policy::Principal;
use domain::text;

impl Criteria<'_> {
    /// Records an assessment (one per set, unit and day: a second one on the same day updates the criteria
    /// it names). The unit must be one the set applies to.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.assess"))]
    pub async fn assess(
        self,
        p: &Principal,
        actor: &Actor,
        input: &AssessmentInput,
    ) -> Result<Assessment> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_assess_criteria(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let set = self.set_for_write(&input.set_code).await?;
        let mut errors = Vec::new();
        if !applies(&set, &unit) {
            errors.push(not_applying(&set, &unit));
        }
        if input.as_of > self.db.today() {
            errors.push(FieldError::new(
                "as_of",
                "Ngày đánh giá không được sau ngày hôm nay",
            ));
        }
        let note = text::normalize_multiline(&input.note);
        check_length(&mut errors, "note", Field::Description, &note);
        if input.items.is_empty() {
            errors.push(FieldError::new(
                "items",
                "Phải đánh giá ít nhất một tiêu chí",
            ));
        }
        let mut marks: Vec<Mark> = Vec::with_capacity(input.items.len());
        let mut seen: HashSet<String> = HashSet::new();
        for (i, m) in input.items.iter().enumerate() {
            let c = m.code.trim().to_string();
            if !set.items.iter().any(|it| it.code == c) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Bộ tiêu chí {} không có tiêu chí mã \"{c}\"", set.code),
                ));
            } else if !seen.insert(c.clone()) {
                errors.push(FieldError::new(
                    &format!("items[{i}].code"),
                    format!("Tiêu chí {c} được đánh giá hai lần"),
                ));
            }
            let evidence = text::normalize_multiline(&m.evidence);
            check_length(
                &mut errors,
                &format!("items[{i}].evidence"),
                Field::ItemEvidence,
                &evidence,
            );
            marks.push(Mark {
                code: c,
                state: m.state,
                evidence,
            });
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let day = date_str(input.as_of);
        let mut w = self.db.write().await?;
        let found = sqlx::query(
            "SELECT id FROM criteria_assessments WHERE set_id = $1 AND unit_id = $2 AND as_of = $3",
        )
        .bind(set.id)
        .bind(unit.id)
        .bind(day.clone())
        .fetch_optional(&mut *w.tx)
        .await?;
        let (id, created) = match found {
            Some(r) => {
                let id: i64 = get(&r, "id")?;
                let mut q = Sql::new("UPDATE criteria_assessments SET updated_by = ");
                q.text(actor.username.clone())
                    .push(", updated_at = ")
                    .text(now.clone());
                if !note.is_empty() {
                    q.push(", note = ").text(note.clone());
                }
                q.push(" WHERE id = ").lit(id);
                q.query().execute(&mut *w.tx).await?;
                (id, false)
            }
            None => {
                let r = sqlx::query(
                    "INSERT INTO criteria_assessments (set_id, unit_id, unit_path, as_of, note, created_by, \
                     created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $6, $7) RETURNING id",
                )
                .bind(set.id)
                .bind(unit.id)
                .bind(unit.path.clone())
                .bind(day.clone())
                .bind(note.clone())
                .bind(actor.username.clone())
                .bind(now.clone())
                .fetch_one(&mut *w.tx)
                .await?;
                (get(&r, "id")?, true)
            }
        };
        for m in &marks {
            sqlx::query("DELETE FROM criteria_marks WHERE assessment_id = $1 AND item_code = $2")
                .bind(id)
                .bind(m.code.clone())
                .execute(&mut *w.tx)
                .await?;
            sqlx::query(
                "INSERT INTO criteria_marks (assessment_id, item_code, state, evidence) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(m.code.clone())
            .bind(m.state.as_str())
            .bind(m.evidence.clone())
            .execute(&mut *w.tx)
            .await?;
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if created { "create" } else { "update" },
                "criteria_assessment",
                id,
            )
            .label(format!(
                "{} – {} ({})",
                set.code,
                unit.name,
                text::format_date(input.as_of)
            ))
            .unit(&unit.path)
            .after(&serde_json::json!({
                "set": set.code,
                "unit": unit.code,
                "as_of": day,
                "items": marks.iter().map(|m| serde_json::json!({"code": m.code, "state": m.state.as_str()})).collect::<Vec<_>>(),
            })),
        )
        .await?;
        w.commit().await?;
        let mut list = self.assessments_of(&set, &unit, Some(id)).await?;
        list.pop().ok_or(StoreError::NotFound)
    }

    /// A unit's assessments against a set, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.assessments")
    )]
    pub async fn assessments(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
    ) -> Result<Vec<Assessment>> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        self.assessments_of(&set, &unit, None).await
    }

    /// A document's bytes with its info and the path of the assessed unit (for the caller's audit row).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.document")
    )]
    pub async fn document(self, p: &Principal, id: i64) -> Result<(DocumentInfo, Vec<u8>, String)> {
        let row = sqlx::query(
            "SELECT d.assessment_id, a.unit_path FROM criteria_documents d \
             JOIN criteria_assessments a ON a.id = d.assessment_id WHERE d.id = $1",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let path: String = get(&row, "unit_path")?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        let assessment_id: i64 = get(&row, "assessment_id")?;
        let (info, bytes) =
            documents::fetch(&self.db.pool, documents::ASSESSMENT, assessment_id, id).await?;
        Ok((info, bytes, path))
    }

    /// A unit against a set on a day.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.status"))]
    pub async fn status(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
        as_of: NaiveDate,
    ) -> Result<CriteriaStatus> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        let marks = self.marks_of(set.id, unit.id, as_of).await?;
        let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
        let dmarks: Vec<DMark<'_>> = marks.iter().map(MarkAt::as_domain).collect();
        let counts = status_on(&codes, &dmarks, as_of);
        let mut latest: HashMap<&str, &MarkAt> = HashMap::new();
        for m in &marks {
            let e = latest.entry(m.code.as_str()).or_insert(m);
            if m.as_of >= e.as_of {
                *e = m;
            }
        }
        let items = set
            .items
            .iter()
            .map(|it| {
                let m = latest.get(it.code.as_str());
                ItemStatus {
                    code: it.code.clone(),
                    title: it.title.clone(),
                    group: it.group.clone(),
                    state: m.map(|m| m.state),
                    assessed_on: m.map(|m| m.as_of),
                    evidence: m.map(|m| m.evidence.clone()).unwrap_or_default(),
                }
            })
            .collect();
        let decision = self
            .recognitions_of(Some(set.id), &unit)
            .await?
            .into_iter()
            .find(|r| recognition(r).in_force_on(as_of));
        Ok(CriteriaStatus {
            set_code: set.code.clone(),
            unit: unit_ref(&unit),
            as_of,
            met: counts.met,
            partly: counts.partly,
            not_met: counts.not_met,
            unassessed: counts.unassessed,
            total: counts.total,
            recognised: decision.is_some(),
            decision,
            items,
        })
    }

    /// The set over the units of `unit_code`'s subtree it applies to (open on the day), on a day.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "criteria.rollup"))]
    pub async fn rollup(
        self,
        p: &Principal,
        set_code: &str,
        unit_code: &str,
        as_of: NaiveDate,
    ) -> Result<Rollup> {
        let root = self.db.units().unit_by_code(p, unit_code).await?;
        let set = self
            .set_by_code(set_code)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut q = Sql::new(&format!("SELECT {UNIT_COLS} FROM units u WHERE "));
        q.subtree("u.path", &root.path);
        match &set.applies_to {
            AppliesTo::UnitType(t) => {
                q.push(" AND u.unit_type = ").safe(t.as_str());
            }
            AppliesTo::Units(_) => {
                q.push(" AND u.id IN (SELECT unit_id FROM criteria_set_units WHERE set_id = ")
                    .lit(set.id)
                    .push(")");
            }
        }
        q.push(" ORDER BY u.path, u.sort_order, u.id");
        let units: Vec<domain::Unit> = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(unit_from_row)
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .filter(|u| u.is_open_on(as_of) && p.can_read_unit(&u.path))
            .collect();

        let mut q = Sql::new(
            "SELECT a.unit_id, a.as_of, m.item_code, m.state, m.evidence FROM criteria_marks m \
             JOIN criteria_assessments a ON a.id = m.assessment_id WHERE a.set_id = ",
        );
        q.lit(set.id)
            .push(" AND a.as_of <= ")
            .safe(&date_str(as_of))
            .push(" AND ");
        q.subtree("a.unit_path", &root.path);
        let marks = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(read::<MarkRow>)
            .collect::<Result<Vec<_>>>()?;
        let mut by_unit: HashMap<i64, Vec<DMark<'_>>> = HashMap::new();
        for m in &marks {
            by_unit.entry(m.unit_id).or_default().push(m.as_domain());
        }

        let mut q = Sql::new(
            "SELECT unit_id, decided_on, withdrawn_on FROM criteria_recognitions WHERE set_id = ",
        );
        q.lit(set.id)
            .push(" AND decided_on <= ")
            .safe(&date_str(as_of))
            .push(" AND ");
        q.subtree("unit_path", &root.path);
        q.push(" ORDER BY decided_on");
        let mut recognised_on: HashMap<i64, NaiveDate> = HashMap::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            let uid: i64 = get(&r, "unit_id")?;
            let rec = Recognition {
                decided_on: sql::date(get(&r, "decided_on")?)?,
                withdrawn_on: parse_opt_date(get(&r, "withdrawn_on")?)?,
            };
            if rec.in_force_on(as_of) {
                recognised_on.insert(uid, rec.decided_on);
            }
        }

        let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
        let empty: Vec<DMark<'_>> = Vec::new();
        let mut lines = Vec::with_capacity(units.len());
        let (mut recognised, mut all_met) = (0, 0);
        for u in &units {
            let s = status_on(&codes, by_unit.get(&u.id).unwrap_or(&empty), as_of);
            let on = recognised_on.get(&u.id).copied();
            if on.is_some() {
                recognised += 1;
            }
            if s.all_met() {
                all_met += 1;
            }
            lines.push(RollupLine {
                unit: unit_ref(u),
                met: s.met,
                total: s.total,
                recognised: on.is_some(),
                recognised_on: on,
            });
        }
        Ok(Rollup {
            set_code: set.code.clone(),
            unit: unit_ref(&root),
            as_of,
            units: lines.len() as i64,
            recognised,
            all_met,
            lines,
        })
    }
}

/// A stored mark with its assessment's unit and day.
pub(super) struct MarkAt {
    unit_id: i64,
    as_of: NaiveDate,
    code: String,
    state: CriterionState,
    evidence: String,
}

impl MarkAt {
    pub(super) fn as_domain(&self) -> DMark<'_> {
        DMark {
            code: &self.code,
            as_of: self.as_of,
            state: self.state,
        }
    }
}

fn parse_state(s: &str) -> Result<CriterionState> {
    CriterionState::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("trạng thái tiêu chí {s}")))
}

#[derive(sqlx::FromRow)]
struct MarkRow {
    unit_id: i64,
    as_of: String,
    item_code: String,
    state: String,
    evidence: String,
}

impl RowInto for MarkRow {
    type Target = MarkAt;
    fn convert(self) -> Result<MarkAt> {
        Ok(MarkAt {
            unit_id: self.unit_id,
            as_of: sql::date(self.as_of)?,
            code: self.item_code,
            state: parse_state(&self.state)?,
            evidence: self.evidence,
        })
    }
}

impl Criteria<'_> {
    /// The marks of a unit against a set up to a day.
    pub(super) async fn marks_of(
        self,
        set_id: i64,
        unit_id: i64,
        as_of: NaiveDate,
    ) -> Result<Vec<MarkAt>> {
        sqlx::query(
            "SELECT a.unit_id, a.as_of, m.item_code, m.state, m.evidence FROM criteria_marks m \
             JOIN criteria_assessments a ON a.id = m.assessment_id \
             WHERE a.set_id = $1 AND a.unit_id = $2 AND a.as_of <= $3",
        )
        .bind(set_id)
        .bind(unit_id)
        .bind(date_str(as_of))
        .fetch_all(&self.db.pool)
        .await?
        .iter()
        .map(read::<MarkRow>)
        .collect()
    }

    /// A unit's assessments against a set (only `only` when given), newest first, marks in the set's order.
    async fn assessments_of(
        self,
        set: &CriteriaSet,
        unit: &domain::Unit,
        only: Option<i64>,
    ) -> Result<Vec<Assessment>> {
        let mut q = Sql::new(
            "SELECT id, as_of, note, created_by, updated_by, updated_at FROM criteria_assessments \
             WHERE set_id = ",
        );
        q.lit(set.id).push(" AND unit_id = ").lit(unit.id);
        if let Some(id) = only {
            q.push(" AND id = ").lit(id);
        }
        q.push(" ORDER BY as_of DESC, id DESC");
        let heads = q.query().fetch_all(&self.db.pool).await?;
        if heads.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids = Vec::with_capacity(heads.len());
        for r in &heads {
            ids.push(get::<i64>(r, "id")?.to_string());
        }
        let position: HashMap<&str, usize> = set
            .items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.code.as_str(), i))
            .collect();
        let mut marks: HashMap<i64, Vec<Mark>> = HashMap::new();
        for r in sqlx::query(&format!(
            "SELECT assessment_id, item_code, state, evidence FROM criteria_marks WHERE assessment_id IN ({})",
            ids.join(", ")
        ))
        .fetch_all(&self.db.pool)
        .await?
        {
            let state: String = get(&r, "state")?;
            marks
                .entry(get(&r, "assessment_id")?)
                .or_default()
                .push(Mark {
                    code: get(&r, "item_code")?,
                    state: parse_state(&state)?,
                    evidence: get(&r, "evidence")?,
                });
        }
        let mut out = Vec::with_capacity(heads.len());
        for r in &heads {
            let id: i64 = get(r, "id")?;
            let mut m = marks.remove(&id).unwrap_or_default();
            m.sort_by(|a, b| {
                let pa = position.get(a.code.as_str()).copied().unwrap_or(usize::MAX);
                let pb = position.get(b.code.as_str()).copied().unwrap_or(usize::MAX);
                pa.cmp(&pb).then_with(|| code_order(&a.code, &b.code))
            });
            out.push(Assessment {
                id,
                set_code: set.code.clone(),
                unit: unit_ref(unit),
                as_of: sql::date(get(r, "as_of")?)?,
                note: get(r, "note")?,
                marks: m,
                documents: documents::list(&self.db.pool, documents::ASSESSMENT, id).await?,
                created_by: get(r, "created_by")?,
                updated_by: get(r, "updated_by")?,
                updated_at: get(r, "updated_at")?,
            });
        }
        Ok(out)
    }
}
