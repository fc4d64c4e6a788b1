import { Inject, Injectable } from '@nestjs/common';
import {
  CONFIRMATION_REQUIRED_FIELDS,
  envelope,
  Topics,
  type ExecutionOutcome,
  type ExecutionsReceivedV1,
  type IntakeExceptionRaisedV1,
  type TradeEconomics,
  type TradeEventV1,
  type TradeExecutedV1,
  type TradeStatus,
} from '@postera/contracts';
import { deterministicId, isIsoDate, isValidIsin, isValidLei, newId, nextBusinessDay, parseDecimalString, SETTLEMENT_MARKETS, tradeRef } from '@postera/kernel';
import { CONFIG, currentBusinessDay, type BatchContext, type BusinessDayState } from '@postera/platform';
import type { CaptureConfig } from '../config.js';
import { loadReferential, type BatchReferential } from '../referential/referential.reader.js';
import { confirmationAmount, confirmationDifferences, type ConfirmationDifference, type MatchingTolerances } from './domain/confirmation-matching.js';
import { economicsProblems, tradeEconomics } from './domain/trade-economics.js';
import { inputProblems, type InputProblem } from './domain/trade-input-rules.js';
import { referentialProblems, type BusinessDay } from './domain/trade-referential-rules.js';
import { decideVersion } from './domain/trade-versions.js';
import { contentHash, type TradeMessage } from './commands/capture-trade/trade-message.js';
import {
  insertExceptions,
  insertHistory,
  insertReceipts,
  insertVersions,
  loadLatestConfirmations,
  loadReceived,
  loadSeenVersions,
  loadTrades,
  lockTradeRefs,
  saveConfirmations,
  saveTrades,
  type ConfirmationRow,
  type ExceptionRow,
  type HistoryRow,
  type ReceiptOutcome,
  type ReceiptRow,
  type StoredTrade,
  type VersionRow,
} from './persistence/capture.repository.js';

/** One trade message to capture, and who is behind it (null: a trading platform, no person). */
export interface CaptureRequest {
  message: TradeMessage;
  origin: 'ELECTRONIC' | 'MANUAL';
  maker: string | null;
  /** A change by hand that a second person approved before it reached capture: recorded in the trade's history. */
  approval?: Approval;
}

/** The second person of a change that needs two, and the proposal they approved. */
export interface Approval {
  checker: string;
  proposal: string;
}

export interface CaptureResult {
  messageId: string;
  outcome: ReceiptOutcome;
  tradeRef: string | null;
  problems: InputProblem[];
}

/** How the work is recorded: the consumer keeps receipts and exceptions; an operator's replay or manual booking gets the answer instead. */
export interface RecordingMode {
  receipts: boolean;
  exceptions: boolean;
}

/** The state one unit of work changes: trades, confirmations and what to write at the end. */
class Work {
  readonly dirtyTrades = new Map<string, StoredTrade>();
  readonly versions: VersionRow[] = [];
  readonly history: HistoryRow[] = [];
  readonly receipts: ReceiptRow[] = [];
  readonly exceptions: ExceptionRow[] = [];
  readonly confirmations = new Map<string, ConfirmationRow>();
  constructor(
    readonly ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>,
    readonly trades: Map<string, StoredTrade>,
    readonly latestConfirmation: Map<string, ConfirmationRow>,
  ) {}

  put(t: StoredTrade): void {
    this.trades.set(t.tradeRef, t);
    this.dirtyTrades.set(t.tradeRef, t);
  }

  emit(tradeRefKey: string, event: TradeEventV1): void {
    this.ctx.emit({ topic: Topics.tradeEvents, key: tradeRefKey, event });
  }

  async flush(): Promise<void> {
    const tx = this.ctx.tx;
    await saveTrades(tx, [...this.dirtyTrades.values()]);
    await insertVersions(tx, this.versions);
    await insertHistory(tx, this.history);
    await saveConfirmations(tx, [...this.confirmations.values()]);
    await insertReceipts(tx, this.receipts);
    await insertExceptions(tx, this.exceptions);
    await this.announceIntake();
  }

