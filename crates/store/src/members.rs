//! Members: scoped search and reads, create/edit, transfers with dated membership history, status.

use crate::sql::{read, RowInto, Sql};
use crate::{
    audit, date_str, get, opt_date_str, parse_opt_date, ts, Actor, FieldError, Members, Result,
    StoreError,
};
use chrono::NaiveDate;
use domain::policy::{MemberScope, Principal};
use domain::{text, Gender, Member, MemberStatus, Position, Unit};
use sqlx::any::AnyRow;

/// Search and paging parameters of the member list.
#[derive(Debug, Clone, Default)]
pub struct MemberQuery {
    /// Free text: folded name fragment, or an exact card number / citizen ID / phone.
    pub q: Option<String>,
    /// Restrict to this unit's subtree (must itself be in scope, else nothing is returned).
    pub unit_path: Option<String>,
    /// Include members who left (transferred out, deceased, expelled, withdrawn): every status that is
    /// not `MemberStatus::is_current`.
    pub include_inactive: bool,
    pub page: i64,
    pub per_page: i64,
}

/// One row of the member list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MemberListItem {
    pub id: i64,
    pub full_name: String,
    pub gender: Option<Gender>,
    pub birth_date: Option<NaiveDate>,
    pub card_number: Option<String>,
    pub phone: Option<String>,
    pub status: MemberStatus,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
}

/// Editable fields of a member (the type and its rule live in `domain::member`).
pub use domain::member::MemberInput;

/// A membership period: the member belonged to `unit` from `from_date` until `to_date` (exclusive).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MembershipEntry {
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub from_date: NaiveDate,
    pub to_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusEntry {
    pub status: MemberStatus,
    pub from_date: Option<NaiveDate>,
    pub recorded_at: String,
}

const LIST_COLS: &str = "m.id, m.full_name, m.gender, m.birth_date, m.card_number, m.phone, m.status, m.unit_id, u.code AS unit_code, u.name AS unit_name";
const MEMBER_COLS: &str = "m.id, m.full_name, m.gender, m.birth_date, m.card_number, m.citizen_id, m.joined_on, m.official_on, m.phone, m.status, m.unit_id, u.code AS unit_code, u.name AS unit_name, u.path AS unit_path";

fn member_status(s: String) -> Result<MemberStatus> {
    MemberStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("trạng thái {s}")))
}

/// A member's columns in `LIST_COLS` (also part of `MEMBER_COLS`).
#[derive(sqlx::FromRow)]
struct MemberListRow {
    id: i64,
    full_name: String,
    gender: Option<String>,
    birth_date: Option<String>,
    card_number: Option<String>,
    phone: Option<String>,
    status: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
}

impl RowInto for MemberListRow {
    type Target = MemberListItem;
    fn convert(self) -> Result<MemberListItem> {
        Ok(MemberListItem {
            id: self.id,
            full_name: self.full_name,
            gender: self.gender.and_then(|g| Gender::parse(&g)),
            birth_date: parse_opt_date(self.birth_date)?,
            card_number: self.card_number,
            phone: self.phone,
            status: member_status(self.status)?,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
        })
    }
}

/// A member as `MEMBER_COLS` selects it (positions are read separately).
#[derive(sqlx::FromRow)]
struct MemberRow {
    #[sqlx(flatten)]
    list: MemberListRow,
    citizen_id: Option<String>,
    joined_on: Option<String>,
    official_on: Option<String>,
}

