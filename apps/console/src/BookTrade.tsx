import { useState, type FormEvent } from 'react';
import { dictionary, type Lang } from './i18n';
import { ProposalOutcome, useProposal } from './Propose';

const w = dictionary({
  bookByHand: { fr: 'Saisir une opération à la main', en: 'Book a trade by hand' },
  isin: { fr: 'ISIN', en: 'ISIN' },
  price: { fr: 'Cours', en: 'Price' },
  executedAt: { fr: 'Heure d’exécution', en: 'Executed at' },
  venue: { fr: 'Lieu d’exécution (MIC)', en: 'Venue (MIC)' },
  capacity: { fr: 'Capacité', en: 'Capacity' },
  commission: { fr: 'Courtage (facultatif)', en: 'Commission (optional)' },
  propose: { fr: 'Proposer la saisie', en: 'Propose the booking' },
});

interface Draft {
  account: string;
  counterparty: string;
  isin: string;
  side: 'BUY' | 'SELL';
  quantity: string;
  price: string;
  currency: string;
  tradeDate: string;
  time: string;
  venue: string;
  capacity: 'AOTC' | 'DEAL' | 'MTCH';
  commission: string;
}

/** The browser's offset at that date, as ISO 8601 writes it (+01:00): the trade was executed here. */
function offsetAt(date: string, time: string): string {
  const minutes = -new Date(`${date}T${time}`).getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * A trade taken outside the platforms (a phone order): the fields of trades.executed.v1, kept as the
 * operator typed them (decimal strings), proposed for a supervisor's approval. Capture checks it as
 * it checks every execution and gives it its reference when the proposal is carried out.
 */
export function BookTrade({ lang, token }: { lang: Lang; token: string }) {
  const [d, setD] = useState<Draft>({
    account: '',
    counterparty: '',
    isin: '',
    side: 'BUY',
    quantity: '',
    price: '',
    currency: 'EUR',
    tradeDate: '',
    time: '',
    venue: 'XOFF',
    capacity: 'AOTC',
    commission: '',
  });
  const proposal = useProposal(token);
  const field = (name: keyof Draft, label: string, type = 'text', inputMode?: 'decimal') => (
    <label>
      {label}
      <input
        name={`book-${name}`}
        type={type}
        inputMode={inputMode}
        required={name !== 'commission'}
        value={d[name]}
        onChange={(e) => setD({ ...d, [name]: e.target.value })}
      />
    </label>
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trade = {
      executedAt: `${d.tradeDate}T${d.time.length === 5 ? `${d.time}:00` : d.time}.000${offsetAt(d.tradeDate, d.time)}`,
      tradeDate: d.tradeDate,
      side: d.side,
      isin: d.isin.trim().toUpperCase(),
      quantity: d.quantity.trim(),
      price: d.price.trim(),
      priceType: 'UNIT',
      currency: d.currency.trim().toUpperCase(),
      venue: d.venue.trim().toUpperCase(),
      account: d.account.trim(),
      counterparty: d.counterparty.trim().toUpperCase(),
      capacity: d.capacity,
      fees: d.commission.trim() ? [{ type: 'COMMISSION', amount: d.commission.trim(), currency: d.currency.trim().toUpperCase() }] : [],
    };
    proposal.mutate({ kind: 'BOOK_TRADE', params: { trade } });
  };
  return (
    <details className="card">
      <summary>{w(lang, 'bookByHand')}</summary>
      <form className="filters" onSubmit={submit} aria-label={w(lang, 'bookByHand')}>
        {field('account', w(lang, 'account'))}
        {field('counterparty', w(lang, 'counterparty'))}
        {field('isin', w(lang, 'isin'))}
        <label>
          {w(lang, 'side')}
          <select name="book-side" value={d.side} onChange={(e) => setD({ ...d, side: e.target.value as Draft['side'] })}>
            <option value="BUY">{w(lang, 'BUY')}</option>
            <option value="SELL">{w(lang, 'SELL')}</option>
          </select>
        </label>
        {field('quantity', w(lang, 'quantity'), 'text', 'decimal')}
        {field('price', w(lang, 'price'), 'text', 'decimal')}
        {field('currency', w(lang, 'currency'))}
        {field('tradeDate', w(lang, 'tradeDate'), 'date')}
        {field('time', w(lang, 'executedAt'), 'time')}
        {field('venue', w(lang, 'venue'))}
        <label>
          {w(lang, 'capacity')}
          <select name="book-capacity" value={d.capacity} onChange={(e) => setD({ ...d, capacity: e.target.value as Draft['capacity'] })}>
            <option value="AOTC">AOTC</option>
            <option value="DEAL">DEAL</option>
            <option value="MTCH">MTCH</option>
          </select>
        </label>
        {field('commission', w(lang, 'commission'), 'text', 'decimal')}
        <button type="submit" disabled={proposal.isPending}>
          {w(lang, 'propose')}
        </button>
      </form>
      <ProposalOutcome lang={lang} proposal={proposal} />
    </details>
  );
}
