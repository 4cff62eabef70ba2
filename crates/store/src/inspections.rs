//! Inspection and supervision (kiểm tra, giám sát): the yearly programmes, cases with their subjects,
//! conclusions and remedies, documents, and the figures (`summary`). Confidential: every reader is checked
//! with `Principal::can_read_cases` / `can_read_finding` (SQL: `Principal::case_prefix`), and every read of
//! one case is written to the audit log. Discipline, appeals and xóa tên are in `disciplines.rs`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::inspection::{
    check_case, manifestation_code, remedy_state, tally, tally_discipline, Body, CaseKind,
    CaseSubject, DisciplineForm, Finding, InspectionError, KindCounts, RemedyState, SubjectRef,
};
use domain::limits::Field;
use domain::policy::{not_about_self, Principal};
use domain::{text, Role};
use serde::Serialize;

use crate::sql::{self, read, RowInto, Sql};
use crate::{
    audit, check_length, date_str, documents, get, opt_date_str, parse_opt_date, ts, Actor,
    DocumentInfo, FieldError, Result, StoreError,
};

/// A yearly programme of inspection and supervision of a conducting unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Programme {
    pub id: i64,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub year: i32,
    pub body: Body,
    pub title: String,
    pub content: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    /// Cases linked to the programme.
    pub cases: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ProgrammeInput {
    pub unit_id: i64,
    pub year: i32,
    pub body: Option<Body>,
    pub title: String,
    pub content: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
}

/// What a case is opened with (and edited with, before it is concluded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInput {
    pub kind: CaseKind,
    /// The conducting unit.
    pub unit_id: i64,
    pub body: Body,
    pub programme_id: Option<i64>,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub directive_05: bool,
    /// Team members (names or user names), one per entry.
    pub team: Vec<String>,
    /// Units of the conducting unit's subtree.
    pub subject_units: Vec<i64>,
    /// Members whose unit is in the conducting unit's subtree.
    pub subject_members: Vec<i64>,
}

/// One case as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Case {
    pub id: i64,
    pub kind: CaseKind,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub body: Body,
    pub programme_id: Option<i64>,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub directive_05: bool,
    pub team: Vec<String>,
    pub concluded_on: Option<NaiveDate>,
    /// The conclusion's general text.
    pub conclusion: String,
    /// Subject organisations and members (counts).
    pub subject_units: i64,
    pub subject_members: i64,
    pub created_by: String,
}

/// A remedy required of a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Remedy {
    pub id: i64,
    pub subject_id: i64,
    pub case_id: i64,
    pub text: String,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
    /// On the store's today.
    pub state: RemedyState,
}

/// One subject of a case with its finding (empty before the conclusion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Subject {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub member_id: Option<i64>,
    /// Unit name, or the member's full name.
    pub name: String,
    /// Unit code, or the member's card number ("" when none).
    pub code: String,
    /// For a member: the name of their unit when the case was opened.
    pub unit_name: String,
    pub result: Option<Finding>,
    /// Codes A1–C9.
    pub manifestations: Vec<String>,
    pub registration_id: Option<i64>,
    pub note: String,
    pub remedies: Vec<Remedy>,
}

/// A case with everything on its page.
#[derive(Debug, Clone, Serialize)]
pub struct CaseDetail {
    pub case: Case,
    pub subjects: Vec<Subject>,
    pub documents: Vec<DocumentInfo>,
    /// Discipline decisions recorded from this case.
    pub disciplines: Vec<crate::Discipline>,
    /// The reader may edit, conclude, attach documents.
    pub can_manage: bool,
}

/// Filters of the case list. Dates filter on the decision date (inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFilter {
    /// Cases conducted in this unit's subtree (default: the reader's whole scope).
    pub unit_id: Option<i64>,
    pub kind: Option<CaseKind>,
    pub year: Option<i32>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub directive_05: Option<bool>,
    pub concluded: Option<bool>,
    /// Title or decision number contains (diacritics ignored).
    pub text: Option<String>,
    pub offset: i64,
    /// 0 = the store's default page size (100).
    pub limit: i64,
}

/// One finding about a subject, as a conclusion gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingInput {
    pub subject: domain::inspection::SubjectRef,
    pub result: Finding,
    /// Codes A1–C9 (any case; checked).
    pub manifestations: Vec<String>,
    pub registration_id: Option<i64>,
    pub note: String,
    pub remedies: Vec<RemedyInput>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemedyInput {
    pub text: String,
    pub due: NaiveDate,
}

/// The conclusion of a case: every subject must have a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConclusionInput {
    pub concluded_on: NaiveDate,
    pub conclusion: String,
    pub findings: Vec<FindingInput>,
}

/// A concluded finding about one of the reader's own units or members, as a secretary sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnFinding {
    pub case_id: i64,
    pub kind: CaseKind,
    /// The conducting unit's name.
    pub conducted_by: String,
    pub case_title: String,
    pub concluded_on: NaiveDate,
    pub subject: Subject,
}

/// The figures of a subtree and period (decision dates inside it, inclusive).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionSummary {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Every kind, with zeros when empty.
    pub by_kind: BTreeMap<CaseKind, KindCounts>,
    /// Discipline decisions in force (after appeals) on members, by form; every member form present.
    pub discipline_members: BTreeMap<DisciplineForm, u64>,
    /// … on organisations, by form; every organisation form present.
    pub discipline_units: BTreeMap<DisciplineForm, u64>,
}

