// What the MNIST files hold is checked by the core (Trainer.loadMnist →
// Dataset::from_idx_owned), not by a JavaScript copy of its checks: its message
// reaches the data panel naming the .gz at fault. The page's own check (28 × 28
// images) and the Cache API's part (only accepted files are kept; a cached copy
// the core refuses is fetched again) are here too.
//
//   node --test tests/e2e/datacheck.test.mjs     (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { DIST, launch, openPage, waitForData } from './harness.mjs';

const TEST_LABELS = '/data/t10k-labels-idx1-ubyte.gz';
const TEST_IMAGES = '/data/t10k-images-idx3-ubyte.gz';

/** The data panel's error once the load has failed. */
async function dataError(page) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('data-status').dataset.state), null, { timeout: 60000 });
  assert.equal(await page.locator('#data-status').getAttribute('data-state'), 'error');
  return page.locator('#data-error-message').textContent();
}

describe("the core's data check", { timeout: 300000 }, () => {
  let env;
  let labels; // the real test labels, decompressed
  before(async () => {
    env = await launch();
    labels = gunzipSync(await readFile(join(DIST, 'data/t10k-labels-idx1-ubyte.gz')));
  });
  after(async () => {
    await env?.close();
  });

  test('a label that is not a digit is refused, naming the file', { timeout: 60000 }, async () => {
    const bad = Buffer.from(labels);
    bad[8 + 12] = 12;
    env.server.override(TEST_LABELS, { body: gzipSync(bad) });
    const page = await openPage(env, { path: '?warmup=off' });
    const message = await dataError(page);
    assert.match(message, /^data\/t10k-labels-idx1-ubyte\.gz \(after gunzip\): label 12 at index 12 is not one of the 10 classes/);
    assert.match(message, /press Retry\.$/);
    assert.deepEqual(page.errors, []);
    await page.close();
    env.server.override(TEST_LABELS, null);
  });

  test('images and labels that do not pair up are refused, naming the image file', { timeout: 60000 }, async () => {
    const short = Buffer.concat([Buffer.from([0, 0, 8, 1, 0, 0, 0x27, 0x0f]), labels.subarray(8, labels.length - 1)]);
    env.server.override(TEST_LABELS, { body: gzipSync(short) });
    const page = await openPage(env, { path: '?warmup=off' });
    const message = await dataError(page);
    assert.match(message, /^data\/t10k-images-idx3-ubyte\.gz \(after gunzip\) holds 10000 images but its label file holds 9999 labels/);
    await page.close();
    env.server.override(TEST_LABELS, null);
  });

  test('images of another size than 28 × 28 are refused by the page', { timeout: 60000 }, async () => {
    // 20 × 20 in both image files: the core would train on them; this page draws and slices 28 × 28.
    const header = (n) => Buffer.from([0, 0, 8, 3, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, 0, 0, 0, 20, 0, 0, 0, 20]);
    env.server.override('/data/train-images-idx3-ubyte.gz', { body: gzipSync(Buffer.concat([header(60000), Buffer.alloc(60000 * 400)])) });
    env.server.override(TEST_IMAGES, { body: gzipSync(Buffer.concat([header(10000), Buffer.alloc(10000 * 400)])) });
    const page = await openPage(env, { path: '?warmup=off' });
    const message = await dataError(page);
    assert.match(message, /^data\/train-images-idx3-ubyte\.gz \(after gunzip\) holds 20 × 20 images; MNIST images are 28 × 28\./);
    await page.close();
    env.server.override('/data/train-images-idx3-ubyte.gz', null);
    env.server.override(TEST_IMAGES, null);
  });

  test('a cached copy the core refuses is fetched again from the server', { timeout: 60000 }, async () => {
    let page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    // Files are cached once accepted; damage one cached copy (it still decompresses).
    await page.waitForFunction(async () => (await (await caches.open('descent-mnist-v1')).keys()).length === 4, null, { timeout: 10000, polling: 200 });
    const bad = Buffer.from(labels);
    bad[8] = 200;
    await page.evaluate(
      async ([url, bytes]) => (await caches.open('descent-mnist-v1')).put(url, new Response(new Uint8Array(bytes))),
      [new URL('data/t10k-labels-idx1-ubyte.gz', env.server.url).href, [...gzipSync(bad)]],
    );
    await page.close();
    page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    assert.doesNotMatch(await page.locator('#data-status').textContent(), /cache/, 'not all four from the cache');
    // The good copy is cached again: the next load takes all four from the cache.
    await page.waitForTimeout(500);
    await page.close();
    page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    assert.match(await page.locator('#data-status').textContent(), /from this browser’s cache/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
