import PDFDocument from 'pdfkit';
import type { ActivityReport, CurrencyAmount, PeriodFigures, VolumeLine } from '../domain/activity-report.js';
import { formatChange, formatCount, formatDecimal, formatRate, formatRateChange, NARROW_NBSP, type ReportLanguage } from '../domain/number-format.js';

/** The words of the report in each language. */
const WORDS = {
  en: {
    title: 'Activity report',
    asOf: (d: string) => `As of the close of ${d}: every figure from facts dated on or before that day.`,
    keyFigures: 'Key figures',
    figure: 'Figure',
    day: 'Day',
    change: (d: string) => `Change vs ${d}`,
    month: (d: string) => `Month from ${d}`,
    captured: 'Trades captured',
    cancelled: 'Trades cancelled',
    amended: 'Trades amended',
    confirmed: 'Confirmations matched',
    validated: 'Trades validated',
    straightThrough: 'of which straight through',
    stpRate: 'STP rate',
    instructed: 'Instructions sent',
    matched: 'Matched at the CSD',
    settled: 'Settled',
    partiallySettled: 'Partially settled',
    due: 'Due for settlement',
    settledOnTime: 'Settled on the intended date',
    efficiency: 'Settlement efficiency (count)',
    failing: 'Failing at the close',
    penaltiesPayable: 'Penalties payable',
    penaltiesReceivable: 'Penalties receivable',
    settledValue: 'Value settled',
    avisSent: 'Trade confirmations (avis) sent',
    avisLate: 'of which late',
    fxResult: 'FX result (revaluation)',
    executionsReceived: 'Executions received',
    ofWhichExceptions: 'of which exceptions',
    ofWhichDuplicates: 'of which duplicates ignored',
    exceptionsRaised: 'Exceptions raised (all inputs)',
    deadLetters: 'Dead letters',
    breaksOpened: 'Reconciliation breaks opened',
    breaksClosed: 'Reconciliation breaks closed',
    breaksOpen: 'Breaks open at the close',
    executions: 'Executions received by outcome',
    outcome: 'Outcome',
    outcomes: {
      received: 'received',
      captured: 'captured',
      amended: 'amended',
      cancelled: 'cancelled',
      stale: 'stale (older version)',
      exceptions: 'exceptions',
      duplicates: 'duplicates ignored',
    },
    exceptionsByKind: 'Exceptions by kind and reason',
    kind: 'Kind',
    field: 'Field',
    rule: 'Reason',
    deadLettersByTopic: 'Dead letters by topic',
    topic: 'Topic',
    breaks: (n: string, d: string) => `Reconciliation breaks open at the close of ${d}: ${n}`,
    breaksByKind: 'Reconciliation',
    fails: (n: string, d: string) => `Fails at the close of ${d}: ${n}`,
    byReason: 'By reason',
    byAge: 'By age (business days after the intended date)',
    reason: 'Reason',
    age: 'Age',
    count: 'Count',
    toSettle: 'Cash still to settle',
    noReason: 'no reason from the CSD',
    efficiencyByValue: 'Settlement efficiency by value',
    currency: 'Currency',
    dueValue: 'Due',
    onTimeValue: 'Settled on time',
    rate: 'Rate',
    penalties: 'CSDR penalties',
    direction: 'Direction',
    payable: 'payable',
    receivable: 'receivable',
    volumes: 'Volumes (trades not cancelled)',
    byInstrument: 'By instrument',
    byVenue: 'By venue',
    byAccount: 'By account',
    byCounterparty: 'By counterparty',
    dayTrades: 'Day',
    dayGross: 'Day gross',
    monthTrades: 'Month',
    monthGross: 'Month gross',
    trendHeaders: ['Captured', 'Validated', 'STP', 'Settled', 'Efficiency', 'Failing'],
    trend: 'Last 20 business days',
    date: 'Date',
    none: 'none',
    page: (n: number) => `Page ${n}`,
  },
  fr: {
    title: 'Rapport d’activité',
    asOf: (d: string) => `À la clôture du ${d} : chaque chiffre vient de faits datés de ce jour ou d’avant.`,
    keyFigures: 'Chiffres clés',
    figure: 'Indicateur',
    day: 'Jour',
    change: (d: string) => `Écart / ${d}`,
    month: (d: string) => `Mois depuis le ${d}`,
    captured: 'Opérations saisies',
    cancelled: 'Opérations annulées',
    amended: 'Opérations modifiées',
    confirmed: 'Confirmations rapprochées',
    validated: 'Opérations validées',
    straightThrough: 'dont sans intervention',
    stpRate: 'Taux STP',
    instructed: 'Instructions émises',
    matched: 'Appariées chez le dépositaire',
    settled: 'Dénouées',
    partiallySettled: 'Dénouées partiellement',
    due: 'À dénouer',
    settledOnTime: 'Dénouées à la date prévue',
    efficiency: 'Efficacité du dénouement (nombre)',
    failing: 'En suspens à la clôture',
    penaltiesPayable: 'Pénalités à payer',
    penaltiesReceivable: 'Pénalités à recevoir',
    settledValue: 'Montant dénoué',
    avisSent: 'Avis d’opéré envoyés',
    avisLate: 'dont en retard',
    fxResult: 'Résultat de change (réévaluation)',
    executionsReceived: 'Exécutions reçues',
    ofWhichExceptions: 'dont anomalies',
    ofWhichDuplicates: 'dont doublons ignorés',
    exceptionsRaised: 'Anomalies levées (toutes entrées)',
    deadLetters: 'Messages en lettres mortes',
    breaksOpened: 'Écarts de rapprochement ouverts',
    breaksClosed: 'Écarts de rapprochement clos',
    breaksOpen: 'Écarts ouverts à la clôture',
    executions: 'Exécutions reçues par issue',
    outcome: 'Issue',
    outcomes: {
      received: 'reçues',
      captured: 'saisies',
      amended: 'modifiées',
      cancelled: 'annulées',
      stale: 'périmées (version antérieure)',
      exceptions: 'anomalies',
      duplicates: 'doublons ignorés',
    },
    exceptionsByKind: 'Anomalies par type et motif',
    kind: 'Type',
    field: 'Champ',
    rule: 'Motif',
    deadLettersByTopic: 'Lettres mortes par topic',
    topic: 'Topic',
    breaks: (n: string, d: string) => `Écarts de rapprochement ouverts à la clôture du ${d} : ${n}`,
    breaksByKind: 'Rapprochement',
    fails: (n: string, d: string) => `Suspens à la clôture du ${d} : ${n}`,
    byReason: 'Par motif',
    byAge: 'Par ancienneté (jours ouvrés après la date prévue)',
    reason: 'Motif',
    age: 'Ancienneté',
    count: 'Nombre',
    toSettle: 'Espèces restant à dénouer',
    noReason: 'sans motif du dépositaire',
    efficiencyByValue: 'Efficacité du dénouement en montant',
    currency: 'Devise',
    dueValue: 'À dénouer',
    onTimeValue: 'Dénoué à temps',
    rate: 'Taux',
    penalties: 'Pénalités CSDR',
    direction: 'Sens',
    payable: 'à payer',
    receivable: 'à recevoir',
    volumes: 'Volumes (opérations non annulées)',
    byInstrument: 'Par instrument',
    byVenue: 'Par lieu d’exécution',
    byAccount: 'Par compte',
    byCounterparty: 'Par contrepartie',
    dayTrades: 'Jour',
    dayGross: 'Brut jour',
    monthTrades: 'Mois',
    monthGross: 'Brut mois',
    trendHeaders: ['Saisies', 'Validées', 'STP', 'Dénouées', 'Efficacité', 'Suspens'],
    trend: 'Vingt derniers jours ouvrés',
    date: 'Date',
    none: 'aucune',
    page: (n: number) => `Page ${n}`,
  },
} as const;

