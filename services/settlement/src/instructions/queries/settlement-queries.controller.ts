import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { READERS, Roles } from '@postera/platform';
import { amountText } from '@postera/kernel';
import { DataSource } from 'typeorm';
import { findInstructionsByTrade, type InstructionRow } from '../persistence/instruction.repository.js';

/** An instruction's amounts at its currency's minor units (quantities as they are). */
const amountsInForm = (row: InstructionRow): InstructionRow => ({
  ...row,
  settlementAmount: amountText(row.settlementAmount, row.currency),
  settledAmount: row.settledAmount === null ? null : amountText(row.settledAmount, row.currency),
});

/** History reasons that record a trade event or an advice settlement did not apply: each needs an operator's look. */
const ANOMALY_REASONS = ['CANCEL_AFTER_SETTLEMENT', 'VALIDATED_AFTER_SETTLEMENT', 'SETTLED_AFTER_CANCEL'];

@Controller()
export class SettlementQueriesController {
  constructor(private readonly ds: DataSource) {}

  /** The trade's current instruction (the live one, else the last version) with its history, and the instructions it superseded; amounts at the currency's minor units. */
  @Get('instructions/by-trade/:ref')
  @Roles(...READERS, 'admin')
  async byTrade(@Param('ref') ref: string) {
    const rows = await findInstructionsByTrade(this.ds.manager, ref);
    if (rows.length === 0) {
      throw new NotFoundException(`no instruction for trade ${ref}: it may not be validated yet, or be held as an exception`);
    }
    const withHistory = await Promise.all(
      rows.map(async (row) => ({
        ...amountsInForm(row),
        history: await this.ds.query(
          `SELECT seq, status, reason, cause_event_id AS "causeEventId", operator, checker, at FROM settlement.instruction_history WHERE instruction_id = $1 ORDER BY seq`,
          [row.instructionId],
        ),
      })),
    );
    const [current, ...superseded] = withHistory;
    return { ...current!, superseded };
  }

  /** Instructions by status, and fails by reason: the morning report's settlement lines. */
  @Get('summary')
  @Roles(...READERS, 'admin')
  async summary() {
    const rows = (await this.ds.query(`SELECT status, count(*)::int AS n FROM settlement.instructions GROUP BY status`)) as Array<{
      status: string;
      n: number;
    }>;
    const fails = (await this.ds.query(
      `SELECT reason, count(*)::int AS n FROM settlement.instructions WHERE status = 'FAILING' GROUP BY reason ORDER BY reason`,
    )) as Array<{ reason: string; n: number }>;
    const anomalies = (await this.ds.query(
      `SELECT reason, count(*)::int AS n FROM settlement.instruction_history WHERE reason = ANY($1::text[]) GROUP BY reason ORDER BY reason`,
      [ANOMALY_REASONS],
    )) as Array<{ reason: string; n: number }>;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    // A cancelled instruction (its trade amended or cancelled) no longer counts as instructed.
    const instructed = rows.filter((r) => r.status !== 'CANCELLED').reduce((s, r) => s + r.n, 0);
    return {
      instructed,
      byStatus: by,
      settled: by.SETTLED ?? 0,
      failing: by.FAILING ?? 0,
      cancelled: by.CANCELLED ?? 0,
      failsByReason: Object.fromEntries(fails.map((f) => [f.reason, f.n])),
      anomalies: Object.fromEntries(anomalies.map((a) => [a.reason, a.n])),
    };
  }
}
