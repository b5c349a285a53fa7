#!/usr/bin/env bash
# Every speed figure of descent in one command (after scripts/setup.sh):
# builds the release CLI and page, then runs one after another on this machine
#   the numpy reference (float64, float32), `descent train --json` (f64, f32, and
#   f32 on one training thread),
#   `descent bench --json`, the kernel benchmark and the browser benchmark,
# and prints a summary (ratios against numpy and the targets, accuracies).
# Everything lands in target/bench/ (summary.json holds all the figures).
#
#   scripts/bench.sh                    run it all now
#   scripts/bench.sh --quiet-load 1.0   first wait (at most 10 min) until the
#                                       1-minute load average is below 1.0
#   scripts/bench.sh --repeat 3         run numpy, descent train and the page 3
#                                       times each, round-robin, and keep the
#                                       fastest run of each (this machine's
#                                       timings drift by ±20% from run to run)
#
# It reports and never judges a time: it exits non-zero only when a step fails.
# Run it on a machine doing nothing else: the steps never run in parallel, and
# the load average when each step began is printed and kept beside its figures.
# The numpy reference is bench/numpy_two_layer_net.py (the book's experiment in
# numpy, timed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"

REF=$ROOT/bench/numpy_two_layer_net.py
DATA=$ROOT/data/mnist
OUT=$ROOT/target/bench
DESCENT=$ROOT/target/release/descent
ITERS=10000

die() { printf '\033[31mbench: error:\033[0m %s\n' "$*" >&2; exit 1; }
load1() { cut -d' ' -f1 /proc/loadavg; }

quiet_load=
repeat=1
while [ $# -gt 0 ]; do
  case $1 in
    --quiet-load) [ $# -ge 2 ] || die "--quiet-load needs a number (e.g. 1.0)"; quiet_load=$2; shift 2 ;;
    --repeat)
      [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || die "--repeat needs a whole number ≥ 1 (e.g. 3)"
      repeat=$2
      shift 2
      ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[ -f "$REF" ] || die "$REF is missing: restore it from git"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -f "$DATA/$f" ] || die "$DATA/$f is missing: run scripts/setup.sh first"
done
command -v trunk >/dev/null || die "trunk is not installed: run scripts/setup.sh first"
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM:-}" ] || die "Debian's chromium is not installed: run scripts/setup.sh first"
[ -f node_modules/playwright-core/package.json ] || die "playwright-core is missing: run scripts/setup.sh first"

# Old figures never mix with new ones.
mkdir -p "$OUT"
rm -rf "$OUT"/numpy-*.txt "$OUT"/native-*.jsonl "$OUT"/descent-bench.json "$OUT"/kernels.json "$OUT"/kernels.txt \
  "$OUT"/browser.json "$OUT"/env.json "$OUT"/steps.tsv "$OUT"/summary.json "$OUT"/summary.txt "$OUT"/repeats.tsv \
  "$OUT"/runs

# step NAME COMMAND...: prints a header with the load average, runs, records load and duration.
# (Not `if ! cmd`: that would switch off set -e inside the step's functions.)
current=
trap 'rc=$?; [ $rc -eq 0 ] || [ -z "$current" ] || printf "\033[31mbench: step \"%s\" failed (exit %s): see above\033[0m\n" "$current" "$rc" >&2' EXIT
step() {
  local name=$1
  shift
  local load t0 t1
  load=$(load1)
  printf '\n\033[1m== %s\033[0m   (load average %s)\n' "$name" "$(cut -d' ' -f1-3 /proc/loadavg)"
  current=$name
  t0=$(date +%s%N)
  "$@"
  t1=$(date +%s%N)
  current=
  printf '%s\t%s\t%s\n' "$name" "$load" "$(((t1 - t0) / 1000000))" >>"$OUT/steps.tsv"
}

# --- builds --------------------------------------------------------------------
build() {
  cargo build --release -p descent-cli
  # the kernel benchmark's binary, so that its step measures and does not compile
  cargo bench -p descent-core --bench kernels --no-run
  trunk build --release=true
}
step "build (release CLI, kernel benchmark, page)" build

