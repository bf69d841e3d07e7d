import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const BANES = 'E06000022';
const POUND = 100;

describe('workstreams and their records', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let lanarkshire: string;
  let inverclyde: string;
  let banes: string;
  let adminGlasgow: SignedIn;
  let officerGlasgow: SignedIn;
  let officerLanarkshire: SignedIn;
  let officerInverclyde: SignedIn;
  let viewerInverclyde: SignedIn;
  let officerBanes: SignedIn;
  let clydeValley: string;
  let waste: { id: string; version: number };

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    [glasgow, lanarkshire, inverclyde, banes] = [
      await world.council(GLASGOW),
      await world.council(NORTH_LANARKSHIRE),
      await world.council(INVERCLYDE),
      await world.council(BANES),
    ];
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    viewerInverclyde = await world.user(inverclyde, 'viewer');
    officerBanes = await world.user(banes, 'officer');
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [lanarkshire, inverclyde]);
    waste = await workstream(t, officerGlasgow, {
      title: 'An integrated waste management approach',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow, lanarkshire],
      serviceArea: 'waste',
      priorityRank: 1,
    });
  });
  afterAll(() => t.close());

  const get = (who: SignedIn, path: string) => call(t, who, 'get', path);

  describe('who sees what', () => {
    it('gives a council outside the partnership 404 on the partnership, its workstreams and every record', async () => {
      const milestone = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${waste.id}/milestones`,
        {
          title: 'Lead officer identified',
          dueOn: '2030-03-12',
        },
        201,
      );
      const paths = [
        `/partnerships/${clydeValley}`,
        `/partnerships/${clydeValley}/members`,
        `/partnerships/${clydeValley}/alignment`,
        `/workstreams/${waste.id}`,
        ...[
          'milestones',
          'actions',
          'risks',
          'status-updates',
          'participants',
          'business-cases',
          'savings',
          'funding',
          'phase-changes',
        ].map((child) => `/workstreams/${waste.id}/${child}`),
      ];
      for (const path of paths) {
        const res = await get(officerBanes, path);
        expect([path, res.status]).toEqual([path, 404]);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      }
      const edit = await call(
        t,
        officerBanes,
        'patch',
        `/workstreams/${waste.id}/milestones/${milestone.body.id}`,
        { status: 'done', version: 1 },
      );
      expect(edit.status).toBe(404);
      const list = await get(officerBanes, '/workstreams');
      expect(list.body.data).toEqual([]);
      // Row-level security draws the same line without the application's conditions.
      const rows = await queryAs(
        t.db.appUrl,
        { userId: officerBanes.id, councilId: banes, role: 'officer' },
        'SELECT id FROM milestones UNION ALL SELECT id FROM workstreams',
      );
      expect(rows).toEqual([]);
    });

    it('gives a member council that is not a lead 403 on editing a milestone, and 200 on its own participation', async () => {
      const milestone = await call(
        t,
        officerLanarkshire,
        'post',
        `/workstreams/${waste.id}/milestones`,
        {
          title: 'Scope and remit agreed',
          dueOn: '2030-03-12',
        },
        201,
      );
      const edit = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${waste.id}/milestones/${milestone.body.id}`,
        { status: 'in_progress', version: 1 },
      );
      expect(edit.status).toBe(403);
      const joined = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${waste.id}/participants`,
        {
          priorityRank: 1,
        },
        201,
      );
      expect(joined.body).toMatchObject({
        councilId: inverclyde,
        status: 'interested',
        priorityRank: 1,
      });
      const ranked = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${waste.id}/participants/${joined.body.id}`,
        { priorityRank: 2, version: joined.body.version },
      );
      expect(ranked.status).toBe(200);
      expect(ranked.body).toMatchObject({ priorityRank: 2, version: 2 });
      // A viewer reads but does not change, and no council changes another's participation.
      for (const who of [viewerInverclyde, officerGlasgow]) {
        const res = await call(
          t,
          who,
          'patch',
          `/workstreams/${waste.id}/participants/${joined.body.id}`,
          { priorityRank: 3, version: 2 },
        );
        expect(res.status).toBe(403);
      }
      const [stored] = await queryAs<{ priority_rank: number; status: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'SELECT priority_rank, status FROM workstream_participants WHERE id = $1',
        [joined.body.id],
      );
      expect(stored).toEqual({ priority_rank: 2, status: 'interested' });
      const milestoneNow = await get(viewerInverclyde, `/workstreams/${waste.id}/milestones`);
      expect(milestoneNow.body.data.map((m: { status: string }) => m.status)).not.toContain(
        'in_progress',
      );
    });

    it("keeps a council's private workstream invisible to every other council, its partners included", async () => {
      const internal = await workstream(t, officerInverclyde, {
        title: 'Budget review of roads',
        serviceArea: 'roads',
      });
      await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${internal.id}/savings`,
        {
          financialYear: '2026-27',
          plannedPence: 40_000 * POUND,
          cashable: true,
        },
        201,
      );
      const own = await get(viewerInverclyde, `/workstreams/${internal.id}`);
      expect(own.body).toMatchObject({ visibility: 'private', ownerCouncilId: inverclyde });
      for (const who of [officerGlasgow, adminGlasgow, officerBanes]) {
        expect((await get(who, `/workstreams/${internal.id}`)).status).toBe(404);
        expect((await get(who, `/workstreams/${internal.id}/savings`)).status).toBe(404);
        const list = await get(who, '/workstreams?limit=100');
        expect(list.body.data.map((w: { id: string }) => w.id)).not.toContain(internal.id);
        const totals = await get(who, `/savings/totals?councilId=${inverclyde}`);
        expect(totals.body.data).toEqual([]);
        expect(totals.body.total.plannedPence).toBe(0);
      }
      const ownTotals = await get(officerInverclyde, `/savings/totals?councilId=${inverclyde}`);
      expect(ownTotals.body.total.plannedPence).toBe(40_000 * POUND);
    });
  });

  describe('rules from the seeds', () => {
    it('refuses a commitment without an approved business case (409), and accepts it after approval', async () => {
      const transport = await workstream(t, officerLanarkshire, {
        title: 'Social transport and fleet management',
        partnershipId: clydeValley,
        leadCouncilIds: [lanarkshire, glasgow],
      });
      const joined = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${transport.id}/participants`,
        {
          priorityRank: 3,
        },
        201,
      );
      const early = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${transport.id}/participants/${joined.body.id}`,
        { status: 'committed', version: joined.body.version },
      );
      expect(early.status).toBe(409);
      expect(early.body.detail).toMatch(/approved a business case/);
      const draft = await call(
        t,
        officerLanarkshire,
        'post',
        `/workstreams/${transport.id}/business-cases`,
        {
          title: 'Outline business case',
          estimatedCostPence: 250_000 * POUND,
          estimatedSavingsPence: 1_000_000 * POUND,
        },
        201,
      );
      expect(draft.body).toMatchObject({ number: 1, status: 'draft' });
      const onDraft = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${transport.id}/business-cases/${draft.body.id}/decisions`,
        { decision: 'approved', decidedOn: '2010-03-25' },
      );
      expect(onDraft.status).toBe(409);
      await call(
        t,
        officerLanarkshire,
        'patch',
        `/workstreams/${transport.id}/business-cases/${draft.body.id}`,
        { status: 'submitted', version: 1 },
        200,
      );
      await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${transport.id}/business-cases/${draft.body.id}/decisions`,
        {
          decision: 'approved',
          decidedOn: '2010-03-25',
          decisionBody: 'Policy and Resources Committee',
        },
        201,
      );
      const committed = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${transport.id}/participants/${joined.body.id}`,
        { status: 'committed', version: joined.body.version },
      );
      expect(committed.status).toBe(200);
      expect(committed.body.status).toBe('committed');
      // The database holds the same rule if the service were bypassed.
      await expect(
        queryAs(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `INSERT INTO workstream_participants (workstream_id, council_id, status) VALUES ($1, $2, 'committed')`,
          [transport.id, glasgow],
        ),
      ).rejects.toThrow(/approving a business case/);
    });

    it('keeps every RAG status update in order and shows the latest on the workstream', async () => {
      const hubs = await workstream(t, officerGlasgow, {
        title: 'Property sharing and local management in hubs',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
      });
      const missingReason = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${hubs.id}/status-updates`,
        {
          rag: 'amber',
          period: 'Q4 2009-10',
        },
      );
      expect(missingReason.status).toBe(400);
      expect(missingReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const updates = [
        { rag: 'green', period: 'Q1 2010-11' },
        { rag: 'amber', period: 'Q2 2010-11', reason: 'Lead officer not yet identified' },
        { rag: 'red', period: 'Q3 2010-11', reason: 'Capacity shortfall' },
        { rag: 'green', period: 'Q4 2010-11', achievements: 'Business case approved' },
      ];
      for (const update of updates) {
        await call(
          t,
          officerGlasgow,
          'post',
          `/workstreams/${hubs.id}/status-updates`,
          update,
          201,
        );
      }
      const history = await get(viewerInverclyde, `/workstreams/${hubs.id}/status-updates?limit=3`);
      const next = await get(
        viewerInverclyde,
        `/workstreams/${hubs.id}/status-updates?limit=3&cursor=${history.body.nextCursor}`,
      );
      expect(
        [...history.body.data, ...next.body.data].map((u: { period: string }) => u.period),
      ).toEqual(['Q4 2010-11', 'Q3 2010-11', 'Q2 2010-11', 'Q1 2010-11']);
      const shown = await get(viewerInverclyde, `/workstreams/${hubs.id}`);
      expect(shown.body).toMatchObject({
        rag: 'green',
        latestStatus: { rag: 'green', period: 'Q4 2010-11' },
      });
      const red = await get(viewerInverclyde, `/workstreams?rag=red`);
      expect(red.body.data.map((w: { id: string }) => w.id)).not.toContain(hubs.id);
      // History is append-only for the application role.
      await expect(
        queryAs(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `DELETE FROM status_updates WHERE workstream_id = $1`,
          [hubs.id],
        ),
      ).rejects.toThrow(/permission denied/);
    });

    it('answers one of two concurrent edits with the same version 200 and the other 409, losing nothing', async () => {
      const charging = await workstream(t, officerGlasgow, {
        title: 'Common charging framework',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow, lanarkshire],
      });
      const [a, b] = await Promise.all([
        call(t, officerGlasgow, 'patch', `/workstreams/${charging.id}`, {
          scope: 'Charges for social care',
          version: charging.version,
        }),
        call(t, officerLanarkshire, 'patch', `/workstreams/${charging.id}`, {
          scope: 'Charges for leisure',
          version: charging.version,
        }),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const winner = a.status === 200 ? a : b;
      const stored = await get(officerInverclyde, `/workstreams/${charging.id}`);
      expect(stored.body).toMatchObject({
        scope: winner.body.scope,
        version: charging.version + 1,
      });
      const audited = await queryAs<{ n: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*) AS n FROM audit_events WHERE entity_id = $1 AND action = 'update'`,
        [charging.id],
      );
      expect(audited[0].n).toBe('1');
    });

    it('moves the phase only forward, and back only by a reopen with a reason', async () => {
      const economy = await workstream(t, officerGlasgow, {
        title: 'Joint economic strategy',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
      });
      const forward = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${economy.id}`,
        {
          phase: 'business_case',
          version: economy.version,
        },
        200,
      );
      const back = await call(t, officerGlasgow, 'patch', `/workstreams/${economy.id}`, {
        phase: 'idea',
        version: forward.body.version,
      });
      expect(back.status).toBe(409);
      const noReason = await call(t, officerGlasgow, 'post', `/workstreams/${economy.id}/reopen`, {
        phase: 'research',
        version: forward.body.version,
      });
      expect(noReason.status).toBe(400);
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${economy.id}/reopen`,
        {
          phase: 'research',
          reason: 'Business case to be redone with new partners',
          version: forward.body.version,
        },
        200,
      );
      const changes = await get(viewerInverclyde, `/workstreams/${economy.id}/phase-changes`);
      expect(changes.body.data).toMatchObject([
        { fromPhase: 'idea', toPhase: 'business_case', reason: null },
        {
          fromPhase: 'business_case',
          toPhase: 'research',
          reason: 'Business case to be redone with new partners',
        },
      ]);
    });

    it("makes £50k repayable at £1.2m of realised savings and £100k at £5m, under Leeds' funding rules", async () => {
      const leeds = await world.council('E08000035');
      const officerLeeds = await world.user(leeds, 'officer');
      const decats = await workstream(t, officerLeeds, {
        title: 'Explore opportunities for collaboration (DECATS)',
        serviceArea: 'back_office',
      });
      const funding = await call(
        t,
        officerLeeds,
        'post',
        `/workstreams/${decats.id}/funding`,
        {
          funder: 'Local Partnerships',
          amountPence: 100_000 * POUND,
          atRisk: true,
          repaymentThresholds: [
            { realisedSavingsPence: 1_000_000 * POUND, repaymentPence: 50_000 * POUND },
            { realisedSavingsPence: 5_000_000 * POUND, repaymentPence: 50_000 * POUND },
          ],
        },
        201,
      );
      expect(funding.body).toMatchObject({ repayablePence: 0, realisedSavingsPence: 0 });
      const line = await call(
        t,
        officerLeeds,
        'post',
        `/workstreams/${decats.id}/savings`,
        {
          financialYear: '2010-11',
          plannedPence: 5_000_000 * POUND,
          realisedPence: 1_200_000 * POUND,
          cashable: true,
        },
        201,
      );
      const after12 = await get(officerLeeds, `/workstreams/${decats.id}/funding`);
      expect(after12.body.data[0]).toMatchObject({
        realisedSavingsPence: 1_200_000 * POUND,
        repayablePence: 50_000 * POUND,
        repaymentThresholds: [{ reached: true }, { reached: false }],
      });
      await call(
        t,
        officerLeeds,
        'patch',
        `/workstreams/${decats.id}/savings/${line.body.id}`,
        {
          realisedPence: 5_000_000 * POUND,
          version: line.body.version,
        },
        200,
      );
      const after5 = await get(officerLeeds, `/workstreams/${decats.id}/funding`);
      expect(after5.body.data[0].repayablePence).toBe(100_000 * POUND);
    });

    it("names roads as Inverclyde's priority that the partnership did not put in its top three", async () => {
      const cv = await partnership(t, adminGlasgow, 'Clyde Valley (alignment)', [
        lanarkshire,
        inverclyde,
      ]);
      const titles = [
        'An integrated waste management approach',
        'An integrated approach to health and social care',
        'A single social transport solution',
        'Property sharing and management in hubs',
        'Developing an approach to the back office',
        'Joint and streamlined fleet management and maintenance',
        'A common charging framework',
        'Shared roads maintenance',
        'Joint economic strategy',
        'Joint workforce planning',
      ];
      const ids: string[] = [];
      for (const [i, title] of titles.entries()) {
        ids.push(
          (
            await workstream(t, officerGlasgow, {
              title,
              partnershipId: cv,
              leadCouncilIds: [glasgow],
              priorityRank: i + 1,
            })
          ).id,
        );
      }
      // Inverclyde's own ranking of 15 December 2009: waste, roads, social transport.
      for (const [rank, index] of [
        [1, 0],
        [2, 7],
        [3, 2],
      ]) {
        await call(
          t,
          officerInverclyde,
          'post',
          `/workstreams/${ids[index]}/participants`,
          { priorityRank: rank },
          201,
        );
      }
      const res = await get(viewerInverclyde, `/partnerships/${cv}/alignment`);
      expect(res.status).toBe(200);
      expect(res.body.partnershipPriorities.map((p: { title: string }) => p.title)).toEqual(
        titles.slice(0, 3),
      );
      const own = res.body.councils.find((c: { councilId: string }) => c.councilId === inverclyde);
      expect(own.sharedWithPartnership.map((p: { title: string }) => p.title)).toEqual([
        'An integrated waste management approach',
        'A single social transport solution',
      ]);
      expect(own.notPrioritisedByPartnership).toEqual([
        {
          workstreamId: ids[7],
          title: 'Shared roads maintenance',
          partnershipRank: 8,
          councilRank: 2,
        },
      ]);
    });
  });

  describe('councils named by name', () => {
    const nameOf = async (id: string) =>
      (await call(t, viewerInverclyde, 'get', `/councils/${id}`, undefined, 200)).body
        .name as string;

    it('names each lead authority of a workstream, in the order of leadCouncilIds, in the list and the record', async () => {
      const leads = [
        { id: glasgow, name: await nameOf(glasgow) },
        { id: lanarkshire, name: await nameOf(lanarkshire) },
      ];
      expect(leads[0].name).not.toBe(leads[1].name);
      const one = await get(viewerInverclyde, `/workstreams/${waste.id}`);
      expect(one.body).toMatchObject({
        leadCouncilIds: [glasgow, lanarkshire],
        leadCouncils: leads,
      });
      const list = await get(
        viewerInverclyde,
        `/workstreams?partnershipId=${clydeValley}&limit=100`,
      );
      const listed = (list.body.data as { id: string }[]).find((w) => w.id === waste.id);
      expect(listed).toMatchObject({ leadCouncils: leads });
      const own = await workstream(t, officerInverclyde, { title: 'Inverclyde payroll review' });
      const mine = await get(officerInverclyde, `/workstreams/${own.id}`);
      expect(mine.body.leadCouncils).toEqual([{ id: inverclyde, name: 'Inverclyde Council' }]);
    });

    it("names the council of each savings line, of each savings total by council, of a status update's author and of the dashboard", async () => {
      const payroll = await workstream(t, officerInverclyde, { title: 'Shared payroll' });
      const line = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${payroll.id}/savings`,
        { financialYear: '2026-27', plannedPence: 500 * POUND, cashable: true },
        201,
      );
      expect(line.body).toMatchObject({ councilId: inverclyde, councilName: 'Inverclyde Council' });
      const lines = await get(viewerInverclyde, `/workstreams/${payroll.id}/savings`);
      expect(lines.body.data).toEqual([
        expect.objectContaining({ councilId: inverclyde, councilName: 'Inverclyde Council' }),
      ]);
      const totals = await get(
        viewerInverclyde,
        `/savings/totals?groupBy=council&councilId=${inverclyde}`,
      );
      expect(totals.body).toMatchObject({
        data: [{ councilId: inverclyde, councilName: 'Inverclyde Council' }],
        nextCursor: null,
      });
      const byYear = await get(viewerInverclyde, `/savings/totals?groupBy=year`);
      expect(byYear.body.data[0]).not.toHaveProperty('councilName');
      const update = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${payroll.id}/status-updates`,
        { rag: 'green', period: '2026-27' },
        201,
      );
      expect(update.body).toMatchObject({
        authorCouncilId: inverclyde,
        authorCouncilName: 'Inverclyde Council',
      });
      const dashboard = await get(viewerInverclyde, '/dashboard');
      expect(dashboard.body).toMatchObject({
        councilId: inverclyde,
        councilName: 'Inverclyde Council',
      });
      const platform = await get(world.admin, `/dashboard?councilId=${glasgow}`);
      expect(platform.body).toMatchObject({
        councilId: glasgow,
        councilName: await nameOf(glasgow),
      });
      const nobody = await get(
        world.admin,
        '/dashboard?councilId=00000000-0000-4000-8000-000000000000',
      );
      expect(nobody.status).toBe(404);
    });
  });

  describe('dashboard', () => {
    it("changes for council A with A's private workstream and not with council B's", async () => {
      const dashboard = async (who: SignedIn) => (await get(who, '/dashboard')).body;
      const year = (await dashboard(officerGlasgow)).savings.financialYear as string;
      const change = async (who: SignedIn) => {
        const w = await workstream(t, who, { title: `Internal review ${year}` });
        await call(
          t,
          who,
          'post',
          `/workstreams/${w.id}/status-updates`,
          {
            rag: 'red',
            period: year,
            reason: 'Slipping',
          },
          201,
        );
        await call(
          t,
          who,
          'post',
          `/workstreams/${w.id}/milestones`,
          { title: 'Overdue', dueOn: '2020-01-01' },
          201,
        );
        await call(
          t,
          who,
          'post',
          `/workstreams/${w.id}/risks`,
          { description: 'Funding', likelihood: 4, impact: 4 },
          201,
        );
        await call(
          t,
          who,
          'post',
          `/workstreams/${w.id}/savings`,
          {
            financialYear: year,
            plannedPence: 1_000 * POUND,
            realisedPence: 250 * POUND,
            cashable: false,
          },
          201,
        );
      };
      const before = await dashboard(officerGlasgow);
      await change(officerLanarkshire);
      expect(await dashboard(officerGlasgow)).toEqual(before);
      await change(officerGlasgow);
      const after = await dashboard(officerGlasgow);
      expect(after.workstreams.total).toBe(before.workstreams.total + 1);
      expect(after.workstreams.byRag.red).toBe(before.workstreams.byRag.red + 1);
      expect(after.workstreams.byPhase.idea).toBe(before.workstreams.byPhase.idea + 1);
      expect(after.overdueMilestones).toBe(before.overdueMilestones + 1);
      expect(after.openHighRisks).toBe(before.openHighRisks + 1);
      expect(after.savings).toEqual({
        financialYear: year,
        plannedPence: before.savings.plannedPence + 1_000 * POUND,
        realisedPence: before.savings.realisedPence + 250 * POUND,
      });
    });
  });
});
