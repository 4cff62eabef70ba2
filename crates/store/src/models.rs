//! The registry of good-practice models ("mô hình, cách làm hay", docs/DOMAIN.md § Models): models with
//! their owner unit, measurable results over time, evidence photos (checked and thumbnailed by the
//! caller's check, `office::check_photo`, run here on the heavy-work pool; stored in the database) and
//! replication (adoptions by other units).
//!
//! Scope: a user sees the models of their subtree, of the units above it, and the models a unit of their
//! subtree adopted; anything else is `NotFound`. Writes follow `domain::policy` (`can_manage_model` over the
//! owner, `can_adopt_model` over the adopting unit) and are audited in the same transaction. The rules of
//! what may be entered are `domain::models`.
//!
//! `public_models`, `public_model` and `public_model_photo` are the read paths of the public portal: only
//! models marked public, and nothing about the people who entered them (no user names, no notes).

use crate::meetings::{UnitRef, UnitRefCols};
use crate::sql::{self, RowInto, Sql};
use crate::{audit, date_str, get, ts, Actor, FieldError, Models, Result, StoreError};
use chrono::NaiveDate;
use domain::models::{
    check_adoption, check_model, check_result, parse_field, status_after_adoption,
    status_from_records, ModelFields, ModelStatus, ResultFields,
};
use domain::policy::Principal;
use domain::text;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Most photos one model may hold.
pub const MAX_PHOTOS_PER_MODEL: i64 = 60;
/// Most results one model may hold.
pub const MAX_RESULTS_PER_MODEL: i64 = 2000;

/// A unit that adopted (nhân rộng) a model.
#[derive(Debug, Clone, Serialize)]
pub struct Adoption {
    pub id: i64,
    pub model_id: i64,
    pub unit: UnitRef,
    #[serde(skip)]
    pub unit_path: String,
    pub adopted_on: NaiveDate,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
}

/// A good-practice model with the units it spread to.
#[derive(Debug, Clone, Serialize)]
pub struct Model {
    pub id: i64,
    /// The owner unit.
    pub unit: UnitRef,
    #[serde(skip)]
    pub unit_path: String,
    pub name: String,
    pub field: String,
    pub description: String,
    pub started_on: NaiveDate,
    pub participants: String,
    pub participants_count: Option<i64>,
    pub status: ModelStatus,
    pub public: bool,
    /// Adoptions by other units, oldest first.
    pub replications: Vec<Adoption>,
    pub result_count: i64,
    pub photo_count: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_by: String,
    pub updated_at: String,
}

/// What a user supplies to create or edit a model. The owner unit is fixed at creation.
#[derive(Debug, Clone)]
pub struct ModelInput {
    pub unit_code: String,
    pub name: String,
    pub field: String,
    pub description: String,
    pub started_on: Option<NaiveDate>,
    pub participants: String,
    pub participants_count: Option<i64>,
    pub status: ModelStatus,
    pub public: bool,
}

impl ModelInput {
    pub fn new(unit_code: &str, name: &str, field: &str, started_on: NaiveDate) -> ModelInput {
        ModelInput {
            unit_code: unit_code.to_string(),
            name: name.to_string(),
            field: field.to_string(),
            description: String::new(),
            started_on: Some(started_on),
            participants: String::new(),
            participants_count: None,
            status: ModelStatus::InProgress,
            public: true,
        }
    }

    pub fn from_model(m: &Model) -> ModelInput {
        ModelInput {
            unit_code: m.unit.code.clone(),
            name: m.name.clone(),
            field: m.field.clone(),
            description: m.description.clone(),
            started_on: Some(m.started_on),
            participants: m.participants.clone(),
            participants_count: m.participants_count,
            status: m.status,
            public: m.public,
        }
    }
}

/// A measurable result of a model on a date.
#[derive(Debug, Clone, Serialize)]
pub struct ModelResult {
    pub id: i64,
    pub model_id: i64,
    pub measured_on: NaiveDate,
    pub indicator: String,
    pub value: f64,
    pub unit: String,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone)]
pub struct ResultInput {
    pub measured_on: Option<NaiveDate>,
    pub indicator: String,
    pub value: Option<f64>,
    pub unit: String,
    pub note: String,
}

/// A stored photo (without its bytes).
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PhotoInfo {
    pub id: i64,
    pub model_id: i64,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub width: i64,
    pub height: i64,
    pub caption: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// A model with everything shown on its page.
#[derive(Debug, Clone, Serialize)]
pub struct ModelDetail {
    #[serde(flatten)]
    pub model: Model,
    pub results: Vec<ModelResult>,
    pub photos: Vec<PhotoInfo>,
}

/// A model adopted by a unit, as that unit's list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AdoptedModel {
    pub adoption: Adoption,
    pub model: Model,
}

#[derive(Debug, Clone, Default)]
pub struct ModelFilter {
    /// Subtree whose models are listed (by owner); None = the principal's own unit.
    pub unit_path: Option<String>,
    /// Also the models owned by the units above that subtree (they concern it too).
    pub with_ancestors: bool,
    pub field: Option<String>,
    pub status: Option<ModelStatus>,
    /// Words searched in name, field and description, diacritics ignored.
    pub q: Option<String>,
    /// 0 = the default (500); at most 5000.
    pub limit: i64,
}

