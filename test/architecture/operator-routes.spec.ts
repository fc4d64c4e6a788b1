import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { PROPOSAL_KINDS } from '../../services/gateway/src/proposals/proposal-kinds.js';
import { routesOf } from '../controller-routes.js';

/**
 * Operators work through the gateway only (DESIGN.md §9): every route a service offers them is
 * reached through one of the gateway's, in its OpenAPI, behind its roles and audit. Written out
 * here, service route by service route, so that a route added to a service without its way in
 * fails this test: a gateway route, a proposal kind (a change two people make), or one of the
 * pages that gathers several services (the end-of-day summary, a trade's timeline).
 */
const REACHED_BY: Record<string, Record<string, string>> = {
  capture: {
    'GET /trades/:ref': 'page GET /api/trades/:ref/timeline',
    'GET /trades': 'GET /api/trades',
    'POST /trades': 'proposal BOOK_TRADE',
    'POST /trades/:ref/approve': 'proposal BOOK_TRADE',
    'GET /summary': 'page GET /api/eod-summary',
    'GET /volumes/by-hour': 'GET /api/volumes/by-hour',
    'GET /exceptions': 'GET /api/exceptions',
    'GET /exceptions/:id': 'GET /api/exceptions/:id',
    'POST /exceptions/:id/replay': 'proposal REPLAY_EXCEPTION',
    'POST /exceptions/:id/reject': 'proposal REJECT_EXCEPTION',
    'POST /referential/import': 'proposal IMPORT_REFERENTIAL',
    'POST /referential/import/:entity': 'proposal IMPORT_REFERENTIAL',
    'GET /referential/instruments': 'GET /api/referential/:entity',
    'GET /referential/parties': 'GET /api/referential/:entity',
    'GET /referential/accounts': 'GET /api/referential/:entity',
    'GET /referential/ssis': 'GET /api/referential/:entity',
    'GET /referential/calendars': 'GET /api/referential/:entity',
    'GET /referential/history': 'GET /api/referential/:entity',
  },
  settlement: {
    'GET /instructions/by-trade/:ref': 'page GET /api/trades/:ref/timeline',
    'GET /summary': 'page GET /api/eod-summary',
    'GET /fails': 'GET /api/fails',
    'POST /fails/:id/resend': 'proposal SETTLEMENT_ACTION',
    'POST /fails/:id/cancel-and-reinstruct': 'proposal SETTLEMENT_ACTION',
    'POST /fails/:id/buy-in': 'proposal SETTLEMENT_ACTION',
    'POST /reference-prices': 'POST /api/reference-prices',
    'GET /penalties/daily': 'GET /api/penalties/daily',
    'POST /penalties/:id/waive': 'proposal WAIVE_PENALTY',
    'GET /penalties/monthly': 'GET /api/penalties/monthly',
  },
  accounting: {
    'GET /journal/by-trade/:ref': 'GET /api/trades/:ref/journal',
    'GET /held-events/by-trade/:ref': 'GET /api/trades/:ref/held-events',
    'GET /summary': 'page GET /api/eod-summary',
    'GET /chart': 'GET /api/chart',
    'GET /posting-rules': 'GET /api/posting-rules',
    'PUT /books/:book/recognition': 'PUT /api/books/:book/recognition',
    'GET /positions/:account': 'GET /api/positions/:account',
    'GET /cash': 'GET /api/cash',
    'POST /fx-rates/ecb': 'POST /api/fx-rates/ecb',
    'GET /fx/results': 'GET /api/fx/results',
    'GET /fx/report': 'GET /api/fx/report',
    'GET /exports/trial-balance': 'GET /api/exports/:name',
    'GET /exports/general-ledger': 'GET /api/exports/:name',
    'GET /exports/fec': 'GET /api/exports/:name',
    'POST /reconciliations/statements': 'POST /api/reconciliations/statements',
    'POST /reconciliations/desk-pnl': 'POST /api/reconciliations/desk-pnl',
    'POST /reconciliations/pnl': 'POST /api/reconciliations/pnl',
    'GET /reconciliations/runs': 'GET /api/reconciliations/runs',
    'GET /reconciliations/runs/:id': 'GET /api/reconciliations/runs/:id',
    'GET /reconciliations/breaks': 'GET /api/reconciliations/breaks',
    'GET /reconciliations/breaks/summary': 'GET /api/reconciliations/breaks/summary',
    'GET /reconciliations/breaks/:id': 'GET /api/reconciliations/breaks/:id',
    'PATCH /reconciliations/breaks/:id': 'PATCH /api/reconciliations/breaks/:id',
    'GET /periods': 'GET /api/periods',
    'POST /periods/close': 'proposal CLOSE_PERIOD',
  },
  reporting: {
    'GET /summary': 'page GET /api/eod-summary',
    'GET /eod-reports/:date': 'GET /api/eod-reports/:date',
    'GET /activity/:ref': 'page GET /api/trades/:ref/timeline',
    'GET /reports/runs': 'GET /api/reports/runs',
    'GET /reports/runs/:id': 'GET /api/reports/runs/:id',
    'GET /reports/runs/:id/files/:name': 'GET /api/reports/runs/:id/files/:name',
    'POST /reports/runs': 'POST /api/reports/runs',
    'GET /activity-report': 'GET /api/activity-report',
    'GET /mifir/reports': 'GET /api/mifir/reports',
  },
  notification: {
    'GET /notifications': 'GET /api/notifications',
    'GET /notifications/:id': 'GET /api/notifications/:id',
    'POST /notifications/:id/resend': 'POST /api/notifications/:id/resend',
    'GET /notices': 'GET /api/notices',
    'GET /notices/:id': 'GET /api/notices/:id',
    'GET /notices/:id/pdf': 'GET /api/notices/:id/pdf',
    'GET /avis/late': 'GET /api/avis/late',
    'GET /summary': 'page GET /api/eod-summary',
    'PUT /counterparty-contacts/:lei': 'proposal SET_COUNTERPARTY_CONTACTS',
    'GET /counterparty-contacts/:lei': 'GET /api/counterparty-contacts/:lei',
    'POST /webhook-secrets/:account/rotate': 'POST /api/webhook-secrets/:account/rotate',
    'GET /webhook-secrets/:account': 'GET /api/webhook-secrets/:account',
  },
  'market-sim': {
    'GET /scenario': 'GET /api/simulator/scenario',
    'PUT /scenario': 'PUT /api/simulator/scenario',
  },
};
// Every service behind the gateway: its parked outbox events (the platform's routes), counted and listed by the gateway.
for (const service of ['capture', 'settlement', 'accounting', 'reporting', 'notification'])
  Object.assign(REACHED_BY[service]!, { 'GET /outbox/parked': 'GET /api/outbox/parked/:service', 'GET /outbox/parked/count': 'GET /api/outbox/parked' });
