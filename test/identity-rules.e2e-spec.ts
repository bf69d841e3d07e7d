/**
 * The identity rules of issue 4, one test per rule: what the API answers, and what is (or is
 * not) stored afterwards, read through the application role as a platform admin or, where the
 * application role may not read (password hashes, one-time codes, the catalogue), as the owner.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { withClient } from '../src/database/database-urls';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { PASSWORD, SignedIn, World, bearer, call } from './support/world';

const INVERCLYDE = 'S12000018';
const BANES = 'E06000022';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('identity rules', () => {
  let t: TestApp;
  let world: World;
  let councilA: string;
  let councilB: string;
  let adminA: SignedIn;
  let officerA: SignedIn;
  let adminB: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    councilA = await world.council(INVERCLYDE);
    councilB = await world.council(BANES);
    adminA = await world.user(councilA, 'council_admin');
    officerA = await world.user(councilA, 'officer');
    adminB = await world.user(councilB, 'council_admin');
  });
  afterAll(() => t.close());

  /** What is stored, as a platform admin through the application role (RLS applies). */
  const stored = <T>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  /** As the owner: what the application role may not read at all. */
  const asOwner = <T>(sql: string, params: unknown[] = []) =>
    withClient(t.db.ownerUrl, async (client) => (await client.query(sql, params)).rows as T[]);
  const count = async (sql: string, params: unknown[] = []) =>
    Number((await stored<{ n: string }>(sql, params))[0].n);
  const fields = (res: request.Response) =>
    (res.body.errors as { field: string }[]).map((e) => e.field);
  const expectProblem = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, type: expect.any(String), title: expect.any(String) });
  };

  const outbox = () => join(t.config.dataDir, 'outbox');
  const lastMail = () => {
    const files = readdirSync(outbox()).sort();
    return readFileSync(join(outbox(), files[files.length - 1]), 'utf8');
  };
  const codeIn = (mail: string) => {
    const match = /\n\n([A-Za-z0-9_-]{43})\n/.exec(mail.replace(/=\r?\n/g, ''));
    if (!match) throw new Error(`no code in mail:\n${mail}`);
    return match[1];
  };
  /** A user invited by council A's admin, and the code mailed to them. */
  const invite = async (email: string) => {
    const res = await call(t, adminA, 'post', '/users', { email, name: 'Invited', role: 'viewer' });
    expect(res.status).toBe(201);
    const mail = lastMail();
    expect(mail).toContain(`To: ${email}`);
    return { id: res.body.id as string, code: codeIn(mail) };
  };

  it('refuses a council admin making a user of their council a platform admin, with 403', async () => {
    const res = await call(t, adminA, 'patch', `/users/${officerA.id}`, {
      role: 'platform_admin',
      version: 1,
    });
    expectProblem(res, 403);
    const [row] = await stored<{ role: string; version: number }>(
      'SELECT role, version FROM users WHERE id = $1',
      [officerA.id],
    );
    expect(row).toEqual({ role: 'officer', version: 1 });
  });

  it('refuses an access token with a wrong issuer or a wrong audience, with 401', async () => {
    const { iat: _iat, ...claims } = jwt.decode(officerA.accessToken) as jwt.JwtPayload;
    const sign = (changes: jwt.JwtPayload) =>
      jwt.sign({ ...claims, ...changes }, t.config.jwtSecret, { algorithm: 'HS256' });
    const me = (token: string) =>
      request(t.http)
        .get('/api/v1/me')
        .set({ Authorization: `Bearer ${token}` });
    // The same claims re-signed with the right key pass: only the changed claim is at fault.
    expect((await me(sign({}))).status).toBe(200);
    for (const token of [
      sign({ iss: 'someone-else' }),
      sign({ aud: 'another-api' }),
      sign({ iss: undefined }),
      sign({ aud: undefined }),
    ]) {
      const res = await me(token);
      expectProblem(res, 401);
    }
  });

  it('refuses an email that differs from an existing one only in case, with 409, storing nothing', async () => {
    await call(
      t,
      adminA,
      'post',
      '/users',
      { email: 'Jo.Case@Inverclyde.test', name: 'Jo', role: 'viewer' },
      201,
    );
    const users = await count('SELECT count(*) AS n FROM users');
    const events = await count('SELECT count(*) AS n FROM audit_events');
    const mails = readdirSync(outbox()).length;
    const tokenCount = async () =>
      Number((await asOwner<{ n: string }>('SELECT count(*) AS n FROM user_tokens'))[0].n);
    const tokens = await tokenCount();
    const res = await call(t, adminA, 'post', '/users', {
      email: 'jo.case@INVERCLYDE.TEST',
      name: 'Jo again',
      role: 'viewer',
    });
    expectProblem(res, 409);
    expect(await count('SELECT count(*) AS n FROM users')).toBe(users);
    expect(await count('SELECT count(*) AS n FROM audit_events')).toBe(events);
    expect(readdirSync(outbox())).toHaveLength(mails);
    expect(await tokenCount()).toBe(tokens);
  });

  it('refuses onboarding with an invalid GSS code, with 400 naming gssCode', async () => {
    const councils = await count('SELECT count(*) AS n FROM councils');
    const invalid = await call(t, world.admin, 'post', '/councils', { gssCode: 'X1234' });
    expectProblem(invalid, 400);
    expect(fields(invalid)).toEqual(['gssCode']);
    expect(await count('SELECT count(*) AS n FROM councils')).toBe(councils);
  });

  it('refuses onboarding a council twice, by either code, with 409', async () => {
    const councils = await count('SELECT count(*) AS n FROM councils');
    const twice = await call(t, world.admin, 'post', '/councils', { gssCode: INVERCLYDE });
    expectProblem(twice, 409);
    const twiceByRegister = await call(t, world.admin, 'post', '/councils', {
      registerCode: 'IVC',
    });
    expectProblem(twiceByRegister, 409);
    expect(await count('SELECT count(*) AS n FROM councils')).toBe(councils);
  });

  it("onboards a council by registerCode with the register's name, type, nation and region", async () => {
    // migrations/data/uk_local_authorities.csv: LDS,Leeds City Council,Leeds,E08000035,…,
    // England,Yorkshire and The Humber,MD,Metropolitan district,…
    const leeds = await call(t, world.admin, 'post', '/councils', { registerCode: 'LDS' }, 201);
    expect(leeds.headers.location).toBe(`/api/v1/councils/${leeds.body.id}`);
    expect(leeds.body).toMatchObject({
      name: 'Leeds City Council',
      slug: 'leeds-city-council',
      gssCode: 'E08000035',
      registerCode: 'LDS',
      type: 'Metropolitan district',
      nation: 'England',
      region: 'Yorkshire and The Humber',
      status: 'active',
    });
    const [row] = await stored(
      `SELECT c.name, c.gss_code, c.type, c.nation, p.register_code, p.region
         FROM councils c JOIN council_profiles p ON p.council_id = c.id WHERE c.id = $1`,
      [leeds.body.id],
    );
    expect(row).toEqual({
      name: 'Leeds City Council',
      gss_code: 'E08000035',
      type: 'Metropolitan district',
      nation: 'England',
      register_code: 'LDS',
      region: 'Yorkshire and The Humber',
    });
  });

  it("refuses a council admin changing their council's type or register code, with 400, changing nothing", async () => {
    const before = (await call(t, adminA, 'get', `/councils/${councilA}`, undefined, 200)).body;
    for (const field of ['type', 'registerCode']) {
      const res = await call(t, adminA, 'patch', `/councils/${councilA}`, {
        [field]: field === 'type' ? 'Metropolitan district' : 'GLG',
        version: before.version as number,
      });
      expectProblem(res, 400);
      expect(fields(res)).toEqual([field]);
    }
    const after = await call(t, adminA, 'get', `/councils/${councilA}`, undefined, 200);
    expect(after.body).toEqual(before);
  });

  it('lets only a platform admin rename a council in the directory (a council admin: 403), audited', async () => {
    const before = (await call(t, adminB, 'get', `/councils/${councilB}`, undefined, 200)).body;
    const rename = (who: SignedIn, name: string, version: number) =>
      call(t, who, 'patch', `/councils/${councilB}`, { name, version });
    expectProblem(await rename(adminB, 'B&NES Council', before.version as number), 403);
    expect((await call(t, adminB, 'get', `/councils/${councilB}`, undefined, 200)).body).toEqual(
      before,
    );
    const events = () =>
      count(
        `SELECT count(*) AS n FROM audit_events WHERE entity_type = 'councils' AND entity_id = $1`,
        [councilB],
      );
    const audited = await events();
    const name = 'Bath and North East Somerset Council (B&NES)';
    const res = await rename(world.admin, name, before.version as number);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, gssCode: before.gssCode, version: before.version + 1 });
    expect(await stored('SELECT name FROM councils WHERE id = $1', [councilB])).toEqual([{ name }]);
    expect(await events()).toBe(audited + 1);
    // Everyone reads the new name in the directory.
    const entry = await call(t, officerA, 'get', `/councils/${councilB}`, undefined, 200);
    expect(entry.body.name).toBe(name);
  });

  it("audits every read a platform admin makes, and no one else's", async () => {
    const reads = () => count(`SELECT count(*) AS n FROM audit_events WHERE action = 'read'`);
    const before = await reads();
    await call(t, adminA, 'get', `/users?limit=5`, undefined, 200);
    await call(t, officerA, 'get', `/councils/${councilB}`, undefined, 200);
    expect(await reads()).toBe(before);

    const path = `/users/${officerA.id}`;
    await call(t, world.admin, 'get', path, undefined, 200);
    await call(t, world.admin, 'get', `/users?limit=5`, undefined, 200);
    const head = await request(t.http).head(`/api/v1${path}`).set(bearer(world.admin));
    expect(head.status).toBe(200);
    const events = await stored<{ actor: string; entity: string; type: string; after: object }>(
      `SELECT actor_user_id AS actor, entity_id AS entity, entity_type AS type, after
         FROM audit_events WHERE action = 'read' ORDER BY id`,
    );
    const read = (method: string, url: string) => ({
      actor: world.admin.id,
      entity: url.split('?')[0],
      type: 'request',
      after: { method, url },
    });
    expect(events.slice(before)).toEqual([
      read('GET', `/api/v1${path}`),
      read('GET', '/api/v1/users?limit=5'),
      read('HEAD', `/api/v1${path}`),
    ]);
    const filtered = await call(
      t,
      world.admin,
      'get',
      `/audit-events?entityType=request&entityId=/api/v1${path}`,
      undefined,
      200,
    );
    expect(filtered.body.data).toHaveLength(2);
    // A council's admins do not see the platform's reads among their council's events.
    const own = await call(t, adminA, 'get', '/audit-events?action=read', undefined, 200);
    expect(own.body.data).toEqual([]);
  });

  it('lets an admin re-enable a disabled user, who can sign in again', async () => {
    const user = await world.user(councilA, 'officer');
    const login = () =>
      request(t.http).post('/api/v1/auth/login').send({ email: user.email, password: PASSWORD });
    await call(t, adminA, 'patch', `/users/${user.id}`, { status: 'disabled', version: 1 }, 200);
    expectProblem(await login(), 401);
    const res = await call(t, adminA, 'patch', `/users/${user.id}`, {
      status: 'active',
      version: 2,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: user.id, status: 'active', version: 3 });
    const again = await login();
    expect(again.status).toBe(200);
    expect((await request(t.http).get('/api/v1/me').set(bearer(again.body))).status).toBe(200);
  });

  it('refuses disabling the last active council admin, with 409, changing nothing', async () => {
    const [before] = await stored<{ status: string; version: number }>(
      'SELECT status, version FROM users WHERE id = $1',
      [adminB.id],
    );
    for (const who of [adminB, world.admin]) {
      const res = await call(t, who, 'patch', `/users/${adminB.id}`, {
        status: 'disabled',
        version: before.version,
      });
      expectProblem(res, 409);
    }
    const [after] = await stored('SELECT status, version FROM users WHERE id = $1', [adminB.id]);
    expect(after).toEqual({ status: 'active', version: before.version });
  });

  it("hides council B's audit events from council A's admin settings by row-level security alone", async () => {
    const profile = await call(t, adminB, 'get', `/councils/${councilB}`, undefined, 200);
    await call(
      t,
      adminB,
      'patch',
      `/councils/${councilB}`,
      { website: 'https://www.bathnes.gov.uk', version: profile.body.version as number },
      200,
    );
    const settings = (who: SignedIn, councilId: string) => ({
      userId: who.id,
      councilId,
      role: 'council_admin',
    });
    const seenByA = await queryAs<{ council_id: string }>(
      t.db.appUrl,
      settings(adminA, councilA),
      'SELECT * FROM audit_events',
    );
    expect(seenByA.length).toBeGreaterThan(0);
    expect(new Set(seenByA.map((e) => e.council_id))).toEqual(new Set([councilA]));
    const seenByB = await queryAs<{ council_id: string; entity_type: string; after: unknown }>(
      t.db.appUrl,
      settings(adminB, councilB),
      'SELECT * FROM audit_events',
    );
    expect(new Set(seenByB.map((e) => e.council_id))).toEqual(new Set([councilB]));
    expect(seenByB).toContainEqual(
      expect.objectContaining({
        entity_type: 'council_profiles',
        after: expect.objectContaining({ website: 'https://www.bathnes.gov.uk' }),
      }),
    );
    const inB = await count('SELECT count(*) AS n FROM audit_events WHERE council_id = $1', [
      councilB,
    ]);
    expect(seenByB).toHaveLength(inB);
  });

  it('forces row-level security on every table but the register, and binds the application role', async () => {
    // TypeORM's table is `migrations` (src/database/data-source.ts, migrationsTableName).
    const exempt = ['local_authorities', 'migrations'];
    const tables = await asOwner<{ relname: string; rls: boolean; forced: boolean }>(
      `SELECT relname, relrowsecurity AS rls, relforcerowsecurity AS forced FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY relname`,
    );
    expect(tables.map((r) => r.relname)).toEqual(expect.arrayContaining(['users', 'audit_events']));
    const unforced = tables
      .filter((r) => !exempt.includes(r.relname) && !(r.rls && r.forced))
      .map((r) => r.relname);
    expect(unforced).toEqual([]);
    // The exempt tables are safe without RLS only because the application role cannot change them.
    const [exemptGrants] = await asOwner<Record<string, boolean>>(
      `SELECT has_table_privilege('jwh_app', 'migrations', 'SELECT') AS migrations_read,
              has_table_privilege('jwh_app', 'local_authorities', 'INSERT, UPDATE, DELETE, TRUNCATE')
                AS register_write`,
    );
    expect(exemptGrants).toEqual({ migrations_read: false, register_write: false });

    const roles = await queryAs<{ rolname: string; rolsuper: boolean; rolbypassrls: boolean }>(
      t.db.appUrl,
      {},
      `SELECT rolname, rolsuper, rolbypassrls FROM pg_roles
        WHERE rolname IN ('jwh_app', current_user) ORDER BY rolname`,
    );
    expect(roles.map((r) => r.rolname)).toContain('jwh_app');
    for (const role of roles) expect(role).toMatchObject({ rolsuper: false, rolbypassrls: false });
    const owned = await asOwner<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
        WHERE r.rolname = ANY($1) AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
      [roles.map((r) => r.rolname)],
    );
    expect(owned).toEqual([]);
  });

  it('pages audit events newest first with a cursor, and narrows them by entityType, actorUserId and action', async () => {
    await call(t, adminA, 'patch', `/users/${officerA.id}`, { jobTitle: 'Lead', version: 1 }, 200);
    const expected = (
      await stored<{ id: string }>(
        'SELECT id::text FROM audit_events WHERE council_id = $1 ORDER BY audit_events.id DESC',
        [councilA],
      )
    ).map((e) => e.id);
    expect(expected.length).toBeGreaterThan(4);

    type Event = { id: string; entityType: string; actorUserId: string | null; action: string };
    const walk = async (filter: string) => {
      const seen: Event[] = [];
      let cursor: string | null = null;
      do {
        const query: string = `limit=2${filter}${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await call(t, adminA, 'get', `/audit-events?${query}`, undefined, 200);
        expect(res.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body.data as Event[]));
        cursor = res.body.nextCursor as string | null;
      } while (cursor);
      return seen;
    };
    const all = await walk('');
    expect(all.map((e) => e.id)).toEqual(expected); // every event once, newest first

    const filters: [string, string, (e: Event) => boolean][] = [
      ['entityType', 'council_profiles', (e) => e.entityType === 'council_profiles'],
      ['actorUserId', adminA.id, (e) => e.actorUserId === adminA.id],
      ['action', 'update', (e) => e.action === 'update'],
    ];
    for (const [name, value, matches] of filters) {
      const narrowed = await walk(`&${name}=${value}`);
      expect(narrowed.length).toBeGreaterThan(0);
      expect(narrowed.length).toBeLessThan(all.length);
      expect(narrowed.map((e) => e.id)).toEqual(all.filter(matches).map((e) => e.id));
    }
  });

  it('stores only the SHA-256 of an invitation code, and refuses an expired code as it refuses a wrong one', async () => {
    const { id, code } = await invite('hashed.code@inverclyde.test');
    const tokens = await asOwner<{ token_hash: string; purpose: string }>(
      'SELECT token_hash, purpose FROM user_tokens WHERE user_id = $1',
      [id],
    );
    expect(tokens).toEqual([{ token_hash: sha256(code), purpose: 'invitation' }]);
    expect(tokens[0].token_hash).not.toContain(code);

    await asOwner(
      `UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1`,
      [id],
    );
    const accept = (token: string) =>
      request(t.http)
        .post('/api/v1/auth/accept-invitation')
        .send({ token, password: 'a brand new passphrase' });
    const wrong = await accept(`${code.slice(0, -4)}AAAA`);
    expectProblem(wrong, 401);
    const expired = await accept(code);
    expectProblem(expired, 401);
    expect(expired.body.detail).toBe(wrong.body.detail);
    const [user] = await asOwner('SELECT status, password_hash FROM users WHERE id = $1', [id]);
    expect(user).toEqual({ status: 'invited', password_hash: null });
  });

  it("stores an accepted invitation's password as argon2id with the service's parameters", async () => {
    const { id, code } = await invite('argon.params@inverclyde.test');
    const res = await request(t.http)
      .post('/api/v1/auth/accept-invitation')
      .send({ token: code, password: 'a brand new passphrase' });
    expect(res.status).toBe(204);
    const [user] = await asOwner<{ status: string; password_hash: string }>(
      'SELECT status, password_hash FROM users WHERE id = $1',
      [id],
    );
    expect(user.status).toBe('active');
    // src/users/password.service.ts: memoryCost 19456, timeCost 2, parallelism 1.
    expect(user.password_hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
  });
});
