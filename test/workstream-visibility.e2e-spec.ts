import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { WhatEachCouncilSees1764050000000 } from '../migrations/1764050000000-what-each-council-sees';
import { TakingPartCounted1764080000000 } from '../migrations/1764080000000-taking-part-counted';
import { TenantSettings } from '../src/tenancy/request-context';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const GLASGOW = 'S12000049';
const NORTH_LANARKSHIRE = 'S12000050';
const INVERCLYDE = 'S12000018';
const WEST_DUNBARTONSHIRE = 'S12000039';
const RENFREWSHIRE = 'S12000038';
const BANES = 'E06000022';

/** A row of `workstream_visibility`, or the row the rule says it should hold. */
interface VisibilityRow {
  councilId: string;
  workstreamId: string;
  partnershipId: string | null;
  ownerCouncilId: string | null;
  updatedAt: string;
  rag: string | null;
  serviceArea: string;
  phase: string;
  leads: boolean;
  /** What the dashboard counts, kept on the row: the council's part, open milestones' due dates, open high risks. */
  part?: string | null;
  openMilestoneDues?: string[];
  openHighRisks?: number;
}

/** The records each row counts: participations by "workstream council", open dues, high risks. */
interface Counted {
  parts: Map<string, string>;
  dues: Map<string, string[]>;
  risks: Map<string, number>;
}

interface StoredWorkstream {
  id: string;
  partnershipId: string | null;
  ownerCouncilId: string | null;
  updatedAt: string;
  rag: string | null;
  serviceArea: string;
  phase: string;
  leadCouncilIds: string[];
}

interface Listed {
  id: string;
  rag: string | null;
  serviceArea: string;
  updatedAt: string;
  latestStatus: unknown;
}

const STAMP = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

const byKey = (a: VisibilityRow, b: VisibilityRow) =>
  `${a.councilId} ${a.workstreamId}`.localeCompare(`${b.councilId} ${b.workstreamId}`);

/** The list's order: most recently updated first, ties by id (both descending). */
const listOrder = (a: { updatedAt: string; id: string }, b: { updatedAt: string; id: string }) =>
  a.updatedAt === b.updatedAt ? (a.id < b.id ? 1 : -1) : a.updatedAt < b.updatedAt ? 1 : -1;

/**
 * `workstream_visibility` (migrations/1764050000000) holds, for every council and workstream,
 * a row exactly when the council may read the workstream: its owner council, or a current
 * member of its partnership. The rule is computed here from `workstreams` and
 * `partnership_members` as a platform admin, and compared with the table after every kind of
 * write, through the API and in racing transactions.
 */
