// Loading the wasm module, and which of its two builds.
//
// Two builds of the wasm crate sit beside worker.js (Trunk names them after the
// package, descent-web): descent-web-relaxed.js uses relaxed SIMD (a fused
// multiply-add, faster in Chromium and Firefox), descent-web.js plain SIMD, for
// browsers that lack relaxed SIMD (Safari fails to compile a module that holds
// any relaxed instruction). The choice is made here, at run time, by asking the
// engine to validate a 36-byte module that uses one relaxed instruction.
// `?kernel=simd128` on the worker's URL (passed on from the page's) forces the plain build.

import { param } from './runtime.js';

const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253,
  128, 2, 11,
]);
const relaxed = param('kernel') !== 'simd128' && WebAssembly.validate(RELAXED_PROBE);

/** The build this worker loads (the evaluation worker loads the same one). */
export const build = relaxed ? 'descent-web-relaxed.js' : 'descent-web.js';

/** The module's exports once loaded: Trainer, kernelName, gradientCheck. */
export const api = { Trainer: null, kernelName: null, gradientCheck: null };

/** Loads and starts the module. Its URL is relative to the worker's script
 *  (worker.js, in dist/'s root beside the builds), not to this module. */
export async function loadWasm() {
  const mod = await import(new URL('./' + build, self.location.href).href);
  await mod.default();
  api.Trainer = mod.Trainer;
  api.kernelName = mod.kernelName;
  api.gradientCheck = mod.gradientCheck;
}
