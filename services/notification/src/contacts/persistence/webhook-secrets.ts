import { Inject, Injectable, ServiceUnavailableException, type OnModuleInit } from '@nestjs/common';
import { CONFIG, LOG, type Log } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../../config.js';
import { isSealedSecret, openSecret, sealSecret, secretsKeyOf, WebhookSecretRefused } from '../domain/webhook-secret-box.js';

/** Stored secrets looked at by the start-up check, at most. */
const STORED_SECRETS_MAX = 100_000;

/**
 * The counterparties' webhook signing secrets as stored: sealed under WEBHOOK_SECRETS_KEY
 * (webhook-secret-box) when set through the API, opened only to sign a delivery. At start the
 * service checks what is stored: without a key it refuses to start while any secret is stored; with
 * one it seals a plaintext secret left by an earlier version and refuses to start when a sealed
 * secret does not open (another key, or altered).
 */
@Injectable()
export class WebhookSecrets implements OnModuleInit {
  private readonly key: Buffer | null;

  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) config: NotificationConfig,
    @Inject(LOG) private readonly log: Log,
  ) {
    this.key = config.WEBHOOK_SECRETS_KEY ? secretsKeyOf(config.WEBHOOK_SECRETS_KEY) : null;
  }

  /** The sealed form of a counterparty's secret to store; refused (503) when no key is configured. */
  seal(secret: string, lei: string): string {
    if (!this.key) {
      throw new ServiceUnavailableException(
        'webhook secrets cannot be stored: WEBHOOK_SECRETS_KEY is not set on the notification service (32 bytes, base64); set it, or leave the secret out',
      );
    }
    return sealSecret(this.key, secret, lei);
  }

  /** The secret to sign a delivery to this counterparty's webhook with, null when it has none of its own; throws WebhookSecretRefused. */
  async forDelivery(lei: string, address: string): Promise<string | null> {
    const [row] = (await this.ds.query(
      `SELECT c->>'secret' AS secret FROM notification.counterparty_contacts p, jsonb_array_elements(p.contacts) c
       WHERE p.lei = $1 AND c->>'channel' = 'WEBHOOK' AND c->>'address' = $2 AND c ? 'secret' LIMIT 1`,
      [lei, address],
    )) as Array<{ secret: string | null }>;
    if (!row?.secret) return null;
    if (!this.key) throw new WebhookSecretRefused('WEBHOOK_SECRETS_KEY is not set: the stored secret cannot be opened');
    if (!isSealedSecret(row.secret)) throw new WebhookSecretRefused('the stored secret is not sealed: refused rather than read in plaintext');
    return openSecret(this.key, row.secret, lei);
  }

  async onModuleInit(): Promise<void> {
    const stored = (await this.ds.query(
      `SELECT p.lei, c->>'secret' AS secret FROM notification.counterparty_contacts p, jsonb_array_elements(p.contacts) c
       WHERE c ? 'secret' ORDER BY p.lei LIMIT ${STORED_SECRETS_MAX}`,
    )) as Array<{ lei: string; secret: string }>;
    if (stored.length === 0) return;
    const key = this.key;
    if (!key) {
      throw new Error(
        `notification: ${stored.length} webhook secret(s) are stored and WEBHOOK_SECRETS_KEY is not set: ` +
          'set it to the key they were sealed with (32 bytes, base64) — a plaintext one is then sealed — or remove the secrets',
      );
    }
    const plaintext = [...new Set(stored.filter((s) => !isSealedSecret(s.secret)).map((s) => s.lei))];
    if (plaintext.length > 0) await this.sealPlaintext(key, plaintext);
    const unopened = stored
      .filter((s) => isSealedSecret(s.secret))
      .filter((s) => {
        try {
          openSecret(key, s.secret, s.lei);
          return false;
        } catch {
          return true;
        }
      })
      .map((s) => s.lei);
    if (unopened.length > 0) {
      throw new Error(
        `notification: the webhook secrets of ${[...new Set(unopened)].join(', ')} do not open with WEBHOOK_SECRETS_KEY ` +
          '(sealed under another key, or altered): set the key they were sealed with, or set those secrets again',
      );
    }
  }

  /** Seals the plaintext secrets of these counterparties in place (an earlier version stored them so). */
  private async sealPlaintext(key: Buffer, leis: string[]): Promise<void> {
    await this.ds.transaction(async (tx) => {
      const rows = (await tx.query(`SELECT lei, contacts FROM notification.counterparty_contacts WHERE lei = ANY($1::text[]) FOR UPDATE`, [leis])) as Array<{
        lei: string;
        contacts: Array<{ secret?: unknown }>;
      }>;
      for (const r of rows) {
        const contacts = r.contacts.map((c) =>
          typeof c.secret === 'string' && !isSealedSecret(c.secret) ? { ...c, secret: sealSecret(key, c.secret, r.lei) } : c,
        );
        await tx.query(`UPDATE notification.counterparty_contacts SET contacts = $2 WHERE lei = $1`, [r.lei, JSON.stringify(contacts)]);
      }
    });
    this.log.warn({ counterparties: leis.length }, 'webhook secrets stored in plaintext were sealed');
  }
}
