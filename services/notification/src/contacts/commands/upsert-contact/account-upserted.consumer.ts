import { Injectable } from '@nestjs/common';
import { Topics, type AccountRefEvent, type EventEnvelope } from '@postera/contracts';
import { isIsoTimestampWithZone } from '@postera/kernel';
import { EnvelopeHandler, UndecodableMessage, type BatchContext, type InboundMessage, type InboundRecord } from '@postera/platform';
import { isSingleMailbox } from '../../domain/email-address.js';
import { upsertContacts, type ContactRow } from '../../persistence/contacts.repository.js';

const ACCOUNT_TYPES = ['CLIENT', 'PROPRIETARY'];
const LANGUAGES = ['fr', 'en'];
const NOTICE_DELIVERIES = ['IMMEDIATE', 'DAILY'];

/** What a contact needs; anything else in AccountRefV1 is capture's business. */
function contactProblems(p: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const text = (k: string) => typeof p[k] === 'string' && (p[k] as string).length > 0 && (p[k] as string).length <= 200;
  for (const k of ['account', 'clientId', 'clientName']) if (!text(k)) problems.push(`${k}: a non-empty string of at most 200 characters`);
  if (!ACCOUNT_TYPES.includes(p.accountType as string)) problems.push('accountType: CLIENT or PROPRIETARY');
  if (!LANGUAGES.includes(p.language as string)) problems.push('language: fr or en');
  // One mailbox: `ops,other@example` would reach two (isSingleMailbox).
  if (p.email !== null && !isSingleMailbox(p.email)) problems.push('email: one address (no comma, semicolon, display name or group) or null');
  if (p.contacts !== undefined) {
    const ok =
      Array.isArray(p.contacts) &&
      p.contacts.length <= 20 &&
      p.contacts.every(
        (c: { channel?: unknown; address?: unknown }) =>
          (c.channel === 'EMAIL' && isSingleMailbox(c.address)) ||
          (c.channel === 'WEBHOOK' && typeof c.address === 'string' && /^https?:\/\/\S+$/.test(c.address) && c.address.length <= 2000),
      );
    if (!ok) problems.push('contacts: at most 20 of { channel EMAIL with one address | WEBHOOK with an http(s) URL }');
  }
  if (p.baseCurrency !== undefined && !(typeof p.baseCurrency === 'string' && /^[A-Z]{3}$/.test(p.baseCurrency)))
    problems.push('baseCurrency: an ISO 4217 code');
  if (p.noticeDelivery !== undefined && !NOTICE_DELIVERIES.includes(p.noticeDelivery as string))
    problems.push('noticeDelivery: IMMEDIATE or DAILY (or absent)');
  return problems;
}

/**
 * refdata.accounts.v1 → notification.client_contacts: who each account belongs to, the language
 * of their notices and where to send them. The whole batch is one upsert; within it the last
 * event of an account wins (the topic is keyed by account, so that is the latest).
 */
@Injectable()
export class AccountUpsertedConsumer extends EnvelopeHandler<EventEnvelope> {
  readonly consumerId = 'notification.refdata-accounts';
  readonly topics = [Topics.refdataAccounts];

  override decode(record: InboundRecord): EventEnvelope {
    const e = super.decode(record);
    if (e.type === 'AccountUpserted') {
      const problems = contactProblems(e.payload as Record<string, unknown>);
      // occurredAt orders contacts across batches, so it must be a real instant.
      if (!isIsoTimestampWithZone(e.occurredAt)) problems.push('occurredAt: an ISO timestamp with zone');
      if (problems.length > 0) throw new UndecodableMessage(`AccountUpserted payload unusable: ${problems.join('; ')}`);
    }
    return e;
  }

  async handle(ctx: BatchContext, messages: InboundMessage<EventEnvelope>[]): Promise<void> {
    const latest = new Map<string, ContactRow>();
    for (const { body } of messages) {
      if (body.type !== 'AccountUpserted') continue;
      const contact = (body as AccountRefEvent).payload;
      latest.set(contact.account, { contact, occurredAt: body.occurredAt });
    }
    await upsertContacts(ctx.tx, [...latest.values()]);
  }
}
