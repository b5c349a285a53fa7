// 4.5 Numerical vs analytic gradient: the worker runs gradientCheck on a few
// real MNIST training images (f64) and reports, per parameter, how far the two
// gradients are apart, where in W1 they differ, and how long each took.

import { CanvasView, colormap, rgb } from '../charts.js';
import { sci } from '../format.js';
import { TO_PAGE, TO_WORKER } from '../protocol.js';
import { $, parseNumber, setText } from './util.js';

const SIDE = 28;

export function gradCheckPanel(hooks) {
  const el = {
    images: $('gc-images'),
    hidden: $('gc-hidden'),
    seed: $('gc-seed'),
    run: $('gc-run'),
    state: $('gc-state'),
    table: $('gc-table'),
    rows: $('gc-rows'),
    times: $('gc-times'),
    summary: $('gc-summary'),
    canvas: $('gc-map'),
    msg: $('gc-msg'),
  };
  let pending = null; // the id of the request in flight
  let nextId = 1;
  let result = null;

  const view = new CanvasView(el.canvas, draw);

  function settings() {
    const seed = parseNumber(el.seed.value);
    return {
      images: Number(el.images.value),
      hidden: Number(el.hidden.value),
      seed: Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff ? seed : null,
    };
  }

  function refresh() {
    const st = hooks.status();
    const c = settings();
    el.seed.toggleAttribute('aria-invalid', c.seed === null);
    let why = '';
    if (st.worker === 'crashed') why = 'The worker has stopped: restart it in the training panel below.';
    else if (st.worker !== 'ready' || st.data !== 'ready') why = 'Waiting for the worker and the MNIST data…';
    else if (st.run === 'running' || st.run === 'starting')
      why = 'A training run is using the worker: pause it or let it finish, then compare (the check would stall the run).';
    else if (c.seed === null) why = 'The seed must be a whole number from 0 to 4294967295.';
    el.run.disabled = Boolean(why) || pending !== null;
    if (pending === null) setText(el.state, why || (result ? '' : 'Ready.'));
    el.state.dataset.state = pending !== null ? 'running' : why ? 'blocked' : result ? 'done' : 'ready';
  }

  el.run.addEventListener('click', () => {
    const c = settings();
    if (c.seed === null || pending !== null) return;
    pending = nextId++;
    setText(el.msg, '');
    const slow = c.images * c.hidden >= 150 ? ' This size takes the worker a few seconds.' : '';
    setText(el.state, `Computing both gradients on ${c.images} image${c.images === 1 ? '' : 's'} (hidden ${c.hidden})…${slow}`);
    el.state.dataset.state = 'running';
    el.run.disabled = true;
    hooks.send({ type: TO_WORKER.GRADCHECK, id: pending, images: c.images, hidden: c.hidden, seed: c.seed });
  });
  for (const input of [el.images, el.hidden, el.seed]) input.addEventListener('input', refresh);

  function onResult(msg) {
    if (msg.id !== pending) return;
    pending = null;
    if (msg.type === TO_PAGE.GRADCHECK_ERROR) {
      setText(el.msg, msg.message);
      refresh();
      return;
    }
    result = msg;
    const shapes = { W1: `784 × ${msg.hidden}`, b1: `${msg.hidden}`, W2: `${msg.hidden} × 10`, b2: '10' };
    el.rows.innerHTML = '';
    let worst = 0;
    for (const p of msg.params) {
      const tr = document.createElement('tr');
      tr.dataset.param = p.name;
      tr.dataset.relNorm = String(p.relNorm);
      tr.dataset.maxAbs = String(p.maxAbs);
      tr.innerHTML = `<th scope="row">${p.name}</th><td class="num">${shapes[p.name] ?? ''}</td><td class="num">${sci(p.maxAbs)}</td><td class="num">${sci(p.maxRel)}</td><td class="num rel">${sci(p.relNorm)}</td>`;
      el.rows.append(tr);
      worst = Math.max(worst, p.relNorm);
    }
    el.table.hidden = false;
    el.summary.dataset.worst = String(worst);
    setText(
      el.summary,
      `Largest relative difference ‖a − n‖ / (‖a‖ + ‖n‖): ${sci(worst)}` +
        (worst < 1e-6 ? ' — below 10⁻⁶: the two gradients agree.' : ' — not below 10⁻⁶: the gradients disagree.'),
    );
    const ratio = msg.analyticMs > 0 ? msg.numericalMs / msg.analyticMs : Infinity;
    const ms = (x) => (x < 1 ? 'under 1 ms' : `${Math.round(x).toLocaleString('en-US')} ms`);
    setText(
      el.times,
      `Numerical gradient: ${ms(msg.numericalMs)} (two forward passes for each of the ${msg.paramCount.toLocaleString('en-US')} parameters). ` +
        `Analytic gradient: ${ms(msg.analyticMs)}` +
        (Number.isFinite(ratio) && ratio > 1 ? ` — about ${Math.round(ratio).toLocaleString('en-US')}× faster.` : '.'),
    );
    refresh();
    view.invalidate();
  }

  /**
   * The images used (top row) and, below, |analytic − numerical| of W1 as one
   * 28×28 tile per hidden unit: tile j shows W1[p, j] for every pixel p. The
   * colour is logarithmic between the smallest and the largest non-zero
   * difference; exactly 0 stays blank (pixels that are 0 in every image give a
   * zero gradient either way).
   */
  function draw(ctx, size, theme) {
    ctx.font = theme.font;
    ctx.fillStyle = theme.muted;
    ctx.textBaseline = 'top';
    if (!result) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('Where the two gradients differ appears here.', size.width / 2, size.height / 2);
      return;
    }
    const { hidden, images, pixels, labels, absDiffW1: d } = result;
    const gap = 6;
    const label = theme.fontSize + 6;
    const legendH = 34;
    // as many columns as fit at 56 px or more, then balanced (10 units: 5 × 2, not 9 + 1)
    const fit = Math.min(hidden, Math.max(1, Math.floor((size.width + gap) / (56 + gap))));
    const rowsN = Math.ceil(hidden / fit);
    const cols = Math.ceil(hidden / rowsN);
    const tile = Math.max(
      8,
      Math.min((size.width - (cols - 1) * gap) / cols, (size.height - 2 * label - legendH - gap * (rowsN + 1)) / (rowsN + 0.75)),
    );
    const small = Math.min(tile * 0.75, (size.width - (images - 1) * gap) / images);

    // the images
    ctx.textAlign = 'left';
    ctx.fillText(`the ${images} training image${images === 1 ? '' : 's'} (labels ${labels.join(', ')})`, 0, 0);
    const off = document.createElement('canvas');
    off.width = SIDE;
    off.height = SIDE;
    const octx = off.getContext('2d');
    const img = octx.createImageData(SIDE, SIDE);
    const ink = rgb(theme.text);
    ctx.imageSmoothingEnabled = false;
    for (let n = 0; n < images; n++) {
      for (let p = 0; p < SIDE * SIDE; p++) {
        const a = pixels[n * SIDE * SIDE + p];
        img.data.set([ink[0], ink[1], ink[2], a], p * 4);
      }
      octx.putImageData(img, 0, 0);
      ctx.drawImage(off, n * (small + gap), label, small, small);
    }

    // the map
    let lo = Infinity;
    let hi = 0;
    for (const v of d) {
      if (v > 0 && v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const y0 = label + small + gap + label;
    ctx.fillStyle = theme.muted;
    const title =
      size.width > 420 ? `|analytic − numerical| in W1, one tile per hidden unit (${hidden})` : `|a − n| in W1, a tile per hidden unit (${hidden})`;
    ctx.fillText(title, 0, y0 - label);
    const l0 = Math.log10(lo);
    const span = Math.max(Math.log10(hi) - l0, 1e-9);
    for (let j = 0; j < hidden; j++) {
      for (let p = 0; p < SIDE * SIDE; p++) {
        const v = d[p * hidden + j];
        if (v > 0) {
          const [r, g, b] = colormap((Math.log10(v) - l0) / span);
          img.data.set([r, g, b, 255], p * 4);
        } else {
          img.data.set([0, 0, 0, 0], p * 4);
        }
      }
      octx.putImageData(img, 0, 0);
      const cx = (j % cols) * (tile + gap);
      const cy = y0 + Math.floor(j / cols) * (tile + gap);
      ctx.strokeStyle = theme.grid;
      ctx.strokeRect(cx - 0.5, cy - 0.5, tile + 1, tile + 1);
      ctx.drawImage(off, cx, cy, tile, tile);
    }

    // colour bar
    const by = y0 + rowsN * (tile + gap) + 4;
    const bw = Math.min(240, size.width - 140);
    for (let i = 0; i < bw; i++) {
      const [r, g, b] = colormap(i / (bw - 1));
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(i, by, 1, 10);
    }
    ctx.fillStyle = theme.muted;
    ctx.textAlign = 'left';
    ctx.fillText(Number.isFinite(lo) ? sci(lo, 1) : '0', 0, by + 13);
    ctx.textAlign = 'right';
    ctx.fillText(sci(hi, 1), bw, by + 13);
    ctx.textAlign = 'left';
    ctx.fillText('blank: exactly 0', bw + 12, by);
    el.canvas.dataset.drawn = '1';
  }

  refresh();
  return {
    id: 'gradcheck',
    state: () => {
      const c = settings();
      return { images: String(c.images), hidden: String(c.hidden), seed: String(c.seed ?? 1) };
    },
    restore(p) {
      const dropped = [];
      const pick = (key, what, select) => {
        if (p[key] == null) return;
        const options = [...select.options].map((o) => o.value);
        if (options.includes(p[key])) select.value = p[key];
        else dropped.push({ key, why: `${what} must be one of ${options.join(', ')}.` });
      };
      pick('images', 'The number of images', el.images);
      pick('hidden', 'The hidden size', el.hidden);
      const seed = parseNumber(p.seed);
      if (Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff) el.seed.value = String(seed);
      else if (p.seed != null) dropped.push({ key: 'seed', why: 'The seed must be a whole number from 0 to 4294967295.' });
      refresh();
      return dropped;
    },
    ready() {},
    failed() {},
    /** Worker messages: gradcheck-result / gradcheck-error. */
    handle(msg) {
      onResult(msg);
    },
    /** The worker, data or run state changed. */
    refresh,
    /** The worker died or was restarted: nothing is in flight any more. */
    workerLost() {
      if (pending !== null) {
        pending = null;
        setText(el.msg, 'The worker stopped before the check finished.');
      }
      refresh();
    },
  };
}
