import { Roles } from '@postera/platform';
import { BadRequestException, Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { DeadLetter } from './dlq.dto.js';
import { deadLetterOut, DlqReader, pageCursor, readPageCursor } from './dlq-reader.js';

/** Dead letters, for the operators who work them; a replay is a proposal (kind REPLAY_DLQ) a supervisor approves. */
@ApiTags('dead letters')
@ApiBearerAuth()
@Controller('api/dlq')
export class DlqController {
  constructor(private readonly dlq: DlqReader) {}

  @Get()
  @Roles('operator', 'supervisor', 'auditor')
  @ApiOperation({
    summary:
      'Browse a topic’s dead letters (error, consumer, origin, the original bytes), oldest first per partition, a page at a time (after = the x-dlq-next of the page before); replay one with a REPLAY_DLQ proposal',
  })
  @ApiOkResponse({
    type: [DeadLetter],
    headers: {
      'x-dlq-truncated': {
        description: 'true when the browse stopped at its byte budget before the limit',
        schema: { type: 'string', enum: ['true', 'false'] },
      },
      'x-dlq-bytes-read': { description: 'Bytes of values read', schema: { type: 'string' } },
      'x-dlq-next': { description: 'The `after` of the next page: `partition:offset` of the last letter shown in each partition', schema: { type: 'string' } },
    },
  })
  @ApiQuery({ name: 'topic', required: true, description: 'A topic whose dead letters to browse' })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 500 } })
  @ApiQuery({
    name: 'after',
    required: false,
    schema: { type: 'string', pattern: '^\\d+:\\d+(,\\d+:\\d+)*$' },
    description: 'Where the page before ended in each partition (its x-dlq-next): `0:41,2:7`',
  })
  async browse(
    @Res({ passthrough: true }) res: { setHeader(name: string, value: string): void },
    @Query('topic') topic?: string,
    @Query('limit') limit = '50',
    @Query('after') after?: string,
  ) {
    if (!topic || !this.dlq.topics().includes(topic)) throw new BadRequestException(`topic: one of ${this.dlq.topics().join(', ')}`);
    const cursor = after === undefined ? new Map<number, bigint>() : readPageCursor(after);
    if (!cursor) throw new BadRequestException('after: the x-dlq-next of the page before, partition:offset pairs separated by commas');
    const read = await this.dlq.browseWithin(topic, Math.min(500, Math.max(1, Number(limit) || 50)), undefined, cursor);
    // The answer stays the array of letters it always was; a browse cut by the byte budget says so in
    // its headers, and the next page starts where this one ended in each partition.
    res.setHeader('x-dlq-truncated', String(read.truncated));
    res.setHeader('x-dlq-bytes-read', String(read.bytesRead));
    res.setHeader('x-dlq-next', pageCursor(read.letters, cursor));
    return read.letters.map(deadLetterOut);
  }
}
