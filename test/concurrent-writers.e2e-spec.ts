/**
 * Concurrent writers (the issue "Runs as a fleet and survives faults"): 50 attempts at once at
 * each contended write — a participation's commitment, a business case's decisions, a
 * partnership's administering hand-over, a workstream's phase move, an agreement's approvals
 * and signatures. Each race ends with exactly one winner (or one per party, where each party
 * decides for itself); every other answer is a problem+json 409 (403 where the loser no longer
 * holds the role it acted in), never a 5xx; and what is stored, read back through the API and
 * straight from the database, shows one change: the version moved on by one, one history row,
 * one audit event. The app's pool (10 connections) queues the 50; that is intended.
 *
 * Three races are regressions. A commitment and the withdrawal of the approval it rests on
 * each read the other and both won (migrations/1764100000000-one-commitment-at-a-time.ts).
 * Concurrent hand-overs, and endings of the role, each recast rows they had read before the
 * first committed: up to 14 of 50 won, and hand-overs that opened rows deadlocked until the
 * queued requests waited more than 5 s for a connection and answered 500
 * (src/partnerships/members.service.ts now locks the partnership first).
 */
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, submittedCase, workstream } from './support/world';

const N = 50;
const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const RENFREWSHIRE = 'S12000038';
const GLASGOW = 'S12000049';

type Res = Awaited<ReturnType<typeof call>>;
type Counts = Record<number, number>;

/** The 50 attempts, sent at once; attempt `i` is `attempt(i)`. */
const race = (attempt: (i: number) => Promise<Res>): Promise<Res[]> =>
  Promise.all(Array.from({ length: N }, (_, i) => attempt(i)));

const tally = (answers: Res[]): Counts =>
  answers.reduce<Counts>(
    (counts, r) => ({ ...counts, [r.status]: (counts[r.status] ?? 0) + 1 }),
    {},
  );

/** The counts of these statuses only. */
const only = (counts: Counts, ...statuses: number[]): Counts =>
  Object.fromEntries(Object.entries(counts).filter(([status]) => statuses.includes(+status)));

/** Status counts of every race, printed at the end with JWH_RACE_REPORT=1. */
const seen: Record<string, Counts> = {};
const refusals: Record<string, string[]> = {};

/**
 * The answers of one race: these status counts, every refusal problem+json with its status,
 * and the winners (2xx) returned in the order they were sent.
 */
function expectRace(name: string, answers: Res[], expected: Counts | ((c: Counts) => void)): Res[] {
  const counts = tally(answers);
  seen[name] = counts;
  refusals[name] = [
    ...new Set(answers.filter((r) => r.status >= 300).map((r) => `${r.status} ${r.body.detail}`)),
  ];
  if (typeof expected === 'function') expected(counts);
  else expect(counts).toEqual(expected);
  for (const refused of answers.filter((r) => r.status >= 300)) {
    expect([refused.headers['content-type'], refused.body.status]).toEqual([
      expect.stringMatching(/^application\/problem\+json/),
      refused.status,
    ]);
  }
  return answers.filter((r) => r.status < 300);
}