  /**
   * capture.intake.v1: what the intake decided that no other topic shows. One ExecutionsReceived per
   * batch that receipted records of trades.executed.v1, counting its receipts by outcome — so that,
   * summed over the batches of a day, executions received = versions applied (captured, amended,
   * cancelled) + stale versions + exceptions + duplicates, each record exactly one of them, which
   * trade.events.v1 cannot give (stale versions and duplicates publish nothing there; a manual booking
   * and an operator's replay of an exception publish trade events without being a received execution).
   * One event per batch rather than per record keeps the records produced per trade down. And one
   * IntakeExceptionRaised per exception held, whatever its topic (exceptions are rare). Only the
   * consumers write receipts and exceptions (RecordingMode), so an operator's replay announces nothing here.
   */
  private async announceIntake(): Promise<void> {
    const executions = this.receipts.filter((r) => r.topic === Topics.tradesExecuted);
    if (executions.length === 0 && this.exceptions.length === 0) return;
    // Capture's day when it received the records: the report of that day counts them.
    const businessDate = (await currentBusinessDay(this.ctx.tx, 'capture'))?.businessDate ?? null;
    const receivedAt = new Date().toISOString();
    const [first, last] = [executions[0], executions[executions.length - 1]];
    if (first && last) {
      const outcomes: ExecutionsReceivedV1['outcomes'] = {};
      for (const r of executions) {
        const outcome = r.outcome as ExecutionOutcome;
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      }
      const payload: ExecutionsReceivedV1 = {
        businessDate,
        receivedAt,
        outcomes,
        records: executions.length,
        first: first.position ?? '',
        last: last.position ?? '',
      };
      // The id is the batch's first receipt's (topic, message id, delivery), unique among receipts
      // (insertReceipts fails a batch on a clash). A receipt is written in exactly one committed batch:
      // a batch redone after a crash either rolled back, leaving neither receipts nor this event, or
      // committed, so its records read again are REREAD and get no receipt. Either way the batch's
      // event is written once, and an outbox row relayed twice keeps its id, which reporting stores once.
      this.ctx.emit({
        topic: Topics.captureIntake,
        key: first.messageId,
        event: envelope({
          eventId: deterministicId('ExecutionsReceived', first.topic, first.messageId, String(first.delivery ?? 1)),
          type: 'ExecutionsReceived',
          producer: 'capture',
          correlationId: first.messageId,
          causationId: first.messageId,
          occurredAt: receivedAt,
          payload,
        }),
      });
    }
    for (const e of this.exceptions) {
      const payload: IntakeExceptionRaisedV1 = {
        exceptionId: e.exceptionId,
        messageId: e.messageId,
        sourceTopic: logicalTopic(e.record.topic),
        kind: e.kind,
        reasons: e.reasons.map((x) => ({ field: x.field, rule: x.rule })),
        tradeRef: e.tradeRef,
        businessDate,
        receivedAt,
      };
      this.ctx.emit({
        topic: Topics.captureIntake,
        key: e.messageId,
        event: envelope({
          eventId: deterministicId('IntakeExceptionRaised', e.exceptionId),
          type: 'IntakeExceptionRaised',
          producer: 'capture',
          correlationId: e.tradeRef ?? e.messageId,
          causationId: e.messageId,
          occurredAt: receivedAt,
          payload,
        }),
      });
    }
  }
}

/** The catalogue's name of a physical topic (a TOPIC_PREFIX may stand before it). */
const logicalTopic = (physical: string): string =>
  [Topics.tradesExecuted, Topics.confirmationsReceived].find((t) => physical === t || physical.endsWith(`.${t}`)) ?? physical;

const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** How a record stands against what its topic already brought under its message id. */
type Arrival =
  /** The first record with this id: processed; its receipt is delivery 1. */
  | { kind: 'FIRST'; stamp: ReceiptStamp }
  /** This very record read again (same position): it was receipted already, nothing to do. */
  | { kind: 'REREAD' }
  /** Another record with an id already received: a DUPLICATE when its content is the first one's, else an EXCEPTION. */
  | { kind: 'REPEATED'; stamp: ReceiptStamp; sameContent: boolean };

/** What a receipt records of its record besides the outcome. */
interface ReceiptStamp {
  delivery: number;
  contentHash: string | null;
  position: string;
}

const positionOf = (m: TradeMessage) => `${m.record.topic}/${m.record.partition}/${m.record.offset}`;

/** Advisory-lock keys of message ids: two batches carrying one id count its deliveries one after the other. */
const receiptLockKeys = (topic: string, messages: TradeMessage[]) => messages.map((m) => `receipt:${topic}:${m.messageId}`);

/**
 * Sorts a batch's records by what their topic already brought under their message id (and what the
 * batch itself brought before them): every record read gets one receipt, so that consumed counts
 * records and the identity consumed = applied + stale + exceptions + duplicates holds whatever
 * is sent twice. Called under the lock of receiptLockKeys.
 */
async function sortArrivals(tx: BatchContext['tx'], topic: string, messages: TradeMessage[]): Promise<Arrival[]> {
  const known = await loadReceived(
    tx,
    topic,
    messages.map((m) => m.messageId),
  );
  return messages.map((m): Arrival => {
    const position = positionOf(m);
    const hash = m.kind === 'parsed' ? contentHash(m.fields) : null;
    const k = known.get(m.messageId);
    if (!k) {
      known.set(m.messageId, { deliveries: 1, firstHash: hash, positions: new Set([position]) });
      return { kind: 'FIRST', stamp: { delivery: 1, contentHash: hash, position } };
    }
    if (k.positions.has(position)) return { kind: 'REREAD' };
    k.deliveries += 1;
    k.positions.add(position);
    // A receipt stored without a hash (before hashes were kept) is taken as the same content.
    const sameContent = k.firstHash === null || k.firstHash === hash;
    return { kind: 'REPEATED', stamp: { delivery: k.deliveries, contentHash: hash, position }, sameContent };
  });
}

