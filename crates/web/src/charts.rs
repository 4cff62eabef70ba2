//! The SVG charts of the pages (the period report, the dashboard, the rates page, the registration report),
//! drawn on the server: pure functions from figures to the coordinates the macros of `chart_macros.html`
//! draw; readable without JavaScript. Two shapes: vertical bars grouped by year on a 0–100 %
//! scale (attendance with its target line, registration quality) and horizontal bars per label (inspection
//! and supervision by kind, models by field, criteria progress). Coordinates are in a fixed view box; the
//! CSS scales the picture to the screen. The numbers are also in the tables next to each chart.

use domain::text::{format_int, format_percent};

/// One series of a chart: its name in the legend and its colour.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: &'static str,
    pub fill: &'static str,
}

/// A bar of the year chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VBar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    pub fill: &'static str,
    /// "Năm 2019 — Tỷ lệ: 98,5%", the bar's tooltip and accessible name.
    pub title: String,
    /// The value above the bar ("98,5%", "—").
    pub text: String,
    pub text_x: i64,
    pub text_y: i64,
}

/// The bars of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VGroup {
    pub label: String,
    pub label_x: i64,
    pub bars: Vec<VBar>,
}

/// Vertical bars grouped by year on a 0–100 % scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VChart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub right: i64,
    pub base_y: i64,
    pub top_y: i64,
    pub label_y: i64,
    pub groups: Vec<VGroup>,
    pub series: Vec<Series>,
    /// The target line: its height and its label ("Chỉ tiêu 90%").
    pub target: Option<(i64, String)>,
    /// Grid lines: (y, "50%").
    pub ticks: Vec<(i64, String)>,
}

const V_WIDTH: i64 = 560;
const V_LEFT: i64 = 44;
const V_RIGHT: i64 = 12;
const V_TOP: i64 = 20;
const V_PLOT: i64 = 180;
const V_BAR_MAX: i64 = 40;

fn permille_of(ratio: Option<f64>) -> Option<i64> {
    ratio.map(|r| (r.clamp(0.0, 1.0) * 1000.0).round() as i64)
}

fn pct_text(ratio: Option<f64>) -> String {
    ratio
        .map(|r| format_percent(r.clamp(0.0, 1.0)))
        .unwrap_or_else(|| "—".to_string())
}

/// Vertical bars: one group per (label, ratios), one bar per series, ratios in [0, 1] (`None`: nothing
/// to count, drawn as an empty bar with "—").
pub fn year_bars(
    groups: &[(String, Vec<Option<f64>>)],
    series: &[Series],
    target_permille: Option<i64>,
) -> VChart {
    let base_y = V_TOP + V_PLOT;
    let plot_w = V_WIDTH - V_LEFT - V_RIGHT;
    let n = groups.len().max(1) as i64;
    let slot = plot_w / n;
    let per = series.len().max(1) as i64;
    let bar_w = ((slot - 16) / per).clamp(6, V_BAR_MAX);
    let y_of = |permille: i64| base_y - permille.clamp(0, 1000) * V_PLOT / 1000;
    let out_groups = groups
        .iter()
        .enumerate()
        .map(|(i, (label, values))| {
            let slot_x = V_LEFT + i as i64 * slot;
            let group_w = bar_w * per;
            let start = slot_x + (slot - group_w) / 2;
            let bars = series
                .iter()
                .enumerate()
                .map(|(j, s)| {
                    let ratio = values.get(j).copied().flatten();
                    let y = y_of(permille_of(ratio).unwrap_or(0));
                    let x = start + j as i64 * bar_w;
                    VBar {
                        x,
                        y,
                        w: bar_w - 2,
                        h: base_y - y,
                        fill: s.fill,
                        title: format!("{label} — {}: {}", s.name, pct_text(ratio)),
                        text: pct_text(ratio),
                        text_x: x + (bar_w - 2) / 2,
                        text_y: y - 4,
                    }
                })
                .collect();
            VGroup {
                label: label.clone(),
                label_x: slot_x + slot / 2,
                bars,
            }
        })
        .collect();
    VChart {
        width: V_WIDTH,
        height: base_y + 24,
        left: V_LEFT,
        right: V_WIDTH - V_RIGHT,
        base_y,
        top_y: V_TOP,
        label_y: base_y + 16,
        groups: out_groups,
        series: series.to_vec(),
        target: target_permille.map(|t| {
            (
                y_of(t),
                format!("Chỉ tiêu {}", format_percent(t as f64 / 1000.0)),
            )
        }),
        ticks: [0, 250, 500, 750, 1000]
            .into_iter()
            .map(|t| (y_of(t), format_percent(t as f64 / 1000.0)))
            .collect(),
    }
}

/// A bar of a horizontal chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HBar {
    pub y: i64,
    pub w: i64,
    /// The whole track (the scale's maximum, or the row's own total for progress bars).
    pub track: i64,
    pub fill: &'static str,
    pub title: String,
    pub text: String,
    pub text_x: i64,
    pub text_y: i64,
}

