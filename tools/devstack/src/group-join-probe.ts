/**
 * Loaded by the bench into each service process (`node --import`) when it runs replicas: at every
 * join of a consumer group, appends the process id, the group and the member id the broker gave to
 * the file `BENCH_GROUP_JOINS_FILE`, one JSON line each. The broker describes a group's members by
 * member id and client id, the same for every replica of a service; this names the process of each.
 * A listener on kafkajs's own GROUP_JOIN event, beside the platform's: nothing else changes.
 */
import { appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface KafkaConsumer {
  on(event: string, listener: (e: { payload: { groupId: string; memberId: string } }) => void): unknown;
  events: { GROUP_JOIN: string };
}

const file = process.env.BENCH_GROUP_JOINS_FILE;
if (file) {
  // The services import kafkajs as a CommonJS module: this is the same module object, from the same cache.
  const kafkajs = createRequire(import.meta.url)('kafkajs') as { Kafka: { prototype: { consumer: (...a: unknown[]) => KafkaConsumer } } };
  const consumer = kafkajs.Kafka.prototype.consumer;
  kafkajs.Kafka.prototype.consumer = function (this: unknown, ...a: unknown[]) {
    const c = consumer.apply(this, a);
    c.on(c.events.GROUP_JOIN, (e) => {
      appendFileSync(file, `${JSON.stringify({ pid: process.pid, groupId: e.payload.groupId, memberId: e.payload.memberId })}\n`);
    });
    return c;
  };
}
