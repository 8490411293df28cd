# Shared helpers for stevedore's scripts (sourced, not run).

# Node 22+ is what @pulumi/pulumi supports; the npm package `node` ships it into node_modules/.bin.
use_project_node() {
    local root="$1"
    if [ -x "$root/node_modules/.bin/node" ]; then
        export PATH="$root/node_modules/.bin:$PATH"
    fi
}

# preflight STACK: checks what `npm run up` needs and prints, for each missing piece, what it is and
# how to get it. Returns 1 if anything is missing. Nothing slow happens before it.
preflight() {
    local stack="$1" missing=0
    say_missing() { echo "missing: $1" >&2; echo "  -> $2" >&2; missing=1; }
    if ! command -v npm >/dev/null 2>&1; then
        say_missing "npm (Node.js 20 or newer with npm)" "install Node.js from https://nodejs.org or your package manager; npm ci then brings the Node 22 Pulumi runs on"
    fi
    if ! command -v docker >/dev/null 2>&1; then
        say_missing "docker (a Docker engine builds the images and runs the local registry)" "install Docker Engine or Docker Desktop: https://docs.docker.com/get-docker/"
    elif ! docker info >/dev/null 2>&1; then
        say_missing "a running Docker engine (docker info failed${DOCKER_HOST:+ for DOCKER_HOST=$DOCKER_HOST})" "start Docker (Docker Desktop, or: sudo systemctl start docker) and check that 'docker info' works"
    fi
    if [ "$stack" = "dev" ] && [ -z "${STEVEDORE_SKIP_KIND:-}" ] && ! command -v kind >/dev/null 2>&1; then
        say_missing "kind (the dev stack deploys to the kind cluster 'stevedore')" \
            "install kind (https://kind.sigs.k8s.io, or: go install sigs.k8s.io/kind@latest), or use your own cluster: STEVEDORE_SKIP_KIND=1 with stevedore:local.context set to its kubeconfig context"
    fi
    if ! command -v pulumi >/dev/null 2>&1; then
        if command -v go >/dev/null 2>&1; then
            echo "no pulumi CLI on PATH: it will be built from Go modules (tests/e2e/toolchain/build.sh; about 20 minutes the first time, cached afterwards)" >&2
        else
            say_missing "the Pulumi CLI" "install it: https://www.pulumi.com/docs/iac/download-install/ (or install Go, and stevedore builds one from Go modules)"
        fi
    fi
    return "$missing"
}

# Puts a pulumi CLI on PATH: the user's own if they have one, else the CLI and Node.js language host
# built from Go modules by tests/e2e/toolchain/build.sh (slow the first time, cached afterwards).
use_pulumi() {
    local root="$1"
    if command -v pulumi >/dev/null 2>&1 && [ -z "${STEVEDORE_USE_TOOLCHAIN:-}" ]; then
        return 0
    fi
    if ! bash "$root/tests/e2e/toolchain/build.sh" --check cli langhost >/dev/null; then
        echo "building the Pulumi CLI and Node.js language host from Go modules (about 20 minutes cold; progress below)" >&2
    fi
    bash "$root/tests/e2e/toolchain/build.sh" cli langhost >/dev/null
    # shellcheck disable=SC1091
    source "$root/tests/e2e/toolchain/env.sh"
    # The docker-build plugin is a 1-second unpack from ../shared where that is present (buildkit.sh).
    bash "$root/tests/e2e/toolchain/buildkit.sh" docker-build-provider >/dev/null 2>&1 || true
    # Plugins the toolchain built are used as they are; any other the CLI downloads where it can.
    if ! bash "$root/tests/e2e/toolchain/build.sh" --check kubernetes-provider docker-provider >/dev/null ||
        ! bash "$root/tests/e2e/toolchain/buildkit.sh" --check docker-build-provider >/dev/null; then
        unset PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION
    fi
}

# A local state backend and a passphrase for its secrets, unless the user already configured one.
use_local_backend() {
    local home="${STEVEDORE_HOME:-$HOME/.stevedore}"
    mkdir -p "$home/state"
    if [ -z "${PULUMI_BACKEND_URL:-}" ] && ! pulumi whoami >/dev/null 2>&1; then
        export PULUMI_BACKEND_URL="file://$home/state"
    fi
    if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
        if [ ! -s "$home/passphrase" ]; then
            (umask 077 && head -c 32 /dev/urandom | base64 > "$home/passphrase")
        fi
        export PULUMI_CONFIG_PASSPHRASE_FILE="$home/passphrase"
    fi
}
