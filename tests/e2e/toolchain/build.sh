#!/usr/bin/env bash
# Builds the e2e Pulumi toolchain from Go modules (through the configured Go module proxy)
# into a cache directory outside the repository, keyed by a hash of versions.env + this file.
#
#   bash tests/e2e/toolchain/build.sh              # build if needed; last stdout line = bin dir
#   bash tests/e2e/toolchain/build.sh --print-dir  # print the cache dir, build nothing
#
# Components (versions in versions.env only):
#   bin/pulumi                  github.com/pulumi/pulumi/pkg/v3 ./cmd/pulumi
#   bin/pulumi-language-nodejs  the Node.js language host (+ bin/pulumi-resource-pulumi-nodejs,
#                               the dynamic-provider shim from the same SDK)
#   pulumi-home/plugins/resource-kubernetes-vX/pulumi-resource-kubernetes
#   pulumi-home/plugins/resource-docker-vX/pulumi-resource-docker
#
# The two providers cannot be built here today: the module proxy does not serve
# github.com/pulumi/pulumi-kubernetes/provider/v4 or github.com/pulumi/pulumi-docker/provider/v4
# at any version (see README.md). The script says so and exits 1 after building the rest,
# unless STEVEDORE_TOOLCHAIN_ALLOW_MISSING_PROVIDERS=1, in which case it exits 0 with a warning.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=/dev/null
set -a; . "$here/versions.env"; set +a
: "${PULUMI_VERSION:?}" "${PULUMI_NODEJS_LANGHOST_SDK_VERSION:?}" "${PULUMI_KUBERNETES_VERSION:?}" "${PULUMI_DOCKER_VERSION:?}"

hash="$(cat "$here/versions.env" "$here/build.sh" | sha256sum | cut -c1-16)"
root="${STEVEDORE_TOOLCHAIN_DIR:-$HOME/.cache/stevedore/toolchain}/$hash"
bin="$root/bin"
phome="$root/pulumi-home"
k8s_plugin="$phome/plugins/resource-kubernetes-v$PULUMI_KUBERNETES_VERSION/pulumi-resource-kubernetes"
docker_plugin="$phome/plugins/resource-docker-v$PULUMI_DOCKER_VERSION/pulumi-resource-docker"

if [[ "${1:-}" == "--print-dir" ]]; then echo "$root"; exit 0; fi

allow_missing="${STEVEDORE_TOOLCHAIN_ALLOW_MISSING_PROVIDERS:-0}"
have_core() { [[ -x "$bin/pulumi" && -x "$bin/pulumi-language-nodejs" ]]; }
have_providers() { [[ -x "$k8s_plugin" && -x "$docker_plugin" ]]; }

if have_core && { have_providers || [[ "$allow_missing" == 1 ]]; }; then
  echo "$bin"; exit 0
fi

log() { echo "[toolchain] $*" >&2; }
command -v go >/dev/null || { log "go not found on PATH"; exit 1; }
command -v node >/dev/null || { log "node not found on PATH (used to read go.mod JSON)"; exit 1; }
mkdir -p "$bin" "$phome/plugins" "$root/src"
export GOFLAGS="${GOFLAGS:-} -mod=mod"

# mod_download MODULE@VERSION FIELD -> prints the field (Dir, GoMod) of `go mod download -json`,
# or returns 1 if the proxy does not serve that module version.
mod_download() {
  local json
  json="$(cd "$root/src" && go mod download -json "$1" 2>/dev/null || true)"
  node -e '
    let j; try { j = JSON.parse(process.argv[1]); } catch { process.exit(1); }
    if (j.Error || !j[process.argv[2]]) { process.exit(1); }
    console.log(j[process.argv[2]]);
  ' "$json" "$2"
}