impl crate::Inspections<'_> {
    /// The programmes of the reader's scope (or of `unit_id`'s subtree), newest year first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.list_programmes")
    )]
    pub async fn list_programmes(
        self,
        p: &Principal,
        unit_id: Option<i64>,
        year: Option<i32>,
    ) -> Result<Vec<Programme>> {
        let Some(prefix) = p.case_prefix() else {
            return Ok(Vec::new());
        };
        let mut q = Sql::new(&format!(
            "SELECT {PROGRAMME_COLS} FROM inspection_programmes pg JOIN units u ON u.id = pg.unit_id WHERE "
        ));
        q.subtree("pg.unit_path", prefix);
        if let Some(uid) = unit_id {
            let unit = self
                .db
                .units()
                .unit_unscoped(uid)
                .await?
                .ok_or(StoreError::NotFound)?;
            if !p.can_read_cases(&unit.path) {
                return Err(StoreError::NotFound);
            }
            q.push(" AND ").subtree("pg.unit_path", &unit.path);
        }
        if let Some(y) = year {
            q.push(" AND pg.year = ").lit(i64::from(y));
        }
        q.push(" ORDER BY pg.year DESC, pg.unit_path, pg.body, pg.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| read::<ProgrammeRow>(r).map(|(pg, _)| pg))
            .collect()
    }

    /// Creates (`id` None) or edits a programme. One per conducting unit, year and body (the commission's
    /// when `body` is not given).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.save_programme")
    )]
    pub async fn save_programme(
        self,
        actor: &Actor,
        p: &Principal,
        id: Option<i64>,
        input: &ProgrammeInput,
    ) -> Result<Programme> {
        let before = match id {
            Some(id) => {
                let row = sqlx::query(&format!(
                    "SELECT {PROGRAMME_COLS} FROM inspection_programmes pg JOIN units u ON u.id = pg.unit_id \
                     WHERE pg.id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.db.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
                let (pg, path) = read::<ProgrammeRow>(&row)?;
                if !p.can_read_cases(&path) {
                    return Err(StoreError::NotFound);
                }
                if !p.can_manage_cases(&path) {
                    return Err(StoreError::Forbidden);
                }
                Some(pg)
            }
            None => None,
        };
        let unit = self.conducting_unit(p, input.unit_id).await?;
        let body = input.body.unwrap_or(Body::Commission);
        let mut errors = Vec::new();
        let title = text::normalize(&input.title);
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                "Phải nhập tên chương trình kiểm tra, giám sát",
            ));
        }
        check_length(&mut errors, "title", Field::Title, &title);
        let content = text::normalize_multiline(&input.content);
        check_length(&mut errors, "content", Field::Description, &content);
        let number = text::normalize(&input.decision_number);
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            &number,
        );
        if !(1930..=2100).contains(&input.year) {
            errors.push(FieldError::new("year", "Năm không hợp lệ"));
        }
        let clash = sqlx::query(
            "SELECT id FROM inspection_programmes WHERE unit_id = $1 AND year = $2 AND body = $3",
        )
        .bind(unit.id)
        .bind(i64::from(input.year))
        .bind(body.as_str())
        .fetch_optional(&self.db.pool)
        .await?;
        if let Some(r) = clash {
            let other: i64 = get(&r, "id")?;
            if Some(other) != id {
                errors.push(FieldError::new(
                    "year",
                    format!(
                        "{} đã có chương trình kiểm tra, giám sát năm {}",
                        unit.name, input.year
                    ),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let pid: i64 = match id {
            Some(id) => {
                sqlx::query(
                    "UPDATE inspection_programmes SET unit_id = $1, unit_path = $2, year = $3, body = $4, \
                     title = $5, content = $6, decision_number = $7, decided_on = $8, updated_at = $9 WHERE id = $10",
                )
                .bind(unit.id)
                .bind(unit.path.clone())
                .bind(i64::from(input.year))
                .bind(body.as_str())
                .bind(title.clone())
                .bind(content.clone())
                .bind(number.clone())
                .bind(opt_date_str(input.decided_on))
                .bind(now)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
                id
            }
            None => {
                let row = sqlx::query(
                    "INSERT INTO inspection_programmes (unit_id, unit_path, year, body, title, content, \
                     decision_number, decided_on, created_by, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
                )
                .bind(unit.id)
                .bind(unit.path.clone())
                .bind(i64::from(input.year))
                .bind(body.as_str())
                .bind(title.clone())
                .bind(content.clone())
                .bind(number.clone())
                .bind(opt_date_str(input.decided_on))
                .bind(actor.username.clone())
                .bind(now)
                .fetch_one(&mut *w.tx)
                .await?;
                get(&row, "id")?
            }
        };
        let after = Programme {
            id: pid,
            unit_id: unit.id,
            unit_code: unit.code.clone(),
            unit_name: unit.name.clone(),
            year: input.year,
            body,
            title,
            content,
            decision_number: number,
            decided_on: input.decided_on,
            cases: before.as_ref().map_or(0, |b| b.cases),
        };
        let to_json = |pg: &Programme| serde_json::to_value(pg).unwrap_or(serde_json::Value::Null);
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(
                if before.is_some() { "update" } else { "create" },
                "inspection_programme",
                pid,
            )
            .label(&after.title)
            .unit(&unit.path)
            .before(before.as_ref().map(to_json).as_ref())
            .after(&to_json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// Opens a case. Refused (`Invalid`) when a subject is outside the conducting unit's subtree, a date is
    /// wrong, or there is no subject; `NotFound` when the conducting unit is outside the reader's scope.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.create_case")
    )]
    pub async fn create_case(
        self,
        actor: &Actor,
        p: &Principal,
        input: &CaseInput,
    ) -> Result<CaseDetail> {
        let unit = self.conducting_unit(p, input.unit_id).await?;
        let subjects = self.check_case_input(p, &unit, input).await?;
        let mut w = self.db.write().await?;
        let id = insert_case(
            &mut w.tx,
            self.db.now(),
            &actor.username,
            &unit,
            input,
            &subjects,
        )
        .await?;
        let created = read::<CaseRow>(
            &sqlx::query(&format!("SELECT {CASE_COLS} {CASE_FROM} WHERE c.id = $1"))
                .bind(id)
                .fetch_one(&mut *w.tx)
                .await?,
        )?;
        let mut after = case_json(&created.case);
        if let Some(o) = after.as_object_mut() {
            o.insert(
                "subjects".to_string(),
                serde_json::json!(subjects
                    .iter()
                    .map(|(u, m, _)| serde_json::json!({ "unit_id": u, "member_id": m }))
                    .collect::<Vec<_>>()),
            );
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "inspection_case", id)
                .label(&created.case.title)
                .unit(&unit.path)
                .after(&after),
        )
        .await?;
        w.commit().await?;
        self.detail_of(p, created).await
    }

    /// Edits a case not yet concluded (subjects may change; findings are empty before the conclusion).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.update_case")
    )]
    pub async fn update_case(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        input: &CaseInput,
    ) -> Result<CaseDetail> {
        let before = self.managed_case(p, id).await?;
        if before.case.concluded_on.is_some() {
            return Err(StoreError::Conflict(
                "Cuộc kiểm tra, giám sát đã có kết luận, không thể sửa thông tin hay đối tượng"
                    .to_string(),
            ));
        }
        if input.kind != before.case.kind
            && (input.kind == CaseKind::DisciplineAppeal
                || before.case.kind == CaseKind::DisciplineAppeal)
        {
            return Err(invalid(
                "kind",
                "Cuộc giải quyết khiếu nại kỷ luật được mở từ đơn khiếu nại, không đổi loại được",
            ));
        }
        let unit = self.conducting_unit(p, input.unit_id).await?;
        let subjects = self.check_case_input(p, &unit, input).await?;
        let mut w = self.db.write().await?;
        let changed = sqlx::query(
            "UPDATE inspection_cases SET kind = $1, unit_id = $2, unit_path = $3, body = $4, programme_id = $5, \
             title = $6, decision_number = $7, decided_on = $8, from_date = $9, to_date = $10, directive_05 = $11, \
             team = $12, updated_at = $13 WHERE id = $14 AND concluded_on IS NULL",
        )
        .bind(input.kind.as_str())
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(input.body.as_str())
        .bind(input.programme_id)
        .bind(text::normalize(&input.title))
        .bind(text::normalize(&input.decision_number))
        .bind(date_str(input.decided_on))
        .bind(opt_date_str(input.from))
        .bind(opt_date_str(input.to))
        .bind(i64::from(input.directive_05))
        .bind(team_text(&input.team))
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(StoreError::Conflict(
                "Cuộc kiểm tra, giám sát đã có kết luận, không thể sửa thông tin hay đối tượng"
                    .to_string(),
            ));
        }
        sqlx::query("DELETE FROM inspection_subjects WHERE case_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        insert_subjects(&mut w.tx, id, &subjects).await?;
        let after = read::<CaseRow>(
            &sqlx::query(&format!("SELECT {CASE_COLS} {CASE_FROM} WHERE c.id = $1"))
                .bind(id)
                .fetch_one(&mut *w.tx)
                .await?,
        )?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", "inspection_case", id)
                .label(&after.case.title)
                .unit(&after.path)
                .before(&case_json(&before.case))
                .after(&case_json(&after.case)),
        )
        .await?;
        w.commit().await?;
        self.detail_of(p, after).await
    }

    /// Cases the reader may see, newest decision first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.list_cases")
    )]
    pub async fn list_cases(self, p: &Principal, filter: &CaseFilter) -> Result<Vec<Case>> {
        let Some(mut q) = self.case_query(p, filter, CASE_COLS).await? else {
            return Ok(Vec::new());
        };
        q.push(" ORDER BY c.decided_on DESC, c.id DESC");
        let limit = if filter.limit > 0 {
            filter.limit
        } else {
            DEFAULT_LIMIT
        };
        let offset = filter.offset.max(0);
        let needle = filter
            .text
            .as_deref()
            .map(text::fold)
            .filter(|t| !t.trim().is_empty());
        match needle {
            None => {
                q.push(" LIMIT ").lit(limit).push(" OFFSET ").lit(offset);
                let rows = q.query().fetch_all(&self.db.pool).await?;
                rows.iter()
                    .map(|r| read::<CaseRow>(r).map(|c| c.case))
                    .collect()
            }
            Some(needle) => {
                let rows = q.query().fetch_all(&self.db.pool).await?;
                let mut out = Vec::new();
                for r in &rows {
                    let c = read::<CaseRow>(r)?.case;
                    if text_matches(&c, &needle) {
                        out.push(c);
                    }
                }
                Ok(out
                    .into_iter()
                    .skip(usize::try_from(offset).unwrap_or(0))
                    .take(usize::try_from(limit).unwrap_or(0))
                    .collect())
            }
        }
    }

    /// Number of cases `list_cases` would return without offset and limit.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.count_cases")
    )]
    pub async fn count_cases(self, p: &Principal, filter: &CaseFilter) -> Result<i64> {
        let needle = filter
            .text
            .as_deref()
            .map(text::fold)
            .filter(|t| !t.trim().is_empty());
        match needle {
            None => {
                let Some(q) = self.case_query(p, filter, "COUNT(*) AS n").await? else {
                    return Ok(0);
                };
                let row = q.query().fetch_one(&self.db.pool).await?;
                get(&row, "n")
            }
            Some(needle) => {
                let Some(q) = self.case_query(p, filter, CASE_COLS).await? else {
                    return Ok(0);
                };
                let rows = q.query().fetch_all(&self.db.pool).await?;
                let mut n = 0;
                for r in &rows {
                    if text_matches(&read::<CaseRow>(r)?.case, &needle) {
                        n += 1;
                    }
                }
                Ok(n)
            }
        }
    }

    /// One case with its subjects, findings, remedies, documents and discipline. The read is recorded in the
    /// audit log (action `read`, object `inspection_case`).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.case_detail")
    )]
    pub async fn case_detail(self, actor: &Actor, p: &Principal, id: i64) -> Result<CaseDetail> {
        let c = self.readable_case(p, id).await?;
        let mut w = self.db.write_quiet().await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("read", "inspection_case", id)
                .label(&c.case.title)
                .unit(&c.path),
        )
        .await?;
        w.commit().await?;
        self.detail_of(p, c).await
    }

    /// Records (or corrects) the conclusion: a finding for every subject, remedies with due days. A
    /// conclusion may be corrected only while none of its remedies is reported done (the correction
    /// replaces every finding and remedy).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.conclude_case")
    )]
    pub async fn conclude_case(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        input: &ConclusionInput,
    ) -> Result<CaseDetail> {
        let c = self.managed_case(p, id).await?;
        let before = self.subjects_of(id).await?;
        let keys: Vec<SubjectKey> = before
            .iter()
            .map(|s| SubjectKey {
                id: s.subject.id,
                subject: match (s.subject.unit_id, s.subject.member_id) {
                    (Some(u), _) => SubjectRef::Unit(u),
                    (None, Some(m)) => SubjectRef::Member(m),
                    (None, None) => SubjectRef::Unit(0),
                },
                name: s.subject.name.clone(),
            })
            .collect();
        let checked = Self::check_conclusion(p, &c.case, &keys, input, self.db.today())
            .map_err(StoreError::Invalid)?;
        // A registration linked to a finding must be the member's own.
        let mut errors = Vec::new();
        for (_, f) in &checked {
            if let Some(rid) = f.registration_id {
                let owner: Option<i64> =
                    match sqlx::query("SELECT member_id FROM registrations WHERE id = $1")
                        .bind(rid)
                        .fetch_optional(&self.db.pool)
                        .await?
                    {
                        Some(r) => Some(get(&r, "member_id")?),
                        None => None,
                    };
                if owner.is_none() || owner != f.member_id {
                    errors.push(FieldError::new(
                        "registration_id",
                        "Bản đăng ký không phải của đảng viên được kết luận",
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        let done: i64 = get(
            &sqlx::query(
                "SELECT COUNT(*) AS n FROM inspection_remedies WHERE case_id = $1 AND done_on IS NOT NULL",
            )
            .bind(id)
            .fetch_one(&mut *w.tx)
            .await?,
            "n",
        )?;
        if done > 0 {
            return Err(StoreError::Conflict(
                "Đã có yêu cầu khắc phục được báo cáo hoàn thành: không thể sửa kết luận này"
                    .to_string(),
            ));
        }
        sqlx::query(
            "UPDATE inspection_cases SET concluded_on = $1, conclusion = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(date_str(input.concluded_on))
        .bind(text::normalize_multiline(&input.conclusion))
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        sqlx::query("DELETE FROM inspection_remedies WHERE case_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        for (sid, f) in &checked {
            sqlx::query(
                "UPDATE inspection_subjects SET result = $1, manifestations = $2, registration_id = $3, note = $4 \
                 WHERE id = $5",
            )
            .bind(f.result.as_str())
            .bind(f.manifestations.clone())
            .bind(f.registration_id)
            .bind(f.note.clone())
            .bind(*sid)
            .execute(&mut *w.tx)
            .await?;
            for (t, due) in &f.remedies {
                sqlx::query(
                    "INSERT INTO inspection_remedies (subject_id, case_id, text, due) VALUES ($1, $2, $3, $4)",
                )
                .bind(*sid)
                .bind(id)
                .bind(t.clone())
                .bind(date_str(*due))
                .execute(&mut *w.tx)
                .await?;
            }
        }
        let before_subjects: Vec<Subject> = before.into_iter().map(|s| s.subject).collect();
        let after_json = serde_json::json!({
            "concluded_on": date_str(input.concluded_on),
            "conclusion": text::normalize_multiline(&input.conclusion),
            "findings": checked.iter().map(|(sid, f)| serde_json::json!({
                "subject_id": sid,
                "result": f.result.as_str(),
                "manifestations": f.manifestations,
                "registration_id": f.registration_id,
                "note": f.note,
                "remedies": f.remedies.iter().map(|(t, d)| serde_json::json!({"text": t, "due": date_str(*d)})).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
        });
        let before_json = c.case.concluded_on.map(|d| {
            serde_json::json!({
                "concluded_on": date_str(d),
                "conclusion": c.case.conclusion,
                "findings": findings_json(&before_subjects),
            })
        });
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("conclude", "inspection_case", id)
                .label(&c.case.title)
                .unit(&c.path)
                .before(before_json.as_ref())
                .after(&after_json),
        )
        .await?;
        w.commit().await?;
        let after = self.case_at(id).await?;
        self.detail_of(p, after).await
    }

    /// Reports a remedy done (the subject unit's secretary, office, admin, or the case's managers).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.report_remedy")
    )]
    pub async fn report_remedy(
        self,
        actor: &Actor,
        p: &Principal,
        remedy_id: i64,
        done_on: NaiveDate,
        note: &str,
    ) -> Result<Remedy> {
        let row = sqlx::query(&format!(
            "SELECT {REMEDY_COLS}, s.subject_path, c.unit_path, c.concluded_on, c.title \
             FROM inspection_remedies r JOIN inspection_subjects s ON s.id = r.subject_id \
             JOIN inspection_cases c ON c.id = r.case_id WHERE r.id = $1"
        ))
        .bind(remedy_id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let subject_path: String = get(&row, "subject_path")?;
        let case_path: String = get(&row, "unit_path")?;
        let concluded_on = parse_opt_date(get(&row, "concluded_on")?)?;
        let title: String = get(&row, "title")?;
        let today = self.db.today();
        let before = sql::from_row::<RemedyRow>(&row)?.into_remedy(today)?;
        let may_report = p.can_report_remedy(&case_path, &subject_path);
        if !p.can_read_finding(&case_path, &subject_path, concluded_on.is_some()) && !may_report {
            return Err(StoreError::NotFound);
        }
        if !may_report {
            return Err(StoreError::Forbidden);
        }
        let Some(concluded_on) = concluded_on else {
            return Err(StoreError::NotFound);
        };
        let mut errors = Vec::new();
        if done_on < concluded_on {
            errors.push(FieldError::new(
                "done_on",
                "Ngày hoàn thành khắc phục không thể trước ngày kết luận",
            ));
        }
        if done_on > today {
            errors.push(FieldError::new(
                "done_on",
                "Ngày hoàn thành khắc phục không thể sau hôm nay",
            ));
        }
        let note = text::normalize_multiline(note);
        check_length(&mut errors, "note", Field::ReviewNote, &note);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE inspection_remedies SET done_on = $1, done_note = $2, done_by = $3 WHERE id = $4",
        )
        .bind(date_str(done_on))
        .bind(note.clone())
        .bind(actor.username.clone())
        .bind(remedy_id)
        .execute(&mut *w.tx)
        .await?;
        let after = Remedy {
            done_on: Some(done_on),
            done_note: note,
            state: remedy_state(before.due, Some(done_on), today),
            ..before.clone()
        };
        let json = |r: &Remedy| {
            serde_json::json!({
                "text": r.text, "due": date_str(r.due), "done_on": opt_date_str(r.done_on), "done_note": r.done_note
            })
        };
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("report_remedy", "inspection_case", before.case_id)
                .label(&title)
                .unit(&case_path)
                .before(&json(&before))
                .after(&json(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(after)
    }

    /// Concluded findings about units and members of the reader's subtree (what a secretary sees), newest
    /// conclusion first; for the confidential roles the same list over their scope. Secretaries, office
    /// and admin accounts see the findings about subjects inside their subtree; inspectors those of the
    /// cases conducted inside it; members nothing.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.own_findings")
    )]
    pub async fn own_findings(self, p: &Principal, year: Option<i32>) -> Result<Vec<OwnFinding>> {
        let path_col = match p.role {
            Role::Secretary | Role::Office | Role::Admin => "s.subject_path",
            Role::Inspector => "c.unit_path",
            Role::Member => return Ok(Vec::new()),
        };
        let filter = |q: &mut Sql| {
            q.push(" WHERE c.concluded_on IS NOT NULL AND ")
                .subtree(path_col, &p.unit_path);
            if let Some(y) = year {
                q.push(" AND c.concluded_on >= ")
                    .text(format!("{y:04}-01-01"))
                    .push(" AND c.concluded_on <= ")
                    .text(format!("{y:04}-12-31"));
            }
        };
        let mut q = Sql::new(&format!(
            "SELECT {SUBJECT_COLS}, c.kind, cu.name AS conducted_by, c.title AS case_title, c.concluded_on, \
             c.unit_path AS case_path \
             FROM inspection_subjects s JOIN inspection_cases c ON c.id = s.case_id \
             JOIN units cu ON cu.id = c.unit_id {SUBJECT_JOINS}"
        ));
        filter(&mut q);
        q.push(&format!(
            " ORDER BY c.concluded_on DESC, c.id DESC, {SUBJECT_ORDER}"
        ));
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out = Vec::new();
        for r in &rows {
            let s = read::<SubjectRow>(r)?;
            let case_path: String = get(r, "case_path")?;
            // The SQL filter is the policy's; ask the policy too.
            if !p.can_read_finding(&case_path, &s.path, true) && !p.covers(&s.path) {
                continue;
            }
            let cc = sql::from_row::<OwnCaseCols>(r)?;
            out.push(OwnFinding {
                case_id: s.case_id,
                kind: parse_kind(&cc.kind)?,
                conducted_by: cc.conducted_by,
                case_title: cc.case_title,
                concluded_on: sql::date(cc.concluded_on)?,
                subject: s.subject,
            });
        }
        let mut q = Sql::new(&format!(
            "SELECT {REMEDY_COLS} FROM inspection_remedies r JOIN inspection_subjects s ON s.id = r.subject_id \
             JOIN inspection_cases c ON c.id = r.case_id"
        ));
        filter(&mut q);
        q.push(" ORDER BY r.due, r.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let today = self.db.today();
        let mut by_subject: BTreeMap<i64, Vec<Remedy>> = BTreeMap::new();
        for r in &rows {
            let r = sql::from_row::<RemedyRow>(r)?.into_remedy(today)?;
            by_subject.entry(r.subject_id).or_default().push(r);
        }
        for f in &mut out {
            f.subject.remedies = by_subject.remove(&f.subject.id).unwrap_or_default();
        }
        Ok(out)
    }

    /// Attaches a document to a case (content type from `document_type`; at most `MAX_DOCUMENT_BYTES`).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.add_case_document")
    )]
    pub async fn add_case_document(
        self,
        actor: &Actor,
        p: &Principal,
        case_id: i64,
        filename: &str,
        bytes: &[u8],
    ) -> Result<DocumentInfo> {
        let c = self.managed_case(p, case_id).await?;
        documents::attach(
            self.db,
            actor,
            documents::Record {
                owner: documents::CASE,
                id: case_id,
                entity: "inspection_case",
                label: &c.case.title,
                unit_path: &c.path,
            },
            filename,
            bytes,
        )
        .await
    }

    /// A case's document and its bytes, for whoever may read the case.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.case_document")
    )]
    pub async fn case_document(
        self,
        p: &Principal,
        case_id: i64,
        document_id: i64,
    ) -> Result<(DocumentInfo, Vec<u8>)> {
        let _ = self.readable_case(p, case_id).await?;
        documents::fetch(&self.db.pool, documents::CASE, case_id, document_id).await
    }

    /// The figures of the subtree of `unit_id`: cases conducted inside it whose decision date is in
    /// [from, to], and discipline decided inside it in that period.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.summary")
    )]
    pub async fn summary(
        self,
        p: &Principal,
        unit_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<InspectionSummary> {
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_cases(&unit.path) {
            return Err(StoreError::NotFound);
        }
        if to < from {
            return Err(invalid("to", InspectionError::PeriodReversed.to_string()));
        }
        let mut q = Sql::new(
            "SELECT c.id, c.kind, s.unit_id, s.member_id FROM inspection_cases c \
             LEFT JOIN inspection_subjects s ON s.case_id = c.id WHERE ",
        );
        q.subtree("c.unit_path", &unit.path)
            .push(" AND c.decided_on >= ")
            .text(date_str(from))
            .push(" AND c.decided_on <= ")
            .text(date_str(to));
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut subjects = Vec::with_capacity(rows.len());
        for r in &rows {
            let kind: String = get(r, "kind")?;
            let u: Option<i64> = get(r, "unit_id")?;
            let m: Option<i64> = get(r, "member_id")?;
            subjects.push(CaseSubject {
                case_id: get(r, "id")?,
                kind: parse_kind(&kind)?,
                subject: match (u, m) {
                    (Some(u), _) => Some(SubjectRef::Unit(u)),
                    (None, Some(m)) => Some(SubjectRef::Member(m)),
                    (None, None) => None,
                },
            });
        }
        let mut q = Sql::new(
            "SELECT CASE WHEN d.member_id IS NULL THEN 0 ELSE 1 END AS on_member, d.form_in_force \
             FROM disciplines d WHERE d.form_in_force IS NOT NULL AND ",
        );
        q.subtree("d.decided_path", &unit.path)
            .push(" AND d.decided_on >= ")
            .text(date_str(from))
            .push(" AND d.decided_on <= ")
            .text(date_str(to));
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut forms = Vec::with_capacity(rows.len());
        for r in &rows {
            let on_member: i64 = get(r, "on_member")?;
            let f: String = get(r, "form_in_force")?;
            let form = DisciplineForm::ALL
                .into_iter()
                .find(|x| x.as_str() == f)
                .ok_or_else(|| corrupt("hình thức kỷ luật", &f))?;
            forms.push((on_member != 0, form));
        }
        let (discipline_members, discipline_units) = tally_discipline(forms);
        Ok(InspectionSummary {
            unit_id: unit.id,
            unit_code: unit.code,
            unit_name: unit.name,
            from,
            to,
            by_kind: tally(&subjects),
            discipline_members,
            discipline_units,
        })
    }
}

impl crate::Inspections<'_> {
    /// The scoped case query (`SELECT cols FROM … WHERE scope AND filter`), or `None` when the reader sees
    /// no case at all.
    async fn case_query(
        self,
        p: &Principal,
        filter: &CaseFilter,
        cols: &str,
    ) -> Result<Option<Sql>> {
        let Some(prefix) = p.case_prefix() else {
            return Ok(None);
        };
        let mut q = Sql::new(&format!("SELECT {cols} {CASE_FROM} WHERE "));
        q.subtree("c.unit_path", prefix);
        if let Some(uid) = filter.unit_id {
            let unit = self
                .db
                .units()
                .unit_unscoped(uid)
                .await?
                .ok_or(StoreError::NotFound)?;
            if !p.can_read_cases(&unit.path) {
                return Err(StoreError::NotFound);
            }
            q.push(" AND ").subtree("c.unit_path", &unit.path);
        }
        push_case_filter(&mut q, filter);
        Ok(Some(q))
    }
}

