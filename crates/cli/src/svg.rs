//! The book's two training figures as hand-written SVG: line charts with a
//! framed plot area, outward ticks at "nice" steps (1, 2, 5 × 10ᵏ), axis
//! labels, and a legend. No dependencies; the output opens in any browser.
//!
//! - [`loss_figure`]: the mini-batch loss of every iteration, beside the
//!   first 1000 iterations (the book's Figure 4-11).
//! - [`accuracy_figure`]: train (solid, circles) and test (dashed, squares)
//!   accuracy per epoch, y from 0 to 1 (the book's Figure 4-12).

use std::fmt::Write as _;

/// matplotlib's first two colours (tab:blue, tab:orange), as in the book's figures.
const BLUE: &str = "#1f77b4";
const ORANGE: &str = "#ff7f0e";
/// Space around a plot area, in pixels: left (tick labels + y label), right, top (title), bottom.
const MARGIN: (f64, f64, f64, f64) = (64.0, 16.0, 32.0, 52.0);
/// Tick mark length, pixels.
const TICK: f64 = 5.0;

/// One line of a chart.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    /// Legend text.
    pub label: &'a str,
    /// (x, y) in data units; non-finite points are skipped.
    pub points: Vec<(f64, f64)>,
    /// Stroke colour.
    pub color: &'a str,
    /// Dashed instead of solid.
    pub dashed: bool,
    /// A mark at every point (the book's `markers = {'train': 'o', 'test': 's'}`).
    pub marker: Option<Marker>,
}

/// A point mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    /// A circle (matplotlib's `'o'`).
    Circle,
    /// A square (matplotlib's `'s'`).
    Square,
}

/// One mark centred on (x, y), in pixels.
fn marker(m: Marker, x: f64, y: f64, color: &str) -> String {
    match m {
        Marker::Circle => format!(r#"<circle cx="{x:.1}" cy="{y:.1}" r="3" fill="{color}"/>"#),
        Marker::Square => {
            format!(r#"<rect x="{:.1}" y="{:.1}" width="6" height="6" fill="{color}"/>"#, x - 3.0, y - 3.0)
        }
    }
}

/// One chart: its data ranges, labels and lines.
#[derive(Debug, Clone)]
pub struct Panel<'a> {
    /// Title above the plot area (may be empty).
    pub title: &'a str,
    /// x range shown.
    pub x: (f64, f64),
    /// y range shown.
    pub y: (f64, f64),
    /// x counts something (iterations, epochs): ticks only at whole numbers.
    pub x_integer: bool,
    /// Label under the x axis.
    pub x_label: &'a str,
    /// Label beside the y axis.
    pub y_label: &'a str,
    /// The lines.
    pub series: Vec<Series<'a>>,
    /// Draw a legend in the lower right corner.
    pub legend: bool,
}

/// A rectangle in pixels: x, y of the top-left corner, width, height.
type Rect = (f64, f64, f64, f64);

/// The step of about `target` ticks over `span`: 1, 2 or 5 × 10ᵏ.
pub fn nice_step(span: f64, target: usize) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let raw = span / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let norm = raw / mag;
    let m = if norm < 1.5 {
        1.0
    } else if norm < 3.0 {
        2.0
    } else if norm < 7.0 {
        5.0
    } else {
        10.0
    };
    m * mag
}

/// Multiples of `step` inside `[lo, hi]` (with a little slack for rounding).
pub fn ticks(lo: f64, hi: f64, step: f64) -> Vec<f64> {
    let eps = step * 1e-9;
    let first = (lo / step - 1e-9).ceil() as i64;
    (first..).map(|k| k as f64 * step).take_while(|&v| v <= hi + eps).collect()
}

/// `hi` rounded up to a multiple of its nice step: the top of a y axis that starts at 0.
pub fn nice_ceil(hi: f64) -> f64 {
    if !(hi.is_finite() && hi > 0.0) {
        return 1.0;
    }
    let step = nice_step(hi, 5);
    (hi / step - 1e-9).ceil() * step
}

/// A tick label with as many decimals as the step needs (`0.2`, `2000`).
fn tick_label(v: f64, step: f64) -> String {
    let decimals = (-(step.log10() + 1e-9).floor()).max(0.0) as usize;
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { format!("{:.decimals$}", 0.0) } else { s }
}

