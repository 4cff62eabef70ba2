//! The period report's own counts (`report_figures.rs` assembles them): sessions members were expected
//! at, cell meetings and monthly topics, heads and self-reviews, disclosure, feedback, models, strike-offs
//! and the members who left party life, and the campaign documents. Each is one query (or one per year)
//! over the subtree; the caller buckets rows into its sub-units.

use crate::campaign::{ancestor_paths, push_in_paths, CalendarBook};
use crate::report_figures::vn_day_start;
use crate::sql::{self, parse_ts, Sql};
use crate::{date_str, get, ts, Db, Result};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::attendance::{topic_deadline, MeetingKind};
use domain::report::{
    CampaignDocument, DisclosureSection, LimitationFacts, ModelLine, ModelSection, MODEL_LINES,
};
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The start of a Vietnamese day as a stored timestamp.
pub(crate) fn day_start(d: NaiveDate) -> DateTime<Utc> {
    vn_day_start(d)
}

fn day_ts(d: NaiveDate) -> String {
    ts(vn_day_start(d))
}

/// Study sessions or cell meetings in `from..=to` that members of the subtree were expected at: those
/// held inside it and those held above it with expected members inside it.
pub(crate) async fn sessions(
    db: &Db,
    path: &str,
    kind: MeetingKind,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    let mut q = Sql::new("SELECT CAST(COUNT(*) AS BIGINT) AS n FROM meetings WHERE kind = ");
    q.safe(kind.as_str()).push(" AND ");
    q.subtree("unit_path", path);
    q.push(" AND held_on >= ")
        .safe(&date_str(from))
        .push(" AND held_on <= ")
        .safe(&date_str(to));
    let mut n: i64 = get(&q.query().fetch_one(&db.pool).await?, "n")?;
    let mut above = ancestor_paths(path);
    above.pop();
    if !above.is_empty() {
        let mut q = Sql::new(
            "SELECT CAST(COUNT(DISTINCT c.meeting_id) AS BIGINT) AS n FROM attendance_counts c WHERE c.kind = ",
        );
        q.safe(kind.as_str()).push(" AND c.expected > 0 AND ");
        q.subtree("c.unit_path", path);
        q.push(" AND c.held_on >= ")
            .safe(&date_str(from))
            .push(" AND c.held_on <= ")
            .safe(&date_str(to))
            .push(" AND c.meeting_id IN (SELECT id FROM meetings WHERE kind = ")
            .safe(kind.as_str())
            .push(" AND ");
        push_in_paths(&mut q, "unit_path", &above);
        q.push(" AND held_on >= ")
            .safe(&date_str(from))
            .push(" AND held_on <= ")
            .safe(&date_str(to))
            .push(")");
        n += get::<i64>(&q.query().fetch_one(&db.pool).await?, "n")?;
    }
    Ok(n)
}

/// Cell meetings held in the subtree in the period: (holding unit's path, held, thematic).
pub(crate) async fn cell_meetings(
    db: &Db,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let mut q = Sql::new(
        "SELECT unit_path, CAST(COUNT(*) AS BIGINT) AS held, \
         CAST(COALESCE(SUM(CASE WHEN thematic <> 0 THEN 1 ELSE 0 END), 0) AS BIGINT) AS thematic \
         FROM meetings WHERE kind = 'cell' AND ",
    );
    q.subtree("unit_path", path);
    q.push(" AND held_on >= ")
        .safe(&date_str(from))
        .push(" AND held_on <= ")
        .safe(&date_str(to))
        .push(" GROUP BY unit_path");
    q.query()
        .fetch_all(&db.pool)
        .await?
        .iter()
        .map(|r| Ok((get(r, "unit_path")?, get(r, "held")?, get(r, "thematic")?)))
        .collect()
}

