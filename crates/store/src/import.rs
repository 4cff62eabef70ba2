//! All-or-nothing imports of units and members (docs/DOMAIN.md § Imports), and the bulk loader the demo uses.
//! Rows arrive parsed (`domain::import`, read from files by `office`); this module adds the checks that need the database (unknown unit codes,
//! scope, identifiers that belong to someone else), then writes everything in one transaction or nothing.

use crate::audit::{self, AuditEvent};
use crate::members::{
    clash_audit, member_json, member_snapshot, taken_by, unusable_identifier,
    validate_member_input, MemberAudit, MemberInput,
};
use crate::sql::{Arg, Sql};
use crate::units::{insert_unit, unit_json, UnitInput};
use crate::{date_str, get, opt_date_str, ts, Actor, Imports, Result, StoreError};
use chrono::NaiveDate;
use domain::import::header::{
    CARD_NUMBER as COL_CARD, CITIZEN_ID as COL_CID, FROM as COL_FROM, PARENT_CODE as COL_PARENT,
    UNIT_CODE as COL_UNIT,
};
use domain::import::{member_column as column_of, MemberRow, Parsed, RowError, UnitRow};
use domain::policy::Principal;
use domain::{text, Member, MemberStatus, Position, Unit};
use std::collections::HashMap;

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub dry_run: bool,
    /// Position titles of the imported members that could not be understood, with how many rows hold each
    /// (a warning: they are stored as written and listed for review).
    pub unmapped_titles: Vec<(String, usize)>,
}

