#!/usr/bin/env bash
# Runs every test of descent, after installing whatever is missing:
#   formatting and lints, the no_std build for wasm32, the core and CLI tests
#   (on real MNIST), the wasm tests in headless Chromium, a release build of
#   the page, and the browser end-to-end tests against that build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "set-up"
bash scripts/setup.sh

step "rustfmt and clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p descent-web --target wasm32-unknown-unknown --all-targets --locked -- -D warnings

step "descent-core builds no_std for wasm32"
cargo build -p descent-core --no-default-features --target wasm32-unknown-unknown --locked

step "core and CLI tests (real MNIST)"
cargo test -p descent-core -p descent-cli --locked

step "wasm tests in headless Chromium (simd128 build)"
wasm-pack test --headless --chrome crates/web

step "wasm tests in headless Chromium (relaxed-SIMD build)"
CARGO_TARGET_DIR="$PWD/target/relaxed" RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd" \
  wasm-pack test --headless --chrome crates/web

step "release build of the page"
rm -rf dist
trunk build --release=true

step "browser end-to-end tests"
node --test --test-concurrency=1 tests/e2e/
