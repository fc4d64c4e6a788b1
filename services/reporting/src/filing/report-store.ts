import { envelope, Topics, type ReportFiledV1, type ReportKind } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import type { OutgoingEvent } from '@postera/platform';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { whatChanged } from './periods.js';

export interface ReportFile {
  name: string;
  mediaType: string;
  content: Buffer;
}

export interface RunDraft {
  kind: ReportKind;
  periodStart: string;
  periodEnd: string;
  inputsFrom: string;
  inputsTo: string;
  files: ReportFile[];
  summary: unknown;
}

export const sha256 = (b: Buffer | string): string => createHash('sha256').update(b).digest('hex');

/** The run's checksum: SHA-256 of one `<name> <sha256>` line per file, sorted by name (sha256sum's format). */
export function manifestChecksum(files: ReadonlyArray<{ name: string; sha256: string }>): string {
  return sha256(
    [...files]
      .sort((a, b) => (a.name < b.name ? -1 : 1))
      .map((f) => `${f.sha256}  ${f.name}\n`)
      .join(''),
  );
}

/**
 * Files a run: the next version of (kind, period), replacing the latest one when there is one; the
 * rows are immutable from then on (database triggers). Runs of one kind and period are serialised
 * by an advisory lock, so two operators filing at once get versions n and n + 1.
 */
