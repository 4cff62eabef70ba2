//! Bulk loading of the inspection commissions' records (the demo dataset): programmes, cases with subjects,
//! findings and remedies, discipline decisions and xóa tên, with multi-row statements, explicit ids from
//! MAX(id), one transaction and one audit record per call, in the style of `meetings_load`. A xóa tên also
//! dates the member's status change (`struck_off`) as `members::write_status` does; an expulsion is loaded
//! with the member's status already set by the caller (the demo's members are generated expelled).

use crate::audit;
use crate::meetings_load::{common_path, pipelined};
use crate::sql::{Arg, Sql};
use crate::{date_str, opt_date_str, ts, Actor, FieldError, Inspections, Result, StoreError};
use chrono::NaiveDate;
use domain::inspection::{check_form, Body, CaseKind, DisciplineForm, Finding, Target};
use domain::text;

/// A yearly programme to load.
#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub unit_id: i64,
    pub unit_path: String,
    pub year: i32,
    pub body: Body,
    pub title: String,
    pub content: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
}

/// A remedy to load.
#[derive(Debug, Clone)]
pub struct NewRemedy {
    pub text: String,
    pub due: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
}

/// A subject to load: a unit or a member, with the path of the unit (the member's unit on the decision
/// date) and the finding once concluded.
#[derive(Debug, Clone)]
pub struct NewSubject {
    pub unit_id: Option<i64>,
    pub member_id: Option<i64>,
    pub subject_path: String,
    pub result: Option<Finding>,
    /// Codes A1–C9.
    pub manifestations: Vec<String>,
    pub note: String,
    pub remedies: Vec<NewRemedy>,
}

/// A case to load.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub kind: CaseKind,
    pub unit_id: i64,
    pub unit_path: String,
    pub body: Body,
    /// Index into [`InspectionLoad::programmes`].
    pub programme: Option<usize>,
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub directive_05: bool,
    pub team: Vec<String>,
    pub concluded_on: Option<NaiveDate>,
    pub conclusion: String,
    pub subjects: Vec<NewSubject>,
}

/// A discipline decision on a member to load.
#[derive(Debug, Clone)]
pub struct NewDiscipline {
    pub member_id: i64,
    /// The path of the member's unit on the decision date.
    pub subject_path: String,
    /// The member was probationary on the decision date (only reprimand or warning then).
    pub probationary: bool,
    pub form: DisciplineForm,
    pub decided_by: i64,
    pub decided_path: String,
    pub body: Body,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
    /// Index into [`InspectionLoad::cases`].
    pub case: Option<usize>,
}

/// A xóa tên decision to load.
#[derive(Debug, Clone)]
pub struct NewStrikeOff {
    pub member_id: i64,
    pub unit_id: i64,
    pub unit_path: String,
    pub decided_by: i64,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub reason: String,
}

/// Everything one call loads.
#[derive(Debug, Clone, Default)]
pub struct InspectionLoad {
    pub programmes: Vec<NewProgramme>,
    pub cases: Vec<NewCase>,
    pub disciplines: Vec<NewDiscipline>,
    pub strike_offs: Vec<NewStrikeOff>,
}

/// What a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InspectionLoadCounts {
    pub programmes: usize,
    pub cases: usize,
    pub subjects: usize,
    pub remedies: usize,
    pub disciplines: usize,
    pub strike_offs: usize,
}

