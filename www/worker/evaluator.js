// Evaluations in a second worker.
//
// A per-epoch evaluation is a forward pass over all 70000 images: run here, it
// holds up training for as long as 600 iterations take. So once the data is
// here, a second worker (eval-worker.js) gets a copy of it and evaluates on
// another core while training goes on: the trainer hands out each evaluation
// as a job carrying a copy of the weights (Trainer.trainDetached), the job goes
// to the evaluation worker, and its result comes back to be recorded and posted.
// The figures are exactly those of evaluating here.
//
// If that worker cannot start or fails at any point, evaluations return here:
// the jobs still out are run here (Trainer.runEvalJob), in order, and training
// goes on with Trainer.train. Nothing is lost, only the overlap.

import { EVAL_TO_WORKER, TO_EVALUATOR, TO_PAGE, typeName } from '../js/protocol.js';
import { S, STOP, describe, isFatal, onDie, param, post, wasm } from './runtime.js';
import { build } from './wasm.js';

/** {worker, state: 'loading' | 'ready' | 'broken', memoryBytes}, or null (inline). */
let evaluator = null;

/** `?evals=inline` on the worker's URL (passed on from the page's) keeps the
 *  evaluations in this worker instead of a second one. */
const evalsInline = param('evals') === 'inline';

/** What the run does with an evaluation done (recorded: post it) and once the jobs
 *  out have changed (go on, or end the run): set by run.js. */
const handlers = { evaluated: (r0, ev) => {}, settled: (r0) => {} };
export const setHandlers = (h) => Object.assign(handlers, h);

/** The evaluation worker's wasm memory (0 when there is none), for the run's figure. */
export const evaluatorMemory = () => (evaluator ? evaluator.memoryBytes : 0);

onDie(() => evaluator?.worker.terminate());

export function startEvaluator(d) {
  if (evaluator || evalsInline || typeof Worker === 'undefined') {
    if (!evaluator) post({ type: TO_PAGE.EVALUATOR, state: 'inline', message: evalsInline ? 'asked for (?evals=inline)' : 'no nested workers here' });
    return;
  }
  let w;
  try {
    w = new Worker(new URL('./eval-worker.js', self.location.href), { type: 'module', name: 'descent-evaluator' });
  } catch (e) {
    post({ type: TO_PAGE.EVALUATOR, state: 'inline', message: `the evaluation worker could not start (${describe(e)})` });
    return;
  }
  const ev = { worker: w, state: 'loading', memoryBytes: 0 };
  evaluator = ev;
  w.onmessage = (e) => onEvaluatorMessage(ev, e.data || {});
  w.onerror = (e) => {
    if (e && e.preventDefault) e.preventDefault();
    evaluatorFailed(ev, `the evaluation worker stopped (${e && e.message ? e.message : 'it could not be loaded'})`);
  };
  w.onmessageerror = () => evaluatorFailed(ev, 'a message from the evaluation worker could not be read');
  post({ type: TO_PAGE.EVALUATOR, state: 'loading', message: null });
  w.postMessage({ type: TO_EVALUATOR.INIT, build });
  // Copies: this worker keeps its own for the next Trainer.
  w.postMessage({ type: TO_EVALUATOR.DATA, trainImages: d.trainImages, trainLabels: d.trainLabels, testImages: d.testImages, testLabels: d.testLabels });
}

function onEvaluatorMessage(ev, msg) {
  if (ev !== evaluator || ev.state === 'broken') return;
  if (Number.isFinite(msg.memoryBytes)) ev.memoryBytes = msg.memoryBytes;
  switch (msg.type) {
    case EVAL_TO_WORKER.READY:
      if (msg.train !== S.data.train || msg.test !== S.data.test) {
        evaluatorFailed(ev, `the evaluation worker read ${msg.train} + ${msg.test} images instead of ${S.data.train} + ${S.data.test}`);
        return;
      }
      ev.state = 'ready';
      post({ type: TO_PAGE.EVALUATOR, state: 'ready', message: null });
      break;
    case EVAL_TO_WORKER.RESULT: {
      const r0 = S.run;
      // A result of a run discarded since (reset, new config): nothing to do.
      if (!r0 || r0.key !== msg.run || r0.jobs.length === 0) return;
      if (r0.jobs[0].seq !== msg.seq) {
        // The evaluation worker answers in order; anything else means it is confused.
        evaluatorFailed(ev, `it answered job ${msg.seq} while job ${r0.jobs[0].seq} was due`);
        return;
      }
      try {
        wasm('Trainer.record', () => S.trainer.record(msg.eval));
      } catch (e) {
        if (e === STOP) return;
        // The job is still queued: evaluatorFailed runs it again here.
        evaluatorFailed(ev, `its result could not be recorded (${describe(e)})`);
        return;
      }
      r0.jobs.shift();
      handlers.evaluated(r0, msg.eval);
      handlers.settled(r0);
      break;
    }
    case EVAL_TO_WORKER.FAILED:
      evaluatorFailed(ev, msg.message);
      break;
    default:
      // Not silence: a worker that says what we do not understand is not to be trusted with jobs.
      evaluatorFailed(ev, `it sent a message of unknown type ${typeName(msg.type)}`);
  }
}

/** The evaluation worker is gone for good: evaluate here from now on, starting with the jobs still out. */
function evaluatorFailed(ev, message) {
  if (!ev || ev !== evaluator || ev.state === 'broken') return;
  ev.state = 'broken';
  ev.memoryBytes = 0;
  try {
    ev.worker.terminate();
  } catch {
    // already gone
  }
  console.warn(`descent: evaluating in the training worker: ${message}`);
  post({ type: TO_PAGE.EVALUATOR, state: 'inline', message });
  runJobsHere(S.run);
}

/** Runs the run's evaluations still out here, oldest first, then ends the run if that was all. */
function runJobsHere(r0) {
  if (!r0 || r0 !== S.run || isFatal()) return;
  while (r0.jobs.length > 0) {
    const { job } = r0.jobs.shift();
    let e;
    try {
      e = wasm('Trainer.runEvalJob', () => S.trainer.runEvalJob(job));
      wasm('Trainer.record', () => S.trainer.record(e));
    } catch (err) {
      if (err === STOP) return;
      r0.state = 'stopped';
      post({
        type: TO_PAGE.ERROR,
        run: r0.id,
        message: `An evaluation failed: ${describe(err)}. The iterations so far are kept; press Start to run again.`,
        fatal: false,
      });
      return;
    }
    handlers.evaluated(r0, e);
  }
  handlers.settled(r0);
}

/** Whether this chunk of the run hands its evaluations to the evaluation worker:
 *  when that worker is ready and no inline evaluation is half done (so results
 *  are recorded in order); back to inline once it has failed. */
export function useDetached(r0) {
  if (!evaluator || evaluator.state !== 'ready') return false;
  if (r0.detached) return true;
  return !(r0.last && r0.last.evaluating);
}

/** Hands one evaluation job out: to the evaluation worker, or run here when it is gone. */
export function sendJob(r0, job) {
  const seq = r0.seq++;
  r0.jobs.push({ seq, job });
  const ev = evaluator;
  if (ev && ev.state === 'ready') {
    try {
      ev.worker.postMessage({ type: TO_EVALUATOR.JOB, run: r0.key, seq, job });
    } catch (e) {
      evaluatorFailed(ev, `a job could not be sent (${describe(e)})`);
    }
    return;
  }
  // No evaluation worker to take it (it failed meanwhile): run it here.
  runJobsHere(r0);
}
