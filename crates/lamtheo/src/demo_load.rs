//! Loads the demo dataset through the store's bulk paths (the same validation rules as an import).

use anyhow::{Context, Result};
use std::collections::HashMap;
use std::time::Instant;
use store::{
    Actor, Db, ItemInput, ItemKind, MemberInput, NewAccount, NewMark, NewMeeting, NewMemberFull,
    NewRating, NewRegistration, NewRegistrationEvent, NewRegistrationItem, NewTopic, PlanInput,
    UnitInput,
};

#[path = "demo_load_inspections.rs"]
mod inspections;

const BATCH: usize = 5_000;
/// Meetings per `load_meetings` call.
const MEETING_BATCH: usize = 20_000;
/// Marks per `load_attendance` call (one transaction and one audit record each).
const MARK_BATCH: usize = 200_000;
/// Who marked the demo's attendance.
const MARKED_BY: &str = "demo";
/// Registrations per `bulk_load_registrations` call (one transaction and one audit record each).
const REG_BATCH: usize = 10_000;

pub async fn load(db: &Db, scale: demo::Scale, seed: u64, print_accounts: bool) -> Result<()> {
    let started = Instant::now();
    let actor = Actor::system("demo");
    let units = demo::units(scale, seed);
    let inputs = unit_inputs(&units);
    let mut by_code: HashMap<String, domain::Unit> = HashMap::new();
    for chunk in inputs.chunks(20_000) {
        db.imports()
            .load_units_into(&actor, chunk, &mut by_code)
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
    let mut member_ids = MemberIds::default();
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
                // Every post of a demo member starts on the same day (`DemoMember::positions_from`).
                positions: m
                    .positions
                    .into_iter()
                    .map(|p| domain::member::PositionInput {
                        from: m.positions_from,
                        ..domain::member::PositionInput::new(p, "")
                    })
                    .collect(),
            },
            memberships,
            status: m.status,
            status_since: m.status_since,
        });
        if batch.len() >= BATCH {
            let ids = db
                .imports()
                .load_members(&actor, &batch)
                .await
                .context("nạp đảng viên mẫu")?;
            member_ids.push(loaded, &ids)?;
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
        let ids = db
            .imports()
            .load_members(&actor, &batch)
            .await
            .context("nạp đảng viên mẫu")?;
        member_ids.push(loaded, &ids)?;
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
            Some(card) => db.members().member_id_by_card(card).await?,
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
        match db.accounts().create_account(&actor, None, &new).await {
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
    load_campaign(db, &actor, scale, seed, &units, &by_code, &member_ids).await?;
    let ratings =
        load_registrations(db, &actor, scale, seed, &units, &by_code, &member_ids).await?;
    inspections::load_inspections(
        db,
        &actor,
        scale,
        seed,
        &units,
        ratings,
        &by_code,
        &member_ids,
    )
    .await?;
    let model_ids = crate::demo_models::load_demo_models(db, &actor, &units)
        .await
        .context("nạp mô hình mẫu")?;
    println!("Đã nạp {} mô hình, cách làm hay.", model_ids.len());
    // Commendations link models (their "được biểu dương" comes from them) and registrations.
    let n = crate::demo_load_recognition::load_model_commendations(db, &actor, &units, &model_ids)
        .await
        .context("nạp khen thưởng mô hình mẫu")?;
    println!("Đã nạp {n} quyết định khen thưởng mô hình, cách làm hay.");
    crate::demo_load_recognition::load_recognition(db, &actor, seed, &units, &by_code)
        .await
        .context("nạp bộ tiêu chí, công nhận đạt chuẩn và khen thưởng mẫu")?;
    let (feedback, answers) = crate::demo_feedback::load_demo_feedback(db, &actor, seed)
        .await
        .context("nạp phản ánh mẫu")?;
    println!("Đã nạp {feedback} phản ánh của nhân dân và {answers} ý kiến về kết quả thực hiện.");
    if let Some((n, _)) = crate::demo_load_reports::load_reports(db, scale, seed, &units)
        .await
        .context("nạp báo cáo sơ kết mẫu")?
    {
        println!("Đã nạp đợt báo cáo sơ kết với {n} báo cáo của cơ sở và báo cáo của Thành ủy.");
    }
    Ok(())
}

/// Database ids of the demo members by their position in the member stream (ids are handed out in
/// consecutive runs, one per `load_members` call).
#[derive(Default)]
struct MemberIds {
    /// (position of the first member of a run, its id), in stream order.
    runs: Vec<(u64, i64)>,
}

impl MemberIds {
    fn push(&mut self, start: u64, ids: &[i64]) -> Result<()> {
        let Some(&first) = ids.first() else {
            return Ok(());
        };
        if ids.windows(2).any(|w| w[1] != w[0] + 1) {
            anyhow::bail!("mã đảng viên mẫu không liên tiếp");
        }
        match self.runs.last() {
            Some(&(s, id)) if start.checked_sub(s).is_some_and(|d| id + d as i64 == first) => {}
            _ => self.runs.push((start, first)),
        }
        Ok(())
    }

    fn get(&self, index: u64) -> Option<i64> {
        let k = self.runs.partition_point(|(s, _)| *s <= index);
        let (s, id) = self.runs.get(k.checked_sub(1)?)?;
        Some(id + (index - s) as i64)
    }
}

/// Directive 05-CT/TW, plan 43-KH/TU with its yearly themes, the study sessions and cell meetings of
/// 2016–2020 with every member's marks, and the monthly topics (see `demo::attendance`).
async fn load_campaign(
    db: &Db,
    actor: &Actor,
    scale: demo::Scale,
    seed: u64,
    units: &[demo::DemoUnit],
    by_code: &HashMap<String, domain::Unit>,
    member_ids: &MemberIds,
) -> Result<()> {
    use demo::attendance as att;
    let started = Instant::now();
    let unit_of = |code: &str| {
        by_code
            .get(code)
            .with_context(|| format!("thiếu đơn vị {code}"))
    };
    db.campaign()
        .create_directive(
            actor,
            None,
            att::DIRECTIVE_CODE,
            att::DIRECTIVE_TITLE,
            att::directive_date(),
            att::DIRECTIVE_ISSUER,
        )
        .await
        .context("nạp chỉ thị mẫu")?;
    let issuer = att::plan_unit(units).context("dữ liệu mẫu không có đơn vị gốc")?;
    db.campaign()
        .create_plan(
            actor,
            None,
            PlanInput {
                number: att::PLAN_NUMBER.to_string(),
                title: att::PLAN_TITLE.to_string(),
                issued_on: Some(att::plan_date()),
                unit_code: issuer.code.clone(),
                directive_code: Some(att::DIRECTIVE_CODE.to_string()),
                scope: format!("Các tổ chức đảng và đảng viên trực thuộc {}", issuer.name),
                target_attendance: Some(att::PLAN_TARGET_ATTENDANCE),
                target_registered: Some(att::PLAN_TARGET_REGISTERED),
                lock_days: None,
            },
        )
        .await
        .context("nạp kế hoạch mẫu")?;
    let mut themes: HashMap<i32, i64> = HashMap::new();
    for (year, title) in att::THEMES {
        let t = db
            .campaign()
            .set_theme(
                actor,
                None,
                &issuer.code,
                year,
                title,
                att::theme_note(year),
                Some(att::PLAN_NUMBER),
            )
            .await
            .context("nạp chuyên đề mẫu")?;
        themes.insert(year, t.id);
    }
    // The city's campaign calendar where it differs from the defaults (2016: registrations due 31/08).
    for year in att::FIRST_YEAR..=att::LAST_YEAR {
        if let Some(setting) = demo::registrations::Window::calendar_setting(year) {
            db.campaign()
                .set_calendar(actor, None, unit_of(&issuer.code)?.id, year, setting)
                .await
                .context("nạp lịch thực hiện mẫu")?;
        }
    }
    println!(
        "Đã nạp Chỉ thị {}, Kế hoạch {} và {} chuyên đề năm.",
        att::DIRECTIVE_CODE,
        att::PLAN_NUMBER,
        themes.len()
    );

    // Meetings in calendar order, with the cell meetings' monthly topics.
    let cal = demo::Calendar::new(scale, seed, units);
    let unit_ids: Vec<i64> = units
        .iter()
        .map(|u| unit_of(&u.code).map(|x| x.id))
        .collect::<Result<_>>()?;
    let mut meeting_ids: Vec<i64> = Vec::with_capacity(cal.len());
    let mut topics_loaded = 0u64;
    let mut k = 0;
    while k < cal.len() {
        let end = (k + MEETING_BATCH).min(cal.len());
        let mut batch = Vec::with_capacity(end - k);
        let mut topics = Vec::new();
        for i in k..end {
            let m = cal.meeting(i).context("lịch họp mẫu")?;
            let unit = unit_of(&units[m.unit as usize].code)?;
            batch.push(NewMeeting {
                kind: m.kind,
                unit_id: unit.id,
                unit_path: unit.path.clone(),
                date: m.date,
                starts_at: Some(m.starts_at.to_string()),
                ends_at: Some(m.ends_at.to_string()),
                place: m.place,
                title: m.title,
                theme_id: m.theme_year.and_then(|y| themes.get(&y).copied()),
                thematic: m.thematic,
                minutes: m.minutes,
                quality: m.quality,
            });
            if let Some(t) = cal.topic(i) {
                topics.push(new_topic(&unit_ids, t)?);
            }
        }
        meeting_ids.extend(
            db.attendance()
                .load_meetings(actor, &batch)
                .await
                .context("nạp buổi học tập mẫu")?,
        );
        topics_loaded += db
            .attendance()
            .load_topics(actor, MARKED_BY, &topics)
            .await
            .context("nạp chủ đề sinh hoạt mẫu")?;
        k = end;
    }

    // Marks, member by member (the member stream is generated again: it is deterministic).
    let mut marks: Vec<NewMark> = Vec::with_capacity(MARK_BATCH + 1_000);
    let mut buf = Vec::new();
    let mut marked = 0u64;
    let mut last_report = Instant::now();
    let total = demo::member_count(scale, seed, units);
    for (i, m) in demo::members(scale, seed, units).enumerate() {
        let index = i as u64;
        buf.clear();
        cal.marks(index, &m, &mut buf);
        if buf.is_empty() {
            continue;
        }
        let member_id = member_ids
            .get(index)
            .with_context(|| format!("thiếu mã của đảng viên mẫu thứ {index}"))?;
        for mk in &buf {
            marks.push(NewMark {
                meeting_id: *meeting_ids
                    .get(mk.meeting as usize)
                    .context("thiếu buổi học tập mẫu")?,
                member_id,
                unit_id: *unit_ids.get(mk.unit as usize).context("thiếu đơn vị mẫu")?,
                status: Some(mk.mark),
                made_up_from: mk.made_up_from,
                // 17:00 in Hanoi.
                marked_at: mk.date.and_hms_opt(10, 0, 0).map(|t| t.and_utc()),
            });
        }
        if marks.len() >= MARK_BATCH {
            marked += db
                .attendance()
                .load_attendance(actor, MARKED_BY, &marks)
                .await
                .context("nạp điểm danh mẫu")?;
            marks.clear();
            if last_report.elapsed().as_secs() >= 10 {
                println!(
                    "… {marked} lượt điểm danh, {}/{total} đảng viên ({:.0} giây)",
                    index + 1,
                    started.elapsed().as_secs_f64()
                );
                last_report = Instant::now();
            }
        }
    }
    marked += db
        .attendance()
        .load_attendance(actor, MARKED_BY, &marks)
        .await
        .context("nạp điểm danh mẫu")?;
    drop(marks);
    println!(
        "Đã nạp {} buổi học tập, {} buổi sinh hoạt chi bộ, {marked} lượt điểm danh ({:.1} giây).",
        cal.study_count(),
        cal.cell_count(),
        started.elapsed().as_secs_f64()
    );
    let tallies = Instant::now();
    if let (Some(first), Some(last)) = (meeting_ids.first(), meeting_ids.last()) {
        db.attendance()
            .finish_meeting_tallies(actor, *first, *last)
            .await
            .context("tổng hợp điểm danh mẫu")?;
    }
    println!(
        "Đã tổng hợp điểm danh theo buổi và đơn vị ({:.1} giây).",
        tallies.elapsed().as_secs_f64()
    );

    // Next month's topic for most of the city's cells, so the board shows both kinds.
    let upcoming = cal
        .upcoming_topics(db.today())
        .into_iter()
        .map(|t| new_topic(&unit_ids, t))
        .collect::<Result<Vec<_>>>()?;
    let upcoming_loaded = db
        .attendance()
        .load_topics(actor, MARKED_BY, &upcoming)
        .await
        .context("nạp chủ đề sinh hoạt mẫu")?;
    println!(
        "Đã nạp {} chủ đề sinh hoạt tháng ({upcoming_loaded} chủ đề tháng tới).",
        topics_loaded + upcoming_loaded
    );
    // Planner statistics for the freshly loaded tables (PostgreSQL).
    db.analyze()
        .await
        .context("cập nhật thống kê cơ sở dữ liệu")?;
    Ok(())
}

/// The registrations of 2016–2020 with their items, workflow, reviews and ratings (see
/// `demo::registrations`), then the "copied" flags of each year. The registrations are generated on a
/// thread of their own while the database writes the previous batch. Returns their ratings.
async fn load_registrations(
    db: &Db,
    actor: &Actor,
    scale: demo::Scale,
    seed: u64,
    units: &[demo::DemoUnit],
    by_code: &HashMap<String, domain::Unit>,
    member_ids: &MemberIds,
) -> Result<demo::Ratings> {
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<demo::DemoRegistration>>(4);
    let owned: Vec<demo::DemoUnit> = units.to_vec();
    // The ratings are kept for the inspection records, which must not discipline a member rated above
    // "hoàn thành nhiệm vụ" that year (so the generator need not run again).
    let producer = tokio::task::spawn_blocking(move || {
        let mut ratings = demo::Ratings::default();
        let mut batch: Vec<demo::DemoRegistration> = Vec::with_capacity(REG_BATCH + 2_000);
        for regs in demo::registrations(scale, seed, &owned) {
            regs.iter().for_each(|r| ratings.note(r));
            batch.extend(regs);
            if batch.len() >= REG_BATCH && tx.blocking_send(std::mem::take(&mut batch)).is_err() {
                return ratings;
            }
        }
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        ratings
    });
    let (mut loaded, mut items, mut rated) = (0usize, 0usize, 0usize);
    let mut last_report = Instant::now();
    while let Some(batch) = rx.recv().await {
        let regs = batch
            .into_iter()
            .map(|r| new_registration(r, by_code, member_ids))
            .collect::<Result<Vec<_>>>()?;
        items += regs.iter().map(|r| r.items.len()).sum::<usize>();
        rated += regs.iter().filter(|r| r.rating.is_some()).count();
        loaded += db
            .registrations()
            .bulk_load_registrations(actor, &regs)
            .await
            .context("nạp bản đăng ký mẫu")?
            .len();
        if last_report.elapsed().as_secs() >= 10 {
            println!(
                "… {loaded} bản đăng ký ({:.0} giây)",
                started.elapsed().as_secs_f64()
            );
            last_report = Instant::now();
        }
    }
    let ratings = producer.await.context("tạo bản đăng ký mẫu")?;
    let mut copied = 0;
    for year in demo::registrations::FIRST_YEAR..=demo::registrations::LAST_YEAR {
        copied += db
            .registrations()
            .finish_registration_copies(actor, year)
            .await
            .context("đánh dấu bản đăng ký sao chép")?
            .copied;
    }
    db.analyze()
        .await
        .context("cập nhật thống kê cơ sở dữ liệu")?;
    println!(
        "Đã nạp {loaded} bản đăng ký năm {}–{} ({items} nội dung, {rated} xếp loại, {copied} bản gần trùng nhau) ({:.1} giây).",
        demo::registrations::FIRST_YEAR,
        demo::registrations::LAST_YEAR,
        started.elapsed().as_secs_f64()
    );
    Ok(ratings)
}

/// A generated registration as a store input.
fn new_registration(
    r: demo::DemoRegistration,
    by_code: &HashMap<String, domain::Unit>,
    member_ids: &MemberIds,
) -> Result<NewRegistration> {
    let unit = by_code
        .get(&r.unit_code)
        .with_context(|| format!("thiếu đơn vị {}", r.unit_code))?;
    let member_id = member_ids
        .get(r.member_index)
        .with_context(|| format!("thiếu mã của đảng viên mẫu thứ {}", r.member_index))?;
    let rating = match r.rating {
        Some(x) => {
            let u = by_code
                .get(&x.unit_code)
                .with_context(|| format!("thiếu đơn vị {}", x.unit_code))?;
            Some(NewRating {
                unit_id: u.id,
                unit_path: u.path.clone(),
                suggested: x.suggested,
                rating: x.rating,
                reason: x.reason,
                proposed_by: x.proposed_by,
                rated_by: x.rated_by,
                rated_at: x.rated_at,
            })
        }
        None => None,
    };
    Ok(NewRegistration {
        member_id,
        year: r.year,
        unit_id: unit.id,
        unit_path: unit.path.clone(),
        status: r.status,
        return_comment: r.return_comment,
        created_by: r.created_by,
        created_at: r.created_at,
        first_submitted_at: r.first_submitted_at,
        submitted_at: r.submitted_at,
        approved_at: r.approved_at,
        approved_by: r.approved_by,
        published_at: r.published_at,
        // Only a pledge added after the registration was written (before 30/10/2016) gets a date.
        pledged_at: (r.pledged_at != r.created_at).then_some(r.pledged_at),
        items: r
            .items
            .into_iter()
            .map(|i| NewRegistrationItem {
                item: ItemInput {
                    kind: match i.kind {
                        demo::registrations::ItemKind::Commitment => ItemKind::Commitment,
                        demo::registrations::ItemKind::Exemplary => ItemKind::Exemplary,
                    },
                    content: i.content,
                    duty: i.duty,
                    target: i.target,
                    deadline: i.deadline,
                    evidence: i.evidence,
                },
                return_comment: i.return_comment,
                midyear: i.midyear.map(|m| (m.outcome, m.note)),
                yearend: i.yearend.map(|y| (y.outcome, y.note, y.evidence)),
                assessed: i.assessed.map(|a| (a.outcome, a.note)),
            })
            .collect(),
        events: r
            .events
            .into_iter()
            .map(|e| NewRegistrationEvent {
                action: e.action.to_string(),
                from: e.from,
                to: e.to,
                by: e.by,
                at: e.at,
                comment: e.comment,
            })
            .collect(),
        rating,
    })
}

fn new_topic(unit_ids: &[i64], t: demo::DemoTopic) -> Result<NewTopic> {
    Ok(NewTopic {
        unit_id: *unit_ids.get(t.unit as usize).context("thiếu chi bộ mẫu")?,
        year: t.year,
        month: t.month,
        topic: t.topic,
        thematic: t.thematic,
        set_at: t.set_at,
    })
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

#[cfg(test)]
mod tests {
    //! The city demo loaded into a fresh database: campaign rates, tallies against a recount, expected lists
    //! against `members_as_of`. On SQLite always; on PostgreSQL too when `LAMTHEO_TEST_DATABASE_URL` is set
    //! (a fresh database is created and dropped for the test).
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use chrono::NaiveDate;
    use domain::attendance::{MeetingKind, Tally};
    use domain::policy::Principal;
    use domain::Role;
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use store::MeetingFilter;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn att_plan_date() -> NaiveDate {
        demo::attendance::plan_date()
    }

    async fn check_city_demo(db: &Db) {
        load(db, demo::Scale::City, 2020, false).await.unwrap();
        let root = db
            .units()
            .unit_by_code_unscoped("TU-BT")
            .await
            .unwrap()
            .unwrap();
        let admin = Principal {
            user_id: 0,
            username: "kiểm thử".into(),
            role: Role::Admin,
            unit_id: root.id,
            unit_path: root.path.clone(),
            member_id: None,
        };
        // City-wide study attendance per year: above 98%, with some excused absences and make-ups.
        for year in demo::attendance::FIRST_YEAR..=demo::attendance::LAST_YEAR {
            let t = db
                .attendance()
                .summary_unscoped(
                    &root.path,
                    MeetingKind::Study,
                    d(year, 1, 1),
                    d(year, 12, 31),
                )
                .await
                .unwrap();
            let rate = t.rate().unwrap();
            assert!(rate > 0.98 && rate < 1.0, "{year}: {rate} {t:?}");
            assert!(
                t.excused > 0 && t.makeup > 0 && t.absent > 0,
                "{year}: {t:?}"
            );
            assert_eq!(t.unmarked(), 0);
            let c = db
                .attendance()
                .summary_unscoped(
                    &root.path,
                    MeetingKind::Cell,
                    d(year, 1, 1),
                    d(year, 12, 31),
                )
                .await
                .unwrap();
            let rate = c.rate().unwrap();
            assert!(rate > 0.94 && rate < 0.98, "cell {year}: {rate} {c:?}");
        }
        // Every study session: expected = members_as_of, tally = a recount of its marks, and the
        // per-unit counts add up to it.
        let study = db
            .attendance()
            .list_meetings(
                &admin,
                &MeetingFilter {
                    kind: Some(MeetingKind::Study),
                    unit_path: Some(root.path.clone()),
                    limit: 5000,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        // Two sessions a year, 2016–2020, in each of the 43 grassroots units.
        assert_eq!(study.len(), 43 * 10);
        let cells = db
            .attendance()
            .list_meetings(
                &admin,
                &MeetingFilter {
                    kind: Some(MeetingKind::Cell),
                    unit_path: Some(root.path.clone()),
                    from: Some(d(2018, 6, 1)),
                    to: Some(d(2018, 6, 30)),
                    limit: 5000,
                },
            )
            .await
            .unwrap();
        assert!(cells.len() > 150, "{}", cells.len());
        assert!(cells.iter().all(|m| m.thematic && m.quality.is_some()));
        for (k, m) in study.iter().chain(cells.iter().step_by(7)).enumerate() {
            let marks = db.attendance().meeting_marks(&admin, m.id).await.unwrap();
            let recount = Tally::of(marks.iter().map(|r| &r.status));
            let stored = db.attendance().meeting_unscoped(m.id).await.unwrap().tally;
            assert_eq!(stored, recount, "meeting {}", m.id);
            let expected: BTreeSet<i64> = db
                .members()
                .members_as_of(&m.unit_path, m.date)
                .await
                .unwrap()
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            let marked: BTreeSet<i64> = marks.iter().map(|r| r.member_id).collect();
            assert_eq!(expected, marked, "meeting {} on {}", m.id, m.date);
            let at = format!("{}T10:00:00.000Z", m.date);
            assert!(marks.iter().all(|r| r.marked_by.as_deref() == Some("demo")
                && r.marked_at.as_deref() == Some(at.as_str())));
            // attendance_counts: the sub-units' share of a session held above them adds up.
            if k % 10 == 0 && m.kind == MeetingKind::Study {
                let mut units: Vec<String> = marks.iter().map(|r| r.unit_path.clone()).collect();
                units.sort();
                units.dedup();
                let mut sum = Tally::default();
                for u in units.iter().filter(|u| **u != m.unit_path) {
                    sum.add(
                        &db.attendance()
                            .summary_unscoped(u, m.kind, m.date, m.date)
                            .await
                            .unwrap(),
                    );
                }
                let direct = Tally::of(
                    marks
                        .iter()
                        .filter(|r| r.unit_path == m.unit_path)
                        .map(|r| &r.status),
                );
                sum.add(&direct);
                // A unit holds at most one study session a day, so the shares are this session's.
                assert_eq!(sum, recount, "meeting {}", m.id);
            }
        }
        // Thematic sessions are linked to the year's theme of plan 43-KH/TU.
        let themes = db.campaign().themes_for(&root.path).await.unwrap();
        assert_eq!(themes.len(), 5);
        assert!(study
            .iter()
            .filter(|m| m.thematic)
            .all(|m| m.theme_id.is_some() && m.title.starts_with("Học tập chuyên đề")));
        // No session before the directive (15/05/2016); the 2016 theme is labelled the whole-term one.
        assert!(study.iter().all(|m| m.date > att_plan_date()));
        let t2016 = themes.iter().find(|t| t.year == 2016).unwrap();
        assert!(
            t2016.description.contains("toàn khóa"),
            "{}",
            t2016.description
        );
        let plan = db
            .campaign()
            .plan_for(&root.path, d(2017, 1, 1))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (plan.number.as_str(), plan.target_attendance),
            ("43-KH/TU", 950)
        );
        // Next month's topic is set for most, not all, of the cells.
        let (y, mth) = domain::attendance::next_topic_month(db.today());
        let board = db
            .campaign()
            .topic_board(&admin, &root.path, y, mth)
            .await
            .unwrap();
        let set = board.iter().filter(|t| t.topic.is_some()).count();
        assert!(
            set * 10 > board.len() * 5 && set < board.len(),
            "{set}/{}",
            board.len()
        );
        // One audit record per batch, not per mark.
        let (audit, _) = db
            .audit()
            .list_audit(
                &admin,
                &store::AuditFilter {
                    action: Some("demo".into()),
                    object_type: Some("attendance".into()),
                    per_page: 500,
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!audit.is_empty() && audit.len() < 10, "{}", audit.len());
        check_city_registrations(db, &admin, &root).await;
        inspections::tests::check_city_inspections(db, &admin, &root).await;
        crate::demo_load_recognition::tests::check_city_recognition(db, &admin, &root).await;
        crate::demo_load_reports::tests::check_city_report(db, &admin, &root).await;
    }

    /// The registrations of the city demo as a user sees them: everyone registered, shortcomings at
    /// the city's scale and unevenly spread, flags that the store's own rules give again, copy clusters
    /// in a few cells, heads late and the 20 % warning in some units, the member account's history.
    async fn check_city_registrations(db: &Db, admin: &Principal, root: &domain::Unit) {
        use domain::quality::Flag;
        use domain::registration::Status;
        use std::collections::{BTreeMap, HashMap, HashSet};
        let units = demo::units(demo::Scale::City, 2020);
        let plan = demo::RegistrationPlan::new(demo::Scale::City, 2020, &units);
        let last = demo::registrations::LAST_YEAR;
        for year in demo::registrations::FIRST_YEAR..=last {
            let (regs, total) = db
                .registrations()
                .registrations_in(admin, &root.path, year, None, 100_000)
                .await
                .unwrap();
            assert_eq!(regs.len(), total);
            // Every member active on the deadline (2016: 31/08, the city's calendar) registered, and
            // nobody else.
            let expected: BTreeSet<i64> = db
                .members()
                .members_as_of(&root.path, demo::registrations::Window::of(year).deadline)
                .await
                .unwrap()
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            let registered: BTreeSet<i64> = regs.iter().map(|r| r.member_id).collect();
            assert_eq!(registered.len(), regs.len(), "{year}: one per member");
            assert_eq!(expected, registered, "{year}");
            // Shortcomings: the share of generic items in range, and different between cells.
            let count = |r: &store::RegSummary, f: Flag| {
                r.flag_counts
                    .iter()
                    .find(|(x, _)| *x == f)
                    .map_or(0, |(_, n)| *n)
            };
            let items: i64 = regs.iter().map(|r| r.items).sum();
            let vague: i64 = regs.iter().map(|r| count(r, Flag::Vague)).sum();
            let share = vague as f64 / items as f64;
            assert!((0.08..=0.12).contains(&share), "{year}: vague {share}");
            let mut per_cell: HashMap<i64, (i64, i64)> = HashMap::new();
            for r in &regs {
                let e = per_cell.entry(r.unit_id).or_default();
                e.0 += r.items;
                e.1 += count(r, Flag::Vague);
            }
            let shares: Vec<f64> = per_cell
                .values()
                .filter(|(n, _)| *n >= 40)
                .map(|(n, v)| *v as f64 / *n as f64)
                .collect();
            let lo = shares.iter().copied().fold(1.0, f64::min);
            let hi = shares.iter().copied().fold(0.0, f64::max);
            assert!(hi - lo > 0.12, "{year}: vague share per cell {lo}–{hi}");
            // Statuses: all approved before the last year (2020); some waiting and returned in it.
            let by_status = |s: Status| regs.iter().filter(|r| r.status == s).count();
            let approved = by_status(Status::Approved) + by_status(Status::Published);
            if year < last {
                assert_eq!(approved, regs.len(), "{year}");
            } else {
                assert!(by_status(Status::Submitted) > 0 && by_status(Status::Returned) > 0);
                assert!(approved * 100 > regs.len() * 92);
            }
            assert!(by_status(Status::Published) > 0);
            // Ratings exist for reviewed registrations.
            assert!(regs.iter().filter(|r| r.rating.is_some()).count() * 100 > regs.len() * 90);
            // Copy clusters: a few, each inside one cell, and the same registrations carry the flag.
            let clusters = db
                .registrations()
                .copy_clusters(admin, &root.path, year)
                .await
                .unwrap();
            assert!(clusters.len() >= 3, "{year}: {}", clusters.len());
            assert!(clusters
                .iter()
                .all(|c| !c.cross_unit && (3..=6).contains(&c.registration_ids.len())));
            let in_clusters: BTreeSet<i64> = clusters
                .iter()
                .flat_map(|c| c.registration_ids.iter().copied())
                .collect();
            let flagged: BTreeSet<i64> = regs
                .iter()
                .filter(|r| count(r, Flag::Copied) > 0)
                .map(|r| r.id)
                .collect();
            assert_eq!(in_clusters, flagged, "{year}");
            let cells_with_copies: HashSet<i64> = regs
                .iter()
                .filter(|r| flagged.contains(&r.id))
                .map(|r| r.unit_id)
                .collect();
            assert!(cells_with_copies.len() * 8 < per_cell.len(), "{year}");
            // The unit report: heads late in a few cells, the 20 % warning in some grassroots units.
            let report = db
                .registrations()
                .registration_report(admin, root.id, year)
                .await
                .unwrap();
            assert_eq!(report.total.registered, report.total.members, "{year}");
            // Heads late: exactly the demo's planned exceptions (the cells' bí thư hold their posts from
            // the dates the demo gives them).
            let mut late: Vec<&str> = report
                .heads_late
                .iter()
                .map(|h| h.unit.code.as_str())
                .collect();
            late.sort_unstable();
            assert_eq!(late, plan.late_head_cells(year), "{year}");
            assert!(!late.is_empty(), "{year}");
            let grassroots: Vec<&store::RegUnitLine> =
                report.lines.iter().filter(|l| l.stats.rated > 0).collect();
            let warned = grassroots
                .iter()
                .filter(|l| l.excellent_warning.is_some())
                .count();
            assert!(
                warned >= 1 && warned * 4 < grassroots.len(),
                "{year}: {warned}/{}",
                grassroots.len()
            );
            println!(
                "{year}: {} registrations of {} members, vague {share:.3}, {} copy clusters, heads late in {} of {} cells, 20 % warning in {warned} of {} units",
                report.total.registered,
                report.total.members,
                clusters.len(),
                report.heads_late.len(),
                per_cell.len(),
                grassroots.len()
            );
            assert!(report.total.on_time < report.total.registered);
            assert!(report.total.on_time * 100 > report.total.registered * 95);
        }
        // The stored flags are the store's own verdict: for every registration of 2019, the flags that
        // `preview_flags` gives now (quality rules with the member's positions, and the copy check
        // against the others) equal the stored ones.
        let (regs, _) = db
            .registrations()
            .registrations_in(admin, &root.path, 2019, None, 100_000)
            .await
            .unwrap();
        let mut by_flag: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &regs {
            let full = db
                .registrations()
                .registration_unscoped(r.id)
                .await
                .unwrap();
            let items: Vec<ItemInput> = full.items.iter().map(ItemInput::from).collect();
            let now = db
                .registrations()
                .preview_flags(admin, r.member_id, 2019, &items)
                .await
                .unwrap();
            for (i, fresh) in full.items.iter().zip(&now) {
                assert_eq!(&i.flags, fresh, "registration {} item {}", r.id, i.position);
                for f in fresh {
                    *by_flag.entry(f.flag.as_str()).or_default() += 1;
                }
            }
            assert_eq!(full.pledges.len(), 27);
            assert_eq!(full.pledged_at, None, "pledged when written");
            let outcomes = full.outcomes();
            if full.items.iter().all(|i| i.assessed_outcome.is_some()) {
                assert_eq!(
                    r.suggested,
                    domain::registration::suggested_rating(&outcomes)
                );
            }
        }
        assert!(by_flag.len() == 5, "{by_flag:?}");
        // 2016 registrations were written before Nghị quyết Trung ương 4 khóa XII (30/10/2016): their pledge
        // is dated at the year-end review.
        let (regs_2016, _) = db
            .registrations()
            .registrations_in(admin, &root.path, 2016, None, 100_000)
            .await
            .unwrap();
        assert!(!regs_2016.is_empty());
        for r in regs_2016.iter().take(200) {
            let full = db
                .registrations()
                .registration_unscoped(r.id)
                .await
                .unwrap();
            let pledged = full.pledged_at.map(domain::registration::vn_date);
            assert!(
                pledged.is_some_and(
                    |d| (chrono::Datelike::year(&d), chrono::Datelike::month(&d)) == (2016, 12)
                ),
                "registration {}: {pledged:?}",
                r.id
            );
        }
        // The demo member account: approved registrations 2016–2020, none for the current year (the
        // browser journey writes it).
        let card = demo::accounts(demo::Scale::City, 2020, &units)
            .into_iter()
            .find(|a| a.username == "dangvien.p7")
            .and_then(|a| a.member_card)
            .unwrap();
        let me = db
            .members()
            .member_id_by_card(&card)
            .await
            .unwrap()
            .unwrap();
        for year in demo::registrations::FIRST_YEAR..=last {
            let r = db
                .registrations()
                .registration_of(admin, me, year)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(r.status, Status::Approved, "{year}");
            assert!(db
                .registrations()
                .member_rating(admin, me, year)
                .await
                .unwrap()
                .is_some());
            let (_, events) = db
                .registrations()
                .registration_history(admin, r.id)
                .await
                .unwrap();
            assert_eq!(events.first().map(|e| e.by.as_str()), Some("dangvien.p7"));
        }
        let this_year = chrono::Datelike::year(&db.today());
        assert!(db
            .registrations()
            .registration_of(admin, me, this_year)
            .await
            .unwrap()
            .is_none());
        // One audit record per loading call.
        let (audit, _) = db
            .audit()
            .list_audit(
                admin,
                &store::AuditFilter {
                    action: Some("demo".into()),
                    object_type: Some("registration".into()),
                    per_page: 500,
                    page: 1,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!audit.is_empty() && audit.len() < 10, "{}", audit.len());
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn city_demo_campaign_on_sqlite() {
        // A fresh SQLite file in a temporary directory, removed even when the test panics.
        let test_db = testkit::TestDb::sqlite();
        let db = Db::open(test_db.url(), Arc::new(domain::SystemClock))
            .await
            .unwrap();
        check_city_demo(&db).await;
        db.close().await;
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn city_demo_campaign_on_postgres() {
        // A fresh database `lt_test_<hex>`, dropped even when the test panics.
        let Some(test_db) = testkit::TestDb::postgres().await else {
            eprintln!("{} not set, PostgreSQL variant not run", testkit::PG_ENV);
            return;
        };
        let db = Db::open(test_db.url(), Arc::new(domain::SystemClock))
            .await
            .unwrap();
        check_city_demo(&db).await;
        db.close().await;
    }

    #[test]
    fn member_ids_by_stream_position() {
        let mut ids = MemberIds::default();
        ids.push(0, &[1, 2, 3]).unwrap();
        ids.push(3, &[4, 5]).unwrap();
        ids.push(5, &[10, 11]).unwrap();
        assert_eq!(ids.runs.len(), 2);
        assert_eq!(ids.get(0), Some(1));
        assert_eq!(ids.get(4), Some(5));
        assert_eq!(ids.get(6), Some(11));
        assert!(ids.push(7, &[20, 22]).is_err());
    }
}
