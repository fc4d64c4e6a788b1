import PDFDocument from 'pdfkit';

/** The PDF standard fonts speak WinAnsi: U+202F (the French digit-group space) has no glyph there, U+00A0 has. */
function winAnsiSafe(line: string): string {
  return line.replaceAll('\u202f', '\u00a0');
}

/**
 * The notice as a PDF (A4, Helvetica), the same lines as the mail's text: the copy the client files.
 * No font is embedded (the 14 standard fonts need none), so the file stays a few kilobytes. The
 * creation date is fixed to the notice's, so a resend attaches the same bytes.
 */
export function renderNoticePdf(title: string, body: string, createdAt: Date): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: 'A4',
      margin: 56,
      info: { Title: title, Producer: 'Postera', Creator: 'Postera notification', CreationDate: createdAt },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    const [firm = '', heading = '', ...rest] = body.split('\n');
    doc.font('Helvetica').fontSize(9).text(winAnsiSafe(firm));
    doc.moveDown(0.5).font('Helvetica-Bold').fontSize(14).text(winAnsiSafe(heading));
    doc.moveDown(0.5).font('Helvetica').fontSize(10);
    for (const line of rest) doc.text(line.length > 0 ? winAnsiSafe(line) : ' ');
    doc.end();
  });
}
