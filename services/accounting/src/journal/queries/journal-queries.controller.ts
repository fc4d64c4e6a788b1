import { Controller, Get, Param, Query } from '@nestjs/common';
import { emptyPageAfter, pageRequest, PRINTABLE_KEY, READERS, Roles, UUID_CURSOR } from '@postera/platform';
import { amountText } from '@postera/kernel';
import { DataSource } from 'typeorm';

@Controller()
export class JournalQueriesController {
  constructor(private readonly ds: DataSource) {}

  /**
   * Every line of the trade's entries, in the order they were posted; debit and credit at the
   * currency's minor units. Whole entries a page at a time: `limit` counts entries, `after` the last
   * entryId of the page before.
   */
  @Get('journal/by-trade/:ref')
  @Roles(...READERS, 'admin')
  async byTrade(@Param('ref') ref: string, @Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const page = pageRequest({ limit, after }, { max: 1000, dflt: 100, cursor: UUID_CURSOR, cursorName: 'entryId' });
    const lines = (await this.ds.query(
      `SELECT e.entry_id AS "entryId", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", to_char(e.piece_date, 'YYYY-MM-DD') AS "pieceDate",
              e.booking_note AS "bookingNote", l.line_no AS "lineNo",
              l.account_code AS "accountCode", a.name AS "accountName", l.currency, l.debit::text AS debit, l.credit::text AS credit
       FROM (SELECT entry_id, kind, accounting_date, piece_date, booking_note, posted_seq FROM accounting.journal_entries
             WHERE trade_ref = $1 AND ($2::uuid IS NULL OR posted_seq > (SELECT posted_seq FROM accounting.journal_entries WHERE entry_id = $2))
             ORDER BY posted_seq LIMIT $3) e
       JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       ORDER BY e.posted_seq, l.line_no`,
      [ref, page.after, page.limit],
    )) as Array<{ currency: string; debit: string; credit: string }>;
    await emptyPageAfter(
      page,
      lines,
      (a) => this.oneOf('accounting.journal_entries', 'entry_id', a, ref),
      (a) => `entry ${a} of ${ref}`,
    );
    return lines.map((l) => ({ ...l, debit: amountText(l.debit, l.currency), credit: amountText(l.credit, l.currency) }));
  }

  /**
   * The trade's events held instead of posted (a settlement of a cancelled trade, an amendment after
   * settlement…), in the order they were held, a page at a time (`after` the last eventId of the page before).
   */
  @Get('held-events/by-trade/:ref')
  @Roles(...READERS, 'admin')
  async heldByTrade(@Param('ref') ref: string, @Query('limit') limit: string | undefined, @Query('after') after: string | undefined) {
    const page = pageRequest({ limit, after }, { max: 1000, dflt: 100, cursor: PRINTABLE_KEY, cursorName: 'eventId' });
    const held = (await this.ds.query(
      `SELECT event_id AS "eventId", event_type AS "eventType", reason, held_at AS "heldAt", event FROM accounting.held_events
       WHERE trade_ref = $1 AND ($2::text IS NULL OR (held_at, event_id) > (SELECT held_at, event_id FROM accounting.held_events WHERE event_id = $2))
       ORDER BY held_at, event_id LIMIT $3`,
      [ref, page.after, page.limit],
    )) as unknown[];
    await emptyPageAfter(
      page,
      held,
      (a) => this.oneOf('accounting.held_events', 'event_id', a, ref),
      (a) => `held event ${a} of ${ref}`,
    );
    return held;
  }

  /** The trade's row a cursor names, if it is one of the trade's. */
  private oneOf(table: 'accounting.journal_entries' | 'accounting.held_events', key: 'entry_id' | 'event_id', after: string, ref: string): Promise<unknown[]> {
    return this.ds.query(`SELECT 1 FROM ${table} WHERE ${key} = $1 AND trade_ref = $2`, [after, ref]);
  }

  /** The journal's totals per currency (at its minor units): balanced when debit = credit in every currency. */
  @Get('summary')
  @Roles(...READERS, 'admin')
  async summary() {
    const perCurrency = (await this.ds.query(
      `SELECT currency, sum(debit)::text AS debit, sum(credit)::text AS credit, sum(debit) = sum(credit) AS balanced
       FROM accounting.journal_lines GROUP BY currency ORDER BY currency`,
    )) as Array<{ currency: string; debit: string; credit: string; balanced: boolean }>;
    const [entries] = (await this.ds.query(`SELECT count(*)::int AS n FROM accounting.journal_entries`)) as Array<{ n: number }>;
    const [parked] = (await this.ds.query(`SELECT count(*)::int AS n FROM accounting.parked_settlements`)) as Array<{ n: number }>;
    const held = (await this.ds.query(`SELECT reason, count(*)::int AS n FROM accounting.held_events GROUP BY reason ORDER BY reason`)) as Array<{
      reason: string;
      n: number;
    }>;
    return {
      entries: entries?.n ?? 0,
      parkedSettlements: parked?.n ?? 0,
      heldEvents: Object.fromEntries(held.map((h) => [h.reason, h.n])),
      balanced: perCurrency.every((c) => c.balanced),
      perCurrency: perCurrency.map((c) => ({ ...c, debit: amountText(c.debit, c.currency), credit: amountText(c.credit, c.currency) })),
    };
  }
}
