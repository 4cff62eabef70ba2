//! Criteria sets, dated assessments, recognition decisions and classifications (docs/DOMAIN.md § Criteria
//! sets and classifications) on both backends: status as of a day from the assessment history (a partial
//! assessment keeps the other criteria), recognition refused while a criterion is not met and its
//! withdrawal, the rollup over a subtree on a day, who may assess, define and recognise, replacing a set,
//! classifications with their history, and records following a unit that moves.

use crate::common::*;
use chrono::NaiveDate;
use domain::criteria::CriterionState::{self, Met, NotMet, Partly};
use domain::policy::Principal;
use domain::{Role, Unit, UnitType};
use store::{
    Actor, AssessmentInput, ClassificationInput, CriteriaSetInput, Criterion, Db, FieldError,
    MarkInput, RecognitionInput, StoreError, WithdrawalInput,
};

fn invalid<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<FieldError> {
    match r {
        Err(StoreError::Invalid(v)) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn fields<T: std::fmt::Debug>(r: Result<T, StoreError>) -> Vec<String> {
    invalid(r).into_iter().map(|f| f.field).collect()
}

fn actor(p: &Principal) -> Actor {
    Actor::user(p, "web")
}

fn criterion(code: &str) -> Criterion {
    Criterion {
        code: code.into(),
        title: format!("Tiêu chí {code}"),
        group: "Hạ tầng kinh tế - xã hội".into(),
        measure: String::new(),
        target: "Đạt".into(),
    }
}

fn set_by_type(code: &str, t: UnitType, codes: &[&str]) -> CriteriaSetInput {
    CriteriaSetInput {
        code: code.into(),
        title: format!("Bộ tiêu chí {code}"),
        version: "2016-2020".into(),
        applies_type: t.as_str().into(),
        items: codes.iter().map(|c| criterion(c)).collect(),
        ..CriteriaSetInput::default()
    }
}

fn set_for_units(code: &str, units: &[&Unit], codes: &[&str]) -> CriteriaSetInput {
    CriteriaSetInput {
        code: code.into(),
        title: format!("Bộ tiêu chí {code}"),
        unit_codes: units.iter().map(|u| u.code.clone()).collect(),
        items: codes.iter().map(|c| criterion(c)).collect(),
        ..CriteriaSetInput::default()
    }
}

fn assessment(
    set: &str,
    unit: &Unit,
    on: NaiveDate,
    marks: &[(&str, CriterionState)],
) -> AssessmentInput {
    AssessmentInput {
        set_code: set.into(),
        unit_code: unit.code.clone(),
        as_of: on,
        note: String::new(),
        items: marks
            .iter()
            .map(|(c, s)| MarkInput {
                code: (*c).into(),
                state: *s,
                evidence: format!("Biên bản kiểm tra tiêu chí {c}"),
            })
            .collect(),
    }
}

fn recognition(set: &str, unit: &Unit, number: &str, on: NaiveDate) -> RecognitionInput {
    RecognitionInput {
        set_code: set.into(),
        unit_code: unit.code.clone(),
        decision_number: number.into(),
        decided_on: Some(on),
        issued_by: "UBND tỉnh Bến Tre".into(),
    }
}

async fn save(db: &Db, p: &Principal, input: &CriteriaSetInput) {
    db.criteria()
        .save_set(p, &actor(p), input)
        .await
        .unwrap_or_else(|e| panic!("save set {}: {e:?}", input.code));
}

async fn assess(db: &Db, p: &Principal, input: &AssessmentInput) -> store::Assessment {
    db.criteria()
        .assess(p, &actor(p), input)
        .await
        .unwrap_or_else(|e| panic!("assess {} on {}: {e:?}", input.unit_code, input.as_of))
}

/// (met, partly, not met, unassessed, total, recognised) of a unit on a day.
async fn counts(
    db: &Db,
    p: &Principal,
    set: &str,
    unit: &Unit,
    on: NaiveDate,
) -> (i64, i64, i64, i64, i64, bool) {
    let s = db
        .criteria()
        .status(p, set, &unit.code, on)
        .await
        .unwrap_or_else(|e| panic!("status {} {on}: {e:?}", unit.code));
    (
        s.met,
        s.partly,
        s.not_met,
        s.unassessed,
        s.total,
        s.recognised,
    )
}

async fn commune(db: &Db, admin: &Principal, code: &str, name: &str) -> Unit {
    db.units()
        .create_unit(
            &cli(),
            Some(admin),
            unit_input(code, name, UnitType::GrassrootsCommittee, Some("TU")),
        )
        .await
        .unwrap_or_else(|e| panic!("create unit {code}: {e:?}"))
}

async fn assessment_history_gives_the_status_of_any_day(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let office = principal(Role::Office, &t.root, None);
    save(
        db,
        &admin,
        &set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "2", "3"]),
    )
    .await;
    let first = assess(
        db,
        &office,
        &assessment(
            "NTM",
            &t.ward_a,
            d(2017, 6, 30),
            &[("1", Met), ("2", Partly)],
        ),
    )
    .await;
    assert_eq!(first.marks.len(), 2);
    // A partial assessment names only criterion 2; criterion 1 keeps its 2017 state.
    assess(
        db,
        &office,
        &assessment("NTM", &t.ward_a, d(2018, 6, 30), &[("2", Met)]),
    )
    .await;
    assess(
        db,
        &office,
        &assessment("NTM", &t.ward_a, d(2019, 6, 30), &[("3", Met)]),
    )
    .await;

    assert_eq!(
        counts(db, &office, "NTM", &t.ward_a, d(2017, 6, 29)).await,
        (0, 0, 3, 3, 3, false)
    );
    assert_eq!(
        counts(db, &office, "NTM", &t.ward_a, d(2017, 6, 30)).await,
        (1, 1, 1, 1, 3, false)
    );
    assert_eq!(
        counts(db, &office, "NTM", &t.ward_a, d(2018, 12, 31)).await,
        (2, 0, 1, 1, 3, false)
    );
    assert_eq!(
        counts(db, &office, "NTM", &t.ward_a, d(2019, 6, 30)).await,
        (3, 0, 0, 0, 3, false)
    );
    let s = db
        .criteria()
        .status(&office, "NTM", "P7", d(2018, 12, 31))
        .await
        .unwrap();
    let one = &s.items[0];
    assert_eq!(
        (one.code.as_str(), one.state, one.assessed_on),
        ("1", Some(Met), Some(d(2017, 6, 30)))
    );
    assert_eq!(s.items[2].state, None);

    // A second assessment on the same day updates the criteria it names, in the same record.
    assess(
        db,
        &office,
        &assessment("NTM", &t.ward_a, d(2019, 6, 30), &[("1", Partly)]),
    )
    .await;
    assert_eq!(
        counts(db, &office, "NTM", &t.ward_a, d(2019, 6, 30)).await,
        (2, 1, 0, 0, 3, false)
    );
    let list = db
        .criteria()
        .assessments(&office, "NTM", "P7")
        .await
        .unwrap();
    let days: Vec<NaiveDate> = list.iter().map(|a| a.as_of).collect();
    assert_eq!(days, [d(2019, 6, 30), d(2018, 6, 30), d(2017, 6, 30)]);
    let codes: Vec<&str> = list[0].marks.iter().map(|m| m.code.as_str()).collect();
    assert_eq!(codes, ["1", "3"], "marks in the set's order");

    // Evidence documents follow the assessment.
    let doc = db
        .criteria()
        .add_document(
            &office,
            &actor(&office),
            list[0].id,
            "bien-ban.pdf",
            b"%PDF-1.7 bien ban",
        )
        .await
        .unwrap();
    let (info, bytes, _) = db.criteria().document(&office, doc.id).await.unwrap();
    assert_eq!(
        (info.filename.as_str(), bytes.as_slice()),
        ("bien-ban.pdf", &b"%PDF-1.7 bien ban"[..])
    );
    let again = db
        .criteria()
        .assessments(&office, "NTM", "P7")
        .await
        .unwrap();
    assert_eq!(again[0].documents.len(), 1);

    // Refusals: an unknown criterion (named by its position), a unit the set does not apply to, no such set.
    let bad = assessment("NTM", &t.ward_a, d(2019, 7, 1), &[("1", Met), ("20", Met)]);
    assert_eq!(
        fields(db.criteria().assess(&office, &actor(&office), &bad).await),
        ["items[1].code"]
    );
    let cell = assessment("NTM", &t.cell_a1, d(2019, 7, 1), &[("1", Met)]);
    assert_eq!(
        fields(db.criteria().assess(&office, &actor(&office), &cell).await),
        ["unit_code"]
    );
    let none = assessment("KHONG-CO", &t.ward_a, d(2019, 7, 1), &[("1", Met)]);
    assert_eq!(
        fields(db.criteria().assess(&office, &actor(&office), &none).await),
        ["set"]
    );
}
on_every_backend!(db: assessment_history_gives_the_status_of_any_day);

