//! Registrations (docs/DOMAIN.md § Registrations): versions, items with their quality flags, the pledge
//! against the 27 manifestations, the workflow (rules in `domain::registration`), reviews and ratings, and
//! copy clusters.
//!
//! Quality flags are computed when a registration is written: `domain::quality` per item, and "copied"
//! against the other current registrations of the same year in the member's grassroots unit (the unit two
//! levels up from a cell's members — where registrations are compared in practice). Clusters across units
//! for any subtree are computed on request (`copy_clusters`).
//!
//! # Whose registration it is after a transfer, a unit move or a closure
//!
//! A registration is held by a unit (`registrations.unit_id` / `unit_path`, copied to its signature,
//! the member's rating of that year and the citizens' feedback on it). Every list, queue, export, report,
//! copy check and copy cluster selects by that stored path (indexed by year and path), and the approver is
//! derived from it. The rule that keeps the stored unit right:
//!
//! - **Transfer** (chuyển sinh hoạt, from the member pages, the API or an import, back-dated or not): the
//!   member's registrations of the transfer date's year and later — every version — move to the new unit
//!   in the same transaction (`follow_member`), with their signatures, ratings and feedback. The new
//!   unit's secretaries list, approve, review and assess them; the old unit no longer lists or reads them.
//!   Registrations of earlier years stay with the unit the member belonged to then: they are that unit's
//!   history, it still lists them and its reports for those years keep counting them.
//! - **Reading** one registration: whoever may read the unit that holds it, whoever may read the member
//!   (the member's current unit sees the member's whole history, as on the member's record), and the
//!   member. Anyone else gets "not found", exactly as for an id that does not exist.
//! - **Acting** on one (edit, workflow, reviews, rating): as the unit that holds it; for the current year
//!   that is the member's current unit.
//! - **Unit move**: a unit's registrations of every year follow it (`move_paths`), as meetings, models
//!   and feedback do.
//! - **Closure / merger**: a unit is closed only once its members were transferred, so the transfers
//!   above have moved the current registrations; earlier years stay under the closed unit, in the tree.
//! - **Reports** keep their as-of semantics: who should register is read as of the deadline (the calendar's, by default 31/03), and
//!   registrations count under the unit that holds them.
//! - A member's own account (role member) follows the member to the new unit.

use crate::campaign::ancestor_paths;
use crate::sql::{self, RowInto, Sql};
use crate::{
    audit, date_str, get, parse_opt_date, ts, Actor, FieldError, Registrations, Result, StoreError,
};
use chrono::NaiveDate;
use domain::policy::Principal;
use domain::quality::{self, Flag, FlagNote};
use domain::registration::{self as reg, Action, Outcome, Owner, Status, WorkflowError};
use domain::similarity;
use domain::text;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Most items one registration may hold.
pub const MAX_ITEMS: usize = 30;
/// Longest item text.
pub const MAX_ITEM_CHARS: usize = domain::limits::ITEM_CONTENT;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Học tập và làm theo: a commitment tied to duties.
    Commitment,
    /// Nêu gương: exemplary conduct of key cadres and heads.
    Exemplary,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Commitment => "commitment",
            ItemKind::Exemplary => "exemplary",
        }
    }
    pub fn parse(s: &str) -> Option<ItemKind> {
        match s {
            "" | "commitment" => Some(ItemKind::Commitment),
            "exemplary" => Some(ItemKind::Exemplary),
            _ => None,
        }
    }
}

/// An item as written by the member.
#[derive(Debug, Clone)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    pub evidence: String,
}

/// An item as written again: a new version, a copy of last year's, a reload.
impl From<&Item> for ItemInput {
    fn from(i: &Item) -> ItemInput {
        ItemInput {
            kind: i.kind,
            content: i.content.clone(),
            duty: i.duty.clone(),
            target: i.target.clone(),
            deadline: i.deadline,
            evidence: i.evidence.clone(),
        }
    }
}

