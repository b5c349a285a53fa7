// What every module of the training worker shares: its state, posting to the
// page, the worker URL's switches, and the guard around calls into wasm (a trap
// ends the worker's usefulness: it is reported once and nothing calls wasm again).

import { TO_PAGE } from '../js/protocol.js';

/**
 * The worker's state, one object the modules read and write.
 *  - data: the decompressed IDX bytes and the image counts
 *    ({trainImages, trainLabels, testImages, testLabels, train, test}), kept for
 *    the worker's lifetime (copied into wasm per Trainer);
 *  - trainer / trainerKey: the wasm Trainer and the JSON of the config it was made from;
 *  - run: the current run (see run.js), null when idle.
 */
export const S = { data: null, trainer: null, trainerKey: null, run: null };

/** Posts a message to the page (see ../js/protocol.js for the types). */
export function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

/** A switch on the worker's URL (passed on from the page's: ?kernel, ?evals, ?warmup). */
export const param = (name) => new URL(self.location.href).searchParams.get(name);

/** An Error's message, or the value as text. */
export function describe(e) {
  if (e == null) return String(e);
  if (typeof e === 'string') return e;
  return e.message || e.name || String(e);
}

/** Thrown (and swallowed by the command loop) after a fatal error has been reported. */
export const STOP = Symbol('stop');

/** Set after a trap: the wasm instance may be corrupt, so nothing calls it again. */
let fatal = false;
export const isFatal = () => fatal;

/** What to stop when the worker dies (the loop, the evaluation worker): see onDie. */
const dieHooks = [];
export const onDie = (fn) => dieHooks.push(fn);

/** A trap (panic, unreachable, out of bounds, out of memory) as opposed to an
 *  Error the API throws on purpose for bad input. */
function isTrap(e) {
  return (
    e instanceof WebAssembly.RuntimeError ||
    e instanceof RangeError || // memory.grow failed, stack overflow
    (e && typeof e.message === 'string' && /unreachable|recursive use of an object|null pointer passed to rust/i.test(e.message))
  );
}

/** Runs one wasm call; a trap becomes a fatal error report. */
export function wasm(what, fn) {
  if (fatal) throw STOP;
  try {
    return fn();
  } catch (e) {
    if (isTrap(e)) {
      die(`The WebAssembly module crashed in ${what}: ${describe(e)}. Restart the worker to continue.`);
      throw STOP;
    }
    throw e;
  }
}

/** The worker is unusable from now on: says so once (a fatal error), stops what runs. */
export function die(message) {
  if (fatal) return;
  fatal = true;
  for (const fn of dieHooks) {
    try {
      fn();
    } catch {
      // stopping what is already broken: nothing to save
    }
  }
  post({ type: TO_PAGE.ERROR, run: S.run ? S.run.id : null, message, fatal: true });
}
