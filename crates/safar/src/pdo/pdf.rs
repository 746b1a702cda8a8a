//! The printable A4 PDF of a pre-departure orientation (PDO) certificate.
//!
//! The page is drawn with krilla. Text is real text: DejaVu is embedded (krilla subsets it
//! and writes a ToUnicode map), so the PDF can be searched, copied and read by `pdftotext`,
//! Uzbek Cyrillic (ў қ ғ ҳ) and the Latin apostrophes (‘ ’) included. The QR code is drawn
//! as vector rectangles, so it stays sharp at any print resolution.
//!
//! Everything has to fit on the one page. Long values are wrapped (and the table shrinks a
//! little if needed); content that still cannot fit is an error rather than a clipped page.

use anyhow::{Context, Result, anyhow, bail, ensure};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use qrcode::{EcLevel, QrCode};

/// What goes on the certificate, already localised by the caller.
pub struct CertificatePdf {
    /// e.g. "Pre-departure orientation certificate" in the page language (and optionally a second line in English).
    pub title: String,
    pub subtitle: String, // e.g. "Migration Agency of the Republic of Uzbekistan"
    pub holder_latn: String, // "Dilnoza Karimova" (Uzbek Latin, with ‘ and ’ characters)
    pub holder_cyrl: String, // "Дилноза Каримова" (Uzbek Cyrillic: ў қ ғ ҳ must render)
    /// Label/value rows: PINFL (masked), destination, curriculum and version, centre, dates, score, certificate id, issue date.
    pub rows: Vec<(String, String)>,
    /// The compact signed token that the QR code carries (ASCII, up to ~400 chars, e.g. "SC1.<base64url>.<base64url>").
    pub qr_payload: String,
    /// Text under the QR code: where and how to verify, e.g. "Check at https://safar.example/verify — only trust this address."
    pub verify_note: String,
}

// ---------------------------------------------------------------------------------------
// Page geometry, in PDF points (1/72 inch). krilla puts the origin at the top left, y down.

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const MM: f32 = 72.0 / 25.4;

/// The text column. 20 mm margins keep everything clear of the border and of the
/// unprintable edge most office printers leave.
const LEFT: f32 = 20.0 * MM;
const RIGHT: f32 = PAGE_W - 20.0 * MM;
const COLUMN_W: f32 = RIGHT - LEFT;
const TOP: f32 = 24.0 * MM;
const BOTTOM: f32 = PAGE_H - 20.0 * MM;

/// The printed QR symbol (without its quiet zone). 45 mm keeps a ~400-character token
/// (version 15, 77 modules) at about 0.6 mm per module, which phone cameras read easily.
const QR_SIZE: f32 = 45.0 * MM;
/// ISO/IEC 18004 asks for four blank modules around the symbol.
const QR_QUIET_MODULES: f32 = 4.0;

/// Line height as a multiple of the font size.
const LEADING: f32 = 1.3;
/// Table text is shrunk step by step (down to 60 %) before giving up on a too-long certificate.
const TABLE_SCALES: [f32; 6] = [1.0, 0.92, 0.84, 0.76, 0.68, 0.6];

const INK: (u8, u8, u8) = (20, 20, 20);
const MUTED: (u8, u8, u8) = (85, 85, 85);
const RULE: (u8, u8, u8) = (150, 150, 150);

/// Renders a one-page A4 PDF (595.28 × 841.89 pt).
pub fn render(doc: &CertificatePdf) -> Result<Vec<u8>> {
    // Encode the QR code first: an unusable payload should fail before any drawing.
    let qr = QrModules::encode(&doc.qr_payload)?;
    let fonts = Fonts::load()?;
    let layout = Layout::new(doc, &fonts, &qr)?;

    let mut document = Document::new();
    document.set_metadata(metadata(doc));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).context("invalid page size")?;
    let mut page = document.start_page_with(settings);
    let mut surface = page.surface();
    draw_border(&mut surface);
    layout.draw(&mut surface, &qr);
    surface.finish();
    page.finish();
    document
        .finish()
        .map_err(|e| anyhow!("could not write the certificate PDF: {e}"))
}

