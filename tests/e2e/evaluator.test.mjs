// The per-epoch evaluations run in a second worker (www/eval-worker.js) beside
// training: the same figures as evaluating inline, and back to inline, with
// nothing lost, when that worker cannot load or fails in the middle of a run.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fillSettings, launch, openPage, runToEnd, waitForData, waitForRun } from './harness.mjs';

/** Evaluations at i = 0, 600 and 1200. */
const RUN = { hidden: 50, lr: 0.5, batch: 100, iters: 1201, initStd: 0.01, seed: 7 };

/** Waits for the evaluation line to reach `state` ('ready', 'inline', …). */
async function waitForEvaluator(page, state, timeout = 60000) {
  await page.waitForFunction((s) => document.getElementById('evaluator').dataset.state === s, state, { timeout });
}

/** RUN with its settings, to the end: the book's accuracy lines as printed. */
async function runRun(page) {
  await fillSettings(page, RUN);
  return runToEnd(page, RUN.iters);
}

/** An evaluation worker that says it is ready and then fails on its first job. */
const FAILING_EVALUATOR = `
self.onmessage = (e) => {
  const m = e.data;
  if (m.type === 'data') {
    const count = (b) => new DataView(b.buffer, b.byteOffset).getUint32(4);
    self.postMessage({ type: 'ready', train: count(m.trainImages), test: count(m.testImages), memoryBytes: 0, ms: 0 });
  } else if (m.type === 'job') {
    self.postMessage({ type: 'failed', message: 'failing on purpose (test)' });
  }
};`;

describe('evaluations in a second worker', { timeout: 600000 }, () => {
  let env;
  let inline; // the accuracy lines of RUN evaluated inline
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('?evals=inline keeps them in the training worker', { timeout: 240000 }, async () => {
    const page = await openPage(env, { path: '?evals=inline' });
    await waitForData(page);
    await waitForEvaluator(page, 'inline');
    assert.equal(await page.locator('#evaluator').textContent(), 'evaluations: in the training worker');
    inline = await runRun(page);
    assert.equal(inline.length, 3, inline.join('\n'));
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('by default they run in a second worker, with exactly the same figures', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    assert.equal(await page.locator('#evaluator').textContent(), 'evaluations: in a second worker, beside training');
    const lines = await runRun(page);
    assert.deepEqual(lines, inline);
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.consoleErrors, []);
    await page.close();
  });

  test('an evaluation at every iteration: training waits for the second worker, and every one arrives', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    // Batch 60000: one iteration is an epoch, so each hands out an evaluation.
    await fillSettings(page, { ...RUN, batch: 60000, iters: 5 });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 200000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done', await page.locator('#status').textContent());
    const text = await page.locator('#log').textContent();
    assert.equal(text.split('\n').filter((l) => l.startsWith('train acc, test acc |')).length, 5, text);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a run that diverges keeps its message when a late evaluation arrives', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    // Diverges within a few iterations, while the evaluation of i = 0 (about 0.1 s) is still out.
    await fillSettings(page, { ...RUN, lr: '1e38', initStd: '10' });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'diverged');
    // That evaluation still arrives, after the divergence…
    await page.waitForFunction(() => /train acc, test acc \|/.test(document.getElementById('log').textContent));
    const log = await page.locator('#log').textContent();
    assert.ok(log.search(/diverged/) < log.search(/train acc, test acc \|/), `the evaluation came after the divergence:\n${log}`);
    // …and leaves the divergence message alone.
    await page.waitForTimeout(300);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'diverged');
    assert.match(await page.locator('#status').textContent(), /^Diverged at iteration/);
    assert.match(await page.locator('#run-error').textContent(), /diverged/i);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('if the second worker cannot load, evaluations stay in the training worker', { timeout: 240000 }, async () => {
    // The server answers instead (a nested worker's requests do not go through playwright's routes).
    env.server.override('/eval-worker.js', { status: 404 });
    const page = await openPage(env);
    await waitForData(page);
    await waitForEvaluator(page, 'inline');
    assert.equal(await page.locator('#evaluator').textContent(), 'evaluations: in the training worker');
    assert.ok((await page.locator('#evaluator').getAttribute('title')).length > 0, 'the reason is in the tooltip');
    assert.deepEqual(await runRun(page), inline);
    assert.deepEqual(page.errors, []);
    await page.close();
    env.server.override('/eval-worker.js', null);
  });

  test('a second worker that fails mid-run hands its evaluations back: none is lost', { timeout: 240000 }, async () => {
    env.server.override('/eval-worker.js', { body: Buffer.from(FAILING_EVALUATOR), type: 'text/javascript' });
    const page = await openPage(env);
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    const lines = await runRun(page);
    assert.deepEqual(lines, inline);
    assert.equal(await page.locator('#evaluator').getAttribute('data-state'), 'inline');
    assert.match(await page.locator('#evaluator').getAttribute('title'), /failing on purpose/);
    assert.deepEqual(page.errors, []);
    await page.close();
    env.server.override('/eval-worker.js', null);
  });
});
