import { parseArgs } from 'node:util';
import { identify, parseCamt053, parseSemt002, parseSese023, parseSese024, parseSese025, XmlReadError, type MessageIdentity } from '@postera/iso20022';
import { Exit, readDocument, type Cli, type ExitCode } from './cli.js';
import { describeMessage } from './messages.js';

/**
 * The library's reader of each message Postera reads, keyed by message and not by version: a
 * reader takes every version it knows and refuses the others itself, naming the namespace. What a
 * reader returns is printed as it is, so this command never falls behind the readers' shapes.
 */
const READERS: Readonly<Record<string, (xml: string) => unknown>> = {
  'camt.053': parseCamt053,
  'semt.002': parseSemt002,
  'sese.024': parseSese024,
  'sese.025': parseSese025,
  'sese.023': parseSese023,
};

export const READ_MESSAGES = Object.keys(READERS);

export const READ_HELP = `Usage: postera iso20022 read <file>

Prints as JSON what Postera makes of a statement or status message, read by the very reader the
services use: ${READ_MESSAGES.join(', ')} (each in the versions its reader accepts).

This is how a new custodian or bank is onboarded: run their sample files through it. A file
Postera can use prints the figures it would book or reconcile, exactly as written in the file
(amounts stay decimal strings). A file it cannot use prints the refusal, naming the element
(its path in the document) and the line:
  { "refused": { "reason": "...", "element": "Document/BkToCstmrStmt/Stmt/Bal[2]/Amt", "line": 27 } }
Check the same file against the official schema with \`postera iso20022 validate\`.

Exit codes:
  0  read: the JSON is what Postera makes of it
  1  refused: the JSON names the reason, the element and the line
  2  not a message Postera reads (the messages it reads are listed), an unreadable file, wrong usage
  3  the reader failed unexpectedly: a bug in Postera, not a verdict on the file
`;

/** What an operator sees of a refusal; the element is the reader's path (null when the document has none yet). */
export const refusal = (e: XmlReadError) => ({ refused: { reason: e.reason, element: e.path, line: e.line } });

export async function iso20022Read(args: string[], cli: Cli): Promise<ExitCode> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    cli.io.out(READ_HELP);
    return Exit.ok;
  }
  if (positionals.length !== 1) {
    cli.io.err(`postera iso20022 read: name exactly one file\n\n${READ_HELP}`);
    return Exit.unusable;
  }
  const file = positionals[0]!;
  let xml: string;
  try {
    xml = await readDocument(file);
  } catch (e) {
    cli.io.err(`${file}: cannot be read: ${(e as Error).message}\n`);
    return Exit.unusable;
  }
  let identity: MessageIdentity;
  try {
    identity = identify(xml);
  } catch (e) {
    return refused(e, cli);
  }
  const reader = READERS[identity.message];
  if (!reader) {
    cli.io.err(`${file}: ${describeMessage(identity)}: Postera reads no such message (it reads ${READ_MESSAGES.join(', ')})\n`);
    return Exit.unusable;
  }
  let read: unknown;
  try {
    read = reader(xml);
  } catch (e) {
    return refused(e, cli);
  }
  cli.io.out(`${JSON.stringify(read, null, 2)}\n`);
  return Exit.ok;
}

/** A refusal is a verdict on the file; anything else thrown is Postera's bug and propagates as one. */
function refused(e: unknown, cli: Cli): ExitCode {
  if (!(e instanceof XmlReadError)) throw e;
  cli.io.out(`${JSON.stringify(refusal(e), null, 2)}\n`);
  return Exit.verdict;
}
