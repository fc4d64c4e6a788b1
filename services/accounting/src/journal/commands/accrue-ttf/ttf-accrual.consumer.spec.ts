import { describe, expect, it } from '@jest/globals';
import { Topics } from '@postera/contracts';
import type { InboundRecord } from '@postera/platform';
import type { AccountingConfig } from '../../../config.js';
import { TtfAccrualConsumer } from './ttf-accrual.consumer.js';

const recordOf = (type: string | undefined): InboundRecord => ({
  topic: Topics.reportingEvents,
  partition: 0,
  offset: '7',
  key: 'TTF:2026-11',
  value: null,
  headers: type === undefined ? {} : { type },
  timestamp: '1764150000000',
});

describe('accounting.ttf reads the TTF assessments of reporting.events.v1 only', () => {
  const consumer = new TtfAccrualConsumer({} as AccountingConfig);

  it("skips reporting's other announcements by their type header: not decoded, no transaction", () => {
    expect(['TtfAssessed', 'ReportFiled', 'EndOfDayReportProduced'].map((t) => [t, consumer.accepts(recordOf(t))])).toEqual([
      ['TtfAssessed', true],
      ['ReportFiled', false],
      ['EndOfDayReportProduced', false],
    ]);
  });

  it('takes a record without a type header, so that decode judges it (to the DLQ when it is no envelope)', () => {
    expect(consumer.accepts(recordOf(undefined))).toBe(true);
  });
});
