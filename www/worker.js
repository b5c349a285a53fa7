// descent's training worker (a module worker, copied as is by Trunk).
//
// The worker owns everything slow: the wasm module, the MNIST bytes and the
// training loop. The page only draws and sends commands. Messages are small
// tagged objects; the losses travel as transferable buffers.
//
//   page → worker   {type:'load'}                      fetch + check MNIST (answers data-ready / data-error)
//                   {type:'start',  run, config}       new run: Trainer(config), data, loop
//                   {type:'config', run, config}       restart with a new config (same as start)
//                   {type:'pause'} {type:'resume'}     stop / continue the loop
//                   {type:'reset'}                     stop, discard the run, back to idle
//                   {type:'gradcheck', id, images, hidden, seed}   numerical vs analytic gradient (f64)
//                                                      on the first `images` training images; refused
//                                                      while a run is training (it would stall it)
//                   {type:'samples', offset, count}    a few training and test images, for the page
//
//   worker → page   {type:'ready', kernel, defaults}
//                   {type:'download', file, loaded, total}      bytes over all four files
//                   {type:'data-ready', train, test, cached, ms}
//                   {type:'data-error', file, message}
//                   {type:'warm', iters, ms}    the engine's optimised code is in (see warmUp)
//                   {type:'started', run, config}
//                   {type:'progress', run, iter, iters, epoch, loss, itersPerSec, elapsedMs, losses}
//                   {type:'eval', run, iter, epoch, trainAcc, testAcc, loss}
//                   {type:'paused', run} {type:'resumed', run} {type:'reset', run}
//                   {type:'done', run, iter, iters, epoch, loss, itersPerSec, elapsedMs, memoryBytes, trainAcc, testAcc,
//                                 final: {iter, epoch, trainAcc, testAcc, loss, ms} | {error}}
//                                        trainAcc/testAcc: the final evaluation of the final weights
//                                        (as `descent train` ends), else the last per-epoch one
//                   {type:'diverged', run, iter, loss, message}   the run stops, history kept
//                   {type:'warning', run, kind: 'not-learning', iter, message}   once a run, when the
//                                        core's rule says it is not learning; the run goes on
//                   {type:'error', run, message, fatal, field}
//                   {type:'gradcheck-result', id, params, numericalMs, analyticMs, absDiffW1,
//                                             hidden, images, paramCount, pixels, labels, seed}
//                   {type:'gradcheck-error', id, message, busy}
//                   {type:'samples', offset, count, train: {pixels, labels}, test: {…}, trainSize, testSize}
//                   {type:'evaluator', state, message}   where the per-epoch evaluations run:
//                                        'loading' / 'ready' (a second worker), 'inline' (here)
//
// `run` is the page's id for a run, echoed so the page can drop messages of a run
// it has already discarded.

// Two builds of the wasm crate sit beside this file (Trunk names them after the
// package, descent-web): descent-web-relaxed.js uses relaxed SIMD (a fused
// multiply-add, faster in Chromium and Firefox), descent-web.js plain SIMD, for
// browsers that lack relaxed SIMD (Safari fails to compile a module that holds
// any relaxed instruction). The choice is made here, at run time, by asking the
// engine to validate a 36-byte module that uses one relaxed instruction.
// `?kernel=simd128` on the worker's URL (passed on from the page's) forces the plain build.
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253,
  128, 2, 11,
]);
/** A switch on the worker's URL (passed on from the page's). */
const param = (name) => new URL(self.location.href).searchParams.get(name);
const forced = param('kernel');
const relaxed = forced !== 'simd128' && WebAssembly.validate(RELAXED_PROBE);
// `?evals=inline` on the worker's URL (passed on from the page's) keeps the
// evaluations in this worker instead of a second one (see "Evaluations" below).
const evalsInline = param('evals') === 'inline';
let Trainer, kernelName, gradientCheck;
async function init() {
  const mod = await import(relaxed ? './descent-web-relaxed.js' : './descent-web.js');
  await mod.default();
  ({ Trainer, kernelName, gradientCheck } = mod);
}

// ---------------------------------------------------------------------------
// MNIST files
// ---------------------------------------------------------------------------

/** `gzSize`: the gzip files placed by scripts/setup.sh (gzip -9), used for the
 *  progress total until the server's Content-Length is known. `size`: the MNIST
 *  file once decompressed (IDX header + data), the most bytes it can have: the
 *  download and the decompression stop there, so a small file that inflates to
 *  gigabytes (a "gzip bomb") costs no more memory than the real one. */
