import type { EntityManager } from 'typeorm';

/**
 * Records consumed message ids in the consumer's transaction and returns the ones not seen
 * before. (consumer_id, message_id) is the primary key: a redelivered message finds its row and
 * has no second effect (eventuate-tram's received_messages).
 */
export async function claimInbox(tx: EntityManager, schema: string, consumerId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const rows = (await tx.query(
    `INSERT INTO ${schema}.inbox (consumer_id, message_id)
     SELECT $1, id FROM unnest($2::text[]) AS id
     ON CONFLICT DO NOTHING RETURNING message_id`,
    [consumerId, messageIds],
  )) as Array<{ message_id: string }>;
  return new Set(rows.map((r) => r.message_id));
}