type Words = (typeof WORDS)[ReportLanguage];

const LEFT = 50;
const WIDTH = 495;
const ROW_H = 13;

/**
 * The PDF standard fonts speak WinAnsi, which has no U+202F (the French digit-group space): it is
 * drawn as U+00A0, the no-break space WinAnsi has, so a figure never breaks across lines.
 */
const winAnsi = (s: string) => s.replaceAll(NARROW_NBSP, '\u00a0');

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

/** The text cut to the cell's width with an ellipsis (a cell is one line: a row never grows). */
function fit(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let s = text;
  while (s.length > 1 && doc.widthOfString(`${s}…`) > width) s = s.slice(0, -1);
  return `${s}…`;
}

/** A table: bold header row, thin rule, one line per row; numbers right-aligned. */
function table(doc: PDFKit.PDFDocument, columns: Column[], rows: string[][], o: { boldRows?: Set<number> } = {}): void {
  const draw = (cells: string[], bold: boolean) => {
    if (doc.y + ROW_H > doc.page.height - 60) doc.addPage();
    const y = doc.y;
    let x = LEFT;
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    columns.forEach((c, i) => {
      const text = fit(doc, winAnsi(cells[i] ?? ''), c.width - 6);
      const at = c.align === 'right' ? x + c.width - 3 - doc.widthOfString(text) : x + 3;
      doc.text(text, at, y, { lineBreak: false });
      x += c.width;
    });
    doc.x = LEFT;
    doc.y = y + ROW_H;
  };
  draw(
    columns.map((c) => c.header),
    true,
  );
  doc
    .moveTo(LEFT, doc.y - 2)
    .lineTo(LEFT + columns.reduce((a, c) => a + c.width, 0), doc.y - 2)
    .lineWidth(0.5)
    .stroke('#555555');
  rows.forEach((r, i) => draw(r, o.boldRows?.has(i) ?? false));
  doc.moveDown(0.6);
}

