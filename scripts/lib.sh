# Shared helpers for stevedore's scripts (sourced, not run).

# Node 22+ is what @pulumi/pulumi supports; the npm package `node` ships it into node_modules/.bin.
use_project_node() {
    local root="$1"
    if [ -x "$root/node_modules/.bin/node" ]; then
        export PATH="$root/node_modules/.bin:$PATH"
    fi
}

# Puts a pulumi CLI on PATH: the user's own if they have one, else the one built from source by
# tests/e2e/toolchain/build.sh (slow the first time, cached outside the clone afterwards).
use_pulumi() {
    local root="$1"
    if command -v pulumi >/dev/null 2>&1 && [ -z "${STEVEDORE_USE_TOOLCHAIN:-}" ]; then
        return 0
    fi
    STEVEDORE_TOOLCHAIN_ALLOW_MISSING_PROVIDERS=1 bash "$root/tests/e2e/toolchain/build.sh" >/dev/null
    # shellcheck disable=SC1091
    source "$root/tests/e2e/toolchain/env.sh"
    # Provider plugins are not part of that build; where the network allows, the CLI fetches them.
    unset PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION
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
