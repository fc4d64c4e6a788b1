/**
 * The short chaos run of CI: the same code as `npm run chaos`, on 1,500 trades, with its own broker and
 * Postgres (other ports than the CLI's, so both can run at once): capture, accounting and notification
 * each killed once (-9) and restarted, the broker killed and restarted once, Postgres restarted
 * immediately once, three poison messages on internal event topics and two malformed executions.
 * USD rates for the three closes, the last published after its close.
 * Each invariant of the checker is its own test, with its figures in the failure message.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { formatReport } from '../../tools/chaos/src/report.js';
import { defaultOptions, runChaos, type ChaosReport } from '../../tools/chaos/src/run.js';

const BOUND_SECONDS = Number(process.env.CHAOS_CI_SECONDS ?? 480);
let report: ChaosReport | null = null;
let failure: Error | null = null;

const lines: string[] = [];

beforeAll(async () => {
  try {
    report = await runChaos(
      defaultOptions(1_500, {
        seconds: BOUND_SECONDS,
        seed: Number(process.env.CHAOS_SEED ?? 9_003),
        windowSeconds: 40,
        kills: 3,
        killFirst: ['capture', 'accounting', 'notification'],
        killable: ['capture', 'accounting', 'notification'],
        downMsMax: 2_000,
        brokerRestarts: 1,
        postgresRestarts: 1,
        poisons: 3,
        badTrades: 2,
        basePort: 5620,
        topicPrefix: 'chaosci',
        infra: { kafkaPort: 19094, kafkaControllerPort: 19095, pgPort: 15433 },
        log: (l) => lines.push(l),
      }),
    );
  } catch (e) {
    failure = e as Error;
  }
}, (BOUND_SECONDS + 60) * 1000);

afterAll(() => {
  process.stdout.write(`${lines.join('\n')}\n${report ? formatReport(report) : `chaos run failed: ${failure?.message}`}\n`);
});

const verdict = (id: string) => {
  if (!report) throw failure ?? new Error('no report');
  const v = report.verdicts.find((x) => x.id === id);
  if (!v) throw new Error(`no verdict ${id}`);
  return { invariant: v.invariant, pass: v.pass, figures: v.figures, details: v.details };
};

describe('chaos: a short fault-injection run', () => {
  it('ran within its bound and injected every fault of its schedule', () => {
    expect(failure?.message ?? null).toBeNull();
    const kinds = report!.injections.map((i) => i.fault.kind);
    expect(report!.injections.filter((i) => i.error)).toEqual([]);
    expect(kinds.filter((k) => k === 'kill')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'broker-restart')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'postgres-restart')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'poison')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'bad-trade')).toHaveLength(2);
  });

  it.each([
    ['every accepted trade captured once', 'captured-once'],
    ['every malformed execution is one input exception', 'malformed-are-exceptions'],
    ['every accepted trade instructed once', 'instructed-once'],
    ['settled once, as the simulated CSD decided', 'settled-once'],
    ['journaled once per event', 'journaled-once'],
    ['notified once', 'notified-once'],
    ['every journal entry balanced', 'entries-balanced'],
    ['every balance equal to its postings', 'balances-equal-postings'],
    ['every FX result equal to its recomputation from the journal and the rates (a rate and lines late for their close)', 'fx-result-recomputed'],
    ['the DLQ holds exactly the poison messages', 'dlq-exactly-poison'],
    ['no outbox event parked (refused by the broker)', 'outbox-nothing-parked'],
  ])('%s', (_name, id) => {
    expect(verdict(id)).toMatchObject({ pass: true });
  });

  it('replaying accounting from offset 0 into an empty schema gives the same journal entry by entry (cost entries included), balances and positions', () => {
    const r = report?.replay;
    expect(r).toBeDefined();
    expect(r!.ledgerCompared).toBeGreaterThan(0);
    expect(r!.journalCompared).toBeGreaterThan(0);
    expect({ journal: r!.journalDiffering.slice(0, 20), ledger: r!.ledgerDiffering.slice(0, 20), positions: r!.positionsDiffering.slice(0, 20) }).toEqual({
      journal: [],
      ledger: [],
      positions: [],
    });
    expect(verdict('replay-identical')).toMatchObject({ pass: true });
  });
});
