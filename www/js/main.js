// The page: sends commands to the training worker and draws what it reports.
// The trainer never touches the wasm here; ../worker.js owns it (the messages
// both ways are in ./protocol.js). The chapter's small demos (./chapter/) load the same wasm
// module on this thread, lazily; their data and the gradient check go through
// the worker.

import { SettingsForm } from './settings.js';
import { lossChart, accuracyChart } from './charts.js';
import { LossHistory } from './history.js';
import * as fmt from './format.js';
import { startChapter } from './chapter/index.js';
import { startViews } from './views/index.js';
import { modelPanel } from './model.js';
import { TO_PAGE, TO_WORKER, typeName } from './protocol.js';

const $ = (id) => document.getElementById(id);

const el = {
  dataStatus: $('data-status'),
  dataProgress: $('data-progress'),
  dataBytes: $('data-bytes'),
  dataError: $('data-error'),
  dataErrorMessage: $('data-error-message'),
  dataRetry: $('data-retry'),
  form: $('settings'),
  start: $('btn-start'),
  pause: $('btn-pause'),
  resume: $('btn-resume'),
  reset: $('btn-reset'),
  defaults: $('btn-defaults'),
  runProgress: $('run-progress'),
  runMeta: $('run-meta'),
  status: $('status'),
  kernel: $('kernel'),
  evaluator: $('evaluator'),
  runError: $('run-error'),
  runErrorMessage: $('run-error-message'),
  restart: $('restart-worker'),
  first1000: $('loss-first-1000'),
  log: $('log'),
};

/** Sum of the four gzip files, until the worker reports the real total. */
const DATA_BYTES = 9719462 + 28881 + 1616531 + 4540;
/** How long the worker may take to compile the wasm and say 'ready'. */
const READY_TIMEOUT_MS = 30000;

const state = {
  worker: 'starting', // starting | ready | crashed
  data: 'waiting', // waiting | loading | ready | error
  loaded: 0,
  total: DATA_BYTES,
  run: 'idle', // idle | starting | running | paused | done | diverged | stopped
  runId: 0,
  config: null, // the running config (as the worker reports it)
  iter: 0,
  iters: 0,
  epoch: 0,
  loss: null,
  itersPerSec: 0,
  elapsedMs: 0,
};

const history = new LossHistory();
let evals = [];
/** The final evaluation of a finished run (the final weights, as `descent train` ends), or null. */
let finalEval = null;

/** The chapter's panels (started at the end of this file, once the worker exists). */
let chapter = null;
/** The views inside the network (weights, drawing, mistakes, confusion matrix). */
let views = null;
/** The Model panel (downloads, a model file to load). */
let model = null;

// ---------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------

const form = new SettingsForm(el.form, $('settings-fields'), $('settings-note'), () => {
  renderNow();
  if (state.run === 'idle') {
    // the empty charts' axes follow the settings until a run starts
    lossView.invalidate();
    accView.invalidate();
  }
});

/** The form's valid values (invalid fields left out), for axis previews. */
function settingsPreview() {
  const out = {};
  for (const [name, input] of form.inputs) {
    const x = Number(input.value);
    if (!form.errors.has(name) && Number.isFinite(x)) out[name] = x;
  }
  return out;
}

el.defaults.addEventListener('click', () => {
  if (form.defaults) form.fill(form.defaults);
});

// ---------------------------------------------------------------------------
// Charts
// ---------------------------------------------------------------------------

