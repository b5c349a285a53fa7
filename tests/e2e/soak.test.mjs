// Soak: 20 short runs in one page, one after another, started through the UI as a
// user would (Start; every fourth one restarted part-way with Restart; the seed
// changes, so most runs build a new trainer). After the first run the page's JS
// heap, the workers' wasm memory and the renderer's resident memory must stay
// within stated bounds, no error may appear, and the same settings must give the
// same final figures every time.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillSettings, iteration, launch, openPage, rendererMemory, waitForData, waitForRun } from './harness.mjs';

const RUNS = 20;
const ITERS = 250;
/** Growth allowed after the first run: the page's JS heap (after a GC; measured
 *  +0.2 MB over 19 runs), … */
const JS_HEAP_BOUND_MB = 4;
/** … the two workers' wasm memory (it never shrinks, so any leak would show), … */
const WASM_BOUND_MB = 4;
/** … and the renderer process's resident memory (page and workers, everything;
 *  measured +17 to +25 MB, which the engine's own caches make noisy: the bound
 *  leaves room for that and still catches a leak of a few MB a run). */
const RSS_BOUND_MB = 128;

const mb = (b) => Math.round((b / 2 ** 20) * 10) / 10;

describe('soak: 20 runs in one page', { timeout: 300000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test(`${RUNS} runs of ${ITERS} iterations: bounded memory, no error, the same figures for the same settings`, { timeout: 240000 }, async () => {
    const page = await openPage(env);
    const cdp = await env.context.newCDPSession(page);
    const jsHeap = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    await waitForData(page);
    await page.waitForFunction(() => document.getElementById('evaluator').dataset.state === 'ready', null, { timeout: 60000 });

    const rows = [];
    const finals = new Map(); // seed → final status figures
    let base = null;
    for (let k = 0; k < RUNS; k++) {
      const seed = 1 + (k % 4);
      await fillSettings(page, { iters: ITERS, seed });
      await page.locator('#btn-start').click();
      if (k % 4 === 3) {
        // Restart part-way, as a user changing their mind: the same settings from iteration 0.
        await page.waitForFunction(() => Number(document.getElementById('run-meta').dataset.iter) >= 50 || document.getElementById('status').dataset.state === 'done', null, { timeout: 30000 });
        if ((await page.locator('#status').getAttribute('data-state')) === 'running') await page.locator('#btn-start').click();
      }
      await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
      const status = await page.locator('#status').textContent();
      assert.equal(await page.locator('#status').getAttribute('data-state'), 'done', `run ${k + 1}: ${status}`);
      assert.equal(await iteration(page), ITERS);
      assert.equal(await page.locator('#run-error').isVisible(), false, `run ${k + 1}: ${await page.locator('#run-error').textContent()}`);
      const figures = status.replace(/ in [0-9.]+ m?s/, '');
      if (finals.has(seed)) assert.equal(figures, finals.get(seed), `run ${k + 1} (seed ${seed}) differs from the earlier run with that seed`);
      else finals.set(seed, figures);

      const heap = await jsHeap();
      const wasm = Number(await page.evaluate(() => document.body.dataset.wasmMemory));
      const rss = Math.max(...(await rendererMemory()).map((p) => p.rssMB));
      rows.push({ run: k + 1, jsHeapMB: mb(heap), wasmMB: mb(wasm), rssMB: rss });
      if (k === 0) base = { heap, wasm, rss };
    }
    console.log(`# ${JSON.stringify(rows)}`);
    const last = rows[rows.length - 1];
    const grow = {
      jsHeapMB: Math.max(...rows.map((r) => r.jsHeapMB)) - mb(base.heap),
      wasmMB: Math.max(...rows.map((r) => r.wasmMB)) - mb(base.wasm),
      rssMB: Math.max(...rows.map((r) => r.rssMB)) - base.rss,
    };
    console.log(`# growth after run 1 (largest over runs 2–${RUNS}): ${JSON.stringify(grow)}; run ${RUNS}: ${JSON.stringify(last)}`);
    assert.ok(Number.isFinite(base.wasm) && base.wasm > 0, 'the page reports the wasm memory (body[data-wasm-memory])');
    assert.ok(grow.jsHeapMB <= JS_HEAP_BOUND_MB, `page JS heap grew ${grow.jsHeapMB} MB (bound ${JS_HEAP_BOUND_MB})`);
    assert.ok(grow.wasmMB <= WASM_BOUND_MB, `wasm memory grew ${grow.wasmMB} MB (bound ${WASM_BOUND_MB})`);
    assert.ok(grow.rssMB <= RSS_BOUND_MB, `renderer resident memory grew ${grow.rssMB} MB (bound ${RSS_BOUND_MB})`);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.consoleErrors, []);
    await page.close();
  });
});
