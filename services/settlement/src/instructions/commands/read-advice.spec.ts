import { describe, expect, it } from '@jest/globals';
import type { CustodianStatusV1 } from '@postera/contracts';
import { renderSese024, renderSese025, type Sese024 } from '@postera/iso20022';
import { readAdvice } from './custodian-status.consumer.js';

const INSTRUCTION_ID = '0b9f3c1e-6a2d-5f4b-9c8e-1d2a3b4c5d6e';
const TX = '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e';
const event = (xml: string, more: Partial<CustodianStatusV1> = {}): CustodianStatusV1 => ({
  instructionId: INSTRUCTION_ID,
  tradeRef: 'FO-EQ:1',
  status: 'PEND',
  reason: null,
  settledQuantity: null,
  settledAmount: null,
  effectiveSettlementDate: null,
  businessDate: '2026-12-01',
  xml,
  ...more,
});
const advice = (a: Partial<Sese024>) => renderSese024({ transactionId: TX, status: 'PACK', reasons: [], statusDate: null, transaction: null, ...a });
const reason = (code: string) => [{ code, issuer: null, text: null }];

describe('an advice as settlement reads it from its sese.024/sese.025', () => {
  it('failing (Flng) is a fail day: PEND with its reason, dated by the event (the document has no place for it)', () => {
    expect(readAdvice(event(advice({ status: 'PENF', reasons: reason('LACK') })))).toMatchObject({
      status: 'PEND',
      reason: 'LACK',
      businessDate: '2026-12-01',
      pendingOnly: false,
      informational: null,
    });
  });

  it('pending (Pdg) is marked pendingOnly: no fail until the intended date has passed', () => {
    expect(readAdvice(event(advice({ status: 'PEND', reasons: reason('FUTU') })))).toMatchObject({
      status: 'PEND',
      reason: 'FUTU',
      pendingOnly: true,
      whenNotFailing: null,
    });
    // Matched and pending in one advice, as T2S sends it: the matching is what applies while the pending is no fail.
    const both = advice({ status: 'PEND', reasons: reason('FUTU') }).replace('<SttlmSts>', '<MtchgSts><Mtchd/></MtchgSts><SttlmSts>');
    expect(readAdvice(event(both))).toMatchObject({ status: 'PEND', pendingOnly: true, whenNotFailing: { status: 'MACH', reason: null } });
  });

  it('a matching day in the document wins over the event’s; a status with no lifecycle step is informational', () => {
    const matched = advice({
      status: 'MACH',
      statusDate: '2026-12-02',
      transaction: {
        isin: 'FR0000120271',
        quantityType: 'UNIT',
        quantity: '150',
        settlementDate: '2026-11-30',
        tradeDate: null,
        movement: 'RECE',
        payment: 'FREE',
        settlementAmount: null,
        safekeepingAccount: null,
        partialSettlement: null,
        transactionType: 'TRAD',
      },
    });
    expect(readAdvice(event(matched, { status: 'MACH' }))).toMatchObject({ status: 'MACH', businessDate: '2026-12-02' });
    const repair = advice({}).replace('<AckdAccptd>', '<Rpr>').replace('</AckdAccptd>', '</Rpr>');
    expect(readAdvice(event(repair, { status: 'PACK' }))).toMatchObject({ status: 'PACK', informational: 'REPR' });
  });

  it('a sese.025 gives the step; no remainder told after a full settlement reads as 0; another instruction’s document is refused', () => {
    const xml = renderSese025({
      transactionId: TX,
      movement: 'RECE',
      payment: 'APMT',
      isin: 'FR0000120271',
      tradeDate: null,
      settlementDate: null,
      effectiveSettlementDate: '2026-11-30',
      quantityType: 'UNIT',
      settledQuantity: '150',
      remainingQuantity: null,
      settledAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
      partialSettlement: null,
      safekeepingAccount: null,
      transactionType: 'TRAD',
    });
    expect(readAdvice(event(xml, { status: 'SETT' }))).toMatchObject({
      status: 'SETT',
      settledQuantity: '150',
      stepAmount: '8784.53',
      remainingQuantity: '0',
      businessDate: '2026-11-30',
    });
    expect(() => readAdvice(event(xml, { status: 'SETT', instructionId: '11111111-1111-1111-1111-111111111111' }))).toThrow(
      /sese.025 for 0b9f3c1e.* carried by an event for 1111/,
    );
    expect(() => readAdvice(event(advice({}), { instructionId: '11111111-1111-1111-1111-111111111111' }))).toThrow(/sese.024 for/);
  });
});
