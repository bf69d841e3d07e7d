/**
 * Decisions that hold (README, the rules of workstreams): business cases move draft →
 * submitted → approved or rejected and then stand; an approval a commitment rests on stays;
 * Inverclyde's rule is each council's setting; phases past approval need a case or a reason;
 * funding at risk repays no more than was funded; a council acts for itself; a lead
 * authority does not walk away. Each rule over HTTP, and the database's own refusal.
 */
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

describe('decisions that hold', () => {
  let t: TestApp;
  let world: World;
  let [glasgow, inverclyde, lancaster, cv]: string[] = [];
  let [adminGlasgow, officerGlasgow, officerInverclyde]: SignedIn[] = [];
  let [officerLancaster, adminLancaster]: SignedIn[] = [];

  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  /** Runs one statement as the application role with proven settings of `who`, CASL bypassed. */
  const asDatabase = (who: SignedIn, role: string, sql: string, params: unknown[] = []) =>
    queryAs(t.db.appUrl, { userId: who.id, councilId: who.councilId ?? '', role }, sql, params);

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    glasgow = await world.council('S12000049');
    inverclyde = await world.council('S12000018');
    lancaster = await world.council('E07000121');
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerLancaster = await world.user(lancaster, 'officer');
    adminLancaster = await world.user(lancaster, 'council_admin');
    cv = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [inverclyde, lancaster]);
  });
  afterAll(() => t.close());

  const shared = async (title: string) =>
    (await workstream(t, officerGlasgow, { title, partnershipId: cv, leadCouncilIds: [glasgow] }))
      .id;
  const newCase = async (ws: string) =>
    (
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws}/business-cases`,
        {
          title: 'Phase 1 business case',
          estimatedCostPence: 1500000,
          estimatedSavingsPence: 9000000,
        },
        201,
      )
    ).body as { id: string; version: number; number: number; status: string };
  const move = async (
    ws: string,
    bc: { id: string; version: number },
    status: string,
    expected = 200,
  ) =>
    (
      await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${ws}/business-cases/${bc.id}`,
        { status, version: bc.version },
        expected,
      )
    ).body as { id: string; version: number; status: string };

  describe('business cases', () => {
    it('are created as drafts only', async () => {
      const ws = await shared('Waste');
      const res = await call(t, officerGlasgow, 'post', `/workstreams/${ws}/business-cases`, {
        title: 'Straight to approved',
        status: 'approved',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'status', message: expect.any(String) }]);
      expect((await newCase(ws)).status).toBe('draft');
    });

    it('move draft → submitted → approved, recording who and when, then stand (409)', async () => {
      const ws = await shared('Roads');
      const draft = await newCase(ws);
      const skipped = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${ws}/business-cases/${draft.id}`,
        { status: 'approved', version: draft.version },
      );
      expect(skipped.status).toBe(409);
      const submitted = await move(ws, draft, 'submitted');
      expect(submitted).toMatchObject({
        status: 'submitted',
        submittedByUserId: officerGlasgow.id,
        submittedAt: expect.any(String),
        decidedAt: null,
      });
      const frozen = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${ws}/business-cases/${draft.id}`,
        { estimatedCostPence: 1, version: submitted.version },
      );
      expect(frozen.status).toBe(409);
      expect(frozen.body.detail).toMatch(/frozen/);
      const back = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${ws}/business-cases/${draft.id}`,
        { status: 'draft', version: submitted.version },
      );
      expect(back.status).toBe(409);
      const approved = await move(ws, submitted, 'approved');
      expect(approved).toMatchObject({
        status: 'approved',
        decidedByUserId: officerGlasgow.id,
        decidedAt: expect.any(String),
      });
      for (const change of [{ estimatedCostPence: 2 }, { status: 'draft' }, { title: 'Renamed' }]) {
        const res = await call(
          t,
          officerGlasgow,
          'patch',
          `/workstreams/${ws}/business-cases/${draft.id}`,
          { ...change, version: approved.version },
        );
        expect([change, res.status]).toEqual([change, 409]);
      }
      const [row] = await stored<{ estimated_cost_pence: string; status: string }>(
        'SELECT estimated_cost_pence, status FROM business_cases WHERE id = $1',
        [draft.id],
      );
      expect(row).toEqual({ estimated_cost_pence: '1500000', status: 'approved' });
      // A change is a new version.
      expect((await newCase(ws)).number).toBe(2);
    });

    it('are kept by the database too: no approved insert, no change after a decision', async () => {
      const ws = await shared('Fleet');
      const insert = `INSERT INTO business_cases (workstream_id, number, title, status) VALUES ($1, 9, 'x', 'approved')`;
      await expect(asDatabase(officerGlasgow, 'officer', insert, [ws])).rejects.toThrow(
        /starts as a draft/,
      );
      const bc = await move(ws, await move(ws, await newCase(ws), 'submitted'), 'rejected');
      await expect(
        asDatabase(
          officerGlasgow,
          'officer',
          `UPDATE business_cases SET title = 'x' WHERE id = $1`,
          [bc.id],
        ),
      ).rejects.toThrow(/cannot change/);
      const other = await move(ws, await newCase(ws), 'submitted');
      await expect(
        asDatabase(
          officerGlasgow,
          'officer',
          `UPDATE business_cases SET estimated_savings_pence = 1 WHERE id = $1`,
          [other.id],
        ),
      ).rejects.toThrow(/frozen/);
    });
  });

  describe("a council's decision and its commitment", () => {
    let ws: string;
    let bc: { id: string };
    let decision: { id: string; version: number };
    let participation: { id: string; version: number };

    beforeAll(async () => {
      ws = await shared('Back office');
      bc = await move(ws, await newCase(ws), 'submitted');
      participation = (
        await call(
          t,
          officerInverclyde,
          'post',
          `/workstreams/${ws}/participants`,
          { status: 'interested', priorityRank: 1 },
          201,
        )
      ).body;
      decision = (
        await call(
          t,
          officerInverclyde,
          'post',
          `/workstreams/${ws}/business-cases/${bc.id}/decisions`,
          { decision: 'approved', decidedOn: '2010-03-25' },
          201,
        )
      ).body;
      participation = (
        await call(
          t,
          officerInverclyde,
          'patch',
          `/workstreams/${ws}/participants/${participation.id}`,
          { status: 'committed', version: participation.version },
          200,
        )
      ).body;
    });

    it('cannot become a rejection while the commitment stands (409 naming the participation)', async () => {
      for (const change of ['rejected', 'deferred']) {
        const res = await call(
          t,
          officerInverclyde,
          'patch',
          `/workstreams/${ws}/business-cases/${bc.id}/decisions/${decision.id}`,
          { decision: change, version: decision.version },
        );
        expect(res.status).toBe(409);
        expect(res.body.participationId).toBe(participation.id);
      }
      await expect(
        asDatabase(
          officerInverclyde,
          'officer',
          `UPDATE business_case_decisions SET decision = 'rejected' WHERE id = $1`,
          [decision.id],
        ),
      ).rejects.toThrow(/withdraw the commitment first/);
    });

    it('can change once the commitment is withdrawn', async () => {
      const withdrawn = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${ws}/participants/${participation.id}`,
        { status: 'interested', version: participation.version },
        200,
      );
      const res = await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${ws}/business-cases/${bc.id}/decisions/${decision.id}`,
        { decision: 'rejected', version: decision.version },
      );
      expect(res.status).toBe(200);
      expect(withdrawn.body.status).toBe('interested');
    });

    it("names the deciding council on the decision and in the case's list of decisions", async () => {
      const named = { councilId: inverclyde, councilName: 'Inverclyde Council' };
      expect(decision).toMatchObject(named);
      const listed = await call(
        t,
        officerGlasgow,
        'get',
        `/workstreams/${ws}/business-cases/${bc.id}/decisions`,
        undefined,
        200,
      );
      expect(listed.body).toEqual({ data: [expect.objectContaining(named)], nextCursor: null });
    });
  });

  describe("Inverclyde's rule is each council's setting", () => {
    it('is on by default, and Lancaster may turn it off to commit without a business case', async () => {
      const ws = await shared('Winter maintenance');
      const inverclydeCommits = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${ws}/participants`,
        { status: 'committed' },
      );
      expect(inverclydeCommits.status).toBe(409);
      const before = await call(t, adminLancaster, 'get', `/councils/${lancaster}`, undefined, 200);
      expect(before.body.commitRequiresApprovedBusinessCase).toBe(true);
      const byOfficer = await call(t, officerLancaster, 'patch', `/councils/${lancaster}`, {
        commitRequiresApprovedBusinessCase: false,
        version: before.body.version,
      });
      expect(byOfficer.status).toBe(403);
      const off = await call(
        t,
        adminLancaster,
        'patch',
        `/councils/${lancaster}`,
        { commitRequiresApprovedBusinessCase: false, version: before.body.version },
        200,
      );
      expect(off.body.commitRequiresApprovedBusinessCase).toBe(false);
      await call(
        t,
        officerLancaster,
        'post',
        `/workstreams/${ws}/participants`,
        { status: 'committed' },
        201,
      );
      // The database keeps Inverclyde's setting, whatever the service does.
      await expect(
        asDatabase(
          officerInverclyde,
          'officer',
          `INSERT INTO workstream_participants (workstream_id, council_id, status) VALUES ($1, $2, 'committed')`,
          [ws, inverclyde],
        ),
      ).rejects.toThrow(/commits only after approving/);
    });
  });

  describe('phases', () => {
    it('start as an idea, in research or at business case', async () => {
      const res = await call(t, officerGlasgow, 'post', '/workstreams', {
        title: 'Live at once',
        partnershipId: cv,
        leadCouncilIds: [glasgow],
        serviceArea: 'other',
        phase: 'live',
      });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([{ field: 'phase', message: expect.any(String) }]);
      await expect(
        asDatabase(
          officerGlasgow,
          'officer',
          `INSERT INTO workstreams (partnership_id, title, service_area, phase, lead_council_ids) VALUES ($1, 'x', 'other', 'approved', $2)`,
          [cv, [glasgow]],
        ),
      ).rejects.toThrow(/starts as an idea/);
    });

    it('move to approved with an approved business case, or a recorded reason', async () => {
      const ws = await shared('Shared accommodation');
      const read = await call(t, officerGlasgow, 'get', `/workstreams/${ws}`, undefined, 200);
      const refused = await call(t, officerGlasgow, 'patch', `/workstreams/${ws}`, {
        phase: 'approved',
        version: read.body.version,
      });
      expect(refused.status).toBe(409);
      await expect(
        asDatabase(
          officerGlasgow,
          'officer',
          `UPDATE workstreams SET phase = 'live' WHERE id = $1`,
          [ws],
        ),
      ).rejects.toThrow(/approved business case/);
      const reasoned = await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${ws}`,
        {
          phase: 'implementation',
          phaseReason: 'Began as a joint arrangement between the two councils',
          version: read.body.version,
        },
        200,
      );
      expect(reasoned.body.phase).toBe('implementation');
      const history = await call(
        t,
        officerGlasgow,
        'get',
        `/workstreams/${ws}/phase-changes`,
        undefined,
        200,
      );
      expect(history.body.data).toEqual([
        expect.objectContaining({
          toPhase: 'implementation',
          reason: 'Began as a joint arrangement between the two councils',
        }),
      ]);

      const other = await shared('Customer contact');
      await move(other, await move(other, await newCase(other), 'submitted'), 'approved');
      const current = await call(t, officerGlasgow, 'get', `/workstreams/${other}`, undefined, 200);
      await call(
        t,
        officerGlasgow,
        'patch',
        `/workstreams/${other}`,
        { phase: 'approved', version: current.body.version },
        200,
      );
    });
  });

  describe('funding at risk', () => {
    const line = (
      thresholds: { realisedSavingsPence: number; repaymentPence: number }[],
      amountPence = 10000000,
    ) => ({
      funder: 'Local Partnerships',
      amountPence,
      atRisk: true,
      repaymentThresholds: thresholds,
    });

    it('refuses thresholds that descend or repay more than was funded (400 naming the field)', async () => {
      const ws = await shared('DECATS');
      for (const body of [
        line([{ realisedSavingsPence: 100, repaymentPence: 500 }], 100),
        line([
          { realisedSavingsPence: 500000000, repaymentPence: 5000000 },
          { realisedSavingsPence: 100000000, repaymentPence: 5000000 },
        ]),
      ]) {
        const res = await call(t, officerGlasgow, 'post', `/workstreams/${ws}/funding`, body);
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([
          { field: 'repaymentThresholds', message: expect.any(String) },
        ]);
      }
      await expect(
        asDatabase(
          officerGlasgow,
          'officer',
          `INSERT INTO funding_lines (workstream_id, funder, amount_pence, repayment_thresholds) VALUES ($1, 'x', 100, '[{"realisedSavingsPence": 1, "repaymentPence": 500}]')`,
          [ws],
        ),
      ).rejects.toThrow(/must not exceed the amount funded/);
    });

    it('records repayments and shows what is repaid and still owed', async () => {
      const ws = await shared('DECATS 2');
      const funding = (
        await call(
          t,
          officerGlasgow,
          'post',
          `/workstreams/${ws}/funding`,
          line([
            { realisedSavingsPence: 100000000, repaymentPence: 5000000 },
            { realisedSavingsPence: 500000000, repaymentPence: 5000000 },
          ]),
          201,
        )
      ).body as { id: string };
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws}/participants`,
        { status: 'interested' },
        201,
      );
      await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws}/savings`,
        {
          financialYear: '2009-10',
          plannedPence: 120000000,
          realisedPence: 120000000,
          cashable: true,
        },
        201,
      );
      const repaid = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws}/funding/${funding.id}/repayments`,
        { paidOn: '2010-04-30', amountPence: 2000000, reference: 'LP/1' },
        201,
      );
      expect(repaid.headers.location).toBe(
        `/api/v1/workstreams/${ws}/funding/${funding.id}/repayments/${repaid.body.id}`,
      );
      const listed = await call(
        t,
        officerGlasgow,
        'get',
        `/workstreams/${ws}/funding`,
        undefined,
        200,
      );
      expect(listed.body.data[0]).toMatchObject({
        repayablePence: 5000000,
        repaidPence: 2000000,
        owedPence: 3000000,
      });
      const over = await call(
        t,
        officerGlasgow,
        'post',
        `/workstreams/${ws}/funding/${funding.id}/repayments`,
        { paidOn: '2010-05-30', amountPence: 9000000 },
      );
      expect(over.status).toBe(400);
      expect(over.body.errors[0].field).toBe('amountPence');
      const byPartner = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${ws}/funding/${funding.id}/repayments`,
        { paidOn: '2010-05-30', amountPence: 1 },
      );
      expect(byPartner.status).toBe(403);
      // A council outside the partnership does not find the line, its repayments or the route.
      const outsider = await world.user(await world.council('E08000035'), 'officer');
      const path = `/workstreams/${ws}/funding/${funding.id}/repayments`;
      for (const method of ['get', 'post'] as const) {
        const res = await call(
          t,
          outsider,
          method,
          path,
          method === 'post' ? { paidOn: '2010-05-30', amountPence: 1 } : undefined,
        );
        expect([method, res.status]).toEqual([method, 404]);
      }
      // Row-level security alone: a partner cannot add one, the lead authority can.
      const insert = `INSERT INTO funding_repayments (funding_line_id, workstream_id, paid_on, amount_pence)
                      VALUES ($1, $2, '2010-06-30', 1) RETURNING id`;
      await expect(
        asDatabase(officerInverclyde, 'officer', insert, [funding.id, ws]),
      ).rejects.toThrow(/row-level security/);
      expect(await asDatabase(officerGlasgow, 'officer', insert, [funding.id, ws])).toHaveLength(1);
      const seen = await asDatabase(outsider, 'officer', 'SELECT id FROM funding_repayments');
      expect(seen).toEqual([]);
    });
  });

  describe('a council acts for itself', () => {
    it("answers 403 to another council's councilId, and a platform admin's record says so", async () => {
      const ws = await shared('Economic strategy');
      const forOther = await call(t, officerInverclyde, 'post', `/workstreams/${ws}/participants`, {
        status: 'interested',
        councilId: lancaster,
      });
      expect(forOther.status).toBe(403);
      const own = await call(
        t,
        officerInverclyde,
        'post',
        `/workstreams/${ws}/participants`,
        { status: 'interested', councilId: inverclyde },
        201,
      );
      expect(own.body).toMatchObject({ councilId: inverclyde, recordedByPlatformAdmin: false });
      const onBehalf = await call(
        t,
        world.admin,
        'post',
        `/workstreams/${ws}/participants`,
        { status: 'interested', councilId: lancaster },
        201,
      );
      expect(onBehalf.body).toMatchObject({ councilId: lancaster, recordedByPlatformAdmin: true });
      const savings = await call(t, officerInverclyde, 'post', `/workstreams/${ws}/savings`, {
        financialYear: '2010-11',
        plannedPence: 1,
        cashable: true,
        councilId: glasgow,
      });
      expect(savings.status).toBe(403);
    });
  });

  describe('a lead authority cannot just walk away', () => {
    it('answers 409 naming the workstreams it leads until the lead is handed over', async () => {
      const p = await partnership(t, adminGlasgow, 'LGNYY', [inverclyde]);
      const led = await workstream(t, officerInverclyde, {
        title: 'ICT',
        partnershipId: p,
        leadCouncilIds: [inverclyde],
      });
      const members = await call(
        t,
        adminGlasgow,
        'get',
        `/partnerships/${p}/members`,
        undefined,
        200,
      );
      const member = (
        members.body.data as { id: string; councilId: string; version: number }[]
      ).find((m) => m.councilId === inverclyde)!;
      const res = await call(t, adminGlasgow, 'delete', `/partnerships/${p}/members/${member.id}`);
      expect(res.status).toBe(409);
      expect(res.body.workstreamIds).toEqual([led.id]);
      expect(res.body.detail).toMatch(/ICT/);
      await expect(
        asDatabase(
          adminGlasgow,
          'council_admin',
          `UPDATE partnership_members SET left_on = current_date WHERE id = $1`,
          [member.id],
        ),
      ).rejects.toThrow(/hand the lead over first/);
      // Handed over, the membership ends.
      await call(
        t,
        officerInverclyde,
        'patch',
        `/workstreams/${led.id}`,
        { leadCouncilIds: [glasgow], version: led.version },
        200,
      );
      await call(
        t,
        adminGlasgow,
        'delete',
        `/partnerships/${p}/members/${member.id}`,
        undefined,
        204,
      );
    });
  });
});
