import type { ConfirmationReceivedV1 } from '@postera/contracts';
import { calendarByCode, deterministicId, Dec, intendedSettlementDate, minorUnits, SETTLEMENT_MARKETS } from '@postera/kernel';
import { referentialImport } from './sample.js';

export interface SampleConfirmationOptions {
  /** Every n-th trade gets no confirmation: it stays CAPTURED and is listed unconfirmed at the close (0: none). */
  missingEvery?: number;
  /** Every n-th trade is confirmed with a quantity one higher: a mismatch for an operator (0: none). */
  mismatchEvery?: number;
}

/** The settlement market of a sample instrument, as the referential says (US ISINs settle in the US otherwise). */
function marketOf(isin: string): string {
  const instruments = referentialImport().instruments as Array<{ isin: string; settlementMarket?: string }>;
  return instruments.find((i) => i.isin === isin)?.settlementMarket ?? (isin.startsWith('US') ? 'US' : 'EU');
}

/**
 * The counterparties' confirmations of a sample day (confirmations.received.v1), as an affirmation
 * platform would deliver them: the opposite side, the same economics, the settlement amount
 * (gross, half-up to the minor unit; the sample's shares accrue no interest). Broken executions are
 * confirmed too — their confirmation waits (PENDING) until the exception is replayed.
 */
export function sampleConfirmations(
  trades: Array<{ message: Record<string, unknown> }>,
  o: SampleConfirmationOptions = {},
): Array<{ key: string; value: string; message: ConfirmationReceivedV1 }> {
  const out: Array<{ key: string; value: string; message: ConfirmationReceivedV1 }> = [];
  trades.forEach(({ message: m }, i) => {
    const n = i + 1;
    if (o.missingEvery && n % o.missingEvery === 0) return;
    if (typeof m.quantity !== 'string' || typeof m.price !== 'string' || typeof m.isin !== 'string') return;
    const currency = String(m.currency);
    const market = marketOf(m.isin);
    const spec = SETTLEMENT_MARKETS[market];
    if (!spec) return;
    const quantity = o.mismatchEvery && n % o.mismatchEvery === 0 ? new Dec(m.quantity).plus(1).toFixed() : m.quantity;
    const gross = new Dec(m.quantity).mul(m.price).toDecimalPlaces(minorUnits(currency), Dec.ROUND_HALF_UP);
    const message: ConfirmationReceivedV1 = {
      messageId: deterministicId('confirmation', String(m.messageId)),
      confirmationId: `CONF-${String(m.tradeId)}`,
      sourceSystem: String(m.sourceSystem),
      tradeId: String(m.tradeId),
      counterparty: String(m.counterparty),
      side: m.side === 'BUY' ? 'SELL' : 'BUY',
      isin: m.isin,
      quantity,
      price: m.price,
      currency,
      tradeDate: String(m.tradeDate),
      settlementDate: intendedSettlementDate(market, String(m.tradeDate), calendarByCode(spec.calendarCode)),
      settlementAmount: gross.toFixed(minorUnits(currency)),
    };
    out.push({ key: `${message.sourceSystem}:${message.tradeId}`, value: JSON.stringify(message), message });
  });
  return out;
}