/// One label and its bars (one per series).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HRow {
    pub label: String,
    pub label_y: i64,
    pub bars: Vec<HBar>,
}

/// Horizontal bars: the label above its bars, the value at the end of each bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HChart {
    pub width: i64,
    pub height: i64,
    pub left: i64,
    pub rows: Vec<HRow>,
    pub series: Vec<Series>,
}

const H_WIDTH: i64 = 520;
const H_LEFT: i64 = 4;
const H_TEXT_ROOM: i64 = 90;
const H_BAR: i64 = 14;
const H_LABEL: i64 = 18;

/// A row of a horizontal chart before layout: its label and (value, maximum, text) per series.
type RowInput = (String, Vec<(i64, i64, String)>);

fn h_rows(rows: Vec<RowInput>, series: &[Series]) -> HChart {
    let track = H_WIDTH - H_LEFT - H_TEXT_ROOM;
    let mut y = 0;
    let mut out = Vec::new();
    for (label, bars) in rows {
        let label_y = y + 13;
        y += H_LABEL;
        let mut hb = Vec::new();
        for (j, (value, max, text)) in bars.into_iter().enumerate() {
            let w = if max > 0 {
                value.clamp(0, max) * track / max
            } else {
                0
            };
            let s = series.get(j).cloned().unwrap_or(Series {
                name: "",
                fill: "#b71c1c",
            });
            hb.push(HBar {
                y,
                w,
                track,
                fill: s.fill,
                title: format!("{label} — {}: {text}", s.name),
                text_x: H_LEFT + w + 6,
                text_y: y + H_BAR - 3,
                text,
            });
            y += H_BAR + 3;
        }
        y += 8;
        out.push(HRow {
            label,
            label_y,
            bars: hb,
        });
    }
    HChart {
        width: H_WIDTH,
        height: y.max(20),
        left: H_LEFT,
        rows: out,
        series: series.to_vec(),
    }
}

/// Horizontal bars of counts, one row per label and one bar per series, scaled to the largest count.
pub fn count_bars(rows: &[(String, Vec<i64>)], series: &[Series]) -> HChart {
    let max = rows
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    h_rows(
        rows.iter()
            .map(|(label, values)| {
                (
                    label.clone(),
                    values.iter().map(|v| (*v, max, format_int(*v))).collect(),
                )
            })
            .collect(),
        series,
    )
}

/// Progress bars: each row against its own total ("met/total").
pub fn progress_bars(rows: &[(String, i64, i64)], series: &Series) -> HChart {
    h_rows(
        rows.iter()
            .map(|(label, met, total)| {
                (
                    label.clone(),
                    vec![(
                        *met,
                        *total,
                        format!("{}/{}", format_int(*met), format_int(*total)),
                    )],
                )
            })
            .collect(),
        std::slice::from_ref(series),
    )
}

/// Rates per row, one bar per series: each bar is its `part` of its `whole`, the text "98,5%" (the counts
/// are in the table beside it).
pub fn rate_bars(rows: &[(String, Vec<(i64, i64)>)], series: &[Series]) -> HChart {
    h_rows(
        rows.iter()
            .map(|(label, rates)| {
                let bars = rates
                    .iter()
                    .map(|(part, whole)| {
                        let ratio = (*whole > 0).then(|| *part as f64 / *whole as f64);
                        (*part, *whole, pct_text(ratio))
                    })
                    .collect();
                (label.clone(), bars)
            })
            .collect(),
        series,
    )
}

// ------------------------------------------------------------------------------------------------
// The five charts of a report
// ------------------------------------------------------------------------------------------------

pub const RED: &str = "#b71c1c";
pub const GOLD: &str = "#e0a800";
pub const BLUE: &str = "#1565c0";
pub const GREEN: &str = "#2e7d32";

/// Attendance rate (kể cả học bù) by year, with the target line.
pub fn attendance(years: &[(i32, Option<f64>)], target_permille: i64) -> VChart {
    year_bars(
        &years
            .iter()
            .map(|(y, r)| (format!("Năm {y}"), vec![*r]))
            .collect::<Vec<_>>(),
        &[Series {
            name: "Tỷ lệ tham dự",
            fill: RED,
        }],
        Some(target_permille),
    )
}

/// Registration quality by year: % specific, % tied to duties, % in copy groups.
pub fn registration_quality(years: &[(i32, [Option<f64>; 3])]) -> VChart {
    year_bars(
        &years
            .iter()
            .map(|(y, r)| (format!("Năm {y}"), r.to_vec()))
            .collect::<Vec<_>>(),
        &[
            Series {
                name: "Nội dung cụ thể",
                fill: GREEN,
            },
            Series {
                name: "Gắn chức trách",
                fill: BLUE,
            },
            Series {
                name: "Trong nhóm sao chép",
                fill: GOLD,
            },
        ],
        None,
    )
}