function heading(doc: PDFKit.PDFDocument, text: string, size = 11): void {
  if (doc.y > doc.page.height - 120) doc.addPage();
  doc.moveDown(0.4).font('Helvetica-Bold').fontSize(size).text(winAnsi(text), LEFT, doc.y, { width: WIDTH });
  doc.moveDown(0.3);
}

const amounts = (list: CurrencyAmount[], lang: ReportLanguage, none: string) =>
  list.length === 0 ? none : list.map((a) => `${formatDecimal(a.amount, lang)} ${a.currency}`).join(' ; ');

/** The key figures: day, change from the previous business day, month to date. */
function keyFigures(doc: PDFKit.PDFDocument, r: ActivityReport, lang: ReportLanguage, w: Words): void {
  const count = (label: string, k: (p: PeriodFigures) => number) => [
    label,
    formatCount(k(r.day), lang),
    formatChange(k(r.day), k(r.previousDay), lang),
    formatCount(k(r.month), lang),
  ];
  const rate = (label: string, k: (p: PeriodFigures) => string | null) => [
    label,
    formatRate(k(r.day), lang),
    formatRateChange(k(r.day), k(r.previousDay), lang),
    formatRate(k(r.month), lang),
  ];
  // One row per currency (the label on the first): amounts of two currencies are never added.
  const money = (label: string, k: (p: PeriodFigures) => CurrencyAmount[]) => {
    const currencies = [...new Set([...k(r.day), ...k(r.month)].map((a) => a.currency))].sort();
    const of = (list: CurrencyAmount[], c: string) => {
      const a = list.find((x) => x.currency === c);
      return a ? `${formatDecimal(a.amount, lang)} ${c}` : `0 ${c}`;
    };
    return currencies.length === 0 ? [[label, '0', '', '0']] : currencies.map((c, i) => [i === 0 ? label : '', of(k(r.day), c), '', of(k(r.month), c)]);
  };
  const rows: string[][] = [
    count(w.captured, (p) => p.captured),
    count(w.cancelled, (p) => p.cancelled),
    count(w.amended, (p) => p.amended),
    count(w.confirmed, (p) => p.confirmed),
    count(w.validated, (p) => p.validated),
    count(w.straightThrough, (p) => p.straightThrough),
    rate(w.stpRate, (p) => p.stpRate),
    count(w.instructed, (p) => p.instructed),
    count(w.matched, (p) => p.matched),
    count(w.settled, (p) => p.settled),
    count(w.partiallySettled, (p) => p.partiallySettled),
    ...money(w.settledValue, (p) => p.settledValue),
    count(w.due, (p) => p.settlementEfficiency.due),
    count(w.settledOnTime, (p) => p.settlementEfficiency.settledOnTime),
    rate(w.efficiency, (p) => p.settlementEfficiency.rate),
    [w.failing, formatCount(r.day.failing, lang), formatChange(r.day.failing, r.previousDay.failing, lang), ''],
    ...money(w.penaltiesPayable, (p) => p.penalties.payable),
    ...money(w.penaltiesReceivable, (p) => p.penalties.receivable),
    count(w.avisSent, (p) => p.avisSent),
    count(w.avisLate, (p) => p.avisLate),
    ...money(w.fxResult, (p) => p.fxResult),
    count(w.executionsReceived, (p) => p.executions.received),
    count(w.ofWhichExceptions, (p) => p.executions.exceptions),
    count(w.ofWhichDuplicates, (p) => p.executions.duplicates),
    count(w.exceptionsRaised, (p) => p.exceptions.total),
    count(w.deadLetters, (p) => p.deadLetters.total),
    count(w.breaksOpened, (p) => p.breaks.opened),
    count(w.breaksClosed, (p) => p.breaks.closed),
    [w.breaksOpen, formatCount(r.day.breaks.open, lang), formatChange(r.day.breaks.open, r.previousDay.breaks.open, lang), ''],
  ];
  const bold = new Set<string>([w.stpRate, w.efficiency, w.failing, w.breaksOpen]);
  table(
    doc,
    [
      { header: w.figure, width: 165 },
      { header: w.day, width: 110, align: 'right' },
      { header: w.change(r.previousBusinessDate), width: 95, align: 'right' },
      { header: w.month(r.monthStart), width: 125, align: 'right' },
    ],
    rows,
    { boldRows: new Set(rows.flatMap((row, i) => (bold.has(row[0]!) ? [i] : []))) },
  );
}

