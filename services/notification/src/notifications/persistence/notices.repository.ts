import { deterministicId } from '@postera/kernel';
import type { DataSource, EntityManager } from 'typeorm';
import type { NoticeReference } from '../domain/avis-d-opere.js';
import { issueDateOf } from '../domain/date-format.js';
import { buildNoticeDocument } from '../domain/notice-document.js';
import type { NotificationKind } from '../domain/render-notification.js';

export interface NewNotice {
  kind: NotificationKind;
  causeEventId: string;
  tradeRef: string;
  tradeVersion: number | null;
  recipientType: 'CLIENT' | 'COUNTERPARTY';
  /** The account (CLIENT) or the LEI (COUNTERPARTY). */
  party: string;
  payload: unknown;
  refersTo?: string | null;
}

/** The id of the notice one event owes one party: the same cause always yields the same id. */
export function noticeId(n: Pick<NewNotice, 'causeEventId' | 'kind' | 'party'>): string {
  return deterministicId('notice', n.causeEventId, n.kind, n.party);
}

/** The delivery of a notice to one recipient on one channel: stable, so a re-routed notice finds its row. */
export function deliveryId(notice: string, channel: string, recipient: string): string {
  return deterministicId('notification', notice, channel, recipient);
}

/**
 * The last trade confirmation (avis or amended avis) owed to each party for each trade, keyed
 * `tradeRef|party`; absent when none was. One query for a whole batch, looked up pair by pair in
 * the trade's notices (notices_trade_ref): joined as a set, the planner hashed every avis of the
 * table against the batch — 16,000 rows, 26 ms, for a batch of 100 after a 20,000-trade day.
 */
export const LATEST_CONFIRMATIONS_SQL = `SELECT w.trade_ref, w.party, l.notice_id, l.kind, l.issued_on, l.trade_version
     FROM (SELECT DISTINCT * FROM unnest($1::text[], $2::text[])) AS w(trade_ref, party)
     CROSS JOIN LATERAL (
       SELECT n.notice_id, n.kind, to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS issued_on, n.trade_version
       FROM notification.notices n
       WHERE n.trade_ref = w.trade_ref AND n.party = w.party AND n.kind IN ('AVIS_OPERE', 'AMENDMENT_NOTICE')
       ORDER BY n.trade_version DESC NULLS LAST, n.created_at DESC
       LIMIT 1) AS l`;

export async function latestConfirmations(tx: EntityManager, wanted: Array<{ tradeRef: string; party: string }>): Promise<Map<string, NoticeReference>> {
  if (wanted.length === 0) return new Map();
  const rows = (await tx.query(LATEST_CONFIRMATIONS_SQL, [wanted.map((w) => w.tradeRef), wanted.map((w) => w.party)])) as Array<{
    trade_ref: string;
    party: string;
    notice_id: string;
    kind: string;
    issued_on: string;
    trade_version: number | null;
  }>;
  return new Map(rows.map((r) => [`${r.trade_ref}|${r.party}`, { noticeId: r.notice_id, kind: r.kind, issuedOn: r.issued_on, tradeVersion: r.trade_version }]));
}

/** Kind and payload of notices by id (what an amendment notice says the client was told before). */
export async function noticePayloads(tx: EntityManager, ids: string[]): Promise<Map<string, { kind: string; payload: unknown }>> {
  if (ids.length === 0) return new Map();
  const rows = (await tx.query(`SELECT notice_id, kind, payload FROM notification.notices WHERE notice_id = ANY($1::uuid[])`, [ids])) as Array<{
    notice_id: string;
    kind: string;
    payload: unknown;
  }>;
  return new Map(rows.map((r) => [r.notice_id, { kind: r.kind, payload: r.payload }]));
}

