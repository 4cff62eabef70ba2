//! The unit trees of the three scales. Units are emitted depth-first, so a parent always comes
//! before its children, and `sort_order` numbers the children of each parent from 1.

use crate::places::{
    District, Province, BEN_TRE_DISTRICTS, CITY_AGENCY_CELLS, CITY_SCHOOLS, CITY_WARDS,
    DEPARTMENT_CELLS, ENTERPRISE_KINDS, GOVERNMENT_CELLS, HAMLET_POOL, HEALTH_CELLS,
    LOCAL_AGENCIES, MILITARY_CELLS, PLACE_SYLLABLES, POLICE_CELLS, PROVINCES, PROVINCE_DEPARTMENTS,
    PROVINCE_ENTERPRISES, PROVINCE_MILITARY, PROVINCE_POLICE,
};
use crate::{DemoUnit, Scale};
use domain::UnitType;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const SALT_UNITS: u64 = 0x756e_6974_735f_7631;

pub(crate) fn build(scale: Scale, seed: u64) -> Vec<DemoUnit> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SALT_UNITS);
    let capacity = match scale {
        Scale::City => 400,
        Scale::Province => 5_000,
        Scale::National => 340_000,
    };
    let mut tree = Tree::with_capacity(capacity);
    match scale {
        Scale::City => {
            city(&mut tree, None);
        }
        Scale::Province => province(&mut tree, None, "TU", &mut rng),
        Scale::National => national(&mut tree, &mut rng),
    }
    tree.units
}

struct Tree {
    units: Vec<DemoUnit>,
    children: Vec<i64>,
    roots: i64,
}

impl Tree {
    fn with_capacity(n: usize) -> Tree {
        Tree {
            units: Vec::with_capacity(n),
            children: Vec::with_capacity(n),
            roots: 0,
        }
    }

    fn add(
        &mut self,
        code: String,
        name: String,
        unit_type: UnitType,
        parent: Option<usize>,
    ) -> usize {
        let sort_order = match parent {
            Some(p) => {
                self.children[p] += 1;
                self.children[p]
            }
            None => {
                self.roots += 1;
                self.roots
            }
        };
        let parent_code = parent.map(|p| self.units[p].code.clone());
        self.units.push(DemoUnit {
            code,
            name,
            unit_type,
            parent_code,
            sort_order,
            valid_from: None,
        });
        self.children.push(0);
        self.units.len() - 1
    }

    fn cell(&mut self, code: String, name: &str, parent: usize) -> usize {
        self.add(code, name.to_string(), UnitType::Cell, Some(parent))
    }
}

