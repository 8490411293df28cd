#!/usr/bin/env bash
# Builds the image-build parts of the e2e toolchain (versions in buildkit.env only):
#
#   bash tests/e2e/toolchain/buildkit.sh [PART...]          # build what is missing; last stdout line = bin dir
#   bash tests/e2e/toolchain/buildkit.sh --print-dir        # print its cache dir, build nothing
#   bash tests/e2e/toolchain/buildkit.sh --check [PART...]  # exit 0 when the parts are there, else list what is not
#
# PART is docker-build-provider, buildkit (bin/buildkitd and bin/docker-buildx, one go build) or
# all of them by default. The BuildKit parts go to <toolchain dir>/buildkit-<hash of buildkit.env>/;
# the provider plugin to the main toolchain's PULUMI_HOME (build.sh --print-dir). Each part's time
# is appended to build-times.txt in its cache dir.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
# shellcheck source=/dev/null
set -a; . "$here/buildkit.env"; set +a

hash="$(sha256sum < "$here/buildkit.env" | cut -c1-16)"
root="${STEVEDORE_TOOLCHAIN_DIR:-$HOME/.cache/stevedore/toolchain}/buildkit-$hash"
bin="$root/bin"
main_root="$(bash "$here/build.sh" --print-dir)"
plugin="$main_root/pulumi-home/plugins/resource-docker-build-v$PULUMI_DOCKER_BUILD_VERSION/pulumi-resource-docker-build"
all_parts=(docker-build-provider buildkit)

outputs() {
  case "$1" in
    docker-build-provider) echo "$plugin" ;;
    buildkit) echo "$bin/buildkitd"; echo "$bin/docker-buildx" ;;
    *) echo "buildkit.sh: unknown part '$1'; parts are: ${all_parts[*]}" >&2; return 1 ;;
  esac
}
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
command -v go >/dev/null || { log "go not found on PATH"; exit 1; }
mkdir -p "$bin" "$root/src"

timed() {
  local name="$1" start=$SECONDS; shift
  log "building $name"
  "$@"
  log "built $name in $((SECONDS - start))s"
  printf '%s\t%ss\t%s\n' "$name" "$((SECONDS - start))" "$(date -u +%FT%TZ)" >> "$root/build-times.txt"
}

# The provider plugin: a build from public sources ships in ../shared (README there).
install_docker_build_provider() {
  local gz="${STEVEDORE_SHARED_DIR:-$repo/../shared}/tools/pulumi-plugins/pulumi-resource-docker-build-v$PULUMI_DOCKER_BUILD_VERSION-linux-amd64.gz"
  [[ -f "$gz" ]] || { log "docker-build provider plugin not found: $gz (see tests/e2e/README.md)"; return 1; }
  mkdir -p "$(dirname "$plugin")"
  gunzip -c "$gz" > "$plugin.tmp"
  echo "$PULUMI_DOCKER_BUILD_SHA256  $plugin.tmp" | sha256sum -c --quiet - \
    || { log "docker-build provider plugin: sha256 differs from buildkit.env"; rm -f "$plugin.tmp"; return 1; }
  chmod 0755 "$plugin.tmp"
  mv "$plugin.tmp" "$plugin"
}

# buildkitd and buildx in one wrapper module, so the packages they share compile once. Neither
# go.mod has replace directives; buildx requires a BuildKit just below ours, which MVS lifts.
build_buildkit() {
  local dir="$root/src/buildkit" out="$root/src/buildkit-out"
  rm -rf "$dir"; mkdir -p "$dir" "$out"
  printf 'module stevedore.local/toolchain/buildkit\n\ngo 1.25.9\n' > "$dir/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport (\n\t_ "github.com/moby/buildkit/cmd/buildkitd"\n\t_ "github.com/docker/buildx/cmd/buildx"\n)\n' > "$dir/tools.go"
  (cd "$dir" && go mod edit -require="github.com/moby/buildkit@v$BUILDKIT_VERSION" -require="github.com/docker/buildx@v$BUILDX_VERSION")
  (cd "$dir" && GOFLAGS=-mod=mod go mod tidy > tidy.log 2>&1) || { cat "$dir/tidy.log" >&2; return 1; }
  local x="-X github.com/moby/buildkit/version.Version=v$BUILDKIT_VERSION -X github.com/docker/buildx/version.Version=v$BUILDX_VERSION"
  (cd "$dir" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w $x" -o "$out/" \
    github.com/moby/buildkit/cmd/buildkitd github.com/docker/buildx/cmd/buildx)
  mv "$out/buildkitd" "$bin/buildkitd"
  mv "$out/buildx" "$bin/docker-buildx"
}

for p in "${wanted[@]}"; do
  part_missing "$p" || continue
  case "$p" in
    docker-build-provider) timed "pulumi-resource-docker-build v$PULUMI_DOCKER_BUILD_VERSION (unpacked)" install_docker_build_provider ;;
    buildkit) timed "buildkitd v$BUILDKIT_VERSION + buildx v$BUILDX_VERSION" build_buildkit ;;
  esac
done

m="$(missing_parts)"
if [[ -n "$m" ]]; then log "still missing after the build:"; echo "$m" >&2; exit 1; fi
echo "$bin"
