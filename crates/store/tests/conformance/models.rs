//! Good-practice models (docs/DOMAIN.md § Models) on both backends: create / edit with validation, scope
//! (own subtree, units above, adopted ones; another ward's is NotFound), adoption rules and the automatic
//! "nhân rộng", results in date order, photos checked by content, the public read paths, and a unit move.

use crate::common::*;
use domain::models::ModelStatus;
use domain::Role;
use store::{
    AuditFilter, Db, FieldError, ModelFilter, ModelInput, PublicModelFilter, ResultInput,
    StoreError,
};

fn invalid(e: StoreError) -> Vec<FieldError> {
    match e {
        StoreError::Invalid(v) => v,
        other => panic!("expected Invalid, got {other:?}"),
    }
}

fn fields(e: StoreError) -> Vec<String> {
    invalid(e).into_iter().map(|f| f.field).collect()
}

fn message(e: StoreError) -> String {
    invalid(e)
        .into_iter()
        .map(|f| f.message)
        .collect::<Vec<_>>()
        .join("; ")
}

fn input(unit: &str, name: &str, field: &str) -> ModelInput {
    ModelInput {
        description: "Vận động nhân dân xây dựng hố xí hợp vệ sinh".into(),
        participants: "Ban công tác Mặt trận".into(),
        participants_count: Some(40),
        ..ModelInput::new(unit, name, field, d(2017, 3, 1))
    }
}

fn result(date: chrono::NaiveDate, indicator: &str, value: f64) -> ResultInput {
    ResultInput {
        measured_on: Some(date),
        indicator: indicator.into(),
        value: Some(value),
        unit: "hộ".into(),
        note: String::new(),
    }
}

