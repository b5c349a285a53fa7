// The training worker's warm-up: once MNIST is loaded it runs a few hundred
// throwaway iterations on the prepared trainer, so that the engine's optimised
// code is in before Start (see www/worker/warmup.js). Start resets that
// trainer: a run started after the warm-up, or in the middle of it, must be
// exactly the run of a page that never warmed up.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, openPage, runToEnd, waitForData } from './harness.mjs';

/** The book's run (the page's defaults): the trainer prepared, and warmed up, at data-ready is the one that runs. */
const ITERS = 10000;

/** Runs the book's run to the end; the accuracy lines and the final status as printed. */
async function runBook(page) {
  const lines = await runToEnd(page, ITERS);
  const status = (await page.locator('#status').textContent()).replace(/ in [0-9.]+ s/, '');
  return { lines, status };
}

describe('warm-up before Start', { timeout: 600000 }, () => {
  let env;
  let plain;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('without a warm-up (?warmup=off) no warm-up is reported', { timeout: 240000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    plain = await runBook(page);
    assert.equal(plain.lines.length, 17, plain.lines.join('\n'));
    assert.equal(await page.evaluate(() => document.body.dataset.warm ?? null), null);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a run after the warm-up is the run of a page without one', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await page.waitForFunction(() => Boolean(document.body.dataset.warm), null, { timeout: 60000 });
    const warm = await page.evaluate(() => document.body.dataset.warm);
    const [iters] = warm.split(' ').map(Number);
    assert.ok(iters > 0 && iters <= 400, `warm-up: ${warm}`);
    assert.deepEqual(await runBook(page), plain);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a run started in the middle of the warm-up is the same run too', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    // Start at once: the warm-up (a few hundred ms) is still under way, and stops for the run.
    assert.deepEqual(await runBook(page), plain);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