impl RowInto for MemberRow {
    type Target = Member;
    fn convert(self) -> Result<Member> {
        let m = self.list.convert()?;
        Ok(Member {
            id: m.id,
            full_name: m.full_name,
            gender: m.gender,
            birth_date: m.birth_date,
            card_number: m.card_number,
            citizen_id: self.citizen_id,
            joined_on: parse_opt_date(self.joined_on)?,
            official_on: parse_opt_date(self.official_on)?,
            phone: m.phone,
            status: m.status,
            unit_id: m.unit_id,
            unit_code: m.unit_code,
            unit_name: m.unit_name,
            positions: Vec::new(),
            head: false,
            key_cadre: false,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    unit_id: i64,
    code: String,
    name: String,
    from_date: Option<String>,
    to_date: Option<String>,
}

impl RowInto for MembershipRow {
    type Target = MembershipEntry;
    fn convert(self) -> Result<MembershipEntry> {
        Ok(MembershipEntry {
            unit_id: self.unit_id,
            unit_code: self.code,
            unit_name: self.name,
            from_date: parse_opt_date(self.from_date)?
                .ok_or_else(|| StoreError::Corrupt("from_date".into()))?,
            to_date: parse_opt_date(self.to_date)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct StatusRow {
    status: String,
    from_date: Option<String>,
    recorded_at: String,
}

impl RowInto for StatusRow {
    type Target = StatusEntry;
    fn convert(self) -> Result<StatusEntry> {
        Ok(StatusEntry {
            status: member_status(self.status)?,
            from_date: parse_opt_date(self.from_date)?,
            recorded_at: self.recorded_at,
        })
    }
}

/// Appends the principal's member scope to a WHERE clause over `m` (members) and `u` (their unit).
pub(crate) fn push_member_scope(q: &mut Sql, p: &Principal) {
    match p.member_scope() {
        MemberScope::Subtree(prefix) => {
            q.subtree("u.path", &prefix);
        }
        MemberScope::Only(id) => {
            q.push("m.id = ").int(id);
        }
        MemberScope::Nothing => {
            q.push("1 = 0");
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameMatch {
    Prefix,
    Substring,
}

/// The folded name part of a query (None for empty or identifier-only queries).
fn name_query(f: &MemberQuery) -> Option<String> {
    let q =
        f.q.as_deref()
            .map(|q| domain::limits::clip(domain::limits::Field::SearchQuery, q).trim())
            .filter(|q| !q.is_empty())?;
    if is_identifier_query(q) {
        return None;
    }
    // LIKE wildcards typed by the user are treated as spaces (they are never part of a name).
    let folded = text::fold(&q.replace(['%', '_', '\\'], " "));
    Some(folded).filter(|s| !s.is_empty())
}

fn is_identifier_query(q: &str) -> bool {
    q.chars()
        .all(|c| c.is_ascii_digit() || c == '+' || c == ' ' || c == '.')
}

/// FROM/WHERE of the member list: scope, unit, status and the query.
fn member_where(p: &Principal, f: &MemberQuery, mode: NameMatch) -> Sql {
    let mut w = Sql::new(" FROM members m JOIN units u ON u.id = m.unit_id WHERE ");
    push_member_scope(&mut w, p);
    if let Some(prefix) = &f.unit_path {
        w.push(" AND ").subtree("u.path", prefix);
    }
    if !f.include_inactive {
        w.push(" AND m.status IN ('active', 'exempt')");
    }
    let Some(q) =
        f.q.as_deref()
            .map(|q| domain::limits::clip(domain::limits::Field::SearchQuery, q).trim())
            .filter(|q| !q.is_empty())
    else {
        return w;
    };
    if is_identifier_query(q) {
        let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
        let phone = domain::normalize_phone(q).unwrap_or_else(|_| digits.clone());
        w.push(" AND (m.card_number = ").text(digits.clone());
        w.push(" OR m.citizen_id = ").text(digits);
        w.push(" OR m.phone = ").text(phone).push(")");
        return w;
    }
    let Some(name) = name_query(f) else {
        w.push(" AND 1 = 0");
        return w;
    };
    match mode {
        NameMatch::Prefix => {
            let upper = format!("{name}\u{10FFFF}");
            w.push(" AND ((m.name_fold >= ")
                .text(name.clone())
                .push(" AND m.name_fold < ")
                .text(upper.clone());
            w.push(") OR (m.given_fold >= ")
                .text(name)
                .push(" AND m.given_fold < ")
                .text(upper)
                .push("))");
        }
        NameMatch::Substring => {
            w.push(" AND m.name_fold LIKE ").text(format!("%{name}%"));
        }
    }
    w
}

/// Validates member fields with `domain::member::validate`; returns the cleaned input or field errors
/// (Vietnamese).
pub fn validate_member_input(
    input: &MemberInput,
    today: NaiveDate,
) -> std::result::Result<MemberInput, Vec<FieldError>> {
    domain::member::validate(input, today).map_err(|errors| {
        errors
            .into_iter()
            .map(|(field, message)| FieldError::new(field, message))
            .collect()
    })
}

impl Members<'_> {
    /// The member list: scoped, searched with diacritic folding, sorted the Vietnamese way, paged.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.search_members")
    )]
    pub async fn search_members(
        self,
        p: &Principal,
        f: &MemberQuery,
    ) -> Result<(Vec<MemberListItem>, i64)> {
        // Names are matched by prefix on the folded full name ("nguyen van a…") or on the folded name with
        // the given name first ("an nguyen…"), both indexed; only when that finds nobody does the search
        // fall back to a substring scan ("van an" inside a name), which is slow only on very large scopes.
        let mut mode = NameMatch::Prefix;
        loop {
            let w = member_where(p, f, mode);
            let mut count = Sql::new("SELECT COUNT(*) AS n");
            count.push(&w.sql);
            let total: i64 = get(
                &w.query_with_sql(&count.sql)
                    .fetch_one(&self.db.pool)
                    .await?,
                "n",
            )?;
            if total == 0 && mode == NameMatch::Prefix && name_query(f).is_some() {
                mode = NameMatch::Substring;
                continue;
            }
            return self.member_page(&w, f, total).await;
        }
    }

    async fn member_page(
        self,
        w: &Sql,
        f: &MemberQuery,
        total: i64,
    ) -> Result<(Vec<MemberListItem>, i64)> {
        let per_page = f.per_page.clamp(1, 500);
        let page = f.page.clamp(1, 1_000_000);
        let mut list = Sql::new(&format!("SELECT {LIST_COLS}"));
        list.push(&w.sql);
        list.push(&format!(
            " ORDER BY m.sort_key, m.id LIMIT {} OFFSET {}",
            per_page,
            (page - 1) * per_page
        ));
        let rows = w.query_with_sql(&list.sql).fetch_all(&self.db.pool).await?;
        let items = rows
            .iter()
            .map(read::<MemberListRow>)
            .collect::<Result<Vec<_>>>()?;
        Ok((items, total))
    }

    /// All members in scope under a unit (for exports), Vietnamese order, current members only.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.members_for_export")
    )]
    pub async fn members_for_export(
        self,
        p: &Principal,
        unit_path: Option<&str>,
    ) -> Result<Vec<Member>> {
        let mut q = Sql::new(&format!(
            "SELECT {MEMBER_COLS} FROM members m JOIN units u ON u.id = m.unit_id WHERE "
        ));
        push_member_scope(&mut q, p);
        if let Some(prefix) = unit_path {
            q.push(" AND ").subtree("u.path", prefix);
        }
        q.push(" AND m.status IN ('active', 'exempt') ORDER BY m.sort_key, m.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut members = Vec::with_capacity(rows.len());
        for r in &rows {
            members.push(member_from_row(r)?);
        }
        self.attach_positions(&mut members).await?;
        Ok(members)
    }

    /// Members and their unit paths by id, in id order (no scope: internal use).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.members_by_ids")
    )]
    pub(crate) async fn members_by_ids(self, ids: &[i64]) -> Result<Vec<(Member, String)>> {
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(1000) {
            let mut q = Sql::new(&format!("SELECT {MEMBER_COLS} FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id IN ("));
            for (i, id) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(*id);
            }
            q.push(") ORDER BY m.id");
            let rows = q.query().fetch_all(&self.db.pool).await?;
            let mut members = Vec::with_capacity(rows.len());
            let mut paths = Vec::with_capacity(rows.len());
            for r in &rows {
                members.push(member_from_row(r)?);
                paths.push(get::<String>(r, "unit_path")?);
            }
            self.attach_positions(&mut members).await?;
            out.extend(members.into_iter().zip(paths));
        }
        Ok(out)
    }

    async fn attach_positions(self, members: &mut [Member]) -> Result<()> {
        for chunk in members.chunks_mut(1000) {
            let mut q = Sql::new(
                "SELECT p.member_id, p.title, p.duties, p.head, p.key_cadre, p.post, p.body, p.unit_id, \
                 u.name AS unit_name, p.from_date, p.to_date FROM positions p LEFT JOIN units u ON u.id = p.unit_id \
                 WHERE p.member_id IN (",
            );
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.lit(m.id);
            }
            q.push(") ORDER BY p.member_id, p.sort_order, p.id");
            let rows = q.query().fetch_all(&self.db.pool).await?;
            let mut by_id: std::collections::HashMap<i64, Vec<Position>> =
                std::collections::HashMap::new();
            for r in &rows {
                let row: crate::positions::StoredPosition = crate::sql::from_row(r)?;
                let mid = row.member_id;
                by_id.entry(mid).or_default().push(row.into_position()?);
            }
            for m in chunk.iter_mut() {
                m.positions = by_id.remove(&m.id).unwrap_or_default();
                m.head = m.positions.iter().any(|p| p.head);
                m.key_cadre = m.positions.iter().any(|p| p.key_cadre);
            }
        }
        Ok(())
    }

    /// One member with positions, if `p` may read them; `NotFound` otherwise.
    #[tracing::instrument(name = "db", level = "debug", skip_all, fields(op = "members.member"))]
    pub async fn member(self, p: &Principal, id: i64) -> Result<Member> {
        let (member, path) = self
            .member_unscoped(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_member(id, &path) {
            return Err(StoreError::NotFound);
        }
        Ok(member)
    }

    /// A member and their unit's path, without scope (internal and CLI use only).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.member_unscoped")
    )]
    pub async fn member_unscoped(self, id: i64) -> Result<Option<(Member, String)>> {
        let row = sqlx::query(&format!(
            "SELECT {MEMBER_COLS} FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let path: String = get(&row, "unit_path")?;
        let mut members = vec![member_from_row(&row)?];
        self.attach_positions(&mut members).await?;
        Ok(members.pop().map(|m| (m, path)))
    }

    /// Membership history, oldest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.member_history")
    )]
    pub async fn member_history(
        self,
        p: &Principal,
        id: i64,
    ) -> Result<(Vec<MembershipEntry>, Vec<StatusEntry>)> {
        self.member(p, id).await?;
        let rows = sqlx::query(
            "SELECT ms.unit_id, u.code, u.name, ms.from_date, ms.to_date FROM memberships ms JOIN units u ON u.id = ms.unit_id \
             WHERE ms.member_id = $1 ORDER BY ms.from_date, ms.id",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        let mut ms = Vec::new();
        for r in &rows {
            ms.push(read::<MembershipRow>(r)?);
        }
        let rows = sqlx::query("SELECT status, from_date, recorded_at FROM member_status_history WHERE member_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?;
        let mut st = Vec::new();
        // The implied first period: active from the first membership (history records changes only).
        if let Some(first) = ms.first() {
            st.push(StatusEntry {
                status: MemberStatus::Active,
                from_date: Some(first.from_date),
                recorded_at: String::new(),
            });
        }
        for r in &rows {
            let entry = read::<StatusRow>(r)?;
            if st.len() == 1
                && entry.status == MemberStatus::Active
                && entry.from_date == st[0].from_date
            {
                continue;
            }
            st.push(entry);
        }
        Ok((ms, st))
    }

    /// Card number and citizen ID must belong to nobody else. A clash with a member `p` may read names
    /// them; a clash with anyone else gets the neutral [`unusable_identifier`] message and an
    /// `identifier_clash` audit row for the office (OWASP ASVS V8.3: no data outside the caller's
    /// authorisation in responses).
    #[allow(clippy::too_many_arguments)]
    async fn check_identifiers_free(
        self,
        actor: &Actor,
        p: &Principal,
        card: Option<&str>,
        cid: Option<&str>,
        except: Option<i64>,
        operation: &str,
        unit_code: &str,
    ) -> Result<Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut clashes = Vec::new();
        for (col, val, field) in [
            ("card_number", card, "card_number"),
            ("citizen_id", cid, "citizen_id"),
        ] {
            let Some(val) = val else { continue };
            let row = sqlx::query(&format!("SELECT m.id FROM members m WHERE m.{col} = $1"))
                .bind(val.to_string())
                .fetch_optional(&self.db.pool)
                .await?;
            let Some(row) = row else { continue };
            let other: i64 = get(&row, "id")?;
            if Some(other) == except {
                continue;
            }
            let Some((owner, path)) = self.member_unscoped(other).await? else {
                continue;
            };
            if p.can_read_member(owner.id, &path) {
                errors.push(FieldError::new(field, taken_by(field, val, &owner)));
            } else {
                errors.push(FieldError::new(field, unusable_identifier(field)));
                clashes.push(clash_audit(&owner, &path, field, operation, unit_code));
            }
        }
        self.db.audit().record_alone(actor, &clashes).await?;
        Ok(errors)
    }

    /// Creates a member in `unit_code` from `since` (default: joined_on, else today).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.create_member")
    )]
    pub async fn create_member(
        self,
        actor: &Actor,
        p: &Principal,
        input: &MemberInput,
        unit_code: &str,
        since: Option<NaiveDate>,
    ) -> Result<Member> {
        let today = self.db.today();
        let mut errors = Vec::new();
        let clean = match validate_member_input(input, today) {
            Ok(c) => Some(c),
            Err(e) => {
                errors.extend(e);
                None
            }
        };
        let unit = match self.db.units().unit_by_code_unscoped(unit_code).await? {
            Some(u) if p.can_write_member(&u.path) && u.unit_type.is_party() => Some(u),
            Some(u) if p.can_write_member(&u.path) => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!("\"{}\" không phải là tổ chức đảng", u.name),
                ));
                None
            }
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!("Không có đơn vị mã \"{unit_code}\" trong phạm vi quản lý"),
                ));
                None
            }
        };
        if let Some(c) = &clean {
            errors.extend(
                self.check_identifiers_free(
                    actor,
                    p,
                    c.card_number.as_deref(),
                    c.citizen_id.as_deref(),
                    None,
                    "Thêm đảng viên",
                    unit_code,
                )
                .await?,
            );
        }
        let (Some(clean), Some(unit), true) = (clean, unit, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        let since = since.or(clean.joined_on).unwrap_or(today);
        // A dissolved unit takes no new members (membership may start before a unit's valid_from: members
        // of a ward created in a reorganisation keep their party history).
        if let Some(closed) = unit.valid_to.filter(|t| *t <= since.max(today)) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "unit_code",
                format!(
                    "Đơn vị \"{}\" đã giải thể từ ngày {}",
                    unit.name,
                    text::format_date(closed)
                ),
            )]));
        }
        let mut w = self.db.write().await?;
        let id = insert_member_row(
            &mut w.tx,
            self.db.now(),
            &clean,
            &unit,
            since,
            MemberStatus::Active,
            None,
        )
        .await
        .map_err(unique_to_field)?;
        replace_positions(&mut w.tx, id, &clean.positions, &self.db.key_cadres).await?;
        let mut member = member_snapshot(id, &clean, &unit, MemberStatus::Active);
        member.positions = crate::positions::stored(&mut w.tx, id).await?;
        let member = with_flags(member);
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", "member", id)
                .label(&member.full_name)
                .unit(&unit.path)
                .after(&member_json(&member)),
        )
        .await?;
        w.commit().await?;
        // A member entered with a past start date belongs on the lists of meetings held since then.
        if since < today {
            if let Err(e) = self
                .db
                .attendance()
                .add_to_past_meetings(actor, id, unit.id, &unit.path, since)
                .await
            {
                tracing::error!(error = %e, "refreshing expected lists of meetings failed");
            }
        }
        Ok(member)
    }

    /// Edits a member's fields and positions (not their unit: use `transfer_member`).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.update_member")
    )]
    pub async fn update_member(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        input: &MemberInput,
    ) -> Result<Member> {
        let (before, path) = self
            .member_unscoped(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_member(id, &path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_write_member(&path) {
            return Err(StoreError::Forbidden);
        }
        let clean = validate_member_input(input, self.db.today()).map_err(StoreError::Invalid)?;
        let errors = self
            .check_identifiers_free(
                actor,
                p,
                clean.card_number.as_deref(),
                clean.citizen_id.as_deref(),
                Some(id),
                "Sửa đảng viên",
                &before.unit_code,
            )
            .await?;
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        update_member_row(&mut w.tx, self.db.now(), id, &clean, &self.db.key_cadres)
            .await
            .map_err(unique_to_field)?;
        let after = Member {
            full_name: clean.full_name.clone(),
            gender: clean.gender,
            birth_date: clean.birth_date,
            card_number: clean.card_number.clone(),
            citizen_id: clean.citizen_id.clone(),
            joined_on: clean.joined_on,
            official_on: clean.official_on,
            phone: clean.phone.clone(),
            positions: clean
                .positions
                .iter()
                .map(|p| Position {
                    from: p.from,
                    to: p.to,
                    ..Position::new(&p.title, &p.duties)
                })
                .collect(),
            ..before.clone()
        };
        let mut after = after;
        after.positions = crate::positions::stored(&mut w.tx, id).await?;
        let after = with_flags(after);
        let (bj, aj) = (member_json(&before), member_json(&after));
        if bj != aj {
            audit::record(
                &mut w.tx,
                self.db.now(),
                actor,
                &audit::AuditEvent::new("update", "member", id)
                    .label(&after.full_name)
                    .unit(&path)
                    .before(&bj)
                    .after(&aj),
            )
            .await?;
        }
        w.commit().await?;
        Ok(after)
    }

    /// Transfers a member to another party unit from `date` (chuyển sinh hoạt). The old membership ends
    /// on `date`; "as of" queries before `date` still count the member in the old unit.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.transfer_member")
    )]
    pub async fn transfer_member(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        unit_code: &str,
        date: NaiveDate,
    ) -> Result<Member> {
        let (before, from_path) = self
            .member_unscoped(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_member(id, &from_path) {
            return Err(StoreError::NotFound);
        }
        let target = self.db.units().unit_by_code_unscoped(unit_code).await?;
        let target = match target {
            Some(t) if p.can_transfer_member(&from_path, &t.path) => t,
            Some(_) | None => {
                if !p.can_write_member(&from_path) {
                    return Err(StoreError::Forbidden);
                }
                return Err(StoreError::Invalid(vec![FieldError::new(
                    "unit_code",
                    format!("Không có đơn vị mã \"{unit_code}\" trong phạm vi quản lý"),
                )]));
            }
        };
        let mut errors = Vec::new();
        if !target.unit_type.is_party() {
            errors.push(FieldError::new(
                "unit_code",
                format!("\"{}\" không phải là tổ chức đảng", target.name),
            ));
        }
        if target.id == before.unit_id {
            errors.push(FieldError::new(
                "unit_code",
                "Đảng viên đang sinh hoạt tại đơn vị này",
            ));
        }
        if !target.is_open_on(date) {
            errors.push(FieldError::new(
                "unit_code",
                format!(
                    "Đơn vị \"{}\" không hoạt động vào ngày {}",
                    target.name,
                    text::format_date(date)
                ),
            ));
        }
        let current_from: Option<String> = sqlx::query(
            "SELECT from_date FROM memberships WHERE member_id = $1 AND to_date IS NULL",
        )
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .map(|r| get::<String>(&r, "from_date"))
        .transpose()?;
        if let Some(cf) = parse_opt_date(current_from)? {
            if date <= cf {
                errors.push(FieldError::new(
                    "date",
                    format!(
                        "Ngày chuyển phải sau ngày bắt đầu sinh hoạt ở đơn vị hiện tại ({})",
                        text::format_date(cf)
                    ),
                ));
            }
        }
        if date > self.db.today() + chrono::Duration::days(31) {
            errors.push(FieldError::new(
                "date",
                "Ngày chuyển không được quá 1 tháng sau hôm nay",
            ));
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE memberships SET to_date = $1 WHERE member_id = $2 AND to_date IS NULL")
            .bind(date_str(date))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        sqlx::query("INSERT INTO memberships (member_id, unit_id, from_date, to_date) VALUES ($1, $2, $3, NULL)")
            .bind(id).bind(target.id).bind(date_str(date)).execute(&mut *w.tx).await?;
        sqlx::query("UPDATE members SET unit_id = $1, updated_at = $2 WHERE id = $3")
            .bind(target.id)
            .bind(ts(self.db.now()))
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        // "Bí thư Chi bộ" is now held in the new cell.
        crate::positions::reclassify_members(&mut w.tx, &[id], &self.db.key_cadres).await?;
        // Registrations from the transfer's year on follow the member (rule in `registrations`).
        crate::registrations::follow_member(&mut w.tx, id, &target, chrono::Datelike::year(&date))
            .await?;
        let after = with_flags(Member {
            unit_id: target.id,
            unit_code: target.code.clone(),
            unit_name: target.name.clone(),
            positions: crate::positions::stored(&mut w.tx, id).await?,
            ..before.clone()
        });
        let mut bj = member_json(&before);
        let mut aj = member_json(&after);
        bj["transfer_date"] = serde_json::json!(date);
        aj["transfer_date"] = serde_json::json!(date);
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("transfer", "member", id)
                .label(&after.full_name)
                .unit(&target.path)
                .before(&bj)
                .after(&aj),
        )
        .await?;
        w.commit().await?;
        // A back-dated transfer changes who was expected at meetings held since then.
        if let Err(e) = self
            .db
            .attendance()
            .refresh_meetings(actor, &[from_path.clone(), target.path.clone()], date)
            .await
        {
            // The change itself is saved; a failed refresh is logged and can be redone from the session page.
            tracing::error!(error = %e, "refreshing expected lists of meetings failed");
        }
        Ok(after)
    }

    /// Changes a member's status from `date`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.set_member_status")
    )]
    pub async fn set_member_status(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        status: MemberStatus,
        date: NaiveDate,
    ) -> Result<Member> {
        let (before, path) = self
            .member_unscoped(id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if !p.can_read_member(id, &path) {
            return Err(StoreError::NotFound);
        }
        if !p.can_write_member(&path) {
            return Err(StoreError::Forbidden);
        }
        if before.status == status {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "status",
                format!("Đảng viên đã ở trạng thái \"{}\"", status.label()),
            )]));
        }
        if date > self.db.today() + chrono::Duration::days(31) {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "date",
                "Ngày không được quá 1 tháng sau hôm nay",
            )]));
        }
        let mut w = self.db.write().await?;
        let after = write_status(
            &mut w.tx,
            self.db.now(),
            actor,
            &before,
            &path,
            status,
            date,
        )
        .await?;
        w.commit().await?;
        refresh_after_status(self.db, actor, id, path, date).await?;
        Ok(after)
    }

    /// Ids of the members who belonged to the subtree `unit_path` on `date` and were active (not exempt,
    /// not gone) then. This is the "as of date" rule every later rate uses.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.member_ids_as_of")
    )]
    pub async fn member_ids_as_of(self, unit_path: &str, date: NaiveDate) -> Result<Vec<i64>> {
        Ok(self
            .members_as_of(unit_path, date)
            .await?
            .into_iter()
            .map(|(m, _)| m)
            .collect())
    }

    /// `member_ids_as_of` with, for each member, the unit they belonged to on `date`.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.members_as_of")
    )]
    pub async fn members_as_of(self, unit_path: &str, date: NaiveDate) -> Result<Vec<(i64, i64)>> {
        // The subtree as it was on `date`: follow unit_parent_history downwards from the root unit, so a
        // cell that moved to another ward later still counts where it was then.
        let root: i64 = unit_path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| StoreError::Corrupt(format!("đường dẫn đơn vị {unit_path}")))?;
        let d = date_str(date);
        let mut q = Sql::new("WITH RECURSIVE sub(id) AS (SELECT id FROM units WHERE id = ");
        q.int(root);
        q.push(
            " UNION SELECT h.unit_id FROM unit_parent_history h JOIN sub ON h.parent_id = sub.id \
             WHERE (h.from_date IS NULL OR h.from_date <= ",
        )
        .text(d.clone())
        .push(") AND (h.to_date IS NULL OR h.to_date > ")
        .text(d.clone())
        .push(
            ")) SELECT ms.member_id, ms.unit_id FROM memberships ms JOIN sub ON sub.id = ms.unit_id \
               JOIN members m ON m.id = ms.member_id WHERE ms.from_date <= ",
        )
        .text(d.clone())
        .push(" AND (ms.to_date IS NULL OR ms.to_date > ")
        .text(d.clone())
        .push(")");
        q.push(
            " AND COALESCE((SELECT h.status FROM member_status_history h WHERE h.member_id = m.id \
               AND (h.from_date IS NULL OR h.from_date <= ",
        )
        .text(d)
        .push(
            ") ORDER BY COALESCE(h.from_date, '0000-01-01') DESC, h.id DESC LIMIT 1), 'active') = 'active' \
             ORDER BY ms.member_id",
        );
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out: Vec<(i64, i64)> = Vec::with_capacity(rows.len());
        for r in &rows {
            let m: i64 = get(r, "member_id")?;
            // Half-open periods never overlap; keep one row per member even if data says otherwise.
            if out.last().is_some_and(|(last, _)| *last == m) {
                continue;
            }
            out.push((m, get(r, "unit_id")?));
        }
        Ok(out)
    }

    /// Total members (all statuses) — for health and benchmarks.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.member_count")
    )]
    pub async fn member_count(self) -> Result<i64> {
        get(
            &sqlx::query("SELECT COUNT(*) AS n FROM members")
                .fetch_one(&self.db.pool)
                .await?,
            "n",
        )
    }
}

