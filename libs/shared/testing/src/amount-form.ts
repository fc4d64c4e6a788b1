import { isKnownCurrency, minorUnits } from '@postera/kernel';

/**
 * The names an amount goes by in the API's and the files' JSON. A field of one of these names in an
 * object that has a `currency` (or `ccy`) is an amount of that currency. Prices, rates and
 * quantities are not amounts: they keep the decimals they have and are not listed.
 */
export const AMOUNT_FIELDS: readonly string[] = Object.freeze([
  'amount',
  'grossAmount',
  'netAmount',
  'fees',
  'feesAmount',
  'accruedInterest',
  'settlementAmount',
  'settledAmount',
  'cashAmount',
  'stepAmount',
  'debit',
  'credit',
  'balance',
  'opening',
  'closing',
  'cost',
  'position',
  'notRevaluedMovement',
  'penalty',
  'penaltyAmount',
  'realised',
  'unrealised',
  'realized',
  'unrealized',
  'pnl',
  'receivable',
  'payable',
  'net',
  'due',
  'settledOnTime',
  'totalConsideration',
  'commissionsAndExpensesTotal',
]);

/** A field whose name ends in `Eur` (resultEur, carryingEur…) is an amount in EUR, whatever the currency beside it. */
const EUR_FIELD = /[a-z]Eur$/;

const formOf = (units: number) => (units === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${units}}$`));

const at = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`);

/**
 * Every amount of a JSON document that is not in its one form (a decimal string with exactly its
 * currency's minor units: "8775.00" EUR, "100" JPY), as `path: value (currency)`; [] when all are.
 * An amount written as a JSON number is out of form too (money is never a number); an absent amount
 * (null) is not an amount. An object whose currency is not one Postera knows has its amounts
 * reported, since their form cannot be told.
 */
export function amountFieldsOutOfForm(json: unknown): string[] {
  const out: string[] = [];
  const check = (path: string, value: unknown, currency: unknown) => {
    if (value === null || value === undefined || typeof value === 'object') return;
    if (!isKnownCurrency(currency)) out.push(`${path}: ${JSON.stringify(value)} (currency ${JSON.stringify(currency)} unknown)`);
    else if (typeof value !== 'string' || !formOf(minorUnits(currency)).test(value)) out.push(`${path}: ${JSON.stringify(value)} (${currency})`);
  };
  const walk = (node: unknown, path: string) => {
    if (Array.isArray(node)) {
      node.forEach((v, i) => walk(v, at(path, i)));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    const currency = typeof o.currency === 'string' ? o.currency : typeof o.ccy === 'string' ? o.ccy : undefined;
    for (const [key, value] of Object.entries(o)) {
      if (EUR_FIELD.test(key)) check(at(path, key), value, 'EUR');
      else if (currency !== undefined && AMOUNT_FIELDS.includes(key)) check(at(path, key), value, currency);
      walk(value, at(path, key));
    }
  };
  walk(json, '$');
  return out;
}