/// Escapes text for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Draws `panel` into `rect` of an SVG document being written to `out`.
fn draw_panel(out: &mut String, panel: &Panel, rect: Rect) {
    let (rx, ry, rw, rh) = rect;
    let (ml, mr, mt, mb) = MARGIN;
    let (px, py, pw, ph) = (rx + ml, ry + mt, rw - ml - mr, rh - mt - mb);
    let (x0, x1) = panel.x;
    let (y0, y1) = panel.y;
    let sx = |x: f64| px + (x - x0) / (x1 - x0).max(f64::MIN_POSITIVE) * pw;
    let sy = |y: f64| py + ph - (y - y0) / (y1 - y0).max(f64::MIN_POSITIVE) * ph;

    if !panel.title.is_empty() {
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="14">{}</text>"#,
            px + pw / 2.0,
            ry + mt - 10.0,
            esc(panel.title)
        );
    }
    // Ticks and their labels.
    let xstep = if panel.x_integer { nice_step(x1 - x0, 6).max(1.0) } else { nice_step(x1 - x0, 6) };
    for t in ticks(x0, x1, xstep) {
        let x = sx(t);
        let _ = writeln!(
            out,
            r#"<line x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}" stroke="black"/>"#,
            py + ph,
            py + ph + TICK
        );
        let _ = writeln!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            py + ph + TICK + 13.0,
            tick_label(t, xstep)
        );
    }
    let ystep = nice_step(y1 - y0, 5);
    for t in ticks(y0, y1, ystep) {
        let y = sy(t);
        let _ = writeln!(out, r#"<line x1="{:.1}" y1="{y:.1}" x2="{px:.1}" y2="{y:.1}" stroke="black"/>"#, px - TICK);
        let _ = writeln!(
            out,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            px - TICK - 3.0,
            y + 4.0,
            tick_label(t, ystep)
        );
    }
    // Axis labels.
    let _ = writeln!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="13">{}</text>"#,
        px + pw / 2.0,
        py + ph + 40.0,
        esc(panel.x_label)
    );
    let (lx, ly) = (rx + 16.0, py + ph / 2.0);
    let _ = writeln!(
        out,
        r#"<text x="{lx:.1}" y="{ly:.1}" text-anchor="middle" font-size="13" transform="rotate(-90 {lx:.1} {ly:.1})">{}</text>"#,
        esc(panel.y_label)
    );
    // The lines, clipped to the plot area.
    let clip = format!("clip{}", rx as i64);
    let _ = writeln!(
        out,
        r#"<clipPath id="{clip}"><rect x="{px:.1}" y="{py:.1}" width="{pw:.1}" height="{ph:.1}"/></clipPath>"#
    );
    for s in &panel.series {
        let pts: Vec<String> = s
            .points
            .iter()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .map(|&(x, y)| format!("{:.1},{:.1}", sx(x), sy(y)))
            .collect();
        let dash = if s.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = writeln!(
            out,
            r#"<polyline clip-path="url(#{clip})" fill="none" stroke="{}" stroke-width="1.5" stroke-linejoin="round"{dash} points="{}"/>"#,
            s.color,
            pts.join(" ")
        );
        if let Some(m) = s.marker {
            for &(x, y) in s.points.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
                let _ = writeln!(out, "{}", marker(m, sx(x), sy(y), s.color));
            }
        }
    }
    // The frame last, over the lines' ends.
    let _ =
        writeln!(out, r#"<rect x="{px:.1}" y="{py:.1}" width="{pw:.1}" height="{ph:.1}" fill="none" stroke="black"/>"#);
    if panel.legend {
        draw_legend(out, &panel.series, (px + pw, py + ph));
    }
}

