//! The demo against the history it reproduces: Directive 05-CT/TW (15/05/2016), the city's plan 43-KH/TU
//! (21/06/2016), Nghị quyết Trung ương 4 khóa XII with its 27 manifestations (30/10/2016), the national
//! yearly themes, "trên trước, dưới sau" in every ward and commune, and the units' official names.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use demo::attendance::{self as att, Calendar, FIRST_YEAR, LAST_YEAR};
use demo::registrations::{cell_head_on, head_on, manifestations_date, Window};
use demo::{DemoMember, DemoRegistration, DemoUnit, RegistrationPlan, Scale};
use domain::attendance::MeetingKind;
use domain::registration::vn_date;
use domain::UnitType;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const SEED: u64 = 2020;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

type City = (Vec<DemoUnit>, Vec<DemoMember>, Vec<DemoRegistration>);

fn city() -> &'static City {
    static CITY: std::sync::OnceLock<City> = std::sync::OnceLock::new();
    CITY.get_or_init(|| {
        let us = demo::units(Scale::City, SEED);
        let ms: Vec<DemoMember> = demo::members(Scale::City, SEED, &us).collect();
        let regs: Vec<DemoRegistration> = demo::registrations(Scale::City, SEED, &us)
            .flatten()
            .collect();
        (us, ms, regs)
    })
}

fn day(t: DateTime<Utc>) -> NaiveDate {
    vn_date(t)
}

#[test]
fn the_campaign_dates_are_the_historical_ones() {
    assert_eq!(att::directive_date(), d(2016, 5, 15));
    assert_eq!(att::plan_date(), d(2016, 6, 21));
    assert_eq!(att::PLAN_NUMBER, "43-KH/TU");
    assert_eq!(manifestations_date(), d(2016, 10, 30));
    assert_eq!((FIRST_YEAR, LAST_YEAR), (2016, 2020));
}

