import { describe, expect, it } from '@jest/globals';
import { envelope, type CustodianInstructionEvent, type CustodianStatusEvent } from '@postera/contracts';
import { parseSese024, renderSese023, validateAgainst } from '@postera/iso20022';
import { TARGET } from '@postera/kernel';
import type { BatchContext, InboundMessage } from '@postera/platform';
import { marketSimConfigSchema } from '../config.js';
import { SimulatedCustodian } from './custodian.js';
import { matchesAtClose, ruleFor, unmatchedOnReceipt } from './rules.js';

const env = { DATABASE_URL: 'postgres://x', KAFKA_BROKERS: '127.0.0.1:9092' };
const TTE = 'FR0000120271';
const SAN = 'FR0000120578';
const subject = (isin: string) => ({ instructionId: '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d61', isin, account: 'CLI-0003', counterparty: '529900COUNTERPTY0129' });
const silent = { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined };

describe('late matching in the scenario: LATE_MATCH rules', () => {
  it('a LATE_MATCH rule is about the matching, a FAIL rule about the settlement: one instruction can be matched late and then fail', () => {
    const config = marketSimConfigSchema.parse({
      ...env,
      MARKET_SIM_RULES: JSON.stringify([
        { isin: TTE, outcome: 'LATE_MATCH', reason: 'CMIS', days: 3 },
        { isin: TTE, outcome: 'FAIL', reason: 'LACK', days: 2 },
      ]),
    });
    expect(ruleFor(config, subject(TTE), 'matching')).toEqual({ isin: TTE, outcome: 'LATE_MATCH', reason: 'CMIS', days: 3 });
    expect(ruleFor(config, subject(TTE), 'settlement')).toEqual({ isin: TTE, outcome: 'FAIL', reason: 'LACK', days: 2 });
    expect([ruleFor(config, subject(SAN), 'matching'), ruleFor(config, subject(SAN), 'settlement')]).toEqual([null, null]);
    expect(unmatchedOnReceipt(ruleFor(config, subject(TTE), 'matching'))).toBe(true);
  });

  it('the older settings keep their aspect: MARKET_SIM_UNMATCHED_ISINS matching, MARKET_SIM_FAIL_ISINS settlement', () => {
    const config = marketSimConfigSchema.parse({ ...env, MARKET_SIM_UNMATCHED_ISINS: TTE, MARKET_SIM_FAIL_ISINS: TTE });
    expect(ruleFor(config, subject(TTE), 'matching')).toEqual({ outcome: 'UNMATCHED', reason: 'CMIS' });
    expect(ruleFor(config, subject(TTE), 'settlement')).toEqual({ outcome: 'FAIL', reason: 'LACK' });
  });

  it('intended Mon 2 Nov 2026, 3 days late: matched at the close of Thu 5 Nov (not of Wed 4); a close that did not run on the 5th matches it on the 6th', () => {
    const rule = { outcome: 'LATE_MATCH' as const, days: 3 };
    const i = { settlementDate: '2026-11-02', unmatchedDays: 0 };
    expect(['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].map((d) => matchesAtClose(rule, i, d, TARGET))).toEqual([
      false,
      false,
      false,
      true,
      true,
    ]);
  });

  it('across a weekend: intended Fri 6 Nov, 2 business days late → matched at the close of Tue 10 Nov; 1 day late by default → Mon 9 Nov', () => {
    const i = { settlementDate: '2026-11-06', unmatchedDays: 0 };
    expect(matchesAtClose({ outcome: 'LATE_MATCH', days: 2 }, i, '2026-11-09', TARGET)).toBe(false);
    expect(matchesAtClose({ outcome: 'LATE_MATCH', days: 2 }, i, '2026-11-10', TARGET)).toBe(true);
    expect(matchesAtClose({ outcome: 'LATE_MATCH' }, i, '2026-11-09', TARGET)).toBe(true);
  });

  it('UNMATCHED keeps counting closes from receipt; forever without days', () => {
    expect(matchesAtClose({ outcome: 'UNMATCHED', days: 2 }, { settlementDate: '2026-11-02', unmatchedDays: 0 }, '2026-10-29', TARGET)).toBe(false);
    expect(matchesAtClose({ outcome: 'UNMATCHED', days: 2 }, { settlementDate: '2026-11-02', unmatchedDays: 1 }, '2026-10-30', TARGET)).toBe(true);
    expect(matchesAtClose({ outcome: 'UNMATCHED' }, { settlementDate: '2026-11-02', unmatchedDays: 40 }, '2026-12-30', TARGET)).toBe(false);
  });

  it('a LATE_MATCH rule takes an unmatched reason and at least one day', () => {
    expect(() => marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: '[{"outcome":"LATE_MATCH","reason":"CLAC"}]' })).toThrow(/LATE_MATCH take CMIS/);
    expect(() => marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: '[{"outcome":"LATE_MATCH","days":0}]' })).toThrow(/1 or more business days/);
    expect(marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: '[{"outcome":"LATE_MATCH","share":0.1}]' }).MARKET_SIM_RULES).toHaveLength(1);
  });
});

