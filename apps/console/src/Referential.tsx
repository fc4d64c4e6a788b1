import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { apiReferential } from './api';
import { formatCount, formatDate } from './format';
import { ListChoice, Pager, useKeysetPages } from './Pager';
import { dictionary, localeOf, type Lang } from './i18n';
import { Problem } from './Problem';
import type { ReferentialRows } from './schema';

const w = dictionary({
  entity: { fr: 'Données', en: 'Entity' },
  instruments: { fr: 'Instruments', en: 'Instruments' },
  parties: { fr: 'Contreparties', en: 'Parties' },
  accounts: { fr: 'Comptes', en: 'Accounts' },
  ssis: { fr: 'Instructions permanentes (SSI)', en: 'Standing settlement instructions' },
  calendars: { fr: 'Calendriers', en: 'Calendars' },
  byKey: { fr: 'par clé, page', en: 'by key, page' },
  name: { fr: 'Nom', en: 'Name' },
  type: { fr: 'Type', en: 'Type' },
  market: { fr: 'Marché', en: 'Market' },
  placeOfSettlement: { fr: 'Lieu de règlement', en: 'Place of settlement' },
  liquidity: { fr: 'Liquidité', en: 'Liquidity' },
  country: { fr: 'Pays', en: 'Country' },
  client: { fr: 'Client', en: 'Client' },
  book: { fr: 'Portefeuille', en: 'Book' },
  category: { fr: 'Catégorie comptable', en: 'Accounting category' },
  costMethod: { fr: 'Méthode de coût', en: 'Cost method' },
  owner: { fr: 'Titulaire', en: 'Owner' },
  safekeeping: { fr: 'Compte titres', en: 'Safekeeping account' },
  cashAccount: { fr: 'Compte espèces', en: 'Cash account' },
  agent: { fr: 'Agent (BIC)', en: 'Agent (BIC)' },
  code: { fr: 'Code', en: 'Code' },
  description: { fr: 'Description', en: 'Description' },
  weekend: { fr: 'Jours non ouvrés', en: 'Weekend days' },
  holidays: { fr: 'Jours fériés', en: 'Holidays' },
  nextHoliday: { fr: 'Premier férié listé', en: 'First holiday listed' },
  nothing: { fr: 'Aucune ligne.', en: 'No row.' },
});

const s = (v: string | null) => v ?? '—';

type Entity = Exclude<keyof ReferentialRows, 'history'>;
type Row = ReferentialRows[Entity];

/** Each entity as GET /api/referential/:entity serves it: its key (the `after` of the next page) and its columns. */
interface EntityView<R> {
  // Methods, not function-typed properties: each entity's view, typed by its own rows, is then one view of any row.
  key(r: R): string;
  /** What the row's own cell shows, when not its key. */
  label?(r: R): string;
  keyHeader(lang: Lang): string;
  columns: Array<{ header(lang: Lang): string; cell(r: R, lang: Lang): ReactNode }>;
}

// 4 January 1970 was a Sunday: day 0 as JavaScript numbers them.
const weekdays = (days: number[], lang: Lang) =>
  days.map((d) => new Intl.DateTimeFormat(localeOf(lang), { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(1970, 0, 4 + d)))).join(', ');

