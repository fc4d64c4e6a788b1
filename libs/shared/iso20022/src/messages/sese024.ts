import { many, one, opt, optTextAt, textAt, XmlReadError, type XmlElement } from '../xml/read.js';
import { el, renderXml, type XmlOut } from '../xml/write.js';
import { namespaceOf } from '../schemas.js';
import { dateChoice as dt, messageOf } from './common.js';

/** sese.024 status advice: processing (PACK/REJT), matching (MACH/NMAT), settlement (PEND) or cancellation (CAND) status. */
export interface Sese024 {
  transactionId: string;
  status: 'PACK' | 'REJT' | 'MACH' | 'NMAT' | 'PEND' | 'CAND';
  reason: string | null;
  /** The business day the advice speaks of (a fail day, the matching day). */
  statusDate: string | null;
}

export function renderSese024(m: Sese024): string {
  const rsn = (container: string, statusCode: string, reasonWrapper: string) =>
    el(container, [m.reason ? el(statusCode, [el(reasonWrapper, [el('Cd', [el('Cd', m.reason)])])]) : el(statusCode, [el('NoSpcfdRsn', 'NORE')])]);
  let status: XmlOut;
  switch (m.status) {
    case 'PACK':
      status = el('PrcgSts', [el('AckdAccptd', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'REJT':
      status = rsn('PrcgSts', 'Rjctd', 'Rsn');
      break;
    case 'CAND':
      status = el('PrcgSts', [el('Canc', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'MACH':
      status = el('MtchgSts', [el('Mtchd', [el('NoSpcfdRsn', 'NORE')])]);
      break;
    case 'NMAT':
      status = rsn('MtchgSts', 'Umtchd', 'Rsn');
      break;
    case 'PEND':
      status = el('SttlmSts', [el('Flng', [m.reason ? el('Rsn', [el('Cd', [el('Cd', m.reason)])]) : el('NoSpcfdRsn', 'NORE')])]);
      break;
  }
  return renderXml(
    el(
      'Document',
      [
        el('SctiesSttlmTxStsAdvc', [
          el('TxId', [el('AcctOwnrTxId', m.transactionId)]),
          status,
          m.statusDate ? el('TxDtls', [el('SttlmDt', [dt(m.statusDate)])]) : null,
        ]),
      ],
      { xmlns: namespaceOf('sese.024.001.12') },
    ),
  );
}

function reasonIn(e: XmlElement): string | null {
  return optTextAt(e, 'Rsn', 'Cd', 'Cd');
}

export function parseSese024(xml: string): Sese024 {
  const m = messageOf(xml, ['sese.024.001.12'], 'SctiesSttlmTxStsAdvc').m;
  const transactionId = textAt(m, 'TxId', 'AcctOwnrTxId');
  const statusDate = optTextAt(m, 'TxDtls', 'SttlmDt', 'Dt', 'Dt');
  const prcg = opt(m, 'PrcgSts');
  const mtch = opt(m, 'MtchgSts');
  const sttl = opt(m, 'SttlmSts');
  if ([prcg, mtch, sttl].filter(Boolean).length !== 1) throw new XmlReadError('sese.024: exactly one of PrcgSts, MtchgSts, SttlmSts expected');
  const kind = (prcg ?? mtch ?? sttl)!;
  if (kind.children.length !== 1) throw new XmlReadError(`sese.024: ${kind.name} holds one status`);
  const s = kind.children[0]!;
  const map: Record<string, Sese024['status']> = {
    'PrcgSts/AckdAccptd': 'PACK',
    'PrcgSts/Rjctd': 'REJT',
    'PrcgSts/Canc': 'CAND',
    'MtchgSts/Mtchd': 'MACH',
    'MtchgSts/Umtchd': 'NMAT',
    'SttlmSts/Flng': 'PEND',
  };
  const status = map[`${kind.name}/${s.name}`];
  if (!status) throw new XmlReadError(`sese.024: unknown status ${kind.name}/${s.name}`);
  return { transactionId, status, reason: reasonIn(s), statusDate };
}
