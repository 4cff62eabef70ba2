//! The unit tree: read within scope, create, edit, move (keeping parent history) and close.

use crate::sql::{read, RowInto, Sql};
use crate::{
    audit, date_str, get, opt_date_str, parse_opt_date, ts, Actor, FieldError, Result, StoreError,
    Units,
};
use chrono::NaiveDate;
use domain::policy::Principal;
use domain::{text, Unit, UnitType};
use sqlx::any::AnyRow;

pub(crate) const UNIT_COLS: &str =
    "u.id, u.code, u.name, u.unit_type, u.parent_id, u.path, u.depth, u.sort_order, u.valid_from, u.valid_to";

/// A unit as `UNIT_COLS` selects it.
#[derive(sqlx::FromRow)]
pub(crate) struct UnitRow {
    id: i64,
    code: String,
    name: String,
    unit_type: String,
    parent_id: Option<i64>,
    path: String,
    depth: i64,
    sort_order: i64,
    valid_from: Option<String>,
    valid_to: Option<String>,
}

impl RowInto for UnitRow {
    type Target = Unit;
    fn convert(self) -> Result<Unit> {
        let t = self.unit_type;
        Ok(Unit {
            id: self.id,
            code: self.code,
            name: self.name,
            unit_type: UnitType::parse(&t)
                .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {t}")))?,
            parent_id: self.parent_id,
            path: self.path,
            depth: self.depth,
            sort_order: self.sort_order,
            valid_from: parse_opt_date(self.valid_from)?,
            valid_to: parse_opt_date(self.valid_to)?,
        })
    }
}

pub(crate) fn unit_from_row(row: &AnyRow) -> Result<Unit> {
    read::<UnitRow>(row)
}

/// Fields of a unit that a user supplies.
#[derive(Debug, Clone)]
pub struct UnitInput {
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub parent_code: Option<String>,
    pub sort_order: i64,
    pub valid_from: Option<NaiveDate>,
}

/// A unit with counts, for tree and list views.
#[derive(Debug, Clone, serde::Serialize)]
pub struct UnitSummary {
    #[serde(flatten)]
    pub unit: Unit,
    pub parent_code: Option<String>,
    pub child_count: i64,
    pub member_count: i64,
}

