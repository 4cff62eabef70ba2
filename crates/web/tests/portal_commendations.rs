//! Commendations, recognitions and classifications on the public portal, on every backend: a unit's page
//! shows the decided commendations naming the unit and its recognitions in force and classifications; a
//! public model's page shows the decisions linked to it; a member's decisions show only on their published
//! registration page, with the other people named counted, never named. Proposals, declined proposals,
//! withdrawn recognitions and who entered anything stay off. Each write shows on the cached pages at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{d, each_backend, published, TestApp};
use domain::commendation::CommendationKind;
use domain::criteria::CriterionState;
use domain::policy::Principal;
use store::{
    Actor, AssessmentInput, ClassificationInput, CommendationInput, CriteriaSetInput, Criterion,
    MarkInput, ModelInput, RecognitionInput, WithdrawalInput,
};

/// Words that only the office sees: who entered or proposed something, and the accounts' display names.
const STAFF_WORDS: [&str; 5] = [
    "bithu.p1",
    "office.tu",
    "admin.tu",
    "Tài khoản",
    "Đề nghị, chưa quyết định",
];

async fn who(app: &TestApp, username: &str) -> (Principal, Actor) {
    let p = app.principal(&app.token(username).await).await;
    let a = Actor::user(&p, "test");
    (p, a)
}

fn decision(
    kind: CommendationKind,
    label: &str,
    number: &str,
    day: chrono::NaiveDate,
    reason: &str,
) -> CommendationInput {
    CommendationInput {
        kind: Some(kind),
        label: label.to_string(),
        issuer_code: "TU".to_string(),
        decision_number: number.to_string(),
        decided_on: Some(day),
        reason: reason.to_string(),
        ..Default::default()
    }
}

fn proposal(kind: CommendationKind, reason: &str) -> CommendationInput {
    CommendationInput {
        kind: Some(kind),
        issuer_code: "TU".to_string(),
        reason: reason.to_string(),
        ..Default::default()
    }
}

async fn html(app: &TestApp, uri: &str) -> String {
    let r = app.page(uri, None).await;
    assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
    r.text()
}

fn assert_no_staff_words(page: &str, ctx: &str) {
    for w in STAFF_WORDS {
        assert!(!page.contains(w), "{ctx}: \"{w}\" is on a public page");
    }
}