/// Document properties shown by PDF viewers. No creation date is set, so the same
/// certificate always renders to the same bytes.
fn metadata(doc: &CertificatePdf) -> Metadata {
    // Title lines (e.g. Uzbek, then English) become one line: "… sertifikati / … certificate".
    let title = clean(&doc.title);
    let title = title
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" / ");
    Metadata::new()
        .title(title)
        .description(clean(&doc.subtitle))
        .creator("Safar".to_owned())
}

// ---------------------------------------------------------------------------------------
// Layout: every block is measured first, so overflow is detected before anything is drawn.

/// The measured page, top to bottom.
struct Layout<'f> {
    header: Vec<Heading<'f>>,
    table: Table<'f>,
    table_top: f32,
    note: Block<'f>,
    qr_box_top: f32,
}

impl<'f> Layout<'f> {
    fn new(doc: &CertificatePdf, fonts: &'f Fonts, qr: &QrModules) -> Result<Self> {
        let header = header_blocks(doc, fonts);
        let header_bottom = TOP
            + header
                .iter()
                .map(|h| h.space_above + h.block.height())
                .sum::<f32>();
        let table_top = header_bottom + 18.0;

        let quiet = qr.quiet_zone();
        let box_side = QR_SIZE + 2.0 * quiet;
        let note_x = LEFT + box_side + 4.0 * MM;
        // Prose: wrapped at a readable size, never shrunk to one line.
        let note = Block::wrapped(
            &fonts.regular,
            &clean(&doc.verify_note),
            10.0,
            RIGHT - note_x,
        );
        // The note starts level with the symbol; whichever is taller sets the block height.
        let block_h = box_side.max(quiet + note.height());
        let qr_box_top = BOTTOM - block_h;

        let room = qr_box_top - 10.0 - table_top;
        let table = TABLE_SCALES
            .iter()
            .map(|&scale| Table::new(&doc.rows, fonts, scale))
            .find(|t| t.height() <= room)
            .context("the certificate text does not fit on one A4 page")?;
        Ok(Layout {
            header,
            table,
            table_top,
            note,
            qr_box_top,
        })
    }

    fn draw(&self, surface: &mut Surface, qr: &QrModules) {
        let mut y = TOP;
        for heading in &self.header {
            if heading.rule_above {
                // A short centred rule halfway through the gap sets the name apart.
                let rule_y = y + heading.space_above / 2.0;
                hline(
                    surface,
                    PAGE_W / 2.0 - 25.0 * MM,
                    PAGE_W / 2.0 + 25.0 * MM,
                    rule_y,
                    0.5,
                );
            }
            y = heading.block.draw(
                surface,
                Align::Centre,
                y + heading.space_above,
                heading.colour,
            );
        }
        self.table.draw(surface, self.table_top);

        // The rule above the QR code sits on the edge of its quiet zone, never inside it.
        hline(surface, LEFT, RIGHT, self.qr_box_top, 0.3);
        let quiet = qr.quiet_zone();
        let symbol_top = self.qr_box_top + quiet;
        qr.draw(surface, LEFT + quiet, symbol_top);
        let note_x = LEFT + QR_SIZE + 2.0 * quiet + 4.0 * MM;
        self.note
            .draw(surface, Align::Left(note_x), symbol_top, INK);
    }
}

/// One centred block of the page header.
struct Heading<'f> {
    block: Block<'f>,
    colour: (u8, u8, u8),
    space_above: f32,
    rule_above: bool,
}

