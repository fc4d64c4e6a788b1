import { Dec, roundToMinor, type Dec as Decimal } from '@postera/kernel';

/**
 * The FEC (fichier des écritures comptables, LPF art. A47 A-1). Choices, each from the article:
 * - the 18 fields in the order of the article, their names on the first line;
 * - separator `|` (or tab, on request), no quoting (a `|`, tab or line break inside a label is
 *   replaced by a space so no field can split);
 * - dates AAAAMMJJ (YYYYMMDD), no time;
 * - amounts with a comma as decimal separator, two decimals, no thousands separator, no sign:
 *   Debit and Credit both written (0,00 on the empty side);
 * - in EUR, the accounting currency: a line booked in another currency shows its EUR countervalue at
 *   the ECB rate of the entry's date (else the latest before it), half-up to the cent, with the
 *   amount in currency in Montantdevise and the ISO code in Idevise (both empty for EUR lines); the
 *   rounding residue of an entry goes to its largest line, so each EcritureNum balances in EUR;
 * - EcritureNum: the entry's posting sequence (posted_seq), unique, continuous in the order entries
 *   were validated; ValidDate: the day it was posted; EcritureLet / DateLet empty (no lettering);
 * - CompAuxNum / CompAuxLib: the line's auxiliary account (custodian, counterparty, client, currency);
 * - PieceRef: the trade reference (or the TTF / FX key), PieceDate the entry's accounting date;
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

export interface FecLine {
  entrySeq: string;
  kind: string;
  accountingDate: string;
  tradeRef: string;
  validDate: string;
  accountCode: string;
  accountName: string;
  aux: string | null;
  currency: string;
  debit: string;
  credit: string;
}

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

const ymd = (iso: string) => iso.replaceAll('-', '');
const amount = (d: Decimal) => d.toFixed(2).replace('.', ',');
const clean = (s: string) => s.replace(/[|\t\r\n]/g, ' ');

/** `rateOn(currency, date)`: units per EUR in force on the date, or null when none is known. */
export function fecRows(lines: readonly FecLine[], rateOn: (currency: string, date: string) => string | null): { rows: string[][]; problems: string[] } {
  const rows: string[][] = [];
  const problems: string[] = [];
  const byEntry = new Map<string, FecLine[]>();
  for (const l of lines) byEntry.set(l.entrySeq, [...(byEntry.get(l.entrySeq) ?? []), l]);
  for (const [seq, entry] of byEntry) {
    const eur = entry.map((l) => {
      const d = new Dec(l.debit);
      const c = new Dec(l.credit);
      if (l.currency === 'EUR') return { d, c };
      const rate = rateOn(l.currency, l.accountingDate);
      if (!rate) {
        problems.push(`entry ${seq}: no ECB rate for ${l.currency} on or before ${l.accountingDate}; written at its currency amount`);
        return { d, c };
      }
      return { d: roundToMinor(d.div(rate), 'EUR', 'HALF_UP'), c: roundToMinor(c.div(rate), 'EUR', 'HALF_UP') };
    });
    const residue = eur.reduce((s, x) => s.plus(x.d).minus(x.c), new Dec(0));
    if (!residue.isZero()) {
      let k = 0;
      eur.forEach((x, i) => {
        if (x.d.plus(x.c).gt(eur[k]!.d.plus(eur[k]!.c))) k = i;
      });
      const big = eur[k]!;
      if (big.d.gt(0)) big.d = big.d.minus(residue);
      else big.c = big.c.plus(residue);
    }
    entry.forEach((l, i) => {
      const [code, label] = JOURNALS[l.kind] ?? ['OD', 'Opérations diverses'];
      const foreign = l.currency !== 'EUR';
      rows.push([
        code,
        label,
        l.entrySeq,
        ymd(l.accountingDate),
        l.accountCode,
        clean(l.accountName),
        clean(l.aux ?? ''),
        clean(l.aux ?? ''),
        clean(l.tradeRef),
        ymd(l.accountingDate),
        clean(`${LABELS[l.kind] ?? l.kind} ${l.tradeRef}`),
        amount(eur[i]!.d),
        amount(eur[i]!.c),
        '',
        '',
        ymd(l.validDate),
        foreign ? amount(new Dec(l.debit).plus(l.credit)) : '',
        foreign ? l.currency : '',
      ]);
    });
  }
  return { rows, problems };
}

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
