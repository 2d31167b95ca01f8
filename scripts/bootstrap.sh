#!/usr/bin/env bash
# Sourced by the README commands: makes the pinned pnpm available (installed locally into
# .tools/ when the machine has no matching pnpm) and installs the workspace's
# dependencies from the frozen lockfile. Needs only Node.js >= 20.19 and npm.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

node -e '
const [maj, min] = process.versions.node.split(".").map(Number);
if (maj < 20 || (maj === 20 && min < 19)) {
  console.error(`tokenwire needs Node.js >= 20.19; this is ${process.version}.`);
  process.exit(1);
}'

pnpm_version=$(node -p "require('./package.json').packageManager.replace(/^pnpm@/, '')")
if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
  if [ "$(.tools/node_modules/.bin/pnpm --version 2>/dev/null)" != "$pnpm_version" ]; then
    echo "Installing pnpm $pnpm_version into .tools/ ..."
    npm install --silent --no-audit --no-fund --prefix .tools "pnpm@$pnpm_version"
  fi
  export PATH="$PWD/.tools/node_modules/.bin:$PATH"
fi
export TURBO_TELEMETRY_DISABLED=1
pnpm install --frozen-lockfile

# tsdown prints a deprecation banner for Node.js < 22.18 on every build, before it reads any
# config, and offers no setting to turn it off; Node 20.19 is a supported floor here, so
# that one line is dropped from the README commands' output. Every other line passes
# through, as it comes (pipe a command into it; `set -o pipefail` keeps its exit code).
without_tsdown_banner() {
  awk '!/\[tsdown\] Node\.js v[0-9.]+ is deprecated\. Support will be removed/ { print; fflush() }'
}
