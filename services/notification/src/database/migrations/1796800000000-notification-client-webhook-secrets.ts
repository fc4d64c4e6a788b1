import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A signing secret per client webhook (account and URL) instead of the one WEBHOOK_SECRET every
 * account shared: random, stored sealed like the counterparties' (`v1:<nonce>:<ciphertext>`), and
 * rotated with an overlap — the previous secret stays valid until `previous_valid_until`.
 */
export class NotificationClientWebhookSecrets1796800000000 implements MigrationInterface {
  name = 'NotificationClientWebhookSecrets1796800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notification.client_webhook_secrets (
        account text NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        previous_secret text NULL,
        previous_valid_until timestamptz NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        rotated_at timestamptz NULL,
        rotated_by text NULL,
        PRIMARY KEY (account, url),
        CHECK (secret LIKE 'v1:%' AND (previous_secret IS NULL OR previous_secret LIKE 'v1:%')),
        CHECK ((previous_secret IS NULL) = (previous_valid_until IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notification.client_webhook_secrets`);
  }
}
