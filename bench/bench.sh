#!/usr/bin/env bash
# `npm run bench`: compiles the benchmark and the program once with tsc (no type check, same
# output for stevedore and the baseline) into a temp dir outside the repository, then runs it.
# Knobs: BENCH_RUNS, BENCH_NS, BENCH_TARGETS, BENCH_WRITE=0, BENCH_CPU_PROF=<dir> (see docs/benchmarks.md).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"
use_project_node "$ROOT"

OUT="$(mktemp -d "${TMPDIR:-/tmp}/stevedore-bench-build-XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
echo "compiling to $OUT"
"$ROOT/node_modules/.bin/tsc" -p "$ROOT/bench/tsconfig.json" --noEmit false --noCheck --outDir "$OUT"
node "$OUT/bench/run.js" "$ROOT"
