import { describe, expect, it } from '@jest/globals';
import { envelope, type TradeEconomics, type TradeEventV1 } from '@postera/contracts';
import { foldTradeEvents } from './trade-activity.js';

const REF = 'FO-EQ:R-1';
const v1 = { tradeRef: REF, version: 1, grossAmount: '8775.75', quantity: '150' } as TradeEconomics;
const v2 = { ...v1, version: 2, grossAmount: '5850.50', quantity: '100' } as TradeEconomics;
const ev = (type: TradeEventV1['type'], payload: unknown) =>
  envelope({ type, producer: 'capture', correlationId: REF, causationId: null, payload }) as TradeEventV1;

describe('the activity of a trade, folded from its events in order', () => {
  it('captured, confirmed, validated: status VALIDATED, confirmed and validated flags set, no amendment', () => {
    const p = foldTradeEvents([
      ev('TradeCaptured', { trade: v1, status: 'CAPTURED' }),
      ev('TradeConfirmed', { tradeRef: REF, version: 1, confirmationId: 'c1', status: 'CONFIRMED' }),
      ev('TradeValidated', { trade: v1, how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED' }),
    ]).get(REF)!;
    expect([p.status, p.captured, p.confirmed, p.validated, p.cancelled, p.amendments, p.version]).toEqual(['VALIDATED', true, true, true, false, 0, 1]);
  });
  it('an amendment brings the new economics and counts once per TradeAmended', () => {
    const p = foldTradeEvents([
      ev('TradeCaptured', { trade: v1, status: 'CAPTURED' }),
      ev('TradeAmended', { before: v1, after: v2, status: 'CAPTURED' }),
      ev('TradeAmended', { before: v2, after: { ...v2, version: 3 }, status: 'CAPTURED' }),
    ]).get(REF)!;
    expect([p.economics?.grossAmount, p.version, p.amendments, p.status]).toEqual(['5850.50', 3, 2, 'CAPTURED']);
  });
  it('a cancelled trade stays CANCELLED whatever follows in the batch', () => {
    const p = foldTradeEvents([
      ev('TradeCancelled', { trade: v1, cancelVersion: 2, status: 'CANCELLED' }),
      ev('TradeValidated', { trade: v1, how: 'STRAIGHT_THROUGH', validatedBy: null, status: 'VALIDATED' }),
    ]).get(REF)!;
    expect([p.status, p.cancelled]).toEqual(['CANCELLED', true]);
  });
  it('informational events about no single trade are left out', () => {
    expect(foldTradeEvents([ev('UnconfirmedTradesAtClose', { businessDate: '2026-11-26', total: 0, trades: [] })]).size).toBe(0);
  });
});
