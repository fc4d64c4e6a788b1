import { dlqTopic, physicalTopic, type TopicCatalogue } from './topics.js';

/** One ALLOW rule of the broker, for any host: the principal may do `operation` on the resource. */
export interface KafkaAcl {
  /** `User:<name>`, the SCRAM username. */
  principal: string;
  resourceType: 'TOPIC' | 'GROUP';
  resourceName: string;
  /** LITERAL: that name only; PREFIXED: every name that starts with it. */
  patternType: 'LITERAL' | 'PREFIXED';
  /** READ implies DESCRIBE, WRITE implies DESCRIBE (the broker's own rule). */
  operation: 'READ' | 'WRITE';
}

/**
 * The principal that browses every dead-letter topic and puts a message back on its original topic
 * (services/gateway/src/dlq): read on every `.dlq`, write on every topic of the catalogue — and on
 * nothing outside it.
 */
export const DLQ_REPLAYER_PRINCIPAL = 'gateway';

/**
 * The principal that counts the dead letters of every `.dlq` for the activity report
 * (services/reporting/src/activity/dead-letters.consumer.ts): read on every `.dlq`, nothing more.
 */
export const DLQ_COUNTER_PRINCIPAL = 'reporting';

export interface AclScope {
  /** TOPIC_PREFIX of the environment ('' for none): the rules name the physical topics. */
  topicPrefix: string;
  /** CONSUMER_GROUP_PREFIX: a service's groups are `<groupPrefix>.<service>.<consumer>`. */
  groupPrefix: string;
}

/** Every principal the catalogue names, sorted: the SCRAM users a cluster needs (besides its admin). */
export function cataloguePrincipals(catalogue: TopicCatalogue): string[] {
  const names = new Set<string>([DLQ_REPLAYER_PRINCIPAL, DLQ_COUNTER_PRINCIPAL]);
  for (const t of catalogue.topics) for (const p of [...t.producers, ...t.consumers]) names.add(p);
  return [...names].sort();
}

/**
 * The broker's ACLs, derived from the catalogue's producers and consumers so that they are written
 * down once. A service writes the topics it produces and the `.dlq` of those it consumes (the batch
 * consumer sends a poison message there), reads the topics it consumes, and uses the consumer groups
 * named after it; the gateway reads every `.dlq` to replay it, reporting to count it. Nothing else: the broker refuses the rest (TOPIC_AUTHORIZATION_FAILED).
 */
export function catalogueAcls(catalogue: TopicCatalogue, scope: AclScope): KafkaAcl[] {
  const acls = new Map<string, KafkaAcl>();
  const add = (acl: KafkaAcl) => acls.set(`${acl.principal}|${acl.resourceType}|${acl.patternType}|${acl.resourceName}|${acl.operation}`, acl);
  const topicAcl = (principal: string, topic: string, operation: KafkaAcl['operation']) =>
    add({ principal: `User:${principal}`, resourceType: 'TOPIC', resourceName: topic, patternType: 'LITERAL', operation });
  const consumers = new Set<string>([DLQ_REPLAYER_PRINCIPAL, DLQ_COUNTER_PRINCIPAL]);
  for (const t of catalogue.topics) {
    const topic = physicalTopic(scope.topicPrefix, t.name);
    for (const p of t.producers) topicAcl(p, topic, 'WRITE');
    for (const c of t.consumers) {
      topicAcl(c, topic, 'READ');
      topicAcl(c, dlqTopic(topic), 'WRITE');
      consumers.add(c);
    }
    topicAcl(DLQ_REPLAYER_PRINCIPAL, dlqTopic(topic), 'READ');
    topicAcl(DLQ_COUNTER_PRINCIPAL, dlqTopic(topic), 'READ');
    topicAcl(DLQ_REPLAYER_PRINCIPAL, topic, 'WRITE');
  }
  for (const c of consumers) {
    add({ principal: `User:${c}`, resourceType: 'GROUP', resourceName: `${scope.groupPrefix}.${c}.`, patternType: 'PREFIXED', operation: 'READ' });
  }
  return [...acls.values()];
}