function volumeTable(doc: PDFKit.PDFDocument, title: string, lines: VolumeLine[], lang: ReportLanguage, w: Words): void {
  heading(doc, title, 10);
  table(
    doc,
    [
      { header: '', width: 110 },
      { header: '', width: 140 },
      { header: '', width: 30 },
      { header: w.dayTrades, width: 35, align: 'right' },
      { header: w.dayGross, width: 75, align: 'right' },
      { header: w.monthTrades, width: 35, align: 'right' },
      { header: w.monthGross, width: 70, align: 'right' },
    ],
    lines.map((v) => [
      v.key,
      v.name ?? '',
      v.currency,
      formatCount(v.day.trades, lang),
      formatDecimal(v.day.grossAmount, lang),
      formatCount(v.month.trades, lang),
      formatDecimal(v.month.grossAmount, lang),
    ]),
  );
}

/**
 * The activity report laid out for a reader, in one language: page 1 the key figures of the day
 * with their change from the previous business day and the month to date (the intake, dead letters
 * and reconciliation breaks among them), and the fails; then the details (fails by reason and age,
 * efficiency by value, penalties, executions received by outcome, exceptions by kind and reason,
 * dead letters by topic, the open breaks by reconciliation and age, volumes with the instruments'
 * and counterparties' names, the 20-day trend).
 * pdfkit with the standard fonts, uncompressed; the creation date is the business date, so the
 * same report gives the same bytes.
 */