/** The problem of a message id sent again with another content: the id names one message, so this one is held for a person. */
const reusedIdProblem = (m: TradeMessage): InputProblem => ({
  field: 'messageId',
  value: m.messageId,
  rule: 'message id already received with another content: one id names one message (send a new message under a new messageId)',
});

const tradeRefOf = (m: TradeMessage): string | null =>
  m.kind === 'parsed' && typeof m.fields.sourceSystem === 'string' && typeof m.fields.tradeId === 'string'
    ? tradeRef(m.fields.sourceSystem, m.fields.tradeId)
    : null;

/**
 * The trade lifecycle of DOMAIN.md §1 as capture runs it: record each version (NEW, AMEND, CANCEL),
 * enrich it, confirm it against the counterparty's confirmation, and validate it — straight
 * through when confirmed with every check passed, or by a second person when a person booked or
 * corrected it. Every status change is an event on trade.events.v1, written through the outbox in
 * the caller's transaction. The consumer, an operator's replay and a manual booking all come here,
 * so one rule book applies whatever the door.
 */
@Injectable()
export class TradeLifecycle {
  private readonly tolerances: MatchingTolerances;

  constructor(@Inject(CONFIG) config: CaptureConfig) {
    this.tolerances = { price: config.CONFIRMATION_PRICE_TOLERANCE, amount: config.CONFIRMATION_AMOUNT_TOLERANCE };
  }

  // ---------------------------------------------------------------- trade versions

  async capture(ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>, requests: CaptureRequest[], mode: RecordingMode): Promise<CaptureResult[]> {
    const parsed = requests.flatMap((r) => (r.message.kind === 'parsed' ? [r.message.fields] : []));
    const refs = parsed.map((f) => tradeRef(str(f.sourceSystem), str(f.tradeId)));
    const topic = Topics.tradesExecuted;
    await lockTradeRefs(ctx.tx, [
      ...refs,
      ...(mode.receipts
        ? receiptLockKeys(
            topic,
            requests.map((r) => r.message),
          )
        : []),
    ]);
    const [arrivals, ref, dayState, trades, seen, latest] = await Promise.all([
      mode.receipts
        ? sortArrivals(
            ctx.tx,
            topic,
            requests.map((r) => r.message),
          )
        : Promise.resolve(null),
      loadReferential(ctx.tx, {
        accounts: parsed.map((f) => str(f.account)),
        isins: parsed.map((f) => str(f.isin)),
        leis: parsed.map((f) => str(f.counterparty)),
      }),
      currentBusinessDay(ctx.tx, 'capture', BUSINESS_DAY_CALENDAR),
      loadTrades(ctx.tx, refs),
      loadSeenVersions(ctx.tx, refs),
      loadLatestConfirmations(ctx.tx, refs),
    ]);
    const day = businessDayOf(dayState, ref);
    const w = new Work(ctx, trades, latest);
    const results = requests.map((r, i) => {
      const arrival = arrivals?.[i];
      if (!arrival || arrival.kind === 'FIRST') return this.captureOne(w, r, ref, day, seen, mode, arrival?.stamp ?? null);
      return this.repeated(w, r.message, arrival, topic, mode);
    });
    await w.flush();
    if (w.exceptions.length > 0)
      ctx.log.warn(
        { exceptions: w.exceptions.map((e) => ({ messageId: e.messageId, correlationId: e.tradeRef, kind: e.kind, reasons: e.reasons.length })) },
        'held as exceptions',
      );
    return results;
  }

  /**
   * A record whose message id its topic brought before. The same content again is a DUPLICATE,
   * with no effect; another content under that id is an EXCEPTION, its bytes kept for a person (a
   * replay of it applies the content as any message); a record read again (same position) has its
   * receipt already and gets none.
   */
  private repeated(w: Work, m: TradeMessage, arrival: Exclude<Arrival, { kind: 'FIRST' }>, topic: string, mode: RecordingMode): CaptureResult {
    const tRef = tradeRefOf(m);
    if (arrival.kind === 'REREAD') return { messageId: m.messageId, outcome: 'DUPLICATE', tradeRef: tRef, problems: [] };
    const problems = arrival.sameContent ? [] : [reusedIdProblem(m)];
    const outcome: ReceiptOutcome = arrival.sameContent ? 'DUPLICATE' : 'EXCEPTION';
    if (!arrival.sameContent && mode.exceptions)
      w.exceptions.push({
        exceptionId: newId(),
        messageId: m.messageId,
        tradeRef: tRef,
        kind: topic === Topics.confirmationsReceived ? 'CONFIRMATION' : 'INPUT',
        reasons: problems,
        record: m.record,
      });
    w.receipts.push({ messageId: m.messageId, outcome, tradeRef: tRef, topic, ...arrival.stamp });
    return { messageId: m.messageId, outcome, tradeRef: tRef, problems };
  }

