import { Client } from 'pg';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, submittedCase, workstream } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const RENFREWSHIRE = 'S12000038';
const BANES = 'E06000022';

/**
 * The rules a review found open, held by the service and, where the service could be
 * bypassed, by the database (migrations/1763900000000-hardening.ts).
 */
describe('hardening', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let lanarkshire: string;
  let inverclyde: string;
  let renfrewshire: string;
  let banes: string;
  let adminGlasgow: SignedIn;
  let officerGlasgow: SignedIn;
  let officerLanarkshire: SignedIn;
  let officerInverclyde: SignedIn;
  let officerRenfrewshire: SignedIn;
  let adminRenfrewshire: SignedIn;
  let officerBanes: SignedIn;
  let clydeValley: string;
  let waste: { id: string; version: number };

  const as = (who: SignedIn, role = 'officer') => ({
    userId: who.id,
    councilId: who.councilId!,
    role,
  });
  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    [glasgow, lanarkshire, inverclyde, renfrewshire, banes] = [
      await world.council(GLASGOW),
      await world.council(NORTH_LANARKSHIRE),
      await world.council(INVERCLYDE),
      await world.council(RENFREWSHIRE),
      await world.council(BANES),
    ];
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerRenfrewshire = await world.user(renfrewshire, 'officer');
    adminRenfrewshire = await world.user(renfrewshire, 'council_admin');
    officerBanes = await world.user(banes, 'officer');
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley', [
      lanarkshire,
      inverclyde,
      renfrewshire,
    ]);
    waste = await workstream(t, officerGlasgow, {
      title: 'Residual waste treatment',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow, lanarkshire],
      serviceArea: 'waste',
    });
  });
  afterAll(() => t.close());

  describe('SECURITY DEFINER functions', () => {
    it('pins every one to pg_catalog, public, pg_temp', async () => {
      const fns = await stored<{ name: string; config: string[] | null }>(
        `SELECT p.proname AS name, p.proconfig AS config FROM pg_proc p
          WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef ORDER BY 1`,
      );
      expect(fns.length).toBeGreaterThan(10);
      expect(
        fns.filter((f) => !f.config?.includes('search_path=pg_catalog, public, pg_temp')),
      ).toEqual([]);
    });

    it('does not let a temporary table stand in for one of ours inside them', async () => {
      // Test databases are copies of a template, and CREATE DATABASE does not copy the
      // template's privileges, so here the application role may still create temporary
      // tables (the migration revokes that in the service's own database). A temporary
      // partnership_members claiming Renfrewshire administers Clyde Valley must not count.
      const client = new Client({ connectionString: t.db.appUrl });
      await client.connect();
      try {
        await beginAs(client, {
          userId: adminRenfrewshire.id,
          councilId: renfrewshire,
          role: 'council_admin',
          requestId: 'shadow',
        });
        await client.query(
          `CREATE TEMP TABLE partnership_members (partnership_id uuid, council_id uuid, role text, left_on date)`,
        );
        await client.query(
          `INSERT INTO pg_temp.partnership_members VALUES ($1, $2, 'administering', NULL)`,
          [clydeValley, renfrewshire],
        );
        const { rows } = await client.query<{ administers: boolean }>(
          'SELECT app_administers($1) AS administers',
          [clydeValley],
        );
        expect(rows).toEqual([{ administers: false }]);
        await client.query('ROLLBACK');
      } finally {
        await client.end();
      }
    });
  });

  describe('read policies that cost one check per statement, not one query per row', () => {
    it("state the workstreams' rule on each record's own keys, the caller's settings read once", async () => {
      const policies = await stored<{ tablename: string; qual: string }>(
        `SELECT tablename, qual FROM pg_policies
          WHERE cmd = 'SELECT' AND policyname = tablename || '_read'
            AND tablename IN ('workstream_phase_changes', 'status_updates', 'milestones', 'key_actions', 'risks',
                              'business_cases', 'business_case_decisions', 'funding_lines', 'funding_repayments',
                              'workstream_participants', 'savings_lines')
          ORDER BY tablename`,
      );
      expect(policies).toHaveLength(11);
      for (const { tablename, qual } of policies) {
        // No helper that queries a table per row, and every settings function as an InitPlan.
        expect([tablename, /app_sees_workstream|\bEXISTS\b/.test(qual)]).toEqual([
          tablename,
          false,
        ]);
        expect([tablename, qual.match(/(?<!SELECT )app_[a-z_]+\(\)/g)]).toEqual([tablename, null]);
      }
      // The copies agree with the workstreams they belong to.
      const stale = await stored<{ n: number }>(
        `SELECT count(*)::int AS n FROM milestones m JOIN workstreams w ON w.id = m.workstream_id
          WHERE (m.partnership_id, m.owner_council_id) IS DISTINCT FROM (w.partnership_id, w.owner_council_id)`,
      );
      expect(stale[0].n).toBe(0);
    });
  });

  describe('partnership founders', () => {
    it('does not let the application role choose who founded a partnership', async () => {
      await expect(
        queryAs(
          t.db.appUrl,
          as(adminGlasgow, 'council_admin'),
          `INSERT INTO partnerships (name, kind, created_by) VALUES ('Forged', 'other', $1)`,
          [adminGlasgow.id],
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it('records the council admin who created a partnership, whose council administers it', async () => {
      const id = await partnership(t, adminGlasgow, 'Glasgow and Renfrewshire', []);
      const [row] = await stored<{ created_by: string }>(
        'SELECT created_by FROM partnerships WHERE id = $1',
        [id],
      );
      expect(row.created_by).toBe(adminGlasgow.id);
    });
  });

  describe('lead officers', () => {
    it('refuses new lead authorities that leave the lead officer without a lead council, naming leadOfficerId', async () => {
      const roads = await workstream(t, officerGlasgow, {
        title: 'Roads asset management',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow, lanarkshire],
      });
      const named = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${roads.id}`,
        { leadOfficerId: officerLanarkshire.id, version: roads.version },
        200,
      );
      const dropped = await call(t, officerGlasgow, 'patch', `/workstreams/${roads.id}`, {
        leadCouncilIds: [glasgow],
        version: named.body.version,
      });
      expect(dropped.status).toBe(400);
      expect(dropped.body.errors).toEqual([expect.objectContaining({ field: 'leadOfficerId' })]);
      const [kept] = await stored<{ lead_council_ids: string[]; lead_officer_id: string }>(
        'SELECT lead_council_ids, lead_officer_id FROM workstreams WHERE id = $1',
        [roads.id],
      );
      expect(kept).toEqual({
        lead_council_ids: [glasgow, lanarkshire],
        lead_officer_id: officerLanarkshire.id,
      });
      const replaced = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${roads.id}`,
        {
          leadCouncilIds: [glasgow],
          leadOfficerId: officerGlasgow.id,
          version: named.body.version,
        },
        200,
      );
      expect(replaced.body.leadOfficer).toMatchObject({ id: officerGlasgow.id });
    });

    it("shows partner councils a lead officer's name and job title only, and their own council the email too", async () => {
      const named = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${waste.id}`,
        { leadOfficerId: officerLanarkshire.id, version: waste.version },
        200,
      );
      waste.version = named.body.version as number;
      const [officer] = await stored<{ email: string; name: string; job_title: string | null }>(
        'SELECT email, name, job_title FROM users WHERE id = $1',
        [officerLanarkshire.id],
      );
      const seenBy = async (who: SignedIn) =>
        (await call(t, who, 'get', `/workstreams/${waste.id}`, undefined, 200)).body.leadOfficer;
      const partnerView = {
        id: officerLanarkshire.id,
        name: officer.name,
        jobTitle: officer.job_title,
      };
      expect(await seenBy(officerInverclyde)).toEqual(partnerView);
      expect(await seenBy(officerGlasgow)).toEqual(partnerView);
      expect(await seenBy(officerLanarkshire)).toEqual({ ...partnerView, email: officer.email });
      expect(await seenBy(world.admin)).toEqual({ ...partnerView, email: officer.email });
      // The list shows the same fields.
      const listed = await call(
        t,
        officerInverclyde,
        'get',
        `/workstreams?partnershipId=${clydeValley}`,
        undefined,
        200,
      );
      expect(listed.body.data.find((w: { id: string }) => w.id === waste.id).leadOfficer).toEqual(
        partnerView,
      );
      // The field rule reads no more: the user record itself stays the officer's council's.
      expect(
        (await call(t, officerInverclyde, 'get', `/users/${officerLanarkshire.id}`)).status,
      ).toBe(404);
      const users = await call(t, officerInverclyde, 'get', '/users', undefined, 200);
      expect(users.body.data.map((u: { id: string }) => u.id)).not.toContain(officerLanarkshire.id);
      // A council outside the partnership sees neither the workstream nor its officer.
      expect((await call(t, officerBanes, 'get', `/workstreams/${waste.id}`)).status).toBe(404);
    });

    it('refuses, in the database, a lead officer who does not work for a lead authority', async () => {
      await expect(
        stored('UPDATE workstreams SET lead_officer_id = $2 WHERE id = $1', [
          waste.id,
          officerBanes.id,
        ]),
      ).rejects.toThrow(/lead officer must work for one of the lead authorities/);
    });
  });

  describe('business cases, decisions and savings', () => {
    it("refuses, in the database, a decision on another workstream's business case", async () => {
      const other = await workstream(t, officerGlasgow, {
        title: 'Shared payroll',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
      });
      const theCase = {
        body: { id: await submittedCase(t, officerGlasgow, other.id, 'Payroll business case') },
      };
      await expect(
        stored(
          `INSERT INTO business_case_decisions (business_case_id, workstream_id, council_id, decision, decided_on)
           VALUES ($1, $2, $3, 'approved', current_date)`,
          [theCase.body.id, waste.id, glasgow],
        ),
      ).rejects.toThrow(/foreign key/);
      // Through the API the case is simply not one of this workstream's.
      const res = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${waste.id}/business-cases/${theCase.body.id}/decisions`,
        { decision: 'approved', decidedOn: '2026-01-15' },
      );
      expect(res.status).toBe(404);
    });

    it('answers a decision edit with a case id that is not an id with 404', async () => {
      const res = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${waste.id}/business-cases/not-a-uuid/decisions/00000000-0000-4000-8000-000000000000`,
        { decision: 'approved', version: 1 },
      );
      expect(res.status).toBe(404);
    });

    it('keeps savings lines to the councils that take part: 409 for a member that does not, and RLS refuses it too', async () => {
      const before = await stored<{ n: number }>(
        'SELECT count(*)::int AS n FROM savings_lines WHERE workstream_id = $1',
        [waste.id],
      );
      const line = { financialYear: '2026-27', plannedPence: 100_000, cashable: true };
      const refused = await call(
        t,
        officerRenfrewshire,
        'post',
        `/workstreams/${waste.id}/savings`,
        line,
      );
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toMatch(/takes part/);
      await expect(
        queryAs(
          t.db.appUrl,
          as(officerRenfrewshire),
          `INSERT INTO savings_lines (workstream_id, council_id, financial_year, planned_pence, cashable)
           VALUES ($1, $2, '2026-27', 100000, true)`,
          [waste.id, renfrewshire],
        ),
      ).rejects.toThrow(/row-level security/);
      expect(
        await stored('SELECT count(*)::int AS n FROM savings_lines WHERE workstream_id = $1', [
          waste.id,
        ]),
      ).toEqual(before);

      // A lead authority keeps its own; a participant, once it has joined, too.
      await call(t, officerLanarkshire, 'post', `/workstreams/${waste.id}/savings`, line, 201);
      await call(t, officerInverclyde, 'post', `/workstreams/${waste.id}/participants`, {}, 201);
      await call(t, officerInverclyde, 'post', `/workstreams/${waste.id}/savings`, line, 201);
    });

    it('commits a council only on an approval of a case that is not a draft, in the database too', async () => {
      const hubs = await workstream(t, officerGlasgow, {
        title: 'Property hubs',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
      });
      const theCase = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${hubs.id}/business-cases`,
        { title: 'Hubs business case' },
        201,
      );
      // Not even behind the service's back is a decision on a draft recorded.
      await expect(
        stored(
          `INSERT INTO business_case_decisions (business_case_id, workstream_id, council_id, decision, decided_on)
           VALUES ($1, $2, $3, 'approved', current_date)`,
          [theCase.body.id, hubs.id, inverclyde],
        ),
      ).rejects.toThrow(/still a draft/);
      const res = await call(t, officerInverclyde, 'post', `/workstreams/${hubs.id}/participants`, {
        status: 'committed',
      });
      expect(res.status).toBe(409);
      await expect(
        stored(
          `INSERT INTO workstream_participants (workstream_id, council_id, status) VALUES ($1, $2, 'committed')`,
          [hubs.id, inverclyde],
        ),
      ).rejects.toThrow(/approving a business case/);
    });
  });

  describe('history', () => {
    it('does not let the application role forge the author or time of a status update, or set the RAG by hand', async () => {
      const settings = as(officerGlasgow);
      await expect(
        queryAs(
          t.db.appUrl,
          settings,
          `INSERT INTO status_updates (workstream_id, rag, period, author_user_id) VALUES ($1, 'green', 'Q1', $2)`,
          [waste.id, officerLanarkshire.id],
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(
        queryAs(
          t.db.appUrl,
          settings,
          `INSERT INTO workstream_phase_changes (workstream_id, from_phase, to_phase, created_at)
           VALUES ($1, 'idea', 'research', '2000-01-01')`,
          [waste.id],
        ),
      ).rejects.toThrow(/permission denied/);
      await expect(
        queryAs(
          t.db.appUrl,
          settings,
          `UPDATE workstreams SET current_rag = 'green' WHERE id = $1`,
          [waste.id],
        ),
      ).rejects.toThrow(/permission denied/);

      // Through the API, the latest update still sets the RAG, with the author recorded.
      const update = await call(
        t,
        officerLanarkshire,
        'post',
        `/workstreams/${waste.id}/status-updates`,
        { rag: 'amber', period: 'Q2 2026-27', reason: 'Procurement delayed' },
        201,
      );
      expect(update.body.authorUserId).toBe(officerLanarkshire.id);
      const shown = await call(
        t,
        officerInverclyde,
        'get',
        `/workstreams/${waste.id}`,
        undefined,
        200,
      );
      expect(shown.body.rag).toBe('amber');
    });

    it("completes a milestone marked done without a date on the database's today", async () => {
      const created = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${waste.id}/milestones`,
        { title: 'Contract award', dueOn: '2026-03-31', status: 'done' },
        201,
      );
      const [{ today }] = await stored<{ today: string }>(
        `SELECT to_char(current_date, 'YYYY-MM-DD') AS today`,
      );
      expect(created.body.completedOn).toBe(today);
      const planned = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${waste.id}/milestones`,
        { title: 'Site works', dueOn: '2027-03-31' },
        201,
      );
      expect(planned.body.completedOn).toBeNull();
      const done = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${waste.id}/milestones/${planned.body.id}`,
        { status: 'done', version: planned.body.version },
        200,
      );
      expect(done.body.completedOn).toBe(today);
      const reopened = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${waste.id}/milestones/${planned.body.id}`,
        { status: 'in_progress', version: done.body.version },
        200,
      );
      expect(reopened.body.completedOn).toBeNull();
    });
  });

  describe('bad input', () => {
    it('answers a NUL character with 400 naming the field, and stores nothing', async () => {
      const res = await call(t, officerGlasgow, 'post', '/workstreams', {
        title: 'Nul\u0000title',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
        serviceArea: 'waste',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'title' })]);
      const query = await call(t, officerGlasgow, 'get', '/workstreams?q=a%00b');
      expect(query.status).toBe(400);
      expect(query.body.errors).toEqual([expect.objectContaining({ field: 'q' })]);
      expect(await stored(`SELECT 1 FROM workstreams WHERE title LIKE 'Nul%'`)).toEqual([]);
    });

    it('answers an unknown service area with 400 naming serviceArea', async () => {
      const res = await call(t, officerGlasgow, 'post', '/workstreams', {
        title: 'Mystery service',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
        serviceArea: 'no-such-area',
      });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'serviceArea' })]);
      expect(await stored(`SELECT 1 FROM workstreams WHERE title = 'Mystery service'`)).toEqual([]);
    });

    it('answers a financial year whose halves do not follow on (2025-27) with 400 naming financialYear', async () => {
      const count = 'SELECT count(*)::int AS n FROM savings_lines WHERE workstream_id = $1';
      const before = await stored(count, [waste.id]);
      const res = await call(t, officerLanarkshire, 'post', `/workstreams/${waste.id}/savings`, {
        financialYear: '2025-27',
        plannedPence: 1,
        cashable: true,
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'financialYear' })]);
      const totals = await call(
        t,
        officerLanarkshire,
        'get',
        '/savings/totals?financialYear=2025-27',
      );
      expect(totals.status).toBe(400);
      expect(await stored(count, [waste.id])).toEqual(before);
    });

    it('answers a member council id that names no council with 400 naming councilId', async () => {
      const res = await call(t, adminGlasgow, 'post', `/partnerships/${clydeValley}/members`, {
        councilId: '00000000-0000-4000-8000-000000000001',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'councilId' })]);
    });
  });
});