# build_wrapped NAME MODULE VERSION PACKAGE OUT [EXTRA_MODULE...]
# Writes a tiny wrapper module that requires MODULE (and EXTRA_MODULEs) at VERSION, repeats
# every non-local replace directive of MODULE's own go.mod (local ones such as
# `sdk/v3 => ../sdk` are covered by requiring that module at the same version), then builds
# PACKAGE with the Pulumi version ldflag.
build_wrapped() {
  local name="$1" module="$2" version="$3" pkg="$4" out="$5"; shift 5
  local dir="$root/src/$name" gomod godirective start
  start=$SECONDS
  gomod="$(mod_download "$module@v$version" GoMod)" || {
    log "the module proxy does not serve $module@v$version"; return 1; }
  rm -rf "$dir"; mkdir -p "$dir"
  godirective="$(cd "$dir" && go mod edit -json "$gomod" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => console.log(JSON.parse(s).Go || "1.22"));')"
  printf 'module stevedore.local/toolchain/%s\n\ngo %s\n' "$name" "$godirective" > "$dir/go.mod"
  ( cd "$dir"
    go mod edit -require="$module@v$version"
    local extra; for extra in "$@"; do go mod edit -require="$extra@v$version"; done
    go mod edit -json "$gomod" | node -e '
      let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
        for (const r of JSON.parse(s).Replace || []) {
          if (r.New.Path.startsWith(".") || r.New.Path.startsWith("/")) continue; // local path
          const o = r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : "");
          const n = r.New.Path + (r.New.Version ? "@" + r.New.Version : "");
          console.log(o + "=" + n);
        }
      });' | while read -r rep; do go mod edit -replace="$rep"; done
    printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" > tools.go
    go mod tidy >"$dir/tidy.log" 2>&1 || { cat "$dir/tidy.log" >&2; exit 1; }
    go build -trimpath \
      -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$version" \
      -o "$out.tmp" "$pkg"
    mv "$out.tmp" "$out" )
  log "built $(basename "$out") v$version in $((SECONDS - start))s"
}

# 1. Pulumi CLI. pkg/v3's go.mod replaces sdk/v3 with ../sdk (covered by requiring sdk/v3 at the
#    same version) and github.com/atotto/clipboard with a fork (repeated by build_wrapped).
if [[ ! -x "$bin/pulumi" ]]; then
  build_wrapped pulumi-cli github.com/pulumi/pulumi/pkg/v3 "$PULUMI_VERSION" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi "$bin/pulumi" github.com/pulumi/pulumi/sdk/v3
fi

# 2. Node.js language host. Preferred: its own module at PULUMI_VERSION. That module is not served
#    by the proxy here, so fall back to the last release that still shipped the host inside the
#    sdk/v3 module (PULUMI_NODEJS_LANGHOST_SDK_VERSION). It only spawns
#    node_modules/@pulumi/pulumi/cmd/run, which the npm package of PULUMI_VERSION provides.
if [[ ! -x "$bin/pulumi-language-nodejs" ]]; then
  if ! build_wrapped pulumi-language-nodejs \
      github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 "$PULUMI_VERSION" \
      github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 "$bin/pulumi-language-nodejs" \
      github.com/pulumi/pulumi/sdk/v3 2>/dev/null; then
    log "falling back to the language host inside sdk/v3@v$PULUMI_NODEJS_LANGHOST_SDK_VERSION"
    build_wrapped pulumi-language-nodejs-sdk github.com/pulumi/pulumi/sdk/v3 \
      "$PULUMI_NODEJS_LANGHOST_SDK_VERSION" github.com/pulumi/pulumi/sdk/v3/nodejs/cmd/pulumi-language-nodejs \
      "$bin/pulumi-language-nodejs"
  fi
fi
# The dynamic-provider shim (pulumi-resource-pulumi-nodejs) ships in the SDK module's nodejs/dist.
sdkdir="$(mod_download "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" Dir)"
for f in "$sdkdir"/nodejs/dist/pulumi-*; do
  [[ "$f" == *.cmd ]] && continue
  install -m 0755 "$f" "$bin/$(basename "$f")"
done

# 3./4. Resource providers, laid out in the plugin cache the CLI reads
#    ($PULUMI_HOME/plugins/resource-NAME-vVERSION/, installed unless a sibling .partial exists).
missing=()
provider() {
  local name="$1" module="$2" version="$3" out="$4"
  [[ -x "$out" ]] && return 0
  if ! mod_download "$module@v$version" Dir >/dev/null; then
    log "cannot build pulumi-resource-$name v$version: the module proxy does not serve $module@v$version"
    missing+=("$name")
    return 0
  fi
  # Not reachable today; written down so the gap is explicit rather than guessed at.
  log "$module@v$version is now served, but no build recipe for it has been written and checked yet"
  missing+=("$name")
}
provider kubernetes github.com/pulumi/pulumi-kubernetes/provider/v4 "$PULUMI_KUBERNETES_VERSION" "$k8s_plugin"
# pulumi-docker's provider module path stayed .../provider/v4 through its 5.x releases, so a 5.x tag
# cannot even be a version of that module; the probe below fails for that reason as well.
provider docker github.com/pulumi/pulumi-docker/provider/v4 "$PULUMI_DOCKER_VERSION" "$docker_plugin"

if ((${#missing[@]})); then
  if [[ "$allow_missing" == 1 ]]; then
    log "WARNING: toolchain is missing providers: ${missing[*]} (STEVEDORE_TOOLCHAIN_ALLOW_MISSING_PROVIDERS=1)"
  else
    log "ERROR: toolchain is missing providers: ${missing[*]}; CLI and language host are in $bin"
    exit 1
  fi
fi
echo "$bin"
