/**
 * The data migration 1796000000000 inserts, written out as it was released: the migration reads
 * these rows, never the live rule set or chart (src/ledger/rule-sets), so that what it inserts into a
 * new database cannot change when they do.
 */

export interface LedgerDataAccount {
  code: string;
  name: string;
  kind: 'BALANCE' | 'PNL' | 'OFF_BALANCE';
}

/** Kinds of the accounts seeded before (311000, 512000, 518100, 622000, 903x, 904x). */
export const EXISTING_ACCOUNT_KINDS: Readonly<Record<string, LedgerDataAccount['kind']>> = Object.freeze({
  '311000': 'BALANCE',
  '512000': 'BALANCE',
  '518100': 'BALANCE',
  '622000': 'PNL',
  '903100': 'OFF_BALANCE',
  '903900': 'OFF_BALANCE',
  '904100': 'OFF_BALANCE',
  '904900': 'OFF_BALANCE',
});

/** The chart's accounts added (the seeds of chart version 1). */
export const CHART_ACCOUNTS: readonly LedgerDataAccount[] = Object.freeze([
  { code: '312000', name: 'Titres de placement', kind: 'BALANCE' },
  { code: '313000', name: "Titres d'investissement", kind: 'BALANCE' },
  { code: '314000', name: "Titres de l'activité de portefeuille", kind: 'BALANCE' },
  { code: '315000', name: 'Autres titres détenus à long terme', kind: 'BALANCE' },
  { code: '316000', name: 'Titres de participation', kind: 'BALANCE' },
  { code: '461100', name: 'Clients — comptes de règlement sur opérations sur titres', kind: 'BALANCE' },
  { code: '461200', name: 'Contreparties — comptes de règlement sur opérations sur titres', kind: 'BALANCE' },
  { code: '447100', name: 'Taxe sur les transactions financières à payer', kind: 'BALANCE' },
  { code: '468100', name: 'Pénalités CSDR à recevoir', kind: 'BALANCE' },
  { code: '468200', name: 'Pénalités CSDR à payer', kind: 'BALANCE' },
  { code: '479000', name: 'Contre-valeur des positions de change', kind: 'BALANCE' },
  { code: '635100', name: 'Taxe sur les transactions financières (compte propre)', kind: 'PNL' },
  { code: '658100', name: 'Pénalités CSDR — charges', kind: 'PNL' },
  { code: '666000', name: 'Pertes de change', kind: 'PNL' },
  { code: '667000', name: 'Pertes réalisées sur cessions de titres', kind: 'PNL' },
  { code: '708100', name: 'Pénalités CSDR — produits', kind: 'PNL' },
  { code: '766000', name: 'Gains de change', kind: 'PNL' },
  { code: '767000', name: 'Gains réalisés sur cessions de titres', kind: 'PNL' },
]);

/** One row of accounting.posting_rules. */
export interface LedgerDataRule {
  event: string;
  recognition: string;
  variant: string;
  lineNo: number;
  account: string;
  direction: 'D' | 'C';
  amount: string;
  aux: string | null;
}

const rule = (
  event: string,
  recognition: string,
  variant: string,
  lineNo: number,
  account: string,
  direction: 'D' | 'C',
  amount: string,
  aux: string | null,
): LedgerDataRule => ({
  event,
  recognition,
  variant,
  lineNo,
  account,
  direction,
  amount,
  aux,
});

