# Source it:  source scripts/env.sh
# Gives this shell what `npm run up` uses: the project's Node, a pulumi CLI (yours, or the one
# built from Go modules), and the local state backend and passphrase file under
# ${STEVEDORE_HOME:-~/.stevedore} unless you are logged in to another backend.
_stevedore_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=/dev/null
source "$_stevedore_root/scripts/lib.sh"
use_project_node "$_stevedore_root"
use_pulumi "$_stevedore_root"
use_local_backend
echo "pulumi: $(command -v pulumi); backend: ${PULUMI_BACKEND_URL:-your pulumi login}; passphrase file: ${PULUMI_CONFIG_PASSPHRASE_FILE:-from PULUMI_CONFIG_PASSPHRASE}"
unset _stevedore_root
