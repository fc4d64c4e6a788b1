#!/usr/bin/env node
// Prints, from the topic catalogue (libs/shared/contracts/topics.json), the kafka-acls.sh commands that
// give each service's principal its own topics and consumer groups (catalogueAcls), for a cluster where
// Postera does not create the ACLs itself (production: deploy/README.md, Kafka). Needs the build.
//
//   node deploy/kafka-acls.mjs [--topic-prefix ''] [--group-prefix postera] > acls.sh
//   KAFKA_BOOTSTRAP=kafka:9093 ADMIN_CONFIG=admin.properties bash acls.sh
import { catalogueAcls, TOPIC_CATALOGUE } from '@postera/contracts';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const scope = { topicPrefix: option('topic-prefix', ''), groupPrefix: option('group-prefix', 'postera') };
const quote = (s) => `'${s.replace(/'/g, "'\\''")}'`;

const lines = ['#!/usr/bin/env bash', 'set -euo pipefail', ': "${KAFKA_BOOTSTRAP:?}" "${ADMIN_CONFIG:?}"'];
for (const a of catalogueAcls(TOPIC_CATALOGUE, scope)) {
  const resource = a.resourceType === 'TOPIC' ? `--topic ${quote(a.resourceName)}` : `--group ${quote(a.resourceName)}`;
  lines.push(
    `kafka-acls.sh --bootstrap-server "$KAFKA_BOOTSTRAP" --command-config "$ADMIN_CONFIG" --add --allow-principal ${quote(a.principal)} ` +
      `--operation ${a.operation === 'READ' ? 'Read' : 'Write'} ${resource} --resource-pattern-type ${a.patternType.toLowerCase()}`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
