//! Loads the demo dataset through the store's bulk paths (the same validation rules as an import).

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::time::Instant;
use store::{Actor, Db, MemberInput, NewAccount, NewMemberFull, UnitInput};

const BATCH: usize = 5_000;

pub async fn load(db: &Db, scale: demo::Scale, seed: u64, print_accounts: bool) -> Result<()> {
    let started = Instant::now();
    let actor = Actor::system("demo");
    let units = demo::units(scale, seed);
    let inputs = unit_inputs(&units);
    let mut by_code: HashMap<String, domain::Unit> = HashMap::new();
    for chunk in inputs.chunks(20_000) {
        db.load_units_into(&actor, chunk, &mut by_code)
            .await
            .context("nạp đơn vị mẫu")?;
    }
    println!(
        "Đã nạp {} đơn vị ({:.1} giây).",
        units.len(),
        started.elapsed().as_secs_f64()
    );
    let total = demo::member_count(scale, seed, &units);
    let mut loaded: u64 = 0;
    let mut batch: Vec<NewMemberFull> = Vec::with_capacity(BATCH);
    let mut last_report = Instant::now();
    for m in demo::members(scale, seed, &units) {
        let memberships = m
            .memberships
            .iter()
            .map(|ms| {
                by_code
                    .get(&ms.unit_code)
                    .cloned()
                    .map(|u| (u, ms.since))
                    .with_context(|| format!("thiếu đơn vị {}", ms.unit_code))
            })
            .collect::<Result<Vec<_>>>()?;
        batch.push(NewMemberFull {
            input: MemberInput {
                full_name: m.full_name,
                gender: Some(m.gender),
                birth_date: Some(m.birth_date),
                card_number: Some(m.card_number),
                citizen_id: Some(m.citizen_id),
                joined_on: Some(m.joined_on),
                official_on: m.official_on,
                phone: Some(m.phone),
                positions: m
                    .positions
                    .into_iter()
                    .map(|p| (p, String::new()))
                    .collect(),
            },
            memberships,
            status: m.status,
            status_since: m.status_since,
        });
        if batch.len() >= BATCH {
            db.load_members(&actor, &batch)
                .await
                .context("nạp đảng viên mẫu")?;
            loaded += batch.len() as u64;
            batch.clear();
            if last_report.elapsed().as_secs() >= 10 {
                println!(
                    "… {loaded}/{total} đảng viên ({:.0} giây)",
                    started.elapsed().as_secs_f64()
                );
                last_report = Instant::now();
            }
        }
    }
    if !batch.is_empty() {
        db.load_members(&actor, &batch)
            .await
            .context("nạp đảng viên mẫu")?;
        loaded += batch.len() as u64;
    }
    println!(
        "Đã nạp {loaded} đảng viên ({:.1} giây).",
        started.elapsed().as_secs_f64()
    );
    let accounts = demo::accounts(scale, seed, &units);
    if print_accounts && !accounts.is_empty() {
        println!("Tài khoản mẫu:");
    }
    for mut a in accounts {
        // The demo's admin takes LAMTHEO_ADMIN_PASSWORD when it is set, like a fresh install.
        if a.username == "admin" {
            if let Ok(p) = std::env::var("LAMTHEO_ADMIN_PASSWORD") {
                if !p.is_empty() {
                    a.password = p;
                }
            }
        }
        let role = domain::Role::parse(a.role).with_context(|| format!("vai trò {}", a.role))?;
        let member_id = match &a.member_card {
            Some(card) => db.member_id_by_card(card).await?,
            None => None,
        };
        let new = NewAccount {
            username: a.username.clone(),
            password: a.password.clone(),
            role,
            unit_code: a.unit_code.clone(),
            member_id,
            display_name: a.description.clone(),
        };
        match db.create_account(&actor, None, &new).await {
            Ok(_) => {
                if print_accounts {
                    println!(
                        "  {:<16} {:<18} {:<10} {}",
                        a.username, a.password, a.role, a.description
                    );
                }
            }
            Err(store::StoreError::Invalid(e)) => {
                eprintln!(
                    "Bỏ qua tài khoản {}: {}",
                    a.username,
                    e.iter()
                        .map(|x| x.message.clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// The demo's units as store inputs (parents before children).
pub fn unit_inputs(units: &[demo::DemoUnit]) -> Vec<UnitInput> {
    units
        .iter()
        .map(|u| UnitInput {
            code: u.code.clone(),
            name: u.name.clone(),
            unit_type: u.unit_type,
            parent_code: u.parent_code.clone(),
            sort_order: u.sort_order,
            valid_from: u.valid_from,
        })
        .collect()
}
