// Model files in the page: the current net downloaded as .npz or .pkl, the run's
// metrics as the CLI's CSV files, and a model file loaded into the trainer. The
// formats and their checks are the core's (descent_core::model, through
// Trainer.modelFile / loadModel / metricsCsv); this module only posts.

import { TO_PAGE, bufferList } from '../js/protocol.js';
import { S, STOP, describe, isFatal, post, wasm } from './runtime.js';
import { weightsDue } from './views.js';
import { stopWarmUp } from './warmup.js';

/** Largest model file taken (a 784-10000-10 float64 net is 63 MB). */
const MAX_MODEL_BYTES = 256 * 1024 * 1024;

const busy = () => S.run && ['running', 'paused', 'finishing'].includes(S.run.state);

/** SAVE_MODEL: the current net's file. */
export function saveModel(msg) {
  const format = msg.format === 'pkl' ? 'pkl' : 'npz';
  if (!S.trainer || isFatal()) {
    post({ type: TO_PAGE.MODEL_ERROR, action: 'save', message: 'There is no network yet: the data is still loading.' });
    return;
  }
  try {
    const bytes = wasm('Trainer.modelFile', () => S.trainer.modelFile(format));
    const cfg = wasm('Trainer.config', () => S.trainer.config());
    const iter = wasm('Trainer.iteration', () => S.trainer.iteration);
    const name = `descent-784-${cfg.hidden}-10-${cfg.precision}-${iter}it.${format}`;
    post({ type: TO_PAGE.MODEL_FILE, format, name, iter, bytes }, [bytes.buffer]);
  } catch (e) {
    if (e === STOP) return;
    post({ type: TO_PAGE.MODEL_ERROR, action: 'save', message: `The model file could not be made: ${describe(e)}.` });
  }
}

/** METRICS: the run's loss.csv and accuracy.csv. */
export function metrics() {
  if (!S.trainer || isFatal()) return;
  try {
    const csv = wasm('Trainer.metricsCsv', () => S.trainer.metricsCsv());
    post({ type: TO_PAGE.METRICS_CSV, loss: csv.loss, accuracy: csv.accuracy });
  } catch (e) {
    if (e !== STOP) post({ type: TO_PAGE.MODEL_ERROR, action: 'metrics', message: `The metrics could not be made: ${describe(e)}.` });
  }
}

/** LOAD_MODEL: a model file's net into the trainer, evaluated on the test set for the views. */
export function loadModel(msg) {
  const refuse = (message) => post({ type: TO_PAGE.MODEL_ERROR, action: 'load', name: msg.name ?? null, message });
  if (!S.trainer || isFatal()) return refuse('The MNIST data is not loaded yet: load the model once it is.');
  if (busy()) return refuse('A run is under way: reset it (or let it finish) before loading a model, so that its history is not mixed with another net.');
  const bytes = msg.bytes;
  if (!(bytes instanceof Uint8Array)) return refuse('No file came with the request.');
  if (bytes.length > MAX_MODEL_BYTES) {
    return refuse(`${msg.name} is ${(bytes.length / 1e6).toFixed(0)} MB, larger than any model of a net descent trains (at most ${MAX_MODEL_BYTES / 1e6} MB).`);
  }
  // The warm-up's throwaway iterations must not train the loaded net.
  stopWarmUp();
  let info;
  try {
    info = wasm('Trainer.loadModel', () => S.trainer.loadModel(bytes));
  } catch (e) {
    if (e === STOP) return;
    return refuse(`${msg.name ?? 'The file'} could not be loaded: ${describe(e)}.`);
  }
  // The trainer no longer holds the config it was made from: a Start makes a fresh one.
  S.trainerKey = null;
  S.run = null;
  let ev = null;
  try {
    ev = wasm('Trainer.evaluate', () => S.trainer.evaluate());
  } catch (e) {
    if (e === STOP) return;
  }
  post(
    {
      type: TO_PAGE.MODEL_LOADED,
      name: msg.name ?? null,
      hidden: info.hidden,
      precision: info.precision,
      trainAcc: ev?.trainAcc ?? null,
      testAcc: ev?.testAcc ?? null,
      report: ev?.report ?? null,
    },
    bufferList(ev?.report),
  );
  weightsDue(true);
}
