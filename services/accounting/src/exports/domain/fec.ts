import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';
import type { FiscalYear } from '../../periods/domain/fiscal-year.js';
import type { RateOn } from '../../fx/domain/rate-book.js';

/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1). Choices, each from the article or
 * the administration's commentary (BOI-CF-IOR-60-40-20):
 * - one file per fiscal year (or a period inside one), named `<SIREN>FEC<closing date>.txt`
 *   (periods/domain/fiscal-year.ts);
 * - the 18 fields in the order of the article, their names on the first line;
 * - separator `|` (or tab, on request: the article allows either), no quoting (a `|`, tab or line
 *   break inside a label is replaced by a space so no field can split);
 * - dates AAAAMMJJ (YYYYMMDD), no time;
 * - amounts with a comma as decimal separator (the article's numeric fields), two decimals, no
 *   thousands separator, no sign: Debit and Credit both written (0,00 on the empty side);
 * - in EUR, the accounting currency: a line booked in another currency shows its EUR countervalue at
 *   the ECB rate of its date — or of the last ECB publication at most RATE_AGE_DAYS_MAX days
 *   before, the ECB publishing nothing on weekends and TARGET holidays — with the amount in
 *   currency in Montantdevise and the ISO code in Idevise (both empty for EUR lines). Without such
 *   a rate the file is refused with every missing (currency, date): never an amount in currency
 *   written in the EUR columns;
 * - EcritureNum: the entry's posting sequence (posted_seq), unique, in the order entries were
 *   validated; ValidDate: the day it was posted, or its accounting date when it was posted before
 *   it (an entry dated ahead is final for that date only when the date comes, and the
 *   administration reads a ValidDate before EcritureDate as an anomaly); EcritureLet / DateLet
 *   empty (no lettering);
 * - CompAuxNum: the line's auxiliary account (custodian BIC, counterparty LEI, client id, currency);
 *   CompAuxLib: its name (the referential's party or client name, the CSD's name, the currency's
 *   name). Without a name the file is refused with the codes that lack one;
 * - PieceRef: the trade reference (or the TTF / FX key), PieceDate the entry's accounting date —
 *   or, for an entry booked after the closed period its event fell in, the event's own date, the
 *   reason added to EcritureLib (periods/domain/closed-periods.ts);
 * - the à-nouveaux (journal AN) open the fiscal year: see openingEntry below;
 * - encoding ISO 8859-15 by default (the article's flat-file encodings: ASCII, ISO 8859-15, EBCDIC);
 *   characters outside it become `?`.
 */
export const FEC_COLUMNS = [
  'JournalCode',
  'JournalLib',
  'EcritureNum',
  'EcritureDate',
  'CompteNum',
  'CompteLib',
  'CompAuxNum',
  'CompAuxLib',
  'PieceRef',
  'PieceDate',
  'EcritureLib',
  'Debit',
  'Credit',
  'EcritureLet',
  'DateLet',
  'ValidDate',
  'Montantdevise',
  'Idevise',
] as const;

/** One journal line as the export reads it (amounts as decimal strings, in the line's currency). */
export interface FecLine {
  entrySeq: string;
  kind: string;
  accountingDate: string;
  tradeRef: string;
  /** The event's own date when it fell in a closed period and the entry was booked after it (PieceDate), and why; null otherwise. */
  pieceDate?: string | null;
  bookingNote?: string | null;
  validDate: string;
  accountCode: string;
  accountName: string;
  aux: string | null;
  currency: string;
  debit: string;
  credit: string;
}

/** The EUR lines before the fiscal year, summed per account and auxiliary (the database does it: no conversion to make). */
export interface EurBalance {
  accountCode: string;
  accountName: string;
  aux: string | null;
  /** Σ debit − Σ credit, a decimal string. */
  balance: string;
  /** The latest day one of its lines was posted. */
  validDate: string;
}

/** What the à-nouveaux are made of: everything booked before the first day of the fiscal year. */
export interface OpeningInput {
  eurBalances: readonly EurBalance[];
  /** Every line in another currency before the fiscal year, grouped by entry as posted (converted entry by entry, like the FEC of their year). */
  foreignLines: readonly FecLine[];
}

export interface MissingRate {
  currency: string;
  date: string;
}
export interface MissingName {
  aux: string;
  account: string;
}

export type FecResult = { ok: true; rows: string[][] } | { ok: false; missingRates: MissingRate[]; missingNames: MissingName[] };

export const JOURNALS: Readonly<Record<string, [code: string, label: string]>> = {
  TRADE_DATE_COMMITMENT: ['ENG', 'Engagements et opérations en date de négociation'],
  TRADE_DATE_COMMITMENT_REVERSAL: ['ENG', 'Engagements et opérations en date de négociation'],
  SETTLEMENT: ['RGL', 'Règlements-livraisons'],
  PENALTY: ['PEN', 'Pénalités CSDR'],
  PENALTY_WAIVER: ['PEN', 'Pénalités CSDR'],
  TTF_ACCRUAL: ['TTF', 'Taxe sur les transactions financières'],
  FX_REVALUATION: ['CHG', 'Réévaluation des positions de change'],
  RECOSTING: ['OD', 'Opérations diverses'],
};
export const OPENING_JOURNAL = ['AN', 'A-nouveaux'] as const;

const LABELS: Readonly<Record<string, string>> = {
  TRADE_DATE_COMMITMENT: 'Négociation',
  TRADE_DATE_COMMITMENT_REVERSAL: 'Annulation négociation',
  SETTLEMENT: 'Règlement',
  PENALTY: 'Pénalité',
  PENALTY_WAIVER: 'Abandon de pénalité',
  TTF_ACCRUAL: 'TTF',
  FX_REVALUATION: 'Réévaluation change',
  RECOSTING: 'Recalcul du coût de revient',
};

/**
 * The closed year's net income is carried to the result account of class 1 (PCG account 12):
 * 120000 for a profit, 129000 for a loss. Not to retained earnings (110000 / 119000): at the
 * opening the result is not yet appropriated — the general meeting decides it within six months
 * (dividend, reserves, report à nouveau) and that appropriation is an entry of its own in the new
 * year. The accounts are in the chart (migration 1796200000000) with these names.
 */
export const RESULT_ACCOUNTS = {
  profit: ['120000', "Résultat de l'exercice (bénéfice)"],
  loss: ['129000', "Résultat de l'exercice (perte)"],
} as const;

/** Names of the CSDs our nostro lines carry as auxiliary (place of settlement BICs); a party of the referential with the same BIC wins. */
export const CSD_NAMES: Readonly<Record<string, string>> = {
  SICVFRPPXXX: 'Euroclear France',
  DTCYUS33XXX: 'The Depository Trust Company',
  CRSTGB22XXX: 'Euroclear UK & International',
  MGTCBEBEECL: 'Euroclear Bank',
  CIKBBEBBXXX: 'Euroclear Belgium',
  NECINL2AXXX: 'Euroclear Nederland',
  CEDELULLXXX: 'Clearstream Banking S.A.',
  DAKVDEFFXXX: 'Clearstream Banking AG',
  MOTIITMMXXX: 'Euronext Securities Milan (Monte Titoli)',
  IBRCESMMXXX: 'Iberclear',
  INSECHZZXXX: 'SIX SIS',
};

const ymd = (iso: string) => iso.replaceAll('-', '');
const amount = (d: Decimal) => d.toFixed(2).replace('.', ',');
/** An amount in currency, as precise as it was booked (at least two decimals). */
const currencyAmount = (d: Decimal) => d.toFixed(Math.max(2, d.decimalPlaces())).replace('.', ',');
const clean = (s: string) => s.replace(/[|\t\r\n]/g, ' ');
const maxDate = (a: string, b: string) => (a > b ? a : b);

/** French currency names (ICU), `undefined` for a code ICU does not know. */
const CURRENCY_NAMES = new Intl.DisplayNames(['fr'], { type: 'currency', fallback: 'none' });

/** The name of an auxiliary account: the referential's (party, client), else a CSD's, else a currency's (479000 carries the ISO code). */
export function auxLabel(code: string, names: ReadonlyMap<string, string>): string | null {
  const known = names.get(code) ?? CSD_NAMES[code];
  if (known) return known;
  if (!/^[A-Z]{3}$/.test(code)) return null;
  return CURRENCY_NAMES.of(code) ?? null;
}

interface EurAmounts {
  debit: Decimal;
  credit: Decimal;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const t of items) {
    const g = groups.get(key(t));
    if (g) g.push(t);
    else groups.set(key(t), [t]);
  }
  return groups;
}

/**
 * The EUR columns of one entry's lines, in their order; null when a rate is missing (added to
 * `missing`). A line in EUR is written as booked. Lines in another currency: amount ÷ rate,
 * half-up to the cent (ROUND_HALF_UP, roundToMinor); each currency's lines balance in that
 * currency, and the rounding residue of their countervalues goes to that currency's largest line,
 * so the entry balances in EUR and its EUR lines are never touched.
 */
function entryInEur(entry: readonly FecLine[], rateOn: RateOn, missing: MissingRate[]): EurAmounts[] | null {
  const eur: EurAmounts[] = entry.map((l) => ({ debit: new Dec(l.debit), credit: new Dec(l.credit) }));
  let complete = true;
  for (const [currency, idx] of groupBy(
    entry.map((_, i) => i),
    (i) => entry[i]!.currency,
  )) {
    if (currency === 'EUR') continue;
    const date = entry[idx[0]!]!.accountingDate;
    const rate = rateOn(currency, date);
    if (!rate) {
      missing.push({ currency, date });
      complete = false;
      continue;
    }
    for (const i of idx) eur[i] = { debit: roundToMinor(eur[i]!.debit.div(rate), 'EUR', 'HALF_UP'), credit: roundToMinor(eur[i]!.credit.div(rate), 'EUR', 'HALF_UP') };
    const residue = idx.reduce((s, i) => s.plus(eur[i]!.debit).minus(eur[i]!.credit), new Dec(0));
    if (residue.isZero()) continue;
    const big = eur[idx.reduce((k, i) => (eur[i]!.debit.plus(eur[i]!.credit).gt(eur[k]!.debit.plus(eur[k]!.credit)) ? i : k), idx[0]!)]!;
    if (big.debit.gt(0)) big.debit = big.debit.minus(residue);
    else big.credit = big.credit.plus(residue);
  }
  return complete ? eur : null;
}

/** Classes 6 and 7 of the PCG: expenses and income, whose balances are not carried to the next year. */
export const isIncomeStatement = (accountCode: string) => accountCode.startsWith('6') || accountCode.startsWith('7');

interface OpeningLine {
  accountCode: string;
  accountName: string;
  aux: string | null;
  currency: string;
  eur: Decimal;
  inCurrency: Decimal;
}

/**
 * The à-nouveaux of a fiscal year: one entry dated its first day, journal AN, with every balance at
 * the end of the previous year of the accounts that carry over, per account, auxiliary and
 * currency — the balance-sheet accounts (classes 1 to 5) and the off-balance-sheet commitments
 * (class 9: a trade made before the closing and settled after it is still a commitment on the first
 * day, and its settlement in the new year reverses it). Income and expense accounts (classes 6 and
 * 7) start the year at zero: their net, the closed year's result, is carried once to 120000 or
 * 129000 (RESULT_ACCOUNTS). The EUR balances are the sums of the EUR columns of the earlier years'
 * FEC lines (foreign lines converted entry by entry as there), so the AN of a year equal the
 * closing balances of the FEC before it; no new rounding. Balanced in EUR by construction (every
 * entry is); checked here as a bug, not a refusal.
 *
 * Derived at export rather than posted: the journal is one continuous ledger (the trial balance,
 * cash and positions read it from its beginning), so à-nouveaux posted as entries would count every
 * balance twice unless closing entries zeroed the accounts the day before — and an entry that
 * arrives later dated in the closed year (a re-costing, an FX correction) would then need an AN
 * correction of its own. Derived, the AN always carry the previous year as the journal holds it,
 * and the journal stays append-only and untouched. Returns the lines and the latest day one of the
 * entries they carry was posted.
 */
export interface OpeningAccumulator {
  /** One EUR balance of the previous years (any order). */
  balance(b: EurBalance): void;
  /** One foreign-currency entry of the previous years, its lines in posting order. */
  entry(lines: readonly FecLine[]): void;
}

function openingAccumulator(rateOn: RateOn, missing: MissingRate[]): OpeningAccumulator & { lines(): { lines: OpeningLine[]; validDate: string } } {
  const sums = new Map<string, OpeningLine>();
  let validDate = '';
  const add = (accountCode: string, accountName: string, aux: string | null, currency: string, eur: Decimal, inCurrency: Decimal) => {
    const key = `${accountCode}|${aux ?? ''}|${currency}`;
    const s = sums.get(key) ?? { accountCode, accountName, aux, currency, eur: new Dec(0), inCurrency: new Dec(0) };
    sums.set(key, { ...s, eur: s.eur.plus(eur), inCurrency: s.inCurrency.plus(inCurrency) });
  };
  return {
    balance(b) {
      add(b.accountCode, b.accountName, b.aux, 'EUR', new Dec(b.balance), new Dec(b.balance));
      validDate = maxDate(validDate, b.validDate);
    },
    entry(entry) {
      const eur = entryInEur(entry, rateOn, missing);
      validDate = entry.reduce((d, l) => maxDate(d, l.validDate), validDate);
      if (!eur) return;
      entry.forEach((l, i) => add(l.accountCode, l.accountName, l.aux, l.currency, eur[i]!.debit.minus(eur[i]!.credit), new Dec(l.debit).minus(l.credit)));
    },
    lines() {
      let result = new Dec(0);
      const lines: OpeningLine[] = [];
      for (const s of [...sums.values()].sort((a, b) => (`${a.accountCode}|${a.aux ?? ''}|${a.currency}` < `${b.accountCode}|${b.aux ?? ''}|${b.currency}` ? -1 : 1))) {
        if (isIncomeStatement(s.accountCode)) result = result.plus(s.eur);
        else if (!s.eur.isZero() || !s.inCurrency.isZero()) lines.push(s);
      }
      // result is Σ (debit − credit) of classes 6 and 7: positive, expenses exceed income (a loss).
      if (!result.isZero()) {
        const [code, name] = result.gt(0) ? RESULT_ACCOUNTS.loss : RESULT_ACCOUNTS.profit;
        lines.push({ accountCode: code, accountName: name, aux: null, currency: 'EUR', eur: result, inCurrency: result });
      }
      return { lines, validDate };
    },
  };
}

/**
 * The FEC written piece by piece, for an export that streams its lines: the à-nouveaux (from the
 * EUR balances and the earlier foreign entries, one at a time), then each entry of the period in
 * posting order. Holds only the à-nouveaux' sums (per account, auxiliary and currency) and the
 * missing rates and names found so far; the rows are the caller's to write or hash and drop.
 * `missing()` is meaningful once every entry has gone through: the file is refused when it is not
 * null, whatever was written.
 */
export function fecBuilder(input: { fy: FiscalYear; rateOn: RateOn; names: ReadonlyMap<string, string> }) {
  const missingRates: MissingRate[] = [];
  const missingNames = new Map<string, MissingName>();
  const label = (aux: string | null, account: string) => {
    if (aux === null) return '';
    const name = auxLabel(aux, input.names);
    if (name === null && !missingNames.has(aux)) missingNames.set(aux, { aux, account });
    return name ?? '';
  };
  return {
    /** The accumulator of the à-nouveaux, and their rows once everything before the fiscal year went through it. */
    opening(): OpeningAccumulator & { rows(): string[][] } {
      const acc = openingAccumulator(input.rateOn, missingRates);
      return {
        balance: acc.balance,
        entry: acc.entry,
        rows() {
          const { lines, validDate } = acc.lines();
          const rows: string[][] = [];
          const [code, journal] = OPENING_JOURNAL;
          const num = `AN${ymd(input.fy.start)}`;
          const total = lines.reduce((s, l) => s.plus(l.eur), new Dec(0));
          if (missingRates.length === 0 && !total.isZero()) throw new Error(`à-nouveaux of ${input.fy.start} do not balance: ${total.toFixed(2)} EUR`);
          for (const l of lines) {
            const foreign = l.currency !== 'EUR';
            rows.push([
              code,
              journal,
              num,
              ymd(input.fy.start),
              l.accountCode,
              clean(l.accountName),
              clean(l.aux ?? ''),
              clean(label(l.aux, l.accountCode)),
              num,
              ymd(input.fy.start),
              RESULT_ACCOUNTS.loss[0] === l.accountCode || RESULT_ACCOUNTS.profit[0] === l.accountCode ? "A-nouveaux, résultat de l'exercice précédent" : 'A-nouveaux',
              amount(l.eur.gt(0) ? l.eur : new Dec(0)),
              amount(l.eur.lt(0) ? l.eur.neg() : new Dec(0)),
              '',
              '',
              ymd(maxDate(validDate, input.fy.start)),
              foreign ? currencyAmount(l.inCurrency.abs()) : '',
              foreign ? l.currency : '',
            ]);
          }
          return rows;
        },
      };
    },
    /** The rows of one entry of the period (its lines in posting order). */
    entryRows(entry: readonly FecLine[]): string[][] {
      const eur = entryInEur(entry, input.rateOn, missingRates);
      return entry.map((l, i) => {
        const [code, journal] = JOURNALS[l.kind] ?? ['OD', 'Opérations diverses'];
        const foreign = l.currency !== 'EUR';
        return [
          code,
          journal,
          l.entrySeq,
          ymd(l.accountingDate),
          l.accountCode,
          clean(l.accountName),
          clean(l.aux ?? ''),
          clean(label(l.aux, l.accountCode)),
          clean(l.tradeRef),
          ymd(l.pieceDate ?? l.accountingDate),
          clean(`${LABELS[l.kind] ?? l.kind} ${l.tradeRef}${l.bookingNote ? ` (${l.bookingNote})` : ''}`),
          eur ? amount(eur[i]!.debit) : '',
          eur ? amount(eur[i]!.credit) : '',
          '',
          '',
          ymd(maxDate(l.validDate, l.accountingDate)),
          foreign ? currencyAmount(new Dec(l.debit).plus(l.credit)) : '',
          foreign ? l.currency : '',
        ];
      });
    },
    /** Every missing rate and name, sorted; null when the file can be produced. */
    missing(): { missingRates: MissingRate[]; missingNames: MissingName[] } | null {
      if (missingRates.length === 0 && missingNames.size === 0) return null;
      const rates = new Map(missingRates.map((m) => [`${m.currency}|${m.date}`, m]));
      return {
        missingRates: [...rates.values()].sort((a, b) => (a.currency === b.currency ? a.date.localeCompare(b.date) : a.currency.localeCompare(b.currency))),
        missingNames: [...missingNames.values()].sort((a, b) => a.aux.localeCompare(b.aux)),
      };
    },
  };
}

/**
 * The FEC's rows for a period of one fiscal year: the à-nouveaux first when `opening` is given
 * (the period starts on the fiscal year's first day), then the period's entries in posting order.
 * Refused, with every missing rate and name, rather than written with a figure or a label that is
 * not the right one. The whole file in memory: the HTTP export streams it instead (fecBuilder).
 */
export function fecRows(input: {
  fy: FiscalYear;
  lines: readonly FecLine[];
  opening: OpeningInput | null;
  rateOn: RateOn;
  names: ReadonlyMap<string, string>;
}): FecResult {
  const builder = fecBuilder(input);
  const rows: string[][] = [];
  if (input.opening) {
    const acc = builder.opening();
    for (const b of input.opening.eurBalances) acc.balance(b);
    for (const entry of groupBy(input.opening.foreignLines, (l) => l.entrySeq).values()) acc.entry(entry);
    rows.push(...acc.rows());
  }
  for (const entry of groupBy(input.lines, (l) => l.entrySeq).values()) rows.push(...builder.entryRows(entry));
  const missing = builder.missing();
  return missing ? { ok: false, ...missing } : { ok: true, rows };
}

/** The first line of the file, its column names, with its line break. */
export const fecHeader = (separator: '|' | '\t' = '|') => FEC_COLUMNS.join(separator) + '\r\n';
/** Rows as the file writes them, each with its line break: fecHeader + fecLines of every row = fecText. */
export const fecLines = (rows: readonly string[][], separator: '|' | '\t' = '|') => rows.map((r) => r.join(separator) + '\r\n').join('');

export function fecText(rows: readonly string[][], separator: '|' | '\t' = '|'): string {
  return [FEC_COLUMNS.join(separator), ...rows.map((r) => r.join(separator))].join('\r\n') + '\r\n';
}

/** ISO 8859-15: Latin-1 with € and a few letters moved; anything outside becomes `?`. */
export function toLatin9(s: string): Buffer {
  const special: Record<string, number> = { '€': 0xa4, Š: 0xa6, š: 0xa8, Ž: 0xb4, ž: 0xb8, Œ: 0xbc, œ: 0xbd, Ÿ: 0xbe, '—': 0x2d, '–': 0x2d };
  const replaced = new Set([0xa4, 0xa6, 0xa8, 0xb4, 0xb8, 0xbc, 0xbd, 0xbe]);
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const sp = special[ch];
    out[n++] = sp !== undefined ? sp : cp < 0x100 && !replaced.has(cp) ? cp : 0x3f;
  }
  return out.subarray(0, n);
}
