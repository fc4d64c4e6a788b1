import { SwaggerModule } from '@nestjs/swagger';
import { bodyValidationPipe, runService } from '@postera/platform';
import { gatewayConfigSchema, type GatewayConfig } from './config.js';
import { gatewayMigrations } from './database/migrations/index.js';
import { gatewayModule } from './gateway-module.js';
import { openApiDocument } from './openapi.js';
import { serveConsole } from './console/serve-console.js';

await runService<GatewayConfig>({
  configSchema: gatewayConfigSchema,
  schema: 'gateway',
  migrations: gatewayMigrations,
  // The days it opens are the business days of TARGET as the referential publishes it (refdata.calendars.v1).
  module: (base) => gatewayModule({ ...base, followsCalendars: true }),
  // The operators' API, documented: GET /api/docs (Swagger UI) and /api/docs-json (OpenAPI 3).
  configureApp: (app, config) => {
    // The client's address (the failed sign-in limit) as the trusted proxies in front report it.
    if (config.TRUST_PROXY !== undefined) app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
    // The gateway's own commands are classes (class-validator): a bad one is a 400 naming every problem.
    app.useGlobalPipes(bodyValidationPipe());
    const document = openApiDocument(app);
    SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
    serveConsole(app, config);
  },
});
