import { z } from 'zod';
import { Topics } from './topics.js';
import { JournalEntryPostedV1Schema, ReconciliationBreakClosedV1Schema, ReconciliationBreakOpenedV1Schema } from './accounting.v1.js';
import { BusinessDayV1Schema } from './business-day.v1.js';
import { ExecutionsReceivedV1Schema, IntakeExceptionRaisedV1Schema } from './capture-intake.v1.js';
import { CashStatementV1Schema, HoldingsStatementV1Schema } from './custodian-statements.v1.js';
import { PARTITION_DAY_CLOSED, type PartitionDayClosedV1 } from './day-markers.v1.js';
import { ReportFiledV1Schema } from './declarations.v1.js';
import { ClosingPriceV1Schema, FxRateV1Schema } from './marketdata.v1.js';
import { NotificationSentV1Schema } from './notification.v1.js';
import { AccountRefV1Schema, CalendarRefV1Schema, InstrumentRefV1Schema, PartyRefV1Schema, SsiRefV1Schema } from './refdata.v1.js';
import { EndOfDayReportProducedV1Schema, TtfAssessedV1Schema } from './reporting.v1.js';
import {
  CustodianStatusV1Schema,
  InstructionCancelledV1Schema,
  InstructionStatusChangedV1Schema,
  PenaltyAccruedV1Schema,
  PenaltyWaivedV1Schema,
  SettlementInstructionV1Schema,
} from './settlement.v1.js';
import {
  CounterpartyConfirmationIssuedV1Schema,
  TradeAmendedV1Schema,
  TradeCancelledV1Schema,
  TradeCapturedV1Schema,
  TradeConfirmedV1Schema,
  TradeValidatedV1Schema,
  UnconfirmedTradesAtCloseV1Schema,
} from './trade-events.v1.js';
import { count, isoDate, type Same } from './wire-schemas.js';

/** The end-of-day marker's payload (day-markers.v1.ts), on trade.events, custodian.status and settlement.events. */
export const PartitionDayClosedV1Schema = z.object({ calendar: z.string(), businessDate: isoDate, partition: count, partitions: z.number().int().positive() });
const _partitionDayClosed: Same<PartitionDayClosedV1, z.infer<typeof PartitionDayClosedV1Schema>> = true;

/**
 * The payload schema of every event type Postera writes on its own topics, by topic and the
 * envelope's `type`. A consumer checks a payload against it as it decodes the envelope, so that an
 * event its producer got wrong goes to the DLQ with the reason, rather than half-way into a handler;
 * the AsyncAPI document (asyncapi.ts) is generated from it and the topic catalogue. The upstream
 * inputs (trades.executed.v1, confirmations.received.v1) are not envelopes and are checked by capture.
 */
export const TOPIC_EVENT_SCHEMAS: Record<string, Record<string, z.ZodType>> = {
  [Topics.tradeEvents]: {
    TradeCaptured: TradeCapturedV1Schema,
    TradeAmended: TradeAmendedV1Schema,
    TradeCancelled: TradeCancelledV1Schema,
    TradeConfirmed: TradeConfirmedV1Schema,
    TradeValidated: TradeValidatedV1Schema,
    CounterpartyConfirmationIssued: CounterpartyConfirmationIssuedV1Schema,
    UnconfirmedTradesAtClose: UnconfirmedTradesAtCloseV1Schema,
    [PARTITION_DAY_CLOSED]: PartitionDayClosedV1Schema,
  },
  [Topics.captureIntake]: { ExecutionsReceived: ExecutionsReceivedV1Schema, IntakeExceptionRaised: IntakeExceptionRaisedV1Schema },
  [Topics.custodianInstructions]: { InstructionSent: SettlementInstructionV1Schema, InstructionCancelled: InstructionCancelledV1Schema },
  [Topics.custodianStatus]: { StatusAdvice: CustodianStatusV1Schema, SettlementConfirmation: CustodianStatusV1Schema, [PARTITION_DAY_CLOSED]: PartitionDayClosedV1Schema },
  [Topics.custodianStatements]: { HoldingsStatement: HoldingsStatementV1Schema, CashStatement: CashStatementV1Schema },
  [Topics.settlementEvents]: {
    InstructionStatusChanged: InstructionStatusChangedV1Schema,
    PenaltyAccrued: PenaltyAccruedV1Schema,
    PenaltyWaived: PenaltyWaivedV1Schema,
    [PARTITION_DAY_CLOSED]: PartitionDayClosedV1Schema,
  },
  [Topics.accountingEvents]: {
    JournalEntryPosted: JournalEntryPostedV1Schema,
    ReconciliationBreakOpened: ReconciliationBreakOpenedV1Schema,
    ReconciliationBreakClosed: ReconciliationBreakClosedV1Schema,
  },
  [Topics.reportingEvents]: { TtfAssessed: TtfAssessedV1Schema, ReportFiled: ReportFiledV1Schema, EndOfDayReportProduced: EndOfDayReportProducedV1Schema },
  [Topics.notificationEvents]: { NotificationSent: NotificationSentV1Schema },
  [Topics.refdataInstruments]: { InstrumentUpserted: InstrumentRefV1Schema },
  [Topics.refdataParties]: { PartyUpserted: PartyRefV1Schema },
  [Topics.refdataAccounts]: { AccountUpserted: AccountRefV1Schema },
  [Topics.refdataSsis]: { SsiUpserted: SsiRefV1Schema },
  [Topics.refdataCalendars]: { CalendarUpserted: CalendarRefV1Schema },
  [Topics.prices]: { ClosingPrice: ClosingPriceV1Schema },
  [Topics.fxRates]: { FxRate: FxRateV1Schema },
  [Topics.businessDay]: { BusinessDayOpened: BusinessDayV1Schema, BusinessDayClosed: BusinessDayV1Schema },
};

/** The same schemas by event type alone: a type has one payload whatever topic carries it. */
export const EVENT_PAYLOAD_SCHEMAS: Record<string, z.ZodType> = Object.assign({}, ...Object.values(TOPIC_EVENT_SCHEMAS)) as Record<string, z.ZodType>;

/**
 * Every problem of a payload against the schema of its event type, as `<path>: <message>`; none for
 * a payload that matches, or for a type without a schema (left to its handler).
 */
export function payloadProblems(type: string, payload: unknown): string[] {
  const schema = Object.hasOwn(EVENT_PAYLOAD_SCHEMAS, type) ? EVENT_PAYLOAD_SCHEMAS[type] : undefined;
  if (!schema) return [];
  const result = schema.safeParse(payload);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(payload)'}: ${i.message}`);
}
