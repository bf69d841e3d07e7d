/**
 * Co-operation agreements in the database alone (migrations/1764020000000-agreements.ts):
 * with the service and CASL out of the way (SQL sent straight through the application role
 * with a caller's proven settings), row-level security and the lifecycle triggers still
 * refuse what the README's rules forbid. Every refused statement runs in a transaction of its
 * own that is rolled back, and is paired, where it means something, with the same statement
 * from a caller who may make it, so that a malformed statement cannot pass for a refusal.
 *
 * B&NES initiates agreements with North Somerset; Inverclyde is a party to none of them.
 */
import { Client, DatabaseError } from 'pg';
import request from 'supertest';
import { Role } from '../src/tenancy/actor';
import { TenantSettings } from '../src/tenancy/request-context';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, bearer, call, workstream } from './support/world';

const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const THIRD = 'S12000018';

type Settings = Partial<TenantSettings>;

/** The tables an agreement's rows live in, and the column that names the agreement. */
const TABLES: [table: string, column: string][] = [
  ['agreements', 'id'],
  ['agreement_parties', 'agreement_id'],
  ['agreement_versions', 'agreement_id'],
  ['agreement_contributions', 'agreement_id'],
  ['agreement_decisions', 'agreement_id'],
  ['agreement_signatures', 'agreement_id'],
  ['agreement_reviews', 'agreement_id'],
  ['agreement_workstreams', 'agreement_id'],
  ['agreement_documents', 'agreement_id'],
  ['agreement_document_contents', 'agreement_id'],
];

const PDF_BYTES = Buffer.from(
  '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n',
  'latin1',
);

