import {
  envelope,
  type AccountRefV1,
  type BusinessDayEvent,
  type CounterpartyConfirmationIssuedV1,
  type EventEnvelope,
  type InstrumentRefV1,
  type InstructionStatusChangedV1,
  type TradeAmendedV1,
  type TradeCancelledV1,
  type TradeCapturedV1,
  type TradeConfirmedV1,
  type TradeEconomics,
  type TradeValidatedV1,
  type CalendarRefEvent,
} from '@postera/contracts';
import { amountAtLeastMinorUnits, dec, deterministicId, holidaysBetween, TARGET } from '@postera/kernel';
import { randomUUID } from 'node:crypto';

/**
 * Hand-built events for the integration tests, in the shapes their producers publish them
 * (@postera/contracts); none has a cause, as if its producer acted on its own.
 */
function event<P, T extends string>(type: T, producer: string, correlationId: string, payload: P): EventEnvelope<P, T> {
  return envelope<P, T>({ type, producer, correlationId, causationId: null, payload });
}

/**
 * An execution as a trading platform publishes it on trades.executed.v1 (the input contract): the
 * worked example of tradeEconomics — buy 150 TotalEnergies at 58.505 EUR for CLI-0003, commission
 * 8.78 — with a new messageId; executed at 10:15:02.120 Paris time on its trade date. Fields given win.
 */
export function executionMessage(o: Record<string, unknown> & { tradeId: string }): Record<string, unknown> {
  const tradeDate = typeof o.tradeDate === 'string' ? o.tradeDate : '2026-11-26';
  const t = tradeEconomics(`FO-EQ:${o.tradeId}`, { tradeDate });
  const { side, isin, quantity, price, priceType, currency, venue, account, counterparty, capacity, orderType, fees } = t;
  return {
    messageId: randomUUID(),
    schemaVersion: 1,
    sourceSystem: t.sourceSystem,
    version: t.version,
    action: 'NEW',
    executedAt: `${tradeDate}T10:15:02.120+01:00`,
    tradeDate,
    side,
    isin,
    quantity,
    price,
    priceType,
    currency,
    venue,
    account,
    counterparty,
    capacity,
    orderType,
    fees,
    ...o,
  };
}

/**
 * A trade as capture publishes it, keyed `SOURCE:ID`: buy 150 TotalEnergies at 58.505 EUR on
 * Euronext Paris for client CL-0003, gross 8775.75, commission 8.78 → net 8784.53, traded
 * 2026-11-26 for settlement 2026-11-30. A test with other figures passes them all as overrides.
 */
export function tradeEconomics(ref: string, o: Partial<TradeEconomics> = {}): TradeEconomics {
  const [sourceSystem = '', tradeId = ''] = ref.split(':');
  return {
    tradeRef: ref,
    sourceSystem,
    tradeId,
    version: 1,
    side: 'BUY',
    isin: 'FR0000120271',
    quantity: '150',
    price: '58.505',
    priceType: 'UNIT',
    currency: 'EUR',
    grossAmount: '8775.75',
    accruedInterest: '0.00',
    feesAmount: '8.78',
    netAmount: '8784.53',
    fees: [{ type: 'COMMISSION', amount: '8.78', currency: 'EUR' }],
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    executedAt: '2026-11-26T10:15:02.120+01:00',
    venue: 'XPAR',
    account: 'CLI-0003',
    counterparty: '529900COUNTERPTY0129',
    capacity: 'AOTC',
    orderType: 'LIMIT',
    clientId: 'CL-0003',
    accountType: 'CLIENT',
    book: 'CLIENT-EQ',
    instrumentType: 'SHARE',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    ssis: { account: null, counterparty: null },
    origin: 'ELECTRONIC',
    lateBooking: false,
    ...o,
  };
}

/**
 * The shared trade's amendment to 100 at the same price, as its next version: gross 5850.50,
 * commission 5.85 → net 5856.35. Other changes of the amendment are overrides.
 */
