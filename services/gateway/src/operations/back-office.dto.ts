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

/** The simulated CSD's scenario (market-sim). */
export class ScenarioBody {
  @ApiProperty({ type: () => [ScenarioRule] }) rules!: ScenarioRule[];
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

/** One row of the desk's management P&L (accounting): per book, day and currency. */
export class DeskPnlRowBody {
  @ApiProperty({ example: 'PROP-EQ' }) book!: string;
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ description: 'A decimal string, signed (a loss negative)', example: '1520.35' }) amount!: string;
}

/** The ECB's CSV sent as JSON (accounting): the same text as a text/csv body. */
export class EcbCsvBody {
  @ApiProperty({ description: 'The ECB’s own CSV (eurofxref.csv or eurofxref-hist.csv), its header row first' }) csv!: string;
}

// Answers of the services, as the gateway passes them on: amounts are decimal strings at the
// currency's minor units, quantities, prices and rates decimal strings as they are.

const AMOUNT = 'A decimal string at the currency’s minor units';
const DECIMAL = 'A decimal string';

// ------------------------------------------------------------------ settlement

/** Penalties accrued on a fail in one currency, waived ones left out (null: none that way). */
export class PenaltiesAccrued {
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ nullable: true, type: String, description: AMOUNT, example: '1.22' }) receivable!: string | null;
  @ApiProperty({ nullable: true, type: String, description: AMOUNT, example: null }) payable!: string | null;
}

/** An instruction not settled by its intended date, as of the date asked. */
export class SettlementFail {
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty({ example: 'FO-EQ:T-0042' }) tradeRef!: string;
  @ApiProperty({ description: 'A net instruction (its gross trades are not listed apart)' }) isNet!: boolean;
  @ApiProperty({ enum: ['FAILING', 'PARTIALLY_SETTLED', 'UNMATCHED', 'MATCHED', 'ACCEPTED', 'SENT'] }) status!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The CSD’s reason code (sese.024)', example: 'LACK' }) reason!: string | null;
  @ApiProperty() isin!: string;
  @ApiProperty() account!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty({ description: DECIMAL }) quantity!: string;
  @ApiProperty({ description: DECIMAL }) settledQuantity!: string;
  @ApiProperty({ description: DECIMAL }) remainingQuantity!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date' }) intendedSettlementDate!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'null until matched' }) matchedDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) buyInFlaggedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) buyInApprovedBy!: string | null;
  @ApiProperty({ type: [PenaltiesAccrued] }) penaltiesAccrued!: PenaltiesAccrued[];
  @ApiProperty({ type: 'integer', description: 'Business days from the intended date through asOf, both counted' }) ageBusinessDays!: number;
}

/** A page of fails as of a date. */
export class FailsPage {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ type: [SettlementFail] }) fails!: SettlementFail[];
}

/** A CSDR penalty of one day on one instruction. */
export class DailyPenalty {
  @ApiProperty({ format: 'uuid' }) penaltyId!: string;
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ enum: ['SEFP', 'LMFP'] }) kind!: string;
  @ApiProperty({ enum: ['RECEIVABLE', 'PAYABLE'] }) direction!: string;
  @ApiProperty({ nullable: true, type: String }) failReason!: string | null;
  @ApiProperty() isin!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty() account!: string;
  @ApiProperty({ description: DECIMAL }) basisQuantity!: string;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string; null while the day’s reference price is missing' }) referencePrice!:
    string | null;
  @ApiProperty({ description: 'A decimal string: the penalty rate of the day' }) rate!: string;
  @ApiProperty({ nullable: true, type: String, description: `${AMOUNT}; null while the day’s reference price is missing` }) amount!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String }) waivedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) waiverApprovedBy!: string | null;
  @ApiProperty({ nullable: true, type: String }) waiverReason!: string | null;
}

/** A page of the penalties of one business day. */
export class PenaltiesOfDay {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ type: [DailyPenalty] }) penalties!: DailyPenalty[];
}

/** The penalties of a month with one counterparty in one currency, waived ones left out. */
export class CounterpartyPenalties {
  @ApiProperty() counterparty!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
  @ApiProperty({ description: AMOUNT }) receivable!: string;
  @ApiProperty({ description: AMOUNT }) payable!: string;
  @ApiProperty({ description: `${AMOUNT}: receivable less payable` }) net!: string;
  @ApiProperty({ type: 'integer', description: 'Settlement fail penalties among them' }) sefp!: number;
  @ApiProperty({ type: 'integer', description: 'Late matching penalties among them' }) lmfp!: number;
}

/** The monthly CSDR penalty report. */
export class MonthlyPenalties {
  @ApiProperty({ example: '2026-11' }) month!: string;
  @ApiProperty({ type: [CounterpartyPenalties] }) byCounterparty!: CounterpartyPenalties[];
  @ApiProperty({ type: 'integer', description: 'Penalties of the month still waiting for their reference price' }) awaitingReferencePrice!: number;
}

/** What an import of reference prices did. */
export class ReferencePricesImported {
  @ApiProperty({ type: 'integer' }) imported!: number;
  @ApiProperty({ type: 'integer', description: 'Penalties that were waiting for these prices and accrued now' }) penaltiesAccrued!: number;
}

