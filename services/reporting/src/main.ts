import { runService, serviceModule } from '@postera/platform';
import { ActivityController } from './activity/activity.controller.js';
import { ActivityProjection } from './activity/activity.projection.js';
import { DeadLettersConsumer } from './activity/dead-letters.consumer.js';
import { reportingConfigSchema, type ReportingConfig } from './config.js';
import { reportingMigrations } from './database/migrations/index.js';
import { FilingController } from './filing/filing.controller.js';
import { ReportingDay } from './filing/reporting-day.js';
import { TradeLifecycleConsumer } from './lifecycle/trade-lifecycle.consumer.js';
import { RecordsProjection } from './records/records.projection.js';
import { RefdataConsumer } from './records/refdata.consumer.js';

await runService<ReportingConfig>({
  configSchema: reportingConfigSchema,
  schema: 'reporting',
  migrations: reportingMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      followsCalendars: true,
      handlers: [TradeLifecycleConsumer, RefdataConsumer, DeadLettersConsumer],
      providers: [ActivityProjection, RecordsProjection],
      dayHooks: ReportingDay,
      controllers: [ActivityController, FilingController],
    }),
});
