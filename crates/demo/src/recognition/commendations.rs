//! The demo's commendations: those that made the models "được biểu dương", the ones decided at the end of
//! each year (grassroots committees', the city's, the province's recorded by the city office) and the
//! proposals of 2020 still waiting for the city's decision.

use super::{
    criteria, d, rng, Candidate, DemoCommendation, CITY_ROOT, NTM_SET, PROVINCE_PEOPLES_COMMITTEE,
};
use crate::DemoUnit;
use chrono::NaiveDate;
use domain::commendation::{CommendationKind, CommendationLevel};
use domain::registration::Rating;
use domain::UnitType;
use rand::seq::SliceRandom;
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, HashMap, HashSet};

fn decision(number: String, on: NaiveDate) -> (String, Option<NaiveDate>) {
    (number, Some(on))
}

#[allow(clippy::too_many_arguments)]
fn commendation(
    kind: CommendationKind,
    label: &str,
    level: Option<CommendationLevel>,
    issuer_code: &str,
    issuer_name: &str,
    (decision_number, decided_on): (String, Option<NaiveDate>),
    reason: String,
) -> DemoCommendation {
    DemoCommendation {
        kind,
        label: label.to_string(),
        level,
        issuer_code: issuer_code.to_string(),
        issuer_name: issuer_name.to_string(),
        decision_number,
        decided_on,
        reason,
        member_ids: Vec::new(),
        unit_codes: Vec::new(),
        model_indexes: Vec::new(),
        registration_ids: Vec::new(),
        proposed_by_unit: None,
        proposed_on: None,
    }
}

/// The commendations that made the models "được biểu dương": the seven of the seed and the one other
/// model a city office commended, each naming the model's owner unit and linking the model. Dates fall
/// after the model started, at the city's Chỉ thị 05 conferences (around 19/5) or a ward's year-end review.
pub fn model_commendations(units: &[DemoUnit]) -> Vec<DemoCommendation> {
    let models = crate::models::models(units);
    let parent: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.code.as_str(), u.parent_code.as_deref()?)))
        .collect();
    let index = |owner: &str| models.iter().position(|m| m.owner_code == owner);
    // (owner, issued by the city or the owner's ward, kind, decision, day, reason)
    let list: [(&str, bool, CommendationKind, &str, NaiveDate, &str); 8] = [
        ("SD-MTTQ", true, CommendationKind::Certificate, "125-QĐ/TU", d(2018, 5, 17),
         "Mô hình “Dân vận khéo” vận động nhân dân xây dựng nhà tiêu hợp vệ sinh, điển hình trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"),
        ("P7", true, CommendationKind::Praise, "125-QĐ/TU", d(2018, 5, 17),
         "Điển hình tiêu biểu trong thực hiện Chỉ thị 05-CT/TW, sơ kết 2 năm"),
        ("BT-CCB", true, CommendationKind::Certificate, "231-QĐ/TU", d(2019, 5, 16),
         "Mô hình “5 + 1” của Hội Cựu chiến binh, được nhân rộng ở các phường, xã"),
        ("P7-KV", true, CommendationKind::Praise, "231-QĐ/TU", d(2019, 5, 16),
         "Cách làm hay trong công tác dân vận của Khối vận Phường 7"),
        ("BP-A1", false, CommendationKind::Praise, "38-QĐ/ĐU", d(2017, 12, 26),
         "Vận động nhân dân hiến đất, góp công làm đường giao thông nông thôn"),
        ("P4-TDV2", false, CommendationKind::Certificate, "41-QĐ/ĐU", d(2018, 12, 27),
         "Tổ Dân vận tiêu biểu trong vận động nhân dân giữ gìn trật tự, vệ sinh khu phố"),
        ("P8-TDV1", false, CommendationKind::Praise, "29-QĐ/ĐU", d(2018, 6, 28),
         "Tổ Dân vận khéo, tiêu biểu trong phong trào thi đua “Dân vận khéo”"),
        ("P5-CQ", false, CommendationKind::Certificate, "44-QĐ/ĐU", d(2018, 12, 27),
         "Cách làm hay “4 xin, 4 luôn” trong tiếp dân, giải quyết hồ sơ đúng hạn"),
    ];
    let mut out: Vec<DemoCommendation> = Vec::new();
    for (owner, city, kind, number, day, reason) in list {
        let Some(i) = index(owner) else { continue };
        if models[i].started_on >= day {
            continue;
        }
        // The ward of a unit: the child of the city root it lies under.
        let mut ward = owner;
        while let Some(p) = parent.get(ward) {
            if *p == CITY_ROOT {
                break;
            }
            ward = p;
        }
        let issuer = if city { CITY_ROOT } else { ward };
        if let Some(c) = out
            .iter_mut()
            .find(|c| c.decision_number == number && c.issuer_code == issuer)
        {
            c.unit_codes.push(owner.to_string());
            c.model_indexes.push(i);
            continue;
        }
        let mut c = commendation(
            kind,
            "",
            None,
            issuer,
            "",
            decision(number.to_string(), day),
            reason.to_string(),
        );
        c.unit_codes.push(owner.to_string());
        c.model_indexes.push(i);
        out.push(c);
    }
    out
}

