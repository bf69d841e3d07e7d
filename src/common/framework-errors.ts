/**
 * Answers for the errors Fastify and Node's HTTP parser raise before any hook of ours runs
 * (a bad percent-encoding, a path segment over the limit, headers too large, a request the
 * parser cannot read, a request too slow): problem+json (RFC 9457) with the same security
 * headers as every other answer and an X-Request-Id, like every other error. Nest's exception
 * filter never sees these, and the security headers' onRequest hook never ran for them.
 */
import type { HelmetOptions } from 'helmet';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** Helmet's options for every answer (Swagger UI needs its inline styles and scripts). */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'validator.swagger.io'],
      scriptSrc: ["'self'", "'unsafe-inline'"],
    },
  },
};

/**
 * What helmet sends with HELMET_OPTIONS, set as they are on every answer (app.setup.ts): the
 * same for every request, so computed once here rather than by helmet on each one (it parsed
 * its directives and built its middleware per request, about 1% of a request's CPU).
 * src/common/framework-errors.spec.ts checks that helmet still sends exactly these.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';" +
    "frame-ancestors 'self';img-src 'self' data: validator.swagger.io;object-src 'none';" +
    "script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' 'unsafe-inline';" +
    'upgrade-insecure-requests',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

/** The longest URL (path and query) served; ours stay well under 2 KB. */
export const MAX_URL_LENGTH = 4096;
/** The longest path segment; ids are 36 characters, audit entity ids at most 200. */
export const MAX_PARAM_LENGTH = 256;

export function problemJson(status: number, detail: string, instance?: string): string {
  return JSON.stringify({
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(instance === undefined ? {} : { instance }),
  });
}

const ROUTING_ERRORS: Record<string, [number, string]> = {
  FST_ERR_BAD_URL: [400, 'The URL is not valid (a bad percent-encoding)'],
  FST_ERR_MAX_PARAM_LENGTH: [414, `A path segment is longer than ${MAX_PARAM_LENGTH} characters`],
};

/** Fastify's `frameworkErrors`: a URL the router could not read, before any hook. */
export function frameworkErrors(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const [status, detail] = ROUTING_ERRORS[error.code] ?? [500, 'Something went wrong on our side'];
  void reply
    .code(status)
    .headers({ ...SECURITY_HEADERS, 'x-request-id': request.id, 'content-type': PROBLEM_JSON })
    // The URL it could not read is the instance; JSON escapes whatever it holds.
    .send(problemJson(status, detail, request.url));
}

/** A URL over MAX_URL_LENGTH (an onRequest hook, after helmet's): 414 through the filter. */
export function refuseLongUrl(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: (error?: Error) => void,
): void {
  if (request.url.length <= MAX_URL_LENGTH) return done();
  done(
    Object.assign(new Error(`The URL is longer than ${MAX_URL_LENGTH} characters`), {
      statusCode: 414,
    }),
  );
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'The request headers are too large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'The request took too long to arrive'],
};

/**
 * Node's `clientError` (Fastify's `clientErrorHandler`): the parser refused the bytes, or the
 * request did not arrive in time. No Fastify request exists, so the answer is written on
 * the socket, which is then closed.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] = CLIENT_ERRORS[error.code ?? ''] ?? [
    400,
    'The request is not valid HTTP',
  ];
  const body = problemJson(status, detail);
  const headers = {
    ...SECURITY_HEADERS,
    'x-request-id': randomUUID(),
    'content-type': PROBLEM_JSON,
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  // A response already under way on this socket cannot take a second status line.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${head.join('')}\r\n${body}`);
  }
  socket.destroy(error);
}
