import { HttpException } from '@nestjs/common';
import type { Role } from '@postera/platform';
import type { EntityManager } from 'typeorm';
import type { DlqReader } from '../dlq/dlq-reader.js';
import type { OnBehalf, Upstream } from '../upstream/services.js';
import {
  changesNothing,
  contactsChange,
  contactsProblems,
  contactsRequest,
  currentContacts,
  describeChange,
  refuseIfMoved,
  type ContactsChange,
} from './counterparty-contacts.js';

/**
 * What carrying out an approved proposal may use: the services, called on behalf of the checker
 * with the proof of both people (`approved`: each service checks it again and spends it once), the
 * dead letters, and the approval's transaction.
 */
export interface ExecutionContext {
  approved: Required<OnBehalf>;
  up: Upstream;
  dlq: DlqReader;
  tx: EntityManager;
}

/**
 * What an operator may propose and a second person approve (DESIGN.md §9, maker-checker). Each kind
 * says who may propose it, who may approve it, how to describe it, and what approving it does — the
 * service calls, each carrying the proof of both people.
 */
export interface ProposalKind {
  kind: string;
  makers: Role[];
  checkers: Role[];
  /** Every problem with the parameters, before anything is stored. */
  check(params: Record<string, unknown>): string[];
  /**
   * At proposal time, after check, for a kind whose proposal shows what it changes: reads the
   * services on behalf of the maker and returns the params to store (only what carrying it out
   * needs) and the change, stored beside them as `params.change` (not part of what makes two
   * proposals the same). A refusal here refuses the proposal.
   */
  prepare?(params: Record<string, unknown>, ctx: { up: Upstream; maker: OnBehalf }): Promise<{ params: Record<string, unknown>; change: unknown }>;
  summary(params: Record<string, unknown>): string;
  execute(params: Record<string, unknown>, ctx: ExecutionContext): Promise<unknown>;
}

const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
const object = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

