import type { TradeEconomics, TradeEventV1, TradeStatus } from '@postera/contracts';

/**
 * What a batch of trade.events.v1 changes in one trade's activity row. One trade's events are in
 * order on its partition, so they are folded in order: the last economics (captured, or the
 * amended ones) and the last status win; a cancelled trade stays cancelled.
 */
export interface TradeActivityPatch {
  tradeRef: string;
  /** The economics of the last TradeCaptured or TradeAmended (after) of the batch; null: unchanged. */
  economics: TradeEconomics | null;
  version: number | null;
  status: TradeStatus | null;
  captured: boolean;
  confirmed: boolean;
  validated: boolean;
  cancelled: boolean;
  /** TradeAmended events of the batch. */
  amendments: number;
}

const blank = (tradeRef: string): TradeActivityPatch => ({
  tradeRef,
  economics: null,
  version: null,
  status: null,
  captured: false,
  confirmed: false,
  validated: false,
  cancelled: false,
  amendments: 0,
});

/** The trade reference of a lifecycle event; null for the events that are not about one trade. */
export function tradeRefOf(e: TradeEventV1): string | null {
  switch (e.type) {
    case 'TradeCaptured':
    case 'TradeCancelled':
    case 'TradeValidated':
      return e.payload.trade.tradeRef;
    case 'TradeAmended':
      return e.payload.after.tradeRef;
    case 'TradeConfirmed':
      return e.payload.tradeRef;
    case 'CounterpartyConfirmationIssued':
    case 'UnconfirmedTradesAtClose':
      return null;
  }
  return null; // a type this version does not know (a newer producer)
}

export function foldTradeEvents(events: TradeEventV1[]): Map<string, TradeActivityPatch> {
  const patches = new Map<string, TradeActivityPatch>();
  for (const e of events) {
    const ref = tradeRefOf(e);
    if (ref === null || e.type === 'CounterpartyConfirmationIssued' || e.type === 'UnconfirmedTradesAtClose') continue;
    const p = patches.get(ref) ?? blank(ref);
    patches.set(ref, p);
    // Nothing moves a cancelled trade's status again (capture emits nothing after a cancel; a replay might).
    const setStatus = (s: TradeStatus) => {
      if (!p.cancelled) p.status = s;
    };
    switch (e.type) {
      case 'TradeCaptured':
        p.captured = true;
        p.economics = e.payload.trade;
        p.version = e.payload.trade.version;
        setStatus('CAPTURED');
        break;
      case 'TradeAmended':
        p.amendments += 1;
        p.economics = e.payload.after;
        p.version = e.payload.after.version;
        setStatus(e.payload.status);
        break;
      case 'TradeConfirmed':
        p.confirmed = true;
        setStatus('CONFIRMED');
        break;
      case 'TradeValidated':
        p.validated = true;
        setStatus('VALIDATED');
        break;
      case 'TradeCancelled':
        setStatus('CANCELLED');
        p.cancelled = true;
        break;
    }
  }
  return patches;
}
