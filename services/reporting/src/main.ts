import { runService, serviceModule } from '@postera/platform';
import { ActivityConsumer } from './activity/activity.consumer.js';
import { ActivityController } from './activity/activity.controller.js';
import { DeadLettersConsumer } from './activity/dead-letters.consumer.js';
import { reportingConfigSchema, type ReportingConfig } from './config.js';
import { reportingMigrations } from './database/migrations/index.js';
import { FilingController } from './filing/filing.controller.js';
import { ReportingDay } from './filing/reporting-day.js';
import { RecordsConsumer } from './records/records.consumer.js';

await runService<ReportingConfig>({
  configSchema: reportingConfigSchema,
  schema: 'reporting',
  migrations: reportingMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      followsCalendars: true,
      handlers: [ActivityConsumer, RecordsConsumer, DeadLettersConsumer],
      dayHooks: ReportingDay,
      controllers: [ActivityController, FilingController],
    }),
});
