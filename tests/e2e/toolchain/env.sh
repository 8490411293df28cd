# Source after build.sh:  . tests/e2e/toolchain/env.sh
# Points PATH and PULUMI_HOME at the toolchain cache that build.sh fills for the current
# versions.env (it does not build anything itself).
_stevedore_tc_root="$(bash "$(dirname "${BASH_SOURCE[0]}")/build.sh" --print-dir)"
export PATH="$_stevedore_tc_root/bin:$PATH"
export PULUMI_HOME="$_stevedore_tc_root/pulumi-home"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SKIP_UPDATE_CHECK=true
unset _stevedore_tc_root