export const PROPOSAL_KINDS: ProposalKind[] = [
  {
    kind: 'BOOK_TRADE',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => (object(p.trade) ? [] : ['trade: the fields of the trade (as on trades.executed.v1) are required']),
    summary: (p) => {
      const tr = p.trade as Record<string, unknown>;
      return `book ${String(tr.side)} ${String(tr.quantity)} ${String(tr.isin)} at ${String(tr.price)} ${String(tr.currency)} for ${String(tr.account)}`;
    },
    // Capture books it under the maker's name, then the checker validates it: capture refuses the maker's own approval too.
    async execute(p, { up, approved: who }) {
      const booked = (await up.call('capture', 'POST', '/trades', who, { body: p.trade })) as { tradeRef: string };
      const approved = await up.call('capture', 'POST', `/trades/${encodeURIComponent(booked.tradeRef)}/approve`, who);
      return { booked, approved };
    },
  },
  {
    kind: 'AMEND_TRADE',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) =>
      object(p.trade) && ['AMEND', 'CANCEL'].includes(String((p.trade as Record<string, unknown>).action))
        ? []
        : ['trade: the new version, with action AMEND or CANCEL, is required'],
    summary: (p) => {
      const tr = p.trade as Record<string, unknown>;
      return `${String(tr.action).toLowerCase()} ${String(tr.sourceSystem)}:${String(tr.tradeId)} to version ${String(tr.version)}`;
    },
    async execute(p, { up, approved: who }) {
      const tr = p.trade as Record<string, unknown>;
      const changed = (await up.call('capture', 'POST', '/trades', who, { body: tr })) as { tradeRef: string; outcome: string };
      if (tr.action === 'CANCEL') return { changed };
      const approved = await up.call('capture', 'POST', `/trades/${encodeURIComponent(changed.tradeRef)}/approve`, who);
      return { changed, approved };
    },
  },
  {
    kind: 'REPLAY_EXCEPTION',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => [
      ...(text(p.exceptionId) ? [] : ['exceptionId is required']),
      ...(p.message === undefined || object(p.message) ? [] : ['message: the corrected message as an object, or nothing to replay the original']),
    ],
    summary: (p) => `replay exception ${String(p.exceptionId)}${p.message ? ' corrected' : ' as it was'}`,
    async execute(p, { up, approved: who }) {
      const replayed = (await up.call('capture', 'POST', `/exceptions/${encodeURIComponent(String(p.exceptionId))}/replay`, who, {
        body: p.message === undefined ? {} : { message: p.message },
      })) as { tradeRef: string | null; outcome: string };
      // A corrected message makes the maker the trade's maker: the checker's approval validates it.
      if (p.message === undefined || !replayed.tradeRef || replayed.outcome === 'CANCELLED') return { replayed };
      const approved = await up
        .call('capture', 'POST', `/trades/${encodeURIComponent(replayed.tradeRef)}/approve`, who)
        .catch((e: Error) => ({ notApproved: e.message }));
      return { replayed, approved };
    },
  },
  {
    kind: 'REJECT_EXCEPTION',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => [...(text(p.exceptionId) ? [] : ['exceptionId is required']), ...(text(p.comment) ? [] : ['comment: why the exception is rejected'])],
    summary: (p) => `reject exception ${String(p.exceptionId)}: ${String(p.comment)}`,
    execute: (p, { up, approved }) =>
      up.call('capture', 'POST', `/exceptions/${encodeURIComponent(String(p.exceptionId))}/reject`, approved, { body: { comment: p.comment } }),
  },
  {
    kind: 'IMPORT_REFERENTIAL',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => (object(p.referential) ? [] : ['referential: { instruments?, parties?, accounts?, ssis?, calendars? } is required']),
    summary: (p) =>
      `referential import: ${Object.entries(p.referential as Record<string, unknown>)
        .map(([k, v]) => `${Array.isArray(v) ? v.length : 0} ${k}`)
        .join(', ')}`,
    execute: (p, { up, approved }) => up.call('capture', 'POST', '/referential/import', approved, { body: p.referential }),
  },
];

PROPOSAL_KINDS.push({
  kind: 'REPLAY_DLQ',
  makers: ['operator', 'supervisor'],
  checkers: ['supervisor'],
  check: (p) => [
    ...(text(p.topic) ? [] : ['topic: the logical topic whose dead letter to replay (e.g. trade.events.v1)']),
    ...(Number.isInteger(p.partition) ? [] : ['partition: an integer']),
    ...(typeof p.offset === 'string' && /^\d+$/.test(p.offset) ? [] : ['offset: the dead letter offset, as a string of digits']),
  ],
  summary: (p) => `replay dead letter ${String(p.topic)}.dlq ${String(p.partition)}/${String(p.offset)}`,
  async execute(p, { dlq, tx }) {
    const letter = await dlq.find(String(p.topic), p.partition as number, String(p.offset));
    if (!letter)
      throw new HttpException(`no dead letter at ${String(p.topic)}.dlq ${String(p.partition)}/${String(p.offset)}: browse GET /api/dlq?topic=… first`, 404);
    // Once per dead letter, whoever approves: the record commits with the approval.
    const inserted = (await tx.query(
      `INSERT INTO gateway.dlq_replays (dlq_topic, dlq_partition, dlq_offset) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING dlq_offset`,
      [letter.dlqTopic, letter.partition, letter.offset],
    )) as unknown[];
    if (inserted.length === 0) throw new HttpException('this dead letter was already replayed', 409);
    return dlq.replay(letter);
  },
});

