/**
 * One schema for every setting the service reads from its environment. `loadConfig` validates
 * it once at start; a wrong or missing value stops the process with one line naming the
 * setting (see `ConfigError`), never a stack trace.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

export interface AppConfig {
  port: number;
  host: string;
  /** Owner-role connection (runs migrations). Unset: an embedded PostgreSQL is started. */
  databaseUrl?: string;
  /** Application-role connection (serves requests). Unset: derived from the owner URL. */
  databaseAppUrl?: string;
  databaseAppPassword?: string;
  /** Sign-in role connection (credentials and tokens). Unset: derived from the owner URL. */
  databaseAuthUrl?: string;
  /** The job queue's connection (pg-boss's own tables only); derived when unset. */
  databaseJobsUrl?: string;
  databasePoolSize: number;
  statementTimeoutMs: number;
  /** Longest a statement waits for a row or table lock (55P03 after it: 409, try again). */
  lockTimeoutMs: number;
  /** Longest a request waits for a free pool connection before it answers 503 with Retry-After. */
  poolWaitMs: number;
  /**
   * Send a request's parameterised statements as named prepared statements, planned once per
   * connection (DATABASE_PREPARED_STATEMENTS, default true). Behind PgBouncer in transaction
   * mode older than 1.21, or without `max_prepared_statements`, set false.
   */
  preparedStatements: boolean;
  dataDir: string;
  jwtSecret: string;
  jwtIssuer: string;
  jwtAudience: string;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  invitationTtlHours: number;
  logLevel: LogLevel;
  /** Readable lines in a terminal, JSON otherwise (LOG_FORMAT=json|pretty). */
  logFormat: 'pretty' | 'json';
  /** Load the seeds' demo data into an empty embedded database on start (DEMO_DATA=false: never). */
  demoData: boolean;
  corsOrigins: string[];
  /**
   * Which proxies' `X-Forwarded-For` to believe for the client address (sign-in throttling,
   * logs): `false` (none), a number of hops, or addresses and CIDR ranges.
   */
  trustProxy: false | number | string[];
  bodyLimitBytes: number;
  /** Longest a request may take to arrive, headers and body (408 after it). */
  requestTimeoutMs: number;
  /** On SIGTERM, how long `/health/ready` answers 503 before the process stops accepting. */
  shutdownDrainMs: number;
  /** Then how long requests in flight may take before the process exits anyway. */
  shutdownTimeoutMs: number;
  smtpUrl?: string;
  mailFrom: string;
  publicUrl: string;
  /** Failed sign-ins of one account from one address, per window. */
  loginThrottleLimit: number;
  loginThrottleTtlSeconds: number;
  /** Failed sign-ins from one address, per window (a council office may share one). */
  loginThrottleIpLimit: number;
  /** Failed sign-ins of one account from all addresses, per window. */
  loginThrottleAccountLimit: number;
  /** Requests per address per window to the routes that take or send a one-time code. */
  codeThrottleLimit: number;
}

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`Invalid configuration: ${setting} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(name, `must be true or false, got "${env[name]}"`);
}

function postgresUrl(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be a postgres:// URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(name, 'must be a postgres:// URL');
  }
  if (url.pathname.length < 2) throw new ConfigError(name, 'must name a database');
  return raw;
}

/**
 * TRUST_PROXY: unset, the client address is the connection's, so a client cannot choose its
 * own address by sending `X-Forwarded-For`. Behind a load balancer, give the number of proxy
 * hops in front of the service, or their addresses (`10.0.0.0/8,127.0.0.1`; `loopback`,
 * `linklocal` and `uniquelocal` name the private ranges).
 */
function trustProxy(env: Env): AppConfig['trustProxy'] {
  const raw = (env.TRUST_PROXY || '').trim();
  if (raw === '' || raw === 'false') return false;
  if (/^\d+$/.test(raw)) return integer(env, 'TRUST_PROXY', 0, 0, 10) || false;
  const ranges = raw.split(',').map((range) => range.trim());
  const named = ['loopback', 'linklocal', 'uniquelocal'];
  const isRange = (range: string) => {
    const [address, prefix, extra] = range.split('/');
    const family = isIP(address);
    const bits = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits);
    return family !== 0 && extra === undefined && prefixOk;
  };
  for (const range of ranges) {
    if (!named.includes(range) && !isRange(range)) {
      throw new ConfigError(
        'TRUST_PROXY',
        `has "${range}", expected a number of hops or addresses like 10.0.0.0/8`,
      );
    }
  }
  return ranges;
}

/** JWT_SECRET, or one generated into DATA_DIR on first start so restarts keep sessions. */
function jwtSecret(env: Env, dataDir: string): string {
  const given = env.JWT_SECRET;
  if (given !== undefined && given !== '') {
    if (Buffer.byteLength(given, 'utf8') < 32) {
      throw new ConfigError('JWT_SECRET', 'must be at least 32 bytes long');
    }
    return given;
  }
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
  return secret;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const dataDir = resolve(env.DATA_DIR || './.data');
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = env.LOG_FORMAT || (process.stdout.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') {
    throw new ConfigError('LOG_FORMAT', 'must be pretty or json');
  }
  const corsOrigins = (env.CORS_ORIGINS || '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `has "${origin}", expected origins like https://a.example`,
      );
    }
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new ConfigError('SMTP_URL', 'must be an smtp:// or smtps:// URL');
  }
  const port = integer(env, 'PORT', 3000, 0, 65535);
  return {
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: postgresUrl(env, 'DATABASE_URL'),
    databaseAppUrl: postgresUrl(env, 'DATABASE_APP_URL'),
    databaseAppPassword: env.DATABASE_APP_PASSWORD || undefined,
    databaseAuthUrl: postgresUrl(env, 'DATABASE_AUTH_URL'),
    databaseJobsUrl: postgresUrl(env, 'DATABASE_JOBS_URL'),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 500),
    statementTimeoutMs: integer(env, 'DATABASE_STATEMENT_TIMEOUT_MS', 15000, 100, 600000),
    lockTimeoutMs: integer(env, 'DATABASE_LOCK_TIMEOUT_MS', 5000, 100, 600000),
    poolWaitMs: integer(env, 'DATABASE_POOL_WAIT_MS', 5000, 100, 600000),
    preparedStatements: flag(env, 'DATABASE_PREPARED_STATEMENTS', true),
    dataDir,
    jwtSecret: jwtSecret(env, dataDir),
    jwtIssuer: env.JWT_ISSUER || 'joint-working-hub',
    jwtAudience: env.JWT_AUDIENCE || 'joint-working-hub-api',
    accessTokenTtlSeconds: integer(env, 'ACCESS_TOKEN_TTL_SECONDS', 900, 30, 3600),
    refreshTokenTtlSeconds: integer(env, 'REFRESH_TOKEN_TTL_SECONDS', 1209600, 300, 7776000),
    invitationTtlHours: integer(env, 'INVITATION_TTL_HOURS', 72, 1, 720),
    logLevel,
    logFormat,
    demoData: env.DEMO_DATA !== 'false',
    corsOrigins,
    trustProxy: trustProxy(env),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1048576, 1024, 104857600),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_MS', 30000, 500, 600000),
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 0, 0, 600000),
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 20000, 100, 600000),
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Joint Working Hub <no-reply@joint-working-hub.local>',
    publicUrl: env.PUBLIC_URL || `http://localhost:${port}`,
    loginThrottleLimit: integer(env, 'LOGIN_THROTTLE_LIMIT', 10, 1, 10000),
    loginThrottleTtlSeconds: integer(env, 'LOGIN_THROTTLE_TTL_SECONDS', 900, 1, 86400),
    loginThrottleIpLimit: integer(env, 'LOGIN_THROTTLE_IP_LIMIT', 1000, 1, 100000),
    loginThrottleAccountLimit: integer(env, 'LOGIN_THROTTLE_ACCOUNT_LIMIT', 50, 1, 100000),
    codeThrottleLimit: integer(env, 'CODE_THROTTLE_LIMIT', 100, 1, 100000),
  };
}
