import { describe, expect, it } from '@jest/globals';
import { amendmentDisposition, cancellationDisposition, settlementDisposition, type TradeState } from './trade-lifecycle.js';

const open2: TradeState = { version: 2, status: 'OPEN', settlementEventId: null };
const settled: TradeState = { version: 1, status: 'SETTLED', settlementEventId: 'ev-settled' };
const cancelled: TradeState = { version: 1, status: 'CANCELLED', settlementEventId: null };

describe('a settlement against the trade accounting knows', () => {
  it('is posted when it settles the version booked', () => {
    expect(settlementDisposition(open2, { eventId: 'e', tradeVersion: 2 })).toEqual({ kind: 'post' });
  });
  it('is posted when it names no version (events from before versions were carried)', () => {
    expect(settlementDisposition(open2, { eventId: 'e' })).toEqual({ kind: 'post' });
  });
  it('waits for the trade, or for the amended version it settles', () => {
    expect(settlementDisposition(null, { eventId: 'e', tradeVersion: 1 })).toEqual({ kind: 'wait', why: 'TRADE_UNKNOWN' });
    expect(settlementDisposition(open2, { eventId: 'e', tradeVersion: 3 })).toEqual({ kind: 'wait', why: 'VERSION_UNKNOWN' });
  });
  it('is held, never posted, for a cancelled trade, a superseded version or a second settlement', () => {
    expect(settlementDisposition(cancelled, { eventId: 'e', tradeVersion: 1 })).toEqual({ kind: 'hold', reason: 'TRADE_CANCELLED' });
    expect(settlementDisposition(open2, { eventId: 'e', tradeVersion: 1 })).toEqual({ kind: 'hold', reason: 'VERSION_SUPERSEDED' });
    expect(settlementDisposition(settled, { eventId: 'other', tradeVersion: 1 })).toEqual({ kind: 'hold', reason: 'ALREADY_SETTLED' });
  });
  it('is a duplicate when the same event settled the trade already', () => {
    expect(settlementDisposition(settled, { eventId: 'ev-settled', tradeVersion: 1 })).toEqual({ kind: 'duplicate' });
  });
});

describe('an amendment', () => {
  it('reverses and rebooks an open trade at a higher version', () => {
    expect(amendmentDisposition(open2, 3)).toEqual({ kind: 'correct' });
  });
  it('changes nothing when that version is booked already (replay)', () => {
    expect(amendmentDisposition(open2, 2).kind).toBe('ignore');
  });
  it('is held after settlement, after cancellation, or for an unknown trade', () => {
    expect(amendmentDisposition(settled, 2)).toEqual({ kind: 'hold', reason: 'AMEND_AFTER_SETTLEMENT' });
    expect(amendmentDisposition(cancelled, 2)).toEqual({ kind: 'hold', reason: 'AMEND_AFTER_CANCEL' });
    expect(amendmentDisposition(null, 2)).toEqual({ kind: 'hold', reason: 'TRADE_UNKNOWN' });
  });
});

describe('a cancellation', () => {
  it('reverses an open trade', () => {
    expect(cancellationDisposition(open2)).toEqual({ kind: 'correct' });
  });
  it('changes nothing on a cancelled trade, and is held after settlement', () => {
    expect(cancellationDisposition(cancelled).kind).toBe('ignore');
    expect(cancellationDisposition(settled)).toEqual({ kind: 'hold', reason: 'CANCEL_AFTER_SETTLEMENT' });
    expect(cancellationDisposition(null)).toEqual({ kind: 'hold', reason: 'TRADE_UNKNOWN' });
  });
});
