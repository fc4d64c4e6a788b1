import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { apiDownload, apiGetRoute } from './api';
import { AccountPicker, useAccountChoice } from './AccountPicker';
import { formatAmount, formatDate } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { Pager, useKeysetPages } from './Pager';
import { Problem } from './Problem';
import type { TrialBalanceLine } from './schema';
import { figures, Head } from './Table';

const w = dictionary({
  day: { fr: 'Journée', en: 'Day' },
  trialBalance: { fr: 'Balance du jour', en: 'Trial balance of the day' },
  trialBalanceOf: { fr: 'Balance, en', en: 'Trial balance, in' },
  ledgerAccount: { fr: 'Compte général', en: 'Ledger account' },
  accountName: { fr: 'Intitulé', en: 'Name' },
  book: { fr: 'Portefeuille', en: 'Book' },
  opening: { fr: 'Solde d’ouverture', en: 'Opening balance' },
  closing: { fr: 'Solde de clôture', en: 'Closing balance' },
  noLines: { fr: 'Aucune écriture à cette date.', en: 'No journal line on this day.' },
  cash: { fr: 'Trésorerie par devise', en: 'Cash by currency' },
  cashCaption: { fr: 'Soldes de trésorerie par devise et dépositaire à la date', en: 'Cash balances per currency and custodian on the day' },
  custodian: { fr: 'Dépositaire', en: 'Custodian' },
  balance: { fr: 'Solde', en: 'Balance' },
  noCash: { fr: 'Aucun mouvement de trésorerie à cette date.', en: 'No cash movement up to this day.' },
  positions: { fr: 'Positions par compte', en: 'Positions by account' },
  positionsOf: { fr: 'Positions de', en: 'Positions of' },
  tradeDateQuantity: { fr: 'Quantité (date de négociation)', en: 'Quantity (trade date)' },
  settlementDateQuantity: { fr: 'Quantité (date de règlement)', en: 'Quantity (settlement date)' },
  cost: { fr: 'Coût', en: 'Cost' },
  realized: { fr: 'Résultat réalisé', en: 'Realised result' },
  noPositions: { fr: 'Aucune position sur ce compte.', en: 'No position on this account.' },
  fx: { fr: 'Résultats de change', en: 'FX results' },
  fxCaption: { fr: 'Résultats de change du jour par portefeuille et devise', en: 'FX results of the day per book and currency' },
  position: { fr: 'Position', en: 'Position' },
  rate: { fr: 'Cours', en: 'Rate' },
  resultEur: { fr: 'Résultat (EUR)', en: 'Result (EUR)' },
  noFx: { fr: 'Aucun résultat de change ce jour.', en: 'No FX result on this day.' },
  downloads: { fr: 'Téléchargements', en: 'Downloads' },
  generalLedger: { fr: 'Télécharger le grand livre (JSON)', en: 'Download the general ledger (JSON)' },
  fec: { fr: 'Télécharger le FEC', en: 'Download the FEC' },
  downloaded: { fr: 'Téléchargé :', en: 'Downloaded:' },
});

/** The referential's accounts the picker offers: one page, the API's largest. */
const POSITIONS_PAGE = 100;
/** The most currencies a page of cash holds: more than ISO 4217 lists. */
const CASH_CURRENCIES = 500;

/**
 * The books of a day: the trial balance one currency at a time, cash, the positions of an account,
 * the FX results, and the general ledger and FEC to download. The day is the business day until
 * another is chosen.
 */
