#!/usr/bin/env bash
# Builds a kind node image offline, for the Kubernetes version the e2e toolchain builds, and loads
# it into the Docker engine at $DOCKER_HOST. Its parts are cached outside the repository in
# ~/.cache/stevedore/kind/<hash of versions.env and ../toolchain/versions.env>:
#
#   bash tests/e2e/kind/build-node-image.sh            # build what is missing, load; last stdout line = image
#   bash tests/e2e/kind/build-node-image.sh --bin-dir  # build the kind CLI (and crictl, kubeadm, coredns); print their dir
#   bash tests/e2e/kind/build-node-image.sh --check    # exit 0 when node-image.tar is cached
#
# What is in it (none of it pulled; kindest/node comes from Docker Hub, which is not reachable):
#   - a Debian rootfs (debootstrap from apt's mirror) with systemd, Debian's containerd, runc,
#     CNI plugins and iptables, plus kind's base-image files from the kind Go module (entrypoint,
#     containerd config, kubelet units), used from the module cache at build time;
#   - kubelet, kubectl, kubeadm and crictl in /usr/bin;
#   - images for kubeadm's static pods, kube-proxy, CoreDNS and pause, each built here from the
#     toolchain's binaries and tagged with the names kubeadm asks for, imported into the node's
#     containerd when the node boots (stevedore-import-images.service, before the kubelet);
#   - as its "default CNI": the bridge plugin for the single node, configured in /etc/cni/net.d,
#     and a manifest kind applies that only records this (kindnet is not a served module);
#   - the test harness's runc wrapper as /usr/local/sbin/runc (see runc-without-sys-resource.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
set -a; . "$here/versions.env"; . "$repo/tests/e2e/toolchain/versions.env"; set +a
hash="$(cat "$here/versions.env" "$repo/tests/e2e/toolchain/versions.env" | sha256sum | cut -c1-16)"
root="${STEVEDORE_KIND_CACHE_DIR:-$HOME/.cache/stevedore/kind}/$hash"
bin="$root/bin"
tar_out="$root/node-image.tar"
image="stevedore-e2e/kind-node:v$KUBERNETES_VERSION"
log() { echo "[kind-node] $*" >&2; }

case "${1:-}" in
  --check) [[ -f "$tar_out" ]]; exit ;;
esac
mkdir -p "$bin" "$root/src"
export GOFLAGS="${GOFLAGS:-} -mod=mod"

timed() {
  local name="$1" start=$SECONDS; shift
  log "building $name"
  "$@"
  log "built $name in $((SECONDS - start))s"
  printf '%s\t%ss\t%s\n' "$name" "$((SECONDS - start))" "$(date -u +%FT%TZ)" >> "$root/build-times.txt"
}

build_kind() { GOBIN="$bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kind@v$KIND_VERSION"; }
build_crictl() { GOBIN="$bin" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/cri-tools/cmd/crictl@v$CRI_TOOLS_VERSION"; }

# kubeadm from the toolchain's own k8s.io/kubernetes wrapper module (same pins, warm build cache).
build_kubeadm() {
  local tc dir x="" p minor="${KUBERNETES_VERSION#*.}"
  minor="${minor%%.*}"
  tc="$(bash "$repo/tests/e2e/toolchain/build.sh" --print-dir)/src/kubernetes"
  [[ -f "$tc/go.mod" ]] || { log "build the toolchain's kubernetes part first ($tc missing)"; return 1; }
  dir="$root/src/kubeadm"
  rm -rf "$dir"; cp -r "$tc" "$dir"
  sed -i 's#^)#\t_ "k8s.io/kubernetes/cmd/kubeadm"\n)#' "$dir/tools.go"
  (cd "$dir" && go mod tidy > tidy.log 2>&1) || { cat "$dir/tidy.log" >&2; return 1; }
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $p.gitVersion=v$KUBERNETES_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  (cd "$dir" && go build -trimpath -ldflags "-s -w$x" -o "$bin/kubeadm.tmp" k8s.io/kubernetes/cmd/kubeadm)
  mv "$bin/kubeadm.tmp" "$bin/kubeadm"
}

# CoreDNS with the plugins kubeadm's Corefile uses (coredns/main.go), in the toolchain's CoreDNS version.
build_coredns() {
  local dir="$root/src/coredns" tc
  tc="$(bash "$repo/tests/e2e/toolchain/build.sh" --print-dir)/src/coredns"
  [[ -f "$tc/go.mod" ]] || { log "build the toolchain's coredns part first ($tc missing)"; return 1; }
  rm -rf "$dir"; mkdir -p "$dir"
  cp "$tc/go.mod" "$tc/go.sum" "$dir/"
  cp "$here/coredns/main.go" "$dir/main.go"
  (cd "$dir" && go mod tidy > tidy.log 2>&1) || { cat "$dir/tidy.log" >&2; return 1; }
  (cd "$dir" && go build -trimpath -ldflags "-s -w" -o "$bin/coredns.tmp" .)
  mv "$bin/coredns.tmp" "$bin/coredns"
}

# The Debian root filesystem, before anything of kind's or Kubernetes' is added.
build_rootfs() {
  local dir="$root/src/debian"
  rm -rf "$dir"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,containerd,runc,containernetworking-plugins,iptables,nftables,ebtables,conntrack,iproute2,ethtool,socat,kmod,ca-certificates,procps,util-linux,mount,libseccomp2,jq \
    "$DEBIAN_SUITE" "$dir" http://deb.debian.org/debian >"$root/src/debootstrap.log" 2>&1 \
    || { tail -20 "$root/src/debootstrap.log" >&2; return 1; }
  tar -C "$dir" -cf "$root/src/debian.tar" .
  rm -rf "$dir"
}

for part in kind crictl kubeadm coredns; do [[ -x "$bin/$part" ]] || timed "$part" "build_$part"; done
if [[ "${1:-}" == --bin-dir ]]; then echo "$bin"; exit 0; fi
[[ -f "$root/src/debian.tar" ]] || timed "debian $DEBIAN_SUITE rootfs" build_rootfs

if [[ ! -f "$tar_out" ]]; then timed "node image $image" bash "$here/assemble-node-image.sh" "$root" "$image"; fi
docker image inspect "$image" >/dev/null 2>&1 || docker load -i "$tar_out" >/dev/null
echo "$image"
