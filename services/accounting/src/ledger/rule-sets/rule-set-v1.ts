import type { PostingRule } from '../domain/rules-engine.js';

/**
 * Posting rule set version 1, effective from 2000-01-01, inserted by migration 1796000000000 into
 * accounting.posting_rules; the service applies what the table holds, never this constant (the
 * unit tests apply it too). Never edited once released: a change is a new version (a new file and
 * a new migration) with its own effective date, so an entry can always be re-derived from the
 * version in force on its accounting date.
 *
 * Amount names (computed by src/ledger/domain/amounts.ts, all rounded to the currency's minor
 * unit with the mode written there):
 *   gross, accrued, fees, net         the step's share of the trade's figures
 *   commitment                        the off-balance commitment released by this step
 *   securities                        signed change of the securities at cost (+ buy, − sale at cost released)
 *   realizedGain, realizedLoss        ≥ 0, the realized P&L of the quantity closed
 *   amount                            the event's own amount (TTF, penalty, FX result)
 * A line with a signed amount posts a debit when ≥ 0 and a credit of its opposite when < 0; a
 * zero line is left out. Accounts: a code, or `{SECURITIES}` (the account's portfolio category).
 * Aux: which auxiliary account the line carries (CUSTODIAN, COUNTERPARTY, CLIENT, CURRENCY).
 */
const r = (
  event: PostingRule['event'],
  recognition: PostingRule['recognition'],
  variant: PostingRule['variant'],
  lines: Array<[account: string, direction: 'D' | 'C', amount: PostingRule['amount'], aux?: PostingRule['aux']]>,
): PostingRule[] =>
  lines.map(([account, direction, amount, aux], i) => ({ event, recognition, variant, lineNo: i + 1, account, direction, amount, aux: aux ?? null }));

export const RULE_SET_V1 = Object.freeze({
  version: 1,
  effectiveFrom: '2000-01-01',
  description: 'French banking rules (ANC 2014-07) with settlement-date or trade-date recognition per book',
  rules: Object.freeze([
    // Settlement-date recognition (French rules): off balance sheet between trade and settlement date.
    ...r('TRADE_DATE', 'SETTLEMENT_DATE', 'BUY', [
      ['903100', 'D', 'commitment'],
      ['903900', 'C', 'commitment'],
    ]),
    ...r('TRADE_DATE', 'SETTLEMENT_DATE', 'SELL', [
      ['904900', 'D', 'commitment'],
      ['904100', 'C', 'commitment'],
    ]),
    ...r('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', [
      ['903900', 'D', 'commitment'],
      ['903100', 'C', 'commitment'],
      ['{SECURITIES}', 'D', 'securities'],
      ['518100', 'D', 'accrued'],
      ['622000', 'D', 'fees'],
      ['512000', 'C', 'net', 'CUSTODIAN'],
      ['767000', 'C', 'realizedGain'],
      ['667000', 'D', 'realizedLoss'],
    ]),
    ...r('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', [
      ['904100', 'D', 'commitment'],
      ['904900', 'C', 'commitment'],
      ['512000', 'D', 'net', 'CUSTODIAN'],
      ['622000', 'D', 'fees'],
      ['{SECURITIES}', 'D', 'securities'],
      ['518100', 'C', 'accrued'],
      ['767000', 'C', 'realizedGain'],
      ['667000', 'D', 'realizedLoss'],
    ]),
    // Trade-date recognition (IFRS 9 option): on balance sheet at trade date against the counterparty.
    ...r('TRADE_DATE', 'TRADE_DATE', 'BUY', [
      ['{SECURITIES}', 'D', 'securities'],
      ['518100', 'D', 'accrued'],
      ['622000', 'D', 'fees'],
      ['461200', 'C', 'net', 'COUNTERPARTY'],
      ['767000', 'C', 'realizedGain'],
      ['667000', 'D', 'realizedLoss'],
    ]),
    ...r('TRADE_DATE', 'TRADE_DATE', 'SELL', [
      ['461200', 'D', 'net', 'COUNTERPARTY'],
      ['622000', 'D', 'fees'],
      ['{SECURITIES}', 'D', 'securities'],
      ['518100', 'C', 'accrued'],
      ['767000', 'C', 'realizedGain'],
      ['667000', 'D', 'realizedLoss'],
    ]),
    ...r('SETTLEMENT', 'TRADE_DATE', 'BUY', [
      ['461200', 'D', 'net', 'COUNTERPARTY'],
      ['512000', 'C', 'net', 'CUSTODIAN'],
    ]),
    ...r('SETTLEMENT', 'TRADE_DATE', 'SELL', [
      ['512000', 'D', 'net', 'CUSTODIAN'],
      ['461200', 'C', 'net', 'COUNTERPARTY'],
    ]),
    // TTF (CGI art. 235 ter ZD): charged to the client, or an expense of a proprietary book.
    ...r('TTF_ACCRUAL', 'ANY', 'CLIENT', [
      ['461100', 'D', 'amount', 'CLIENT'],
      ['447100', 'C', 'amount'],
    ]),
    ...r('TTF_ACCRUAL', 'ANY', 'PROPRIETARY', [
      ['635100', 'D', 'amount'],
      ['447100', 'C', 'amount'],
    ]),
    // CSDR cash penalties (Delegated Regulation (EU) 2017/389).
    ...r('PENALTY', 'ANY', 'RECEIVABLE', [
      ['468100', 'D', 'amount', 'COUNTERPARTY'],
      ['708100', 'C', 'amount'],
    ]),
    ...r('PENALTY', 'ANY', 'PAYABLE', [
      ['658100', 'D', 'amount'],
      ['468200', 'C', 'amount', 'COUNTERPARTY'],
    ]),
    // FX result of the revaluation of a foreign-currency position into EUR (in EUR).
    ...r('FX_REVALUATION', 'ANY', 'GAIN', [
      ['479000', 'D', 'amount', 'CURRENCY'],
      ['766000', 'C', 'amount'],
    ]),
    ...r('FX_REVALUATION', 'ANY', 'LOSS', [
      ['666000', 'D', 'amount'],
      ['479000', 'C', 'amount', 'CURRENCY'],
    ]),
  ]),
});
