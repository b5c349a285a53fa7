// The wasm Trainer: made for a config, loaded with MNIST, reused when the config
// is the one it was made from (copying MNIST into wasm and building the pixel
// lists takes a few hundred ms), freed otherwise.

import { api } from './wasm.js';
import { S, STOP, isFatal, wasm } from './runtime.js';

/** The config as the trainer reads it (every field filled in), as JSON: equal keys, the same run. */
const configKey = (t) => JSON.stringify(wasm('Trainer.config', () => t.config()));

export function freeTrainer() {
  if (S.trainer) {
    const t = S.trainer;
    S.trainer = null;
    S.trainerKey = null;
    try {
      if (!isFatal()) t.free();
    } catch {
      // freeing a trainer of a crashed instance: nothing to save
    }
  }
}

/** Copies MNIST into a new trainer (freed again if that fails). The core checks the
 *  four files here (Dataset::from_idx_owned) and throws naming the one at fault. */
export function loadInto(t, d) {
  try {
    // wasm-bindgen copies the bytes into wasm memory; our copies stay for the next Trainer.
    wasm('Trainer.loadMnist', () => t.loadMnist(d.trainImages, d.trainLabels, d.testImages, d.testLabels));
  } catch (e) {
    if (e !== STOP) wasm('Trainer.free', () => t.free());
    throw e;
  }
}

/** A trainer with the book's config (Trainer({})), loaded with `d`: the worker's
 *  trainer from now on, so that Start with those settings begins at once. Throws
 *  what loadMnist throws (a file the core refuses, or a config the data cannot take). */
export function prepareTrainer(d) {
  freeTrainer();
  const t = wasm('new Trainer', () => new api.Trainer({}));
  const key = configKey(t);
  loadInto(t, d);
  S.trainer = t;
  S.trainerKey = key;
}

/** Makes S.trainer the trainer of `config` on `d`, at iteration 0: the one made
 *  before if its config is the same (reset), else a new one. Throws a config error. */
export function trainerFor(config, d) {
  const probe = wasm('new Trainer', () => new api.Trainer(config || {}));
  const key = configKey(probe);
  if (S.trainer && S.trainerKey === key) {
    wasm('Trainer.free', () => probe.free());
    wasm('Trainer.reset', () => S.trainer.reset());
  } else {
    freeTrainer();
    loadInto(probe, d);
    S.trainer = probe;
    S.trainerKey = key;
  }
}
