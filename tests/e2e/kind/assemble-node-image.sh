#!/usr/bin/env bash
# Assembles the kind node image from the parts build-node-image.sh cached, and saves it there:
#   assemble-node-image.sh CACHE_DIR IMAGE
# Talks to the Docker engine at $DOCKER_HOST (the e2e's own), where the images it builds stay.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
root="$1" image="$2"
set -a; . "$here/versions.env"; . "$repo/tests/e2e/toolchain/versions.env"; set +a
tc_bin="$(bash "$repo/tests/e2e/toolchain/build.sh" --print-dir)/bin"
kind_mod="$(cd "$root/src" && GOFLAGS=-mod=mod go mod download -json "sigs.k8s.io/kind@v$KIND_VERSION" | jq -r .Dir)"
base="$kind_mod/images/base/files"
work="$(mktemp -d "$root/src/assemble.XXXXXX")"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
mkdir -p "$rootfs"
tar -C "$rootfs" -xf "$root/src/debian.tar"

# The image names kubeadm asks for at this Kubernetes version (its defaults; kind sets no others).
etcd_tag="$("$root/bin/kubeadm" config images list --kubernetes-version "v$KUBERNETES_VERSION" 2>/dev/null | grep /etcd: | cut -d: -f2)"
coredns_ref="$("$root/bin/kubeadm" config images list --kubernetes-version "v$KUBERNETES_VERSION" 2>/dev/null | grep /coredns)"
pause_ref="$("$root/bin/kubeadm" config images list --kubernetes-version "v$KUBERNETES_VERSION" 2>/dev/null | grep /pause:)"
# kind's containerd config names its own sandbox image; both tags point at the same pause.
kind_pause_ref="$(sed -n 's/^ *sandbox_image = "\(.*\)"/\1/p' "$base/etc/containerd/config.toml")"

# small_image TAG ENTRYPOINT BINARY...: a root filesystem of the binaries and the libraries they load.
small_image() {
  local tag="$1" entry="$2" dir b lib; shift 2
  dir="$(mktemp -d "$work/img.XXXXXX")"
  mkdir -p "$dir/usr/local/bin" "$dir/tmp" "$dir/etc"; chmod 1777 "$dir/tmp"
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534::/:/sbin/nologin\n' > "$dir/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$dir/etc/group"
  for b in "$@"; do
    cp -L "$b" "$dir/usr/local/bin/"
    for lib in $(ldd "$b" 2>/dev/null | grep -Eo '/[^ ]+\.so[^ ]*'); do mkdir -p "$dir$(dirname "$lib")"; cp -L "$lib" "$dir$lib"; done
  done
  tar -C "$dir" -c . | docker import --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' ${entry:+--change "ENTRYPOINT [\"$entry\"]"} - "$tag" >/dev/null
}
images=()
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  small_image "registry.k8s.io/$c:v$KUBERNETES_VERSION" "" "$tc_bin/$c"; images+=("registry.k8s.io/$c:v$KUBERNETES_VERSION")
done
small_image "registry.k8s.io/etcd:$etcd_tag" "" "$tc_bin/etcd"; images+=("registry.k8s.io/etcd:$etcd_tag")
small_image "$coredns_ref" /usr/local/bin/coredns "$root/bin/coredns"; images+=("$coredns_ref")
gcc -static -O2 -o "$work/pause" "$repo/tests/e2e/node/pause.c"
small_image "$pause_ref" /usr/local/bin/pause "$work/pause"; images+=("$pause_ref")
docker tag "$pause_ref" "$kind_pause_ref"; images+=("$kind_pause_ref")
# kube-proxy runs iptables: its image is the Debian filesystem with the binary added.
mkdir -p "$work/proxy/usr/local/bin"; cp "$tc_bin/kube-proxy" "$work/proxy/usr/local/bin/"
{ cat "$root/src/debian.tar"; } | docker import - stevedore-e2e/kind-debian:base >/dev/null
printf 'FROM stevedore-e2e/kind-debian:base\nCOPY usr /usr\n' | docker build -q -t "registry.k8s.io/kube-proxy:v$KUBERNETES_VERSION" -f - "$work/proxy" >/dev/null
images+=("registry.k8s.io/kube-proxy:v$KUBERNETES_VERSION")
mkdir -p "$rootfs/kind/images"
docker save -o "$rootfs/kind/images/images.tar" "${images[@]}"

