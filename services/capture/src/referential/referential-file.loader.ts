import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { CONFIG, LOG, type Log } from '@postera/platform';
import { readFile } from 'node:fs/promises';
import type { CaptureConfig } from '../config.js';
import { ReferentialImportService } from './referential-import.service.js';

/** Problems written into the boot error: the rest are counted, the file is to be fixed anyway. */
const PROBLEMS_LOGGED_MAX = 50;

/**
 * Imports REFERENTIAL_FILE (the JSON shape of POST /referential/import) at boot, as source FILE.
 * Restarting with the same file changes nothing (identical rows keep their version and publish
 * nothing). It runs in onModuleInit, before the consumers start (onApplicationBootstrap), so the
 * first batch of trades already sees the file's referential. A file that is missing, not JSON or
 * refused stops the boot with every problem named: running on half a referential would turn good
 * trades into exceptions.
 */
@Injectable()
export class ReferentialFileLoader implements OnModuleInit {
  constructor(
    @Inject(CONFIG) private readonly config: CaptureConfig,
    @Inject(LOG) private readonly log: Log,
    private readonly imports: ReferentialImportService,
  ) {}

  async onModuleInit(): Promise<void> {
    const path = this.config.REFERENTIAL_FILE;
    if (!path) return;
    let body: unknown;
    try {
      body = JSON.parse(await readFile(path, 'utf8'));
    } catch (e) {
      throw new Error(`REFERENTIAL_FILE ${path}: not a readable JSON file (${(e as Error).message})`);
    }
    const outcome = await this.imports.importJson(body, { source: 'FILE', changedBy: null, approvedBy: null });
    if (!outcome.ok) {
      const lines = outcome.problems
        .slice(0, PROBLEMS_LOGGED_MAX)
        .map((p) => `  ${p.entity ?? ''}${p.row === null ? '' : ` row ${p.row}`}${p.key ? ` (${p.key})` : ''} ${p.field}: ${p.rule}`);
      const more = outcome.problems.length > PROBLEMS_LOGGED_MAX ? `\n  … and ${outcome.problems.length - PROBLEMS_LOGGED_MAX} more` : '';
      throw new Error(`REFERENTIAL_FILE ${path} refused, nothing imported (${outcome.problems.length} problems):\n${lines.join('\n')}${more}`);
    }
    this.log.info({ file: path, counts: outcome.counts }, 'referential file imported');
  }
}
