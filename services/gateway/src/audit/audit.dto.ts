import { ApiProperty } from '@nestjs/swagger';

/** One row of the audit log: who did what to what, before and after, chained to the row before it. */
export class AuditEntry {
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ type: [String], example: ['supervisor'] }) roles!: string[];
  @ApiProperty({ example: 'APPROVE BOOK_TRADE' }) action!: string;
  @ApiProperty({ example: 'proposal:4f0c…' }) target!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'What it was before, as the action recorded it' })
  before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'What it became, or what the service answered' })
  after!: Record<string, unknown> | null;
  @ApiProperty({ nullable: true, type: String }) correlationId!: string | null;
  @ApiProperty({ description: 'HMAC-SHA-256 of the previous row’s hash, the key id and this row (SHA-256 for the rows before the switch)' }) hash!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The key it is MACed under; null for the rows before the switch' }) keyId!: string | null;
}

/** The newest anchor the log was held against. */
export class AuditAnchorSeen {
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** The verdict of a verification of the audit chain: ok, or the first problem found. */
export class AuditVerdict {
  @ApiProperty({ description: 'true when every row and the anchor verify' }) ok!: boolean;
  @ApiProperty({ enum: ['genesis', 'anchor'], required: false, description: 'ok: where the check started' }) from?: string;
  @ApiProperty({ type: 'integer', required: false, description: 'ok: the seq the check started after' }) fromSeq?: number;
  @ApiProperty({ type: 'integer', required: false, description: 'ok: rows checked' }) rows?: number;
  @ApiProperty({ type: 'integer', required: false, description: 'ok: the head of the log' }) headSeq?: number;
  @ApiProperty({ type: AuditAnchorSeen, nullable: true, required: false, description: 'ok: the newest anchor held against the log, null when none was found' })
  anchor?: AuditAnchorSeen | null;
  @ApiProperty({ type: 'integer', nullable: true, required: false, description: 'not ok: the first row altered or missing; null for the anchors themselves' })
  seq?: number | null;
  @ApiProperty({ required: false, description: 'not ok: what is wrong' }) problem?: string;
}