/// Whether a case's title or decision number contains the folded needle.
fn text_matches(c: &Case, needle: &str) -> bool {
    text::fold(&c.title).contains(needle) || text::fold(&c.decision_number).contains(needle)
}

// ---------------------------------------------------------------------------------------------------------
// Implementation.
// ---------------------------------------------------------------------------------------------------------

/// Most subjects one case may have (a city's violation inspection had 65 members).
const MAX_SUBJECTS: usize = 2000;
/// Most team members listed on a case.
const MAX_TEAM: usize = 50;
/// Most findings' remedies per subject.
const MAX_REMEDIES: usize = 50;
/// The default page size of `list_cases`.
const DEFAULT_LIMIT: i64 = 100;

const CASE_COLS: &str = "c.id, c.kind, c.unit_id, u.code AS unit_code, u.name AS unit_name, c.unit_path, \
    c.body, c.programme_id, c.title, c.decision_number, c.decided_on, c.from_date, c.to_date, c.directive_05, \
    c.team, c.concluded_on, c.conclusion, c.created_by, \
    (SELECT COUNT(*) FROM inspection_subjects s1 WHERE s1.case_id = c.id AND s1.unit_id IS NOT NULL) AS subject_units, \
    (SELECT COUNT(*) FROM inspection_subjects s2 WHERE s2.case_id = c.id AND s2.member_id IS NOT NULL) AS subject_members";

