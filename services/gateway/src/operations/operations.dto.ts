import { ApiExtraModels, ApiProperty, getSchemaPath } from '@nestjs/swagger';
import { Delivery, JournalLine } from './back-office.dto.js';

// The pages the gateway gathers from several services: each service answers for its own part, and
// a part is null when the service knows nothing of it, or says which service did not answer.

/** A part of a page whose service did not answer: the page is served without it. */
export class ServiceUnavailable {
  @ApiProperty({ example: 'settlement answered 502' }) unavailable!: string;
}

/** A part served by `model`, null when its service knows nothing of it, or the service that did not answer. */
const partOf = (model: new () => unknown, description: string) => ({
  nullable: true,
  description,
  anyOf: [{ $ref: getSchemaPath(model) }, { $ref: getSchemaPath(ServiceUnavailable) }],
});
/** A list part: the list, or the service that did not answer. */
const listPartOf = (model: new () => unknown, description: string) => ({
  description,
  anyOf: [{ type: 'array', items: { $ref: getSchemaPath(model) } }, { $ref: getSchemaPath(ServiceUnavailable) }],
});

// ------------------------------------------------------------------ the end-of-day summary

/** Confirmations received by capture, by what became of them on arrival. */
export class ConfirmationReceipts {
  @ApiProperty({ type: 'integer' }) consumed!: number;
  @ApiProperty({ type: 'integer' }) matchedOnArrival!: number;
  @ApiProperty({ type: 'integer' }) pendingOnArrival!: number;
  @ApiProperty({ type: 'integer' }) exceptions!: number;
  @ApiProperty({ type: 'integer' }) duplicates!: number;
}

/** Where the trades (cancelled ones left out) stand with their counterparty's confirmation; the parts add up to `trades`. */
export class TradeConfirmations {
  @ApiProperty({ type: 'integer' }) trades!: number;
  @ApiProperty({ type: 'integer', description: 'Matched by the counterparty’s confirmation' }) confirmed!: number;
  @ApiProperty({ type: 'integer', description: 'Awaiting a confirmation, their trade date not closed yet' }) pending!: number;
  @ApiProperty({ type: 'integer', description: 'The counterparty’s latest confirmation does not match' }) mismatched!: number;
  @ApiProperty({ type: 'integer', description: 'Awaiting a confirmation past the close of their trade date' }) unconfirmedAtClose!: number;
  @ApiProperty({ type: 'integer', description: 'Validated by a second person without a confirmation' }) validatedWithoutConfirmation!: number;
  @ApiProperty({ type: ConfirmationReceipts }) receipts!: ConfirmationReceipts;
}

const COUNTS = { type: 'object', additionalProperties: { type: 'integer' } } as const;

/** Capture's part of the end-of-day summary: executions received and the trades by status. */
export class CaptureSummary {
  @ApiProperty({ type: 'integer', description: 'Executions received' }) consumed!: number;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) amended!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ type: 'integer' }) stale!: number;
  @ApiProperty({ type: 'integer' }) exceptions!: number;
  @ApiProperty({ type: 'integer' }) duplicates!: number;
  @ApiProperty({ type: TradeConfirmations }) confirmations!: TradeConfirmations;
  @ApiProperty({ ...COUNTS, description: 'Trades per status' }) trades!: Record<string, number>;
  @ApiProperty({ type: 'integer' }) confirmed!: number;
  @ApiProperty({ type: 'integer' }) validated!: number;
  @ApiProperty({ type: 'integer' }) unconfirmed!: number;
  @ApiProperty({ ...COUNTS, description: 'Open exceptions per kind' }) openExceptions!: Record<string, number>;
}

/** Settlement's part of the end-of-day summary: instructions by status, fails by reason. */
export class SettlementSummary {
  @ApiProperty({ type: 'integer', description: 'Instructions, cancelled ones left out' }) instructed!: number;
  @ApiProperty({ ...COUNTS, description: 'Instructions per status' }) byStatus!: Record<string, number>;
  @ApiProperty({ type: 'integer' }) settled!: number;
  @ApiProperty({ type: 'integer' }) failing!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ ...COUNTS, description: 'Failing instructions per reason code' }) failsByReason!: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: 'Events settlement did not apply, per reason: each needs an operator’s look' }) anomalies!: Record<string, number>;
}

/** The journal's totals in one currency. */
export class JournalCurrencyTotal {
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'A decimal string at the currency’s minor units' }) debit!: string;
  @ApiProperty({ description: 'A decimal string at the currency’s minor units' }) credit!: string;
  @ApiProperty() balanced!: boolean;
}