describe('concurrent writers', () => {
  let t: TestApp;
  let world: World;
  let [inverclyde, wdc, renfrewshire, glasgow, cv, today]: string[] = [];
  let [officerGlasgow, adminGlasgow, officerInverclyde, adminInverclyde]: SignedIn[] = [];
  let [adminWdc, adminWdc2, adminInverclyde2, adminRenfrewshire, adminRenfrewshire2]: SignedIn[] =
    [];

  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  /** Audit events of one record (by action), or of several. */
  const audits = async (entityIds: string[], action?: string) =>
    (
      await stored<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_events
          WHERE entity_id = ANY ($1::text[]) AND ($2::text IS NULL OR action = $2)`,
        [entityIds, action ?? null],
      )
    )[0].n;
  /** Alternates between two callers, so that different people of one council contend. */
  const either = (i: number, a: SignedIn, b: SignedIn) => (i % 2 ? b : a);

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    inverclyde = await world.council(INVERCLYDE);
    wdc = await world.council(WEST_DUNBARTONSHIRE);
    renfrewshire = await world.council(RENFREWSHIRE);
    glasgow = await world.council(GLASGOW);
    officerGlasgow = await world.user(glasgow, 'officer');
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerInverclyde = await world.user(inverclyde, 'officer');
    adminInverclyde = await world.user(inverclyde, 'council_admin');
    adminInverclyde2 = await world.user(inverclyde, 'council_admin');
    adminWdc = await world.user(wdc, 'council_admin');
    adminWdc2 = await world.user(wdc, 'council_admin');
    adminRenfrewshire = await world.user(renfrewshire, 'council_admin');
    adminRenfrewshire2 = await world.user(renfrewshire, 'council_admin');
    cv = await partnership(t, adminWdc, 'Clyde Valley CPP', [glasgow, inverclyde, renfrewshire]);
    [{ today }] = await stored<{ today: string }>(
      `SELECT to_char(current_date, 'YYYY-MM-DD') AS today`,
    );
  });
  afterAll(async () => {
    if (process.env.JWH_RACE_REPORT) console.log(JSON.stringify({ seen, refusals }, null, 2));
    await t.close();
  });

  /** A shared workstream of Clyde Valley led by Glasgow. */
  const shared = async (title: string) =>
    workstream(t, officerGlasgow, { title, partnershipId: cv, leadCouncilIds: [glasgow] });
  const participants = (ws: string) => `/workstreams/${ws}/participants`;
  /** Inverclyde takes part (interested): only a council that takes part keeps decisions. */
  const inverclydeTakesPart = async (ws: string) =>
    (await call(t, officerInverclyde, 'post', participants(ws), {}, 201)).body.id as string;
  /** Inverclyde taking part, a submitted business case, and Inverclyde's approval of it. */
  const approvedByInverclyde = async (ws: string) => {
    const participationId = await inverclydeTakesPart(ws);
    const caseId = await submittedCase(t, officerGlasgow, ws, 'Phase 1 business case');
    const path = `/workstreams/${ws}/business-cases/${caseId}/decisions`;
    const body = { decision: 'approved', decidedOn: '2010-03-25', decisionBody: 'Cabinet' };
    const decision = await call(t, officerInverclyde, 'post', path, body, 201);
    return { participationId, caseId, decisionId: decision.body.id as string };
  };

  describe("a participation's commitment", () => {
    it('records a council taking part once when 50 ask at once: one 201, 49 × 409', async () => {
      const { id: ws } = await shared('An integrated waste management approach');
      const answers = await race((i) =>
        call(t, either(i, officerInverclyde, adminInverclyde), 'post', participants(ws), {
          priorityRank: i + 1,
        }),
      );
      const [won] = expectRace('participation created', answers, { 201: 1, 409: 49 });
      const rows = await stored(
        `SELECT id, priority_rank, version FROM workstream_participants WHERE workstream_id = $1`,
        [ws],
      );
      expect(rows).toEqual([{ id: won.body.id, priority_rank: won.body.priorityRank, version: 1 }]);
      expect(await audits([won.body.id as string])).toBe(1);
    });

    it('commits once when 50 send the same version: one 200, 49 × 409, the winner stored', async () => {
      const { id: ws } = await shared('Roads maintenance');
      const { participationId } = await approvedByInverclyde(ws);
      const path = `${participants(ws)}/${participationId}`;
      const answers = await race((i) =>
        call(t, either(i, officerInverclyde, adminInverclyde), 'patch', path, {
          status: 'committed',
          priorityRank: i + 1,
          version: 1,
        }),
      );
      const [won] = expectRace('commitment', answers, { 200: 1, 409: 49 });
      expect(won.body).toMatchObject({ status: 'committed', version: 2 });
      const read = await call(t, adminInverclyde, 'get', participants(ws), undefined, 200);
      expect(read.body.data).toEqual([won.body]);
      const rows = await stored(
        `SELECT status, priority_rank, version FROM workstream_participants WHERE id = $1`,
        [participationId],
      );
      expect(rows).toEqual([
        { status: 'committed', priority_rank: won.body.priorityRank, version: 2 },
      ]);
      expect(await audits([participationId], 'update')).toBe(1);
    });

    it('commits, or withdraws the approval the commitment would rest on, never both (25 of each at once, 3 rounds)', async () => {
      for (let round = 1; round <= 3; round++) {
        const { id: ws } = await shared(`Social transport, round ${round}`);
        const { participationId, caseId, decisionId } = await approvedByInverclyde(ws);
        const participation = `${participants(ws)}/${participationId}`;
        const decision = `/workstreams/${ws}/business-cases/${caseId}/decisions/${decisionId}`;
        const answers = await race((i) =>
          i % 2
            ? call(t, officerInverclyde, 'patch', participation, {
                status: 'committed',
                version: 1,
              })
            : call(t, adminInverclyde, 'patch', decision, { decision: 'deferred', version: 1 }),
        );
        const [won] = expectRace(`commit or withdraw, round ${round}`, answers, {
          200: 1,
          409: 49,
        });
        const committed = won.body.status === 'committed';
        const [now] = await stored(
          `SELECT p.status, p.version AS "participationVersion", d.decision, d.version AS "decisionVersion"
             FROM workstream_participants p, business_case_decisions d WHERE p.id = $1 AND d.id = $2`,
          [participationId, decisionId],
        );
        expect(now).toEqual(
          committed
            ? {
                status: 'committed',
                participationVersion: 2,
                decision: 'approved',
                decisionVersion: 1,
              }
            : {
                status: 'interested',
                participationVersion: 1,
                decision: 'deferred',
                decisionVersion: 2,
              },
        );
        expect(await audits([participationId, decisionId], 'update')).toBe(1);
      }
    });
  });

  describe("a business case's decisions", () => {
    it("records a council's decision once when 50 send it at once: one 201, 49 × 409", async () => {
      const { id: ws } = await shared('Back office shared services');
      await inverclydeTakesPart(ws);
      const caseId = await submittedCase(t, officerGlasgow, ws, 'Shared payroll');
      const path = `/workstreams/${ws}/business-cases/${caseId}/decisions`;
      const answers = await race((i) =>
        call(t, either(i, officerInverclyde, adminInverclyde), 'post', path, {
          decision: i % 2 ? 'deferred' : 'approved',
          decidedOn: '2010-03-25',
          reference: `Min Ref 25/03/10 Para ${i + 1}`,
        }),
      );
      const [won] = expectRace('decision recorded', answers, { 201: 1, 409: 49 });
      const read = await call(t, officerInverclyde, 'get', path, undefined, 200);
      expect(read.body.data).toEqual([won.body]);
      const rows = await stored(
        `SELECT id, decision, reference, version FROM business_case_decisions WHERE business_case_id = $1`,
        [caseId],
      );
      const { id, decision, reference } = won.body as Record<string, string>;
      expect(rows).toEqual([{ id, decision, reference, version: 1 }]);
      expect(await audits([id])).toBe(1);
    });

    it("changes a council's decision once when 50 send the same version: one 200, 49 × 409", async () => {
      const { id: ws } = await shared('ICT shared services');
      const { caseId, decisionId } = await approvedByInverclyde(ws);
      const path = `/workstreams/${ws}/business-cases/${caseId}/decisions/${decisionId}`;
      const answers = await race((i) =>
        call(t, either(i, officerInverclyde, adminInverclyde), 'patch', path, {
          decision: i % 2 ? 'rejected' : 'deferred',
          reference: `Min Ref 01/04/10 Para ${i + 1}`,
          version: 1,
        }),
      );
      const [won] = expectRace('decision changed', answers, { 200: 1, 409: 49 });
      const rows = await stored(
        `SELECT decision, reference, version FROM business_case_decisions WHERE id = $1`,
        [decisionId],
      );
      expect(rows).toEqual([
        { decision: won.body.decision, reference: won.body.reference, version: 2 },
      ]);
      expect(await audits([decisionId], 'update')).toBe(1);
    });

    it('lets the lead authority approve or reject a business case once when 50 try at once: one 200, 49 × 409', async () => {
      const { id: ws } = await shared('Procurement');
      const caseId = await submittedCase(t, officerGlasgow, ws, 'A joint procurement unit');
      const path = `/workstreams/${ws}/business-cases/${caseId}`;
      const updatesBefore = await audits([caseId], 'update');
      const answers = await race((i) =>
        call(t, either(i, officerGlasgow, adminGlasgow), 'patch', path, {
          status: i % 2 ? 'rejected' : 'approved',
          version: 2,
        }),
      );
      const [won] = expectRace('business case decided', answers, { 200: 1, 409: 49 });
      const winner = answers.indexOf(won) % 2 ? adminGlasgow : officerGlasgow;
      expect(won.body).toMatchObject({ version: 3, decidedByUserId: winner.id });
      const rows = await stored(
        `SELECT status, decided_by, version FROM business_cases WHERE id = $1`,
        [caseId],
      );
      expect(rows).toEqual([{ status: won.body.status, decided_by: winner.id, version: 3 }]);
      expect(await audits([caseId], 'update')).toBe(updatesBefore + 1);
    });
  });

  describe("a partnership's administering hand-over", () => {
    /** Every row of the partnership's membership, oldest first. */
    const rows = (p: string) =>
      stored<{
        id: string;
        council_id: string;
        role: string;
        joined_on: string;
        left_on: string | null;
        version: number;
      }>(
        `SELECT id, council_id, role, to_char(joined_on, 'YYYY-MM-DD') AS joined_on,
                to_char(left_on, 'YYYY-MM-DD') AS left_on, version
           FROM partnership_members WHERE partnership_id = $1 ORDER BY joined_on, role, council_id`,
        [p],
      );

    it('hands over once when a platform admin sends it 50 times at once: one 200, 49 × 409', async () => {
      // Both memberships began today, so the hand-over recasts both rows in place.
      const p = await partnership(t, adminWdc, 'Clyde Valley waste', [glasgow]);
      const before = await rows(p);
      const answers = await race(() =>
        call(t, world.admin, 'post', `/partnerships/${p}/administering`, {
          councilId: glasgow,
          from: today,
        }),
      );
      expectRace('hand-over, platform admin', answers, { 200: 1, 409: 49 });
      const read = await call(t, adminGlasgow, 'get', `/partnerships/${p}`, undefined, 200);
      expect(read.body.administeringCouncilId).toBe(glasgow);
      const after = await rows(p);
      expect(
        after.map(({ council_id, role, left_on, version }) => ({
          council_id,
          role,
          left_on,
          version,
        })),
      ).toEqual(
        expect.arrayContaining([
          { council_id: glasgow, role: 'administering', left_on: null, version: 2 },
          { council_id: wdc, role: 'member', left_on: null, version: 2 },
        ]),
      );
      expect(after).toHaveLength(2);
      expect(
        await audits(
          before.map((r) => r.id),
          'update',
        ),
      ).toBe(2);
    });

    it("hands over once when the administering council's admins send it 50 times at once: one 200, the rest 409 or 403", async () => {
      // Glasgow has been a member since 2009: its row closes today and a new one opens.
      const p = await partnership(t, adminWdc, 'Clyde Valley roads', []);
      await call(
        t,
        adminWdc,
        'post',
        `/partnerships/${p}/members`,
        { councilId: glasgow, joinedOn: '2009-04-01' },
        201,
      );
      const before = await rows(p);
      const answers = await race((i) =>
        call(t, either(i, adminWdc, adminWdc2), 'post', `/partnerships/${p}/administering`, {
          councilId: glasgow,
          from: today,
        }),
      );
      // A request served after the hand-over finds its caller's council no longer administers.
      const [won] = expectRace('hand-over, administering admins', answers, (counts) =>
        expect(counts).toEqual({ 200: 1, ...only(counts, 403, 409) }),
      );
      expect(won.body).toMatchObject({
        councilId: glasgow,
        role: 'administering',
        joinedOn: today,
      });
      const after = await rows(p);
      expect(
        after.map(({ council_id, role, left_on, version }) => ({
          council_id,
          role,
          left_on,
          version,
        })),
      ).toEqual([
        { council_id: glasgow, role: 'member', left_on: today, version: 2 },
        { council_id: glasgow, role: 'administering', left_on: null, version: 1 },
        { council_id: wdc, role: 'member', left_on: null, version: 2 },
      ]);
      expect(
        await audits(
          after.map((r) => r.id),
          'insert',
        ),
      ).toBe(before.length + 1);
      expect(
        await audits(
          after.map((r) => r.id),
          'update',
        ),
      ).toBe(2);
    });

    it('ends the administering role once when it is ended 50 times at once: one 200, 49 × 409', async () => {
      const p = await partnership(t, adminWdc, 'Clyde Valley fleet', [glasgow]);
      const answers = await race(() =>
        call(t, world.admin, 'post', `/partnerships/${p}/administering/end`, { on: today }),
      );
      expectRace('administering ended', answers, { 200: 1, 409: 49 });
      const after = await rows(p);
      expect(after.map(({ council_id, role, version }) => ({ council_id, role, version }))).toEqual(
        expect.arrayContaining([
          { council_id: wdc, role: 'member', version: 2 },
          { council_id: glasgow, role: 'member', version: 1 },
        ]),
      );
      expect(
        await audits(
          after.map((r) => r.id),
          'update',
        ),
      ).toBe(1);
    });
  });

  describe("a workstream's phase", () => {
    it('moves forward once when 50 send the same version, and goes back once when 50 reopen it', async () => {
      const w = await shared('Winter maintenance');
      const path = `/workstreams/${w.id}`;
      const forward = await race((i) =>
        call(t, either(i, officerGlasgow, adminGlasgow), 'patch', path, {
          phase: i % 2 ? 'business_case' : 'research',
          version: w.version,
        }),
      );
      const [moved] = expectRace('phase forward', forward, { 200: 1, 409: 49 });
      expect(moved.body.version).toBe(w.version + 1);
      const back = await race((i) =>
        call(t, either(i, officerGlasgow, adminGlasgow), 'post', `${path}/reopen`, {
          phase: 'idea',
          reason: `Scope to be redone with new partners (${i + 1})`,
          version: w.version + 1,
        }),
      );
      const [reopened] = expectRace('phase reopened', back, { 200: 1, 409: 49 });
      const reason = `Scope to be redone with new partners (${back.indexOf(reopened) + 1})`;
      expect(reopened.body).toMatchObject({ phase: 'idea', version: w.version + 2 });
      const read = await call(t, adminInverclyde, 'get', `${path}/phase-changes`, undefined, 200);
      const history = [
        { fromPhase: 'idea', toPhase: moved.body.phase, reason: null },
        { fromPhase: moved.body.phase, toPhase: 'idea', reason },
      ];
      expect(read.body.data).toEqual(history.map((h) => expect.objectContaining(h)));
      const changes = await stored<{ id: string }>(
        `SELECT id, from_phase AS "fromPhase", to_phase AS "toPhase", reason
           FROM workstream_phase_changes WHERE workstream_id = $1 ORDER BY created_at, id`,
        [w.id],
      );
      expect(changes).toEqual(history.map((h) => ({ id: expect.any(String), ...h })));
      const [now] = await stored(`SELECT phase, version FROM workstreams WHERE id = $1`, [w.id]);
      expect(now).toEqual({ phase: 'idea', version: w.version + 2 });
      expect(await audits([w.id], 'update')).toBe(2);
      expect(await audits(changes.map((c) => c.id))).toBe(2);
    });
  });

  describe("an agreement's approvals", () => {
    it('puts the terms to the parties once, then each party approves once and signs once, however many try at once', async () => {
      const created = await call(
        t,
        officerInverclyde,
        'post',
        '/agreements',
        {
          reference: 'CV 2010/1',
          title: 'Shared roads maintenance depot',
          purposes: ['Share a depot'],
          legalBasis: ['Local Government (Scotland) Act 1973, section 56'],
          reviewDate: '2012-04-01',
          parties: [{ councilId: inverclyde }, { councilId: wdc }, { councilId: renfrewshire }],
        },
        201,
      );
      const id = created.body.id as string;
      const agreement = () =>
        stored<{ status: string; version: number }>(
          `SELECT status, version FROM agreements WHERE id = $1`,
          [id],
        );
      const moves = async (from: string, to: string) =>
        (
          await stored<{ n: number }>(
            `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'agreements' AND entity_id = $1
                AND before ->> 'status' = $2 AND after ->> 'status' = $3`,
            [id, from, to],
          )
        )[0].n;
      const v = created.body.version as number;
      const submitted = await race((i) =>
        call(t, either(i, officerInverclyde, adminInverclyde), 'post', `/agreements/${id}/submit`, {
          version: v,
        }),
      );
      expectRace('agreement submitted', submitted, { 200: 1, 409: 49 });
      expect(await agreement()).toEqual([{ status: 'in_approval', version: v + 1 }]);
      expect(await moves('draft', 'in_approval')).toBe(1);

      const admins = [
        adminInverclyde,
        adminWdc,
        adminRenfrewshire,
        adminInverclyde2,
        adminWdc2,
        adminRenfrewshire2,
      ];
      const councilOf = (i: number) => [inverclyde, wdc, renfrewshire][i % 3];
      const approvals = await race((i) =>
        call(t, admins[i % admins.length], 'post', `/agreements/${id}/approve`, {
          versionNumber: 1,
          decisionBody: 'Policy and Resources Committee',
          decidedOn: '2010-03-25',
          reference: `Min Ref ${i + 1}`,
        }),
      );
      const approved = expectRace('agreement approvals', approvals, { 200: 3, 409: 47 });
      const winners = approved.map((r) => approvals.indexOf(r));
      expect(winners.map(councilOf).sort()).toEqual([inverclyde, wdc, renfrewshire].sort());
      const decisions = await stored(
        `SELECT council_id, decision, reference FROM agreement_decisions WHERE agreement_id = $1 ORDER BY council_id`,
        [id],
      );
      expect(decisions).toEqual(
        winners
          .map((i) => ({
            council_id: councilOf(i),
            decision: 'approved',
            reference: `Min Ref ${i + 1}`,
          }))
          .sort((a, b) => (a.council_id < b.council_id ? -1 : 1)),
      );
      expect(await agreement()).toEqual([{ status: 'approved', version: v + 4 }]);
      expect(await moves('in_approval', 'approved')).toBe(1);

      const signatures = await race((i) =>
        call(t, admins[i % admins.length], 'post', `/agreements/${id}/sign`, {
          versionNumber: 1,
          signatoryName: `Signatory ${i + 1}`,
          signatoryRole: 'Chief Executive',
          signedOn: '2010-04-01',
        }),
      );
      const signed = expectRace('agreement signatures', signatures, { 200: 3, 409: 47 });
      const signers = signed.map((r) => signatures.indexOf(r));
      expect(signers.map(councilOf).sort()).toEqual([inverclyde, wdc, renfrewshire].sort());
      const rows = await stored<{ council_id: string }>(
        `SELECT council_id FROM agreement_signatures WHERE agreement_id = $1`,
        [id],
      );
      expect(rows).toHaveLength(3);
      expect(await agreement()).toEqual([{ status: 'active', version: v + 7 }]);
      expect(await moves('approved', 'active')).toBe(1);
      const read = await call(t, adminWdc, 'get', `/agreements/${id}`, undefined, 200);
      expect(read.body).toMatchObject({
        status: 'active',
        startDate: '2010-04-01',
        version: v + 7,
      });
    });
  });
});