/// Inspection and supervision by kind: organisations and members (lượt).
pub fn inspection(kinds: &[(String, i64, i64)]) -> HChart {
    count_bars(
        &kinds
            .iter()
            .map(|(k, u, m)| (k.clone(), vec![*u, *m]))
            .collect::<Vec<_>>(),
        &[
            Series {
                name: "Tổ chức đảng (lượt)",
                fill: RED,
            },
            Series {
                name: "Đảng viên (lượt)",
                fill: GOLD,
            },
        ],
    )
}

/// Models by field.
pub fn models(fields: &[(String, i64)]) -> HChart {
    count_bars(
        &fields
            .iter()
            .map(|(f, n)| (f.clone(), vec![*n]))
            .collect::<Vec<_>>(),
        &[Series {
            name: "Mô hình",
            fill: GREEN,
        }],
    )
}

/// Criteria progress: met of total per set.
pub fn criteria(sets: &[(String, i64, i64)]) -> HChart {
    progress_bars(
        sets,
        &Series {
            name: "Đạt",
            fill: BLUE,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_bars_are_shares_of_their_own_whole() {
        let s = Series {
            name: "Tỷ lệ tham dự",
            fill: RED,
        };
        let c = rate_bars(
            &[
                ("Phường 7".to_string(), vec![(3520, 3574)]),
                ("Xã Sơn Đông".to_string(), vec![(0, 0)]),
            ],
            &[s],
        );
        let a = &c.rows[0].bars[0];
        assert_eq!(a.text, "98,5%");
        assert_eq!(a.w, 3520 * a.track / 3574);
        assert_eq!(a.title, "Phường 7 — Tỷ lệ tham dự: 98,5%");
        // No one expected: no bar and a dash, never a division by zero.
        let b = &c.rows[1].bars[0];
        assert_eq!((b.w, b.text.as_str()), (0, "—"));
    }

    #[test]
    fn year_bars_scale_to_percent_and_draw_the_target() {
        let c = attendance(&[(2019, Some(1.0)), (2020, Some(0.5)), (2021, None)], 900);
        assert_eq!(c.groups.len(), 3);
        let full = &c.groups[0].bars[0];
        assert_eq!(full.y, c.top_y);
        assert_eq!(full.h, c.base_y - c.top_y);
        assert_eq!(full.text, "100%");
        let half = &c.groups[1].bars[0];
        assert_eq!(half.h * 2, full.h);
        let none = &c.groups[2].bars[0];
        assert_eq!(none.h, 0);
        assert_eq!(none.text, "—");
        assert_eq!(
            c.target,
            Some((
                c.base_y - 9 * (c.base_y - c.top_y) / 10,
                "Chỉ tiêu 90%".to_string()
            ))
        );
        assert!(c.groups[0].bars[0].title.contains("Năm 2019"));
        // Groups do not overlap and stay inside the plot.
        assert!(c.groups[0].bars[0].x + full.w < c.groups[1].bars[0].x);
        assert!(c.groups[2].bars[0].x + none.w <= c.right);
    }

    #[test]
    fn quality_has_three_series_per_year() {
        let c = registration_quality(&[(2019, [Some(0.985), Some(0.5), Some(0.0)])]);
        assert_eq!(c.groups[0].bars.len(), 3);
        assert_eq!(c.groups[0].bars[0].text, "98,5%");
        assert!(c.target.is_none());
        assert_eq!(c.series.len(), 3);
    }

    #[test]
    fn count_bars_scale_to_the_largest() {
        let c = inspection(&[("Kiểm tra".into(), 3520, 10), ("Giám sát".into(), 0, 1760)]);
        assert_eq!(c.rows.len(), 2);
        let big = &c.rows[0].bars[0];
        assert_eq!(big.w, big.track);
        assert_eq!(big.text, "3.520");
        assert_eq!(c.rows[1].bars[1].w * 2, big.track);
        assert_eq!(c.rows[1].bars[0].w, 0);
        // Rows follow each other downwards.
        assert!(c.rows[1].label_y > c.rows[0].bars[1].y);
        assert!(c.height > c.rows[1].bars[1].y);
        let empty = models(&[]);
        assert!(empty.rows.is_empty());
        assert!(empty.height > 0);
    }

    #[test]
    fn progress_bars_use_each_rows_total() {
        let c = criteria(&[
            ("Văn minh đô thị".into(), 35, 35),
            ("Xã nông thôn mới".into(), 3, 6),
        ]);
        assert_eq!(c.rows[0].bars[0].w, c.rows[0].bars[0].track);
        assert_eq!(c.rows[1].bars[0].w * 2, c.rows[1].bars[0].track);
        assert_eq!(c.rows[1].bars[0].text, "3/6");
        let zero = criteria(&[("Trống".into(), 0, 0)]);
        assert_eq!(zero.rows[0].bars[0].w, 0);
    }
}
