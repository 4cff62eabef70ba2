//! The shared rendering of a period report's figures (`domain::report::PeriodReport`): every section as
//! rows of formatted figures, each figure a link to the records it counts (the existing list pages with
//! their filters), the sub-unit table sortable by any column, and the charts. The live page
//! (`/bao-cao`) and the pages of stored reports both build a `FiguresView` and include the template
//! partial `report_figures.html`, which reads it from a template field named `fig`.

use crate::charts::{self, HChart, VChart};
use crate::labels;
use crate::respond::query_string;
use crate::view::{date, num};
use chrono::{Datelike, NaiveDate};
use domain::attendance::Tally;
use domain::registration::RegStats;
use domain::report::{PeriodReport, SubUnitRow};
use domain::text::{fold, format_percent};
use std::cmp::Ordering;

/// A figure and the list it counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fig {
    pub text: String,
    pub href: String,
}

fn fig(text: impl Into<String>, href: impl Into<String>) -> Fig {
    Fig {
        text: text.into(),
        href: href.into(),
    }
}

fn pct(r: Option<f64>) -> String {
    r.map(|r| format_percent(r.clamp(0.0, 1.0)))
        .unwrap_or_else(|| "—".to_string())
}

fn share(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Attended without make-up (có mặt, đi muộn) over expected.
fn rate_without_makeup(t: &Tally) -> Option<f64> {
    share(t.present + t.late, t.expected)
}

/// The part of the period inside a calendar year.
fn year_part(from: NaiveDate, to: NaiveDate, year: i32) -> (NaiveDate, NaiveDate) {
    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(from);
    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(to);
    (from.max(first), to.min(last))
}

/// The order of the sub-unit table (`?sap-xep=column&chieu=tang|giam`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SortSpec {
    /// A column key of `COLUMNS`; empty: tree order.
    pub column: String,
    pub descending: bool,
}

impl SortSpec {
    /// Reads the query values; an unknown column is tree order.
    pub fn parse(column: &str, direction: &str) -> SortSpec {
        let column = column.trim();
        if !COLUMNS.iter().any(|(k, _)| *k == column) {
            return SortSpec::default();
        }
        SortSpec {
            column: column.to_string(),
            descending: direction.trim() == "giam",
        }
    }
}

/// The sortable columns of the sub-unit table: (query key, heading).
pub const COLUMNS: [(&str, &str); 12] = [
    ("don-vi", "Đơn vị"),
    ("dang-vien", "Đảng viên"),
    ("hoc-tap", "Tỷ lệ học tập"),
    ("sinh-hoat", "Buổi sinh hoạt chi bộ"),
    ("ty-le-sinh-hoat", "Tỷ lệ dự sinh hoạt"),
    ("dang-ky", "Đã đăng ký / phải đăng ký"),
    ("cu-the", "% nội dung cụ thể"),
    ("mo-hinh", "Mô hình"),
    ("khen-thuong", "Khen thưởng"),
    ("kiem-tra", "Kiểm tra, giám sát (tổ chức / đảng viên)"),
    ("phan-anh", "Phản ánh nhận"),
    ("chua-tra-loi", "Phản ánh chưa trả lời"),
];

#[derive(Debug, Clone, PartialEq, PartialOrd)]
enum Key {
    Num(f64),
    Text(String),
}

fn sort_key(r: &SubUnitRow, column: &str) -> Key {
    let rate = |x: Option<f64>| Key::Num(x.unwrap_or(-1.0));
    let n = |x: i64| Key::Num(x as f64);
    match column {
        "dang-vien" => n(r.members),
        "hoc-tap" => rate(r.study.rate()),
        "sinh-hoat" => n(r.cell_meetings),
        "ty-le-sinh-hoat" => rate(r.cell_tally.rate()),
        "dang-ky" => rate(r.registrations.registered_share()),
        "cu-the" => rate(r.registrations.specific_share()),
        "mo-hinh" => n(r.models),
        "khen-thuong" => n(r.commendations),
        "kiem-tra" => n(r.inspection.map(|(u, m)| (u + m) as i64).unwrap_or(-1)),
        "phan-anh" => n(r.feedback_received),
        "chua-tra-loi" => n(r.feedback_unanswered),
        _ => Key::Text(fold(&r.unit.name)),
    }
}

