import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServiceDataSource, migrate } from '@postera/platform';
import { createTestDatabase, dropTestDatabase } from '@postera/testing';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openSecret } from '../src/contacts/domain/webhook-secret-box.js';
import { notificationMigrations } from '../src/database/migrations/index.js';
import { undoMigrationsThrough } from './notification-database.js';

// The migration that seals the webhook secrets an earlier version stored in plaintext, against real
// Postgres: with WEBHOOK_SECRETS_KEY it seals them in place (and reverts them); without it, it refuses
// (and with it the service's start), leaving them as they were.

const KEY = randomBytes(32);
const LEI_A = '529900T8BM49AURSDO55';
const LEI_B = '969500POSTERAFR00003';
const SECRET_A = 'plaintext-secret-of-counterparty-a';
const SECRET_B = 'plaintext-secret-of-counterparty-b';
/** The sealing migration and those added after it: undone together, run again together. */
const undoSealing = (ds: DataSource) => undoMigrationsThrough(ds, 'NotificationWebhookSecretsSealed1796720000000');

describe('the migration sealing stored webhook secrets', () => {
  let url: string;
  let withKey: DataSource;
  const source = (key?: Buffer) =>
    createServiceDataSource({
      url,
      schema: 'notification',
      migrations: notificationMigrations({ webhookSecretsKey: key }),
      poolMax: 2,
      applicationName: 'notif-seal-spec',
    });
  const secrets = async () =>
    (await withKey.query(
      `SELECT p.lei, c->>'channel' AS channel, c->>'secret' AS secret FROM notification.counterparty_contacts p, jsonb_array_elements(p.contacts) c ORDER BY p.lei, c->>'channel'`,
    )) as Array<{ lei: string; channel: string; secret: string | null }>;

  beforeAll(async () => {
    url = await createTestDatabase('notif-seal');
    withKey = source(KEY);
    await migrate(withKey, 'notification');
    // Undo the sealing migration and those after it (nothing to open yet), store plaintext as an earlier version did.
    await undoSealing(withKey);
    await withKey.query(
      `INSERT INTO notification.counterparty_contacts (lei, name, language, contacts, updated_by) VALUES
         ($1, 'A', 'en', $2, 'someone'), ($3, 'B', 'fr', $4, 'someone')`,
      [
        LEI_A,
        JSON.stringify([
          { channel: 'EMAIL', address: 'a@example.com' },
          { channel: 'WEBHOOK', address: 'https://a.example/hook', secret: SECRET_A },
        ]),
        LEI_B,
        JSON.stringify([{ channel: 'WEBHOOK', address: 'https://b.example/hook', secret: SECRET_B }]),
      ],
    );
  });

  afterAll(async () => {
    await withKey?.destroy();
    await dropTestDatabase(url);
  });

  it('without WEBHOOK_SECRETS_KEY: refused, saying what to do; the secrets are left as they were', async () => {
    const noKey = source(undefined);
    await noKey.initialize();
    try {
      await expect(noKey.runMigrations({ transaction: 'each' })).rejects.toThrow(/stored in plaintext .* WEBHOOK_SECRETS_KEY is not set/);
    } finally {
      await noKey.destroy();
    }
    expect(await secrets()).toEqual([
      { lei: LEI_A, channel: 'EMAIL', secret: null },
      { lei: LEI_A, channel: 'WEBHOOK', secret: SECRET_A },
      { lei: LEI_B, channel: 'WEBHOOK', secret: SECRET_B },
    ]);
  });

  it('with the key: every plaintext secret sealed in place (v1, AES-256-GCM), opening with the key and its counterparty only', async () => {
    // The sealing migration runs first of those pending, the ones after it follow.
    expect((await withKey.runMigrations({ transaction: 'each' }))[0]!.name).toBe('NotificationWebhookSecretsSealed1796720000000');
    const after = await secrets();
    expect(after.map((s) => [s.lei, s.channel, s.secret === null ? null : s.secret.slice(0, 3)])).toEqual([
      [LEI_A, 'EMAIL', null],
      [LEI_A, 'WEBHOOK', 'v1:'],
      [LEI_B, 'WEBHOOK', 'v1:'],
    ]);
    const [a, b] = after.filter((s) => s.secret !== null);
    expect(openSecret(KEY, a!.secret!, LEI_A)).toBe(SECRET_A);
    expect(openSecret(KEY, b!.secret!, LEI_B)).toBe(SECRET_B);
    expect(() => openSecret(KEY, a!.secret!, LEI_B)).toThrow();
    const raw = (await withKey.query(`SELECT string_agg(contacts::text, '') AS t FROM notification.counterparty_contacts`)) as Array<{ t: string }>;
    expect(raw[0]!.t).not.toContain(SECRET_A);
    expect(raw[0]!.t).not.toContain(SECRET_B);
  });

  it('reverted with the key: the plaintext back', async () => {
    await undoSealing(withKey);
    expect((await secrets()).map((s) => s.secret)).toEqual([null, SECRET_A, SECRET_B]);
    await withKey.runMigrations({ transaction: 'each' });
  });
});
