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
 * The readable one is plain text, the same content laid out for a person.
 */
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
      l.base,
      l.rate,
      l.tax,
      l.exemption ?? '',
      l.tradeRefs.join('|'),
    ]);
  for (const t of d.totals) rows.push(['TOTAL', memberCode, t.payer, '', '', '', '', '', '', '', '', '', t.taxDue, '', '']);
  return csvRows(rows);
}

export function ttfText(d: TtfDeclaration, o: { memberCode: string; firmName: string }): string {
  const out: string[] = [
    `Taxe sur les transactions financières (CGI art. 235 ter ZD) — ${o.firmName}, member code ${o.memberCode}`,
    `Period: settlements from ${d.periodStart} to ${d.periodEnd}`,
    '',
  ];
  if (d.lines.length === 0) out.push('No taxable acquisition in the period.');
  for (const l of d.lines)
    out.push(
      `${l.payer}  ${l.account}  ${l.isin}  traded ${l.tradeDates.join(', ')}  settled ${l.settlementDate}  ref ${l.reference}`,
      `    net bought ${l.netQuantity} × ${l.averagePrice} = base ${l.base} EUR × ${l.rate} = tax ${l.tax} EUR${l.exemption ? `  (exempt: ${l.exemption})` : ''}`,
    );
  out.push('', 'Totals per payer (rounded to the euro):');
  for (const t of d.totals) out.push(`    ${t.payer}: lines ${t.taxLines} EUR → due ${t.taxDue} EUR`);
  out.push(`Total due: ${d.total} EUR`);
  if (d.excluded.length) {
    out.push('', 'Settlements not in the declaration:');
    for (const x of d.excluded) out.push(`    ${x.tradeRef} ${x.isin}: ${x.reason}`);
  }
  return out.join('\n') + '\n';
}
