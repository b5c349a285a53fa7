// The chapter, interactive: every section renders its text, formulas and live
// panel; the panels show the book's numbers (computed by the core crate through
// wasm); the gradient check runs in the worker without disturbing a run; a
// panel's link restores its state; keyboard and pointer both work; phones get
// one column.
//
//   node --test tests/e2e/chapter.test.mjs     (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ARTIFACTS, fillSettings, iteration, launch, openPage, screenshot, seriesPixels, sleep, waitForData, waitForRun } from './harness.mjs';

/** The book's W for simpleNet and its numerical dW (BOOK.md). */
const BOOK_DW = [0.4121426, 0.15822056, -0.57036316, 0.6182139, 0.23733084, -0.85554475];

/** Waits until the page's wasm module for the demos is loaded (or fails with why not). */
async function waitForDemos(page, timeout = 30000) {
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.demos), null, { timeout });
  const s = await page.evaluate(() => document.body.dataset.demos);
  if (s !== 'ready') throw new Error(`the demos did not load: ${await page.locator('#demos-error-message').textContent()}`);
}

const text = (page, id) => page.locator(`#${id}`).textContent();

/** Waits until #id's text satisfies `want` (a string or a RegExp); returns the text. */
async function textBecomes(page, id, want, timeout = 10000) {
  try {
    await page.waitForFunction(
      ([id, src, flags, exact]) => {
        const t = document.getElementById(id)?.textContent ?? '';
        return exact !== null ? t === exact : new RegExp(src, flags).test(t);
      },
      want instanceof RegExp ? [id, want.source, want.flags, null] : [id, '', '', want],
      { timeout },
    );
  } catch {
    assert.fail(`#${id} should show ${want}, but shows ${JSON.stringify(await text(page, id))}`);
  }
  return text(page, id);
}

/** Pixels of a canvas that differ clearly from its background (the corner pixel): ink, grey or not. */
async function inkPixels(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0], d[1], d[2]];
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (Math.abs(d[i] - bg[0]) + Math.abs(d[i + 1] - bg[1]) + Math.abs(d[i + 2] - bg[2]) > 120) n++;
    }
    return n;
  }, id);
}

/** Screenshot of one panel (element), to tests/artifacts/chapter-<name>.png. */
async function shoot(page, selector, name) {
  // the sticky table of contents would cover the top of the panel
  await page.locator(selector).screenshot({ path: join(ARTIFACTS, `chapter-${name}.png`), style: '.toc { visibility: hidden !important; }' });
}

async function fullShot(page, name) {
  await page.evaluate(() => scrollTo(0, 0));
  await sleep(100);
  await screenshot(page, `chapter-${name}`);
}

