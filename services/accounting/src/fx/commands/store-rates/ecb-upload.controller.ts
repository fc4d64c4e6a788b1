import { Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { CONFIG, MAKERS, Roles } from '@postera/platform';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { AccountingConfig } from '../../../config.js';
import { readBody } from '../../../http/read-body.js';
import { asJournalWriter } from '../../../ledger/persistence/journal.repository.js';
import { parseEcbCsv } from '../../domain/ecb-csv.js';
import { storeRates } from './store-rates.js';

@Controller()
export class EcbUploadController {
  constructor(
    private readonly ds: DataSource,
    @Inject(CONFIG) private readonly config: AccountingConfig,
  ) {}

  /**
   * Import ECB reference rates in the ECB's own CSV (daily or history file), as text/csv (or JSON
   * { csv }). A rate late for a close already processed revalues its currency's positions again
   * (fx/commands/revalue-positions/revaluation.ts), posted through the journal writer's role.
   */
  @Post('fx-rates/ecb')
  @HttpCode(200)
  @Roles(...MAKERS)
  async importEcb(@Req() req: Parameters<typeof readBody>[0]) {
    const parsed = parseEcbCsv(await readBody(req));
    const stored = await this.ds.transaction(async (tx) => {
      await asJournalWriter({ tx }, this.config.JOURNAL_WRITER_ROLE);
      return storeRates(tx, parsed.rates, 'ECB upload', `ecb-upload:${randomUUID()}`);
    });
    return { stored, problems: parsed.problems };
  }
}