const CASE_FROM: &str = "FROM inspection_cases c JOIN units u ON u.id = c.unit_id";

const SUBJECT_COLS: &str =
    "s.id, s.case_id, s.unit_id, s.member_id, s.subject_path, s.result, s.manifestations, \
    s.registration_id, s.note, COALESCE(su.name, m.full_name, '') AS name, \
    COALESCE(su.code, m.card_number, '') AS code, \
    CASE WHEN s.member_id IS NULL THEN '' ELSE COALESCE(pu.name, '') END AS subject_unit_name";

const SUBJECT_JOINS: &str =
    "LEFT JOIN units su ON su.id = s.unit_id LEFT JOIN members m ON m.id = s.member_id \
    LEFT JOIN units pu ON pu.path = s.subject_path";

/// Units first (in tree order), then members by name.
const SUBJECT_ORDER: &str =
    "CASE WHEN s.unit_id IS NULL THEN 1 ELSE 0 END, su.path, m.sort_key, s.id";

const REMEDY_COLS: &str = "r.id, r.subject_id, r.case_id, r.text, r.due, r.done_on, r.done_note";

const PROGRAMME_COLS: &str =
    "pg.id, pg.unit_id, u.code AS unit_code, u.name AS unit_name, pg.unit_path, pg.year, \
    pg.body, pg.title, pg.content, pg.decision_number, pg.decided_on, \
    (SELECT COUNT(*) FROM inspection_cases c WHERE c.programme_id = pg.id) AS cases";