/** Accounting's part of the end-of-day summary: the journal's totals, what it parked or held. */
export class JournalSummary {
  @ApiProperty({ type: 'integer' }) entries!: number;
  @ApiProperty({ type: 'integer' }) parkedSettlements!: number;
  @ApiProperty({ ...COUNTS, description: 'Events held per reason' }) heldEvents!: Record<string, number>;
  @ApiProperty({ description: 'Debit equals credit in every currency' }) balanced!: boolean;
  @ApiProperty({ type: [JournalCurrencyTotal] }) perCurrency!: JournalCurrencyTotal[];
}

/** A trade still unconfirmed at the close. */
export class UnconfirmedTrade {
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty() counterparty!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ format: 'date' }) settlementDate!: string;
}

/** Capture's list of the trades unconfirmed at the close, oldest first and bounded. */
export class UnconfirmedAtClose {
  @ApiProperty({ type: 'integer' }) total!: number;
  @ApiProperty({ type: [UnconfirmedTrade] }) trades!: UnconfirmedTrade[];
}

/** The declarations filed so far. */
export class DeclarationsSummary {
  @ApiProperty({ ...COUNTS, description: 'Runs filed per report kind' }) runsFiled!: Record<string, number>;
  @ApiProperty({ ...COUNTS, description: 'MiFIR reports per status' }) mifirReports!: Record<string, number>;
}

/** Reporting's part of the end-of-day summary: the activity to date and the declarations filed. */
export class ReportingSummary {
  @ApiProperty({ format: 'date', nullable: true, type: String }) businessDate!: string | null;
  @ApiProperty({ type: 'integer' }) captured!: number;
  @ApiProperty({ type: 'integer' }) confirmed!: number;
  @ApiProperty({ type: 'integer' }) validated!: number;
  @ApiProperty({ type: 'integer' }) amended!: number;
  @ApiProperty({ type: 'integer' }) cancelled!: number;
  @ApiProperty({ type: UnconfirmedAtClose, nullable: true, description: 'null until capture’s list arrives (or without a date)' })
  unconfirmedAtClose!: UnconfirmedAtClose | null;
  @ApiProperty({ type: 'integer' }) instructed!: number;
  @ApiProperty({ type: 'integer' }) settled!: number;
  @ApiProperty({ type: 'integer' }) failing!: number;
  @ApiProperty({ ...COUNTS }) failsByReason!: Record<string, number>;
  @ApiProperty({ type: 'integer' }) settledOnIntendedDate!: number;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string: settled on the intended date / due' }) settlementEfficiency!: string | null;
  @ApiProperty({ type: 'integer' }) journalEntries!: number;
  @ApiProperty({ type: 'integer', nullable: true, description: 'Records parked on a dead-letter topic that day (null without a date)' })
  deadLetters!: number | null;
  @ApiProperty({ type: DeclarationsSummary }) declarations!: DeclarationsSummary;
}

/** Deliveries on one channel, by status. */
export class ChannelDeliveries {
  @ApiProperty({ type: 'integer' }) sent!: number;
  @ApiProperty({ type: 'integer' }) pending!: number;
  @ApiProperty({ type: 'integer' }) retrying!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
}

/** Notification's part of the end-of-day summary: deliveries by status and channel, late avis. */
export class NotificationSummary {
  @ApiProperty({ type: 'integer' }) sent!: number;
  @ApiProperty({ type: 'integer' }) pending!: number;
  @ApiProperty({ type: 'integer' }) retrying!: number;
  @ApiProperty({ type: 'integer' }) held!: number;
  @ApiProperty({ type: 'integer' }) failed!: number;
  @ApiProperty({ type: 'integer', description: 'Deliveries and notices skipped' }) skipped!: number;
  @ApiProperty({ type: 'integer', description: 'Notices with nowhere to go' }) noContact!: number;
  @ApiProperty({ type: 'integer' }) lateAvis!: number;
  @ApiProperty({ type: 'object', additionalProperties: { $ref: '#/components/schemas/ChannelDeliveries' }, description: 'Per channel (EMAIL, WEBHOOK)' })
  byChannel!: Record<string, ChannelDeliveries>;
}