/// The sub-unit rows in the asked order (stable: ties keep tree order).
pub fn sorted_rows<'a>(rows: &'a [SubUnitRow], sort: &SortSpec) -> Vec<&'a SubUnitRow> {
    let mut out: Vec<&SubUnitRow> = rows.iter().collect();
    if sort.column.is_empty() {
        return out;
    }
    out.sort_by(|a, b| {
        let o = sort_key(a, &sort.column)
            .partial_cmp(&sort_key(b, &sort.column))
            .unwrap_or(Ordering::Equal);
        if sort.descending {
            o.reverse()
        } else {
            o
        }
    });
    out
}

// ------------------------------------------------------------------------------------------------
// The view
// ------------------------------------------------------------------------------------------------

pub struct DocLine {
    pub kind: &'static str,
    pub number: String,
    pub title: String,
    pub issued_on: String,
    pub issuer: String,
    pub href: String,
}

pub struct ThemeLine {
    pub year: i32,
    pub title: String,
    pub unit_name: String,
    pub href: String,
}

pub struct StudyLine {
    pub label: String,
    pub sessions: Fig,
    pub expected: Fig,
    pub present: Fig,
    pub makeup: Fig,
    pub rate: Fig,
    pub rate_all: Fig,
    pub below: bool,
}

pub struct RegLine {
    pub year: i32,
    pub members: Fig,
    pub registered: Fig,
    pub on_time: Fig,
    pub specific: Fig,
    pub tied: Fig,
    pub copied: Fig,
    pub done: Fig,
    pub self_reviews: Fig,
    pub excellent: Fig,
    pub good: Fig,
    pub completed: Fig,
    pub not_completed: Fig,
    pub heads_late: Fig,
}

pub struct LabelFig {
    pub label: String,
    pub value: Fig,
}

pub struct ModelRow {
    pub name: String,
    pub href: String,
    pub field: String,
    pub unit_name: String,
    pub replications: String,
    pub commended: bool,
}

pub struct InspLine {
    pub kind: &'static str,
    pub cases: Fig,
    pub units: Fig,
    pub distinct_units: Fig,
    pub members: Fig,
    pub distinct_members: Fig,
}

pub struct CommLine {
    pub label: &'static str,
    pub decisions: Fig,
    pub members: Fig,
    pub units: Fig,
}

pub struct CritLine {
    pub name: String,
    pub progress: Fig,
    pub recognised: Fig,
}

pub struct ClassLine {
    pub unit_name: String,
    pub scheme: String,
    pub class: String,
    pub decided_on: String,
}

pub struct Header {
    pub label: &'static str,
    pub href: String,
    /// `aria-sort` value: "ascending", "descending" or "none".
    pub aria: &'static str,
    pub arrow: &'static str,
}

pub struct SubRow {
    pub name: String,
    pub href: String,
    pub cells: Vec<Fig>,
    pub below_target: bool,
}

/// Everything `report_figures.html` draws.
pub struct FiguresView {
    pub unit_name: String,
    pub period: String,
    pub computed: String,
    pub docs: Vec<DocLine>,
    pub themes: Vec<ThemeLine>,
    pub plans_href: String,
    pub study: Vec<StudyLine>,
    pub study_total: StudyLine,
    pub target: Fig,
    pub attendance_chart: VChart,
    pub cells: Vec<LabelFig>,
    pub regs: Vec<RegLine>,
    pub quality_chart: VChart,
    pub disclosure: Vec<LabelFig>,
    pub models_total: Fig,
    pub models_replicated: Fig,
    pub models_commended: Fig,
    pub models_by_field: Vec<LabelFig>,
    pub model_rows: Vec<ModelRow>,
    pub models_chart: HChart,
    /// `None`: the reader may not see inspections (the section is left out).
    pub inspection: Option<Vec<InspLine>>,
    pub inspection_chart: HChart,
    pub discipline: Option<Vec<LabelFig>>,
    pub comm_total: CommLine,
    pub comm_by_kind: Vec<CommLine>,
    pub comm_by_level: Vec<CommLine>,
    pub comm_pending: Fig,
    pub criteria: Vec<CritLine>,
    pub classifications: Vec<ClassLine>,
    pub classifications_href: String,
    pub criteria_chart: HChart,
    pub limitations: Vec<String>,
    pub sub_headers: Vec<Header>,
    pub sub_rows: Vec<SubRow>,
    pub below_count: usize,
}

