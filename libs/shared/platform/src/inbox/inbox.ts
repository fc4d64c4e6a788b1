import pg from 'pg';

/**
 * Opens the consumer's transaction and records its message ids in the same round trip: `BEGIN`
 * and the insert go as one simple-protocol message, the values inlined as escaped literals (a
 * parameterised statement cannot travel with another). (consumer_id, message_id) is the primary
 * key: a redelivered message finds its row and has no second effect (eventuate-tram's
 * received_messages). Returns the ids not seen before. On this VM every round trip wakes another
 * process; TypeORM's transaction spends one on `START TRANSACTION` alone, for each message at low load.
 */
export async function beginWithInboxClaim(
  client: Pick<pg.ClientBase, 'query'>,
  schema: string,
  consumerId: string,
  messageIds: string[],
): Promise<Set<string>> {
  if (messageIds.length === 0) {
    await client.query('BEGIN');
    return new Set();
  }
  const results = (await client.query(
    `BEGIN;
     INSERT INTO ${schema}.inbox (consumer_id, message_id)
     SELECT ${pg.escapeLiteral(consumerId)}, id FROM unnest(ARRAY[${messageIds.map((id) => pg.escapeLiteral(id)).join(',')}]::text[]) AS id
     ON CONFLICT DO NOTHING RETURNING message_id`,
  )) as unknown as pg.QueryResult<{ message_id: string }>[];
  return new Set(results[1]!.rows.map((r) => r.message_id));
}
