#!/usr/bin/env bash
# The README's main command: install, generate, build, then serve the Prism mocks
# until Ctrl-C.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

pnpm generate
pnpm build
exec node scripts/mock.mjs "$@"
