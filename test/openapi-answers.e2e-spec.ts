import request from 'supertest';
import { AnswerChecker, OpenApiDocument } from './support/openapi-check';
import { PASSWORD, SignedIn, World, bearer } from './support/world';

/**
 * Real answers, as the document says: the Clyde Valley Community Planning Partnership
 * (shared/seeds/002), administered here by West Dunbartonshire, which leads its Joint Economic
 * Strategy; Inverclyde is a member that takes part. Each answer's status and content type must
 * be documented for its operation and its body must match the schema, with no field the
 * schema does not name.
 */
describe('the answers the OpenAPI document describes', () => {
  let world: World;
  let checker: AnswerChecker;
  const faults: string[] = [];

  beforeAll(async () => {
    world = await World.start();
    const doc = (await request(world.t.http).get('/docs-json').expect(200)).body as OpenApiDocument;
    checker = new AnswerChecker(doc);
  });
  afterAll(() => world.t.close());

  /** Sends `route` (its path filled from `path`) as `who`; records any fault of the answer. */
  async function answer(
    who: SignedIn | undefined,
    route: string,
    path: string,
    body: object | undefined,
    expected: number,
  ): Promise<request.Response> {
    const [method] = route.split(' ');
    const outside = path === '/' || path === '/health' || path.startsWith('/api/v1');
    const url = outside ? path : `/api/v1${path}`;
    let req = request(world.t.http)[method.toLowerCase() as 'get'](url);
    if (who) req = req.set(bearer(who));
    const res = body ? await req.send(body) : await req;
    if (res.status !== expected)
      faults.push(`${route}: ${res.status} (expected ${expected}) ${JSON.stringify(res.body)}`);
    faults.push(...checker.faults(route, res));
    return res;
  }

  it('would refuse an answer with an undocumented field, or a null where none is documented', async () => {
    const doc = (await request(world.t.http).get('/docs-json')).body as OpenApiDocument;
    const user = doc.components.schemas.UserDto;
    delete user.properties!.jobTitle;
    user.properties!.councilId = { type: 'string', format: 'uuid' };
    const me = await request(world.t.http).get('/api/v1/me').set(bearer(world.admin));
    const found = new AnswerChecker(doc).faults('GET /api/v1/me', me).join('\n');
    expect(found).toMatch(/additionalProperty.*jobTitle/);
    expect(found).toMatch(/councilId must be string/);
  });

  it('answers every call of a partnership at work as documented', async () => {
    const inverclyde = await world.council('S12000018');
    const westDunbartonshire = await world.council('S12000039');
    const wdAdmin = await world.user(westDunbartonshire, 'council_admin');
    const wdOfficer = await world.user(westDunbartonshire, 'officer');
    const ivcAdmin = await world.user(inverclyde, 'council_admin');
    const ivcOfficer = await world.user(inverclyde, 'officer');
    const W = '/api/v1/workstreams/{id}';

    await answer(undefined, 'GET /health', '/health', undefined, 200);
    await answer(undefined, 'GET /', '/', undefined, 200);
    await answer(undefined, 'GET /api/v1', '/api/v1', undefined, 200);
    await answer(
      undefined,
      'POST /api/v1/auth/login',
      '/auth/login',
      { email: ivcOfficer.email, password: PASSWORD },
      200,
    );
    await answer(ivcOfficer, 'GET /api/v1/me', '/me', undefined, 200);
    await answer(world.admin, 'GET /api/v1/me', '/me', undefined, 200);
    await answer(wdAdmin, 'GET /api/v1/councils', '/councils', undefined, 200);
    await answer(
      wdAdmin,
      'GET /api/v1/councils/{id}',
      `/councils/${westDunbartonshire}`,
      undefined,
      200,
    );
    await answer(wdAdmin, 'GET /api/v1/councils/{id}', `/councils/${inverclyde}`, undefined, 200);
    await answer(wdAdmin, 'GET /api/v1/users', '/users', undefined, 200);
    await answer(wdAdmin, 'GET /api/v1/users/{id}', `/users/${wdOfficer.id}`, undefined, 200);

    const p = await answer(
      wdAdmin,
      'POST /api/v1/partnerships',
      '/partnerships',
      {
        name: 'Clyde Valley Community Planning Partnership',
        kind: 'community_planning_partnership',
      },
      201,
    );
    const pid = p.body.id as string;
    await answer(
      wdAdmin,
      'POST /api/v1/partnerships/{id}/members',
      `/partnerships/${pid}/members`,
      { councilId: inverclyde, joinedOn: '2010-01-15' },
      201,
    );
    await answer(ivcOfficer, 'GET /api/v1/partnerships', '/partnerships', undefined, 200);
    await answer(
      ivcOfficer,
      'GET /api/v1/partnerships/{id}',
      `/partnerships/${pid}`,
      undefined,
      200,
    );
    await answer(
      ivcOfficer,
      'GET /api/v1/partnerships/{id}/members',
      `/partnerships/${pid}/members`,
      undefined,
      200,
    );

    const w = await answer(
      wdOfficer,
      'POST /api/v1/workstreams',
      '/workstreams',
      {
        title: 'Joint Economic Strategy',
        serviceArea: 'other',
        partnershipId: pid,
        leadCouncilIds: [westDunbartonshire],
        leadOfficerId: wdOfficer.id,
        priorityRank: 9,
      },
      201,
    );
    const id = w.body.id as string;
    await answer(wdOfficer, `PATCH ${W}`, `/workstreams/${id}`, { scope: null, version: 1 }, 200);
    await answer(
      wdOfficer,
      `POST ${W}/status-updates`,
      `/workstreams/${id}/status-updates`,
      {
        rag: 'amber',
        period: '1 April – 30 September 2009',
        asAt: '2009-09-30',
        reason: 'Scope and remit to agree with the partners',
      },
      201,
    );
    await answer(ivcOfficer, 'GET /api/v1/workstreams', '/workstreams', undefined, 200);
    await answer(
      wdOfficer,
      'GET /api/v1/workstreams',
      `/workstreams?partnershipId=${pid}&limit=1`,
      undefined,
      200,
    );
    await answer(ivcOfficer, `GET ${W}`, `/workstreams/${id}`, undefined, 200);
    await answer(wdOfficer, `GET ${W}`, `/workstreams/${id}`, undefined, 200);
    await answer(
      ivcOfficer,
      `GET ${W}/status-updates`,
      `/workstreams/${id}/status-updates`,
      undefined,
      200,
    );
    await answer(
      ivcOfficer,
      `GET ${W}/phase-changes`,
      `/workstreams/${id}/phase-changes`,
      undefined,
      200,
    );

    const m = await answer(
      wdOfficer,
      `POST ${W}/milestones`,
      `/workstreams/${id}/milestones`,
      { title: 'Scope, remit and immediate milestones to the partnership', dueOn: '2010-03-12' },
      201,
    );
    await answer(
      wdOfficer,
      `PATCH ${W}/milestones/{recordId}`,
      `/workstreams/${id}/milestones/${m.body.id}`,
      { status: 'done', completedOn: '2010-03-10', version: 1 },
      200,
    );
    await answer(
      ivcOfficer,
      `GET ${W}/milestones`,
      `/workstreams/${id}/milestones`,
      undefined,
      200,
    );
    await answer(
      wdOfficer,
      `POST ${W}/actions`,
      `/workstreams/${id}/actions`,
      { action: 'Communication plan agreed and embedded', milestoneIds: [m.body.id] },
      201,
    );
    await answer(ivcOfficer, `GET ${W}/actions`, `/workstreams/${id}/actions`, undefined, 200);
    await answer(
      wdOfficer,
      `POST ${W}/risks`,
      `/workstreams/${id}/risks`,
      { description: 'Capacity diverted to business cases', likelihood: 4, impact: 4 },
      201,
    );
    await answer(
      wdOfficer,
      `POST ${W}/risks`,
      `/workstreams/${id}/risks`,
      { description: 'Not yet assessed' },
      201,
    );
    await answer(ivcOfficer, `GET ${W}/risks`, `/workstreams/${id}/risks`, undefined, 200);
    const f = await answer(
      wdOfficer,
      `POST ${W}/funding`,
      `/workstreams/${id}/funding`,
      {
        funder: 'Local Partnerships',
        amountPence: 10000000,
        atRisk: true,
        repaymentThresholds: [{ realisedSavingsPence: 100000000, repaymentPence: 5000000 }],
      },
      201,
    );
    const R = `${W}/funding/{fundingId}/repayments`;
    const repayments = `/workstreams/${id}/funding/${f.body.id}/repayments`;
    await answer(
      wdOfficer,
      `POST ${R}`,
      repayments,
      { paidOn: '2010-04-30', amountPence: 5000000 },
      201,
    );
    await answer(ivcOfficer, `GET ${R}`, repayments, undefined, 200);
    await answer(ivcOfficer, `GET ${W}/funding`, `/workstreams/${id}/funding`, undefined, 200);

    await answer(
      ivcOfficer,
      `POST ${W}/participants`,
      `/workstreams/${id}/participants`,
      { status: 'interested', priorityRank: 2 },
      201,
    );
    await answer(
      ivcOfficer,
      `GET ${W}/participants`,
      `/workstreams/${id}/participants`,
      undefined,
      200,
    );
    const bc = await answer(
      wdOfficer,
      `POST ${W}/business-cases`,
      `/workstreams/${id}/business-cases`,
      { title: 'A joint economic strategy for the Clyde Valley', estimatedCostPence: 15000000 },
      201,
    );
    const B = `${W}/business-cases/{caseId}`;
    const cases = `/workstreams/${id}/business-cases/${bc.body.id}`;
    await answer(wdOfficer, `PATCH ${B}`, cases, { status: 'submitted', version: 1 }, 200);
    await answer(
      ivcAdmin,
      `POST ${B}/decisions`,
      `${cases}/decisions`,
      {
        decision: 'approved',
        decidedOn: '2010-03-25',
        decisionBody: 'Policy and Resources Committee',
      },
      201,
    );
    await answer(ivcOfficer, `GET ${B}/decisions`, `${cases}/decisions`, undefined, 200);
    await answer(
      ivcOfficer,
      `GET ${W}/business-cases`,
      `/workstreams/${id}/business-cases`,
      undefined,
      200,
    );
    await answer(
      ivcOfficer,
      `POST ${W}/savings`,
      `/workstreams/${id}/savings`,
      { financialYear: '2010-11', plannedPence: 2500000, cashable: true },
      201,
    );
    await answer(ivcOfficer, `GET ${W}/savings`, `/workstreams/${id}/savings`, undefined, 200);
    await answer(ivcOfficer, 'GET /api/v1/dashboard', '/dashboard?asOf=2010-03-31', undefined, 200);
    await answer(ivcOfficer, 'GET /api/v1/savings/totals', '/savings/totals', undefined, 200);
    await answer(ivcOfficer, 'GET /api/v1/service-areas', '/service-areas', undefined, 200);
    await answer(
      ivcOfficer,
      'GET /api/v1/partnerships/{id}/alignment',
      `/partnerships/${pid}/alignment`,
      undefined,
      200,
    );
    await answer(wdAdmin, 'GET /api/v1/audit-events', '/audit-events?limit=20', undefined, 200);

    const a = await answer(
      wdOfficer,
      'POST /api/v1/agreements',
      '/agreements',
      {
        reference: 'CV/JES/2010/1',
        title: 'Co-operation agreement on a joint economic strategy',
        purposes: ['A joint economic strategy for the Clyde Valley'],
        legalBasis: ['Local Government in Scotland Act 2003, section 20'],
        partnershipId: pid,
        parties: [
          { councilId: westDunbartonshire, contributionPence: 2500000 },
          { councilId: inverclyde },
        ],
      },
      201,
    );
    await answer(ivcOfficer, 'GET /api/v1/agreements', '/agreements', undefined, 200);
    await answer(
      ivcOfficer,
      'GET /api/v1/agreements/{id}',
      `/agreements/${a.body.id}`,
      undefined,
      200,
    );
    await answer(
      ivcOfficer,
      'GET /api/v1/agreements/{id}/versions',
      `/agreements/${a.body.id}/versions`,
      undefined,
      200,
    );

    const report = await answer(
      ivcOfficer,
      'POST /api/v1/reports',
      '/reports',
      {
        title:
          'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
        type: 'committee_report',
        periodTo: '2010-02-18',
        partnershipId: pid,
        workstreamIds: [id],
      },
      201,
    );
    await answer(ivcOfficer, 'GET /api/v1/reports', '/reports', undefined, 200);
    await answer(
      ivcOfficer,
      'GET /api/v1/reports/{id}',
      `/reports/${report.body.id}`,
      undefined,
      200,
    );
    const schedule = await answer(
      ivcOfficer,
      'POST /api/v1/report-schedules',
      '/report-schedules',
      { title: 'Progress on the joint economic strategy', dueOn: '2010-06-30', workstreamId: id },
      201,
    );
    await answer(
      ivcOfficer,
      'GET /api/v1/report-schedules/{id}',
      `/report-schedules/${schedule.body.id}`,
      undefined,
      200,
    );
    await answer(ivcOfficer, 'GET /api/v1/reports/due', '/reports/due', undefined, 200);

    // Errors, each a problem.
    await answer(ivcOfficer, 'GET /api/v1/me', '/me?x=%00', undefined, 400);
    await answer(ivcOfficer, `GET ${W}`, `/workstreams/${id}%00`, undefined, 400);
    await answer(undefined, 'GET /api/v1/me', '/me', undefined, 401);
    await answer(
      ivcOfficer,
      `GET ${W}`,
      '/workstreams/3f0c9a4e-2b8d-4c1e-9a57-6d2f1b0e8c44',
      undefined,
      404,
    );
    await answer(ivcOfficer, 'POST /api/v1/workstreams', '/workstreams', { title: '' }, 400);
    await answer(
      ivcOfficer,
      `PATCH ${W}`,
      `/workstreams/${id}`,
      { title: 'Not ours', version: 2 },
      403,
    );
    await answer(
      wdOfficer,
      `PATCH ${W}`,
      `/workstreams/${id}`,
      { title: 'Stale', version: 1 },
      409,
    );
    await answer(
      ivcOfficer,
      'POST /api/v1/users',
      '/users',
      { email: 'x@inverclyde.gov.uk', name: 'X', role: 'officer' },
      403,
    );

    expect(faults).toEqual([]);
    expect(checker.checked.size).toBeGreaterThan(60);
  });
});
