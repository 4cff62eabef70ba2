//! Citizen feedback as the units handle it (docs/DOMAIN.md § Public portal): the moderation queue of a
//! subtree, approve / hide with a reason / mark as spam, and the public answer. Feedback is routed to the
//! unit that owns the subject; `domain::policy::can_answer_feedback` over that unit decides who may act,
//! and every action is audited. Citizens' side (submission, rate limits, answers on items) is in
//! `portal.rs`.

use crate::sql::{self, parse_ts, Sql};
use crate::{audit, get, ts, Actor, Feedback, FieldError, Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use domain::feedback::{self as fb, FeedbackStatus, Moderation, SubjectName, SubjectType};
use domain::policy::Principal;
use serde::Serialize;
use sqlx::any::AnyRow;

/// A feedback as the unit sees it (with the name and contact the citizen left).
#[derive(Debug, Clone, Serialize)]
pub struct FeedbackItem {
    pub id: i64,
    pub tracking_code: String,
    pub subject_type: SubjectType,
    pub subject_id: i64,
    /// Whose registration or which model (`SubjectName::label` words it).
    pub subject_name: SubjectName,
    pub unit_code: String,
    pub unit_name: String,
    #[serde(skip)]
    pub unit_path: String,
    pub content: String,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub status: FeedbackStatus,
    pub hide_reason: String,
    pub moderated_by: Option<String>,
    pub answer: String,
    pub answered_by: Option<String>,
    pub received_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
    /// Days from receipt to answer.
    pub response_days: Option<i64>,
    /// No answer yet, past the answer window.
    pub overdue: bool,
    /// Days since receipt (for open items).
    pub age_days: i64,
    /// Near-identical submissions folded into this one (`domain::feedback::near_duplicate`).
    pub duplicates: i64,
}

impl FeedbackItem {
    pub fn received_on(&self) -> NaiveDate {
        domain::registration::vn_date(self.received_at)
    }
    pub fn answered_on(&self) -> Option<NaiveDate> {
        self.answered_at.map(domain::registration::vn_date)
    }
}

/// Which feedback to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FeedbackView {
    /// Waiting for moderation or an answer (the default queue).
    #[default]
    Open,
    /// Open and past the answer window.
    Overdue,
    Answered,
    /// Hidden or spam.
    Removed,
    All,
}

impl FeedbackView {
    pub fn parse(s: &str) -> FeedbackView {
        match s {
            "qua-han" => FeedbackView::Overdue,
            "da-tra-loi" => FeedbackView::Answered,
            "da-an" => FeedbackView::Removed,
            "tat-ca" => FeedbackView::All,
            _ => FeedbackView::Open,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FeedbackView::Open => "",
            FeedbackView::Overdue => "qua-han",
            FeedbackView::Answered => "da-tra-loi",
            FeedbackView::Removed => "da-an",
            FeedbackView::All => "tat-ca",
        }
    }
}

/// Counts for the queue's tabs.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct FeedbackCounts {
    pub open: i64,
    pub overdue: i64,
    pub answered: i64,
    pub removed: i64,
    /// Mean days to answer, over answered items.
    pub mean_response_days: Option<f64>,
}

/// Demo feedback (see the demo loader).
#[cfg(feature = "bulk-load")]
#[derive(Debug, Clone)]
pub struct NewDemoFeedback {
    pub subject_type: SubjectType,
    pub subject_id: i64,
    pub content: String,
    pub name: Option<String>,
    pub contact: Option<String>,
    pub status: FeedbackStatus,
    pub hide_reason: String,
    pub answer: Option<String>,
    pub received_at: DateTime<Utc>,
    pub answered_at: Option<DateTime<Utc>>,
}

const COLS: &str = "f.id, f.tracking_code, f.subject_type, f.subject_id, f.unit_path, u.code AS unit_code, \
    u.name AS unit_name, f.content, f.name, f.contact, f.status, f.hide_reason, f.moderated_by, f.answer, \
    f.answered_by, f.created_at, f.answered_at, f.duplicates, m.full_name AS reg_name, r.year AS reg_year, mo.name AS model_name";
