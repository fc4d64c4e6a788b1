#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) without Docker.
#
#   deploy/local/kafka.sh start    # idempotent: fetch jars (first run), format, start, create topics
#   deploy/local/kafka.sh stop     # SIGTERM, up to 30 s, then SIGKILL
#   deploy/local/kafka.sh status   # exit 0 if a broker answers a Kafka API request, 3 otherwise
#   deploy/local/kafka.sh topics   # (re)create the topics of libs/shared/contracts/topics.json
#   deploy/local/kafka.sh reset    # stop, then delete data/ and logs/ (keeps the jars)
#
# The broker authenticates every client (SASL_PLAINTEXT, SCRAM-SHA-512) and authorizes it with ACLs
# (StandardAuthorizer, deny by default): the super user postera-admin (the tools and the tests) and one
# user per principal of libs/shared/contracts/topics.json, each with the password `<name>-local-secret`
# (loopback only; deploy/local/kafka-env.sh), created when the storage is formatted (`reset` to redo it).
# `topics` also creates the catalogue's ACLs (create-topics.mjs). Both read the built @postera/contracts
# and @postera/platform, built first when missing.
# With KAFKA_BROKERS set (comma list), `start` starts nothing and only creates topics on that cluster.
# Everything lives under <repo>/.local/kafka/: libs/ data/ logs/ server.properties log4j2.properties kafka.pid
# The jars come from Maven Central through deploy/local/kafka/pom.xml (Java 17 + Maven needed).
# A second broker (the chaos run's) sets KAFKA_LOCAL_HOME, KAFKA_LOCAL_PORT and KAFKA_LOCAL_CONTROLLER_PORT;
# it shares the jars of <repo>/.local/kafka/libs. KAFKA_LOCAL_TOPICS=0 skips creating the catalogue's topics.
# shellcheck disable=SC2016 # the single-quoted `bash -c` bodies expand in the child shell on purpose
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"
HOME_DIR="${KAFKA_LOCAL_HOME:-$REPO_ROOT/.local/kafka}"
LIBS="$REPO_ROOT/.local/kafka/libs"
DATA="$HOME_DIR/data"
LOGS="$HOME_DIR/logs"
PROPS="$HOME_DIR/server.properties"
LOG4J="$HOME_DIR/log4j2.properties"
PIDFILE="$HOME_DIR/kafka.pid"

ADMIN_USER=postera-admin
ADMIN_PASSWORD="$ADMIN_USER-local-secret"

HOST=127.0.0.1
PORT="${KAFKA_LOCAL_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_LOCAL_CONTROLLER_PORT:-9093}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "kafka: $*"; }
die() { echo "kafka: $*" >&2; exit 1; }

# --- probes -------------------------------------------------------------------------------------

# True if something accepts TCP connections on $1:$2.
tcp_open() {
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
}

# True if a Kafka broker on $1:$2 answers a real API request: an ApiVersions v0 request
# (api_key 18, correlation id 7, client id "probe") must get a response carrying correlation id 7
# and error code 0 (or 35 UNSUPPORTED_VERSION, which is still a broker answering).
api_answers() {
  local hex
  hex="$(timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x00\x00\x00\x0f\x00\x12\x00\x00\x00\x00\x00\x07\x00\x05probe" >&3
    head -c 10 <&3 | od -An -tx1 | tr -d " \n"
  ' "$1" "$2" 2>/dev/null)" || return 1
  [[ "${hex:8:12}" == "000000070000" || "${hex:8:12}" == "000000070023" ]]
}

# Pid of our broker if the pid file names a live kafka.Kafka JVM, else empty.
broker_pid() {
  local pid
  [[ -f "$PIDFILE" ]] || return 0
  pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka'; then
    echo "$pid"
  fi
}

# --- setup --------------------------------------------------------------------------------------

kafka_version() {
  sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1
}

fetch_libs() {
  local version
  version="$(kafka_version)"
  if [[ -f "$LIBS/kafka_2.13-$version.jar" ]]; then return 0; fi
  command -v mvn >/dev/null || die "mvn not found (needed once to fetch the Kafka $version jars)"
  log "fetching Kafka $version jars with Maven into $LIBS ..."
  rm -rf "$LIBS.tmp"
  mkdir -p "$HOME_DIR" "$(dirname "$LIBS")"
  # Output goes to a file (Debian's mvn prints stray ANSI codes even with -q -B); shown on failure.
  # --strict-checksums: a jar whose checksum does not match Maven Central's is refused, not warned about.
  mvn -q -B --strict-checksums -f "$POM" dependency:copy-dependencies -DoutputDirectory="$LIBS.tmp" >"$HOME_DIR/mvn.log" 2>&1 \
    || { cat "$HOME_DIR/mvn.log" >&2; die "mvn dependency:copy-dependencies failed"; }
  [[ -f "$LIBS.tmp/kafka_2.13-$version.jar" ]] || die "kafka_2.13-$version.jar missing after mvn"
  rm -rf "$LIBS"
  mv "$LIBS.tmp" "$LIBS"
}

