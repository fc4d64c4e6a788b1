import { many, one, opt, optTextAt, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { code, messageOf } from './common.js';

/** semt.002 statement of holdings: one safekeeping account, one date, the balance per ISIN. */
export interface Semt002 {
  statementId: string;
  statementDate: string;
  safekeepingAccount: string;
  basis: 'CONT' | 'SETT' | 'TRAD';
  holdings: Array<{ isin: string; quantity: string }>;
}

export function renderSemt002(m: Semt002): string {
  return renderXml(
    el(
      'Document',
      [
        el('SctiesBalCtdyRpt', [
          el('Pgntn', [el('PgNb', '1'), el('LastPgInd', 'true')]),
          el('StmtGnlDtls', [
            el('StmtId', m.statementId),
            el('StmtDtTm', [el('Dt', m.statementDate)]),
            el('Frqcy', [el('Cd', 'DAIL')]),
            el('UpdTp', [el('Cd', 'COMP')]),
            el('StmtBsis', [el('Cd', m.basis)]),
            el('ActvtyInd', m.holdings.length > 0 ? 'true' : 'false'),
          ]),
          el('SfkpgAcct', [el('Id', m.safekeepingAccount)]),
          ...m.holdings.map((h) =>
            el('BalForAcct', [el('FinInstrmId', [el('ISIN', h.isin)]), el('AggtBal', [el('Qty', [el('Qty', [el('Qty', [el('Unit', h.quantity)])])])])]),
          ),
        ]),
      ],
      { xmlns: namespaceOf('semt.002.001.11') },
    ),
  );
}

export function parseSemt002(xml: string): Semt002 {
  const m = messageOf(xml, ['semt.002.001.11'], 'SctiesBalCtdyRpt').m;
  return {
    statementId: textAt(m, 'StmtGnlDtls', 'StmtId'),
    statementDate: textAt(m, 'StmtGnlDtls', 'StmtDtTm', 'Dt'),
    safekeepingAccount: textAt(m, 'SfkpgAcct', 'Id'),
    basis: code(textAt(m, 'StmtGnlDtls', 'StmtBsis', 'Cd'), ['CONT', 'SETT', 'TRAD'] as const, 'StmtBsis'),
    holdings: many(m, 'BalForAcct').map((b) => ({ isin: textAt(b, 'FinInstrmId', 'ISIN'), quantity: textAt(b, 'AggtBal', 'Qty', 'Qty', 'Qty', 'Unit') })),
  };
}