// ------------------------------------------------------------------------------------------------
// Public read models: no user names, no notes
// ------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize)]
pub struct PublicAdoption {
    pub unit: UnitRef,
    pub adopted_on: NaiveDate,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicModel {
    pub id: i64,
    pub unit: UnitRef,
    pub name: String,
    pub field: String,
    pub description: String,
    pub started_on: NaiveDate,
    pub participants: String,
    pub participants_count: Option<i64>,
    pub status: ModelStatus,
    pub replications: Vec<PublicAdoption>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicResult {
    pub measured_on: NaiveDate,
    pub indicator: String,
    pub value: f64,
    pub unit: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicPhoto {
    pub id: i64,
    pub caption: String,
    pub width: i64,
    pub height: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicModelDetail {
    #[serde(flatten)]
    pub model: PublicModel,
    pub results: Vec<PublicResult>,
    pub photos: Vec<PublicPhoto>,
}

#[derive(Debug, Clone, Default)]
pub struct PublicModelFilter {
    /// Owner subtree (a unit's path); None = everywhere.
    pub unit_path: Option<String>,
    pub field: Option<String>,
    pub status: Option<ModelStatus>,
    pub q: Option<String>,
    /// 0 = the default (500); at most 5000.
    pub limit: i64,
}

impl PublicModel {
    fn of(m: &Model) -> PublicModel {
        PublicModel {
            id: m.id,
            unit: m.unit.clone(),
            name: m.name.clone(),
            field: m.field.clone(),
            description: m.description.clone(),
            started_on: m.started_on,
            participants: m.participants.clone(),
            participants_count: m.participants_count,
            status: m.status,
            replications: m
                .replications
                .iter()
                .map(|a| PublicAdoption {
                    unit: a.unit.clone(),
                    adopted_on: a.adopted_on,
                })
                .collect(),
        }
    }
}

const MODEL_COLS: &str = "m.id, m.unit_id, u.code AS unit_code, u.name AS unit_name, m.unit_path, m.name, \
    m.field, m.description, m.started_on, m.participants, m.participants_count, m.status, m.is_public, \
    m.created_by, m.created_at, m.updated_by, m.updated_at, \
    (SELECT COUNT(*) FROM model_results r WHERE r.model_id = m.id) AS result_count, \
    (SELECT COUNT(*) FROM model_photos ph WHERE ph.model_id = m.id) AS photo_count";

const MODEL_FROM: &str = "FROM models m JOIN units u ON u.id = m.unit_id";

const ADOPTION_COLS: &str =
    "a.id, a.model_id, a.unit_id, u.code AS unit_code, u.name AS unit_name, \
    a.unit_path, a.adopted_on, a.note, a.created_by, a.created_at";

const RESULT_COLS: &str =
    "id, model_id, measured_on, indicator, value, unit, note, created_by, created_at";

const PHOTO_COLS: &str = "id, model_id, filename, content_type, size, width, height, caption, \
    uploaded_by, uploaded_at";

fn model_status(s: String) -> Result<ModelStatus> {
    ModelStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("trạng thái mô hình {s}")))
}

/// A model as `MODEL_COLS` selects it.
#[derive(sqlx::FromRow)]
struct ModelRow {
    id: i64,
    #[sqlx(flatten)]
    unit: UnitRefCols,
    unit_path: String,
    name: String,
    field: String,
    description: String,
    started_on: String,
    participants: String,
    participants_count: Option<i64>,
    status: String,
    is_public: i64,
    result_count: i64,
    photo_count: i64,
    created_by: String,
    created_at: String,
    updated_by: String,
    updated_at: String,
}

impl RowInto for ModelRow {
    type Target = Model;
    fn convert(self) -> Result<Model> {
        Ok(Model {
            id: self.id,
            unit: self.unit.into(),
            unit_path: self.unit_path,
            name: self.name,
            field: self.field,
            description: self.description,
            started_on: sql::date(self.started_on)?,
            participants: self.participants,
            participants_count: self.participants_count,
            status: model_status(self.status)?,
            public: self.is_public != 0,
            replications: Vec::new(),
            result_count: self.result_count,
            photo_count: self.photo_count,
            created_by: self.created_by,
            created_at: self.created_at,
            updated_by: self.updated_by,
            updated_at: self.updated_at,
        })
    }
}

fn model_from_row(r: &AnyRow) -> Result<Model> {
    sql::read::<ModelRow>(r)
}

/// An adoption as `ADOPTION_COLS` selects it.
#[derive(sqlx::FromRow)]
struct AdoptionRow {
    id: i64,
    model_id: i64,
    #[sqlx(flatten)]
    unit: UnitRefCols,
    unit_path: String,
    adopted_on: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl RowInto for AdoptionRow {
    type Target = Adoption;
    fn convert(self) -> Result<Adoption> {
        Ok(Adoption {
            id: self.id,
            model_id: self.model_id,
            unit: self.unit.into(),
            unit_path: self.unit_path,
            adopted_on: sql::date(self.adopted_on)?,
            note: self.note,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

fn adoption_from_row(r: &AnyRow) -> Result<Adoption> {
    sql::read::<AdoptionRow>(r)
}

/// A result as `RESULT_COLS` selects it.
#[derive(sqlx::FromRow)]
struct ResultRow {
    id: i64,
    model_id: i64,
    measured_on: String,
    indicator: String,
    value: f64,
    unit: String,
    note: String,
    created_by: String,
    created_at: String,
}

impl RowInto for ResultRow {
    type Target = ModelResult;
    fn convert(self) -> Result<ModelResult> {
        Ok(ModelResult {
            id: self.id,
            model_id: self.model_id,
            measured_on: sql::date(self.measured_on)?,
            indicator: self.indicator,
            value: self.value,
            unit: self.unit,
            note: self.note,
            created_by: self.created_by,
            created_at: self.created_at,
        })
    }
}

fn result_from_row(r: &AnyRow) -> Result<ModelResult> {
    sql::read::<ResultRow>(r)
}

fn photo_from_row(r: &AnyRow) -> Result<PhotoInfo> {
    sql::from_row(r)
}

/// The text searched: name, field and description folded (lower case, no diacritics).
fn search_fold(name: &str, field: &str, description: &str) -> String {
    text::fold(&format!("{name} \u{2022} {field} \u{2022} {description}"))
}

/// `LIKE` pattern for a substring (escaping `%`, `_` and `\`).
fn like_pattern(folded: &str) -> String {
    let mut p = String::with_capacity(folded.len() + 2);
    p.push('%');
    for c in folded.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

fn field_errors(errors: Vec<(&'static str, String)>) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|(f, m)| FieldError::new(f, m))
        .collect()
}

/// The refusal of "được biểu dương" set by hand (it follows commendation decisions).
fn commended_by_hand() -> FieldError {
    FieldError::new(
        "status",
        "Trạng thái \"Được biểu dương\" có khi có quyết định khen thưởng, biểu dương gắn với mô hình",
    )
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

/// Stored photo names: the last path segment, no control or reserved characters, at most 200 characters.
fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | ':' | '*' | '?'))
        .take(200)
        .collect();
    let cleaned = text::normalize(cleaned.trim());
    if cleaned.is_empty() {
        "anh".to_string()
    } else {
        cleaned
    }
}

/// The checked, normalised values of a model input.
struct Checked {
    name: String,
    field: &'static str,
    description: String,
    started_on: NaiveDate,
    participants: String,
}

fn check_input(
    input: &ModelInput,
    today: NaiveDate,
) -> std::result::Result<Checked, Vec<FieldError>> {
    let name = text::normalize(&input.name);
    let description = text::normalize_multiline(&input.description);
    let participants = text::normalize(&input.participants);
    let errors = check_model(
        &ModelFields {
            name: &name,
            field: &input.field,
            description: &description,
            started_on: input.started_on,
            participants: &participants,
            participants_count: input.participants_count,
        },
        today,
    );
    match (
        parse_field(&input.field),
        input.started_on,
        errors.is_empty(),
    ) {
        (Some(field), Some(started_on), true) => Ok(Checked {
            name,
            field,
            description,
            started_on,
            participants,
        }),
        _ => Err(field_errors(errors)),
    }
}

impl Models<'_> {
    /// Creates a model owned by the unit `input.unit_code`. `p` None = system (CLI, demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.create_model")
    )]
    pub async fn create_model(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        input: &ModelInput,
    ) -> Result<Model> {
        let code = input.unit_code.trim();
        let mut errors = Vec::new();
        let unit = match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.is_none_or(|p| p.can_manage_model(&u.path)) => Some(u),
            // A unit the user sees (their subtree, or above it) but does not manage.
            Some(u) if p.is_some_and(|p| p.can_read_unit(&u.path) || p.can_read_model(&u.path)) => {
                return Err(StoreError::Forbidden)
            }
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    if code.is_empty() {
                        "Phải chọn đơn vị có mô hình".to_string()
                    } else {
                        format!("Không có đơn vị mã \"{code}\"")
                    },
                ));
                None
            }
        };
        let checked = match check_input(input, self.db.today()) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        if input.status == ModelStatus::Commended {
            errors.push(commended_by_hand());
        }
        let (Some(unit), Some(c), true) = (unit, checked, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO models (unit_id, unit_path, name, field, description, started_on, participants, \
             participants_count, status, is_public, search_fold, created_by, created_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $12, $13) RETURNING id",
        )
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(c.name.clone())
        .bind(c.field)
        .bind(c.description.clone())
        .bind(date_str(c.started_on))
        .bind(c.participants.clone())
        .bind(input.participants_count)
        .bind(input.status.as_str())
        .bind(i64::from(input.public))
        .bind(search_fold(&c.name, c.field, &c.description))
        .bind(actor.username.clone())
        .bind(now)
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let model = model_in(&mut w.tx, id).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "model", id)
                .label(&model.name)
                .unit(&model.unit_path)
                .after(serde_json::to_value(&model).ok().as_ref()),
        )
        .await?;
        w.commit().await?;
        self.model_unscoped(id).await
    }

    /// Edits a model (not its owner unit).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.update_model")
    )]
    pub async fn update_model(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        input: &ModelInput,
    ) -> Result<Model> {
        let before = self.model(p, id).await?;
        if !p.can_manage_model(&before.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        let code = input.unit_code.trim();
        if !code.is_empty() && code != before.unit.code {
            errors.push(FieldError::new(
                "unit_code",
                "Không đổi được đơn vị có mô hình; hãy ghi nhận mô hình mới cho đơn vị kia",
            ));
        }
        let checked = match check_input(input, self.db.today()) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        // "Được biểu dương" comes from commendations: a form may re-send it unchanged, never set it.
        if input.status == ModelStatus::Commended && before.status != ModelStatus::Commended {
            errors.push(commended_by_hand());
        }
        let (Some(c), true) = (checked, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let mut w = self.db.write().await?;
        let status = if commended_by_decision(&mut w.tx, id).await? {
            ModelStatus::Commended
        } else {
            // Unchanged "commended" without a decision (set by hand before decisions drove it) stays.
            input.status
        };
        sqlx::query(
            "UPDATE models SET name = $1, field = $2, description = $3, started_on = $4, participants = $5, \
             participants_count = $6, status = $7, is_public = $8, search_fold = $9, updated_by = $10, updated_at = $11 \
             WHERE id = $12",
        )
        .bind(c.name.clone())
        .bind(c.field)
        .bind(c.description.clone())
        .bind(date_str(c.started_on))
        .bind(c.participants.clone())
        .bind(input.participants_count)
        .bind(status.as_str())
        .bind(i64::from(input.public))
        .bind(search_fold(&c.name, c.field, &c.description))
        .bind(actor.username.clone())
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        let after = model_in(&mut w.tx, id).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", "model", id)
                .label(&after.name)
                .unit(&after.unit_path)
                .before(serde_json::to_value(&before).ok().as_ref())
                .after(serde_json::to_value(&after).ok().as_ref()),
        )
        .await?;
        w.commit().await?;
        self.model_unscoped(id).await
    }

    /// A model with its replications, whoever asks (CLI, demo, portal internals).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.model_unscoped")
    )]
    pub async fn model_unscoped(self, id: i64) -> Result<Model> {
        let row = sqlx::query(&format!("SELECT {MODEL_COLS} {MODEL_FROM} WHERE m.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut list = vec![model_from_row(&row)?];
        self.attach_replications(&mut list).await?;
        list.pop().ok_or(StoreError::NotFound)
    }

    /// A model the principal may see (404 otherwise): owned in their subtree or above it, or adopted by a
    /// unit of their subtree.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "models.model"))]
    pub async fn model(self, p: &Principal, id: i64) -> Result<Model> {
        let m = self.model_unscoped(id).await?;
        if self.may_see_model(p, &m) {
            Ok(m)
        } else {
            Err(StoreError::NotFound)
        }
    }

    fn may_see_model(self, p: &Principal, m: &Model) -> bool {
        p.can_read_model(&m.unit_path)
            || (p.has(domain::policy::Capability::ReadUnits)
                && m.replications.iter().any(|a| p.covers(&a.unit_path)))
    }

    /// A model with its results (oldest first) and photos.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.model_detail")
    )]
    pub async fn model_detail(self, p: &Principal, id: i64) -> Result<ModelDetail> {
        let model = self.model(p, id).await?;
        let results = self.results_of(id).await?;
        let photos = self.photos_of(id).await?;
        Ok(ModelDetail {
            model,
            results,
            photos,
        })
    }

    /// Models owned in a subtree (optionally also by the units above it), newest start first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.list_models")
    )]
    pub async fn list_models(self, p: &Principal, f: &ModelFilter) -> Result<Vec<Model>> {
        let root = f
            .unit_path
            .clone()
            .unwrap_or_else(|| p.unit_prefix().to_string());
        if !p.can_read_unit(&root) {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new(&format!("SELECT {MODEL_COLS} {MODEL_FROM} WHERE ("));
        q.subtree("m.unit_path", &root);
        if f.with_ancestors {
            let mut above = crate::campaign::ancestor_paths(&root);
            above.pop();
            // Only the ancestors the principal may read models of (all of them: units above concern it).
            above.retain(|a| p.can_read_model(a));
            if !above.is_empty() {
                q.push(" OR ");
                crate::campaign::push_in_paths(&mut q, "m.unit_path", &above);
            }
        }
        q.push(")");
        self.push_filters(&mut q, f.field.as_deref(), f.status, f.q.as_deref());
        q.push(" ORDER BY m.started_on DESC, m.id DESC LIMIT ")
            .lit(if f.limit > 0 { f.limit.min(5000) } else { 500 });
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut list = rows
            .iter()
            .map(model_from_row)
            .collect::<Result<Vec<_>>>()?;
        self.attach_replications(&mut list).await?;
        Ok(list)
    }

    fn push_filters(
        self,
        q: &mut Sql,
        field: Option<&str>,
        status: Option<ModelStatus>,
        search: Option<&str>,
    ) {
        if let Some(f) = field.filter(|s| !s.trim().is_empty()) {
            match parse_field(f) {
                Some(f) => q.push(" AND m.field = ").text(f),
                None => q.push(" AND 1 = 0"),
            };
        }
        if let Some(s) = status {
            q.push(" AND m.status = ").safe(s.as_str());
        }
        if let Some(s) = search {
            for word in text::fold(s).split(' ').filter(|w| !w.is_empty()).take(8) {
                q.push(" AND m.search_fold LIKE ")
                    .text(like_pattern(word))
                    .push(" ESCAPE '\\'");
            }
        }
    }

    /// The models adopted by the units of a subtree, newest adoption first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.adopted_models")
    )]
    pub async fn adopted_models(self, p: &Principal, unit_path: &str) -> Result<Vec<AdoptedModel>> {
        if !p.can_read_unit(unit_path) {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new(&format!(
            "SELECT {ADOPTION_COLS} FROM model_adoptions a JOIN units u ON u.id = a.unit_id WHERE "
        ));
        q.subtree("a.unit_path", unit_path)
            .push(" ORDER BY a.adopted_on DESC, a.id DESC LIMIT 2000");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let adoptions = rows
            .iter()
            .map(adoption_from_row)
            .collect::<Result<Vec<_>>>()?;
        let models = self
            .models_by_ids(adoptions.iter().map(|a| a.model_id))
            .await?;
        Ok(adoptions
            .into_iter()
            .filter_map(|a| {
                let model = models.get(&a.model_id)?.clone();
                Some(AdoptedModel { adoption: a, model })
            })
            .collect())
    }

    async fn models_by_ids(self, ids: impl Iterator<Item = i64>) -> Result<HashMap<i64, Model>> {
        let mut ids: Vec<i64> = ids.collect();
        ids.sort_unstable();
        ids.dedup();
        let mut out = HashMap::new();
        for chunk in ids.chunks(500) {
            let mut q = Sql::new(&format!("SELECT {MODEL_COLS} {MODEL_FROM} WHERE m.id IN ("));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(")");
            let rows = q.query().fetch_all(&self.db.pool).await?;
            let mut list = rows
                .iter()
                .map(model_from_row)
                .collect::<Result<Vec<_>>>()?;
            self.attach_replications(&mut list).await?;
            out.extend(list.into_iter().map(|m| (m.id, m)));
        }
        Ok(out)
    }

    /// Fills `replications` of the given models (one query per 500 models).
    async fn attach_replications(self, models: &mut [Model]) -> Result<()> {
        let mut by_model: HashMap<i64, Vec<Adoption>> = HashMap::new();
        for chunk in models.chunks(500) {
            if chunk.is_empty() {
                continue;
            }
            let mut q = Sql::new(&format!(
                "SELECT {ADOPTION_COLS} FROM model_adoptions a JOIN units u ON u.id = a.unit_id WHERE a.model_id IN ("
            ));
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(m.id);
            }
            q.push(") ORDER BY a.adopted_on, a.id");
            for r in q.query().fetch_all(&self.db.pool).await? {
                let a = adoption_from_row(&r)?;
                by_model.entry(a.model_id).or_default().push(a);
            }
        }
        for m in models.iter_mut() {
            m.replications = by_model.remove(&m.id).unwrap_or_default();
        }
        Ok(())
    }

    async fn results_of(self, model_id: i64) -> Result<Vec<ModelResult>> {
        let rows = sqlx::query(&format!(
            "SELECT {RESULT_COLS} FROM model_results WHERE model_id = $1 ORDER BY measured_on, id"
        ))
        .bind(model_id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(result_from_row).collect()
    }

    async fn photos_of(self, model_id: i64) -> Result<Vec<PhotoInfo>> {
        let rows = sqlx::query(&format!(
            "SELECT {PHOTO_COLS} FROM model_photos WHERE model_id = $1 ORDER BY id"
        ))
        .bind(model_id)
        .fetch_all(&self.db.pool)
        .await?;
        rows.iter().map(photo_from_row).collect()
    }

    /// The results of a model, oldest measurement first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.model_results")
    )]
    pub async fn model_results(self, p: &Principal, model_id: i64) -> Result<Vec<ModelResult>> {
        self.model(p, model_id).await?;
        self.results_of(model_id).await
    }

    /// Records a measurable result of a model.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.add_model_result")
    )]
    pub async fn add_model_result(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        model_id: i64,
        input: &ResultInput,
    ) -> Result<ModelResult> {
        let m = match p {
            Some(p) => {
                let m = self.model(p, model_id).await?;
                if !p.can_manage_model(&m.unit_path) {
                    return Err(StoreError::Forbidden);
                }
                m
            }
            None => self.model_unscoped(model_id).await?,
        };
        if m.result_count >= MAX_RESULTS_PER_MODEL {
            return Err(invalid(
                "indicator",
                format!(
                    "Mỗi mô hình ghi tối đa {} kết quả",
                    text::format_int(MAX_RESULTS_PER_MODEL)
                ),
            ));
        }
        let indicator = text::normalize(&input.indicator);
        let unit = text::normalize(&input.unit);
        let note = text::normalize_multiline(&input.note);
        let errors = check_result(
            &ResultFields {
                measured_on: input.measured_on,
                indicator: &indicator,
                value: input.value,
                unit: &unit,
                note: &note,
            },
            m.started_on,
            self.db.today(),
        );
        let (Some(measured_on), Some(value), true) =
            (input.measured_on, input.value, errors.is_empty())
        else {
            return Err(StoreError::Invalid(field_errors(errors)));
        };
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO model_results (model_id, measured_on, indicator, value, unit, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(model_id)
        .bind(date_str(measured_on))
        .bind(indicator.clone())
        .bind(value)
        .bind(unit.clone())
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let result = ModelResult {
            id,
            model_id,
            measured_on,
            indicator,
            value,
            unit,
            note,
            created_by: actor.username.clone(),
            created_at: now,
        };
        self.commit_model_change(
            w,
            &m,
            actor,
            "add_result",
            None,
            serde_json::to_value(&result).ok().as_ref(),
        )
        .await?;
        Ok(result)
    }

    /// Deletes a result entered by mistake (kept in the audit log).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.delete_model_result")
    )]
    pub async fn delete_model_result(
        self,
        actor: &Actor,
        p: &Principal,
        model_id: i64,
        result_id: i64,
    ) -> Result<()> {
        let m = self.model(p, model_id).await?;
        if !p.can_manage_model(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let before = self
            .results_of(model_id)
            .await?
            .into_iter()
            .find(|r| r.id == result_id)
            .ok_or(StoreError::NotFound)?;
        self.delete_model_part(
            actor,
            &m,
            "model_results",
            result_id,
            "delete_result",
            &before,
        )
        .await
    }

    /// The photos of a model (without bytes).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.model_photos")
    )]
    pub async fn model_photos(self, p: &Principal, model_id: i64) -> Result<Vec<PhotoInfo>> {
        self.model(p, model_id).await?;
        self.photos_of(model_id).await
    }

    /// Stores an evidence photo with its JPEG thumbnail once `check` accepted it (`office::check_photo`:
    /// type by content, 8 MB, 40 megapixels, not corrupt). The check runs after the scope, caption and
    /// photo-count checks, on the heavy-work pool; its refusal is a `file` field error.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.add_model_photo")
    )]
    #[allow(clippy::too_many_arguments)]
    pub async fn add_model_photo<E>(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        model_id: i64,
        filename: &str,
        bytes: &[u8],
        caption: &str,
        check: domain::photo::PhotoCheck<E>,
    ) -> Result<PhotoInfo>
    where
        E: std::fmt::Display + Send + 'static,
    {
        let m = match p {
            Some(p) => {
                let m = self.model(p, model_id).await?;
                if !p.can_manage_model(&m.unit_path) {
                    return Err(StoreError::Forbidden);
                }
                m
            }
            None => self.model_unscoped(model_id).await?,
        };
        let caption = text::normalize(caption);
        if caption.chars().count() > domain::models::MAX_NOTE {
            return Err(invalid("caption", "Chú thích ảnh dài quá 1.000 ký tự"));
        }
        if m.photo_count >= MAX_PHOTOS_PER_MODEL {
            return Err(invalid(
                "file",
                format!("Mỗi mô hình lưu tối đa {MAX_PHOTOS_PER_MODEL} ảnh; hãy xóa bớt ảnh cũ"),
            ));
        }
        // Decoding and thumbnailing is CPU work: off the async workers (crate::heavy).
        let (name, data) = (filename.to_string(), bytes.to_vec());
        let photo = crate::heavy::run(move || check(&name, &data))
            .await
            .map_err(|e| invalid("file", e.to_string()))?;
        let filename = clean_filename(&photo.filename);
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO model_photos (model_id, filename, content_type, size, content, thumbnail, width, height, \
             caption, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(model_id)
        .bind(filename.clone())
        .bind(photo.content_type)
        .bind(bytes.len() as i64)
        .bind(bytes.to_vec())
        .bind(photo.thumbnail_jpeg)
        .bind(i64::from(photo.width))
        .bind(i64::from(photo.height))
        .bind(caption.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let info = PhotoInfo {
            id,
            model_id,
            filename,
            content_type: photo.content_type.to_string(),
            size: bytes.len() as i64,
            width: i64::from(photo.width),
            height: i64::from(photo.height),
            caption,
            uploaded_by: actor.username.clone(),
            uploaded_at: now,
        };
        self.commit_model_change(
            w,
            &m,
            actor,
            "add_photo",
            None,
            serde_json::to_value(&info).ok().as_ref(),
        )
        .await?;
        Ok(info)
    }

    /// Deletes a photo (its description stays in the audit log).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.delete_model_photo")
    )]
    pub async fn delete_model_photo(
        self,
        actor: &Actor,
        p: &Principal,
        model_id: i64,
        photo_id: i64,
    ) -> Result<()> {
        let m = self.model(p, model_id).await?;
        if !p.can_manage_model(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let before = self
            .photos_of(model_id)
            .await?
            .into_iter()
            .find(|x| x.id == photo_id)
            .ok_or(StoreError::NotFound)?;
        self.delete_model_part(actor, &m, "model_photos", photo_id, "delete_photo", &before)
            .await
    }

    /// A photo's bytes (or its JPEG thumbnail), through a model the principal may see.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.model_photo")
    )]
    pub async fn model_photo(
        self,
        p: &Principal,
        model_id: i64,
        photo_id: i64,
        thumbnail: bool,
    ) -> Result<(PhotoInfo, Vec<u8>)> {
        self.model(p, model_id).await?;
        self.photo_bytes(model_id, photo_id, thumbnail).await
    }

    async fn photo_bytes(
        self,
        model_id: i64,
        photo_id: i64,
        thumbnail: bool,
    ) -> Result<(PhotoInfo, Vec<u8>)> {
        let col = if thumbnail { "thumbnail" } else { "content" };
        let row = sqlx::query(&format!(
            "SELECT {PHOTO_COLS}, {col} AS bytes FROM model_photos WHERE id = $1 AND model_id = $2"
        ))
        .bind(photo_id)
        .bind(model_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut info = photo_from_row(&row)?;
        if thumbnail {
            info.content_type = "image/jpeg".to_string();
        }
        Ok((info, get(&row, "bytes")?))
    }

    /// Records that the unit `unit_code` adopted (nhân rộng) a model on `adopted_on`. The model must be
    /// visible to the principal or public; the principal must manage the adopting unit. A first adoption
    /// of a model "đang triển khai" makes it "nhân rộng" (`domain::models::status_after_adoption`).
    /// `p` None = system (CLI, demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.adopt_model")
    )]
    pub async fn adopt_model(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        model_id: i64,
        unit_code: &str,
        adopted_on: Option<NaiveDate>,
        note: &str,
    ) -> Result<Adoption> {
        let m = self.model_unscoped(model_id).await?;
        if let Some(p) = p {
            if !self.may_see_model(p, &m) && !m.public {
                return Err(StoreError::NotFound);
            }
        }
        let code = unit_code.trim();
        let unit = match self.db.units().unit_by_code_unscoped(code).await? {
            Some(u) if p.is_none_or(|p| p.can_adopt_model(&u.path)) => u,
            Some(u) if p.is_some_and(|p| p.can_read_unit(&u.path)) => {
                return Err(invalid(
                    "unit_code",
                    format!(
                        "Bạn không quản lý đơn vị {} nên không ghi nhận thay được",
                        u.name
                    ),
                ))
            }
            _ => {
                return Err(invalid(
                    "unit_code",
                    if code.is_empty() {
                        "Phải chọn đơn vị nhận nhân rộng".to_string()
                    } else {
                        format!("Không có đơn vị mã \"{code}\"")
                    },
                ))
            }
        };
        let note = text::normalize_multiline(note);
        let date = check_adoption(
            m.unit.id,
            unit.id,
            m.started_on,
            adopted_on,
            &note,
            self.db.today(),
        )
        .map_err(|e| invalid(e.field(), e.to_string()))?;
        if let Some(a) = m.replications.iter().find(|a| a.unit.id == unit.id) {
            return Err(invalid(
                "unit_code",
                format!(
                    "{} đã nhận nhân rộng mô hình này từ {}",
                    unit.name,
                    text::format_date(a.adopted_on)
                ),
            ));
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let inserted = sqlx::query(
            "INSERT INTO model_adoptions (model_id, unit_id, unit_path, adopted_on, note, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(model_id)
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(date_str(date))
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await;
        let row = match inserted {
            Ok(r) => r,
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(invalid(
                    "unit_code",
                    format!("{} đã nhận nhân rộng mô hình này", unit.name),
                ))
            }
            Err(e) => return Err(e.into()),
        };
        let id: i64 = get(&row, "id")?;
        let status = status_after_adoption(m.status);
        if status != m.status {
            sqlx::query("UPDATE models SET status = $1 WHERE id = $2")
                .bind(status.as_str())
                .bind(model_id)
                .execute(&mut *w.tx)
                .await?;
        }
        touch(&mut w.tx, model_id, actor, &now).await?;
        let adoption = Adoption {
            id,
            model_id,
            unit: UnitRef {
                id: unit.id,
                code: unit.code.clone(),
                name: unit.name.clone(),
            },
            unit_path: unit.path.clone(),
            adopted_on: date,
            note,
            created_by: actor.username.clone(),
            created_at: now,
        };
        let mut after = serde_json::json!({"adoption": adoption, "model": m.name});
        if status != m.status {
            after["status"] = serde_json::json!({"from": m.status, "to": status});
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("adopt", "model", model_id)
                .label(&m.name)
                .unit(&unit.path)
                .after(&after),
        )
        .await?;
        w.commit().await?;
        Ok(adoption)
    }

    /// Deletes the adoption of a model by the unit `unit_code` (a record entered by mistake). The status is
    /// left as it is (see `domain::models`).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.remove_adoption")
    )]
    pub async fn remove_adoption(
        self,
        actor: &Actor,
        p: &Principal,
        model_id: i64,
        unit_code: &str,
    ) -> Result<()> {
        let m = self.model(p, model_id).await?;
        let a = m
            .replications
            .iter()
            .find(|a| a.unit.code == unit_code.trim())
            .cloned()
            .ok_or(StoreError::NotFound)?;
        if !p.can_remove_adoption(&a.unit_path, &m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let mut w = self.db.write().await?;
        sqlx::query("DELETE FROM model_adoptions WHERE id = $1")
            .bind(a.id)
            .execute(&mut *w.tx)
            .await?;
        touch(&mut w.tx, model_id, actor, &ts(self.db.now())).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("unadopt", "model", model_id)
                .label(&m.name)
                .unit(&a.unit_path)
                .before(&serde_json::json!({"adoption": a, "model": m.name})),
        )
        .await?;
        w.commit().await
    }

    // --------------------------------------------------------------------------------------------
    // Public read paths (the portal): public models only, no personal data
    // --------------------------------------------------------------------------------------------

    /// Public models, newest start first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.public_models")
    )]
    pub async fn public_models(self, f: &PublicModelFilter) -> Result<Vec<PublicModel>> {
        let mut q = Sql::new(&format!(
            "SELECT {MODEL_COLS} {MODEL_FROM} WHERE m.is_public = 1"
        ));
        if let Some(path) = f.unit_path.as_deref() {
            q.push(" AND ").subtree("m.unit_path", path);
        }
        self.push_filters(&mut q, f.field.as_deref(), f.status, f.q.as_deref());
        q.push(" ORDER BY m.started_on DESC, m.id DESC LIMIT ")
            .lit(if f.limit > 0 { f.limit.min(5000) } else { 500 });
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut list = rows
            .iter()
            .map(model_from_row)
            .collect::<Result<Vec<_>>>()?;
        self.attach_replications(&mut list).await?;
        Ok(list.iter().map(PublicModel::of).collect())
    }

    /// One public model with its results and photos; `NotFound` when it is not public.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.public_model")
    )]
    pub async fn public_model(self, id: i64) -> Result<PublicModelDetail> {
        let m = self.model_unscoped(id).await?;
        if !m.public {
            return Err(StoreError::NotFound);
        }
        let results = self
            .results_of(id)
            .await?
            .into_iter()
            .map(|r| PublicResult {
                measured_on: r.measured_on,
                indicator: r.indicator,
                value: r.value,
                unit: r.unit,
            })
            .collect();
        let photos = self
            .photos_of(id)
            .await?
            .into_iter()
            .map(|ph| PublicPhoto {
                id: ph.id,
                caption: ph.caption,
                width: ph.width,
                height: ph.height,
            })
            .collect();
        Ok(PublicModelDetail {
            model: PublicModel::of(&m),
            results,
            photos,
        })
    }

    /// A photo of a public model: (content type, bytes); the thumbnail is JPEG.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "models.public_model_photo")
    )]
    pub async fn public_model_photo(
        self,
        model_id: i64,
        photo_id: i64,
        thumbnail: bool,
    ) -> Result<(String, Vec<u8>)> {
        let m = self.model_unscoped(model_id).await?;
        if !m.public {
            return Err(StoreError::NotFound);
        }
        let (info, bytes) = self.photo_bytes(model_id, photo_id, thumbnail).await?;
        Ok((info.content_type, bytes))
    }
}

