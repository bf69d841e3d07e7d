/**
 * The service as a fleet (README, "Running as a fleet"): three stateless processes whose
 * request (`jwh_app`), sign-in (`jwh_auth`) and job (`jwh_jobs`) connections all go through
 * one PgBouncer in `pool_mode = transaction` with ONE server connection per role and
 * database, so every client of a role shares it. Requests of different councils are spread
 * round-robin over the processes.
 *
 * Where PgBouncer is older than 1.21 (Debian bookworm's is 1.18) it cannot track named
 * prepared statements, so the processes run with DATABASE_PREPARED_STATEMENTS=false, as the
 * README tells operators to; test/fleet-prepared-statements.e2e-spec.ts shows why.
 *
 * Where pgbouncer is not installed (and .ci/run could not install it) the tests are skipped
 * with the reason printed.
 */
import request from 'supertest';
import { Client } from 'pg';
import PgBoss from 'pg-boss';
import { JobQueue } from '../src/jobs/job-queue';
import { withClient } from '../src/database/database-urls';
import { PgBouncer, fleetInstance, pgbouncerBinary } from './support/pgbouncer';
import { Outbox } from './support/outbox';
import { TestApp } from './support/test-app';
import {
  PLATFORM_ADMIN_SETTINGS,
  TestDatabase,
  createTestDatabase,
  queryAs,
} from './support/test-database';
import { SignedIn, World, bearer, call } from './support/world';

const havePgBouncer = pgbouncerBinary() !== undefined;
if (!havePgBouncer) {
  console.log(
    'Skipping the fleet tests: no pgbouncer (Debian: apt-get install pgbouncer; or set PGBOUNCER_PATH)',
  );
}
const describeWithPgBouncer = havePgBouncer ? describe : describe.skip;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const THIRD = 'E06000023';

