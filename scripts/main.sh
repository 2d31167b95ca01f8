#!/usr/bin/env bash
# The README's main command: install, generate, build, then start the sandboxes, run the
# narrated demo against them, and serve the sandboxes, the Prism mocks and the API docs
# until Ctrl-C. `--once`: run the demo and exit (its exit code says whether every step
# behaved).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

pnpm generate
pnpm build
if [[ " $* " != *" --once "* ]]; then
  pnpm run docs
fi
cd examples
exec node_modules/.bin/tsx demo.ts "$@"