fn check(load: &InspectionLoad) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let long = |s: &str, n: usize| s.trim().is_empty() || s.chars().count() > n;
    for (i, c) in load.cases.iter().enumerate() {
        if long(&c.title, 500) || long(&c.decision_number, 50) {
            errors.push(FieldError::new(
                &format!("cases[{i}].title"),
                "Phải nhập tên cuộc kiểm tra, giám sát (tối đa 500 ký tự) và số quyết định",
            ));
        }
        if let Err(e) = domain::inspection::check_case(c.from, c.to, c.subjects.len()) {
            errors.push(FieldError::new(&format!("cases[{i}]"), e.to_string()));
        }
        if c.concluded_on.is_some_and(|d| d < c.decided_on) {
            errors.push(FieldError::new(
                &format!("cases[{i}].concluded_on"),
                domain::inspection::InspectionError::ConclusionBeforeDecision.to_string(),
            ));
        }
        if c.programme.is_some_and(|p| p >= load.programmes.len()) {
            errors.push(FieldError::new(
                &format!("cases[{i}].programme"),
                "Chương trình không tồn tại",
            ));
        }
        for (j, s) in c.subjects.iter().enumerate() {
            if s.unit_id.is_some() == s.member_id.is_some() {
                errors.push(FieldError::new(
                    &format!("cases[{i}].subjects[{j}]"),
                    "Đối tượng phải là một tổ chức đảng hoặc một đảng viên",
                ));
            }
            if !s.subject_path.starts_with(&c.unit_path) {
                errors.push(FieldError::new(
                    &format!("cases[{i}].subjects[{j}]"),
                    "Đối tượng không thuộc phạm vi đơn vị tiến hành kiểm tra, giám sát",
                ));
            }
            for m in &s.manifestations {
                if let Err(e) = domain::inspection::manifestation_code(m) {
                    errors.push(FieldError::new(
                        &format!("cases[{i}].subjects[{j}].manifestations"),
                        e.to_string(),
                    ));
                }
            }
            if s.result.is_some() && c.concluded_on.is_none() {
                errors.push(FieldError::new(
                    &format!("cases[{i}].subjects[{j}].result"),
                    "Chỉ ghi kết quả khi cuộc kiểm tra, giám sát đã kết luận",
                ));
            }
        }
    }
    for (i, d) in load.disciplines.iter().enumerate() {
        if let Err(e) = check_form(
            d.form,
            Target::Member {
                probationary: d.probationary,
            },
        ) {
            errors.push(FieldError::new(
                &format!("disciplines[{i}].form"),
                e.to_string(),
            ));
        }
        if !d.subject_path.starts_with(&d.decided_path) {
            errors.push(FieldError::new(
                &format!("disciplines[{i}].decided_by"),
                "Đảng viên không thuộc phạm vi đơn vị quyết định kỷ luật",
            ));
        }
        if d.case.is_some_and(|k| k >= load.cases.len()) {
            errors.push(FieldError::new(
                &format!("disciplines[{i}].case"),
                "Cuộc kiểm tra không tồn tại",
            ));
        }
    }
    errors
}

