import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { MAKERS, Roles } from '@postera/platform';
import { isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';
import { readBody } from '../../../http/read-body.js';

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;

@Controller('reconciliations')
export class DeskPnlController {
  constructor(private readonly ds: DataSource) {}

  /**
   * The desk's management P&L, per book, day and currency: JSON `[{ book, date, currency, amount }]`
   * or CSV `book,date,currency,amount`. A bad row is reported and skipped; the others are stored.
   */
  @Post('desk-pnl')
  @HttpCode(200)
  @Roles(...MAKERS)
  async uploadDeskPnl(@Req() req: Parameters<typeof readBody>[0], @Body() body: unknown) {
    let rows: unknown[];
    if (Array.isArray(body)) rows = body;
    else {
      const text = await readBody(req);
      rows = text
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '' && !/^book,/i.test(l))
        .map((l) => {
          const [book, date, currency, amount] = l.split(',').map((x) => x.trim());
          return { book, date, currency, amount };
        });
    }
    const ok: Array<{ book: string; date: string; currency: string; amount: string }> = [];
    const problems: Array<{ row: number; problem: string }> = [];
    rows.slice(0, 10_000).forEach((r, i) => {
      const x = r as Record<string, unknown>;
      if (typeof x.book !== 'string' || !x.book) problems.push({ row: i + 1, problem: 'book missing' });
      else if (!isIsoDate(x.date)) problems.push({ row: i + 1, problem: `date ${String(x.date)} not ISO` });
      else if (typeof x.currency !== 'string' || !/^[A-Z]{3}$/.test(x.currency)) problems.push({ row: i + 1, problem: `currency ${String(x.currency)}` });
      else if (typeof x.amount !== 'string' || !DECIMAL.test(x.amount))
        problems.push({ row: i + 1, problem: `amount ${String(x.amount)} not a decimal string` });
      else ok.push({ book: x.book, date: x.date as string, currency: x.currency, amount: x.amount });
    });
    if (ok.length > 0) {
      await this.ds.query(
        `INSERT INTO accounting.desk_pnl (book, pnl_date, currency, amount, source) SELECT *, 'upload' FROM unnest($1::text[], $2::date[], $3::text[], $4::numeric[])
         ON CONFLICT (book, pnl_date, currency) DO UPDATE SET amount = EXCLUDED.amount, source = EXCLUDED.source, received_at = now()`,
        [ok.map((r) => r.book), ok.map((r) => r.date), ok.map((r) => r.currency), ok.map((r) => r.amount)],
      );
    }
    return { stored: ok.length, problems };
  }
}