/// Bến Tre city: Thành ủy → 14 wards/communes → cells, plus the city agencies.
fn city(tree: &mut Tree, parent: Option<usize>) -> usize {
    let root = tree.add(
        "TU-BT".into(),
        "Thành ủy Bến Tre".into(),
        UnitType::PartyCommittee,
        parent,
    );
    for w in CITY_WARDS {
        let wi = tree.add(
            w.code.into(),
            format!("Đảng bộ {}", w.area),
            UnitType::GrassrootsCommittee,
            Some(root),
        );
        let level = if w.commune { "xã" } else { "phường" };
        tree.cell(
            format!("{}-CQ", w.code),
            &format!("Chi bộ Cơ quan {level}"),
            wi,
        );
        tree.cell(
            format!("{}-CA", w.code),
            &format!("Chi bộ Công an {level}"),
            wi,
        );
        tree.cell(
            format!("{}-QS", w.code),
            &format!("Chi bộ Quân sự {level}"),
            wi,
        );
        if w.commune {
            for (i, h) in w.hamlets.iter().enumerate() {
                tree.cell(
                    format!("{}-A{}", w.code, i + 1),
                    &format!("Chi bộ ấp {h}"),
                    wi,
                );
            }
        } else {
            for k in 1..=w.quarters {
                tree.cell(
                    format!("{}-KP{k}", w.code),
                    &format!("Chi bộ Khu phố {k}"),
                    wi,
                );
            }
        }
        mass_organisations(tree, w.code, w.area, w.commune, wi);
        match w.code {
            "P7" => {
                tree.add(
                    "P7-KV".into(),
                    "Khối vận Phường 7".into(),
                    UnitType::MassMobilisationBloc,
                    Some(wi),
                );
            }
            "P4" => {
                tree.add(
                    "P4-TDV2".into(),
                    "Tổ Dân vận Khu phố 2, Phường 4".into(),
                    UnitType::MassMobilisationTeam,
                    Some(wi),
                );
            }
            "P8" => {
                tree.add(
                    "P8-TDV1".into(),
                    "Tổ Dân vận Khu phố 1, Phường 8".into(),
                    UnitType::MassMobilisationTeam,
                    Some(wi),
                );
            }
            _ => {}
        }
    }
    // City agencies: the first grassroots cell (Văn phòng Thành ủy) hosts the standing committee.
    for (code, name) in CITY_AGENCY_CELLS {
        tree.add(
            format!("BT-{code}"),
            (*name).into(),
            UnitType::GrassrootsCell,
            Some(root),
        );
    }
    committee_with_cells(
        tree,
        "BT-CQ",
        "Đảng bộ Cơ quan Chính quyền",
        GOVERNMENT_CELLS,
        root,
    );
    committee_with_cells(
        tree,
        "BT-CA",
        "Đảng bộ Công an thành phố",
        POLICE_CELLS,
        root,
    );
    committee_with_cells(
        tree,
        "BT-QS",
        "Đảng bộ Quân sự thành phố",
        MILITARY_CELLS,
        root,
    );
    committee_with_cells(
        tree,
        "BT-YT",
        "Đảng bộ Trung tâm Y tế thành phố",
        HEALTH_CELLS,
        root,
    );
    for (i, name) in CITY_SCHOOLS.iter().enumerate() {
        tree.add(
            format!("BT-S{:02}", i + 1),
            (*name).into(),
            UnitType::GrassrootsCell,
            Some(root),
        );
    }
    for (i, name) in LOCAL_AGENCIES.iter().take(7).enumerate() {
        tree.add(
            format!("BT-A{:02}", i + 1),
            format!("{name} thành phố"),
            UnitType::GrassrootsCell,
            Some(root),
        );
    }
    tree.add(
        "BT-MTTQ".into(),
        "Ủy ban MTTQ thành phố Bến Tre".into(),
        UnitType::Front,
        Some(root),
    );
    tree.add(
        "BT-CCB".into(),
        "Hội Cựu chiến binh thành phố Bến Tre".into(),
        UnitType::MassOrganisation,
        Some(root),
    );
    root
}

/// The Front and mass organisations of a ward or commune.
fn mass_organisations(tree: &mut Tree, code: &str, area: &str, commune: bool, parent: usize) {
    tree.add(
        format!("{code}-MTTQ"),
        format!("Ủy ban MTTQ {area}"),
        UnitType::Front,
        Some(parent),
    );
    let orgs: &[(&str, &str)] = &[
        ("CCB", "Hội Cựu chiến binh"),
        ("DTN", "Đoàn Thanh niên"),
        ("HPN", "Hội Liên hiệp Phụ nữ"),
    ];
    for (suffix, name) in orgs {
        tree.add(
            format!("{code}-{suffix}"),
            format!("{name} {area}"),
            UnitType::MassOrganisation,
            Some(parent),
        );
    }
    if commune {
        tree.add(
            format!("{code}-HND"),
            format!("Hội Nông dân {area}"),
            UnitType::MassOrganisation,
            Some(parent),
        );
    }
}

fn committee_with_cells(
    tree: &mut Tree,
    code: &str,
    name: &str,
    cells: &[&str],
    parent: usize,
) -> usize {
    let ci = tree.add(
        code.into(),
        name.into(),
        UnitType::GrassrootsCommittee,
        Some(parent),
    );
    for (i, cell) in cells.iter().enumerate() {
        tree.cell(format!("{code}-C{:02}", i + 1), cell, ci);
    }
    ci
}

