/**
 * The OpenAPI document served at /docs-json (and Swagger UI at /docs), built from the
 * controllers' decorators. Every operation names its own camelCase `operationId` and summary
 * in `@ApiOperation`, so a generated client's method names do not change when a controller
 * or method is renamed; test/openapi.e2e-spec.ts checks the document is valid, complete and
 * true enough to generate a typed client from.
 */
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, ParameterObject, SwaggerModule } from '@nestjs/swagger';

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

/**
 * Path parameters come out of Nest as bare strings. Every one is a record's UUID (README, API
 * conventions), except an agreement version's `number`; any other answers 404 (src/common/ids.ts).
 */
function typePathParameters(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const op of [item.get, item.post, item.put, item.patch, item.delete]) {
      for (const parameter of (op?.parameters ?? []) as ParameterObject[]) {
        if (parameter.in !== 'path') continue;
        parameter.schema =
          parameter.name === 'number'
            ? { type: 'integer', minimum: 1, example: 1 }
            : { type: 'string', format: 'uuid' };
      }
    }
  }
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Joint Working Hub API')
    .setDescription(DESCRIPTION)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: fallbackOperationId,
  });
  typePathParameters(document);
  return document;
}

export function setUpOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