/** One rule of the simulated CSD's scenario (market-sim): which instructions it names, and what happens to them. */
export class ScenarioRule {
  @ApiPropertyOptional() isin?: string;
  @ApiPropertyOptional() account?: string;
  @ApiPropertyOptional() counterparty?: string;
  @ApiPropertyOptional({ description: 'The share of matching instructions it applies to, 0 to 1', example: 1 }) share?: number;
  @ApiProperty({ enum: ['UNMATCHED', 'LATE_MATCH', 'FAIL', 'PARTIAL'] }) outcome!: string;
  @ApiPropertyOptional({ description: 'The CSD’s reason code', example: 'LACK' }) reason?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'Business days it lasts', example: 2 }) days?: number;
}

/** Who set the scenario in force, and when. */
export class ScenarioSetBy {
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/** The simulated CSD's scenario in force. */
export class SimulatorScenario {
  @ApiProperty({ type: [ScenarioRule] }) rules!: ScenarioRule[];
  @ApiProperty({ description: 'The share of other instructions failing each day, 0 to 1' }) failRate!: number;
  @ApiProperty({ type: ScenarioSetBy, nullable: true, description: 'null: the scenario the simulator started with' }) setBy!: ScenarioSetBy | null;
}

// ------------------------------------------------------------------ accounting

/** One line of a trade's journal entries, in the order they were posted. */
export class JournalLine {
  @ApiProperty({ format: 'uuid' }) entryId!: string;
  @ApiProperty({ example: 'SETTLEMENT' }) kind!: string;
  @ApiProperty({ format: 'date' }) accountingDate!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The event’s own date when it was booked on another day (a closed period)' })
  pieceDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) bookingNote!: string | null;
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty({ example: '512000' }) accountCode!: string;
  @ApiProperty() accountName!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: AMOUNT, example: '8784.53' }) debit!: string;
  @ApiProperty({ description: AMOUNT, example: '0.00' }) credit!: string;
}

/** A difference a reconciliation found, and where its work stands. */
export class ReconciliationBreak {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty({ format: 'uuid', description: 'The run that found it' }) runId!: string;
  @ApiProperty({ enum: ['HOLDINGS', 'CASH', 'PNL'] }) kind!: string;
  @ApiProperty({ description: 'What was reconciled: a safekeeping account, a cash account, a book' }) subject!: string;
  @ApiProperty({ description: 'The line: an ISIN, a currency…' }) item!: string;
  @ApiProperty({ description: 'The field that differs' }) field!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Our figure, a decimal string; null when we have no line' }) ours!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Their figure, a decimal string; null when their statement has no line' }) theirs!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string: ours less theirs' }) difference!: string | null;
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) status!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The later run that found the difference gone' }) closedByRun!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) closedOn!: string | null;
  @ApiProperty({ type: 'integer', description: 'Business days from the day first seen to the current business date' }) ageBusinessDays!: number;
}

/** One action on a break: who moved it from which status to which, and why. */
export class BreakAction {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty() by!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The supervisor who approved a resolution' }) checkedBy!: string | null;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) from!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) to!: string;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
}

/** One break with the actions taken on it. */
export class ReconciliationBreakDetail {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty({ enum: ['HOLDINGS', 'CASH', 'PNL'] }) kind!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() item!: string;
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) ours!: string | null;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) theirs!: string | null;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) difference!: string | null;
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) status!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) closedByRun!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) closedOn!: string | null;
  @ApiProperty({ type: 'integer' }) ageBusinessDays!: number;
  @ApiProperty({ type: [BreakAction] }) history!: BreakAction[];
}

/** Open breaks by age in business days since first seen. */
export class BreakAgeing {
  @ApiProperty({ name: '0', type: 'integer' }) sameDay!: number;
  @ApiProperty({ name: '1-2', type: 'integer' }) oneToTwo!: number;
  @ApiProperty({ name: '3-5', type: 'integer' }) threeToFive!: number;
  @ApiProperty({ name: '6-20', type: 'integer' }) sixToTwenty!: number;
  @ApiProperty({ name: '>20', type: 'integer' }) overTwenty!: number;
}

/** Breaks closed on the business day. */
export class BreaksClosedToday {
  @ApiProperty({ type: 'integer', description: 'By a run that no longer found them' }) byRuns!: number;
  @ApiProperty({ type: 'integer', description: 'Resolved by two people' }) resolved!: number;
}

/** The reconciliation screen's figures on the current business day. */
export class BreaksSummary {
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ type: 'integer', description: 'Open breaks, those under investigation included' }) open!: number;
  @ApiProperty({ type: 'integer' }) investigating!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'integer' }, description: 'Open breaks per kind (HOLDINGS, CASH, PNL)' })
  byKind!: Record<string, number>;
  @ApiProperty({ type: BreakAgeing }) ageing!: BreakAgeing;
  @ApiProperty({ type: 'integer' }) oldestBusinessDays!: number;
  @ApiProperty({ type: BreaksClosedToday }) closedToday!: BreaksClosedToday;
}

/** A break worked by hand: the status it left and the one it is in. */
export class BreakWorked {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED', 'CLOSED'] }) from!: string;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING', 'RESOLVED'] }) status!: string;
  @ApiProperty() by!: string;
  @ApiPropertyOptional({ description: 'The supervisor who approved a resolution' }) checkedBy?: string;
}

