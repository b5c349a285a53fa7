// W1 as one tile per hidden unit, and W2 as a heat map: the core's WeightView
// (Trainer.weightView) drawn with a diverging colour map centred on 0.

import { CanvasView } from '../charts.js';
import { int } from '../format.js';
import { diverging, divergingLut, lutIndex, scratch, viewTheme } from './common.js';

const GAP = 2;

/** Columns for `n` tiles in `width` CSS px: tiles of about `target` px, a whole number per row. */
function tileGrid(n, width) {
  const target = width >= 560 ? 50 : width >= 400 ? 44 : 36;
  const most = Math.max(1, Math.min(n, Math.floor((width + GAP) / (target + GAP))));
  // Of the column counts down to 85% of the most, the one that leaves the last row fullest (10 × 5 for 50).
  let cols = most;
  for (let c = most; c >= Math.ceil(most * 0.85); c--) if (Math.ceil(n / c) * c - n < Math.ceil(n / cols) * cols - n) cols = c;
  const size = Math.max(4, Math.floor((width - (cols - 1) * GAP) / cols));
  const rows = Math.ceil(n / cols);
  return { cols, rows, size, height: Math.max(size, rows * (size + GAP) - GAP) };
}

const num = (x, d = 3) => (Number.isFinite(x) ? (x < 0 ? '−' : x > 0 ? '+' : '') + Math.abs(x).toFixed(d) : '—');

