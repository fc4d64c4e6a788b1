import { addBusinessDays, TARGET, type IsoDate } from '@postera/kernel';

/**
 * The EU settlement cycle by trade date (CSDR art. 5(2)): T+2, and T+1 for trades executed
 * from 11 October 2027. Effective-dated rows, newest first.
 */
export const EU_SETTLEMENT_CYCLE: ReadonlyArray<{ from: IsoDate; businessDays: number }> = [
  { from: '2027-10-11', businessDays: 1 },
  { from: '0001-01-01', businessDays: 2 },
];

export function intendedSettlementDate(tradeDate: IsoDate, override?: IsoDate): IsoDate {
  if (override) return override;
  const cycle = EU_SETTLEMENT_CYCLE.find((c) => tradeDate >= c.from)!;
  return addBusinessDays(tradeDate, cycle.businessDays, TARGET);
}
