//! Study sessions and cell meetings with their attendance (docs/DOMAIN.md § Attendance).
//!
//! A meeting stores one `attendance` row per expected member (status NULL until marked), fixed from
//! membership history on the meeting date (`Members::members_as_of`). Tallies are kept per meeting and per
//! (meeting, member's unit) in `attendance_counts`, rewritten in the same transaction as every mark, so that
//! the rate of any subtree and period is a sum over small tables. The rate itself is `domain::Tally`.

use crate::campaign::{ancestor_paths, push_in_paths};
use crate::sql::{self, parse_ts, RowInto, Sql};
use crate::{
    audit, date_str, documents, get, ts, Actor, Attendance, DocumentInfo, FieldError, Result,
    StoreError,
};
use chrono::{DateTime, NaiveDate, Utc};
use domain::attendance::{
    check_checkin, check_mark, checkin_mark, made_up_from, normalize_code, parse_time,
    CheckinAttempt, CheckinError, CheckinWindow, Mark, MeetingKind, MeetingQuality, Tally,
    CHECKIN_CODE_LEN,
};
use domain::policy::{Capability, Principal};
use domain::{text, Role};
use serde::Serialize;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct UnitRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// A unit named by the columns `unit_id`, `unit_code` and `unit_name` of a larger row.
#[derive(sqlx::FromRow)]
pub(crate) struct UnitRefCols {
    unit_id: i64,
    unit_code: String,
    unit_name: String,
}

impl From<UnitRefCols> for UnitRef {
    fn from(c: UnitRefCols) -> UnitRef {
        UnitRef {
            id: c.unit_id,
            code: c.unit_code,
            name: c.unit_name,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Checkin {
    pub code: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meeting {
    pub id: i64,
    pub kind: MeetingKind,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub date: NaiveDate,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub place: String,
    pub online: bool,
    pub title: String,
    pub theme_id: Option<i64>,
    pub theme_title: Option<String>,
    pub thematic: bool,
    pub minutes: String,
    pub quality: Option<MeetingQuality>,
    /// Units the meeting is held for when not the whole subtree of the holding unit.
    pub for_units: Vec<UnitRef>,
    #[serde(flatten)]
    pub tally: Tally,
    #[serde(skip)]
    pub checkin: Option<Checkin>,
    pub created_by: String,
    pub created_at: String,
    /// Reopened by the office after it closed: open to changes through this day, and why.
    #[serde(skip)]
    pub reopened_until: Option<NaiveDate>,
    #[serde(skip)]
    pub reopen_reason: String,
}

/// Whether a meeting is closed to staff changes today (docs/DOMAIN.md § Closing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closing {
    /// The plan's days (or `domain::attendance::DEFAULT_LOCK_DAYS`).
    pub lock_days: i64,
    /// The first day it is closed.
    pub locks_on: NaiveDate,
    pub locked: bool,
    /// Reopened through this day (and still open).
    pub reopened_until: Option<NaiveDate>,
    pub reopen_reason: String,
}

impl Meeting {
    pub fn checkin_window(&self) -> Option<CheckinWindow> {
        self.checkin.as_ref().map(|c| CheckinWindow {
            code: c.code.clone(),
            opens_at: c.opens_at,
            closes_at: c.closes_at,
        })
    }

    /// Start as local date-time, if a start time was given.
    pub fn start_local(&self) -> Option<chrono::NaiveDateTime> {
        let t = parse_time(self.starts_at.as_deref()?)?;
        Some(self.date.and_time(t))
    }
}

/// What a user supplies to create or edit a meeting.
#[derive(Debug, Clone)]
pub struct MeetingInput {
    pub kind: MeetingKind,
    pub unit_code: String,
    pub date: Option<NaiveDate>,
    pub starts_at: String,
    pub ends_at: String,
    pub place: String,
    pub online: bool,
    pub title: String,
    pub theme_id: Option<i64>,
    pub thematic: bool,
    /// Codes of the units the session is for; empty = the holding unit's whole subtree.
    pub for_unit_codes: Vec<String>,
    pub minutes: String,
    pub quality: Option<MeetingQuality>,
}

impl MeetingInput {
    pub fn new(kind: MeetingKind, unit_code: &str, date: NaiveDate, title: &str) -> MeetingInput {
        MeetingInput {
            kind,
            unit_code: unit_code.to_string(),
            date: Some(date),
            starts_at: String::new(),
            ends_at: String::new(),
            place: String::new(),
            online: false,
            title: title.to_string(),
            theme_id: None,
            thematic: false,
            for_unit_codes: Vec::new(),
            minutes: String::new(),
            quality: None,
        }
    }
}

/// One expected member's place on a meeting's sheet.
#[derive(Debug, Clone, Serialize)]
pub struct MarkRow {
    pub member_id: i64,
    pub full_name: String,
    pub unit_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub status: Option<Mark>,
    pub made_up_from: Option<Mark>,
    pub self_checkin: bool,
    pub marked_by: Option<String>,
    pub marked_at: Option<String>,
    /// Whether the viewer may change this mark.
    #[serde(skip)]
    pub can_mark: bool,
}

#[derive(Debug, Clone, Default)]
pub struct MeetingFilter {
    pub kind: Option<MeetingKind>,
    /// Subtree the meetings concern (held inside it or above it); None = the principal's own unit.
    pub unit_path: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: i64,
}

/// A member's mark at one meeting, for their attendance history.
#[derive(Debug, Clone, Serialize)]
pub struct MemberMark {
    pub meeting_id: i64,
    pub kind: MeetingKind,
    pub date: NaiveDate,
    pub title: String,
    pub unit_name: String,
    pub status: Option<Mark>,
    pub made_up_from: Option<Mark>,
    pub self_checkin: bool,
    pub marked_by: Option<String>,
    pub marked_at: Option<String>,
}

/// A sub-unit's row in the attendance table.
#[derive(Debug, Clone, Serialize)]
pub struct UnitTally {
    pub unit: UnitRef,
    pub child_count: i64,
    #[serde(flatten)]
    pub tally: Tally,
}

/// A member whose last two marked study sessions were absences.
#[derive(Debug, Clone, Serialize)]
pub struct Absentee {
    pub member_id: i64,
    pub full_name: String,
    pub unit_name: String,
    /// The two most recent marked sessions, newest first: (date, title, mark).
    pub last: Vec<(NaiveDate, String, Mark)>,
}

/// A row of the absentee query: one of a member's two most recent marked sessions.
#[derive(sqlx::FromRow)]
struct AbsenteeRow {
    member_id: i64,
    full_name: String,
    unit_name: String,
    held_on: String,
    title: String,
    status: Option<String>,
}

const MEETING_COLS: &str = "mt.id, mt.kind, mt.unit_id, u.code AS unit_code, u.name AS unit_name, mt.unit_path, \
    mt.held_on, mt.starts_at, mt.ends_at, mt.place, mt.online, mt.title, mt.theme_id, th.title AS theme_title, \
    mt.thematic, mt.minutes, mt.quality, mt.checkin_code, mt.checkin_opens_at, mt.checkin_closes_at, \
    mt.expected, mt.present, mt.late, mt.excused, mt.absent, mt.makeup, mt.created_by, mt.created_at, \
    mt.reopened_until, mt.reopen_reason";

const MEETING_FROM: &str =
    "FROM meetings mt JOIN units u ON u.id = mt.unit_id LEFT JOIN themes th ON th.id = mt.theme_id";

/// A stored mark (NULL: not marked yet).
fn mark(s: Option<String>) -> Result<Option<Mark>> {
    match s {
        None => Ok(None),
        Some(s) => Mark::parse(&s)
            .map(Some)
            .ok_or_else(|| StoreError::Corrupt(format!("trạng thái điểm danh {s}"))),
    }
}

fn mark_col(row: &AnyRow, col: &str) -> Result<Option<Mark>> {
    mark(get(row, col)?)
}

fn meeting_kind(kind: String) -> Result<MeetingKind> {
    MeetingKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("loại buổi {kind}")))
}

/// The counts of a tally: a meeting's columns, or their sums (`SUM_TALLY`).
#[derive(sqlx::FromRow)]
struct TallyRow {
    expected: i64,
    present: i64,
    late: i64,
    excused: i64,
    absent: i64,
    makeup: i64,
}

impl From<TallyRow> for Tally {
    fn from(r: TallyRow) -> Tally {
        Tally {
            expected: r.expected,
            present: r.present,
            late: r.late,
            excused: r.excused,
            absent: r.absent,
            makeup: r.makeup,
        }
    }
}

fn tally_from_row(r: &AnyRow) -> Result<Tally> {
    Ok(sql::from_row::<TallyRow>(r)?.into())
}

/// A meeting as `MEETING_COLS` selects it.
#[derive(sqlx::FromRow)]
struct MeetingRow {
    id: i64,
    kind: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    held_on: String,
    starts_at: Option<String>,
    ends_at: Option<String>,
    place: String,
    online: i64,
    title: String,
    theme_id: Option<i64>,
    theme_title: Option<String>,
    thematic: i64,
    minutes: String,
    quality: Option<String>,
    checkin_code: Option<String>,
    checkin_opens_at: Option<String>,
    checkin_closes_at: Option<String>,
    #[sqlx(flatten)]
    tally: TallyRow,
    created_by: String,
    created_at: String,
    reopened_until: Option<String>,
    reopen_reason: String,
}

impl RowInto for MeetingRow {
    type Target = Meeting;
    fn convert(self) -> Result<Meeting> {
        let checkin = match (
            self.checkin_code,
            self.checkin_opens_at,
            self.checkin_closes_at,
        ) {
            (Some(code), Some(o), Some(c)) => Some(Checkin {
                code,
                opens_at: parse_ts(&o)?,
                closes_at: parse_ts(&c)?,
            }),
            _ => None,
        };
        Ok(Meeting {
            id: self.id,
            kind: meeting_kind(self.kind)?,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            date: sql::date(self.held_on)?,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            place: self.place,
            online: self.online != 0,
            title: self.title,
            theme_id: self.theme_id,
            theme_title: self.theme_title,
            thematic: self.thematic != 0,
            minutes: self.minutes,
            quality: self.quality.as_deref().and_then(MeetingQuality::parse),
            for_units: Vec::new(),
            tally: self.tally.into(),
            checkin,
            created_by: self.created_by,
            created_at: self.created_at,
            reopened_until: crate::parse_opt_date(self.reopened_until)?,
            reopen_reason: self.reopen_reason,
        })
    }
}

fn meeting_from_row(r: &AnyRow) -> Result<Meeting> {
    sql::read::<MeetingRow>(r)
}

/// A mark as the attendance table keeps it, with who took it.
#[derive(sqlx::FromRow)]
struct TakenMarkRow {
    status: Option<String>,
    made_up_from: Option<String>,
    self_checkin: i64,
    marked_by: Option<String>,
    marked_at: Option<String>,
}

/// One line of a meeting's sheet (see `Attendance::marks`).
#[derive(sqlx::FromRow)]
struct SheetRow {
    member_id: i64,
    full_name: String,
    unit_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    #[sqlx(flatten)]
    taken: TakenMarkRow,
}

impl SheetRow {
    fn into_mark_row(self, can_mark: bool) -> Result<MarkRow> {
        Ok(MarkRow {
            member_id: self.member_id,
            full_name: self.full_name,
            unit_id: self.unit_id,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            can_mark,
            unit_path: self.unit_path,
            status: mark(self.taken.status)?,
            made_up_from: mark(self.taken.made_up_from)?,
            self_checkin: self.taken.self_checkin != 0,
            marked_by: self.taken.marked_by,
            marked_at: self.taken.marked_at,
        })
    }
}

/// A member's mark with its meeting (see `Attendance::member_marks`).
#[derive(sqlx::FromRow)]
struct MemberMarkRow {
    id: i64,
    kind: String,
    held_on: String,
    title: String,
    unit_name: String,
    #[sqlx(flatten)]
    taken: TakenMarkRow,
}

impl RowInto for MemberMarkRow {
    type Target = MemberMark;
    fn convert(self) -> Result<MemberMark> {
        Ok(MemberMark {
            meeting_id: self.id,
            kind: meeting_kind(self.kind)?,
            date: sql::date(self.held_on)?,
            title: self.title,
            unit_name: self.unit_name,
            status: mark(self.taken.status)?,
            made_up_from: mark(self.taken.made_up_from)?,
            self_checkin: self.taken.self_checkin != 0,
            marked_by: self.taken.marked_by,
            marked_at: self.taken.marked_at,
        })
    }
}

/// Sum columns of a tally, cast so both backends return BIGINT.
const SUM_TALLY: &str = "CAST(COALESCE(SUM(expected), 0) AS BIGINT) AS expected, \
    CAST(COALESCE(SUM(present), 0) AS BIGINT) AS present, CAST(COALESCE(SUM(late), 0) AS BIGINT) AS late, \
    CAST(COALESCE(SUM(excused), 0) AS BIGINT) AS excused, CAST(COALESCE(SUM(absent), 0) AS BIGINT) AS absent, \
    CAST(COALESCE(SUM(makeup), 0) AS BIGINT) AS makeup";

/// The lengths of a meeting's texts (`domain::limits`).
fn check_meeting_lengths(errors: &mut Vec<FieldError>, title: &str, input: &MeetingInput) {
    use domain::limits::Field;
    crate::check_length(errors, "title", Field::SessionTitle, title);
    crate::check_length(errors, "place", Field::Place, input.place.trim());
    crate::check_length(errors, "minutes", Field::Minutes, &input.minutes);
}

fn validate_time(field: &str, s: &str, errors: &mut Vec<FieldError>) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    match parse_time(s) {
        Some(t) => Some(t.format("%H:%M").to_string()),
        None => {
            errors.push(FieldError::new(
                field,
                format!(
                    "Giờ không hợp lệ: \"{}\" (ví dụ 07:30)",
                    s.chars().take(20).collect::<String>()
                ),
            ));
            None
        }
    }
}

