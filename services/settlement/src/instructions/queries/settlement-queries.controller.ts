import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { findInstructionByTrade } from '../persistence/instruction.repository.js';

@Controller()
export class SettlementQueriesController {
  constructor(private readonly ds: DataSource) {}

  @Get('instructions/by-trade/:ref')
  async byTrade(@Param('ref') ref: string) {
    const row = await findInstructionByTrade(this.ds.manager, ref);
    if (!row) throw new NotFoundException(`no instruction for trade ${ref}: it may not be captured yet, or be held as an exception`);
    const history = await this.ds.query(
      `SELECT seq, status, reason, cause_event_id AS "causeEventId", at FROM settlement.instruction_history WHERE instruction_id = $1 ORDER BY seq`,
      [row.instructionId],
    );
    return { ...row, history };
  }

  /** Instructions by status, and fails by reason: the morning report's settlement lines. */
  @Get('summary')
  async summary() {
    const rows = (await this.ds.query(`SELECT status, count(*)::int AS n FROM settlement.instructions GROUP BY status`)) as Array<{
      status: string;
      n: number;
    }>;
    const fails = (await this.ds.query(
      `SELECT reason, count(*)::int AS n FROM settlement.instructions WHERE status = 'FAILING' GROUP BY reason ORDER BY reason`,
    )) as Array<{ reason: string; n: number }>;
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const instructed = rows.reduce((s, r) => s + r.n, 0);
    return {
      instructed,
      byStatus: by,
      settled: by.SETTLED ?? 0,
      failing: by.FAILING ?? 0,
      failsByReason: Object.fromEntries(fails.map((f) => [f.reason, f.n])),
    };
  }
}
