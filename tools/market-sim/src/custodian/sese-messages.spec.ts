import { describe, expect, it } from '@jest/globals';
import { envelope, PARTITION_DAY_CLOSED, Topics, type CustodianInstructionEvent, type CustodianStatusEvent, type EventEnvelope } from '@postera/contracts';
import { parseSese024, parseSese025, renderSese023, renderSese024, renderSese025, validateAgainst, type Sese023 } from '@postera/iso20022';
import type { BatchContext, InboundMessage } from '@postera/platform';
import { marketSimConfigSchema } from '../config.js';
import { SimulatedCustodian } from './custodian.js';
import { checkOutgoing, checkReceived, InvalidOutgoingMessage } from './schema-check.js';

const TX = '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e';
const INSTRUCTION_ID = '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d6e';

// Receive 150 TotalEnergies against 8,784.53 EUR, as settlement writes it.
const sese023: Sese023 = {
  transactionId: TX,
  movement: 'RECE',
  payment: 'APMT',
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  isin: 'FR0000120271',
  quantityType: 'UNIT',
  quantity: '150',
  safekeepingAccount: 'EF-10003',
  placeOfSafekeeping: { type: 'NCSD', bic: 'SICVFRPPXXX' },
  transactionType: 'TRAD',
  partialSettlement: 'PART',
  delivering: { depositoryBic: 'SICVFRPPXXX', partyBic: 'SOGEFRPPXXX', lei: '529900COUNTERPTY0129', safekeepingAccount: 'EF-99129' },
  receiving: { depositoryBic: 'SICVFRPPXXX', partyBic: 'BNPAFRPPXXX', lei: null, safekeepingAccount: 'EF-10003' },
  settlementAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
};

describe('what the simulated CSD writes is read back by the code that consumes it', () => {
  it('sese.024: a fail (Flng) with its reason; an unmatched one with DMON; an acceptance without reason', () => {
    expect(
      parseSese024(
        renderSese024({ transactionId: TX, status: 'PENF', reasons: [{ code: 'CLAC', issuer: null, text: null }], statusDate: null, transaction: null }),
      ),
    ).toMatchObject({
      transactionId: TX,
      status: 'PENF',
      reasons: [{ code: 'CLAC', issuer: null, text: null }],
    });
    expect(
      parseSese024(
        renderSese024({ transactionId: TX, status: 'NMAT', reasons: [{ code: 'DMON', issuer: null, text: null }], statusDate: null, transaction: null }),
      ).reasons[0]!.code,
    ).toBe('DMON');
    expect(parseSese024(renderSese024({ transactionId: TX, status: 'PACK', reasons: [], statusDate: null, transaction: null }))).toMatchObject({
      status: 'PACK',
      reasons: [],
    });
  });

  it('sese.025: a partial step of 60 of 150, 3,513.81 EUR paid, 90 remaining', () => {
    const c = {
      transactionId: TX,
      movement: 'RECE' as const,
      payment: 'APMT' as const,
      isin: 'FR0000120271',
      tradeDate: '2026-11-26',
      settlementDate: '2026-11-30',
      effectiveSettlementDate: '2026-11-30',
      quantityType: 'UNIT' as const,
      settledQuantity: '60',
      remainingQuantity: '90',
      settledAmount: { amount: '3513.81', currency: 'EUR', creditDebit: 'DBIT' as const },
      partialSettlement: 'PAIN' as const,
      safekeepingAccount: 'EF-10003',
      transactionType: 'TRAD',
    };
    expect(parseSese025(renderSese025(c))).toEqual({ ...c, accountServicerTransactionId: null });
  });
});

