import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProbeModule } from './support/probe.module';
import { TcpProxy } from './support/tcp-proxy';
import { TestApp, createTestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

const PROBLEM = /application\/problem\+json/;

describe('the service foundation', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { BODY_LIMIT_BYTES: '2048', DATABASE_POOL_SIZE: '1' },
    });
  });
  afterAll(() => t.close());

  it('answers / and /api/v1, without signing in, with links to the docs, the OpenAPI document and health', async () => {
    for (const path of ['/', '/api/v1']) {
      const res = await request(t.http).get(path);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.body.links).toMatchObject({
        docs: '/docs',
        openapi: '/docs-json',
        health: '/health',
      });
      for (const link of [
        res.body.links.docs,
        res.body.links.openapi,
        res.body.links.health,
      ] as string[]) {
        expect([link, (await request(t.http).get(link)).status]).toEqual([link, 200]);
      }
    }
  });

  it('answers an unknown route with 404 problem+json', async () => {
    const res = await request(t.http).get('/api/v1/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      instance: '/api/v1/no-such-thing',
    });
  });

  it('answers a malformed JSON body with 400 problem+json, not 500', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .set('content-type', 'application/json')
      .send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.detail).toMatch(/JSON/);
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .send({ name: 'x'.repeat(5000), rank: 1 });
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('answers an unsupported media type with 415 problem+json', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .set('content-type', 'text/xml')
      .send('<a/>');
    expect(res.status).toBe(415);
    expect(res.headers['content-type']).toMatch(PROBLEM);
  });

  it('names every field at fault in a 400, and refuses unknown fields', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .send({ name: '', rank: 9, colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field).sort();
    expect(fields).toEqual(['colour', 'name', 'rank']);
  });

  it('accepts a valid body', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .send({ name: 'Inverclyde', rank: 2 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ name: 'Inverclyde', rank: 2 });
  });

  it('echoes a given X-Request-Id and makes one otherwise', async () => {
    const given = await request(t.http).get('/health').set('X-Request-Id', 'abc-123');
    expect(given.headers['x-request-id']).toBe('abc-123');
    const made = await request(t.http).get('/health').set('X-Request-Id', 'bad id with spaces');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the OpenAPI document with bearer auth declared, and Swagger UI', async () => {
    const doc = await request(t.http).get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const ui = await request(t.http).get('/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toMatch(/swagger/i);
  });

  it('sets app.* inside a request transaction and leaves nothing on the pooled connection after it', async () => {
    const inside = await request(t.http)
      .get('/api/v1/probe/settings')
      .set('X-Request-Id', 'req-42');
    expect(inside.status).toBe(200);
    expect(inside.body.requestId).toBe('req-42');
    const dataSource = t.app.get(DataSource);
    const [after] = await dataSource.query(
      `SELECT current_setting('app.request_id', true) AS "requestId", pg_backend_pid()::text AS pid`,
    );
    expect(after.pid).toBe(inside.body.pid);
    expect(after.requestId ?? '').toBe('');
  });
});

describe('/health', () => {
  let t: TestApp;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const database = await createTestDatabase();
    const url = new URL(database.appUrl);
    proxy = new TcpProxy(url.hostname, Number(url.port));
    await proxy.start();
    t = await createTestApp({ database, appUrl: (db) => proxy.urlFor(db.appUrl) });
  });
  afterAll(async () => {
    await proxy.start().catch(() => undefined);
    await t.close();
    await proxy.stop();
  });

  it('answers 200 with the database up', async () => {
    const res = await request(t.http).get('/health');
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('answers 503 problem+json within about 2 s when the database goes away, and 200 again when it is back', async () => {
    await proxy.stop();
    const started = Date.now();
    const down = await request(t.http).get('/health');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(down.status).toBe(503);
    expect(down.headers['content-type']).toMatch(PROBLEM);

    await proxy.start();
    let status = 0;
    for (let attempt = 0; attempt < 20 && status !== 200; attempt++) {
      status = (await request(t.http).get('/health')).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(200);
  });
});