export const amendmentTo100 = (t: TradeEconomics, o: Partial<TradeEconomics> = {}): TradeEconomics => ({
  ...t,
  version: t.version + 1,
  quantity: '100',
  grossAmount: '5850.50',
  feesAmount: '5.85',
  netAmount: '5856.35',
  fees: [{ type: 'COMMISSION', amount: '5.85', currency: 'EUR' }],
  ...o,
});

export const tradeCaptured = (t: TradeEconomics) =>
  event<TradeCapturedV1, 'TradeCaptured'>('TradeCaptured', 'capture', t.tradeRef, { trade: t, status: 'CAPTURED' });

export const tradeAmended = (before: TradeEconomics, after: TradeEconomics) =>
  event<TradeAmendedV1, 'TradeAmended'>('TradeAmended', 'capture', after.tradeRef, { before, after, status: 'CAPTURED' });

/** The cancel is a version of its own: the next one unless said. */
export const tradeCancelled = (t: TradeEconomics, cancelVersion = t.version + 1) =>
  event<TradeCancelledV1, 'TradeCancelled'>('TradeCancelled', 'capture', t.tradeRef, { trade: t, cancelVersion, status: 'CANCELLED' });

export const tradeConfirmed = (t: TradeEconomics, confirmationId = `C-${t.tradeId}`) =>
  event<TradeConfirmedV1, 'TradeConfirmed'>('TradeConfirmed', 'capture', t.tradeRef, {
    tradeRef: t.tradeRef,
    version: t.version,
    confirmationId,
    status: 'CONFIRMED',
  });

/**
 * Our confirmation of the trade for its counterparty (`party`, an LEI of the referential), as capture
 * issues it: the cash against the securities is gross plus accrued interest, our fees being ours.
 */
export const counterpartyConfirmationIssued = (t: TradeEconomics, party: CounterpartyConfirmationIssuedV1['counterparty']) =>
  event<CounterpartyConfirmationIssuedV1, 'CounterpartyConfirmationIssued'>('CounterpartyConfirmationIssued', 'capture', t.tradeRef, {
    tradeRef: t.tradeRef,
    version: t.version,
    counterparty: party,
    side: t.side,
    isin: t.isin,
    quantity: t.quantity,
    price: t.price,
    priceType: t.priceType,
    currency: t.currency,
    tradeDate: t.tradeDate,
    settlementDate: t.settlementDate,
    settlementAmount: amountAtLeastMinorUnits(dec(t.grossAmount).plus(t.accruedInterest), t.currency),
  });

/** Validated straight through, or approved by supervisor-1 under four eyes. */
export const tradeValidated = (t: TradeEconomics, how: TradeValidatedV1['how'] = 'STRAIGHT_THROUGH') =>
  event<TradeValidatedV1, 'TradeValidated'>('TradeValidated', 'capture', t.tradeRef, {
    trade: t,
    how,
    validatedBy: how === 'MAKER_CHECKER' ? 'supervisor-1' : null,
    status: 'VALIDATED',
  });

/** The id settlement gives the instruction of one version of a trade. */
export const instructionIdOf = (tradeRef: string, version: number) => deterministicId('instruction', tradeRef, String(version));

/**
 * settlement.events.v1 for the trade's instruction: a settled status carries the whole trade as
 * settled in one step on its intended date; any other status carries no settled figures. A partial
 * settlement, a later date or another instruction id are overrides.
 */
export function instructionStatusChanged(
  t: TradeEconomics,
  status: InstructionStatusChangedV1['status'],
  o: Partial<InstructionStatusChangedV1> = {},
): EventEnvelope<InstructionStatusChangedV1, 'InstructionStatusChanged'> {
  const settled = status === 'SETTLED' || status === 'PARTIALLY_SETTLED';
  return event<InstructionStatusChangedV1, 'InstructionStatusChanged'>('InstructionStatusChanged', 'settlement', t.tradeRef, {
    instructionId: instructionIdOf(t.tradeRef, t.version),
    tradeRef: t.tradeRef,
    tradeVersion: t.version,
    status,
    reason: null,
    isin: t.isin,
    side: t.side,
    account: t.account,
    counterparty: t.counterparty,
    currency: t.currency,
    quantity: t.quantity,
    settlementAmount: t.netAmount,
    intendedSettlementDate: t.settlementDate,
    settledQuantity: settled ? t.quantity : null,
    settledAmount: settled ? t.netAmount : null,
    stepQuantity: settled ? t.quantity : null,
    stepAmount: settled ? t.netAmount : null,
    effectiveSettlementDate: settled ? t.settlementDate : null,
    clientId: t.clientId,
    book: t.book,
    ...o,
  });
}

