// The test set, evaluation by evaluation: the images the net gets wrong (the
// most confident mistakes first) and the confusion matrix with each digit's
// accuracy. The core makes each evaluation's report (descent_core::inspect::report);
// this module keeps them per evaluation and draws the one the slider picks.

import { int } from '../format.js';
import { pct, probBars, viewTheme } from './common.js';

/** Thumbnails shown at first, and added by "Show more". */
const PAGE = 48;
/** While a run trains, the gallery and the matrix redraw at most this often (ms): an
 *  evaluation comes every ~0.1 s in a fast run, and redrawing 48 thumbnails and 120
 *  cells each time took 15% of the run's time from training on a 2-core machine. */
const RUNNING_MS = 2000;
const SIDE = 28;


export function evaluationViews(el, hooks) {
  /** One entry per evaluation of the run: {iter, epoch, testAcc, final, report}. */
  let entries = [];
  let sel = -1;
  let follow = true; // the slider follows the newest evaluation until the reader moves it
  let trueFilter = null; // a digit, or null for all
  let predFilter = null; // a digit (chosen in the matrix), or null
  let limit = PAGE;
  let test = null; // {pixels, labels, count}: the test images, for the thumbnails
  let detail = null; // [entry, k]: the mistake shown large
  const bars = probBars(el.detailBars);
  /** The thumbnails' elements, reused from one render to the next. */
  const pool = [];
  let visible = true; // the gallery and matrix are on screen (an IntersectionObserver says)
  let dirty = false; // an evaluation came while they were not redrawn
  let lastRender = -Infinity;
  let timer = 0;

  // --- which evaluation ---
  el.pick.addEventListener('input', () => {
    sel = Number(el.pick.value);
    follow = sel === entries.length - 1;
    limit = PAGE;
    render();
  });

  function entryName(e) {
    if (e.label) return e.label;
    return e.final ? `final (iteration ${int(e.iter)})` : `epoch ${e.epoch} (iteration ${int(e.iter)})`;
  }

  function renderPick() {
    el.pick.max = String(Math.max(entries.length - 1, 0));
    el.pick.disabled = entries.length < 2;
    if (sel >= 0) el.pick.value = String(sel);
    const e = entries[sel];
    el.pickOut.textContent = e
      ? `${entryName(e)} · test accuracy ${e.testAcc.toFixed(4)} · ${sel + 1} of ${entries.length}`
      : hooks.runActive()
        ? 'No evaluation yet: the first comes right after iteration 0.'
        : 'No evaluation yet: start a run.';
    el.pick.setAttribute('aria-valuetext', e ? entryName(e) : 'none');
  }

  // --- the confusion matrix ---
  function renderMatrix() {
    const e = entries[sel];
    if (!e) {
      el.table.hidden = true;
      el.cmStatus.textContent = 'The confusion matrix appears after the first evaluation of a run.';
      return;
    }
    const r = e.report;
    const c = r.classes;
    const th = viewTheme(el.table);
    el.table.hidden = false;
    el.table.dataset.correct = String(r.correct);
    el.table.dataset.total = String(r.total);
    el.cmStatus.textContent = `${entryName(e)}: ${int(r.correct)} of ${int(r.total)} test images right (${pct(r.correct / r.total)}).`;
    let maxOff = 0;
    for (let t = 0; t < c; t++) for (let p = 0; p < c; p++) if (t !== p) maxOff = Math.max(maxOff, r.confusion[t * c + p]);
    const head = document.createElement('tr');
    const corner = cellTh('col', '', 'corner');
    corner.append('true ↓', document.createElement('br'), 'read as →');
    head.append(corner);
    for (let p = 0; p < c; p++) head.append(cellTh('col', String(p)));
    const accTh = cellTh('col', '', 'acc');
    accTh.append(Object.assign(document.createElement('abbr'), { title: 'accuracy: right answers ÷ images of the digit', textContent: 'acc.' }));
    head.append(accTh);
    const body = [];
    for (let t = 0; t < c; t++) {
      const tr = document.createElement('tr');
      tr.append(cellTh('row', String(t)));
      let rowTotal = 0;
      for (let p = 0; p < c; p++) rowTotal += r.confusion[t * c + p];
      for (let p = 0; p < c; p++) {
        const n = r.confusion[t * c + p];
        const td = document.createElement('td');
        const diag = t === p;
        const strength = diag ? (rowTotal ? n / rowTotal : 0) : maxOff ? n / maxOff : 0;
        const bg = mix(th.paper, diag ? th.neg : th.pos, n === 0 ? 0 : 0.12 + 0.88 * strength);
        td.style.background = `rgb(${bg.join(',')})`;
        td.style.color = luminance(bg) > 0.45 ? '#111' : '#f4f4f2';
        td.className = diag ? 'diag' : n ? 'off' : 'zero';
        td.dataset.t = String(t);
        td.dataset.p = String(p);
        const label = `${int(n)} ${n === 1 ? 'image' : 'images'} of a ${t} read as ${p}`;
        if (!diag && n > 0) {
          const b = Object.assign(document.createElement('button'), { type: 'button', textContent: String(n) });
          b.setAttribute('aria-label', `${label}: show them`);
          b.setAttribute('aria-pressed', String(trueFilter === t && predFilter === p));
          b.addEventListener('click', () => {
            const on = !(trueFilter === t && predFilter === p);
            setFilter(on ? t : null, on ? p : null);
            if (on) el.gallery.scrollIntoView?.({ block: 'nearest' });
          });
          td.append(b);
        } else {
          td.textContent = String(n);
          td.setAttribute('aria-label', label);
        }
        tr.append(td);
      }
      const acc = r.classAccuracy[t];
      tr.append(Object.assign(document.createElement('td'), { className: 'acc num', textContent: pct(acc) }));
      body.push(tr);
    }
    el.table.tHead.replaceChildren(head);
    el.table.tBodies[0].replaceChildren(...body);
  }

  // --- the gallery ---
  function filtered(r) {
    const out = [];
    const m = r.mistakes;
    for (let k = 0; k < m.count; k++) {
      if (trueFilter != null && m.label[k] !== trueFilter) continue;
      if (predFilter != null && m.predicted[k] !== predFilter) continue;
      out.push(k);
    }
    return out;
  }

  function renderGallery() {
    const e = entries[sel];
    el.classSel.value = trueFilter == null ? '' : String(trueFilter);
    el.predChip.hidden = predFilter == null;
    if (predFilter != null) el.predChip.textContent = `read as ${predFilter} ✕`;
    el.predChip.setAttribute('aria-label', predFilter != null ? `Only those read as ${predFilter}: remove this filter` : '');
    if (!e) {
      el.gallery.replaceChildren();
      el.more.hidden = true;
      el.galleryStatus.textContent = 'The mistakes appear after the first evaluation of a run.';
      el.galleryStatus.dataset.count = '';
      return;
    }
    const m = e.report.mistakes;
    const ks = filtered(e.report);
    const which = [trueFilter != null ? `${trueFilter}s` : null, predFilter != null ? `read as ${predFilter}` : null].filter(Boolean).join(' ');
    el.galleryStatus.dataset.count = String(ks.length);
    el.galleryStatus.dataset.total = String(m.count);
    el.galleryStatus.textContent =
      ks.length === 0
        ? `${entryName(e)}: no mistakes${which ? ` among the ${which}` : ''}.`
        : `${entryName(e)}: ${int(ks.length)} ${ks.length === 1 ? 'mistake' : 'mistakes'}` +
          `${which ? ` among the ${which} (of ${int(m.count)} in all)` : ''}, the most confident first` +
          `${ks.length > limit ? `; showing ${int(limit)}` : ''}.`;
    const shown = ks.slice(0, limit);
    while (pool.length < shown.length) pool.push(newThumb());
    shown.forEach((k, n) => fillThumb(pool[n], e, k));
    // Only the thumbnails in use stay in the list (the rest are kept for the next render).
    if (el.gallery.children.length !== shown.length || [...el.gallery.children].some((c, n) => c !== pool[n].wrap)) {
      el.gallery.replaceChildren(...pool.slice(0, shown.length).map((t) => t.wrap));
    }
    el.more.hidden = ks.length <= limit;
    el.more.textContent = `Show ${int(Math.min(PAGE, ks.length - limit))} more`;
  }

  /** A thumbnail's elements: a button with a 28 × 28 canvas and a caption, in a list item. */
  function newThumb() {
    const wrap = document.createElement('div');
    wrap.setAttribute('role', 'listitem');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'thumb';
    const cv = document.createElement('canvas');
    cv.width = SIDE;
    cv.height = SIDE;
    cv.setAttribute('aria-hidden', 'true');
    const cap = Object.assign(document.createElement('span'), { className: 'thumb-cap num' });
    const what = document.createElement('span');
    const p = Object.assign(document.createElement('span'), { className: 'thumb-p' });
    cap.append(what, p);
    b.append(cv, cap);
    wrap.append(b);
    const t = { wrap, b, cv, what, p, at: null };
    b.addEventListener('click', () => t.at && showDetail(...t.at));
    return t;
  }

  /** Shows mistake `k` of evaluation `e` in thumbnail `t`. */
  function fillThumb(t, e, k) {
    const m = e.report.mistakes;
    const i = m.index[k];
    t.at = [e, k];
    t.b.dataset.index = String(i);
    t.b.setAttribute('aria-label', `Test image ${i}, a ${m.label[k]}, read as ${m.predicted[k]} with ${pct(m.confidence[k])}`);
    t.what.textContent = `${m.label[k]} → ${m.predicted[k]}`;
    t.p.textContent = pct(m.confidence[k]);
    paint(t.cv, i);
  }

  /** Test image `i` into a 28 × 28 canvas (blank until the test images are here). */
  function paint(cv, i) {
    const th = viewTheme(el.gallery);
    const ctx = cv.getContext('2d');
    const img = ctx.createImageData(SIDE, SIDE);
    for (let p = 0; p < SIDE * SIDE; p++) {
      const a = test ? test.pixels[i * SIDE * SIDE + p] / 255 : 0;
      for (let ch = 0; ch < 3; ch++) img.data[4 * p + ch] = th.well[ch] + (th.ink[ch] - th.well[ch]) * a;
      img.data[4 * p + 3] = 255;
    }
    ctx.putImageData(img, 0, 0);
  }

  function showDetail(e, k) {
    detail = [e, k];
    const m = e.report.mistakes;
    const i = m.index[k];
    const c = e.report.classes;
    el.detail.hidden = false;
    el.big.width = SIDE;
    el.big.height = SIDE;
    paint(el.big, i);
    const probs = m.probs.subarray(k * c, (k + 1) * c);
    bars.set(probs, { best: m.predicted[k], label: m.label[k] });
    el.detailText.textContent =
      `Test image ${i} is a ${m.label[k]}; at ${entryName(e)} the network read it as ${m.predicted[k]} ` +
      `with ${pct(m.confidence[k])}, and gave ${m.label[k]} ${pct(probs[m.label[k]])}.`;
    el.detail.dataset.index = String(i);
  }

  function setFilter(t, p) {
    trueFilter = t;
    predFilter = p;
    limit = PAGE;
    renderGallery();
    renderMatrix();
  }
  el.classSel.addEventListener('change', () => {
    const v = el.classSel.value;
    setFilter(v === '' ? null : Number(v), v === '' || Number(v) !== trueFilter ? null : predFilter);
  });
  el.predChip.addEventListener('click', () => {
    setFilter(trueFilter, null);
    el.classSel.focus();
  });
  el.more.addEventListener('click', () => {
    const first = limit;
    limit += PAGE;
    renderGallery();
    // Keyboard users land on the first new image.
    el.gallery.children[first]?.querySelector('button')?.focus();
  });

  function render() {
    clearTimeout(timer);
    timer = 0;
    dirty = false;
    lastRender = performance.now();
    renderPick();
    renderMatrix();
    renderGallery();
    if (detail && detail[0] !== entries[sel]) {
      detail = null;
      el.detail.hidden = true;
    } else if (detail) {
      showDetail(...detail); // repainted in the current colours
    }
  }

  /** Luminance of an sRGB triple, 0–1 (for the text colour on a cell). */
  function luminance([r, g, b]) {
    const f = (v) => {
      const x = v / 255;
      return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  }
  function mix(a, b, t) {
    return a.map((v, k) => Math.round(v + (b[k] - v) * t));
  }
  function cellTh(scope, text, cls) {
    const th = document.createElement('th');
    th.scope = scope;
    th.textContent = text;
    if (cls) th.className = cls;
    return th;
  }

  /** An evaluation came: the slider, the gallery and the matrix redraw when on screen,
   *  and during a run at most every RUNNING_MS (the first at once). */
  function later() {
    dirty = true;
    if (!visible || timer) return;
    const wait = hooks.runActive() ? lastRender + RUNNING_MS - performance.now() : 0;
    timer = setTimeout(() => requestAnimationFrame(render), Math.max(wait, 0));
  }

  if ('IntersectionObserver' in window) {
    new IntersectionObserver((entries) => {
      visible = entries.some((x) => x.isIntersecting);
      if (visible && dirty) later();
    }).observe(el.root);
  }
  // Colours follow the scheme: redraw on a change.
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => render());
  render();

  return {
    /** A new run (or a reset): the old evaluations go. */
    clear() {
      entries = [];
      sel = -1;
      follow = true;
      detail = null;
      el.detail.hidden = true;
      render();
    },
    /** An evaluation with its report (per epoch, or the final one). */
    add(ev, final = false, label = null) {
      if (!ev || !ev.report) return;
      entries.push({ iter: ev.iter, epoch: ev.epoch, testAcc: ev.testAcc, final, label, report: ev.report });
      if (follow) sel = entries.length - 1;
      later();
    },
    /** The test images (TEST_SET): the thumbnails get their pictures. */
    testSet(msg) {
      test = msg;
      renderGallery();
      if (detail) showDetail(...detail);
    },
    hasTestSet: () => test != null,
    /** The run stopped (done, paused, diverged): what it has, drawn now if on screen. */
    settle() {
      if (dirty && visible) render();
    },
  };
}