# kind's base-image files, laid out as its Dockerfile lays them out.
install -m 0755 "$base"/usr/local/bin/* "$rootfs/usr/local/bin/"
cp -r "$base/kind/." "$rootfs/kind/"; chmod 0755 "$rootfs/kind" "$rootfs/kind/bin" "$rootfs"/kind/bin/*
cp "$base/etc/crictl.yaml" "$rootfs/etc/"
mkdir -p "$rootfs/etc/containerd" "$rootfs/etc/default" "$rootfs/etc/sysctl.d" "$rootfs/etc/systemd/system/kubelet.service.d" "$rootfs/etc/kubernetes/manifests"
cp "$base/etc/containerd/config.toml" "$rootfs/etc/containerd/"
cp "$base/etc/default/kubelet" "$rootfs/etc/default/"
cp "$base"/etc/sysctl.d/* "$rootfs/etc/sysctl.d/"
cp "$base"/etc/systemd/system/*.service "$base"/etc/systemd/system/*.slice "$rootfs/etc/systemd/system/"
cp "$base"/etc/systemd/system/kubelet.service.d/* "$rootfs/etc/systemd/system/kubelet.service.d/"
# The same pruning of boot-time units as kind's Dockerfile: a node starts only what it needs.
find "$rootfs/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
rm -f "$rootfs"/lib/systemd/system/multi-user.target.wants/* "$rootfs"/etc/systemd/system/*.wants/* \
  "$rootfs"/lib/systemd/system/local-fs.target.wants/* "$rootfs"/lib/systemd/system/sockets.target.wants/*udev* \
  "$rootfs"/lib/systemd/system/sockets.target.wants/*initctl* "$rootfs"/lib/systemd/system/basic.target.wants/*
echo "ReadKMsg=no" >> "$rootfs/etc/systemd/journald.conf"

# Debian's containerd, runc and CNI plugins where kind's files expect them; the test's runc wrapper.
ln -sf /usr/bin/containerd "$rootfs/usr/local/bin/containerd"
install -m 0755 "$here/runc-without-sys-resource.sh" "$rootfs/usr/local/sbin/runc"
mkdir -p "$rootfs/opt/cni"; ln -sfn /usr/lib/cni "$rootfs/opt/cni/bin"
ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer | length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' \
  | jq 'del(.process.rlimits)' > "$rootfs/etc/containerd/cri-base.json"
install -m 0755 "$tc_bin/kubelet" "$tc_bin/kubectl" "$root/bin/kubeadm" "$root/bin/crictl" "$rootfs/usr/bin/"
echo "v$KUBERNETES_VERSION" > "$rootfs/kind/version"

# The node's CNI: the bridge plugin on kind's default pod subnet (one node: no routes between nodes).
mkdir -p "$rootfs/etc/cni/net.d" "$rootfs/kind/manifests"
cat > "$rootfs/etc/cni/net.d/10-bridge.conflist" <<'JSON'
{
  "cniVersion": "1.0.0",
  "name": "kind-bridge",
  "plugins": [
    { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
JSON
cat > "$rootfs/kind/manifests/default-cni.yaml" <<'YAML'
# This node image's CNI is the bridge plugin, configured in the node's /etc/cni/net.d (one node).
apiVersion: v1
kind: ConfigMap
metadata:
  name: stevedore-e2e-cni
  namespace: kube-system
data:
  cni: bridge
YAML

# The static pods' images go into containerd when the node boots, before the kubelet starts.
cat > "$rootfs/etc/systemd/system/stevedore-import-images.service" <<'UNIT'
[Unit]
Description=Import the node image's own container images (stevedore e2e; nothing is pulled)
After=containerd.service
Requires=containerd.service
Before=kubelet.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/bin/ctr --namespace k8s.io images import --all-platforms /kind/images/images.tar
[Install]
WantedBy=multi-user.target
UNIT
systemctl --root="$rootfs" enable kubelet.service containerd.service undo-mount-hacks.service stevedore-import-images.service >/dev/null 2>&1
systemctl --root="$rootfs" mask systemd-binfmt.service >/dev/null 2>&1

# docker import takes no STOPSIGNAL, so the image's settings come in a build on top of it.
tar -C "$rootfs" -c . | docker import - "$image-rootfs" >/dev/null
printf 'FROM %s\nENV container=docker\nSTOPSIGNAL SIGRTMIN+3\nENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]\n' "$image-rootfs" \
  | docker build -q -t "$image" - >/dev/null
docker rmi "$image-rootfs" >/dev/null
docker save -o "$root/node-image.tar.tmp" "$image"
mv "$root/node-image.tar.tmp" "$root/node-image.tar"
