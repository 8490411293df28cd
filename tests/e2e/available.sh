#!/usr/bin/env bash
# Exit 0 when the real-engine e2e can run here: the Pulumi CLI and Node.js language host built by
# toolchain/build.sh are in their cache. With --why, print why it cannot (for the test summary).
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
dir="$(bash "$ROOT/tests/e2e/toolchain/build.sh" --print-dir 2>/dev/null)"
reason=""
if [ ! -x "$dir/bin/pulumi" ] || [ ! -x "$dir/bin/pulumi-language-nodejs" ]; then
    reason="the Pulumi toolchain is not built; run STEVEDORE_TOOLCHAIN_ALLOW_MISSING_PROVIDERS=1 bash tests/e2e/toolchain/build.sh (see tests/e2e/README.md)"
fi
if [ "${1:-}" = "--why" ]; then echo "$reason"; fi
[ -z "$reason" ]