async fn recognition_needs_every_criterion_met_and_can_be_withdrawn(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let office = principal(Role::Office, &t.root, None);
    save(
        db,
        &admin,
        &set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "2", "3"]),
    )
    .await;
    assess(
        db,
        &office,
        &assessment(
            "NTM",
            &t.ward_a,
            d(2018, 6, 30),
            &[("1", Met), ("2", Met), ("3", Partly)],
        ),
    )
    .await;
    let early = recognition("NTM", &t.ward_a, "1234/QĐ-UBND", d(2018, 12, 1));
    let errors = invalid(
        db.criteria()
            .recognise(&office, &actor(&office), &early)
            .await,
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "decided_on");
    assert!(
        errors[0].message.contains("còn 1 tiêu chí chưa đạt (3)")
            && errors[0].message.contains("01/12/2018"),
        "{}",
        errors[0].message
    );
    assert!(db
        .criteria()
        .recognitions(&office, Some("NTM"), "P7")
        .await
        .unwrap()
        .is_empty());

    assess(
        db,
        &office,
        &assessment("NTM", &t.ward_a, d(2019, 6, 30), &[("3", Met)]),
    )
    .await;
    let rec = db
        .criteria()
        .recognise(
            &office,
            &actor(&office),
            &recognition("NTM", &t.ward_a, "2468/QĐ-UBND", d(2019, 7, 15)),
        )
        .await
        .unwrap();
    assert!(
        !counts(db, &office, "NTM", &t.ward_a, d(2019, 7, 14))
            .await
            .5
    );
    let s = db
        .criteria()
        .status(&office, "NTM", "P7", d(2019, 7, 15))
        .await
        .unwrap();
    assert!(s.recognised);
    assert_eq!(
        s.decision.as_ref().map(|r| r.decision_number.as_str()),
        Some("2468/QĐ-UBND")
    );
    // A second decision while the first is in force is refused.
    let twice = recognition("NTM", &t.ward_a, "9999/QĐ-UBND", d(2019, 8, 1));
    assert_eq!(
        fields(
            db.criteria()
                .recognise(&office, &actor(&office), &twice)
                .await
        ),
        ["decided_on"]
    );

    // Withdrawal: not before the decision; from its day the unit is no longer recognised.
    let before = WithdrawalInput {
        decision_number: "77/QĐ-UBND".into(),
        withdrawn_on: Some(d(2019, 7, 1)),
        reason: "Tiêu chí môi trường không còn đạt".into(),
    };
    assert_eq!(
        fields(
            db.criteria()
                .withdraw_recognition(&office, &actor(&office), rec.id, &before)
                .await
        ),
        ["withdrawn_on"]
    );
    let w = WithdrawalInput {
        withdrawn_on: Some(d(2020, 3, 1)),
        ..before
    };
    let withdrawn = db
        .criteria()
        .withdraw_recognition(&office, &actor(&office), rec.id, &w)
        .await
        .unwrap();
    assert_eq!(withdrawn.withdrawn_on, Some(d(2020, 3, 1)));
    assert!(
        counts(db, &office, "NTM", &t.ward_a, d(2020, 2, 29))
            .await
            .5
    );
    let after = db
        .criteria()
        .status(&office, "NTM", "P7", d(2020, 3, 1))
        .await
        .unwrap();
    assert!(!after.recognised && after.decision.is_none());
    assert_eq!(
        after.met, 3,
        "the criteria stay met; only the recognition ends"
    );
    let list = db
        .criteria()
        .recognitions(&office, None, "P7")
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].withdrawal_number, "77/QĐ-UBND");
    // Withdrawing twice is refused.
    assert_eq!(
        fields(
            db.criteria()
                .withdraw_recognition(&office, &actor(&office), rec.id, &w)
                .await
        ),
        ["withdrawn_on"]
    );
}
on_every_backend!(db: recognition_needs_every_criterion_met_and_can_be_withdrawn);

