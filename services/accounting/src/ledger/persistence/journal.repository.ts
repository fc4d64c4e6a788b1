import type { JournalEntryPostedV1 } from '@postera/contracts';
import { assert, Dec, deterministicId } from '@postera/kernel';
import type { EntityManager } from 'typeorm';
import { pgArray } from '../../database/pg-array.js';
import { bookingDate } from '../../periods/domain/closed-periods.js';
import { closedPeriodsForPosting } from '../../periods/persistence/closings.repository.js';
import { imbalance, type JournalLine } from '../domain/rules-engine.js';

export interface JournalEntry {
  entryId: string;
  tradeRef: string;
  kind: JournalEntryPostedV1['kind'];
  /** The day it is booked on: never inside a closed period (bookInOpenPeriods). */
  accountingDate: string;
  /** The event's own date when that fell in a closed period (FEC PieceDate), with the reason; absent otherwise. */
  pieceDate?: string;
  bookingNote?: string;
  causeEventId: string;
  book: string;
  currency: string;
  lines: JournalLine[];
}

/** Entries already posted for these causes (a redelivered event after the inbox was pruned): their effects are not applied twice. */
export async function postedCauses(tx: EntityManager, causes: string[], kind: JournalEntry['kind']): Promise<Set<string>> {
  if (causes.length === 0) return new Set();
  const rows = (await tx.query(`SELECT cause_event_id AS c FROM accounting.journal_entries WHERE cause_event_id = ANY($1::text[]) AND kind = $2`, [causes, kind])) as Array<{ c: string }>;
  return new Set(rows.map((r) => r.c));
}

/** The lines of posted entries, in line order, for a reversal. */
export async function entryLines(tx: EntityManager, entryIds: string[]): Promise<Map<string, JournalLine[]>> {
  const out = new Map<string, JournalLine[]>();
  if (entryIds.length === 0) return out;
  const rows = (await tx.query(
    `SELECT entry_id AS "entryId", account_code AS "accountCode", debit::text AS debit, credit::text AS credit, aux_account AS aux
     FROM accounting.journal_lines WHERE entry_id = ANY($1::uuid[]) ORDER BY entry_id, line_no`,
    [entryIds],
  )) as Array<{ entryId: string; accountCode: string; debit: string; credit: string; aux: string | null }>;
  for (const r of rows) out.set(r.entryId, [...(out.get(r.entryId) ?? []), { accountCode: r.accountCode, debit: new Dec(r.debit), credit: new Dec(r.credit), aux: r.aux }]);
  return out;
}

/** The id is fixed by the cause and the kind: a replay from offset 0 posts the same entries under the same ids. */
export function journalEntry(e: Omit<JournalEntry, 'entryId'>): JournalEntry {
  return { ...e, entryId: deterministicId('journal', e.causeEventId, e.kind) };
}

/**
 * Every posting transaction writes through the service's database role (migration
 * 1796000000000): it may insert into the journal, never update or delete it.
 */
export async function asJournalWriter(ctx: { tx: EntityManager }, role: string): Promise<void> {
  if (role) await ctx.tx.query(`SET LOCAL ROLE ${role.replace(/[^a-z0-9_]/gi, '')}`);
}

/**
 * Appends entries and their lines with two statements for the whole batch. The balance is
 * asserted here and checked again by the database at the end of the lines' insert (statement-level
 * trigger). An entry already posted for the same cause is skipped (UNIQUE (cause_event_id, kind)).
 */
export async function appendJournal(tx: EntityManager, entries: JournalEntry[]): Promise<JournalEntry[]> {
  if (entries.length === 0) return [];
  for (const e of entries) assertBalanced(e);
  const fresh = await insertEntryHeaders(tx, entries);
  const posted = entries.filter((e) => fresh.has(e.entryId));
  await writeLines(tx, posted);
  return posted;
}

function assertBalanced(e: JournalEntry): void {
  assert(imbalance(e.lines).isZero(), `entry ${e.entryId} of ${e.tradeRef} does not balance`);
}

