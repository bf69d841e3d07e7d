/**
 * The first `npm start` on the embedded default (README, What `npm start` does): an empty
 * database gets the seeds' demo data with a generated password only its owner may read; a
 * database that holds data, one given by DATABASE_URL, or DEMO_DATA=false never gets it.
 */
import { readFileSync, statSync } from 'node:fs';
import request from 'supertest';
import { demoPasswordFile, demoSignIns, demoUsers, firstRunDemo } from '../src/cli/first-run';
import { withApplication } from '../src/cli/operator';
import { PreparedDatabase } from '../src/database/database-bootstrap';
import { EmbeddedPostgresServer } from '../src/database/embedded-postgres';
import { createTestApp } from './support/test-app';
import {
  PLATFORM_ADMIN_SETTINGS,
  TestDatabase,
  createTestDatabase,
  queryAs,
} from './support/test-database';
import { testConfig } from './support/test-config';

describe('demo data on the first start', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const councils = async () =>
    (
      await queryAs<{ n: number }>(
        db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*)::int AS n FROM councils`,
      )
    )[0].n;
  // The function asks only whether the server is the embedded one; this stands for it.
  const embedded = (): PreparedDatabase => ({ ...db, embedded: {} as EmbeddedPostgresServer });

  it('never loads into a database given by DATABASE_URL, nor with DEMO_DATA=false', async () => {
    const config = testConfig();
    expect(await firstRunDemo(config, { ...db }, () => undefined)).toEqual({
      loaded: false,
      reason: 'DATABASE_URL',
    });
    expect(
      await firstRunDemo(testConfig({ DATABASE_URL: db.ownerUrl }), embedded(), () => undefined),
    ).toEqual({ loaded: false, reason: 'DATABASE_URL' });
    expect(
      await firstRunDemo(testConfig({ DEMO_DATA: 'false' }), embedded(), () => undefined),
    ).toEqual({
      loaded: false,
      reason: 'DEMO_DATA=false',
    });
    expect(await councils()).toBe(0);
  });

  it('loads into an empty embedded database once, with a password only its owner reads', async () => {
    const config = testConfig();
    const lines: string[] = [];
    const first = await firstRunDemo(config, embedded(), (line) => lines.push(line));
    expect(first).toEqual({ loaded: true, passwordFile: demoPasswordFile(config) });
    expect(await councils()).toBe(15);
    expect(statSync(demoPasswordFile(config)).mode & 0o777).toBe(0o600);
    const password = readFileSync(demoPasswordFile(config), 'utf8').trim();
    expect(password.length).toBeGreaterThanOrEqual(20);

    const users = await withApplication(config, db, demoUsers);
    expect(users).toHaveLength(31);
    expect(users[0]).toEqual({
      email: 'platform@demo.example',
      role: 'platform_admin',
      councilName: null,
    });
    const short = demoSignIns(users, demoPasswordFile(config), true);
    expect(short).toContain('  officer@inverclyde-council.example  officer, Inverclyde Council');
    expect(short.at(-1)).toMatch(/each of the 15 councils: npm run cli -- demo-users/);

    // The generated password signs the demo officer in.
    const t = await createTestApp({ database: db, env: { JWT_SECRET: config.jwtSecret } });
    try {
      const res = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: 'officer@inverclyde-council.example', password });
      expect(res.status).toBe(200);
    } finally {
      await t.app.close();
    }

    // A database that holds data is left as it is.
    const again = await firstRunDemo(
      testConfig({ DATA_DIR: config.dataDir }),
      embedded(),
      () => undefined,
    );
    expect(again).toEqual({ loaded: false, reason: 'not empty' });
    expect(readFileSync(demoPasswordFile(config), 'utf8').trim()).toBe(password);
    expect(await councils()).toBe(15);
  });
});
