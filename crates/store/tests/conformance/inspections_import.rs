//! Importing inspection cases from a file: a good file becomes cases with their subjects and findings;
//! any bad row (unknown unit or card, outside the conducting unit, outside the importer's scope, a case
//! already recorded) writes nothing; a dry run writes nothing; importing the same file twice is refused.

use crate::common::*;
use domain::Role;
use store::{Actor, ImportOutcome};

const HEADER: &str = "Loại,Số quyết định,Ngày quyết định,Mã đơn vị tiến hành,Mã tổ chức đảng được kiểm tra,Số thẻ đảng viên,Kết quả,Ngày kết luận";

fn file(rows: &[&str]) -> office::Parsed<office::InspectionRow> {
    let text = format!("{HEADER}\n{}\n", rows.join("\n"));
    let parsed = office::parse_inspections(text.as_bytes(), "kiem-tra.csv").expect("readable");
    assert_eq!(parsed.errors, [], "file errors");
    parsed
}

const GOOD: [&str; 4] = [
    "Kiểm tra,12-QĐ/UBKT,15/03/2019,P7,P7-KP1,,Không vi phạm,20/05/2019",
    "Kiểm tra,12-QĐ/UBKT,15/03/2019,P7,,100001,Có vi phạm,",
    "Giám sát chuyên đề,3-QĐ/UBKT,01/06/2019,P7,P7-KP2,,,",
    "Giám sát thường xuyên,7-QĐ/UBKT,01/07/2019,TU,,100003,,",
];

fn rejected(outcome: ImportOutcome) -> Vec<String> {
    match outcome {
        ImportOutcome::Rejected(errors) => errors.iter().map(ToString::to_string).collect(),
        ImportOutcome::Done(r) => panic!("import accepted: {r:?}"),
    }
}

async fn setup(env: &Env) -> Tree {
    let t = tree(&env.db).await;
    let admin = t.admin();
    add_member(
        &env.db,
        &admin,
        person("Nguyễn Văn An", "100001"),
        &t.cell_a1,
    )
    .await;
    add_member(
        &env.db,
        &admin,
        person("Phạm Văn Cường", "100003"),
        &t.cell_b1,
    )
    .await;
    t
}

async fn cases_and_subjects(env: &Env) -> (i64, i64, i64) {
    let mut c = env.raw().await;
    (
        count(&mut c, "SELECT COUNT(*) FROM inspection_cases").await,
        count(&mut c, "SELECT COUNT(*) FROM inspection_subjects").await,
        count(
            &mut c,
            "SELECT COUNT(*) FROM inspection_subjects WHERE result IS NOT NULL",
        )
        .await,
    )
}

async fn a_good_file_becomes_cases_with_subjects(env: &Env) {
    let t = setup(env).await;
    let admin = t.admin();
    let actor = Actor::user(&admin, "import");
    let outcome = env
        .db
        .inspections()
        .import_inspections(&actor, Some(&admin), file(&GOOD), false)
        .await
        .unwrap();
    let ImportOutcome::Done(report) = outcome else {
        panic!("rejected: {outcome:?}")
    };
    assert_eq!((report.rows, report.created), (4, 3));
    assert_eq!(cases_and_subjects(env).await, (3, 4, 2));
    let mut c = env.raw().await;
    assert_eq!(
        count(
            &mut c,
            "SELECT COUNT(*) FROM inspection_cases WHERE decision_number = '12-QĐ/UBKT' \
             AND concluded_on = '2019-05-20' AND title = 'Kiểm tra theo Quyết định số 12-QĐ/UBKT'"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &mut c,
            "SELECT COUNT(*) FROM audit_log WHERE action = 'import' AND object_type = 'inspection_case'"
        )
        .await,
        3
    );

    // The same file again is refused: nothing doubles.
    let errors = rejected(
        env.db
            .inspections()
            .import_inspections(&actor, Some(&admin), file(&GOOD), false)
            .await
            .unwrap(),
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(errors[0].contains("đã có cuộc kiểm tra, giám sát theo quyết định số 12-QĐ/UBKT"));
    assert_eq!(cases_and_subjects(env).await, (3, 4, 2));
}
on_every_backend!(env: a_good_file_becomes_cases_with_subjects);

async fn any_bad_row_writes_nothing(env: &Env) {
    let t = setup(env).await;
    let inspector = principal(Role::Inspector, &t.ward_a, None);
    let actor = Actor::user(&inspector, "import");
    let before = env.dump().await;
    let mut rows = GOOD[..3].to_vec();
    rows.extend([
        // Unknown conducting unit, unknown subject unit and card.
        "Kiểm tra,1,01/01/2019,XX,P7-KP1,,,",
        "Kiểm tra,2,01/01/2019,P7,ZZ,,,",
        "Kiểm tra,3,01/01/2019,P7,,999999,,",
        // Cường and cell P8-KP1 are not under ward P7.
        "Kiểm tra,4,01/01/2019,P7,,100003,,",
        "Kiểm tra,5,01/01/2019,P7,P8-KP1,,,",
        // Ward P8 is outside this inspector's scope.
        "Kiểm tra,6,01/01/2019,P8,P8-KP1,,,",
    ]);
    let errors = rejected(
        env.db
            .inspections()
            .import_inspections(&actor, Some(&inspector), file(&rows), false)
            .await
            .unwrap(),
    );
    assert_eq!(
        errors,
        [
            "dòng 5, cột \"Mã đơn vị tiến hành\": Không tìm thấy đơn vị có mã \"XX\"",
            "dòng 6, cột \"Mã tổ chức đảng được kiểm tra\": Không tìm thấy đơn vị có mã \"ZZ\"",
            "dòng 7, cột \"Số thẻ đảng viên\": Không tìm thấy đảng viên có số thẻ \"999999\"",
            "dòng 8, cột \"Số thẻ đảng viên\": Đảng viên có số thẻ \"100003\" không sinh hoạt trong đơn vị tiến hành \"P7\" vào ngày quyết định",
            "dòng 9, cột \"Mã tổ chức đảng được kiểm tra\": Tổ chức đảng \"P8-KP1\" không thuộc đơn vị tiến hành \"P7\"",
            "dòng 10, cột \"Mã đơn vị tiến hành\": Đơn vị \"P8\" nằm ngoài phạm vi quản lý kiểm tra, giám sát của bạn",
        ]
    );
    assert_eq!(env.dump().await, before, "a rejected import writes nothing");

    // A secretary cannot import cases at all.
    let secretary = principal(Role::Secretary, &t.ward_a, None);
    let errors = rejected(
        env.db
            .inspections()
            .import_inspections(&actor, Some(&secretary), file(&GOOD[..1]), false)
            .await
            .unwrap(),
    );
    assert_eq!(errors.len(), 1);
    assert_eq!(env.dump().await, before);
}
on_every_backend!(env: any_bad_row_writes_nothing);

async fn a_dry_run_writes_nothing(env: &Env) {
    let t = setup(env).await;
    let admin = t.admin();
    let before = env.dump().await;
    let outcome = env
        .db
        .inspections()
        .import_inspections(&Actor::user(&admin, "import"), None, file(&GOOD), true)
        .await
        .unwrap();
    let ImportOutcome::Done(report) = outcome else {
        panic!("rejected: {outcome:?}")
    };
    assert!(report.dry_run);
    assert_eq!(report.created, 3);
    assert_eq!(env.dump().await, before);
}
on_every_backend!(env: a_dry_run_writes_nothing);