const FROM: &str = "FROM feedback f JOIN units u ON u.id = f.unit_id \
    LEFT JOIN registrations r ON f.subject_type = 'registration' AND r.id = f.subject_id \
    LEFT JOIN members m ON m.id = r.member_id \
    LEFT JOIN models mo ON f.subject_type = 'model' AND mo.id = f.subject_id";

/// A feedback as `COLS` selects it.
#[derive(sqlx::FromRow)]
struct FeedbackRow {
    id: i64,
    tracking_code: String,
    subject_type: String,
    subject_id: i64,
    unit_code: String,
    unit_name: String,
    unit_path: String,
    content: String,
    name: Option<String>,
    contact: Option<String>,
    status: String,
    hide_reason: String,
    moderated_by: Option<String>,
    answer: String,
    answered_by: Option<String>,
    created_at: String,
    answered_at: Option<String>,
    duplicates: i64,
    #[sqlx(flatten)]
    subject: SubjectCols,
}

/// What a feedback is about, as the joins of `FROM` name it: the registration's member and year or the
/// model's name.
#[derive(sqlx::FromRow)]
pub(crate) struct SubjectCols {
    reg_name: Option<String>,
    reg_year: Option<i64>,
    model_name: Option<String>,
}

impl SubjectCols {
    pub(crate) fn name(self, subject_type: SubjectType) -> SubjectName {
        match subject_type {
            SubjectType::Registration => SubjectName::Registration {
                year: Some(self.reg_year.unwrap_or_default()),
                member_name: self.reg_name.unwrap_or_default(),
            },
            SubjectType::Model => SubjectName::Model {
                name: self.model_name.unwrap_or_default(),
            },
        }
    }
}

impl FeedbackRow {
    /// The item as it stands at `now`, with `answer_days` to answer.
    fn into_item(self, now: DateTime<Utc>, answer_days: i64) -> Result<FeedbackItem> {
        let st = self.subject_type;
        let subject_type = SubjectType::parse(&st)
            .ok_or_else(|| StoreError::Corrupt(format!("loại phản ánh {st}")))?;
        let status = self.status;
        let status = FeedbackStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("trạng thái phản ánh {status}")))?;
        let subject_name = self.subject.name(subject_type);
        let received_at = parse_ts(&self.created_at)?;
        let answered_at = self.answered_at.map(|s| parse_ts(&s)).transpose()?;
        Ok(FeedbackItem {
            id: self.id,
            tracking_code: self.tracking_code,
            subject_type,
            subject_id: self.subject_id,
            subject_name,
            unit_code: self.unit_code,
            unit_name: self.unit_name,
            unit_path: self.unit_path,
            content: self.content,
            name: self.name,
            contact: self.contact,
            status,
            hide_reason: self.hide_reason,
            moderated_by: self.moderated_by,
            answer: self.answer,
            answered_by: self.answered_by,
            received_at,
            answered_at,
            response_days: answered_at.map(|a| fb::response_days(received_at, a)),
            overdue: fb::is_overdue(status, answered_at.is_some(), received_at, now, answer_days),
            age_days: (now - received_at).num_days().max(0),
            duplicates: self.duplicates,
        })
    }
}

