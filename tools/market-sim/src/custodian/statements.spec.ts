import { describe, expect, it } from '@jest/globals';
import { parseCamt053, parseSemt002, renderCamt053, renderSemt002 } from '@postera/iso20022';
import { closingPrice } from './prices.js';

describe('what the simulated CSD writes is read back by the code that consumes it', () => {
  it('semt.002 and camt.053: balances and signed entries survive the round trip (a short position and debits negative, "100.00" stays "100.00")', () => {
    // Ids as the simulator makes them: a UUID without its hyphens, within Max35Text.
    const h = {
      statementId: '3f2a1b0c9d8e47f6a5b4c3d2e1f0a9b8',
      statementDate: '2026-11-30',
      safekeepingAccount: 'EF-10003',
      basis: 'SETT' as const,
      holdings: [
        { isin: 'FR0000120271', quantity: '-50' },
        { isin: 'FR0000131104', quantity: '200' },
      ],
    };
    const s = parseSemt002(renderSemt002(h));
    expect([s.statementId, s.statementDate, s.safekeepingAccount, s.basis, s.problems]).toEqual([h.statementId, '2026-11-30', 'EF-10003', 'SETT', []]);
    expect(s.holdings.map((x) => [x.isin, x.quantity, x.short])).toEqual([
      ['FR0000120271', '-50', true],
      ['FR0000131104', '200', false],
    ]);
    const c = {
      messageId: '0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5',
      statementId: '0a1b2c3d4e5f46a7b8c9d0e1f2a3b4c5',
      cashAccount: 'CASH-CLI-0003-EUR',
      currency: 'EUR',
      statementDate: '2026-11-30',
      openingBalance: '100.00',
      closingBalance: '-8684.53',
      entries: [{ entryRef: '9f8e7d6c5b4a43210fedcba987654321', amount: '-8784.53', valueDate: '2026-11-30', tradeRef: 'FO-EQ:1' }],
    };
    const read = parseCamt053(renderCamt053(c));
    expect(read.messageId).toBe(c.messageId);
    const [st] = read.statements;
    expect([st!.statementId, st!.cashAccount, st!.currency, st!.statementDate, st!.openingBalance, st!.closingBalance, st!.problems]).toEqual([
      c.statementId,
      'CASH-CLI-0003-EUR',
      'EUR',
      '2026-11-30',
      '100.00',
      '-8684.53',
      [],
    ]);
    expect(st!.entries.map((e) => [e.entryRef, e.amount, e.valueDate, e.tradeRef])).toEqual([
      ['9f8e7d6c5b4a43210fedcba987654321', '-8784.53', '2026-11-30', 'FO-EQ:1'],
    ]);
  });
  it('closing prices are deterministic for a seed; volatility 0 keeps the base', () => {
    expect(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0.02)).toBe(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0.02));
    expect(closingPrice('s', 'FR0000120271', '2026-11-30', '58.50', 0)).toBe('58.5000');
    const p = Number(closingPrice('s', 'FR0000120271', '2026-12-01', '58.50', 0.02));
    expect(p).toBeGreaterThanOrEqual(58.5 * 0.98);
    expect(p).toBeLessThanOrEqual(58.5 * 1.02);
  });
});
