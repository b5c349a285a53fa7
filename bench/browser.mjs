// Browser benchmark: the page's full default training run (10000 iterations,
// batch 100, 17 evaluations) in headless Debian Chromium, through the real page
// and its worker, served from dist/ by tests/e2e/server.mjs. Figures only: it
// never asserts a time. It fails (exit 1) only if the run does not finish.
//
//   node bench/browser.mjs [--out target/bench/browser.json] [--dist dist] [--timeout 900]
//                          [--kernel simd128] [--evals inline] [--views open] [--scroll SELECTOR]
//
// --views open scrolls the views inside the network (section 4.5: W1's tiles, the
// drawing, the gallery, the confusion matrix) into sight before Start, so that the
// worker sends the weights twice a second and the page draws them and each
// evaluation's report during the run; by default the page stays at its top and
// only the reports (computed either way) cross. --scroll SELECTOR scrolls that
// element into sight instead, nothing else: where the page is scrolled to, apart
// from what is drawn there.
//
// Needs the release build of the page (`trunk build --release=true`, see
// scripts/bench.sh) and Debian's chromium (scripts/setup.sh).
//
// How it sees the worker's messages: the page keeps them to itself, so an init
// script (injected by playwright before the page's own scripts; nothing in www/
// changes) wraps `window.Worker` and adds one 'message' listener to the page's
// worker that records each message's type, fields (not the loss arrays) and
// arrival time (performance.now()). No DevTools panel is opened and no debugger
// is attached (both slow wasm down).
//
// The run:
//   1. a fresh profile loads the page: MNIST comes over the network and the
//      worker caches it (Cache API);
//   2. the page is reloaded: a new worker, MNIST from the cache, as a returning
//      visitor sees it; wait for data-ready and an enabled Start button;
//      and for the worker's warm-up (throwaway iterations that get the engine's
//      optimised code in, as happens while a reader reads the page);
//   3. Start is clicked (in the page, so the click and the messages share one
//      clock) and the run goes to its 'done' message.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { startServer } from '../tests/e2e/server.mjs';
import { CHROMIUM_ARGS } from '../tests/e2e/harness.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const opts = {
    out: join(ROOT, 'target/bench/browser.json'),
    dist: process.env.DESCENT_DIST ? resolve(process.env.DESCENT_DIST) : join(ROOT, 'dist'),
    chromium: process.env.CHROMIUM ?? '/usr/bin/chromium',
    timeoutS: 900,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') opts.out = resolve(value());
    else if (a === '--dist') opts.dist = resolve(value());
    else if (a === '--chromium') opts.chromium = value();
    else if (a === '--timeout') opts.timeoutS = Number(value());
    else if (a === '--kernel') opts.kernel = value();
    else if (a === '--evals') opts.evals = value();
    else if (a === '--scroll') opts.scroll = value();
    else if (a === '--views') {
      opts.views = value();
      if (!['open', 'closed'].includes(opts.views)) throw new Error('--views is open or closed');
    }
    else if (a === '-h' || a === '--help') {
      console.log('usage: node bench/browser.mjs [--out FILE] [--dist DIR] [--chromium PATH] [--timeout SECONDS] [--kernel simd128] [--evals inline] [--views open|closed] [--scroll SELECTOR]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (see --help)`);
  }
  if (!(opts.timeoutS > 0)) throw new Error('--timeout must be a positive number of seconds');
  return opts;
}

