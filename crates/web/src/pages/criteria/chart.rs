//! The SVG charts of these pages, drawn on the server: horizontal bars (met / total per unit) and the
//! progress line of one unit (met criteria per assessment date). Coordinates in a fixed view box; the
//! CSS scales the picture to the screen.

use chrono::NaiveDate;

/// Width of the view box; bars leave room on the right for "35/35".
/// Narrow enough that the text stays readable when a phone scales the picture down to its width.
const WIDTH: i64 = 420;
const LABEL_ROOM: i64 = 64;
const ROW: i64 = 40;

/// One bar: the unit's name above it, the bar, and "met/total" at its end.
pub struct HBar {
    pub label: String,
    pub text_y: i64,
    pub bar_y: i64,
    /// Width of the filled part and of the whole track.
    pub w: i64,
    pub track: i64,
    pub value: String,
    pub value_x: i64,
    pub recognised: bool,
}

pub struct HChart {
    pub bars: Vec<HBar>,
    pub width: i64,
    pub height: i64,
}

/// Bars of (label, met, total, recognised).
pub fn hbars(lines: &[(String, i64, i64, bool)]) -> HChart {
    let track = WIDTH - LABEL_ROOM;
    let bars = lines
        .iter()
        .enumerate()
        .map(|(i, (label, met, total, recognised))| {
            let w = if *total > 0 {
                ((*met).clamp(0, *total) * track) / total
            } else {
                0
            };
            let top = i as i64 * ROW;
            HBar {
                label: label.clone(),
                text_y: top + 14,
                bar_y: top + 20,
                w,
                track,
                value: format!("{met}/{total}"),
                value_x: track + 8,
                recognised: *recognised,
            }
        })
        .collect::<Vec<_>>();
    HChart {
        height: bars.len() as i64 * ROW + 4,
        width: WIDTH,
        bars,
    }
}

/// One point of the progress line.
pub struct Point {
    pub x: i64,
    pub y: i64,
    pub value: i64,
    pub label: String,
    /// Whether the date label is drawn (every one when few, fewer when crowded).
    pub show_label: bool,
}

pub struct LineChart {
    pub points: Vec<Point>,
    /// "x1,y1 x2,y2 …" for `<polyline>`.
    pub path: String,
    pub width: i64,
    pub height: i64,
    pub base_y: i64,
    pub top_y: i64,
    pub total: i64,
}

const LINE_TOP: i64 = 24;
const LINE_H: i64 = 150;
const LINE_PAD: i64 = 30;

/// The line of met counts (oldest first) against `total`.
pub fn progress(points: &[(NaiveDate, i64)], total: i64) -> LineChart {
    let n = points.len() as i64;
    let base_y = LINE_TOP + LINE_H;
    let span = WIDTH - 2 * LINE_PAD;
    let every = (n / 5).max(1);
    let pts: Vec<Point> = points
        .iter()
        .enumerate()
        .map(|(i, (day, met))| {
            let i = i as i64;
            let x = if n > 1 {
                LINE_PAD + i * span / (n - 1)
            } else {
                WIDTH / 2
            };
            let y = if total > 0 {
                base_y - (*met).clamp(0, total) * LINE_H / total
            } else {
                base_y
            };
            Point {
                x,
                y,
                value: *met,
                label: day.format("%m/%Y").to_string(),
                show_label: i % every == 0 || i == n - 1,
            }
        })
        .collect();
    LineChart {
        path: pts
            .iter()
            .map(|p| format!("{},{}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" "),
        points: pts,
        width: WIDTH,
        height: base_y + 26,
        base_y,
        top_y: LINE_TOP,
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_track_and_lines_to_the_total() {
        let c = hbars(&[("A".into(), 19, 19, true), ("B".into(), 0, 19, false)]);
        assert_eq!(c.bars[0].w, c.bars[0].track);
        assert_eq!(c.bars[1].w, 0);
        let d = |m| NaiveDate::from_ymd_opt(2018, m, 1).unwrap_or_default();
        let l = progress(&[(d(1), 0), (d(6), 19)], 19);
        assert_eq!(l.points[0].y, l.base_y);
        assert_eq!(l.points[1].y, l.top_y);
    }
}