async fn rollup_counts_the_subtree_on_a_day(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let xa1 = commune(db, &admin, "XA1", "Đảng bộ xã Phú Hưng").await;
    let xa2 = commune(db, &admin, "XA2", "Đảng bộ xã Mỹ Thành").await;
    let xa3 = commune(db, &admin, "XA3", "Đảng bộ xã Sơn Đông").await;
    let codes = ["1", "2"];
    save(
        db,
        &admin,
        &set_by_type("NTM", UnitType::GrassrootsCommittee, &codes),
    )
    .await;
    for u in [&t.ward_a, &xa1, &xa2, &xa3] {
        assess(
            db,
            &admin,
            &assessment("NTM", u, d(2017, 6, 30), &[("1", Met), ("2", Met)]),
        )
        .await;
    }
    assess(
        db,
        &admin,
        &assessment(
            "NTM",
            &t.ward_b,
            d(2017, 6, 30),
            &[("1", Met), ("2", NotMet)],
        ),
    )
    .await;
    let recognise = async |u: &Unit, on: NaiveDate| {
        db.criteria()
            .recognise(
                &admin,
                &actor(&admin),
                &recognition("NTM", u, &format!("{}/QĐ-UBND", u.code), on),
            )
            .await
            .unwrap_or_else(|e| panic!("recognise {}: {e:?}", u.code))
    };
    recognise(&t.ward_a, d(2018, 12, 1)).await;
    recognise(&xa3, d(2017, 12, 1)).await;
    recognise(&xa1, d(2019, 12, 1)).await;
    // XA3 closes at the start of 2019.
    db.units()
        .close_unit(&cli(), &admin, xa3.id, d(2019, 1, 1))
        .await
        .unwrap();

    let r = db
        .criteria()
        .rollup(&admin, "NTM", "TU", d(2019, 6, 30))
        .await
        .unwrap();
    let lines: Vec<(&str, bool)> = r
        .lines
        .iter()
        .map(|l| (l.unit.code.as_str(), l.recognised))
        .collect();
    assert_eq!(
        lines,
        [("P7", true), ("P8", false), ("XA1", false), ("XA2", false)],
        "XA3 closed before the day, XA1 recognised after it, cells are not communes"
    );
    assert_eq!((r.units, r.recognised, r.all_met), (4, 1, 3));
    let r = db
        .criteria()
        .rollup(&admin, "NTM", "TU", d(2020, 1, 1))
        .await
        .unwrap();
    assert_eq!((r.units, r.recognised, r.all_met), (4, 2, 3));
    assert_eq!(r.lines[2].recognised_on, Some(d(2019, 12, 1)));
    let r = db
        .criteria()
        .rollup(&admin, "NTM", "TU", d(2018, 6, 30))
        .await
        .unwrap();
    assert_eq!(
        (r.units, r.recognised),
        (5, 1),
        "XA3 still open and recognised in 2018"
    );
    // A ward's subtree holds only the ward.
    let r = db
        .criteria()
        .rollup(&admin, "NTM", "P7", d(2020, 1, 1))
        .await
        .unwrap();
    assert_eq!((r.units, r.recognised), (1, 1));

    // A set by unit list counts only the listed units.
    save(db, &admin, &set_for_units("VM", &[&t.ward_a, &xa2], &codes)).await;
    assess(
        db,
        &admin,
        &assessment("VM", &xa2, d(2019, 1, 1), &[("1", Met), ("2", Met)]),
    )
    .await;
    let r = db
        .criteria()
        .rollup(&admin, "VM", "TU", d(2020, 1, 1))
        .await
        .unwrap();
    let listed: Vec<&str> = r.lines.iter().map(|l| l.unit.code.as_str()).collect();
    assert_eq!(listed, ["P7", "XA2"]);
    assert_eq!((r.units, r.recognised, r.all_met), (2, 0, 1));
    let p8 = assessment("VM", &t.ward_b, d(2019, 1, 1), &[("1", Met)]);
    assert_eq!(
        fields(db.criteria().assess(&admin, &actor(&admin), &p8).await),
        ["unit_code"]
    );
}
on_every_backend!(db: rollup_counts_the_subtree_on_a_day);