/// Writes a dated status change of the member `before` (whose current unit has `path`) in the caller's
/// transaction: the member row, a `member_status_history` row from `date`, the audit row. The one write
/// path of status changes (the status page and API, discipline, xóa tên); callers check permissions first
/// and call [`refresh_after_status`] after committing.
pub(crate) async fn write_status(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    actor: &Actor,
    before: &Member,
    path: &str,
    status: MemberStatus,
    date: NaiveDate,
) -> Result<Member> {
    let id = before.id;
    sqlx::query("UPDATE members SET status = $1, status_since = $2, updated_at = $3 WHERE id = $4")
        .bind(status.as_str())
        .bind(date_str(date))
        .bind(ts(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO member_status_history (member_id, status, from_date, recorded_at) VALUES ($1, $2, $3, $4)")
        .bind(id).bind(status.as_str()).bind(date_str(date)).bind(ts(now)).execute(&mut **tx).await?;
    let after = Member {
        status,
        ..before.clone()
    };
    let mut aj = member_json(&after);
    aj["status_date"] = serde_json::json!(date);
    audit::record(
        tx,
        now,
        actor,
        &audit::AuditEvent::new("status", "member", id)
            .label(&after.full_name)
            .unit(path)
            .before(&member_json(before))
            .after(&aj),
    )
    .await?;
    Ok(after)
}

/// After a committed status change from `date`: refreshes the expected lists of later meetings of every
/// unit the member belonged to since then.
pub(crate) async fn refresh_after_status(
    db: &crate::Db,
    actor: &Actor,
    id: i64,
    path: String,
    date: NaiveDate,
) -> Result<()> {
    // Every unit the member belonged to since `date` may hold meetings whose list changes.
    let mut paths = vec![path];
    let rows = sqlx::query(
        "SELECT u.path FROM memberships ms JOIN units u ON u.id = ms.unit_id \
         WHERE ms.member_id = $1 AND (ms.to_date IS NULL OR ms.to_date > $2)",
    )
    .bind(id)
    .bind(date_str(date))
    .fetch_all(&db.pool)
    .await?;
    for r in &rows {
        paths.push(get(r, "path")?);
    }
    if let Err(e) = db.attendance().refresh_meetings(actor, &paths, date).await {
        // The change itself is saved; a failed refresh is logged and can be redone from the session page.
        tracing::error!(error = %e, "refreshing expected lists of meetings failed");
    }
    Ok(())
}

/// A UNIQUE violation on an identifier (two people saving the same card number at once) becomes the same
/// field error the pre-check gives, instead of a database error.
pub(crate) fn unique_to_field(e: StoreError) -> StoreError {
    if let StoreError::Database(sqlx::Error::Database(db)) = &e {
        if db.is_unique_violation() {
            let msg = db.message();
            // The other writer's member may be outside the caller's scope: the neutral message.
            for field in ["card_number", "citizen_id"] {
                if msg.contains(field) {
                    return StoreError::Invalid(vec![FieldError::new(
                        field,
                        unusable_identifier(field),
                    )]);
                }
            }
        }
    }
    e
}

/// The Vietnamese name of an identifier field.
pub(crate) fn identifier_label(field: &str) -> &'static str {
    match field {
        "card_number" => "Số thẻ đảng viên",
        "citizen_id" => "Số CCCD",
        _ => "Mã định danh",
    }
}

/// The message for an identifier held by a member outside the caller's scope: it says only that the value
/// cannot be used (not who holds it, where, or their other identifiers), and where to turn.
pub fn unusable_identifier(field: &str) -> String {
    format!(
        "{} này không dùng được; nếu đây là đảng viên chuyển đến, hãy liên hệ văn phòng cấp ủy để chuyển sinh hoạt",
        identifier_label(field)
    )
}

/// The message for a unit code held by a unit outside the caller's scope (unit creation and unit import):
/// nothing about that unit, only where to turn.
pub fn unusable_unit_code() -> String {
    "Mã đơn vị này không dùng được; hãy chọn mã khác hoặc liên hệ văn phòng cấp ủy".to_string()
}

/// The message for an identifier held by a member the caller may read: names the holder.
pub(crate) fn taken_by(field: &str, value: &str, owner: &Member) -> String {
    format!(
        "{} \"{value}\" đã thuộc một đảng viên khác: {} (mã {}, {})",
        identifier_label(field),
        owner.full_name,
        owner.id,
        owner.unit_name
    )
}

/// The audit row of a clash with a member outside the caller's scope, filed under that member's unit so
/// the office responsible for them reads it; `operation` and `unit_code` say what the caller was doing.
pub(crate) fn clash_audit(
    owner: &Member,
    owner_path: &str,
    field: &str,
    operation: &str,
    unit_code: &str,
) -> audit::AuditEvent {
    audit::AuditEvent::new(audit::action::IDENTIFIER_CLASH, "member", owner.id)
        .label(&owner.full_name)
        .unit(owner_path)
        .after(&serde_json::json!({
            "trường": identifier_label(field),
            "thao tác": operation,
            "đơn vị của người nhập": unit_code,
        }))
}

fn with_flags(mut m: Member) -> Member {
    m.head = m.positions.iter().any(|p| p.head);
    m.key_cadre = m.positions.iter().any(|p| p.key_cadre);
    m
}

pub(crate) fn member_from_row(r: &AnyRow) -> Result<Member> {
    read::<MemberRow>(r)
}

pub(crate) fn member_snapshot(
    id: i64,
    c: &MemberInput,
    unit: &Unit,
    status: MemberStatus,
) -> Member {
    with_flags(Member {
        id,
        full_name: c.full_name.clone(),
        gender: c.gender,
        birth_date: c.birth_date,
        card_number: c.card_number.clone(),
        citizen_id: c.citizen_id.clone(),
        joined_on: c.joined_on,
        official_on: c.official_on,
        phone: c.phone.clone(),
        status,
        unit_id: unit.id,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        positions: c
            .positions
            .iter()
            .map(|p| Position {
                from: p.from,
                to: p.to,
                ..Position::new(&p.title, &p.duties)
            })
            .collect(),
        head: false,
        key_cadre: false,
    })
}

/// The audited view of a member (what "before" and "after" show).
/// The audited view of a member (what "before" and "after" show). Fields in alphabetical order, so the
/// stored text is the same whether it comes from a `Value` or straight from this struct.
#[derive(serde::Serialize)]
pub(crate) struct MemberAudit<'a> {
    birth_date: Option<NaiveDate>,
    card_number: Option<&'a str>,
    citizen_id: Option<&'a str>,
    full_name: &'a str,
    gender: Option<&'static str>,
    joined_on: Option<NaiveDate>,
    official_on: Option<NaiveDate>,
    phone: Option<&'a str>,
    positions: Vec<String>,
    status: &'static str,
    unit_code: &'a str,
}