/** A row of an upload that could not be read, by its number (0: the file itself). */
export class RowProblem {
  @ApiProperty({ type: 'integer' }) row!: number;
  @ApiProperty() problem!: string;
}

/** A run of a reconciliation, as listed. */
export class ReconciliationRun {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['HOLDINGS', 'CASH', 'PNL'] }) kind!: string;
  @ApiProperty({ description: 'What was reconciled: a safekeeping account, a cash account, a book' }) subject!: string;
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ type: 'integer' }) rowsChecked!: number;
  @ApiProperty({ type: 'integer' }) matched!: number;
  @ApiProperty({ type: 'integer', description: 'How many breaks it found' }) breaks!: number;
  @ApiProperty({ type: [RowProblem] }) errors!: RowProblem[];
}

/** A break as a run reports it. */
export class ReportedBreak {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty() item!: string;
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) ours!: string | null;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) theirs!: string | null;
  @ApiProperty({ nullable: true, type: String, description: DECIMAL }) difference!: string | null;
  @ApiProperty({ enum: ['OPEN', 'INVESTIGATING'] }) status!: string;
}

/** A break of an earlier run that this run no longer finds, closed by it. */
export class ClosedBreak {
  @ApiProperty({ format: 'uuid' }) breakId!: string;
  @ApiProperty() item!: string;
  @ApiProperty() field!: string;
  @ApiProperty({ format: 'date' }) firstSeen!: string;
}

/** The report of one reconciliation run: what it checked, the breaks it found and those it closed. */
/** A statement as the reader read it: whose it is, of when, its balances as written, and how much of it was compared. */
export class StatementRead {
  @ApiProperty({ enum: ['HOLDINGS', 'CASH'] }) kind!: string;
  @ApiProperty({ description: 'The statement’s own identification (camt.053 Stmt/Id, semt.002 StmtGnlDtls/StmtId)' }) statementId!: string;
  @ApiPropertyOptional({ description: 'CASH: the bank’s account (IBAN or other identification)' }) cashAccount?: string;
  @ApiPropertyOptional({ description: 'HOLDINGS: the safekeeping account' }) safekeepingAccount?: string;
  @ApiPropertyOptional({ example: 'EUR' }) currency?: string;
  @ApiProperty({ format: 'date' }) statementDate!: string;
  @ApiPropertyOptional({ description: 'HOLDINGS: the statement’s basis (CONT, SETT or TRAD)' }) basis?: string;
  @ApiPropertyOptional({ description: 'CASH: the opening booked balance as written, a signed decimal string' }) openingBalance?: string;
  @ApiPropertyOptional({ description: 'CASH: the closing booked balance as written, a signed decimal string' }) closingBalance?: string;
  @ApiPropertyOptional({ type: 'integer', description: 'CASH: the entries read' }) entries?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'CASH: the booked entries of the statement date, the ones compared' }) bookedOnStatementDate?: number;
  @ApiPropertyOptional({ type: 'integer', description: 'HOLDINGS: the holdings read' }) holdings?: number;
}

export class ReconciliationReport {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['HOLDINGS', 'CASH', 'PNL'] }) kind!: string;
  @ApiProperty() subject!: string;
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiPropertyOptional({ description: 'What our side was read from (a view of the books, the P&L’s tolerance…)' }) basis?: string;
  @ApiProperty({ type: 'integer' }) rowsChecked!: number;
  @ApiProperty({ type: 'integer' }) matched!: number;
  @ApiProperty({ type: [ReportedBreak] }) breaks!: ReportedBreak[];
  @ApiProperty({ type: [ClosedBreak] }) closed!: ClosedBreak[];
  @ApiProperty({ type: [RowProblem] }) errors!: RowProblem[];
  @ApiPropertyOptional({ type: StatementRead, description: 'What the reader made of an uploaded statement; absent when it could not be read' })
  statement?: StatementRead;
}

/** A camt.053 file of several statements: one run each. */
export class ReconciliationReports {
  @ApiProperty({ type: [ReconciliationReport] }) runs!: ReconciliationReport[];
}

/** What an upload of the desk's P&L stored, and the rows it skipped. */
export class DeskPnlStored {
  @ApiProperty({ type: 'integer' }) stored!: number;
  @ApiProperty({ type: [RowProblem] }) problems!: RowProblem[];
}

/** A line of the ECB's file that could not be read. */
export class EcbLineProblem {
  @ApiProperty({ type: 'integer' }) line!: number;
  @ApiProperty() problem!: string;
}

/** What an import of ECB rates stored, and the lines it skipped. */
export class EcbRatesImported {
  @ApiProperty({ type: 'integer', description: 'Rates stored (new or changed)' }) stored!: number;
  @ApiProperty({ type: [EcbLineProblem] }) problems!: EcbLineProblem[];
}

/** An account of the chart. */
export class LedgerAccount {
  @ApiProperty({ example: '512000' }) code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['BALANCE', 'PNL', 'OFF_BALANCE'] }) kind!: string;
}