/// A boxed legend whose lower-right corner sits just inside `corner`.
fn draw_legend(out: &mut String, series: &[Series], corner: (f64, f64)) {
    let (w, row) = (110.0, 20.0);
    let h = row * series.len() as f64 + 8.0;
    let (x, y) = (corner.0 - w - 10.0, corner.1 - h - 10.0);
    let _ = writeln!(
        out,
        r##"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="white" stroke="#cccccc" rx="3"/>"##
    );
    for (i, s) in series.iter().enumerate() {
        let ly = y + 4.0 + row * (i as f64 + 0.5);
        let dash = if s.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = writeln!(
            out,
            r#"<line x1="{:.1}" y1="{ly:.1}" x2="{:.1}" y2="{ly:.1}" stroke="{}" stroke-width="1.5"{dash}/>"#,
            x + 8.0,
            x + 36.0,
            s.color
        );
        if let Some(m) = s.marker {
            let _ = writeln!(out, "{}", marker(m, x + 22.0, ly, s.color));
        }
        let _ = writeln!(out, r#"<text x="{:.1}" y="{:.1}">{}</text>"#, x + 42.0, ly + 4.0, esc(s.label));
    }
}

/// An SVG document of `width × height` pixels holding `panels`, each in its rectangle.
pub fn document(width: f64, height: f64, panels: &[(Panel, Rect)]) -> String {
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (panel, rect) in panels {
        draw_panel(&mut out, panel, *rect);
    }
    out.push_str("</svg>\n");
    out
}

/// The loss of every iteration (left) beside the first 1000 (right).
pub fn loss_figure(losses: &[f64]) -> String {
    let panel = |title, n: usize| {
        let shown = &losses[..n.min(losses.len())];
        let top = nice_ceil(shown.iter().copied().filter(|v| v.is_finite()).fold(0.0, f64::max));
        Panel {
            title,
            x: (0.0, (shown.len().max(2) - 1) as f64),
            y: (0.0, top),
            x_integer: true,
            x_label: "iteration",
            y_label: "loss",
            series: vec![Series {
                label: "loss",
                points: shown.iter().enumerate().map(|(i, &l)| (i as f64, l)).collect(),
                color: BLUE,
                dashed: false,
                marker: None,
            }],
            legend: false,
        }
    };
    let all = format!("all {} iterations", losses.len());
    let first = format!("first {} iterations", losses.len().min(1000));
    document(
        960.0,
        400.0,
        &[(panel(&all, losses.len()), (0.0, 0.0, 480.0, 400.0)), (panel(&first, 1000), (480.0, 0.0, 480.0, 400.0))],
    )
}

/// Train (solid) and test (dashed) accuracy per epoch, y from 0 to 1.
pub fn accuracy_figure(train: &[f64], test: &[f64]) -> String {
    let pts = |v: &[f64]| v.iter().enumerate().map(|(i, &a)| (i as f64, a)).collect();
    let panel = Panel {
        title: "",
        x: (0.0, (train.len().max(2) - 1) as f64),
        y: (0.0, 1.0),
        x_integer: true,
        x_label: "epochs",
        y_label: "accuracy",
        series: vec![
            Series { label: "train acc", points: pts(train), color: BLUE, dashed: false, marker: Some(Marker::Circle) },
            Series { label: "test acc", points: pts(test), color: ORANGE, dashed: true, marker: Some(Marker::Square) },
        ],
        legend: true,
    };
    document(640.0, 480.0, &[(panel, (0.0, 0.0, 640.0, 480.0))])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_and_ticks() {
        assert_eq!(nice_step(1.0, 5), 0.2);
        assert_eq!(nice_step(9999.0, 6), 2000.0);
        assert_eq!(nice_step(16.0, 6), 2.0);
        assert_eq!(ticks(0.0, 1.0, 0.2).len(), 6);
        assert_eq!(ticks(0.0, 9999.0, 2000.0), vec![0.0, 2000.0, 4000.0, 6000.0, 8000.0]);
        assert_eq!(nice_ceil(2.31), 2.5);
        assert_eq!(tick_label(0.6000000000000001, 0.2), "0.6");
        assert_eq!(tick_label(4000.0, 2000.0), "4000");
    }

    #[test]
    fn figures_are_svg_with_their_labels() {
        let losses: Vec<f64> = (0..1500).map(|i| 2.3 / (1.0 + i as f64 / 100.0)).collect();
        let s = loss_figure(&losses);
        assert!(s.starts_with("<svg") && s.trim_end().ends_with("</svg>"));
        assert!(s.contains("all 1500 iterations") && s.contains("first 1000 iterations"));
        let s = accuracy_figure(&[0.1, 0.8, 0.9], &[0.1, 0.79, 0.89]);
        for t in ["epochs", "accuracy", "train acc", "test acc", "stroke-dasharray"] {
            assert!(s.contains(t), "{t}");
        }
    }
}
