import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@postera/platform';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { GatewayConfig } from './config.js';
import { gatewayMigrations } from './database/migrations/index.js';
import { gatewayModule } from './gateway-module.js';
import { openApiDocument } from './openapi.js';

// Writes the gateway's OpenAPI document to the file named (the console's client is generated from
// it) without Postgres, Kafka or configuration: Nest's preview mode reads the controllers and their
// classes and instantiates no provider, so no factory reads the empty configuration below.
const out = process.argv[2];
if (!out) {
  process.stderr.write('usage: node dist/openapi-write.js <file.json>\n');
  process.exit(64);
}
const app = await NestFactory.create(
  gatewayModule({
    config: {} as GatewayConfig,
    log: createLogger('gateway', 'silent'),
    schema: 'gateway',
    migrations: gatewayMigrations,
    followsCalendars: true,
  }),
  { preview: true, logger: false, abortOnError: false },
);
const document = openApiDocument(app);
await app.close();
mkdirSync(dirname(resolve(out)), { recursive: true });
writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