write_config() {
  mkdir -p "$DATA" "$LOGS"
  cat >"$PROPS" <<EOF
# Written by deploy/local/kafka.sh on every start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$CONTROLLER_PORT
listeners=SASL_PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CONTROLLER_PORT
advertised.listeners=SASL_PLAINTEXT://$HOST:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
log.dirs=$DATA

# Clients: SCRAM-SHA-512, users in the cluster metadata (formatted with --add-scram). The controller
# listener cannot use SCRAM (its users live in the metadata it serves): PLAIN, its one user here.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN_USER" password="$ADMIN_PASSWORD";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN_USER" password="$ADMIN_PASSWORD" user_$ADMIN_USER="$ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$ADMIN_USER
allow.everyone.if.no.acl.found=false

num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0

log.retention.hours=168
log.retention.check.interval.ms=300000
log.segment.bytes=104857600
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
EOF
  cat >"$LOG4J" <<'EOF'
# Written by deploy/local/kafka.sh: INFO to logs/server.log, WARN and above also to logs/server.out.
status = warn
name = postera-local-kafka
appender.file.type = RollingFile
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.filePattern = ${sys:kafka.logs.dir}/server.log.%i
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
appender.file.policies.type = Policies
appender.file.policies.size.type = SizeBasedTriggeringPolicy
appender.file.policies.size.size = 20MB
appender.file.strategy.type = DefaultRolloverStrategy
appender.file.strategy.max = 3
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
appender.out.filter.threshold.type = ThresholdFilter
appender.out.filter.threshold.level = warn
rootLogger.level = info
rootLogger.appenderRef.file.ref = FILE
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.cleaner.name = kafka.log.LogCleaner
logger.cleaner.level = warn
EOF
}

# The SCRAM users and create-topics.mjs read the built @postera/contracts and @postera/platform/kafka:
# on a fresh clone (npm ci done, nothing built yet) those two libraries are built here first.
ensure_libraries_built() {
  if [[ -f "$REPO_ROOT/libs/shared/contracts/dist/index.js" && -f "$REPO_ROOT/libs/shared/platform/dist/kafka.js" ]]; then return 0; fi
  [[ -d "$REPO_ROOT/node_modules/typescript" ]] || die "node_modules missing: run npm ci first"
  log "building libs/shared/contracts and libs/shared/platform (read by the users' and the topics' setup)"
  (cd "$REPO_ROOT" && npx tsc -b libs/shared/platform) || die "building libs/shared/platform failed"
}

# The principals of the topic catalogue, one a line (cataloguePrincipals of @postera/contracts).
catalogue_principals() {
  command -v node >/dev/null || die "node not found"
  ensure_libraries_built
  (cd "$REPO_ROOT" && node --input-type=module -e "
    import { cataloguePrincipals, TOPIC_CATALOGUE } from '@postera/contracts';
    console.log(cataloguePrincipals(TOPIC_CATALOGUE).join('\\n'));
  ") || die "cannot read the catalogue's principals"
}

format_storage() {
  if [[ -f "$DATA/meta.properties" ]]; then return 0; fi
  local cluster_id
  cluster_id="$("$JAVA" -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$LOGS" \
    kafka.tools.StorageTool random-uuid | tail -n1)"
  local scram=() principal
  scram+=(--add-scram "SCRAM-SHA-512=[name=$ADMIN_USER,password=$ADMIN_PASSWORD]")
  for principal in $(catalogue_principals); do
    scram+=(--add-scram "SCRAM-SHA-512=[name=$principal,password=$principal-local-secret]")
  done
  log "formatting $DATA (cluster id $cluster_id; SCRAM users $ADMIN_USER $(catalogue_principals | tr '\n' ' '))"
  # Static voters (controller.quorum.voters): format without --standalone.
  "$JAVA" -cp "$LIBS/*" -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$LOGS" \
    kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" "${scram[@]}" >"$LOGS/format.out" 2>&1 \
    || { cat "$LOGS/format.out" >&2; die "storage format failed"; }
}