/**
 * The entries' headers alone, before their lines (appendJournal writes both). Returns the ids
 * inserted (not already posted).
 * Every journal write comes through here: the one place closed periods are kept closed.
 */
export async function insertEntryHeaders(tx: EntityManager, entries: JournalEntry[]): Promise<Set<string>> {
  if (entries.length === 0) return new Set();
  await bookInOpenPeriods(tx, entries);
  const inserted = (await tx.query(
    `INSERT INTO accounting.journal_entries (entry_id, trade_ref, kind, accounting_date, cause_event_id, piece_date, booking_note)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::date[], $5::text[], $6::date[], $7::text[])
     ON CONFLICT (cause_event_id, kind) DO NOTHING RETURNING entry_id`,
    [
      pgArray(entries.map((e) => e.entryId)),
      pgArray(entries.map((e) => e.tradeRef)),
      pgArray(entries.map((e) => e.kind)),
      pgArray(entries.map((e) => e.accountingDate)),
      pgArray(entries.map((e) => e.causeEventId)),
      pgArray(entries.map((e) => e.pieceDate ?? null)),
      pgArray(entries.map((e) => e.bookingNote ?? null)),
    ],
  )) as Array<{ entry_id: string }>;
  return new Set(inserted.map((r) => r.entry_id));
}

/**
 * An entry dated in a closed period is booked on the first open day after it
 * (periods/domain/closed-periods.ts), its own date kept as piece date with the reason. The entry is
 * changed in place, so what follows in the transaction (the FX corrections of late lines, the
 * events announced) reads the day it is booked on. The closings are read under the lock a closing
 * takes exclusively, held to the commit: no closing can slip in between.
 */
async function bookInOpenPeriods(tx: EntityManager, entries: JournalEntry[]): Promise<void> {
  const closed = await closedPeriodsForPosting(tx);
  if (closed.length === 0) return;
  for (const e of entries) {
    const b = bookingDate(e.pieceDate ?? e.accountingDate, closed);
    if (!b.moved) continue;
    Object.assign(e, { accountingDate: b.date, pieceDate: b.pieceDate, bookingNote: b.reason });
  }
}

/**
 * Every entry asserted balanced, then the lines of those whose headers were just inserted (`fresh`,
 * from insertEntryHeaders) in one statement. Returns the entries posted.
 */
export async function insertEntryLines(tx: EntityManager, entries: JournalEntry[], fresh: Set<string>): Promise<JournalEntry[]> {
  for (const e of entries) assertBalanced(e);
  const posted = entries.filter((e) => fresh.has(e.entryId));
  await writeLines(tx, posted);
  return posted;
}

async function writeLines(tx: EntityManager, posted: JournalEntry[]): Promise<void> {
  const n = posted.reduce((k, e) => k + e.lines.length, 0);
  if (n === 0) return;
  // Eight columns filled in one pass (the journal's largest statement).
  const ids = new Array<string>(n), nos = new Array<number>(n), accounts = new Array<string>(n), books = new Array<string>(n);
  const currencies = new Array<string>(n), debits = new Array<string>(n), credits = new Array<string>(n), aux = new Array<string | null>(n);
  let k = 0;
  for (const e of posted) {
    e.lines.forEach((l, i) => {
      ids[k] = e.entryId;
      nos[k] = i + 1;
      accounts[k] = l.accountCode;
      books[k] = e.book;
      currencies[k] = e.currency;
      debits[k] = l.debit.toFixed();
      credits[k] = l.credit.toFixed();
      aux[k] = l.aux ?? null;
      k++;
    });
  }
  await tx.query(
    `INSERT INTO accounting.journal_lines (entry_id, line_no, account_code, book, currency, debit, credit, aux_account)
     SELECT * FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::text[], $5::text[], $6::numeric[], $7::numeric[], $8::text[])`,
    [ids, nos, accounts, books, currencies, debits, credits, aux].map(pgArray),
  );
}
