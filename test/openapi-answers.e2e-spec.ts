import request from 'supertest';
import { AnswerChecker, OpenApiDocument } from './support/openapi-check';
import { Outbox, codeIn } from './support/outbox';
import { PASSWORD, SignedIn, World, bearer } from './support/world';

/** The smallest PDF the document store takes (test/agreement-documents.e2e-spec.ts). */
const MINIMAL_PDF = Buffer.from(
  [
    '%PDF-1.4',
    '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
    '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
    'trailer << /Root 1 0 R >>',
    '%%EOF',
    '',
  ].join('\n'),
  'latin1',
);

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
  let faults: string[] = [];
  let inverclyde: string;
  let westDunbartonshire: string;
  let wdAdmin: SignedIn;
  let wdOfficer: SignedIn;
  let ivcAdmin: SignedIn;
  let ivcOfficer: SignedIn;

  beforeAll(async () => {
    world = await World.start();
    const doc = (await request(world.t.http).get('/docs-json').expect(200)).body as OpenApiDocument;
    checker = new AnswerChecker(doc);
    inverclyde = await world.council('S12000018');
    westDunbartonshire = await world.council('S12000039');
    wdAdmin = await world.user(westDunbartonshire, 'council_admin');
    wdOfficer = await world.user(westDunbartonshire, 'officer');
    ivcAdmin = await world.user(inverclyde, 'council_admin');
    ivcOfficer = await world.user(inverclyde, 'officer');
  });
  afterAll(() => world.t.close());
  beforeEach(() => {
    faults = [];
  });

  /** Sends `route` (its path filled from `path`) as `who`; records any fault of the answer. */
  async function answer(
    who: SignedIn | undefined,
    route: string,
    path: string,
    body: object | undefined,
    expected: number,
  ): Promise<request.Response> {
    const [method] = route.split(' ');
    const outside = path === '/' || path.startsWith('/health') || path.startsWith('/api/v1');
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
    const W = '/api/v1/workstreams/{id}';

    await answer(undefined, 'GET /health', '/health', undefined, 200);
    await answer(undefined, 'GET /health/live', '/health/live', undefined, 200);
    await answer(undefined, 'GET /health/ready', '/health/ready', undefined, 200);
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
  });

  it('answers an agreement from draft to its end as documented', async () => {
    const A = '/api/v1/agreements/{id}';
    const created = await answer(
      wdOfficer,
      'POST /api/v1/agreements',
      '/agreements',
      {
        reference: 'CV/BO/2010/1',
        title: 'Co-operation agreement on the back office',
        purposes: ['Developing an approach to the back office'],
        legalBasis: ['Local Government in Scotland Act 2003, section 20'],
        parties: [{ councilId: westDunbartonshire }, { councilId: inverclyde }],
      },
      201,
    );
    const path = `/agreements/${created.body.id}`;
    let version = created.body.version as number;
    const next = (res: request.Response) => {
      version = (res.body as { version: number }).version;
    };
    next(
      await answer(wdOfficer, `PATCH ${A}`, path, { version, summary: 'Shared back office' }, 200),
    );
    next(
      await answer(
        wdOfficer,
        `PUT ${A}/workstreams`,
        `${path}/workstreams`,
        { version, workstreamIds: [] },
        200,
      ),
    );
    next(await answer(wdOfficer, `POST ${A}/submit`, `${path}/submit`, { version }, 200));
    const decision = {
      versionNumber: 1,
      decisionBody: 'Policy and Resources Committee',
      decidedOn: '2010-03-25',
      reference: 'Min Ref 25/03/10 Para 201',
    };
    await answer(
      ivcAdmin,
      `POST ${A}/decline`,
      `${path}/decline`,
      { ...decision, reason: 'Costs to agree' },
      200,
    );
    next(await answer(wdOfficer, `GET ${A}`, path, undefined, 200));
    next(await answer(wdOfficer, `POST ${A}/submit`, `${path}/submit`, { version }, 200));
    await answer(wdAdmin, `POST ${A}/approve`, `${path}/approve`, decision, 200);
    await answer(ivcAdmin, `POST ${A}/approve`, `${path}/approve`, decision, 200);
    const signature = {
      versionNumber: 1,
      signatoryName: 'Paul Wallace',
      signatoryRole: 'Chief Executive',
      signedOn: '2010-04-01',
    };
    await answer(wdAdmin, `POST ${A}/sign`, `${path}/sign`, signature, 200);
    next(await answer(ivcAdmin, `POST ${A}/sign`, `${path}/sign`, signature, 200));
    await answer(ivcOfficer, `GET ${A}/versions/{number}`, `${path}/versions/1`, undefined, 200);

    const D = `${A}/versions/{number}/documents`;
    const upload = await request(world.t.http)
      .post(`/api/v1${path}/versions/1/documents?fileName=signed.pdf&kind=signed_agreement`)
      .set(bearer(wdOfficer))
      .set('Content-Type', 'application/pdf')
      .send(MINIMAL_PDF);
    faults.push(...checker.faults(`POST ${D}`, upload));
    expect(upload.status).toBe(201);
    await answer(ivcOfficer, `GET ${D}`, `${path}/versions/1/documents`, undefined, 200);
    await answer(
      ivcOfficer,
      `GET ${D}/{documentId}`,
      `${path}/versions/1/documents/${upload.body.id}`,
      undefined,
      200,
    );
    await answer(
      ivcOfficer,
      `GET ${D}/{documentId}/content`,
      `${path}/versions/1/documents/${upload.body.id}/content`,
      undefined,
      200,
    );

    next(await answer(wdAdmin, `POST ${A}/start-review`, `${path}/start-review`, { version }, 200));
    next(
      await answer(
        wdAdmin,
        `POST ${A}/reviews`,
        `${path}/reviews`,
        {
          version,
          reviewedOn: '2011-03-31',
          outcome: 'Progress report to Committee; the agreement continues',
          nextReviewOn: '2012-03-31',
        },
        200,
      ),
    );
    await answer(
      ivcAdmin,
      `POST ${A}/terminate`,
      `${path}/terminate`,
      {
        version,
        terminatedOn: '2012-03-31',
        reason: 'The back office is shared through the partnership',
      },
      200,
    );
    expect(faults).toEqual([]);
  });

  it('answers a report from draft to approval, and its renderings, as documented', async () => {
    const P = '/api/v1/reports/{id}';
    const created = await answer(
      ivcOfficer,
      'POST /api/v1/reports',
      '/reports',
      {
        title:
          'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
        type: 'committee_report',
        periodTo: '2010-02-18',
        purpose: 'To advise Members of the next steps',
        recommendations: ['note the current position'],
      },
      201,
    );
    const path = `/reports/${created.body.id}`;
    let version = created.body.version as number;
    const next = (res: request.Response) => {
      version = (res.body as { version: number }).version;
    };
    next(
      await answer(
        ivcOfficer,
        `PATCH ${P}`,
        path,
        { version, meeting: 'Inverclyde Council', meetingDate: '2010-02-18' },
        200,
      ),
    );
    const section = (created.body.sections as { id: string; version: number }[])[0];
    next(
      await answer(
        ivcOfficer,
        `PATCH ${P}/sections/{sectionId}`,
        `${path}/sections/${section.id}`,
        { version: section.version, heading: 'PURPOSE' },
        200,
      ),
    );
    next(await answer(ivcOfficer, `POST ${P}/recompose`, `${path}/recompose`, { version }, 200));
    next(await answer(ivcOfficer, `POST ${P}/submit`, `${path}/submit`, { version }, 200));
    next(
      await answer(
        ivcAdmin,
        `POST ${P}/return`,
        `${path}/return`,
        { version, reason: 'Add the lead authorities' },
        200,
      ),
    );
    next(await answer(ivcOfficer, `POST ${P}/submit`, `${path}/submit`, { version }, 200));
    await answer(
      ivcAdmin,
      `POST ${P}/approve`,
      `${path}/approve`,
      {
        version,
        accountableOfficer: 'Miriam McKenna',
        accountableOfficerOn: '2010-02-10',
        accountableDirector: 'Paul Wallace',
        accountableDirectorOn: '2010-02-11',
      },
      200,
    );
    await answer(ivcOfficer, `GET ${P}/render`, `${path}/render?format=md`, undefined, 200);
    await answer(
      ivcOfficer,
      `GET ${P}/render`,
      `${path}/render?format=pdf&edition=public`,
      undefined,
      200,
    );
    await answer(ivcOfficer, `GET ${P}/render`, `${path}/render`, undefined, 400);
    expect(faults).toEqual([]);
  });

  it('answers sessions, councils, users, members and every change of a record as documented', async () => {
    const session = await answer(
      undefined,
      'POST /api/v1/auth/login',
      '/auth/login',
      { email: wdOfficer.email, password: PASSWORD },
      200,
    );
    const refreshed = await answer(
      undefined,
      'POST /api/v1/auth/refresh',
      '/auth/refresh',
      { refreshToken: session.body.refreshToken },
      200,
    );
    await answer(
      { accessToken: refreshed.body.accessToken as string } as SignedIn,
      'POST /api/v1/auth/logout',
      '/auth/logout',
      undefined,
      204,
    );
    await answer(
      undefined,
      'POST /api/v1/auth/refresh',
      '/auth/refresh',
      { refreshToken: session.body.refreshToken },
      401,
    );
    const code = {
      token: 'not a code that was ever issued',
      password: 'a long enough new password',
    };
    await answer(
      undefined,
      'POST /api/v1/auth/accept-invitation',
      '/auth/accept-invitation',
      code,
      401,
    );
    await answer(
      undefined,
      'POST /api/v1/auth/password-reset/confirm',
      '/auth/password-reset/confirm',
      code,
      401,
    );

    const renfrewshire = await answer(
      world.admin,
      'POST /api/v1/councils',
      '/councils',
      { gssCode: 'S12000038' },
      201,
    );
    const profile = await answer(
      wdAdmin,
      'GET /api/v1/councils/{id}',
      `/councils/${westDunbartonshire}`,
      undefined,
      200,
    );
    await answer(
      wdAdmin,
      'PATCH /api/v1/councils/{id}',
      `/councils/${westDunbartonshire}`,
      { website: 'https://www.west-dunbarton.gov.uk', version: profile.body.version },
      200,
    );
    await answer(
      world.admin,
      'POST /api/v1/service-areas',
      '/service-areas',
      { code: 'economic_development', name: 'Economic development' },
      201,
    );
    const outbox = new Outbox(world.t);
    const mailed = outbox.mails().length;
    const invited = await answer(
      wdAdmin,
      'POST /api/v1/users',
      '/users',
      { email: 'j.smith@west-dunbarton.test', name: 'Jo Smith', role: 'viewer' },
      201,
    );
    await answer(
      wdAdmin,
      'PATCH /api/v1/users/{id}',
      `/users/${invited.body.id}`,
      { jobTitle: 'Shared Services Manager', version: 1 },
      200,
    );
    // The invited user sets a password with the mailed code, then resets it.
    const invitation = codeIn((await outbox.waitFor(mailed + 1)).pop()!);
    const password = 'a long enough new password';
    await answer(
      undefined,
      'POST /api/v1/auth/accept-invitation',
      '/auth/accept-invitation',
      { token: invitation, password },
      204,
    );
    await answer(
      undefined,
      'POST /api/v1/auth/password-reset',
      '/auth/password-reset',
      { email: 'j.smith@west-dunbarton.test' },
      202,
    );
    const reset = codeIn((await outbox.waitFor(mailed + 2)).pop()!);
    await answer(
      undefined,
      'POST /api/v1/auth/password-reset/confirm',
      '/auth/password-reset/confirm',
      { token: reset, password: `${password}, changed` },
      204,
    );

    const M = '/api/v1/partnerships/{id}';
    const p = await answer(
      wdAdmin,
      'POST /api/v1/partnerships',
      '/partnerships',
      { name: 'Clyde Valley shared services', kind: 'other' },
      201,
    );
    const pid = p.body.id as string;
    await answer(
      wdAdmin,
      `PATCH ${M}`,
      `/partnerships/${pid}`,
      { description: 'Joint working in the Clyde Valley', version: 1 },
      200,
    );
    const ivc = await answer(
      wdAdmin,
      `POST ${M}/members`,
      `/partnerships/${pid}/members`,
      { councilId: inverclyde },
      201,
    );
    const rfr = await answer(
      wdAdmin,
      `POST ${M}/members`,
      `/partnerships/${pid}/members`,
      { councilId: renfrewshire.body.id },
      201,
    );
    await answer(
      wdAdmin,
      `PATCH ${M}/members/{memberId}`,
      `/partnerships/${pid}/members/${ivc.body.id}`,
      { role: 'chair', version: 1 },
      200,
    );
    await answer(
      wdAdmin,
      `DELETE ${M}/members/{memberId}`,
      `/partnerships/${pid}/members/${rfr.body.id}`,
      undefined,
      204,
    );
    await answer(
      wdAdmin,
      `POST ${M}/administering`,
      `/partnerships/${pid}/administering`,
      { councilId: inverclyde },
      200,
    );
    await answer(
      ivcAdmin,
      `POST ${M}/administering/end`,
      `/partnerships/${pid}/administering/end`,
      {},
      200,
    );

    const W = '/api/v1/workstreams/{id}';
    const w = await answer(
      wdOfficer,
      'POST /api/v1/workstreams',
      '/workstreams',
      { title: 'Common Charging Framework', serviceArea: 'other' },
      201,
    );
    const id = w.body.id as string;
    const moved = await answer(
      wdOfficer,
      `PATCH ${W}`,
      `/workstreams/${id}`,
      { phase: 'research', version: 1 },
      200,
    );
    await answer(
      wdOfficer,
      `POST ${W}/reopen`,
      `/workstreams/${id}/reopen`,
      { phase: 'idea', reason: 'Scope to agree again', version: moved.body.version },
      200,
    );
    const records: [string, object, object][] = [
      ['actions', { action: 'Communication plan agreed and embedded' }, { timescale: 'Nov 2009' }],
      [
        'risks',
        { description: 'Capacity diverted to business cases' },
        { likelihood: 2, impact: 3 },
      ],
      [
        'funding',
        {
          funder: 'Local Partnerships',
          amountPence: 10000000,
          repaymentThresholds: [{ realisedSavingsPence: 0, repaymentPence: 5000000 }],
        },
        { atRisk: true },
      ],
      ['savings', { financialYear: '2010-11', cashable: false }, { realisedPence: 100000 }],
      ['participants', { status: 'interested' }, { priorityRank: null, reason: null }],
    ];
    for (const [kind, create, change] of records) {
      const made = await answer(
        wdOfficer,
        `POST ${W}/${kind}`,
        `/workstreams/${id}/${kind}`,
        create,
        201,
      );
      await answer(
        wdOfficer,
        `PATCH ${W}/${kind}/{recordId}`,
        `/workstreams/${id}/${kind}/${made.body.id}`,
        { ...change, version: 1 },
        200,
      );
      if (kind === 'funding') {
        const R = `${W}/funding/{fundingId}/repayments`;
        const repayments = `/workstreams/${id}/funding/${made.body.id}/repayments`;
        const paid = await answer(
          wdOfficer,
          `POST ${R}`,
          repayments,
          { paidOn: '2010-04-30', amountPence: 5000000 },
          201,
        );
        await answer(
          wdOfficer,
          `PATCH ${R}/{recordId}`,
          `${repayments}/${paid.body.id}`,
          { reference: 'Invoice LP/2010/17', version: 1 },
          200,
        );
      }
    }
    const bc = await answer(
      wdOfficer,
      `POST ${W}/business-cases`,
      `/workstreams/${id}/business-cases`,
      { title: 'A common charging framework' },
      201,
    );
    const cases = `/workstreams/${id}/business-cases/${bc.body.id}`;
    await answer(
      wdOfficer,
      `PATCH ${W}/business-cases/{caseId}`,
      cases,
      { status: 'submitted', version: 1 },
      200,
    );
    const decided = await answer(
      wdAdmin,
      `POST ${W}/business-cases/{caseId}/decisions`,
      `${cases}/decisions`,
      { decision: 'deferred', decidedOn: '2010-03-25' },
      201,
    );
    await answer(
      wdAdmin,
      `PATCH ${W}/business-cases/{caseId}/decisions/{recordId}`,
      `${cases}/decisions/${decided.body.id}`,
      { reference: 'Min Ref 25/03/10 Para 201', version: 1 },
      200,
    );
    expect(faults).toEqual([]);
  });

  it('has checked an answer of every operation in the document, and a success of each', () => {
    const routes = Object.entries(checker.doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const answered = [...checker.checked];
    const succeeded = (route: string) => answered.some((a) => a.startsWith(`${route} 2`));
    expect(routes.filter((route) => !succeeded(route))).toEqual([]);
  });
});
