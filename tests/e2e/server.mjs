// A tiny static server for dist/, for the browser tests (and for a quick look:
// `node tests/e2e/server.mjs [dir] [port]`).
//
// It sends the MIME types the page needs (application/wasm for streaming
// compilation, text/javascript for module scripts and the module worker) and
// serves .gz files as they are, without Content-Encoding, like Trunk's server.
// Like a static host that reads a `_headers` file (Netlify, Cloudflare Pages), it
// sends the headers that <root>/_headers lists for "/*" (Trunk copies www/_headers
// into dist/): the Content-Security-Policy, on every response, so that the workers
// are bound by it too. `headers: false` leaves them out.
// A test can replace any path with other bytes or an HTTP error:
//
//   const server = await startServer({ root: 'dist' });
//   server.override('/data/train-labels-idx1-ubyte.gz', { body: Buffer.from('junk') });
//   server.override('/data/t10k-images-idx3-ubyte.gz', { status: 404 });
//   server.override('/data/t10k-images-idx3-ubyte.gz', null);   // back to the file

import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.map': 'application/json',
  '.gz': 'application/gzip',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The headers a `_headers` file (Netlify / Cloudflare Pages format) gives every
 * path ("/*"): {name: value}. Other path patterns are not used by this page.
 */
export function parseHeadersFile(text) {
  const out = {};
  let all = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (!/^\s/.test(line)) {
      all = line.trim() === '/*';
      continue;
    }
    const m = /^\s+([^:\s]+)\s*:\s*(.*?)\s*$/.exec(line);
    if (all && m) out[m[1]] = m[2];
  }
  return out;
}

/** `<root>/_headers` for "/*", or {} when there is none. */
function siteHeaders(root) {
  try {
    return parseHeadersFile(readFileSync(join(root, '_headers'), 'utf8'));
  } catch {
    return {};
  }
}

/**
 * Serves `root` on 127.0.0.1 at a free port (port 0). Resolves to
 * { url, port, requests, headers, override(path, spec|null), close() }.
 * `requests` lists every path asked for, in order; `headers` what every response
 * carries from <root>/_headers (pass `headers: false` to send none, or an object).
 */
export async function startServer({ root, port = 0, host = '127.0.0.1', headers = true } = {}) {
  const base = resolve(root);
  const overrides = new Map();
  const requests = [];
  const extra = headers === true ? siteHeaders(base) : headers || {};

  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    requests.push(path);
    const send = (status, body, type) => {
      res.writeHead(status, {
        ...extra,
        'Content-Type': type,
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n', MIME['.txt']);

    const o = overrides.get(path);
    if (o) {
      const status = o.status ?? 200;
      const body = o.body ?? (status === 200 ? Buffer.alloc(0) : `HTTP ${status} (test override)\n`);
      return send(status, body, o.type ?? MIME[extname(path)] ?? 'application/octet-stream');
    }

    // A host's own configuration, not part of the site.
    if (path === '/_headers') return send(404, `not found: ${path}\n`, MIME['.txt']);
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return send(403, 'forbidden\n', MIME['.txt']);
    try {
      let s = await stat(file);
      if (s.isDirectory()) {
        file = join(file, 'index.html');
        s = await stat(file);
      }
      const body = await readFile(file);
      send(200, body, MIME[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, `not found: ${path}\n`, MIME['.txt']);
    }
  });

  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `http://${host}:${actual}/`,
    port: actual,
    requests,
    headers: extra,
    /** Replaces `path` with { status = 200, body, type } until called with null. */
    override(path, spec) {
      if (spec) overrides.set(path, spec);
      else overrides.delete(path);
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((ok) => server.close(() => ok()));
    },
  };
}

// `node tests/e2e/server.mjs [dir] [port]`
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = process.argv[2] ?? 'dist';
  const s = await startServer({ root, port: Number(process.argv[3] ?? 8080) });
  console.log(`serving ${resolve(root)} at ${s.url}`);
}
