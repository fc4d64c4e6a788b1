import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Rows sealed per statement. */
const BATCH_MAX = 500;

/**
 * The counterparties' webhook secrets, stored in plaintext in `counterparty_contacts.contacts` until
 * now, sealed under WEBHOOK_SECRETS_KEY: AES-256-GCM, a random 12-byte nonce per value, the
 * counterparty's LEI as associated data, stored as `v1:<nonce>:<ciphertext and tag>` (base64). The
 * format is frozen here as it was on that day. With plaintext secrets stored and no key, the
 * migration refuses, and with it the service's start: they are not left readable in the database.
 */
export function notificationWebhookSecretsSealed(key: Buffer | undefined): new () => MigrationInterface {
  return class NotificationWebhookSecretsSealed1796720000000 implements MigrationInterface {
    name = 'NotificationWebhookSecretsSealed1796720000000';

    async up(q: QueryRunner): Promise<void> {
      const seal = (secret: string, lei: string) => {
        const nonce = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key!, nonce, { authTagLength: 16 });
        cipher.setAAD(Buffer.from(lei, 'utf8'));
        const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final(), cipher.getAuthTag()]);
        return `v1:${nonce.toString('base64')}:${sealed.toString('base64')}`;
      };
      for (let pass = 0; ; pass++) {
        const rows = (await q.query(
          `SELECT lei, contacts FROM notification.counterparty_contacts
           WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(contacts) c WHERE c ? 'secret' AND left(c->>'secret', 3) <> 'v1:')
           ORDER BY lei LIMIT ${BATCH_MAX} FOR UPDATE`,
        )) as Array<{ lei: string; contacts: Array<{ secret?: string }> }>;
        if (rows.length === 0) return;
        if (!key) {
          throw new Error(
            'notification: webhook secrets are stored in plaintext in notification.counterparty_contacts and WEBHOOK_SECRETS_KEY is not set: ' +
              'set it (32 bytes, base64: openssl rand -base64 32) and start again, and the migration encrypts them',
          );
        }
        if (pass > 1_000_000 / BATCH_MAX) throw new Error('notification: sealing webhook secrets made no progress');
        const sealed = rows.map((r) => ({
          lei: r.lei,
          contacts: r.contacts.map((c) => (typeof c.secret === 'string' && !c.secret.startsWith('v1:') ? { ...c, secret: seal(c.secret, r.lei) } : c)),
        }));
        await q.query(
          `UPDATE notification.counterparty_contacts p SET contacts = u.contacts FROM unnest($1::text[], $2::jsonb[]) AS u(lei, contacts) WHERE p.lei = u.lei`,
          [sealed.map((r) => r.lei), sealed.map((r) => JSON.stringify(r.contacts))],
        );
      }
    }

    /** Back to plaintext, which needs the key the secrets were sealed with. */
    async down(q: QueryRunner): Promise<void> {
      const rows = (await q.query(
        `SELECT lei, contacts FROM notification.counterparty_contacts
         WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(contacts) c WHERE left(c->>'secret', 3) = 'v1:') FOR UPDATE`,
      )) as Array<{ lei: string; contacts: Array<{ secret?: string }> }>;
      if (rows.length === 0) return;
      if (!key) throw new Error('notification: reverting sealed webhook secrets needs WEBHOOK_SECRETS_KEY');
      const open = (stored: string, lei: string) => {
        const [, nonce, sealed] = stored.split(':').map((p, i) => (i === 0 ? Buffer.alloc(0) : Buffer.from(p, 'base64')));
        const decipher = createDecipheriv('aes-256-gcm', key, nonce!, { authTagLength: 16 });
        decipher.setAAD(Buffer.from(lei, 'utf8'));
        decipher.setAuthTag(sealed!.subarray(sealed!.length - 16));
        return Buffer.concat([decipher.update(sealed!.subarray(0, sealed!.length - 16)), decipher.final()]).toString('utf8');
      };
      for (const r of rows) {
        const contacts = r.contacts.map((c) => (typeof c.secret === 'string' && c.secret.startsWith('v1:') ? { ...c, secret: open(c.secret, r.lei) } : c));
        await q.query(`UPDATE notification.counterparty_contacts SET contacts = $2 WHERE lei = $1`, [r.lei, JSON.stringify(contacts)]);
      }
    }
  };
}
