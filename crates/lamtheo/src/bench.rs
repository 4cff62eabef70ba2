//! `lamtheo bench …`: the speed figures recorded in docs/BENCHMARKS.md, measured on real code paths.

use anyhow::{bail, Context, Result};
use domain::policy::Principal;
use domain::Role;
use rand::{Rng, SeedableRng};
use std::time::{Duration, Instant};
use store::{Actor, Db, ImportOutcome, MemberQuery};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// Import `rows` province-demo members from a generated CSV or XLSX file into an empty database.
pub async fn import(db: &Db, rows: usize, format: &str) -> Result<()> {
    if !db.is_empty().await? {
        bail!("bench import needs an empty database (use a fresh --data-dir)");
    }
    let scale = demo::Scale::Province;
    let units = demo::units(scale, 1);
    let inputs = crate::demo_load::unit_inputs(&units);
    db.load_units(&Actor::system("bench"), &inputs).await?;
    let members: Vec<office::MemberRow> = demo::members(scale, 1, &units)
        .take(rows)
        .enumerate()
        .map(|(i, m)| office::MemberRow {
            line: i + 2,
            unit_code: m
                .memberships
                .last()
                .map(|x| x.unit_code.clone())
                .unwrap_or_default(),
            full_name: m.full_name,
            birth_date: Some(m.birth_date),
            gender: Some(m.gender),
            card_number: Some(m.card_number),
            citizen_id: Some(m.citizen_id),
            joined_on: Some(m.joined_on),
            official_on: m.official_on,
            positions: m.positions,
            phone: Some(m.phone),
            since: None,
        })
        .collect();
    let (bytes, name) = match format {
        "csv" => (office::members_csv(&members), "bench.csv"),
        "xlsx" => (office::members_xlsx(&members)?, "bench.xlsx"),
        other => bail!("format {other}: use csv or xlsx"),
    };
    println!(
        "file: {} rows, {:.1} MB {}",
        members.len(),
        bytes.len() as f64 / 1e6,
        format
    );
    let t0 = Instant::now();
    let parsed = office::parse_members(name, &bytes, db.today())?;
    let t_parse = t0.elapsed();
    if !parsed.errors.is_empty() {
        bail!(
            "generated file has {} errors, first: {}",
            parsed.errors.len(),
            parsed.errors[0]
        );
    }
    let t1 = Instant::now();
    let outcome = db
        .import_members(&Actor::system("bench"), None, parsed, false)
        .await?;
    let t_store = t1.elapsed();
    let total = t0.elapsed();
    match outcome {
        ImportOutcome::Done(r) => {
            println!(
                "parse+validate: {:.2} s; database checks+write: {:.2} s; total {:.2} s",
                t_parse.as_secs_f64(),
                t_store.as_secs_f64(),
                total.as_secs_f64()
            );
            println!(
                "import: {} rows created, {:.0} rows/s end to end",
                r.created,
                r.rows as f64 / total.as_secs_f64()
            );
        }
        ImportOutcome::Rejected(e) => bail!("import rejected: {} errors, first: {}", e.len(), e[0]),
    }
    // Re-import of the same file: every row unchanged.
    let parsed = office::parse_members(name, &bytes, db.today())?;
    let t2 = Instant::now();
    let outcome = db
        .import_members(&Actor::system("bench"), None, parsed, false)
        .await?;
    if let ImportOutcome::Done(r) = outcome {
        println!(
            "re-import (idempotent): {} unchanged in {:.2} s",
            r.unchanged,
            t2.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

/// Query latency on an existing database: folded-name search over the whole tree and a unit's paged list.
pub async fn queries(db: &Db, samples: usize) -> Result<()> {
    let root = db
        .root_units()
        .await?
        .into_iter()
        .next()
        .context("empty database")?;
    let admin = Principal {
        user_id: 0,
        username: "bench".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let total = db.member_count().await?;
    println!(
        "database: {} backend, {} members",
        db.backend().as_str(),
        total
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    // Sample names and units from random member ids.
    let mut names = Vec::new();
    let mut unit_paths = Vec::new();
    while names.len() < samples {
        let id = rng.gen_range(1..=total.max(1));
        if let Some((m, path)) = db.member_unscoped(id).await? {
            let folded = domain::text::fold(&m.full_name);
            names.push(folded);
            unit_paths.push(path);
        }
    }
    let mut search = Vec::with_capacity(samples);
    for n in &names {
        let t = Instant::now();
        let (items, _) = db
            .search_members(
                &admin,
                &MemberQuery {
                    q: Some(n.clone()),
                    page: 1,
                    per_page: 50,
                    ..Default::default()
                },
            )
            .await?;
        search.push(t.elapsed());
        if items.is_empty() {
            bail!("search for {n} found nothing");
        }
    }
    search.sort();
    println!(
        "member search by folded full name, whole tree, page of 50: p50 {} p99 {} (n={})",
        ms(percentile(&search, 0.5)),
        ms(percentile(&search, 0.99)),
        samples
    );
    let mut list = Vec::with_capacity(samples);
    for (i, path) in unit_paths.iter().enumerate() {
        let page = (i % 3) as i64 + 1;
        let t = Instant::now();
        db.search_members(
            &admin,
            &MemberQuery {
                unit_path: Some(path.clone()),
                page,
                per_page: 50,
                ..Default::default()
            },
        )
        .await?;
        list.push(t.elapsed());
    }
    list.sort();
    println!(
        "a cell's paged member list (pages 1–3 of 50): p50 {} p99 {} (n={})",
        ms(percentile(&list, 0.5)),
        ms(percentile(&list, 0.99)),
        samples
    );
    // Grassroots level: the parent of a cell.
    let mut glist = Vec::with_capacity(samples);
    for (i, path) in unit_paths.iter().enumerate() {
        let parent: String = {
            let trimmed = path.trim_end_matches('/');
            match trimmed.rfind('/') {
                Some(pos) => format!("{}/", &trimmed[..pos]),
                None => path.clone(),
            }
        };
        let page = (i % 3) as i64 + 1;
        let t = Instant::now();
        db.search_members(
            &admin,
            &MemberQuery {
                unit_path: Some(parent),
                page,
                per_page: 50,
                ..Default::default()
            },
        )
        .await?;
        glist.push(t.elapsed());
    }
    glist.sort();
    println!(
        "a grassroots unit's paged member list (subtree, pages 1–3): p50 {} p99 {} (n={})",
        ms(percentile(&glist, 0.5)),
        ms(percentile(&glist, 0.99)),
        samples
    );
    Ok(())
}
