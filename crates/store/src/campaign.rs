//! The campaign (docs/DOMAIN.md § Plans and topics): directives, plans with their targets, yearly themes
//! and the monthly cell-meeting topics that secretaries set by the calendar's day of the month before; the
//! campaign calendar each unit sets per year (docs/DOMAIN.md § Campaign calendar).

use crate::sql::{self, RowInto, Sql};
use crate::{audit, date_str, get, ts, Actor, Campaign, FieldError, Result, StoreError};
use chrono::NaiveDate;
use domain::attendance::{topic_deadline, topic_overdue};
use domain::calendar::{self as cal, Calendar, CalendarField, CalendarSetting};
use domain::limits::Field;
use domain::policy::{Capability, Principal};
use domain::text;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

#[derive(Debug, Clone, Serialize)]
pub struct Directive {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub issuer: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub issued_on: NaiveDate,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub directive_code: Option<String>,
    pub scope: String,
    /// Target attendance in per-mille (950 = 95%).
    pub target_attendance: i64,
    /// Target share registered in per-mille.
    pub target_registered: i64,
    /// Days after a meeting before it closes to staff changes (`domain::attendance::is_locked`).
    pub lock_days: i64,
}

#[derive(Debug, Clone, Default)]
pub struct PlanInput {
    pub number: String,
    pub title: String,
    pub issued_on: Option<NaiveDate>,
    pub unit_code: String,
    pub directive_code: Option<String>,
    pub scope: String,
    pub target_attendance: Option<i64>,
    pub target_registered: Option<i64>,
    /// Days before a meeting closes; `domain::attendance::DEFAULT_LOCK_DAYS` when not given.
    pub lock_days: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Theme {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub plan_number: Option<String>,
    pub year: i32,
    pub title: String,
    pub description: String,
}

/// A cell and its topic for one month.
#[derive(Debug, Clone, Serialize)]
pub struct TopicStatus {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub month: String,
    pub topic: Option<String>,
    pub thematic: bool,
    pub set_by: Option<String>,
    pub set_at: Option<String>,
    /// Not set and the deadline (the calendar's topic day of the month before, by default the 20th) has
    /// passed.
    pub overdue: bool,
    pub deadline: Option<NaiveDate>,
}

/// One unit's own calendar setting for a year (docs/DOMAIN.md § Campaign calendar).
#[derive(Debug, Clone, Serialize)]
pub struct CalendarRow {
    pub unit_id: i64,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub year: i32,
    /// The plan in force for the unit that year, when the setting was saved.
    pub plan_number: Option<String>,
    pub setting: CalendarSetting,
    pub set_by: String,
    pub set_at: String,
}

/// A unit's calendar for a year as the plan page shows it: what is in force, what the unit set itself,
/// and what it would inherit without its own setting (with the unit each inherited field comes from).
#[derive(Debug, Clone, Serialize)]
pub struct CalendarView {
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    /// In force: the unit's own fields over the inherited ones.
    pub calendar: Calendar,
    /// What the unit would have without its own setting.
    pub inherited: Calendar,
    /// For each field (`CalendarField::ALL` order), the name of the unit above whose setting gives the
    /// inherited value; `None` for lamtheo's default.
    pub inherited_from: Vec<Option<String>>,
    /// The unit's own setting, if any.
    pub own: Option<CalendarRow>,
}

/// The calendar settings of one year over a part of the tree, resolved per unit path on demand and
/// cached: reports read them once and resolve each grassroots unit's calendar from memory.
#[derive(Debug, Clone)]
pub struct CalendarBook {
    year: i32,
    by_path: HashMap<String, CalendarSetting>,
    cache: HashMap<String, Calendar>,
}

impl CalendarBook {
    /// The calendar in force for the unit with this path.
    pub fn for_path(&mut self, path: &str) -> Calendar {
        if let Some(c) = self.cache.get(path) {
            return *c;
        }
        let along: Vec<CalendarSetting> = ancestor_paths(path)
            .iter()
            .filter_map(|a| self.by_path.get(a).copied())
            .collect();
        let c = cal::resolve(self.year, &along);
        self.cache.insert(path.to_string(), c);
        c
    }
}

/// A calendar row as stored.
#[derive(sqlx::FromRow)]
struct CalendarCols {
    unit_id: i64,
    unit_name: String,
    unit_path: String,
    year: i64,
    plan_number: Option<String>,
    registration_deadline: Option<String>,
    midyear_review_opens: Option<String>,
    yearend_review_opens: Option<String>,
    assessment_opens: Option<String>,
    midyear_report_due: Option<String>,
    yearend_report_due: Option<String>,
    topic_day: Option<i64>,
    set_by: String,
    set_at: String,
}

impl RowInto for CalendarCols {
    type Target = CalendarRow;
    fn convert(self) -> Result<CalendarRow> {
        let d = |s: Option<String>| s.map(sql::date).transpose();
        Ok(CalendarRow {
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            year: sql::year(self.year),
            plan_number: self.plan_number,
            setting: CalendarSetting {
                registration_deadline: d(self.registration_deadline)?,
                midyear_review_opens: d(self.midyear_review_opens)?,
                yearend_review_opens: d(self.yearend_review_opens)?,
                assessment_opens: d(self.assessment_opens)?,
                midyear_report_due: d(self.midyear_report_due)?,
                yearend_report_due: d(self.yearend_report_due)?,
                topic_day: self.topic_day.and_then(|v| u32::try_from(v).ok()),
            },
            set_by: self.set_by,
            set_at: self.set_at,
        })
    }
}

const CALENDAR_SELECT: &str = "SELECT c.unit_id, u.name AS unit_name, u.path AS unit_path, c.year, \
    pl.number AS plan_number, c.registration_deadline, c.midyear_review_opens, c.yearend_review_opens, \
    c.assessment_opens, c.midyear_report_due, c.yearend_report_due, c.topic_day, c.set_by, c.set_at \
    FROM campaign_calendars c JOIN units u ON u.id = c.unit_id LEFT JOIN plans pl ON pl.id = c.plan_id \
    WHERE c.year = ";

const PLAN_COLS: &str = "p.id, p.number, p.title, p.issued_on, p.unit_id, u.code AS unit_code, \
    u.name AS unit_name, u.path AS unit_path, d.code AS directive_code, p.scope, p.target_attendance, \
    p.target_registered, p.lock_days";

/// A plan as `PLAN_COLS` selects it.
#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    number: String,
    title: String,
    issued_on: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    directive_code: Option<String>,
    scope: String,
    target_attendance: i64,
    target_registered: i64,
    lock_days: i64,
}