interface UnroutedRow {
  notice_id: string;
  kind: NotificationKind;
  cause_event_id: string;
  trade_ref: string;
  recipient_type: 'CLIENT' | 'COUNTERPARTY';
  party: string;
  payload: unknown;
  created_at: Date;
  client_id: string | null;
  client_name: string | null;
  account_type: 'CLIENT' | 'PROPRIETARY' | null;
  c_language: 'fr' | 'en' | null;
  c_contacts: Array<{ channel: string; address: string }> | null;
  base_currency: string | null;
  notice_delivery: 'IMMEDIATE' | 'DAILY' | null;
  p_name: string | null;
  p_language: 'fr' | 'en' | null;
  p_contacts: Array<{ channel: string; address: string }> | null;
  instrument_name: string | null;
}

export interface RouteResult {
  routed: number;
  deliveries: number;
  skipped: number;
  noContact: number;
}

/** The ISIN of a notice's payload, wherever its kind keeps it (the trade, the amended or cancelled trade, the failing instruction). */
const NOTICE_ISIN = `coalesce(k.payload->>'isin', k.payload->'trade'->>'isin', k.payload->'instruction'->>'isin')`;

const UNROUTED_COLUMNS = `k.notice_id, k.kind, k.cause_event_id, k.trade_ref, k.recipient_type, k.party, k.payload, k.created_at,
              c.client_id, c.client_name, c.account_type, c.language AS c_language, c.contacts AS c_contacts, c.base_currency, c.notice_delivery,
              p.name AS p_name, p.language AS p_language, p.contacts AS p_contacts, i.name AS instrument_name
       FROM notification.notices k
       LEFT JOIN notification.client_contacts c ON k.recipient_type = 'CLIENT' AND c.account = k.party
       LEFT JOIN notification.counterparty_contacts p ON k.recipient_type = 'COUNTERPARTY' AND p.lei = k.party
       LEFT JOIN notification.instrument_names i ON i.isin = ${NOTICE_ISIN}`;

/**
 * The parties a router pass has something to route for: those with a WAITING notice whose contacts
 * are now known, and those with a NO_CONTACT notice whose contacts changed since. A party nobody
 * gave contacts for can hold any number of WAITING notices (a counterparty's confirmation, one per
 * trade), a party without a usable contact any number of NO_CONTACT ones, and a pass that walked the
 * notices read all of them, every second, more each day (20,000 rows, 26 ms, after a 20,000-trade
 * day). This walks the parties instead: one probe of notices_unrouted_party per distinct party (an
 * index skip scan, written out as a recursive query), its contacts' last change, and two probes of
 * the same index for a notice that change concerns. Its cost follows the parties, not the notices.
 */
export const ROUTABLE_PARTIES_SQL = `WITH RECURSIVE unrouted(party) AS (
         (SELECT party FROM notification.notices WHERE status IN ('WAITING', 'NO_CONTACT') ORDER BY party LIMIT 1)
         UNION ALL
         SELECT (SELECT n.party FROM notification.notices n
                 WHERE n.status IN ('WAITING', 'NO_CONTACT') AND n.party > u.party ORDER BY n.party LIMIT 1)
         FROM unrouted u WHERE u.party IS NOT NULL)
       SELECT u.party FROM unrouted u
       CROSS JOIN LATERAL (
         SELECT max(x.updated_at) AS updated_at FROM (
           SELECT c.updated_at FROM notification.client_contacts c WHERE c.account = u.party
           UNION ALL SELECT p.updated_at FROM notification.counterparty_contacts p WHERE p.lei = u.party) x) AS known
       WHERE known.updated_at IS NOT NULL
         AND (EXISTS (SELECT 1 FROM notification.notices n WHERE n.party = u.party AND n.status = 'WAITING')
           OR EXISTS (SELECT 1 FROM notification.notices n WHERE n.party = u.party AND n.status = 'NO_CONTACT' AND n.routed_at < known.updated_at))`;

/** What a router pass takes ($1: at most so many) of those parties' ($2) unrouted notices, oldest first. */
export const ROUTER_SELECTION_SQL = `SELECT ${UNROUTED_COLUMNS}
       WHERE k.party = ANY ($2::text[]) AND k.status IN ('WAITING', 'NO_CONTACT') AND (c.account IS NOT NULL OR p.lei IS NOT NULL)
         AND (k.status = 'WAITING' OR coalesce(c.updated_at, p.updated_at) > k.routed_at)
       ORDER BY k.created_at, k.notice_id
       LIMIT $1
       FOR UPDATE OF k SKIP LOCKED`;

