//! The "Tiêu chí và phân loại" section of the unit page: the criteria sets that apply to the unit with
//! their met/total today and recognition, and the unit's classifications.

use super::unit::decision_label;
use super::{found, seg};
use crate::view::{date, num};
use crate::AppState;
use domain::policy::Principal;
use store::StoreError;

/// A set as the unit page shows it.
pub struct SectionSet {
    pub href: String,
    pub title: String,
    pub met: String,
    pub recognised: bool,
    pub decision: String,
}

pub struct SectionClass {
    pub title: String,
    pub decision: String,
    pub current: bool,
}

/// "Tiêu chí và phân loại" on the unit page: the sets that apply to the unit with met/total today and
/// recognition, and its classifications (the newest of each title is the current one).
pub struct UnitSection {
    pub sets: Vec<SectionSet>,
    pub classes: Vec<SectionClass>,
}

impl UnitSection {
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty() && self.classes.is_empty()
    }
}

pub async fn unit_section(
    st: &AppState,
    p: &Principal,
    unit: &domain::Unit,
) -> Result<UnitSection, StoreError> {
    if p.role == domain::Role::Member {
        return Ok(UnitSection {
            sets: vec![],
            classes: vec![],
        });
    }
    let today = st.db.today();
    let c = st.db.criteria();
    let mut sets = Vec::new();
    for s in c.sets_for_unit(p, unit.id).await? {
        let Some(x) = found(c.status(p, &s.code, &unit.code, today).await)? else {
            continue;
        };
        sets.push(SectionSet {
            href: format!("/tieu-chi/{}/don-vi/{}", seg(&s.code), seg(&unit.code)),
            title: s.title.clone(),
            met: format!("{}/{} tiêu chí đạt", num(x.met), num(x.total)),
            recognised: x.recognised,
            decision: x
                .decision
                .as_ref()
                .map(|d| format!("{} · {}", d.decision_number, date(Some(d.decided_on))))
                .unwrap_or_default(),
        });
    }
    let mut seen: Vec<String> = Vec::new();
    let classes = c
        .classifications(p, Some(&unit.code))
        .await?
        .into_iter()
        .map(|x| {
            let current = !seen.contains(&x.title) && x.decided_on <= today;
            if current {
                seen.push(x.title.clone());
            }
            SectionClass {
                decision: decision_label(&x.decision_number, x.decided_on, &x.issued_by),
                title: x.title,
                current,
            }
        })
        .collect();
    Ok(UnitSection { sets, classes })
}
