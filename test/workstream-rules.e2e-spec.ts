import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const POUND = 100;

type Res = Awaited<ReturnType<typeof call>>;

/** A problem+json answer with this status and, on 400, exactly these fields at fault. */
function expectProblem(res: Res, status: number, ...fields: string[]): void {
  expect([res.status, res.headers['content-type']]).toEqual([
    status,
    expect.stringMatching(/^application\/problem\+json/),
  ]);
  expect(res.body).toMatchObject({ type: 'about:blank', status, detail: expect.any(String) });
  if (status === 400)
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
}

/** Rows in the order the database sorts them by these keys (uuids sort as lower-case hex). */
const sortedBy = <T extends object>(rows: T[], ...keys: (keyof T)[]): T[] =>
  [...rows].sort((a, b) => {
    const key = (r: T) => keys.map((k) => String(r[k])).join(' ');
    return key(a) < key(b) ? -1 : 1;
  });

const AUDITS = 'SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1';

/** What is stored, read through the application role as a platform admin (RLS applies). */
function storage(t: () => TestApp) {
  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t().db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  return {
    stored,
    /** The columns of the row with this id, or undefined. */
    one: async (table: string, id: string, columns: string) =>
      (await stored(`SELECT ${columns} FROM ${table} WHERE id = $1`, [id]))[0],
    audits: async (entityId: string) => (await stored<{ n: number }>(AUDITS, [entityId]))[0].n,
  };
}