/// Monthly topics the cells of the subtree had to set in the period (deadline inside it, cell open on
/// the deadline), and those set by their deadline (the day they were last set, in Vietnam).
pub(crate) async fn topics(
    db: &Db,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64)> {
    let mut q = Sql::new(
        "SELECT id, path, valid_from, valid_to FROM units WHERE unit_type IN ('cell', 'grassroots_cell') AND ",
    );
    q.subtree("path", path);
    let mut cells = Vec::new();
    for r in q.query().fetch_all(&db.pool).await? {
        let id: i64 = get(&r, "id")?;
        let p: String = get(&r, "path")?;
        let vf = crate::parse_opt_date(get(&r, "valid_from")?)?;
        let vt = crate::parse_opt_date(get(&r, "valid_to")?)?;
        cells.push((id, p, vf, vt));
    }
    if cells.is_empty() {
        return Ok((0, 0));
    }
    // Months whose deadline (in the month before) may fall in the period.
    let mut months = Vec::new();
    let (mut y, mut m) = (from.year(), from.month());
    let last = to + chrono::Duration::days(62);
    while (y, m) <= (last.year(), last.month()) {
        months.push((y, m));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    let key = |y: i32, m: u32| format!("{y:04}-{m:02}");
    let (Some(first), Some(end)) = (months.first(), months.last()) else {
        return Ok((0, 0));
    };
    let mut q = Sql::new(
        "SELECT t.unit_id, t.month, t.set_at FROM monthly_topics t JOIN units u ON u.id = t.unit_id \
         WHERE u.unit_type IN ('cell', 'grassroots_cell') AND ",
    );
    q.subtree("u.path", path);
    q.push(" AND t.month >= ")
        .text(key(first.0, first.1))
        .push(" AND t.month <= ")
        .text(key(end.0, end.1));
    let mut set: HashMap<(i64, String), NaiveDate> = HashMap::new();
    for r in q.query().fetch_all(&db.pool).await? {
        let at: String = get(&r, "set_at")?;
        let day = domain::registration::vn_date(parse_ts(&at)?);
        set.insert((get(&r, "unit_id")?, get(&r, "month")?), day);
    }
    let mut books: HashMap<i32, CalendarBook> = HashMap::new();
    let (mut due, mut on_time) = (0i64, 0i64);
    for &(y, m) in &months {
        let book = match books.entry(y) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(db.campaign().calendars(path, y).await?),
        };
        for (id, p, vf, vt) in &cells {
            let Some(deadline) = topic_deadline(&book.for_path(p), m) else {
                continue;
            };
            let open = vf.is_none_or(|f| f <= deadline) && vt.is_none_or(|t| deadline < t);
            if deadline < from || deadline > to || !open {
                continue;
            }
            due += 1;
            if set
                .get(&(*id, key(y, m)))
                .is_some_and(|day| *day <= deadline)
            {
                on_time += 1;
            }
        }
    }
    Ok((due, on_time))
}

/// Heads who registered (submitted) in `year`, and members who wrote a year-end self-review.
pub(crate) async fn heads_and_self_reviews(db: &Db, path: &str, year: i32) -> Result<(i64, i64)> {
    let mut q = Sql::new(
        "SELECT CAST(COALESCE(SUM(CASE WHEN r.head <> 0 AND r.first_submitted_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS heads, \
         CAST(COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM registration_items i WHERE i.registration_id = r.id \
         AND i.yearend_outcome IS NOT NULL) THEN 1 ELSE 0 END), 0) AS BIGINT) AS reviews \
         FROM registrations r WHERE r.superseded = 0 AND r.year = ",
    );
    q.lit(i64::from(year)).push(" AND ");
    q.subtree("r.unit_path", path);
    let r = q.query().fetch_one(&db.pool).await?;
    Ok((get(&r, "heads")?, get(&r, "reviews")?))
}

