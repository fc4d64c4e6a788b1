import { ensureTopics, deleteTopics, Stack, REPO_ROOT, type ServiceName } from '@postera/devstack';
import { createTestDatabase, dropTestDatabase, kafkaBrokers, uniquePrefix, committedOffsets, endOffsets } from '@postera/testing';
import { join } from 'node:path';
import pg from 'pg';

/**
 * One isolated Postera per test file: its own database, its own topic prefix and consumer groups,
 * its own ports; the built services run as real processes on the real broker and database.
 */
export interface E2eEnv {
  prefix: string;
  databaseUrl: string;
  brokers: string;
  stack: Stack;
  db: pg.Pool;
  teardown(): Promise<void>;
}

export async function e2eEnv(
  label: string,
  o: {
    basePort: number;
    smtpUrl: string;
    services?: ServiceName[];
    serviceEnv?: Stack['o']['serviceEnv'];
    env?: Record<string, string>;
    operatorToken?: Stack['o']['operatorToken'];
  },
): Promise<E2eEnv> {
  const prefix = uniquePrefix(label);
  const brokers = kafkaBrokers().join(',');
  const databaseUrl = await createTestDatabase(label);
  await ensureTopics(brokers, prefix);
  const stack = new Stack({
    databaseUrl,
    kafkaBrokers: brokers,
    topicPrefix: prefix,
    groupPrefix: prefix,
    basePort: o.basePort,
    logDir: join(REPO_ROOT, '.local/test-logs', prefix),
    smtpUrl: o.smtpUrl,
    services: o.services,
    serviceEnv: o.serviceEnv,
    env: { RETRY_BACKOFF_MS: '20', OUTBOX_POLL_MS: '100', ...(o.env ?? {}) },
    logLevel: 'warn',
    operatorToken: o.operatorToken,
  });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  return {
    prefix,
    databaseUrl,
    brokers,
    stack,
    db,
    async teardown() {
      await stack.stopAll();
      await db.end();
      await dropTestDatabase(databaseUrl);
      await deleteTopics(brokers, prefix);
    },
  };
}

export async function count(db: pg.Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.query(sql, params);
  return Number((rows[0] as { n: string | number }).n);
}

/** True once the consumer group has committed every partition of the topic up to its end: all of it is processed. */
export async function groupCaughtUp(groupId: string, physicalTopic: string): Promise<boolean> {
  const [committed, end] = await Promise.all([committedOffsets(groupId, physicalTopic), endOffsets(physicalTopic)]);
  for (const [p, high] of end) {
    const c = committed.get(p);
    if (high !== '0' && c !== high) return false;
  }
  return true;
}
