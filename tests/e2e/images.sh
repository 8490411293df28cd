#!/usr/bin/env bash
# Builds the images the e2e needs without pulling anything: a Node base image (tagged as the
# sample Dockerfiles' NODE_IMAGE), a registry image, each a root filesystem made of binaries from
# this machine and the shared libraries they load, and the real node's pod sandbox image (one
# static binary built from node/pause.c), all imported with `docker import`.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
NODE_TAG="${STEVEDORE_E2E_NODE_IMAGE:-stevedore-e2e/node:22}"
REGISTRY_TAG="${STEVEDORE_E2E_REGISTRY_IMAGE:-stevedore-e2e/registry:2}"
PAUSE_TAG="${STEVEDORE_E2E_PAUSE_IMAGE:-stevedore-e2e/pause:1}"

# Copies each binary and every library `ldd` says it loads into the root filesystem $1.
add_binaries() {
    local rootfs="$1"; shift
    local bin lib
    for bin in "$@"; do
        mkdir -p "$rootfs$(dirname "$bin")"
        cp -L "$bin" "$rootfs$bin"
        for lib in $(ldd "$bin" | grep -Eo '/[^ ]+\.so[^ ]*'); do
            mkdir -p "$rootfs$(dirname "$lib")"
            cp -L "$lib" "$rootfs$lib"
        done
    done
}

# A minimal filesystem layout: /tmp, and users for root and the apps' unprivileged UID.
base_layout() {
    local rootfs="$1"
    mkdir -p "$rootfs/tmp" "$rootfs/etc"
    chmod 1777 "$rootfs/tmp"
    printf 'root:x:0:0:root:/root:/sbin/nologin\napp:x:10001:10001:app:/app:/sbin/nologin\n' > "$rootfs/etc/passwd"
    printf 'root:x:0:\napp:x:10001:\n' > "$rootfs/etc/group"
}

import_rootfs() {
    local rootfs="$1" tag="$2"; shift 2
    tar -C "$rootfs" -c . | docker import "$@" - "$tag" >/dev/null
    echo "built $tag"
}

node_image() {
    local rootfs node
    rootfs="$(mktemp -d)"
    node="$(readlink -f "$ROOT/node_modules/.bin/node")"
    base_layout "$rootfs"
    add_binaries "$rootfs" "$node"
    mkdir -p "$rootfs/usr/local/bin"
    mv "$rootfs$node" "$rootfs/usr/local/bin/node"
    # Debug symbols are most of the binary's size and no use in a test image.
    strip --strip-debug "$rootfs/usr/local/bin/node" 2>/dev/null || true
    import_rootfs "$rootfs" "$NODE_TAG" --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'CMD ["node"]'
    rm -rf "$rootfs"
}

registry_image() {
    local rootfs
    rootfs="$(mktemp -d)"
    base_layout "$rootfs"
    add_binaries "$rootfs" /usr/bin/docker-registry
    mkdir -p "$rootfs/etc/docker/registry" "$rootfs/var/lib/registry"
    cat > "$rootfs/etc/docker/registry/config.yml" <<'YAML'
version: 0.1
storage:
  filesystem:
    rootdirectory: /var/lib/registry
  delete:
    enabled: true
http:
  addr: :5000
YAML
    import_rootfs "$rootfs" "$REGISTRY_TAG" --change 'EXPOSE 5000' \
        --change 'CMD ["/usr/bin/docker-registry", "serve", "/etc/docker/registry/config.yml"]'
    rm -rf "$rootfs"
}

pause_image() {
    local rootfs
    rootfs="$(mktemp -d)"
    gcc -static -O2 -s -o "$rootfs/pause" "$ROOT/tests/e2e/node/pause.c"
    import_rootfs "$rootfs" "$PAUSE_TAG" --change 'ENTRYPOINT ["/pause"]' --change 'USER 65535:65535'
    rm -rf "$rootfs"
}

docker image inspect "$NODE_TAG" >/dev/null 2>&1 || node_image
docker image inspect "$REGISTRY_TAG" >/dev/null 2>&1 || registry_image
docker image inspect "$PAUSE_TAG" >/dev/null 2>&1 || pause_image
