// The chapter's panels call the wasm module on the page's own thread: every
// demo is a few milliseconds at most (the gradient check, which is not, runs
// in the worker). It is the same descent-web.js / descent-web_bg.wasm the
// worker imports, loaded once, lazily, after the page has loaded.

let loading = null;

/** Resolves to the initialised module (its exports: lossDemo, tangent, SimpleNet, …). */
export function loadWasm() {
  if (!loading) {
    loading = (async () => {
      const mod = await import('../../descent-web.js');
      await mod.default(); // fetches descent-web_bg.wasm beside descent-web.js
      return mod;
    })();
    // A failed load may be retried (a server that comes back, a fixed file).
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** An Error's message, or the value as text (wasm-bindgen throws Error objects). */
export function describe(e) {
  if (e == null) return String(e);
  if (typeof e === 'string') return e;
  return e.message || e.name || String(e);
}