  private captureOne(
    w: Work,
    req: CaptureRequest,
    ref: BatchReferential,
    day: BusinessDay | null,
    seen: Map<string, Map<number, string>>,
    mode: RecordingMode,
    stamp: ReceiptStamp | null,
  ): CaptureResult {
    const m = req.message;
    const done = (outcome: ReceiptOutcome, tRef: string | null, problems: InputProblem[] = []): CaptureResult => {
      if (mode.receipts) w.receipts.push({ messageId: m.messageId, outcome, tradeRef: tRef, topic: Topics.tradesExecuted, ...stamp });
      return { messageId: m.messageId, outcome, tradeRef: tRef, problems };
    };
    const raise = (problems: InputProblem[], tRef: string | null, kind: ExceptionRow['kind'] = 'INPUT'): CaptureResult => {
      if (mode.exceptions) w.exceptions.push({ exceptionId: newId(), messageId: m.messageId, tradeRef: tRef, kind, reasons: problems, record: m.record });
      return done('EXCEPTION', tRef, problems);
    };
    if (m.kind === 'malformed') return raise([{ field: '(message)', value: null, rule: m.reason }], null);

    const f = m.fields;
    const formatProblems = inputProblems(f);
    const instrument = ref.instruments.get(str(f.isin));
    const market = instrument ? SETTLEMENT_MARKETS[instrument.settlementMarket] : undefined;
    const checked = referentialProblems(
      f,
      formatProblems,
      {
        account: ref.accounts.get(str(f.account)),
        instrument,
        party: ref.parties.get(str(f.counterparty)),
        calendarOf: () => (market ? ref.calendar(market.calendarCode) : undefined),
      },
      day,
    );
    const tRef = typeof f.sourceSystem === 'string' && typeof f.tradeId === 'string' ? tradeRef(f.sourceSystem, f.tradeId) : null;
    const problems = [...formatProblems, ...checked.problems];
    if (problems.length > 0 || !tRef || !instrument || !checked.calendar) return raise(problems, tRef);

    const msg = f as unknown as TradeExecutedV1;
    const account = ref.accounts.get(msg.account)!;
    let economics: TradeEconomics;
    try {
      economics = tradeEconomics(msg, {
        account,
        instrument,
        party: ref.parties.get(msg.counterparty)!,
        calendar: checked.calendar,
        accountSsi: ref.ssi(msg.account, instrument.settlementMarket, msg.currency),
        counterpartySsi: ref.ssi(msg.counterparty, instrument.settlementMarket, msg.currency),
        origin: req.origin,
        lateBooking: checked.lateBooking,
      });
    } catch (e) {
      // A figure the rules let through but enrichment cannot compute (a date beyond a calendar, a cycle not defined then): an exception, never a poison.
      return raise([{ field: 'tradeDate', value: f.tradeDate, rule: `cannot be enriched: ${(e as Error).message}` }], tRef);
    }
    const figures = economicsProblems(economics);
    if (figures.length > 0) return raise(figures, tRef);

    const hash = contentHash(f);
    const current = w.trades.get(tRef);
    const versionsSeen = seen.get(tRef) ?? new Map<number, string>();
    const decision = decideVersion({ action: msg.action, version: msg.version, hash, tradeId: msg.tradeId }, current, versionsSeen);
    if (decision.kind === 'DUPLICATE') return done('DUPLICATE', tRef);
    if (decision.kind === 'EXCEPTION') return raise(decision.problems, tRef, decision.exceptionKind);
    versionsSeen.set(msg.version, hash);
    seen.set(tRef, versionsSeen);
    const version = (outcome: 'APPLIED' | 'STALE', note: string | null = null) =>
      w.versions.push({ tradeRef: tRef, version: msg.version, action: msg.action, messageId: m.messageId, hash, outcome, note, economics });

    if (decision.kind === 'STALE') {
      version('STALE', decision.note);
      w.history.push({
        tradeRef: tRef,
        version: msg.version,
        status: current!.status,
        eventType: 'StaleVersionIgnored',
        cause: m.messageId,
        actor: req.maker,
        detail: { note: decision.note },
      });
      return done('STALE', tRef);
    }
    version('APPLIED');
    const party = ref.parties.get(msg.counterparty)!;

    if (decision.kind === 'CANCEL') {
      const cancelled = decision.before ?? economics;
      const t: StoredTrade = {
        ...this.blank(tRef, { ...cancelled, version: msg.version }, m.messageId, hash, current?.maker ?? req.maker),
        status: 'CANCELLED',
      };
      w.put(t);
      this.record(w, t, 'TradeCancelled', m.messageId, req.maker);
      this.recordApproval(w, t, m.messageId, req);
      w.emit(
        tRef,
        envelope({
          eventId: deterministicId('TradeCancelled', tRef, String(msg.version)),
          type: 'TradeCancelled',
          producer: 'capture',
          correlationId: tRef,
          causationId: m.messageId,
          payload: { trade: cancelled, cancelVersion: msg.version, status: 'CANCELLED' },
        }),
      );
      return done('CANCELLED', tRef);
    }

    // A person who books or corrects a trade stays its maker: a second person validates it.
    const maker = req.maker ?? current?.maker ?? null;
    const t = this.blank(tRef, economics, m.messageId, hash, maker);
    w.put(t);
    if (decision.kind === 'CAPTURE') {
      this.record(w, t, 'TradeCaptured', m.messageId, req.maker, economics.lateBooking ? { lateBooking: true } : null);
      w.emit(
        tRef,
        envelope({
          eventId: deterministicId('TradeCaptured', tRef, String(msg.version)),
          type: 'TradeCaptured',
          producer: 'capture',
          correlationId: tRef,
          causationId: m.messageId,
          payload: { trade: economics, status: 'CAPTURED' },
        }),
      );
    }
    w.emit(
      tRef,
      envelope({
        eventId: deterministicId('CounterpartyConfirmationIssued', tRef, String(msg.version)),
        type: 'CounterpartyConfirmationIssued',
        producer: 'capture',
        correlationId: tRef,
        causationId: m.messageId,
        payload: {
          tradeRef: tRef,
          version: msg.version,
          counterparty: { lei: party.lei, name: party.name, bic: party.bic },
          side: economics.side,
          isin: economics.isin,
          quantity: economics.quantity,
          price: economics.price,
          priceType: economics.priceType,
          currency: economics.currency,
          tradeDate: economics.tradeDate,
          settlementDate: economics.settlementDate,
          settlementAmount: confirmationAmount(economics),
        },
      }),
    );
    // The counterparty's latest confirmation (it may have come first) decides where the new version stands.
    const conf = w.latestConfirmation.get(tRef);
    const amendedEvent = decision.kind === 'AMEND' ? { before: decision.before, cause: m.messageId } : null;
    if (conf) this.compare(w, t, conf, m.messageId, { onMismatch: conf.status === 'PENDING' ? 'EXCEPTION' : 'IGNORE', amended: amendedEvent });
    else if (amendedEvent) this.emitAmended(w, t, amendedEvent.before, amendedEvent.cause);
    this.recordApproval(w, t, m.messageId, req);
    return done(decision.kind === 'AMEND' ? 'AMENDED' : 'CAPTURED', tRef);
  }