/** The end-of-day summary a back-office head reads, each service's part as it answered. */
@ApiExtraModels(ServiceUnavailable, CaptureSummary, SettlementSummary, JournalSummary, ReportingSummary, NotificationSummary, ChannelDeliveries)
export class EodSummary {
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'The day asked for (?businessDate=), null for today' })
  businessDate!: string | null;
  @ApiProperty(partOf(CaptureSummary, 'Capture')) capture!: CaptureSummary | ServiceUnavailable | null;
  @ApiProperty(partOf(SettlementSummary, 'Settlement')) settlement!: SettlementSummary | ServiceUnavailable | null;
  @ApiProperty(partOf(JournalSummary, 'Accounting')) accounting!: JournalSummary | ServiceUnavailable | null;
  @ApiProperty(partOf(ReportingSummary, 'Reporting')) reporting!: ReportingSummary | ServiceUnavailable | null;
  @ApiProperty(partOf(NotificationSummary, 'Notification')) notification!: NotificationSummary | ServiceUnavailable | null;
}

// ------------------------------------------------------------------ a trade's timeline

/** A version of a trade as capture received it. */
export class TradeVersion {
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['NEW', 'AMEND', 'CANCEL'] }) action!: string;
  @ApiProperty({ enum: ['APPLIED', 'STALE'] }) outcome!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() messageId!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

/** A step of a trade's life in capture. */
export class TradeHistoryStep {
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ example: 'VALIDATED' }) status!: string;
  @ApiProperty({ example: 'TradeValidated' }) eventType!: string;
  @ApiProperty({ nullable: true, type: String }) cause!: string | null;
  @ApiProperty({ nullable: true, type: String }) actor!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'What the step recorded besides' }) detail!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** A confirmation the counterparty sent for the trade. */
export class TradeConfirmation {
  @ApiProperty() confirmationId!: string;
  @ApiProperty() messageId!: string;
  @ApiProperty({ enum: ['PENDING', 'MATCHED', 'MISMATCHED', 'SUPERSEDED'] }) status!: string;
  @ApiProperty({ nullable: true, type: 'array', items: { type: 'object', additionalProperties: true }, description: 'The fields that differ from the trade' })
  differences!: Array<Record<string, unknown>> | null;
  @ApiProperty({ nullable: true, type: 'integer' }) matchedVersion!: number | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

/** A trade as capture holds it: its economics, its versions, its history and its confirmations. */
export class TradeRecord {
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ type: 'integer' }) version!: number;
  @ApiProperty({ enum: ['CAPTURED', 'CONFIRMED', 'VALIDATED', 'INSTRUCTED', 'SETTLED', 'PARTIALLY_SETTLED', 'FAILED', 'CANCELLED'] }) status!: string;
  @ApiProperty({ enum: ['ELECTRONIC', 'MANUAL'] }) origin!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Who booked or corrected it by hand' }) maker!: string | null;
  @ApiProperty({ nullable: true, type: String }) validatedBy!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'By a confirmation, or by a second person' }) validatedHow!: string | null;
  @ApiProperty({ nullable: true, type: String }) confirmationId!: string | null;
  @ApiProperty({ description: 'Booked after its trade date’s close' }) lateBooking!: boolean;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty() isin!: string;
  @ApiProperty({ description: 'A decimal string' }) quantity!: string;
  @ApiProperty({ description: 'A decimal string' }) price!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'A decimal string' }) grossAmount!: string;
  @ApiProperty({ description: 'A decimal string' }) accruedInterest!: string;
  @ApiProperty({ description: 'A decimal string' }) feesAmount!: string;
  @ApiProperty({ description: 'A decimal string' }) netAmount!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ format: 'date' }) settlementDate!: string;
  @ApiProperty() account!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty({ example: 'XPAR' }) venue!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The economics as the trade message gave them (fees with their amounts as decimal strings at least at the minor units)',
  })
  economics!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) capturedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ type: [TradeVersion] }) versions!: TradeVersion[];
  @ApiProperty({ type: [TradeHistoryStep] }) history!: TradeHistoryStep[];
  @ApiProperty({ type: [TradeConfirmation] }) confirmations!: TradeConfirmation[];
}

/** A party's side of an instruction: where it settles. */
export class SettlementParty {
  @ApiProperty({ description: 'The account (our side) or the LEI (the counterparty)' }) owner!: string;
  @ApiProperty({ description: 'The BIC of the CSD' }) placeOfSettlement!: string;
  @ApiProperty() safekeepingAccount!: string;
  @ApiProperty({ nullable: true, type: String }) cashAccount!: string | null;
  @ApiProperty({ nullable: true, type: String }) agentBic!: string | null;
}

/** Both sides' standing settlement instructions, as the instruction used them. */
export class InstructionSsis {
  @ApiProperty({ type: SettlementParty, nullable: true }) account!: SettlementParty | null;
  @ApiProperty({ type: SettlementParty, nullable: true }) counterparty!: SettlementParty | null;
}

/** A step of an instruction's life. */
export class InstructionStep {
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ example: 'MATCHED' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty() causeEventId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The operator who acted' }) operator!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The supervisor who approved it' }) checker!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
}