/// The titles among `titles` that are not understood (`Post::Unknown`), with their counts, most frequent first.
fn unmapped_titles<'a>(titles: impl Iterator<Item = &'a str>) -> Vec<(String, usize)> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for t in titles {
        let t = t.trim();
        if domain::position::parse_title(t).post == domain::position::Post::Unknown {
            *counts.entry(t.to_string()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Either the import happened, or nothing was written and every bad row is listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOutcome {
    Done(ImportReport),
    Rejected(Vec<RowError>),
}

/// Errors in line order, at most `domain::import::MAX_ROW_ERRORS` of them plus one line counting the rest, so
/// the database checks of a huge file cost as little memory as the parser's own (which caps the same way).
fn sorted(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.sort_by(|a, b| a.line.cmp(&b.line).then_with(|| a.column.cmp(&b.column)));
    domain::import::cap_errors(&mut errors);
    errors
}

/// A member to insert with its full history (import: one membership; demo: transfers too).
pub struct NewMemberFull {
    pub input: MemberInput,
    /// (unit, from) in order; each ends when the next starts; the last is current.
    pub memberships: Vec<(Unit, NaiveDate)>,
    pub status: MemberStatus,
    pub status_since: Option<NaiveDate>,
}

impl Imports<'_> {
    async fn all_units_by_code(self) -> Result<HashMap<String, Unit>> {
        let rows = sqlx::query(&format!("SELECT {} FROM units u", crate::units::UNIT_COLS))
            .fetch_all(&self.db.pool)
            .await?;
        let mut map = HashMap::with_capacity(rows.len());
        for r in &rows {
            let u = crate::units::unit_from_row(r)?;
            map.insert(u.code.clone(), u);
        }
        Ok(map)
    }

    /// Imports units. `p` None = unscoped (CLI). Parents may come earlier or later in the file.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.import_units")
    )]
    pub async fn import_units(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        parsed: Parsed<UnitRow>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let existing = self.all_units_by_code().await?;
        let mut parsed = parsed;
        // An empty parent code means "directly under the top unit": the importing user's own unit, or for
        // an unscoped caller (CLI) the single root unit when there is exactly one.
        let default_parent = match p {
            Some(p) => existing
                .values()
                .find(|u| u.id == p.unit_id)
                .map(|u| u.code.clone()),
            None => {
                let roots: Vec<&Unit> = existing
                    .values()
                    .filter(|u| u.parent_id.is_none())
                    .collect();
                if roots.len() == 1 {
                    Some(roots[0].code.clone())
                } else {
                    None
                }
            }
        };
        for row in &mut parsed.rows {
            if row.parent_code.is_none()
                && default_parent.as_deref() != Some(row.code.as_str())
                && existing
                    .get(&row.code)
                    .is_none_or(|u| u.parent_id.is_some())
            {
                row.parent_code = default_parent.clone();
            }
        }
        let mut errors = parsed.errors;
        let in_file: HashMap<&str, &UnitRow> =
            parsed.rows.iter().map(|r| (r.code.as_str(), r)).collect();
        errors.extend(domain::import::unknown_parent_errors(
            &parsed.rows,
            &|c: &str| existing.contains_key(c),
        ));
        let writable = |u: &Unit| p.is_none_or(|p| p.can_write_unit(&u.path));
        let readable = |u: &Unit| p.is_none_or(|p| p.can_read_unit(&u.path));
        let mut clashes: Vec<AuditEvent> = Vec::new();
        let mut report = ImportReport {
            rows: parsed.rows.len(),
            dry_run,
            ..Default::default()
        };
        let mut updates: Vec<(&UnitRow, &Unit)> = Vec::new();
        for row in &parsed.rows {
            match existing.get(&row.code) {
                Some(u) => {
                    if !writable(u) {
                        let message = if readable(u) {
                            format!("Đơn vị \"{}\" nằm ngoài phạm vi quản lý của bạn", row.code)
                        } else {
                            // Someone else's unit: the code cannot be used; the office is told who tried.
                            clashes.push(unit_clash_audit(u, dry_run));
                            crate::members::unusable_unit_code()
                        };
                        errors.push(RowError {
                            line: row.line,
                            column: COL_UNIT.into(),
                            message,
                        });
                        continue;
                    }
                    let current_parent = u
                        .parent_id
                        .and_then(|pid| existing.values().find(|x| x.id == pid))
                        .map(|x| x.code.clone());
                    if current_parent != row.parent_code {
                        errors.push(RowError {
                            line: row.line,
                            column: COL_PARENT.into(),
                            message: format!(
                                "Đơn vị \"{}\" đang trực thuộc \"{}\"; để chuyển đơn vị cấp trên hãy dùng chức năng chuyển đơn vị",
                                row.code,
                                current_parent.unwrap_or_default()
                            ),
                        });
                        continue;
                    }
                    if text::normalize(&row.name) != u.name
                        || row.unit_type != u.unit_type
                        || row.sort_order.is_some_and(|o| o != u.sort_order)
                    {
                        updates.push((row, u));
                    } else {
                        report.unchanged += 1;
                    }
                }
                None => {
                    // A new unit: its nearest existing ancestor must be writable; roots only unscoped.
                    let mut cur = row.parent_code.clone();
                    let mut guard = 0;
                    let mut ok = false;
                    while let Some(code) = cur {
                        guard += 1;
                        if guard > 10_000 {
                            break;
                        }
                        if let Some(u) = existing.get(&code) {
                            ok = writable(u);
                            break;
                        }
                        match in_file.get(code.as_str()) {
                            // A new root in the same file: only an unscoped import (the CLI) adds roots.
                            Some(r) if r.code != row.code && r.parent_code.is_none() => {
                                ok = p.is_none();
                                break;
                            }
                            Some(r) if r.code != row.code => cur = r.parent_code.clone(),
                            _ => break,
                        }
                    }
                    if row.parent_code.is_none() {
                        ok = p.is_none();
                    }
                    if !ok
                        && !errors
                            .iter()
                            .any(|e| e.line == row.line && e.column == COL_PARENT)
                    {
                        // A parent the caller may not read answers as an unknown code would.
                        let hidden = row
                            .parent_code
                            .as_ref()
                            .and_then(|c| existing.get(c).map(|u| (c, u)))
                            .filter(|(_, u)| !readable(u));
                        let message = match hidden {
                            Some((code, _)) => format!(
                                "Không tìm thấy đơn vị cấp trên có mã \"{code}\" (không có trong tệp và trong hệ thống)"
                            ),
                            None => "Đơn vị cấp trên nằm ngoài phạm vi quản lý của bạn".into(),
                        };
                        errors.push(RowError {
                            line: row.line,
                            column: COL_PARENT.into(),
                            message,
                        });
                    }
                    report.created += 1;
                }
            }
        }
        report.updated = updates.len();
        // Order new units so that parents come first; anything left is a cycle.
        let mut pending: Vec<&UnitRow> = parsed
            .rows
            .iter()
            .filter(|r| !existing.contains_key(&r.code))
            .collect();
        let mut ordered: Vec<&UnitRow> = Vec::with_capacity(pending.len());
        let mut known: std::collections::HashSet<String> = existing.keys().cloned().collect();
        loop {
            let before = pending.len();
            pending.retain(|r| {
                let ready = r.parent_code.as_ref().is_none_or(|pc| known.contains(pc));
                if ready {
                    known.insert(r.code.clone());
                    ordered.push(r);
                }
                !ready
            });
            if pending.is_empty() || pending.len() == before {
                break;
            }
        }
        for r in &pending {
            if !errors.iter().any(|e| e.line == r.line) {
                errors.push(RowError {
                    line: r.line,
                    column: COL_PARENT.into(),
                    message: "Vòng lặp cấp trên: theo tệp, đơn vị này thành cấp trên của chính nó"
                        .into(),
                });
            }
        }
        if !errors.is_empty() || dry_run {
            let path = audit_path(
                p,
                parsed.rows.iter().filter_map(|r| {
                    existing
                        .get(&r.code)
                        .or_else(|| r.parent_code.as_ref().and_then(|c| existing.get(c)))
                        .map(|u| u.path.as_str())
                }),
            );
            if dry_run {
                clashes.push(check_audit("units", &report, errors.len(), path));
            }
            self.db.audit().record_alone(actor, &clashes).await?;
            if !errors.is_empty() {
                return Ok(ImportOutcome::Rejected(sorted(errors)));
            }
            return Ok(ImportOutcome::Done(report));
        }
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let mut created: HashMap<String, Unit> = HashMap::new();
        for r in ordered {
            let parent = r
                .parent_code
                .as_ref()
                .and_then(|pc| created.get(pc).or_else(|| existing.get(pc)))
                .cloned();
            let input = UnitInput {
                code: r.code.clone(),
                name: r.name.clone(),
                unit_type: r.unit_type,
                parent_code: r.parent_code.clone(),
                sort_order: r.sort_order.unwrap_or(r.line as i64),
                valid_from: r.valid_from,
            };
            let unit = insert_unit(&mut w.tx, now, &input, parent.as_ref()).await?;
            audit::record(
                &mut w.tx,
                now,
                actor,
                &audit::AuditEvent::new("import", "unit", unit.id)
                    .label(&unit.name)
                    .unit(&unit.path)
                    .after(&unit_json(&unit)),
            )
            .await?;
            created.insert(unit.code.clone(), unit);
        }
        for (r, u) in updates {
            let name = text::normalize(&r.name);
            let order = r.sort_order.unwrap_or(u.sort_order);
            sqlx::query("UPDATE units SET name = $1, name_fold = $2, unit_type = $3, sort_order = $4, updated_at = $5 WHERE id = $6")
                .bind(name.clone()).bind(text::fold(&name)).bind(r.unit_type.as_str()).bind(order).bind(ts(now)).bind(u.id)
                .execute(&mut *w.tx).await?;
            let after = Unit {
                name,
                unit_type: r.unit_type,
                sort_order: order,
                ..u.clone()
            };
            audit::record(
                &mut w.tx,
                now,
                actor,
                &audit::AuditEvent::new("import", "unit", u.id)
                    .label(&after.name)
                    .unit(&u.path)
                    .before(&unit_json(u))
                    .after(&unit_json(&after)),
            )
            .await?;
        }
        w.commit().await?;
        Ok(ImportOutcome::Done(report))
    }

    /// Imports members: identified by card number, else citizen ID; re-import updates, never duplicates.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.import_members")
    )]
    pub async fn import_members(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        parsed: Parsed<MemberRow>,
        dry_run: bool,
    ) -> Result<ImportOutcome> {
        let started = std::time::Instant::now();
        let units = self.all_units_by_code().await?;
        let today = self.db.today();
        let mut errors = parsed.errors;
        errors.extend(domain::import::unknown_unit_errors(
            &parsed.rows,
            &|c: &str| units.contains_key(c),
        ));
        let existing = self.existing_by_identifiers(&parsed.rows).await?;
        let operation = if dry_run {
            "Nhập thử tệp đảng viên"
        } else {
            "Nhập tệp đảng viên"
        };
        let mut clashes: Vec<AuditEvent> = Vec::new();
        let mut creates: Vec<NewMemberFull> = Vec::new();
        let mut changes: Vec<(Member, String, MemberInput, Unit, NaiveDate)> = Vec::new();
        let mut report = ImportReport {
            rows: parsed.rows.len(),
            dry_run,
            ..Default::default()
        };
        // Field validation is pure CPU work: run it on all cores before the sequential checks.
        let validated_all = validate_rows(&parsed.rows, today);
        for (row, checked) in parsed.rows.iter().zip(validated_all) {
            let mut validated = std::iter::once(checked);
            let Some(unit) = units.get(&row.unit_code) else {
                continue;
            };
            if !p.is_none_or(|p| p.can_write_member(&unit.path)) {
                // A unit the caller may not read answers as if it did not exist.
                let message = if p.is_none_or(|p| p.can_read_unit(&unit.path)) {
                    format!(
                        "Đơn vị \"{}\" nằm ngoài phạm vi quản lý của bạn",
                        row.unit_code
                    )
                } else {
                    format!("Không tìm thấy đơn vị có mã \"{}\"", row.unit_code)
                };
                errors.push(RowError {
                    line: row.line,
                    column: COL_UNIT.into(),
                    message,
                });
                continue;
            }
            if !unit.unit_type.is_party() {
                errors.push(RowError {
                    line: row.line,
                    column: COL_UNIT.into(),
                    message: format!(
                        "\"{}\" ({}) không phải là tổ chức đảng",
                        unit.name,
                        unit.unit_type.label()
                    ),
                });
                continue;
            }
            let input = match validated.next() {
                Some(Ok(i)) => i,
                Some(Err(fe)) => {
                    for e in fe {
                        errors.push(RowError {
                            line: row.line,
                            column: column_of(&e.field).into(),
                            message: e.message,
                        });
                    }
                    continue;
                }
                None => continue,
            };
            let by_card = input
                .card_number
                .as_ref()
                .and_then(|c| existing.by_card.get(c));
            let by_cid = input
                .citizen_id
                .as_ref()
                .and_then(|c| existing.by_cid.get(c));
            // A member `p` may not read is never named: the row gets the neutral message and the office an
            // audit row (OWASP ASVS V8.3).
            let readable = |id: i64| -> Result<bool> {
                let (m, path) = existing.member(id)?;
                Ok(p.is_none_or(|p| p.can_read_member(m.id, path)))
            };
            let target = match (by_card, by_cid) {
                (Some(a), Some(b)) if a != b => {
                    if readable(*a)? && readable(*b)? {
                        let (owner, _) = existing.member(*b)?;
                        errors.push(RowError {
                            line: row.line,
                            column: COL_CID.into(),
                            message: format!(
                                "{} (không phải người có số thẻ này)",
                                taken_by(
                                    "citizen_id",
                                    input.citizen_id.as_deref().unwrap_or_default(),
                                    owner
                                )
                            ),
                        });
                    } else {
                        let mut field = "";
                        for (f, id) in [("card_number", *a), ("citizen_id", *b)] {
                            if !readable(id)? {
                                let (owner, path) = existing.member(id)?;
                                clashes.push(clash_audit(
                                    owner,
                                    path,
                                    f,
                                    operation,
                                    &row.unit_code,
                                ));
                                if field.is_empty() {
                                    field = f;
                                }
                            }
                        }
                        errors.push(RowError {
                            line: row.line,
                            column: column_of(field).into(),
                            message: unusable_identifier(field),
                        });
                    }
                    continue;
                }
                (Some(a), _) => Some(*a),
                (None, Some(b)) => {
                    let (m, path) = existing.member(*b)?;
                    if m.card_number.is_some() && input.card_number.is_some() {
                        if readable(*b)? {
                            errors.push(RowError {
                                line: row.line,
                                column: COL_CARD.into(),
                                message: format!(
                                    "Số CCCD \"{}\" đã gắn với số thẻ \"{}\" ({}, {})",
                                    input.citizen_id.clone().unwrap_or_default(),
                                    m.card_number.clone().unwrap_or_default(),
                                    m.full_name,
                                    m.unit_name
                                ),
                            });
                        } else {
                            clashes.push(clash_audit(
                                m,
                                path,
                                "citizen_id",
                                operation,
                                &row.unit_code,
                            ));
                            errors.push(RowError {
                                line: row.line,
                                column: COL_CID.into(),
                                message: unusable_identifier("citizen_id"),
                            });
                        }
                        continue;
                    }
                    Some(*b)
                }
                (None, None) => None,
            };
            let since = row.since.or(input.joined_on).unwrap_or(today);
            match target {
                None if unit.valid_to.is_some_and(|t| t <= since.max(today)) => {
                    errors.push(RowError {
                        line: row.line,
                        column: COL_UNIT.into(),
                        message: format!(
                            "Đơn vị \"{}\" đã giải thể từ ngày {}",
                            unit.name,
                            unit.valid_to.map(text::format_date).unwrap_or_default()
                        ),
                    });
                }
                None => {
                    creates.push(NewMemberFull {
                        input,
                        memberships: vec![(unit.clone(), since)],
                        status: MemberStatus::Active,
                        status_since: None,
                    });
                }
                Some(id) => {
                    let (before, path) = existing.member(id)?.clone();
                    if !readable(id)? {
                        // Matched by whichever identifier the row carries (card number first).
                        let field = if by_card.is_some() {
                            "card_number"
                        } else {
                            "citizen_id"
                        };
                        clashes.push(clash_audit(
                            &before,
                            &path,
                            field,
                            operation,
                            &row.unit_code,
                        ));
                        errors.push(RowError {
                            line: row.line,
                            column: column_of(field).into(),
                            message: unusable_identifier(field),
                        });
                        continue;
                    }
                    if !p.is_none_or(|p| p.can_write_member(&path)) {
                        errors.push(RowError { line: row.line, column: COL_CARD.into(), message: "Đảng viên này đang sinh hoạt ở đơn vị ngoài phạm vi quản lý của bạn".into() });
                        continue;
                    }
                    let transfer_date = row.since.unwrap_or(today);
                    if unit.id != before.unit_id {
                        if let Some(from) = existing
                            .current_from
                            .get(&id)
                            .filter(|f| **f >= transfer_date)
                        {
                            errors.push(RowError {
                                line: row.line,
                                column: COL_FROM.into(),
                                message: format!(
                                    "Ngày chuyển sang \"{}\" ({}) phải sau ngày đảng viên bắt đầu sinh hoạt ở đơn vị hiện tại ({})",
                                    unit.name,
                                    text::format_date(transfer_date),
                                    text::format_date(*from)
                                ),
                            });
                            continue;
                        }
                        if !unit.is_open_on(transfer_date) {
                            errors.push(RowError {
                                line: row.line,
                                column: COL_UNIT.into(),
                                message: format!(
                                    "Đơn vị \"{}\" không hoạt động vào ngày {}",
                                    unit.name,
                                    text::format_date(transfer_date)
                                ),
                            });
                            continue;
                        }
                    }
                    let after = member_snapshot(id, &input, unit, before.status);
                    if member_json(&after) == member_json(&before) {
                        report.unchanged += 1;
                    } else {
                        let mut input = input;
                        // An import carries no position dates: keep those already recorded.
                        input.keep_position_dates(&before.positions);
                        changes.push((
                            before,
                            path,
                            input,
                            unit.clone(),
                            row.since.unwrap_or(today),
                        ));
                    }
                }
            }
        }
        report.created = creates.len();
        report.updated = changes.len();
        report.unmapped_titles = unmapped_titles(
            creates
                .iter()
                .flat_map(|c| c.input.positions.iter())
                .chain(changes.iter().flat_map(|c| c.2.positions.iter()))
                .map(|p| p.title.as_str()),
        );
        if !errors.is_empty() || dry_run {
            let path = audit_path(
                p,
                parsed
                    .rows
                    .iter()
                    .filter_map(|r| units.get(&r.unit_code).map(|u| u.path.as_str())),
            );
            if dry_run {
                clashes.push(check_audit("members", &report, errors.len(), path));
            }
            self.db.audit().record_alone(actor, &clashes).await?;
            if !errors.is_empty() {
                return Ok(ImportOutcome::Rejected(sorted(errors)));
            }
            return Ok(ImportOutcome::Done(report));
        }
        let now = self.db.now();
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "import: checks done"
        );
        let mut w = self.db.write().await?;
        self.bulk_insert_members(&mut w.tx, actor, "import", &creates)
            .await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "import: members inserted"
        );
        let mut audits = Vec::new();
        // Transfers recorded by this import: meetings held since then may expect other people.
        let mut moved: Vec<(String, String, NaiveDate)> = Vec::new();
        for (before, path, input, unit, since) in changes {
            crate::members::update_member_row(
                &mut w.tx,
                now,
                before.id,
                &input,
                &self.db.key_cadres,
            )
            .await?;
            let mut new_path = path.clone();
            if unit.id != before.unit_id {
                moved.push((path.clone(), unit.path.clone(), since));
                sqlx::query(
                    "UPDATE memberships SET to_date = $1 WHERE member_id = $2 AND to_date IS NULL",
                )
                .bind(date_str(since))
                .bind(before.id)
                .execute(&mut *w.tx)
                .await?;
                sqlx::query("INSERT INTO memberships (member_id, unit_id, from_date, to_date) VALUES ($1, $2, $3, NULL)")
                    .bind(before.id).bind(unit.id).bind(date_str(since)).execute(&mut *w.tx).await?;
                sqlx::query("UPDATE members SET unit_id = $1 WHERE id = $2")
                    .bind(unit.id)
                    .bind(before.id)
                    .execute(&mut *w.tx)
                    .await?;
                crate::positions::reclassify_members(&mut w.tx, &[before.id], &self.db.key_cadres)
                    .await?;
                // Registrations from the transfer's year on follow the member (rule in `registrations`).
                crate::registrations::follow_member(
                    &mut w.tx,
                    before.id,
                    &unit,
                    chrono::Datelike::year(&since),
                )
                .await?;
                new_path = unit.path.clone();
            }
            let after = member_snapshot(before.id, &input, &unit, before.status);
            audits.push(
                AuditEvent::new("import", "member", before.id)
                    .label(&after.full_name)
                    .unit(new_path)
                    .before(&member_json(&before))
                    .after(&member_json(&after)),
            );
        }
        audit::record_many(&mut w.tx, self.db.backend(), now, actor, &audits).await?;
        w.commit().await?;
        tracing::debug!(
            elapsed_ms = started.elapsed().as_millis() as u64,
            "import: committed"
        );
        if let Some(earliest) = moved.iter().map(|(_, _, d)| *d).min() {
            let mut paths: Vec<String> = moved.into_iter().flat_map(|(a, b, _)| [a, b]).collect();
            paths.sort();
            paths.dedup();
            if let Err(e) = self
                .db
                .attendance()
                .refresh_meetings(actor, &paths, earliest)
                .await
            {
                // The change itself is saved; a failed refresh is logged and can be redone from the session page.
                tracing::error!(error = %e, "refreshing expected lists of meetings failed");
            }
        }
        Ok(ImportOutcome::Done(report))
    }

    async fn existing_by_identifiers(self, rows: &[MemberRow]) -> Result<Existing> {
        let mut ex = Existing::default();
        if self.db.members().member_count().await? == 0 {
            return Ok(ex);
        }
        let cards: Vec<String> = rows.iter().filter_map(|r| r.card_number.clone()).collect();
        let cids: Vec<String> = rows.iter().filter_map(|r| r.citizen_id.clone()).collect();
        let mut ids: Vec<i64> = Vec::new();
        for (col, values) in [("card_number", cards), ("citizen_id", cids)] {
            for chunk in values.chunks(crate::sql::MAX_PARAMS) {
                let mut q = Sql::new(&format!("SELECT m.id FROM members m WHERE m.{col} IN ("));
                for (i, v) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.text(v.clone());
                }
                q.push(")");
                for r in q.query().fetch_all(&self.db.pool).await? {
                    ids.push(get(&r, "id")?);
                }
            }
        }
        ids.sort_unstable();
        ids.dedup();
        for chunk in ids.chunks(1000) {
            let mut q = Sql::new("SELECT member_id, from_date FROM memberships WHERE to_date IS NULL AND member_id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(")");
            for r in q.query().fetch_all(&self.db.pool).await? {
                let from: String = get(&r, "from_date")?;
                if let Ok(d) = NaiveDate::parse_from_str(&from, "%Y-%m-%d") {
                    ex.current_from.insert(get(&r, "member_id")?, d);
                }
            }
        }
        for (m, path) in self.db.members().members_by_ids(&ids).await? {
            if let Some(c) = &m.card_number {
                ex.by_card.insert(c.clone(), m.id);
            }
            if let Some(c) = &m.citizen_id {
                ex.by_cid.insert(c.clone(), m.id);
            }
            ex.members.insert(m.id, (m, path));
        }
        Ok(ex)
    }

    /// Inserts many new members with their memberships, status and positions, in the caller's transaction,
    /// with multi-row statements (the import and demo hot path). Records one audit row per member.
    /// Statement building overlaps with execution: while the database runs one chunk, the next is built.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.bulk_insert_members")
    )]
    pub(crate) async fn bulk_insert_members(
        self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        actor: &Actor,
        action: &'static str,
        items: &[NewMemberFull],
    ) -> Result<Vec<i64>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.db.now();
        let stamp = ts(now);
        let backend = self.db.backend();
        let first = crate::sql::reserve_ids(tx, backend, "members").await?;
        let with_ids: Vec<(i64, &NewMemberFull)> = items
            .iter()
            .enumerate()
            .map(|(i, it)| (first + i as i64, it))
            .collect();

        let members_sql = |chunk: &[(i64, &NewMemberFull)]| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO members (id, full_name, name_fold, given_fold, sort_key, gender, birth_date, card_number, \
                 citizen_id, joined_on, official_on, phone, status, status_since, unit_id, created_at, updated_at) VALUES ",
            );
            for (i, (id, it)) in chunk.iter().enumerate() {
                let c = &it.input;
                let unit = it.memberships.last().map(|(u, _)| u.id).unwrap_or_default();
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(*id).push(", ");
                q.text(c.full_name.as_str()).push(", ");
                q.text(text::fold(&c.full_name)).push(", ");
                q.text(text::given_first_fold(&c.full_name)).push(", ");
                q.text(text::name_sort_key(&c.full_name)).push(", ");
                q.safe_opt(c.gender.map(|g| g.as_str())).push(", ");
                q.safe_opt(opt_date_str(c.birth_date).as_deref()).push(", ");
                q.arg(Arg::OptText(c.card_number.clone())).push(", ");
                q.arg(Arg::OptText(c.citizen_id.clone())).push(", ");
                q.safe_opt(opt_date_str(c.joined_on).as_deref()).push(", ");
                q.safe_opt(opt_date_str(c.official_on).as_deref())
                    .push(", ");
                q.arg(Arg::OptText(c.phone.clone())).push(", ");
                q.safe(it.status.as_str()).push(", ");
                q.safe_opt(opt_date_str(it.status_since).as_deref())
                    .push(", ");
                q.lit(unit)
                    .push(", ")
                    .safe(&stamp)
                    .push(", ")
                    .safe(&stamp)
                    .push(")");
            }
            q
        };
        run_pipelined(
            tx,
            &with_ids,
            crate::sql::rows_per_statement(6),
            members_sql,
        )
        .await?;

        // Memberships: each period ends when the next begins.
        let ms_rows: Vec<(i64, i64, NaiveDate, Option<NaiveDate>)> = with_ids
            .iter()
            .flat_map(|(id, it)| {
                it.memberships
                    .iter()
                    .enumerate()
                    .map(move |(k, (u, from))| {
                        (*id, u.id, *from, it.memberships.get(k + 1).map(|(_, f)| *f))
                    })
            })
            .collect();
        run_pipelined(tx, &ms_rows, 500, |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO memberships (member_id, unit_id, from_date, to_date) VALUES ",
            );
            for (i, (m, u, f, t)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(")
                    .lit(*m)
                    .push(", ")
                    .lit(*u)
                    .push(", ")
                    .safe(&date_str(*f))
                    .push(", ");
                q.safe_opt(opt_date_str(*t).as_deref()).push(")");
            }
            q
        })
        .await?;

        // Status history records changes only (active from the first membership is implied).
        let st_rows: Vec<(i64, &'static str, Option<NaiveDate>)> = with_ids
            .iter()
            .filter(|(_, it)| it.status != MemberStatus::Active)
            .map(|(id, it)| {
                let first = it.memberships.first().map(|(_, f)| *f);
                (*id, it.status.as_str(), it.status_since.or(first))
            })
            .collect();
        run_pipelined(tx, &st_rows, 500, |chunk| {
            let mut q = Sql::bulk(backend, "INSERT INTO member_status_history (member_id, status, from_date, recorded_at) VALUES ");
            for (i, (m, st, f)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(*m).push(", ").safe(st).push(", ");
                q.safe_opt(opt_date_str(*f).as_deref()).push(", ").safe(&stamp).push(")");
            }
            q
        })
        .await?;

        // Each title is read against its holder's unit chain: the units on the holders' paths are loaded once.
        let holder_path = |it: &NewMemberFull| {
            it.memberships
                .last()
                .map(|(u, _)| u.path.clone())
                .unwrap_or_default()
        };
        let index = crate::positions::UnitIndex::load(
            tx,
            with_ids
                .iter()
                .filter(|(_, it)| !it.input.positions.is_empty())
                .filter_map(|(_, it)| it.memberships.last().map(|(u, _)| u.path.as_str())),
        )
        .await?;
        let key_cadres = self.db.key_cadres.clone();
        let pos_rows: Vec<(i64, Position, i64)> = with_ids
            .iter()
            .filter(|(_, it)| !it.input.positions.is_empty())
            .flat_map(|(id, it)| {
                let chain = index.chain(&holder_path(it));
                let key_cadres = &key_cadres;
                it.input
                    .positions
                    .iter()
                    .enumerate()
                    .map(move |(k, p)| {
                        let mut pos = Position::classify(&p.title, &p.duties, &chain, key_cadres);
                        // The days the post was held, when the input carries them.
                        (pos.from, pos.to) = (p.from, p.to);
                        (*id, pos, k as i64)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        run_pipelined(tx, &pos_rows, crate::sql::rows_per_statement(2), |chunk| {
            let mut q = Sql::bulk(backend, "INSERT INTO positions (member_id, title, duties, head, key_cadre, sort_order, post, body, unit_id, from_date, to_date) VALUES ");
            for (i, (m, pos, k)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(*m).push(", ").text(pos.title.as_str()).push(", ").text(pos.duties.as_str()).push(", ");
                q.lit(i64::from(pos.head)).push(", ").lit(i64::from(pos.key_cadre)).push(", ").lit(*k).push(", ");
                q.safe(pos.post.as_str()).push(", ").safe(pos.body.as_str()).push(", ");
                match pos.unit_id {
                    Some(u) => q.lit(u),
                    None => q.push("NULL"),
                };
                q.push(", ").safe_opt(crate::opt_date_str(pos.from).as_deref());
                q.push(", ").safe_opt(crate::opt_date_str(pos.to).as_deref());
                q.push(")");
            }
            q
        })
        .await?;

        crate::sql::sync_sequence(tx, backend, "members").await?;
        // One audit row per member; the JSON snapshots are built while the previous chunk is written.
        let audit_chunk = crate::sql::rows_per_statement(5);
        run_pipelined(tx, &with_ids, audit_chunk, |chunk| {
            let entries: Vec<AuditEvent> = chunk
                .iter()
                .filter_map(|(id, it)| {
                    let (unit, _) = it.memberships.last()?;
                    let after = serde_json::to_string(&MemberAudit::of_input(
                        &it.input, &unit.code, it.status,
                    ))
                    .ok()?;
                    Some(
                        AuditEvent::new(action, "member", id)
                            .label(&it.input.full_name)
                            .unit(&unit.path)
                            .after_json(after),
                    )
                })
                .collect();
            audit::insert_sql(backend, &stamp, actor, &entries)
        })
        .await?;
        Ok(with_ids.iter().map(|(id, _)| *id).collect())
    }

    /// Loads pre-validated members (the demo dataset) in one transaction per call.
    #[cfg(feature = "bulk-load")]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.load_members")
    )]
    pub async fn load_members(self, actor: &Actor, items: &[NewMemberFull]) -> Result<Vec<i64>> {
        let mut w = self.db.write().await?;
        let ids = self
            .bulk_insert_members(&mut w.tx, actor, "demo", items)
            .await?;
        w.commit().await?;
        Ok(ids)
    }

    /// Loads units (the demo dataset): parents must precede children.
    #[cfg(feature = "bulk-load")]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.load_units")
    )]
    pub async fn load_units(
        self,
        actor: &Actor,
        inputs: &[UnitInput],
    ) -> Result<HashMap<String, Unit>> {
        let mut map = self.all_units_by_code().await?;
        self.load_units_into(actor, inputs, &mut map).await?;
        Ok(map)
    }

    /// Like `load_units`, with the caller keeping the code → unit map between calls (loading a large tree
    /// in chunks without re-reading every unit each time).
    #[cfg(feature = "bulk-load")]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "imports.load_units_into")
    )]
    pub async fn load_units_into(
        self,
        actor: &Actor,
        inputs: &[UnitInput],
        map: &mut HashMap<String, Unit>,
    ) -> Result<()> {
        if inputs.is_empty() {
            return Ok(());
        }
        let now = self.db.now();
        let stamp = ts(now);
        let backend = self.db.backend();
        let mut w = self.db.write().await?;
        let first = crate::sql::reserve_ids(&mut w.tx, backend, "units").await?;
        // Ids, paths and depths are computed here (parents come first), so the rows go in with multi-row
        // statements instead of three round trips per unit.
        let mut units: Vec<Unit> = Vec::with_capacity(inputs.len());
        for (k, input) in inputs.iter().enumerate() {
            let parent =
                match &input.parent_code {
                    Some(pc) => Some(map.get(pc).ok_or_else(|| {
                        StoreError::Conflict(format!("thiếu đơn vị cấp trên {pc}"))
                    })?),
                    None => None,
                };
            let id = first + k as i64;
            let unit = Unit {
                id,
                code: input.code.trim().to_string(),
                name: text::normalize(&input.name),
                unit_type: input.unit_type,
                parent_id: parent.map(|p| p.id),
                path: format!("{}{}/", parent.map_or("/", |p| p.path.as_str()), id),
                depth: parent.map_or(0, |p| p.depth + 1),
                sort_order: input.sort_order,
                valid_from: input.valid_from,
                valid_to: None,
            };
            map.insert(unit.code.clone(), unit.clone());
            units.push(unit);
        }
        run_pipelined(&mut w.tx, &units, crate::sql::rows_per_statement(4), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO units (id, code, name, name_fold, unit_type, parent_id, path, depth, sort_order, valid_from, valid_to, created_at, updated_at) VALUES ",
            );
            for (i, u) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(u.id).push(", ").text(u.code.as_str()).push(", ").text(u.name.as_str()).push(", ");
                q.text(text::fold(&u.name)).push(", ").safe(u.unit_type.as_str()).push(", ");
                match u.parent_id {
                    Some(pid) => q.lit(pid),
                    None => q.push("NULL"),
                };
                q.push(", ").safe(&u.path).push(", ").lit(u.depth).push(", ").lit(u.sort_order).push(", ");
                q.safe_opt(opt_date_str(u.valid_from).as_deref()).push(", NULL, ").safe(&stamp).push(", ").safe(&stamp).push(")");
            }
            q
        })
        .await?;
        run_pipelined(&mut w.tx, &units, 1000, |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO unit_parent_history (unit_id, parent_id, from_date, to_date, recorded_at) VALUES ",
            );
            for (i, u) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(u.id).push(", ");
                match u.parent_id {
                    Some(pid) => q.lit(pid),
                    None => q.push("NULL"),
                };
                q.push(", ").safe_opt(opt_date_str(u.valid_from).as_deref()).push(", NULL, ").safe(&stamp).push(")");
            }
            q
        })
        .await?;
        crate::sql::sync_sequence(&mut w.tx, backend, "units").await?;
        let audits: Vec<AuditEvent> = units
            .iter()
            .map(|unit| {
                AuditEvent::new("demo", "unit", unit.id)
                    .label(&unit.name)
                    .unit(&unit.path)
                    .after(&unit_json(unit))
            })
            .collect();
        audit::record_many(&mut w.tx, backend, now, actor, &audits).await?;
        w.commit().await?;
        Ok(())
    }
}

