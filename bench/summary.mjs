// The summary of scripts/bench.sh: reads the figures it left in target/bench/,
// prints one table (times, ratios against numpy and the targets, accuracies)
// and writes them all to target/bench/summary.json. It reports; it never fails
// on a figure, only on a missing or unreadable file.
//
//   node bench/summary.mjs [DIR]        (DIR defaults to target/bench)

import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIR = resolve(process.argv[2] ?? join(ROOT, 'target/bench'));
const read = (name) => readFileSync(join(DIR, name), 'utf8');
const optional = (fn) => {
  try {
    return fn();
  } catch {
    return null;
  }
};

/** The targets of issue 5 (ratios are time / reference time). */
const TARGETS = {
  nativeOverNumpy: 1 / 8,
  browserOverNumpy: 1 / 4,
  browserOverNative: 1.5,
  wasmMsPerIter: 0.25,
  memoryMB: 160,
  firstProgressS: 1,
  accuracyPoints: 0.3,
};

/** numpy_two_layer_net.py's output. */
function numpy(dtype) {
  const text = read(`numpy-${dtype}.txt`);
  const fin = /final train acc ([\d.]+) test acc ([\d.]+)/.exec(text);
  const time = /time total ([\d.]+)s eval ([\d.]+)s train ([\d.]+)s ms\/iter ([\d.]+)/.exec(text);
  if (!fin || !time) throw new Error(`numpy-${dtype}.txt has no final/time line: did the reference run finish?`);
  const evals = [...text.matchAll(/^iter +(\d+) train acc ([\d.]+) test acc ([\d.]+)/gm)].map((m) => ({
    iter: Number(m[1]),
    trainAcc: Number(m[2]),
    testAcc: Number(m[3]),
  }));
  return {
    precision: dtype === 'float64' ? 'f64' : 'f32',
    totalS: Number(time[1]),
    evalS: Number(time[2]),
    msPerIter: Number(time[4]),
    trainAcc: Number(fin[1]),
    testAcc: Number(fin[2]),
    evaluations: evals.length,
    evals,
  };
}

/** `descent train --json`'s lines. */
function native(precision) {
  const lines = read(`native-${precision}.jsonl`)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const fin = lines.find((l) => l.final);
  if (!fin) throw new Error(`native-${precision}.jsonl has no final line: did the run finish?`);
  const evals = lines.filter((l) => !l.final).map((l) => ({ iter: l.iter, trainAcc: l.train_acc, testAcc: l.test_acc }));
  return {
    precision,
    totalS: fin.elapsed_s,
    evalS: fin.eval_s,
    msPerIter: fin.ms_per_iter,
    trainAcc: fin.train_acc,
    testAcc: fin.test_acc,
    evaluations: evals.length,
    evals,
  };
}

const steps = optional(() =>
  Object.fromEntries(
    read('steps.tsv')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'))
      .map(([name, load, ms]) => [name, { load1: Number(load), seconds: Number(ms) / 1000 }]),
  ),
) ?? {};
const np64 = numpy('float64');
const np32 = numpy('float32');
const nat64 = native('f64');
const nat32 = native('f32');
// One training thread (older result folders lack it).
const nat32one = optional(() => native('f32-1thread'));
const browser = JSON.parse(read('browser.json'));
if (!browser.ok) throw new Error(`browser.json: the browser run failed: ${browser.error}`);
const descentBench = optional(() => JSON.parse(read('descent-bench.json')));
const kernels = optional(() => JSON.parse(read('kernels.json')));
const env = optional(() => JSON.parse(read('env.json'))) ?? {};

const bPrec = browser.config?.precision === 'f64' ? 'f64' : 'f32';
const natSame = bPrec === 'f64' ? nat64 : nat32;
const npSame = bPrec === 'f64' ? np64 : np32;
const browserS = browser.wallMs / 1000;
const memoryMB = browser.peakMemoryBytes == null ? null : browser.peakMemoryBytes / 1e6;