const OPEN = new Set(['GET /health', 'GET /health/live', 'GET /metrics']);

describe('every route a service offers operators is reached through the gateway', () => {
  it('each service route has its way in, and each way in exists at the gateway', async () => {
    const gateway = new Set((await routesOf('gateway')).map((r) => `${r.method} ${r.path}`));
    const kinds = new Set(PROPOSAL_KINDS.map((k) => k.kind));
    const missing: string[] = [];
    const unknownWays: string[] = [];
    const unknownRoutes: string[] = [];
    for (const [service, table] of Object.entries(REACHED_BY)) {
      const routes = (await routesOf(service)).map((r) => `${r.method} ${r.path}`).filter((r) => !OPEN.has(r));
      expect(routes.length).toBeGreaterThanOrEqual(2);
      for (const r of routes) if (!(r in table)) missing.push(`${service} ${r}`);
      for (const r of Object.keys(table)) if (!routes.includes(r)) unknownRoutes.push(`${service} ${r}`);
      for (const way of Object.values(table)) {
        const proposal = /^proposal (\S+)$/.exec(way);
        const ok = proposal ? kinds.has(proposal[1]!) : gateway.has(way.replace(/^page /, ''));
        if (!ok) unknownWays.push(`${service}: ${way}`);
      }
    }
    expect({ missing, unknownRoutes, unknownWays }).toEqual({ missing: [], unknownRoutes: [], unknownWays: [] });
  });
});
