// 4.4 simpleNet: a 2×3 weight matrix W, p = x·W, loss = CEE(softmax(p), t), and
// its numerical gradient dW (SimpleNet in the core crate). A button takes
// gradient-descent steps W ← W − η·dW; a sparkline shows the loss fall.

import { CanvasView, clipTo, drawMarkers, drawSeries, linear } from '../charts.js';
import { npArray, npMatrix } from '../format.js';
import { $, fillInput, parseList, parseNumber, setText } from './util.js';

/** The book's W, as gradient_simplenet.py printed it (rounded to 8 digits). */
export const BOOK_W = [1.78188867, -1.60339216, -1.83076049, -0.27388719, 0.9192118, -0.79033481];
const MAX_STEPS = 1000;

export function simpleNetPanel() {
  const el = {
    book: $('sn-w-book'),
    random: $('sn-w-random'),
    seed: $('sn-seed'),
    x: $('sn-x'),
    lr: $('sn-lr'),
    labels: [...document.querySelectorAll('input[name=sn-t]')],
    step: $('sn-step'),
    step10: $('sn-step10'),
    reset: $('sn-reset'),
    w: $('sn-w'),
    p: $('sn-p'),
    argmax: $('sn-argmax'),
    loss: $('sn-loss'),
    dw: $('sn-dw'),
    steps: $('sn-steps'),
    msg: $('sn-msg'),
    status: $('sn-status'),
    spark: $('sn-spark'),
  };
  let wasm = null;
  let net = null;
  let s = { w: 'book', seed: 1, x: [0.6, 0.9], t: 2, lr: 0.1, steps: 0 };
  let losses = [];
  let ev = null; // evaluate()'s answer

  const spark = new CanvasView(el.spark, drawSpark);

  /** A fresh net from the W setting, then `s.steps` steps replayed (a shared link's history). */
  function rebuild() {
    if (!wasm) return;
    net?.free();
    net = s.w === 'book' ? wasm.SimpleNet.withWeights(Float64Array.from(BOOK_W)) : new wasm.SimpleNet(s.seed);
    const x = Float64Array.from(s.x);
    losses = [net.evaluate(x, s.t).loss];
    for (let i = 0; i < s.steps; i++) losses.push(net.step(x, s.t, s.lr).after);
    evaluate();
  }

  function evaluate() {
    try {
      ev = net.evaluate(Float64Array.from(s.x), s.t);
      setText(el.msg, '');
    } catch (e) {
      ev = null;
      setText(el.msg, e.message || String(e));
    }
    show();
  }

  function step(n) {
    if (!net) return;
    const k = Math.min(n, MAX_STEPS - s.steps);
    if (k <= 0) {
      setText(el.msg, `That is ${MAX_STEPS} steps: press Reset W to start again.`);
      return;
    }
    const x = Float64Array.from(s.x);
    for (let i = 0; i < k; i++) losses.push(net.step(x, s.t, s.lr).after);
    s.steps += k;
    evaluate();
  }

  function show() {
    el.book.checked = s.w === 'book';
    el.random.checked = s.w !== 'book';
    fillInput(el.seed, s.seed);
    if (document.activeElement !== el.x || !sameList(parseList(el.x.value), s.x)) el.x.value = s.x.join(', ');
    fillInput(el.lr, s.lr);
    el.labels.forEach((r) => (r.checked = Number(r.value) === s.t));
    if (net && ev) {
      setText(el.w, npMatrix(net.weights(), 3));
      setText(el.p, npArray(ev.p));
      setText(el.argmax, String(ev.argmax));
      setText(el.loss, String(ev.loss));
      setText(el.dw, npMatrix(ev.dW, 3));
    }
    setText(
      el.steps,
      s.steps === 0
        ? 'No steps taken yet.'
        : `${s.steps} step${s.steps === 1 ? '' : 's'} of η = ${s.lr}: the loss went from ${losses[0].toFixed(7)} to ${losses[losses.length - 1].toFixed(7)}.`,
    );
    spark.invalidate();
  }

  function drawSpark(ctx, size, theme) {
    const n = losses.length;
    const pad = { l: 8, r: 8, t: 10, b: 10 };
    if (n === 0) return;
    const lo = Math.min(0, ...losses);
    const hi = Math.max(...losses) * 1.05 || 1;
    const xs = linear([0, Math.max(n - 1, 1)], [pad.l, size.width - pad.r]);
    const ys = linear([lo, hi], [size.height - pad.b, pad.t]);
    ctx.save();
    ctx.strokeStyle = theme.grid;
    ctx.beginPath();
    ctx.moveTo(pad.l, Math.round(ys(0)) + 0.5);
    ctx.lineTo(size.width - pad.r, Math.round(ys(0)) + 0.5);
    ctx.stroke();
    ctx.restore();
    clipTo(ctx, { left: 0, top: 0, width: size.width, height: size.height, right: size.width, bottom: size.height }, 0);
    drawSeries(ctx, xs, ys, 0, n, (i) => i, (i) => losses[i], { color: theme.series[0], width: 2 });
    drawMarkers(ctx, xs, ys, [[n - 1, losses[n - 1]]], { color: theme.series[1], radius: 3.5 });
    if (n <= 60) drawMarkers(ctx, xs, ys, losses.slice(0, -1).map((v, i) => [i, v]), { color: theme.series[0], radius: 2 });
    ctx.restore();
    ctx.save();
    ctx.font = theme.font;
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    ctx.textAlign = 'right';
    ctx.fillText(`loss per step (${n - 1} step${n === 2 ? '' : 's'})`, size.width - pad.r, 2);
    ctx.restore();
  }

  // --- inputs ---
  const sameList = (a, b) => a && b && a.length === b.length && a.every((v, i) => v === b[i]);
  el.book.addEventListener('change', () => {
    s = { ...s, w: 'book', steps: 0 };
    rebuild();
  });
  el.random.addEventListener('change', () => {
    s = { ...s, w: 'seed', steps: 0 };
    rebuild();
  });
  el.seed.addEventListener('input', () => {
    const v = parseNumber(el.seed.value);
    const ok = Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
    el.seed.toggleAttribute('aria-invalid', !ok);
    setText(el.msg, ok ? '' : 'The seed must be a whole number from 0 to 4294967295.');
    if (ok) {
      s = { ...s, w: 'seed', seed: v, steps: 0 };
      rebuild();
    }
  });
  el.x.addEventListener('input', () => {
    const v = parseList(el.x.value);
    const ok = v && v.length === 2 && v.every((a) => Math.abs(a) <= 1e6);
    el.x.toggleAttribute('aria-invalid', !ok);
    setText(el.msg, ok ? '' : 'x must be two numbers separated by a comma, such as 0.6, 0.9.');
    if (ok) {
      s = { ...s, x: v, steps: 0 };
      rebuild();
    }
  });
  el.lr.addEventListener('input', () => {
    const v = parseNumber(el.lr.value);
    const ok = v !== null && v > 0 && v <= 1e3;
    el.lr.toggleAttribute('aria-invalid', !ok);
    setText(el.msg, ok ? '' : 'The learning rate must be a positive number (at most 1000), such as 0.1.');
    if (ok) {
      // a new η starts the history again, so that a link replays every step with one η
      s = { ...s, lr: v, steps: 0 };
      rebuild();
    }
  });
  el.labels.forEach((r) =>
    r.addEventListener('change', () => {
      s = { ...s, t: Number(r.value), steps: 0 };
      rebuild();
    }),
  );
  el.step.addEventListener('click', () => step(1));
  el.step10.addEventListener('click', () => step(10));
  el.reset.addEventListener('click', () => {
    s = { ...s, steps: 0 };
    rebuild();
  });
  show();

  return {
    id: 'simplenet',
    state: () => ({ w: s.w === 'book' ? 'book' : `seed:${s.seed}`, x: s.x.join(','), t: String(s.t), lr: String(s.lr), steps: String(s.steps) }),
    restore(p) {
      const dropped = [];
      const bad = (key, why) => p[key] != null && dropped.push({ key, why });
      const next = { ...s, steps: 0 };
      const m = /^seed:(\d+)$/.exec(p.w || '');
      if (p.w === 'book') next.w = 'book';
      else if (m && Number(m[1]) <= 0xffffffff) Object.assign(next, { w: 'seed', seed: Number(m[1]) });
      else bad('w', 'w must be “book” or “seed:N” with N a whole number from 0 to 4294967295.');
      const x = parseList(p.x);
      if (x && x.length === 2 && x.every((a) => Math.abs(a) <= 1e6)) next.x = x;
      else bad('x', 'x must be two numbers separated by a comma (|x| ≤ 10⁶), such as 0.6,0.9.');
      const t = parseNumber(p.t);
      if ([0, 1, 2].includes(t)) next.t = t;
      else bad('t', 't (the true label) must be 0, 1 or 2.');
      const lr = parseNumber(p.lr);
      if (lr !== null && lr > 0 && lr <= 1e3) next.lr = lr;
      else bad('lr', 'The learning rate must be a positive number (at most 1000), such as 0.1.');
      const steps = parseNumber(p.steps);
      if (Number.isInteger(steps) && steps >= 0 && steps <= MAX_STEPS) next.steps = steps;
      else bad('steps', `The number of steps must be a whole number from 0 to ${MAX_STEPS}.`);
      s = next;
      rebuild();
      show();
      return dropped;
    },
    ready(mod) {
      wasm = mod;
      el.status.hidden = true;
      for (const b of [el.step, el.step10, el.reset]) b.disabled = false;
      rebuild();
    },
    failed(message) {
      setText(el.status, message);
      el.status.hidden = false;
    },
  };
}
