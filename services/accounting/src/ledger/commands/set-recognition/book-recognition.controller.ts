import { BadRequestException, Body, Controller, Param, Put } from '@nestjs/common';
import { MAKERS, Roles } from '@postera/platform';
import { isIsoDate } from '@postera/kernel';
import { DataSource } from 'typeorm';

@Controller()
export class BookRecognitionController {
  constructor(private readonly ds: DataSource) {}

  /** Trade-date or settlement-date recognition for a book, from a date (trades booked from then on). */
  @Put('books/:book/recognition')
  @Roles(...MAKERS)
  async setRecognition(@Param('book') book: string, @Body() body: { recognition?: string; effectiveFrom?: string }) {
    if (body?.recognition !== 'TRADE_DATE' && body?.recognition !== 'SETTLEMENT_DATE')
      throw new BadRequestException('recognition: TRADE_DATE or SETTLEMENT_DATE');
    if (!isIsoDate(body.effectiveFrom)) throw new BadRequestException('effectiveFrom: an ISO date');
    await this.ds.query(
      `INSERT INTO accounting.book_policies (book, effective_from, recognition) VALUES ($1, $2, $3) ON CONFLICT (book, effective_from) DO UPDATE SET recognition = EXCLUDED.recognition`,
      [book, body.effectiveFrom, body.recognition],
    );
    return { book, recognition: body.recognition, effectiveFrom: body.effectiveFrom };
  }
}
