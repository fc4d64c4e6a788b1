import { describe, expect, it } from '@jest/globals';
import { checkDlq, checkFxRevaluation, classifyReplayDifferences, compareBalances } from './checker.js';
import { mailFigures, perDelivery, type DlqRecord, type InjectedRecord } from './facts.js';
import { parseHeaders } from './mail-sink.js';

const poison = (n: number, partition = 0, offset = String(n)): InjectedRecord => ({
  topic: 'trade.events.v1',
  partition,
  offset,
  key: `K${n}`,
  value: `poison ${n}`,
  at: '',
  variant: 'not-json',
  n,
});
const dead = (p: InjectedRecord, consumer: string, value = p.value): DlqRecord => ({
  dlqTopic: 'chaos.trade.events.v1.dlq',
  originalTopic: 'chaos.trade.events.v1',
  originalPartition: p.partition,
  originalOffset: p.offset,
  consumer,
  key: p.key,
  value,
});
const consumers = { 'trade.events.v1': ['accounting.trade-events', 'settlement.trade-events'] };

describe('the DLQ holds exactly the poison messages', () => {
  const [a, b] = [poison(1), poison(2)];
  const all = [dead(a, 'accounting.trade-events'), dead(a, 'settlement.trade-events'), dead(b, 'accounting.trade-events'), dead(b, 'settlement.trade-events')];

  it('passes when each poison is there once per consumer of its topic, byte for byte', () => {
    const [exact, repeats] = checkDlq(all, [a, b], consumers, 'chaos');
    expect(exact!.pass).toBe(true);
    expect(exact!.figures).toContain('4 expected, 4 found byte for byte, 0 missing, 0 unexpected, 0 altered');
    expect(repeats!.figures).toBe('0 repeats');
  });

  it('fails on a missing dead letter, one that was not injected, or altered bytes', () => {
    expect(checkDlq(all.slice(1), [a, b], consumers, 'chaos')[0]!.pass).toBe(false);
    expect(checkDlq([...all, dead(poison(3), 'accounting.trade-events')], [a, b], consumers, 'chaos')[0]!.pass).toBe(false);
    expect(checkDlq([dead(a, 'accounting.trade-events', 'other bytes'), ...all.slice(1)], [a, b], consumers, 'chaos')[0]!.pass).toBe(false);
  });

  it('reports a dead letter written twice for one offset apart, as a bound', () => {
    const [exact, repeats] = checkDlq([...all, all[0]!], [a, b], consumers, 'chaos');
    expect(exact!.pass).toBe(true);
    expect(repeats).toMatchObject({ pass: true, bound: true, figures: '1 repeats' });
  });

  it('fails when no poison was injected at all (nothing proven)', () => {
    expect(checkDlq([], [], consumers, 'chaos')[0]!.pass).toBe(false);
  });
});

describe('mails per delivery', () => {
  it('tells a repeat of the same Message-ID from two different Message-IDs for one notice', () => {
    const m = (notificationId: string, messageId: string) => ({ notificationId, messageId, noticeId: '', kind: '', tradeRef: '', digestId: '' });
    const f = mailFigures([m('n1', '<n1@postera>'), m('n1', '<n1@postera>'), m('n2', '<n2@postera>'), m('n3', '<a@x>'), m('n3', '<b@x>')]);
    expect(f.repeats).toBe(1);
    expect(f.distinctTwice).toEqual([{ notificationId: 'n3', messageIds: ['<a@x>', '<b@x>'] }]);
  });

  it('counts a digest mail once for each delivery it carries, and a resent digest as a repeat of each', () => {
    const single = { notificationId: 'n1', messageId: '<n1@postera>', noticeId: '', kind: '', tradeRef: '', digestId: '' };
    const digest = { notificationId: '', messageId: '<digest-d1@postera>', noticeId: '', kind: '', tradeRef: '', digestId: 'd1' };
    const stray = { ...digest, messageId: '<digest-d9@postera>', digestId: 'd9' };
    const each = perDelivery([single, digest, digest, stray], new Map([['d1', ['n2', 'n3']]]));
    expect(each.map((e) => [e.notificationId, e.messageId])).toEqual([
      ['n1', '<n1@postera>'],
      ['n2', '<digest-d1@postera>'],
      ['n3', '<digest-d1@postera>'],
      ['n2', '<digest-d1@postera>'],
      ['n3', '<digest-d1@postera>'],
      ['digest d9', '<digest-d9@postera>'],
    ]);
    const f = mailFigures(each);
    expect(f.repeats).toBe(2);
    expect(f.distinctTwice).toEqual([]);
    expect([...f.byNotification.keys()]).toEqual(['n1', 'n2', 'n3', 'digest d9']);
  });

  it('reads folded headers', () => {
    const h = parseHeaders('Subject: a\r\nMessage-ID:\r\n <x@postera>\r\nX-Postera-Notification-Id: 42\r\n');
    expect(h.get('message-id')).toBe('<x@postera>');
    expect(h.get('x-postera-notification-id')).toBe('42');
  });
});

