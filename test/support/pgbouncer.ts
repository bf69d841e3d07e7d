/**
 * A PgBouncer (Debian's `pgbouncer`) in front of the test PostgreSQL, as a fleet would run
 * behind one (README, "Running as a fleet"): `pool_mode = transaction`, a small pool per
 * user and database so that server connections really are shared between clients, the
 * service roles authenticated from a userlist made from the test set-up's URLs.
 *
 * The pg pools send `statement_timeout`, `lock_timeout` and
 * `idle_in_transaction_session_timeout` as startup parameters, which PgBouncer refuses
 * unless told to ignore them; the same timeouts are set on each service role
 * (src/database/database-urls.ts), so ignoring them loses nothing.
 *
 * Named prepared statements are tracked by PgBouncer 1.21 and later
 * (`max_prepared_statements`); with an older one the service must run with
 * DATABASE_PREPARED_STATEMENTS=false (`tracksPreparedStatements`).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { AppConfig } from '../../src/config/configuration';
import { createApp } from '../../src/app.setup';
import { installSettingsKey } from '../../src/database/database-bootstrap';
import { TestApp } from './test-app';
import { TestDatabase } from './test-database';
import { testConfig } from './test-config';

const CANDIDATES = [process.env.PGBOUNCER_PATH, '/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'];

/** The pgbouncer binary, or undefined (the fleet tests then skip and print why). */
export function pgbouncerBinary(): string | undefined {
  return CANDIDATES.find((path): path is string => !!path && existsSync(path));
}