impl Units<'_> {
    /// Units visible to `p`, in tree order (path, then order). `under` limits to a subtree; `open_on`
    /// hides units closed on that date.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.list_units")
    )]
    pub async fn list_units(
        self,
        p: &Principal,
        under: Option<&str>,
        open_on: Option<NaiveDate>,
    ) -> Result<Vec<Unit>> {
        let mut q = Sql::new(&format!("SELECT {UNIT_COLS} FROM units u WHERE "));
        q.subtree("u.path", p.unit_prefix());
        if let Some(prefix) = under {
            q.push(" AND ").subtree("u.path", prefix);
        }
        if let Some(d) = open_on {
            q.push(" AND (u.valid_to IS NULL OR u.valid_to > ")
                .text(date_str(d))
                .push(")");
        }
        q.push(" ORDER BY u.depth, u.sort_order, u.name");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(unit_from_row).collect()
    }

    /// Direct children of a unit with their member counts (current members of the whole child subtree).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.child_units")
    )]
    pub async fn child_units(self, p: &Principal, parent_id: i64) -> Result<Vec<UnitSummary>> {
        let parent = self.unit(p, parent_id).await?;
        let mut q = Sql::new(&format!(
            "SELECT {UNIT_COLS}, \
             (SELECT COUNT(*) FROM units c WHERE c.parent_id = u.id) AS child_count, \
             (SELECT COUNT(*) FROM members m JOIN units mu ON mu.id = m.unit_id \
               WHERE mu.path >= u.path AND mu.path < u.path || '~' AND m.status IN ('active','exempt')) AS member_count \
             FROM units u WHERE u.parent_id = "
        ));
        q.int(parent.id).push(" ORDER BY u.sort_order, u.name");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(UnitSummary {
                    unit: unit_from_row(r)?,
                    parent_code: Some(parent.code.clone()),
                    child_count: get(r, "child_count")?,
                    member_count: get(r, "member_count")?,
                })
            })
            .collect()
    }

    /// One unit, if `p` may read it; otherwise `NotFound` (never reveal that it exists).
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "units.unit"))]
    pub async fn unit(self, p: &Principal, id: i64) -> Result<Unit> {
        let unit = self.unit_unscoped(id).await?.ok_or(StoreError::NotFound)?;
        if p.can_read_unit(&unit.path) {
            Ok(unit)
        } else {
            Err(StoreError::NotFound)
        }
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.unit_by_code")
    )]
    pub async fn unit_by_code(self, p: &Principal, code: &str) -> Result<Unit> {
        let unit = self
            .unit_by_code_unscoped(code)
            .await?
            .ok_or(StoreError::NotFound)?;
        if p.can_read_unit(&unit.path) {
            Ok(unit)
        } else {
            Err(StoreError::NotFound)
        }
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.unit_unscoped")
    )]
    pub async fn unit_unscoped(self, id: i64) -> Result<Option<Unit>> {
        let row = sqlx::query(&format!("SELECT {UNIT_COLS} FROM units u WHERE u.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    /// For the CLI and internal lookups (no principal): find a unit by code.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.unit_by_code_unscoped")
    )]
    pub async fn unit_by_code_unscoped(self, code: &str) -> Result<Option<Unit>> {
        let row = sqlx::query(&format!(
            "SELECT {UNIT_COLS} FROM units u WHERE u.code = $1"
        ))
        .bind(code.trim().to_string())
        .fetch_optional(&self.db.pool)
        .await?;
        row.as_ref().map(unit_from_row).transpose()
    }

    /// The root units (no parent), for the CLI.
    /// Highest unit id (units are never deleted), for sampling in benchmarks.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.unit_count")
    )]
    pub async fn unit_count(self) -> Result<i64> {
        crate::sql::max_id(&self.db.pool, "units").await
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.root_units")
    )]
    pub async fn root_units(self) -> Result<Vec<Unit>> {
        let rows = sqlx::query(&format!(
            "SELECT {UNIT_COLS} FROM units u WHERE u.parent_id IS NULL ORDER BY u.sort_order, u.id"
        ))
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(unit_from_row).collect()
    }

    /// Ancestors of a unit from the root down (for breadcrumbs), limited to what `p` may read.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.unit_ancestors")
    )]
    pub async fn unit_ancestors(self, p: &Principal, unit: &Unit) -> Result<Vec<Unit>> {
        let ids: Vec<i64> = unit
            .path
            .split('/')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        let mut out = Vec::new();
        for id in ids {
            if id == unit.id {
                break;
            }
            if let Some(u) = self.unit_unscoped(id).await? {
                if p.can_read_unit(&u.path) {
                    out.push(u);
                }
            }
        }
        Ok(out)
    }

    /// Creates a unit under its parent. `p` must be allowed to write the parent's subtree (or, for a root
    /// unit, be an unscoped caller such as the CLI, i.e. `p` is None).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.create_unit")
    )]
    pub async fn create_unit(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        input: UnitInput,
    ) -> Result<Unit> {
        let mut errors = validate_unit_input(&input);
        let parent = match &input.parent_code {
            Some(pc) => {
                let parent = self.unit_by_code_unscoped(pc).await?;
                match parent {
                    Some(u) if p.is_none_or(|p| p.can_write_unit(&u.path)) => Some(u),
                    _ => {
                        errors.push(FieldError::new(
                            "parent_code",
                            format!("Không có đơn vị cấp trên mã \"{pc}\""),
                        ));
                        None
                    }
                }
            }
            None => {
                if p.is_some() {
                    errors.push(FieldError::new("parent_code", "Phải chọn đơn vị cấp trên"));
                }
                None
            }
        };
        if let Some(taken) = self.unit_by_code_unscoped(&input.code).await? {
            // A unit the caller may not read is not named (OWASP ASVS V8.3).
            let message = if p.is_none_or(|p| p.can_read_unit(&taken.path)) {
                format!("Mã đơn vị \"{}\" đã tồn tại", input.code)
            } else {
                crate::members::unusable_unit_code()
            };
            errors.push(FieldError::new("code", message));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        let unit = insert_unit(&mut w.tx, self.db.now(), &input, parent.as_ref()).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "unit", unit.id)
                .label(&unit.name)
                .unit(&unit.path)
                .after(&unit_json(&unit)),
        )
        .await?;
        w.commit().await?;
        Ok(unit)
    }

    /// Renames or re-types a unit, or changes its order.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.update_unit")
    )]
    pub async fn update_unit(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        name: &str,
        unit_type: UnitType,
        sort_order: i64,
    ) -> Result<Unit> {
        let before = self.unit(p, id).await?;
        if !p.can_write_unit(&before.path) {
            return Err(StoreError::NotFound);
        }
        let name = text::normalize(name);
        if name.is_empty() {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "name",
                "Thiếu tên đơn vị",
            )]));
        }
        let mut errors = Vec::new();
        crate::check_length(&mut errors, "name", domain::limits::Field::UnitName, &name);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE units SET name = $1, name_fold = $2, unit_type = $3, sort_order = $4, updated_at = $5 WHERE id = $6")
            .bind(name.clone())
            .bind(text::fold(&name))
            .bind(unit_type.as_str())
            .bind(sort_order)
            .bind(ts(self.db.now()))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let after = Unit {
            name,
            unit_type,
            sort_order,
            ..before.clone()
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", "unit", id)
                .label(&after.name)
                .unit(&after.path)
                .before(&unit_json(&before))
                .after(&unit_json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// Moves a unit (and its subtree) under a new parent from `date`, keeping the old parent in history.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "units.move_unit"))]
    pub async fn move_unit(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        new_parent_id: i64,
        date: NaiveDate,
    ) -> Result<Unit> {
        let unit = self.unit(p, id).await?;
        let parent = self.unit(p, new_parent_id).await?;
        if !p.can_write_unit(&unit.path)
            || !p.can_write_unit(&parent.path)
            || unit.parent_id.is_none()
        {
            return Err(StoreError::Forbidden);
        }
        if parent.path.starts_with(&unit.path) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "parent_id",
                "Không thể chuyển đơn vị vào chính đơn vị cấp dưới của nó",
            )]));
        }
        let new_path = format!("{}{}/", parent.path, unit.id);
        let depth_delta = parent.depth + 1 - unit.depth;
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE unit_parent_history SET to_date = $1 WHERE unit_id = $2 AND to_date IS NULL",
        )
        .bind(date_str(date))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("INSERT INTO unit_parent_history (unit_id, parent_id, from_date, to_date, recorded_at) VALUES ($1, $2, $3, NULL, $4)")
            .bind(id).bind(parent.id).bind(date_str(date)).bind(ts(self.db.now())).execute(&mut *w.tx).await?;
        let old_len = unit.path.len() as i64;
        sqlx::query(
            "UPDATE units SET path = $1 || SUBSTR(path, CAST($2 AS INTEGER)), depth = depth + $3, updated_at = $4 \
             WHERE path >= $5 AND path < $6",
        )
        .bind(new_path.clone())
        .bind(old_len + 1)
        .bind(depth_delta)
        .bind(ts(self.db.now()))
        .bind(unit.path.clone())
        .bind(format!("{}~", unit.path))
        .execute(&mut *w.tx)
        .await?;
        // Meetings and attendance tallies follow the unit (rates read them by path).
        // One statement per kind so that the (kind, unit_path, …) indexes serve the range.
        for (table, kind) in [
            ("meetings", "study"),
            ("meetings", "cell"),
            ("attendance_counts", "study"),
            ("attendance_counts", "cell"),
        ] {
            sqlx::query(&format!(
                "UPDATE {table} SET unit_path = $1 || SUBSTR(unit_path, CAST($2 AS INTEGER)) \
                 WHERE kind = '{kind}' AND unit_path >= $3 AND unit_path < $4"
            ))
            .bind(new_path.clone())
            .bind(old_len + 1)
            .bind(unit.path.clone())
            .bind(format!("{}~", unit.path))
            .execute(&mut *w.tx)
            .await?;
        }
        crate::models::move_paths(&mut w.tx, &unit.path, &new_path).await?;
        crate::registrations::move_paths(&mut w.tx, &unit.path, &new_path).await?;
        crate::inspections::move_paths(&mut w.tx, &unit.path, &new_path).await?;
        crate::commendations::move_paths(&mut w.tx, &unit.path, &new_path).await?;
        crate::criteria::move_paths(&mut w.tx, &unit.path, &new_path).await?;
        sqlx::query("UPDATE units SET parent_id = $1 WHERE id = $2")
            .bind(parent.id)
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        let after = Unit {
            parent_id: Some(parent.id),
            path: new_path,
            depth: parent.depth + 1,
            ..unit.clone()
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("move", "unit", id)
                .label(&unit.name)
                .unit(&after.path)
                .before(&unit_json(&unit))
                .after(&unit_json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// Closes a unit from `date` (it stays in history; current members must have been transferred).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.close_unit")
    )]
    pub async fn close_unit(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        date: NaiveDate,
    ) -> Result<Unit> {
        let unit = self.unit(p, id).await?;
        if !p.can_write_unit(&unit.path) {
            return Err(StoreError::NotFound);
        }
        let mut w = self.db.write().await?;
        let after = close_unit_tx(&mut w.tx, self.db.now(), actor, &unit, date).await?;
        w.commit().await?;
        Ok(after)
    }
}

