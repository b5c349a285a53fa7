#!/usr/bin/env bash
# Installs whatever is missing, then serves the page at http://127.0.0.1:8080
# (an optimised build: training in a debug build is many times slower).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
bash scripts/setup.sh
exec trunk serve --release=true --address 127.0.0.1 --port "${PORT:-8080}" "$@"
