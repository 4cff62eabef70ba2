//! Bulk loading of registrations with their items, pledges, workflow events, reviews, ratings and copy
//! signatures (the demo dataset: ~24 000 registrations for a city, ~270 000 for a province). Rows go in
//! with multi-row statements whose values are literals where the program made them (ids, dates, enum
//! identifiers) and parameters for text, one transaction and one audit record per call, with explicit ids
//! from MAX(id), in the style of `meetings_load`.
//!
//! The quality flags are computed exactly as `Registrations::create_registration` computes them: `domain::quality`
//! per item with the member's stored positions (titles and "chức trách") as duties and the standard
//! fields; the "copied" flag, which depends on every other registration of the year in the comparison
//! scope, is added by [`crate::Registrations::finish_registration_copies`] once a year's registrations are all in.

use crate::audit;
use crate::meetings_load::{common_path, pipelined};
use crate::registrations::{
    copied_note, decode_flags, encode_flags, registration_text_of, ItemInput,
};
use crate::sql::Sql;
use crate::{date_str, get, ts, Actor, Backend, FieldError, Registrations, Result, StoreError};
use chrono::{DateTime, Utc};
use domain::quality::{self, Flag, FlagNote};
use domain::registration::{Outcome, Rating, Status};
use domain::similarity;
use domain::text;
use std::collections::HashMap;

/// One item of a registration to load, with its review columns.
#[derive(Debug, Clone)]
pub struct NewRegistrationItem {
    pub item: ItemInput,
    pub return_comment: String,
    pub midyear: Option<(Outcome, String)>,
    /// Outcome, note, evidence.
    pub yearend: Option<(Outcome, String, String)>,
    pub assessed: Option<(Outcome, String)>,
}

/// A workflow step of a registration to load.
#[derive(Debug, Clone)]
pub struct NewRegistrationEvent {
    /// "create", "submit", "return", "approve", "publish".
    pub action: String,
    pub from: Option<Status>,
    pub to: Status,
    pub by: String,
    pub at: DateTime<Utc>,
    pub comment: String,
}

/// A member's annual rating to load.
#[derive(Debug, Clone)]
pub struct NewRating {
    /// The member's unit when rated.
    pub unit_id: i64,
    pub unit_path: String,
    pub suggested: Option<Rating>,
    pub rating: Rating,
    pub reason: String,
    /// The cell's account that proposed it (a proposal with the same level and reason is loaded, two days
    /// before the decision); None for a one-step decision (docs/DOMAIN.md § Rating).
    pub proposed_by: Option<String>,
    /// The grassroots committee's account that decided.
    pub rated_by: String,
    pub rated_at: DateTime<Utc>,
}

/// A registration (version 1, current) to insert as is. Head and disclosed flags come from the member's
/// stored positions, like `create_registration`.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub member_id: i64,
    pub year: i32,
    pub unit_id: i64,
    pub unit_path: String,
    pub status: Status,
    pub return_comment: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub first_submitted_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    /// When the pledge against the 27 manifestations was added, if after the registration was written (a
    /// registration written before Nghị quyết Trung ương 4 khóa XII, 30/10/2016); None: pledged when written.
    pub pledged_at: Option<DateTime<Utc>>,
    pub items: Vec<NewRegistrationItem>,
    /// In order (their ids follow it).
    pub events: Vec<NewRegistrationEvent>,
    pub rating: Option<NewRating>,
}

/// What `finish_registration_copies` found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyFlags {
    /// Current registrations of the year.
    pub registrations: usize,
    /// Of them, flagged "copied".
    pub copied: usize,
}

/// A member's facts the checks need: duties, head, key cadre.
#[derive(Default)]
struct Facts {
    duties: Vec<String>,
    head: bool,
    key_cadre: bool,
}

const IN_LIST: usize = 5_000;

fn opt_ts(t: Option<DateTime<Utc>>) -> Option<String> {
    t.map(ts)
}