/// Title (first line bold, further lines such as an English version smaller), subtitle,
/// then the holder's name in Latin, large, with the Cyrillic form below it.
fn header_blocks<'f>(doc: &CertificatePdf, fonts: &'f Fonts) -> Vec<Heading<'f>> {
    let heading = |block, colour, space_above, rule_above| Heading {
        block,
        colour,
        space_above,
        rule_above,
    };
    let mut blocks = Vec::new();
    let title = clean(&doc.title);
    let mut lines = title.lines().map(str::trim).filter(|l| !l.is_empty());
    if let Some(first) = lines.next() {
        blocks.push(heading(
            fit(&fonts.bold, first, 20.0, 16.0, COLUMN_W),
            INK,
            0.0,
            false,
        ));
    }
    for line in lines {
        blocks.push(heading(
            fit(&fonts.regular, line, 13.0, 11.0, COLUMN_W),
            MUTED,
            0.0,
            false,
        ));
    }
    let subtitle = fit(&fonts.regular, &clean(&doc.subtitle), 11.0, 9.5, COLUMN_W);
    blocks.push(heading(subtitle, MUTED, 4.0, false));
    let latin = fit(&fonts.bold, &clean(&doc.holder_latn), 28.0, 20.0, COLUMN_W);
    blocks.push(heading(latin, INK, 40.0, true));
    let cyrillic = fit(
        &fonts.regular,
        &clean(&doc.holder_cyrl),
        18.0,
        14.0,
        COLUMN_W,
    );
    blocks.push(heading(cyrillic, INK, 2.0, false));
    blocks
}

/// The label/value table. Labels sit in a narrower muted column; values wrap in the rest.
struct Table<'f> {
    rows: Vec<(Block<'f>, Block<'f>)>,
    value_x: f32,
    padding: f32,
}

impl<'f> Table<'f> {
    fn new(rows: &[(String, String)], fonts: &'f Fonts, scale: f32) -> Self {
        let (label_size, value_size) = (9.0 * scale, 11.0 * scale);
        // The label column is as wide as the widest label, within a quarter to two fifths.
        let widest = rows
            .iter()
            .map(|(label, _)| fonts.regular.width(&clean(label), label_size))
            .fold(0.0, f32::max);
        let label_w = widest.clamp(0.25 * COLUMN_W, 0.4 * COLUMN_W);
        let value_x = LEFT + label_w + 5.0 * MM;
        let rows = rows
            .iter()
            .map(|(label, value)| {
                let value = clean(value);
                let face = if is_code(&value) {
                    &fonts.mono
                } else {
                    &fonts.regular
                };
                let label = Block::wrapped(&fonts.regular, &clean(label), label_size, label_w);
                (
                    label,
                    Block::wrapped(face, &value, value_size, RIGHT - value_x),
                )
            })
            .collect();
        Table {
            rows,
            value_x,
            padding: 5.0 * scale,
        }
    }

    fn row_height(&self, label: &Block, value: &Block) -> f32 {
        label.height().max(value.height()) + 2.0 * self.padding
    }

    fn height(&self) -> f32 {
        self.rows.iter().map(|(l, v)| self.row_height(l, v)).sum()
    }

    fn draw(&self, surface: &mut Surface, top: f32) {
        let mut y = top;
        hline(surface, LEFT, RIGHT, y, 0.3);
        for (label, value) in &self.rows {
            // Labels are smaller than values; nudge them down so the baselines line up.
            let label_drop = (value.size - label.size).max(0.0);
            label.draw(
                surface,
                Align::Left(LEFT),
                y + self.padding + label_drop,
                MUTED,
            );
            value.draw(surface, Align::Left(self.value_x), y + self.padding, INK);
            y += self.row_height(label, value);
            hline(surface, LEFT, RIGHT, y, 0.3);
        }
    }
}

