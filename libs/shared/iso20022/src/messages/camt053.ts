import { many, one, opt, optTextAt, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { code, messageOf } from './common.js';

/** camt.053 bank-to-customer statement: opening and closing booked balances and the entries between. */
export interface Camt053 {
  messageId: string;
  statementId: string;
  cashAccount: string;
  currency: string;
  statementDate: string;
  openingBalance: string;
  closingBalance: string;
  /** amount signed: credit positive, debit negative. */
  entries: Array<{ entryRef: string; amount: string; valueDate: string; tradeRef: string | null }>;
}

const unsigned = (v: string) => (v.startsWith('-') ? v.slice(1) : v);
const ind = (v: string) => (v.startsWith('-') ? 'DBIT' : 'CRDT');

export function renderCamt053(m: Camt053): string {
  const bal = (tp: 'OPBD' | 'CLBD', v: string) =>
    el('Bal', [
      el('Tp', [el('CdOrPrtry', [el('Cd', tp)])]),
      el('Amt', unsigned(v), { Ccy: m.currency }),
      el('CdtDbtInd', ind(v)),
      el('Dt', [el('Dt', m.statementDate)]),
    ]);
  return renderXml(
    el(
      'Document',
      [
        el('BkToCstmrStmt', [
          el('GrpHdr', [el('MsgId', m.messageId), el('CreDtTm', `${m.statementDate}T23:59:59Z`)]),
          el('Stmt', [
            el('Id', m.statementId),
            el('CreDtTm', `${m.statementDate}T23:59:59Z`),
            el('Acct', [el('Id', [el('Othr', [el('Id', m.cashAccount)])]), el('Ccy', m.currency)]),
            bal('OPBD', m.openingBalance),
            bal('CLBD', m.closingBalance),
            ...m.entries.map((e) =>
              el('Ntry', [
                el('NtryRef', e.entryRef),
                el('Amt', unsigned(e.amount), { Ccy: m.currency }),
                el('CdtDbtInd', ind(e.amount)),
                el('Sts', [el('Cd', 'BOOK')]),
                el('BookgDt', [el('Dt', m.statementDate)]),
                el('ValDt', [el('Dt', e.valueDate)]),
                el('BkTxCd', [el('Domn', [el('Cd', 'SECU'), el('Fmly', [el('Cd', 'SETT'), el('SubFmlyCd', ind(e.amount) === 'CRDT' ? 'DVPM' : 'RVPM')])])]),
                e.tradeRef ? el('NtryDtls', [el('TxDtls', [el('Refs', [el('EndToEndId', e.tradeRef)])])]) : null,
              ]),
            ),
          ]),
        ]),
      ],
      { xmlns: namespaceOf('camt.053.001.08') },
    ),
  );
}

export function parseCamt053(xml: string): Camt053 {
  const m = messageOf(xml, ['camt.053.001.08'], 'BkToCstmrStmt').m;
  const s = one(m, 'Stmt');
  const signed = (amt: string, cd: string) =>
    code(cd, ['CRDT', 'DBIT'] as const, 'CdtDbtInd') === 'DBIT' && amt !== '0' && !/^0(\.0+)?$/.test(amt) ? `-${amt}` : amt;
  const balance = (tp: string) => {
    const b = many(s, 'Bal').find((x) => textAt(x, 'Tp', 'CdOrPrtry', 'Cd') === tp);
    if (!b) throw new XmlReadError(`camt.053: no ${tp} balance`);
    return signed(textAt(b, 'Amt'), textAt(b, 'CdtDbtInd'));
  };
  return {
    messageId: textAt(m, 'GrpHdr', 'MsgId'),
    statementId: textAt(s, 'Id'),
    cashAccount: textAt(s, 'Acct', 'Id', 'Othr', 'Id'),
    currency: textAt(s, 'Acct', 'Ccy'),
    statementDate: textAt(one(many(s, 'Bal')[0] ?? s, 'Dt'), 'Dt'),
    openingBalance: balance('OPBD'),
    closingBalance: balance('CLBD'),
    entries: many(s, 'Ntry').map((n) => ({
      entryRef: textAt(n, 'NtryRef'),
      amount: signed(textAt(n, 'Amt'), textAt(n, 'CdtDbtInd')),
      valueDate: textAt(n, 'ValDt', 'Dt'),
      tradeRef: optTextAt(n, 'NtryDtls', 'TxDtls', 'Refs', 'EndToEndId'),
    })),
  };
}
