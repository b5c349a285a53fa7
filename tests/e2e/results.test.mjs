// What a run and a link leave on the page: a run ends with a final evaluation of
// its final weights (the figure `descent train` prints last, for the same
// settings), and a link whose values were not used says which and why.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, accuracyLines, descent, fillSettings, launch, openPage, runToEnd, waitForData } from './harness.mjs';

/**
 * The CLI's figures for the same run: `descent train --iters 300 --precision f32
 * --json` (the book's other settings: hidden 50, lr 0.1, batch 100, init std
 * 0.01, seed 42; the page trains in f32 too). Its final JSON object holds the
 * final evaluation; its only per-epoch evaluation is the untrained network's at
 * i = 0. The binary `cargo test` built (target/debug) or a release build is
 * used; failing both, it is built here.
 */
function cliRun300() {
  const r = descent(['train', '--iters', '300', '--precision', 'f32', '--json', '--data', join(ROOT, 'data/mnist')]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const final = lines.find((l) => l.final === true);
  const first = lines.find((l) => l.test_acc != null && l.final !== true);
  assert.ok(final && first, `descent train printed a final and a per-epoch evaluation: ${r.stdout}`);
  return { trainAcc: final.train_acc.toFixed(4), testAcc: final.test_acc.toFixed(4), firstTestAcc: Number(first.test_acc.toFixed(4)) };
}

describe('run results and links', { timeout: 300000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('a 300-iteration run ends with the final evaluation, the figure of descent train', { timeout: 600000 }, async () => {
    const CLI_300 = cliRun300();
    const page = await openPage(env);
    await waitForData(page);
    await fillSettings(page, { iters: 300 });
    const lines = await runToEnd(page, 300);
    // The per-epoch evaluations are as before: one, at i = 0, of the untrained network.
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.equal((await accuracyLines(page))[0][1], CLI_300.firstTestAcc);
    const status = await page.locator('#status').textContent();
    assert.match(status, new RegExp(`^Done: 300 iterations in [0-9.]+ m?s\\. Test accuracy ${CLI_300.testAcc} \\(train ${CLI_300.trainAcc}\\), measured on the final weights\\.$`), status);
    const log = await page.locator('#log').textContent();
    assert.match(log, new RegExp(`^final train acc, test acc \\| ${CLI_300.trainAcc}, ${CLI_300.testAcc}$`, 'm'), log);
    // The chart ends at the final point (and still counts one per-epoch point).
    const chart = page.locator('#acc-chart');
    await page.waitForFunction(() => document.getElementById('acc-chart').dataset.final != null);
    assert.equal(await chart.getAttribute('data-final'), CLI_300.testAcc);
    assert.equal(await chart.getAttribute('data-points'), '1');
    // A new run clears the final point until that run ends.
    await page.locator('#f-iters').fill('100000');
    await page.locator('#btn-start').click();
    await page.waitForFunction(() => document.getElementById('acc-chart').dataset.final == null);
    await page.locator('#btn-reset').click();
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a link with values that were not used says which, and why', { timeout: 60000 }, async () => {
    const page = await openPage(env, { path: '#descent?lr=abc&steps=5&x0=-2&colour=red' });
    const notice = page.locator('#descent .link-notice');
    await notice.waitFor({ timeout: 30000 });
    const text = await notice.textContent();
    assert.match(text, /This link has 2 values that were not used in “Gradient descent/, text);
    assert.match(text, /lr=abc — The learning rate must be a positive number/);
    assert.match(text, /colour=red — This panel has no setting “colour” \(its settings: x0, x1, lr, steps\)\./);
    assert.match(text, /The panel shows its own values for those instead/);
    assert.equal(await notice.getAttribute('role'), 'alert');
    // The good values were used.
    assert.equal(await page.locator('#descent-steps').inputValue(), '5');
    assert.equal(await page.locator('#descent-x0').inputValue(), '-2');

    // A link that is all good removes the notice.
    await page.evaluate(() => (location.hash = '#descent?lr=0.2&steps=3'));
    await notice.waitFor({ state: 'detached' });

    // A broken escape and a panel that cannot be linked are reported too.
    await page.evaluate(() => (location.hash = '#diff?x=%zz&h=-1'));
    const diff = page.locator('#diff .link-notice');
    await diff.waitFor();
    const d = await diff.textContent();
    assert.match(d, /h=-1 — h must be a positive number/, d);
    assert.match(d, /x=%zz — It is not a valid URL escape/, d);
    await page.evaluate(() => (location.hash = '#trainer?lr=0.5'));
    const top = page.locator('#link-notice-top .link-notice');
    await top.waitFor();
    assert.match(await top.textContent(), /#trainer\?lr=0\.5 — “trainer” has no settings a link can restore.*Nothing on the page was changed by it\./);
    await top.locator('button').click();
    await top.waitFor({ state: 'detached' });
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