/** The loss chart's x axis: the run's iterations, or what exists if it stopped early. */
function runIters() {
  if (state.run === 'diverged' || state.run === 'stopped') return Math.max(history.length, 10);
  // Before the schema is here, an axis of one iteration.
  return state.config?.iters ?? settingsPreview().iters ?? form.defaults?.iters ?? 1;
}
const lossView = lossChart($('loss-chart'), {
  history,
  iters: runIters,
  first1000: () => el.first1000.checked,
});
const accView = accuracyChart($('acc-chart'), {
  evals: () => evals,
  final: () => finalEval,
  epochs: () => {
    if (state.run === 'diverged' || state.run === 'stopped') return 1;
    const c = state.config ?? settingsPreview();
    const iters = c.iters ?? form.defaults?.iters ?? 1;
    const perEpoch = SettingsForm.itersPerEpoch(c.batch ?? form.defaults?.batch ?? 1);
    // evaluations at 0, perEpoch, … below iters, and the final one after the last iteration
    return iters / perEpoch;
  },
});
// A run posts progress 10 times a second; these two charts redraw at most 5
// times a second, run or not (a canvas redraw costs the main thread more than a
// progress bar does, and on a 2-core machine that time comes out of training).
// Resizes and the "first 1000" switch redraw at once.
lossView.minInterval = 200;
accView.minInterval = 200;
/** When a run stops (done, paused, diverged), its final state is drawn at once. */
function drawChartsNow() {
  lossView.render();
  accView.render();
}
el.first1000.addEventListener('change', () => lossView.render());

// ---------------------------------------------------------------------------
// The worker
// ---------------------------------------------------------------------------

let worker = null;
let readyTimer = 0;

function spawnWorker() {
  state.worker = 'starting';
  state.data = 'waiting';
  state.loaded = 0;
  el.dataError.hidden = true;
  setDataStatus('Starting the worker…', 'waiting');
  el.evaluator.textContent = 'evaluations: —';
  el.evaluator.dataset.state = '';
  const url = new URL('../worker.js', import.meta.url);
  // The page's switches go on to the worker (see worker.js): ?kernel=simd128 forces
  // the plain-SIMD build, ?evals=inline keeps the per-epoch evaluations in the
  // training worker, ?warmup=off skips the warm-up after the data arrives.
  const page = new URLSearchParams(location.search);
  for (const name of ['kernel', 'evals', 'warmup']) {
    if (page.get(name)) url.searchParams.set(name, page.get(name));
  }
  worker = new Worker(url, { type: 'module', name: 'descent-trainer' });
  const w = worker;
  w.onmessage = (e) => {
    if (w === worker) onMessage(e.data);
  };
  w.onerror = (e) => {
    e.preventDefault();
    if (w === worker) crash(`The training worker failed: ${e.message || 'its script could not be loaded or run'}.`);
  };
  w.onmessageerror = () => {
    if (w === worker) crash('The training worker sent a message the page could not read.');
  };
  clearTimeout(readyTimer);
  readyTimer = setTimeout(() => {
    if (w === worker && state.worker === 'starting') {
      crash(`The training worker did not start within ${READY_TIMEOUT_MS / 1000} s.`);
    }
  }, READY_TIMEOUT_MS);
  scheduleUI();
}

function send(msg, transfer = []) {
  if (worker && state.worker !== 'crashed') worker.postMessage(msg, transfer);
}

/** A fatal problem: the worker is unusable until restarted. */
function crash(message) {
  if (state.worker === 'crashed') return;
  state.worker = 'crashed';
  clearTimeout(readyTimer);
  if (isActive()) state.run = 'stopped';
  if (state.data === 'loading' || state.data === 'waiting') {
    state.data = 'error';
    setDataStatus('The data was not loaded: the worker stopped.', 'error');
  }
  showRunError(message, { restart: true });
  chapter?.workerLost();
  views?.workerLost();
  setStatus('Stopped: the training worker failed (see below).', 'crashed');
  log(`error · ${message}`);
  renderNow();
}

function restartWorker() {
  if (worker) worker.terminate();
  worker = null;
  chapter?.workerLost();
  views?.workerLost();
  hideRunError();
  if (isActive()) state.run = 'stopped';
  log('worker restarted');
  spawnWorker();
  setStatus('Restarting the worker…', state.run);
  el.start.focus();
}

const isActive = () => state.run === 'running' || state.run === 'paused' || state.run === 'starting';
const mine = (msg) => msg.run == null || msg.run === state.runId;

function onMessage(data) {
  const msg = data && typeof data === 'object' ? data : { type: undefined };
  handleMessage(msg);
  // Frequent messages redraw on the next frame; state changes show at once, so
  // the buttons never disagree with the status line.
  if (msg.type === TO_PAGE.PROGRESS || msg.type === TO_PAGE.DOWNLOAD) scheduleUI();
  else renderNow();
}

