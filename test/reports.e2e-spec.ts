/**
 * Progress reports over HTTP against the real database (README, Reports): Inverclyde's
 * Clyde Valley paper composed from live data as at a date, frozen on submission, approved,
 * rendered as Markdown, HTML, Word and PDF, with its public edition; who may read and change it.
 */
import { execFileSync } from 'node:child_process';
import * as mammoth from 'mammoth';
import request from 'supertest';
import { Client } from 'pg';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, bearer, call } from './support/world';

const COUNCILS = {
  glasgow: 'S12000049',
  northLanarkshire: 'S12000050',
  southLanarkshire: 'S12000029',
  renfrewshire: 'S12000038',
  eastRenfrewshire: 'S12000011',
  inverclyde: 'S12000018',
  eastDunbartonshire: 'S12000045',
  westDunbartonshire: 'S12000039',
  banes: 'E06000022',
};
type Council = keyof typeof COUNCILS;

// The Clyde Valley ranking of 15 January 2010 and the Phase 1 lead authorities (seed 002).
const STREAMS: [string, Council[]][] = [
  ['An Integrated Waste Management Approach', ['glasgow', 'northLanarkshire']],
  ['An Integrated Approach to Health and Social Care', ['renfrewshire']],
  ['A Single Social Transport Solution', ['northLanarkshire', 'glasgow']],
  ['Property Sharing and Management in Hubs', ['southLanarkshire']],
  ['Developing an Approach to the Back Office', ['eastRenfrewshire', 'inverclyde']],
  ['Joint and Streamlined Fleet Management and Maintenance', ['northLanarkshire']],
  ['A Common Charging Framework', ['eastDunbartonshire']],
  ['Shared Roads Maintenance', ['southLanarkshire']],
  ['Joint Economic Strategy', ['westDunbartonshire']],
  ['Joint Workforce Planning', ['glasgow']],
];

const pdfText = (pdf: Buffer) =>
  execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString();

