//! Discipline (kỷ luật) on members and organisations, appeals against it, and xóa tên with the list of
//! members who "bỏ sinh hoạt" (docs/DOMAIN.md § Inspection, supervision and discipline). The rules are
//! `domain::inspection` (forms by subject, appeal window, the three-month threshold); expulsion changes the
//! member's status and dissolution closes the unit through the members' and units' history rules.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};
use domain::inspection::{self, AppealOutcome, Body, DisciplineForm, Finding, Target};
use domain::policy::{in_subtree, not_about_self, Principal};
use domain::{Member, MemberStatus, Unit};
use serde::Serialize;

use crate::members::{refresh_after_status, write_status};
use crate::sql::{self, RowInto, Sql};
use crate::units::close_unit_tx;
use crate::{audit, date_str, get, ts, Actor, FieldError, Result, StoreError};

/// Where a discipline decision stands after appeals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DisciplineState {
    InForce,
    /// An appeal changed the form (`form_in_force`).
    Changed,
    /// An appeal annulled it.
    Annulled,
}

impl DisciplineState {
    pub fn as_str(self) -> &'static str {
        match self {
            DisciplineState::InForce => "in_force",
            DisciplineState::Changed => "changed",
            DisciplineState::Annulled => "annulled",
        }
    }
}

/// A discipline decision on a member or a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DisciplineInput {
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub form: DisciplineForm,
    /// The deciding unit.
    pub decided_by: i64,
    pub body: Body,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    /// The case it came from.
    pub case_id: Option<i64>,
}

/// An appeal against a decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Appeal {
    pub id: i64,
    pub discipline_id: i64,
    pub filed_on: NaiveDate,
    /// The `discipline_appeal` case that handles it.
    pub case_id: Option<i64>,
    pub outcome: Option<AppealOutcome>,
    pub new_form: Option<DisciplineForm>,
    pub decided_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Discipline {
    pub id: i64,
    pub member_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The member's full name or the unit's name.
    pub subject_name: String,
    /// The member's card number or the unit's code ("" when none).
    pub subject_code: String,
    /// For a member: their unit's name at the decision.
    pub subject_unit_name: String,
    pub form: DisciplineForm,
    /// After appeals; `None` when annulled.
    pub form_in_force: Option<DisciplineForm>,
    pub state: DisciplineState,
    pub decided_by: i64,
    pub decided_by_name: String,
    pub body: Body,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    pub case_id: Option<i64>,
    pub appeals: Vec<Appeal>,
    /// Last day an appeal may be filed.
    pub appeal_deadline: NaiveDate,
}

/// Filters of the discipline register (decision dates).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DisciplineFilter {
    /// Decided in, or about a subject in, this unit's subtree (default: the reader's scope).
    pub unit_id: Option<i64>,
    pub year: Option<i32>,
    pub member_id: Option<i64>,
}

/// The result of an appeal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealResultInput {
    pub outcome: AppealOutcome,
    /// For `ChangedForm`.
    pub new_form: Option<DisciplineForm>,
    pub decided_on: NaiveDate,
}