  private blank(tRef: string, economics: TradeEconomics, messageId: string, hash: string, maker: string | null): StoredTrade {
    return {
      tradeRef: tRef,
      version: economics.version,
      status: 'CAPTURED',
      economics,
      maker,
      messageId,
      hash,
      validatedBy: null,
      validatedHow: null,
      confirmationId: null,
    };
  }

  private emitAmended(w: Work, t: StoredTrade, before: TradeEconomics, cause: string): void {
    this.record(w, t, 'TradeAmended', cause, t.maker, { beforeVersion: before.version });
    w.emit(
      t.tradeRef,
      envelope({
        eventId: deterministicId('TradeAmended', t.tradeRef, String(t.version)),
        type: 'TradeAmended',
        producer: 'capture',
        correlationId: t.tradeRef,
        causationId: cause,
        payload: { before, after: t.economics, status: t.status },
      }),
    );
  }

  private record(w: Work, t: StoredTrade, eventType: string, cause: string | null, actor: string | null, detail: unknown = null): void {
    w.history.push({ tradeRef: t.tradeRef, version: t.version, status: t.status, eventType, cause, actor, detail });
  }

  /** Who approved a change made by hand: the checker is the actor, the maker and the proposal the detail. */
  private recordApproval(w: Work, t: StoredTrade, cause: string, req: CaptureRequest): void {
    if (req.approval) this.record(w, t, 'ChangeApproved', cause, req.approval.checker, { maker: req.maker, proposal: req.approval.proposal });
  }