/** Runs in the page before its scripts: records every message of every worker it starts. */
function recorder() {
  const bench = { messages: [], workers: 0, tStart: null, runId: null };
  let finish;
  bench.end = new Promise((ok) => (finish = ok));
  window.__descentBench = bench;
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(url, options) {
      super(url, options);
      const worker = ++bench.workers;
      this.addEventListener('message', (e) => {
        const t = performance.now();
        const m = e.data && typeof e.data === 'object' ? e.data : { type: String(e.data) };
        const rec = { t, worker };
        for (const [k, v] of Object.entries(m)) {
          // Bulk arrays (losses, the weights' tiles) and the evaluations' reports are counted, not kept.
          if (k === 'losses') rec.lossCount = v ? v.length : 0;
          else if (ArrayBuffer.isView(v)) rec[`${k}Length`] = v.length;
          else if (k === 'report') rec.report = Boolean(v);
          else if (k === 'final' && v && typeof v === 'object') rec.final = { ...v, report: Boolean(v.report) };
          else rec[k] = v;
        }
        bench.messages.push(rec);
        if (bench.tStart == null) return;
        // The run's id comes with 'started'; other messages (the chapter's demos) are not the run's end.
        if (m.type === 'started' && bench.runId == null) bench.runId = m.run;
        const mine = m.run === bench.runId;
        if (((m.type === 'done' || m.type === 'diverged') && mine) || (m.type === 'error' && (m.fatal || mine))) finish(m.type);
      });
    }
  };
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

async function waitForDataReady(page, timeoutMs) {
  await page.waitForFunction(
    () => ['ready', 'error'].includes(document.getElementById('data-status')?.dataset.state),
    null,
    { timeout: timeoutMs, polling: 100 },
  );
  const state = await page.locator('#data-status').getAttribute('data-state');
  if (state !== 'ready') {
    throw new Error(`the page could not load MNIST: ${await page.locator('#data-error-message').textContent()}`);
  }
}

/** Waits until the worker's cache holds the four MNIST files (it writes them after data-ready). */
async function waitForCache(page, timeoutMs) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const entries = await page.evaluate(async () => {
      if (typeof caches === 'undefined') return -1;
      let n = 0;
      for (const name of await caches.keys()) n += (await (await caches.open(name)).keys()).length;
      return n;
    });
    if (entries < 0) return 'no Cache API';
    if (entries >= 4) return `${entries} entries`;
    await sleep(100);
  }
  return 'not cached within the time allowed';
}

/** ms per iteration over progress intervals that hold no evaluation (an estimate of training alone). */
/** The benchmark worker, served by the bench's server beside the page (same
 *  origin, as the page's Content-Security-Policy wants): Trainer.benchIterations
 *  in the build named by ?build=, on MNIST from the page's data/ folder. */
const ITERATION_WORKER = `
const build = new URL(self.location.href).searchParams.get('build');
const files = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'];
const get = async (f) => {
  const res = await fetch('./data/' + f + '.gz');
  const stream = res.body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};
try {
  const mod = await import('./' + build);
  await mod.default();
  const [a, b, c, d] = await Promise.all(files.map(get));
  const t = new mod.Trainer({});
  t.loadMnist(a, b, c, d);
  t.benchIterations(500); // warm-up
  // The fastest of three rounds: a slow spell of the machine only ever adds time.
  const rounds = [0, 1, 2].map(() => t.benchIterations(3000));
  self.postMessage(rounds.reduce((a, b) => (b.perIterMs < a.perIterMs ? b : a)));
} catch (e) {
  self.postMessage({ error: String((e && e.message) || e) });
}
`;

/** Trainer.benchIterations in a module worker of its own, started from the page:
 *  ms per iteration and per part (gather, forward, backward + update). */
async function wasmIteration(page, server, kernel) {
  const build = kernel === 'relaxed-simd' ? 'descent-web-relaxed.js' : 'descent-web.js';
  server.override('/bench-iteration-worker.js', { body: Buffer.from(ITERATION_WORKER), type: 'text/javascript' });
  return page.evaluate(async (build) => {
    const w = new Worker(`bench-iteration-worker.js?build=${build}`, { type: 'module' });
    try {
      return await new Promise((ok) => {
        w.onmessage = (e) => ok(e.data);
        w.onerror = (e) => ok({ error: e.message || 'the benchmark worker failed' });
        setTimeout(() => ok({ error: 'timed out after 120 s' }), 120000);
      });
    } finally {
      w.terminate();
    }
  }, build);
}