export async function fileRun(
  tx: EntityManager,
  draft: RunDraft,
  filedBy: string,
  causationId: string | null,
): Promise<{ run: ReportFiledV1; events: OutgoingEvent[] }> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('reporting.run:' || $1 || ':' || $2))`, [draft.kind, draft.periodStart]);
  const [latest] = (await tx.query(
    `SELECT run_id, version FROM reporting.report_runs WHERE kind = $1 AND period_start = $2 ORDER BY version DESC LIMIT 1`,
    [draft.kind, draft.periodStart],
  )) as Array<{ run_id: string; version: number }>;
  const version = (latest?.version ?? 0) + 1;
  const runId = deterministicId('report-run', draft.kind, draft.periodStart, String(version));
  const files = draft.files.map((f) => ({ name: f.name, mediaType: f.mediaType, sha256: sha256(f.content), bytes: f.content.length }));
  const checksum = manifestChecksum(files);
  const changes = latest ? await changesFrom(tx, latest.run_id, draft) : null;
  const [{ filed_at: filedAt }] = (await tx.query(
    `INSERT INTO reporting.report_runs (run_id, kind, period_start, period_end, version, replaces, inputs_from, inputs_to, checksum_sha256, summary, filed_by, changes)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING filed_at`,
    [runId, draft.kind, draft.periodStart, draft.periodEnd, version, latest?.run_id ?? null, draft.inputsFrom, draft.inputsTo, checksum,
      JSON.stringify(draft.summary), filedBy, changes === null ? null : JSON.stringify(changes)],
  )) as [{ filed_at: Date }];
  for (const f of draft.files)
    await tx.query(`INSERT INTO reporting.report_files (run_id, name, media_type, content, sha256) VALUES ($1, $2, $3, $4, $5)`, [
      runId,
      f.name,
      f.mediaType,
      f.content,
      sha256(f.content),
    ]);
  const run: ReportFiledV1 = {
    runId,
    kind: draft.kind,
    periodStart: draft.periodStart,
    periodEnd: draft.periodEnd,
    version,
    replaces: latest?.run_id ?? null,
    inputsFrom: draft.inputsFrom,
    inputsTo: draft.inputsTo,
    checksumSha256: checksum,
    files,
    filedBy,
    filedAt: filedAt.toISOString(),
  };
  const key = `${draft.kind}:${draft.periodStart}`;
  const event: OutgoingEvent = {
    topic: Topics.reportingEvents,
    key,
    event: envelope({ eventId: deterministicId('ReportFiled', runId), type: 'ReportFiled', producer: 'reporting', correlationId: key, causationId, payload: run }),
  };
  return { run, events: [event] };
}

/**
 * What a correction changes against the version it replaces: the files whose bytes differ, and
 * every value of the summary and of the JSON files (the readable twin of each declaration).
 */
async function changesFrom(tx: EntityManager, replaced: string, draft: RunDraft) {
  const [prev] = (await tx.query(`SELECT summary FROM reporting.report_runs WHERE run_id = $1`, [replaced])) as Array<{ summary: unknown }>;
  const old = (await tx.query(`SELECT name, content, sha256 FROM reporting.report_files WHERE run_id = $1`, [replaced])) as Array<{
    name: string;
    content: Buffer;
    sha256: string;
  }>;
  const before = new Map(old.map((f) => [f.name, { content: f.content, sha256: f.sha256 }]));
  const after = new Map(draft.files.map((f) => [f.name, { content: f.content, sha256: sha256(f.content) }]));
  const files = [...new Set([...before.keys(), ...after.keys()])]
    .sort()
    .map((name) => ({ name, before: before.get(name)?.sha256 ?? null, after: after.get(name)?.sha256 ?? null }))
    .filter((f) => f.before !== f.after);
  const readable = (side: Map<string, { content: Buffer }>, summary: unknown) => ({
    summary,
    ...Object.fromEntries(files.filter((f) => f.name.endsWith('.json') && side.has(f.name)).map((f) => [f.name, JSON.parse(side.get(f.name)!.content.toString('utf8')) as unknown])),
  });
  const { changes, more } = whatChanged(readable(before, prev?.summary), readable(after, draft.summary));
  return { files, values: changes, more };
}

interface RunRow {
  run_id: string;
  kind: ReportKind;
  period_start: string;
  period_end: string;
  version: number;
  replaces: string | null;
  inputs_from: string;
  inputs_to: string;
  checksum_sha256: string;
  summary: unknown;
  filed_by: string;
  filed_at: Date;
  changes: unknown;
}

const RUN_COLUMNS = `run_id, kind, to_char(period_start, 'YYYY-MM-DD') AS period_start, to_char(period_end, 'YYYY-MM-DD') AS period_end, version, replaces,
  to_char(inputs_from, 'YYYY-MM-DD') AS inputs_from, to_char(inputs_to, 'YYYY-MM-DD') AS inputs_to, checksum_sha256, summary, filed_by, filed_at, changes`;

/**
 * Filed runs newest first (filed_at, version, run id: the runs of one close share their filing
 * time), a page after the run `after` names (exclusive; null for the first page) — keyset, so a page
 * does not shift when runs are filed meanwhile.
 */
export async function listRuns(db: EntityManager, f: { kind: string | null; period: string | null }, page: { limit: number; after: string | null }) {
  const rows = (await db.query(
    `SELECT ${RUN_COLUMNS}, (SELECT r2.run_id FROM reporting.report_runs r2 WHERE r2.replaces = r.run_id) AS replaced_by
     FROM reporting.report_runs r WHERE ($1::text IS NULL OR kind = $1) AND ($2::date IS NULL OR period_start = $2::date)
       AND ($4::uuid IS NULL OR (filed_at, version, run_id) < (SELECT filed_at, version, run_id FROM reporting.report_runs WHERE run_id = $4::uuid))
     ORDER BY filed_at DESC, version DESC, run_id DESC LIMIT $3`,
    [f.kind, f.period, page.limit, page.after],
  )) as Array<RunRow & { replaced_by: string | null }>;
  return rows.map((r) => ({ ...runView(r), replacedBy: r.replaced_by }));
}

export async function getRun(db: EntityManager, runId: string) {
  const [r] = (await db.query(`SELECT ${RUN_COLUMNS} FROM reporting.report_runs WHERE run_id = $1`, [runId])) as RunRow[];
  if (!r) return null;
  const files = (await db.query(
    `SELECT name, media_type AS "mediaType", sha256, octet_length(content) AS bytes FROM reporting.report_files WHERE run_id = $1 ORDER BY name`,
    [runId],
  )) as Array<{ name: string; mediaType: string; sha256: string; bytes: number }>;
  const [next] = (await db.query(`SELECT run_id FROM reporting.report_runs WHERE replaces = $1`, [runId])) as Array<{ run_id: string }>;
  return { ...runView(r), replacedBy: next?.run_id ?? null, files };
}

export async function getRunFile(db: EntityManager, runId: string, name: string) {
  const [f] = (await db.query(`SELECT media_type, content, sha256 FROM reporting.report_files WHERE run_id = $1 AND name = $2`, [runId, name])) as Array<{
    media_type: string;
    content: Buffer;
    sha256: string;
  }>;
  return f ?? null;
}

function runView(r: RunRow) {
  return {
    runId: r.run_id,
    kind: r.kind,
    periodStart: r.period_start,
    periodEnd: r.period_end,
    version: r.version,
    replaces: r.replaces,
    inputsFrom: r.inputs_from,
    inputsTo: r.inputs_to,
    checksumSha256: r.checksum_sha256,
    summary: r.summary,
    filedBy: r.filed_by,
    filedAt: r.filed_at.toISOString(),
    /** A correction: what it changes against the version it replaces (null on a first version). */
    changes: r.changes ?? null,
  };
}
