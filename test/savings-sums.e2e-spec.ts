/**
 * Savings totals are read from sums kept ahead (migration 1764120000000, README Benchmark): they
 * must equal the lines they sum for every caller and filter, after every kind of write, and
 * the sums obey the lines' own read rule in the database.
 */
import { Client } from 'pg';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, call, partnership, workstream } from './support/world';

const POUND = 100;

describe('savings totals summed ahead', () => {
  let world: World;
  let t: TestApp;
  let inverclyde: string;
  let glasgow: string;
  let leeds: string;
  let officerInverclyde: SignedIn;
  let officerGlasgow: SignedIn;
  let officerLeeds: SignedIn;
  let clydeValley: string;

  const get = (who: SignedIn, path: string) => call(t, who, 'get', path, undefined, 200);
  /** The total the service answers, and the same total added up from its own groups of lines. */
  const bothWays = async (who: SignedIn, filter: string) => {
    const totals = await get(
      who,
      `/savings/totals?groupBy=workstream,council,year&limit=200${filter}`,
    );
    expect(totals.body.nextCursor).toBeNull();
    const fields = [
      'plannedPence',
      'realisedPence',
      'cashablePlannedPence',
      'cashableRealisedPence',
    ] as const;
    const added = Object.fromEntries(
      fields.map((f) => [
        f,
        (totals.body.data as Record<string, number>[]).reduce((sum, row) => sum + row[f], 0),
      ]),
    );
    return { total: totals.body.total as Record<string, number>, added };
  };
  /** Every caller and filter: the sums agree with the lines. */
  const expectAgreement = async () => {
    const filters = [
      '',
      '&financialYear=2025-26',
      `&partnershipId=${clydeValley}`,
      '&asOf=2025-06-30',
    ];
    for (const who of [officerInverclyde, officerGlasgow, officerLeeds, world.admin]) {
      for (const filter of filters) {
        const { total, added } = await bothWays(who, filter);
        expect({ filter, total }).toEqual({ filter, total: added });
      }
    }
    // And the table as a whole against the lines, as the owner sees everything.
    const [drift] = await queryAs<{ n: string }>(
      t.db.ownerUrl,
      PLATFORM_ADMIN_SETTINGS,
      `WITH lines AS (
         SELECT partnership_id, owner_council_id, financial_year, sum(planned_pence) AS planned,
                sum(realised_pence) AS realised,
                coalesce(sum(planned_pence) FILTER (WHERE cashable), 0) AS cashable_planned,
                coalesce(sum(realised_pence) FILTER (WHERE cashable), 0) AS cashable_realised,
                count(*)::int AS lines
           FROM savings_lines GROUP BY 1, 2, 3)
       SELECT count(*) AS n FROM lines l
         FULL JOIN (SELECT * FROM savings_sums WHERE lines > 0) s
           ON s.partnership_id IS NOT DISTINCT FROM l.partnership_id
          AND s.owner_council_id IS NOT DISTINCT FROM l.owner_council_id
          AND s.financial_year = l.financial_year
        WHERE (l.planned, l.realised, l.cashable_planned, l.cashable_realised, l.lines)
              IS DISTINCT FROM (s.planned_pence, s.realised_pence, s.cashable_planned_pence,
                                s.cashable_realised_pence, s.lines)`,
    );
    expect(Number(drift.n)).toBe(0);
  };

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    inverclyde = await world.council('S12000018');
    glasgow = await world.council('S12000049');
    leeds = await world.council('E08000035');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerGlasgow = await world.user(glasgow, 'officer');
    officerLeeds = await world.user(leeds, 'officer');
    const adminGlasgow = await world.user(glasgow, 'council_admin');
    clydeValley = await partnership(t, adminGlasgow, 'Clyde Valley', [inverclyde]);
  });
  afterAll(() => t.close());

  it('equal the lines for every caller and filter after lines are added, changed and moved between years', async () => {
    const shared = await workstream(t, officerGlasgow, {
      title: 'Shared back office',
      partnershipId: clydeValley,
      leadCouncilIds: [glasgow, inverclyde],
    });
    const privateGlasgow = await workstream(t, officerGlasgow, { title: 'Glasgow payroll' });
    const privateLeeds = await workstream(t, officerLeeds, { title: 'Leeds fleet' });
    const add = (who: SignedIn, id: string, body: object) =>
      call(t, who, 'post', `/workstreams/${id}/savings`, body, 201);
    const lines = [
      await add(officerGlasgow, shared.id, {
        financialYear: '2025-26',
        plannedPence: 120_000 * POUND,
        realisedPence: 40_000 * POUND,
        cashable: true,
      }),
      await add(officerInverclyde, shared.id, {
        financialYear: '2025-26',
        plannedPence: 60_000 * POUND,
        cashable: false,
      }),
      await add(officerInverclyde, shared.id, {
        financialYear: '2026-27',
        plannedPence: 75_000 * POUND,
        cashable: true,
      }),
      await add(officerGlasgow, privateGlasgow.id, {
        financialYear: '2024-25',
        plannedPence: 9_000 * POUND,
        realisedPence: 9_000 * POUND,
        cashable: true,
      }),
      await add(officerLeeds, privateLeeds.id, {
        financialYear: '2025-26',
        plannedPence: 500_000 * POUND,
        cashable: true,
      }),
    ];
    await expectAgreement();
    // Inverclyde sees the shared lines only; Leeds its own only.
    const inverclydeTotal = (await get(officerInverclyde, '/savings/totals')).body.total;
    expect(inverclydeTotal.plannedPence).toBe(255_000 * POUND);
    expect((await get(officerLeeds, '/savings/totals')).body.total.plannedPence).toBe(
      500_000 * POUND,
    );

    // Changed amounts, and a line moved to another year.
    const [first, second] = lines;
    await call(
      t,
      officerGlasgow,
      'patch',
      `/workstreams/${shared.id}/savings/${first.body.id}`,
      {
        realisedPence: 100_000 * POUND,
        plannedPence: 130_000 * POUND,
        version: first.body.version,
      },
      200,
    );
    // What the API does not change, a correction by hand does (year and cashable): the trigger
    // keeps the sums of that too. (No role may delete a savings line.)
    await queryAs(
      t.db.ownerUrl,
      PLATFORM_ADMIN_SETTINGS,
      `UPDATE savings_lines SET financial_year = '2024-25', cashable = NOT cashable WHERE id = $1`,
      [second.body.id],
    );
    await expectAgreement();
    const byYear = await get(officerInverclyde, '/savings/totals?financialYear=2024-25');
    expect(byYear.body.total).toEqual({
      plannedPence: 60_000 * POUND,
      realisedPence: 0,
      cashablePlannedPence: 60_000 * POUND,
      cashableRealisedPence: 0,
    });
    expect((await get(officerInverclyde, '/savings/totals')).body.total.plannedPence).toBe(
      265_000 * POUND,
    );
  });

  it('are read only by the councils that may read the lines, and written by no service role', async () => {
    const client = new Client({ connectionString: t.db.appUrl });
    await client.connect();
    try {
      // Leeds, in no partnership with Glasgow: its own private sums only.
      await beginAs(client, { userId: officerLeeds.id, councilId: leeds, role: 'officer' });
      const seen = await client.query<{ partnership_id: string; owner_council_id: string }>(
        'SELECT partnership_id, owner_council_id FROM savings_sums',
      );
      expect(seen.rows.length).toBeGreaterThan(0);
      expect(seen.rows.every((r) => r.owner_council_id === leeds && !r.partnership_id)).toBe(true);
      await expect(
        client.query(`UPDATE savings_sums SET planned_pence = 0 WHERE owner_council_id = $1`, [
          leeds,
        ]),
      ).rejects.toMatchObject({ code: '42501' });
      await client.query('ROLLBACK');
      await beginAs(client, PLATFORM_ADMIN_SETTINGS);
      await expect(
        client.query(
          `INSERT INTO savings_sums (owner_council_id, financial_year, planned_pence, realised_pence,
                                     cashable_planned_pence, cashable_realised_pence, lines)
           VALUES ($1, '2030-31', 1, 0, 0, 0, 1)`,
          [leeds],
        ),
      ).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });
});
