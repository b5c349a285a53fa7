// Canvas charts.
//
// The first half is generic and meant for reuse by later pages (an interactive
// chapter can plot f(x), a tangent or a descent path with the same pieces):
//
//   CanvasView        a <canvas> kept crisp on high-DPI screens, redrawn on resize
//                     and on colour-scheme change, at most once per animation frame
//   linear(…)         a linear scale, domain → pixels, with .invert
//   ticks(…), niceMax nice tick values (1, 2, 5 × 10^k steps)
//   plotFrame(…)      the plot rectangle inside margins sized for the tick labels
//   drawAxes(…)       grid, axis lines, ticks, tick labels, axis titles
//   drawSeries(…)     a polyline over n points (gaps at non-finite values,
//                     min/max decimation when there are more points than pixels)
//   drawMarkers(…), drawLegend(…), drawEmpty(…)
//   logScale(…), logTicks(…)   a log10 axis and its decade ticks
//   equalFrame(…)     shrinks a frame so both axes have the same units per pixel
//   drawArrow(…)      a quiver-style arrow; colormap(t) a sequential colour ramp
//   readTheme(el)     colours and font from CSS custom properties (--chart-*)
//   rgb(css)          a CSS colour ('#rrggbb', '#rgb', 'rgb(…)') as [r, g, b]
//
// The second half draws the two charts of the training page: the loss of every
// iteration with a moving average, and train/test accuracy per epoch (train
// solid, test dashed, y from 0 to 1, as in the book's figure).

// ---------------------------------------------------------------------------
// Generic helpers
// ---------------------------------------------------------------------------

/**
 * A canvas whose backing store follows its CSS size × devicePixelRatio.
 * `draw(ctx, size, theme)` works in CSS pixels; `invalidate()` schedules one
 * redraw on the next animation frame however often it is called.
 */
export class CanvasView {
  constructor(canvas, draw) {
    this.canvas = canvas;
    this.drawFn = draw;
    this.ctx = canvas.getContext('2d');
    this.width = 0; // CSS px
    this.height = 0;
    this.frame = 0;
    this.draws = 0;
    /** Least time between two redraws asked for by invalidate() (0: every frame). */
    this.minInterval = 0;
    this.lastRender = -Infinity;
    this.timer = 0;

    this.resizeObserver = new ResizeObserver((entries) => this.onResize(entries[entries.length - 1]));
    try {
      // Reports exact device pixels, and fires when only the DPR changes.
      this.resizeObserver.observe(canvas, { box: 'device-pixel-content-box' });
    } catch {
      this.resizeObserver.observe(canvas);
    }
    this.schemeQuery = matchMedia('(prefers-color-scheme: dark)');
    this.onScheme = () => this.invalidate();
    this.schemeQuery.addEventListener('change', this.onScheme);
    this.watchDpr();
  }

  /** Moving the window to a screen of another DPR re-sizes the backing store. */
  watchDpr() {
    this.dprQuery?.removeEventListener('change', this.onDpr);
    this.dprQuery = matchMedia(`(resolution: ${window.devicePixelRatio || 1}dppx)`);
    this.onDpr = () => {
      this.watchDpr();
      this.resize(this.devSize);
    };
    this.dprQuery.addEventListener('change', this.onDpr);
  }

  onResize(entry) {
    const box = entry.contentBoxSize && entry.contentBoxSize[0];
    this.width = box ? box.inlineSize : entry.contentRect.width;
    this.height = box ? box.blockSize : entry.contentRect.height;
    const dev = entry.devicePixelContentBoxSize && entry.devicePixelContentBoxSize[0];
    this.devSize = dev ? [dev.inlineSize, dev.blockSize] : null;
    this.resize(this.devSize);
  }