impl RowInto for PlanRow {
    type Target = Plan;
    fn convert(self) -> Result<Plan> {
        Ok(Plan {
            id: self.id,
            number: self.number,
            title: self.title,
            issued_on: sql::date(self.issued_on)?,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            directive_code: self.directive_code,
            scope: self.scope,
            target_attendance: self.target_attendance,
            target_registered: self.target_registered,
            lock_days: self.lock_days,
        })
    }
}

fn plan_from_row(r: &AnyRow) -> Result<Plan> {
    sql::read::<PlanRow>(r)
}

#[derive(sqlx::FromRow)]
struct DirectiveRow {
    id: i64,
    code: String,
    title: String,
    issued_on: String,
    issuer: String,
}

impl RowInto for DirectiveRow {
    type Target = Directive;
    fn convert(self) -> Result<Directive> {
        Ok(Directive {
            id: self.id,
            code: self.code,
            title: self.title,
            issued_on: sql::date(self.issued_on)?,
            issuer: self.issuer,
        })
    }
}

/// A cell with its topic of a month (NULLs when not set).
#[derive(sqlx::FromRow)]
struct TopicRow {
    id: i64,
    code: String,
    name: String,
    path: String,
    topic: Option<String>,
    thematic: Option<i64>,
    set_by: Option<String>,
    set_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ThemeRow {
    id: i64,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    plan_number: Option<String>,
    year: i64,
    title: String,
    description: String,
}

impl RowInto for ThemeRow {
    type Target = Theme;
    fn convert(self) -> Result<Theme> {
        Ok(Theme {
            id: self.id,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            plan_number: self.plan_number,
            year: sql::year(self.year),
            title: self.title,
            description: self.description,
        })
    }
}

/// The paths of a unit and all its ancestors ("/1/5/23/" → "/1/", "/1/5/", "/1/5/23/").
pub(crate) fn ancestor_paths(path: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::from("/");
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        acc.push_str(seg);
        acc.push('/');
        out.push(acc.clone());
    }
    out
}

/// `col IN (…)` over the given paths (bound parameters); `IN (NULL)` when empty.
pub(crate) fn push_in_paths(q: &mut Sql, col: &str, paths: &[String]) {
    q.push(col).push(" IN (");
    for (i, a) in paths.iter().enumerate() {
        if i > 0 {
            q.push(", ");
        }
        q.text(a.clone());
    }
    if paths.is_empty() {
        q.push("NULL");
    }
    q.push(")");
}

