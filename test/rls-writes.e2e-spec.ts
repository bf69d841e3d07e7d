import { Role } from '../src/tenancy/actor';
import { TenantSettings } from '../src/tenancy/request-context';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const REFUSED = /row-level security|permission denied/;

/** Who sends the SQL: a council and a role (North Lanarkshire is "Lanarkshire" here). */
type Caller =
  | 'Glasgow admin'
  | 'Glasgow officer'
  | 'Glasgow viewer'
  | 'Lanarkshire admin'
  | 'Lanarkshire officer'
  | 'Inverclyde officer'
  | 'Inverclyde viewer'
  | 'B&NES officer';

/** The callers a refusal is tried with, and the one caller who may make the same write. */
type Pair = [refused: Caller[], allowed: Caller];

/**
 * docs/access-rules.md, "Three layers", layer 3: with the service and CASL out of the way (SQL
 * sent straight through the application role with a caller's settings), the database alone
 * refuses the writes the Visibility table forbids. Each refusal is paired with the same SQL
 * from a caller who may make it, so a malformed statement cannot pass for a refusal.
 *
 * Glasgow administers Clyde Valley (P: North Lanarkshire, Inverclyde); its shared workstream W
 * is led by Glasgow and North Lanarkshire, and Inverclyde takes part. Inverclyde owns a private
 * workstream V. B&NES is an outsider.
 */
