import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { CurrentOperator, MAKERS, pageRequest, READERS, RequiresFourEyes, requireFourEyes, Roles, type Operator } from '@postera/platform';
import type { IncomingMessage } from 'node:http';
import { DataSource } from 'typeorm';
import { CSV_ENTITIES, type CsvEntity } from './domain/referential-csv.js';
import { REFERENTIAL_ENTITIES, type ReferentialEntity } from './domain/referential-rules.js';
import { ReferentialImportService, type ImportOrigin, type ImportOutcome } from './referential-import.service.js';
import { listPage } from './persistence/referential.repository.js';
import { historyCursor, historyPage, historyRowExists, listCursor, rowExists } from './referential-pages.js';

/** A CSV body is read here, not by the platform's JSON parser: this is its bound. */
export const CSV_BYTES_MAX = 1024 * 1024;
/** Rows of one GET at most, and of one without `limit`: a reader reads a short list in one call. */
const PAGE_ROWS_MAX = 1_000;

/**
 * The referential through the operator API: imports (JSON of every entity, or CSV of one) and
 * reads. An import is a change of two people: the one who proposed it and the supervisor who
 * approved it, both recorded on every history row it writes.
 */
@Controller('referential')
export class ReferentialController {
  constructor(
    private readonly ds: DataSource,
    private readonly imports: ReferentialImportService,
  ) {}

  @Post('import')
  @HttpCode(200)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async import(@Body() body: unknown, @CurrentOperator() who: Operator) {
    return answer(await this.imports.importJson(body, origin(who)));
  }

  @Post('import/:entity')
  @HttpCode(200)
  @Roles(...MAKERS)
  @RequiresFourEyes()
  async importCsv(@Param('entity') entity: string, @Req() req: IncomingMessage, @CurrentOperator() who: Operator) {
    if (!(CSV_ENTITIES as readonly string[]).includes(entity)) throw new BadRequestException(`entity: one of ${CSV_ENTITIES.join(', ')}`);
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/csv') throw new UnsupportedMediaTypeException('a CSV body (content-type: text/csv, UTF-8) with a header row');
    const text = await readUtf8(req, CSV_BYTES_MAX);
    return answer(await this.imports.importCsv(entity as CsvEntity, text, origin(who)));
  }

  /**
   * The lists page by key (keyset, never an offset): `?limit=` 1 to 1,000 (1,000 by default) and
   * `?after=` the key of the last row of the page before, exclusive (URL-encoded: an account may
   * hold `&`, `+`, `#`). A malformed key or limit is a 400, a key that names no row a 404. A page
   * does not shift when imports add or change rows meanwhile, and every row is reached.
   *
   * GET /referential/instruments?limit=&after=<ISIN> — by ISIN.
   */
  @Get('instruments')
  @Roles(...READERS, 'admin')
  instruments(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.page('instruments', { after, limit });
  }

  /** GET /referential/parties?limit=&after=<LEI> — by LEI. */
  @Get('parties')
  @Roles(...READERS, 'admin')
  parties(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.page('parties', { after, limit });
  }

  /** GET /referential/accounts?limit=&after=<account> — by account code. */
  @Get('accounts')
  @Roles(...READERS, 'admin')
  accounts(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.page('accounts', { after, limit });
  }

  /**
   * GET /referential/ssis?limit=&after=<owner:market:currency> — by key, `owner:market:currency`
   * as one string (the owner, an account or a LEI, holds no colon, so the string names one SSI).
   */
  @Get('ssis')
  @Roles(...READERS, 'admin')
  ssis(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.page('ssis', { after, limit });
  }

  /** GET /referential/calendars?limit=&after=<code> — by code, each calendar with all its holidays. */
  @Get('calendars')
  @Roles(...READERS, 'admin')
  calendars(@Query('after') after?: string, @Query('limit') limit?: string) {
    return this.page('calendars', { after, limit });
  }

  /**
   * GET /referential/history?entity=&key=&limit=&after=<key>:<version> — every version of the rows
   * of an entity (or of one key), by key then version, a page at a time as the lists above. `after`
   * is the last row of the page before as `key:version` (e.g. `FR0000120271:2`,
   * `CLI-0001:EU:EUR:1`): the row's primary key within the entity.
   */
  @Get('history')
  @Roles(...READERS, 'admin')
  async history(@Query('entity') entity?: string, @Query('key') key?: string, @Query('after') after?: string, @Query('limit') limit?: string) {
    if (!(REFERENTIAL_ENTITIES as readonly string[]).includes(entity ?? '')) throw new BadRequestException(`entity: one of ${REFERENTIAL_ENTITIES.join(', ')}`);
    const of = entity as ReferentialEntity;
    const page = pageRequest({ after, limit }, { max: PAGE_ROWS_MAX, dflt: PAGE_ROWS_MAX, ...historyCursor(of) });
    if (page.after !== null && !(await historyRowExists(this.ds, of, page.after))) throw new NotFoundException(`after: no history row ${page.after} of ${of}`);
    return historyPage(this.ds, of, key ?? null, page.after, page.limit);
  }

  private async page(entity: ReferentialEntity, q: { after?: string; limit?: string }) {
    const page = pageRequest(q, { max: PAGE_ROWS_MAX, dflt: PAGE_ROWS_MAX, ...listCursor(entity) });
    // The list reads the rows whose key comes after `after`, stored or not: say so when it names none.
    if (page.after !== null && !(await rowExists(this.ds, entity, page.after))) throw new NotFoundException(`after: no row ${page.after} in ${entity}`);
    return listPage(this.ds, entity, page.after, page.limit);
  }
}

/** The two people of an import through the API: the maker who proposed it, the checker who approved it. */
function origin(who: Operator): ImportOrigin {
  const { maker, checker } = requireFourEyes(who);
  return { source: 'API', changedBy: maker.id, approvedBy: checker.id };
}

function answer(outcome: ImportOutcome) {
  if (!outcome.ok) throw new BadRequestException({ message: 'referential refused; nothing was imported', problems: outcome.problems });
  return outcome.counts;
}

/** The request body as UTF-8 text, refused past maxBytes (declared or actual) or when it is not UTF-8. */
async function readUtf8(req: IncomingMessage, maxBytes: number): Promise<string> {
  const tooLarge = () => new PayloadTooLargeException(`a CSV body of at most ${maxBytes} bytes (split the file)`);
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) throw tooLarge();
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) return void chunks.push(chunk);
      // Stop keeping it, but let the rest drain so that the 413 reaches the client.
      req.off('data', onData);
      req.resume();
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestException('the CSV body is not valid UTF-8');
  }
}
