// Keep it, take it (issue 16): the page's net downloaded as .npz and .pkl opens
// in numpy and in `descent evaluate` with the page's test accuracy; loaded back
// into a fresh page (file picker or drag and drop) it gives that accuracy again;
// the metrics download as the CLI's CSV columns; a bad file is refused by name.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { descent, fillSettings, launch, openPage, runToEnd, screenshot, waitForData } from './harness.mjs';

/** Clicks `button` and returns the downloaded file's path and suggested name. */
async function downloadOf(page, button, dir) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.locator(button).click()]);
  const path = join(dir, d.suggestedFilename());
  await d.saveAs(path);
  return { path, name: d.suggestedFilename() };
}

/** Waits for the Model panel to report a loaded net; returns its test accuracy. */
async function loaded(page) {
  await page.waitForFunction(() => document.getElementById('model-status').dataset.state === 'loaded', null, { timeout: 20000 });
  return Number(await page.locator('#model-status').getAttribute('data-test-acc'));
}

describe('model files in the page', { timeout: 300000 }, () => {
  let env;
  let dir;
  before(async () => {
    env = await launch();
    dir = await mkdtemp(join(tmpdir(), 'descent-models-'));
  });
  after(async () => {
    await env?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('download the net and the metrics, reload, load the net back: the same test accuracy', { timeout: 240000 }, async () => {
    let page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    await fillSettings(page, { iters: 1200 });
    await runToEnd(page, 1200);
    const status = await page.locator('#status').textContent();
    const testAcc = Number(/Test accuracy (0\.\d{4})/.exec(status)[1]);

    const npz = await downloadOf(page, '#model-npz', dir);
    const pkl = await downloadOf(page, '#model-pkl', dir);
    assert.match(npz.name, /^descent-784-50-10-f(32|64)-1200it\.npz$/);
    assert.match(pkl.name, /\.pkl$/);
    const loss = await readFile((await downloadOf(page, '#metrics-loss', dir)).path, 'utf8');
    const acc = await readFile((await downloadOf(page, '#metrics-acc', dir)).path, 'utf8');
    assert.equal(loss.split('\n')[0], 'iter,loss', 'the CLI\u2019s loss.csv columns');
    assert.equal(loss.trim().split('\n').length, 1201);
    assert.equal(acc.split('\n')[0], 'iter,epoch,train_acc,test_acc', 'the CLI\u2019s accuracy.csv columns');
    assert.deepEqual(acc.trim().split('\n').slice(1).map((l) => l.split(',').slice(0, 2).join(',')), ['0,0', '600,1']);

    // The CLI reads the page's files and measures the same test accuracy.
    for (const f of [npz.path, pkl.path]) {
      const r = descent(['evaluate', '--load', f, '--json']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).test_acc.toFixed(4), testAcc.toFixed(4), f);
    }
    // numpy opens them as the book's params dict.
    const py = spawnSync('python3', ['-W', 'error', '-c', `
import sys, pickle, numpy as np
f = np.load(sys.argv[1], allow_pickle=False)
p = pickle.load(open(sys.argv[2], 'rb'))
for k in ('W1', 'b1', 'W2', 'b2'):
    assert np.array_equal(f[k], p[k]), k
print(p['W1'].shape, p['b2'].shape, p['W1'].dtype)
`, npz.path, pkl.path], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.match(py.stdout, /^\(784, 50\) \(10,\) float(32|64)$/m);
    await page.close();

    // A fresh page: the .npz by the file picker…
    page = await openPage(env, { path: '?warmup=off' });
    await waitForData(page);
    await page.locator('#model-file').setInputFiles(npz.path);
    assert.equal((await loaded(page)).toFixed(4), testAcc.toFixed(4));
    assert.match(await page.locator('#model-status').textContent(), /^Loaded descent-784-50-10-.*: a 784-50-10 net in f(32|64)\. Test accuracy/);
    // …and the views show it: the confusion matrix agrees.
    await page.locator('#eval-views').scrollIntoViewIfNeeded();
    await page.waitForFunction(() => document.getElementById('eval-pick-out').textContent.startsWith('the loaded net'), null, { timeout: 10000 });
    assert.equal((Number(await page.locator('#cm-table').getAttribute('data-correct')) / 10000).toFixed(4), testAcc.toFixed(4));
    await page.locator('#model-panel').scrollIntoViewIfNeeded();
    await screenshot(page, 'model-loaded');

    // …then the .pkl dropped on the panel.
    const bytes = [...(await readFile(pkl.path))];
    await page.evaluate(async ({ bytes, name }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(bytes)], name));
      document.getElementById('model-status').dataset.state = '';
      document.getElementById('model-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    }, { bytes, name: pkl.name });
    assert.equal((await loaded(page)).toFixed(4), testAcc.toFixed(4));
    assert.match(await page.locator('#model-status').textContent(), new RegExp(`^Loaded ${pkl.name.replace(/\./g, '\\.')}`));

    // A file that is not a model is refused, naming what is wrong; the loaded net stays.
    await page.locator('#model-file').setInputFiles({ name: 'notes.npz', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.waitForFunction(() => document.getElementById('model-error').textContent !== '', null, { timeout: 10000 });
    assert.match(await page.locator('#model-error').textContent(), /^notes\.npz could not be loaded: not a model file: it starts with bytes/);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
});
