// One schema for the training settings (descent_core::schema): the page's form
// is rendered from it, shows its bounds, and refuses a value out of them with
// the message the CLI prints for the same flag.
//
//   node --test tests/e2e/        (needs dist/ from `trunk build --release=true`)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { descent, launch, openPage } from './harness.mjs';

/** The schema as the page's wasm module gives it. */
async function pageSchema(page) {
  return page.evaluate(async () => {
    const mod = await import('./descent-web.js');
    await mod.default();
    return mod.configSchema();
  });
}

/** The CLI's error for `descent train FLAG VALUE --json`: `{ field, message }` without the field prefix. */
function cliError(flag, value) {
  const r = descent(['train', flag, String(value), '--json']);
  assert.equal(r.status, 2, `descent train ${flag} ${value}: ${r.stderr}`);
  const { error } = JSON.parse(r.stderr);
  return { field: error.field, message: error.message.replace(`${error.field}: `, '') };
}

describe('settings schema', { timeout: 180000 }, () => {
  let env;
  before(async () => {
    env = await launch();
  });
  after(async () => {
    await env?.close();
  });

  test('the form is rendered from the schema and shows its bounds and defaults', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await page.locator('#f-hidden').waitFor();
    const schema = await pageSchema(page);
    assert.deepEqual(
      schema.map((f) => f.name),
      ['hidden', 'lr', 'batch', 'iters', 'initStd', 'seed'],
    );
    for (const f of schema) {
      const field = page.locator(`.field[data-field="${f.name}"]`);
      assert.equal(await field.locator('label').textContent(), f.label);
      assert.equal(await page.locator(`#f-${f.name}`).inputValue(), String(f.default));
      const hint = await page.locator(`#f-${f.name}-hint`).textContent();
      assert.ok(hint.startsWith(f.hint), hint);
      if (f.kind === 'int' && f.max < 1e12) assert.ok(hint.includes(`${f.min.toLocaleString('en-US')} to ${f.max.toLocaleString('en-US')}`), hint);
    }
    // The CLI's bounds are the same: the largest hidden size and iteration count pass, one more does not.
    const hidden = schema.find((f) => f.name === 'hidden');
    const iters = schema.find((f) => f.name === 'iters');
    assert.equal(await page.locator('#f-hidden-hint').textContent(), 'neurons in the hidden layer (1 to 10,000)');
    assert.match(await page.locator('#settings-note').textContent(), /^The book's values: hidden size 50, learning rate 0\.1, batch size 100, iterations 10,000, init std 0\.01\.$/);
    assert.equal(cliError('--hidden', hidden.max + 1).field, 'hidden');
    assert.equal(cliError('--iters', iters.max + 1).field, 'iters');
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test('a value out of bounds is refused with the same message by the page and the CLI', { timeout: 60000 }, async () => {
    const page = await openPage(env);
    await page.locator('#f-hidden').waitFor();
    for (const [name, flag, value] of [
      ['hidden', '--hidden', 20000],
      ['hidden', '--hidden', 0],
      ['iters', '--iters', 10000001],
      ['lr', '--lr', -1],
      ['initStd', '--init-std', -0.5],
    ]) {
      await page.locator(`#f-${name}`).fill(String(value));
      const shown = await page.locator(`#f-${name}-msg`).textContent();
      const cli = cliError(flag, value);
      assert.equal(cli.field, { initStd: 'weight_init_std' }[name] ?? name, JSON.stringify(cli));
      const expected = cli.message.charAt(0).toUpperCase() + cli.message.slice(1) + '.';
      assert.equal(shown, expected, `${name} = ${value}`);
      assert.equal(await page.locator(`#f-${name}`).getAttribute('aria-invalid'), 'true');
      assert.equal(await page.locator('#btn-start').isEnabled(), false);
      await page.locator('#btn-defaults').click();
      assert.equal(await page.locator(`#f-${name}`).getAttribute('aria-invalid'), null);
    }
    assert.deepEqual(page.errors, []);
    await page.close();
  });

  test("New seed draws a fresh seed within the schema's bounds, and a run uses it", { timeout: 90000 }, async () => {
    const page = await openPage(env);
    await page.locator('#btn-new-seed').waitFor();
    const seeds = new Set();
    for (let k = 0; k < 3; k++) {
      await page.locator('#btn-new-seed').click();
      const v = await page.locator('#f-seed').inputValue();
      assert.match(v, /^\d+$/, v);
      assert.ok(Number(v) <= Number.MAX_SAFE_INTEGER, v);
      assert.equal(await page.locator('#f-seed').getAttribute('aria-invalid'), null);
      seeds.add(v);
    }
    assert.equal(seeds.size, 3, `three draws, three seeds: ${[...seeds]}`);
    const seed = await page.locator('#f-seed').inputValue();
    await page.locator('#btn-start').waitFor();
    await page.waitForFunction(() => !document.getElementById('btn-start').disabled, null, { timeout: 60000 });
    await page.locator('#f-iters').fill('50');
    await page.locator('#btn-start').click();
    await page.waitForFunction(() => document.getElementById('status').dataset.state === 'done', null, { timeout: 60000 });
    assert.match(await page.locator('#log').textContent(), new RegExp(`seed ${seed}\\b`));
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
