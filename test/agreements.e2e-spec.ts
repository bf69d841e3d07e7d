/**
 * Co-operation agreements over HTTP against the real database (README, Co-operation
 * agreements): the B&NES–North Somerset path from draft to active, each step by the right
 * council's admin; who may not do what (404 for outsiders, 403 for the wrong party or role,
 * 409 for moves the lifecycle lacks); concurrent approvals; amendments as new versions.
 */
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call } from './support/world';

const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const THIRD = 'S12000018';

describe('co-operation agreements', () => {
  let world: World;
  let banes: string;
  let northSomerset: string;
  let third: string;
  let banesAdmin: SignedIn;
  let banesOfficer: SignedIn;
  let banesViewer: SignedIn;
  let nsAdmin: SignedIn;
  let nsOfficer: SignedIn;
  let thirdAdmin: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    banes = await world.council(BANES);
    northSomerset = await world.council(NORTH_SOMERSET);
    third = await world.council(THIRD);
    banesAdmin = await world.user(banes, 'council_admin');
    banesOfficer = await world.user(banes, 'officer');
    banesViewer = await world.user(banes, 'viewer');
    nsAdmin = await world.user(northSomerset, 'council_admin');
    nsOfficer = await world.user(northSomerset, 'officer');
    thirdAdmin = await world.user(third, 'council_admin');
  });
  afterAll(() => world.t.close());

  const t = () => world.t;

  async function draft(reference: string, who: SignedIn = banesOfficer) {
    const res = await call(
      t(),
      who,
      'post',
      '/agreements',
      {
        reference,
        title: 'Co-operation agreement with North Somerset Council',
        purposes: ['Improve services', 'Reduce costs'],
        legalBasis: ['Local Government Act 2000, section 2', 'Local Government Act 1972'],
        reviewDate: '2015-06-11',
        parties: [
          {
            councilId: banes,
            contributionPence: 10000000,
            contributionDescription: '£100k earmarked from reserves',
          },
          {
            councilId: northSomerset,
            contributionPence: 10000000,
            contributionDescription: '£100k earmarked from reserves',
          },
        ],
      },
      201,
    );
    return res.body as { id: string; version: number; status: string };
  }

  const decision = (versionNumber: number) => ({
    versionNumber,
    decisionBody: 'Cabinet',
    decisionMaker: 'Cllr Paul Crossley, Leader',
    decidedOn: '2014-06-11',
    reference: 'E 2649',
  });
  const signature = (versionNumber: number) => ({
    versionNumber,
    signatoryName: 'Cllr Paul Crossley',
    signatoryRole: 'Leader of the Council',
    signedOn: '2014-07-01',
  });

  async function toActive(reference: string) {
    const created = await draft(reference);
    const id = created.id;
    await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${id}/submit`,
      { version: created.version },
      200,
    );
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    await call(t(), nsAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    await call(t(), banesAdmin, 'post', `/agreements/${id}/sign`, signature(1), 200);
    const res = await call(t(), nsAdmin, 'post', `/agreements/${id}/sign`, signature(1), 200);
    return res.body as { id: string; version: number; status: string };
  }

  it('goes draft → in approval → approved → active, each step by the right council', async () => {
    const created = await draft('E 2649');
    expect(created.status).toBe('draft');
    expect(created).toMatchObject({
      reference: 'E 2649',
      initiatingCouncil: { id: banes },
      currentVersion: null,
      latestVersion: 1,
      current: { number: 1, status: 'draft', purposes: ['Improve services', 'Reduce costs'] },
    });
    const id = created.id;
    const submitted = await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${id}/submit`,
      { version: created.version },
      200,
    );
    expect(submitted.body.status).toBe('in_approval');
    const first = await call(
      t(),
      banesAdmin,
      'post',
      `/agreements/${id}/approve`,
      decision(1),
      200,
    );
    expect(first.body.status).toBe('in_approval');
    const both = await call(t(), nsAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    expect(both.body.status).toBe('approved');
    expect(both.body.current.decisions).toHaveLength(2);
    const signed = await call(t(), banesAdmin, 'post', `/agreements/${id}/sign`, signature(1), 200);
    expect(signed.body.status).toBe('approved');
    const active = await call(
      t(),
      nsAdmin,
      'post',
      `/agreements/${id}/sign`,
      { ...signature(1), signedOn: '2014-07-03' },
      200,
    );
    expect(active.body).toMatchObject({
      status: 'active',
      currentVersion: 1,
      startDate: '2014-07-03',
      reviewDate: '2015-06-11',
      current: { status: 'in_force', inForceFrom: '2014-07-03' },
    });
    expect(
      active.body.current.signatures.map((s: { councilId: string }) => s.councilId).sort(),
    ).toEqual([banes, northSomerset].sort());
    // What is stored: the decisions name who recorded them.
    const rows = await queryAs<{ council_id: string; recorded_by: string }>(
      t().db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT council_id, recorded_by FROM agreement_decisions WHERE agreement_id = $1`,
      [id],
    );
    expect(rows.map((r) => [r.council_id, r.recorded_by]).sort()).toEqual(
      [
        [banes, banesAdmin.id],
        [northSomerset, nsAdmin.id],
      ].sort(),
    );
  });

  it('hides an agreement from a council that is not a party: 404, and absent from every list', async () => {
    const { id } = await toActive('E 2649/hidden');
    await call(t(), thirdAdmin, 'get', `/agreements/${id}`, undefined, 404);
    await call(t(), thirdAdmin, 'get', `/agreements/${id}/versions`, undefined, 404);
    await call(t(), thirdAdmin, 'get', `/agreements/${id}/versions/1`, undefined, 404);
    await call(t(), thirdAdmin, 'get', `/agreements/${id}/versions/1/documents`, undefined, 404);
    await call(t(), thirdAdmin, 'post', `/agreements/${id}/approve`, decision(1), 404);
    const list = await call(t(), thirdAdmin, 'get', '/agreements', undefined, 200);
    expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(id);
    const filtered = await call(
      t(),
      thirdAdmin,
      'get',
      `/agreements?partyCouncilId=${banes}`,
      undefined,
      200,
    );
    expect(filtered.body.data).toEqual([]);
    const mine = await call(t(), nsOfficer, 'get', '/agreements', undefined, 200);
    expect(mine.body.data.map((a: { id: string }) => a.id)).toContain(id);
  });

  it('lets each party decide and sign for itself only', async () => {
    const created = await draft('E 2649/rules');
    const id = created.id;
    // Signing or deciding before submission is 409.
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 409);
    await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${id}/submit`,
      { version: created.version },
      200,
    );
    // North Somerset's admin cannot decide or sign for B&NES.
    await call(
      t(),
      nsAdmin,
      'post',
      `/agreements/${id}/approve`,
      { ...decision(1), councilId: banes },
      403,
    );
    // An officer cannot decide; a viewer cannot either.
    await call(t(), banesOfficer, 'post', `/agreements/${id}/approve`, decision(1), 403);
    await call(t(), banesViewer, 'post', `/agreements/${id}/approve`, decision(1), 403);
    // Signing before every party approved is 409.
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    await call(t(), banesAdmin, 'post', `/agreements/${id}/sign`, signature(1), 409);
    // Approving twice is 409.
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 409);
    // North Somerset declines: back to draft with its reason.
    const declined = await call(
      t(),
      nsAdmin,
      'post',
      `/agreements/${id}/decline`,
      {
        ...decision(1),
        decisionBody: 'Executive',
        reason: 'The contribution must come from the transformation fund',
      },
      200,
    );
    expect(declined.body.status).toBe('draft');
    expect(declined.body.current.status).toBe('draft');
    expect(declined.body.current.decisions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          councilId: northSomerset,
          decision: 'declined',
          reason: 'The contribution must come from the transformation fund',
        }),
      ]),
    );
    // The initiating council edits and resubmits; a new round of decisions opens.
    const edited = await call(
      t(),
      banesOfficer,
      'patch',
      `/agreements/${id}`,
      { version: declined.body.version, summary: 'Funded from the transformation fund' },
      200,
    );
    const again = await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${id}/submit`,
      { version: edited.body.version },
      200,
    );
    expect(again.body.current.round).toBe(2);
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    // A viewer and a non-initiating officer may not edit terms.
    await call(t(), nsOfficer, 'patch', `/agreements/${id}`, { version: 1, summary: 'x' }, 403);
  });

  it('moves to approved exactly once when two parties approve at the same moment (20 times)', async () => {
    for (let i = 0; i < 20; i++) {
      const created = await draft(`E 2649/race/${i}`);
      await call(
        t(),
        banesOfficer,
        'post',
        `/agreements/${created.id}/submit`,
        { version: created.version },
        200,
      );
      const answers = await Promise.all([
        call(t(), banesAdmin, 'post', `/agreements/${created.id}/approve`, decision(1)),
        call(t(), nsAdmin, 'post', `/agreements/${created.id}/approve`, decision(1)),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const got = await call(t(), banesOfficer, 'get', `/agreements/${created.id}`, undefined, 200);
      expect(got.body.status).toBe('approved');
      const moves = await queryAs<{ n: number }>(
        t().db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*)::int AS n FROM audit_events WHERE entity_type = 'agreements' AND entity_id = $1
            AND after ->> 'status' = 'approved' AND before ->> 'status' = 'in_approval'`,
        [created.id],
      );
      expect(moves[0].n).toBe(1);
    }
  });

  it('amends an active agreement as version 2 while version 1 stays in force until every party signs', async () => {
    const active = await toActive('E 2649/amended');
    const id = active.id;
    const amended = await call(
      t(),
      banesOfficer,
      'patch',
      `/agreements/${id}`,
      {
        version: active.version,
        purposes: ['Improve services', 'Reduce costs', 'Share a chief executive'],
        changeNote: 'Adds a shared chief executive',
      },
      200,
    );
    expect(amended.body).toMatchObject({
      status: 'active',
      currentVersion: 1,
      latestVersion: 2,
      current: { number: 1, status: 'in_force', purposes: ['Improve services', 'Reduce costs'] },
      pending: { number: 2, status: 'in_approval', changeNote: 'Adds a shared chief executive' },
    });
    // Version 2's terms are frozen while in approval.
    await call(
      t(),
      banesOfficer,
      'patch',
      `/agreements/${id}`,
      { version: amended.body.version, title: 'x' },
      409,
    );
    await call(t(), banesAdmin, 'post', `/agreements/${id}/approve`, decision(2), 200);
    await call(t(), nsAdmin, 'post', `/agreements/${id}/approve`, decision(2), 200);
    await call(t(), banesAdmin, 'post', `/agreements/${id}/sign`, signature(2), 200);
    const half = await call(t(), nsOfficer, 'get', `/agreements/${id}`, undefined, 200);
    expect(half.body).toMatchObject({
      currentVersion: 1,
      current: { status: 'in_force' },
      pending: { status: 'approved' },
    });
    const done = await call(t(), nsAdmin, 'post', `/agreements/${id}/sign`, signature(2), 200);
    expect(done.body).toMatchObject({
      status: 'active',
      currentVersion: 2,
      pending: null,
      current: { number: 2, status: 'in_force' },
    });
    const v1 = await call(t(), nsOfficer, 'get', `/agreements/${id}/versions/1`, undefined, 200);
    expect(v1.body).toMatchObject({
      number: 1,
      status: 'superseded',
      purposes: ['Improve services', 'Reduce costs'],
    });
    expect(v1.body.decisions).toHaveLength(2);
    expect(v1.body.signatures).toHaveLength(2);
    const versions = await call(
      t(),
      nsOfficer,
      'get',
      `/agreements/${id}/versions`,
      undefined,
      200,
    );
    expect(versions.body.data.map((v: { number: number }) => v.number)).toEqual([1, 2]);
  });

  it('reviews and terminates: under review by hand, a recorded review, then ended by a party', async () => {
    const active = await toActive('E 2649/review');
    const id = active.id;
    await call(
      t(),
      nsOfficer,
      'post',
      `/agreements/${id}/start-review`,
      { version: active.version },
      403,
    );
    const review = await call(
      t(),
      nsAdmin,
      'post',
      `/agreements/${id}/start-review`,
      { version: active.version },
      200,
    );
    expect(review.body.status).toBe('under_review');
    const back = await call(
      t(),
      banesAdmin,
      'post',
      `/agreements/${id}/reviews`,
      {
        version: review.body.version,
        reviewedOn: '2015-06-11',
        outcome: 'Progress report to Cabinet: continue',
        nextReviewOn: '2016-06-11',
      },
      200,
    );
    expect(back.body).toMatchObject({ status: 'active', reviewDate: '2016-06-11' });
    expect(back.body.reviews).toHaveLength(1);
    await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${id}/terminate`,
      { version: back.body.version, terminatedOn: '2016-01-01', reason: 'x' },
      403,
    );
    const ended = await call(
      t(),
      nsAdmin,
      'post',
      `/agreements/${id}/terminate`,
      {
        version: back.body.version,
        terminatedOn: '2016-01-01',
        reason: 'Services brought back in house',
      },
      200,
    );
    expect(ended.body).toMatchObject({
      status: 'ended',
      endKind: 'terminated',
      endedByCouncilId: northSomerset,
      endedOn: '2016-01-01',
    });
    await call(
      t(),
      banesOfficer,
      'patch',
      `/agreements/${id}`,
      { version: ended.body.version, title: 'x' },
      409,
    );
  });

  it('answers a stale version with 409 and bad input with 400 naming the field', async () => {
    const created = await draft('E 2649/input');
    await call(
      t(),
      banesOfficer,
      'patch',
      `/agreements/${created.id}`,
      { version: created.version + 5, title: 'x' },
      409,
    );
    const bad = await call(
      t(),
      banesOfficer,
      'post',
      '/agreements',
      {
        reference: 'X',
        title: 'Y',
        purposes: [],
        legalBasis: ['a'],
        parties: [{ councilId: banes }],
      },
      400,
    );
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['purposes', 'parties']),
    );
    const without = await call(
      t(),
      banesOfficer,
      'post',
      '/agreements',
      {
        reference: 'X',
        title: 'Y',
        purposes: ['a'],
        legalBasis: ['a'],
        parties: [{ councilId: northSomerset }, { councilId: third }],
      },
      400,
    );
    expect(without.body.errors[0].field).toBe('parties');
  });

  it('shows a linked workstream only to a party that may see it', async () => {
    const created = await draft('E 2649/links');
    const own = await call(
      t(),
      banesOfficer,
      'post',
      '/workstreams',
      { title: 'B&NES One Stop Shops', serviceArea: 'access_to_services' },
      201,
    );
    const linked = await call(
      t(),
      banesOfficer,
      'put',
      `/agreements/${created.id}/workstreams`,
      { version: created.version, workstreamIds: [own.body.id] },
      200,
    );
    expect(linked.body.workstreams).toEqual([{ id: own.body.id, title: 'B&NES One Stop Shops' }]);
    const seen = await call(t(), nsOfficer, 'get', `/agreements/${created.id}`, undefined, 200);
    expect(seen.body.workstreams).toEqual([]);
    // North Somerset cannot link what it cannot see, nor link at all (not the initiator).
    const theirs = await call(
      t(),
      nsOfficer,
      'post',
      '/workstreams',
      { title: 'North Somerset private', serviceArea: 'other' },
      201,
    );
    const refused = await call(
      t(),
      banesOfficer,
      'put',
      `/agreements/${created.id}/workstreams`,
      { version: linked.body.version, workstreamIds: [theirs.body.id] },
      400,
    );
    expect(refused.body.errors[0].field).toBe('workstreamIds[0]');
    await call(
      t(),
      nsOfficer,
      'put',
      `/agreements/${created.id}/workstreams`,
      { version: linked.body.version, workstreamIds: [] },
      403,
    );
  });

  it('lists by status, party, partnership and review date, keyset-paginated', async () => {
    const active = await toActive('E 2649/list-active');
    const pending = await draft('E 2649/list-draft');
    const statuses = await call(
      t(),
      nsOfficer,
      'get',
      '/agreements?status=active&limit=100',
      undefined,
      200,
    );
    const activeIds = statuses.body.data.map((a: { id: string }) => a.id);
    expect(activeIds).toContain(active.id);
    expect(activeIds).not.toContain(pending.id);
    const due = await call(
      t(),
      nsOfficer,
      'get',
      '/agreements?reviewDueBefore=2015-07-01&limit=100',
      undefined,
      200,
    );
    expect(due.body.data.map((a: { id: string }) => a.id)).toContain(active.id);
    const notDue = await call(
      t(),
      nsOfficer,
      'get',
      '/agreements?reviewDueBefore=2015-06-01&limit=100',
      undefined,
      200,
    );
    expect(notDue.body.data.map((a: { id: string }) => a.id)).not.toContain(active.id);
    // Every page in order, each agreement once.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: {
        body: { data: { id: string; reference: string }[]; nextCursor: string | null };
      } = await call(
        t(),
        banesViewer,
        'get',
        `/agreements?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        undefined,
        200,
      );
      seen.push(...page.body.data.map((a) => a.reference));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain('E 2649/list-draft');
    await call(t(), banesViewer, 'get', '/agreements?status=bogus', undefined, 400);
  });

  it('lets a platform admin act for a party it names, and says so', async () => {
    const created = await draft('E 2649/platform');
    await call(
      t(),
      banesOfficer,
      'post',
      `/agreements/${created.id}/submit`,
      { version: created.version },
      200,
    );
    const unnamed = await call(
      t(),
      world.admin,
      'post',
      `/agreements/${created.id}/approve`,
      decision(1),
      400,
    );
    expect(unnamed.body.errors[0].field).toBe('councilId');
    await call(
      t(),
      world.admin,
      'post',
      `/agreements/${created.id}/approve`,
      { ...decision(1), councilId: third },
      400,
    );
    const done = await call(
      t(),
      world.admin,
      'post',
      `/agreements/${created.id}/approve`,
      { ...decision(1), councilId: northSomerset },
      200,
    );
    expect(done.body.current.decisions).toEqual([
      expect.objectContaining({ councilId: northSomerset, recordedByPlatformAdmin: true }),
    ]);
    // Neither a viewer nor another council starts an agreement for B&NES.
    await call(
      t(),
      banesViewer,
      'post',
      '/agreements',
      {
        reference: 'V',
        title: 'V',
        purposes: ['a'],
        legalBasis: ['b'],
        parties: [{ councilId: banes }, { councilId: third }],
      },
      403,
    );
    await call(
      t(),
      nsOfficer,
      'post',
      `/agreements/${created.id}/submit`,
      { version: done.body.version },
      403,
    );
  });
});
