//! Decisions about units (docs/DOMAIN.md § Criteria sets and classifications): recognition decisions
//! (công nhận đạt chuẩn, refused unless every criterion is met on the day), their withdrawal, a unit's
//! recognitions, and classifications of units (e.g. đô thị loại II). Scope and audit as described in
//! criteria.rs.

use crate::criteria::{
    applies, not_applying, unit_ref, Classification, ClassificationInput, RecognitionInput,
    RecognitionRecord, WithdrawalInput,
};
use crate::criteria_assess::MarkAt;
use crate::meetings::UnitRef;
use crate::sql::{self, read, RowInto, Sql};
use crate::{
    audit, check_length, date_str, get, parse_opt_date, ts, Actor, Criteria, FieldError, Result,
    StoreError,
};
use domain::criteria::{unmet_for_recognition, unmet_message, Mark as DMark, Recognition};
use domain::limits::Field;
use domain::policy::{Capability, Principal};
use domain::text;
use serde::Serialize;

impl Criteria<'_> {
    /// Records a recognition decision; refused (422) unless every criterion is met on its day.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.recognise")
    )]
    pub async fn recognise(
        self,
        p: &Principal,
        actor: &Actor,
        input: &RecognitionInput,
    ) -> Result<RecognitionRecord> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_recognise(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let set = self.set_for_write(&input.set_code).await?;
        let mut errors = Vec::new();
        if !applies(&set, &unit) {
            errors.push(not_applying(&set, &unit));
        }
        let number = text::normalize(&input.decision_number);
        if number.is_empty() {
            errors.push(FieldError::new(
                "decision_number",
                "Phải nhập số quyết định công nhận",
            ));
        }
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let issued_by = text::normalize(&input.issued_by);
        check_length(&mut errors, "issued_by", Field::UnitName, &issued_by);
        let Some(day) = input.decided_on else {
            errors.push(FieldError::new(
                "decided_on",
                "Phải nhập ngày quyết định công nhận",
            ));
            return Err(StoreError::Invalid(errors));
        };
        if day > self.db.today() {
            errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau ngày hôm nay",
            ));
        } else {
            let existing = self.recognitions_of(Some(set.id), &unit).await?;
            if let Some(r) = existing.iter().find(|r| recognition(r).in_force_on(day)) {
                errors.push(FieldError::new(
                    "decided_on",
                    format!(
                        "{} đã được công nhận đạt chuẩn {} từ ngày {} (quyết định số {})",
                        unit.name,
                        set.code,
                        text::format_date(r.decided_on),
                        r.decision_number
                    ),
                ));
            } else {
                let marks = self.marks_of(set.id, unit.id, day).await?;
                let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
                let dmarks: Vec<DMark<'_>> = marks.iter().map(MarkAt::as_domain).collect();
                let unmet = unmet_for_recognition(&codes, &dmarks, day);
                if !unmet.is_empty() {
                    errors.push(FieldError::new("decided_on", unmet_message(&unmet, day)));
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO criteria_recognitions (set_id, unit_id, unit_path, decision_number, decided_on, \
             issued_by, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $8) RETURNING id",
        )
        .bind(set.id)
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(number.clone())
        .bind(date_str(day))
        .bind(issued_by.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let rec = RecognitionRecord {
            id,
            set_code: set.code.clone(),
            unit: unit_ref(&unit),
            decision_number: number,
            decided_on: day,
            issued_by,
            withdrawn_on: None,
            withdrawal_number: String::new(),
            withdrawal_reason: String::new(),
            created_by: actor.username.clone(),
            created_at: now,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "criteria_recognition", id)
                .label(format!("{} – {}", set.code, unit.name))
                .unit(&unit.path)
                .after(&to_json(&rec)),
        )
        .await?;
        w.commit().await?;
        Ok(rec)
    }

    /// Withdraws a recognition decision from a day (not before its decision).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.withdraw_recognition")
    )]
    pub async fn withdraw_recognition(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        input: &WithdrawalInput,
    ) -> Result<RecognitionRecord> {
        let (before, path) = self.recognition_by_id(id).await?;
        if !p.can_read_unit(&path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_recognise(&path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        if let Some(w) = before.withdrawn_on {
            errors.push(FieldError::new(
                "withdrawn_on",
                format!("Quyết định đã bị thu hồi từ ngày {}", text::format_date(w)),
            ));
        }
        let number = text::normalize(&input.decision_number);
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let reason = text::normalize_multiline(&input.reason);
        check_length(&mut errors, "reason", Field::Reason, &reason);
        match input.withdrawn_on {
            None => errors.push(FieldError::new(
                "withdrawn_on",
                "Phải nhập ngày thu hồi quyết định công nhận",
            )),
            Some(d) if d < before.decided_on => errors.push(FieldError::new(
                "withdrawn_on",
                format!(
                    "Ngày thu hồi không được trước ngày quyết định công nhận ({})",
                    text::format_date(before.decided_on)
                ),
            )),
            Some(d) if d > self.db.today() => errors.push(FieldError::new(
                "withdrawn_on",
                "Ngày thu hồi không được sau ngày hôm nay",
            )),
            Some(_) => {}
        }
        let Some(day) = input.withdrawn_on.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE criteria_recognitions SET withdrawn_on = $1, withdrawal_number = $2, \
             withdrawal_reason = $3, updated_by = $4, updated_at = $5 WHERE id = $6",
        )
        .bind(date_str(day))
        .bind(number.clone())
        .bind(reason.clone())
        .bind(actor.username.clone())
        .bind(now)
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        let after = RecognitionRecord {
            withdrawn_on: Some(day),
            withdrawal_number: number,
            withdrawal_reason: reason,
            ..before.clone()
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("withdraw", "criteria_recognition", id)
                .label(format!("{} – {}", after.set_code, after.unit.name))
                .unit(&path)
                .before(&to_json(&before))
                .after(&to_json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// A unit's recognition decisions against a set (all sets when `set_code` is None), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.recognitions")
    )]
    pub async fn recognitions(
        self,
        p: &Principal,
        set_code: Option<&str>,
        unit_code: &str,
    ) -> Result<Vec<RecognitionRecord>> {
        let unit = self.db.units().unit_by_code(p, unit_code).await?;
        let set_id = match set_code {
            Some(code) => Some(
                self.set_by_code(code)
                    .await?
                    .ok_or(StoreError::NotFound)?
                    .id,
            ),
            None => None,
        };
        self.recognitions_of(set_id, &unit).await
    }

    /// Records a classification of a unit.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.classify")
    )]
    pub async fn classify(
        self,
        p: &Principal,
        actor: &Actor,
        input: &ClassificationInput,
    ) -> Result<Classification> {
        let unit = self.readable_unit(p, &input.unit_code, "unit_code").await?;
        if !p.can_recognise(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        let title = text::normalize(&input.title);
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "Phải nhập tên phân loại (ví dụ: Đô thị loại II)",
            ));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        let number = text::normalize(&input.decision_number);
        if number.is_empty() {
            errors.push(FieldError::new(
                "decision_number",
                "Phải nhập số quyết định",
            ));
        }
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        let issued_by = text::normalize(&input.issued_by);
        check_length(&mut errors, "issued_by", Field::UnitName, &issued_by);
        let note = text::normalize_multiline(&input.note);
        check_length(&mut errors, "note", Field::Description, &note);
        match input.decided_on {
            None => errors.push(FieldError::new("decided_on", "Phải nhập ngày quyết định")),
            Some(d) if d > self.db.today() => errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau ngày hôm nay",
            )),
            Some(_) => {}
        }
        let Some(day) = input.decided_on.filter(|_| errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO unit_classifications (unit_id, unit_path, title, decision_number, decided_on, \
             issued_by, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(title.clone())
        .bind(number.clone())
        .bind(date_str(day))
        .bind(issued_by.clone())
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let c = Classification {
            id,
            unit: unit_ref(&unit),
            title,
            decision_number: number,
            decided_on: day,
            issued_by,
            note,
            created_by: actor.username.clone(),
            created_at: now,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "unit_classification", id)
                .label(format!("{} – {}", c.title, unit.name))
                .unit(&unit.path)
                .after(&to_json(&c)),
        )
        .await?;
        w.commit().await?;
        Ok(c)
    }

    /// The classifications of a unit (`Some`) or of every unit in scope (`None`), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "criteria.classifications")
    )]
    pub async fn classifications(
        self,
        p: &Principal,
        unit_code: Option<&str>,
    ) -> Result<Vec<Classification>> {
        let mut q = Sql::new(
            "SELECT c.id, c.unit_id, u.code AS unit_code, u.name AS unit_name, c.title, c.decision_number, \
             c.decided_on, c.issued_by, c.note, c.created_by, c.created_at \
             FROM unit_classifications c JOIN units u ON u.id = c.unit_id WHERE ",
        );
        match unit_code {
            Some(code) => {
                let unit = self.db.units().unit_by_code(p, code).await?;
                q.push("c.unit_id = ").lit(unit.id);
            }
            None => {
                if !p.has(Capability::ReadUnits) {
                    return Ok(Vec::new());
                }
                q.subtree("c.unit_path", p.unit_prefix());
            }
        }
        q.push(" ORDER BY c.decided_on DESC, c.id DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(read::<ClassificationRow>)
            .collect()
    }
}