/// Codes (certificate id, masked PINFL, curriculum codes) rather than prose: one ASCII
/// token mixing digits with letters or mask stars. They are set in the monospaced face so
/// that look-alikes such as 0/O and 1/l stay distinguishable when someone types them in.
fn is_code(value: &str) -> bool {
    value.len() >= 6
        && value.is_ascii()
        && !value.contains(char::is_whitespace)
        && value.contains(|c: char| c.is_ascii_digit())
        && value.contains(|c: char| c.is_ascii_alphabetic() || c == '*')
}

// ---------------------------------------------------------------------------------------
// Text blocks: wrapped lines at one size in one face.

enum Align {
    Left(f32),
    Centre,
}

struct Block<'f> {
    face: &'f Face,
    size: f32,
    lines: Vec<String>,
}

impl<'f> Block<'f> {
    fn wrapped(face: &'f Face, text: &str, size: f32, max_w: f32) -> Self {
        Block {
            face,
            size,
            lines: wrap(face, text, size, max_w),
        }
    }

    fn height(&self) -> f32 {
        self.lines.len() as f32 * self.size * LEADING
    }

    /// Draws the lines from `top` down and returns the y just below the block.
    fn draw(&self, surface: &mut Surface, align: Align, top: f32, colour: (u8, u8, u8)) -> f32 {
        set_paint(surface, Some(colour), None);
        let mut y = top;
        for line in &self.lines {
            let x = match align {
                Align::Left(x) => x,
                Align::Centre => (PAGE_W - self.face.width(line, self.size)) / 2.0,
            };
            // The baseline sits one font size below the top of the line box.
            let origin = Point::from_xy(x, y + self.size);
            let font = self.face.font.clone();
            surface.draw_text(
                origin,
                font,
                self.size,
                line,
                false,
                TextDirection::LeftToRight,
            );
            y += self.size * LEADING;
        }
        y
    }
}

/// Picks the largest size (between `min` and `max`) at which every line of `text` fits on
/// one line; text still too long at `min` is wrapped. Used for titles and names, which
/// read better shrunk a little than broken, but better broken than shrunk a lot.
fn fit<'f>(face: &'f Face, text: &str, max: f32, min: f32, max_w: f32) -> Block<'f> {
    let widest = text
        .lines()
        .map(|line| face.width(&line.split_whitespace().collect::<Vec<_>>().join(" "), 1.0))
        .fold(0.0, f32::max);
    // Slightly under the exact ratio so that rounding cannot push the line over.
    let size = if widest > 0.0 {
        (0.995 * max_w / widest).clamp(min, max)
    } else {
        max
    };
    Block::wrapped(face, text, size, max_w)
}