/**
 * Routing: a notice whose party is known gets one delivery (notifications row) per contact —
 * EMAIL or WEBHOOK, in the party's language — and its structured document. A proprietary account
 * is SKIPPED; a party with no contact is NO_CONTACT (visible to operators) and routed again when its
 * contacts change. Notices whose party is unknown wait. One transaction per pass, SKIP LOCKED so
 * replicas route disjoint sets; the deterministic delivery ids make a repeated pass add nothing.
 * A pass is a handful of statements whatever its size: the selection, one update per kind of
 * outcome, and the deliveries.
 */
export async function routeNotices(ds: DataSource, firmName: string, limit: number): Promise<RouteResult> {
  return ds.transaction(async (tx) => {
    const parties = ((await tx.query(ROUTABLE_PARTIES_SQL)) as Array<{ party: string }>).map((p) => p.party);
    if (parties.length === 0) return { routed: 0, deliveries: 0, skipped: 0, noContact: 0 };
    const rows = (await tx.query(ROUTER_SELECTION_SQL, [limit, parties])) as UnroutedRow[];
    return writeRoutes(tx, rows, firmName);
  });
}

/** The columns of a notice's party and instrument (UNROUTED_COLUMNS but the notice's own). */
type PartyColumns = Omit<UnroutedRow, 'notice_id' | 'kind' | 'cause_event_id' | 'trade_ref' | 'recipient_type' | 'party' | 'payload' | 'created_at'>;

/** The ISIN of a notice's payload, read where NOTICE_ISIN reads it. */
function noticeIsin(payload: unknown): string | null {
  const p = payload as { isin?: unknown; trade?: { isin?: unknown } | null; instruction?: { isin?: unknown } | null } | null;
  const isin = [p?.isin, p?.trade?.isin, p?.instruction?.isin].find((x) => x !== undefined && x !== null);
  return typeof isin === 'string' ? isin : null;
}

/**
 * Writes the notices owed (the trade and settlement consumers, the close's fail reminders), each
 * routed as it is written: ROUTED with its document and deliveries, NO_CONTACT, or — its party not
 * known yet, or its document not buildable (an error the router reports) — WAITING for the router.
 * An avis does not wait for the router's next pass (a hop, with its transaction and its queue), and
 * a notice row is written once, not inserted WAITING then updated. Two statements whatever the
 * count: the parties' contacts, read with the transaction's time (the notices' `created_at`, the
 * day their documents are issued on); then the notices and, for those inserted, their deliveries.
 * ON CONFLICT DO NOTHING on (cause_event_id, kind, party) is "once per event and recipient": a
 * notice already written is left as it is and gets no delivery here. A client account known as
 * proprietary gets no notice.
 */