impl Campaign<'_> {
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.create_directive")
    )]
    pub async fn create_directive(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        code: &str,
        title: &str,
        issued_on: NaiveDate,
        issuer: &str,
    ) -> Result<Directive> {
        if p.is_some_and(|p| !p.has(Capability::ManageCampaign)) {
            return Err(StoreError::Forbidden);
        }
        let code = text::normalize(code.trim());
        let title = text::normalize(title.trim());
        let mut errors = Vec::new();
        if code.is_empty() {
            errors.push(FieldError::new("code", "Phải nhập số hiệu chỉ thị"));
        }
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập trích yếu"));
        }
        crate::check_length(&mut errors, "code", Field::DocumentNumber, &code);
        crate::check_length(&mut errors, "title", Field::Title, &title);
        crate::check_length(&mut errors, "issuer", Field::UnitName, issuer.trim());
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO directives (code, title, issued_on, issuer, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(code.clone())
        .bind(title.clone())
        .bind(date_str(issued_on))
        .bind(issuer.trim().to_string())
        .bind(ts(self.db.now()))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| unique_to_invalid(e, "code", "Số hiệu chỉ thị này đã có"))?;
        let d = Directive {
            id: get(&row, "id")?,
            code,
            title,
            issued_on,
            issuer: issuer.trim().to_string(),
        };
        let after = serde_json::to_value(&d).ok();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "directive", d.id)
                .label(&d.code)
                .unit("/")
                .after(after.as_ref()),
        )
        .await?;
        w.commit().await?;
        Ok(d)
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.directives")
    )]
    pub async fn directives(self) -> Result<Vec<Directive>> {
        let rows = sqlx::query(
            "SELECT id, code, title, issued_on, issuer FROM directives ORDER BY issued_on, id",
        )
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(sql::read::<DirectiveRow>).collect()
    }

    /// Creates a plan issued by a unit in the principal's subtree (None = system, for the CLI and demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.create_plan")
    )]
    pub async fn create_plan(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        input: PlanInput,
    ) -> Result<Plan> {
        let mut errors = Vec::new();
        let number = text::normalize(input.number.trim());
        let title = text::normalize(input.title.trim());
        if number.is_empty() {
            errors.push(FieldError::new(
                "number",
                "Phải nhập số kế hoạch, ví dụ 43-KH/TU",
            ));
        }
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập trích yếu"));
        }
        crate::check_length(&mut errors, "number", Field::DocumentNumber, &number);
        crate::check_length(&mut errors, "title", Field::Title, &title);
        crate::check_length(&mut errors, "scope", Field::PlanScope, input.scope.trim());
        crate::check_length(
            &mut errors,
            "unit_code",
            Field::UnitCode,
            input.unit_code.trim(),
        );
        if let Some(d) = input.directive_code.as_deref() {
            crate::check_length(
                &mut errors,
                "directive_code",
                Field::DocumentNumber,
                d.trim(),
            );
        }
        if input.issued_on.is_none() {
            errors.push(FieldError::new(
                "issued_on",
                "Phải nhập ngày ban hành (dd/mm/yyyy)",
            ));
        }
        for (field, v) in [
            ("target_attendance", input.target_attendance),
            ("target_registered", input.target_registered),
        ] {
            if v.is_some_and(|v| !(0..=1000).contains(&v)) {
                errors.push(FieldError::new(field, "Chỉ tiêu phải từ 0% đến 100%"));
            }
        }
        let (min_lock, max_lock) = domain::attendance::LOCK_DAYS_RANGE;
        if input
            .lock_days
            .is_some_and(|d| !(min_lock..=max_lock).contains(&d))
        {
            errors.push(FieldError::new(
                "lock_days",
                format!("Số ngày khóa sổ phải từ {min_lock} đến {max_lock}"),
            ));
        }
        let unit = self
            .db
            .units()
            .unit_by_code_unscoped(input.unit_code.trim())
            .await?;
        let unit = match unit {
            Some(u) if p.is_none_or(|p| p.can_manage_campaign(&u.path)) => Some(u),
            Some(_) if p.is_some_and(|p| !p.has(Capability::ManageCampaign)) => {
                return Err(StoreError::Forbidden)
            }
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!(
                        "Không có đơn vị mã \"{}\"",
                        domain::limits::clip(Field::UnitCode, input.unit_code.trim())
                    ),
                ));
                None
            }
        };
        let directive_id = match input.directive_code.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(code) => {
                let row = sqlx::query("SELECT id FROM directives WHERE code = $1")
                    .bind(code.to_string())
                    .fetch_optional(&self.db.pool)
                    .await?;
                match row {
                    Some(r) => Some(get::<i64>(&r, "id")?),
                    None => {
                        errors.push(FieldError::new(
                            "directive_code",
                            format!(
                                "Không có chỉ thị \"{}\"",
                                domain::limits::clip(Field::DocumentNumber, code)
                            ),
                        ));
                        None
                    }
                }
            }
        };
        let (Some(unit), Some(issued_on), true) = (unit, input.issued_on, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO plans (number, title, issued_on, unit_id, directive_id, scope, target_attendance, target_registered, lock_days, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(number.clone())
        .bind(title)
        .bind(date_str(issued_on))
        .bind(unit.id)
        .bind(directive_id)
        .bind(input.scope.trim().to_string())
        .bind(input.target_attendance.unwrap_or(950))
        .bind(input.target_registered.unwrap_or(1000))
        .bind(
            input
                .lock_days
                .unwrap_or(domain::attendance::DEFAULT_LOCK_DAYS),
        )
        .bind(ts(self.db.now()))
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| unique_to_invalid(e, "number", "Đơn vị này đã có kế hoạch cùng số"))?;
        let id: i64 = get(&row, "id")?;
        let plan = self.plan_in(&mut w.tx, id).await?;
        let after = serde_json::to_value(&plan).ok();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "plan", id)
                .label(&plan.number)
                .unit(&plan.unit_path)
                .after(after.as_ref()),
        )
        .await?;
        w.commit().await?;
        Ok(plan)
    }

    async fn plan_in(
        self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        id: i64,
    ) -> Result<Plan> {
        let row = sqlx::query(&format!(
            "SELECT {PLAN_COLS} FROM plans p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN directives d ON d.id = p.directive_id WHERE p.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        plan_from_row(&row)
    }

    /// Plans the principal may see: issued inside their subtree or by a unit above it.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "campaign.plans"))]
    pub async fn plans(self, p: &Principal) -> Result<Vec<Plan>> {
        let mut q = Sql::new(&format!(
            "SELECT {PLAN_COLS} FROM plans p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN directives d ON d.id = p.directive_id WHERE ("
        ));
        q.subtree("u.path", p.unit_prefix()).push(" OR ");
        push_in_paths(&mut q, "u.path", &ancestor_paths(p.unit_prefix()));
        q.push(") ORDER BY p.issued_on, p.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(plan_from_row).collect()
    }

    /// The plan whose targets apply to a unit on a date: the latest issued on or before the date by the
    /// unit or its nearest ancestor.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.plan_for")
    )]
    pub async fn plan_for(self, unit_path: &str, date: NaiveDate) -> Result<Option<Plan>> {
        let mut q = Sql::new(&format!(
            "SELECT {PLAN_COLS} FROM plans p JOIN units u ON u.id = p.unit_id \
             LEFT JOIN directives d ON d.id = p.directive_id WHERE "
        ));
        push_in_paths(&mut q, "u.path", &ancestor_paths(unit_path));
        q.push(" AND p.issued_on <= ")
            .text(date_str(date))
            .push(" ORDER BY u.depth DESC, p.issued_on DESC, p.id DESC LIMIT 1");
        let row = q.query().fetch_optional(&self.db.pool).await?;
        row.as_ref().map(plan_from_row).transpose()
    }

    /// Sets (creates or replaces) the yearly theme a unit issues.
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.set_theme")
    )]
    pub async fn set_theme(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        unit_code: &str,
        year: i32,
        title: &str,
        description: &str,
        plan_number: Option<&str>,
    ) -> Result<Theme> {
        let mut errors = Vec::new();
        let title = text::normalize(title.trim());
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập tên chuyên đề"));
        }
        crate::check_length(&mut errors, "title", Field::Title, &title);
        crate::check_length(
            &mut errors,
            "description",
            Field::Description,
            description.trim(),
        );
        if let Some(n) = plan_number {
            crate::check_length(&mut errors, "plan", Field::DocumentNumber, n.trim());
        }
        if !(2000..=2100).contains(&year) {
            errors.push(FieldError::new("year", "Năm không hợp lệ"));
        }
        let unit = match self
            .db
            .units()
            .unit_by_code_unscoped(unit_code.trim())
            .await?
        {
            Some(u) if p.is_none_or(|p| p.can_manage_campaign(&u.path)) => Some(u),
            Some(_) => return Err(StoreError::Forbidden),
            None => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!(
                        "Không có đơn vị mã \"{}\"",
                        domain::limits::clip(Field::UnitCode, unit_code.trim())
                    ),
                ));
                None
            }
        };
        let plan_id = match (plan_number.map(str::trim).filter(|s| !s.is_empty()), &unit) {
            (None, _) | (_, None) => None,
            (Some(n), Some(u)) => {
                // Plan numbers repeat between provinces: only the unit's own or its ancestors' plans.
                let mut q = Sql::new(
                    "SELECT p.id FROM plans p JOIN units u ON u.id = p.unit_id WHERE p.number = ",
                );
                q.text(n.to_string()).push(" AND ");
                push_in_paths(&mut q, "u.path", &ancestor_paths(&u.path));
                q.push(" ORDER BY u.depth DESC, p.id LIMIT 1");
                let row = q.query().fetch_optional(&self.db.pool).await?;
                match row {
                    Some(r) => Some(get::<i64>(&r, "id")?),
                    None => {
                        errors.push(FieldError::new(
                            "plan",
                            format!(
                                "Không có kế hoạch \"{}\"",
                                domain::limits::clip(Field::DocumentNumber, n)
                            ),
                        ));
                        None
                    }
                }
            }
        };
        let (Some(unit), true) = (unit, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut w = self.db.write().await?;
        let before = sqlx::query("SELECT id, title FROM themes WHERE unit_id = $1 AND year = $2")
            .bind(unit.id)
            .bind(i64::from(year))
            .fetch_optional(&mut *w.tx)
            .await?;
        let id: i64 = match &before {
            Some(r) => {
                let id: i64 = get(r, "id")?;
                sqlx::query(
                    "UPDATE themes SET title = $1, description = $2, plan_id = $3 WHERE id = $4",
                )
                .bind(title.clone())
                .bind(description.trim().to_string())
                .bind(plan_id)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
                id
            }
            None => get(
                &sqlx::query(
                    "INSERT INTO themes (unit_id, plan_id, year, title, description, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(unit.id)
                .bind(plan_id)
                .bind(i64::from(year))
                .bind(title.clone())
                .bind(description.trim().to_string())
                .bind(ts(self.db.now()))
                .fetch_one(&mut *w.tx)
                .await?,
                "id",
            )?,
        };
        let before_json = match &before {
            Some(r) => Some(serde_json::json!({ "title": get::<String>(r, "title")? })),
            None => None,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if before.is_some() { "update" } else { "create" },
                "theme",
                id,
            )
            .label(format!("Chuyên đề năm {year}"))
            .unit(&unit.path)
            .before(before_json.as_ref())
            .after(&serde_json::json!({ "year": year, "title": title })),
        )
        .await?;
        w.commit().await?;
        let themes = self.themes_where(Some(id), None).await?;
        themes.into_iter().next().ok_or(StoreError::NotFound)
    }

    async fn themes_where(self, id: Option<i64>, paths: Option<&[String]>) -> Result<Vec<Theme>> {
        let mut q = Sql::new(
            "SELECT t.id, t.unit_id, u.code AS unit_code, u.name AS unit_name, pl.number AS plan_number, \
             t.year, t.title, t.description FROM themes t JOIN units u ON u.id = t.unit_id \
             LEFT JOIN plans pl ON pl.id = t.plan_id WHERE 1 = 1",
        );
        if let Some(id) = id {
            q.push(" AND t.id = ").int(id);
        }
        if let Some(paths) = paths {
            q.push(" AND ");
            push_in_paths(&mut q, "u.path", paths);
        }
        q.push(" ORDER BY t.year DESC, u.depth DESC");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(sql::read::<ThemeRow>).collect()
    }

    /// Themes that apply to a unit: issued by it or its ancestors, newest year first; per year the
    /// nearest issuer wins.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.themes_for")
    )]
    pub async fn themes_for(self, unit_path: &str) -> Result<Vec<Theme>> {
        let all = self
            .themes_where(None, Some(&ancestor_paths(unit_path)))
            .await?;
        let mut out: Vec<Theme> = Vec::new();
        for t in all {
            if out.last().is_none_or(|l| l.year != t.year) {
                out.push(t);
            }
        }
        Ok(out)
    }

    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "campaign.theme"))]
    pub async fn theme(self, id: i64) -> Result<Option<Theme>> {
        Ok(self.themes_where(Some(id), None).await?.into_iter().next())
    }

    /// Sets a cell's topic for a month ("YYYY-MM").
    #[allow(clippy::too_many_arguments)]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.set_topic")
    )]
    pub async fn set_topic(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        unit_id: i64,
        year: i32,
        month: u32,
        topic: &str,
        thematic: bool,
    ) -> Result<TopicStatus> {
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if p.is_some_and(|p| !p.can_manage_meeting(&unit.path)) {
            return Err(if p.is_some_and(|p| p.can_read_unit(&unit.path)) {
                StoreError::Forbidden
            } else {
                StoreError::NotFound
            });
        }
        let topic = text::normalize(topic.trim());
        let mut errors = Vec::new();
        if topic.is_empty() {
            errors.push(FieldError::new("topic", "Phải nhập chủ đề sinh hoạt"));
        }
        crate::check_length(&mut errors, "topic", Field::Topic, &topic);
        if !(1..=12).contains(&month) || !(2000..=2100).contains(&year) {
            errors.push(FieldError::new("month", "Tháng không hợp lệ"));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let key = format!("{year:04}-{month:02}");
        let mut w = self.db.write().await?;
        let before =
            sqlx::query("SELECT topic FROM monthly_topics WHERE unit_id = $1 AND month = $2")
                .bind(unit_id)
                .bind(key.clone())
                .fetch_optional(&mut *w.tx)
                .await?;
        let now = ts(self.db.now());
        if before.is_some() {
            sqlx::query(
                "UPDATE monthly_topics SET topic = $1, thematic = $2, set_by = $3, set_at = $4 WHERE unit_id = $5 AND month = $6",
            )
            .bind(topic.clone())
            .bind(i64::from(thematic))
            .bind(actor.username.clone())
            .bind(now.clone())
            .bind(unit_id)
            .bind(key.clone())
            .execute(&mut *w.tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO monthly_topics (unit_id, month, topic, thematic, set_by, set_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(unit_id)
            .bind(key.clone())
            .bind(topic.clone())
            .bind(i64::from(thematic))
            .bind(actor.username.clone())
            .bind(now.clone())
            .execute(&mut *w.tx)
            .await?;
        }
        let before_json = match &before {
            Some(r) => Some(serde_json::json!({ "topic": get::<String>(r, "topic")? })),
            None => None,
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if before.is_some() { "update" } else { "create" },
                "topic",
                format!("{unit_id}:{key}"),
            )
            .label(format!("Chủ đề tháng {month:02}/{year} — {}", unit.name))
            .unit(&unit.path)
            .before(before_json.as_ref())
            .after(&serde_json::json!({ "topic": topic, "thematic": thematic })),
        )
        .await?;
        w.commit().await?;
        let calendar = self.calendar(&unit.path, year).await?;
        Ok(TopicStatus {
            unit_id,
            unit_code: unit.code,
            unit_name: unit.name,
            month: key,
            topic: Some(topic),
            thematic,
            set_by: Some(actor.username.clone()),
            set_at: Some(now),
            overdue: false,
            deadline: topic_deadline(&calendar, month),
        })
    }

    /// Every open cell in the subtree with its topic for (year, month), cells without one first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.topic_board")
    )]
    pub async fn topic_board(
        self,
        p: &Principal,
        root_path: &str,
        year: i32,
        month: u32,
    ) -> Result<Vec<TopicStatus>> {
        if !p.can_read_unit(root_path) {
            return Err(StoreError::NotFound);
        }
        let key = format!("{year:04}-{month:02}");
        let mut q = Sql::new(
            "SELECT u.id, u.code, u.name, u.sort_order, u.path, t.topic, t.thematic, t.set_by, t.set_at FROM units u \
             LEFT JOIN monthly_topics t ON t.unit_id = u.id AND t.month = ",
        );
        q.text(key.clone())
            .push(" WHERE u.unit_type IN ('cell', 'grassroots_cell') AND u.valid_to IS NULL AND ");
        q.subtree("u.path", root_path);
        // Cells still missing a topic first, so that the first 5.000 rows always show them.
        q.push(" ORDER BY CASE WHEN t.topic IS NULL THEN 0 ELSE 1 END, u.path LIMIT 5000");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let today = self.db.today();
        let mut book = self.calendars(root_path, year).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let t: TopicRow = sql::from_row(r)?;
            let calendar = book.for_path(&t.path);
            let deadline = topic_deadline(&calendar, month);
            out.push(TopicStatus {
                unit_id: t.id,
                unit_code: t.code,
                unit_name: t.name,
                month: key.clone(),
                overdue: t.topic.is_none() && topic_overdue(&calendar, month, today),
                thematic: t.thematic.unwrap_or(0) != 0,
                topic: t.topic,
                set_by: t.set_by,
                set_at: t.set_at,
                deadline,
            });
        }
        Ok(out)
    }

    /// (cells, cells without a topic) for (year, month) in the subtree, counted in full.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.topic_counts")
    )]
    pub async fn topic_counts(
        self,
        p: &Principal,
        root_path: &str,
        year: i32,
        month: u32,
    ) -> Result<(i64, i64)> {
        if !p.can_read_unit(root_path) {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new(
            "SELECT CAST(COUNT(*) AS BIGINT) AS total, \
             CAST(COALESCE(SUM(CASE WHEN t.topic IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS missing \
             FROM units u LEFT JOIN monthly_topics t ON t.unit_id = u.id AND t.month = ",
        );
        q.text(format!("{year:04}-{month:02}"))
            .push(" WHERE u.unit_type IN ('cell', 'grassroots_cell') AND u.valid_to IS NULL AND ");
        q.subtree("u.path", root_path);
        let row = q.query().fetch_one(&self.db.pool).await?;
        Ok((get(&row, "total")?, get(&row, "missing")?))
    }

    /// A cell's topic for a month, if set.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.topic_of")
    )]
    pub async fn topic_of(
        self,
        unit_id: i64,
        year: i32,
        month: u32,
    ) -> Result<Option<(String, bool)>> {
        let row = sqlx::query(
            "SELECT topic, thematic FROM monthly_topics WHERE unit_id = $1 AND month = $2",
        )
        .bind(unit_id)
        .bind(format!("{year:04}-{month:02}"))
        .fetch_optional(&self.db.pool)
        .await?;
        match row {
            Some(r) => Ok(Some((get(&r, "topic")?, get::<i64>(&r, "thematic")? != 0))),
            None => Ok(None),
        }
    }

    /// The settings of `year` of the units along `unit_path` (root first), and with `subtree` also those of
    /// the units below it: the one reader of calendar rows.
    async fn calendar_rows(
        self,
        unit_path: &str,
        subtree: bool,
        year: i32,
    ) -> Result<Vec<CalendarRow>> {
        let mut q = Sql::new(CALENDAR_SELECT);
        q.lit(i64::from(year)).push(" AND (");
        push_in_paths(&mut q, "u.path", &ancestor_paths(unit_path));
        if subtree {
            q.push(" OR ");
            q.subtree("u.path", unit_path);
        }
        q.push(") ORDER BY u.depth, u.path");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(sql::read::<CalendarCols>).collect()
    }

    /// The calendar in force for the unit with `unit_path` in `year`: its own setting over those of the
    /// units above, lamtheo's defaults where nobody set a field. Calendars are not confidential: every
    /// caller that reads a registration or a topic may know its dates.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.calendar")
    )]
    pub async fn calendar(self, unit_path: &str, year: i32) -> Result<Calendar> {
        let rows = self.calendar_rows(unit_path, false, year).await?;
        let settings: Vec<CalendarSetting> = rows.iter().map(|r| r.setting).collect();
        Ok(cal::resolve(year, &settings))
    }

    /// The settings of `year` of the units in `root_path`'s subtree and above it, to resolve the calendar
    /// of many units (reports) without a query each. `"/"` reads every unit's.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.calendars")
    )]
    pub async fn calendars(self, root_path: &str, year: i32) -> Result<CalendarBook> {
        let by_path = self
            .calendar_rows(root_path, true, year)
            .await?
            .into_iter()
            .map(|r| (r.unit_path, r.setting))
            .collect();
        Ok(CalendarBook {
            year,
            by_path,
            cache: HashMap::new(),
        })
    }

    /// A unit's calendar for a year with what it inherits and from whom (the plan page, the API).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.calendar_view")
    )]
    pub async fn calendar_view(
        self,
        p: &Principal,
        unit_id: i64,
        year: i32,
    ) -> Result<CalendarView> {
        let unit = self.db.units().unit(p, unit_id).await?;
        self.calendar_view_of(&unit, year).await
    }

    async fn calendar_view_of(self, unit: &domain::Unit, year: i32) -> Result<CalendarView> {
        let rows = self.calendar_rows(&unit.path, false, year).await?;
        let (own, above): (Vec<CalendarRow>, Vec<CalendarRow>) =
            rows.into_iter().partition(|r| r.unit_id == unit.id);
        let above_settings: Vec<CalendarSetting> = above.iter().map(|r| r.setting).collect();
        let inherited = cal::resolve(year, &above_settings);
        let own = own.into_iter().next();
        let mut calendar = inherited;
        if let Some(o) = &own {
            calendar.apply(&o.setting);
        }
        let inherited_from = cal::sources(&above_settings)
            .iter()
            .map(|k| k.and_then(|k| above.get(k)).map(|r| r.unit_name.clone()))
            .collect();
        Ok(CalendarView {
            unit_id: unit.id,
            unit_name: unit.name.clone(),
            year,
            calendar,
            inherited,
            inherited_from,
            own,
        })
    }

    /// Sets (replaces) what a unit fixes in its calendar for a year; an empty setting removes the unit's
    /// own and it inherits everything again. Checked by `domain::calendar::validate` over what the unit
    /// inherits; attached to the plan in force for the unit that year. Office and admin over the unit
    /// (`can_manage_campaign`); `None` is the system (CLI, demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "campaign.set_calendar")
    )]
    pub async fn set_calendar(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        unit_id: i64,
        year: i32,
        setting: CalendarSetting,
    ) -> Result<CalendarView> {
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if let Some(p) = p {
            if !p.can_read_unit(&unit.path) {
                return Err(StoreError::NotFound);
            }
            if !p.can_manage_campaign(&unit.path) {
                return Err(StoreError::Forbidden);
            }
        }
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "year",
                "Năm không hợp lệ",
            )]));
        }
        let rows = self.calendar_rows(&unit.path, false, year).await?;
        let above: Vec<CalendarSetting> = rows
            .iter()
            .filter(|r| r.unit_id != unit.id)
            .map(|r| r.setting)
            .collect();
        let before = rows
            .iter()
            .find(|r| r.unit_id == unit.id)
            .map(|r| r.setting);
        cal::validate(year, &above, &setting).map_err(|faults| {
            StoreError::Invalid(
                faults
                    .into_iter()
                    .map(|f| FieldError::new(f.field.as_str(), f.message))
                    .collect(),
            )
        })?;
        let plan_id = match NaiveDate::from_ymd_opt(year, 12, 31) {
            Some(end) => self.plan_for(&unit.path, end).await?.map(|pl| pl.id),
            None => None,
        };
        let d = |f: CalendarField| setting.date(f).map(date_str);
        let mut w = self.db.write().await?;
        let existing =
            sqlx::query("SELECT id FROM campaign_calendars WHERE unit_id = $1 AND year = $2")
                .bind(unit.id)
                .bind(i64::from(year))
                .fetch_optional(&mut *w.tx)
                .await?;
        let now = ts(self.db.now());
        let action = match (&existing, setting.is_empty()) {
            (Some(_), true) => {
                sqlx::query("DELETE FROM campaign_calendars WHERE unit_id = $1 AND year = $2")
                    .bind(unit.id)
                    .bind(i64::from(year))
                    .execute(&mut *w.tx)
                    .await?;
                Some("delete")
            }
            (None, true) => None,
            (Some(_), false) => {
                sqlx::query(
                    "UPDATE campaign_calendars SET plan_id = $1, registration_deadline = $2, \
                     midyear_review_opens = $3, yearend_review_opens = $4, assessment_opens = $5, \
                     midyear_report_due = $6, yearend_report_due = $7, topic_day = $8, set_by = $9, \
                     set_at = $10 WHERE unit_id = $11 AND year = $12",
                )
                .bind(plan_id)
                .bind(d(CalendarField::RegistrationDeadline))
                .bind(d(CalendarField::MidyearReviewOpens))
                .bind(d(CalendarField::YearendReviewOpens))
                .bind(d(CalendarField::AssessmentOpens))
                .bind(d(CalendarField::MidyearReportDue))
                .bind(d(CalendarField::YearendReportDue))
                .bind(setting.topic_day.map(i64::from))
                .bind(actor.username.clone())
                .bind(now.clone())
                .bind(unit.id)
                .bind(i64::from(year))
                .execute(&mut *w.tx)
                .await?;
                Some("update")
            }
            (None, false) => {
                sqlx::query(
                    "INSERT INTO campaign_calendars (unit_id, year, plan_id, registration_deadline, \
                     midyear_review_opens, yearend_review_opens, assessment_opens, midyear_report_due, \
                     yearend_report_due, topic_day, set_by, set_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                )
                .bind(unit.id)
                .bind(i64::from(year))
                .bind(plan_id)
                .bind(d(CalendarField::RegistrationDeadline))
                .bind(d(CalendarField::MidyearReviewOpens))
                .bind(d(CalendarField::YearendReviewOpens))
                .bind(d(CalendarField::AssessmentOpens))
                .bind(d(CalendarField::MidyearReportDue))
                .bind(d(CalendarField::YearendReportDue))
                .bind(setting.topic_day.map(i64::from))
                .bind(actor.username.clone())
                .bind(now.clone())
                .execute(&mut *w.tx)
                .await?;
                Some("create")
            }
        };
        if let Some(action) = action {
            let before_json = before.and_then(|b| serde_json::to_value(b).ok());
            let after_json = (!setting.is_empty())
                .then(|| serde_json::to_value(setting).ok())
                .flatten();
            audit::record(
                &mut w.tx,
                self.db.now(),
                actor,
                &audit::AuditEvent::new(action, "calendar", format!("{}:{year}", unit.id))
                    .label(format!("Lịch thực hiện năm {year} — {}", unit.name))
                    .unit(&unit.path)
                    .before(before_json.as_ref())
                    .after(after_json.as_ref()),
            )
            .await?;
            w.commit().await?;
        }
        self.calendar_view_of(&unit, year).await
    }
}

/// A UNIQUE violation becomes a field error.
pub(crate) fn unique_to_invalid(e: sqlx::Error, field: &str, message: &str) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_unique_violation() {
            return StoreError::Invalid(vec![FieldError::new(field, message)]);
        }
    }
    StoreError::Database(e)
}

#[cfg(test)]
mod tests {
    #[test]
    fn ancestors_of_a_path() {
        assert_eq!(
            super::ancestor_paths("/1/5/23/"),
            vec!["/1/".to_string(), "/1/5/".into(), "/1/5/23/".into()]
        );
        assert!(super::ancestor_paths("").is_empty());
    }
}
