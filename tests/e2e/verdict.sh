#!/usr/bin/env bash
# Prints what `npm test` does with the real-engine e2e here: `run`, `skip <why>` or `fail <why>`.
# The e2e is required only where STEVEDORE_E2E_REQUIRED=1, which .ci/run sets because it installs
# and builds everything the e2e needs. CI=true alone does not require it: GitHub sets CI=true on
# every runner, and a hosted runner has no toolchain cache and does not run as root, so keying on
# CI would fail every pull request's `npm test` before any pulumi step.
here="$(cd "$(dirname "$0")" && pwd)"
if bash "$here/available.sh"; then
    echo run
elif [ "${STEVEDORE_E2E_REQUIRED:-}" = 1 ]; then
    echo "fail cannot run where STEVEDORE_E2E_REQUIRED=1 (.ci/run): $(bash "$here/available.sh" --why)"
else
    echo "skip $(bash "$here/available.sh" --why)"
fi
