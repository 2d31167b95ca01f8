#!/usr/bin/env bash
# The README's main command: install, generate, build, then start the sandboxes, run the
# narrated demo against them, and serve the sandboxes, the Prism mocks and the API docs
# until Ctrl-C.
#   --once            run the demo and exit (its exit code says whether every step behaved)
#   --port-offset N   move every port by N (also TOKENWIRE_PORT_OFFSET=N), e.g. 100 for
#                     sandboxes 4120-4122, mocks 4110-4112, docs 4130
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Before minutes of install and build: every port the command will serve on must be free
# (needs only Node.js; names the busy port, its service and how to pick other ports).
node scripts/ports.mjs "$@"

source scripts/bootstrap.sh

pnpm generate
# Colour when this is a terminal (turbo sees a pipe); the banner filter is in bootstrap.sh.
color=$([[ -t 1 ]] && echo --color || true)
pnpm build $color | without_tsdown_banner
if [[ " $* " != *" --once "* ]]; then
  pnpm run docs
fi
cd examples
# One process that owns the sandboxes and the Prism children, so a signal sent to the main
# command reaches the code that stops them (the tsx CLI would run the demo in a child).
exec node --import tsx demo.ts "$@"