impl Inspections<'_> {
    /// Loads the records as given (after the checks every write path makes: forms by subject, subjects in
    /// the conducting unit's subtree, manifestation codes), in one transaction with one audit record.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.load_inspections")
    )]
    pub async fn load_inspections(
        self,
        actor: &Actor,
        load: &InspectionLoad,
    ) -> Result<InspectionLoadCounts> {
        let errors = check(load);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let backend = self.db.backend();
        let now = self.db.now();
        let stamp = ts(now);
        let creator = actor.username.clone();
        let mut w = self.db.write().await?;
        let mut counts = InspectionLoadCounts::default();

        // Programmes.
        let first_programme =
            crate::sql::reserve_ids(&mut w.tx, backend, "inspection_programmes").await?;
        let rows: Vec<(i64, &NewProgramme)> = load
            .programmes
            .iter()
            .enumerate()
            .map(|(i, p)| (first_programme + i as i64, p))
            .collect();
        pipelined(&mut w.tx, &rows, crate::sql::rows_per_statement(5), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO inspection_programmes (id, unit_id, unit_path, year, body, title, content, decision_number, \
                 decided_on, created_by, created_at, updated_at) VALUES ",
            );
            for (i, (id, p)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(*id).push(", ").lit(p.unit_id).push(", ");
                q.safe(&p.unit_path).push(", ").lit(i64::from(p.year)).push(", ");
                q.safe(p.body.as_str()).push(", ");
                q.text(text::normalize(p.title.trim())).push(", ");
                q.text(text::normalize(p.content.trim())).push(", ");
                q.text(text::normalize(p.decision_number.trim())).push(", ");
                q.safe(&date_str(p.decided_on)).push(", ");
                q.arg(Arg::Text(creator.clone())).push(", ");
                q.safe(&stamp).push(", ").safe(&stamp).push(")");
            }
            Ok(q)
        })
        .await?;
        crate::sql::sync_sequence(&mut w.tx, backend, "inspection_programmes").await?;
        counts.programmes = rows.len();

        // Cases.
        let first_case = crate::sql::reserve_ids(&mut w.tx, backend, "inspection_cases").await?;
        let rows: Vec<(i64, &NewCase)> = load
            .cases
            .iter()
            .enumerate()
            .map(|(i, c)| (first_case + i as i64, c))
            .collect();
        pipelined(&mut w.tx, &rows, crate::sql::rows_per_statement(6), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO inspection_cases (id, kind, unit_id, unit_path, body, programme_id, title, decision_number, \
                 decided_on, from_date, to_date, directive_05, team, concluded_on, conclusion, created_by, created_at, \
                 updated_at) VALUES ",
            );
            for (i, (id, c)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(*id).push(", ").safe(c.kind.as_str()).push(", ");
                q.lit(c.unit_id).push(", ").safe(&c.unit_path).push(", ");
                q.safe(c.body.as_str()).push(", ");
                match c.programme {
                    Some(p) => q.lit(first_programme + p as i64),
                    None => q.push("NULL"),
                };
                q.push(", ").text(text::normalize(c.title.trim())).push(", ");
                q.text(text::normalize(c.decision_number.trim())).push(", ");
                q.safe(&date_str(c.decided_on)).push(", ");
                q.safe_opt(opt_date_str(c.from).as_deref()).push(", ");
                q.safe_opt(opt_date_str(c.to).as_deref()).push(", ");
                q.lit(i64::from(c.directive_05)).push(", ");
                q.text(text::normalize(c.team.join("\n").trim())).push(", ");
                q.safe_opt(opt_date_str(c.concluded_on).as_deref()).push(", ");
                q.text(text::normalize(c.conclusion.trim())).push(", ");
                q.arg(Arg::Text(creator.clone())).push(", ");
                q.safe(&stamp).push(", ").safe(&stamp).push(")");
            }
            Ok(q)
        })
        .await?;
        crate::sql::sync_sequence(&mut w.tx, backend, "inspection_cases").await?;
        counts.cases = rows.len();

        // Subjects and their remedies.
        let first_subject =
            crate::sql::reserve_ids(&mut w.tx, backend, "inspection_subjects").await?;
        let mut subjects: Vec<(i64, i64, &NewSubject)> = Vec::new();
        for (case_id, c) in &rows {
            for s in &c.subjects {
                subjects.push((first_subject + subjects.len() as i64, *case_id, s));
            }
        }
        pipelined(
            &mut w.tx,
            &subjects,
            crate::sql::rows_per_statement(2),
            |chunk| {
                let mut q = Sql::bulk(
                    backend,
                    "INSERT INTO inspection_subjects (id, case_id, unit_id, member_id, subject_path, result, \
                     manifestations, note) VALUES ",
                );
                for (i, (id, case_id, s)) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(").lit(*id).push(", ").lit(*case_id).push(", ");
                    match s.unit_id {
                        Some(u) => q.lit(u),
                        None => q.push("NULL"),
                    };
                    q.push(", ");
                    match s.member_id {
                        Some(m) => q.lit(m),
                        None => q.push("NULL"),
                    };
                    q.push(", ").safe(&s.subject_path).push(", ");
                    q.safe_opt(s.result.map(|r| r.as_str())).push(", ");
                    let codes = s
                        .manifestations
                        .iter()
                        .filter_map(|m| domain::inspection::manifestation_code(m).ok())
                        .collect::<Vec<_>>()
                        .join(" ");
                    q.safe(&codes).push(", ");
                    q.text(text::normalize(s.note.trim())).push(")");
                }
                Ok(q)
            },
        )
        .await?;
        crate::sql::sync_sequence(&mut w.tx, backend, "inspection_subjects").await?;
        counts.subjects = subjects.len();
        let remedies: Vec<(i64, i64, &NewRemedy)> = subjects
            .iter()
            .flat_map(|(sid, cid, s)| s.remedies.iter().map(move |r| (*sid, *cid, r)))
            .collect();
        pipelined(
            &mut w.tx,
            &remedies,
            crate::sql::rows_per_statement(3),
            |chunk| {
                let mut q = Sql::bulk(
                    backend,
                    "INSERT INTO inspection_remedies (subject_id, case_id, text, due, done_on, done_note, done_by) VALUES ",
                );
                for (i, (sid, cid, r)) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(").lit(*sid).push(", ").lit(*cid).push(", ");
                    q.text(text::normalize(r.text.trim())).push(", ");
                    q.safe(&date_str(r.due)).push(", ");
                    q.safe_opt(opt_date_str(r.done_on).as_deref()).push(", ");
                    q.text(text::normalize(r.done_note.trim())).push(", ");
                    match r.done_on {
                        Some(_) => q.arg(Arg::Text(creator.clone())),
                        None => q.push("NULL"),
                    };
                    q.push(")");
                }
                Ok(q)
            },
        )
        .await?;
        counts.remedies = remedies.len();

        // Discipline.
        pipelined(
            &mut w.tx,
            &load.disciplines,
            crate::sql::rows_per_statement(5),
            |chunk| {
                let mut q = Sql::bulk(
                    backend,
                    "INSERT INTO disciplines (member_id, unit_id, subject_path, form, form_in_force, state, decided_by, \
                     decided_path, body, decision_number, decided_on, reason, case_id, created_by, created_at) VALUES ",
                );
                for (i, d) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(").lit(d.member_id).push(", NULL, ");
                    q.safe(&d.subject_path).push(", ");
                    q.safe(d.form.as_str()).push(", ").safe(d.form.as_str());
                    q.push(", 'in_force', ").lit(d.decided_by).push(", ");
                    q.safe(&d.decided_path).push(", ").safe(d.body.as_str()).push(", ");
                    q.text(text::normalize(d.decision_number.trim())).push(", ");
                    q.safe(&date_str(d.decided_on)).push(", ");
                    q.text(text::normalize(d.reason.trim())).push(", ");
                    match d.case {
                        Some(k) => q.lit(first_case + k as i64),
                        None => q.push("NULL"),
                    };
                    q.push(", ").arg(Arg::Text(creator.clone())).push(", ");
                    q.safe(&stamp).push(")");
                }
                Ok(q)
            },
        )
        .await?;
        counts.disciplines = load.disciplines.len();

        // Xóa tên, and the members' status from its date.
        for s in &load.strike_offs {
            let mut q = Sql::new(
                "INSERT INTO strike_offs (member_id, unit_id, unit_path, decided_by, decision_number, decided_on, \
                 reason, created_by, created_at) VALUES (",
            );
            q.lit(s.member_id).push(", ").lit(s.unit_id).push(", ");
            q.safe(&s.unit_path).push(", ").lit(s.decided_by).push(", ");
            q.text(text::normalize(s.decision_number.trim())).push(", ");
            q.safe(&date_str(s.decided_on)).push(", ");
            q.text(text::normalize(s.reason.trim())).push(", ");
            q.arg(Arg::Text(creator.clone())).push(", ");
            q.safe(&stamp).push(")");
            q.query().execute(&mut *w.tx).await?;
            let status = domain::MemberStatus::StruckOff.as_str();
            let mut q = Sql::new("UPDATE members SET status = ");
            q.safe(status).push(", status_since = ");
            q.safe(&date_str(s.decided_on)).push(", updated_at = ");
            q.safe(&stamp).push(" WHERE id = ").lit(s.member_id);
            q.query().execute(&mut *w.tx).await?;
            let mut q = Sql::new(
                "INSERT INTO member_status_history (member_id, status, from_date, recorded_at) VALUES (",
            );
            q.lit(s.member_id).push(", ").safe(status).push(", ");
            q.safe(&date_str(s.decided_on))
                .push(", ")
                .safe(&stamp)
                .push(")");
            q.query().execute(&mut *w.tx).await?;
        }
        counts.strike_offs = load.strike_offs.len();

        let path = common_path(load.cases.iter().map(|c| c.unit_path.as_str()));
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("demo", "inspection", format!("{first_case}"))
                .label(format!(
                    "{} chương trình, {} cuộc kiểm tra, giám sát, {} quyết định kỷ luật, {} xóa tên",
                    counts.programmes, counts.cases, counts.disciplines, counts.strike_offs
                ))
                .unit(&path)
                .after(&serde_json::json!({
                    "programmes": counts.programmes,
                    "cases": counts.cases,
                    "subjects": counts.subjects,
                    "remedies": counts.remedies,
                    "disciplines": counts.disciplines,
                    "strike_offs": counts.strike_offs,
                })),
        )
        .await?;
        w.commit().await?;
        Ok(counts)
    }
}