impl Models<'_> {
    /// Deletes one row of a model's `table` (results or photos), keeping `before` in the audit log.
    async fn delete_model_part<T: serde::Serialize>(
        self,
        actor: &Actor,
        m: &Model,
        table: &'static str,
        part_id: i64,
        action: &'static str,
        before: &T,
    ) -> Result<()> {
        let mut w = self.db.write().await?;
        sqlx::query(&format!(
            "DELETE FROM {table} WHERE id = $1 AND model_id = $2"
        ))
        .bind(part_id)
        .bind(m.id)
        .execute(&mut *w.tx)
        .await?;
        let before = serde_json::to_value(before).ok();
        self.commit_model_change(w, m, actor, action, before.as_ref(), None)
            .await
    }

    /// Ends a change to a model's results or photos: marks the model as changed, audits it and commits.
    async fn commit_model_change(
        self,
        mut w: crate::WriteTx<'_>,
        m: &Model,
        actor: &Actor,
        action: &'static str,
        before: Option<&serde_json::Value>,
        after: Option<&serde_json::Value>,
    ) -> Result<()> {
        let now = self.db.now();
        touch(&mut w.tx, m.id, actor, &ts(now)).await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new(action, "model", m.id)
                .label(&m.name)
                .unit(&m.unit_path)
                .before(before)
                .after(after),
        )
        .await?;
        w.commit().await
    }
}