const FILES = [
  { key: 'trainImages', file: 'train-images-idx3-ubyte.gz', kind: 'images', gzSize: 9719462, size: 47040016 },
  { key: 'trainLabels', file: 'train-labels-idx1-ubyte.gz', kind: 'labels', gzSize: 28881, size: 60008 },
  { key: 'testImages', file: 't10k-images-idx3-ubyte.gz', kind: 'images', gzSize: 1616531, size: 7840016 },
  { key: 'testLabels', file: 't10k-labels-idx1-ubyte.gz', kind: 'labels', gzSize: 4540, size: 10008 },
];
/** Most bytes a download may have: the decompressed size plus room for gzip's
 *  own overhead on data that does not compress (a few bytes per 16 KB block). */
const maxDownload = (f) => f.size + Math.ceil(f.size / 1024) + 1024;
const DATA_DIR = 'data/';
const CACHE_NAME = 'descent-mnist-v1';
const IDX_MAGIC = { images: 0x00000803, labels: 0x00000801 };
const FIX_HINT =
  'The MNIST files are put in www/data by scripts/setup.sh and copied to dist/data by ' +
  '"trunk build"; check that the server serves them, then press Retry.';

/** A problem with one data file: the message says what is wrong and what to do. */
class DataError extends Error {
  constructor(file, message) {
    super(message);
    this.file = file;
  }
}

/** The decompressed IDX bytes, kept for the worker's lifetime (copied into wasm per Trainer). */
let data = null;
let loading = null;

/** Fetches, decompresses and checks the four files once; later calls share the result. */
function loadData() {
  if (data) return Promise.resolve(data);
  if (!loading) {
    loading = fetchAll()
      .then((d) => {
        data = d;
        post({ type: 'data-ready', train: d.train, test: d.test, cached: d.cached, ms: d.ms });
        startEvaluator(d);
        prepareTrainer(d);
        return d;
      })
      .catch((e) => {
        if (e instanceof DataError) {
          post({ type: 'data-error', file: e.file, message: e.message });
        } else {
          post({ type: 'data-error', file: null, message: `Loading MNIST failed: ${describe(e)}` });
        }
        return null;
      })
      .finally(() => {
        loading = null;
      });
  }
  return loading;
}

async function fetchAll() {
  const t0 = performance.now();
  const cache = await openCache();
  const abort = new AbortController();
  const loaded = FILES.map(() => 0);
  const totals = FILES.map((f) => f.gzSize);
  let lastPost = 0;
  const progress = (i, bytes, total, force) => {
    loaded[i] = bytes;
    if (total > 0) totals[i] = total;
    const now = performance.now();
    if (!force && now - lastPost < 50) return;
    lastPost = now;
    const sumLoaded = loaded.reduce((a, b) => a + b, 0);
    const sumTotal = totals.reduce((a, b) => a + Math.max(b, 0), 0);
    post({ type: 'download', file: FILES[i].file, loaded: sumLoaded, total: Math.max(sumTotal, sumLoaded) });
  };
  let parts;
  try {
    parts = await Promise.all(FILES.map((f, i) => fetchFile(f, i, cache, abort.signal, progress)));
  } catch (e) {
    abort.abort();
    throw e;
  }
  const d = { cached: parts.every((p) => p.cached), ms: Math.round(performance.now() - t0) };
  FILES.forEach((f, i) => {
    d[f.key] = parts[i].bytes;
    d[f.key + 'Dims'] = parts[i].dims;
  });
  // The pairs must agree: one label per image.
  for (const [img, lab] of [
    ['trainImages', 'trainLabels'],
    ['testImages', 'testLabels'],
  ]) {
    const n = d[img + 'Dims'][0];
    const m = d[lab + 'Dims'][0];
    if (n !== m) {
      const f = FILES.find((x) => x.key === lab).file;
      throw new DataError(f, `${DATA_DIR}${f} has ${m} labels but its image file has ${n} images. ${FIX_HINT}`);
    }
  }
  d.train = d.trainImagesDims[0];
  d.test = d.testImagesDims[0];
  return d;
}

async function openCache() {
  try {
    if (typeof caches === 'undefined') return null;
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // opaque origins, private modes, file:// — fall back to the network
  }
}

/** One file: from the cache when it holds a good copy, else from the network (then cached). */
async function fetchFile(f, i, cache, signal, progress) {
  const url = new URL(DATA_DIR + f.file, self.location.href).href;
  if (cache) {
    try {
      const hit = await cache.match(url);
      if (hit) {
        const gz = new Uint8Array(await hit.arrayBuffer());
        progress(i, gz.length, gz.length, true);
        try {
          const { bytes, dims } = await decodeAndCheck(f, gz);
          return { bytes, dims, cached: true };
        } catch {
          await cache.delete(url); // a stale or damaged copy: fetch it again
        }
      }
    } catch {
      // Cache API trouble is never fatal: use the network.
    }
  }
  const gz = await download(f, i, url, signal, progress);
  const { bytes, dims } = await decodeAndCheck(f, gz);
  if (cache) {
    // Only files that passed every check are cached.
    cache
      .put(url, new Response(gz, { headers: { 'Content-Type': 'application/gzip' } }))
      .catch(() => {});
  }
  return { bytes, dims, cached: false };
}

