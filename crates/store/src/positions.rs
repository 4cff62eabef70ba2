//! Structured positions (docs/DOMAIN.md § Positions): the party posts a member holds and the chain of units
//! above a unit, which the approval and rating chain reads.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::org::UnitRef;
use domain::position::{KeyCadres, PartyPost, Post, UnitRefWithName};
use domain::{Position, UnitType};

use crate::campaign::{ancestor_paths, push_in_paths};
use crate::sql::{read, RowInto, Sql};
use crate::{opt_date_str, parse_opt_date, Result, StoreError};

#[derive(sqlx::FromRow)]
struct PartyPostRow {
    post: String,
    unit_id: i64,
    path: String,
    unit_type: String,
    from_date: Option<String>,
    to_date: Option<String>,
}

impl RowInto for PartyPostRow {
    type Target = PartyPost;
    fn convert(self) -> Result<PartyPost> {
        Ok(PartyPost {
            post: Post::parse(&self.post)
                .ok_or_else(|| StoreError::Corrupt(format!("chức vụ {}", self.post)))?,
            unit_id: self.unit_id,
            unit_path: self.path,
            unit_type: UnitType::parse(&self.unit_type)
                .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {}", self.unit_type)))?,
            from: parse_opt_date(self.from_date)?,
            to: parse_opt_date(self.to_date)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct UnitRefRow {
    id: i64,
    path: String,
    unit_type: String,
}

impl RowInto for UnitRefRow {
    type Target = UnitRef;
    fn convert(self) -> Result<UnitRef> {
        Ok(UnitRef {
            id: self.id,
            unit_type: UnitType::parse(&self.unit_type)
                .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {}", self.unit_type)))?,
            path: self.path,
        })
    }
}

/// The units from the root down to the unit with `path` (inclusive), root first.
pub(crate) async fn unit_chain(pool: &sqlx::AnyPool, path: &str) -> Result<Vec<UnitRef>> {
    let paths = ancestor_paths(path);
    let mut q = Sql::new("SELECT id, path, unit_type FROM units WHERE ");
    push_in_paths(&mut q, "path", &paths);
    q.push(" ORDER BY depth");
    let rows = q.query().fetch_all(pool).await?;
    rows.iter().map(read::<UnitRefRow>).collect()
}

/// The party posts of each of `member_ids` held on `on`, by member (members without one are absent).
pub(crate) async fn party_posts_of(
    pool: &sqlx::AnyPool,
    member_ids: &[i64],
    on: NaiveDate,
) -> Result<std::collections::HashMap<i64, Vec<PartyPost>>> {
    let mut ids = member_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut out: std::collections::HashMap<i64, Vec<PartyPost>> = Default::default();
    for chunk in ids.chunks(crate::sql::MAX_PARAMS) {
        let mut q = Sql::new(
            "SELECT p.member_id, p.post, p.unit_id, u.path, u.unit_type, p.from_date, p.to_date \
             FROM positions p JOIN units u ON u.id = p.unit_id \
             WHERE p.body = 'party' AND p.post IS NOT NULL AND p.post <> 'unknown' AND p.member_id IN (",
        );
        for (k, id) in chunk.iter().enumerate() {
            if k > 0 {
                q.push(", ");
            }
            q.lit(*id);
        }
        q.push(") ORDER BY p.member_id, u.depth, p.sort_order");
        for row in q.query().fetch_all(pool).await? {
            let member: i64 = crate::get(&row, "member_id")?;
            let post = read::<PartyPostRow>(&row)?;
            if post.held_on(on) {
                out.entry(member).or_default().push(post);
            }
        }
    }
    Ok(out)
}

/// The units with these paths (any order; unknown paths are skipped), in chunks of bound parameters.
pub(crate) async fn units_at(pool: &sqlx::AnyPool, paths: &[String]) -> Result<Vec<UnitRef>> {
    let mut out = Vec::with_capacity(paths.len());
    for chunk in paths.chunks(crate::sql::MAX_PARAMS) {
        let mut q = Sql::new("SELECT id, path, unit_type FROM units WHERE ");
        push_in_paths(&mut q, "path", chunk);
        for row in q.query().fetch_all(pool).await? {
            out.push(read::<UnitRefRow>(&row)?);
        }
    }
    Ok(out)
}

/// Units by id with their names: what classifying a title against a member's chain needs. Loaded once per batch
/// for the units on the members' paths (never per row).
#[derive(Default)]
pub(crate) struct UnitIndex {
    by_id: HashMap<i64, UnitRefWithName>,
}

#[derive(sqlx::FromRow)]
struct NamedUnitRow {
    id: i64,
    path: String,
    unit_type: String,
    name: String,
}

/// The unit ids of a materialised path ("/1/5/23/" → 1, 5, 23), root first.
fn path_ids(path: &str) -> impl Iterator<Item = i64> + '_ {
    path.split('/').filter_map(|s| s.parse().ok())
}

impl UnitIndex {
    /// The units on the given paths (each path's ancestors included).
    pub(crate) async fn load<'p>(
        conn: &mut sqlx::AnyConnection,
        paths: impl IntoIterator<Item = &'p str>,
    ) -> Result<UnitIndex> {
        let mut ids: Vec<i64> = paths.into_iter().flat_map(path_ids).collect();
        ids.sort_unstable();
        ids.dedup();
        let mut by_id = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = Sql::new("SELECT id, path, unit_type, name FROM units WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(")");
            for row in q.query().fetch_all(&mut *conn).await? {
                let r: NamedUnitRow = crate::sql::from_row(&row)?;
                let unit_type = UnitType::parse(&r.unit_type)
                    .ok_or_else(|| StoreError::Corrupt(format!("loại đơn vị {}", r.unit_type)))?;
                by_id.insert(
                    r.id,
                    UnitRefWithName {
                        unit: UnitRef {
                            id: r.id,
                            path: r.path,
                            unit_type,
                        },
                        name: r.name,
                    },
                );
            }
        }
        Ok(UnitIndex { by_id })
    }

    /// The units with these ids and every unit above them: the ids' paths (one query per 500 ids), then
    /// [`UnitIndex::load`]. Unknown ids are skipped.
    pub(crate) async fn load_ids(conn: &mut sqlx::AnyConnection, ids: &[i64]) -> Result<UnitIndex> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut paths: Vec<String> = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut q = Sql::new("SELECT path FROM units WHERE id IN (");
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(")");
            for row in q.query().fetch_all(&mut *conn).await? {
                paths.push(crate::get(&row, "path")?);
            }
        }
        UnitIndex::load(conn, paths.iter().map(String::as_str)).await
    }

    /// The unit with this id, when loaded.
    pub(crate) fn get(&self, id: i64) -> Option<&UnitRefWithName> {
        self.by_id.get(&id)
    }

    /// The chain of the unit with `path`, root first.
    pub(crate) fn chain(&self, path: &str) -> Vec<UnitRefWithName> {
        path_ids(path)
            .filter_map(|id| self.by_id.get(&id).cloned())
            .collect()
    }
}

