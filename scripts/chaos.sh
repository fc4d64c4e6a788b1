#!/usr/bin/env bash
# npm run chaos [-- --trades=50000 --seconds=3100 --seed=42]: the fault-injection run (tools/chaos) on its
# own Kafka broker (127.0.0.1:19092) and its own PostgreSQL cluster (127.0.0.1:15432) under .local/chaos —
# the shared broker and database are never restarted. Results in chaos-results/.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
bash scripts/install.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
# The run's own broker (deploy/local/kafka.sh) has the local principals: the orchestrator is its admin.
unset KAFKA_SASL_MECHANISM KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD
# shellcheck source=../deploy/local/kafka-env.sh
source deploy/local/kafka-env.sh
exec node tools/chaos/dist/main.js "$@"
