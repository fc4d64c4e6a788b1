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
