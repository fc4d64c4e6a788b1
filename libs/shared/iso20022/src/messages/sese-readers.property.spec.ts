import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { parseXml, XmlReadError, type XmlElement } from '../xml/read.js';
import { renderXml, type XmlOut } from '../xml/write.js';
import { parseSese023, renderSese023 } from './sese023.js';
import { parseSese024, renderSese024 } from './sese024.js';
import { parseSese025, renderSese025 } from './sese025.js';

/** The documents mutated: one of each message, with every optional part Postera writes. */
const documents = {
  sese023: renderSese023({
    transactionId: '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e',
    movement: 'RECE',
    payment: 'APMT',
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    isin: 'FR0000120271',
    quantityType: 'UNIT',
    quantity: '150',
    safekeepingAccount: 'EF-10003',
    placeOfSafekeeping: { type: 'NCSD', bic: 'SICVFRPPXXX' },
    transactionType: 'TRAD',
    partialSettlement: 'PART',
    delivering: { depositoryBic: 'SICVFRPPXXX', partyBic: null, lei: '529900COUNTERPTY0129', safekeepingAccount: 'EF-99129' },
    receiving: { depositoryBic: 'SICVFRPPXXX', partyBic: 'BNPAFRPPXXX', lei: null, safekeepingAccount: 'EF-10003' },
    settlementAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
  }),
  sese024: renderSese024({
    transactionId: '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e',
    status: 'MACH',
    reasons: [],
    statusDate: '2026-11-27',
    transaction: {
      isin: 'FR0000120271',
      quantityType: 'UNIT',
      quantity: '150',
      settlementDate: '2026-11-30',
      tradeDate: '2026-11-26',
      movement: 'RECE',
      payment: 'APMT',
      settlementAmount: { amount: '8784.53', currency: 'EUR', creditDebit: 'DBIT' },
      safekeepingAccount: 'EF-10003',
      partialSettlement: 'PART',
      transactionType: 'TRAD',
    },
  }),
  sese025: renderSese025({
    transactionId: '0b9f3c1e6a2d5f4b9c8e1d2a3b4c5d6e',
    movement: 'RECE',
    payment: 'APMT',
    isin: 'FR0000120271',
    tradeDate: '2026-11-26',
    settlementDate: '2026-11-30',
    effectiveSettlementDate: '2026-11-30',
    quantityType: 'UNIT',
    settledQuantity: '60',
    remainingQuantity: '90',
    settledAmount: { amount: '3513.81', currency: 'EUR', creditDebit: 'DBIT' },
    partialSettlement: 'PAIN',
    safekeepingAccount: 'EF-10003',
    transactionType: 'TRAD',
  }),
};
const readers = { sese023: parseSese023, sese024: parseSese024, sese025: parseSese025 };

/** Every element below the root, by path: what a mutation may remove or rewrite. */
function elements(e: XmlElement): XmlElement[] {
  return e.children.flatMap((c) => [c, ...elements(c)]);
}

function toOut(e: XmlElement, change: (e: XmlElement) => XmlOut | null): XmlOut | null {
  const changed = change(e);
  if (changed !== e) return changed;
  return { name: e.name, attrs: e.attrs, text: e.text, children: e.children.map((c) => toOut(c, change)).filter((c): c is XmlOut => c !== null) };
}

function mutate(xml: string, target: number, kind: 'remove' | 'text' | 'empty', text: string): string {
  const doc = parseXml(xml);
  const victim = elements(doc)[target % elements(doc).length]!;
  const root = toOut(doc, (e) => {
    if (e !== victim) return e;
    if (kind === 'remove') return null;
    return { name: e.name, attrs: e.attrs, children: [], text: kind === 'empty' ? '' : text };
  })!;
  return renderXml({ ...root, attrs: { ...root.attrs, xmlns: doc.ns } });
}

describe('the sese readers on damaged documents', () => {
  it('property: removing any element, emptying it or replacing it with any text is read or refused (XmlReadError) — never a crash', () => {
    const cases = fc.sample(
      fc.tuple(
        fc.constantFrom('sese023' as const, 'sese024' as const, 'sese025' as const),
        fc.nat(),
        fc.constantFrom('remove' as const, 'text' as const, 'empty' as const),
        fc.string({ maxLength: 12 }),
      ),
      { numRuns: 600, seed: 2026 },
    );
    let refused = 0;
    for (const [message, target, kind, text] of cases) {
      try {
        readers[message](mutate(documents[message], target, kind, text));
      } catch (e) {
        expect(e).toBeInstanceOf(XmlReadError);
        refused++;
      }
    }
    // Both outcomes happen: optional elements may go, mandatory ones may not.
    expect(refused).toBeGreaterThan(100);
    expect(refused).toBeLessThan(cases.length);
  });

  it('a removed 1..1 element is refused naming its parent and the element', () => {
    const noIsin = documents.sese025.replace(/<FinInstrmId>[\s\S]*?<\/FinInstrmId>/, '');
    expect(() => parseSese025(noIsin)).toThrow(/SctiesSttlmTxConf.*FinInstrmId is missing/);
  });
});
