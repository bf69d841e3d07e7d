/**
 * Brings the database up before the app starts: the embedded server when `DATABASE_URL` is
 * unset, the two roles, then the migrations (as the owner, one process at a time, connecting
 * directly to PostgreSQL: README, "Running as a fleet").
 */
import { Client } from 'pg';
import { DataSource, Migration } from 'typeorm';
import { AppConfig } from '../config/configuration';
import { dataSourceOptions } from './data-source';
import {
  DatabaseUrls,
  ServiceUrls,
  assertRoleIsBound,
  embeddedOwnerUrl,
  ensureServiceRoles,
  withClient,
} from './database-urls';
import { SettingsProver } from './settings-proof';
import { installJobQueue } from '../jobs/job-queue';
import { EmbeddedPostgresServer } from './embedded-postgres';

export interface PreparedDatabase extends DatabaseUrls {
  embedded?: EmbeddedPostgresServer;
}

/** Any fixed number serves: every process of a deployment takes the same lock. */
const MIGRATION_LOCK = 7_411_020;

export async function prepareDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<PreparedDatabase> {
  let embedded: EmbeddedPostgresServer | undefined;
  let ownerUrl = config.databaseUrl;
  if (!ownerUrl) {
    embedded = await EmbeddedPostgresServer.start(config.dataDir, log);
    ownerUrl = await embeddedOwnerUrl(embedded);
  }
  try {
    const urls = await migrate(config, ownerUrl, log);
    await assertRoleIsBound(urls.appUrl, 'DATABASE_APP_URL');
    await assertRoleIsBound(urls.authUrl, 'DATABASE_AUTH_URL');
    return { ownerUrl, ...urls, embedded };
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

/** How often a process whose peer is migrating asks for the lock again. */
const MIGRATION_LOCK_POLL_MS = 250;

/**
 * Takes the migration lock, a session-level advisory lock, so `lock` must reach PostgreSQL
 * directly (DATABASE_URL), never through PgBouncer in transaction mode, which hands the
 * session that holds it to other clients (README, "Running as a fleet").
 *
 * Asked for again and again rather than waited for: a statement waiting in
 * `pg_advisory_lock` holds a snapshot for as long as it waits, and a migration that builds an
 * index CONCURRENTLY waits for every such snapshot to end, so the holder's migration would wait
 * for the waiter, which waits for the holder, until the lock timeout cancels it.
 */
async function takeMigrationLock(lock: Client, log: (line: string) => void): Promise<void> {
  for (let waited = false; ; waited = true) {
    const { rows } = await lock.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [
      MIGRATION_LOCK,
    ]);
    if (rows[0].got) return;
    if (!waited) log('Another process is migrating the database: waiting for it');
    await new Promise((resolve) => setTimeout(resolve, MIGRATION_LOCK_POLL_MS));
  }
}

/**
 * Ensures the service roles, runs pending migrations and installs the key that proves request
 * settings; answers the service roles' URLs.
 */
export async function migrate(
  config: AppConfig,
  ownerUrl: string,
  log: (line: string) => void,
  patience: MigrationPatience = DEFAULT_PATIENCE,
): Promise<ServiceUrls & { jobsUrl: string }> {
  return withClient(ownerUrl, async (lock) => {
    await takeMigrationLock(lock, log);
    try {
      const urls = await ensureServiceRoles(config, ownerUrl);
      const dataSource = new DataSource(
        dataSourceOptions(ownerUrl, { ...config, databasePoolSize: 1 }, 'jwh-migrate'),
      );
      await dataSource.initialize();
      try {
        const applied = await runMigrationsPolitely(dataSource, log, patience);
        if (applied.length)
          log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
      } finally {
        await dataSource.destroy();
      }
      await installSettingsKey(ownerUrl, config.jwtSecret);
      await installJobQueue(ownerUrl);
      return urls;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

/**
 * How long a migration waits for a table lock before it gives way (docs/migrations.md).
 * A migration's ALTER TABLE queued behind a long transaction holds up every request that
 * reaches the table after it, for as long as it waits; waiting briefly, rolling back and
 * trying again later lets those requests through in between.
 */
export interface MigrationPatience {
  lockTimeoutMs: number;
  attempts: number;
  retryDelayMs: number;
}

export const DEFAULT_PATIENCE: MigrationPatience = {
  lockTimeoutMs: 2000,
  attempts: 10,
  retryDelayMs: 3000,
};

/** lock_not_available (lock_timeout) and deadlock_detected: the migration rolled back whole. */
const GAVE_WAY = new Set(['55P03', '40P01']);

async function runMigrationsPolitely(
  dataSource: DataSource,
  log: (line: string) => void,
  patience: MigrationPatience,
): Promise<Migration[]> {
  const applied: Migration[] = [];
  for (let attempt = 1; ; attempt++) {
    // Session-wide on the migrator's one connection, so the non-transactional migrations
    // (CREATE INDEX CONCURRENTLY) wait no longer either.
    await dataSource.query(`SET lock_timeout = ${Math.trunc(patience.lockTimeoutMs)}`);
    try {
      applied.push(...(await dataSource.runMigrations({ transaction: 'each' })));
      return applied;
    } catch (error) {
      const failed = error as { driverError?: { code?: string }; code?: string };
      const code = failed.driverError?.code ?? failed.code;
      if (!code || !GAVE_WAY.has(code) || attempt >= patience.attempts) throw error;
      log(
        `A migration gave way to the requests holding its tables (${code}); ` +
          `trying again in ${patience.retryDelayMs} ms (attempt ${attempt + 1} of ${patience.attempts})`,
      );
      await new Promise((resolve) => setTimeout(resolve, patience.retryDelayMs));
    }
  }
}

/**
 * Gives the database the key that proves request settings (src/database/settings-proof.ts),
 * as the owner: the roles that serve requests can never read it. Every process of a
 * deployment derives the same key from the same secret; a new secret adds its own row.
 */
export async function installSettingsKey(ownerUrl: string, secret: string): Promise<void> {
  const prover = new SettingsProver(secret);
  const { innerPad, outerPad } = prover.pads();
  await withClient(ownerUrl, (client) =>
    client.query(
      `INSERT INTO app_session_keys (id, inner_pad, outer_pad) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO NOTHING`,
      [prover.keyId, innerPad, outerPad],
    ),
  );
}