/// The grassroots organisations directly under the city root: its wards and communes, the committees
/// of the city's agencies and the grassroots cells.
fn grassroots(units: &[DemoUnit]) -> Vec<&DemoUnit> {
    units
        .iter()
        .filter(|u| {
            u.parent_code.as_deref() == Some(CITY_ROOT)
                && matches!(
                    u.unit_type,
                    UnitType::GrassrootsCommittee | UnitType::GrassrootsCell
                )
        })
        .collect()
}

/// The grassroots organisation (child of the city root) of every unit below one.
fn grassroots_of(units: &[DemoUnit]) -> HashMap<&str, &str> {
    let parent: HashMap<&str, &str> = units
        .iter()
        .filter_map(|u| Some((u.code.as_str(), u.parent_code.as_deref()?)))
        .collect();
    let mut out = HashMap::new();
    for u in units {
        let mut c = u.code.as_str();
        while let Some(p) = parent.get(c) {
            if *p == CITY_ROOT {
                out.insert(u.code.as_str(), c);
                break;
            }
            c = p;
        }
    }
    out
}

/// Names the members as recipients, each with the registration that made them a candidate.
fn name_members(c: &mut DemoCommendation, members: &[&Candidate]) {
    for m in members {
        c.member_ids.push(m.member_id);
        c.registration_ids.push(m.registration_id);
    }
}

/// The candidates of every grassroots organisation not commended yet this year, in the organisations' order.
fn unchosen<'a>(
    by_top: &BTreeMap<&str, Vec<&'a Candidate>>,
    chosen: &HashSet<i64>,
) -> Vec<&'a Candidate> {
    by_top
        .values()
        .flatten()
        .copied()
        .filter(|c| !chosen.contains(&c.member_id))
        .collect()
}

fn take_random<T: Clone>(r: &mut ChaCha8Rng, pool: &[T], n: usize) -> Vec<T> {
    pool.choose_multiple(r, n.min(pool.len()))
        .cloned()
        .collect()
}

