import PDFDocument from 'pdfkit';
import type { NoticeBlock, NoticeLayout } from '../notifications/domain/notice-layout.js';

/** The PDF standard fonts speak WinAnsi: U+202F (the French digit-group space) has no glyph there, U+00A0 has. */
function winAnsiSafe(line: string): string {
  return line.replaceAll('\u202f', '\u00a0');
}

/** The 14 fonts every PDF reader has: pdfkit draws them from its own AFM metrics and embeds nothing. */
const STANDARD_FONTS = new Set([
  'Courier',
  'Courier-Bold',
  'Courier-BoldOblique',
  'Courier-Oblique',
  'Helvetica',
  'Helvetica-Bold',
  'Helvetica-BoldOblique',
  'Helvetica-Oblique',
  'Symbol',
  'Times-Bold',
  'Times-BoldItalic',
  'Times-Italic',
  'Times-Roman',
  'ZapfDingbats',
]);

/** pdfkit's own font bookkeeping on a document (not in its published types). */
interface FontBookkeeping {
  _fontFamilies?: Record<string, object | undefined>;
  _fontCount?: number;
  _registeredFonts?: Record<string, unknown>;
}

/** The two measures pdfkit asks of a standard font, for every word it wraps and every line it draws. */
interface FontMeasures {
  encode(text: string, features?: unknown): [string[], unknown[]];
  widthOfString(text: string, size: number): number;
}

/** A standard font as pdfkit built it once, without the fields that tie it to one document. */
interface SharedMetrics {
  prototype: object;
  fields: Record<string, unknown>;
  measures: FontMeasures;
}

/**
 * Strings remembered per font before that memory is cleared. Widths are one number each; an encoding
 * holds a position object per glyph (a few kilobytes a line), and most lines carry figures of their
 * own trade that never come back — so far fewer encodings are kept.
 */
const MEASURED_WIDTHS_MAX = 20_000;
const MEASURED_ENCODINGS_MAX = 1_000;

/**
 * pdfkit's measures of a standard font, remembered per string. Measuring walks the string's glyphs
 * and looks up each pair's kerning by a string key: half of a notice's PDF CPU, spent again on the
 * same labels and words in every notice. A standard font's encode ignores `features`, and neither
 * result is changed by its callers (pdfkit copies positions before adjusting word spacing), so the
 * remembered ones are returned as they are. The width is remembered at 1000 units — the sum of the
 * glyph advances, which is what pdfkit scales — and scaled as pdfkit does, to the same double.
 */
function rememberedMeasures(prototype: FontMeasures): FontMeasures {
  const encodings = new Map<string, [string[], unknown[]]>();
  const widths = new Map<string, number>();
  return {
    encode(this: FontMeasures, text: string, features?: unknown) {
      let e = encodings.get(text);
      if (e === undefined) {
        if (encodings.size >= MEASURED_ENCODINGS_MAX) encodings.clear();
        e = prototype.encode.call(this, text, features);
        encodings.set(text, e);
      }
      return e;
    },
    widthOfString(this: FontMeasures, text: string, size: number) {
      let units = widths.get(text);
      if (units === undefined) {
        if (widths.size >= MEASURED_WIDTHS_MAX) widths.clear();
        units = prototype.widthOfString.call(this, text, 1000);
        widths.set(text, units);
      }
      return units * (size / 1000);
    },
  };
}

const sharedMetrics = new Map<string, SharedMetrics>();

/** pdfkit's own text machinery on a document (not in its published types). */
interface TextMachinery {
  /** Draws one line of text at (x, y), aligned within `lineWidth` — what each wrapped line comes to. */
  _fragment?: (text: string, x: number, y: number, options: object) => void;
  _wrapper?: unknown;
  _textOptions?: unknown;
  _lineGap?: number;
  _fontSize?: number;
  _font?: { name?: string };
}

/** What makes pdfkit's line breaking break a line, or change it (the soft hyphen): such text takes pdfkit's way. */
const NOT_ONE_LINE = /[\n\r\v\f\u0085\u00ad\u2028\u2029]/;
/**
 * The largest kerning of a pair in the fonts the one-line path draws, in thousandths of the font
 * size (their AFM files: 180 in Helvetica, 140 in Helvetica-Bold). pdfkit measures a line word by
 * word, so a pair across two words is not kerned: the words' widths add up to the string's width
 * give or take that much at each place a line may break.
 */
