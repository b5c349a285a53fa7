// 4.4 Gradient descent on f(x0, x1) = x0² + x1²: the path of the book's
// gradient_descent from a start you drag, for a learning rate and a number of
// steps you choose, over the field of −∇f (gradientDescent, gradientField).

import { CanvasView, clipTo, drawArrow, drawAxes, equalFrame, linear, plotFrame, ticks, tickLabel } from '../charts.js';
import { npArray } from '../format.js';
import { $, arrowKeys, fillInput, parseNumber, pointerOn, setText, tidy } from './util.js';

/** The book's axes (gradient_method.py). */
const X0 = [-3.5, 3.5];
const X1 = [-4.5, 4.5];
const MAX_STEPS = 10000;
/** Points are drawn as dots up to this many; beyond, the path is a line. */
const MAX_DOTS = 600;

const PRESETS = {
  figure: { lr: 0.1, steps: 20 },
  book: { lr: 0.1, steps: 100 },
  large: { lr: 10, steps: 100 },
  small: { lr: 1e-10, steps: 100 },
};

/**
 * The part of the segment a→b inside the box, in data units (Liang–Barsky), or
 * null. Diverging paths reach 1e13: canvas paths that long are clipped here first.
 */
function clipSegment(a, b, [x0, x1], [y0, y1]) {
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  for (const [pk, qk] of [
    [-dx, a[0] - x0],
    [dx, x1 - a[0]],
    [-dy, a[1] - y0],
    [dy, y1 - a[1]],
  ]) {
    if (pk === 0) {
      if (qk < 0) return null;
    } else {
      const r = qk / pk;
      if (pk < 0) t0 = Math.max(t0, r);
      else t1 = Math.min(t1, r);
    }
  }
  if (t0 > t1) return null;
  return [
    [a[0] + t0 * dx, a[1] + t0 * dy],
    [a[0] + t1 * dx, a[1] + t1 * dy],
  ];
}

const inView = (x, y) => x >= X0[0] && x <= X0[1] && y >= X1[0] && y <= X1[1];
const maxAbs = (a, b) => Math.max(Math.abs(a), Math.abs(b));

