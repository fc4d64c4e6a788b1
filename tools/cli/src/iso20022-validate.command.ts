import { parseArgs } from 'node:util';
import {
  identify,
  schemaFile,
  SCHEMA_VERSIONS,
  validateAgainst,
  XmlReadError,
  type MessageIdentity,
  type SchemaCheck,
  type SchemaProblem,
  type SchemaVersion,
} from '@postera/iso20022';
import { Exit, readDocument, type Cli, type ExitCode } from './cli.js';
import { describeMessage } from './messages.js';

export const VALIDATE_HELP = `Usage: postera iso20022 validate [--json] <file>...

Names each file's ISO 20022 message and version (from its Document namespace) and validates it
against the official schema of that version, listing every schema error with its line.

Options:
  --json      one JSON object per file, in an array, instead of text
  -h, --help  this help

Exit codes (the highest over all files):
  0  every file is valid against its schema
  1  a file is not valid (its errors are listed)
  2  a file could not be checked: not an ISO 20022 document (the reason and line are given), a
     version Postera carries no schema for (the versions it carries are listed), an unreadable file,
     xmllint missing (Debian's libxml2-utils; scripts/ensure-infra.sh installs it)
`;

export type FileVerdict =
  | { file: string; outcome: 'valid'; message: string }
  | { file: string; outcome: 'invalid'; message: string; problems: SchemaProblem[] }
  | { file: string; outcome: 'no-schema'; message: string; schemasCarried: string[] }
  | { file: string; outcome: 'not-checked'; message: string; reason: string }
  | { file: string; outcome: 'not-iso20022'; reason: string; element: string | null; line: number | null }
  | { file: string; outcome: 'unreadable'; reason: string };

const exitOf = (v: FileVerdict): ExitCode => {
  switch (v.outcome) {
    case 'valid':
      return Exit.ok;
    case 'invalid':
      return Exit.verdict;
    case 'no-schema':
    case 'not-checked':
    case 'not-iso20022':
    case 'unreadable':
      return Exit.unusable;
  }
};

/**
 * xmllint names elements with their namespace (`'{urn:iso:std:iso:20022:tech:xsd:camt.053.001.08}Amt'`)
 * and prefixes each error with `element Amt: Schemas validity error : `; an operator reads the
 * rest more easily without either. Nothing else of the message is changed.
 */
export function readableProblem(message: string): string {
  return message.replace(/^element [^:]+: Schemas validity error : /, '').replace(/\{urn:iso:std:iso:20022:tech:xsd:[a-z]{4}\.\d{3}\.\d{3}\.\d{2}\}/g, '');
}

/** Files read into memory at once (each up to the XML reader's limit); more are checked in turn. */
export const FILES_IN_MEMORY_MAX = 100;

type Pending = { index: number; identity: MessageIdentity; xml: string };

/** Reads and identifies every file, then validates them with one xmllint run per version. */
export async function validateFiles(files: readonly string[]): Promise<FileVerdict[]> {
  const verdicts: Array<FileVerdict | null> = files.map(() => null);
  const byVersion = new Map<SchemaVersion, Pending[]>();
  for (const [index, file] of files.entries()) {
    let xml: string;
    try {
      xml = await readDocument(file);
    } catch (e) {
      verdicts[index] = { file, outcome: 'unreadable', reason: (e as Error).message };
      continue;
    }
    let identity: MessageIdentity;
    try {
      identity = identify(xml);
    } catch (e) {
      if (!(e instanceof XmlReadError)) throw e;
      verdicts[index] = { file, outcome: 'not-iso20022', reason: e.reason, element: e.path, line: e.line };
      continue;
    }
    if (!schemaFile(identity.version)) {
      verdicts[index] = { file, outcome: 'no-schema', message: describeMessage(identity), schemasCarried: [...SCHEMA_VERSIONS] };
      continue;
    }
    const version = identity.version as SchemaVersion;
    const batch = byVersion.get(version) ?? [];
    batch.push({ index, identity, xml });
    byVersion.set(version, batch);
  }
  for (const [version, pending] of byVersion) {
    let checks: SchemaCheck[];
    try {
      checks = await validateAgainst(
        version,
        pending.map((p) => p.xml),
      );
    } catch (e) {
      // The validator itself could not run (xmllint missing, say): the files are not judged.
      for (const p of pending)
        verdicts[p.index] = { file: files[p.index]!, outcome: 'not-checked', message: describeMessage(p.identity), reason: (e as Error).message };
      continue;
    }
    for (const [i, p] of pending.entries()) {
      const check = checks[i]!;
      const file = files[p.index]!;
      const message = describeMessage(p.identity);
      verdicts[p.index] = check.valid
        ? { file, outcome: 'valid', message }
        : { file, outcome: 'invalid', message, problems: check.problems.map((q) => ({ line: q.line, message: readableProblem(q.message) })) };
    }
  }
  return verdicts.map((v) => v!);
}

function describeVerdict(v: FileVerdict): string {
  switch (v.outcome) {
    case 'valid':
      return `${v.file}: ${v.message}: valid against the official schema\n`;
    case 'invalid':
      return (
        `${v.file}: ${v.message}: NOT valid, ${v.problems.length} schema error${v.problems.length === 1 ? '' : 's'}\n` +
        v.problems.map((p) => `  ${p.line === null ? 'line ?' : `line ${p.line}`}: ${p.message}\n`).join('')
      );
    case 'no-schema':
      return `${v.file}: ${v.message}: not checked, Postera carries no schema for this version (it carries ${v.schemasCarried.join(', ')})\n`;
    case 'not-checked':
      return `${v.file}: ${v.message}: not checked: ${v.reason}\n`;
    case 'not-iso20022':
      return `${v.file}: not an ISO 20022 document: ${v.line === null ? '' : `line ${v.line}`}${v.element ? ` (${v.element})` : ''}: ${v.reason}\n`;
    case 'unreadable':
      return `${v.file}: cannot be read: ${v.reason}\n`;
  }
}

export async function iso20022Validate(args: string[], cli: Cli): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    cli.io.out(VALIDATE_HELP);
    return Exit.ok;
  }
  if (positionals.length === 0) {
    cli.io.err(`postera iso20022 validate: name at least one file\n\n${VALIDATE_HELP}`);
    return Exit.unusable;
  }
  const verdicts: FileVerdict[] = [];
  // A shell glob may name thousands of files: they are held in memory a bounded number at a time,
  // and each batch's verdicts are printed as soon as it is checked.
  for (let from = 0; from < positionals.length; from += FILES_IN_MEMORY_MAX) {
    const batch = await validateFiles(positionals.slice(from, from + FILES_IN_MEMORY_MAX));
    if (!values.json) for (const v of batch) cli.io.out(describeVerdict(v));
    verdicts.push(...batch);
  }
  if (values.json) cli.io.out(`${JSON.stringify(verdicts, null, 2)}\n`);
  return verdicts.reduce<ExitCode>((worst, v) => Math.max(worst, exitOf(v)) as ExitCode, Exit.ok);
}