async fn secretaries_assess_their_own_units_only(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    save(
        db,
        &admin,
        &set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "2"]),
    )
    .await;
    let sec_a = principal(Role::Secretary, &t.ward_a, None);
    let office_a = principal(Role::Office, &t.ward_a, None);
    // The ward secretary assesses the ward and reads the set.
    assess(
        db,
        &sec_a,
        &assessment("NTM", &t.ward_a, d(2019, 1, 1), &[("1", Met), ("2", Met)]),
    )
    .await;
    assert_eq!(
        db.criteria().set(&sec_a, "NTM").await.unwrap().items.len(),
        2
    );
    let sets: Vec<String> = db
        .criteria()
        .sets_for_unit(&sec_a, t.ward_a.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(sets, ["NTM"]);
    // Another ward is invisible.
    let other = assessment("NTM", &t.ward_b, d(2019, 1, 1), &[("1", Met)]);
    assert!(matches!(
        db.criteria().assess(&sec_a, &actor(&sec_a), &other).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.criteria()
            .status(&sec_a, "NTM", "P8", d(2019, 1, 1))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.criteria().assessments(&sec_a, "NTM", "P8").await,
        Err(StoreError::NotFound)
    ));
    // Secretaries neither define sets nor recognise nor classify.
    let mine = CriteriaSetInput {
        owner_code: "P7".into(),
        ..set_by_type("P7-SET", UnitType::Cell, &["1"])
    };
    assert!(matches!(
        db.criteria().save_set(&sec_a, &actor(&sec_a), &mine).await,
        Err(StoreError::Forbidden)
    ));
    let rec = recognition("NTM", &t.ward_a, "1/QĐ", d(2019, 2, 1));
    assert!(matches!(
        db.criteria().recognise(&sec_a, &actor(&sec_a), &rec).await,
        Err(StoreError::Forbidden)
    ));
    let class = ClassificationInput {
        unit_code: "P7".into(),
        title: "Phường văn minh".into(),
        decision_number: "1/QĐ".into(),
        decided_on: Some(d(2019, 2, 1)),
        ..ClassificationInput::default()
    };
    assert!(matches!(
        db.criteria().classify(&sec_a, &actor(&sec_a), &class).await,
        Err(StoreError::Forbidden)
    ));
    // The ward's office recognises its ward, not the other one; it cannot edit the city's set.
    db.criteria()
        .recognise(&office_a, &actor(&office_a), &rec)
        .await
        .unwrap();
    let rec_b = recognition("NTM", &t.ward_b, "2/QĐ", d(2019, 2, 1));
    assert!(matches!(
        db.criteria()
            .recognise(&office_a, &actor(&office_a), &rec_b)
            .await,
        Err(StoreError::NotFound)
    ));
    let city = set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "2", "3"]);
    assert!(matches!(
        db.criteria()
            .save_set(&office_a, &actor(&office_a), &city)
            .await,
        Err(StoreError::Forbidden)
    ));
    // A member account sees no sets.
    let member = principal(Role::Member, &t.cell_a1, None);
    assert!(matches!(
        db.criteria().sets(&member).await,
        Err(StoreError::Forbidden)
    ));
}
on_every_backend!(db: secretaries_assess_their_own_units_only);

