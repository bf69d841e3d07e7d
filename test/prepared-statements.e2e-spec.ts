import { Client } from 'pg';
import request from 'supertest';
import { NAME_AFTER } from '../src/database/prepared-statements';
import { ProbeModule } from './support/probe.module';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { TestApp, createTestApp } from './support/test-app';
import { World, bearer, call, partnership, workstream } from './support/world';

/**
 * A request's parameterised statements go as named prepared statements, parsed and planned
 * once per connection (src/database/prepared-statements.ts); DATABASE_PREPARED_STATEMENTS=false
 * (PgBouncer in transaction mode before 1.21) sends them unnamed. Both answer the same.
 */
describe('prepared statements', () => {
  let world: World;
  let t: TestApp;
  /** The same database, one connection each, with the probe routes: named, and unnamed. */
  let probed: TestApp;
  let unnamed: TestApp;

  beforeAll(async () => {
    world = await World.start({ DATABASE_POOL_SIZE: '1' });
    t = world.t;
    probed = await createTestApp({
      database: t.db,
      env: { DATABASE_POOL_SIZE: '1' },
      imports: [ProbeModule],
    });
    unnamed = await createTestApp({
      database: t.db,
      env: { DATABASE_POOL_SIZE: '1', DATABASE_PREPARED_STATEMENTS: 'false' },
      imports: [ProbeModule],
    });
  });
  // Passport keeps one strategy per name for the whole process: the last app's serves all
  // three, so none closes before the end.
  afterAll(async () => {
    await unnamed.app.close();
    await probed.app.close();
    await t.close();
  });

  const prepared = async (app: TestApp) =>
    (await request(app.http).get('/api/v1/probe/prepared')).body as {
      name: string;
      statement: string;
    }[];

  it('prepares a request statement once on its connection, and names none when told not to', async () => {
    {
      for (let i = 0; i < 3; i++) {
        const res = await request(probed.http).get('/api/v1/probe/cast?type=int&value=7');
        expect(res.status).toBe(200);
        expect(res.body).toEqual({ v: 7 });
      }
      const named = await prepared(probed);
      const cast = named.filter((s) => s.statement === 'SELECT $1::int AS v');
      expect(cast).toHaveLength(1);
      expect(cast[0].name).toMatch(/^jwh_[A-Za-z0-9_-]{24}$/);
      // The settings statement that opens every transaction is named too.
      expect(named.some((s) => s.statement.includes("set_config('app.proof'"))).toBe(true);
    }
    await request(unnamed.http).get('/api/v1/probe/cast?type=int&value=7').expect(200);
    expect(await prepared(unnamed)).toEqual([]);
  });

  it('plans every execution for its values: the service roles never use a generic plan', async () => {
    const [row] = await queryAs<{ mode: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT current_setting('plan_cache_mode') AS mode`,
    );
    expect(row.mode).toBe('force_custom_plan');
  });

  it('answers a list the same, byte for byte, named or not', async () => {
    const councilA = await world.council('S12000018');
    const councilB = await world.council('S12000039');
    const adminA = await world.user(councilA, 'council_admin');
    const officerB = await world.user(councilB, 'officer');
    const p = await partnership(t, adminA, 'Clyde shared services', [councilB]);
    for (const title of ['Shared roads service', 'Joint waste collection', 'Back-office ICT']) {
      await workstream(t, adminA, { title, partnershipId: p, leadCouncilIds: [councilA] });
    }
    for (const path of ['/workstreams', '/workstreams?rag=red', '/dashboard', '/me']) {
      const named = await call(t, officerB, 'get', path, undefined, 200);
      const plain = await request(unnamed.http).get(`/api/v1${path}`).set(bearer(officerB));
      expect(plain.status).toBe(200);
      expect(plain.text).toBe(named.text);
    }
  });

  describe('after a migration changes what a prepared statement returns', () => {
    const owner = async (sql: string) => {
      const client = new Client({ connectionString: t.db.ownerUrl });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };

    it('answers the request all the same, and the statement goes unnamed from then on', async () => {
      try {
        await owner(`CREATE TABLE probe_star (id int PRIMARY KEY, name text)`);
        await owner(`INSERT INTO probe_star VALUES (1, 'Inverclyde')`);
        await owner(`GRANT SELECT ON probe_star TO jwh_app`);
        const star = () => request(probed.http).get('/api/v1/probe/star?id=1');
        // Named from its NAME_AFTER-th use, then run prepared.
        for (let i = 0; i <= NAME_AFTER; i++) {
          expect((await star()).body).toEqual([{ id: 1, name: 'Inverclyde' }]);
        }
        expect((await prepared(probed)).map((p) => p.statement)).toContain(
          'SELECT * FROM probe_star WHERE id = $1::int',
        );
        await owner(`ALTER TABLE probe_star ADD COLUMN code text DEFAULT 'IVC'`);
        const after = await star();
        expect(after.status).toBe(200);
        expect(after.body).toEqual([{ id: 1, name: 'Inverclyde', code: 'IVC' }]);
        expect((await star()).status).toBe(200);
      } finally {
        await owner(`DROP TABLE IF EXISTS probe_star`);
      }
    });
  });
});
