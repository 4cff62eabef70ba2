//! The public portal's reads and writes (docs/DOMAIN.md § Public portal). This is the **one place** where data
//! leaves the database for people who are not signed in: [`Portal`] exposes only `Public*` types, built
//! here from an explicit column list — names, positions and commitments of *published* registrations,
//! public models, and feedback that the unit approved and answered. Birth dates, card and citizen
//! numbers, phones, unpublished registrations, notes, flags, reviewers, and the name and contact a
//! citizen left are never selected. The web layer's portal handlers receive a `Portal`, not a `Db`.
//!
//! Portal units are party committees, grassroots committees and grassroots cells; each shows what lies in
//! its subtree but not inside a lower portal unit ("own area"), so a ward shows its cells' heads and a
//! city shows its own organs, while each ward has its own page.

use crate::commendations::PublicCommendation;
use crate::models::{PublicModel, PublicModelDetail, PublicModelFilter};
use crate::sql::{self, parse_ts, RowInto, Sql};
use crate::{get, parse_opt_date, ts, Db, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::{
    self as fb, CitizenAnswer, CitizenTally, Completion, FeedbackError, SubjectName, SubjectType,
    TrackingState,
};
use domain::registration::Outcome;
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::HashMap;

/// Unit types that have a page on the portal.
pub const PORTAL_UNIT_TYPES: [&str; 3] =
    ["party_committee", "grassroots_committee", "grassroots_cell"];

/// A unit as the portal lists it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct PortalUnit {
    pub code: String,
    pub name: String,
    pub unit_type: String,
    #[serde(skip)]
    pub path: String,
    /// Published registrations (latest year) in the unit's subtree.
    #[sqlx(skip)]
    pub registrations: i64,
    /// Public models owned in the unit's subtree.
    #[sqlx(skip)]
    pub models: i64,
}

/// One commitment as the portal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicItem {
    pub id: i64,
    pub position: i64,
    /// A "nêu gương" item rather than a commitment tied to duties.
    pub exemplary: bool,
    pub content: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    pub completion: Completion,
    /// The deadline passed: citizens may say whether it was done.
    pub citizens_may_answer: bool,
}

/// A published registration.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRegistration {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub year: i32,
    /// The organisation the member belongs to (a cell or the committee itself).
    pub organisation: String,
    /// The portal unit whose page lists it.
    pub portal_unit: String,
    pub portal_unit_name: String,
    pub published_on: Option<NaiveDate>,
    pub items: Vec<PublicItem>,
}

impl PublicRegistration {
    /// Items whose best-known outcome is "done".
    pub fn done(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.completion.outcome == Some(Outcome::Done))
            .count()
    }
    /// Share done, 0–100, for a progress bar.
    pub fn progress_percent(&self) -> i64 {
        if self.items.is_empty() {
            0
        } else {
            (self.done() as f64 * 100.0 / self.items.len() as f64).round() as i64
        }
    }
}

/// Feedback the unit approved and answered (no name, no contact).
#[derive(Debug, Clone, Serialize)]
pub struct PublicFeedback {
    pub id: i64,
    pub subject_type: SubjectType,
    pub subject_id: i64,
    /// Whose registration (with its year) or which model (`SubjectName::label` words it).
    pub subject_name: SubjectName,
    pub content: String,
    pub received_on: NaiveDate,
    pub answer: String,
    pub answered_on: NaiveDate,
    pub response_days: i64,
}

/// Everything on a unit's portal page.
#[derive(Debug, Clone, Serialize)]
pub struct PortalUnitPage {
    pub unit: PortalUnit,
    /// Portal units above, top first.
    pub ancestors: Vec<PortalUnit>,
    /// Portal units directly below (the next portal level).
    pub children: Vec<PortalUnit>,
    /// The year shown and the years that have published registrations, newest first.
    pub year: Option<i32>,
    pub years: Vec<i32>,
    pub registrations: Vec<PublicRegistration>,
    pub models: Vec<PublicModel>,
    pub feedback: Vec<PublicFeedback>,
    /// Decided commendations naming the unit itself as a recipient, newest first.
    pub commendations: Vec<PublicCommendation>,
    /// Recognition decisions (đạt chuẩn) of the unit in force today, newest first.
    pub recognitions: Vec<PublicRecognition>,
    /// Classification decisions of the unit (đô thị loại II, …) taken by today, newest first.
    pub classifications: Vec<PublicClassification>,
}

/// A public model with the answered feedback on it.
#[derive(Debug, Clone, Serialize)]
pub struct PortalModelPage {
    pub model: PublicModelDetail,
    pub portal_unit: Option<PortalUnit>,
    pub feedback: Vec<PublicFeedback>,
    /// Decided commendations linked to the model, newest first.
    pub commendations: Vec<PublicCommendation>,
}

/// A published registration with the answered feedback on it.
#[derive(Debug, Clone, Serialize)]
pub struct PortalRegistrationPage {
    pub registration: PublicRegistration,
    pub feedback: Vec<PublicFeedback>,
    /// Decided commendations naming the registration's member, newest first (only a published
    /// registration has a page, so only a disclosed member's commendations are shown).
    pub commendations: Vec<MemberCommendation>,
}

/// A decided commendation of a member as their public registration page shows it: the decision, and how
/// many other members it names (never who they are).
#[derive(Debug, Clone, Serialize)]
pub struct MemberCommendation {
    #[serde(flatten)]
    pub commendation: PublicCommendation,
    pub other_members: i64,
}

/// A recognition decision (công nhận đạt chuẩn) in force, as the portal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicRecognition {
    /// The criteria set's title ("Bộ tiêu chí quốc gia về xã nông thôn mới").
    pub set_title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    /// The body that issued it ("" when not recorded).
    pub issued_by: String,
}

/// A classification decision of a unit, as the portal shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PublicClassification {
    pub title: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: String,
}

/// Something the portal search can find.
#[derive(Debug, Clone, Serialize)]
pub struct SearchDoc {
    /// "unit", "registration" or "model".
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    /// Registrations: their year.
    pub year: Option<i32>,
    /// Registrations: the portal unit that lists them; models: their owner; units: empty.
    pub unit_name: String,
    /// Folded text (no diacritics, "đ" → "d", lower case) to match against.
    #[serde(skip)]
    pub fold: String,
}

/// What a citizen sends.
#[derive(Debug, Clone, Default)]
pub struct FeedbackSubmission {
    pub subject_type: String,
    pub subject_id: i64,
    pub content: String,
    pub name: Option<String>,
    pub contact: Option<String>,
    /// The hidden field people never fill in.
    pub honeypot: Option<String>,
    /// The client's address (hashed before it is stored).
    pub address: String,
}

/// The answer to a submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedbackReceipt {
    pub id: i64,
    pub tracking_code: String,
    /// The text was near-identical to feedback on the same subject received within
    /// `fb::DUPLICATE_WINDOW_HOURS` that the unit still has to answer (`fb::folds_into`): it was folded into
    /// that one (counted and kept, not a new queue item). `id` is the earlier feedback's; `tracking_code`
    /// is this submission's own, whose page follows the earlier feedback's status and public answer.
    pub folded: bool,
}

/// Why a submission was refused.
#[derive(Debug)]
pub enum FeedbackRefusal {
    /// Too many from this address; retry after this many seconds.
    RateLimited {
        retry_after: i64,
    },
    /// The honeypot was filled: answer as if accepted, store nothing.
    Trap,
    /// The subject is not on the portal.
    NoSubject,
    Invalid(Vec<FeedbackError>),
    Store(StoreError),
}

