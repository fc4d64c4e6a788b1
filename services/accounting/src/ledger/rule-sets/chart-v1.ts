/**
 * The chart of accounts seeded by migration 1796000000000 (a bank-style plan, ANC 2014-07 classes).
 * Never edited once released: a new account is added by a new migration.
 *
 * `kind`: BALANCE (on balance sheet, revalued in EUR when held in a foreign currency), PNL (income
 * statement: never revalued, the FX result lands there) or OFF_BALANCE (class 9 commitments).
 * Dimensions carried by every journal line, not by the code: the book, the currency and an
 * auxiliary account (`aux`: the custodian's BIC on the nostro, the counterparty's LEI on the
 * counterparty settlement account, the client id on the client settlement account) — which is
 * what the FEC calls CompAuxNum.
 */
export interface ChartAccount {
  code: string;
  name: string;
  kind: 'BALANCE' | 'PNL' | 'OFF_BALANCE';
}

export const CHART_V1: readonly ChartAccount[] = Object.freeze([
  // Securities by ANC 2014-07 art. 2371-1 portfolio category (the account's accountingCategory);
  // 311000 Titres de transaction was seeded before.
  { code: '312000', name: 'Titres de placement', kind: 'BALANCE' },
  { code: '313000', name: "Titres d'investissement", kind: 'BALANCE' },
  { code: '314000', name: "Titres de l'activité de portefeuille", kind: 'BALANCE' },
  { code: '315000', name: 'Autres titres détenus à long terme', kind: 'BALANCE' },
  { code: '316000', name: 'Titres de participation', kind: 'BALANCE' },
  // Settlement accounts (comptes de règlement relatifs aux opérations sur titres).
  { code: '461100', name: 'Clients — comptes de règlement sur opérations sur titres', kind: 'BALANCE' },
  { code: '461200', name: 'Contreparties — comptes de règlement sur opérations sur titres', kind: 'BALANCE' },
  // Taxes and penalties.
  { code: '447100', name: 'Taxe sur les transactions financières à payer', kind: 'BALANCE' },
  { code: '468100', name: 'Pénalités CSDR à recevoir', kind: 'BALANCE' },
  { code: '468200', name: 'Pénalités CSDR à payer', kind: 'BALANCE' },
  // EUR countervalue of the foreign-currency positions (the other side of the FX result).
  { code: '479000', name: 'Contre-valeur des positions de change', kind: 'BALANCE' },
  // Income statement.
  { code: '635100', name: 'Taxe sur les transactions financières (compte propre)', kind: 'PNL' },
  { code: '658100', name: 'Pénalités CSDR — charges', kind: 'PNL' },
  { code: '666000', name: 'Pertes de change', kind: 'PNL' },
  { code: '667000', name: 'Pertes réalisées sur cessions de titres', kind: 'PNL' },
  { code: '708100', name: 'Pénalités CSDR — produits', kind: 'PNL' },
  { code: '766000', name: 'Gains de change', kind: 'PNL' },
  { code: '767000', name: 'Gains réalisés sur cessions de titres', kind: 'PNL' },
]);

/** Kinds of the accounts seeded before (311000, 512000, 518100, 622000, 903x, 904x). */
export const EXISTING_ACCOUNT_KINDS: Readonly<Record<string, ChartAccount['kind']>> = Object.freeze({
  '311000': 'BALANCE',
  '512000': 'BALANCE',
  '518100': 'BALANCE',
  '622000': 'PNL',
  '903100': 'OFF_BALANCE',
  '903900': 'OFF_BALANCE',
  '904100': 'OFF_BALANCE',
  '904900': 'OFF_BALANCE',
});

/** The securities account of each portfolio category (rule account `{SECURITIES}`). */
export const SECURITIES_ACCOUNT_BY_CATEGORY: Readonly<Record<string, string>> = Object.freeze({
  TRADING: '311000',
  PLACEMENT: '312000',
  INVESTMENT: '313000',
  PORTFOLIO_ACTIVITY: '314000',
  OTHER_LONG_TERM: '315000',
  PARTICIPATIONS: '316000',
});
