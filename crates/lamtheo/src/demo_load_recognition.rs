//! Loads the demo's criteria sets, assessments, recognition decisions, the city's classification and the
//! commendations (`demo::recognition`) through the store's ordinary write paths (`Criteria::save_set`,
//! `assess`, `recognise`, `classify`, `Commendations::create`: the same checks and audit records as an
//! office's entries), as the demo's admin account (a ward's proposals as its secretary's account).
//!
//! Member recipients are read from the registrations already stored: each year's members rated "hoàn
//! thành xuất sắc nhiệm vụ" in the city, with their registration of the year; a member is named only by a
//! unit whose subtree held them on the decision's day and holds them now (the store checks the present
//! unit). Scales without the city ("TU-BT") load nothing here but the models' commendations.

use anyhow::{Context, Result};
use chrono::NaiveDate;
use demo::recognition::{self as rec, Candidate, DemoCommendation};
use domain::policy::Principal;
use domain::registration::Rating;
use domain::Role;
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::time::Instant;
use store::{
    Actor, AssessmentInput, ClassificationInput, CommendationInput, CriteriaSetInput, Criterion,
    Db, MarkInput, RecognitionInput,
};

/// The principal the demo's records are entered as: the admin account, or (before accounts exist) an
/// administrator of the first root unit.
pub(crate) async fn demo_principal(db: &Db) -> Result<Principal> {
    if let Some(a) = db.accounts().account_by_username("admin").await? {
        if a.role == Role::Admin {
            return Ok(a.principal());
        }
    }
    let root = db
        .units()
        .root_units()
        .await?
        .into_iter()
        .next()
        .context("dữ liệu mẫu không có đơn vị gốc")?;
    Ok(Principal {
        user_id: 0,
        username: "demo".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    })
}

fn actor_of(p: &Principal, fallback: &Actor) -> Actor {
    if p.user_id > 0 {
        Actor::user(p, "demo")
    } else {
        fallback.clone()
    }
}

/// The commendations of the models (`rec::model_commendations`); `model_ids` are the ids of
/// `demo::models::models(units)` in order. Returns how many were recorded.
pub(crate) async fn load_model_commendations(
    db: &Db,
    actor: &Actor,
    units: &[demo::DemoUnit],
    model_ids: &[i64],
) -> Result<usize> {
    let p = demo_principal(db).await?;
    let actor = actor_of(&p, actor);
    let list = rec::model_commendations(units);
    for c in &list {
        let models = c
            .model_indexes
            .iter()
            .map(|i| model_ids.get(*i).copied().context("thiếu mô hình mẫu"))
            .collect::<Result<Vec<_>>>()?;
        create(
            db,
            &p,
            &actor,
            c,
            c.member_ids.clone(),
            c.registration_ids.clone(),
            models,
        )
        .await?;
    }
    Ok(list.len())
}

/// Records one planned commendation with the member recipients and registrations given.
async fn create(
    db: &Db,
    p: &Principal,
    actor: &Actor,
    c: &DemoCommendation,
    member_ids: Vec<i64>,
    registration_ids: Vec<i64>,
    model_ids: Vec<i64>,
) -> Result<()> {
    let input = CommendationInput {
        kind: Some(c.kind),
        label: c.label.clone(),
        level: c.level,
        issuer_code: c.issuer_code.clone(),
        issuer_name: c.issuer_name.clone(),
        decision_number: c.decision_number.clone(),
        decided_on: c.decided_on,
        reason: c.reason.clone(),
        member_ids,
        unit_codes: c.unit_codes.clone(),
        model_ids,
        registration_ids,
    };
    db.commendations()
        .create_on(p, actor, &input, c.proposed_on)
        .await
        .with_context(|| {
            format!(
                "nạp khen thưởng mẫu \"{}\" của {}",
                c.decision_number, c.issuer_code
            )
        })?;
    Ok(())
}