/// Builds and validates the member input of every row, in parallel over the available cores, keeping order.
fn validate_rows(
    rows: &[MemberRow],
    today: NaiveDate,
) -> Vec<std::result::Result<MemberInput, Vec<crate::FieldError>>> {
    let one = |row: &MemberRow| {
        let input = MemberInput {
            full_name: row.full_name.clone(),
            gender: row.gender,
            birth_date: row.birth_date,
            card_number: row.card_number.clone(),
            citizen_id: row.citizen_id.clone(),
            joined_on: row.joined_on,
            official_on: row.official_on,
            phone: row.phone.clone(),
            positions: row
                .positions
                .iter()
                .map(|t| domain::member::PositionInput::new(t.clone(), ""))
                .collect(),
        };
        validate_member_input(&input, today)
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads < 2 || rows.len() < 2_000 {
        return rows.iter().map(one).collect();
    }
    let chunk = rows.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let handles: Vec<_> = rows
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        let mut out = Vec::with_capacity(rows.len());
        for (h, part) in handles.into_iter().zip(rows.chunks(chunk)) {
            match h.join() {
                Ok(v) => out.extend(v),
                // A panic in validation is a bug; validate that part again on this thread to surface it here.
                Err(_) => out.extend(part.iter().map(one)),
            }
        }
        out
    })
}

