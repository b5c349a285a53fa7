// Data files that are not what they claim: a "gzip bomb" (a few MB that inflate
// to gigabytes) stops at the size of the real MNIST file with bounded memory; a
// truncated or corrupt gzip is called damaged, with what to do; and the 4.1 panel
// says the data failed instead of "loading" for ever.
//
// One browser profile and server for all the steps (each step's bad file fails its
// checks, so it is never cached; Retry fetches it again).

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { DIST, launch, openPage, rendererMemory } from './harness.mjs';

/** Zeros to inflate to: 512 MiB, eleven times the real training images (47 MB). */
const BOMB_BYTES = 512 * 2 ** 20;
/** The renderer (page and workers) may peak at this; the old code held the whole inflated file, twice. */
const PEAK_BOUND_MB = 450;

/** gzip of an IDX image header for 60000 × 28 × 28 followed by `zeros` zero bytes, made by streaming. */
async function bomb(zeros) {
  const gz = createGzip({ level: 1 });
  const parts = [];
  gz.on('data', (c) => parts.push(c));
  const ended = new Promise((ok, fail) => {
    gz.on('end', ok);
    gz.on('error', fail);
  });
  gz.write(Buffer.from([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28]));
  const chunk = Buffer.alloc(1 << 20);
  for (let o = 0; o < zeros; o += chunk.length) {
    if (!gz.write(chunk)) await new Promise((ok) => gz.once('drain', ok));
  }
  gz.end();
  await ended;
  return Buffer.concat(parts);
}

/** Waits for the data panel's state; returns the error text if it is 'error'. */
async function dataState(page, want, timeout = 60000) {
  await page.waitForFunction((w) => document.getElementById('data-status').dataset.state === w, want, { timeout }).catch(async (e) => {
    const now = await page.locator('#data-status').getAttribute('data-state');
    throw new Error(`data state never became ${want} (now ${now}): ${e.message}`);
  });
  return page.locator('#data-error-message').textContent();
}

/** Presses Retry and waits for a new error (its text must change from `before`). The
 *  good files of the load before are in the Cache API: empty it, so that every file is fetched. */
async function retryForError(page, before) {
  await page.evaluate(() => caches.delete('descent-mnist-v1'));
  await page.locator('#data-retry').click();
  await page.waitForFunction((b) => {
    const s = document.getElementById('data-status').dataset.state;
    return s === 'error' && document.getElementById('data-error-message').textContent !== b;
  }, before, { timeout: 60000 });
  return page.locator('#data-error-message').textContent();
}

describe('damaged and oversized data files', { timeout: 300000 }, () => {
  let env;
  let page;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('a gzip bomb stops at the size of the real file, with bounded memory and a clear message', { timeout: 120000 }, async () => {
    const body = await bomb(BOMB_BYTES);
    assert.ok(body.length < 8e6, `the bomb is small: ${body.length} bytes`);
    env.server.override('/data/train-images-idx3-ubyte.gz', { body });
    page = await openPage(env);
    const message = await dataState(page, 'error', 90000);
    const peaks = await rendererMemory();
    console.log(`# renderer memory after the bomb (MB): ${JSON.stringify(peaks)}`);
    console.log(`# message: ${message}`);
    assert.match(message, /^data\/train-images-idx3-ubyte\.gz is larger than an MNIST file can be: it decompresses to more bytes than the real train-images-idx3-ubyte \(47,040,016 bytes\)\./);
    assert.match(message, /It is not the MNIST file/);
    assert.match(message, /press Retry/, 'it says what to do');
    assert.doesNotMatch(message, /Failed to fetch/);
    assert.ok(peaks.length > 0, 'the renderer process was found');
    const peak = Math.max(...peaks.map((p) => p.peakMB));
    assert.ok(peak < PEAK_BOUND_MB, `the renderer peaked at ${peak} MB (bound ${PEAK_BOUND_MB} MB) inflating a ${BOMB_BYTES / 2 ** 20} MiB bomb`);
    // 4.1 says the data failed and where to look, instead of "loading".
    const counts = page.locator('#samples-counts');
    assert.equal(await counts.getAttribute('data-state'), 'error');
    assert.match(await counts.textContent(), /^MNIST could not be loaded, so there are no images to show\. The Data panel of section 4\.5 says which file failed and why; fix that, then press Retry there\.$/);
    assert.deepEqual(page.errors, []);
  });

  test('a truncated gzip is called damaged, without "Failed to fetch"', { timeout: 60000 }, async () => {
    env.server.override('/data/train-images-idx3-ubyte.gz', null);
    const good = await readFile(join(DIST, 'data/t10k-labels-idx1-ubyte.gz'));
    env.server.override('/data/t10k-labels-idx1-ubyte.gz', { body: good.subarray(0, Math.floor(good.length / 2)) });
    const before = await page.locator('#data-error-message').textContent();
    const message = await retryForError(page, before);
    console.log(`# message: ${message}`);
    assert.match(message, /^data\/t10k-labels-idx1-ubyte\.gz is damaged: its gzip data stops short after [\d.]+ kB of decompressed data \(an incomplete download or copy\), so it cannot be decompressed\. Replace it with a good copy/);
    assert.match(message, /press Retry\.$/);
    assert.doesNotMatch(message, /Failed to fetch/);
  });

  test('a corrupt gzip is called damaged, without "Failed to fetch"', { timeout: 60000 }, async () => {
    const good = await readFile(join(DIST, 'data/t10k-labels-idx1-ubyte.gz'));
    const bad = Buffer.from(good);
    for (let i = 1000; i < 1100; i++) bad[i] ^= 0x5a; // scramble the middle of the deflate stream
    env.server.override('/data/t10k-labels-idx1-ubyte.gz', { body: bad });
    const before = await page.locator('#data-error-message').textContent();
    const message = await retryForError(page, before);
    console.log(`# message: ${message}`);
    assert.match(message, /^data\/t10k-labels-idx1-ubyte\.gz is damaged: its gzip data is corrupt( after [\d.]+ (kB|MB|bytes?) of decompressed data)?, so it cannot be decompressed\. Replace it with a good copy/);
    assert.doesNotMatch(message, /Failed to fetch/);

    // Fixed on the server: Retry loads everything, and 4.1 shows the images.
    env.server.override('/data/t10k-labels-idx1-ubyte.gz', null);
    await page.locator('#data-retry').click();
    await dataState(page, 'ready');
    await page.waitForFunction(() => document.getElementById('samples-counts').dataset.state === 'ready', null, { timeout: 30000 });
    assert.match(await page.locator('#samples-counts').textContent(), /^60,000 training images and 10,000 test images/);
    assert.deepEqual(page.errors, []);
  });
});
