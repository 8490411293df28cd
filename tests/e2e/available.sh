#!/usr/bin/env bash
# Exit 0 when the real-engine e2e can run here: a Docker engine and the built toolchain.
# With --why, print the reason it cannot (for the test summary).
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
reason=""
if [ ! -f "$ROOT/tests/e2e/toolchain/build.sh" ]; then
    reason="the toolchain build script is missing"
elif ! docker info >/dev/null 2>&1; then
    reason="no Docker engine is reachable"
elif ! bash "$ROOT/tests/e2e/toolchain/build.sh" --check >/dev/null 2>&1; then
    reason="the Pulumi toolchain is not built; run tests/e2e/toolchain/build.sh (see tests/e2e/README.md)"
fi
if [ "${1:-}" = "--why" ]; then echo "$reason"; fi
[ -z "$reason" ]
