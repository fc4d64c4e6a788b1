import { describe, expect, it } from '@jest/globals';
import { Topics, type AccountingEvent } from '@postera/contracts';
import { Dec } from '@postera/kernel';
import type { BatchContext } from '@postera/platform';
import { applyRules } from '../../ledger/domain/rules-engine.js';
import { RULE_SET_V1 } from '../../ledger/rule-sets/rule-set-v1.js';
import { journalEntry, type JournalEntry } from '../../ledger/persistence/journal.repository.js';
import { announce } from './announce.js';

const fx = (variant: 'GAIN' | 'LOSS', amount: string, currency: string): JournalEntry =>
  journalEntry({
    tradeRef: `FX:BOOK-1:${currency}`,
    kind: 'FX_REVALUATION',
    accountingDate: '2026-11-26',
    causeEventId: `close:${currency}`,
    book: 'BOOK-1',
    currency: 'EUR',
    lines: applyRules(
      RULE_SET_V1,
      { event: 'FX_REVALUATION', recognition: 'SETTLEMENT_DATE', variant },
      { amount: new Dec(amount) },
      { securitiesAccount: '', aux: { CURRENCY: currency } },
    ),
  });

function announced(entries: JournalEntry[]): Array<{ topic: string; key: string; event: AccountingEvent }> {
  const out: Array<{ topic: string; key: string; event: AccountingEvent }> = [];
  announce({ emit: (m: { topic: string; key: string; event: AccountingEvent }) => out.push(m) } as unknown as BatchContext, entries);
  return out;
}

describe('the FX revaluations announced on accounting.events.v1', () => {
  it('carry the signed result: a gain of 1,234.56 on USD is +1234.56, a loss of 80.10 on GBP is -80.10', () => {
    const [gain, loss] = announced([fx('GAIN', '1234.56', 'USD'), fx('LOSS', '80.10', 'GBP')]);
    expect(gain!.topic).toBe(Topics.accountingEvents);
    expect(gain!.key).toBe('FX:BOOK-1:USD');
    expect(gain!.event.payload).toMatchObject({ kind: 'FX_REVALUATION', currency: 'EUR', total: '1234.56', lines: 2 });
    expect(new Dec(gain!.event.payload.result!).eq('1234.56')).toBe(true);
    expect(loss!.event.payload).toMatchObject({ kind: 'FX_REVALUATION', tradeRef: 'FX:BOOK-1:GBP', total: '80.1' });
    expect(new Dec(loss!.event.payload.result!).eq('-80.10')).toBe(true);
  });

  it('a TTF accrual is still not announced, and a trade’s entries carry no result', () => {
    const ttf = journalEntry({
      tradeRef: 'TTF:CLI-0001:FR0000120271:2026-11-26',
      kind: 'TTF_ACCRUAL',
      accountingDate: '2026-11-26',
      causeEventId: 'ttf',
      book: 'BOOK-1',
      currency: 'EUR',
      lines: [],
    });
    const settlement = { ...fx('GAIN', '10.00', 'USD'), kind: 'SETTLEMENT' as const, tradeRef: 'FO-EQ:1', entryId: 'e-settlement' };
    const out = announced([ttf, settlement]);
    expect(out.map((m) => m.key)).toEqual(['FO-EQ:1']);
    expect(out[0]!.event.payload.result).toBeUndefined();
  });
});
