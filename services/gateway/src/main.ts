import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { bodyValidationPipe, runService, serviceModule, ServiceTokenSigner } from '@postera/platform';
import { AuditController } from './audit/audit.controller.js';
import { AuditLog } from './audit/audit-log.js';
import { AuthGuard } from './auth/auth.guard.js';
import { TokenVerifier } from './auth/token-verifier.js';
import { BusinessDayController } from './business-day/business-day.controller.js';
import { gatewayConfigSchema, type GatewayConfig } from './config.js';
import { gatewayMigrations } from './database/migrations/index.js';
import { DlqController } from './dlq/dlq.controller.js';
import { DlqReader } from './dlq/dlq-reader.js';
import { BackOfficeController } from './operations/back-office.controller.js';
import { CaptureWorkController } from './operations/capture-work.controller.js';
import { OperationsController } from './operations/operations.controller.js';
import { ProposalsController } from './proposals/proposals.controller.js';
import { serveConsole } from './console/serve-console.js';
import { JwksController } from './trust/jwks.controller.js';
import { SERVICE_TOKENS, Upstream } from './upstream/services.js';

await runService<GatewayConfig>({
  configSchema: gatewayConfigSchema,
  schema: 'gateway',
  migrations: gatewayMigrations,
  module: (base) =>
    serviceModule({
      ...base,
      handlers: [],
      followsCalendars: true,
      controllers: [
        BusinessDayController,
        OperationsController,
        CaptureWorkController,
        ProposalsController,
        AuditController,
        DlqController,
        BackOfficeController,
        JwksController,
      ],
      guard: AuthGuard,
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
    }),
  // The operators' API, documented: GET /api/docs (Swagger UI) and /api/docs-json (OpenAPI 3).
  configureApp: (app, config) => {
    // The client's address (the failed sign-in limit) as the trusted proxies in front report it.
    if (config.TRUST_PROXY !== undefined) app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
    // The gateway's own commands are classes (class-validator): a bad one is a 400 naming every problem.
    app.useGlobalPipes(bodyValidationPipe());
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Postera operator API')
        .setDescription(
          'The back-office operators’ API (DESIGN.md §9). Bearer JWT; each operation names the roles that may call it. Changes are proposals a second person approves.',
        )
        .setVersion('1')
        .addBearerAuth()
        .build(),
    );
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
    serveConsole(app, config);
  },
});
