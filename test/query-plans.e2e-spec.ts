/**
 * Query plans (issue 16): every list and aggregate the API serves, at a large scale of data,
 * planned as the service sends it.
 *
 * The data is `generateAtScale` (test/support/generate.ts) in a scratch database of its own
 * (`JWH_PLAN_SCALE`: small ≈ 10k, large ≈ 100k workstreams, the default; huge ≈ 1M). Each
 * route is requested once through the real app as an officer (or admin) of the benchmark
 * council while `pg.Client#query` records what the application role sends; the statements are
 * then replayed on a connection of their own, as the application role, inside a transaction
 * that first replays the request's proven `set_config(… 'app.proof' …)`: row-level security
 * applies exactly as it did. Each SELECT (or WITH) is planned with
 * `EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON)`, and the transaction rolled back.
 *
 * A route fails on:
 * - a `Seq Scan` of a table of more than BIG_TABLE rows (by `pg_class.reltuples` after
 *   VACUUM ANALYZE), unless the table is in SMALL_SEQ_SCANS;
 * - an `app_*` policy or helper function called in a node's condition (Filter, Join Filter,
 *   Index Cond, Recheck Cond, Hash Cond, Merge Cond) outside an InitPlan: it runs per row.
 *   Wrapped as `(SELECT app_council_id())` it is an InitPlan, computed once, and fine.
 * The failure names the statement, the node and the plan (in text). Times are printed, not
 * asserted: the targets live in the benchmark (npm run bench).
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pg from 'pg';
import { Scale, SCALE_WORKSTREAMS, generateAtScale } from './support/generate';
import { TestApp, createTestApp } from './support/test-app';
import { TEST_SECRET } from './support/test-config';
import {
  PLATFORM_ADMIN_SETTINGS,
  TestDatabase,
  createTestDatabase,
  queryAs,
} from './support/test-database';
import { SignedIn, World, bearer } from './support/world';
import request from 'supertest';
import { withClient } from '../src/database/database-urls';

const SCALE = (process.env.JWH_PLAN_SCALE ?? 'large') as Scale;
if (!(SCALE in SCALE_WORKSTREAMS)) throw new Error(`JWH_PLAN_SCALE: unknown scale ${SCALE}`);

/** A table with more rows than this may not be read by a sequential scan. */
const BIG_TABLE = 5_000;

/**
 * Tables a plan may scan sequentially although they pass BIG_TABLE at some scale, each with its
 * reason. Only small tables belong here (none, so far).
 */
const SMALL_SEQ_SCANS: Record<string, string> = {};

