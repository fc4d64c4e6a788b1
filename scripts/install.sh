#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than the lock file, then builds the
# services, libraries and tools (tsc) and the operators' console (Vite).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npx tsc -b tsconfig.build.json
npm run build --silent -w apps/console
