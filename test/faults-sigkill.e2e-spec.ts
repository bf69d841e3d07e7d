/**
 * The service's process killed with SIGKILL during writes, then started again on the same
 * database (README, Configuration: DATABASE_URL). The service runs as `npm start` runs it,
 * src/main.ts in a Node process of its own (transpiled on load, test/support/fault-node.ts),
 * on this test's own PostgreSQL. No write is left half-done (each status update with its
 * audit event and the workstream's latest status agreeing; each workstream with its audit
 * event), every check and foreign key still validates, and every acknowledged write is stored.
 */
import { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FaultPostgres } from './support/fault-postgres';
import { FaultLoad, fetchSender, sleep, until } from './support/fault-load';
import { inspect } from './support/fault-invariants';
import { spawnTs } from './support/fault-node';
import { createTestApp } from './support/test-app';
import { TEST_SECRET } from './support/test-config';
import { World, workstream } from './support/world';

jest.setTimeout(300_000);

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('faults: the service killed with SIGKILL during writes', () => {
  let pg: FaultPostgres;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    pg = await FaultPostgres.start();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
    }
    await pg?.destroy();
  });

  /** `npm start`'s src/main.ts on the test's database, answering on `port` once ready. */
  const startService = async (port: number): Promise<ChildProcess> => {
    const started = spawnTs('src/main.ts', {
      DATABASE_URL: pg.database.ownerUrl,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'jwh-fault-service-')),
      JWT_SECRET: TEST_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      LOGIN_THROTTLE_IP_LIMIT: '10000',
    });
    started.stdout!.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20000)),
    );
    started.stderr!.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20000)),
    );
    await until(
      async () => {
        if (started.exitCode !== null) throw new Error(`the service exited: ${output}`);
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
      },
      120_000,
      'the service ready',
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${output.slice(-3000)}`);
    });
    return started;
  };

  it('leaves no write half-done and keeps every acknowledged write', async () => {
    // Councils, an officer and a workstream, made by an app in this process, then closed.
    const setup = await createTestApp({
      database: pg.database,
      env: { LOGIN_THROTTLE_IP_LIMIT: '10000' },
    });
    const world = await World.create(setup);
    const officer = await world.user(await world.council('S12000018'), 'officer');
    const { id: workstreamId } = await workstream(setup, officer, { title: 'SIGKILL target' });
    await setup.app.close();

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const kills: { acknowledged: number; inFlightFailed: number }[] = [];
    const loads: FaultLoad[] = [];
    for (const round of [1, 2, 3]) {
      child = await startService(port);
      const load = new FaultLoad(fetchSender(base, officer.accessToken), workstreamId, `K${round}`);
      loads.push(load);
      load.start(6);
      await sleep(1500 + round * 300);
      const killedAt = Date.now();
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));
      await sleep(300);
      await load.stop();
      kills.push({
        acknowledged: load.acknowledgedUpdates.length + load.acknowledgedWorkstreams.length,
        inFlightFailed: load.answers.filter((a) => a.status === 0).length,
      });
      // Before the kill every answer was a success; after it, no answer at all (status 0).
      expect(
        load.answers.filter(
          (a) => a.startedAt + a.ms < killedAt && (a.status < 200 || a.status >= 300),
        ),
      ).toEqual([]);
      expect(
        load.answers.filter((a) => a.status !== 0 && (a.status < 200 || a.status >= 300)),
      ).toEqual([]);
    }

    // Started again on the same database, it serves, and what it acknowledged is there.
    child = await startService(port);
    const after = new FaultLoad(fetchSender(base, officer.accessToken), workstreamId, 'after');
    for (let i = 0; i < 6; i++) expect([200, 201]).toContain((await after.one()).status);
    child.kill('SIGTERM');
    await new Promise((resolve) => child!.once('exit', resolve));

    // The killed process's sessions are gone (their transactions rolled back) before we look.
    await until(
      async () => {
        const stored = await inspect(pg.superuserUrl, workstreamId);
        return stored.broken.length === 0;
      },
      10_000,
      'the killed sessions rolled back',
    ).catch(() => undefined);
    const stored = await inspect(pg.superuserUrl, workstreamId);
    const acknowledgedUpdates = loads.flatMap((l) => l.acknowledgedUpdates);
    const acknowledgedWorkstreams = loads.flatMap((l) => l.acknowledgedWorkstreams);
    const figures = {
      kills: kills.length,
      requests: loads.reduce((n, l) => n + l.answers.length, 0),
      unanswered: kills.reduce((n, k) => n + k.inFlightFailed, 0),
      unavailable: loads.reduce((n, l) => n + l.summary().unavailable, 0),
      longestMs: Math.max(...loads.map((l) => l.summary().longestMs)),
      acknowledged: acknowledgedUpdates.length + acknowledgedWorkstreams.length,
      found:
        acknowledgedUpdates.filter((p) => stored.periods.includes(p)).length +
        acknowledgedWorkstreams.filter((id) => stored.workstreams.includes(id)).length,
    };
    console.log('faults-sigkill', JSON.stringify(figures));
    expect(figures.acknowledged).toBeGreaterThan(10);
    expect(acknowledgedUpdates.filter((p) => !stored.periods.includes(p))).toEqual([]);
    expect(acknowledgedWorkstreams.filter((id) => !stored.workstreams.includes(id))).toEqual([]);
    expect(stored.broken).toEqual([]);
  });
});