/// Bến Tre province: Tỉnh ủy → city and 8 districts → communes and agencies → cells.
fn province(tree: &mut Tree, parent: Option<usize>, root_code: &str, rng: &mut ChaCha8Rng) {
    let root = tree.add(
        root_code.into(),
        "Tỉnh ủy Bến Tre".into(),
        UnitType::PartyCommittee,
        parent,
    );
    tree.add(
        format!("{root_code}-VP"),
        "Chi bộ Văn phòng Tỉnh ủy".into(),
        UnitType::GrassrootsCell,
        Some(root),
    );
    tree.add(
        format!("{root_code}-UBKT"),
        "Chi bộ Ủy ban Kiểm tra Tỉnh ủy".into(),
        UnitType::GrassrootsCell,
        Some(root),
    );
    tree.add(
        format!("{root_code}-BXD"),
        "Chi bộ các Ban xây dựng Đảng Tỉnh ủy".into(),
        UnitType::GrassrootsCell,
        Some(root),
    );
    city(tree, Some(root));
    for d in BEN_TRE_DISTRICTS {
        ben_tre_district(tree, root, d, rng);
    }
    let blocks: [(&str, &str, &[&str], u32, u32); 4] = [
        (
            "K1",
            "Đảng bộ Khối Các cơ quan tỉnh",
            PROVINCE_DEPARTMENTS,
            35,
            5,
        ),
        (
            "K2",
            "Đảng bộ Khối Doanh nghiệp tỉnh",
            PROVINCE_ENTERPRISES,
            45,
            4,
        ),
        ("K3", "Đảng bộ Công an tỉnh", PROVINCE_POLICE, 30, 4),
        ("K4", "Đảng bộ Quân sự tỉnh", PROVINCE_MILITARY, 25, 3),
    ];
    for (k, name, members, committee_pct, cells) in blocks {
        let code = format!("{root_code}-{k}");
        let bi = tree.add(
            code.clone(),
            name.into(),
            UnitType::PartyCommittee,
            Some(root),
        );
        for (i, m) in members.iter().enumerate() {
            block_grassroots(
                tree,
                rng,
                &format!("{code}-X{:02}", i + 1),
                m,
                bi,
                committee_pct,
                cells,
            );
        }
    }
    let code = format!("{root_code}-K5");
    let bi = tree.add(
        code.clone(),
        "Đảng bộ Bộ đội Biên phòng tỉnh".into(),
        UnitType::PartyCommittee,
        Some(root),
    );
    let posts = [
        "Cơ quan Bộ Chỉ huy",
        "Đồn Biên phòng Ba Tri",
        "Đồn Biên phòng Bình Đại",
        "Đồn Biên phòng Thạnh Phú",
        "Đồn Biên phòng Thạnh Phong",
        "Hải đội Biên phòng 2",
    ];
    for (i, p) in posts.iter().enumerate() {
        block_grassroots(tree, rng, &format!("{code}-X{:02}", i + 1), p, bi, 20, 3);
    }
    tree.add(
        format!("{root_code}-MTTQ"),
        "Ủy ban MTTQ tỉnh Bến Tre".into(),
        UnitType::Front,
        Some(root),
    );
    tree.add(
        format!("{root_code}-CCB"),
        "Hội Cựu chiến binh tỉnh Bến Tre".into(),
        UnitType::MassOrganisation,
        Some(root),
    );
}