describe('rules of workstreams and their records', () => {
  let t: TestApp;
  let world: World;
  let [glasgow, lanarkshire, inverclyde, wdc, banes, clydeValley]: string[] = [];
  let [adminGlasgow, officerGlasgow, viewerGlasgow, officerLanarkshire]: SignedIn[] = [];
  let [officerInverclyde, viewerInverclyde, officerWdc, adminBanes]: SignedIn[] = [];
  const { stored, one, audits } = storage(() => t);

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    glasgow = await world.council(GLASGOW);
    lanarkshire = await world.council(NORTH_LANARKSHIRE);
    inverclyde = await world.council(INVERCLYDE);
    wdc = await world.council(WEST_DUNBARTONSHIRE);
    banes = await world.council(BANES);
    adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    viewerGlasgow = await world.user(glasgow, 'viewer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    viewerInverclyde = await world.user(inverclyde, 'viewer');
    officerWdc = await world.user(wdc, 'officer');
    adminBanes = await world.user(banes, 'council_admin');
    const members = [lanarkshire, inverclyde, wdc];
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley CPP', members);
  });
  afterAll(() => t.close());

  /** A Clyde Valley workstream led by Glasgow and North Lanarkshire. */
  const shared = (title: string) =>
    workstream(t, officerGlasgow, {
      title,
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow, lanarkshire],
    });
  const get = (who: SignedIn, path: string) => call(t, who, 'get', path, undefined, 200);
  const post = (who: SignedIn, path: string, body: object, expected?: number) =>
    call(t, who, 'post', path, body, expected);
  const patch = (who: SignedIn, path: string, body: object, expected?: number) =>
    call(t, who, 'patch', path, body, expected);
  const titled = (title: string) => stored('SELECT id FROM workstreams WHERE title = $1', [title]);
  const memberOf = async (partnershipId: string, councilId: string) =>
    (await get(adminGlasgow, `/partnerships/${partnershipId}/members`)).body.data.find(
      (m: { councilId: string }) => m.councilId === councilId,
    ) as { id: string; version: number; joinedOn: string };

  /** Every id of a list, following `nextCursor` with `limit`, and the size of each page. */
  async function walk(who: SignedIn, path: string, limit: number) {
    const [ids, sizes]: [string[], number[]] = [[], []];
    let cursor: string | null = null;
    do {
      const after = cursor ? `&cursor=${cursor}` : '';
      const page: Res = await get(who, `${path}?limit=${limit}${after}`);
      ids.push(...page.body.data.map((r: { id: string }) => r.id));
      sizes.push(page.body.data.length);
      cursor = page.body.nextCursor as string | null;
    } while (cursor && sizes.length < 20);
    return { ids, sizes };
  }

  it('refuses a lead authority that is not a current member of the partnership with 400 naming leadCouncilIds, on create and on edit', async () => {
    const cv = await partnership(t, adminGlasgow, 'Clyde Valley (leads)', [lanarkshire, wdc]);
    const left = await memberOf(cv, wdc);
    await call(t, adminGlasgow, 'delete', `/partnerships/${cv}/members/${left.id}`, undefined, 204);
    // B&NES was never a member; West Dunbartonshire was, until today.
    for (const outsider of [banes, wdc]) {
      const title = `Joint waste with ${outsider}`;
      const leadCouncilIds = [glasgow, outsider];
      const body = { title, serviceArea: 'waste', partnershipId: cv, leadCouncilIds };
      expectProblem(await post(officerGlasgow, '/workstreams', body), 400, 'leadCouncilIds');
      expect(await titled(title)).toEqual([]);
    }
    const fields = { title: 'Joint waste', partnershipId: cv, leadCouncilIds: [glasgow] };
    const w = await workstream(t, officerGlasgow, fields);
    const before = await audits(w.id);
    const edit = { leadCouncilIds: [glasgow, banes], version: w.version };
    expectProblem(await patch(officerGlasgow, `/workstreams/${w.id}`, edit), 400, 'leadCouncilIds');
    const now = await one('workstreams', w.id, 'lead_council_ids::text[] AS leads, version');
    expect(now).toEqual({ leads: [glasgow], version: w.version });
    expect(await audits(w.id)).toBe(before);
  });

  it('refuses a participant that declines or does not take part without a reason with 400 naming reason, and stores it with one', async () => {
    const roads = await shared('Shared roads maintenance');
    const path = `/workstreams/${roads.id}/participants`;
    const own = (councilId: string | null) =>
      stored(
        'SELECT status, reason FROM workstream_participants WHERE workstream_id = $1 AND council_id = $2',
        [roads.id, councilId],
      );
    const cases = [
      [officerInverclyde, 'declined'],
      [officerWdc, 'not_participating'],
    ] as const;
    for (const [who, status] of cases) {
      expectProblem(await post(who, path, { status, priorityRank: 4 }), 400, 'reason');
      expect(await own(who.councilId)).toEqual([]);
      const reason = 'Capacity shortfall in the roads service this year';
      const res = await post(who, path, { status, reason }, 201);
      expect(res.body).toMatchObject({ councilId: who.councilId, status, reason, version: 1 });
      expect(res.headers.location).toBe(`/api/v1${path}/${res.body.id}`);
      expect(await own(who.councilId)).toEqual([{ status, reason }]);
    }
  });

  it("refuses clearing or blanking a declined participation's reason by PATCH with 400 naming reason", async () => {
    const waste = await shared('Shared waste procurement');
    const path = `/workstreams/${waste.id}/participants`;
    const reason = 'No capacity in the waste service this year';
    const res = await post(officerWdc, path, { status: 'declined', reason }, 201);
    for (const blank of ['', '   ', null]) {
      const edit = { reason: blank, version: 1 };
      expectProblem(await patch(officerWdc, `${path}/${res.body.id}`, edit), 400, 'reason');
    }
    expect(await one('workstream_participants', res.body.id, 'status, reason, version')).toEqual({
      status: 'declined',
      reason,
      version: 1,
    });
  });

  it('answers a stale version 409 and changes nothing: a milestone, a partnership membership and a reopen', async () => {
    const w = await shared('Joint workforce planning');
    const milestone = { title: 'Scope agreed', dueOn: '2031-06-30' };
    const m = await post(officerGlasgow, `/workstreams/${w.id}/milestones`, milestone, 201);
    const mPath = `/workstreams/${w.id}/milestones/${m.body.id}`;
    await patch(officerGlasgow, mPath, { status: 'in_progress', version: 1 }, 200);
    const milestoneAudits = await audits(m.body.id);
    const staleMilestone = await patch(officerLanarkshire, mPath, { title: 'Renamed', version: 1 });
    expectProblem(staleMilestone, 409);
    const kept = { title: 'Scope agreed', status: 'in_progress', version: 2 };
    expect(await one('milestones', m.body.id, 'title, status, version')).toEqual(kept);
    expect(await audits(m.body.id)).toBe(milestoneAudits);

    const cv = await partnership(t, adminGlasgow, 'Clyde Valley (versions)', [inverclyde]);
    const member = await memberOf(cv, inverclyde);
    const path = `/partnerships/${cv}/members/${member.id}`;
    await patch(adminGlasgow, path, { role: 'chair', version: member.version }, 200);
    const staleMember = { leftOn: '2031-03-31', version: member.version };
    expectProblem(await patch(adminGlasgow, path, staleMember), 409);
    const membership = await one('partnership_members', member.id, 'role, left_on, version');
    expect(membership).toEqual({ role: 'chair', left_on: null, version: member.version + 1 });

    // Reopen carries the version it read, like every other write.
    await patch(officerGlasgow, `/workstreams/${w.id}`, { phase: 'research', version: 1 }, 200);
    const workstreamAudits = await audits(w.id);
    const reopen = { phase: 'idea', reason: 'Scope to be redone with new partners', version: 1 };
    expectProblem(await post(officerGlasgow, `/workstreams/${w.id}/reopen`, reopen), 409);
    const now = await one('workstreams', w.id, 'phase, version');
    expect(now).toEqual({ phase: 'research', version: 2 });
    const changes = 'SELECT to_phase FROM workstream_phase_changes WHERE workstream_id = $1';
    expect(await stored(changes, [w.id])).toEqual([{ to_phase: 'research' }]);
    expect(await audits(w.id)).toBe(workstreamAudits);
  });

  it('lets exactly one of two concurrent edits with the same version win, 20 rounds running, storing the winner', async () => {
    const w = await shared('A common charging framework');
    let version = w.version;
    for (let round = 1; round <= 20; round++) {
      const edit = (who: SignedIn, scope: string) =>
        patch(who, `/workstreams/${w.id}`, { scope, version });
      const results = await Promise.all([
        edit(officerGlasgow, `Charges for social care, round ${round}`),
        edit(officerLanarkshire, `Charges for leisure, round ${round}`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const [winner, loser] = results[0].status === 200 ? results : [results[1], results[0]];
      expectProblem(loser, 409);
      expect(winner.body.version).toBe(version + 1);
      expect((await get(officerGlasgow, `/workstreams/${w.id}`)).body).toEqual(winner.body);
      const now = await one('workstreams', w.id, 'scope, version');
      expect(now).toEqual({ scope: winner.body.scope, version: version + 1 });
      version += 1;
    }
    const updates = `${AUDITS} AND action = 'update'`;
    expect(await stored(updates, [w.id])).toEqual([{ n: 20 }]);
  });

  it("refuses a key action naming another workstream's milestone with 400 naming milestoneIds", async () => {
    const [hubs, fleet] = [await shared('Hubs'), await shared('Fleet maintenance')];
    const milestone = { title: 'Agreed', dueOn: '2031-01-31' };
    const add = async (w: { id: string }) =>
      (await post(officerGlasgow, `/workstreams/${w.id}/milestones`, milestone, 201)).body;
    const [own, other] = [(await add(hubs)).id as string, (await add(fleet)).id as string];
    const actions = `/workstreams/${hubs.id}/actions`;
    const action = 'Communication plan agreed and embedded';
    const refused = await post(officerGlasgow, actions, { action, milestoneIds: [own, other] });
    expectProblem(refused, 400, 'milestoneIds');
    const sql =
      'SELECT milestone_ids::text[] AS ids, version FROM key_actions WHERE workstream_id = $1';
    expect(await stored(sql, [hubs.id])).toEqual([]);
    const created = await post(officerGlasgow, actions, { action, milestoneIds: [own] }, 201);
    expect(created.body).toMatchObject({ action, milestoneIds: [own], version: 1 });
    const moved = { milestoneIds: [other], version: 1 };
    const edit = await patch(officerGlasgow, `${actions}/${created.body.id}`, moved);
    expectProblem(edit, 400, 'milestoneIds');
    expect(await stored(sql, [hubs.id])).toEqual([{ ids: [own], version: 1 }]);
  });

  it('scores a risk as likelihood × impact and lists risks highest score first, ties by id', async () => {
    const w = await shared('An integrated approach to health and social care');
    const path = `/workstreams/${w.id}/risks`;
    const risks: { id: string; score: number }[] = [];
    for (const pair of ['2×3', '5×4', '1×1', '3×2', '4×4']) {
      const [likelihood, impact] = pair.split('×').map(Number);
      const risk = { description: `Risk ${pair}`, likelihood, impact };
      const res = await post(officerLanarkshire, path, risk, 201);
      expect(res.body).toMatchObject({ ...risk, score: likelihood * impact, status: 'open' });
      risks.push({ id: res.body.id, score: res.body.score });
    }
    const rescore = { impact: 5, version: 1 };
    const rescored = await patch(officerGlasgow, `${path}/${risks[2].id}`, rescore, 200);
    expect(rescored.body).toMatchObject({ likelihood: 1, impact: 5, score: 5, version: 2 });
    expect(await one('risks', risks[2].id, 'score')).toEqual({ score: 5 });
    risks[2].score = 5;
    const expected = [...risks].sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
    expect(expected.map((r) => r.score)).toEqual([20, 16, 6, 6, 5]);
    const list = await get(viewerInverclyde, path);
    expect(list.body.data.map((r: { id: string; score: number }) => [r.score, r.id])).toEqual(
      expected.map((r) => [r.score, r.id]),
    );
  });

  it('numbers a second business case 2 and leaves the first at 1', async () => {
    const w = await shared('Developing an approach to the back office');
    const path = `/workstreams/${w.id}/business-cases`;
    const first = await post(officerGlasgow, path, { title: 'Outline business case' }, 201);
    const second = await post(officerLanarkshire, path, { title: 'Full business case' }, 201);
    expect([first.body.number, second.body.number]).toEqual([1, 2]);
    const numbers =
      'SELECT id, number FROM business_cases WHERE workstream_id = $1 ORDER BY number';
    expect(await stored(numbers, [w.id])).toEqual([
      { id: first.body.id, number: 1 },
      { id: second.body.id, number: 2 },
    ]);
  });

  it('marks a milestone overdue when planned or in progress and due in the past, not when done, missed or due in the future', async () => {
    const w = await shared('Joint economic strategy');
    const path = `/workstreams/${w.id}/milestones`;
    const cases = [
      { title: 'Planned, past', dueOn: '2020-06-30', status: 'planned', overdue: true },
      { title: 'In progress, past', dueOn: '2020-09-30', status: 'in_progress', overdue: true },
      { title: 'Done, past', dueOn: '2020-03-31', status: 'done', overdue: false },
      { title: 'Missed, past', dueOn: '2020-01-31', status: 'missed', overdue: false },
      { title: 'Planned, future', dueOn: '2031-03-31', status: 'planned', overdue: false },
    ];
    const ids: string[] = [];
    for (const { overdue, ...milestone } of cases) {
      const res = await post(officerGlasgow, path, milestone, 201);
      expect(res.body).toMatchObject({ ...milestone, overdue });
      ids.push(res.body.id);
    }
    const shown = (await get(viewerInverclyde, path)).body.data as typeof cases;
    expect(shown.map((m) => [m.title, m.overdue])).toEqual(
      sortedBy(cases, 'dueOn').map((c) => [c.title, c.overdue]),
    );
    const markDone = { status: 'done', version: 1 };
    const done = await patch(officerGlasgow, `${path}/${ids[0]}`, markDone, 200);
    const [{ today }] = await stored<{ today: string }>(`SELECT current_date::text AS today`);
    expect(done.body).toMatchObject({ status: 'done', completedOn: today, overdue: false });
  });

  it('refuses as leadOfficerId anyone but an active officer or admin of a lead authority with 400 naming leadOfficerId', async () => {
    const title = 'A single social transport solution';
    const res = await post(officerGlasgow, '/workstreams', {
      title,
      serviceArea: 'social_transport_fleet',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow, lanarkshire],
      leadOfficerId: officerInverclyde.id,
    });
    expectProblem(res, 400, 'leadOfficerId');
    expect(await titled(title)).toEqual([]);
    const w = await shared(title);
    const path = `/workstreams/${w.id}`;
    // A member council that does not lead, and a viewer (an elected member) of a lead authority.
    for (const who of [officerWdc, viewerGlasgow]) {
      const named = await patch(officerGlasgow, path, { leadOfficerId: who.id, version: 1 });
      expectProblem(named, 400, 'leadOfficerId');
    }
    const lead = { leadOfficerId: officerLanarkshire.id, version: 1 };
    const named = await patch(officerGlasgow, path, lead, 200);
    expect(named.body).toMatchObject({ version: 2, leadOfficer: { id: officerLanarkshire.id } });
    // Dropping the officer's council from the leads needs another officer in the same PATCH.
    const dropped = await patch(officerGlasgow, path, { leadCouncilIds: [glasgow], version: 2 });
    expectProblem(dropped, 400, 'leadOfficerId');
    const officerNow = () => one('workstreams', w.id, 'lead_officer_id AS officer, version');
    expect(await officerNow()).toEqual({ officer: officerLanarkshire.id, version: 2 });
    const replaced = { leadCouncilIds: [glasgow], leadOfficerId: adminGlasgow.id, version: 2 };
    await patch(officerGlasgow, path, replaced, 200);
    expect(await officerNow()).toEqual({ officer: adminGlasgow.id, version: 3 });
  });

  it('pages milestones and partnership members by cursor with no repeats or gaps, and refuses limit=101 with 400 naming limit', async () => {
    const w = await shared('Joint ICT');
    const path = `/workstreams/${w.id}/milestones`;
    const made: { id: string; dueOn: string }[] = [];
    for (const dueOn of ['2031-01-31', '2031-01-31', '2030-06-30', '2031-01-31', '2032-12-31']) {
      made.push((await post(officerGlasgow, path, { title: `Due ${dueOn}`, dueOn }, 201)).body);
    }
    const byDue = sortedBy(made, 'dueOn', 'id').map((m) => m.id);
    expect(await walk(viewerInverclyde, path, 2)).toEqual({ ids: byDue, sizes: [2, 2, 1] });

    const cv = await partnership(t, adminGlasgow, 'Clyde Valley (paged)', []);
    const members = `/partnerships/${cv}/members`;
    const joined = [await memberOf(cv, glasgow)];
    for (const [councilId, joinedOn] of Object.entries({
      [lanarkshire]: '2010-01-15',
      [inverclyde]: '2010-01-15',
      [wdc]: '2009-04-01',
    })) {
      joined.push((await post(adminGlasgow, members, { councilId, joinedOn }, 201)).body);
    }
    const byJoining = sortedBy(joined, 'joinedOn', 'id').map((m) => m.id);
    expect(await walk(viewerInverclyde, members, 2)).toEqual({ ids: byJoining, sizes: [2, 2] });
    for (const list of [path, members]) {
      expectProblem(await call(t, viewerInverclyde, 'get', `${list}?limit=101`), 400, 'limit');
    }
  });

  it('creates a bilateral co-operation and dissolves it with the right version', async () => {
    const northSomerset = await world.council(NORTH_SOMERSET);
    const kind = 'bilateral_cooperation';
    const name = 'B&NES and North Somerset co-operation';
    const created = await post(adminBanes, '/partnerships', { name, kind }, 201);
    const active = { name, kind, status: 'active', administeringCouncilId: banes, version: 1 };
    expect(created.body).toMatchObject(active);
    const path = `/partnerships/${created.body.id}`;
    expect(created.headers.location).toBe(`/api/v1${path}`);
    await post(adminBanes, `${path}/members`, { councilId: northSomerset }, 201);
    const dissolved = await patch(adminBanes, path, { status: 'dissolved', version: 1 }, 200);
    expect(dissolved.body).toMatchObject({ name, kind, status: 'dissolved', version: 2 });
    expectProblem(await patch(adminBanes, path, { status: 'active', version: 1 }), 409);
    const now = await one('partnerships', created.body.id, 'kind, status, version');
    expect(now).toEqual({ kind, status: 'dissolved', version: 2 });
  });

  it('lists the service areas to a viewer, and lets only a platform admin add one that workstreams may then use', async () => {
    const design = `waste health_social_care social_transport_fleet property_hubs back_office roads
      charging economic_strategy workforce ict asset_management access_to_services
      revenues_benefits audit hr_payroll`.split(/\s+/);
    const areas = await get(viewerInverclyde, '/service-areas');
    expect(areas.body.nextCursor).toBeNull();
    expect(areas.body.data.map((a: { code: string }) => a.code)).toEqual(
      expect.arrayContaining(design),
    );
    // A page at a time, like every list: by name, the pages together the whole list.
    const paged: unknown[] = [];
    let cursor: string | null = '';
    while (cursor !== null) {
      const page = await get(viewerInverclyde, `/service-areas?limit=4&cursor=${cursor}`);
      expect(page.body.data.length).toBeLessThanOrEqual(4);
      paged.push(...(page.body.data as unknown[]));
      cursor = page.body.nextCursor as string | null;
    }
    expect(paged).toEqual(areas.body.data);
    const libraries = { title: 'Shared library service', serviceArea: 'libraries' };
    expectProblem(await post(officerGlasgow, '/workstreams', libraries), 400, 'serviceArea');
    const area = { code: 'libraries', name: 'Libraries' };
    expectProblem(await post(adminGlasgow, '/service-areas', area), 403);
    const sql = 'SELECT code, name FROM service_areas WHERE code = $1';
    expect(await stored(sql, ['libraries'])).toEqual([]);
    expect((await post(world.admin, '/service-areas', area, 201)).body).toEqual(area);
    expect(await stored(sql, ['libraries'])).toEqual([area]);
    const used = await post(officerGlasgow, '/workstreams', libraries, 201);
    expect(used.body).toMatchObject({ serviceArea: 'libraries', visibility: 'private' });
    expect((await get(viewerInverclyde, '/service-areas')).body.data).toContainEqual(area);
  });
});

