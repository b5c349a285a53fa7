#!/usr/bin/env bash
# Trunk post-build hook: a second build of descent-web with relaxed SIMD
# (f32x4.relaxed_madd, a fused multiply-add), written beside the plain SIMD
# build as descent-web-relaxed.js / descent-web-relaxed_bg.wasm. The worker
# loads it where the browser validates relaxed SIMD (Chromium, Firefox) and the
# plain build elsewhere (Safari, which fails to compile a module that holds
# any relaxed instruction).
set -euo pipefail
out="${TRUNK_STAGING_DIR:?this script is run by trunk as a post_build hook}"
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

profile=()
dir=debug
if [ "${TRUNK_PROFILE:-debug}" = release ]; then
  profile=(--release)
  dir=release
fi
# Its own target dir: RUSTFLAGS differ from the main build's, which would otherwise rebuild each time.
RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  cargo build "${profile[@]}" --target wasm32-unknown-unknown -p descent-web --target-dir target/relaxed
wasm-bindgen --target web --no-typescript --out-dir "$out" --out-name descent-web-relaxed \
  "target/relaxed/wasm32-unknown-unknown/$dir/descent_web.wasm"
if [ "$dir" = release ]; then
  wasm-opt -O3 --enable-simd --enable-relaxed-simd --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-reference-types --enable-multivalue --enable-mutable-globals \
    "$out/descent-web-relaxed_bg.wasm" -o "$out/descent-web-relaxed_bg.wasm"
fi
echo "build-relaxed: wrote descent-web-relaxed.js and descent-web-relaxed_bg.wasm"
