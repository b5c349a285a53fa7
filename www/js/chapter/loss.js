// 4.2 Loss functions: an editable output y and a true label; SSE and CEE from
// the core crate (lossDemo) as you edit, the book's examples one click away.

import { CanvasView, clipTo, drawAxes, drawMarkers, drawSeries, linear, logScale, logTicks, plotFrame, ticks, tickLabel } from '../charts.js';
import { pow10 } from '../format.js';
import { $, markField, parseList, parseNumber, setText } from './util.js';

/** The book's outputs (print() of these lists gives the book's numbers). */
const Y1 = ['0.1', '0.05', '0.6', '0', '0.05', '0.1', '0', '0.1', '0', '0'];
const Y2 = ['0.1', '0.05', '0.1', '0', '0.05', '0.1', '0', '0.6', '0', '0'];
const PRESETS = {
  y1: { y: Y1, t: 2 },
  y2: { y: Y2, t: 2 },
  zero: { y: Y1, t: 3 }, // y = 0 at the true label: δ keeps the loss finite
};
const K = 10;
/** Where the CEE curve starts: far enough left to show δ = 1e-7 flatten it. */
const CURVE_FROM = 1e-10;

export function lossPanel() {
  const rows = $('loss-rows');
  const texts = [];
  const sliders = [];
  const radios = [];
  for (let k = 0; k < K; k++) {
    const tr = document.createElement('tr');
    tr.innerHTML =
      `<th scope="row" class="num">${k}</th>` +
      `<td class="t-cell"><input type="radio" name="loss-t" value="${k}" aria-label="true label ${k}"></td>` +
      `<td class="y-cell"><input type="range" min="0" max="1" step="0.01" aria-label="y${k}, slider" tabindex="-1">` +
      `<input type="text" inputmode="decimal" autocomplete="off" spellcheck="false" class="num" aria-label="y${k}" ` +
      `data-msg="loss-msg" aria-describedby="loss-msg"></td>`;
    rows.append(tr);
    radios.push(tr.querySelector('input[type=radio]'));
    sliders.push(tr.querySelector('input[type=range]'));
    texts.push(tr.querySelector('input[type=text]'));
  }
  const out = {
    sse: $('loss-sse'),
    cee: $('loss-cee'),
    onehot: $('loss-cee-onehot'),
    label: $('loss-cee-label'),
    same: $('loss-same'),
    note: $('loss-note'),
    sum: $('loss-sum'),
    msg: $('loss-msg'),
    status: $('loss-status'),
  };

  let wasm = null;
  let result = null; // lossDemo's answer for the current inputs
  let curve = null; // {x, cee, cap}: −ln(y + δ) for the plot

  const view = new CanvasView($('loss-curve'), draw);

  function label() {
    const r = radios.find((x) => x.checked);
    return r ? Number(r.value) : 0;
  }

  /** The y values, or null (with the fields marked) when one is not in [0, 1]. */
  function readY() {
    const y = [];
    let first = null;
    texts.forEach((input, k) => {
      const v = parseNumber(input.value);
      const bad = v === null || v < 0 || v > 1;
      markField(input, null);
      if (bad) {
        input.setAttribute('aria-invalid', 'true');
        if (!first) first = `y${k} must be a number from 0 to 1${input.value.trim() ? `, not “${input.value.trim()}”` : ''}.`;
      }
      y.push(v);
    });
    setText(out.msg, first || '');
    return first ? null : y;
  }

  function update() {
    const y = readY();
    const t = label();
    rows.querySelectorAll('tr').forEach((tr, k) => tr.classList.toggle('is-true', k === t));
    if (!y) {
      result = null;
      show();
      return;
    }
    const sum = y.reduce((a, b) => a + b, 0);
    setText(out.sum, Math.abs(sum - 1) < 1e-9 ? 'The outputs sum to 1, as a softmax output does.' : `These outputs sum to ${+sum.toFixed(6)}; a softmax output would sum to 1 (the losses are computed anyway).`);
    if (!wasm) return;
    try {
      result = wasm.lossDemo(Float64Array.from(y), t);
      result.y = y;
      result.t = t;
    } catch (e) {
      result = null;
      setText(out.msg, e.message || String(e));
    }
    show();
  }

  function show() {
    const r = result;
    // JS prints a double with the shortest digits that read back exactly, as Python does.
    setText(out.sse, r ? String(r.sse) : '—');
    setText(out.cee, r ? String(r.cee) : '—');
    setText(out.onehot, r ? String(r.ceeOneHot) : '—');
    setText(out.label, r ? String(r.ceeLabel) : '—');
    setText(out.same, r ? (r.ceeOneHot === r.ceeLabel ? 'the same value, to the last digit' : 'they differ!') : '');
    if (r && r.y[r.t] === 0) {
      setText(
        out.note,
        `y${r.t} is 0 at the true label: ln 0 would make the loss infinite. ` +
          `With δ = 10⁻⁷ it is −ln(0 + 10⁻⁷) = ${r.cee}: large, but a number training can still work with.`,
      );
      out.note.hidden = false;
    } else {
      out.note.hidden = true;
    }
    view.invalidate();
  }

  function draw(ctx, size, theme) {
    const yMax = 18;
    const yt = ticks(0, yMax, Math.max(2, Math.floor(size.height / 45)));
    const frame = plotFrame(ctx, size, theme, { yLabels: yt.map((v) => tickLabel(v, yt)), xLast: '1' });
    const xs = logScale([CURVE_FROM, 1], [frame.left, frame.right]);
    const ys = linear([0, yMax], [frame.bottom, frame.top]);
    const xt = logTicks(CURVE_FROM, 1, Math.max(2, Math.floor(frame.width / 45)));
    drawAxes(
      ctx,
      frame,
      {
        x: { scale: (k) => xs(10 ** k), ticks: xt, label: 'y at the true label (log scale)', format: pow10 },
        y: { scale: ys, ticks: yt, label: 'CEE' },
      },
      theme,
    );
    if (!curve) return;
    clipTo(ctx, frame);
    // the cap −ln δ, dashed
    drawSeries(ctx, xs, ys, 0, 2, (i) => (i ? 1 : CURVE_FROM), () => curve.cap, { color: theme.muted, width: 1, dash: [5, 4] });
    drawSeries(ctx, xs, ys, 0, curve.x.length, (i) => curve.x[i], (i) => curve.cee[i], { color: theme.series[0], width: 2 });
    if (result) {
      const yt0 = Math.max(result.y[result.t], CURVE_FROM);
      drawMarkers(ctx, xs, ys, [[yt0, result.cee]], { color: theme.series[1], radius: 5 });
    }
    ctx.restore();
    ctx.save();
    ctx.font = theme.font;
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'bottom';
    ctx.fillText(`−ln δ = ${curve.cap.toFixed(3)}: the most CEE can be`, frame.right - 4, ys(curve.cap) - 3);
    ctx.restore();
  }

  // --- inputs ---
  texts.forEach((input, k) => {
    input.addEventListener('input', () => {
      const v = parseNumber(input.value);
      if (v !== null && v >= 0 && v <= 1) sliders[k].value = String(v);
      update();
    });
    // ↑/↓ nudge the value by 0.01 (Shift: 0.1), like the slider beside it
    input.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
      e.preventDefault();
      const v = parseNumber(input.value) ?? 0;
      const step = (e.shiftKey ? 0.1 : 0.01) * (e.key === 'ArrowUp' ? 1 : -1);
      const next = Math.min(1, Math.max(0, Number((v + step).toFixed(6))));
      input.value = String(next);
      sliders[k].value = String(next);
      update();
    });
  });
  sliders.forEach((s, k) =>
    s.addEventListener('input', () => {
      texts[k].value = s.value;
      update();
    }),
  );
  radios.forEach((r) => r.addEventListener('change', update));
  document.querySelectorAll('[data-loss-preset]').forEach((b) =>
    b.addEventListener('click', () => {
      const p = PRESETS[b.dataset.lossPreset];
      set(p.y, p.t);
    }),
  );

  function set(y, t) {
    y.forEach((v, k) => {
      texts[k].value = String(v);
      sliders[k].value = String(v);
    });
    radios.forEach((r, k) => (r.checked = k === t));
    update();
  }

  set(Y1, 2);

  return {
    id: 'loss',
    state: () => ({ y: texts.map((i) => i.value.trim()).join(','), t: String(label()) }),
    restore(p) {
      const dropped = [];
      const y = parseList(p.y);
      const t = parseNumber(p.t);
      const okY = y && y.length === K && y.every((v) => v >= 0 && v <= 1);
      const okT = Number.isInteger(t) && t >= 0 && t < K;
      if (!okY && p.y != null) dropped.push({ key: 'y', why: `y must be ${K} numbers from 0 to 1, separated by commas.` });
      if (!okT && p.t != null) dropped.push({ key: 't', why: `t (the true label) must be a whole number from 0 to ${K - 1}.` });
      set(okY ? p.y.split(',').map((s) => s.trim()) : texts.map((i) => i.value), okT ? t : label());
      return dropped;
    },
    ready(mod) {
      wasm = mod;
      const x = [];
      const cee = [];
      for (let i = 0; i < 240; i++) {
        const v = 10 ** (Math.log10(CURVE_FROM) * (1 - i / 239));
        x.push(v);
        // a two-class output [v, 1 − v] with true class 0: CEE = −ln(v + δ)
        cee.push(wasm.lossDemo(Float64Array.of(v, 1 - v), 0).cee);
      }
      curve = { x, cee, cap: wasm.lossDemo(Float64Array.of(0, 1), 0).cee };
      out.status.hidden = true;
      update();
    },
    failed(message) {
      setText(out.status, message);
      out.status.hidden = false;
    },
  };
}
