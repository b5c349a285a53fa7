// The Content-Security-Policy binds the workers too: it is sent as an HTTP header
// (a <meta> policy binds only the page; a worker takes its policy from its own
// script's response), so a fetch from the training worker or the evaluation
// worker to another origin is refused. The policy's copies must agree:
// index.html's meta tag, www/_headers (static hosts; dist/_headers is its copy,
// which the test server sends), and Trunk.toml's [serve.headers] (trunk serve).

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DIST, ROOT, launch, openPage, waitForData } from './harness.mjs';
import { parseHeadersFile } from './server.mjs';

/** A server on another loopback port that would answer anyone (CORS open), counting requests. */
async function foreignServer() {
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Access-Control-Allow-Origin': '*' });
    res.end('answered\n');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    hits,
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** Runs in a worker or the page: fetches `url`, says what happened. */
const tryFetch = async (url) => {
  try {
    const r = await fetch(url, { cache: 'no-store' });
    return `answered ${r.status}: ${(await r.text()).trim()}`;
  } catch (e) {
    return `refused: ${e.name}`;
  }
};

describe('Content-Security-Policy', { timeout: 180000 }, () => {
  let env;
  let foreign;
  before(async () => {
    env = await launch();
    foreign = await foreignServer();
  });
  after(async () => {
    await env?.close();
    await foreign?.close();
  });

  test('the meta tag, _headers (www and dist) and Trunk.toml hold the same policy', async () => {
    const html = await readFile(join(ROOT, 'www/index.html'), 'utf8');
    const meta = /<meta http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    const www = parseHeadersFile(await readFile(join(ROOT, 'www/_headers'), 'utf8'))['Content-Security-Policy'];
    const dist = parseHeadersFile(await readFile(join(DIST, '_headers'), 'utf8'))['Content-Security-Policy'];
    const trunk = /^"Content-Security-Policy"\s*=\s*"([^"]+)"$/m.exec(await readFile(join(ROOT, 'Trunk.toml'), 'utf8'))?.[1];
    assert.ok(meta && www && dist && trunk, JSON.stringify({ meta, www, dist, trunk }));
    assert.equal(www, meta);
    assert.equal(dist, meta);
    assert.equal(trunk, meta);
    assert.match(meta, /connect-src 'self'/);
    assert.equal(env.server.headers['Content-Security-Policy'], meta, 'the test server sends it');
  });

  test("the workers' fetches to another origin are refused; the server there would have answered", { timeout: 120000 }, async () => {
    // It does answer a client that has no policy.
    assert.equal(await tryFetch(foreign.url + 'direct'), 'answered 200: answered');
    foreign.hits.length = 0;

    const page = await openPage(env);
    const violations = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await waitForData(page);
    // The training worker and, nested in it, the evaluation worker.
    await page.waitForFunction(() => document.getElementById('evaluator').dataset.state === 'ready', null, { timeout: 60000 });
    const response = await page.request.get(env.server.url + 'worker.js');
    assert.equal(response.headers()['content-security-policy'], env.server.headers['Content-Security-Policy'], "worker.js's response carries the policy");

    const workers = page.workers();
    const urls = workers.map((w) => new URL(w.url()).pathname);
    assert.ok(urls.includes('/worker.js'), `the training worker is listed: ${urls}`);
    const results = {};
    for (const w of workers) results[new URL(w.url()).pathname] = await w.evaluate(tryFetch, `${foreign.url}from-${new URL(w.url()).pathname.slice(1)}`);
    results.page = await page.evaluate(tryFetch, `${foreign.url}from-page`);
    console.log(`# ${JSON.stringify(results)}`);
    for (const [where, r] of Object.entries(results)) assert.equal(r, 'refused: TypeError', `${where}: ${r}`);
    assert.deepEqual(foreign.hits, [], 'no request reached the other origin');
    assert.ok(violations.some((v) => /connect-src/.test(v)), `the console names the directive: ${violations.join('\n')}`);
    // The page's own data still loads: its origin is allowed.
    assert.equal(await page.locator('#data-status').getAttribute('data-state'), 'ready');
    await page.close();
  });
});
