//! Properties of the generated demo sets (city in full, province by counting; national is never
//! generated here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, NaiveDate};
use demo::{
    accounts, expected_member_count, member_count, members, units, DemoMember, DemoUnit, Scale,
};
use domain::{Gender, MemberStatus, UnitType};
use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

const SEED: u64 = 2016;

struct City {
    units: Vec<DemoUnit>,
    members: Vec<DemoMember>,
}

fn city() -> &'static City {
    static CITY: OnceLock<City> = OnceLock::new();
    CITY.get_or_init(|| {
        let units = units(Scale::City, SEED);
        let members = members(Scale::City, SEED, &units).collect();
        City { units, members }
    })
}

fn by_code(units: &[DemoUnit]) -> HashMap<&str, &DemoUnit> {
    units.iter().map(|u| (u.code.as_str(), u)).collect()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn scale_parses() {
    assert_eq!("city".parse::<Scale>().unwrap(), Scale::City);
    assert_eq!(Scale::parse(" Province "), Some(Scale::Province));
    assert_eq!("national".parse::<Scale>().unwrap(), Scale::National);
    assert!("town".parse::<Scale>().is_err());
    for s in Scale::ALL {
        assert_eq!(s.to_string().parse::<Scale>().unwrap(), s);
    }
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let a = units(Scale::City, 42);
    let b = units(Scale::City, 42);
    assert_eq!(a, b);
    let ma: Vec<DemoMember> = members(Scale::City, 42, &a).take(1000).collect();
    let mb: Vec<DemoMember> = members(Scale::City, 42, &b).take(1000).collect();
    assert_eq!(ma.len(), 1000);
    assert_eq!(ma, mb);
    assert_eq!(format!("{ma:?}"), format!("{mb:?}"));
    assert_eq!(accounts(Scale::City, 42, &a), accounts(Scale::City, 42, &b));

    let c = units(Scale::City, 43);
    let mc: Vec<DemoMember> = members(Scale::City, 43, &c).take(1000).collect();
    assert_ne!(ma, mc);
    let names_a: HashSet<&str> = ma.iter().map(|m| m.full_name.as_str()).collect();
    let same = mc
        .iter()
        .filter(|m| names_a.contains(m.full_name.as_str()))
        .count();
    assert!(same < 500, "{same} of 1000 names shared between seeds");
    let pa: Vec<String> = accounts(Scale::City, 42, &a)
        .into_iter()
        .map(|x| x.password)
        .collect();
    let pc: Vec<String> = accounts(Scale::City, 43, &c)
        .into_iter()
        .map(|x| x.password)
        .collect();
    assert_ne!(pa, pc);

    let pa = units(Scale::Province, 42);
    assert_eq!(pa, units(Scale::Province, 42));
    let first: Vec<DemoMember> = members(Scale::Province, 42, &pa).take(1000).collect();
    let again: Vec<DemoMember> = members(Scale::Province, 42, &pa).take(1000).collect();
    assert_eq!(first, again);
}

#[test]
fn city_has_its_fourteen_wards_and_communes() {
    let c = city();
    let root: Vec<&DemoUnit> = c.units.iter().filter(|u| u.parent_code.is_none()).collect();
    assert_eq!(root.len(), 1);
    assert_eq!(root[0].code, "TU-BT");
    assert_eq!(root[0].name, "Thành ủy Bến Tre");
    assert_eq!(root[0].unit_type, UnitType::PartyCommittee);
    let wards: Vec<&str> = c
        .units
        .iter()
        .filter(|u| {
            u.parent_code.as_deref() == Some("TU-BT")
                && u.unit_type == UnitType::GrassrootsCommittee
        })
        .filter(|u| u.name.contains("phường") || u.name.contains("Phường") || u.name.contains("xã"))
        .map(|u| u.name.as_str())
        .collect();
    let expected = [
        "Đảng bộ phường An Hội",
        "Đảng bộ phường Phú Khương",
        "Đảng bộ phường Phú Tân",
        "Đảng bộ Phường 4",
        "Đảng bộ Phường 5",
        "Đảng bộ Phường 6",
        "Đảng bộ Phường 7",
        "Đảng bộ Phường 8",
        "Đảng bộ xã Bình Phú",
        "Đảng bộ xã Mỹ Thạnh An",
        "Đảng bộ xã Nhơn Thạnh",
        "Đảng bộ xã Phú Hưng",
        "Đảng bộ xã Phú Nhuận",
        "Đảng bộ xã Sơn Đông",
    ];
    assert_eq!(wards, expected);
    let u = by_code(&c.units);
    assert_eq!(u["P7"].name, "Đảng bộ Phường 7");
    assert_eq!(u["SD"].name, "Đảng bộ xã Sơn Đông");
    assert_eq!(u["BP"].name, "Đảng bộ xã Bình Phú");
    assert_eq!(u["BP-A1"].name, "Chi bộ ấp Bình Thạnh");
    assert_eq!(u["BP-A1"].parent_code.as_deref(), Some("BP"));
    assert_eq!(u["P7-KP1"].name, "Chi bộ Khu phố 1");
    assert_eq!(u["P7-CA"].name, "Chi bộ Công an phường");
    assert_eq!(u["BT-VPTU"].name, "Chi bộ Văn phòng Thành ủy");
    assert_eq!(u["BT-UBKT"].name, "Chi bộ Ủy ban Kiểm tra Thành ủy");
    assert_eq!(u["BT-CQ"].name, "Đảng bộ Cơ quan Chính quyền");
    // Non-party units named in the Bến Tre report.
    let expect = [
        ("SD-MTTQ", "Ủy ban MTTQ xã Sơn Đông", UnitType::Front, "SD"),
        (
            "P7-KV",
            "Khối vận Phường 7",
            UnitType::MassMobilisationBloc,
            "P7",
        ),
        (
            "P4-TDV2",
            "Tổ Dân vận Khu phố 2, Phường 4",
            UnitType::MassMobilisationTeam,
            "P4",
        ),
        (
            "P8-TDV1",
            "Tổ Dân vận Khu phố 1, Phường 8",
            UnitType::MassMobilisationTeam,
            "P8",
        ),
        (
            "P7-CCB",
            "Hội Cựu chiến binh Phường 7",
            UnitType::MassOrganisation,
            "P7",
        ),
    ];
    for (code, name, t, parent) in expect {
        assert_eq!(u[code].name, name);
        assert_eq!(u[code].unit_type, t);
        assert_eq!(u[code].parent_code.as_deref(), Some(parent));
    }
    let veterans = c
        .units
        .iter()
        .filter(|u| u.name.starts_with("Hội Cựu chiến binh"))
        .count();
    assert!(veterans >= 14);
    let cells = c
        .units
        .iter()
        .filter(|u| matches!(u.unit_type, UnitType::Cell | UnitType::GrassrootsCell))
        .count();
    assert!((150..=260).contains(&cells), "{cells} cells");
}

fn check_tree(units: &[DemoUnit]) {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut orders: HashMap<Option<&str>, Vec<i64>> = HashMap::new();
    for u in units {
        if let Some(p) = &u.parent_code {
            assert!(
                seen.contains(p.as_str()),
                "{} comes before its parent {p}",
                u.code
            );
        }
        assert!(seen.insert(u.code.as_str()), "duplicate code {}", u.code);
        assert!(u.code.is_ascii() && u.code.len() <= 16, "{}", u.code);
        assert_eq!(domain::text::normalize(&u.name), u.name);
        orders
            .entry(u.parent_code.as_deref())
            .or_default()
            .push(u.sort_order);
    }
    for list in orders.values() {
        let expected: Vec<i64> = (1..=list.len() as i64).collect();
        assert_eq!(list, &expected);
    }
}

#[test]
fn trees_are_well_formed() {
    check_tree(&city().units);
    let p = units(Scale::Province, SEED);
    check_tree(&p);
    assert!(
        (3_000..=5_000).contains(&p.len()),
        "{} province units",
        p.len()
    );
    let u = by_code(&p);
    assert_eq!(u["TU"].name, "Tỉnh ủy Bến Tre");
    assert_eq!(u["TU-BT"].parent_code.as_deref(), Some("TU"));
    let districts: Vec<&str> = p
        .iter()
        .filter(|x| {
            x.parent_code.as_deref() == Some("TU") && x.unit_type == UnitType::PartyCommittee
        })
        .filter(|x| x.name.starts_with("Huyện ủy") || x.name.starts_with("Thành ủy"))
        .map(|x| x.name.as_str())
        .collect();
    assert_eq!(
        districts,
        [
            "Thành ủy Bến Tre",
            "Huyện ủy Ba Tri",
            "Huyện ủy Bình Đại",
            "Huyện ủy Châu Thành",
            "Huyện ủy Chợ Lách",
            "Huyện ủy Giồng Trôm",
            "Huyện ủy Mỏ Cày Bắc",
            "Huyện ủy Mỏ Cày Nam",
            "Huyện ủy Thạnh Phú",
        ]
    );
}

#[test]
fn city_member_count_and_identifiers() {
    let c = city();
    let n = c.members.len();
    assert!((5_000..=7_000).contains(&n), "{n} members");
    assert_eq!(n as u64, member_count(Scale::City, SEED, &c.units));
    assert_eq!(expected_member_count(Scale::City), 6_000);
    let mut cards = HashSet::new();
    let mut ids = HashSet::new();
    for m in &c.members {
        assert_eq!(m.card_number.len(), 8);
        assert!(m.card_number.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            cards.insert(m.card_number.as_str()),
            "duplicate card {}",
            m.card_number
        );
        let id = m.citizen_id.as_bytes();
        assert_eq!(id.len(), 12);
        assert!(id.iter().all(u8::is_ascii_digit));
        assert!(m.citizen_id.starts_with("083"));
        let year = m.birth_date.year();
        let digit = match (year >= 2000, m.gender) {
            (false, Gender::Male) => b'0',
            (false, Gender::Female) => b'1',
            (true, Gender::Male) => b'2',
            (true, Gender::Female) => b'3',
        };
        assert_eq!(id[3], digit, "{}", m.citizen_id);
        assert_eq!(&m.citizen_id[4..6], format!("{:02}", year % 100));
        assert!(
            ids.insert(m.citizen_id.as_str()),
            "duplicate citizen id {}",
            m.citizen_id
        );
        assert_eq!(m.phone.len(), 10);
        assert!(m.phone.bytes().all(|b| b.is_ascii_digit()));
        assert!(
            ["09", "08", "03"].iter().any(|p| m.phone.starts_with(p)),
            "{}",
            m.phone
        );
    }
    assert!(
        cards.iter().any(|c| c.starts_with('0')),
        "some card numbers start with 0"
    );
}

#[test]
fn memberships_point_to_party_units() {
    let c = city();
    let u = by_code(&c.units);
    let mut transfers = 0;
    for m in &c.members {
        assert!(!m.memberships.is_empty());
        assert_eq!(m.memberships[0].since, m.joined_on);
        for w in m.memberships.windows(2) {
            assert!(w[0].since < w[1].since);
            assert_ne!(w[0].unit_code, w[1].unit_code);
            assert!(w[1].since >= d(2016, 1, 1) && w[1].since <= d(2024, 12, 31));
        }
        for ms in &m.memberships {
            let unit = u
                .get(ms.unit_code.as_str())
                .expect("membership unit exists");
            assert!(unit.unit_type.is_party());
            assert!(matches!(
                unit.unit_type,
                UnitType::Cell | UnitType::GrassrootsCell
            ));
        }
        if m.memberships.len() > 1 {
            transfers += 1;
        }
    }
    let share = transfers as f64 / c.members.len() as f64;
    assert!((0.015..0.05).contains(&share), "transfers {share}");
}

#[test]
fn dates_are_consistent() {
    let c = city();
    let mut probationary = 0;
    for m in &c.members {
        assert!(m.birth_date >= d(1950, 1, 1) && m.birth_date <= d(2000, 12, 31));
        let adult = m
            .birth_date
            .checked_add_months(chrono::Months::new(18 * 12))
            .unwrap();
        assert!(m.joined_on >= adult, "{m:?}");
        assert!(m.joined_on <= d(2024, 12, 31));
        match m.official_on {
            Some(o) => {
                assert!(o >= m.joined_on);
                assert!(o <= d(2025, 6, 30));
            }
            None => {
                probationary += 1;
                assert!(m.joined_on > d(2024, 6, 30), "{m:?}");
            }
        }
        match m.status {
            MemberStatus::Active => assert!(m.status_since.is_none()),
            _ => {
                let s = m.status_since.expect("status_since for inactive members");
                assert!(s >= m.memberships.last().unwrap().since);
                assert!(s <= d(2025, 6, 30));
            }
        }
    }
    let share = probationary as f64 / c.members.len() as f64;
    assert!((0.015..0.05).contains(&share), "probationary {share}");
}

#[test]
fn statuses_are_realistic() {
    let c = city();
    let count = |s: MemberStatus| c.members.iter().filter(|m| m.status == s).count();
    let n = c.members.len() as f64;
    let exempt = count(MemberStatus::Exempt) as f64 / n;
    let deceased = count(MemberStatus::Deceased) as f64 / n;
    assert!((0.002..0.01).contains(&exempt), "exempt {exempt}");
    assert!((0.001..0.006).contains(&deceased), "deceased {deceased}");
    assert!((1..=5).contains(&count(MemberStatus::Expelled)));
    assert_eq!(count(MemberStatus::TransferredOut), 0);
}

#[test]
fn names_are_vietnamese() {
    let c = city();
    let n = c.members.len() as f64;
    let share = |f: &str| {
        c.members
            .iter()
            .filter(|m| m.full_name.split(' ').next() == Some(f))
            .count() as f64
            / n
    };
    let nguyen = share("Nguyễn");
    assert!((0.30..=0.45).contains(&nguyen), "Nguyễn {nguyen}");
    assert!((0.07..=0.15).contains(&share("Trần")));
    assert!(share("Huỳnh") > 0.02 && share("Võ") > 0.02);
    let female = c
        .members
        .iter()
        .filter(|m| m.gender == Gender::Female)
        .count() as f64
        / n;
    assert!((0.35..=0.50).contains(&female), "female {female}");
    let distinct: HashSet<&str> = c.members.iter().map(|m| m.full_name.as_str()).collect();
    assert!(
        distinct.len() as f64 > 0.7 * n,
        "{} distinct of {n}",
        distinct.len()
    );
    for m in &c.members {
        assert_eq!(domain::text::normalize(&m.full_name), m.full_name);
        let words = m.full_name.split(' ').count();
        assert!((3..=4).contains(&words), "{}", m.full_name);
        if m.gender == Gender::Male {
            assert!(!m.full_name.contains(" Thị "), "{}", m.full_name);
        }
        for p in &m.positions {
            assert_eq!(&domain::text::normalize(p), p);
        }
    }
}

#[test]
fn positions_follow_the_organisation() {
    let c = city();
    let u = by_code(&c.units);
    let mut per_cell: HashMap<&str, Vec<&DemoMember>> = HashMap::new();
    for m in &c.members {
        per_cell
            .entry(m.memberships.last().unwrap().unit_code.as_str())
            .or_default()
            .push(m);
    }
    for (code, ms) in &per_cell {
        let count = |t: &str| {
            ms.iter()
                .filter(|m| m.positions.iter().any(|p| p == t))
                .count()
        };
        assert_eq!(count("Bí thư Chi bộ"), 1, "{code}");
        assert_eq!(count("Phó Bí thư Chi bộ"), 1, "{code}");
        assert!((1..=2).contains(&count("Chi ủy viên")), "{code}");
        assert!((15..=60).contains(&ms.len()), "{code}: {}", ms.len());
        let secretary = ms
            .iter()
            .find(|m| m.positions[0] == "Bí thư Chi bộ")
            .unwrap();
        assert_eq!(secretary.status, MemberStatus::Active);
        assert!(secretary.official_on.is_some());
    }
    let holders = |title: &str| -> Vec<&DemoMember> {
        c.members
            .iter()
            .filter(|m| m.positions.iter().any(|p| p == title))
            .collect()
    };
    for w in c
        .units
        .iter()
        .filter(|w| w.unit_type == UnitType::GrassrootsCommittee)
    {
        let Some(area) = w.name.strip_prefix("Đảng bộ ") else {
            continue;
        };
        if !(area.starts_with("phường") || area.starts_with("Phường") || area.starts_with("xã"))
        {
            continue;
        }
        for title in [
            format!("Bí thư Đảng ủy {area}"),
            format!("Phó Bí thư Thường trực Đảng ủy {area}"),
            format!("Chủ tịch UBND {area}"),
            format!("Chủ tịch Ủy ban MTTQ {area}"),
        ] {
            let h = holders(&title);
            assert_eq!(h.len(), 1, "{title}");
            let cell = &h[0].memberships.last().unwrap().unit_code;
            assert_eq!(
                u[cell.as_str()].parent_code.as_deref(),
                Some(w.code.as_str()),
                "{title}"
            );
            assert_eq!(h[0].status, MemberStatus::Active);
        }
    }
    let deputy = holders("Phó Bí thư Thường trực Thành ủy Bến Tre");
    assert_eq!(deputy.len(), 1);
    assert_eq!(deputy[0].full_name, "Võ Thanh Hồng");
    assert_eq!(holders("Bí thư Thành ủy Bến Tre").len(), 1);
    assert_eq!(
        holders("Chủ nhiệm Ủy ban Kiểm tra Thành ủy Bến Tre").len(),
        1
    );
    let women = holders("Chủ tịch Hội Liên hiệp Phụ nữ Phường 7");
    assert_eq!(women.len(), 1);
    assert_eq!(women[0].gender, Gender::Female);
    let head = holders("Trưởng khu phố 1");
    assert!(head.len() >= 8, "every ward has a Khu phố 1 head");
    let flags = domain::position_flags("Bí thư Đảng ủy Phường 7");
    assert!(flags.head && flags.key_cadre);
}

#[test]
fn accounts_are_printable_and_linked() {
    let c = city();
    let acc = accounts(Scale::City, SEED, &c.units);
    let u = by_code(&c.units);
    let roles: Vec<&str> = acc.iter().map(|a| a.role).collect();
    for r in ["admin", "office", "secretary", "inspector", "member"] {
        assert!(roles.contains(&r), "{r}");
    }
    let mut names = HashSet::new();
    for a in &acc {
        assert!(names.insert(a.username.as_str()));
        assert!(a
            .username
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.'));
        assert!(a.password.len() >= 12);
        assert!(a.password.chars().any(|c| c.is_ascii_digit()));
        assert!(a.password.chars().any(|c| c.is_ascii_alphabetic()));
        domain::password::check(&a.password, &a.username).unwrap();
        assert!(u.contains_key(a.unit_code.as_str()), "{}", a.unit_code);
        assert!(!a.description.is_empty());
        // A member account always stands for a member; the secretaries are linked to their own records.
        if a.role == "member" {
            assert!(a.member_card.is_some());
        }
    }
    let find = |n: &str| acc.iter().find(|a| a.username == n).unwrap();
    assert_eq!(find("admin").unit_code, "TU-BT");
    assert_eq!(find("vanphong").description, "Văn phòng Thành ủy");
    assert_eq!(find("bithu.p7").unit_code, "P7");
    assert_eq!(find("bithu.p7").description, "Bí thư Đảng ủy Phường 7");
    assert_eq!(find("bithu.sd").unit_code, "SD");
    assert_eq!(find("kiemtra").unit_code, "TU-BT");
    let member = acc.iter().find(|a| a.role == "member").unwrap();
    let card = member.member_card.as_deref().unwrap();
    let m = c
        .members
        .iter()
        .find(|m| m.card_number == card)
        .expect("linked member exists");
    let cell = &m.memberships.last().unwrap().unit_code;
    assert_eq!(u[cell.as_str()].parent_code.as_deref(), Some("P7"));
    assert_eq!(cell, &member.unit_code);
    assert_eq!(m.status, MemberStatus::Active);
    assert!(m.official_on.is_some());
}

#[test]
fn province_counts_by_streaming() {
    let p = units(Scale::Province, SEED);
    let mut it = members(Scale::Province, SEED, &p);
    let planned = it.total();
    assert_eq!(it.len() as u64, planned);
    let mut n = 0u64;
    let mut probe = None;
    for m in it.by_ref() {
        n += 1;
        if n == 50_000 {
            probe = Some(m.card_number);
        }
    }
    assert_eq!(n, planned);
    assert!((80_000..=100_000).contains(&n), "{n} province members");
    assert_eq!(member_count(Scale::Province, SEED, &p), n);
    assert!(probe.is_some());
    let acc = accounts(Scale::Province, SEED, &p);
    assert_eq!(acc[0].unit_code, "TU");
    assert!(acc
        .iter()
        .any(|a| a.username == "bithu.p7" && a.unit_code == "P7"));
}
