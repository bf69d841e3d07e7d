import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { ProbeModule } from './support/probe.module';
import { TestApp, createTestApp } from './support/test-app';

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