/// Greedy word wrap. Newlines start a new line; a word wider than the line (a long URL or
/// token) is split between characters, so no line is ever wider than `max_w`. Widths are
/// summed as the line grows (they are additive without kerning), keeping this linear.
fn wrap(face: &Face, text: &str, size: f32, max_w: f32) -> Vec<String> {
    let space = face.width(" ", size);
    let mut lines = Vec::new();
    for paragraph in text.lines() {
        let (mut line, mut line_w) = (String::new(), 0.0);
        for word in paragraph.split_whitespace() {
            for (piece, piece_w) in split_word(face, word, size, max_w) {
                if line.is_empty() {
                    (line, line_w) = (piece, piece_w);
                } else if line_w + space + piece_w <= max_w {
                    line.push(' ');
                    line.push_str(&piece);
                    line_w += space + piece_w;
                } else {
                    lines.push(std::mem::replace(&mut line, piece));
                    line_w = piece_w;
                }
            }
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

/// Splits one word into pieces no wider than `max_w` (at least one character each),
/// returned with their widths.
fn split_word(face: &Face, word: &str, size: f32, max_w: f32) -> Vec<(String, f32)> {
    let mut pieces = Vec::new();
    let (mut piece, mut width) = (String::new(), 0.0);
    for c in word.chars() {
        let w = face.metrics.advance(c) * size;
        if width + w > max_w && !piece.is_empty() {
            pieces.push((std::mem::take(&mut piece), width));
            width = 0.0;
        }
        piece.push(c);
        width += w;
    }
    pieces.push((piece, width));
    pieces
}

/// Removes characters that have no business on a certificate: control characters (other
/// than newlines) and the invisible bidirectional overrides, which could make the printed
/// text read differently from the text a verifier extracts.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || !c.is_control())
        .filter(|c| !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Drawing primitives.

fn colour((r, g, b): (u8, u8, u8)) -> krilla::paint::Paint {
    rgb::Color::new(r, g, b).into()
}

/// Sets both fill and stroke, so that no earlier state leaks into the next drawing (a
/// leftover stroke would outline text, for instance).
fn set_paint(
    surface: &mut Surface,
    fill: Option<(u8, u8, u8)>,
    stroke: Option<((u8, u8, u8), f32)>,
) {
    surface.set_fill(fill.map(|c| Fill {
        paint: colour(c),
        ..Fill::default()
    }));
    surface.set_stroke(stroke.map(|(c, width)| Stroke {
        paint: colour(c),
        width,
        ..Stroke::default()
    }));
}

fn hline(surface: &mut Surface, x1: f32, x2: f32, y: f32, width: f32) {
    let mut path = PathBuilder::new();
    path.move_to(x1, y);
    path.line_to(x2, y);
    if let Some(path) = path.finish() {
        set_paint(surface, None, Some((RULE, width)));
        surface.draw_path(&path);
    }
}

fn stroke_rect(surface: &mut Surface, inset: f32, width: f32) {
    let mut path = PathBuilder::new();
    if let Some(rect) = Rect::from_xywh(inset, inset, PAGE_W - 2.0 * inset, PAGE_H - 2.0 * inset) {
        path.push_rect(rect);
    }
    if let Some(path) = path.finish() {
        set_paint(surface, None, Some((INK, width)));
        surface.draw_path(&path);
    }
}

/// A thin double frame: sober, and it makes a cropped photocopy easy to spot.
fn draw_border(surface: &mut Surface) {
    stroke_rect(surface, 10.0 * MM, 1.0);
    stroke_rect(surface, 11.5 * MM, 0.35);
}

// ---------------------------------------------------------------------------------------
// QR code.

/// The dark/light modules of the QR symbol, row by row.
struct QrModules {
    width: usize,
    dark: Vec<bool>,
}

impl QrModules {
    /// Error correction level M (15 %) tolerates smudges and folds on paper while keeping a
    /// ~400-character token at a module size that prints cleanly at 45 mm.
    fn encode(payload: &str) -> Result<Self> {
        ensure!(!payload.is_empty(), "the QR payload is empty");
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .with_context(|| format!("a {}-byte QR payload cannot be encoded", payload.len()))?;
        let dark = code
            .to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect();
        let width = code.width();
        if width == 0 {
            bail!("the QR encoder returned an empty symbol");
        }
        Ok(QrModules { width, dark })
    }

    fn module(&self) -> f32 {
        QR_SIZE / self.width as f32
    }

    fn quiet_zone(&self) -> f32 {
        QR_QUIET_MODULES * self.module()
    }

    /// Fills each horizontal run of dark modules as one rectangle, all in a single path:
    /// fewer, larger shapes mean no hairline seams between neighbouring modules on screen.
    fn draw(&self, surface: &mut Surface, x: f32, y: f32) {
        let m = self.module();
        let mut path = PathBuilder::new();
        for (row, cells) in self.dark.chunks(self.width).enumerate() {
            let mut col = 0;
            while col < cells.len() {
                let run = cells[col..].iter().take_while(|&&d| d).count();
                if run > 0 {
                    let (rx, ry) = (x + col as f32 * m, y + row as f32 * m);
                    if let Some(rect) = Rect::from_xywh(rx, ry, run as f32 * m, m) {
                        path.push_rect(rect);
                    }
                }
                col += run.max(1);
            }
        }
        if let Some(path) = path.finish() {
            set_paint(surface, Some((0, 0, 0)), None);
            surface.draw_path(&path);
        }
    }
}

// ---------------------------------------------------------------------------------------
// Fonts and text measurement.

struct Fonts {
    regular: Face,
    bold: Face,
    mono: Face,
}

impl Fonts {
    fn load() -> Result<Self> {
        Ok(Fonts {
            regular: Face::load(dejavu::sans::regular(), "DejaVu Sans")?,
            bold: Face::load(dejavu::sans::bold(), "DejaVu Sans Bold")?,
            mono: Face::load(dejavu::sans_mono::regular(), "DejaVu Sans Mono")?,
        })
    }
}

/// A font for krilla to embed, plus the metrics to measure text with it.
struct Face {
    font: Font,
    metrics: Metrics,
}

impl Face {
    fn load(data: &'static [u8], name: &str) -> Result<Self> {
        let font = Font::new(data.into(), 0).with_context(|| format!("cannot load {name}"))?;
        let metrics =
            Metrics::parse(data).with_context(|| format!("cannot read the metrics of {name}"))?;
        Ok(Face { font, metrics })
    }

    /// Width of a single line of text, in points.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars().map(|c| self.metrics.advance(c)).sum::<f32>() * size
    }
}

/// Just enough of a TrueType reader to measure text: the format 4 `cmap` (the Basic
/// Multilingual Plane, which holds all of Uzbek Latin and Cyrillic) and the `hmtx` advance
/// widths. krilla shapes the text it draws but has no public way to measure it, and no
/// font crate is among the allowed dependencies. Kerning is ignored: DejaVu's pairs mostly
/// tighten text, so measured lines are at worst a hair wider than drawn.
struct Metrics {
    data: &'static [u8],
    units_per_em: f32,
    h_metrics: usize,
    hmtx: usize,
    cmap: usize,
}

impl Metrics {
    fn parse(data: &'static [u8]) -> Option<Self> {
        let units_per_em = f32::from(u16_at(data, table(data, b"head")? + 18)?);
        let h_metrics = usize::from(u16_at(data, table(data, b"hhea")? + 34)?);
        let hmtx = table(data, b"hmtx")?;
        let cmap = unicode_bmp_subtable(data, table(data, b"cmap")?)?;
        (units_per_em > 0.0 && h_metrics > 0).then_some(Metrics {
            data,
            units_per_em,
            h_metrics,
            hmtx,
            cmap,
        })
    }

    /// Advance width of a character in ems (that of the missing-glyph box if unmapped).
    fn advance(&self, c: char) -> f32 {
        let glyph = usize::from(self.glyph(c).unwrap_or(0));
        // Glyphs past the last full metric share its advance (the `hmtx` convention).
        let index = glyph.min(self.h_metrics.saturating_sub(1));
        u16_at(self.data, self.hmtx + 4 * index).map_or(0.0, f32::from) / self.units_per_em
    }

    /// Glyph id from the format 4 segment arrays (binary search on the segment ends).
    fn glyph(&self, c: char) -> Option<u16> {
        let c = u16::try_from(u32::from(c)).ok()?;
        let d = self.data;
        let segments = usize::from(u16_at(d, self.cmap + 6)? / 2);
        let ends = self.cmap + 14;
        let starts = ends + 2 * segments + 2;
        let deltas = starts + 2 * segments;
        let offsets = deltas + 2 * segments;
        let (mut lo, mut hi) = (0, segments);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if u16_at(d, ends + 2 * mid)? < c {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        if lo >= segments {
            return None;
        }
        let start = u16_at(d, starts + 2 * lo)?;
        let delta = u16_at(d, deltas + 2 * lo)?;
        let offset_at = offsets + 2 * lo;
        let offset = usize::from(u16_at(d, offset_at)?);
        if c < start {
            return None;
        }
        if offset == 0 {
            return Some(c.wrapping_add(delta));
        }
        let glyph = u16_at(d, offset_at + offset + 2 * usize::from(c - start))?;
        (glyph != 0).then(|| glyph.wrapping_add(delta))
    }
}

/// Offset of a table in the font file.
fn table(data: &[u8], tag: &[u8; 4]) -> Option<usize> {
    let count = usize::from(u16_at(data, 4)?);
    (0..count)
        .map(|i| 12 + 16 * i)
        .find(|&record| data.get(record..record + 4) == Some(tag.as_slice()))
        .and_then(|record| u32_at(data, record + 8))
}

/// Offset of the Unicode BMP `cmap` subtable (Windows 3/1 or Unicode 0/3), if in format 4.
fn unicode_bmp_subtable(data: &[u8], cmap: usize) -> Option<usize> {
    let count = usize::from(u16_at(data, cmap + 2)?);
    (0..count).map(|i| cmap + 4 + 8 * i).find_map(|record| {
        let ids = (u16_at(data, record)?, u16_at(data, record + 2)?);
        let subtable = cmap + u32_at(data, record + 4)?;
        let format4 = u16_at(data, subtable)? == 4;
        (matches!(ids, (3, 1) | (0, 3)) && format4).then_some(subtable)
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<usize> {
    usize::try_from(u32::from_be_bytes(data.get(at..at + 4)?.try_into().ok()?)).ok()
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::{CertificatePdf, render};
    use std::path::PathBuf;
    use std::process::Command;

    fn sample(qr_payload: String) -> CertificatePdf {
        let row = |label: &str, value: &str| (label.to_owned(), value.to_owned());
        CertificatePdf {
            title: "Jo‘nab ketish oldidan yo‘naltirish sertifikati\nPre-departure orientation certificate"
                .to_owned(),
            subtitle: "O‘zbekiston Respublikasi Migratsiya agentligi".to_owned(),
            holder_latn: "Dilnoza Karimova".to_owned(),
            holder_cyrl: "Дилноза Каримова".to_owned(),
            rows: vec![
                row("JShShIR (PINFL)", "3120******0012"),
                row("Manzil davlati", "Koreya Respublikasi (Республика Корея)"),
                row("O‘quv dasturi va versiyasi", "EPS-TOPIK tayyorlov kursi, v3"),
                row("Markaz", "Ўзбекистон, Тошкент шаҳри, Яккасарой тумани, Шота Руставели кўчаси 12 — Миграция агентлигининг ўқув маркази (ғ, қ, ҳ)"),
                row("O‘qish sanalari", "2025-03-03 — 2025-03-14"),
                row("Ball", "87 / 100"),
                row("Sertifikat raqami", "PDO-2025-000123-KX7"),
                row("Berilgan sana", "2025-03-15"),
            ],
            qr_payload,
            verify_note: "Tekshirish: https://safar.example/verify — faqat shu manzilga ishoning. \
                          Check at https://safar.example/verify — only trust this address."
                .to_owned(),
        }
    }

    /// A 300-character token shaped like the real ones: "SC1.<base64url>.<base64url>".
    fn payload(len: usize) -> String {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        let mut token = String::from("SC1.");
        for i in 0..len.saturating_sub(4) {
            let c = if i == 200 {
                b'.'
            } else {
                alphabet[(i * 7 + i / 3) % alphabet.len()]
            };
            token.push(char::from(c));
        }
        token
    }

    fn render_err(doc: &CertificatePdf) -> anyhow::Error {
        match render(doc) {
            Ok(bytes) => panic!("rendered {} bytes instead of failing", bytes.len()),
            Err(err) => err,
        }
    }

    fn temp_pdf(name: &str, bytes: &[u8]) -> PathBuf {
        let path =
            std::env::temp_dir().join(format!("safar-pdo-{name}-{}.pdf", std::process::id()));
        std::fs::write(&path, bytes).expect("write temporary PDF");
        path
    }

    fn pdftotext(path: &PathBuf) -> Option<String> {
        let out = Command::new("pdftotext")
            .arg("-enc")
            .arg("UTF-8")
            .arg(path)
            .arg("-")
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).expect("pdftotext prints UTF-8"))
    }

    #[test]
    fn renders_a_pdf_with_extractable_uzbek_text() {
        let token = payload(300);
        assert_eq!(token.len(), 300);
        let bytes = render(&sample(token)).expect("render the sample");
        assert!(bytes.starts_with(b"%PDF-"));
        let path = temp_pdf("sample", &bytes);
        eprintln!("sample PDF: {} ({} bytes)", path.display(), bytes.len());
        let Some(text) = pdftotext(&path) else {
            eprintln!("pdftotext not on PATH; text extraction not checked");
            return;
        };
        for expected in [
            "Дилноза Каримова",
            "Ўзбекистон",
            "Dilnoza",
            "O‘zbekiston",
            "ҳ",
            "ғ",
            "қ",
            "PDO-2025-000123-KX7",
        ] {
            assert!(
                text.contains(expected),
                "{expected:?} missing from:\n{text}"
            );
        }
        // The PDF's title metadata is set.
        let info = Command::new("pdfinfo").arg(&path).output().ok();
        if let Some(info) = info.filter(|o| o.status.success()) {
            let info = String::from_utf8_lossy(&info.stdout);
            assert!(
                info.contains("Pre-departure orientation certificate"),
                "{info}"
            );
            let pages = info
                .lines()
                .find(|l| l.starts_with("Pages:"))
                .map(str::split_whitespace);
            assert_eq!(pages.and_then(|mut p| p.nth(1)), Some("1"), "{info}");
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn rejects_an_empty_qr_payload() {
        let err = render_err(&sample(String::new()));
        assert!(err.to_string().contains("empty"), "{err:#}");
    }

    #[test]
    fn rejects_a_payload_too_long_for_a_qr_code() {
        let err = render_err(&sample(payload(3000)));
        assert!(err.to_string().contains("QR"), "{err:#}");
    }

    #[test]
    fn long_values_wrap_instead_of_overflowing() {
        let mut doc = sample(payload(400));
        let long_word = "x".repeat(500);
        doc.holder_latn = "Abdurahmonova-Xo‘jayeva ".repeat(8);
        doc.rows.push(("Unbroken".to_owned(), long_word.clone()));
        doc.rows
            .push(("Control chars".to_owned(), "a\u{0}b\tc\u{202E}d".to_owned()));
        let bytes = render(&doc).expect("long values still fit");
        let path = temp_pdf("long", &bytes);
        if let Some(text) = pdftotext(&path) {
            // The 500-character word is split over several lines, none of it lost.
            let xs: usize = text
                .lines()
                .filter(|l| l.chars().all(|c| c == 'x') && !l.is_empty())
                .map(str::len)
                .sum();
            assert_eq!(xs, 500, "{text}");
            assert!(!text.contains('\u{202E}'));
        }
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn too_much_content_is_an_error_not_a_clipped_page() {
        let mut doc = sample(payload(300));
        doc.rows = (0..200)
            .map(|i| (format!("Row {i}"), "Some value ".repeat(20)))
            .collect();
        let err = render_err(&doc);
        assert!(err.to_string().contains("does not fit"), "{err:#}");
    }

    #[test]
    fn empty_text_fields_still_render() {
        let doc = CertificatePdf {
            title: String::new(),
            subtitle: String::new(),
            holder_latn: String::new(),
            holder_cyrl: String::new(),
            rows: Vec::new(),
            qr_payload: "x".to_owned(),
            verify_note: String::new(),
        };
        let bytes = render(&doc).expect("render an empty certificate");
        assert!(bytes.starts_with(b"%PDF-"));
    }
}