describe('what the simulated CSD sends for a late matching', () => {
  const row = (more: Record<string, unknown> = {}) => ({
    instructionId: '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d61',
    tradeRef: 'FO-EQ:LM-1',
    instructionType: 'RVP',
    isin: TTE,
    account: 'CLI-0003',
    counterparty: '529900COUNTERPTY0129',
    quantity: '1000',
    amount: '58120.00',
    currency: 'EUR',
    quantityType: 'UNIT',
    partialIndicator: 'NPAR',
    cashDirection: 'DBIT',
    settledQuantity: '0',
    settledAmount: '0',
    failDays: 0,
    partialSteps: 0,
    unmatchedDays: 1,
    status: 'UNMATCHED',
    settlementDate: '2026-11-02',
    tradeDate: '2026-10-29',
    safekeepingAccount: 'EF-10003',
    ...more,
  });

  /** The CSD's tables as far as a close reads and writes them: the instruction's status moves with the UPDATEs. */
  const closeWith = (rows: Array<ReturnType<typeof row>>) => {
    const emitted: CustodianStatusEvent[] = [];
    const ctx = {
      tx: {
        query: async (sql: string, params: unknown[] = []) => {
          if (sql.includes("WHERE status = 'UNMATCHED'")) return rows.filter((r) => r.status === 'UNMATCHED');
          if (sql.includes("SET status = 'MATCHED'")) {
            for (const r of rows) if ((params[0] as string[]).includes(r.instructionId)) r.status = 'MATCHED';
            return [];
          }
          if (sql.includes("status IN ('MATCHED', 'FAILING')"))
            return rows.filter((r) => (r.status === 'MATCHED' || r.status === 'FAILING') && r.settlementDate <= (params[0] as string));
          return [];
        },
      },
      schema: 'market_sim',
      emit: (e: { event: CustodianStatusEvent }) => emitted.push(e.event),
      log: silent,
    } as unknown as BatchContext;
    return { ctx, emitted };
  };

  it('intended Mon 2 Nov, 3 days late, then failing 2 days (LACK): nothing at the close of 4 Nov; at the close of 5 Nov a MACH dated 5 Nov, then a fail dated 5 Nov — all valid sese.024', async () => {
    const config = marketSimConfigSchema.parse({
      ...env,
      MARKET_SIM_RULES: JSON.stringify([
        { isin: TTE, outcome: 'LATE_MATCH', reason: 'CMIS', days: 3 },
        { isin: TTE, outcome: 'FAIL', reason: 'LACK', days: 2 },
      ]),
    });
    const rows = [row()];
    const sim = new SimulatedCustodian(config);
    const on4 = closeWith(rows);
    await sim.onDayClosed(on4.ctx, { calendar: 'TARGET', businessDate: '2026-11-04' }, 'close-4');
    expect(on4.emitted.filter((e) => e.payload.instructionId === rows[0]!.instructionId)).toEqual([]);

    const on5 = closeWith(rows);
    await sim.onDayClosed(on5.ctx, { calendar: 'TARGET', businessDate: '2026-11-05' }, 'close-5');
    const mine = on5.emitted.filter((e) => e.payload.instructionId === rows[0]!.instructionId);
    expect(mine.map((e) => [e.payload.status, e.payload.reason, e.payload.businessDate])).toEqual([
      ['MACH', null, '2026-11-05'],
      ['PEND', 'LACK', '2026-11-05'],
    ]);
    // The matching's own day is in the document (TxDtls/MtchdStsTmStmp), read back as the status date.
    expect(parseSese024(mine[0]!.payload.xml!)).toMatchObject({ status: 'MACH', statusDate: '2026-11-05', transaction: { settlementDate: '2026-11-02' } });
    expect(mine[0]!.payload.xml).toContain('<MtchdStsTmStmp>2026-11-05T00:00:00</MtchdStsTmStmp>');
    expect(parseSese024(mine[1]!.payload.xml!)).toMatchObject({ status: 'PENF', reasons: [{ code: 'LACK' }] });
    const checks = await validateAgainst(
      'sese.024.001.12',
      mine.map((e) => e.payload.xml!),
    );
    expect(checks.map((c) => c.problems)).toEqual([[], []]);
  });

  it('matched late with no settlement rule: it settles at the close of its matching day', async () => {
    const config = marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: JSON.stringify([{ isin: TTE, outcome: 'LATE_MATCH', days: 1 }]) });
    const rows = [row()];
    const on3 = closeWith(rows);
    await new SimulatedCustodian(config).onDayClosed(on3.ctx, { calendar: 'TARGET', businessDate: '2026-11-03' }, 'close-3');
    expect(on3.emitted.filter((e) => e.payload.instructionId === rows[0]!.instructionId).map((e) => [e.payload.status, e.payload.businessDate])).toEqual([
      ['MACH', '2026-11-03'],
      ['SETT', '2026-11-03'],
    ]);
  });

  it('on receipt, a matched instruction’s MACH carries the CSD’s business day; a LATE_MATCH one is answered NMAT (CMIS)', async () => {
    const ids = ['0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d61', '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d62'];
    const config = marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: JSON.stringify([{ isin: SAN, outcome: 'LATE_MATCH', days: 2 }]) });
    const emitted: CustodianStatusEvent[] = [];
    const inserted: unknown[][] = [];
    const ctx = {
      tx: {
        query: async (sql: string, params: unknown[] = []) => {
          if (sql.includes('business_day')) return [{ d: '2026-10-29', status: 'OPEN' }];
          if (sql.includes('INSERT INTO market_sim.instructions')) {
            inserted.push(params);
            return ids.map((instruction_id) => ({ instruction_id }));
          }
          return [];
        },
      },
      schema: 'market_sim',
      emit: (e: { event: CustodianStatusEvent }) => emitted.push(e.event),
      log: silent,
    } as unknown as BatchContext;
    const sent = (id: string, isin: string): InboundMessage<CustodianInstructionEvent> => {
      const xml = renderSese023({
        transactionId: id.replace(/-/g, ''),
        movement: 'RECE',
        payment: 'APMT',
        tradeDate: '2026-10-29',
        settlementDate: '2026-11-02',
        isin,
        quantityType: 'UNIT',
        quantity: '1000',
        safekeepingAccount: 'EF-10003',
        placeOfSafekeeping: { type: 'NCSD', bic: 'SICVFRPPXXX' },
        transactionType: 'TRAD',
        partialSettlement: 'NPAR',
        delivering: { depositoryBic: 'SICVFRPPXXX', partyBic: 'SOGEFRPPXXX', lei: '529900COUNTERPTY0129', safekeepingAccount: 'EF-99129' },
        receiving: { depositoryBic: 'SICVFRPPXXX', partyBic: 'BNPAFRPPXXX', lei: null, safekeepingAccount: 'EF-10003' },
        settlementAmount: { amount: '58120.00', currency: 'EUR', creditDebit: 'DBIT' },
      });
      const event: CustodianInstructionEvent = envelope({
        eventId: `e-${id}`,
        type: 'InstructionSent',
        producer: 'settlement',
        correlationId: `FO-EQ:${id}`,
        causationId: null,
        payload: {
          instructionId: id,
          tradeRef: `FO-EQ:${id}`,
          instructionType: 'RVP' as const,
          isin,
          quantity: '1000',
          settlementAmount: '58120.00',
          currency: 'EUR',
          tradeDate: '2026-10-29',
          intendedSettlementDate: '2026-11-02',
          account: 'CLI-0003',
          counterparty: '529900COUNTERPTY0129',
          placeOfSettlement: 'SICVFRPPXXX',
          xml,
        },
      });
      return { messageId: id, body: event } as InboundMessage<CustodianInstructionEvent>;
    };
    await new SimulatedCustodian(config).handle(ctx, [sent(ids[0]!, TTE), sent(ids[1]!, SAN)]);
    const of = (id: string) =>
      emitted.filter((e) => e.payload.instructionId === id).map((e) => [e.payload.status, e.payload.reason, e.payload.businessDate ?? null]);
    expect(of(ids[0]!)).toEqual([
      ['PACK', null, null],
      ['MACH', null, '2026-10-29'],
    ]);
    expect(of(ids[1]!)).toEqual([
      ['PACK', null, null],
      ['NMAT', 'CMIS', null],
    ]);
    const mach = emitted.find((e) => e.payload.instructionId === ids[0] && e.payload.status === 'MACH')!;
    expect(parseSese024(mach.payload.xml!).statusDate).toBe('2026-10-29');
    // The matching date is stored with the matched one only (the 18th column of the insert).
    expect(inserted[0]![17]).toEqual(['2026-10-29', null]);
  });
});