fn position_text(title: &str, duties: &str) -> String {
    if duties.is_empty() {
        title.to_string()
    } else {
        format!("{title} ({duties})")
    }
}

impl<'a> MemberAudit<'a> {
    pub(crate) fn of_member(m: &'a Member) -> MemberAudit<'a> {
        MemberAudit {
            birth_date: m.birth_date,
            card_number: m.card_number.as_deref(),
            citizen_id: m.citizen_id.as_deref(),
            full_name: &m.full_name,
            gender: m.gender.map(|g| g.as_str()),
            joined_on: m.joined_on,
            official_on: m.official_on,
            phone: m.phone.as_deref(),
            positions: m
                .positions
                .iter()
                .map(|p| position_text(&p.title, &p.duties))
                .collect(),
            status: m.status.as_str(),
            unit_code: &m.unit_code,
        }
    }

    /// The same view built from the input of a new member (the bulk path: no `Member` is materialised).
    pub(crate) fn of_input(
        c: &'a MemberInput,
        unit_code: &'a str,
        status: MemberStatus,
    ) -> MemberAudit<'a> {
        MemberAudit {
            birth_date: c.birth_date,
            card_number: c.card_number.as_deref(),
            citizen_id: c.citizen_id.as_deref(),
            full_name: &c.full_name,
            gender: c.gender.map(|g| g.as_str()),
            joined_on: c.joined_on,
            official_on: c.official_on,
            phone: c.phone.as_deref(),
            // Positions are stored trimmed (Position::new); mirror that here.
            positions: c
                .positions
                .iter()
                .map(|p| position_text(p.title.trim(), p.duties.trim()))
                .collect(),
            status: status.as_str(),
            unit_code,
        }
    }
}

