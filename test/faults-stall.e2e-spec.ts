/**
 * The database stalled, then blackholed, under a mixed load (README, Configuration:
 * DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_POOL_WAIT_MS). The app reaches its database through
 * test/support/tcp-proxy.ts, which holds every byte (stall) or swallows them (blackhole):
 * requests answer 503 problem+json within the configured timeouts and none hangs; when the
 * bytes flow again the service serves by itself, and every acknowledged write is stored.
 */
import request from 'supertest';
import { FaultPostgres } from './support/fault-postgres';
import { FaultLoad, sleep, supertestSender, until } from './support/fault-load';
import { inspect } from './support/fault-invariants';
import { TcpProxy } from './support/tcp-proxy';
import { TestApp, createTestApp } from './support/test-app';
import { World, workstream } from './support/world';

jest.setTimeout(180_000);

describe('faults: the database stalled or blackholed', () => {
  let pg: FaultPostgres;
  let proxy: TcpProxy;
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    pg = await FaultPostgres.start();
    proxy = new TcpProxy('127.0.0.1', pg.port);
    await proxy.start();
    // Both service roles through the proxy: the requests' pool and the sign-in pool.
    t = await createTestApp({
      database: { ...pg.database, authUrl: proxy.urlFor(pg.database.authUrl) },
      appUrl: (db) => proxy.urlFor(db.appUrl),
      env: {
        LOGIN_THROTTLE_IP_LIMIT: '10000',
        DATABASE_STATEMENT_TIMEOUT_MS: '1000',
        DATABASE_POOL_WAIT_MS: '1000',
        DATABASE_LOCK_TIMEOUT_MS: '500',
      },
    });
    world = await World.create(t);
  });
  afterAll(async () => {
    proxy?.flow();
    await t?.app.close();
    await proxy?.stop();
    await pg?.destroy();
  });

  for (const fault of ['stall', 'blackhole'] as const) {
    it(`answers 503 within the timeouts while the database is ${fault}ed, and recovers when it flows`, async () => {
      const council = await world.council(fault === 'stall' ? 'S12000018' : 'S12000049');
      const officer = await world.user(council, 'officer');
      const { id: workstreamId } = await workstream(t, officer, { title: `${fault} target` });
      const load = new FaultLoad(supertestSender(t.http, officer.accessToken), workstreamId, fault);

      load.start(4);
      await sleep(1000);
      const faultAt = Date.now();
      proxy[fault]();
      await sleep(1500);
      const healthStarted = Date.now();
      const health = await request(t.http).get('/health').timeout(15_000);
      const ready = await request(t.http).get('/health/ready').timeout(15_000);
      const healthMs = Date.now() - healthStarted;
      await sleep(3000);
      const flowAt = Date.now();
      proxy.flow();
      const recoveredIn = await until(
        async () => (await load.one('read')).status === 200,
        20_000,
        'the service serving again',
      );
      await sleep(1500);
      await load.stop();

      const during = load.answers.filter(
        (a) => a.startedAt >= faultAt + 100 && a.startedAt + a.ms < flowAt,
      );
      const summary = {
        ...load.summary(),
        faultMs: flowAt - faultAt,
        answeredDuring: during.length,
        unavailableDuring: during.filter((a) => a.status === 503).length,
        longestDuringMs: Math.max(0, ...during.map((a) => a.ms)),
        healthMs,
        recoveredInMs: recoveredIn,
      };
      console.log(`faults-${fault}`, JSON.stringify(summary));

      expect(health.status).toBe(503);
      expect(ready.status).toBe(503);
      // Each request answered, a success or a 503 problem with Retry-After; none hung.
      const odd = load.answers.filter(
        (a) =>
          !(a.status >= 200 && a.status < 300) &&
          !(a.status === 503 && a.problem && a.retryAfter === '2'),
      );
      expect(odd).toEqual([]);
      // A statement's wait (1 s, 2 s on the wire) and its rollback's: a few seconds at most.
      expect(summary.longestMs).toBeLessThan(8_000);
      expect(during.length).toBeGreaterThan(4);
      expect(summary.unavailableDuring).toBeGreaterThan(2);
      const afterwards = load.answers.filter((a) => a.startedAt > flowAt + recoveredIn + 500);
      expect(afterwards.length).toBeGreaterThan(4);
      expect(afterwards.filter((a) => a.status < 200 || a.status >= 300)).toEqual([]);

      const stored = await inspect(pg.superuserUrl, workstreamId);
      expect(load.acknowledgedUpdates.length).toBeGreaterThan(0);
      expect(load.acknowledgedUpdates.filter((p) => !stored.periods.includes(p))).toEqual([]);
      expect(load.acknowledgedWorkstreams.filter((id) => !stored.workstreams.includes(id))).toEqual(
        [],
      );
      expect(stored.broken).toEqual([]);
    });
  }
});
