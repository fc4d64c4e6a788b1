import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  ForbiddenException,
  Get,
  HttpCode,
  HttpException,
  NotFoundException,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { newId } from '@postera/kernel';
import {
  CHECKERS,
  CurrentOperator,
  fourEyesProblems,
  MAKERS,
  type Operator,
  pageRequest,
  type Person,
  READERS,
  type Role,
  Roles,
  UUID_CURSOR,
} from '@postera/platform';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ApiPage } from '../api-docs.js';
import { appendAudit } from '../audit/audit-log.js';
import { canonical } from '../audit/audit-chain.js';
import { DlqReader } from '../dlq/dlq-reader.js';
import { Upstream } from '../upstream/services.js';
import {
  ProposalDecided,
  ProposalMade,
  ProposalRejected,
  ProposalView,
  ProposalWithdrawn,
  PROPOSAL_STATUSES,
  ProposeCommand,
  RejectCommand,
  WithdrawCommand,
} from './proposal.dto.js';
import { PROPOSAL_KINDS, proposalKind } from './proposal-kinds.js';

interface ProposalRow {
  proposal_id: string;
  kind: string;
  params: Record<string, unknown>;
  status: string;
  maker: string;
  maker_name: string;
  maker_roles: Role[];
  summary: string;
}

const COLUMNS = `proposal_id AS "proposalId", kind, params, summary, status, maker, maker_name AS "makerName", created_at AS "createdAt",
  checker, checker_name AS "checkerName", decided_at AS "decidedAt", comment, result`;

/**
 * Maker-checker (DESIGN.md §9): booking, amending or cancelling a trade by hand, replaying or
 * rejecting an exception, importing the referential, closing a period… are proposals until a
 * different person with the checker's role approves them. The maker can never approve or reject,
 * only withdraw; the same proposal cannot be pending twice. Approving carries the proof of both
 * people to the service that applies the change, which checks it again (docs/trust.md). Every step
 * is written to the audit log in the proposal's own transaction.
 */
@ApiTags('maker-checker')
@ApiBearerAuth()
@Controller('api/proposals')
export class ProposalsController {
  constructor(
    private readonly ds: DataSource,
    private readonly up: Upstream,
    private readonly dlq: DlqReader,
  ) {}