/// The live report of `code` for a period (what the sub-unit table links to).
pub fn live_href(code: &str, from: NaiveDate, to: NaiveDate) -> String {
    format!(
        "/bao-cao{}",
        query_string(&[
            ("don-vi", code),
            ("tu", &date(Some(from))),
            ("den", &date(Some(to))),
        ])
    )
}

fn with_query(base: &str, extra: &str) -> String {
    if base.contains('?') {
        format!("{base}&{extra}")
    } else {
        format!("{base}?{extra}")
    }
}

impl FiguresView {
    /// The view of `r`. `sort_base` is the address of the page showing it without its sort parameters
    /// (the sort links of the sub-unit table add `sap-xep` and `chieu` to it).
    pub fn new(r: &PeriodReport, sort_base: &str, sort: &SortSpec) -> FiguresView {
        let u = &r.unit;
        let uid = u.id.to_string();
        let (from, to) = (r.from, r.to);
        let dd = |d: NaiveDate| date(Some(d));
        let rates_href = |f: NaiveDate, t: NaiveDate, kind: &str| {
            format!(
                "/chuyen-can{}",
                query_string(&[
                    ("don_vi", uid.as_str()),
                    ("tu", &dd(f)),
                    ("den", &dd(t)),
                    ("loai", kind),
                ])
            )
        };
        let last_year = to.year();
        let plans_href = format!(
            "/ke-hoach{}",
            query_string(&[("don-vi", u.code.as_str()), ("nam", &last_year.to_string())])
        );

        // Triển khai.
        let docs = r
            .campaign
            .documents
            .iter()
            .map(|d| DocLine {
                kind: if d.kind == "directive" {
                    "Chỉ thị"
                } else {
                    "Kế hoạch"
                },
                number: d.number.clone(),
                title: d.title.clone(),
                issued_on: dd(d.issued_on),
                issuer: d.issuer.clone(),
                href: plans_href.clone(),
            })
            .collect();
        let themes = r
            .campaign
            .themes
            .iter()
            .map(|t| ThemeLine {
                year: t.year,
                title: t.title.clone(),
                unit_name: t.unit_name.clone(),
                href: format!(
                    "/ke-hoach{}",
                    query_string(&[("don-vi", u.code.as_str()), ("nam", &t.year.to_string())])
                ),
            })
            .collect();

        // Học tập chuyên đề.
        let target = r.study.target_permille;
        let study_line = |label: String, sessions: i64, t: &Tally, f, tt, sessions_href: String| {
            let h = rates_href(f, tt, "study");
            StudyLine {
                label,
                sessions: fig(num(sessions), sessions_href),
                expected: fig(num(t.expected), h.clone()),
                present: fig(num(t.present + t.late), h.clone()),
                makeup: fig(num(t.makeup), h.clone()),
                rate: fig(pct(rate_without_makeup(t)), h.clone()),
                rate_all: fig(pct(t.rate()), h),
                below: t.below_target(target),
            }
        };
        let study = r
            .study
            .years
            .iter()
            .map(|y| {
                let (f, t) = year_part(from, to, y.year);
                study_line(
                    format!("Năm {}", y.year),
                    y.sessions,
                    &y.tally,
                    f,
                    t,
                    format!("/hoc-tap?don_vi={uid}&nam={}", y.year),
                )
            })
            .collect();
        let study_total = study_line(
            "Cả kỳ".to_string(),
            r.study.sessions,
            &r.study.total,
            from,
            to,
            rates_href(from, to, "study"),
        );
        let attendance_chart = charts::attendance(
            &r.study
                .years
                .iter()
                .map(|y| (y.year, y.tally.rate()))
                .collect::<Vec<_>>(),
            target,
        );

        // Sinh hoạt chi bộ.
        let c = &r.cell_meetings;
        let cell_href = rates_href(from, to, "cell");
        let register_href = format!("/sinh-hoat?don_vi={uid}&nam={last_year}");
        let cells = vec![
            lf("Buổi sinh hoạt đã tổ chức", num(c.held), &cell_href),
            lf(
                "Trong đó sinh hoạt chuyên đề",
                num(c.thematic),
                &register_href,
            ),
            lf("Lượt phải dự", num(c.tally.expected), &cell_href),
            lf("Lượt dự", num(c.tally.attended()), &cell_href),
            lf("Tỷ lệ dự sinh hoạt", pct(c.tally.rate()), &cell_href),
            lf(
                "Chủ đề hằng tháng phải định",
                num(c.topics_due),
                &register_href,
            ),
            lf(
                "Chủ đề định đúng hạn",
                num(c.topics_on_time),
                &register_href,
            ),
        ];

        // Đăng ký làm theo.
        let regs = r
            .registrations
            .years
            .iter()
            .map(|y| {
                let s: &RegStats = &y.stats;
                let h = format!("/dang-ky/bao-cao?don-vi={uid}&nam={}", y.year);
                let list = format!("{h}&danh-sach=1");
                let clusters = format!("/dang-ky/trung-lap?don-vi={uid}&nam={}", y.year);
                RegLine {
                    year: y.year,
                    members: fig(num(s.members), h.clone()),
                    registered: fig(num(s.registered), list.clone()),
                    on_time: fig(num(s.on_time), list.clone()),
                    specific: fig(pct(s.specific_share()), list.clone()),
                    tied: fig(pct(s.tied_share()), list.clone()),
                    copied: fig(pct(s.copied_share()), clusters),
                    done: fig(pct(s.done_share()), list.clone()),
                    self_reviews: fig(num(y.self_reviews), list.clone()),
                    excellent: fig(num(s.excellent), h.clone()),
                    good: fig(num(s.good), h.clone()),
                    completed: fig(num(s.completed), h.clone()),
                    not_completed: fig(num(s.not_completed), h.clone()),
                    heads_late: fig(
                        format!("{}/{}", num(y.heads_late), num(y.heads_registered)),
                        h,
                    ),
                }
            })
            .collect();
        let quality_chart = charts::registration_quality(
            &r.registrations
                .years
                .iter()
                .map(|y| {
                    (
                        y.year,
                        [
                            y.stats.specific_share(),
                            y.stats.tied_share(),
                            y.stats.copied_share(),
                        ],
                    )
                })
                .collect::<Vec<_>>(),
        );

        // Công khai và giám sát của nhân dân.
        let d = &r.disclosure;
        let reg_report = format!("/dang-ky/bao-cao?don-vi={uid}&nam={last_year}");
        let disclosure = vec![
            lf(
                "Bản đăng ký đã công khai",
                num(d.published_registrations),
                &format!("{reg_report}&danh-sach=1"),
            ),
            lf(
                "Bản tin phát thanh",
                num(d.bulletins),
                &format!("/ban-tin/{}", seg(&u.code)),
            ),
            lf(
                "Phản ánh của nhân dân đã nhận",
                num(d.feedback_received),
                "/phan-anh?xem=tat-ca",
            ),
            lf(
                "Đã trả lời",
                num(d.feedback_answered),
                "/phan-anh?xem=da-tra-loi",
            ),
            lf(
                "Quá hạn chưa trả lời",
                num(d.feedback_overdue),
                "/phan-anh?xem=qua-han",
            ),
            lf(
                "Thời gian trả lời trung bình (ngày)",
                d.mean_response_days
                    .map(|x| domain::text::format_decimal(x, 1))
                    .unwrap_or_else(|| "—".into()),
                "/phan-anh?xem=da-tra-loi",
            ),
            lf(
                "Nội dung được nhân dân xác nhận hoàn thành",
                num(d.citizen_confirmations),
                &format!("{reg_report}&danh-sach=1"),
            ),
        ];

        // Mô hình.
        let m = &r.models;
        let models_href = format!("/mo-hinh{}", query_string(&[("don-vi", u.code.as_str())]));
        let models_by_field = m
            .by_field
            .iter()
            .map(|(field, n)| LabelFig {
                label: field.clone(),
                value: fig(
                    num(*n),
                    format!(
                        "/mo-hinh{}",
                        query_string(&[("don-vi", u.code.as_str()), ("linh-vuc", field)])
                    ),
                ),
            })
            .collect();
        let model_rows = m
            .lines
            .iter()
            .map(|l| ModelRow {
                name: l.name.clone(),
                href: format!("/mo-hinh/{}", l.id),
                field: l.field.clone(),
                unit_name: l.unit_name.clone(),
                replications: num(l.replications),
                commended: l.commended,
            })
            .collect();
        let models_chart = charts::models(&m.by_field);

        // Kiểm tra, giám sát (confidential).
        let insp_href = |kind: &str| {
            format!(
                "/kiem-tra{}",
                query_string(&[
                    ("don-vi", u.code.as_str()),
                    ("loai", kind),
                    ("tu", &dd(from)),
                    ("den", &dd(to)),
                ])
            )
        };
        let inspection = r.inspection.as_ref().map(|i| {
            i.by_kind
                .iter()
                .map(|(kind, k)| {
                    let h = insp_href(kind.as_str());
                    InspLine {
                        kind: labels::case_kind(*kind),
                        cases: fig(num(k.cases as i64), h.clone()),
                        units: fig(num(k.units as i64), h.clone()),
                        distinct_units: fig(num(k.distinct_units as i64), h.clone()),
                        members: fig(num(k.members as i64), h.clone()),
                        distinct_members: fig(num(k.distinct_members as i64), h),
                    }
                })
                .collect::<Vec<_>>()
        });
        let inspection_chart = charts::inspection(
            &r.inspection
                .as_ref()
                .map(|i| {
                    i.by_kind
                        .iter()
                        .map(|(kind, k)| {
                            (
                                labels::case_kind(*kind).to_string(),
                                k.units as i64,
                                k.members as i64,
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
        );
        let discipline = r.discipline.as_ref().map(|d| {
            let h = format!(
                "/ky-luat{}",
                query_string(&[("don-vi", u.code.as_str()), ("nam", &last_year.to_string())])
            );
            let mut out: Vec<LabelFig> = d
                .members
                .iter()
                .map(|(form, n)| {
                    lf(
                        &format!("Đảng viên — {}", labels::discipline_form(*form)),
                        num(*n as i64),
                        &h,
                    )
                })
                .collect();
            out.extend(d.units.iter().map(|(form, n)| {
                lf(
                    &format!("Tổ chức đảng — {}", labels::discipline_form(*form)),
                    num(*n as i64),
                    &h,
                )
            }));
            out.push(lf("Đảng viên bị xóa tên", num(d.struck_off), "/xoa-ten"));
            out.push(lf(
                "Trong đó do bỏ sinh hoạt đảng",
                num(d.struck_off_left_party_life),
                "/xoa-ten",
            ));
            out
        });

        // Khen thưởng.
        let whole_year =
            from.year() == to.year() && from.ordinal() == 1 && to.month() == 12 && to.day() == 31;
        let year_q = if whole_year {
            from.year().to_string()
        } else {
            String::new()
        };
        let summary_href = format!(
            "/khen-thuong/tong-hop{}",
            query_string(&[
                ("don_vi", u.code.as_str()),
                ("tu", &dd(from)),
                ("den", &dd(to)),
            ])
        );
        let kind_href = |kind: &str| {
            format!(
                "/khen-thuong{}",
                query_string(&[
                    ("don_vi", u.code.as_str()),
                    ("nam", &year_q),
                    ("trang_thai", "decided"),
                    ("hinh_thuc", kind),
                ])
            )
        };
        let comm =
            |label: &'static str, c: &domain::report::CommendationCount, h: String| CommLine {
                label,
                decisions: fig(num(c.decisions), h.clone()),
                members: fig(num(c.member_recipients), h.clone()),
                units: fig(num(c.unit_recipients), h),
            };
        let cm = &r.commendations;
        let comm_total = comm("Tổng cộng", &cm.total, summary_href.clone());
        let comm_by_kind = cm
            .by_kind
            .iter()
            .map(|(k, c)| comm(k.label(), c, kind_href(k.as_str())))
            .collect();
        let comm_by_level = cm
            .by_level
            .iter()
            .map(|(l, c)| comm(l.label(), c, summary_href.clone()))
            .collect();
        let comm_pending = fig(
            num(cm.pending_proposals),
            format!(
                "/khen-thuong{}",
                query_string(&[("don_vi", u.code.as_str()), ("trang_thai", "proposed")])
            ),
        );

        // Tiêu chí.
        let criteria = r
            .criteria
            .sets
            .iter()
            .map(|s| {
                let h = format!(
                    "/tieu-chi/{}{}",
                    seg(&s.set_code),
                    query_string(&[("don_vi", u.code.as_str()), ("ngay", &dd(to))])
                );
                let progress = match s.met_of_single {
                    Some(met) => format!("{}/{} tiêu chí", num(met), num(s.criteria)),
                    None => format!("{}/{} đơn vị đạt chuẩn", num(s.all_met), num(s.units)),
                };
                CritLine {
                    name: s.set_name.clone(),
                    progress: fig(progress, h.clone()),
                    recognised: fig(format!("{}/{} đơn vị", num(s.recognised), num(s.units)), h),
                }
            })
            .collect();
        let criteria_chart = charts::criteria(
            &r.criteria
                .sets
                .iter()
                .map(|s| match s.met_of_single {
                    Some(met) => (s.set_name.clone(), met, s.criteria),
                    None => (s.set_name.clone(), s.all_met, s.units),
                })
                .collect::<Vec<_>>(),
        );
        let classifications = r
            .criteria
            .classifications
            .iter()
            .map(|c| ClassLine {
                unit_name: c.unit_name.clone(),
                scheme: c.scheme.clone(),
                class: c.class.clone(),
                decided_on: dd(c.decided_on),
            })
            .collect();

        // Hạn chế: the same sentences as the Word file.
        let limitations = r
            .limitations
            .iter()
            .map(office::limitation_sentence)
            .collect();

        // Đơn vị trực thuộc.
        let show_insp = r.inspection.is_some();
        let sub_headers = COLUMNS
            .iter()
            .filter(|(k, _)| show_insp || *k != "kiem-tra")
            .map(|(k, label)| {
                let active = sort.column == *k;
                let next_desc = active && !sort.descending;
                Header {
                    label,
                    href: with_query(
                        sort_base,
                        &format!(
                            "sap-xep={k}&chieu={}",
                            if next_desc { "giam" } else { "tang" }
                        ),
                    ),
                    aria: match (active, sort.descending) {
                        (false, _) => "none",
                        (true, false) => "ascending",
                        (true, true) => "descending",
                    },
                    arrow: match (active, sort.descending) {
                        (false, _) => "",
                        (true, false) => "▲",
                        (true, true) => "▼",
                    },
                }
            })
            .collect();
        let sub_rows: Vec<SubRow> = sorted_rows(&r.sub_units, sort)
            .into_iter()
            .map(|row| {
                let h = live_href(&row.unit.code, from, to);
                let f = |text: String| fig(text, h.clone());
                let reg = &row.registrations;
                let mut cells = vec![
                    f(num(row.members)),
                    f(pct(row.study.rate())),
                    f(num(row.cell_meetings)),
                    f(pct(row.cell_tally.rate())),
                    f(format!("{}/{}", num(reg.registered), num(reg.members))),
                    f(pct(reg.specific_share())),
                    f(num(row.models)),
                    f(num(row.commendations)),
                ];
                if show_insp {
                    cells.push(f(row
                        .inspection
                        .map(|(o, m)| format!("{} / {}", num(o as i64), num(m as i64)))
                        .unwrap_or_else(|| "—".into())));
                }
                cells.push(f(num(row.feedback_received)));
                cells.push(f(num(row.feedback_unanswered)));
                SubRow {
                    name: row.unit.name.clone(),
                    href: h.clone(),
                    cells,
                    below_target: row.below_target,
                }
            })
            .collect();
        let below_count = sub_rows.iter().filter(|r| r.below_target).count();

        FiguresView {
            unit_name: u.name.clone(),
            period: format!("{} – {}", dd(from), dd(to)),
            computed: (r.computed_at + chrono::Duration::hours(7))
                .format("%d/%m/%Y %H:%M")
                .to_string(),
            docs,
            themes,
            plans_href,
            study,
            study_total,
            target: fig(
                format_percent(target as f64 / 1000.0),
                format!(
                    "/ke-hoach{}",
                    query_string(&[("don-vi", u.code.as_str()), ("nam", &last_year.to_string())])
                ),
            ),
            attendance_chart,
            cells,
            regs,
            quality_chart,
            disclosure,
            models_total: fig(num(m.total), models_href.clone()),
            models_replicated: fig(num(m.replicated), models_href.clone()),
            models_commended: fig(num(m.commended), models_href),
            models_by_field,
            model_rows,
            models_chart,
            inspection,
            inspection_chart,
            discipline,
            comm_total,
            comm_by_kind,
            comm_by_level,
            comm_pending,
            criteria,
            classifications,
            classifications_href: "/phan-loai".to_string(),
            criteria_chart,
            limitations,
            sub_headers,
            sub_rows,
            below_count,
        }
    }
}

fn lf(label: &str, text: String, href: &str) -> LabelFig {
    LabelFig {
        label: label.to_string(),
        value: fig(text, href),
    }
}

/// A path segment (unit or set codes may hold characters that need escaping).
fn seg(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::report::ReportUnit;

    fn row(code: &str, name: &str, members: i64, below: bool) -> SubUnitRow {
        SubUnitRow {
            unit: ReportUnit {
                id: members,
                code: code.into(),
                name: name.into(),
                unit_type: domain::UnitType::GrassrootsCommittee,
            },
            members,
            study: Tally {
                expected: 10,
                present: members.min(10),
                ..Tally::default()
            },
            cell_meetings: 0,
            cell_tally: Tally::default(),
            registrations: RegStats::default(),
            models: 0,
            commendations: 0,
            inspection: None,
            feedback_received: 0,
            feedback_unanswered: 0,
            below_target: below,
        }
    }

    #[test]
    fn sorting_by_a_column_and_back() {
        let rows = vec![
            row("P2", "Phường 2", 5, true),
            row("P1", "Phường 1", 9, false),
            row("P10", "Phường 10", 7, false),
        ];
        let codes = |s: &SortSpec| {
            sorted_rows(&rows, s)
                .iter()
                .map(|r| r.unit.code.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(codes(&SortSpec::default()), ["P2", "P1", "P10"]);
        assert_eq!(
            codes(&SortSpec::parse("dang-vien", "tang")),
            ["P2", "P10", "P1"]
        );
        assert_eq!(
            codes(&SortSpec::parse("dang-vien", "giam")),
            ["P1", "P10", "P2"]
        );
        assert_eq!(
            codes(&SortSpec::parse("hoc-tap", "giam")),
            ["P1", "P10", "P2"]
        );
        // Names compared without diacritics or case.
        assert_eq!(codes(&SortSpec::parse("don-vi", "tang"))[0], "P1");
        assert_eq!(SortSpec::parse("khong-co", "giam"), SortSpec::default());
    }

    #[test]
    fn year_parts_cut_the_period() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(
            year_part(d(2016, 6, 21), d(2020, 5, 20), 2016),
            (d(2016, 6, 21), d(2016, 12, 31))
        );
        assert_eq!(
            year_part(d(2016, 6, 21), d(2020, 5, 20), 2018),
            (d(2018, 1, 1), d(2018, 12, 31))
        );
        assert_eq!(
            live_href("P1", d(2020, 1, 1), d(2020, 5, 20)),
            "/bao-cao?don-vi=P1&tu=01%2F01%2F2020&den=20%2F05%2F2020"
        );
        assert_eq!(with_query("/bao-cao", "a=1"), "/bao-cao?a=1");
        assert_eq!(with_query("/bao-cao?x=2", "a=1"), "/bao-cao?x=2&a=1");
    }
}