/// Executes one multi-row statement per chunk of `rows`, building chunk k+1 while chunk k runs.
async fn run_pipelined<T, F>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[T],
    per_statement: usize,
    build: F,
) -> Result<()>
where
    F: Fn(&[T]) -> Sql,
{
    let started = std::time::Instant::now();
    let mut building = std::time::Duration::ZERO;
    let mut chunks = rows.chunks(per_statement.max(1));
    let Some(first) = chunks.next() else {
        return Ok(());
    };
    let mut current = build(first);
    for next_rows in chunks {
        let (done, next) = tokio::join!(
            current.query().persistent(false).execute(&mut **tx),
            async {
                let t = std::time::Instant::now();
                let q = build(next_rows);
                building += t.elapsed();
                q
            }
        );
        done?;
        current = next;
    }
    current.query().persistent(false).execute(&mut **tx).await?;
    tracing::debug!(
        rows = rows.len(),
        total_ms = started.elapsed().as_millis() as u64,
        building_ms = building.as_millis() as u64,
        "bulk statements"
    );
    Ok(())
}

impl Existing {
    /// A member found by identifier (the identifier maps are built from `members`, so this always hits).
    fn member(&self, id: i64) -> Result<&(Member, String)> {
        self.members
            .get(&id)
            .ok_or_else(|| StoreError::Corrupt(format!("đảng viên {id}")))
    }
}

