import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { answered, apiGetRoute, apiSend } from './api';
import type { SignedIn } from './auth';
import { Bars } from './Bars';
import { formatAmount, formatCount, formatDate, formatRate } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Problem } from './Problem';
import type { BusinessDayCommandResult, BusinessDayState, DayCommand, EodSummary } from './schema';
import { figures, Head } from './Table';

const t = dictionary({
  dayCommands: { fr: 'Ouvrir ou clôturer une journée', en: 'Open or close a day' },
  day: { fr: 'Journée', en: 'Day' },
  openDay: { fr: 'Ouvrir', en: 'Open' },
  closeDay: { fr: 'Clôturer', en: 'Close' },
  confirmOpen: { fr: 'Confirmer l’ouverture du', en: 'Confirm opening' },
  confirmClose: { fr: 'Confirmer la clôture du', en: 'Confirm closing' },
  cancel: { fr: 'Annuler', en: 'Cancel' },
  alreadyDone: { fr: 'déjà fait : rien de nouveau', en: 'already done: nothing new' },
  rates: { fr: 'Taux du jour', en: 'Rates of the day' },
  stp: { fr: 'Traitement automatique (STP)', en: 'Straight-through (STP)' },
  confirmationRate: { fr: 'Confirmation', en: 'Confirmation' },
  failsByReason: { fr: 'Suspens par motif', en: 'Fails by reason' },
  noFails: { fr: 'Aucun suspens.', en: 'No fail.' },
  alerts: { fr: 'Alertes', en: 'Alerts' },
  openExceptions: { fr: 'exceptions ouvertes', en: 'open exceptions' },
  unconfirmedTrades: { fr: 'opérations non confirmées', en: 'unconfirmed trades' },
  lateAvis: { fr: 'avis d’opéré en retard', en: 'late avis d’opéré' },
  failedNotices: { fr: 'envois en échec', en: 'notices that failed to go' },
  openBreaks: { fr: 'écarts de rapprochement ouverts', en: 'open reconciliation breaks' },
  failingInstructions: { fr: 'instructions en suspens', en: 'failing instructions' },
  deadLettersToday: { fr: 'lettres mortes ce jour', en: 'dead letters today' },
  parkedEvents: { fr: 'événements en attente dans les outbox', en: 'events parked in the outboxes' },
  byHour: { fr: 'Exécutions par heure (heure de Paris)', en: 'Executions by hour (Paris time)' },
  tradeDate: { fr: 'Date de négociation', en: 'Trade date' },
  noExecutions: { fr: 'Aucune exécution ce jour-là.', en: 'No execution that day.' },
});

/** The day's executions by the hour they were executed (capture), for the trade date chosen (the business day first). */
function ExecutionsByHour({ lang, token, businessDate }: { lang: Lang; token: string; businessDate: string | null }) {
  const locale = localeOf(lang);
  const [date, setDate] = useState(businessDate ?? '');
  const hours = useQuery({
    queryKey: ['volumes-by-hour', date],
    queryFn: () => apiGetRoute('/api/volumes/by-hour', token, { query: { tradeDate: date } }),
    enabled: /^\d{4}-\d{2}-\d{2}$/.test(date),
  });
  const rows = hours.data ?? [];
  const most = Math.max(1, ...rows.map((h) => h.trades));
  return (
    <>
      <label>
        {t(lang, 'tradeDate')} <input type="date" name="hourly-date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      {hours.isError ? <Problem lang={lang} error={hours.error} /> : null}
      {hours.isSuccess && rows.length === 0 ? (
        <p>{t(lang, 'noExecutions')}</p>
      ) : (
        <Bars
          caption={t(lang, 'byHour')}
          testId="executions-by-hour"
          bars={rows.map((h) => ({ label: `${String(h.hour).padStart(2, '0')}:00`, share: h.trades / most, figure: formatCount(h.trades, locale) }))}
        />
      )}
    </>
  );
}

/** The parts of GET /api/eod-summary this screen shows, each null when its service did not answer. */
const partsOf = (s: EodSummary) => ({
  capture: answered(s.capture),
  settlement: answered(s.settlement),
  accounting: answered(s.accounting),
  reporting: answered(s.reporting),
  notification: answered(s.notification),
});
type Parts = ReturnType<typeof partsOf>;

/** A share of two counts as the decimal string formatRate takes (4 places), or null when there is nothing to share. */
const share = (part: number, whole: number): string | null => (whole > 0 ? (part / whole).toFixed(4) : null);

