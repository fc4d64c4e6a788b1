import { BadRequestException, Body, Controller, Get, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { CONFIG, CurrentOperator, MAKERS, READERS, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../../../config.js';
import { urlProblem } from '../../../delivery/webhook-destination.js';
import { isSingleMailbox } from '../../domain/email-address.js';
import { WebhookSecrets } from '../../persistence/webhook-secrets.js';

const LEI = /^[A-Z0-9]{18}[0-9]{2}$/;
const CONTACTS_MAX = 20;

interface ContactInput {
  channel?: unknown;
  address?: unknown;
  secret?: unknown;
}

/** Every problem of a counterparty's contacts, named. */
function problemsOf(body: { name?: unknown; language?: unknown; contacts?: unknown }, allowHttp: boolean): string[] {
  const problems: string[] = [];
  if (typeof body.name !== 'string' || body.name.length === 0 || body.name.length > 200) problems.push('name: 1 to 200 characters');
  if (body.language !== 'fr' && body.language !== 'en') problems.push('language: fr or en');
  if (!Array.isArray(body.contacts) || body.contacts.length > CONTACTS_MAX) {
    problems.push(`contacts: an array of at most ${CONTACTS_MAX}`);
    return problems;
  }
  (body.contacts as ContactInput[]).forEach((c, i) => {
    if (c.channel === 'EMAIL') {
      if (!isSingleMailbox(c.address)) problems.push(`contacts[${i}].address: one email address (no comma, semicolon, display name or group)`);
      if (c.secret !== undefined) problems.push(`contacts[${i}].secret: only for a WEBHOOK`);
    } else if (c.channel === 'WEBHOOK') {
      if (typeof c.address !== 'string' || !/^https?:\/\/\S+$/.test(c.address) || c.address.length > 2000)
        problems.push(`contacts[${i}].address: an http(s) URL`);
      else if (urlProblem(c.address, allowHttp)) problems.push(`contacts[${i}].address: ${urlProblem(c.address, allowHttp)}`);
      if (c.secret !== undefined && c.secret !== null && (typeof c.secret !== 'string' || c.secret.length < 16 || c.secret.length > 200))
        problems.push(`contacts[${i}].secret: 16 to 200 characters, or null to remove the one stored`);
    } else problems.push(`contacts[${i}].channel: EMAIL or WEBHOOK`);
  });
  return problems;
}

/**
 * The counterparties' contacts for their trade confirmations: the referential's parties carry none,
 * so notification keeps them, set by one operator (recorded from the verified token). A webhook
 * contact may carry its own HMAC secret: stored sealed under WEBHOOK_SECRETS_KEY (refused, 503,
 * without the key), never returned. A webhook put again without `secret` keeps the one stored for
 * its address (a change of name or of another contact, made through a proposal that never carries
 * a secret, must not unsign the counterparty's deliveries); `secret: null` removes it.
 */
@Controller('counterparty-contacts')
export class CounterpartyContactsController {
  constructor(
    private readonly ds: DataSource,
    private readonly secrets: WebhookSecrets,
    @Inject(CONFIG) private readonly config: NotificationConfig,
  ) {}

  @Put(':lei')
  @Roles(...MAKERS)
  async put(@Param('lei') lei: string, @Body() body: { name?: unknown; language?: unknown; contacts?: unknown }, @CurrentOperator() who: Operator) {
    // Set through an approved proposal: the person who proposed the contacts (the approver is in four_eyes_approvals).
    const operator = who.fourEyes?.maker.id ?? who.id;
    if (!LEI.test(lei)) throw new BadRequestException('lei: an ISO 17442 LEI (20 characters)');
    const problems = problemsOf(body ?? {}, this.config.WEBHOOK_ALLOW_HTTP);
    if (problems.length > 0) throw new BadRequestException({ message: 'contacts refused', problems });
    await this.ds.transaction(async (tx) => {
      const [held] = (await tx.query(`SELECT contacts FROM notification.counterparty_contacts WHERE lei = $1 FOR UPDATE`, [lei])) as Array<{
        contacts: Array<{ channel: string; address: string; secret?: string }>;
      }>;
      const sealedFor = new Map((held?.contacts ?? []).filter((c) => c.channel === 'WEBHOOK' && c.secret).map((c) => [c.address, c.secret!]));
      const contacts = (body.contacts as ContactInput[]).map((c) => {
        const kept = c.channel === 'WEBHOOK' && c.secret === undefined ? sealedFor.get(c.address as string) : undefined;
        const secret = typeof c.secret === 'string' ? this.secrets.seal(c.secret, lei) : kept;
        return { channel: c.channel, address: c.address, ...(secret ? { secret } : {}) };
      });
      await tx.query(
        `INSERT INTO notification.counterparty_contacts (lei, name, language, contacts, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, now())
         ON CONFLICT (lei) DO UPDATE SET name = EXCLUDED.name, language = EXCLUDED.language, contacts = EXCLUDED.contacts, updated_by = EXCLUDED.updated_by, updated_at = now()`,
        [lei, body.name, body.language, JSON.stringify(contacts), operator],
      );
    });
    return this.get(lei);
  }

  @Get(':lei')
  @Roles(...READERS, 'admin')
  async get(@Param('lei') lei: string) {
    const [row] = (await this.ds.query(
      `SELECT lei, name, language, (SELECT coalesce(jsonb_agg(c - 'secret' || jsonb_build_object('hasSecret', c ? 'secret')), '[]') FROM jsonb_array_elements(contacts) c) AS contacts,
              updated_by AS "updatedBy", updated_at AS "updatedAt"
       FROM notification.counterparty_contacts WHERE lei = $1`,
      [lei],
    )) as unknown[];
    if (!row) throw new NotFoundException(`no contacts for counterparty ${lei}`);
    return row;
  }
}