describe('workstream_visibility: what each council sees', () => {
  let t: TestApp;
  let world: World;
  let glasgow: string;
  let lanarkshire: string;
  let inverclyde: string;
  let westDunbartonshire: string;
  let renfrewshire: string;
  let banes: string;
  let adminGlasgow: SignedIn;
  let adminLanarkshire: SignedIn;
  let adminBanes: SignedIn;
  let officerGlasgow: SignedIn;
  let officerLanarkshire: SignedIn;
  let officerInverclyde: SignedIn;
  let officerWestDunbartonshire: SignedIn;
  let officerRenfrewshire: SignedIn;
  let officerBanes: SignedIn;
  let today: string;

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    glasgow = await world.council(GLASGOW);
    lanarkshire = await world.council(NORTH_LANARKSHIRE);
    inverclyde = await world.council(INVERCLYDE);
    westDunbartonshire = await world.council(WEST_DUNBARTONSHIRE);
    renfrewshire = await world.council(RENFREWSHIRE);
    banes = await world.council(BANES);
    adminGlasgow = await world.user(glasgow, 'council_admin');
    adminLanarkshire = await world.user(lanarkshire, 'council_admin');
    adminBanes = await world.user(banes, 'council_admin');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLanarkshire = await world.user(lanarkshire, 'officer');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerWestDunbartonshire = await world.user(westDunbartonshire, 'officer');
    officerRenfrewshire = await world.user(renfrewshire, 'officer');
    officerBanes = await world.user(banes, 'officer');
    const [row] = await queryAs<{ today: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT current_date::text AS today`,
    );
    today = row.today;
  });

  afterAll(async () => {
    await t?.close();
  });

  const settingsOf = (who: SignedIn, role: string): Partial<TenantSettings> => ({
    userId: who.id,
    councilId: who.councilId ?? '',
    role,
    requestId: 'visibility-test',
  });

  /** What is stored, read as a platform admin through the application role in one transaction. */
  async function stored(): Promise<{
    workstreams: StoredWorkstream[];
    members: { partnershipId: string; councilId: string }[];
    visibility: VisibilityRow[];
    counted: Counted;
  }> {
    const client = new Client({ connectionString: t.db.appUrl });
    await client.connect();
    try {
      await beginAs(client, PLATFORM_ADMIN_SETTINGS);
      const workstreams = await client.query<StoredWorkstream>(
        `SELECT id, partnership_id AS "partnershipId", owner_council_id AS "ownerCouncilId",
                ${STAMP('updated_at')} AS "updatedAt", current_rag AS rag,
                service_area AS "serviceArea", phase,
                array_to_json(lead_council_ids) AS "leadCouncilIds"
           FROM workstreams`,
      );
      const members = await client.query<{ partnershipId: string; councilId: string }>(
        `SELECT partnership_id AS "partnershipId", council_id AS "councilId"
           FROM partnership_members WHERE left_on IS NULL`,
      );
      const visibility = await client.query<VisibilityRow>(
        `SELECT council_id AS "councilId", workstream_id AS "workstreamId",
                partnership_id AS "partnershipId", owner_council_id AS "ownerCouncilId",
                ${STAMP('updated_at')} AS "updatedAt", rag, service_area AS "serviceArea", phase, leads,
                part, array_to_json(open_milestone_dues) AS "openMilestoneDues",
                open_high_risks AS "openHighRisks"
           FROM workstream_visibility`,
      );
      // What the rows should count, from the records themselves.
      const parts = await client.query<{ w: string; c: string; status: string }>(
        `SELECT workstream_id AS w, council_id AS c, status FROM workstream_participants`,
      );
      const dues = await client.query<{ w: string; dues: string[] }>(
        `SELECT workstream_id AS w, array_to_json(array_agg(due_on::text ORDER BY due_on)) AS dues
           FROM milestones WHERE status IN ('planned', 'in_progress') GROUP BY 1`,
      );
      const risks = await client.query<{ w: string; n: number }>(
        `SELECT workstream_id AS w, count(*)::int AS n FROM risks
          WHERE status = 'open' AND likelihood * impact >= 15 GROUP BY 1`,
      );
      await client.query('COMMIT');
      return {
        workstreams: workstreams.rows,
        members: members.rows,
        visibility: visibility.rows,
        counted: {
          parts: new Map(parts.rows.map((r) => [`${r.w} ${r.c}`, r.status])),
          dues: new Map(dues.rows.map((r) => [r.w, r.dues])),
          risks: new Map(risks.rows.map((r) => [r.w, r.n])),
        },
      };
    } finally {
      await client.end();
    }
  }

  /** The rule, from the workstreams and current memberships alone. */
  function rule(
    workstreams: StoredWorkstream[],
    members: { partnershipId: string; councilId: string }[],
    counted?: Counted,
  ): VisibilityRow[] {
    const rows: VisibilityRow[] = [];
    for (const w of workstreams) {
      const readers = new Set<string>();
      if (w.ownerCouncilId) readers.add(w.ownerCouncilId);
      for (const m of members) if (m.partnershipId === w.partnershipId) readers.add(m.councilId);
      for (const councilId of readers) {
        rows.push({
          councilId,
          workstreamId: w.id,
          partnershipId: w.partnershipId,
          ownerCouncilId: w.ownerCouncilId,
          updatedAt: w.updatedAt,
          rag: w.rag,
          serviceArea: w.serviceArea,
          phase: w.phase,
          leads: w.leadCouncilIds.includes(councilId),
          ...(counted && {
            part: counted.parts.get(`${w.id} ${councilId}`) ?? null,
            openMilestoneDues: counted.dues.get(w.id) ?? [],
            openHighRisks: counted.risks.get(w.id) ?? 0,
          }),
        });
      }
    }
    return rows.sort(byKey);
  }

  /** The table holds exactly the rule's rows, with the workstreams' current keys and columns. */
  async function expectVisibilityMatchesRule(): Promise<VisibilityRow[]> {
    const { workstreams, members, visibility, counted } = await stored();
    const expected = rule(workstreams, members, counted);
    expect(expected.length).toBeGreaterThan(0);
    expect([...visibility].sort(byKey)).toEqual(expected);
    return expected;
  }

  const visibleTo = (rows: VisibilityRow[], councilId: string) =>
    rows
      .filter((r) => r.councilId === councilId)
      .map((r) => ({ id: r.workstreamId, updatedAt: r.updatedAt, rag: r.rag, sa: r.serviceArea }))
      .sort(listOrder);

  const readersOf = (rows: VisibilityRow[], workstreamId: string) =>
    rows
      .filter((r) => r.workstreamId === workstreamId)
      .map((r) => r.councilId)
      .sort();

  /**
   * The workstream's latest status, by `as_at` then `seq`, as the status updates list shows it;
   * the API's `latestStatus` and the stored `latest_status` both equal it.
   */
  async function expectLatestStatus(who: SignedIn, id: string): Promise<void> {
    const updates = await call(
      t,
      who,
      'get',
      `/workstreams/${id}/status-updates?limit=100`,
      undefined,
      200,
    );
    const all = updates.body.data as {
      seq: string;
      rag: string;
      period: string;
      asAt: string;
      reason: string | null;
      createdAt: string;
    }[];
    const latest = [...all].sort((a, b) =>
      a.asAt === b.asAt ? Number(b.seq) - Number(a.seq) : a.asAt < b.asAt ? 1 : -1,
    )[0];
    const expected = latest
      ? {
          rag: latest.rag,
          period: latest.period,
          asAt: latest.asAt,
          reason: latest.reason,
          createdAt: latest.createdAt,
        }
      : null;
    const read = await call(t, who, 'get', `/workstreams/${id}`, undefined, 200);
    expect(read.body.latestStatus).toEqual(expected);
    expect(read.body.rag).toBe(latest?.rag ?? null);
    const [row] = await queryAs<{ latest: unknown; rag: string | null }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT latest_status AS latest, current_rag AS rag FROM workstreams WHERE id = $1`,
      [id],
    );
    expect(row).toEqual({ latest: expected, rag: latest?.rag ?? null });
  }

  /** Every page of `GET /workstreams` with the filters, following the cursor. */
  async function listAll(
    who: SignedIn,
    filters: Record<string, string>,
    limit: number,
  ): Promise<{ rows: Listed[]; pages: number }> {
    const rows: Listed[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs = new URLSearchParams({ ...filters, limit: String(limit) });
      if (cursor) qs.set('cursor', cursor);
      const res = await call(t, who, 'get', `/workstreams?${qs.toString()}`, undefined, 200);
      const data = res.body.data as Listed[];
      expect(data.length).toBeLessThanOrEqual(limit);
      rows.push(...data);
      cursor = res.body.nextCursor as string | null;
      pages++;
      if (pages > 100) throw new Error('the cursor never ends');
    } while (cursor);
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    return { rows, pages };
  }

  async function expectListed(
    who: SignedIn,
    filters: Record<string, string>,
    limit: number,
    expectedIds: string[],
  ): Promise<void> {
    const { rows, pages } = await listAll(who, filters, limit);
    expect(rows.map((r) => r.id)).toEqual(expectedIds);
    expect(pages).toBe(Math.max(1, Math.ceil(expectedIds.length / limit)));
  }

  const patch = async (who: SignedIn, id: string, fields: object) => {
    const current = await call(t, who, 'get', `/workstreams/${id}`, undefined, 200);
    return call(
      t,
      who,
      'patch',
      `/workstreams/${id}`,
      { ...fields, version: current.body.version as number },
      200,
    );
  };

  const statusUpdate = (who: SignedIn, id: string, rag: string, asAt?: string) =>
    call(
      t,
      who,
      'post',
      `/workstreams/${id}/status-updates`,
      { rag, period: `Period to ${asAt ?? today}`, reason: `Reported ${rag}`, asAt },
      201,
    );

  const memberId = async (partnershipId: string, councilId: string): Promise<string> => {
    const [row] = await queryAs<{ id: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      `SELECT id FROM partnership_members
        WHERE partnership_id = $1 AND council_id = $2 AND left_on IS NULL`,
      [partnershipId, councilId],
    );
    return row.id;
  };

  describe('after each kind of write', () => {
    it('holds exactly the rule after creating, updating, reporting on, joining, leaving and rejoining', async () => {
      const clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley CPP', [
        lanarkshire,
        inverclyde,
      ]);

      const own = await workstream(t, officerGlasgow, {
        title: 'Glasgow waste collection review',
        serviceArea: 'waste',
      });
      let rows = await expectVisibilityMatchesRule();
      expect(readersOf(rows, own.id)).toEqual([glasgow]);

      const shared = await workstream(t, officerGlasgow, {
        title: 'Roads maintenance consortium',
        partnershipId: clydeValley,
        leadCouncilIds: [glasgow],
        serviceArea: 'roads',
      });
      rows = await expectVisibilityMatchesRule();
      expect(readersOf(rows, shared.id)).toEqual([glasgow, lanarkshire, inverclyde].sort());

      const before = rows.find((r) => r.workstreamId === shared.id)!;
      await patch(officerGlasgow, shared.id, { title: 'Roads maintenance, one contract' });
      rows = await expectVisibilityMatchesRule();
      expect(rows.find((r) => r.workstreamId === shared.id)!.updatedAt > before.updatedAt).toBe(
        true,
      );

      await patch(officerGlasgow, shared.id, { serviceArea: 'waste' });
      rows = await expectVisibilityMatchesRule();
      expect(rows.filter((r) => r.workstreamId === shared.id).map((r) => r.serviceArea)).toEqual([
        'waste',
        'waste',
        'waste',
      ]);

      await patch(officerGlasgow, shared.id, { phase: 'research' });
      rows = await expectVisibilityMatchesRule();
      expect(new Set(rows.filter((r) => r.workstreamId === shared.id).map((r) => r.phase))).toEqual(
        new Set(['research']),
      );

      await patch(officerGlasgow, shared.id, { leadCouncilIds: [glasgow, lanarkshire] });
      rows = await expectVisibilityMatchesRule();
      expect(
        rows
          .filter((r) => r.workstreamId === shared.id && r.leads)
          .map((r) => r.councilId)
          .sort(),
      ).toEqual([glasgow, lanarkshire].sort());

      // Status updates: the latest by the date reported on (then by recording), not the last one.
      await statusUpdate(officerGlasgow, shared.id, 'red');
      rows = await expectVisibilityMatchesRule();
      await expectLatestStatus(officerInverclyde, shared.id);
      await statusUpdate(officerLanarkshire, shared.id, 'green', '2024-01-31');
      rows = await expectVisibilityMatchesRule();
      expect(rows.find((r) => r.workstreamId === shared.id)!.rag).toBe('red');
      await expectLatestStatus(officerGlasgow, shared.id);
      await statusUpdate(officerLanarkshire, shared.id, 'amber');
      rows = await expectVisibilityMatchesRule();
      expect(new Set(rows.filter((r) => r.workstreamId === shared.id).map((r) => r.rag))).toEqual(
        new Set(['amber']),
      );
      await expectLatestStatus(officerLanarkshire, shared.id);
      await statusUpdate(officerGlasgow, own.id, 'green');
      await expectVisibilityMatchesRule();
      await expectLatestStatus(officerGlasgow, own.id);
      await expectLatestStatus(officerGlasgow, shared.id);
      // The list shows the same latest status as the workstream itself.
      const listed = (await listAll(officerInverclyde, {}, 100)).rows.find(
        (r) => r.id === shared.id,
      )!;
      const read = await call(t, officerInverclyde, 'get', `/workstreams/${shared.id}`);
      expect(listed.latestStatus).toEqual(read.body.latestStatus);

      // Joining: the council gains the partnership's existing workstreams (not Glasgow's own).
      const joined = await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${clydeValley}/members`,
        { councilId: renfrewshire },
        201,
      );
      rows = await expectVisibilityMatchesRule();
      expect(visibleTo(rows, renfrewshire).map((r) => r.id)).toEqual([shared.id]);
      expect(
        (await listAll(officerRenfrewshire, {}, 10)).rows.map((r) => r.id).includes(shared.id),
      ).toBe(true);

      // Leaving: it loses them; its list no longer shows them, and reading one is 404.
      await call(
        t,
        adminGlasgow,
        'delete',
        `/partnerships/${clydeValley}/members/${joined.body.id as string}`,
        undefined,
        204,
      );
      rows = await expectVisibilityMatchesRule();
      expect(visibleTo(rows, renfrewshire)).toEqual([]);
      expect((await listAll(officerRenfrewshire, {}, 10)).rows).toEqual([]);
      const gone = await call(t, officerRenfrewshire, 'get', `/workstreams/${shared.id}`);
      expect(gone.status).toBe(404);

      // A change while it is away reaches only the members.
      await patch(officerGlasgow, shared.id, { title: 'Roads maintenance, while away' });
      rows = await expectVisibilityMatchesRule();
      expect(readersOf(rows, shared.id)).toEqual([glasgow, lanarkshire, inverclyde].sort());

      // Rejoining: it sees them again, as they are now.
      await call(
        t,
        adminGlasgow,
        'post',
        `/partnerships/${clydeValley}/members`,
        { councilId: renfrewshire },
        201,
      );
      rows = await expectVisibilityMatchesRule();
      expect(visibleTo(rows, renfrewshire).map((r) => r.id)).toEqual([shared.id]);
      const back = await call(t, officerRenfrewshire, 'get', `/workstreams/${shared.id}`);
      expect(back.status).toBe(200);
      expect(back.body.title).toBe('Roads maintenance, while away');
    });
  });

  describe('GET /workstreams for a council in several partnerships', () => {
    let expectedForInverclyde: ReturnType<typeof visibleTo>;
    let all: VisibilityRow[];

    beforeAll(async () => {
      const clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley procurement', [
        lanarkshire,
        inverclyde,
      ]);
      const roads = await partnership(t, adminLanarkshire, 'Lanarkshire and Inverclyde roads', [
        inverclyde,
      ]);
      const outside = await partnership(t, adminBanes, 'B&NES and Glasgow fleet', [glasgow]);
      const areas = ['waste', 'roads', 'ict', 'hr_payroll'];
      const rags = ['red', 'amber', 'green', null];
      let n = 0;
      const make = async (who: SignedIn, fields: Parameters<typeof workstream>[2]) => {
        const w = await workstream(t, who, { ...fields, serviceArea: areas[n % areas.length] });
        // RAG and service area vary apart, so that every pair occurs.
        const rag = rags[(n + Math.floor(n / areas.length)) % rags.length];
        n++;
        if (rag) await statusUpdate(who, w.id, rag);
      };
      for (let i = 0; i < 5; i++) {
        await make(officerGlasgow, {
          title: `Clyde Valley ${i}`,
          partnershipId: clydeValley,
          leadCouncilIds: [glasgow],
        });
        await make(officerLanarkshire, {
          title: `Roads ${i}`,
          partnershipId: roads,
          leadCouncilIds: [lanarkshire],
        });
      }
      for (let i = 0; i < 3; i++) {
        await make(officerInverclyde, { title: `Inverclyde own ${i}` });
        await make(officerLanarkshire, { title: `Lanarkshire own ${i}` });
        await make(officerBanes, {
          title: `Fleet ${i}`,
          partnershipId: outside,
          leadCouncilIds: [banes],
        });
      }
      // Three written in one transaction share one updated_at: the order falls to the id.
      const client = new Client({ connectionString: t.db.appUrl });
      await client.connect();
      try {
        await beginAs(client, settingsOf(officerLanarkshire, 'officer'));
        for (let i = 0; i < 3; i++) {
          await client.query(
            `INSERT INTO workstreams (partnership_id, title, service_area, phase, lead_council_ids)
             VALUES ($1, $2, 'waste', 'idea', ARRAY[$3::uuid])`,
            [roads, `Roads tied ${i}`, lanarkshire],
          );
        }
        await client.query('COMMIT');
      } finally {
        await client.end();
      }
      all = await expectVisibilityMatchesRule();
      expectedForInverclyde = visibleTo(all, inverclyde);
    });

    it('lists exactly what it sees, newest first (ties by id), page after page with no gap or repeat', async () => {
      const ids = expectedForInverclyde.map((r) => r.id);
      // 5 + 5 + 3 tied in its partnerships, 3 of its own (and more from earlier tests).
      expect(ids.length).toBeGreaterThanOrEqual(16);
      const tied = expectedForInverclyde.filter(
        (r, i, list) => list.findIndex((o) => o.updatedAt === r.updatedAt) !== i,
      );
      expect(tied.length).toBeGreaterThanOrEqual(2);
      for (const limit of [2, 5, 100]) {
        await expectListed(officerInverclyde, {}, limit, ids);
      }
    });

    it('filters by RAG, by no RAG and by service area as the visible set filtered by hand', async () => {
      const cases: [
        Record<string, string>,
        (r: (typeof expectedForInverclyde)[number]) => boolean,
      ][] = [
        [{ rag: 'red' }, (r) => r.rag === 'red'],
        [{ rag: 'amber' }, (r) => r.rag === 'amber'],
        [{ rag: 'green' }, (r) => r.rag === 'green'],
        [{ rag: 'none' }, (r) => r.rag === null],
        [{ serviceArea: 'waste' }, (r) => r.sa === 'waste'],
        [{ serviceArea: 'roads' }, (r) => r.sa === 'roads'],
        [{ serviceArea: 'ict', rag: 'none' }, (r) => r.sa === 'ict' && r.rag === null],
      ];
      for (const [filters, keep] of cases) {
        const expected = expectedForInverclyde.filter(keep).map((r) => r.id);
        expect(expected.length).toBeGreaterThan(0);
        await expectListed(officerInverclyde, filters, 2, expected);
      }
    });

    it("leaves a platform admin's list as it was: every workstream, in the same order", async () => {
      const { workstreams } = await stored();
      const everything = [...workstreams].sort(listOrder).map((w) => w.id);
      await expectListed(world.admin, {}, 7, everything);
      const red = [...workstreams]
        .filter((w) => w.rag === 'red')
        .sort(listOrder)
        .map((w) => w.id);
      await expectListed(world.admin, { rag: 'red' }, 3, red);
    });
  });

  describe('in the database alone', () => {
    beforeAll(async () => {
      const id = await partnership(t, adminLanarkshire, 'Lanarkshire and Inverclyde waste', [
        inverclyde,
      ]);
      await workstream(t, officerInverclyde, { title: 'Inverclyde internal audit' });
      await workstream(t, officerLanarkshire, {
        title: 'Lanarkshire internal audit',
      });
      await workstream(t, officerLanarkshire, {
        title: 'Joint waste transfer station',
        partnershipId: id,
        leadCouncilIds: [lanarkshire],
      });
    });

    it("shows the application role a council's own rows only, and a platform admin every row", async () => {
      const rows = await expectVisibilityMatchesRule();
      const officer = settingsOf(officerInverclyde, 'officer');
      const seen = await queryAs<{ councilId: string; workstreamId: string }>(
        t.db.appUrl,
        officer,
        `SELECT council_id AS "councilId", workstream_id AS "workstreamId" FROM workstream_visibility`,
      );
      const mine = rows.filter((r) => r.councilId === inverclyde);
      expect(mine.length).toBeGreaterThan(0);
      expect(seen.map((r) => r.workstreamId).sort()).toEqual(
        mine.map((r) => r.workstreamId).sort(),
      );
      expect(new Set(seen.map((r) => r.councilId))).toEqual(new Set([inverclyde]));

      const [{ n }] = await queryAs<{ n: number }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*)::int AS n FROM workstream_visibility`,
      );
      expect(n).toBe(rows.length);
      expect(new Set(rows.map((r) => r.councilId)).size).toBeGreaterThan(3);
    });

    it('refuses the application role any write to it (42501), whatever its settings', async () => {
      const [someRow] = await expectVisibilityMatchesRule();
      const refusal = async (settings: Partial<TenantSettings>, sql: string, params: unknown[]) => {
        let error: unknown;
        try {
          await queryAs(t.db.appUrl, settings, sql, params);
        } catch (e) {
          error = e;
        }
        expect(error).toMatchObject({
          code: '42501',
          message: expect.stringMatching(/permission denied for table workstream_visibility/),
        });
      };
      for (const settings of [settingsOf(officerInverclyde, 'officer'), PLATFORM_ADMIN_SETTINGS]) {
        await refusal(
          settings,
          `INSERT INTO workstream_visibility (council_id, workstream_id, updated_at, service_area, phase, leads)
           VALUES ($1, $2, now(), 'waste', 'idea', true)`,
          [inverclyde, someRow.workstreamId],
        );
        await refusal(
          settings,
          `UPDATE workstream_visibility SET leads = true WHERE council_id = $1`,
          [inverclyde],
        );
        await refusal(settings, `DELETE FROM workstream_visibility WHERE council_id = $1`, [
          inverclyde,
        ]);
      }
      expect(await expectVisibilityMatchesRule()).toEqual(await expectVisibilityMatchesRule());
    });
  });

  describe('writes at the same time', () => {
    interface Session {
      client: Client;
      pid: number;
    }
    let watcher: Client;

    beforeAll(async () => {
      watcher = new Client({ connectionString: t.db.appUrl });
      await watcher.connect();
    });

    afterAll(async () => {
      await watcher?.end();
    });

    async function open(settings: Partial<TenantSettings>): Promise<Session> {
      const client = new Client({ connectionString: t.db.appUrl });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      await beginAs(client, settings);
      return { client, pid: rows[0].pid };
    }

    /** Waits until the backend waits on an advisory lock (the migration's partnership lock). */
    async function waitsOnAdvisoryLock(pid: number): Promise<void> {
      let last: unknown;
      for (let i = 0; i < 200; i++) {
        const { rows } = await watcher.query<{ type: string | null; event: string | null }>(
          `SELECT wait_event_type AS type, wait_event AS event FROM pg_stat_activity WHERE pid = $1`,
          [pid],
        );
        last = rows[0];
        if (rows[0]?.type === 'Lock' && rows[0]?.event === 'advisory') return;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      throw new Error(`backend ${pid} never waited on the advisory lock: ${JSON.stringify(last)}`);
    }

    interface Write {
      settings: Partial<TenantSettings>;
      sql: string;
      params: unknown[];
    }

    /**
     * `first` writes in its open transaction; `second` then writes and must wait on the
     * partnership's advisory lock; `first` commits, then `second`.
     */
    async function race(first: Write, second: Write): Promise<[unknown[], unknown[]]> {
      const a = await open(first.settings);
      const b = await open(second.settings);
      try {
        const firstRows = (await a.client.query(first.sql, first.params)).rows;
        const pending = b.client.query(second.sql, second.params).then(
          (r) => ({ rows: r.rows as unknown[], error: undefined }),
          (error: Error) => ({ rows: [] as unknown[], error }),
        );
        await waitsOnAdvisoryLock(b.pid);
        await a.client.query('COMMIT');
        const secondResult = await pending;
        if (secondResult.error) throw secondResult.error;
        await b.client.query('COMMIT');
        return [firstRows, secondResult.rows];
      } finally {
        await a.client.end();
        await b.client.end();
      }
    }

    it('keeps the rule when a workstream is created in a partnership as a council joins it, in either order', async () => {
      for (const order of ['workstream first', 'join first', 'workstream first', 'join first']) {
        const id = await partnership(t, adminGlasgow, `Race to join (${order})`, [lanarkshire]);
        const create: Write = {
          settings: settingsOf(officerGlasgow, 'officer'),
          sql: `INSERT INTO workstreams (partnership_id, title, service_area, phase, lead_council_ids)
                VALUES ($1, $2, 'other', 'idea', ARRAY[$3::uuid]) RETURNING id`,
          params: [id, `Created while Renfrewshire joins (${order})`, glasgow],
        };
        const join: Write = {
          settings: settingsOf(adminGlasgow, 'council_admin'),
          sql: `INSERT INTO partnership_members (partnership_id, council_id, role)
                VALUES ($1, $2, 'member') RETURNING id`,
          params: [id, renfrewshire],
        };
        const [created] =
          order === 'workstream first'
            ? (await race(create, join))[0]
            : (await race(join, create))[1];
        const workstreamId = (created as { id: string }).id;
        const rows = await expectVisibilityMatchesRule();
        expect(readersOf(rows, workstreamId)).toEqual([glasgow, lanarkshire, renfrewshire].sort());
      }
      // And through the API, two requests at once.
      for (let i = 0; i < 3; i++) {
        const id = await partnership(t, adminGlasgow, `Race to join by HTTP ${i}`, [lanarkshire]);
        const [w] = await Promise.all([
          workstream(t, officerGlasgow, {
            title: `Created by HTTP while Inverclyde joins ${i}`,
            partnershipId: id,
            leadCouncilIds: [glasgow],
          }),
          call(
            t,
            adminGlasgow,
            'post',
            `/partnerships/${id}/members`,
            { councilId: inverclyde },
            201,
          ),
        ]);
        const rows = await expectVisibilityMatchesRule();
        expect(readersOf(rows, w.id)).toEqual([glasgow, lanarkshire, inverclyde].sort());
      }
    });

    it('keeps the rule when a workstream is updated as a council leaves its partnership, in either order', async () => {
      for (const order of ['update first', 'leave first', 'update first', 'leave first']) {
        const id = await partnership(t, adminGlasgow, `Race to leave (${order})`, [
          lanarkshire,
          renfrewshire,
        ]);
        const w = await workstream(t, officerGlasgow, {
          title: `Updated while Renfrewshire leaves (${order})`,
          partnershipId: id,
          leadCouncilIds: [glasgow],
        });
        const membership = await memberId(id, renfrewshire);
        const update: Write = {
          settings: settingsOf(officerGlasgow, 'officer'),
          sql: `UPDATE workstreams SET title = title || ' (renamed)', service_area = 'ict',
                       version = version + 1 WHERE id = $1 RETURNING id`,
          params: [w.id],
        };
        const leave: Write = {
          settings: settingsOf(adminGlasgow, 'council_admin'),
          sql: `UPDATE partnership_members SET left_on = current_date, version = version + 1
                 WHERE id = $1 RETURNING id`,
          params: [membership],
        };
        const [updated, left] =
          order === 'update first'
            ? await race(update, leave)
            : (await race(leave, update)).reverse();
        expect(updated).toHaveLength(1);
        expect(left).toHaveLength(1);
        const rows = await expectVisibilityMatchesRule();
        expect(readersOf(rows, w.id)).toEqual([glasgow, lanarkshire].sort());
        expect(
          new Set(rows.filter((r) => r.workstreamId === w.id).map((r) => r.serviceArea)),
        ).toEqual(new Set(['ict']));
      }
    });
  });

  describe('GET /dashboard', () => {
    interface Dashboard {
      workstreams: {
        total: number;
        byRag: Record<string, number>;
        byParticipation: Record<string, number>;
      };
      overdueMilestones: number;
      openHighRisks: number;
    }

    /** The dashboard as the rule and the stored records say it should read. */
    async function byHand(councilId: string, asOf: string): Promise<Dashboard> {
      const { workstreams, members } = await stored();
      const read = <T>(sql: string) =>
        queryAs<T & Record<string, unknown>>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql);
      const participants = await read<{ w: string; c: string; status: string }>(
        `SELECT workstream_id AS w, council_id AS c, status FROM workstream_participants`,
      );
      const updates = await read<{ w: string; rag: string; asAt: string; seq: string }>(
        `SELECT workstream_id AS w, rag, as_at::text AS "asAt", seq::text AS seq FROM status_updates`,
      );
      const milestones = await read<{ w: string; status: string; due: string; done: string }>(
        `SELECT workstream_id AS w, status, due_on::text AS due, completed_on::text AS done FROM milestones`,
      );
      const risks = await read<{ w: string; status: string; score: number }>(
        `SELECT workstream_id AS w, status, score FROM risks`,
      );
      const visible = rule(workstreams, members).filter((r) => r.councilId === councilId);
      const mine = visible.flatMap((v) => {
        if (v.leads) return [{ id: v.workstreamId, part: 'lead', rag: v.rag }];
        const p = participants.find((x) => x.w === v.workstreamId && x.c === councilId);
        return p ? [{ id: v.workstreamId, part: p.status, rag: v.rag }] : [];
      });
      const ragAt = (id: string, current: string | null) => {
        if (asOf >= today) return current;
        const then = updates
          .filter((u) => u.w === id && u.asAt <= asOf)
          .sort((a, b) =>
            a.asAt === b.asAt ? Number(b.seq) - Number(a.seq) : a.asAt < b.asAt ? 1 : -1,
          )[0];
        return then?.rag ?? null;
      };
      const count = <T extends string>(values: T[], keys: string[]) =>
        Object.fromEntries(keys.map((k) => [k, values.filter((v) => v === k).length]));
      const ids = new Set(mine.map((m) => m.id));
      return {
        workstreams: {
          total: mine.length,
          byRag: count(
            mine.map((m) => ragAt(m.id, m.rag) ?? 'none'),
            ['red', 'amber', 'green', 'none'],
          ),
          byParticipation: count(
            mine.map((m) => m.part),
            ['lead', 'interested', 'committed', 'declined', 'not_participating'],
          ),
        },
        overdueMilestones: milestones.filter(
          (m) =>
            ids.has(m.w) &&
            m.due < asOf &&
            (['planned', 'in_progress'].includes(m.status) ||
              (m.status === 'done' && m.done > asOf)),
        ).length,
        openHighRisks: risks.filter((r) => ids.has(r.w) && r.status === 'open' && r.score >= 15)
          .length,
      };
    }

    async function dashboard(who: SignedIn, query: string): Promise<Dashboard> {
      const res = await call(t, who, 'get', `/dashboard?${query}`, undefined, 200);
      const body = res.body as Dashboard;
      return {
        workstreams: {
          total: body.workstreams.total,
          byRag: body.workstreams.byRag,
          byParticipation: body.workstreams.byParticipation,
        },
        overdueMilestones: body.overdueMilestones,
        openHighRisks: body.openHighRisks,
      };
    }

    it('counts what a council leads and takes part in as the rule says, before and after it leaves a partnership', async () => {
      const wd = officerWestDunbartonshire;
      const clydebank = await partnership(t, adminGlasgow, 'Glasgow and West Dunbartonshire', [
        westDunbartonshire,
        lanarkshire,
      ]);
      const lanark = await partnership(t, adminLanarkshire, 'Lanarkshire and West Dunbartonshire', [
        westDunbartonshire,
      ]);
      const takesPart = await workstream(t, officerGlasgow, {
        title: 'Property and hubs in Clydebank',
        partnershipId: clydebank,
        leadCouncilIds: [glasgow],
      });
      const onlySees = await workstream(t, officerGlasgow, {
        title: 'Glasgow-led fleet review',
        partnershipId: clydebank,
        leadCouncilIds: [glasgow],
      });
      const leads = await workstream(t, officerLanarkshire, {
        title: 'Joint ICT',
        partnershipId: lanark,
        leadCouncilIds: [westDunbartonshire],
      });
      const ownsIt = await workstream(t, wd, { title: 'West Dunbartonshire internal audit' });
      await call(
        t,
        wd,
        'post',
        `/workstreams/${takesPart.id}/participants`,
        { status: 'interested' },
        201,
      );
      await statusUpdate(officerGlasgow, takesPart.id, 'green', '2024-04-01');
      await statusUpdate(officerGlasgow, takesPart.id, 'amber');
      await statusUpdate(wd, leads.id, 'red');
      await statusUpdate(officerGlasgow, onlySees.id, 'red');

      const milestone = (who: SignedIn, id: string, body: object) =>
        call(t, who, 'post', `/workstreams/${id}/milestones`, body, 201);
      await milestone(officerGlasgow, takesPart.id, { title: 'Survey', dueOn: '2020-01-01' });
      // Done late: overdue from its due date until it was done.
      await milestone(officerGlasgow, takesPart.id, {
        title: 'Lease signed',
        dueOn: '2024-03-01',
        status: 'done',
        completedOn: '2024-06-01',
      });
      await milestone(officerGlasgow, takesPart.id, {
        title: 'Designs',
        dueOn: '2024-03-01',
        status: 'done',
        completedOn: '2024-02-01',
      });
      await milestone(wd, leads.id, {
        title: 'Network',
        dueOn: '2024-01-01',
        status: 'in_progress',
      });
      await milestone(wd, leads.id, { title: 'Go live', dueOn: '2099-01-01' });
      await milestone(officerGlasgow, onlySees.id, { title: 'Not ours', dueOn: '2020-01-01' });
      const risk = (who: SignedIn, id: string, body: object) =>
        call(t, who, 'post', `/workstreams/${id}/risks`, { description: 'Risk', ...body }, 201);
      await risk(officerGlasgow, takesPart.id, { likelihood: 4, impact: 4 });
      await risk(wd, leads.id, { likelihood: 5, impact: 3 });
      await risk(wd, leads.id, { likelihood: 5, impact: 5, status: 'mitigated' });
      await risk(wd, ownsIt.id, { likelihood: 2, impact: 2 });
      await risk(officerGlasgow, onlySees.id, { likelihood: 5, impact: 5 });
      await expectVisibilityMatchesRule();

      const then = '2024-04-15';
      const beforeToday = await byHand(westDunbartonshire, today);
      const beforeThen = await byHand(westDunbartonshire, then);
      // The hand count itself, as the records above say.
      expect(beforeToday).toMatchObject({
        workstreams: { total: 3, byRag: { red: 1, amber: 1, green: 0, none: 1 } },
        overdueMilestones: 2,
        openHighRisks: 2,
      });
      expect(beforeThen).toMatchObject({
        workstreams: { total: 3, byRag: { red: 0, amber: 0, green: 1, none: 2 } },
        overdueMilestones: 3,
      });
      expect(await dashboard(wd, '')).toEqual(beforeToday);
      expect(await dashboard(wd, `asOf=${then}`)).toEqual(beforeThen);
      expect(await dashboard(world.admin, `councilId=${westDunbartonshire}&asOf=${then}`)).toEqual(
        beforeThen,
      );

      await call(
        t,
        adminGlasgow,
        'delete',
        `/partnerships/${clydebank}/members/${await memberId(clydebank, westDunbartonshire)}`,
        undefined,
        204,
      );
      await expectVisibilityMatchesRule();
      const afterToday = await byHand(westDunbartonshire, today);
      const afterThen = await byHand(westDunbartonshire, then);
      expect(afterToday).toMatchObject({
        workstreams: { total: 2, byRag: { red: 1, amber: 0, none: 1 } },
        overdueMilestones: 1,
        openHighRisks: 1,
      });
      expect(await dashboard(wd, '')).toEqual(afterToday);
      expect(await dashboard(wd, `asOf=${then}`)).toEqual(afterThen);
      expect(await dashboard(world.admin, `councilId=${westDunbartonshire}`)).toEqual(afterToday);
    });
  });

  /**
   * Last, since it re-runs the migration: on a database that already holds workstreams and
   * status updates (an upgrade), the migration must fill both copies from what is there.
   */
  describe('the migration on a database with data', () => {
    it('fills workstream_visibility and latest_status from the existing rows', async () => {
      const { workstreams } = await stored();
      const reported = workstreams.filter((w) => w.rag !== null);
      expect(reported.length).toBeGreaterThan(0);
      // The owner (who runs migrations) is under forced row-level security and, with no
      // app settings, reads no status update: the reason a backfill must open a policy first.
      const owner = new Client({ connectionString: t.db.ownerUrl });
      await owner.connect();
      try {
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM status_updates`,
        );
        expect(rows[0].n).toBe(0);
      } finally {
        await owner.end();
      }
      const source = new DataSource({ type: 'postgres', url: t.db.ownerUrl });
      await source.initialize();
      const runner = source.createQueryRunner();
      try {
        // The table's migration and the one that adds to it, undone and done again in order.
        const migrations = [
          new WhatEachCouncilSees1764050000000(),
          new TakingPartCounted1764080000000(),
        ];
        await runner.startTransaction();
        for (const migration of [...migrations].reverse()) await migration.down(runner);
        for (const migration of migrations) await migration.up(runner);
        await runner.commitTransaction();
      } finally {
        if (runner.isTransactionActive) await runner.rollbackTransaction();
        await runner.release();
        await source.destroy();
      }
      await expectVisibilityMatchesRule();
      const [{ missing }] = await queryAs<{ missing: number }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT count(*)::int AS missing FROM workstreams
          WHERE current_rag IS NOT NULL AND latest_status IS NULL`,
      );
      expect({ reported: reported.length, missingLatestStatus: missing }).toEqual({
        reported: reported.length,
        missingLatestStatus: 0,
      });
      // What a user then reads: the workstream's RAG, but no latest status.
      await expectLatestStatus(
        officerGlasgow,
        reported.find((w) => w.ownerCouncilId === glasgow)!.id,
      );
    });
  });
});