impl From<StoreError> for FeedbackRefusal {
    fn from(e: StoreError) -> Self {
        FeedbackRefusal::Store(e)
    }
}

impl From<sqlx::Error> for FeedbackRefusal {
    fn from(e: sqlx::Error) -> Self {
        FeedbackRefusal::Store(e.into())
    }
}

/// A row of the tracking query (own or folded submission, joined to its subject).
#[derive(sqlx::FromRow)]
struct TrackingRow {
    tracking_code: String,
    created_at: String,
    subject_type: String,
    content: String,
    status: String,
    answer: String,
    answered_at: Option<String>,
    reg_name: Option<String>,
    model_name: Option<String>,
}

/// What a citizen sees when following their feedback by its code.
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackTracking {
    pub tracking_code: String,
    /// Whose registration (without its year) or which model (`SubjectName::label` words it).
    pub subject_name: SubjectName,
    /// Empty for a folded submission until the feedback it was folded into is published (that text is
    /// another citizen's).
    pub content: String,
    /// Folded into an earlier near-identical feedback: status and answer are that feedback's.
    pub folded: bool,
    pub received_on: NaiveDate,
    /// Answered, waiting for an answer, or not published by the unit.
    pub state: TrackingState,
    pub answer: String,
    pub answered_on: Option<NaiveDate>,
}

/// A citizen's answer on an item.
#[derive(Debug)]
pub enum CitizenAnswerOutcome {
    Recorded,
    /// This device already answered on this item.
    AlreadyAnswered,
    /// Not yet past the deadline, or not a published item.
    NotOpen,
    RateLimited {
        retry_after: i64,
    },
}

/// The portal's handle: public reads and citizens' writes only.
#[derive(Clone)]
pub struct Portal {
    db: Db,
}

impl Db {
    /// The public portal's view of this database.
    pub fn portal(&self) -> Portal {
        Portal { db: self.clone() }
    }
}