// --- ratios against the targets ---------------------------------------------
const rows = [
  // The ratios are against the numpy reference in float64 (the book's
  // precision); a faster precision counts when its accuracy stays within 0.3
  // points of the f64 path (checked below). Like-for-like rows follow.
  ['native full run f32 / numpy f64', nat32.totalS / np64.totalS, '≤ 0.125', (x) => x <= TARGETS.nativeOverNumpy, 'x'],
  ['native full run f64 / numpy f64', nat64.totalS / np64.totalS, '≤ 0.125', (x) => x <= TARGETS.nativeOverNumpy, 'x'],
  ['native full run f32 / numpy f32', nat32.totalS / np32.totalS, '≤ 0.125', (x) => x <= TARGETS.nativeOverNumpy, 'x'],
  ['native f32, 1 training thread / numpy f64', nat32one ? nat32one.totalS / np64.totalS : null, '≤ 0.125', (x) => x <= TARGETS.nativeOverNumpy, 'x'],
  [`browser full run (${bPrec}) / numpy f64`, browserS / np64.totalS, '≤ 0.25', (x) => x <= TARGETS.browserOverNumpy, 'x'],
  [`browser full run (${bPrec}) / numpy f32`, browserS / np32.totalS, '≤ 0.25', (x) => x <= TARGETS.browserOverNumpy, 'x'],
  [`browser / native (both ${bPrec})`, browserS / natSame.totalS, '≤ 1.5', (x) => x <= TARGETS.browserOverNative, 'x'],
  ['browser / native f32, 1 training thread', nat32one ? browserS / nat32one.totalS : null, '≤ 1.5', (x) => x <= TARGETS.browserOverNative, 'x'],
  ['browser / native f64', browserS / nat64.totalS, '≤ 1.5', (x) => x <= TARGETS.browserOverNative, 'x'],
  ['wasm ms/iter (elapsedMs/iter, evals incl.)', browser.msPerIter, '≤ 0.25 (aim)', (x) => x <= TARGETS.wasmMsPerIter, 'ms'],
  ['wasm ms/iter, training alone (estimate)', browser.trainingOnly?.msPerIter ?? null, '≤ 0.25 (aim)', (x) => x <= TARGETS.wasmMsPerIter, 'ms'],
  ['wasm memory, peak', memoryMB, '≤ 160 MB', (x) => x <= TARGETS.memoryMB, 'MB'],
  ['Start → first progress', browser.startToFirstProgressMs / 1000, '< 1 s', (x) => x < TARGETS.firstProgressS, 's'],
].map(([measure, value, target, ok, unit]) => ({
  measure,
  value,
  unit,
  target,
  met: value == null || !Number.isFinite(value) ? null : ok(value),
}));

// --- accuracies (percentage points against the f64 path) ---------------------
const at = (evals, iter) => evals.find((e) => e.iter === iter) ?? null;
const lastIter = browser.lastEvalIter;
const nat64AtLast = at(nat64.evals, lastIter);
const nat32AtLast = at(nat32.evals, lastIter);
const points = (a, b) => (a == null || b == null ? null : 100 * (a - b));
const accuracy = [
  { what: 'native f32 final vs native f64 final (test)', points: points(nat32.testAcc, nat64.testAcc) },
  { what: 'native f32 final vs native f64 final (train)', points: points(nat32.trainAcc, nat64.trainAcc) },
  { what: `browser ${bPrec} vs native f64, evaluation at iter ${lastIter} (test)`, points: points(browser.testAcc, nat64AtLast?.testAcc) },
  { what: `browser ${bPrec} vs native f64, evaluation at iter ${lastIter} (train)`, points: points(browser.trainAcc, nat64AtLast?.trainAcc) },
  { what: `browser ${bPrec} vs native f32, evaluation at iter ${lastIter} (test)`, points: points(browser.testAcc, nat32AtLast?.testAcc) },
  { what: 'numpy f32 final vs numpy f64 final (test; its own RNG)', points: points(np32.testAcc, np64.testAcc) },
  { what: 'native f64 final vs numpy f64 final (test; different RNG streams)', points: points(nat64.testAcc, np64.testAcc), info: true },
].map((a) => ({ ...a, within: a.info || a.points == null ? null : Math.abs(a.points) <= TARGETS.accuracyPoints }));

// --- printing -----------------------------------------------------------------
const f = (x, d = 3) => (x == null || !Number.isFinite(x) ? '—' : x.toFixed(d));
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const out = [];
/** The load when a step began (with --repeat: when its first run began). */
const loadAt = (step) => {
  const name = Object.keys(steps).find((k) => k === step || k.startsWith(`${step} (run 1 of`));
  return name ? f(steps[name].load1, 2) : '—';
};
/** scripts/bench.sh --repeat N: every run's seconds by name; the figures shown are the fastest run's. */
const repeats = {};
for (const l of (optional(() => read('repeats.tsv')) ?? '').split('\n').filter(Boolean)) {
  const [name, secs] = l.split('\t');
  (repeats[name] ??= []).push(Number(secs));
}
const runsNote = (name) => {
  const r = repeats[name];
  return r && r.length > 1 ? `  (fastest of ${r.length}: ${r.map((x) => x.toFixed(2)).join(', ')} s)` : '';
};
const cpu = cpus()[0]?.model ?? 'unknown CPU';