impl ItemInput {
    pub fn new(content: &str, duty: &str, target: &str, deadline: Option<NaiveDate>) -> ItemInput {
        ItemInput {
            kind: ItemKind::Commitment,
            content: content.to_string(),
            duty: duty.to_string(),
            target: target.to_string(),
            deadline,
            evidence: String::new(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: i64,
    pub position: i64,
    pub kind: ItemKind,
    pub content: String,
    pub duty: String,
    pub target: String,
    pub target_number: Option<f64>,
    pub target_unit: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub evidence: String,
    pub flags: Vec<FlagNote>,
    pub return_comment: String,
    pub midyear_outcome: Option<Outcome>,
    pub midyear_note: String,
    pub yearend_outcome: Option<Outcome>,
    pub yearend_note: String,
    pub yearend_evidence: String,
    pub assessed_outcome: Option<Outcome>,
    pub assessed_note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Registration {
    pub id: i64,
    pub member_id: i64,
    pub member_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    /// Path of the unit whose secretary or office approves (`domain::registration::approver`, by the
    /// member's party posts on the day it was read); the holding unit until `registration_unscoped` fills it.
    #[serde(skip)]
    pub approver_path: String,
    /// Who approves, in words ("Ban Thường vụ Thành ủy Bến Tre", "Chi bộ Khu phố 1").
    #[serde(skip)]
    pub approver_label: String,
    pub year: i32,
    pub version: i64,
    pub status: Status,
    pub superseded: bool,
    pub head: bool,
    pub disclosed: bool,
    pub return_comment: String,
    pub first_submitted_at: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_at: Option<String>,
    pub approved_by: Option<String>,
    pub published_at: Option<String>,
    pub pledges: Vec<String>,
    /// When the pledge against the 27 manifestations was added, if after the registration was written (a
    /// registration written before Nghị quyết Trung ương 4 khóa XII, 30/10/2016); None: pledged when written.
    pub pledged_at: Option<chrono::DateTime<chrono::Utc>>,
    pub items: Vec<Item>,
    pub created_at: String,
    pub updated_at: String,
    /// The campaign calendar in force for the holder unit and the year (deadline, review windows).
    #[serde(skip)]
    pub calendar: domain::calendar::Calendar,
}

impl Registration {
    /// The workflow's view of the owner (the holding unit and the approver read with the registration).
    pub fn owner(&self) -> Owner<'_> {
        owner_of(
            self.member_id,
            &self.unit_path,
            &self.approver_path,
            self.disclosed,
        )
    }

    /// The text copy detection compares (see `registration_text_of`).
    pub fn comparison_text(&self) -> String {
        registration_text_of(
            self.items
                .iter()
                .map(|i| (i.content.as_str(), i.target.as_str())),
        )
    }

    /// The items' year-end outcomes as the cell assessed them (else as self-reviewed).
    pub fn outcomes(&self) -> Vec<Option<Outcome>> {
        self.items
            .iter()
            .map(|i| i.assessed_outcome.or(i.yearend_outcome))
            .collect()
    }
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct RegistrationEvent {
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: String,
    /// The account's user name.
    #[sqlx(rename = "by_user")]
    pub by: String,
    /// The person behind the account: the linked member's full name, else the account's display name,
    /// else the user name.
    pub by_name: String,
    pub at: String,
    pub comment: String,
}

/// A version in a registration's history.
#[derive(Debug, Clone, Serialize)]
pub struct VersionInfo {
    pub id: i64,
    pub version: i64,
    pub status: Status,
    pub superseded: bool,
    pub approved_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct Manifestation {
    pub code: String,
    #[sqlx(rename = "grp")]
    pub group: String,
    pub title: String,
}

/// A group of near-identical registrations, with the people involved.
#[derive(Debug, Clone, Serialize)]
pub struct CopyCluster {
    pub registration_ids: Vec<i64>,
    pub member_ids: Vec<i64>,
    pub members: Vec<(i64, String, String)>,
    pub min_similarity: f64,
    pub cross_unit: bool,
}

const REG_COLS: &str = "r.id, r.member_id, m.full_name AS member_name, r.unit_id, u.code AS unit_code, \
    u.name AS unit_name, r.unit_path, r.year, r.version, r.status, r.superseded, r.head, r.disclosed, \
    r.return_comment, r.first_submitted_at, r.submitted_at, r.approved_at, r.approved_by, r.published_at, \
    r.pledged_at, r.created_at, r.updated_at";
const REG_FROM: &str =
    "FROM registrations r JOIN members m ON m.id = r.member_id JOIN units u ON u.id = r.unit_id";

/// A stored workflow status.
pub(crate) fn reg_status(s: String) -> Result<Status> {
    Status::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("trạng thái bản đăng ký {s}")))
}

/// A stored outcome (NULL or unknown: none).
pub(crate) fn outcome(s: Option<String>) -> Option<Outcome> {
    s.as_deref().and_then(Outcome::parse)
}

/// A registration as `REG_COLS` selects it (pledges and items are read separately).
#[derive(sqlx::FromRow)]
struct RegistrationRow {
    id: i64,
    member_id: i64,
    member_name: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    year: i64,
    version: i64,
    status: String,
    superseded: i64,
    head: i64,
    disclosed: i64,
    return_comment: String,
    first_submitted_at: Option<String>,
    submitted_at: Option<String>,
    approved_at: Option<String>,
    approved_by: Option<String>,
    published_at: Option<String>,
    /// Absent from selections that do not need it (read as None).
    #[sqlx(default)]
    pledged_at: Option<String>,
    created_at: String,
    updated_at: String,
}

impl RowInto for RegistrationRow {
    type Target = Registration;
    fn convert(self) -> Result<Registration> {
        Ok(Registration {
            id: self.id,
            member_id: self.member_id,
            member_name: self.member_name,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            approver_label: self.unit_name.clone(),
            unit_name: self.unit_name,
            approver_path: self.unit_path.clone(),
            unit_path: self.unit_path,
            year: sql::year(self.year),
            version: self.version,
            status: reg_status(self.status)?,
            superseded: self.superseded != 0,
            head: self.head != 0,
            disclosed: self.disclosed != 0,
            return_comment: self.return_comment,
            first_submitted_at: self.first_submitted_at,
            submitted_at: self.submitted_at,
            approved_at: self.approved_at,
            approved_by: self.approved_by,
            published_at: self.published_at,
            pledges: Vec::new(),
            pledged_at: self.pledged_at.as_deref().map(sql::parse_ts).transpose()?,
            items: Vec::new(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            calendar: domain::calendar::Calendar::defaults(sql::year(self.year)),
        })
    }
}

pub(crate) fn reg_from_row(r: &AnyRow) -> Result<Registration> {
    sql::read::<RegistrationRow>(r)
}

/// An item with the columns of `registration_items`.
#[derive(sqlx::FromRow)]
struct RegItemRow {
    id: i64,
    position: i64,
    kind: String,
    content: String,
    duty: String,
    target: String,
    target_number: Option<f64>,
    target_unit: Option<String>,
    deadline: Option<String>,
    evidence: String,
    flags: String,
    return_comment: String,
    midyear_outcome: Option<String>,
    midyear_note: String,
    yearend_outcome: Option<String>,
    yearend_note: String,
    yearend_evidence: String,
    assessed_outcome: Option<String>,
    assessed_note: String,
}

impl RowInto for RegItemRow {
    type Target = Item;
    fn convert(self) -> Result<Item> {
        Ok(Item {
            id: self.id,
            position: self.position,
            kind: ItemKind::parse(&self.kind).unwrap_or(ItemKind::Commitment),
            content: self.content,
            duty: self.duty,
            target: self.target,
            target_number: self.target_number,
            target_unit: self.target_unit,
            deadline: parse_opt_date(self.deadline)?,
            evidence: self.evidence,
            flags: decode_flags(&self.flags),
            return_comment: self.return_comment,
            midyear_outcome: outcome(self.midyear_outcome),
            midyear_note: self.midyear_note,
            yearend_outcome: outcome(self.yearend_outcome),
            yearend_note: self.yearend_note,
            yearend_evidence: self.yearend_evidence,
            assessed_outcome: outcome(self.assessed_outcome),
            assessed_note: self.assessed_note,
        })
    }
}

/// An item from a row with the columns of `registration_items`.
pub(crate) fn item_from_row(i: &AnyRow) -> Result<Item> {
    sql::read::<RegItemRow>(i)
}

/// A row of `registration_signatures` as a similarity document.
#[derive(sqlx::FromRow)]
pub(crate) struct SignatureRow {
    registration_id: i64,
    member_id: i64,
    unit_path: String,
    shingles: i64,
    signature: Vec<u8>,
}

impl RowInto for SignatureRow {
    type Target = similarity::Doc;
    fn convert(self) -> Result<similarity::Doc> {
        let signature = similarity::Signature::from_bytes(&self.signature).ok_or_else(|| {
            StoreError::Corrupt("chữ ký so sánh của bản đăng ký không hợp lệ".into())
        })?;
        Ok(similarity::Doc {
            id: self.registration_id,
            member_id: self.member_id,
            unit_path: self.unit_path,
            signature,
            shingles: usize::try_from(self.shingles).unwrap_or_default(),
        })
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    id: i64,
    version: i64,
    status: String,
    superseded: i64,
    approved_at: Option<String>,
}

impl RowInto for VersionRow {
    type Target = VersionInfo;
    fn convert(self) -> Result<VersionInfo> {
        Ok(VersionInfo {
            id: self.id,
            version: self.version,
            status: reg_status(self.status)?,
            superseded: self.superseded != 0,
            approved_at: self.approved_at,
        })
    }
}

/// The workflow's view of a registration's owner: the member, the unit holding the registration, the unit
/// that approves it (`Registrations::approvers`), whether their registrations are published.
pub(crate) fn owner_of<'a>(
    member_id: i64,
    unit_path: &'a str,
    approver_path: &'a str,
    disclosed: bool,
) -> Owner<'a> {
    Owner {
        member_id,
        unit_path,
        approver_path,
        disclosed,
    }
}

/// Flags stored as "code|message" lines.
pub(crate) fn encode_flags(flags: &[FlagNote]) -> String {
    flags
        .iter()
        .map(|f| format!("{}|{}", f.flag.as_str(), f.message.replace('\n', " ")))
        .collect::<Vec<_>>()
        .join("\n")
}

pub(crate) fn decode_flags(s: &str) -> Vec<FlagNote> {
    s.lines()
        .filter_map(|l| {
            let (code, message) = l.split_once('|')?;
            let flag = [
                Flag::Vague,
                Flag::NotTiedToDuty,
                Flag::NoTarget,
                Flag::NoDeadline,
                Flag::Copied,
            ]
            .into_iter()
            .find(|f| f.as_str() == code)?;
            Some(FlagNote {
                flag,
                message: message.to_string(),
            })
        })
        .collect()
}

/// The text that copy detection compares: every item's content and target, one line per item.
pub(crate) fn registration_text_of<'a>(items: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    items
        .map(|(content, target)| format!("{content} {target}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn registration_text(items: &[ItemInput]) -> String {
    registration_text_of(
        items
            .iter()
            .map(|i| (i.content.as_str(), i.target.as_str())),
    )
}

/// The "copied" flag put on every item of a registration near-identical to `others` other registrations.
/// The writer is told that it matches others, not whose: the names are for the secretary's copy-cluster
/// view.
pub(crate) fn copied_note(others: usize) -> FlagNote {
    FlagNote {
        flag: Flag::Copied,
        message: format!(
            "Bản đăng ký gần như trùng với {others} bản đăng ký khác trong đơn vị: hãy viết theo chức trách, nhiệm vụ của chính mình"
        ),
    }
}

/// Replaces the stored signature and LSH keys of a current registration (see migration 4).
pub(crate) async fn write_signature(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    registration_id: i64,
    year: i32,
    unit_path: &str,
    member_id: i64,
    text: &str,
) -> Result<()> {
    drop_signature(tx, registration_id).await?;
    let (sig, shingles) = similarity::signature(text);
    sqlx::query(
        "INSERT INTO registration_signatures (registration_id, year, unit_path, member_id, shingles, signature) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(registration_id)
    .bind(i64::from(year))
    .bind(unit_path.to_string())
    .bind(member_id)
    .bind(shingles as i64)
    .bind(sig.to_bytes())
    .execute(&mut **tx)
    .await?;
    if shingles < similarity::MIN_SHINGLES {
        return Ok(());
    }
    let mut q =
        Sql::new("INSERT INTO registration_bands (year, band_key, registration_id) VALUES ");
    for (k, key) in sig.lsh_keys().enumerate() {
        if k > 0 {
            q.push(", ");
        }
        q.push("(")
            .lit(i64::from(year))
            .push(", ")
            .lit(key)
            .push(", ")
            .lit(registration_id)
            .push(")");
    }
    q.query().execute(&mut **tx).await?;
    Ok(())
}

/// Removes a registration's signature (it was superseded).
pub(crate) async fn drop_signature(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    registration_id: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM registration_bands WHERE registration_id = $1")
        .bind(registration_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM registration_signatures WHERE registration_id = $1")
        .bind(registration_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Computes the signature of every current registration that has none (after a migration dropped the
/// stored ones because `domain::similarity` changed what a signature is), a batch per transaction. Returns
/// how many were written; with none missing it is one indexed query.
pub(crate) async fn refresh_signatures(db: &crate::Db) -> Result<usize> {
    const BATCH: i64 = 500;
    let mut written = 0usize;
    loop {
        let mut q = Sql::new(
            "SELECT r.id, r.year, r.unit_path, r.member_id FROM registrations r WHERE r.superseded = 0 \
             AND NOT EXISTS (SELECT 1 FROM registration_signatures s WHERE s.registration_id = r.id) \
             ORDER BY r.id LIMIT ",
        );
        q.lit(BATCH);
        let regs = q.query().fetch_all(&db.pool).await?;
        if regs.is_empty() {
            return Ok(written);
        }
        let mut ids: Vec<i64> = Vec::with_capacity(regs.len());
        for r in &regs {
            ids.push(get(r, "id")?);
        }
        let mut q = Sql::new(
            "SELECT registration_id, content, target FROM registration_items WHERE registration_id IN (",
        );
        for (k, id) in ids.iter().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            q.lit(*id);
        }
        q.push(") ORDER BY registration_id, position");
        let mut items: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for i in q.query().fetch_all(&db.pool).await? {
            items
                .entry(get(&i, "registration_id")?)
                .or_default()
                .push((get(&i, "content")?, get(&i, "target")?));
        }
        let mut tx = db.pool.begin().await?;
        for r in &regs {
            let id: i64 = get(r, "id")?;
            let year = i32::try_from(get::<i64>(r, "year")?).unwrap_or_default();
            let text = registration_text_of(
                items
                    .get(&id)
                    .into_iter()
                    .flatten()
                    .map(|(c, t)| (c.as_str(), t.as_str())),
            );
            let unit_path: String = get(r, "unit_path")?;
            write_signature(&mut tx, id, year, &unit_path, get(r, "member_id")?, &text).await?;
        }
        tx.commit().await?;
        written += regs.len();
    }
}

/// Moves what is keyed by a member's registrations to the member's new unit (see the module's rule):
/// registrations of `from_year` and later (every version), their signatures, the member's ratings of those
/// years and the citizens' feedback on them; and the member's own account. Runs in the transfer's
/// transaction. Every statement is indexed by member (or by subject / registration id).
pub(crate) async fn follow_member(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member_id: i64,
    unit: &domain::Unit,
    from_year: i32,
) -> Result<()> {
    let year = i64::from(from_year);
    // Dependent rows first: they find the moved registrations by member and year.
    sqlx::query(
        "UPDATE registration_signatures SET unit_path = $1 WHERE registration_id IN \
         (SELECT id FROM registrations WHERE member_id = $2 AND year >= $3)",
    )
    .bind(unit.path.clone())
    .bind(member_id)
    .bind(year)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "UPDATE feedback SET unit_id = $1, unit_path = $2 WHERE subject_type = 'registration' AND subject_id IN \
         (SELECT id FROM registrations WHERE member_id = $3 AND year >= $4)",
    )
    .bind(unit.id)
    .bind(unit.path.clone())
    .bind(member_id)
    .bind(year)
    .execute(&mut **tx)
    .await?;
    for table in ["registrations", "member_ratings"] {
        sqlx::query(&format!(
            "UPDATE {table} SET unit_id = $1, unit_path = $2 WHERE member_id = $3 AND year >= $4"
        ))
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(member_id)
        .bind(year)
        .execute(&mut **tx)
        .await?;
    }
    sqlx::query("UPDATE users SET unit_id = $1 WHERE role = 'member' AND member_id = $2")
        .bind(unit.id)
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// When a unit moves (`Units::move_unit`), the registrations it holds (every year), their signatures and the
/// ratings follow it: rewrites the stored paths under `old` to start with `new`. One statement per year
/// and table, so the (year, unit_path) indexes serve the range.
pub(crate) async fn move_paths(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    old: &str,
    new: &str,
) -> Result<()> {
    for table in ["registrations", "registration_signatures", "member_ratings"] {
        // The year range only (the leading column of each table's (year, unit_path) index answers it);
        // then one indexed range update per year.
        let range = sqlx::query(&format!(
            "SELECT MIN(year) AS lo, MAX(year) AS hi FROM {table}"
        ))
        .fetch_one(&mut **tx)
        .await?;
        let (Some(lo), Some(hi)) = (
            get::<Option<i64>>(&range, "lo")?,
            get::<Option<i64>>(&range, "hi")?,
        ) else {
            continue;
        };
        for year in lo..=hi {
            sqlx::query(&format!(
                "UPDATE {table} SET unit_path = $1 || SUBSTR(unit_path, CAST($2 AS INTEGER)) \
                 WHERE year = $3 AND unit_path >= $4 AND unit_path < $5"
            ))
            .bind(new.to_string())
            .bind(old.len() as i64 + 1)
            .bind(year)
            .bind(old.to_string())
            .bind(format!("{old}~"))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

impl Registrations<'_> {
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.manifestations")
    )]
    pub async fn manifestations(self) -> Result<Vec<Manifestation>> {
        let rows = sqlx::query("SELECT code, grp, title FROM manifestations ORDER BY sort_order")
            .fetch_all(&self.db.pool)
            .await?;
        rows.iter().map(sql::from_row).collect()
    }

    /// Renames a manifestation (codes are fixed; titles are reference data the committee may reword).
    /// Office staff and administrators at the root of the tree only.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.set_manifestation_title")
    )]
    pub async fn set_manifestation_title(
        self,
        actor: &Actor,
        p: &Principal,
        code: &str,
        title: &str,
    ) -> Result<Manifestation> {
        let root = p.unit_path.matches('/').count() <= 2;
        if !(root && p.can_manage_campaign(&p.unit_path)) {
            return Err(StoreError::Forbidden);
        }
        let title = text::normalize(title.trim());
        if title.is_empty() || domain::limits::check(domain::limits::Field::Title, &title).is_err()
        {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "title",
                format!(
                    "Phải nhập tên biểu hiện, tối đa {} ký tự",
                    domain::limits::TITLE
                ),
            )]));
        }
        let before = self
            .manifestations()
            .await?
            .into_iter()
            .find(|m| m.code == code)
            .ok_or(StoreError::NotFound)?;
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE manifestations SET title = $1 WHERE code = $2")
            .bind(title.clone())
            .bind(code.to_string())
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", "manifestation", code)
                .label(format!("Biểu hiện {code}"))
                .unit(&p.unit_path)
                .before(&serde_json::json!({ "title": before.title }))
                .after(&serde_json::json!({ "title": title })),
        )
        .await?;
        w.commit().await?;
        Ok(Manifestation { title, ..before })
    }

    /// The owner's facts the workflow needs, with the member's duties for the quality checks, and who would
    /// approve a registration held by the member's current unit. The member is read through the
    /// principal's scope: out of scope is "not found".
    async fn owner_facts(
        self,
        p: &Principal,
        member_id: i64,
    ) -> Result<(domain::Member, domain::Unit, reg::Approver)> {
        let member = self.db.members().member(p, member_id).await?;
        let unit = self
            .db
            .units()
            .unit_unscoped(member.unit_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let approver = self.approver(member_id, &unit.path).await?;
        Ok((member, unit, approver))
    }

    /// Who approves the registration of `member_id` held by the unit with `unit_path`, by the party posts
    /// the member holds today.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.approver")
    )]
    pub(crate) async fn approver(self, member_id: i64, unit_path: &str) -> Result<reg::Approver> {
        self.approvers(&[(member_id, unit_path)])
            .await?
            .pop()
            .ok_or(StoreError::NotFound)
    }