  @Post()
  @Roles(...MAKERS)
  @HttpCode(201)
  @ApiOperation({ summary: `Propose a change: kind one of ${PROPOSAL_KINDS.map((k) => k.kind).join(', ')}; a supervisor other than you approves it` })
  @ApiCreatedResponse({ type: ProposalMade })
  async propose(@Body() body: ProposeCommand, @CurrentOperator() who: Operator) {
    const kind = proposalKind(body.kind)!; // the body's class admits the known kinds only
    if (!who.roles.some((r) => kind.makers.includes(r))) throw new ForbiddenException(`${kind.kind} is proposed by ${kind.makers.join(' or ')}`);
    let params = { ...body.params };
    const problems = kind.check(params);
    if (problems.length > 0) throw new BadRequestException({ message: 'proposal refused; fix every problem and submit again', problems });
    // A kind that shows its change reads it now, as the maker; the change is stored with the params, not hashed with them.
    let change: unknown;
    if (kind.prepare) ({ params, change } = await kind.prepare(params, { up: this.up, maker: { as: who } }));
    const id = newId();
    // A manual booking gets its reference now: approving it twice (a retry after a crash) books it once.
    if (kind.kind === 'BOOK_TRADE') {
      const trade = params.trade as Record<string, unknown>;
      params.trade = { sourceSystem: 'MANUAL', tradeId: `P-${id.slice(0, 8)}`, ...trade };
    }
    const paramsHash = createHash('sha256')
      .update(kind.kind)
      .update(canonical(kind.kind === 'BOOK_TRADE' ? { ...params, trade: { ...(params.trade as object), tradeId: undefined } } : params))
      .digest('hex');
    if (change !== undefined) params = { ...params, change };
    try {
      return await this.ds.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO gateway.proposals (proposal_id, kind, params, params_hash, summary, status, maker, maker_name, maker_roles)
           VALUES ($1, $2, $3, $4, $5, 'PENDING', $6, $7, $8)`,
          [id, kind.kind, JSON.stringify(params), paramsHash, kind.summary(params), who.id, who.name, who.roles],
        );
        await appendAudit(tx, who, { action: `PROPOSE ${kind.kind}`, target: `proposal:${id}`, after: { kind: kind.kind, params, status: 'PENDING' } });
        return {
          proposalId: id,
          kind: kind.kind,
          status: 'PENDING',
          summary: kind.summary(params),
          ...(change !== undefined ? { change } : {}),
          next: `a supervisor other than ${who.id} approves it: POST /api/proposals/${id}/approve; ${who.id} may withdraw it: POST /api/proposals/${id}/withdraw`,
        };
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23505') {
        const [pending] = (await this.ds.query(`SELECT proposal_id FROM gateway.proposals WHERE kind = $1 AND params_hash = $2 AND status = 'PENDING'`, [
          kind.kind,
          paramsHash,
        ])) as Array<{ proposal_id: string }>;
        throw new ConflictException(
          `the same ${kind.kind} proposal is already pending (${pending?.proposal_id ?? 'see GET /api/proposals'}): approve or reject it instead of submitting it again`,
        );
      }
      throw e;
    }
  }

  @Get()
  @Roles(...READERS, 'admin')
  @ApiOperation({
    summary:
      'Proposals by status (PENDING by default), of one kind or maker if asked, oldest first: limit (1–500, 100 by default), after = the last proposalId of the page before',
  })
  @ApiOkResponse({ type: [ProposalView] })
  @ApiQuery({ name: 'status', required: false, enum: PROPOSAL_STATUSES })
  @ApiQuery({ name: 'kind', required: false, enum: PROPOSAL_KINDS.map((k) => k.kind) })
  @ApiQuery({ name: 'maker', required: false, description: 'The proposals of one person (their id)' })
  @ApiPage('proposalId')
  list(
    @Query('status') status = 'PENDING',
    @Query('kind') kind?: string,
    @Query('maker') maker?: string,
    @Query('limit') limit?: string,
    @Query('after') after?: string,
  ) {
    const page = pageRequest({ limit, after }, { max: 500, dflt: 100, cursor: UUID_CURSOR, cursorName: 'proposalId' });
    return this.ds.query(
      `SELECT ${COLUMNS} FROM gateway.proposals
       WHERE status = $1 AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR maker = $3)
         AND ($5::uuid IS NULL OR (created_at, proposal_id) > (SELECT created_at, proposal_id FROM gateway.proposals WHERE proposal_id = $5::uuid))
       ORDER BY created_at, proposal_id LIMIT $4`,
      [status, kind ?? null, maker ?? null, page.limit, page.after],
    );
  }

  @Get(':id')
  @Roles(...READERS, 'admin')
  @ApiOperation({ summary: 'One proposal, with its decision and result' })
  @ApiOkResponse({ type: ProposalView })
  async one(@Param('id') id: string) {
    const [row] = (await this.ds.query(`SELECT ${COLUMNS} FROM gateway.proposals WHERE proposal_id::text = $1`, [id])) as unknown[];
    if (!row) throw new NotFoundException(`no proposal ${id}`);
    return row;
  }

  @Post(':id/approve')
  @Roles(...CHECKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve and carry out a proposal of someone else (the maker can never approve)' })
  @ApiOkResponse({ type: ProposalDecided })
  approve(@Param('id') id: string, @CurrentOperator() who: Operator) {
    return this.ds.transaction(async (tx) => {
      const p = await this.lockPending(tx, id);
      const kind = proposalKind(p.kind)!;
      if (p.maker === who.id) throw new ForbiddenException(`maker-checker: you proposed ${p.kind} ${id}; a different person must approve it`);
      if (!who.roles.some((r) => kind.checkers.includes(r))) throw new ForbiddenException(`${p.kind} is approved by ${kind.checkers.join(' or ')}`);
      const maker: Person = { id: p.maker, name: p.maker_name, roles: p.maker_roles };
      const checker: Person = { id: who.id, name: who.name, roles: who.roles };
      const problems = fourEyesProblems({ proposal: p.proposal_id, maker, checker }, kind.checkers);
      if (problems.length > 0) throw new ForbiddenException({ message: 'four eyes: refused', problems });
      let result: unknown;
      let status: 'EXECUTED' | 'FAILED' = 'EXECUTED';
      let failure: HttpException | null = null;
      try {
        result = await kind.execute(p.params, { approved: { as: checker, fourEyes: { proposal: p.proposal_id, maker } }, up: this.up, dlq: this.dlq, tx });
      } catch (e) {
        status = 'FAILED';
        failure = e instanceof HttpException ? e : new HttpException({ message: (e as Error).message }, 502);
        result = { status: failure.getStatus(), error: failure.getResponse() };
      }
      await tx.query(`UPDATE gateway.proposals SET status = $2, checker = $3, checker_name = $4, decided_at = now(), result = $5 WHERE proposal_id = $1`, [
        p.proposal_id,
        status,
        who.id,
        who.name,
        JSON.stringify(result ?? null),
      ]);
      await appendAudit(tx, who, {
        action: `APPROVE ${p.kind}`,
        target: `proposal:${id}`,
        before: { status: 'PENDING', maker: p.maker },
        after: { status, result },
      });
      return { proposalId: id, kind: p.kind, status, maker: p.maker, checker: who.id, result };
    });
  }

  @Post(':id/reject')
  @Roles(...CHECKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Reject a proposal, with a comment saying why' })
  @ApiOkResponse({ type: ProposalRejected })
  reject(@Param('id') id: string, @Body() body: RejectCommand, @CurrentOperator() who: Operator) {
    const comment = body.comment.trim();
    return this.ds.transaction(async (tx) => {
      const p = await this.lockPending(tx, id);
      if (p.maker === who.id)
        throw new ForbiddenException(`maker-checker: you proposed ${p.kind} ${id}; you may withdraw it (POST /api/proposals/${id}/withdraw), not reject it`);
      await tx.query(
        `UPDATE gateway.proposals SET status = 'REJECTED', checker = $2, checker_name = $3, decided_at = now(), comment = $4 WHERE proposal_id = $1`,
        [p.proposal_id, who.id, who.name, comment],
      );
      await appendAudit(tx, who, {
        action: `REJECT ${p.kind}`,
        target: `proposal:${id}`,
        before: { status: 'PENDING' },
        after: { status: 'REJECTED', comment },
      });
      return { proposalId: id, status: 'REJECTED', checker: who.id };
    });
  }

  @Post(':id/withdraw')
  @Roles(...MAKERS)
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw your own pending proposal (only its maker may; recorded as withdrawn by the maker)' })
  @ApiOkResponse({ type: ProposalWithdrawn })
  withdraw(@Param('id') id: string, @Body() body: WithdrawCommand, @CurrentOperator() who: Operator) {
    const comment = body.comment?.trim() || null;
    return this.ds.transaction(async (tx) => {
      const p = await this.lockPending(tx, id);
      if (p.maker !== who.id) throw new ForbiddenException(`only its maker (${p.maker}) may withdraw proposal ${id}; a supervisor rejects it instead`);
      await tx.query(`UPDATE gateway.proposals SET status = 'WITHDRAWN', decided_at = now(), comment = $2 WHERE proposal_id = $1`, [p.proposal_id, comment]);
      await appendAudit(tx, who, {
        action: `WITHDRAW ${p.kind}`,
        target: `proposal:${id}`,
        before: { status: 'PENDING' },
        after: { status: 'WITHDRAWN', by: who.id, comment },
      });
      return { proposalId: id, status: 'WITHDRAWN', withdrawnBy: who.id };
    });
  }

  private async lockPending(tx: import('typeorm').EntityManager, id: string): Promise<ProposalRow> {
    const [p] = (await tx.query(
      `SELECT proposal_id, kind, params, status, maker, maker_name, maker_roles, summary FROM gateway.proposals WHERE proposal_id::text = $1 FOR UPDATE`,
      [id],
    )) as ProposalRow[];
    if (!p) throw new NotFoundException(`no proposal ${id}`);
    if (p.status !== 'PENDING') throw new ConflictException(`proposal ${id} is already ${p.status}: nothing to decide`);
    return p;
  }
}
