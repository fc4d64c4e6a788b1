import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PROPOSAL_KINDS } from './proposal-kinds.js';

const KINDS = PROPOSAL_KINDS.map((k) => k.kind);

/** A change proposed for a second person's approval. Its params are checked by its kind (proposal-kinds.ts), every problem named. */
export class ProposeCommand {
  @ApiProperty({ enum: KINDS, example: 'REPLAY_EXCEPTION' })
  @IsIn(KINDS)
  kind!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The parameters of the kind (see each kind)', example: { exceptionId: '…' } })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;
}

/** Why a checker refuses a proposal. */
export class RejectCommand {
  @ApiProperty({ minLength: 1, maxLength: 2000, example: 'the counterparty confirmed another price' })
  @IsString()
  @Matches(/\S/, { message: 'comment must say why the proposal is rejected' })
  @MaxLength(2000)
  comment!: string;
}

/** A maker taking back their own proposal, optionally saying why. */
export class WithdrawCommand {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export const PROPOSAL_STATUSES = ['PENDING', 'EXECUTED', 'FAILED', 'REJECTED', 'WITHDRAWN'];

/** A proposal as stored: what was proposed, by whom, and what became of it. */
export class ProposalView {
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The parameters, and for a kind that shows it the change it makes (`change`)' })
  params!: Record<string, unknown>;
  @ApiProperty() summary!: string;
  @ApiProperty({ enum: PROPOSAL_STATUSES }) status!: string;
  @ApiProperty() maker!: string;
  @ApiProperty() makerName!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) checker!: string | null;
  @ApiProperty({ nullable: true, type: String }) checkerName!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why it was rejected or withdrawn' }) comment!: string | null;
  @ApiProperty({
    nullable: true,
    description: 'What the service answered when it was carried out: its answer, or { status, error }',
    type: 'object',
    additionalProperties: true,
  })
  result!: Record<string, unknown> | null;
}

/** A proposal just made, and who may act on it next. */
export class ProposalMade {
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ enum: ['PENDING'] }) status!: 'PENDING';
  @ApiProperty() summary!: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'The change it makes, for a kind that shows it (before → after)' })
  change?: Record<string, unknown>;
  @ApiProperty({ description: 'Who approves it, and how its maker may withdraw it' }) next!: string;
}

/** A proposal approved: carried out (EXECUTED) or refused by the service (FAILED, with its answer). */
export class ProposalDecided {
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty({ enum: KINDS }) kind!: string;
  @ApiProperty({ enum: ['EXECUTED', 'FAILED'] }) status!: 'EXECUTED' | 'FAILED';
  @ApiProperty() maker!: string;
  @ApiProperty() checker!: string;
  @ApiProperty({ nullable: true, description: 'The service’s answer, or { status, error } when it refused', type: 'object', additionalProperties: true })
  result!: Record<string, unknown> | null;
}

/** A proposal a checker refused. */
export class ProposalRejected {
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty({ enum: ['REJECTED'] }) status!: 'REJECTED';
  @ApiProperty() checker!: string;
}

/** A proposal its maker took back. */
export class ProposalWithdrawn {
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty({ enum: ['WITHDRAWN'] }) status!: 'WITHDRAWN';
  @ApiProperty() withdrawnBy!: string;
}