export async function writeNotices(tx: EntityManager, firmName: string, notices: NewNotice[]): Promise<RouteResult> {
  // One row per notice id, the first owed (as ON CONFLICT DO NOTHING keeps the first of a statement).
  const owed = new Map<string, NewNotice>();
  for (const n of notices) {
    const id = noticeId(n);
    if (!owed.has(id)) owed.set(id, n);
  }
  if (owed.size === 0) return { routed: 0, deliveries: 0, skipped: 0, noContact: 0 };
  const ids = [...owed.keys()];
  const news = [...owed.values()];
  const parties = (await tx.query(
    `SELECT c.client_id, c.client_name, c.account_type, c.language AS c_language, c.contacts AS c_contacts, c.base_currency, c.notice_delivery,
            p.name AS p_name, p.language AS p_language, p.contacts AS p_contacts, i.name AS instrument_name, now() AS created_at,
            c.account IS NOT NULL OR p.lei IS NOT NULL AS known
     FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS u(recipient_type, party, isin, n)
     LEFT JOIN notification.client_contacts c ON u.recipient_type = 'CLIENT' AND c.account = u.party
     LEFT JOIN notification.counterparty_contacts p ON u.recipient_type = 'COUNTERPARTY' AND p.lei = u.party
     LEFT JOIN notification.instrument_names i ON i.isin = u.isin
     ORDER BY u.n`,
    [news.map((n) => n.recipientType), news.map((n) => n.party), news.map((n) => noticeIsin(n.payload))],
  )) as Array<PartyColumns & { created_at: Date; known: boolean }>;
  // The notices a client account known as proprietary is owed are not written.
  const written = news
    .map((n, i) => {
      const { known, ...party } = parties[i]!;
      const row: UnroutedRow = {
        ...party,
        notice_id: ids[i]!,
        kind: n.kind,
        cause_event_id: n.causeEventId,
        trade_ref: n.tradeRef,
        recipient_type: n.recipientType,
        party: n.party,
        payload: n.payload,
      };
      return { n, row, known };
    })
    .filter(({ row }) => !(row.recipient_type === 'CLIENT' && row.account_type === 'PROPRIETARY'));
  const plan = planRoutes(
    written.filter((w) => w.known).map((w) => w.row),
    firmName,
    false,
  );
  // What planRoutes leaves out (a document it could not build) and the parties not known are WAITING.
  const outcome = new Map<string, { status: string; reason: string | null; language: string | null; routed?: RoutedNotice }>();
  for (const r of plan.routed) outcome.set(r.noticeId, { status: 'ROUTED', reason: null, language: r.language, routed: r });
  for (const u of plan.unrouted) outcome.set(u.noticeId, { status: u.status, reason: u.reason, language: u.language });
  const col = <T>(f: (w: (typeof written)[number], o: ReturnType<(typeof outcome)['get']>) => T) => written.map((w) => f(w, outcome.get(w.row.notice_id)));
  const dcol = <T>(f: (d: PlannedDelivery) => T) => plan.deliveries.map(f);
  const inserted = (await tx.query(
    `WITH notices AS (
       INSERT INTO notification.notices (notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, refers_to,
         created_at, status, status_reason, routed_at, party_id, party_name, language, base_currency, instrument_name, document)
       SELECT u.notice_id, u.kind, u.cause_event_id, u.trade_ref, u.trade_version, u.recipient_type, u.party, u.payload, u.refers_to,
         now(), u.status, u.status_reason, CASE WHEN u.status <> 'WAITING' THEN now() END, u.party_id, u.party_name, u.language, u.base_currency,
         u.instrument_name, u.document
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::jsonb[], $9::uuid[], $10::text[], $11::text[],
         $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::jsonb[])
         AS u(notice_id, kind, cause_event_id, trade_ref, trade_version, recipient_type, party, payload, refers_to, status, status_reason,
           party_id, party_name, language, base_currency, instrument_name, document)
       ON CONFLICT DO NOTHING
       RETURNING notice_id, status),
     deliveries AS (
       INSERT INTO notification.notifications (notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, language, status)
       SELECT d.* FROM unnest($18::uuid[], $19::uuid[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[], $25::text[], $26::text[], $27::text[])
         AS d(notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, language, status)
       WHERE d.notice_id IN (SELECT notice_id FROM notices)
       ON CONFLICT DO NOTHING
       RETURNING notification_id)
     SELECT status, (SELECT count(*)::int FROM deliveries) AS deliveries FROM notices`,
    [
      col((w) => w.row.notice_id),
      col((w) => w.n.kind),
      col((w) => w.n.causeEventId),
      col((w) => w.n.tradeRef),
      col((w) => w.n.tradeVersion),
      col((w) => w.n.recipientType),
      col((w) => w.n.party),
      col((w) => JSON.stringify(w.n.payload)),
      col((w) => w.n.refersTo ?? null),
      col((_, o) => o?.status ?? 'WAITING'),
      col((_, o) => o?.reason ?? null),
      col((_, o) => o?.routed?.partyId ?? null),
      col((_, o) => o?.routed?.partyName ?? null),
      col((_, o) => o?.language ?? null),
      col((_, o) => o?.routed?.baseCurrency ?? null),
      col((_, o) => o?.routed?.instrumentName ?? null),
      col((_, o) => (o?.routed ? JSON.stringify(o.routed.document) : null)),
      dcol((d) => d.id),
      dcol((d) => d.noticeId),
      dcol((d) => d.kind),
      dcol((d) => d.cause),
      dcol((d) => d.tradeRef),
      dcol((d) => d.party),
      dcol((d) => d.channel),
      dcol((d) => d.recipient),
      dcol((d) => d.language),
      dcol((d) => d.status),
    ],
  )) as Array<{ status: string; deliveries: number }>;
  return {
    routed: inserted.filter((r) => r.status === 'ROUTED').length,
    deliveries: inserted[0]?.deliveries ?? 0,
    skipped: 0,
    noContact: inserted.filter((r) => r.status === 'NO_CONTACT').length,
  };
}

