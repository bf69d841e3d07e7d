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
        /^Demo data loaded: 15 councils, 4 partnerships, 24 workstreams, 1 co-operation agreement/,
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
