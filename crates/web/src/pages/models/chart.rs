//! The results of a model by indicator: the table and an SVG bar chart over time.

use crate::view::date;

/// A result as a row of the indicator's table.
pub struct ResultRow {
    pub id: i64,
    pub date: String,
    /// With its unit: "1.745 hộ", "98,1%".
    pub value: String,
    pub note: String,
}

/// One bar of the chart (SVG coordinates) with its value and its month.
pub struct Bar {
    pub x: i64,
    pub y: i64,
    pub w: i64,
    pub h: i64,
    /// Centre of the bar, for the labels.
    pub cx: i64,
    pub value: String,
    pub label: String,
}

/// One indicator's results: the table and the bar chart over time.
pub struct Series {
    pub indicator: String,
    pub unit: String,
    pub rows: Vec<ResultRow>,
    pub bars: Vec<Bar>,
    pub width: i64,
    pub height: i64,
    pub base_y: i64,
    pub summary: String,
}

const BAR_W: i64 = 44;
const BAR_GAP: i64 = 22;
const CHART_TOP: i64 = 22;
const CHART_BARS: i64 = 150;

/// The results grouped by indicator, each with its table, chart and a one-line summary.
pub(super) fn series(results: &[store::ModelResult]) -> Vec<Series> {
    let mut out: Vec<Series> = Vec::new();
    // Group by indicator (first appearance order); results come oldest first.
    let mut keys: Vec<String> = Vec::new();
    for r in results {
        if !keys.contains(&r.indicator) {
            keys.push(r.indicator.clone());
        }
    }
    for k in keys {
        let rs: Vec<&store::ModelResult> = results.iter().filter(|r| r.indicator == k).collect();
        let max = rs.iter().map(|r| r.value.max(0.0)).fold(0.0_f64, f64::max);
        let base_y = CHART_TOP + CHART_BARS;
        let bars = rs
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let h = if max > 0.0 {
                    ((r.value.max(0.0) / max) * CHART_BARS as f64).round() as i64
                } else {
                    0
                };
                let x = BAR_GAP + i as i64 * (BAR_W + BAR_GAP);
                Bar {
                    x,
                    y: base_y - h,
                    w: BAR_W,
                    h,
                    cx: x + BAR_W / 2,
                    value: domain::models::format_value(r.value),
                    label: r.measured_on.format("%m/%Y").to_string(),
                }
            })
            .collect::<Vec<_>>();
        let unit = rs.last().map(|r| r.unit.clone()).unwrap_or_default();
        let summary = match (rs.first(), rs.last()) {
            (Some(a), Some(b)) if rs.len() > 1 => format!(
                "Từ {} ({}) {} {} ({})",
                domain::models::format_amount(a.value, &a.unit),
                date(Some(a.measured_on)),
                if b.value > a.value {
                    "lên"
                } else if b.value < a.value {
                    "xuống"
                } else {
                    "giữ ở"
                },
                domain::models::format_amount(b.value, &b.unit),
                date(Some(b.measured_on))
            ),
            _ => String::new(),
        };
        out.push(Series {
            indicator: k,
            unit,
            width: BAR_GAP + bars.len() as i64 * (BAR_W + BAR_GAP),
            height: base_y + 26,
            base_y,
            bars,
            rows: rs
                .iter()
                .map(|r| ResultRow {
                    id: r.id,
                    date: date(Some(r.measured_on)),
                    value: domain::models::format_amount(r.value, &r.unit),
                    note: r.note.clone(),
                })
                .collect(),
            summary,
        });
    }
    out
}
