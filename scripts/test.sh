#!/usr/bin/env bash
# The whole test suite — unit, integration (real Postgres and Kafka) and end-to-end (the built
# services as processes on the real broker and database). Starts what it needs first.
# Extra arguments go to Jest (e.g. `npm test -- --selectProjects unit`).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
bash scripts/install.sh
bash scripts/ensure-infra.sh
# The tests connect as the local broker's admin principal unless KAFKA_SASL_* name another.
# shellcheck source=../deploy/local/kafka-env.sh
source deploy/local/kafka-env.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
# One worker: the integration and e2e suites each start real processes on a 2-core machine.
exec node --experimental-vm-modules node_modules/jest/bin/jest.js --runInBand "$@"
