//! Loads the demo's period reports through the store's ordinary write paths (`Reports::create_round`,
//! `save_report`, `act`, `create_report`): the city's round "Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW" for
//! its party sub-units (period 21/06/2016–20/05/2020, due 10/05/2020) with the sub-units' reports in a
//! realistic mix — most accepted on time, a few late, one returned with a comment and not sent again, a
//! few still submitted and waiting, Phường 7's and one more still drafts — and the city's own report of the
//! same period (outside the round) with its header, left as a draft for the office to issue.
//!
//! Every step is written as the account that would take it (the city office opens and reviews; a ward's
//! secretary writes and submits) and dated in May 2020 through a clock fixed on that moment
//! (`Db::with_clock`), so "on time" and "late" come from the stored dates like any office's. Narratives
//! are drafted from templates with the unit's name; figures are never typed, they are computed from the
//! records. Scales without the city ("TU-BT") load nothing here.

use anyhow::{Context, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::policy::Principal;
use domain::report::{NarrativeSection, Narratives, ReportAction, ReportHeader};
use domain::{Role, UnitType};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;
use std::sync::Arc;
use store::{Actor, Db, RoundInput};

/// The city root of the demo.
pub(crate) const CITY: &str = "TU-BT";
/// The round's title, as the city office writes it.
pub(crate) const ROUND_TITLE: &str = "Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW";
/// The city's own report number.
pub(crate) const CITY_NUMBER: &str = "125-BC/TU";
/// Phường 7 (its secretary's account "bithu.p7" writes and submits it in the browser journey): a draft.
pub(crate) const DRAFT_UNTOUCHED: &str = "P7";
/// Half written, not submitted yet.
pub(crate) const DRAFT_STARTED: &str = "PN";
/// Submitted on time, waiting for the city's review.
pub(crate) const WAITING: &[&str] = &["P5", "BT-CA"];
/// Submitted after the due day and waiting.
pub(crate) const WAITING_LATE: &[&str] = &["MTA"];
/// Submitted on time, returned by the city with a comment, not sent again yet.
pub(crate) const RETURNED: &str = "PT";
/// Submitted after the due day, then accepted.
pub(crate) const LATE: &[&str] = &["P6", "NT", "BT-YT"];
/// The comment of the return.
pub(crate) const RETURN_COMMENT: &str = "Đề nghị bổ sung kết quả nhân rộng các mô hình \"Dân vận khéo\" của phường và làm rõ nguyên nhân của những hạn chế trong đăng ký làm theo; gửi lại trước ngày 15/05/2020.";

const SALT: u64 = 0x6261_6f63_616f;

/// The period, the due day and the city report's date.
pub(crate) fn period() -> (NaiveDate, NaiveDate) {
    demo::inspections::period()
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

pub(crate) fn due_on() -> NaiveDate {
    ymd(2020, 5, 10)
}

/// A clock stopped at one moment.
struct At(DateTime<Utc>);

impl domain::Clock for At {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// `day` at `hour`:`minute` in Asia/Ho_Chi_Minh (UTC+7).
fn local(day: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    let t = day.and_hms_opt(hour, minute, 0).unwrap_or_default();
    Utc.from_utc_datetime(&t) - Duration::hours(7)
}

/// The database as it was at `day` `hour`:`minute` local time.
fn on(db: &Db, day: NaiveDate, hour: u32, minute: u32) -> Db {
    db.with_clock(Arc::new(At(local(day, hour, minute))))
}

/// How a sub-unit's report went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    /// Nothing written.
    Untouched,
    /// Narrative begun, not submitted.
    Started,
    /// Submitted on `submit`; `review` = accepted on that day.
    Submitted {
        submit: NaiveDate,
        review: Option<NaiveDate>,
    },
    /// Submitted, then returned with `RETURN_COMMENT`.
    Returned {
        submit: NaiveDate,
        returned: NaiveDate,
    },
}

fn plan_of(code: &str, rng: &mut ChaCha8Rng) -> Plan {
    let due = due_on();
    if code == DRAFT_UNTOUCHED {
        return Plan::Untouched;
    }
    if code == DRAFT_STARTED {
        return Plan::Started;
    }
    if code == RETURNED {
        return Plan::Returned {
            submit: due - Duration::days(2),
            returned: due + Duration::days(1),
        };
    }
    if WAITING.contains(&code) {
        return Plan::Submitted {
            submit: due - Duration::days(rng.gen_range(0..2)),
            review: None,
        };
    }
    if WAITING_LATE.contains(&code) {
        return Plan::Submitted {
            submit: due + Duration::days(rng.gen_range(3..6)),
            review: None,
        };
    }
    if LATE.contains(&code) {
        let submit = due + Duration::days(rng.gen_range(1..5));
        return Plan::Submitted {
            submit,
            review: Some(submit + Duration::days(rng.gen_range(1..3))),
        };
    }
    // On time: during the ten days before the due day, reviewed within a few days.
    let submit = due - Duration::days(rng.gen_range(0..10));
    let review = (submit + Duration::days(rng.gen_range(1..4))).max(due - Duration::days(3));
    Plan::Submitted {
        submit,
        review: Some(review),
    }
}

/// The account an office or secretary works as; a sub-unit without a demo account gets its secretary's
/// principal (not a stored account, like the demo's system writes).
async fn account(db: &Db, username: &str) -> Result<Option<Principal>> {
    Ok(db
        .accounts()
        .account_by_username(username)
        .await?
        .map(|a| a.principal()))
}

fn actor_of(p: &Principal) -> Actor {
    Actor {
        user_id: (p.user_id > 0).then_some(p.user_id),
        username: p.username.clone(),
        source: "demo",
    }
}

/// The area of a unit's name after "Đảng bộ " or "Chi bộ " ("Phường 7", "xã Sơn Đông", "Văn phòng Thành
/// ủy").
fn area_of(name: &str) -> &str {
    name.strip_prefix("Đảng bộ ")
        .or_else(|| name.strip_prefix("Chi bộ "))
        .unwrap_or(name)
}

/// Who signs each unit's report: the holder of its secretary's post among the demo's members (for the
/// city, its standing deputy secretary), by unit code.
fn signers(scale: demo::Scale, units: &[demo::DemoUnit], seed: u64) -> HashMap<String, String> {
    let mut out = HashMap::new();
    // Five million members are too many to walk for a few names: the national demo's reports are
    // signed later by whoever issues them.
    if scale == demo::Scale::National {
        return out;
    }
    let mut wanted: HashMap<String, String> = HashMap::new();
    let mut cells: HashMap<&str, &str> = HashMap::new();
    for u in units {
        if u.code == CITY {
            wanted.insert(format!("Phó Bí thư Thường trực {}", u.name), u.code.clone());
        } else if u.parent_code.as_deref() == Some(CITY) {
            match u.unit_type {
                UnitType::GrassrootsCommittee | UnitType::PartialCommittee => {
                    wanted.insert(
                        format!("Bí thư Đảng ủy {}", area_of(&u.name)),
                        u.code.clone(),
                    );
                }
                UnitType::GrassrootsCell => {
                    cells.insert(u.code.as_str(), u.code.as_str());
                }
                _ => {}
            }
        }
    }
    for m in demo::members(scale, seed, units) {
        for title in &m.positions {
            if let Some(code) = wanted.get(title) {
                out.entry(code.clone())
                    .or_insert_with(|| m.full_name.clone());
            }
        }
        let Some(last) = m.memberships.last() else {
            continue;
        };
        if cells.contains_key(last.unit_code.as_str())
            && m.positions.iter().any(|t| t.starts_with("Bí thư Chi bộ"))
        {
            out.entry(last.unit_code.clone())
                .or_insert_with(|| m.full_name.clone());
        }
    }
    out
}

/// Loads the round and the city's report. Returns (reports in the round, the city report's id).
pub(crate) async fn load_reports(
    db: &Db,
    scale: demo::Scale,
    seed: u64,
    units: &[demo::DemoUnit],
) -> Result<Option<(usize, i64)>> {
    let Some(city) = units.iter().find(|u| u.code == CITY) else {
        return Ok(None);
    };
    let office = match account(db, "vanphong").await? {
        Some(p) => p,
        None => crate::demo_load_recognition::demo_principal(db).await?,
    };
    let office_actor = actor_of(&office);
    let (from, to) = period();
    let due = due_on();
    let signers = signers(scale, units, seed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ SALT);

    // The city office opens the round three weeks before the due day.
    let round = on(db, ymd(2020, 4, 20), 8, 30)
        .reports()
        .create_round(
            &office,
            &office_actor,
            &RoundInput {
                unit_code: city.code.clone(),
                title: ROUND_TITLE.into(),
                from: Some(from),
                to: Some(to),
                due_on: Some(due),
                note: "Các tổ chức cơ sở đảng trực thuộc báo cáo sơ kết 4 năm (từ ngày 21/06/2016 \
                       đến ngày 20/05/2020), gửi về Thành ủy qua Văn phòng Thành ủy."
                    .into(),
            },
        )
        .await
        .context("mở đợt báo cáo mẫu")?;
    let detail = db
        .reports()
        .round(&office, round)
        .await
        .context("đọc đợt báo cáo mẫu")?;
    let by_code: HashMap<&str, &demo::DemoUnit> =
        units.iter().map(|u| (u.code.as_str(), u)).collect();
    for sub in &detail.reports {
        let plan = plan_of(&sub.unit.code, &mut rng);
        if plan == Plan::Untouched {
            continue;
        }
        let writer = writer(db, &sub.unit.code).await?;
        let actor = actor_of(&writer);
        let name = by_code
            .get(sub.unit.code.as_str())
            .map_or(sub.unit.name.as_str(), |u| u.name.as_str());
        let written = match plan {
            Plan::Submitted { submit, .. } | Plan::Returned { submit, .. } => submit,
            _ => due - Duration::days(1),
        };
        let stored = db
            .reports()
            .report(&writer, sub.report_id)
            .await
            .with_context(|| format!("đọc báo cáo mẫu của {name}"))?;
        let mut header = stored.document.header.clone();
        let complete = !matches!(plan, Plan::Started);
        if complete {
            header.number = format!(
                "{}-BC/{}",
                rng.gen_range(18..96),
                domain::report::issuer_abbreviation(sub.unit.unit_type)
            );
            header.dated = Some(written);
        }
        if let Some(s) = signers.get(&sub.unit.code) {
            header.signer_name = s.clone();
        }
        if header.recipients.is_empty() {
            header.recipients = vec![
                "Thành ủy Bến Tre (qua Văn phòng Thành ủy)".into(),
                "Lưu".into(),
            ];
        }
        let narratives = sub_unit_narratives(name, sub.unit.unit_type, complete, &mut rng);
        on(db, written, 15, rng.gen_range(0..50))
            .reports()
            .save_report(&writer, &actor, sub.report_id, &header, &narratives)
            .await
            .with_context(|| format!("ghi báo cáo mẫu của {name}"))?;
        match plan {
            Plan::Submitted { submit, review } => {
                act(db, &writer, sub.report_id, ReportAction::Submit, submit, "").await?;
                if let Some(day) = review {
                    act(db, &office, sub.report_id, ReportAction::Accept, day, "").await?;
                }
            }
            Plan::Returned { submit, returned } => {
                act(db, &writer, sub.report_id, ReportAction::Submit, submit, "").await?;
                act(
                    db,
                    &office,
                    sub.report_id,
                    ReportAction::Return,
                    returned,
                    RETURN_COMMENT,
                )
                .await?;
            }
            Plan::Untouched | Plan::Started => {}
        }
    }

    // The city's own report, outside the round: written by the office, left for it to issue.
    let written = ymd(2020, 5, 18);
    let city_db = on(db, written, 8, 0);
    let id = city_db
        .reports()
        .create_report(&office, &office_actor, &city.code, from, to)
        .await
        .context("lập báo cáo mẫu của Thành ủy")?;
    let stored = city_db.reports().report(&office, id).await?;
    let header = ReportHeader {
        superior: "ĐẢNG BỘ TỈNH BẾN TRE".into(),
        issuer: "THÀNH ỦY BẾN TRE".into(),
        number: CITY_NUMBER.into(),
        place: "Bến Tre".into(),
        dated: Some(to),
        subject:
            "Sơ kết 4 năm thực hiện Chỉ thị 05-CT/TW của Bộ Chính trị về đẩy mạnh học tập và làm \
                  theo tư tưởng, đạo đức, phong cách Hồ Chí Minh"
                .into(),
        on_behalf: "T/M BAN THƯỜNG VỤ".into(),
        signer_title: "PHÓ BÍ THƯ THƯỜNG TRỰC".into(),
        signer_name: signers
            .get(CITY)
            .cloned()
            .unwrap_or(stored.document.header.signer_name),
        recipients: vec![
            "Ban Tuyên giáo Tỉnh ủy (để báo cáo)".into(),
            "Các đồng chí Thành ủy viên".into(),
            "Các tổ chức cơ sở đảng trực thuộc".into(),
            "Lưu Văn phòng Thành ủy".into(),
        ],
    };
    on(db, written, 16, 20)
        .reports()
        .save_report(&office, &office_actor, id, &header, &city_narratives())
        .await
        .context("ghi báo cáo mẫu của Thành ủy")?;
    Ok(Some((detail.reports.len(), id)))
}

/// One sign-off step at 09:xx or 14:xx on `day`.
async fn act(
    db: &Db,
    p: &Principal,
    id: i64,
    action: ReportAction,
    day: NaiveDate,
    comment: &str,
) -> Result<()> {
    let (hour, minute) = match action {
        ReportAction::Submit => (9, 15),
        _ => (14, 30),
    };
    on(db, day, hour, minute)
        .reports()
        .act(p, &actor_of(p), id, action, comment)
        .await
        .with_context(|| format!("bước {} của báo cáo mẫu {id}", action.as_str()))?;
    Ok(())
}

/// The writer of a sub-unit's report: the demo's secretary account of that unit, else its secretary's
/// principal.
async fn writer(db: &Db, code: &str) -> Result<Principal> {
    for username in ["bithu.p7", "bithu.sd"] {
        if let Some(p) = account(db, username).await? {
            let unit = db.units().unit_unscoped(p.unit_id).await?;
            if unit.is_some_and(|u| u.code == code) {
                return Ok(p);
            }
        }
    }
    let unit = db
        .units()
        .unit_by_code_unscoped(code)
        .await?
        .with_context(|| format!("thiếu đơn vị {code}"))?;
    Ok(Principal {
        user_id: 0,
        username: format!("bithu.{}", code.to_lowercase()),
        role: Role::Secretary,
        unit_id: unit.id,
        unit_path: unit.path,
        member_id: None,
    })
}

fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    options[rng.gen_range(0..options.len())]
}

/// A sub-unit's narrative from templates with its name; `complete` = every section (else the results
/// only, as a writer who has just begun).
fn sub_unit_narratives(
    name: &str,
    unit_type: UnitType,
    complete: bool,
    rng: &mut ChaCha8Rng,
) -> Narratives {
    let area = area_of(name);
    let committee = if matches!(
        unit_type,
        UnitType::GrassrootsCommittee | UnitType::PartialCommittee
    ) {
        "Đảng ủy"
    } else {
        "Chi bộ"
    };
    let local =
        if area.starts_with("xã ") || area.starts_with("phường ") || area.starts_with("Phường ")
        {
            format!("nhân dân {area}")
        } else {
            "cán bộ, công chức, người lao động trong cơ quan".to_string()
        };
    let mut n = Narratives::new();
    let results = [
        format!(
            "{committee} {area} đã quán triệt Chỉ thị 05-CT/TW và Kế hoạch 43-KH/TU của Thành ủy đến toàn \
             thể đảng viên; hằng năm tổ chức học tập chuyên đề đầy đủ, đưa nội dung làm theo vào sinh hoạt \
             chi bộ định kỳ. Đảng viên đăng ký làm theo gắn với chức trách, nhiệm vụ và được công khai \
             cho {local} theo dõi."
        ),
        format!(
            "Việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh ở {area} được cụ thể hóa \
             bằng kế hoạch hằng năm; các chi bộ sinh hoạt chuyên đề theo chủ đề của năm, nhiều đảng viên \
             đăng ký những việc làm cụ thể, thiết thực, được {local} ghi nhận."
        ),
        format!(
            "{committee} {area} chỉ đạo các chi bộ đưa việc học tập chuyên đề thành nội dung thường xuyên; \
             mỗi đảng viên đăng ký ít nhất một việc làm theo, cuối năm tự đánh giá và được chi bộ nhận xét \
             gắn với đánh giá, xếp loại đảng viên."
        ),
    ];
    n.insert(
        NarrativeSection::Results,
        results[rng.gen_range(0..results.len())].clone(),
    );
    if !complete {
        return n;
    }
    n.insert(
        NarrativeSection::Strengths,
        pick(
            rng,
            &[
                "Cấp ủy quan tâm lãnh đạo, người đứng đầu gương mẫu đăng ký trước; việc làm theo gắn với \
                 nhiệm vụ chính trị của đơn vị, tạo chuyển biến rõ trong tác phong, lề lối làm việc.",
                "Nhận thức của cán bộ, đảng viên về ý nghĩa của việc học tập và làm theo được nâng lên; \
                 nhiều cách làm hay được nhân dân hưởng ứng và nhân rộng.",
                "Sinh hoạt chi bộ có nội dung chuyên đề thiết thực; việc công khai đăng ký làm theo giúp \
                 nhân dân giám sát, đóng góp ý kiến.",
            ],
        )
        .to_string(),
    );
    n.insert(
        NarrativeSection::Limitations,
        pick(
            rng,
            &[
                "Một số đảng viên đăng ký còn chung chung, chưa gắn với chức trách, nhiệm vụ; việc tự đánh \
                 giá kết quả cuối năm ở vài chi bộ còn hình thức.",
                "Tỷ lệ tham dự học tập chuyên đề ở một vài chi bộ chưa đạt chỉ tiêu; việc nhân rộng mô hình \
                 còn chậm.",
                "Một số ý kiến phản ánh của nhân dân chưa được trả lời kịp thời; việc sơ kết, biểu dương điển \
                 hình có lúc chưa thường xuyên.",
            ],
        )
        .to_string(),
    );
    n.insert(
        NarrativeSection::Causes,
        pick(
            rng,
            &[
                "Một bộ phận đảng viên lớn tuổi, sức khỏe hạn chế; một số cấp ủy viên kiêm nhiệm nhiều việc, \
                 chưa dành nhiều thời gian kiểm tra, đôn đốc.",
                "Công tác kiểm tra, giám sát việc thực hiện đăng ký làm theo có lúc chưa chặt chẽ; một số \
                 chi bộ chưa chủ động xây dựng mô hình.",
            ],
        )
        .to_string(),
    );
    n.insert(
        NarrativeSection::Directions,
        format!(
            "Tiếp tục quán triệt Chỉ thị 05-CT/TW; nâng chất lượng sinh hoạt chi bộ chuyên đề; chỉ đạo \
             đảng viên đăng ký làm theo cụ thể, gắn với chức trách; nhân rộng các mô hình, cách làm hay \
             ở {area}; biểu dương kịp thời tập thể, cá nhân điển hình."
        ),
    );
    n
}

/// The city's narrative: the seed report's words, without its figures (the figures are computed).
fn city_narratives() -> Narratives {
    let mut n = Narratives::new();
    n.insert(
        NarrativeSection::Results,
        "Ban Thường vụ Thành ủy ban hành Kế hoạch 43-KH/TU ngày 21/06/2016 thực hiện Chỉ thị 05-CT/TW; \
         hằng năm chỉ đạo học tập chuyên đề, đưa việc làm theo vào sinh hoạt chi bộ và đăng ký làm theo \
         của đảng viên. Nhiều mô hình, cách làm hay được nhân dân hưởng ứng: \"Dân vận khéo\" xây dựng nhà \
         tiêu hợp vệ sinh của Ủy ban MTTQ xã Sơn Đông, làm đường giao thông nông thôn của Chi bộ ấp Bình \
         Thạnh (xã Bình Phú), mô hình \"5 + 1\" của Hội Cựu chiến binh các xã, phường, heo đất tiết kiệm \
         và tổ hùn vốn của Phường 7, hiến đất mở rộng hẻm ở Khu phố 2 Phường 4, chức sắc tôn giáo tham gia \
         an sinh xã hội của Khối vận Phường 7, camera an ninh ở Khu phố 1 Phường 8. Thành phố được công \
         nhận đô thị loại II; các xã đạt chuẩn nông thôn mới; đạt các tiêu chí thành phố văn minh đô thị."
            .into(),
    );
    n.insert(
        NarrativeSection::Strengths,
        "Các cấp ủy quan tâm lãnh đạo; người đứng đầu nêu gương; việc học tập và làm theo gắn với nhiệm vụ \
         chính trị của địa phương, đơn vị và với xây dựng đô thị văn minh."
            .into(),
    );
    n.insert(
        NarrativeSection::Directions,
        "Tiếp tục thực hiện Chỉ thị 05-CT/TW gắn với Nghị quyết Trung ương 4 khóa XII; nâng chất lượng \
         đăng ký làm theo; nhân rộng các mô hình \"Dân vận khéo\"; chuẩn bị tổng kết vào năm 2021."
            .into(),
    );
    n
}

#[cfg(test)]
pub(crate) mod tests {
    //! The city demo's period report on 21/06/2016–20/05/2020 against the seed report's figures (from
    //! the store's `PeriodReport`, every figure computed from records), and the demo round's mix.
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use domain::inspection::CaseKind;
    use domain::report::ReportStatus;

    pub(crate) async fn check_city_report(db: &Db, admin: &Principal, root: &domain::Unit) {
        let (from, to) = period();
        assert_eq!((from, to), (ymd(2016, 6, 21), ymd(2020, 5, 20)));
        let r = db
            .reports()
            .period_report(admin, root.id, from, to)
            .await
            .unwrap();
        // Study attendance: above 98 % over the period, and in each of 2016–2019.
        let rate = r.study.total.rate().unwrap();
        assert!(rate > 0.98, "{rate} {:?}", r.study.total);
        for y in r.study.years.iter().filter(|y| y.year <= 2019) {
            let rate = y.tally.rate().unwrap();
            assert!(rate > 0.98, "{}: {rate} {:?}", y.year, y.tally);
        }
        assert_eq!(
            r.study.years.iter().map(|y| y.year).collect::<Vec<_>>(),
            vec![2016, 2017, 2018, 2019, 2020]
        );
        // Plan 43-KH/TU of 21/06/2016.
        assert!(
            r.campaign
                .documents
                .iter()
                .any(|d| d.number == "43-KH/TU" && d.issued_on == ymd(2016, 6, 21)),
            "{:?}",
            r.campaign.documents
        );
        // Inspection and supervision, lượt (the demo's inspection summary test counts the same way).
        let i = r.inspection.as_ref().expect("admin reads inspections");
        for (kind, units, members) in demo::inspections::REPORT_FIGURES {
            let k = i.by_kind[&kind];
            assert_eq!((k.units, k.members), (units, members), "{kind:?}: {k:?}");
        }
        assert_eq!(
            (
                i.by_kind[&CaseKind::Inspection].units,
                i.by_kind[&CaseKind::Inspection].members
            ),
            (206, 3_520)
        );
        // The seven models of the seed, each with its owner unit.
        let units = demo::units(demo::Scale::City, 2020);
        let seed: Vec<_> = demo::models::models(&units)
            .into_iter()
            .filter(|m| m.from_seed)
            .collect();
        assert_eq!(seed.len(), 7);
        for m in &seed {
            assert!(
                r.models
                    .lines
                    .iter()
                    .any(|l| l.name == m.name && l.unit_code == m.owner_code && l.commended),
                "{} ({})",
                m.name,
                m.owner_code
            );
        }
        // Criteria: 35/35 of the civilised city, every commune new-rural, urban class II.
        let vmdt = r
            .criteria
            .sets
            .iter()
            .find(|s| s.set_code == "VMDT-BT")
            .unwrap();
        assert_eq!(
            (vmdt.criteria, vmdt.met_of_single),
            (35, Some(35)),
            "{vmdt:?}"
        );
        let ntm = r
            .criteria
            .sets
            .iter()
            .find(|s| s.set_code == "NTM-2016")
            .unwrap();
        assert_eq!(ntm.units, 6, "{ntm:?}");
        assert_eq!(
            (ntm.all_met, ntm.recognised),
            (ntm.units, ntm.units),
            "{ntm:?}"
        );
        assert!(
            r.criteria
                .classifications
                .iter()
                .any(|c| c.class.contains("loại II") && c.decided_on <= to),
            "{:?}",
            r.criteria.classifications
        );
        let seed_models: Vec<(&str, &str)> = seed.iter().map(|m| (m.name, m.owner_code)).collect();
        check_city_report_json(&r, &seed_models);
        check_round(db, admin, root).await;
    }

    /// The seed's figures read from the report's JSON, as `GET /api/v1/reports/period` and
    /// `lamtheo report --format json` give it.
    fn check_city_report_json(r: &domain::report::PeriodReport, seed_models: &[(&str, &str)]) {
        let j = web::api::reports::period_json(r);
        let rate = j["study"]["total"]["rate"].as_f64().unwrap();
        assert!(rate > 0.98, "study rate {rate}");
        for (kind, units, members) in [
            ("inspection", 206, 3_520),
            ("thematic_supervision", 182, 1_034),
            ("regular_supervision", 171, 1_257),
            ("violation_inspection", 1, 65),
        ] {
            let k = &j["inspection"]["by_kind"][kind];
            assert_eq!(
                (k["units"].as_i64(), k["members"].as_i64()),
                (Some(units), Some(members)),
                "{kind}: {k}"
            );
        }
        let sets = j["criteria"]["sets"].as_array().unwrap();
        let set = |code: &str| {
            sets.iter()
                .find(|s| s["set_code"] == code)
                .unwrap_or_else(|| panic!("{code} in the JSON"))
        };
        assert_eq!(set("VMDT-BT")["criteria"].as_i64(), Some(35));
        assert_eq!(set("VMDT-BT")["met_of_single"].as_i64(), Some(35));
        let ntm = set("NTM-2016");
        assert!(ntm["units"].as_i64().unwrap() > 0);
        assert_eq!(ntm["all_met"], ntm["units"]);
        assert_eq!(ntm["recognised"], ntm["units"]);
        assert!(j["criteria"]["classifications"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["class"] == "loại II"));
        let models = j["models"]["lines"].as_array().unwrap();
        for (name, unit) in seed_models {
            assert!(
                models.iter().any(|m| m["name"] == *name
                    && m["unit_code"] == *unit
                    && m["commended"] == true),
                "{name} ({unit}) in the JSON"
            );
        }
    }

    /// The demo round: expected reports, the mix of states, dates on time and late, the city's draft.
    async fn check_round(db: &Db, admin: &Principal, root: &domain::Unit) {
        let rounds = db.reports().rounds(admin).await.unwrap();
        let round = rounds.iter().find(|r| r.title == ROUND_TITLE).unwrap();
        assert_eq!(round.unit.id, root.id);
        assert_eq!((round.from, round.to), period());
        assert_eq!(round.due_on, due_on());
        let detail = db.reports().round(admin, round.id).await.unwrap();
        let status = |code: &str| {
            detail
                .reports
                .iter()
                .find(|r| r.unit.code == code)
                .unwrap_or_else(|| panic!("{code} in the round"))
        };
        assert!(detail.reports.len() >= 14 + 20, "{}", detail.reports.len());
        assert_eq!(status(DRAFT_UNTOUCHED).status, ReportStatus::Draft);
        assert_eq!(status(DRAFT_STARTED).status, ReportStatus::Draft);
        let returned = status(RETURNED);
        assert_eq!(
            (returned.status, returned.returns, returned.on_time),
            (ReportStatus::Returned, 1, Some(true))
        );
        for code in WAITING {
            let s = status(code);
            assert_eq!((s.status, s.on_time), (ReportStatus::Submitted, Some(true)));
        }
        for code in WAITING_LATE {
            let s = status(code);
            assert_eq!(
                (s.status, s.on_time),
                (ReportStatus::Submitted, Some(false))
            );
        }
        for code in LATE {
            let s = status(code);
            assert_eq!((s.status, s.on_time), (ReportStatus::Accepted, Some(false)));
        }
        let c = round.completeness;
        assert_eq!(c.expected, detail.reports.len() as i64);
        assert_eq!((c.missing, c.returned), (2, 1), "{c:?}");
        assert_eq!(c.late, (LATE.len() + WAITING_LATE.len()) as i64, "{c:?}");
        assert_eq!(
            c.accepted,
            c.expected - 2 - 1 - (WAITING.len() + WAITING_LATE.len()) as i64,
            "{c:?}"
        );
        assert!(c.accepted * 10 > c.expected * 7, "{c:?}");
        // An accepted report keeps the figures it was accepted with, dated in 2020, and its narrative.
        let accepted = detail
            .reports
            .iter()
            .find(|r| r.status == ReportStatus::Accepted)
            .unwrap();
        let stored = db
            .reports()
            .report(admin, accepted.report_id)
            .await
            .unwrap();
        assert!(stored
            .frozen_at
            .is_some_and(|t| t < local(ymd(2020, 5, 20), 0, 0)));
        assert!(stored
            .document
            .narratives
            .get(&NarrativeSection::Results)
            .is_some_and(|t| t.contains(area_of(&accepted.unit.name))));
        assert!(stored.document.header.number.contains("-BC/"));
        // Phường 7's draft is untouched: its secretary writes it in the browser journey.
        let p7 = db
            .reports()
            .report(admin, status(DRAFT_UNTOUCHED).report_id)
            .await
            .unwrap();
        assert!(p7.document.narratives.values().all(|t| t.is_empty()));
        // The city's own report: outside the round, a draft with its header.
        let list = db
            .reports()
            .list_reports(admin, Some(&root.code))
            .await
            .unwrap();
        let city = list
            .iter()
            .find(|r| r.unit.id == root.id && r.round_id.is_none())
            .unwrap();
        assert_eq!(
            (city.status, city.number.as_str()),
            (ReportStatus::Draft, CITY_NUMBER)
        );
        let city = db.reports().report(admin, city.id).await.unwrap();
        let h = &city.document.header;
        assert_eq!(h.dated, Some(ymd(2020, 5, 20)));
        assert_eq!(
            (
                h.on_behalf.as_str(),
                h.signer_title.as_str(),
                h.place.as_str()
            ),
            ("T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ THƯỜNG TRỰC", "Bến Tre")
        );
        assert!(!h.signer_name.is_empty());
    }
}
