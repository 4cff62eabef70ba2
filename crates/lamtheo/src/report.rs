//! `lamtheo report`: the period report of a unit (its whole subtree) as Word, Excel or the API's JSON,
//! computed now from the records, read with an administrator's scope at that unit (every section,
//! confidential ones included), the same figures `GET /api/v1/reports/period` answers.

use anyhow::{bail, Context, Result};
use domain::Role;
use std::path::Path;
use std::process::ExitCode;
use store::Db;

/// A date given as YYYY-MM-DD or dd/mm/yyyy.
fn date(flag: &str, s: &str) -> Result<chrono::NaiveDate> {
    domain::text::parse_date(s).with_context(|| {
        format!("{flag} \"{s}\" không phải là ngày hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)")
    })
}

/// Writes the report of `unit` for `from..=to` in `format` (docx, xlsx or json) to `output`.
pub async fn run(
    db: &Db,
    unit: &str,
    from: &str,
    to: &str,
    format: &str,
    output: &Path,
) -> Result<ExitCode> {
    let (from, to) = (date("--from", from)?, date("--to", to)?);
    if let Err(e) = domain::report::check_period(from, to) {
        bail!("--from {from}, --to {to}: {e}");
    }
    if !matches!(format, "docx" | "xlsx" | "json") {
        bail!("định dạng \"{format}\" không có; dùng docx, xlsx hoặc json");
    }
    let u = db
        .units()
        .unit_by_code_unscoped(unit)
        .await?
        .with_context(|| format!("không có đơn vị mã {unit}"))?;
    let principal = domain::policy::Principal {
        user_id: 0,
        username: "cli".into(),
        role: Role::Admin,
        unit_id: u.id,
        unit_path: u.path.clone(),
        member_id: None,
    };
    let bytes = match format {
        "json" => {
            let r = db
                .reports()
                .period_report(&principal, u.id, from, to)
                .await?;
            let mut out = serde_json::to_vec_pretty(&web::api::reports::period_json(&r))?;
            out.push(b'\n');
            out
        }
        _ => {
            let doc = db
                .reports()
                .live_document(&principal, u.id, from, to)
                .await?;
            if format == "docx" {
                office::report_docx(&doc)?
            } else {
                office::report_xlsx(&doc)?
            }
        }
    };
    std::fs::write(output, &bytes)
        .with_context(|| format!("không ghi được {}", output.display()))?;
    println!(
        "Đã ghi báo cáo của {} từ {} đến {} vào {}.",
        u.name,
        domain::text::format_date(from),
        domain::text::format_date(to),
        output.display()
    );
    Ok(ExitCode::SUCCESS)
}