const KERNING_UNITS_MAX = 200;
const ONE_LINE_FONTS = new Set(['Helvetica', 'Helvetica-Bold']);
/** The places a line may break, counted generously: every character but a letter or a digit of ASCII. */
const BREAK_CANDIDATES = /[^A-Za-z0-9]/g;

type PdfDocumentClass = new (options?: PDFKit.PDFDocumentOptions) => PDFKit.PDFDocument;

/**
 * A pdfkit document whose standard fonts share their parsed metrics with every other notice.
 * pdfkit builds each standard font of each document afresh, decoding the AFM glyph widths and
 * kerning pairs (a few thousand for Helvetica) into new tables: a third of the CPU of a notice's PDF.
 * Those tables are only read once built, so the first document's are kept, and each later document
 * gets its own font object around them — with its own id (F1, F2… in the order of first use, as
 * pdfkit numbers them) and its own PDF object — so the file is byte for byte what pdfkit alone
 * writes (notice-pdf.spec.ts compares them). Should pdfkit's bookkeeping not be there, the font is
 * built the ordinary way.
 */
class NoticeDocument extends (PDFDocument as unknown as PdfDocumentClass) {
  /**
   * The current page's operators not written yet. `declare`d, not initialised: pdfkit's constructor
   * draws on the first page before a field initialiser would run, and would see its operators wiped.
   */
  declare private pageOperators: string[] | undefined;

  /**
   * pdfkit turns each operator into bytes on its own (a loop per character into a new array) and
   * joins the arrays when the page ends: a fifth of a notice's PDF CPU. Here a page's operators are
   * kept as text and converted once, when the page ends, into the bytes pdfkit would write: each
   * operator's Latin-1 bytes and a newline (its fromBinaryString keeps the low byte of each
   * character, as Latin-1 encoding does). Binary content, and documents that buffer their pages
   * (one could switch back to a page), take pdfkit's way.
   */
  override addContent(data: unknown): this {
    if (typeof data === 'string' && !this.options.bufferPages) {
      (this.pageOperators ??= []).push(data);
      return this;
    }
    this.writePageOperators();
    super.addContent(data);
    return this;
  }

  override flushPages(): void {
    this.writePageOperators();
    super.flushPages();
  }

  private writePageOperators(): void {
    const operators = this.pageOperators;
    if (operators === undefined || operators.length === 0) return;
    this.pageOperators = [];
    (this.page as unknown as { write(chunk: Uint8Array): void }).write(Buffer.from(`${operators.join('\n')}\n`, 'latin1'));
  }

  /** The file's own lines (object headers, dictionaries, the cross-reference table) converted as the page's operators are. */
  _write(data: unknown): void {
    (PDFDocument.prototype as unknown as { _write(data: unknown): void })._write.call(
      this,
      typeof data === 'string' ? Buffer.from(`${data}\n`, 'latin1') : data,
    );
  }

  override font(src: PDFKit.Mixins.PDFFontSource, familyOrSize?: string | number, size?: number): this {
    // pdfkit reads (src, size) and (src, family, size) from the same arguments: handed on as they came.
    const pdfkitFont = () => super.font(src, familyOrSize as string, size);
    const doc = this as FontBookkeeping;
    const shareable =
      typeof src === 'string' &&
      STANDARD_FONTS.has(src) &&
      typeof familyOrSize !== 'string' &&
      typeof doc._fontFamilies === 'object' &&
      typeof doc._fontCount === 'number' &&
      doc._registeredFonts?.[src] === undefined &&
      doc._fontFamilies[src] === undefined;
    if (!shareable) return pdfkitFont();
    const shared = sharedMetrics.get(src);
    if (shared === undefined) {
      pdfkitFont();
      const built = doc._fontFamilies![src] as Record<string, unknown> | undefined;
      if (built !== undefined) {
        // Taken as soon as it is built: no PDF object of this document is attached to it yet.
        const { document: _document, id: _id, dictionary: _dictionary, embedded: _embedded, ...fields } = built;
        const prototype = Object.getPrototypeOf(built) as FontMeasures;
        sharedMetrics.set(src, { prototype, fields, measures: rememberedMeasures(prototype) });
      }
      return this;
    }
    doc._fontFamilies![src] = Object.assign(Object.create(shared.prototype) as object, shared.fields, shared.measures, {
      document: this,
      id: `F${++doc._fontCount!}`,
    });
    return pdfkitFont();
  }