function trainingOnly(progress, perEpoch) {
  let ms = 0;
  let iters = 0;
  let used = 0;
  for (let k = 1; k < progress.length; k++) {
    const [a, b] = [progress[k - 1], progress[k]];
    const dIter = b.iter - a.iter;
    const dMs = b.elapsedMs - a.elapsedMs;
    if (!(dIter > 0) || !(dMs >= 0)) continue;
    // An evaluation runs after iteration i when i % perEpoch == 0: skip intervals that may hold one.
    let evaluates = false;
    for (let j = a.iter; j <= b.iter && !evaluates; j++) evaluates = j % perEpoch <= 1;
    if (evaluates) continue;
    ms += dMs;
    iters += dIter;
    used++;
  }
  return iters > 0 ? { msPerIter: ms / iters, iters, intervals: used } : null;
}

async function chromiumVersion(path) {
  try {
    const { stdout } = await promisify(execFile)(path, ['--version'], { timeout: 20000 });
    return stdout.trim();
  } catch {
    return null;
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const f of ['index.html', 'worker.js', 'descent-web.js', 'descent-web_bg.wasm', 'data/train-images-idx3-ubyte.gz']) {
    await access(join(opts.dist, f)).catch(() => {
      throw new Error(
        `${join(opts.dist, f)} is missing: build the page first (scripts/bench.sh does, or ` +
          '`PATH=$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH trunk build --release=true`).',
      );
    });
  }
  await access(opts.chromium).catch(() => {
    throw new Error(`${opts.chromium} is missing: install Debian's chromium (scripts/setup.sh does).`);
  });

  const result = {
    ok: false,
    date: new Date().toISOString(),
    loadavgBefore: loadavg(),
    browser: { executable: opts.chromium, version: await chromiumVersion(opts.chromium) },
  };
  const profile = await mkdtemp(join(tmpdir(), 'descent-bench-'));
  const server = await startServer({ root: opts.dist });
  let context;
  const pageErrors = [];
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: opts.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`);
    });
    await page.addInitScript(recorder);
    result.browser.userAgent = await page.evaluate(() => navigator.userAgent).catch(() => null);

    // 1. cold: MNIST from the server.
    // --kernel simd128 measures the plain-SIMD build the page gives browsers without relaxed SIMD;
    // --evals inline keeps the evaluations in the training worker (no second worker).
    const params = new URLSearchParams();
    if (opts.kernel) params.set('kernel', opts.kernel);
    if (opts.evals) params.set('evals', opts.evals);
    await page.goto(params.size ? `${server.url}?${params}` : server.url);
    await waitForDataReady(page, 120000);
    const cold = await page.evaluate(() => window.__descentBench.messages.find((m) => m.type === 'data-ready'));
    result.cache = await waitForCache(page, 30000);

    // 2. warm: a new page load and worker, MNIST from the cache.
    await page.reload();
    await waitForDataReady(page, 120000);
    await page.waitForFunction(() => !document.getElementById('btn-start').disabled, null, { timeout: 30000 });
    // Where the evaluations will run: wait until the second worker is ready (or evaluations are inline).
    await page.waitForFunction(() => ['ready', 'inline'].includes(document.getElementById('evaluator').dataset.state), null, {
      timeout: 30000,
    });
    const warm = await page.evaluate(() => {
      const b = window.__descentBench;
      return { ready: b.messages.find((m) => m.type === 'ready'), data: b.messages.find((m) => m.type === 'data-ready') };
    });
    result.data = {
      coldMs: cold?.ms ?? null,
      coldCached: cold?.cached ?? null,
      warmMs: warm.data?.ms ?? null,
      warmCached: warm.data?.cached ?? null,
      // from navigation start, on the page's clock
      warmPageToReadyMs: warm.ready?.t ?? null,
      warmPageToDataReadyMs: warm.data?.t ?? null,
    };
    result.evaluator = {
      state: await page.locator('#evaluator').getAttribute('data-state'),
      label: (await page.locator('#evaluator').textContent())?.trim() ?? null,
    };
    result.kernel = {
      label: (await page.locator('#kernel').textContent())?.trim() ?? null,
      name: warm.ready?.kernel ?? (await page.locator('#kernel').getAttribute('data-kernel')),
    };
    const fields = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll('#settings input[name]')].map((i) => [i.name, i.value])),
    );
    result.pageSettings = fields;
    // The worker's warm-up (throwaway iterations after data-ready until the engine's
    // optimised code is in, see warmUp in www/worker.js): a reader takes longer
    // than that to press Start. Recorded, and waited for (at most 10 s).
    await page
      .waitForFunction(() => Boolean(document.body.dataset.warm), null, { timeout: 10000 })
      .catch(() => {});
    result.warmUp = (await page.evaluate(() => document.body.dataset.warm)) ?? null;
    await sleep(500); // let the reload's work (compilation, GC) settle

    // The views inside the network in sight (or not): see --views.
    result.views = opts.views ?? 'closed';
    if (opts.scroll) {
      result.scroll = opts.scroll;
      await page.locator(opts.scroll).scrollIntoViewIfNeeded();
      await sleep(300);
    }
    if (result.views === 'open') {
      await page.locator('#weights').scrollIntoViewIfNeeded();
      // The first weights (a build without the views has none: then on without them).
      await page.waitForFunction(() => document.getElementById('w1-tiles')?.dataset.iter != null, null, { timeout: 10000 }).catch(() => {});
      await sleep(300);
    }

    // 3. the run.
    result.loadavgAtStart = loadavg();
    await page.evaluate(() => {
      const b = window.__descentBench;
      b.tStart = performance.now();
      document.getElementById('btn-start').click();
    });
    let timer;
    const ended = await Promise.race([
      page.evaluate(() => window.__descentBench.end),
      new Promise((ok) => (timer = setTimeout(() => ok('timeout'), opts.timeoutS * 1000))),
    ]).finally(() => clearTimeout(timer));
    result.loadavgAtEnd = loadavg();
    const { tStart, messages } = await page.evaluate(() => ({
      tStart: window.__descentBench.tStart,
      messages: window.__descentBench.messages,
    }));
    const run = messages.filter((m) => m.t >= tStart);
    const started = run.find((m) => m.type === 'started');
    const progress = run.filter((m) => m.type === 'progress');
    const evals = run.filter((m) => m.type === 'eval');
    const done = run.find((m) => m.type === 'done');
    const memories = run.map((m) => m.memoryBytes).filter((x) => Number.isFinite(x));
    const trainSize = warm.data?.train ?? 60000;
    const batch = Number(started?.config?.batch) || 100;
    const perEpoch = Math.ceil(trainSize / batch);

    result.end = ended;
    result.config = started?.config ?? null;
    result.messages = {
      progress: progress.length,
      eval: evals.length,
      weights: run.filter((m) => m.type === 'weights').length,
      reports: evals.filter((m) => m.report).length,
      total: run.length,
    };
    // Every progress message as [iteration, ms in the worker's train calls, ms since Start]:
    // where the time went over the run (a slow start, a slow spell during evaluations).
    result.progress = progress.map((m) => [m.iter, Math.round(m.elapsedMs * 10) / 10, Math.round((m.t - tStart) * 10) / 10]);
    result.startToStartedMs = started ? started.t - tStart : null;
    result.startToFirstProgressMs = progress.length ? progress[0].t - tStart : null;
    result.firstProgressIter = progress.length ? progress[0].iter : null;
    if (done) {
      result.iters = done.iter;
      result.evaluations = evals.length;
      result.elapsedMs = done.elapsedMs; // time inside the worker's train() calls (evaluations included)
      result.msPerIter = done.iter > 0 ? done.elapsedMs / done.iter : null;
      result.itersPerSec = done.itersPerSec;
      result.wallMs = done.t - tStart; // click on Start → 'done' reaches the page
      result.trainAcc = done.trainAcc; // the last evaluation's (the worker's done message)
      result.testAcc = done.testAcc;
      result.lastEvalIter = evals.length ? evals[evals.length - 1].iter : null;
      result.loss = done.loss;
    }
    result.trainingOnly = trainingOnly(progress, perEpoch);
    result.evals = evals.map((e) => ({ iter: e.iter, epoch: e.epoch, trainAcc: e.trainAcc, testAcc: e.testAcc, atMs: e.t - tStart }));
    result.peakMemoryBytes = memories.length ? Math.max(...memories) : null;
    if (!memories.length) result.memoryNote = "the worker's progress messages carry no memoryBytes (an older build?)";
    result.dom = {
      status: (await page.locator('#status').textContent())?.trim(),
      statusState: await page.locator('#status').getAttribute('data-state'),
      runMeta: (await page.locator('#run-meta').textContent())?.trim(),
      logAccuracyLines: (await page.locator('#log').textContent()).split('\n').filter((l) => l.startsWith('train acc, test acc')).length,
    };
    // 4. One iteration, part by part, in this browser's wasm (Trainer.benchIterations in a
    //    worker of its own, the page's build, MNIST from the page's origin): no evaluations,
    //    nothing else running.
    if (ended === 'done') result.wasmIteration = await wasmIteration(page, server, result.kernel.name);
    result.pageErrors = pageErrors;
    result.ok = ended === 'done' && Boolean(done);
    if (!result.ok) {
      result.error =
        ended === 'timeout'
          ? `the run did not finish within ${opts.timeoutS} s (status: ${result.dom.status})`
          : `the run ended with '${ended}': ${run.filter((m) => m.type === ended).map((m) => m.message).join(' | ') || result.dom.status}`;
    }
  } catch (e) {
    result.error = String(e?.stack ?? e);
    result.pageErrors = pageErrors;
  } finally {
    await context?.close().catch(() => {});
    await server.close().catch(() => {});
    await rm(profile, { recursive: true, force: true }).catch(() => {});
  }

  await mkdir(dirname(opts.out), { recursive: true });
  await writeFile(opts.out, JSON.stringify(result, null, 2) + '\n');
  const f = (x, d = 3) => (x == null ? '—' : Number(x).toFixed(d));
  if (result.ok) {
    console.log(
      [
        `browser: ${result.browser.version ?? result.browser.userAgent}; ${result.kernel.label}; ${result.evaluator.label}; precision ${result.config?.precision ?? '?'}; ` +
          `views ${result.views} (${result.messages.weights} weight views, ${result.messages.reports} reports during the run)`,
        `full run ${result.iters} iterations, ${result.evaluations} evaluations: ${f(result.wallMs / 1000, 2)} s from Start to done ` +
          `(${f(result.elapsedMs / 1000, 2)} s in the worker's train calls)`,
        `ms/iteration ${f(result.msPerIter)} (elapsedMs/iter, evaluations included); ` +
          `training alone ≈ ${f(result.trainingOnly?.msPerIter)} over ${result.trainingOnly?.iters ?? 0} iterations`,
        `Start → first progress ${f(result.startToFirstProgressMs, 0)} ms (→ started ${f(result.startToStartedMs, 0)} ms); ` +
          `MNIST from cache ${f(result.data.warmMs, 0)} ms, from the server ${f(result.data.coldMs, 0)} ms; ` +
          `warm-up before Start: ${result.warmUp ?? 'none reported'}`,
        `last evaluation (iter ${result.lastEvalIter}): train ${f(result.trainAcc, 4)}, test ${f(result.testAcc, 4)}; ` +
          `peak wasm memory ${result.peakMemoryBytes == null ? '— (not reported)' : f(result.peakMemoryBytes / 1e6, 1) + ' MB'}`,
        result.wasmIteration?.perIterMs != null
          ? `one iteration in wasm, nothing else running (fastest of 3 × ${result.wasmIteration.iters}): ${f(result.wasmIteration.perIterMs)} ms = gather ${f(result.wasmIteration.gatherMs)} / ` +
            `forward ${f(result.wasmIteration.forwardMs)} / backward + update ${f(result.wasmIteration.backwardUpdateMs)}`
          : `one iteration in wasm: not measured (${result.wasmIteration?.error ?? 'the run did not finish'})`,
        `page errors: ${pageErrors.length}; wrote ${opts.out}`,
      ].join('\n'),
    );
  } else {
    console.error(`browser benchmark failed: ${result.error}\n(wrote ${opts.out})`);
    process.exitCode = 1;
  }
}

main().catch((e) => {
  console.error(`browser benchmark failed: ${e?.message ?? e}`);
  process.exitCode = 1;
});
