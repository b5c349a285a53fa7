// Shared set-up for the browser tests: the release build in dist/, Debian
// Chromium driven by playwright-core (Debian chromium; see docs/ARCHITECTURE.md), page helpers.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '../..');
export const DIST = process.env.DESCENT_DIST ? resolve(process.env.DESCENT_DIST) : join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'tests/artifacts');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// Without the background-networking flags Chromium keeps dialing out on a closed network.
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Runs the `descent` CLI with `args` (the binary `cargo test` built in
 * target/debug, else a release build; failing both, it is built here) and
 * returns `{ status, stdout, stderr }`. The tests compare the page with it.
 */
export function descent(args) {
  let bin = ['target/debug/descent', 'target/release/descent'].map((p) => join(ROOT, p)).find((p) => existsSync(p));
  if (!bin) {
    execFileSync('cargo', ['build', '--release', '--locked', '-p', 'descent-cli'], { cwd: ROOT, stdio: 'inherit' });
    bin = join(ROOT, 'target/release/descent');
  }
  const r = spawnSync(bin, args, { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Throws a clear message unless dist/ holds a built page. */
export async function requireDist() {
  for (const f of ['index.html', '_headers', 'worker.js', 'worker/run.js', 'js/protocol.js', 'descent-web.js', 'descent-web_bg.wasm', 'descent-web-relaxed.js', 'descent-web-relaxed_bg.wasm', 'js/main.js', 'data/train-images-idx3-ubyte.gz']) {
    try {
      await access(join(DIST, f));
    } catch {
      throw new Error(
        `${join(DIST, f)} is missing. The browser tests run against the release build: ` +
          'run scripts/setup.sh once, then `PATH=$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH trunk build --release=true` ' +
          'in the repository root, and run the tests again.',
      );
    }
  }
}

/**
 * Starts a server for dist/ and a fresh Chromium profile.
 * Returns { server, context, close() }; call close() in after().
 */
export async function launch({ viewport = { width: 1280, height: 900 }, deviceScaleFactor = 1 } = {}) {
  await requireDist();
  await access(CHROMIUM).catch(() => {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh does).`);
  });
  await mkdir(ARTIFACTS, { recursive: true });
  const profile = await mkdtemp(join(tmpdir(), 'descent-e2e-'));
  const server = await startServer({ root: DIST });
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport,
      deviceScaleFactor,
    });
  } catch (e) {
    await server.close();
    await rm(profile, { recursive: true, force: true });
    throw e;
  }
  // Everything must come from the page's own origin (no CDN, fonts, analytics).
  const foreignRequests = [];
  const origin = new URL(server.url).origin;
  context.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin + '/') && !/^(data|blob|about|chrome[-\w]*):/.test(u)) foreignRequests.push(u);
  });
  return {
    server,
    context,
    foreignRequests,
    async close() {
      await context.close().catch(() => {});
      await server.close().catch(() => {});
      await rm(profile, { recursive: true, force: true }).catch(() => {});
    },
  };
}

/**
 * Opens the page. Collects uncaught page errors and console errors (page.errors,
 * page.consoleErrors) for the tests to check.
 */
export async function openPage(env, { path = '', viewport, beforeGoto } = {}) {
  const page = await env.context.newPage();
  if (beforeGoto) await beforeGoto(page);
  if (viewport) await page.setViewportSize(viewport);
  page.errors = [];
  page.consoleErrors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') page.consoleErrors.push(m.text());
  });
  await page.goto(env.server.url + path);
  return page;
}

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the data panel reports ready (or fails with the panel's text). */
export async function waitForData(page, timeout = 60000) {
  await page.waitForFunction(
    () => ['ready', 'error'].includes(document.getElementById('data-status')?.dataset.state),
    null,
    { timeout },
  );
  const s = await page.locator('#data-status').getAttribute('data-state');
  if (s !== 'ready') {
    const msg = await page.locator('#data-error-message').textContent();
    throw new Error(`the data did not load: ${msg}`);
  }
}

/** Waits for the run state (#status[data-state]) to become one of `states`. */
export async function waitForRun(page, states, timeout = 120000) {
  const want = [].concat(states);
  try {
    await page.waitForFunction((w) => w.includes(document.getElementById('status').dataset.state), want, { timeout });
  } catch (e) {
    const now = await page.locator('#status').evaluate((n) => `${n.dataset.state}: ${n.textContent}`);
    throw new Error(`run state never became ${want.join('/')} (now ${now}): ${e.message}`);
  }
}

/** Current iteration, as the page shows it. */
export async function iteration(page) {
  return Number(await page.locator('#run-meta').getAttribute('data-iter'));
}

/** Sets settings fields by name ({lr: '0.5', iters: '1200'}). */
export async function fillSettings(page, values) {
  for (const [name, v] of Object.entries(values)) await page.locator(`#f-${name}`).fill(String(v));
}

/**
 * Pixels of a canvas in a clearly chromatic colour (the data series), as
 * opposed to the background, the grey axes and the text.
 */
export async function seriesPixels(page, id) {
  return page.evaluate((id) => {
    const c = document.getElementById(id);
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) {
      const hi = Math.max(d[i], d[i + 1], d[i + 2]);
      const lo = Math.min(d[i], d[i + 1], d[i + 2]);
      if (d[i + 3] > 0 && hi - lo > 60) n++;
    }
    return n;
  }, id);
}

/** The book's log lines "train acc, test acc | a, b" as [[a, b], …]. */
export async function accuracyLines(page) {
  const text = await page.locator('#log').textContent();
  return [...text.matchAll(/^train acc, test acc \| ([\d.]+), ([\d.]+)$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

/**
 * Presses Start and waits for the run to end; asserts it ended 'done' at
 * iteration `iters`. Returns the book's accuracy lines as printed.
 */
export async function runToEnd(page, iters, timeout = 200000) {
  await page.locator('#btn-start').click();
  await waitForRun(page, ['done', 'diverged', 'crashed', 'stopped'], timeout);
  assert.equal(await page.locator('#status').getAttribute('data-state'), 'done', await page.locator('#status').textContent());
  assert.equal(await iteration(page), iters);
  const text = await page.locator('#log').textContent();
  return text.split('\n').filter((l) => l.startsWith('train acc, test acc |'));
}

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Memory of this test process's Chromium renderer processes (the page and its
 * workers live there), from /proc: [{pid, rssMB, peakMB}], peakMB being the
 * process's high-water mark of resident memory since it started (VmHWM), so a
 * spike between two looks is not missed. Linux only.
 */
export async function rendererMemory() {
  const parent = new Map();
  const cmd = new Map();
  for (const name of await readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = await readFile(`/proc/${name}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(name), (await readFile(`/proc/${name}/cmdline`, 'utf8')).replace(/\0/g, ' '));
    } catch {
      // gone meanwhile
    }
  }
  const mine = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p), n++) if (p === process.pid) return true;
    return false;
  };
  const out = [];
  for (const [pid, c] of cmd) {
    if (!c.includes('--type=renderer') || !mine(pid)) continue;
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      const kb = (k) => Number((new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(status) || [])[1] || 0);
      out.push({ pid, rssMB: Math.round(kb('VmRSS') / 1024), peakMB: Math.round(kb('VmHWM') / 1024) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
