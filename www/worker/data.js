// Fetching the four MNIST files: from the Cache API when it holds a copy, else
// from the network, with the download's progress and size cap, then gunzip.js.
// This module only fetches, caches and decompresses: whether the bytes are
// MNIST is the core's to say (see load.js), and only files it accepted are cached.

import { CACHE_NAME, DATA_DIR, DataError, FILES, FIX_HINT, fmtBytes, maxDownload, realSize, tooLarge } from './files.js';
import { decode } from './gunzip.js';
import { TO_PAGE } from '../js/protocol.js';
import { describe, post } from './runtime.js';

/**
 * The four files, decompressed: {bytes: {trainImages, …}, cached, keep(), forget()}.
 * `cached`: all four came from the Cache API. `keep()` caches the ones that came
 * from the network (call it once they are known good); `forget()` drops the
 * cached ones (a copy the core refused). `useCache: false` goes to the network.
 */
export async function fetchMnist({ useCache = true } = {}) {
  const cache = await openCache();
  const abort = new AbortController();
  const loaded = FILES.map(() => 0);
  const totals = FILES.map((f) => f.gzSize);
  let lastPost = 0;
  const progress = (i, bytes, total, force) => {
    loaded[i] = bytes;
    if (total > 0) totals[i] = total;
    const now = performance.now();
    if (!force && now - lastPost < 50) return;
    lastPost = now;
    const sumLoaded = loaded.reduce((a, b) => a + b, 0);
    const sumTotal = totals.reduce((a, b) => a + Math.max(b, 0), 0);
    post({ type: TO_PAGE.DOWNLOAD, file: FILES[i].file, loaded: sumLoaded, total: Math.max(sumTotal, sumLoaded) });
  };
  let parts;
  try {
    parts = await Promise.all(FILES.map((f, i) => fetchFile(f, i, useCache ? cache : null, abort.signal, progress)));
  } catch (e) {
    abort.abort();
    throw e;
  }
  const bytes = {};
  FILES.forEach((f, i) => (bytes[f.key] = parts[i].bytes));
  const url = (f) => new URL(DATA_DIR + f.file, self.location.href).href;
  return {
    bytes,
    cached: parts.every((p) => p.cached),
    anyCached: parts.some((p) => p.cached),
    keep() {
      FILES.forEach((f, i) => {
        if (cache && !parts[i].cached) cache.put(url(f), new Response(parts[i].gz, { headers: { 'Content-Type': 'application/gzip' } })).catch(() => {});
        parts[i].gz = null; // the compressed copy is needed no more
      });
    },
    async forget() {
      if (!cache) return;
      await Promise.all(FILES.map((f, i) => (parts[i].cached ? cache.delete(url(f)).catch(() => {}) : null)));
    },
  };
}

async function openCache() {
  try {
    if (typeof caches === 'undefined') return null;
    return await caches.open(CACHE_NAME);
  } catch {
    return null; // opaque origins, private modes, file:// — fall back to the network
  }
}

/** One file: from the cache when it holds a copy that decompresses, else from the network. */
async function fetchFile(f, i, cache, signal, progress) {
  const url = new URL(DATA_DIR + f.file, self.location.href).href;
  if (cache) {
    try {
      const hit = await cache.match(url);
      if (hit) {
        const gz = new Uint8Array(await hit.arrayBuffer());
        progress(i, gz.length, gz.length, true);
        try {
          return { bytes: await decode(f, gz), gz, cached: true };
        } catch {
          await cache.delete(url); // a stale or damaged copy: fetch it again
        }
      }
    } catch {
      // Cache API trouble is never fatal: use the network.
    }
  }
  const gz = await download(f, i, url, signal, progress);
  return { bytes: await decode(f, gz), gz, cached: false };
}

async function download(f, i, url, signal, progress) {
  const where = DATA_DIR + f.file;
  let res;
  try {
    res = await fetch(url, { signal });
  } catch (e) {
    throw new DataError(f.file, `${where} could not be downloaded (${describe(e)}). ${FIX_HINT}`);
  }
  if (!res.ok) {
    const what = res.status === 404 ? 'was not found on the server' : 'could not be downloaded';
    throw new DataError(f.file, `${where} ${what} (HTTP ${res.status}${res.statusText ? ' ' + res.statusText : ''}). ${FIX_HINT}`);
  }
  // With a Content-Encoding the browser decodes the body, so Content-Length does
  // not count the bytes we read: keep the known size then.
  const len = Number(res.headers.get('Content-Length'));
  const total = len > 0 && !res.headers.get('Content-Encoding') ? len : f.gzSize;
  progress(i, 0, total, true);
  if (!res.body) {
    if (len > maxDownload(f)) throw new DataError(f.file, tooLarge(f, `the server says it is ${fmtBytes(len)} long, more than even ${realSize(f)} uncompressed`));
    const buf = new Uint8Array(await res.arrayBuffer());
    progress(i, buf.length, total, true);
    return buf;
  }
  const limit = maxDownload(f);
  if (len > limit && !res.headers.get('Content-Encoding')) {
    res.body?.cancel().catch(() => {});
    throw new DataError(f.file, tooLarge(f, `the server says it is ${fmtBytes(len)} long, more than even ${realSize(f)} uncompressed`));
  }
  const reader = res.body.getReader();
  const chunks = [];
  let got = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got += value.length;
      if (got > limit) {
        reader.cancel().catch(() => {});
        throw new DataError(f.file, tooLarge(f, `its download passed ${fmtBytes(limit)}, more than even ${realSize(f)} uncompressed`));
      }
      chunks.push(value);
      progress(i, got, Math.max(total, got), false);
    }
  } catch (e) {
    if (signal.aborted || e instanceof DataError) throw e;
    throw new DataError(f.file, `${where} stopped downloading after ${got} bytes (${describe(e)}). ${FIX_HINT}`);
  }
  progress(i, got, Math.max(total, got), true);
  const out = new Uint8Array(got);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
