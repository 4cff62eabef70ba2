//! The demo's standards and recognition (docs/DOMAIN.md § Criteria sets and classifications, §
//! Commendations) for Bến Tre city, 2016–2020: what the seed reports as outcomes, as records.
//!
//! - Set `NTM-2016`: the 19 criteria of the national set for new-rural communes 2016–2020
//!   (`data/nong-thon-moi-19.csv`), applied to the city's communes ("xã …" units, not wards), owned by the
//!   city. Each commune is assessed at mid-year and year-end from 2016 with its met count rising from 10–14
//!   of 19 to 19, partly met criteria on the way, and is recognised ("công nhận xã đạt chuẩn nông thôn
//!   mới", Ủy ban nhân dân tỉnh Bến Tre) a few months after its first all-met assessment: some in 2017, some
//!   in 2018, the rest in 2019, so that every commune is recognised by 31/12/2019.
//! - Set `VMDT-BT`: the city's 35 "văn minh đô thị" criteria, assessed yearly 2016–2019 up to 35/35 at the
//!   end of 2019. The list is the demo's: the local document with the exact wording is not public, and the
//!   set's description says so.
//! - The city's classification "Đô thị loại II" (a decision of the Thủ tướng Chính phủ; the number and day
//!   are the demo's, not the real decision's).
//! - Commendations: one decided commendation for each of the seven models of the seed (and for the one
//!   other model a city office had commended), which is what makes them "được biểu dương"; each year the
//!   grassroots committees' certificates for exemplary members (chosen among the members rated "hoàn thành
//!   xuất sắc nhiệm vụ" that year, their registration of the year linked) and titles for their cells, the
//!   city's certificates and titles, a few provincial merits recorded by the city office, and a handful of
//!   proposals of 2020 still waiting for the city's decision.
//!
//! No I/O. Deterministic in the seed. Member recipients come from [`Candidate`]s the caller supplies (the
//! loader reads them from the registrations it stored: member, registration, cell and rating of a year).
//!
//! The plan types, the constants and the entry points are here; `criteria.rs` holds the two sets'
//! criteria lists, the assessments, recognitions and the classification, `commendations.rs` the models',
//! yearly and pending commendations.

mod commendations;
mod criteria;

pub use commendations::{model_commendations, pending_proposals, year_commendations};
pub use criteria::{communes, criteria, ntm_criteria, vmdt_criteria};

use chrono::NaiveDate;
use domain::commendation::{CommendationKind, CommendationLevel};
use domain::criteria::CriterionState;
use domain::registration::Rating;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

const SALT_RECOGNITION: u64 = 0x7265_636f_676e_6931;

/// The city root whose records this module plans.
pub const CITY_ROOT: &str = "TU-BT";
/// The national new-rural set for communes.
pub const NTM_SET: &str = "NTM-2016";
/// The city's "văn minh đô thị" set.
pub const VMDT_SET: &str = "VMDT-BT";
/// The classification of the city.
pub const URBAN_CLASS: &str = "Đô thị loại II";
/// Who recognises communes and the city.
pub const PROVINCE_PEOPLES_COMMITTEE: &str = "Ủy ban nhân dân tỉnh Bến Tre";
/// The day the seed's figures are read on (the report's date).
pub fn report_day() -> NaiveDate {
    d(2020, 5, 20)
}

/// One criterion of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriterion {
    pub code: String,
    pub title: String,
    pub group: String,
    pub measure: String,
    pub target: String,
}

/// A criteria set and the units it applies to (by code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriteriaSet {
    pub code: &'static str,
    pub title: &'static str,
    pub version: &'static str,
    pub description: String,
    pub owner_code: String,
    pub unit_codes: Vec<String>,
    pub items: Vec<DemoCriterion>,
}

/// One criterion's state in an assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCriterionMark {
    pub code: String,
    pub state: CriterionState,
    pub evidence: String,
}

/// A dated assessment of a unit against a set (every criterion of the set named).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAssessment {
    pub set_code: &'static str,
    pub unit_code: String,
    pub as_of: NaiveDate,
    pub note: String,
    pub marks: Vec<DemoCriterionMark>,
}

impl DemoAssessment {
    pub fn met(&self) -> usize {
        self.marks
            .iter()
            .filter(|m| m.state == CriterionState::Met)
            .count()
    }
}

/// A recognition decision (công nhận đạt chuẩn).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRecognition {
    pub set_code: &'static str,
    pub unit_code: String,
    pub decision_number: String,
    pub decided_on: NaiveDate,
    pub issued_by: &'static str,
}

/// A classification of a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoClassification {
    pub unit_code: String,
    pub title: &'static str,
    pub decision_number: &'static str,
    pub decided_on: NaiveDate,
    pub issued_by: &'static str,
    pub note: &'static str,
}

/// The criteria records of the demo, in loading order (sets, then assessments oldest first, then
/// recognitions and classifications).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CriteriaPlan {
    pub sets: Vec<DemoCriteriaSet>,
    pub assessments: Vec<DemoAssessment>,
    pub recognitions: Vec<DemoRecognition>,
    pub classifications: Vec<DemoClassification>,
}

/// A member who may be commended for a year: the caller's member id, the registration of that year, the
/// cell it was written in and its rating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub member_id: i64,
    pub registration_id: i64,
    pub unit_code: String,
    pub rating: Rating,
}

/// A commendation to record: a decision (number and day) or a proposal (neither).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoCommendation {
    pub kind: CommendationKind,
    pub label: String,
    /// `None`: the issuing unit's own level.
    pub level: Option<CommendationLevel>,
    pub issuer_code: String,
    /// The body named on the decision when it is outside the tree ("" = the issuing unit).
    pub issuer_name: String,
    pub decision_number: String,
    pub decided_on: Option<NaiveDate>,
    pub reason: String,
    /// Candidates' member ids.
    pub member_ids: Vec<i64>,
    pub unit_codes: Vec<String>,
    /// Positions in `crate::models::models(units)`.
    pub model_indexes: Vec<usize>,
    pub registration_ids: Vec<i64>,
    /// A proposal: the unit whose secretary proposes it, and the day.
    pub proposed_by_unit: Option<String>,
    pub proposed_on: Option<NaiveDate>,
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

fn rng(seed: u64, stream: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed ^ SALT_RECOGNITION ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DemoUnit, Scale};

    pub(super) fn city() -> Vec<DemoUnit> {
        crate::units(Scale::City, 2020)
    }

    #[test]
    fn other_scales_plan_the_city_or_nothing() {
        let national_like: Vec<DemoUnit> =
            city().into_iter().filter(|u| u.code != CITY_ROOT).collect();
        assert_eq!(criteria(&national_like, 1), CriteriaPlan::default());
        assert!(year_commendations(&national_like, 1, 2017, &[]).is_empty());
    }
}
