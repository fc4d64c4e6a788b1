import { HttpException } from '@nestjs/common';
import { canonical } from '../audit/audit-chain.js';
import type { OnBehalf, Upstream } from '../upstream/services.js';

/** A contact as a proposal carries it: where a counterparty's confirmations go. */
export interface Contact {
  channel: 'EMAIL' | 'WEBHOOK';
  address: string;
}

/** The counterparty's contacts as notification answers GET /counterparty-contacts/:lei (secrets never, only hasSecret). */
export interface CurrentContacts {
  name: string;
  language: string;
  contacts: Array<Contact & { hasSecret?: boolean }>;
  updatedAt: string;
  updatedBy: string;
}

/** What a SET_COUNTERPARTY_CONTACTS proposal stores to be carried out: the request, nothing else. */
export interface ContactsRequest {
  lei: string;
  name: string;
  language: string;
  contacts: Contact[];
}

/**
 * What approving changes, from the contacts notification held at proposal time (`basedOn`, null
 * when it held none): name and language when they differ, and each contact added or removed. A
 * webhook kept at its address keeps its own signing secret (notification keeps the one stored when
 * the put carries none, and a proposal never carries one); one removed loses it, and says so.
 */
export interface ContactsChange {
  lei: string;
  basedOn: { updatedAt: string; updatedBy: string } | null;
  name?: { before: string | null; after: string };
  language?: { before: string | null; after: string };
  contacts: {
    added: Contact[];
    removed: Array<Contact & { hasSecret: boolean }>;
    unchanged: Array<Contact & { hasSecret: boolean }>;
  };
}

const LEI_SHAPE = /^[A-Z0-9]{20}$/;
/**
 * Refuses the obvious lists of mailboxes (`a@x,b@y`, `a@x;b@y`, `Name <a@x>`) before anything is
 * stored; notification's own rule (one mailbox, checked again when the contacts are put) is the stricter one.
 */
const ONE_MAILBOX_AT_LEAST = /^[^\s@,;<>]+@[^\s@,;<>]+$/;
const PARAMS = ['lei', 'name', 'language', 'contacts'];
const CONTACT_FIELDS = ['channel', 'address'];
const CONTACTS_MAX = 20;

/** Every problem of a SET_COUNTERPARTY_CONTACTS proposal's params; notification checks the contacts again when they are put. */
export function contactsProblems(p: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(p)) if (!PARAMS.includes(k)) problems.push(`${k}: not a parameter (lei, name, language, contacts)`);
  if (typeof p.lei !== 'string' || !LEI_SHAPE.test(p.lei)) problems.push('lei: the counterparty’s LEI (20 characters, capitals and digits)');
  if (typeof p.name !== 'string' || p.name.trim().length === 0 || p.name.length > 200) problems.push('name: 1 to 200 characters');
  if (p.language !== 'fr' && p.language !== 'en') problems.push('language: fr or en');
  if (!Array.isArray(p.contacts) || p.contacts.length > CONTACTS_MAX) {
    problems.push(`contacts: an array of at most ${CONTACTS_MAX} { channel: EMAIL | WEBHOOK, address }`);
    return problems;
  }
  (p.contacts as unknown[]).forEach((c, i) => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      problems.push(`contacts[${i}]: { channel, address }`);
      return;
    }
    const contact = c as Record<string, unknown>;
    if ('secret' in contact)
      problems.push(
        `contacts[${i}].secret: a webhook secret never goes through a proposal (it would be stored in the proposals and the audit log): ` +
          'it is set on notification’s own route (PUT /counterparty-contacts/:lei), and a client webhook’s by rotation (POST /webhook-secrets/:account/rotate)',
      );
    for (const k of Object.keys(contact))
      if (k !== 'secret' && !CONTACT_FIELDS.includes(k)) problems.push(`contacts[${i}].${k}: not a contact field (channel, address)`);
    if (contact.channel === 'EMAIL') {
      if (typeof contact.address !== 'string' || !ONE_MAILBOX_AT_LEAST.test(contact.address))
        problems.push(`contacts[${i}].address: one email address (no comma, semicolon, space or display name)`);
    } else if (contact.channel === 'WEBHOOK') {
      if (typeof contact.address !== 'string' || !/^https?:\/\/\S+$/.test(contact.address)) problems.push(`contacts[${i}].address: an http(s) URL`);
    } else problems.push(`contacts[${i}].channel: EMAIL or WEBHOOK`);
  });
  return problems;
}

