//! Charts drawn on the server as SVG: they load with the page, need no script, print, and
//! scale on a small screen. Each carries a `<title>` and `<desc>`; the page shows the same
//! numbers as a table beside it for screen readers and for copying.
//!
//! Every label reaching the SVG is escaped here (the templates insert the SVG as it is).

use std::fmt::Write as _;

/// One bar, point or region: its label and value (`None` when hidden from the public).
#[derive(Clone, Debug)]
pub struct Datum {
    pub label: String,
    pub value: Option<f64>,
}

/// Stacked bars: per category, one value per series.
#[derive(Clone, Debug)]
pub struct Stack {
    pub label: String,
    pub parts: Vec<Option<f64>>,
}

/// How many series a stacked chart can tell apart.
pub const COLOURS: usize = PALETTE.len();

const PALETTE: [&str; 8] = [
    "#1f5f8b", "#e07b39", "#3a9d5d", "#b8467a", "#7a5cc2", "#c9a227", "#4a8fb0", "#8a8a8a",
];

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The opening of a chart; `id` keeps its element ids apart from other charts on the page.
fn open(id: &str, width: u32, height: u32, title: &str, desc: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"chart\"><title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(desc)
    )
}

/// A hatched fill for hidden values, named `{id}-hatch`.
fn hatch(id: &str) -> String {
    format!(
        "<defs><pattern id=\"{id}-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eee\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/></pattern></defs>"
    )
}