/** Where a node's condition is evaluated per row (a One-Time Filter runs once). */
const CONDITIONS = [
  'Filter',
  'Join Filter',
  'Index Cond',
  'Recheck Cond',
  'Hash Cond',
  'Merge Cond',
] as const;
const POLICY_CALL = /\bapp_[a-z_]+\(/g;

interface Captured {
  text: string;
  values: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Parent Relationship'?: string;
  'Subplan Name'?: string;
  'Relation Name'?: string;
  Alias?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

interface Explained {
  Plan: PlanNode;
  'Planning Time': number;
  'Execution Time': number;
}

/** A statement whose plan breaks a rule: what, where, and the plan to read it in. */
interface Violation {
  statement: number;
  problems: string[];
  sql: string;
  values: string;
  plan: string;
}

interface Timing {
  route: string;
  statements: number;
  /** Rows the statements answered: none would mean the replay saw nothing. */
  rows: number;
  'planning ms': number;
  'execution ms': number;
  'slowest statement ms': number;
  'most rows removed by a filter': number;
}

/** The records the app's connections send while `recording` is set, for the app role only. */
let recording: Captured[] | undefined;
let appRole = '';
type Query = (this: pg.Client, ...args: unknown[]) => unknown;
const clientPrototype = pg.Client.prototype as unknown as { query: Query };
const originalQuery = clientPrototype.query;

function recordQueries(): void {
  clientPrototype.query = function (this: pg.Client, ...args: unknown[]): unknown {
    if (recording && this.user === appRole) {
      const [first, second] = args;
      const config = (typeof first === 'string' ? { text: first } : first) as {
        text?: string;
        values?: unknown[];
      };
      const values = Array.isArray(second) ? (second as unknown[]) : (config.values ?? []);
      recording.push({ text: config.text ?? '', values: [...values] });
    }
    return originalQuery.apply(this, args);
  };
}

/** What a route needs: the benchmark council's ids, found after generating. */
interface Context {
  councilId: string;
  workstreamId: string;
  privateWorkstreamId: string;
  partnershipId: string;
  nextCursor: string;
  serviceArea: string;
  pastDate: string;
  officer: SignedIn;
  admin: SignedIn;
}

interface Route {
  name: string;
  path: (c: Context) => string;
  /** The council admin (audit events); the officer otherwise. */
  as?: 'admin';
}

const ROUTES: Route[] = [
  { name: 'GET /me', path: () => '/me' },
  { name: 'GET /workstreams', path: () => '/workstreams' },
  {
    name: 'GET /workstreams (next page)',
    path: (c) => `/workstreams?cursor=${encodeURIComponent(c.nextCursor)}`,
  },
  { name: 'GET /workstreams?limit=100', path: () => '/workstreams?limit=100' },
  { name: 'GET /workstreams?rag=red', path: () => '/workstreams?rag=red' },
  { name: 'GET /workstreams?rag=none', path: () => '/workstreams?rag=none' },
  {
    name: 'GET /workstreams?serviceArea=',
    path: (c) => `/workstreams?serviceArea=${c.serviceArea}`,
  },
  { name: 'GET /workstreams?phase=research', path: () => '/workstreams?phase=research' },
  { name: 'GET /workstreams?q=waste', path: () => '/workstreams?q=waste' },
  { name: 'GET /workstreams?q=<rare>', path: () => '/workstreams?q=review%2042424' },
  { name: 'GET /workstreams?councilId=', path: (c) => `/workstreams?councilId=${c.councilId}` },
  { name: 'GET /workstreams?overdue=true', path: () => '/workstreams?overdue=true' },
  {
    name: 'GET /workstreams?overdue=true&asOf=',
    path: (c) => `/workstreams?overdue=true&asOf=${c.pastDate}`,
  },
  { name: 'GET /workstreams?asOf=', path: (c) => `/workstreams?asOf=${c.pastDate}` },
  {
    name: 'GET /workstreams?partnershipId=',
    path: (c) => `/workstreams?partnershipId=${c.partnershipId}`,
  },
  {
    name: 'GET /workstreams?partnershipId=&rag=red',
    path: (c) => `/workstreams?partnershipId=${c.partnershipId}&rag=red`,
  },
  { name: 'GET /workstreams/{id}', path: (c) => `/workstreams/${c.workstreamId}` },
  {
    name: 'GET /workstreams/{id} (private)',
    path: (c) => `/workstreams/${c.privateWorkstreamId}`,
  },
  {
    name: 'GET /workstreams/{id}/phase-changes',
    path: (c) => `/workstreams/${c.workstreamId}/phase-changes`,
  },
  {
    name: 'GET /workstreams/{id}/status-updates',
    path: (c) => `/workstreams/${c.workstreamId}/status-updates`,
  },
  {
    name: 'GET /workstreams/{id}/milestones',
    path: (c) => `/workstreams/${c.workstreamId}/milestones`,
  },
  {
    name: 'GET /workstreams/{id}/milestones?asOf=',
    path: (c) => `/workstreams/${c.workstreamId}/milestones?asOf=${c.pastDate}`,
  },
  {
    name: 'GET /workstreams/{id}/actions',
    path: (c) => `/workstreams/${c.workstreamId}/actions`,
  },
  { name: 'GET /workstreams/{id}/risks', path: (c) => `/workstreams/${c.workstreamId}/risks` },
  {
    name: 'GET /workstreams/{id}/funding',
    path: (c) => `/workstreams/${c.workstreamId}/funding`,
  },
  {
    name: 'GET /workstreams/{id}/participants',
    path: (c) => `/workstreams/${c.workstreamId}/participants`,
  },
  {
    name: 'GET /workstreams/{id}/business-cases',
    path: (c) => `/workstreams/${c.workstreamId}/business-cases`,
  },
  {
    name: 'GET /workstreams/{id}/savings',
    path: (c) => `/workstreams/${c.workstreamId}/savings`,
  },
  { name: 'GET /dashboard', path: () => '/dashboard' },
  { name: 'GET /dashboard?asOf=', path: (c) => `/dashboard?asOf=${c.pastDate}` },
  {
    name: 'GET /dashboard?financialYear=2024-25',
    path: () => '/dashboard?financialYear=2024-25',
  },
  { name: 'GET /savings/totals', path: () => '/savings/totals' },
  {
    name: 'GET /savings/totals?groupBy=council',
    path: () => '/savings/totals?groupBy=council',
  },
  { name: 'GET /savings/totals?groupBy=year', path: () => '/savings/totals?groupBy=year' },
  {
    name: 'GET /savings/totals?groupBy=workstream',
    path: () => '/savings/totals?groupBy=workstream',
  },
  {
    name: 'GET /savings/totals?groupBy=council,year&asOf=',
    path: (c) => `/savings/totals?groupBy=council,year&asOf=${c.pastDate}`,
  },
  {
    name: 'GET /savings/totals?councilId=',
    path: (c) => `/savings/totals?councilId=${c.councilId}`,
  },
  {
    name: 'GET /savings/totals?partnershipId=',
    path: (c) => `/savings/totals?partnershipId=${c.partnershipId}`,
  },
  {
    name: 'GET /savings/totals?workstreamId=',
    path: (c) => `/savings/totals?workstreamId=${c.workstreamId}`,
  },
  {
    name: 'GET /savings/totals?financialYear=2025-26',
    path: () => '/savings/totals?financialYear=2025-26',
  },
  { name: 'GET /service-areas', path: () => '/service-areas' },
  { name: 'GET /partnerships', path: () => '/partnerships' },
  { name: 'GET /partnerships/{id}', path: (c) => `/partnerships/${c.partnershipId}` },
  {
    name: 'GET /partnerships/{id}/alignment',
    path: (c) => `/partnerships/${c.partnershipId}/alignment`,
  },
  {
    name: 'GET /partnerships/{id}/members',
    path: (c) => `/partnerships/${c.partnershipId}/members`,
  },
  {
    name: 'GET /partnerships/{id}/members?current=false',
    path: (c) => `/partnerships/${c.partnershipId}/members?current=false`,
  },
  { name: 'GET /councils', path: () => '/councils' },
  { name: 'GET /councils/{id}', path: (c) => `/councils/${c.councilId}` },
  { name: 'GET /users', path: () => '/users' },
  { name: 'GET /agreements', path: () => '/agreements' },
  {
    name: 'GET /agreements?partnershipId=',
    path: (c) => `/agreements?partnershipId=${c.partnershipId}`,
  },
  { name: 'GET /reports', path: () => '/reports' },
  { name: 'GET /reports/due', path: () => '/reports/due' },
  { name: 'GET /audit-events', path: () => '/audit-events', as: 'admin' },
  {
    name: 'GET /audit-events?entityType=&entityId=',
    path: (c) => `/audit-events?entityType=workstreams&entityId=${c.workstreamId}`,
    as: 'admin',
  },
  {
    name: 'GET /audit-events?action=insert',
    path: () => '/audit-events?action=insert',
    as: 'admin',
  },
];

const TRANSACTION_CONTROL = /^\s*(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)\s*;?\s*$/i;
const PLANNABLE = /^\s*(\(\s*)*(SELECT|WITH)\b/i;
const SETTINGS = /set_config\('app\.proof'/;

/** The nodes of a plan, each with whether it sits under an InitPlan (computed once). */
function* nodesOf(node: PlanNode, inInitPlan = false): Generator<[PlanNode, boolean]> {
  const once =
    inInitPlan ||
    node['Parent Relationship'] === 'InitPlan' ||
    /^InitPlan\b/.test(node['Subplan Name'] ?? '');
  yield [node, once];
  for (const child of node.Plans ?? []) yield* nodesOf(child, once);
}

/** A condition cut short for the problem's line (the whole plan follows it). */
function short(text: string): string {
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

function describeNode(node: PlanNode): string {
  const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
  const alias = node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : '';
  return `${node['Node Type']}${on}${alias}`;
}

/** What is wrong with a plan: big sequential scans, policy functions run per row. */
function problemsOf(plan: PlanNode, bigTables: Map<string, number>): string[] {
  const problems: string[] = [];
  for (const [node, once] of nodesOf(plan)) {
    const relation = node['Relation Name'];
    if (node['Node Type'] === 'Seq Scan' && relation) {
      const rows = bigTables.get(relation);
      if (rows !== undefined && !(relation in SMALL_SEQ_SCANS)) {
        const filter = typeof node.Filter === 'string' ? ` filtered by ${short(node.Filter)}` : '';
        problems.push(
          `${describeNode(node)}: a sequential scan of ${relation} (${rows} rows)${filter}`,
        );
      }
    }
    if (once) continue;
    for (const key of CONDITIONS) {
      const condition = node[key];
      if (typeof condition !== 'string') continue;
      const calls = condition.match(POLICY_CALL);
      if (calls) {
        const names = [...new Set(calls.map((c) => `${c})`))].join(', ');
        problems.push(
          `${describeNode(node)}: ${names} in its ${key}, per row (${node['Actual Rows'] ?? '?'} ` +
            `rows × ${node['Actual Loops'] ?? '?'} loops): ${short(condition)}`,
        );
      }
    }
  }
  return problems;
}

function removedByFilters(plan: PlanNode): number {
  let most = 0;
  for (const [node] of nodesOf(plan)) {
    const removed = (node['Rows Removed by Filter'] ?? 0) * (node['Actual Loops'] ?? 1);
    most = Math.max(most, removed);
  }
  return most;
}

describe(`Query plans at scale ${SCALE}`, () => {
  let db: TestDatabase;
  let t: TestApp | undefined;
  let replay: pg.Client;
  let bigTables: Map<string, number>;
  let context: Context;
  const timings: Timing[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    appRole = new URL(db.appUrl).username;
    const generated = await generateAtScale({ ownerUrl: db.ownerUrl }, TEST_SECRET, SCALE);
    process.stdout.write(
      `Generated ${SCALE} in ${generated.seconds.toFixed(0)} s: ${JSON.stringify(generated.rows)}\n`,
    );
    const councilId = generated.councilId;
    const hash = await World.hash();
    for (const [email, role] of [
      ['plans.officer@jwh.test', 'officer'],
      ['plans.admin@jwh.test', 'council_admin'],
    ]) {
      await queryAs(
        db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `INSERT INTO users (council_id, email, name, role, status, password_hash)
         VALUES ($1, $2, 'Plans ' || $3, $3, 'active', $4)`,
        [councilId, email, role, hash],
      );
    }
    // The owner may vacuum only its own tables; the system catalogs are skipped with a warning.
    await withClient(db.ownerUrl, async (client) => {
      client.on('notice', () => undefined);
      await client.query('VACUUM ANALYZE');
    });

    const tables = await withClient(db.ownerUrl, (client) =>
      client.query<{ relname: string; rows: number }>(
        `SELECT c.relname, c.reltuples::bigint::int AS rows FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm') AND c.reltuples > $1
          ORDER BY 2 DESC`,
        [BIG_TABLE],
      ),
    );
    bigTables = new Map(tables.rows.map((r) => [r.relname, r.rows]));
    process.stdout.write(
      `Tables of more than ${BIG_TABLE} rows: ${tables.rows
        .map((r) => `${r.relname} ${r.rows}`)
        .join(', ')}\n`,
    );

    const [found] = await queryAs<{
      workstream_id: string;
      private_id: string;
      partnership_id: string;
      service_area: string;
    }>(
      db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      // A shared workstream the council leads, with records of every kind; its partnership
      // (the council's largest); a private one it owns; the commonest service area.
      `WITH biggest AS (
         SELECT v.partnership_id FROM workstream_visibility v
          WHERE v.council_id = $1 AND v.partnership_id IS NOT NULL
          GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
       SELECT (SELECT w.id FROM workstreams w JOIN biggest b USING (partnership_id)
                WHERE w.lead_council_ids @> ARRAY[$1::uuid]
                  AND EXISTS (SELECT 1 FROM savings_lines s WHERE s.workstream_id = w.id)
                  AND EXISTS (SELECT 1 FROM workstream_participants p WHERE p.workstream_id = w.id)
                  AND EXISTS (SELECT 1 FROM status_updates u WHERE u.workstream_id = w.id)
                ORDER BY w.updated_at DESC LIMIT 1) AS workstream_id,
              (SELECT w.id FROM workstreams w WHERE w.owner_council_id = $1
                ORDER BY w.updated_at DESC LIMIT 1) AS private_id,
              (SELECT partnership_id FROM biggest) AS partnership_id,
              (SELECT service_area FROM workstreams GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
                AS service_area`,
      [councilId],
    );

    t = await createTestApp({
      database: db,
      env: { LOGIN_THROTTLE_IP_LIMIT: '10000', ACCESS_TOKEN_TTL_SECONDS: '3600' },
    });
    const world = new World(t);
    const officer = await world.login('plans.officer@jwh.test', '', councilId);
    const admin = await world.login('plans.admin@jwh.test', '', councilId);
    const firstPage = await request(t.http).get('/api/v1/workstreams').set(bearer(officer));
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    context = {
      councilId,
      workstreamId: found.workstream_id,
      privateWorkstreamId: found.private_id ?? found.workstream_id,
      partnershipId: found.partnership_id,
      serviceArea: found.service_area,
      nextCursor: firstPage.body.nextCursor as string,
      pastDate: new Date(Date.now() - 120 * 86_400_000).toISOString().slice(0, 10),
      officer,
      admin,
    };

    recordQueries();
    replay = new pg.Client({ connectionString: db.appUrl });
    await replay.connect();
  }, 3_600_000);

  afterAll(async () => {
    clientPrototype.query = originalQuery;
    console.table(timings);
    await replay?.end().catch(() => undefined);
    if (t) await t.close();
    else await db?.drop();
  }, 120_000);

  /** The statements one request sends as the application role, and its status. */
  async function capture(route: Route): Promise<{ status: number; statements: Captured[] }> {
    const who = route.as === 'admin' ? context.admin : context.officer;
    recording = [];
    try {
      const res = await request(t!.http)
        .get(`/api/v1${route.path(context)}`)
        .set(bearer(who));
      return { status: res.status, statements: recording };
    } finally {
      recording = undefined;
    }
  }

  async function planText(statement: Captured): Promise<string> {
    const { rows } = await replay.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (VERBOSE, COSTS) ${statement.text}`,
      statement.values,
    );
    // The nodes and their conditions; the columns each outputs would bury them.
    return rows
      .map((r) => r['QUERY PLAN'])
      .filter((line) => !/^\s*Output: /.test(line))
      .join('\n');
  }

  test.each(ROUTES.map((r) => [r.name, r] as const))(
    '%s: no sequential scan of a large table, no policy function per row',
    async (name, route) => {
      const { status, statements } = await capture(route);
      const violations: Violation[] = [];
      const timing: Timing = {
        route: name,
        statements: 0,
        rows: 0,
        'planning ms': 0,
        'execution ms': 0,
        'slowest statement ms': 0,
        'most rows removed by a filter': 0,
      };
      await replay.query('BEGIN');
      try {
        for (const [i, statement] of statements.entries()) {
          if (TRANSACTION_CONTROL.test(statement.text)) continue;
          if (SETTINGS.test(statement.text) || !PLANNABLE.test(statement.text)) {
            // The proven settings, and any write or SET LOCAL the request made before its reads.
            await replay.query(statement.text, statement.values);
            continue;
          }
          const { rows } = await replay.query<{ 'QUERY PLAN': Explained[] }>(
            `EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ${statement.text}`,
            statement.values,
          );
          const [explained] = rows[0]['QUERY PLAN'];
          timing.statements++;
          timing.rows += explained.Plan['Actual Rows'] ?? 0;
          timing['planning ms'] += explained['Planning Time'];
          timing['execution ms'] += explained['Execution Time'];
          timing['slowest statement ms'] = Math.max(
            timing['slowest statement ms'],
            explained['Execution Time'],
          );
          timing['most rows removed by a filter'] = Math.max(
            timing['most rows removed by a filter'],
            removedByFilters(explained.Plan),
          );
          if (process.env.JWH_PLAN_DUMP) {
            // A closer look: every statement's plan with its timings, one file a route.
            const { rows: text } = await replay.query<{ 'QUERY PLAN': string }>(
              `EXPLAIN (ANALYZE, BUFFERS) ${statement.text}`,
              statement.values,
            );
            appendFileSync(
              join(process.env.JWH_PLAN_DUMP, `${name.replace(/[^\w]+/g, '_')}.txt`),
              `-- statement ${i}\n${statement.text}\n${JSON.stringify(statement.values)}\n` +
                `${text.map((r) => r['QUERY PLAN']).join('\n')}\n\n`,
            );
          }
          const problems = problemsOf(explained.Plan, bigTables);
          if (problems.length) {
            violations.push({
              statement: i,
              problems,
              sql: statement.text,
              values: JSON.stringify(statement.values),
              plan: await planText(statement),
            });
          }
        }
      } finally {
        await replay.query('ROLLBACK');
        timing['planning ms'] = Math.round(timing['planning ms'] * 10) / 10;
        timing['execution ms'] = Math.round(timing['execution ms'] * 10) / 10;
        timing['slowest statement ms'] = Math.round(timing['slowest statement ms'] * 10) / 10;
        timings.push(timing);
      }
      expect({ route: name, status, planned: timing.statements > 0, violations }).toEqual({
        route: name,
        status: 200,
        planned: true,
        violations: [],
      });
    },
    600_000,
  );
});
