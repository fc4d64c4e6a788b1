import { createReadStream } from 'node:fs';
import { appendFile, mkdir, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { canonical, sameHex, type AuditKeyRing } from './audit-chain.js';

/**
 * One anchor: the chain's head (seq and its hash or MAC) at a time, the seq where the chain switched
 * to MACs, and a MAC of all of it under the key `keyId`. Written outside the database, to an
 * append-only store the database's owner cannot reach: a row rewritten or a tail dropped after an
 * anchor no longer matches it.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  keyedFromSeq: number;
  at: string;
  keyId: string;
  mac: string;
}

/** A line longer than this is no anchor (an anchor line is about 300 bytes): refused without parsing. */
export const ANCHOR_LINE_LENGTH_MAX = 4096;
/** Refused lines named in a reading; further ones are only counted. */
const REFUSED_NAMED_MAX = 20;
/** Anchor files read from one store (one per replica that ever wrote): beyond, the store is refused. */
export const ANCHOR_FILES_MAX = 1000;

function anchorMac(keys: AuditKeyRing, a: Omit<AuditAnchor, 'mac'>): string | undefined {
  return keys.mac(a.keyId, 'anchor', [canonical({ seq: a.seq, hash: a.hash, keyedFromSeq: a.keyedFromSeq, at: a.at, keyId: a.keyId })]);
}

/** The line (newline included) that anchors `head`, MACed with the current key. */
export function anchorLine(keys: AuditKeyRing, head: { seq: number; hash: string }, keyedFromSeq: number, at: Date): string {
  const body = { seq: head.seq, hash: head.hash, keyedFromSeq, at: at.toISOString(), keyId: keys.currentId };
  const mac = anchorMac(keys, body);
  if (mac === undefined) throw new Error('the current audit key is missing from its own key ring'); // a bug, not an input
  return `${JSON.stringify({ ...body, mac })}\n`;
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isHex = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v);

/** An anchor line checked: its shape, then its MAC. A line anyone edited without the key is refused. */
export function parseAnchorLine(keys: AuditKeyRing, text: string): { ok: true; anchor: AuditAnchor } | { ok: false; problem: string } {
  if (text.length > ANCHOR_LINE_LENGTH_MAX) return { ok: false, problem: `longer than ${ANCHOR_LINE_LENGTH_MAX} characters` };
  let v: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, problem: 'not a JSON object' };
    v = parsed as Record<string, unknown>;
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const { seq, hash, keyedFromSeq, at, keyId, mac } = v;
  if (
    !isCount(seq) ||
    !isHex(hash) ||
    !isCount(keyedFromSeq) ||
    typeof at !== 'string' ||
    Number.isNaN(Date.parse(at)) ||
    typeof keyId !== 'string' ||
    !isHex(mac)
  ) {
    return { ok: false, problem: 'not an anchor (seq, hash, keyedFromSeq, at, keyId, mac)' };
  }
  const anchor: AuditAnchor = { seq, hash, keyedFromSeq, at, keyId, mac };
  const expected = anchorMac(keys, anchor);
  if (expected === undefined) return { ok: false, problem: `MACed with key ${keyId}, which this verifier does not hold` };
  if (!sameHex(expected, mac)) return { ok: false, problem: 'its MAC does not verify (the line was altered)' };
  return { ok: true, anchor };
}

/**
 * Appends one anchor line: one write of one short line to a file opened for appending. The store's
 * directory is created when missing (a development machine; a mounted volume exists already).
 */
export async function appendAnchor(file: string, line: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await appendFile(file, line, { encoding: 'utf8', flag: 'a', mode: 0o640 });
}

export interface AnchorReading {
  /** The anchor files read (none: nothing was anchored yet, or the store is not mounted). */
  files: string[];
  lines: number;
  /** The anchor of the highest seq among the lines that verify (the later line on a tie). */
  newest: AuditAnchor | null;
  refused: Array<{ file: string; line: number; problem: string }>;
  refusedCount: number;
}

/**
 * Reads the anchor store of `path`: the file itself and every other `.jsonl` file beside it (each
 * replica of the gateway appends to its own file, so that no two processes append to one file over
 * a network filesystem), or every `.jsonl` file of `path` when it is a directory. Line by line: the
 * files grow for years; only the newest valid anchor is kept.
 */
export async function readAnchors(path: string, keys: AuditKeyRing): Promise<AnchorReading> {
  const reading: AnchorReading = { files: [], lines: 0, newest: null, refused: [], refusedCount: 0 };
  const isDir = await stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
  const dir = isDir ? path : dirname(path);
  const names = await readdir(dir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [] as string[];
    throw e;
  });
  const files = names.filter((n) => n.endsWith('.jsonl') || (!isDir && n === basename(path))).sort();
  if (files.length > ANCHOR_FILES_MAX) throw new Error(`the anchor store ${dir} holds more than ${ANCHOR_FILES_MAX} files`);
  for (const name of files) {
    const file = join(dir, name);
    if (!(await stat(file)).isFile()) continue;
    reading.files.push(file);
    await readAnchorFile(file, keys, reading);
  }
  return reading;
}

async function readAnchorFile(file: string, keys: AuditKeyRing, reading: AnchorReading): Promise<void> {
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) {
    line++;
    reading.lines++;
    if (text.trim() === '') continue;
    const parsed = parseAnchorLine(keys, text);
    if (!parsed.ok) {
      reading.refusedCount++;
      if (reading.refused.length < REFUSED_NAMED_MAX) reading.refused.push({ file, line, problem: parsed.problem });
      continue;
    }
    if (reading.newest === null || parsed.anchor.seq >= reading.newest.seq) reading.newest = parsed.anchor;
  }
}
