//! Importing inspection and supervision cases from a file (`office::parse_inspections`): the checks that
//! need the database (units, members, scope, cases already recorded), then one transaction — or nothing.

use std::collections::{BTreeMap, HashMap};

use domain::import::{default_case_title, header, InspectionRow, Parsed, RowError};
use domain::policy::Principal;
use domain::Unit;

use crate::import::{ImportOutcome, ImportReport};
use crate::inspections::{insert_case, CaseInput};
use crate::{audit, date_str, get, Actor, Result};

/// One case of the file: its rows (one per subject) in file order.
struct FileCase<'a> {
    unit: Unit,
    rows: Vec<&'a InspectionRow>,
    /// (unit_id, member_id, subject_path) per row, filled by the checks.
    subjects: Vec<(Option<i64>, Option<i64>, String)>,
}

/// A member's unit path on a day: the membership in force then, else the current one.
fn path_on(memberships: &[(String, Option<String>, String)], day: &str) -> Option<String> {
    memberships
        .iter()
        .find(|(from, to, _)| from.as_str() <= day && to.as_deref().is_none_or(|t| t > day))
        .or_else(|| memberships.iter().find(|(_, to, _)| to.is_none()))
        .map(|(_, _, path)| path.clone())
}

/// A member's memberships: (from, to, unit path), oldest first.
type Memberships = Vec<(String, Option<String>, String)>;

fn in_subtree(path: &str, root: &str) -> bool {
    path.starts_with(root)
}

