#!/usr/bin/env bash
# Builds the e2e toolchain from Go modules (through the configured Go module proxy) into a cache
# directory outside the repository, keyed by a hash of versions.env.
#
#   bash tests/e2e/toolchain/build.sh [PART...]          # build what is missing; last stdout line = bin dir
#   bash tests/e2e/toolchain/build.sh --print-dir        # print the cache dir, build nothing
#   bash tests/e2e/toolchain/build.sh --check [PART...]  # exit 0 when the parts are there, else list what is not
#
# PART is one of cli, langhost, kubernetes-provider, docker-provider, kubernetes, etcd, kwok, coredns;
# the default is all of them (the e2e needs all; `npm run up` only the first four).
#
# Parts (versions in versions.env only):
#   bin/pulumi, bin/pulumi-language-nodejs, bin/pulumi-resource-pulumi-nodejs
#   pulumi-home/plugins/resource-kubernetes-vX/   built from the provider module's pseudo-version
#   pulumi-home/plugins/resource-docker-vX/       installed from ../shared/tools/pulumi-plugins
#   bin/kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubelet, kube-proxy   one go build
#   bin/etcd
#   bin/kwok and kwok-stages.yaml
#   bin/coredns                                    our own main with the plugins the real node needs
# Each part is built only when its output is missing; the time each took goes to build-times.txt.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=/dev/null
set -a; . "$here/versions.env"; set +a

hash="$(sha256sum < "$here/versions.env" | cut -c1-16)"
root="${STEVEDORE_TOOLCHAIN_DIR:-$HOME/.cache/stevedore/toolchain}/$hash"
bin="$root/bin"
phome="$root/pulumi-home"
k8s_plugin="$phome/plugins/resource-kubernetes-v$PULUMI_KUBERNETES_VERSION/pulumi-resource-kubernetes"
docker_plugin="$phome/plugins/resource-docker-v$PULUMI_DOCKER_VERSION/pulumi-resource-docker"
kube_bins=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
all_parts=(cli langhost kubernetes-provider docker-provider kubernetes etcd kwok coredns)

# outputs PART: the files a part leaves in the cache.
outputs() {
  case "$1" in
    cli) echo "$bin/pulumi" ;;
    langhost) echo "$bin/pulumi-language-nodejs" ;;
    kubernetes-provider) echo "$k8s_plugin" ;;
    docker-provider) echo "$docker_plugin" ;;
    kubernetes) local b; for b in "${kube_bins[@]}"; do echo "$bin/$b"; done ;;
    etcd) echo "$bin/etcd" ;;
    kwok) echo "$bin/kwok"; echo "$root/kwok-stages.yaml" ;;
    coredns) echo "$bin/coredns" ;;
    *) echo "build.sh: unknown part '$1'; parts are: ${all_parts[*]}" >&2; return 1 ;;
  esac
}
# part_missing PART: true when any of its outputs is absent.
part_missing() { local f; for f in $(outputs "$1"); do [[ -e "$f" ]] || return 0; done; return 1; }

mode=build
case "${1:-}" in
  --print-dir) echo "$root"; exit 0 ;;
  --check) mode=check; shift ;;