/** Posting rule set version 1, row for row. */
export const RULE_SET_1 = Object.freeze({
  version: 1,
  effectiveFrom: '2000-01-01',
  description: 'French banking rules (ANC 2014-07) with settlement-date or trade-date recognition per book',
  rules: Object.freeze<LedgerDataRule[]>([
    rule('TRADE_DATE', 'SETTLEMENT_DATE', 'BUY', 1, '903100', 'D', 'commitment', null),
    rule('TRADE_DATE', 'SETTLEMENT_DATE', 'BUY', 2, '903900', 'C', 'commitment', null),
    rule('TRADE_DATE', 'SETTLEMENT_DATE', 'SELL', 1, '904900', 'D', 'commitment', null),
    rule('TRADE_DATE', 'SETTLEMENT_DATE', 'SELL', 2, '904100', 'C', 'commitment', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 1, '903900', 'D', 'commitment', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 2, '903100', 'C', 'commitment', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 3, '{SECURITIES}', 'D', 'securities', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 4, '518100', 'D', 'accrued', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 5, '622000', 'D', 'fees', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 6, '512000', 'C', 'net', 'CUSTODIAN'),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 7, '767000', 'C', 'realizedGain', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'BUY', 8, '667000', 'D', 'realizedLoss', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 1, '904100', 'D', 'commitment', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 2, '904900', 'C', 'commitment', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 3, '512000', 'D', 'net', 'CUSTODIAN'),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 4, '622000', 'D', 'fees', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 5, '{SECURITIES}', 'D', 'securities', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 6, '518100', 'C', 'accrued', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 7, '767000', 'C', 'realizedGain', null),
    rule('SETTLEMENT', 'SETTLEMENT_DATE', 'SELL', 8, '667000', 'D', 'realizedLoss', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 1, '{SECURITIES}', 'D', 'securities', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 2, '518100', 'D', 'accrued', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 3, '622000', 'D', 'fees', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 4, '461200', 'C', 'net', 'COUNTERPARTY'),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 5, '767000', 'C', 'realizedGain', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'BUY', 6, '667000', 'D', 'realizedLoss', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 1, '461200', 'D', 'net', 'COUNTERPARTY'),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 2, '622000', 'D', 'fees', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 3, '{SECURITIES}', 'D', 'securities', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 4, '518100', 'C', 'accrued', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 5, '767000', 'C', 'realizedGain', null),
    rule('TRADE_DATE', 'TRADE_DATE', 'SELL', 6, '667000', 'D', 'realizedLoss', null),
    rule('SETTLEMENT', 'TRADE_DATE', 'BUY', 1, '461200', 'D', 'net', 'COUNTERPARTY'),
    rule('SETTLEMENT', 'TRADE_DATE', 'BUY', 2, '512000', 'C', 'net', 'CUSTODIAN'),
    rule('SETTLEMENT', 'TRADE_DATE', 'SELL', 1, '512000', 'D', 'net', 'CUSTODIAN'),
    rule('SETTLEMENT', 'TRADE_DATE', 'SELL', 2, '461200', 'C', 'net', 'COUNTERPARTY'),
    rule('TTF_ACCRUAL', 'ANY', 'CLIENT', 1, '461100', 'D', 'amount', 'CLIENT'),
    rule('TTF_ACCRUAL', 'ANY', 'CLIENT', 2, '447100', 'C', 'amount', null),
    rule('TTF_ACCRUAL', 'ANY', 'PROPRIETARY', 1, '635100', 'D', 'amount', null),
    rule('TTF_ACCRUAL', 'ANY', 'PROPRIETARY', 2, '447100', 'C', 'amount', null),
    rule('PENALTY', 'ANY', 'RECEIVABLE', 1, '468100', 'D', 'amount', 'COUNTERPARTY'),
    rule('PENALTY', 'ANY', 'RECEIVABLE', 2, '708100', 'C', 'amount', null),
    rule('PENALTY', 'ANY', 'PAYABLE', 1, '658100', 'D', 'amount', null),
    rule('PENALTY', 'ANY', 'PAYABLE', 2, '468200', 'C', 'amount', 'COUNTERPARTY'),
    rule('FX_REVALUATION', 'ANY', 'GAIN', 1, '479000', 'D', 'amount', 'CURRENCY'),
    rule('FX_REVALUATION', 'ANY', 'GAIN', 2, '766000', 'C', 'amount', null),
    rule('FX_REVALUATION', 'ANY', 'LOSS', 1, '666000', 'D', 'amount', null),
    rule('FX_REVALUATION', 'ANY', 'LOSS', 2, '479000', 'C', 'amount', 'CURRENCY'),
  ]),
});
