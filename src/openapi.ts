/**
 * The OpenAPI document served at /docs-json (and Swagger UI at /docs), built from the
 * controllers' decorators. Every operation names its own camelCase `operationId` and summary
 * in `@ApiOperation`, so a generated client's method names do not change when a controller
 * or method is renamed; test/openapi.e2e-spec.ts checks the document is valid, complete and
 * true enough to generate a typed client from.
 */
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

const DESCRIPTION = [
  'Shared services and joint working between UK councils: partnerships, co-operation',
  'agreements, workstreams and their progress reports.',
  '',
  'JSON in camelCase, UUID ids, ISO 8601 UTC timestamps, `YYYY-MM-DD` dates, money in integer',
  'pence, financial years as `2025-26`. Lists answer `{ data, nextCursor }`: pass `nextCursor`',
  'back as `cursor` for the next page; it is `null` on the last. Every error is',
  '`application/problem+json` (`ProblemDto`).',
].join('\n');

/**
 * Used only where an operation names no operationId of its own (the test refuses that): the
 * controller's name without `Controller`, then the method's.
 */
const fallbackOperationId = (controllerKey: string, methodKey: string) =>
  `${controllerKey.replace(/Controller$/, '')}_${methodKey}`;

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Joint Working Hub API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return SwaggerModule.createDocument(app, config, { operationIdFactory: fallbackOperationId });
}

export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
