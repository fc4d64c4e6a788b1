#!/usr/bin/env bash
# The compose broker (apache/kafka image): KRaft, one node, SASL_PLAINTEXT with SCRAM-SHA-512 and ACLs
# on (StandardAuthorizer, deny by default). The SCRAM users are made when the storage is formatted: the
# super user postera-admin (the topics job) and one per principal of the topic catalogue, each with
# its password from deploy/compose/.env (POSTERA_KAFKA_PASSWORD_<NAME>). The topics job creates the ACLs.
set -euo pipefail
PROPS=/tmp/server.properties
DATA=/tmp/kraft-data
ADMIN=postera-admin
PRINCIPALS=(capture settlement accounting reporting notification gateway market-sim upstream)

password_of() {
  local var="POSTERA_KAFKA_PASSWORD_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  [[ -n "${!var:-}" ]] || { echo "kafka-start: $var is not set (node deploy/secrets/dev-secrets.mjs compose)" >&2; exit 1; }
  printf '%s' "${!var}"
}
ADMIN_PASSWORD="$(password_of admin)"

cat >"$PROPS" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@kafka:9093
listeners=SASL_PLAINTEXT://:9092,CONTROLLER://:9093
advertised.listeners=SASL_PLAINTEXT://kafka:9092
controller.listener.names=CONTROLLER
inter.broker.listener.name=SASL_PLAINTEXT
listener.security.protocol.map=CONTROLLER:SASL_PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$ADMIN" password="$ADMIN_PASSWORD";
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$ADMIN" password="$ADMIN_PASSWORD" user_$ADMIN="$ADMIN_PASSWORD";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:$ADMIN
allow.everyone.if.no.acl.found=false
log.dirs=$DATA
num.partitions=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS

if [[ ! -f "$DATA/meta.properties" ]]; then
  scram=(--add-scram "SCRAM-SHA-512=[name=$ADMIN,password=$ADMIN_PASSWORD]")
  for p in "${PRINCIPALS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(password_of "$p")]"); done
  /opt/kafka/bin/kafka-storage.sh format -t "$(/opt/kafka/bin/kafka-storage.sh random-uuid)" -c "$PROPS" "${scram[@]}"
fi
# The healthcheck's client: the admin principal.
printf 'security.protocol=SASL_PLAINTEXT\nsasl.mechanism=SCRAM-SHA-512\nsasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";\n' \
  "$ADMIN" "$ADMIN_PASSWORD" >/tmp/admin.properties
exec /opt/kafka/bin/kafka-server-start.sh "$PROPS"