  /**
   * Backing store = CSS size × DPR. The exact device-pixel size from the
   * ResizeObserver is used when it agrees with that (it avoids a blurry last
   * pixel column); emulated DPRs report CSS pixels there, hence the check.
   */
  resize(devSize) {
    const dpr = window.devicePixelRatio || 1;
    let pw = Math.round(this.width * dpr);
    let ph = Math.round(this.height * dpr);
    if (devSize && Math.abs(devSize[0] - pw) <= 1.5 && Math.abs(devSize[1] - ph) <= 1.5) [pw, ph] = devSize;
    if (this.canvas.width !== pw || this.canvas.height !== ph) {
      this.canvas.width = Math.max(pw, 1);
      this.canvas.height = Math.max(ph, 1);
    }
    this.render(); // resizing clears the canvas: draw now, not a frame later
  }

  /**
   * Schedules a redraw on the next animation frame (coalesced), or, with a
   * `minInterval`, no sooner than that many ms after the last one: a chart fed
   * by a training run at 10 messages a second then redraws a few times a second,
   * and leaves the CPU to training (a canvas redraw is not cheap where the
   * browser rasterises in software).
   */
  invalidate() {
    if (this.frame || this.timer) return;
    const wait = this.lastRender + this.minInterval - performance.now();
    const draw = () => {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.render();
      });
    };
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = 0;
        draw();
      }, wait);
    } else draw();
  }

  render() {
    if (this.frame) {
      cancelAnimationFrame(this.frame);
      this.frame = 0;
    }
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = 0;
    }
    this.lastRender = performance.now();
    const { ctx, canvas } = this;
    if (this.width <= 0 || this.height <= 0) return;
    ctx.setTransform(canvas.width / this.width, 0, 0, canvas.height / this.height, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    const theme = readTheme(canvas);
    ctx.fillStyle = theme.bg;
    ctx.fillRect(0, 0, this.width, this.height);
    this.drawFn(ctx, { width: this.width, height: this.height }, theme);
    this.draws++;
    canvas.dataset.draws = String(this.draws);
  }

  destroy() {
    this.resizeObserver.disconnect();
    this.schemeQuery.removeEventListener('change', this.onScheme);
    this.dprQuery.removeEventListener('change', this.onDpr);
    if (this.frame) cancelAnimationFrame(this.frame);
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Chart colours and font from CSS custom properties on (or above) `el`. */
export function readTheme(el) {
  const cs = getComputedStyle(el);
  const v = (name, fallback) => cs.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--chart-bg', '#fff'),
    text: v('--chart-text', '#333'),
    muted: v('--chart-muted', '#777'),
    axis: v('--chart-axis', '#999'),
    grid: v('--chart-grid', '#eee'),
    series: [v('--chart-1', '#1f77b4'), v('--chart-2', '#e8710a'), v('--chart-3', '#2a9d5b')],
    font: v('--chart-font', '12px system-ui, sans-serif'),
    fontSize: parseFloat(v('--chart-font-size', '12')) || 12,
  };
}

