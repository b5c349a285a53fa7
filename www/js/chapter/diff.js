// 4.3 Numerical differentiation: f(x) = 0.01x² + 0.1x with its tangent at a
// draggable x (the book's gradient_1d figure), and the error of forward and
// central differences, f64 and f32, over h from 1e-50 to 1 (diffSweep).

import { CanvasView, clipTo, drawAxes, drawLegend, drawMarkers, drawSeries, linear, logScale, logTicks, plotFrame, ticks, tickLabel } from '../charts.js';
import { pow10, sci } from '../format.js';
import { $, arrowKeys, fillInput, parseNumber, pointerOn, setText, tidy } from './util.js';

const X_MIN = 0;
const X_MAX = 20;
const H_MIN_EXP = -50;
const H_MAX_EXP = 0;
/** The error plot's y range; an error of exactly 0 is drawn on the bottom edge. */
const ERR_MIN = 1e-18;
const ERR_MAX = 10;

/**
 * A tidy h for a point on the log axis: 10^v rounded to `sig` significant
 * digits, built from its decimal text so that v = −4 gives exactly 1e-4
 * (10 ** -4 is 0.00009999999999999999 in JS).
 */
export function niceH(v, sig = 2) {
  const e = Math.floor(v + 1e-9);
  const m = (10 ** (v - e)).toPrecision(sig);
  return Number(`${m}e${e}`);
}

/** The sweep's steps: 200 values of h, log-spaced from 1e-50 to 1. */
const HS = Float64Array.from({ length: 200 }, (_, i) => niceH(H_MIN_EXP + ((H_MAX_EXP - H_MIN_EXP) * i) / 199, 3));

const SERIES = [
  { key: 'central64', label: 'central, f64', color: 0, dash: [] },
  { key: 'forward64', label: 'forward, f64', color: 0, dash: [6, 4] },
  { key: 'central32', label: 'central, f32', color: 1, dash: [] },
  { key: 'forward32', label: 'forward, f32', color: 1, dash: [6, 4] },
];

