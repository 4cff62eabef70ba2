//! Figures of the generated sets, printed rather than asserted (run with
//! `cargo test -p demo --release -- --ignored --nocapture`). No timing assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use demo::{members, units, Scale};
use domain::{Gender, UnitType};
use std::collections::BTreeMap;
use std::time::Instant;

fn report(scale: Scale) {
    let t = Instant::now();
    let us = units(scale, 1);
    let unit_time = t.elapsed();
    let mut by_type: BTreeMap<&str, usize> = BTreeMap::new();
    for u in &us {
        *by_type.entry(u.unit_type.as_str()).or_default() += 1;
    }
    let grassroots = us
        .iter()
        .filter(|u| {
            matches!(
                u.unit_type,
                UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
            )
        })
        .count();
    println!(
        "== {scale}: {} units in {unit_time:?}; grassroots {grassroots}; {by_type:?}",
        us.len()
    );
    let t = Instant::now();
    let (mut n, mut female, mut prob, mut transfers, mut with_pos) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut status: BTreeMap<&str, u64> = BTreeMap::new();
    let mut family: BTreeMap<String, u64> = BTreeMap::new();
    let mut sizes: BTreeMap<&str, u64> = BTreeMap::new();
    let mut max_cell = 0;
    let mut min_cell = u64::MAX;
    let it = members(scale, 1, &us);
    let total = it.total();
    for m in it {
        n += 1;
        if m.gender == Gender::Female {
            female += 1;
        }
        if m.official_on.is_none() {
            prob += 1;
        }
        if m.memberships.len() > 1 {
            transfers += 1;
        }
        if !m.positions.is_empty() {
            with_pos += 1;
        }
        *status.entry(m.status.as_str()).or_default() += 1;
        if scale != Scale::National {
            let f = m.full_name.split(' ').next().unwrap().to_string();
            *family.entry(f).or_default() += 1;
            let code = &m.memberships.last().unwrap().unit_code;
            let c = us.iter().find(|u| &u.code == code).unwrap();
            *sizes.entry(c.code.as_str()).or_default() += 1;
        }
    }
    let dt = t.elapsed();
    for v in sizes.values() {
        max_cell = max_cell.max(*v);
        min_cell = min_cell.min(*v);
    }
    println!(
        "{n} members (planned {total}) in {dt:?} = {:.0}/s; female {:.1}%, probationary {:.1}%, transfers {:.1}%, with positions {:.1}%",
        n as f64 / dt.as_secs_f64(),
        100.0 * female as f64 / n as f64,
        100.0 * prob as f64 / n as f64,
        100.0 * transfers as f64 / n as f64,
        100.0 * with_pos as f64 / n as f64
    );
    if scale == Scale::National {
        println!("status {status:?}");
    } else {
        println!("status {status:?}; cell sizes {min_cell}..{max_cell}");
    }
    let mut fam: Vec<_> = family.into_iter().collect();
    fam.sort_by_key(|f| std::cmp::Reverse(f.1));
    let top: Vec<String> = fam
        .iter()
        .take(12)
        .map(|(f, c)| format!("{f} {:.1}%", 100.0 * *c as f64 / n as f64))
        .collect();
    println!("family: {}", top.join(", "));
}

#[test]
#[ignore]
fn print_city() {
    report(Scale::City);
    let us = units(Scale::City, 1);
    for m in members(Scale::City, 1, &us).take(40) {
        println!("{m:?}");
    }
    for a in demo::accounts(Scale::City, 1, &us) {
        println!("{a:?}");
    }
}

#[test]
#[ignore]
fn print_province() {
    report(Scale::Province);
}

#[test]
#[ignore]
fn print_national() {
    report(Scale::National);
}

/// National tree: unique short codes, parents first (units only; cheap, but kept out of the default run).
#[test]
#[ignore]
fn national_tree_is_well_formed() {
    let us = units(Scale::National, 1);
    let mut seen = std::collections::HashSet::new();
    let mut longest = "";
    for u in &us {
        if let Some(p) = &u.parent_code {
            assert!(seen.contains(p.as_str()), "{} before parent {p}", u.code);
        }
        assert!(seen.insert(u.code.as_str()), "duplicate {}", u.code);
        assert_eq!(domain::text::normalize(&u.name), u.name);
        if u.code.len() > longest.len() {
            longest = &u.code;
        }
    }
    let provinces = us
        .iter()
        .filter(|u| u.parent_code.as_deref() == Some("TW"))
        .count();
    assert_eq!(provinces, 63);
    println!("{} units, longest code {longest}", us.len());
}