describe('progress reports', () => {
  let world: World;
  const id = {} as Record<Council, string>;
  const officer = {} as Record<Council, SignedIn>;
  let inverclydeAdmin: SignedIn;
  let glasgowAdmin: SignedIn;
  let banesOfficer: SignedIn;
  let partnershipId: string;
  const streams: string[] = [];

  beforeAll(async () => {
    world = await World.start();
    for (const [name, gss] of Object.entries(COUNCILS))
      id[name as Council] = await world.council(gss);
    for (const name of Object.keys(COUNCILS) as Council[])
      officer[name] = await world.user(id[name], 'officer');
    inverclydeAdmin = await world.user(id.inverclyde, 'council_admin');
    glasgowAdmin = await world.user(id.glasgow, 'council_admin');
    banesOfficer = officer.banes;
    const wdcAdmin = await world.user(id.westDunbartonshire, 'council_admin');
    const p = await call(
      world.t,
      wdcAdmin,
      'post',
      '/partnerships',
      {
        name: 'Clyde Valley Community Planning Partnership',
        kind: 'community_planning_partnership',
      },
      201,
    );
    partnershipId = p.body.id as string;
    for (const name of Object.keys(COUNCILS) as Council[]) {
      if (name === 'westDunbartonshire' || name === 'banes') continue;
      await call(
        world.t,
        wdcAdmin,
        'post',
        `/partnerships/${partnershipId}/members`,
        { councilId: id[name] },
        201,
      );
    }
    for (const [rank, [title, leads]] of STREAMS.entries()) {
      const created = await call(
        world.t,
        officer[leads[0]],
        'post',
        '/workstreams',
        {
          title,
          serviceArea: 'other',
          partnershipId,
          leadCouncilIds: leads.map((l) => id[l]),
          priorityRank: rank + 1,
        },
        201,
      );
      streams.push(created.body.id as string);
    }
  });
  afterAll(() => world.t.close());

  const t = () => world.t;
  const clydeValley = (extra: object = {}) => ({
    title:
      'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
    type: 'committee_report',
    meeting: 'Inverclyde Council',
    meetingDate: '2010-02-18',
    reference: 'IC/01/10/PW/MMcK',
    reportBy: 'Corporate Director Improvement and Performance',
    signedBy: 'Paul Wallace, Corporate Director Improvement and Performance',
    contactName: 'Miriam McKenna',
    contactJobTitle: 'Strategic Partnership Manager',
    contactTelephone: '01475 712042',
    contactEmail: 'miriam.mckenna@inverclyde.example',
    periodTo: '2010-02-18',
    partnershipId,
    purpose:
      'The purpose of this Report is to provide members with an update on the decisions taken by the Clyde Valley Community Planning Partnership on 15 January 2010.',
    summary:
      'The Review of Joint Working and Shared Services published in November 2009 identified a number of work streams.',
    recommendationsIntro: 'It is recommended that Council:',
    recommendations: [
      'note the current position regarding progress in the implementation of the recommendations of the Review of Joint Working and Shared Services;',
      'agree that that relevant officers are identified to participate in the structures set up to progress the waste and social transport work streams;',
    ],
    implications: { legal: 'None at present until business cases have been developed.' },
    backgroundPapers: ['Clyde Valley Review Report, November 2009.'],
    ...extra,
  });

  async function render(who: SignedIn, reportId: string, format: string, edition = 'internal') {
    const res = await request(t().http)
      .get(`/api/v1/reports/${reportId}/render?format=${format}&edition=${edition}`)
      .set(bearer(who))
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    return res as request.Response & { body: Buffer };
  }

  it('composes the Clyde Valley paper in the partnership order, with its lead authorities, in four formats', async () => {
    const created = await call(t(), officer.inverclyde, 'post', '/reports', clydeValley(), 201);
    const sections = created.body.sections as {
      kind: string;
      heading: string;
      content: Record<string, unknown>;
    }[];
    expect(sections.map((s) => s.heading).slice(0, 5)).toEqual([
      'PURPOSE',
      'SUMMARY',
      'RECOMMENDATIONS',
      'LEAD AUTHORITIES',
      STREAMS[0][0],
    ]);
    const table = sections.find((s) => s.kind === 'lead_authorities')!.content.rows as {
      priority: number;
      title: string;
      leads: string;
    }[];
    expect(table.map((r) => r.title)).toEqual(STREAMS.map(([title]) => title));
    expect(table[4]).toEqual({
      priority: 5,
      title: 'Developing an Approach to the Back Office',
      leads: 'East Renfrewshire and Inverclyde',
    });
    expect(table[0].leads).toBe('Glasgow and North Lanarkshire');

    const reportId = created.body.id as string;
    const docx = await render(officer.inverclyde, reportId, 'docx');
    expect(docx.status).toBe(200);
    expect(docx.headers['content-type']).toMatch(/wordprocessingml/);
    const word = await mammoth.convertToHtml({ buffer: docx.body });
    expect(word.value).toMatch(/<h\d>1\.0 PURPOSE<\/h\d>/);
    expect(word.value).toMatch(/<h\d>3\.0 RECOMMENDATIONS<\/h\d>/);
    expect(word.value).toMatch(
      /<table>.*Developing an Approach to the Back Office.*East Renfrewshire and Inverclyde/s,
    );

    const pdf = await render(officer.inverclyde, reportId, 'pdf');
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.body.subarray(0, 4).toString()).toBe('%PDF');
    const text = pdfText(pdf.body).replace(/\s+/g, ' ');
    expect(text).toContain('Clyde Valley Community Planning Partnership');
    expect(text).toContain('Developing an Approach to the Back Office');
    expect(text).toContain('East Renfrewshire and Inverclyde');

    const html = (await render(officer.inverclyde, reportId, 'html')).body.toString();
    const md = (await render(officer.inverclyde, reportId, 'md')).body.toString();
    for (const heading of [
      '1.0 PURPOSE',
      '2.0 SUMMARY',
      '3.0 RECOMMENDATIONS',
      '4.0 LEAD AUTHORITIES',
    ]) {
      expect(html).toContain(heading);
      expect(md).toContain(heading);
    }
    expect(md).toContain('East Renfrewshire and Inverclyde');
    // By Accept, too.
    const byAccept = await request(t().http)
      .get(`/api/v1/reports/${reportId}/render`)
      .set(bearer(officer.inverclyde))
      .set('Accept', 'text/markdown');
    expect(byAccept.headers['content-type']).toMatch(/^text\/markdown/);
    await call(t(), officer.inverclyde, 'get', `/reports/${reportId}/render`, undefined, 400);
  });

  it('composes as at the period end: overdue milestones and the RAG as they stood then', async () => {
    const waste = streams[0];
    const path = `/workstreams/${waste}`;
    const done = await call(
      t(),
      officer.glasgow,
      'post',
      `${path}/milestones`,
      { title: 'Lead officer named', dueOn: '2010-03-12' },
      201,
    );
    await call(
      t(),
      officer.glasgow,
      'patch',
      `${path}/milestones/${done.body.id}`,
      { status: 'done', completedOn: '2010-03-12', version: done.body.version },
      200,
    );
    await call(
      t(),
      officer.glasgow,
      'post',
      `${path}/milestones`,
      { title: 'Scope and remit agreed', dueOn: '2010-03-12' },
      201,
    );
    await call(
      t(),
      officer.glasgow,
      'post',
      `${path}/status-updates`,
      { rag: 'amber', period: 'March 2010', asAt: '2010-03-20', reason: 'Lead officer named late' },
      201,
    );
    await call(
      t(),
      officer.glasgow,
      'post',
      `${path}/status-updates`,
      { rag: 'red', period: 'April 2010', asAt: '2010-04-15', reason: 'Funding withdrawn' },
      201,
    );
    const created = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ periodTo: '2010-03-31', workstreamIds: [waste] }),
      201,
    );
    const section = (
      created.body.sections as {
        kind: string;
        content: {
          workstream: { rag: string; ragReason: string; overdueMilestones: { title: string }[] };
        };
      }[]
    ).find((s) => s.kind === 'workstream')!;
    expect(section.content.workstream.rag).toBe('amber');
    expect(section.content.workstream.ragReason).toBe('Lead officer named late');
    expect(section.content.workstream.overdueMilestones.map((m) => m.title)).toEqual([
      'Scope and remit agreed',
    ]);
  });

  it('freezes a submitted report: a later change of RAG changes neither it nor its renderings', async () => {
    const social = streams[2];
    await call(
      t(),
      officer.northLanarkshire,
      'post',
      `/workstreams/${social}/status-updates`,
      { rag: 'green', period: 'Q4', asAt: '2010-02-01' },
      201,
    );
    const created = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ workstreamIds: [social] }),
      201,
    );
    const submitted = await call(
      t(),
      officer.inverclyde,
      'post',
      `/reports/${created.body.id}/submit`,
      { version: created.body.version },
      200,
    );
    expect(submitted.body.status).toBe('submitted');
    const before = {
      md: (await render(officer.inverclyde, created.body.id, 'md')).body.toString(),
    };
    expect(before.md).toMatch(/GREEN/);
    await call(
      t(),
      officer.northLanarkshire,
      'post',
      `/workstreams/${social}/status-updates`,
      { rag: 'red', period: 'Q4b', asAt: '2010-02-10', reason: 'Drivers' },
      201,
    );
    const after = await call(
      t(),
      officer.inverclyde,
      'get',
      `/reports/${created.body.id}`,
      undefined,
      200,
    );
    expect(after.body.sections).toEqual(submitted.body.sections);
    expect((await render(officer.inverclyde, created.body.id, 'md')).body.toString()).toBe(
      before.md,
    );
    // Sections and header are frozen; recompose too.
    const section = submitted.body.sections[0] as { id: string; version: number };
    await call(
      t(),
      officer.inverclyde,
      'patch',
      `/reports/${created.body.id}/sections/${section.id}`,
      { version: section.version, internal: true },
      409,
    );
    await call(
      t(),
      officer.inverclyde,
      'patch',
      `/reports/${created.body.id}`,
      { version: submitted.body.version, title: 'x' },
      409,
    );
    const rows = await queryAs<{ n: number }>(
      t().db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT count(*)::int AS n FROM reports WHERE id = $1 AND snapshot IS NOT NULL`,
      [created.body.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it('keeps a private report to its council, and lets members read but not change a shared one', async () => {
    const own = await call(t(), officer.inverclyde, 'post', '/reports', clydeValley(), 201);
    await call(t(), officer.glasgow, 'get', `/reports/${own.body.id}`, undefined, 404);
    const glasgowList = await call(
      t(),
      officer.glasgow,
      'get',
      '/reports?limit=100',
      undefined,
      200,
    );
    expect(glasgowList.body.data.map((r: { id: string }) => r.id)).not.toContain(own.body.id);
    const shared = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ visibility: 'partnership' }),
      201,
    );
    const read = await call(
      t(),
      officer.glasgow,
      'get',
      `/reports/${shared.body.id}`,
      undefined,
      200,
    );
    expect((await render(officer.glasgow, shared.body.id, 'html')).status).toBe(200);
    await call(
      t(),
      officer.glasgow,
      'patch',
      `/reports/${shared.body.id}`,
      { version: read.body.version, title: 'x' },
      403,
    );
    await call(
      t(),
      glasgowAdmin,
      'post',
      `/reports/${shared.body.id}/submit`,
      { version: read.body.version },
      403,
    );
    await call(t(), banesOfficer, 'get', `/reports/${shared.body.id}`, undefined, 404);
    await call(
      t(),
      banesOfficer,
      'get',
      `/reports/${shared.body.id}/render?format=md`,
      undefined,
      404,
    );
    const banesList = await call(t(), banesOfficer, 'get', '/reports?limit=100', undefined, 200);
    expect(banesList.body.data).toEqual([]);
    // A shared report reports only on the partnership's workstreams.
    const privateStream = await call(
      t(),
      officer.inverclyde,
      'post',
      '/workstreams',
      { title: 'Inverclyde roads budget', serviceArea: 'roads' },
      201,
    );
    const refused = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ visibility: 'partnership', workstreamIds: [privateStream.body.id] }),
      400,
    );
    expect(refused.body.errors[0].field).toBe('workstreamIds[0]');
  });

  it('escapes a hostile title in HTML and keeps it literal in Word, PDF and Markdown', async () => {
    const title = '<script>alert(1)</script>';
    const created = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ title, workstreamIds: [] }),
      201,
    );
    const html = (await render(officer.inverclyde, created.body.id, 'html')).body.toString();
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const word = await mammoth.extractRawText({
      buffer: (await render(officer.inverclyde, created.body.id, 'docx')).body,
    });
    expect(word.value).toContain(title);
    expect(pdfText((await render(officer.inverclyde, created.body.id, 'pdf')).body)).toContain(
      title,
    );
    const md = (await render(officer.inverclyde, created.body.id, 'md')).body.toString();
    expect(md.replace(/\\/g, '')).toContain(title);
    expect(md).not.toMatch(/(^|[^\\])<script>/);
  });

  it('is approved by a council admin of the owner, then never changes; the public edition leaves out sign-off and contact details', async () => {
    const created = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ workstreamIds: [streams[4]] }),
      201,
    );
    const internalSection = (
      created.body.sections as { id: string; key: string; version: number }[]
    ).find((s) => s.key === 'summary')!;
    const marked = await call(
      t(),
      officer.inverclyde,
      'patch',
      `/reports/${created.body.id}/sections/${internalSection.id}`,
      { version: internalSection.version, internal: true },
      200,
    );
    const submitted = await call(
      t(),
      officer.inverclyde,
      'post',
      `/reports/${created.body.id}/submit`,
      { version: marked.body.version },
      200,
    );
    const approval = {
      version: submitted.body.version,
      accountableOfficer: 'Miriam McKenna',
      accountableOfficerOn: '2010-02-10',
      accountableDirector: 'Paul Wallace',
      accountableDirectorOn: '2010-02-11',
    };
    await call(
      t(),
      officer.inverclyde,
      'post',
      `/reports/${created.body.id}/approve`,
      approval,
      403,
    );
    await call(t(), glasgowAdmin, 'post', `/reports/${created.body.id}/approve`, approval, 404);
    const approved = await call(
      t(),
      inverclydeAdmin,
      'post',
      `/reports/${created.body.id}/approve`,
      approval,
      200,
    );
    expect(approved.body).toMatchObject({
      status: 'approved',
      accountableOfficer: 'Miriam McKenna',
      accountableDirectorOn: '2010-02-11',
    });
    await call(
      t(),
      officer.inverclyde,
      'patch',
      `/reports/${created.body.id}`,
      { version: approved.body.version, title: 'x' },
      409,
    );
    await call(
      t(),
      inverclydeAdmin,
      'post',
      `/reports/${created.body.id}/return`,
      { version: approved.body.version, reason: 'x' },
      409,
    );
    const internal = (await render(officer.inverclyde, created.body.id, 'md')).body.toString();
    expect(internal).toContain('01475 712042');
    expect(internal).toContain('Paul Wallace');
    const summary = 'The Review of Joint Working and Shared Services published in November 2009';
    expect(internal).toContain(summary);
    for (const format of ['md', 'html']) {
      const pub = (
        await render(officer.inverclyde, created.body.id, format, 'public')
      ).body.toString();
      expect(pub).toContain('Miriam McKenna');
      expect(pub).not.toContain('01475 712042');
      expect(pub).not.toContain('miriam.mckenna@inverclyde.example');
      expect(pub).not.toContain('Paul Wallace');
      expect(pub).not.toContain(summary);
    }
    const pubPdf = pdfText(
      (await render(officer.inverclyde, created.body.id, 'pdf', 'public')).body,
    );
    expect(pubPdf).not.toContain('01475 712042');
    expect(pubPdf).not.toContain('Paul Wallace');
  });

  it('returns a submitted report to draft with a reason, by an admin only', async () => {
    const created = await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ workstreamIds: [] }),
      201,
    );
    const submitted = await call(
      t(),
      officer.inverclyde,
      'post',
      `/reports/${created.body.id}/submit`,
      { version: created.body.version },
      200,
    );
    await call(
      t(),
      officer.inverclyde,
      'post',
      `/reports/${created.body.id}/return`,
      { version: submitted.body.version, reason: 'x' },
      403,
    );
    const back = await call(
      t(),
      inverclydeAdmin,
      'post',
      `/reports/${created.body.id}/return`,
      { version: submitted.body.version, reason: 'Add the roads position' },
      200,
    );
    expect(back.body).toMatchObject({ status: 'draft', returnedReason: 'Add the roads position' });
    await call(
      t(),
      officer.inverclyde,
      'patch',
      `/reports/${created.body.id}`,
      { version: back.body.version, wards: 'All' },
      200,
    );
  });

  it('lists what is due from the council, overdue first', async () => {
    const schedule = await call(
      t(),
      officer.inverclyde,
      'post',
      '/report-schedules',
      {
        title: 'Update to Policy and Resources Committee',
        meeting: 'Policy and Resources Committee',
        dueOn: '2010-03-12',
        partnershipId,
      },
      201,
    );
    const due = await call(t(), officer.inverclyde, 'get', '/reports/due', undefined, 200);
    expect(due.body.data).toEqual([
      expect.objectContaining({ id: schedule.body.id, overdue: true, reportId: null }),
    ]);
    expect(
      (await call(t(), officer.glasgow, 'get', '/reports/due', undefined, 200)).body.data,
    ).toEqual([]);
    await call(
      t(),
      officer.glasgow,
      'get',
      `/report-schedules/${schedule.body.id}`,
      undefined,
      404,
    );
    await call(
      t(),
      officer.inverclyde,
      'post',
      '/reports',
      clydeValley({ workstreamIds: [], scheduleId: schedule.body.id }),
      201,
    );
    expect(
      (await call(t(), officer.inverclyde, 'get', '/reports/due', undefined, 200)).body.data,
    ).toEqual([]);
  });

  describe('the database alone refuses (CASL bypassed)', () => {
    const as = (who: SignedIn, role: string) => ({
      userId: who.id,
      councilId: who.councilId ?? '',
      role,
    });
    async function inTransaction<T>(
      settings: object,
      work: (client: Client) => Promise<T>,
    ): Promise<T> {
      const client = new Client({ connectionString: t().db.appUrl });
      await client.connect();
      try {
        await beginAs(client, settings);
        return await work(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end();
      }
    }
    const refusal = (settings: object, sql: string, params: unknown[]) =>
      inTransaction(settings, (client) =>
        client.query(sql, params).then(
          (r) => `ok:${r.rowCount}`,
          (e: { code?: string }) => e.code,
        ),
      );
    const count = (settings: object, sql: string, params: unknown[]) =>
      inTransaction(settings, async (client) => (await client.query(sql, params)).rowCount);

    it('hides a private report and its sections from partners and strangers, and shows a shared one to members', async () => {
      const own = await call(t(), officer.inverclyde, 'post', '/reports', clydeValley(), 201);
      const shared = await call(
        t(),
        officer.inverclyde,
        'post',
        '/reports',
        clydeValley({ visibility: 'partnership' }),
        201,
      );
      const glasgow = as(officer.glasgow, 'officer');
      const banes = as(banesOfficer, 'officer');
      for (const table of ['reports WHERE id = $1', 'report_sections WHERE report_id = $1']) {
        expect(await count(glasgow, `SELECT 1 FROM ${table}`, [own.body.id])).toBe(0);
        expect(await count(banes, `SELECT 1 FROM ${table}`, [shared.body.id])).toBe(0);
        expect(await count(glasgow, `SELECT 1 FROM ${table}`, [shared.body.id])).toBeGreaterThan(0);
        expect(
          await count(as(officer.inverclyde, 'viewer'), `SELECT 1 FROM ${table}`, [own.body.id]),
        ).toBeGreaterThan(0);
      }
    });

    it("refuses a member's edit, an officer's approval, and any change to a submitted report", async () => {
      const shared = await call(
        t(),
        officer.inverclyde,
        'post',
        '/reports',
        clydeValley({ visibility: 'partnership' }),
        201,
      );
      const id = shared.body.id as string;
      const update = `UPDATE reports SET title = 'changed' WHERE id = $1`;
      expect(await refusal(as(officer.glasgow, 'officer'), update, [id])).toBe('ok:0');
      expect(await refusal(as(officer.inverclyde, 'viewer'), update, [id])).toBe('ok:0');
      expect(await refusal(as(officer.inverclyde, 'officer'), update, [id])).toBe('ok:1');
      const section = `UPDATE report_sections SET internal = true WHERE report_id = $1`;
      expect(await refusal(as(officer.glasgow, 'officer'), section, [id])).toBe('ok:0');
      await call(
        t(),
        officer.inverclyde,
        'post',
        `/reports/${id}/submit`,
        { version: shared.body.version },
        200,
      );
      const approve = `UPDATE reports SET status = 'approved', accountable_officer = 'A', accountable_officer_on = '2010-01-01',
                         accountable_director = 'B', accountable_director_on = '2010-01-02' WHERE id = $1`;
      expect(await refusal(as(officer.inverclyde, 'officer'), approve, [id])).toBe('42501');
      expect(await refusal(as(inverclydeAdmin, 'council_admin'), approve, [id])).toBe('ok:1');
      expect(await refusal(as(inverclydeAdmin, 'council_admin'), update, [id])).toBe('JW409');
      expect(await refusal(as(inverclydeAdmin, 'council_admin'), section, [id])).toBe('JW409');
      expect(
        await refusal(PLATFORM_ADMIN_SETTINGS, `UPDATE reports SET snapshot = '{}' WHERE id = $1`, [
          id,
        ]),
      ).toBe('JW409');
    });
  });
});
