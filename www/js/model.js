// The Model panel: the worker's net downloaded as .npz (numpy) or .pkl (the
// book's pickle), the run's metrics as the CLI's loss.csv and accuracy.csv, and
// a model file loaded by the file picker or by dropping it on the panel. The
// files are made and checked by the core in the worker (worker/model.js).

import { TO_PAGE, TO_WORKER } from './protocol.js';
import * as fmt from './format.js';

const $ = (id) => document.getElementById(id);

/** A file download of `data` (bytes or text) named `name`. */
function download(name, data, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/**
 * hooks = { send(msg, transfer), status() → {worker, data, run}, log(line), loaded(msg) }.
 * Returns { handle(msg) → true for the panel's messages, refresh() }.
 */
export function modelPanel(hooks) {
  const el = {
    status: $('model-status'),
    npz: $('model-npz'),
    pkl: $('model-pkl'),
    loss: $('metrics-loss'),
    acc: $('metrics-acc'),
    file: $('model-file'),
    drop: $('model-drop'),
    error: $('model-error'),
  };
  let want = null; // which CSV a METRICS request is for
  const ready = () => {
    const st = hooks.status();
    return st.worker === 'ready' && st.data === 'ready';
  };
  const busy = () => ['starting', 'running', 'paused'].includes(hooks.status().run);

  const setError = (text) => {
    el.error.textContent = text;
  };
  el.npz.addEventListener('click', () => hooks.send({ type: TO_WORKER.SAVE_MODEL, format: 'npz' }));
  el.pkl.addEventListener('click', () => hooks.send({ type: TO_WORKER.SAVE_MODEL, format: 'pkl' }));
  const metrics = (which) => {
    want = which;
    hooks.send({ type: TO_WORKER.METRICS });
  };
  el.loss.addEventListener('click', () => metrics('loss'));
  el.acc.addEventListener('click', () => metrics('accuracy'));

  async function load(file) {
    setError('');
    if (!file) return;
    if (!ready()) return setError('The MNIST data is not loaded yet: load the model once it is.');
    if (busy()) return setError('A run is under way: reset it (or let it finish) before loading a model.');
    let bytes;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch (e) {
      return setError(`${file.name} could not be read: ${e?.message ?? e}.`);
    }
    el.status.textContent = `Loading ${file.name}…`;
    hooks.send({ type: TO_WORKER.LOAD_MODEL, name: file.name, bytes }, [bytes.buffer]);
  }
  el.file.addEventListener('change', () => {
    load(el.file.files?.[0]);
    el.file.value = ''; // the same file can be loaded again
  });
  // Drag and drop onto the panel's drop zone.
  for (const t of ['dragenter', 'dragover']) {
    el.drop.addEventListener(t, (e) => {
      e.preventDefault();
      el.drop.dataset.over = 'true';
    });
  }
  for (const t of ['dragleave', 'drop']) {
    el.drop.addEventListener(t, () => {
      el.drop.dataset.over = 'false';
    });
  }
  el.drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = e.dataTransfer?.files;
    if (files && files.length > 1) setError(`${files.length} files were dropped: drop one model file (.npz or .pkl).`);
    else load(files?.[0]);
  });

  return {
    handle(msg) {
      switch (msg.type) {
        case TO_PAGE.MODEL_FILE:
          setError('');
          download(msg.name, msg.bytes, 'application/octet-stream');
          hooks.log(`model · ${msg.name} (${fmt.int(msg.bytes.length)} bytes, iteration ${fmt.int(msg.iter)})`);
          return true;
        case TO_PAGE.METRICS_CSV:
          if (want) download(`${want}.csv`, msg[want], 'text/csv');
          want = null;
          return true;
        case TO_PAGE.MODEL_LOADED: {
          setError('');
          const acc = msg.testAcc == null ? '' : ` Test accuracy ${fmt.acc(msg.testAcc)} (train ${fmt.acc(msg.trainAcc)}).`;
          el.status.textContent = `Loaded ${msg.name}: a 784-${msg.hidden}-10 net in ${msg.precision}.${acc} Start trains a new net from the settings.`;
          el.status.dataset.state = 'loaded';
          el.status.dataset.testAcc = msg.testAcc == null ? '' : String(msg.testAcc);
          hooks.log(`loaded ${msg.name} · 784-${msg.hidden}-10 ${msg.precision} · train acc, test acc | ${fmt.acc(msg.trainAcc)}, ${fmt.acc(msg.testAcc)}`);
          hooks.loaded(msg);
          return true;
        }
        case TO_PAGE.MODEL_ERROR:
          setError(msg.message);
          if (msg.action === 'load') el.status.textContent = 'The network the worker holds: the last run’s, or one you load.';
          hooks.log(`error · ${msg.message}`);
          return true;
        default:
          return false;
      }
    },
    /** The page's state changed: what can be done now. */
    refresh() {
      const ok = ready();
      el.npz.disabled = el.pkl.disabled = !ok;
      el.loss.disabled = el.acc.disabled = !ok || hooks.status().run === 'idle';
      el.file.disabled = !ok || busy();
    },
  };
}