const RECOGNITION_SELECT: &str = "SELECT r.id, s.code AS set_code, r.unit_id, u.code AS unit_code, \
     u.name AS unit_name, r.unit_path, r.decision_number, r.decided_on, r.issued_by, r.withdrawn_on, \
     r.withdrawal_number, r.withdrawal_reason, r.created_by, r.created_at \
     FROM criteria_recognitions r JOIN criteria_sets s ON s.id = r.set_id JOIN units u ON u.id = r.unit_id";

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

pub(super) fn recognition(r: &RecognitionRecord) -> Recognition {
    Recognition {
        decided_on: r.decided_on,
        withdrawn_on: r.withdrawn_on,
    }
}

#[derive(sqlx::FromRow)]
struct RecognitionRow {
    id: i64,
    set_code: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    decision_number: String,
    decided_on: String,
    issued_by: String,
    withdrawn_on: Option<String>,
    withdrawal_number: String,
    withdrawal_reason: String,
    created_by: String,
    created_at: String,
}

impl RowInto for RecognitionRow {
    type Target = (RecognitionRecord, String);
    fn convert(self) -> Result<(RecognitionRecord, String)> {
        Ok((
            RecognitionRecord {
                id: self.id,
                set_code: self.set_code,
                unit: UnitRef {
                    id: self.unit_id,
                    code: self.unit_code,
                    name: self.unit_name,
                },
                decision_number: self.decision_number,
                decided_on: sql::date(self.decided_on)?,
                issued_by: self.issued_by,
                withdrawn_on: parse_opt_date(self.withdrawn_on)?,
                withdrawal_number: self.withdrawal_number,
                withdrawal_reason: self.withdrawal_reason,
                created_by: self.created_by,
                created_at: self.created_at,
            },
            self.unit_path,
        ))
    }
}

