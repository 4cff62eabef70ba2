//! Bulk loading of meetings, marks, tallies and monthly topics (the demo dataset; tens of millions of
//! marks at the national scale). Rows go in with multi-row statements whose values are almost all
//! literals (ids, dates, enum identifiers), one transaction and one audit record per call, instead of
//! `create_meeting` + `set_marks` per meeting. The tallies are then written by `finish_meeting_tallies`
//! exactly as `meetings::recount` would write them.

use crate::audit;
use crate::sql::{Arg, Sql};
use crate::{date_str, get, ts, Actor, Attendance, FieldError, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::{Mark, MeetingKind, MeetingQuality};
use domain::text;

/// A meeting to insert as is (no expected list is computed: marks come with `load_attendance`).
#[derive(Debug, Clone)]
pub struct NewMeeting {
    pub kind: MeetingKind,
    pub unit_id: i64,
    /// The holding unit's path.
    pub unit_path: String,
    pub date: NaiveDate,
    /// "HH:MM".
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: String,
    pub title: String,
    pub theme_id: Option<i64>,
    pub thematic: bool,
    pub minutes: String,
    pub quality: Option<MeetingQuality>,
}

/// One expected member's place at a meeting, marked or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewMark {
    pub meeting_id: i64,
    pub member_id: i64,
    /// The member's unit on the meeting date.
    pub unit_id: i64,
    /// None = expected, not marked.
    pub status: Option<Mark>,
    /// For a make-up, the absence it replaced.
    pub made_up_from: Option<Mark>,
    pub marked_at: Option<DateTime<Utc>>,
}

/// A cell's topic for a month.
#[derive(Debug, Clone)]
pub struct NewTopic {
    pub unit_id: i64,
    pub year: i32,
    pub month: u32,
    pub topic: String,
    pub thematic: bool,
    pub set_at: DateTime<Utc>,
}

/// Rows per attendance statement: every value is a literal, so only the statement size limits it.
const MARK_ROWS: usize = 4_000;
/// Meetings whose tallies are written by the first transaction; later ones adapt the count so that each
/// takes about `TALLY_TARGET` (meetings range from a handful of marks to thousands).
const TALLY_MEETINGS: i64 = 1_000;
const TALLY_TARGET: std::time::Duration = std::time::Duration::from_millis(300);

/// The deepest path that is a prefix (at a segment boundary) of every path; "/" when they share none.
pub(crate) fn common_path<'a>(paths: impl Iterator<Item = &'a str>) -> String {
    let mut common: Option<&str> = None;
    for p in paths {
        common = Some(match common {
            None => p,
            Some(c) => {
                let mut end = 0;
                for ((i, a), b) in c.char_indices().zip(p.chars()) {
                    if a != b {
                        break;
                    }
                    if a == '/' {
                        end = i + 1;
                    }
                }
                &c[..end.min(c.len())]
            }
        });
    }
    match common {
        Some(c) if c.starts_with('/') && c.ends_with('/') => c.to_string(),
        _ => "/".to_string(),
    }
}

fn meeting_object(kinds: impl Iterator<Item = MeetingKind>) -> &'static str {
    let (mut study, mut cell) = (false, false);
    for k in kinds {
        match k {
            MeetingKind::Study => study = true,
            MeetingKind::Cell => cell = true,
        }
    }
    match (study, cell) {
        (true, false) => "study_session",
        (false, true) => "cell_meeting",
        _ => "meeting",
    }
}

/// The common path of the units holding the first and last meeting of an id range (for the audit record).
async fn meetings_path(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    lo: i64,
    hi: i64,
) -> Result<String> {
    let mut q = Sql::new("SELECT unit_path FROM meetings WHERE id IN (");
    q.lit(lo).push(", ").lit(hi).push(")");
    let paths: Vec<String> = q
        .query()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| get(r, "unit_path"))
        .collect::<Result<_>>()?;
    Ok(common_path(paths.iter().map(String::as_str)))
}