fn corrupt(what: &str, v: &str) -> StoreError {
    StoreError::Corrupt(format!("{what} không hợp lệ: {v}"))
}

fn parse_kind(s: &str) -> Result<CaseKind> {
    CaseKind::ALL
        .into_iter()
        .find(|k| k.as_str() == s)
        .ok_or_else(|| corrupt("loại cuộc kiểm tra", s))
}

fn parse_body(s: &str) -> Result<Body> {
    Body::ALL
        .into_iter()
        .find(|b| b.as_str() == s)
        .ok_or_else(|| corrupt("cơ quan tiến hành", s))
}

fn parse_finding(s: Option<String>) -> Result<Option<Finding>> {
    match s {
        None => Ok(None),
        Some(s) => Finding::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .map(Some)
            .ok_or_else(|| corrupt("kết luận", &s)),
    }
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(vec![FieldError::new(field, message)])
}

/// A case as `CASE_COLS` selects it, with the conducting unit's path.
#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    kind: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    body: String,
    programme_id: Option<i64>,
    title: String,
    decision_number: String,
    decided_on: String,
    from_date: Option<String>,
    to_date: Option<String>,
    directive_05: i64,
    team: String,
    concluded_on: Option<String>,
    conclusion: String,
    created_by: String,
    subject_units: i64,
    subject_members: i64,
}