  /**
   * Text that surely fits on one line is drawn as pdfkit draws a wrapped line, without its line
   * wrapper: the wrapper runs the Unicode line-breaking algorithm over every string, and most of a
   * notice's strings are table cells far narrower than their column (about a quarter of an avis's
   * PDF CPU). The line, its position, alignment and the document's x and y after it are what
   * pdfkit's own path gives — the same bytes (notice-pdf.spec.ts compares them). Anything else — a
   * line that might wrap or reach the page's end, options beyond width and alignment, another
   * font — goes to pdfkit.
   */
  override text(text: string, x?: number | PDFKit.Mixins.TextOptions, y?: number, options?: PDFKit.Mixins.TextOptions): this {
    const m = this as TextMachinery;
    if (typeof x === 'object' || m._fragment === undefined || m._wrapper != null || m._textOptions != null || !plainOptions(options)) {
      return super.text(text, x as number, y, options);
    }
    // Where pdfkit's _initOptions places the text, and the width it gives a line.
    if (x != null) this.x = x;
    if (y != null) this.y = y;
    const width = Math.max(options?.width ?? this.page.width - this.x - this.page.margins.right, 0);
    const lineHeight = this.currentLineHeight(true);
    if (!this.surelyOneLine(text, width) || this.y + lineHeight > this.page.maxY() - 1) return super.text(text, x, y, options);
    m._fragment.call(this, text, this.x, this.y, { ...options, width, lineWidth: width });
    this.y += lineHeight + (m._lineGap || 0);
    return this;
  }

  /** The height pdfkit gives text that surely fits on one line, without running its wrapper; the rest as pdfkit measures it. */
  override heightOfString(text: string, options?: PDFKit.Mixins.TextOptions): number {
    const m = this as TextMachinery;
    if (!plainOptions(options) || options?.width === undefined || !this.surelyOneLine(text, Math.max(options.width, 0)))
      return super.heightOfString(text, options);
    const after = this.y + (this.currentLineHeight(true) + (m._lineGap || 0));
    return after - this.y;
  }

  /** Whether pdfkit's wrapper would surely draw `text` as one line `width` wide (a generous margin: near the edge, pdfkit decides). */
  private surelyOneLine(text: string, width: number): boolean {
    const m = this as TextMachinery;
    if (typeof text !== 'string' || text.length === 0 || NOT_ONE_LINE.test(text) || !ONE_LINE_FONTS.has(m._font?.name ?? '')) return false;
    const size = m._fontSize ?? 12;
    const breaks = (text.match(BREAK_CANDIDATES)?.length ?? 0) + 1;
    return this.widthOfString(text) + (2 * breaks * KERNING_UNITS_MAX * size) / 1000 <= width;
  }
}

/** Options the one-line path draws as pdfkit does: none, a width, a left or right alignment. */
function plainOptions(options: PDFKit.Mixins.TextOptions | undefined): boolean {
  if (options === undefined) return true;
  for (const key of Object.keys(options)) if (key !== 'width' && key !== 'align') return false;
  return options.align === undefined || options.align === 'left' || options.align === 'right';
}

/** The document's settings: A4, Helvetica, and the notice's date as the creation date. */
export function noticePdfOptions(title: string, createdAt: Date): PDFKit.PDFDocumentOptions {
  return {
    size: 'A4',
    margin: 56,
    info: { Title: title, Producer: 'Postera', Creator: 'Postera notification', CreationDate: createdAt },
  };
}

/** The share of a table's width given to its labels; the values take the rest. */
const LABEL_COLUMN_SHARE = 0.42;
/** Space above and below the text of a table row, in points. */
const ROW_PADDING = 3;
const RULE_GREY = '#999999';

/** Starts a new page when `height` points no longer fit above the bottom margin. */
function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
}

