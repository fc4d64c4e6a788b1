import { Dec } from '@postera/kernel';
import type { TtfDeclaration } from './ttf.js';

/**
 * The TTF declaration as files. The machine-readable one is CSV (RFC 4180, `;`-separated as French
 * tools expect, UTF-8, CRLF line ends, `.` as decimal separator), one record per line of the
 * declaration with the data of CGI annex III art. 58 Q, then one TOTAL record per payer:
 *
 *   record;member_code;payer;account;isin;trade_date;settlement_date;reference;net_quantity;average_price;base_eur;rate;tax_eur;exemption;trade_refs
 *   LINE;…                                (tax to the cent; trade_date: the purchases' dates joined with `|`)
 *   TOTAL;member_code;payer;;;;;;;;;;tax_due_eur;;      (the payer's total, to the euro)
 *
 * Fixed decimals, whatever the figures (the file's readers parse one width per column):
 * - amounts (base_eur, tax_eur, tax_due_eur) in EUR with 2 decimals: base and tax rounded to the
 *   cent HALF_UP, the total due to the euro HALF_UP and written with its `.00` (`23.00`);
 * - average_price with 8 decimals, rounded HALF_UP (AVERAGE_PRICE_DECIMALS: `70.00000000`,
 *   `61.25000000`, `60.66666667`);
 * - net_quantity and rate as they are (a number of shares, a legal rate), neither an amount nor a price.
 *
 * The readable one is plain text, the same content laid out for a person, with the same figures and
 * a header line that states these forms.
 */

/** An amount in EUR as the files write it: 2 decimals (the figures come rounded; HALF_UP only pads here). */
const eur = (v: string) => new Dec(v).toFixed(2, Dec.ROUND_HALF_UP);

/** What the readable file's header says of its figures. */
export const TTF_FIGURES_NOTE =
  'Amounts in EUR with 2 decimals (base and tax per line to the cent HALF_UP, due per payer to the euro HALF_UP); average prices with 8 decimals (HALF_UP).';
export const TTF_CSV_HEADER = [
  'record',
  'member_code',
  'payer',
  'account',
  'isin',
  'trade_date',
  'settlement_date',
  'reference',
  'net_quantity',
  'average_price',
  'base_eur',
  'rate',
  'tax_eur',
  'exemption',
  'trade_refs',
] as const;

export function csvField(v: string): string {
  return /[;"\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function csvRows(rows: ReadonlyArray<readonly string[]>, separator = ';'): string {
  return rows.map((r) => r.map(csvField).join(separator)).join('\r\n') + '\r\n';
}

export function ttfCsv(d: TtfDeclaration, memberCode: string): string {
  const rows: string[][] = [[...TTF_CSV_HEADER]];
  for (const l of d.lines)
    rows.push([
      'LINE',
      memberCode,
      l.payer,
      l.account,
      l.isin,
      l.tradeDates.join('|'),
      l.settlementDate,
      l.reference,
      l.netQuantity,
      l.averagePrice,
      eur(l.base),
      l.rate,
      eur(l.tax),
      l.exemption ?? '',
      l.tradeRefs.join('|'),
    ]);
  for (const t of d.totals) rows.push(['TOTAL', memberCode, t.payer, '', '', '', '', '', '', '', '', '', eur(t.taxDue), '', '']);
  return csvRows(rows);
}

export function ttfText(d: TtfDeclaration, o: { memberCode: string; firmName: string }): string {
  const out: string[] = [
    `Taxe sur les transactions financières (CGI art. 235 ter ZD) — ${o.firmName}, member code ${o.memberCode}`,
    `Period: settlements from ${d.periodStart} to ${d.periodEnd}`,
    TTF_FIGURES_NOTE,
    '',
  ];
  if (d.lines.length === 0) out.push('No taxable acquisition in the period.');
  for (const l of d.lines)
    out.push(
      `${l.payer}  ${l.account}  ${l.isin}  traded ${l.tradeDates.join(', ')}  settled ${l.settlementDate}  ref ${l.reference}`,
      `    net bought ${l.netQuantity} × ${l.averagePrice} = base ${eur(l.base)} EUR × ${l.rate} = tax ${eur(l.tax)} EUR${l.exemption ? `  (exempt: ${l.exemption})` : ''}`,
    );
  out.push('', 'Totals per payer (rounded to the euro):');
  for (const t of d.totals) out.push(`    ${t.payer}: lines ${eur(t.taxLines)} EUR → due ${eur(t.taxDue)} EUR`);
  out.push(`Total due: ${eur(d.total)} EUR`);
  if (d.excluded.length) {
    out.push('', 'Settlements not in the declaration:');
    for (const x of d.excluded) out.push(`    ${x.tradeRef} ${x.isin}: ${x.reason}`);
  }
  return out.join('\n') + '\n';
}