/// Everything else of `demo::recognition`: the criteria records and the yearly commendations.
pub(crate) async fn load_recognition(
    db: &Db,
    actor: &Actor,
    seed: u64,
    units: &[demo::DemoUnit],
    by_code: &HashMap<String, domain::Unit>,
) -> Result<()> {
    let Some(root) = by_code.get(rec::CITY_ROOT) else {
        return Ok(());
    };
    let started = Instant::now();
    let p = demo_principal(db).await?;
    let actor = actor_of(&p, actor);
    let plan = rec::criteria(units, seed);
    for s in &plan.sets {
        db.criteria()
            .save_set(
                &p,
                &actor,
                &CriteriaSetInput {
                    code: s.code.to_string(),
                    title: s.title.to_string(),
                    version: s.version.to_string(),
                    description: s.description.to_string(),
                    owner_code: s.owner_code.clone(),
                    applies_type: String::new(),
                    unit_codes: s.unit_codes.clone(),
                    items: s
                        .items
                        .iter()
                        .map(|c| Criterion {
                            code: c.code.clone(),
                            title: c.title.clone(),
                            group: c.group.clone(),
                            measure: c.measure.clone(),
                            target: c.target.clone(),
                        })
                        .collect(),
                },
            )
            .await
            .with_context(|| format!("nạp bộ tiêu chí mẫu {}", s.code))?;
    }
    for a in &plan.assessments {
        db.criteria()
            .assess(
                &p,
                &actor,
                &AssessmentInput {
                    set_code: a.set_code.to_string(),
                    unit_code: a.unit_code.clone(),
                    as_of: a.as_of,
                    note: a.note.clone(),
                    items: a
                        .marks
                        .iter()
                        .map(|m| MarkInput {
                            code: m.code.clone(),
                            state: m.state,
                            evidence: m.evidence.clone(),
                        })
                        .collect(),
                },
            )
            .await
            .with_context(|| format!("nạp đánh giá {} của {}", a.set_code, a.unit_code))?;
    }
    for r in &plan.recognitions {
        db.criteria()
            .recognise(
                &p,
                &actor,
                &RecognitionInput {
                    set_code: r.set_code.to_string(),
                    unit_code: r.unit_code.clone(),
                    decision_number: r.decision_number.clone(),
                    decided_on: Some(r.decided_on),
                    issued_by: r.issued_by.to_string(),
                },
            )
            .await
            .with_context(|| format!("nạp quyết định công nhận {}", r.decision_number))?;
    }
    for c in &plan.classifications {
        db.criteria()
            .classify(
                &p,
                &actor,
                &ClassificationInput {
                    unit_code: c.unit_code.clone(),
                    title: c.title.to_string(),
                    decision_number: c.decision_number.to_string(),
                    decided_on: Some(c.decided_on),
                    issued_by: c.issued_by.to_string(),
                    note: c.note.to_string(),
                },
            )
            .await
            .with_context(|| format!("nạp phân loại đô thị {}", c.decision_number))?;
    }

    // Commendations of members and units, year by year, from the stored registrations' ratings.
    let code_of: HashMap<i64, &str> = by_code.values().map(|u| (u.id, u.code.as_str())).collect();
    let tops = Tops::new(units);
    let today = db.today();
    let now = Placement::read(db, &root.path, today, &code_of, &tops).await?;
    let mut placements: HashMap<NaiveDate, Placement> = HashMap::new();
    let (mut decisions, mut commended) = (0usize, 0usize);
    let mut last_year: Option<(Vec<Candidate>, Vec<DemoCommendation>)> = None;
    for year in demo::registrations::FIRST_YEAR..=demo::registrations::LAST_YEAR {
        let (regs, _) = db
            .registrations()
            .registrations_in(&p, &root.path, year, None, usize::MAX)
            .await
            .context("đọc xếp loại đảng viên mẫu")?;
        let candidates: Vec<Candidate> = regs
            .iter()
            .filter_map(|r| {
                Some(Candidate {
                    member_id: r.member_id,
                    registration_id: r.id,
                    unit_code: code_of.get(&r.unit_id)?.to_string(),
                    rating: r.rating?,
                })
            })
            .filter(|c| c.rating == Rating::Excellent)
            .collect();
        let list = rec::year_commendations(units, seed, year, &candidates);
        for c in &list {
            let (members, registrations) = match c.decided_on {
                Some(day) if !c.member_ids.is_empty() => {
                    let then = match placements.entry(day) {
                        Entry::Occupied(e) => e.into_mut(),
                        Entry::Vacant(e) => {
                            e.insert(Placement::read(db, &root.path, day, &code_of, &tops).await?)
                        }
                    };
                    keep_placed(c, then, &now)
                }
                _ => (c.member_ids.clone(), c.registration_ids.clone()),
            };
            if members.is_empty() && c.unit_codes.is_empty() {
                continue;
            }
            commended += members.len() + c.unit_codes.len();
            create(db, &p, &actor, c, members, registrations, Vec::new()).await?;
            decisions += 1;
        }
        last_year = Some((candidates, list));
    }
    // Proposals of 2020 still waiting, each by its ward's secretary when the demo has that account.
    let mut proposals = 0;
    if let Some((candidates, decided)) = last_year {
        let accounts = db.accounts().list_accounts(None).await?;
        let own: HashSet<i64> = accounts.iter().filter_map(|a| a.member_id).collect();
        let candidates: Vec<Candidate> = candidates
            .into_iter()
            .filter(|c| !own.contains(&c.member_id) && now.members.contains_key(&c.member_id))
            .collect();
        for c in rec::pending_proposals(units, seed, &candidates, &decided) {
            let ward = c.proposed_by_unit.as_deref().unwrap_or(rec::CITY_ROOT);
            let (sp, sa) = match accounts
                .iter()
                .find(|a| a.role == Role::Secretary && a.unit_code == ward && a.active)
            {
                Some(a) => {
                    let sp = a.principal();
                    let sa = Actor::user(&sp, "demo");
                    (sp, sa)
                }
                None => (p.clone(), actor.clone()),
            };
            create(
                db,
                &sp,
                &sa,
                &c,
                c.member_ids.clone(),
                c.registration_ids.clone(),
                Vec::new(),
            )
            .await?;
            proposals += 1;
        }
    }
    println!(
        "Đã nạp {} bộ tiêu chí, {} lần đánh giá, {} quyết định công nhận đạt chuẩn, {} quyết định phân loại đô thị, {decisions} quyết định khen thưởng ({commended} lượt cá nhân, tập thể) và {proposals} đề nghị chưa quyết định ({:.1} giây).",
        plan.sets.len(),
        plan.assessments.len(),
        plan.recognitions.len(),
        plan.classifications.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The grassroots organisation (child of the city root) of each unit code.
struct Tops(HashMap<String, String>);

impl Tops {
    fn new(units: &[demo::DemoUnit]) -> Tops {
        let parent: HashMap<&str, &str> = units
            .iter()
            .filter_map(|u| Some((u.code.as_str(), u.parent_code.as_deref()?)))
            .collect();
        let mut out = HashMap::new();
        for u in units {
            let mut c = u.code.as_str();
            while let Some(p) = parent.get(c) {
                if *p == rec::CITY_ROOT {
                    out.insert(u.code.clone(), c.to_string());
                    break;
                }
                c = p;
            }
        }
        Tops(out)
    }
}

/// Where the city's members were on a day: member id → grassroots organisation code.
struct Placement {
    members: HashMap<i64, String>,
}

impl Placement {
    async fn read(
        db: &Db,
        root_path: &str,
        day: NaiveDate,
        code_of: &HashMap<i64, &str>,
        tops: &Tops,
    ) -> Result<Placement> {
        let members = db
            .members()
            .members_as_of(root_path, day)
            .await
            .context("đọc đảng viên mẫu theo ngày")?
            .into_iter()
            .filter_map(|(m, unit)| {
                let code = code_of.get(&unit)?;
                Some((m, tops.0.get(*code)?.clone()))
            })
            .collect();
        Ok(Placement { members })
    }

    fn holds(&self, issuer: &str, member: i64) -> bool {
        match self.members.get(&member) {
            Some(top) => issuer == rec::CITY_ROOT || top == issuer,
            None => false,
        }
    }
}

/// The member recipients (and their registrations) the issuer's subtree held on the decision's day and
/// holds now.
fn keep_placed(c: &DemoCommendation, then: &Placement, now: &Placement) -> (Vec<i64>, Vec<i64>) {
    c.member_ids
        .iter()
        .zip(&c.registration_ids)
        .filter(|(m, _)| then.holds(&c.issuer_code, **m) && now.holds(&c.issuer_code, **m))
        .map(|(m, r)| (*m, *r))
        .unzip()
}

#[cfg(test)]
pub(crate) mod tests {
    //! The city demo's standards and commendations read back through the store: the seed's outcome
    //! figures on 20/05/2020 from the records, and the records' believability.
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use chrono::{Datelike, NaiveDate};
    use domain::commendation::{CommendationKind, CommendationLevel, CommendationState};
    use domain::models::ModelStatus;
    use domain::policy::Principal;
    use store::{CommendationFilter, Db};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    pub(crate) async fn check_city_recognition(db: &Db, admin: &Principal, root: &domain::Unit) {
        let units = demo::units(demo::Scale::City, 2020);
        let report = demo::recognition::report_day();
        assert_eq!(report, d(2020, 5, 20));
        // 35/35 on the city's "văn minh đô thị" set.
        let s = db
            .criteria()
            .status(admin, "VMDT-BT", &root.code, report)
            .await
            .unwrap();
        assert_eq!((s.met, s.total), (35, 35), "{s:?}");
        // Every commune recognised new-rural by then; not so at the start of 2017.
        let communes = demo::recognition::communes(&units).len() as i64;
        assert_eq!(communes, 6);
        let r = db
            .criteria()
            .rollup(admin, "NTM-2016", &root.code, report)
            .await
            .unwrap();
        assert_eq!(
            (r.units, r.recognised, r.all_met),
            (communes, communes, communes)
        );
        let early = db
            .criteria()
            .rollup(admin, "NTM-2016", &root.code, d(2017, 1, 1))
            .await
            .unwrap();
        assert_eq!(early.units, communes);
        assert!(early.recognised < early.units, "{early:?}");
        assert_eq!(early.recognised, 0);
        // A commune on its own: all 19 met and recognised, with a decision of the province.
        let line = &r.lines[0];
        let one = db
            .criteria()
            .status(admin, "NTM-2016", &line.unit.code, report)
            .await
            .unwrap();
        assert_eq!((one.met, one.total), (19, 19));
        let decision = one.decision.expect("recognition in force");
        assert!(decision.decision_number.ends_with("/QĐ-UBND"));
        assert_eq!(decision.issued_by, "Ủy ban nhân dân tỉnh Bến Tre");
        // History: the commune's assessments over 2016–2019 with fewer met in 2016.
        let history = db
            .criteria()
            .assessments(admin, "NTM-2016", &line.unit.code)
            .await
            .unwrap();
        assert_eq!(history.len(), 8);
        let first = db
            .criteria()
            .status(admin, "NTM-2016", &line.unit.code, d(2016, 7, 1))
            .await
            .unwrap();
        assert!((10..=14).contains(&first.met), "{first:?}");
        assert!(!first.recognised);
        // Urban class II decided before the report.
        let classes = db
            .criteria()
            .classifications(admin, Some(&root.code))
            .await
            .unwrap();
        assert!(
            classes
                .iter()
                .any(|c| c.title == "Đô thị loại II" && c.decided_on < report),
            "{classes:?}"
        );
        // The seven models of the seed are "được biểu dương", through a decided commendation each.
        let models = db
            .models()
            .public_models(&store::PublicModelFilter::default())
            .await
            .unwrap();
        let seed = demo::models::models(&units);
        let seed: Vec<_> = seed.iter().filter(|m| m.from_seed).collect();
        assert_eq!(seed.len(), 7);
        for m in seed {
            let stored = models
                .iter()
                .find(|x| x.name == m.name && x.unit.code == m.owner_code)
                .unwrap();
            assert_eq!(stored.status, ModelStatus::Commended, "{}", m.name);
            let linked = db.commendations().of_model(admin, stored.id).await.unwrap();
            assert!(linked.iter().any(|c| c.state == CommendationState::Decided));
        }
        // Commendations of members and units up to the report, and proposals still waiting.
        let sum = db
            .commendations()
            .summary(admin, &root.code, d(2016, 1, 1), report)
            .await
            .unwrap();
        assert!(sum.total.members > 0 && sum.total.units > 0, "{sum:?}");
        assert!((2..=6).contains(&sum.pending_proposals), "{sum:?}");
        // A year: a few hundred grassroots commendations of members, tens by the city, a few provincial.
        let year = db
            .commendations()
            .summary(admin, &root.code, d(2018, 1, 1), d(2018, 12, 31))
            .await
            .unwrap();
        let level = |l: CommendationLevel| year.by_level.iter().find(|x| x.level == l).unwrap();
        let grassroots = level(CommendationLevel::Grassroots).counts.members;
        let city = level(CommendationLevel::District).counts.members;
        let province = level(CommendationLevel::Province).counts.members;
        println!(
            "2018 commendations: {grassroots} members by grassroots committees, {city} by the city, {province} provincial; {} units",
            year.total.units
        );
        assert!((150..=500).contains(&grassroots), "{year:?}");
        assert!((10..=80).contains(&city), "{year:?}");
        assert!((1..=10).contains(&province), "{year:?}");
        assert!(
            level(CommendationLevel::Grassroots).counts.units > 50,
            "{year:?}"
        );
        // Members' certificates link the registration of the year, rated "hoàn thành xuất sắc".
        let (list, _) = db
            .commendations()
            .list(
                admin,
                &CommendationFilter {
                    unit_path: Some(root.path.clone()),
                    year: Some(2018),
                    kind: Some(CommendationKind::Certificate),
                    limit: 50,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!list.is_empty());
        for c in list.iter().filter(|c| !c.members.is_empty()) {
            assert_eq!(c.registrations.len(), c.members.len(), "{}", c.heading);
            for reg in c.registrations.iter().take(3) {
                assert_eq!(reg.year, 2018);
                assert!(c.members.iter().any(|m| m.id == reg.member_id));
                let rating = db
                    .registrations()
                    .member_rating(admin, reg.member_id, 2018)
                    .await
                    .unwrap();
                assert_eq!(
                    rating.map(|r| r.0),
                    Some(domain::registration::Rating::Excellent)
                );
            }
            assert_eq!(c.decided_on.map(|x| x.year()), Some(2018));
        }
    }
}