describe('co-operation agreements in the database alone, with CASL bypassed', () => {
  let world: World;
  let t: TestApp;
  const ids = {} as Record<'banes' | 'northSomerset' | 'third', string>;
  const who = {} as Record<string, SignedIn>;
  const as = {} as Record<string, Settings>;

  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);

  /** Runs `work` in a transaction with `settings`, and always rolls it back. */
  async function rolledBack<T>(settings: Settings, work: (client: Client) => Promise<T>) {
    const client = new Client({ connectionString: t.db.appUrl });
    await client.connect();
    try {
      await beginAs(client, settings);
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  }

  /** The error `sql` raises for `settings` (the test fails if it succeeds). */
  function refusal(settings: Settings, sql: string, params: unknown[]): Promise<DatabaseError> {
    return rolledBack(settings, async (client) => {
      try {
        await client.query(sql, params);
      } catch (error) {
        return error as DatabaseError;
      }
      throw new Error(`not refused: ${sql} with ${JSON.stringify(settings)}`);
    });
  }

  /** How many rows `sql` writes for `settings`, in a transaction then rolled back. */
  const written = (settings: Settings, sql: string, params: unknown[]) =>
    rolledBack(settings, async (client) => (await client.query(sql, params)).rowCount);

  const count = async (settings: Settings, table: string, column: string, id: string) => {
    const sql = `SELECT count(*)::int AS n FROM ${table} WHERE ${column} = $1`;
    return (await queryAs<{ n: number }>(t.db.appUrl, settings, sql, [id]))[0].n;
  };

  const draftBody = (reference: string) => ({
    reference,
    title: 'Co-operation agreement with North Somerset Council',
    purposes: ['Improve services', 'Reduce costs'],
    legalBasis: ['Local Government Act 2000, section 2'],
    reviewDate: '2015-06-11',
    parties: [
      { councilId: ids.banes, contributionPence: 10000000, contributionDescription: '£100k' },
      {
        councilId: ids.northSomerset,
        contributionPence: 10000000,
        contributionDescription: '£100k',
      },
    ],
  });
  const decision = (versionNumber: number) => ({
    versionNumber,
    decisionBody: 'Cabinet',
    decisionMaker: 'Cllr Paul Crossley, Leader',
    decidedOn: '2014-06-11',
  });
  const signature = (versionNumber: number) => ({
    versionNumber,
    signatoryName: 'Cllr Paul Crossley',
    signatoryRole: 'Leader of the Council',
    signedOn: '2014-07-01',
  });

  type Stage = 'draft' | 'in_approval' | 'approved' | 'active';
  /** An agreement built through the API by the right councils, up to `stage`. */
  async function agreement(reference: string, stage: Stage): Promise<{ id: string }> {
    const created = await call(
      t,
      who.banesOfficer,
      'post',
      '/agreements',
      draftBody(reference),
      201,
    );
    const id = created.body.id as string;
    if (stage === 'draft') return { id };
    const body = { version: created.body.version };
    await call(t, who.banesOfficer, 'post', `/agreements/${id}/submit`, body, 200);
    if (stage === 'in_approval') return { id };
    await call(t, who.banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    await call(t, who.nsAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
    if (stage === 'approved') return { id };
    await call(t, who.banesAdmin, 'post', `/agreements/${id}/sign`, signature(1), 200);
    await call(t, who.nsAdmin, 'post', `/agreements/${id}/sign`, signature(1), 200);
    return { id };
  }

  const round = async (id: string, number = 1) =>
    (
      await stored<{ round: number }>(
        'SELECT round FROM agreement_versions WHERE agreement_id = $1 AND number = $2',
        [id, number],
      )
    )[0].round;

  const insertDecision = `INSERT INTO agreement_decisions
      (agreement_id, version_number, round, council_id, decision, decision_body, decided_on)
      VALUES ($1, $2, $3, $4, 'approved', 'Cabinet', '2014-06-11')`;
  const insertSignature = `INSERT INTO agreement_signatures
      (agreement_id, version_number, council_id, signatory_name, signatory_role, signed_on)
      VALUES ($1, $2, $3, 'Cllr Forged', 'Leader', '2014-07-01')`;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    ids.banes = await world.council(BANES);
    ids.northSomerset = await world.council(NORTH_SOMERSET);
    ids.third = await world.council(THIRD);
    const user = async (name: string, councilId: string, role: Role) => {
      who[name] = await world.user(councilId, role);
      as[name] = { userId: who[name].id, councilId, role };
    };
    await user('banesAdmin', ids.banes, 'council_admin');
    await user('banesOfficer', ids.banes, 'officer');
    await user('banesViewer', ids.banes, 'viewer');
    await user('nsAdmin', ids.northSomerset, 'council_admin');
    await user('nsOfficer', ids.northSomerset, 'officer');
    await user('nsViewer', ids.northSomerset, 'viewer');
    await user('thirdAdmin', ids.third, 'council_admin');
    await user('thirdOfficer', ids.third, 'officer');
    await user('thirdViewer', ids.third, 'viewer');
  });
  afterAll(() => t.close());

  describe('an agreement is seen by its parties only', () => {
    let id: string;

    beforeAll(async () => {
      // A row in every table: active, reviewed, linked to a workstream, with a document.
      id = (await agreement('E 2649/seen', 'active')).id;
      const got = await call(t, who.banesOfficer, 'get', `/agreements/${id}`, undefined, 200);
      const review = await call(
        t,
        who.nsAdmin,
        'post',
        `/agreements/${id}/start-review`,
        { version: got.body.version },
        200,
      );
      const reviewed = await call(
        t,
        who.banesAdmin,
        'post',
        `/agreements/${id}/reviews`,
        {
          version: review.body.version,
          reviewedOn: '2015-06-11',
          outcome: 'Continue',
          nextReviewOn: '2016-06-11',
        },
        200,
      );
      const linked = await workstream(t, who.banesOfficer, { title: 'Shared revenues service' });
      const link = await request(t.http)
        .put(`/api/v1/agreements/${id}/workstreams`)
        .set(bearer(who.banesOfficer))
        .send({ version: reviewed.body.version, workstreamIds: [linked.id] });
      expect(link.status).toBe(200);
      const upload = await request(t.http)
        .post(
          `/api/v1/agreements/${id}/versions/1/documents?fileName=signed.pdf&kind=signed_agreement`,
        )
        .set(bearer(who.nsOfficer))
        .set('Content-Type', 'application/pdf')
        .send(PDF_BYTES);
      expect(upload.status).toBe(201);
    });

    it.each(TABLES)(
      'shows no row of %s to any role of a council that is not a party; a party viewer sees them',
      async (table, column) => {
        const total = await count(PLATFORM_ADMIN_SETTINGS, table, column, id);
        expect(total).toBeGreaterThan(0);
        for (const caller of ['thirdAdmin', 'thirdOfficer', 'thirdViewer']) {
          expect([caller, await count(as[caller], table, column, id)]).toEqual([caller, 0]);
        }
        for (const caller of ['banesViewer', 'nsViewer']) {
          expect([caller, await count(as[caller], table, column, id)]).toEqual([caller, total]);
        }
      },
    );
  });

  describe('each party decides and signs for itself, by its council admins', () => {
    let inApproval: string;
    let approved: string;

    beforeAll(async () => {
      inApproval = (await agreement('E 2649/decide', 'in_approval')).id;
      approved = (await agreement('E 2649/sign', 'approved')).id;
    });

    it("refuses a party's council admin a decision in the other party's name; each records its own", async () => {
      const r = await round(inApproval);
      for (const [caller, other] of [
        ['banesAdmin', ids.northSomerset],
        ['nsAdmin', ids.banes],
      ]) {
        const error = await refusal(as[caller], insertDecision, [inApproval, 1, r, other]);
        expect(error.code).toBe('42501');
        expect(error.message).toMatch(/row-level security/);
      }
      expect(await written(as.banesAdmin, insertDecision, [inApproval, 1, r, ids.banes])).toBe(1);
      expect(await written(as.nsAdmin, insertDecision, [inApproval, 1, r, ids.northSomerset])).toBe(
        1,
      );
      expect(
        await count(PLATFORM_ADMIN_SETTINGS, 'agreement_decisions', 'agreement_id', inApproval),
      ).toBe(0);
    });

    it("refuses a party's council admin a signature in the other party's name; each records its own", async () => {
      const before = await count(
        PLATFORM_ADMIN_SETTINGS,
        'agreement_signatures',
        'agreement_id',
        approved,
      );
      for (const [caller, other] of [
        ['banesAdmin', ids.northSomerset],
        ['nsAdmin', ids.banes],
      ]) {
        const error = await refusal(as[caller], insertSignature, [approved, 1, other]);
        expect(error.code).toBe('42501');
        expect(error.message).toMatch(/row-level security/);
      }
      expect(await written(as.banesAdmin, insertSignature, [approved, 1, ids.banes])).toBe(1);
      expect(await written(as.nsAdmin, insertSignature, [approved, 1, ids.northSomerset])).toBe(1);
      expect(
        await count(PLATFORM_ADMIN_SETTINGS, 'agreement_signatures', 'agreement_id', approved),
      ).toBe(before);
    });

    it("refuses a party's officer or viewer a decision or a signature even in its own council's name", async () => {
      const r = await round(inApproval);
      for (const caller of ['banesOfficer', 'banesViewer', 'nsOfficer', 'nsViewer']) {
        const own = as[caller].councilId;
        const decided = await refusal(as[caller], insertDecision, [inApproval, 1, r, own]);
        expect([caller, decided.code]).toEqual([caller, '42501']);
        const signed = await refusal(as[caller], insertSignature, [approved, 1, own]);
        expect([caller, signed.code]).toEqual([caller, '42501']);
      }
    });

    it('refuses a council admin of a council that is not a party any decision or signature at all', async () => {
      const r = await round(inApproval);
      // The version trigger runs with the caller's sight and finds no version (JW409), or
      // the insert policy refuses the row (42501): refused either way, and nothing stored.
      for (const councilId of [ids.third, ids.banes]) {
        const decided = await refusal(as.thirdAdmin, insertDecision, [inApproval, 1, r, councilId]);
        expect(['42501', 'JW409']).toContain(decided.code);
        const signed = await refusal(as.thirdAdmin, insertSignature, [approved, 1, councilId]);
        expect(['42501', 'JW409']).toContain(signed.code);
      }
      expect(
        await count(PLATFORM_ADMIN_SETTINGS, 'agreement_decisions', 'agreement_id', inApproval),
      ).toBe(0);
    });
  });

  describe('decisions and signatures follow the lifecycle, whoever records them', () => {
    it('refuses a decision on a version that is not in approval, or in a round that is not its own', async () => {
      const { id: draft } = await agreement('E 2649/draft-decision', 'draft');
      for (const caller of [as.banesAdmin, PLATFORM_ADMIN_SETTINGS]) {
        const error = await refusal(caller, insertDecision, [draft, 1, 0, ids.banes]);
        expect(error.code).toBe('JW409');
        expect(error.message).toMatch(/not in approval/);
      }
      const { id: inApproval } = await agreement('E 2649/round', 'in_approval');
      const r = await round(inApproval);
      const stale = await refusal(as.banesAdmin, insertDecision, [inApproval, 1, r + 1, ids.banes]);
      expect(stale.code).toBe('JW409');
      // The same statement on the version in approval, in its round, is taken.
      expect(await written(as.banesAdmin, insertDecision, [inApproval, 1, r, ids.banes])).toBe(1);
      const { id: active } = await agreement('E 2649/active-decision', 'active');
      const late = await refusal(as.banesAdmin, insertDecision, [
        active,
        1,
        await round(active),
        ids.banes,
      ]);
      expect(late.code).toBe('JW409');
    });

    it('refuses a signature on a version not yet approved by every party', async () => {
      const { id } = await agreement('E 2649/early-signature', 'in_approval');
      await call(t, who.banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
      for (const caller of [as.banesAdmin, PLATFORM_ADMIN_SETTINGS]) {
        const error = await refusal(caller, insertSignature, [id, 1, ids.banes]);
        expect(error.code).toBe('JW409');
        expect(error.message).toMatch(/every party has approved/);
      }
      await call(t, who.nsAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
      expect(await written(as.banesAdmin, insertSignature, [id, 1, ids.banes])).toBe(1);
    });

    it('refuses a second decision by the same party in the same round (unique)', async () => {
      const { id } = await agreement('E 2649/twice', 'in_approval');
      await call(t, who.banesAdmin, 'post', `/agreements/${id}/approve`, decision(1), 200);
      const r = await round(id);
      const error = await refusal(as.banesAdmin, insertDecision, [id, 1, r, ids.banes]);
      expect(error.code).toBe('23505');
      // The other party, which has not decided, may.
      expect(await written(as.nsAdmin, insertDecision, [id, 1, r, ids.northSomerset])).toBe(1);
      // Two in one transaction: the second is refused.
      const twice = await rolledBack(as.nsAdmin, async (client) => {
        await client.query(insertDecision, [id, 1, r, ids.northSomerset]);
        return client.query(insertDecision, [id, 1, r, ids.northSomerset]).then(
          () => null,
          (e: DatabaseError) => e.code,
        );
      });
      expect(twice).toBe('23505');
    });
  });

  describe('the terms and the lifecycle', () => {
    const retitle = `UPDATE agreement_versions SET title = 'Forged' WHERE agreement_id = $1 AND number = 1`;

    it("refuses a party that did not initiate the agreement a change to a draft's terms; the initiator changes them", async () => {
      const { id } = await agreement('E 2649/terms', 'draft');
      const title = async () =>
        (
          await stored<{ title: string }>(
            'SELECT title FROM agreement_versions WHERE agreement_id = $1 AND number = 1',
            [id],
          )
        )[0].title;
      const before = await title();
      for (const caller of ['nsOfficer', 'nsAdmin']) {
        const error = await refusal(as[caller], retitle, [id]);
        expect([caller, error.code]).toEqual([caller, '42501']);
        expect(error.message).toMatch(/initiating council/);
      }
      // A party's viewer and an outsider's officer see no row to change.
      for (const caller of ['nsViewer', 'banesViewer', 'thirdOfficer', 'thirdAdmin']) {
        expect([caller, await written(as[caller], retitle, [id])]).toEqual([caller, 0]);
      }
      expect(await title()).toBe(before);
      expect(await written(as.banesOfficer, retitle, [id])).toBe(1);
    });

    it('refuses a direct move of an agreement in approval to active, even for a platform admin', async () => {
      const { id } = await agreement('E 2649/jump', 'in_approval');
      const jump = `UPDATE agreements SET status = 'active' WHERE id = $1`;
      for (const caller of [PLATFORM_ADMIN_SETTINGS, as.banesAdmin, as.nsOfficer]) {
        const error = await refusal(caller, jump, [id]);
        expect(error.code).toBe('JW409');
      }
      // Nor to approved before every party approved.
      const early = await refusal(
        PLATFORM_ADMIN_SETTINGS,
        `UPDATE agreements SET status = 'approved' WHERE id = $1`,
        [id],
      );
      expect(early.code).toBe('JW409');
      // The same update of another column is taken: the refusal is the lifecycle's.
      expect(
        await written(
          PLATFORM_ADMIN_SETTINGS,
          `UPDATE agreements SET version = version + 1 WHERE id = $1`,
          [id],
        ),
      ).toBe(1);
      const [row] = await stored<{ status: string }>(
        'SELECT status FROM agreements WHERE id = $1',
        [id],
      );
      expect(row.status).toBe('in_approval');
    });

    it('refuses the initiating council a change of parties once the agreement is in approval', async () => {
      const addThird = `INSERT INTO agreement_parties (agreement_id, council_id) VALUES ($1, $2)`;
      const dropOther = `DELETE FROM agreement_parties WHERE agreement_id = $1 AND council_id = $2`;
      const { id } = await agreement('E 2649/parties', 'in_approval');
      for (const caller of [as.banesOfficer, as.banesAdmin, PLATFORM_ADMIN_SETTINGS]) {
        const added = await refusal(caller, addThird, [id, ids.third]);
        expect(added.code).toBe('JW409');
        expect(added.message).toMatch(/parties change only while the agreement is a draft/);
        const dropped = await refusal(caller, dropOther, [id, ids.northSomerset]);
        expect(dropped.code).toBe('JW409');
      }
      const contribution = await refusal(
        as.banesOfficer,
        `UPDATE agreement_contributions SET amount_pence = 1 WHERE agreement_id = $1`,
        [id],
      );
      expect(contribution.code).toBe('JW409');
      const parties = await stored<{ council_id: string }>(
        'SELECT council_id FROM agreement_parties WHERE agreement_id = $1',
        [id],
      );
      expect(parties.map((p) => p.council_id).sort()).toEqual(
        [ids.banes, ids.northSomerset].sort(),
      );
      // While a draft, the initiating council adds a party; another party may not.
      const { id: draft } = await agreement('E 2649/parties-draft', 'draft');
      expect(await written(as.banesOfficer, addThird, [draft, ids.third])).toBe(1);
      const byOther = await refusal(as.nsOfficer, addThird, [draft, ids.third]);
      expect(byOther.code).toBe('42501');
    });
  });

  describe("a party's officer cannot skip the lifecycle by writing the agreement itself", () => {
    it('refuses to end, re-date, re-review, re-reference or renumber an agreement', async () => {
      const active = await agreement('E 2649/sql-active', 'active');
      const draft = await agreement('E 2649/sql-draft', 'draft');
      const officer = as.nsOfficer;
      const cases: [string, string][] = [
        [
          active.id,
          `UPDATE agreements SET status = 'ended', end_kind = 'expired', end_date = '2000-01-01', ended_on = '2000-01-01' WHERE id = $1`,
        ],
        [active.id, `UPDATE agreements SET status = 'under_review' WHERE id = $1`],
        [active.id, `UPDATE agreements SET next_review_on = '2099-01-01' WHERE id = $1`],
        [active.id, `UPDATE agreements SET end_date = '2099-12-31' WHERE id = $1`],
        [active.id, `UPDATE agreements SET latest_version = 7 WHERE id = $1`],
        [draft.id, `UPDATE agreements SET latest_version = 7 WHERE id = $1`],
        [draft.id, `UPDATE agreements SET reference = 'HIJACKED' WHERE id = $1`],
        [active.id, `UPDATE agreement_versions SET status = 'superseded' WHERE agreement_id = $1`],
        [
          active.id,
          `UPDATE agreement_versions SET in_force_from = '1999-01-01' WHERE agreement_id = $1`,
        ],
      ];
      for (const [id, sql] of cases) {
        const error = await refusal(officer, sql, [id]);
        expect([sql, ['JW409', '42501'].includes(error.code ?? '')]).toEqual([sql, true]);
      }
      // Even a platform admin expires an agreement only on its own end date, once passed.
      const early = await refusal(
        PLATFORM_ADMIN_SETTINGS,
        `UPDATE agreements SET status = 'ended', end_kind = 'expired', ended_on = current_date WHERE id = $1`,
        [active.id],
      );
      expect(early.code).toBe('JW409');
      // The same council's admin opens the review by the same statement.
      expect(
        await written(as.nsAdmin, `UPDATE agreements SET status = 'under_review' WHERE id = $1`, [
          active.id,
        ]),
      ).toBe(1);
    });
  });
});
