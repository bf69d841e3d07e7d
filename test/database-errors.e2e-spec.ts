import request from 'supertest';
import { ProbeModule } from './support/probe.module';
import { TestApp, createTestApp } from './support/test-app';

const PROBLEM = /application\/problem\+json/;

// The only app of this file: nestjs-pino keeps the first app's log destination for the
// lines written outside a request's context (as the problem filter's are), per test file.
describe('errors from the database', () => {
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({
      imports: [ProbeModule],
      env: { LOG_LEVEL: 'info' },
      logDestination: { write: (line: string) => void lines.push(line) },
    });
  });
  afterAll(() => t.close());

  it.each([
    ['date', '2025-02-30', '22008'],
    ['timestamptz', '2025-01-01T00:00:00+16:00', '22009'],
    ['timestamptz', 'not a time', '22007'],
    ['int', '99999999999', '22003'],
    ['utf8', 'ff', '22021'],
    ['utf8', 'zz', '22023'],
    ['divide', '0', '22012'],
    ['uuid', 'not-a-uuid', '22P02'],
  ])(
    'answers a %s PostgreSQL refuses (%s) with 400 problem+json that echoes no SQL (%s)',
    async (type, value) => {
      const res = await request(t.http).get('/api/v1/probe/cast').query({ type, value });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400 });
      expect(res.body.detail).not.toMatch(/SELECT|\$1|::|invalid input|out of range:/);
      expect(res.body.detail).not.toContain(value);
    },
  );

  it('logs a 500 with its SQLSTATE, table and statement, never the query text or its values', async () => {
    const secret = 'a-value-only-the-query-holds-7f3a';
    const res = await request(t.http).get('/api/v1/probe/fail').query({ secret });
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    const requestId = String(res.headers['x-request-id']);
    const logged = lines.filter((line) => line.includes(requestId));
    const error = logged
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((entry) => entry.level === 50 && entry.sqlState);
    expect(error).toMatchObject({ sqlState: '42P01', statement: 'SELECT no_such_table' });
    expect(logged.join('\n')).not.toContain(secret);
    expect(logged.join('\n')).not.toMatch(/WHERE name|\$1/);
  });
});
