#!/usr/bin/env bash
# One command from a fresh clone to a running local deployment: check the prerequisites, install,
# pick a state backend, select (or create) the stack, `pulumi up`. Extra arguments go to `pulumi up`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STACK="${STEVEDORE_STACK:-dev}"
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

# Every missing prerequisite is reported at once, before any long step.
preflight "$STACK" || exit 1

if [ ! -d node_modules ]; then echo "installing npm packages (npm ci)..."; npm ci --no-audit --no-fund; fi
use_project_node "$ROOT"
# The compiled program in bin/ starts faster; main.js runs the TypeScript sources whenever bin/ is stale.
node scripts/compile.js
use_pulumi "$ROOT"
use_local_backend

if [ "$STACK" = "dev" ] && [ -z "${STEVEDORE_SKIP_KIND:-}" ]; then
    bash "$ROOT/scripts/kind.sh"
fi

pulumi stack select "$STACK" --create
# Without a terminal there is nobody to confirm the preview.
if [ -t 0 ]; then pulumi up "$@"; else pulumi up --yes "$@"; fi
echo
echo "To run pulumi yourself against this stack (stack output, config set, destroy):  source scripts/env.sh"