async fn replacing_a_set_keeps_assessed_criteria(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let (set, created) = db
        .criteria()
        .save_set(
            &admin,
            &cli(),
            &set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "2", "3"]),
        )
        .await
        .unwrap();
    assert!(created);
    assert_eq!(set.owner.code, "TU", "owner defaults to the caller's unit");
    assess(
        db,
        &admin,
        &assessment("NTM", &t.ward_a, d(2019, 1, 1), &[("2", Met)]),
    )
    .await;
    let without_2 = set_by_type("NTM", UnitType::GrassrootsCommittee, &["1", "3", "4"]);
    let errors = invalid(db.criteria().save_set(&admin, &cli(), &without_2).await);
    assert_eq!(errors[0].field, "items");
    assert!(
        errors[0].message.contains("tiêu chí 2"),
        "{}",
        errors[0].message
    );
    assert_eq!(
        db.criteria().set(&admin, "NTM").await.unwrap().items.len(),
        3,
        "nothing changed"
    );
    // Removing an unassessed criterion and reordering is fine; the items keep the order given.
    let replaced = CriteriaSetInput {
        title: "Bộ tiêu chí quốc gia về xã nông thôn mới".into(),
        version: "2016-2020 (sửa đổi)".into(),
        ..set_by_type("NTM", UnitType::GrassrootsCommittee, &["10", "2", "1"])
    };
    let (set, created) = db
        .criteria()
        .save_set(&admin, &cli(), &replaced)
        .await
        .unwrap();
    assert!(!created);
    let codes: Vec<&str> = set.items.iter().map(|i| i.code.as_str()).collect();
    assert_eq!(codes, ["10", "2", "1"]);
    assert_eq!(set.version, "2016-2020 (sửa đổi)");
    assert_eq!(
        counts(db, &admin, "NTM", &t.ward_a, d(2019, 1, 1)).await,
        (1, 0, 2, 2, 3, false)
    );
    // Duplicate and malformed codes, an empty title, an unknown unit type.
    let mut bad = set_by_type("X", UnitType::Cell, &["1", "1", "a b"]);
    bad.items[0].title.clear();
    bad.applies_type = "commune".into();
    let mut got = fields(db.criteria().save_set(&admin, &cli(), &bad).await);
    got.sort();
    assert_eq!(
        got,
        [
            "applies_to.unit_type",
            "items[0].title",
            "items[1].code",
            "items[2].code"
        ]
    );
    // A set owned by a ward keeps its owner when replaced without naming one.
    let ward_set = CriteriaSetInput {
        owner_code: "P7".into(),
        ..set_by_type("P7-VM", UnitType::Cell, &["1"])
    };
    save(db, &admin, &ward_set).await;
    let again = CriteriaSetInput {
        owner_code: String::new(),
        ..set_by_type("P7-VM", UnitType::Cell, &["1", "2"])
    };
    let (set, _) = db
        .criteria()
        .save_set(&admin, &cli(), &again)
        .await
        .unwrap();
    assert_eq!((set.owner.code.as_str(), set.items.len()), ("P7", 2));
    // Sets are listed by code.
    save(db, &admin, &set_for_units("A-VM", &[&t.root], &["1"])).await;
    let all: Vec<String> = db
        .criteria()
        .sets(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.code)
        .collect();
    assert_eq!(all, ["A-VM", "NTM", "P7-VM"]);
}
on_every_backend!(db: replacing_a_set_keeps_assessed_criteria);