export function weightViews(el) {
  let view = null; // the last WEIGHTS message
  let at = -1; // the unit read out (hover or keyboard), −1: none
  let grid = null;
  let cell = null; // W2: [unit, digit] read out, or null

  const tiles = new CanvasView(el.tiles, drawTiles);
  const scale = new CanvasView(el.scale, drawScale);
  const w2 = new CanvasView(el.w2, drawW2);

  function drawTiles(ctx, size) {
    const th = viewTheme(el.tiles);
    if (!view) {
      ctx.fillStyle = th.muted;
      ctx.font = th.font;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('The tiles appear once the network exists.', size.width / 2, size.height / 2);
      return;
    }
    const { rows: R, cols: C, shown: n } = view;
    grid = tileGrid(n, size.width);
    const h = `${grid.height}px`;
    if (el.tiles.style.height !== h) {
      el.tiles.style.height = h; // the resize redraws
      return;
    }
    // Every tile's colours into one offscreen image, tile u at (u % cols, u / cols).
    const off = scratch(grid.cols * C, grid.rows * R);
    const img = off.ctx.createImageData(grid.cols * C, grid.rows * R);
    const px = new Uint32Array(img.data.buffer);
    const lut = divergingLut(th);
    const inv = 1 / (view.w1Scale > 0 ? view.w1Scale : 1);
    const stride = grid.cols * C;
    for (let u = 0; u < n; u++) {
      const base = u * R * C;
      let q = Math.floor(u / grid.cols) * R * stride + (u % grid.cols) * C;
      for (let y = 0; y < R; y++, q += stride) {
        for (let x = 0; x < C; x++) px[q + x] = lut[lutIndex(view.tiles[base + y * C + x], inv)];
      }
    }
    off.ctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.strokeStyle = th.text;
    for (let u = 0; u < n; u++) {
      const x = (u % grid.cols) * (grid.size + GAP);
      const y = Math.floor(u / grid.cols) * (grid.size + GAP);
      ctx.drawImage(off.canvas, (u % grid.cols) * C, Math.floor(u / grid.cols) * R, C, R, x, y, grid.size, grid.size);
    }
    if (at >= 0 && at < n) {
      ctx.lineWidth = 2;
      ctx.strokeRect((at % grid.cols) * (grid.size + GAP) + 1, Math.floor(at / grid.cols) * (grid.size + GAP) + 1, grid.size - 2, grid.size - 2);
    }
  }

  function drawScale(ctx, size) {
    const th = viewTheme(el.scale);
    ctx.font = th.font;
    ctx.textBaseline = 'top';
    if (!view) return;
    const w = Math.min(size.width, 320);
    const barH = 10;
    for (let x = 0; x < w; x++) {
      const [r, g, b] = diverging((x / (w - 1)) * 2 - 1, th);
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(x, 0, 1, barH);
    }
    ctx.strokeStyle = th.muted;
    ctx.lineWidth = 1;
    ctx.strokeRect(0.5, 0.5, w - 1, barH - 1);
    ctx.fillStyle = th.muted;
    const s = view.w1Scale;
    ctx.textAlign = 'left';
    ctx.fillText(num(-s), 0, barH + 3);
    ctx.textAlign = 'center';
    ctx.fillText('0', w / 2, barH + 3);
    ctx.textAlign = 'right';
    ctx.fillText(num(s), w, barH + 3);
  }

  function drawW2(ctx, size) {
    const th = viewTheme(el.w2);
    ctx.font = th.font;
    if (!view) return;
    const { hidden: H, output: O } = view;
    const left = 18;
    const bottom = th.fontSize + 6;
    const pw = Math.max(1, size.width - left);
    const ph = Math.max(1, size.height - bottom);
    const off = scratch(H, O);
    const img = off.ctx.createImageData(H, O);
    const px = new Uint32Array(img.data.buffer);
    const lut = divergingLut(th);
    const inv = 1 / (view.w2Scale > 0 ? view.w2Scale : 1);
    for (let u = 0; u < H; u++) for (let k = 0; k < O; k++) px[k * H + u] = lut[lutIndex(view.w2[u * O + k], inv)];
    off.ctx.putImageData(img, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off.canvas, 0, 0, H, O, left, 0, pw, ph);
    ctx.fillStyle = th.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (let k = 0; k < O; k++) ctx.fillText(String(k), left - 5, ((k + 0.5) * ph) / O);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText('unit 0', left, ph + 4);
    ctx.textAlign = 'right';
    ctx.fillText(`unit ${H - 1}`, size.width, ph + 4);
    ctx.textAlign = 'center';
    ctx.fillText(`largest |w| ${num(view.w2Scale).replace('+', '')}`, left + pw / 2, ph + 4);
    if (cell) {
      const [u, k] = cell;
      ctx.strokeStyle = th.text;
      ctx.lineWidth = 2;
      ctx.strokeRect(left + (u * pw) / H, (k * ph) / O, Math.max(pw / H, 2), ph / O);
    }
    w2Geom = { left, pw, ph, H, O };
  }
  let w2Geom = null;

  // Reading one unit: hover, or focus and the arrow keys.
  function readUnit(u) {
    at = u;
    tiles.invalidate();
    if (!view || u < 0 || u >= view.shown) {
      el.readout.textContent = 'Point at a tile, or focus the tiles and use the arrow keys, to read one unit.';
      return;
    }
    el.readout.textContent = `Unit ${u}: weights from ${num(view.unitMin[u])} to ${num(view.unitMax[u])}.`;
    el.tiles.dataset.unit = String(u);
  }
  el.tiles.addEventListener('pointermove', (e) => {
    if (!view || !grid) return;
    const r = el.tiles.getBoundingClientRect();
    const cx = Math.floor((e.clientX - r.left) / (grid.size + GAP));
    const cy = Math.floor((e.clientY - r.top) / (grid.size + GAP));
    const u = cy * grid.cols + cx;
    if (cx >= 0 && cx < grid.cols && u >= 0 && u < view.shown && u !== at) readUnit(u);
  });
  el.tiles.addEventListener('pointerleave', () => {
    if (document.activeElement !== el.tiles) readUnit(-1);
  });
  el.tiles.addEventListener('focus', () => {
    if (at < 0) readUnit(0);
  });
  el.tiles.addEventListener('blur', () => readUnit(-1));
  el.tiles.addEventListener('keydown', (e) => {
    if (!view || !grid) return;
    const step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -grid.cols, ArrowDown: grid.cols }[e.key];
    let u = at < 0 ? 0 : at;
    if (step != null) u = Math.max(0, Math.min(view.shown - 1, u + step));
    else if (e.key === 'Home') u = 0;
    else if (e.key === 'End') u = view.shown - 1;
    else return;
    e.preventDefault();
    readUnit(u);
  });

  function readCell(c) {
    cell = c;
    w2.invalidate();
    if (!view || !c) {
      el.w2Readout.textContent = view ? 'Point at a cell, or focus the map and use the arrow keys, to read one weight.' : '';
      return;
    }
    const [u, k] = c;
    el.w2Readout.textContent = `Unit ${u} → digit ${k}: ${num(view.w2[u * view.output + k])}.`;
  }
  el.w2.addEventListener('pointermove', (e) => {
    if (!view || !w2Geom) return;
    const r = el.w2.getBoundingClientRect();
    const u = Math.floor(((e.clientX - r.left - w2Geom.left) / w2Geom.pw) * w2Geom.H);
    const k = Math.floor(((e.clientY - r.top) / w2Geom.ph) * w2Geom.O);
    if (u >= 0 && u < w2Geom.H && k >= 0 && k < w2Geom.O) readCell([u, k]);
  });
  el.w2.addEventListener('pointerleave', () => {
    if (document.activeElement !== el.w2) readCell(null);
  });
  el.w2.addEventListener('focus', () => {
    if (!cell && view) readCell([0, 0]);
  });
  el.w2.addEventListener('blur', () => readCell(null));
  el.w2.addEventListener('keydown', (e) => {
    if (!view) return;
    const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
    if (!d) return;
    e.preventDefault();
    const [u, k] = cell || [0, 0];
    readCell([Math.max(0, Math.min(view.hidden - 1, u + d[0])), Math.max(0, Math.min(view.output - 1, k + d[1]))]);
  });

  return {
    /** A WEIGHTS message. */
    show(msg) {
      view = msg;
      const more = msg.shown < msg.hidden ? ` (the first ${msg.shown} of ${msg.hidden} units)` : '';
      el.status.textContent =
        `${msg.iter === 0 ? 'The untrained network (iteration 0)' : `At iteration ${int(msg.iter)}`}: ` +
        `${msg.shown} tiles${more}. Full colour at |w| ≥ ${num(msg.w1Scale).replace('+', '')} (99% of the weights are within); ` +
        `the largest |w| is ${num(msg.w1Max).replace('+', '')}.`;
      el.status.dataset.iter = String(msg.iter);
      el.tiles.dataset.iter = String(msg.iter);
      el.tiles.dataset.shown = String(msg.shown);
      if (at >= msg.shown) at = -1;
      if (at >= 0) readUnit(at);
      if (cell && (cell[0] >= msg.hidden || cell[1] >= msg.output)) cell = null;
      readCell(cell);
      tiles.invalidate();
      scale.invalidate();
      w2.invalidate();
    },
    /** The worker is gone (a crash or a restart): the last weights stay, marked as such. */
    stale(text) {
      if (view) el.status.textContent = text;
    },
    /** For the tests: the last view. */
    current: () => view,
  };
}
