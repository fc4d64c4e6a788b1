import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { BookTrade } from './BookTrade';
import { Pager, useKeysetPages } from './Pager';
import { apiGet } from './api';
import { formatAmount, formatDate } from './format';
import { blotterQuery, NO_FILTER, PAGE, TRADE_STATUSES, type Filters } from './blotter';
import { localeOf, t, type Lang } from './i18n';
import type { Answer } from './schema';
import { figures, Head } from './Table';

/**
 * The blotter: trades by status, ISIN, account, counterparty and trade dates, filtered and paged by
 * the server (keyset: the next page starts after the last reference shown), oldest trade date first.
 */
export function Trades({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const [draft, setDraft] = useState<Filters>(NO_FILTER);
  const [filters, setFilters] = useState<Filters>(NO_FILTER);
  const pages = useKeysetPages();
  const after = pages.after;
  const rows = useQuery({
    queryKey: ['trades', filters, after],
    queryFn: () => apiGet<Answer<'/api/trades'>>(`/api/trades?${blotterQuery(filters, after)}`, token),
    placeholderData: keepPreviousData,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    setFilters(draft);
    pages.first();
  };
  const field = (name: keyof Filters, label: string, type = 'text') => (
    <label>
      {label}
      <input name={name} type={type} value={draft[name]} onChange={(e) => setDraft({ ...draft, [name]: e.target.value })} />
    </label>
  );
  const data = rows.data ?? [];
  return (
    <>
      <h1>{t(lang, 'trades')}</h1>
      <BookTrade lang={lang} token={token} />
      <form className="filters" onSubmit={search} aria-label={t(lang, 'filters')}>
        <label>
          {t(lang, 'status')}
          <select name="status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.target.value })}>
            {TRADE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {field('isin', 'ISIN')}
        {field('account', t(lang, 'account'))}
        {field('counterparty', t(lang, 'counterparty'))}
        {field('tradeDateFrom', t(lang, 'tradeDateFrom'), 'date')}
        {field('tradeDateTo', t(lang, 'tradeDateTo'), 'date')}
        <button type="submit">{t(lang, 'search')}</button>
      </form>
      {rows.isError ? <p role="alert">{`${t(lang, 'error')}: ${rows.error.message}`}</p> : null}
      <table data-testid="blotter">
        <caption>{t(lang, 'tradesCaption')}</caption>
        <Head
          columns={[
            t(lang, 'reference'),
            t(lang, 'tradeDate'),
            t(lang, 'side'),
            figures(t(lang, 'quantity')),
            'ISIN',
            t(lang, 'account'),
            t(lang, 'counterparty'),
            t(lang, 'status'),
          ]}
        />
        <tbody>
          {data.map((r) => (
            <tr key={r.tradeRef}>
              <th scope="row">
                <a href={`#/trade/${encodeURIComponent(r.tradeRef)}`}>{r.tradeRef}</a>
              </th>
              <td>{formatDate(r.tradeDate, locale)}</td>
              <td>{t(lang, r.side)}</td>
              <td className="amount">{formatAmount(r.quantity, locale)}</td>
              <td>{r.isin}</td>
              <td>{r.account}</td>
              <td>{r.counterparty}</td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!rows.isPending && data.length === 0 ? <p>{t(lang, 'noTrades')}</p> : null}
      <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={data.at(-1)?.tradeRef} />
    </>
  );
}