/// The common path of the first and last of some units (for the audit record).
async fn units_path(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    mut ids: impl Iterator<Item = i64>,
) -> Result<String> {
    let first = ids.next().unwrap_or_default();
    let last = ids.last().unwrap_or(first);
    let mut q = Sql::new("SELECT path FROM units WHERE id IN (");
    q.lit(first).push(", ").lit(last).push(")");
    let paths: Vec<String> = q
        .query()
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| get(r, "path"))
        .collect::<Result<_>>()?;
    Ok(common_path(paths.iter().map(String::as_str)))
}

/// Executes one multi-row statement per chunk, building chunk k+1 while chunk k runs. The statements are
/// not kept in the connection's prepared-statement cache: each text is used once (its values are
/// literals), and a cache full of multi-megabyte statements grows the process by gigabytes.
pub(crate) async fn pipelined<T, F>(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    rows: &[T],
    per_statement: usize,
    build: F,
) -> Result<()>
where
    F: Fn(&[T]) -> Result<Sql>,
{
    let mut chunks = rows.chunks(per_statement.max(1));
    let Some(first) = chunks.next() else {
        return Ok(());
    };
    let mut current = build(first)?;
    for next_rows in chunks {
        let (done, next) = tokio::join!(
            current.query().persistent(false).execute(&mut **tx),
            async { build(next_rows) }
        );
        done?;
        current = next?;
    }
    current.query().persistent(false).execute(&mut **tx).await?;
    Ok(())
}

