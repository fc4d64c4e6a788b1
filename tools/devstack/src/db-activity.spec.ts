import { dbActivityPerTrade, type DbActivity, type RowsWritten } from './db-activity.js';

const reading = (transactions: number, walBytes: number, tables: Record<string, RowsWritten>): DbActivity => ({
  transactions,
  walFlushes: transactions,
  walBytes,
  walFullPages: 0,
  rowsWritten: new Map(Object.entries(tables)),
});

describe('the database activity per trade between two readings', () => {
  it('counts rows per table and per schema, inserted, updated and deleted, the most written table first (worked example)', () => {
    const before = reading(1_000, 0, {
      'capture.trades': { inserted: 10, updated: 0, deleted: 0 },
      'capture.outbox': { inserted: 40, updated: 0, deleted: 40 },
      'settlement.instructions': { inserted: 5, updated: 5, deleted: 0 },
    });
    // 100 trades: capture.trades 100 inserted and 300 updated; the outbox 400 inserted, none deleted
    // (rotated by TRUNCATE, which the statistics do not count); a table created during the run.
    const after = reading(1_000 + 1_300 + 20, 100 * 1024 * 7, {
      'capture.trades': { inserted: 110, updated: 300, deleted: 0 },
      'capture.outbox': { inserted: 440, updated: 0, deleted: 40 },
      'settlement.instructions': { inserted: 105, updated: 205, deleted: 0 },
      'settlement.calendars': { inserted: 0, updated: 0, deleted: 0 },
      'market_sim.instructions': { inserted: 100, updated: 0, deleted: 0 },
    });
    const perTrade = dbActivityPerTrade(before, after, 100, 20);
    expect(perTrade.transactions).toBe(13);
    expect(perTrade.walKiB).toBe(7);
    // capture: (100 + 300) + 400 = 800 rows, 8 a trade; settlement: 100 + 200 = 300, 3 a trade.
    expect(perTrade.rowsWritten).toEqual({ capture: 8, market_sim: 1, settlement: 3 });
    expect(perTrade.rowsWrittenByTable).toEqual([
      // A tie goes by name.
      { table: 'capture.outbox', total: 4, inserted: 4, updated: 0, deleted: 0 },
      { table: 'capture.trades', total: 4, inserted: 1, updated: 3, deleted: 0 },
      { table: 'settlement.instructions', total: 3, inserted: 1, updated: 2, deleted: 0 },
      { table: 'market_sim.instructions', total: 1, inserted: 1, updated: 0, deleted: 0 },
    ]);
  });
});
