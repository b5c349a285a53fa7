// 4.4 The gradient as a field: −∇f of f(x0, x1) = x0² + x1² on the book's
// 18 × 18 grid (figure 4-9, gradientField), and the numerical gradient at the
// point under the pointer or moved with the arrow keys (gradientAt).

import { CanvasView, clipTo, drawArrow, drawAxes, drawMarkers, equalFrame, linear, plotFrame, ticks, tickLabel } from '../charts.js';
import { npArray } from '../format.js';
import { $, arrowKeys, fillInput, parseNumber, pointerOn, setText, tidy } from './util.js';

/** The plotted square (the grid runs from −2 to 2.25; a margin shows all 324 arrows). */
const LO = -2.5;
const HI = 2.5;

/**
 * Arrow length in grid cells for the longest −∇f of the grid. Like
 * matplotlib's quiver, every arrow is scaled by one factor, so lengths compare.
 */
const LONGEST = 1.5;

export function fieldPanel() {
  const el = {
    canvas: $('field-canvas'),
    x0: $('field-x0'),
    x1: $('field-x1'),
    grad: $('field-grad'),
    d0: $('field-d0'),
    d1: $('field-d1'),
    where: $('field-where'),
    status: $('field-status'),
  };
  let wasm = null;
  let field = null; // gradientField(-2, 2.5, 0.25)
  let scale = 1; // data units of arrow per unit of −∇f
  let p = [1, 1.5];
  let g = null; // gradientAt(p)
  let scales = null;

  const view = new CanvasView(el.canvas, draw);

  function compute() {
    if (!wasm) return;
    g = wasm.gradientAt(p[0], p[1]);
    show();
  }

  function show() {
    fillInput(el.x0, p[0]);
    fillInput(el.x1, p[1]);
    if (g) {
      setText(el.grad, npArray(g));
      setText(el.d0, String(g[0]));
      setText(el.d1, String(g[1]));
      el.canvas.setAttribute('aria-label', `Gradient field of x0² + x1², point (${p[0]}, ${p[1]}). Arrow keys move the point.`);
    }
    const inside = p.every((v) => v >= LO && v <= HI);
    setText(el.where, inside ? '' : '(outside the plotted square)');
    view.invalidate();
  }

  function draw(ctx, size, theme) {
    const yt = ticks(LO, HI, Math.max(2, Math.floor(size.height / 60)));
    const outer = plotFrame(ctx, size, theme, { yLabels: yt.map((v) => tickLabel(v, yt)), xLast: tickLabel(HI, yt) });
    const frame = equalFrame(outer, [LO, HI], [LO, HI]);
    const xs = linear([LO, HI], [frame.left, frame.right]);
    const ys = linear([LO, HI], [frame.bottom, frame.top]);
    scales = { xs, ys };
    drawAxes(ctx, frame, { x: { scale: xs, ticks: yt, label: 'x0' }, y: { scale: ys, ticks: yt, label: 'x1' }, grid: 'both' }, theme);
    if (!field) return;
    clipTo(ctx, frame, 2);
    const k = (frame.width / (HI - LO)) * scale; // px per unit of −∇f
    for (let i = 0; i < field.x0.length; i++) {
      const x = xs(field.x0[i]);
      const y = ys(field.x1[i]);
      drawArrow(ctx, x, y, x + field.dx0[i] * k, y - field.dx1[i] * k, { color: theme.series[0], width: 1.1, head: 5, alpha: 0.8 });
    }
    if (g) {
      const x = xs(p[0]);
      const y = ys(p[1]);
      drawArrow(ctx, x, y, x - g[0] * k, y + g[1] * k, { color: theme.series[1], width: 2.5, head: 9 });
      drawMarkers(ctx, xs, ys, [p], { color: theme.series[1], radius: 4.5, fill: theme.bg });
    }
    ctx.restore();
  }

  function setPoint(a, b, clamp = true) {
    const c = (v) => (clamp ? Math.min(HI, Math.max(LO, v)) : v);
    p = [tidy(c(a), 3), tidy(c(b), 3)];
    compute();
  }

  pointerOn(
    el.canvas,
    (px, py) => {
      if (scales) setPoint(scales.xs.invert(px), scales.ys.invert(py));
    },
    { hover: true },
  );
  arrowKeys(el.canvas, (dx, dy, e) => {
    const step = e.shiftKey ? 0.5 : 0.1;
    setPoint(p[0] + dx * step, p[1] + dy * step, false);
  });
  for (const [i, input] of [el.x0, el.x1].entries()) {
    input.addEventListener('input', () => {
      const v = parseNumber(input.value);
      const ok = v !== null && Math.abs(v) <= 1e6;
      input.toggleAttribute('aria-invalid', !ok);
      setText($('field-msg'), ok ? '' : `x${i} must be a number (|x${i}| ≤ 10⁶).`);
      if (!ok) return;
      p = i === 0 ? [v, p[1]] : [p[0], v];
      compute();
    });
  }
  document.querySelectorAll('[data-field-preset]').forEach((b) =>
    b.addEventListener('click', () => {
      const [a, c] = b.dataset.fieldPreset.split(',').map(Number);
      setPoint(a, c, false);
    }),
  );
  show();

  return {
    id: 'field',
    state: () => ({ x0: String(p[0]), x1: String(p[1]) }),
    restore(q) {
      const dropped = [];
      const a = parseNumber(q.x0);
      const b = parseNumber(q.x1);
      if (a !== null && Math.abs(a) <= 1e6) p = [a, p[1]];
      else if (q.x0 != null) dropped.push({ key: 'x0', why: 'x0 must be a number (|x0| ≤ 10⁶).' });
      if (b !== null && Math.abs(b) <= 1e6) p = [p[0], b];
      else if (q.x1 != null) dropped.push({ key: 'x1', why: 'x1 must be a number (|x1| ≤ 10⁶).' });
      compute();
      show();
      return dropped;
    },
    ready(mod) {
      wasm = mod;
      field = wasm.gradientField(-2, 2.5, 0.25);
      // one factor for every arrow: the longest becomes LONGEST grid cells (0.25 each)
      let longest = 0;
      for (let i = 0; i < field.dx0.length; i++) longest = Math.max(longest, Math.hypot(field.dx0[i], field.dx1[i]));
      scale = longest > 0 ? (LONGEST * 0.25) / longest : 1;
      el.status.hidden = true;
      // 4.3's example: ∂f/∂x0 at (3, 4) by the central difference
      setText($('partial-3-4'), String(wasm.gradientAt(3, 4)[0]));
      compute();
    },
    failed(message) {
      setText(el.status, message);
      el.status.hidden = false;
    },
  };
}
