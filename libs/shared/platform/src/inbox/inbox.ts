import pg from 'pg';

/**
 * Records message ids in the consumer's inbox, in the open transaction, and returns those not seen
 * before. (consumer_id, message_id) is the primary key: a message claimed twice has no second
 * effect (eventuate-tram's received_messages). The values are inlined as escaped literals so that
 * the claim can travel with another statement in one simple-protocol message.
 *
 * Consumers apply by position (consumer-positions); the inbox is the identity check of what a
 * position cannot judge: a dead letter an operator put back on its topic, and a record written
 * before positions replaced the inbox (what was applied before is known here only).
 */
export function inboxClaimSql(schema: string, consumerId: string, messageIds: string[]): string {
  return `INSERT INTO ${schema}.inbox (consumer_id, message_id)
     SELECT ${pg.escapeLiteral(consumerId)}, id FROM unnest(ARRAY[${messageIds.map((id) => pg.escapeLiteral(id)).join(',')}]::text[]) AS id
     ON CONFLICT DO NOTHING RETURNING message_id`;
}

/** Claims ids in the transaction already open on the client; returns the ids not seen before. */
export async function claimInbox(client: Pick<pg.ClientBase, 'query'>, schema: string, consumerId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const result = await client.query<{ message_id: string }>(inboxClaimSql(schema, consumerId, messageIds));
  return new Set(result.rows.map((r) => r.message_id));
}

/** The ids already in the inbox, read without writing. */
export async function knownInInbox(client: Pick<pg.ClientBase, 'query'>, schema: string, consumerId: string, messageIds: string[]): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const result = await client.query<{ message_id: string }>(
    `SELECT message_id FROM ${schema}.inbox WHERE consumer_id = ${pg.escapeLiteral(consumerId)}
     AND message_id = ANY(ARRAY[${messageIds.map((id) => pg.escapeLiteral(id)).join(',')}]::text[])`,
  );
  return new Set(result.rows.map((r) => r.message_id));
}

/** Opens a transaction and claims the ids in the same round trip; returns the ids not seen before. */
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
  const results = (await client.query(`BEGIN; ${inboxClaimSql(schema, consumerId, messageIds)}`)) as unknown as pg.QueryResult<{ message_id: string }>[];
  return new Set(results[1]!.rows.map((r) => r.message_id));
}
