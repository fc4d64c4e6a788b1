import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SCHEMA_VERSIONS } from '@postera/iso20022';
import { fixture, postera } from '../test/run-postera.js';
import { FILES_IN_MEMORY_MAX, readableProblem } from './iso20022-validate.command.js';

const valid = fixture('camt053-001-08-valid-statement.xml');
const invalid = fixture('camt053-001-08-two-schema-errors.xml');
const noSchema = fixture('camt053-001-02-bank-statement.xml');
const truncated = fixture('truncated-statement.xml');
const csv = fixture('statement-export.csv');

describe('postera iso20022 validate', () => {
  it('a camt.053.001.08 statement valid against the official schema: named, exit 0', async () => {
    const run = await postera(['iso20022', 'validate', valid]);
    expect(run).toEqual({ code: 0, out: `${valid}: camt.053.001.08 BankToCustomerStatement: valid against the official schema\n`, err: '' });
  });

  it('a statement with two schema errors: each listed with its line, exit 1', async () => {
    const run = await postera(['iso20022', 'validate', invalid]);
    expect(run.code).toBe(1);
    expect(run.out.split('\n')).toEqual([
      `${invalid}: camt.053.001.08 BankToCustomerStatement: NOT valid, 2 schema errors`,
      `  line 30: Element 'CdtDbtInd': [facet 'enumeration'] The value 'DEBIT' is not an element of the set {'CRDT', 'DBIT'}.`,
      `  line 31: Element 'Foo': This element is not expected. Expected is one of ( BookgDt, ValDt, AcctSvcrRef, Avlbty, BkTxCd ).`,
      '',
    ]);
  });

  it('a bank statement in camt.053.001.02, a version without schema here: said so with the versions carried, exit 2', async () => {
    const run = await postera(['iso20022', 'validate', noSchema]);
    expect(run.code).toBe(2);
    expect(run.out).toBe(
      `${noSchema}: camt.053.001.02 BankToCustomerStatement: not checked, Postera carries no schema for this version (it carries ${SCHEMA_VERSIONS.join(', ')})\n`,
    );
    expect(SCHEMA_VERSIONS).toContain('camt.053.001.08');
  });

  it('a truncated file is no ISO 20022 document: the element and line where it breaks, exit 2', async () => {
    const run = await postera(['iso20022', 'validate', truncated]);
    expect(run).toEqual({ code: 2, out: `${truncated}: not an ISO 20022 document: line 10 (Document/BkToCstmrStmt): unexpected close tag.\n`, err: '' });
  });

  it('a CSV export is no XML at all: refused with a line, exit 2', async () => {
    const run = await postera(['iso20022', 'validate', csv]);
    expect(run.code).toBe(2);
    expect(run.out).toMatch(new RegExp(`^${csv.replace(/[.]/g, '\\.')}: not an ISO 20022 document: line \\d+: text data outside of root node\\.\\n$`));
  });

  it('a statement still in its SWIFT envelope, and one without namespace: each refused naming the element, line and reason, exit 2', async () => {
    const wrapped = fixture('swift-envelope-statement.xml');
    const bare = fixture('statement-without-namespace.xml');
    const run = await postera(['iso20022', 'validate', wrapped, bare]);
    expect(run.code).toBe(2);
    expect(run.out.split('\n')).toEqual([
      `${wrapped}: not an ISO 20022 document: line 2 (DataPDU): the root element is DataPDU, not Document`,
      `${bare}: not an ISO 20022 document: line 2 (Document): namespace (none) is not an ISO 20022 message namespace`,
      '',
    ]);
  });

  it('a missing file cannot be read: exit 2, the others still checked', async () => {
    const run = await postera(['iso20022', 'validate', '/nonexistent/statement.xml', valid]);
    expect(run.code).toBe(2);
    expect(run.out.split('\n')).toEqual([
      expect.stringMatching(/^\/nonexistent\/statement\.xml: cannot be read: ENOENT/),
      `${valid}: camt.053.001.08 BankToCustomerStatement: valid against the official schema`,
      '',
    ]);
  });

  it('several files: one verdict each in the order given, exit the worst (invalid 1 beside valid; unusable 2 above both)', async () => {
    const some = await postera(['iso20022', 'validate', valid, invalid, valid]);
    expect(some.code).toBe(1);
    expect(some.out.split('\n').filter((l) => !l.startsWith('  '))).toEqual([
      `${valid}: camt.053.001.08 BankToCustomerStatement: valid against the official schema`,
      `${invalid}: camt.053.001.08 BankToCustomerStatement: NOT valid, 2 schema errors`,
      `${valid}: camt.053.001.08 BankToCustomerStatement: valid against the official schema`,
      '',
    ]);
    expect((await postera(['iso20022', 'validate', valid, noSchema, invalid])).code).toBe(2);
  });

  it(`more files than are held in memory at once (${FILES_IN_MEMORY_MAX}): every one checked, in order`, async () => {
    const files = Array.from({ length: FILES_IN_MEMORY_MAX + 3 }, (_, i) => (i === FILES_IN_MEMORY_MAX + 1 ? invalid : valid));
    const run = await postera(['iso20022', 'validate', '--json', ...files]);
    expect(run.code).toBe(1);
    const verdicts = JSON.parse(run.out) as Array<{ file: string; outcome: string }>;
    expect(verdicts.map((v) => v.file)).toEqual(files);
    expect(verdicts.flatMap((v, i) => (v.outcome === 'valid' ? [] : [[i, v.outcome]]))).toEqual([[FILES_IN_MEMORY_MAX + 1, 'invalid']]);
  });

  it('--json: one object per file, the problems with their lines', async () => {
    const run = await postera(['iso20022', 'validate', '--json', valid, invalid, noSchema, truncated]);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.out)).toEqual([
      { file: valid, outcome: 'valid', message: 'camt.053.001.08 BankToCustomerStatement' },
      {
        file: invalid,
        outcome: 'invalid',
        message: 'camt.053.001.08 BankToCustomerStatement',
        problems: [
          { line: 30, message: expect.stringContaining("The value 'DEBIT' is not an element of the set") },
          { line: 31, message: expect.stringContaining("Element 'Foo': This element is not expected.") },
        ],
      },
      { file: noSchema, outcome: 'no-schema', message: 'camt.053.001.02 BankToCustomerStatement', schemasCarried: [...SCHEMA_VERSIONS] },
      { file: truncated, outcome: 'not-iso20022', reason: 'unexpected close tag.', element: 'Document/BkToCstmrStmt', line: 10 },
    ]);
  });

  it('xmllint missing: the files are not judged, and the reason is said, exit 2', async () => {
    const before = process.env.XMLLINT;
    process.env.XMLLINT = '/nonexistent/xmllint';
    try {
      const run = await postera(['iso20022', 'validate', valid]);
      expect(run).toEqual({
        code: 2,
        out: `${valid}: camt.053.001.08 BankToCustomerStatement: not checked: /nonexistent/xmllint not found: install libxml2-utils (scripts/ensure-infra.sh does), or set XMLLINT\n`,
        err: '',
      });
    } finally {
      if (before === undefined) delete process.env.XMLLINT;
      else process.env.XMLLINT = before;
    }
  });

  it('no file named: the usage on stderr, exit 2', async () => {
    const run = await postera(['iso20022', 'validate']);
    expect(run.code).toBe(2);
    expect(run.out).toBe('');
    expect(run.err).toContain('Usage: postera iso20022 validate');
  });

  it("xmllint's messages lose their namespaces and prefix, and nothing else", () => {
    expect(
      readableProblem(
        "element Amt: Schemas validity error : Element '{urn:iso:std:iso:20022:tech:xsd:sese.024.001.12}Amt': 'x' is not a valid value of the atomic type '{urn:iso:std:iso:20022:tech:xsd:sese.024.001.12}ActiveCurrencyAndAmount_SimpleType'.",
      ),
    ).toBe("Element 'Amt': 'x' is not a valid value of the atomic type 'ActiveCurrencyAndAmount_SimpleType'.");
    expect(readableProblem('Element {http://example.com/x}Foo: kept as it is')).toBe('Element {http://example.com/x}Foo: kept as it is');
  });

  it('property: whatever the files and their order, one verdict per file in that order, and the exit code is the worst of them', async () => {
    const alone = { [valid]: 0, [invalid]: 1, [noSchema]: 2, [truncated]: 2, [csv]: 2 };
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...Object.keys(alone)), { minLength: 1, maxLength: 6 }), async (files) => {
        const run = await postera(['iso20022', 'validate', '--json', ...files]);
        const verdicts = JSON.parse(run.out) as Array<{ file: string }>;
        expect(verdicts.map((v) => v.file)).toEqual(files);
        expect(run.code).toBe(Math.max(...files.map((f) => alone[f]!)));
      }),
      { numRuns: 15 },
    );
  });
});