impl Attendance<'_> {
    /// Inserts meetings with zero tallies, in one transaction with one audit record, and returns their
    /// ids in input order (consecutive).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.load_meetings")
    )]
    pub async fn load_meetings(self, actor: &Actor, meetings: &[NewMeeting]) -> Result<Vec<i64>> {
        if meetings.is_empty() {
            return Ok(Vec::new());
        }
        let mut errors = Vec::new();
        for (i, m) in meetings.iter().enumerate() {
            if m.title.trim().is_empty() || m.title.chars().count() > 500 {
                errors.push(FieldError::new(
                    &format!("meetings[{i}].title"),
                    "Phải nhập tên / chủ đề, tối đa 500 ký tự",
                ));
            }
            for t in [&m.starts_at, &m.ends_at].into_iter().flatten() {
                if domain::attendance::parse_time(t).is_none() {
                    errors.push(FieldError::new(
                        &format!("meetings[{i}].starts_at"),
                        format!("Giờ không hợp lệ: \"{t}\""),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = self.db.now();
        let stamp = ts(now);
        let backend = self.db.backend();
        let mut w = self.db.write().await?;
        let first = crate::sql::reserve_ids(&mut w.tx, backend, "meetings").await?;
        let rows: Vec<(i64, &NewMeeting)> = meetings
            .iter()
            .enumerate()
            .map(|(i, m)| (first + i as i64, m))
            .collect();
        let creator = actor.username.clone();
        pipelined(
            &mut w.tx,
            &rows,
            crate::sql::rows_per_statement(6),
            |chunk| {
                let mut q = Sql::bulk(
                    backend,
                    "INSERT INTO meetings (id, kind, unit_id, unit_path, held_on, starts_at, ends_at, place, online, title, \
                     theme_id, thematic, minutes, quality, created_by, created_at, updated_at) VALUES ",
                );
                for (i, (id, m)) in chunk.iter().enumerate() {
                    if i > 0 {
                        q.push(", ");
                    }
                    q.push("(").lit(*id).push(", ").safe(m.kind.as_str()).push(", ");
                    q.lit(m.unit_id).push(", ").safe(&m.unit_path).push(", ");
                    q.safe(&date_str(m.date)).push(", ");
                    q.safe_opt(m.starts_at.as_deref()).push(", ");
                    q.safe_opt(m.ends_at.as_deref()).push(", ");
                    q.text(text::normalize(m.place.trim())).push(", 0, ");
                    q.text(text::normalize(m.title.trim())).push(", ");
                    match m.theme_id {
                        Some(t) => q.lit(t),
                        None => q.push("NULL"),
                    };
                    q.push(", ").lit(i64::from(m.thematic)).push(", ");
                    q.text(text::normalize(m.minutes.trim())).push(", ");
                    q.safe_opt(m.quality.map(|x| x.as_str())).push(", ");
                    q.arg(Arg::Text(creator.clone())).push(", ");
                    q.safe(&stamp).push(", ").safe(&stamp).push(")");
                }
                Ok(q)
            },
        )
        .await?;
        crate::sql::sync_sequence(&mut w.tx, backend, "meetings").await?;
        let last = first + meetings.len() as i64 - 1;
        let object = meeting_object(meetings.iter().map(|m| m.kind));
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("demo", object, format!("{first}-{last}"))
                .label(format!("{} buổi (mã {first}–{last})", meetings.len()))
                .unit(common_path(meetings.iter().map(|m| m.unit_path.as_str())))
                .after(&serde_json::json!({ "count": meetings.len(), "first_id": first, "last_id": last })),
        )
        .await?;
        w.commit().await?;
        Ok(rows.iter().map(|(id, _)| *id).collect())
    }

    /// Inserts expected places with their marks (all new: an existing (meeting, member) place is a
    /// database error), in one transaction with one audit record. Tallies are not touched: call
    /// `finish_meeting_tallies` once every mark of the meetings is in. Returns the number of rows.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.load_attendance")
    )]
    pub async fn load_attendance(
        self,
        actor: &Actor,
        marked_by: &str,
        marks: &[NewMark],
    ) -> Result<u64> {
        if marks.is_empty() {
            return Ok(0);
        }
        let mut errors = Vec::new();
        for (i, m) in marks.iter().enumerate() {
            let ok = match (m.status, m.made_up_from) {
                (Some(Mark::Makeup), Some(f)) => f.is_absence(),
                (_, None) => true,
                (_, Some(_)) => false,
            };
            if !ok {
                errors.push(FieldError::new(
                    &format!("marks[{i}].made_up_from"),
                    "Chỉ ghi “Học bù thay cho” khi trạng thái là Học bù, và phải là Vắng có lý do hoặc Vắng không lý do",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        // In primary-key order: the table is clustered on (meeting_id, member_id) in SQLite.
        let mut sorted: Vec<&NewMark> = marks.iter().collect();
        sorted.sort_unstable_by_key(|m| (m.meeting_id, m.member_id));
        let backend = self.db.backend();
        let now = self.db.now();
        let mut w = self.db.write().await?;
        pipelined(&mut w.tx, &sorted, MARK_ROWS, |chunk| {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO attendance (meeting_id, member_id, unit_id, status, made_up_from, self_checkin, marked_by, marked_at) VALUES ",
            );
            // Consecutive marks mostly share a meeting date: format each timestamp once.
            let mut last: Option<(DateTime<Utc>, String)> = None;
            for (i, m) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(",");
                }
                q.push("(").lit(m.meeting_id).push(",").lit(m.member_id).push(",");
                q.lit(m.unit_id).push(",");
                q.safe_opt(m.status.map(|s| s.as_str())).push(",");
                q.safe_opt(m.made_up_from.map(|s| s.as_str())).push(",0,");
                match (m.status, m.marked_at) {
                    (Some(_), Some(at)) => {
                        if last.as_ref().is_none_or(|(t, _)| *t != at) {
                            last = Some((at, ts(at)));
                        }
                        q.safe(marked_by).push(",");
                        q.safe(last.as_ref().map(|(_, s)| s.as_str()).unwrap_or_default());
                    }
                    (Some(_), None) => {
                        q.safe(marked_by).push(",NULL");
                    }
                    (None, _) => {
                        q.push("NULL,NULL");
                    }
                }
                q.push(")");
            }
            Ok(q)
        })
        .await?;
        let meetings = (
            sorted.first().map(|m| m.meeting_id).unwrap_or_default(),
            sorted.last().map(|m| m.meeting_id).unwrap_or_default(),
        );
        let path = meetings_path(&mut w.tx, meetings.0, meetings.1).await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("demo", "attendance", format!("{}-{}", meetings.0, meetings.1))
                .label(format!("{} lượt điểm danh", marks.len()))
                .unit(&path)
                .after(&serde_json::json!({ "count": marks.len(), "first_meeting_id": meetings.0, "last_meeting_id": meetings.1 })),
        )
        .await?;
        w.commit().await?;
        Ok(marks.len() as u64)
    }

    /// Rewrites the tallies of the meetings with ids in `[first_id, last_id]` from their attendance rows:
    /// `attendance_counts` (one row per meeting and member unit, with the unit's current path) and the
    /// meetings' tally columns, exactly as `meetings::recount` writes them after a mark. Works in
    /// transactions of a few hundred milliseconds each (under sqlx's slow-statement warning), each with
    /// one audit record.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.finish_meeting_tallies")
    )]
    pub async fn finish_meeting_tallies(
        self,
        actor: &Actor,
        first_id: i64,
        last_id: i64,
    ) -> Result<()> {
        // Fresh statistics first: PostgreSQL otherwise plans each batch against "empty" tables (measured
        // on the national demo: 165 tally rows/s instead of tens of thousands).
        self.db.analyze().await?;
        let mut lo = first_id;
        let mut size = TALLY_MEETINGS;
        while lo <= last_id {
            let hi = (lo + size - 1).min(last_id);
            let started = std::time::Instant::now();
            let mut w = self.db.write().await?;
            let mut q = Sql::new("DELETE FROM attendance_counts WHERE meeting_id >= ");
            q.lit(lo).push(" AND meeting_id <= ").lit(hi);
            q.query().persistent(false).execute(&mut *w.tx).await?;
            let mut q = Sql::new(
                "INSERT INTO attendance_counts (meeting_id, unit_id, unit_path, kind, held_on, expected, present, late, excused, absent, makeup) \
                 SELECT a.meeting_id, a.unit_id, u.path, mt.kind, mt.held_on, CAST(COUNT(*) AS BIGINT), \
                 CAST(SUM(CASE WHEN a.status = 'present' THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN a.status = 'late' THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN a.status = 'excused' THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN a.status = 'absent' THEN 1 ELSE 0 END) AS BIGINT), \
                 CAST(SUM(CASE WHEN a.status = 'makeup' THEN 1 ELSE 0 END) AS BIGINT) \
                 FROM attendance a JOIN units u ON u.id = a.unit_id JOIN meetings mt ON mt.id = a.meeting_id \
                 WHERE a.meeting_id >= ",
            );
            q.lit(lo)
                .push(" AND a.meeting_id <= ")
                .lit(hi)
                .push(" GROUP BY a.meeting_id, a.unit_id, u.path, mt.kind, mt.held_on");
            q.query().persistent(false).execute(&mut *w.tx).await?;
            let mut q = Sql::new(
                "UPDATE meetings SET (expected, present, late, excused, absent, makeup) = (SELECT \
                 CAST(COALESCE(SUM(c.expected), 0) AS BIGINT), CAST(COALESCE(SUM(c.present), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(c.late), 0) AS BIGINT), CAST(COALESCE(SUM(c.excused), 0) AS BIGINT), \
                 CAST(COALESCE(SUM(c.absent), 0) AS BIGINT), CAST(COALESCE(SUM(c.makeup), 0) AS BIGINT) \
                 FROM attendance_counts c WHERE c.meeting_id = meetings.id) WHERE id >= ",
            );
            q.lit(lo).push(" AND id <= ").lit(hi);
            let done = q.query().persistent(false).execute(&mut *w.tx).await?;
            let path = meetings_path(&mut w.tx, lo, hi).await?;
            audit::record(
                &mut w.tx,
                self.db.now(),
                actor,
                &audit::AuditEvent::new("demo", "attendance_counts", format!("{lo}-{hi}"))
                    .label(format!("Tổng hợp điểm danh {} buổi", done.rows_affected()))
                    .unit(&path)
                    .after(&serde_json::json!({ "first_meeting_id": lo, "last_meeting_id": hi })),
            )
            .await?;
            w.commit().await?;
            lo = hi + 1;
            let took = started.elapsed();
            if took < TALLY_TARGET / 2 && size < 1_000_000 {
                size *= 2;
            } else if took > TALLY_TARGET * 2 && size > 16 {
                size /= 2;
            }
        }
        Ok(())
    }

    /// Inserts monthly topics in one transaction with one audit record. A (cell, month) that already has
    /// a topic keeps it. Returns the number of topics written.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.load_topics")
    )]
    pub async fn load_topics(
        self,
        actor: &Actor,
        set_by: &str,
        topics: &[NewTopic],
    ) -> Result<u64> {
        if topics.is_empty() {
            return Ok(0);
        }
        let mut errors = Vec::new();
        for (i, t) in topics.iter().enumerate() {
            if t.topic.trim().is_empty() || t.topic.chars().count() > 500 {
                errors.push(FieldError::new(
                    &format!("topics[{i}].topic"),
                    "Phải nhập chủ đề, tối đa 500 ký tự",
                ));
            }
            if !(1..=12).contains(&t.month) || !(2000..=2100).contains(&t.year) {
                errors.push(FieldError::new(
                    &format!("topics[{i}].month"),
                    "Tháng không hợp lệ",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let backend = self.db.backend();
        let now = self.db.now();
        let mut w = self.db.write().await?;
        let mut written = 0u64;
        for chunk in topics.chunks(crate::sql::rows_per_statement(1)) {
            let mut q = Sql::bulk(
                backend,
                "INSERT INTO monthly_topics (unit_id, month, topic, thematic, set_by, set_at) VALUES ",
            );
            for (i, t) in chunk.iter().enumerate() {
                if i > 0 {
                    q.push(", ");
                }
                q.push("(").lit(t.unit_id).push(", ");
                q.safe(&format!("{:04}-{:02}", t.year, t.month)).push(", ");
                q.text(text::normalize(t.topic.trim())).push(", ");
                q.lit(i64::from(t.thematic))
                    .push(", ")
                    .safe(set_by)
                    .push(", ");
                q.safe(&ts(t.set_at)).push(")");
            }
            q.push(" ON CONFLICT (unit_id, month) DO NOTHING");
            written += q
                .query()
                .persistent(false)
                .execute(&mut *w.tx)
                .await?
                .rows_affected();
        }
        let path = units_path(&mut w.tx, topics.iter().map(|t| t.unit_id)).await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("demo", "topic", format!("{}", topics.len()))
                .label(format!("{written} chủ đề sinh hoạt tháng"))
                .unit(&path)
                .after(&serde_json::json!({ "count": written })),
        )
        .await?;
        w.commit().await?;
        Ok(written)
    }
}

#[cfg(test)]
mod tests {
    use super::common_path;

    #[test]
    fn common_path_of_a_batch() {
        assert_eq!(common_path(["/1/5/23/", "/1/5/24/"].into_iter()), "/1/5/");
        assert_eq!(common_path(["/1/5/23/", "/1/52/"].into_iter()), "/1/");
        assert_eq!(common_path(["/1/5/"].into_iter()), "/1/5/");
        assert_eq!(common_path(["/1/", "/2/"].into_iter()), "/");
        assert_eq!(common_path(std::iter::empty()), "/");
    }
}