/** One line of a posting rule: for an event, a recognition and a variant, which account is debited or credited with what. */
export class PostingRule {
  @ApiProperty({ type: 'integer', description: 'The rule set’s version' }) version!: number;
  @ApiProperty({ format: 'date', description: 'The day the rule set applies from' }) effectiveFrom!: string;
  @ApiProperty({ example: 'SETTLEMENT' }) event!: string;
  @ApiProperty({ enum: ['SETTLEMENT_DATE', 'TRADE_DATE', 'ANY'] }) recognition!: string;
  @ApiProperty() variant!: string;
  @ApiProperty({ type: 'integer' }) lineNo!: number;
  @ApiProperty({ example: '512000' }) account!: string;
  @ApiProperty({ enum: ['D', 'C'] }) direction!: string;
  @ApiProperty({ description: 'Which amount of the event the line carries', example: 'net' }) amount!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The auxiliary account the line names (a client, a custodian…)' }) aux!: string | null;
}

/** A book's recognition from a date. */
export class BookRecognition {
  @ApiProperty() book!: string;
  @ApiProperty({ enum: ['SETTLEMENT_DATE', 'TRADE_DATE'] }) recognition!: string;
  @ApiProperty({ format: 'date' }) effectiveFrom!: string;
}

/** A closed accounting period: its days, the two people, and the checksums of its exports at the closing. */
export class PeriodClosing {
  @ApiProperty({ example: '2026-11', description: 'YYYY-MM for a month, FYYYYY for a fiscal year' }) period!: string;
  @ApiProperty({ enum: ['MONTH', 'FISCAL_YEAR'] }) kind!: string;
  @ApiProperty({ format: 'date' }) firstDay!: string;
  @ApiProperty({ format: 'date' }) lastDay!: string;
  @ApiProperty({ format: 'date-time' }) closedAt!: string;
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty() maker!: string;
  @ApiProperty() checker!: string;
  @ApiProperty() trialBalanceSha256!: string;
  @ApiProperty({ enum: [1, 2], description: 'The form of the trial balance the checksum is of' }) trialBalanceFormat!: number;
  @ApiProperty({ nullable: true, type: String, description: 'The FEC’s checksum, for a fiscal year' }) fecSha256!: string | null;
}

/** An event accounting held for a trade instead of posting it, whole, and why. */
export class HeldEvent {
  @ApiProperty() eventId!: string;
  @ApiProperty({ example: 'SettlementStepped' }) eventType!: string;
  @ApiProperty({ example: 'CANCEL_AFTER_SETTLEMENT' }) reason!: string;
  @ApiProperty({ format: 'date-time' }) heldAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The event as it arrived (its envelope and payload)' }) event!: Record<
    string,
    unknown
  >;
}

/** A FIFO lot of a position: what is left of one acquisition and its cost. */
export class PositionLot {
  @ApiProperty({ description: DECIMAL }) quantity!: string;
  @ApiProperty({ description: AMOUNT }) cost!: string;
  @ApiProperty({ description: 'Its order of acquisition (recognition date | trade date | trade reference)' }) key!: string;
}

/** The cost of a position: average cost (CMP) or FIFO lots, and the result realized so far. */
export class PositionCost {
  @ApiProperty() isin!: string;
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: ['CMP', 'FIFO'] }) costMethod!: string;
  @ApiProperty({ description: DECIMAL }) quantity!: string;
  @ApiProperty({ description: AMOUNT }) cost!: string;
  @ApiProperty({ nullable: true, type: [PositionLot], description: 'The lots, oldest first' }) lots!: PositionLot[] | null;
  @ApiProperty({ description: AMOUNT }) realized!: string;
}

/** An account's position in one ISIN on a date, in the trade-date and the settlement-date views. */
export class Position {
  @ApiProperty() isin!: string;
  @ApiProperty({ description: DECIMAL }) tradeDateQuantity!: string;
  @ApiProperty({ description: DECIMAL }) settlementDateQuantity!: string;
  @ApiProperty({ type: PositionCost, nullable: true }) cost!: PositionCost | null;
}

/** Cash on a date per currency and nostro (the 512000 lines). */
export class CashBalance {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'The custodian (nostro); empty when the lines name none' }) custodian!: string;
  @ApiProperty({ description: AMOUNT }) balance!: string;
}

/** The FX result of one book's position in one currency at a close, or a correction dated that close. */
export class FxResult {
  @ApiProperty({ format: 'date' }) closeDate!: string;
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: `${AMOUNT} (its own currency)` }) position!: string;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string: units per EUR it was carried at (null for a correction of late lines)' })
  rateBefore!: string | null;
  @ApiProperty({ description: 'A decimal string: units per EUR it is revalued at' }) rate!: string;
  @ApiProperty({ description: 'A decimal string in EUR, to the cent; a gain positive' }) resultEur!: string;
  @ApiProperty({ enum: ['CLOSE', 'LATE_LINES', 'LATE_RATE'] }) kind!: string;
}

/** The FX result of a book in a currency over the range. */
export class FxResultTotal {
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'A decimal string in EUR, to the cent' }) resultEur!: string;
}

/** FX results over a range of closes. */
export class FxResults {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: [FxResult] }) results!: FxResult[];
  @ApiProperty({ type: [FxResultTotal] }) totals!: FxResultTotal[];
}

