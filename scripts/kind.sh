#!/usr/bin/env bash
# Creates the kind cluster the dev stack deploys to (context `kind-stevedore`), with its nodes
# pulling `localhost:5001/...` from the `stevedore-registry` container on the `kind` network.
set -euo pipefail
CLUSTER="${STEVEDORE_KIND_CLUSTER:-stevedore}"
REGISTRY_PORT="${STEVEDORE_REGISTRY_PORT:-5001}"
REGISTRY_NAME="${STEVEDORE_REGISTRY_NAME:-stevedore-registry}"
# Unset: kind's own default node image for its version.
NODE_IMAGE="${STEVEDORE_KIND_NODE_IMAGE:-}"

if ! command -v kind >/dev/null 2>&1; then
    echo "kind is not installed: see https://kind.sigs.k8s.io (or 'go install sigs.k8s.io/kind@latest')" >&2
    exit 1
fi
if kind get clusters 2>/dev/null | grep -qx "$CLUSTER"; then
    echo "kind cluster '$CLUSTER' already exists"
else
    # containerd reads per-registry host files from config_path; we write one per node below.
    # The patch keeps containerd's version-2 plugin name on purpose: every kind node image so far
    # (v0.19 through v0.33) ships a version-2 config, which containerd 2.x (kind >= 0.27) migrates
    # to plugins."io.containerd.cri.v1.images".registry; a `version = 3` patch would be merged
    # into that version-2 file by kind < 0.32, which does not match patches to the config's version.
    kind create cluster --name "$CLUSTER" ${NODE_IMAGE:+--image "$NODE_IMAGE"} --config - <<YAML
kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
containerdConfigPatches:
  - |-
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "/etc/containerd/certs.d"
YAML
fi

# Nodes resolve localhost to themselves, so point localhost:<port> at the registry container.
for node in $(kind get nodes --name "$CLUSTER"); do
    dir="/etc/containerd/certs.d/localhost:${REGISTRY_PORT}"
    docker exec "$node" mkdir -p "$dir"
    printf '[host."http://%s:5000"]\n' "$REGISTRY_NAME" | docker exec -i "$node" cp /dev/stdin "$dir/hosts.toml"
done
echo "kind cluster '$CLUSTER' ready (context kind-$CLUSTER); images on localhost:${REGISTRY_PORT} are pulled from ${REGISTRY_NAME}"