describe('savings totals', () => {
  let t: TestApp;
  let [glasgow, lanarkshire, clydeValley, waste, roads]: string[] = [];
  let [officerGlasgow, officerLanarkshire]: SignedIn[] = [];
  /** Each council's name, as a group by council answers it beside the id. */
  const names: Record<string, string> = {};
  const { stored } = storage(() => t);

  beforeAll(async () => {
    const world = await World.start();
    t = world.t;
    glasgow = await world.council(GLASGOW);
    lanarkshire = await world.council(NORTH_LANARKSHIRE);
    const adminGlasgow = await world.user(glasgow, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    for (const id of [glasgow, lanarkshire]) {
      names[id] = (await call(t, officerGlasgow, 'get', `/councils/${id}`, undefined, 200)).body
        .name as string;
    }
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [lanarkshire]);
    const leads = { partnershipId: clydeValley, leadCouncilIds: [glasgow, lanarkshire] };
    waste = (await workstream(t, officerGlasgow, { title: 'Integrated waste', ...leads })).id;
    // Glasgow's own, private roads review: North Lanarkshire does not see it.
    roads = (await workstream(t, officerGlasgow, { title: 'Roads budget review' })).id;
    const lines: [SignedIn, string, string, number, number, boolean][] = [
      [officerGlasgow, waste, '2025-26', 100_000, 40_000, true],
      [officerGlasgow, waste, '2026-27', 150_000, 0, false],
      [officerLanarkshire, waste, '2025-26', 80_000, 80_000, true],
      [officerLanarkshire, waste, '2026-27', 60_000, 10_000, true],
      [officerGlasgow, roads, '2025-26', 30_000, 30_000, false],
    ];
    for (const [who, w, financialYear, planned, realised, cashable] of lines) {
      const pence = { plannedPence: planned * POUND, realisedPence: realised * POUND };
      const body = { financialYear, cashable, ...pence };
      await call(t, who, 'post', `/workstreams/${w}/savings`, body, 201);
    }
  });
  afterAll(() => t.close());

  /** The totals, as at today unless the query says otherwise (the `asOf` answered is checked). */
  const totals = async (who: SignedIn, query = '') => {
    const { asOf, nextCursor, ...body } = (
      await call(t, who, 'get', `/savings/totals${query}`, undefined, 200)
    ).body as Record<string, unknown>;
    expect(asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // Every group fits the default page of 200 here; paging is tested on its own.
    expect(nextCursor).toBeNull();
    return body;
  };
  /** A totals row: its group, then planned, realised, cashable planned, cashable realised (£). */
  const sums = <G extends object>(
    group: G,
    [planned, realised, cashPlanned, cashRealised]: number[],
  ) => ({
    ...group,
    plannedPence: planned * POUND,
    realisedPence: realised * POUND,
    cashablePlannedPence: cashPlanned * POUND,
    cashableRealisedPence: cashRealised * POUND,
  });
  const line = (workstreamId: string, councilId: string, financialYear: string) => ({
    workstreamId,
    councilId,
    councilName: names[councilId],
    financialYear,
  });
  /** A group by council: its id and its name. */
  const council = (councilId: string) => ({ councilId, councilName: names[councilId] });

  it('sums by workstream, council and financial year by default, and by council and year with groupBy=council,year, over what the caller may see', async () => {
    expect(await stored('SELECT count(*)::int AS n FROM savings_lines')).toEqual([{ n: 5 }]);
    expect(names[lanarkshire]).toBe('North Lanarkshire Council');
    const byLine = [
      sums(line(waste, glasgow, '2025-26'), [100_000, 40_000, 100_000, 40_000]),
      sums(line(waste, glasgow, '2026-27'), [150_000, 0, 0, 0]),
      sums(line(waste, lanarkshire, '2025-26'), [80_000, 80_000, 80_000, 80_000]),
      sums(line(waste, lanarkshire, '2026-27'), [60_000, 10_000, 60_000, 10_000]),
      sums(line(roads, glasgow, '2025-26'), [30_000, 30_000, 0, 0]),
    ];
    const keys = ['workstreamId', 'councilId', 'financialYear'] as const;
    const total = sums({}, [420_000, 160_000, 240_000, 130_000]);
    expect(await totals(officerGlasgow)).toEqual({ data: sortedBy(byLine, ...keys), total });
    const byCouncilYear = [
      sums({ ...council(glasgow), financialYear: '2025-26' }, [130_000, 70_000, 100_000, 40_000]),
      sums({ ...council(glasgow), financialYear: '2026-27' }, [150_000, 0, 0, 0]),
      sums({ ...council(lanarkshire), financialYear: '2025-26' }, [80_000, 80_000, 80_000, 80_000]),
      sums({ ...council(lanarkshire), financialYear: '2026-27' }, [60_000, 10_000, 60_000, 10_000]),
    ];
    expect(await totals(officerGlasgow, '?groupBy=council,year')).toEqual({
      data: sortedBy(byCouncilYear, 'councilId', 'financialYear'),
      total,
    });
    // North Lanarkshire does not see Glasgow's private roads review, nor count it.
    expect(await totals(officerLanarkshire)).toEqual({
      data: sortedBy(byLine.slice(0, 4), ...keys),
      total: sums({}, [390_000, 130_000, 240_000, 130_000]),
    });
    const unknown = await call(t, officerGlasgow, 'get', '/savings/totals?groupBy=region');
    expectProblem(unknown, 400, 'groupBy');
  });

  it('pages the groups by cursor, in group order, with the total over every group on each page', async () => {
    const all = (await totals(officerGlasgow)) as { data: unknown[]; total: unknown };
    const seen: unknown[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = (await call(t, officerGlasgow, 'get', `/savings/totals${query}`, undefined, 200))
        .body as { data: unknown[]; nextCursor: string | null; total: unknown };
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.total).toEqual(all.total);
      seen.push(...page.data);
      cursor = page.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(all.data);
    expect(pages).toBe(Math.ceil(all.data.length / 2));
    const forged = await call(t, officerGlasgow, 'get', '/savings/totals?cursor=not-a-cursor');
    expectProblem(forged, 400, 'cursor');
    const tooMany = await call(t, officerGlasgow, 'get', '/savings/totals?limit=1001');
    expectProblem(tooMany, 400, 'limit');
  });

  it('filters the totals by partnershipId and by financialYear', async () => {
    const byCouncil = [
      sums(council(glasgow), [250_000, 40_000, 100_000, 40_000]),
      sums(council(lanarkshire), [140_000, 90_000, 140_000, 90_000]),
    ];
    expect(await totals(officerGlasgow, `?partnershipId=${clydeValley}&groupBy=council`)).toEqual({
      data: sortedBy(byCouncil, 'councilId'),
      total: sums({}, [390_000, 130_000, 240_000, 130_000]),
    });
    const byWorkstream = [
      sums({ workstreamId: waste }, [180_000, 120_000, 180_000, 120_000]),
      sums({ workstreamId: roads }, [30_000, 30_000, 0, 0]),
    ];
    expect(await totals(officerGlasgow, '?financialYear=2025-26&groupBy=workstream')).toEqual({
      data: sortedBy(byWorkstream, 'workstreamId'),
      total: sums({}, [210_000, 150_000, 180_000, 120_000]),
    });
  });
});