async function download(f, i, url, signal, progress) {
  const where = DATA_DIR + f.file;
  let res;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw new DataError(f.file, `${where} could not be downloaded (${describe(e)}). ${FIX_HINT}`);
  }
  if (!res.ok) {
    const what = res.status === 404 ? 'was not found on the server' : 'could not be downloaded';
    throw new DataError(f.file, `${where} ${what} (HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}). ${FIX_HINT}`);
  }
  // With a Content-Encoding the browser decodes the body, so Content-Length does
  // not count the bytes we read: keep the known size then.
  const len = Number(res.headers.get('Content-Length'));
  const total = len > 0 && !res.headers.get('Content-Encoding') ? len : f.gzSize;
  progress(i, 0, total, true);
  if (!res.body) {
    if (len > maxDownload(f)) throw new DataError(f.file, tooLarge(f, `the server says it is ${fmtBytes(len)} long, more than even ${realSize(f)} uncompressed`));
    const buf = new Uint8Array(await res.arrayBuffer());
    progress(i, buf.length, total, true);
    return buf;
  }
  const limit = maxDownload(f);
  if (len > limit && !res.headers.get('Content-Encoding')) {
    res.body?.cancel().catch(() => {});
    throw new DataError(f.file, tooLarge(f, `the server says it is ${fmtBytes(len)} long, more than even ${realSize(f)} uncompressed`));
  }
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
      if (got > limit) {
        reader.cancel().catch(() => {});
        throw new DataError(f.file, tooLarge(f, `its download passed ${fmtBytes(limit)}, more than even ${realSize(f)} uncompressed`));
      }
      chunks.push(value);
      progress(i, got, Math.max(total, got), false);
    }
  } catch (e) {
    if (signal.aborted || e instanceof DataError) throw e;
    throw new DataError(f.file, `${where} stopped downloading after ${got} bytes (${describe(e)}). ${FIX_HINT}`);
  }
  progress(i, got, Math.max(total, got), true);
  const out = new Uint8Array(got);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** gzip → IDX bytes, then the IDX checks. Accepts an already decoded IDX file too
 *  (a server that sent the .gz with Content-Encoding: gzip). */
async function decodeAndCheck(f, gz) {
  const where = DATA_DIR + f.file;
  let bytes;
  if (gz.length >= 2 && gz[0] === 0x1f && gz[1] === 0x8b) {
    bytes = await gunzip(f, gz);
  } else if (gz.length >= 4 && gz[0] === 0 && gz[1] === 0 && gz[2] === 0x08) {
    if (gz.length > f.size) throw new DataError(f.file, tooLarge(f, `it is ${gz.length.toLocaleString('en-US')} bytes long, more than ${realSize(f)}`));
    bytes = gz;
  } else {
    const head = Array.from(gz.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new DataError(
      f.file,
      `${where} is neither gzip nor IDX data (it starts with ${head || 'nothing: it is empty'}); ` +
        `the server may have sent an error page instead. ${FIX_HINT}`,
    );
  }
  const dims = checkIdx(f, bytes);
  return { bytes, dims };
}

/** Compressed bytes handed to the decompressor at a time. Deflate inflates at most
 *  about 1032 : 1, so one slice yields at most about 8 MB before the size check runs
 *  (the real training images take about 1200 slices). */
const GUNZIP_SLICE = 8192;

/**
 * gzip → bytes, streamed: the output goes into a buffer of the file's MNIST size
 * and the decompression stops as soon as it would pass that size (a "gzip bomb"
 * never gets further than the real file would). The compressed bytes go in small
 * slices, each written only once the output before it has been read: a decoder
 * given the whole file at once inflates all of it in one step, whatever the
 * reader does. A stream that ends too soon or cannot be decoded means a damaged copy.
 */
async function gunzip(f, gz) {
  const where = DATA_DIR + f.file;
  const out = new Uint8Array(f.size);
  let got = 0;
  const ds = new DecompressionStream('gzip');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let stopped = false;
  // The writes' own rejections (a corrupt stream, our cancel) are seen by the reader below.
  const feed = (async () => {
    for (let o = 0; o < gz.length && !stopped; o += GUNZIP_SLICE) await writer.write(gz.subarray(o, o + GUNZIP_SLICE));
    if (!stopped) await writer.close();
  })();
  feed.catch(() => {});
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value.length > out.length - got) {
        stopped = true;
        reader.cancel().catch(() => {});
        throw new DataError(f.file, tooLarge(f, `it decompresses to more bytes than ${realSize(f)}`));
      }
      out.set(value, got);
      got += value.length;
    }
  } catch (e) {
    stopped = true;
    if (e instanceof DataError) throw e;
    // Chromium: "Compressed input was truncated." / "The compressed data was not valid: …";
    // Firefox and Safari word it differently, so only the cut-short case is told apart.
    const cut = /truncat|unexpected end|end of (the )?(stream|input|data)/i.test(describe(e));
    throw new DataError(
      f.file,
      `${where} is damaged: ` +
        (cut
          ? `its gzip data stops short after ${fmtBytes(got)} of decompressed data (an incomplete download or copy)`
          : `its gzip data is corrupt${got > 0 ? ` after ${fmtBytes(got)} of decompressed data` : ''}`) +
        `, so it cannot be decompressed. Replace it with a good copy (scripts/setup.sh writes the MNIST files into www/data ` +
        `again, and "trunk build" copies them to dist/data), check that the server serves it whole, then press Retry.`,
    );
  }
  return got === out.length ? out : out.slice(0, got);
}

