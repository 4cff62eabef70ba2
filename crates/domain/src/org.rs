//! The party's organisation levels read from the tree by unit type, never by depth (docs/DOMAIN.md §
//! Organisation levels): the grassroots party organisation of a unit, the level above a committee.

use serde::Serialize;

use crate::model::UnitType;

/// A unit on the way from the root to some unit: what the level rules need to know about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitRef {
    pub id: i64,
    /// Materialised path ("/1/5/23/").
    pub path: String,
    pub unit_type: UnitType,
}

/// The grassroots party organisation (đảng bộ cơ sở or chi bộ cơ sở) a unit belongs to: the deepest unit of
/// `chain` (root first, ending with the unit itself) whose type is a grassroots organisation. A chi bộ under
/// an đảng bộ bộ phận belongs to the đảng bộ cơ sở above that; a chi bộ cơ sở directly under the city committee
/// is its own grassroots organisation. `None` when the chain holds none (a committee above the grassroots
/// level, or a unit outside the party's structure).
pub fn grassroots_org(chain: &[UnitRef]) -> Option<&UnitRef> {
    chain.iter().rev().find(|u| u.unit_type.is_grassroots_org())
}

/// The scope within which a unit's members are compared — the 20 % rule of the rating and the default scope
/// of the copy check: the unit's grassroots organisation; for a unit above the grassroots level (or outside
/// the party tree), the unit itself.
pub fn comparison_scope(chain: &[UnitRef]) -> Option<&UnitRef> {
    grassroots_org(chain).or(chain.last())
}

/// The party unit directly above `chain`'s last unit (its parent when that is a party unit), `None` at the
/// top of the tree.
pub fn level_above(chain: &[UnitRef]) -> Option<&UnitRef> {
    let n = chain.len();
    if n < 2 {
        return None;
    }
    chain[..n - 1].iter().rev().find(|u| u.unit_type.is_party())
}

#[cfg(test)]
mod tests {
    use super::*;
    use UnitType::*;

    fn chain(types: &[UnitType]) -> Vec<UnitRef> {
        let mut path = String::from("/");
        types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                path.push_str(&format!("{}/", i + 1));
                UnitRef {
                    id: i as i64 + 1,
                    path: path.clone(),
                    unit_type: *t,
                }
            })
            .collect()
    }

    #[test]
    fn a_cell_under_a_ward_belongs_to_the_ward() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee, Cell]);
        assert_eq!(grassroots_org(&c).map(|u| u.id), Some(2));
        assert_eq!(comparison_scope(&c).map(|u| u.id), Some(2));
    }

    #[test]
    fn a_grassroots_cell_under_the_city_is_its_own_scope() {
        // Depth 1, directly under the Thành ủy: never compared across the whole city.
        let c = chain(&[PartyCommittee, GrassrootsCell]);
        assert_eq!(comparison_scope(&c).map(|u| u.id), Some(2));
    }

    #[test]
    fn a_cell_under_a_partial_committee_reaches_the_grassroots_committee() {
        // Depth 3: a rule by depth would stop at the đảng bộ bộ phận.
        let c = chain(&[
            PartyCommittee,
            PartyCommittee,
            GrassrootsCommittee,
            PartialCommittee,
            Cell,
        ]);
        assert_eq!(comparison_scope(&c).map(|u| u.id), Some(3));
    }

    #[test]
    fn above_the_grassroots_level_the_unit_is_its_own_scope() {
        let c = chain(&[PartyCommittee, PartyCommittee]);
        assert_eq!(grassroots_org(&c), None);
        assert_eq!(comparison_scope(&c).map(|u| u.id), Some(2));
    }

    #[test]
    fn the_level_above_skips_non_party_units() {
        let c = chain(&[PartyCommittee, GrassrootsCommittee]);
        assert_eq!(level_above(&c).map(|u| u.id), Some(1));
        assert_eq!(level_above(&c[..1]), None);
    }
}
