import { HttpException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { GatewayConfig } from '../config.js';
import type { Operator, Role } from '../auth/roles.js';
import type { DlqReader } from '../dlq/dlq-reader.js';
import { callService, fetchRaw } from './upstream.js';

/** What carrying out an approved proposal may use: who, where the services are, the approval's transaction. */
export interface ExecutionContext {
  maker: string;
  checker: Operator;
  config: GatewayConfig;
  dlq: DlqReader;
  tx: EntityManager;
}

/**
 * What an operator may propose and a second person approve (DESIGN.md §9, maker-checker). Each kind
 * says who may propose it, who may approve it, how to describe it, and what approving it does — the
 * service calls made with the maker's and the checker's names.
 */
export interface ProposalKind {
  kind: string;
  makers: Role[];
  checkers: Role[];
  /** Every problem with the parameters, before anything is stored. */
  check(params: Record<string, unknown>): string[];
  summary(params: Record<string, unknown>): string;
  execute(params: Record<string, unknown>, ctx: ExecutionContext): Promise<unknown>;
}

const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
const object = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
const t = (config: GatewayConfig) => config.UPSTREAM_TIMEOUT_MS;

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
    async execute(p, { maker, checker, config }) {
      const booked = (await callService(config.CAPTURE_URL, 'POST', '/trades', { user: maker, body: p.trade, timeoutMs: t(config) })) as { tradeRef: string };
      const approved = await callService(config.CAPTURE_URL, 'POST', `/trades/${encodeURIComponent(booked.tradeRef)}/approve`, {
        user: checker.id,
        timeoutMs: t(config),
      });
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
    async execute(p, { maker, checker, config }) {
      const tr = p.trade as Record<string, unknown>;
      const changed = (await callService(config.CAPTURE_URL, 'POST', '/trades', { user: maker, body: tr, timeoutMs: t(config) })) as {
        tradeRef: string;
        outcome: string;
      };
      if (tr.action === 'CANCEL') return { changed };
      const approved = await callService(config.CAPTURE_URL, 'POST', `/trades/${encodeURIComponent(changed.tradeRef)}/approve`, {
        user: checker.id,
        timeoutMs: t(config),
      });
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
    async execute(p, { maker, checker, config }) {
      const replayed = (await callService(config.CAPTURE_URL, 'POST', `/exceptions/${encodeURIComponent(String(p.exceptionId))}/replay`, {
        user: maker,
        body: p.message === undefined ? {} : { message: p.message },
        timeoutMs: t(config),
      })) as { tradeRef: string | null; outcome: string };
      // A corrected message makes the maker the trade's maker: the checker's approval validates it.
      if (p.message === undefined || !replayed.tradeRef || replayed.outcome === 'CANCELLED') return { replayed };
      const approved = await callService(config.CAPTURE_URL, 'POST', `/trades/${encodeURIComponent(replayed.tradeRef)}/approve`, {
        user: checker.id,
        timeoutMs: t(config),
      }).catch((e: Error) => ({ notApproved: e.message }));
      return { replayed, approved };
    },
  },
  {
    kind: 'REJECT_EXCEPTION',
    makers: ['operator', 'supervisor'],
    checkers: ['supervisor'],
    check: (p) => [...(text(p.exceptionId) ? [] : ['exceptionId is required']), ...(text(p.comment) ? [] : ['comment: why the exception is rejected'])],
    summary: (p) => `reject exception ${String(p.exceptionId)}: ${String(p.comment)}`,
    execute: (p, { maker, config }) =>
      callService(config.CAPTURE_URL, 'POST', `/exceptions/${encodeURIComponent(String(p.exceptionId))}/reject`, {
        user: maker,
        body: { comment: p.comment },
        timeoutMs: t(config),
      }),
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
    execute: (p, { maker, config }) =>
      callService(config.CAPTURE_URL, 'POST', '/referential/import', { user: maker, body: p.referential, timeoutMs: t(config) }),
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
    const letters = await dlq.browse(String(p.topic), 10_000);
    const letter = letters.find((l) => l.partition === p.partition && l.offset === p.offset);
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
    // Accounting records the resolution under the maker's name; the gateway's audit and the proposal name the checker.
    async execute(p, { maker, checker, config }) {
      const r = await fetchRaw(`${config.ACCOUNTING_URL}/reconciliations/breaks/${encodeURIComponent(String(p.breakId))}`, {
        method: 'PATCH',
        user: maker,
        contentType: 'application/json',
        body: JSON.stringify({ status: 'RESOLVED', comment: `${String(p.comment)} (approved by ${checker.id})` }),
        timeoutMs: t(config),
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
    execute: (p, { maker, config }) =>
      callService(config.SETTLEMENT_URL, 'POST', `/fails/${encodeURIComponent(String(p.failId))}/${String(p.action)}`, {
        user: maker,
        body: p.body ?? {},
        timeoutMs: t(config),
      }),
  },
);

PROPOSAL_KINDS.push({
  kind: 'WAIVE_PENALTY',
  makers: ['operator', 'supervisor'],
  checkers: ['supervisor'],
  check: (p) => [...(text(p.penaltyId) ? [] : ['penaltyId: from GET /api/penalties/daily']), ...(text(p.reason) ? [] : ['reason: why the penalty is waived'])],
  summary: (p) => `waive penalty ${String(p.penaltyId)}: ${String(p.reason)}`,
  execute: (p, { maker, checker, config }) =>
    callService(config.SETTLEMENT_URL, 'POST', `/penalties/${encodeURIComponent(String(p.penaltyId))}/waive`, {
      user: maker,
      body: { reason: `${String(p.reason)} (approved by ${checker.id})` },
      timeoutMs: t(config),
    }),
});

export const proposalKind = (kind: string) => PROPOSAL_KINDS.find((k) => k.kind === kind);
