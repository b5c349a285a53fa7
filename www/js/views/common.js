// What the views share: colours from the theme, a 28 × 28 image drawn crisp,
// and the ten probability bars.

import { rgb } from '../charts.js';

/** The views' colours, from CSS custom properties on (or above) `el`. */
export function viewTheme(el) {
  const cs = getComputedStyle(el);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  return {
    paper: rgb(v('--chart-bg', '#fff')),
    ink: rgb(v('--text', '#1d1f21')),
    well: rgb(v('--chart-grid', '#ecebe6')),
    neg: rgb(v('--div-neg', '#1f6fb4')),
    pos: rgb(v('--div-pos', '#d95f02')),
    text: v('--chart-text', '#333'),
    muted: v('--chart-muted', '#777'),
    font: v('--chart-font', '12px system-ui, sans-serif'),
    fontSize: parseFloat(v('--chart-font-size', '12')) || 12,
  };
}

/**
 * A diverging colour map centred on the paper: t in [−1, 1] (clamped) → [r, g, b],
 * 0 the paper's colour, −1 the negative end, +1 the positive end.
 */
export function diverging(t, theme) {
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  const end = x < 0 ? theme.neg : theme.pos;
  const a = Math.abs(x);
  return [0, 1, 2].map((k) => Math.round(theme.paper[k] + (end[k] - theme.paper[k]) * a));
}

/** Entries of a diverging look-up table: t = −1 … +1 in 2·LUT_HALF + 1 steps. */
const LUT_HALF = 255;
const luts = new Map();

/**
 * The diverging map as packed RGBA words (the byte order of an ImageData's pixels
 * seen through a Uint32Array), for `theme`: `lut[Math.round((t + 1) * 255)]`, t
 * clamped to [−1, 1]. One table per set of colours (light, dark), so drawing
 * 39 200 weights is a look-up each, not a colour computed each.
 */
export function divergingLut(theme) {
  const key = [theme.paper, theme.neg, theme.pos].join('|');
  let lut = luts.get(key);
  if (lut) return lut;
  lut = new Uint32Array(2 * LUT_HALF + 1);
  const bytes = new Uint8ClampedArray(lut.buffer);
  for (let k = 0; k < lut.length; k++) {
    const [r, g, b] = diverging(k / LUT_HALF - 1, theme);
    bytes.set([r, g, b, 255], 4 * k);
  }
  luts.set(key, lut);
  return lut;
}

/** The LUT index of a weight `w` at scale `s` (NaN → 0, the paper's colour). */
export function lutIndex(w, inv) {
  const t = w * inv;
  if (!(t > -1)) return t <= -1 ? 0 : LUT_HALF;
  return t >= 1 ? 2 * LUT_HALF : Math.round((t + 1) * LUT_HALF);
}

/** Draws a `rows × cols` grey image (0–255, ink on the well colour) at (x, y), `w × h` CSS px, unsmoothed. */
export function drawGrey(ctx, pixels, rows, cols, x, y, w, h, theme) {
  const off = scratch(cols, rows);
  const img = off.ctx.createImageData(cols, rows);
  const [pr, pg, pb] = theme.well;
  const [ir, ig, ib] = theme.ink;
  for (let p = 0; p < rows * cols; p++) {
    const a = pixels[p] / 255;
    img.data[4 * p] = pr + (ir - pr) * a;
    img.data[4 * p + 1] = pg + (ig - pg) * a;
    img.data[4 * p + 2] = pb + (ib - pb) * a;
    img.data[4 * p + 3] = 255;
  }
  off.ctx.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(off.canvas, 0, 0, cols, rows, x, y, w, h);
}

const scratches = new Map();
/** A reusable offscreen canvas of at least w × h. */
export function scratch(w, h) {
  const key = `${w}x${h}`;
  let s = scratches.get(key);
  if (!s) {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    s = { canvas, ctx: canvas.getContext('2d') };
    scratches.set(key, s);
  }
  return s;
}

/** A percentage with one decimal ("98.1%"), or "<0.1%" / "—". */
export function pct(p) {
  if (!Number.isFinite(p)) return '—';
  if (p > 0 && p < 0.0005) return '<0.1%';
  return `${(p * 100).toFixed(1)}%`;
}

/**
 * Ten labelled bars in `container` (role=list): `set(probs, {best, label})` fills them,
 * `clear()` empties them. `best` is highlighted; `label`, if known, is marked as the true digit.
 */
export function probBars(container, classes = 10) {
  const rows = [];
  container.replaceChildren();
  for (let k = 0; k < classes; k++) {
    const row = document.createElement('div');
    row.className = 'bar-row';
    row.setAttribute('role', 'listitem');
    const name = Object.assign(document.createElement('span'), { className: 'bar-label num', textContent: String(k) });
    const track = Object.assign(document.createElement('span'), { className: 'bar-track' });
    track.setAttribute('aria-hidden', 'true');
    const fill = Object.assign(document.createElement('span'), { className: 'bar-fill' });
    track.append(fill);
    const value = Object.assign(document.createElement('span'), { className: 'bar-val num', textContent: '—' });
    row.append(name, track, value);
    container.append(row);
    rows.push({ row, fill, value });
  }
  return {
    set(probs, { best = -1, label = null } = {}) {
      rows.forEach((r, k) => {
        const p = probs ? probs[k] : NaN;
        r.fill.style.width = `${Number.isFinite(p) ? Math.max(0, Math.min(1, p)) * 100 : 0}%`;
        r.value.textContent = pct(p);
        r.row.dataset.best = String(k === best);
        r.row.dataset.truth = String(k === label);
        r.row.setAttribute('aria-label', `${k}: ${pct(p)}${k === best ? ', the network’s answer' : ''}${k === label ? ', the true digit' : ''}`);
      });
    },
    clear() {
      this.set(null);
    },
  };
}

/** The index of the largest value (the first of equal ones). */
export function argmax(v) {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}