/** An account of the referential (refdata.accounts.v1): a proprietary trading account at average cost unless said. */
export function accountRef(a: Partial<AccountRefV1> & Pick<AccountRefV1, 'account' | 'book'>): AccountRefV1 {
  return {
    clientId: a.account,
    clientName: a.account,
    accountType: 'PROPRIETARY',
    language: 'fr',
    email: null,
    baseCurrency: 'EUR',
    accountingCategory: 'TRADING',
    costMethod: 'CMP',
    contacts: [],
    netting: false,
    version: 1,
    ...a,
  };
}

/** The account as capture publishes it on refdata.accounts.v1, keyed by the account. */
export const accountUpserted = (a: Partial<AccountRefV1> & Pick<AccountRefV1, 'account' | 'book'>) =>
  event<AccountRefV1, 'AccountUpserted'>('AccountUpserted', 'capture', a.account, accountRef(a));

/** An instrument of the referential (refdata.instruments.v1): a liquid share of Euronext Paris, in the TTF's scope, unless said. */
export function instrumentRef(isin: string, name: string, o: Partial<InstrumentRefV1> = {}): InstrumentRefV1 {
  return {
    isin,
    name,
    instrumentType: 'SHARE',
    currency: 'EUR',
    issuerCountry: 'FR',
    settlementMarket: 'EU',
    placeOfSettlement: 'SICVFRPPXXX',
    liquidityClass: 'LIQUID_SHARE',
    ttfScopeYears: [2026],
    bond: null,
    version: 1,
    ...o,
  };
}

/** The instrument as capture publishes it on refdata.instruments.v1, keyed by its ISIN. */
export const instrumentUpserted = (isin: string, name: string, o: Partial<InstrumentRefV1> = {}) =>
  event<InstrumentRefV1, 'InstrumentUpserted'>('InstrumentUpserted', 'capture', isin, instrumentRef(isin, name, o));

/**
 * The opening or close of a TARGET business day on ops.business-day.v1, as the gateway publishes it
 * (keyed by the day); a test that publishes it as another producer, keyed otherwise, says so.
 */
export const businessDay = (
  type: 'BusinessDayOpened' | 'BusinessDayClosed',
  businessDate: string,
  o: { producer?: string; correlationId?: string } = {},
): BusinessDayEvent => event(type, o.producer ?? 'gateway', o.correlationId ?? `business-day:${businessDate}`, { calendar: 'TARGET', businessDate });

/**
 * TARGET as the referential publishes it on refdata.calendars.v1 (capture's import): the built-in
 * closing days of 2026 and 2027, and `extra` closing days, at `version` (the higher wins). `attempt`
 * gives the same calendar another event id (published again, as a new event rather than a redelivery).
 */
export function targetCalendarUpserted(version: number, extra: string[] = [], attempt?: string): CalendarRefEvent {
  const holidays = [
    ...holidaysBetween(TARGET, '2026-01-01', '2027-12-31').map((date) => ({ date, name: 'TARGET closing day' })),
    ...extra.map((date) => ({ date, name: 'Market closure' })),
  ].sort((a, b) => a.date.localeCompare(b.date));
  return envelope({
    eventId: deterministicId('calendar', 'TARGET', String(version), ...(attempt ? [attempt] : [])),
    type: 'CalendarUpserted',
    producer: 'capture',
    correlationId: 'TARGET',
    causationId: null,
    payload: { code: 'TARGET', description: 'TARGET2 / T2S', weekend: [0, 6], holidays, version },
  });
}
