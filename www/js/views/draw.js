// Draw a digit: strokes from a mouse, a pen or a finger (pointer events; the pad
// has touch-action: none, so drawing never scrolls the page), sent as vectors to
// the worker, where the core prepares them as MNIST's digits were and the current
// net predicts. Or a test image by number, for the keyboard.

import { CanvasView } from '../charts.js';
import { int } from '../format.js';
import { TO_WORKER } from '../protocol.js';
import { argmax, drawGrey, pct, probBars, viewTheme } from './common.js';

/** While a stroke is drawn, a prediction at most this often (ms); one in flight at a time. */
const PREDICT_MS = 60;
/** Points closer than this (CSS px) to the last one are skipped. */
const MIN_STEP = 1.5;

export function drawPanel(el, hooks) {
  /** Strokes, each an array of [x, y] in the pad's CSS pixels. */
  let strokes = [];
  let drawing = null; // the pointer id drawing now
  let inFlight = false;
  let again = false; // a newer request is due when the one in flight comes back
  let lastAsk = 0;
  let timer = 0;
  let ids = 0;
  let firstLive = 1; // answers to requests before this id are stale (Clear came after them)
  let last = null; // the last PREDICTION shown
  let source = 'drawing'; // what the panel shows: 'drawing' | 'test'
  let testIndex = null;

  const bars = probBars(el.bars);
  bars.clear();
  const pad = new CanvasView(el.pad, drawPad);
  const seen = new CanvasView(el.seen, drawSeen);

  function drawPad(ctx, size) {
    const th = viewTheme(el.pad);
    ctx.fillStyle = `rgb(${th.well.join(',')})`;
    ctx.fillRect(0, 0, size.width, size.height);
    if (!strokes.length) {
      ctx.fillStyle = th.muted;
      ctx.font = th.font;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText('Draw a digit here', size.width / 2, size.height / 2);
    }
    ctx.strokeStyle = `rgb(${th.ink.join(',')})`;
    ctx.fillStyle = ctx.strokeStyle;
    ctx.lineWidth = Math.max(6, size.width * 0.075);
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    for (const s of strokes) {
      if (s.length === 1) {
        ctx.beginPath();
        ctx.arc(s[0][0], s[0][1], ctx.lineWidth / 2, 0, 2 * Math.PI);
        ctx.fill();
        continue;
      }
      ctx.beginPath();
      ctx.moveTo(s[0][0], s[0][1]);
      for (let i = 1; i < s.length; i++) ctx.lineTo(s[i][0], s[i][1]);
      ctx.stroke();
    }
  }

  function drawSeen(ctx, size) {
    const th = viewTheme(el.seen);
    const side = Math.min(size.width, size.height);
    if (last && last.image) drawGrey(ctx, last.image, 28, 28, (size.width - side) / 2, 0, side, side, th);
    else {
      ctx.fillStyle = `rgb(${th.well.join(',')})`;
      ctx.fillRect((size.width - side) / 2, 0, side, side);
    }
  }

  // --- pointer input ---
  const point = (e) => {
    const r = el.pad.getBoundingClientRect();
    return [e.clientX - r.left, e.clientY - r.top];
  };
  el.pad.addEventListener('pointerdown', (e) => {
    if (drawing != null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    drawing = e.pointerId;
    try {
      el.pad.setPointerCapture(e.pointerId);
    } catch {
      // a synthetic pointer without capture: drawing still works inside the pad
    }
    if (source !== 'drawing') {
      strokes = [];
      source = 'drawing';
    }
    strokes.push([point(e)]);
    pad.invalidate();
    ask();
  });
  el.pad.addEventListener('pointermove', (e) => {
    if (e.pointerId !== drawing) return;
    e.preventDefault();
    const s = strokes[strokes.length - 1];
    const evs = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    for (const ev of evs.length ? evs : [e]) {
      const p = point(ev);
      const q = s[s.length - 1];
      if (Math.hypot(p[0] - q[0], p[1] - q[1]) >= MIN_STEP) s.push(p);
    }
    pad.invalidate();
    ask();
  });
  const end = (e) => {
    if (e.pointerId !== drawing) return;
    drawing = null;
    ask(true);
  };
  el.pad.addEventListener('pointerup', end);
  el.pad.addEventListener('pointercancel', end);
  // Belt and braces for touch: no scrolling or zooming from the pad, whatever the browser does with touch-action.
  el.pad.addEventListener('touchstart', (e) => e.preventDefault(), { passive: false });
  el.pad.addEventListener('touchmove', (e) => e.preventDefault(), { passive: false });

  el.clear.addEventListener('click', () => {
    firstLive = ids + 1;
    strokes = [];
    source = 'drawing';
    testIndex = null;
    last = null;
    pad.invalidate();
    seen.invalidate();
    bars.clear();
    setVerdict('Draw a digit (0–9) in the box.', 'empty');
  });

  // --- a test image by number (the keyboard's way in) ---
  const testCount = () => hooks.testCount() || 10000;
  function feed(index) {
    const n = testCount();
    if (!(Number.isInteger(index) && index >= 0 && index < n)) {
      el.indexMsg.textContent = `A test image is numbered 0 to ${n - 1}.`;
      el.index.setAttribute('aria-invalid', 'true');
      return;
    }
    el.indexMsg.textContent = '';
    el.index.removeAttribute('aria-invalid');
    el.index.value = String(index);
    source = 'test';
    testIndex = index;
    strokes = [];
    pad.invalidate();
    ask(true);
  }
  el.feed.addEventListener('click', () => feed(Number(el.index.value.trim() === '' ? NaN : el.index.value)));
  el.index.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      el.feed.click();
    }
  });
  el.random.addEventListener('click', () => feed(Math.floor(Math.random() * testCount())));

  // --- asking the worker ---
  function request() {
    if (source === 'test') return { type: TO_WORKER.PREDICT_TEST, id: ++ids, index: testIndex };
    let n = 0;
    for (const s of strokes) n += s.length;
    const points = new Float32Array(2 * n);
    const ends = new Uint32Array(strokes.length);
    let i = 0;
    strokes.forEach((s, k) => {
      for (const [x, y] of s) {
        points[2 * i] = x;
        points[2 * i + 1] = y;
        i++;
      }
      ends[k] = i;
    });
    return { type: TO_WORKER.PREDICT, id: ++ids, points, ends };
  }
  /** Asks for a prediction now, or as soon as the one in flight is back (throttled while drawing). */
  function ask(now = false) {
    if (!hooks.ready()) {
      setVerdict('The network appears once the worker has loaded MNIST.', 'waiting');
      return;
    }
    if (source === 'drawing' && !strokes.length) return;
    if (inFlight) {
      again = true;
      return;
    }
    const wait = PREDICT_MS - (performance.now() - lastAsk);
    if (!now && wait > 0) {
      if (!timer) timer = setTimeout(() => ((timer = 0), ask(true)), wait);
      return;
    }
    clearTimeout(timer);
    timer = 0;
    inFlight = true;
    again = false;
    lastAsk = performance.now();
    const msg = request();
    hooks.send(msg, msg.points ? [msg.points.buffer, msg.ends.buffer] : []);
  }

  function setVerdict(text, kind) {
    el.verdict.textContent = text;
    el.verdict.dataset.kind = kind;
  }

  return {
    /** A PREDICTION message. */
    show(msg) {
      inFlight = false;
      if (msg.id != null && msg.id < firstLive) {
        // asked before Clear: not for what the pad shows now
        if (again) ask(true);
        return;
      }
      if (msg.error) {
        setVerdict(msg.error, 'error');
      } else if (msg.empty) {
        last = null;
        bars.clear();
        seen.invalidate();
        setVerdict(msg.message.charAt(0).toUpperCase() + msg.message.slice(1) + '.', 'empty');
      } else if (msg.source === source) {
        last = msg;
        const best = argmax(msg.probs);
        const label = msg.label ?? null;
        bars.set(msg.probs, { best, label });
        seen.invalidate();
        const net = msg.iter === 0 ? 'The untrained network' : `The network at iteration ${int(msg.iter)}`;
        const what = msg.source === 'test' ? `test image ${msg.index} (a ${label})` : 'your drawing';
        const verdict = `${net} reads ${what} as ${best}, with ${pct(msg.probs[best])}.`;
        const right = label == null ? '' : best === label ? ' Right.' : ' Wrong.';
        setVerdict(verdict + right, label == null ? 'answer' : best === label ? 'right' : 'wrong');
        el.verdict.dataset.predicted = String(best);
        el.seen.dataset.source = msg.source;
      }
      if (again) ask(true);
    },
    /** New weights (an evaluation, the end of a run, a reset): ask again for what is shown. */
    refresh() {
      if (last || strokes.length) ask(true);
    },
    /** The worker is gone: nothing in flight any more. */
    lost() {
      inFlight = false;
    },
    /** Shows test image `i` (the gallery's "show it to the net"). */
    feed,
  };
}
