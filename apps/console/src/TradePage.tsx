import { useMutation, useQuery } from '@tanstack/react-query';
import { answered, ApiError, apiDownload, apiGetRoute, unavailable } from './api';
import { formatAmount, formatDate, formatTimestamp } from './format';
import { dictionary, localeOf, type Lang } from './i18n';
import { figures, Head } from './Table';

const w = dictionary({
  trade: { fr: 'Opération', en: 'Trade' },
  unknownTrade: { fr: 'Aucun service ne connaît cette référence.', en: 'No service knows this reference.' },
  economics: { fr: 'Conditions', en: 'Economics' },
  price: { fr: 'Cours', en: 'Price' },
  gross: { fr: 'Montant brut', en: 'Gross amount' },
  fees: { fr: 'Frais', en: 'Fees' },
  net: { fr: 'Montant net', en: 'Net amount' },
  settlementDate: { fr: 'Date de règlement', en: 'Settlement date' },
  maker: { fr: 'Saisie par', en: 'Booked by' },
  validatedBy: { fr: 'Validée par', en: 'Validated by' },
  straightThrough: { fr: 'la confirmation de la contrepartie (STP)', en: 'the counterparty’s confirmation (STP)' },
  versions: { fr: 'Versions reçues', en: 'Versions received' },
  version: { fr: 'Version', en: 'Version' },
  action: { fr: 'Action', en: 'Action' },
  outcome: { fr: 'Issue', en: 'Outcome' },
  note: { fr: 'Note', en: 'Note' },
  at: { fr: 'Le', en: 'At' },
  timeline: { fr: 'Historique des statuts', en: 'Status history' },
  event: { fr: 'Événement', en: 'Event' },
  by: { fr: 'Par', en: 'By' },
  instruction: { fr: 'Instruction de règlement', en: 'Settlement instruction' },
  noInstruction: { fr: 'Pas encore d’instruction.', en: 'No instruction yet.' },
  reason: { fr: 'Motif', en: 'Reason' },
  journal: { fr: 'Écritures comptables', en: 'Journal lines' },
  ledgerAccount: { fr: 'Compte', en: 'Ledger account' },
  accountingDate: { fr: 'Date comptable', en: 'Accounting date' },
  noJournal: { fr: 'Aucune écriture pour cette opération.', en: 'No journal line for this trade.' },
  notices: { fr: 'Avis et notifications', en: 'Notices' },
  channel: { fr: 'Canal', en: 'Channel' },
  recipient: { fr: 'Destinataire', en: 'Recipient' },
  pdf: { fr: 'PDF de l’avis', en: 'Notice PDF' },
  noNotices: { fr: 'Aucun avis.', en: 'No notice.' },
  notAnswering: { fr: 'ne répond pas', en: 'not answering' },
});

