// The messages between the page, the training worker (www/worker.js and
// www/worker/) and the evaluation worker (www/eval-worker.js): every type as a
// constant, every message's fields as a JSDoc type. Imported by all three;
// senders and receivers use these constants, never the strings.
//
// Messages are small tagged objects ({type, …}); the losses and pixels travel
// as transferable buffers. `run` is the page's id for a run, echoed so that the
// page can drop messages of a run it has already discarded.
//
// A type a receiver does not know is an error, not silence:
//   - the training worker answers an unknown command with TO_PAGE.PROTOCOL_ERROR,
//     which the page writes to its log and to console.error;
//   - the page reports an unknown worker message the same way;
//   - the evaluation worker fails on an unknown command (EVAL_TO_WORKER.FAILED), and the
//     training worker treats an unknown answer as the evaluation worker failing:
//     either way the evaluations go on in the training worker, nothing lost.
// tests/e2e/protocol.test.mjs checks each direction; it injects the bad message
// inside the worker (Playwright's worker.evaluate), so the page needs no test hook.

/** Page → training worker. */
export const TO_WORKER = Object.freeze({
  /** Fetch and check MNIST: answered by DATA_READY or DATA_ERROR. {@link LoadMsg} */
  LOAD: 'load',
  /** A new run: Trainer(config), data, loop. {@link StartMsg} */
  START: 'start',
  /** Restart with a new config (the same as START). {@link StartMsg} */
  CONFIG: 'config',
  /** Stop the loop (answered by PAUSED). {type} */
  PAUSE: 'pause',
  /** Continue the loop (answered by RESUMED). {type} */
  RESUME: 'resume',
  /** Stop, discard the run, back to idle (answered by RESET). {@link ResetMsg} */
  RESET: 'reset',
  /** Numerical vs analytic gradient (f64); refused while a run trains. {@link GradcheckMsg} */
  GRADCHECK: 'gradcheck',
  /** A few training and test images, for the page. {@link SamplesRequest} */
  SAMPLES: 'samples',
  /** Whether the page shows the weights (then WEIGHTS come, at most twice a second in a run). {@link ViewsMsg} */
  VIEWS: 'views',
  /** The net's prediction for a drawing (answered by PREDICTION). {@link PredictMsg} */
  PREDICT: 'predict',
  /** The net's prediction for a test image (answered by PREDICTION). {@link PredictTestMsg} */
  PREDICT_TEST: 'predict-test',
  /** All test images and labels, for the gallery (answered by TEST_SET). {type} */
  TEST_SET: 'test-set',
  /** The current net as a model file (answered by MODEL_FILE or MODEL_ERROR). {@link SaveModelMsg} */
  SAVE_MODEL: 'save-model',
  /** A model file's net into the trainer (answered by MODEL_LOADED or MODEL_ERROR). {@link LoadModelMsg} */
  LOAD_MODEL: 'load-model',
  /** The run's loss.csv and accuracy.csv (answered by METRICS_CSV). {type} */
  METRICS: 'metrics',
});

