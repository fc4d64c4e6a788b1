import { describe, expect, it } from '@jest/globals';
import {
  accountUpserted,
  businessDay,
  instructionStatusChanged,
  instrumentUpserted,
  tradeAmended,
  tradeCancelled,
  tradeCaptured,
  tradeConfirmed,
  tradeEconomics,
  tradeValidated,
} from '@postera/testing';
import { EVENT_PAYLOAD_SCHEMAS, payloadProblems } from './event-schemas.js';

const trade = tradeEconomics('FO-EQ:T-1001');
const bond = tradeEconomics('FO-FI:B-2002', {
  isin: 'FR0013508470',
  quantity: '100000',
  price: '98.125',
  priceType: 'PERCENT',
  grossAmount: '98125.00',
  accruedInterest: '312.33',
  feesAmount: '0.00',
  netAmount: '98437.33',
  fees: [],
  instrumentType: 'BOND',
  venueTransactionId: 'XPAR-778812',
  trader: null,
  ssis: {
    account: { owner: 'CLI-0003', placeOfSettlement: 'SICVFRPPXXX', safekeepingAccount: 'SAFE-0003', cashAccount: 'CASH-0003', agentBic: null },
    counterparty: null,
  },
  fxConversion: { baseCurrency: 'USD', rate: '1.0842', source: 'ECB euro reference rate', rateDate: '2026-11-25', netAmountInBase: '106725.75' },
});

/** The events the shared builders make, as the integration tests publish them. */
const built = [
  tradeCaptured(trade),
  tradeCaptured(bond),
  tradeAmended(trade, { ...trade, version: 2, quantity: '200', grossAmount: '11701.00', netAmount: '11712.70' }),
  tradeCancelled(trade),
  tradeConfirmed(trade),
  tradeValidated(trade),
  tradeValidated(trade, 'MAKER_CHECKER'),
  instructionStatusChanged(trade, 'SENT'),
  instructionStatusChanged(trade, 'SETTLED'),
  instructionStatusChanged(trade, 'PARTIALLY_SETTLED', { settledQuantity: '50', settledAmount: '2928.18', stepQuantity: '50', stepAmount: '2928.18' }),
  instructionStatusChanged(trade, 'FAILING', { reason: 'LACK', matchedDate: '2026-11-27' }),
  accountUpserted({ account: 'CLI-0003', book: 'CLIENT-EQ' }),
  accountUpserted({
    account: 'CLI-0007',
    book: 'CLIENT-EQ',
    accountType: 'CLIENT',
    email: 'jean.dupont@example.org',
    contacts: [{ channel: 'EMAIL', address: 'jean.dupont@example.org' }],
    naturalPerson: { firstName: 'JEAN', name: 'DUPONT', birthDate: '1980-01-01', nationalId: 'FR19800101JEAN#DUPON', scheme: 'CONCAT' },
  }),
  instrumentUpserted('FR0000120271', 'TotalEnergies'),
  instrumentUpserted('FR0013508470', 'OAT 0.75% 2028', {
    instrumentType: 'BOND',
    liquidityClass: 'SOVEREIGN_DEBT',
    ttfScopeYears: [],
    bond: { couponRate: '0.75', couponFrequency: 1, dayCount: 'ACT/ACT-ICMA', maturityDate: '2028-11-25' },
  }),
  businessDay('BusinessDayOpened', '2026-11-26'),
  businessDay('BusinessDayClosed', '2026-11-26'),
];

