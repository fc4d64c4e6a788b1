import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { physicalTopic, Topics, type EventEnvelope } from '@postera/contracts';
import { PEOPLE } from '@postera/devstack';
import {
  amendmentTo100,
  businessDay as day,
  consumeAll,
  instructionIdOf as instructionId,
  produceRaw,
  tradeAmended as amended,
  tradeCancelled as cancelled,
  tradeCaptured as captured,
  tradeEconomics as trade,
  tradeValidated as validated,
  waitFor,
} from '@postera/testing';
import { count, e2eEnv, groupCaughtUp, type E2eEnv } from '../../../test/e2e/harness.js';

// Settlement and the simulated CSD as built processes on the real broker and database, fed with
// hand-built trade.events.v1: instructions follow the trade lifecycle (DOMAIN.md §1).
jest.setTimeout(240_000);

const TRADE_DATE = '2026-11-26';
const SETTLEMENT_DATE = '2026-11-30';

describe('settlement follows the trade lifecycle, on the real broker and database', () => {
  let env: E2eEnv;
  const publish = (...events: EventEnvelope[]) =>
    produceRaw(
      env.prefix,
      Topics.tradeEvents,
      events.map((e) => ({ key: e.correlationId, value: JSON.stringify(e) })),
    );
  const settlementCaughtUp = () =>
    waitFor(() => groupCaughtUp(`${env.prefix}.settlement.trade-events`, physicalTopic(env.prefix, Topics.tradeEvents)), {
      timeoutMs: 30_000,
      what: 'settlement to consume trade.events.v1',
    });
  const statusOf = async (schema: 'settlement' | 'market_sim', id: string) =>
    ((await env.db.query(`SELECT status FROM ${schema}.instructions WHERE instruction_id = $1`, [id])).rows[0] as { status: string } | undefined)?.status ??
    null;
  const waitStatus = (schema: 'settlement' | 'market_sim', id: string, status: string) =>
    waitFor(async () => (await statusOf(schema, id)) === status, { timeoutMs: 30_000, what: `${schema} instruction ${id} to be ${status}` });
  const historyOf = async (id: string) =>
    (await env.db.query(`SELECT status, reason FROM settlement.instruction_history WHERE instruction_id = $1 ORDER BY seq`, [id])).rows.map(
      (r: { status: string; reason: string | null }) => (r.reason ? `${r.status}:${r.reason}` : r.status),
    );
  const readTopic = async (topic: string, expected: number) =>
    (await consumeAll(physicalTopic(env.prefix, topic), { expected, timeoutMs: 20_000, settleMs: 500 })).map((m) => JSON.parse(m.value) as EventEnvelope);

  // Each buys 150 TotalEnergies at 58.505 EUR: gross 8775.75, commission 8.78 → net 8784.53 (the shared trade).
  // A: instructed, settles; B: cancelled before settlement; C: amended to v2; D: no place of settlement on the trade.
  const A = trade('FO-EQ:LC-A', { placeOfSettlement: 'CEDELULLXXX' });
  const B = trade('FO-EQ:LC-B');
  const C1 = trade('FO-EQ:LC-C');
  // The amendment: 100 instead of 150 at the same price → gross 5850.50, fees 5.85, net 5856.35.
  const C2 = amendmentTo100(C1);
  const D = trade('FO-EQ:LC-D', { placeOfSettlement: '' });

  beforeAll(async () => {
    env = await e2eEnv('settlement-lifecycle', { basePort: 4500, smtpUrl: 'smtp://127.0.0.1:1', services: ['settlement', 'market-sim'] });
    await env.stack.startAll();
    await produceRaw(env.prefix, Topics.businessDay, [{ key: 'TARGET', value: JSON.stringify(day('BusinessDayOpened', TRADE_DATE)) }]);
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('TradeCaptured alone instructs nothing; TradeValidated instructs, at the trade’s place of settlement or the default', async () => {
    await publish(captured(A), captured(D));
    await settlementCaughtUp();
    expect(await count(env.db, `SELECT count(*) AS n FROM settlement.instructions`)).toBe(0);
    expect(await count(env.db, `SELECT count(*) AS n FROM market_sim.instructions`)).toBe(0);

    await publish(validated(A), validated(D));
    await waitStatus('settlement', instructionId(A.tradeRef, 1), 'MATCHED');
    await waitStatus('settlement', instructionId(D.tradeRef, 1), 'MATCHED');
    const { rows } = await env.db.query(
      `SELECT trade_ref, trade_version, instruction_type, settlement_amount::text AS amount, place_of_settlement FROM settlement.instructions ORDER BY trade_ref`,
    );
    expect(rows).toEqual([
      { trade_ref: A.tradeRef, trade_version: 1, instruction_type: 'RVP', amount: '8784.53', place_of_settlement: 'CEDELULLXXX' },
      { trade_ref: D.tradeRef, trade_version: 1, instruction_type: 'RVP', amount: '8784.53', place_of_settlement: 'SICVFRPPXXX' },
    ]);
    expect(await historyOf(instructionId(A.tradeRef, 1))).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED']);
  });

  it('TradeCancelled cancels the live instruction, tells the CSD (sese.020), and the CSD confirms (CAND)', async () => {
    const id = instructionId(B.tradeRef, 1);
    await publish(captured(B), validated(B));
    await waitStatus('market_sim', id, 'MATCHED');
    await waitStatus('settlement', id, 'MATCHED');
    await publish(cancelled(B, 2));
    await waitStatus('market_sim', id, 'CANCELLED');
    const fromCsd = (await readTopic(Topics.custodianStatus, 7)).filter((e) => (e.payload as { instructionId: string }).instructionId === id);
    expect(fromCsd.map((e) => (e.payload as { status: string }).status)).toEqual(['PACK', 'MACH', 'CAND']);
    await waitFor(() => groupCaughtUp(`${env.prefix}.settlement.custodian-status`, physicalTopic(env.prefix, Topics.custodianStatus)), {
      timeoutMs: 30_000,
      what: 'settlement to consume the CAND advice',
    });
    // The CSD's CAND confirms what settlement already did: nothing new is recorded for it.
    expect(await statusOf('settlement', id)).toBe('CANCELLED');
    expect(await historyOf(id)).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'CANCELLED:TRADE_CANCELLED']);

    const toCsd = (await readTopic(Topics.custodianInstructions, 4)).filter((e) => (e.payload as { instructionId: string }).instructionId === id);
    expect(toCsd.map((e) => e.type)).toEqual(['InstructionSent', 'InstructionCancelled']);
    expect(toCsd[1]!.payload).toEqual({ instructionId: id, tradeRef: B.tradeRef });
    const announced = (await readTopic(Topics.settlementEvents, 10)).filter((e) => (e.payload as { instructionId: string }).instructionId === id);
    expect(announced.map((e) => [(e.payload as { status: string }).status, (e.payload as { reason: string | null }).reason])).toEqual([
      ['SENT', null],
      ['ACCEPTED', null],
      ['MATCHED', null],
      ['CANCELLED', 'TRADE_CANCELLED'],
    ]);
  });

  it('TradeAmended then TradeValidated(v2): v1 cancelled at the CSD, v2 instructed; a late TradeValidated(v1) resurrects nothing', async () => {
    const v1 = instructionId(C1.tradeRef, 1);
    const v2 = instructionId(C1.tradeRef, 2);
    await publish(captured(C1), validated(C1));
    await waitStatus('settlement', v1, 'MATCHED');
    await publish(amended(C1, C2));
    await waitStatus('market_sim', v1, 'CANCELLED');
    expect(await statusOf('settlement', v2)).toBeNull(); // the amended version waits for its own validation
    await publish(validated(C2));
    await waitStatus('settlement', v2, 'MATCHED');
    // The same validation of v1 again under a new event id (a replay the inbox cannot recognise).
    await publish(validated(C1));
    await settlementCaughtUp();

    const { rows } = await env.db.query(
      `SELECT trade_version, status, reason, quantity::text AS quantity, settlement_amount::text AS amount FROM settlement.instructions WHERE trade_ref = $1 ORDER BY trade_version`,
      [C1.tradeRef],
    );
    expect(rows).toEqual([
      { trade_version: 1, status: 'CANCELLED', reason: 'TRADE_AMENDED', quantity: '150', amount: '8784.53' },
      { trade_version: 2, status: 'MATCHED', reason: null, quantity: '100', amount: '5856.35' },
    ]);
    expect(await historyOf(v1)).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'CANCELLED:TRADE_AMENDED']);
    expect(await count(env.db, `SELECT count(*) AS n FROM market_sim.instructions WHERE trade_ref = $1`, [C1.tradeRef])).toBe(2);
    expect(await statusOf('market_sim', v1)).toBe('CANCELLED');
  });

  it('at the close, the CSD settles the live instructions and never a cancelled one', async () => {
    await produceRaw(env.prefix, Topics.businessDay, [
      { key: 'TARGET', value: JSON.stringify(day('BusinessDayClosed', TRADE_DATE)) },
      { key: 'TARGET', value: JSON.stringify(day('BusinessDayOpened', SETTLEMENT_DATE)) },
      { key: 'TARGET', value: JSON.stringify(day('BusinessDayClosed', SETTLEMENT_DATE)) },
    ]);
    for (const id of [instructionId(A.tradeRef, 1), instructionId(C1.tradeRef, 2), instructionId(D.tradeRef, 1)]) await waitStatus('settlement', id, 'SETTLED');
    await waitFor(
      async () =>
        (await count(env.db, `SELECT count(*) AS n FROM market_sim.business_day WHERE business_date = $1 AND status = 'CLOSED'`, [SETTLEMENT_DATE])) === 1,
      { timeoutMs: 30_000, what: 'the CSD to close the settlement date' },
    );
    const { rows } = await env.db.query(
      `SELECT instruction_id, status, to_char(effective_settlement_date, 'YYYY-MM-DD') AS esd FROM market_sim.instructions ORDER BY trade_ref, status`,
    );
    expect(rows).toEqual([
      { instruction_id: instructionId(A.tradeRef, 1), status: 'SETTLED', esd: SETTLEMENT_DATE },
      { instruction_id: instructionId(B.tradeRef, 1), status: 'CANCELLED', esd: null },
      { instruction_id: instructionId(C1.tradeRef, 1), status: 'CANCELLED', esd: null },
      { instruction_id: instructionId(C1.tradeRef, 2), status: 'SETTLED', esd: SETTLEMENT_DATE },
      { instruction_id: instructionId(D.tradeRef, 1), status: 'SETTLED', esd: SETTLEMENT_DATE },
    ]);
    expect(await statusOf('settlement', instructionId(B.tradeRef, 1))).toBe('CANCELLED');
    expect(await statusOf('settlement', instructionId(C1.tradeRef, 1))).toBe('CANCELLED');
    // PACK and MACH for five instructions, CAND for two, SETT for three.
    const settledAtCsd = (await readTopic(Topics.custodianStatus, 15))
      .filter((e) => e.type === 'SettlementConfirmation')
      .map((e) => (e.payload as { instructionId: string }).instructionId)
      .sort();
    expect(settledAtCsd).toEqual([instructionId(A.tradeRef, 1), instructionId(C1.tradeRef, 2), instructionId(D.tradeRef, 1)].sort());
  });

  it('a cancellation after settlement leaves the instruction SETTLED, sends nothing to the CSD, and is recorded', async () => {
    const id = instructionId(A.tradeRef, 1);
    // Sent A, D, B, C1 and C2; cancelled B and C1.
    expect((await readTopic(Topics.custodianInstructions, 7)).length).toBe(7);
    await publish(cancelled(A, 2));
    await settlementCaughtUp();
    expect(await statusOf('settlement', id)).toBe('SETTLED');
    expect(await historyOf(id)).toEqual(['CREATED', 'SENT', 'ACCEPTED', 'MATCHED', 'SETTLED', 'SETTLED:CANCEL_AFTER_SETTLEMENT']);
    await new Promise((r) => setTimeout(r, 1000)); // the outbox relay's time to publish anything it was given
    expect((await consumeAll(physicalTopic(env.prefix, Topics.custodianInstructions), { expected: 8, timeoutMs: 3000 })).length).toBe(7);
    const summaryUrl = `${env.stack.url('settlement')}/summary`;
    const summary = (await (await fetch(summaryUrl, { headers: await env.stack.as(PEOPLE.auditor, 'GET', summaryUrl) })).json()) as Record<string, unknown>;
    expect(summary).toMatchObject({ instructed: 3, settled: 3, cancelled: 2, anomalies: { CANCEL_AFTER_SETTLEMENT: 1 } });
  });
});