const ENTITIES: { [E in Entity]: EntityView<ReferentialRows[E]> } = {
  instruments: {
    key: (r) => r.isin,
    keyHeader: () => 'ISIN',
    columns: [
      { header: (l) => w(l, 'name'), cell: (r) => s(r.name) },
      { header: (l) => w(l, 'type'), cell: (r) => s(r.instrumentType) },
      { header: (l) => w(l, 'currency'), cell: (r) => s(r.currency) },
      { header: (l) => w(l, 'market'), cell: (r) => s(r.settlementMarket) },
      { header: (l) => w(l, 'placeOfSettlement'), cell: (r) => s(r.placeOfSettlement) },
      { header: (l) => w(l, 'liquidity'), cell: (r) => s(r.liquidityClass) },
    ],
  },
  parties: {
    key: (r) => r.lei,
    keyHeader: () => 'LEI',
    columns: [
      { header: (l) => w(l, 'name'), cell: (r) => s(r.name) },
      { header: (l) => w(l, 'country'), cell: (r) => s(r.country) },
      { header: () => 'BIC', cell: (r) => s(r.bic) },
    ],
  },
  accounts: {
    key: (r) => r.account,
    keyHeader: (l) => w(l, 'account'),
    columns: [
      { header: (l) => w(l, 'client'), cell: (r) => s(r.clientName) },
      { header: (l) => w(l, 'type'), cell: (r) => s(r.accountType) },
      { header: (l) => w(l, 'book'), cell: (r) => s(r.book) },
      { header: (l) => w(l, 'currency'), cell: (r) => s(r.baseCurrency) },
      { header: (l) => w(l, 'category'), cell: (r) => s(r.accountingCategory) },
      { header: (l) => w(l, 'costMethod'), cell: (r) => s(r.costMethod) },
    ],
  },
  ssis: {
    key: (r) => `${r.owner}:${r.market}:${r.currency}`,
    label: (r) => r.owner,
    keyHeader: (l) => w(l, 'owner'),
    columns: [
      { header: (l) => w(l, 'market'), cell: (r) => s(r.market) },
      { header: (l) => w(l, 'currency'), cell: (r) => s(r.currency) },
      { header: (l) => w(l, 'placeOfSettlement'), cell: (r) => s(r.placeOfSettlement) },
      { header: (l) => w(l, 'safekeeping'), cell: (r) => s(r.safekeepingAccount) },
      { header: (l) => w(l, 'cashAccount'), cell: (r) => s(r.cashAccount) },
      { header: (l) => w(l, 'agent'), cell: (r) => s(r.agentBic) },
    ],
  },
  calendars: {
    key: (r) => r.code,
    keyHeader: (l) => w(l, 'code'),
    columns: [
      { header: (l) => w(l, 'description'), cell: (r) => s(r.description) },
      { header: (l) => w(l, 'weekend'), cell: (r, l) => weekdays(r.weekend, l) },
      { header: (l) => w(l, 'holidays'), cell: (r, l) => formatCount(r.holidays.length, localeOf(l)) },
      {
        header: (l) => w(l, 'nextHoliday'),
        cell: (r, l) => {
          const first = r.holidays[0];
          return first ? `${formatDate(first.date, localeOf(l))} — ${first.name}` : '—';
        },
      },
    ],
  },
};

const NAMES = Object.keys(ENTITIES) as Entity[];
const PAGE = 50;

/**
 * The referential as capture holds it, one entity at a time, by key and a page at a time (keyset:
 * the next page starts after the last key shown). The API offers no search; changes come by a
 * REFERENTIAL_IMPORT proposal, not from here.
 */
export function Referential({ lang, token }: { lang: Lang; token: string }) {
  const [entity, setEntity] = useState<Entity>('instruments');
  const pages = useKeysetPages();
  const after = pages.after;
  const view: EntityView<Row> = ENTITIES[entity];
  const list = useQuery({
    queryKey: ['referential', entity, after],
    queryFn: () => apiReferential(entity, token, { limit: PAGE, after: after ?? undefined }),
    // The page before stays shown while the next comes (no flicker), but never under another entity's columns.
    placeholderData: (previous, query) => (query?.queryKey[1] === entity ? keepPreviousData(previous) : undefined),
  });
  const data = list.data ?? [];
  const last = data.at(-1);
  return (
    <>
      <h1>{w(lang, 'referential')}</h1>
      <ListChoice label={w(lang, 'entity')} name="entity" value={entity} options={NAMES} text={(n) => w(lang, n)} pages={pages} onChoose={setEntity} />
      <h2>{w(lang, entity)}</h2>
      {list.isError ? <Problem lang={lang} error={list.error} /> : null}
      <table data-testid="referential">
        <caption>{`${w(lang, entity)}, ${w(lang, 'byKey')} ${pages.number}`}</caption>
        <thead>
          <tr>
            <th scope="col">{view.keyHeader(lang)}</th>
            {view.columns.map((c, i) => (
              <th key={i} scope="col">
                {c.header(lang)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.map((r) => (
            <tr key={view.key(r)}>
              <th scope="row">{view.label ? view.label(r) : view.key(r)}</th>
              {view.columns.map((c, i) => (
                <td key={i}>{c.cell(r, lang)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {list.isSuccess && data.length === 0 ? <p>{w(lang, 'nothing')}</p> : null}
      <Pager lang={lang} pages={pages} shown={data.length} size={PAGE} lastKey={last ? view.key(last) : undefined} />
    </>
  );
}