fn portal_type_list() -> String {
    PORTAL_UNIT_TYPES
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn date_of(ts: &str) -> Option<NaiveDate> {
    ts.get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The part of a client address that identifies one subscriber: an IPv4 address, or the /64 network of
/// an IPv6 address (one household or phone gets a whole /64). Login throttling counts addresses the
/// same way.
pub(crate) fn address_group(address: &str) -> String {
    match address.trim().parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Ok(ip) => ip.to_string(),
        Err(_) => address.trim().to_string(),
    }
}

/// The hash under which an address or a device is counted (never stored in clear).
fn client_key(kind: &str, value: &str) -> String {
    let h = crate::accounts::token_hash(&format!("lamtheo-public:{kind}:{value}"));
    h.get(..32).unwrap_or(&h).to_string()
}

/// Is `path` inside one of `lower` (the own area of a portal unit excludes lower portal units)?
fn in_lower(path: &str, lower: &[String]) -> bool {
    lower.iter().any(|l| path.starts_with(l.as_str()))
}

/// A registration on the portal: the newest published version of a member's registration for a year. While
/// a new version is being written and approved the published one stays up; it is replaced when the new
/// one is published.
const PUB_REG: &str = "r.status = 'published' AND NOT EXISTS (SELECT 1 FROM registrations n \
    WHERE n.member_id = r.member_id AND n.year = r.year AND n.status = 'published' AND n.id > r.id)";

impl Portal {
    async fn units_where(&self, cond: &mut Sql) -> Result<Vec<PortalUnit>> {
        let rows = cond.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(sql::from_row).collect()
    }

    fn unit_sql() -> Sql {
        Sql::new(&format!(
            "SELECT code, name, unit_type, path FROM units WHERE unit_type IN ({}) AND valid_to IS NULL",
            portal_type_list()
        ))
    }

    /// Fills the counts of each unit: published registrations of `year` and public models in its subtree.
    async fn count_into(&self, units: &mut [PortalUnit], year: Option<i32>) -> Result<()> {
        if units.is_empty() {
            return Ok(());
        }
        let common = common_prefix(units.iter().map(|u| u.path.as_str()));
        let mut regs: Vec<(String, i64)> = Vec::new();
        if let Some(y) = year {
            let mut q = Sql::new(&format!(
                "SELECT r.unit_path AS path, COUNT(*) AS n FROM registrations r WHERE {PUB_REG} AND r.year = "
            ));
            q.int(i64::from(y))
                .push(" AND ")
                .subtree("r.unit_path", &common);
            q.push(" GROUP BY r.unit_path");
            for r in q.query().fetch_all(&self.db.pool).await? {
                regs.push((get(&r, "path")?, get(&r, "n")?));
            }
        }
        let mut q = Sql::new(
            "SELECT m.unit_path AS path, COUNT(*) AS n FROM models m WHERE m.is_public = 1 AND ",
        );
        q.subtree("m.unit_path", &common)
            .push(" GROUP BY m.unit_path");
        let mut models: Vec<(String, i64)> = Vec::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            models.push((get(&r, "path")?, get(&r, "n")?));
        }
        for u in units.iter_mut() {
            u.registrations = regs
                .iter()
                .filter(|(p, _)| p.starts_with(u.path.as_str()))
                .map(|(_, n)| n)
                .sum();
            u.models = models
                .iter()
                .filter(|(p, _)| p.starts_with(u.path.as_str()))
                .map(|(_, n)| n)
                .sum();
        }
        Ok(())
    }

    /// The newest year with a published registration anywhere.
    async fn latest_year(&self, under: &str) -> Result<Option<i32>> {
        let mut q = Sql::new(&format!(
            "SELECT MAX(r.year) AS y FROM registrations r WHERE {PUB_REG} AND "
        ));
        q.subtree("r.unit_path", under);
        let row = q.query().fetch_one(&self.db.pool).await?;
        let y: Option<i64> = get(&row, "y")?;
        Ok(y.and_then(|y| i32::try_from(y).ok()))
    }

    /// Portal units directly below `path` (the next portal level, skipping other unit types).
    async fn children_of(&self, path: &str) -> Result<Vec<PortalUnit>> {
        let mut q = Self::unit_sql();
        q.push(" AND ").subtree("path", path);
        q.push(" AND path <> ").text(path);
        q.push(" ORDER BY path");
        let all = self.units_where(&mut q).await?;
        // Keep those with no portal unit between them and `path`.
        let mut out: Vec<PortalUnit> = Vec::new();
        for u in all {
            if !out.iter().any(|o| u.path.starts_with(o.path.as_str())) {
                out.push(u);
            }
        }
        // Committees (wards, communes, agencies' committees) before grassroots cells; "Phường 4" before
        // "Phường 10".
        out.sort_by_cached_key(|u| {
            (
                u.unit_type == "grassroots_cell",
                domain::text::natural_key(&u.name),
            )
        });
        Ok(out)
    }

    /// The home page: the top portal units, each with the portal units right below it.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "portal.home"))]
    pub async fn home(&self) -> Result<Vec<(PortalUnit, Vec<PortalUnit>)>> {
        let mut q = Self::unit_sql();
        q.push(" ORDER BY depth, path");
        let all = self.units_where(&mut q).await?;
        let mut roots: Vec<PortalUnit> = Vec::new();
        for u in all {
            if !roots.iter().any(|r| u.path.starts_with(r.path.as_str())) {
                roots.push(u);
            }
        }
        let year = self.latest_year("/").await?;
        let mut out = Vec::new();
        for mut r in roots {
            let mut children = self.children_of(&r.path).await?;
            self.count_into(std::slice::from_mut(&mut r), year).await?;
            self.count_into(&mut children, year).await?;
            out.push((r, children));
        }
        Ok(out)
    }

    async fn portal_unit(&self, code: &str) -> Result<PortalUnit> {
        let mut q = Self::unit_sql();
        q.push(" AND code = ").text(code);
        self.units_where(&mut q)
            .await?
            .into_iter()
            .next()
            .ok_or(StoreError::NotFound)
    }

    /// The portal unit whose page shows something stored under `path`: the deepest portal unit above it.
    async fn owner_of(&self, path: &str) -> Result<Option<PortalUnit>> {
        let ancestors = crate::campaign::ancestor_paths(path);
        if ancestors.is_empty() {
            return Ok(None);
        }
        let mut q = Self::unit_sql();
        q.push(" AND path IN (");
        for (i, a) in ancestors.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.text(a.clone());
        }
        q.push(") ORDER BY depth DESC");
        Ok(self.units_where(&mut q).await?.into_iter().next())
    }

    async fn ancestors_of(&self, path: &str) -> Result<Vec<PortalUnit>> {
        let ancestors = crate::campaign::ancestor_paths(path);
        let mut q = Self::unit_sql();
        q.push(" AND path IN (");
        let mut any = false;
        for a in ancestors.iter().filter(|a| a.as_str() != path) {
            if any {
                q.push(", ");
            }
            any = true;
            q.text(a.clone());
        }
        if !any {
            return Ok(Vec::new());
        }
        q.push(") ORDER BY depth");
        self.units_where(&mut q).await
    }

    /// Paths of the portal units strictly inside `path` (their content is not in `path`'s own area).
    async fn lower_portal_paths(&self, path: &str) -> Result<Vec<String>> {
        let mut q = Sql::new(&format!(
            "SELECT path FROM units WHERE unit_type IN ({}) AND valid_to IS NULL AND ",
            portal_type_list()
        ));
        q.subtree("path", path).push(" AND path <> ").text(path);
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(|r| get(r, "path")).collect()
    }

    /// A portal unit and the paths of the portal units inside it (whose content is not in its own area).
    async fn area(&self, code: &str) -> Result<(PortalUnit, Vec<String>)> {
        let unit = self.portal_unit(code).await?;
        let lower = self.lower_portal_paths(&unit.path).await?;
        Ok((unit, lower))
    }

    /// Years with published registrations in a unit's own area, newest first.
    async fn own_years(&self, unit: &PortalUnit, lower: &[String]) -> Result<Vec<i32>> {
        let mut q = Sql::new(&format!(
            "SELECT r.year AS y, r.unit_path AS path FROM registrations r WHERE {PUB_REG} AND "
        ));
        q.subtree("r.unit_path", &unit.path);
        let mut years: Vec<i32> = Vec::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            let p: String = get(&r, "path")?;
            let y = sql::year(get(&r, "y")?);
            if !in_lower(&p, lower) && !years.contains(&y) {
                years.push(y);
            }
        }
        years.sort_unstable_by(|a, b| b.cmp(a));
        Ok(years)
    }

    /// Years with published registrations on a unit's page, newest first (`NotFound` for a unit that
    /// has no page).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.published_years")
    )]
    pub async fn published_years(&self, code: &str) -> Result<Vec<i32>> {
        let (unit, lower) = self.area(code).await?;
        self.own_years(&unit, &lower).await
    }

    /// Public models owned in a unit's own area.
    async fn own_models(&self, unit: &PortalUnit, lower: &[String]) -> Result<Vec<PublicModel>> {
        let mut models = self
            .db
            .models()
            .public_models(&PublicModelFilter {
                unit_path: Some(unit.path.clone()),
                limit: 5000,
                ..Default::default()
            })
            .await?;
        // PublicModel carries no path: keep those whose owner is not inside a lower portal unit.
        let model_paths = self.model_paths(&models).await?;
        models.retain(|m| model_paths.get(&m.id).is_some_and(|p| !in_lower(p, lower)));
        Ok(models)
    }

    /// A unit's page. `year` None = the newest year with published registrations in its own area.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.unit_page")
    )]
    pub async fn unit_page(&self, code: &str, year: Option<i32>) -> Result<PortalUnitPage> {
        let (mut unit, lower) = self.area(code).await?;
        let years = self.own_years(&unit, &lower).await?;
        let year = match year {
            Some(y) if years.contains(&y) => Some(y),
            Some(_) => return Err(StoreError::NotFound),
            None => years.first().copied(),
        };
        let registrations = match year {
            Some(y) => {
                let mut q = Sql::new(&format!("{REG_SELECT} WHERE {PUB_REG} AND r.year = "));
                q.int(i64::from(y))
                    .push(" AND ")
                    .subtree("r.unit_path", &unit.path);
                let mut regs = self.registrations(&mut q).await?;
                regs.retain(|r| !in_lower(&r.1, &lower));
                let mut out = self
                    .finish(regs, Owners::Fixed(&unit.code, &unit.name))
                    .await?;
                // Leaders first, then Vietnamese name order.
                out.sort_by(|a, b| {
                    a.0.cmp(&b.0)
                        .then_with(|| a.1.cmp(&b.1))
                        .then_with(|| a.2.id.cmp(&b.2.id))
                });
                out.into_iter().map(|(_, _, r)| r).collect()
            }
            None => Vec::new(),
        };
        let models = self.own_models(&unit, &lower).await?;
        let feedback = self
            .answered_feedback(FeedbackWhere::Area(&unit.path, &lower))
            .await?;
        let ancestors = self.ancestors_of(&unit.path).await?;
        let mut children = self.children_of(&unit.path).await?;
        let latest = self.latest_year("/").await?;
        self.count_into(&mut children, latest).await?;
        self.count_into(std::slice::from_mut(&mut unit), latest)
            .await?;
        let unit_id: i64 = sqlx::query("SELECT id FROM units WHERE path = $1 AND valid_to IS NULL")
            .bind(unit.path.clone())
            .fetch_one(&self.db.pool)
            .await
            .map(|r| get(&r, "id"))??;
        let commendations = self.db.commendations().public_of_unit(unit_id).await?;
        let (recognitions, classifications) = self.unit_decisions(unit_id).await?;
        Ok(PortalUnitPage {
            unit,
            ancestors,
            children,
            year,
            years,
            registrations,
            models,
            feedback,
            commendations,
            recognitions,
            classifications,
        })
    }

    /// A unit's recognitions in force today and its classifications decided by today, newest first: set
    /// title (or classification title), decision number, day and issuing body, nothing else.
    async fn unit_decisions(
        &self,
        unit_id: i64,
    ) -> Result<(Vec<PublicRecognition>, Vec<PublicClassification>)> {
        let today = crate::date_str(self.db.today());
        let rows = sqlx::query(
            "SELECT s.title, r.decision_number, r.decided_on, r.issued_by \
             FROM criteria_recognitions r JOIN criteria_sets s ON s.id = r.set_id \
             WHERE r.unit_id = $1 AND r.decided_on <= $2 AND (r.withdrawn_on IS NULL OR r.withdrawn_on > $2) \
             ORDER BY r.decided_on DESC, r.id DESC",
        )
        .bind(unit_id)
        .bind(today.clone())
        .fetch_all(&self.db.pool)
        .await?;
        let mut recognitions = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(decided_on) = parse_opt_date(get(&r, "decided_on")?)? else {
                continue;
            };
            recognitions.push(PublicRecognition {
                set_title: get(&r, "title")?,
                decision_number: get(&r, "decision_number")?,
                decided_on,
                issued_by: get(&r, "issued_by")?,
            });
        }
        let rows = sqlx::query(
            "SELECT title, decision_number, decided_on, issued_by FROM unit_classifications \
             WHERE unit_id = $1 AND decided_on <= $2 ORDER BY decided_on DESC, id DESC",
        )
        .bind(unit_id)
        .bind(today)
        .fetch_all(&self.db.pool)
        .await?;
        let mut classifications = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(decided_on) = parse_opt_date(get(&r, "decided_on")?)? else {
                continue;
            };
            classifications.push(PublicClassification {
                title: get(&r, "title")?,
                decision_number: get(&r, "decision_number")?,
                decided_on,
                issued_by: get(&r, "issued_by")?,
            });
        }
        Ok((recognitions, classifications))
    }

    /// A member's decided commendations for their published registration page, each with the number of
    /// other members it names.
    async fn member_commendations(&self, member_id: i64) -> Result<Vec<MemberCommendation>> {
        let list = self.db.commendations().public_of_member(member_id).await?;
        let mut others: HashMap<i64, i64> = HashMap::new();
        for chunk in list.chunks(400) {
            let ids = chunk
                .iter()
                .map(|c| c.id.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            // Ids are integers read from the database: safe to inline.
            let q = format!(
                "SELECT commendation_id, COUNT(*) AS n FROM commendation_recipients \
                 WHERE member_id IS NOT NULL AND member_id <> {member_id} AND commendation_id IN ({ids}) \
                 GROUP BY commendation_id"
            );
            for r in sqlx::query(&q).fetch_all(&self.db.pool).await? {
                others.insert(get(&r, "commendation_id")?, get(&r, "n")?);
            }
        }
        Ok(list
            .into_iter()
            .map(|c| MemberCommendation {
                other_members: others.get(&c.id).copied().unwrap_or(0),
                commendation: c,
            })
            .collect())
    }

    async fn model_paths(&self, models: &[PublicModel]) -> Result<HashMap<i64, String>> {
        let mut out = HashMap::new();
        for chunk in models.chunks(500) {
            let mut q = Sql::new("SELECT id, unit_path FROM models WHERE id IN (");
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(m.id);
            }
            q.push(")");
            for r in q.query().fetch_all(&self.db.pool).await? {
                out.insert(get::<i64>(&r, "id")?, get::<String>(&r, "unit_path")?);
            }
        }
        Ok(out)
    }

    /// Reads registrations: (row, unit_path, member id).
    async fn registrations(&self, q: &mut Sql) -> Result<Vec<(RegRow, String)>> {
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| {
                let row = RegRow::of(r)?;
                let path = row.unit_path.clone();
                Ok((row, path))
            })
            .collect()
    }

    /// Adds positions, items, completion and the portal unit; returns (position rank, name sort key,
    /// reg) for listing leaders first (`domain::registration::position_rank`).
    async fn finish(
        &self,
        regs: Vec<(RegRow, String)>,
        portal_unit: Owners<'_>,
    ) -> Result<Vec<(u8, String, PublicRegistration)>> {
        if regs.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.db.today();
        let mut positions: HashMap<i64, Vec<String>> = HashMap::new();
        let mut items: HashMap<i64, Vec<PublicItem>> = HashMap::new();
        let mut tallies: HashMap<i64, CitizenTally> = HashMap::new();
        for chunk in regs.chunks(400) {
            let mut q = Sql::new("SELECT member_id, title FROM positions WHERE member_id IN (");
            for (i, (r, _)) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(r.member_id);
            }
            q.push(") ORDER BY member_id, head DESC, sort_order, id");
            for row in q.query().fetch_all(&self.db.pool).await? {
                positions
                    .entry(get(&row, "member_id")?)
                    .or_default()
                    .push(get(&row, "title")?);
            }
            let ids = chunk
                .iter()
                .map(|(r, _)| r.id.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            // Ids are integers read from the database: safe to inline.
            let q = format!(
                "SELECT c.item_id, c.answer, COUNT(DISTINCT c.address_hash) AS n FROM citizen_answers c \
                 JOIN registration_items i ON i.id = c.item_id WHERE i.registration_id IN ({ids}) \
                 GROUP BY c.item_id, c.answer"
            );
            for row in sqlx::query(&q).fetch_all(&self.db.pool).await? {
                let a: String = get(&row, "answer")?;
                if let Some(a) = CitizenAnswer::parse(&a) {
                    tallies
                        .entry(get(&row, "item_id")?)
                        .or_default()
                        .add(a, get(&row, "n")?);
                }
            }
            let q = format!(
                "SELECT i.id, i.registration_id, i.position, i.kind, i.content, i.target, i.deadline, \
                 i.midyear_outcome, i.yearend_outcome, i.assessed_outcome, r.year \
                 FROM registration_items i JOIN registrations r ON r.id = i.registration_id \
                 WHERE i.registration_id IN ({ids}) ORDER BY i.registration_id, i.position"
            );
            for row in sqlx::query(&q).fetch_all(&self.db.pool).await? {
                let row: PublicItemCols = sql::from_row(&row)?;
                let tally = tallies.get(&row.id).copied().unwrap_or_default();
                items
                    .entry(row.registration_id)
                    .or_default()
                    .push(row.into_item(tally, today)?);
            }
        }
        let mut out = Vec::with_capacity(regs.len());
        for (r, path) in regs {
            let (pu_code, pu_name) = match portal_unit {
                Owners::Fixed(c, n) => (c.to_string(), n.to_string()),
                Owners::Among(units) => units
                    .iter()
                    .filter(|u| path.starts_with(u.path.as_str()))
                    .max_by_key(|u| u.path.len())
                    .map(|u| (u.code.clone(), u.name.clone()))
                    .unwrap_or_default(),
                Owners::Lookup => match self.owner_of(&path).await? {
                    Some(u) => (u.code, u.name),
                    None => (String::new(), String::new()),
                },
            };
            let mut titles = positions.remove(&r.member_id).unwrap_or_default();
            titles.sort_by_key(|t| domain::registration::position_rank(t));
            let mut seen = std::collections::HashSet::new();
            titles.retain(|t| seen.insert(t.clone()));
            let rank = titles
                .first()
                .map(|t| domain::registration::position_rank(t))
                .unwrap_or(if r.head { 6 } else { 9 });
            let position = titles.into_iter().take(2).collect::<Vec<_>>().join(", ");
            let sort = domain::text::name_sort_key(&r.name);
            out.push((
                rank,
                sort,
                PublicRegistration {
                    id: r.id,
                    name: r.name,
                    position,
                    year: r.year,
                    organisation: r.unit_name,
                    portal_unit: pu_code,
                    portal_unit_name: pu_name,
                    published_on: r.published_at.as_deref().and_then(date_of),
                    items: items.remove(&r.id).unwrap_or_default(),
                },
            ));
        }
        Ok(out)
    }

    /// One published registration (current version only).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.registration_page")
    )]
    pub async fn registration_page(&self, id: i64) -> Result<PortalRegistrationPage> {
        let registration = self.public_registration(id).await?;
        let feedback = self
            .answered_feedback(FeedbackWhere::Subject(SubjectType::Registration, id))
            .await?;
        let member_id: i64 = sqlx::query("SELECT member_id FROM registrations WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .map(|r| get(&r, "member_id"))??;
        let commendations = self.member_commendations(member_id).await?;
        Ok(PortalRegistrationPage {
            registration,
            feedback,
            commendations,
        })
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.public_registration")
    )]
    pub async fn public_registration(&self, id: i64) -> Result<PublicRegistration> {
        let mut q = Sql::new(&format!("{REG_SELECT} WHERE {PUB_REG} AND r.id = "));
        q.int(id);
        let regs = self.registrations(&mut q).await?;
        self.finish(regs, Owners::Lookup)
            .await?
            .into_iter()
            .next()
            .map(|(_, _, r)| r)
            .ok_or(StoreError::NotFound)
    }

    /// Published registrations of a unit's own area for a period's bulletin: those of the years the
    /// period touches, newest year first, leaders first.
    async fn bulletin_registrations(
        &self,
        unit: &PortalUnit,
        lower: &[String],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<PublicRegistration>> {
        use chrono::Datelike;
        let mut q = Sql::new(&format!("{REG_SELECT} WHERE {PUB_REG} AND r.year >= "));
        q.int(i64::from(from.year()))
            .push(" AND r.year <= ")
            .int(i64::from(to.year()))
            .push(" AND ")
            .subtree("r.unit_path", &unit.path);
        let mut regs = self.registrations(&mut q).await?;
        regs.retain(|r| !in_lower(&r.1, lower));
        let mut out = self
            .finish(regs, Owners::Fixed(&unit.code, &unit.name))
            .await?;
        out.sort_by(|a, b| {
            b.2.year
                .cmp(&a.2.year)
                .then_with(|| a.0.cmp(&b.0))
                .then_with(|| a.1.cmp(&b.1))
        });
        Ok(out.into_iter().map(|(_, _, r)| r).collect())
    }

    /// Answered feedback counts of a unit's own area in a period: (answered, still open).
    async fn feedback_counts(
        &self,
        unit: &PortalUnit,
        lower: &[String],
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<(usize, usize)> {
        // The period is in Vietnam time (UTC+7); timestamps are stored in UTC.
        let start = |d: NaiveDate| {
            ts(d.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(7))
        };
        let end = start(to + chrono::Duration::days(1));
        let mut q =
            Sql::new("SELECT unit_path, status, answered_at FROM feedback WHERE created_at >= ");
        q.text(start(from))
            .push(" AND created_at < ")
            .text(end.clone())
            .push(" AND status IN ('pending', 'approved') AND ")
            .subtree("unit_path", &unit.path);
        let (mut answered, mut open) = (0, 0);
        for r in q.query().fetch_all(&self.db.pool).await? {
            let p: String = get(&r, "unit_path")?;
            if in_lower(&p, lower) {
                continue;
            }
            // Answered by the end of the period; a later answer leaves it open as of then.
            let a: Option<String> = get(&r, "answered_at")?;
            if a.is_some_and(|a| a < end) {
                answered += 1;
            } else {
                open += 1;
            }
        }
        Ok((answered, open))
    }

    /// Everything a loudspeaker bulletin of a unit's own area says for a period: the published
    /// registrations of the years the period touches, the models' results measured in the period (or
    /// their latest before it), and the feedback counts. `portal_url` is the unit page's address.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.bulletin_input")
    )]
    pub async fn bulletin_input(
        &self,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
        portal_url: &str,
    ) -> Result<domain::bulletin::BulletinInput> {
        use domain::bulletin::{
            BulletinInput, BulletinItem, BulletinModelResult, BulletinRegistration,
        };
        let (unit, lower) = self.area(code).await?;
        let parent_name = self
            .ancestors_of(&unit.path)
            .await?
            .pop()
            .map(|u| u.name)
            .unwrap_or_default();
        let registrations = self
            .bulletin_registrations(&unit, &lower, from, to)
            .await?
            .into_iter()
            .map(|r| BulletinRegistration {
                name: r.name,
                position: r.position,
                year: r.year,
                items: r
                    .items
                    .into_iter()
                    .map(|i| BulletinItem {
                        content: i.content,
                        target: i.target,
                        deadline: i.deadline,
                        // "Đã hoàn thành, người dân xác nhận": readable aloud, and it sits inside
                        // the bulletin's own brackets.
                        progress: i.completion.spoken_label(),
                    })
                    .collect(),
            })
            .collect();
        let mut model_results = Vec::new();
        for m in self.own_models(&unit, &lower).await? {
            let m = self.db.models().public_model(m.id).await?;
            let before: Vec<_> = m.results.iter().filter(|r| r.measured_on <= to).collect();
            let in_period: Vec<_> = before
                .iter()
                .filter(|r| r.measured_on >= from)
                .copied()
                .collect();
            let chosen = if in_period.is_empty() {
                before
                    .iter()
                    .max_by_key(|r| r.measured_on)
                    .map(|r| vec![*r])
                    .unwrap_or_default()
            } else {
                in_period
            };
            for r in chosen {
                model_results.push(BulletinModelResult {
                    model_name: m.model.name.clone(),
                    owner_unit: m.model.unit.name.clone(),
                    indicator: r.indicator.clone(),
                    value: r.value,
                    unit: r.unit.clone(),
                    measured_on: r.measured_on,
                });
            }
        }
        let (feedback_answered, feedback_open) =
            self.feedback_counts(&unit, &lower, from, to).await?;
        Ok(BulletinInput {
            unit_name: unit.name,
            parent_name,
            from,
            to,
            issued_on: self.db.today(),
            portal_url: portal_url.to_string(),
            registrations,
            model_results,
            feedback_answered,
            feedback_open,
        })
    }

    /// A public model's page.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.model_page")
    )]
    pub async fn model_page(&self, id: i64) -> Result<PortalModelPage> {
        let model = self.db.models().public_model(id).await?;
        let path: String = sqlx::query("SELECT unit_path FROM models WHERE id = $1")
            .bind(id)
            .fetch_one(&self.db.pool)
            .await
            .map(|r| get(&r, "unit_path"))??;
        let portal_unit = self.owner_of(&path).await?;
        let feedback = self
            .answered_feedback(FeedbackWhere::Subject(SubjectType::Model, id))
            .await?;
        let commendations = self.db.commendations().public_of_model(id).await?;
        Ok(PortalModelPage {
            model,
            portal_unit,
            feedback,
            commendations,
        })
    }

    /// A public model's photo (content type, bytes).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.model_photo")
    )]
    pub async fn model_photo(
        &self,
        model_id: i64,
        photo_id: i64,
        thumbnail: bool,
    ) -> Result<(String, Vec<u8>)> {
        self.db
            .models()
            .public_model_photo(model_id, photo_id, thumbnail)
            .await
    }

    async fn answered_feedback(&self, w: FeedbackWhere<'_>) -> Result<Vec<PublicFeedback>> {
        let mut q = Sql::new(&format!(
            "SELECT f.id, f.subject_type, f.subject_id, f.unit_path, f.content, f.answer, f.created_at, \
             f.answered_at, m.full_name AS reg_name, r.year AS reg_year, mo.name AS model_name \
             FROM feedback f \
             LEFT JOIN registrations r ON f.subject_type = 'registration' AND r.id = f.subject_id \
               AND {PUB_REG} \
             LEFT JOIN members m ON m.id = r.member_id \
             LEFT JOIN models mo ON f.subject_type = 'model' AND mo.id = f.subject_id AND mo.is_public = 1 \
             WHERE f.status = 'approved' AND f.answered_at IS NOT NULL AND (r.id IS NOT NULL OR mo.id IS NOT NULL)"
        ));
        let lower: &[String] = match &w {
            FeedbackWhere::Area(path, lower) => {
                q.push(" AND ").subtree("f.unit_path", path);
                lower
            }
            FeedbackWhere::Subject(t, id) => {
                q.push(" AND f.subject_type = ")
                    .text(t.as_str())
                    .push(" AND f.subject_id = ")
                    .int(*id);
                &[]
            }
        };
        // The own-area filter runs on the rows (lower units' paths can be thousands), so the newest 100 are
        // taken after it.
        q.push(" ORDER BY f.answered_at DESC, f.id DESC");
        let mut out = Vec::new();
        for r in q.query().fetch_all(&self.db.pool).await? {
            if out.len() >= 100 {
                break;
            }
            let row: AnsweredCols = sql::from_row(&r)?;
            if in_lower(&row.unit_path, lower) {
                continue;
            }
            out.extend(row.into_public());
        }
        Ok(out)
    }

    /// Everything the search can find: portal units, published registrations (current year and the
    /// year before), public models.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.search_docs")
    )]
    pub async fn search_docs(&self) -> Result<Vec<SearchDoc>> {
        let mut docs = Vec::new();
        let mut q = Self::unit_sql();
        let units = self.units_where(&mut q).await?;
        for u in &units {
            docs.push(SearchDoc {
                kind: "unit",
                href: format!("/cong-khai/don-vi/{}", u.code),
                fold: domain::text::fold(&u.name),
                title: u.name.clone(),
                year: None,
                unit_name: String::new(),
            });
        }
        if let Some(latest) = self.latest_year("/").await? {
            let mut q = Sql::new(&format!("{REG_SELECT} WHERE {PUB_REG} AND r.year >= "));
            q.int(i64::from(latest - 1));
            let regs = self.registrations(&mut q).await?;
            for (_, _, r) in self.finish(regs, Owners::Among(&units)).await? {
                let mut text = format!("{} {} {}", r.name, r.position, r.portal_unit_name);
                for i in &r.items {
                    text.push(' ');
                    text.push_str(&i.content);
                }
                docs.push(SearchDoc {
                    kind: "registration",
                    href: format!("/cong-khai/dang-ky/{}", r.id),
                    fold: domain::text::fold(&text),
                    // Without a post the unit says who the person is (never a dangling dash).
                    title: if r.position.trim().is_empty() {
                        format!("{} — {}", r.name, r.portal_unit_name)
                    } else {
                        format!("{} — {}", r.name, r.position)
                    },
                    year: Some(r.year),
                    unit_name: r.portal_unit_name.clone(),
                });
            }
        }
        for m in self
            .db
            .models()
            .public_models(&PublicModelFilter::default())
            .await?
        {
            docs.push(SearchDoc {
                kind: "model",
                href: format!("/cong-khai/mo-hinh/{}", m.id),
                fold: domain::text::fold(&format!(
                    "{} {} {} {}",
                    m.name, m.field, m.description, m.unit.name
                )),
                title: m.name,
                year: None,
                unit_name: m.unit.name,
            });
        }
        Ok(docs)
    }

    /// Counts one public write from `key` in the window; Err(retry_after) past `limit`. The counter
    /// lives in the database, so every instance sharing it sees the same count.
    async fn hit(&self, key: &str, limit: i64) -> Result<std::result::Result<(), i64>> {
        let now = self.db.now();
        let floor = ts(now - chrono::Duration::seconds(fb::RATE_WINDOW_SECS));
        let mut w = self.db.write_quiet().await?;
        let row = sqlx::query(
            "INSERT INTO public_rate (key, hits, window_start) VALUES ($1, 1, $2) \
             ON CONFLICT (key) DO UPDATE SET \
               hits = CASE WHEN public_rate.window_start < $3 THEN 1 ELSE public_rate.hits + 1 END, \
               window_start = CASE WHEN public_rate.window_start < $3 THEN $2 ELSE public_rate.window_start END \
             RETURNING hits, window_start",
        )
        .bind(key.to_string())
        .bind(ts(now))
        .bind(floor)
        .fetch_one(&mut *w.tx)
        .await?;
        let hits: i64 = get(&row, "hits")?;
        let start: String = get(&row, "window_start")?;
        w.commit().await?;
        if hits > limit {
            let retry = parse_ts(&start)
                .map(|s| {
                    (s + chrono::Duration::seconds(fb::RATE_WINDOW_SECS) - now)
                        .num_seconds()
                        .max(1)
                })
                .unwrap_or(fb::RATE_WINDOW_SECS);
            return Ok(Err(retry));
        }
        Ok(Ok(()))
    }

    /// The unit (id, path) that owns a public subject, or None when it is not on the portal.
    async fn subject_owner(&self, t: SubjectType, id: i64) -> Result<Option<(i64, String)>> {
        let sql = match t {
            SubjectType::Registration => {
                format!(
                    "SELECT unit_id, unit_path FROM registrations r WHERE r.id = $1 AND {PUB_REG}"
                )
            }
            SubjectType::Model => {
                "SELECT unit_id, unit_path FROM models WHERE id = $1 AND is_public = 1".to_string()
            }
        };
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?;
        row.map(|r| Ok((get(&r, "unit_id")?, get(&r, "unit_path")?)))
            .transpose()
    }

    /// A citizen's feedback: checked, rate-limited per address, routed to the subject's unit, waiting
    /// for moderation.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.submit_feedback")
    )]
    pub async fn submit_feedback(
        &self,
        s: &FeedbackSubmission,
    ) -> std::result::Result<FeedbackReceipt, FeedbackRefusal> {
        // Mistakes cost nothing: only a submission that would be stored counts against the address's
        // limit (and a filled honeypot, so bots are slowed down too).
        let subject = SubjectType::parse(&s.subject_type).ok_or(FeedbackRefusal::NoSubject)?;
        let text = fb::check_feedback(&s.content, s.name.as_deref(), s.contact.as_deref())
            .map_err(FeedbackRefusal::Invalid)?;
        let (unit_id, unit_path) = self
            .subject_owner(subject, s.subject_id)
            .await?
            .ok_or(FeedbackRefusal::NoSubject)?;
        let key = client_key("feedback", &address_group(&s.address));
        if let Err(retry_after) = self.hit(&key, fb::RATE_LIMIT).await? {
            return Err(FeedbackRefusal::RateLimited { retry_after });
        }
        if s.honeypot.as_deref().is_some_and(|h| !h.trim().is_empty()) {
            tracing::info!("feedback honeypot filled; dropped");
            return Err(FeedbackRefusal::Trap);
        }
        let now = self.db.now();
        // Pending feedback is not shown anywhere public: the portal's cache stays.
        let mut w = self.db.write_quiet().await?;
        if let Some(receipt) = self
            .fold_duplicate(&mut w.tx, subject, s.subject_id, &text, &key, now)
            .await?
        {
            w.commit().await?;
            return Ok(receipt);
        }
        let code = tracking_code();
        let row = sqlx::query(
            "INSERT INTO feedback (tracking_code, subject_type, subject_id, unit_id, unit_path, content, name, contact, \
             client_key, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', $10) RETURNING id",
        )
        .bind(code.clone())
        .bind(subject.as_str())
        .bind(s.subject_id)
        .bind(unit_id)
        .bind(unit_path)
        .bind(text.content)
        .bind(text.name)
        .bind(text.contact)
        .bind(key)
        .bind(ts(now))
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        w.commit().await?;
        Ok(FeedbackReceipt {
            id,
            tracking_code: code,
            folded: false,
        })
    }

    /// Folds a submission into near-identical feedback on the same subject from the last
    /// `fb::DUPLICATE_WINDOW_HOURS` (`fb::near_duplicate`): the earlier one's count goes up and the
    /// submission is kept beside it, so a campaign of copies is one queue item that says how many sent
    /// it. None when there is no such feedback. Runs inside the submission's transaction; on PostgreSQL
    /// the subject's row lock makes two identical submissions at the same moment fold one into the other
    /// (SQLite writers are already serialised).
    async fn fold_duplicate(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        subject: SubjectType,
        subject_id: i64,
        text: &fb::FeedbackText,
        key: &str,
        now: DateTime<Utc>,
    ) -> std::result::Result<Option<FeedbackReceipt>, FeedbackRefusal> {
        /// Candidates compared per submission (the newest), so a flood of distinct texts stays cheap.
        const CANDIDATES: i64 = 500;
        if self.db.backend() == crate::Backend::Postgres {
            let lock = match subject {
                SubjectType::Registration => {
                    "SELECT id FROM registrations WHERE id = $1 FOR UPDATE"
                }
                SubjectType::Model => "SELECT id FROM models WHERE id = $1 FOR UPDATE",
            };
            sqlx::query(lock)
                .bind(subject_id)
                .fetch_optional(&mut **tx)
                .await?;
        }
        let since = ts(now - chrono::Duration::hours(fb::DUPLICATE_WINDOW_HOURS));
        let rows = sqlx::query(
            "SELECT id, content, status, answered_at FROM feedback WHERE subject_type = $1 AND subject_id = $2 \
             AND created_at >= $3 ORDER BY id DESC LIMIT $4",
        )
        .bind(subject.as_str())
        .bind(subject_id)
        .bind(since)
        .bind(CANDIDATES)
        .fetch_all(&mut **tx)
        .await?;
        let wanted = fb::duplicate_key(&text.content);
        let mut original = None;
        // The earliest matching one is the original: oldest first (rows come newest first), first match.
        for r in rows.iter().rev() {
            let status = fb::FeedbackStatus::parse(&get::<String>(r, "status")?);
            let answered = get::<Option<String>>(r, "answered_at")?.is_some();
            if !status.is_some_and(|st| fb::folds_into(st, answered)) {
                continue;
            }
            let content: String = get(r, "content")?;
            if fb::near_duplicate(&wanted, &fb::duplicate_key(&content)) {
                original = Some(get::<i64>(r, "id")?);
                break;
            }
        }
        let Some(id) = original else {
            return Ok(None);
        };
        // The sender's own code: another citizen's code would show them that citizen's message.
        let tracking_code = tracking_code();
        sqlx::query("UPDATE feedback SET duplicates = duplicates + 1 WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query(
            "INSERT INTO feedback_duplicates (feedback_id, name, contact, client_key, created_at, tracking_code) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(text.name.clone())
        .bind(text.contact.clone())
        .bind(key.to_string())
        .bind(ts(now))
        .bind(tracking_code.clone())
        .execute(&mut **tx)
        .await?;
        tracing::info!(feedback = id, "near-identical feedback folded");
        Ok(Some(FeedbackReceipt {
            id,
            tracking_code,
            folded: true,
        }))
    }

    /// What a citizen sees when following their feedback, by its own code or by the code a folded
    /// submission received (then: the received date is the submission's, the status and public answer the
    /// feedback's it was folded into, and that feedback's text only once it is published).
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "portal.tracking"))]
    pub async fn tracking(&self, code: &str) -> Result<FeedbackTracking> {
        const COLUMNS: &str = "f.subject_type, f.content, f.status, f.answer, f.answered_at, \
             m.full_name AS reg_name, mo.name AS model_name";
        const SUBJECT: &str =
            "LEFT JOIN registrations r ON f.subject_type = 'registration' AND r.id = f.subject_id \
             LEFT JOIN members m ON m.id = r.member_id \
             LEFT JOIN models mo ON f.subject_type = 'model' AND mo.id = f.subject_id";
        let own = sqlx::query(&format!(
            "SELECT f.tracking_code, f.created_at, {COLUMNS} FROM feedback f {SUBJECT} WHERE f.tracking_code = $1"
        ))
        .bind(code.to_string())
        .fetch_optional(&self.db.pool)
        .await?;
        let (row, folded) = match own {
            Some(row) => (row, false),
            None => {
                let row = sqlx::query(&format!(
                    "SELECT d.tracking_code, d.created_at, {COLUMNS} FROM feedback_duplicates d \
                     JOIN feedback f ON f.id = d.feedback_id {SUBJECT} WHERE d.tracking_code = $1"
                ))
                .bind(code.to_string())
                .fetch_optional(&self.db.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
                (row, true)
            }
        };
        let TrackingRow {
            tracking_code,
            created_at,
            subject_type,
            content,
            status,
            answer,
            answered_at,
            reg_name,
            model_name,
        } = crate::sql::from_row(&row)?;
        let subject_name = if subject_type == "model" {
            SubjectName::Model {
                name: model_name.unwrap_or_default(),
            }
        } else {
            SubjectName::Registration {
                year: None,
                member_name: reg_name.unwrap_or_default(),
            }
        };
        let shown = status == "approved" || status == "pending";
        let (state, answer, answered_on) = match (&answered_at, shown) {
            (Some(a), true) => (
                TrackingState::Answered,
                answer,
                parse_ts(a).ok().map(domain::registration::vn_date),
            ),
            (None, true) => (TrackingState::Waiting, String::new(), None),
            (_, false) => (TrackingState::NotPublished, String::new(), None),
        };
        let published = status == "approved" && answered_at.is_some();
        Ok(FeedbackTracking {
            tracking_code,
            subject_name,
            content: if folded && !published {
                String::new()
            } else {
                content
            },
            folded,
            received_on: parse_ts(&created_at)
                .map(domain::registration::vn_date)
                .unwrap_or_default(),
            state,
            answer,
            answered_on,
        })
    }

    /// A citizen's answer on whether an item was done: once per device, only after the deadline, and
    /// rate-limited per address.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "portal.answer_item")
    )]
    pub async fn answer_item(
        &self,
        item_id: i64,
        answer: CitizenAnswer,
        device: &str,
        address: &str,
    ) -> Result<CitizenAnswerOutcome> {
        let row = sqlx::query(&format!(
            "SELECT i.deadline, r.year FROM registration_items i JOIN registrations r ON r.id = i.registration_id \
             WHERE i.id = $1 AND {PUB_REG}"
        ))
        .bind(item_id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row else {
            return Ok(CitizenAnswerOutcome::NotOpen);
        };
        let deadline = parse_opt_date(get(&row, "deadline")?)?;
        let year = sql::year(get(&row, "year")?);
        if !fb::citizens_may_answer(deadline, year, self.db.today()) {
            return Ok(CitizenAnswerOutcome::NotOpen);
        }
        let group = address_group(address);
        if let Err(retry_after) = self
            .hit(&client_key("answer", &group), fb::RATE_LIMIT * 6)
            .await?
        {
            return Ok(CitizenAnswerOutcome::RateLimited { retry_after });
        }
        let device_hash = client_key("device", device);
        let mut w = self.db.write().await?;
        let done = sqlx::query(
            "INSERT INTO citizen_answers (item_id, device_hash, address_hash, answer, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (item_id, device_hash) DO NOTHING",
        )
        .bind(item_id)
        .bind(device_hash)
        .bind(client_key("address", &group))
        .bind(answer.as_str())
        .bind(ts(self.db.now()))
        .execute(&mut *w.tx)
        .await?
        .rows_affected();
        w.commit().await?;
        Ok(if done == 1 {
            CitizenAnswerOutcome::Recorded
        } else {
            CitizenAnswerOutcome::AlreadyAnswered
        })
    }
}