pub async fn create_edit_and_scope(db: &Db) {
    let t = tree(db).await;
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let other_ward = principal(Role::Secretary, &t.ward_b, None);
    let cell = principal(Role::Secretary, &t.cell_a1, None);
    let member = principal(Role::Member, &t.cell_a1, Some(1));
    let actor = store::Actor::user(&ward, "web");

    // Refusals, every field at once, in Vietnamese.
    let bad = ModelInput {
        started_on: Some(d(2030, 1, 1)),
        ..input("P7", "  ", "Thể thao")
    };
    let e = db
        .models()
        .create_model(&actor, Some(&ward), &bad)
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["name", "field", "started_on"]);
    // Another ward's unit does not exist for this secretary.
    let e = db
        .models()
        .create_model(
            &actor,
            Some(&ward),
            &input("P8", "Camera", "An ninh trật tự"),
        )
        .await
        .unwrap_err();
    assert!(message(e).contains("Không có đơn vị mã \"P8\""));
    // A cell secretary sees the ward but does not write for it.
    assert!(matches!(
        db.models()
            .create_model(&actor, Some(&cell), &input("P7", "X", "Khác"))
            .await,
        Err(StoreError::Forbidden)
    ));

    let m = db
        .models()
        .create_model(
            &actor,
            Some(&ward),
            &input("P7", "  “Dân vận khéo”   nhà tiêu  ", "dan van"),
        )
        .await
        .unwrap();
    assert_eq!(m.name, "“Dân vận khéo” nhà tiêu");
    assert_eq!(m.field, "Dân vận");
    assert_eq!(m.unit.code, "P7");
    assert_eq!(m.status, ModelStatus::InProgress);
    assert!(m.public);
    let kp1 = db
        .models()
        .create_model(
            &actor,
            Some(&ward),
            &input("P7-KP1", "Camera an ninh", "An ninh trật tự"),
        )
        .await
        .unwrap();
    let city = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("TU", "Mô hình “5 + 1”", "An sinh xã hội"),
        )
        .await
        .unwrap();
    let p8 = db
        .models()
        .create_model(&cli(), None, &input("P8", "Tổ tự quản", "An ninh trật tự"))
        .await
        .unwrap();

    // Reading: own subtree and the units above; another ward's is NotFound.
    for (who, id, ok) in [
        (&ward, m.id, true),
        (&ward, kp1.id, true),
        (&ward, city.id, true),
        (&ward, p8.id, false),
        (&cell, m.id, true),
        (&cell, kp1.id, true),
        (&member, m.id, true),
        (&other_ward, m.id, false),
        (&other_ward, kp1.id, false),
    ] {
        let got = db.models().model(who, id).await;
        assert_eq!(got.is_ok(), ok, "{} reading model {id}", who.username);
        if !ok {
            assert!(matches!(got, Err(StoreError::NotFound)));
        }
    }
    // Writing: the owner's managers only.
    let mut edit = ModelInput::from_model(&m);
    edit.status = ModelStatus::Replicated;
    edit.description = "Dòng một\n\n\n  Dòng hai  ".into();
    assert!(matches!(
        db.models().update_model(&actor, &cell, m.id, &edit).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.models().update_model(&actor, &member, m.id, &edit).await,
        Err(StoreError::Forbidden)
    ));
    assert!(matches!(
        db.models()
            .update_model(&actor, &other_ward, m.id, &edit)
            .await,
        Err(StoreError::NotFound)
    ));
    let after = db
        .models()
        .update_model(&actor, &ward, m.id, &edit)
        .await
        .unwrap();
    assert_eq!(after.status, ModelStatus::Replicated);
    assert_eq!(after.description, "Dòng một\n\nDòng hai");
    // "Được biểu dương" follows commendation decisions: never set by hand, on an edit or a new model.
    let by_hand = ModelInput {
        status: ModelStatus::Commended,
        ..edit.clone()
    };
    assert_eq!(
        message(
            db.models()
                .update_model(&actor, &ward, m.id, &by_hand)
                .await
                .unwrap_err()
        ),
        "Trạng thái \"Được biểu dương\" có khi có quyết định khen thưởng, biểu dương gắn với mô hình"
    );
    assert_eq!(
        fields(
            db.models()
                .create_model(
                    &actor,
                    Some(&ward),
                    &ModelInput {
                        status: ModelStatus::Commended,
                        ..input("P7", "Tuyến đường nở hoa", "Môi trường")
                    }
                )
                .await
                .unwrap_err()
        ),
        ["status"]
    );
    // The owner unit cannot be changed by an edit.
    let moved = ModelInput {
        unit_code: "P7-KP2".into(),
        ..edit.clone()
    };
    assert_eq!(
        fields(
            db.models()
                .update_model(&actor, &ward, m.id, &moved)
                .await
                .unwrap_err()
        ),
        ["unit_code"]
    );

    // Lists: by subtree, field, status and folded search.
    let list = async |f: ModelFilter| db.models().list_models(&ward, &f).await.unwrap();
    let names = |v: Vec<store::Model>| v.into_iter().map(|m| m.name).collect::<Vec<_>>();
    let all = list(ModelFilter::default()).await;
    assert_eq!(all.len(), 2, "P7 and P7-KP1, not the city's or P8's");
    let above = list(ModelFilter {
        with_ancestors: true,
        ..Default::default()
    })
    .await;
    assert_eq!(above.len(), 3, "with the city's model");
    assert_eq!(
        names(
            list(ModelFilter {
                q: Some("DAN VAN KHEO".into()),
                ..Default::default()
            })
            .await
        ),
        ["“Dân vận khéo” nhà tiêu"]
    );
    assert_eq!(
        list(ModelFilter {
            q: Some("hố xí camera".into()),
            ..Default::default()
        })
        .await
        .len(),
        1,
        "every word must match"
    );
    assert!(list(ModelFilter {
        q: Some("100%_".into()),
        ..Default::default()
    })
    .await
    .is_empty());
    assert_eq!(
        names(
            list(ModelFilter {
                field: Some("an ninh trat tu".into()),
                ..Default::default()
            })
            .await
        ),
        ["Camera an ninh"]
    );
    assert_eq!(
        list(ModelFilter {
            status: Some(ModelStatus::Replicated),
            ..Default::default()
        })
        .await
        .len(),
        1
    );
    assert!(matches!(
        db.models()
            .list_models(
                &ward,
                &ModelFilter {
                    unit_path: Some(t.ward_b.path.clone()),
                    ..Default::default()
                }
            )
            .await,
        Err(StoreError::NotFound)
    ));
    // Every write is in the audit log, under the owner unit.
    let (entries, total) = db
        .audit()
        .list_audit(
            &t.admin(),
            &AuditFilter {
                object_type: Some("model".into()),
                object_id: Some(m.id.to_string()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(total, 2, "create and update");
    assert!(entries.iter().any(|e| e.action == "update"
        && e.before
            .as_ref()
            .is_some_and(|b| b["status"] == "in_progress")
        && e.after
            .as_ref()
            .is_some_and(|a| a["status"] == "replicated")));
}

pub async fn adoption_rules(db: &Db) {
    let t = tree(db).await;
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let other_ward = principal(Role::Secretary, &t.ward_b, None);
    let office = principal(Role::Office, &t.root, None);
    let actor = store::Actor::user(&ward, "web");
    let m = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("P7", "Heo đất tiết kiệm", "An sinh xã hội"),
        )
        .await
        .unwrap();
    let hidden = db
        .models()
        .create_model(
            &cli(),
            None,
            &ModelInput {
                public: false,
                ..input("P7", "Tổ hụi nội bộ", "Kinh tế")
            },
        )
        .await
        .unwrap();
    let adopt = |p: &domain::policy::Principal, id: i64, code: &str, on: chrono::NaiveDate| {
        let p = p.clone();
        let code = code.to_string();
        async move {
            db.models()
                .adopt_model(&actor_of(&p), Some(&p), id, &code, Some(on), "")
                .await
        }
    };
    // A unit cannot adopt its own model; not before the start; not in the future.
    let e = adopt(&ward, m.id, "P7", d(2018, 1, 1)).await.unwrap_err();
    assert_eq!(
        message(e),
        "Đơn vị không thể nhận nhân rộng mô hình của chính mình"
    );
    let e = adopt(&ward, m.id, "P7-KP1", d(2017, 2, 1))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["adopted_on"]);
    let e = adopt(&ward, m.id, "P7-KP1", d(2027, 1, 1))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["adopted_on"]);
    // The adopting unit's manager records it: a ward secretary does not write for another ward's cell.
    let e = adopt(&ward, m.id, "P8-KP1", d(2018, 1, 1))
        .await
        .unwrap_err();
    assert!(message(e).contains("Không có đơn vị mã \"P8-KP1\""));
    let e = adopt(&other_ward, m.id, "P7-KP2", d(2018, 1, 1))
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["unit_code"]);
    // Another ward cannot read P7's model, but may adopt it because it is public.
    assert!(matches!(
        db.models().model(&other_ward, m.id).await,
        Err(StoreError::NotFound)
    ));
    let a = adopt(&other_ward, m.id, "P8-KP1", d(2018, 5, 1))
        .await
        .unwrap();
    assert_eq!(a.unit.code, "P8-KP1");
    // A non-public model of another ward stays out of reach.
    assert!(matches!(
        adopt(&other_ward, hidden.id, "P8", d(2018, 5, 1)).await,
        Err(StoreError::NotFound)
    ));
    // The first adoption made the model "nhân rộng"; once is enough per unit.
    let after = db.models().model(&ward, m.id).await.unwrap();
    assert_eq!(after.status, ModelStatus::Replicated);
    assert_eq!(after.replications.len(), 1);
    let e = adopt(&other_ward, m.id, "P8-KP1", d(2018, 6, 1))
        .await
        .unwrap_err();
    assert!(message(e).contains("đã nhận nhân rộng mô hình này từ 01/05/2018"));
    // Now P8 sees the model it adopted, and its list of adopted models.
    assert_eq!(db.models().model(&other_ward, m.id).await.unwrap().id, m.id);
    let adopted = db
        .models()
        .adopted_models(&other_ward, &t.ward_b.path)
        .await
        .unwrap();
    assert_eq!(adopted.len(), 1);
    assert_eq!(adopted[0].model.unit.code, "P7");
    assert!(db
        .models()
        .adopted_models(&ward, &t.ward_a.path)
        .await
        .unwrap()
        .is_empty());
    adopt(&office, m.id, "P7-KP2", d(2019, 1, 1)).await.unwrap();
    let spread: Vec<String> = db
        .models()
        .model(&office, m.id)
        .await
        .unwrap()
        .replications
        .into_iter()
        .map(|a| a.unit.code)
        .collect();
    assert_eq!(spread, ["P8-KP1", "P7-KP2"], "oldest first");
    // Removing an adoption: the adopting unit's or the owner's managers; the status stays.
    db.models()
        .remove_adoption(&actor, &ward, m.id, "P8-KP1")
        .await
        .unwrap();
    assert!(matches!(
        db.models().model(&other_ward, m.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.models()
            .remove_adoption(&actor, &ward, m.id, "P8-KP1")
            .await,
        Err(StoreError::NotFound)
    ));
    db.models()
        .remove_adoption(&actor, &ward, m.id, "P7-KP2")
        .await
        .unwrap();
    assert_eq!(
        db.models().model(&ward, m.id).await.unwrap().status,
        ModelStatus::Replicated
    );
    // A commended model (a city decision names it) stays commended when adopted.
    let c = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("P8", "Camera an ninh", "An ninh trật tự"),
        )
        .await
        .unwrap();
    db.commendations()
        .create(
            &t.admin(),
            &cli(),
            &store::CommendationInput {
                kind: Some(domain::commendation::CommendationKind::Certificate),
                issuer_code: "TU".into(),
                decision_number: "15-QĐ/TU".into(),
                decided_on: Some(d(2017, 12, 20)),
                reason: "Mô hình camera an ninh hiệu quả".into(),
                unit_codes: vec!["P8".into()],
                model_ids: vec![c.id],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    db.models()
        .adopt_model(
            &cli(),
            None,
            c.id,
            "P7",
            Some(d(2018, 1, 1)),
            "Lắp 4 khu phố",
        )
        .await
        .unwrap();
    let c = db.models().model(&ward, c.id).await.unwrap();
    assert_eq!(c.status, ModelStatus::Commended);
    assert_eq!(c.replications[0].note, "Lắp 4 khu phố");
    // Audit: adoptions are recorded under the adopting unit.
    let (entries, _) = db
        .audit()
        .list_audit(
            &principal(Role::Admin, &t.ward_b, None),
            &AuditFilter {
                object_type: Some("model".into()),
                page: 1,
                per_page: 50,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"adopt") && actions.contains(&"unadopt"),
        "{actions:?}"
    );
}

fn actor_of(p: &domain::policy::Principal) -> store::Actor {
    store::Actor::user(p, "api")
}

pub async fn results_in_date_order(db: &Db) {
    let t = tree(db).await;
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let cell = principal(Role::Secretary, &t.cell_a1, None);
    let actor = store::Actor::user(&ward, "web");
    let m = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("P7", "Nhà tiêu hợp vệ sinh", "Dân vận"),
        )
        .await
        .unwrap();
    let ind = "Số hộ có nhà tiêu hợp vệ sinh";
    for (date, v) in [
        (d(2019, 12, 31), 1745.0),
        (d(2017, 12, 31), 1386.0),
        (d(2018, 12, 31), 1602.0),
        (d(2017, 6, 30), 1200.5),
    ] {
        db.models()
            .add_model_result(&actor, Some(&ward), m.id, &result(date, ind, v))
            .await
            .unwrap();
    }
    let detail = db.models().model_detail(&ward, m.id).await.unwrap();
    let dates: Vec<_> = detail.results.iter().map(|r| r.measured_on).collect();
    assert_eq!(
        dates,
        [
            d(2017, 6, 30),
            d(2017, 12, 31),
            d(2018, 12, 31),
            d(2019, 12, 31)
        ]
    );
    assert_eq!(detail.results[0].value, 1200.5);
    assert_eq!(detail.model.result_count, 4);
    // Before the start, in the future, without indicator or value: refused with the field.
    let e = db
        .models()
        .add_model_result(&actor, Some(&ward), m.id, &result(d(2016, 1, 1), ind, 1.0))
        .await
        .unwrap_err();
    assert!(message(e).contains("không được trước ngày bắt đầu mô hình (01/03/2017)"));
    let e = db
        .models()
        .add_model_result(
            &actor,
            Some(&ward),
            m.id,
            &ResultInput {
                measured_on: Some(d(2027, 1, 1)),
                indicator: " ".into(),
                value: None,
                unit: String::new(),
                note: String::new(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(fields(e), ["measured_on", "indicator", "value"]);
    // A cell secretary reads the ward's results but does not write them.
    assert_eq!(
        db.models().model_results(&cell, m.id).await.unwrap().len(),
        4
    );
    assert!(matches!(
        db.models()
            .add_model_result(&actor, Some(&cell), m.id, &result(d(2018, 1, 1), ind, 1.0))
            .await,
        Err(StoreError::Forbidden)
    ));
    let first = detail.results[0].id;
    db.models()
        .delete_model_result(&actor, &ward, m.id, first)
        .await
        .unwrap();
    assert_eq!(
        db.models().model_results(&ward, m.id).await.unwrap().len(),
        3
    );
}

pub async fn photos_checked_by_content(db: &Db) {
    let t = tree(db).await;
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let other_ward = principal(Role::Secretary, &t.ward_b, None);
    let actor = store::Actor::user(&ward, "web");
    let m = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("P7", "Camera an ninh", "An ninh trật tự"),
        )
        .await
        .unwrap();
    let png = office::solid_png(1000, 500, [180, 20, 20]).unwrap();
    let info = db
        .models()
        .add_model_photo(
            &actor,
            Some(&ward),
            m.id,
            "C:\\Anh\\lap-camera.jpg",
            &png,
            "  Lắp camera  đầu hẻm ",
            office::check_photo,
        )
        .await
        .unwrap();
    assert_eq!(info.content_type, "image/png");
    assert_eq!(info.filename, "lap-camera.png");
    assert_eq!((info.width, info.height), (1000, 500));
    assert_eq!(info.caption, "Lắp camera đầu hẻm");
    let (_, full) = db
        .models()
        .model_photo(&ward, m.id, info.id, false)
        .await
        .unwrap();
    assert_eq!(full, png);
    let (thumb_info, thumb) = db
        .models()
        .model_photo(&ward, m.id, info.id, true)
        .await
        .unwrap();
    assert_eq!(thumb_info.content_type, "image/jpeg");
    assert!(thumb.starts_with(&[0xFF, 0xD8, 0xFF]));
    // Another ward cannot fetch it.
    assert!(matches!(
        db.models()
            .model_photo(&other_ward, m.id, info.id, true)
            .await,
        Err(StoreError::NotFound)
    ));
    // Refusals by content, with the Vietnamese message, nothing stored.
    let pdf = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF".to_vec();
    let mut big = png.clone();
    big.resize(8 * 1024 * 1024 + 1, 0);
    let cut = thumb[..thumb.len() / 2].to_vec();
    for (name, bytes, expected) in [
        ("anh.jpg", pdf, "Tệp không phải là ảnh JPEG/PNG/WebP"),
        ("anh.png", big, "Ảnh quá lớn (tối đa 8 MB)"),
        ("anh.jpg", cut, "Ảnh bị hỏng, không đọc được"),
    ] {
        let e = db
            .models()
            .add_model_photo(
                &actor,
                Some(&ward),
                m.id,
                name,
                &bytes,
                "",
                office::check_photo,
            )
            .await
            .unwrap_err();
        let errs = invalid(e);
        assert_eq!(errs[0].field, "file");
        assert_eq!(errs[0].message, expected);
    }
    assert_eq!(
        db.models().model_photos(&ward, m.id).await.unwrap().len(),
        1
    );
    db.models()
        .delete_model_photo(&actor, &ward, m.id, info.id)
        .await
        .unwrap();
    assert!(db
        .models()
        .model_photos(&ward, m.id)
        .await
        .unwrap()
        .is_empty());
}

pub async fn public_reads_only_public_models(db: &Db) {
    let t = tree(db).await;
    let ward = principal(Role::Secretary, &t.ward_a, None);
    let actor = store::Actor::user(&ward, "web");
    let public = db
        .models()
        .create_model(&actor, Some(&ward), &input("P7", "Heo đất", "Kinh tế"))
        .await
        .unwrap();
    let hidden = db
        .models()
        .create_model(
            &actor,
            Some(&ward),
            &ModelInput {
                public: false,
                ..input("P7-KP1", "Tổ tự quản (nội bộ)", "An ninh trật tự")
            },
        )
        .await
        .unwrap();
    let other = db
        .models()
        .create_model(&cli(), None, &input("P8", "Camera", "An ninh trật tự"))
        .await
        .unwrap();
    let png = office::solid_png(20, 20, [0, 0, 200]).unwrap();
    let mut photo_ids = Vec::new();
    for id in [public.id, hidden.id] {
        db.models()
            .add_model_result(
                &actor,
                Some(&ward),
                id,
                &ResultInput {
                    note: "ghi chú nội bộ của bí thư".into(),
                    ..result(d(2018, 12, 31), "Số hộ tham gia", 64.0)
                },
            )
            .await
            .unwrap();
        let ph = db
            .models()
            .add_model_photo(
                &actor,
                Some(&ward),
                id,
                "a.png",
                &png,
                "Họp tổ",
                office::check_photo,
            )
            .await
            .unwrap();
        photo_ids.push(ph.id);
    }
    db.models()
        .adopt_model(
            &actor,
            Some(&ward),
            public.id,
            "P7-KP2",
            Some(d(2018, 1, 1)),
            "ghi chú nội bộ về nhân rộng",
        )
        .await
        .unwrap();

    let everywhere = db
        .models()
        .public_models(&PublicModelFilter::default())
        .await
        .unwrap();
    let ids: Vec<i64> = everywhere.iter().map(|m| m.id).collect();
    assert!(ids.contains(&public.id) && ids.contains(&other.id));
    assert!(!ids.contains(&hidden.id));
    let in_p7 = db
        .models()
        .public_models(&PublicModelFilter {
            unit_path: Some(t.ward_a.path.clone()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(in_p7.iter().map(|m| m.id).collect::<Vec<_>>(), [public.id]);
    assert_eq!(in_p7[0].replications[0].unit.code, "P7-KP2");
    let searched = db
        .models()
        .public_models(&PublicModelFilter {
            q: Some("heo dat".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(searched.len(), 1);
    assert!(matches!(
        db.models().public_model(hidden.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        db.models()
            .public_model_photo(hidden.id, photo_ids[1], true)
            .await,
        Err(StoreError::NotFound)
    ));
    let (ct, bytes) = db
        .models()
        .public_model_photo(public.id, photo_ids[0], true)
        .await
        .unwrap();
    assert_eq!(ct, "image/jpeg");
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    // A photo id of another model is not served through this one.
    assert!(db
        .models()
        .public_model_photo(public.id, photo_ids[1], false)
        .await
        .is_err());
    // Nothing personal in what the portal gets: no user names, no notes, no audit fields.
    let detail = db.models().public_model(public.id).await.unwrap();
    assert_eq!(detail.results.len(), 1);
    assert_eq!(detail.photos.len(), 1);
    let text =
        serde_json::to_string(&detail).unwrap() + &serde_json::to_string(&everywhere).unwrap();
    for needle in [
        ward.username.as_str(),
        "hệ thống",
        "ghi chú nội bộ",
        "created_by",
        "updated_by",
        "uploaded_by",
        "created_at",
        "note",
        "unit_path",
        "Tổ tự quản (nội bộ)",
    ] {
        assert!(
            !text.contains(needle),
            "public JSON contains {needle:?}: {text}"
        );
    }
}

pub async fn unit_move_carries_models(db: &Db) {
    let t = tree(db).await;
    let admin = t.admin();
    let m = db
        .models()
        .create_model(
            &cli(),
            None,
            &input("P7-KP1", "Camera an ninh", "An ninh trật tự"),
        )
        .await
        .unwrap();
    let owned_by_p8 = db
        .models()
        .create_model(&cli(), None, &input("P8", "Tổ tự quản", "An ninh trật tự"))
        .await
        .unwrap();
    db.models()
        .adopt_model(
            &cli(),
            None,
            owned_by_p8.id,
            "P7-KP1",
            Some(d(2018, 1, 1)),
            "",
        )
        .await
        .unwrap();
    db.units()
        .move_unit(&cli(), &admin, t.cell_a1.id, t.ward_b.id, d(2020, 2, 1))
        .await
        .unwrap();
    let p7 = principal(Role::Secretary, &t.ward_a, None);
    let p8 = principal(Role::Secretary, &t.ward_b, None);
    assert!(matches!(
        db.models().model(&p7, m.id).await,
        Err(StoreError::NotFound)
    ));
    let listed = db
        .models()
        .list_models(&p8, &ModelFilter::default())
        .await
        .unwrap();
    assert!(listed.iter().any(|x| x.id == m.id));
    let adopted = db
        .models()
        .adopted_models(&p8, &p8.unit_path)
        .await
        .unwrap();
    assert_eq!(adopted.len(), 1, "the moved cell's adoption follows it");
    assert!(db
        .models()
        .adopted_models(&p7, &p7.unit_path)
        .await
        .unwrap()
        .is_empty());
}

on_every_backend!(db: create_edit_and_scope);
on_every_backend!(db: adoption_rules);
on_every_backend!(db: results_in_date_order);
on_every_backend!(db: photos_checked_by_content);
on_every_backend!(db: public_reads_only_public_models);
on_every_backend!(db: unit_move_carries_models);
