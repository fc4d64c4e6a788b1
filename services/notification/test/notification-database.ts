import { createServiceDataSource, migrate } from '@postera/platform';
import { createTestDatabase } from '@postera/testing';
import type { DataSource } from 'typeorm';
import { notificationMigrations } from '../src/database/migrations/index.js';

/**
 * A throwaway database with the notification schema migrated, and one ROUTED avis notice (T-1,
 * CLI-1) for the deliveries a repository test inserts: what the repository-level tests (no process,
 * no broker) start from.
 */
export async function notificationDatabase(label: string, noticeId: string): Promise<{ url: string; ds: DataSource }> {
  const url = await createTestDatabase(label);
  const ds = createServiceDataSource({ url, schema: 'notification', migrations: notificationMigrations(), poolMax: 2, applicationName: `${label}-spec` });
  await migrate(ds, 'notification');
  await ds.query(
    `INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, recipient_type, party, payload, status)
     VALUES ($1, 'AVIS_OPERE', 'cause-event-1', 'T-1', 'CLIENT', 'CLI-1', '{}', 'ROUTED')`,
    [noticeId],
  );
  return { url, ds };
}

/**
 * Undoes the schema's migrations from the last one back through `name`, whatever was added after it:
 * a test of one migration sees the database as it was before it, then runs the rest again.
 */
export async function undoMigrationsThrough(ds: DataSource, name: string): Promise<void> {
  const applied = async () => ((await ds.query(`SELECT 1 FROM notification.migrations WHERE name = $1`, [name])) as unknown[]).length > 0;
  if (!(await applied())) throw new Error(`migration ${name} is not applied`);
  while (await applied()) await ds.undoLastMigration({ transaction: 'each' });
}