/** One book's position in one currency in the FX report, valued at its currency's last close with a rate. */
export class FxReportLine {
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: `${AMOUNT} (its own currency), at rateDate` }) position!: string;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, units per EUR; null when no close of the currency had a rate' }) rate!:
    string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) rateDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) rateSource!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string: the average rate the position is carried at' }) carryingRate!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string in EUR, to the cent' }) carryingEur!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string in EUR, to the cent' }) unrealisedEur!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string in EUR, to the cent' }) realisedEur!: string | null;
  @ApiProperty({ description: 'A decimal string in EUR: what the journal holds on 766000 less 666000 for the position' }) totalEur!: string;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string in EUR: the result recomputed from the journal and the closes’ rates' })
  recomputedEur!: string | null;
  @ApiProperty({ description: `${AMOUNT}: the movement after rateDate, not revalued yet` }) notRevaluedMovement!: string;
}

/** The FX report's totals in EUR. */
export class FxReportTotals {
  @ApiProperty({ description: 'A decimal string in EUR' }) unrealisedEur!: string;
  @ApiProperty({ description: 'A decimal string in EUR' }) realisedEur!: string;
  @ApiProperty({ description: 'A decimal string in EUR' }) totalEur!: string;
}

/** A rate the FX report uses. */
export class FxRateUsed {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'A decimal string: units of the currency per EUR' }) unitsPerEur!: string;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
}

/** An ECB rate missing on a day, and what it blocks. */
export class MissingFxRate {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: [String], description: 'The books whose position was not revalued at that close' }) booksNotRevalued!: string[];
  @ApiProperty({ type: [String], description: 'Each thing it blocks, in words' }) blocks!: string[];
}

/** The FX-result report as of a date. */
export class FxReport {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ format: 'date', description: 'The first day missing rates are looked for (the fiscal year’s first)' }) from!: string;
  @ApiProperty({ type: [FxReportLine] }) rows!: FxReportLine[];
  @ApiProperty({ type: FxReportTotals }) totals!: FxReportTotals;
  @ApiProperty({ type: [FxRateUsed] }) rates!: FxRateUsed[];
  @ApiProperty({ type: [MissingFxRate] }) missingRates!: MissingFxRate[];
}

/** One line of the trial balance: an account in a book and a currency over the range. */
export class TrialBalanceLine {
  @ApiProperty({ example: '512000' }) account!: string;
  @ApiProperty() name!: string;
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: `${AMOUNT}: the balance before the range, debit positive` }) opening!: string;
  @ApiProperty({ description: AMOUNT }) debit!: string;
  @ApiProperty({ description: AMOUNT }) credit!: string;
  @ApiProperty({ description: `${AMOUNT}: the balance at the end of the range` }) closing!: string;
}

/** One line of the general ledger. */
export class GeneralLedgerLine {
  @ApiProperty({ example: '512000' }) account!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ format: 'date', description: 'The accounting date' }) date!: string;
  @ApiProperty({ description: 'The entry’s number, in posting order (a string of digits)' }) entryNum!: string;
  @ApiProperty({ example: 'SETTLEMENT' }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) tradeRef!: string | null;
  @ApiProperty({ nullable: true, type: String }) causeEventId!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) pieceDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) bookingNote!: string | null;
  @ApiProperty() book!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The auxiliary account (a client, a custodian…)' }) aux!: string | null;
  @ApiProperty({ description: AMOUNT }) debit!: string;
  @ApiProperty({ description: AMOUNT }) credit!: string;
}

// ------------------------------------------------------------------ reporting

/** A file of a report run, described (its bytes are downloaded apart). */
export class ReportFile {
  @ApiProperty({ example: 'ttf-2026-11.xml' }) name!: string;
  @ApiProperty({ example: 'application/xml' }) mediaType!: string;
  @ApiProperty() sha256!: string;
  @ApiProperty({ type: 'integer' }) bytes!: number;
}

/** A filed report run, as listed. */
export class ReportRun {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: REPORT_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) periodStart!: string;
  @ApiProperty({ format: 'date' }) periodEnd!: string;
  @ApiProperty({ type: 'integer', description: '1, then each correction of the period' }) version!: number;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The run it corrects' }) replaces!: string | null;
  @ApiProperty({ format: 'date' }) inputsFrom!: string;
  @ApiProperty({ format: 'date' }) inputsTo!: string;
  @ApiProperty() checksumSha256!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The report’s figures, as its kind sums them up' }) summary!: Record<string, unknown>;
  @ApiProperty() filedBy!: string;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'A correction: what it changes against the run it replaces' })
  changes!: Record<string, unknown> | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The run that corrects it' }) replacedBy!: string | null;
}

/** A filed report run with its files. */
export class ReportRunDetail extends ReportRun {
  @ApiProperty({ type: [ReportFile] }) files!: ReportFile[];
}

/** What filing a report did: the runs filed (none when nothing was due). */
export class ReportsFiled {
  @ApiProperty({ type: [ReportRunDetail] }) runs!: ReportRunDetail[];
  @ApiPropertyOptional({ description: 'Why nothing was filed' }) note?: string;
}

/** A file of a test run, with its bytes. */
export class TestReportFile extends ReportFile {
  @ApiProperty({ format: 'byte' }) contentBase64!: string;
}

