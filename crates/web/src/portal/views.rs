//! What the portal's templates show of the store's public values: unit links, registrations with their
//! items, feedback, model cards, the feedback form, search hits.

use crate::respond::FormErrors;
use crate::view;
use domain::feedback::{self as fb, Confirmation};
use store::{
    MemberCommendation, PortalUnit, PublicClassification, PublicCommendation, PublicFeedback,
    PublicRecognition, PublicRegistration,
};

pub struct UnitLink {
    pub code: String,
    pub name: String,
    pub counts: String,
}

impl UnitLink {
    pub(super) fn of(u: &PortalUnit) -> UnitLink {
        let mut parts = Vec::new();
        if u.registrations > 0 {
            parts.push(format!(
                "{} bản đăng ký công khai",
                view::num(u.registrations)
            ));
        }
        if u.models > 0 {
            parts.push(format!("{} mô hình", view::num(u.models)));
        }
        UnitLink {
            code: u.code.clone(),
            name: u.name.clone(),
            counts: parts.join(" · "),
        }
    }
}

pub struct ItemView {
    pub id: i64,
    pub number: i64,
    pub exemplary: bool,
    pub content: String,
    pub target: String,
    pub deadline: String,
    pub status: String,
    /// CSS class of the status badge.
    pub tone: &'static str,
    pub confirmation: String,
    pub citizens: String,
    pub may_answer: bool,
}

pub struct RegView {
    pub id: i64,
    pub name: String,
    pub position: String,
    pub organisation: String,
    pub year: i32,
    pub published: String,
    pub progress: String,
    pub percent: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub items: Vec<ItemView>,
    /// Some item is past its deadline: citizens may answer.
    pub answerable: bool,
}

impl RegView {
    pub(super) fn of(r: &PublicRegistration) -> RegView {
        RegView {
            answerable: r.items.iter().any(|i| i.citizens_may_answer),
            id: r.id,
            name: r.name.clone(),
            position: r.position.clone(),
            organisation: r.organisation.clone(),
            year: r.year,
            published: view::date(r.published_on),
            progress: crate::labels::registration_progress(r.done(), r.items.len()),
            percent: r.progress_percent(),
            unit_code: r.portal_unit.clone(),
            unit_name: r.portal_unit_name.clone(),
            items: r
                .items
                .iter()
                .map(|i| {
                    let c = &i.completion;
                    let tone = match (c.outcome, c.confirmation) {
                        (_, Confirmation::None) => "",
                        (Some(domain::registration::Outcome::Done), _) => "green",
                        (Some(domain::registration::Outcome::NotDone), _) => "red",
                        _ => "gold",
                    };
                    let t = c.citizens;
                    let citizens = if t.total() > 0 {
                        format!(
                            "Người dân trả lời: {} đã làm, {} làm một phần, {} chưa làm, {} không rõ",
                            t.done, t.partly, t.not_done, t.dont_know
                        )
                    } else {
                        String::new()
                    };
                    ItemView {
                        id: i.id,
                        number: i.position,
                        exemplary: i.exemplary,
                        content: i.content.clone(),
                        target: i.target.clone(),
                        deadline: view::date(i.deadline),
                        status: c
                            .outcome
                            .map(|o| o.label().to_string())
                            .unwrap_or_else(|| "Chưa báo cáo".to_string()),
                        tone,
                        confirmation: if c.outcome.is_some() {
                            c.confirmation.label().to_string()
                        } else {
                            String::new()
                        },
                        citizens,
                        may_answer: i.citizens_may_answer,
                    }
                })
                .collect(),
        }
    }
}

pub struct FeedbackView {
    pub subject_label: String,
    pub subject_href: String,
    pub content: String,
    pub received: String,
    pub answer: String,
    pub answered: String,
    pub days: String,
}

impl FeedbackView {
    pub(super) fn of(f: &PublicFeedback) -> FeedbackView {
        FeedbackView {
            subject_label: f.subject_name.label(),
            subject_href: match f.subject_type {
                fb::SubjectType::Registration => format!("/cong-khai/dang-ky/{}", f.subject_id),
                fb::SubjectType::Model => format!("/cong-khai/mo-hinh/{}", f.subject_id),
            },
            content: f.content.clone(),
            received: domain::text::format_date(f.received_on),
            answer: f.answer.clone(),
            answered: domain::text::format_date(f.answered_on),
            days: if f.response_days == 0 {
                "trong ngày".to_string()
            } else {
                format!("sau {} ngày", f.response_days)
            },
        }
    }
}