impl Attendance<'_> {
    /// Whether `m` is closed to staff changes today: the plan in force on its day sets the days
    /// (`domain::attendance::DEFAULT_LOCK_DAYS` without one); a reopening keeps it open for a while.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.closing")
    )]
    pub async fn closing(self, m: &Meeting) -> Result<Closing> {
        let lock_days = self
            .db
            .campaign()
            .plan_for(&m.unit_path, m.date)
            .await?
            .map(|p| p.lock_days)
            .unwrap_or(domain::attendance::DEFAULT_LOCK_DAYS);
        let today = self.db.today();
        let reopened_until = m.reopened_until.filter(|u| *u >= today);
        Ok(Closing {
            lock_days,
            locks_on: domain::attendance::locks_on(m.date, lock_days),
            locked: domain::attendance::is_locked(m.date, lock_days, m.reopened_until, today),
            reopen_reason: if reopened_until.is_some() {
                m.reopen_reason.clone()
            } else {
                String::new()
            },
            reopened_until,
        })
    }

    /// Refuses a change to a closed meeting, saying since when and who can reopen it.
    async fn ensure_open(self, m: &Meeting) -> Result<()> {
        let c = self.closing(m).await?;
        if !c.locked {
            return Ok(());
        }
        Err(StoreError::Invalid(vec![FieldError::new(
            "closed",
            format!(
                "Buổi ngày {} đã khóa sổ từ ngày {} ({} ngày sau buổi, theo kế hoạch): điểm danh, biên bản và \
                 tài liệu không sửa được nữa. Văn phòng cấp ủy có thể mở lại để sửa, có ghi lý do.",
                text::format_date(m.date),
                text::format_date(c.locks_on),
                c.lock_days
            ),
        )]))
    }

    /// The office reopens a closed meeting for `domain::attendance::REOPEN_DAYS` days, with a reason that
    /// goes into the audit log.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.reopen_meeting")
    )]
    pub async fn reopen_meeting(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        reason: &str,
    ) -> Result<Meeting> {
        let m = self.meeting(p, id).await?;
        if !p.can_reopen_meeting(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let reason = text::normalize(reason.trim());
        if reason.chars().count() < 5 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                "Ghi lý do mở lại (ít nhất 5 ký tự), ví dụ: bổ sung điểm danh học bù theo đơn của đảng viên",
            )]));
        }
        if reason.chars().count() > domain::limits::ANSWER {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                format!(
                    "Lý do dài quá {} ký tự",
                    text::format_int(domain::limits::ANSWER as i64)
                ),
            )]));
        }
        if !self.closing(&m).await?.locked {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "reason",
                "Buổi này chưa khóa sổ: không cần mở lại",
            )]));
        }
        let until = self.db.today() + chrono::Duration::days(domain::attendance::REOPEN_DAYS);
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE meetings SET reopened_until = $1, reopen_reason = $2 WHERE id = $3")
            .bind(date_str(until))
            .bind(reason.clone())
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("reopen", meeting_object(m.kind), id)
                .label(&m.title)
                .unit(&m.unit_path)
                .after(&serde_json::json!({"reason": reason, "valid_to": date_str(until)})),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(id).await
    }

    /// Creates a study session or a cell meeting and fixes its expected attendees from membership history
    /// on the date. `p` None = system (CLI, demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.create_meeting")
    )]
    pub async fn create_meeting(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        input: MeetingInput,
    ) -> Result<Meeting> {
        let mut errors = Vec::new();
        let unit = match self
            .db
            .units()
            .unit_by_code_unscoped(input.unit_code.trim())
            .await?
        {
            Some(u) if p.is_none_or(|p| p.can_manage_meeting(&u.path)) => Some(u),
            Some(u) if p.is_some_and(|p| p.can_read_unit(&u.path)) => {
                return Err(StoreError::Forbidden)
            }
            _ => {
                errors.push(FieldError::new(
                    "unit_code",
                    format!(
                        "Không có đơn vị mã \"{}\"",
                        domain::limits::clip(
                            domain::limits::Field::UnitCode,
                            input.unit_code.trim()
                        )
                    ),
                ));
                None
            }
        };
        if let Some(u) = &unit {
            if input.kind == MeetingKind::Cell && !u.unit_type.holds_cell_meetings() {
                errors.push(FieldError::new(
                    "unit_code",
                    "Sinh hoạt chi bộ do chi bộ tổ chức; hãy chọn một chi bộ",
                ));
            }
            if u.valid_to
                .is_some_and(|d| input.date.is_some_and(|x| x >= d))
            {
                errors.push(FieldError::new("date", "Đơn vị đã giải thể vào ngày này"));
            }
        }
        let title = text::normalize(input.title.trim());
        if title.is_empty() {
            errors.push(FieldError::new(
                "title",
                match input.kind {
                    MeetingKind::Study => "Phải nhập tên buổi học tập",
                    MeetingKind::Cell => "Phải nhập chủ đề sinh hoạt",
                },
            ));
        }
        check_meeting_lengths(&mut errors, &title, &input);
        let Some(date) = input.date else {
            errors.push(FieldError::new(
                "date",
                "Phải nhập ngày tổ chức (dd/mm/yyyy)",
            ));
            return Err(StoreError::Invalid(errors));
        };
        if chrono::Datelike::year(&date) < 2000
            || date > self.db.today() + chrono::Duration::days(366)
        {
            errors.push(FieldError::new("date", "Ngày tổ chức không hợp lý"));
        }
        let starts_at = validate_time("starts_at", &input.starts_at, &mut errors);
        let ends_at = validate_time("ends_at", &input.ends_at, &mut errors);
        if let (Some(s), Some(e)) = (&starts_at, &ends_at) {
            if e <= s {
                errors.push(FieldError::new(
                    "ends_at",
                    "Giờ kết thúc phải sau giờ bắt đầu",
                ));
            }
        }
        let mut for_units = Vec::new();
        if let Some(u) = &unit {
            for code in input
                .for_unit_codes
                .iter()
                .map(|c| c.trim())
                .filter(|c| !c.is_empty())
            {
                match self.db.units().unit_by_code_unscoped(code).await? {
                    Some(f) if f.path.starts_with(&u.path) => for_units.push(f),
                    _ => errors.push(FieldError::new(
                        "for_units",
                        format!(
                            "\"{}\" không phải đơn vị trực thuộc {}",
                            domain::limits::clip(domain::limits::Field::UnitCode, code),
                            u.name
                        ),
                    )),
                }
            }
        }
        if let (Some(t), Some(u)) = (input.theme_id, &unit) {
            if !self
                .db
                .campaign()
                .themes_for(&u.path)
                .await?
                .iter()
                .any(|x| x.id == t)
            {
                errors.push(FieldError::new(
                    "theme_id",
                    "Chuyên đề này không áp dụng cho đơn vị đã chọn",
                ));
            }
        }
        let (Some(unit), true) = (unit, errors.is_empty()) else {
            return Err(StoreError::Invalid(errors));
        };
        // Expected attendees, each with their unit on the date.
        let mut expected: BTreeMap<i64, i64> = BTreeMap::new();
        let roots: Vec<String> = if for_units.is_empty() {
            vec![unit.path.clone()]
        } else {
            for_units.iter().map(|u| u.path.clone()).collect()
        };
        for r in &roots {
            for (m, u) in self.db.members().members_as_of(r, date).await? {
                expected.entry(m).or_insert(u);
            }
        }
        let now = ts(self.db.now());
        let mut w = self.db.write().await?;
        let row = sqlx::query(
            "INSERT INTO meetings (kind, unit_id, unit_path, held_on, starts_at, ends_at, place, online, title, theme_id, \
             thematic, minutes, quality, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
        )
        .bind(input.kind.as_str())
        .bind(unit.id)
        .bind(unit.path.clone())
        .bind(date_str(date))
        .bind(starts_at)
        .bind(ends_at)
        .bind(text::normalize(input.place.trim()))
        .bind(i64::from(input.online))
        .bind(title.clone())
        .bind(input.theme_id)
        .bind(i64::from(input.thematic))
        .bind(text::normalize(input.minutes.trim()))
        .bind(input.quality.map(|q| q.as_str()))
        .bind(actor.username.clone())
        .bind(now)
        .fetch_one(&mut *w.tx)
        .await?;
        let id: i64 = get(&row, "id")?;
        for f in &for_units {
            sqlx::query("INSERT INTO meeting_units (meeting_id, unit_id) VALUES ($1, $2)")
                .bind(id)
                .bind(f.id)
                .execute(&mut *w.tx)
                .await?;
        }
        let rows: Vec<(i64, i64)> = expected.into_iter().collect();
        insert_attendance(&mut w.tx, id, &rows).await?;
        recount(&mut w.tx, id).await?;
        let meeting = meeting_in(&mut w.tx, id).await?;
        let after = serde_json::to_value(&meeting).ok();
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("create", meeting_object(meeting.kind), id)
                .label(&meeting.title)
                .unit(&meeting.unit_path)
                .after(after.as_ref()),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(id).await
    }

    /// Edits a meeting's details (not its date or unit: those fix who was expected). Cell meetings also
    /// take minutes and the quality self-rating here.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.update_meeting")
    )]
    pub async fn update_meeting(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        input: MeetingInput,
    ) -> Result<Meeting> {
        let before = self.meeting(p, id).await?;
        if !p.can_manage_meeting(&before.unit_path) {
            return Err(StoreError::Forbidden);
        }
        self.ensure_open(&before).await?;
        let mut errors = Vec::new();
        let title = text::normalize(input.title.trim());
        if title.is_empty() {
            errors.push(FieldError::new("title", "Phải nhập tên / chủ đề"));
        }
        let starts_at = validate_time("starts_at", &input.starts_at, &mut errors);
        let ends_at = validate_time("ends_at", &input.ends_at, &mut errors);
        check_meeting_lengths(&mut errors, &title, &input);
        if let Some(t) = input.theme_id {
            if !self
                .db
                .campaign()
                .themes_for(&before.unit_path)
                .await?
                .iter()
                .any(|x| x.id == t)
            {
                errors.push(FieldError::new(
                    "theme_id",
                    "Chuyên đề này không áp dụng cho đơn vị tổ chức",
                ));
            }
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE meetings SET title = $1, starts_at = $2, ends_at = $3, place = $4, online = $5, theme_id = $6, \
             thematic = $7, minutes = $8, quality = $9, updated_at = $10 WHERE id = $11",
        )
        .bind(title)
        .bind(starts_at)
        .bind(ends_at)
        .bind(text::normalize(input.place.trim()))
        .bind(i64::from(input.online))
        .bind(input.theme_id)
        .bind(i64::from(input.thematic))
        .bind(text::normalize(input.minutes.trim()))
        .bind(input.quality.map(|q| q.as_str()))
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        let after = meeting_in(&mut w.tx, id).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("update", meeting_object(after.kind), id)
                .label(&after.title)
                .unit(&after.unit_path)
                .before(serde_json::to_value(&before).ok().as_ref())
                .after(serde_json::to_value(&after).ok().as_ref()),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(id).await
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.meeting_unscoped")
    )]
    pub async fn meeting_unscoped(self, id: i64) -> Result<Meeting> {
        let row = sqlx::query(&format!(
            "SELECT {MEETING_COLS} {MEETING_FROM} WHERE mt.id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.db.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut m = meeting_from_row(&row)?;
        let rows = sqlx::query(
            "SELECT u.id, u.code, u.name FROM meeting_units mu JOIN units u ON u.id = mu.unit_id \
             WHERE mu.meeting_id = $1 ORDER BY u.path",
        )
        .bind(id)
        .fetch_all(&self.db.pool)
        .await?;
        for r in &rows {
            m.for_units.push(sql::from_row(r)?);
        }
        Ok(m)
    }

    /// A meeting the principal may see (404 otherwise): held in or above their subtree; for a member
    /// account, one they are expected at.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.meeting")
    )]
    pub async fn meeting(self, p: &Principal, id: i64) -> Result<Meeting> {
        let m = self.meeting_unscoped(id).await?;
        if self.may_see_meeting(p, &m).await? {
            Ok(m)
        } else {
            Err(StoreError::NotFound)
        }
    }

    async fn may_see_meeting(self, p: &Principal, m: &Meeting) -> Result<bool> {
        if p.role == Role::Member {
            let Some(own) = p.member_id else {
                return Ok(false);
            };
            let row = sqlx::query(
                "SELECT 1 AS x FROM attendance WHERE meeting_id = $1 AND member_id = $2",
            )
            .bind(m.id)
            .bind(own)
            .fetch_optional(&self.db.pool)
            .await?;
            return Ok(row.is_some());
        }
        Ok(p.can_see_meeting(&m.unit_path))
    }

    /// Meetings concerning a subtree: held inside it, or held above it for it. Newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.list_meetings")
    )]
    pub async fn list_meetings(self, p: &Principal, f: &MeetingFilter) -> Result<Vec<Meeting>> {
        let root = f
            .unit_path
            .clone()
            .unwrap_or_else(|| p.unit_prefix().to_string());
        let mut q = Sql::new(&format!("SELECT {MEETING_COLS} {MEETING_FROM} WHERE "));
        if p.role == Role::Member {
            let Some(own) = p.member_id else {
                return Ok(Vec::new());
            };
            q.push("mt.id IN (SELECT meeting_id FROM attendance WHERE member_id = ")
                .int(own)
                .push(")");
        } else {
            if !p.can_read_unit(&root) {
                return Err(StoreError::NotFound);
            }
            q.push("(");
            q.subtree("mt.unit_path", &root).push(" OR ");
            let mut above = ancestor_paths(&root);
            above.pop();
            push_in_paths(&mut q, "mt.unit_path", &above);
            q.push(")");
        }
        if let Some(k) = f.kind {
            q.push(" AND mt.kind = ").safe(k.as_str());
        }
        if let Some(d) = f.from {
            q.push(" AND mt.held_on >= ").safe(&date_str(d));
        }
        if let Some(d) = f.to {
            q.push(" AND mt.held_on <= ").safe(&date_str(d));
        }
        q.push(" ORDER BY mt.held_on DESC, mt.id DESC LIMIT ")
            .lit(if f.limit > 0 { f.limit.min(5000) } else { 500 });
        let rows = q.query().fetch_all(&self.db.pool).await?;
        rows.iter().map(meeting_from_row).collect()
    }

    /// The marking sheet: every expected member the viewer may see, in Vietnamese name order.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.meeting_marks")
    )]
    pub async fn meeting_marks(self, p: &Principal, id: i64) -> Result<Vec<MarkRow>> {
        let m = self.meeting(p, id).await?;
        let mut q = Sql::new(
            "SELECT a.member_id, mb.full_name, mb.sort_key, a.unit_id, u.code AS unit_code, u.name AS unit_name, \
             u.path AS unit_path, a.status, a.made_up_from, a.self_checkin, a.marked_by, a.marked_at \
             FROM attendance a JOIN members mb ON mb.id = a.member_id JOIN units u ON u.id = a.unit_id \
             WHERE a.meeting_id = ",
        );
        q.int(m.id);
        if p.role == Role::Member {
            q.push(" AND a.member_id = ").int(p.member_id.unwrap_or(-1));
        } else if !p.covers(&m.unit_path) {
            // A session held above: only the viewer's own subtree.
            q.push(" AND ");
            q.subtree("u.path", p.unit_prefix());
        }
        q.push(" ORDER BY mb.sort_key, mb.id");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let row: SheetRow = sql::from_row(r)?;
            if !p.can_read_mark(row.member_id, &row.unit_path) {
                continue;
            }
            let can_mark = p.can_mark(&row.unit_path);
            out.push(row.into_mark_row(can_mark)?);
        }
        Ok(out)
    }

    /// Sets marks, all or nothing. Refused with the reason per mark for a member who was not expected, an
    /// impossible make-up or a date in the future; refused as forbidden for a member outside the
    /// principal's subtree. `p` None = system (import of a whole file, demo).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.set_marks")
    )]
    pub async fn set_marks(
        self,
        actor: &Actor,
        p: Option<&Principal>,
        meeting_id: i64,
        marks: &[(i64, Mark)],
    ) -> Result<Meeting> {
        let m = match p {
            Some(p) => self.meeting(p, meeting_id).await?,
            None => self.meeting_unscoped(meeting_id).await?,
        };
        if p.is_some_and(|p| !p.has(Capability::MarkAttendance)) {
            return Err(StoreError::Forbidden);
        }
        // Staff cannot re-mark a closed meeting; the command line (the server's administrator) can, audited.
        if p.is_some() {
            self.ensure_open(&m).await?;
        }
        let today = self.db.today();
        let mut w = self.db.write().await?;
        lock_meeting(self.db.backend(), &mut w.tx, meeting_id).await?;
        let current = load_marks(&mut w.tx, meeting_id, marks.iter().map(|(id, _)| *id)).await?;
        let mut errors = Vec::new();
        let mut forbidden = false;
        let mut seen = HashMap::new();
        for (i, (member_id, mark)) in marks.iter().enumerate() {
            if seen.insert(*member_id, i).is_some() {
                errors.push(FieldError::new(
                    &format!("marks[{i}].member_id"),
                    format!(
                        "Đảng viên mã {member_id} được điểm danh hai lần trong cùng một lần lưu"
                    ),
                ));
                continue;
            }
            let Some(cur) = current.get(member_id) else {
                errors.push(FieldError::new(
                    &format!("marks[{i}].member_id"),
                    format!(
                        "Đảng viên mã {member_id} không thuộc danh sách phải dự buổi này (ngày {})",
                        text::format_date(m.date)
                    ),
                ));
                continue;
            };
            if p.is_some_and(|p| !p.can_mark(&cur.unit_path)) {
                forbidden = true;
                continue;
            }
            if let Err(e) = check_mark(cur.status, *mark, m.date, today) {
                errors.push(FieldError::new(
                    &format!("marks[{i}].status"),
                    format!("Đảng viên mã {member_id}: {e}"),
                ));
            }
        }
        if forbidden {
            return Err(StoreError::Forbidden);
        }
        if !errors.is_empty() {
            return Err(StoreError::Invalid(errors));
        }
        let now = ts(self.db.now());
        let mut groups: BTreeMap<(Mark, Option<Mark>), Vec<i64>> = BTreeMap::new();
        let mut before = serde_json::Map::new();
        let mut after = serde_json::Map::new();
        for (member_id, mark) in marks {
            let Some(cur) = current.get(member_id) else {
                continue;
            };
            let from = made_up_from(cur.status, cur.made_up_from, *mark);
            if cur.status == Some(*mark) && cur.made_up_from == from {
                continue;
            }
            groups.entry((*mark, from)).or_default().push(*member_id);
            before.insert(
                member_id.to_string(),
                serde_json::json!(cur.status.map(|s| s.as_str())),
            );
            after.insert(member_id.to_string(), serde_json::json!(mark.as_str()));
        }
        if groups.is_empty() {
            w.commit().await?;
            return Ok(m);
        }
        for ((mark, from), ids) in &groups {
            for chunk in ids.chunks(2000) {
                let mut q = Sql::new("UPDATE attendance SET status = ");
                q.safe(mark.as_str())
                    .push(", made_up_from = ")
                    .safe_opt(from.map(|f| f.as_str()))
                    .push(", self_checkin = 0, marked_by = ")
                    .text(actor.username.clone())
                    .push(", marked_at = ")
                    .safe(&now)
                    .push(" WHERE meeting_id = ")
                    .lit(meeting_id)
                    .push(" AND member_id IN (");
                for (k, id) in chunk.iter().enumerate() {
                    if k > 0 {
                        q.push(",");
                    }
                    q.lit(*id);
                }
                q.push(")");
                q.query().persistent(false).execute(&mut *w.tx).await?;
            }
        }
        recount(&mut w.tx, meeting_id).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("attendance", meeting_object(m.kind), meeting_id)
                .label(&m.title)
                .unit(&m.unit_path)
                .before(&serde_json::Value::Object(before))
                .after(&serde_json::Value::Object(after)),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(meeting_id).await
    }

    /// Opens self check-in with a fresh code for the window [opens_at, closes_at], which lasts 5 minutes
    /// to a day (`domain::attendance::checkin_window` builds one from what the user asked).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.open_checkin")
    )]
    pub async fn open_checkin(
        self,
        actor: &Actor,
        p: &Principal,
        id: i64,
        opens_at: DateTime<Utc>,
        closes_at: DateTime<Utc>,
    ) -> Result<Meeting> {
        let m = self.meeting(p, id).await?;
        if !p.can_manage_meeting(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        self.ensure_open(&m).await?;
        if closes_at <= opens_at {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "closes_at",
                "Giờ đóng phải sau giờ mở điểm danh",
            )]));
        }
        // The length rule the web and API callers apply to what users ask (5 minutes to a day).
        domain::attendance::check_checkin_window(opens_at, closes_at)
            .map_err(|e| StoreError::Invalid(vec![FieldError::new("minutes", e.to_string())]))?;
        let today = self.db.today();
        if (today - m.date).num_days().abs() > 1 {
            return Err(StoreError::Invalid(vec![FieldError::new(
                "checkin",
                format!(
                    "Chỉ mở tự điểm danh trong ngày tổ chức ({}), hoặc trước, sau ngày đó một ngày; ngoài thời gian này, bí thư điểm danh theo danh sách ký tên",
                    text::format_date(m.date)
                ),
            )]));
        }
        let code = new_code();
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE meetings SET checkin_code = $1, checkin_opens_at = $2, checkin_closes_at = $3, updated_at = $4 WHERE id = $5",
        )
        .bind(code.clone())
        .bind(ts(opens_at))
        .bind(ts(closes_at))
        .bind(ts(self.db.now()))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("open_checkin", meeting_object(m.kind), id)
                .label(&m.title)
                .unit(&m.unit_path)
                .after(
                    &serde_json::json!({ "opens_at": ts(opens_at), "closes_at": ts(closes_at) }),
                ),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(id).await
    }

    /// Ends self check-in now.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.close_checkin")
    )]
    pub async fn close_checkin(self, actor: &Actor, p: &Principal, id: i64) -> Result<Meeting> {
        let m = self.meeting(p, id).await?;
        if !p.can_manage_meeting(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        let mut w = self.db.write().await?;
        sqlx::query("UPDATE meetings SET checkin_code = NULL, checkin_opens_at = NULL, checkin_closes_at = NULL WHERE id = $1")
            .bind(id)
            .execute(&mut *w.tx)
            .await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("close_checkin", meeting_object(m.kind), id)
                .label(&m.title)
                .unit(&m.unit_path),
        )
        .await?;
        w.commit().await?;
        self.meeting_unscoped(id).await
    }

    /// A member checks themself in with the code shown at the session. `for_member` is the member the
    /// request names, if any (refused unless it is the account's own member). Every attempt is counted
    /// per account and session BEFORE the code is compared, in one atomic upsert (`Accounts::take_attempt` with
    /// `login_limits::CHECKIN`): parallel guesses cannot outrun the counter, so at most
    /// `CHECKIN_MAX_FAILURES` codes are ever compared in the window. An attempt that was not a wrong code
    /// (a success, a closed window, …) gives its count back.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.check_in")
    )]
    pub async fn check_in(
        self,
        actor: &Actor,
        p: &Principal,
        meeting_id: i64,
        code: &str,
        for_member: Option<i64>,
    ) -> std::result::Result<(Meeting, Mark), CheckinFailure> {
        let store = |e: StoreError| CheckinFailure::Store(e);
        let refused = |e: CheckinError| CheckinFailure::Refused(e);
        let own = p.member_id.ok_or(refused(CheckinError::NoMember))?;
        if for_member.is_some_and(|f| f != own) {
            return Err(refused(CheckinError::OtherMember));
        }
        // Only the sessions the member is expected at exist for this request.
        let current =
            sqlx::query("SELECT status FROM attendance WHERE meeting_id = $1 AND member_id = $2")
                .bind(meeting_id)
                .bind(own)
                .fetch_optional(&self.db.pool)
                .await
                .map_err(|e| store(e.into()))?;
        let Some(current) = current else {
            return Err(refused(CheckinError::NotExpected));
        };
        let current = mark_col(&current, "status").map_err(store)?;
        let m = self.meeting_unscoped(meeting_id).await.map_err(store)?;
        let now = self.db.now();
        let today = self.db.today();
        if today < m.date {
            return Err(refused(CheckinError::NotYet(text::format_date(m.date))));
        }
        let key = format!("checkin:{}:{meeting_id}", p.user_id);
        let rule = &domain::policy::login_limits::CHECKIN;
        let taken = self
            .db
            .accounts()
            .take_attempt(&key, rule)
            .await
            .map_err(store)?;
        if !taken.admitted {
            return Err(refused(CheckinError::TooManyAttempts));
        }
        let normalized = normalize_code(code);
        let attempt = CheckinAttempt {
            code,
            now,
            own_member: Some(own),
            for_member,
            expected: true,
            current,
        };
        let window = m.checkin_window();
        let decided = check_checkin(window.as_ref(), &attempt, |t| {
            (t + chrono::Duration::hours(7))
                .format("%H:%M ngày %d/%m/%Y")
                .to_string()
        });
        if decided.as_ref().err() != Some(&CheckinError::WrongCode) {
            self.db
                .accounts()
                .release_attempt(&key, rule, &taken)
                .await
                .map_err(store)?;
        }
        if let Err(e) = decided {
            // The code of another open session this member is expected at: say so. Comparing the code
            // with every other session is a guess at all of them, so it is counted on the member's
            // "any session" key, the one `checkin_by_code` counts on (OWASP ASVS V2.2.1): wrong codes
            // typed at one session never test more codes than that key admits.
            let any_key = format!("checkin:{}:code", p.user_id);
            let any = if e == CheckinError::WrongCode {
                Some(
                    self.db
                        .accounts()
                        .take_attempt(&any_key, rule)
                        .await
                        .map_err(store)?,
                )
            } else {
                None
            };
            if let Some(any) = any.filter(|a| a.admitted) {
                let other = sqlx::query(
                    "SELECT mt.id FROM attendance a JOIN meetings mt ON mt.id = a.meeting_id \
                     WHERE a.member_id = $1 AND mt.id <> $2 AND mt.checkin_code = $3 AND mt.checkin_closes_at >= $4 LIMIT 1",
                )
                .bind(own)
                .bind(meeting_id)
                .bind(normalized)
                .bind(ts(now))
                .fetch_optional(&self.db.pool)
                .await
                .map_err(|e| store(e.into()))?;
                if other.is_some() {
                    self.db
                        .accounts()
                        .release_attempt(&any_key, rule, &any)
                        .await
                        .map_err(store)?;
                    return Err(refused(CheckinError::OtherSession));
                }
            }
            return Err(refused(e));
        }
        let local_now = (now + chrono::Duration::hours(7)).naive_utc();
        let mark = checkin_mark(m.start_local(), local_now);
        let mut w = self.db.write().await.map_err(store)?;
        lock_meeting(self.db.backend(), &mut w.tx, meeting_id)
            .await
            .map_err(store)?;
        // Guard against a second check-in racing this one: only an unattended place is taken.
        let done = sqlx::query(
            "UPDATE attendance SET status = $1, made_up_from = NULL, self_checkin = 1, marked_by = $2, marked_at = $3 \
             WHERE meeting_id = $4 AND member_id = $5 AND (status IS NULL OR status IN ('absent', 'excused'))",
        )
        .bind(mark.as_str())
        .bind(actor.username.clone())
        .bind(ts(now))
        .bind(meeting_id)
        .bind(own)
        .execute(&mut *w.tx)
        .await
        .map_err(|e| store(e.into()))?;
        if done.rows_affected() == 0 {
            return Err(refused(CheckinError::AlreadyMarked("có mặt".to_string())));
        }
        recount(&mut w.tx, meeting_id).await.map_err(store)?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("check_in", meeting_object(m.kind), meeting_id)
                .label(&m.title)
                .unit(&m.unit_path)
                .before(&serde_json::json!({ own.to_string(): current.map(|s| s.as_str()) }))
                .after(&serde_json::json!({ own.to_string(): mark.as_str() })),
        )
        .await
        .map_err(store)?;
        w.commit().await.map_err(store)?;
        let m = self.meeting_unscoped(meeting_id).await.map_err(store)?;
        Ok((m, mark))
    }

    /// The open session with this code at which the member is expected (for typing just the code).
    ///
    /// A lookup by code alone is a guess against every session the member is expected at, so it is
    /// counted like a check-in (per account, `login_limits::CHECKIN`, before the lookup); a code that
    /// finds its session gives the count back (the check-in then counts against that session).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.find_checkin")
    )]
    pub async fn find_checkin(
        self,
        p: &Principal,
        code: &str,
    ) -> std::result::Result<Option<i64>, CheckinFailure> {
        let store = CheckinFailure::Store;
        let code = normalize_code(code);
        if code.len() != CHECKIN_CODE_LEN {
            return Ok(None);
        }
        let Some(own) = p.member_id else {
            return Ok(None);
        };
        let key = format!("checkin:{}:code", p.user_id);
        let rule = &domain::policy::login_limits::CHECKIN;
        let taken = self
            .db
            .accounts()
            .take_attempt(&key, rule)
            .await
            .map_err(store)?;
        if !taken.admitted {
            return Err(CheckinFailure::Refused(CheckinError::TooManyAttempts));
        }
        let row = sqlx::query(
            "SELECT mt.id FROM meetings mt JOIN attendance a ON a.meeting_id = mt.id AND a.member_id = $1 \
             WHERE mt.checkin_code = $2 ORDER BY mt.held_on DESC LIMIT 1",
        )
        .bind(own)
        .bind(code)
        .fetch_optional(&self.db.pool)
        .await
        .map_err(|e| store(e.into()))?;
        let found = row
            .map(|r| get::<i64>(&r, "id"))
            .transpose()
            .map_err(store)?;
        if found.is_some() {
            self.db
                .accounts()
                .release_attempt(&key, rule, &taken)
                .await
                .map_err(store)?;
        }
        Ok(found)
    }

    /// Attendance of a subtree over a period (inclusive), one kind of meeting: the marks of the members
    /// who belonged to the subtree on each meeting date, at meetings held in the subtree or above it.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.attendance_summary")
    )]
    pub async fn attendance_summary(
        self,
        p: &Principal,
        unit_path: &str,
        kind: MeetingKind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Tally> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        self.summary_unscoped(unit_path, kind, from, to).await
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.summary_unscoped")
    )]
    pub async fn summary_unscoped(
        self,
        unit_path: &str,
        kind: MeetingKind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Tally> {
        // Meetings held inside the subtree: all their expected members belonged to it.
        let mut q = Sql::new(&format!("SELECT {SUM_TALLY} FROM meetings WHERE kind = "));
        q.safe(kind.as_str()).push(" AND ");
        q.subtree("unit_path", unit_path);
        q.push(" AND held_on >= ")
            .safe(&date_str(from))
            .push(" AND held_on <= ")
            .safe(&date_str(to));
        let mut t = tally_from_row(&q.query().fetch_one(&self.db.pool).await?)?;
        // Meetings held above: only the subtree's own members.
        let mut above = ancestor_paths(unit_path);
        above.pop();
        if !above.is_empty() {
            let mut q = Sql::new(&format!(
                "SELECT {SUM_TALLY} FROM attendance_counts c WHERE c.kind = "
            ));
            q.safe(kind.as_str()).push(" AND ");
            q.subtree("c.unit_path", unit_path);
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
            t.add(&tally_from_row(&q.query().fetch_one(&self.db.pool).await?)?);
        }
        Ok(t)
    }

    /// One row per direct sub-unit (open on `to`), each with `attendance_summary` of its subtree.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.attendance_by_subunit")
    )]
    pub async fn attendance_by_subunit(
        self,
        p: &Principal,
        unit_id: i64,
        kind: MeetingKind,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<UnitTally>> {
        let unit = self.db.units().unit(p, unit_id).await?;
        if !p.can_read_rates(&unit.path) {
            return Err(StoreError::NotFound);
        }
        let children = self.db.units().child_units(p, unit.id).await?;
        let mut out = Vec::with_capacity(children.len());
        for c in children {
            // Closed before the period, or not a party organisation (fronts and mass organisations hold
            // no party members).
            if c.unit.valid_to.is_some_and(|d| d <= from) || !c.unit.unit_type.is_party() {
                continue;
            }
            let tally = self.summary_unscoped(&c.unit.path, kind, from, to).await?;
            out.push(UnitTally {
                unit: UnitRef {
                    id: c.unit.id,
                    code: c.unit.code,
                    name: c.unit.name,
                },
                child_count: c.child_count,
                tally,
            });
        }
        Ok(out)
    }

    /// A member's marks, newest first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.member_marks")
    )]
    pub async fn member_marks(
        self,
        p: &Principal,
        member_id: i64,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<MemberMark>> {
        let _ = self.db.members().member(p, member_id).await?;
        let mut q = Sql::new(
            "SELECT mt.id, mt.kind, mt.held_on, mt.title, u.name AS unit_name, ua.path AS att_path, a.status, \
             a.made_up_from, a.self_checkin, a.marked_by, a.marked_at FROM attendance a \
             JOIN meetings mt ON mt.id = a.meeting_id JOIN units u ON u.id = mt.unit_id \
             JOIN units ua ON ua.id = a.unit_id WHERE a.member_id = ",
        );
        q.int(member_id);
        if let Some(d) = from {
            q.push(" AND mt.held_on >= ").safe(&date_str(d));
        }
        if let Some(d) = to {
            q.push(" AND mt.held_on <= ").safe(&date_str(d));
        }
        q.push(" ORDER BY mt.held_on DESC, mt.id DESC LIMIT 1000");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        // Only the marks taken where the viewer may see them: a member who moved keeps their history
        // from the former unit away from the new unit's secretary.
        rows.iter()
            .filter(|r| {
                get::<String>(r, "att_path").is_ok_and(|path| p.can_read_mark(member_id, &path))
            })
            .map(sql::read::<MemberMarkRow>)
            .collect()
    }

    /// Members now in the subtree whose last two marked study sessions were absences
    /// (`domain::attendance::absent_twice_running`). Only computed for subtrees up to `limit_members`
    /// expected places a year (None = too large, choose a smaller unit).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.absentees")
    )]
    pub async fn absentees(
        self,
        p: &Principal,
        unit_path: &str,
        kind: MeetingKind,
        limit_members: i64,
    ) -> Result<Option<Vec<Absentee>>> {
        if !p.can_read_rates(unit_path) {
            return Err(StoreError::NotFound);
        }
        let today = self.db.today();
        let window_start = today - chrono::Duration::days(366 * 2);
        let size = self
            .summary_unscoped(unit_path, kind, window_start, today)
            .await?;
        if size.expected > limit_members {
            return Ok(None);
        }
        let mut q = Sql::new(
            "SELECT member_id, full_name, unit_name, held_on, title, status FROM (\
             SELECT a.member_id, mb.full_name, mb.sort_key, u.name AS unit_name, mt.held_on, mt.title, a.status, \
             ROW_NUMBER() OVER (PARTITION BY a.member_id ORDER BY mt.held_on DESC, mt.id DESC) AS rn \
             FROM attendance a JOIN meetings mt ON mt.id = a.meeting_id JOIN members mb ON mb.id = a.member_id \
             JOIN units u ON u.id = mb.unit_id JOIN units ua ON ua.id = a.unit_id \
             WHERE a.status IS NOT NULL AND mt.kind = ",
        );
        q.safe(kind.as_str()).push(" AND mb.status = 'active' AND ");
        q.subtree("u.path", unit_path);
        q.push(" AND ");
        q.subtree("ua.path", unit_path);
        q.push(") r WHERE rn <= 2 ORDER BY sort_key, member_id, held_on");
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let mut out: Vec<Absentee> = Vec::new();
        let mut marks: Vec<Option<Mark>> = Vec::new();
        let mut current: Option<Absentee> = None;
        let flush =
            |cur: Option<Absentee>, marks: &mut Vec<Option<Mark>>, out: &mut Vec<Absentee>| {
                if let Some(mut a) = cur {
                    if domain::attendance::absent_twice_running(marks) {
                        a.last.reverse();
                        out.push(a);
                    }
                }
                marks.clear();
            };
        for r in &rows {
            let r: AbsenteeRow = crate::sql::from_row(r)?;
            if current.as_ref().is_none_or(|c| c.member_id != r.member_id) {
                flush(current.take(), &mut marks, &mut out);
                current = Some(Absentee {
                    member_id: r.member_id,
                    full_name: r.full_name,
                    unit_name: r.unit_name,
                    last: Vec::new(),
                });
            }
            let mark = mark(r.status)?;
            marks.push(mark);
            if let (Some(c), Some(mk)) = (current.as_mut(), mark) {
                c.last.push((crate::sql::date(r.held_on)?, r.title, mk));
            }
        }
        flush(current.take(), &mut marks, &mut out);
        Ok(Some(out))
    }

    /// Attaches a document (PDF, Word, Excel, PowerPoint, image, text) to a meeting.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.add_document")
    )]
    pub async fn add_document(
        self,
        actor: &Actor,
        p: &Principal,
        meeting_id: i64,
        filename: &str,
        content: &[u8],
    ) -> Result<DocumentInfo> {
        let m = self.meeting(p, meeting_id).await?;
        if !p.can_manage_meeting(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        self.ensure_open(&m).await?;
        documents::attach(
            self.db,
            actor,
            documents::Record {
                owner: documents::MEETING,
                id: meeting_id,
                entity: meeting_object(m.kind),
                label: &m.title,
                unit_path: &m.unit_path,
            },
            filename,
            content,
        )
        .await
    }

    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.documents")
    )]
    pub async fn documents(self, p: &Principal, meeting_id: i64) -> Result<Vec<DocumentInfo>> {
        let _ = self.meeting(p, meeting_id).await?;
        documents::list(&self.db.pool, documents::MEETING, meeting_id).await
    }

    /// A document's bytes, for download (only through a meeting the principal may see).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.document")
    )]
    pub async fn document(
        self,
        p: &Principal,
        meeting_id: i64,
        doc_id: i64,
    ) -> Result<(DocumentInfo, Vec<u8>)> {
        let _ = self.meeting(p, meeting_id).await?;
        documents::fetch(&self.db.pool, documents::MEETING, meeting_id, doc_id).await
    }

    /// Brings the expected lists of meetings on or after `since` that concern the given unit paths up to
    /// date with membership history (after a back-dated transfer or status change). New members become
    /// unmarked places; places of members who no longer belonged are removed, their marks kept in the
    /// audit log.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.refresh_meetings")
    )]
    pub async fn refresh_meetings(
        self,
        actor: &Actor,
        paths: &[String],
        since: NaiveDate,
    ) -> Result<usize> {
        let mut all: Vec<String> = paths.iter().flat_map(|p| ancestor_paths(p)).collect();
        all.sort();
        all.dedup();
        if all.is_empty() {
            return Ok(0);
        }
        let mut q = Sql::new("SELECT id FROM meetings WHERE kind IN ('study', 'cell') AND ");
        push_in_paths(&mut q, "unit_path", &all);
        q.push(" AND held_on >= ").safe(&date_str(since));
        let ids: Vec<i64> = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| get(r, "id"))
            .collect::<Result<_>>()?;
        let mut changed = 0;
        for id in ids {
            if self.refresh_meeting(actor, id).await? {
                changed += 1;
            }
        }
        Ok(changed)
    }

    /// Puts a newly entered member (active, in `unit_id` since `since`) on the lists of the meetings held
    /// since then for that unit: by it or an ancestor, for the whole subtree or a listed unit above it. Only
    /// this member's places are touched, so entering someone with an old start date stays cheap.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.add_to_past_meetings")
    )]
    pub async fn add_to_past_meetings(
        self,
        actor: &Actor,
        member_id: i64,
        unit_id: i64,
        unit_path: &str,
        since: NaiveDate,
    ) -> Result<usize> {
        let mut q = Sql::new("SELECT id FROM meetings WHERE kind IN ('study', 'cell') AND ");
        push_in_paths(&mut q, "unit_path", &ancestor_paths(unit_path));
        q.push(" AND held_on >= ").safe(&date_str(since));
        let ids: Vec<i64> = q
            .query()
            .fetch_all(&self.db.pool)
            .await?
            .iter()
            .map(|r| get(r, "id"))
            .collect::<Result<_>>()?;
        let mut added = 0;
        for id in ids {
            let listed = sqlx::query(
                "SELECT u.path FROM meeting_units mu JOIN units u ON u.id = mu.unit_id WHERE mu.meeting_id = $1",
            )
            .bind(id)
            .fetch_all(&self.db.pool)
            .await?;
            if !listed.is_empty()
                && !listed
                    .iter()
                    .any(|r| get::<String>(r, "path").is_ok_and(|p| unit_path.starts_with(&p)))
            {
                continue;
            }
            let mut w = self.db.write().await?;
            lock_meeting(self.db.backend(), &mut w.tx, id).await?;
            let have = sqlx::query(
                "SELECT 1 AS x FROM attendance WHERE meeting_id = $1 AND member_id = $2",
            )
            .bind(id)
            .bind(member_id)
            .fetch_optional(&mut *w.tx)
            .await?;
            if have.is_some() {
                continue;
            }
            insert_attendance(&mut w.tx, id, &[(member_id, unit_id)]).await?;
            recount(&mut w.tx, id).await?;
            let m = meeting_in(&mut w.tx, id).await?;
            audit::record(
                &mut w.tx,
                self.db.now(),
                actor,
                &audit::AuditEvent::new("refresh_expected", meeting_object(m.kind), id)
                    .label(&m.title)
                    .unit(&m.unit_path)
                    .after(&serde_json::json!({ "added": [member_id] })),
            )
            .await?;
            w.commit().await?;
            added += 1;
        }
        Ok(added)
    }

    /// Recomputes one meeting's expected list on request (the button on the session page).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "attendance.refresh_meeting_list")
    )]
    pub async fn refresh_meeting_list(self, actor: &Actor, p: &Principal, id: i64) -> Result<bool> {
        let m = self.meeting(p, id).await?;
        if !p.can_manage_meeting(&m.unit_path) {
            return Err(StoreError::Forbidden);
        }
        self.ensure_open(&m).await?;
        self.refresh_meeting(actor, id).await
    }

    async fn refresh_meeting(self, actor: &Actor, id: i64) -> Result<bool> {
        let m = self.meeting_unscoped(id).await?;
        let mut expected: BTreeMap<i64, i64> = BTreeMap::new();
        let roots: Vec<String> = if m.for_units.is_empty() {
            vec![m.unit_path.clone()]
        } else {
            let mut v = Vec::new();
            for u in &m.for_units {
                if let Some(u) = self.db.units().unit_unscoped(u.id).await? {
                    v.push(u.path);
                }
            }
            v
        };
        for r in &roots {
            for (mem, u) in self.db.members().members_as_of(r, m.date).await? {
                expected.entry(mem).or_insert(u);
            }
        }
        let mut w = self.db.write().await?;
        lock_meeting(self.db.backend(), &mut w.tx, id).await?;
        let rows =
            sqlx::query("SELECT member_id, unit_id, status FROM attendance WHERE meeting_id = $1")
                .bind(id)
                .fetch_all(&mut *w.tx)
                .await?;
        let mut have: HashMap<i64, (i64, Option<String>)> = HashMap::new();
        for r in &rows {
            have.insert(
                get(r, "member_id")?,
                (get(r, "unit_id")?, get(r, "status")?),
            );
        }
        // New places start unmarked; a member whose unit on the date changed keeps their mark; only members
        // who no longer belonged lose their place (the audit log keeps what they had).
        let add: Vec<(i64, i64)> = expected
            .iter()
            .filter(|(m, _)| !have.contains_key(m))
            .map(|(m, u)| (*m, *u))
            .collect();
        let moved: Vec<(i64, i64)> = expected
            .iter()
            .filter(|(m, u)| have.get(m).is_some_and(|(hu, _)| hu != *u))
            .map(|(m, u)| (*m, *u))
            .collect();
        let remove: Vec<i64> = have
            .keys()
            .filter(|m| !expected.contains_key(m))
            .copied()
            .collect();
        if add.is_empty() && remove.is_empty() && moved.is_empty() {
            return Ok(false);
        }
        let removed: serde_json::Map<String, serde_json::Value> = remove
            .iter()
            .map(|m| {
                (
                    m.to_string(),
                    serde_json::json!(have.get(m).and_then(|(_, s)| s.clone())),
                )
            })
            .collect();
        for chunk in remove.chunks(2000) {
            let mut q = Sql::new("DELETE FROM attendance WHERE meeting_id = ");
            q.lit(id).push(" AND member_id IN (");
            for (k, mid) in chunk.iter().enumerate() {
                if k > 0 {
                    q.push(",");
                }
                q.lit(*mid);
            }
            q.push(")");
            q.query().persistent(false).execute(&mut *w.tx).await?;
        }
        for (mid, unit) in &moved {
            sqlx::query(
                "UPDATE attendance SET unit_id = $1 WHERE meeting_id = $2 AND member_id = $3",
            )
            .bind(*unit)
            .bind(id)
            .bind(*mid)
            .execute(&mut *w.tx)
            .await?;
        }
        insert_attendance(&mut w.tx, id, &add).await?;
        recount(&mut w.tx, id).await?;
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("refresh_expected", meeting_object(m.kind), id)
                .label(&m.title)
                .unit(&m.unit_path)
                .before(&serde_json::json!({ "removed": removed }))
                .after(&serde_json::json!({
                    "added": add.iter().map(|(m, _)| m).collect::<Vec<_>>(),
                    "unit_changed": moved.iter().map(|(m, _)| m).collect::<Vec<_>>(),
                })),
        )
        .await?;
        w.commit().await?;
        Ok(true)
    }
}