/** One payload of every other type, in the shape its producer writes it. */
const written: Record<string, unknown> = {
  CounterpartyConfirmationIssued: {
    tradeRef: trade.tradeRef,
    version: 1,
    counterparty: { lei: trade.counterparty, name: 'Counterparty SA', bic: 'CPTYFRPPXXX' },
    side: 'BUY',
    isin: trade.isin,
    quantity: '150',
    price: '58.505',
    priceType: 'UNIT',
    currency: 'EUR',
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    settlementAmount: '8775.75',
  },
  UnconfirmedTradesAtClose: {
    businessDate: '2026-11-26',
    total: 1,
    trades: [{ tradeRef: trade.tradeRef, version: 1, counterparty: trade.counterparty, tradeDate: '2026-11-26', settlementDate: '2026-11-30' }],
  },
  PartitionDayClosed: { calendar: 'TARGET', businessDate: '2026-11-26', partition: 0, partitions: 6 },
  ExecutionsReceived: {
    businessDate: '2026-11-26',
    receivedAt: '2026-11-26T09:15:02.431Z',
    outcomes: { CAPTURED: 3, DUPLICATE: 1 },
    records: 4,
    first: 'trades.executed.v1/2/118',
    last: 'trades.executed.v1/2/121',
  },
  IntakeExceptionRaised: {
    exceptionId: '5b0a8a40-2f1c-4bb5-9a3e-2a8cc3a1f0d1',
    messageId: 'm-41',
    sourceTopic: 'trades.executed.v1',
    kind: 'INPUT',
    reasons: [{ field: 'quantity', rule: 'not-a-decimal-string' }],
    tradeRef: null,
    businessDate: null,
    receivedAt: '2026-11-26T09:15:02.431Z',
  },
  InstructionSent: {
    instructionId: 'I-1',
    tradeRef: trade.tradeRef,
    instructionType: 'RVP',
    isin: trade.isin,
    quantity: '150',
    settlementAmount: '8784.53',
    currency: 'EUR',
    tradeDate: '2026-11-26',
    intendedSettlementDate: '2026-11-30',
    account: 'CLI-0003',
    counterparty: trade.counterparty,
    placeOfSettlement: 'SICVFRPPXXX',
    partialSettlement: 'PART',
    xml: '<Document/>',
  },
  InstructionCancelled: { instructionId: 'I-1', tradeRef: trade.tradeRef },
  StatusAdvice: {
    instructionId: 'I-1',
    tradeRef: trade.tradeRef,
    status: 'PEND',
    reason: 'LACK',
    settledQuantity: null,
    settledAmount: null,
    effectiveSettlementDate: null,
    businessDate: '2026-11-30',
  },
  SettlementConfirmation: {
    instructionId: 'I-1',
    tradeRef: trade.tradeRef,
    status: 'SETT',
    reason: null,
    settledQuantity: '150',
    settledAmount: '8784.53',
    effectiveSettlementDate: '2026-11-30',
    remainingQuantity: '0',
    businessDate: '2026-11-30',
  },
  HoldingsStatement: {
    statementId: '9f1c2d3e4b5a69788796a5b4c3d2e1f0',
    account: 'CLI-0003',
    safekeepingAccount: 'SAFE-0003',
    statementDate: '2026-11-30',
    basis: 'SETT',
    holdings: [{ isin: trade.isin, quantity: '-150' }],
    xml: '<Document/>',
  },
  CashStatement: {
    statementId: '0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    account: 'CLI-0003',
    cashAccount: 'CASH-0003',
    currency: 'EUR',
    statementDate: '2026-11-30',
    openingBalance: '10000.00',
    closingBalance: '1215.47',
    entries: [{ entryRef: 'aa11bb22cc33dd44ee55ff6677889900', amount: '-8784.53', valueDate: '2026-11-30', tradeRef: trade.tradeRef }],
    xml: '<Document/>',
  },
  PenaltyAccrued: {
    penaltyId: 'P-1',
    instructionId: 'I-1',
    tradeRef: trade.tradeRef,
    kind: 'SEFP',
    direction: 'PAYABLE',
    penaltyDate: '2026-12-01',
    isin: trade.isin,
    counterparty: trade.counterparty,
    account: 'CLI-0003',
    book: 'CLIENT-EQ',
    basisQuantity: '150',
    referencePrice: '58.62',
    rate: '0.0001',
    amount: '0.88',
    currency: 'EUR',
  },
  PenaltyWaived: {
    penaltyId: 'P-1',
    instructionId: 'I-1',
    tradeRef: trade.tradeRef,
    kind: 'SEFP',
    direction: 'PAYABLE',
    penaltyDate: '2026-12-01',
    account: 'CLI-0003',
    book: 'CLIENT-EQ',
    amount: '0.88',
    currency: 'EUR',
    reason: 'dropped from the CSD monthly report',
    waivedBy: 'supervisor-1',
  },
  JournalEntryPosted: {
    entryId: 'E-1',
    tradeRef: 'FX:PROP-FX:USD',
    kind: 'FX_REVALUATION',
    accountingDate: '2026-11-30',
    currency: 'EUR',
    total: '12.40',
    lines: 2,
    result: '-12.40',
  },
  ReconciliationBreakOpened: {
    breakId: 'B-1',
    runId: 'R-1',
    kind: 'HOLDINGS',
    subject: 'CLI-0003',
    item: trade.isin,
    field: 'quantity',
    openedOn: '2026-11-30',
  },
  ReconciliationBreakClosed: {
    breakId: 'B-1',
    closedBy: 'RESOLVED',
    runId: null,
    kind: 'HOLDINGS',
    subject: 'CLI-0003',
    item: trade.isin,
    field: 'quantity',
    openedOn: '2026-11-30',
    closedOn: '2026-12-01',
  },
  TtfAssessed: {
    assessmentId: 'A-1',
    account: 'CLI-0003',
    book: 'CLIENT-EQ',
    isin: trade.isin,
    tradeDate: '2026-11-26',
    base: '8775.75',
    rate: '0.004',
    amount: '35.10',
    currency: 'EUR',
    supersedes: null,
  },
  ReportFiled: {
    runId: 'RUN-1',
    kind: 'TTF',
    periodStart: '2026-11-01',
    periodEnd: '2026-11-30',
    version: 1,
    replaces: null,
    inputsFrom: '2026-11-01',
    inputsTo: '2026-12-31',
    checksumSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    files: [{ name: 'ttf.csv', mediaType: 'text/csv', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', bytes: 120 }],
    filedBy: 'system',
    filedAt: '2026-12-01T18:00:00.000Z',
  },
  EndOfDayReportProduced: {
    businessDate: '2026-11-30',
    captured: 3,
    confirmed: 2,
    validated: 2,
    amended: 1,
    cancelled: 0,
    unconfirmedAtClose: { total: 0, trades: [] },
    instructed: 2,
    settled: 1,
    failing: 1,
    failsByReason: { LACK: 1 },
    settledOnIntendedDate: 1,
    settlementEfficiency: '0.5000',
    journalEntries: 4,
  },
  NotificationSent: {
    notificationId: 'N-1',
    kind: 'AVIS_OPERE',
    tradeRef: trade.tradeRef,
    account: 'CLI-0003',
    channel: 'EMAIL',
    language: 'fr',
    messageId: '<N-1@postera.local>',
    attempts: 1,
  },
  PartyUpserted: { lei: trade.counterparty, name: 'Counterparty SA', country: 'FR', bic: null, version: 1 },
  SsiUpserted: {
    owner: 'CLI-0003',
    market: 'EU',
    currency: 'EUR',
    placeOfSettlement: 'SICVFRPPXXX',
    safekeepingAccount: 'SAFE-0003',
    cashAccount: null,
    agentBic: null,
    version: 2,
  },
  CalendarUpserted: { code: 'TARGET', description: 'TARGET2', weekend: [0, 6], holidays: [{ date: '2026-12-25', name: 'Christmas Day' }], version: 1 },
  ClosingPrice: { isin: trade.isin, priceDate: '2026-11-26', price: '58.62', priceType: 'UNIT', currency: 'EUR', source: 'market-sim' },
  FxRate: { rateDate: '2026-11-26', currency: 'USD', unitsPerEur: '1.0842', source: 'ECB' },
};

describe('the payload contracts of our events', () => {
  it('every event the shared builders make matches the contract of its type', () => {
    const refused = built.map((e) => ({ type: e.type, problems: payloadProblems(e.type, e.payload) })).filter((r) => r.problems.length > 0);
    expect(refused).toEqual([]);
    expect(built.every((e) => e.type in EVENT_PAYLOAD_SCHEMAS)).toBe(true);
  });

  it('a payload of every other type, as its producer writes it, matches its contract', () => {
    const refused = Object.entries(written)
      .map(([type, payload]) => ({ type, problems: payloadProblems(type, payload) }))
      .filter((r) => r.problems.length > 0);
    expect(refused).toEqual([]);
  });

  it('the registry holds exactly the types written on our topics, each with an example above', () => {
    const exercised = new Set([...built.map((e) => e.type), ...Object.keys(written)]);
    expect(Object.keys(EVENT_PAYLOAD_SCHEMAS).sort()).toEqual([...exercised].sort());
  });

  it('a trade with an amount as a number, a missing field, an impossible date and an unknown side is refused with every problem named', () => {
    const { isin: _isin, ...withoutIsin } = trade;
    const payload = { trade: { ...withoutIsin, grossAmount: 8775.75, tradeDate: '2026-02-30', side: 'SHORT' }, status: 'CAPTURED' };
    const problems = payloadProblems('TradeCaptured', payload);
    expect(problems).toEqual([
      'trade.side: Invalid option: expected one of "BUY"|"SELL"',
      'trade.isin: Invalid input: expected string, received undefined',
      'trade.grossAmount: Invalid input: expected string, received number',
      'trade.tradeDate: not a YYYY-MM-DD date',
    ]);
  });

  it('a decimal written with an exponent or a plus sign is not a decimal string', () => {
    const fx = written.FxRate as Record<string, unknown>;
    expect(payloadProblems('FxRate', { ...fx, unitsPerEur: '1.08e0' })).toEqual(['unitsPerEur: not a decimal string']);
    expect(payloadProblems('FxRate', { ...fx, unitsPerEur: '+1.0842' })).toEqual(['unitsPerEur: not a decimal string']);
  });

  it('a field that may be null may not be missing, and a timestamp in a date field is refused', () => {
    const { reason: _reason, ...withoutReason } = written.StatusAdvice as Record<string, unknown>;
    const status = { ...withoutReason, effectiveSettlementDate: '2026-11-30T00:00:00Z' };
    expect(payloadProblems('StatusAdvice', status)).toEqual([
      'reason: Invalid input: expected string, received undefined',
      'effectiveSettlementDate: not a YYYY-MM-DD date',
    ]);
  });

  it('problems in an array name the element; a payload that is not an object is named as the payload', () => {
    const cash = written.CashStatement as { entries: Array<Record<string, unknown>> };
    expect(payloadProblems('CashStatement', { ...cash, entries: [cash.entries[0], { ...cash.entries[0], amount: -10 }] })).toEqual([
      'entries.1.amount: Invalid input: expected string, received number',
    ]);
    expect(payloadProblems('BusinessDayOpened', [])).toEqual(['(payload): Invalid input: expected object, received array']);
  });

  it('a type without a contract is left to its handler', () => {
    expect(payloadProblems('SomethingNew', { anything: 1 })).toEqual([]);
    expect(payloadProblems('toString', {})).toEqual([]);
  });
});