export function Books({ lang, token }: { lang: Lang; token: string }) {
  const locale = localeOf(lang);
  const businessDay = useQuery({ queryKey: ['business-day'], queryFn: () => apiGetRoute('/api/business-day', token) });
  const [picked, setPicked] = useState<string | null>(null);
  const date = picked ?? businessDay.data?.businessDate ?? null;
  const [currency, setCurrency] = useState<string | null>(null);
  const [download, setDownload] = useState<{ name: string } | Error | null>(null);

  const balance = useQuery({
    queryKey: ['trial-balance', date],
    // The route serves the general ledger's lines too: the path asks for the trial balance's.
    queryFn: () =>
      apiGetRoute('/api/exports/{name}', token, { path: { name: 'trial-balance' }, query: { from: date!, to: date! } }) as Promise<TrialBalanceLine[]>,
    enabled: date !== null,
  });
  // Cash pages by currency: one page of the most there may be holds every currency the books have.
  const cash = useQuery({
    queryKey: ['cash', date],
    queryFn: () => apiGetRoute('/api/cash', token, { query: { asOf: date!, limit: CASH_CURRENCIES } }),
    enabled: date !== null,
  });
  const fx = useQuery({
    queryKey: ['fx-results', date],
    queryFn: () => apiGetRoute('/api/fx/results', token, { query: { from: date!, to: date! } }),
    enabled: date !== null,
  });
  const choice = useAccountChoice(token);
  const chosenAccount = choice.chosen;
  // An omnibus account holds thousands of lines: its positions come a page at a time, by ISIN.
  const positionPages = useKeysetPages();
  const positions = useQuery({
    queryKey: ['positions', chosenAccount, date, positionPages.after],
    queryFn: () =>
      apiGetRoute('/api/positions/{account}', token, {
        path: { account: chosenAccount! },
        query: { asOf: date!, limit: POSITIONS_PAGE, ...(positionPages.after ? { after: positionPages.after } : {}) },
      }),
    enabled: date !== null && chosenAccount !== null,
    placeholderData: keepPreviousData,
  });

  const rows = balance.data ?? [];
  const currencies = [...new Set(rows.map((r) => r.currency))].sort();
  const shownCurrency = currency !== null && currencies.includes(currency) ? currency : (currencies[0] ?? null);
  const save = (path: string, fallbackName: string) => {
    setDownload(null);
    apiDownload(path, token, fallbackName).then(
      ({ name }) => setDownload({ name }),
      (e: Error) => setDownload(e),
    );
  };

  return (
    <>
      <h1>{w(lang, 'books')}</h1>
      <div className="filters">
        <label>
          {w(lang, 'day')}
          <input
            name="day"
            type="date"
            value={date ?? ''}
            onChange={(e) => {
              setPicked(e.target.value || null);
              positionPages.first();
            }}
          />
        </label>
        <label>
          {w(lang, 'currency')}
          <select name="currency" value={shownCurrency ?? ''} onChange={(e) => setCurrency(e.target.value)}>
            {currencies.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      {businessDay.isError ? <Problem lang={lang} error={businessDay.error} /> : null}

      <section aria-labelledby="trial-balance-title">
        <h2 id="trial-balance-title">{w(lang, 'trialBalance')}</h2>
        {balance.isError ? <Problem lang={lang} error={balance.error} /> : null}
        <table data-testid="trial-balance">
          <caption>{`${w(lang, 'trialBalanceOf')} ${shownCurrency ?? '—'}${date ? `, ${formatDate(date, locale)}` : ''}`}</caption>
          <Head
            columns={[
              w(lang, 'ledgerAccount'),
              w(lang, 'accountName'),
              w(lang, 'book'),
              figures(w(lang, 'opening')),
              figures(w(lang, 'debit')),
              figures(w(lang, 'credit')),
              figures(w(lang, 'closing')),
            ]}
          />
          <tbody>
            {rows
              .filter((r) => r.currency === shownCurrency)
              .map((r) => (
                <tr key={`${r.account} ${r.book}`}>
                  <th scope="row">{r.account}</th>
                  <td>{r.name}</td>
                  <td>{r.book}</td>
                  <td className="amount">{formatAmount(r.opening, locale, r.currency)}</td>
                  <td className="amount">{formatAmount(r.debit, locale, r.currency)}</td>
                  <td className="amount">{formatAmount(r.credit, locale, r.currency)}</td>
                  <td className="amount">{formatAmount(r.closing, locale, r.currency)}</td>
                </tr>
              ))}
          </tbody>
        </table>
        {balance.isSuccess && rows.length === 0 ? <p>{w(lang, 'noLines')}</p> : null}
      </section>

      <section aria-labelledby="cash-title">
        <h2 id="cash-title">{w(lang, 'cash')}</h2>
        {cash.isError ? <Problem lang={lang} error={cash.error} /> : null}
        <table data-testid="cash">
          <caption>{w(lang, 'cashCaption')}</caption>
          <Head columns={[w(lang, 'currency'), w(lang, 'custodian'), figures(w(lang, 'balance'))]} />
          <tbody>
            {(cash.data ?? []).map((c) => (
              <tr key={`${c.currency} ${c.custodian}`}>
                <th scope="row">{c.currency}</th>
                <td>{c.custodian}</td>
                <td className="amount">{formatAmount(c.balance, locale, c.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {cash.isSuccess && cash.data.length === 0 ? <p>{w(lang, 'noCash')}</p> : null}
      </section>

      <section aria-labelledby="positions-title">
        <h2 id="positions-title">{w(lang, 'positions')}</h2>
        <AccountPicker lang={lang} label={w(lang, 'account')} name="account" choice={choice} onPick={positionPages.first} />
        {positions.isError ? <Problem lang={lang} error={positions.error} /> : null}
        <table data-testid="positions">
          <caption>{`${w(lang, 'positionsOf')} ${chosenAccount ?? '—'}${date ? `, ${formatDate(date, locale)}` : ''}`}</caption>
          <Head
            columns={[
              'ISIN',
              figures(w(lang, 'tradeDateQuantity')),
              figures(w(lang, 'settlementDateQuantity')),
              figures(w(lang, 'cost')),
              figures(w(lang, 'realized')),
            ]}
          />
          <tbody>
            {(positions.data ?? []).map((p) => (
              <tr key={p.isin}>
                <th scope="row">{p.isin}</th>
                <td className="amount">{formatAmount(p.tradeDateQuantity, locale)}</td>
                <td className="amount">{formatAmount(p.settlementDateQuantity, locale)}</td>
                <td className="amount">{p.cost ? formatAmount(p.cost.cost, locale, p.cost.currency) : '—'}</td>
                <td className="amount">{p.cost ? formatAmount(p.cost.realized, locale, p.cost.currency) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {positions.isSuccess && positions.data.length === 0 ? <p>{w(lang, 'noPositions')}</p> : null}
        <Pager lang={lang} pages={positionPages} shown={positions.data?.length ?? 0} size={POSITIONS_PAGE} lastKey={positions.data?.at(-1)?.isin} />
      </section>

      <section aria-labelledby="fx-title">
        <h2 id="fx-title">{w(lang, 'fx')}</h2>
        {fx.isError ? <Problem lang={lang} error={fx.error} /> : null}
        <table data-testid="fx-results">
          <caption>{w(lang, 'fxCaption')}</caption>
          <Head columns={[w(lang, 'book'), w(lang, 'currency'), figures(w(lang, 'position')), figures(w(lang, 'rate')), figures(w(lang, 'resultEur'))]} />
          <tbody>
            {(fx.data?.results ?? []).map((r, i) => (
              <tr key={i}>
                <th scope="row">{r.book}</th>
                <td>{r.currency}</td>
                <td className="amount">{formatAmount(r.position, locale, r.currency)}</td>
                <td className="amount">{formatAmount(r.rate, locale)}</td>
                <td className="amount">{formatAmount(r.resultEur, locale, 'EUR')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {fx.isSuccess && fx.data.results.length === 0 ? <p>{w(lang, 'noFx')}</p> : null}
      </section>

      <section aria-labelledby="downloads-title">
        <h2 id="downloads-title">{w(lang, 'downloads')}</h2>
        <div className="actions">
          <button
            type="button"
            disabled={date === null}
            onClick={() => save(`/api/exports/general-ledger?from=${date}&to=${date}`, `general-ledger-${date}.json`)}
          >
            {w(lang, 'generalLedger')}
          </button>
          <button type="button" disabled={date === null} onClick={() => save(`/api/exports/fec?from=${date}&to=${date}`, `FEC-${date}.txt`)}>
            {w(lang, 'fec')}
          </button>
        </div>
        <div role="status" data-testid="download-status">
          {download instanceof Error ? <Problem lang={lang} error={download} /> : download ? <p>{`${w(lang, 'downloaded')} ${download.name}`}</p> : null}
        </div>
      </section>
    </>
  );
}
