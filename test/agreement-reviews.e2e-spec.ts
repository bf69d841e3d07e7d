/**
 * The job queue and the daily agreement sweep (README, Co-operation agreements: the job
 * queue), with two app processes on one database: each runs pg-boss, each is asked to run the
 * sweep at the same moment, and still an agreement whose review date has passed goes under
 * review once, with one audit event and one mail per council admin of each party.
 */
import { JobQueue } from '../src/jobs/job-queue';
import { Outbox } from './support/outbox';
import { TestApp, createTestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { withClient } from '../src/database/database-urls';
import { SignedIn, World, call } from './support/world';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the job queue, two processes: agreement reviews and report reminders', () => {
  let first: TestApp;
  let second: TestApp;
  let world: World;
  let banes: string;
  let northSomerset: string;
  let banesOfficer: SignedIn;
  let admins: SignedIn[];

  beforeAll(async () => {
    const jobs = { pollingIntervalSeconds: 0.5 };
    first = await createTestApp({ env: { LOGIN_THROTTLE_IP_LIMIT: '10000' }, jobs });
    second = await createTestApp({ database: first.db, jobs });
    world = await World.create(first);
    banes = await world.council('E06000022');
    northSomerset = await world.council('E06000024');
    banesOfficer = await world.user(banes, 'officer');
    admins = [
      await world.user(banes, 'council_admin'),
      await world.user(banes, 'council_admin'),
      await world.user(northSomerset, 'council_admin'),
    ];
  });
  afterAll(async () => {
    await second.app.close();
    await first.close();
  });

  async function active(reference: string, reviewDate: string, endDate?: string): Promise<string> {
    const [banesAdmin, , nsAdmin] = admins;
    const created = await call(
      first,
      banesOfficer,
      'post',
      '/agreements',
      {
        reference,
        title: 'Co-operation agreement with North Somerset Council',
        purposes: ['Improve services'],
        legalBasis: ['Local Government Act 2000, section 2'],
        reviewDate,
        endDate,
        parties: [{ councilId: banes }, { councilId: northSomerset }],
      },
      201,
    );
    const id = created.body.id as string;
    await call(first, banesOfficer, 'post', `/agreements/${id}/submit`, { version: 1 }, 200);
    for (const admin of [banesAdmin, nsAdmin]) {
      const decision = { versionNumber: 1, decisionBody: 'Cabinet', decidedOn: '2014-06-11' };
      await call(first, admin, 'post', `/agreements/${id}/approve`, decision, 200);
    }
    for (const admin of [banesAdmin, nsAdmin]) {
      const signature = {
        versionNumber: 1,
        signatoryName: 'Leader',
        signatoryRole: 'Leader of the Council',
        signedOn: '2014-07-01',
      };
      await call(first, admin, 'post', `/agreements/${id}/sign`, signature, 200);
    }
    return id;
  }

  const statusOf = async (id: string) =>
    (
      await queryAs<{ status: string }>(
        first.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT status FROM agreements WHERE id = $1`,
        [id],
      )
    )[0].status;

  it('schedules each daily job once, in Europe/London', async () => {
    const rows = await withClient(first.db.ownerUrl, (client) =>
      client.query(`SELECT name, cron, timezone FROM pgboss.schedule ORDER BY name`),
    );
    expect(rows.rows).toEqual([
      { name: 'agreement-reviews', cron: '15 6 * * *', timezone: 'Europe/London' },
      { name: 'report-reminders', cron: '30 6 * * *', timezone: 'Europe/London' },
    ]);
  });

  it('moves a due agreement under review once, with one audit event and one mail per admin', async () => {
    const due = await active('E 2649/due', '2015-06-11');
    const later = await active('E 2649/later', '2099-06-11');
    const expired = await active('E 2649/expired', '2015-06-11', '2016-01-01');
    const before = [new Outbox(first).mails().length, new Outbox(second).mails().length];

    // Both processes are asked at the same moment; either may take either job.
    await Promise.all([
      first.app.get(JobQueue).send('agreement-reviews'),
      second.app.get(JobQueue).send('agreement-reviews'),
    ]);
    let states: string[] = [];
    for (let i = 0; i < 100; i++) {
      const result = await withClient(first.db.ownerUrl, (client) =>
        client.query<{ state: string }>(
          `SELECT state FROM pgboss.job WHERE name = 'agreement-reviews'`,
        ),
      );
      states = result.rows.map((r) => r.state);
      if (states.length === 2 && states.every((s) => s === 'completed')) break;
      await sleep(200);
    }
    expect(states).toEqual(['completed', 'completed']);

    expect(await statusOf(due)).toBe('under_review');
    expect(await statusOf(later)).toBe('active');
    expect(await statusOf(expired)).toBe('ended');

    const events = await queryAs<{ request_id: string; actor_user_id: string | null }>(
      first.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT request_id, actor_user_id FROM audit_events
        WHERE entity_type = 'agreements' AND entity_id = $1 AND after ->> 'status' = 'under_review'`,
      [due],
    );
    expect(events).toHaveLength(1);
    expect(events[0].actor_user_id).toBeNull();
    expect(events[0].request_id).toMatch(/^job:agreement-reviews:[0-9a-f-]{36}$/);

    await sleep(300);
    const mails = [
      ...new Outbox(first).mails().slice(before[0]),
      ...new Outbox(second).mails().slice(before[1]),
    ];
    const dueMails = mails.filter((m) => m.includes('E 2649/due is due for review'));
    const recipients = dueMails.map((m) => /^To: (.+)$/m.exec(m)?.[1].trim()).sort();
    expect(recipients).toEqual(admins.map((a) => a.email).sort());
    expect(mails.filter((m) => m.includes('E 2649/expired has expired'))).toHaveLength(3);
    expect(mails.filter((m) => m.includes('E 2649/later'))).toHaveLength(0);
  });

  it("reminds the owing council's officers a week before a report is due, once", async () => {
    const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const later = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const colleague = await world.user(banes, 'officer');
    await call(
      first,
      banesOfficer,
      'post',
      '/report-schedules',
      { title: 'Progress report to Cabinet on the joint work', dueOn: soon, meeting: 'Cabinet' },
      201,
    );
    await call(
      first,
      banesOfficer,
      'post',
      '/report-schedules',
      { title: 'Annual review', dueOn: later },
      201,
    );
    const counts = () =>
      [...new Outbox(first).mails(), ...new Outbox(second).mails()].filter((m) =>
        m.includes('Report due'),
      );
    const already = counts().length;
    await Promise.all([
      first.app.get(JobQueue).send('report-reminders'),
      second.app.get(JobQueue).send('report-reminders'),
    ]);
    for (let i = 0; i < 100; i++) {
      const result = await withClient(first.db.ownerUrl, (client) =>
        client.query<{ state: string }>(
          `SELECT state FROM pgboss.job WHERE name = 'report-reminders'`,
        ),
      );
      if (result.rows.length === 2 && result.rows.every((r) => r.state === 'completed')) break;
      await sleep(200);
    }
    await sleep(300);
    const mails = counts().slice(already);
    const recipients = mails.map((m) => /^To: (.+)$/m.exec(m)?.[1].trim()).sort();
    expect(recipients).toEqual([banesOfficer.email, colleague.email].sort());
    expect(mails.every((m) => m.includes('Progress report to Cabinet on the joint work'))).toBe(
      true,
    );
  });
});