# --- numpy ---------------------------------------------------------------------
numpy_env() {
  if ! python3 -c 'import numpy' 2>/dev/null; then
    echo "numpy is missing: installing it from PyPI"
    python3 -m pip install --quiet numpy || python3 -m pip install --quiet --break-system-packages numpy
  fi
  # Which BLAS numpy runs (threadpoolctl, when it can be had), with the variables unset as in the runs.
  python3 -c 'import threadpoolctl' 2>/dev/null ||
    python3 -m pip install --quiet threadpoolctl 2>/dev/null ||
    python3 -m pip install --quiet --break-system-packages threadpoolctl 2>/dev/null || true
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 - "$OUT/env.json" <<'PY'
import json, sys
import numpy as np
info = {"numpy": np.__version__, "python": sys.version.split()[0]}
try:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    info["blas"] = f'{blas.get("name")} {blas.get("version")}'
except Exception:
    info["blas"] = "unknown BLAS"
try:
    import threadpoolctl
    np.ones((64, 64)) @ np.ones((64, 64))
    info["threadpools"] = threadpoolctl.threadpool_info()
    pools = [p for p in info["threadpools"] if p.get("user_api") == "blas"]
    if pools:
        p = pools[0]
        info["blas"] += f' ({p.get("internal_api")}, {p.get("architecture")}, {p.get("num_threads")} threads)'
except Exception as e:
    info["threadpools"] = f"threadpoolctl unavailable: {e}"
json.dump(info, open(sys.argv[1], "w"), indent=2)
print("numpy", info["numpy"], "with", info["blas"])
PY
}
step "numpy environment" numpy_env

if [ -n "$quiet_load" ]; then
  printf '\nbench: waiting (at most 10 min) for the 1-minute load average to fall below %s (now %s)…\n' "$quiet_load" "$(load1)"
  for _ in $(seq 120); do
    awk -v l="$(load1)" -v q="$quiet_load" 'BEGIN { exit !(l < q) }' && break
    sleep 5
  done
  echo "bench: load average now $(cut -d' ' -f1-3 /proc/loadavg): measuring"
fi

# keep NAME FILE SECONDS: records a run's time in repeats.tsv and makes FILE the
# figures of NAME when it is the fastest run of NAME so far.
mkdir -p "$OUT/runs"
keep() {
  local name=$1 file=$2 secs=$3 dest=$4 best
  printf '%s\t%s\n' "$name" "$secs" >>"$OUT/repeats.tsv"
  best=$(awk -F'\t' -v n="$name" '$1 == n { if (b == "" || $2 < b) b = $2 } END { print b }' "$OUT/repeats.tsv")
  if [ "$secs" = "$best" ]; then cp "$file" "$dest"; fi
}

numpy_run() {
  local f="$OUT/runs/numpy-$1.$2.txt"
  # OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE (set on some processors here) slow a current numpy: unset for this command only.
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 "$REF" "$DATA" "$ITERS" "$1" | tee "$f"
  keep "numpy $1" "$f" "$(sed -n 's/.*time total \([0-9.]*\)s.*/\1/p' "$f")" "$OUT/numpy-$1.txt"
}

# native_run PRECISION RUN [THREADS]: the CLI's default is 2 training threads on
# this machine; THREADS=1 names the file and the step "... 1 thread".
native_run() {
  local name=$1 args=(--precision "$1")
  if [ -n "${3:-}" ]; then
    name="$1-${3}thread"
    args+=(--threads "$3")
  fi
  local f="$OUT/runs/native-$name.$2.jsonl"
  "$DESCENT" train --json "${args[@]}" --iters "$ITERS" --data "$DATA" >"$f"
  tail -n 2 "$f"
  keep "descent train $name" "$f" "$(tail -n 1 "$f" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).elapsed_s))')" \
    "$OUT/native-$name.jsonl"
}

browser_run() {
  local f="$OUT/runs/browser.$1.json"
  node bench/browser.mjs --out "$f"
  keep "browser" "$f" "$(node -e 'console.log(require(process.argv[1]).wallMs / 1000)' "$f")" "$OUT/browser.json"
}

# Round-robin, so that a slow spell of the machine falls on all of them alike.
for r in $(seq "$repeat"); do
  suffix=$([ "$repeat" -gt 1 ] && echo " (run $r of $repeat)" || true)
  step "numpy float64$suffix" numpy_run float64 "$r"
  step "numpy float32$suffix" numpy_run float32 "$r"
  step "descent train f64$suffix" native_run f64 "$r"
  step "descent train f32$suffix" native_run f32 "$r"
  step "descent train f32-1thread$suffix" native_run f32 "$r" 1
  if [ "$r" -lt "$repeat" ]; then step "browser$suffix" browser_run "$r"; fi
done

descent_bench() {
  "$DESCENT" bench --json --data "$DATA" >"$OUT/descent-bench.json"
  cat "$OUT/descent-bench.json"
}
step "descent bench" descent_bench

kernels() {
  # criterion's groups, then the table; the bench writes kernels.json and kernels.txt into $DESCENT_KERNELS_OUT
  DESCENT_KERNELS_OUT="$OUT" cargo bench -p descent-core --bench kernels
}
step "kernels" kernels

# --- browser -------------------------------------------------------------------
step "browser$([ "$repeat" -gt 1 ] && echo " (run $repeat of $repeat)" || true)" browser_run "$repeat"

# --- summary -------------------------------------------------------------------
printf '\n\033[1m== summary\033[0m\n'
node bench/summary.mjs "$OUT" | tee "$OUT/summary.txt"