/** Training worker → page. */
export const TO_PAGE = Object.freeze({
  /** The wasm module is loaded. {@link ReadyMsg} */
  READY: 'ready',
  /** Bytes downloaded over all four files. {@link DownloadMsg} */
  DOWNLOAD: 'download',
  /** MNIST is here and checked. {@link DataReadyMsg} */
  DATA_READY: 'data-ready',
  /** A data file could not be fetched, decompressed or read. {@link DataErrorMsg} */
  DATA_ERROR: 'data-error',
  /** The engine's optimised code is in (the warm-up). {@link WarmMsg} */
  WARM: 'warm',
  /** A run began. {@link StartedMsg} */
  STARTED: 'started',
  /** Losses since the last progress message, and where the run is. {@link ProgressMsg} */
  PROGRESS: 'progress',
  /** One per-epoch evaluation. {@link EvalMsg} */
  EVAL: 'eval',
  /** The run is paused. {@link RunMsg} */
  PAUSED: 'paused',
  /** The run goes on. {@link RunMsg} */
  RESUMED: 'resumed',
  /** The run is discarded (or a start could not begin). {@link RunMsg} */
  RESET: 'reset',
  /** The run ended, with a final evaluation of the final weights. {@link DoneMsg} */
  DONE: 'done',
  /** The loss stopped being finite: the run stops, its history kept. {@link DivergedMsg} */
  DIVERGED: 'diverged',
  /** Once a run, when the core's rule says it is not learning; the run goes on. {@link WarningMsg} */
  WARNING: 'warning',
  /** A failed run, config or worker. {@link ErrorMsg} */
  ERROR: 'error',
  /** The gradient check's figures. {@link GradcheckResultMsg} */
  GRADCHECK_RESULT: 'gradcheck-result',
  /** The gradient check was refused or failed. {@link GradcheckErrorMsg} */
  GRADCHECK_ERROR: 'gradcheck-error',
  /** Images for the page. {@link SamplesMsg} */
  SAMPLES: 'samples',
  /** Where the per-epoch evaluations run. {@link EvaluatorMsg} */
  EVALUATOR: 'evaluator',
  /** The worker got a message of a type it does not know. {@link ProtocolErrorMsg} */
  PROTOCOL_ERROR: 'protocol-error',
  /** W1 as tiles and W2, to draw. {@link WeightsMsg} */
  WEIGHTS: 'weights',
  /** What the net says of a drawing or a test image. {@link PredictionMsg} */
  PREDICTION: 'prediction',
  /** The test images and labels. {@link TestSetMsg} */
  TEST_SET: 'test-set',
  /** A model file to download. {@link ModelFileMsg} */
  MODEL_FILE: 'model-file',
  /** A model file was loaded, and evaluated. {@link ModelLoadedMsg} */
  MODEL_LOADED: 'model-loaded',
  /** A model file could not be made or loaded. {@link ModelErrorMsg} */
  MODEL_ERROR: 'model-error',
  /** The run's metrics as the CLI's CSV files. {@link MetricsCsvMsg} */
  METRICS_CSV: 'metrics-csv',
});

/** Training worker → evaluation worker. */
export const TO_EVALUATOR = Object.freeze({
  /** The wasm build to load (the training worker's). {@link InitMsg} */
  INIT: 'init',
  /** The raw IDX bytes, checked. {@link DataMsg} */
  DATA: 'data',
  /** One evaluation (see Trainer.trainDetached). {@link JobMsg} */
  JOB: 'job',
});

/** Evaluation worker → training worker. */
export const EVAL_TO_WORKER = Object.freeze({
  /** The data is in; the evaluator takes jobs. {@link EvaluatorReadyMsg} */
  READY: 'ready',
  /** One job's evaluation, in the order the jobs came. {@link ResultMsg} */
  RESULT: 'result',
  /** Nothing more will work there: evaluate in the training worker. {@link FailedMsg} */
  FAILED: 'failed',
});

/**
 * The ArrayBuffers of the typed arrays in `value` and the plain objects inside it
 * (a report's mistakes, say): what a message carrying it transfers.
 * @param {unknown} value
 * @returns {ArrayBuffer[]}
 */
export function bufferList(value) {
  const out = [];
  const walk = (v, depth) => {
    if (!v || typeof v !== 'object' || depth > 3) return;
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer && !out.includes(v.buffer)) out.push(v.buffer);
      return;
    }
    for (const x of Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return out;
}

/** `type` as a receiver names it in an error: a string quoted, anything else described. */
export const typeName = (type) => (typeof type === 'string' ? `"${type}"` : type === undefined ? 'no type' : String(JSON.stringify(type)));

// ---------------------------------------------------------------------------
// Page → training worker
// ---------------------------------------------------------------------------

/** @typedef {{type: 'load'}} LoadMsg */
/**
 * The settings form's values (crates/web's Trainer reads them; missing fields take the book's).
 * @typedef {{hidden: number, lr: number, batch: number, iters: number, initStd: number, seed: number, precision?: 'f32' | 'f64'}} Config
 */
/** @typedef {{type: 'start' | 'config', run: number, config: Config}} StartMsg */
/** @typedef {{type: 'reset', run?: number}} ResetMsg */
/**
 * On the first `images` training images (1–10), `hidden` units (1–100), weights from `seed`.
 * @typedef {{type: 'gradcheck', id: number, images: number, hidden: number, seed: number}} GradcheckMsg
 */