/// Why a self check-in failed.
#[derive(Debug)]
pub enum CheckinFailure {
    Refused(CheckinError),
    Store(StoreError),
}

fn meeting_object(kind: MeetingKind) -> &'static str {
    match kind {
        MeetingKind::Study => "study_session",
        MeetingKind::Cell => "cell_meeting",
    }
}

fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..CHECKIN_CODE_LEN)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// On PostgreSQL, takes the meeting's row lock so that concurrent marks of one meeting (a secretary saving
/// while members check in) recount one after the other. SQLite writers are already serialised.
async fn lock_meeting(
    backend: crate::Backend,
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: i64,
) -> Result<()> {
    if backend == crate::Backend::Postgres {
        sqlx::query("SELECT id FROM meetings WHERE id = $1 FOR UPDATE")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    }
    Ok(())
}

struct CurrentMark {
    status: Option<Mark>,
    made_up_from: Option<Mark>,
    unit_path: String,
}

async fn load_marks(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    meeting_id: i64,
    ids: impl Iterator<Item = i64>,
) -> Result<HashMap<i64, CurrentMark>> {
    let ids: Vec<i64> = ids.collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(2000) {
        let mut q = Sql::new(
            "SELECT a.member_id, a.status, a.made_up_from, u.path FROM attendance a JOIN units u ON u.id = a.unit_id \
             WHERE a.meeting_id = ",
        );
        q.lit(meeting_id).push(" AND a.member_id IN (");
        for (k, id) in chunk.iter().enumerate() {
            if k > 0 {
                q.push(",");
            }
            q.lit(*id);
        }
        q.push(")");
        for r in q.query().persistent(false).fetch_all(&mut **tx).await? {
            out.insert(
                get::<i64>(&r, "member_id")?,
                CurrentMark {
                    status: mark_col(&r, "status")?,
                    made_up_from: mark_col(&r, "made_up_from")?,
                    unit_path: get(&r, "path")?,
                },
            );
        }
    }
    Ok(out)
}