fail_with_log() {
  echo "kafka: $*" >&2
  local errors
  errors="$(grep -E '^\[[^]]*\] (ERROR|FATAL)|^Caused by|Exception:' "$LOGS/server.out" 2>/dev/null | tail -n 15 || true)"
  echo "---- $LOGS/server.out (errors; full INFO log in $LOGS/server.log) ----" >&2
  if [[ -n "$errors" ]]; then echo "$errors" >&2; else tail -n 30 "$LOGS/server.out" >&2 2>/dev/null || true; fi
  exit 1
}

# --- commands -----------------------------------------------------------------------------------

cmd_topics() {
  if [[ "${KAFKA_LOCAL_TOPICS:-1}" == "0" ]]; then return 0; fi
  command -v node >/dev/null || die "node not found"
  ensure_libraries_built
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    node "$SCRIPT_DIR/create-topics.mjs" # another cluster: its connection from the environment
  else
    KAFKA_BROKERS="$HOST:$PORT" KAFKA_SASL_MECHANISM=scram-sha-512 KAFKA_SASL_USERNAME="$ADMIN_USER" \
      KAFKA_SASL_PASSWORD="$ADMIN_PASSWORD" KAFKA_TLS=false node "$SCRIPT_DIR/create-topics.mjs"
  fi
}

cmd_start() {
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    log "KAFKA_BROKERS=$KAFKA_BROKERS set: not starting a local broker"
    cmd_topics
    return
  fi

  local pid
  pid="$(broker_pid)"
  if [[ -n "$pid" ]]; then
    log "already running (pid $pid)"
  elif api_answers "$HOST" "$PORT"; then
    log "a broker already answers on $HOST:$PORT (not started by this script); not starting another"
  elif tcp_open "$HOST" "$PORT"; then
    die "port $PORT on $HOST is taken by something that does not answer as a Kafka broker"
  else
    command -v "$JAVA" >/dev/null || die "java not found (set JAVA_HOME or put java 17+ on PATH)"
    fetch_libs
    write_config
    format_storage
    rm -f "$PIDFILE"
    log "starting broker on $HOST:$PORT (logs in $LOGS)"
    # Own session (setsid) so the broker outlives the shell that started it; the inner shell writes
    # its own pid and then execs java, so the pid file names the JVM itself.
    PIDFILE="$PIDFILE" setsid nohup bash -c 'echo $$ >"$PIDFILE"; exec "$@"' kafka-local \
      "$JAVA" -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$LOG4J" -Dkafka.logs.dir="$LOGS" \
      -cp "$LIBS/*" kafka.Kafka "$PROPS" \
      >"$LOGS/server.out" 2>&1 </dev/null &
    local started=$SECONDS
    while [[ ! -s "$PIDFILE" ]] && (( SECONDS - started < 5 )); do sleep 0.1; done
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ -n "$pid" ]] || fail_with_log "broker did not start"
  fi

  # Bounded wait until the broker answers a Kafka API request (or dies).
  local deadline=$((SECONDS + START_TIMEOUT))
  until api_answers "$HOST" "$PORT"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      rm -f "$PIDFILE"
      fail_with_log "broker process $pid died during startup"
    fi
    if (( SECONDS >= deadline )); then
      fail_with_log "broker did not answer on $HOST:$PORT within ${START_TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "broker answers on $HOST:$PORT"
  cmd_topics
}

cmd_stop() {
  local pid
  pid="$(broker_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PIDFILE"
    log "not running (no live broker in $PIDFILE)"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local i
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$PIDFILE"
  log "stopped"
}

cmd_status() {
  local host="$HOST" port="$PORT" pid
  if [[ -n "${KAFKA_BROKERS:-}" ]]; then
    local first="${KAFKA_BROKERS%%,*}"
    host="${first%:*}"
    port="${first##*:}"
  fi
  pid="$(broker_pid)"
  if api_answers "$host" "$port"; then
    log "answering on $host:$port${pid:+ (local broker pid $pid)}"
    return 0
  fi
  if [[ -n "$pid" ]]; then
    log "local broker pid $pid is running but not answering on $host:$port"
  else
    log "not answering on $host:$port (no local broker running)"
  fi
  return 3
}

cmd_reset() {
  cmd_stop
  rm -rf "$DATA" "$LOGS"
  log "deleted $DATA and $LOGS"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  topics) cmd_topics ;;
  reset) cmd_reset ;;
  *)
    echo "usage: $0 start|stop|status|topics|reset" >&2
    exit 2
    ;;
esac
