/**
 * Builds the HTTP application the same way for `main.ts` and the tests: Fastify, the
 * `/api/v1` prefix, validation, problem+json errors, security headers, CORS, request ids, Swagger.
 */
import {
  LoggerService,
  NotFoundException,
  UnsupportedMediaTypeException,
  ValidationPipe,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule, AppModuleOptions } from './app.module';
import {
  MAX_PARAM_LENGTH,
  SECURITY_HEADERS,
  clientErrorHandler,
  frameworkErrors,
  refuseLongUrl,
} from './common/framework-errors';
import { ProblemDetailsFilter } from './common/problem-details.filter';
import { ValidationProblem, fieldErrors } from './common/problem';
import { refuseBadInput } from './common/request-input';
import { setUpOpenApi } from './openapi';
import { DOCX, MAX_DOCUMENT_BYTES, PDF } from './agreements/document-type';

const AUTH = '/api/v1/auth/';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

const DOCS = '/docs/';
/**
 * What Swagger UI's page loads from /docs/. The static route serves the whole of
 * swagger-ui-dist otherwise: its package.json, README and megabytes of source maps.
 */
const DOCS_ASSETS = new Set([
  '',
  'index.html',
  'swagger-ui.css',
  'swagger-ui-bundle.js',
  'swagger-ui-standalone-preset.js',
  'swagger-ui-init.js',
  'swagger-initializer.js',
  'favicon-16x16.png',
  'favicon-32x32.png',
]);

/** onRequest: 404 for anything under /docs/ that the UI does not load, however it is spelled. */
function docsAssetsOnly(request: FastifyRequest, _reply: FastifyReply, done: (e?: Error) => void) {
  const path = request.url.split('?')[0];
  if (!path.startsWith(DOCS)) return done();
  let asset: string | undefined;
  try {
    asset = decodeURIComponent(path.slice(DOCS.length));
  } catch {
    asset = undefined;
  }
  done(asset !== undefined && DOCS_ASSETS.has(asset) ? undefined : new NotFoundException());
}

/** The one route that takes a file as its body. */
const DOCUMENT_UPLOAD = /^\/api\/v1\/agreements\/[^/]+\/versions\/[^/]+\/documents\/?$/;

export async function createApp(options: AppModuleOptions): Promise<NestFastifyApplication> {
  const { config } = options;
  const adapter = new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    genReqId: requestIdOf,
    trustProxy: config.trustProxy,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    // A client that trickles its request (one byte every few seconds) holds a connection only
    // this long: then 408. Node checks its connections once per interval, so a short one.
    requestTimeout: config.requestTimeoutMs,
    http: {
      // Node's default, stated: larger headers answer 431 (framework-errors.ts).
      maxHeaderSize: 16 * 1024,
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: Math.min(config.requestTimeoutMs, 10_000),
      connectionsCheckingInterval: Math.min(1000, config.requestTimeoutMs / 2),
    },
    frameworkErrors,
    clientErrorHandler,
    // On close, Fastify's default ('idle') destroys every connection, requests in flight too;
    // Node's own close lets those finish and closes the idle ones (src/health/graceful-stop.ts).
    forceCloseConnections: false,
  });
  // JSON only: Fastify's own parser stays (it refuses __proto__), Nest adds none, and a
  // text/plain or form body answers 415 (README, API conventions).
  adapter.getInstance().removeContentTypeParser('text/plain');
  // Documents (src/agreements) are sent as their bytes, up to 20 MB, to the upload route only.
  adapter
    .getInstance()
    .addContentTypeParser(
      [PDF, DOCX, 'application/octet-stream'],
      { parseAs: 'buffer', bodyLimit: MAX_DOCUMENT_BYTES },
      (request, body, done) =>
        DOCUMENT_UPLOAD.test(request.url.split('?')[0])
          ? done(null, body)
          : done(new UnsupportedMediaTypeException('This route takes JSON'), undefined),
    );
  adapter.getInstance().addHook('preValidation', refuseBadInput);
  adapter.getInstance().addHook('onSend', async (request, reply) => {
    void reply.header('X-Request-Id', request.id);
    // Tokens, and whatever a caller may read, stay out of browser and proxy caches.
    const credentials = request.headers.authorization !== undefined || request.url.startsWith(AUTH);
    if (credentials && !reply.hasHeader('cache-control'))
      void reply.header('Cache-Control', 'no-store');
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(options),
    adapter,
    { bufferLogs: true, bodyParser: false },
  );
  app.useLogger(startupQuiet(app.get(Logger)));
  // Nest buffers its log lines until listen(); tests never listen, and their lines (the
  // problem filter's among them) must reach the log too.
  app.flushLogs();
  app.setGlobalPrefix('api/v1', {
    exclude: ['health', 'health/live', 'health/ready', '/', 'api/v1'],
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => new ValidationProblem(fieldErrors(errors)),
    }),
  );
  // The security headers (helmet's, for HELMET_OPTIONS) on every answer, from one constant.
  adapter.getInstance().addHook('onRequest', (_request, reply, done) => {
    void reply.headers(SECURITY_HEADERS);
    done();
  });
  // After the security headers' hook, so that this refusal carries them too.
  adapter.getInstance().addHook('onRequest', refuseLongUrl);
  adapter.getInstance().addHook('onRequest', docsAssetsOnly);
  app.enableCors({
    origin: config.corsOrigins.includes('*') ? true : config.corsOrigins,
    exposedHeaders: ['X-Request-Id', 'Location', 'Retry-After'],
  });
  setUpOpenApi(app);
  return app;
}

/** Nest's start-up chatter (modules loaded, every route mapped) at debug, the rest as it is. */
const STARTUP = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);
function startupQuiet(logger: Logger): LoggerService {
  return {
    log: (message: unknown, ...rest: unknown[]) =>
      STARTUP.has(String(rest.at(-1)))
        ? logger.debug(message, ...rest)
        : logger.log(message, ...rest),
    error: (message: unknown, ...rest: unknown[]) => logger.error(message, ...rest),
    warn: (message: unknown, ...rest: unknown[]) => logger.warn(message, ...rest),
    debug: (message: unknown, ...rest: unknown[]) => logger.debug(message, ...rest),
    verbose: (message: unknown, ...rest: unknown[]) => logger.verbose(message, ...rest),
    fatal: (message: unknown, ...rest: unknown[]) => logger.fatal(message, ...rest),
  };
}
