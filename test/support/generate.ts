/**
 * Generates a large, realistic set of partnerships and workstreams in SQL, as the owner, for
 * the benchmark and the EXPLAIN test: one council that is a current member of `memberOf`
 * of `partnerships` partnerships, and `workstreams` workstreams spread over all of them
 * (one in ten private to some council), with RAG statuses. Row-level security is forced on
 * the owner too, so the inserts run as a platform admin; the audit triggers are left on.
 */
import { Client } from 'pg';
import { withClient } from '../../src/database/database-urls';
import { PLATFORM_ADMIN_SETTINGS, beginAs } from './test-database';

export interface Generated {
  councilId: string;
  partnershipIds: string[];
}

export async function generateWorkstreams(
  ownerUrl: string,
  secret: string,
  size: {
    partnerships: number;
    memberOf: number;
    workstreams: number;
    /** Per workstream: milestones (half of them overdue), status updates and risks (default 0). */
    children?: { milestones: number; statusUpdates: number; risks: number };
    /** One in this many shared workstreams is led by the council too (default: none). */
    leadsOneIn?: number;
  },
): Promise<Generated> {
  return withClient(ownerUrl, async (client) => {
    await beginAs(client, PLATFORM_ADMIN_SETTINGS, secret);
    const councils = await client.query<{ id: string }>(
      `INSERT INTO councils (name, slug, gss_code, type, nation)
       SELECT 'Generated council ' || i, 'generated-' || i, 'X' || lpad(i::text, 8, '0'), 'unitary', 'England'
         FROM generate_series(1, 40) i RETURNING id`,
    );
    const councilIds = councils.rows.map((r) => r.id);
    const partnerships = await client.query<{ id: string }>(
      `INSERT INTO partnerships (name, kind) SELECT 'Generated partnership ' || i, 'other'
         FROM generate_series(1, $1::int) i RETURNING id`,
      [size.partnerships],
    );
    const partnershipIds = partnerships.rows.map((r) => r.id);
    const [councilId, ...others] = councilIds;
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $1, 'member' FROM unnest($2::uuid[]) p`,
      [councilId, partnershipIds.slice(0, size.memberOf)],
    );
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $1, 'administering' FROM unnest($2::uuid[]) p`,
      [others[0], partnershipIds],
    );
    await client.query(
      `INSERT INTO workstreams (partnership_id, owner_council_id, title, service_area, lead_council_ids,
                                current_rag, updated_at)
       SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE ($1::uuid[])[1 + i % array_length($1::uuid[], 1)] END,
              CASE WHEN i % 10 = 0 THEN c ELSE NULL END,
              'Generated workstream ' || i, 'other',
              CASE WHEN i % 10 = 0 THEN ARRAY[c]
                   WHEN $5::int > 0 AND i % $5::int = 1 AND i % array_length($1::uuid[], 1) < $7::int
                     THEN ARRAY[$3::uuid, $6::uuid]
                   ELSE ARRAY[$3::uuid] END,
              (ARRAY['red', 'amber', 'green', NULL])[1 + i % 4],
              now() - make_interval(secs => i)
         FROM generate_series(1, $2::int) i,
              LATERAL (SELECT ($4::uuid[])[1 + i % array_length($4::uuid[], 1)] AS c) owner`,
      [
        partnershipIds,
        size.workstreams,
        others[0],
        councilIds,
        size.leadsOneIn ?? 0,
        councilId,
        size.memberOf,
      ],
    );
    const children = size.children;
    if (children) {
      // Milestones due over the last and next year (every other one overdue and open), a few
      // status updates reported over the last months, and risks of every score.
      await client.query(
        `INSERT INTO milestones (workstream_id, title, due_on, status, completed_on)
         SELECT w.id, 'Milestone ' || n, current_date + (n * 37 % 700 - 350),
                CASE WHEN n % 2 = 0 THEN 'planned' ELSE 'done' END,
                CASE WHEN n % 2 = 0 THEN NULL ELSE least(current_date, current_date + (n * 37 % 700 - 350)) END
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.milestones],
      );
      await client.query(
        `INSERT INTO status_updates (workstream_id, rag, period, reason, as_at)
         SELECT w.id, (ARRAY['red', 'amber', 'green'])[1 + (n + abs(hashtext(w.id::text) % 3)) % 3], 'Month ' || n,
                'Generated', current_date - n * 30
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.statusUpdates],
      );
      await client.query(
        `INSERT INTO risks (workstream_id, description, likelihood, impact)
         SELECT w.id, 'Risk ' || n, 1 + n % 5, 1 + (n * 3) % 5
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.risks],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return { councilId, partnershipIds };
  });
}

/** The sizes `npm run bench -- --scale` knows: about 10k, 100k and 1M workstreams. */
export type Scale = 'small' | 'large' | 'huge';

export const SCALE_WORKSTREAMS: Record<Scale, number> = {
  small: 10_000,
  large: 100_000,
  huge: 1_000_000,
};

export interface GeneratedAtScale {
  councilId: string;
  /** Workstreams, milestones, status updates, … as inserted. */
  rows: Record<string, number>;
  seconds: number;
}

/** The tables the bulk step fills with their triggers off, and the triggers it stands in for. */
const BULK_TRIGGERS: Record<string, string[]> = {
  workstreams: [
    'workstreams_updated_at', // BEFORE UPDATE only
    'workstreams_audit', // the insert events are written below
    'workstreams_lead_officer', // no lead officer is set
    'workstreams_leads', // leads are current members of the partnership (or the owner)
    'workstreams_phase_rule', // every phase is an early one
    'workstreams_visibility', // DERIVED below: workstream_visibility
  ],
  status_updates: [
    'status_updates_audit',
    'status_updates_keys',
    'status_updates_latest', // current_rag, updated_at (and DERIVED latest_status) set below
    'status_updates_not_ahead', // as_at is never after today
  ],
  milestones: [
    'milestones_updated_at',
    'milestones_audit',
    'milestones_keys',
    'milestones_completed_today', // completed_on is given for every done milestone
    'milestones_counts', // DERIVED below: workstream_visibility's open_milestone_dues
  ],
  key_actions: ['key_actions_updated_at', 'key_actions_audit', 'key_actions_keys'],
  risks: ['risks_updated_at', 'risks_audit', 'risks_keys', 'risks_counts'],
  workstream_participants: [
    'workstream_participants_updated_at',
    'workstream_participants_audit',
    'workstream_participants_keys',
    'workstream_participants_on_behalf', // recorded_by_platform_admin keeps its default, false
    'workstream_participants_commitment', // nobody is committed (no approved business cases)
    'workstream_participants_visibility', // DERIVED below: workstream_visibility's part
  ],
  savings_lines: [
    'savings_lines_updated_at',
    'savings_lines_audit',
    'savings_lines_keys',
    'savings_lines_on_behalf',
    'savings_lines_sums', // DERIVED below: savings_sums
  ],
  audit_events: ['audit_events_append_only'],
  workstream_visibility: ['workstream_visibility_part'], // DERIVED below fills part itself
};

/**
 * Data that triggers keep and that exists only in some versions of the schema: each is filled
 * when its table or column is there, as its migration's backfill fills it.
 */
const DERIVED: { name: string; present: string; fill: string }[] = [
  {
    name: 'workstreams.latest_status',
    present: `SELECT 1 FROM information_schema.columns
               WHERE table_name = 'workstreams' AND column_name = 'latest_status'`,
    fill: `UPDATE workstreams w SET latest_status = (
             SELECT status_update_json(s) FROM status_updates s WHERE s.workstream_id = w.id
              ORDER BY s.as_at DESC, s.seq DESC LIMIT 1)
            WHERE w.id IN (SELECT id FROM gen_ws) AND w.current_rag IS NOT NULL`,
  },
  {
    name: 'workstream_visibility',
    present: `SELECT 1 FROM information_schema.tables WHERE table_name = 'workstream_visibility'`,
    // As the migration's backfill: the readers, and what the dashboard counts of each workstream.
    fill: `WITH counts AS (
             SELECT w.id, coalesce(m.dues, '{}') AS dues, coalesce(r.high, 0) AS high
               FROM workstreams w
               LEFT JOIN (SELECT workstream_id, array_agg(due_on ORDER BY due_on) AS dues FROM milestones
                           WHERE status IN ('planned', 'in_progress') GROUP BY 1) m ON m.workstream_id = w.id
               LEFT JOIN (SELECT workstream_id, count(*)::int AS high FROM risks
                           WHERE status = 'open' AND score >= 15 GROUP BY 1) r ON r.workstream_id = w.id
              WHERE w.id IN (SELECT id FROM gen_ws))
           INSERT INTO workstream_visibility (council_id, workstream_id, partnership_id, owner_council_id,
                                              updated_at, rag, service_area, phase, leads,
                                              open_milestone_dues, open_high_risks, part)
           SELECT r, w.id, w.partnership_id, w.owner_council_id, w.updated_at, w.current_rag, w.service_area,
                  w.phase, r = ANY (w.lead_council_ids), c.dues, c.high,
                  (SELECT p.status FROM workstream_participants p WHERE p.workstream_id = w.id AND p.council_id = r)
             FROM counts c JOIN workstreams w ON w.id = c.id CROSS JOIN LATERAL workstream_readers(w) r`,
  },
  {
    name: 'savings_sums',
    present: `SELECT 1 FROM information_schema.tables WHERE table_name = 'savings_sums'`,
    // As the migration's backfill, added to the sums of what was there before.
    fill: `INSERT INTO savings_sums AS t (partnership_id, owner_council_id, financial_year, planned_pence,
                                      realised_pence, cashable_planned_pence, cashable_realised_pence, lines)
           SELECT partnership_id, owner_council_id, financial_year,
                  sum(planned_pence), sum(realised_pence),
                  coalesce(sum(planned_pence) FILTER (WHERE cashable), 0),
                  coalesce(sum(realised_pence) FILTER (WHERE cashable), 0), count(*)
             FROM savings_lines WHERE workstream_id IN (SELECT id FROM gen_ws) GROUP BY 1, 2, 3
           ON CONFLICT (partnership_id, owner_council_id, financial_year) DO UPDATE SET
             planned_pence = t.planned_pence + EXCLUDED.planned_pence,
             realised_pence = t.realised_pence + EXCLUDED.realised_pence,
             cashable_planned_pence = t.cashable_planned_pence + EXCLUDED.cashable_planned_pence,
             cashable_realised_pence = t.cashable_realised_pence + EXCLUDED.cashable_realised_pence,
             lines = t.lines + EXCLUDED.lines`,
  },
];

/** A small seeded generator (mulberry32), so the same scale always gives the same shape. */
function seeded(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Membership {
  partnership: number;
  councils: number[];
}

/**
 * Who is in which partnership: partnerships of 3 to 30 councils, drawn with a skew so some
 * councils sit in many; council 0 (the benchmark's) in `memberOf` of them, the largest among
 * them. Council 1 administers nothing; each partnership's first member administers it.
 */
function memberships(partnerships: number, councils: number, memberOf: number): Membership[] {
  const random = seeded(16);
  const benchEvery = Math.max(1, Math.floor(partnerships / memberOf));
  return Array.from({ length: partnerships }, (_, p) => {
    const size = 3 + Math.floor(27 * random() ** 3);
    const chosen = new Set<number>();
    while (chosen.size < size) chosen.add(1 + Math.floor((councils - 1) * random() ** 2));
    const members = [...chosen];
    if (p % benchEvery === 0 && p / benchEvery < memberOf) members.push(0);
    return { partnership: p, councils: members };
  });
}

/**
 * Generates `scale` in SQL, fast: councils, partnerships and their members (few rows) through
 * the normal triggers as a platform admin; workstreams and their records (millions of rows) in
 * bulk with the tables' triggers off, filling every column those triggers fill (the records'
 * `partnership_id`/`owner_council_id`, the workstream's `current_rag` and `updated_at` from its
 * latest status update, completion dates) and the audit events of the inserts. With a
 * superuser URL the bulk step runs under `session_replication_role = replica` (no triggers,
 * no foreign-key checks); otherwise as the owner, disabling the tables' user triggers and
 * opening row-level security to itself for the transaction, as the migrations do.
 *
 * Shape per workstream: 10 milestones (half due in the past, a quarter of those still open:
 * overdue), 10.5 status updates on average (one in twenty has none, one in ten has twenty), 3
 * key actions, 2 risks, participants among the partnership's members, savings lines for two
 * in five. Partnership sizes and workstream counts are skewed: a few partnerships hold
 * thousands of workstreams. The benchmark council (the answer's `councilId`) is a member of
 * 30 partnerships and leads about one in eight of their workstreams.
 */
export async function generateAtScale(
  urls: { ownerUrl: string; superuserUrl?: string },
  secret: string,
  scale: Scale,
): Promise<GeneratedAtScale> {
  const started = Date.now();
  const workstreams = SCALE_WORKSTREAMS[scale];
  const partnerships = Math.max(60, Math.round(workstreams / 200));
  const councilCount = 400;
  const members = memberships(partnerships, councilCount, 30);
  const { councilIds, partnershipIds } = await withClient(urls.ownerUrl, (client) =>
    insertTenancy(client, secret, councilCount, members),
  );
  const rows = await withClient(urls.superuserUrl ?? urls.ownerUrl, async (client) => {
    await client.query('START TRANSACTION');
    await triggersOff(client, Boolean(urls.superuserUrl));
    await stageWorkstreams(client, workstreams, members, councilIds, partnershipIds);
    const counts = await insertBulk(client, councilIds[0]);
    await triggersOn(client, Boolean(urls.superuserUrl));
    await client.query('COMMIT');
    return counts;
  });
  return { councilId: councilIds[0], rows, seconds: (Date.now() - started) / 1000 };
}

async function insertTenancy(
  client: Client,
  secret: string,
  councilCount: number,
  members: Membership[],
): Promise<{ councilIds: string[]; partnershipIds: string[] }> {
  await beginAs(client, PLATFORM_ADMIN_SETTINGS, secret);
  const councils = await client.query<{ id: string }>(
    `INSERT INTO councils (name, slug, gss_code, type, nation)
     SELECT 'Bench council ' || i, 'bench-council-' || i, 'B' || lpad(i::text, 8, '0'), 'unitary', 'England'
       FROM generate_series(1, $1::int) i ORDER BY i RETURNING id`,
    [councilCount],
  );
  const councilIds = councils.rows.map((r) => r.id);
  const created = await client.query<{ id: string }>(
    `INSERT INTO partnerships (name, kind)
     SELECT 'Bench partnership ' || i, (ARRAY['community_planning_partnership', 'joint_committee',
            'bilateral_cooperation', 'other'])[1 + i % 4]
       FROM generate_series(1, $1::int) i ORDER BY i RETURNING id`,
    [members.length],
  );
  const partnershipIds = created.rows.map((r) => r.id);
  const pairs = members.flatMap((m) =>
    m.councils.map((c, i) => [partnershipIds[m.partnership], councilIds[c], i === 0] as const),
  );
  await client.query(
    `INSERT INTO partnership_members (partnership_id, council_id, role, joined_on)
     SELECT p, c, CASE WHEN a THEN 'administering' ELSE 'member' END, current_date - 400
       FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) AS m(p, c, a)`,
    [pairs.map((x) => x[0]), pairs.map((x) => x[1]), pairs.map((x) => x[2])],
  );
  await client.query('COMMIT');
  return { councilIds, partnershipIds };
}

async function bulkTables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ table: string; trigger: string }>(
    `SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
      WHERE NOT t.tgisinternal AND c.relname = ANY ($1) ORDER BY 1, 2`,
    [Object.keys(BULK_TRIGGERS)],
  );
  // A trigger this generator does not know fills something it does not: say so loudly.
  const unknown = rows.filter((r) => !BULK_TRIGGERS[r.table]?.includes(r.trigger));
  if (unknown.length) {
    process.stderr.write(
      `WARNING: generateAtScale does not stand in for trigger(s) ${unknown
        .map((r) => `${r.table}.${r.trigger}`)
        .join(', ')}: the generated rows lack what they maintain (test/support/generate.ts)\n`,
    );
  }
  return Object.keys(BULK_TRIGGERS);
}

async function triggersOff(client: Client, superuser: boolean): Promise<void> {
  const tables = await bulkTables(client);
  if (superuser) {
    await client.query('SET LOCAL session_replication_role = replica');
    return;
  }
  for (const table of tables) {
    await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    await client.query(
      `CREATE POLICY bench_generate ON ${table} FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );
  }
}

