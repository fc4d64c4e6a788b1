import { TRADE_EXECUTED_REQUIRED_FIELDS, type TradeExecutedV1 } from '@postera/contracts';
import { isIsoDate, isIsoTimestampWithZone, isKnownCurrency, isMicFormat, isValidIsin, isValidLei, minorUnits, parseDecimalString } from '@postera/kernel';

/** One broken rule: the field, the value as received, and what is wrong, so an operator can fix it. */
export interface InputProblem {
  field: string;
  value: unknown;
  rule: string;
}

const SOURCE_SYSTEM = /^[A-Z0-9-]{1,32}$/;
/** Versions are stored as Postgres integers. */
const VERSION_MAX = 2_147_483_647;
/** Trade and settlement dates a back office can mean: the settlement cycles and calendars are defined from 2000 to 2099. */
const DATE_MIN = '2000-01-01';
const DATE_MAX = '2099-12-31';
const inDateRange = (d: string) => d >= DATE_MIN && d <= DATE_MAX;
const oneOf =
  <T extends string>(values: readonly T[]) =>
  (v: unknown): v is T =>
    typeof v === 'string' && (values as readonly string[]).includes(v);
const positiveDecimal = (field: string, value: unknown, problems: InputProblem[]) => {
  const parsed = parseDecimalString(value);
  if (!parsed.ok) problems.push({ field, value, rule: `decimal string expected (${parsed.problem})` });
  else if (!parsed.value.gt(0)) problems.push({ field, value, rule: 'must be greater than 0' });
};

/**
 * The rules of the input contract (DESIGN.md §4) that need nothing but the message itself.
 * Every rule is checked and every failure is returned: an operator fixes a message once.
 */
export function inputProblems(msg: Record<string, unknown>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const field of TRADE_EXECUTED_REQUIRED_FIELDS) {
    if (msg[field] === undefined || msg[field] === null || msg[field] === '') problems.push({ field, value: msg[field] ?? null, rule: 'required' });
  }
  const present = (f: string) => msg[f] !== undefined && msg[f] !== null && msg[f] !== '';
  const check = (field: string, ok: boolean, rule: string) => {
    if (present(field) && !ok) problems.push({ field, value: msg[field], rule });
  };
  if (msg.schemaVersion !== undefined && msg.schemaVersion !== 1)
    problems.push({ field: 'schemaVersion', value: msg.schemaVersion, rule: 'only schemaVersion 1 is supported' });
  check('messageId', typeof msg.messageId === 'string' && msg.messageId.length <= 128, 'string of at most 128 characters');
  check('sourceSystem', typeof msg.sourceSystem === 'string' && SOURCE_SYSTEM.test(msg.sourceSystem), 'must match [A-Z0-9-]{1,32}');
  check('tradeId', typeof msg.tradeId === 'string' && msg.tradeId.length >= 1 && msg.tradeId.length <= 64, 'string of 1 to 64 characters');
  check('version', Number.isInteger(msg.version) && (msg.version as number) >= 1 && (msg.version as number) <= VERSION_MAX, `integer from 1 to ${VERSION_MAX}`);
  check('action', oneOf(['NEW', 'AMEND', 'CANCEL'])(msg.action), 'one of NEW, AMEND, CANCEL');
  check('executedAt', isIsoTimestampWithZone(msg.executedAt), 'ISO 8601 timestamp with zone');
  check('tradeDate', isIsoDate(msg.tradeDate) && inDateRange(msg.tradeDate), `ISO date YYYY-MM-DD from ${DATE_MIN} to ${DATE_MAX}`);
  check('side', oneOf(['BUY', 'SELL'])(msg.side), 'one of BUY, SELL');
  check('isin', isValidIsin(msg.isin), 'ISIN (ISO 6166) with a valid check digit');
  if (present('quantity')) positiveDecimal('quantity', msg.quantity, problems);
  if (present('price')) positiveDecimal('price', msg.price, problems);
  check('priceType', oneOf(['UNIT', 'PERCENT'])(msg.priceType), 'one of UNIT, PERCENT');
  check('currency', isKnownCurrency(msg.currency), 'ISO 4217 currency known to Postera');
  check('venue', isMicFormat(msg.venue), 'ISO 10383 MIC (4 characters, XOFF off venue)');
  check('account', typeof msg.account === 'string', 'string');
  check('counterparty', isValidLei(msg.counterparty), 'LEI (ISO 17442) with valid check digits');
  check('capacity', oneOf(['AOTC', 'DEAL', 'MTCH'])(msg.capacity), 'one of AOTC, DEAL, MTCH');
  if (msg.orderType !== undefined) check('orderType', oneOf(['MARKET', 'LIMIT', 'STOP', 'OTHER'])(msg.orderType), 'one of MARKET, LIMIT, STOP, OTHER');
  if (msg.trader !== undefined) check('trader', typeof msg.trader === 'string' && msg.trader.length <= 64, 'string of at most 64 characters');
  // MiFIR RTS 22 field 3: the trading venue transaction identification code, up to 52 characters.
  if (msg.venueTransactionId !== undefined)
    check('venueTransactionId', typeof msg.venueTransactionId === 'string' && msg.venueTransactionId.length <= 52, 'string of at most 52 characters');
  if (msg.settlementDate !== undefined)
    check('settlementDate', isIsoDate(msg.settlementDate) && inDateRange(msg.settlementDate), `ISO date YYYY-MM-DD from ${DATE_MIN} to ${DATE_MAX}`);
  if (msg.fees !== undefined) {
    if (!Array.isArray(msg.fees) || msg.fees.length > 20) problems.push({ field: 'fees', value: msg.fees, rule: 'array of at most 20 fees' });
    else
      msg.fees.forEach((fee: unknown, i: number) => {
        const f = (fee ?? {}) as Record<string, unknown>;
        if (typeof f.type !== 'string' || f.type.length === 0) problems.push({ field: `fees[${i}].type`, value: f.type ?? null, rule: 'required' });
        const amount = parseDecimalString(f.amount);
        if (!amount.ok) problems.push({ field: `fees[${i}].amount`, value: f.amount ?? null, rule: `decimal string expected (${amount.problem})` });
        else if (amount.value.lt(0)) problems.push({ field: `fees[${i}].amount`, value: f.amount, rule: 'must not be negative' });
        // A fee is money the account pays: no fraction of a cent can be debited, and the net amount
        // built from it goes to the CSD in the currency's minor units (sese.023 SttlmAmt).
        else if (isKnownCurrency(msg.currency) && amount.value.decimalPlaces() > minorUnits(msg.currency))
          problems.push({
            field: `fees[${i}].amount`,
            value: f.amount,
            rule: `at most ${minorUnits(msg.currency)} decimals (the minor unit of ${msg.currency})`,
          });
        if (f.currency !== msg.currency)
          problems.push({ field: `fees[${i}].currency`, value: f.currency ?? null, rule: `must be the trade currency ${String(msg.currency)}` });
      });
  }
  if (isIsoDate(msg.settlementDate) && isIsoDate(msg.tradeDate) && msg.settlementDate < msg.tradeDate) {
    problems.push({ field: 'settlementDate', value: msg.settlementDate, rule: `must not be before tradeDate ${msg.tradeDate}` });
  }
  return problems;
}

export type ValidTradeMessage = TradeExecutedV1;
