import { describe, expect, it } from '@jest/globals';
import type { TradeEconomics } from '@postera/contracts';
import { execFileSync } from 'node:child_process';
import { renderAvisDOpere, type NoticeContext } from '../notifications/domain/avis-d-opere.js';
import { renderNoticePdf } from './notice-pdf.js';

// The avis's PDF as a reader shows it: rendered by poppler (pdftotext -layout, pdftoppm), not read
// back by the library that wrote it. scripts/ensure-infra.sh installs poppler-utils.

/** Runs a poppler tool on the PDF (stdin); a missing tool fails the test, saying how to get it. */
function poppler(tool: 'pdftotext' | 'pdftoppm' | 'pdfinfo', args: string[], pdf: Buffer): Buffer {
  try {
    return execFileSync(tool, [...args], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`${tool} not found: run scripts/ensure-infra.sh (it installs Debian's poppler-utils), then run this test again`);
    throw e;
  }
}

/** The page as laid out, the no-break spaces read back as spaces, each line's trailing spaces dropped. */
const layoutText = (pdf: Buffer) =>
  poppler('pdftotext', ['-layout', '-enc', 'UTF-8', '-', '-'], pdf)
    .toString('utf8')
    .replaceAll('\u00a0', ' ')
    .split('\n')
    .map((l) => l.trimEnd());

/** 150 TotalEnergies SE bought on Euronext Paris on 26/11/2026 at 101.255 EUR, brokerage 15.19 and TTF 60.75 (0.4 % of 15,188.25); settles 30/11/2026. */
const buy = {
  tradeRef: 'OMS-1:T-000123',
  sourceSystem: 'OMS-1',
  tradeId: 'T-000123',
  version: 1,
  side: 'BUY',
  isin: 'FR0000120271',
  quantity: '150',
  price: '101.255',
  priceType: 'UNIT',
  currency: 'EUR',
  grossAmount: '15188.25',
  feesAmount: '75.94',
  netAmount: '15264.19',
  fees: [
    { type: 'BROKERAGE', amount: '15.19', currency: 'EUR' },
    { type: 'TTF', amount: '60.75', currency: 'EUR' },
  ],
  tradeDate: '2026-11-26',
  settlementDate: '2026-11-30',
  executedAt: '2026-11-26T10:15:02.123+01:00',
  venue: 'XPAR',
  account: 'CLI-001-EUR',
  counterparty: '969500UP76J52A9OXU27',
  capacity: 'AOTC',
  orderType: 'LIMIT',
  clientId: 'CLI-001',
  accountType: 'CLIENT',
  book: 'CLIENTS',
} as TradeEconomics;

const ctx = (language: 'fr' | 'en', issuedOn: string): NoticeContext => ({
  firmName: 'Postera Securities',
  firm: { address: '1 place de l’Exemple, 75000 Paris', authorisedBy: 'ACPR', registration: 'RCS Paris 000 000 000', lei: '9695000EXAMPLE000000' },
  clientName: 'Camille Durand',
  clientId: 'CLI-001',
  language,
  issuedOn,
  instrumentName: 'TotalEnergies SE',
});

async function renderedAvis(language: 'fr' | 'en', issuedOn: string) {
  const notice = renderAvisDOpere(buy, ctx(language, issuedOn));
  const pdf = await renderNoticePdf(notice.subject, notice.layout!, new Date(`${issuedOn}T09:00:00Z`));
  return { pdf, lines: layoutText(pdf) };
}

/** The index of the first line matching each pattern, in turn, after the previous one: -1 when one is missing or out of order. */
function inOrder(lines: string[], patterns: RegExp[]): number[] {
  let from = 0;
  return patterns.map((p) => {
    const i = lines.findIndex((l, k) => k >= from && p.test(l));
    if (i >= 0) from = i + 1;
    return i;
  });
}

