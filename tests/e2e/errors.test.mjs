// Failure paths: bad or missing data files (visible error, Retry) and a worker
// whose wasm cannot start (visible error, Restart worker).
//
// Each test uses its own browser profile and server (a new origin), so no good
// copy of the data sits in the Cache API.

import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, test } from 'node:test';
import { launch, openPage, screenshot, waitForRun } from './harness.mjs';

/** Waits for the data panel's state; returns the error text if it is 'error'. */
async function dataState(page, want, timeout = 60000) {
  await page.waitForFunction((w) => document.getElementById('data-status').dataset.state === w, want, { timeout }).catch(async (e) => {
    const now = await page.locator('#data-status').getAttribute('data-state');
    throw new Error(`data state never became ${want} (now ${now}): ${e.message}`);
  });
  return page.locator('#data-error-message').textContent();
}

describe('error paths', { timeout: 600000 }, () => {
  let env;
  afterEach(async () => {
    await env?.close();
    env = null;
  });

  test('a corrupt data file shows an error naming it, with a Retry that works', { timeout: 120000 }, async () => {
    env = await launch();
    const file = '/data/train-labels-idx1-ubyte.gz';
    env.server.override(file, { body: Buffer.from('this is not MNIST, just some corrupt bytes\n'.repeat(50)) });
    const page = await openPage(env);

    const message = await dataState(page, 'error');
    assert.match(message, /train-labels-idx1-ubyte\.gz/, 'the message names the file');
    assert.match(message, /neither gzip nor IDX/);
    assert.match(message, /Retry/, 'the message says what to do');
    const retry = page.locator('#data-retry');
    assert.ok(await retry.isVisible(), 'a Retry button is shown');
    assert.ok(await page.locator('#data-error').isVisible());
    assert.equal(await page.locator('#btn-start').isEnabled(), false, 'no Start without data');
    await screenshot(page, 'data-error');

    // The file is fixed on the server: Retry loads everything and training works.
    env.server.override(file, null);
    await retry.click();
    await dataState(page, 'ready');
    assert.equal(await page.locator('#data-error').isVisible(), false);
    await page.locator('#f-iters').fill('100');
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done');
    assert.deepEqual(page.errors, []);
  });

  test('a missing file and a truncated IDX file are explained', { timeout: 120000 }, async () => {
    env = await launch();
    env.server.override('/data/t10k-images-idx3-ubyte.gz', { status: 404 });
    const page = await openPage(env);
    let message = await dataState(page, 'error');
    assert.match(message, /t10k-images-idx3-ubyte\.gz was not found on the server \(HTTP 404/);

    // Valid gzip, valid label header, but 10 labels where the header promises 10000.
    env.server.override('/data/t10k-images-idx3-ubyte.gz', null);
    const header = Buffer.from([0, 0, 8, 1, 0, 0, 0x27, 0x10]);
    env.server.override('/data/t10k-labels-idx1-ubyte.gz', { body: gzipSync(Buffer.concat([header, Buffer.alloc(10)])) });
    await page.locator('#data-retry').click();
    await page.waitForFunction(() => /labels/.test(document.getElementById('data-error-message').textContent));
    message = await dataState(page, 'error');
    assert.match(message, /t10k-labels-idx1-ubyte\.gz/);
    assert.match(message, /truncated/);
    await screenshot(page, 'data-error-truncated');
  });

  test('a worker that cannot start shows an error with Restart worker', { timeout: 120000 }, async () => {
    env = await launch();
    for (const f of ['/descent-web_bg.wasm', '/descent-web-relaxed_bg.wasm']) {
      env.server.override(f, { body: Buffer.from('not wasm at all'), type: 'application/wasm' });
    }
    const page = await openPage(env);
    await waitForRun(page, 'crashed', 60000);
    const alert = page.locator('#run-error');
    assert.ok(await alert.isVisible());
    assert.match(await alert.textContent(), /WebAssembly/);
    const restart = page.locator('#restart-worker');
    assert.ok(await restart.isVisible(), 'a Restart worker button is shown');
    assert.equal(await page.locator('#btn-start').isEnabled(), false);
    await screenshot(page, 'worker-crashed');

    for (const f of ['/descent-web_bg.wasm', '/descent-web-relaxed_bg.wasm']) env.server.override(f, null);
    await restart.click();
    await dataState(page, 'ready');
    assert.equal(await alert.isVisible(), false);
    assert.match(await page.locator('#kernel').textContent(), /^kernel: (relaxed SIMD|SIMD \(128-bit\)|scalar)$/);
    await page.locator('#f-iters').fill('100');
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done');
  });
});