pub(crate) fn member_json(m: &Member) -> serde_json::Value {
    serde_json::to_value(MemberAudit::of_member(m)).unwrap_or(serde_json::Value::Null)
}

pub(crate) async fn insert_member_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    c: &MemberInput,
    unit: &Unit,
    since: NaiveDate,
    status: MemberStatus,
    status_since: Option<NaiveDate>,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO members (full_name, name_fold, sort_key, gender, birth_date, card_number, citizen_id, joined_on, official_on, phone, status, status_since, unit_id, created_at, updated_at, given_fold) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, $15) RETURNING id",
    )
    .bind(c.full_name.clone())
    .bind(text::fold(&c.full_name))
    .bind(text::name_sort_key(&c.full_name))
    .bind(c.gender.map(|g| g.as_str()))
    .bind(opt_date_str(c.birth_date))
    .bind(c.card_number.clone())
    .bind(c.citizen_id.clone())
    .bind(opt_date_str(c.joined_on))
    .bind(opt_date_str(c.official_on))
    .bind(c.phone.clone())
    .bind(status.as_str())
    .bind(opt_date_str(status_since))
    .bind(unit.id)
    .bind(ts(now))
    .bind(text::given_first_fold(&c.full_name))
    .fetch_one(&mut **tx)
    .await?;
    let id: i64 = get(&row, "id")?;
    sqlx::query("INSERT INTO memberships (member_id, unit_id, from_date, to_date) VALUES ($1, $2, $3, NULL)")
        .bind(id).bind(unit.id).bind(date_str(since)).execute(&mut **tx).await?;
    // Status history records changes only: a member is active from their first membership until the first
    // recorded status (member_history shows that implied first period).
    if status != MemberStatus::Active {
        sqlx::query("INSERT INTO member_status_history (member_id, status, from_date, recorded_at) VALUES ($1, $2, $3, $4)")
            .bind(id).bind(status.as_str()).bind(opt_date_str(status_since.or(Some(since)))).bind(ts(now)).execute(&mut **tx).await?;
    }
    Ok(id)
}

