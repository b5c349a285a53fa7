// The views inside the net (section 4.5): W1 as tiles and W2 as a heat map, the
// prediction for a drawing or a test image, and the test images the gallery draws.
// The core computes them (Trainer.weightView, predictDrawing, predictTest, and the
// reports that come with each evaluation: see run.js); this module only posts.
//
// The weights go to the page only while it shows them (VIEWS {open}), at most every
// WEIGHTS_MS during a run: a view is a copy of W1 (157 KB for the book's net), made
// between two chunks of the loop, about 0.1 ms twice a second.

import { IMAGES_HEADER, LABELS_HEADER } from './files.js';
import { loadData } from './load.js';
import { TO_PAGE, bufferList } from '../js/protocol.js';
import { S, STOP, describe, isFatal, post, wasm } from './runtime.js';

/** Weights at most this often (ms) while a run trains and the page shows them. */
const WEIGHTS_MS = 500;

let open = false;
let lastWeights = -Infinity;

/** VIEWS: whether the page shows the weights; when it starts to, they come at once. */
export function setViews(msg) {
  open = Boolean(msg.open);
  if (open) postWeights();
}

/** After a chunk of the run (or a start, a reset, the end: `force`): the weights, when due. */
export function weightsDue(force = false) {
  if (!open || isFatal()) return;
  if (force || performance.now() - lastWeights >= WEIGHTS_MS) postWeights();
}

function postWeights() {
  if (!S.trainer || isFatal()) return;
  let v;
  try {
    v = wasm('Trainer.weightView', () => S.trainer.weightView());
  } catch (e) {
    if (e !== STOP) console.warn(`descent: no weight view: ${describe(e)}`);
    return;
  }
  lastWeights = performance.now();
  post({ type: TO_PAGE.WEIGHTS, run: S.run ? S.run.id : null, ...v }, bufferList(v));
}

/**
 * PREDICT (a drawing's strokes) or PREDICT_TEST (a test image by index): the current
 * net's probabilities and the 28 × 28 image it read, between two chunks of a run.
 */
export async function predict(msg, test) {
  const id = msg.id ?? null;
  const answer = (fields, transfer) => post({ type: TO_PAGE.PREDICTION, id, source: test ? 'test' : 'drawing', ...fields }, transfer);
  const d = await loadData();
  if (isFatal()) return;
  if (!d || !S.trainer) {
    answer({ error: 'The MNIST data is not loaded, so there is no network yet: see the Data panel.' });
    return;
  }
  if (test && !(Number.isInteger(msg.index) && msg.index >= 0 && msg.index < d.test)) {
    answer({ error: `Pick a test image from 0 to ${d.test - 1}.` });
    return;
  }
  let r;
  try {
    r = test
      ? wasm('Trainer.predictTest', () => S.trainer.predictTest(msg.index))
      : wasm('Trainer.predictDrawing', () => S.trainer.predictDrawing(msg.points, msg.ends));
  } catch (e) {
    if (e === STOP) return;
    answer({ error: describe(e) });
    return;
  }
  answer({ ...r, running: Boolean(S.run && S.run.state === 'running') }, bufferList(r));
}

/** TEST_SET: the test images and labels (header-less copies), for the gallery's pictures. */
export async function testSet() {
  const d = await loadData();
  if (!d || isFatal()) return;
  const pixels = d.testImages.slice(IMAGES_HEADER);
  const labels = d.testLabels.slice(LABELS_HEADER);
  post({ type: TO_PAGE.TEST_SET, rows: 28, cols: 28, count: d.test, pixels, labels }, [pixels.buffer, labels.buffer]);
}
