//! The look shared by every chart: colours, fonts, text-width estimates and the text of numbers
//! and labels. Without a font engine the width of a text is estimated from its characters, so
//! layouts leave slack and long texts are cut with an ellipsis rather than overflow.

use plotters::style::{FontStyle, IntoFont, RGBColor, TextStyle};

/// Twenty well-separated colours; series past these get generated hues.
const BASE_PALETTE: [(u8, u8, u8); 20] = [
    (0x31, 0x6F, 0xC4), // blue
    (0xF2, 0x8E, 0x1C), // orange
    (0x3A, 0xA5, 0x4B), // green
    (0xD6, 0x3C, 0x3C), // red
    (0x8E, 0x5E, 0xC2), // purple
    (0x8A, 0x5A, 0x44), // brown
    (0xE3, 0x73, 0xC0), // pink
    (0x6E, 0x6E, 0x6E), // grey
    (0xB5, 0xB8, 0x1E), // olive
    (0x19, 0xB8, 0xCC), // cyan
    (0x9C, 0xC2, 0xEE), // light blue
    (0xFF, 0xC2, 0x7A), // light orange
    (0x98, 0xDB, 0x8C), // light green
    (0xFF, 0x9A, 0x96), // light red
    (0xC8, 0xB0, 0xDE), // light purple
    (0xC8, 0x9C, 0x8E), // light brown
    (0xF7, 0xB9, 0xD6), // light pink
    (0xC4, 0xC4, 0xC4), // light grey
    (0xDE, 0xDE, 0x8F), // light olive
    (0x9E, 0xDD, 0xE8), // light cyan
];

pub const BLACK_TEXT: RGBColor = RGBColor(0x22, 0x22, 0x22);
pub const MUTED_TEXT: RGBColor = RGBColor(0x55, 0x55, 0x55);
pub const AXIS: RGBColor = RGBColor(0x88, 0x88, 0x88);
pub const GRID: RGBColor = RGBColor(0xE4, 0xE4, 0xE4);

/// Font sizes in pixels (as written in the SVG).
pub const TITLE_PX: f64 = 18.0;
pub const LABEL_PX: f64 = 12.0;
pub const AXIS_TITLE_PX: f64 = 13.0;

/// The colour of series (or slice) `index`: the base palette, then 15 evenly spaced hues at
/// three lightness levels (turned a little further on each later round), so 50 slices still get
/// 50 colours that can be told apart.
pub fn color(index: usize) -> RGBColor {
    if let Some(&(r, g, b)) = BASE_PALETTE.get(index) {
        return RGBColor(r, g, b);
    }
    const HUES: usize = 15;
    let n = index - BASE_PALETTE.len();
    let round = n / (3 * HUES);
    let hue = ((n % HUES) as f64 * (360.0 / HUES as f64) + 15.0 + round as f64 * 8.0) % 360.0;
    let lightness = [0.32, 0.55, 0.75][(n / HUES) % 3];
    hsl_to_rgb(hue, 0.65, lightness)
}

fn hsl_to_rgb(hue: f64, saturation: f64, lightness: f64) -> RGBColor {
    let c = (1.0 - (2.0 * lightness - 1.0).abs()) * saturation;
    let h = hue / 60.0;
    let x = c * (1.0 - (h % 2.0 - 1.0).abs());
    let (r, g, b) = match h as u32 {
        0 => (c, x, 0.0),
        1 => (x, c, 0.0),
        2 => (0.0, c, x),
        3 => (0.0, x, c),
        4 => (x, 0.0, c),
        _ => (c, 0.0, x),
    };
    let m = lightness - c / 2.0;
    let byte = |v: f64| ((v + m) * 255.0).round().clamp(0.0, 255.0) as u8;
    RGBColor(byte(r), byte(g), byte(b))
}

/// A sans-serif font of `px` pixels. plotters' SVG backend writes `size / 1.24` as the
/// font-size, so the size is scaled up to come out as `px`.
pub fn font(px: f64) -> TextStyle<'static> {
    ("sans-serif", px * 1.24).into_font().color(&BLACK_TEXT)
}

pub fn bold_font(px: f64) -> TextStyle<'static> {
    ("sans-serif", px * 1.24)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK_TEXT)
}

/// Estimated width in pixels of `text` at `px`, on the wide side for common sans-serif fonts.
pub fn text_width(text: &str, px: f64) -> f64 {
    text.chars().map(|c| char_width(c) * px).sum()
}