/// When a new version of a member's registration for a year is published, citizens' feedback on the
/// earlier versions follows it (it is about the member's commitments of that year), and their answers on an
/// item carry over to the new version's item with the same text (a changed item starts afresh). Earlier
/// answers stay with the old items for the record.
pub(crate) async fn carry_over_public_history(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    new_id: i64,
    member_id: i64,
    year: i32,
) -> Result<()> {
    sqlx::query(
        "UPDATE feedback SET subject_id = $1, \
           unit_id = (SELECT unit_id FROM registrations WHERE id = $1), \
           unit_path = (SELECT unit_path FROM registrations WHERE id = $1) \
         WHERE subject_type = 'registration' AND subject_id IN \
         (SELECT id FROM registrations WHERE member_id = $2 AND year = $3 AND id <> $1)",
    )
    .bind(new_id)
    .bind(member_id)
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO citizen_answers (item_id, device_hash, address_hash, answer, created_at) \
         SELECT n.id, c.device_hash, c.address_hash, c.answer, c.created_at FROM citizen_answers c \
         JOIN registration_items o ON o.id = c.item_id \
         JOIN registrations r ON r.id = o.registration_id \
         JOIN registration_items n ON n.registration_id = $1 AND n.content = o.content \
         WHERE r.member_id = $2 AND r.year = $3 AND r.id <> $1 \
         ON CONFLICT (item_id, device_hash) DO NOTHING",
    )
    .bind(new_id)
    .bind(member_id)
    .bind(i64::from(year))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// How `finish` finds the portal unit that lists a registration.