/** One trade across the services: its economics and versions, its statuses, its instruction, its journal lines and its notices with their PDF. */
export function TradePage({ lang, token, tradeRef }: { lang: Lang; token: string; tradeRef: string }) {
  const locale = localeOf(lang);
  const at = (v: string | null) => (v ? formatTimestamp(v, locale) : '—');
  const page = useQuery({
    queryKey: ['timeline', tradeRef],
    queryFn: () => apiGetRoute('/api/trades/{ref}/timeline', token, { path: { ref: tradeRef } }),
  });
  const pdf = useMutation({ mutationFn: (noticeId: string) => apiDownload(`/api/notices/${encodeURIComponent(noticeId)}/pdf`, token, `${noticeId}.pdf`) });
  if (page.isPending) return <p>{w(lang, 'loading')}</p>;
  if (page.isError)
    return (
      <>
        <h1>{`${w(lang, 'trade')} ${tradeRef}`}</h1>
        <p role="alert">
          {page.error instanceof ApiError && page.error.status === 404 ? w(lang, 'unknownTrade') : `${w(lang, 'error')}: ${page.error.message}`}
        </p>
      </>
    );
  // A part whose service did not answer is named as such; the rest of the page is still shown.
  const { instruction, journal, notifications } = page.data;
  const trade = answered(page.data.trade);
  const amount = (v: string | null | undefined) => (v ? formatAmount(v, locale) : '—');
  return (
    <>
      <h1>{`${w(lang, 'trade')} ${tradeRef}`}</h1>
      {trade ? (
        <>
          <dl className="facts" data-testid="trade-facts">
            <div>
              <dt>{w(lang, 'status')}</dt>
              <dd data-testid="trade-status">{trade.status}</dd>
            </div>
            <div>
              <dt>{w(lang, 'economics')}</dt>
              <dd>{`${w(lang, trade.side)} ${amount(trade.quantity)} ${trade.isin} @ ${amount(trade.price)} ${trade.currency}`}</dd>
            </div>
            <div>
              <dt>{w(lang, 'gross')}</dt>
              <dd>{amount(trade.grossAmount)}</dd>
            </div>
            <div>
              <dt>{w(lang, 'fees')}</dt>
              <dd>{amount(trade.feesAmount)}</dd>
            </div>
            <div>
              <dt>{w(lang, 'net')}</dt>
              <dd>{amount(trade.netAmount)}</dd>
            </div>
            <div>
              <dt>{w(lang, 'tradeDate')}</dt>
              <dd>{formatDate(trade.tradeDate, locale)}</dd>
            </div>
            <div>
              <dt>{w(lang, 'settlementDate')}</dt>
              <dd>{trade.settlementDate ? formatDate(trade.settlementDate, locale) : '—'}</dd>
            </div>
            <div>
              <dt>{w(lang, 'account')}</dt>
              <dd>{trade.account}</dd>
            </div>
            <div>
              <dt>{w(lang, 'counterparty')}</dt>
              <dd>{trade.counterparty}</dd>
            </div>
            <div>
              <dt>{w(lang, 'maker')}</dt>
              <dd>{trade.maker ?? trade.origin}</dd>
            </div>
            <div>
              <dt>{w(lang, 'validatedBy')}</dt>
              <dd data-testid="validated-by">{trade.validatedBy ?? (trade.validatedHow === 'STRAIGHT_THROUGH' ? w(lang, 'straightThrough') : '—')}</dd>
            </div>
          </dl>
          <table>
            <caption>{w(lang, 'versions')}</caption>
            <Head columns={[w(lang, 'version'), w(lang, 'action'), w(lang, 'outcome'), w(lang, 'note'), w(lang, 'at')]} />
            <tbody>
              {trade.versions.map((v) => (
                <tr key={v.version}>
                  <th scope="row">{v.version}</th>
                  <td>{v.action}</td>
                  <td>{v.outcome}</td>
                  <td>{v.note ?? ''}</td>
                  <td>{at(v.receivedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table data-testid="trade-history">
            <caption>{w(lang, 'timeline')}</caption>
            <Head columns={[w(lang, 'at'), w(lang, 'status'), w(lang, 'event'), w(lang, 'by')]} />
            <tbody>
              {trade.history.map((h, i) => (
                <tr key={i}>
                  <th scope="row">{at(h.at)}</th>
                  <td>{h.status}</td>
                  <td>{h.eventType}</td>
                  <td>{h.actor ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : (
        <p>{`capture ${w(lang, 'notAnswering')}`}</p>
      )}
      <section aria-labelledby="instruction-title">
        <h2 id="instruction-title">{w(lang, 'instruction')}</h2>
        {unavailable(instruction) ? (
          <p>{`settlement ${w(lang, 'notAnswering')}`}</p>
        ) : instruction ? (
          <table>
            <caption>{`${instruction.instructionId} — ${instruction.status}`}</caption>
            <Head columns={[w(lang, 'at'), w(lang, 'status'), w(lang, 'reason'), w(lang, 'by')]} />
            <tbody>
              {instruction.history.map((h) => (
                <tr key={h.seq}>
                  <th scope="row">{at(h.at)}</th>
                  <td>{h.status}</td>
                  <td>{h.reason ?? ''}</td>
                  <td>{h.operator ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p>{w(lang, 'noInstruction')}</p>
        )}
      </section>
      <section aria-labelledby="journal-title">
        <h2 id="journal-title">{w(lang, 'journal')}</h2>
        {unavailable(journal) ? (
          <p>{`accounting ${w(lang, 'notAnswering')}`}</p>
        ) : journal.length === 0 ? (
          <p>{w(lang, 'noJournal')}</p>
        ) : (
          <table data-testid="trade-journal">
            <caption>{w(lang, 'journal')}</caption>
            <Head columns={[w(lang, 'accountingDate'), w(lang, 'ledgerAccount'), w(lang, 'currency'), figures(w(lang, 'debit')), figures(w(lang, 'credit'))]} />
            <tbody>
              {journal.map((l) => (
                <tr key={`${l.entryId}-${l.lineNo}`}>
                  <th scope="row">{formatDate(l.accountingDate, locale)}</th>
                  <td>{`${l.accountCode} ${l.accountName}`}</td>
                  <td>{l.currency}</td>
                  <td className="amount">{amount(l.debit)}</td>
                  <td className="amount">{amount(l.credit)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="notices-title">
        <h2 id="notices-title">{w(lang, 'notices')}</h2>
        {unavailable(notifications) ? (
          <p>{`notification ${w(lang, 'notAnswering')}`}</p>
        ) : notifications.length === 0 ? (
          <p>{w(lang, 'noNotices')}</p>
        ) : (
          <table>
            <caption>{w(lang, 'notices')}</caption>
            <Head columns={[w(lang, 'kind'), w(lang, 'channel'), w(lang, 'recipient'), w(lang, 'status'), w(lang, 'at'), w(lang, 'pdf')]} />
            <tbody>
              {notifications.map((n) => (
                <tr key={n.notificationId}>
                  <th scope="row">{n.kind}</th>
                  <td>{n.channel}</td>
                  <td>{n.recipient}</td>
                  <td>{n.status}</td>
                  <td>{at(n.sentAt)}</td>
                  <td>
                    {n.noticeId ? (
                      <button type="button" onClick={() => pdf.mutate(n.noticeId)}>
                        {w(lang, 'pdf')}
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {pdf.isError ? <p role="alert">{`${w(lang, 'error')}: ${pdf.error.message}`}</p> : null}
      </section>
    </>
  );
}
