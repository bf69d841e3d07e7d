/**
 * PostgreSQL restarted under a mixed load of reads and writes (README, Configuration: the
 * database busy or away answers 503 problem+json with Retry-After). While it is down every
 * request answers 503 within a few seconds, /health and /health/ready say 503; once it is
 * back the service serves again by itself, and every write it acknowledged is stored.
 * The server is one of this test's own (test/support/fault-postgres.ts), never the shared one.
 */
import request from 'supertest';
import { FaultPostgres } from './support/fault-postgres';
import { FaultLoad, sleep, supertestSender, until } from './support/fault-load';
import { inspect } from './support/fault-invariants';
import { TestApp, createTestApp } from './support/test-app';
import { World, workstream } from './support/world';

jest.setTimeout(180_000);

describe('faults: PostgreSQL restarted during a mixed load', () => {
  let pg: FaultPostgres;
  let t: TestApp;

  beforeAll(async () => {
    pg = await FaultPostgres.start();
    t = await createTestApp({
      database: pg.database,
      env: {
        LOGIN_THROTTLE_IP_LIMIT: '10000',
        DATABASE_POOL_WAIT_MS: '2000',
        DATABASE_STATEMENT_TIMEOUT_MS: '3000',
      },
    });
  });
  afterAll(async () => {
    await t?.app.close();
    await pg?.destroy();
  });

  it('answers 503 while it is down, recovers by itself, and keeps every acknowledged write', async () => {
    const world = await World.create(t);
    const council = await world.council('S12000018');
    const officer = await world.user(council, 'officer');
    const { id: workstreamId } = await workstream(t, officer, { title: 'Restart target' });
    const load = new FaultLoad(supertestSender(t.http, officer.accessToken), workstreamId, 'R');

    load.start(4);
    await sleep(1500);
    const downAt = Date.now();
    await pg.stop();
    const stoppedAt = Date.now();
    await sleep(1000);
    // Down: the health checks say so, and the load's requests answer 503.
    const health = await request(t.http).get('/health').timeout(10_000);
    const ready = await request(t.http).get('/health/ready').timeout(10_000);
    expect(health.status).toBe(503);
    expect(ready.status).toBe(503);
    expect(health.headers['content-type']).toMatch(/application\/problem\+json/);
    await sleep(2500);
    const upAt = Date.now();
    await pg.startAgain();
    const recoveredIn = await until(
      async () =>
        (await request(t.http).get('/health/ready').timeout(10_000)).status === 200 &&
        (await load.one('read')).status === 200,
      20_000,
      'the service serving again',
    );
    await sleep(1500);
    await load.stop();

    const whileDown = load.answers.filter(
      (a) => a.startedAt >= stoppedAt + 200 && a.startedAt + a.ms < upAt,
    );
    const summary = {
      ...load.summary(),
      downMs: upAt - downAt,
      answeredWhileDown: whileDown.length,
      recoveredInMs: recoveredIn,
    };
    console.log('faults-restart', JSON.stringify(summary));
    const at = (ms: number) => ms - downAt;
    console.log(
      'timeline',
      JSON.stringify({ stopped: at(stoppedAt), up: at(upAt) }),
      load.answers
        .filter((a) => a.status !== 503 && (a.status < 200 || a.status >= 300))
        .map((a) => `${a.kind} ${a.status} at ${at(a.startedAt)} took ${a.ms} ${a.detail}`),
    );

    // Every answer is a success or a 503 problem with Retry-After; none hung.
    const odd = load.answers.filter(
      (a) =>
        !(a.status >= 200 && a.status < 300) &&
        !(a.status === 503 && a.problem && a.retryAfter === '2'),
    );
    expect(odd).toEqual([]);
    expect(summary.longestMs).toBeLessThan(10_000);
    // While it was down, requests were answered, each 503.
    expect(whileDown.length).toBeGreaterThan(4);
    expect(whileDown.filter((a) => a.status !== 503)).toEqual([]);
    // Once it served again, every request succeeded.
    const servedAgainAt = upAt + recoveredIn;
    const after = load.answers.filter((a) => a.startedAt > servedAgainAt + 500);
    expect(after.length).toBeGreaterThan(4);
    expect(after.filter((a) => a.status < 200 || a.status >= 300)).toEqual([]);
    expect((await request(t.http).get('/health')).status).toBe(200);

    // Every acknowledged write is stored, and nothing is half-done.
    const stored = await inspect(pg.superuserUrl, workstreamId);
    expect(load.acknowledgedUpdates.length).toBeGreaterThan(0);
    expect(load.acknowledgedWorkstreams.length).toBeGreaterThan(0);
    expect(load.acknowledgedUpdates.filter((p) => !stored.periods.includes(p))).toEqual([]);
    expect(load.acknowledgedWorkstreams.filter((id) => !stored.workstreams.includes(id))).toEqual(
      [],
    );
    expect(stored.broken).toEqual([]);
  });
});