impl Feedback<'_> {
    fn feedback_from_row(self, r: &AnyRow) -> Result<FeedbackItem> {
        sql::from_row::<FeedbackRow>(r)?.into_item(self.db.now(), self.db.answer_days)
    }

    /// The feedback routed to `p`'s subtree, oldest open first.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.feedback_queue")
    )]
    pub async fn feedback_queue(
        self,
        p: &Principal,
        view: FeedbackView,
    ) -> Result<(Vec<FeedbackItem>, FeedbackCounts)> {
        if !p.has(domain::policy::Capability::AnswerFeedback) {
            return Err(StoreError::Forbidden);
        }
        let overdue_floor = ts(self.db.now() - chrono::Duration::days(self.db.answer_days));
        let mut q = Sql::new(&format!("SELECT {COLS} {FROM} WHERE "));
        q.subtree("f.unit_path", p.unit_prefix());
        let open = " AND f.status IN ('pending', 'approved') AND f.answered_at IS NULL";
        match view {
            FeedbackView::Open => {
                q.push(open);
            }
            FeedbackView::Overdue => {
                q.push(open)
                    .push(" AND f.created_at < ")
                    .text(overdue_floor.clone());
            }
            FeedbackView::Answered => {
                q.push(" AND f.answered_at IS NOT NULL AND f.status = 'approved'");
            }
            FeedbackView::Removed => {
                q.push(" AND f.status IN ('hidden', 'spam')");
            }
            FeedbackView::All => {}
        }
        if matches!(view, FeedbackView::Open | FeedbackView::Overdue) {
            q.push(" ORDER BY f.created_at, f.id LIMIT 500");
        } else {
            q.push(" ORDER BY f.created_at DESC, f.id DESC LIMIT 500");
        }
        let rows = q.query().fetch_all(&self.db.pool).await?;
        let items = rows
            .iter()
            .map(|r| self.feedback_from_row(r))
            .collect::<Result<Vec<_>>>()?;
        let counts = self.feedback_counts_of(p).await?;
        Ok((items, counts))
    }

    /// Counts of the feedback routed to `p`'s subtree (the queue's tabs, the dashboard).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.feedback_counts_of")
    )]
    pub async fn feedback_counts_of(self, p: &Principal) -> Result<FeedbackCounts> {
        if !p.has(domain::policy::Capability::AnswerFeedback) {
            return Err(StoreError::Forbidden);
        }
        let overdue_floor = ts(self.db.now() - chrono::Duration::days(self.db.answer_days));
        let mut c = Sql::new("SELECT f.status, f.created_at, f.answered_at FROM feedback f WHERE ");
        c.subtree("f.unit_path", p.unit_prefix());
        let mut counts = FeedbackCounts::default();
        let (mut total_days, mut answered_n) = (0i64, 0i64);
        for r in c.query().fetch_all(&self.db.pool).await? {
            let status: String = get(&r, "status")?;
            let created: String = get(&r, "created_at")?;
            let answered: Option<String> = get(&r, "answered_at")?;
            match (status.as_str(), answered) {
                ("hidden" | "spam", _) => counts.removed += 1,
                (_, Some(a)) => {
                    counts.answered += 1;
                    if let (Ok(rc), Ok(an)) = (parse_ts(&created), parse_ts(&a)) {
                        total_days += fb::response_days(rc, an);
                        answered_n += 1;
                    }
                }
                (_, None) => {
                    counts.open += 1;
                    if created < overdue_floor {
                        counts.overdue += 1;
                    }
                }
            }
        }
        if answered_n > 0 {
            counts.mean_response_days = Some(total_days as f64 / answered_n as f64);
        }
        Ok(counts)
    }

    /// One feedback `p` may handle (404 otherwise).
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.feedback_item")
    )]
    pub async fn feedback_item(self, p: &Principal, id: i64) -> Result<FeedbackItem> {
        let row = sqlx::query(&format!("SELECT {COLS} {FROM} WHERE f.id = $1"))
            .bind(id)
            .fetch_optional(&self.db.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        let item = self.feedback_from_row(&row)?;
        if p.can_answer_feedback(&item.unit_path) {
            Ok(item)
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Approve, hide with a reason, or mark as spam.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.moderate_feedback")
    )]
    pub async fn moderate_feedback(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        m: Moderation,
    ) -> Result<FeedbackItem> {
        let before = self.feedback_item(p, id).await?;
        let (status, reason) = match &m {
            Moderation::Approve => (FeedbackStatus::Approved, String::new()),
            Moderation::Spam => (FeedbackStatus::Spam, String::new()),
            Moderation::Hide { reason } => {
                let r = fb::check_answer(reason, "lý do ẩn")
                    .map_err(|msg| StoreError::Invalid(vec![FieldError::new("reason", msg)]))?;
                (FeedbackStatus::Hidden, r)
            }
        };
        let now = self.db.now();
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE feedback SET status = $1, hide_reason = $2, moderated_by = $3, moderated_at = $4 WHERE id = $5",
        )
        .bind(status.as_str())
        .bind(reason.clone())
        .bind(actor.username.clone())
        .bind(ts(now))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("moderate", "feedback", id)
                .label(before.subject_name.label())
                .unit(&before.unit_path)
                .before(&serde_json::json!({ "status": before.status.as_str() }))
                .after(&serde_json::json!({ "status": status.as_str(), "reason": reason })),
        )
        .await?;
        w.commit().await?;
        self.feedback_item(p, id).await
    }

    /// The unit's public answer; answering approves the feedback. A later answer replaces the earlier
    /// one (the audit log keeps both); the response time counts from the first answer.
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.answer_feedback")
    )]
    pub async fn answer_feedback(
        self,
        p: &Principal,
        actor: &Actor,
        id: i64,
        answer: &str,
    ) -> Result<FeedbackItem> {
        let before = self.feedback_item(p, id).await?;
        let text = fb::check_answer(answer, "nội dung trả lời")
            .map_err(|msg| StoreError::Invalid(vec![FieldError::new("answer", msg)]))?;
        let now = self.db.now();
        let answered_at = before.answered_at.map(ts).unwrap_or_else(|| ts(now));
        let mut w = self.db.write().await?;
        sqlx::query(
            "UPDATE feedback SET status = 'approved', answer = $1, answered_by = $2, answered_at = $3, \
             moderated_by = COALESCE(moderated_by, $2), moderated_at = COALESCE(moderated_at, $4), hide_reason = '' \
             WHERE id = $5",
        )
        .bind(text.clone())
        .bind(actor.username.clone())
        .bind(answered_at)
        .bind(ts(now))
        .bind(id)
        .execute(&mut *w.tx)
        .await?;
        audit::record(
            &mut w.tx,
            now,
            actor,
            &audit::AuditEvent::new("answer", "feedback", id)
                .label(before.subject_name.label())
                .unit(&before.unit_path)
                .before(&serde_json::json!({ "status": before.status.as_str(), "answer": before.answer }))
                .after(&serde_json::json!({ "status": "approved", "answer": text })),
        )
        .await?;
        w.commit().await?;
        self.feedback_item(p, id).await
    }

    /// Loads demo feedback with its own dates (one transaction, one audit record).
    #[cfg(feature = "bulk-load")]
    #[tracing::instrument(
        name = "db",
        level = "debug",
        skip_all,
        fields(op = "feedback.load_demo_feedback")
    )]
    pub async fn load_demo_feedback(
        self,
        actor: &Actor,
        rows: &[NewDemoFeedback],
    ) -> Result<usize> {
        let mut w = self.db.write().await?;
        let mut n = 0;
        for f in rows {
            let sql = match f.subject_type {
                SubjectType::Registration => {
                    "SELECT unit_id, unit_path FROM registrations WHERE id = $1"
                }
                SubjectType::Model => "SELECT unit_id, unit_path FROM models WHERE id = $1",
            };
            let Some(owner) = sqlx::query(sql)
                .bind(f.subject_id)
                .fetch_optional(&mut *w.tx)
                .await?
            else {
                continue;
            };
            let unit_id: i64 = get(&owner, "unit_id")?;
            let unit_path: String = get(&owner, "unit_path")?;
            sqlx::query(
                "INSERT INTO feedback (tracking_code, subject_type, subject_id, unit_id, unit_path, content, name, \
                 contact, client_key, status, hide_reason, moderated_by, moderated_at, answer, answered_by, answered_at, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'demo', $9, $10, $11, $12, $13, $14, $15, $16)",
            )
            .bind(format!("DEMO{:06}", n + 1))
            .bind(f.subject_type.as_str())
            .bind(f.subject_id)
            .bind(unit_id)
            .bind(unit_path)
            .bind(f.content.clone())
            .bind(f.name.clone())
            .bind(f.contact.clone())
            .bind(f.status.as_str())
            .bind(f.hide_reason.clone())
            .bind((f.status != FeedbackStatus::Pending).then(|| "demo".to_string()))
            .bind((f.status != FeedbackStatus::Pending).then(|| ts(f.received_at)))
            .bind(f.answer.clone().unwrap_or_default())
            .bind(f.answer.as_ref().map(|_| "demo".to_string()))
            .bind(f.answered_at.map(ts))
            .bind(ts(f.received_at))
            .execute(&mut *w.tx)
            .await?;
            n += 1;
        }
        audit::record(
            &mut w.tx,
            self.db.now(),
            actor,
            &audit::AuditEvent::new("load", "feedback", "demo")
                .label(format!("{n} phản ánh mẫu"))
                .unit("/"),
        )
        .await?;
        w.commit().await?;
        Ok(n)
    }
}