impl crate::Inspections<'_> {
    /// Imports cases with their subjects. `p` None = unscoped (CLI). Every row is checked against the
    /// database; any error → nothing is written and every error is listed. A case (conducting unit +
    /// decision number) already recorded is refused, so importing a file twice does not double it.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "inspections.import_inspections")
    )]
    pub async fn import_inspections(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        parsed: Parsed<InspectionRow>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let mut errors = parsed.errors;
        let units: HashMap<String, Unit> = {
            let rows = sqlx::query(&format!("SELECT {} FROM units u", crate::units::UNIT_COLS))
                .fetch_all(&self.db.pool)
                .await?;
            let mut map = HashMap::with_capacity(rows.len());
            for r in &rows {
                let u = crate::units::unit_from_row(r)?;
                map.insert(u.code.clone(), u);
            }
            map
        };
        // Memberships of the members named by card: (from, to, unit path) each.
        let mut members: HashMap<String, (i64, Memberships)> = HashMap::new();
        for card in parsed.rows.iter().filter_map(|r| r.subject_card.as_ref()) {
            if members.contains_key(card) {
                continue;
            }
            let rows = sqlx::query(
                "SELECT m.id, ms.from_date, ms.to_date, u.path FROM members m \
                 JOIN memberships ms ON ms.member_id = m.id JOIN units u ON u.id = ms.unit_id \
                 WHERE m.card_number = $1 ORDER BY ms.from_date",
            )
            .bind(card.clone())
            .fetch_all(&self.db.pool)
            .await?;
            if let Some(first) = rows.first() {
                let id: i64 = get(first, "id")?;
                let mut list = Vec::with_capacity(rows.len());
                for r in &rows {
                    list.push((get(r, "from_date")?, get(r, "to_date")?, get(r, "path")?));
                }
                members.insert(card.clone(), (id, list));
            }
        }

        let mut cases: BTreeMap<(String, String), FileCase<'_>> = BTreeMap::new();
        for row in &parsed.rows {
            let Some(unit) = units.get(&row.conducting_code) else {
                errors.push(RowError::new(
                    row.line,
                    header::CONDUCTING_CODE,
                    format!("Không tìm thấy đơn vị có mã \"{}\"", row.conducting_code),
                ));
                continue;
            };
            if !p.is_none_or(|p| p.can_manage_cases(&unit.path)) {
                errors.push(RowError::new(
                    row.line,
                    header::CONDUCTING_CODE,
                    format!(
                        "Đơn vị \"{}\" nằm ngoài phạm vi quản lý kiểm tra, giám sát của bạn",
                        row.conducting_code
                    ),
                ));
                continue;
            }
            let subject = if let Some(code) = &row.subject_unit_code {
                match units.get(code) {
                    Some(u) if in_subtree(&u.path, &unit.path) => {
                        Some((Some(u.id), None, u.path.clone()))
                    }
                    Some(_) => {
                        errors.push(RowError::new(
                            row.line,
                            header::SUBJECT_UNIT_CODE,
                            format!(
                                "Tổ chức đảng \"{code}\" không thuộc đơn vị tiến hành \"{}\"",
                                row.conducting_code
                            ),
                        ));
                        None
                    }
                    None => {
                        errors.push(RowError::new(
                            row.line,
                            header::SUBJECT_UNIT_CODE,
                            format!("Không tìm thấy đơn vị có mã \"{code}\""),
                        ));
                        None
                    }
                }
            } else if let Some(card) = &row.subject_card {
                match members.get(card) {
                    Some((id, list)) => match path_on(list, &date_str(row.decided_on)) {
                        Some(path) if in_subtree(&path, &unit.path) => {
                            Some((None, Some(*id), path))
                        }
                        _ => {
                            errors.push(RowError::new(
                                    row.line,
                                    header::SUBJECT_CARD,
                                    format!(
                                        "Đảng viên có số thẻ \"{card}\" không sinh hoạt trong đơn vị tiến hành \"{}\" vào ngày quyết định",
                                        row.conducting_code
                                    ),
                                ));
                            None
                        }
                    },
                    None => {
                        errors.push(RowError::new(
                            row.line,
                            header::SUBJECT_CARD,
                            format!("Không tìm thấy đảng viên có số thẻ \"{card}\""),
                        ));
                        None
                    }
                }
            } else {
                None
            };
            let Some(subject) = subject else { continue };
            let fc = cases
                .entry((unit.code.clone(), row.decision_number.clone()))
                .or_insert_with(|| FileCase {
                    unit: unit.clone(),
                    rows: Vec::new(),
                    subjects: Vec::new(),
                });
            fc.rows.push(row);
            fc.subjects.push(subject);
        }
        // Cases already recorded.
        for fc in cases.values() {
            let Some(first) = fc.rows.first() else {
                continue;
            };
            let existing = sqlx::query(
                "SELECT id FROM inspection_cases WHERE unit_id = $1 AND decision_number = $2",
            )
            .bind(fc.unit.id)
            .bind(first.decision_number.clone())
            .fetch_optional(&self.db.pool)
            .await?;
            if existing.is_some() {
                for r in &fc.rows {
                    errors.push(RowError::new(
                        r.line,
                        header::DECISION_NUMBER,
                        format!(
                            "Đơn vị \"{}\" đã có cuộc kiểm tra, giám sát theo quyết định số {} trong hệ thống",
                            fc.unit.code, first.decision_number
                        ),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            errors.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.column.cmp(&b.column)));
            domain::import::cap_errors(&mut errors);
            return Ok(ImportOutcome::Rejected(errors));
        }
        let report = ImportReport {
            rows: parsed.rows.len(),
            created: cases.len(),
            dry_run,
            ..Default::default()
        };
        if dry_run {
            return Ok(ImportOutcome::Done(report));
        }

        let mut w = self.db.write().await?;
        let now = self.db.now();
        for fc in cases.values() {
            let Some(first) = fc.rows.first() else {
                continue;
            };
            let title = first
                .title
                .clone()
                .unwrap_or_else(|| default_case_title(first.kind, &first.decision_number));
            let input = CaseInput {
                kind: first.kind,
                unit_id: fc.unit.id,
                body: first.body,
                programme_id: None,
                title: title.clone(),
                decision_number: first.decision_number.clone(),
                decided_on: first.decided_on,
                from: first.from,
                to: first.to,
                directive_05: first.directive_05,
                team: Vec::new(),
                subject_units: fc.subjects.iter().filter_map(|s| s.0).collect(),
                subject_members: fc.subjects.iter().filter_map(|s| s.1).collect(),
            };
            let id = insert_case(
                &mut w.tx,
                now,
                &actor.username,
                &fc.unit,
                &input,
                &fc.subjects,
            )
            .await?;
            let mut concluded = None;
            for (row, (unit_id, member_id, _)) in fc.rows.iter().zip(&fc.subjects) {
                if row.result.is_none() && row.note.is_none() {
                    continue;
                }
                sqlx::query(
                    "UPDATE inspection_subjects SET result = $1, note = $2 WHERE case_id = $3 \
                     AND (unit_id = $4 OR member_id = $5)",
                )
                .bind(row.result.map(|r| r.as_str().to_string()))
                .bind(row.note.clone().unwrap_or_default())
                .bind(id)
                .bind(unit_id.unwrap_or(-1))
                .bind(member_id.unwrap_or(-1))
                .execute(&mut *w.tx)
                .await?;
                if row.result.is_some() {
                    let day = row.concluded_on.unwrap_or(row.decided_on);
                    concluded = Some(concluded.map_or(day, |c: chrono::NaiveDate| c.max(day)));
                }
            }
            if let Some(day) = concluded {
                sqlx::query("UPDATE inspection_cases SET concluded_on = $1 WHERE id = $2")
                    .bind(date_str(day))
                    .bind(id)
                    .execute(&mut *w.tx)
                    .await?;
            }
            let after = serde_json::json!({
                "kind": first.kind.as_str(),
                "decision_number": first.decision_number,
                "decided_on": date_str(first.decided_on),
                "subjects": fc.subjects.iter()
                    .map(|(u, m, _)| serde_json::json!({ "unit_id": u, "member_id": m }))
                    .collect::<Vec<_>>(),
                "concluded_on": concluded.map(date_str),
            });
            audit::record(
                &mut w.tx,
                now,
                actor,
                &audit::AuditEvent::new("import", "inspection_case", id)
                    .label(&title)
                    .unit(&fc.unit.path)
                    .after(&after),
            )
            .await?;
        }
        w.commit().await?;
        Ok(ImportOutcome::Done(report))
    }
}