/** A notice routed: what its row is given. */
interface RoutedNotice {
  noticeId: string;
  partyId: string;
  partyName: string;
  language: string;
  baseCurrency: string | null;
  instrumentName: string | null;
  document: unknown;
}

/** A delivery to write: a notice to one recipient on one channel. */
interface PlannedDelivery {
  id: string;
  noticeId: string;
  kind: string;
  cause: string;
  tradeRef: string;
  party: string;
  channel: string;
  recipient: string;
  language: string;
  status: 'PENDING' | 'HELD';
}

/** Each notice's outcome and its deliveries: what routing decides, before anything is written. */
interface RoutePlan {
  result: RouteResult;
  routed: RoutedNotice[];
  unrouted: Array<{ noticeId: string; status: 'SKIPPED' | 'NO_CONTACT'; language: string | null; reason: string }>;
  deliveries: PlannedDelivery[];
}

/**
 * Routing, for notices whose party is known: one delivery per contact — EMAIL or WEBHOOK, in the
 * party's language — and the structured document; a proprietary account SKIPPED; a party with no
 * contact NO_CONTACT, with what to do. `strict`: a document that cannot be built throws; otherwise
 * that notice is in none of the lists (it stays as it is).
 */
function planRoutes(rows: UnroutedRow[], firmName: string, strict: boolean): RoutePlan {
  const plan: RoutePlan = { result: { routed: 0, deliveries: 0, skipped: 0, noContact: 0 }, routed: [], unrouted: [], deliveries: [] };
  for (const r of rows) {
    if (r.recipient_type === 'CLIENT' && r.account_type === 'PROPRIETARY') {
      plan.unrouted.push({ noticeId: r.notice_id, status: 'SKIPPED', language: null, reason: 'proprietary account: no client to notify' });
      plan.result.skipped++;
      continue;
    }
    const client = r.recipient_type === 'CLIENT';
    const language = (client ? r.c_language : r.p_language) ?? 'en';
    const contacts = uniqueContacts((client ? r.c_contacts : r.p_contacts) ?? []);
    if (contacts.length === 0) {
      plan.unrouted.push({
        noticeId: r.notice_id,
        status: 'NO_CONTACT',
        language,
        reason: client
          ? `no contact for account ${r.party} in refdata.accounts.v1: add one in the referential; the notice is routed when it arrives`
          : `no contact for counterparty ${r.party}: PUT /counterparty-contacts/${r.party}; the notice is routed then`,
      });
      plan.result.noContact++;
      continue;
    }
    const issuedAt = new Date(r.created_at);
    const ctx = {
      firmName,
      clientId: client ? (r.client_id ?? r.party) : r.party,
      clientName: (client ? r.client_name : r.p_name) ?? r.party,
      language,
      baseCurrency: client ? r.base_currency : null,
      issuedOn: issueDateOf(issuedAt),
      instrumentName: r.instrument_name,
    };
    let document: unknown;
    try {
      document = buildNoticeDocument(
        { noticeId: r.notice_id, kind: r.kind, tradeRef: r.trade_ref, payload: r.payload, recipientType: r.recipient_type, party: r.party },
        ctx,
        issuedAt.toISOString(),
      );
    } catch (e) {
      if (strict) throw e;
      continue;
    }
    plan.routed.push({
      noticeId: r.notice_id,
      partyId: ctx.clientId,
      partyName: ctx.clientName,
      language,
      baseCurrency: ctx.baseCurrency,
      instrumentName: r.instrument_name,
      document,
    });
    for (const c of contacts)
      plan.deliveries.push({
        id: deliveryId(r.notice_id, c.channel, c.address),
        noticeId: r.notice_id,
        kind: r.kind,
        cause: r.cause_event_id,
        tradeRef: r.trade_ref,
        party: r.party,
        channel: c.channel,
        recipient: c.address,
        language,
        // A DAILY client's mails wait for the close's digest (not claimable meanwhile); webhooks go per notice.
        status: client && r.notice_delivery === 'DAILY' && c.channel === 'EMAIL' ? 'HELD' : 'PENDING',
      });
    plan.result.routed++;
  }
  return plan;
}

