#!/usr/bin/env bash
# Removes everything the stack made: apps, namespace, images' registry container. Extra arguments go to `pulumi destroy`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/lib.sh"
cd "$ROOT"
use_project_node "$ROOT"
use_pulumi "$ROOT"
use_local_backend
pulumi stack select "${STEVEDORE_STACK:-dev}"
if [ -t 0 ]; then pulumi destroy "$@"; else pulumi destroy --yes "$@"; fi