fn char_width(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '|' | '!' | '(' | ')' => 0.32,
        ' ' | 'f' | 't' | 'r' | '-' | '/' => 0.40,
        'm' | 'w' | 'M' | 'W' | '%' | '@' => 0.90,
        '0'..='9' | 'a'..='z' => 0.62,
        'A'..='Z' | '#' | '&' => 0.70,
        c if is_wide(c) => 1.0,
        _ => 0.66,
    }
}

/// East Asian wide characters and emoji take a full em.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF |
        0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD)
}

/// `text` cut to fit `max_px` at `px`: the middle gives way to `…`, so the start and the tail,
/// where resource ids, FQDNs and rule lists differ, stay.
pub fn fit(text: &str, px: f64, max_px: f64) -> String {
    cut(text, px, max_px, HEAD_SHARE)
}

/// Share of a cut label's room given to its start; the rest keeps the tail.
const HEAD_SHARE: f64 = 0.35;

/// `text` in `max_px`, `…` replacing what does not fit, `head_share` of the room for the start.
fn cut(text: &str, px: f64, max_px: f64, head_share: f64) -> String {
    if text_width(text, px) <= max_px {
        return text.to_string();
    }
    let budget = (max_px - text_width("…", px)).max(0.0);
    let chars: Vec<char> = text.chars().collect();
    let take = |room: f64, chars: &mut dyn Iterator<Item = &char>| -> usize {
        let mut used = 0.0;
        let mut n = 0;
        for &c in chars {
            used += char_width(c) * px;
            if used > room {
                break;
            }
            n += 1;
        }
        n
    };
    let head = take(budget * head_share, &mut chars.iter());
    let head_used: f64 = chars[..head].iter().map(|&c| char_width(c) * px).sum();
    let tail = take(budget - head_used, &mut chars[head..].iter().rev());
    let start: String = chars[..head].iter().collect();
    let end: String = chars[chars.len() - tail..].iter().collect();
    format!("{}…{}", start.trim_end(), end.trim_start())
}

/// Each `(text, room)` cut to its room as [`fit`] does, except that texts which differ never
/// come out the same: a clash is cut again keeping only the tail, then only the start, then
/// with more room until the texts tell apart (in full, at worst).
pub fn fit_distinct(items: &[(&str, f64)], px: f64) -> Vec<String> {
    let mut shown: Vec<String> = items.iter().map(|(t, room)| fit(t, px, *room)).collect();
    let mut attempt = 0;
    loop {
        let clashing: Vec<usize> = (0..items.len())
            .filter(|&i| {
                (0..items.len()).any(|j| j != i && shown[j] == shown[i] && items[j].0 != items[i].0)
            })
            .collect();
        if clashing.is_empty() {
            return shown;
        }
        attempt += 1;
        for i in clashing {
            let (text, room) = items[i];
            shown[i] = match attempt {
                1 => cut(text, px, room, 0.0),
                2 => cut(text, px, room, 1.0),
                n => cut(text, px, room + f64::from(n - 2) * px, HEAD_SHARE),
            };
        }
    }
}

/// A label as it can appear in SVG: control characters (which XML forbids) become spaces, and an
/// empty label is shown as `(empty)` so its slice or bar can still be named.
pub fn display_label(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if cleaned.trim().is_empty() {
        "(empty)".to_string()
    } else {
        cleaned
    }
}

/// A value in full, with thousands separators: `1,234,567`, `12.5`, `-3,000.25`.
pub fn full_number(v: f64) -> String {
    if !v.is_finite() {
        return v.to_string();
    }
    let rounded = (v * 100.0).round() / 100.0;
    let negative = rounded < 0.0;
    let abs = rounded.abs();
    let int_part = abs.trunc();
    let frac = ((abs - int_part) * 100.0).round() as u32;
    let digits = format!("{int_part:.0}");
    let mut grouped = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(d);
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if frac > 0 {
        let f = format!("{frac:02}");
        out.push('.');
        out.push_str(f.trim_end_matches('0'));
    }
    out
}