out.push(`descent benchmark summary — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`);
out.push(`machine: ${cpus().length} cores, ${cpu}; load average when each step began is in the last column`);
out.push(
  `numpy ${env.numpy ?? '?'} (${env.blas ?? 'BLAS ?'}); ${browser.browser?.version ?? browser.browser?.userAgent ?? 'Chromium ?'}; ` +
    `page kernel label "${browser.kernel?.label ?? '?'}"`,
);
out.push('');
out.push(
  `Full runs: ${browser.iters ?? nat64.evals.length} iterations of batch ${browser.config?.batch ?? 100}, ` +
    `${nat64.evaluations} evaluations over the 60000 training + 10000 test images (reading MNIST excluded).`,
);
out.push(
  pad('run', 32) + lpad('time s', 9) + lpad('ms/iter', 10) + lpad('evals', 7) + lpad('final train', 13) + lpad('final test', 12) + lpad('load', 7),
);
const runRow = (name, r, step, note = '') =>
  out.push(
    pad(name, 32) + lpad(f(r.totalS, 2), 9) + lpad(f(r.msPerIter, 3), 10) + lpad(r.evaluations, 7) + lpad(f(r.trainAcc, 4), 13) +
      lpad(f(r.testAcc, 4), 12) + lpad(loadAt(step), 7) + note,
  );
