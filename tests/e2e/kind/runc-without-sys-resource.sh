#!/usr/bin/env bash
# Test harness only, never part of what users run. This machine's root lacks CAP_SYS_RESOURCE in
# its bounding set, so runc cannot grant it: a `--privileged` container (every kind node) fails
# with "unable to apply caps: operation not permitted", and lowering a process's oom_score_adj
# (kubelet asks -997/-998 for critical pods) is refused. This wrapper takes CAP_SYS_RESOURCE out
# of the OCI spec's capability sets on create/run (the bundle's config.json) and exec (the
# --process file), raises a negative oomScoreAdj to 0, then runs the real runc. It is registered
# as the default runtime of the test's own dockerd and installed as the kind node's runc.
set -euo pipefail
real="${STEVEDORE_REAL_RUNC:-/usr/sbin/runc}"

# fix FILE PREFIX: edits the capabilities object under PREFIX (".process", or "" for a process file) (and a sibling oomScoreAdj) in place.
fix() {
    local tmp
    tmp="$(mktemp "$1.XXXXXX")"
    jq "($2.capabilities // {}) |= del(.[][]? | select(. == \"CAP_SYS_RESOURCE\"))
        | if ($2.oomScoreAdj // 0) < 0 then $2.oomScoreAdj = 0 else . end" "$1" > "$tmp"
    mv "$tmp" "$1"
}

cmd="" bundle="." process=""
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    a="${args[i]}"
    if [[ -z "$cmd" ]]; then
        case "$a" in
            --root | --log | --log-format | --criu | --rootless) i=$((i + 1)) ;;
            create | run | exec) cmd="$a" ;;
            -*) ;;
            *) break ;;
        esac
        continue
    fi
    case "$a" in
        --bundle | -b) bundle="${args[i + 1]}" ;;
        --bundle=*) bundle="${a#--bundle=}" ;;
        --process | -p) process="${args[i + 1]}" ;;
        --process=*) process="${a#--process=}" ;;
    esac
done
case "$cmd" in
    create | run) [[ -f "$bundle/config.json" ]] && fix "$bundle/config.json" .process ;;
    exec) [[ -n "$process" && -f "$process" ]] && fix "$process" "" ;;
esac
exec "$real" "$@"