  /**
   * Compares the trade with a confirmation. A match confirms the trade, and validates it when it
   * can go straight through. On a mismatch: a newly received confirmation is an EXCEPTION naming
   * every differing field with both values (or only MARKed so during an operator's replay, who gets
   * the differences as the answer); an amendment that no longer matches an earlier confirmation is
   * IGNOREd — the trade waits for the counterparty's new one. Events go out in lifecycle order:
   * amended (with where the trade ends up), confirmed, validated.
   */
  private compare(
    w: Work,
    t: StoredTrade,
    conf: ConfirmationRow,
    cause: string,
    o: { onMismatch: 'EXCEPTION' | 'MARK' | 'IGNORE'; amended: { before: TradeEconomics; cause: string } | null },
  ): ConfirmationDifference[] {
    const diffs = confirmationDifferences(t.economics, conf.fields, this.tolerances);
    const blockers = straightThroughBlockers(t);
    if (diffs.length === 0) {
      t.status = blockers.length === 0 ? 'VALIDATED' : 'CONFIRMED';
      t.confirmationId = conf.confirmationId;
      w.confirmations.set(conf.messageId, { ...conf, status: 'MATCHED', differences: null, matchedVersion: t.version });
    } else if (o.onMismatch !== 'IGNORE') {
      w.confirmations.set(conf.messageId, { ...conf, status: 'MISMATCHED', differences: diffs, matchedVersion: null });
      if (o.onMismatch === 'EXCEPTION') {
        w.exceptions.push({
          exceptionId: newId(),
          messageId: conf.messageId,
          tradeRef: t.tradeRef,
          kind: 'CONFIRMATION',
          reasons: mismatchReasons(diffs),
          record: { topic: Topics.confirmationsReceived, partition: -1, offset: '-1', key: t.tradeRef, value: conf.original, headers: {}, timestamp: '' },
        });
      }
    }
    w.put(t);
    if (o.amended) this.emitAmended(w, t, o.amended.before, o.amended.cause);
    if (diffs.length > 0) return diffs;
    t.status = 'CONFIRMED';
    this.record(w, t, 'TradeConfirmed', conf.messageId, null, { confirmationId: conf.confirmationId });
    w.emit(
      t.tradeRef,
      envelope({
        eventId: deterministicId('TradeConfirmed', t.tradeRef, String(t.version), conf.messageId),
        type: 'TradeConfirmed',
        producer: 'capture',
        correlationId: t.tradeRef,
        causationId: cause,
        payload: { tradeRef: t.tradeRef, version: t.version, confirmationId: conf.confirmationId, status: 'CONFIRMED' },
      }),
    );
    if (blockers.length === 0) this.validate(w, t, 'STRAIGHT_THROUGH', null, conf.messageId);
    else this.record(w, t, 'ValidationPending', conf.messageId, null, { blockers });
    return diffs;
  }

  private validate(w: Work, t: StoredTrade, how: 'STRAIGHT_THROUGH' | 'MAKER_CHECKER', by: string | null, cause: string, detail: object = {}): void {
    t.status = 'VALIDATED';
    t.validatedBy = by;
    t.validatedHow = how;
    w.put(t);
    this.record(w, t, 'TradeValidated', cause, by, { how, ...detail });
    w.emit(
      t.tradeRef,
      envelope({
        eventId: deterministicId('TradeValidated', t.tradeRef, String(t.version)),
        type: 'TradeValidated',
        producer: 'capture',
        correlationId: t.tradeRef,
        causationId: cause,
        payload: { trade: t.economics, how, validatedBy: by, status: 'VALIDATED' },
      }),
    );
  }

  // ---------------------------------------------------------------- confirmations

