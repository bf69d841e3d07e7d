import { encodeCursor } from '../src/common/pagination';
import { Client } from 'pg';
import { AbilityFactory } from '../src/tenancy/ability.factory';
import { WorkstreamQueryDto } from '../src/workstreams/dto/workstream.dto';
import { workstreamListQuery } from '../src/workstreams/workstream-list.query';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const BANES = 'E06000022';
const NORTH_SOMERSET = 'E06000024';
const LEEDS = 'E08000035';

const PARTNERSHIPS = 200;
const WORKSTREAMS = 100_000;

/**
 * The indexes made for the list: a council's rows of what it sees (in the list's order, and by
 * RAG and service area), and the workstreams' own (one per arm of visibility).
 */
const LIST_INDEXES = [
  'workstream_visibility_list',
  'workstream_visibility_rag',
  'workstream_visibility_service_area',
  'workstreams_shared_list',
  'workstreams_private_list',
];

interface Listed {
  id: string;
  title: string;
  updatedAt: string;
}

describe('GET /workstreams lists', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let lanarkshire: string;
  let inverclyde: string;
  let westDunbartonshire: string;
  let banes: string;
  let northSomerset: string;
  let officerGlasgow: SignedIn;
  let officerLanarkshire: SignedIn;
  let officerInverclyde: SignedIn;
  let officerWestDunbartonshire: SignedIn;
  let officerBanes: SignedIn;
  let clydeValley: string;
  let clydebank: string;
  const ids: Record<string, string> = {};

  // Titles, so that a failing filter names what it returned.
  const WASTE = 'An integrated waste management approach';
  const ROADS = 'Roads maintenance consortium';
  const PAYROLL = 'Shared HR and payroll service';
  const TRANSPORT = 'Social transport and fleet';
  const HUBS = 'Property and hubs in Clydebank';
  const GLASGOW_PRIVATE = 'Glasgow waste collection review';
  const INVERCLYDE_PRIVATE = 'Inverclyde roads budget review';
  const WEST_OF_ENGLAND = 'B&NES and North Somerset revenues and benefits';
  const VISIBLE_TO_GLASGOW = [WASTE, ROADS, PAYROLL, TRANSPORT, HUBS, GLASGOW_PRIVATE];

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    [glasgow, lanarkshire, inverclyde, westDunbartonshire, banes, northSomerset] = [
      await world.council(GLASGOW),
      await world.council(NORTH_LANARKSHIRE),
      await world.council(INVERCLYDE),
      await world.council(WEST_DUNBARTONSHIRE),
      await world.council(BANES),
      await world.council(NORTH_SOMERSET),
    ];
    const adminGlasgow = await world.user(glasgow, 'council_admin');
    const adminBanes = await world.user(banes, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerWestDunbartonshire = await world.user(westDunbartonshire, 'officer');
    officerBanes = await world.user(banes, 'officer');
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [lanarkshire, inverclyde]);
    clydebank = await partnership(t, adminGlasgow, 'Glasgow and West Dunbartonshire', [
      westDunbartonshire,
    ]);
    const westOfEngland = await partnership(t, adminBanes, 'B&NES and North Somerset', [
      northSomerset,
    ]);

    const made: [
      string,
      SignedIn,
      Omit<Parameters<typeof workstream>[2], 'title'> & { phase?: string },
    ][] = [
      [
        WASTE,
        officerGlasgow,
        { partnershipId: clydeValley, leadCouncilIds: [glasgow], serviceArea: 'waste' },
      ],
      [
        ROADS,
        officerLanarkshire,
        {
          partnershipId: clydeValley,
          leadCouncilIds: [lanarkshire],
          serviceArea: 'roads',
          phase: 'research',
        },
      ],
      [
        PAYROLL,
        officerGlasgow,
        {
          partnershipId: clydeValley,
          leadCouncilIds: [glasgow, lanarkshire],
          serviceArea: 'hr_payroll',
          phase: 'business_case',
        },
      ],
      [
        TRANSPORT,
        officerInverclyde,
        {
          partnershipId: clydeValley,
          leadCouncilIds: [inverclyde],
          serviceArea: 'social_transport_fleet',
        },
      ],
      [
        HUBS,
        officerWestDunbartonshire,
        {
          partnershipId: clydebank,
          leadCouncilIds: [westDunbartonshire],
          serviceArea: 'property_hubs',
        },
      ],
      [GLASGOW_PRIVATE, officerGlasgow, { serviceArea: 'waste' }],
      [INVERCLYDE_PRIVATE, officerInverclyde, { serviceArea: 'roads' }],
      [
        WEST_OF_ENGLAND,
        officerBanes,
        {
          partnershipId: westOfEngland,
          leadCouncilIds: [banes],
          serviceArea: 'revenues_benefits',
        },
      ],
    ];
    for (const [title, who, fields] of made) {
      ids[title] = (await workstream(t, who, { title, ...fields })).id;
    }
    // Inverclyde takes part in Glasgow's waste workstream without leading it.
    await call(
      t,
      officerInverclyde,
      'post',
      `/workstreams/${ids[WASTE]}/participants`,
      { priorityRank: 1 },
      201,
    );
    await call(
      t,
      officerLanarkshire,
      'post',
      `/workstreams/${ids[ROADS]}/status-updates`,
      { rag: 'red', period: 'April to September 2025', reason: 'Depot lease not signed' },
      201,
    );
    await call(
      t,
      officerGlasgow,
      'post',
      `/workstreams/${ids[PAYROLL]}/status-updates`,
      { rag: 'green', period: 'April to September 2025' },
      201,
    );
    await call(
      t,
      officerInverclyde,
      'post',
      `/workstreams/${ids[TRANSPORT]}/milestones`,
      { title: 'Fleet audit complete', dueOn: '2020-03-31', status: 'planned' },
      201,
    );
    // Past and done, or open and still to come: neither is overdue.
    await call(
      t,
      officerGlasgow,
      'post',
      `/workstreams/${ids[WASTE]}/milestones`,
      { title: 'Lead officer identified', dueOn: '2020-03-12', status: 'done' },
      201,
    );
    await call(
      t,
      officerWestDunbartonshire,
      'post',
      `/workstreams/${ids[HUBS]}/milestones`,
      { title: 'Hub opens', dueOn: '2099-01-01', status: 'planned' },
      201,
    );
  });
  afterAll(() => t.close());

  /** Every page of a list, following nextCursor. */
  const walk = async (who: SignedIn, query: string, limit = 100) => {
    const rows: Listed[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const params = [query, `limit=${limit}`, cursor ? `cursor=${cursor}` : ''];
      const path = `/workstreams?${params.filter(Boolean).join('&')}`;
      const res = await call(t, who, 'get', path, undefined, 200);
      const page = res.body.data as Listed[];
      expect(page.length).toBeLessThanOrEqual(limit);
      rows.push(...page);
      cursor = res.body.nextCursor as string | null;
      pages += 1;
      if (pages > 50) throw new Error('nextCursor never ended');
    } while (cursor);
    return { rows, pages };
  };
  const titles = async (who: SignedIn, query: string) =>
    (await walk(who, query)).rows.map((w) => w.title).sort();

  describe('filters, each in SQL', () => {
    it('filters by partnership', async () => {
      expect(await titles(officerGlasgow, `partnershipId=${clydeValley}`)).toEqual(
        [WASTE, ROADS, PAYROLL, TRANSPORT].sort(),
      );
      expect(await titles(officerGlasgow, `partnershipId=${clydebank}`)).toEqual([HUBS]);
    });

    it('filters by council, as a lead authority or as a participant', async () => {
      expect(await titles(officerGlasgow, `councilId=${lanarkshire}`)).toEqual(
        [ROADS, PAYROLL].sort(),
      );
      // Inverclyde leads transport and takes part in waste; its private workstream stays its own.
      expect(await titles(officerGlasgow, `councilId=${inverclyde}`)).toEqual(
        [WASTE, TRANSPORT].sort(),
      );
      expect(await titles(officerGlasgow, `councilId=${glasgow}`)).toEqual(
        [WASTE, PAYROLL, GLASGOW_PRIVATE].sort(),
      );
    });

    it('filters by phase', async () => {
      expect(await titles(officerGlasgow, 'phase=research')).toEqual([ROADS]);
      expect(await titles(officerGlasgow, 'phase=business_case')).toEqual([PAYROLL]);
      expect(await titles(officerGlasgow, 'phase=idea')).toEqual(
        [WASTE, TRANSPORT, HUBS, GLASGOW_PRIVATE].sort(),
      );
    });

    it('filters by service area', async () => {
      expect(await titles(officerGlasgow, 'serviceArea=waste')).toEqual(
        [WASTE, GLASGOW_PRIVATE].sort(),
      );
      expect(await titles(officerGlasgow, 'serviceArea=roads')).toEqual([ROADS]);
    });

    it('filters by the RAG of the latest status update', async () => {
      expect(await titles(officerGlasgow, 'rag=red')).toEqual([ROADS]);
      expect(await titles(officerGlasgow, 'rag=green')).toEqual([PAYROLL]);
      expect(await titles(officerGlasgow, 'rag=amber')).toEqual([]);
      expect(await titles(officerGlasgow, 'rag=none')).toEqual(
        [WASTE, TRANSPORT, HUBS, GLASGOW_PRIVATE].sort(),
      );
    });

    it('filters to workstreams with an overdue milestone (past due, still planned or in progress)', async () => {
      expect(await titles(officerGlasgow, 'overdue=true')).toEqual([TRANSPORT]);
      expect(await titles(officerGlasgow, 'overdue=false')).toEqual([...VISIBLE_TO_GLASGOW].sort());
    });

    it('filters by words in the title, whatever their case', async () => {
      expect(await titles(officerGlasgow, 'q=waste')).toEqual([WASTE, GLASGOW_PRIVATE].sort());
      expect(await titles(officerGlasgow, `q=${encodeURIComponent('WASTE MANAGEMENT')}`)).toEqual([
        WASTE,
      ]);
      expect(await titles(officerGlasgow, 'q=roads')).toEqual([ROADS]);
      // LIKE's wildcards are plain characters in a search.
      expect(await titles(officerGlasgow, `q=${encodeURIComponent('%')}`)).toEqual([]);
      expect(await titles(officerGlasgow, `q=${encodeURIComponent('_')}`)).toEqual([]);
    });

    it('combines filters', async () => {
      expect(
        await titles(officerGlasgow, `partnershipId=${clydeValley}&serviceArea=waste&rag=none`),
      ).toEqual([WASTE]);
      expect(await titles(officerGlasgow, `councilId=${lanarkshire}&rag=red`)).toEqual([ROADS]);
    });
  });

  describe('keyset pagination', () => {
    it('walks every page of two, each visible workstream once, most recently updated first and ties by id', async () => {
      // Three workstreams updated in one statement share updated_at, so the id breaks the tie.
      await queryAs(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        'UPDATE workstreams SET version = version WHERE id = ANY ($1::uuid[])',
        [[ids[ROADS], ids[HUBS], ids[GLASGOW_PRIVATE]]],
      );
      const { rows, pages } = await walk(officerGlasgow, '', 2);
      expect(pages).toBe(3);
      expect(rows.map((w) => w.title).sort()).toEqual([...VISIBLE_TO_GLASGOW].sort());
      expect(new Set(rows.map((w) => w.id)).size).toBe(rows.length);
      const descending = (a: string, b: string) => (a < b ? 1 : a > b ? -1 : 0);
      const sorted = [...rows].sort(
        (a, b) => descending(a.updatedAt, b.updatedAt) || descending(a.id, b.id),
      );
      expect(rows.map((w) => w.title)).toEqual(sorted.map((w) => w.title));
      const tied = rows.filter(
        (w) => w.updatedAt === rows.find((r) => r.title === ROADS)!.updatedAt,
      );
      expect(tied).toHaveLength(3);
      // The same order as one page of 100.
      const whole = await call(t, officerGlasgow, 'get', '/workstreams?limit=100', undefined, 200);
      expect(whole.body.nextCursor).toBeNull();
      expect(whole.body.data.map((w: Listed) => w.id)).toEqual(rows.map((w) => w.id));
    });

    it('answers limit=101 with 400 naming limit', async () => {
      const res = await call(t, officerGlasgow, 'get', '/workstreams?limit=101');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'limit' })]),
      );
      await call(t, officerGlasgow, 'get', '/workstreams?limit=100', undefined, 200);
    });

    it('answers a cursor that is not one of ours with 400 naming cursor', async () => {
      for (const cursor of ['garbage', 'bm90IGpzb24', Buffer.from('[1,2]').toString('base64url')]) {
        const res = await call(t, officerGlasgow, 'get', `/workstreams?cursor=${cursor}`);
        expect([cursor, res.status]).toEqual([cursor, 400]);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
    });

    it('answers a forged cursor of two strings that are not a timestamp and an id with 400 naming cursor', async () => {
      for (const values of [
        ['not a time', '00000000-0000-4000-8000-000000000000'],
        ['2025-01-01T00:00:00.000000Z', 'not-a-uuid'],
      ]) {
        const cursor = encodeCursor(values);
        const res = await call(t, officerGlasgow, 'get', `/workstreams?cursor=${cursor}`);
        expect([values, res.status]).toEqual([values, 400]);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'cursor' })]);
      }
    });

    it('answers an edited but well-formed cursor with 400 naming cursor', async () => {
      const first = await call(t, officerGlasgow, 'get', '/workstreams?limit=1', undefined, 200);
      const next = first.body.nextCursor as string;
      expect(next).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
      await call(t, officerGlasgow, 'get', `/workstreams?limit=1&cursor=${next}`, undefined, 200);
      const [payload, signature] = next.split('.');
      const values = JSON.parse(Buffer.from(payload, 'base64url').toString()) as string[];
      const edited = Buffer.from(
        JSON.stringify([values[0], '00000000-0000-4000-8000-000000000000']),
      ).toString('base64url');
      for (const cursor of [`${edited}.${signature}`, edited, `${payload}.${'A'.repeat(22)}`]) {
        const res = await call(t, officerGlasgow, 'get', `/workstreams?limit=1&cursor=${cursor}`);
        expect([cursor, res.status, res.body.errors]).toEqual([
          cursor,
          400,
          [{ field: 'cursor', message: 'cursor is not valid' }],
        ]);
      }
    });
  });

  describe('private workstreams', () => {
    it("never lists council A's private workstream for council B, even when B shares a partnership with A", async () => {
      // Lanarkshire and Glasgow share Clyde Valley; Glasgow's private workstream stays Glasgow's.
      for (const query of ['', `councilId=${glasgow}`, 'serviceArea=waste', 'q=Glasgow']) {
        const { rows } = await walk(officerLanarkshire, query, 2);
        expect([query, rows.map((w) => w.id)]).not.toEqual([
          query,
          expect.arrayContaining([ids[GLASGOW_PRIVATE]]),
        ]);
      }
      expect(await titles(officerLanarkshire, `councilId=${glasgow}`)).toEqual(
        [WASTE, PAYROLL].sort(),
      );
      // Inverclyde's private workstream is not in Glasgow's list either, though Glasgow administers
      // the partnership Inverclyde is in.
      expect(await titles(officerGlasgow, 'serviceArea=roads')).toEqual([ROADS]);
      expect(await titles(officerInverclyde, 'serviceArea=roads')).toEqual(
        [ROADS, INVERCLYDE_PRIVATE].sort(),
      );
      // Row-level security draws the same line on its own.
      const rows = await queryAs(
        t.db.appUrl,
        { userId: officerLanarkshire.id, councilId: lanarkshire, role: 'officer' },
        'SELECT id FROM workstreams WHERE id = $1',
        [ids[GLASGOW_PRIVATE]],
      );
      expect(rows).toEqual([]);
      // And the council outside every Clyde partnership sees only its own partnership's.
      expect(await titles(officerBanes, '')).toEqual([WEST_OF_ENGLAND]);
    });
  });

  describe('the list query over 100,000 workstreams', () => {
    let leeds: string;
    let officerLeeds: SignedIn;
    let memberOf: string[];

    beforeAll(async () => {
      leeds = await world.council(LEEDS);
      officerLeeds = await world.user(leeds, 'officer');
      memberOf = await generate(t.db.ownerUrl, {
        councilId: leeds,
        administeringCouncilId: northSomerset,
        otherCouncilIds: [glasgow, lanarkshire, inverclyde, banes],
      });
    }, 300_000);

    /** The list's inner SELECT exactly as WorkstreamsService.list sends it. */
    const listSql = (query: Partial<WorkstreamQueryDto> = {}) => {
      const ability = new AbilityFactory().forActor({
        userId: officerLeeds.id,
        councilId: leeds,
        role: 'officer',
        partnershipIds: memberOf,
      });
      const list = workstreamListQuery(ability, { limit: 50, ...query }, leeds);
      if (!list) throw new Error('An officer should see workstreams');
      return list;
    };
    const asLeeds = () => ({ userId: officerLeeds.id, councilId: leeds, role: 'officer' });

    it('scans the workstreams by index, never sequentially, for a council in 50 of 200 partnerships, on the first page, the next, and filtered', async () => {
      const first = await call(t, officerLeeds, 'get', '/workstreams', undefined, 200);
      const cursor = first.body.nextCursor as string;
      const queries: Partial<WorkstreamQueryDto>[] = [
        {},
        { cursor },
        { rag: 'red', limit: 20 },
        { serviceArea: 'other' },
        { partnershipId: memberOf[0] },
        { councilId: leeds },
        { q: 'waste' },
      ];
      for (const query of queries) {
        const { sql, params } = listSql(query);
        const [row] = await queryAs<{ 'QUERY PLAN': PlanRoot[] }>(
          t.db.appUrl,
          asLeeds(),
          `EXPLAIN (FORMAT JSON) ${sql}`,
          params,
        );
        const plan = row['QUERY PLAN'][0].Plan;
        const nodes = flatten(plan);
        const seqScans = nodes.filter(
          (n) =>
            n['Node Type'] === 'Seq Scan' &&
            ['workstreams', 'workstream_visibility'].includes(n['Relation Name'] ?? ''),
        );
        const listIndexScans = nodes.filter(
          (n) =>
            ['Index Scan', 'Index Only Scan', 'Bitmap Index Scan'].includes(n['Node Type']) &&
            LIST_INDEXES.includes(n['Index Name'] ?? ''),
        );
        // The plan is in the comparison so that a failure shows it.
        const described = JSON.stringify(plan, null, 1);
        expect({ query, seqScans: seqScans.length, plan: described }).toEqual({
          query,
          seqScans: 0,
          plan: described,
        });
        expect({ query, usesListIndex: listIndexScans.length > 0, plan: described }).toEqual({
          query,
          usesListIndex: true,
          plan: described,
        });
      }
    });

    it('returns the first page of 50, each visible to the council, newest first', async () => {
      const { sql, params } = listSql();
      const rows = await queryAs<{ id: string }>(t.db.appUrl, asLeeds(), sql, params);
      expect(rows).toHaveLength(51);
      // What the council may see, stated through its memberships rather than the list's condition.
      const expected = await queryAs<{ id: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT w.id FROM workstreams w
          WHERE w.owner_council_id = $1
             OR EXISTS (SELECT 1 FROM partnership_members m WHERE m.partnership_id = w.partnership_id
                           AND m.council_id = $1 AND m.left_on IS NULL)
          ORDER BY w.updated_at DESC, w.id DESC LIMIT 50`,
        [leeds],
      );
      expect(rows.slice(0, 50).map((r) => r.id)).toEqual(expected.map((r) => r.id));
      const [{ privateRows }] = await queryAs<{ privateRows: number }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*)::int AS "privateRows" FROM workstreams WHERE id = ANY ($1::uuid[]) AND owner_council_id = $2`,
        [rows.map((r) => r.id), leeds],
      );
      expect(privateRows).toBeGreaterThan(0);
    });

    it('serves the same page through the API', async () => {
      const res = await call(t, officerLeeds, 'get', '/workstreams', undefined, 200);
      const { sql, params } = listSql();
      const rows = await queryAs<{ id: string }>(t.db.appUrl, asLeeds(), sql, params);
      expect(res.body.data).toHaveLength(50);
      expect(res.body.data.map((w: Listed) => w.id)).toEqual(rows.slice(0, 50).map((r) => r.id));
    });
  });
});

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}
interface PlanRoot {
  Plan: PlanNode;
}

