import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { gracefulStop } from '../src/health/graceful-stop';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { World, call, workstream } from './support/world';

/**
 * Stopping a process behind a load balancer (README, Deploying): readiness turns 503 while
 * liveness stays 200 and requests are still served; then the process stops accepting, and the
 * request in flight finishes and commits before the database pools close.
 */
describe('graceful stop', () => {
  it('drains, refuses new connections, and lets the request in flight commit', async () => {
    const world = await World.start();
    const t = world.t;
    const council = await world.council('S12000018');
    const officer = await world.user(council, 'officer');
    const ws = await workstream(t, officer, { title: 'Shared roads service' });
    await t.app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    const status = (path: string) =>
      fetch(`${base}${path}`, { headers: { connection: 'close' } }).then((r) => r.status);
    expect(await status('/health/ready')).toBe(200);
    expect(await status('/health/live')).toBe(200);

    // A request that will be in flight: its UPDATE waits for a lock another session holds.
    const locker = new Client({ connectionString: t.db.appUrl });
    await locker.connect();
    await beginAs(locker, PLATFORM_ADMIN_SETTINGS);
    const locked = await locker.query('SELECT 1 FROM workstreams WHERE id = $1 FOR UPDATE', [
      ws.id,
    ]);
    expect(locked.rowCount).toBe(1);
    const inFlight = fetch(`${base}/api/v1/workstreams/${ws.id}`, {
      method: 'PATCH',
      headers: {
        authorization: `Bearer ${officer.accessToken}`,
        'content-type': 'application/json',
        connection: 'close',
      },
      body: JSON.stringify({ title: 'Shared roads and lighting service', version: ws.version }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const lines: string[] = [];
    const stopped = gracefulStop(t.app, { drainMs: 1500, timeoutMs: 15000 }, (l) => lines.push(l));
    // Draining: not ready, still alive, still serving.
    expect(await status('/health/ready').catch((e: Error) => `ready: ${String(e.cause)}`)).toBe(
      503,
    );
    expect(await status('/health/live')).toBe(200);
    const served = await call(t, officer, 'get', `/workstreams/${ws.id}`);
    expect(served.status).toBe(200);

    // After the drain: no new connection, while the request in flight still waits.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();

    await locker.query('COMMIT');
    await locker.end();
    const answered = await inFlight.catch((e: Error) => {
      throw new Error(`in flight: ${String(e.cause)}`);
    });
    expect(answered.status).toBe(200);
    expect(await stopped).toBe(true);
    expect(lines.join('\n')).toMatch(/Draining/);

    const [stored] = await queryAs<{ title: string; version: number }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT title, version FROM workstreams WHERE id = $1`,
      [ws.id],
    );
    expect(stored).toEqual({ title: 'Shared roads and lighting service', version: ws.version + 1 });
    await t.db.drop();
  }, 60_000);
});
