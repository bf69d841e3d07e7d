import request from 'supertest';
import jwt from 'jsonwebtoken';
import { createMongoAbility, subject } from '@casl/ability';
import { PackRule, unpackRules } from '@casl/ability/extra';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, bearer } from './support/world';

const INVERCLYDE = 'S12000018';
const BANES = 'E06000022';

describe('councils, users and tenancy', () => {
  let t: TestApp;
  let world: World;
  let councilA: string;
  let councilB: string;
  let adminA: SignedIn;
  let officerA: SignedIn;
  let officerB: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    councilA = await world.council(INVERCLYDE);
    councilB = await world.council(BANES);
    adminA = await world.user(councilA, 'council_admin');
    officerA = await world.user(councilA, 'officer');
    officerB = await world.user(councilB, 'officer');
  });
  afterAll(() => t.close());

  const auditCount = async () =>
    Number(
      (
        await queryAs<{ n: string }>(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          'SELECT count(*) AS n FROM audit_events',
        )
      )[0].n,
    );

  it('tells the caller who they are, their council and what they may do (GET /me)', async () => {
    const me = async (who: SignedIn) => {
      const res = await request(t.http).get('/api/v1/me').set(bearer(who));
      expect(res.status).toBe(200);
      const body = res.body as { user: { id: string }; council: unknown; rules: PackRule<never>[] };
      return { ...body, ability: createMongoAbility(unpackRules(body.rules)) };
    };
    const admin = await me(adminA);
    expect(admin.user).toMatchObject({ id: adminA.id, councilId: councilA, role: 'council_admin' });
    expect(admin.council).toMatchObject({
      id: councilA,
      name: 'Inverclyde Council',
      registerCode: 'IVC',
    });
    const newUser = (councilId: string) => subject('User', { councilId, role: 'officer' });
    expect(admin.ability.can('create', newUser(councilA))).toBe(true);
    expect(admin.ability.can('create', newUser(councilB))).toBe(false);
    const officer = await me(officerA);
    expect(officer.ability.can('create', newUser(councilA))).toBe(false);
    expect(officer.ability.can('read', newUser(councilA))).toBe(true);
    const platform = await me(world.admin);
    expect(platform.council).toBeNull();
    expect(platform.ability.can('create', newUser(councilB))).toBe(true);
  });

  describe('councils', () => {
    it('onboards a council from its register entry', async () => {
      const res = await request(t.http)
        .get(`/api/v1/councils/${councilA}`)
        .set(bearer(world.admin));
      expect(res.body).toMatchObject({
        name: 'Inverclyde Council',
        gssCode: INVERCLYDE,
        nation: 'Scotland',
        registerCode: 'IVC',
        status: 'active',
      });
    });

    it('refuses a former authority, naming its successor', async () => {
      const res = await request(t.http)
        .post('/api/v1/councils')
        .set(bearer(world.admin))
        .send({ registerCode: 'AYL' });
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(
        /Aylesbury Vale.*ended on 2020-03-31.*successor Buckinghamshire/,
      );
    });

    it('shows other councils only the directory entry', async () => {
      const res = await request(t.http).get(`/api/v1/councils/${councilA}`).set(bearer(officerB));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        id: councilA,
        name: 'Inverclyde Council',
        slug: 'inverclyde-council',
        gssCode: INVERCLYDE,
        type: expect.any(String),
        nation: 'Scotland',
      });
    });

    it('gives a council admin 403 on onboarding a council', async () => {
      const res = await request(t.http)
        .post('/api/v1/councils')
        .set(bearer(adminA))
        .send({ gssCode: 'S12000049' });
      expect(res.status).toBe(403);
    });
  });

  describe('users', () => {
    it("lists only the officer's own council's users", async () => {
      const res = await request(t.http).get('/api/v1/users').set(bearer(officerA));
      expect(res.status).toBe(200);
      const councils = new Set((res.body.data as { councilId: string }[]).map((u) => u.councilId));
      expect([...councils]).toEqual([councilA]);
      expect(res.body.data).toHaveLength(2);
    });

    it('gives an officer of A 404 on a user of B, for reading and for changing', async () => {
      expect(
        (await request(t.http).get(`/api/v1/users/${officerB.id}`).set(bearer(officerA))).status,
      ).toBe(404);
      const patch = await request(t.http)
        .patch(`/api/v1/users/${officerB.id}`)
        .set(bearer(officerA))
        .send({ name: 'X', version: 1 });
      expect(patch.status).toBe(404);
    });

    it('gives an officer of A 403 on changing a user of A', async () => {
      const res = await request(t.http)
        .patch(`/api/v1/users/${adminA.id}`)
        .set(bearer(officerA))
        .send({ name: 'X', version: 1 });
      expect(res.status).toBe(403);
    });

    it('lets a council admin create a user in their council, with one audit event and a Location', async () => {
      const before = await auditCount();
      const res = await request(t.http)
        .post('/api/v1/users')
        .set(bearer(adminA))
        .send({ email: 'new@inverclyde.test', name: 'New Officer', role: 'viewer' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe(`/api/v1/users/${res.body.id}`);
      expect(res.body).toMatchObject({ councilId: councilA, role: 'viewer', status: 'invited' });
      expect(res.body).not.toHaveProperty('passwordHash');
      expect(await auditCount()).toBe(before + 1);
      const [event] = await queryAs<{
        actor_user_id: string;
        council_id: string;
        action: string;
        after: Record<string, unknown>;
      }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT * FROM audit_events ORDER BY id DESC LIMIT 1',
      );
      expect(event).toMatchObject({
        actor_user_id: adminA.id,
        council_id: councilA,
        action: 'insert',
      });
      expect(event.after).not.toHaveProperty('password_hash');
    });

    it('refuses a council admin creating a user in B, or a platform admin, with 403', async () => {
      const inB = await request(t.http)
        .post('/api/v1/users')
        .set(bearer(adminA))
        .send({ email: 'b@x.test', name: 'B', role: 'officer', councilId: councilB });
      expect(inB.status).toBe(403);
      const platform = await request(t.http)
        .post('/api/v1/users')
        .set(bearer(adminA))
        .send({ email: 'p@x.test', name: 'P', role: 'platform_admin' });
      expect(platform.status).toBe(403);
    });

    it('names the field at fault on bad input', async () => {
      const res = await request(t.http)
        .post('/api/v1/users')
        .set(bearer(adminA))
        .send({ email: 'not-an-email', name: 'N', role: 'chief' });
      expect(res.status).toBe(400);
      expect((res.body.errors as { field: string }[]).map((e) => e.field).sort()).toEqual([
        'email',
        'role',
      ]);
    });

    it('answers 409 on demoting the last active council admin, and changes nothing', async () => {
      const res = await request(t.http)
        .patch(`/api/v1/users/${adminA.id}`)
        .set(bearer(adminA))
        .send({ role: 'officer', version: 1 });
      expect(res.status).toBe(409);
      const [row] = await queryAs<{ role: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT role FROM users WHERE id = $1',
        [adminA.id],
      );
      expect(row.role).toBe('council_admin');
    });

    it('answers 409 on a stale version', async () => {
      const first = await request(t.http)
        .patch(`/api/v1/users/${officerA.id}`)
        .set(bearer(adminA))
        .send({ jobTitle: 'Lead', version: 1 });
      expect(first.status).toBe(200);
      const stale = await request(t.http)
        .patch(`/api/v1/users/${officerA.id}`)
        .set(bearer(adminA))
        .send({ jobTitle: 'Other', version: 1 });
      expect(stale.status).toBe(409);
    });
  });

  describe('row-level security alone', () => {
    it("returns no row of council B to the application role with council A's settings", async () => {
      const settings = { userId: officerA.id, councilId: councilA, role: 'officer' };
      const users = await queryAs<{ council_id: string }>(
        t.db.appUrl,
        settings,
        'SELECT council_id FROM users',
      );
      expect(users.length).toBeGreaterThan(0);
      expect(users.every((u) => u.council_id === councilA)).toBe(true);
      const profiles = await queryAs(
        t.db.appUrl,
        settings,
        'SELECT * FROM council_profiles WHERE council_id = $1',
        [councilB],
      );
      expect(profiles).toEqual([]);
      const audit = await queryAs(t.db.appUrl, settings, 'SELECT * FROM audit_events');
      expect(audit).toEqual([]);
    });

    it('refuses UPDATE and DELETE on audit_events to the application role', async () => {
      await expect(
        queryAs(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, `UPDATE audit_events SET action = 'x'`),
      ).rejects.toThrow(/permission denied/);
      await expect(
        queryAs(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, 'DELETE FROM audit_events'),
      ).rejects.toThrow(/permission denied/);
    });

    it('does not let the application role read password hashes', async () => {
      await expect(
        queryAs(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, 'SELECT password_hash FROM users'),
      ).rejects.toThrow(/permission denied/);
    });
  });

  describe('sessions', () => {
    it('rotates refresh tokens, and a reused one revokes the family', async () => {
      const me = await world.user(councilA, 'viewer');
      const first = await request(t.http)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: me.refreshToken });
      expect(first.status).toBe(200);
      const reuse = await request(t.http)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: me.refreshToken });
      expect(reuse.status).toBe(401);
      const newest = await request(t.http)
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: first.body.refreshToken });
      expect(newest.status).toBe(401);
      expect((await request(t.http).get('/api/v1/me').set(bearer(first.body))).status).toBe(401);
    });

    it('gives exactly one success to ten parallel refreshes of one token, in each of 50 repetitions', async () => {
      const counts: number[] = [];
      for (let round = 0; round < 50; round++) {
        // The losers presented a used token, which revokes the family: a fresh session each round.
        const session = await world.user(councilA, 'viewer');
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            request(t.http)
              .post('/api/v1/auth/refresh')
              .send({ refreshToken: session.refreshToken }),
          ),
        );
        counts.push(results.filter((r) => r.status === 200).length);
      }
      expect(counts).toEqual(new Array(50).fill(1));
    }, 120000);

    it("refuses a disabled user's valid access token on the next request", async () => {
      const me = await world.user(councilA, 'officer');
      expect((await request(t.http).get('/api/v1/me').set(bearer(me))).status).toBe(200);
      const res = await request(t.http)
        .patch(`/api/v1/users/${me.id}`)
        .set(bearer(adminA))
        .send({ status: 'disabled', version: 1 });
      expect(res.status).toBe(200);
      expect((await request(t.http).get('/api/v1/me').set(bearer(me))).status).toBe(401);
    });

    it('ends the session on logout', async () => {
      const me = await world.user(councilA, 'viewer');
      expect((await request(t.http).post('/api/v1/auth/logout').set(bearer(me))).status).toBe(204);
      expect((await request(t.http).get('/api/v1/me').set(bearer(me))).status).toBe(401);
    });

    it('answers the same for an unknown email and a wrong password', async () => {
      const unknown = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@x.test', password: 'whatever-password' });
      const wrong = await request(t.http)
        .post('/api/v1/auth/login')
        .send({ email: officerA.email, password: 'wrong-password-here' });
      expect(unknown.status).toBe(401);
      expect(wrong.status).toBe(401);
      expect(unknown.body.detail).toBe(wrong.body.detail);
    });

    it('refuses tokens without exp, with alg none, with a changed sub, or signed with another key', async () => {
      const claims = jwt.decode(officerA.accessToken) as Record<string, unknown>;
      const secret = t.config.jwtSecret;
      const { exp: _exp, iat: _iat, ...rest } = claims;
      const noExp = jwt.sign(rest, secret, { algorithm: 'HS256' });
      const none = jwt.sign(claims, '', { algorithm: 'none' } as jwt.SignOptions);
      const [h, , s] = officerA.accessToken.split('.');
      const changed = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: officerB.id })).toString('base64url')}.${s}`;
      const otherKey = jwt.sign(claims, 'another-secret-that-is-32-bytes-long!!', {
        algorithm: 'HS256',
      });
      for (const token of [noExp, none, changed, otherKey]) {
        expect(
          (
            await request(t.http)
              .get('/api/v1/me')
              .set({ Authorization: `Bearer ${token}` })
          ).status,
        ).toBe(401);
      }
      expect((await request(t.http).get('/api/v1/me').set(bearer(officerA))).status).toBe(200);
    });

    it('answers 429 with Retry-After after 10 failed logins for one account', async () => {
      let last = 0;
      let retryAfter: string | undefined;
      for (let i = 0; i < 11; i++) {
        const res = await request(t.http)
          .post('/api/v1/auth/login')
          .send({ email: 'throttled@x.test', password: 'wrong-password-here' });
        last = res.status;
        retryAfter = res.headers['retry-after'];
      }
      expect(last).toBe(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    });
  });
});

describe('council profiles, suspension and the audit trail', () => {
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

  it("lets a council admin edit their own council's profile, but not its status", async () => {
    const ok = await request(t.http)
      .patch(`/api/v1/councils/${councilA}`)
      .set(bearer(adminA))
      .send({ website: 'https://www.inverclyde.gov.uk', version: 1 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ website: 'https://www.inverclyde.gov.uk', version: 2 });
    const status = await request(t.http)
      .patch(`/api/v1/councils/${councilA}`)
      .set(bearer(adminA))
      .send({ status: 'suspended', version: 2 });
    expect(status.status).toBe(403);
    const code = await request(t.http)
      .patch(`/api/v1/councils/${councilA}`)
      .set(bearer(adminA))
      .send({ gssCode: 'S12000049', version: 2 });
    expect(code.status).toBe(400);
  });

  it("gives an officer 403 on their own council's profile and another council's admin 403 on it", async () => {
    expect(
      (
        await request(t.http)
          .patch(`/api/v1/councils/${councilA}`)
          .set(bearer(officerA))
          .send({ website: 'https://x.example', version: 2 })
      ).status,
    ).toBe(403);
    expect(
      (
        await request(t.http)
          .patch(`/api/v1/councils/${councilA}`)
          .set(bearer(adminB))
          .send({ website: 'https://x.example', version: 2 })
      ).status,
    ).toBe(403);
  });

  it("shows council admins only their council's audit events, and officers none", async () => {
    const a = await request(t.http).get('/api/v1/audit-events').set(bearer(adminA));
    expect(a.status).toBe(200);
    expect(a.body.data.length).toBeGreaterThan(0);
    expect(new Set((a.body.data as { councilId: string }[]).map((e) => e.councilId))).toEqual(
      new Set([councilA]),
    );
    const profileEdit = (a.body.data as { entityType: string; actorUserId: string }[]).find(
      (e) => e.entityType === 'council_profiles',
    );
    // Each council named by its name too, and the row under the API's field names.
    expect(profileEdit).toMatchObject({
      actorUserId: adminA.id,
      actorCouncilId: councilA,
      actorCouncilName: 'Inverclyde Council',
      councilId: councilA,
      councilName: 'Inverclyde Council',
      after: expect.objectContaining({ councilId: councilA }),
    });
    for (const event of a.body.data as { before: object | null; after: object | null }[]) {
      const keys = [...Object.keys(event.before ?? {}), ...Object.keys(event.after ?? {})];
      expect(keys.filter((key) => key.includes('_'))).toEqual([]);
    }
    expect((await request(t.http).get('/api/v1/audit-events').set(bearer(officerA))).status).toBe(
      403,
    );
    const all = await request(t.http)
      .get('/api/v1/audit-events?limit=100')
      .set(bearer(world.admin));
    const seen = new Set((all.body.data as { councilId: string | null }[]).map((e) => e.councilId));
    expect(seen.has(councilA) && seen.has(councilB)).toBe(true);
  });

  it('refuses sign-in and every token of a suspended council at once', async () => {
    const profile = await request(t.http)
      .get(`/api/v1/councils/${councilB}`)
      .set(bearer(world.admin));
    const res = await request(t.http)
      .patch(`/api/v1/councils/${councilB}`)
      .set(bearer(world.admin))
      .send({ status: 'suspended', version: profile.body.version });
    expect(res.status).toBe(200);
    expect((await request(t.http).get('/api/v1/me').set(bearer(adminB))).status).toBe(401);
    const login = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: adminB.email, password: 'a long enough test password' });
    expect(login.status).toBe(401);
    expect(
      (
        await request(t.http)
          .post('/api/v1/auth/refresh')
          .send({ refreshToken: adminB.refreshToken })
      ).status,
    ).toBe(401);

    // Reinstated, the council's users sign in again; the sessions suspension ended stay ended.
    const reinstated = await request(t.http)
      .patch(`/api/v1/councils/${councilB}`)
      .set(bearer(world.admin))
      .send({ status: 'active', version: res.body.version });
    expect(reinstated.status).toBe(200);
    expect((await request(t.http).get('/api/v1/me').set(bearer(adminB))).status).toBe(401);
    const refresh = await request(t.http)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: adminB.refreshToken });
    expect(refresh.status).toBe(401);
    const again = await request(t.http)
      .post('/api/v1/auth/login')
      .send({ email: adminB.email, password: 'a long enough test password' });
    expect(again.status).toBe(200);
    expect((await request(t.http).get('/api/v1/me').set(bearer(again.body))).status).toBe(200);
  });
});

describe('row-level security on changes, without CASL', () => {
  let t: TestApp;
  let world: World;
  let councilA: string;
  let officerA: SignedIn;
  let adminA: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    councilA = await world.council(INVERCLYDE);
    adminA = await world.user(councilA, 'council_admin');
    officerA = await world.user(councilA, 'officer');
  });
  afterAll(() => t.close());

  it('refuses an officer raising their own role, and a council admin suspending their council', async () => {
    const officer = { userId: officerA.id, councilId: councilA, role: 'officer' };
    await queryAs(t.db.appUrl, officer, `UPDATE users SET role = 'council_admin' WHERE id = $1`, [
      officerA.id,
    ]);
    const [row] = await queryAs<{ role: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      'SELECT role FROM users WHERE id = $1',
      [officerA.id],
    );
    expect(row.role).toBe('officer');
    const admin = { userId: adminA.id, councilId: councilA, role: 'council_admin' };
    await expect(
      queryAs(
        t.db.appUrl,
        admin,
        `UPDATE council_profiles SET status = 'suspended' WHERE council_id = $1`,
        [councilA],
      ),
    ).rejects.toThrow(/only a platform admin/);
  });
});

describe('the audit trail', () => {
  let t: TestApp;
  let world: World;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
  });
  afterAll(() => t.close());

  const events = async () =>
    queryAs<{ entity_type: string; action: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      'SELECT entity_type, action FROM audit_events ORDER BY id',
    );

  it('records exactly one event for each row each API mutation changed, and none for refused ones', async () => {
    const start = (await events()).length;
    const council = await world.council(INVERCLYDE); // councils + council_profiles
    const created = await request(t.http).post('/api/v1/users').set(bearer(world.admin)).send({
      email: 'audited@inverclyde.test',
      name: 'Audited',
      role: 'council_admin',
      councilId: council,
    });
    expect(created.status).toBe(201);
    const patched = await request(t.http)
      .patch(`/api/v1/users/${created.body.id}`)
      .set(bearer(world.admin))
      .send({ jobTitle: 'Chief Executive', version: 1 });
    expect(patched.status).toBe(200);
    const edited = await request(t.http)
      .patch(`/api/v1/councils/${council}`)
      .set(bearer(world.admin))
      .send({ website: 'https://www.inverclyde.gov.uk', version: 1 });
    expect(edited.status).toBe(200);
    const stale = await request(t.http)
      .patch(`/api/v1/users/${created.body.id}`)
      .set(bearer(world.admin))
      .send({ jobTitle: 'Lost update', version: 1 });
    expect(stale.status).toBe(409);

    const added = (await events()).slice(start).map((e) => `${e.entity_type}:${e.action}`);
    expect(added).toEqual([
      'councils:insert',
      'council_profiles:insert',
      'users:insert',
      'users:update',
      'council_profiles:update',
    ]);
  });
});
