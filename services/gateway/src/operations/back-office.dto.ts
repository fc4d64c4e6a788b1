import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORT_KINDS } from '@postera/contracts';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

/** Work a reconciliation break by hand: under investigation, or back to open. Resolving it takes a proposal. */
export class WorkBreakCommand {
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED'], description: 'RESOLVED is refused here: it is a RESOLVE_BREAK proposal' })
  @IsIn(['OPEN', 'INVESTIGATING', 'RESOLVED'])
  status!: 'OPEN' | 'INVESTIGATING' | 'RESOLVED';

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

// The bodies below pass through the gateway to the service that owns them, which checks them where
// they land: these classes describe them in the OpenAPI document and are not validated twice.

/** A reference price for CSDR penalties (settlement). */
export class ReferencePriceBody {
  @ApiProperty({ example: 'FR0000120271' }) isin!: string;
  @ApiProperty({ format: 'date', example: '2026-11-30' }) priceDate!: string;
  @ApiProperty({ description: 'A decimal string', example: '58.50' }) price!: string;
  @ApiProperty({ enum: ['UNIT', 'PERCENT'] }) priceType!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
}

/** One rule of the simulated CSD's scenario (market-sim). */
export class ScenarioRuleBody {
  @ApiPropertyOptional() isin?: string;
  @ApiPropertyOptional() account?: string;
  @ApiPropertyOptional() counterparty?: string;
  @ApiPropertyOptional({ description: 'The share of matching instructions it applies to, 0 to 1', example: 1 }) share?: number;
  @ApiProperty({ enum: ['UNMATCHED', 'LATE_MATCH', 'FAIL', 'PARTIAL'] }) outcome!: string;
  @ApiPropertyOptional({ description: 'The CSD’s reason code', example: 'LACK' }) reason?: string;
  @ApiPropertyOptional({ description: 'Business days it lasts', example: 2 }) days?: number;
}

/** The simulated CSD's scenario (market-sim). */
export class ScenarioBody {
  @ApiProperty({ type: [ScenarioRuleBody] }) rules!: ScenarioRuleBody[];
  @ApiPropertyOptional({ description: 'The share of other instructions failing each day, 0 to 1', example: 0.02 }) failRate?: number;
}

/** A book's recognition from a date (accounting). */
export class BookRecognitionBody {
  @ApiProperty({ enum: ['SETTLEMENT_DATE', 'TRADE_DATE'] }) recognition!: string;
  @ApiProperty({ format: 'date', example: '2027-01-01' }) effectiveFrom!: string;
}

/** A report to file, or to compute without filing (reporting). */
export class ReportRunBody {
  @ApiProperty({ enum: REPORT_KINDS }) kind!: string;
  @ApiProperty({ description: 'A month YYYY-MM for the monthly declarations (TTF, BDF_BOP, BDF_HOLDINGS), else a day YYYY-MM-DD', example: '2026-11' })
  period!: string;
  @ApiPropertyOptional({ description: 'Compute and answer the files without filing them' }) testRun?: boolean;
}

/** Which webhook URL of an account gets a new signing secret; all of them without it (notification). */
export class RotateWebhookSecretBody {
  @ApiPropertyOptional({ format: 'uri' }) url?: string;
}