runRow('numpy reference f64', np64, 'numpy float64', runsNote('numpy float64'));
runRow('numpy reference f32', np32, 'numpy float32', runsNote('numpy float32'));
runRow('descent native f64', nat64, 'descent train f64', runsNote('descent train f64'));
runRow('descent native f32', nat32, 'descent train f32', runsNote('descent train f32'));
if (nat32one) runRow('descent native f32, 1 thread', nat32one, 'descent train f32-1thread', runsNote('descent train f32-1thread'));
runRow(
  `browser (page + worker) ${bPrec}`,
  { totalS: browserS, msPerIter: browser.msPerIter, evaluations: browser.evaluations, trainAcc: browser.trainAcc, testAcc: browser.testAcc },
  'browser',
  `  (accuracies: evaluation at iter ${lastIter})${runsNote('browser')}`,
);
out.push(
  'time: the training loop with its evaluations (numpy "time total", descent elapsed_s); browser: click on Start → done message.',
);
out.push('ms/iter: evaluations excluded (numpy, native); browser: the worker\'s elapsedMs / iterations, evaluations included.');
out.push('native: 2 training threads (the CLI\'s default here) unless marked 1 thread; the page trains on one.');
out.push('');
out.push(pad('measure', 46) + lpad('value', 12) + '  ' + pad('target', 14) + 'met');
for (const r of rows) {
  const v = r.value == null ? '—' : r.unit === 'x' ? f(r.value, 3) : r.unit === 'MB' ? `${f(r.value, 1)} MB` : `${f(r.value, 3)} ${r.unit}`;
  out.push(pad(r.measure, 46) + lpad(v, 12) + '  ' + pad(r.target, 14) + (r.met == null ? 'n/a' : r.met ? 'yes' : 'NO'));
}
if (memoryMB == null) out.push(`  wasm memory: ${browser.memoryNote ?? 'not reported'}`);
out.push(
  `  browser detail: ${f(browser.elapsedMs / 1000, 2)} s inside the worker's train calls; Start → 'started' ` +
    `${f(browser.startToStartedMs, 0)} ms; MNIST from the browser cache ${f(browser.data?.warmMs, 0)} ms ` +
    `(from the server ${f(browser.data?.coldMs, 0)} ms); training-alone estimate over ${browser.trainingOnly?.iters ?? 0} iterations`,
);
out.push('');
out.push(`Accuracy, in percentage points (the f64 path is the reference; allowed ±${TARGETS.accuracyPoints}):`);
for (const a of accuracy) {
  out.push(
    '  ' + pad(a.what, 66) + lpad(a.points == null ? '—' : (a.points >= 0 ? '+' : '') + f(a.points, 2), 8) +
      (a.info ? '  (not comparable)' : a.within == null ? '' : a.within ? '  within' : '  OUTSIDE'),
  );
}
if (descentBench) {
  out.push('');
  out.push('descent bench (native, ms per iteration, fastest of 3 rounds; gather / forward / backward + update; full evaluation):');
  for (const r of descentBench.results) {
    out.push(
      `  ${r.precision}, ${r.threads ?? 1} thread${(r.threads ?? 1) > 1 ? 's' : ''}: ${f(r.ms_per_iter)} = ${f(r.gather_ms)} / ${f(r.forward_ms)} / ${f(r.backward_update_ms)}; ` +
        `evaluation ${f(r.eval_ms, 1)} ms   (load ${loadAt('descent bench')})`,
    );
  }
}
const wi = browser.wasmIteration;
if (wi && wi.perIterMs != null) {
  const nat = descentBench?.results?.find((r) => r.precision === bPrec && (r.threads ?? 1) === 1);
  out.push('');
  out.push(`one iteration in wasm (${browser.kernel?.name ?? '?'}, Chromium, nothing else running; Trainer.benchIterations, fastest of 3 rounds):`);
  out.push(
    `  ${bPrec}: ${f(wi.perIterMs)} = ${f(wi.gatherMs)} / ${f(wi.forwardMs)} / ${f(wi.backwardUpdateMs)}` +
      (nat ? `   (${f(wi.perIterMs / nat.ms_per_iter, 2)} × native ${f(nat.ms_per_iter)}, one thread)` : ''),
  );
} else if (wi) {
  out.push('');
  out.push(`one iteration in wasm: not measured (${wi.error})`);
}
if (kernels) {
  out.push('');
  out.push(`kernels (native, ${kernels.x_nnz} nonzeros in x, ${f(100 * kernels.x_density, 1)}%): ms per call, GFLOP/s dense-equivalent   (load ${loadAt('kernels')})`);
  const pick = (product, kernel, p) => kernels.results.find((r) => r.product === product && r.kernel === kernel && r.precision === p);
  for (const [product, kernel] of [
    ['a1 = x·W1', 'panel::spmm (training)'],
    ['a1 = x·W1', 'portable (no AVX-512)'],
    ['a1 = x·W1', 'sparse::spmm'],
    ['a1 = x·W1', 'kernels::gemm_nn (dense)'],
    ['a1 = x·W1', 'naive::gemm_nn'],
    ['dW1 = xᵀ·dz1', 'panel::spmm_tn_add (training)'],
    ['dW1 = xᵀ·dz1', 'portable (no AVX-512)'],
    ['dW1 = xᵀ·dz1', 'spmm_tn_add (B += xᵀ·dz1)'],
    ['dW1 = xᵀ·dz1', 'transpose_into + spmm'],
    ['dW1 = xᵀ·dz1', 'kernels::gemm_tn (dense)'],
    ['a2 = z1·W2', 'kernels::gemm_nn'],
    ['dW2 = z1ᵀ·dy', 'kernels::gemm_tn'],
    ['da1 = dy·W2ᵀ', 'kernels::gemm_nt'],
    ['da1 = dy·W2ᵀ', 'W2ᵀ copy + gemm_nn'],
  ]) {
    const cells = ['f32', 'f64'].map((p) => {
      const r = pick(product, kernel, p);
      return r ? `${p} ${f(r.ms_per_call, 4)} ms ${r.gflops == null ? '' : f(r.gflops, 1) + ' GF/s'}` : `${p} —`;
    });
    out.push(`  ${pad(product, 14)}${pad(kernel, 31)}${cells.map((c) => pad(c, 30)).join('')}`.trimEnd());
  }
}
out.push('');
out.push(`all figures: ${join(DIR, 'summary.json')}`);
console.log(out.join('\n'));

writeFileSync(
  join(DIR, 'summary.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cores: cpus().length, cpu, loadavgAtSummary: loadavg() },
      env,
      steps,
      targets: TARGETS,
      runs: { numpyF64: np64, numpyF32: np32, nativeF64: nat64, nativeF32: nat32, nativeF32OneThread: nat32one },
      browser,
      ratios: rows,
      accuracy,
      descentBench,
      kernels,
      repeats,
      table: out.join('\n'),
    },
    null,
    2,
  ) + '\n',
);