async fn classifications_keep_their_history(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let classify = async |unit: &Unit, title: &str, number: &str, on: NaiveDate| {
        db.criteria()
            .classify(
                &admin,
                &cli(),
                &ClassificationInput {
                    unit_code: unit.code.clone(),
                    title: title.into(),
                    decision_number: number.into(),
                    decided_on: Some(on),
                    issued_by: "Bộ Xây dựng".into(),
                    note: String::new(),
                },
            )
            .await
            .unwrap_or_else(|e| panic!("classify: {e:?}"))
    };
    classify(&t.root, "Đô thị loại III", "1062/QĐ-BXD", d(2009, 8, 11)).await;
    classify(&t.root, "Đô thị loại II", "475/QĐ-TTg", d(2019, 4, 19)).await;
    classify(
        &t.ward_a,
        "Phường đạt chuẩn văn minh đô thị",
        "12/QĐ-UBND",
        d(2018, 1, 5),
    )
    .await;
    let titles = |v: Vec<store::Classification>| v.into_iter().map(|c| c.title).collect::<Vec<_>>();
    assert_eq!(
        titles(
            db.criteria()
                .classifications(&admin, Some("TU"))
                .await
                .unwrap()
        ),
        ["Đô thị loại II", "Đô thị loại III"]
    );
    assert_eq!(
        titles(db.criteria().classifications(&admin, None).await.unwrap()).len(),
        3
    );
    let office_a = principal(Role::Office, &t.ward_a, None);
    assert_eq!(
        titles(
            db.criteria()
                .classifications(&office_a, None)
                .await
                .unwrap()
        ),
        ["Phường đạt chuẩn văn minh đô thị"]
    );
    assert!(matches!(
        db.criteria().classifications(&office_a, Some("TU")).await,
        Err(StoreError::NotFound)
    ));
    let missing = ClassificationInput {
        unit_code: "TU".into(),
        ..ClassificationInput::default()
    };
    let mut got = fields(db.criteria().classify(&admin, &cli(), &missing).await);
    got.sort();
    assert_eq!(got, ["decided_on", "decision_number", "title"]);
}
on_every_backend!(db: classifications_keep_their_history);