/// Closes `unit` from `date` in the caller's transaction, with its audit row. Refused while members of its
/// subtree are still active or exempt (they must be transferred first). The one write path of closing a unit
/// (the unit page and API, dissolution as discipline); callers check permissions first.
pub(crate) async fn close_unit_tx(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    unit: &Unit,
    date: NaiveDate,
) -> Result<Unit> {
    let n: i64 = get(
        &sqlx::query(
            "SELECT COUNT(*) AS n FROM members m JOIN units u ON u.id = m.unit_id \
             WHERE u.path >= $1 AND u.path < $2 AND m.status IN ('active','exempt')",
        )
        .bind(unit.path.clone())
        .bind(format!("{}~", unit.path))
        .fetch_one(&mut **tx)
        .await?,
        "n",
    )?;
    if n > 0 {
        return Err(StoreError::Invalid(vec![FieldError::new(
            "valid_to",
            format!(
                "Đơn vị còn {} đảng viên đang sinh hoạt; hãy chuyển sinh hoạt trước khi giải thể",
                text::format_int(n)
            ),
        )]));
    }
    sqlx::query("UPDATE units SET valid_to = $1, updated_at = $2 WHERE id = $3")
        .bind(date_str(date))
        .bind(ts(now))
        .bind(unit.id)
        .execute(&mut **tx)
        .await?;
    let after = Unit {
        valid_to: Some(date),
        ..unit.clone()
    };
    audit::record(
        tx,
        now,
        actor,
        &audit::AuditEvent::new("close", "unit", unit.id)
            .label(&unit.name)
            .unit(&unit.path)
            .before(&unit_json(unit))
            .after(&unit_json(&after)),
    )
    .await?;
    Ok(after)
}