pub(crate) async fn update_member_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    now: chrono::DateTime<chrono::Utc>,
    id: i64,
    c: &MemberInput,
    key_cadres: &domain::position::KeyCadres,
) -> Result<()> {
    sqlx::query(
        "UPDATE members SET full_name = $1, name_fold = $2, sort_key = $3, gender = $4, birth_date = $5, card_number = $6, \
         citizen_id = $7, joined_on = $8, official_on = $9, phone = $10, updated_at = $11, given_fold = $13 WHERE id = $12",
    )
    .bind(c.full_name.clone())
    .bind(text::fold(&c.full_name))
    .bind(text::name_sort_key(&c.full_name))
    .bind(c.gender.map(|g| g.as_str()))
    .bind(opt_date_str(c.birth_date))
    .bind(c.card_number.clone())
    .bind(c.citizen_id.clone())
    .bind(opt_date_str(c.joined_on))
    .bind(opt_date_str(c.official_on))
    .bind(c.phone.clone())
    .bind(ts(now))
    .bind(id)
    .bind(text::given_first_fold(&c.full_name))
    .execute(&mut **tx)
    .await?;
    replace_positions(tx, id, &c.positions, key_cadres).await
}

async fn replace_positions(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
    positions: &[domain::member::PositionInput],
    key_cadres: &domain::position::KeyCadres,
) -> Result<()> {
    let path: Option<String> = sqlx::query(
        "SELECT u.path FROM members m JOIN units u ON u.id = m.unit_id WHERE m.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| get(&r, "path"))
    .transpose()?;
    crate::positions::write_positions(
        tx,
        id,
        path.as_deref().unwrap_or("/"),
        positions,
        key_cadres,
    )
    .await
}

impl Members<'_> {
    /// The member with this party card number (CLI and demo loader; no scope).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "members.member_id_by_card")
    )]
    pub async fn member_id_by_card(self, card: &str) -> Result<Option<i64>> {
        let row = sqlx::query("SELECT id FROM members WHERE card_number = $1")
            .bind(card.to_string())
            .fetch_optional(&self.db.pool)
            .await?;
        row.map(|r| get(&r, "id")).transpose()
    }
}
