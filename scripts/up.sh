#!/usr/bin/env bash
# One command from a fresh clone to a running local deployment: install, pick a state backend,
# select (or create) the stack, `pulumi up`. Extra arguments go to `pulumi up`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STACK="${STEVEDORE_STACK:-dev}"
source "$ROOT/scripts/lib.sh"
cd "$ROOT"

[ -d node_modules ] || npm ci --no-audit --no-fund
use_project_node "$ROOT"
use_pulumi "$ROOT"
use_local_backend

docker info >/dev/null 2>&1 || { echo "no Docker engine is reachable: start Docker first (images are built and the registry runs in it)" >&2; exit 1; }
if [ "$STACK" = "dev" ] && [ -z "${STEVEDORE_SKIP_KIND:-}" ] && command -v kind >/dev/null 2>&1; then
    bash "$ROOT/scripts/kind.sh"
fi

pulumi stack select "$STACK" --create
# Without a terminal there is nobody to confirm the preview.
if [ -t 0 ]; then pulumi up "$@"; else pulumi up --yes "$@"; fi