#[tokio::test]
async fn a_unit_page_shows_its_decided_commendations_recognitions_and_classifications() {
    each_backend(|app| async move {
        let (office, office_a) = who(&app, "office.tu").await;
        let (ward, ward_a) = who(&app, "bithu.p1").await;
        // The page is rendered and cached before anything is recorded.
        let before = html(&app, "/cong-khai/don-vi/P1").await;
        assert!(!before.contains("Khen thưởng, biểu dương"));
        assert!(!before.contains("Danh hiệu, công nhận"));

        let mut d1 = decision(
            CommendationKind::Title,
            "Đảng bộ trong sạch vững mạnh",
            "15-QĐ/TU",
            d(2025, 12, 20),
            "Hoàn thành xuất sắc nhiệm vụ năm 2025, KHENDONVI",
        );
        d1.unit_codes = vec!["P1".into()];
        app.db
            .commendations()
            .create(&office, &office_a, &d1)
            .await
            .unwrap();
        let mut p1 = proposal(CommendationKind::Praise, "DEXUATCHUAQD được đề nghị");
        p1.unit_codes = vec!["P1".into()];
        app.db
            .commendations()
            .create(&ward, &ward_a, &p1)
            .await
            .unwrap();
        let mut p2 = proposal(CommendationKind::Certificate, "DEXUATBITUCHOI");
        p2.unit_codes = vec!["P1".into()];
        let refused = app
            .db
            .commendations()
            .create(&ward, &ward_a, &p2)
            .await
            .unwrap();
        app.db
            .commendations()
            .decline(&office, &office_a, refused.id, "GHICHUTUCHOI")
            .await
            .unwrap();

        // The cached page follows the writes at once.
        let page = html(&app, "/cong-khai/don-vi/P1").await;
        assert!(page.contains("Khen thưởng, biểu dương"), "{page}");
        assert!(page.contains("KHENDONVI"));
        assert!(page.contains("Danh hiệu Đảng bộ trong sạch vững mạnh"));
        assert!(page.contains("Quyết định số 15-QĐ/TU ngày 20/12/2025"));
        assert!(page.contains("Thành ủy Thử Nghiệm"), "the issuing body");
        assert!(page.contains("Cấp huyện, thành phố"), "the level");
        for hidden in ["DEXUATCHUAQD", "DEXUATBITUCHOI", "GHICHUTUCHOI"] {
            assert!(!page.contains(hidden), "{hidden} is not a decision");
        }
        assert_no_staff_words(&page, "P1");
        // Another unit's page and the city's do not show the ward's commendation.
        for other in ["/cong-khai/don-vi/P2", "/cong-khai/don-vi/TU", "/cong-khai"] {
            assert!(!html(&app, other).await.contains("KHENDONVI"), "{other}");
        }

        // Criteria: P1 recognised; P2 recognised then withdrawn; the city classified.
        app.db
            .criteria()
            .save_set(
                &office,
                &office_a,
                &CriteriaSetInput {
                    code: "PVM-T".into(),
                    title: "Bộ tiêu chí phường văn minh thử nghiệm".into(),
                    unit_codes: vec!["P1".into(), "P2".into()],
                    items: ["TC1", "TC2"]
                        .iter()
                        .map(|c| Criterion {
                            code: c.to_string(),
                            title: format!("Tiêu chí {c}"),
                            group: String::new(),
                            measure: String::new(),
                            target: String::new(),
                        })
                        .collect(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        let mut recognitions = Vec::new();
        for (unit, number) in [("P1", "QDCN-P1-01"), ("P2", "QDCN-P2-02")] {
            app.db
                .criteria()
                .assess(
                    &office,
                    &office_a,
                    &AssessmentInput {
                        set_code: "PVM-T".into(),
                        unit_code: unit.into(),
                        as_of: d(2025, 6, 1),
                        note: "DANHGIANOIBO".into(),
                        items: ["TC1", "TC2"]
                            .iter()
                            .map(|c| MarkInput {
                                code: c.to_string(),
                                state: CriterionState::Met,
                                evidence: "MINHCHUNGNOIBO".into(),
                            })
                            .collect(),
                    },
                )
                .await
                .unwrap();
            recognitions.push(
                app.db
                    .criteria()
                    .recognise(
                        &office,
                        &office_a,
                        &RecognitionInput {
                            set_code: "PVM-T".into(),
                            unit_code: unit.into(),
                            decision_number: number.into(),
                            decided_on: Some(d(2025, 7, 1)),
                            issued_by: "Ủy ban nhân dân thành phố".into(),
                        },
                    )
                    .await
                    .unwrap(),
            );
        }
        app.db
            .criteria()
            .withdraw_recognition(
                &office,
                &office_a,
                recognitions[1].id,
                &WithdrawalInput {
                    decision_number: "THUHOI-09".into(),
                    withdrawn_on: Some(d(2026, 1, 15)),
                    reason: "LYDOTHUHOI".into(),
                },
            )
            .await
            .unwrap();
        app.db
            .criteria()
            .classify(
                &office,
                &office_a,
                &ClassificationInput {
                    unit_code: "TU".into(),
                    title: "Đô thị loại II".into(),
                    decision_number: "QDPL-TU-7".into(),
                    decided_on: Some(d(2018, 4, 10)),
                    issued_by: "Thủ tướng Chính phủ".into(),
                    note: "GHICHUPHANLOAI".into(),
                },
            )
            .await
            .unwrap();

        let page = html(&app, "/cong-khai/don-vi/P1").await;
        assert!(page.contains("Danh hiệu, công nhận"), "{page}");
        assert!(page.contains("Đạt chuẩn theo bộ tiêu chí phường văn minh thử nghiệm"));
        assert!(page.contains("từ 01/07/2025"));
        assert!(page.contains("Quyết định số QDCN-P1-01 ngày 01/07/2025"));
        assert!(page.contains("Ủy ban nhân dân thành phố"));
        let p2 = html(&app, "/cong-khai/don-vi/P2").await;
        assert!(
            !p2.contains("QDCN-P2-02") && !p2.contains("Danh hiệu, công nhận"),
            "a withdrawn recognition is not in force: {p2}"
        );
        let city = html(&app, "/cong-khai/don-vi/TU").await;
        assert!(city.contains("Đô thị loại II"), "{city}");
        assert!(city.contains("từ 10/04/2018"));
        assert!(city.contains("QDPL-TU-7") && city.contains("Thủ tướng Chính phủ"));
        assert!(!city.contains("QDCN-P1-01"), "P1's recognition is P1's");
        for (uri, page) in [("P1", &page), ("P2", &p2), ("TU", &city)] {
            for hidden in [
                "DANHGIANOIBO",
                "MINHCHUNGNOIBO",
                "LYDOTHUHOI",
                "THUHOI-09",
                "GHICHUPHANLOAI",
            ] {
                assert!(!page.contains(hidden), "{uri}: {hidden}");
            }
            assert_no_staff_words(page, uri);
        }
    })
    .await;
}

#[tokio::test]
async fn a_model_commendation_shows_on_the_model_page_only_when_the_model_is_public() {
    each_backend(|app| async move {
        let (office, office_a) = who(&app, "office.tu").await;
        let sys = Actor::system("test");
        let open = app
            .db
            .models()
            .create_model(
                &sys,
                None,
                &ModelInput::new(
                    "P1",
                    "Tuyến hẻm sáng, xanh, sạch",
                    "Môi trường",
                    d(2024, 3, 1),
                ),
            )
            .await
            .unwrap();
        let mut closed_input =
            ModelInput::new("P1", "Tổ tự quản nội bộ", "Xây dựng Đảng", d(2024, 3, 1));
        closed_input.public = false;
        let closed = app
            .db
            .models()
            .create_model(&sys, None, &closed_input)
            .await
            .unwrap();
        let uri = format!("/cong-khai/mo-hinh/{}", open.id);
        let before = html(&app, &uri).await;
        assert!(!before.contains("Được biểu dương"), "{before}");

        let mut c = decision(
            CommendationKind::Certificate,
            "",
            "31-QĐ/TU",
            d(2026, 5, 19),
            "Có mô hình hiệu quả, MOHINHKHEN",
        );
        c.unit_codes = vec!["P1-C1".into()];
        c.model_ids = vec![open.id, closed.id];
        app.db
            .commendations()
            .create(&office, &office_a, &c)
            .await
            .unwrap();
        let mut p = proposal(CommendationKind::Merit, "MOHINHDEXUAT");
        p.unit_codes = vec!["P1-C1".into()];
        p.model_ids = vec![open.id];
        app.db
            .commendations()
            .create(&office, &office_a, &p)
            .await
            .unwrap();

        let page = html(&app, &uri).await;
        assert!(page.contains("Khen thưởng, biểu dương"), "{page}");
        assert!(page.contains("MOHINHKHEN"));
        assert!(page.contains("Giấy khen"));
        assert!(page.contains("Quyết định số 31-QĐ/TU ngày 19/05/2026"));
        assert!(
            page.contains("Được biểu dương"),
            "the decision makes the model commended"
        );
        assert!(!page.contains("MOHINHDEXUAT"), "a proposal is not shown");
        assert_no_staff_words(&page, "model page");
        assert_eq!(
            app.page(&format!("/cong-khai/mo-hinh/{}", closed.id), None)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "a model that is not public has no page"
        );
        for other in [
            "/cong-khai",
            "/cong-khai/don-vi/TU",
            "/cong-khai/don-vi/P1",
            "/cong-khai/tim-kiem?q=MOHINHKHEN",
        ] {
            let h = html(&app, other).await;
            assert!(!h.contains("Tổ tự quản nội bộ"), "{other}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_member_commendation_shows_only_on_their_published_registration() {
    each_backend(|app| async move {
        let (office, office_a) = who(&app, "office.tu").await;
        let (ward, ward_a) = who(&app, "bithu.p1").await;
        let reg = published(&app).await;
        let uri = format!("/cong-khai/dang-ky/{reg}");
        let before = html(&app, &uri).await;
        assert!(!before.contains("Khen thưởng, biểu dương"));

        let binh = app.fx.member("Nguyễn Văn Bình").id;
        let mai = app.fx.member("Trần Thị Mai").id;
        let dung = app.fx.member("Phạm Quốc Dũng").id;
        let mut together = decision(
            CommendationKind::Merit,
            "",
            "22-QĐ/TU",
            d(2026, 5, 19),
            "Tiêu biểu trong học tập và làm theo, CANHANKHEN",
        );
        together.member_ids = vec![binh, mai, dung];
        app.db
            .commendations()
            .create(&office, &office_a, &together)
            .await
            .unwrap();
        let mut alone = decision(
            CommendationKind::Praise,
            "",
            "23-QĐ/TU",
            d(2026, 5, 19),
            "CHIMOTMINHDUNG",
        );
        alone.member_ids = vec![dung];
        app.db
            .commendations()
            .create(&office, &office_a, &alone)
            .await
            .unwrap();
        let mut asked = proposal(CommendationKind::Certificate, "DEXUATCHOBINH");
        asked.member_ids = vec![binh];
        app.db
            .commendations()
            .create(&ward, &ward_a, &asked)
            .await
            .unwrap();

        let page = html(&app, &uri).await;
        assert!(page.contains("Khen thưởng, biểu dương"), "{page}");
        assert!(page.contains("CANHANKHEN") && page.contains("Bằng khen"));
        assert!(page.contains("Quyết định số 22-QĐ/TU ngày 19/05/2026"));
        assert!(
            page.contains("Cùng 2 người khác"),
            "the others are counted: {page}"
        );
        for hidden in [
            "Trần Thị Mai",
            "Phạm Quốc Dũng",
            "CHIMOTMINHDUNG",
            "DEXUATCHOBINH",
        ] {
            assert!(!page.contains(hidden), "{hidden} on Bình's page");
        }
        assert_no_staff_words(&page, "registration page");
        // Dũng's registrations are not published: his commendations are nowhere on the portal, and a
        // member's commendation is not on the unit pages either.
        for other in [
            "/cong-khai",
            "/cong-khai/don-vi/TU",
            "/cong-khai/don-vi/P1",
            "/cong-khai/don-vi/P2",
            "/cong-khai/tim-kiem?q=Ph%E1%BA%A1m+Qu%E1%BB%91c+D%C5%A9ng",
        ] {
            let h = html(&app, other).await;
            assert!(
                !h.contains("CHIMOTMINHDUNG") && !h.contains("CANHANKHEN"),
                "{other}"
            );
            // The search page repeats what was typed; no result names him.
            if !other.contains("tim-kiem") {
                assert!(!h.contains("Phạm Quốc Dũng"), "{other}");
            }
        }
    })
    .await;
}
