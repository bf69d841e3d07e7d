import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { withClient } from '../src/database/database-urls';
import { TestApp, createTestApp } from './support/test-app';
import { TestDatabase, createTestDatabase } from './support/test-database';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Hit {
  total_hits: number;
  expires_in: number;
  is_blocked: boolean;
  block_expires_in: number;
}

describe('login throttling counts live in PostgreSQL', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;

  /** Runs SQL as the owner role (the application role may not read the table). */
  const asOwner = <T>(sql: string, params: unknown[] = []) =>
    withClient(db.ownerUrl, async (client) => (await client.query(sql, params)).rows as T[]);
  /** One hit, as the sign-in role calls it. */
  const hit = (key: string, limit: number, ttlMs: number, blockMs: number) =>
    withClient(db.authUrl, async (client) => {
      const res = await client.query<Hit>('SELECT * FROM login_throttle_hit($1, $2, $3, $4, $5)', [
        sha256(key),
        'test',
        limit,
        ttlMs,
        blockMs,
      ]);
      return res.rows[0];
    });

  beforeAll(async () => {
    // Two processes of the service behind one load balancer, on one database.
    db = await createTestDatabase();
    a = await createTestApp({ database: db });
    b = await createTestApp({ database: db });
  });
  afterAll(async () => {
    await b.app.close();
    await a.close();
  });

  const login = (app: TestApp, email: string) =>
    request(app.http).post('/api/v1/auth/login').send({ email, password: 'wrong-password-here' });

  it('shares the count between app instances: the 11th failure answers 429 on either', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await login(i % 2 ? b : a, 'Shared.Target@x.test')).status);
    // Each instance has seen five failures, the service ten: both are within the limit.
    expect(statuses).toEqual(new Array(10).fill(401));

    const blocked = await login(b, 'shared.target@x.test');
    expect(blocked.status).toBe(429);
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await login(a, 'shared.target@x.test')).status).toBe(429);
    // Another account is counted on its own.
    expect((await login(a, 'someone.else@x.test')).status).toBe(401);
  });

  it('stores hashed keys only, out of the application role’s reach', async () => {
    const rows = await asOwner<{
      key: string;
      throttler: string;
      hits: number;
      blocked: boolean;
      row: string;
    }>(
      `SELECT key, throttler, hits, coalesce(blocked_until > now(), false) AS blocked, row_to_json(t)::text AS row
         FROM login_throttle t ORDER BY throttler, hits`,
    );
    // Per account (limit 50), per address (1000) and per (account, address) pair (10).
    expect(rows.map((r) => [r.throttler, r.hits, r.blocked])).toEqual([
      ['sign_in_account', 1, false],
      ['sign_in_account', 12, false],
      ['sign_in_address', 13, false],
      ['sign_in_pair', 1, false],
      ['sign_in_pair', 12, true],
    ]);
    for (const row of rows) {
      expect(row.key).toMatch(/^[0-9a-f]{64}$/);
      expect(row.row.toLowerCase()).not.toMatch(/shared\.target|someone\.else|@|127\.0\.0\.1/);
    }
    await expect(
      withClient(db.appUrl, (client) => client.query('SELECT * FROM login_throttle')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withClient(db.appUrl, (client) => client.query('SELECT login_throttle_sweep()')),
    ).rejects.toThrow(/permission denied/);
    await expect(
      withClient(db.authUrl, (client) => client.query('SELECT * FROM login_throttle')),
    ).rejects.toThrow(/permission denied/);
  });

  it('blocks past the limit until the block ends, then starts afresh', async () => {
    expect(await hit('block', 2, 60_000, 300)).toMatchObject({ total_hits: 1, is_blocked: false });
    expect(await hit('block', 2, 60_000, 300)).toMatchObject({ total_hits: 2, is_blocked: false });
    expect(await hit('block', 2, 60_000, 300)).toEqual({
      total_hits: 3,
      expires_in: 60,
      is_blocked: true,
      block_expires_in: 1,
    });
    await sleep(400);
    expect(await hit('block', 2, 60_000, 300)).toMatchObject({ total_hits: 1, is_blocked: false });
  });

  it('starts a new window when the last one has ended', async () => {
    await hit('window', 5, 300, 300);
    expect(await hit('window', 5, 300, 300)).toMatchObject({ total_hits: 2 });
    await sleep(400);
    expect(await hit('window', 5, 300, 300)).toMatchObject({ total_hits: 1, is_blocked: false });
  });

  it('counts parallel hits exactly once each (one atomic upsert)', async () => {
    const pool = new Pool({ connectionString: db.authUrl, max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, () =>
          pool
            .query<Hit>('SELECT * FROM login_throttle_hit($1, $2, 100, 60000, 60000)', [
              sha256('parallel'),
              'test',
            ])
            .then((res) => res.rows[0].total_hits),
        ),
      );
      expect(results.sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    } finally {
      await pool.end();
    }
  });

  it('sweeps rows whose window and block have both ended', async () => {
    await asOwner(
      `INSERT INTO login_throttle (key, throttler, hits, window_ends_at, blocked_until) VALUES
         ($1, 'test', 3, now() - interval '1 minute', NULL),
         ($2, 'test', 11, now() - interval '1 minute', now() - interval '1 second'),
         ($3, 'test', 11, now() - interval '1 minute', now() + interval '1 minute')`,
      [sha256('ended'), sha256('block ended'), sha256('still blocked')],
    );
    const [{ swept }] = await asOwner<{ swept: number }>('SELECT login_throttle_sweep() AS swept');
    expect(swept).toBeGreaterThanOrEqual(2);
    const left = await asOwner<{ key: string }>(
      'SELECT key FROM login_throttle WHERE key = ANY($1)',
      [[sha256('ended'), sha256('block ended'), sha256('still blocked')]],
    );
    expect(left).toEqual([{ key: sha256('still blocked') }]);
  });
});

describe('login throttling per client address', () => {
  const attempts = async (t: TestApp, forwardedFor: (i: number) => string, n: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < n; i++) {
      const res = await request(t.http)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', forwardedFor(i))
        .send({ email: `someone.${i}@x.test`, password: 'wrong-password-here' });
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    return statuses;
  };

  it('counts a client by its connection, whatever X-Forwarded-For it sends, and answers 429 past the limit', async () => {
    const t = await createTestApp({ env: { LOGIN_THROTTLE_IP_LIMIT: '3' } });
    try {
      // Every attempt names another account and claims another address: the limit still holds.
      expect(await attempts(t, (i) => `203.0.113.${i}`, 5)).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await t.close();
    }
  });

  it('believes X-Forwarded-For from the proxies TRUST_PROXY names', async () => {
    const t = await createTestApp({
      env: { LOGIN_THROTTLE_IP_LIMIT: '3', TRUST_PROXY: 'loopback' },
    });
    try {
      // Behind a trusted proxy, each client address has a count of its own.
      expect(await attempts(t, (i) => `203.0.113.${i}`, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(await attempts(t, () => '198.51.100.7', 4)).toEqual([401, 401, 401, 429]);
    } finally {
      await t.close();
    }
  });
});