/** A router pass's outcomes and deliveries, written with one statement per kind (not one per notice). */
async function writeRoutes(tx: EntityManager, rows: UnroutedRow[], firmName: string): Promise<RouteResult> {
  const { result, routed, unrouted, deliveries } = planRoutes(rows, firmName, true);
  if (routed.length > 0) {
    await tx.query(
      `UPDATE notification.notices n SET status = 'ROUTED', status_reason = NULL, routed_at = now(), party_id = u.party_id, party_name = u.party_name,
         language = u.language, base_currency = u.base_currency, instrument_name = u.instrument_name, document = u.document
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::text[])
         AS u(notice_id, party_id, party_name, language, base_currency, document, instrument_name)
       WHERE n.notice_id = u.notice_id`,
      [
        routed.map((r) => r.noticeId),
        routed.map((r) => r.partyId),
        routed.map((r) => r.partyName),
        routed.map((r) => r.language),
        routed.map((r) => r.baseCurrency),
        routed.map((r) => JSON.stringify(r.document)),
        routed.map((r) => r.instrumentName),
      ],
    );
  }
  if (unrouted.length > 0) {
    // A SKIPPED notice keeps the language it had; a NO_CONTACT one takes the party's.
    await tx.query(
      `UPDATE notification.notices n SET status = u.status, status_reason = u.reason, routed_at = now(), language = coalesce(u.language, n.language)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS u(notice_id, status, language, reason)
       WHERE n.notice_id = u.notice_id`,
      [unrouted.map((u) => u.noticeId), unrouted.map((u) => u.status), unrouted.map((u) => u.language), unrouted.map((u) => u.reason)],
    );
  }
  if (deliveries.length > 0) {
    const col = <T>(f: (d: PlannedDelivery) => T) => deliveries.map(f);
    const inserted = (await tx.query(
      `INSERT INTO notification.notifications (notification_id, notice_id, kind, cause_event_id, trade_ref, account, channel, recipient, language, status)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])
       ON CONFLICT DO NOTHING RETURNING notification_id`,
      [
        col((d) => d.id),
        col((d) => d.noticeId),
        col((d) => d.kind),
        col((d) => d.cause),
        col((d) => d.tradeRef),
        col((d) => d.party),
        col((d) => d.channel),
        col((d) => d.recipient),
        col((d) => d.language),
        col((d) => d.status),
      ],
    )) as unknown[];
    result.deliveries = inserted.length;
  }
  return result;
}

function uniqueContacts(contacts: Array<{ channel: string; address: string }>): Array<{ channel: 'EMAIL' | 'WEBHOOK'; address: string }> {
  const seen = new Set<string>();
  const out: Array<{ channel: 'EMAIL' | 'WEBHOOK'; address: string }> = [];
  for (const c of contacts) {
    if ((c.channel !== 'EMAIL' && c.channel !== 'WEBHOOK') || typeof c.address !== 'string' || c.address.length === 0) continue;
    const key = `${c.channel} ${c.address}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ channel: c.channel, address: c.address });
  }
  return out;
}
