import type { DynamicModule } from '@nestjs/common';
import { serviceModule, ServiceTokenSigner, type Log, type ServiceDefinition } from '@postera/platform';
import type { MigrationInterface } from 'typeorm';
import { AuditController } from './audit/audit.controller.js';
import { AuditLog } from './audit/audit-log.js';
import { AuthGuard } from './auth/auth.guard.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { BusinessDayController } from './business-day/business-day.controller.js';
import type { GatewayConfig } from './config.js';
import { DlqController } from './dlq/dlq.controller.js';
import { DlqReader } from './dlq/dlq-reader.js';
import { BackOfficeController } from './operations/back-office.controller.js';
import { CaptureWorkController } from './operations/capture-work.controller.js';
import { OperationsController } from './operations/operations.controller.js';
import { ParkedOutboxController } from './operations/parked-events.controller.js';
import { ProposalsController } from './proposals/proposals.controller.js';
import { JwksController } from './trust/jwks.controller.js';
import { SERVICE_TOKENS, Upstream } from './upstream/services.js';

/** The gateway's module: its controllers, its guard and what they need, on the platform's wiring (main.ts says whether it follows the calendars). */
export function gatewayModule(
  base: { config: GatewayConfig; log: Log; schema: string; migrations: Array<new () => MigrationInterface> } & Pick<ServiceDefinition, 'followsCalendars'>,
): DynamicModule {
  return serviceModule({
    ...base,
    handlers: [],
    controllers: [
      BusinessDayController,
      OperationsController,
      ParkedOutboxController,
      CaptureWorkController,
      ProposalsController,
      AuditController,
      DlqController,
      BackOfficeController,
      JwksController,
    ],
    guard: AuthGuard,
    parkedEventsRoutes: false,
    providers: [
      TokenVerifier,
      AuditLog,
      DlqReader,
      Upstream,
      {
        provide: SERVICE_TOKENS,
        useFactory: () =>
          base.config.SERVICE_TOKEN_KEYS ? ServiceTokenSigner.fromJson(base.config.SERVICE_TOKEN_KEYS, base.config.SERVICE_TOKEN_ISSUER) : null,
      },
    ],
  });
}
