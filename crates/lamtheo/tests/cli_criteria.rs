//! `lamtheo import criteria`: the national new-rural set (19 criteria, five groups) imports as one set
//! applying to communes; a file with bad rows prints every error with its line and column, exits non-zero
//! and writes nothing; importing again with the same code replaces the set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

const NTM: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../demo/data/nong-thon-moi-19.csv"
);

fn lamtheo(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lamtheo"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("LAMTHEO_DATABASE_URL")
        .output()
        .expect("run lamtheo")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The sets in the data directory's database: (code, version, criteria codes, unit type).
fn sets(dir: &Path) -> Vec<(String, String, Vec<String>, String)> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let clock = std::sync::Arc::new(domain::SystemClock);
        let db = store::Db::open(&store::sqlite_url_for_dir(dir), clock)
            .await
            .unwrap();
        let root = db.units().root_units().await.unwrap().remove(0);
        let admin = domain::policy::Principal {
            user_id: 0,
            username: "test".into(),
            role: domain::Role::Admin,
            unit_id: root.id,
            unit_path: root.path.clone(),
            member_id: None,
        };
        let out = db
            .criteria()
            .sets(&admin)
            .await
            .unwrap()
            .into_iter()
            .map(|s| {
                let applies = match s.applies_to {
                    store::AppliesTo::UnitType(t) => t.as_str().to_string(),
                    store::AppliesTo::Units(u) => u
                        .iter()
                        .map(|u| u.code.clone())
                        .collect::<Vec<_>>()
                        .join(","),
                };
                (
                    s.code,
                    s.version,
                    s.items.into_iter().map(|i| i.code).collect(),
                    applies,
                )
            })
            .collect();
        db.close().await;
        out
    })
}

#[test]
fn criteria_import_is_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.csv");
    std::fs::write(
        &units,
        "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên\n\
         TU,Đảng bộ thành phố Bến Tre,Đảng bộ,\n\
         PHUHUNG,Đảng bộ xã Phú Hưng,Đảng bộ cơ sở,TU\n",
    )
    .unwrap();
    let out = lamtheo(dir.path(), &["import", "units", units.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    // A broken file: every bad row reported with line and column, nothing written.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "mã tiêu chí,tên tiêu chí,nhóm tiêu chí\n1,Quy hoạch,Quy hoạch\n1,Giao thông,Hạ tầng\n2,,Hạ tầng\n",
    )
    .unwrap();
    let args = |file: &str| {
        vec![
            "import".to_string(),
            "criteria".into(),
            file.to_string(),
            "--set".into(),
            "NTM-2016".into(),
            "--title".into(),
            "Bộ tiêu chí quốc gia về xã nông thôn mới".into(),
            "--version".into(),
            "2016-2020".into(),
            "--unit-type".into(),
            "grassroots_committee".into(),
        ]
    };
    let run = |file: &str| {
        let a = args(file);
        lamtheo(
            dir.path(),
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
        )
    };
    let out = run(bad.to_str().unwrap());
    let msg = text(&out);
    assert!(!out.status.success(), "{msg}");
    assert!(
        msg.contains("dòng 3, cột \"Mã tiêu chí\": Mã tiêu chí \"1\" trùng với dòng 2"),
        "{msg}"
    );
    assert!(
        msg.contains("dòng 4, cột \"Tên tiêu chí\": Thiếu tên tiêu chí"),
        "{msg}"
    );
    assert!(sets(dir.path()).is_empty(), "nothing written");

    // The 19 national criteria.
    let out = run(NTM);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("19 tiêu chí"), "{}", text(&out));
    let s = sets(dir.path());
    assert_eq!(s.len(), 1);
    let (code, version, items, applies) = &s[0];
    assert_eq!((code.as_str(), version.as_str()), ("NTM-2016", "2016-2020"));
    let expected: Vec<String> = (1..=19).map(|i| i.to_string()).collect();
    assert_eq!(items, &expected);
    assert_eq!(applies, "grassroots_committee");

    // Unknown units in --units: refused by the store, the set stays as it was.
    let out = lamtheo(
        dir.path(),
        &[
            "import",
            "criteria",
            NTM,
            "--set",
            "NTM-2016",
            "--title",
            "x",
            "--units",
            "PHUHUNG,KHONGCO",
        ],
    );
    assert!(!out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("KHONGCO"), "{}", text(&out));
    assert_eq!(sets(dir.path())[0].3, "grassroots_committee");
}