  /**
   * Counterparty confirmations (confirmations.received.v1). One whose trade is not captured yet is
   * kept PENDING and compared when the trade arrives: the two topics are not ordered together.
   */
  async receiveConfirmations(
    ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>,
    messages: TradeMessage[],
    mode: RecordingMode,
  ): Promise<Array<{ messageId: string; outcome: ReceiptOutcome; tradeRef: string | null; problems: InputProblem[] }>> {
    const parsed = messages.flatMap((m) => (m.kind === 'parsed' ? [m.fields] : []));
    const refs = parsed.map((f) => tradeRef(str(f.sourceSystem), str(f.tradeId)));
    const topic = Topics.confirmationsReceived;
    await lockTradeRefs(ctx.tx, [...refs, ...(mode.receipts ? receiptLockKeys(topic, messages) : [])]);
    const [arrivals, trades, latest] = await Promise.all([
      mode.receipts ? sortArrivals(ctx.tx, topic, messages) : Promise.resolve(null),
      loadTrades(ctx.tx, refs),
      loadLatestConfirmations(ctx.tx, refs),
    ]);
    const w = new Work(ctx, trades, latest);
    const results = messages.map((m, i) => {
      const arrival = arrivals?.[i];
      if (arrival && arrival.kind !== 'FIRST') return this.repeated(w, m, arrival, topic, mode);
      const stamp = arrival?.stamp ?? null;
      const done = (outcome: ReceiptOutcome, tRef: string | null, problems: InputProblem[] = []) => {
        if (mode.receipts) w.receipts.push({ messageId: m.messageId, outcome, tradeRef: tRef, topic, ...stamp });
        return { messageId: m.messageId, outcome, tradeRef: tRef, problems };
      };
      const raise = (problems: InputProblem[], tRef: string | null) => {
        if (mode.exceptions)
          w.exceptions.push({ exceptionId: newId(), messageId: m.messageId, tradeRef: tRef, kind: 'CONFIRMATION', reasons: problems, record: m.record });
        return done('EXCEPTION', tRef, problems);
      };
      if (m.kind === 'malformed') return raise([{ field: '(message)', value: null, rule: m.reason }], null);
      const f = m.fields;
      const problems = confirmationFormatProblems(f);
      const tRef = typeof f.sourceSystem === 'string' && typeof f.tradeId === 'string' ? tradeRef(f.sourceSystem, f.tradeId) : null;
      if (problems.length > 0 || !tRef) return raise(problems, tRef);
      const previous = w.latestConfirmation.get(tRef);
      // The counterparty's current confirmation sent again under a new id: a DUPLICATE, nothing changes
      // (an operator's replay of a confirmation is always compared again).
      if (previous && mode.receipts && contentHash(previous.fields) === contentHash(f)) return done('DUPLICATE', tRef);
      // The newest confirmation is the counterparty's current view; earlier ones are superseded.
      if (previous) w.confirmations.set(previous.messageId, { ...(w.confirmations.get(previous.messageId) ?? previous), status: 'SUPERSEDED' });
      const conf: ConfirmationRow = {
        messageId: m.messageId,
        confirmationId: str(f.confirmationId),
        tradeRef: tRef,
        counterparty: str(f.counterparty),
        fields: f,
        original: m.record.value ?? Buffer.alloc(0),
        status: 'PENDING',
        differences: null,
        matchedVersion: null,
      };
      w.confirmations.set(conf.messageId, conf);
      w.latestConfirmation.set(tRef, conf);
      const t = w.trades.get(tRef);
      if (!t) return done('PENDING', tRef);
      if (t.status === 'CANCELLED') {
        w.confirmations.set(conf.messageId, { ...conf, status: 'MISMATCHED', differences: [{ field: 'status', ours: 'CANCELLED', theirs: 'confirmed' }] });
        return raise([{ field: 'tradeId', value: f.tradeId, rule: `trade ${tRef} is cancelled: the counterparty confirms a trade we no longer have` }], tRef);
      }
      if (t.status !== 'CAPTURED') {
        // Already confirmed (or further): a re-confirmation that agrees changes nothing; one that differs needs a person.
        const diffs = confirmationDifferences(t.economics, f, this.tolerances);
        w.confirmations.set(conf.messageId, {
          ...conf,
          status: diffs.length ? 'MISMATCHED' : 'MATCHED',
          differences: diffs.length ? diffs : null,
          matchedVersion: diffs.length ? null : t.version,
        });
        if (diffs.length === 0) return done('CONFIRMED', tRef);
        return raise(mismatchReasons(diffs, `on a ${t.status} trade`), tRef);
      }
      const diffs = this.compare(w, t, conf, m.messageId, { onMismatch: mode.exceptions ? 'EXCEPTION' : 'MARK', amended: null });
      if (diffs.length > 0) {
        // compare() holds the exception with the confirmation's bytes; the receipt and the answer say so.
        if (mode.receipts) w.receipts.push({ messageId: m.messageId, outcome: 'EXCEPTION', tradeRef: tRef, topic, ...stamp });
        return { messageId: m.messageId, outcome: 'EXCEPTION' as const, tradeRef: tRef, problems: mismatchReasons(diffs) };
      }
      return done('CONFIRMED', tRef);
    });
    await w.flush();
    return results;
  }

  // ---------------------------------------------------------------- maker-checker

  /**
   * A person validates a trade (DOMAIN.md §1): a trade booked or corrected by hand needs a second,
   * different person; an electronic trade that was confirmed but could not go straight through
   * (an SSI missing, say) may be released by a person once the problem is handled.
   */
  async approve(
    ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>,
    ref: string,
    checker: string,
    /** The approval as a change of its own: who proposed it, and the proposal the checker approved. */
    proposed?: { by: string; proposal: string },
  ): Promise<{ ok: true; trade: StoredTrade } | { ok: false; status: 403 | 404 | 409; problem: string }> {
    await lockTradeRefs(ctx.tx, [ref]);
    const trades = await loadTrades(ctx.tx, [ref]);
    const t = trades.get(ref);
    if (!t) return { ok: false, status: 404, problem: `no trade ${ref}` };
    if (t.maker !== null && t.maker === checker) {
      return { ok: false, status: 403, problem: `maker-checker: ${checker} booked or corrected ${ref} and cannot also validate it; a second person must` };
    }
    if (t.maker === null && t.status !== 'CONFIRMED') {
      return {
        ok: false,
        status: 409,
        problem: `${ref} is ${t.status}: an electronic trade is validated by its counterparty's confirmation; only a confirmed trade held back by a check can be released by hand`,
      };
    }
    if (t.status !== 'CAPTURED' && t.status !== 'CONFIRMED') return { ok: false, status: 409, problem: `${ref} is ${t.status}: nothing to validate` };
    const w = new Work(ctx, trades, new Map());
    this.validate(w, t, 'MAKER_CHECKER', checker, `approval:${checker}`, proposed ? { proposedBy: proposed.by, proposal: proposed.proposal } : {});
    await w.flush();
    return { ok: true, trade: t };
  }

  // ---------------------------------------------------------------- settlement mirror