describe('the chapter, interactive', { timeout: 600000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('every section has its text, formulas and a drawn panel, with a table of contents', { timeout: 90000 }, async () => {
    const page = await openPage(env);
    await waitForDemos(page);
    await waitForData(page);

    // the table of contents: 4.1 … 4.5, each link to its section
    const toc = await page.locator('nav.toc a').evaluateAll((as) => as.map((a) => [a.textContent.trim(), a.getAttribute('href')]));
    assert.deepEqual(
      toc.map(([t]) => t.slice(0, 3)),
      ['4.1', '4.2', '4.3', '4.4', '4.5'],
      `the contents list the chapter's sections: ${JSON.stringify(toc)}`,
    );
    for (const [label, href] of toc) {
      const section = page.locator(href);
      assert.equal(await section.count(), 1, `${label} links to ${href}`);
      const h2 = await section.locator('h2').first().textContent();
      assert.ok(h2.includes(label.slice(0, 3)), `${href} is headed ${label}, got "${h2}"`);
      assert.ok((await section.locator('.prose p').count()) >= 1, `${href} explains itself`);
    }
    // formulas in MathML, in the sections that have them
    for (const id of ['s4-2', 's4-3', 's4-4', 's4-5']) {
      assert.ok((await page.locator(`#${id} math`).count()) >= 2, `${id} shows its formulas`);
    }
    // the panels live in their sections
    const where = { data: 's4-1', loss: 's4-2', diff: 's4-3', field: 's4-4', descent: 's4-4', simplenet: 's4-4', gradcheck: 's4-5', trainer: 's4-5' };
    for (const [panel, section] of Object.entries(where)) {
      assert.equal(await page.locator(`#${section} #${panel}`).count(), 1, `#${panel} sits in ${section}`);
    }

    // every canvas draws something
    await page.waitForFunction(() => document.getElementById('samples-counts').textContent.includes('60,000'));
    for (const [id, min] of [
      ['loss-curve', 300],
      ['diff-curve', 500],
      ['diff-errors', 500],
      ['field-canvas', 1000],
      ['descent-canvas', 200],
      ['sn-spark', 10],
    ]) {
      const n = await seriesPixels(page, id);
      assert.ok(n > min, `${id}: ${n} coloured pixels, expected more than ${min}`);
    }
    const digits = await inkPixels(page, 'samples-canvas');
    assert.ok(digits > 2000, `the data panel draws MNIST digits (${digits} ink pixels)`);

    // crisp on this screen: backing store = CSS size × DPR
    for (const id of ['loss-curve', 'diff-curve', 'field-canvas', 'descent-canvas']) {
      const [w, cssW, dpr] = await page.locator(`#${id}`).evaluate((c) => [c.width, c.getBoundingClientRect().width, devicePixelRatio]);
      assert.ok(Math.abs(w - cssW * dpr) <= 1.5, `${id}: ${w} px for ${cssW} CSS px at DPR ${dpr}`);
    }

    await fullShot(page, 'desktop');
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.consoleErrors, []);
    assert.deepEqual(env.foreignRequests, [], 'nothing may be loaded from another origin');
    await page.close();
  });

  test('4.2: the book’s loss examples, one-hot = label index, δ at y = 0, editing by keyboard', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await waitForDemos(page);

    await page.getByTestId('loss-preset-y1').click();
    assert.equal(await textBecomes(page, 'loss-sse', '0.09750000000000003'), '0.09750000000000003');
    assert.equal(await text(page, 'loss-cee'), '0.510825457099338');
    assert.equal(await text(page, 'loss-cee-onehot'), '0.510825457099338');
    assert.equal(await text(page, 'loss-cee-label'), '0.510825457099338', 'a label index gives the same CEE as a one-hot row');
    assert.match(await text(page, 'loss-same'), /the same value/);

    await page.getByTestId('loss-preset-y2').click();
    assert.equal(await textBecomes(page, 'loss-sse', '0.5975'), '0.5975');
    assert.equal(await text(page, 'loss-cee'), '2.302584092994546');
    assert.equal(await text(page, 'loss-cee-label'), '2.302584092994546');

    // y = 0 at the true label: −ln(δ) ≈ 16.118, not infinity
    await page.getByTestId('loss-preset-zero').click();
    const cee = await textBecomes(page, 'loss-cee', /^16\.118/);
    assert.ok(Math.abs(Number(cee) - 16.11809565095832) < 1e-12, cee);
    assert.ok(await page.locator('#loss-note').isVisible(), 'the δ note is shown');
    assert.match(await text(page, 'loss-note'), /δ = 10⁻⁷/);

    // keyboard: the true label by arrow keys in the radio group, a value by ↑/↓ in its field
    await page.getByTestId('loss-preset-y1').click();
    await textBecomes(page, 'loss-sse', '0.09750000000000003');
    const y2 = page.locator('#loss-rows tr').nth(2).locator('input[type=text]');
    await y2.focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await y2.inputValue(), '0.59');
    // ½ Σ (y − t)² with y2 = 0.59: ½ (0.1² + 0.05² + 0.41² + 0.05² + 0.1² + 0.1²) = 0.10155
    const sse = Number(await textBecomes(page, 'loss-sse', /^0\.1015/));
    assert.ok(Math.abs(sse - 0.10155) < 1e-12, `SSE after the edit: ${sse}`);
    assert.match(await text(page, 'loss-sum'), /sum to 0\.99/);
    const radio2 = page.locator('#loss-rows input[type=radio]').nth(2);
    await radio2.focus();
    await page.keyboard.press('ArrowDown'); // moves the true label to class 3 (y = 0 there)
    assert.equal(await page.locator('#loss-rows input[type=radio]').nth(3).isChecked(), true);
    await textBecomes(page, 'loss-cee', /^16\.118/);

    // a value that is not a probability is refused beside the table
    await y2.fill('abc');
    assert.equal(await y2.getAttribute('aria-invalid'), 'true');
    assert.match(await text(page, 'loss-msg'), /y2 must be a number from 0 to 1/);
    await textBecomes(page, 'loss-sse', '—');
    await y2.fill('0.6');
    await page.locator('#loss-rows input[type=radio]').nth(2).check();
    await textBecomes(page, 'loss-sse', '0.09750000000000003');
    assert.equal(await y2.getAttribute('aria-invalid'), null);

    assert.ok((await seriesPixels(page, 'loss-curve')) > 300);
    await shoot(page, '#loss', 'loss');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('4.3: the tangent at 5 and the rounding error of tiny h', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await waitForDemos(page);

    assert.equal(await textBecomes(page, 'diff-slope', '0.1999999999990898'), '0.1999999999990898', 'the book’s derivative at x = 5');
    assert.equal(await text(page, 'diff-f'), '0.75');
    assert.equal(await text(page, 'diff-exact'), '0.2');
    const rows = () => page.locator('#diff-at-h tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
    let r = await rows();
    assert.deepEqual(r[0].slice(0, 2), ['central, f64', '0.1999999999990898']);
    assert.deepEqual(r[2].slice(0, 2), ['central, f32', '0.2002716064453125'], 'f32 goes wrong at the 3rd decimal');

    // keyboard on the plot: → moves x by 0.1, Shift+→ by 1
    const curve = page.getByTestId('diff-curve');
    await curve.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');
    assert.equal(await curve.getAttribute('aria-valuenow'), '6.5');
    assert.equal(await page.locator('#diff-x').inputValue(), '6.5');
    assert.match(await textBecomes(page, 'diff-slope', /^0\.229999/), /^0\.229999/);
    await page.keyboard.press('Home');
    assert.equal(await curve.getAttribute('aria-valuenow'), '0');

    // pointer: a press on the plot moves the point there
    const box = await curve.boundingBox();
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    const x = Number(await curve.getAttribute('aria-valuenow'));
    assert.ok(x > 9 && x < 14, `a click at 60% of the width puts x near 11, got ${x}`);

    // h = 1e-50: x ± h = x, the estimate is 0; in f32 h itself is 0 → NaN
    await page.getByTestId('diff-preset-tiny').click();
    await page.waitForFunction(() => document.getElementById('diff-h-out').textContent === '1e-50');
    r = await rows();
    assert.equal(r[0][1], '0');
    assert.equal(r[2][1], 'NaN');
    assert.match(await text(page, 'diff-h-note'), /rounds back to x/);
    assert.match(await text(page, 'diff-h-note'), /0\/0 = NaN/);

    // the log slider: keyboard steps of 0.1 decade from 10⁻⁵⁰
    const range = page.getByTestId('diff-h-range');
    await range.focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.locator('#diff-h').inputValue(), '1.3e-50');
    await page.locator('#diff-h').fill('1e-4');
    await page.waitForFunction(() => document.getElementById('diff-h-out').textContent === '0.0001');
    assert.equal(await range.inputValue(), '-4');

    for (const id of ['diff-curve', 'diff-errors']) assert.ok((await seriesPixels(page, id)) > 500, `${id} draws`);
    await page.getByTestId('diff-preset-book').click();
    await textBecomes(page, 'diff-slope', '0.1999999999990898');
    await shoot(page, '#diff', 'diff');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('4.4: the field, the gradient at a point, and the three learning rates', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await waitForDemos(page);

    // the field's numerical gradient, by button, keyboard and pointer
    await page.getByTestId('field-preset-book').click();
    assert.equal(await textBecomes(page, 'field-grad', '[6. 8.]'), '[6. 8.]', 'numerical_gradient at (3, 4) prints as [6. 8.]');
    assert.equal(await text(page, 'field-d0'), '6.00000000000378', 'the book’s partial derivative');
    assert.equal(await text(page, 'partial-3-4'), '6.00000000000378', '4.3 quotes it from the same computation');
    const field = page.getByTestId('field-canvas');
    await field.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowDown');
    assert.equal(await page.locator('#field-x0').inputValue(), '2.9');
    assert.equal(await page.locator('#field-x1').inputValue(), '3.5');
    await textBecomes(page, 'field-grad', '[5.8 7. ]');
    const fb = await field.boundingBox();
    await page.mouse.move(fb.x + fb.width * 0.75, fb.y + fb.height * 0.3);
    const px0 = Number(await page.locator('#field-x0').inputValue());
    const px1 = Number(await page.locator('#field-x1').inputValue());
    assert.ok(px0 > 0.5 && px0 < 2 && px1 > 0.5 && px1 < 2, `the point follows the pointer: (${px0}, ${px1})`);
    assert.ok((await seriesPixels(page, 'field-canvas')) > 1000, 'the 324 arrows are drawn');

    // gradient descent: the book's three runs from (−3, 4)
    await page.getByTestId('descent-preset-book').click();
    assert.equal(await textBecomes(page, 'descent-final', '[-6.11110793e-10  8.14814391e-10]'), '[-6.11110793e-10  8.14814391e-10]');
    assert.equal(await page.getByTestId('descent-verdict').getAttribute('data-kind'), 'converges');

    await page.getByTestId('descent-preset-small').click();
    assert.equal(await textBecomes(page, 'descent-final', '[-2.99999994  3.99999992]'), '[-2.99999994  3.99999992]');
    assert.equal(await page.getByTestId('descent-verdict').getAttribute('data-kind'), 'stalls');

    const before = await seriesPixels(page, 'descent-canvas');
    await page.getByTestId('descent-preset-large').click();
    const final = await textBecomes(page, 'descent-final', /e\+13/);
    assert.equal(final, '[-2.58983747e+13 -1.29524862e+12]');
    assert.ok(final.includes('-2.58983747e+13') && final.includes('-1.29524862e+12'));
    assert.equal(await page.getByTestId('descent-verdict').getAttribute('data-kind'), 'diverges');
    assert.match(await text(page, 'descent-verdict'), /Diverges/);
    assert.match(await text(page, 'descent-verdict'), /rounds back to x/);
    assert.match(await text(page, 'descent-outside'), /^100 of the 101 points lie outside the plot/);
    await page.waitForTimeout(100);
    const after = await seriesPixels(page, 'descent-canvas');
    assert.notEqual(after, before, 'the diverging path is drawn differently');
    await shoot(page, '#descent', 'descent-lr10');

    // the start point: keyboard and drag
    await page.locator('[data-descent-preset=figure]').click();
    await textBecomes(page, 'descent-final', /^\[-0\.03458765 +0\.04611686\]$/);
    const canvas = page.getByTestId('descent-canvas');
    await canvas.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.locator('#descent-x0').inputValue(), '-2.9');
    assert.equal(await page.locator('#descent-x1').inputValue(), '4.1');
    const db = await canvas.boundingBox();
    await page.mouse.move(db.x + db.width * 0.7, db.y + db.height * 0.7);
    await page.mouse.down();
    await page.mouse.move(db.x + db.width * 0.75, db.y + db.height * 0.75, { steps: 4 });
    await page.mouse.up();
    const sx0 = Number(await page.locator('#descent-x0').inputValue());
    const sx1 = Number(await page.locator('#descent-x1').inputValue());
    assert.ok(sx0 > 0.5 && sx1 < -0.5, `dragging moves the start to the lower right: (${sx0}, ${sx1})`);

    // a learning rate that is not a number is refused
    await page.locator('#descent-lr').fill('fast');
    assert.equal(await page.locator('#descent-lr').getAttribute('aria-invalid'), '');
    assert.match(await text(page, 'descent-msg'), /learning rate must be a positive number/);
    await shoot(page, '#s4-4 .pair', 'field-descent');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('4.4: simpleNet with the book’s W, and gradient-descent steps', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await waitForDemos(page);

    const loss0 = await textBecomes(page, 'sn-loss', /^3\.0079485/);
    const bookW = await text(page, 'sn-w');
    assert.equal(bookW, '[[ 1.78188867 -1.60339216 -1.83076049]\n [-0.27388719  0.9192118  -0.79033481]]');
    assert.ok(Math.abs(Number(loss0) - 3.0079485) < 1e-7, `loss ${loss0} is the book's 3.0079485…`);
    assert.equal(await text(page, 'sn-p'), '[ 0.82263473 -0.13474468 -1.80975762]');
    assert.equal(await text(page, 'sn-argmax'), '0');
    const dw = (await text(page, 'sn-dw')).match(/-?\d+\.\d+/g).map(Number);
    assert.equal(dw.length, 6);
    dw.forEach((v, i) => assert.ok(Math.abs(v - BOOK_DW[i]) < 1e-7, `dW[${i}] = ${v}, the book has ${BOOK_DW[i]}`));

    // one step: the loss falls and the sparkline grows
    const spark0 = await seriesPixels(page, 'sn-spark');
    await page.getByTestId('sn-step').click();
    const loss1 = Number(await textBecomes(page, 'sn-loss', /^(?!3\.0079485)\d/));
    assert.ok(loss1 < Number(loss0), `one step lowers the loss: ${loss0} → ${loss1}`);
    await page.locator('#sn-step10').click();
    await textBecomes(page, 'sn-steps', /^11 steps of η = 0\.1: the loss went from 3\.0079485 to /);
    const loss11 = Number(await text(page, 'sn-loss'));
    assert.ok(loss11 < loss1, `ten more steps lower it further: ${loss1} → ${loss11}`);
    await page.waitForTimeout(100);
    assert.ok((await seriesPixels(page, 'sn-spark')) > spark0 + 50, 'the sparkline shows the steps');
    await shoot(page, '#simplenet', 'simplenet');

    // a random W from a seed (a new W, steps cleared), then back to the book's
    const steppedW = await text(page, 'sn-w');
    assert.notEqual(steppedW, bookW, 'the steps changed W');
    await page.locator('#sn-w-random').check();
    await page.waitForFunction((w) => ![w[0], w[1]].includes(document.getElementById('sn-w').textContent), [bookW, steppedW]);
    assert.match(await text(page, 'sn-steps'), /No steps/);
    const lossR = Number(await text(page, 'sn-loss'));
    assert.ok(Number.isFinite(lossR) && lossR !== Number(loss0) && lossR !== loss11, `a random W has its own loss (${lossR})`);
    await page.locator('#sn-w-book').check();
    await textBecomes(page, 'sn-loss', loss0);
    assert.equal(await text(page, 'sn-w'), bookW);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('4.5: the gradient check runs in the worker on real images, and waits for a run to pause', { timeout: 180000 }, async () => {
    const page = await openPage(env);
    await waitForData(page);
    const run = page.getByTestId('gc-run');
    await page.waitForFunction(() => !document.getElementById('gc-run').disabled);

    await run.click();
    await page.waitForFunction(() => document.getElementById('gc-state').dataset.state === 'done', null, { timeout: 60000 });
    assert.equal(await text(page, 'gc-msg'), '');
    const params = await page.locator('#gc-rows tr').evaluateAll((trs) => trs.map((tr) => [tr.dataset.param, Number(tr.dataset.relNorm)]));
    assert.deepEqual(
      params.map(([n]) => n),
      ['W1', 'b1', 'W2', 'b2'],
    );
    for (const [name, rel] of params) {
      assert.ok(rel > 0 && rel < 1e-6, `${name}: relative difference ${rel} should be below 1e-6 (and a real comparison, not 0)`);
    }
    assert.match(await text(page, 'gc-summary'), /below 10⁻⁶/);
    assert.match(await text(page, 'gc-times'), /Numerical gradient: .*7,960 parameters.*Analytic gradient/);
    await page.waitForFunction(() => document.getElementById('gc-map').dataset.drawn === '1');
    assert.ok((await seriesPixels(page, 'gc-map')) > 500, 'the map of differences is drawn');
    await shoot(page, '#gradcheck', 'gradcheck');

    // While a run trains the check is not offered (it would stall the run) …
    await fillSettings(page, { iters: 1000000 });
    await page.locator('#btn-start').click();
    await waitForRun(page, 'running', 30000);
    await page.waitForFunction(() => document.getElementById('gc-run').disabled);
    assert.match(await text(page, 'gc-state'), /training run is using the worker/);
    // … but a paused run is not disturbed by it, and resumes afterwards.
    await page.locator('#btn-pause').click();
    await waitForRun(page, 'paused', 10000);
    await sleep(300);
    const at = await iteration(page);
    await page.waitForFunction(() => !document.getElementById('gc-run').disabled);
    await page.locator('#gc-images').selectOption('1');
    await run.click();
    await page.waitForFunction(() => ['done', 'ready'].includes(document.getElementById('gc-state').dataset.state) && !document.getElementById('gc-run').disabled, null, { timeout: 60000 });
    assert.equal(await page.locator('#gc-rows tr').count(), 4);
    assert.equal(await iteration(page), at, 'the paused run did not move');
    await page.locator('#btn-resume').click();
    await waitForRun(page, 'running', 10000);
    await page.waitForFunction((n) => Number(document.getElementById('run-meta').dataset.iter) > n + 50, at, { timeout: 30000 });
    await page.locator('#btn-reset').click();
    await waitForRun(page, 'idle', 10000);
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a shared link restores a panel: lr = 10 from the URL, Copy link round trip, hash changes', { timeout: 90000 }, async () => {
    // opened with a hash
    let page = await openPage(env, { path: '#descent?x0=-3&x1=4&lr=10&steps=100' });
    await waitForDemos(page);
    assert.equal(await textBecomes(page, 'descent-final', '[-2.58983747e+13 -1.29524862e+12]'), '[-2.58983747e+13 -1.29524862e+12]');
    assert.equal(await page.locator('#descent-lr').inputValue(), '10');
    assert.equal(await page.locator('#descent-steps').inputValue(), '100');
    const top = await page.locator('#descent').evaluate((e) => e.getBoundingClientRect().top);
    assert.ok(top > -5 && top < 200, `the page scrolls to the shared panel (its top at ${top} px)`);
    await fullShot(page, 'link-descent');
    await page.close();

    // Copy link: the link carries the panel's state and opens it as it was
    page = await openPage(env);
    await waitForDemos(page);
    await page.getByTestId('descent-preset-small').click();
    await page.getByTestId('descent-copy-link').click();
    const url = await page.getByTestId('descent-copy-link').getAttribute('data-url');
    assert.match(url, /#descent\?x0=-3&x1=4&lr=1e-10&steps=100$/);
    assert.equal(page.url(), url, 'the address bar holds the link too');
    assert.ok(await page.locator('#descent-link').isVisible(), 'the link is shown beside the button');

    // simpleNet after 3 steps, and the loss panel with y₂
    await page.locator('#sn-step').click();
    await page.locator('#sn-step').click();
    await page.locator('#sn-step').click();
    const lossAfter3 = await textBecomes(page, 'sn-steps', /^3 steps/).then(() => text(page, 'sn-loss'));
    await page.locator('[data-copy-link=simplenet]').click();
    const snUrl = await page.locator('[data-copy-link=simplenet]').getAttribute('data-url');
    assert.match(snUrl, /#simplenet\?w=book&x=0\.6,0\.9&t=2&lr=0\.1&steps=3$/);
    await page.getByTestId('loss-preset-y2').click();
    await page.getByTestId('loss-copy-link').click();
    const lossUrl = await page.getByTestId('loss-copy-link').getAttribute('data-url');
    await page.close();

    page = await env.context.newPage();
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(String(e)));
    await page.goto(url);
    await waitForDemos(page);
    assert.equal(await textBecomes(page, 'descent-final', '[-2.99999994  3.99999992]'), '[-2.99999994  3.99999992]');

    // changing the hash on an open page restores too
    await page.evaluate((u) => (location.hash = new URL(u).hash), snUrl);
    assert.equal(await textBecomes(page, 'sn-loss', lossAfter3), lossAfter3, 'the three steps are replayed');
    await page.evaluate((u) => (location.hash = new URL(u).hash), lossUrl);
    assert.equal(await textBecomes(page, 'loss-sse', '0.5975'), '0.5975');
    assert.equal(await text(page, 'loss-cee'), '2.302584092994546');

    // a link with nonsense in it leaves the panel usable with its defaults
    await page.evaluate(() => (location.hash = '#descent?lr=banana&steps=-3'));
    await sleep(200);
    assert.equal(await page.locator('#descent-lr').inputValue(), '1e-10', 'invalid values are ignored');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('if the wasm module cannot load, the chapter says so and Retry works', { timeout: 60000 }, async () => {
    const broken = await launch();
    try {
      broken.server.override('/descent-web_bg.wasm', { body: Buffer.from('not wasm at all'), type: 'application/wasm' });
      const page = await openPage(broken);
      await page.waitForFunction(() => document.body.dataset.demos === 'error', null, { timeout: 30000 });
      assert.ok(await page.getByTestId('demos-error').isVisible());
      assert.match(await text(page, 'demos-error-message'), /WebAssembly module could not be loaded/);
      assert.match(await text(page, 'loss-status'), /Not available/);
      broken.server.override('/descent-web_bg.wasm', null);
      await page.locator('#demos-retry').click();
      await waitForDemos(page);
      assert.equal(await page.getByTestId('demos-error').isVisible(), false);
      assert.equal(await textBecomes(page, 'loss-sse', '0.09750000000000003'), '0.09750000000000003');
      assert.deepEqual(page.errors, []);
    } finally {
      await broken.close();
    }
  });

  test('a phone (390 px, DPR 3): one column, no sideways scrolling, sharp panels', { timeout: 120000 }, async () => {
    const phone = await launch({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 3 });
    try {
      const page = await openPage(phone);
      await waitForDemos(page);
      await waitForData(page);
      await page.waitForFunction(() => document.getElementById('samples-counts').textContent.includes('60,000'));
      await page.getByTestId('gc-run').click();
      await page.waitForFunction(() => document.getElementById('gc-state').dataset.state === 'done', null, { timeout: 60000 });

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the screen`);
      // the panels of a section stack: same left edge, full width
      const lefts = await page.evaluate(() =>
        ['field', 'descent', 'simplenet', 'loss', 'diff', 'gradcheck'].map((id) => Math.round(document.getElementById(id).getBoundingClientRect().left)),
      );
      assert.ok(Math.max(...lefts) - Math.min(...lefts) < 2, `panels stack in one column: lefts ${lefts}`);
      for (const id of ['loss-curve', 'diff-curve', 'diff-errors', 'field-canvas', 'descent-canvas', 'gc-map']) {
        const [w, h, cssW, cssH] = await page
          .locator(`#${id}`)
          .evaluate((c) => [c.width, c.height, c.getBoundingClientRect().width, c.getBoundingClientRect().height]);
        assert.ok(cssW <= 390 && cssW > 250, `${id} fits the screen (${cssW} CSS px)`);
        assert.ok(Math.abs(w - cssW * 3) <= 1.5 && Math.abs(h - cssH * 3) <= 1.5, `${id}: ${w}×${h} px for ${cssW}×${cssH} CSS px at DPR 3`);
        assert.ok((await seriesPixels(page, id)) > 300, `${id} draws on a phone`);
      }
      // nothing inside a panel sticks out of it
      const wide = await page.evaluate(() =>
        [...document.querySelectorAll('.panel.demo')].flatMap((p) => {
          const r = p.getBoundingClientRect();
          return [...p.querySelectorAll('canvas, table, .presets, .fields, dl')]
            .filter((e) => e.getBoundingClientRect().right > r.right + 1)
            .map((e) => `${p.id} ${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}`);
        }),
      );
      assert.deepEqual(wide, [], 'every part of a panel fits inside it');
      await fullShot(page, 'narrow');
      await page.getByTestId('descent-preset-large').click();
      await textBecomes(page, 'descent-final', '[-2.58983747e+13 -1.29524862e+12]');
      await shoot(page, '#descent', 'narrow-descent');
      assert.deepEqual(page.errors, []);
    } finally {
      await phone.close();
    }
  });
});
