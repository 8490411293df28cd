#!/usr/bin/env bash
# Runs every suite of the project and ends with one line: `N passed, N failed[, N skipped]`.
# Suites: sample apps (node --test), type check, lint (eslint and prettier), unit tests under Pulumi mocks (mocha),
# policy pack tests, and the real-engine e2e when its toolchain is available.
set -uo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
# A fresh clone has no packages yet: install what the suites need (once), and say so.
if [ ! -d node_modules ]; then echo "installing the project's npm packages (npm ci)"; npm ci --no-audit --no-fund >/dev/null; fi
if [ -f policy/package.json ] && [ ! -d policy/node_modules ]; then
    echo "installing the policy pack's npm packages (npm --prefix policy ci)"; npm --prefix policy ci --no-audit --no-fund >/dev/null
fi
use_project_node "$ROOT"

PASSED=0 FAILED=0 SKIPPED=0
LOG="$(mktemp -d)"
trap 'rm -rf "$LOG"' EXIT

# Adds the first number found by each pattern in a suite's log to the totals.
count() {
    local log="$1" pass_re="$2" fail_re="$3" skip_re="$4" n
    n=$(grep -Eo "$pass_re" "$log" | grep -Eo '[0-9]+' | tail -n 1); PASSED=$((PASSED + ${n:-0}))
    n=$(grep -Eo "$fail_re" "$log" | grep -Eo '[0-9]+' | tail -n 1); FAILED=$((FAILED + ${n:-0}))
    n=$(grep -Eo "$skip_re" "$log" | grep -Eo '[0-9]+' | tail -n 1); SKIPPED=$((SKIPPED + ${n:-0}))
}

# A suite that exits non-zero without reporting a failure (a crash, a compile error) still fails.
suite() {
    local name="$1" kind="$2"; shift 2
    echo "=== $name: $*"
    local before=$FAILED
    "$@" 2>&1 | tee "$LOG/$name.log"
    local status=${PIPESTATUS[0]}
    case "$kind" in
        node) count "$LOG/$name.log" '^# pass [0-9]+' '^# fail [0-9]+' '^# skipped [0-9]+' ;;
        mocha) count "$LOG/$name.log" '[0-9]+ passing' '[0-9]+ failing' '[0-9]+ pending' ;;
        check) if [ "$status" -eq 0 ]; then PASSED=$((PASSED + 1)); fi ;;
    esac
    if [ "$status" -ne 0 ] && [ "$FAILED" -eq "$before" ]; then FAILED=$((FAILED + 1)); fi
    echo "=== $name: exit $status"
}

suite apps node node --test apps/*/test/*.test.js
suite typecheck check npx tsc --noEmit -p tsconfig.json
# The same as `npm run lint`: eslint, then the Prettier format check.
suite lint check npm run --silent lint
suite unit mocha npx mocha --reporter spec 'tests/*.spec.ts'
if [ -f policy/package.json ]; then suite policy mocha npm --prefix policy test --silent; fi

# tests/e2e/verdict.sh decides: run when it can, and fail only where .ci/run requires it.
verdict="$(bash tests/e2e/verdict.sh)"
case "$verdict" in
    run) suite e2e mocha npm run --silent test:e2e ;;
    fail*) echo "=== e2e: FAILED, ${verdict#fail }"; FAILED=$((FAILED + 1)) ;;
    *) echo "=== e2e: skipped (${verdict#skip })"; SKIPPED=$((SKIPPED + 1)) ;;
esac

summary="$PASSED passed, $FAILED failed"
[ "$SKIPPED" -gt 0 ] && summary="$summary, $SKIPPED skipped"
echo "$summary"
[ "$FAILED" -eq 0 ]
