import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DynamicModule } from '@nestjs/common';
import type { MigrationInterface } from 'typeorm';
import type { z } from 'zod';
import { loadConfig, type BaseConfig } from '../config.js';
import { createServiceDataSource, ensureDatabase, migrate, whenDatabaseReachable } from '../database/database.js';
import { configureFaults } from '../fault.js';
import { createLogger, NestPinoLogger, type Log } from '../logger.js';

export interface ServiceMain<C extends BaseConfig> {
  configSchema: z.ZodObject;
  schema: string;
  migrations: Array<new () => MigrationInterface>;
  /** Builds the app module from what runService already knows (config, log, schema, migrations). */
  module: (base: { config: C; log: Log; schema: string; migrations: Array<new () => MigrationInterface> }) => DynamicModule;
  /** What a service adds to the HTTP app before it listens (the gateway's OpenAPI document, say). */
  configureApp?: (app: NestExpressApplication, config: C) => void | Promise<void>;
}

/**
 * The one main() of every service: validated config, JSON logs, then either `migrate` (apply the
 * schema's migrations and exit) or the app (HTTP + consumers) with graceful shutdown on SIGTERM.
 */
export async function runService<C extends BaseConfig>(m: ServiceMain<C>): Promise<void> {
  const config = loadConfig(m.configSchema) as C;
  configureFaults(config.POSTERA_FAULT);
  const log = createLogger(config.SERVICE_NAME, config.LOG_LEVEL);
  process.on('unhandledRejection', (e) => log.error({ err: e }, 'unhandled rejection'));

  if (process.argv[2] === 'migrate') {
    const ds = createServiceDataSource({
      url: config.DATABASE_URL,
      schema: m.schema,
      migrations: m.migrations,
      poolMax: 2,
      applicationName: `${config.SERVICE_NAME}-migrate`,
    });
    const applied = await whenDatabaseReachable(
      async () => {
        if (config.DATABASE_CREATE) await ensureDatabase(config.DATABASE_URL);
        return migrate(ds, m.schema);
      },
      {
        timeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
        onWait: (e, waitedMs) => log.warn({ err: (e as Error).message, waitedMs }, 'database not reachable yet; waiting'),
      },
    );
    log.info({ schema: m.schema, applied }, applied.length ? 'migrations applied' : 'schema up to date');
    await ds.destroy();
    return;
  }

  const app = await NestFactory.create<NestExpressApplication>(m.module({ config, log, schema: m.schema, migrations: m.migrations }), {
    logger: new NestPinoLogger(log),
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await m.configureApp?.(app, config);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  log.info({ port: config.HTTP_PORT, host: config.HTTP_HOST }, 'service ready');
}