#[derive(Clone, Copy)]
enum Owners<'a> {
    /// All belong to this unit's page (code, name).
    Fixed(&'a str, &'a str),
    /// The deepest of these portal units above the registration.
    Among(&'a [PortalUnit]),
    /// Ask the database (one registration).
    Lookup,
}

enum FeedbackWhere<'a> {
    /// A portal unit's own area: its path and the lower portal units' paths.
    Area(&'a str, &'a [String]),
    Subject(SubjectType, i64),
}

const REG_SELECT: &str = "SELECT r.id, r.member_id, m.full_name AS member_name, u.name AS unit_name, \
    r.unit_path, r.year, r.head, r.published_at FROM registrations r JOIN members m ON m.id = r.member_id \
    JOIN units u ON u.id = r.unit_id";

/// The columns the portal reads of a registration (and nothing else).
struct RegRow {
    id: i64,
    member_id: i64,
    name: String,
    unit_name: String,
    unit_path: String,
    year: i32,
    head: bool,
    published_at: Option<String>,
}

/// The columns of a published registration.
#[derive(sqlx::FromRow)]
struct RegCols {
    id: i64,
    member_id: i64,
    member_name: String,
    unit_name: String,
    unit_path: String,
    year: i64,
    head: i64,
    published_at: Option<String>,
}

