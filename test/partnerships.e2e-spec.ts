import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const BANES = 'E06000022';

interface Member {
  id: string;
  councilId: string;
  role: string;
  joinedOn: string;
  leftOn: string | null;
  version: number;
}

const today = () => new Date().toISOString().slice(0, 10);

describe('partnerships and their members', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let lanarkshire: string;
  let inverclyde: string;
  let westDunbartonshire: string;
  let banes: string;
  let adminGlasgow: SignedIn;
  let officerGlasgow: SignedIn;
  let adminLanarkshire: SignedIn;
  let officerInverclyde: SignedIn;
  let adminWestDunbartonshire: SignedIn;
  let adminBanes: SignedIn;
  let officerBanes: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    [glasgow, lanarkshire, inverclyde, westDunbartonshire, banes] = [
      await world.council(GLASGOW),
      await world.council(NORTH_LANARKSHIRE),
      await world.council(INVERCLYDE),
      await world.council(WEST_DUNBARTONSHIRE),
      await world.council(BANES),
    ];
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    adminLanarkshire = await world.user(lanarkshire, 'council_admin');
    officerInverclyde = await world.user(inverclyde, 'officer');
    adminWestDunbartonshire = await world.user(westDunbartonshire, 'council_admin');
    adminBanes = await world.user(banes, 'council_admin');
    officerBanes = await world.user(banes, 'officer');
  });
  afterAll(() => t.close());

  const members = async (who: SignedIn, id: string, current = true): Promise<Member[]> =>
    (
      await call(
        t,
        who,
        'get',
        `/partnerships/${id}/members?current=${current}&limit=100`,
        undefined,
        200,
      )
    ).body.data as Member[];
  const partnershipCount = async () =>
    Number(
      (
        await queryAs<{ n: string }>(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          'SELECT count(*) AS n FROM partnerships',
        )
      )[0].n,
    );

  describe('creating a partnership', () => {
    it('makes the council of a council admin who creates a partnership its administering council, from today', async () => {
      const res = await call(
        t,
        adminGlasgow,
        'post',
        '/partnerships',
        {
          name: 'Clyde Valley Community Planning Partnership',
          description: 'Eight authorities working on shared services',
          kind: 'community_planning_partnership',
        },
        201,
      );
      expect(res.headers.location).toBe(`/api/v1/partnerships/${res.body.id}`);
      expect(res.body).toMatchObject({
        name: 'Clyde Valley Community Planning Partnership',
        kind: 'community_planning_partnership',
        status: 'active',
        administeringCouncilId: glasgow,
        version: 1,
      });
      const read = await call(
        t,
        adminGlasgow,
        'get',
        `/partnerships/${res.body.id}`,
        undefined,
        200,
      );
      expect(read.body).toEqual(res.body);
      expect(await members(officerGlasgow, res.body.id)).toEqual([
        expect.objectContaining({
          councilId: glasgow,
          role: 'administering',
          joinedOn: today(),
          leftOn: null,
        }),
      ]);
    });

    it('lets a platform admin create a partnership naming its administering council', async () => {
      const res = await call(
        t,
        world.admin,
        'post',
        '/partnerships',
        {
          name: 'Clyde Valley (2010)',
          kind: 'joint_committee',
          administeringCouncilId: westDunbartonshire,
        },
        201,
      );
      expect(res.body.administeringCouncilId).toBe(westDunbartonshire);
      expect(await members(adminWestDunbartonshire, res.body.id)).toEqual([
        expect.objectContaining({
          councilId: westDunbartonshire,
          role: 'administering',
          joinedOn: today(),
        }),
      ]);
    });

    it('refuses an officer creating a partnership (403), and a council admin naming another council to administer it (403)', async () => {
      const before = await partnershipCount();
      const byOfficer = await call(t, officerGlasgow, 'post', '/partnerships', {
        name: 'An officer’s partnership',
        kind: 'other',
      });
      expect(byOfficer.status).toBe(403);
      expect(byOfficer.headers['content-type']).toMatch(/^application\/problem\+json/);
      const forAnother = await call(t, adminGlasgow, 'post', '/partnerships', {
        name: 'Run by someone else',
        kind: 'other',
        administeringCouncilId: inverclyde,
      });
      expect(forAnother.status).toBe(403);
      expect(await partnershipCount()).toBe(before);
    });
  });

  describe('who sees a partnership', () => {
    it('shows a partnership only to its member councils: 404 to an outsider on it, its members, its alignment and an edit, and absent from its list', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley shared services', [
        lanarkshire,
        inverclyde,
      ]);
      for (const path of [
        `/partnerships/${id}`,
        `/partnerships/${id}/members`,
        `/partnerships/${id}/alignment`,
      ]) {
        for (const who of [officerBanes, adminBanes]) {
          const res = await call(t, who, 'get', path);
          expect([path, res.status]).toEqual([path, 404]);
          expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        }
      }
      for (const who of [officerBanes, adminBanes]) {
        const edit = await call(t, who, 'patch', `/partnerships/${id}`, {
          name: 'Taken over',
          version: 1,
        });
        expect(edit.status).toBe(404);
      }
      const join = await call(t, adminBanes, 'post', `/partnerships/${id}/members`, {
        councilId: banes,
      });
      expect(join.status).toBe(404);
      // A partnership that does not exist answers the same.
      const missing = await call(
        t,
        officerBanes,
        'get',
        '/partnerships/00000000-0000-4000-8000-000000000001',
      );
      expect(missing.status).toBe(404);
      const outsiderList = await call(
        t,
        officerBanes,
        'get',
        '/partnerships?limit=100',
        undefined,
        200,
      );
      expect(outsiderList.body.data.map((p: { id: string }) => p.id)).not.toContain(id);

      for (const who of [officerGlasgow, adminLanarkshire, officerInverclyde]) {
        await call(t, who, 'get', `/partnerships/${id}`, undefined, 200);
        await call(t, who, 'get', `/partnerships/${id}/alignment`, undefined, 200);
        const list = await call(t, who, 'get', '/partnerships?limit=100', undefined, 200);
        expect(list.body.data.map((p: { id: string }) => p.id)).toContain(id);
      }
      const stored = await queryAs<{ name: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT name FROM partnerships WHERE id = $1',
        [id],
      );
      expect(stored).toEqual([{ name: 'Clyde Valley shared services' }]);
    });
  });

  describe('members', () => {
    it("lets the administering council's admins add and remove a member: 204, and the row keeps its history", async () => {
      const id = await partnership(t, adminGlasgow, 'Glasgow and Lanarkshire roads', []);
      const added = await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${id}/members`,
        { councilId: lanarkshire },
        201,
      );
      expect(added.headers.location).toBe(`/api/v1/partnerships/${id}/members/${added.body.id}`);
      expect(added.body).toMatchObject({
        councilId: lanarkshire,
        role: 'member',
        joinedOn: today(),
        leftOn: null,
      });
      await call(t, adminLanarkshire, 'get', `/partnerships/${id}`, undefined, 200);

      const removed = await call(
        t,
        adminGlasgow,
        'delete',
        `/partnerships/${id}/members/${added.body.id}`,
      );
      expect(removed.status).toBe(204);
      expect(removed.text).toBe('');
      expect((await members(adminGlasgow, id)).map((m) => m.councilId)).toEqual([glasgow]);
      expect(await members(adminGlasgow, id, false)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            id: added.body.id,
            councilId: lanarkshire,
            joinedOn: today(),
            leftOn: today(),
          }),
        ]),
      );
      // No longer a member, so it no longer sees the partnership.
      expect((await call(t, adminLanarkshire, 'get', `/partnerships/${id}`)).status).toBe(404);
    });

    it('refuses adding a member to the admin of a member council that does not administer (403) and to an officer of the administering council (403)', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley procurement', [lanarkshire]);
      const byMember = await call(t, adminLanarkshire, 'post', `/partnerships/${id}/members`, {
        councilId: inverclyde,
      });
      expect(byMember.status).toBe(403);
      const byOfficer = await call(t, officerGlasgow, 'post', `/partnerships/${id}/members`, {
        councilId: inverclyde,
      });
      expect(byOfficer.status).toBe(403);
      const current = await members(adminGlasgow, id);
      expect(current.map((m) => m.councilId).sort()).toEqual([glasgow, lanarkshire].sort());
      const administering = current.find((m) => m.councilId === glasgow)!;
      const endAdministering = await call(
        t,
        adminGlasgow,
        'delete',
        `/partnerships/${id}/members/${administering.id}`,
      );
      expect(endAdministering.status).toBe(409);
    });
  });

  describe('the administering role', () => {
    it('passes the administering role to another member with the dates kept, and with it the right to manage members', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley waste', []);
      await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${id}/members`,
        { councilId: westDunbartonshire, joinedOn: '2009-04-01' },
        201,
      );
      const from = today();
      const passed = await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${id}/administering`,
        { councilId: westDunbartonshire, from },
        200,
      );
      expect(passed.body).toMatchObject({
        councilId: westDunbartonshire,
        role: 'administering',
        joinedOn: from,
        leftOn: null,
      });

      const history = await members(adminWestDunbartonshire, id, false);
      const rows = (councilId: string) =>
        history
          .filter((m) => m.councilId === councilId)
          .map(({ role, joinedOn, leftOn }) => ({ role, joinedOn, leftOn }))
          .sort((a, b) => (a.leftOn === null ? 1 : 0) - (b.leftOn === null ? 1 : 0));
      // Glasgow's row began today: handed over today, it becomes a member's row rather than
      // leave a row of zero days.
      expect(rows(glasgow)).toEqual([{ role: 'member', joinedOn: from, leftOn: null }]);
      expect(rows(westDunbartonshire)).toEqual([
        { role: 'member', joinedOn: '2009-04-01', leftOn: from },
        { role: 'administering', joinedOn: from, leftOn: null },
      ]);
      const read = await call(t, adminGlasgow, 'get', `/partnerships/${id}`, undefined, 200);
      expect(read.body.administeringCouncilId).toBe(westDunbartonshire);

      const byOldAdministrator = await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${id}/members`,
        { councilId: inverclyde },
      );
      expect(byOldAdministrator.status).toBe(403);
      await call(
        t,
        adminWestDunbartonshire,
        'post',
        `/partnerships/${id}/members`,
        { councilId: inverclyde },
        201,
      );
    });

    it('refuses handing the administering role to a council that is not a member (400 naming councilId)', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley fleet', [lanarkshire]);
      const res = await call(t, adminGlasgow, 'post', `/partnerships/${id}/administering`, {
        councilId: banes,
        from: today(),
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'councilId' })]);
      const read = await call(t, adminGlasgow, 'get', `/partnerships/${id}`, undefined, 200);
      expect(read.body.administeringCouncilId).toBe(glasgow);
      expect((await members(adminGlasgow, id, false)).map((m) => m.councilId).sort()).toEqual(
        [glasgow, lanarkshire].sort(),
      );
    });
  });

  describe('versions', () => {
    it('answers a PATCH with a stale version 409 and changes nothing', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley ICT', [lanarkshire]);
      const first = await call(
        t,
        adminGlasgow,
        'patch',
        `/partnerships/${id}`,
        { name: 'Clyde Valley ICT and digital', version: 1 },
        200,
      );
      expect(first.body).toMatchObject({ name: 'Clyde Valley ICT and digital', version: 2 });
      const stale = await call(t, adminGlasgow, 'patch', `/partnerships/${id}`, {
        name: 'Clyde Valley digital',
        status: 'dissolved',
        version: 1,
      });
      expect(stale.status).toBe(409);
      expect(stale.headers['content-type']).toMatch(/^application\/problem\+json/);
      const read = await call(t, adminLanarkshire, 'get', `/partnerships/${id}`, undefined, 200);
      expect(read.body).toMatchObject({
        name: 'Clyde Valley ICT and digital',
        status: 'active',
        version: 2,
      });
      const stored = await queryAs(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT name, status, version FROM partnerships WHERE id = $1',
        [id],
      );
      expect(stored).toEqual([
        { name: 'Clyde Valley ICT and digital', status: 'active', version: 2 },
      ]);
    });
  });

  describe('what is stored', () => {
    it('records an audit event for a member added, naming who added which council', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley HR and payroll', []);
      const glasgowName = (await call(t, adminGlasgow, 'get', `/councils/${glasgow}`)).body.name;
      expect(glasgowName).toMatch(/Glasgow/);
      const added = await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${id}/members`,
        { councilId: inverclyde },
        201,
      );
      const events = await call(
        t,
        world.admin,
        'get',
        `/audit-events?entityType=partnership_members&action=insert&entityId=${added.body.id}`,
        undefined,
        200,
      );
      expect(events.body.data).toEqual([
        expect.objectContaining({
          actorUserId: adminGlasgow.id,
          actorCouncilId: glasgow,
          actorCouncilName: glasgowName,
          councilId: glasgow,
          councilName: glasgowName,
          action: 'insert',
          entityType: 'partnership_members',
          entityId: added.body.id,
          before: null,
          // The row under the API's field names, as GET …/members answers them.
          after: expect.objectContaining({
            partnershipId: id,
            councilId: inverclyde,
            role: 'member',
          }),
        }),
      ]);
      // The administering council's admins see what their council did.
      const own = await call(
        t,
        adminGlasgow,
        'get',
        `/audit-events?entityType=partnership_members&entityId=${added.body.id}`,
        undefined,
        200,
      );
      expect(own.body.data).toHaveLength(1);
    });
  });

  describe('row-level security as the safety net', () => {
    it("shows an outsider council's officer no partnership rows, without the application's conditions", async () => {
      await partnership(t, adminGlasgow, 'Clyde Valley audit', [lanarkshire]);
      expect(await partnershipCount()).toBeGreaterThan(0);
      const settings = { userId: officerBanes.id, councilId: banes, role: 'officer' };
      const [seen] = await queryAs<{ partnerships: string; members: string }>(
        t.db.appUrl,
        settings,
        `SELECT (SELECT count(*) FROM partnerships) AS partnerships,
                (SELECT count(*) FROM partnership_members) AS members`,
      );
      expect(seen).toEqual({ partnerships: '0', members: '0' });
    });

    it('refuses, in the database, a council admin adding their non-member council to an existing partnership', async () => {
      const id = await partnership(t, adminGlasgow, 'Clyde Valley economic strategy', [
        lanarkshire,
      ]);
      const settings = { userId: adminBanes.id, councilId: banes, role: 'council_admin' };
      for (const role of ['member', 'administering']) {
        await expect(
          queryAs(
            t.db.appUrl,
            settings,
            `INSERT INTO partnership_members (partnership_id, council_id, role) VALUES ($1, $2, $3)`,
            [id, banes, role],
          ),
        ).rejects.toThrow(/row-level security/);
      }
      const stored = await queryAs(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT id FROM partnership_members WHERE partnership_id = $1 AND council_id = $2',
        [id, banes],
      );
      expect(stored).toEqual([]);
    });

    it('refuses, in the database, a council admin making their council administer a partnership a platform admin created without members', async () => {
      const created = await call(
        t,
        world.admin,
        'post',
        '/partnerships',
        { name: 'Awaiting its administering council', kind: 'other' },
        201,
      );
      expect(created.body.administeringCouncilId).toBeNull();
      const settings = { userId: adminBanes.id, councilId: banes, role: 'council_admin' };
      await expect(
        queryAs(
          t.db.appUrl,
          settings,
          `INSERT INTO partnership_members (partnership_id, council_id, role) VALUES ($1, $2, 'administering')`,
          [created.body.id, banes],
        ),
      ).rejects.toThrow(/row-level security/);
    });
  });
});