pub(crate) fn validate_unit_input(input: &UnitInput) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if input.code.trim().is_empty() {
        errors.push(FieldError::new("code", "Thiếu mã đơn vị"));
    } else if input.code.chars().any(|c| c.is_whitespace() || c == '/') {
        errors.push(FieldError::new(
            "code",
            "Mã đơn vị không được chứa khoảng trắng hoặc dấu /",
        ));
    } else {
        crate::check_length(
            &mut errors,
            "code",
            domain::limits::Field::UnitCode,
            input.code.trim(),
        );
    }
    if input.name.trim().is_empty() {
        errors.push(FieldError::new("name", "Thiếu tên đơn vị"));
    } else {
        crate::check_length(
            &mut errors,
            "name",
            domain::limits::Field::UnitName,
            input.name.trim(),
        );
    }
    errors
}

pub(crate) async fn insert_unit(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    input: &UnitInput,
    parent: Option<&Unit>,
) -> Result<Unit> {
    let name = text::normalize(&input.name);
    let code = input.code.trim().to_string();
    let depth = parent.map_or(0, |p| p.depth + 1);
    let row = sqlx::query(
        "INSERT INTO units (code, name, name_fold, unit_type, parent_id, path, depth, sort_order, valid_from, valid_to, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, '', $6, $7, $8, NULL, $9, $9) RETURNING id",
    )
    .bind(code.clone())
    .bind(name.clone())
    .bind(text::fold(&name))
    .bind(input.unit_type.as_str())
    .bind(parent.map(|p| p.id))
    .bind(depth)
    .bind(input.sort_order)
    .bind(opt_date_str(input.valid_from))
    .bind(ts(now))
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = get(&row, "id")?;
    let path = format!("{}{}/", parent.map_or("/", |p| p.path.as_str()), id);
    sqlx::query("UPDATE units SET path = $1 WHERE id = $2")
        .bind(path.clone())
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO unit_parent_history (unit_id, parent_id, from_date, to_date, recorded_at) VALUES ($1, $2, $3, NULL, $4)")
        .bind(id)
        .bind(parent.map(|p| p.id))
        .bind(opt_date_str(input.valid_from))
        .bind(ts(now))
        .execute(&mut **tx)
        .await?;
    Ok(Unit {
        id,
        code,
        name,
        unit_type: input.unit_type,
        parent_id: parent.map(|p| p.id),
        path,
        depth,
        sort_order: input.sort_order,
        valid_from: input.valid_from,
        valid_to: None,
    })
}

