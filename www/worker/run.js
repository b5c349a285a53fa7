// The run: a Trainer trained in chunks of ~12 ms between which the worker reads
// its messages (pause, reset, a new config), losses posted 10 times a second,
// evaluations handed to the evaluation worker (evaluator.js) or run inline.

import { evaluatorMemory, sendJob, setHandlers, useDetached } from './evaluator.js';
import { loadData } from './load.js';
import { TO_PAGE, bufferList } from '../js/protocol.js';
import { S, STOP, describe, isFatal, onDie, post, wasm } from './runtime.js';
import { trainerFor } from './trainer.js';
import { weightsDue } from './views.js';
import { stopWarmUp } from './warmup.js';

/** Runs started in this worker (run.key). */
let runCount = 0;

/** Aim of one `train(n)` call, in ms: long enough to amortise the call, short
 *  enough that a pause is handled within a frame or two. */
const CHUNK_MS = 12;
/** Progress messages at most this often (ms): 10 per second. Each one costs the
 *  page's main thread a render, and on a 2-core machine that time comes out of
 *  training (50 ms measured about 3% slower over full runs). */
const POST_MS = 100;

setHandlers({
  evaluated: postEval,
  settled(r0) {
    // Restarts a loop that stopped to wait for evaluations (the core's Trainer.mustWait)…
    if (r0.waiting && !mustWait()) {
      r0.waiting = false;
      if (r0.state === 'running') schedule();
    }
    // …or ends a run whose last evaluations were out.
    finishIfDone(r0);
  },
});
onDie(stopLoop);

/** START / CONFIG: a new run of `config` (the page's id `id`). */
export async function startRun(id, config) {
  stopLoop();
  stopWarmUp();
  S.run = null;
  const d = await loadData();
  if (!d || isFatal()) {
    post({ type: TO_PAGE.RESET, run: id });
    return;
  }
  try {
    trainerFor(config, d);
  } catch (e) {
    if (e === STOP) return;
    // A config error names its field as a typed value (descent-web's field_error).
    post({ type: TO_PAGE.ERROR, run: id, message: describe(e), fatal: false, field: e?.field ?? null, reason: e?.reason ?? null });
    post({ type: TO_PAGE.RESET, run: id });
    return;
  }
  let cfg = config;
  try {
    cfg = wasm('Trainer.config', () => S.trainer.config());
  } catch (e) {
    if (e === STOP) return;
  }
  const iters = Number(cfg && cfg.iters) || 0;
  S.run = {
    id,
    state: 'running',
    config: cfg,
    iters,
    chunk: 8, // iterations per train() call; adapted to CHUNK_MS
    pending: new Float32Array(1024),
    pendingLen: 0,
    last: null, // the last train() result
    lastEval: null,
    lastPost: 0,
    activeMs: 0,
    detached: false, // evaluations handed to the evaluation worker (see useDetached)
    jobs: [], // evaluations handed out and not yet back, oldest first
    seq: 0,
    key: ++runCount, // this worker's own id of the run, for the evaluation worker's answers
    waiting: false, // the loop stopped until an evaluation comes back (Trainer.mustWait)
    warned: false, // the not-learning warning was posted
  };
  post({ type: TO_PAGE.STARTED, run: id, config: cfg });
  weightsDue(true); // iteration 0's, for the views
  schedule();
}

/** PAUSE. */
export function pause() {
  const r0 = S.run;
  if (r0 && r0.state === 'running') {
    r0.state = 'paused';
    flush(r0);
    post({ type: TO_PAGE.PAUSED, run: r0.id });
  }
}

/** RESUME. */
export function resume() {
  const r0 = S.run;
  if (r0 && r0.state === 'paused') {
    r0.state = 'running';
    post({ type: TO_PAGE.RESUMED, run: r0.id });
    schedule();
  }
}

/** RESET: the run is discarded (`id`: the page's, when there is no run). */
export function reset(id) {
  const was = S.run ? S.run.id : id ?? null;
  stopLoop();
  S.run = null;
  post({ type: TO_PAGE.RESET, run: was });
  weightsDue(true);
}

