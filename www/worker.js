// descent's training worker (a module worker; Trunk copies this file and the
// worker/ folder beside it as they are).
//
// The worker owns everything slow: the wasm module, the MNIST bytes and the
// training loop. The page only draws and sends commands. The messages, both
// ways, are in js/protocol.js. This file is the dispatcher; the rest is in worker/:
//
//   runtime.js    shared state, post(), the guard around wasm calls, a fatal error
//   wasm.js       loading the wasm module: relaxed-SIMD or plain build
//   files.js      the four MNIST files and the words for what is wrong with one
//   data.js       fetching them: Cache API, download with progress and size cap
//   gunzip.js     streamed decompression with the size cap
//   load.js       loading once: fetch, the core's check, data-ready
//   trainer.js    the wasm Trainer: made, loaded, reused
//   warmup.js     throwaway iterations once the data is here
//   run.js        the run: the loop, progress, evaluations, the end
//   evaluator.js  the evaluation worker (eval-worker.js) and its jobs
//   chapter.js    the chapter's requests: gradient check, sample images
//   views.js      the views inside the net: weights, predictions, the test images
//   model.js      model files (.npz, .pkl) both ways, and the metrics as CSV
//
// Everything it loads (the wasm builds, eval-worker.js, data/) is found relative
// to this script's URL, self.location, whichever module asks.

import { TO_PAGE, TO_WORKER, typeName } from './js/protocol.js';
import { gradCheck, samples } from './worker/chapter.js';
import { loadData } from './worker/load.js';
import { pause, reset, resume, startRun } from './worker/run.js';
import { S, STOP, describe, die, isFatal, post } from './worker/runtime.js';
import { loadModel, metrics, saveModel } from './worker/model.js';
import { predict, setViews, testSet } from './worker/views.js';
import { api, loadWasm } from './worker/wasm.js';

const ready = loadWasm()
  .then(() => {
    post({ type: TO_PAGE.READY, kernel: api.kernelName() });
    return true;
  })
  .catch((e) => {
    // A module that downloads fine but does not compile usually means a browser
    // without WebAssembly SIMD (this build needs it).
    const simd = e instanceof WebAssembly.CompileError && !/magic|version/i.test(describe(e));
    die(
      `The WebAssembly module could not be started: ${describe(e)}.` +
        (simd ? ' This browser may not support WebAssembly SIMD, which descent needs.' : ''),
    );
    return false;
  });

// Commands run one after another; start/load wait for the data, the loop runs in between.
let queue = Promise.resolve();
self.onmessage = (e) => {
  const msg = e.data || {};
  queue = queue.then(() => handle(msg)).catch((err) => {
    if (err !== STOP) die(`The worker failed handling ${typeName(msg.type)}: ${describe(err)}`);
  });
};

/** @param {import('./js/protocol.js').LoadMsg | import('./js/protocol.js').StartMsg | {type: string}} msg */
async function handle(msg) {
  if (!(await ready) || isFatal()) return;
  switch (msg.type) {
    case TO_WORKER.LOAD:
      if (S.data) post({ type: TO_PAGE.DATA_READY, train: S.data.train, test: S.data.test, cached: true, ms: 0 });
      else await loadData();
      break;
    case TO_WORKER.START:
    case TO_WORKER.CONFIG:
      await startRun(msg.run ?? null, msg.config);
      break;
    case TO_WORKER.PAUSE:
      pause();
      break;
    case TO_WORKER.RESUME:
      resume();
      break;
    case TO_WORKER.RESET:
      reset(msg.run);
      break;
    case TO_WORKER.GRADCHECK:
      await gradCheck(msg);
      break;
    case TO_WORKER.SAMPLES:
      await samples(msg);
      break;
    case TO_WORKER.VIEWS:
      setViews(msg);
      break;
    case TO_WORKER.PREDICT:
      await predict(msg, false);
      break;
    case TO_WORKER.PREDICT_TEST:
      await predict(msg, true);
      break;
    case TO_WORKER.TEST_SET:
      await testSet();
      break;
    case TO_WORKER.SAVE_MODEL:
      saveModel(msg);
      break;
    case TO_WORKER.LOAD_MODEL:
      loadModel(msg);
      break;
    case TO_WORKER.METRICS:
      metrics();
      break;
    default:
      // Not silence: a command this worker does not know is a bug in the page (or a
      // version mismatch); say so, and leave the run alone.
      post({
        type: TO_PAGE.PROTOCOL_ERROR,
        received: String(msg.type),
        message: `The training worker got a command of unknown type ${typeName(msg.type)}; it knows ${Object.values(TO_WORKER).join(', ')}.`,
      });
  }
}

self.onerror = (e) => {
  die(`Unexpected error in the worker: ${e && e.message ? e.message : describe(e)}`);
};
self.onunhandledrejection = (e) => {
  if (e.reason === STOP) return;
  die(`Unexpected error in the worker: ${describe(e.reason)}`);
};