/// A case and its conducting unit's path (what every access check reads).
struct CaseAt {
    case: Case,
    path: String,
}

impl RowInto for CaseRow {
    type Target = CaseAt;
    fn convert(self) -> Result<CaseAt> {
        Ok(CaseAt {
            case: Case {
                id: self.id,
                kind: parse_kind(&self.kind)?,
                unit_id: self.unit_id,
                unit_code: self.unit_code,
                unit_name: self.unit_name,
                body: parse_body(&self.body)?,
                programme_id: self.programme_id,
                title: self.title,
                decision_number: self.decision_number,
                decided_on: sql::date(self.decided_on)?,
                from: parse_opt_date(self.from_date)?,
                to: parse_opt_date(self.to_date)?,
                directive_05: self.directive_05 != 0,
                team: self
                    .team
                    .lines()
                    .filter(|l| !l.trim().is_empty())
                    .map(str::to_string)
                    .collect(),
                concluded_on: parse_opt_date(self.concluded_on)?,
                conclusion: self.conclusion,
                subject_units: self.subject_units,
                subject_members: self.subject_members,
                created_by: self.created_by,
            },
            path: self.unit_path,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SubjectRow {
    id: i64,
    case_id: i64,
    unit_id: Option<i64>,
    member_id: Option<i64>,
    subject_path: String,
    result: Option<String>,
    manifestations: String,
    registration_id: Option<i64>,
    note: String,
    name: String,
    code: String,
    subject_unit_name: String,
}

/// A subject with the path its finding is filed under and its case.
struct SubjectAt {
    subject: Subject,
    case_id: i64,
    path: String,
}

impl RowInto for SubjectRow {
    type Target = SubjectAt;
    fn convert(self) -> Result<SubjectAt> {
        Ok(SubjectAt {
            subject: Subject {
                id: self.id,
                unit_id: self.unit_id,
                member_id: self.member_id,
                name: self.name,
                code: self.code,
                unit_name: self.subject_unit_name,
                result: parse_finding(self.result)?,
                manifestations: self
                    .manifestations
                    .split_whitespace()
                    .map(str::to_string)
                    .collect(),
                registration_id: self.registration_id,
                note: self.note,
                remedies: Vec::new(),
            },
            case_id: self.case_id,
            path: self.subject_path,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RemedyRow {
    id: i64,
    subject_id: i64,
    case_id: i64,
    text: String,
    due: String,
    done_on: Option<String>,
    done_note: String,
}

impl RemedyRow {
    fn into_remedy(self, today: NaiveDate) -> Result<Remedy> {
        let due = sql::date(self.due)?;
        let done_on = parse_opt_date(self.done_on)?;
        Ok(Remedy {
            id: self.id,
            subject_id: self.subject_id,
            case_id: self.case_id,
            text: self.text,
            due,
            done_on,
            done_note: self.done_note,
            state: remedy_state(due, done_on, today),
        })
    }
}

#[derive(sqlx::FromRow)]
struct ProgrammeRow {
    id: i64,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    year: i64,
    body: String,
    title: String,
    content: String,
    decision_number: String,
    decided_on: Option<String>,
    cases: i64,
}

impl RowInto for ProgrammeRow {
    type Target = (Programme, String);
    fn convert(self) -> Result<(Programme, String)> {
        Ok((
            Programme {
                id: self.id,
                unit_id: self.unit_id,
                unit_code: self.unit_code,
                unit_name: self.unit_name,
                year: sql::year(self.year),
                body: parse_body(&self.body)?,
                title: self.title,
                content: self.content,
                decision_number: self.decision_number,
                decided_on: parse_opt_date(self.decided_on)?,
                cases: self.cases,
            },
            self.unit_path,
        ))
    }
}

/// The case columns an own-finding row carries besides the subject's.
#[derive(sqlx::FromRow)]
struct OwnCaseCols {
    kind: String,
    conducted_by: String,
    case_title: String,
    concluded_on: String,
}

/// Opens a case in the caller's transaction: the case row and its subjects (`(unit, member, subject_path)`:
/// exactly one of unit and member, and the path of the unit, or of the member's unit when the case is
/// opened). Checks nothing and writes no audit row: the caller validates and audits. `create_case` uses it,
/// and so does `file_appeal` (disciplines.rs) to open the `discipline_appeal` case of an appeal.
pub(crate) async fn insert_case(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    created_by: &str,
    unit: &domain::Unit,
    input: &CaseInput,
    subjects: &[(Option<i64>, Option<i64>, String)],
) -> Result<i64> {
    let now = ts(now);
    let row = sqlx::query(
        "INSERT INTO inspection_cases (kind, unit_id, unit_path, body, programme_id, title, decision_number, \
         decided_on, from_date, to_date, directive_05, team, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(input.kind.as_str())
    .bind(unit.id)
    .bind(unit.path.clone())
    .bind(input.body.as_str())
    .bind(input.programme_id)
    .bind(text::normalize(&input.title))
    .bind(text::normalize(&input.decision_number))
    .bind(date_str(input.decided_on))
    .bind(opt_date_str(input.from))
    .bind(opt_date_str(input.to))
    .bind(i64::from(input.directive_05))
    .bind(team_text(&input.team))
    .bind(created_by.to_string())
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = get(&row, "id")?;
    insert_subjects(tx, id, subjects).await?;
    Ok(id)
}

async fn insert_subjects(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    case_id: i64,
    subjects: &[(Option<i64>, Option<i64>, String)],
) -> Result<()> {
    for (unit_id, member_id, path) in subjects {
        sqlx::query(
            "INSERT INTO inspection_subjects (case_id, unit_id, member_id, subject_path) VALUES ($1, $2, $3, $4)",
        )
        .bind(case_id)
        .bind(*unit_id)
        .bind(*member_id)
        .bind(path.clone())
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

fn team_text(team: &[String]) -> String {
    team.iter()
        .map(|t| text::normalize(t))
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn case_json(c: &Case) -> serde_json::Value {
    serde_json::to_value(c).unwrap_or(serde_json::Value::Null)
}

fn findings_json(subjects: &[Subject]) -> serde_json::Value {
    serde_json::Value::Array(
        subjects
            .iter()
            .map(|s| {
                serde_json::json!({
                    "subject_id": s.id,
                    "unit_id": s.unit_id,
                    "member_id": s.member_id,
                    "result": s.result.map(|r| r.as_str()),
                    "manifestations": s.manifestations,
                    "note": s.note,
                    "remedies": s.remedies.iter().map(|r| serde_json::json!({
                        "text": r.text, "due": date_str(r.due), "done_on": opt_date_str(r.done_on)
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// Adds the filter of a case list to `q` (after a WHERE that already restricts the scope).
fn push_case_filter(q: &mut Sql, filter: &CaseFilter) {
    if let Some(k) = filter.kind {
        q.push(" AND c.kind = ").safe(k.as_str());
    }
    if let Some(y) = filter.year {
        q.push(" AND c.decided_on >= ")
            .text(format!("{y:04}-01-01"))
            .push(" AND c.decided_on <= ")
            .text(format!("{y:04}-12-31"));
    }
    if let Some(f) = filter.from {
        q.push(" AND c.decided_on >= ").text(date_str(f));
    }
    if let Some(t) = filter.to {
        q.push(" AND c.decided_on <= ").text(date_str(t));
    }
    if let Some(d) = filter.directive_05 {
        q.push(" AND c.directive_05 = ").lit(i64::from(d));
    }
    match filter.concluded {
        Some(true) => {
            q.push(" AND c.concluded_on IS NOT NULL");
        }
        Some(false) => {
            q.push(" AND c.concluded_on IS NULL");
        }
        None => {}
    }
}

/// A subject as the conclusion's checks see it.
struct SubjectKey {
    id: i64,
    subject: SubjectRef,
    name: String,
}

impl crate::Inspections<'_> {
    /// A case and its conducting unit's path, unscoped.
    async fn case_at(self, id: i64) -> Result<CaseAt> {
        let row = sqlx::query(&format!("SELECT {CASE_COLS} {CASE_FROM} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        read::<CaseRow>(&row)
    }

    /// A case the reader may read (NotFound otherwise).
    async fn readable_case(self, p: &Principal, id: i64) -> Result<CaseAt> {
        let c = self.case_at(id).await?;
        if p.can_read_cases(&c.path) {
            Ok(c)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// A case the reader may manage (NotFound when they may not read it, Forbidden when they only read it).
    async fn managed_case(self, p: &Principal, id: i64) -> Result<CaseAt> {
        let c = self.readable_case(p, id).await?;
        if p.can_manage_cases(&c.path) {
            Ok(c)
        } else {
            Err(StoreError::Forbidden)
        }
    }

    /// The conducting unit of a new or edited case: NotFound outside the reader's confidential scope,
    /// Forbidden when they read but may not manage its cases.
    async fn conducting_unit(self, p: &Principal, unit_id: i64) -> Result<domain::Unit> {
        let unit = self
            .db
            .units()
            .unit_unscoped(unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_cases(&unit.path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_manage_cases(&unit.path) {
            return Err(StoreError::Forbidden);
        }
        Ok(unit)
    }

    /// The subjects of a case with their findings and remedies.
    async fn subjects_of(self, case_id: i64) -> Result<Vec<SubjectAt>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUBJECT_COLS} FROM inspection_subjects s {SUBJECT_JOINS} WHERE s.case_id = $1 \
             ORDER BY {SUBJECT_ORDER}"
        ))
        .bind(case_id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut subjects = rows
            .iter()
            .map(read::<SubjectRow>)
            .collect::<Result<Vec<_>>>()?;
        let rows = sqlx::query(&format!(
            "SELECT {REMEDY_COLS} FROM inspection_remedies r WHERE r.case_id = $1 ORDER BY r.due, r.id"
        ))
        .bind(case_id)
        .fetch_all(&self.db.pool)
        .await?;
        let today = self.db.today();
        let mut by_subject: BTreeMap<i64, Vec<Remedy>> = BTreeMap::new();
        for r in &rows {
            let r = sql::from_row::<RemedyRow>(r)?.into_remedy(today)?;
            by_subject.entry(r.subject_id).or_default().push(r);
        }
        for s in &mut subjects {
            s.subject.remedies = by_subject.remove(&s.subject.id).unwrap_or_default();
        }
        Ok(subjects)
    }

    async fn documents_of(self, case_id: i64) -> Result<Vec<DocumentInfo>> {
        documents::list(&self.db.pool, documents::CASE, case_id).await
    }

    /// Everything on a case's page (no audit row).
    async fn detail_of(self, p: &Principal, c: CaseAt) -> Result<CaseDetail> {
        let subjects = self.subjects_of(c.case.id).await?;
        let documents = self.documents_of(c.case.id).await?;
        let disciplines = self.disciplines_of_case(c.case.id).await?;
        Ok(CaseDetail {
            can_manage: p.can_manage_cases(&c.path),
            case: c.case,
            subjects: subjects.into_iter().map(|s| s.subject).collect(),
            documents,
            disciplines,
        })
    }

    /// Checks a case's fields and resolves its subjects against the conducting unit's subtree.
    async fn check_case_input(
        self,
        p: &Principal,
        unit: &domain::Unit,
        input: &CaseInput,
    ) -> Result<Vec<(Option<i64>, Option<i64>, String)>> {
        let mut errors = Vec::new();
        if input.title.trim().is_empty() {
            errors.push(FieldError::new(
                "title",
                "Phải nhập tên cuộc kiểm tra, giám sát",
            ));
        }
        check_length(&mut errors, "title", Field::Title, input.title.trim());
        if input.decision_number.trim().is_empty() {
            errors.push(FieldError::new(
                "decision_number",
                "Phải nhập số quyết định",
            ));
        }
        check_length(
            &mut errors,
            "decision_number",
            Field::DocumentNumber,
            input.decision_number.trim(),
        );
        let team: Vec<&String> = input.team.iter().filter(|t| !t.trim().is_empty()).collect();
        if team.len() > MAX_TEAM {
            errors.push(FieldError::new(
                "team",
                format!("Đoàn kiểm tra có tối đa {MAX_TEAM} thành viên"),
            ));
        }
        for t in team {
            check_length(&mut errors, "team", Field::PersonName, t.trim());
        }
        if let Some(pid) = input.programme_id {
            let row = sqlx::query("SELECT unit_id FROM inspection_programmes WHERE id = $1")
                .bind(pid)
                .fetch_optional(&self.db.pool)
                .await?;
            let owner: Option<i64> = match row {
                Some(r) => Some(get(&r, "unit_id")?),
                None => None,
            };
            if owner != Some(unit.id) {
                errors.push(FieldError::new(
                    "programme_id",
                    "Chương trình kiểm tra, giám sát không phải của đơn vị tiến hành",
                ));
            }
        }
        let mut subjects: Vec<(Option<i64>, Option<i64>, String)> = Vec::new();
        let mut seen_units = std::collections::BTreeSet::new();
        for &uid in &input.subject_units {
            if !seen_units.insert(uid) {
                continue;
            }
            match self.db.units().unit_unscoped(uid).await? {
                None => errors.push(FieldError::new(
                    "subject_units",
                    format!("Không có tổ chức đảng mã số {uid}"),
                )),
                Some(u) if domain::policy::in_subtree(&unit.path, &u.path) => {
                    subjects.push((Some(u.id), None, u.path));
                }
                Some(u) => {
                    let who = if p.can_read_unit(&u.path) {
                        u.name
                    } else {
                        format!("mã số {uid}")
                    };
                    errors.push(FieldError::new(
                        "subject_units",
                        format!(
                            "Tổ chức đảng {who} không thuộc {}: chỉ kiểm tra, giám sát tổ chức đảng cấp dưới",
                            unit.name
                        ),
                    ));
                }
            }
        }
        let mut seen_members = std::collections::BTreeSet::new();
        for &mid in &input.subject_members {
            if !seen_members.insert(mid) {
                continue;
            }
            let row = sqlx::query(
                "SELECT m.full_name, u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1",
            )
            .bind(mid)
            .fetch_optional(&self.db.pool)
            .await?;
            match row {
                None => errors.push(FieldError::new(
                    "subject_members",
                    format!("Không có đảng viên mã số {mid}"),
                )),
                Some(r) => {
                    let name: String = get(&r, "full_name")?;
                    let path: String = get(&r, "path")?;
                    if domain::policy::in_subtree(&unit.path, &path) {
                        subjects.push((None, Some(mid), path));
                    } else {
                        let who = if p.can_read_member(mid, &path) {
                            name
                        } else {
                            format!("mã số {mid}")
                        };
                        errors.push(FieldError::new(
                            "subject_members",
                            format!(
                                "Đảng viên {who} không thuộc {}: chỉ kiểm tra, giám sát đảng viên của đơn vị và cấp dưới",
                                unit.name
                            ),
                        ));
                    }
                }
            }
        }
        let total = seen_units.len() + seen_members.len();
        if total > MAX_SUBJECTS {
            errors.push(FieldError::new(
                "subjects",
                format!("Một cuộc kiểm tra, giám sát có tối đa {MAX_SUBJECTS} đối tượng"),
            ));
        }
        if let Err(e) = check_case(input.from, input.to, total) {
            let field = match e {
                InspectionError::PeriodReversed => "to",
                _ => "subjects",
            };
            errors.push(FieldError::new(field, e.to_string()));
        }
        if errors.is_empty() {
            Ok(subjects)
        } else {
            Err(StoreError::Invalid(errors))
        }
    }

    /// Checks a conclusion against the case's subjects: returns, per subject id, the finding to store.
    fn check_conclusion(
        p: &Principal,
        case: &Case,
        subjects: &[SubjectKey],
        input: &ConclusionInput,
        today: NaiveDate,
    ) -> std::result::Result<Vec<(i64, CheckedFinding)>, Vec<FieldError>> {
        let mut errors = Vec::new();
        if input.concluded_on < case.decided_on {
            errors.push(FieldError::new(
                "concluded_on",
                InspectionError::ConclusionBeforeDecision.to_string(),
            ));
        }
        if input.concluded_on > today {
            errors.push(FieldError::new(
                "concluded_on",
                "Ngày kết luận không thể sau hôm nay",
            ));
        }
        check_length(
            &mut errors,
            "conclusion",
            Field::Description,
            input.conclusion.trim(),
        );
        let mut out: Vec<(i64, CheckedFinding)> = Vec::new();
        for f in &input.findings {
            let Some(s) = subjects.iter().find(|s| s.subject == f.subject) else {
                errors.push(FieldError::new(
                    "findings",
                    match f.subject {
                        SubjectRef::Unit(id) => format!(
                            "Tổ chức đảng mã số {id} không phải đối tượng của cuộc kiểm tra, giám sát này"
                        ),
                        SubjectRef::Member(id) => format!(
                            "Đảng viên mã số {id} không phải đối tượng của cuộc kiểm tra, giám sát này"
                        ),
                    },
                ));
                continue;
            };
            if out.iter().any(|(id, _)| *id == s.id) {
                errors.push(FieldError::new(
                    "findings",
                    format!("Có hai kết luận về {}", s.name),
                ));
                continue;
            }
            if let SubjectRef::Member(mid) = s.subject {
                if let Err(e) = not_about_self(p, mid) {
                    errors.push(FieldError::new("findings", e.to_string()));
                }
            }
            let mut codes: Vec<String> = Vec::new();
            for m in &f.manifestations {
                if m.trim().is_empty() {
                    continue;
                }
                match manifestation_code(m) {
                    Ok(c) if !codes.contains(&c) => codes.push(c),
                    Ok(_) => {}
                    Err(e) => errors.push(FieldError::new("manifestations", e.to_string())),
                }
            }
            codes.sort();
            check_length(&mut errors, "note", Field::ReviewNote, f.note.trim());
            if f.remedies.len() > MAX_REMEDIES {
                errors.push(FieldError::new(
                    "remedies",
                    format!("Mỗi đối tượng có tối đa {MAX_REMEDIES} yêu cầu khắc phục"),
                ));
            }
            let mut remedies = Vec::new();
            for r in &f.remedies {
                let t = text::normalize(&r.text);
                if t.is_empty() {
                    errors.push(FieldError::new(
                        "remedies",
                        "Phải nhập nội dung yêu cầu khắc phục",
                    ));
                }
                check_length(&mut errors, "remedies", Field::ReviewNote, &t);
                if r.due < input.concluded_on {
                    errors.push(FieldError::new(
                        "remedies",
                        InspectionError::RemedyBeforeConclusion.to_string(),
                    ));
                }
                remedies.push((t, r.due));
            }
            out.push((
                s.id,
                CheckedFinding {
                    result: f.result,
                    manifestations: codes.join(" "),
                    registration_id: f.registration_id,
                    member_id: match s.subject {
                        SubjectRef::Member(m) => Some(m),
                        SubjectRef::Unit(_) => None,
                    },
                    note: text::normalize(&f.note),
                    remedies,
                },
            ));
        }
        let missing: Vec<&str> = subjects
            .iter()
            .filter(|s| !out.iter().any(|(id, _)| *id == s.id))
            .map(|s| s.name.as_str())
            .collect();
        if !missing.is_empty() {
            errors.push(FieldError::new(
                "findings",
                format!(
                    "Phải kết luận về mọi đối tượng; còn thiếu: {}",
                    missing.join(", ")
                ),
            ));
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }
}

/// A finding checked and normalised, ready to store.
struct CheckedFinding {
    result: Finding,
    manifestations: String,
    registration_id: Option<i64>,
    member_id: Option<i64>,
    note: String,
    remedies: Vec<(String, NaiveDate)>,
}

/// Rewrites the paths of the inspection records of a moved subtree (`old` → `new`), so cases, findings,
/// discipline and xóa tên decisions follow their units (called by `Units::move_unit`).
pub(crate) async fn move_paths(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    old: &str,
    new: &str,
) -> Result<()> {
    crate::sql::move_paths_in(
        tx,
        &[
            ("inspection_programmes", "unit_path"),
            ("inspection_cases", "unit_path"),
            ("inspection_subjects", "subject_path"),
            ("disciplines", "subject_path"),
            ("disciplines", "decided_path"),
            ("strike_offs", "unit_path"),
        ],
        old,
        new,
    )
    .await
}