/// Marks a model as changed by `actor` (results, photos and adoptions change what its page shows).
async fn touch(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    model_id: i64,
    actor: &Actor,
    now: &str,
) -> Result<()> {
    sqlx::query("UPDATE models SET updated_by = $1, updated_at = $2 WHERE id = $3")
        .bind(actor.username.clone())
        .bind(now.to_string())
        .bind(model_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn model_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Model> {
    let row = sqlx::query(&format!("SELECT {MODEL_COLS} {MODEL_FROM} WHERE m.id = $1"))
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
    model_from_row(&row)
}

/// Whether a decided commendation names the model.
async fn commended_by_decision(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    model_id: i64,
) -> Result<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM commendation_models cm \
         JOIN commendations c ON c.id = cm.commendation_id \
         WHERE cm.model_id = $1 AND c.state = 'decided'",
    )
    .bind(model_id)
    .fetch_one(&mut **tx)
    .await?;
    let n: i64 = get(&row, "n")?;
    Ok(n > 0)
}

/// Recomputes a model's status after a commendation naming it changed (`domain::models::
/// status_from_records`): "được biểu dương" while a decided commendation names it, else the adoption-driven
/// status. Returns the change (from, to), if any; the caller audits it with the commendation.
pub(crate) async fn refresh_status(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    model_id: i64,
) -> Result<Option<(ModelStatus, ModelStatus)>> {
    let Some(row) = sqlx::query(
        "SELECT m.status, (SELECT COUNT(*) FROM model_adoptions a WHERE a.model_id = m.id) AS adoptions \
         FROM models m WHERE m.id = $1",
    )
    .bind(model_id)
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(None);
    };
    let current = model_status(get(&row, "status")?)?;
    let adoptions: i64 = get(&row, "adoptions")?;
    let commended = commended_by_decision(tx, model_id).await?;
    let status = status_from_records(
        current,
        usize::try_from(adoptions).unwrap_or_default(),
        commended,
    );
    if status == current {
        return Ok(None);
    }
    sqlx::query("UPDATE models SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(model_id)
        .execute(&mut **tx)
        .await?;
    Ok(Some((current, status)))
}

/// When a unit moves (`Units::move_unit`), its models, adoptions and the feedback routed to it follow it: rewrites the `unit_path`
/// prefix `old` to `new` in the same transaction.
pub(crate) async fn move_paths(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    old: &str,
    new: &str,
) -> Result<()> {
    for table in ["models", "model_adoptions", "feedback"] {
        sqlx::query(&format!(
            "UPDATE {table} SET unit_path = $1 || SUBSTR(unit_path, CAST($2 AS INTEGER)) \
             WHERE unit_path >= $3 AND unit_path < $4"
        ))
        .bind(new.to_string())
        .bind(old.len() as i64 + 1)
        .bind(old.to_string())
        .bind(format!("{old}~"))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("camera"), "%camera%");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[test]
    fn search_text_is_folded() {
        assert_eq!(
            search_fold("Dân vận khéo", "Dân vận", "Hố xí hợp vệ sinh"),
            "dan van kheo \u{2022} dan van \u{2022} ho xi hop ve sinh"
        );
    }
}
