import type { EntityManager } from 'typeorm';
import type { PageRequest } from '@postera/platform';
import type { ClosedPeriod } from '../domain/closed-periods.js';
import type { Period, TrialBalanceFormat } from '../domain/period.js';

/**
 * Postings and closings are serialized on one advisory lock: every posting transaction holds it
 * shared from its first journal write to its commit, a closing holds it exclusive. So a closing
 * waits for the postings in flight and sees them in its hashes, and a posting that comes after a
 * closing reads it (READ COMMITTED: its next statement sees the closing committed) and books past it.
 */
const CLOSINGS_LOCK = "hashtext('accounting.period_closings')";

export interface Closing extends Period {
  closedAt: string;
  proposalId: string;
  maker: string;
  checker: string;
  trialBalanceSha256: string;
  /** The trial-balance format (exports/persistence/books.repository.ts) the hash is of: an export of the period is verified in it. */
  trialBalanceFormat: TrialBalanceFormat;
  fecSha256: string | null;
}

const COLUMNS = `period, kind, to_char(first_day, 'YYYY-MM-DD') AS "firstDay", to_char(last_day, 'YYYY-MM-DD') AS "lastDay", closed_at AS "closedAt",
  proposal_id AS "proposalId", maker, checker, trial_balance_sha256 AS "trialBalanceSha256",
  trial_balance_format AS "trialBalanceFormat", fec_sha256 AS "fecSha256"`;

/** The closed periods, read by a posting transaction under the shared lock (held until it commits). */
export async function closedPeriodsForPosting(tx: EntityManager): Promise<ClosedPeriod[]> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(${CLOSINGS_LOCK})`);
  return (await tx.query(`SELECT period, to_char(first_day, 'YYYY-MM-DD') AS "firstDay", to_char(last_day, 'YYYY-MM-DD') AS "lastDay" FROM accounting.period_closings`)) as ClosedPeriod[];
}

/** The closings, read by a closing transaction under the exclusive lock: no journal write until it commits. */
export async function closingsForClosing(tx: EntityManager): Promise<Closing[]> {
  await tx.query(`SELECT pg_advisory_xact_lock(${CLOSINGS_LOCK})`);
  return listClosings(tx);
}

/**
 * The closings in the order they close the books: by last day, the longer period (a fiscal year) before
 * the month that ends with it. Without a page, every one (a fiscal year's closing checks its months);
 * with one, those after the page's last period in that order.
 */
export async function listClosings(tx: Pick<EntityManager, 'query'>, page?: PageRequest): Promise<Closing[]> {
  if (!page) return (await tx.query(`SELECT ${COLUMNS} FROM accounting.period_closings ORDER BY last_day, first_day DESC`)) as Closing[];
  return (await tx.query(
    `SELECT ${COLUMNS} FROM accounting.period_closings c
     WHERE $1::text IS NULL OR EXISTS (SELECT 1 FROM accounting.period_closings a WHERE a.period = $1
       AND (c.last_day > a.last_day OR (c.last_day = a.last_day AND c.first_day < a.first_day)))
     ORDER BY last_day, first_day DESC LIMIT $2`,
    [page.after, page.limit],
  )) as Closing[];
}

/** The closing of exactly these days, if one was made. */
export async function closingOf(tx: Pick<EntityManager, 'query'>, kind: Period['kind'] | null, firstDay: string, lastDay: string): Promise<Closing | null> {
  const [row] = (await tx.query(`SELECT ${COLUMNS} FROM accounting.period_closings WHERE ($1::text IS NULL OR kind = $1) AND first_day = $2 AND last_day = $3`, [
    kind,
    firstDay,
    lastDay,
  ])) as Closing[];
  return row ?? null;
}

export async function insertClosing(tx: EntityManager, c: Omit<Closing, 'closedAt'>): Promise<Closing> {
  const [row] = (await tx.query(
    `INSERT INTO accounting.period_closings (period, kind, first_day, last_day, proposal_id, maker, checker, trial_balance_sha256, trial_balance_format, fec_sha256)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${COLUMNS}`,
    [c.period, c.kind, c.firstDay, c.lastDay, c.proposalId, c.maker, c.checker, c.trialBalanceSha256, c.trialBalanceFormat, c.fecSha256],
  )) as Closing[];
  return row!;
}
