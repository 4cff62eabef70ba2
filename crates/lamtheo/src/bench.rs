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
    db.imports()
        .load_units(&Actor::system("bench"), &inputs)
        .await?;
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
        .imports()
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
        .imports()
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
        .units()
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
    let total = db.members().member_count().await?;
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
        if let Some((m, path)) = db.members().member_unscoped(id).await? {
            let folded = domain::text::fold(&m.full_name);
            names.push(folded);
            unit_paths.push(path);
        }
    }
    let mut search = Vec::with_capacity(samples);
    for n in &names {
        let t = Instant::now();
        let (items, _) = db
            .members()
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
        db.members()
            .search_members(
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
        db.members()
            .search_members(
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

/// Attendance rates and marking on an existing database with study sessions: the whole tree's
/// rate for a year, one cell's rate, and marking a session of ≥ 500 members in one call.
pub async fn attendance(db: &Db, samples: usize, year: i32) -> Result<()> {
    use domain::attendance::{Mark, MeetingKind};
    let root = db
        .units()
        .root_units()
        .await?
        .into_iter()
        .next()
        .context("empty database")?;
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let to = chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    let total_members = db.members().member_count().await?;
    println!(
        "database: {} backend, {} members",
        db.backend().as_str(),
        total_members
    );
    // Whole tree, one year.
    let mut whole = Vec::new();
    let mut tally = domain::attendance::Tally::default();
    for _ in 0..5 {
        let t = Instant::now();
        tally = db
            .attendance()
            .summary_unscoped(&root.path, MeetingKind::Study, from, to)
            .await?;
        whole.push(t.elapsed());
    }
    whole.sort();
    println!(
        "whole-tree study attendance {year}: {} expected, rate {:.4}; median {} (min {}, n=5)",
        tally.expected,
        tally.rate().unwrap_or(0.0),
        ms(percentile(&whole, 0.5)),
        ms(whole[0])
    );
    // Random cells.
    let max_id = db.units().unit_count().await?;
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let mut cells = Vec::new();
    let mut tries = 0;
    while cells.len() < samples && tries < samples * 200 {
        tries += 1;
        let id = rng.gen_range(1..=max_id.max(1));
        if let Some(u) = db.units().unit_unscoped(id).await? {
            if u.unit_type.holds_cell_meetings() {
                cells.push(u);
            }
        }
    }
    let mut cell_times = Vec::new();
    let mut nonzero = 0;
    for c in &cells {
        let t = Instant::now();
        let s = db
            .attendance()
            .summary_unscoped(&c.path, MeetingKind::Study, from, to)
            .await?;
        cell_times.push(t.elapsed());
        if s.expected > 0 {
            nonzero += 1;
        }
    }
    cell_times.sort();
    println!(
        "one cell's study attendance {year}: p50 {} p99 {} (n={}, {} with sessions)",
        ms(percentile(&cell_times, 0.5)),
        ms(percentile(&cell_times, 0.99)),
        cell_times.len(),
        nonzero
    );
    // A session of at least 500 members: walk up from a cell until the subtree is big enough.
    let date = to;
    let mut holder = None;
    'search: for c in &cells {
        let mut path = c.path.clone();
        loop {
            let n = db.members().members_as_of(&path, date).await?.len();
            if n >= 500 {
                holder = Some(path);
                break 'search;
            }
            let trimmed = path.trim_end_matches('/');
            match trimmed.rfind('/') {
                Some(pos) if pos > 0 => path = format!("{}/", &trimmed[..pos]),
                _ => break,
            }
        }
    }
    let Some(holder) = holder else {
        println!("no unit with 500 members found; marking benchmark skipped");
        return Ok(());
    };
    let unit_id: i64 = holder
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .context("unit path")?;
    let unit = db.units().unit_unscoped(unit_id).await?.context("unit")?;
    let actor = Actor::system("bench");
    let t = Instant::now();
    let m = db
        .attendance()
        .create_meeting(
            &actor,
            None,
            store::MeetingInput::new(MeetingKind::Study, &unit.code, date, "Đo tốc độ điểm danh"),
        )
        .await?;
    println!(
        "created a session for {} ({} expected) in {}",
        unit.name,
        m.tally.expected,
        ms(t.elapsed())
    );
    let ids: Vec<i64> = db
        .members()
        .members_as_of(&holder, date)
        .await?
        .into_iter()
        .map(|(m, _)| m)
        .take(500)
        .collect();
    let mut times = Vec::new();
    for (round, mark) in [
        Mark::Present,
        Mark::Late,
        Mark::Excused,
        Mark::Absent,
        Mark::Present,
        Mark::Late,
    ]
    .into_iter()
    .enumerate()
    {
        let marks: Vec<(i64, Mark)> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (*id, if i % 17 == round { Mark::Absent } else { mark }))
            .collect();
        let t = Instant::now();
        db.attendance()
            .set_marks(&actor, None, m.id, &marks)
            .await?;
        times.push(t.elapsed());
    }
    times.sort();
    println!(
        "marking {} members in one call (validate, write, recount, audit): p50 {} max {} (n={})",
        ids.len(),
        ms(percentile(&times, 0.5)),
        ms(times[times.len() - 1]),
        times.len()
    );
    Ok(())
}

/// Registrations on an existing database with registrations: copy clustering over the whole tree
/// (through the store: stored signatures read, clusters formed), checking one registration against every
/// other one of the year in the tree, and the whole tree's report.
pub async fn registrations(db: &Db, samples: usize, year: i32) -> Result<()> {
    let root = db
        .units()
        .root_units()
        .await?
        .into_iter()
        .next()
        .context("empty database")?;
    let p = Principal {
        user_id: 0,
        username: "bench".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let (list, total) = db
        .registrations()
        .registrations_in(&p, &root.path, year, None, usize::MAX)
        .await?;
    let items: i64 = list.iter().map(|r| r.items).sum();
    println!(
        "database: {} backend, {} members; {total} registrations of {year} with {items} items",
        db.backend().as_str(),
        db.members().member_count().await?
    );
    if list.is_empty() {
        bail!("no registrations in {year}: load the demo first (lamtheo demo --scale province)");
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut times = Vec::new();
    let mut clusters = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        clusters = db
            .registrations()
            .copy_clusters(&p, &root.path, year)
            .await?;
        times.push(t.elapsed());
    }
    times.sort();
    let in_clusters: usize = clusters.iter().map(|c| c.registration_ids.len()).sum();
    println!(
        "copy clusters over the whole tree ({threads} threads available): {} clusters, {in_clusters} registrations; median {} (min {}, n=3)",
        clusters.len(),
        ms(percentile(&times, 0.5)),
        ms(times[0])
    );
    // One registration checked against every other current one of the year in the tree.
    let mut rng = rand::rngs::StdRng::seed_from_u64(17);
    let mut check = Vec::new();
    let mut found = 0usize;
    for _ in 0..samples.max(1) {
        let s = &list[rng.gen_range(0..list.len())];
        let r = db.registrations().registration_unscoped(s.id).await?;
        let text = r.comparison_text();
        let t = Instant::now();
        let similar = db
            .registrations()
            .similar_registrations(&root.path, year, Some(r.member_id), &text)
            .await?;
        check.push(t.elapsed());
        found += usize::from(!similar.is_empty());
    }
    check.sort();
    println!(
        "checking one registration against the whole tree: p50 {} p99 {} max {} (n={}, {found} with a near-identical one)",
        ms(percentile(&check, 0.5)),
        ms(percentile(&check, 0.99)),
        ms(check[check.len() - 1]),
        check.len()
    );
    let t = Instant::now();
    let rep = db
        .registrations()
        .registration_report(&p, root.id, year)
        .await?;
    println!(
        "whole-tree report {year}: {} registered of {} members, {} items; {} (one run)",
        rep.total.registered,
        rep.total.members,
        rep.total.items,
        ms(t.elapsed())
    );
    Ok(())
}

/// Times one period report `samples` times; returns the sorted times and the last report.
async fn time_report(
    db: &Db,
    p: Option<&Principal>,
    unit_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    samples: usize,
) -> Result<(Vec<Duration>, domain::report::PeriodReport)> {
    let mut times = Vec::with_capacity(samples);
    let mut last = None;
    for _ in 0..samples.max(1) {
        let t = Instant::now();
        let r = match p {
            Some(p) => db.reports().period_report(p, unit_id, from, to).await?,
            None => {
                db.reports()
                    .period_report_unscoped(unit_id, from, to)
                    .await?
            }
        };
        times.push(t.elapsed());
        last = Some(r);
    }
    times.sort();
    let last = last.context("no sample")?;
    Ok((times, last))
}

fn report_line(what: &str, times: &[Duration], r: &domain::report::PeriodReport) {
    println!(
        "{what}: median {} (min {}, max {}, n={}); {} sub-units, {} study places, {} models",
        ms(percentile(times, 0.5)),
        ms(times[0]),
        ms(times[times.len() - 1]),
        times.len(),
        r.sub_units.len(),
        r.study.total.expected,
        r.models.total
    );
}

/// Period reports on an existing database with the demo: the city's four-year report (21/06/2016 –
/// 20/05/2020) unscoped, as the city's administrator and as a ward's secretary (inspection sections cut),
/// and, when the root is a province (the province demo), its one-year report.
pub async fn report(db: &Db, samples: usize, year: i32) -> Result<()> {
    let root = db
        .units()
        .root_units()
        .await?
        .into_iter()
        .next()
        .context("empty database")?;
    println!(
        "database: {} backend, {} members, {} units",
        db.backend().as_str(),
        db.members().member_count().await?,
        db.units().unit_count().await?
    );
    let (from, to) = demo::inspections::period();
    match db.units().unit_by_code_unscoped("TU-BT").await? {
        Some(city) => {
            let (t, r) = time_report(db, None, city.id, from, to, samples).await?;
            report_line(&format!("{} {from}–{to}, unscoped", city.name), &t, &r);
            let admin = Principal {
                user_id: 0,
                username: "bench".into(),
                role: Role::Admin,
                unit_id: city.id,
                unit_path: city.path.clone(),
                member_id: None,
            };
            let (t, r) = time_report(db, Some(&admin), city.id, from, to, samples).await?;
            report_line(&format!("{} {from}–{to}, as its admin", city.name), &t, &r);
            if let Some(ward) = db.units().unit_by_code_unscoped("P7").await? {
                let secretary = Principal {
                    role: Role::Secretary,
                    unit_id: ward.id,
                    unit_path: ward.path.clone(),
                    ..admin.clone()
                };
                let (t, r) = time_report(db, Some(&secretary), ward.id, from, to, samples).await?;
                report_line(
                    &format!("{} {from}–{to}, as its secretary", ward.name),
                    &t,
                    &r,
                );
            }
        }
        None => println!("no city TU-BT: the city's report is skipped"),
    }
    if root.code == "TU-BT" {
        println!("the root is the city: no province report (load the province demo for it)");
        return Ok(());
    }
    let yfrom = chrono::NaiveDate::from_ymd_opt(year, 1, 1).context("year")?;
    let yto = chrono::NaiveDate::from_ymd_opt(year, 12, 31).context("year")?;
    let (t, r) = time_report(db, None, root.id, yfrom, yto, samples).await?;
    report_line(&format!("{} {year}, unscoped", root.name), &t, &r);
    let admin = Principal {
        user_id: 0,
        username: "bench".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let (t, r) = time_report(db, Some(&admin), root.id, yfrom, yto, samples).await?;
    report_line(&format!("{} {year}, as its admin", root.name), &t, &r);
    Ok(())
}
