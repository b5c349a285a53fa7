// The messages between the page and the workers (www/js/protocol.js): a message
// of a type its receiver does not know is an error, not silence, in each direction.
//
// The bad message is put in inside a worker with Playwright's worker.evaluate:
// dispatched to the worker's own message handler (as if the page or the other
// worker had sent it) or posted from the worker (as if the worker had sent it).
// So the page needs no test hook and exposes no global.
//
//   node --test tests/e2e/protocol.test.mjs     (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, waitForData } from './harness.mjs';

/** The page's worker whose script is `path` ('/worker.js', '/eval-worker.js'), once it runs. */
async function workerAt(page, path, timeout = 30000) {
  const t0 = Date.now();
  for (;;) {
    const w = page.workers().find((x) => new URL(x.url()).pathname === path);
    if (w) return w;
    if (Date.now() - t0 > timeout) throw new Error(`no worker ${path}: ${page.workers().map((x) => x.url())}`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
}

/** Hands `msg` to the worker's message handler, as if it had been posted to it. */
const deliver = (worker, msg) => worker.evaluate((m) => self.dispatchEvent(new MessageEvent('message', { data: m })), msg);

const logText = (page) => page.locator('#log').textContent();

async function waitForEvaluator(page, state, timeout = 60000) {
  await page.waitForFunction((s) => document.getElementById('evaluator').dataset.state === s, state, { timeout });
}

describe('an unknown message type is an error', { timeout: 300000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('page → worker: the worker answers an unknown command with an error the page logs', { timeout: 60000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    const worker = await workerAt(page, '/worker.js');
    await deliver(worker, { type: 'bogus' });
    await page.waitForFunction(() => /unknown type/.test(document.getElementById('log').textContent), null, { timeout: 10000 });
    const log = await logText(page);
    assert.match(log, /^error · The training worker got a command of unknown type "bogus"; it knows load, start, config, pause, resume, reset, gradcheck, samples, views, predict, predict-test, test-set, save-model, load-model, metrics\.$/m, log);
    assert.ok(page.consoleErrors.some((m) => /unknown type "bogus"/.test(m)), `console.error: ${page.consoleErrors}`);
    // An error about a message, not about the run or the data: both stand.
    assert.equal(await page.locator('#data-status').getAttribute('data-state'), 'ready');
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'idle');
    assert.equal(await page.locator('#btn-start').isEnabled(), true);
    // A message with no type at all is named as such.
    await deliver(worker, { run: 1 });
    await page.waitForFunction(() => /unknown type no type/.test(document.getElementById('log').textContent), null, { timeout: 10000 });
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('worker → page: the page reports an unknown message in its log and console.error', { timeout: 60000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    const worker = await workerAt(page, '/worker.js');
    await worker.evaluate(() => self.postMessage({ type: 'bogus', run: null }));
    await page.waitForFunction(() => /unknown type/.test(document.getElementById('log').textContent), null, { timeout: 10000 });
    assert.match(await logText(page), /^error · The page got a message of unknown type "bogus" from the training worker\.$/m);
    assert.ok(page.consoleErrors.some((m) => /unknown type "bogus"/.test(m)), `console.error: ${page.consoleErrors}`);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'idle');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('training worker → evaluation worker: it fails, and the evaluations go back inline', { timeout: 60000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    await deliver(await workerAt(page, '/eval-worker.js'), { type: 'bogus' });
    await waitForEvaluator(page, 'inline', 10000);
    assert.match(await page.locator('#evaluator').getAttribute('title'), /^The evaluation worker failed handling "bogus": a message of unknown type "bogus"$/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('evaluation worker → training worker: an unknown answer is a failure, and the evaluations go back inline', { timeout: 60000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    await waitForEvaluator(page, 'ready');
    const evaluator = await workerAt(page, '/eval-worker.js');
    await evaluator.evaluate(() => self.postMessage({ type: 'bogus' }));
    await waitForEvaluator(page, 'inline', 10000);
    assert.equal(await page.locator('#evaluator').getAttribute('title'), 'it sent a message of unknown type "bogus"');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