/// A member absent without reason from cell meetings in three or more months of a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrikeOffCandidate {
    pub member_id: i64,
    pub full_name: String,
    pub card_number: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub year: i32,
    /// Months (1–12) with an unexcused absence from a cell meeting.
    pub months: Vec<u32>,
    /// The meetings missed without reason: (meeting id, date).
    pub meetings: Vec<(i64, NaiveDate)>,
    /// A xóa tên decision is already recorded.
    pub struck_off: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrikeOffInput {
    pub member_id: i64,
    /// The deciding unit (the grassroots committee or above).
    pub decided_by: i64,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StrikeOff {
    pub id: i64,
    pub member_id: i64,
    pub full_name: String,
    pub unit_name: String,
    pub decided_by_name: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
}

/// A discipline decision as `DISCIPLINE_SELECT` reads it, with the paths the policy decides on.
struct Record {
    d: Discipline,
    subject_path: String,
    decided_path: String,
}

const DISCIPLINE_SELECT: &str = "SELECT d.id, d.member_id, d.unit_id, d.subject_path, d.form, \
     d.form_in_force, d.state, d.decided_by, d.decided_path, d.body, d.decision_number, d.decided_on, \
     d.reason, d.case_id, COALESCE(m.full_name, tu.name, '') AS subject_name, \
     COALESCE(m.card_number, tu.code, '') AS subject_code, \
     CASE WHEN d.member_id IS NULL THEN '' ELSE COALESCE(su.name, '') END AS subject_unit_name, \
     COALESCE(du.name, '') AS decided_by_name \
     FROM disciplines d LEFT JOIN members m ON m.id = d.member_id LEFT JOIN units tu ON tu.id = d.unit_id \
     LEFT JOIN units su ON su.path = d.subject_path LEFT JOIN units du ON du.id = d.decided_by";

#[derive(sqlx::FromRow)]
struct DisciplineRow {
    id: i64,
    member_id: Option<i64>,
    unit_id: Option<i64>,
    subject_path: String,
    form: String,
    form_in_force: Option<String>,
    state: String,
    decided_by: i64,
    decided_path: String,
    body: String,
    decision_number: String,
    decided_on: String,
    reason: String,
    case_id: Option<i64>,
    subject_name: String,
    subject_code: String,
    subject_unit_name: String,
    decided_by_name: String,
}

impl RowInto for DisciplineRow {
    type Target = Record;
    fn convert(self) -> Result<Record> {
        let decided_on = sql::date(self.decided_on)?;
        Ok(Record {
            d: Discipline {
                id: self.id,
                member_id: self.member_id,
                unit_id: self.unit_id,
                subject_name: self.subject_name,
                subject_code: self.subject_code,
                subject_unit_name: self.subject_unit_name,
                form: parse_form(&self.form)?,
                form_in_force: self.form_in_force.as_deref().map(parse_form).transpose()?,
                state: parse_state(&self.state)?,
                decided_by: self.decided_by,
                decided_by_name: self.decided_by_name,
                body: Body::ALL
                    .into_iter()
                    .find(|b| b.as_str() == self.body)
                    .ok_or_else(|| StoreError::Corrupt(format!("cấp quyết định {}", self.body)))?,
                decision_number: self.decision_number,
                decided_on,
                reason: self.reason,
                case_id: self.case_id,
                appeals: Vec::new(),
                appeal_deadline: inspection::appeal_deadline(decided_on),
            },
            subject_path: self.subject_path,
            decided_path: self.decided_path,
        })
    }
}

#[derive(sqlx::FromRow)]
struct AppealRow {
    id: i64,
    discipline_id: i64,
    filed_on: String,
    case_id: Option<i64>,
    outcome: Option<String>,
    new_form: Option<String>,
    decided_on: Option<String>,
}

impl RowInto for AppealRow {
    type Target = Appeal;
    fn convert(self) -> Result<Appeal> {
        Ok(Appeal {
            id: self.id,
            discipline_id: self.discipline_id,
            filed_on: sql::date(self.filed_on)?,
            case_id: self.case_id,
            outcome: self
                .outcome
                .map(|o| {
                    AppealOutcome::parse(&o)
                        .ok_or_else(|| StoreError::Corrupt(format!("kết quả khiếu nại {o}")))
                })
                .transpose()?,
            new_form: self.new_form.as_deref().map(parse_form).transpose()?,
            decided_on: self.decided_on.map(sql::date).transpose()?,
        })
    }
}

const APPEAL_COLS: &str = "id, discipline_id, filed_on, case_id, outcome, new_form, decided_on";

fn parse_form(s: &str) -> Result<DisciplineForm> {
    DisciplineForm::ALL
        .into_iter()
        .find(|f| f.as_str() == s)
        .ok_or_else(|| StoreError::Corrupt(format!("hình thức kỷ luật {s}")))
}

fn parse_state(s: &str) -> Result<DisciplineState> {
    [
        DisciplineState::InForce,
        DisciplineState::Changed,
        DisciplineState::Annulled,
    ]
    .into_iter()
    .find(|st| st.as_str() == s)
    .ok_or_else(|| StoreError::Corrupt(format!("trạng thái kỷ luật {s}")))
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

/// The Vietnamese name of a form, for the conclusion text an appeal writes into its case.
fn form_name(f: DisciplineForm) -> &'static str {
    match f {
        DisciplineForm::Reprimand => "khiển trách",
        DisciplineForm::Warning => "cảnh cáo",
        DisciplineForm::Dismissal => "cách chức",
        DisciplineForm::Expulsion => "khai trừ",
        DisciplineForm::Dissolution => "giải tán",
    }
}

/// First and last day of a year as stored dates.
fn year_bounds(year: i32) -> (String, String) {
    (format!("{year:04}-01-01"), format!("{year:04}-12-31"))
}

/// Not yet official on `on` (Điều lệ Đảng, Điều 5: the probation ends with the official date).
fn probationary_on(m: &Member, on: NaiveDate) -> bool {
    m.official_on.is_none_or(|o| o > on)
}

fn check_decision_text(errors: &mut Vec<FieldError>, decision_number: &str, reason: &str) {
    if decision_number.trim().is_empty() {
        errors.push(FieldError::new("decision_number", "Thiếu số quyết định"));
    } else {
        crate::check_length(
            errors,
            "decision_number",
            domain::limits::Field::DocumentNumber,
            decision_number.trim(),
        );
    }
    crate::check_length(
        errors,
        "reason",
        domain::limits::Field::Reason,
        reason.trim(),
    );
}

/// The subject of a decision being recorded.
enum Subject {
    Member(Box<Member>, String),
    Unit(Unit),
}

impl crate::Inspections<'_> {
    /// Decisions read by `DISCIPLINE_SELECT` followed by `q`'s conditions, with their appeals.
    async fn load(self, q: &mut Sql) -> Result<Vec<Record>> {
        q.push(" ORDER BY d.decided_on DESC, d.id DESC");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out = rows
            .iter()
            .map(sql::read::<DisciplineRow>)
            .collect::<Result<Vec<_>>>()?;
        let ids: Vec<i64> = out.iter().map(|r| r.d.id).collect();
        let mut appeals: BTreeMap<i64, Vec<Appeal>> = BTreeMap::new();
        for chunk in ids.chunks(500) {
            let mut a = Sql::new(&format!(
                "SELECT {APPEAL_COLS} FROM discipline_appeals WHERE discipline_id IN ("
            ));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    a.push(", ");
                }
                a.lit(*id);
            }
            a.push(") ORDER BY filed_on, id");
            for r in a.query().fetch_all(&self.db.pool).await? {
                let ap = sql::read::<AppealRow>(&r)?;
                appeals.entry(ap.discipline_id).or_default().push(ap);
            }
        }
        for r in &mut out {
            r.d.appeals = appeals.remove(&r.d.id).unwrap_or_default();
        }
        Ok(out)
    }

    async fn record_by_id(self, id: i64) -> Result<Option<Record>> {
        let mut q = Sql::new(DISCIPLINE_SELECT);
        q.push(" WHERE d.id = ").int(id);
        Ok(self.load(&mut q).await?.pop())
    }

    /// The decisions recorded from the case `case_id`, and those whose appeal it handles (for the case page;
    /// the caller has checked that the reader may read the case).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.disciplines_of_case")
    )]
    pub(crate) async fn disciplines_of_case(self, case_id: i64) -> Result<Vec<crate::Discipline>> {
        let mut q = Sql::new(DISCIPLINE_SELECT);
        q.push(" WHERE d.case_id = ")
            .int(case_id)
            .push(
                " OR d.id IN (SELECT a.discipline_id FROM discipline_appeals a WHERE a.case_id = ",
            )
            .int(case_id)
            .push(")");
        Ok(self.load(&mut q).await?.into_iter().map(|r| r.d).collect())
    }

    /// Records a discipline decision. Refused (`Invalid`, Vietnamese message) when the form does not fit the
    /// subject (`domain::inspection::check_form`, probation as of the decision date), the subject is outside
    /// the deciding unit's subtree, or the decision is about the reader themself. Expulsion sets the member's
    /// status to expelled from the decision date; dissolution closes the unit from it.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.record_discipline")
    )]
    pub async fn record_discipline(
        self,
        actor: &Actor,
        p: &Principal,
        input: &DisciplineInput,
    ) -> Result<Discipline> {
        let deciding = self
            .db
            .units()
            .unit_unscoped(input.decided_by)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_manage_cases(&deciding.path) {
            return Err(if p.can_read_cases(&deciding.path) {
                StoreError::Forbidden
            } else {
                StoreError::NotFound
            });
        }
        let mut errors = Vec::new();
        check_decision_text(&mut errors, &input.decision_number, &input.reason);
        if input.decided_on > self.db.today() {
            errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau hôm nay",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        // The subject: one member or one unit of the deciding unit's subtree. A subject outside it (or that
        // does not exist) gets the same message, so nothing is revealed about other units.
        let subject = match (input.member_id, input.unit_id) {
            (Some(mid), None) => {
                let found = self.db.members().member_unscoped(mid).await?;
                match found {
                    Some((m, path)) if in_subtree(&deciding.path, &path) => {
                        Subject::Member(Box::new(m), path)
                    }
                    _ => {
                        return Err(invalid(
                            "member_id",
                            "Đảng viên không thuộc đơn vị quyết định kỷ luật hoặc các đơn vị trực thuộc",
                        ))
                    }
                }
            }
            (None, Some(uid)) => {
                let found = self.db.units().unit_unscoped(uid).await?;
                match found {
                    Some(u) if in_subtree(&deciding.path, &u.path) && u.path != deciding.path => {
                        Subject::Unit(u)
                    }
                    _ => return Err(invalid(
                        "unit_id",
                        "Tổ chức đảng không thuộc các đơn vị trực thuộc đơn vị quyết định kỷ luật",
                    )),
                }
            }
            _ => {
                return Err(invalid(
                    "member_id",
                    "Chọn một đảng viên hoặc một tổ chức đảng bị kỷ luật",
                ))
            }
        };
        let (target, subject_path) = match &subject {
            Subject::Member(m, path) => (
                Target::Member {
                    probationary: probationary_on(m, input.decided_on),
                },
                path.clone(),
            ),
            Subject::Unit(u) => (Target::Unit, u.path.clone()),
        };
        inspection::check_form(input.form, target).map_err(|e| invalid("form", e.to_string()))?;
        match &subject {
            Subject::Member(m, _) => {
                not_about_self(p, m.id).map_err(|e| invalid("member_id", e.to_string()))?;
                if !m.status.is_current() {
                    return Err(invalid(
                        "member_id",
                        format!(
                            "Đảng viên không còn sinh hoạt đảng (trạng thái \"{}\")",
                            m.status.label()
                        ),
                    ));
                }
            }
            Subject::Unit(u) => {
                if input.form == DisciplineForm::Dissolution && u.valid_to.is_some() {
                    return Err(invalid("unit_id", "Tổ chức đảng này đã giải thể"));
                }
            }
        }
        if let Some(cid) = input.case_id {
            let row = sqlx::query("SELECT unit_path FROM inspection_cases WHERE id = $1")
                .bind(cid)
                .fetch_optional(&self.db.pool)
                .await?;
            let readable = match row {
                Some(r) => p.can_read_cases(&get::<String>(&r, "unit_path")?),
                None => false,
            };
            if !readable {
                return Err(invalid(
                    "case_id",
                    "Không tìm thấy cuộc kiểm tra, giám sát này",
                ));
            }
        }

        let now = self.db.now();
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO disciplines (member_id, unit_id, subject_path, form, form_in_force, state, \
             decided_by, decided_path, body, decision_number, decided_on, reason, case_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $4, 'in_force', $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
        )
        .bind(input.member_id)
        .bind(input.unit_id)
        .bind(subject_path.clone())
        .bind(input.form.as_str())
        .bind(deciding.id)
        .bind(deciding.path.clone())
        .bind(input.body.as_str())
        .bind(input.decision_number.trim().to_string())
        .bind(date_str(input.decided_on))
        .bind(input.reason.trim().to_string())
        .bind(input.case_id)
        .bind(actor.username.clone())
        .bind(ts(now))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let label = match &subject {
            Subject::Member(m, _) => m.full_name.clone(),
            Subject::Unit(u) => u.name.clone(),
        };
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("create", "discipline", id)
                .label(format!("{label} — {}", form_name(input.form)))
                .unit(&deciding.path)
                .after(&serde_json::to_value(input).unwrap_or_default()),
        )
        .await?;
        let mut refresh = None;
        match &subject {
            Subject::Member(m, path) if inspection::ends_membership(input.form) => {
                write_status(
                    &mut w.tx,
                    now,
                    actor,
                    m,
                    path,
                    MemberStatus::Expelled,
                    input.decided_on,
                )
                .await?;
                refresh = Some((m.id, path.clone()));
            }
            Subject::Unit(u) if input.form == DisciplineForm::Dissolution => {
                close_unit_tx(&mut w.tx, now, actor, u, input.decided_on).await?;
            }
            _ => {}
        }
        w.commit().await?;
        if let Some((mid, path)) = refresh {
            refresh_after_status(self.db, actor, mid, path, input.decided_on).await?;
        }
        Ok(self.record_by_id(id).await?.ok_or(StoreError::NotFound)?.d)
    }

    /// The discipline register the reader may see, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.list_disciplines")
    )]
    pub async fn list_disciplines(
        self,
        p: &Principal,
        filter: &DisciplineFilter,
    ) -> Result<Vec<Discipline>> {
        let prefix = p.case_prefix().map(str::to_string);
        if prefix.is_none() && p.member_id.is_none() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(DISCIPLINE_SELECT);
        q.push(" WHERE (");
        if let Some(prefix) = &prefix {
            q.push("(").subtree("d.decided_path", prefix).push(") OR (");
            q.subtree("d.subject_path", prefix).push(")");
        }
        if let Some(me) = p.member_id {
            if prefix.is_some() {
                q.push(" OR ");
            }
            q.push("d.member_id = ").int(me);
        }
        q.push(")");
        if let Some(uid) = filter.unit_id {
            let unit = self
                .db
                .units()
                .unit_unscoped(uid)
                .await?
                .ok_or(StoreError::NotFound)?;
            // A unit of the reader's subtree or one above it (the decisions shown are still only theirs).
            if !(p.covers(&unit.path) || in_subtree(&unit.path, &p.unit_path)) {
                return Err(StoreError::NotFound);
            }
            q.push(" AND ((")
                .subtree("d.decided_path", &unit.path)
                .push(") OR (");
            q.subtree("d.subject_path", &unit.path).push("))");
        }
        if let Some(y) = filter.year {
            let (from, to) = year_bounds(y);
            q.push(" AND d.decided_on >= ")
                .safe(&from)
                .push(" AND d.decided_on <= ")
                .safe(&to);
        }
        if let Some(mid) = filter.member_id {
            q.push(" AND d.member_id = ").int(mid);
        }
        Ok(self.load(&mut q).await?.into_iter().map(|r| r.d).collect())
    }

    /// One decision (the confidential roles over the deciding unit or the subject; the member themself).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.discipline")
    )]
    pub async fn discipline(self, p: &Principal, id: i64) -> Result<Discipline> {
        let r = self.record_by_id(id).await?.ok_or(StoreError::NotFound)?;
        if p.can_read_discipline(&r.decided_path, &r.subject_path, r.d.member_id) {
            Ok(r.d)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// The decisions about the reader's own member record.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.my_disciplines")
    )]
    pub async fn my_disciplines(self, p: &Principal) -> Result<Vec<Discipline>> {
        let Some(me) = p.member_id else {
            return Ok(Vec::new());
        };
        let mut q = Sql::new(DISCIPLINE_SELECT);
        q.push(" WHERE d.member_id = ").int(me);
        Ok(self.load(&mut q).await?.into_iter().map(|r| r.d).collect())
    }

    /// Files an appeal (within one month: `domain::inspection::check_appeal`) and opens the
    /// `discipline_appeal` case that handles it, conducted by the level above the deciding unit (the
    /// deciding unit itself when it is a root).
    ///
    /// Who may file: the disciplined member themself (about their own decision), and the confidential roles
    /// (inspector, office, admin) over the deciding unit or over the subject, who record an appeal handed
    /// in on paper — by the member or by the disciplined organisation.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.file_appeal")
    )]
    pub async fn file_appeal(
        self,
        actor: &Actor,
        p: &Principal,
        discipline_id: i64,
        filed_on: NaiveDate,
    ) -> Result<Appeal> {
        let r = self
            .record_by_id(discipline_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_discipline(&r.decided_path, &r.subject_path, r.d.member_id) {
            return Err(StoreError::NotFound);
        }
        if r.d.state == DisciplineState::Annulled {
            return Err(invalid(
                "filed_on",
                inspection::InspectionError::AppealOfAnnulled.to_string(),
            ));
        }
        if r.d.appeals.iter().any(|a| a.outcome.is_none()) {
            return Err(invalid(
                "filed_on",
                inspection::InspectionError::AppealPending.to_string(),
            ));
        }
        if filed_on > self.db.today() {
            return Err(invalid("filed_on", "Ngày khiếu nại không được sau hôm nay"));
        }
        inspection::check_appeal(r.d.decided_on, filed_on)
            .map_err(|e| invalid("filed_on", e.to_string()))?;
        let deciding = self
            .db
            .units()
            .unit_unscoped(r.d.decided_by)
            .await?
            .ok_or_else(|| StoreError::Corrupt(format!("đơn vị {}", r.d.decided_by)))?;
        let conducting = match deciding.parent_id {
            Some(parent) => self
                .db
                .units()
                .unit_unscoped(parent)
                .await?
                .ok_or_else(|| StoreError::Corrupt(format!("đơn vị {parent}")))?,
            None => deciding.clone(),
        };
        let case = crate::CaseInput {
            kind: inspection::CaseKind::DisciplineAppeal,
            unit_id: conducting.id,
            body: Body::Commission,
            programme_id: None,
            title: format!(
                "Giải quyết khiếu nại kỷ luật {} ({} số {})",
                r.d.subject_name,
                form_name(r.d.form_in_force.unwrap_or(r.d.form)),
                r.d.decision_number
            ),
            decision_number: String::new(),
            decided_on: filed_on,
            from: Some(filed_on),
            to: None,
            directive_05: false,
            team: Vec::new(),
            subject_units: r.d.unit_id.into_iter().collect(),
            subject_members: r.d.member_id.into_iter().collect(),
        };
        let subject_path = match r.d.member_id {
            Some(mid) => self
                .db
                .members()
                .member_unscoped(mid)
                .await?
                .map_or_else(|| r.subject_path.clone(), |(_, path)| path),
            None => r.subject_path.clone(),
        };
        let subjects = [(r.d.unit_id, r.d.member_id, subject_path)];
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let case_id = crate::inspections::insert_case(
            &mut w.tx,
            now,
            &actor.username,
            &conducting,
            &case,
            &subjects,
        )
        .await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("create", "inspection_case", case_id)
                .label(&case.title)
                .unit(&conducting.path)
                .after(&serde_json::json!({
                    "kind": case.kind.as_str(),
                    "unit_id": conducting.id,
                    "body": case.body.as_str(),
                    "title": case.title,
                    "decided_on": case.decided_on,
                    "discipline_id": r.d.id,
                    "subject_units": case.subject_units,
                    "subject_members": case.subject_members,
                })),
        )
        .await?;
        let row = sqlx::query(
            "INSERT INTO discipline_appeals (discipline_id, filed_on, case_id, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(r.d.id)
        .bind(date_str(filed_on))
        .bind(case_id)
        .bind(actor.username.clone())
        .bind(ts(now))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let appeal = Appeal {
            id,
            discipline_id: r.d.id,
            filed_on,
            case_id: Some(case_id),
            outcome: None,
            new_form: None,
            decided_on: None,
        };
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("appeal", "discipline", r.d.id)
                .label(format!(
                    "{} — {}",
                    r.d.subject_name,
                    form_name(r.d.form_in_force.unwrap_or(r.d.form))
                ))
                .unit(&r.decided_path)
                .after(&serde_json::to_value(&appeal).unwrap_or_default()),
        )
        .await?;
        w.commit().await?;
        Ok(appeal)
    }

    /// Records an appeal's result; the form in force, the member's status and the unit follow.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.decide_appeal")
    )]
    pub async fn decide_appeal(
        self,
        actor: &Actor,
        p: &Principal,
        appeal_id: i64,
        input: &AppealResultInput,
    ) -> Result<Discipline> {
        let row = sqlx::query(&format!(
            "SELECT {APPEAL_COLS} FROM discipline_appeals WHERE id = $1"
        ))
        .bind(appeal_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let appeal = sql::read::<AppealRow>(&row)?;
        let r = self
            .record_by_id(appeal.discipline_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        // The appeal case's conducting unit decides; without a case, the level above the deciding unit.
        let case_path = match appeal.case_id {
            Some(cid) => get::<String>(
                &sqlx::query("SELECT unit_path FROM inspection_cases WHERE id = $1")
                    .bind(cid)
                    .fetch_one(&self.db.pool)
                    .await?,
                "unit_path",
            )?,
            None => parent_path(&r.decided_path),
        };
        if !p.can_manage_cases(&case_path) {
            return Err(
                if p.can_read_discipline(&r.decided_path, &r.subject_path, r.d.member_id) {
                    StoreError::Forbidden
                } else {
                    StoreError::NotFound
                },
            );
        }
        if appeal.outcome.is_some() {
            return Err(invalid("outcome", "Khiếu nại này đã được giải quyết"));
        }
        if input.decided_on < appeal.filed_on {
            return Err(invalid(
                "decided_on",
                "Ngày giải quyết không thể trước ngày khiếu nại",
            ));
        }
        if input.decided_on > self.db.today() {
            return Err(invalid(
                "decided_on",
                "Ngày giải quyết không được sau hôm nay",
            ));
        }
        let current = r.d.form_in_force.unwrap_or(r.d.form);
        let member = match r.d.member_id {
            Some(mid) => {
                not_about_self(p, mid).map_err(|e| invalid("outcome", e.to_string()))?;
                self.db.members().member_unscoped(mid).await?
            }
            None => None,
        };
        let unit = match r.d.unit_id {
            Some(uid) => self.db.units().unit_unscoped(uid).await?,
            None => None,
        };
        let new_form = match input.outcome {
            AppealOutcome::ChangedForm => {
                let Some(f) = input.new_form else {
                    return Err(invalid("new_form", "Chọn hình thức kỷ luật mới"));
                };
                if f == current {
                    return Err(invalid(
                        "new_form",
                        "Hình thức mới trùng với hình thức đang có hiệu lực",
                    ));
                }
                let target = match &member {
                    Some((m, _)) => Target::Member {
                        probationary: probationary_on(m, r.d.decided_on),
                    },
                    None => Target::Unit,
                };
                inspection::check_form(f, target)
                    .map_err(|e| invalid("new_form", e.to_string()))?;
                Some(f)
            }
            _ => None,
        };
        let after = inspection::form_after_appeal(current, input.outcome, new_form);
        let state = match input.outcome {
            AppealOutcome::Upheld => r.d.state,
            AppealOutcome::ChangedForm => DisciplineState::Changed,
            AppealOutcome::Annulled => DisciplineState::Annulled,
        };
        let was_expelled = current == DisciplineForm::Expulsion;
        let now_expelled = after == Some(DisciplineForm::Expulsion);
        let was_dissolved = current == DisciplineForm::Dissolution;
        let now_dissolved = after == Some(DisciplineForm::Dissolution);
        if let Some((m, _)) = &member {
            if now_expelled && !was_expelled && !m.status.is_current() {
                return Err(invalid(
                    "new_form",
                    format!(
                        "Đảng viên không còn sinh hoạt đảng (trạng thái \"{}\")",
                        m.status.label()
                    ),
                ));
            }
        }

        let now = self.db.now();
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE discipline_appeals SET outcome = $1, new_form = $2, decided_on = $3 WHERE id = $4",
        )
        .bind(input.outcome.as_str())
        .bind(new_form.map(|f| f.as_str()))
        .bind(date_str(input.decided_on))
        .bind(appeal.id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("UPDATE disciplines SET form_in_force = $1, state = $2 WHERE id = $3")
            .bind(after.map(|f| f.as_str()))
            .bind(state.as_str())
            .bind(r.d.id)
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("decide_appeal", "discipline", r.d.id)
                .label(format!("{} — {}", r.d.subject_name, form_name(current)))
                .unit(&r.decided_path)
                .before(&serde_json::json!({
                    "form_in_force": current.as_str(),
                    "state": r.d.state.as_str(),
                }))
                .after(&serde_json::json!({
                    "appeal_id": appeal.id,
                    "outcome": input.outcome.as_str(),
                    "new_form": new_form.map(|f| f.as_str()),
                    "decided_on": input.decided_on,
                    "form_in_force": after.map(|f| f.as_str()),
                    "state": state.as_str(),
                })),
        )
        .await?;
        // The case that handled the appeal is concluded on the same day: the violation stands unless the
        // decision is annulled.
        if let Some(cid) = appeal.case_id {
            let (result, text) = match input.outcome {
                AppealOutcome::Upheld => (
                    Finding::Violation,
                    format!("Giữ nguyên hình thức kỷ luật {}", form_name(current)),
                ),
                AppealOutcome::ChangedForm => (
                    Finding::Violation,
                    format!(
                        "Thay đổi hình thức kỷ luật từ {} sang {}",
                        form_name(current),
                        form_name(after.unwrap_or(current))
                    ),
                ),
                AppealOutcome::Annulled => {
                    (Finding::NoViolation, "Xóa quyết định kỷ luật".to_string())
                }
            };
            sqlx::query(
                "UPDATE inspection_cases SET concluded_on = $1, conclusion = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(date_str(input.decided_on))
            .bind(text.clone())
            .bind(ts(now))
            .bind(cid)
            .execute(&mut *w.tx)
            .await?;
            sqlx::query("UPDATE inspection_subjects SET result = $1 WHERE case_id = $2")
                .bind(result.as_str())
                .bind(cid)
                .execute(&mut *w.tx)
                .await?;
            audit::record(
                &mut w.tx,
                now,
                actor,
                &audit::AuditEvent::new("conclude", "inspection_case", cid)
                    .unit(&case_path)
                    .after(&serde_json::json!({
                        "concluded_on": input.decided_on,
                        "conclusion": text,
                        "result": result.as_str(),
                    })),
            )
            .await?;
        }
        // The change flows back from the original decision date, through the members' and units' rules.
        let mut refresh = None;
        if let Some((m, path)) = &member {
            if was_expelled && !now_expelled && m.status == MemberStatus::Expelled {
                write_status(
                    &mut w.tx,
                    now,
                    actor,
                    m,
                    path,
                    MemberStatus::Active,
                    r.d.decided_on,
                )
                .await?;
                refresh = Some((m.id, path.clone()));
            } else if now_expelled && !was_expelled {
                write_status(
                    &mut w.tx,
                    now,
                    actor,
                    m,
                    path,
                    MemberStatus::Expelled,
                    r.d.decided_on,
                )
                .await?;
                refresh = Some((m.id, path.clone()));
            }
        }
        if let Some(u) = &unit {
            if now_dissolved && !was_dissolved {
                close_unit_tx(&mut w.tx, now, actor, u, r.d.decided_on).await?;
            } else if was_dissolved && !now_dissolved && u.valid_to == Some(r.d.decided_on) {
                // Reopened: the dissolution no longer stands.
                sqlx::query("UPDATE units SET valid_to = NULL, updated_at = $1 WHERE id = $2")
                    .bind(ts(now))
                    .bind(u.id)
                    .execute(&mut *w.tx)
                    .await?;
                audit::record(
                    &mut w.tx,
                    now,
                    actor,
                    &audit::AuditEvent::new("reopen", "unit", u.id)
                        .label(&u.name)
                        .unit(&u.path)
                        .before(&serde_json::json!({ "valid_to": u.valid_to }))
                        .after(&serde_json::json!({ "valid_to": null })),
                )
                .await?;
            }
        }
        w.commit().await?;
        if let Some((mid, path)) = refresh {
            refresh_after_status(self.db, actor, mid, path, r.d.decided_on).await?;
        }
        Ok(self
            .record_by_id(r.d.id)
            .await?
            .ok_or(StoreError::NotFound)?
            .d)
    }

    /// Members of the subtree of `unit_id` absent without reason from cell meetings in three or more months
    /// of `year` (secretaries, office, admin and inspectors over the unit). Members who have since left the
    /// party organisation for another reason are not listed; those struck off are, marked `struck_off`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.strike_off_candidates")
    )]
    pub async fn strike_off_candidates(
        self,
        p: &Principal,
        unit_id: i64,
        year: i32,
    ) -> Result<Vec<StrikeOffCandidate>> {
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_rates(&unit.path) {
            return Err(StoreError::NotFound);
        }
        let (from, to) = year_bounds(year);
        // One pass over the subtree's cell meetings of the year: every unexcused absence ("absent"; an
        // excused absence is "excused" and does not count).
        let mut q = Sql::new(
            "SELECT a.member_id, a.unit_id, mt.id AS meeting_id, mt.held_on FROM meetings mt \
             JOIN attendance a ON a.meeting_id = mt.id WHERE mt.kind = 'cell' AND ",
        );
        q.subtree("mt.unit_path", &unit.path)
            .push(" AND mt.held_on >= ")
            .safe(&from)
            .push(" AND mt.held_on <= ")
            .safe(&to)
            .push(" AND a.status = 'absent' ORDER BY a.member_id, mt.held_on, mt.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        struct Missed {
            unit_id: i64,
            meetings: Vec<(i64, NaiveDate)>,
        }
        let mut by_member: BTreeMap<i64, Missed> = BTreeMap::new();
        for r in &rows {
            let mid: i64 = get(r, "member_id")?;
            let uid: i64 = get(r, "unit_id")?;
            let held = sql::date(get(r, "held_on")?)?;
            let e = by_member.entry(mid).or_insert(Missed {
                unit_id: uid,
                meetings: Vec::new(),
            });
            // The unit of the latest missed meeting.
            e.unit_id = uid;
            e.meetings.push((get(r, "meeting_id")?, held));
        }
        by_member.retain(|_, m| {
            let months: Vec<u32> = m.meetings.iter().map(|(_, d)| d.month()).collect();
            inspection::strike_off_proposal(&months)
        });
        if by_member.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = by_member.keys().copied().collect();
        let unit_ids: BTreeSet<i64> = by_member.values().map(|m| m.unit_id).collect();
        let mut people: BTreeMap<i64, (String, Option<String>, String, String)> = BTreeMap::new();
        let mut struck: BTreeSet<i64> = BTreeSet::new();
        let mut unit_names: BTreeMap<i64, String> = BTreeMap::new();
        for chunk in ids.chunks(500) {
            let list = id_list(chunk);
            for r in sqlx::query(&format!(
                "SELECT id, full_name, card_number, status, sort_key FROM members WHERE id IN ({list})"
            ))
            .fetch_all(&self.db.pool)
            .await?
            {
                people.insert(
                    get(&r, "id")?,
                    (
                        get(&r, "full_name")?,
                        get(&r, "card_number")?,
                        get(&r, "status")?,
                        get(&r, "sort_key")?,
                    ),
                );
            }
            for r in sqlx::query(&format!(
                "SELECT DISTINCT member_id FROM strike_offs WHERE member_id IN ({list})"
            ))
            .fetch_all(&self.db.pool)
            .await?
            {
                struck.insert(get(&r, "member_id")?);
            }
        }
        let uids: Vec<i64> = unit_ids.into_iter().collect();
        for chunk in uids.chunks(500) {
            for r in sqlx::query(&format!(
                "SELECT id, name FROM units WHERE id IN ({})",
                id_list(chunk)
            ))
            .fetch_all(&self.db.pool)
            .await?
            {
                unit_names.insert(get(&r, "id")?, get(&r, "name")?);
            }
        }
        let mut out = Vec::new();
        for (mid, missed) in by_member {
            let Some((full_name, card_number, status, sort_key)) = people.remove(&mid) else {
                continue;
            };
            let struck_off = struck.contains(&mid);
            let current = MemberStatus::ALL
                .into_iter()
                .find(|s| s.as_str() == status)
                .is_some_and(|s| s.is_current());
            if !current && !struck_off {
                continue;
            }
            let months: BTreeSet<u32> = missed.meetings.iter().map(|(_, d)| d.month()).collect();
            out.push((
                sort_key,
                StrikeOffCandidate {
                    member_id: mid,
                    full_name,
                    card_number,
                    unit_id: missed.unit_id,
                    unit_name: unit_names.get(&missed.unit_id).cloned().unwrap_or_default(),
                    year,
                    months: months.into_iter().collect(),
                    meetings: missed.meetings,
                    struck_off,
                },
            ));
        }
        out.sort_by(|a, b| {
            (&a.1.unit_name, &a.0, a.1.member_id).cmp(&(&b.1.unit_name, &b.0, b.1.member_id))
        });
        Ok(out.into_iter().map(|(_, c)| c).collect())
    }

    /// Records a xóa tên decision; the member's status becomes struck_off from its date.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.record_strike_off")
    )]
    pub async fn record_strike_off(
        self,
        actor: &Actor,
        p: &Principal,
        input: &StrikeOffInput,
    ) -> Result<StrikeOff> {
        let (member, path) = self
            .db
            .members()
            .member_unscoped(input.member_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_member(member.id, &path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_write_member(&path) {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Vec::new();
        check_decision_text(&mut errors, &input.decision_number, &input.reason);
        if input.decided_on > self.db.today() {
            errors.push(FieldError::new(
                "decided_on",
                "Ngày quyết định không được sau hôm nay",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let deciding = match self.db.units().unit_unscoped(input.decided_by).await? {
            Some(u) if in_subtree(&u.path, &path) => u,
            _ => {
                return Err(invalid(
                    "decided_by",
                    "Đơn vị quyết định xóa tên phải là cấp ủy quản lý đảng viên này",
                ))
            }
        };
        not_about_self(p, member.id).map_err(|e| invalid("member_id", e.to_string()))?;
        if !member.status.is_current() {
            return Err(invalid(
                "member_id",
                format!(
                    "Đảng viên không còn sinh hoạt đảng (trạng thái \"{}\")",
                    member.status.label()
                ),
            ));
        }
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO strike_offs (member_id, unit_id, unit_path, decided_by, decision_number, decided_on, \
             reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(member.id)
        .bind(member.unit_id)
        .bind(path.clone())
        .bind(deciding.id)
        .bind(input.decision_number.trim().to_string())
        .bind(date_str(input.decided_on))
        .bind(input.reason.trim().to_string())
        .bind(actor.username.clone())
        .bind(ts(now))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        let out = StrikeOff {
            id,
            member_id: member.id,
            full_name: member.full_name.clone(),
            unit_name: member.unit_name.clone(),
            decided_by_name: deciding.name.clone(),
            decision_number: input.decision_number.trim().to_string(),
            decided_on: input.decided_on,
            reason: input.reason.trim().to_string(),
        };
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("create", "strike_off", id)
                .label(&member.full_name)
                .unit(&path)
                .after(&serde_json::to_value(&out).unwrap_or_default()),
        )
        .await?;
        write_status(
            &mut w.tx,
            now,
            actor,
            &member,
            &path,
            MemberStatus::StruckOff,
            input.decided_on,
        )
        .await?;
        w.commit().await?;
        refresh_after_status(self.db, actor, member.id, path, input.decided_on).await?;
        Ok(out)
    }

    /// Xóa tên decisions of the subtree of `unit_id` (default: the reader's scope), newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.list_strike_offs")
    )]
    pub async fn list_strike_offs(
        self,
        p: &Principal,
        unit_id: Option<i64>,
        year: Option<i32>,
    ) -> Result<Vec<StrikeOff>> {
        let prefix = match unit_id {
            Some(uid) => {
                let unit = self
                    .db
                    .units()
                    .unit_unscoped(uid)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                unit.path
            }
            None => p.unit_path.clone(),
        };
        if !p.can_read_rates(&prefix) {
            return Err(StoreError::NotFound);
        }
        let mut q = Sql::new(
            "SELECT s.id, s.member_id, m.full_name, u.name AS unit_name, du.name AS decided_by_name, \
             s.decision_number, s.decided_on, s.reason FROM strike_offs s JOIN members m ON m.id = s.member_id \
             JOIN units u ON u.id = s.unit_id JOIN units du ON du.id = s.decided_by WHERE ",
        );
        q.subtree("s.unit_path", &prefix);
        if let Some(y) = year {
            let (from, to) = year_bounds(y);
            q.push(" AND s.decided_on >= ")
                .safe(&from)
                .push(" AND s.decided_on <= ")
                .safe(&to);
        }
        q.push(" ORDER BY s.decided_on DESC, s.id DESC");
        q.query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| {
                Ok(StrikeOff {
                    id: get(r, "id")?,
                    member_id: get(r, "member_id")?,
                    full_name: get(r, "full_name")?,
                    unit_name: get(r, "unit_name")?,
                    decided_by_name: get(r, "decided_by_name")?,
                    decision_number: get(r, "decision_number")?,
                    decided_on: sql::date(get(r, "decided_on")?)?,
                    reason: get(r, "reason")?,
                })
            })
            .collect()
    }

    /// Whether a discipline decision in force was taken about the member in `year` (the rating cap).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.disciplined_in_year")
    )]
    pub async fn disciplined_in_year(self, member_id: i64, year: i32) -> Result<bool> {
        let (from, to) = year_bounds(year);
        let n: i64 = get(
            &sqlx::query(
                "SELECT COUNT(*) AS n FROM disciplines WHERE member_id = $1 AND form_in_force IS NOT NULL \
                 AND decided_on >= $2 AND decided_on <= $3",
            )
            .bind(member_id)
            .bind(from)
            .bind(to)
            .fetch_one(&self.db.pool)
            .await?,
            "n",
        )?;
        Ok(n > 0)
    }
}

/// Ids written into SQL text (formatted from i64, so safe).
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The path of the parent of the unit with `path` ("/1/5/23/" → "/1/5/"), or `path` itself for a root.
fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(i) if i > 0 => trimmed[..=i].to_string(),
        _ => path.to_string(),
    }
}
