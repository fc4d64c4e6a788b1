import { describe, expect, it } from '@jest/globals';
import PDFDocument from 'pdfkit';
import type { NoticeLayout } from '../notifications/domain/notice-layout.js';
import { drawNoticePdf, noticePdfOptions, renderNoticePdf } from './notice-pdf.js';

const createdAt = new Date('2026-11-26T09:15:02Z');
/** An avis's layout: letterhead, tables (one of amounts, right-aligned, with a bold total), paragraphs and mentions. */
const layout: NoticeLayout = {
  blocks: [
    { type: 'letterhead', name: 'Postera Securities', lines: ["Prestataire de services d'investissement agréé par l'ACPR"] },
    { type: 'title', text: "AVIS D'OPÉRÉ" },
    { type: 'table', caption: 'Exécution', rows: [{ label: 'Instrument', value: 'TotalEnergies SE (ISIN FR0000120271)' }] },
    {
      type: 'table',
      caption: 'Commissions, frais et montant net',
      amounts: true,
      rows: [
        { label: 'Courtage', value: '15,19\u00a0EUR' },
        { label: 'Montant net à votre débit', value: '15\u202f264,19\u00a0EUR', total: true },
      ],
    },
    { type: 'paragraph', lines: ['Le montant net de 15\u202f264,19\u00a0EUR sera débité de votre compte CLI-001-EUR le 30/11/2026.'] },
    { type: 'mentions', lines: ['Document à conserver.'] },
  ],
};

const notices: Array<{ title: string; body: string | NoticeLayout }> = [
  {
    title: "Avis d'opéré OMS-1:T-000123",
    body: [
      'Postera Securities',
      "AVIS D'OPÉRÉ",
      '',
      'Client : Camille Durand (identifiant client CLI-001)',
      'Montant brut (contre-valeur totale) : 15\u202f188,25\u00a0EUR',
      '  - Taxe sur les transactions financières (TTF) : 60,75\u00a0EUR — a line long enough to be wrapped by pdfkit onto a second line of the page',
      '',
      'AVATAR Tê Wo Yo «fin»',
    ].join('\n'),
  },
  {
    title: 'Trade confirmation OMS-1:T-000124',
    body: ['Postera Securities', 'TRADE CONFIRMATION', 'Accrued interest: 1,232.88 EUR', 'Net amount: 15,264.19 EUR'].join('\n'),
  },
  {
    // The same strings measured in Helvetica at 9 and at 10 points: a width remembered at one size
    // must be scaled to the other exactly as pdfkit computes it.
    title: 'Sizes',
    body: ['Postera Securities', 'Postera Securities', 'Postera Securities', 'Net amount: 15,264.19 EUR Net amount: 15,264.19 EUR'].join('\n'),
  },
  { title: "Avis d'opéré OMS-1:T-000123 (layout)", body: layout },
];

/** The same notice drawn by pdfkit alone, each standard font built for the document. */
function plainPdfkit(title: string, body: string | NoticeLayout): Promise<Buffer> {
  const Document = PDFDocument as unknown as new (options?: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;
  return drawNoticePdf(new Document(noticePdfOptions(title, createdAt)), body);
}

describe('the notice as a PDF, its standard fonts parsed and its strings measured once for every notice', () => {
  it('is byte for byte what pdfkit writes with fonts built for the document, on the first notice and on later ones', async () => {
    for (let round = 0; round < 3; round++) {
      for (const { title, body } of notices) {
        const pdf = await renderNoticePdf(title, body, createdAt);
        expect(pdf.subarray(0, 8).toString('latin1')).toBe('%PDF-1.3');
        expect(pdf.equals(await plainPdfkit(title, body))).toBe(true);
      }
    }
  });

  it('keeps each document its own font objects (F1 Helvetica, F2 Helvetica-Bold), each written once', async () => {
    const pdf = (await renderNoticePdf(notices[0]!.title, notices[0]!.body, createdAt)).toString('latin1');
    expect(pdf.match(/\/BaseFont \/Helvetica\b(?!-)/g)).toHaveLength(1);
    expect(pdf.match(/\/BaseFont \/Helvetica-Bold/g)).toHaveLength(1);
    expect(pdf).toMatch(/\/F1 \d+ 0 R/);
    expect(pdf).toMatch(/\/F2 \d+ 0 R/);
  });
});