    /// Who approves each of these registrations (member, holding unit's path), by the party posts each
    /// member holds today: two queries whatever their number (posts, then the units on the way to the root
    /// of every holding unit and every post's unit).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.approvers")
    )]
    pub(crate) async fn approvers(self, regs: &[(i64, &str)]) -> Result<Vec<reg::Approver>> {
        if regs.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.db.today();
        let ids: Vec<i64> = regs.iter().map(|(m, _)| *m).collect();
        let posts = crate::positions::party_posts_of(&self.db.pool, &ids, today).await?;
        let mut paths: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for path in regs
            .iter()
            .map(|(_, p)| *p)
            .chain(posts.values().flatten().map(|p| p.unit_path.as_str()))
        {
            paths.extend(ancestor_paths(path));
        }
        let paths: Vec<String> = paths.into_iter().collect();
        let units = crate::positions::units_at(&self.db.pool, &paths).await?;
        let by_path: HashMap<&str, &domain::org::UnitRef> =
            units.iter().map(|u| (u.path.as_str(), u)).collect();
        let no_posts = Vec::new();
        let mut out = Vec::with_capacity(regs.len());
        for (member, path) in regs {
            let held = posts.get(member).unwrap_or(&no_posts);
            // Only the units this registration's rule reads: its own chain and its posts' chains.
            let mut mine: Vec<domain::org::UnitRef> = Vec::new();
            for q in std::iter::once(*path).chain(held.iter().map(|p| p.unit_path.as_str())) {
                mine.extend(
                    ancestor_paths(q)
                        .iter()
                        .filter_map(|a| by_path.get(a.as_str()).map(|u| (*u).clone())),
                );
            }
            let a = reg::approver(&mine, path, held, today)
                .ok_or_else(|| StoreError::Corrupt(format!("đơn vị {path}")))?;
            out.push(a);
        }
        Ok(out)
    }

    /// The scope a registration held by the unit with `unit_path` is compared within (the copy check):
    /// `domain::org::comparison_scope` over the unit's chain, by unit type. One query.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.comparison_scope")
    )]
    pub(crate) async fn comparison_scope(self, unit_path: &str) -> Result<String> {
        let mut scopes = self.comparison_scopes([unit_path]).await?;
        Ok(scopes
            .remove(unit_path)
            .unwrap_or_else(|| unit_path.to_string()))
    }

    /// `comparison_scope` of many units at once (the bulk copy check): one query per few hundred units on
    /// the way to the root, whatever the number of registrations.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.comparison_scopes")
    )]
    pub(crate) async fn comparison_scopes<'p>(
        self,
        unit_paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<HashMap<String, String>> {
        let distinct: std::collections::BTreeSet<&str> = unit_paths.into_iter().collect();
        let mut all: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for p in &distinct {
            all.extend(ancestor_paths(p));
        }
        let all: Vec<String> = all.into_iter().collect();
        let units = crate::positions::units_at(&self.db.pool, &all).await?;
        let by_path: HashMap<&str, &domain::org::UnitRef> =
            units.iter().map(|u| (u.path.as_str(), u)).collect();
        let mut out = HashMap::with_capacity(distinct.len());
        for p in distinct {
            let chain: Vec<domain::org::UnitRef> = ancestor_paths(p)
                .iter()
                .filter_map(|a| by_path.get(a.as_str()).map(|u| (*u).clone()))
                .collect();
            let scope = domain::org::comparison_scope(&chain)
                .map(|u| u.path.clone())
                .unwrap_or_else(|| p.to_string());
            out.insert(p.to_string(), scope);
        }
        Ok(out)
    }

    fn check_items(
        items: &[ItemInput],
        member: &domain::Member,
        year: i32,
    ) -> (Vec<Vec<FlagNote>>, Vec<FieldError>) {
        let mut errors = Vec::new();
        if items.is_empty() {
            errors.push(FieldError::new(
                "items",
                "Bản đăng ký phải có ít nhất một nội dung",
            ));
        }
        if items.len() > MAX_ITEMS {
            errors.push(FieldError::new(
                "items",
                format!("Tối đa {MAX_ITEMS} nội dung trong một bản đăng ký"),
            ));
        }
        let duties: Vec<String> = member
            .positions
            .iter()
            .flat_map(|p| [p.title.clone(), p.duties.clone()])
            .filter(|s| !s.trim().is_empty())
            .collect();
        let ctx = quality::DutyContext {
            duties: &duties,
            fields: quality::FIELDS,
        };
        let mut flags = Vec::with_capacity(items.len());
        for (i, it) in items.iter().enumerate() {
            if it.content.trim().is_empty() {
                errors.push(FieldError::new(
                    &format!("items[{i}].content"),
                    "Chưa ghi nội dung đăng ký",
                ));
            }
            {
                use domain::limits::Field;
                for (name, field, value) in [
                    ("content", Field::ItemContent, &it.content),
                    ("duty", Field::ItemDuty, &it.duty),
                    ("target", Field::ItemTarget, &it.target),
                    ("evidence", Field::ItemEvidence, &it.evidence),
                ] {
                    crate::check_length(&mut errors, &format!("items[{i}].{name}"), field, value);
                }
            }
            flags.push(quality::check_item(
                &quality::ItemInput {
                    content: &it.content,
                    duty: &it.duty,
                    target: &it.target,
                    deadline: it.deadline,
                },
                &ctx,
                year,
            ));
        }
        (flags, errors)
    }

    /// Current registrations of the year in `scope_path` (another member's) whose text is near-identical
    /// to `text`, with their similarity: the LSH bucket keys find the candidates through an index, the
    /// stored signatures confirm them.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.similar_registrations")
    )]
    pub async fn similar_registrations(
        self,
        scope_path: &str,
        year: i32,
        exclude_member: Option<i64>,
        text: &str,
    ) -> Result<Vec<(i64, f64)>> {
        let (sig, shingles) = similarity::signature(text);
        if shingles < similarity::MIN_SHINGLES {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            "SELECT s.registration_id, s.signature FROM registration_signatures s WHERE s.registration_id IN \
             (SELECT b.registration_id FROM registration_bands b WHERE b.year = ",
        );
        q.lit(i64::from(year)).push(" AND b.band_key IN (");
        for (k, key) in sig.lsh_keys().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            q.lit(key);
        }
        q.push(")) AND ");
        q.subtree("s.unit_path", scope_path);
        if let Some(m) = exclude_member {
            q.push(" AND s.member_id <> ").lit(m);
        }
        let mut out: Vec<(i64, f64)> = Vec::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            let bytes: Vec<u8> = get(&r, "signature")?;
            let Some(other) = similarity::Signature::from_bytes(&bytes) else {
                continue;
            };
            let e = similarity::estimate(&sig, &other);
            if e >= similarity::COPY_THRESHOLD {
                out.push((get(&r, "registration_id")?, e));
            }
        }
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out)
    }

    /// Current registrations of a year in a subtree as similarity documents.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.signature_docs")
    )]
    pub(crate) async fn signature_docs(
        self,
        scope_path: &str,
        year: i32,
    ) -> Result<Vec<similarity::Doc>> {
        Ok(self
            .docs(scope_path, year)
            .await?
            .into_iter()
            .map(|(d, _)| d)
            .collect())
    }

    /// Current registrations of a year in a subtree as similarity documents (with member names), from
    /// the stored signatures.
    async fn docs(self, scope_path: &str, year: i32) -> Result<Vec<(similarity::Doc, String)>> {
        let mut q = Sql::new(
            "SELECT s.registration_id, s.member_id, s.unit_path, s.shingles, s.signature, m.full_name \
             FROM registration_signatures s JOIN members m ON m.id = s.member_id WHERE s.year = ",
        );
        q.lit(i64::from(year)).push(" AND ");
        q.subtree("s.unit_path", scope_path);
        q.push(" ORDER BY s.registration_id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            out.push((sql::read::<SignatureRow>(r)?, get(r, "full_name")?));
        }
        Ok(out)
    }

    /// The flags items would get if saved now (the editor shows them as the member writes), without
    /// saving anything.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.preview_flags")
    )]
    pub async fn preview_flags(
        self,
        p: &Principal,
        member_id: i64,
        year: i32,
        items: &[ItemInput],
    ) -> Result<Vec<Vec<FlagNote>>> {
        let (member, unit, _) = self.owner_facts(p, member_id).await?;
        let (mut flags, _) = Self::check_items(items, &member, year);
        self.flag_copies(&unit.path, year, member_id, items, &mut flags)
            .await?;
        Ok(flags)
    }

    /// Writes a member's registration for a year (a new draft). Refused when one exists (edit that one).
    /// Whether `p` may write a new registration for the member (the editor page asks before showing the
    /// form, the create itself before writing): scope first — an unknown or out-of-scope member is "not
    /// found" — then the workflow rule. Returns the member and their unit.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.may_create_registration")
    )]
    pub async fn may_create_registration(
        self,
        p: &Principal,
        member_id: i64,
    ) -> Result<(domain::Member, domain::Unit)> {
        let (member, unit, approver) = self.owner_facts(p, member_id).await?;
        let owner = owner_of(
            member_id,
            &unit.path,
            &approver.unit.path,
            self.db.disclosure.applies(member.head, member.key_cadre),
        );
        reg::may(p, Action::Edit, &owner).map_err(|_| StoreError::Forbidden)?;
        Ok((member, unit))
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.create_registration")
    )]
    pub async fn create_registration(
        self,
        actor: &Actor,
        p: &Principal,
        member_id: i64,
        year: i32,
        items: &[ItemInput],
    ) -> Result<Registration> {
        let (member, unit) = self.may_create_registration(p, member_id).await?;
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "year",
                "Năm không hợp lệ",
            )]));
        }
        let existing = sqlx::query(
            "SELECT id FROM registrations WHERE member_id = $1 AND year = $2 AND superseded = 0",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .fetch_optional(&self.db.pool)
        .await?;
        if let Some(r) = existing {
            let id: i64 = get(&r, "id")?;
            return Err(StoreError::Conflict(format!(
                "Đảng viên đã có bản đăng ký năm {year} (mã {id}); hãy sửa bản đó"
            )));
        }
        let (mut flags, errors) = Self::check_items(items, &member, year);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        self.flag_copies(&unit.path, year, member_id, items, &mut flags)
            .await?;
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO registrations (member_id, year, version, status, superseded, unit_id, unit_path, head, disclosed, \
             created_by, created_at, updated_at) VALUES ($1, $2, 1, 'draft', 0, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(member_id)
        .bind(i64::from(year))
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(i64::from(member.head))
        .bind(i64::from(self.db.disclosure.applies(member.head, member.key_cadre)))
        .bind(actor.username.clone())
        .bind(now.clone())
        .fetch_one(&mut *w.tx)
        .await
        .map_err(|e| crate::campaign::unique_to_invalid(e, "year", "Đã có bản đăng ký năm này"))?;
        let id: i64 = get(&row, "id")?;
        write_items(&mut w.tx, id, items, &flags).await?;
        write_signature(
            &mut w.tx,
            id,
            year,
            &unit.path,
            member_id,
            &registration_text(items),
        )
        .await?;
        sqlx::query(
            "INSERT INTO registration_pledges (registration_id, code) SELECT $1, code FROM manifestations",
        )
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        event(
            &mut w.tx,
            id,
            "create",
            None,
            Status::Draft,
            &actor.username,
            &now,
            "",
        )
        .await?;
        let after = serde_json::json!({ "year": year, "items": items.len() });
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "registration", id)
                .label(format!("Bản đăng ký năm {year} — {}", member.full_name))
                .unit(&unit.path)
                .after(&after),
        )
        .await?;
        w.commit().await?;
        self.registration_unscoped(id).await
    }

    async fn flag_copies(
        self,
        unit_path: &str,
        year: i32,
        member_id: i64,
        items: &[ItemInput],
        flags: &mut [Vec<FlagNote>],
    ) -> Result<()> {
        let scope = self.comparison_scope(unit_path).await?;
        let copied = self
            .similar_registrations(&scope, year, Some(member_id), &registration_text(items))
            .await?;
        if copied.is_empty() {
            return Ok(());
        }
        for f in flags.iter_mut() {
            f.push(copied_note(copied.len()));
        }
        Ok(())
    }

    /// Replaces the items of a draft or returned registration.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.update_registration")
    )]
    pub async fn update_registration(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        items: &[ItemInput],
    ) -> Result<Registration> {
        let before = self.registration(p, id).await?;
        let member = self.holder_facts(&before).await?;
        let owner = owner_of(
            before.member_id,
            &before.unit_path,
            &before.approver_path,
            self.db.disclosure.applies(member.head, member.key_cadre),
        );
        reg::may(p, Action::Edit, &owner).map_err(|_| StoreError::Forbidden)?;
        if before.superseded {
            return Err(workflow(WorkflowError::Illegal(
                before.status,
                Action::Edit,
            )));
        }
        reg::transition(before.status, Action::Edit).map_err(workflow)?;
        let (mut flags, errors) = Self::check_items(items, &member, before.year);
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        self.flag_copies(
            &before.unit_path,
            before.year,
            before.member_id,
            items,
            &mut flags,
        )
        .await?;
        let mut w = self.db.write().await?;
        // Guard: only while still editable (a concurrent submit wins).
        let done = sqlx::query(
            "UPDATE registrations SET updated_at = $1 WHERE id = $2 AND status IN ('draft', 'returned') AND superseded = 0",
        )
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Bản đăng ký vừa được nộp hoặc duyệt; hãy tải lại trang".into(),
            ));
        }
        sqlx::query("DELETE FROM registration_items WHERE registration_id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        write_items(&mut w.tx, id, items, &flags).await?;
        write_signature(
            &mut w.tx,
            id,
            before.year,
            &before.unit_path,
            before.member_id,
            &registration_text(items),
        )
        .await?;
        let before_json = serde_json::to_value(&before.items).ok();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", "registration", id)
                .label(format!(
                    "Bản đăng ký năm {} — {}",
                    before.year, before.member_name
                ))
                .unit(&before.unit_path)
                .before(before_json.as_ref())
                .after(&serde_json::json!({ "items": items.len() })),
        )
        .await?;
        w.commit().await?;
        self.registration_unscoped(id).await
    }

    /// Submit, return (with a comment, and optional comments per item position), approve, publish, or
    /// revise (a new draft version from an approved one). Returns the registration the action leaves
    /// current (for revise: the new version).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_action")
    )]
    pub async fn registration_action(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        action: Action,
        comment: &str,
        item_comments: &[(i64, String)],
    ) -> Result<Registration> {
        let before = self.registration(p, id).await?;
        let member = self.holder_facts(&before).await?;
        let owner = owner_of(
            before.member_id,
            &before.unit_path,
            &before.approver_path,
            before.disclosed || self.db.disclosure.applies(member.head, member.key_cadre),
        );
        if before.superseded {
            return Err(workflow(WorkflowError::Illegal(before.status, action)));
        }
        let to = reg::transition(before.status, action).map_err(workflow)?;
        reg::may(p, action, &owner).map_err(|e| match e {
            WorkflowError::NotAllowed(_) => StoreError::Forbidden,
            other => workflow(other),
        })?;
        if action == Action::Return && comment.trim().is_empty() && item_comments.is_empty() {
            return Err(workflow(WorkflowError::CommentRequired));
        }
        {
            let mut errors = Vec::new();
            crate::check_length(
                &mut errors,
                "comment",
                domain::limits::Field::Comment,
                comment.trim(),
            );
            for (pos, c) in item_comments {
                crate::check_length(
                    &mut errors,
                    &format!("c_{pos}"),
                    domain::limits::Field::Comment,
                    c.trim(),
                );
            }
            if !errors.is_empty() {
                return Err(StoreError::Invalid(errors));
            }
        }
        if action == Action::Submit && before.items.is_empty() {
            return Err(workflow(WorkflowError::NoItems));
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let mut result_id = id;
        match action {
            Action::Revise => {
                sqlx::query(
                    "UPDATE registrations SET superseded = 1, updated_at = $1 WHERE id = $2",
                )
                .bind(now.clone())
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
                let row = sqlx::query(
                    "INSERT INTO registrations (member_id, year, version, status, superseded, unit_id, unit_path, head, disclosed, \
                     first_submitted_at, created_by, created_at, updated_at, pledged_at) \
                     VALUES ($1, $2, $3, 'draft', 0, $4, $5, $6, $7, $8, $9, $10, $10, $11) RETURNING id",
                )
                .bind(before.member_id)
                .bind(i64::from(before.year))
                .bind(before.version + 1)
                .bind(before.unit_id)
                .bind(before.unit_path.clone())
                .bind(i64::from(before.head))
                .bind(i64::from(owner.disclosed))
                .bind(before.first_submitted_at.clone())
                .bind(actor.username.clone())
                .bind(now.clone())
                // The new version carries the old one's pledge, with its date.
                .bind(before.pledged_at.map(ts))
                .fetch_one(&mut *w.tx)
                .await?;
                result_id = get(&row, "id")?;
                let copy: Vec<ItemInput> = before.items.iter().map(ItemInput::from).collect();
                let flags: Vec<Vec<FlagNote>> =
                    before.items.iter().map(|i| i.flags.clone()).collect();
                write_items(&mut w.tx, result_id, &copy, &flags).await?;
                drop_signature(&mut w.tx, id).await?;
                write_signature(
                    &mut w.tx,
                    result_id,
                    before.year,
                    &before.unit_path,
                    before.member_id,
                    &registration_text(&copy),
                )
                .await?;
                sqlx::query(
                    "INSERT INTO registration_pledges (registration_id, code) SELECT $1, code FROM registration_pledges WHERE registration_id = $2",
                )
                .bind(result_id)
                .bind(id)
                .execute(&mut *w.tx)
                .await?;
                event(
                    &mut w.tx,
                    result_id,
                    "revise",
                    Some(before.status),
                    to,
                    &actor.username,
                    &now,
                    comment,
                )
                .await?;
            }
            _ => {
                let mut q = Sql::new("UPDATE registrations SET status = ");
                q.safe(to.as_str()).push(", updated_at = ").safe(&now);
                match action {
                    Action::Submit => {
                        q.push(", submitted_at = ").safe(&now);
                        q.push(", first_submitted_at = COALESCE(first_submitted_at, ")
                            .safe(&now)
                            .push(")");
                        q.push(", return_comment = ''");
                    }
                    Action::Return => {
                        q.push(", return_comment = ")
                            .text(comment.trim().to_string());
                    }
                    Action::Approve => {
                        q.push(", approved_at = ").safe(&now);
                        q.push(", approved_by = ").text(actor.username.clone());
                    }
                    Action::Publish => {
                        q.push(", published_at = ").safe(&now);
                    }
                    _ => {}
                }
                q.push(" WHERE id = ")
                    .lit(id)
                    .push(" AND status = ")
                    .safe(before.status.as_str());
                let done = q.query().execute(&mut *w.tx).await?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::Conflict(
                        "Bản đăng ký vừa được người khác xử lý; hãy tải lại trang".into(),
                    ));
                }
                if action == Action::Publish {
                    crate::portal::carry_over_public_history(
                        &mut w.tx,
                        id,
                        before.member_id,
                        before.year,
                    )
                    .await?;
                }
                if action == Action::Submit {
                    sqlx::query("UPDATE registration_items SET return_comment = '' WHERE registration_id = $1")
                        .bind(id)
                        .execute(&mut *w.tx)
                        .await?;
                }
                if action == Action::Return {
                    for (pos, c) in item_comments {
                        sqlx::query(
                            "UPDATE registration_items SET return_comment = $1 WHERE registration_id = $2 AND position = $3",
                        )
                        .bind(c.trim().to_string())
                        .bind(id)
                        .bind(*pos)
                        .execute(&mut *w.tx)
                        .await?;
                    }
                }
                event(
                    &mut w.tx,
                    id,
                    action_name(action),
                    Some(before.status),
                    to,
                    &actor.username,
                    &now,
                    comment,
                )
                .await?;
            }
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new(action_name(action), "registration", id)
                .label(format!("Bản đăng ký năm {} — {}", before.year, before.member_name))
                .unit(&before.unit_path)
                .before(&serde_json::json!({ "status": before.status.as_str() }))
                .after(&serde_json::json!({ "status": to.as_str(), "comment": comment, "registration_id": result_id })),
        )
        .await?;
        w.commit().await?;
        self.registration_unscoped(result_id).await
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_unscoped")
    )]
    pub async fn registration_unscoped(self, id: i64) -> Result<Registration> {
        let row = sqlx::query(&format!("SELECT {REG_COLS} {REG_FROM} WHERE r.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut r = reg_from_row(&row)?;
        let items = sqlx::query(
            "SELECT id, position, kind, content, duty, target, target_number, target_unit, deadline, evidence, flags, \
             return_comment, midyear_outcome, midyear_note, yearend_outcome, yearend_note, yearend_evidence, \
             assessed_outcome, assessed_note FROM registration_items WHERE registration_id = $1 ORDER BY position",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        for i in &items {
            r.items.push(item_from_row(i)?);
        }
        let pledges = sqlx::query(
            "SELECT p.code FROM registration_pledges p JOIN manifestations m ON m.code = p.code \
             WHERE p.registration_id = $1 ORDER BY m.sort_order",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        for p in &pledges {
            r.pledges.push(get(p, "code")?);
        }
        r.calendar = self.db.campaign().calendar(&r.unit_path, r.year).await?;
        let approver = self.approver(r.member_id, &r.unit_path).await?;
        r.approver_label = if approver.unit.path == r.unit_path {
            approver.label(&r.unit_name)
        } else {
            let name = self
                .db
                .units()
                .unit_unscoped(approver.unit.id)
                .await?
                .map(|u| u.name)
                .unwrap_or_default();
            approver.label(&name)
        };
        r.approver_path = approver.unit.path;
        Ok(r)
    }

    /// A registration the principal may read (404 otherwise): the member's own, one held by a unit in their
    /// subtree, or one of a member they may read (the member's current unit sees the member's history).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration")
    )]
    pub async fn registration(self, p: &Principal, id: i64) -> Result<Registration> {
        let r = self.registration_unscoped(id).await?;
        if p.member_id == Some(r.member_id) || p.can_read_member(r.member_id, &r.unit_path) {
            return Ok(r);
        }
        match self.db.members().member_unscoped(r.member_id).await? {
            Some((_, path)) if p.can_read_member(r.member_id, &path) => Ok(r),
            _ => Err(StoreError::NotFound),
        }
    }

    /// The member's facts for the workflow on a registration read through `registration` (which holds the
    /// unit and the approver), with the member's duties.
    async fn holder_facts(self, r: &Registration) -> Result<domain::Member> {
        let (member, _) = self
            .db
            .members()
            .member_unscoped(r.member_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(member)
    }

    /// All versions of the registration's (member, year), oldest first, and its workflow events.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.registration_history")
    )]
    pub async fn registration_history(
        self,
        p: &Principal,
        id: i64,
    ) -> Result<(Vec<VersionInfo>, Vec<RegistrationEvent>)> {
        let r = self.registration(p, id).await?;
        let rows = sqlx::query(
            "SELECT id, version, status, superseded, approved_at FROM registrations WHERE member_id = $1 AND year = $2 ORDER BY version",
        )
        .bind(r.member_id)
        .bind(i64::from(r.year))
        .fetch_all(&self.db.pool)
        .await?;
        let mut versions = Vec::new();
        let mut ids = Vec::new();
        for v in &rows {
            let v = sql::read::<VersionRow>(v)?;
            ids.push(v.id);
            versions.push(v);
        }
        let mut q = Sql::new(
            "SELECT e.action, e.from_status, e.to_status, e.by_user, e.at, e.comment, \
             COALESCE(m.full_name, NULLIF(u.display_name, ''), e.by_user) AS by_name \
             FROM registration_events e LEFT JOIN users u ON u.username = e.by_user \
             LEFT JOIN members m ON m.id = u.member_id WHERE e.registration_id IN (",
        );
        for (k, i) in ids.iter().enumerate() {
            if k > 0 {
                q.push(",");
            }
            q.lit(*i);
        }
        q.push(") ORDER BY e.id");
        let events = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(sql::from_row)
            .collect::<Result<_>>()?;
        Ok((versions, events))
    }

    /// Near-identical registrations of a year in a subtree, within and across units.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "registrations.copy_clusters")
    )]
    pub async fn copy_clusters(
        self,
        p: &Principal,
        unit_path: &str,
        year: i32,
    ) -> Result<Vec<CopyCluster>> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        let docs = self.docs(unit_path, year).await?;
        let info: HashMap<i64, (i64, String, String)> = docs
            .iter()
            .map(|(d, n)| (d.id, (d.member_id, n.clone(), d.unit_path.clone())))
            .collect();
        let docs: Vec<similarity::Doc> = docs.into_iter().map(|(d, _)| d).collect();
        let clusters = similarity::clusters(&docs, similarity::COPY_THRESHOLD);
        let mut unit_names: HashMap<String, String> = HashMap::new();
        let mut out = Vec::with_capacity(clusters.len());
        for c in clusters {
            let mut members = Vec::new();
            // Pair each registration with its own member (the cluster's member list is sorted apart).
            for rid in &c.doc_ids {
                let (mid, name, path) = info.get(rid).cloned().unwrap_or_default();
                let unit_name = match unit_names.get(&path) {
                    Some(n) => n.clone(),
                    None => {
                        let id: i64 = path
                            .trim_end_matches('/')
                            .rsplit('/')
                            .next()
                            .and_then(|s| s.parse().ok())
                            .unwrap_or_default();
                        let n = self
                            .db
                            .units()
                            .unit_unscoped(id)
                            .await?
                            .map(|u| u.name)
                            .unwrap_or_default();
                        unit_names.insert(path.clone(), n.clone());
                        n
                    }
                };
                members.push((mid, name, unit_name));
            }
            out.push(CopyCluster {
                registration_ids: c.doc_ids,
                member_ids: c.member_ids,
                members,
                min_similarity: c.min_similarity,
                cross_unit: c.cross_unit,
            });
        }
        Ok(out)
    }
}

