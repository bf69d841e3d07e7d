/**
 * One database per test file: `CREATE DATABASE … TEMPLATE` a database the global set-up
 * migrated once, which takes milliseconds. The server is the embedded one unless
 * DATABASE_URL is set.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { withClient, withDatabase } from '../../src/database/database-urls';
import { SettingsProver } from '../../src/database/settings-proof';
import { settingsStatement } from '../../src/tenancy/tenant-transaction.adapter';
import { TenantSettings } from '../../src/tenancy/request-context';
import { TEST_SECRET } from './test-config';

export interface TestDatabaseEnv {
  ownerUrl: string;
  appUrl: string;
  authUrl: string;
  jobsUrl: string;
  template: string;
}

export const TEST_DB_ENV = 'JWH_TEST_DATABASE';

export function testDatabaseEnv(): TestDatabaseEnv {
  const raw = process.env[TEST_DB_ENV];
  if (!raw) throw new Error('The e2e global set-up did not run (see jest.config.js)');
  return JSON.parse(raw) as TestDatabaseEnv;
}

export interface TestDatabase {
  name: string;
  ownerUrl: string;
  appUrl: string;
  authUrl: string;
  /** The job role's connection (pg-boss's tables). */
  jobsUrl: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const env = testDatabaseEnv();
  const name = `jwh_test_${randomBytes(6).toString('hex')}`;
  await withClient(env.ownerUrl, (client) =>
    client.query(`CREATE DATABASE ${name} TEMPLATE ${env.template}`),
  );
  return {
    name,
    ownerUrl: withDatabase(env.ownerUrl, name),
    appUrl: withDatabase(env.appUrl, name),
    authUrl: withDatabase(env.authUrl, name),
    jobsUrl: withDatabase(env.jobsUrl, name),
    drop: () => dropDatabase(env.ownerUrl, name),
  };
}

/**
 * A backend of the application role can outlive the pool that closed it by a moment, and the
 * owner (not a superuser) may not terminate it, so `WITH (FORCE)` then fails: wait and retry.
 */
async function dropDatabase(ownerUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withClient(ownerUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
      );
      return;
    } catch (error) {
      const lingering = /permission denied to terminate process/.test(String(error));
      if (!lingering || attempt === 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

const testProver = new SettingsProver(TEST_SECRET);

/**
 * Opens a transaction on `client` with the given settings, proven as the service proves a
 * request's (with the service's `secret`): row-level security believes them. CASL is not
 * involved. Row-level security is forced on the owner too, so generators use this as well.
 */
export async function beginAs(
  client: Client,
  settings: Partial<TenantSettings>,
  secret = TEST_SECRET,
): Promise<void> {
  const prover = secret === TEST_SECRET ? testProver : new SettingsProver(secret);
  await client.query('START TRANSACTION');
  const full = { userId: '', councilId: '', role: '', sessionId: '', requestId: 'test' };
  await client.query(...settingsStatement(prover, { ...full, ...settings }));
}

/**
 * Runs SQL as the application role with the given tenant settings, as a request would:
 * row-level security applies. Use `platformAdmin` settings to inspect what is stored.
 */
export async function queryAs<T = Record<string, unknown>>(
  appUrl: string,
  settings: Partial<TenantSettings>,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: appUrl });
  await client.connect();
  try {
    await beginAs(client, settings);
    const result = await client.query(sql, params);
    await client.query('COMMIT');
    return result.rows as T[];
  } finally {
    await client.end();
  }
}

export const PLATFORM_ADMIN_SETTINGS: Partial<TenantSettings> = {
  userId: '00000000-0000-4000-8000-000000000000',
  role: 'platform_admin',
};