pub(crate) fn unit_json(u: &Unit) -> serde_json::Value {
    serde_json::json!({
        "code": u.code, "name": u.name, "type": u.unit_type.as_str(), "parent_id": u.parent_id,
        "sort_order": u.sort_order, "valid_from": u.valid_from, "valid_to": u.valid_to,
    })
}

/// Headline counts for a subtree.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ScopeStats {
    pub units: i64,
    pub members: i64,
    pub key_cadres: i64,
    pub probationary: i64,
}

impl Units<'_> {
    /// Counts for the subtree at `path` (which must be in `p`'s scope).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "units.scope_stats")
    )]
    pub async fn scope_stats(self, p: &Principal, path: &str) -> Result<ScopeStats> {
        if !p.can_read_unit(path) {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new("SELECT COUNT(*) AS n FROM units u WHERE ");
        q.subtree("u.path", path);
        let units: i64 = get(&q.query().fetch_one(&self.db.pool).await?, "n")?;
        let mut q = Sql::new(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(CASE WHEN m.official_on IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS prob \
             FROM members m JOIN units u ON u.id = m.unit_id WHERE m.status IN ('active','exempt') AND ",
        );
        q.subtree("u.path", path);
        let row = q.query().fetch_one(&self.db.pool).await?;
        let mut q = Sql::new(
            "SELECT COUNT(DISTINCT m.id) AS n FROM members m JOIN units u ON u.id = m.unit_id JOIN positions ps ON ps.member_id = m.id \
             WHERE ps.key_cadre = 1 AND m.status IN ('active','exempt') AND ",
        );
        q.subtree("u.path", path);
        let key: i64 = get(&q.query().fetch_one(&self.db.pool).await?, "n")?;
        Ok(ScopeStats {
            units,
            members: get(&row, "n")?,
            key_cadres: key,
            probationary: get(&row, "prob")?,
        })
    }
}
