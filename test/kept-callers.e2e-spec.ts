import { Client } from 'pg';
import request from 'supertest';
import { SignInDatabase } from '../src/database/sign-in-database';
import { SettingsProver } from '../src/database/settings-proof';
import { ActorResolver } from '../src/tenancy/actor-resolver';
import { settingsStatement } from '../src/tenancy/tenant-transaction.adapter';
import { TestApp } from './support/test-app';
import { TEST_SECRET } from './support/test-config';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, bearer, call, partnership, workstream } from './support/world';

const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const RENFREWSHIRE = 'S12000038';

/**
 * A process keeps the callers it has resolved (src/tenancy/actor-resolver.ts), and each
 * request's transaction confirms the kept caller in the statement that opens it. Whatever
 * changes elsewhere (another process of the fleet, or SQL straight in the database) takes
 * effect on the very next request, as when every request looked its caller up. Nothing here
 * tells the process of a change: only the database can.
 */
describe('callers kept by a process', () => {
  let world: World;
  let t: TestApp;
  let councilA: string;
  let councilB: string;
  let adminA: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    councilA = await world.council(INVERCLYDE);
    councilB = await world.council(WEST_DUNBARTONSHIRE);
    adminA = await world.user(councilA, 'council_admin');
  });
  afterAll(() => t.close());

  const me = (who: SignedIn) => request(t.http).get('/api/v1/me').set(bearer(who));
  const elsewhere = (sql: string, params: unknown[]) =>
    queryAs(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  const asOwner = async <T extends object>(sql: string, params: unknown[]): Promise<T[]> => {
    const owner = new Client({ connectionString: t.db.ownerUrl });
    await owner.connect();
    try {
      return (await owner.query<T>(sql, params)).rows;
    } finally {
      await owner.end();
    }
  };
  const sessionOf = (who: SignedIn): string => {
    const claims: unknown = JSON.parse(
      Buffer.from(who.accessToken.split('.')[1], 'base64url').toString(),
    );
    return (claims as { sid: string }).sid;
  };

  it('serves a kept caller without a second connection: no sign-in lookup after the first', async () => {
    const officer = await world.user(councilA, 'officer');
    const signIn = t.app.get(SignInDatabase);
    expect(t.app.get(ActorResolver)['signIn']).toBe(signIn);
    const query = signIn.query;
    let lookups = 0;
    signIn.query = function (this: SignInDatabase, ...args: Parameters<typeof query>) {
      lookups++;
      return query.apply(this, args);
    } as typeof query;
    try {
      expect((await me(officer)).status).toBe(200);
      expect(lookups).toBe(1);
      for (let i = 0; i < 3; i++) expect((await me(officer)).status).toBe(200);
      expect(lookups).toBe(1);
    } finally {
      signIn.query = query;
    }
  });

  it('refuses a kept caller whose session ended elsewhere, on the next request', async () => {
    const officer = await world.user(councilA, 'officer');
    expect((await me(officer)).status).toBe(200);
    await asOwner(`UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = $1`, [
      sessionOf(officer),
    ]);
    const after = await me(officer);
    expect(after.status).toBe(401);
    expect(after.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await me(officer)).status).toBe(401);
  });

  it('refuses a kept caller whose council was suspended elsewhere', async () => {
    const councilC = await world.council(RENFREWSHIRE);
    const officer = await world.user(councilC, 'officer');
    expect((await me(officer)).status).toBe(200);
    await elsewhere(`UPDATE council_profiles SET status = 'suspended' WHERE council_id = $1`, [
      councilC,
    ]);
    expect((await me(officer)).status).toBe(401);
  });

  it('applies a role changed elsewhere to the next request, without a new sign-in', async () => {
    const admin = await world.user(councilA, 'council_admin');
    expect((await call(t, admin, 'get', '/audit-events')).status).toBe(200);
    await elsewhere(`UPDATE users SET role = 'officer' WHERE id = $1`, [admin.id]);
    const refused = await call(t, admin, 'get', '/audit-events');
    expect(refused.status).toBe(403);
    const now = await me(admin);
    expect(now.status).toBe(200);
    expect(now.body.user).toMatchObject({ id: admin.id, role: 'officer' });
  });

  it("shows a council a partnership's workstreams on the next request after it joins", async () => {
    const officerB = await world.user(councilB, 'officer');
    const listB = async () =>
      (
        (await call(t, officerB, 'get', '/workstreams', undefined, 200)).body as {
          data: { title: string }[];
        }
      ).data.map((w) => w.title);
    expect(await listB()).toEqual([]);
    // Inverclyde's admin forms a partnership with West Dunbartonshire and shares a workstream
    // in it: West Dunbartonshire's officer, kept with no partnerships, must see it now.
    const p = await partnership(t, adminA, 'Clyde shared services', [councilB]);
    await workstream(t, adminA, {
      title: 'Shared roads service',
      partnershipId: p,
      leadCouncilIds: [councilA],
    });
    expect(await listB()).toEqual(['Shared roads service']);
  });

  describe('the database alone', () => {
    const prover = new SettingsProver(TEST_SECRET);
    const confirmAs = async (
      who: SignedIn,
      claimed: { councilId: string; role: string; partnershipIds: string[]; sessionId: string },
    ) => {
      const client = new Client({ connectionString: t.db.appUrl });
      await client.connect();
      try {
        await client.query('START TRANSACTION');
        const [sql, values] = settingsStatement(prover, {
          userId: who.id,
          councilId: claimed.councilId,
          role: claimed.role,
          sessionId: claimed.sessionId,
          requestId: 'kept-callers',
          confirm: { partnershipIds: claimed.partnershipIds },
        });
        const { rows } = await client.query<{ holds: boolean }>(sql, values);
        const seen = await client.query<{ role: string | null; council: string | null }>(
          `SELECT app_role() AS role, app_council_id() AS council`,
        );
        await client.query('ROLLBACK');
        return { holds: rows[0].holds, ...seen.rows[0] };
      } finally {
        await client.end();
      }
    };

    it("believes a kept caller's settings only while the caller still holds", async () => {
      const officer = await world.user(councilB, 'officer');
      const [{ ids }] = await asOwner<{ ids: string[] }>(
        `SELECT council_partnership_ids($1) AS ids`,
        [councilB],
      );
      expect(ids).toHaveLength(1);
      const truth = { councilId: councilB, role: 'officer', sessionId: sessionOf(officer) };
      expect(await confirmAs(officer, { ...truth, partnershipIds: ids })).toEqual({
        holds: true,
        role: 'officer',
        council: councilB,
      });
      const refused = { holds: false, role: null, council: null };
      expect(await confirmAs(officer, { ...truth, partnershipIds: [] })).toEqual(refused);
      expect(
        await confirmAs(officer, { ...truth, partnershipIds: ids, role: 'council_admin' }),
      ).toEqual(refused);
      expect(
        await confirmAs(officer, { ...truth, partnershipIds: [], councilId: councilA }),
      ).toEqual(refused);
      expect(
        await confirmAs(officer, {
          ...truth,
          partnershipIds: ids,
          sessionId: '00000000-0000-4000-8000-000000000001',
        }),
      ).toEqual(refused);
    });
  });
});
