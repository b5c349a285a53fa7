// Inside the network (issue 15): W1's tiles change as the net learns; a test
// digit drawn stroke by stroke (mouse and touch) is read as the image itself is;
// the gallery and the confusion matrix agree with the accuracy the run reports;
// drawing on a touch screen does not scroll the page. In both wasm builds.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { DIST, accuracyLines, fillSettings, launch, openPage, screenshot, sleep, waitForData, waitForRun } from './harness.mjs';

const SIDE = 28;

/** The test images as the page serves them: [pixels of image i]. */
async function testImages() {
  const b = gunzipSync(await readFile(join(DIST, 'data/t10k-images-idx3-ubyte.gz')));
  return (i) => b.subarray(16 + i * SIDE * SIDE, 16 + (i + 1) * SIDE * SIDE);
}

/**
 * An image as strokes, the way a hand would fill it in: every run of pixels ≥ 128
 * in a row becomes one horizontal stroke through the pixels' centres, in the pad's
 * coordinates (the 28 × 28 image stretched over the pad, with a margin).
 */
function strokesOf(pixels, box) {
  const margin = 0.1;
  const cell = (box.width * (1 - 2 * margin)) / SIDE;
  const at = (x, y) => [box.x + box.width * margin + (x + 0.5) * cell, box.y + box.height * margin + (y + 0.5) * cell];
  const strokes = [];
  for (let y = 0; y < SIDE; y++) {
    let x = 0;
    while (x < SIDE) {
      if (pixels[y * SIDE + x] < 128) {
        x++;
        continue;
      }
      const x0 = x;
      while (x < SIDE && pixels[y * SIDE + x] >= 128) x++;
      strokes.push([at(x0, y), at(x - 1, y)]);
    }
  }
  return strokes;
}

/** Draws strokes with the mouse: down, moves in a few steps, up. */
async function drawMouse(page, strokes) {
  for (const [[x0, y0], [x1, y1]] of strokes) {
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    await page.mouse.move(x1, y1, { steps: 3 });
    await page.mouse.up();
  }
}

/** Draws strokes with a finger (touch events through the DevTools protocol: pointer events of type touch). */
async function drawTouch(cdp, strokes) {
  for (const [[x0, y0], [x1, y1]] of strokes) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [{ x: x0, y: y0 }] });
    for (let k = 1; k <= 3; k++) {
      const t = k / 3;
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: x0 + (x1 - x0) * t, y: y0 + (y1 - y0) * t }] });
    }
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  }
}

/** The drawing panel's answer once it says something new: {predicted, kind, text}. */
async function answer(page, before = null) {
  await page.waitForFunction(
    (b) => {
      const v = document.getElementById('draw-verdict');
      return v.dataset.predicted != null && ['answer', 'right', 'wrong'].includes(v.dataset.kind) && v.textContent !== b;
    },
    before,
    { timeout: 10000 },
  );
  return page.locator('#draw-verdict').evaluate((v) => ({ predicted: Number(v.dataset.predicted), kind: v.dataset.kind, text: v.textContent }));
}

async function feed(page, index) {
  const before = await page.locator('#draw-verdict').textContent();
  await page.locator('#draw-index').fill(String(index));
  await page.locator('#draw-feed').click();
  return answer(page, before);
}

/** The tiles canvas's pixels, as a string to compare. */
const tilePixels = (page) => page.locator('#w1-tiles').evaluate((c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).join(','));