  /** Settlement's view of a trade, mirrored so that an amendment or cancellation of a settled trade is stopped here. */
  async mirrorSettlement(
    ctx: Pick<BatchContext, 'tx' | 'emit' | 'log'>,
    changes: Array<{ tradeRef: string; status: TradeStatus; cause: string; reason: string | null }>,
  ): Promise<void> {
    const trades = await loadTrades(
      ctx.tx,
      changes.map((c) => c.tradeRef),
    );
    const w = new Work(ctx, trades, new Map());
    for (const c of changes) {
      const t = trades.get(c.tradeRef);
      // Only a validated trade is instructed: an event of an instruction replaced by an amendment finds the trade back before VALIDATED.
      if (!t || t.status === 'CANCELLED' || t.status === c.status || RANK[t.status] < RANK.VALIDATED) continue;
      // Never backwards: a late INSTRUCTED after SETTLED changes nothing; a FAILED trade may still settle.
      if (RANK[c.status] < RANK[t.status]) continue;
      t.status = c.status;
      w.put(t);
      this.record(w, t, 'SettlementStatusMirrored', c.cause, null, c.reason ? { reason: c.reason } : null);
    }
    await w.flush();
  }
}

// ---------------------------------------------------------------- business day

/** The calendar of the business day capture follows (ops.business-day.v1). */
const BUSINESS_DAY_CALENDAR = 'TARGET';

/**
 * The business day with its next open day counted on the calendar capture imported (the batch's
 * referential), not the kernel's built-in one: a closure the referential adds moves the first date
 * accepted early after the close.
 */
function businessDayOf(d: BusinessDayState | null, ref: BatchReferential): BusinessDay | null {
  if (!d) return null;
  const calendar = ref.calendar(BUSINESS_DAY_CALENDAR);
  // Unreachable while the kernel knows the code: the reader falls back to its rule-based calendar.
  if (!calendar) throw new Error(`no ${BUSINESS_DAY_CALENDAR} calendar in the referential to count capture's business days on`);
  return { ...d, nextBusinessDate: nextBusinessDay(d.businessDate, calendar) };
}

const RANK: Record<TradeStatus, number> = {
  CAPTURED: 0,
  CONFIRMED: 1,
  VALIDATED: 2,
  INSTRUCTED: 3,
  FAILED: 4,
  PARTIALLY_SETTLED: 5,
  SETTLED: 6,
  CANCELLED: 7,
};

/** A mismatch as exception reasons: each differing field with both values. */
export function mismatchReasons(diffs: ConfirmationDifference[], context = ''): InputProblem[] {
  return diffs.map((d) => ({
    field: d.field,
    value: { ours: d.ours, theirs: d.theirs },
    rule: `confirmation mismatch${context ? ` ${context}` : ''}: ${d.rule}`,
  }));
}

/** What keeps a confirmed trade from going straight through: a person has to look (DOMAIN.md §1 VALIDATED). */
export function straightThroughBlockers(t: Pick<StoredTrade, 'maker' | 'economics'>): string[] {
  const e = t.economics;
  const blockers: string[] = [];
  if (t.maker !== null) blockers.push(`booked or corrected by ${t.maker}: a second person validates it`);
  if (!e.ssis.account) blockers.push(`no SSI for account ${e.account} in ${e.settlementMarket}/${e.currency}`);
  if (!e.ssis.counterparty) blockers.push(`no SSI for counterparty ${e.counterparty} in ${e.settlementMarket}/${e.currency}`);
  return blockers;
}

/** The rules of a confirmation message itself, before any comparison. */
export function confirmationFormatProblems(f: Record<string, unknown>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const field of CONFIRMATION_REQUIRED_FIELDS) {
    if (f[field] === undefined || f[field] === null || f[field] === '') problems.push({ field, value: f[field] ?? null, rule: 'required' });
  }
  const present = (k: string) => f[k] !== undefined && f[k] !== null && f[k] !== '';
  const check = (k: string, ok: boolean, rule: string) => {
    if (present(k) && !ok) problems.push({ field: k, value: f[k], rule });
  };
  check('counterparty', isValidLei(f.counterparty), 'LEI (ISO 17442) with valid check digits');
  check('isin', isValidIsin(f.isin), 'ISIN (ISO 6166) with a valid check digit');
  check('side', f.side === 'BUY' || f.side === 'SELL', 'one of BUY, SELL');
  for (const k of ['quantity', 'price', 'settlementAmount']) {
    if (!present(k)) continue;
    const d = parseDecimalString(f[k]);
    if (!d.ok) problems.push({ field: k, value: f[k], rule: `decimal string expected (${d.problem})` });
    else if (!d.value.gt(0)) problems.push({ field: k, value: f[k], rule: 'must be greater than 0' });
  }
  check('tradeDate', isIsoDate(f.tradeDate), 'ISO date YYYY-MM-DD');
  check('settlementDate', isIsoDate(f.settlementDate), 'ISO date YYYY-MM-DD');
  return problems;
}

export type { TradeStatus };
