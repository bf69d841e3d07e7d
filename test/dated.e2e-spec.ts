/**
 * Records dated as councils report them, and answers that agree (README, the rules of
 * workstreams): status updates report on a date, overdue, the dashboard and the savings totals
 * read "as at" a date, a council may chair and administer at once and its role may end
 * without a successor, and the dashboard counts what the list calls "taking part".
 */
import { TestApp } from './support/test-app';
import { queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, submittedCase, workstream } from './support/world';

describe('dated as councils report them', () => {
  let t: TestApp;
  let world: World;
  let [glasgow, inverclyde, wdc, cv]: string[] = [];
  let [adminGlasgow, officerGlasgow, officerInverclyde, adminWdc]: SignedIn[] = [];
  let ws: { id: string; version: number };

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    glasgow = await world.council('S12000049');
    inverclyde = await world.council('S12000018');
    wdc = await world.council('S12000039');
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    adminWdc = await world.user(wdc, 'council_admin');
    cv = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [inverclyde, wdc]);
    ws = await workstream(t, officerGlasgow, {
      title: 'An integrated waste management approach',
      partnershipId: cv,
      leadCouncilIds: [glasgow],
    });
  });
  afterAll(() => t.close());

  const update = (body: object, expected?: number) =>
    call(t, officerGlasgow, 'post', `/workstreams/${ws.id}/status-updates`, body, expected);

  it('dates a status update by the day it reports on: not after today, today by default', async () => {
    const future = await update({ rag: 'green', period: 'Next year', asAt: '2099-01-01' });
    expect(future.status).toBe(400);
    expect(future.body.errors).toEqual([{ field: 'asAt', message: expect.any(String) }]);
    const today = await update({ rag: 'green', period: 'This month' }, 201);
    expect(today.body.asAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await expect(
      queryAs(
        t.db.appUrl,
        { userId: officerGlasgow.id, councilId: glasgow, role: 'officer' },
        `INSERT INTO status_updates (workstream_id, rag, period, as_at) VALUES ($1, 'green', 'x', current_date + 1)`,
        [ws.id],
      ),
    ).rejects.toThrow(/not after today/);
  });

  it('shows the update with the latest asAt, whatever the order they were recorded in', async () => {
    const other = await workstream(t, officerGlasgow, {
      title: 'Shared roads maintenance',
      partnershipId: cv,
      leadCouncilIds: [glasgow],
    });
    const post = (body: object) =>
      call(t, officerGlasgow, 'post', `/workstreams/${other.id}/status-updates`, body, 201);
    await post({
      rag: 'amber',
      period: 'Q4 2009-10',
      asAt: '2010-03-31',
      reason: 'Lead officer not named',
    });
    await post({ rag: 'red', period: 'Q2 2009-10', asAt: '2009-09-30', reason: 'No scope agreed' });
    const read = await call(t, officerGlasgow, 'get', `/workstreams/${other.id}`, undefined, 200);
    expect(read.body).toMatchObject({
      rag: 'amber',
      latestStatus: { rag: 'amber', asAt: '2010-03-31' },
    });
  });

  describe('as at a date', () => {
    let milestones: string;
    beforeAll(async () => {
      milestones = `/workstreams/${ws.id}/milestones`;
      const add = (body: object) => call(t, officerGlasgow, 'post', milestones, body, 201);
      await add({
        title: 'Done on the day',
        dueOn: '2010-03-12',
        status: 'done',
        completedOn: '2010-03-12',
      });
      await add({ title: 'Not done', dueOn: '2010-03-12' });
      await add({
        title: 'Done late',
        dueOn: '2010-03-12',
        status: 'done',
        completedOn: '2010-04-15',
      });
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws.id}/status-updates`,
        {
          rag: 'red',
          period: 'Q4 2009-10',
          asAt: '2010-03-31',
          reason: 'Two milestones slipped',
        },
        201,
      );
    });

    it('calls a milestone overdue as it stood on the date', async () => {
      const at = async (asOf: string) =>
        Object.fromEntries(
          (
            (await call(t, officerGlasgow, 'get', `${milestones}?asOf=${asOf}`, undefined, 200))
              .body.data as { title: string; overdue: boolean }[]
          ).map((m) => [m.title, m.overdue]),
        );
      expect(await at('2010-03-31')).toEqual({
        'Done on the day': false,
        'Not done': true,
        'Done late': true,
      });
      expect(await at('2010-05-01')).toEqual({
        'Done on the day': false,
        'Not done': true,
        'Done late': false,
      });
      const listed = await call(
        t,
        officerGlasgow,
        'get',
        `/workstreams?overdue=true&asOf=2010-03-01`,
        undefined,
        200,
      );
      expect(listed.body.data).toEqual([]);
      const later = await call(
        t,
        officerGlasgow,
        'get',
        `/workstreams?overdue=true&asOf=2010-03-31`,
        undefined,
        200,
      );
      expect(later.body.data.map((w: { id: string }) => w.id)).toEqual([ws.id]);
    });

    it("reads the dashboard as at the date: that day's RAG, overdue then, that year's savings", async () => {
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws.id}/savings`,
        {
          financialYear: '2009-10',
          plannedPence: 5000000,
          realisedPence: 2000000,
          cashable: true,
        },
        201,
      );
      const then = await call(
        t,
        officerGlasgow,
        'get',
        '/dashboard?asOf=2010-03-31',
        undefined,
        200,
      );
      expect(then.body).toMatchObject({
        asOf: '2010-03-31',
        overdueMilestones: 2,
        savings: { financialYear: '2009-10', plannedPence: 5000000, realisedPence: 2000000 },
      });
      expect(then.body.workstreams.byRag).toMatchObject({ red: 1, amber: 1 });
      const now = await call(t, officerGlasgow, 'get', '/dashboard', undefined, 200);
      expect(now.body.workstreams.byRag.green).toBe(1);
      expect(now.body.overdueMilestones).toBe(1);
      const totals = await call(
        t,
        officerGlasgow,
        'get',
        '/savings/totals?asOf=2009-03-31',
        undefined,
        200,
      );
      expect(totals.body.total.plannedPence).toBe(0);
    });
  });

  describe('answers that agree', () => {
    it('counts on the dashboard exactly what the list calls taking part, in any status', async () => {
      const declined = await workstream(t, officerGlasgow, {
        title: 'Social transport',
        partnershipId: cv,
        leadCouncilIds: [glasgow],
      });
      await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${declined.id}/participants`,
        {
          status: 'declined',
          reason: 'No capacity this year',
        },
        201,
      );
      const caseId = await submittedCase(t, officerGlasgow, ws.id, 'OBC');
      expect(caseId).toBeTruthy();
      await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${ws.id}/participants`,
        { status: 'interested' },
        201,
      );
      const listed = await call(
        t,
        officerInverclyde,
        'get',
        `/workstreams?councilId=${inverclyde}`,
        undefined,
        200,
      );
      const dashboard = await call(t, officerInverclyde, 'get', '/dashboard', undefined, 200);
      expect(dashboard.body.workstreams.total).toBe(listed.body.data.length);
      expect(dashboard.body.workstreams.byParticipation).toEqual({
        lead: 0,
        interested: 1,
        committed: 0,
        declined: 1,
        not_participating: 0,
      });
      // A platform admin reads Inverclyde's dashboard through Inverclyde's eyes.
      const byAdmin = await call(
        t,
        world.admin,
        'get',
        `/dashboard?councilId=${inverclyde}`,
        undefined,
        200,
      );
      expect(byAdmin.body).toEqual(dashboard.body);
    });
  });

  describe('404 before 403, and filters like bodies', () => {
    it('answers a viewer posting under a partnership it is not in with 404, not 403', async () => {
      const outsider = await world.user(await world.council('E06000022'), 'viewer');
      const res = await call(t, outsider, 'post', '/workstreams', {
        title: 'Not mine',
        serviceArea: 'other',
        partnershipId: cv,
        leadCouncilIds: [glasgow],
      });
      expect(res.status).toBe(404);
      const viewerInside = await world.user(inverclyde, 'viewer');
      const inside = await call(t, viewerInside, 'post', '/workstreams', {
        title: 'Still not mine',
        serviceArea: 'other',
        partnershipId: cv,
        leadCouncilIds: [glasgow],
      });
      expect(inside.status).toBe(403);
    });

    it("answers a member that does not administer 404 on another partnership's membership row", async () => {
      const other = await partnership(t, adminWdc, 'Another partnership', [glasgow]);
      const rows = await call(t, adminWdc, 'get', `/partnerships/${other}/members`, undefined, 200);
      const row = (rows.body.data as { id: string }[])[0];
      const adminInverclyde = await world.user(inverclyde, 'council_admin');
      const wrong = await call(
        t,
        adminInverclyde,
        'patch',
        `/partnerships/${cv}/members/${row.id}`,
        { role: 'chair', version: 1 },
      );
      expect(wrong.status).toBe(404);
      const own = await call(
        t,
        adminInverclyde,
        'get',
        `/partnerships/${cv}/members`,
        undefined,
        200,
      );
      const inCv = (own.body.data as { id: string; version: number }[])[0];
      const notAdmin = await call(
        t,
        adminInverclyde,
        'patch',
        `/partnerships/${cv}/members/${inCv.id}`,
        { role: 'chair', version: inCv.version },
      );
      expect(notAdmin.status).toBe(403);
    });

    it('answers an unknown serviceArea filter with 400 naming it', async () => {
      const res = await call(t, officerGlasgow, 'get', '/workstreams?serviceArea=no_such_area');
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'serviceArea', message: expect.any(String) }]);
      await call(t, officerGlasgow, 'get', '/workstreams?serviceArea=waste', undefined, 200);
    });
  });

  describe('membership', () => {
    it('lets a council chair and administer at once, and end the role without a successor', async () => {
      const p = await partnership(t, adminWdc, 'Clyde Valley 2010', [glasgow]);
      const members = await call(t, adminWdc, 'get', `/partnerships/${p}/members`, undefined, 200);
      const own = (members.body.data as { id: string; councilId: string; version: number }[]).find(
        (m) => m.councilId === wdc,
      )!;
      const chaired = await call(
        t,
        adminWdc,
        'patch',
        `/partnerships/${p}/members/${own.id}`,
        { chair: true, version: own.version },
        200,
      );
      expect(chaired.body).toMatchObject({ role: 'administering', chair: true });
      const ended = await call(
        t,
        adminWdc,
        'post',
        `/partnerships/${p}/administering/end`,
        {},
        200,
      );
      expect(ended.body).toMatchObject({
        councilId: wdc,
        role: 'member',
        chair: false,
        leftOn: null,
      });
      const read = await call(t, world.admin, 'get', `/partnerships/${p}`, undefined, 200);
      expect(read.body.administeringCouncilId).toBeNull();
      // No one administers it now: its former administering council no longer manages it.
      const again = await call(t, adminWdc, 'post', `/partnerships/${p}/administering/end`, {});
      expect(again.status).toBe(403);
      await call(
        t,
        world.admin,
        'post',
        `/partnerships/${p}/administering`,
        { councilId: glasgow, chair: true },
        200,
      );
      const history = await call(
        t,
        world.admin,
        'get',
        `/partnerships/${p}/members?current=false`,
        undefined,
        200,
      );
      for (const row of history.body.data as { joinedOn: string; leftOn: string | null }[]) {
        expect(row.leftOn === null || row.leftOn > row.joinedOn).toBe(true);
      }
    });
  });
});