export function descentPanel() {
  const el = {
    canvas: $('descent-canvas'),
    lr: $('descent-lr'),
    steps: $('descent-steps'),
    x0: $('descent-x0'),
    x1: $('descent-x1'),
    final: $('descent-final'),
    verdict: $('descent-verdict'),
    outside: $('descent-outside'),
    msg: $('descent-msg'),
    status: $('descent-status'),
  };
  let wasm = null;
  let field = null;
  let fieldScale = 1;
  let s = { x0: -3, x1: 4, lr: 0.1, steps: 20 };
  let res = null; // gradientDescent(...)
  let scales = null;

  const view = new CanvasView(el.canvas, draw);

  function compute() {
    if (!wasm) return;
    try {
      res = wasm.gradientDescent(s.x0, s.x1, s.lr, s.steps);
      setText(el.msg, '');
    } catch (e) {
      res = null;
      setText(el.msg, e.message || String(e));
    }
    show();
  }

  function show() {
    for (const k of ['lr', 'steps', 'x0', 'x1']) fillInput(el[k], s[k]);
    el.canvas.setAttribute('aria-label', `Gradient descent path from (${s.x0}, ${s.x1}). The arrow keys move its start (Shift: bigger steps).`);
    if (!res) {
      setText(el.final, '—');
      view.invalidate();
      return;
    }
    const x = res.x;
    const hist = res.history;
    setText(el.final, npArray(x));
    const n = hist.length / 2;
    let out = 0;
    for (let i = 0; i < n; i++) if (!inView(hist[2 * i], hist[2 * i + 1])) out++;
    if (!inView(x[0], x[1])) out++;
    setText(el.outside, out ? `${out} of the ${n + 1} points lie outside the plot.` : '');

    // A reading of the result, not a computation: compare where it ended with where it began.
    const start = maxAbs(s.x0, s.x1);
    const end = maxAbs(x[0], x[1]);
    let verdict;
    let kind;
    if (!Number.isFinite(end)) {
      kind = 'diverges';
      verdict = 'Diverges: x overflowed to infinity.';
    } else if (start === 0) {
      kind = 'converges';
      verdict = 'The start is the minimum already: the gradient there is 0.';
    } else if (end > start) {
      kind = 'diverges';
      verdict = 'Diverges: every step overshoots the minimum by more than the last, so x grows instead of shrinking.';
      // The numerical gradient stops seeing a change once h is below x's rounding step.
      const last = n >= 2 && hist[2 * (n - 1)] === x[0] && hist[2 * (n - 1) + 1] === x[1];
      if (last && end > 1e6) {
        verdict +=
          ' It then freezes: at this size x ± h (h = 10⁻⁴) rounds back to x, the numerical gradient becomes exactly 0 and the point stops moving. ' +
          'That is why the book prints finite numbers here.';
      }
    } else if (end > 0.99 * start) {
      kind = 'stalls';
      verdict = `Barely moves: after ${s.steps} steps x has hardly left the start. The learning rate is too small.`;
    } else {
      kind = 'converges';
      verdict = `Converges towards the minimum at (0, 0).`;
    }
    setText(el.verdict, verdict);
    el.verdict.dataset.kind = kind;
    view.invalidate();
  }

  function draw(ctx, size, theme) {
    const yt = ticks(X1[0], X1[1], Math.max(2, Math.floor(size.height / 50)));
    const xt = ticks(X0[0], X0[1], 7);
    const outer = plotFrame(ctx, size, theme, { yLabels: yt.map((v) => tickLabel(v, yt)), xLast: tickLabel(X0[1], xt) });
    const frame = equalFrame(outer, X0, X1);
    const xs = linear(X0, [frame.left, frame.right]);
    const ys = linear(X1, [frame.bottom, frame.top]);
    scales = { xs, ys };
    drawAxes(ctx, frame, { x: { scale: xs, ticks: xt, label: 'x0' }, y: { scale: ys, ticks: yt, label: 'x1' }, grid: 'none' }, theme);
    clipTo(ctx, frame, 2);
    const k = (frame.width / (X0[1] - X0[0])) * fieldScale;
    if (field) {
      for (let i = 0; i < field.x0.length; i++) {
        if (!inView(field.x0[i], field.x1[i])) continue;
        const x = xs(field.x0[i]);
        const y = ys(field.x1[i]);
        drawArrow(ctx, x, y, x + field.dx0[i] * k, y - field.dx1[i] * k, { color: theme.axis, width: 1, head: 4, alpha: 0.55 });
      }
    }
    // the book's dashed axes through the origin
    ctx.save();
    ctx.strokeStyle = theme.series[0];
    ctx.globalAlpha = 0.6;
    ctx.setLineDash([5, 4]);
    ctx.beginPath();
    ctx.moveTo(frame.left, ys(0));
    ctx.lineTo(frame.right, ys(0));
    ctx.moveTo(xs(0), frame.top);
    ctx.lineTo(xs(0), frame.bottom);
    ctx.stroke();
    ctx.restore();
    if (res) {
      const h = res.history;
      const pts = [];
      for (let i = 0; i < h.length; i += 2) pts.push([h[i], h[i + 1]]);
      pts.push([res.x[0], res.x[1]]);
      const box = [
        [X0[0] - 1, X0[1] + 1],
        [X1[0] - 1, X1[1] + 1],
      ];
      ctx.save();
      ctx.strokeStyle = theme.series[1];
      ctx.globalAlpha = 0.55;
      ctx.lineWidth = 1.25;
      ctx.beginPath();
      for (let i = 1; i < pts.length; i++) {
        const seg = clipSegment(pts[i - 1], pts[i], ...box);
        if (!seg) continue;
        ctx.moveTo(xs(seg[0][0]), ys(seg[0][1]));
        ctx.lineTo(xs(seg[1][0]), ys(seg[1][1]));
      }
      ctx.stroke();
      ctx.restore();
      if (pts.length <= MAX_DOTS) {
        ctx.save();
        ctx.fillStyle = theme.series[1];
        for (const [a, b] of pts) {
          if (!inView(a, b)) continue;
          ctx.beginPath();
          ctx.arc(xs(a), ys(b), 3.5, 0, 2 * Math.PI);
          ctx.fill();
        }
        ctx.restore();
      }
      // where a diverging path leaves the plot: an arrow on the edge
      for (let i = 1; i < pts.length; i++) {
        if (inView(...pts[i - 1]) && !inView(...pts[i])) {
          const seg = clipSegment(pts[i - 1], pts[i], X0, X1);
          if (seg) {
            const [ax, ay] = [xs(seg[1][0]), ys(seg[1][1])];
            const len = Math.hypot(xs(pts[i][0]) - xs(pts[i - 1][0]), ys(pts[i][1]) - ys(pts[i - 1][1]));
            const ux = (xs(pts[i][0]) - xs(pts[i - 1][0])) / len;
            const uy = (ys(pts[i][1]) - ys(pts[i - 1][1])) / len;
            drawArrow(ctx, ax - ux * 22, ay - uy * 22, ax, ay, { color: theme.series[1], width: 2.5, head: 10 });
          }
          break;
        }
      }
    }
    ctx.restore();
    // the start: a ring to grab
    ctx.save();
    ctx.strokeStyle = theme.text;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ctx.arc(xs(s.x0), ys(s.x1), 8, 0, 2 * Math.PI);
    ctx.stroke();
    ctx.restore();
  }

  function set(next) {
    s = { ...s, ...next };
    compute();
  }

  pointerOn(el.canvas, (px, py) => {
    if (!scales) return;
    const a = Math.min(X0[1], Math.max(X0[0], scales.xs.invert(px)));
    const b = Math.min(X1[1], Math.max(X1[0], scales.ys.invert(py)));
    set({ x0: tidy(Math.round(a * 20) / 20, 2), x1: tidy(Math.round(b * 20) / 20, 2) });
  });
  arrowKeys(el.canvas, (dx, dy, e) => {
    const step = e.shiftKey ? 0.5 : 0.1;
    set({
      x0: tidy(Math.min(X0[1], Math.max(X0[0], s.x0 + dx * step)), 3),
      x1: tidy(Math.min(X1[1], Math.max(X1[0], s.x1 + dy * step)), 3),
    });
  });

  const checks = {
    lr: (v) => (v !== null && v > 0 && v <= 1e6 ? null : 'The learning rate must be a positive number (at most 10⁶), such as 0.1 or 1e-10.'),
    steps: (v) => (Number.isInteger(v) && v >= 0 && v <= MAX_STEPS ? null : `The number of steps must be a whole number from 0 to ${MAX_STEPS}.`),
    x0: (v) => (v !== null && Math.abs(v) <= 1e6 ? null : 'x0 must be a number (|x0| ≤ 10⁶).'),
    x1: (v) => (v !== null && Math.abs(v) <= 1e6 ? null : 'x1 must be a number (|x1| ≤ 10⁶).'),
  };
  for (const key of Object.keys(checks)) {
    el[key].addEventListener('input', () => {
      const v = parseNumber(el[key].value);
      const problem = checks[key](v);
      el[key].toggleAttribute('aria-invalid', Boolean(problem));
      setText(el.msg, problem || '');
      if (!problem) set({ [key]: v });
    });
  }
  document.querySelectorAll('[data-descent-preset]').forEach((b) =>
    b.addEventListener('click', () => set({ ...PRESETS[b.dataset.descentPreset], x0: -3, x1: 4 })),
  );
  show();

  return {
    id: 'descent',
    state: () => ({ x0: String(s.x0), x1: String(s.x1), lr: String(s.lr), steps: String(s.steps) }),
    restore(p) {
      const next = {};
      const dropped = [];
      for (const key of Object.keys(checks)) {
        if (p[key] == null) continue;
        const v = parseNumber(p[key]);
        const problem = checks[key](v);
        if (problem) dropped.push({ key, why: problem });
        else next[key] = v;
      }
      set(next);
      show();
      return dropped;
    },
    ready(mod) {
      wasm = mod;
      field = wasm.gradientField(-4.5, 5, 0.5);
      let longest = 0;
      for (let i = 0; i < field.dx0.length; i++) {
        if (inView(field.x0[i], field.x1[i])) longest = Math.max(longest, Math.hypot(field.dx0[i], field.dx1[i]));
      }
      fieldScale = longest > 0 ? (1.1 * 0.5) / longest : 1;
      el.status.hidden = true;
      compute();
    },
    failed(message) {
      setText(el.status, message);
      el.status.hidden = false;
    },
  };
}