/** A run as it would be filed (nothing is kept). */
export class TestReportRun {
  @ApiProperty({ nullable: true, type: String, description: 'null: not filed' }) runId!: null;
  @ApiProperty({ enum: REPORT_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) periodStart!: string;
  @ApiProperty({ format: 'date' }) periodEnd!: string;
  @ApiProperty({ nullable: true, type: Number }) version!: null;
  @ApiProperty({ nullable: true, type: String }) replaces!: null;
  @ApiProperty({ format: 'date' }) inputsFrom!: string;
  @ApiProperty({ format: 'date' }) inputsTo!: string;
  @ApiProperty() checksumSha256!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: Record<string, unknown>;
  @ApiProperty() filedBy!: string;
  @ApiProperty({ format: 'date-time' }) filedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) changes!: Record<string, unknown> | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) replacedBy!: string | null;
  @ApiProperty({ type: [TestReportFile] }) files!: TestReportFile[];
}

/** A test run: the runs computed, nothing filed. */
export class TestReportRuns {
  @ApiProperty({ enum: [true] }) testRun!: true;
  @ApiProperty({ enum: [false] }) filed!: false;
  @ApiProperty({ type: [TestReportRun] }) runs!: TestReportRun[];
}

/** A problem of a MiFIR report that keeps it from being filed. */
export class MifirProblem {
  @ApiProperty() field!: string;
  @ApiProperty({ nullable: true, type: String }) value!: string | null;
  @ApiProperty() rule!: string;
}

/** A MiFIR transaction report (auth.016) and where it stands. */
export class MifirReport {
  @ApiProperty({ description: 'A string of digits' }) reportId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ type: 'integer' }) tradeVersion!: number;
  @ApiProperty({ enum: ['NEW', 'CANC'] }) kind!: string;
  @ApiProperty() transactionReference!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ enum: ['PENDING', 'FILED', 'INVALID', 'NOT_NEEDED'] }) status!: string;
  @ApiProperty({ nullable: true, type: [MifirProblem] }) problems!: MifirProblem[] | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) filedRunId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The end-of-day report reporting kept for a business date. */
export class EodReport {
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The end-of-day figures as reporting summed them up at the close' })
  summary!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) producedAt!: string;
}

/** An amount in one currency. */
export class CurrencyAmount {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'A decimal string, to the cent' }) amount!: string;
}

/** Penalties in one currency and how many. */
export class CurrencyAmountCount extends CurrencyAmount {
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** A count per kind. */
export class KindCount {
  @ApiProperty() kind!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** Exceptions of one kind for one broken rule. */
export class ExceptionReasonCount extends KindCount {
  @ApiProperty() field!: string;
  @ApiProperty() rule!: string;
}

/** Settled on time against due, by value, in one currency. */
export class EfficiencyByValue {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: DECIMAL }) due!: string;
  @ApiProperty({ description: DECIMAL }) settledOnTime!: string;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, 4 places; null when nothing was due' }) rate!: string | null;
}

/** Settlement efficiency: instructions settled on their intended date against those due. */
export class SettlementEfficiency {
  @ApiProperty({ type: 'integer' }) due!: number;
  @ApiProperty({ type: 'integer' }) settledOnTime!: number;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, 4 places; null when nothing was due' }) rate!: string | null;
  @ApiProperty({ type: [EfficiencyByValue] }) byValue!: EfficiencyByValue[];
}

/** Penalties payable and receivable per currency. */
export class PenaltyFigures {
  @ApiProperty({ type: [CurrencyAmountCount] }) payable!: CurrencyAmountCount[];
  @ApiProperty({ type: [CurrencyAmountCount] }) receivable!: CurrencyAmountCount[];
}

/** Executions received, by what became of them. */
export class ExecutionFigures {
  @ApiProperty({ type: 'integer' }) received!: number;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) amended!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ type: 'integer' }) stale!: number;
  @ApiProperty({ type: 'integer' }) exceptions!: number;
  @ApiProperty({ type: 'integer' }) duplicates!: number;
}

/** Exceptions raised, by kind and by broken rule. */
export class ExceptionFigures {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [KindCount] }) byKind!: KindCount[];
  @ApiProperty({ type: [ExceptionReasonCount] }) byReason!: ExceptionReasonCount[];
}

/** Dead letters of one topic. */
export class TopicCount {
  @ApiProperty() topic!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** Dead letters, by topic. */
export class DeadLetterFigures {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [TopicCount] }) byTopic!: TopicCount[];
}

/** Reconciliation breaks opened and closed in a period, open at its end. */
export class BreakFigures {
  @ApiProperty({ type: 'integer' }) opened!: number;
  @ApiProperty({ type: 'integer' }) closed!: number;
  @ApiProperty({ type: 'integer' }) open!: number;
}