/** A supervisor opens and closes the business day, each after a second click that names the day. */
function DayCommands({ lang, token, current }: { lang: Lang; token: string; current: BusinessDayState }) {
  const client = useQueryClient();
  const [date, setDate] = useState(current.businessDate ?? '');
  const [asked, setAsked] = useState<'open' | 'close' | null>(null);
  const command = useMutation({
    mutationFn: (action: 'open' | 'close') =>
      apiSend<BusinessDayCommandResult>('POST', `/api/business-day/${action}`, token, { businessDate: date } satisfies DayCommand),
    onSuccess: () => {
      setAsked(null);
      void client.invalidateQueries();
    },
  });
  const locale = localeOf(lang);
  return (
    <div className="actions" data-testid="day-commands">
      <label>
        {t(lang, 'day')} <input type="date" name="business-date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      {asked ? (
        <>
          <button type="button" disabled={command.isPending || !date} onClick={() => command.mutate(asked)}>
            {`${t(lang, asked === 'open' ? 'confirmOpen' : 'confirmClose')} ${date ? formatDate(date, locale) : ''}`}
          </button>
          <button type="button" onClick={() => setAsked(null)}>
            {t(lang, 'cancel')}
          </button>
        </>
      ) : (
        <>
          <button type="button" disabled={!date} onClick={() => setAsked('open')}>
            {t(lang, 'openDay')}
          </button>
          <button type="button" disabled={!date} onClick={() => setAsked('close')}>
            {t(lang, 'closeDay')}
          </button>
        </>
      )}
      {command.data?.alreadyDone ? <span role="status">{t(lang, 'alreadyDone')}</span> : null}
      {command.isError ? <Problem lang={lang} error={command.error} /> : null}
    </div>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure">
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** Today: the business day and the end-of-day summary a head of back office reads in the morning. */
export function Today({ lang, who }: { lang: Lang; who: SignedIn }) {
  const token = who.accessToken;
  const locale = localeOf(lang);
  const breaks = useQuery({ queryKey: ['breaks-summary'], queryFn: () => apiGetRoute('/api/reconciliations/breaks/summary', token) });
  const day = useQuery({ queryKey: ['business-day'], queryFn: () => apiGetRoute('/api/business-day', token) });
  const businessDate = day.data?.businessDate ?? null;
  // Of the business day once it is known (its dead letters, its settlements due); of everything before any day opens.
  const summary = useQuery({
    queryKey: ['eod-summary', businessDate],
    queryFn: () => apiGetRoute('/api/eod-summary', token, { query: businessDate ? { businessDate } : {} }),
    enabled: day.isSuccess,
  });
  // The outbox events the broker refused, per process: a count for the alerts (the processes that answered).
  const parked = useQuery({ queryKey: ['outbox-parked'], queryFn: () => apiGetRoute('/api/outbox/parked', token) });
  const parkedTotals = (parked.data?.services ?? []).flatMap((p) => (p.total === null ? [] : [p.total]));
  const s = summary.data ? partsOf(summary.data) : undefined;
  const n = (v: number | undefined) => (v === undefined ? '—' : formatCount(v, locale));
  return (
    <>
      <h1>{t(lang, 'today')}</h1>
      <section aria-labelledby="day-title">
        <h2 id="day-title">{t(lang, 'businessDay')}</h2>
        {day.isPending ? (
          <p>{t(lang, 'loading')}</p>
        ) : day.isError ? (
          <p role="alert">{`${t(lang, 'error')}: ${day.error.message}`}</p>
        ) : day.data.businessDate ? (
          <p data-testid="business-day">
            {formatDate(day.data.businessDate, locale)} — {t(lang, 'statusIs')}
            {t(lang, day.data.status)}
          </p>
        ) : (
          <p data-testid="business-day">{t(lang, 'noBusinessDay')}</p>
        )}
        {day.data && who.roles.some((r) => r === 'supervisor' || r === 'admin') ? (
          <details>
            <summary>{t(lang, 'dayCommands')}</summary>
            <DayCommands key={`${day.data.businessDate}-${day.data.status}`} lang={lang} token={token} current={day.data} />
          </details>
        ) : null}
      </section>
      <Alerts
        lang={lang}
        summary={s}
        openBreaks={breaks.data?.open}
        deadLetters={s?.reporting?.deadLetters ?? undefined}
        parkedEvents={parkedTotals.length > 0 ? parkedTotals.reduce((a, b) => a + b, 0) : undefined}
      />
      {summary.isError ? <p role="alert">{`${t(lang, 'error')}: ${summary.error.message}`}</p> : null}
      <div className="cards">
        <section aria-labelledby="capture-title" className="card">
          <h2 id="capture-title">{t(lang, 'capture')}</h2>
          {s && !s.capture ? (
            <p>{t(lang, 'unavailable')}</p>
          ) : (
            <dl>
              <Figure label={t(lang, 'captured')} value={n(s?.capture?.captured)} />
              <Figure label={t(lang, 'exceptions')} value={n(s?.capture?.exceptions)} />
              <Figure label={t(lang, 'unconfirmed')} value={n(s?.capture?.unconfirmed)} />
            </dl>
          )}
        </section>
        <section aria-labelledby="settlement-title" className="card">
          <h2 id="settlement-title">{t(lang, 'settlement')}</h2>
          {s && !s.settlement ? (
            <p>{t(lang, 'unavailable')}</p>
          ) : (
            <dl>
              <Figure label={t(lang, 'instructed')} value={n(s?.settlement?.instructed)} />
              <Figure label={t(lang, 'settled')} value={n(s?.settlement?.settled)} />
              <Figure label={t(lang, 'failing')} value={n(s?.settlement?.failing)} />
              <Figure label={t(lang, 'efficiency')} value={s?.reporting?.settlementEfficiency ? formatRate(s.reporting.settlementEfficiency, locale) : '—'} />
            </dl>
          )}
        </section>
        <section aria-labelledby="rates-title" className="card">
          <h2 id="rates-title">{t(lang, 'rates')}</h2>
          <Bars
            caption={t(lang, 'rates')}
            testId="rates"
            bars={[
              { label: t(lang, 'stp'), value: s?.capture ? share(s.capture.captured, s.capture.consumed) : null },
              {
                label: t(lang, 'confirmationRate'),
                value: s?.capture
                  ? share(
                      s.capture.confirmed,
                      Object.entries(s.capture.trades).reduce((a, [k, v]) => (k === 'CANCELLED' ? a : a + v), 0),
                    )
                  : null,
              },
              { label: t(lang, 'efficiency'), value: s?.reporting?.settlementEfficiency ?? null },
            ].map((b) => ({ label: b.label, share: b.value === null ? 0 : Number(b.value), figure: b.value === null ? '—' : formatRate(b.value, locale) }))}
          />
        </section>
        <section aria-labelledby="fails-title" className="card">
          <h2 id="fails-title">{t(lang, 'failsByReason')}</h2>
          {s?.reporting && Object.keys(s.reporting.failsByReason).length > 0 ? (
            <Bars
              caption={t(lang, 'failsByReason')}
              testId="fails-by-reason"
              bars={Object.entries(s.reporting.failsByReason).map(([reason, count], _, all) => ({
                label: reason,
                share: count / Math.max(...all.map(([, c]) => c)),
                figure: formatCount(count, locale),
              }))}
            />
          ) : (
            <p>{t(lang, 'noFails')}</p>
          )}
        </section>
        <section aria-labelledby="hourly-title" className="card">
          <h2 id="hourly-title">{t(lang, 'byHour')}</h2>
          {day.isSuccess ? <ExecutionsByHour lang={lang} token={token} businessDate={businessDate} /> : null}
        </section>
        <section aria-labelledby="accounting-title" className="card wide">
          <h2 id="accounting-title">{t(lang, 'accounting')}</h2>
          {s && !s.accounting ? (
            <p>{t(lang, 'unavailable')}</p>
          ) : (
            <>
              <dl>
                <Figure label={t(lang, 'entries')} value={n(s?.accounting?.entries)} />
              </dl>
              <table>
                <caption>{t(lang, 'byCurrency')}</caption>
                <Head columns={[t(lang, 'currency'), figures(t(lang, 'debit')), figures(t(lang, 'credit')), t(lang, 'balanced')]} />
                <tbody>
                  {(s?.accounting?.perCurrency ?? []).map((c) => (
                    <tr key={c.currency}>
                      <th scope="row">{c.currency}</th>
                      <td className="amount">{formatAmount(c.debit, locale, c.currency)}</td>
                      <td className="amount">{formatAmount(c.credit, locale, c.currency)}</td>
                      <td>{t(lang, c.balanced ? 'yes' : 'no')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </section>
      </div>
    </>
  );
}

/** What needs someone today, each with its count and the screen that works it; a quiet one says so. */
function Alerts({
  lang,
  summary: s,
  openBreaks,
  deadLetters,
  parkedEvents,
}: {
  lang: Lang;
  summary: Parts | undefined;
  openBreaks: number | undefined;
  deadLetters: number | undefined;
  parkedEvents: number | undefined;
}) {
  const locale = localeOf(lang);
  if (!s) return null;
  const items: Array<{ key: string; n: number | undefined; words: Parameters<typeof t>[1]; href: string }> = [
    {
      key: 'exceptions',
      n: s.capture ? Object.values(s.capture.openExceptions).reduce((a, b) => a + b, 0) : undefined,
      words: 'openExceptions',
      href: '#/exceptions',
    },
    { key: 'unconfirmed', n: s.capture?.unconfirmed, words: 'unconfirmedTrades', href: '#/trades' },
    { key: 'failing', n: s.settlement?.failing, words: 'failingInstructions', href: '#/settlement' },
    { key: 'breaks', n: openBreaks, words: 'openBreaks', href: '#/reconciliation' },
    { key: 'late-avis', n: s.notification?.lateAvis, words: 'lateAvis', href: '#/trades' },
    { key: 'failed-notices', n: s.notification?.failed, words: 'failedNotices', href: '#/trades' },
    { key: 'dead-letters', n: deadLetters, words: 'deadLettersToday', href: '#/operations' },
    { key: 'parked-events', n: parkedEvents, words: 'parkedEvents', href: '#/operations' },
  ];
  return (
    <section aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t(lang, 'alerts')}</h2>
      <ul className="alerts" data-testid="alerts">
        {items
          .filter((i) => i.n !== undefined)
          .map((i) => (
            <li key={i.key} className={i.n === 0 ? 'quiet' : undefined} data-testid={`alert-${i.key}`}>
              <a href={i.href}>{`${formatCount(i.n!, locale)} ${t(lang, i.words)}`}</a>
            </li>
          ))}
      </ul>
    </section>
  );
}
