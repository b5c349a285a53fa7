// Warm-up.
//
// The engine first runs wasm code from its quick baseline compiler, and swaps in
// the optimised code of a function only after that function has run a while in
// the background's eyes. Measured here: a run's first ~150 iterations took
// 4–6× as long as the rest, about 0.2 s lost at the start of every page load.
// So once the data is here, the prepared trainer runs a few hundred throwaway
// iterations in short slices, while the reader is still reading; a run that
// starts meanwhile stops the warm-up at the next slice, and Start resets the
// trainer to iteration 0 anyway (same seed, same run). A warm-up that ends resets
// it too, so that the views show the untrained net until a run starts.

import { TO_PAGE } from '../js/protocol.js';
import { S, isFatal, param, post, wasm } from './runtime.js';
import { weightsDue } from './views.js';

/** Most throwaway iterations; the warm-up ends sooner once iterations run fast. */
const WARM_ITERS = 400;
/** Iterations per slice (a slice takes a few ms even before the code is optimised). */
const WARM_SLICE = 8;
let warm = null;

/** `?warmup=off` on the worker's URL (passed on from the page's): no warm-up (for the tests). */
const warmupOff = param('warmup') === 'off';

/** Starts the warm-up of the prepared trainer (S.trainer). */
export function warmUp() {
  if (warmupOff) return;
  warm = { done: 0, firstPerIter: null, t0: performance.now() };
  setTimeout(warmStep, 0);
}

/** Stops it (a run starts). */
export function stopWarmUp() {
  warm = null;
}

function warmStep() {
  const w = warm;
  if (!w || S.run || isFatal() || !S.trainer) {
    warm = null;
    return;
  }
  const t0 = performance.now();
  let ran = 0;
  let ended = false;
  try {
    const r = wasm('Trainer.trainDetached', () => S.trainer.trainDetached(Math.min(WARM_SLICE, WARM_ITERS - w.done)));
    ran = Math.max(0, (r && r.iter) - w.done);
    w.done = (r && r.iter) || w.done;
    ended = !r || Boolean(r.done) || Boolean(r.diverged);
  } catch {
    warm = null; // a real run will report whatever this was
    return;
  }
  const perIter = ran > 0 ? (performance.now() - t0) / ran : null;
  if (perIter != null && ran >= WARM_SLICE && w.firstPerIter == null) w.firstPerIter = perIter;
  const fast = perIter != null && ran >= WARM_SLICE && w.firstPerIter != null && perIter < w.firstPerIter / 3;
  // Also stop when the trainer cannot go on (a tiny run ended, or no progress at all).
  if (fast || w.done >= WARM_ITERS || ended || ran === 0) {
    warm = null;
    // Back to iteration 0: until a run starts, the views show (and the drawing asks) the untrained net.
    try {
      wasm('Trainer.reset', () => S.trainer.reset());
    } catch {
      // a real run will report whatever this was
    }
    post({ type: TO_PAGE.WARM, iters: w.done, ms: Math.round(performance.now() - w.t0) });
    weightsDue(true);
    return;
  }
  setTimeout(warmStep, 0);
}
