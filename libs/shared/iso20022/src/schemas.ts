import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXml, XmlReadError } from './xml/read.js';

/**
 * Which ISO 20022 message a document is, and whether it validates against the official schema of
 * its version (the copies in `schemas/`, see its README for their origin).
 *
 * Validation is libxml2's, through `xmllint` (Debian's `libxml2-utils`, installed by
 * `scripts/ensure-infra.sh`): a complete XSD 1.0 validator, and the one the standards bodies' own
 * guides use. A batch of documents is validated in one run per schema, so a test of a hundred
 * variants costs one process, not a hundred.
 */

/** `urn:iso:std:iso:20022:tech:xsd:<id>` — the namespace of every ISO 20022 message version. */
const NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})$/;

/** The message versions whose official schema the project carries. */
export const SCHEMA_VERSIONS = [
  'sese.023.001.11',
  'sese.024.001.12',
  'sese.025.001.11',
  'semt.002.001.11',
  'camt.053.001.08',
  'camt.053.001.09',
  'camt.053.001.12',
  'auth.016.001.03',
] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

/** The namespace of a message version, e.g. `urn:iso:std:iso:20022:tech:xsd:camt.053.001.08`. */
export const namespaceOf = (version: string): string => `urn:iso:std:iso:20022:tech:xsd:${version}`;

export interface MessageIdentity {
  /** e.g. `camt.053.001.08`. */
  version: string;
  /** e.g. `camt.053`. */
  message: string;
  namespace: string;
  /** The message's root element under Document, e.g. `BkToCstmrStmt`. */
  root: string;
}

/** What a document says it is: its Document's namespace and first element. Refused when it is no ISO 20022 message. */
export function identify(xml: string | Uint8Array): MessageIdentity {
  const doc = parseXml(xml);
  if (doc.name !== 'Document') throw new XmlReadError(`the root element is ${doc.name}, not Document`, doc.path, doc.line);
  const m = NAMESPACE.exec(doc.ns);
  if (!m) throw new XmlReadError(`namespace ${doc.ns || '(none)'} is not an ISO 20022 message namespace`, doc.path, doc.line);
  const version = m[1]!;
  return { version, message: version.slice(0, 8), namespace: doc.ns, root: doc.children[0]?.name ?? '' };
}

const SCHEMA_DIR = fileURLToPath(new URL('../schemas/', import.meta.url));

/** The official schema of a version, or null when the project does not carry it. */
export function schemaFile(version: string): string | null {
  return (SCHEMA_VERSIONS as readonly string[]).includes(version) ? join(SCHEMA_DIR, `${version}.xsd`) : null;
}

export interface SchemaProblem {
  line: number | null;
  message: string;
}

export interface SchemaCheck {
  valid: boolean;
  problems: SchemaProblem[];
}

/** Bounds one xmllint run: a batch larger than this is split. */
const DOCUMENTS_PER_RUN_MAX = 500;

const xmllint = (): string => process.env.XMLLINT ?? 'xmllint';

function run(cmd: string, args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: Buffer[] = [];
    p.stderr.on('data', (d: Buffer) => err.push(d));
    p.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new Error(`${cmd} not found: install libxml2-utils (scripts/ensure-infra.sh does), or set XMLLINT`) : e),
    );
    p.on('close', (code) => resolve({ code: code ?? -1, stderr: Buffer.concat(err).toString('utf8') }));
  });
}

/**
 * Validates documents of one version against its official schema; one result per document, in
 * order. Every problem xmllint reports is kept, with its line.
 */
export async function validateAgainst(version: SchemaVersion, documents: readonly string[]): Promise<SchemaCheck[]> {
  const xsd = schemaFile(version)!;
  const results: SchemaCheck[] = [];
  for (let from = 0; from < documents.length; from += DOCUMENTS_PER_RUN_MAX) {
    const batch = documents.slice(from, from + DOCUMENTS_PER_RUN_MAX);
    const dir = await mkdtemp(join(tmpdir(), 'postera-xsd-'));
    try {
      const files = batch.map((_, i) => join(dir, `${i}.xml`));
      await Promise.all(batch.map((d, i) => writeFile(files[i]!, d)));
      const { stderr } = await run(xmllint(), ['--noout', '--nonet', '--schema', xsd, ...files]);
      const byFile = new Map<string, SchemaCheck>(files.map((f) => [f, { valid: false, problems: [] }]));
      for (const line of stderr.split('\n')) {
        const validates = /^(.*) validates$/.exec(line);
        if (validates && byFile.has(validates[1]!)) {
          byFile.get(validates[1]!)!.valid = true;
          continue;
        }
        const problem = /^(.*?):(\d+): (.*)$/.exec(line);
        if (problem && byFile.has(problem[1]!)) byFile.get(problem[1]!)!.problems.push({ line: Number(problem[2]), message: problem[3]! });
      }
      // A document that did not parse at all gets no "validates" and maybe no located problem.
      for (const check of byFile.values()) if (!check.valid && check.problems.length === 0) check.problems.push({ line: null, message: 'does not validate' });
      results.push(...files.map((f) => byFile.get(f)!));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return results;
}

/** Identifies a document and validates it against its version's schema; null schema when the project carries none for it. */
export async function validateDocument(xml: string): Promise<{ identity: MessageIdentity; check: SchemaCheck | null }> {
  const identity = identify(xml);
  if (!schemaFile(identity.version)) return { identity, check: null };
  const [check] = await validateAgainst(identity.version as SchemaVersion, [xml]);
  return { identity, check: check! };
}
