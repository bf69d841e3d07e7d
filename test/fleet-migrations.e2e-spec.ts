/**
 * Migrations in a fleet (README, "Running as a fleet"): every process migrates as it starts,
 * one at a time behind a session-level advisory lock (src/database/database-bootstrap.ts).
 * Through PgBouncer in transaction mode a session lock means nothing: the server connection
 * that took it serves the next client's transaction, which may take it again (advisory locks
 * are re-entrant) or never see it released. So the owner's connection, DATABASE_URL, goes
 * to PostgreSQL directly, and only the service roles' connections go through PgBouncer.
 */
import { MIGRATIONS } from '../migrations';
import { prepareDatabase } from '../src/database/database-bootstrap';
import { withClient, withDatabase } from '../src/database/database-urls';
import { Client } from 'pg';
import { PgBouncer, pgbouncerBinary } from './support/pgbouncer';
import { testConfig } from './support/test-config';
import { testDatabaseEnv } from './support/test-database';
import { randomBytes } from 'node:crypto';

const havePgBouncer = pgbouncerBinary() !== undefined;
if (!havePgBouncer) {
  console.log(
    'Skipping the fleet migration tests: no pgbouncer (Debian: apt-get install pgbouncer; or set PGBOUNCER_PATH)',
  );
}
const describeWithPgBouncer = havePgBouncer ? describe : describe.skip;

describeWithPgBouncer('migrations in a fleet behind PgBouncer', () => {
  const env = testDatabaseEnv();
  const name = `jwh_fleet_${randomBytes(6).toString('hex')}`;
  const ownerUrl = withDatabase(env.ownerUrl, name);
  let bouncer: PgBouncer;

  beforeAll(async () => {
    // An empty database, as a first deploy finds it.
    await withClient(env.ownerUrl, (client) => client.query(`CREATE DATABASE ${name}`));
    bouncer = await PgBouncer.start(
      [ownerUrl, withDatabase(env.appUrl, name), withDatabase(env.authUrl, name)].concat(
        withDatabase(env.jobsUrl, name),
      ),
      { defaultPoolSize: 1 },
    );
  });
  afterAll(async () => {
    await bouncer?.stop();
    for (let attempt = 1; attempt <= 20; attempt++) {
      try {
        await withClient(env.ownerUrl, (client) =>
          client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
        );
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  });

  it('does not hold a session-level advisory lock through PgBouncer in transaction mode', async () => {
    const lock = 7_411_099;
    const first = new Client({ connectionString: bouncer.url(ownerUrl) });
    const second = new Client({ connectionString: bouncer.url(ownerUrl) });
    const direct = new Client({ connectionString: ownerUrl });
    await Promise.all([first.connect(), second.connect(), direct.connect()]);
    try {
      await first.query('SELECT pg_advisory_lock($1)', [lock]);
      // Another client of PgBouncer is handed the same server connection: it "gets" the lock
      // too, so a second migrator would not wait.
      const other = await second.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [
        lock,
      ]);
      expect(other.rows[0].got).toBe(true);
      // Held all the same, by a server connection no client owns: a direct session waits.
      const held = await direct.query<{ got: boolean }>('SELECT pg_try_advisory_lock($1) AS got', [
        lock,
      ]);
      expect(held.rows[0].got).toBe(false);
    } finally {
      await second.query('SELECT pg_advisory_unlock_all()');
      await Promise.all([first.end(), second.end(), direct.end()]);
    }
  });

  it('applies each migration once when two processes start at once, the owner connecting directly', async () => {
    // A deploy's set-up: DATABASE_URL to PostgreSQL, the service roles through PgBouncer.
    const config = () =>
      testConfig({
        DATABASE_URL: ownerUrl,
        DATABASE_APP_URL: bouncer.url(withDatabase(env.appUrl, name)),
        DATABASE_AUTH_URL: bouncer.url(withDatabase(env.authUrl, name)),
        DATABASE_JOBS_URL: bouncer.url(withDatabase(env.jobsUrl, name)),
      });
    const logs: string[][] = [[], []];
    const started = Date.now();
    const prepared = await Promise.all(
      logs.map((log) => prepareDatabase(config(), (line) => log.push(line))),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const applied = logs.map((log) => log.filter((line) => line.startsWith('Applied ')));
    // One process applied them all, the other found nothing left to do.
    expect(applied.map((lines) => lines.length).sort()).toEqual([0, 1]);
    const rows = await withClient(ownerUrl, (client) =>
      client.query<{ name: string; n: number }>(
        'SELECT name, count(*)::int AS n FROM migrations GROUP BY name ORDER BY name',
      ),
    );
    expect(rows.rows).toHaveLength(MIGRATIONS.length);
    expect(rows.rows.every((row) => row.n === 1)).toBe(true);
    // Both processes then serve through PgBouncer as the application role.
    for (const { appUrl } of prepared) {
      expect(new URL(appUrl).port).toBe(String(bouncer.port));
      await withClient(appUrl, async (client) => {
        const { rows: who } = await client.query<{ user: string }>('SELECT current_user AS user');
        expect(who[0].user).toBe('jwh_app');
      });
    }
    console.log(
      `Fleet: 2 processes migrating at once (owner direct, service roles through PgBouncer) ` +
        `applied ${rows.rows.length} migrations once each in ${seconds} s`,
    );
  });
});