export function activityPdf(r: ActivityReport, o: { firmName: string; language: ReportLanguage }): Promise<Buffer> {
  const lang = o.language;
  const w = WORDS[lang];
  const doc = new PDFDocument({
    size: 'A4',
    margin: 50,
    compress: false,
    lang,
    info: {
      Title: `${w.title} ${r.businessDate}`,
      Author: o.firmName,
      CreationDate: new Date(`${r.businessDate}T00:00:00Z`),
      ModDate: new Date(`${r.businessDate}T00:00:00Z`),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Page 1: the summary.
  doc
    .font('Helvetica-Bold')
    .fontSize(16)
    .text(winAnsi(`${o.firmName} — ${w.title} ${r.businessDate}`), LEFT, 50, { width: WIDTH });
  doc
    .font('Helvetica')
    .fontSize(9)
    .text(winAnsi(w.asOf(r.businessDate)), { width: WIDTH });
  heading(doc, w.keyFigures);
  keyFigures(doc, r, lang, w);
  heading(doc, w.fails(formatCount(r.fails.total, lang), r.businessDate), 10);
  doc
    .font('Helvetica')
    .fontSize(8.5)
    .text(
      winAnsi(
        `${r.fails.byReason.map((x) => `${x.reason === 'NONE' ? w.noReason : x.reason} ${formatCount(x.count, lang)}`).join(' ; ') || w.none} — ${w.toSettle}${lang === 'fr' ? ' : ' : ': '}${amounts(r.fails.value, lang, '0')}`,
      ),
      { width: WIDTH },
    );

  // Then the details.
  doc.addPage();
  heading(doc, w.fails(formatCount(r.fails.total, lang), r.businessDate));
  table(
    doc,
    [
      { header: w.reason, width: 160 },
      { header: w.count, width: 60, align: 'right' },
    ],
    r.fails.byReason.map((x) => [x.reason === 'NONE' ? w.noReason : x.reason, formatCount(x.count, lang)]),
  );
  table(
    doc,
    [
      { header: w.age, width: 160 },
      { header: w.count, width: 60, align: 'right' },
    ],
    r.fails.byAge.map((x) => [x.bucket, formatCount(x.count, lang)]),
  );
  heading(doc, w.efficiencyByValue);
  table(
    doc,
    [
      { header: w.currency, width: 60 },
      { header: w.dueValue, width: 120, align: 'right' },
      { header: w.onTimeValue, width: 120, align: 'right' },
      { header: w.rate, width: 70, align: 'right' },
    ],
    r.day.settlementEfficiency.byValue.map((v) => [v.currency, formatDecimal(v.due, lang), formatDecimal(v.settledOnTime, lang), formatRate(v.rate, lang)]),
  );
  heading(doc, w.penalties);
  table(
    doc,
    [
      { header: w.direction, width: 100 },
      { header: w.currency, width: 60 },
      { header: w.count, width: 60, align: 'right' },
      { header: w.day, width: 110, align: 'right' },
    ],
    [
      ...r.day.penalties.payable.map((p) => [w.payable, p.currency, formatCount(p.count, lang), formatDecimal(p.amount, lang)]),
      ...r.day.penalties.receivable.map((p) => [w.receivable, p.currency, formatCount(p.count, lang), formatDecimal(p.amount, lang)]),
    ],
  );
  heading(doc, w.executions);
  table(
    doc,
    [
      { header: w.outcome, width: 160 },
      { header: w.day, width: 70, align: 'right' },
      { header: w.month(r.monthStart), width: 110, align: 'right' },
    ],
    (['received', 'captured', 'amended', 'cancelled', 'stale', 'exceptions', 'duplicates'] as const).map((k) => [
      w.outcomes[k],
      formatCount(r.day.executions[k], lang),
      formatCount(r.month.executions[k], lang),
    ]),
    { boldRows: new Set([0]) },
  );
  heading(doc, w.exceptionsByKind);
  const kinds = [...new Set([...r.day.exceptions.byKind, ...r.month.exceptions.byKind].map((x) => x.kind))].sort();
  const ofKind = (list: Array<{ kind: string; count: number }>, kind: string) => list.find((x) => x.kind === kind)?.count ?? 0;
  table(
    doc,
    [
      { header: w.kind, width: 160 },
      { header: w.day, width: 70, align: 'right' },
      { header: w.month(r.monthStart), width: 110, align: 'right' },
    ],
    kinds.map((k) => [k, formatCount(ofKind(r.day.exceptions.byKind, k), lang), formatCount(ofKind(r.month.exceptions.byKind, k), lang)]),
  );
  const reasonKey = (x: { kind: string; field: string; rule: string }) => JSON.stringify([x.kind, x.field, x.rule]);
  const dayReasons = new Map(r.day.exceptions.byReason.map((x) => [reasonKey(x), x.count]));
  table(
    doc,
    [
      { header: w.kind, width: 75 },
      { header: w.field, width: 80 },
      { header: w.rule, width: 230 },
      { header: w.day, width: 40, align: 'right' },
      { header: w.monthTrades, width: 50, align: 'right' },
    ],
    r.month.exceptions.byReason.map((x) => [x.kind, x.field, x.rule, formatCount(dayReasons.get(reasonKey(x)) ?? 0, lang), formatCount(x.count, lang)]),
  );
  heading(doc, w.deadLettersByTopic);
  const dlqTopics = [...new Set(r.month.deadLetters.byTopic.map((x) => x.topic))].sort();
  const ofTopic = (list: Array<{ topic: string; count: number }>, topic: string) => list.find((x) => x.topic === topic)?.count ?? 0;
  table(
    doc,
    [
      { header: w.topic, width: 200 },
      { header: w.day, width: 70, align: 'right' },
      { header: w.month(r.monthStart), width: 110, align: 'right' },
    ],
    dlqTopics.map((t) => [t, formatCount(ofTopic(r.day.deadLetters.byTopic, t), lang), formatCount(ofTopic(r.month.deadLetters.byTopic, t), lang)]),
  );
  heading(doc, w.breaks(formatCount(r.breaks.open, lang), r.businessDate));
  table(
    doc,
    [
      { header: w.breaksByKind, width: 160 },
      { header: w.count, width: 60, align: 'right' },
    ],
    r.breaks.byKind.map((x) => [x.kind, formatCount(x.count, lang)]),
  );
  table(
    doc,
    [
      { header: w.age, width: 160 },
      { header: w.count, width: 60, align: 'right' },
    ],
    r.breaks.byAge.map((x) => [x.bucket, formatCount(x.count, lang)]),
  );
  heading(doc, w.volumes);
  volumeTable(doc, w.byInstrument, r.volumes.byInstrument, lang, w);
  volumeTable(doc, w.byVenue, r.volumes.byVenue, lang, w);
  volumeTable(doc, w.byAccount, r.volumes.byAccount, lang, w);
  volumeTable(doc, w.byCounterparty, r.volumes.byCounterparty, lang, w);
  heading(doc, w.trend);
  table(
    doc,
    [{ header: w.date, width: 75 }, ...w.trendHeaders.map((header): Column => ({ header, width: 70, align: 'right' }))],
    r.trend.map((t) => [
      t.date,
      formatCount(t.captured, lang),
      formatCount(t.validated, lang),
      formatRate(t.stpRate, lang),
      formatCount(t.settled, lang),
      formatRate(t.settlementEfficiency, lang),
      formatCount(t.failing, lang),
    ]),
  );
  doc.end();
  return done;
}