PROPOSAL_KINDS.push(
  {
    kind: 'RESOLVE_BREAK',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => [...(text(p.breakId) ? [] : ['breakId is required']), ...(text(p.comment) ? [] : ['comment: how the break was resolved'])],
    summary: (p) => `resolve break ${String(p.breakId)}: ${String(p.comment)}`,
    async execute(p, { up, approved }) {
      const r = await up.raw('accounting', `/reconciliations/breaks/${encodeURIComponent(String(p.breakId))}`, approved, {
        method: 'PATCH',
        contentType: 'application/json',
        body: JSON.stringify({ status: 'RESOLVED', comment: String(p.comment) }),
      });
      return JSON.parse(r.body.toString('utf8')) as unknown;
    },
  },
  {
    kind: 'SETTLEMENT_ACTION',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => [
      ...(text(p.failId) ? [] : ['failId: the fail (instruction) to act on, from GET /api/fails']),
      ...(['resend', 'cancel-and-reinstruct', 'buy-in'].includes(String(p.action)) ? [] : ['action: resend, cancel-and-reinstruct or buy-in']),
    ],
    summary: (p) => `${String(p.action)} fail ${String(p.failId)}`,
    execute: (p, { up, approved }) =>
      up.call('settlement', 'POST', `/fails/${encodeURIComponent(String(p.failId))}/${String(p.action)}`, approved, { body: p.body ?? {} }),
  },
);

PROPOSAL_KINDS.push({
  kind: 'WAIVE_PENALTY',
  makers: ['operator', 'supervisor'],
  checkers: ['supervisor'],
  check: (p) => [...(text(p.penaltyId) ? [] : ['penaltyId: from GET /api/penalties/daily']), ...(text(p.reason) ? [] : ['reason: why the penalty is waived'])],
  summary: (p) => `waive penalty ${String(p.penaltyId)}: ${String(p.reason)}`,
  execute: (p, { up, approved }) =>
    up.call('settlement', 'POST', `/penalties/${encodeURIComponent(String(p.penaltyId))}/waive`, approved, { body: { reason: String(p.reason) } }),
});

PROPOSAL_KINDS.push({
  kind: 'CLOSE_PERIOD',
  // Closing the books is a supervisor's act, approved by another supervisor.
  makers: ['supervisor'],
  checkers: ['supervisor'],
  check: (p) =>
    typeof p.period === 'string' && /^(\d{4}-(0[1-9]|1[0-2])|FY\d{4})$/.test(p.period)
      ? []
      : ['period: a month YYYY-MM, or a fiscal year FYYYYY (the one whose closing date falls in that year)'],
  summary: (p) => `close the accounting period ${String(p.period)}`,
  execute: (p, { up, approved }) => up.call('accounting', 'POST', '/periods/close', approved, { body: { period: p.period } }),
});

PROPOSAL_KINDS.push({
  kind: 'SET_COUNTERPARTY_CONTACTS',
  makers: ['operator', 'supervisor'],
  checkers: ['supervisor'],
  check: contactsProblems,
  // The proposal shows the change: the contacts notification holds now, read as the maker, against the new ones.
  async prepare(p, { up, maker }) {
    const request = contactsRequest(p);
    const change = contactsChange(await currentContacts(up, request.lei, maker), request);
    if (changesNothing(change)) throw new HttpException(`the contacts of counterparty ${request.lei} are already these: nothing to propose`, 409);
    return { params: { ...request }, change };
  },
  summary: (p) => describeChange(p.change as ContactsChange),
  // Only what the checker saw: contacts changed since the proposal refuse it (409), then the contacts are put with the proof of both people.
  async execute(p, { up, approved }) {
    const { lei, name, language, contacts } = contactsRequest(p);
    refuseIfMoved(p.change as ContactsChange, contactsChange(await currentContacts(up, lei, { as: approved.as }), { lei, name, language, contacts }));
    const r = await up.raw('notification', `/counterparty-contacts/${encodeURIComponent(lei)}`, approved, {
      method: 'PUT',
      contentType: 'application/json',
      body: JSON.stringify({ name, language, contacts }),
    });
    return JSON.parse(r.body.toString('utf8')) as unknown;
  },
});

export const proposalKind = (kind: string) => PROPOSAL_KINDS.find((k) => k.kind === kind);
