import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { identify, SCHEMA_VERSIONS, schemaFile, validateAgainst } from './schemas.js';
import { XmlReadError } from './xml/read.js';

const camt = (version: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${version}">
${body}
</Document>
`;

/** A small camt.053.001.08 the schema accepts: a group header and one statement with an account and its closing balance. */
const minimal = camt(
  'camt.053.001.08',
  `<BkToCstmrStmt>
  <GrpHdr><MsgId>0f8fad5bd9cb469fa16570867728950e</MsgId><CreDtTm>2026-12-04T18:00:00Z</CreDtTm></GrpHdr>
  <Stmt><Id>6ba7b8109dad11d180b400c04fd430c8</Id><CreDtTm>2026-12-04T18:00:00Z</CreDtTm><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>
    <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-04</Dt></Dt></Bal></Stmt>
</BkToCstmrStmt>`,
);

describe('message identity', () => {
  it('is read from the Document namespace, prefixed or not', () => {
    expect(identify(minimal)).toEqual({
      version: 'camt.053.001.08',
      message: 'camt.053',
      namespace: 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08',
      root: 'BkToCstmrStmt',
    });
    expect(identify('<n:Document xmlns:n="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><n:BkToCstmrStmt/></n:Document>').version).toBe('camt.053.001.02');
  });

  it('refuses a document that is no ISO 20022 message, saying why', () => {
    expect(() => identify('<Document xmlns="urn:example"/>')).toThrow(
      new XmlReadError('namespace urn:example is not an ISO 20022 message namespace', 'Document', 1),
    );
    expect(() => identify('<Envelope/>')).toThrow(/root element is Envelope, not Document/);
  });

  it('has the official schema of every version it names, and none of the others', () => {
    for (const v of SCHEMA_VERSIONS) expect(existsSync(schemaFile(v)!)).toBe(true);
    expect(schemaFile('camt.053.001.02')).toBeNull();
  });
});

describe('validation against the official schema (xmllint)', () => {
  it('tells a valid document from invalid ones, each problem with its line, in one batch', async () => {
    const tooLong = minimal.replace('0f8fad5bd9cb469fa16570867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e');
    const noAccount = minimal.replace(/<Acct>.*<\/Acct>/, '');
    const [ok, long, missing] = await validateAgainst('camt.053.001.08', [minimal, tooLong, noAccount]);
    expect(ok).toEqual({ valid: true, problems: [] });
    expect(long!.valid).toBe(false);
    expect(long!.problems).toEqual([expect.objectContaining({ line: 4, message: expect.stringMatching(/MsgId.*maximum length.*35/) })]);
    expect(missing!.valid).toBe(false);
    expect(missing!.problems[0]).toEqual(expect.objectContaining({ line: 6, message: expect.stringMatching(/Bal.*not expected.*Acct/) }));
  });

  it('reports a document that is not even well-formed as invalid', async () => {
    const [broken] = await validateAgainst('camt.053.001.08', ['<Document><a></Document>']);
    expect(broken!.valid).toBe(false);
    expect(broken!.problems.length).toBeGreaterThan(0);
  });
});
