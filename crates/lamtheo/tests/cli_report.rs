//! `lamtheo report`: the period report of a unit as JSON (the API's shape), Word and Excel from a small
//! database; dates as YYYY-MM-DD or dd/mm/yyyy; a bad date, a reversed period, an unknown unit or format
//! are refused with a clear message and a non-zero exit.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

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

#[test]
fn report_writes_json_docx_and_xlsx_and_refuses_bad_dates() {
    let dir = tempfile::tempdir().unwrap();
    let units = dir.path().join("units.csv");
    std::fs::write(
        &units,
        "Mã đơn vị,Tên đơn vị,Loại,Mã đơn vị cấp trên\n\
         TU,Đảng bộ thành phố Bến Tre,Đảng bộ,\n\
         P7,Đảng bộ Phường 7,Đảng bộ cơ sở,TU\n\
         PHUHUNG,Đảng bộ xã Phú Hưng,Đảng bộ cơ sở,TU\n",
    )
    .unwrap();
    let out = lamtheo(dir.path(), &["import", "units", units.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));

    let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let report = |from: &str, to: &str, format: &str, output: &str| {
        lamtheo(
            dir.path(),
            &[
                "report", "--unit", "TU", "--from", from, "--to", to, "--format", format,
                "--output", output,
            ],
        )
    };

    // JSON: the API's shape, both date forms.
    let json = file("bao-cao.json");
    let out = report("21/06/2016", "2020-05-20", "json", &json);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("Đã ghi báo cáo"), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["unit"]["code"], "TU");
    assert_eq!(v["from"], "2016-06-21");
    assert_eq!(v["to"], "2020-05-20");
    for field in [
        "computed_at",
        "campaign",
        "study",
        "cell_meetings",
        "registrations",
        "disclosure",
        "models",
        "commendations",
        "criteria",
        "limitations",
        "sub_units",
    ] {
        assert!(v.get(field).is_some(), "{field} missing in {v}");
    }
    // Read with every section: the confidential ones are present.
    assert!(
        v["inspection"]["by_kind"].is_object(),
        "{}",
        v["inspection"]
    );
    assert!(v["discipline"].is_object());
    let subs: Vec<&str> = v["sub_units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["unit"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(subs.len(), 2, "{subs:?}");
    assert!(
        subs.contains(&"P7") && subs.contains(&"PHUHUNG"),
        "{subs:?}"
    );
    assert!(v["study"]["total"]["rate"].is_number());

    // Word and Excel: ZIP packages.
    for format in ["docx", "xlsx"] {
        let path = file(&format!("bao-cao.{format}"));
        let out = report("2016-06-21", "20/05/2020", format, &path);
        assert!(out.status.success(), "{format}: {}", text(&out));
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"PK\x03\x04"), "{format} is not a zip");
    }

    // Refusals, each with a message and nothing written.
    let none = file("khong-co.json");
    for (from, to, format, expect) in [
        (
            "31/02/2020",
            "2020-05-20",
            "json",
            "--from \"31/02/2020\" không phải là ngày hợp lệ",
        ),
        (
            "2020-01-01",
            "hôm nay",
            "json",
            "--to \"hôm nay\" không phải là ngày hợp lệ",
        ),
        (
            "2020-05-20",
            "2020-01-01",
            "json",
            "Ngày cuối kỳ không được trước ngày đầu kỳ",
        ),
        (
            "2020-01-01",
            "2020-05-20",
            "pdf",
            "định dạng \"pdf\" không có",
        ),
    ] {
        let out = report(from, to, format, &none);
        assert!(!out.status.success(), "{from} {to} {format}");
        assert!(text(&out).contains(expect), "{}", text(&out));
        assert!(!Path::new(&none).exists());
    }
    let out = lamtheo(
        dir.path(),
        &[
            "report",
            "--unit",
            "KHONGCO",
            "--from",
            "2020-01-01",
            "--to",
            "2020-05-20",
            "--format",
            "json",
            "--output",
            &none,
        ],
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("không có đơn vị mã KHONGCO"),
        "{}",
        text(&out)
    );
}
