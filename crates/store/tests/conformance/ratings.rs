//! Annual ratings in two steps (docs/DOMAIN.md § Rating), on both backends: the cell proposes and the
//! grassroots committee decides; the cell cannot decide; nobody proposes or decides their own rating (an
//! account linked to the member record); a chi bộ cơ sở rates in one step; the 20 % warning is counted within
//! the grassroots organisation by unit type — a chi bộ cơ sở directly under the city only within itself, a
//! cell under an đảng bộ bộ phận within the đảng bộ cơ sở.

use crate::common::*;
use domain::policy::Principal;
use domain::registration::{Action, Rating};
use domain::{Role, Unit, UnitType};
use store::{Actor, Db, ItemInput, StoreError};

const YEAR: i32 = 2026;
const WHY: &str = "Chi bộ thống nhất đề xuất sau khi kiểm điểm";

fn web(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

fn invalid(e: StoreError) -> String {
    match e {
        StoreError::Invalid(v) => v
            .iter()
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
            .join("; "),
        other => panic!("expected Invalid, got {other:?}"),
    }
}

async fn unit(
    db: &Db,
    admin: &Principal,
    code: &str,
    name: &str,
    t: UnitType,
    parent: &str,
) -> Unit {
    db.units()
        .create_unit(&cli(), Some(admin), unit_input(code, name, t, Some(parent)))
        .await
        .unwrap_or_else(|e| panic!("create unit {code}: {e:?}"))
}

async fn propose(db: &Db, p: &Principal, member: i64, r: Rating) {
    db.registrations()
        .propose_rating(&web(p), p, member, YEAR, r, WHY)
        .await
        .unwrap_or_else(|e| panic!("propose for {member}: {e:?}"));
}

async fn decide(db: &Db, p: &Principal, member: i64, r: Rating) -> Option<String> {
    db.registrations()
        .rate_member(&web(p), p, member, YEAR, r, "")
        .await
        .unwrap_or_else(|e| panic!("decide for {member}: {e:?}"))
}

/// The cell proposes, the ward decides; the cell cannot decide, the ward cannot propose; a decision
/// follows the proposal or gives a reason; without a proposal the ward cannot decide; the sheet shows both
/// steps to each side.
pub async fn cell_proposes_and_the_ward_decides(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let an = add_member(db, &admin, person("Nguyễn Văn An", "920001"), &t.cell_a1).await;
    let cuong = add_member(db, &admin, person("Lê Văn Cường", "920002"), &t.cell_a1).await;
    let cell = principal(Role::Secretary, &t.cell_a1, None);
    let ward = principal(Role::Secretary, &t.ward_a, None);
    // An's registration, approved by the cell: the sheet lists approved registrations.
    let items = vec![ItemInput::new(
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1",
        "Công tác dân vận",
        "15 hộ",
        Some(d(YEAR, 11, 30)),
    )];
    let reg = db
        .registrations()
        .create_registration(&web(&cell), &cell, an, YEAR, &items)
        .await
        .unwrap();
    for a in [Action::Submit, Action::Approve] {
        db.registrations()
            .registration_action(&web(&cell), &cell, reg.id, a, "", &[])
            .await
            .unwrap_or_else(|e| panic!("{a:?}: {e:?}"));
    }

    // Nothing proposed yet: the ward cannot decide.
    let e = db
        .registrations()
        .rate_member(&web(&ward), &ward, an, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Chưa có đề xuất xếp loại của Chi bộ Khu phố 1"));

    propose(db, &cell, an, Rating::Good).await;
    // The cell's account is refused the decision, in words that say who decides.
    let e = db
        .registrations()
        .rate_member(&web(&cell), &cell, an, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    let msg = invalid(e);
    assert!(
        msg.contains("Đảng bộ Phường 7") && msg.contains("chi bộ chỉ đề xuất"),
        "{msg}"
    );
    // The ward does not propose for its cells.
    let e = db
        .registrations()
        .propose_rating(&web(&ward), &ward, cuong, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Chi bộ Khu phố 1"));
    // Another ward sees neither member.
    let other = principal(Role::Secretary, &t.ward_b, None);
    assert!(matches!(
        db.registrations()
            .rate_member(&web(&other), &other, an, YEAR, Rating::Good, WHY)
            .await,
        Err(StoreError::NotFound)
    ));

    // Before the decision the sheet shows the proposal; the cell may propose, the ward may decide.
    let sheet = db
        .registrations()
        .rating_sheet(&ward, t.ward_a.id, YEAR)
        .await
        .unwrap();
    assert_eq!(sheet.lines.len(), 1);
    let line = &sheet.lines[0].state;
    assert_eq!(line.member_id, an);
    assert_eq!(line.proposal.as_ref().map(|p| p.rating), Some(Rating::Good));
    assert_eq!(line.proposal.as_ref().map(|p| p.reason.as_str()), Some(WHY));
    assert_eq!(line.decision, None);
    assert!(line.can_decide && !line.can_propose && !line.one_step);
    let sheet = db
        .registrations()
        .rating_sheet(&cell, t.cell_a1.id, YEAR)
        .await
        .unwrap();
    assert!(sheet.lines[0].state.can_propose && !sheet.lines[0].state.can_decide);
    assert_eq!(sheet.scope_name, "Đảng bộ Phường 7");

    // Another level than the proposal needs a reason; following it needs none.
    let e = db
        .registrations()
        .rate_member(&web(&ward), &ward, an, YEAR, Rating::Excellent, "")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Hoàn thành tốt nhiệm vụ"));
    assert_eq!(decide(db, &ward, an, Rating::Good).await, None);
    assert_eq!(
        db.registrations()
            .member_rating(&ward, an, YEAR)
            .await
            .unwrap(),
        Some((Rating::Good, String::new()))
    );
    let state = db
        .registrations()
        .rating_state(&cell, an, YEAR)
        .await
        .unwrap();
    assert_eq!(state.decision.map(|d| d.0), Some(Rating::Good));
    assert_eq!(state.proposal.map(|p| p.rating), Some(Rating::Good));
    // The list used by the pages carries both steps.
    let (list, _) = db
        .registrations()
        .registrations_in(&ward, &t.ward_a.path, YEAR, None, 100)
        .await
        .unwrap();
    let s = list.iter().find(|s| s.member_id == an).unwrap();
    assert_eq!(
        (s.proposed, s.rating),
        (Some(Rating::Good), Some(Rating::Good))
    );
}

/// Nobody proposes or decides their own rating: the ward's account linked (users.member_id) to the member
/// is refused, while an unlinked account of the same ward decides.
pub async fn own_rating_is_refused_for_a_linked_account(env: &Env) {
    let db = &env.db;
    let t = tree(db).await;
    let admin = t.admin();
    let hai = add_member(db, &admin, person("Phạm Văn Hải", "920011"), &t.cell_a1).await;
    let acc = db
        .accounts()
        .create_account(
            &cli(),
            None,
            &store::NewAccount {
                username: "bithu.p7".into(),
                password: "mật khẩu đủ dài 2026".into(),
                role: Role::Secretary,
                unit_code: "P7".into(),
                member_id: None,
                display_name: "Bí thư Đảng ủy Phường 7".into(),
            },
        )
        .await
        .unwrap();
    let mut raw = env.raw().await;
    sqlx::query(&format!(
        "UPDATE users SET member_id = {hai} WHERE id = {}",
        acc.id
    ))
    .execute(&mut raw)
    .await
    .unwrap();
    let linked = db
        .accounts()
        .account_by_id(acc.id)
        .await
        .unwrap()
        .unwrap()
        .principal();
    assert_eq!(linked.member_id, Some(hai));
    let cell = principal(Role::Secretary, &t.cell_a1, None);
    propose(db, &cell, hai, Rating::Good).await;
    let e = db
        .registrations()
        .rate_member(&web(&linked), &linked, hai, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("chính mình"));
    // The same linked account at the cell cannot propose for itself either.
    let mut own_cell = principal(Role::Secretary, &t.cell_a1, Some(hai));
    own_cell.user_id = acc.id;
    let e = db
        .registrations()
        .propose_rating(&web(&own_cell), &own_cell, hai, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("chính mình"));
    let ward = principal(Role::Secretary, &t.ward_a, None);
    assert_eq!(decide(db, &ward, hai, Rating::Good).await, None);
}

/// A chi bộ cơ sở directly under the city rates in one step, and its 20 % warning counts only its own
/// members — not the city's. A cell under an đảng bộ bộ phận is decided by the đảng bộ cơ sở and compared
/// within it, not within the đảng bộ bộ phận.
pub async fn twenty_percent_within_the_grassroots_organisation(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    // Five "tốt" in P8 (cell proposes, ward decides).
    let cell_b = principal(Role::Secretary, &t.cell_b1, None);
    let ward_b = principal(Role::Secretary, &t.ward_b, None);
    for k in 0..5 {
        let m = add_member(
            db,
            &admin,
            person(&format!("Đảng viên Tám {k}"), &format!("93000{k}")),
            &t.cell_b1,
        )
        .await;
        propose(db, &cell_b, m, Rating::Good).await;
        assert_eq!(decide(db, &ward_b, m, Rating::Good).await, None);
    }
    // A chi bộ cơ sở directly under the Thành ủy: one "xuất sắc" of its own is over 20 % of its zero "tốt",
    // whatever P8 counts.
    let school = unit(
        db,
        &admin,
        "THPT",
        "Chi bộ Trường THPT Lạc Long Quân",
        UnitType::GrassrootsCell,
        "TU",
    )
    .await;
    let teacher = add_member(db, &admin, person("Trần Thị Mai", "930101"), &school).await;
    let school_sec = principal(Role::Secretary, &school, None);
    // One step: no proposal needed (a level other than the suggestion still needs a reason).
    let warn = db
        .registrations()
        .rate_member(
            &web(&school_sec),
            &school_sec,
            teacher,
            YEAR,
            Rating::Excellent,
            WHY,
        )
        .await
        .unwrap();
    let warn = warn.expect("1 xuất sắc for 0 tốt within the chi bộ cơ sở");
    assert!(warn.contains("(1)") && warn.contains("(0)"), "{warn}");
    let state = db
        .registrations()
        .rating_state(&school_sec, teacher, YEAR)
        .await
        .unwrap();
    assert!(state.one_step && state.can_decide);

    // P7 with an đảng bộ bộ phận and a cell under it.
    let part = unit(
        db,
        &admin,
        "P7-BP",
        "Đảng bộ bộ phận Khu phố 3",
        UnitType::PartialCommittee,
        "P7",
    )
    .await;
    let deep = unit(
        db,
        &admin,
        "P7-BP-C1",
        "Chi bộ Tổ 3",
        UnitType::Cell,
        "P7-BP",
    )
    .await;
    let cell_a = principal(Role::Secretary, &t.cell_a1, None);
    let ward_a = principal(Role::Secretary, &t.ward_a, None);
    for k in 0..5 {
        let m = add_member(
            db,
            &admin,
            person(&format!("Đảng viên Bảy {k}"), &format!("93020{k}")),
            &t.cell_a1,
        )
        .await;
        propose(db, &cell_a, m, Rating::Good).await;
        decide(db, &ward_a, m, Rating::Good).await;
    }
    let x = add_member(db, &admin, person("Võ Văn Xuân", "930301"), &deep).await;
    let deep_sec = principal(Role::Secretary, &deep, None);
    let part_sec = principal(Role::Secretary, &part, None);
    propose(db, &deep_sec, x, Rating::Excellent).await;
    // The đảng bộ bộ phận does not decide.
    let e = db
        .registrations()
        .rate_member(&web(&part_sec), &part_sec, x, YEAR, Rating::Excellent, "")
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Đảng bộ Phường 7"));
    // Decided by P7 and compared within P7: 1 xuất sắc for 5 tốt is within 20 %.
    assert_eq!(decide(db, &ward_a, x, Rating::Excellent).await, None);
    // A second one goes over: 2 for 5.
    let y = add_member(db, &admin, person("Võ Văn Yên", "930302"), &deep).await;
    propose(db, &deep_sec, y, Rating::Excellent).await;
    let warn = decide(db, &ward_a, y, Rating::Excellent).await;
    assert!(warn.is_some_and(|w| w.contains("(2)") && w.contains("(5)")));
    // The report of P7 shows the same warning; the đảng bộ bộ phận's line does not (not grassroots).
    let report = db
        .registrations()
        .registration_report(&ward_a, t.ward_a.id, YEAR)
        .await
        .unwrap();
    assert!(report.excellent_warning.is_some());
    assert!(report.lines.iter().all(|l| l.excellent_warning.is_none()));
    // The city's report warns for P7 and the chi bộ cơ sở, not for P8.
    let city = db
        .registrations()
        .registration_report(&admin, t.root.id, YEAR)
        .await
        .unwrap();
    let mut warned: Vec<&str> = city
        .lines
        .iter()
        .filter(|l| l.excellent_warning.is_some())
        .map(|l| l.unit.code.as_str())
        .collect();
    warned.sort_unstable();
    assert_eq!(warned, ["P7", "THPT"]);
}

/// `member`'s registration of the year written and submitted by the admin, approved by the unit the chain
/// names (one of `units`).
async fn approved(db: &Db, admin: &Principal, member: i64, units: &[&Unit]) {
    let items = vec![ItemInput::new(
        "Vận động 15 hộ dân hiến đất mở rộng hẻm 3, khu phố 1",
        "Công tác dân vận",
        "15 hộ",
        Some(d(YEAR, 11, 30)),
    )];
    let r = db
        .registrations()
        .create_registration(&web(admin), admin, member, YEAR, &items)
        .await
        .unwrap();
    let r = db
        .registrations()
        .registration_action(&web(admin), admin, r.id, Action::Submit, "", &[])
        .await
        .unwrap();
    let unit = units
        .iter()
        .find(|u| u.path == r.approver_path)
        .unwrap_or_else(|| panic!("approver {} of {member}", r.approver_path));
    let p = principal(Role::Secretary, unit, None);
    db.registrations()
        .registration_action(&web(&p), &p, r.id, Action::Approve, "", &[])
        .await
        .unwrap_or_else(|e| panic!("approve for {member}: {e:?}"));
}

/// A sheet over several cells names, for each line, the units that propose and decide by that member's own
/// chain and posts — the same as the member's rating state — and what the reader may do on it.
pub async fn the_sheet_reads_each_members_chain(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let part = unit(
        db,
        &admin,
        "P7-BP",
        "Đảng bộ bộ phận Khu phố 3",
        UnitType::PartialCommittee,
        "P7",
    )
    .await;
    let deep = unit(
        db,
        &admin,
        "P7-BP-C1",
        "Chi bộ Tổ 3",
        UnitType::Cell,
        "P7-BP",
    )
    .await;
    let school = unit(
        db,
        &admin,
        "THPT",
        "Chi bộ Trường THPT Lạc Long Quân",
        UnitType::GrassrootsCell,
        "TU",
    )
    .await;
    let an = add_member(db, &admin, person("Nguyễn Văn An", "940001"), &t.cell_a1).await;
    let binh = add_member(db, &admin, person("Trần Văn Bình", "940002"), &t.cell_a2).await;
    let mut input = person("Lê Thị Cúc", "940003");
    input.positions = vec![domain::member::PositionInput::new(
        "Phó Bí thư Đảng ủy Phường 7",
        "",
    )];
    let cuc = add_member(db, &admin, input, &t.cell_a1).await;
    let xuan = add_member(db, &admin, person("Võ Văn Xuân", "940004"), &deep).await;
    let mai = add_member(db, &admin, person("Trần Thị Mai", "940005"), &school).await;
    let units = [
        &t.root, &t.ward_a, &t.cell_a1, &t.cell_a2, &part, &deep, &school,
    ];
    for m in [an, binh, cuc, xuan, mai] {
        approved(db, &admin, m, &units).await;
    }

    let ward = principal(Role::Secretary, &t.ward_a, None);
    let sheet = db
        .registrations()
        .rating_sheet(&ward, t.ward_a.id, YEAR)
        .await
        .unwrap();
    let mut lines: Vec<(i64, &str, &str, bool, bool, bool)> = sheet
        .lines
        .iter()
        .map(|l| {
            let s = &l.state;
            (
                s.member_id,
                s.proposer_name.as_str(),
                s.decider_name.as_str(),
                s.one_step,
                s.can_propose,
                s.can_decide,
            )
        })
        .collect();
    lines.sort_unstable();
    let mut want = vec![
        (
            an,
            "Chi bộ Khu phố 1",
            "Đảng bộ Phường 7",
            false,
            false,
            true,
        ),
        (
            binh,
            "Chi bộ Khu phố 2",
            "Đảng bộ Phường 7",
            false,
            false,
            true,
        ),
        // A deputy secretary of the ward: the ward proposes, the city decides.
        (
            cuc,
            "Đảng bộ Phường 7",
            "Thành ủy Bến Tre",
            false,
            true,
            false,
        ),
        // Under an đảng bộ bộ phận: still decided by the đảng bộ cơ sở.
        (xuan, "Chi bộ Tổ 3", "Đảng bộ Phường 7", false, false, true),
    ];
    want.sort_unstable();
    assert_eq!(lines, want);
    for l in &sheet.lines {
        let one = db
            .registrations()
            .rating_state(&ward, l.state.member_id, YEAR)
            .await
            .unwrap();
        assert_eq!(
            (
                &one.proposer_name,
                &one.decider_name,
                one.one_step,
                one.can_propose,
                one.can_decide
            ),
            (
                &l.state.proposer_name,
                &l.state.decider_name,
                l.state.one_step,
                l.state.can_propose,
                l.state.can_decide
            ),
            "member {}",
            l.state.member_id
        );
    }

    // The city's sheet holds every line, the chi bộ cơ sở's in one step.
    let city = db
        .registrations()
        .rating_sheet(&admin, t.root.id, YEAR)
        .await
        .unwrap();
    assert_eq!(city.lines.len(), 5);
    let school_line = city
        .lines
        .iter()
        .find(|l| l.state.member_id == mai)
        .unwrap();
    assert!(school_line.state.one_step);
    assert_eq!(
        (
            school_line.state.proposer_name.as_str(),
            school_line.state.decider_name.as_str()
        ),
        (
            "Chi bộ Trường THPT Lạc Long Quân",
            "Chi bộ Trường THPT Lạc Long Quân"
        )
    );
    assert_eq!(school_line.unit_name, "Chi bộ Trường THPT Lạc Long Quân");
}

on_every_backend!(db: cell_proposes_and_the_ward_decides);
on_every_backend!(env: own_rating_is_refused_for_a_linked_account);
on_every_backend!(db: twenty_percent_within_the_grassroots_organisation);
on_every_backend!(db: the_sheet_reads_each_members_chain);

/// A member disciplined in the year (a decision in force dated that year) is not proposed or rated above
/// "hoàn thành nhiệm vụ"; a decision of another year does not cap, and an annulled one no longer does.
pub async fn a_disciplined_member_is_capped_at_completed(db: &Db) {
    use domain::inspection::{AppealOutcome, Body, DisciplineForm};
    let t = tree(db).await;
    let admin = t.admin();
    let an = add_member(db, &admin, person("Trần Văn An", "930001"), &t.cell_a1).await;
    let binh = add_member(db, &admin, person("Phạm Thị Bình", "930002"), &t.cell_a1).await;
    approved(db, &admin, an, &[&t.cell_a1, &t.ward_a]).await;
    approved(db, &admin, binh, &[&t.cell_a1, &t.ward_a]).await;
    let record = |member: i64, on: chrono::NaiveDate| store::DisciplineInput {
        member_id: Some(member),
        unit_id: None,
        form: DisciplineForm::Reprimand,
        decided_by: t.ward_a.id,
        body: Body::Committee,
        decision_number: format!("{member}-QĐ/ĐU"),
        decided_on: on,
        reason: "Vi phạm quy định về sinh hoạt đảng".into(),
        case_id: None,
    };
    let an_decision = db
        .inspections()
        .record_discipline(&web(&admin), &admin, &record(an, d(YEAR, 2, 10)))
        .await
        .unwrap();
    // Bình's decision is of the year before: no cap this year.
    db.inspections()
        .record_discipline(&web(&admin), &admin, &record(binh, d(YEAR - 1, 11, 20)))
        .await
        .unwrap();
    let cell = principal(Role::Secretary, &t.cell_a1, None);
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let e = db
        .registrations()
        .propose_rating(&web(&cell), &cell, an, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(
        invalid(e).contains("Hoàn thành nhiệm vụ"),
        "the cap names the highest level allowed"
    );
    propose(db, &cell, an, Rating::Completed).await;
    propose(db, &cell, binh, Rating::Good).await;
    decide(db, &ward, binh, Rating::Good).await;
    let e = db
        .registrations()
        .rate_member(&web(&ward), &ward, an, YEAR, Rating::Good, WHY)
        .await
        .unwrap_err();
    assert!(invalid(e).contains("Hoàn thành nhiệm vụ"));
    decide(db, &ward, an, Rating::Completed).await;
    // The decision annulled on appeal: the cap is lifted.
    let appeal = db
        .inspections()
        .file_appeal(&web(&admin), &admin, an_decision.id, d(YEAR, 2, 20))
        .await
        .unwrap();
    db.inspections()
        .decide_appeal(
            &web(&admin),
            &admin,
            appeal.id,
            &store::AppealResultInput {
                outcome: AppealOutcome::Annulled,
                new_form: None,
                decided_on: d(YEAR, 3, 15),
            },
        )
        .await
        .unwrap();
    propose(db, &cell, an, Rating::Good).await;
    decide(db, &ward, an, Rating::Good).await;
}

on_every_backend!(db: a_disciplined_member_is_capped_at_completed);
