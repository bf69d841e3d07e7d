import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { FieldError } from './problem';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** PostgreSQL errors a client can cause, by SQLSTATE. */
const DATABASE_ERRORS: Record<string, [number, string]> = {
  '23505': [409, 'A record with the same unique value already exists'],
  '23503': [409, 'The record refers to, or is referred to by, another record'],
  '23P01': [
    409,
    'The change conflicts with a current record (for example a second current membership)',
  ],
  JW409: [409, 'The record is not in a state that allows this change'],
  '23502': [400, 'A required value is missing'],
  '23514': [400, 'A value breaks a rule of the record'],
  '22P02': [400, 'A value has the wrong format'],
  '22007': [400, 'A date or time has the wrong format'],
  '22008': [400, 'A date or time is out of range'],
  '22009': [400, 'A date or time is out of range'],
  '22003': [400, 'A number is out of range'],
  '22001': [400, 'A text value is too long'],
  '22021': [400, 'A text value holds a character that cannot be stored'],
  '22P05': [400, 'A text value holds a character that cannot be stored'],
  '40001': [409, 'The record was changed at the same time by another request; try again'],
  '40P01': [409, 'The record was changed at the same time by another request; try again'],
  '42501': [403, 'The database refused this change for your council'],
  '55P03': [409, 'The record is being changed by another request; try again'],
};

/**
 * The database could not serve the request, through no fault of it: it took too long, is
 * restarting, refuses connections, or the pool had no connection free in time. A 503 with
 * Retry-After, never a 500; the transaction is rolled back, so nothing of it was stored.
 */
const UNAVAILABLE_STATES: Record<string, string> = {
  '57014': 'The database took too long to answer',
  '25P03': 'The database took too long to answer',
  '57P01': 'The database is restarting',
  '57P02': 'The database is restarting',
  '57P03': 'The database is starting up',
  '53300': 'The database has no connection to spare',
  '53000': 'The database has no resources to spare',
};
const UNAVAILABLE_SYSTEM = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Why the database could not serve the request, or undefined when it is not that. */
export function unavailableReason(exception: unknown): string | undefined {
  const error = (exception instanceof QueryFailedError ? exception.driverError : exception) as
    { code?: unknown; message?: unknown } | undefined;
  const code = typeof error?.code === 'string' ? error.code : '';
  const message = typeof error?.message === 'string' ? error.message : '';
  if (UNAVAILABLE_STATES[code]) return UNAVAILABLE_STATES[code];
  if (code.startsWith('08')) return 'The database connection failed';
  if (/timeout exceeded when trying to connect/.test(message))
    return 'The service is busy: no database connection came free in time';
  // TypeORM releases a request's connection when pg reports it failed between two statements
  // (a restart's 57P01 arriving while idle in the transaction); the next statement then finds
  // it released, or its COMMIT does, which was then never sent (test/faults-restart.e2e-spec.ts).
  if (
    /^Database connection provided by a query runner was already released|^Query runner already released/.test(
      message,
    )
  )
    return 'The database connection failed';
  if (
    UNAVAILABLE_SYSTEM.has(code) ||
    /^Connection terminated|^Query read timeout|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end/.test(
      message,
    )
  )
    return 'The database does not answer';
  return undefined;
}

/** Seconds a client should wait before trying again after a 503 of the database. */
const DATABASE_RETRY_AFTER = 2;

/**
 * Any other data exception (SQLSTATE class 22) is a value the validation let through: still
 * the client's value, so a 400, with a message that names no SQL and echoes no value.
 */
const DATA_EXCEPTION: [number, string] = [400, 'A value is out of range or has the wrong format'];

/**
 * What the filter reads of a PostgreSQL error. Message and detail only find the field at fault
 * or carry our own JWxxx rules; neither is ever logged.
 */
interface DatabaseError {
  code?: string;
  message?: string;
  detail?: string;
  column?: string;
  table?: string;
  constraint?: string;
}

/** The driver's error behind a failed query (TypeORM's wrapper, or pg's own error). */
function databaseErrorOf(exception: unknown): DatabaseError | undefined {
  if (exception instanceof QueryFailedError) return exception.driverError as DatabaseError;
  const pg = exception as { code?: unknown; severity?: unknown } | undefined;
  return typeof pg?.code === 'string' && typeof pg.severity === 'string'
    ? (exception as DatabaseError)
    : undefined;
}

/**
 * `SELECT workstreams`, `INSERT users`: what a failed statement did, for the log, without its
 * text (which can hold values) or its parameters.
 */
function statementName(exception: unknown): string | undefined {
  const query = exception instanceof QueryFailedError ? exception.query : undefined;
  if (typeof query !== 'string') return undefined;
  const verb = /^\s*(\w+)/.exec(query)?.[1]?.toUpperCase() ?? '';
  const relation = /\b(?:FROM|INTO|UPDATE|JOIN)\s+"?([a-z_][a-z0-9_]*)/i.exec(query)?.[1];
  return relation ? `${verb} ${relation}` : verb;
}

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The request field behind a database refusal that names its column: a reference to a record
 * that does not exist (`Key (service_area)=(x) is not present in table …`), or a missing value.
 */
