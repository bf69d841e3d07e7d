import { Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { ProbeModule } from './support/probe.module';
import { TestApp, createTestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;
const REQUEST_ID = /^[0-9a-f-]{36}$/;
/** The headers helmet sets on every answer; the answers below must carry the same. */
const SECURITY_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `text` on a new connection and reads the answer until the server closes it. */
function raw(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...body] = received.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(
        lines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: body.join('\r\n\r\n') });
    });
    socket.write(text);
  });
}

/**
 * Errors the web framework raises before a route runs answer like every other error:
 * problem+json, the security headers, and an X-Request-Id.
 */
describe('errors raised by the web framework', () => {
  let t: TestApp;
  let port: number;
  let secured: Record<string, string>;

  const expectLikeEveryError = (
    res: { status: number; headers: Record<string, string | string[] | undefined> },
    status: number,
  ) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['x-request-id']).toMatch(REQUEST_ID);
    for (const header of SECURITY_HEADERS) {
      expect([header, res.headers[header]]).toEqual([header, secured[header]]);
    }
  };

  beforeAll(async () => {
    t = await createTestApp({ imports: [ProbeModule], env: { BODY_LIMIT_BYTES: '2048' } });
    await new Promise<void>((resolve) => t.http.listen(0, '127.0.0.1', resolve));
    port = (t.http.address() as AddressInfo).port;
    const normal = await request(t.http).get('/api/v1/no-such-thing');
    secured = Object.fromEntries(
      SECURITY_HEADERS.map((header) => [header, String(normal.headers[header])]),
    );
    expect(Object.values(secured)).not.toContain('undefined');
  });
  afterAll(() => t.close());

  it('answers a bad percent-encoding in the path with 400', async () => {
    const res = await request(t.http).get('/api/v1/councils/%E0%A4%A');
    expectLikeEveryError(res, 400);
    expect(res.body).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('answers a path segment over the limit with 414', async () => {
    const res = await request(t.http).get(`/api/v1/councils/${'a'.repeat(5000)}`);
    expectLikeEveryError(res, 414);
    expect(res.body).toMatchObject({ status: 414, title: 'URI Too Long' });
  });

  it('answers a URL over the limit with 414', async () => {
    const res = await request(t.http).get(`/api/v1/workstreams?q=${'a'.repeat(9000)}`);
    expectLikeEveryError(res, 414);
  });

  it('answers headers over the limit with 431', async () => {
    const res = await raw(
      port,
      `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`,
    );
    expectLikeEveryError(res, 431);
    expect(JSON.parse(res.body)).toMatchObject({ status: 431 });
  });

  it('answers a request the HTTP parser cannot read with 400', async () => {
    const res = await raw(port, 'NOT HTTP AT ALL\r\n\r\n');
    expectLikeEveryError(res, 400);
    expect(JSON.parse(res.body)).toMatchObject({ status: 400, title: 'Bad Request' });
  });

  it('answers a body over the limit with 413', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .send({ name: 'x'.repeat(5000), rank: 1 });
    expectLikeEveryError(res, 413);
  });

  it('answers malformed JSON with 400', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .set('content-type', 'application/json')
      .send('{"name": ');
    expectLikeEveryError(res, 400);
  });

  it('answers an unknown route with 404', async () => {
    expectLikeEveryError(await request(t.http).get('/api/v1/nowhere'), 404);
  });

  it.each([
    ['text/plain', 'name=Inverclyde'],
    ['application/x-www-form-urlencoded', 'name=Inverclyde&rank=2'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="name"\r\n\r\nI\r\n--x--\r\n',
    ],
    ['application/xml', '<name>Inverclyde</name>'],
  ])('answers a %s body with 415', async (type, body) => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .set('content-type', type)
      .send(body);
    expectLikeEveryError(res, 415);
  });

  it('still takes JSON with a charset', async () => {
    const res = await request(t.http)
      .post('/api/v1/probe/echo')
      .set('content-type', 'application/json; charset=utf-8')
      .send('{"name":"Inverclyde","rank":2}');
    expect(res.status).toBe(201);
  });
});
