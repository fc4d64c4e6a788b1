import type { INestApplication } from '@nestjs/common';
import { ApiProperty, DocumentBuilder, getSchemaPath, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';

/** The process answers (GET /health/live). */
export class Liveness {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ type: 'integer' }) uptimeSeconds!: number;
}

/** Postgres and Kafka answer (GET /health); when one does not, a 503 with the same shape names it. */
export class Readiness {
  @ApiProperty({ enum: ['ok', 'error'] }) status!: 'ok' | 'error';
  @ApiProperty({ type: 'object', properties: { postgres: { type: 'string', enum: ['up', 'down'] }, kafka: { type: 'string', enum: ['up', 'down'] } } })
  checks!: { postgres: 'up' | 'down'; kafka: 'up' | 'down' };
}

/**
 * The operators' API as OpenAPI 3, read from the controllers and their DTO classes. The running
 * gateway serves it (/api/docs-json) and the console's client is generated from it (openapi-write.ts):
 * both come from here, so they are the same document.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
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
    { extraModels: [Liveness, Readiness] },
  );
  // The platform's probes carry no OpenAPI decorators (no other service serves a document): their answers are described here.
  const probes: Record<string, NonNullable<OpenAPIObject['paths'][string]['get']>['responses'][string]> = {
    '/health/live': { description: 'The process answers', content: { 'application/json': { schema: { $ref: getSchemaPath(Liveness) } } } },
    '/health': { description: 'Postgres and Kafka answer', content: { 'application/json': { schema: { $ref: getSchemaPath(Readiness) } } } },
    '/metrics': { description: 'Prometheus text exposition', content: { 'text/plain': { schema: { type: 'string' } } } },
  };
  for (const [path, ok] of Object.entries(probes)) {
    const get = document.paths[path]?.get;
    if (get) get.responses = { ...get.responses, '200': ok };
  }
  return document;
}
