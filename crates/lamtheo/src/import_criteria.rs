//! `lamtheo import criteria FILE --set CODE --title "…"`: a criteria set from a CSV/XLSX file, created or
//! replaced (same code) through `Criteria::save_set` as the CLI's administrator. All or nothing: any row
//! error is printed (dòng, cột) and nothing is written.

use anyhow::{bail, Context, Result};
use domain::policy::Principal;
use domain::{Role, UnitType};
use std::process::ExitCode;
use store::{Actor, CriteriaSetInput, Criterion, Db, StoreError};

use crate::cli::CriteriaImport;

pub async fn run(db: &Db, args: &CriteriaImport) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("không đọc được tệp {}", args.file.display()))?;
    let name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let parsed = office::parse_criteria(&bytes, &name)?;
    if !parsed.errors.is_empty() {
        eprintln!("Không nhập dòng nào: tệp có {} lỗi.", parsed.errors.len());
        for e in &parsed.errors {
            eprintln!("{e}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let unit_type = args.unit_type.as_deref().map(str::trim).unwrap_or("");
    if unit_type.is_empty() && args.units.iter().all(|u| u.trim().is_empty()) {
        eprintln!("Phải chọn đơn vị áp dụng: --unit-type LOẠI hoặc --units MÃ,MÃ");
        return Ok(ExitCode::FAILURE);
    }
    if !unit_type.is_empty() && UnitType::parse(unit_type).is_none() {
        let known: Vec<&str> = UnitType::ALL.iter().map(|t| t.as_str()).collect();
        eprintln!(
            "Loại đơn vị \"{unit_type}\" không hợp lệ; dùng một trong: {}",
            known.join(", ")
        );
        return Ok(ExitCode::FAILURE);
    }
    let roots = db.units().root_units().await?;
    let owner = match &args.owner {
        Some(code) => db
            .units()
            .unit_by_code_unscoped(code)
            .await?
            .with_context(|| format!("không có đơn vị mã {code}"))?,
        None => roots
            .first()
            .cloned()
            .context("cơ sở dữ liệu chưa có đơn vị nào")?,
    };
    let Some(root) = roots.iter().find(|r| owner.path.starts_with(&r.path)) else {
        bail!("không tìm thấy đơn vị gốc của {}", owner.code);
    };
    let admin = Principal {
        user_id: 0,
        username: "cli".into(),
        role: Role::Admin,
        unit_id: root.id,
        unit_path: root.path.clone(),
        member_id: None,
    };
    let input = CriteriaSetInput {
        code: args.set.trim().to_string(),
        title: args.title.clone(),
        version: args.set_version.clone().unwrap_or_default(),
        description: String::new(),
        // No --owner: a replaced set keeps its owner, a new one belongs to the root.
        owner_code: args.owner.clone().unwrap_or_default(),
        applies_type: unit_type.to_string(),
        unit_codes: args
            .units
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect(),
        items: parsed
            .rows
            .iter()
            .map(|r| Criterion {
                code: r.code.clone(),
                title: r.title.clone(),
                group: r.group.clone(),
                measure: r.measure.clone(),
                target: r.target.clone(),
            })
            .collect(),
    };
    let exists = db.criteria().set(&admin, &input.code).await.is_ok();
    if args.dry_run {
        let mut missing = Vec::new();
        for code in &input.unit_codes {
            if db.units().unit_by_code_unscoped(code).await?.is_none() {
                missing.push(code.clone());
            }
        }
        if !missing.is_empty() {
            eprintln!("Không có đơn vị mã: {}", missing.join(", "));
            return Ok(ExitCode::FAILURE);
        }
        println!(
            "Kiểm tra xong (chưa ghi gì): {} tiêu chí, bộ {} sẽ được {}.",
            input.items.len(),
            input.code,
            if exists { "thay thế" } else { "thêm mới" }
        );
        return Ok(ExitCode::SUCCESS);
    }
    match db
        .criteria()
        .save_set(&admin, &Actor::system("cli"), &input)
        .await
    {
        Ok((set, created)) => {
            println!(
                "Đã nhập bộ tiêu chí {} – {}: {} tiêu chí ({}).",
                set.code,
                set.title,
                set.items.len(),
                if created {
                    "thêm mới"
                } else {
                    "thay thế bộ đã có"
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(StoreError::Invalid(errors)) => {
            eprintln!("Không nhập được bộ tiêu chí {}:", input.code);
            for e in &errors {
                match item_line(&e.field, &parsed.rows) {
                    Some(line) => eprintln!("dòng {line}: {}", e.message),
                    None => eprintln!("{}: {}", option_of(&e.field), e.message),
                }
            }
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(e.into()),
    }
}

/// The file line of a store error on `items[i].…`.
fn item_line(field: &str, rows: &[office::CriterionRow]) -> Option<usize> {
    let rest = field.strip_prefix("items[")?;
    let (index, _) = rest.split_once(']')?;
    rows.get(index.parse::<usize>().ok()?).map(|r| r.line)
}

/// The command-line option a store error on a set's field is about.
fn option_of(field: &str) -> &str {
    match field {
        "code" => "--set",
        "title" => "--title",
        "version" => "--version",
        "owner_code" => "--owner",
        "applies_to" => "--unit-type/--units",
        "applies_to.unit_type" => "--unit-type",
        f if f.starts_with("applies_to.unit_codes") => "--units",
        other => other,
    }
}
