import { describe, expect, it } from '@jest/globals';
import type { TradeStatus } from '@postera/contracts';
import { tradeEconomics } from './trade-economics.js';
import { enrichment, message } from './trade-fixtures.spec-helper.js';
import { decideVersion, type TradeState } from './trade-versions.js';

const v1 = tradeEconomics(message, enrichment());
const state = (version: number, status: TradeStatus): TradeState => ({ tradeRef: 'FO-EQ:T1', version, status, economics: { ...v1, version } });
const msg = (action: 'NEW' | 'AMEND' | 'CANCEL', version: number, hash = `h${version}`) => ({ action, version, hash, tradeId: 'T1' });

describe('trade versions (NEW / AMEND / CANCEL)', () => {
  it('a first NEW is captured', () => {
    expect(decideVersion(msg('NEW', 1), undefined, new Map()).kind).toBe('CAPTURE');
  });

  it('the same version with the same content is a duplicate; with another content, a conflicting duplicate naming the version', () => {
    const seen = new Map([[1, 'h1']]);
    expect(decideVersion(msg('NEW', 1, 'h1'), state(1, 'CAPTURED'), seen).kind).toBe('DUPLICATE');
    const d = decideVersion(msg('NEW', 1, 'other'), state(1, 'CAPTURED'), seen);
    expect(d).toEqual({
      kind: 'EXCEPTION',
      exceptionKind: 'INPUT',
      problems: [{ field: 'version', value: 1, rule: 'conflicting duplicate: version 1 of this trade was already received with another content' }],
    });
  });

  it('an AMEND with a higher version replaces the economics and carries the version before', () => {
    const d = decideVersion(msg('AMEND', 2), state(1, 'VALIDATED'), new Map([[1, 'h1']]));
    expect(d.kind).toBe('AMEND');
    expect(d.kind === 'AMEND' && d.before.version).toBe(1);
  });

  it('out of order: v3 applied, then v2 arrives — stale, recorded, not applied', () => {
    const d = decideVersion(msg('AMEND', 2), state(3, 'CAPTURED'), new Map([[3, 'h3']]));
    expect(d).toEqual({ kind: 'STALE', note: 'version 2 (AMEND) arrived after version 3 was applied' });
  });

  it('an AMEND that comes before its NEW is captured at its version (the highest wins), and the late NEW is then stale', () => {
    expect(decideVersion(msg('AMEND', 2), undefined, new Map()).kind).toBe('CAPTURE');
    expect(decideVersion(msg('NEW', 1), state(2, 'CAPTURED'), new Map([[2, 'h2']])).kind).toBe('STALE');
  });

  it('a CANCEL ends the trade; a CANCEL first is recorded as a cancelled trade', () => {
    const d = decideVersion(msg('CANCEL', 2), state(1, 'CONFIRMED'), new Map([[1, 'h1']]));
    expect(d.kind === 'CANCEL' && d.before?.version).toBe(1);
    expect(decideVersion(msg('CANCEL', 1), undefined, new Map())).toEqual({ kind: 'CANCEL', before: null });
  });

  it('a NEW with a higher version on a captured trade is refused: a correction is an AMEND', () => {
    const d = decideVersion(msg('NEW', 2), state(1, 'CAPTURED'), new Map([[1, 'h1']]));
    expect(d.kind === 'EXCEPTION' && d.problems[0]!.rule).toBe('trade already captured at version 1: a correction is an AMEND');
  });

  it.each([
    ['AMEND', 'SETTLED', 'trade already settled: an AMEND after settlement needs an operator (reverse and rebook, or a new trade)'],
    ['CANCEL', 'SETTLED', 'trade already settled: an CANCEL after settlement needs an operator (reverse and rebook, or a new trade)'],
    ['AMEND', 'PARTIALLY_SETTLED', 'trade already partially settled: an AMEND after settlement needs an operator (reverse and rebook, or a new trade)'],
    ['AMEND', 'CANCELLED', 'trade cancelled at version 1: it cannot be amended'],
    ['CANCEL', 'CANCELLED', 'trade cancelled at version 1: it cannot be cancelled again'],
  ] as const)('%s of a %s trade is a LIFECYCLE exception for an operator', (action, status, rule) => {
    const d = decideVersion(msg(action, 2), state(1, status), new Map([[1, 'h1']]));
    expect(d).toEqual({ kind: 'EXCEPTION', exceptionKind: 'LIFECYCLE', problems: [{ field: 'action', value: action, rule }] });
  });

  it('an AMEND of a trade failing or instructed (not settled) still applies: settlement cancels and replaces its instruction', () => {
    expect(decideVersion(msg('AMEND', 2), state(1, 'FAILED'), new Map([[1, 'h1']])).kind).toBe('AMEND');
    expect(decideVersion(msg('CANCEL', 2), state(1, 'INSTRUCTED'), new Map([[1, 'h1']])).kind).toBe('CANCEL');
  });
});
