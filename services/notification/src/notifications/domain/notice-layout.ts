/**
 * A notice laid out as a broker prints it: the firm's letterhead, a title, paragraphs and two-column
 * tables (label, value). The mail's plain text and the PDF are both drawn from it, so they say the
 * same thing in the same order.
 */
export interface NoticeRow {
  label: string;
  value: string;
  /** A total (the net amount): bold in the PDF. */
  total?: boolean;
}

export type NoticeBlock =
  | { type: 'letterhead'; name: string; lines: string[] }
  | { type: 'title'; text: string }
  | { type: 'paragraph'; lines: string[] }
  | { type: 'table'; caption: string; rows: NoticeRow[]; amounts?: boolean }
  | { type: 'mentions'; lines: string[] };

export interface NoticeLayout {
  blocks: NoticeBlock[];
}

/** Gap between a table's label column and its values in the plain text. */
const COLUMN_GAP = 3;

function tableText(b: Extract<NoticeBlock, { type: 'table' }>): string[] {
  const labelWidth = Math.max(...b.rows.map((r) => r.label.length));
  // Amounts are right-aligned on their last digit, as in a column of figures.
  const valueWidth = b.amounts ? Math.max(...b.rows.map((r) => r.value.length)) : 0;
  const rule = '-'.repeat(Math.max(b.caption.length, 2 + labelWidth + COLUMN_GAP + Math.max(...b.rows.map((r) => r.value.length))));
  return [b.caption, rule, ...b.rows.map((r) => `  ${r.label.padEnd(labelWidth + COLUMN_GAP)}${b.amounts ? r.value.padStart(valueWidth) : r.value}`)];
}

/** The layout as the mail's plain text: blocks separated by a blank line, tables in aligned columns. */
export function layoutText(layout: NoticeLayout): string {
  const parts = layout.blocks.map((b): string[] => {
    switch (b.type) {
      case 'letterhead':
        return [b.name, ...b.lines];
      case 'title':
        return [b.text];
      case 'paragraph':
      case 'mentions':
        return b.lines;
      case 'table':
        return tableText(b);
    }
  });
  return `${parts.map((p) => p.join('\n')).join('\n\n')}\n`;
}