/// The commendations decided at the end of `year` (28–30/12): each grassroots committee's certificates for
/// its exemplary members and its title "Chi bộ trong sạch vững mạnh" for most of its cells; the city's
/// certificates for a few dozen members across the city and its title "Tổ chức cơ sở đảng hoàn thành xuất
/// sắc nhiệm vụ" for some grassroots organisations; a few merits of the province recorded by the city
/// office; in 2019 the province's emulation flag for the first commune recognised new-rural. Members are
/// chosen among the `candidates` rated "hoàn thành xuất sắc nhiệm vụ", their registration linked.
pub fn year_commendations(
    units: &[DemoUnit],
    seed: u64,
    year: i32,
    candidates: &[Candidate],
) -> Vec<DemoCommendation> {
    if !units.iter().any(|u| u.code == CITY_ROOT) {
        return Vec::new();
    }
    let mut r = rng(seed, 1000 + year as u64);
    let top = grassroots_of(units);
    let mut by_top: BTreeMap<&str, Vec<&Candidate>> = BTreeMap::new();
    for c in candidates.iter().filter(|c| c.rating == Rating::Excellent) {
        if let Some(t) = top.get(c.unit_code.as_str()) {
            by_top.entry(t).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    let mut chosen: HashSet<i64> = HashSet::new();
    let mut city_no = 380 + r.gen_range(0..40);
    let grassroots = grassroots(units);
    for g in grassroots
        .iter()
        .filter(|g| g.unit_type == UnitType::GrassrootsCommittee)
    {
        let mut no = 30 + r.gen_range(0..30);
        let area = g.name.trim_start_matches("Đảng bộ ");
        // Certificates for the ward's exemplary members (about a third of those rated excellent).
        let pool = by_top.get(g.code.as_str()).cloned().unwrap_or_default();
        let n = (pool.len() * r.gen_range(30..45)).div_ceil(100);
        let picked = take_random(&mut r, &pool, n);
        if !picked.is_empty() {
            let mut c = commendation(
                CommendationKind::Certificate,
                "",
                None,
                &g.code,
                "",
                decision(format!("{no}-QĐ/ĐU"), d(year, 12, 28)),
                format!(
                    "Đảng viên hoàn thành xuất sắc nhiệm vụ năm {year}, tiêu biểu trong học tập và làm theo \
                     tư tưởng, đạo đức, phong cách Hồ Chí Minh"
                ),
            );
            let mut picked = picked;
            picked.sort_by_key(|c| c.member_id);
            chosen.extend(picked.iter().map(|m| m.member_id));
            name_members(&mut c, &picked);
            out.push(c);
            no += 1;
        }
        // "Chi bộ trong sạch vững mạnh" for most of its cells.
        let cells: Vec<String> = units
            .iter()
            .filter(|u| {
                u.parent_code.as_deref() == Some(g.code.as_str()) && u.unit_type == UnitType::Cell
            })
            .map(|u| u.code.clone())
            .collect();
        let n = (cells.len() * r.gen_range(55..80)).div_ceil(100);
        let mut titled = take_random(&mut r, &cells, n);
        if !titled.is_empty() {
            titled.sort_by_key(|c| cells.iter().position(|x| x == c));
            let mut c = commendation(
                CommendationKind::Title,
                "Chi bộ trong sạch vững mạnh",
                None,
                &g.code,
                "",
                decision(format!("{no}-QĐ/ĐU"), d(year, 12, 28)),
                format!(
                    "Kết quả kiểm điểm, đánh giá chất lượng tổ chức đảng năm {year} của {area}"
                ),
            );
            c.unit_codes = titled;
            out.push(c);
        }
    }
    // The city's certificates: a few dozen members across the city not yet commended by their ward.
    let pool = unchosen(&by_top, &chosen);
    let n = r.gen_range(24..42);
    let mut picked = take_random(&mut r, &pool, n);
    picked.sort_by_key(|c| c.member_id);
    if !picked.is_empty() {
        city_no += 1;
        let mut c = commendation(
            CommendationKind::Certificate,
            "",
            None,
            CITY_ROOT,
            "",
            decision(format!("{city_no}-QĐ/TU"), d(year, 12, 29)),
            format!(
                "Có thành tích xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh \
                 năm {year}"
            ),
        );
        chosen.extend(picked.iter().map(|m| m.member_id));
        name_members(&mut c, &picked);
        out.push(c);
    }
    // "Tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ" for about a third of the grassroots organisations.
    let codes: Vec<String> = grassroots.iter().map(|u| u.code.clone()).collect();
    let n = (codes.len() * r.gen_range(28..40)).div_ceil(100);
    let mut titled = take_random(&mut r, &codes, n);
    titled.sort_by_key(|c| codes.iter().position(|x| x == c));
    if !titled.is_empty() {
        city_no += 1;
        let mut c = commendation(
            CommendationKind::Title,
            "Tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ",
            None,
            CITY_ROOT,
            "",
            decision(format!("{city_no}-QĐ/TU"), d(year, 12, 30)),
            format!("Kết quả đánh giá, xếp loại chất lượng tổ chức cơ sở đảng năm {year}"),
        );
        c.unit_codes = titled;
        out.push(c);
    }
    // A few merits of the province's standing committee, recorded by the city office.
    let pool = unchosen(&by_top, &chosen);
    let n = r.gen_range(2..5);
    let mut picked = take_random(&mut r, &pool, n);
    picked.sort_by_key(|c| c.member_id);
    if !picked.is_empty() {
        let mut c = commendation(
            CommendationKind::Merit,
            "",
            Some(CommendationLevel::Province),
            CITY_ROOT,
            "Ban Thường vụ Tỉnh ủy Bến Tre",
            decision(
                format!("{}-QĐ/TU", 1500 + r.gen_range(0..400)),
                d(year, 12, 30),
            ),
            format!("Có thành tích xuất sắc trong thực hiện Chỉ thị 05-CT/TW năm {year}"),
        );
        name_members(&mut c, &picked);
        out.push(c);
    }
    // 2019: the province's emulation flag for the commune recognised new-rural first.
    if year == 2019 {
        let plan = criteria(units, seed);
        if let Some(first) = plan.recognitions.iter().find(|x| x.set_code == NTM_SET) {
            let mut c = commendation(
                CommendationKind::EmulationFlag,
                "",
                Some(CommendationLevel::Province),
                CITY_ROOT,
                PROVINCE_PEOPLES_COMMITTEE,
                decision(format!("{}/QĐ-UBND", 2900 + r.gen_range(0..200)), d(year, 12, 30)),
                format!(
                    "Đơn vị dẫn đầu phong trào thi đua “Cả nước chung sức xây dựng nông thôn mới” năm {year}"
                ),
            );
            c.unit_codes.push(first.unit_code.clone());
            out.push(c);
        }
    }
    out
}

/// Proposals made in 2020 and not decided yet: the secretaries of Phường 7 and xã Sơn Đông propose the
/// city's certificate for a few of their members rated "hoàn thành xuất sắc nhiệm vụ" in 2020 (`candidates`
/// are the 2020 ones); members already commended in `decided` are left out.
pub fn pending_proposals(
    units: &[DemoUnit],
    seed: u64,
    candidates: &[Candidate],
    decided: &[DemoCommendation],
) -> Vec<DemoCommendation> {
    if !units.iter().any(|u| u.code == CITY_ROOT) {
        return Vec::new();
    }
    let mut r = rng(seed, 9000);
    let top = grassroots_of(units);
    let done: HashSet<i64> = decided
        .iter()
        .flat_map(|c| c.member_ids.iter().copied())
        .collect();
    let mut out = Vec::new();
    for (ward, reason) in [
        ("P7", "Tiêu biểu trong thực hiện Chỉ thị 05-CT/TW năm 2020, đi đầu trong phòng, chống dịch COVID-19 ở khu phố"),
        ("SD", "Tiêu biểu trong vận động nhân dân giữ vững xã đạt chuẩn nông thôn mới năm 2020"),
    ] {
        if !units.iter().any(|u| u.code == ward) {
            continue;
        }
        let pool: Vec<&Candidate> = candidates
            .iter()
            .filter(|c| {
                c.rating == Rating::Excellent
                    && top.get(c.unit_code.as_str()) == Some(&ward)
                    && !done.contains(&c.member_id)
            })
            .collect();
        // Two proposals per ward, one to three members each.
        let mut picked = take_random(&mut r, &pool, 4);
        picked.sort_by_key(|c| c.member_id);
        for chunk in picked.chunks(2) {
            let mut c = commendation(
                CommendationKind::Certificate,
                "",
                None,
                CITY_ROOT,
                "",
                (String::new(), None),
                reason.to_string(),
            );
            name_members(&mut c, chunk);
            c.proposed_by_unit = Some(ward.to_string());
            // After the year-end rating that made them candidates.
            c.proposed_on = Some(d(2020, 12, 28));
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::super::tests::city;
    use super::*;
    use chrono::Datelike;

    #[test]
    fn the_seven_seed_models_are_commended_after_they_started() {
        let units = city();
        let models = crate::models::models(&units);
        let list = model_commendations(&units);
        let linked: HashSet<usize> = list
            .iter()
            .flat_map(|c| c.model_indexes.iter().copied())
            .collect();
        for (i, m) in models.iter().enumerate().filter(|(_, m)| m.from_seed) {
            assert!(linked.contains(&i), "{}", m.name);
        }
        for c in &list {
            for &i in &c.model_indexes {
                assert!(c.decided_on.is_some_and(|day| day > models[i].started_on));
                assert!(c.unit_codes.iter().any(|u| u == models[i].owner_code));
            }
            assert!(
                c.issuer_code == CITY_ROOT
                    || units
                        .iter()
                        .any(|u| u.code == c.issuer_code
                            && u.parent_code.as_deref() == Some(CITY_ROOT))
            );
        }
    }

    fn fake_candidates(units: &[DemoUnit], year: i32) -> Vec<Candidate> {
        let mut r = rng(1, year as u64);
        let cells: Vec<&DemoUnit> = units
            .iter()
            .filter(|u| matches!(u.unit_type, UnitType::Cell | UnitType::GrassrootsCell))
            .collect();
        (0..6000)
            .map(|i| Candidate {
                member_id: i,
                registration_id: 100_000 + i,
                unit_code: cells[r.gen_range(0..cells.len())].code.clone(),
                rating: if r.gen_range(0..100) < 18 {
                    Rating::Excellent
                } else {
                    Rating::Good
                },
            })
            .collect()
    }

    #[test]
    fn yearly_commendations_have_believable_numbers() {
        let units = city();
        let top = grassroots_of(&units);
        for year in 2016..=2020 {
            let cands = fake_candidates(&units, year);
            let list = year_commendations(&units, 2020, year, &cands);
            let members = |f: &dyn Fn(&DemoCommendation) -> bool| -> usize {
                list.iter()
                    .filter(|c| f(c))
                    .map(|c| c.member_ids.len())
                    .sum()
            };
            let grassroots = members(&|c| c.issuer_code != CITY_ROOT);
            let city = members(&|c| c.issuer_code == CITY_ROOT && c.level.is_none());
            assert!((150..=400).contains(&grassroots), "{year}: {grassroots}");
            assert!((20..=60).contains(&city), "{year}: {city}");
            let by_id: HashMap<i64, &Candidate> = cands.iter().map(|c| (c.member_id, c)).collect();
            for c in &list {
                assert!(c
                    .decided_on
                    .is_some_and(|day| day.year() == year && day.month() == 12));
                assert_eq!(c.member_ids.len(), c.registration_ids.len());
                assert!(c.member_ids.len() + c.unit_codes.len() > 0);
                for m in &c.member_ids {
                    let cand = by_id[m];
                    assert_eq!(cand.rating, Rating::Excellent);
                    // Every recipient lies in the issuer's subtree.
                    if c.issuer_code != CITY_ROOT {
                        assert_eq!(top[cand.unit_code.as_str()], c.issuer_code);
                    }
                }
                if c.kind == CommendationKind::Title {
                    assert!(!c.label.is_empty() && !c.unit_codes.is_empty());
                }
                if c.level == Some(CommendationLevel::Province) {
                    assert!(!c.issuer_name.is_empty());
                }
            }
            assert!(list
                .iter()
                .any(|c| c.label == "Chi bộ trong sạch vững mạnh"));
            assert!(list.iter().any(|c| c.kind == CommendationKind::Merit));
            assert_eq!(list, year_commendations(&units, 2020, year, &cands));
        }
        let cands = fake_candidates(&units, 2020);
        let decided = year_commendations(&units, 2020, 2020, &cands);
        let pending = pending_proposals(&units, 2020, &cands, &decided);
        assert!((2..=6).contains(&pending.len()), "{}", pending.len());
        assert!(pending.iter().all(|c| c.decided_on.is_none()
            && c.decision_number.is_empty()
            && c.proposed_by_unit.is_some()));
    }
}
