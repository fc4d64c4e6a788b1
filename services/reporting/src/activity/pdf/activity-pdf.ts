import PDFDocument from 'pdfkit';
import type { ActivityReport } from '../domain/activity-report.js';

/** A bar chart: one labelled bar per value, scaled to the largest (or to `max`). */
interface Bar {
  label: string;
  value: number;
  caption: string;
}

const CHART_W = 460;
const BAR_H = 14;
const BAR_GAP = 6;
const LABEL_W = 120;

function barChart(doc: PDFKit.PDFDocument, title: string, bars: Bar[], max?: number): void {
  if (doc.y > 650) doc.addPage();
  doc.moveDown(0.8).font('Helvetica-Bold').fontSize(11).text(title, 50).font('Helvetica').fontSize(9);
  const top = doc.y + 4;
  if (bars.length === 0) {
    doc.text('(nothing to chart)', 50, top);
    return;
  }
  const scale = max ?? Math.max(...bars.map((b) => b.value), 1);
  const width = CHART_W - LABEL_W - 80;
  bars.forEach((b, i) => {
    const y = top + i * (BAR_H + BAR_GAP);
    doc.fillColor('#000000').text(b.label, 50, y + 3, { width: LABEL_W - 8, lineBreak: false, ellipsis: true });
    const w = Math.max(1, (b.value / scale) * width);
    doc.rect(50 + LABEL_W, y, w, BAR_H).fill('#2f6fb0');
    doc.fillColor('#000000').text(b.caption, 50 + LABEL_W + w + 6, y + 3, { lineBreak: false });
  });
  // The axis: a line under the bars.
  const bottom = top + bars.length * (BAR_H + BAR_GAP);
  doc.moveTo(50 + LABEL_W, top - 2).lineTo(50 + LABEL_W, bottom).stroke('#555555');
  doc.x = 50;
  doc.y = bottom + 4;
}

const pct = (r: string | null) => (r === null ? 'n/a' : `${(Number(r) * 100).toFixed(2)} %`);

/**
 * The activity report as a PDF with its charts (pdfkit, standard fonts, uncompressed content so the
 * file is inspectable): rates, volumes by venue, fails by reason and by age.
 */
export function activityPdf(r: ActivityReport, o: { firmName: string; producedAt: string }): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 50, compress: false, info: { Title: `Activity report ${r.businessDate}`, Author: o.firmName, CreationDate: new Date(o.producedAt) } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  doc.font('Helvetica-Bold').fontSize(16).text(`${o.firmName} — activity report ${r.businessDate}`);
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  doc.text(`Trades of the day: ${r.stp.trades}`);
  doc.text(`STP rate: ${pct(r.stp.rate)} (${r.stp.straightThrough} straight through)`);
  doc.text(`Confirmation rate: ${pct(r.confirmation.rate)} (${r.confirmation.confirmed} confirmed)`);
  doc.text(`Settlement efficiency: ${pct(r.settlementEfficiency.rate)} (${r.settlementEfficiency.settledOnTime} settled on time of ${r.settlementEfficiency.due} due)`);
  doc.text(`Fails: ${r.fails.total}`);
  doc.text(`Penalties: ${r.penalties.length === 0 ? 'none' : r.penalties.map((p) => `${p.direction} ${p.amount} ${p.currency} (${p.count})`).join(', ')}`);
  doc.text(`FX results: ${r.fxResults.available ? 'see the JSON report' : r.fxResults.reason}`);
  doc.text(`Reconciliation breaks: ${r.reconciliationBreaks.available ? 'see the JSON report' : r.reconciliationBreaks.reason}`);

  const rateBar = (label: string, v: string | null): Bar => ({ label, value: v === null ? 0 : Number(v), caption: pct(v) });
  barChart(
    doc,
    'Chart 1 — rates',
    [rateBar('STP', r.stp.rate), rateBar('Confirmation', r.confirmation.rate), rateBar('Settlement efficiency', r.settlementEfficiency.rate)],
    1,
  );
  barChart(
    doc,
    'Chart 2 — trades by venue',
    r.volumes.byVenue.map((v) => ({ label: `${v.key} ${v.currency}`, value: v.trades, caption: `${v.trades} trades, ${v.grossAmount}` })),
  );
  barChart(
    doc,
    'Chart 3 — fails by reason',
    r.fails.byReason.map((f) => ({ label: f.reason, value: f.count, caption: String(f.count) })),
  );
  barChart(
    doc,
    'Chart 4 — fails by age (days)',
    r.fails.byAge.map((f) => ({ label: f.bucket, value: f.count, caption: String(f.count) })),
  );

  doc.addPage().font('Helvetica-Bold').fontSize(11).text('Volumes by instrument').font('Helvetica').fontSize(9);
  for (const v of r.volumes.byInstrument) doc.text(`${v.key}  ${v.trades} trades  ${v.grossAmount} ${v.currency}`);
  doc.moveDown().font('Helvetica-Bold').fontSize(11).text('Volumes by account').font('Helvetica').fontSize(9);
  for (const v of r.volumes.byAccount) doc.text(`${v.key}  ${v.trades} trades  ${v.grossAmount} ${v.currency}`);
  doc.end();
  return done;
}