/** A two-column table: caption, a rule, then one row per label and value, a hairline between rows; amounts right-aligned. */
function drawTable(doc: PDFKit.PDFDocument, b: Extract<NoticeBlock, { type: 'table' }>): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - doc.page.margins.left - doc.page.margins.right;
  const labelWidth = Math.round(width * LABEL_COLUMN_SHARE);
  const valueWidth = width - labelWidth - 8;
  ensureRoom(doc, 40);
  doc.font('Helvetica-Bold').fontSize(10).text(winAnsiSafe(b.caption), left, doc.y);
  doc
    .moveTo(left, doc.y + 1)
    .lineTo(left + width, doc.y + 1)
    .lineWidth(0.8)
    .strokeColor('black')
    .stroke();
  doc.y += 2;
  for (const row of b.rows) {
    const label = winAnsiSafe(row.label);
    const value = winAnsiSafe(row.value);
    doc.font(row.total ? 'Helvetica-Bold' : 'Helvetica').fontSize(9.5);
    const height = Math.max(doc.heightOfString(label, { width: labelWidth }), doc.heightOfString(value, { width: valueWidth })) + 2 * ROW_PADDING;
    ensureRoom(doc, height);
    const top = doc.y;
    doc.text(label, left, top + ROW_PADDING, { width: labelWidth });
    doc.text(value, left + labelWidth + 8, top + ROW_PADDING, { width: valueWidth, align: b.amounts ? 'right' : 'left' });
    doc.y = top + height;
    doc
      .moveTo(left, doc.y)
      .lineTo(left + width, doc.y)
      .lineWidth(row.total ? 0.8 : 0.3)
      .strokeColor(row.total ? 'black' : RULE_GREY)
      .stroke();
  }
  doc.x = left;
}

/** Draws a notice's layout: the letterhead, the title, the tables, the paragraphs, the mentions in small type. */
function drawLayout(doc: PDFKit.PDFDocument, layout: NoticeLayout): void {
  const left = doc.page.margins.left;
  for (const b of layout.blocks) {
    switch (b.type) {
      case 'letterhead':
        doc.font('Helvetica-Bold').fontSize(12).text(winAnsiSafe(b.name), left, doc.y);
        doc.font('Helvetica').fontSize(8);
        for (const line of b.lines) doc.text(winAnsiSafe(line), left);
        doc.moveDown(1.2);
        break;
      case 'title':
        doc.font('Helvetica-Bold').fontSize(14).text(winAnsiSafe(b.text), left);
        doc.moveDown(0.8);
        break;
      case 'paragraph':
        ensureRoom(doc, 24);
        doc.font('Helvetica').fontSize(9.5);
        for (const line of b.lines) doc.text(winAnsiSafe(line), left);
        doc.moveDown(0.8);
        break;
      case 'table':
        drawTable(doc, b);
        doc.moveDown(1);
        break;
      case 'mentions':
        ensureRoom(doc, 30);
        doc.font('Helvetica').fontSize(7.5);
        for (const line of b.lines) doc.text(winAnsiSafe(line), left).moveDown(0.3);
        break;
    }
  }
}

/** Draws the notice on `doc` — its layout, or else its lines — and ends it; resolves with the file. */
export function drawNoticePdf(doc: PDFKit.PDFDocument, content: string | NoticeLayout): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    if (typeof content !== 'string') {
      drawLayout(doc, content);
      doc.end();
      return;
    }
    const [firm = '', heading = '', ...rest] = content.split('\n');
    doc.font('Helvetica').fontSize(9).text(winAnsiSafe(firm));
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(14).text(winAnsiSafe(heading));
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    for (const line of rest) doc.text(line.length > 0 ? winAnsiSafe(line) : ' ');
    doc.end();
  });
}

/**
 * The notice as a PDF (A4, Helvetica), the same content as the mail's text — drawn from its layout
 * when it has one (the avis: letterhead, tables), else from its lines: the copy the client files.
 * No font is embedded (the 14 standard fonts need none), so the file stays a few kilobytes. The
 * creation date is fixed to the notice's, so a resend attaches the same bytes.
 */
export async function renderNoticePdf(title: string, content: string | NoticeLayout, createdAt: Date): Promise<Buffer> {
  return drawNoticePdf(new NoticeDocument(noticePdfOptions(title, createdAt)), content);
}

/** The PDF's file name, as mailed and downloaded: avis-d-opere-<trade>.pdf in French, trade-confirmation-<trade>.pdf in English. */
export function pdfFileName(n: { kind: string; language: 'fr' | 'en'; tradeRef: string }): string {
  const stem = n.kind === 'AVIS_OPERE' ? (n.language === 'fr' ? 'avis-d-opere' : 'trade-confirmation') : n.kind.toLowerCase().replaceAll('_', '-');
  return `${stem}-${n.tradeRef.replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf`;
}
