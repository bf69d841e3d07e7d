import * as argon2 from 'argon2';
import { ARGON2_OPTIONS } from '../src/users/password.service';
import { seedDemo } from '../src/cli/demo';
import { insertActiveUser } from '../src/cli/operator';
import {
  TestDatabase,
  createTestDatabase,
  PLATFORM_ADMIN_SETTINGS,
  queryAs,
} from './support/test-database';
import { testConfig } from './support/test-config';

const PASSWORD = 'demo passphrase for councils';

describe('demo data (npm run cli -- seed-demo)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  const count = async (table: string) =>
    Number(
      (
        await queryAs<{ n: string }>(
          db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `SELECT count(*) AS n FROM ${table}`,
        )
      )[0].n,
    );

  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);

  /** Leeds' VfM-4d, 1 April – 30 September 2009: figures and words from the report only. */
  const expectLeedsAsReported = async () => {
    const [w] = await stored<{ id: string; current_rag: string; phase: string }>(
      `SELECT id, current_rag, phase FROM workstreams WHERE title LIKE 'VfM-4d%'`,
    );
    expect(w).toMatchObject({ current_rag: 'amber', phase: 'research' });
    const [status] = await stored<{ reason: string; as_at: string; challenges: string }>(
      `SELECT reason, to_char(as_at, 'YYYY-MM-DD') AS as_at, challenges FROM status_updates WHERE workstream_id = $1`,
      [w.id],
    );
    expect(status.reason).toMatch(
      /^These discussions have resulted in some delays which is why this has been assessed as amber/,
    );
    expect(status.as_at).toBe('2009-09-30');
    expect(status.challenges.split('\n')).toHaveLength(7);
    const actions = await stored<{ contributors: string; timescale: string; n: number }>(
      `SELECT contributors, timescale, cardinality(milestone_ids) AS n FROM key_actions WHERE workstream_id = $1 ORDER BY created_at`,
      [w.id],
    );
    expect(actions).toEqual([
      { contributors: 'Arfan Hanif, Iain Dunn', timescale: 'Nov 2009', n: 2 },
      { contributors: 'John McPherson', timescale: 'Nov 2009', n: 2 },
      { contributors: 'Arfan Hanif, Bernard McPheely', timescale: 'Nov 2009', n: 1 },
      { contributors: 'Arfan Hanif, Bernard McPheely', timescale: 'Apr 2010', n: 2 },
    ]);
    const risks = await stored<{ likelihood: number | null }>(
      `SELECT likelihood FROM risks WHERE workstream_id = $1`,
      [w.id],
    );
    expect(risks).toEqual(new Array(7).fill({ likelihood: null }));
    const [funding] = await stored<{ amount_pence: string; repayment_thresholds: unknown }>(
      `SELECT amount_pence, repayment_thresholds FROM funding_lines WHERE workstream_id = $1`,
      [w.id],
    );
    expect(funding).toEqual({
      amount_pence: '10000000',
      repayment_thresholds: [
        { realisedSavingsPence: 100000000, repaymentPence: 5000000 },
        { realisedSavingsPence: 500000000, repaymentPence: 5000000 },
      ],
    });
    expect(await stored(`SELECT 1 FROM savings_lines WHERE workstream_id = $1`, [w.id])).toEqual(
      [],
    );
  };

  /** Lancaster's four priority areas of 5 October 2010, and its own rule turned off. */
  /** The B&NES Cabinet report of 11 June 2014: E 2649, approved by B&NES, awaiting North Somerset. */
  const expectE2649AsReported = async () => {
    const [agreement] = await stored<{
      status: string;
      purposes: string[];
      legal_basis: string[];
      review_date: string;
      contributions: { amount_pence: string; description: string; gss_code: string }[];
      decisions: {
        gss_code: string;
        decision_body: string;
        decision_maker: string;
        decided_on: string;
      }[];
      workstreams: string[];
    }>(
      `SELECT a.status, v.purposes, v.legal_basis, to_char(v.review_date, 'YYYY-MM-DD') AS review_date,
              (SELECT json_agg(json_build_object('amount_pence', k.amount_pence, 'description', k.description,
                                                 'gss_code', c.gss_code) ORDER BY c.gss_code)
                 FROM agreement_contributions k JOIN councils c ON c.id = k.council_id
                WHERE k.agreement_id = a.id) AS contributions,
              (SELECT json_agg(json_build_object('gss_code', c.gss_code, 'decision_body', d.decision_body,
                                                 'decision_maker', d.decision_maker, 'decided_on', d.decided_on))
                 FROM agreement_decisions d JOIN councils c ON c.id = d.council_id
                WHERE d.agreement_id = a.id) AS decisions,
              (SELECT array_agg(w.title ORDER BY w.title) FROM agreement_workstreams l
                 JOIN workstreams w ON w.id = l.workstream_id WHERE l.agreement_id = a.id) AS workstreams
         FROM agreements a JOIN agreement_versions v ON v.agreement_id = a.id AND v.number = 1
        WHERE a.reference = 'E 2649'`,
    );
    expect(agreement.status).toBe('in_approval');
    expect(agreement.purposes).toHaveLength(5);
    expect(agreement.legal_basis).toHaveLength(3);
    expect(agreement.review_date).toBe('2015-06-11');
    expect(agreement.contributions).toEqual([
      {
        amount_pence: 10000000,
        description: '£100k earmarked from reserves',
        gss_code: 'E06000022',
      },
      {
        amount_pence: 10000000,
        description: '£100k earmarked from reserves',
        gss_code: 'E06000024',
      },
    ]);
    expect(agreement.decisions).toEqual([
      {
        gss_code: 'E06000022',
        decision_body: 'Cabinet',
        decision_maker: 'Cllr Paul Crossley, Leader',
        decided_on: '2014-06-11',
      },
    ]);
    expect(agreement.workstreams).toEqual([
      'Internal audit for both councils',
      'Joint procurement',
      'Land charges',
      'Regulatory and trading services',
      'Shared HR and payroll systems and services',
    ]);
  };

  /** The five seeds' reports, each as its council put it, and B&NES' report due in 12 months. */
  const expectReportsAsSeeded = async () => {
    const reports = await stored(
      `SELECT c.gss_code, r.title, r.type, r.status, r.reference, r.forward_plan_reference,
              to_char(r.period_from, 'YYYY-MM-DD') AS period_from, to_char(r.period_to, 'YYYY-MM-DD') AS period_to,
              r.accountable_officer, to_char(r.accountable_officer_on, 'YYYY-MM-DD') AS accountable_officer_on,
              r.accountable_director, to_char(r.accountable_director_on, 'YYYY-MM-DD') AS accountable_director_on
         FROM reports r JOIN councils c ON c.id = r.owner_council_id ORDER BY r.period_to`,
    );
    const unapproved = {
      accountable_officer: null,
      accountable_officer_on: null,
      accountable_director: null,
      accountable_director_on: null,
    };
    expect(reports).toEqual([
      {
        gss_code: 'E08000035',
        title:
          'Improvement Priority – VfM-4d Explore opportunities for collaboration with private and public sector bodies',
        type: 'improvement_priority_report',
        status: 'approved',
        reference: 'VfM-4d',
        forward_plan_reference: null,
        period_from: '2009-04-01',
        period_to: '2009-09-30',
        accountable_officer: 'Lee Hemsworth',
        accountable_officer_on: '2009-10-22',
        accountable_director: 'James Rogers',
        accountable_director_on: '2009-11-09',
      },
      {
        gss_code: 'S12000018',
        title:
          'Clyde Valley Community Planning Partnership - Review of Joint Working and Shared Services – Next Steps',
        type: 'committee_report',
        status: 'submitted',
        reference: 'IC/01/10/PW/MMcK',
        forward_plan_reference: null,
        period_from: null,
        period_to: '2010-02-18',
        ...unapproved,
      },
      {
        gss_code: 'E07000121',
        title: 'Shared Services Programme',
        type: 'committee_report',
        status: 'submitted',
        reference: 'CE/ES/Committee/Cabinet/Shared Services/April2011',
        forward_plan_reference: null,
        period_from: null,
        period_to: '2011-04-19',
        ...unapproved,
      },
      {
        gss_code: 'E06000065',
        title: 'Future Collaboration',
        type: 'partnership_progress_report',
        status: 'submitted',
        reference: null,
        forward_plan_reference: null,
        period_from: null,
        period_to: '2012-07-12',
        ...unapproved,
      },
      {
        gss_code: 'E06000022',
        title: 'Approach to shared services and Co-operation agreement with North Somerset Council',
        type: 'committee_report',
        status: 'submitted',
        reference: null,
        forward_plan_reference: 'E 2649',
        period_from: null,
        period_to: '2014-06-11',
        ...unapproved,
      },
    ]);
    // Inverclyde's paper: the Clyde Valley ranking with its lead authorities, as at 18 February 2010.
    const [lead] = await stored<{
      content: { rows: { priority: number; title: string; leads: string }[] };
    }>(
      `SELECT s.content FROM report_sections s JOIN reports r ON r.id = s.report_id
        WHERE r.reference = 'IC/01/10/PW/MMcK' AND s.kind = 'lead_authorities'`,
    );
    expect(lead.content.rows).toHaveLength(10);
    expect(lead.content.rows[4]).toEqual({
      priority: 5,
      title: 'Developing an approach to the back office',
      leads: 'East Renfrewshire and Inverclyde',
    });
    // B&NES' paper reports on E 2649; its Cabinet is owed a progress report in 12 months.
    expect(
      await stored(
        `SELECT s.heading FROM report_sections s JOIN reports r ON r.id = s.report_id
          JOIN agreements a ON a.id = s.agreement_id WHERE r.forward_plan_reference = 'E 2649' AND a.reference = 'E 2649'`,
      ),
    ).toEqual([{ heading: 'Co-operation agreement with North Somerset Council (E 2649)' }]);
    expect(
      await stored(
        `SELECT s.title, s.meeting, to_char(s.due_on, 'YYYY-MM-DD') AS due_on, c.gss_code, s.report_id
           FROM report_schedules s JOIN agreements a ON a.id = s.agreement_id
           JOIN councils c ON c.id = s.owner_council_id WHERE a.reference = 'E 2649'`,
      ),
    ).toEqual([
      {
        title: 'Progress report in 12 months on the joint work that is developing',
        meeting: 'Cabinet',
        due_on: '2015-06-11',
        gss_code: 'E06000022',
        report_id: null,
      },
    ]);
  };

  const expectLancasterAsReported = async () => {
    const rows = await stored<{ title: string; phase: string }>(
      `SELECT w.title, w.phase FROM workstreams w JOIN partnerships p ON p.id = w.partnership_id
        WHERE p.name = 'Lancaster and Lancashire shared services programme' ORDER BY w.title`,
    );
    expect(rows).toEqual([
      { title: 'Customer contact services', phase: 'research' },
      { title: 'Shared accommodation', phase: 'implementation' },
      { title: 'Strategic partnership', phase: 'research' },
      { title: 'Winter maintenance services', phase: 'live' },
    ]);
    const [lancaster] = await stored<{ rule: boolean; status: string }>(
      `SELECT p.commit_requires_approved_business_case AS rule, wp.status
         FROM council_profiles p JOIN councils c ON c.id = p.council_id
         JOIN workstream_participants wp ON wp.council_id = c.id
        WHERE c.gss_code = 'E07000121'`,
    );
    expect(lancaster).toEqual({ rule: false, status: 'committed' });
  };

  it('loads the councils, partnerships and workstreams of the seeds through the API, once', async () => {
    // The operator CLI's own way of writing users (through UsersService, as the operator).
    const insertUser = insertActiveUser(await argon2.hash(PASSWORD, ARGON2_OPTIONS));
    const config = testConfig();
    const lines: string[] = [];
    await seedDemo(config, db, PASSWORD, insertUser, (line) => lines.push(line));
    expect(lines).toEqual([
      expect.stringMatching(
        /^Demo data loaded: 15 councils, 4 partnerships, 24 workstreams, 1 co-operation agreement, 5 reports\./,
      ),
    ]);
    expect(await count('councils')).toBe(15);
    expect(await count('workstream_participants')).toBe(4);
    const [waste] = await queryAs<{ current_rag: string; lead_council_ids: string[] }>(
      db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT current_rag, lead_council_ids FROM workstreams WHERE title = 'An integrated waste management approach'`,
    );
    expect(waste).toMatchObject({ current_rag: 'amber' });
    expect(waste.lead_council_ids).toHaveLength(2);
    await expectLeedsAsReported();
    await expectLancasterAsReported();
    await expectE2649AsReported();
    await expectReportsAsSeeded();
    const names = await stored<{ name: string }>(
      `SELECT name FROM councils WHERE name ~ '(^\\s|\\s$|\\s\\s)'`,
    );
    expect(names).toEqual([]);
    expect(
      await stored(`SELECT 1 FROM councils WHERE name = 'North Somerset Council'`),
    ).toHaveLength(1);
    // Everything went through the API, so it is audited.
    expect(await count(`audit_events WHERE entity_type = 'workstreams'`)).toBeGreaterThanOrEqual(
      19,
    );
    await expect(
      seedDemo(
        config,
        db,
        PASSWORD,
        () => Promise.resolve(),
        () => undefined,
      ),
    ).rejects.toThrow(/empty database/);
  });
});
