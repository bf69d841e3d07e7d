/**
 * A backend killed in the middle of a multi-step write (README, Configuration: a cut
 * connection answers 503). A status update is three writes in one transaction: its row, the
 * workstream's latest-status columns (a trigger) and the audit events. The test holds the
 * workstream's row locked, so the request's backend waits after inserting its row and before
 * the rest; the superuser of this test's own PostgreSQL then terminates that backend. The
 * request answers 503, nothing of it is stored, and the same write succeeds when retried.
 */
import { Client } from 'pg';
import request from 'supertest';
import { FaultPostgres } from './support/fault-postgres';
import { until } from './support/fault-load';
import { inspect } from './support/fault-invariants';
import { TestApp, createTestApp } from './support/test-app';
import { SignedIn, World, bearer, workstream } from './support/world';

jest.setTimeout(120_000);

describe('faults: a backend killed in the middle of a multi-step write', () => {
  let pg: FaultPostgres;
  let t: TestApp;
  let officer: SignedIn;
  let workstreamId: string;
  let superuser: Client;

  beforeAll(async () => {
    pg = await FaultPostgres.start();
    t = await createTestApp({
      database: pg.database,
      env: { LOGIN_THROTTLE_IP_LIMIT: '10000', DATABASE_LOCK_TIMEOUT_MS: '20000' },
    });
    const world = await World.create(t);
    officer = await world.user(await world.council('S12000018'), 'officer');
    workstreamId = (await workstream(t, officer, { title: 'Kill target' })).id;
    superuser = new Client({ connectionString: pg.superuserUrl });
    await superuser.connect();
  });
  afterAll(async () => {
    await superuser?.end();
    await t?.app.close();
    await pg?.destroy();
  });

  const update = (period: string) =>
    request(t.http)
      .post(`/api/v1/workstreams/${workstreamId}/status-updates`)
      .set(bearer(officer))
      .send({ rag: 'green', period })
      .timeout(30_000);

  it('answers 503, keeps nothing half-done, and the retried write succeeds', async () => {
    const holder = new Client({ connectionString: pg.superuserUrl });
    await holder.connect();
    const figures = { requests: 0, unavailable: 0, longestMs: 0, acknowledged: 0, found: 0 };
    try {
      for (const round of [1, 2, 3]) {
        const period = `Killed ${round}`;
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM workstreams WHERE id = $1 FOR UPDATE', [workstreamId]);
        const started = Date.now();
        const answer = update(period).then((r) => r);
        // The request's backend: it inserted its status update (it holds a lock on the table)
        // and waits for the workstream's row.
        let pid = 0;
        await until(
          async () => {
            const { rows } = await superuser.query<{ pid: number }>(
              `SELECT a.pid FROM pg_stat_activity a
                WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
                  AND a.pid <> pg_backend_pid()
                  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                                 AND l.relation = 'status_updates'::regclass
                                 AND l.mode = 'RowExclusiveLock')`,
            );
            pid = rows[0]?.pid ?? 0;
            return pid > 0;
          },
          10_000,
          'the status update waiting half-done',
        );
        await superuser.query('SELECT pg_terminate_backend($1)', [pid]);
        const res = await answer;
        const waited = Date.now() - started;
        await holder.query('ROLLBACK');
        figures.requests++;
        figures.longestMs = Math.max(figures.longestMs, waited);
        expect(res.status).toBe(503);
        figures.unavailable++;
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.headers['retry-after']).toBe('2');

        // Nothing of it: no status update, no audit event, the workstream's columns unchanged.
        let stored = await inspect(pg.superuserUrl, workstreamId);
        expect(stored.periods).not.toContain(period);
        const audited = await superuser.query(
          `SELECT 1 FROM audit_events WHERE entity_type = 'status_updates' AND after->>'period' = $1`,
          [period],
        );
        expect(audited.rowCount).toBe(0);
        expect(stored.broken).toEqual([]);

        // The same write, retried, succeeds (the pool has dropped the dead connection).
        const retried = await update(period);
        figures.requests++;
        expect(retried.status).toBe(201);
        figures.acknowledged++;
        stored = await inspect(pg.superuserUrl, workstreamId);
        expect(stored.periods.filter((p) => p === period)).toEqual([period]);
        figures.found++;
        const [ws] = (
          await superuser.query<{ period: string }>(
            `SELECT latest_status->>'period' AS period FROM workstreams WHERE id = $1`,
            [workstreamId],
          )
        ).rows;
        expect(ws.period).toBe(period);
        expect(stored.broken).toEqual([]);
      }
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    console.log('faults-kill', JSON.stringify(figures));
  });
});
