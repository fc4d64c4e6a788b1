import { describe, expect, it } from '@jest/globals';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseXml, renderSemt002, XML_ELEMENTS_MAX, XmlReadError } from '@postera/iso20022';
import { readSemt002 } from '../domain/statements.js';
import { Permits, readStatementTree, STATEMENT_UPLOAD_BYTES_MAX } from './statement-uploads.js';

/** The longest the event loop was held while `work` ran, in milliseconds (sampled every 10 ms). */
async function longestBlockMs(work: () => Promise<unknown>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  // The histogram's first sample is its baseline: let a few pass before the work starts.
  await new Promise((resolve) => setTimeout(resolve, 50));
  await work();
  await new Promise((resolve) => setTimeout(resolve, 20));
  h.disable();
  return h.max / 1e6;
}

/** A semt.002 of as many positions as fit in the upload bound. */
function holdingsAtTheBound(): string {
  const holding = (i: number) => ({ isin: `FR${String(i).padStart(9, '0')}0`, quantity: '1000.5' });
  const of = (n: number) =>
    renderSemt002({ statementId: 'S1', statementDate: '2026-11-30', safekeepingAccount: 'EF-10003', basis: 'SETT', holdings: Array.from({ length: n }, (_, i) => holding(i)) });
  const base = of(1).length;
  const per = of(2).length - base;
  return of(1 + Math.floor((STATEMENT_UPLOAD_BYTES_MAX - base - 1024) / per));
}

describe('statement uploads', () => {
  it('a 4 MiB semt.002 (some 13,000 positions) is read and mapped with the event loop never held more than 300 ms; read in one go it is held far longer', async () => {
    const xml = holdingsAtTheBound();
    expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(STATEMENT_UPLOAD_BYTES_MAX);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(STATEMENT_UPLOAD_BYTES_MAX - 64 * 1024);
    let positions = 0;
    const yielding = await longestBlockMs(async () => {
      const tree = await readStatementTree(xml);
      positions = readSemt002({ xml, tree }).holdings.length;
    });
    const inOneGo = await longestBlockMs(async () => parseXml(xml));
    console.log(`semt.002 of ${positions} positions: event loop held at most ${yielding.toFixed(0)} ms read in chunks, ${inOneGo.toFixed(0)} ms in one go`);
    expect(positions).toBeGreaterThan(10_000);
    expect(yielding).toBeLessThan(300);
    expect(inOneGo).toBeGreaterThan(yielding);
  });

  it(`a document of ${XML_ELEMENTS_MAX} elements inside 4 MiB is read with the event loop never held more than 300 ms; one more element is refused`, async () => {
    const of = (n: number) => `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:semt.002.001.11">${'<a/>'.repeat(n - 1)}</Document>`;
    expect(Buffer.byteLength(of(XML_ELEMENTS_MAX))).toBeLessThan(STATEMENT_UPLOAD_BYTES_MAX);
    let tree: unknown;
    const held = await longestBlockMs(async () => (tree = await readStatementTree(of(XML_ELEMENTS_MAX))));
    console.log(`${XML_ELEMENTS_MAX} elements: event loop held at most ${held.toFixed(0)} ms`);
    expect(tree).not.toBeInstanceOf(XmlReadError);
    expect(held).toBeLessThan(300);
    const refused = await readStatementTree(of(XML_ELEMENTS_MAX + 1));
    expect(refused).toBeInstanceOf(XmlReadError);
    expect((refused as XmlReadError).reason).toBe(`more than ${XML_ELEMENTS_MAX} elements`);
  });

  it('permits: at most max at a time, a release frees one, releasing twice frees only one', () => {
    const p = new Permits(2);
    const a = p.tryTake();
    const b = p.tryTake();
    expect([a, b].every((r) => typeof r === 'function')).toBe(true);
    expect(p.tryTake()).toBeNull();
    a!();
    a!();
    expect(p.inUse).toBe(1);
    const c = p.tryTake();
    expect(c).not.toBeNull();
    expect(p.tryTake()).toBeNull();
    b!();
    c!();
    expect(p.inUse).toBe(0);
  });
});