function handleMessage(msg) {
  if (chapter?.handle(msg)) return;
  if (views?.handle(msg)) return;
  if (model?.handle(msg)) return;
  views?.observe(msg, mine(msg));
  switch (msg.type) {
    case TO_PAGE.READY:
      clearTimeout(readyTimer);
      state.worker = 'ready';
      el.kernel.textContent = `kernel: ${fmt.kernel(msg.kernel)}`;
      el.kernel.dataset.kernel = msg.kernel || '';
      // The module the worker just loaded can now be loaded here too, if it failed before.
      form.load();
      loadData();
      if (state.run === 'stopped' || state.run === 'idle') setStatus(idleStatus(), state.run);
      break;

    case TO_PAGE.EVALUATOR:
      el.evaluator.textContent = `evaluations: ${fmt.evaluator(msg.state)}`;
      el.evaluator.dataset.state = msg.state || '';
      el.evaluator.title = msg.message || '';
      break;

    case TO_PAGE.DOWNLOAD:
      state.loaded = msg.loaded;
      state.total = msg.total || state.total;
      if (state.data !== 'loading') state.data = 'loading';
      scheduleUI();
      break;

    case TO_PAGE.WARM:
      // The wasm code is optimised (throwaway iterations after the data came): runs start at full speed.
      document.body.dataset.warm = `${msg.iters} iterations, ${msg.ms} ms`;
      break;

    case TO_PAGE.DATA_READY:
      state.data = 'ready';
      state.loaded = state.total;
      el.dataError.hidden = true;
      setDataStatus(
        `MNIST ready: ${fmt.int(msg.train)} training and ${fmt.int(msg.test)} test images` +
          (msg.cached ? ' (from this browser’s cache).' : msg.ms ? ` (loaded in ${fmt.duration(msg.ms)}).` : '.'),
        'ready',
      );
      if (state.run === 'idle') setStatus(idleStatus(), 'idle');
      scheduleUI();
      break;

    case TO_PAGE.DATA_ERROR:
      state.data = 'error';
      el.dataErrorMessage.textContent = msg.message;
      el.dataError.hidden = false;
      setDataStatus('The MNIST data could not be loaded.', 'error');
      if (state.run === 'starting') state.run = 'idle';
      setStatus('Waiting for the data: see the error above.', state.run);
      log(`data error · ${msg.message}`);
      scheduleUI();
      break;

    case TO_PAGE.STARTED:
      if (!mine(msg)) return;
      state.run = 'running';
      state.config = msg.config || state.config;
      state.iters = state.config?.iters ?? state.iters;
      setStatus(`Training: iteration 0 of ${fmt.int(state.iters)}.`, 'running');
      lossView.invalidate();
      accView.invalidate();
      scheduleUI();
      break;

    case TO_PAGE.PROGRESS:
      if (!mine(msg)) return;
      history.push(msg.losses);
      Object.assign(state, {
        iter: msg.iter,
        iters: msg.iters ?? state.iters,
        epoch: msg.epoch,
        loss: msg.loss,
        itersPerSec: msg.itersPerSec,
        elapsedMs: msg.elapsedMs,
      });
      lossView.invalidate();
      scheduleUI();
      break;

    case TO_PAGE.EVAL:
      if (!mine(msg)) return;
      evals.push({ iter: msg.iter, epoch: msg.epoch, trainAcc: msg.trainAcc, testAcc: msg.testAcc, loss: msg.loss });
      // The book's line (train_neuralnet.py), with four decimals.
      log(`train acc, test acc | ${fmt.acc(msg.trainAcc)}, ${fmt.acc(msg.testAcc)}`);
      // Evaluations run beside training and can arrive after a pause, a divergence or
      // an error: then they join the chart and the log but leave that message alone.
      if (state.run === 'running') {
        setStatus(runningStatus(msg), state.run);
      }
      accView.invalidate();
      break;

    case TO_PAGE.WARNING:
      // A learning rate far too large rarely makes the loss NaN: the cross-entropy's
      // δ = 1e-7 caps it near ln(1e7) ≈ 16, so the run goes on without learning.
      // The worker says so once a run, by the core's rule (the CLI's too).
      if (!mine(msg)) return;
      showRunError(msg.message, { restart: false, kind: 'warning' });
      log(`warning · ${msg.message}`);
      break;

    case TO_PAGE.PAUSED:
      if (!mine(msg)) return;
      state.run = 'paused';
      setStatus(`Paused at iteration ${fmt.int(state.iter)} of ${fmt.int(state.iters)}${lossText()}.`, 'paused');
      drawChartsNow();
      scheduleUI();
      break;

    case TO_PAGE.RESUMED:
      if (!mine(msg)) return;
      state.run = 'running';
      setStatus(`Training resumed at iteration ${fmt.int(state.iter)}.`, 'running');
      scheduleUI();
      break;

    case TO_PAGE.DONE: {
      if (!mine(msg)) return;
      state.run = 'done';
      Object.assign(state, { iter: msg.iter, iters: msg.iters, loss: msg.loss, elapsedMs: msg.elapsedMs, itersPerSec: msg.itersPerSec });
      if (Number.isFinite(msg.memoryBytes)) document.body.dataset.wasmMemory = String(msg.memoryBytes);
      const fin = msg.final && !msg.final.error && Number.isFinite(msg.final.testAcc) ? msg.final : null;
      finalEval = fin && Number.isFinite(fin.epoch) ? fin : null;
      let accs = '';
      if (fin) {
        // The figure `descent train` prints last ("final train acc, test acc | …"), for the same settings.
        accs = ` Test accuracy ${fmt.acc(fin.testAcc)} (train ${fmt.acc(fin.trainAcc)}), measured on the final weights.`;
      } else if (msg.testAcc != null) {
        accs = ` Test accuracy ${fmt.acc(msg.testAcc)} (train ${fmt.acc(msg.trainAcc)}) at the last per-epoch evaluation.`;
      }
      setStatus(`Done: ${fmt.int(msg.iter)} iterations in ${fmt.duration(msg.elapsedMs)}.${accs}`, 'done');
      if (fin) log(`final train acc, test acc | ${fmt.acc(fin.trainAcc)}, ${fmt.acc(fin.testAcc)}`);
      else if (msg.final?.error) log(`error · ${msg.final.error}`);
      log(`done · ${fmt.int(msg.iter)} iterations in ${fmt.duration(msg.elapsedMs)} (${fmt.rate(msg.itersPerSec)} it/s)`);
      if (msg.final?.error) showRunError(`${msg.final.error} The run's loss and per-epoch accuracies are kept above.`, { restart: false, kind: 'warning' });
      accView.invalidate();
      drawChartsNow();
      scheduleUI();
      break;
    }

    case TO_PAGE.DIVERGED:
      if (!mine(msg)) return;
      state.run = 'diverged';
      state.iter = msg.iter ?? state.iter;
      showRunError(msg.message, { restart: false, kind: 'diverged' });
      setStatus(`Diverged at iteration ${fmt.int(state.iter)}: the loss is not a finite number.`, 'diverged');
      log(`diverged · ${msg.message}`);
      drawChartsNow();
      scheduleUI();
      break;

    case TO_PAGE.RESET:
      // The worker's answer to a reset, or a start it could not begin (bad data or config).
      if (msg.run === state.runId && state.run === 'starting') {
        state.run = 'idle';
        scheduleUI();
      }
      break;

    case TO_PAGE.ERROR:
      if (msg.fatal) {
        crash(msg.message);
        return;
      }
      if (msg.run != null && msg.run !== state.runId) return;
      // A setting at fault: its reason beside the field (typed, from the core).
      if (msg.field && form.show(msg.field, msg.reason ? msg.reason.charAt(0).toUpperCase() + msg.reason.slice(1) : msg.message)) {
        form.inputs.get(msg.field).focus();
      }
      if (state.run === 'running' || state.run === 'paused') state.run = 'stopped';
      showRunError(msg.message, { restart: false });
      setStatus(`Not running: ${msg.message}`, state.run);
      log(`error · ${msg.message}`);
      scheduleUI();
      break;

    case TO_PAGE.PROTOCOL_ERROR:
      // The worker got a command it does not know (see protocol.js): a bug, reported.
      protocolError(msg.message);
      break;

    default:
      protocolError(`The page got a message of unknown type ${typeName(msg.type)} from the training worker.`);
  }
}

