//! Loads the demo's good-practice models (`demo::models`) through the store's ordinary write paths (the
//! same checks and audit records as a clerk's entries): each model, its results, its adoptions, and for
//! the seven models of the Bến Tre report an illustrative photo drawn here (a PNG, thumbnailed by
//! `office::check_photo` like an upload).

use anyhow::{Context, Result};
use store::{Actor, Db, ModelInput, ResultInput};

/// Loads the models whose owner units are in `units` (already in the database); returns their ids in the
/// order of `demo::models::models(units)`. Their "được biểu dương" status comes afterwards from the
/// commendations naming them (`demo_load_recognition::load_model_commendations`).
pub async fn load_demo_models(
    db: &Db,
    actor: &Actor,
    units: &[demo::DemoUnit],
) -> Result<Vec<i64>> {
    let list = demo::models::models(units);
    let mut ids = Vec::with_capacity(list.len());
    for m in &list {
        let input = ModelInput {
            unit_code: m.owner_code.to_string(),
            name: m.name.to_string(),
            field: m.field.to_string(),
            description: m.description.to_string(),
            started_on: Some(m.started_on),
            participants: m.participants.to_string(),
            participants_count: m.participants_count,
            status: m.status,
            public: m.public,
        };
        let created = db
            .models()
            .create_model(actor, None, &input)
            .await
            .with_context(|| format!("nạp mô hình mẫu \"{}\"", m.name))?;
        ids.push(created.id);
        for r in &m.results {
            let result = ResultInput {
                measured_on: Some(r.measured_on),
                indicator: r.indicator.to_string(),
                value: Some(r.value),
                unit: r.unit.to_string(),
                note: String::new(),
            };
            db.models()
                .add_model_result(actor, None, created.id, &result)
                .await
                .with_context(|| format!("nạp kết quả của mô hình \"{}\"", m.name))?;
        }
        for a in &m.adoptions {
            db.models()
                .adopt_model(
                    actor,
                    None,
                    created.id,
                    a.unit_code,
                    Some(a.adopted_on),
                    a.note,
                )
                .await
                .with_context(|| {
                    format!("nạp nhân rộng mô hình \"{}\" tới {}", m.name, a.unit_code)
                })?;
        }
        if let Some(rgb) = m.photo_colour {
            let png = office::solid_png(640, 400, rgb).context("vẽ ảnh minh họa")?;
            db.models()
                .add_model_photo(
                    actor,
                    None,
                    created.id,
                    "anh-minh-hoa.png",
                    &png,
                    "Ảnh minh họa (dữ liệu mẫu)",
                    office::check_photo,
                )
                .await
                .with_context(|| format!("nạp ảnh của mô hình \"{}\"", m.name))?;
        }
    }
    Ok(ids)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use domain::models::ModelStatus;
    use std::collections::HashMap;
    use std::sync::Arc;

    #[tokio::test]
    async fn city_models_load_with_results_adoptions_and_photos() {
        let dir = std::env::temp_dir().join(format!(
            "lamtheo-demo-models-{}-{}",
            std::process::id(),
            // Only a unique directory name, not a "now" of the domain (that comes from the Clock).
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|t| t.as_nanos())
                .unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let db = Db::open(
            &store::sqlite_url_for_dir(&dir),
            Arc::new(domain::SystemClock),
        )
        .await
        .unwrap();
        let actor = Actor::system("demo");
        let units = demo::units(demo::Scale::City, 2020);
        let mut by_code = HashMap::new();
        db.imports()
            .load_units_into(&actor, &crate::demo_load::unit_inputs(&units), &mut by_code)
            .await
            .unwrap();
        let ids = load_demo_models(&db, &actor, &units).await.unwrap();
        let n = ids.len();
        assert_eq!(n, demo::models::models(&units).len());
        let public = || async {
            db.models()
                .public_models(&store::PublicModelFilter::default())
                .await
                .unwrap()
        };
        // Before any commendation: the adoption-driven statuses, nobody "được biểu dương".
        let before = public().await;
        assert!(before.iter().all(|m| m.status != ModelStatus::Commended));
        // An adoption moved the road model of Bình Thạnh to "nhân rộng".
        let road = before.iter().find(|m| m.unit.code == "BP-A1").unwrap();
        assert_eq!(road.status, ModelStatus::Replicated);
        let decisions =
            crate::demo_load_recognition::load_model_commendations(&db, &actor, &units, &ids)
                .await
                .unwrap();
        assert!(decisions >= 5, "{decisions}");
        let all = public().await;
        let private = demo::models::models(&units)
            .iter()
            .filter(|m| !m.public)
            .count();
        assert_eq!(all.len(), n - private);
        let sd = all
            .iter()
            .find(|m| m.unit.code == "SD-MTTQ")
            .expect("the sanitation model of Sơn Đông");
        assert_eq!(sd.status, ModelStatus::Commended);
        assert_eq!(sd.replications.len(), 3);
        let detail = db.models().public_model(sd.id).await.unwrap();
        assert_eq!(detail.results.len(), 8);
        assert_eq!(detail.photos.len(), 1);
        // The seven models of the seed are "được biểu dương" through their commendations; a model nobody
        // commended keeps its adoption-driven status.
        let seed_owners = [
            "SD-MTTQ", "BP-A1", "BT-CCB", "P7", "P4-TDV2", "P7-KV", "P8-TDV1",
        ];
        for owner in seed_owners {
            let m = all.iter().find(|m| m.unit.code == owner).unwrap();
            assert_eq!(m.status, ModelStatus::Commended, "{owner}");
        }
        let books = all.iter().find(|m| m.unit.code == "BT-S01").unwrap();
        assert_eq!(books.status, ModelStatus::Replicated);
        db.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
