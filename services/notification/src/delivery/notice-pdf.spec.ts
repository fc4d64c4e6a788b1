import { describe, expect, it, jest } from '@jest/globals';
import PDFDocument from 'pdfkit';
import { renderAvisDOpere } from '../notifications/domain/avis-d-opere.js';
import type { NoticeLayout } from '../notifications/domain/notice-layout.js';
import { buy } from '../notifications/domain/trade-fixtures.spec-helper.js';
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

/** The avis of `buy` as the sender lays it out, in French and in English. */
const avis = (['fr', 'en'] as const).map((language) => {
  const { layout } = renderAvisDOpere(buy, {
    firmName: 'Postera Securities',
    firm: { address: '1 place de l’Exemple, 75000 Paris', authorisedBy: 'ACPR', registration: 'RCS Paris 000 000 000', lei: '9695000EXAMPLE000000' },
    clientName: 'Camille Durand',
    clientId: 'CLI-001',
    language,
    issuedOn: '2026-11-26',
    instrumentName: 'TotalEnergies SE',
  });
  return { title: `Avis ${language}`, body: layout! };
});

/**
 * A layout at the edges of the one-line path: cells that wrap and cells just inside and just
 * outside their column, a table running over three pages, long paragraph lines, an empty string,
 * a soft hyphen and a line break inside a value.
 */
const edges: NoticeLayout = {
  blocks: [
    {
      type: 'letterhead',
      name: 'Postera Securities',
      lines: ['', 'A letterhead line long enough to run past the right margin of an A4 page at eight points, twice over, and wrap'],
    },
    { type: 'title', text: 'EDGES' },
    {
      type: 'table',
      caption: 'Rows',
      amounts: true,
      rows: Array.from({ length: 150 }, (_, i) => ({
        label: i % 7 === 0 ? `A label long enough to need a second line in the label column, row ${i}` : `Row ${i} — Wärme «Tê» AVATAR`,
        value:
          i % 5 === 0
            ? `${'9'.repeat(i % 40)} ${'W'.repeat(i % 30)} V.A. T. Y, ${i}`
            : i % 11 === 0
              ? `soft\u00adhyphen and a break\nin a value ${i}`
              : `${(i * 1234.5).toFixed(2)}\u00a0EUR`,
        total: i % 13 === 0,
      })),
    },
    { type: 'paragraph', lines: ['W'.repeat(95), 'W'.repeat(80), 'AVAVAV '.repeat(12), 'Le montant net sera débité le 30/11/2026.'] },
    { type: 'mentions', lines: ['Document à conserver. '.repeat(8)] },
  ],
};

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

  it("draws the lines that surely fit without pdfkit's wrapper, to the same bytes: real avis and a layout at the edges", async () => {
    type Texts = { _text: (...args: unknown[]) => unknown };
    const wrapped = jest.spyOn(PDFDocument.prototype as unknown as Texts, '_text');
    try {
      for (const { title, body } of [...avis, { title: 'Edges', body: edges }]) {
        wrapped.mockClear();
        const pdf = await renderNoticePdf(title, body, createdAt);
        const drawnWithWrapper = wrapped.mock.calls.length;
        wrapped.mockClear();
        const plain = await plainPdfkit(title, body);
        const allWithWrapper = wrapped.mock.calls.length;
        expect(pdf.equals(plain)).toBe(true);
        // Most strings take the one-line path; some of the edges' do not.
        expect(drawnWithWrapper).toBeLessThan(allWithWrapper / 4);
        if (body === edges) expect(drawnWithWrapper).toBeGreaterThan(20);
      }
    } finally {
      wrapped.mockRestore();
    }
    // The edges run over pages of their own.
    expect((await renderNoticePdf('Edges', edges, createdAt)).toString('latin1').match(/\/Type \/Page\b/g)!.length).toBeGreaterThanOrEqual(3);
  });

  it('keeps each document its own font objects (F1 Helvetica, F2 Helvetica-Bold), each written once', async () => {
    const pdf = (await renderNoticePdf(notices[0]!.title, notices[0]!.body, createdAt)).toString('latin1');
    expect(pdf.match(/\/BaseFont \/Helvetica\b(?!-)/g)).toHaveLength(1);
    expect(pdf.match(/\/BaseFont \/Helvetica-Bold/g)).toHaveLength(1);
    expect(pdf).toMatch(/\/F1 \d+ 0 R/);
    expect(pdf).toMatch(/\/F2 \d+ 0 R/);
  });
});