// A MessageChannel tick yields to the event loop (so pause/reset are handled
// between chunks) without setTimeout's 4 ms clamp.
const tick = new MessageChannel();
let tickPending = false;
tick.port1.onmessage = () => {
  tickPending = false;
  step();
};
function schedule() {
  if (!tickPending) {
    tickPending = true;
    tick.port2.postMessage(0);
  }
}
/** The core's policy for evaluations out (Trainer.mustWait: MAX_EVALS_OUT are out). */
function mustWait() {
  try {
    return Boolean(S.trainer?.mustWait);
  } catch {
    return false; // a trainer already freed: the run is over anyway
  }
}

function stopLoop() {
  if (S.run && S.run.state === 'running') S.run.state = 'stopped';
}

function step() {
  const r0 = S.run;
  if (!r0 || r0.state !== 'running' || isFatal()) return;
  if (r0.detached && mustWait()) {
    // Evaluations fall due faster than the evaluation worker gets through them
    // (tiny epochs): wait for one to come back rather than pile up copies of the weights.
    r0.waiting = true;
    return;
  }
  const trainer = S.trainer;
  const t0 = performance.now();
  let r;
  try {
    r0.detached = useDetached(r0);
    r = r0.detached
      ? wasm('Trainer.trainDetached', () => trainer.trainDetached(r0.chunk))
      : wasm('Trainer.train', () => trainer.train(r0.chunk));
  } catch (e) {
    if (e === STOP) return;
    // A thrown Error (not a trap) ends the run but leaves the worker usable.
    r0.state = 'stopped';
    flush(r0);
    post({ type: TO_PAGE.ERROR, run: r0.id, message: `Training stopped: ${describe(e)}`, fatal: false });
    return;
  }
  const dt = performance.now() - t0;
  r0.activeMs += dt;
  const ran = (r.iter ?? 0) - (r0.last ? r0.last.iter ?? 0 : 0);
  r0.last = r;

  const evals = Array.isArray(r.evals) ? r.evals : [];
  const jobs = Array.isArray(r.jobs) ? r.jobs : [];
  // A chunk that ran an evaluation (a pass over all 70000 images) says nothing
  // about the cost of one iteration, and one that stopped at a job ran short: do not adapt on them.
  // Units of work done: iterations when detached; iterations or 256-image evaluation blocks inline.
  const units = r0.detached ? ran : r0.chunk;
  if (evals.length === 0 && jobs.length === 0 && units > 0 && dt > 0) {
    const perIter = dt / units;
    const want = Math.round(CHUNK_MS / Math.max(perIter, 1e-4));
    r0.chunk = Math.max(1, Math.min(want, r0.chunk * 4, 20000));
  }

  append(r0, r.losses);
  const diverged = Boolean(r.diverged) || !Number.isFinite(r.loss);
  const done = Boolean(r.done);
  const now = performance.now();
  if (evals.length > 0 || diverged || done || now - r0.lastPost >= POST_MS) flush(r0);
  for (const ev of evals) postEval(r0, ev);
  for (const job of jobs) sendJob(r0, job);
  weightsDue();
  if (r.notLearning && !r0.warned) {
    // The core's rule, the CLI's too (descent_core::not_learning): said once a run.
    r0.warned = true;
    const m = String(r.notLearning.message);
    post({
      type: TO_PAGE.WARNING,
      run: r0.id,
      kind: 'not-learning',
      iter: r.notLearning.iter,
      message: m.charAt(0).toUpperCase() + m.slice(1) + '.',
    });
  }
  // Running a job here after the evaluation worker failed can itself fail and stop the run.
  if (r0.state !== 'running') return;
  if (diverged) {
    r0.state = 'diverged';
    // The trainer stops before the update whose loss was not finite; its `error`
    // says where and what to do. Otherwise (a NaN that slipped through) say it here.
    const lr = r0.config && r0.config.lr;
    const message =
      typeof r.error === 'string' && r.error
        ? r.error.charAt(0).toUpperCase() + r.error.slice(1) + '.'
        : `Training diverged at iteration ${r.iter}: the loss became ${r.loss}, not a finite number. ` +
          `The learning rate${lr != null ? ' (' + lr + ')' : ''} is probably too large; lower it and start again.`;
    post({ type: TO_PAGE.DIVERGED, run: r0.id, iter: r.iter, loss: r.loss, message });
    return;
  }
  if (done) {
    // The last iteration is done; the evaluations still out come back first.
    r0.state = 'finishing';
    finishIfDone(r0);
    return;
  }
  schedule();
}