describe('row-level security on writes, with CASL bypassed', () => {
  let t: TestApp;
  const callers = {} as Record<Caller, Partial<TenantSettings>>;
  /** W's records by table (W itself as `workstreams`), and the world's other ids. */
  const ids: Record<string, string> = {};

  const as = (caller: Caller, sql: string, params: unknown[] = []) =>
    queryAs<{ id: string }>(t.db.appUrl, callers[caller], sql, params);
  const stored = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  const storedRow = async (table: string, id: string) => {
    const sql = `SELECT to_jsonb(r) AS row FROM ${table} r WHERE r.id = $1`;
    return (await stored<{ row: Record<string, unknown> }>(sql, [id]))[0]?.row;
  };
  const rowCount = async (table: string) =>
    (await stored<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;
  const insert = (table: string, columns: string, values: string) =>
    `INSERT INTO ${table} (workstream_id, ${columns}) VALUES ($1, ${values}) RETURNING id`;

  /** Each refused caller gets an error and stores nothing; the allowed one adds one row. */
  async function expectInsertRefused(table: string, sql: string, params: unknown[], pair: Pair) {
    const [refused, allowed] = pair;
    const before = await rowCount(table);
    for (const caller of refused) {
      await expect(as(caller, sql, params)).rejects.toThrow(REFUSED);
    }
    expect(await rowCount(table)).toBe(before);
    expect(await as(allowed, sql, params)).toHaveLength(1);
    expect(await rowCount(table)).toBe(before + 1);
  }

  /** `UPDATE … SET column = value`: no row for the refused callers, the row for the allowed one. */
  async function expectUpdateRefused(
    table: string,
    id: string,
    set: [string, unknown],
    pair: Pair,
  ) {
    const [[column, value], [refused, allowed]] = [set, pair];
    const sql = `UPDATE ${table} SET ${column} = $2 WHERE id = $1 RETURNING id`;
    const before = await storedRow(table, id);
    expect(before?.[column]).not.toEqual(value);
    for (const caller of refused) {
      expect(await as(caller, sql, [id, value])).toEqual([]);
    }
    expect(await storedRow(table, id)).toEqual(before);
    expect(await as(allowed, sql, [id, value])).toEqual([{ id }]);
    expect((await storedRow(table, id))?.[column]).toEqual(value);
  }

  beforeAll(async () => {
    const world = await World.start();
    t = world.t;
    const council = (gss: string) => world.council(gss);
    const [glasgow, lanarkshire, inverclyde, banes] = [
      await council('S12000049'),
      await council('S12000050'),
      await council('S12000018'),
      await council('E06000022'),
    ];
    Object.assign(ids, { glasgow, lanarkshire, inverclyde });
    ids.renfrewshire = await council('S12000038');
    const user = async (caller: Caller, councilId: string, role: Role): Promise<SignedIn> => {
      const signedIn = await world.user(councilId, role);
      callers[caller] = { userId: signedIn.id, councilId, role };
      return signedIn;
    };
    const adminGlasgow = await user('Glasgow admin', glasgow, 'council_admin');
    const officerGlasgow = await user('Glasgow officer', glasgow, 'officer');
    const officerInverclyde = await user('Inverclyde officer', inverclyde, 'officer');
    await user('Glasgow viewer', glasgow, 'viewer');
    await user('Lanarkshire admin', lanarkshire, 'council_admin');
    await user('Lanarkshire officer', lanarkshire, 'officer');
    await user('Inverclyde viewer', inverclyde, 'viewer');
    await user('B&NES officer', banes, 'officer');

    ids.P = await partnership(t, adminGlasgow, 'Clyde Valley', [lanarkshire, inverclyde]);
    ids.W = ids.workstreams = (
      await workstream(t, officerGlasgow, {
        title: 'Residual waste treatment',
        partnershipId: ids.P,
        leadCouncilIds: [glasgow, lanarkshire],
      })
    ).id;
    const add = async (who: SignedIn, path: string, body: object) =>
      (await call(t, who, 'post', `/workstreams/${ids.W}${path}`, body, 201)).body.id as string;
    const records: [string, SignedIn, string, object][] = [
      ['milestones', officerGlasgow, '/milestones', { title: 'Award', dueOn: '2026-03-31' }],
      ['risks', officerGlasgow, '/risks', { description: 'Fees rise', likelihood: 3, impact: 4 }],
      ['key_actions', officerGlasgow, '/actions', { action: 'Procure a contract' }],
      ['funding_lines', officerGlasgow, '/funding', { funder: 'Scotland', amountPence: 9 }],
      ['status_updates', officerGlasgow, '/status-updates', { rag: 'green', period: 'Q1' }],
      ['business_cases', officerGlasgow, '/business-cases', { title: 'OBC' }],
      ['secondCase', officerGlasgow, '/business-cases', { title: 'FBC' }],
      ['workstream_participants', officerInverclyde, '/participants', {}],
      [
        'savings_lines',
        officerInverclyde,
        '/savings',
        { financialYear: '2026-27', cashable: true },
      ],
    ];
    for (const [key, who, path, body] of records) ids[key] = await add(who, path, body);
    for (const key of ['business_cases', 'secondCase']) {
      const path = `/workstreams/${ids.W}/business-cases/${ids[key]}`;
      await call(t, officerGlasgow, 'patch', path, { status: 'submitted', version: 1 }, 200);
    }
    ids.business_case_decisions = await add(
      officerInverclyde,
      `/business-cases/${ids.business_cases}/decisions`,
      { decision: 'approved', decidedOn: '2026-01-15' },
    );

    ids.V = (await workstream(t, officerInverclyde, { title: 'Inverclyde customer hub' })).id;
    const onV = (path: string, body: object) =>
      call(t, officerInverclyde, 'post', `/workstreams/${ids.V}${path}`, body, 201);
    await onV('/milestones', { title: 'Opens', dueOn: '2026-09-30' });
    await onV('/savings', { financialYear: '2026-27', cashable: false });
    const [event] = await stored<{ id: string }>(
      `SELECT id::text AS id FROM audit_events
        WHERE entity_type = 'workstreams' AND entity_id = $1 AND action = 'insert'`,
      [ids.W],
    );
    ids.audit = event.id;
  });
  afterAll(() => t.close());

  describe("a shared workstream's records are added by its lead authorities' officers only", () => {
    // [table, columns besides workstream_id, their values]: rows W's lead authorities keep.
    const INSERTS: [string, string, string][] = [
      ['milestones', 'title, due_on', `'Forged', '2026-06-30'`],
      ['risks', 'description, likelihood, impact', `'Forged', 2, 2`],
      ['key_actions', 'action', `'Forged'`],
      ['funding_lines', 'funder, amount_pence', `'Forged', 1`],
      ['business_cases', 'number, title', `(SELECT max(number) + 1 FROM business_cases), 'Forged'`],
      ['status_updates', 'rag, period', `'green', 'Forged'`],
    ];
    const WRITERS: [string, ...Pair][] = [
      [
        'a member that does not lead it',
        ['Inverclyde officer', 'Inverclyde viewer'],
        'Lanarkshire officer',
      ],
      ["a lead authority's viewer", ['Glasgow viewer'], 'Glasgow officer'],
    ];
    const cases = WRITERS.flatMap(([who, refused, allowed]) =>
      INSERTS.map(
        ([table, columns, values]) => [table, who, columns, values, refused, allowed] as const,
      ),
    );
    it.each(cases)(
      'refuses, in the database alone, a row of %s on a shared workstream from %s; a lead officer adds one',
      async (table, _who, columns, values, refused, allowed) => {
        await expectInsertRefused(
          table,
          insert(table, columns, values),
          [ids.W],
          [refused, allowed],
        );
      },
    );
  });

  describe("a shared workstream and its records are changed by its lead authorities' officers only", () => {
    const notLeads: Caller[] = ['Inverclyde officer', 'Inverclyde viewer', 'Glasgow viewer'];
    const pair: Pair = [[...notLeads, 'B&NES officer'], 'Lanarkshire officer'];
    it.each([
      ['workstreams', 'scope'],
      ['milestones', 'title'],
      ['risks', 'mitigation'],
      ['key_actions', 'timescale'],
      ['funding_lines', 'description'],
      ['business_cases', 'summary'],
    ])(
      "changes no row of %s (%s), in the database alone, for a member that does not lead it, a lead's viewer or an outsider; a lead officer changes it",
      async (table, column) => {
        await expectUpdateRefused(table, ids[table], [column, 'Forged'], pair);
      },
    );
  });

  describe('each participant keeps its own participation, decisions and savings lines', () => {
    const others: Caller[] = ['Glasgow officer', 'Glasgow admin', 'Inverclyde viewer'];
    it.each([
      ['workstream_participants', 'priority_rank', 2],
      ['business_case_decisions', 'decision_body', 'Policy and Resources Committee'],
      ['savings_lines', 'realised_pence', 25_000],
    ])(
      "changes none of Inverclyde's %s (%s), in the database alone, for a lead authority or Inverclyde's viewer; Inverclyde's officer changes it",
      async (table, column, value) => {
        await expectUpdateRefused(
          table,
          ids[table],
          [column, value],
          [others, 'Inverclyde officer'],
        );
      },
    );

    const decision = `INSERT INTO business_case_decisions
        (workstream_id, council_id, business_case_id, decision, decided_on)
        VALUES ($1, $2, $3, 'approved', current_date) RETURNING id`;
    it.each([
      [
        "a savings line in Inverclyde's name",
        'savings_lines',
        insert('savings_lines', 'council_id, financial_year, cashable', `$2, '2027-28', true`),
        () => [ids.W, ids.inverclyde],
        [others, 'Inverclyde officer'],
      ],
      [
        "a business-case decision in Inverclyde's name",
        'business_case_decisions',
        decision,
        () => [ids.W, ids.inverclyde, ids.secondCase],
        [others, 'Inverclyde officer'],
      ],
      [
        "North Lanarkshire's participation",
        'workstream_participants',
        insert('workstream_participants', 'council_id', '$2'),
        () => [ids.W, ids.lanarkshire],
        [['Glasgow officer', 'Glasgow admin', 'Inverclyde officer'], 'Lanarkshire officer'],
      ],
    ] as [string, string, string, () => string[], Pair][])(
      'refuses, in the database alone, another council recording %s; that council records it',
      async (_what, table, sql, params, pair) => {
        await expectInsertRefused(table, sql, params(), pair);
      },
    );
  });

  describe('a private workstream is its owner council alone', () => {
    const others: Caller[] = ['Glasgow admin', 'B&NES officer'];
    it.each([
      ['the workstream', 'SELECT id FROM workstreams WHERE id = $1'],
      ['its milestones', 'SELECT id FROM milestones WHERE workstream_id = $1'],
      ['its savings lines', 'SELECT id FROM savings_lines WHERE workstream_id = $1'],
    ])(
      "shows %s of Inverclyde's private workstream to no other council, even a partner's admin",
      async (_what, sql) => {
        for (const caller of others) expect(await as(caller, sql, [ids.V])).toEqual([]);
        expect(await as('Inverclyde officer', sql, [ids.V])).toHaveLength(1);
        expect(await as('Inverclyde viewer', sql, [ids.V])).toHaveLength(1);
      },
    );

    it("changes Inverclyde's private workstream for no other council, nor for Inverclyde's viewer", async () => {
      const pair: Pair = [[...others, 'Inverclyde viewer'], 'Inverclyde officer'];
      await expectUpdateRefused('workstreams', ids.V, ['scope', 'Forged'], pair);
    });

    it("refuses, in the database alone, another council's milestone on a private workstream", async () => {
      const sql = insert('milestones', 'title, due_on', `'Forged', '2026-06-30'`);
      await expectInsertRefused(
        'milestones',
        sql,
        [ids.V],
        [[...others, 'Inverclyde viewer'], 'Inverclyde officer'],
      );
    });
  });

  describe("a partnership is changed by its administering council's admins only", () => {
    const members: Caller[] = ['Lanarkshire admin', 'Glasgow officer', 'Inverclyde officer'];
    it("changes a partnership's description for no member but the administering council's admins", async () => {
      const pair: Pair = [[...members, 'B&NES officer'], 'Glasgow admin'];
      await expectUpdateRefused('partnerships', ids.P, ['description', 'Forged'], pair);
    });

    it("changes a member's role for no member but the administering council's admins", async () => {
      const [member] = await stored<{ id: string }>(
        'SELECT id FROM partnership_members WHERE partnership_id = $1 AND council_id = $2',
        [ids.P, ids.inverclyde],
      );
      await expectUpdateRefused(
        'partnership_members',
        member.id,
        ['role', 'chair'],
        [members, 'Glasgow admin'],
      );
    });

    it('refuses, in the database alone, a new member added by a member council that does not administer it', async () => {
      const sql = `INSERT INTO partnership_members (partnership_id, council_id, role)
                   VALUES ($1, $2, 'member') RETURNING id`;
      await expectInsertRefused(
        'partnership_members',
        sql,
        [ids.P, ids.renfrewshire],
        [members, 'Glasgow admin'],
      );
    });
  });

  describe('nothing is deleted through the application role', () => {
    it('grants the application role no TRUNCATE, and DELETE only on the draft terms of agreements and their links', async () => {
      const grants = await stored<{ table_name: string; privilege_type: string }>(
        `SELECT table_name, privilege_type FROM information_schema.role_table_grants
          WHERE grantee = 'jwh_app' AND privilege_type IN ('DELETE', 'TRUNCATE') ORDER BY table_name`,
      );
      // Parties and contributions are deleted only while their terms are a draft (a trigger
      // refuses it later, test/agreements-rls.e2e-spec.ts); a workstream unlinked from an
      // agreement is audited like every change.
      expect(grants).toEqual([
        { table_name: 'agreement_contributions', privilege_type: 'DELETE' },
        { table_name: 'agreement_parties', privilege_type: 'DELETE' },
        { table_name: 'agreement_workstreams', privilege_type: 'DELETE' },
      ]);
    });

    it.each([
      ['workstreams', 'W', 'Glasgow officer'],
      ['milestones', 'milestones', 'Glasgow officer'],
      ['status_updates', 'status_updates', 'Glasgow officer'],
      ['risks', 'risks', 'Lanarkshire officer'],
      ['business_cases', 'business_cases', 'Lanarkshire officer'],
      ['savings_lines', 'savings_lines', 'Inverclyde officer'],
      ['partnerships', 'P', 'Glasgow admin'],
      ['audit_events', 'audit', 'Glasgow admin'],
    ] as [string, string, Caller][])(
      'refuses to delete a row of %s, in the database alone, even for a caller who sees it and may change it',
      async (table, key, caller) => {
        const id = ids[key];
        const before = await storedRow(table, id);
        expect(await as(caller, `SELECT id::text AS id FROM ${table} WHERE id = $1`, [id])).toEqual(
          [{ id }],
        );
        await expect(
          as(caller, `DELETE FROM ${table} WHERE id = $1 RETURNING id`, [id]),
        ).rejects.toThrow(REFUSED);
        expect(await storedRow(table, id)).toEqual(before);
      },
    );

    it('refuses, in the database alone, to let a council admin write an audit event or rewrite one', async () => {
      const before = await storedRow('audit_events', ids.audit);
      const forged = `INSERT INTO audit_events (action, entity_type, entity_id)
                      VALUES ('insert', 'workstreams', $1)`;
      await expect(as('Glasgow admin', forged, [ids.W])).rejects.toThrow(REFUSED);
      const rewrite = `UPDATE audit_events SET action = 'forged' WHERE id = $1`;
      await expect(as('Glasgow admin', rewrite, [ids.audit])).rejects.toThrow(REFUSED);
      expect(await storedRow('audit_events', ids.audit)).toEqual(before);
    });
  });

  describe('optimistic locking, as the service writes (WHERE id = $1 AND version = $2)', () => {
    it("changes nothing for a lead writing on a version another lead's write has replaced", async () => {
      const [{ version }] = await stored<{ version: number }>(
        'SELECT version FROM workstreams WHERE id = $1',
        [ids.W],
      );
      const write = `UPDATE workstreams SET scope = $3, version = version + 1
                      WHERE id = $1 AND version = $2 RETURNING id, version`;
      expect(await as('Glasgow officer', write, [ids.W, version, 'Glasgow scope'])).toEqual([
        { id: ids.W, version: version + 1 },
      ]);
      const after = await storedRow('workstreams', ids.W);
      expect(await as('Lanarkshire officer', write, [ids.W, version, 'Lanarkshire scope'])).toEqual(
        [],
      );
      expect(await storedRow('workstreams', ids.W)).toEqual(after);
      expect(after).toMatchObject({ scope: 'Glasgow scope', version: version + 1 });
    });
  });

  describe('the workstream rules the database keeps by itself', () => {
    const JW409 = /lead authorit|lead officer|draft/;

    it("refuses, in the database alone, a lead authority that is not a member of the workstream's partnership", async () => {
      const banes = callers['B&NES officer'].councilId;
      const outsider = callers['B&NES officer'].userId;
      const before = await storedRow('workstreams', ids.W);
      const lead = `UPDATE workstreams SET lead_council_ids = $2::uuid[], lead_officer_id = $3
                     WHERE id = $1 RETURNING id`;
      const leads = [ids.glasgow, ids.lanarkshire, banes];
      await expect(as('Glasgow officer', lead, [ids.W, leads, outsider])).rejects.toThrow(
        /current member of the partnership/,
      );
      expect(await storedRow('workstreams', ids.W)).toEqual(before);
      const create = `INSERT INTO workstreams (partnership_id, title, service_area, lead_council_ids)
                      VALUES ($1, 'Outsiders', 'other', $2::uuid[]) RETURNING id`;
      await expect(
        as('Inverclyde officer', create, [ids.P, [ids.inverclyde, banes]]),
      ).rejects.toThrow(/current member of the partnership/);
      // The same insert with member leads only is allowed.
      expect(
        await as('Inverclyde officer', create, [ids.P, [ids.inverclyde, ids.glasgow]]),
      ).toHaveLength(1);
    });

    it('refuses, in the database alone, a viewer as lead officer', async () => {
      const name = `UPDATE workstreams SET lead_officer_id = $2 WHERE id = $1 RETURNING id`;
      const before = await storedRow('workstreams', ids.W);
      await expect(
        as('Glasgow officer', name, [ids.W, callers['Glasgow viewer'].userId]),
      ).rejects.toThrow(JW409);
      expect(await storedRow('workstreams', ids.W)).toEqual(before);
      expect(
        await as('Glasgow officer', name, [ids.W, callers['Lanarkshire officer'].userId]),
      ).toEqual([{ id: ids.W }]);
    });

    it("refuses, in the database alone, a council's decision on a draft business case", async () => {
      const newCase = (number: number, status: string) =>
        as('Glasgow officer', insert('business_cases', 'number, title, status', `$2, 'Case', $3`), [
          ids.W,
          number,
          status,
        ]);
      const [draft] = await newCase(98, 'draft');
      const [submitted] = await newCase(99, 'draft');
      await as(
        'Glasgow officer',
        `UPDATE business_cases SET status = 'submitted' WHERE id = $1 RETURNING id`,
        [submitted.id],
      );
      const decide = insert(
        'business_case_decisions',
        'business_case_id, council_id, decision, decided_on',
        `$2, $3, 'approved', current_date`,
      );
      await expect(
        as('Inverclyde officer', decide, [ids.W, draft.id, ids.inverclyde]),
      ).rejects.toThrow(/still a draft/);
      expect(
        await as('Inverclyde officer', decide, [ids.W, submitted.id, ids.inverclyde]),
      ).toHaveLength(1);
    });
  });
});