pub struct ModelCard {
    pub id: i64,
    pub name: String,
    pub field: String,
    pub status: &'static str,
    pub owner: String,
    pub started: String,
    pub spread: String,
}

impl ModelCard {
    pub(super) fn of(m: &store::PublicModel) -> ModelCard {
        ModelCard {
            id: m.id,
            name: m.name.clone(),
            field: m.field.clone(),
            status: m.status.label(),
            owner: m.unit.name.clone(),
            started: domain::text::format_date(m.started_on),
            spread: if m.replications.is_empty() {
                String::new()
            } else {
                format!("Đã nhân rộng tới {} đơn vị", m.replications.len())
            },
        }
    }
}

/// What the feedback form shows (typed values and errors after a refused submission).
#[derive(Default, Clone)]
pub struct FeedbackFormView {
    pub subject_type: String,
    pub subject_id: i64,
    pub content: String,
    pub name: String,
    pub contact: String,
    pub errors: FormErrors,
}

impl FeedbackFormView {
    pub(super) fn new(subject_type: &str, subject_id: i64) -> FeedbackFormView {
        FeedbackFormView {
            subject_type: subject_type.to_string(),
            subject_id,
            ..Default::default()
        }
    }
    pub fn max_content(&self) -> usize {
        fb::MAX_CONTENT_CHARS
    }
}

pub struct ResultView {
    pub date: String,
    pub indicator: String,
    pub value: String,
}

pub struct PhotoView {
    pub id: i64,
    pub caption: String,
}

pub struct Hit {
    pub kind: &'static str,
    pub href: String,
    pub title: String,
    pub subtitle: String,
}

/// A decided commendation as the portal shows it: what, which level, who issued it, the decision, for what.
pub struct CommendationView {
    pub heading: String,
    pub level: &'static str,
    pub issuer: String,
    /// "Quyết định số 12-QĐ/TU ngày 20/12/2019".
    pub decision: String,
    pub reason: String,
    /// On a member's page: "Cùng 3 người khác" when the decision names other members ("" otherwise).
    pub others: String,
}

impl CommendationView {
    pub(super) fn of(c: &PublicCommendation) -> CommendationView {
        CommendationView {
            heading: c.heading.clone(),
            level: c.level.label(),
            issuer: c.issuer.clone(),
            decision: decision_words(&c.decision_number, c.decided_on),
            reason: c.reason.clone(),
            others: String::new(),
        }
    }

    pub(super) fn of_member(c: &MemberCommendation) -> CommendationView {
        let mut v = CommendationView::of(&c.commendation);
        if c.other_members > 0 {
            v.others = format!("Cùng {} người khác", view::num(c.other_members));
        }
        v
    }
}

/// A recognition or classification decision on a unit's page: "Đạt chuẩn … từ 20/12/2019".
pub struct DecisionView {
    pub title: String,
    pub since: String,
    pub decision: String,
    pub issuer: String,
}

impl DecisionView {
    pub(super) fn recognition(r: &PublicRecognition) -> DecisionView {
        DecisionView {
            // "Đạt chuẩn theo bộ tiêu chí …": the set's title reads on inside the sentence.
            title: match r.set_title.strip_prefix("Bộ ") {
                Some(rest) => format!("Đạt chuẩn theo bộ {rest}"),
                None => format!("Đạt chuẩn theo {}", r.set_title),
            },
            since: domain::text::format_date(r.decided_on),
            decision: decision_words(&r.decision_number, r.decided_on),
            issuer: r.issued_by.clone(),
        }
    }

    pub(super) fn classification(c: &PublicClassification) -> DecisionView {
        DecisionView {
            title: c.title.clone(),
            since: domain::text::format_date(c.decided_on),
            decision: decision_words(&c.decision_number, c.decided_on),
            issuer: c.issued_by.clone(),
        }
    }
}

fn decision_words(number: &str, day: chrono::NaiveDate) -> String {
    let day = domain::text::format_date(day);
    if number.trim().is_empty() {
        format!("Quyết định ngày {day}")
    } else {
        format!("Quyết định số {} ngày {day}", number.trim())
    }
}
