//! Every title the demo generates is understood (docs/DOMAIN.md § Positions): none is left for review, and the
//! party posts resolve to a unit of the holder's chain.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use demo::{members, units, DemoUnit, Scale};
use domain::org::UnitRef;
use domain::position::{Body, KeyCadres, Post, UnitRefWithName};
use domain::{Position, UnitType};
use std::collections::{BTreeMap, HashMap};

const SEED: u64 = 2016;

fn chain(by_code: &HashMap<&str, &DemoUnit>, code: &str) -> Vec<UnitRefWithName> {
    let mut out = Vec::new();
    let mut at = Some(code);
    let mut id = 1000;
    while let Some(c) = at {
        let u = by_code[c];
        id -= 1;
        out.push(UnitRefWithName {
            unit: UnitRef {
                id,
                path: String::new(),
                unit_type: u.unit_type,
            },
            name: u.name.clone(),
        });
        at = u.parent_code.as_deref();
    }
    out.reverse();
    out
}

#[test]
fn no_demo_title_is_left_unknown_and_party_posts_find_their_unit() {
    let units = units(Scale::City, SEED);
    let by_code: HashMap<&str, &DemoUnit> = units.iter().map(|u| (u.code.as_str(), u)).collect();
    let k = KeyCadres::default();
    let mut unknown: BTreeMap<String, usize> = BTreeMap::new();
    let mut unresolved: BTreeMap<String, usize> = BTreeMap::new();
    let (mut heads, mut youth_secretaries, mut checked) = (0, 0, 0);
    for m in members(Scale::City, SEED, &units) {
        let unit = &m.memberships.last().unwrap().unit_code;
        let c = chain(&by_code, unit);
        for title in &m.positions {
            checked += 1;
            let p = Position::classify(title, "", &c, &k);
            if p.post == Post::Unknown {
                *unknown.entry(title.clone()).or_default() += 1;
            }
            if p.body == Body::Party && p.unit_id.is_none() {
                *unresolved.entry(title.clone()).or_default() += 1;
            }
            if title == "Bí thư Chi bộ" {
                // The cell's secretary holds the post in the member's own cell.
                let cell = c.last().unwrap();
                assert_eq!(p.unit_id, Some(cell.unit.id), "{title} in {unit}");
                assert!(p.head && p.key_cadre);
                heads += 1;
            }
            if title == "Bí thư Chi đoàn" {
                assert!(!p.head && !p.key_cadre, "{title}");
                youth_secretaries += 1;
            }
            if title.starts_with("Trưởng khu phố") || title.starts_with("Trưởng ấp") {
                assert!(!p.head && !p.key_cadre, "{title}");
            }
            if let Some(x) = title.strip_prefix("Bí thư Đảng ủy ") {
                let id = p.unit_id.unwrap();
                let u = c.iter().find(|u| u.unit.id == id).unwrap();
                assert!(u.name.ends_with(x), "{title} → {}", u.name);
                assert!(u.unit.unit_type != UnitType::Cell);
            }
        }
    }
    assert!(checked > 3000, "{checked}");
    assert!(
        heads > 100 && youth_secretaries > 10,
        "{heads} {youth_secretaries}"
    );
    assert!(unknown.is_empty(), "titles not understood: {unknown:?}");
    assert!(
        unresolved.is_empty(),
        "party posts without a unit: {unresolved:?}"
    );
}