describe('inside the network', { timeout: 600000 }, () => {
  let env;
  let image;
  before(async () => {
    env = await launch();
    image = await testImages();
  });
  after(async () => {
    await env?.close();
  });

  for (const kernel of ['', 'simd128']) {
    const build = kernel ? 'the SIMD128 build' : 'the default build';
    test(`${build}: the tiles learn, a drawn test digit is read as the image, the gallery and matrix agree with the accuracy`, { timeout: 240000 }, async () => {
      const page = await openPage(env, { path: `?warmup=off${kernel ? `&kernel=${kernel}` : ''}` });
      await waitForData(page);
      if (kernel) assert.equal(await page.locator('#kernel').getAttribute('data-kernel'), kernel);
      await page.locator('#weights').scrollIntoViewIfNeeded();
      // The untrained net: 50 tiles at iteration 0.
      await page.waitForFunction(() => document.getElementById('w1-tiles').dataset.iter === '0', null, { timeout: 10000 });
      assert.equal(await page.locator('#w1-tiles').getAttribute('data-shown'), '50');
      await sleep(300);
      const untrained = await tilePixels(page);

      // A run long enough that the tiles refresh while it trains.
      await fillSettings(page, { iters: 6000, lr: 0.5 });
      const seenIters = new Set();
      // The weights come only while their panel is on screen: keep it there (a click would scroll to the button).
      await page.locator('#weights').scrollIntoViewIfNeeded();
      await page.locator('#btn-start').evaluate((b) => b.click());
      while ((await page.locator('#status').getAttribute('data-state')) !== 'done') {
        seenIters.add(await page.locator('#w1-tiles').getAttribute('data-iter'));
        const s = await page.locator('#status').getAttribute('data-state');
        assert.ok(['starting', 'running', 'done'].includes(s), `run state ${s}`);
        await sleep(50);
      }
      await page.waitForFunction(() => document.getElementById('w1-tiles').dataset.iter === '6000', null, { timeout: 10000 });
      const during = [...seenIters].map(Number).filter((i) => i > 0 && i < 6000);
      assert.ok(during.length >= 1, `the tiles were refreshed during the run (saw iterations ${[...seenIters].join(', ')})`);
      await sleep(300);
      assert.notEqual(await tilePixels(page), untrained, 'the tiles after the run differ from the untrained ones');
      // Reading one unit with the keyboard.
      await page.locator('#w1-tiles').focus();
      await page.keyboard.press('ArrowRight');
      assert.match(await page.locator('#w1-readout').textContent(), /^Unit 1: weights from −\d\.\d{3} to \+\d\.\d{3}\.$/);

      // The final figures: the status line's test accuracy…
      const status = await page.locator('#status').textContent();
      const testAcc = Number(/Test accuracy (0\.\d{4})/.exec(status)[1]);
      assert.ok(testAcc > 0.9, status);
      // …is the matrix's diagonal over its total, and the gallery holds the rest. (They are
      // drawn when on screen: scrolled to, they show the final evaluation.)
      await page.locator('#eval-views').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => document.getElementById('eval-pick-out').textContent.startsWith('final'), null, { timeout: 10000 });
      const cm = page.locator('#cm-table');
      const [correct, total] = [Number(await cm.getAttribute('data-correct')), Number(await cm.getAttribute('data-total'))];
      assert.equal(total, 10000);
      assert.equal((correct / total).toFixed(4), testAcc.toFixed(4));
      const diagonal = await cm.locator('td.diag').allTextContents();
      assert.equal(diagonal.map(Number).reduce((a, b) => a + b, 0), correct, 'the diagonal sums to the right answers');
      const cells = await cm.locator('tbody td:not(.acc)').allTextContents();
      assert.equal(cells.map(Number).reduce((a, b) => a + b, 0), 10000, 'the matrix counts every test image once');
      const gallery = page.locator('#gallery-status');
      assert.equal(Number(await gallery.getAttribute('data-count')), total - correct);
      assert.equal(await page.locator('#gallery .thumb').count(), Math.min(48, total - correct));
      // The most confident mistakes first.
      const ps = (await page.locator('#gallery .thumb-p').allTextContents()).map(parseFloat);
      assert.ok(ps.every((p, k) => k === 0 || p <= ps[k - 1]), ps.join(' '));
      // Each evaluation on the slider: epoch 0's matrix agrees with the log's first line.
      const first = (await accuracyLines(page))[0];
      await page.locator('#eval-pick').fill('0');
      assert.match(await page.locator('#eval-pick-out').textContent(), /^epoch 0 \(iteration 0\)/);
      assert.equal((Number(await cm.getAttribute('data-correct')) / 10000).toFixed(4), first[1].toFixed(4));
      await page.locator('#eval-pick').fill(String(Number(await page.locator('#eval-pick').getAttribute('max'))));
      // A confusion cell filters the gallery: every image shown is of that kind.
      const cell = cm.locator('td.off button').first();
      const [t, p] = await cell.evaluate((b) => [b.parentElement.dataset.t, b.parentElement.dataset.p]);
      const n = Number(await cell.textContent());
      await cell.click();
      assert.equal(Number(await gallery.getAttribute('data-count')), n);
      for (const label of await page.locator('#gallery .thumb-cap > span:first-child').allTextContents()) assert.equal(label, `${t} → ${p}`);
      // One shown large, with its ten probabilities.
      await page.locator('#gallery .thumb').first().click();
      assert.match(await page.locator('#gallery-detail-text').textContent(), new RegExp(`^Test image \\d+ is a ${t}; .* read it as ${p} with`));
      assert.equal(await page.locator('#gallery-bars .bar-row').count(), 10);
      await screenshot(page, `views-done${kernel ? '-' + kernel : ''}`);

      // Feeding test images and drawing them: the same answer, by mouse and by touch.
      await page.locator('#draw').scrollIntoViewIfNeeded();
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
      let checked = 0;
      for (let i = 0; i < 40 && checked < 4; i++) {
        const fed = await feed(page, i);
        if (fed.kind !== 'right' || !/with (9\d|100)\.\d%/.test(fed.text)) continue; // a clear case: right and sure
        await page.locator('#draw-clear').click();
        const box = await page.locator('#draw-pad').boundingBox();
        const touch = checked % 2 === 1;
        if (touch) await drawTouch(cdp, strokesOf(image(i), box));
        else await drawMouse(page, strokesOf(image(i), box));
        const drawn = await answer(page);
        assert.equal(drawn.predicted, fed.predicted, `test image ${i}, drawn by ${touch ? 'touch' : 'mouse'}: ${drawn.text} (fed: ${fed.text})`);
        assert.match(drawn.text, /reads your drawing as/);
        checked++;
      }
      assert.equal(checked, 4, 'four clear test images were drawn');
      assert.deepEqual(page.errors, []);
      assert.deepEqual(page.consoleErrors, []);
      await page.close();
    });
  }

  test('drawing on a touch screen does not scroll the page; the views fit a phone', { timeout: 120000 }, async () => {
    const page = await openPage(env, { path: '?warmup=off', viewport: { width: 390, height: 844 } });
    await waitForData(page);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 1 });
    await page.locator('#draw-pad').scrollIntoViewIfNeeded();
    const drag = async (box) => {
      const x = box.x + box.width / 2;
      const y0 = box.y + box.height * 0.8;
      const y1 = box.y + box.height * 0.2;
      await drawTouch(cdp, [[[x, y0], [x, y1]]]);
      await sleep(300);
    };
    // The same upward swipe on text scrolls the page (so the check below can fail)…
    const text = await page.locator('#draw-verdict').boundingBox();
    let y = await page.evaluate(() => scrollY);
    await drag({ x: text.x, y: text.y - 120, width: text.width, height: 200 });
    assert.ok((await page.evaluate(() => scrollY)) > y + 20, 'a swipe outside the pad scrolls the page');
    // …and on the pad it draws instead.
    await page.locator('#draw-pad').scrollIntoViewIfNeeded();
    y = await page.evaluate(() => scrollY);
    await drag(await page.locator('#draw-pad').boundingBox());
    assert.equal(await page.evaluate(() => scrollY), y, 'the page did not scroll while drawing');
    const drawn = await answer(page);
    assert.match(drawn.text, /^The untrained network reads your drawing as \d, with/);
    // No horizontal scrolling at 390 px, and the matrix's columns all fit.
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
    await screenshot(page, 'views-narrow');
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