impl RowInto for RegCols {
    type Target = RegRow;
    fn convert(self) -> Result<RegRow> {
        Ok(RegRow {
            id: self.id,
            member_id: self.member_id,
            name: self.member_name,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            year: sql::year(self.year),
            head: self.head != 0,
            published_at: self.published_at,
        })
    }
}

impl RegRow {
    fn of(r: &AnyRow) -> Result<RegRow> {
        sql::read::<RegCols>(r)
    }
}

/// An item of a published registration, with the registration's year.
#[derive(sqlx::FromRow)]
struct PublicItemCols {
    id: i64,
    registration_id: i64,
    position: i64,
    kind: String,
    content: String,
    target: String,
    deadline: Option<String>,
    midyear_outcome: Option<String>,
    yearend_outcome: Option<String>,
    assessed_outcome: Option<String>,
    year: i64,
}

impl PublicItemCols {
    /// The item with citizens' answers `tally`, as shown on `today`.
    fn into_item(self, tally: CitizenTally, today: NaiveDate) -> Result<PublicItem> {
        let deadline = parse_opt_date(self.deadline)?;
        let outcome = |s: Option<String>| s.as_deref().and_then(Outcome::parse);
        Ok(PublicItem {
            id: self.id,
            position: self.position,
            exemplary: self.kind == "exemplary",
            content: self.content,
            target: self.target,
            deadline,
            completion: Completion::of(
                outcome(self.midyear_outcome),
                outcome(self.yearend_outcome),
                outcome(self.assessed_outcome),
                tally,
            ),
            citizens_may_answer: fb::citizens_may_answer(deadline, sql::year(self.year), today),
        })
    }
}

