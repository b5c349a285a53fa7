// Loading MNIST once per worker: fetch and decompress (data.js), have the core
// check it, then tell the page, start the evaluation worker and the warm-up.
//
// The check is the core's: Trainer.loadMnist (Dataset::from_idx_owned) reads
// each file's IDX header, its length, the image/label counts and the labels,
// and throws naming the file at fault. It happens on the trainer the worker
// prepares for the book's settings anyway, so it costs nothing extra.

import { startEvaluator } from './evaluator.js';
import { fetchMnist } from './data.js';
import { DATA_DIR, DataError, FILES, FIX_HINT } from './files.js';
import { TO_PAGE } from '../js/protocol.js';
import { S, STOP, describe, isFatal, post } from './runtime.js';
import { freeTrainer, prepareTrainer } from './trainer.js';
import { warmUp } from './warmup.js';

let loading = null;

/** Fetches, decompresses and checks the four files once; later calls share the
 *  result (null when it failed: the page got a data-error). */
export function loadData() {
  if (S.data) return Promise.resolve(S.data);
  if (!loading) {
    loading = fetchChecked()
      .then((d) => {
        S.data = d;
        post({ type: TO_PAGE.DATA_READY, train: d.train, test: d.test, cached: d.cached, ms: d.ms });
        startEvaluator(d);
        if (S.trainer) warmUp();
        return d;
      })
      .catch((e) => {
        if (e === STOP) return null; // a trap, already reported as fatal
        if (e instanceof DataError) {
          post({ type: TO_PAGE.DATA_ERROR, file: e.file, message: e.message });
        } else {
          post({ type: TO_PAGE.DATA_ERROR, file: null, message: `Loading MNIST failed: ${describe(e)}` });
        }
        return null;
      })
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

async function fetchChecked() {
  const t0 = performance.now();
  let got = await fetchMnist();
  try {
    check(got.bytes);
  } catch (e) {
    if (!(e instanceof DataError) || !got.anyCached) throw e;
    // Only files the core accepted are cached, so a cached copy it refuses is a damaged
    // cache: drop it and fetch from the network.
    await got.forget();
    got = await fetchMnist({ useCache: false });
    check(got.bytes);
  }
  got.keep();
  const d = got.bytes;
  // The core has checked the headers: the image count is the u32 after the magic number.
  const count = (b) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(4);
  return { ...d, train: count(d.trainImages), test: count(d.testImages), cached: got.cached, ms: Math.round(performance.now() - t0) };
}

/** The MNIST file name the core's messages start with ("t10k-labels-idx1-ubyte: …"). */
const coreName = (f) => f.file.replace(/\.gz$/, '');

/**
 * The core's check, through the trainer prepared for the book's settings (the
 * worker's trainer from now on). An error with a `field` is about a setting (the
 * book's settings do not fit this data, e.g. a batch larger than the training
 * set): the data is good, no trainer is prepared, and Start reports it by the
 * field. Any other refusal is about the data: a DataError naming the .gz.
 */
function check(d) {
  try {
    prepareTrainer(d);
  } catch (e) {
    if (e === STOP) throw e;
    if (!(e && typeof e.field === 'string')) {
      const message = describe(e);
      // The core names the file at fault as a typed value (descent-web's data_error);
      // its message begins with that name, which the .gz's path replaces.
      const f = FILES.find((x) => coreName(x) === e?.file);
      if (f) {
        const rest = message.startsWith(coreName(f)) ? message.slice(coreName(f).length) : `: ${message}`;
        throw new DataError(f.file, `${DATA_DIR}${f.file} (after gunzip)${rest}. ${FIX_HINT}`);
      }
      throw new DataError(null, `The MNIST files were refused: ${message}. ${FIX_HINT}`);
    }
  }
  // Kept in JS: the core trains on images of any size (train and test alike), but this
  // page is for 28 × 28 ones: the evaluation worker's Evaluator(784), the gradient
  // check's and the samples' 784-byte slices, the 28 × 28 drawings. Rows and columns
  // are the header's third and fourth u32, which the core has just checked.
  for (const f of FILES.filter((x) => x.kind === 'images')) {
    const view = new DataView(d[f.key].buffer, d[f.key].byteOffset, 16);
    const [rows, cols] = [view.getUint32(8), view.getUint32(12)];
    if (rows !== 28 || cols !== 28) {
      freeTrainer();
      throw new DataError(f.file, `${DATA_DIR}${f.file} (after gunzip) holds ${rows} × ${cols} images; MNIST images are 28 × 28. ${FIX_HINT}`);
    }
  }
}
