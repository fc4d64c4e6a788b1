import kafkajs from 'kafkajs';
import { physicalTopic } from '@postera/contracts';
import { kafkaClient } from './topics.js';

const { CompressionTypes, Partitioners } = kafkajs;

/** Publishes messages to a topic the way a trading platform would: idempotent, acks=all, bounded batches. */
export async function publish(brokers: string, prefix: string, topic: string, messages: Array<{ key: string; value: string }>, batchMax = 1000): Promise<void> {
  const producer = kafkaClient(brokers, 'postera-publisher').producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += batchMax) {
      await producer.send({ topic: physicalTopic(prefix, topic), acks: -1, compression: CompressionTypes.None, messages: messages.slice(i, i + batchMax) });
    }
  } finally {
    await producer.disconnect();
  }
}
