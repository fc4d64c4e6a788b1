import { FEC_COLUMNS } from '../src/exports/domain/fec.js';

/**
 * The checks a FEC must pass (LPF art. A47 A-1, and what the administration's test tool reads as
 * anomalies): 18 columns in order, one separator, YYYYMMDD dates, comma amounts, balanced entries,
 * ValidDate never before EcritureDate, an auxiliary account always with its name (not its code
 * again), Montantdevise and Idevise together.
 */
export function checkFec(text: string, sep: string): string[] {
  const problems: string[] = [];
  const rows = text
    .replace(/\r\n$/, '')
    .split('\r\n')
    .map((r) => r.split(sep));
  if (rows[0]!.join('|') !== FEC_COLUMNS.join('|')) problems.push('header');
  const sums = new Map<string, bigint>();
  rows.slice(1).forEach((r, i) => {
    if (r.length !== 18) problems.push(`row ${i + 2}: ${r.length} columns`);
    for (const k of [3, 9, 15]) if (!/^\d{8}$/.test(r[k] ?? '')) problems.push(`row ${i + 2}: date ${r[k]}`);
    for (const k of [11, 12]) if (!/^\d+,\d{2}$/.test(r[k] ?? '')) problems.push(`row ${i + 2}: amount ${r[k]}`);
    if (r[16] !== '' && !/^\d+,\d{2,}$/.test(r[16] ?? '')) problems.push(`row ${i + 2}: Montantdevise ${r[16]}`);
    if ((r[16] === '') !== (r[17] === '')) problems.push(`row ${i + 2}: Montantdevise ${r[16]} with Idevise ${r[17]}`);
    if ((r[15] ?? '') < (r[3] ?? '')) problems.push(`row ${i + 2}: ValidDate ${r[15]} before EcritureDate ${r[3]}`);
    if (r[6] !== '' && (r[7] === '' || r[7] === r[6])) problems.push(`row ${i + 2}: CompAuxLib of ${r[6]} is ${r[7] === '' ? 'empty' : 'its code'}`);
    const cents = (v: string) => BigInt(v.replace(',', ''));
    sums.set(r[2]!, (sums.get(r[2]!) ?? 0n) + cents(r[11] ?? '0,00') - cents(r[12] ?? '0,00'));
  });
  for (const [num, s] of sums) if (s !== 0n) problems.push(`entry ${num} does not balance`);
  return problems;
}
