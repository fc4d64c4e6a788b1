import { describe, expect, it } from '@jest/globals';
import { decideLifecycle, NO_LIFECYCLE, type InstructionSnapshot } from './trade-lifecycle.js';

const v1 = (status: InstructionSnapshot['status']): InstructionSnapshot => ({ instructionId: 'i-v1', tradeVersion: 1, status });

describe('settlement follows the trade lifecycle', () => {
  it('instructs a validated trade with no instruction', () => {
    expect(decideLifecycle({ type: 'VALIDATED', version: 1 }, NO_LIFECYCLE, [])).toEqual({
      actions: [{ kind: 'instruct', version: 1 }],
      state: { versionLatest: 1, cancelledVersion: null },
    });
  });
  it('instructs a validated version once, whatever redelivers it', () => {
    expect(decideLifecycle({ type: 'VALIDATED', version: 1 }, { versionLatest: 1, cancelledVersion: null }, [v1('MATCHED')]).actions).toEqual([
      { kind: 'ignore', why: 'version 1 already instructed' },
    ]);
  });
  it('an amendment cancels the live instruction, then the new version is instructed', () => {
    const amended = decideLifecycle({ type: 'AMENDED', version: 2 }, { versionLatest: 1, cancelledVersion: null }, [v1('MATCHED')]);
    expect(amended).toEqual({
      actions: [{ kind: 'cancel', instructionId: 'i-v1', reason: 'TRADE_AMENDED' }],
      state: { versionLatest: 2, cancelledVersion: null },
    });
    expect(decideLifecycle({ type: 'VALIDATED', version: 2 }, amended.state, [v1('CANCELLED')]).actions).toEqual([{ kind: 'instruct', version: 2 }]);
  });
  it('a validation of a version older than one already heard of resurrects nothing', () => {
    expect(decideLifecycle({ type: 'VALIDATED', version: 1 }, { versionLatest: 2, cancelledVersion: null }, [v1('CANCELLED')]).actions).toEqual([
      { kind: 'ignore', why: 'version 1 superseded by 2' },
    ]);
  });
  it('a cancellation cancels the live instruction; nothing is instructed for the trade afterwards', () => {
    const cancelled = decideLifecycle({ type: 'CANCELLED', version: 2 }, { versionLatest: 1, cancelledVersion: null }, [v1('FAILING')]);
    expect(cancelled).toEqual({
      actions: [{ kind: 'cancel', instructionId: 'i-v1', reason: 'TRADE_CANCELLED' }],
      state: { versionLatest: 2, cancelledVersion: 2 },
    });
    expect(decideLifecycle({ type: 'VALIDATED', version: 3 }, cancelled.state, [v1('CANCELLED')]).actions).toEqual([
      { kind: 'ignore', why: 'the trade is cancelled' },
    ]);
  });
  it('a rejected instruction is cancelled like any unsettled one (it frees the trade for its next version)', () => {
    expect(decideLifecycle({ type: 'AMENDED', version: 2 }, { versionLatest: 1, cancelledVersion: null }, [v1('REJECTED')]).actions).toEqual([
      { kind: 'cancel', instructionId: 'i-v1', reason: 'TRADE_AMENDED' },
    ]);
  });
  it('never un-settles: a settled instruction is recorded, not cancelled, on amendment or cancellation, and no new one follows', () => {
    const state = { versionLatest: 1, cancelledVersion: null };
    expect(decideLifecycle({ type: 'AMENDED', version: 2 }, state, [v1('SETTLED')]).actions).toEqual([
      { kind: 'record', instructionId: 'i-v1', reason: 'CANCEL_AFTER_SETTLEMENT' },
    ]);
    expect(decideLifecycle({ type: 'CANCELLED', version: 2 }, state, [v1('SETTLED')]).actions).toEqual([
      { kind: 'record', instructionId: 'i-v1', reason: 'CANCEL_AFTER_SETTLEMENT' },
    ]);
    expect(decideLifecycle({ type: 'VALIDATED', version: 2 }, { versionLatest: 2, cancelledVersion: null }, [v1('SETTLED')]).actions).toEqual([
      { kind: 'record', instructionId: 'i-v1', reason: 'VALIDATED_AFTER_SETTLEMENT' },
    ]);
  });
  it('a redelivered amendment or cancellation changes nothing more', () => {
    expect(decideLifecycle({ type: 'AMENDED', version: 2 }, { versionLatest: 2, cancelledVersion: null }, [v1('CANCELLED')]).actions[0]!.kind).toBe('ignore');
    expect(decideLifecycle({ type: 'CANCELLED', version: 2 }, { versionLatest: 2, cancelledVersion: 2 }, [v1('SETTLED')]).actions[0]!.kind).toBe('ignore');
  });
  it('a newer version validated while an older one is live replaces it', () => {
    expect(decideLifecycle({ type: 'VALIDATED', version: 2 }, { versionLatest: 1, cancelledVersion: null }, [v1('MATCHED')]).actions).toEqual([
      { kind: 'cancel', instructionId: 'i-v1', reason: 'REPLACED' },
      { kind: 'instruct', version: 2 },
    ]);
  });
  it('an amendment before any validation changes no instruction', () => {
    expect(decideLifecycle({ type: 'AMENDED', version: 2 }, NO_LIFECYCLE, []).actions).toEqual([{ kind: 'ignore', why: 'not instructed' }]);
  });
});
