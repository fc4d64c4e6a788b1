import { physicalTopic } from '@postera/contracts';
import { ensureTopics, REPO_ROOT, Stack } from '@postera/devstack';
import { createTestDatabase, dropTestDatabase, waitFor } from '@postera/testing';
import { join } from 'node:path';
import pg from 'pg';
import { groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';
import { CONSUMERS } from './builders.js';

/** A second accounting process replaying the run's topics from offset 0 into an empty database. */
export interface ReplayProcess {
  db: pg.Pool;
  stop(): Promise<void>;
}

/**
 * Starts accounting on a fresh database and a new consumer-group prefix over the same topics, and
 * waits until it has consumed every message of `topics` (each read from offset 0, in whatever order
 * its consumers get to them).
 */
export async function replayFromZero(env: E2eEnv, o: { label: string; basePort: number; topics: string[] }): Promise<ReplayProcess> {
  const databaseUrl = await createTestDatabase(o.label);
  const groupPrefix = `${env.prefix}-replay`;
  // The replay's consumer groups are its own: on an authenticating broker, the service's principal is given them.
  await ensureTopics(env.brokers, env.prefix, groupPrefix);
  const stack = new Stack({
    databaseUrl,
    kafkaBrokers: env.brokers,
    topicPrefix: env.prefix,
    groupPrefix,
    basePort: o.basePort,
    logDir: join(REPO_ROOT, '.local/test-logs', `${env.prefix}-replay`),
    smtpUrl: 'smtp://127.0.0.1:1',
    services: ['accounting'],
    env: { RETRY_BACKOFF_MS: '20', OUTBOX_POLL_MS: '100' },
    logLevel: 'warn',
  });
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const stop = async () => {
    await stack.stopAll();
    await db.end();
    await dropTestDatabase(databaseUrl);
  };
  try {
    await stack.startAll();
    await waitCaughtUp(env, o.topics);
  } catch (e) {
    await stop().catch(() => undefined);
    throw e;
  }
  return { db, stop };
}

/** Waits until the replay's consumers of `topics` have committed every message. */
export async function waitCaughtUp(env: E2eEnv, topics: string[]): Promise<void> {
  for (const topic of topics)
    for (const c of CONSUMERS[topic]!)
      await waitFor(() => groupCaughtUp(`${env.prefix}-replay.${c}`, physicalTopic(env.prefix, topic)), { timeoutMs: 60_000, what: `replayed ${c}` });
}