#[derive(sqlx::FromRow)]
struct ClassificationRow {
    id: i64,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    title: String,
    decision_number: String,
    decided_on: String,
    issued_by: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl RowInto for ClassificationRow {
    type Target = Classification;
    fn convert(self) -> Result<Classification> {
        Ok(Classification {
            id: self.id,
            unit: UnitRef {
                id: self.unit_id,
                code: self.unit_code,
                name: self.unit_name,
            },
            title: self.title,
            decision_number: self.decision_number,
            decided_on: sql::date(self.decided_on)?,
            issued_by: self.issued_by,
            note: self.note,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

impl Criteria<'_> {
    /// A unit's recognition decisions against a set (every set when `set_id` is None), newest first.
    pub(super) async fn recognitions_of(
        self,
        set_id: Option<i64>,
        unit: &domain::Unit,
    ) -> Result<Vec<RecognitionRecord>> {
        let mut q = Sql::new(&format!("{RECOGNITION_SELECT} WHERE r.unit_id = "));
        q.lit(unit.id);
        if let Some(id) = set_id {
            q.push(" AND r.set_id = ").lit(id);
        }
        q.push(" ORDER BY r.decided_on DESC, r.id DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| read::<RecognitionRow>(r).map(|(rec, _)| rec))
            .collect()
    }

    async fn recognition_by_id(self, id: i64) -> Result<(RecognitionRecord, String)> {
        let row = sqlx::query(&format!("{RECOGNITION_SELECT} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        read::<RecognitionRow>(&row)
    }
}
