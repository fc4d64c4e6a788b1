/**
 * The gateway's answers and commands as the console's screens use them: one name per schema of the
 * OpenAPI document the console's client is generated from (src/generated/, written by `npm run
 * generate` from the gateway's controllers). A route changed without regenerating fails the
 * gateway's test that holds the running document against the generated one.
 */
import type { components, paths } from './generated/openapi';

type Schemas = components['schemas'];

export type Account = Schemas['Account'];
export type AccountContact = Schemas['AccountContact'];
export type ActivityReport = Schemas['ActivityReport'];
export type AgeBucketCount = Schemas['AgeBucketCount'];
export type AuditAnchorSeen = Schemas['AuditAnchorSeen'];
export type AuditEntry = Schemas['AuditEntry'];
export type AuditVerdict = Schemas['AuditVerdict'];
export type BlotterTrade = Schemas['BlotterTrade'];
export type BondTerms = Schemas['BondTerms'];
export type BookRecognition = Schemas['BookRecognition'];
export type BookRecognitionBody = Schemas['BookRecognitionBody'];
export type BreakAction = Schemas['BreakAction'];
export type BreakAgeing = Schemas['BreakAgeing'];
export type BreakFigures = Schemas['BreakFigures'];
export type BreaksClosedToday = Schemas['BreaksClosedToday'];
export type BreaksSummary = Schemas['BreaksSummary'];
export type BreakWorked = Schemas['BreakWorked'];
export type BusinessDayCommandResult = Schemas['BusinessDayCommandResult'];
export type BusinessDayState = Schemas['BusinessDayState'];
export type Calendar = Schemas['Calendar'];
export type CaptureException = Schemas['CaptureException'];
export type CaptureSummary = Schemas['CaptureSummary'];
export type CashBalance = Schemas['CashBalance'];
export type ChannelDeliveries = Schemas['ChannelDeliveries'];
export type ClosedBreak = Schemas['ClosedBreak'];
export type ConfirmationReceipts = Schemas['ConfirmationReceipts'];
export type CounterpartyContact = Schemas['CounterpartyContact'];
export type CounterpartyContacts = Schemas['CounterpartyContacts'];
export type CounterpartyPenalties = Schemas['CounterpartyPenalties'];
export type CurrencyAmount = Schemas['CurrencyAmount'];
export type CurrencyAmountCount = Schemas['CurrencyAmountCount'];
export type DailyPenalty = Schemas['DailyPenalty'];
export type DayCommand = Schemas['DayCommand'];
export type DeadLetter = Schemas['DeadLetter'];
export type DeadLetterFigures = Schemas['DeadLetterFigures'];
export type DeclarationsSummary = Schemas['DeclarationsSummary'];
export type Delivery = Schemas['Delivery'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type DeliveryDetail = Schemas['DeliveryDetail'];
export type DeliveryOperatorAction = Schemas['DeliveryOperatorAction'];
export type DeskPnlRowBody = Schemas['DeskPnlRowBody'];
export type DeskPnlStored = Schemas['DeskPnlStored'];
export type EcbCsvBody = Schemas['EcbCsvBody'];
export type EcbLineProblem = Schemas['EcbLineProblem'];
export type EcbRatesImported = Schemas['EcbRatesImported'];
export type EfficiencyByValue = Schemas['EfficiencyByValue'];
export type EodReport = Schemas['EodReport'];
export type EodSummary = Schemas['EodSummary'];
export type ExceptionAttempt = Schemas['ExceptionAttempt'];
export type ExceptionFigures = Schemas['ExceptionFigures'];
export type ExceptionReasonCount = Schemas['ExceptionReasonCount'];
export type ExceptionResult = Schemas['ExceptionResult'];
export type ExecutionFigures = Schemas['ExecutionFigures'];
export type FailFigures = Schemas['FailFigures'];
export type FailsPage = Schemas['FailsPage'];
export type FxRateUsed = Schemas['FxRateUsed'];
export type FxReport = Schemas['FxReport'];
export type FxReportLine = Schemas['FxReportLine'];
export type FxReportTotals = Schemas['FxReportTotals'];
export type FxResult = Schemas['FxResult'];
export type FxResults = Schemas['FxResults'];
export type FxResultTotal = Schemas['FxResultTotal'];
export type GeneralLedgerLine = Schemas['GeneralLedgerLine'];
export type HeldEvent = Schemas['HeldEvent'];
export type Holiday = Schemas['Holiday'];
export type HourlyExecutions = Schemas['HourlyExecutions'];
export type InputProblem = Schemas['InputProblem'];
export type InstructionSsis = Schemas['InstructionSsis'];
export type InstructionStep = Schemas['InstructionStep'];
export type Instrument = Schemas['Instrument'];
export type JournalCurrencyTotal = Schemas['JournalCurrencyTotal'];
export type JournalLine = Schemas['JournalLine'];
export type JournalSummary = Schemas['JournalSummary'];
export type KindCount = Schemas['KindCount'];
export type LateAvis = Schemas['LateAvis'];
export type LedgerAccount = Schemas['LedgerAccount'];
export type Liveness = Schemas['Liveness'];
export type MifirProblem = Schemas['MifirProblem'];
export type MifirReport = Schemas['MifirReport'];
export type MissingFxRate = Schemas['MissingFxRate'];
export type MonthlyPenalties = Schemas['MonthlyPenalties'];
export type NaturalPerson = Schemas['NaturalPerson'];
export type Notice = Schemas['Notice'];
export type NoticeDetail = Schemas['NoticeDetail'];
export type NoticeDigest = Schemas['NoticeDigest'];
export type NotificationSummary = Schemas['NotificationSummary'];
export type OpenBreakFigures = Schemas['OpenBreakFigures'];
export type ParkedEvent = Schemas['ParkedEvent'];
export type ParkedEventsCount = Schemas['ParkedEventsCount'];
export type ParkedEventsOfService = Schemas['ParkedEventsOfService'];
export type Party = Schemas['Party'];
export type PenaltiesAccrued = Schemas['PenaltiesAccrued'];
export type PenaltiesOfDay = Schemas['PenaltiesOfDay'];
export type PenaltyFigures = Schemas['PenaltyFigures'];
export type PeriodClosing = Schemas['PeriodClosing'];
export type PeriodFigures = Schemas['PeriodFigures'];
export type Position = Schemas['Position'];
export type PositionCost = Schemas['PositionCost'];
export type PositionLot = Schemas['PositionLot'];
export type PostingRule = Schemas['PostingRule'];
export type ProposalDecided = Schemas['ProposalDecided'];
export type ProposalMade = Schemas['ProposalMade'];
export type ProposalRejected = Schemas['ProposalRejected'];
export type ProposalView = Schemas['ProposalView'];
export type ProposalWithdrawn = Schemas['ProposalWithdrawn'];
export type ProposeCommand = Schemas['ProposeCommand'];
export type Readiness = Schemas['Readiness'];
export type ReasonCount = Schemas['ReasonCount'];
export type ReconciliationBreak = Schemas['ReconciliationBreak'];
export type ReconciliationBreakDetail = Schemas['ReconciliationBreakDetail'];
export type ReconciliationReport = Schemas['ReconciliationReport'];
export type ReconciliationReports = Schemas['ReconciliationReports'];
export type StatementRead = Schemas['StatementRead'];
export type ReconciliationRun = Schemas['ReconciliationRun'];
export type ReferencePriceBody = Schemas['ReferencePriceBody'];
export type ReferencePricesImported = Schemas['ReferencePricesImported'];
export type ReferentialVersion = Schemas['ReferentialVersion'];
export type RejectCommand = Schemas['RejectCommand'];
export type ReportedBreak = Schemas['ReportedBreak'];
export type ReportFile = Schemas['ReportFile'];
export type ReportingSummary = Schemas['ReportingSummary'];
export type ReportRun = Schemas['ReportRun'];
export type ReportRunBody = Schemas['ReportRunBody'];
export type ReportRunDetail = Schemas['ReportRunDetail'];
export type ReportsFiled = Schemas['ReportsFiled'];
export type RotatedWebhookSecret = Schemas['RotatedWebhookSecret'];
export type RotatedWebhookSecrets = Schemas['RotatedWebhookSecrets'];
export type RotateWebhookSecretBody = Schemas['RotateWebhookSecretBody'];
export type RowProblem = Schemas['RowProblem'];
export type ScenarioBody = Schemas['ScenarioBody'];
export type ScenarioRule = Schemas['ScenarioRule'];
export type ScenarioSetBy = Schemas['ScenarioSetBy'];
export type ServiceUnavailable = Schemas['ServiceUnavailable'];
export type SettlementEfficiency = Schemas['SettlementEfficiency'];
export type SettlementFail = Schemas['SettlementFail'];
export type SettlementInstruction = Schemas['SettlementInstruction'];
export type SettlementInstructionVersion = Schemas['SettlementInstructionVersion'];
export type SettlementParty = Schemas['SettlementParty'];
export type SettlementSummary = Schemas['SettlementSummary'];
export type SimulatorScenario = Schemas['SimulatorScenario'];
export type Ssi = Schemas['Ssi'];
export type TestReportFile = Schemas['TestReportFile'];
export type TestReportRun = Schemas['TestReportRun'];
export type TestReportRuns = Schemas['TestReportRuns'];
export type TopicCount = Schemas['TopicCount'];
export type TradeActivity = Schemas['TradeActivity'];
export type TradeConfirmation = Schemas['TradeConfirmation'];
export type TradeConfirmations = Schemas['TradeConfirmations'];
export type TradeHistoryStep = Schemas['TradeHistoryStep'];
export type TradeRecord = Schemas['TradeRecord'];
export type TradeTimeline = Schemas['TradeTimeline'];
export type TradeVersion = Schemas['TradeVersion'];
export type TrendPoint = Schemas['TrendPoint'];
export type TrialBalanceLine = Schemas['TrialBalanceLine'];
export type UnconfirmedAtClose = Schemas['UnconfirmedAtClose'];
export type UnconfirmedTrade = Schemas['UnconfirmedTrade'];
export type VolumeFigure = Schemas['VolumeFigure'];
export type VolumeLine = Schemas['VolumeLine'];
export type Volumes = Schemas['Volumes'];
export type WebhookSecrets = Schemas['WebhookSecrets'];
export type WebhookSecretState = Schemas['WebhookSecretState'];
export type WithdrawCommand = Schemas['WithdrawCommand'];
export type WorkBreakCommand = Schemas['WorkBreakCommand'];

/** The rows GET /api/referential/{entity} serves for each entity: the document gives the union of them all, the path says which. */
export interface ReferentialRows {
  instruments: Instrument;
  parties: Party;
  accounts: Account;
  ssis: Ssi;
  calendars: Calendar;
  history: ReferentialVersion;
}

type Method = 'get' | 'post' | 'put' | 'patch';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Json<C> = C extends { content: { 'application/json': infer J } } ? J : never;
type Success<O> = O extends { responses: infer R } ? R[Extract<keyof R, 200 | 201 | 202>] : never;

/** The JSON answer of a route on success, e.g. `Answer<'/api/proposals/{id}', 'get'>`. */
export type Answer<P extends keyof paths, M extends Method = 'get'> = Json<Success<Operation<P, M>>>;

/** The JSON body a route takes, e.g. `Command<'/api/proposals', 'post'>`. */
export type Command<P extends keyof paths, M extends Method> = Operation<P, M> extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;

/** The query parameters a route reads. */
export type Query<P extends keyof paths, M extends Method = 'get'> = Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** The parameters a route's path names, e.g. `{ ref: string }` for `'/api/trades/{ref}/timeline'`; never for a path that names none. */
export type PathParams<P extends keyof paths, M extends Method = 'get'> = Operation<P, M> extends { parameters: { path: infer A } } ? A : never;

/** The routes a GET reads. */
export type ReadRoute = { [P in keyof paths]: paths[P]['get'] extends undefined ? never : P }[keyof paths];