describeWithPgBouncer('the service as a fleet behind PgBouncer (transaction mode)', () => {
  let db: TestDatabase;
  let bouncer: PgBouncer;
  const fleet: TestApp[] = [];
  let world: World;
  let banes: string;
  let northSomerset: string;
  let third: string;
  let banesAdmin: SignedIn;
  let banesOfficer: SignedIn;
  let banesViewer: SignedIn;
  let nsAdmin: SignedIn;
  let nsOfficer: SignedIn;
  let thirdOfficer: SignedIn;
  let requests = 0;
  let turn = 0;
  /** The next process, round-robin, as a load balancer would hand requests out. */
  const next = () => {
    requests++;
    return fleet[turn++ % fleet.length];
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    bouncer = await PgBouncer.start([db.ownerUrl, db.appUrl, db.authUrl, db.jobsUrl], {
      defaultPoolSize: 1,
    });
    const jobs = { pollingIntervalSeconds: 0.5 };
    for (let i = 0; i < 3; i++) fleet.push(await fleetInstance(db, bouncer, { jobs }));
    world = await World.create(fleet[0]);
    banes = await world.council(BANES);
    northSomerset = await world.council(NORTH_SOMERSET);
    third = await world.council(THIRD);
    banesAdmin = await world.user(banes, 'council_admin');
    banesOfficer = await world.user(banes, 'officer');
    banesViewer = await world.user(banes, 'viewer');
    nsAdmin = await world.user(northSomerset, 'council_admin');
    nsOfficer = await world.user(northSomerset, 'officer');
    thirdOfficer = await world.user(third, 'officer');
  });
  afterAll(async () => {
    for (const t of fleet) await t.close();
    const servers = bouncer ? await bouncer.serverConnections(db.name).catch(() => ({})) : {};
    console.log(
      `Fleet through PgBouncer ${bouncer?.version.join('.')} (pool_mode=transaction, ` +
        `default_pool_size=1): ${fleet.length} processes, ${requests} requests handed out ` +
        `round-robin, server connections held at the end by role: ${JSON.stringify(servers)}, ` +
        `named prepared statements ${bouncer?.tracksPreparedStatements ? 'on' : 'off (PgBouncer < 1.21)'}`,
    );
    await bouncer?.stop();
    await db?.drop();
  });

  it('serves a slice of every module, each step on the next process', async () => {
    // Identity: sign in (World did, through process 0), /me and refresh on the others.
    for (let i = 0; i < fleet.length; i++) {
      const me = await call(next(), banesOfficer, 'get', '/me', undefined, 200);
      expect(me.body.user.email).toBe(banesOfficer.email);
    }
    const refreshed = await request(next().http)
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: banesOfficer.refreshToken });
    expect(refreshed.status).toBe(200);
    banesOfficer = { ...banesOfficer, ...refreshed.body };
    await call(next(), banesOfficer, 'get', '/me', undefined, 200);

    // Partnerships.
    const p = await call(
      next(),
      banesAdmin,
      'post',
      '/partnerships',
      { name: 'West of England joint working', kind: 'other' },
      201,
    );
    const partnershipId = p.body.id as string;
    await call(
      next(),
      banesAdmin,
      'post',
      `/partnerships/${partnershipId}/members`,
      { councilId: northSomerset },
      201,
    );
    await call(next(), nsOfficer, 'get', `/partnerships/${partnershipId}`, undefined, 200);

    // Workstreams: create, list, status update.
    const ws = await call(
      next(),
      banesOfficer,
      'post',
      '/workstreams',
      {
        title: 'Shared waste collection',
        serviceArea: 'other',
        partnershipId,
        leadCouncilIds: [banes],
      },
      201,
    );
    const workstreamId = ws.body.id as string;
    const list = await call(next(), nsOfficer, 'get', '/workstreams', undefined, 200);
    expect(list.body.data.map((w: { id: string }) => w.id)).toContain(workstreamId);
    await call(
      next(),
      banesOfficer,
      'post',
      `/workstreams/${workstreamId}/status-updates`,
      { rag: 'green', period: 'Q1 2026-27' },
      201,
    );

    // The access rules: an outsider council gets 404, a reader who may not change 403.
    const outsider = await call(next(), thirdOfficer, 'get', `/workstreams/${workstreamId}`);
    expect(outsider.status).toBe(404);
    expect(outsider.headers['content-type']).toMatch(/^application\/problem\+json/);
    const reader = await call(
      next(),
      banesViewer,
      'post',
      `/workstreams/${workstreamId}/status-updates`,
      { rag: 'green', period: 'Q2 2026-27' },
    );
    expect(reader.status).toBe(403);
    await call(next(), banesViewer, 'get', `/workstreams/${workstreamId}`, undefined, 200);

    // Agreements.
    const agreement = await call(
      next(),
      banesOfficer,
      'post',
      '/agreements',
      {
        reference: 'FLEET/1',
        title: 'Co-operation agreement with North Somerset Council',
        purposes: ['Improve services'],
        legalBasis: ['Local Government Act 2000, section 2'],
        reviewDate: '2030-06-11',
        parties: [{ councilId: banes }, { councilId: northSomerset }],
      },
      201,
    );
    await call(next(), nsAdmin, 'get', `/agreements/${agreement.body.id}`, undefined, 200);
    const hidden = await call(next(), thirdOfficer, 'get', `/agreements/${agreement.body.id}`);
    expect(hidden.status).toBe(404);

    // Reports: create, then render on another process.
    const report = await call(
      next(),
      banesOfficer,
      'post',
      '/reports',
      {
        title: 'Joint working: progress',
        type: 'committee_report',
        meeting: 'Cabinet',
        meetingDate: '2026-02-18',
        periodTo: '2026-02-18',
        partnershipId,
        purpose: 'To report progress on the joint work.',
        summary: 'The waste work stream is on track.',
        recommendations: ['note the progress'],
      },
      201,
    );
    const rendered = await request(next().http)
      .get(`/api/v1/reports/${report.body.id}/render?format=md&edition=internal`)
      .set(bearer(banesOfficer));
    expect(rendered.status).toBe(200);
    expect(rendered.text).toContain('Joint working: progress');
  });

  it('leaves no app.* setting on the shared server connection from one request to the next', async () => {
    await call(next(), banesOfficer, 'get', '/workstreams', undefined, 200);
    // One server connection per role here: this client gets the one the request just used.
    const client = new Client({ connectionString: bouncer.url(db.appUrl) });
    await client.connect();
    try {
      const { rows } = await client.query<Record<string, string | null>>(
        `SELECT ${['user_id', 'council_id', 'role', 'session_id', 'proof', 'request_id']
          .map((name) => `nullif(current_setting('app.${name}', true), '') AS ${name}`)
          .join(', ')}`,
      );
      expect(rows[0]).toEqual({
        user_id: null,
        council_id: null,
        role: null,
        session_id: null,
        proof: null,
        request_id: null,
      });
      // Row-level security shows nothing to a connection with no settings.
      expect((await client.query('SELECT id FROM workstreams')).rows).toEqual([]);
    } finally {
      await client.end();
    }
    const servers = await bouncer.serverConnections(db.name);
    expect(servers.jwh_app).toBe(1);
  });

  it('keeps councils apart with many requests interleaved over the processes and one server connection', async () => {
    const councils = [
      { who: banesOfficer, council: banes },
      { who: nsOfficer, council: northSomerset },
      { who: thirdOfficer, council: third },
    ];
    const made = new Map<string, Set<string>>(councils.map((c) => [c.council, new Set()]));
    // Each council makes private workstreams, all at once, over all three processes.
    await Promise.all(
      councils.flatMap(({ who, council }) =>
        Array.from({ length: 6 }, async (_, i) => {
          const res = await call(
            next(),
            who,
            'post',
            '/workstreams',
            { title: `Private work ${council.slice(0, 4)} ${i}`, serviceArea: 'other' },
            201,
          );
          made.get(council)!.add(res.body.id as string);
        }),
      ),
    );
    // Then each lists and reads, interleaved: every answer is its own council's, only.
    const answers = await Promise.all(
      Array.from({ length: 45 }, async (_, i) => {
        const { who, council } = councils[i % 3];
        const res = await call(next(), who, 'get', '/workstreams?limit=100', undefined, 200);
        const ids = (res.body.data as { id: string }[]).map((w) => w.id);
        const others = councils
          .filter((c) => c.council !== council)
          .flatMap((c) => [...made.get(c.council)!]);
        return {
          council,
          own: [...made.get(council)!].every((id) => ids.includes(id)),
          leaked: ids.filter((id) => others.includes(id)),
        };
      }),
    );
    for (const a of answers) expect(a).toEqual({ council: a.council, own: true, leaked: [] });
    const servers = await bouncer.serverConnections(db.name);
    expect(servers.jwh_app).toBe(1);
    console.log(
      `Fleet: ${answers.length + 18} interleaved requests of 3 councils over ${fleet.length} processes ` +
        `shared ${servers.jwh_app} jwh_app server connection(s)`,
    );
  });

  /** An active agreement of B&NES and North Somerset whose review date has passed. */
  async function dueAgreement(reference: string): Promise<string> {
    const created = await call(
      next(),
      banesOfficer,
      'post',
      '/agreements',
      {
        reference,
        title: 'Co-operation agreement with North Somerset Council',
        purposes: ['Improve services'],
        legalBasis: ['Local Government Act 2000, section 2'],
        reviewDate: '2015-06-11',
        parties: [{ councilId: banes }, { councilId: northSomerset }],
      },
      201,
    );
    const id = created.body.id as string;
    await call(next(), banesOfficer, 'post', `/agreements/${id}/submit`, { version: 1 }, 200);
    for (const admin of [banesAdmin, nsAdmin]) {
      const decision = { versionNumber: 1, decisionBody: 'Cabinet', decidedOn: '2014-06-11' };
      await call(next(), admin, 'post', `/agreements/${id}/approve`, decision, 200);
    }
    for (const admin of [banesAdmin, nsAdmin]) {
      const signature = {
        versionNumber: 1,
        signatoryName: 'Leader',
        signatoryRole: 'Leader of the Council',
        signedOn: '2014-07-01',
      };
      await call(next(), admin, 'post', `/agreements/${id}/sign`, signature, 200);
    }
    return id;
  }

  const reviewEvents = (id: string) =>
    queryAs(
      db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT request_id FROM audit_events
        WHERE entity_type = 'agreements' AND entity_id = $1 AND after ->> 'status' = 'under_review'`,
      [id],
    );

  it('runs a job asked of all three processes at once exactly once, through PgBouncer', async () => {
    const pending = await queryAs<{ n: number }>(
      db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT count(*)::int AS n FROM agreements WHERE status = 'under_review'`,
    );
    expect(pending[0].n).toBe(0);
    const id = await dueAgreement('FLEET/due');
    const mailsBefore = fleet.map((t) => new Outbox(t).mails().length);

    await Promise.all(fleet.map((t) => t.app.get(JobQueue).send('agreement-reviews')));
    let states: string[] = [];
    for (let i = 0; i < 150; i++) {
      const result = await withClient(db.ownerUrl, (client) =>
        client.query<{ state: string }>(
          `SELECT state FROM pgboss.job WHERE name = 'agreement-reviews'`,
        ),
      );
      states = result.rows.map((r) => r.state);
      if (states.length === 3 && states.every((s) => s === 'completed')) break;
      await sleep(200);
    }
    expect(states).toEqual(['completed', 'completed', 'completed']);

    expect(await reviewEvents(id)).toHaveLength(1);
    await sleep(300);
    const mails = fleet
      .flatMap((t, i) => new Outbox(t).mails().slice(mailsBefore[i]))
      .filter((m) => m.includes('FLEET/due is due for review'));
    const recipients = mails.map((m) => /^To: (.+)$/m.exec(m)?.[1].trim()).sort();
    expect(recipients).toEqual([banesAdmin.email, nsAdmin.email].sort());
    // One schedule per queue, however many processes scheduled it.
    const schedules = await withClient(db.ownerUrl, (client) =>
      client.query(`SELECT name FROM pgboss.schedule ORDER BY name`),
    );
    expect(schedules.rows.map((r) => r.name)).toEqual(['agreement-reviews', 'report-reminders']);
    const servers = await bouncer.serverConnections(db.name);
    console.log(
      `Fleet: the sweep asked of ${fleet.length} processes ran its effect once (1 audit event, ` +
        `${mails.length} mails); jwh_jobs server connections: ${servers.jwh_jobs ?? 0}`,
    );
  });

  it('runs a scheduled job once per tick with three processes up, through PgBouncer', async () => {
    const id = await dueAgreement('FLEET/cron');
    const since = new Date();
    const jobs = () =>
      withClient(db.ownerUrl, (client) =>
        client.query<{ id: string; state: string; minute: string }>(
          `SELECT id, state, date_trunc('minute', created_on)::text AS minute FROM pgboss.job
            WHERE name = 'agreement-reviews' AND created_on > $1 ORDER BY created_on`,
          [since],
        ),
      );
    // Every minute, for this test: each process's pg-boss looks at the schedules every 30 s
    // and all three may decide to send the tick; pg-boss sends it once (a singleton per minute).
    const queue: unknown = fleet[0].app.get(JobQueue);
    const boss = (queue as { boss: PgBoss }).boss;
    await boss.schedule('agreement-reviews', '* * * * *', {}, { tz: 'Europe/London' });
    try {
      let rows: { id: string; state: string; minute: string }[] = [];
      for (let i = 0; i < 120 && !rows.some((r) => r.state === 'completed'); i++) {
        rows = (await jobs()).rows;
        await sleep(1000);
      }
      expect(rows.some((r) => r.state === 'completed')).toBe(true);
      expect(await reviewEvents(id)).toHaveLength(1);
      rows = (await jobs()).rows;
      const perMinute = new Map<string, number>();
      for (const r of rows) perMinute.set(r.minute, (perMinute.get(r.minute) ?? 0) + 1);
      expect([...perMinute.values()].every((n) => n === 1)).toBe(true);
      console.log(
        `Fleet: the scheduled sweep, due every minute with ${fleet.length} processes up, ` +
          `ran ${rows.length} time(s) in ${perMinute.size} minute(s); 1 audit event`,
      );
    } finally {
      await boss.schedule('agreement-reviews', '15 6 * * *', {}, { tz: 'Europe/London' });
    }
  }, 180_000);
});
