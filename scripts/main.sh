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
# tsdown prints a deprecation banner for Node.js < 22.18 on every build, before it reads
# any config, and offers no setting to turn it off; Node 20.19 is a supported floor here,
# so that one line is dropped. Every other line of the build passes through (in colour when
# this is a terminal: turbo sees a pipe).
color=$([[ -t 1 ]] && echo --color || true)
pnpm build $color | awk '!/\[tsdown\] Node\.js v[0-9.]+ is deprecated\. Support will be removed/ { print; fflush() }'
if [[ " $* " != *" --once "* ]]; then
  pnpm run docs
fi
cd examples
# One process that owns the sandboxes and the Prism children, so a signal sent to the main
# command reaches the code that stops them (the tsx CLI would run the demo in a child).
exec node --import tsx demo.ts "$@"
