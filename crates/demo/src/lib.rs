//! Deterministic demo dataset: the unit tree, the members and the demo accounts of Bến Tre city, Bến Tre
//! province or the whole country (docs/DOMAIN.md § Units and members). No I/O: the store crate loads what
//! this crate generates.
//!
//! The same `seed` always gives identical output (all randomness comes from ChaCha8 streams seeded
//! from it, never from the thread RNG or hash-map iteration order). Members are generated lazily,
//! cell by cell, so the national set (~5.3M members) streams in constant memory.
//!
//! Stable codes (all scales): "TU-BT" (Thành ủy Bến Tre), wards and communes "AH", "PK", "PT",
//! "P4"…"P8", "BP", "MTA", "NT", "PH", "PN", "SD"; their cells "P7-CQ", "P7-CA", "P7-QS",
//! "P7-KP1"…, "BP-A1" (Chi bộ ấp Bình Thạnh)…; "SD-MTTQ" (Ủy ban MTTQ xã Sơn Đông), "P7-CCB"…
//! (Hội Cựu chiến binh), "P7-KV" (Khối vận Phường 7), "P4-TDV2", "P8-TDV1" (tổ dân vận); city
//! agencies "BT-VPTU", "BT-UBKT", "BT-CQ"…. The province root is "TU", the national root "TW" (with
//! Bến Tre as "T83").
#![forbid(unsafe_code)]

mod accounts;
pub mod attendance;
pub mod inspections;
mod members;
pub mod models;
mod names;
mod places;
pub mod recognition;
pub mod registrations;
mod units;

use chrono::NaiveDate;
use domain::{Gender, MemberStatus, UnitType};
use std::fmt;
use std::str::FromStr;

pub use attendance::{Calendar, DemoMark, DemoMeeting, DemoTopic};
pub use inspections::{
    inspections, ratings, DemoCase, DemoDiscipline, DemoInspections, DemoProgramme, DemoRemedy,
    DemoStrikeOff, DemoSubject, DemoTarget, Ratings,
};
pub use members::Members;
pub use registrations::{
    registrations, DemoEvent, DemoItem, DemoRating, DemoRegistration, DemoReview, RegistrationPlan,
    Registrations,
};

/// Size of the demo dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Bến Tre city: ~6,000 members, ~200 cells.
    City,
    /// Bến Tre province: ~90,000 members, ~4,000 units.
    Province,
    /// The country: ~5.3M members, ~52,000 grassroots units, ~270,000 cells.
    National,
}

impl Scale {
    pub const ALL: [Scale; 3] = [Scale::City, Scale::Province, Scale::National];

    pub fn as_str(self) -> &'static str {
        match self {
            Scale::City => "city",
            Scale::Province => "province",
            Scale::National => "national",
        }
    }

    /// Accepts "city", "province", "national" (any case, surrounding spaces ignored).
    pub fn parse(s: &str) -> Option<Scale> {
        let s = s.trim();
        Scale::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Error for an unknown scale name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("quy mô không hợp lệ: \"{0}\" (chọn city, province hoặc national)")]
pub struct ParseScaleError(pub String);

impl FromStr for Scale {
    type Err = ParseScaleError;
    fn from_str(s: &str) -> Result<Scale, ParseScaleError> {
        Scale::parse(s).ok_or_else(|| ParseScaleError(s.to_string()))
    }
}

/// A unit of the organisation tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoUnit {
    pub code: String,
    pub name: String,
    pub unit_type: UnitType,
    pub parent_code: Option<String>,
    /// Position among its siblings, from 1.
    pub sort_order: i64,
    pub valid_from: Option<NaiveDate>,
}

/// A member's belonging to a unit from `since` (until the next membership, if any).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMembership {
    pub unit_code: String,
    pub since: NaiveDate,
}

/// A party member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoMember {
    /// NFC, e.g. "Nguyễn Thị Thanh Hương".
    pub full_name: String,
    pub gender: Gender,
    pub birth_date: NaiveDate,
    /// 8 digits, unique; leading zeros possible.
    pub card_number: String,
    /// 12 digits, unique: province code ("083"), gender/century digit, birth year, 6-digit serial.
    pub citizen_id: String,
    pub joined_on: NaiveDate,
    /// None for probationary members (dự bị).
    pub official_on: Option<NaiveDate>,
    /// 10 digits starting "09", "08" or "03".
    pub phone: String,
    pub positions: Vec<String>,
    /// The day the member took up the posts in `positions` (None when there are none): the start of the
    /// 2015 term of the highest party level among them, or, for a member who joined or moved into their
    /// present unit after it, 15 January of the following year (the cell's first meeting of that year).
    pub positions_from: Option<NaiveDate>,
    pub status: MemberStatus,
    /// Set when the status is not Active.
    pub status_since: Option<NaiveDate>,
    /// Chronological; the first `since` is `joined_on`; the last one is the current unit.
    pub memberships: Vec<DemoMembership>,
}

/// A login of the demo, printed for the person trying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    /// ASCII lower case, e.g. "bithu.p7".
    pub username: String,
    /// Generated from the seed: 14 characters, letters and digits in three groups.
    pub password: String,
    /// "admin", "office", "secretary", "inspector" or "member".
    pub role: &'static str,
    pub unit_code: String,
    /// The card number of the member the account stands for (required for role "member"; the demo's
    /// secretaries are linked to their own records).
    pub member_card: Option<String>,
    /// Vietnamese, e.g. "Bí thư Đảng ủy Phường 7".
    pub description: String,
}

/// The unit tree of a scale; parents always come before their children.
pub fn units(scale: Scale, seed: u64) -> Vec<DemoUnit> {
    units::build(scale, seed)
}

/// Streams the members of `units` (normally `units(scale, seed)`). Only cells and grassroots cells
/// hold members. The iterator knows its exact length ([`Members::total`]).
pub fn members(scale: Scale, seed: u64, units: &[DemoUnit]) -> Members<'_> {
    Members::new(scale, seed, units)
}

/// The exact number of members [`members`] yields for these units (cheap: no member is generated).
pub fn member_count(scale: Scale, seed: u64, units: &[DemoUnit]) -> u64 {
    members::Plan::new(scale, seed, units).total
}

/// The demo accounts: admin and office at the root, the secretaries of Phường 7 and xã Sơn Đông,
/// the secretary of Chi bộ Khu phố 1 (Phường 7), inspectors of the city and of Phường 7 and a member of
/// Phường 7 linked to a real member (who is always active and official). Accounts whose unit is
/// missing from `units` are left out.
pub fn accounts(scale: Scale, seed: u64, units: &[DemoUnit]) -> Vec<DemoAccount> {
    accounts::build(scale, seed, units)
}

/// Approximate number of members of a scale, for progress display.
pub fn expected_member_count(scale: Scale) -> u64 {
    members::target(scale)
}
