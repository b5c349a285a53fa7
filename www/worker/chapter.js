// The chapter's requests: the gradient check and a look at the data.

import { IMAGES_HEADER, LABELS_HEADER } from './files.js';
import { loadData } from './load.js';
import { TO_PAGE } from '../js/protocol.js';
import { S, STOP, describe, isFatal, post, wasm } from './runtime.js';
import { api } from './wasm.js';

// Images are cut out of the raw IDX bytes here, without wasm: the core has checked
// the files (load.js) and the page has refused any but 28 × 28 images, so an
// image is 784 bytes after a 16-byte header (magic + 3 dimensions), a label one
// byte after an 8-byte one (magic + 1).
const IMAGE_BYTES = 784;

const wholeIn = (v, lo, hi, fallback) => (Number.isInteger(v) && v >= lo && v <= hi ? v : fallback);

/**
 * GRADCHECK: numerical vs analytic gradient of a fresh TwoLayerNet (f64) on the
 * first `images` training images. One wasm call of about a second: while a run
 * is training it is refused (it would stall the run); a paused run is unaffected.
 */
export async function gradCheck(msg) {
  const id = msg.id ?? null;
  const refuse = (message, busy = false) => post({ type: TO_PAGE.GRADCHECK_ERROR, id, message, busy });
  if (S.run && S.run.state === 'running') {
    refuse('A training run is in progress: pause it or let it finish, then run the check (it would stall the run).', true);
    return;
  }
  const d = await loadData();
  if (isFatal()) return;
  if (!d) {
    refuse('The MNIST data is not loaded: see the data panel, then try again.');
    return;
  }
  const images = wholeIn(msg.images, 1, 10, 3);
  const hidden = wholeIn(msg.hidden, 1, 100, 10);
  const seed = wholeIn(msg.seed, 0, 0xffffffff, 1);
  const pixels = d.trainImages.slice(IMAGES_HEADER, IMAGES_HEADER + images * IMAGE_BYTES);
  const labels = d.trainLabels.slice(LABELS_HEADER, LABELS_HEADER + images);
  let r;
  try {
    r = wasm('gradientCheck', () => api.gradientCheck(pixels, labels, hidden, seed));
  } catch (e) {
    if (e === STOP) return;
    refuse(`The gradient check failed: ${describe(e)}`);
    return;
  }
  const diff = r.absDiffW1; // a copy out of wasm memory: safe to transfer
  post(
    {
      type: TO_PAGE.GRADCHECK_RESULT,
      id,
      params: r.params,
      numericalMs: r.numericalMs,
      analyticMs: r.analyticMs,
      absDiffW1: diff,
      hidden,
      images,
      paramCount: IMAGE_BYTES * hidden + hidden + hidden * 10 + 10,
      pixels,
      labels: Array.from(labels),
      seed,
    },
    [diff.buffer, pixels.buffer],
  );
}

/** SAMPLES: `count` training and test images from `offset` on (wrapping), with their labels. */
export async function samples(msg) {
  const d = await loadData();
  if (!d || isFatal()) return;
  const count = wholeIn(msg.count, 1, 64, 16);
  const pick = (imgs, labs, size) => {
    const offset = wholeIn(msg.offset, 0, Number.MAX_SAFE_INTEGER, 0) % Math.max(size - count + 1, 1);
    const pixels = imgs.slice(IMAGES_HEADER + offset * IMAGE_BYTES, IMAGES_HEADER + (offset + count) * IMAGE_BYTES);
    return { offset, pixels, labels: Array.from(labs.subarray(LABELS_HEADER + offset, LABELS_HEADER + offset + count)) };
  };
  const train = pick(d.trainImages, d.trainLabels, d.train);
  const test = pick(d.testImages, d.testLabels, d.test);
  post(
    { type: TO_PAGE.SAMPLES, offset: train.offset, count, train, test, trainSize: d.train, testSize: d.test },
    [train.pixels.buffer, test.pixels.buffer],
  );
}