/** The message for a data file bigger than its MNIST file: `how` says how we know. */
function tooLarge(f, how) {
  return (
    `${DATA_DIR}${f.file} is larger than an MNIST file can be: ${how}. Reading it stopped there. ` +
    `It is not the MNIST file (another file under its name, or a damaged one). ${FIX_HINT}`
  );
}

/** "the real train-images-idx3-ubyte (47,040,016 bytes)" */
const realSize = (f) => `the real ${f.file.replace(/\.gz$/, '')} (${f.size.toLocaleString('en-US')} bytes)`;

/** 47040016 → "47.0 MB", 60008 → "60.0 kB", 5 → "5 bytes". */
function fmtBytes(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} byte${n === 1 ? '' : 's'}`;
}

/** Checks an IDX header against the file's kind; returns its dimensions. */
function checkIdx(f, b) {
  const where = `${DATA_DIR}${f.file} (after gunzip)`;
  const want = IDX_MAGIC[f.kind];
  const nd = want & 0xff;
  const headerLen = 4 + 4 * nd;
  if (b.length < headerLen) {
    throw new DataError(f.file, `${where} is ${b.length} bytes long, shorter than its ${headerLen}-byte IDX header. ${FIX_HINT}`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = view.getUint32(0);
  if (magic !== want) {
    throw new DataError(
      f.file,
      `${where} starts with IDX magic 0x${hex8(magic)}, but an MNIST ${f.kind} file starts with 0x${hex8(want)}. ${FIX_HINT}`,
    );
  }
  const dims = [];
  for (let k = 0; k < nd; k++) dims.push(view.getUint32(4 + 4 * k));
  if (f.kind === 'images' && (dims[1] !== 28 || dims[2] !== 28)) {
    throw new DataError(f.file, `${where} holds ${dims[1]} × ${dims[2]} images; MNIST images are 28 × 28. ${FIX_HINT}`);
  }
  const want_len = headerLen + dims.reduce((a, x) => a * x, 1);
  if (b.length !== want_len) {
    const how = b.length < want_len ? 'truncated' : 'followed by extra bytes';
    throw new DataError(
      f.file,
      `${where} is ${b.length} bytes long, but its header (${dims.join(' × ')}) needs exactly ${want_len}: the file is ${how}. ${FIX_HINT}`,
    );
  }
  if (f.kind === 'labels') {
    for (let k = headerLen; k < b.length; k++) {
      if (b[k] > 9) {
        throw new DataError(f.file, `${where}: label ${k - headerLen} is ${b[k]}, not a digit 0–9. ${FIX_HINT}`);
      }
    }
  }
  return dims;
}

const hex8 = (x) => (x >>> 0).toString(16).padStart(8, '0');

// ---------------------------------------------------------------------------
// Calls into wasm
// ---------------------------------------------------------------------------

/** Set after a trap: the wasm instance may be corrupt, so nothing calls it again. */
let fatal = false;

/** Thrown (and swallowed by the command loop) after a fatal error has been reported. */
const STOP = Symbol('stop');

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
function wasm(what, fn) {
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

function die(message) {
  if (fatal) return;
  fatal = true;
  stopLoop();
  if (evaluator) {
    try {
      evaluator.worker.terminate();
    } catch {
      // already gone
    }
  }
  post({ type: 'error', run: run ? run.id : null, message, fatal: true });
}

function describe(e) {
  if (e == null) return String(e);
  if (typeof e === 'string') return e;
  return e.message || e.name || String(e);
}

// ---------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------

let kernel = 'unknown';
let trainer = null;
let trainerKey = null; // JSON of the config the trainer was made from

/** The current run: null when idle. */
let run = null;
/** Runs started in this worker (run.key). */
let runCount = 0;

/** Aim of one `train(n)` call, in ms: long enough to amortise the call, short
 *  enough that a pause is handled within a frame or two. */
const CHUNK_MS = 12;
/** Progress messages at most this often (ms): 10 per second. Each one costs the
 *  page's main thread a render, and on a 2-core machine that time comes out of
 *  training (50 ms measured about 3% slower over full runs). */
const POST_MS = 100;

function freeTrainer() {
  if (trainer) {
    const t = trainer;
    trainer = null;
    trainerKey = null;
    try {
      if (!fatal) t.free();
    } catch {
      // freeing a trainer of a crashed instance: nothing to save
    }
  }
}

/** Copies MNIST into a new trainer (freed again if that fails). */
function loadInto(t, d) {
  try {
    // wasm-bindgen copies the bytes into wasm memory; our copies stay for the next Trainer.
    wasm('Trainer.loadMnist', () => t.loadMnist(d.trainImages, d.trainLabels, d.testImages, d.testLabels));
  } catch (e) {
    if (e !== STOP) wasm('Trainer.free', () => t.free());
    throw e;
  }
}

/** Once the data is here: a trainer with the book's config, data loaded, so that
 *  Start with those settings begins at once (copying MNIST into wasm and building
 *  the pixel lists takes a few hundred ms). Any other config makes its own. */
function prepareTrainer(d) {
  if (trainer || fatal) return;
  try {
    const t = wasm('new Trainer', () => new Trainer({}));
    const key = JSON.stringify(wasm('Trainer.config', () => t.config()));
    loadInto(t, d);
    trainer = t;
    trainerKey = key;
  } catch {
    // Start will make one (and report what goes wrong then).
    return;
  }
  warmUp();
}

// ---------------------------------------------------------------------------
// Warm-up
// ---------------------------------------------------------------------------
//
// The engine first runs wasm code from its quick baseline compiler, and swaps in
// the optimised code of a function only after that function has run a while in
// the background's eyes. Measured here: a run's first ~150 iterations took
// 4–6× as long as the rest, about 0.2 s lost at the start of every page load.
// So once the data is here, the prepared trainer runs a few hundred throwaway
// iterations in short slices, while the reader is still reading; a run that
// starts meanwhile stops the warm-up at the next slice, and Start resets the
// trainer to iteration 0 anyway (same seed, same run).

/** Most throwaway iterations; the warm-up ends sooner once iterations run fast. */
const WARM_ITERS = 400;
/** Iterations per slice (a slice takes a few ms even before the code is optimised). */
const WARM_SLICE = 8;
let warm = null;

/** `?warmup=off` on the worker's URL (passed on from the page's): no warm-up (for the tests). */
const warmupOff = param('warmup') === 'off';

function warmUp() {
  if (warmupOff) return;
  warm = { done: 0, firstPerIter: null, t0: performance.now() };
  setTimeout(warmStep, 0);
}

function warmStep() {
  const w = warm;
  if (!w || run || fatal || !trainer) {
    warm = null;
    return;
  }
  const t0 = performance.now();
  let ran = 0;
  let ended = false;
  try {
    const r = wasm('Trainer.trainDetached', () => trainer.trainDetached(Math.min(WARM_SLICE, WARM_ITERS - w.done)));
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
    post({ type: 'warm', iters: w.done, ms: Math.round(performance.now() - w.t0) });
    return;
  }
  setTimeout(warmStep, 0);
}

async function startRun(id, config) {
  stopLoop();
  warm = null;
  run = null;
  const d = await loadData();
  if (!d || fatal) {
    post({ type: 'reset', run: id });
    return;
  }
  try {
    // The config as the trainer reads it (every field filled in) decides whether the
    // trainer made before (e.g. by prepareTrainer) can simply start again.
    const probe = wasm('new Trainer', () => new Trainer(config || {}));
    const key = JSON.stringify(wasm('Trainer.config', () => probe.config()));
    if (trainer && trainerKey === key) {
      wasm('Trainer.free', () => probe.free());
      wasm('Trainer.reset', () => trainer.reset());
    } else {
      freeTrainer();
      loadInto(probe, d);
      trainer = probe;
      trainerKey = key;
    }
  } catch (e) {
    if (e === STOP) return;
    const message = describe(e);
    const m = /^\s*([A-Za-z]+)\s*:/.exec(message);
    post({ type: 'error', run: id, message, fatal: false, field: m ? m[1] : null });
    post({ type: 'reset', run: id });
    return;
  }
  let cfg = config;
  try {
    cfg = wasm('Trainer.config', () => trainer.config());
  } catch (e) {
    if (e === STOP) return;
  }
  const iters = Number(cfg && cfg.iters) || 0;
  run = {
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
    waiting: false, // the loop stopped until an evaluation comes back (MAX_JOBS out)
    warned: false, // the not-learning warning was posted
  };
  post({ type: 'started', run: id, config: cfg });
  schedule();
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
function stopLoop() {
  if (run && run.state === 'running') run.state = 'stopped';
}

function step() {
  const r0 = run;
  if (!r0 || r0.state !== 'running' || fatal) return;
  if (r0.jobs.length >= MAX_JOBS) {
    // Evaluations fall due faster than the evaluation worker gets through them
    // (tiny epochs): wait for one to come back rather than pile up copies of the weights.
    r0.waiting = true;
    return;
  }
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
    post({ type: 'error', run: r0.id, message: `Training stopped: ${describe(e)}`, fatal: false });
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
  if (r.notLearning && !r0.warned) {
    // The core's rule, the CLI's too (descent_core::not_learning): said once a run.
    r0.warned = true;
    const m = String(r.notLearning.message);
    post({
      type: 'warning',
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
    post({ type: 'diverged', run: r0.id, iter: r.iter, loss: r.loss, message });
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

/** Posts one evaluation to the page (inline or back from the evaluation worker). */
function postEval(r0, ev) {
  r0.lastEval = ev;
  post({ type: 'eval', run: r0.id, iter: ev.iter, epoch: ev.epoch, trainAcc: ev.trainAcc, testAcc: ev.testAcc, loss: ev.loss });
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
  if (r0 !== run || r0.state !== 'finishing' || r0.jobs.length > 0) return;
  r0.state = 'done';
  flush(r0);
  let final = null;
  try {
    const t0 = performance.now();
    const a = wasm('Trainer.evaluate', () => trainer.evaluate());
    const last = r0.last || {};
    const iter = last.iter ?? r0.iters;
    const batch = Number(r0.config && r0.config.batch);
    // ⌈training images / batch⌉, as the trainer counts an epoch.
    const perEpoch = batch > 0 && data ? Math.max(Math.ceil(data.train / batch), 1) : null;
    final = {
      iter,
      // In epochs, as the per-epoch evaluations count them (iterations / iterations per epoch), not rounded.
      epoch: perEpoch ? iter / perEpoch : null,
      trainAcc: a.trainAcc,
      testAcc: a.testAcc,
      loss: last.loss ?? null,
      ms: Math.round(performance.now() - t0),
    };
  } catch (e) {
    if (e === STOP) return;
    // Not fatal: the run and its history stand; the page says the final figure is missing.
    final = { error: `The final evaluation failed: ${describe(e)}.` };
  }
  const ev = final && !final.error ? final : r0.lastEval || {};
  post({ type: 'done', run: r0.id, ...summary(r0), trainAcc: ev.trainAcc ?? null, testAcc: ev.testAcc ?? null, final });
}


function summary(r0) {
  const r = r0.last || {};
  const elapsedMs = Number.isFinite(r.elapsedMs) ? r.elapsedMs : r0.activeMs;
  const iter = r.iter ?? 0;
  const itersPerSec = Number.isFinite(r.itersPerSec) && r.itersPerSec > 0 ? r.itersPerSec : elapsedMs > 0 ? (iter * 1000) / elapsedMs : 0;
  // Both workers' wasm memory: this one's and the evaluation worker's.
  const memoryBytes = r.memoryBytes == null ? null : r.memoryBytes + (evaluator ? evaluator.memoryBytes : 0);
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
  post({ type: 'progress', run: r0.id, ...summary(r0), losses }, [losses.buffer]);
}

// ---------------------------------------------------------------------------
// Evaluations in a second worker
// ---------------------------------------------------------------------------
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

/** {worker, state: 'loading' | 'ready' | 'broken', memoryBytes}, or null (inline). */
let evaluator = null;
/** Most evaluations out at once; the training loop waits beyond (each holds a copy of the weights). */
const MAX_JOBS = 2;

function startEvaluator(d) {
  if (evaluator || evalsInline || typeof Worker === 'undefined') {
    if (!evaluator) post({ type: 'evaluator', state: 'inline', message: evalsInline ? 'asked for (?evals=inline)' : 'no nested workers here' });
    return;
  }
  let w;
  try {
    w = new Worker(new URL('./eval-worker.js', self.location.href), { type: 'module', name: 'descent-evaluator' });
  } catch (e) {
    post({ type: 'evaluator', state: 'inline', message: `the evaluation worker could not start (${describe(e)})` });
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
  post({ type: 'evaluator', state: 'loading', message: null });
  w.postMessage({ type: 'init', build: relaxed ? 'descent-web-relaxed.js' : 'descent-web.js' });
  // Copies: this worker keeps its own for the next Trainer.
  w.postMessage({ type: 'data', trainImages: d.trainImages, trainLabels: d.trainLabels, testImages: d.testImages, testLabels: d.testLabels });
}

function onEvaluatorMessage(ev, msg) {
  if (ev !== evaluator || ev.state === 'broken') return;
  if (Number.isFinite(msg.memoryBytes)) ev.memoryBytes = msg.memoryBytes;
  switch (msg.type) {
    case 'ready':
      if (msg.train !== data.train || msg.test !== data.test) {
        evaluatorFailed(ev, `the evaluation worker read ${msg.train} + ${msg.test} images instead of ${data.train} + ${data.test}`);
        return;
      }
      ev.state = 'ready';
      post({ type: 'evaluator', state: 'ready', message: null });
      break;
    case 'result': {
      const r0 = run;
      // A result of a run discarded since (reset, new config): nothing to do.
      if (!r0 || r0.key !== msg.run || r0.jobs.length === 0) return;
      if (r0.jobs[0].seq !== msg.seq) {
        // The evaluation worker answers in order; anything else means it is confused.
        evaluatorFailed(ev, `it answered job ${msg.seq} while job ${r0.jobs[0].seq} was due`);
        return;
      }
      try {
        wasm('Trainer.record', () => trainer.record(msg.eval));
      } catch (e) {
        if (e === STOP) return;
        // The job is still queued: evaluatorFailed runs it again here.
        evaluatorFailed(ev, `its result could not be recorded (${describe(e)})`);
        return;
      }
      r0.jobs.shift();
      postEval(r0, msg.eval);
      resumeIfWaiting(r0);
      finishIfDone(r0);
      break;
    }
    case 'failed':
      evaluatorFailed(ev, msg.message);
      break;
    default:
      break;
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
  post({ type: 'evaluator', state: 'inline', message });
  runJobsHere(run);
}

/** Runs the run's evaluations still out here, oldest first, then ends the run if that was all. */
function runJobsHere(r0) {
  if (!r0 || r0 !== run || fatal) return;
  while (r0.jobs.length > 0) {
    const { job } = r0.jobs.shift();
    let e;
    try {
      e = wasm('Trainer.runEvalJob', () => trainer.runEvalJob(job));
      wasm('Trainer.record', () => trainer.record(e));
    } catch (err) {
      if (err === STOP) return;
      r0.state = 'stopped';
      post({
        type: 'error',
        run: r0.id,
        message: `An evaluation failed: ${describe(err)}. The iterations so far are kept; press Start to run again.`,
        fatal: false,
      });
      return;
    }
    postEval(r0, e);
  }
  resumeIfWaiting(r0);
  finishIfDone(r0);
}

/** Restarts a loop that stopped to wait for evaluations (see MAX_JOBS). */
function resumeIfWaiting(r0) {
  if (r0.waiting && r0.jobs.length < MAX_JOBS) {
    r0.waiting = false;
    if (r0.state === 'running') schedule();
  }
}

/** Whether this chunk of the run hands its evaluations to the evaluation worker:
 *  when that worker is ready and no inline evaluation is half done (so results
 *  are recorded in order); back to inline once it has failed. */
function useDetached(r0) {
  if (!evaluator || evaluator.state !== 'ready') return false;
  if (r0.detached) return true;
  return !(r0.last && r0.last.evaluating);
}

function sendJob(r0, job) {
  const seq = r0.seq++;
  r0.jobs.push({ seq, job });
  const ev = evaluator;
  if (ev && ev.state === 'ready') {
    try {
      ev.worker.postMessage({ type: 'job', run: r0.key, seq, job });
    } catch (e) {
      evaluatorFailed(ev, `a job could not be sent (${describe(e)})`);
    }
    return;
  }
  // No evaluation worker to take it (it failed meanwhile): run it here.
  runJobsHere(r0);
}

// ---------------------------------------------------------------------------
// The chapter's requests: the gradient check and a look at the data
// ---------------------------------------------------------------------------

const IMAGE_BYTES = 784;
/** IDX header lengths: images (magic + 3 dimensions), labels (magic + 1). */
const IMAGES_HEADER = 16;
const LABELS_HEADER = 8;

const wholeIn = (v, lo, hi, fallback) => (Number.isInteger(v) && v >= lo && v <= hi ? v : fallback);

/**
 * Numerical vs analytic gradient of a fresh TwoLayerNet (f64) on the first
 * `images` training images. One wasm call of about a second: while a run is
 * training it is refused (it would stall the run); a paused run is unaffected.
 */
async function gradCheck(msg) {
  const id = msg.id ?? null;
  const refuse = (message, busy = false) => post({ type: 'gradcheck-error', id, message, busy });
  if (run && run.state === 'running') {
    refuse('A training run is in progress: pause it or let it finish, then run the check (it would stall the run).', true);
    return;
  }
  const d = await loadData();
  if (fatal) return;
  if (!d) {
    refuse('The MNIST data is not loaded: see the data panel, then try again.');
    return;
  }
  const images = wholeIn(msg.images, 1, 10, 3);
  const hidden = wholeIn(msg.hidden, 1, 100, 10);
  const seed = wholeIn(msg.seed, 0, 0xffffffff, 1);
  const pixels = d.trainImages.slice(IMAGES_HEADER, IMAGES_HEADER + images * IMAGE_BYTES);
  const labels = d.trainLabels.slice(LABELS_HEADER, LABELS_HEADER + images);
  let r;
  try {
    r = wasm('gradientCheck', () => gradientCheck(pixels, labels, hidden, seed));
  } catch (e) {
    if (e === STOP) return;
    refuse(`The gradient check failed: ${describe(e)}`);
    return;
  }
  const diff = r.absDiffW1; // a copy out of wasm memory: safe to transfer
  post(
    {
      type: 'gradcheck-result',
      id,
      params: r.params,
      numericalMs: r.numericalMs,
      analyticMs: r.analyticMs,
      absDiffW1: diff,
      hidden,
      images,
      paramCount: IMAGE_BYTES * hidden + hidden + hidden * 10 + 10,
      pixels,
      labels: Array.from(labels),
      seed,
    },
    [diff.buffer, pixels.buffer],
  );
}

/** `count` training and test images from `offset` on (wrapping), with their labels. */
async function samples(msg) {
  const d = await loadData();
  if (!d || fatal) return;
  const count = wholeIn(msg.count, 1, 64, 16);
  const pick = (imgs, labs, size) => {
    const offset = wholeIn(msg.offset, 0, Number.MAX_SAFE_INTEGER, 0) % Math.max(size - count + 1, 1);
    const pixels = imgs.slice(IMAGES_HEADER + offset * IMAGE_BYTES, IMAGES_HEADER + (offset + count) * IMAGE_BYTES);
    return { offset, pixels, labels: Array.from(labs.subarray(LABELS_HEADER + offset, LABELS_HEADER + offset + count)) };
  };
  const train = pick(d.trainImages, d.trainLabels, d.train);
  const test = pick(d.testImages, d.testLabels, d.test);
  post(
    { type: 'samples', offset: train.offset, count, train, test, trainSize: d.train, testSize: d.test },
    [train.pixels.buffer, test.pixels.buffer],
  );
}

// ---------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------

function post(msg, transfer) {
  self.postMessage(msg, transfer || []);
}

const ready = init()
  .then(() => {
    kernel = kernelName();
    let defaults = null;
    try {
      defaults = Trainer.defaults();
    } catch {
      // optional: the page has the book's values
    }
    post({ type: 'ready', kernel, defaults });
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
    if (err !== STOP) die(`The worker failed handling "${msg.type}": ${describe(err)}`);
  });
};

async function handle(msg) {
  if (!(await ready) || fatal) return;
  switch (msg.type) {
    case 'load':
      if (data) post({ type: 'data-ready', train: data.train, test: data.test, cached: true, ms: 0 });
      else await loadData();
      break;
    case 'start':
    case 'config':
      await startRun(msg.run ?? null, msg.config);
      break;
    case 'pause':
      if (run && run.state === 'running') {
        run.state = 'paused';
        flush(run);
        post({ type: 'paused', run: run.id });
      }
      break;
    case 'resume':
      if (run && run.state === 'paused') {
        run.state = 'running';
        post({ type: 'resumed', run: run.id });
        schedule();
      }
      break;
    case 'reset': {
      const id = run ? run.id : msg.run ?? null;
      stopLoop();
      run = null;
      post({ type: 'reset', run: id });
      break;
    }
    case 'gradcheck':
      await gradCheck(msg);
      break;
    case 'samples':
      await samples(msg);
      break;
    default:
      post({ type: 'error', message: `Unknown command "${msg.type}".`, fatal: false });
  }
}

self.onerror = (e) => {
  die(`Unexpected error in the worker: ${e && e.message ? e.message : describe(e)}`);
};
self.onunhandledrejection = (e) => {
  if (e.reason === STOP) return;
  die(`Unexpected error in the worker: ${describe(e.reason)}`);
};
