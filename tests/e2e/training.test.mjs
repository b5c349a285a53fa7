// The page trains on real MNIST: data loading, a short run to ≥ 0.9 test
// accuracy, live charts, pause/resume/reset, validation, divergence, narrow screens.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  accuracyLines,
  fillSettings,
  iteration,
  launch,
  openPage,
  screenshot,
  seriesPixels,
  sleep,
  waitForData,
  waitForRun,
} from './harness.mjs';

/** A short run that gets past 0.9 test accuracy: evaluations at 0, 600, 1200, 1800. */
const SHORT_RUN = { hidden: 50, lr: 0.5, batch: 100, iters: 2400, initStd: 0.01, seed: 42 };

describe('training page', { timeout: 600000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('explains itself, loads MNIST with a progress bar and shows the kernel', { timeout: 120000 }, async () => {
    // Record every text the byte counter shows, from the first paint on.
    const seen = [];
    const page = await openPage(env, {
      beforeGoto: async (p) => {
        await p.exposeFunction('__bytes', (t) => seen.push(t));
        await p.addInitScript(() =>
          addEventListener('DOMContentLoaded', () => {
            const n = document.getElementById('data-bytes');
            new MutationObserver(() => window.__bytes(n.textContent)).observe(n, { childList: true, characterData: true, subtree: true });
          }),
        );
      },
    });

    const header = await page.locator('header').textContent();
    assert.match(header, /chapter 4/i);
    assert.match(header, /Deep Learning from Scratch/);
    assert.match(header, /in your browser/);

    await waitForData(page);
    assert.match(await page.locator('#data-status').textContent(), /60,000 training and 10,000 test images/);
    const bytes = await page.locator('#data-bytes').textContent();
    assert.match(bytes, /^(\d+\.\d) \/ \1 MB$/, `data-bytes should read "N / N MB" when done, got "${bytes}"`);
    assert.ok(Number(bytes.split(' ')[0]) > 11, `the four gzip files are about 11.4 MB, got ${bytes}`);
    const [value, max] = await page.locator('#data-progress').evaluate((p) => [p.value, p.max]);
    assert.equal(value, max, 'the data progress bar ends full');
    assert.ok(seen.length > 0, 'the byte counter was updated while loading');

    // Chromium has relaxed SIMD, so the worker picks the relaxed build.
    assert.equal(await page.locator('#kernel').textContent(), 'kernel: relaxed SIMD');
    assert.equal(await page.locator('#btn-start').isEnabled(), true, 'Start is enabled once the data is ready');
    assert.equal(await page.locator('#btn-pause').isEnabled(), false);
    assert.equal(await page.locator('#btn-reset').isEnabled(), false);
    await screenshot(page, 'loaded');

    assert.deepEqual(page.errors, []);
    assert.deepEqual(env.foreignRequests, [], 'nothing may be loaded from another origin');
    await page.close();
  });

  test('a short run reaches 0.9 test accuracy and draws both charts', { timeout: 240000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    const lossBefore = await seriesPixels(page, 'loss-chart');
    const accBefore = await seriesPixels(page, 'acc-chart');

    await fillSettings(page, SHORT_RUN);
    await page.locator('#btn-start').click();
    await waitForRun(page, 'running', 30000);
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 200000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done', await page.locator('#status').textContent());

    assert.equal(await iteration(page), SHORT_RUN.iters);
    const lines = await accuracyLines(page);
    assert.ok(lines.length >= 2, `expected the book's "train acc, test acc | …" lines, got ${lines.length}`);
    assert.ok(lines[0][1] < 0.3, `the untrained network guesses (~0.1), got ${lines[0][1]}`);
    const best = Math.max(...lines.map(([, t]) => t));
    assert.ok(best >= 0.9, `test accuracy should reach 0.9, best was ${best}`);
    assert.match(await page.locator('#status').textContent(), /Test accuracy 0\.9\d{3}/);

    // Charts: both canvases carry series pixels now, far more than before the run.
    await page.waitForFunction(() => document.getElementById('loss-chart').dataset.points === '2400');
    const lossAfter = await seriesPixels(page, 'loss-chart');
    const accAfter = await seriesPixels(page, 'acc-chart');
    assert.ok(lossAfter > lossBefore + 1000, `loss chart: ${lossBefore} → ${lossAfter} series pixels`);
    assert.ok(accAfter > accBefore + 200, `accuracy chart: ${accBefore} → ${accAfter} series pixels`);
    assert.equal(await page.locator('#acc-chart').getAttribute('data-points'), String(lines.length));

    // High-DPI: the backing store follows devicePixelRatio.
    const [w, cssW, dpr] = await page.locator('#loss-chart').evaluate((c) => [c.width, c.getBoundingClientRect().width, devicePixelRatio]);
    assert.ok(Math.abs(w - cssW * dpr) <= 1, `canvas ${w} px for ${cssW} CSS px at DPR ${dpr}`);

    // The first-1000-iterations view redraws with 1000 points.
    await page.locator('#loss-first-1000').check();
    await page.waitForFunction(() => document.getElementById('loss-chart').dataset.points === '1000');
    await screenshot(page, 'run-done-first-1000');
    await page.locator('#loss-first-1000').uncheck();
    await page.waitForFunction(() => document.getElementById('loss-chart').dataset.points === '2400');

    assert.equal(await page.locator('#btn-start').isEnabled(), true, 'Start again after a run');
    assert.equal(await page.locator('#btn-pause').isEnabled(), false);
    await screenshot(page, 'run-done');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('the plain-SIMD fallback build (what Safari gets) trains too', { timeout: 240000 }, async () => {
    const page = await openPage(env, { path: '?kernel=simd128' });
    await waitForData(page);
    assert.equal(await page.locator('#kernel').textContent(), 'kernel: SIMD (128-bit)');
    await fillSettings(page, { ...SHORT_RUN, iters: 1201 });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 200000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done', await page.locator('#status').textContent());
    const lines = await accuracyLines(page);
    const best = Math.max(...lines.map(([, t]) => t));
    assert.ok(best >= 0.9, `test accuracy should reach 0.9 with the fallback build, best was ${best}`);
    await screenshot(page, 'fallback-simd128');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('pause stops the iterations, resume continues, reset clears the run', { timeout: 180000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await fillSettings(page, { iters: 1000000, lr: 0.1 });
    await page.locator('#btn-start').click();
    await waitForRun(page, 'running', 30000);
    await page.waitForFunction(() => Number(document.getElementById('run-meta').dataset.iter) > 200, null, { timeout: 60000 });

    await page.locator('#btn-pause').click();
    await waitForRun(page, 'paused', 10000);
    assert.equal(await page.locator('#btn-pause').isEnabled(), false);
    assert.equal(await page.locator('#btn-resume').isEnabled(), true);
    await sleep(300); // let the last in-flight progress land
    const at = await iteration(page);
    await sleep(1500);
    assert.equal(await iteration(page), at, 'no iterations while paused');
    await screenshot(page, 'paused');

    await page.locator('#btn-resume').click();
    await waitForRun(page, 'running', 10000);
    await page.waitForFunction((n) => Number(document.getElementById('run-meta').dataset.iter) > n + 50, at, { timeout: 30000 });

    await page.locator('#btn-reset').click();
    await waitForRun(page, 'idle', 10000);
    await sleep(800); // stale progress of the discarded run must not come back
    assert.equal(await iteration(page), 0);
    assert.equal(await page.locator('#loss-chart').getAttribute('data-points'), '0');
    assert.equal(await page.locator('#acc-chart').getAttribute('data-points'), '0');
    assert.equal(await page.locator('#btn-reset').isEnabled(), false);
    assert.equal(await page.locator('#btn-start').isEnabled(), true);
    assert.equal(await page.locator('#btn-pause').isEnabled(), false);
    await screenshot(page, 'reset');

    // …and the worker runs again after the reset.
    await fillSettings(page, { iters: 300 });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done');
    assert.equal(await iteration(page), 300);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('an invalid learning rate is refused beside the field; the worker still works', { timeout: 120000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    const lr = page.locator('#f-lr');

    for (const bad of ['-1', '0', 'abc', '']) {
      await lr.fill(bad);
      assert.equal(await lr.getAttribute('aria-invalid'), 'true', `"${bad}" is invalid`);
      const msg = page.locator('#f-lr-msg');
      assert.ok(await msg.isVisible(), `a message is shown for "${bad}"`);
      assert.match(await msg.textContent(), /learning rate/i);
      assert.match(await lr.getAttribute('aria-describedby'), /\bf-lr-msg\b/);
      assert.equal(await page.locator('#btn-start').isEnabled(), false, 'Start is disabled while a field is invalid');
    }
    await lr.fill('-1');
    await screenshot(page, 'invalid-lr');

    // Enter in the field (implicit submission) must not start a run either.
    await lr.press('Enter');
    await sleep(500);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'idle');
    assert.equal(await iteration(page), 0);
    assert.equal(await page.locator('#log').textContent(), '', 'nothing was sent to the worker');

    // A valid value clears the message; Enter (keyboard only) starts a run.
    await lr.fill('0.1');
    assert.equal(await lr.getAttribute('aria-invalid'), null);
    assert.equal(await page.locator('#f-lr-msg').isVisible(), false);
    await fillSettings(page, { iters: 200 });
    await page.locator('#f-iters').press('Enter');
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done');
    assert.equal(await iteration(page), 200);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  // The loss only stops being a number when the weights overflow: with the
  // cross-entropy's δ = 1e-7 it never exceeds ln(1e7) ≈ 16.1, so lr 1e6 merely
  // fails to learn (see the next test); lr 1e38 overflows f32 within a few steps.
  test('a huge learning rate diverges: the run stops with a message', { timeout: 120000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await fillSettings(page, { lr: '1e38', initStd: '10', iters: 10000 });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['diverged', 'done', 'crashed', 'stopped'], 90000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'diverged', await page.locator('#status').textContent());
    const alert = page.locator('#run-error');
    assert.ok(await alert.isVisible());
    assert.match(await alert.textContent(), /diverged/i);
    assert.match(await alert.textContent(), /learning rate/i);
    const at = await iteration(page);
    assert.ok(at < 10000, `stopped early, at ${at}`);
    await sleep(800);
    assert.equal(await iteration(page), at, 'no iterations after divergence');
    assert.equal(await page.locator('#btn-pause').isEnabled(), false);
    assert.equal(await page.locator('#btn-start').isEnabled(), true);
    assert.match(await page.locator('#log').textContent(), /diverged/);
    await screenshot(page, 'diverged');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a learning rate too large to learn (but finite) gets a warning', { timeout: 120000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    await fillSettings(page, { lr: '1e6', initStd: '10', iters: 1300 });
    await page.locator('#btn-start').click();
    await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 90000);
    assert.equal(await page.locator('#status').getAttribute('data-state'), 'done');
    const alert = page.locator('#run-error');
    assert.ok(await alert.isVisible(), 'a warning is shown');
    assert.equal(await alert.getAttribute('data-kind'), 'warning');
    assert.match(await alert.textContent(), /not learning.*learning rate \(1000000\) or the init std is probably too large/s);
    const best = Math.max(...(await accuracyLines(page)).map(([, t]) => t));
    assert.ok(best < 0.5, `such a run does not learn (best test accuracy ${best})`);
    await screenshot(page, 'not-learning');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a phone (390 px, DPR 3) gets one column, no sideways scrolling and sharp charts', { timeout: 120000 }, async () => {
    const phone = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      const page = await openPage(phone);
      await waitForData(page);
      const lefts = await page.evaluate(() =>
        ['data-panel', 'settings-panel', 'run-panel'].map((id) => document.getElementById(id).getBoundingClientRect().left).concat(
          document.getElementById('loss-chart').closest('section').getBoundingClientRect().left,
        ),
      );
      assert.ok(Math.max(...lefts) - Math.min(...lefts) < 2, `panels stack in one column: lefts ${lefts}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);

      await fillSettings(page, { iters: 700 });
      await page.locator('#btn-start').click();
      await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], 60000);
      for (const id of ['loss-chart', 'acc-chart']) {
        const [w, h, cssW, cssH, dpr] = await page
          .locator(`#${id}`)
          .evaluate((c) => [c.width, c.height, c.getBoundingClientRect().width, c.getBoundingClientRect().height, devicePixelRatio]);
        assert.equal(dpr, 3);
        assert.ok(Math.abs(w - cssW * dpr) <= 1.5 && Math.abs(h - cssH * dpr) <= 1.5, `${id}: ${w}×${h} px for ${cssW}×${cssH} CSS px at DPR 3`);
        assert.ok((await seriesPixels(page, id)) > 500, `${id} has data drawn`);
      }
      await screenshot(page, 'narrow');
      assert.deepEqual(page.errors, []);
    } finally {
      await phone.close();
    }
  });
});
