//! Loads the inspection commissions' records of the demo (`demo::inspections`): programmes, cases with
//! subjects, conclusions and remedies, discipline and xóa tên, through `Inspections::load_inspections`.
//!
//! Scales: the city and the province load the records of Bến Tre city (the subtree of "TU-BT"; the report's
//! figures are exact for the city scale). The national scale skips them: the generator reads every member
//! and every registration once more, which at ~5.3M members would add minutes to the load for a subtree of
//! one city.

use super::MemberIds;
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::time::Instant;
use store::{
    Actor, Db, InspectionLoad, NewCase, NewDiscipline, NewProgramme, NewRemedy, NewStrikeOff,
    NewSubject,
};

#[allow(clippy::too_many_arguments)]
pub(super) async fn load_inspections(
    db: &Db,
    actor: &Actor,
    scale: demo::Scale,
    seed: u64,
    units: &[demo::DemoUnit],
    ratings: demo::Ratings,
    by_code: &HashMap<String, domain::Unit>,
    member_ids: &MemberIds,
) -> Result<()> {
    if scale == demo::Scale::National {
        return Ok(());
    }
    let started = Instant::now();
    let owned: Vec<demo::DemoUnit> = units.to_vec();
    let today = db.today();
    let records =
        tokio::task::spawn_blocking(move || demo::inspections(scale, seed, &owned, today, ratings))
            .await
            .context("tạo hồ sơ kiểm tra, giám sát mẫu")?;
    let load = to_load(&records, by_code, member_ids)?;
    let n = db
        .inspections()
        .load_inspections(actor, &load)
        .await
        .context("nạp hồ sơ kiểm tra, giám sát mẫu")?;
    println!(
        "Đã nạp {} chương trình, {} cuộc kiểm tra, giám sát ({} lượt đối tượng, {} yêu cầu khắc phục), {} quyết định kỷ luật, {} xóa tên ({:.1} giây).",
        n.programmes,
        n.cases,
        n.subjects,
        n.remedies,
        n.disciplines,
        n.strike_offs,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The generated records as store inputs (units by code, members by stream position).
fn to_load(
    d: &demo::DemoInspections,
    by_code: &HashMap<String, domain::Unit>,
    member_ids: &MemberIds,
) -> Result<InspectionLoad> {
    let unit = |code: &str| {
        by_code
            .get(code)
            .with_context(|| format!("thiếu đơn vị {code}"))
    };
    let member = |index: u64| {
        member_ids
            .get(index)
            .with_context(|| format!("thiếu đảng viên thứ {index}"))
    };
    let programmes = d
        .programmes
        .iter()
        .map(|p| {
            let u = unit(&p.unit_code)?;
            Ok(NewProgramme {
                unit_id: u.id,
                unit_path: u.path.clone(),
                year: p.year,
                body: p.body,
                title: p.title.clone(),
                content: p.content.clone(),
                decision_number: p.decision_number.clone(),
                decided_on: p.decided_on,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let mut cases = Vec::with_capacity(d.cases.len());
    for c in &d.cases {
        let u = unit(&c.unit_code)?;
        let mut subjects = Vec::with_capacity(c.subjects.len());
        for s in &c.subjects {
            let (unit_id, member_id) = match &s.target {
                demo::DemoTarget::Unit(code) => (Some(unit(code)?.id), None),
                demo::DemoTarget::Member(i) => (None, Some(member(*i)?)),
            };
            subjects.push(NewSubject {
                unit_id,
                member_id,
                subject_path: unit(&s.unit_code)?.path.clone(),
                result: s.result,
                manifestations: s.manifestations.clone(),
                note: s.note.clone(),
                remedies: s
                    .remedies
                    .iter()
                    .map(|r| NewRemedy {
                        text: r.text.clone(),
                        due: r.due,
                        done_on: r.done_on,
                        done_note: r.done_note.clone(),
                    })
                    .collect(),
            });
        }
        cases.push(NewCase {
            kind: c.kind,
            unit_id: u.id,
            unit_path: u.path.clone(),
            body: c.body,
            programme: c.programme,
            title: c.title.clone(),
            decision_number: c.decision_number.clone(),
            decided_on: c.decided_on,
            from: Some(c.from),
            to: Some(c.to),
            directive_05: c.directive_05,
            team: c.team.clone(),
            concluded_on: c.concluded_on,
            conclusion: c.conclusion.clone(),
            subjects,
        });
    }
    let disciplines = d
        .disciplines
        .iter()
        .map(|x| {
            let by = unit(&x.decided_by)?;
            Ok(NewDiscipline {
                member_id: member(x.member_index)?,
                subject_path: unit(&x.member_unit)?.path.clone(),
                probationary: x.probationary,
                form: x.form,
                decided_by: by.id,
                decided_path: by.path.clone(),
                body: x.body,
                decision_number: x.decision_number.clone(),
                decided_on: x.decided_on,
                reason: x.reason.clone(),
                case: x.case,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let strike_offs = d
        .strike_offs
        .iter()
        .map(|x| {
            let u = unit(&x.unit_code)?;
            Ok(NewStrikeOff {
                member_id: member(x.member_index)?,
                unit_id: u.id,
                unit_path: u.path.clone(),
                decided_by: unit(&x.decided_by)?.id,
                decision_number: x.decision_number.clone(),
                decided_on: x.decided_on,
                reason: x.reason.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(InspectionLoad {
        programmes,
        cases,
        disciplines,
        strike_offs,
    })
}

#[cfg(test)]
pub(super) mod tests {
    //! The city demo's inspection records, read back through the store: the report's figures from the
    //! summary, and the records' believability (subjects inside the conducting unit's subtree and active on
    //! the decision date, disciplined members rated at most "hoàn thành nhiệm vụ" that year, the xóa tên
    //! member among the "bỏ sinh hoạt" candidates and struck off from its date).
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use chrono::{Datelike, NaiveDate};
    use domain::inspection::CaseKind;
    use domain::policy::Principal;
    use domain::registration::Rating;
    use std::collections::{HashMap, HashSet};
    use store::{CaseFilter, Db, DisciplineFilter};

    async fn path_of(db: &Db, cache: &mut HashMap<i64, String>, id: i64) -> String {
        if let Some(p) = cache.get(&id) {
            return p.clone();
        }
        let p = db.units().unit_unscoped(id).await.unwrap().unwrap().path;
        cache.insert(id, p.clone());
        p
    }

    pub(in crate::demo_load) async fn check_city_inspections(
        db: &Db,
        admin: &Principal,
        root: &domain::Unit,
    ) {
        let (from, to) = demo::inspections::period();
        let s = db
            .inspections()
            .summary(admin, root.id, from, to)
            .await
            .unwrap();
        for (kind, units, members) in demo::inspections::REPORT_FIGURES {
            let k = s.by_kind[&kind];
            assert_eq!((k.units, k.members), (units, members), "{kind:?}: {k:?}");
        }
        // Exactly the four figures of the report: 206/3.520, 182/1.034, 171/1.257, 1/65.
        assert_eq!(s.by_kind[&CaseKind::Inspection].members, 3_520);
        assert_eq!(s.by_kind[&CaseKind::ViolationInspection].units, 1);
        // A member inspected twice counts twice (lượt) but once as distinct.
        let insp = s.by_kind[&CaseKind::Inspection];
        assert!(insp.distinct_members < insp.members, "{insp:?}");
        // The period filter matters: the whole of 2016–2020 holds more.
        let all = db
            .inspections()
            .summary(
                admin,
                root.id,
                NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
                NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
            )
            .await
            .unwrap();
        assert!(all.by_kind[&CaseKind::Inspection].units > 206);

        // Every case: subjects inside the conducting unit's subtree, member subjects active there on the
        // decision date (the store's one "as of" rule).
        let cases = db
            .inspections()
            .list_cases(
                admin,
                &CaseFilter {
                    unit_id: Some(root.id),
                    limit: 100_000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(cases.len() > 400, "{}", cases.len());
        let actor = store::Actor::user(admin, "test");
        let mut paths: HashMap<i64, String> = HashMap::new();
        let (mut open, mut remedies_done, mut remedies_overdue, mut directive) = (0, 0, 0, 0);
        for c in &cases {
            let case_path = path_of(db, &mut paths, c.unit_id).await;
            let detail = db
                .inspections()
                .case_detail(&actor, admin, c.id)
                .await
                .unwrap();
            let as_of: HashSet<i64> = if detail.subjects.iter().any(|s| s.member_id.is_some()) {
                db.members()
                    .member_ids_as_of(&case_path, c.decided_on)
                    .await
                    .unwrap()
                    .into_iter()
                    .collect()
            } else {
                HashSet::new()
            };
            for s in &detail.subjects {
                if let Some(u) = s.unit_id {
                    let p = path_of(db, &mut paths, u).await;
                    assert!(
                        p.starts_with(&case_path) && p != case_path,
                        "{}: {}",
                        c.title,
                        s.name
                    );
                }
                if let Some(m) = s.member_id {
                    assert!(
                        as_of.contains(&m),
                        "{}: {} not active there",
                        c.title,
                        s.name
                    );
                }
                assert_eq!(s.result.is_some(), c.concluded_on.is_some(), "{}", c.title);
                for r in &s.remedies {
                    match r.state {
                        domain::inspection::RemedyState::Done => remedies_done += 1,
                        domain::inspection::RemedyState::Overdue => remedies_overdue += 1,
                        domain::inspection::RemedyState::Open => {}
                    }
                }
            }
            open += usize::from(c.concluded_on.is_none());
            directive += usize::from(c.directive_05);
        }
        assert!((1..=5).contains(&open), "{open} open cases");
        assert!(remedies_done > 0 && remedies_overdue > 0);
        assert!(directive * 4 > cases.len(), "{directive}");

        // Discipline: 5–12 decisions, each on a member rated at most "hoàn thành nhiệm vụ" that year.
        let disciplines = db
            .inspections()
            .list_disciplines(
                admin,
                &DisciplineFilter {
                    unit_id: Some(root.id),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!((5..=12).contains(&disciplines.len()), "{disciplines:?}");
        for d in &disciplines {
            let m = d.member_id.unwrap();
            let year = d.decided_on.year();
            if let Ok(state) = db.registrations().rating_state(admin, m, year).await {
                assert!(
                    !matches!(state.decision, Some((Rating::Excellent | Rating::Good, _))),
                    "{} rated {:?} in {year}",
                    d.subject_name,
                    state.decision
                );
            }
            // An expelled member is expelled from the decision date.
            if d.form == domain::inspection::DisciplineForm::Expulsion {
                let (_, statuses) = db.members().member_history(admin, m).await.unwrap();
                let last = statuses.last().unwrap();
                assert_eq!(last.status, domain::MemberStatus::Expelled);
                assert_eq!(last.from_date, Some(d.decided_on));
            }
        }
        assert!(disciplines
            .iter()
            .any(|d| d.reason.starts_with("Bỏ sinh hoạt chi bộ")));

        // Xóa tên: the member was a "bỏ sinh hoạt" candidate of the year and is struck off from the date.
        let offs = db
            .inspections()
            .list_strike_offs(admin, Some(root.id), None)
            .await
            .unwrap();
        assert_eq!(offs.len(), 1, "{offs:?}");
        let off = &offs[0];
        let (_, statuses) = db
            .members()
            .member_history(admin, off.member_id)
            .await
            .unwrap();
        let last = statuses.last().unwrap();
        assert_eq!(last.status, domain::MemberStatus::StruckOff);
        assert_eq!(last.from_date, Some(off.decided_on));
        // Expected at meetings up to the decision, not after it.
        let before = db
            .members()
            .member_ids_as_of(&root.path, off.decided_on.pred_opt().unwrap())
            .await
            .unwrap();
        let after = db
            .members()
            .member_ids_as_of(&root.path, off.decided_on)
            .await
            .unwrap();
        assert!(before.contains(&off.member_id) && !after.contains(&off.member_id));
        let candidates = db
            .inspections()
            .strike_off_candidates(admin, root.id, off.decided_on.year())
            .await
            .unwrap();
        let c = candidates
            .iter()
            .find(|c| c.member_id == off.member_id)
            .expect("the struck-off member is a candidate");
        assert!(c.months.len() >= 3 && c.struck_off, "{c:?}");
    }
}