function flatten(node: PlanNode): PlanNode[] {
  return [node, ...(node.Plans ?? []).flatMap(flatten)];
}

/**
 * As the owner (bulk data only; the assertions run as the application role): 200
 * partnerships administered by one council, `councilId` a current member of every fourth
 * (50), and 100,000 workstreams, ten at a time per partnership in turn, one in ten private
 * (a quarter of those to `councilId`), updated a second apart. Returns `councilId`'s
 * partnerships.
 */
async function generate(
  ownerUrl: string,
  councils: { councilId: string; administeringCouncilId: string; otherCouncilIds: string[] },
): Promise<string[]> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    // Row-level security is forced on the owner too.
    await beginAs(client, PLATFORM_ADMIN_SETTINGS);
    const partnerships = await client.query<{ id: string; n: number }>(
      `INSERT INTO partnerships (name, kind)
       SELECT 'Generated partnership ' || n, 'other' FROM generate_series(1, $1::int) n
       RETURNING id, substr(name, 23)::int AS n`,
      [PARTNERSHIPS],
    );
    const ordered = partnerships.rows.sort((a, b) => a.n - b.n).map((r) => r.id);
    const memberOf = ordered.filter((_, i) => i % 4 === 0);
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $2, 'administering' FROM unnest($1::uuid[]) p`,
      [ordered, councils.administeringCouncilId],
    );
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $2, 'member' FROM unnest($1::uuid[]) p`,
      [memberOf, councils.councilId],
    );
    await client.query(
      `INSERT INTO workstreams (partnership_id, owner_council_id, title, service_area,
                                lead_council_ids, current_rag, updated_at)
       SELECT CASE WHEN private THEN NULL ELSE ($1::uuid[])[1 + (i / 10) % array_length($1::uuid[], 1)] END,
              owner,
              'Generated workstream ' || i, 'other',
              CASE WHEN private THEN ARRAY[owner] ELSE ARRAY[$3::uuid] END,
              (ARRAY['red', 'amber', 'green', NULL])[1 + i % 4],
              now() - make_interval(secs => i)
         FROM generate_series(1, $2::int) i,
              LATERAL (SELECT i % 10 = 3 AS private) kind,
              LATERAL (SELECT CASE WHEN NOT private THEN NULL
                                   WHEN i % 40 = 3 THEN $4::uuid
                                   ELSE ($5::uuid[])[1 + (i / 40) % array_length($5::uuid[], 1)] END AS owner) o`,
      [
        ordered,
        WORKSTREAMS,
        councils.administeringCouncilId,
        councils.councilId,
        councils.otherCouncilIds,
      ],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return memberOf;
  } finally {
    await client.end();
  }
}