/// Whole numbers plain, others with one decimal (percents) or two (rates per 10,000).
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else if (v * 10.0).fract().abs() < 1e-9 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// Horizontal bars, one per datum; a hidden value is drawn as a hatched stub marked `hidden`.
pub fn bars(id: &str, title: &str, desc: &str, data: &[Datum], hidden: &str) -> String {
    let row = 22;
    let label_w = 170.0;
    let width = 640.0;
    let height = (data.len() as u32 * row + 10).max(40);
    let max = data.iter().filter_map(|d| d.value).fold(0.0_f64, f64::max);
    let mut svg = open(id, width as u32, height, title, desc);
    svg.push_str(&hatch(id));
    for (i, d) in data.iter().enumerate() {
        let y = i as u32 * row + 5;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            label_w - 6.0,
            y + 14,
            escape(&truncate(&d.label, 26))
        );
        match d.value {
            Some(v) => {
                let w = if max > 0.0 {
                    v / max * (width - label_w - 70.0)
                } else {
                    0.0
                };
                let _ = write!(
                    svg,
                    "<rect x=\"{label_w}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"/>\
                     <text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
                    row - 6,
                    PALETTE[0],
                    label_w + w + 4.0,
                    y + 13,
                    number(v)
                );
            }
            None => {
                let _ = write!(
                    svg,
                    "<rect x=\"{label_w}\" y=\"{y}\" width=\"24\" height=\"{}\" fill=\"url(#{id}-hatch)\"/>\
                     <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#555\">{}</text>",
                    row - 6,
                    label_w + 28.0,
                    y + 13,
                    escape(hidden)
                );
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Horizontal stacked bars, one per category, with a legend above (`series` names the
/// parts, in palette order). Horizontal, so long region names need no rotation on a phone.
pub fn stacked(id: &str, title: &str, desc: &str, stacks: &[Stack], series: &[String]) -> String {
    let row = 22;
    let label_w = 170.0;
    let width = 640.0;
    let legend_h = 18 * series.len().min(PALETTE.len()) as u32 + 8;
    let height = legend_h + stacks.len() as u32 * row + 10;
    let total = |s: &Stack| s.parts.iter().flatten().sum::<f64>();
    let max = stacks.iter().map(total).fold(0.0_f64, f64::max);
    let mut svg = open(id, width as u32, height, title, desc);
    legend(&mut svg, series, 4.0);
    for (i, s) in stacks.iter().enumerate() {
        let y = legend_h + i as u32 * row + 5;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            label_w - 6.0,
            y + 14,
            escape(&truncate(&s.label, 26))
        );
        let mut x = label_w;
        for (j, part) in s.parts.iter().enumerate() {
            let Some(v) = part else { continue };
            let w = if max > 0.0 {
                v / max * (width - label_w - 70.0)
            } else {
                0.0
            };
            let _ = write!(
                svg,
                "<rect x=\"{x:.1}\" y=\"{y}\" width=\"{w:.1}\" height=\"{}\" fill=\"{}\"/>",
                row - 6,
                PALETTE[j % PALETTE.len()]
            );
            x += w;
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"12\">{}</text>",
            x + 4.0,
            y + 13,
            number(total(s))
        );
    }
    svg.push_str("</svg>");
    svg
}

fn legend(svg: &mut String, series: &[String], top: f64) {
    for (j, name) in series.iter().take(PALETTE.len()).enumerate() {
        let y = top + j as f64 * 18.0;
        let _ = write!(
            svg,
            "<rect x=\"170\" y=\"{y:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/>\
             <text x=\"188\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            PALETTE[j % PALETTE.len()],
            y + 10.0,
            escape(name)
        );
    }
}

/// A line over months (`data` in time order); hidden months break the line.
pub fn line(id: &str, title: &str, desc: &str, data: &[Datum]) -> String {
    let width = 640.0;
    let plot_h = 200.0;
    let max = data.iter().filter_map(|d| d.value).fold(0.0_f64, f64::max);
    let n = data.len().max(2) as f64 - 1.0;
    let x_of = |i: usize| 40.0 + i as f64 / n * (width - 60.0);
    let y_of = |v: f64| 10.0 + plot_h - if max > 0.0 { v / max * plot_h } else { 0.0 };
    let mut svg = open(id, width as u32, (plot_h + 50.0) as u32, title, desc);
    let _ = write!(
        svg,
        "<line x1=\"40\" y1=\"{0}\" x2=\"{1}\" y2=\"{0}\" stroke=\"#999\"/>\
         <text x=\"36\" y=\"16\" font-size=\"11\" text-anchor=\"end\">{2}</text>\
         <text x=\"36\" y=\"{0}\" font-size=\"11\" text-anchor=\"end\">0</text>",
        plot_h + 10.0,
        width - 20.0,
        number(max)
    );
    let mut path = String::new();
    let mut drawing = false;
    for (i, d) in data.iter().enumerate() {
        if let Some(v) = d.value {
            // A hidden month ends the line; the next shown one starts it again.
            let command = if drawing { 'L' } else { 'M' };
            let _ = write!(path, "{command}{:.1} {:.1} ", x_of(i), y_of(v));
        }
        drawing = d.value.is_some();
    }
    let _ = write!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
        path.trim_end(),
        PALETTE[0]
    );
    // Label the first and last month and a few between.
    let step = (data.len() / 6).max(1);
    for (i, d) in data.iter().enumerate() {
        if i % step == 0 || i + 1 == data.len() {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                x_of(i),
                plot_h + 28.0,
                escape(&d.label)
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// Uzbekistan's 14 regions as a tile map, west to east (col, row): close to where each lies.
const TILES: [(&str, u32, u32); 14] = [
    ("UZ-QR", 0, 0),
    ("UZ-XO", 1, 1),
    ("UZ-NW", 2, 0),
    ("UZ-BU", 2, 1),
    ("UZ-SA", 3, 1),
    ("UZ-QA", 3, 2),
    ("UZ-SU", 4, 3),
    ("UZ-JI", 4, 1),
    ("UZ-SI", 5, 1),
    ("UZ-TK", 5, 0),
    ("UZ-TO", 6, 0),
    ("UZ-NG", 7, 0),
    ("UZ-AN", 8, 1),
    ("UZ-FA", 7, 1),
];

const SHADES: [&str; 5] = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];

/// A choropleth of the regions: five shades by value; hidden and missing regions hatched.
/// `data` labels are ISO 3166-2 codes; `name` gives each region's name.
pub fn region_map(
    id: &str,
    title: &str,
    desc: &str,
    data: &[Datum],
    name: &dyn Fn(&str) -> String,
    hidden: &str,
) -> String {
    let size = 70.0;
    let max = data.iter().filter_map(|d| d.value).fold(0.0_f64, f64::max);
    let mut svg = open(id, 9 * 72 + 10, 4 * 72 + 40, title, desc);
    svg.push_str(&hatch(id));
    for (code, col, row) in TILES {
        let datum = data.iter().find(|d| d.label == code);
        let value = datum.and_then(|d| d.value);
        let x = 5.0 + col as f64 * 72.0;
        let y = 5.0 + row as f64 * 72.0;
        let (fill, shown, ink) = match value {
            Some(v) => {
                let class = if max > 0.0 {
                    ((v / max) * 4.999) as usize
                } else {
                    0
                };
                let ink = if class >= 3 { "#fff" } else { "#111" };
                (SHADES[class.min(4)].to_string(), number(v), ink)
            }
            None if datum.is_some() => (format!("url(#{id}-hatch)"), hidden.to_string(), "#111"),
            // Not in this table at all (filtered out, outside the reader's regions, no records).
            None => ("#f4f4f4".to_string(), "—".to_string(), "#111"),
        };
        let full = name(code);
        let _ = write!(
            svg,
            "<g><title>{}: {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{size}\" height=\"{size}\" rx=\"6\" fill=\"{fill}\" stroke=\"#fff\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"middle\" fill=\"{ink}\">{}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" font-weight=\"bold\" text-anchor=\"middle\" fill=\"{ink}\">{}</text></g>",
            escape(&full),
            escape(&shown),
            x + size / 2.0,
            y + 24.0,
            escape(&truncate(&full, 12)),
            x + size / 2.0,
            y + 46.0,
            escape(&shown)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped() {
        let data = vec![Datum {
            label: "<script>alert(1)</script>".into(),
            value: Some(3.0),
        }];
        let svg = bars("c", "t & <b>", "d", &data, "hidden");
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(svg.contains("t &amp; &lt;b&gt;"));
    }

    #[test]
    fn the_map_draws_every_region_and_hatches_the_hidden() {
        let data = vec![
            Datum {
                label: "UZ-SA".into(),
                value: Some(120.0),
            },
            Datum {
                label: "UZ-AN".into(),
                value: None,
            },
        ];
        let svg = region_map("c", "m", "d", &data, &|c: &str| c.to_string(), "hidden");
        assert_eq!(svg.matches("<rect x=").count(), 14);
        assert!(svg.contains("UZ-SA: 120"));
        assert!(svg.contains("UZ-AN: hidden"));
    }
}
