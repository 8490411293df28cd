#!/usr/bin/env bash
# Exit 0 when the real-engine e2e can run here: every toolchain part is in its cache
# (toolchain/build.sh --check, toolchain/buildkit.sh --check) and the machine has what the harness starts (Debian's docker.io,
# docker-registry, openssl, iproute2, and for the real node containerd, runc, iptables and the CNI
# plugins). With --why, print why it cannot (for the test summary).
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
reason=""
if ! missing="$(bash "$ROOT/tests/e2e/toolchain/build.sh" --check)"; then
    reason="toolchain parts are not built ($(echo "$missing" | xargs -n1 basename | tr '\n' ' ')); run bash tests/e2e/toolchain/build.sh (see tests/e2e/README.md)"
fi
if ! missing="$(bash "$ROOT/tests/e2e/toolchain/buildkit.sh" --check)"; then
    reason="${reason:+$reason; }BuildKit parts are not built ($(echo "$missing" | xargs -n1 basename | tr '\n' ' ')); run bash tests/e2e/toolchain/buildkit.sh"
fi
for cmd in dockerd docker docker-registry openssl ip containerd ctr runc iptables gcc /usr/lib/cni/bridge; do
    command -v "$cmd" >/dev/null 2>&1 || reason="${reason:+$reason; }$cmd is not installed (apt-get install docker.io docker-registry openssl iproute2 containerd runc iptables containernetworking-plugins gcc libc6-dev)"
done
if [ "$(id -u)" != 0 ]; then reason="${reason:+$reason; }the harness starts dockerd and a network bridge, which needs root"; fi
if [ "${1:-}" = "--why" ]; then echo "$reason"; fi
[ -z "$reason" ]
