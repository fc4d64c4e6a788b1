import { Inject, Injectable, ServiceUnavailableException, type OnModuleInit } from '@nestjs/common';
import { CONFIG } from '@postera/platform';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { NotificationConfig } from '../../config.js';
import { openSecret, sealSecret, secretsKeyOf } from '../domain/webhook-secret-box.js';

/** Random bytes of a client webhook secret (given to the client as base64url, 43 characters). */
const SECRET_BYTES = 32;
/** Stored secrets looked at by the start-up check, at most. */
const STORED_SECRETS_MAX = 100_000;

/** The associated data of a client's sealed secret: a value copied to another account or URL does not open there. */
const boundTo = (account: string, url: string) => `client-webhook:${account}:${url}`;

export interface RotatedSecret {
  url: string;
  /** Shown once, in the rotation's answer; never stored in plaintext nor logged. */
  secret: string;
  /** Until when the previous secret still signs beside it (null: there was none). */
  previousValidUntil: Date | null;
}

export interface SecretState {
  url: string;
  createdAt: Date;
  rotatedAt: Date | null;
  rotatedBy: string | null;
  previousValidUntil: Date | null;
}

interface Row {
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_valid_until: Date | null;
}

/**
 * The clients' webhook signing secrets, one per account and URL: random, made when a delivery
 * first needs one, sealed under WEBHOOK_SECRETS_KEY with the counterparties' box, and rotated by an
 * operator with an overlap (WEBHOOK_SECRET_OVERLAP_HOURS) during which the previous one signs too.
 * The client learns a secret from the rotation's answer, once.
 */
@Injectable()
export class ClientWebhookSecrets implements OnModuleInit {
  private readonly key: Buffer | null;
  private readonly overlapMs: number;

  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) config: NotificationConfig,
  ) {
    this.key = config.WEBHOOK_SECRETS_KEY ? secretsKeyOf(config.WEBHOOK_SECRETS_KEY) : null;
    this.overlapMs = config.WEBHOOK_SECRET_OVERLAP_HOURS * 3_600_000;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /**
   * The secrets to sign a delivery to this client webhook with, newest first (two during an
   * overlap), null without WEBHOOK_SECRETS_KEY. Made on first need; two senders racing make one.
   */
  async forDelivery(account: string, url: string): Promise<string[] | null> {
    const key = this.key;
    if (!key) return null;
    let row = await this.read(this.ds.manager, account, url);
    if (!row) {
      await this.ds.query(`INSERT INTO notification.client_webhook_secrets (account, url, secret) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
        account,
        url,
        sealSecret(key, newSecret(), boundTo(account, url)),
      ]);
      row = (await this.read(this.ds.manager, account, url))!;
    }
    const secrets = [openSecret(key, row.secret, boundTo(account, url))];
    if (row.previous_secret && row.previous_valid_until && row.previous_valid_until.getTime() > Date.now())
      secrets.push(openSecret(key, row.previous_secret, boundTo(account, url)));
    return secrets;
  }

  /** A new secret for each URL, the current one kept valid for the overlap; returns the new ones, to be shown once. */
  async rotate(account: string, urls: string[], operator: string): Promise<RotatedSecret[]> {
    const key = this.key;
    if (!key) {
      throw new ServiceUnavailableException(
        'client webhook secrets cannot be made: WEBHOOK_SECRETS_KEY is not set on the notification service (32 bytes, base64)',
      );
    }
    return this.ds.transaction(async (tx) => {
      const rotated: RotatedSecret[] = [];
      for (const url of urls) {
        const secret = newSecret();
        const sealed = sealSecret(key, secret, boundTo(account, url));
        // The first secret of this URL, unless a delivery or another rotation has just made one.
        const inserted = (await tx.query(
          `INSERT INTO notification.client_webhook_secrets (account, url, secret, rotated_at, rotated_by) VALUES ($1, $2, $3, now(), $4)
           ON CONFLICT DO NOTHING RETURNING url`,
          [account, url, sealed, operator],
        )) as unknown[];
        if (inserted.length > 0) {
          rotated.push({ url, secret, previousValidUntil: null });
          continue;
        }
        // A second rotation within the overlap keeps the secret just replaced, not the older one: the client had both.
        const previousValidUntil = new Date(Date.now() + this.overlapMs);
        await tx.query(
          `UPDATE notification.client_webhook_secrets
           SET previous_secret = secret, previous_valid_until = $3, secret = $4, rotated_at = now(), rotated_by = $5
           WHERE account = $1 AND url = $2`,
          [account, url, previousValidUntil, sealed, operator],
        );
        rotated.push({ url, secret, previousValidUntil });
      }
      return rotated;
    });
  }

  /** What is stored for an account, without any secret. */
  async states(account: string): Promise<SecretState[]> {
    return (await this.ds.query(
      `SELECT url, created_at AS "createdAt", rotated_at AS "rotatedAt", rotated_by AS "rotatedBy",
              CASE WHEN previous_valid_until > now() THEN previous_valid_until END AS "previousValidUntil"
       FROM notification.client_webhook_secrets WHERE account = $1 ORDER BY url`,
      [account],
    )) as SecretState[];
  }

  /** Stored secrets and no key, or secrets that do not open with it: the start is refused, naming the accounts. */
  async onModuleInit(): Promise<void> {
    const stored = (await this.ds.query(
      `SELECT account, url, secret, previous_secret FROM notification.client_webhook_secrets ORDER BY account, url LIMIT ${STORED_SECRETS_MAX}`,
    )) as Array<{ account: string; url: string; secret: string; previous_secret: string | null }>;
    if (stored.length === 0) return;
    const key = this.key;
    if (!key) {
      throw new Error(
        `notification: ${stored.length} client webhook secret(s) are stored and WEBHOOK_SECRETS_KEY is not set: set it to the key they were sealed with (32 bytes, base64)`,
      );
    }
    const opens = (sealed: string, account: string, url: string) => {
      try {
        openSecret(key, sealed, boundTo(account, url));
        return true;
      } catch {
        return false;
      }
    };
    const unopened = stored.filter((s) => !opens(s.secret, s.account, s.url) || (s.previous_secret !== null && !opens(s.previous_secret, s.account, s.url)));
    if (unopened.length > 0) {
      throw new Error(
        `notification: the client webhook secrets of ${[...new Set(unopened.map((s) => s.account))].join(', ')} do not open with WEBHOOK_SECRETS_KEY ` +
          '(sealed under another key, or altered): set the key they were sealed with, or rotate those secrets',
      );
    }
  }

  private async read(m: EntityManager, account: string, url: string): Promise<Row | undefined> {
    const [row] = (await m.query(
      `SELECT url, secret, previous_secret, previous_valid_until FROM notification.client_webhook_secrets WHERE account = $1 AND url = $2`,
      [account, url],
    )) as Row[];
    return row;
  }
}

function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}