async fn a_moved_unit_keeps_its_records(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    save(db, &admin, &set_by_type("CB", UnitType::Cell, &["1"])).await;
    assess(
        db,
        &admin,
        &assessment("CB", &t.cell_a1, d(2019, 1, 1), &[("1", Met)]),
    )
    .await;
    db.criteria()
        .recognise(
            &admin,
            &cli(),
            &recognition("CB", &t.cell_a1, "5/QĐ", d(2019, 2, 1)),
        )
        .await
        .unwrap();
    db.units()
        .move_unit(&cli(), &admin, t.cell_a1.id, t.ward_b.id, d(2026, 11, 1))
        .await
        .unwrap();
    let office_b = principal(Role::Office, &t.ward_b, None);
    let office_a = principal(Role::Office, &t.ward_a, None);
    assert_eq!(
        counts(db, &office_b, "CB", &t.cell_a1, d(2020, 1, 1)).await,
        (1, 0, 0, 0, 1, true)
    );
    let r = db
        .criteria()
        .rollup(&office_b, "CB", "P8", d(2020, 1, 1))
        .await
        .unwrap();
    assert_eq!((r.units, r.recognised), (2, 1));
    let r = db
        .criteria()
        .rollup(&office_a, "CB", "P7", d(2020, 1, 1))
        .await
        .unwrap();
    assert_eq!(
        (r.units, r.recognised),
        (1, 0),
        "only P7-KP2 is left in ward P7"
    );
    assert!(matches!(
        db.criteria()
            .status(&office_a, "CB", "P7-KP1", d(2020, 1, 1))
            .await,
        Err(StoreError::NotFound)
    ));
}
on_every_backend!(db: a_moved_unit_keeps_its_records);
