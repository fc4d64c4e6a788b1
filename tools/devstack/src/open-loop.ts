import kafkajs from 'kafkajs';
import { physicalTopic } from '@postera/contracts';
import { prng } from './sample.js';
import { kafkaClient } from './topics.js';

const { CompressionTypes, Partitioners } = kafkajs;

/**
 * Send times of `count` arrivals of a Poisson process at `ratePerSecond` (exponential gaps of mean
 * 1/rate), in milliseconds from the start, from a seeded generator: the same schedule every run.
 */
export function poissonSchedule(count: number, ratePerSecond: number, seed = 20261127): number[] {
  if (!(ratePerSecond > 0)) throw new Error(`rate must be positive, got ${ratePerSecond}`);
  const rnd = prng(seed);
  const meanGapMs = 1000 / ratePerSecond;
  const at: number[] = [];
  let t = 0;
  for (let i = 0; i < count; i++) {
    t += -Math.log(1 - rnd()) * meanGapMs; // 1 - u is in (0, 1]: the logarithm stays finite
    at.push(t);
  }
  return at;
}

export interface ScheduledMessage {
  /** Milliseconds after the start at which the message is due. */
  atMs: number;
  topic: string;
  key: string;
  value: string;
}

export interface OpenLoopReport {
  /** The wall-clock time (epoch ms) of the schedule's zero: latencies are measured from `startEpochMs + atMs`. */
  startEpochMs: number;
  /** How late the generator sent its latest message (it must stay small, or the load was not the one asked). */
  sendLagMsMax: number;
  sends: number;
}

/**
 * Open-loop load: each message leaves at its scheduled time whatever the system does with the
 * previous ones (a closed loop would slow down with the system and hide its queueing). Messages
 * due together go in one request, idempotent and acknowledged by all replicas, like `publish`.
 */
export async function publishOpenLoop(brokers: string, prefix: string, schedule: ScheduledMessage[]): Promise<OpenLoopReport> {
  const producer = kafkaClient(brokers, 'postera-open-loop').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const sorted = [...schedule].sort((a, b) => a.atMs - b.atMs);
  const startEpochMs = Date.now();
  const t0 = performance.now();
  let next = 0;
  let sendLagMsMax = 0;
  let sends = 0;
  try {
    while (next < sorted.length) {
      const now = performance.now() - t0;
      const due: ScheduledMessage[] = [];
      while (next < sorted.length && sorted[next]!.atMs <= now) due.push(sorted[next++]!);
      if (due.length > 0) {
        sendLagMsMax = Math.max(sendLagMsMax, now - due[0]!.atMs);
        const byTopic = new Map<string, Array<{ key: string; value: string }>>();
        for (const m of due) {
          const list = byTopic.get(m.topic) ?? [];
          list.push({ key: m.key, value: m.value });
          byTopic.set(m.topic, list);
        }
        await producer.sendBatch({
          acks: -1,
          compression: CompressionTypes.None,
          topicMessages: [...byTopic].map(([topic, messages]) => ({ topic: physicalTopic(prefix, topic), messages })),
        });
        sends++;
        continue;
      }
      const waitMs = Math.max(0, sorted[next]!.atMs - (performance.now() - t0));
      await new Promise((r) => setTimeout(r, Math.min(waitMs, 50)));
    }
  } finally {
    await producer.disconnect();
  }
  return { startEpochMs, sendLagMsMax: Math.round(sendLagMsMax), sends };
}
