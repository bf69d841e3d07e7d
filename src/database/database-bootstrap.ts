/**
 * Brings the database up before the app starts: the embedded server when `DATABASE_URL` is
 * unset, the two roles, then the migrations (as the owner, one process at a time).
 */
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/configuration';
import { dataSourceOptions } from './data-source';
import {
  DatabaseUrls,
  assertAppRoleIsBound,
  embeddedOwnerUrl,
  ensureAppRole,
  withClient,
} from './database-urls';
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
    const appUrl = await migrate(config, ownerUrl, log);
    await assertAppRoleIsBound(appUrl);
    return { ownerUrl, appUrl, embedded };
  } catch (error) {
    await embedded?.stop().catch(() => undefined);
    throw error;
  }
}

/** Ensures the application role and runs pending migrations; answers the app role's URL. */
export async function migrate(
  config: AppConfig,
  ownerUrl: string,
  log: (line: string) => void,
): Promise<string> {
  return withClient(ownerUrl, async (lock) => {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const appUrl = await ensureAppRole(config, ownerUrl);
      const dataSource = new DataSource(
        dataSourceOptions(ownerUrl, { ...config, databasePoolSize: 1 }, 'jwh-migrate'),
      );
      await dataSource.initialize();
      try {
        const applied = await dataSource.runMigrations({ transaction: 'each' });
        if (applied.length)
          log(`Applied ${applied.length} migration(s): ${applied.map((m) => m.name).join(', ')}`);
      } finally {
        await dataSource.destroy();
      }
      return appUrl;
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}