/** `count` (1–64) images from `offset` on, wrapping. @typedef {{type: 'samples', offset: number, count: number}} SamplesRequest */
/** @typedef {{type: 'views', open: boolean}} ViewsMsg */
/**
 * A drawing's strokes: `points` x, y pairs (canvas pixels, y down), `ends` each stroke's end in points.
 * @typedef {{type: 'predict', id: number, points: Float32Array, ends: Uint32Array}} PredictMsg
 */
/** @typedef {{type: 'predict-test', id: number, index: number}} PredictTestMsg */
/** @typedef {{type: 'save-model', format: 'npz' | 'pkl'}} SaveModelMsg */
/** `bytes` transferred. @typedef {{type: 'load-model', name: string, bytes: Uint8Array}} LoadModelMsg */

// ---------------------------------------------------------------------------
// Training worker → page
// ---------------------------------------------------------------------------

/** `kernel`: 'relaxed-simd', 'simd128' or 'scalar'. @typedef {{type: 'ready', kernel: string}} ReadyMsg */
/** @typedef {{type: 'download', file: string, loaded: number, total: number}} DownloadMsg */
/** `train`, `test`: image counts; `cached`: all four from the Cache API. @typedef {{type: 'data-ready', train: number, test: number, cached: boolean, ms: number}} DataReadyMsg */
/** `file`: the .gz at fault, or null. @typedef {{type: 'data-error', file: string | null, message: string}} DataErrorMsg */
/** @typedef {{type: 'warm', iters: number, ms: number}} WarmMsg */
/** @typedef {{type: 'started', run: number, config: Config}} StartedMsg */
/**
 * `losses`: every iteration's loss since the last progress message (transferred).
 * @typedef {{type: 'progress', run: number, iter: number, iters: number, epoch: number, loss: number | null,
 *   itersPerSec: number, elapsedMs: number, memoryBytes: number | null, losses: Float32Array}} ProgressMsg
 */
/**
 * A test set's report, computed by the core (descent_core::inspect::report): the confusion
 * matrix (row = true class, column = predicted), per-class accuracy (NaN: no images), and
 * the mistakes, the most confident first, with all their probabilities (`classes` each).
 * @typedef {{classes: number, total: number, correct: number, confusion: Uint32Array, classAccuracy: Float64Array,
 *   mistakes: {count: number, index: Uint32Array, label: Uint8Array, predicted: Uint8Array, confidence: Float32Array,
 *   probs: Float32Array}}} Report
 */
/** `report`: the test set's (absent only where none was kept). @typedef {{iter: number, epoch: number, trainAcc: number, testAcc: number, loss: number, report?: Report}} Evaluation */
/** @typedef {{type: 'eval', run: number} & Evaluation} EvalMsg */
/** @typedef {{type: 'paused' | 'resumed' | 'reset', run: number | null}} RunMsg */
/**
 * `final`: the final evaluation of the final weights (as `descent train` ends), or why it is missing;
 * `trainAcc`/`testAcc`: its figures, else the last per-epoch ones.
 * @typedef {{type: 'done', run: number, iter: number, iters: number, epoch: number, loss: number | null,
 *   itersPerSec: number, elapsedMs: number, memoryBytes: number | null, trainAcc: number | null, testAcc: number | null,
 *   final: ({ms: number} & Evaluation) | {error: string} | null}} DoneMsg
 */
/** @typedef {{type: 'diverged', run: number, iter: number, loss: number, message: string}} DivergedMsg */
/** @typedef {{type: 'warning', run: number, kind: 'not-learning', iter: number, message: string}} WarningMsg */
/**
 * `fatal`: the worker is unusable until restarted; `field`: the settings field at fault, if any
 * (the core's schema name, a typed value from descent-web, never parsed from the text), and
 * `reason`: what is wrong with it, for the message beside the field.
 * @typedef {{type: 'error', run: number | null, message: string, fatal: boolean, field?: string | null, reason?: string | null}} ErrorMsg
 */