esac
wanted=("$@"); ((${#wanted[@]})) || wanted=("${all_parts[@]}")
for p in "${wanted[@]}"; do outputs "$p" >/dev/null || exit 2; done
missing_parts() { local p f; for p in "${wanted[@]}"; do for f in $(outputs "$p"); do [[ -e "$f" ]] || echo "$f"; done; done; }

if [[ "$mode" == check ]]; then m="$(missing_parts)"; [[ -z "$m" ]] && exit 0; echo "$m"; exit 1; fi
if [[ -z "$(missing_parts)" ]]; then echo "$bin"; exit 0; fi

log() { echo "[toolchain] $*" >&2; }
for tool in go node; do command -v "$tool" >/dev/null || { log "$tool not found on PATH"; exit 1; }; done
mkdir -p "$bin" "$phome/plugins" "$root/src"
export GOFLAGS="${GOFLAGS:-} -mod=mod"
ldflags_strip="-s -w"

# timed NAME COMMAND...: runs a part's build and records how long it took.
timed() {
  local name="$1" start=$SECONDS; shift
  log "building $name"
  "$@"
  log "built $name in $((SECONDS - start))s"
  printf '%s\t%ss\t%s\n' "$name" "$((SECONDS - start))" "$(date -u +%FT%TZ)" >> "$root/build-times.txt"
}

# mod_field MODULE@VERSION FIELD: a field (Dir, GoMod) of `go mod download -json`; 1 if not served.
mod_field() {
  local json
  json="$(cd "$root/src" && go mod download -json "$1" 2>/dev/null || true)"
  node -e '
    let j; try { j = JSON.parse(process.argv[1]); } catch { process.exit(1); }
    if (j.Error || !j[process.argv[2]]) process.exit(1);
    console.log(j[process.argv[2]]);
  ' "$json" "$2" || { log "the module proxy does not serve $1"; return 1; }
}

# wrapper_module DIR NAME GO_VERSION: an empty module of our own that the parts are built in.
wrapper_module() {
  rm -rf "$1"; mkdir -p "$1"
  printf 'module stevedore.local/toolchain/%s\n\ngo %s\n' "$2" "$3" > "$1/go.mod"
}

# tools_file DIR PACKAGE...: makes `go mod tidy` keep what PACKAGEs need.
tools_file() {
  local dir="$1" p; shift
  { printf '//go:build tools\n\npackage tools\n\nimport (\n'; for p in "$@"; do printf '\t_ "%s"\n' "$p"; done; printf ')\n'; } > "$dir/tools.go"
}

tidy() { (cd "$1" && go mod tidy > tidy.log 2>&1) || { cat "$1/tidy.log" >&2; return 1; }; }

# go_directive GOMOD: the `go` line of a go.mod file.
go_directive() { (cd "$root/src" && go mod edit -json "$1") | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => console.log(JSON.parse(s).Go || "1.22"));'; }

# non_local_replaces GOMOD: its replace directives except those pointing at local paths.
non_local_replaces() { (cd "$root/src" && go mod edit -json "$1") | node -e '
  let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
    for (const r of JSON.parse(s).Replace || []) {
      if (r.New.Path.startsWith(".") || r.New.Path.startsWith("/")) continue;
      const v = (m) => m.Path + (m.Version ? "@" + m.Version : "");
      console.log(v(r.Old) + "=" + v(r.New));
    }
  });'; }

# 1. Pulumi CLI. pkg/v3's go.mod replaces sdk/v3 with ../sdk (covered by requiring sdk/v3 at the
#    same version) and github.com/atotto/clipboard with a fork (repeated here).
build_cli() {
  local dir="$root/src/pulumi-cli" gomod rep
  gomod="$(mod_field "github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" GoMod)"
  wrapper_module "$dir" pulumi-cli "$(go_directive "$gomod")"
  (cd "$dir" && go mod edit -require="github.com/pulumi/pulumi/pkg/v3@v$PULUMI_VERSION" -require="github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION")
  while read -r rep; do (cd "$dir" && go mod edit -replace="$rep"); done < <(non_local_replaces "$gomod")
  tools_file "$dir" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  tidy "$dir"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
    -o "$bin/pulumi.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
  mv "$bin/pulumi.tmp" "$bin/pulumi"
}

# 2. Node.js language host: the one inside sdk/v3 at its last release there. It only starts
#    node_modules/@pulumi/pulumi/cmd/run, which the program's own npm package provides. The
#    dynamic-provider shim ships in the same SDK module at the CLI's version.
build_langhost() {
  local dir="$root/src/pulumi-language-nodejs" v="$PULUMI_NODEJS_LANGHOST_SDK_VERSION" gomod sdkdir f
  gomod="$(mod_field "github.com/pulumi/pulumi/sdk/v3@v$v" GoMod)"
  wrapper_module "$dir" pulumi-language-nodejs "$(go_directive "$gomod")"
  (cd "$dir" && go mod edit -require="github.com/pulumi/pulumi/sdk/v3@v$v")
  tools_file "$dir" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs
  tidy "$dir"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$v" \
    -o "$bin/pulumi-language-nodejs.tmp" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs)
  sdkdir="$(mod_field "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" Dir)"
  for f in "$sdkdir"/nodejs/dist/pulumi-*; do
    [[ "$f" == *.cmd ]] || install -m 0755 "$f" "$bin/$(basename "$f")"
  done
  mv "$bin/pulumi-language-nodejs.tmp" "$bin/pulumi-language-nodejs"
}

# 3. Kubernetes provider. Upstream's main embeds schema files generated at release time; our own
#    main (toolchain/kubernetes-provider/) embeds copies of the committed schema.json (with its
#    version set) and terraform-mapping.json and calls the same provider.Serve.
build_kubernetes_provider() {
  local dir="$root/src/pulumi-resource-kubernetes" mod="github.com/pulumi/pulumi-kubernetes/provider/v4"
  local src gomod
  src="$(mod_field "$mod@$PULUMI_KUBERNETES_PROVIDER_MODULE" Dir)"
  gomod="$(mod_field "$mod@$PULUMI_KUBERNETES_PROVIDER_MODULE" GoMod)"
  wrapper_module "$dir" pulumi-resource-kubernetes "$(go_directive "$gomod")"
  cp "$here/kubernetes-provider/main.go" "$dir/main.go"
  node -e '
    const fs = require("fs"), [src, dir, version] = process.argv.slice(1);
    const schema = JSON.parse(fs.readFileSync(`${src}/cmd/pulumi-resource-kubernetes/schema.json`, "utf8"));
    schema.version = version;
    fs.writeFileSync(`${dir}/schema-embed.json`, JSON.stringify(schema));
    const mapping = JSON.parse(fs.readFileSync(`${src}/cmd/pulumi-resource-kubernetes/terraform-mapping.json`, "utf8"));
    fs.writeFileSync(`${dir}/terraform-mapping-embed.json`, JSON.stringify(mapping));
  ' "$src" "$dir" "$PULUMI_KUBERNETES_VERSION"
  (cd "$dir" && go mod edit -require="$mod@$PULUMI_KUBERNETES_PROVIDER_MODULE" \
    -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$PULUMI_KUBERNETES_SDK_MODULE")
  tidy "$dir"
  mkdir -p "$(dirname "$k8s_plugin")"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip -X $mod/pkg/version.Version=$PULUMI_KUBERNETES_VERSION" -o "$k8s_plugin.tmp" .)
  mv "$k8s_plugin.tmp" "$k8s_plugin"
}

# 4. Docker provider: a build from public sources ships in ../shared (README there); check and unpack it.
install_docker_provider() {
  local gz="${STEVEDORE_SHARED_DIR:-$repo/../shared}/tools/pulumi-plugins/pulumi-resource-docker-v$PULUMI_DOCKER_VERSION-linux-amd64.gz"
  [[ -f "$gz" ]] || { log "docker provider plugin not found: $gz (see tests/e2e/README.md)"; return 1; }
  mkdir -p "$(dirname "$docker_plugin")"
  gunzip -c "$gz" > "$docker_plugin.tmp"
  echo "$PULUMI_DOCKER_SHA256  $docker_plugin.tmp" | sha256sum -c --quiet - \
    || { log "docker provider plugin: sha256 differs from versions.env"; rm -f "$docker_plugin.tmp"; return 1; }
  chmod 0755 "$docker_plugin.tmp"
  mv "$docker_plugin.tmp" "$docker_plugin"
}

# 5. Control plane and node: one go build for all six binaries so their shared packages compile once.
#    k8s.io/kubernetes replaces each staging module with a local path; here each is pinned to
#    its published v0.<minor>.<patch> instead. The version ldflags make the API server report
#    its real version (the kubernetes provider and kubectl read it).
build_kubernetes() {
  local dir="$root/src/kubernetes" v="$KUBERNETES_VERSION" gomod staging m out
  local minor="${v#*.}"; minor="${minor%%.*}"
  gomod="$(mod_field "k8s.io/kubernetes@v$v" GoMod)"
  wrapper_module "$dir" kubernetes "$(go_directive "$gomod")"
  (cd "$dir" && go mod edit -require="k8s.io/kubernetes@v$v")
  staging="$(grep -Eo '^\s+k8s\.io/[a-z0-9-]+ => \./staging' "$gomod" | awk '{print $1}')"
  for m in $staging; do (cd "$dir" && go mod edit -replace="$m=$m@v0.${v#*.}"); done
  local pkgs=(); for m in "${kube_bins[@]}"; do pkgs+=("k8s.io/kubernetes/cmd/$m"); done
  tools_file "$dir" "${pkgs[@]}"
  tidy "$dir"
  out="$root/src/kubernetes-out"; mkdir -p "$out"
  local x="" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $p.gitVersion=v$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip$x" -o "$out/" "${pkgs[@]}")
  for m in "${kube_bins[@]}"; do mv "$out/$m" "$bin/$m"; done
}

# 6. etcd: the server module's main, in a wrapper module that requires its sibling modules at the
#    same version in place of the local replaces in its go.mod.
build_etcd() {
  local dir="$root/src/etcd" v="v$ETCD_VERSION" gomod m
  gomod="$(mod_field "go.etcd.io/etcd/server/v3@$v" GoMod)"
  wrapper_module "$dir" etcd "$(go_directive "$gomod")"
  for m in server/v3 api/v3 client/pkg/v3 client/v3 pkg/v3; do (cd "$dir" && go mod edit -require="go.etcd.io/etcd/$m@$v"); done
  tools_file "$dir" go.etcd.io/etcd/server/v3
  tidy "$dir"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip" -o "$bin/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$bin/etcd.tmp" "$bin/etcd"
}

# 7. kwok: fake nodes whose pods become Ready. Its stage definitions ship in the module.
build_kwok() {
  local src
  GOBIN="$bin" go install -trimpath -ldflags "$ldflags_strip" "sigs.k8s.io/kwok/cmd/kwok@v$KWOK_VERSION"
  src="$(mod_field "sigs.k8s.io/kwok@v$KWOK_VERSION" Dir)"
  # Nodes Ready at once and kept Ready by a lease heartbeat; pods Running and Ready once scheduled.
  local f first=1 stage="$src/kustomize/stage"
  : > "$root/kwok-stages.yaml.tmp"
  for f in "$stage"/node/fast/*.yaml "$stage"/node/heartbeat-with-lease/*.yaml "$stage"/pod/fast/*.yaml; do
    [[ "$(basename "$f")" == kustomization.yaml ]] && continue
    ((first)) || echo '---' >> "$root/kwok-stages.yaml.tmp"
    first=0
    cat "$f" >> "$root/kwok-stages.yaml.tmp"
  done
  mv "$root/kwok-stages.yaml.tmp" "$root/kwok-stages.yaml"
}

# 8. CoreDNS for the real node's pods: our own main (toolchain/coredns/) with five plugins.
build_coredns() {
  local dir="$root/src/coredns" mod="github.com/coredns/coredns" gomod
  gomod="$(mod_field "$mod@v$COREDNS_VERSION" GoMod)"
  wrapper_module "$dir" coredns "$(go_directive "$gomod")"
  cp "$here/coredns/main.go" "$dir/main.go"
  (cd "$dir" && go mod edit -require="$mod@v$COREDNS_VERSION")
  tidy "$dir"
  (cd "$dir" && go build -trimpath -ldflags "$ldflags_strip" -o "$bin/coredns.tmp" .)
  mv "$bin/coredns.tmp" "$bin/coredns"
}

# build PART: the part's recipe, timed.
build() {
  case "$1" in
    cli) timed "pulumi CLI v$PULUMI_VERSION" build_cli ;;
    langhost) timed "pulumi-language-nodejs v$PULUMI_NODEJS_LANGHOST_SDK_VERSION" build_langhost ;;
    kubernetes-provider) timed "pulumi-resource-kubernetes v$PULUMI_KUBERNETES_VERSION" build_kubernetes_provider ;;
    docker-provider) timed "pulumi-resource-docker v$PULUMI_DOCKER_VERSION (unpacked)" install_docker_provider ;;
    kubernetes) timed "kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubelet, kube-proxy v$KUBERNETES_VERSION" build_kubernetes ;;
    etcd) timed "etcd v$ETCD_VERSION" build_etcd ;;
    kwok) timed "kwok v$KWOK_VERSION" build_kwok ;;
    coredns) timed "coredns v$COREDNS_VERSION" build_coredns ;;
  esac
}
for p in "${wanted[@]}"; do
  if part_missing "$p"; then build "$p"; fi
done

m="$(missing_parts)"
if [[ -n "$m" ]]; then log "still missing after the build:"; echo "$m" >&2; exit 1; fi
echo "$bin"
