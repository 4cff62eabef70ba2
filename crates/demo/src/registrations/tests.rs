#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use crate::{members, units};
use domain::quality::{Flag, ItemInput};
use domain::similarity::{self, Doc};
use std::collections::{BTreeMap, BTreeSet, HashSet};

const SEED: u64 = 2020;

type City = (Vec<DemoUnit>, Vec<DemoMember>, Vec<DemoRegistration>);

/// The city's units, members and registrations, generated once for all tests.
fn city() -> &'static City {
    static CITY: std::sync::OnceLock<City> = std::sync::OnceLock::new();
    CITY.get_or_init(|| {
        let us = units(Scale::City, SEED);
        let ms: Vec<DemoMember> = members(Scale::City, SEED, &us).collect();
        let regs: Vec<DemoRegistration> = registrations(Scale::City, SEED, &us).flatten().collect();
        (us, ms, regs)
    })
}

fn flags_of(item: &DemoItem, duties: &[String], year: i32) -> Vec<Flag> {
    let ctx = quality::DutyContext::new(duties);
    quality::check_item(
        &ItemInput {
            content: &item.content,
            duty: &item.duty,
            target: &item.target,
            deadline: item.deadline,
        },
        &ctx,
        year,
    )
    .into_iter()
    .map(|f| f.flag)
    .collect()
}