/// A grassroots organisation of a province block: a grassroots cell, or (committee_pct % of the time)
/// a grassroots committee with department cells.
fn block_grassroots(
    tree: &mut Tree,
    rng: &mut ChaCha8Rng,
    code: &str,
    name: &str,
    parent: usize,
    committee_pct: u32,
    max_cells: u32,
) {
    if rng.gen_range(0..100) < committee_pct {
        let ci = tree.add(
            code.into(),
            format!("Đảng bộ {name}"),
            UnitType::GrassrootsCommittee,
            Some(parent),
        );
        let n = rng.gen_range(3..=max_cells.max(3) + 3) as usize;
        for (i, cell) in DEPARTMENT_CELLS.iter().cycle().take(n).enumerate() {
            let label = if i >= DEPARTMENT_CELLS.len() {
                format!("{cell} {}", i / DEPARTMENT_CELLS.len() + 1)
            } else {
                (*cell).to_string()
            };
            tree.add(
                format!("{code}-C{:02}", i + 1),
                label,
                UnitType::Cell,
                Some(ci),
            );
        }
    } else {
        tree.add(
            code.into(),
            format!("Chi bộ {name}"),
            UnitType::GrassrootsCell,
            Some(parent),
        );
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Region {
    North,
    Highland,
    Central,
    South,
}

impl Region {
    fn of(code: u16) -> Region {
        match code {
            11 | 12 | 14 | 2 | 4 | 6 | 10 => Region::Highland,
            0..=39 => Region::North,
            40..=69 => Region::Central,
            _ => Region::South,
        }
    }
    /// Word for a rural hamlet and an urban quarter.
    fn hamlet_words(self) -> (&'static str, &'static str) {
        match self {
            Region::North => ("Thôn", "Tổ dân phố"),
            Region::Highland => ("Bản", "Tổ dân phố"),
            Region::Central => ("Thôn", "Tổ dân phố"),
            Region::South => ("Ấp", "Khu phố"),
        }
    }
}

/// A commune, ward or town with its own cells (and optionally its Front and mass organisations).
struct Commune<'a> {
    code: &'a str,
    /// "xã Sơn Đông", "phường Phú Hòa", "thị trấn Ba Tri".
    area: &'a str,
    place: &'a str,
    urban: bool,
    region: Region,
    hamlets: u32,
    /// Use hamlet names from the pool rather than numbers.
    named: bool,
    schools: u32,
    mass_orgs: bool,
}

fn commune(tree: &mut Tree, rng: &mut ChaCha8Rng, parent: usize, c: &Commune<'_>) {
    let ci = tree.add(
        c.code.into(),
        format!("Đảng bộ {}", c.area),
        UnitType::GrassrootsCommittee,
        Some(parent),
    );
    let level = c.area.split(' ').next().unwrap_or("xã");
    let level = if level == "thị" {
        "thị trấn"
    } else {
        level
    };
    let mut n = 0;
    let mut next = |tree: &mut Tree, name: String| {
        n += 1;
        tree.add(
            format!("{}-C{:02}", c.code, n),
            name,
            UnitType::Cell,
            Some(ci),
        );
    };
    next(tree, format!("Chi bộ Cơ quan {level}"));
    next(tree, format!("Chi bộ Công an {level}"));
    next(tree, format!("Chi bộ Quân sự {level}"));
    let (rural_word, urban_word) = c.region.hamlet_words();
    if c.urban {
        for k in 1..=c.hamlets {
            next(tree, format!("Chi bộ {urban_word} {k}"));
        }
    } else if c.named {
        let start = rng.gen_range(0..HAMLET_POOL.len());
        let step = [1usize, 3, 5, 7, 9, 11, 13][rng.gen_range(0..7)];
        for k in 0..c.hamlets as usize {
            let h = HAMLET_POOL[(start + k * step) % HAMLET_POOL.len()];
            // A hamlet with a proper name: the word in lower case ("Chi bộ ấp Bình Thạnh"); with a
            // number it stays capitalised ("Chi bộ Ấp 3").
            next(tree, format!("Chi bộ {} {h}", rural_word.to_lowercase()));
        }
    } else {
        for k in 1..=c.hamlets {
            next(tree, format!("Chi bộ {rural_word} {k}"));
        }
    }
    let schools = [
        "Trường Mầm non",
        "Trường Tiểu học",
        "Trường THCS",
        "Trạm Y tế",
    ];
    for s in schools.iter().take(c.schools as usize) {
        if *s == "Trạm Y tế" {
            next(tree, format!("Chi bộ Trạm Y tế {}", c.area));
        } else {
            next(tree, format!("Chi bộ {s} {}", c.place));
        }
    }
    if c.mass_orgs {
        mass_organisations(tree, c.code, c.area, !c.urban, ci);
    }
}

fn ben_tre_district(tree: &mut Tree, root: usize, d: &District, rng: &mut ChaCha8Rng) {
    let di = tree.add(
        format!("HU-{}", d.code),
        format!("Huyện ủy {}", d.name),
        UnitType::PartyCommittee,
        Some(root),
    );
    district_offices(tree, d.code, "Huyện ủy", "huyện", di);
    let mut x = 0;
    if let Some(town) = d.town {
        x += 1;
        let area = format!("thị trấn {town}");
        let c = Commune {
            code: &format!("{}-X{x:02}", d.code),
            area: &area,
            place: town,
            urban: true,
            region: Region::South,
            hamlets: rng.gen_range(4..=8),
            named: false,
            schools: 3,
            mass_orgs: true,
        };
        commune(tree, rng, di, &c);
    }
    for name in d.communes {
        x += 1;
        let area = format!("xã {name}");
        let c = Commune {
            code: &format!("{}-X{x:02}", d.code),
            area: &area,
            place: name,
            urban: false,
            region: Region::South,
            hamlets: rng.gen_range(6..=11),
            named: rng.gen_ratio(2, 3),
            schools: rng.gen_range(2..=3),
            mass_orgs: true,
        };
        commune(tree, rng, di, &c);
    }
    x = district_agencies(tree, rng, d.code, "huyện", x, di, 9..=10);
    let highs: Vec<&str> = d.communes.iter().step_by(7).copied().collect();
    for h in highs {
        x += 1;
        tree.add(
            format!("{}-X{x:02}", d.code),
            format!("Chi bộ Trường THPT {h}"),
            UnitType::GrassrootsCell,
            Some(di),
        );
    }
    tree.add(
        format!("{}-MTTQ", d.code),
        format!("Ủy ban MTTQ huyện {}", d.name),
        UnitType::Front,
        Some(di),
    );
    tree.add(
        format!("{}-CCB", d.code),
        format!("Hội Cựu chiến binh huyện {}", d.name),
        UnitType::MassOrganisation,
        Some(di),
    );
}

/// The district committee's own cells: the first one (Văn phòng) hosts the standing committee.
fn district_offices(tree: &mut Tree, code: &str, level: &str, gov: &str, di: usize) {
    let cells = [
        ("VP", format!("Chi bộ Văn phòng {level}")),
        ("UBKT", format!("Chi bộ Ủy ban Kiểm tra {level}")),
        ("BXD", format!("Chi bộ các Ban xây dựng Đảng {level}")),
        (
            "MTDT",
            format!("Chi bộ Cơ quan Mặt trận và các đoàn thể {gov}"),
        ),
    ];
    for (suffix, name) in cells {
        tree.add(
            format!("{code}-{suffix}"),
            name,
            UnitType::GrassrootsCell,
            Some(di),
        );
    }
}

/// Agencies of a district: government, police, military and health committees, then agency cells.
/// Returns the last grassroots number used.
fn district_agencies(
    tree: &mut Tree,
    rng: &mut ChaCha8Rng,
    code: &str,
    gov: &str,
    mut x: u32,
    di: usize,
    agencies: std::ops::RangeInclusive<usize>,
) -> u32 {
    let committees: [(&str, &[&str], usize); 4] = [
        (
            "Cơ quan Chính quyền",
            GOVERNMENT_CELLS,
            rng.gen_range(8..=GOVERNMENT_CELLS.len()),
        ),
        (
            "Công an",
            POLICE_CELLS,
            rng.gen_range(4..=POLICE_CELLS.len()),
        ),
        ("Quân sự", MILITARY_CELLS, MILITARY_CELLS.len()),
        ("Trung tâm Y tế", HEALTH_CELLS, HEALTH_CELLS.len()),
    ];
    for (name, cells, n) in committees {
        x += 1;
        let cc = format!("{code}-X{x:02}");
        let ci = tree.add(
            cc.clone(),
            format!("Đảng bộ {name} {gov}"),
            UnitType::GrassrootsCommittee,
            Some(di),
        );
        for (i, cell) in cells.iter().take(n).enumerate() {
            tree.cell(format!("{cc}-C{:02}", i + 1), cell, ci);
        }
    }
    let n = rng.gen_range(agencies).min(LOCAL_AGENCIES.len());
    for name in LOCAL_AGENCIES.iter().take(n) {
        x += 1;
        tree.add(
            format!("{code}-X{x:02}"),
            format!("{name} {gov}"),
            UnitType::GrassrootsCell,
            Some(di),
        );
    }
    x
}

/// A generated two-syllable place name, distinct from those already used under the same parent.
fn place_name(rng: &mut ChaCha8Rng, used: &mut Vec<(u8, u8)>) -> String {
    let n = PLACE_SYLLABLES.len();
    let mut pair = (0u8, 0u8);
    for _ in 0..20 {
        let a = rng.gen_range(0..n);
        let mut b = rng.gen_range(0..n - 1);
        if b >= a {
            b += 1;
        }
        pair = (a as u8, b as u8);
        if !used.contains(&pair) {
            break;
        }
    }
    used.push(pair);
    format!(
        "{} {}",
        PLACE_SYLLABLES[pair.0 as usize], PLACE_SYLLABLES[pair.1 as usize]
    )
}

/// The country: TW → 63 provinces → districts → grassroots → cells. Bến Tre (83) is the province
/// structure above, rooted at "T83".
fn national(tree: &mut Tree, rng: &mut ChaCha8Rng) {
    let root = tree.add(
        "TW".into(),
        "Đảng Cộng sản Việt Nam".into(),
        UnitType::PartyCommittee,
        None,
    );
    for p in PROVINCES {
        if p.code == 83 {
            province(tree, Some(root), "T83", rng);
        } else {
            generic_province(tree, rng, root, p);
        }
    }
}

fn generic_province(tree: &mut Tree, rng: &mut ChaCha8Rng, root: usize, p: &Province) {
    let region = Region::of(p.code);
    let (level, gov) = if p.city {
        ("Thành ủy", "thành phố")
    } else {
        ("Tỉnh ủy", "tỉnh")
    };
    let pc = format!("T{:02}", p.code);
    let pi = tree.add(
        pc.clone(),
        format!("{level} {}", p.name),
        UnitType::PartyCommittee,
        Some(root),
    );
    tree.add(
        format!("{pc}-VP"),
        format!("Chi bộ Văn phòng {level}"),
        UnitType::GrassrootsCell,
        Some(pi),
    );
    let mut used = Vec::new();
    for h in 1..=p.districts {
        let (dl, dgov, urban) = if p.city {
            if h * 2 <= p.districts {
                ("Quận ủy", "quận", true)
            } else {
                ("Huyện ủy", "huyện", false)
            }
        } else if h == 1 {
            ("Thành ủy", "thành phố", true)
        } else if h == 2 && p.districts > 9 {
            ("Thị ủy", "thị xã", true)
        } else {
            ("Huyện ủy", "huyện", false)
        };
        let dname = place_name(rng, &mut used);
        let dcode = format!("{pc}-H{h}");
        let di = tree.add(
            dcode.clone(),
            format!("{dl} {dname}"),
            UnitType::PartyCommittee,
            Some(pi),
        );
        tree.add(
            format!("{dcode}-VP"),
            format!("Chi bộ Văn phòng {dl}"),
            UnitType::GrassrootsCell,
            Some(di),
        );
        let communes = if urban {
            rng.gen_range(8..=18)
        } else {
            rng.gen_range(10..=28)
        };
        let mut cused = Vec::new();
        let mut x = 0;
        for _ in 0..communes {
            x += 1;
            let place = place_name(rng, &mut cused);
            let area = if urban {
                format!("phường {place}")
            } else {
                format!("xã {place}")
            };
            let c = Commune {
                code: &format!("{dcode}-X{x:02}"),
                area: &area,
                place: &place,
                urban,
                region,
                hamlets: rng.gen_range(8..=19),
                named: region == Region::South && rng.gen_ratio(1, 2),
                schools: rng.gen_range(1..=4),
                mass_orgs: false,
            };
            commune(tree, rng, di, &c);
        }
        x = district_agencies(tree, rng, &dcode, dgov, x, di, 6..=10);
        // Schools with their own grassroots cell.
        let schools = rng.gen_range(27..=43);
        let kinds = [
            "Trường THPT",
            "Trường THCS",
            "Trường Tiểu học",
            "Trường Mầm non",
        ];
        let mut sused = Vec::new();
        for s in 0..schools {
            x += 1;
            let kind = if s < 3 { kinds[0] } else { kinds[1 + s % 3] };
            let name = place_name(rng, &mut sused);
            tree.add(
                format!("{dcode}-X{x:02}"),
                format!("Chi bộ {kind} {name}"),
                UnitType::GrassrootsCell,
                Some(di),
            );
        }
    }
    // Province-level blocks.
    let prov_gov = if p.city {
        format!("thành phố {}", p.name)
    } else {
        format!("tỉnh {}", p.name)
    };
    let prov_gov = prov_gov.replace("thành phố Thành phố", "Thành phố");
    let scale = (p.districts as f32 / 11.0).clamp(0.6, 2.0);
    let blocks = [
        (
            "K1",
            format!("Đảng bộ Khối Các cơ quan {gov}"),
            0u8,
            40u32,
            45u32,
        ),
        ("K2", format!("Đảng bộ Khối Doanh nghiệp {gov}"), 1, 35, 55),
        ("K3", format!("Đảng bộ Công an {gov}"), 2, 15, 30),
        ("K4", format!("Đảng bộ Quân sự {gov}"), 3, 9, 30),
    ];
    for (k, name, kind, base, committee_pct) in blocks {
        let code = format!("{pc}-{k}");
        let bi = tree.add(code.clone(), name, UnitType::PartyCommittee, Some(pi));
        let n = ((base as f32 * scale) as u32).max(6);
        let mut used = Vec::new();
        for i in 0..n {
            let gname = match kind {
                0 => {
                    let d = PROVINCE_DEPARTMENTS[i as usize % PROVINCE_DEPARTMENTS.len()];
                    if (i as usize) >= PROVINCE_DEPARTMENTS.len() {
                        format!("Trung tâm {} {}", place_name(rng, &mut used), prov_gov)
                    } else if d == "Bệnh viện Nguyễn Đình Chiểu" {
                        format!("Bệnh viện Đa khoa {prov_gov}")
                    } else {
                        let d = d.replace("Bến Tre", p.name).replace("Đồng Khởi", p.name);
                        if p.city {
                            d.replace("tỉnh", gov)
                        } else {
                            d
                        }
                    }
                }
                1 => {
                    let e = ENTERPRISE_KINDS[i as usize % ENTERPRISE_KINDS.len()];
                    if (i as usize) < ENTERPRISE_KINDS.len() {
                        format!("{e} {}", p.name)
                    } else {
                        format!("{e} {}", place_name(rng, &mut used))
                    }
                }
                2 => {
                    let d = PROVINCE_POLICE[i as usize % PROVINCE_POLICE.len()];
                    if (i as usize) < PROVINCE_POLICE.len() {
                        d.to_string()
                    } else {
                        format!("Đội {}", i as usize - PROVINCE_POLICE.len() + 1)
                    }
                }
                _ => {
                    let d = PROVINCE_MILITARY[i as usize % PROVINCE_MILITARY.len()];
                    if (i as usize) < PROVINCE_MILITARY.len() {
                        d.to_string()
                    } else {
                        format!("Đơn vị {}", i as usize - PROVINCE_MILITARY.len() + 1)
                    }
                }
            };
            block_grassroots(
                tree,
                rng,
                &format!("{code}-X{:02}", i + 1),
                &gname,
                bi,
                committee_pct,
                6,
            );
        }
    }
}
