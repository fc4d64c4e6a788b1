import { Controller, Get, Param } from '@nestjs/common';
import { READERS, Roles } from '@postera/platform';
import { amountText } from '@postera/kernel';
import { DataSource } from 'typeorm';

@Controller()
export class JournalQueriesController {
  constructor(private readonly ds: DataSource) {}

  /** Every line of the trade's entries, in the order they were posted; debit and credit at the currency's minor units. */
  @Get('journal/by-trade/:ref')
  @Roles(...READERS, 'admin')
  async byTrade(@Param('ref') ref: string) {
    const lines = (await this.ds.query(
      `SELECT e.entry_id AS "entryId", e.kind, to_char(e.accounting_date, 'YYYY-MM-DD') AS "accountingDate", to_char(e.piece_date, 'YYYY-MM-DD') AS "pieceDate",
              e.booking_note AS "bookingNote", l.line_no AS "lineNo",
              l.account_code AS "accountCode", a.name AS "accountName", l.currency, l.debit::text AS debit, l.credit::text AS credit
       FROM accounting.journal_entries e JOIN accounting.journal_lines l USING (entry_id) JOIN accounting.ledger_accounts a ON a.code = l.account_code
       WHERE e.trade_ref = $1 ORDER BY e.posted_seq, l.line_no`,
      [ref],
    )) as Array<{ currency: string; debit: string; credit: string }>;
    return lines.map((l) => ({ ...l, debit: amountText(l.debit, l.currency), credit: amountText(l.credit, l.currency) }));
  }

  /** The trade's events held instead of posted (a settlement of a cancelled trade, an amendment after settlement…), whole. */
  @Get('held-events/by-trade/:ref')
  @Roles(...READERS, 'admin')
  async heldByTrade(@Param('ref') ref: string) {
    return this.ds.query(
      `SELECT event_id AS "eventId", event_type AS "eventType", reason, held_at AS "heldAt", event FROM accounting.held_events WHERE trade_ref = $1 ORDER BY held_at, event_id`,
      [ref],
    );
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