/**
 * `params`: per parameter {name, maxAbs, maxRel, relNorm}; `absDiffW1`, `pixels` transferred.
 * @typedef {{type: 'gradcheck-result', id: number, params: Array<{name: string, maxAbs: number, maxRel: number, relNorm: number}>,
 *   numericalMs: number, analyticMs: number, absDiffW1: Float64Array, hidden: number, images: number,
 *   paramCount: number, pixels: Uint8Array, labels: number[], seed: number}} GradcheckResultMsg
 */
/** `busy`: refused because a run is training. @typedef {{type: 'gradcheck-error', id: number | null, message: string, busy: boolean}} GradcheckErrorMsg */
/** @typedef {{offset: number, pixels: Uint8Array, labels: number[]}} SampleSet */
/** @typedef {{type: 'samples', offset: number, count: number, train: SampleSet, test: SampleSet, trainSize: number, testSize: number}} SamplesMsg */
/** @typedef {{type: 'evaluator', state: 'loading' | 'ready' | 'inline', message: string | null}} EvaluatorMsg */
/** `received`: the unknown type as the worker got it. @typedef {{type: 'protocol-error', received: string, message: string}} ProtocolErrorMsg */
/**
 * The weights (descent_core::inspect::weights::WeightView): `tiles` holds `shown` tiles of rows × cols
 * (tile u = hidden unit u's column of W1), `w2` is hidden × output; `w1Scale`: the 99th percentile of |w| in the tiles, `w1Max` and `w2Scale`: the largest |w|.
 * @typedef {{type: 'weights', run: number | null, iter: number, rows: number, cols: number, hidden: number, output: number,
 *   shown: number, w1Scale: number, w1Max: number, w2Scale: number, tiles: Float32Array, unitMin: Float32Array, unitMax: Float32Array,
 *   w2: Float32Array}} WeightsMsg
 */
/**
 * A prediction: `image` the 28 × 28 the net read, `probs` its 10 probabilities; `label`/`index` for a
 * test image; `empty` with `message` when nothing is drawn; `error` when it could not be made.
 * @typedef {{type: 'prediction', id: number, source: 'drawing' | 'test', iter?: number, predicted?: number,
 *   image?: Uint8Array, probs?: Float32Array, label?: number | null, index?: number | null, empty?: boolean,
 *   message?: string, error?: string, running?: boolean}} PredictionMsg
 */
/** @typedef {{type: 'test-set', rows: number, cols: number, count: number, pixels: Uint8Array, labels: Uint8Array}} TestSetMsg */
/** @typedef {{type: 'model-file', format: 'npz' | 'pkl', name: string, iter: number, bytes: Uint8Array}} ModelFileMsg */
/**
 * The loaded net's sizes and its accuracy with the test set's report (for the views).
 * @typedef {{type: 'model-loaded', name: string | null, hidden: number, precision: 'f32' | 'f64', trainAcc: number | null,
 *   testAcc: number | null, report: Report | null}} ModelLoadedMsg
 */
/** @typedef {{type: 'model-error', action: 'save' | 'load' | 'metrics', name?: string | null, message: string}} ModelErrorMsg */
/** @typedef {{type: 'metrics-csv', loss: string, accuracy: string}} MetricsCsvMsg */

// ---------------------------------------------------------------------------
// Training worker ↔ evaluation worker
// ---------------------------------------------------------------------------

/** @typedef {{type: 'init', build: 'descent-web.js' | 'descent-web-relaxed.js'}} InitMsg */
/** Copies of the raw IDX files. @typedef {{type: 'data', trainImages: Uint8Array, trainLabels: Uint8Array, testImages: Uint8Array, testLabels: Uint8Array}} DataMsg */
/** `run`: the training worker's own id of the run; `job`: what Trainer.trainDetached handed out. @typedef {{type: 'job', run: number, seq: number, job: object}} JobMsg */
/** @typedef {{type: 'ready', train: number, test: number, memoryBytes: number, ms: number}} EvaluatorReadyMsg */
/** `eval.report`'s arrays are transferred. @typedef {{type: 'result', run: number, seq: number, eval: Evaluation, memoryBytes: number}} ResultMsg */
/** @typedef {{type: 'failed', message: string}} FailedMsg */