function faultyField(code: string, driver: DatabaseError | undefined): FieldError | undefined {
  if (code === '23503' && driver?.detail?.includes('is not present in table')) {
    // The detail names the column unless the table has row-level security; then the
    // constraint's default name, <table>_<column>_fkey, does.
    const key = /^Key \(([a-z_]+)\)=/.exec(driver.detail);
    const { table = '', constraint = '' } = driver;
    const column =
      key?.[1] ??
      (constraint.startsWith(`${table}_`) && constraint.endsWith('_fkey')
        ? constraint.slice(table.length + 1, -'_fkey'.length)
        : undefined);
    if (column) {
      const field = camel(column);
      return { field, message: `${field} does not name an existing record` };
    }
  }
  if (code === '23502' && driver?.column) {
    const field = camel(driver.column);
    return { field, message: `${field} is required` };
  }
  return undefined;
}

/** Members of the problem object that an exception's own body may not override. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'instance', 'error', 'statusCode']);

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const problem = this.toProblem(exception, request?.url ?? '');
    this.log(exception, problem.status, request?.id);
    if (problem.status === 401) void reply.header('WWW-Authenticate', 'Bearer');
    if (typeof problem.retryAfter === 'number')
      void reply.header('Retry-After', problem.retryAfter);
    void reply
      .status(problem.status)
      .header('content-type', 'application/problem+json')
      .send(problem);
  }

  /**
   * A 5xx is logged; a database error only by its SQLSTATE, constraint, table, column and
   * statement name, because its message, detail, query and parameters can hold the values of
   * the request (an email, a name, a token hash).
   */
  private log(exception: unknown, status: number, requestId: string | undefined): void {
    const unavailable = status === 503 ? unavailableReason(exception) : undefined;
    if (unavailable) {
      // Expected while the database restarts or the pool is full: a warning, not an alert.
      const code = (exception as { code?: unknown } | undefined)?.code;
      this.logger.warn({ requestId, code }, `Database unavailable: ${unavailable}`);
      return;
    }
    const database = databaseErrorOf(exception);
    if (database) {
      const { code: sqlState, constraint, table, column } = database;
      const fields = { requestId, sqlState, constraint, table, column };
      const statement = statementName(exception);
      if (status >= 500) {
        this.logger.error({ ...fields, statement }, `Database error ${sqlState ?? ''}`.trim());
      } else if (sqlState?.startsWith('22')) {
        // A value validation should have refused first: worth a look, not an alert.
        this.logger.warn({ ...fields, statement }, `Database refused a value (${sqlState})`);
      }
      return;
    }
    if (status >= 500) {
      this.logger.error(
        { err: exception, requestId },
        exception instanceof Error ? exception.message : 'Unhandled error',
      );
    }
  }

  private toProblem(exception: unknown, instance: string): Problem {
    const base = (status: number, detail: string): Problem => ({
      type: 'about:blank',
      title: STATUS_CODES[status] ?? 'Error',
      status,
      detail,
      instance,
    });
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      if (typeof body === 'string') return base(status, body);
      const { message, errors, ...rest } = body as Record<string, unknown>;
      const detail = Array.isArray(message)
        ? message.join('; ')
        : typeof message === 'string'
          ? message
          : exception.message;
      const extensions = Object.fromEntries(
        Object.entries(rest).filter(([key]) => !RESERVED.has(key)),
      );
      const problem = { ...base(status, detail), ...extensions };
      if (Array.isArray(errors)) problem.errors = errors as FieldError[];
      return problem;
    }
    const unavailable = unavailableReason(exception);
    if (unavailable) {
      return {
        ...base(503, `${unavailable}; try again in ${DATABASE_RETRY_AFTER} seconds`),
        retryAfter: DATABASE_RETRY_AFTER,
      };
    }
    const driver = databaseErrorOf(exception);
    if (driver) {
      const code = driver.code ?? '';
      const field = faultyField(code, driver);
      if (field) return { ...base(400, field.message), errors: [field] };
      const known = DATABASE_ERRORS[code] ?? (code.startsWith('22') ? DATA_EXCEPTION : undefined);
      // Our own rules raised in the database (JWxxx) carry a message written for the user.
      if (known)
        return base(known[0], code.startsWith('JW') ? (driver.message ?? known[1]) : known[1]);
    }
    // Errors raised by Fastify before a route runs: bad JSON, body too large, media type.
    const fastify = exception as { statusCode?: unknown; message?: string; code?: string };
    if (
      typeof fastify?.statusCode === 'number' &&
      fastify.statusCode >= 400 &&
      fastify.statusCode < 500
    ) {
      return base(fastify.statusCode, fastify.message ?? 'Bad request');
    }
    return base(HttpStatus.INTERNAL_SERVER_ERROR, 'Something went wrong on our side');
  }
}