/** The request to store, nothing more: each contact's channel and address (contactsProblems passed). */
export function contactsRequest(p: Record<string, unknown>): ContactsRequest {
  return {
    lei: String(p.lei),
    name: String(p.name),
    language: String(p.language),
    contacts: (p.contacts as Contact[]).map((c) => ({ channel: c.channel, address: c.address })),
  };
}

const keyOf = (c: Contact) => `${c.channel} ${c.address}`;

/** What putting `after` changes in `before` (null: the counterparty has no contacts yet). */
export function contactsChange(before: CurrentContacts | null, after: ContactsRequest): ContactsChange {
  const held = new Map((before?.contacts ?? []).map((c) => [keyOf(c), c]));
  const wanted = new Map(after.contacts.map((c) => [keyOf(c), c]));
  const change: ContactsChange = {
    lei: after.lei,
    basedOn: before ? { updatedAt: before.updatedAt, updatedBy: before.updatedBy } : null,
    contacts: { added: [], removed: [], unchanged: [] },
  };
  if (before?.name !== after.name) change.name = { before: before?.name ?? null, after: after.name };
  if (before?.language !== after.language) change.language = { before: before?.language ?? null, after: after.language };
  for (const [key, c] of wanted) {
    const was = held.get(key);
    const contact = { channel: c.channel, address: c.address };
    if (!was) change.contacts.added.push(contact);
    else change.contacts.unchanged.push({ ...contact, hasSecret: was.hasSecret === true });
  }
  for (const [key, c] of held) if (!wanted.has(key)) change.contacts.removed.push({ channel: c.channel, address: c.address, hasSecret: c.hasSecret === true });
  return change;
}

/** True when approving would change nothing. */
export function changesNothing(change: ContactsChange): boolean {
  const c = change.contacts;
  return change.basedOn !== null && !change.name && !change.language && c.added.length + c.removed.length === 0;
}

/** The change in words, for the proposal's summary. */
export function describeChange(change: ContactsChange): string {
  const parts: string[] = [];
  if (change.name) parts.push(change.name.before === null ? `name "${change.name.after}"` : `name "${change.name.before}" → "${change.name.after}"`);
  if (change.language)
    parts.push(change.language.before === null ? `language ${change.language.after}` : `language ${change.language.before} → ${change.language.after}`);
  for (const c of change.contacts.added) parts.push(`+ ${c.channel} ${c.address}`);
  for (const c of change.contacts.removed) parts.push(`− ${c.channel} ${c.address}${c.hasSecret ? ' (and its own signing secret)' : ''}`);
  const what = parts.length > 0 ? parts.join('; ') : 'no change';
  return change.basedOn === null
    ? `set the contacts of counterparty ${change.lei} (none yet): ${what}`
    : `change the contacts of counterparty ${change.lei}: ${what}`;
}

/** The counterparty's contacts at notification now, null when it has none. */
export async function currentContacts(up: Upstream, lei: string, who: OnBehalf): Promise<CurrentContacts | null> {
  try {
    return (await up.call('notification', 'GET', `/counterparty-contacts/${encodeURIComponent(lei)}`, who)) as CurrentContacts;
  } catch (e) {
    if (e instanceof HttpException && e.getStatus() === 404) return null;
    throw e;
  }
}

/** Refuses (409) when the change computed now is not the one the proposal showed: someone changed the contacts in between. */
export function refuseIfMoved(shown: ContactsChange, now: ContactsChange): void {
  if (canonical(shown) === canonical(now)) return;
  const by = now.basedOn ? ` (updated by ${now.basedOn.updatedBy} at ${now.basedOn.updatedAt})` : ' (removed)';
  throw new HttpException(
    {
      message: `the contacts of counterparty ${shown.lei} changed since this proposal was made${by}: what it shows is no longer what approving would do; reject it and propose again`,
      now,
    },
    409,
  );
}