/// A feedback received in the period (hidden and spam left out).
pub(crate) struct FeedbackRow {
    pub unit_path: String,
    pub created_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

pub(crate) async fn feedback_rows(
    db: &Db,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<FeedbackRow>> {
    let mut q = Sql::new(
        "SELECT unit_path, created_at, answered_at FROM feedback WHERE status NOT IN ('hidden', 'spam') AND ",
    );
    q.subtree("unit_path", path);
    q.push(" AND created_at >= ")
        .safe(&day_ts(from))
        .push(" AND created_at < ")
        .safe(&day_ts(to + chrono::Duration::days(1)));
    let mut out = Vec::new();
    for r in q.query().fetch_all(&db.pool).await? {
        let created: String = get(&r, "created_at")?;
        let answered: Option<String> = get(&r, "answered_at")?;
        out.push(FeedbackRow {
            unit_path: get(&r, "unit_path")?,
            created_at: parse_ts(&created)?,
            answered_at: answered.as_deref().map(parse_ts).transpose()?,
        });
    }
    Ok(out)
}

/// Published registrations, bulletins and citizens' confirmations (feedback is added by the caller).
pub(crate) async fn disclosure(
    db: &Db,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<DisclosureSection> {
    let (start, end) = (day_ts(from), day_ts(to + chrono::Duration::days(1)));
    let mut q = Sql::new(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM registrations WHERE superseded = 0 AND status = 'published' AND ",
    );
    q.subtree("unit_path", path);
    q.push(" AND published_at >= ")
        .safe(&start)
        .push(" AND published_at < ")
        .safe(&end);
    let published: i64 = get(&q.query().fetch_one(&db.pool).await?, "n")?;

    // A bulletin is issued once per unit and day, whatever files were made of it.
    let mut q = Sql::new(
        "SELECT CAST(COUNT(DISTINCT unit_path || ' ' || substr(at, 1, 10)) AS BIGINT) AS n FROM audit_log \
         WHERE object_type = 'file' AND object_id IN ('bulletin.docx', 'bulletin.txt', 'bulletin.wav') AND ",
    );
    q.subtree("unit_path", path);
    q.push(" AND at >= ")
        .safe(&start)
        .push(" AND at < ")
        .safe(&end);
    let bulletins: i64 = get(&q.query().fetch_one(&db.pool).await?, "n")?;

    // Items citizens confirmed done by the end of the period (answers counted once per address).
    let mut q = Sql::new(
        "SELECT c.item_id, c.answer, CAST(COUNT(DISTINCT c.address_hash) AS BIGINT) AS n FROM citizen_answers c \
         JOIN registration_items i ON i.id = c.item_id JOIN registrations r ON r.id = i.registration_id \
         WHERE r.superseded = 0 AND r.year >= ",
    );
    q.lit(i64::from(from.year()))
        .push(" AND r.year <= ")
        .lit(i64::from(to.year()))
        .push(" AND ");
    q.subtree("r.unit_path", path);
    q.push(" AND c.created_at < ")
        .safe(&end)
        .push(" GROUP BY c.item_id, c.answer");
    let mut tallies: HashMap<i64, domain::feedback::CitizenTally> = HashMap::new();
    for r in q.query().fetch_all(&db.pool).await? {
        let a: String = get(&r, "answer")?;
        if let Some(a) = domain::feedback::CitizenAnswer::parse(&a) {
            tallies
                .entry(get(&r, "item_id")?)
                .or_default()
                .add(a, get(&r, "n")?);
        }
    }
    let citizen_confirmations = tallies
        .values()
        .filter(|t| t.verdict() == Some(domain::registration::Outcome::Done))
        .count() as i64;
    Ok(DisclosureSection {
        published_registrations: published,
        bulletins,
        citizen_confirmations,
        ..DisclosureSection::default()
    })
}

/// A model of the subtree started by `to`, with its adoptions and whether a decision commended it.
pub(crate) struct ModelRow {
    pub unit_path: String,
    pub line: ModelLine,
}

pub(crate) async fn models(db: &Db, path: &str, to: NaiveDate) -> Result<Vec<ModelRow>> {
    let day = date_str(to);
    let mut q = Sql::new(
        "SELECT m.id, m.name, m.field, m.unit_path, u.code AS unit_code, u.name AS unit_name, \
         (SELECT CAST(COUNT(*) AS BIGINT) FROM model_adoptions a WHERE a.model_id = m.id AND a.adopted_on <= ",
    );
    q.safe(&day).push(
        ") AS replications, (SELECT CAST(COUNT(*) AS BIGINT) FROM commendation_models cm \
         JOIN commendations c ON c.id = cm.commendation_id WHERE cm.model_id = m.id \
         AND c.state = 'decided' AND c.decided_on <= ",
    );
    q.safe(&day)
        .push(") AS commendations FROM models m JOIN units u ON u.id = m.unit_id WHERE ");
    q.subtree("m.unit_path", path);
    q.push(" AND m.started_on <= ").safe(&day);
    let mut out = Vec::new();
    for r in q.query().fetch_all(&db.pool).await? {
        out.push(ModelRow {
            unit_path: get(&r, "unit_path")?,
            line: ModelLine {
                id: get(&r, "id")?,
                name: get(&r, "name")?,
                field: get(&r, "field")?,
                unit_code: get(&r, "unit_code")?,
                unit_name: get(&r, "unit_name")?,
                replications: get(&r, "replications")?,
                commended: get::<i64>(&r, "commendations")? > 0,
            },
        });
    }
    Ok(out)
}

pub(crate) fn model_section(models: &[ModelRow]) -> ModelSection {
    let mut by_field: BTreeMap<String, i64> = BTreeMap::new();
    for m in models {
        *by_field.entry(m.line.field.clone()).or_default() += 1;
    }
    let mut by_field: Vec<(String, i64)> = by_field.into_iter().collect();
    by_field.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut lines: Vec<ModelLine> = models.iter().map(|m| m.line.clone()).collect();
    lines.sort_by(|a, b| {
        (b.commended, b.replications > 0, b.replications)
            .cmp(&(a.commended, a.replications > 0, a.replications))
            .then_with(|| {
                domain::text::name_sort_key(&a.name).cmp(&domain::text::name_sort_key(&b.name))
            })
            .then_with(|| a.id.cmp(&b.id))
    });
    lines.truncate(MODEL_LINES);
    ModelSection {
        total: models.len() as i64,
        by_field,
        replicated: models.iter().filter(|m| m.line.replications > 0).count() as i64,
        commended: models.iter().filter(|m| m.line.commended).count() as i64,
        lines,
    }
}

/// Whether a decision's reason names leaving party life ("bỏ sinh hoạt").
fn left_party_life(reason: &str) -> bool {
    domain::text::fold(reason).contains("bo sinh hoat")
}

/// Members struck off (xóa tên) in the subtree in the period, those of them for leaving party life, and
/// the facts of the limitation: members struck off or disciplined (in force) for leaving party life.
pub(crate) async fn strike_offs(
    db: &Db,
    path: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(i64, i64, LimitationFacts)> {
    let (a, b) = (date_str(from), date_str(to));
    let mut q = Sql::new(
        "SELECT s.member_id, s.reason, u.name AS unit_name FROM strike_offs s JOIN units u ON u.id = s.unit_id WHERE ",
    );
    q.subtree("s.unit_path", path);
    q.push(" AND s.decided_on >= ")
        .safe(&a)
        .push(" AND s.decided_on <= ")
        .safe(&b);
    let (mut struck, mut left) = (0i64, 0i64);
    let mut members: BTreeSet<i64> = BTreeSet::new();
    let mut units: Vec<String> = Vec::new();
    for r in q.query().fetch_all(&db.pool).await? {
        struck += 1;
        let reason: String = get(&r, "reason")?;
        if left_party_life(&reason) {
            left += 1;
            members.insert(get(&r, "member_id")?);
            let name: String = get(&r, "unit_name")?;
            if !units.contains(&name) {
                units.push(name);
            }
        }
    }
    let mut q = Sql::new(
        "SELECT d.member_id, d.reason, COALESCE(u.name, '') AS unit_name FROM disciplines d \
         LEFT JOIN units u ON u.path = d.subject_path WHERE d.member_id IS NOT NULL \
         AND d.form_in_force IS NOT NULL AND ",
    );
    q.subtree("d.subject_path", path);
    q.push(" AND d.decided_on >= ")
        .safe(&a)
        .push(" AND d.decided_on <= ")
        .safe(&b);
    for r in q.query().fetch_all(&db.pool).await? {
        let reason: String = get(&r, "reason")?;
        if left_party_life(&reason) && members.insert(get(&r, "member_id")?) {
            let name: String = get(&r, "unit_name")?;
            if !name.is_empty() && !units.contains(&name) {
                units.push(name);
            }
        }
    }
    Ok((
        struck,
        left,
        LimitationFacts {
            left_party_life: members.len() as i64,
            left_party_life_units: units,
        },
    ))
}

/// Directives issued by `to`, and the plans of the unit, the units above it and those in its subtree in
/// force in the period: issued in it, or the latest of each issuing unit before it.
pub(crate) async fn campaign_documents(
    db: &Db,
    unit: &domain::Unit,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CampaignDocument>> {
    let mut out: Vec<CampaignDocument> = db
        .campaign()
        .directives()
        .await?
        .into_iter()
        .filter(|d| d.issued_on <= to)
        .map(|d| CampaignDocument {
            kind: "directive".to_string(),
            number: d.code,
            title: d.title,
            issued_on: d.issued_on,
            issuer: d.issuer,
        })
        .collect();
    let mut q = Sql::new(
        "SELECT p.unit_id, p.number, p.title, p.issued_on, u.name AS unit_name FROM plans p \
         JOIN units u ON u.id = p.unit_id WHERE (",
    );
    q.subtree("u.path", &unit.path).push(" OR ");
    push_in_paths(&mut q, "u.path", &ancestor_paths(&unit.path));
    q.push(") AND p.issued_on <= ")
        .safe(&date_str(to))
        .push(" ORDER BY u.depth, u.path, p.issued_on, p.id");
    let mut plans: Vec<(i64, CampaignDocument)> = Vec::new();
    for r in q.query().fetch_all(&db.pool).await? {
        plans.push((
            get(&r, "unit_id")?,
            CampaignDocument {
                kind: "plan".to_string(),
                number: get(&r, "number")?,
                title: get(&r, "title")?,
                issued_on: sql::date(get(&r, "issued_on")?)?,
                issuer: get(&r, "unit_name")?,
            },
        ));
    }
    // The latest plan of each unit issued before the period was still in force at its start.
    let mut latest_before: HashMap<i64, usize> = HashMap::new();
    for (k, (uid, d)) in plans.iter().enumerate() {
        if d.issued_on < from {
            latest_before.insert(*uid, k);
        }
    }
    for (k, (uid, d)) in plans.into_iter().enumerate() {
        if d.issued_on >= from || latest_before.get(&uid) == Some(&k) {
            out.push(d);
        }
    }
    Ok(out)
}
