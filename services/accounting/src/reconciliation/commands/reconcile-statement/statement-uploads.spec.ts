import { describe, expect, it } from '@jest/globals';
import { parseXml, renderSemt002, XML_CHUNK_CHARS, XML_ELEMENTS_MAX, XmlReadError } from '@postera/iso20022';
import { readSemt002 } from '../../domain/statements.js';
import { Permits, readStatementTree, STATEMENT_UPLOAD_BYTES_MAX } from './statement-uploads.js';

/**
 * How many turns the event loop took while `work` ran: a ticker re-armed with setImmediate counts
 * one per turn. Work that never yields lets it tick at most once, whatever the machine's speed;
 * work read in chunks lets it tick once per chunk. Counted, not timed, so the test says the same
 * on a loaded machine; a chunk's size (XML_CHUNK_CHARS) is what bounds the delay between turns.
 */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let ticking = true;
  const tick = () => {
    if (!ticking) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  await new Promise<void>((resolve) => setImmediate(resolve));
  const before = turns;
  await work();
  ticking = false;
  return turns - before;
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

/**
 * The work above is counted, not timed; the limit only stops a hang. Parsing 4 MiB twice takes a
 * second or two alone, and several times that on two cores shared with the rest of the suite.
 */
const HANG_MS = 60_000;

describe('statement uploads', () => {
  it('a 4 MiB semt.002 (some 13,000 positions) is read with a turn of the event loop after every chunk; read in one go, with none', async () => {
    const xml = holdingsAtTheBound();
    expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(STATEMENT_UPLOAD_BYTES_MAX);
    expect(Buffer.byteLength(xml)).toBeGreaterThan(STATEMENT_UPLOAD_BYTES_MAX - 64 * 1024);
    let positions = 0;
    const chunked = await turnsDuring(async () => {
      const tree = await readStatementTree(xml);
      positions = readSemt002({ xml, tree }).holdings.length;
    });
    const inOneGo = await turnsDuring(async () => parseXml(xml));
    expect(positions).toBeGreaterThan(10_000);
    // 4 MiB in 16 Ki-character chunks: some 256 chunks, a turn between each two.
    expect(chunked).toBeGreaterThanOrEqual(Math.ceil(xml.length / XML_CHUNK_CHARS) - 1);
    expect(inOneGo).toBeLessThanOrEqual(1);
  }, HANG_MS);

  it(`a document of ${XML_ELEMENTS_MAX} elements inside 4 MiB is read a chunk at a time, with a turn of the event loop after each; one more element is refused`, async () => {
    const of = (n: number) => `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:semt.002.001.11">${'<a/>'.repeat(n - 1)}</Document>`;
    const atTheBound = of(XML_ELEMENTS_MAX);
    expect(Buffer.byteLength(atTheBound)).toBeLessThan(STATEMENT_UPLOAD_BYTES_MAX);
    let tree: unknown;
    const turns = await turnsDuring(async () => (tree = await readStatementTree(atTheBound)));
    expect(tree).not.toBeInstanceOf(XmlReadError);
    // 800,000 characters: 49 chunks of 16 Ki characters (about 4,000 elements each), 48 turns between them.
    expect(Math.ceil(atTheBound.length / XML_CHUNK_CHARS)).toBe(49);
    expect(turns).toBeGreaterThanOrEqual(48);
    const refused = await readStatementTree(of(XML_ELEMENTS_MAX + 1));
    expect(refused).toBeInstanceOf(XmlReadError);
    expect((refused as XmlReadError).reason).toBe(`more than ${XML_ELEMENTS_MAX} elements`);
  }, HANG_MS);

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