/// An answered feedback as `answered_feedback` selects it.
#[derive(sqlx::FromRow)]
struct AnsweredCols {
    id: i64,
    subject_type: String,
    subject_id: i64,
    unit_path: String,
    content: String,
    answer: String,
    created_at: String,
    answered_at: Option<String>,
    #[sqlx(flatten)]
    subject: crate::feedback::SubjectCols,
}

impl AnsweredCols {
    /// The feedback as the portal shows it; none when its subject type or a timestamp is unreadable
    /// (such rows are left out).
    fn into_public(self) -> Option<PublicFeedback> {
        let subject_type = SubjectType::parse(&self.subject_type)?;
        let answered = self.answered_at.unwrap_or_default();
        let (Ok(rc), Ok(an)) = (parse_ts(&self.created_at), parse_ts(&answered)) else {
            return None;
        };
        Some(PublicFeedback {
            id: self.id,
            subject_type,
            subject_id: self.subject_id,
            subject_name: self.subject.name(subject_type),
            content: self.content,
            received_on: domain::registration::vn_date(rc),
            answer: self.answer,
            answered_on: domain::registration::vn_date(an),
            response_days: fb::response_days(rc, an),
        })
    }
}

fn common_prefix<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut out: Option<String> = None;
    for p in paths {
        out = Some(match out {
            None => p.to_string(),
            Some(o) => {
                let mut end = 0;
                for (i, (a, b)) in o.bytes().zip(p.bytes()).enumerate() {
                    if a != b {
                        break;
                    }
                    if a == b'/' {
                        end = i + 1;
                    }
                }
                o[..end].to_string()
            }
        });
    }
    out.unwrap_or_else(|| "/".to_string())
}

/// A code a citizen can keep to follow their feedback: 10 letters and digits without look-alikes.
fn tracking_code() -> String {
    use domain::feedback::{TRACKING_ALPHABET as ALPHABET, TRACKING_LEN};
    let raw = crate::accounts::random_token();
    raw.as_bytes()
        .chunks(2)
        .take(TRACKING_LEN)
        .map(|c| {
            let v = c.iter().fold(0usize, |a, b| a * 31 + usize::from(*b));
            char::from(ALPHABET[v % ALPHABET.len()])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(common_prefix(["/1/2/", "/1/3/"].into_iter()), "/1/");
        assert_eq!(common_prefix(["/1/2/"].into_iter()), "/1/2/");
        assert_eq!(common_prefix(["/1/2/", "/10/"].into_iter()), "/");
        assert!(in_lower("/1/2/5/", &["/1/2/".to_string()]));
        assert!(!in_lower("/1/20/", &["/1/2/".to_string()]));
        let code = tracking_code();
        assert_eq!(domain::feedback::normalize_tracking_code(&code), Some(code));
    }
}
