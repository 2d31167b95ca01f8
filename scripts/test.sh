#!/usr/bin/env bash
# The README's test command: every check and test, as CI runs them.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

# Colour when this is a terminal (turbo sees a pipe); the banner filter is in bootstrap.sh.
color=$([[ -t 1 ]] && echo --color || true)
pnpm check:generated
pnpm lint $color | without_tsdown_banner
pnpm size
pnpm size:floor
pnpm typecheck
pnpm test $color | without_tsdown_banner
