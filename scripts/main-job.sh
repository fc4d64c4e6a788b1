#!/usr/bin/env bash
# The main job: install what is missing, start Kafka and Postgres where nothing is configured,
# then run a sample back-office day end to end and print the end-of-day summary.
#   npm start                 # the stack stays up afterwards (gateway on :3000), Ctrl-C to stop
#   npm start -- --exit       # stop once the summary is printed
#   npm start -- --trades=5000 --date=2026-11-26
#   npm start -- --help       # the options; nothing is started
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/node-runtime.sh
source scripts/node-runtime.sh
bash scripts/install.sh
# The help needs the built job only: no broker or database is started for it.
for a in "$@"; do
  case "$a" in -h | --help) exec node tools/devstack/dist/main-job.js --help ;; esac
done
bash scripts/ensure-infra.sh
# shellcheck source=../deploy/local/kafka-env.sh
source deploy/local/kafka-env.sh
export KAFKAJS_NO_PARTITIONER_WARNING=1
exec node tools/devstack/dist/main-job.js "$@"