async function triggersOn(client: Client, superuser: boolean): Promise<void> {
  if (superuser) return; // SET LOCAL ends with the transaction
  for (const table of Object.keys(BULK_TRIGGERS)) {
    await client.query(`DROP POLICY bench_generate ON ${table}`);
    await client.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
}

/**
 * One row per workstream, with what its records copy: keys, leads, its last report's time and
 * RAG, how many status updates it has. Council 0 of `members` is the benchmark's.
 */
async function stageWorkstreams(
  client: Client,
  workstreams: number,
  members: Membership[],
  councilIds: string[],
  partnershipIds: string[],
): Promise<void> {
  await client.query('SELECT setseed(0.16)');
  await client.query(
    `CREATE TEMP TABLE gen_partnerships ON COMMIT DROP AS
     SELECT n, id, bench, others FROM unnest($1::int[], $2::uuid[], $3::boolean[], $4::text[])
              AS p(n, id, bench, others_text),
            LATERAL (SELECT others_text::uuid[] AS others) o`,
    [
      members.map((m) => m.partnership),
      members.map((m) => partnershipIds[m.partnership]),
      members.map((m) => m.councils.includes(0)),
      members.map(
        (m) =>
          `{${m.councils
            .filter((c) => c !== 0)
            .map((c) => councilIds[c])
            .join(',')}}`,
      ),
    ],
  );
  await client.query(`CREATE INDEX ON gen_partnerships (n)`);
  await client.query(
    `CREATE TEMP TABLE gen_ws ON COMMIT DROP AS
     WITH draws AS MATERIALIZED (
       SELECT i, random() AS r_kind, random() AS r_p, random() AS r_lead, random() AS r_bench,
              random() AS r_area, random() AS r_touch, random() AS r_rag
         FROM generate_series(1, $1::int) i)
     SELECT d.i, gen_random_uuid() AS id,
            CASE WHEN d.r_kind >= 0.1 THEN p.id END AS partnership_id,
            CASE WHEN d.r_kind < 0.1 THEN ($3::uuid[])[1 + floor($4::int * d.r_p ^ 1.5)::int] END
              AS owner_council_id,
            CASE WHEN d.r_kind < 0.1 THEN ARRAY[($3::uuid[])[1 + floor($4::int * d.r_p ^ 1.5)::int]]
                 WHEN p.bench AND d.r_bench < 0.125
                   THEN ARRAY[$5::uuid, p.others[1 + floor(cardinality(p.others) * d.r_lead)::int]]
                 ELSE ARRAY[p.others[1 + floor(cardinality(p.others) * d.r_lead)::int]] END
              AS lead_council_ids,
            (ARRAY['waste', 'health_social_care', 'back_office', 'ict', 'roads', 'procurement',
                   'revenues_benefits', 'hr_payroll', 'property_hubs', 'workforce', 'audit',
                   'asset_management', 'access_to_services', 'charging', 'economic_strategy',
                   'social_transport_fleet', 'other'])[1 + floor(17 * d.r_area ^ 2)::int] AS service_area,
            now() - make_interval(secs => floor(d.r_touch * 90 * 86400)) AS touched_at,
            CASE WHEN d.i % 20 = 0 THEN 0 WHEN d.i % 20 IN (1, 2) THEN 20 ELSE 10 END AS reports,
            CASE WHEN d.r_rag < 0.5 THEN 'green' WHEN d.r_rag < 0.85 THEN 'amber' ELSE 'red' END AS rag
       FROM draws d
       JOIN gen_partnerships p ON p.n = floor($2::int * d.r_p ^ 2)::int`,
    [workstreams, partnershipIds.length, councilIds, councilIds.length, councilIds[0]],
  );
}

/** The bulk inserts, from `gen_ws`; answers the rows inserted per table. */
async function insertBulk(client: Client, benchCouncilId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const run = async (table: string, sql: string, params: unknown[] = []) => {
    const result = await client.query(sql, params);
    counts[table] = (counts[table] ?? 0) + (result.rowCount ?? 0);
  };
  await run(
    'workstreams',
    `INSERT INTO workstreams (id, partnership_id, owner_council_id, title, service_area, description,
                              phase, lead_council_ids, current_rag, created_at, updated_at)
     SELECT id, partnership_id, owner_council_id, 'Joint ' || replace(service_area, '_', ' ') || ' review ' || i,
            service_area, 'Generated for the benchmark', (ARRAY['idea', 'research', 'business_case'])[1 + i % 3],
            lead_council_ids, CASE WHEN reports > 0 THEN rag END,
            touched_at - make_interval(days => reports * 30 + 10),
            CASE WHEN reports > 0 THEN touched_at ELSE touched_at - make_interval(days => 10) END
       FROM gen_ws`,
  );
  // Oldest first, so `seq` follows `as_at` as it does when councils report month by month.
  await run(
    'status_updates',
    `INSERT INTO status_updates (workstream_id, partnership_id, owner_council_id, rag, period, reason,
                                 narrative, author_council_id, as_at, created_at)
     SELECT w.id, w.partnership_id, w.owner_council_id, r.rag,
            'Month to ' || to_char(w.touched_at - make_interval(days => n * 30), 'DD Mon YYYY'),
            CASE WHEN r.rag <> 'green' THEN 'Behind the agreed plan' END, 'Progress as reported',
            w.lead_council_ids[1], (w.touched_at - make_interval(days => n * 30))::date,
            w.touched_at - make_interval(days => n * 30)
       FROM gen_ws w, generate_series(0, w.reports - 1) n,
            LATERAL (SELECT CASE WHEN n = 0 THEN w.rag
                                 ELSE (ARRAY['green', 'green', 'amber', 'red'])[1 + (w.i + n) % 4] END AS rag) r
      ORDER BY w.i, n DESC`,
  );
  await run(
    'milestones',
    `INSERT INTO milestones (workstream_id, partnership_id, owner_council_id, title, due_on, status,
                             completed_on, created_at, updated_at)
     SELECT workstream_id, partnership_id, owner_council_id, 'Milestone ' || n, due_on, status,
            CASE WHEN status = 'done' THEN least(current_date, due_on + (n * 7) % 21) END, created_at, created_at
       FROM (SELECT w.id AS workstream_id, w.partnership_id, w.owner_council_id, n,
                    current_date + floor(random() * 730)::int - 365 AS due_on, random() AS r,
                    w.touched_at - make_interval(days => w.reports * 30 + 10) AS created_at
               FROM gen_ws w, generate_series(1, 10) n) m,
            LATERAL (SELECT CASE WHEN m.due_on < current_date THEN
                                   CASE WHEN m.r < 0.7 THEN 'done' WHEN m.r < 0.75 THEN 'missed'
                                        WHEN m.r < 0.9 THEN 'planned' ELSE 'in_progress' END
                                 ELSE CASE WHEN m.r < 0.7 THEN 'planned' WHEN m.r < 0.95 THEN 'in_progress'
                                           ELSE 'done' END END AS status) s`,
  );
  await run(
    'key_actions',
    `INSERT INTO key_actions (workstream_id, partnership_id, owner_council_id, action, contributors, timescale)
     SELECT w.id, w.partnership_id, w.owner_council_id, 'Action ' || n || ' of ' || w.i, 'Lead officers',
            (ARRAY['Q1', 'Q2', 'Q3', 'Q4'])[1 + n % 4]
       FROM gen_ws w, generate_series(1, 3) n`,
  );
  await run(
    'risks',
    `INSERT INTO risks (workstream_id, partnership_id, owner_council_id, description, likelihood, impact,
                        mitigation, status)
     SELECT w.id, w.partnership_id, w.owner_council_id, 'Risk ' || n, 1 + (w.i + n) % 5, 1 + (w.i * 3 + n) % 5,
            'Mitigated by the board', (ARRAY['open', 'open', 'open', 'mitigated', 'closed'])[1 + (w.i + n) % 5]
       FROM gen_ws w, generate_series(1, 2) n`,
  );
  await run(
    'workstream_participants',
    `INSERT INTO workstream_participants (workstream_id, partnership_id, owner_council_id, council_id,
                                          status, reason)
     SELECT w.id, w.partnership_id, w.owner_council_id, c.council_id, s.status,
            CASE WHEN s.status <> 'interested' THEN 'Not a priority this year' END
       FROM gen_ws w JOIN gen_partnerships p ON p.id = w.partnership_id,
            LATERAL (SELECT DISTINCT x AS council_id
                       FROM unnest(p.others || CASE WHEN p.bench THEN ARRAY[$1::uuid] ELSE '{}' END) x
                      WHERE random() < 0.3 AND NOT x = ANY (w.lead_council_ids)) c,
            LATERAL (SELECT (ARRAY['interested', 'interested', 'interested', 'declined', 'not_participating'])
                              [1 + floor(random() * 5)::int] AS status) s`,
    [benchCouncilId],
  );
  await run(
    'savings_lines',
    `INSERT INTO savings_lines (workstream_id, partnership_id, owner_council_id, council_id, financial_year,
                                planned_pence, realised_pence, cashable)
     SELECT w.id, w.partnership_id, w.owner_council_id, lead, fy, 100000 * (1 + w.i % 50),
            CASE WHEN fy = '2024-25' THEN 80000 * (1 + w.i % 50) ELSE 0 END, w.i % 3 <> 0
       FROM gen_ws w, unnest(w.lead_council_ids) lead, unnest(ARRAY['2024-25', '2025-26']) fy
      WHERE w.i % 5 < 2`,
  );
  for (const derived of DERIVED) {
    if ((await client.query(derived.present)).rowCount) await run(derived.name, derived.fill);
  }
  // The audit triggers' insert events (audit_row): the new row as JSON, its owner column.
  for (const [table, owner] of [
    ['workstreams', 'owner_council_id'],
    ['status_updates', null],
    ['workstream_participants', 'council_id'],
    ['savings_lines', 'council_id'],
  ] as const) {
    await run(
      'audit_events',
      `INSERT INTO audit_events (occurred_at, actor_council_id, council_id, action, entity_type, entity_id,
                                 after, request_id)
       SELECT t.created_at, NULL, ${owner ? `t.${owner}` : 'NULL::uuid'}, 'insert', '${table}', t.id::text,
              to_jsonb(t), 'bench-generate'
         FROM ${table} t JOIN gen_ws w ON w.id = t.${table === 'workstreams' ? 'id' : 'workstream_id'}
        ORDER BY t.created_at`,
    );
  }
  return counts;
}