#[test]
fn themes_are_the_national_ones() {
    let national = [
        (
            2017,
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về phòng, chống suy thoái tư tưởng chính trị, đạo đức, lối sống, \"tự diễn biến\", \"tự chuyển hóa\" trong nội bộ",
        ),
        (
            2018,
            "Xây dựng phong cách, tác phong công tác của người đứng đầu, của cán bộ, đảng viên trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
        (
            2019,
            "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về nêu cao tinh thần trách nhiệm, chống chủ nghĩa cá nhân, nói đi đôi với làm",
        ),
        (
            2020,
            "Tăng cường khối đại đoàn kết toàn dân tộc, xây dựng Đảng và hệ thống chính trị trong sạch, vững mạnh theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        ),
    ];
    for (year, text) in national {
        assert_eq!(att::theme(year), Some(text), "{year}");
        assert_eq!(att::theme_note(year), "", "{year}");
    }
    // 2016: the whole-term theme, labelled as such.
    assert_eq!(
        att::theme(2016),
        Some("Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về ý thức tôn trọng nhân dân, phát huy dân chủ, chăm lo đời sống nhân dân")
    );
    assert!(att::theme_note(2016).contains("toàn khóa 2016 – 2021"));
    // The demo ends with 2020.
    assert_eq!(att::theme(2021), None);
}

#[test]
fn no_session_before_the_directive_and_none_on_the_campaign_before_the_plan() {
    let (us, _, _) = city();
    let cal = Calendar::new(Scale::City, SEED, us);
    let mut first_study = NaiveDate::MAX;
    let mut first_cell = NaiveDate::MAX;
    for i in 0..cal.len() {
        let m = cal.meeting(i).unwrap();
        assert!(m.date > att::directive_date(), "{m:?}");
        match m.kind {
            MeetingKind::Study => {
                assert!(m.date > att::plan_date(), "{m:?}");
                first_study = first_study.min(m.date);
                if m.thematic {
                    let year = m.date.year();
                    assert_eq!(m.theme_year, Some(year));
                    assert!(m.minutes.contains(att::theme(year).unwrap()), "{m:?}");
                    if year == 2016 {
                        assert!(m.title.contains("toàn khóa"), "{m:?}");
                        assert!(m.minutes.contains("Chỉ thị 05-CT/TW"), "{m:?}");
                    } else {
                        assert_eq!(m.title, format!("Học tập chuyên đề năm {year}"));
                    }
                }
            }
            MeetingKind::Cell => {
                first_cell = first_cell.min(m.date);
                if let Some(y) = m.theme_year {
                    assert!(m.title.contains(att::theme(y).unwrap()), "{m:?}");
                }
                let t = cal.topic(i).unwrap();
                assert_eq!(t.topic, m.title);
            }
        }
    }
    // The quán triệt sessions start the week after the plan; the cell meetings in July 2016.
    assert!(first_study < d(2016, 7, 4), "{first_study}");
    assert_eq!((first_cell.year(), first_cell.month()), (2016, 7));
}

#[test]
fn registrations_follow_the_plan_and_the_pledge_follows_the_resolution() {
    let (_, _, regs) = city();
    let mut per_year: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
    for r in regs {
        let first = day(r.first_submitted_at.unwrap());
        // Nothing before the plan: not written, not submitted, not handled.
        assert!(day(r.created_at) >= att::plan_date(), "{r:?}");
        assert!(r.events.iter().all(|e| day(e.at) >= day(r.created_at)));
        // The pledge against the 27 manifestations exists only from 30/10/2016.
        assert!(
            day(r.pledged_at) >= manifestations_date(),
            "{:?}",
            r.pledged_at
        );
        let w = Window::of(r.year);
        let e = per_year.entry(r.year).or_default();
        e.0 += 1;
        e.1 += usize::from(first <= w.deadline);
        if r.year == 2016 {
            // Written June–August 2016 (the late ones in September); the pledge at the year-end review.
            assert!(
                first >= d(2016, 6, 22) && first <= d(2016, 9, 30),
                "{first}"
            );
            assert_eq!(day(r.pledged_at).month(), 12);
            // Nothing in them quotes the resolution that did not exist yet.
            assert!(r
                .items
                .iter()
                .all(|i| !i.content.contains("Nghị quyết Trung ương 4")));
            // Written after mid-year: no mid-year review.
            assert!(r.items.iter().all(|i| i.midyear.is_none()));
        } else {
            // The usual calendar: heads from early February, members by 31/03.
            assert!(
                first >= d(r.year, 2, 1) && first <= d(r.year, 4, 30),
                "{first}"
            );
            assert_eq!(r.pledged_at, r.created_at);
        }
    }
    for (year, (all, on_time)) in per_year {
        assert!(
            on_time < all && on_time * 100 > all * 95,
            "{year}: {on_time}/{all}"
        );
    }
    // The city's calendar for 2016 moves the deadline to 31/08; the other years keep 31/03.
    let set = Window::calendar_setting(2016).unwrap();
    assert_eq!(set.registration_deadline, Some(d(2016, 8, 31)));
    assert!(Window::calendar_setting(2017).is_none());
}

/// Per ward or commune: the unit, its code, and the codes of all units in it.
fn wards(us: &[DemoUnit]) -> Vec<(&DemoUnit, BTreeSet<&str>)> {
    let root = us.iter().find(|u| u.code == "TU-BT").unwrap();
    us.iter()
        .filter(|u| {
            u.unit_type == UnitType::GrassrootsCommittee
                && u.parent_code.as_deref() == Some(root.code.as_str())
                && (u.name.starts_with("Đảng bộ phường ")
                    || u.name.starts_with("Đảng bộ Phường ")
                    || u.name.starts_with("Đảng bộ xã "))
        })
        .map(|w| {
            let inside: BTreeSet<&str> = us
                .iter()
                .filter(|u| u.code == w.code || u.parent_code.as_deref() == Some(w.code.as_str()))
                .map(|u| u.code.as_str())
                .collect();
            (w, inside)
        })
        .collect()
}

#[test]
fn in_every_ward_and_commune_the_secretary_registers_before_the_members() {
    let (us, ms, regs) = city();
    let wards = wards(us);
    assert_eq!(wards.len(), 14);
    let plan = RegistrationPlan::new(Scale::City, SEED, us);
    let mut elsewhere = Vec::new();
    for year in FIRST_YEAR..=LAST_YEAR {
        let late_cells: BTreeSet<&str> = plan.late_head_cells(year).into_iter().collect();
        for (w, inside) in &wards {
            let area = w.name.strip_prefix("Đảng bộ ").unwrap();
            let secretary_title = format!("Bí thư Đảng ủy {area}");
            let of_ward: Vec<&DemoRegistration> = regs
                .iter()
                .filter(|r| r.year == year && inside.contains(r.unit_code.as_str()))
                .collect();
            // Today's secretary, when they held the post on that year's deadline (else they served elsewhere).
            let Some(secretary) = of_ward.iter().find(|r| {
                let m = &ms[r.member_index as usize];
                m.positions.contains(&secretary_title) && head_on(m, Window::of(year).deadline)
            }) else {
                elsewhere.push((year, w.code.as_str()));
                continue;
            };
            assert!(secretary.head && secretary.disclosed);
            let first_member = of_ward
                .iter()
                .filter(|r| !r.disclosed)
                .map(|r| r.first_submitted_at.unwrap())
                .min()
                .unwrap();
            assert!(
                secretary.first_submitted_at.unwrap() < first_member,
                "{year} {}: the secretary after a member",
                w.code
            );
            // Heads and key cadres before the members, except in the few late cells and for leaders who
            // moved in during the window.
            for r in of_ward.iter().filter(|r| r.disclosed) {
                if late_cells.contains(r.unit_code.as_str()) {
                    continue;
                }
                let moved_in = ms[r.member_index as usize]
                    .memberships
                    .iter()
                    .any(|x| x.since >= Window::of(year).heads_from - chrono::Duration::days(10));
                assert!(
                    moved_in || r.first_submitted_at.unwrap() < first_member,
                    "{year} {}: {:?} after a member",
                    r.unit_code,
                    ms[r.member_index as usize].positions
                );
            }
        }
    }
    println!("secretaries who served elsewhere that year: {elsewhere:?}");
    let checked = wards.len() * (LAST_YEAR - FIRST_YEAR + 1) as usize;
    assert!(elsewhere.len() * 5 < checked, "{elsewhere:?}");
}

#[test]
fn heads_registered_late_in_a_handful_of_cells_a_year() {
    let (us, ms, regs) = city();
    let plan = RegistrationPlan::new(Scale::City, SEED, us);
    let by_code: HashMap<&str, &DemoUnit> = us.iter().map(|u| (u.code.as_str(), u)).collect();
    let cells = us.iter().filter(|u| u.unit_type == UnitType::Cell).count();
    for year in FIRST_YEAR..=LAST_YEAR {
        let planned = plan.late_head_cells(year);
        assert!(
            !planned.is_empty() && planned.len() * 40 <= cells,
            "{year}: {planned:?}"
        );
        for code in &planned {
            let u = by_code[code];
            assert_eq!(u.unit_type, UnitType::Cell);
            // The cell's bí thư submitted after one of its ordinary members.
            let of_cell: Vec<&DemoRegistration> = regs
                .iter()
                .filter(|r| r.year == year && r.unit_code == *code)
                .collect();
            let head = of_cell
                .iter()
                .filter(|r| cell_head_on(&ms[r.member_index as usize], Window::of(year).deadline))
                .map(|r| r.first_submitted_at.unwrap())
                .min();
            let member = of_cell
                .iter()
                .filter(|r| !r.disclosed)
                .map(|r| r.first_submitted_at.unwrap())
                .min();
            if let (Some(h), Some(m)) = (head, member) {
                assert!(h > m, "{year} {code}");
            }
        }
    }
}

#[test]
fn unit_names_as_written_officially() {
    let (us, _, _) = city();
    let name = |code: &str| us.iter().find(|u| u.code == code).unwrap().name.as_str();
    assert_eq!(name("P7"), "Đảng bộ Phường 7");
    assert_eq!(name("SD"), "Đảng bộ xã Sơn Đông");
    assert_eq!(name("AH"), "Đảng bộ phường An Hội");
    assert_eq!(name("P7-KP1"), "Chi bộ Khu phố 1");
    assert_eq!(name("BP-A1"), "Chi bộ ấp Bình Thạnh");
    assert_eq!(name("P7-KV"), "Khối vận Phường 7");
    assert_eq!(name("P4-TDV2"), "Tổ Dân vận Khu phố 2, Phường 4");
    assert_eq!(name("P8-TDV1"), "Tổ Dân vận Khu phố 1, Phường 8");
    assert_eq!(name("SD-MTTQ"), "Ủy ban MTTQ xã Sơn Đông");
    // Hamlets with a name take a lower-case "ấp", quarters with a number a capital "Khu phố".
    for u in us {
        let rest = u.name.strip_prefix("Chi bộ ").unwrap_or(&u.name);
        assert!(!rest.starts_with("Ấp "), "{}", u.name);
        assert!(!rest.starts_with("khu phố "), "{}", u.name);
    }
}
