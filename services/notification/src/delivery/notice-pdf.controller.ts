import { Controller, Get, Inject, NotFoundException, Param, ParseUUIDPipe, Res, StreamableFile } from '@nestjs/common';
import { CONFIG, READERS, Roles } from '@postera/platform';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { NotificationConfig } from '../config.js';
import { renderNotification } from '../notifications/domain/render-notification.js';
import { noticeAsMailed } from './delivery.repository.js';
import { noticeContextOf, noticeIssuedAt } from './notice-context.js';
import { pdfFileName, renderNoticePdf } from './notice-pdf.js';

/**
 * A notice's PDF (the avis d'opéré, a settlement confirmation…), drawn when asked from what the
 * notice was routed with: the same text, language and date as the attachment mailed to the client,
 * so the same bytes, whether it was mailed yet or not. With its SHA-256 in `x-content-sha256`.
 */
@Controller('notices')
export class NoticePdfController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: NotificationConfig,
  ) {}

  @Get(':id/pdf')
  @Roles(...READERS, 'admin')
  async pdf(@Param('id', new ParseUUIDPipe()) id: string, @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void }) {
    const n = await noticeAsMailed(this.ds, id);
    if (!n) throw new NotFoundException(`no notice ${id}`);
    const text = renderNotification(n.kind, n.payload, noticeContextOf(n, this.config));
    const pdf = await renderNoticePdf(text.subject, text.layout ?? text.body, noticeIssuedAt(n));
    res.setHeader('x-content-sha256', createHash('sha256').update(pdf).digest('hex'));
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `attachment; filename="${pdfFileName(n)}"` });
  }
}
