import { Body, ConflictException, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { appendAudit } from '../audit/audit-log.js';
import { envelope, Topics, type BusinessDayEvent } from '@postera/contracts';
import { deterministicId } from '@postera/kernel';
import { appendToOutbox, CurrentOperator, type Operator, readCalendar, READERS, Roles } from '@postera/platform';
import { DataSource, type EntityManager } from 'typeorm';
import { BusinessDayCommandResult, BusinessDayState, DayCommand } from './business-day.dto.js';

const CALENDAR = 'TARGET';

/**
 * Opens and closes the business day: the command is recorded and the event written to the outbox
 * in one transaction; every service follows ops.business-day.v1. Repeating a command already
 * done answers with what was done (idempotent); a command out of order is refused with the reason.
 * A day opens only if it is a business day of TARGET as the referential last published it
 * (refdata.calendars.v1, kept in gateway.calendars): a holiday it added cannot be opened.
 */
@ApiTags('business day')
@ApiBearerAuth()
@Controller('api/business-day')
export class BusinessDayController {
  constructor(private readonly ds: DataSource) {}

  @Get()
  @Roles(...READERS, 'admin')
  @ApiOperation({ summary: 'The current business day and its status' })
  @ApiOkResponse({ type: BusinessDayState })
  async current() {
    const [last] = (await this.ds.query(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS "businessDate", action, at FROM gateway.business_day_commands
       WHERE calendar = $1 ORDER BY business_date DESC, (action = 'CLOSE') DESC LIMIT 1`,
      [CALENDAR],
    )) as Array<{ businessDate: string; action: 'OPEN' | 'CLOSE' }>;
    return last
      ? { calendar: CALENDAR, businessDate: last.businessDate, status: last.action === 'OPEN' ? 'OPEN' : 'CLOSED' }
      : { calendar: CALENDAR, businessDate: null, status: 'NONE' };
  }

  @Post('open')
  @Roles('supervisor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: "Open a business day (a business day of the referential's TARGET calendar, after the last one closed)" })
  @ApiOkResponse({ type: BusinessDayCommandResult })
  open(@Body() body: DayCommand, @CurrentOperator() who: Operator) {
    return this.command('OPEN', body, who);
  }

  @Post('close')
  @Roles('supervisor', 'admin')
  @HttpCode(200)
  @ApiOperation({ summary: 'Close the open business day: every service runs its end-of-day work' })
  @ApiOkResponse({ type: BusinessDayCommandResult })
  close(@Body() body: DayCommand, @CurrentOperator() who: Operator) {
    return this.command('CLOSE', body, who);
  }

  private async command(action: 'OPEN' | 'CLOSE', body: DayCommand, who: Operator) {
    const date = body.businessDate;
    return this.ds.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('gateway.business_day'))`);
      const done = (await tx.query(`SELECT 1 FROM gateway.business_day_commands WHERE calendar = $1 AND business_date = $2 AND action = $3`, [
        CALENDAR,
        date,
        action,
      ])) as unknown[];
      if (done.length > 0) return { calendar: CALENDAR, businessDate: date, status: action === 'OPEN' ? 'OPEN' : 'CLOSED', alreadyDone: true };
      await this.checkOrder(tx, action, date);
      const event: BusinessDayEvent = envelope({
        eventId: deterministicId('business-day', CALENDAR, date, action),
        type: action === 'OPEN' ? 'BusinessDayOpened' : 'BusinessDayClosed',
        producer: 'gateway',
        correlationId: `business-day:${date}`,
        causationId: null,
        payload: { calendar: CALENDAR, businessDate: date },
      });
      await tx.query(`INSERT INTO gateway.business_day_commands (calendar, business_date, action, event_id, requested_by) VALUES ($1, $2, $3, $4, $5)`, [
        CALENDAR,
        date,
        action,
        event.eventId,
        who.id,
      ]);
      await appendToOutbox(tx, 'gateway', [{ topic: Topics.businessDay, key: CALENDAR, event }]);
      await appendAudit(tx, who, {
        action: `BUSINESS_DAY ${action}`,
        target: `${CALENDAR}:${date}`,
        after: { eventId: event.eventId },
        correlationId: event.correlationId,
      });
      return { calendar: CALENDAR, businessDate: date, status: action === 'OPEN' ? 'OPEN' : 'CLOSED', alreadyDone: false };
    });
  }

  private async checkOrder(tx: EntityManager, action: 'OPEN' | 'CLOSE', date: string) {
    const [last] = (await tx.query(
      `SELECT to_char(business_date, 'YYYY-MM-DD') AS d, action FROM gateway.business_day_commands WHERE calendar = $1 ORDER BY business_date DESC, (action = 'CLOSE') DESC LIMIT 1`,
      [CALENDAR],
    )) as Array<{ d: string; action: 'OPEN' | 'CLOSE' }>;
    if (action === 'OPEN' && !(await readCalendar(tx, 'gateway', CALENDAR)).isBusinessDay(date)) {
      throw new ConflictException(`${date} is a TARGET closing day (weekend or holiday): open the next business day`);
    }
    if (action === 'OPEN' && last && (last.action === 'OPEN' || last.d >= date)) {
      throw new ConflictException(
        last.action === 'OPEN' ? `business day ${last.d} is still open: close it first` : `business day ${date} is not after the last closed day ${last.d}`,
      );
    }
    if (action === 'CLOSE' && (!last || last.action !== 'OPEN' || last.d !== date)) {
      throw new ConflictException(
        last?.action === 'OPEN' ? `the open business day is ${last.d}, not ${date}` : `business day ${date} is not open: open it first`,
      );
    }
  }
}