/// A text value: '' as a literal, anything else as a parameter.
fn text(q: &mut Sql, s: &str) {
    if s.is_empty() {
        q.push("''");
    } else {
        q.text(s.to_string());
    }
}

fn blob(q: &mut Sql, backend: Backend, bytes: &[u8]) {
    let mut hex = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        hex.push_str(&format!("{b:02x}"));
    }
    match backend {
        Backend::Sqlite => q.push("X'").push(&hex).push("'"),
        Backend::Postgres => q.push("decode('").push(&hex).push("', 'hex')"),
    };
}

fn check(regs: &[NewRegistration]) -> Result<()> {
    let mut errors = Vec::new();
    for (i, r) in regs.iter().enumerate() {
        let at = |f: &str| format!("registrations[{i}].{f}");
        if !(2000..=2100).contains(&r.year) {
            errors.push(FieldError::new(&at("year"), "Năm không hợp lệ"));
        }
        if r.items.is_empty() || r.items.len() > crate::MAX_ITEMS {
            errors.push(FieldError::new(
                &at("items"),
                format!("Bản đăng ký phải có từ 1 đến {} nội dung", crate::MAX_ITEMS),
            ));
        }
        for (k, it) in r.items.iter().enumerate() {
            let i = &it.item;
            if i.content.trim().is_empty()
                || i.content.chars().count() > crate::MAX_ITEM_CHARS
                || i.target.chars().count() > 500
                || i.duty.chars().count() > 500
            {
                errors.push(FieldError::new(
                    &at(&format!("items[{k}].content")),
                    "Nội dung trống hoặc quá dài",
                ));
            }
        }
        let approved = matches!(r.status, Status::Approved | Status::Published);
        if approved != r.approved_at.is_some()
            || (r.status == Status::Published) != r.published_at.is_some()
            || (r.status != Status::Draft && r.submitted_at.is_none())
            || r.events.last().map(|e| e.to) != Some(r.status)
        {
            errors.push(FieldError::new(
                &at("status"),
                "Trạng thái không khớp với các mốc thời gian hoặc lịch sử xử lý",
            ));
        }
        if !approved
            && (r.rating.is_some()
                || r.items
                    .iter()
                    .any(|i| i.midyear.is_some() || i.yearend.is_some() || i.assessed.is_some()))
        {
            errors.push(FieldError::new(
                &at("items"),
                "Chỉ bản đăng ký đã duyệt mới có tự đánh giá, đánh giá của chi bộ và xếp loại",
            ));
        }
        if let Some(rt) = &r.rating {
            let outcomes: Vec<Option<Outcome>> = r
                .items
                .iter()
                .map(|i| {
                    i.assessed
                        .as_ref()
                        .map(|a| a.0)
                        .or(i.yearend.as_ref().map(|y| y.0))
                })
                .collect();
            let suggested = domain::registration::suggested_rating(&outcomes);
            if suggested != rt.suggested {
                errors.push(FieldError::new(
                    &at("rating.suggested"),
                    "Mức gợi ý không khớp với kết quả các nội dung",
                ));
            }
            if let Err(m) = domain::registration::check_rating(suggested, rt.rating, &rt.reason) {
                errors.push(FieldError::new(&at("rating.reason"), m));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(errors))
    }
}

impl Registrations<'_> {
    /// The duties (position titles and "chức trách") and head / key-cadre flags of members, as
    /// `check_items` reads them.
    async fn member_facts(
        self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        ids: &[i64],
    ) -> Result<HashMap<i64, Facts>> {
        let mut out: HashMap<i64, Facts> = HashMap::with_capacity(ids.len());
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        for chunk in sorted.chunks(IN_LIST) {
            let mut q = Sql::new(
                "SELECT member_id, title, duties, head, key_cadre FROM positions WHERE member_id IN (",
            );
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(") ORDER BY member_id, sort_order, id");
            for r in q.query().persistent(false).fetch_all(&mut **tx).await? {
                let f = out.entry(get(&r, "member_id")?).or_default();
                for col in ["title", "duties"] {
                    let s: String = get(&r, col)?;
                    if !s.trim().is_empty() {
                        f.duties.push(s);
                    }
                }
                f.head |= get::<i64>(&r, "head")? != 0;
                f.key_cadre |= get::<i64>(&r, "key_cadre")? != 0;
            }
        }
        Ok(out)
    }

    /// Inserts current registrations (version 1) with their items (flags by `domain::quality`, without
    /// "copied": see [`crate::Registrations::finish_registration_copies`]), the pledge against all 27 manifestations,
    /// workflow events, reviews, ratings and copy signatures, in one transaction with one audit record.
    /// Returns their ids in input order (consecutive).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.bulk_load_registrations")
    )]
    pub async fn bulk_load_registrations(
        self,
        actor: &Actor,
        regs: &[NewRegistration],
    ) -> Result<Vec<i64>> {
        if regs.is_empty() {
            return Ok(Vec::new());
        }
        check(regs)?;
        let backend = self.db.backend();
        let now = self.db.now();
        let stamp = ts(now);
        let mut w = self.db.write().await?;
        // Ids are given here, consecutive per table, so the rows go in with multi-row statements.
        const TABLES: [&str; 3] = ["registrations", "registration_items", "registration_events"];
        let mut first_ids = [0i64; 3];
        for (k, t) in TABLES.into_iter().enumerate() {
            first_ids[k] = crate::sql::reserve_ids(&mut w.tx, backend, t).await?;
        }
        let member_ids: Vec<i64> = regs.iter().map(|r| r.member_id).collect();
        let facts = self.member_facts(&mut w.tx, &member_ids).await?;
        let none = Facts::default();

        // Registrations.
        let rows: Vec<(i64, &NewRegistration, &Facts)> = regs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                (
                    first_ids[0] + i as i64,
                    r,
                    facts.get(&r.member_id).unwrap_or(&none),
                )
            })
            .collect();
        let mut errors = Vec::new();
        for (i, (_, r, f)) in rows.iter().enumerate() {
            if r.status == Status::Published && !self.db.disclosure.applies(f.head, f.key_cadre) {
                errors.push(FieldError::new(
                    &format!("registrations[{i}].status"),
                    "Bản đăng ký này không thuộc diện công khai",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        pipelined(&mut w.tx, &rows, crate::sql::rows_per_statement(4), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO registrations (id, member_id, year, version, status, superseded, unit_id, unit_path, head, \
                 disclosed, return_comment, first_submitted_at, submitted_at, approved_at, approved_by, published_at, \
                 pledged_at, created_by, created_at, updated_at) VALUES ",
            );
            for (k, (id, r, f)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(").lit(*id).push(",").lit(r.member_id).push(",");
                q.lit(i64::from(r.year)).push(",1,").safe(r.status.as_str());
                q.push(",0,").lit(r.unit_id).push(",").safe(&r.unit_path).push(",");
                q.lit(i64::from(f.head)).push(",");
                q.lit(i64::from(self.db.disclosure.applies(f.head, f.key_cadre))).push(",");
                text(&mut q, text::normalize(r.return_comment.trim()).as_str());
                q.push(",");
                q.safe_opt(opt_ts(r.first_submitted_at).as_deref()).push(",");
                q.safe_opt(opt_ts(r.submitted_at).as_deref()).push(",");
                q.safe_opt(opt_ts(r.approved_at).as_deref()).push(",");
                match &r.approved_by {
                    Some(b) => q.safe(b),
                    None => q.push("NULL"),
                };
                q.push(",");
                q.safe_opt(opt_ts(r.published_at).as_deref()).push(",");
                q.safe_opt(opt_ts(r.pledged_at).as_deref()).push(",");
                q.safe(&r.created_by).push(",");
                let updated = [r.created_at, r.submitted_at.unwrap_or(r.created_at)]
                    .into_iter()
                    .chain(r.events.iter().map(|e| e.at))
                    .chain(r.pledged_at)
                    .max()
                    .unwrap_or(r.created_at);
                q.safe(&ts(r.created_at)).push(",").safe(&ts(updated)).push(")");
            }
            Ok(q)
        })
        .await?;

        // Items, with their flags and parsed targets.
        struct ItemRow<'a> {
            id: i64,
            reg: i64,
            pos: i64,
            it: &'a NewRegistrationItem,
            flags: String,
            number: Option<f64>,
            unit: Option<String>,
        }
        let mut items: Vec<ItemRow<'_>> = Vec::new();
        for (id, r, f) in &rows {
            let ctx = quality::DutyContext {
                duties: &f.duties,
                fields: quality::FIELDS,
            };
            for (k, it) in r.items.iter().enumerate() {
                let i = &it.item;
                let notes = quality::check_item(
                    &quality::ItemInput {
                        content: &i.content,
                        duty: &i.duty,
                        target: &i.target,
                        deadline: i.deadline,
                    },
                    &ctx,
                    r.year,
                );
                let target = quality::parse_target(&i.target);
                items.push(ItemRow {
                    id: first_ids[1] + items.len() as i64,
                    reg: *id,
                    pos: k as i64 + 1,
                    it,
                    flags: encode_flags(&notes),
                    number: target.as_ref().and_then(|t| t.number),
                    unit: target.and_then(|t| t.unit),
                });
            }
        }
        pipelined(&mut w.tx, &items, crate::sql::rows_per_statement(8), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO registration_items (id, registration_id, position, kind, content, duty, target, \
                 target_number, target_unit, deadline, evidence, flags, return_comment, midyear_outcome, midyear_note, \
                 yearend_outcome, yearend_note, yearend_evidence, assessed_outcome, assessed_note) VALUES ",
            );
            for (k, row) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                let i = &row.it.item;
                q.push("(").lit(row.id).push(",").lit(row.reg).push(",").lit(row.pos);
                q.push(",").safe(i.kind.as_str()).push(",");
                for s in [&i.content, &i.duty, &i.target] {
                    text(&mut q, &text::normalize(s.trim()));
                    q.push(",");
                }
                match row.number {
                    Some(n) if n.is_finite() => q.push(&format!("{n:?}")),
                    _ => q.push("NULL"),
                };
                q.push(",");
                match &row.unit {
                    Some(u) => q.text(u.clone()),
                    None => q.push("NULL"),
                };
                q.push(",").safe_opt(i.deadline.map(date_str).as_deref()).push(",");
                text(&mut q, &text::normalize(i.evidence.trim()));
                q.push(",");
                text(&mut q, &row.flags);
                q.push(",");
                text(&mut q, &text::normalize(row.it.return_comment.trim()));
                q.push(",");
                let (mo, mn) = match &row.it.midyear {
                    Some((o, n)) => (Some(o.as_str()), n.as_str()),
                    None => (None, ""),
                };
                q.safe_opt(mo).push(",");
                text(&mut q, mn);
                q.push(",");
                let (yo, yn, ye) = match &row.it.yearend {
                    Some((o, n, e)) => (Some(o.as_str()), n.as_str(), e.as_str()),
                    None => (None, "", ""),
                };
                q.safe_opt(yo).push(",");
                text(&mut q, yn);
                q.push(",");
                text(&mut q, ye);
                q.push(",");
                let (ao, an) = match &row.it.assessed {
                    Some((o, n)) => (Some(o.as_str()), n.as_str()),
                    None => (None, ""),
                };
                q.safe_opt(ao).push(",");
                text(&mut q, an);
                q.push(")");
            }
            Ok(q)
        })
        .await?;

        // The pledge against the 27 manifestations.
        let (first, last) = (first_ids[0], first_ids[0] + regs.len() as i64 - 1);
        let mut q = Sql::new(
            "INSERT INTO registration_pledges (registration_id, code) SELECT r.id, m.code FROM registrations r \
             CROSS JOIN manifestations m WHERE r.id >= ",
        );
        q.lit(first).push(" AND r.id <= ").lit(last);
        q.query().persistent(false).execute(&mut *w.tx).await?;

        // Workflow events.
        let mut events: Vec<(i64, i64, &NewRegistrationEvent)> = Vec::new();
        for (id, r, _) in &rows {
            for e in &r.events {
                events.push((first_ids[2] + events.len() as i64, *id, e));
            }
        }
        pipelined(&mut w.tx, &events, crate::sql::rows_per_statement(2), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO registration_events (id, registration_id, action, from_status, to_status, by_user, at, comment) VALUES ",
            );
            for (k, (id, reg, e)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(").lit(*id).push(",").lit(*reg).push(",").safe(&e.action).push(",");
                q.safe_opt(e.from.map(|s| s.as_str())).push(",").safe(e.to.as_str()).push(",");
                q.safe(&e.by).push(",").safe(&ts(e.at)).push(",");
                text(&mut q, &text::normalize(e.comment.trim()));
                q.push(")");
            }
            Ok(q)
        })
        .await?;

        // Ratings.
        let ratings: Vec<(&NewRegistration, &NewRating)> = regs
            .iter()
            .filter_map(|r| r.rating.as_ref().map(|x| (r, x)))
            .collect();
        pipelined(&mut w.tx, &ratings, crate::sql::rows_per_statement(3), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO member_ratings (member_id, year, unit_id, unit_path, suggested, rating, reason, rated_by, rated_at) VALUES ",
            );
            for (k, (r, x)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(").lit(r.member_id).push(",").lit(i64::from(r.year)).push(",");
                q.lit(x.unit_id).push(",").safe(&x.unit_path).push(",");
                q.safe_opt(x.suggested.map(|s| s.as_str())).push(",");
                q.safe(x.rating.as_str()).push(",");
                text(&mut q, &text::normalize(x.reason.trim()));
                q.push(",").safe(&x.rated_by).push(",").safe(&ts(x.rated_at)).push(")");
            }
            Ok(q)
        })
        .await?;
        // The cells' proposals the decisions were taken on.
        let proposals: Vec<(&NewRegistration, &NewRating, &String)> = ratings
            .iter()
            .filter_map(|(r, x)| x.proposed_by.as_ref().map(|by| (*r, *x, by)))
            .collect();
        pipelined(&mut w.tx, &proposals, crate::sql::rows_per_statement(3), |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO rating_proposals (member_id, year, unit_id, unit_path, suggested, rating, reason, proposed_by, proposed_at) VALUES ",
            );
            for (k, (r, x, by)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(").lit(r.member_id).push(",").lit(i64::from(r.year)).push(",");
                q.lit(x.unit_id).push(",").safe(&x.unit_path).push(",");
                q.safe_opt(x.suggested.map(|s| s.as_str())).push(",");
                q.safe(x.rating.as_str()).push(",");
                text(&mut q, &text::normalize(x.reason.trim()));
                q.push(",").safe(by.as_str()).push(",");
                q.safe(&ts(x.rated_at - chrono::Duration::days(2))).push(")");
            }
            Ok(q)
        })
        .await?;

        // Copy signatures and LSH keys (as `write_signature` writes them).
        let mut texts: Vec<String> = Vec::with_capacity(rows.len());
        for (_, r, _) in &rows {
            let normalized: Vec<(String, String)> = r
                .items
                .iter()
                .map(|i| {
                    (
                        text::normalize(i.item.content.trim()),
                        text::normalize(i.item.target.trim()),
                    )
                })
                .collect();
            texts.push(registration_text_of(
                normalized.iter().map(|(c, t)| (c.as_str(), t.as_str())),
            ));
        }
        let sigs = similarity::signatures(&texts, 2);
        let sig_rows: Vec<(i64, &NewRegistration, &(similarity::Signature, usize))> = rows
            .iter()
            .zip(&sigs)
            .map(|((id, r, _), s)| (*id, *r, s))
            .collect();
        pipelined(&mut w.tx, &sig_rows, 2_000, |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO registration_signatures (registration_id, year, unit_path, member_id, shingles, signature) VALUES ",
            );
            for (k, (id, r, (sig, shingles))) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(").lit(*id).push(",").lit(i64::from(r.year)).push(",");
                q.safe(&r.unit_path).push(",").lit(r.member_id).push(",");
                q.lit(*shingles as i64).push(",");
                blob(&mut q, backend, &sig.to_bytes());
                q.push(")");
            }
            Ok(q)
        })
        .await?;
        let mut bands: Vec<(i64, i64, i64)> = sig_rows
            .iter()
            .filter(|(_, _, (_, shingles))| *shingles >= similarity::MIN_SHINGLES)
            .flat_map(|(id, r, (sig, _))| {
                let year = i64::from(r.year);
                sig.lsh_keys()
                    .map(move |k| (year, k, *id))
                    .collect::<Vec<_>>()
            })
            .collect();
        // In index order: each page of the (year, band_key) index is then written once per call instead
        // of once per row (a province holds ~9 M keys: random inserts made the load crawl on SQLite).
        bands.sort_unstable();
        pipelined(&mut w.tx, &bands, 8_000, |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO registration_bands (year, band_key, registration_id) VALUES ",
            );
            for (k, (year, key, id)) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.push("(")
                    .lit(*year)
                    .push(",")
                    .lit(*key)
                    .push(",")
                    .lit(*id)
                    .push(")");
            }
            Ok(q)
        })
        .await?;

        for t in TABLES {
            crate::sql::sync_sequence(&mut w.tx, backend, t).await?;
        }
        let path = common_path(regs.iter().map(|r| r.unit_path.as_str()));
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("demo", "registration", format!("{first}-{last}"))
                .label(format!("{} bản đăng ký (mã {first}–{last})", regs.len()))
                .unit(&path)
                .after(&serde_json::json!({
                    "count": regs.len(), "items": items.len(), "events": events.len(),
                    "ratings": ratings.len(), "first_id": first, "last_id": last, "at": stamp,
                })),
        )
        .await?;
        w.commit().await?;
        Ok((first..=last).collect())
    }

    /// Puts the "copied" flag (with `copied_note`) on every item of each current registration of `year`
    /// that is near-identical to another member's current registration of the year in its comparison
    /// scope — what `create_registration` finds for a new one, through the same LSH keys and estimate —
    /// and takes it off the others. One transaction with one audit record.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.finish_registration_copies")
    )]
    pub async fn finish_registration_copies(self, actor: &Actor, year: i32) -> Result<CopyFlags> {
        let mut q = Sql::new(
            "SELECT registration_id, member_id, unit_path, shingles, signature FROM registration_signatures WHERE year = ",
        );
        q.lit(i64::from(year)).push(" ORDER BY registration_id");
        struct Sig {
            id: i64,
            member: i64,
            path: String,
            sig: similarity::Signature,
            ok: bool,
        }
        let mut sigs: Vec<Sig> = Vec::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            let doc = crate::sql::read::<crate::registrations::SignatureRow>(&r)?;
            sigs.push(Sig {
                id: doc.id,
                member: doc.member_id,
                path: doc.unit_path,
                sig: doc.signature,
                ok: doc.shingles >= similarity::MIN_SHINGLES,
            });
        }
        // Candidate pairs share an LSH key; each is confirmed by the estimate, and counted for a
        // registration when the other lies in its comparison scope.
        let mut buckets: HashMap<i64, Vec<u32>> = HashMap::new();
        for (k, s) in sigs.iter().enumerate() {
            if s.ok {
                for key in s.sig.lsh_keys() {
                    buckets.entry(key).or_default().push(k as u32);
                }
            }
        }
        let mut pairs: Vec<(u32, u32)> = Vec::new();
        for b in buckets.values() {
            for (x, &i) in b.iter().enumerate() {
                for &j in &b[x + 1..] {
                    pairs.push((i.min(j), i.max(j)));
                }
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        // Each holding unit's scope by unit type, from one read of the units on the way to the root.
        let by_unit = self
            .comparison_scopes(sigs.iter().map(|s| s.path.as_str()))
            .await?;
        let scopes: Vec<String> = sigs
            .iter()
            .map(|s| {
                by_unit
                    .get(&s.path)
                    .cloned()
                    .unwrap_or_else(|| s.path.clone())
            })
            .collect();
        let mut others = vec![0usize; sigs.len()];
        for (i, j) in pairs {
            let (a, b) = (&sigs[i as usize], &sigs[j as usize]);
            if a.member == b.member
                || similarity::estimate(&a.sig, &b.sig) < similarity::COPY_THRESHOLD
            {
                continue;
            }
            if b.path.starts_with(scopes[i as usize].as_str()) {
                others[i as usize] += 1;
            }
            if a.path.starts_with(scopes[j as usize].as_str()) {
                others[j as usize] += 1;
            }
        }
        let want: HashMap<i64, usize> = sigs
            .iter()
            .zip(&others)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| (s.id, *n))
            .collect();
        // Items to rewrite: those of copied registrations and those flagged "copied" now.
        let mut q = Sql::new(
            "SELECT i.id, i.registration_id, i.flags FROM registration_items i JOIN registrations r ON r.id = i.registration_id \
             WHERE r.year = ",
        );
        q.lit(i64::from(year))
            .push(" AND r.superseded = 0 AND (i.flags LIKE '%copied|%'");
        let mut ids: Vec<i64> = want.keys().copied().collect();
        ids.sort_unstable();
        for chunk in ids.chunks(IN_LIST) {
            q.push(" OR i.registration_id IN (");
            for (k, id) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*id);
            }
            q.push(")");
        }
        q.push(") ORDER BY i.id");
        let rows = q.query().persistent(false).fetch_all(&self.db.pool).await?;
        let mut updates: Vec<(i64, String)> = Vec::new();
        for r in &rows {
            let id: i64 = get(r, "id")?;
            let reg: i64 = get(r, "registration_id")?;
            let old: String = get(r, "flags")?;
            let mut flags: Vec<FlagNote> = decode_flags(&old)
                .into_iter()
                .filter(|f| f.flag != Flag::Copied)
                .collect();
            if let Some(n) = want.get(&reg) {
                flags.push(copied_note(*n));
            }
            let new = encode_flags(&flags);
            if new != old {
                updates.push((id, new));
            }
        }
        let mut w = self.db.write().await?;
        for (id, flags) in &updates {
            sqlx::query("UPDATE registration_items SET flags = $1 WHERE id = $2")
                .bind(flags.clone())
                .bind(*id)
                .execute(&mut *w.tx)
                .await?;
        }
        let result = CopyFlags {
            registrations: sigs.len(),
            copied: want.len(),
        };
        let path = common_path(sigs.iter().map(|s| s.path.as_str()));
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("demo", "registration_copies", year)
                .label(format!(
                "Đánh dấu sao chép năm {year}: {} / {} bản đăng ký",
                result.copied, result.registrations
            ))
                .unit(&path)
                .after(&serde_json::json!({ "year": year, "registrations": result.registrations, "copied": result.copied, "items": updates.len() })),
        )
        .await?;
        w.commit().await?;
        Ok(result)
    }
}