describe('replay comparison', () => {
  it('lists keys missing on either side and values that differ', () => {
    const r = compareBalances(
      [
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ],
      [
        { key: 'b', value: '3' },
        { key: 'c', value: '4' },
      ],
    );
    expect(r.compared).toBe(3);
    expect(r.differing).toEqual([
      { key: 'a', run: '1', replay: null },
      { key: 'b', run: '2', replay: '3' },
      { key: 'c', run: null, replay: '4' },
    ]);
  });

  it('says when only cost and realized P&L differ (processing order), and by how much', () => {
    const c = classifyReplayDifferences(
      [
        { key: '312000 CLIENTS EUR -', run: '100 (3 lines)', replay: '90 (3 lines)' },
        { key: '767000 CLIENTS EUR -', run: '-20 (2 lines)', replay: '-25.5 (2 lines)' },
        { key: '667000 CLIENTS EUR -', run: '5 (1 lines)', replay: '20.5 (1 lines)' },
      ],
      [{ key: 'CLI-0001 FR0000120271', run: 'quantity 85, cost 10, realized 1', replay: 'quantity 85, cost 9, realized 2' }],
    );
    // Securities −10, gains −5.5 (more credit), losses +15.5: the three move by 0 together.
    expect(c.unconserved).toEqual([]);
    expect(c.orderDependentOnly).toBe(true);
    expect(c.realizedDelta).toEqual({ 'CLIENTS EUR': '-10.00' });
    // The same, but 1 cent of gain appeared from nowhere: not an order effect.
    const leak = classifyReplayDifferences(
      [
        { key: '312000 CLIENTS EUR -', run: '100 (3 lines)', replay: '90 (3 lines)' },
        { key: '767000 CLIENTS EUR -', run: '-20 (2 lines)', replay: '-25.51 (2 lines)' },
        { key: '667000 CLIENTS EUR -', run: '5 (1 lines)', replay: '20.5 (1 lines)' },
      ],
      [],
    );
    expect(leak.unconserved).toEqual(['CLIENTS EUR -0.01']);
    expect(leak.orderDependentOnly).toBe(false);
    const other = classifyReplayDifferences(
      [{ key: '512000 CLIENTS EUR X', run: '1 (1 lines)', replay: '2 (1 lines)' }],
      [{ key: 'CLI-0001 FR0000120271', run: 'quantity 85, cost 10, realized 1', replay: 'quantity 84, cost 10, realized 1' }],
    );
    expect(other.orderDependentOnly).toBe(false);
    expect(other.otherLedgerKeys).toEqual(['512000 CLIENTS EUR X']);
    expect(other.quantityDiffering).toEqual(['CLI-0001 FR0000120271']);
  });
});

describe('the FX result recomputed from the journal and the rates', () => {
  // USD 1.10, 1.05, 1.12 at the closes of 1, 2 and 3 Dec. FX-US moved +1000.00 on 30 Nov (before the first close: it
  // enters at 1.10), +500.00 on 1 Dec, +300.00 on 2 Dec, and +999.00 on 4 Dec (after the last close: not yet revalued).
  // 1800/1.12 − (1500/1.10 + 300/1.05) = 1607.142857 − 1649.350649 = −42.21.
  const plan = {
    closes: ['2026-12-01', '2026-12-02', '2026-12-03'],
    rates: [
      { date: '2026-12-01', currency: 'USD', unitsPerEur: '1.10' },
      { date: '2026-12-02', currency: 'USD', unitsPerEur: '1.05' },
      { date: '2026-12-03', currency: 'USD', unitsPerEur: '1.12' },
    ],
  };
  const movements = [
    { book: 'FX-US', currency: 'USD', date: '2026-11-30', amount: '1000.00' },
    { book: 'FX-US', currency: 'USD', date: '2026-12-01', amount: '500.00' },
    { book: 'FX-US', currency: 'USD', date: '2026-12-02', amount: '300.00' },
    { book: 'FX-US', currency: 'USD', date: '2026-12-04', amount: '999.00' },
  ];

  it('passes when accounting booked −42.21', () => {
    const v = checkFxRevaluation(movements, [{ book: 'FX-US', currency: 'USD', result: '-42.21' }], plan);
    expect(v.pass).toBe(true);
    expect(v.figures).toBe('1 book/currency positions over 3 closes and 3 rates (FX-US USD -42.21); 0 differ');
  });

  it('fails on −34.09, the result without the 500.00 that came after its close, and on a result booked for nothing', () => {
    const v = checkFxRevaluation(movements, [{ book: 'FX-US', currency: 'USD', result: '-34.09' }], plan);
    expect(v.pass).toBe(false);
    expect(v.details).toEqual([{ key: 'FX-US USD', expected: '-42.21', booked: '-34.09' }]);
    const w = checkFxRevaluation(movements, [{ book: 'FX-US', currency: 'USD', result: '-42.21' }, { book: 'FX-GB', currency: 'GBP', result: '1.00' }], plan);
    expect(w.details).toEqual([{ key: 'FX-GB GBP', expected: '0.00', booked: '1.00' }]);
  });

  it('a currency without a rate at a close counts its lines from its next close with one', () => {
    const noRateOnTheSecond = { ...plan, rates: plan.rates.filter((r) => r.date !== '2026-12-02') };
    // 1800/1.12 − (1500/1.10 + 300/1.12) = 1607.142857 − 1631.493506 = −24.35.
    expect(checkFxRevaluation(movements, [{ book: 'FX-US', currency: 'USD', result: '-24.35' }], noRateOnTheSecond).pass).toBe(true);
  });
});