/** Posts one evaluation to the page (inline or back from the evaluation worker), with
 *  its test set's report (the views' confusion matrix and mistakes), transferred. */
function postEval(r0, ev) {
  const { report = null, ...figures } = ev;
  r0.lastEval = figures;
  post({ type: TO_PAGE.EVAL, run: r0.id, ...figures, report }, bufferList(report));
}

/**
 * A run whose iterations are all done ends once no evaluation is still out, with
 * a final evaluation of the final weights, as `descent train` ends (its "final"
 * line, Trainer::evaluate): the per-epoch evaluations stop before the last
 * iteration (at 0, one epoch, … below iters), so the last of them is not the
 * trained network's figure (a 300-iteration run has only the untrained one's).
 * The 'done' message carries it as `final` and its trainAcc/testAcc.
 */
function finishIfDone(r0) {
  if (r0 !== S.run || r0.state !== 'finishing' || r0.jobs.length > 0) return;
  r0.state = 'done';
  flush(r0);
  let final = null;
  try {
    const t0 = performance.now();
    const a = wasm('Trainer.evaluate', () => S.trainer.evaluate());
    const last = r0.last || {};
    const iter = last.iter ?? r0.iters;
    const batch = Number(r0.config && r0.config.batch);
    // ⌈training images / batch⌉, as the trainer counts an epoch.
    const perEpoch = batch > 0 && S.data ? Math.max(Math.ceil(S.data.train / batch), 1) : null;
    final = {
      iter,
      // In epochs, as the per-epoch evaluations count them (iterations / iterations per epoch), not rounded.
      epoch: perEpoch ? iter / perEpoch : null,
      trainAcc: a.trainAcc,
      testAcc: a.testAcc,
      loss: last.loss ?? null,
      ms: Math.round(performance.now() - t0),
      report: a.report ?? null,
    };
  } catch (e) {
    if (e === STOP) return;
    // Not fatal: the run and its history stand; the page says the final figure is missing.
    final = { error: `The final evaluation failed: ${describe(e)}.` };
  }
  const ev = final && !final.error ? final : r0.lastEval || {};
  post({ type: TO_PAGE.DONE, run: r0.id, ...summary(r0), trainAcc: ev.trainAcc ?? null, testAcc: ev.testAcc ?? null, final }, bufferList(final));
  weightsDue(true);
}

function summary(r0) {
  const r = r0.last || {};
  const elapsedMs = Number.isFinite(r.elapsedMs) ? r.elapsedMs : r0.activeMs;
  const iter = r.iter ?? 0;
  const itersPerSec = Number.isFinite(r.itersPerSec) && r.itersPerSec > 0 ? r.itersPerSec : elapsedMs > 0 ? (iter * 1000) / elapsedMs : 0;
  // Both workers' wasm memory: this one's and the evaluation worker's.
  const memoryBytes = r.memoryBytes == null ? null : r.memoryBytes + evaluatorMemory();
  return { iter, iters: r.iters ?? r0.iters, epoch: r.epoch ?? 0, loss: r.loss ?? null, itersPerSec, elapsedMs, memoryBytes };
}

/** Copies this call's losses (never keep a view of wasm memory) into the pending buffer. */
function append(r0, losses) {
  if (!losses || !losses.length) return;
  const need = r0.pendingLen + losses.length;
  if (need > r0.pending.length) {
    const grown = new Float32Array(Math.max(need, r0.pending.length * 2));
    grown.set(r0.pending.subarray(0, r0.pendingLen));
    r0.pending = grown;
  }
  r0.pending.set(losses, r0.pendingLen);
  r0.pendingLen = need;
}

/** Posts a progress message with the losses since the last one (transferred). */
function flush(r0) {
  if (!r0.last) return;
  const losses = r0.pending.slice(0, r0.pendingLen);
  r0.pendingLen = 0;
  r0.lastPost = performance.now();
  post({ type: TO_PAGE.PROGRESS, run: r0.id, ...summary(r0), losses }, [losses.buffer]);
}