/** The activity report's figures over a period (a day, the day before, the month to date). */
export class PeriodFigures {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ type: 'integer' }) amended!: number;
  @ApiProperty({ type: 'integer' }) confirmed!: number;
  @ApiProperty({ type: 'integer' }) validated!: number;
  @ApiProperty({ type: 'integer', description: 'Validated without a hand on them' }) straightThrough!: number;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, 4 places' }) stpRate!: string | null;
  @ApiProperty({ type: 'integer' }) instructed!: number;
  @ApiProperty({ type: 'integer' }) matched!: number;
  @ApiProperty({ type: 'integer' }) settled!: number;
  @ApiProperty({ type: 'integer' }) partiallySettled!: number;
  @ApiProperty({ type: [CurrencyAmount] }) settledValue!: CurrencyAmount[];
  @ApiProperty({ type: SettlementEfficiency }) settlementEfficiency!: SettlementEfficiency;
  @ApiProperty({ type: PenaltyFigures }) penalties!: PenaltyFigures;
  @ApiProperty({ type: 'integer', description: 'Avis d’opéré first sent in the period' }) avisSent!: number;
  @ApiProperty({ type: 'integer', description: 'Of those, the ones sent after their deadline' }) avisLate!: number;
  @ApiProperty({ type: [CurrencyAmount], description: 'The FX revaluations’ result, signed (a gain positive)' }) fxResult!: CurrencyAmount[];
  @ApiProperty({ type: 'integer', description: 'Failing at the end of the period' }) failing!: number;
  @ApiProperty({ type: ExecutionFigures }) executions!: ExecutionFigures;
  @ApiProperty({ type: ExceptionFigures }) exceptions!: ExceptionFigures;
  @ApiProperty({ type: DeadLetterFigures }) deadLetters!: DeadLetterFigures;
  @ApiProperty({ type: BreakFigures }) breaks!: BreakFigures;
}

/** A count per reason. */
export class ReasonCount {
  @ApiProperty() reason!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** A count per age bucket, in business days. */
export class AgeBucketCount {
  @ApiProperty({ enum: ['0', '1', '2-5', '6-10', '>10'] }) bucket!: string;
  @ApiProperty({ type: 'integer' }) count!: number;
}

/** The fails at the close of the day. */
export class FailFigures {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [CurrencyAmount] }) value!: CurrencyAmount[];
  @ApiProperty({ type: [ReasonCount] }) byReason!: ReasonCount[];
  @ApiProperty({ type: [AgeBucketCount] }) byAge!: AgeBucketCount[];
}

/** Trades and their gross amount in one day and the month to date. */
export class VolumeFigure {
  @ApiProperty({ type: 'integer' }) trades!: number;
  @ApiProperty({ description: 'A decimal string, to the cent' }) grossAmount!: string;
}

/** Volumes of an instrument, a venue, an account or a counterparty in one currency. */
export class VolumeLine {
  @ApiProperty({ description: 'The ISIN, venue, account or LEI' }) key!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty() currency!: string;
  @ApiProperty({ type: VolumeFigure }) day!: VolumeFigure;
  @ApiProperty({ type: VolumeFigure }) month!: VolumeFigure;
}

/** The day's volumes, four ways. */
export class Volumes {
  @ApiProperty({ type: [VolumeLine] }) byInstrument!: VolumeLine[];
  @ApiProperty({ type: [VolumeLine] }) byVenue!: VolumeLine[];
  @ApiProperty({ type: [VolumeLine] }) byAccount!: VolumeLine[];
  @ApiProperty({ type: [VolumeLine] }) byCounterparty!: VolumeLine[];
}

/** The reconciliation breaks open at the close of the day. */
export class OpenBreakFigures {
  @ApiProperty({ format: 'date' }) asOf!: string;
  @ApiProperty({ type: 'integer' }) open!: number;
  @ApiProperty({ type: [KindCount] }) byKind!: KindCount[];
  @ApiProperty({ type: [AgeBucketCount] }) byAge!: AgeBucketCount[];
}

/** One business day of the trend. */
export class TrendPoint {
  @ApiProperty({ format: 'date' }) date!: string;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) validated!: number;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, 4 places' }) stpRate!: string | null;
  @ApiProperty({ type: 'integer' }) settled!: number;
  @ApiProperty({ type: 'integer' }) failing!: number;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, 4 places' }) settlementEfficiency!: string | null;
}

/** The activity report of a business day: the day against the day before and the month, fails, volumes, breaks, the trend. */
export class ActivityReport {
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty({ format: 'date' }) previousBusinessDate!: string;
  @ApiProperty({ format: 'date' }) monthStart!: string;
  @ApiProperty({ type: PeriodFigures }) day!: PeriodFigures;
  @ApiProperty({ type: PeriodFigures }) previousDay!: PeriodFigures;
  @ApiProperty({ type: PeriodFigures }) month!: PeriodFigures;
  @ApiProperty({ type: FailFigures }) fails!: FailFigures;
  @ApiProperty({ type: Volumes }) volumes!: Volumes;
  @ApiProperty({ type: OpenBreakFigures }) breaks!: OpenBreakFigures;
  @ApiProperty({ type: [TrendPoint], description: 'The last 20 business days, the day last' }) trend!: TrendPoint[];
}

// ------------------------------------------------------------------ notification

/** A notice owed to a client or a counterparty, whatever its channels. */
export class Notice {
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty({ example: 'AVIS_OPERE' }) kind!: string;
  @ApiProperty() causeEventId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ nullable: true, type: 'integer' }) tradeVersion!: number | null;
  @ApiProperty({ enum: ['CLIENT', 'COUNTERPARTY'] }) recipientType!: string;
  @ApiProperty({ description: 'The account or the counterparty’s LEI' }) party!: string;
  @ApiProperty({ enum: ['WAITING', 'ROUTED', 'SKIPPED', 'NO_CONTACT'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) statusReason!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The notice it corrects' }) refersTo!: string | null;
  @ApiProperty({ enum: ['fr', 'en'], nullable: true, type: String }) language!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) routedAt!: string | null;
}