describe("the avis d'opéré's PDF as poppler renders it", () => {
  it('in French, sent on 5 December after settlement: letterhead, tables in order with their figures, the duty in the past, the mentions', async () => {
    const { pdf, lines } = await renderedAvis('fr', '2026-12-05');
    const found = inOrder(lines, [
      /^Postera Securities$/,
      /^1 place de l’Exemple, 75000 Paris$/,
      /^Prestataire de services d'investissement agréé par l'ACPR$/,
      /^RCS Paris 000 000 000 — LEI 9695000EXAMPLE000000$/,
      /^AVIS D'OPÉRÉ$/,
      /^Destinataire$/,
      /^Client +Camille Durand \(identifiant client CLI-001\)$/,
      /^Date de l'avis +05\/12\/2026$/,
      /^Exécution$/,
      /^Date et heure d'exécution +26\/11\/2026 à 09:15:02 UTC$/,
      /^Lieu d'exécution +XPAR \(MIC\)$/,
      /^Sens +Achat$/,
      /^Quantité +150$/,
      /^Instrument +TotalEnergies SE \(ISIN FR0000120271\)$/,
      /^Prix unitaire +101,255 EUR$/,
      /^Montant brut +15 188,25 EUR$/,
      /^Commissions, frais et montant net$/,
      /^Montant brut +15 188,25 EUR$/,
      /^Courtage +15,19 EUR$/,
      /^Taxe sur les transactions financières \(TTF\) +60,75 EUR$/,
      /^Total des commissions et frais +75,94 EUR$/,
      /^Montant net à votre débit +15 264,19 EUR$/,
      /^Règlement-livraison$/,
      /^Date de règlement +30\/11\/2026$/,
      /^Compte espèces +CLI-001-EUR \(EUR\)$/,
      /^Le montant net de 15 264,19 EUR a été débité de votre compte CLI-001-EUR le 30\/11\/2026/,
      /^Toute réclamation relative à cette opération doit nous parvenir dans un délai de 2 jours ouvrés/,
      /^Document à conserver/,
    ]);
    expect(found.filter((i) => i < 0)).toEqual([]);
    expect(lines.join('\n')).not.toContain('sera débité');
    // The fees are right-aligned: the currency of each amount, the net one in bold too, ends at the table's right edge (A4 595 pt − 56 pt margin).
    const bbox = poppler('pdftotext', ['-bbox', '-enc', 'UTF-8', '-', '-'], pdf).toString('utf8');
    const rightEdges = [...bbox.matchAll(/<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">EUR<\/word>/g)]
      .map((m) => Number(m[1]))
      .filter((x) => x > 450);
    expect(rightEdges).toHaveLength(5);
    for (const x of rightEdges) expect(x).toBeCloseTo(539, 0);
  });

  it('in English, sent on the trading day before settlement: the same tables, the duty to come', async () => {
    const { lines } = await renderedAvis('en', '2026-11-26');
    const found = inOrder(lines, [
      /^Investment firm authorised by the ACPR$/,
      /^TRADE CONFIRMATION$/,
      /^Recipient$/,
      /^Date of this confirmation +26 Nov 2026$/,
      /^Execution$/,
      /^Date and time of execution +26 Nov 2026 at 09:15:02 UTC$/,
      /^Execution venue +XPAR \(MIC\)$/,
      /^Buy\/sell +Buy$/,
      /^Quantity +150$/,
      /^Instrument +TotalEnergies SE \(ISIN FR0000120271\)$/,
      /^Unit price +101.255 EUR$/,
      /^Gross amount +15,188.25 EUR$/,
      /^Brokerage +15.19 EUR$/,
      /^Financial transaction tax \(FTT\) +60.75 EUR$/,
      /^Net amount debited to you +15,264.19 EUR$/,
      /^Settlement date +30 Nov 2026$/,
      /^The net amount of 15,264.19 EUR will be debited from your account CLI-001-EUR on 30 Nov 2026/,
      /^Any objection to this transaction must reach us within 2 business days/,
    ]);
    expect(found.filter((i) => i < 0)).toEqual([]);
    expect(lines.join('\n')).not.toMatch(/Achat|Quantité|was debited/);
  });

  it('on the settlement day itself, says it is debited today', async () => {
    const { lines } = await renderedAvis('fr', '2026-11-30');
    expect(lines.join('\n')).toContain('Le montant net de 15 264,19 EUR est débité ce jour, 30/11/2026, de votre compte CLI-001-EUR');
  });

  it('renders as one A4 page with ink in the letterhead and none in the bottom band', async () => {
    const { pdf } = await renderedAvis('fr', '2026-12-05');
    // A greyscale image (PGM, binary): header "P5\n<width> <height>\n255\n" then one byte per pixel.
    const pgm = poppler('pdftoppm', ['-r', '36', '-gray', '-singlefile', '-'], pdf);
    const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
    expect(header).not.toBeNull();
    const [width, height] = [Number(header![1]), Number(header![2])];
    // A4 at 36 dpi: 595 × 842 points → 298 × 421 pixels.
    expect([width, height]).toEqual([298, 421]);
    const pixels = pgm.subarray(header![0].length);
    const dark = (top: number, bottom: number) => {
      let n = 0;
      for (let y = top; y < bottom; y++) for (let x = 0; x < width; x++) if (pixels[y * width + x]! < 128) n++;
      return n;
    };
    expect(dark(20, 60)).toBeGreaterThan(50);
    expect(dark(height - 30, height)).toBe(0);
    expect(poppler('pdfinfo', ['-'], pdf).toString('utf8')).toMatch(/^Pages: +1$/m);
  });
});
