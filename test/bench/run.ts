/**
 * `npm run bench`: starts the service on its own database (a fresh embedded server, or a
 * fresh database on the DATABASE_URL server, dropped afterwards), generates a realistic
 * volume of workstreams, and loads the service over loopback with autocannon, printing
 * requests/s and latency.
 *
 * Targets on the 2-core CI machine (20 connections):
 * - /health: at least 1,000 req/s, p99 under 50 ms;
 * - GET /api/v1/workstreams (first page of 50, for a council in 30 partnerships, over 20,000
 *   workstreams) and GET /api/v1/dashboard: p99 under 250 ms, no errors.
 */
import autocannon from 'autocannon';
import * as argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../../src/users/password.service';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/configuration';
import { prepareDatabase } from '../../src/database/database-bootstrap';
import { withClient, withDatabase } from '../../src/database/database-urls';
import { generateWorkstreams } from '../support/generate';
import { PLATFORM_ADMIN_SETTINGS, beginAs } from '../support/test-database';

const PASSWORD = 'a long enough bench password';

/** Answers the routes that missed their target. */
async function main(): Promise<string[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jwh-bench-'));
  chmodSync(dataDir, 0o755);
  const external = process.env.DATABASE_URL;
  const scratch = `jwh_bench_${randomBytes(4).toString('hex')}`;
  if (external) await withClient(external, (c) => c.query(`CREATE DATABASE ${scratch}`));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    PORT: '0',
  };
  if (external) env.DATABASE_URL = withDatabase(external, scratch);
  const config = loadConfig(env);
  const database = await prepareDatabase(config, () => undefined);
  const app = await createApp({
    config,
    appUrl: database.appUrl,
    authUrl: database.authUrl,
  });
  try {
    const { councilId } = await generateWorkstreams(database.ownerUrl, config.jwtSecret, {
      partnerships: 100,
      memberOf: 30,
      workstreams: 20_000,
      // What the dashboard counts: the council leads one in eight shared workstreams.
      children: { milestones: 5, statusUpdates: 3, risks: 2 },
      leadsOneIn: 8,
    });
    // Fresh statistics, and no autovacuum of the new rows competing with the load.
    await withClient(database.ownerUrl, (client) => client.query('VACUUM ANALYZE'));
    const email = 'bench.officer@jwh.test';
    await withClient(database.ownerUrl, async (client) => {
      await beginAs(client, PLATFORM_ADMIN_SETTINGS, config.jwtSecret);
      await client.query(
        `INSERT INTO users (council_id, email, name, role, status, password_hash)
         VALUES ($1, $2, 'Bench Officer', 'officer', 'active', $3)`,
        [councilId, email, await argon2.hash(PASSWORD, ARGON2_OPTIONS)],
      );
      await client.query('COMMIT');
    });
    await app.listen(0, '127.0.0.1');
    const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const { accessToken } = (await login.json()) as { accessToken: string };
    const headers = { authorization: `Bearer ${accessToken}` };
    const missed: string[] = [];
    for (const [path, auth, target] of [
      ['/health', {}, { minRps: 1000, maxP99: 50 }],
      ['/api/v1/workstreams', headers, { maxP99: 250 }],
      ['/api/v1/workstreams?rag=red&limit=20', headers, { maxP99: 250 }],
      ['/api/v1/dashboard', headers, { maxP99: 250 }],
    ] as const) {
      const load = (duration: number) =>
        autocannon({ url: url + path, connections: 20, duration, headers: auth });
      await load(1); // warm-up, not counted: compiled code paths, filled caches
      const result = await load(5);
      const rps = Math.round(result.requests.average);
      // A route that answered nothing in the window has missed, whatever its (empty) latency says.
      const met =
        result.requests.total > 0 &&
        result.errors === 0 &&
        result.non2xx === 0 &&
        result.latency.p99 < target.maxP99 &&
        rps >= ('minRps' in target ? target.minRps : 0);
      if (!met) missed.push(path);
      process.stdout.write(
        `${path}: ${rps} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
          `errors ${result.errors}, non-2xx ${result.non2xx}: ${met ? 'target met' : 'TARGET MISSED'}\n`,
      );
    }
    return missed;
  } finally {
    await app.close();
    await database.embedded?.stop();
    if (external)
      await withClient(external, (c) => c.query(`DROP DATABASE ${scratch} WITH (FORCE)`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

// The targets are the benchmark's verdict: a miss fails the command.
main().then(
  (missed) => process.exit(missed.length ? 1 : 0),
  (error: unknown) => {
    process.stderr.write(`${String(error)}\n`);
    process.exit(1);
  },
);
