import { useQuery } from '@tanstack/react-query';
import { apiGet } from './api';
import { formatAmount, formatCount, formatDate, formatRate } from './format';
import { localeOf, t, type Lang } from './i18n';

interface BusinessDay {
  calendar: string;
  businessDate: string | null;
  status: 'OPEN' | 'CLOSED' | 'NONE';
}

/** The parts of GET /api/eod-summary this screen shows; a service that did not answer is null. */
interface EodSummary {
  capture: { captured: number; exceptions: number; unconfirmed: number } | null;
  settlement: { instructed: number; settled: number; failing: number } | null;
  accounting: { entries: number; balanced: boolean; perCurrency: Array<{ currency: string; debit: string; credit: string; balanced: boolean }> } | null;
  reporting: { settlementEfficiency: string | null } | null;
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
export function Today({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const day = useQuery({ queryKey: ['business-day'], queryFn: () => apiGet<BusinessDay>('/api/business-day', token) });
  const summary = useQuery({ queryKey: ['eod-summary'], queryFn: () => apiGet<EodSummary>('/api/eod-summary', token) });
  const s = summary.data;
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
      </section>
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
                <thead>
                  <tr>
                    <th scope="col">{t(lang, 'currency')}</th>
                    <th scope="col" className="amount">
                      {t(lang, 'debit')}
                    </th>
                    <th scope="col" className="amount">
                      {t(lang, 'credit')}
                    </th>
                    <th scope="col">{t(lang, 'balanced')}</th>
                  </tr>
                </thead>
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
