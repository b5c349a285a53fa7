// 4.1 Learning from data: a look at the data the worker loaded — a row of
// training images and a row of test images with their labels.

import { CanvasView, rgb } from '../charts.js';
import { TO_WORKER } from '../protocol.js';
import { $, parseNumber, setText } from './util.js';

const SIDE = 28;
export const SAMPLE_COUNT = 16;

const LOADING = 'The worker is loading the images…';

/** What the panel says while it has no images: loading, or why not and what to do (with a link to the Data panel). */
function noImages(st) {
  if (st.worker === 'crashed') {
    return ['error', 'The training worker stopped before the images were loaded, so there are none to show. Press “Restart worker” in the ', 'Training panel', ' of section 4.5.'];
  }
  if (st.data === 'error') {
    return ['error', 'MNIST could not be loaded, so there are no images to show. The ', 'Data panel', ' of section 4.5 says which file failed and why; fix that, then press Retry there.'];
  }
  return ['loading', LOADING];
}

export function samplesPanel(hooks) {
  const el = {
    canvas: $('samples-canvas'),
    more: $('samples-more'),
    counts: $('samples-counts'),
  };
  let offset = 0;
  let data = null; // {offset, train: {pixels, labels}, test: {…}, trainSize, testSize}
  let asked = false;
  let shown = ''; // what the counts line says while there are no images
  const view = new CanvasView(el.canvas, draw);

  function request() {
    const st = hooks.status();
    if (st.worker === 'ready' && st.data === 'ready') hooks.send({ type: TO_WORKER.SAMPLES, offset, count: SAMPLE_COUNT });
  }

  function draw(ctx, size, theme) {
    ctx.font = theme.font;
    ctx.fillStyle = theme.muted;
    if (!data) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      const failed = noImages(hooks.status())[0] === 'error';
      ctx.fillText(failed ? 'No images: MNIST did not load (see above).' : 'The images appear once the worker has loaded MNIST.', size.width / 2, size.height / 2);
      return;
    }
    const gap = 4;
    const head = theme.fontSize + 6;
    const cell = Math.max(18, Math.min(48, (size.height - 2 * head - 2 * (theme.fontSize + 4) - 8) / 2));
    const cols = Math.min(SAMPLE_COUNT, Math.floor((size.width + gap) / (cell + gap)));
    const off = document.createElement('canvas');
    off.width = SIDE;
    off.height = SIDE;
    const octx = off.getContext('2d');
    const img = octx.createImageData(SIDE, SIDE);
    const ink = rgb(theme.text);
    ctx.imageSmoothingEnabled = false;
    let y = 0;
    for (const [name, set] of [
      ['training data', data.train],
      ['test data', data.test],
    ]) {
      ctx.fillStyle = theme.text;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'top';
      ctx.fillText(`${name}: images ${set.offset + 1}–${set.offset + cols}`, 0, y);
      y += head;
      for (let n = 0; n < cols && n < set.labels.length; n++) {
        for (let p = 0; p < SIDE * SIDE; p++) img.data.set([ink[0], ink[1], ink[2], set.pixels[n * SIDE * SIDE + p]], p * 4);
        octx.putImageData(img, 0, 0);
        const x = n * (cell + gap);
        ctx.fillStyle = theme.grid;
        ctx.fillRect(x, y, cell, cell);
        ctx.drawImage(off, x, y, cell, cell);
        ctx.fillStyle = theme.muted;
        ctx.textAlign = 'center';
        ctx.fillText(String(set.labels[n]), x + cell / 2, y + cell + 2);
      }
      y += cell + theme.fontSize + 10;
    }
  }

  el.more.addEventListener('click', () => {
    offset += SAMPLE_COUNT;
    request();
  });

  return {
    id: 'data',
    state: () => ({ offset: String(offset) }),
    restore(p) {
      const dropped = [];
      const v = parseNumber(p.offset);
      if (Number.isInteger(v) && v >= 0) offset = v;
      else if (p.offset != null) dropped.push({ key: 'offset', why: 'The offset must be a whole number, 0 or more (the first image shown).' });
      request();
      return dropped;
    },
    ready() {},
    failed() {},
    handle(msg) {
      if (msg.error) return;
      data = msg;
      offset = msg.offset;
      el.counts.dataset.state = 'ready';
      setText(el.counts, `${msg.trainSize.toLocaleString('en-US')} training images and ${msg.testSize.toLocaleString('en-US')} test images, 28 × 28 pixels each, with the digit each one shows.`);
      el.more.disabled = false;
      view.invalidate();
    },
    refresh() {
      const st = hooks.status();
      if (!data && st.data === 'ready' && st.worker === 'ready' && !asked) {
        asked = true;
        request();
      }
      if (st.worker !== 'ready') asked = false;
      if (!data) {
        // Until the images are here, say where the data stands (a failed load must not read as "loading").
        const [state, before, link, after] = noImages(st);
        const key = state + before;
        if (key !== shown) {
          shown = key;
          el.counts.dataset.state = state;
          if (link) {
            const a = Object.assign(document.createElement('a'), { href: st.worker === 'crashed' ? '#run-panel' : '#data-panel', textContent: link });
            el.counts.replaceChildren(before, a, after);
          } else {
            el.counts.replaceChildren(before);
          }
          view.invalidate();
        }
      }
    },
  };
}