/// The text the store compares (`registration_text_of`): content and target of each item, one line each.
fn text_of(r: &DemoRegistration) -> String {
    r.items
        .iter()
        .map(|i| format!("{} {}", i.content, i.target))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_template_is_clean_and_every_shortcoming_is_flagged() {
    assert!(bank::COMMITMENTS.len() >= 80, "{}", bank::COMMITMENTS.len());
    let slots = Slots {
        year: 2018,
        kp: "khu phố 3",
        lane: "hẻm 12",
        area: "Phường 7",
        org: "Trường THCS Phú Tân",
        street: "Đồng Khởi",
        k: 5,
    };
    let none: Vec<String> = Vec::new();
    let ctx = quality::DutyContext::new(&none);
    for (bank_name, list) in [
        ("commitments", bank::COMMITMENTS),
        ("exemplary", bank::EXEMPLARY),
    ] {
        for t in list {
            assert!(
                quality::FIELDS.contains(&t.duty),
                "{}: {}",
                t.content,
                t.duty
            );
            for year in FIRST_YEAR..=LAST_YEAR {
                if year < t.years.0 || year > t.years.1 {
                    continue;
                }
                for n in [t.n.0, t.n.1] {
                    for alt in 0..12u64 {
                        let s = Slots { year, ..slots };
                        let mut rng = Rng::new(alt);
                        let content = expand(t.content, &s, n, &mut rng);
                        let target = expand(t.target, &s, n, &mut rng);
                        assert!(
                            !content.contains('{') && !target.contains('{'),
                            "{content} / {target}"
                        );
                        let item = ItemInput {
                            content: &content,
                            duty: t.duty,
                            target: &target,
                            deadline: Some(last_day(year, t.due.1)),
                        };
                        let flags = quality::check_item(&item, &ctx, year);
                        assert!(
                            flags.is_empty(),
                            "{bank_name}: {content:?} / {target:?}: {flags:#?}"
                        );
                        let parsed = quality::parse_target(&target).unwrap();
                        assert!(parsed.number.is_some() || parsed.deliverable, "{target}");
                    }
                }
            }
        }
    }
    for (content, duty) in bank::VAGUE {
        for target in bank::VAGUE_TARGETS {
            let item = ItemInput {
                content,
                duty,
                target,
                deadline: Some(ymd(2019, 12, 31)),
            };
            let flags: Vec<Flag> = quality::check_item(&item, &ctx, 2019)
                .iter()
                .map(|f| f.flag)
                .collect();
            assert_eq!(flags, [Flag::Vague, Flag::NoTarget], "{content} / {target}");
        }
    }
    for duty in bank::UNTIED_DUTIES {
        let item = ItemInput {
            content: "Vận động 15 hộ dân hiến đất mở rộng hẻm 3",
            duty,
            target: "15 hộ",
            deadline: Some(ymd(2019, 9, 30)),
        };
        let flags: Vec<Flag> = quality::check_item(&item, &ctx, 2019)
            .iter()
            .map(|f| f.flag)
            .collect();
        assert_eq!(flags, [Flag::NotTiedToDuty], "{duty:?}");
    }
    for target in bank::UNMEASURED_TARGETS {
        let item = ItemInput {
            content: "Vận động hộ dân hiến đất mở rộng hẻm",
            duty: bank::DV,
            target,
            deadline: Some(ymd(2019, 9, 30)),
        };
        let flags: Vec<Flag> = quality::check_item(&item, &ctx, 2019)
            .iter()
            .map(|f| f.flag)
            .collect();
        assert_eq!(flags, [Flag::NoTarget], "{target:?}");
    }
}

#[test]
fn position_titles_give_roles() {
    for (title, want) in [
        ("Bí thư Chi bộ", bank::SEC),
        ("Chi ủy viên", bank::SEC),
        ("Bí thư Đảng ủy Phường 7", bank::LEAD),
        ("Chủ tịch UBND Phường 7", bank::GOV),
        (
            "Chủ tịch Hội Cựu chiến binh Phường 7",
            bank::FRONT | bank::VETERAN,
        ),
        ("Chi hội trưởng Chi hội Phụ nữ", bank::FRONT | bank::WOMEN),
        ("Bí thư Chi đoàn", bank::YOUTH),
        ("Trưởng khu phố 1", bank::QUARTER),
        ("Trưởng ấp Bình Thạnh", bank::QUARTER),
        ("Tổ trưởng Tổ hòa giải", bank::QUARTER),
        ("Cán bộ hưu trí", bank::RETIRED),
        ("Kinh doanh", bank::BUSINESS),
        ("Nông dân", bank::FARMER),
        ("Cảnh sát khu vực", bank::POLICE),
        ("Hiệu trưởng Trường THCS Phú Tân", bank::TEACHER),
        ("Bác sĩ", bank::HEALTH),
        ("Công chức Tư pháp - Hộ tịch", bank::CIVIL),
    ] {
        let got = title_roles(title, CellKind::Quarter);
        assert_eq!(got & want, want, "{title}: {got:b}");
    }
}

/// Shares of the flags over a whole city year, by the real rules.
#[test]
fn city_quality_figures() {
    let (us, ms, regs) = city();
    let mut by_year: BTreeMap<i32, [usize; 6]> = BTreeMap::new();
    let mut by_cell: BTreeMap<(i32, &str), (usize, usize)> = BTreeMap::new();
    for r in regs {
        let m = &ms[r.member_index as usize];
        let duties = duties(m);
        let e = by_year.entry(r.year).or_default();
        let c = by_cell.entry((r.year, r.unit_code.as_str())).or_default();
        for it in &r.items {
            let f = flags_of(it, &duties, r.year);
            e[0] += 1;
            e[1] += usize::from(f.contains(&Flag::Vague));
            e[2] += usize::from(f.contains(&Flag::NoDeadline));
            e[3] += usize::from(f.contains(&Flag::NotTiedToDuty));
            e[4] += usize::from(f.contains(&Flag::NoTarget));
            e[5] += usize::from(f.is_empty());
            c.0 += 1;
            c.1 += usize::from(f.contains(&Flag::Vague));
            assert!(!it.content.is_empty());
        }
        assert!((3..=9).contains(&r.items.len()), "{}", r.items.len());
    }
    for (year, [n, vague, no_deadline, untied, no_target, clean]) in &by_year {
        let s = |k: usize| k as f64 / *n as f64;
        println!(
            "{year}: {n} items, vague {:.3}, no deadline {:.3}, not tied {:.3}, no target {:.3}, clean {:.3}",
            s(*vague),
            s(*no_deadline),
            s(*untied),
            s(*no_target),
            s(*clean)
        );
        assert!(
            (0.08..=0.12).contains(&s(*vague)),
            "{year} vague {}",
            s(*vague)
        );
        assert!((0.03..=0.08).contains(&s(*no_deadline)), "{year}");
        assert!((0.03..=0.08).contains(&s(*untied)), "{year}");
        assert!((0.05..=0.12).contains(&s(*no_target)), "{year}");
        assert!(s(*clean) >= 0.70, "{year}");
    }
    // Units differ: some cells write far more generic items than others.
    let shares: Vec<f64> = by_cell
        .values()
        .filter(|(n, _)| *n >= 40)
        .map(|(n, v)| *v as f64 / *n as f64)
        .collect();
    let low = shares.iter().filter(|s| **s < 0.06).count();
    let high = shares.iter().filter(|s| **s > 0.18).count();
    assert!(
        low * 10 > shares.len() && high * 20 > shares.len(),
        "{low} {high} of {}",
        shares.len()
    );
    let _ = us;
}

#[test]
fn every_member_active_on_the_deadline_registers_once() {
    let (us, ms, regs) = city();
    let mut seen: HashSet<(u64, i32)> = HashSet::new();
    for r in regs {
        assert!(
            seen.insert((r.member_index, r.year)),
            "twice: {} {}",
            r.member_index,
            r.year
        );
    }
    let mut expected = 0;
    for (i, m) in ms.iter().enumerate() {
        for year in FIRST_YEAR..=LAST_YEAR {
            let d = Window::of(year).deadline;
            let active = m.status == MemberStatus::Active || m.status_since.is_some_and(|s| d < s);
            let joined = m.memberships[0].since <= d;
            let has = seen.contains(&(i as u64, year));
            assert_eq!(active && joined, has, "member {i} year {year}: {m:?}");
            expected += usize::from(has);
        }
    }
    assert_eq!(expected, regs.len());
    // The unit is the one on the deadline.
    let codes: HashSet<&str> = us.iter().map(|u| u.code.as_str()).collect();
    for r in regs {
        let m = &ms[r.member_index as usize];
        let d = Window::of(r.year).deadline;
        let ms_then = m.memberships.iter().rev().find(|x| x.since <= d).unwrap();
        assert_eq!(ms_then.unit_code, r.unit_code);
        assert!(codes.contains(r.unit_code.as_str()));
    }
}

#[test]
fn copies_cluster_and_nothing_else_does() {
    let (us, _ms, regs) = city();
    let cells: BTreeSet<&str> = regs.iter().map(|r| r.unit_code.as_str()).collect();
    for year in FIRST_YEAR..=LAST_YEAR {
        let of_year: Vec<&DemoRegistration> = regs.iter().filter(|r| r.year == year).collect();
        let docs: Vec<Doc> = of_year
            .iter()
            .enumerate()
            .map(|(k, r)| {
                Doc::new(
                    k as i64,
                    r.member_index as i64,
                    r.unit_code.clone(),
                    &text_of(r),
                )
            })
            .collect();
        let found: BTreeSet<Vec<i64>> = similarity::clusters(&docs, similarity::COPY_THRESHOLD)
            .into_iter()
            .map(|c| c.doc_ids)
            .collect();
        let mut planted: BTreeMap<u64, Vec<i64>> = BTreeMap::new();
        for (k, r) in of_year.iter().enumerate() {
            if let Some(g) = r.copy_group {
                planted.entry(g).or_default().push(k as i64);
            }
        }
        let planted: BTreeSet<Vec<i64>> = planted.into_values().collect();
        assert_eq!(found, planted, "{year}");
        // Tight groups, from 3 to 6 members, in a few cells.
        let mut lowest: f64 = 1.0;
        for g in &planted {
            assert!((3..=6).contains(&g.len()), "{g:?}");
            for (a, &i) in g.iter().enumerate() {
                for &j in &g[a + 1..] {
                    let s = similarity::estimate(
                        &docs[i as usize].signature,
                        &docs[j as usize].signature,
                    );
                    lowest = lowest.min(s);
                }
            }
            let unit = &of_year[g[0] as usize].unit_code;
            assert!(g.iter().all(|&k| of_year[k as usize].unit_code == *unit));
        }
        assert!(lowest >= 0.68, "{year}: {lowest}");
        let share = planted.len() as f64 / cells.len() as f64;
        println!(
            "{year}: {} copy groups in {} cells (lowest similarity in a group {lowest:.2})",
            planted.len(),
            cells.len()
        );
        assert!((0.03..=0.12).contains(&share), "{year}: {share}");
        // Ordinary registrations of one cell stay far apart.
        let mut worst: f64 = 0.0;
        let mut by_unit: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (k, r) in of_year.iter().enumerate() {
            if r.copy_group.is_none() {
                by_unit.entry(r.unit_code.as_str()).or_default().push(k);
            }
        }
        for ks in by_unit.values() {
            for (a, &i) in ks.iter().enumerate() {
                for &j in &ks[a + 1..] {
                    worst = worst.max(similarity::estimate(&docs[i].signature, &docs[j].signature));
                }
            }
        }
        println!("{year}: highest similarity of two ordinary registrations of one cell {worst:.2}");
        assert!(worst < 0.55, "{year}: {worst}");
    }
    let _ = us;
}

#[test]
fn heads_register_first_except_in_the_planned_cells() {
    let (us, ms, regs) = city();
    let plan = RegistrationPlan::new(Scale::City, SEED, us);
    for year in FIRST_YEAR..=LAST_YEAR {
        let deadline = Window::of(year).deadline;
        // Per cell: its own bí thư's and the others' first submissions (what the unit report compares).
        type Times = Vec<DateTime<Utc>>;
        let mut cells: BTreeMap<&str, (Times, Times)> = BTreeMap::new();
        for r in regs.iter().filter(|r| r.year == year) {
            let m = &ms[r.member_index as usize];
            // "Head" is the bí thư of a party unit holding the post on the deadline.
            assert_eq!(r.head, head_on(m, deadline));
            let c = cells.entry(r.unit_code.as_str()).or_default();
            let t = r.first_submitted_at.unwrap();
            if cell_head_on(m, deadline) {
                c.0.push(t);
            } else {
                c.1.push(t);
            }
        }
        let mut late: BTreeSet<&str> = BTreeSet::new();
        for (code, (heads, members)) in &cells {
            let Some(first_head) = heads.iter().min() else {
                continue;
            };
            if reg::head_registered_late(Some(*first_head), members) {
                late.insert(code);
            }
        }
        let planned: BTreeSet<&str> = plan.late_head_cells(year).into_iter().collect();
        println!("{year}: heads late in {late:?} of {} cells", cells.len());
        assert!(!planned.is_empty(), "{year}");
        assert_eq!(late, planned, "{year}");
    }
}

#[test]
fn heads_by_title_and_date() {
    let (_, ms, _) = city();
    let mut m = ms[0].clone();
    m.positions_from = Some(ymd(2015, 3, 25));
    let on = ymd(2017, 3, 31);
    for t in [
        "Bí thư Chi bộ",
        "Bí thư Đảng ủy Phường 7",
        "Bí thư Đảng ủy xã Sơn Đông",
        "Bí thư Thành ủy Bến Tre",
    ] {
        m.positions = vec![t.to_string()];
        assert!(head_on(&m, on), "{t}");
        assert_eq!(cell_head_on(&m, on), t == "Bí thư Chi bộ", "{t}");
    }
    for t in [
        "Phó Bí thư Chi bộ",
        "Phó Bí thư Thường trực Đảng ủy Phường 7",
        "Bí thư Chi đoàn",
        "Bí thư Đoàn Thanh niên Phường 7",
        "Trưởng khu phố 1",
        "Chủ tịch UBND Phường 7",
    ] {
        m.positions = vec![t.to_string()];
        assert!(!head_on(&m, on), "{t}");
        assert!(!cell_head_on(&m, on), "{t}");
    }
    // Not before the post starts.
    m.positions = vec!["Bí thư Chi bộ".to_string()];
    m.positions_from = Some(ymd(2018, 1, 15));
    assert!(!head_on(&m, ymd(2017, 3, 31)) && head_on(&m, ymd(2018, 3, 31)));
}

#[test]
fn posts_start_with_the_term_or_after_arriving() {
    let (_, ms, _) = city();
    let mut from_term = 0;
    let mut secretaries = 0;
    for m in ms {
        assert_eq!(m.positions.is_empty(), m.positions_from.is_none(), "{m:?}");
        let Some(from) = m.positions_from else {
            continue;
        };
        let since = m.memberships.last().unwrap().since;
        assert!(
            from >= ymd(2015, 3, 25) && from <= ymd(2025, 1, 15),
            "{m:?}"
        );
        if from.year() > 2015 {
            // Joined or moved in during the year before: from the next 15 January.
            assert_eq!(
                (from.month(), from.day(), from.year()),
                (1, 15, since.year() + 1),
                "{m:?}"
            );
        } else {
            assert!(since < from, "{m:?}");
        }
        if m.positions.iter().any(|t| t == "Bí thư Chi bộ") {
            secretaries += 1;
            from_term += usize::from(from.year() == 2015);
        }
    }
    // Most cells' bí thư have held the post since the 2015 congresses.
    assert!(
        from_term * 10 > secretaries * 7,
        "{from_term}/{secretaries}"
    );
}

#[test]
fn workflow_reviews_and_ratings() {
    let (us, _ms, regs) = city();
    let plan = RegistrationPlan::new(Scale::City, SEED, us);
    let mut status: BTreeMap<(i32, &str), usize> = BTreeMap::new();
    let mut overrides = 0;
    let mut rated = 0;
    let mut per_unit: BTreeMap<(i32, &str), (i64, i64)> = BTreeMap::new();
    let mut on_time = 0;
    for r in regs {
        *status.entry((r.year, r.status.as_str())).or_default() += 1;
        // Events follow the workflow's transitions, in time order.
        let mut s: Option<Status> = None;
        let mut last = r.created_at;
        for e in &r.events {
            assert_eq!(e.from, s, "{:?}", r.events);
            if let Some(from) = e.from {
                let action = match e.action {
                    "submit" => reg::Action::Submit,
                    "return" => reg::Action::Return,
                    "approve" => reg::Action::Approve,
                    "publish" => reg::Action::Publish,
                    other => panic!("{other}"),
                };
                assert_eq!(reg::transition(from, action), Ok(e.to));
            }
            assert!(e.at >= last, "{:?}", r.events);
            last = e.at;
            s = Some(e.to);
        }
        assert_eq!(s, Some(r.status));
        // On time by the city's calendar of the year (2016: its own deadline, 31/08).
        let mut cal = domain::calendar::Calendar::defaults(r.year);
        if let Some(set) = Window::calendar_setting(r.year) {
            cal.apply(&set);
        }
        on_time += usize::from(reg::on_time(&cal, r.first_submitted_at.map(reg::vn_date)));
        let approved = matches!(r.status, Status::Approved | Status::Published);
        assert_eq!(r.status == Status::Published, approved && r.disclosed);
        assert_eq!(r.approved_at.is_some(), approved);
        if r.year < LAST_YEAR {
            assert!(approved);
        }
        if r.status == Status::Returned {
            assert!(!r.return_comment.is_empty());
            assert_eq!(
                r.items
                    .iter()
                    .filter(|i| !i.return_comment.is_empty())
                    .count(),
                1
            );
        }
        if !approved {
            assert!(r
                .items
                .iter()
                .all(|i| i.midyear.is_none() && i.yearend.is_none()));
            assert!(r.rating.is_none());
        }
        if r.disclosed {
            assert!(r.items.iter().any(|i| i.kind == ItemKind::Exemplary));
        } else {
            assert!(r.items.iter().all(|i| i.kind == ItemKind::Commitment));
        }
        if let Some(rt) = &r.rating {
            rated += 1;
            let outcomes: Vec<Option<Outcome>> = r
                .items
                .iter()
                .map(|i| i.assessed.as_ref().map(|a| a.outcome))
                .collect();
            assert_eq!(rt.suggested, reg::suggested_rating(&outcomes));
            assert!(reg::check_rating(rt.suggested, rt.rating, &rt.reason).is_ok());
            if rt.suggested != Some(rt.rating) {
                overrides += 1;
            }
            let g = plan.grassroots_of(&rt.unit_code).unwrap();
            let e = per_unit.entry((r.year, g)).or_default();
            match rt.rating {
                Rating::Excellent => e.0 += 1,
                Rating::Good => e.1 += 1,
                _ => {}
            }
        }
    }
    let total = |y: i32| {
        status
            .iter()
            .filter(|((yy, _), _)| *yy == y)
            .map(|(_, n)| *n)
            .sum::<usize>()
    };
    let last = total(LAST_YEAR) as f64;
    let get = |s: &str| *status.get(&(LAST_YEAR, s)).unwrap_or(&0) as f64 / last;
    println!(
        "{LAST_YEAR}: submitted {:.3}, returned {:.3}",
        get("submitted"),
        get("returned")
    );
    assert!((0.015..=0.05).contains(&get("submitted")));
    assert!((0.007..=0.025).contains(&get("returned")));
    let share = overrides as f64 / rated as f64;
    println!(
        "ratings {rated}, overrides {share:.3}, on time {on_time}/{}",
        regs.len()
    );
    assert!((0.01..=0.06).contains(&share), "{share}");
    assert!(on_time < regs.len() && on_time * 100 > regs.len() * 95);
    for year in FIRST_YEAR..=LAST_YEAR {
        let units: Vec<_> = per_unit.iter().filter(|((y, _), _)| *y == year).collect();
        let warned = units
            .iter()
            .filter(|(_, (ex, good))| reg::excellent_share_warning(*ex, *good).is_some())
            .count();
        println!(
            "{year}: 20 % warning in {warned} of {} grassroots units",
            units.len()
        );
        assert!(
            warned >= 1 && warned * 4 < units.len(),
            "{year}: {warned}/{}",
            units.len()
        );
    }
    // Outcomes: mostly done, generic items less often.
    let (mut done, mut all, mut vdone, mut vall) = (0, 0, 0, 0);
    for r in regs.iter().filter(|r| r.rating.is_some()) {
        for it in &r.items {
            let o = it.assessed.as_ref().unwrap().outcome;
            let vague = flags_of(it, &[], r.year).contains(&Flag::Vague);
            if vague {
                vall += 1;
                vdone += usize::from(o == Outcome::Done);
            } else {
                all += 1;
                done += usize::from(o == Outcome::Done);
            }
            assert!(!it.yearend.as_ref().unwrap().note.is_empty());
        }
    }
    let (d, vd) = (done as f64 / all as f64, vdone as f64 / vall as f64);
    println!("done: {d:.3} of concrete items, {vd:.3} of generic ones");
    assert!(d > 0.75 && vd < d - 0.1);
}

#[test]
fn the_demo_member_account_has_approved_registrations_every_year() {
    let (us, ms, regs) = city();
    let acc = accounts::build(Scale::City, SEED, us)
        .into_iter()
        .find(|a| a.username == "dangvien.p7")
        .unwrap();
    let idx = ms
        .iter()
        .position(|m| Some(&m.card_number) == acc.member_card.as_ref())
        .unwrap() as u64;
    let mine: Vec<&DemoRegistration> = regs.iter().filter(|r| r.member_index == idx).collect();
    assert_eq!(
        mine.iter().map(|r| r.year).collect::<Vec<_>>(),
        (FIRST_YEAR..=LAST_YEAR).collect::<Vec<_>>()
    );
    for r in mine {
        assert_eq!(r.status, Status::Approved);
        assert_eq!(r.created_by, "dangvien.p7");
        assert_eq!(r.approved_by.as_deref(), Some("bithu.p7kp1"));
        assert!(r.rating.is_some());
    }
}

#[test]
fn deterministic_and_streamed_in_units() {
    let us = units(Scale::City, 9);
    let a: Vec<DemoRegistration> = registrations(Scale::City, 9, &us)
        .take(3)
        .flatten()
        .collect();
    let b: Vec<DemoRegistration> = registrations(Scale::City, 9, &us)
        .take(3)
        .flatten()
        .collect();
    assert_eq!(a, b);
    let plan = RegistrationPlan::new(Scale::City, 9, &us);
    for batch in registrations(Scale::City, 9, &us) {
        let units: BTreeSet<&str> = batch
            .iter()
            .filter_map(|r| plan.grassroots_of(&r.unit_code))
            .collect();
        assert!(!batch.is_empty() && !units.is_empty());
    }
}

#[test]
fn national_scale_covers_ben_tre_only() {
    let us = units(Scale::National, 3);
    let plan = RegistrationPlan::new(Scale::National, 3, &us);
    assert!(plan.covers("T83"));
    assert!(!plan.covers("TW"));
    assert!(!plan.covers("T01"));
    let inside = us.iter().filter(|u| plan.covers(&u.code)).count();
    assert!(inside > 1000 && inside * 20 < us.len(), "{inside}");
}

/// Generation time and figures of the province (`cargo test -p demo --release -- --ignored
/// --nocapture province_registrations`).
#[test]
#[ignore]
fn province_registrations() {
    let t = std::time::Instant::now();
    let us = units(Scale::Province, SEED);
    let (mut n, mut items, mut planted) = (0usize, 0usize, 0usize);
    for batch in registrations(Scale::Province, SEED, &us) {
        n += batch.len();
        items += batch.iter().map(|r| r.items.len()).sum::<usize>();
        planted += batch.iter().filter(|r| r.copy_group.is_some()).count();
    }
    println!(
        "province: {n} registrations ({planted} in planted copy groups), {items} items in {:?}",
        t.elapsed()
    );
}

/// The national scale's registrations (Bến Tre province only): `cargo test -p demo --release --
/// --ignored --nocapture national_registrations`.
#[test]
#[ignore]
fn national_registrations() {
    let t = std::time::Instant::now();
    let us = units(Scale::National, SEED);
    let (mut n, mut items) = (0usize, 0usize);
    let mut members: HashSet<u64> = HashSet::new();
    for batch in registrations(Scale::National, SEED, &us) {
        n += batch.len();
        items += batch.iter().map(|r| r.items.len()).sum::<usize>();
        members.extend(batch.iter().map(|r| r.member_index));
    }
    println!(
        "national: {n} registrations of {} members, {items} items in {:?}",
        members.len(),
        t.elapsed()
    );
}
