/**
 * A busy database answers in bounded time, never 500 (README, Configuration and Deploying):
 * a request that finds no free connection in DATABASE_POOL_WAIT_MS answers 503 with
 * Retry-After, a statement past DATABASE_STATEMENT_TIMEOUT_MS 503, a lock not had in
 * DATABASE_LOCK_TIMEOUT_MS 409; each rolls back everything of its request, and the service
 * is itself again as soon as what held it up ends. The slow requests are real ones: status
 * updates of a workstream whose row another transaction holds locked.
 */
import { Client } from 'pg';
import request from 'supertest';
import { TestApp, createTestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, bearer, workstream } from './support/world';

const PROBLEM = /application\/problem\+json/;

describe('a busy database', () => {
  let world: World;
  /** Two connections a pool, a second's wait for one, statements of 1.5 s, locks of 5 s. */
  let t: TestApp;
  /** The same database; statements of 10 s, locks of 0.8 s. */
  let shortLocks: TestApp;
  let officer: SignedIn;
  let workstreamId: string;
  let holder: Client;

  const update = (app: TestApp, period: string) =>
    request(app.http)
      .post(`/api/v1/workstreams/${workstreamId}/status-updates`)
      .set(bearer(officer))
      .send({ rag: 'green', period });
  /** What is stored, seen by the owner as a platform admin. */
  const stored = <T>(sql: string) =>
    queryAs<T>(t.db.ownerUrl, PLATFORM_ADMIN_SETTINGS, sql, [workstreamId]);
  const storedPeriods = async () =>
    (
      await stored<{ period: string }>(
        'SELECT period FROM status_updates WHERE workstream_id = $1 ORDER BY period',
      )
    ).map((r) => r.period);
  const auditedPeriods = async () =>
    (
      await stored<{ period: string }>(
        `SELECT after->>'period' AS period FROM audit_events
          WHERE entity_type = 'status_updates' AND after->>'workstream_id' = $1 ORDER BY 1`,
      )
    ).map((r) => r.period);
  /** Holds the workstream's row locked, as a slow writer would, until `release`. */
  const lockWorkstream = async () => {
    await beginAs(holder, PLATFORM_ADMIN_SETTINGS);
    await holder.query('SELECT 1 FROM workstreams WHERE id = $1 FOR UPDATE', [workstreamId]);
  };
  const release = () => holder.query('ROLLBACK');
  /** Sessions of the service left inside a transaction: none once the requests have ended. */
  const idleInTransaction = async () => {
    const [row] = await stored<{ n: string }>(
      `SELECT count(*) AS n FROM pg_stat_activity
        WHERE datname = current_database() AND usename <> current_user
          AND state LIKE 'idle in transaction%' AND $1::uuid IS NOT NULL`,
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    world = await World.start({
      DATABASE_POOL_SIZE: '2',
      DATABASE_POOL_WAIT_MS: '1000',
      DATABASE_STATEMENT_TIMEOUT_MS: '1500',
      DATABASE_LOCK_TIMEOUT_MS: '5000',
    });
    t = world.t;
    shortLocks = await createTestApp({
      database: t.db,
      env: {
        LOGIN_THROTTLE_IP_LIMIT: '10000',
        DATABASE_STATEMENT_TIMEOUT_MS: '10000',
        DATABASE_LOCK_TIMEOUT_MS: '800',
      },
    });
    const inverclyde = await world.council('S12000018');
    officer = await world.user(inverclyde, 'officer');
    workstreamId = (await workstream(t, officer, { title: 'Back office' })).id;
    // The owner, to see every row and to hold locks the service's requests must wait for.
    holder = new Client({ connectionString: t.db.ownerUrl });
    await holder.connect();
  });
  afterAll(async () => {
    await holder?.end();
    await shortLocks?.app.close();
    await t?.close();
  });

  it('answers 503 with Retry-After when no connection comes free in time, and serves again once the slow requests end', async () => {
    await lockWorkstream();
    // Both connections of the pool wait on the lock, inside their requests' transactions.
    const slow = [update(t, 'Q1 2010-11').then((r) => r), update(t, 'Q2 2010-11').then((r) => r)];
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    const busy = await request(t.http).get('/api/v1/workstreams').set(bearer(officer));
    const waited = Date.now() - started;
    expect(busy.status).toBe(503);
    expect(busy.headers['content-type']).toMatch(PROBLEM);
    expect(busy.headers['retry-after']).toBe('2');
    expect(busy.body).toMatchObject({ status: 503, retryAfter: 2 });
    expect(busy.body.detail).toMatch(/no database connection came free/);
    // It waited for the pool (about a second), not for the lock (five).
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(4000);

    await release();
    const [first, second] = await Promise.all(slow);
    expect([first.status, second.status]).toEqual([201, 201]);
    const after = await request(t.http).get('/api/v1/workstreams').set(bearer(officer));
    expect(after.status).toBe(200);
    expect(after.body.data.map((w: { id: string }) => w.id)).toContain(workstreamId);
    expect(await storedPeriods()).toEqual(['Q1 2010-11', 'Q2 2010-11']);
  });

  it('answers 503 when a statement runs past the statement timeout, and keeps nothing of the request', async () => {
    await lockWorkstream();
    const started = Date.now();
    const res = await update(t, 'Q3 2010-11');
    const waited = Date.now() - started;
    await release();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['retry-after']).toBe('2');
    expect(res.body.detail).toMatch(/took too long/);
    expect(waited).toBeGreaterThanOrEqual(1400);
    expect(waited).toBeLessThan(5000);
    // Rolled back whole: no status update, no audit event of one, no session left open.
    expect(await storedPeriods()).toEqual(['Q1 2010-11', 'Q2 2010-11']);
    expect(await auditedPeriods()).toEqual(['Q1 2010-11', 'Q2 2010-11']);
    expect(await idleInTransaction()).toBe(0);
    // The connection that timed out serves the next request.
    expect((await update(t, 'Q3 2010-11')).status).toBe(201);
  });

  it('answers 409 when a lock is not had within the lock timeout, and keeps nothing of the request', async () => {
    await lockWorkstream();
    const started = Date.now();
    const res = await update(shortLocks, 'Q4 2010-11');
    const waited = Date.now() - started;
    await release();
    expect(res.status).toBe(409);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.detail).toMatch(/being changed by another request; try again/);
    expect(waited).toBeGreaterThanOrEqual(700);
    expect(waited).toBeLessThan(5000);
    expect(await storedPeriods()).toEqual(['Q1 2010-11', 'Q2 2010-11', 'Q3 2010-11']);
    expect(await auditedPeriods()).toEqual(['Q1 2010-11', 'Q2 2010-11', 'Q3 2010-11']);
    expect(await idleInTransaction()).toBe(0);
    expect((await update(shortLocks, 'Q4 2010-11')).status).toBe(201);
  });
});
