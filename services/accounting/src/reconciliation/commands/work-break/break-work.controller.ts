import { BadRequestException, Body, Controller, NotFoundException, Param, Patch } from '@nestjs/common';
import { CurrentOperator, MAKERS, requireFourEyes, Roles, type Operator } from '@postera/platform';
import { DataSource } from 'typeorm';
import { breakTransition, type BreakStatus } from '../../domain/compare.js';
import { businessDate } from '../../persistence/business-day.js';
import { announceBreakResolved } from '../../persistence/runs.repository.js';

@Controller('reconciliations')
export class BreakWorkController {
  constructor(private readonly ds: DataSource) {}

  /**
   * Work a break: `{ status: INVESTIGATING | RESOLVED | OPEN, comment }`, by the operator of the
   * token. Resolving it needs two people (a proposal approved at the gateway): the history records
   * the maker in `by` and the supervisor who approved in `checkedBy`.
   */
  @Patch('breaks/:id')
  @Roles(...MAKERS)
  async work(@Param('id') id: string, @CurrentOperator() who: Operator, @Body() body: { status?: string; comment?: string }) {
    const to = body?.status as BreakStatus;
    if (!['OPEN', 'INVESTIGATING', 'RESOLVED'].includes(to)) throw new BadRequestException('status: OPEN, INVESTIGATING or RESOLVED');
    const fourEyes = to === 'RESOLVED' ? requireFourEyes(who) : null;
    const by = fourEyes ? fourEyes.maker.id : who.id;
    const checkedBy = fourEyes ? fourEyes.checker.id : null;
    return this.ds.transaction(async (tx) => {
      const [row] = (await tx.query(`SELECT status FROM accounting.recon_breaks WHERE break_id::text = $1 FOR UPDATE`, [id])) as Array<{ status: BreakStatus }>;
      if (!row) throw new NotFoundException(`no break ${id}`);
      const ok = breakTransition(row.status, to, by, body.comment);
      if (!ok.ok) throw new BadRequestException(ok.problem);
      await tx.query(`UPDATE accounting.recon_breaks SET status = $2 WHERE break_id::text = $1`, [id, to]);
      if (to === 'RESOLVED') await announceBreakResolved(tx, id, await businessDate(this.ds));
      await tx.query(
        `INSERT INTO accounting.break_actions (break_id, by_user, checked_by, from_status, to_status, comment) VALUES ($1::uuid, $2, $3, $4, $5, $6)`,
        [id, by, checkedBy, row.status, to, body.comment!.trim()],
      );
      return { breakId: id, from: row.status, status: to, by, ...(checkedBy ? { checkedBy } : {}) };
    });
  }
}
