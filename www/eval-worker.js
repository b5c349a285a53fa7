// The evaluation worker: started by worker.js (the training worker), it measures
// the per-epoch accuracies while training goes on, so that a full evaluation
// (a forward pass over all 70000 images) no longer holds up the training loop.
// It runs on a core of its own; the figures are exactly those of evaluating
// inline, because a job carries a copy of the weights as they were when it fell
// due (Trainer.trainDetached) and hit counts do not depend on order.
//
// It keeps only the images' nonzero-pixel lists and the labels (an Evaluator,
// about 31 MB of wasm memory for MNIST), built from the raw pixels piece by piece.
//
// The messages (TO_EVALUATOR in, EVAL_TO_WORKER out) are in js/protocol.js. An unknown
// one is an error: this worker fails (FAILED), and the evaluations go back inline.
//
// This file stays beside worker.js (not in worker/): the training worker starts it
// by that URL, and the tests replace it there.

import { EVAL_TO_WORKER, TO_EVALUATOR, bufferList, typeName } from './js/protocol.js';
// The IDX header lengths (the files were checked by the core in the training worker).
import { IMAGES_HEADER, LABELS_HEADER } from './worker/files.js';

/** Images handed to wasm per call while the lists are built (about 1.5 MB). */
const CHUNK_IMAGES = 2000;

let mod = null;
let evaluator = null;
let broken = false;

function fail(message) {
  if (broken) return;
  broken = true;
  self.postMessage({ type: EVAL_TO_WORKER.FAILED, message });
}

function describe(e) {
  if (e == null) return String(e);
  if (typeof e === 'string') return e;
  return e.message || e.name || String(e);
}

async function init(build) {
  if (build !== 'descent-web.js' && build !== 'descent-web-relaxed.js') throw new Error(`unknown build "${build}"`);
  mod = await import('./' + build);
  await mod.default();
}

function load(d) {
  const t0 = performance.now();
  const pixelCount = 28 * 28;
  const ev = new mod.Evaluator(pixelCount);
  try {
    for (const [test, images, labels] of [
      [false, d.trainImages, d.trainLabels],
      [true, d.testImages, d.testLabels],
    ]) {
      const pixels = images.subarray(IMAGES_HEADER);
      // Exact room for the lists (a growing vector would double, and wasm memory never shrinks).
      let nonzeros = 0;
      for (let k = 0; k < pixels.length; k++) nonzeros += pixels[k] !== 0;
      ev.reserve(test, pixels.length / pixelCount, nonzeros);
      const step = CHUNK_IMAGES * pixelCount;
      for (let o = 0; o < pixels.length; o += step) ev.addImages(test, pixels.subarray(o, o + step));
      ev.setLabels(test, labels.subarray(LABELS_HEADER));
    }
  } catch (e) {
    ev.free();
    throw e;
  }
  evaluator = ev;
  const sizes = ev.sizes();
  self.postMessage({
    type: EVAL_TO_WORKER.READY,
    train: sizes.train,
    test: sizes.test,
    memoryBytes: ev.memoryBytes(),
    ms: Math.round(performance.now() - t0),
  });
}

// Messages are handled one after another (init is asynchronous).
let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data || {};
  queue = queue
    .then(() => handle(msg))
    .catch((err) => fail(`The evaluation worker failed handling ${typeName(msg.type)}: ${describe(err)}`));
};

async function handle(msg) {
  if (broken) return;
  switch (msg.type) {
    case TO_EVALUATOR.INIT:
      await init(msg.build);
      break;
    case TO_EVALUATOR.DATA:
      if (!mod) throw new Error('data before init');
      load(msg);
      break;
    case TO_EVALUATOR.JOB: {
      if (!evaluator) throw new Error('a job before the data');
      const ev = evaluator.run(msg.job);
      // The report's arrays (confusion matrix, mistakes) are fresh copies: transferred.
      self.postMessage(
        { type: EVAL_TO_WORKER.RESULT, run: msg.run, seq: msg.seq, eval: ev, memoryBytes: evaluator.memoryBytes() },
        bufferList(ev),
      );
      break;
    }
    default:
      throw new Error(`a message of unknown type ${typeName(msg.type)}`);
  }
}

self.onerror = (e) => {
  fail(`Unexpected error in the evaluation worker: ${e && e.message ? e.message : describe(e)}`);
};
self.onunhandledrejection = (e) => {
  fail(`Unexpected error in the evaluation worker: ${describe(e.reason)}`);
};