async fn insert_attendance(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    meeting_id: i64,
    rows: &[(i64, i64)],
) -> Result<()> {
    for chunk in rows.chunks(2000) {
        let mut q = Sql::new("INSERT INTO attendance (meeting_id, member_id, unit_id) VALUES ");
        for (k, (m, u)) in chunk.iter().enumerate() {
            if k > 0 {
                q.push(",");
            }
            q.push("(")
                .lit(meeting_id)
                .push(",")
                .lit(*m)
                .push(",")
                .lit(*u)
                .push(")");
        }
        q.query().persistent(false).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Rewrites a meeting's tallies (per meeting and per member unit) from its marks.
pub(crate) async fn recount(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    meeting_id: i64,
) -> Result<()> {
    let head = sqlx::query("SELECT kind, held_on FROM meetings WHERE id = $1")
        .bind(meeting_id)
        .fetch_one(&mut **tx)
        .await?;
    let kind: String = get(&head, "kind")?;
    let held_on: String = get(&head, "held_on")?;
    let rows = sqlx::query(
        "SELECT a.unit_id, u.path, a.status, CAST(COUNT(*) AS BIGINT) AS n FROM attendance a \
         JOIN units u ON u.id = a.unit_id WHERE a.meeting_id = $1 GROUP BY a.unit_id, u.path, a.status",
    )
    .bind(meeting_id)
    .fetch_all(&mut **tx)
    .await?;
    let mut per_unit: BTreeMap<i64, (String, Tally)> = BTreeMap::new();
    for r in &rows {
        let unit_id: i64 = get(r, "unit_id")?;
        let path: String = get(r, "path")?;
        let n: i64 = get(r, "n")?;
        let mark = mark_col(r, "status")?;
        let e = per_unit
            .entry(unit_id)
            .or_insert_with(|| (path, Tally::default()));
        for _ in 0..n {
            e.1.add_mark(mark);
        }
    }
    let mut total = Tally::default();
    sqlx::query("DELETE FROM attendance_counts WHERE meeting_id = $1")
        .bind(meeting_id)
        .execute(&mut **tx)
        .await?;
    let list: Vec<(i64, (String, Tally))> = per_unit.into_iter().collect();
    for chunk in list.chunks(500) {
        let mut q = Sql::new(
            "INSERT INTO attendance_counts (meeting_id, unit_id, unit_path, kind, held_on, expected, present, late, excused, absent, makeup) VALUES ",
        );
        for (k, (unit_id, (path, t))) in chunk.iter().enumerate() {
            total.add(t);
            if k > 0 {
                q.push(",");
            }
            q.push("(")
                .lit(meeting_id)
                .push(",")
                .lit(*unit_id)
                .push(",")
                .text(path.clone());
            q.push(",").safe(&kind).push(",").safe(&held_on);
            for v in [t.expected, t.present, t.late, t.excused, t.absent, t.makeup] {
                q.push(",").lit(v);
            }
            q.push(")");
        }
        q.query().persistent(false).execute(&mut **tx).await?;
    }
    let mut q = Sql::new("UPDATE meetings SET expected = ");
    q.lit(total.expected)
        .push(", present = ")
        .lit(total.present)
        .push(", late = ")
        .lit(total.late)
        .push(", excused = ")
        .lit(total.excused)
        .push(", absent = ")
        .lit(total.absent)
        .push(", makeup = ")
        .lit(total.makeup)
        .push(" WHERE id = ")
        .lit(meeting_id);
    q.query().persistent(false).execute(&mut **tx).await?;
    Ok(())
}

async fn meeting_in(tx: &mut sqlx::Transaction<'static, sqlx::Any>, id: i64) -> Result<Meeting> {
    let row = sqlx::query(&format!(
        "SELECT {MEETING_COLS} {MEETING_FROM} WHERE mt.id = $1"
    ))
    .bind(id)
    .fetch_one(&mut **tx)
    .await?;
    meeting_from_row(&row)
}
