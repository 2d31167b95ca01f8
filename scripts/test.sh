#!/usr/bin/env bash
# The README's test command: every check and test, as CI runs them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

pnpm check:generated
pnpm lint
pnpm size
pnpm size:floor
pnpm typecheck
pnpm test