fn workflow(e: WorkflowError) -> StoreError {
    StoreError::Invalid(vec![FieldError::new("status", e.to_string())])
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::Edit => "edit",
        Action::Submit => "submit",
        Action::Return => "return",
        Action::Approve => "approve",
        Action::Publish => "publish",
        Action::Revise => "revise",
    }
}

#[allow(clippy::too_many_arguments)]
async fn event(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    action: &str,
    from: Option<Status>,
    to: Status,
    by: &str,
    at: &str,
    comment: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO registration_events (registration_id, action, from_status, to_status, by_user, at, comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id)
    .bind(action.to_string())
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(by.to_string())
    .bind(at.to_string())
    .bind(comment.trim().to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn write_items(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    registration_id: i64,
    items: &[ItemInput],
    flags: &[Vec<FlagNote>],
) -> Result<()> {
    for (i, it) in items.iter().enumerate() {
        let target = quality::parse_target(&it.target);
        sqlx::query(
            "INSERT INTO registration_items (registration_id, position, kind, content, duty, target, target_number, \
             target_unit, deadline, evidence, flags) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(registration_id)
        .bind(i as i64 + 1)
        .bind(it.kind.as_str())
        .bind(text::normalize(it.content.trim()))
        .bind(text::normalize(it.duty.trim()))
        .bind(text::normalize(it.target.trim()))
        .bind(target.as_ref().and_then(|t| t.number))
        .bind(target.as_ref().and_then(|t| t.unit.clone()))
        .bind(it.deadline.map(date_str))
        .bind(text::normalize(it.evidence.trim()))
        .bind(encode_flags(flags.get(i).map(Vec::as_slice).unwrap_or(&[])))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_round_trip_through_text() {
        let f = vec![
            FlagNote {
                flag: Flag::Vague,
                message: "Nội dung chung chung | thiếu số".into(),
            },
            FlagNote {
                flag: Flag::NoDeadline,
                message: "Chưa có hạn".into(),
            },
        ];
        assert_eq!(decode_flags(&encode_flags(&f)), f);
        assert!(decode_flags("").is_empty());
        assert!(decode_flags("rubbish").is_empty());
    }
}