describe('the schema check of what the simulator receives and sends', () => {
  it('received: a valid sese.023 passes; one without its settlement date is refused with the line and the schema’s words, within 210 characters', async () => {
    const valid = renderSese023(sese023);
    const broken = valid.replace(/<SttlmDt>[\s\S]*?<\/SttlmDt>/, '');
    const [ok, refused] = await checkReceived(true, 'sese.023.001.11', [valid, broken]);
    expect(ok).toBeNull();
    expect(refused).toMatch(/^not valid against its schema: line \d+: element TradDtls: .*Missing child element/);
    expect(refused!.length).toBeLessThanOrEqual(210);
    // Off: nothing is checked.
    expect(await checkReceived(false, 'sese.023.001.11', [broken])).toEqual([null]);
  });

  it('sent: an invalid sese.024 of ours stops the batch loudly, naming the version and the problem; valid ones pass', async () => {
    const good = renderSese024({ transactionId: TX, status: 'MACH', reasons: [], statusDate: null, transaction: null });
    const bad = good.replace('<Mtchd/>', '<Mtchd><NoSpcfdRsn>NORE</NoSpcfdRsn></Mtchd>');
    await expect(checkOutgoing(true, [{ version: 'sese.024.001.12', xml: good }])).resolves.toBeUndefined();
    await expect(
      checkOutgoing(true, [
        { version: 'sese.024.001.12', xml: good },
        { version: 'sese.024.001.12', xml: bad },
      ]),
    ).rejects.toThrow(InvalidOutgoingMessage);
    await expect(checkOutgoing(true, [{ version: 'sese.024.001.12', xml: bad }])).rejects.toThrow(
      /a sese.024.001.12 that is not valid against its schema .*NoSpcfdRsn/,
    );
    await expect(checkOutgoing(false, [{ version: 'sese.024.001.12', xml: bad }])).resolves.toBeUndefined();
  });

  it('a received instruction that fails its schema is answered REJT (OTHR, with the problem as narrative) and never stored', async () => {
    const config = marketSimConfigSchema.parse({ DATABASE_URL: 'postgres://x', KAFKA_BROKERS: '127.0.0.1:9092' });
    const emitted: CustodianStatusEvent[] = [];
    const ctx = {
      tx: {
        query: () => {
          throw new Error('a rejected instruction must not reach the database');
        },
      },
      schema: 'market_sim',
      emit: (e: { event: CustodianStatusEvent }) => emitted.push(e.event),
      log: { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined },
    } as unknown as BatchContext;
    const xml = renderSese023(sese023).replace('<SctiesMvmntTp>RECE</SctiesMvmntTp>', '<SctiesMvmntTp>RECV</SctiesMvmntTp>');
    const event: CustodianInstructionEvent = envelope({
      eventId: 'e1',
      type: 'InstructionSent',
      producer: 'settlement',
      correlationId: 'FO-EQ:1',
      causationId: 'c1',
      payload: {
        instructionId: INSTRUCTION_ID,
        tradeRef: 'FO-EQ:1',
        instructionType: 'RVP' as const,
        isin: 'FR0000120271',
        quantity: '150',
        settlementAmount: '8784.53',
        currency: 'EUR',
        tradeDate: '2026-11-26',
        intendedSettlementDate: '2026-11-30',
        account: 'CLI-0003',
        counterparty: '529900COUNTERPTY0129',
        placeOfSettlement: 'SICVFRPPXXX',
        xml,
      },
    });
    await new SimulatedCustodian(config).handle(ctx, [{ messageId: 'm1', body: event } as InboundMessage<CustodianInstructionEvent>]);
    expect(emitted).toHaveLength(1);
    expect(emitted[0]!.payload).toMatchObject({ instructionId: INSTRUCTION_ID, status: 'REJT', reason: 'OTHR' });
    const advice = parseSese024(emitted[0]!.payload.xml!);
    expect(advice).toMatchObject({ transactionId: TX, status: 'REJT' });
    expect(advice.reasons[0]).toMatchObject({ code: 'OTHR', issuer: null });
    expect(advice.reasons[0]!.text).toMatch(/^not valid against its schema: line \d+: .*SctiesMvmntTp.*RECV/);
    // The rejection is itself a valid sese.024.
    const [check] = await validateAgainst('sese.024.001.12', [emitted[0]!.payload.xml!]);
    expect(check!.problems).toEqual([]);
  });

  it('the check is on by default; MARKET_SIM_SCHEMA_CHECK=false turns it off; a rule’s reason must belong to its outcome', () => {
    const env = { DATABASE_URL: 'postgres://x', KAFKA_BROKERS: '127.0.0.1:9092' };
    expect(marketSimConfigSchema.parse(env).MARKET_SIM_SCHEMA_CHECK).toBe(true);
    expect(marketSimConfigSchema.parse({ ...env, MARKET_SIM_SCHEMA_CHECK: 'false' }).MARKET_SIM_SCHEMA_CHECK).toBe(false);
    expect(() => marketSimConfigSchema.parse({ ...env, MARKET_SIM_SCHEMA_CHECK: 'no' })).toThrow();
    expect(() => marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: '[{"outcome":"FAIL","reason":"DMON"}]' })).toThrow(/FAIL and PARTIAL take LACK/);
    expect(marketSimConfigSchema.parse({ ...env, MARKET_SIM_RULES: '[{"outcome":"UNMATCHED","reason":"DMON"}]' }).MARKET_SIM_RULES).toHaveLength(1);
  });

  it('at a close: a fail is written failing (Flng, CLAC) with the transaction; a bond’s partial step (PAIN) and its remainder adding up to the whole; a full settlement — all valid; then the day marked closed on every partition', async () => {
    const config = marketSimConfigSchema.parse({
      DATABASE_URL: 'postgres://x',
      KAFKA_BROKERS: '127.0.0.1:9092',
      MARKET_SIM_RULES: JSON.stringify([
        { isin: 'FR0000131104', outcome: 'FAIL', reason: 'CLAC' },
        { isin: 'FR0013341781', outcome: 'PARTIAL' },
      ]),
    });
    const row = (n: number, isin: string, more: Record<string, unknown> = {}) => ({
      instructionId: `0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d6${n}`,
      tradeRef: `FO-EQ:${n}`,
      instructionType: 'RVP',
      isin,
      account: 'CLI-0003',
      counterparty: '529900COUNTERPTY0129',
      quantity: '150',
      amount: '8784.53',
      currency: 'EUR',
      quantityType: 'UNIT',
      partialIndicator: 'PART',
      cashDirection: 'DBIT',
      settledQuantity: '0',
      settledAmount: '0',
      failDays: 0,
      partialSteps: 0,
      unmatchedDays: 0,
      status: 'MATCHED',
      settlementDate: '2026-11-30',
      tradeDate: '2026-11-26',
      safekeepingAccount: 'EF-10003',
      ...more,
    });
    const due = [
      row(1, 'FR0000120271'), // settles whole
      row(2, 'FR0000131104'), // fails, CLAC
      row(3, 'FR0013341781', { instructionType: 'DFP', quantityType: 'FAMT', quantity: '1000000', amount: '0', cashDirection: 'CRDT' }), // a partial step of a bond, free
    ];
    const emitted: CustodianStatusEvent[] = [];
    const topics: string[] = [];
    const ctx = {
      // Only the due instructions come back; no account, cash or price rows, so no statement is written here.
      tx: { query: async (sql: string) => (sql.includes("status IN ('MATCHED', 'FAILING')") ? due : []) },
      schema: 'market_sim',
      emit: (e: { topic: string; event: CustodianStatusEvent }) => {
        topics.push(e.topic);
        emitted.push(e.event);
      },
      log: { warn: () => undefined, debug: () => undefined, info: () => undefined, error: () => undefined },
    } as unknown as BatchContext;
    await new SimulatedCustodian(config).onDayClosed(ctx, { calendar: 'TARGET', businessDate: '2026-11-30' }, 'close-1');
    const by = (n: number) => emitted.filter((e) => e.payload.instructionId === due[n - 1]!.instructionId);
    expect(by(1).map((e) => parseSese025(e.payload.xml!))).toMatchObject([
      { settledQuantity: '150', remainingQuantity: null, partialSettlement: null, settledAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' } },
    ]);
    expect(by(2).map((e) => [e.payload.status, e.payload.businessDate, parseSese024(e.payload.xml!)])).toMatchObject([
      [
        'PEND',
        '2026-11-30',
        { status: 'PENF', reasons: [{ code: 'CLAC' }], transaction: { isin: 'FR0000131104', settlementDate: '2026-11-30', quantity: '150' } },
      ],
    ]);
    const [step, pending] = by(3);
    const confirmation = parseSese025(step!.payload.xml!);
    expect(confirmation).toMatchObject({ quantityType: 'FAMT', payment: 'FREE', settledAmount: null, partialSettlement: 'PAIN' });
    // The step and what remains add up to the instruction's 1,000,000 face amount.
    expect(Number(confirmation.settledQuantity) + Number(confirmation.remainingQuantity)).toBe(1_000_000);
    expect(parseSese024(pending!.payload.xml!)).toMatchObject({ status: 'PENF', reasons: [{ code: 'LACK' }] });
    const [c24, c25] = [emitted.filter((e) => e.type === 'StatusAdvice'), emitted.filter((e) => e.type === 'SettlementConfirmation')];
    expect(
      (
        await validateAgainst(
          'sese.024.001.12',
          c24.map((e) => e.payload.xml!),
        )
      ).every((c) => c.valid),
    ).toBe(true);
    expect(
      (
        await validateAgainst(
          'sese.025.001.11',
          c25.map((e) => e.payload.xml!),
        )
      ).every((c) => c.valid),
    ).toBe(true);
    // The CSD's end of day last: one marker on each partition of custodian.status.v1, after the cycle's four advices and confirmations.
    const onStatus = emitted.filter((_, i) => topics[i] === Topics.custodianStatus) as EventEnvelope[];
    expect(onStatus.map((e) => e.type)).toEqual([
      ...Array(4).fill(expect.stringMatching(/^(StatusAdvice|SettlementConfirmation)$/)),
      ...Array(6).fill(PARTITION_DAY_CLOSED),
    ]);
    expect(onStatus.slice(4).map((e) => [e.producer, e.causationId, e.payload])).toEqual(
      [0, 1, 2, 3, 4, 5].map((partition) => ['market-sim', 'close-1', { calendar: 'TARGET', businessDate: '2026-11-30', partition, partitions: 6 }]),
    );
  });
});
