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

// Answers of the services, as the gateway passes them on: amounts are decimal strings at the
// currency's minor units, quantities and prices decimal strings as they are.

/** Penalties accrued on a fail in one currency, waived ones left out (null: none that way). */
export class PenaltiesAccrued {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ nullable: true, type: String, example: '1.22' }) receivable!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) payable!: string | null;
}

/** An instruction not settled by its intended date, as of the date asked. */
export class Fail {
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty({ example: 'FO-EQ:T-0042' }) tradeRef!: string;
  @ApiProperty({ description: 'A net instruction (its gross trades are not listed apart)' }) isNet!: boolean;
  @ApiProperty({ enum: ['FAILING', 'PARTIALLY_SETTLED', 'UNMATCHED', 'MATCHED', 'ACCEPTED', 'SENT'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The CSD’s reason code (sese.024)', example: 'LACK' }) reason!: string | null;
  @ApiProperty() isin!: string;
  @ApiProperty() account!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() settledQuantity!: string;
  @ApiProperty() remainingQuantity!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date' }) intendedSettlementDate!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'null until matched' }) matchedDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) buyInFlaggedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) buyInApprovedBy!: string | null;
  @ApiProperty({ type: [PenaltiesAccrued] }) penaltiesAccrued!: PenaltiesAccrued[];
  @ApiProperty({ description: 'Business days from the intended date through asOf, both counted' }) ageBusinessDays!: number;
}

export class FailsPage {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ type: [Fail] }) fails!: Fail[];
}

/** A CSDR penalty of one day on one instruction. */
export class Penalty {
  @ApiProperty({ format: 'uuid' }) penaltyId!: string;
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ enum: ['SEFP', 'LMFP'] }) kind!: string;
  @ApiProperty({ enum: ['RECEIVABLE', 'PAYABLE'] }) direction!: string;
  @ApiProperty({ nullable: true, type: String }) failReason!: string | null;
  @ApiProperty() isin!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty() account!: string;
  @ApiProperty() basisQuantity!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while the day’s reference price is missing' }) referencePrice!: string | null;
  @ApiProperty() rate!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null while the day’s reference price is missing' }) amount!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String }) waivedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) waiverApprovedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) waiverReason!: string | null;
}

export class PenaltiesOfDay {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ type: [Penalty] }) penalties!: Penalty[];
}

/** One line of a trade's journal entries, in the order they were posted. */
export class JournalLine {
  @ApiProperty({ format: 'uuid' }) entryId!: string;
  @ApiProperty({ example: 'SETTLEMENT' }) kind!: string;
  @ApiProperty({ format: 'date' }) accountingDate!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The event’s own date when it was booked on another day (a closed period)' })
  pieceDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) bookingNote!: string | null;
  @ApiProperty() lineNo!: number;
  @ApiProperty({ example: '512000' }) accountCode!: string;
  @ApiProperty() accountName!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ example: '8784.53' }) debit!: string;
  @ApiProperty({ example: '0.00' }) credit!: string;
}

/** A difference a reconciliation found, and where its work stands. */
export class ReconciliationBreak {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty({ format: 'uuid', description: 'The run that found it' }) runId!: string;
  @ApiProperty({ enum: ['HOLDINGS', 'CASH', 'PNL'] }) kind!: string;
  @ApiProperty({ description: 'What was reconciled: a safekeeping account, a cash account, a book' }) subject!: string;
  @ApiProperty({ description: 'The line: an ISIN, a currency…' }) item!: string;
  @ApiProperty({ description: 'The field that differs' }) field!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Our figure; null when we have no line' }) ours!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Their figure; null when their statement has no line' }) theirs!: string | null;
  @ApiProperty({ nullable: true, type: String }) difference!: string | null;
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) status!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The later run that found the difference gone' }) closedByRun!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) closedOn!: string | null;
  @ApiProperty({ description: 'Business days from the day first seen to the current business date' }) ageBusinessDays!: number;
}

/** The cost of a position: average cost (CMP) or FIFO lots, and the result realized so far. */
export class PositionCost {
  @ApiProperty() isin!: string;
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['CMP', 'FIFO'] }) costMethod!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() cost!: string;
  @ApiProperty({ nullable: true, type: 'array', items: { type: 'object', additionalProperties: true }, description: 'FIFO: the lots, oldest first' })
  lots!: Array<Record<string, unknown>> | null;
  @ApiProperty() realized!: string;
}

/** An account's position in one ISIN on a date, in the trade-date and the settlement-date views. */
export class Position {
  @ApiProperty() isin!: string;
  @ApiProperty() tradeDateQuantity!: string;
  @ApiProperty() settlementDateQuantity!: string;
  @ApiProperty({ type: PositionCost, nullable: true }) cost!: PositionCost | null;
}

/** Cash on a date per currency and nostro (the 512000 lines). */
export class CashBalance {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'The custodian (nostro); empty when the lines name none' }) custodian!: string;
  @ApiProperty() balance!: string;
}

/** A notice owed to a client or a counterparty, whatever its channels. */
export class Notice {
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty({ example: 'AVIS_OPERE' }) kind!: string;
  @ApiProperty() causeEventId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ nullable: true, type: Number }) tradeVersion!: number | null;
  @ApiProperty({ enum: ['CLIENT', 'COUNTERPARTY'] }) recipientType!: string;
  @ApiProperty() party!: string;
  @ApiProperty({ enum: ['WAITING', 'ROUTED', 'SKIPPED', 'NO_CONTACT'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The notice it corrects' }) refersTo!: string | null;
  @ApiProperty({ enum: ['fr', 'en'], nullable: true, type: String }) language!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) routedAt!: string | null;
}