#[derive(Default)]
struct Existing {
    members: HashMap<i64, (Member, String)>,
    /// Start of each member's current membership.
    current_from: HashMap<i64, NaiveDate>,
    by_card: HashMap<String, i64>,
    by_cid: HashMap<String, i64>,
}

/// Where the audit row of an import check goes: the caller's unit, or for an unscoped caller (CLI) the
/// deepest unit containing every unit the file names.
fn audit_path<'a>(p: Option<&Principal>, paths: impl Iterator<Item = &'a str>) -> String {
    if let Some(p) = p {
        return p.unit_path.clone();
    }
    let mut common: Option<&str> = None;
    for path in paths {
        common = Some(match common {
            None => path,
            Some(c) => {
                let same = c
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(x, y)| x == y)
                    .count();
                // Cut back to the last whole path segment ("/1/5/" and "/1/52/" share "/1/").
                let cut = c[..same].rfind('/').map_or(0, |i| i + 1);
                &c[..cut]
            }
        });
    }
    common.filter(|c| !c.is_empty()).unwrap_or("/").to_string()
}

/// The audit row of a unit code in a file that belongs to a unit outside the importer's scope.
fn unit_clash_audit(u: &Unit, dry_run: bool) -> AuditEvent {
    AuditEvent::new(audit::action::IDENTIFIER_CLASH, "unit", u.id)
        .label(&u.name)
        .unit(&u.path)
        .after(&serde_json::json!({
            "trường": COL_UNIT,
            "thao tác": if dry_run { "Nhập thử tệp đơn vị" } else { "Nhập tệp đơn vị" },
        }))
}

/// The audit row of a dry run (with its report, or the number of rows in error).
fn check_audit(
    kind: &'static str,
    report: &ImportReport,
    errors: usize,
    path: String,
) -> AuditEvent {
    let what = if kind == "units" {
        "đơn vị"
    } else {
        "đảng viên"
    };
    let mut details = serde_json::Map::new();
    details.insert("số dòng".into(), serde_json::Value::from(report.rows));
    if errors > 0 {
        details.insert("số lỗi".into(), serde_json::Value::from(errors));
    } else {
        details.insert("thêm mới".into(), serde_json::Value::from(report.created));
        details.insert("cập nhật".into(), serde_json::Value::from(report.updated));
        details.insert(
            "không đổi".into(),
            serde_json::Value::from(report.unchanged),
        );
    }
    AuditEvent::new(audit::action::DRY_RUN, "import", kind)
        .label(format!(
            "Tệp {what}, {} dòng",
            domain::text::format_int(report.rows as i64)
        ))
        .unit(path)
        .after(&serde_json::Value::Object(details))
}
