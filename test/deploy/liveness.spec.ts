import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LOG, MESSAGE_BUS, PlatformMetrics } from '@postera/platform';
import { ObservabilityController } from '../../libs/shared/platform/src/nest/observability.controller.js';

/**
 * The probes the Kubernetes manifests point at (deploy/k8s/base): readiness on GET /health follows
 * Postgres and Kafka; liveness on GET /health/live does not, so an outage of either makes the pods
 * unready without restarting them all. Real HTTP through Nest, with both dependencies down.
 */
describe('health probes with Postgres and Kafka down', () => {
  let app: INestApplication;
  let base: string;
  const logged: unknown[] = [];

  beforeAll(async () => {
    const down = (what: string) => () => Promise.reject(new Error(`${what} unreachable`));
    @Module({
      controllers: [ObservabilityController],
      providers: [
        { provide: DataSource, useValue: { query: down('postgres') } },
        { provide: MESSAGE_BUS, useValue: { ping: down('kafka') } },
        { provide: PlatformMetrics, useValue: new PlatformMetrics('probe-test', () => Promise.resolve(0)) },
        { provide: LOG, useValue: { warn: (o: unknown) => logged.push(o) } },
      ],
    })
    class ProbeModule {}
    app = await NestFactory.create(ProbeModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('liveness answers 200 while the process runs', async () => {
    const res = await fetch(`${base}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('readiness answers 503 and names both dependencies; the reasons go to the log, not to whoever asks', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'error', checks: { postgres: 'down', kafka: 'down' } });
    expect(logged).toEqual(
      expect.arrayContaining([
        { dependency: 'postgres', err: 'postgres unreachable' },
        { dependency: 'kafka', err: 'kafka unreachable' },
      ]),
    );
  });
});