/** A settlement instruction (sese.023) and its history. */
export class SettlementInstructionVersion {
  @ApiProperty({ format: 'uuid' }) instructionId!: string;
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ type: 'integer' }) tradeVersion!: number;
  @ApiProperty({ enum: ['RVP', 'DVP', 'RFP', 'DFP'] }) instructionType!: string;
  @ApiProperty({ enum: ['BUY', 'SELL'] }) side!: string;
  @ApiProperty() isin!: string;
  @ApiProperty({ description: 'A decimal string' }) quantity!: string;
  @ApiProperty({ description: 'A decimal string at the currency’s minor units' }) settlementAmount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty({ format: 'date' }) tradeDate!: string;
  @ApiProperty({ format: 'date' }) intendedSettlementDate!: string;
  @ApiProperty() account!: string;
  @ApiProperty() counterparty!: string;
  @ApiProperty() placeOfSettlement!: string;
  @ApiProperty() clientId!: string;
  @ApiProperty() book!: string;
  @ApiProperty({ example: 'SETTLED' }) status!: string;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string' }) settledQuantity!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string at the currency’s minor units' }) settledAmount!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) effectiveSettlementDate!: string | null;
  @ApiProperty({ type: 'integer' }) seq!: number;
  @ApiProperty({ enum: ['UNIT', 'FAMT'] }) quantityType!: string;
  @ApiProperty({ enum: ['PART', 'NPAR', 'PARC', 'PARQ'] }) partialIndicator!: string;
  @ApiProperty({ enum: ['DBIT', 'CRDT'] }) cashDirection!: string;
  @ApiProperty({ type: InstructionSsis }) ssis!: InstructionSsis;
  @ApiProperty({ type: 'integer', description: '1, then + 1 at each cancel and re-instruct' }) attempt!: number;
  @ApiProperty() isNet!: boolean;
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The net instruction that settles it' }) netInstructionId!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) matchedDate!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The sese.023 sent' }) xml!: string | null;
  @ApiProperty({ type: [InstructionStep] }) history!: InstructionStep[];
}

/** A trade's current instruction, and those it superseded. */
export class SettlementInstruction extends SettlementInstructionVersion {
  @ApiProperty({ type: [SettlementInstructionVersion] }) superseded!: SettlementInstructionVersion[];
}

/** What reporting recorded of a trade: its economics as last seen, its statuses, and when each step was first seen. */
export class TradeActivity {
  @ApiProperty() tradeRef!: string;
  @ApiProperty({ format: 'date', nullable: true, type: String }) tradeDate!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) intendedSettlementDate!: string | null;
  @ApiProperty({ nullable: true, type: String }) isin!: string | null;
  @ApiProperty({ nullable: true, type: String }) side!: string | null;
  @ApiProperty({ nullable: true, type: String }) account!: string | null;
  @ApiProperty({ nullable: true, type: String }) venue!: string | null;
  @ApiProperty({ nullable: true, type: String }) currency!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'A decimal string, as received' }) grossAmount!: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) tradeVersion!: number | null;
  @ApiProperty({ nullable: true, type: String }) tradeStatus!: string | null;
  @ApiProperty({ type: 'integer' }) amendments!: number;
  @ApiProperty({ nullable: true, type: String }) instructionStatus!: string | null;
  @ApiProperty({ nullable: true, type: String }) failReason!: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String }) effectiveSettlementDate!: string | null;
  @ApiProperty({ type: 'integer' }) journalEntries!: number;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) capturedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) confirmedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) validatedAt!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) cancelledAt!: string | null;
}

/** One trade across capture, settlement, accounting, reporting and notification. */
@ApiExtraModels(ServiceUnavailable, TradeRecord, SettlementInstruction, TradeActivity, JournalLine, Delivery)
export class TradeTimeline {
  @ApiProperty() tradeRef!: string;
  @ApiProperty(partOf(TradeRecord, 'Capture: the trade')) trade!: TradeRecord | ServiceUnavailable | null;
  @ApiProperty(partOf(SettlementInstruction, 'Settlement: its instruction')) instruction!: SettlementInstruction | ServiceUnavailable | null;
  @ApiProperty(listPartOf(JournalLine, 'Accounting: its journal lines')) journal!: JournalLine[] | ServiceUnavailable;
  @ApiProperty(partOf(TradeActivity, 'Reporting: what it recorded')) activity!: TradeActivity | ServiceUnavailable | null;
  @ApiProperty(listPartOf(Delivery, 'Notification: its deliveries, newest first')) notifications!: Delivery[] | ServiceUnavailable;
}