export function diffPanel() {
  const el = {
    curve: $('diff-curve'),
    errors: $('diff-errors'),
    x: $('diff-x'),
    hRange: $('diff-h-range'),
    h: $('diff-h'),
    hOut: $('diff-h-out'),
    f: $('diff-f'),
    slope: $('diff-slope'),
    exact: $('diff-exact'),
    tangentEq: $('diff-tangent'),
    table: $('diff-at-h'),
    status: $('diff-status'),
  };

  let wasm = null;
  let x = 5;
  let h = 1e-4;
  let curve = null; // function1Curve(0, 20, 0.1)
  let tan = null; // tangent(x)
  let sweep = null; // diffSweep(x, HS)
  let atH = null; // diffSweep(x, [h])
  let curveScale = null; // the last frame's x scale, for the pointer

  const curveView = new CanvasView(el.curve, drawCurve);
  const errorView = new CanvasView(el.errors, drawErrors);

  function compute() {
    if (!wasm) return;
    tan = wasm.tangent(x);
    sweep = wasm.diffSweep(x, HS);
    atH = wasm.diffSweep(x, Float64Array.of(h));
    show();
  }

  function show() {
    fillInput(el.x, x);
    fillInput(el.h, h);
    el.hRange.value = String(Math.min(H_MAX_EXP, Math.max(H_MIN_EXP, Math.round(Math.log10(h) * 10) / 10)));
    el.hRange.setAttribute('aria-valuetext', `h = ${h}`);
    setText(el.hOut, String(h));
    el.curve.setAttribute('aria-valuenow', String(x));
    if (tan) {
      el.curve.setAttribute('aria-valuetext', `x = ${x}, slope ${tan.slope}`);
      setText(el.f, String(tan.f));
      setText(el.slope, String(tan.slope));
      setText(el.exact, String(sweep.exact));
      const b = tan.intercept;
      setText(el.tangentEq, `y = ${tan.slope.toFixed(4)}·t ${b < 0 ? '−' : '+'} ${Math.abs(b).toFixed(4)}`);
      const rows = SERIES.map((s) => {
        const v = atH[s.key][0];
        // the distance to the exact derivative, for the reader's eye only
        const err = Math.abs(v - sweep.exact);
        return `<tr><th scope="row">${s.label}</th><td class="num">${Number.isNaN(v) ? 'NaN' : String(v)}</td><td class="num">${Number.isNaN(err) ? '—' : sci(err)}</td></tr>`;
      });
      el.table.innerHTML = rows.join('');
      // what went wrong at this h, read off the results
      const notes = [];
      if (atH.central64[0] === 0) notes.push('In f64, x ± h rounds back to x: the difference is exactly 0, and so is the estimate.');
      if (Number.isNaN(atH.central32[0])) notes.push('In f32, h itself rounds to 0: the estimate is 0/0 = NaN.');
      else if (atH.central32[0] === 0) notes.push('In f32 (7 significant digits) x ± h already rounds back to x.');
      setText($('diff-h-note'), notes.join(' '));
    }
    curveView.invalidate();
    errorView.invalidate();
  }

  function setX(v) {
    x = tidy(Math.min(X_MAX, Math.max(X_MIN, v)), 2);
    compute();
  }
  function setH(v) {
    h = v;
    compute();
    show();
  }

  function drawCurve(ctx, size, theme) {
    const y0 = -1;
    const y1 = 6.5;
    const yt = ticks(y0, y1, Math.max(2, Math.floor(size.height / 45)));
    const frame = plotFrame(ctx, size, theme, { yLabels: yt.map((v) => tickLabel(v, yt)), xLast: '20' });
    const xs = linear([X_MIN, X_MAX], [frame.left, frame.right]);
    const ys = linear([y0, y1], [frame.bottom, frame.top]);
    curveScale = xs;
    const xt = ticks(X_MIN, X_MAX, Math.max(2, Math.floor(frame.width / 60)));
    drawAxes(ctx, frame, { x: { scale: xs, ticks: xt, label: 'x' }, y: { scale: ys, ticks: yt, label: 'f(x)' } }, theme);
    if (!curve) return;
    clipTo(ctx, frame);
    drawSeries(ctx, xs, ys, 0, curve.x.length, (i) => curve.x[i], (i) => curve.y[i], { color: theme.series[0], width: 2 });
    if (tan) {
      // the tangent y = slope·t + intercept across the plot
      drawSeries(ctx, xs, ys, 0, 2, (i) => (i ? X_MAX : X_MIN), (i) => tan.slope * (i ? X_MAX : X_MIN) + tan.intercept, {
        color: theme.series[1],
        width: 1.75,
      });
      drawMarkers(ctx, xs, ys, [[tan.x, tan.f]], { color: theme.series[1], radius: 5.5, fill: theme.bg });
    }
    ctx.restore();
    drawLegend(
      ctx,
      frame,
      [
        { label: 'f(x) = 0.01x² + 0.1x', color: theme.series[0] },
        { label: 'tangent at x', color: theme.series[1] },
      ],
      theme,
      'upper left',
    );
  }

  function drawErrors(ctx, size, theme) {
    const yk = logTicks(ERR_MIN, ERR_MAX, Math.max(2, Math.floor(size.height / 40)));
    const frame = plotFrame(ctx, size, theme, { yLabels: yk.map(pow10), xLast: '1' });
    const xs = logScale([10 ** H_MIN_EXP, 10 ** H_MAX_EXP], [frame.left, frame.right]);
    const ys = logScale([ERR_MIN, ERR_MAX], [frame.bottom, frame.top]);
    const xk = logTicks(10 ** H_MIN_EXP, 1, Math.max(2, Math.floor(frame.width / 50)));
    drawAxes(
      ctx,
      frame,
      {
        x: { scale: (k) => xs(10 ** k), ticks: xk, label: 'h (log scale)', format: pow10 },
        y: { scale: (k) => ys(10 ** k), ticks: yk, label: '|error| (log scale)', format: pow10 },
      },
      theme,
    );
    if (!sweep) return;
    clipTo(ctx, frame, 3);
    // the chosen h
    ctx.save();
    ctx.strokeStyle = theme.axis;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    const px = Math.round(xs(h)) + 0.5;
    ctx.moveTo(px, frame.top);
    ctx.lineTo(px, frame.bottom);
    ctx.stroke();
    ctx.restore();
    for (const s of SERIES) {
      const v = sweep[s.key];
      // |estimate − exact|; exactly 0 sits on the bottom edge, NaN (h = 0 in f32) leaves a gap
      const err = (i) => {
        const e = Math.abs(v[i] - sweep.exact);
        return Number.isNaN(e) ? NaN : Math.min(Math.max(e, ERR_MIN), ERR_MAX);
      };
      drawSeries(ctx, xs, ys, 0, HS.length, (i) => HS[i], err, { color: theme.series[s.color], width: 1.75, dash: s.dash });
    }
    ctx.restore();
    drawLegend(
      ctx,
      frame,
      SERIES.map((s) => ({ label: s.label, color: theme.series[s.color], dash: s.dash })),
      theme,
      'lower left',
    );
  }

  // --- inputs ---
  pointerOn(el.curve, (px) => {
    if (curveScale) setX(curveScale.invert(px));
  });
  arrowKeys(
    el.curve,
    (dx, dy, e) => setX(x + (dx || dy) * (e.shiftKey ? 1 : 0.1)),
    (key) => setX({ Home: X_MIN, End: X_MAX, PageUp: x + 1, PageDown: x - 1 }[key]),
  );
  el.x.addEventListener('input', () => {
    const v = parseNumber(el.x.value);
    const ok = v !== null && v >= X_MIN && v <= X_MAX;
    el.x.toggleAttribute('aria-invalid', !ok);
    setText($('diff-x-msg'), ok ? '' : `x must be a number from ${X_MIN} to ${X_MAX}.`);
    if (ok) {
      x = v;
      compute();
    }
  });
  el.hRange.addEventListener('input', () => setH(niceH(Number(el.hRange.value))));
  el.h.addEventListener('input', () => {
    const v = parseNumber(el.h.value);
    const ok = v !== null && v > 0 && v <= 1e10;
    el.h.toggleAttribute('aria-invalid', !ok);
    setText($('diff-h-msg'), ok ? '' : 'h must be a positive number, such as 1e-4.');
    if (ok) setH(v);
  });
  document.querySelectorAll('[data-diff-preset]').forEach((b) =>
    b.addEventListener('click', () => {
      const [px, ph] = b.dataset.diffPreset.split(',').map(Number);
      x = px;
      h = ph;
      compute();
      show();
    }),
  );
  show();

  return {
    id: 'diff',
    state: () => ({ x: String(x), h: String(h) }),
    restore(p) {
      const dropped = [];
      const px = parseNumber(p.x);
      const ph = parseNumber(p.h);
      if (px !== null && px >= X_MIN && px <= X_MAX) x = px;
      else if (p.x != null) dropped.push({ key: 'x', why: `x must be a number from ${X_MIN} to ${X_MAX}.` });
      if (ph !== null && ph > 0 && ph <= 1e10) h = ph;
      else if (p.h != null) dropped.push({ key: 'h', why: 'h must be a positive number (at most 10¹⁰), such as 1e-4.' });
      compute();
      show();
      return dropped;
    },
    ready(mod) {
      wasm = mod;
      curve = wasm.function1Curve(0, 20, 0.1);
      el.status.hidden = true;
      compute();
    },
    failed(message) {
      setText(el.status, message);
      el.status.hidden = false;
    },
  };
}
