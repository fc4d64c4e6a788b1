import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, postera } from '../test/run-postera.js';

// The readers behind this command are the library's, and their output shapes are theirs: these
// tests pin what the command adds — the dispatch by message, the refusal as JSON with its element
// and line, the exit codes — and assert of a successful read only what no reader may break: the
// figures of the file come out as the same decimal strings.

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'postera-cli-read-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const write = async (name: string, text: string) => {
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
};

describe('postera iso20022 read', () => {
  it("a valid camt.053.001.08 statement: what the reader makes of it as JSON, its amounts the file's decimal strings, exit 0", async () => {
    const run = await postera(['iso20022', 'read', fixture('camt053-001-08-valid-statement.xml')]);
    expect([run.code, run.err]).toEqual([0, '']);
    expect(() => JSON.parse(run.out) as unknown).not.toThrow();
    // Opening 1000000.00 CRDT, closing 998765.43 CRDT, one entry of 1234.57 DBIT: never numbers, never rounded.
    expect(run.out).toContain('"1000000.00"');
    expect(run.out).toContain('"998765.43"');
    expect(run.out).toMatch(/"-?1234\.57"/);
    const numbers: number[] = [];
    JSON.parse(run.out, (_key, value: unknown) => (typeof value === 'number' && numbers.push(value), value));
    expect(numbers.filter((n) => [1000000, 998765.43, 1234.57, -1234.57].includes(n))).toEqual([]);
  });

  it('a truncated statement: refused as JSON with the reason, the element and the line, exit 1', async () => {
    const run = await postera(['iso20022', 'read', fixture('truncated-statement.xml')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({ refused: { reason: 'unexpected close tag.', element: 'Document/BkToCstmrStmt', line: 10 } });
  });

  it('a statement still in its SWIFT envelope: refused naming the envelope element and its line, exit 1', async () => {
    const run = await postera(['iso20022', 'read', fixture('swift-envelope-statement.xml')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({ refused: { reason: 'the root element is DataPDU, not Document', element: 'DataPDU', line: 2 } });
  });

  it('a CSV export: refused (no XML), exit 1', async () => {
    const run = await postera(['iso20022', 'read', fixture('statement-export.csv')]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.out)).toEqual({ refused: { reason: 'text data outside of root node.', element: null, line: expect.any(Number) } });
  });

  it('a message Postera does not read (pacs.008): said so with the messages it reads, exit 2', async () => {
    const file = fixture('pacs008-credit-transfer.xml');
    const run = await postera(['iso20022', 'read', file]);
    expect(run).toEqual({
      code: 2,
      out: '',
      err: `${file}: pacs.008.001.08 FIToFICstmrCdtTrf: Postera reads no such message (it reads camt.053, semt.002, sese.024, sese.025, sese.023)\n`,
    });
  });

  it.each([
    ['camt.053.001.08', 'BkToCstmrStmt'],
    ['semt.002.001.11', 'SctiesBalCtdyRpt'],
    ['sese.024.001.12', 'SctiesSttlmTxStsAdvc'],
    ['sese.025.001.11', 'SctiesSttlmTxConf'],
    ['sese.023.001.11', 'SctiesSttlmTxInstr'],
  ])('%s reaches its reader: an empty %s is refused by it (exit 1), not turned away as unknown (exit 2)', async (version, root) => {
    const file = await write(`${version}.xml`, `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}">\n  <${root}/>\n</Document>\n`);
    const run = await postera(['iso20022', 'read', file]);
    expect([run.code, run.err]).toEqual([1, '']);
    const { refused } = JSON.parse(run.out) as { refused: { reason: string; element: string | null; line: number | null } };
    expect(refused.reason).not.toBe('');
    expect(refused.element ?? `Document/${root}`).toMatch(new RegExp(`^Document/${root}`));
  });

  it('a missing file, or not exactly one file: exit 2 on stderr', async () => {
    expect(await postera(['iso20022', 'read', join(dir, 'missing.xml')])).toMatchObject({
      code: 2,
      out: '',
      err: expect.stringContaining('cannot be read: ENOENT'),
    });
    expect(await postera(['iso20022', 'read'])).toMatchObject({ code: 2, err: expect.stringContaining('name exactly one file') });
    expect(await postera(['iso20022', 'read', 'a.xml', 'b.xml'])).toMatchObject({ code: 2, err: expect.stringContaining('name exactly one file') });
  });

  it('--help says how a new custodian or bank is onboarded', async () => {
    const run = await postera(['iso20022', 'read', '--help']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('This is how a new custodian or bank is onboarded');
  });

  it('property: a statement cut anywhere is refused with a line, never a crash', async () => {
    const statement = await readFile(fixture('camt053-001-08-valid-statement.xml'), 'utf8');
    const end = statement.trimEnd().length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: end - 1 }), async (cut) => {
        const run = await postera(['iso20022', 'read', await write('cut.xml', statement.slice(0, cut))]);
        expect(run.code).toBe(1);
        const { refused } = JSON.parse(run.out) as { refused: { line: number | null } };
        expect(refused.line).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 60 },
    );
  });

  it('property: a statement missing any one of its elements is read or refused (exit 0 or 1), never a crash', async () => {
    const lines = (await readFile(fixture('camt053-001-08-valid-statement.xml'), 'utf8')).split('\n');
    // The lines that hold one whole element: removing one keeps the document well-formed.
    const whole = lines.flatMap((l, i) => (/^\s*<(\w+)[^>]*>.*<\/\1>\s*$/.test(l) ? [i] : []));
    expect(whole.length).toBeGreaterThan(15);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...whole), async (drop) => {
        const run = await postera(['iso20022', 'read', await write('dropped.xml', lines.filter((_, i) => i !== drop).join('\n'))]);
        expect(run.err).toBe('');
        expect([0, 1]).toContain(run.code);
      }),
      { numRuns: 40 },
    );
  });
});