/** [major, minor] of the installed PgBouncer. */
export function pgbouncerVersion(binary: string): [number, number] {
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' });
  const match = /PgBouncer (\d+)\.(\d+)/.exec(out);
  if (!match) throw new Error(`Cannot read PgBouncer's version from: ${out}`);
  return [Number(match[1]), Number(match[2])];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface PgBouncerOptions {
  /** Server connections per user and database (default 2). */
  defaultPoolSize?: number;
  maxClientConn?: number;
}

export interface Credentials {
  user: string;
  password: string;
}

function credentials(url: string): Credentials {
  const parsed = new URL(url);
  return {
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
  };
}

const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

export class PgBouncer {
  private constructor(
    private readonly process: ChildProcess,
    private readonly dir: string,
    readonly port: number,
    readonly version: [number, number],
    private readonly admin: Credentials,
    private readonly output: string[],
  ) {}

  /** PgBouncer 1.21 and later keep named prepared statements apart per client. */
  get tracksPreparedStatements(): boolean {
    const [major, minor] = this.version;
    return major > 1 || (major === 1 && minor >= 21);
  }

  /**
   * Starts PgBouncer in front of the server `urls` point at, with each URL's user in its
   * userlist; the first URL's user may use the admin console (SHOW POOLS, SHOW SERVERS).
   */
  static async start(urls: string[], options: PgBouncerOptions = {}): Promise<PgBouncer> {
    const binary = pgbouncerBinary();
    if (!binary) throw new Error('pgbouncer is not installed');
    const version = pgbouncerVersion(binary);
    const target = new URL(urls[0]);
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'jwh-pgbouncer-'));
    chmodSync(dir, 0o755);
    const users = new Map(urls.map((url) => [credentials(url).user, credentials(url).password]));
    const admin = credentials(urls[0]);
    // Plain passwords in the userlist: PgBouncer then answers the server's SCRAM itself.
    writeFileSync(
      join(dir, 'userlist.txt'),
      [...users].map(([user, password]) => `${quote(user)} ${quote(password)}`).join('\n') + '\n',
      { mode: 0o644 },
    );
    const tracks = version[0] > 1 || (version[0] === 1 && version[1] >= 21);
    const ini = [
      '[databases]',
      // Any database name a client asks for, on the test server (one database per test file).
      `* = host=${target.hostname} port=${target.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = scram-sha-256',
      `auth_file = ${join(dir, 'userlist.txt')}`,
      `admin_users = ${admin.user}`,
      'pool_mode = transaction',
      `default_pool_size = ${options.defaultPoolSize ?? 2}`,
      'min_pool_size = 0',
      'reserve_pool_size = 0',
      `max_client_conn = ${options.maxClientConn ?? 400}`,
      // The pools' timeouts are also the roles' settings (src/database/database-urls.ts).
      'ignore_startup_parameters = statement_timeout,lock_timeout,idle_in_transaction_session_timeout,extra_float_digits',
      // Transaction mode hands a server connection to the next client as the transaction
      // ends; nothing of a session is left to reset (the service sets only SET LOCAL).
      'server_reset_query =',
      'server_check_delay = 0',
      'server_lifetime = 3600',
      'server_idle_timeout = 60',
      ...(tracks ? ['max_prepared_statements = 200'] : []),
      'log_connections = 0',
      'log_disconnections = 0',
    ].join('\n');
    writeFileSync(join(dir, 'pgbouncer.ini'), ini + '\n', { mode: 0o644 });
    // PgBouncer will not run as root: as root, run it as the `postgres` user the embedded
    // server runs as.
    const args = process.getuid?.() === 0 ? ['-u', 'postgres'] : [];
    const child = spawn(binary, [...args, join(dir, 'pgbouncer.ini')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    const bouncer = new PgBouncer(child, dir, port, version, admin, output);
    await bouncer.waitUntilReady();
    return bouncer;
  }

  private async waitUntilReady(): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      if (this.process.exitCode !== null)
        throw new Error(`pgbouncer exited: ${this.output.join('')}`);
      try {
        await this.show('VERSION');
        return;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  /** `url` with its host and port replaced by this PgBouncer's. */
  url(url: string): string {
    const parsed = new URL(url);
    parsed.hostname = '127.0.0.1';
    parsed.port = String(this.port);
    return parsed.toString();
  }

  /** A command on the admin console (`SHOW POOLS`, `SHOW SERVERS`, …), simple protocol. */
  async show<T = Record<string, unknown>>(what: string): Promise<T[]> {
    const client = new Client({
      host: '127.0.0.1',
      port: this.port,
      user: this.admin.user,
      password: this.admin.password,
      database: 'pgbouncer',
    });
    client.on('error', () => undefined);
    await client.connect();
    try {
      const result = await client.query(`SHOW ${what}`);
      return result.rows as T[];
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Server connections PgBouncer holds to `database`, by user. */
  async serverConnections(database: string): Promise<Record<string, number>> {
    const servers = await this.show<{ user: string; database: string }>('SERVERS');
    const counts: Record<string, number> = {};
    for (const s of servers.filter((row) => row.database === database))
      counts[s.user] = (counts[s.user] ?? 0) + 1;
    return counts;
  }

  /** Safe shutdown (SIGINT: waits for the transactions in flight), then removes its files. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
      this.process.kill('SIGINT');
      const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface FleetInstanceOptions {
  env?: Record<string, string>;
  /** Run the job queue through PgBouncer, polling this often (seconds). */
  jobs?: { pollingIntervalSeconds: number };
}

/**
 * One process of the fleet: the real app on `db` whose request, sign-in and job connections
 * all go through `bouncer`. Closing it leaves the database (the test drops it once).
 */
export async function fleetInstance(
  db: TestDatabase,
  bouncer: PgBouncer,
  options: FleetInstanceOptions = {},
): Promise<TestApp> {
  const config: AppConfig = testConfig({
    LOGIN_THROTTLE_IP_LIMIT: '10000',
    DATABASE_POOL_SIZE: '4',
    ...(bouncer.tracksPreparedStatements ? {} : { DATABASE_PREPARED_STATEMENTS: 'false' }),
    ...options.env,
  });
  await installSettingsKey(db.ownerUrl, config.jwtSecret);
  const app = await createApp({
    config,
    appUrl: bouncer.url(db.appUrl),
    authUrl: bouncer.url(db.authUrl),
    jobs: options.jobs ? { url: bouncer.url(db.jobsUrl), ...options.jobs } : undefined,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: app.getHttpServer(),
    db,
    config,
    close: () => app.close(),
  };
}