/// A value in at most four significant characters for axis ticks: `950`, `1.2K`, `3.4M`, `0.25`.
pub fn compact_number(v: f64) -> String {
    let abs = v.abs();
    let (scaled, suffix) = if abs >= 1e12 {
        (v / 1e12, "T")
    } else if abs >= 1e9 {
        (v / 1e9, "G")
    } else if abs >= 1e6 {
        (v / 1e6, "M")
    } else if abs >= 1e4 {
        (v / 1e3, "K")
    } else {
        (v, "")
    };
    let text = if scaled == scaled.trunc() || scaled.abs() >= 100.0 {
        format!("{scaled:.0}")
    } else if scaled.abs() >= 10.0 {
        format!("{scaled:.1}")
    } else if scaled.abs() >= 0.01 || scaled == 0.0 {
        format!("{scaled:.2}")
    } else {
        format!("{scaled:.1e}")
    };
    let text = if text.contains('.') && !text.contains('e') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    let text = if text == "-0" { "0".to_string() } else { text };
    format!("{text}{suffix}")
}

/// A share as a percentage with one decimal: `12.5%`, and `<0.1%` for a sliver.
pub fn percent(share: f64) -> String {
    let pct = share * 100.0;
    if pct > 0.0 && pct < 0.05 {
        "<0.1%".to_string()
    } else {
        format!("{pct:.1}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_well() {
        assert_eq!(full_number(1234567.0), "1,234,567");
        assert_eq!(full_number(-3000.25), "-3,000.25");
        assert_eq!(full_number(12.5), "12.5");
        assert_eq!(full_number(0.0), "0");
        assert_eq!(compact_number(950.0), "950");
        assert_eq!(compact_number(1200.0), "1200");
        assert_eq!(compact_number(12_000.0), "12K");
        assert_eq!(compact_number(3_400_000.0), "3.4M");
        assert_eq!(compact_number(0.25), "0.25");
        assert_eq!(compact_number(-0.0), "0");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.0001), "<0.1%");
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let cut = fit("a-very-long-resource-name-that-goes-on", 12.0, 80.0);
        assert!(cut.contains('…') && cut.ends_with("on"), "{cut}");
        assert!(text_width(&cut, 12.0) <= 80.0);
        assert_eq!(fit("short", 12.0, 80.0), "short");
        // The middle goes, the start and the tail stay.
        let id = "/subscriptions/6a1f0c2e/resourceGroups/rg-net/providers/nic-frontend-01";
        let cut = fit(id, 12.0, 150.0);
        assert!(
            cut.starts_with("/sub") && cut.ends_with("frontend-01"),
            "{cut}"
        );
        // Wide characters count double.
        assert!(text_width("東京", 12.0) > text_width("ab", 12.0));
    }

    #[test]
    fn cut_labels_never_collide() {
        let a = "6a1f0c2e-3b4d-4e5f-8a9b-000000000001-a-long-shared-suffix";
        let b = "6a1f0c2e-3b4d-4e5f-8a9b-000000000002-a-long-shared-suffix";
        let same = "6a1f0c2e-3b4d-4e5f-8a9b-000000000001-a-long-shared-suffix";
        assert_eq!(fit(a, 12.0, 120.0), fit(b, 12.0, 120.0), "both cut alike");
        let shown = fit_distinct(&[(a, 120.0), (b, 120.0), (same, 120.0)], 12.0);
        assert_ne!(shown[0], shown[1], "{shown:?}");
        assert_eq!(shown[0], shown[2], "equal texts stay equal");
        assert!(shown[0].contains('…'), "{shown:?}");
        let many: Vec<String> = (0..30).map(|i| format!("prefix-{i:02}-suffix")).collect();
        let items: Vec<(&str, f64)> = many.iter().map(|s| (s.as_str(), 40.0)).collect();
        let shown = fit_distinct(&items, 12.0);
        let unique: std::collections::HashSet<&String> = shown.iter().collect();
        assert_eq!(unique.len(), 30, "{shown:?}");
    }

    #[test]
    fn labels_are_printable() {
        assert_eq!(display_label(""), "(empty)");
        assert_eq!(display_label("a\u{0}b"), "a b");
    }

    #[test]
    fn fifty_colours_are_distinct() {
        let colors: Vec<_> = (0..50)
            .map(|i| {
                let c = color(i);
                (c.0, c.1, c.2)
            })
            .collect();
        for (i, a) in colors.iter().enumerate() {
            for b in &colors[i + 1..] {
                let d = (a.0 as i32 - b.0 as i32).abs()
                    + (a.1 as i32 - b.1 as i32).abs()
                    + (a.2 as i32 - b.2 as i32).abs();
                assert!(d >= 30, "{a:?} vs {b:?}");
            }
        }
    }
}