/** A message one side does not understand: an error in the log and the console, not silence.
 *  The run, if any, goes on (tests/e2e/protocol.test.mjs). */
function protocolError(message) {
  console.error(`descent: ${message}`);
  log(`error · ${message}`);
}

function loadData() {
  state.data = 'loading';
  state.loaded = 0;
  el.dataError.hidden = true;
  setDataStatus('Loading MNIST (4 files, gzip)…', 'loading');
  send({ type: TO_WORKER.LOAD });
  scheduleUI();
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

el.form.addEventListener('submit', (e) => {
  e.preventDefault();
  const config = form.read({ focus: true });
  if (!config) {
    setStatus('Not started: fix the highlighted settings first.', state.run);
    return;
  }
  if (!canStart()) return;
  const restart = state.run === 'running' || state.run === 'paused';
  state.runId++;
  state.run = 'starting';
  state.config = config;
  Object.assign(state, { iter: 0, iters: config.iters, epoch: 0, loss: null, itersPerSec: 0, elapsedMs: 0 });
  history.clear();
  evals = [];
  finalEval = null;
  views?.newRun();
  hideRunError();
  send({ type: restart ? TO_WORKER.CONFIG : TO_WORKER.START, run: state.runId, config });
  log(
    `${restart ? 'restart' : 'start'} · hidden ${config.hidden}, lr ${config.lr}, batch ${config.batch}, ` +
      `${config.iters} iterations, init std ${config.initStd}, seed ${config.seed}`,
  );
  setStatus('Starting…', 'starting');
  lossView.invalidate();
  accView.invalidate();
  renderNow();
});

el.pause.addEventListener('click', () => {
  if (state.run === 'running') send({ type: TO_WORKER.PAUSE });
});
el.resume.addEventListener('click', () => {
  if (state.run === 'paused') send({ type: TO_WORKER.RESUME });
});
el.reset.addEventListener('click', () => {
  send({ type: TO_WORKER.RESET, run: state.runId });
  state.runId++; // drop whatever the old run still has in flight
  state.run = 'idle';
  state.config = null;
  Object.assign(state, { iter: 0, iters: 0, epoch: 0, loss: null, itersPerSec: 0, elapsedMs: 0 });
  history.clear();
  evals = [];
  finalEval = null;
  views?.newRun();
  hideRunError();
  setStatus('Reset. ' + idleStatus(), 'idle');
  log('reset');
  lossView.invalidate();
  accView.invalidate();
  renderNow();
});
el.dataRetry.addEventListener('click', () => {
  if (state.worker === 'ready') loadData();
  else restartWorker();
});
el.restart.addEventListener('click', restartWorker);

const canStart = () => state.worker === 'ready' && state.data === 'ready' && state.run !== 'starting' && form.valid;

// ---------------------------------------------------------------------------
// Rendering (text updates coalesced into one animation frame)
// ---------------------------------------------------------------------------

let uiFrame = 0;
function scheduleUI() {
  if (!uiFrame) uiFrame = requestAnimationFrame(renderUI);
}
function renderNow() {
  if (uiFrame) cancelAnimationFrame(uiFrame);
  renderUI();
}

function renderUI() {
  uiFrame = 0;

  // data panel
  const total = Math.max(state.total, state.loaded, 1);
  el.dataProgress.max = total;
  el.dataProgress.value = state.data === 'ready' ? total : state.loaded;
  el.dataBytes.textContent = `${fmt.mb(state.data === 'ready' ? total : state.loaded)} / ${fmt.mb(total)} MB`;

  // run progress
  const iters = state.iters || state.config?.iters || 0;
  el.runProgress.max = Math.max(iters, 1);
  el.runProgress.value = Math.min(state.iter, iters);
  el.runMeta.dataset.iter = String(state.iter);
  el.runMeta.textContent = runMetaText(iters);

  // buttons
  const focused = document.activeElement;
  const active = state.run === 'running' || state.run === 'paused';
  setButton(el.start, canStart(), active ? 'Restart' : 'Start');
  setButton(el.pause, state.worker === 'ready' && state.run === 'running');
  setButton(el.resume, state.worker === 'ready' && state.run === 'paused');
  setButton(el.reset, state.run !== 'idle');
  el.start.title = active ? 'Start again from iteration 0 with the settings above' : '';
  document.body.dataset.worker = state.worker;
  document.body.dataset.run = state.run;
  chapter?.refresh();
  views?.refresh();
  model?.refresh();
  keepFocus(focused);
}

function runMetaText(iters) {
  if (state.run === 'idle') return 'Not started';
  if (state.run === 'starting') return 'Preparing the network…';
  const parts = [`iteration ${fmt.int(state.iter)} / ${fmt.int(iters)}`, `epoch ${state.epoch}`];
  if (state.run === 'running' || state.run === 'paused') {
    parts.push(`${fmt.rate(state.itersPerSec)} it/s`);
    if (state.itersPerSec > 0 && state.iter < iters) {
      parts.push(`${fmt.duration(((iters - state.iter) / state.itersPerSec) * 1000)} left`);
    }
  } else {
    parts.push(`${fmt.duration(state.elapsedMs)}`, `${fmt.rate(state.itersPerSec)} it/s`);
  }
  return parts.join(' · ');
}

function setButton(b, enabled, label) {
  b.disabled = !enabled;
  if (label && b.textContent !== label) b.textContent = label;
}

/** A focused button that just became disabled hands focus to the next sensible one
 *  (Pause → Resume and back), so keyboard users keep their place. */
function keepFocus(focused) {
  const next = { 'btn-pause': el.resume, 'btn-resume': el.pause, 'btn-start': el.pause, 'btn-reset': el.start };
  if (!focused || !focused.disabled || !(focused.id in next)) return;
  const target = [next[focused.id], el.start, el.reset].find((b) => b && !b.disabled);
  if (target) target.focus();
}

function lossText() {
  return state.loss != null ? `, loss ${fmt.loss(state.loss)}` : '';
}

function runningStatus(ev) {
  return (
    `Iteration ${fmt.int(ev.iter)} of ${fmt.int(state.iters)} (epoch ${ev.epoch})${lossText()} · ` +
    `train acc ${fmt.acc(ev.trainAcc)}, test acc ${fmt.acc(ev.testAcc)}.`
  );
}

function idleStatus() {
  if (state.data !== 'ready') return 'Waiting for the data.';
  return 'Ready: press Start to train the network.';
}

let lastStatus = '';
function setStatus(text, s) {
  el.status.dataset.state = s;
  if (text !== lastStatus) {
    el.status.textContent = text;
    lastStatus = text;
  }
}

function setDataStatus(text, s) {
  el.dataStatus.textContent = text;
  el.dataStatus.dataset.state = s;
}

function showRunError(message, { restart, kind = 'error' }) {
  el.runErrorMessage.textContent = message;
  el.restart.hidden = !restart;
  el.runError.dataset.kind = kind;
  el.runError.hidden = false;
}
function hideRunError() {
  el.runError.hidden = true;
  el.restart.hidden = true;
}

function log(line) {
  const atEnd = el.log.scrollTop + el.log.clientHeight >= el.log.scrollHeight - 4;
  el.log.append(line + '\n');
  if (atEnd) el.log.scrollTop = el.log.scrollHeight;
}

// ---------------------------------------------------------------------------

chapter = startChapter({
  send,
  status: () => ({ worker: state.worker, data: state.data, run: state.run }),
});
try {
  views = startViews({
    send,
    status: () => ({ worker: state.worker, data: state.data, run: state.run }),
  });
} catch (e) {
  // The views must not take the trainer down with them.
  console.error('descent: the views inside the network failed to start', e);
}
model = modelPanel({
  send,
  status: () => ({ worker: state.worker, data: state.data, run: state.run }),
  log,
  loaded: (msg) => views?.modelLoaded(msg),
});
spawnWorker();