/** '#rrggbb', '#rgb' or 'rgb(r, g, b)' → [r, g, b] (black if unreadable). */
export function rgb(css) {
  const s = String(css).trim();
  if (s.startsWith('#')) {
    const h = s.length === 4 ? [...s.slice(1)].map((c) => c + c).join('') : s.slice(1, 7);
    const n = parseInt(h, 16);
    if (Number.isFinite(n)) return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const m = s.match(/rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/** A linear map from `domain` to `range`, with `.invert`, `.domain`, `.range`. */
export function linear(domain, range) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = (x) => r0 + (x - d0) * k;
  f.invert = (y) => (k === 0 ? d0 : d0 + (y - r0) / k);
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/** A 1, 2 or 5 × 10^k step giving about `count` intervals over `span`. */
export function niceStep(span, count) {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(count, 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

/** `hi` rounded up to a whole nice step (for an axis that should end on a tick). */
export function niceMax(hi, count = 5) {
  if (!(hi > 0) || !Number.isFinite(hi)) return 1;
  const step = niceStep(hi, count);
  return Math.ceil(hi / step - 1e-9) * step;
}

/** Tick values in [lo, hi] on a nice step; `minStep` keeps e.g. epochs whole. */
export function ticks(lo, hi, count = 5, minStep = 0) {
  const step = Math.max(niceStep(hi - lo, count), minStep);
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const out = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    out.push(Number((k * step).toFixed(Math.min(decimals, 20))));
  }
  out.step = step;
  out.decimals = decimals;
  return out;
}

/** Tick label text: as many decimals as the step needs; 20000 → "20k". */
export function tickLabel(x, t) {
  if (x !== 0 && Math.abs(x) >= 1e5 && Number.isInteger(x / 1000)) return `${x / 1000}k`;
  if (x !== 0 && (Math.abs(x) >= 1e7 || Math.abs(x) < 1e-4)) return x.toExponential(0);
  return x.toFixed(t && t.decimals != null ? t.decimals : 0);
}

/**
 * The plot rectangle: margins leave room for y tick labels (measured), the
 * rotated y title, x tick labels (`xLast`: the widest one at the right end) and
 * the x title.
 */
export function plotFrame(ctx, size, theme, { yLabels = [], xLast = '', xTitle = true, yTitle = true, top = 12, right = 14 } = {}) {
  ctx.font = theme.font;
  const widest = yLabels.reduce((w, s) => Math.max(w, ctx.measureText(s).width), 0);
  // the last x tick label is centred on the right edge: leave room for its half
  right = Math.max(right, Math.ceil(ctx.measureText(xLast).width / 2) + 4);
  const fs = theme.fontSize;
  const left = Math.ceil(widest + 8 + (yTitle ? fs + 10 : 4));
  const bottom = Math.ceil(fs + 8 + (xTitle ? fs + 10 : 4));
  const width = Math.max(size.width - left - right, 10);
  const height = Math.max(size.height - top - bottom, 10);
  return { left, top, width, height, right: left + width, bottom: top + height };
}

const crisp = (v) => Math.round(v) + 0.5;

/**
 * Axes in the frame: horizontal grid lines at the y ticks, the left and bottom
 * axis lines, tick marks, tick labels and the axis titles.
 *   axes = { x: {scale, ticks, label, format?}, y: {scale, ticks, label, format?} }
 */
export function drawAxes(ctx, frame, axes, theme) {
  const { x, y } = axes;
  const grid = axes.grid ?? 'y'; // 'y' (horizontal lines), 'both' (matplotlib's grid()) or 'none'
  const fs = theme.fontSize;
  ctx.save();
  ctx.font = theme.font;
  ctx.lineWidth = 1;

  ctx.strokeStyle = theme.grid;
  ctx.beginPath();
  if (grid !== 'none') {
    for (const t of y.ticks) {
      const py = crisp(y.scale(t));
      if (py < frame.top - 1 || py > frame.bottom + 1) continue;
      ctx.moveTo(frame.left, py);
      ctx.lineTo(frame.right, py);
    }
  }
  if (grid === 'both') {
    for (const t of x.ticks) {
      const px = crisp(x.scale(t));
      if (px < frame.left - 1 || px > frame.right + 1) continue;
      ctx.moveTo(px, frame.top);
      ctx.lineTo(px, frame.bottom);
    }
  }
  ctx.stroke();

  ctx.strokeStyle = theme.axis;
  ctx.beginPath();
  ctx.moveTo(crisp(frame.left), frame.top);
  ctx.lineTo(crisp(frame.left), crisp(frame.bottom));
  ctx.lineTo(frame.right, crisp(frame.bottom));
  for (const t of x.ticks) {
    const px = crisp(x.scale(t));
    ctx.moveTo(px, frame.bottom);
    ctx.lineTo(px, frame.bottom + 4);
  }
  for (const t of y.ticks) {
    const py = crisp(y.scale(t));
    ctx.moveTo(frame.left - 4, py);
    ctx.lineTo(frame.left, py);
  }
  ctx.stroke();

  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'top';
  const fx = x.format || ((v) => tickLabel(v, x.ticks));
  for (const t of x.ticks) ctx.fillText(fx(t), x.scale(t), frame.bottom + 6);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  const fy = y.format || ((v) => tickLabel(v, y.ticks));
  for (const t of y.ticks) ctx.fillText(fy(t), frame.left - 7, y.scale(t));

  ctx.fillStyle = theme.text;
  if (x.label) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'bottom';
    ctx.fillText(x.label, frame.left + frame.width / 2, frame.bottom + 6 + fs + 6 + fs + 2);
  }
  if (y.label) {
    ctx.translate(fs / 2 + 3, frame.top + frame.height / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(y.label, 0, 0);
  }
  ctx.restore();
}

/** Clips drawing to the frame (plus `pad` px) until the matching ctx.restore(). */
export function clipTo(ctx, frame, pad = 1) {
  ctx.save();
  ctx.beginPath();
  ctx.rect(frame.left - pad, frame.top - pad, frame.width + 2 * pad, frame.height + 2 * pad);
  ctx.clip();
}

/**
 * A polyline through points i = i0 … i1-1 at (xAt(i), yAt(i)) in data units.
 * Non-finite values leave a gap. With more points than pixel columns, each
 * column draws the min–max range of its points (what the full polyline would
 * cover), so a million points cost as much as a thousand.
 *   style = { color, width = 1.5, dash = [], alpha = 1 }
 */
export function drawSeries(ctx, xs, ys, i0, i1, xAt, yAt, style) {
  if (i1 <= i0) return;
  ctx.save();
  ctx.strokeStyle = style.color;
  ctx.globalAlpha = style.alpha ?? 1;
  ctx.lineWidth = style.width ?? 1.5;
  ctx.setLineDash(style.dash || []);
  ctx.lineJoin = 'round';
  ctx.lineCap = 'round';
  ctx.beginPath();
  const pxWidth = Math.abs(xs.range[1] - xs.range[0]);
  if (i1 - i0 > 2 * pxWidth && pxWidth > 0) {
    let col = NaN;
    let lo = Infinity;
    let hi = -Infinity;
    let pen = false;
    const emit = () => {
      if (lo > hi) {
        pen = false;
        return;
      }
      const ylo = ys(lo);
      const yhi = ys(hi);
      if (pen) ctx.lineTo(col + 0.5, ylo);
      else ctx.moveTo(col + 0.5, ylo);
      ctx.lineTo(col + 0.5, yhi === ylo ? ylo + 0.01 : yhi);
      pen = true;
    };
    for (let i = i0; i < i1; i++) {
      const c = Math.floor(xs(xAt(i)));
      const v = yAt(i);
      if (c !== col) {
        if (col === col) emit();
        col = c;
        lo = Infinity;
        hi = -Infinity;
      }
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    }
    emit();
  } else {
    let pen = false;
    for (let i = i0; i < i1; i++) {
      const v = yAt(i);
      if (!Number.isFinite(v)) {
        pen = false;
        continue;
      }
      const px = xs(xAt(i));
      const py = ys(v);
      if (pen) ctx.lineTo(px, py);
      else {
        ctx.moveTo(px, py);
        if (i1 - i0 === 1) ctx.lineTo(px + 0.01, py);
      }
      pen = true;
    }
  }
  ctx.stroke();
  ctx.restore();
}

/** Small filled circles at each finite point. */
export function drawMarkers(ctx, xs, ys, points, { color, radius = 2.5, fill }) {
  ctx.save();
  ctx.fillStyle = fill || color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 1.25;
  for (const [x, y] of points) {
    if (!Number.isFinite(y)) continue;
    ctx.beginPath();
    ctx.arc(xs(x), ys(y), radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
  }
  ctx.restore();
}

/**
 * A legend box in a corner of the frame: items = [{label, color, dash?, width?, alpha?}].
 * corner: 'upper right' | 'lower right' | 'upper left' | 'lower left' (matplotlib's words).
 */
export function drawLegend(ctx, frame, items, theme, corner = 'upper right') {
  ctx.save();
  ctx.font = theme.font;
  const fs = theme.fontSize;
  const swatch = 22;
  const row = fs + 6;
  const textW = items.reduce((w, it) => Math.max(w, ctx.measureText(it.label).width), 0);
  const w = 8 + swatch + 6 + textW + 8;
  const h = 6 + row * items.length;
  const x = corner.includes('left') ? frame.left + 8 : frame.right - w - 8;
  const y = corner.includes('lower') ? frame.bottom - h - 8 : frame.top + 8;
  ctx.globalAlpha = 0.9;
  ctx.fillStyle = theme.bg;
  ctx.fillRect(x, y, w, h);
  ctx.globalAlpha = 1;
  ctx.strokeStyle = theme.grid;
  ctx.lineWidth = 1;
  ctx.strokeRect(crisp(x), crisp(y), Math.round(w), Math.round(h));
  items.forEach((it, k) => {
    const cy = y + 3 + row * k + row / 2;
    ctx.save();
    ctx.strokeStyle = it.color;
    ctx.globalAlpha = it.alpha ?? 1;
    ctx.lineWidth = it.width ?? 2;
    ctx.setLineDash(it.dash || []);
    ctx.beginPath();
    ctx.moveTo(x + 8, cy);
    ctx.lineTo(x + 8 + swatch, cy);
    ctx.stroke();
    ctx.restore();
    ctx.fillStyle = theme.text;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillText(it.label, x + 8 + swatch + 6, cy);
  });
  ctx.restore();
}

/** A muted note in the middle of an empty plot, wrapped to the frame's width. */
export function drawEmpty(ctx, frame, text, theme) {
  ctx.save();
  ctx.font = theme.font;
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  const lines = [];
  for (const word of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && ctx.measureText(`${last} ${word}`).width <= frame.width - 16) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  const lh = theme.fontSize + 4;
  const y0 = frame.top + frame.height / 2 - ((lines.length - 1) * lh) / 2;
  lines.forEach((line, k) => ctx.fillText(line, frame.left + frame.width / 2, y0 + k * lh));
  ctx.restore();
}

/** A log10 map from `domain` (both > 0) to `range`, with `.invert`, `.domain`, `.range`. */
export function logScale(domain, range) {
  const [d0, d1] = domain;
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = l1 === l0 ? 0 : (r1 - r0) / (l1 - l0);
  const f = (x) => r0 + (Math.log10(x) - l0) * k;
  f.invert = (y) => (k === 0 ? d0 : 10 ** (l0 + (y - r0) / k));
  f.domain = [d0, d1];
  f.range = [r0, r1];
  return f;
}

/**
 * Decade ticks 10^k in [lo, hi] (exponents, not values: `logTicks(1e-50, 1, 6)` →
 * [-50, -40, …, 0]), every `stride` decades so that at most about `count` remain.
 */
export function logTicks(lo, hi, count = 6) {
  const k0 = Math.ceil(Math.log10(lo) - 1e-9);
  const k1 = Math.floor(Math.log10(hi) + 1e-9);
  const span = Math.max(k1 - k0, 1);
  const strides = [1, 2, 5, 10, 20, 25, 50, 100];
  const stride = strides.find((s) => span / s <= Math.max(count, 1)) ?? strides[strides.length - 1];
  const out = [];
  for (let k = Math.ceil(k0 / stride) * stride; k <= k1; k += stride) out.push(k);
  return out;
}

/**
 * The largest frame inside `frame`, centred, in which one data unit is as many
 * pixels along x as along y (arrows and circles keep their shape).
 */
export function equalFrame(frame, xDomain, yDomain) {
  const dx = Math.abs(xDomain[1] - xDomain[0]);
  const dy = Math.abs(yDomain[1] - yDomain[0]);
  const k = Math.min(frame.width / dx, frame.height / dy);
  const width = dx * k;
  const height = dy * k;
  const left = frame.left + (frame.width - width) / 2;
  const top = frame.top + (frame.height - height) / 2;
  return { left, top, width, height, right: left + width, bottom: top + height };
}

/** An arrow from (x0, y0) to (x1, y1) in pixels, head size `head` px (shrinks on short arrows). */
export function drawArrow(ctx, x0, y0, x1, y1, { color, width = 1.25, head = 6, alpha = 1 } = {}) {
  const len = Math.hypot(x1 - x0, y1 - y0);
  if (!(len > 0.2)) return;
  const h = Math.min(head, len * 0.45);
  const ux = (x1 - x0) / len;
  const uy = (y1 - y0) / len;
  ctx.save();
  ctx.globalAlpha = alpha;
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = width;
  ctx.lineCap = 'round';
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1 - ux * h * 0.6, y1 - uy * h * 0.6);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x1 - ux * h - uy * h * 0.45, y1 - uy * h + ux * h * 0.45);
  ctx.lineTo(x1 - ux * h + uy * h * 0.45, y1 - uy * h - ux * h * 0.45);
  ctx.closePath();
  ctx.fill();
  ctx.restore();
}

/** Viridis-like stops (perceptually ordered, readable in both colour schemes). */
const RAMP = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** t in [0, 1] → [r, g, b] on a sequential ramp (dark violet → yellow). */
export function colormap(t) {
  const x = Math.min(Math.max(Number.isFinite(t) ? t : 0, 0), 1) * (RAMP.length - 1);
  const i = Math.min(Math.floor(x), RAMP.length - 2);
  const f = x - i;
  return RAMP[i].map((c, k) => Math.round(c + (RAMP[i + 1][k] - c) * f));
}

// ---------------------------------------------------------------------------
// The training page's charts
// ---------------------------------------------------------------------------

/**
 * Loss per iteration.
 *   model.history   a LossHistory (values, length, movingAverage(i, window), maxFinite(i0, i1))
 *   model.iters()   iterations of the run (x axis end) — the configured count
 *   model.first1000()  true for the book's right-hand view (iterations 0–999)
 */
export function lossChart(canvas, model) {
  return new CanvasView(canvas, (ctx, size, theme) => {
    const h = model.history;
    const runIters = Math.max(model.iters() || 0, h.length, 1);
    const xEnd = model.first1000() ? Math.min(1000, runIters) : runIters;
    const n = Math.min(h.length, xEnd);
    const yMax = n > 0 ? niceMax(Math.max(h.maxFinite(0, n), 1e-3), 5) : 2.5;
    const yt = ticks(0, yMax, Math.max(2, Math.floor(size.height / 50)));
    const frame = plotFrame(ctx, size, theme, { yLabels: yt.map((t) => tickLabel(t, yt)), xLast: tickLabel(xEnd) });
    const xs = linear([0, xEnd], [frame.left, frame.right]);
    const ys = linear([0, yMax], [frame.bottom, frame.top]);
    const xt = ticks(0, xEnd, Math.max(2, Math.floor(frame.width / 80)), 1);
    drawAxes(ctx, frame, { x: { scale: xs, ticks: xt, label: 'iteration' }, y: { scale: ys, ticks: yt, label: 'loss' } }, theme);
    if (n === 0) {
      drawEmpty(ctx, frame, 'The loss of each mini-batch appears here.', theme);
      canvas.dataset.points = '0';
      return;
    }
    const window = maWindow(xEnd);
    const v = h.values;
    clipTo(ctx, frame);
    drawSeries(ctx, xs, ys, 0, n, (i) => i, (i) => v[i], { color: theme.series[0], width: 1, alpha: 0.28 });
    if (n <= 50) {
      // a handful of points (a run that stopped at once) would be invisible as a line
      drawMarkers(ctx, xs, ys, Array.from(v.subarray(0, n), (y, i) => [i, y]), { color: theme.series[0], radius: 2.5 });
    }
    // With more points than pixels, one average per pixel column is enough.
    const step = Math.max(1, Math.floor(n / Math.max(frame.width, 1)));
    const m = Math.ceil(n / step);
    drawSeries(ctx, xs, ys, 0, m, (k) => Math.min(k * step, n - 1), (k) => h.movingAverage(Math.min(k * step, n - 1), window), {
      color: theme.series[0],
      width: 2,
    });
    ctx.restore();
    drawLegend(
      ctx,
      frame,
      [
        { label: 'each mini-batch', color: theme.series[0], width: 1, alpha: 0.4 },
        { label: `average of ${window}`, color: theme.series[0], width: 2 },
      ],
      theme,
      'upper right',
    );
    canvas.dataset.points = String(n);
  });
}

/** Moving-average window for a view of `span` iterations: about 1% of it, 10 at least. */
export function maWindow(span) {
  return Math.max(10, Math.round(span / 100));
}

/**
 * Train and test accuracy per epoch, y from 0 to 1: train solid, test dashed,
 * legend lower right (as in the book's figure).
 *   model.evals()   [{epoch, trainAcc, testAcc}]
 *   model.epochs()  last epoch the run will evaluate (x axis end)
 */
export function accuracyChart(canvas, model) {
  return new CanvasView(canvas, (ctx, size, theme) => {
    const evals = model.evals();
    // The final evaluation (the final weights, after the last iteration), at a fractional epoch.
    const fin = model.final ? model.final() : null;
    const last = evals.length ? evals[evals.length - 1].epoch : 0;
    const xEnd = Math.max(model.epochs() || 0, last, fin ? fin.epoch : 0, 1);
    const yt = ticks(0, 1, Math.max(2, Math.min(5, Math.floor(size.height / 45))));
    const frame = plotFrame(ctx, size, theme, { yLabels: yt.map((t) => tickLabel(t, yt)), xLast: tickLabel(xEnd) });
    const xs = linear([0, xEnd], [frame.left, frame.right]);
    const ys = linear([0, 1], [frame.bottom, frame.top]);
    const xt = ticks(0, xEnd, Math.max(2, Math.floor(frame.width / 60)), 1);
    drawAxes(ctx, frame, { x: { scale: xs, ticks: xt, label: 'epochs' }, y: { scale: ys, ticks: yt, label: 'accuracy' } }, theme);
    const [c1, c2] = theme.series;
    // The lines run through the per-epoch points and on to the final one.
    const pts = fin ? [...evals, fin] : evals;
    if (pts.length === 0) {
      drawEmpty(ctx, frame, 'Accuracy is measured once per epoch.', theme);
    } else {
      const ep = (i) => pts[i].epoch;
      clipTo(ctx, frame, 8);
      drawSeries(ctx, xs, ys, 0, pts.length, ep, (i) => pts[i].trainAcc, { color: c1, width: 2 });
      drawSeries(ctx, xs, ys, 0, pts.length, ep, (i) => pts[i].testAcc, { color: c2, width: 2, dash: [6, 4] });
      if (evals.length <= 60) {
        drawMarkers(ctx, xs, ys, evals.map((e) => [e.epoch, e.trainAcc]), { color: c1, radius: 2.5 });
        drawMarkers(ctx, xs, ys, evals.map((e) => [e.epoch, e.testAcc]), { color: c2, radius: 2.5, fill: theme.bg });
      }
      if (fin) {
        // Bigger markers, and the test figure written beside them: the run's result.
        drawMarkers(ctx, xs, ys, [[fin.epoch, fin.trainAcc]], { color: c1, radius: 4.5 });
        drawMarkers(ctx, xs, ys, [[fin.epoch, fin.testAcc]], { color: c2, radius: 4.5, fill: theme.bg });
        ctx.save();
        ctx.font = theme.font;
        ctx.fillStyle = theme.text;
        const x = xs(fin.epoch);
        const right = x > frame.left + frame.width * 0.6;
        ctx.textAlign = right ? 'right' : 'left';
        const yTop = ys(Math.max(fin.testAcc, fin.trainAcc));
        const above = yTop - frame.top > theme.fontSize + 10;
        ctx.textBaseline = above ? 'bottom' : 'top';
        const y = above ? yTop - 8 : ys(Math.min(fin.testAcc, fin.trainAcc)) + 8;
        ctx.fillText(`final: test ${fin.testAcc.toFixed(4)}`, x + (right ? -6 : 6), y);
        ctx.restore();
      }
      ctx.restore();
    }
    // Lower right as in the book, unless the latest points sit there (a run that does not learn).
    const latest = pts.length ? pts[pts.length - 1] : null;
    const lastAcc = latest ? Math.min(latest.trainAcc, latest.testAcc) : 1;
    drawLegend(
      ctx,
      frame,
      [
        { label: 'train acc', color: c1 },
        { label: 'test acc', color: c2, dash: [6, 4] },
      ],
      theme,
      pts.length >= 2 && lastAcc < 0.35 ? 'upper right' : 'lower right',
    );
    // Per-epoch points; the final one is told apart.
    canvas.dataset.points = String(evals.length);
    if (fin) canvas.dataset.final = fin.testAcc.toFixed(4);
    else delete canvas.dataset.final;
  });
}