/// Replaces a member's positions, each classified against the member's unit chain (`unit_path`).
pub(crate) async fn write_positions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member_id: i64,
    unit_path: &str,
    positions: &[domain::member::PositionInput],
    key_cadres: &KeyCadres,
) -> Result<()> {
    sqlx::query("DELETE FROM positions WHERE member_id = $1")
        .bind(member_id)
        .execute(&mut **tx)
        .await?;
    if positions.is_empty() {
        return Ok(());
    }
    let index = UnitIndex::load(tx, [unit_path]).await?;
    let chain = index.chain(unit_path);
    for (i, p) in positions.iter().enumerate() {
        let pos = Position {
            from: p.from,
            to: p.to,
            ..Position::classify(&p.title, &p.duties, &chain, key_cadres)
        };
        sqlx::query(
            "INSERT INTO positions (member_id, title, duties, head, key_cadre, sort_order, post, body, unit_id, from_date, to_date) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(member_id)
        .bind(pos.title)
        .bind(pos.duties)
        .bind(i64::from(pos.head))
        .bind(i64::from(pos.key_cadre))
        .bind(i as i64)
        .bind(pos.post.as_str())
        .bind(pos.body.as_str())
        .bind(pos.unit_id)
        .bind(opt_date_str(pos.from))
        .bind(opt_date_str(pos.to))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// One stored position to (re)classify: its row id, title and the holder's unit path.
pub(crate) struct Pending {
    pub id: i64,
    pub title: String,
    pub unit_path: Option<String>,
}

/// Classifies stored rows against their holders' chains and writes post, body, unit and the derived flags.
pub(crate) async fn classify_rows(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[Pending],
    key_cadres: &KeyCadres,
) -> Result<()> {
    let index = UnitIndex::load(tx, rows.iter().filter_map(|r| r.unit_path.as_deref())).await?;
    for r in rows {
        let chain = r
            .unit_path
            .as_deref()
            .map(|p| index.chain(p))
            .unwrap_or_default();
        let pos = Position::classify(&r.title, "", &chain, key_cadres);
        sqlx::query(
            "UPDATE positions SET post = $1, body = $2, unit_id = $3, head = $4, key_cadre = $5 WHERE id = $6",
        )
        .bind(pos.post.as_str())
        .bind(pos.body.as_str())
        .bind(pos.unit_id)
        .bind(i64::from(pos.head))
        .bind(i64::from(pos.key_cadre))
        .bind(r.id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PendingRow {
    id: i64,
    title: String,
    path: Option<String>,
}

const PENDING_SELECT: &str =
    "SELECT p.id, p.title, u.path FROM positions p JOIN members m ON m.id = p.member_id \
     LEFT JOIN units u ON u.id = m.unit_id WHERE ";

async fn pending(conn: &mut sqlx::AnyConnection, q: &Sql) -> Result<Vec<Pending>> {
    let rows = q.query().fetch_all(conn).await?;
    rows.iter()
        .map(|row| {
            let r: PendingRow = crate::sql::from_row(row)?;
            Ok(Pending {
                id: r.id,
                title: r.title,
                unit_path: r.path,
            })
        })
        .collect()
}

/// Re-reads the positions of these members against their current units (after a transfer).
pub(crate) async fn reclassify_members(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member_ids: &[i64],
    key_cadres: &KeyCadres,
) -> Result<()> {
    for chunk in member_ids.chunks(500) {
        let mut q = Sql::new(PENDING_SELECT);
        q.push("p.member_id IN (");
        for (i, id) in chunk.iter().enumerate() {
            if i > 0 {
                q.push(", ");
            }
            q.lit(*id);
        }
        q.push(")");
        let rows = pending(tx, &q).await?;
        classify_rows(tx, &rows, key_cadres).await?;
    }
    Ok(())
}

/// Rows classified per transaction when the database is opened.
const CLASSIFY_BATCH: i64 = 2000;

/// The `settings` key of the key-cadre list the stored flags were last computed under (folded titles, sorted,
/// one a line; empty for lamtheo's own list).
const KEY_CADRES_SETTING: &str = "key_cadre_titles";

impl crate::Db {
    /// Classifies the positions not yet classified (post NULL: rows written before positions were structured),
    /// in batches, each in its own transaction. Idempotent: a second run finds nothing to do. Returns the number
    /// of rows classified.
    pub async fn classify_positions(&self) -> Result<u64> {
        let mut done = 0u64;
        loop {
            let mut w = self.write_quiet().await?;
            let mut q = Sql::new(PENDING_SELECT);
            q.push("p.post IS NULL ORDER BY p.id LIMIT ")
                .lit(CLASSIFY_BATCH);
            let rows = pending(&mut w.tx, &q).await?;
            if rows.is_empty() {
                return Ok(done);
            }
            classify_rows(&mut w.tx, &rows, &self.key_cadres).await?;
            if done == 0 {
                // Flags just written under this handle's list: the next `refresh_key_cadres` runs whatever it
                // remembers.
                sqlx::query("DELETE FROM settings WHERE key = $1")
                    .bind(KEY_CADRES_SETTING)
                    .execute(&mut *w.tx)
                    .await?;
            }
            w.commit().await?;
            done += rows.len() as u64;
        }
    }

    /// Recomputes the key-cadre flag of stored positions under this handle's list (`with_key_cadres`): every
    /// position when the installation extends the list, else only those flagged (an extension since removed).
    /// Runs only when the list differs from the one the flags were last computed under (the `settings` row
    /// `key_cadre_titles`, written when a run completes); else does nothing. Returns the number of rows changed.
    pub async fn refresh_key_cadres(&self) -> Result<u64> {
        let list = self.key_cadres.extra_titles().join("\n");
        let last = sqlx::query("SELECT value FROM settings WHERE key = $1")
            .bind(KEY_CADRES_SETTING)
            .fetch_optional(&self.pool)
            .await?;
        if let Some(row) = last {
            if crate::get::<String>(&row, "value")? == list {
                return Ok(0);
            }
        }
        let changed = self.recompute_key_cadres().await?;
        let mut w = self.write_quiet().await?;
        sqlx::query("DELETE FROM settings WHERE key = $1")
            .bind(KEY_CADRES_SETTING)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query("INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3)")
            .bind(KEY_CADRES_SETTING)
            .bind(list)
            .bind(crate::ts(self.now()))
            .execute(&mut *w.tx)
            .await?;
        w.commit().await?;
        Ok(changed)
    }

    /// `refresh_key_cadres`' work, in batches each in its own transaction.
    async fn recompute_key_cadres(&self) -> Result<u64> {
        let mut changed = 0u64;
        let mut after = 0i64;
        loop {
            let mut w = self.write_quiet().await?;
            let mut q = Sql::new(
                "SELECT p.id, p.title, p.key_cadre, u.unit_type FROM positions p LEFT JOIN units u ON u.id = p.unit_id \
                 WHERE p.post IS NOT NULL AND p.id > ",
            );
            q.lit(after);
            if self.key_cadres.extra_titles().is_empty() {
                q.push(" AND p.key_cadre = 1");
            }
            q.push(" ORDER BY p.id LIMIT ").lit(CLASSIFY_BATCH);
            let rows = q.query().fetch_all(&mut *w.tx).await?;
            let Some(last) = rows.last() else {
                return Ok(changed);
            };
            after = crate::get(last, "id")?;
            for row in &rows {
                let r: FlagRow = crate::sql::from_row(row)?;
                let parsed = domain::position::parse_title(&r.title);
                let unit_type = r.unit_type.as_deref().and_then(UnitType::parse);
                let key = self.key_cadres.is_key_cadre(&parsed, unit_type, &r.title);
                if key != (r.key_cadre != 0) {
                    sqlx::query("UPDATE positions SET key_cadre = $1 WHERE id = $2")
                        .bind(i64::from(key))
                        .bind(r.id)
                        .execute(&mut *w.tx)
                        .await?;
                    changed += 1;
                }
            }
            w.commit().await?;
        }
    }
}

#[derive(sqlx::FromRow)]
struct FlagRow {
    id: i64,
    title: String,
    key_cadre: i64,
    unit_type: Option<String>,
}

/// A position as stored, with its unit's name.
#[derive(sqlx::FromRow)]
pub(crate) struct StoredPosition {
    pub member_id: i64,
    title: String,
    duties: String,
    head: i64,
    key_cadre: i64,
    post: Option<String>,
    body: String,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    from_date: Option<String>,
    to_date: Option<String>,
}

impl StoredPosition {
    pub(crate) fn into_position(self) -> Result<Position> {
        // A row not yet classified (written by an older version while this one runs) is read from its title.
        let Some(post) = self.post else {
            return Ok(Position::new(&self.title, &self.duties));
        };
        Ok(Position {
            post: Post::parse(&post)
                .ok_or_else(|| StoreError::Corrupt(format!("chức vụ {post}")))?,
            body: domain::position::Body::parse(&self.body)
                .ok_or_else(|| StoreError::Corrupt(format!("tổ chức {}", self.body)))?,
            title: self.title,
            duties: self.duties,
            head: self.head != 0,
            key_cadre: self.key_cadre != 0,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            from: parse_opt_date(self.from_date)?,
            to: parse_opt_date(self.to_date)?,
        })
    }
}

/// The bí thư of each cell of the subtree at `path` during `year` (by the cell's path): the members holding post
/// 'secretary' of the party unit that is the cell. A post with dates counts when it overlaps the year.
pub(crate) async fn cell_secretaries(
    pool: &sqlx::AnyPool,
    path: &str,
    year: i32,
) -> Result<HashMap<String, std::collections::HashSet<i64>>> {
    let mut q = Sql::new(
        "SELECT ps.member_id, u.path, ps.from_date, ps.to_date FROM positions ps JOIN units u ON u.id = ps.unit_id \
         WHERE ps.post = 'secretary' AND ps.body = 'party' AND ",
    );
    q.subtree("u.path", path);
    let (start, end) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    );
    let mut out: HashMap<String, std::collections::HashSet<i64>> = HashMap::new();
    for row in q.query().fetch_all(pool).await? {
        let r: SecretaryRow = crate::sql::from_row(&row)?;
        let from = parse_opt_date(r.from_date)?;
        let to = parse_opt_date(r.to_date)?;
        let overlaps =
            from.zip(end).is_none_or(|(f, e)| f <= e) && to.zip(start).is_none_or(|(t, s)| t > s);
        if overlaps {
            out.entry(r.path).or_default().insert(r.member_id);
        }
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct SecretaryRow {
    member_id: i64,
    path: String,
    from_date: Option<String>,
    to_date: Option<String>,
}

impl crate::Members<'_> {
    /// The position titles of members in `p`'s scope that could not be understood (post 'unknown'), with the
    /// number of current members holding each, most frequent first: the list to review (and to correct the
    /// titles or extend the reading).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.unmapped_titles")
    )]
    pub async fn unmapped_titles(
        self,
        p: &domain::policy::Principal,
    ) -> Result<Vec<(String, i64)>> {
        let mut q = Sql::new(
            "SELECT ps.title, COUNT(DISTINCT m.id) AS n FROM positions ps JOIN members m ON m.id = ps.member_id \
             JOIN units u ON u.id = m.unit_id WHERE ps.post = 'unknown' AND m.status IN ('active','exempt') AND ",
        );
        crate::members::push_member_scope(&mut q, p);
        q.push(" GROUP BY ps.title ORDER BY n DESC, ps.title LIMIT 1000");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| Ok((crate::get(r, "title")?, crate::get(r, "n")?)))
            .collect()
    }
}

/// A member's positions as stored (in the writing transaction: what a create, edit or transfer answers).
pub(crate) async fn stored(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member_id: i64,
) -> Result<Vec<Position>> {
    let rows = sqlx::query(
        "SELECT p.member_id, p.title, p.duties, p.head, p.key_cadre, p.post, p.body, p.unit_id, \
         u.name AS unit_name, p.from_date, p.to_date FROM positions p LEFT JOIN units u ON u.id = p.unit_id \
         WHERE p.member_id = $1 ORDER BY p.sort_order, p.id",
    )
    .bind(member_id)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter()
        .map(|r| crate::sql::from_row::<StoredPosition>(r)?.into_position())
        .collect()
}

impl crate::Members<'_> {
    /// The current members in `p`'s scope holding a position with exactly this title (not understood or not):
    /// id, name and unit name, in Vietnamese name order, at most 500.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.holders_of_title")
    )]
    pub async fn holders_of_title(
        self,
        p: &domain::policy::Principal,
        title: &str,
    ) -> Result<Vec<(i64, String, String)>> {
        let mut q = Sql::new(
            "SELECT DISTINCT m.id, m.full_name, m.sort_key, u.name AS unit_name FROM positions ps \
             JOIN members m ON m.id = ps.member_id JOIN units u ON u.id = m.unit_id WHERE ps.title = ",
        );
        q.text(title.trim())
            .push(" AND m.status IN ('active','exempt') AND ");
        crate::members::push_member_scope(&mut q, p);
        q.push(" ORDER BY m.sort_key, m.id LIMIT 500");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter()
            .map(|r| {
                Ok((
                    crate::get(r, "id")?,
                    crate::get(r, "full_name")?,
                    crate::get(r, "unit_name")?,
                ))
            })
            .collect()
    }
}
