import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ProbeModule } from './support/probe.module';
import { TestApp, createTestApp } from './support/test-app';
import { PASSWORD, SignedIn, World, bearer } from './support/world';

interface Trickled {
  /** Milliseconds from the first byte to the connection's close. */
  closedAfterMs: number;
  answer: string;
}

/**
 * Sends `head` and then `rest` one byte every `everyMs`, as a slow client would, until the
 * server closes the connection (or `giveUpMs` passes).
 */
function trickle(
  port: number,
  head: string,
  rest: string,
  everyMs: number,
  giveUpMs: number,
): Promise<Trickled> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => socket.destroy(), giveUpMs);
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ closedAfterMs: Date.now() - started, answer });
    });
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent < rest.length && !socket.destroyed) socket.write(rest[sent++]);
      }, everyMs);
    });
    socket.on('timeout', reject);
  });
}

describe('a request that arrives too slowly', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { REQUEST_TIMEOUT_MS: '1000' } });
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  it('is answered 408 problem+json and closed soon after REQUEST_TIMEOUT_MS when its body trickles', async () => {
    const body = JSON.stringify({ name: 'Inverclyde', rank: 2 });
    const { closedAfterMs, answer } = await trickle(
      port,
      'POST /api/v1/probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
        `Content-Length: ${body.length}\r\n\r\n`,
      body,
      300,
      10_000,
    );
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
  });

  it('is answered 408 and closed when its headers trickle', async () => {
    const { closedAfterMs, answer } = await trickle(
      port,
      'GET /health HTTP/1.1\r\n',
      `Host: x\r\nX-Slow: ${'a'.repeat(100)}\r\n\r\n`,
      300,
      10_000,
    );
    expect(closedAfterMs).toBeLessThan(3000);
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('answers that carry tokens or what a caller may read', () => {
  let world: World;
  let t: TestApp;
  let officer: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    officer = await world.user(await world.council('S12000018'), 'officer');
  });
  afterAll(() => t.close());

  it('marks sign-in and refresh answers no-store', async () => {
    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: officer.email, password: PASSWORD });
    expect(login.status).toBe(200);
    expect(login.headers['cache-control']).toBe('no-store');
    const refresh = await request(t.http)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.body.refreshToken });
    expect(refresh.status).toBe(200);
    expect(refresh.headers['cache-control']).toBe('no-store');
    const refused = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: officer.email, password: 'not the password' });
    expect(refused.headers['cache-control']).toBe('no-store');
  });

  it('marks every answer to an authenticated request no-store, errors included', async () => {
    for (const path of ['/api/v1/me', '/api/v1/workstreams', '/api/v1/councils/nowhere']) {
      const res = await request(t.http).get(path).set(bearer(officer));
      expect([path, res.headers['cache-control']]).toEqual([path, 'no-store']);
    }
    const forged = await request(t.http).get('/api/v1/me').set('Authorization', 'Bearer forged');
    expect(forged.status).toBe(401);
    expect(forged.headers['cache-control']).toBe('no-store');
  });

  it('leaves public answers alone, and a Cache-Control a route sets itself', async () => {
    expect((await request(t.http).get('/docs-json')).headers['cache-control']).toBeUndefined();
    const health = await request(t.http).get('/health').set(bearer(officer));
    expect(health.headers['cache-control']).toBe('no-cache, no-store, must-revalidate');
  });
});

describe('Swagger UI', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    '/docs',
    '/docs/',
    '/docs/swagger-ui.css',
    '/docs/swagger-ui-bundle.js',
    '/docs/swagger-ui-standalone-preset.js',
    '/docs/swagger-ui-init.js',
    '/docs/favicon-32x32.png',
    '/docs/favicon-16x16.png',
    '/docs-json',
  ])('serves %s', async (path) => {
    expect((await request(t.http).get(path)).status).toBe(200);
  });

  it.each([
    '/docs/package.json',
    '/docs/README.md',
    '/docs/LICENSE',
    '/docs/NOTICE',
    '/docs/swagger-ui-bundle.js.map',
    '/docs/swagger-ui.css.map',
    '/docs/swagger-ui-es-bundle.js',
    '/docs/absolute-path.js',
    '/docs/index.js',
    '/docs/log.bundle-sizes.swagger-ui.txt',
    '/docs/package%2Ejson',
    '/docs/./package.json',
    '/docs//package.json',
  ])('answers %s with 404 problem+json', async (path) => {
    const res = await request(t.http).get(path);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
  });
});