/** One delivery of a notice on one channel to one recipient. */
export class Delivery {
  @ApiProperty({ format: 'uuid' }) notificationId!: string;
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty({ example: 'AVIS_OPERE' }) kind!: string;
  @ApiProperty() causeEventId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty() account!: string;
  @ApiProperty({ enum: ['EMAIL', 'WEBHOOK'] }) channel!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The mailbox or the webhook’s URL' }) recipient!: string | null;
  @ApiProperty({ enum: ['fr', 'en'], nullable: true, type: String }) language!: string | null;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ enum: ['PENDING', 'HELD', 'SENT', 'FAILED', 'SKIPPED'] }) status!: string;
  @ApiProperty({ type: 'integer' }) attempts!: number;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) nextAttemptAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resentBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) resentAt!: string | null;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The daily mail that carries it, for a client on daily delivery' }) digestId!:
    string | null;
}

/** One attempt to deliver (or to send a daily mail). */
export class DeliveryAttempt {
  @ApiProperty({ type: 'integer' }) attemptNo!: number;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ enum: ['SENT', 'ERROR'], nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The SMTP server’s or the webhook’s answer' }) response!: string | null;
}

/** What an operator did on a delivery. */
export class DeliveryOperatorAction {
  @ApiProperty({ example: 'RESEND' }) action!: string;
  @ApiProperty() operator!: string;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** A client's daily mail, carrying the day's notices. */
export class NoticeDigest {
  @ApiProperty({ format: 'uuid' }) digestId!: string;
  @ApiProperty() account!: string;
  @ApiProperty({ format: 'date' }) businessDate!: string;
  @ApiProperty() recipient!: string;
  @ApiProperty({ enum: ['fr', 'en'] }) language!: string;
  @ApiProperty({ type: 'integer', description: 'How many notices it carries' }) notices!: number;
  @ApiProperty({ enum: ['PENDING', 'SENT', 'FAILED'] }) status!: string;
  @ApiProperty({ type: [DeliveryAttempt], description: 'Its attempts to send, in order' }) attempts!: DeliveryAttempt[];
  @ApiProperty() messageId!: string;
  @ApiProperty({ nullable: true, type: String }) subject!: string | null;
  @ApiProperty({ nullable: true, type: String }) response!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) sentAt!: string | null;
}

/** One delivery with its text, its attempts, what operators did, and its daily mail. */
export class DeliveryDetail extends Delivery {
  @ApiProperty({ nullable: true, type: String, description: 'The text sent' }) body!: string | null;
  @ApiProperty({ type: [DeliveryAttempt] }) deliveryAttempts!: DeliveryAttempt[];
  @ApiProperty({ type: [DeliveryOperatorAction] }) operatorActions!: DeliveryOperatorAction[];
  @ApiPropertyOptional({ type: NoticeDigest }) digest?: NoticeDigest;
}

/** One notice with its document and its deliveries. */
export class NoticeDetail extends Notice {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The notice’s document: its figures, as a webhook receives it' })
  document!: Record<string, unknown> | null;
  @ApiProperty({ type: [Delivery] }) deliveries!: Delivery[];
}

/** An avis d'opéré not sent by its deadline. */
export class LateAvis {
  @ApiProperty() tradeRef!: string;
  @ApiProperty() account!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ format: 'date', description: 'The first business day after the trade date' }) deadline!: string;
  @ApiProperty({ format: 'date' }) reportedOn!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'When it was sent at last; null while it is not' }) sentAt!: string | null;
}

/** A webhook URL of an account and its signing secret's dates (never the secret). */
export class WebhookSecretState {
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) rotatedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) rotatedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'Until when the previous secret still signs beside it' })
  previousValidUntil!: string | null;
}

/** Which webhook URLs of an account have a signing secret. */
export class WebhookSecrets {
  @ApiProperty() account!: string;
  @ApiProperty({ type: [WebhookSecretState] }) secrets!: WebhookSecretState[];
}

/** A new signing secret, shown this once. */
export class RotatedWebhookSecret {
  @ApiProperty({ format: 'uri' }) url!: string;
  @ApiProperty({ description: 'The new secret: shown here only, never again' }) secret!: string;
  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    description: 'Until when the previous secret still signs beside it (null: there was none)',
  })
  previousValidUntil!: string | null;
}

/** The secrets a rotation made. */
export class RotatedWebhookSecrets {
  @ApiProperty() account!: string;
  @ApiProperty({ type: [RotatedWebhookSecret] }) secrets!: RotatedWebhookSecret[];
  @ApiProperty() rotatedBy!: string;
}

/** Where a counterparty's confirmations go on one channel. */
export class CounterpartyContact {
  @ApiProperty({ enum: ['EMAIL', 'WEBHOOK'] }) channel!: string;
  @ApiProperty({ description: 'A mailbox, or a webhook’s https URL' }) address!: string;
  @ApiProperty({ description: 'A webhook with its own signing secret (never shown)' }) hasSecret!: boolean;
}

/** A counterparty's contacts as notification holds them. */
export class CounterpartyContacts {
  @ApiProperty({ example: '529900COUNTERPTY0129' }) lei!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['fr', 'en'] }) language!: string;
  @ApiProperty({ type: [CounterpartyContact] }) contacts!: CounterpartyContact[];
  @ApiProperty() updatedBy!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}
