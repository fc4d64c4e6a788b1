#!/usr/bin/env bash
# npm run bench [-- --trades=50000] [--cpus=1|2|1,2]: the pipeline benchmark with its floor (see tools/devstack/src/bench.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
bash scripts/install.sh
bash scripts/ensure-infra.sh
# shellcheck source=../deploy/local/kafka-env.sh
source deploy/local/kafka-env.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node tools/devstack/dist/bench.js "$@"
