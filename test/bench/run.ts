/**
 * `npm run bench [-- --scale small|large|huge] [--rounds 3] [--seconds 5] [--keep]`: the benchmark of
 * record (issue 16).
 *
 * What it does, in one run on one database (a fresh embedded PostgreSQL, or a scratch database
 * on the DATABASE_URL server, dropped afterwards):
 * 1. generates the scale in SQL (test/support/generate.ts `generateAtScale`: 10k / 100k / 1M
 *    workstreams with their records, skewed) and prints how long it took;
 * 2. starts the service as a child process (`node -r dist/bench/capture-sql.js
 *    dist/src/main.js`), so its CPU and memory are its own, and signs in;
 * 3. captures from the service the SQL of `GET /api/v1/workstreams` and of the dashboard
 *    (bench/capture-sql.ts) and starts bench/plain-server.ts, a plain Node `http` + `pg`
 *    server running that same SQL, checking once that it answers the same bytes;
 * 4. runs rounds (3 by default): each round re-captures (the settings proof lives 600 s) and
 *    measures, one after the other, pgbench of the list's SQL as jwh_app (prepared, its values
 *    bound, as the service sends it: test/bench/capture.ts), pgbench of the
 *    "bare page" (the same 50 rows by primary key, as a superuser: no RLS, no visibility),
 *    the plain server's list, and the service's routes under autocannon (16 connections, from
 *    this process), then the dashboard's SQL with pgbench on one client (its ms/request);
 * 5. reports medians per scenario: req/s, p50, p99, errors, non-2xx, service CPU per request
 *    (/proc/<pid>/stat), PostgreSQL CPU per request (every postgres process, and the
 *    postmaster's reaped children; embedded server only), and the service's peak RSS (VmHWM);
 *    the ratios, the targets (`target met` / `TARGET MISSED`, exit 1 on any miss), and writes
 *    bench/results/<date>-<scale>.{json,md}. At large or huge, each read's p50 is compared with
 *    the latest small result in bench/results (today's if there is one): run small first.
 */
import autocannon from 'autocannon';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../src/config/configuration';
import { PreparedDatabase, prepareDatabase } from '../../src/database/database-bootstrap';
import { withClient, withDatabase } from '../../src/database/database-urls';
import { SettingsProver } from '../../src/database/settings-proof';
import { settingsStatement } from '../../src/tenancy/tenant-transaction.adapter';
import { ARGON2_OPTIONS } from '../../src/users/password.service';
import { Scale, SCALE_WORKSTREAMS, generateAtScale } from '../support/generate';
import { PLATFORM_ADMIN_SETTINGS, beginAs } from '../support/test-database';
import { PgbenchScript, capture, pgbenchScript } from './capture';
import { pgbench } from './pgbench';
import {
  Child,
  freePort,
  peakRssMb,
  postgresCpuMs,
  postmasterPid,
  processCpuMs,
  startChild,
  stopAll,
} from './processes';
import {
  BenchReport,
  Sample,
  ScenarioResult,
  Target,
  latestSmall,
  machine,
  markdown,
  summarise,
  write,
} from './report';

const ROOT = resolve(__dirname, '../../..');
const RESULTS = join(ROOT, 'bench', 'results');
const EMAIL = 'bench.officer@jwh.test';
const PASSWORD = 'a long enough bench password';
const API = '/api/v1';

interface Options {
  scale: Scale;
  /** Leaves the database running after the run, for EXPLAIN and profiling, until Ctrl-C. */
  keep: boolean;
  rounds: number;
  seconds: number;
  connections: number;
}

function parseArgs(argv: string[]): Options {
  const value = (name: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale = (value('scale') ?? 'small') as Scale;
  if (!(scale in SCALE_WORKSTREAMS)) throw new Error(`--scale must be small, large or huge`);
  return {
    scale,
    rounds: Number(value('rounds') ?? 3),
    keep: argv.includes('--keep'),
    seconds: Number(value('seconds') ?? 5),
    connections: 16,
  };
}

/** Everything a measurement needs. */
interface Bench {
  options: Options;
  workDir: string;
  captureFile: string;
  database: PreparedDatabase;
  secret: string;
  /** A superuser on the same database, when we have one (the embedded server). */
  superuserUrl?: string;
  postmaster?: number;
  service: Child;
  plain?: Child;
  headers: Record<string, string>;
}

/** One HTTP scenario against the service. */
interface HttpScenario {
  name: string;
  read: boolean;
  method?: 'GET' | 'POST';
  path: string;
  /** POST bodies, and paths rotated per request (several workstreams, as real users write). */
  paths?: string[];
  body?: string;
  /** Signs in: no bearer token. */
  anonymous?: boolean;
}

async function main(options: Options): Promise<boolean> {
  const workDir = mkdtempSync(join(tmpdir(), 'jwh-bench-'));
  chmodSync(workDir, 0o755);
  const external = process.env.DATABASE_URL;
  const scratch = `jwh_bench_${randomBytes(4).toString('hex')}`;
  const secret = randomBytes(48).toString('base64url');
  let database: PreparedDatabase | undefined;
  try {
    if (external) await withClient(external, (c) => c.query(`CREATE DATABASE ${scratch}`));
    const config = loadConfig({
      ...process.env,
      DATA_DIR: join(workDir, 'data'),
      JWT_SECRET: secret,
      LOG_LEVEL: 'silent',
      ...(external ? { DATABASE_URL: withDatabase(external, scratch) } : {}),
    });
    database = await prepareDatabase(config, () => undefined);
    const dbName = new URL(database.ownerUrl).pathname.slice(1);
    const superuserUrl = database.embedded?.superuserUrl(dbName);
    const postmaster = database.embedded
      ? postmasterPid(join(config.dataDir, 'postgres'))
      : undefined;

    process.stdout.write(`Generating scale ${options.scale}…\n`);
    const generated = await generateAtScale(
      { ownerUrl: database.ownerUrl, superuserUrl },
      secret,
      options.scale,
    );
    await addBenchUser(database.ownerUrl, secret, generated.councilId);
    const vacuumStarted = Date.now();
    await withClient(superuserUrl ?? database.ownerUrl, (c) => c.query('VACUUM ANALYZE'));
    process.stdout.write(
      `Generated in ${generated.seconds.toFixed(1)} s (VACUUM ANALYZE ${((Date.now() - vacuumStarted) / 1000).toFixed(1)} s): ` +
        `${JSON.stringify(generated.rows)}\n`,
    );

    const captureFile = join(workDir, 'capture.jsonl');
    const service = await startService(database, secret, workDir, captureFile);
    const bench: Bench = {
      options,
      workDir,
      captureFile,
      database,
      secret,
      superuserUrl,
      postmaster,
      service,
      headers: await signIn(service.url),
    };
    const byteIdentical = await startPlain(bench);
    const scenarios = await httpScenarios(bench, generated.councilId);
    const results = await runRounds(bench, scenarios);
    const report = await buildReport(bench, generated, byteIdentical, results);
    process.stdout.write(`\n${markdown(report)}\n`);
    for (const file of write(RESULTS, report)) process.stdout.write(`Wrote ${file}\n`);
    return report.targets.every((t) => t.met !== false);
  } finally {
    await stopAll();
    if (options.keep && database) await heldUntilInterrupted(database);
    await database?.embedded?.stop().catch(() => undefined);
    if (external)
      await withClient(external, (c) =>
        c.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`),
      ).catch((error: unknown) =>
        process.stderr.write(`Could not drop ${scratch}: ${String(error)}\n`),
      );
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** `--keep`: prints how to reach the database and waits for SIGINT or SIGTERM. */
async function heldUntilInterrupted(database: PreparedDatabase): Promise<void> {
  const name = new URL(database.ownerUrl).pathname.slice(1);
  const superuser = database.embedded?.superuserUrl(name);
  process.stdout.write(
    `Kept (Ctrl-C to stop): owner ${database.ownerUrl}\n  app ${database.appUrl}\n` +
      (superuser ? `  superuser ${superuser}\n` : ''),
  );
  // A signal listener alone does not keep Node's event loop alive: the timer does.
  const alive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  clearInterval(alive);
}

async function addBenchUser(ownerUrl: string, secret: string, councilId: string): Promise<void> {
  const hash = await argon2.hash(PASSWORD, ARGON2_OPTIONS);
  await withClient(ownerUrl, async (client) => {
    await beginAs(client, PLATFORM_ADMIN_SETTINGS, secret);
    await client.query(
      `INSERT INTO users (council_id, email, name, role, status, password_hash)
       VALUES ($1, $2, 'Bench Officer', 'officer', 'active', $3)`,
      [councilId, EMAIL, hash],
    );
    await client.query('COMMIT');
  });
}

async function startService(
  database: PreparedDatabase,
  secret: string,
  workDir: string,
  captureFile: string,
): Promise<Child> {
  const port = await freePort();
  return startChild(
    'service',
    ['-r', join(ROOT, 'dist/bench/capture-sql.js'), join(ROOT, 'dist/src/main.js')],
    {
      ...process.env,
      DATABASE_URL: database.ownerUrl,
      JWT_SECRET: secret,
      DATA_DIR: join(workDir, 'service-data'),
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'silent',
      DEMO_DATA: 'false',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      BENCH_CAPTURE_FILE: captureFile,
      ...startEnvironment(),
    },
    port,
    '/health',
  );
}

/** The variables `npm start` sets before `node` (package.json): the service runs as it would. */
function startEnvironment(): Record<string, string> {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [assignments] = scripts.start.split(/\bexec\b/);
  return Object.fromEntries([...assignments.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]]));
}

async function signIn(url: string): Promise<Record<string, string>> {
  const response = await fetch(`${url}${API}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (!response.ok) throw new Error(`sign-in: ${response.status} ${await response.text()}`);
  const { accessToken } = (await response.json()) as { accessToken: string };
  return { authorization: `Bearer ${accessToken}` };
}

/** Starts the plain server on the list's captured SQL; answers whether its body is the service's. */
async function startPlain(bench: Bench): Promise<boolean> {
  const listUrl = `${bench.service.url}${API}/workstreams`;
  const { body } = await capture(bench.captureFile, listUrl, bench.headers);
  if (!(JSON.parse(body) as { data: unknown[] }).data.length)
    throw new Error('The benchmark council sees no workstreams: the generated data is incomplete');
  const frozen = join(bench.workDir, 'plain-capture.jsonl');
  copyFileSync(bench.captureFile, frozen);
  const port = await freePort();
  bench.plain = await startChild(
    'plain server',
    [join(ROOT, 'dist/bench/plain-server.js')],
    {
      ...process.env,
      PORT: String(port),
      BENCH_APP_URL: bench.database.appUrl,
      BENCH_AUTH_URL: bench.database.authUrl,
      BENCH_CAPTURE: frozen,
      JWT_SECRET: bench.secret,
      DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? '10',
    },
    port,
    '/',
  );
  // Twice: the first looks the caller up, the second finds it kept (and confirms it).
  let plainBody = '';
  let identical = true;
  for (let i = 0; i < 2; i++) {
    const plain = await fetch(`${bench.plain.url}${API}/workstreams`, { headers: bench.headers });
    plainBody = await plain.text();
    identical &&= plain.ok && plainBody === body;
  }
  process.stdout.write(
    `Plain server's list body is ${identical ? '' : 'NOT '}byte-identical to the service's ` +
      `(${Buffer.byteLength(body)} bytes${identical ? '' : ` vs ${Buffer.byteLength(plainBody)}`})\n`,
  );
  return identical;
}

/** The service's routes: reads of every kind, one write, sign-in. */
async function httpScenarios(bench: Bench, councilId: string): Promise<HttpScenario[]> {
  const led = await withClient(bench.database.ownerUrl, async (client) => {
    await beginAs(client, PLATFORM_ADMIN_SETTINGS, bench.secret);
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM workstreams WHERE $1::uuid = ANY (lead_council_ids)
        ORDER BY updated_at DESC, id DESC LIMIT 50`,
      [councilId],
    );
    await client.query('COMMIT');
    return rows.map((r) => r.id);
  });
  if (!led.length) throw new Error('the benchmark council leads no workstream');
  let deep = `${API}/workstreams`;
  for (let page = 0; page < 20; page++) {
    const response = await fetch(bench.service.url + deep, { headers: bench.headers });
    const { nextCursor } = (await response.json()) as { nextCursor: string | null };
    if (!nextCursor) break;
    deep = `${API}/workstreams?cursor=${encodeURIComponent(nextCursor)}`;
  }
  const [id] = led;
  return [
    { name: 'list (first page)', read: true, path: `${API}/workstreams` },
    { name: 'list, page 21 by cursor', read: true, path: deep },
    { name: 'list ?rag=red', read: true, path: `${API}/workstreams?rag=red` },
    { name: 'list ?serviceArea=waste', read: true, path: `${API}/workstreams?serviceArea=waste` },
    { name: 'GET /workstreams/{id}', read: true, path: `${API}/workstreams/${id}` },
    {
      name: 'GET /workstreams/{id}/milestones',
      read: true,
      path: `${API}/workstreams/${id}/milestones`,
    },
    { name: 'GET /dashboard', read: true, path: `${API}/dashboard` },
    { name: 'GET /me', read: true, path: `${API}/me` },
    { name: 'GET /savings/totals', read: true, path: `${API}/savings/totals` },
    {
      name: 'POST /workstreams/{id}/status-updates',
      read: false,
      method: 'POST',
      path: `${API}/workstreams/${id}/status-updates`,
      paths: led.map((w) => `${API}/workstreams/${w}/status-updates`),
      body: JSON.stringify({ rag: 'amber', period: 'Bench week', reason: 'Measured under load' }),
    },
    {
      name: 'POST /auth/login (argon2)',
      read: false,
      method: 'POST',
      path: `${API}/auth/login`,
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
      anonymous: true,
    },
  ];
}

/** CPU of the measured process and of PostgreSQL around `work`, per request. */
async function withCpu(
  bench: Bench,
  pid: number | undefined,
  work: () => Promise<Omit<Sample, 'nodeCpuMs' | 'pgCpuMs'>>,
): Promise<Sample> {
  const node0 = pid ? processCpuMs(pid) : 0;
  const pg0 = bench.postmaster ? postgresCpuMs(bench.postmaster) : 0;
  const sample = await work();
  await new Promise((r) => setTimeout(r, 200)); // let the postmaster reap exited backends
  const n = Math.max(1, sample.requests);
  return {
    ...sample,
    nodeCpuMs: pid ? (processCpuMs(pid) - node0) / n : undefined,
    pgCpuMs: bench.postmaster ? (postgresCpuMs(bench.postmaster) - pg0) / n : undefined,
  };
}

async function loadHttp(bench: Bench, target: Child, scenario: HttpScenario): Promise<Sample> {
  const headers: Record<string, string> = scenario.anonymous ? {} : { ...bench.headers };
  if (scenario.body) headers['content-type'] = 'application/json';
  let next = 0;
  const paths = scenario.paths;
  const options: autocannon.Options = {
    url: target.url,
    connections: bench.options.connections,
    requests: [
      {
        method: scenario.method ?? 'GET',
        path: scenario.path,
        headers,
        body: scenario.body,
        ...(paths
          ? {
              setupRequest: (request: autocannon.Request) => ({
                ...request,
                path: paths[next++ % paths.length],
              }),
            }
          : {}),
      },
    ],
  };
  await autocannon({ ...options, duration: 1 }); // warm-up, not counted
  return withCpu(bench, target.pid, async () => {
    const result = await autocannon({ ...options, duration: bench.options.seconds });
    return {
      rps: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      requests: result.requests.total,
    };
  });
}

async function loadPgbench(
  bench: Bench,
  url: string,
  { script, variables }: PgbenchScript,
  clients: number,
  seconds: number,
) {
  return withCpu(bench, undefined, async () => {
    const r = await pgbench({ url, script, variables, clients, seconds, workDir: bench.workDir });
    return {
      rps: r.tps,
      p50: r.p50,
      p99: r.p99,
      errors: r.errors,
      non2xx: 0,
      requests: r.transactions,
    };
  });
}

/** The bare page: the list's 50 rows by primary key, no visibility, no row-level security. */
function barePage(bench: Bench, listBody: string): PgbenchScript & { url: string } {
  const ids = (JSON.parse(listBody) as { data: { id: string }[] }).data.map((w) => w.id);
  const select =
    `SELECT w.* FROM workstreams w WHERE w.id = ANY ('{${ids.join(',')}}'::uuid[]) ` +
    `ORDER BY w.updated_at DESC, w.id DESC LIMIT 50;\n`;
  if (bench.superuserUrl) return { url: bench.superuserUrl, script: select, variables: {} };
  // No superuser (an external server): the owner as a platform admin, RLS's cheapest arm.
  const [sql, values] = settingsStatement(new SettingsProver(bench.secret), {
    userId: PLATFORM_ADMIN_SETTINGS.userId ?? '',
    councilId: '',
    role: 'platform_admin',
    sessionId: '',
    requestId: 'bench',
  });
  const literal = sql.replace(/\$(\d+)/g, (_, n: string) => `'${String(values[Number(n) - 1])}'`);
  return {
    url: bench.database.ownerUrl,
    script: `BEGIN;\n${literal};\n${select}COMMIT;\n`,
    variables: {},
  };
}

type Results = Map<string, { name: string; via: string; read: boolean; samples: Sample[] }>;

async function runRounds(
  bench: Bench,
  scenarios: HttpScenario[],
): Promise<{ results: Results; dashboardMs: number[] }> {
  const results: Results = new Map();
  const dashboardMs: number[] = [];
  const record = (name: string, via: string, read: boolean, sample: Sample) => {
    const key = `${via}: ${name}`;
    const entry = results.get(key) ?? { name, via, read, samples: [] };
    entry.samples.push(sample);
    results.set(key, entry);
    process.stdout.write(
      `  ${name} (${via}): ${sample.rps.toFixed(0)} req/s, p50 ${sample.p50.toFixed(2)} ms, ` +
        `p99 ${sample.p99.toFixed(2)} ms, errors ${sample.errors}, non-2xx ${sample.non2xx}\n`,
    );
  };
  const { connections, seconds } = bench.options;
  const appUser = new URL(bench.database.appUrl).username;
  for (let round = 1; round <= bench.options.rounds; round++) {
    process.stdout.write(`Round ${round} of ${bench.options.rounds}\n`);
    bench.headers = await signIn(bench.service.url);
    // Captured now: the proof in the settings lives 600 s.
    const list = await capture(
      bench.captureFile,
      `${bench.service.url}${API}/workstreams`,
      bench.headers,
    );
    const listScript = pgbenchScript(list.statements, appUser);
    record(
      'list SQL',
      'pgbench',
      true,
      await loadPgbench(bench, bench.database.appUrl, listScript, connections, seconds),
    );
    const bare = barePage(bench, list.body);
    record(
      'bare page',
      'pgbench',
      true,
      await loadPgbench(bench, bare.url, bare, connections, seconds),
    );
    if (bench.plain) {
      const plainList = { name: 'list (first page)', read: true, path: `${API}/workstreams` };
      record('list (first page)', 'plain', true, await loadHttp(bench, bench.plain, plainList));
    }
    for (const scenario of scenarios) {
      record(
        scenario.name,
        'service',
        scenario.read,
        await loadHttp(bench, bench.service, scenario),
      );
    }
    const dashboard = await capture(
      bench.captureFile,
      `${bench.service.url}${API}/dashboard`,
      bench.headers,
    );
    const dashboardSql = await pgbench({
      url: bench.database.appUrl,
      ...pgbenchScript(dashboard.statements, appUser),
      clients: 1,
      seconds: 3,
      workDir: bench.workDir,
    });
    dashboardMs.push(dashboardSql.mean);
    process.stdout.write(
      `  dashboard SQL (pgbench, 1 client): ${dashboardSql.mean.toFixed(2)} ms/request\n`,
    );
  }
  return { results, dashboardMs };
}

async function buildReport(
  bench: Bench,
  generated: { seconds: number; rows: Record<string, number> },
  byteIdentical: boolean,
  { results, dashboardMs }: { results: Results; dashboardMs: number[] },
): Promise<BenchReport> {
  const scenarios: ScenarioResult[] = [...results.values()].map((r) =>
    summarise(r.name, r.via, r.read, r.samples),
  );
  const find = (name: string, via = 'service') =>
    scenarios.find((s) => s.name === name && s.via === via);
  const postgres = await withClient(bench.database.ownerUrl, (c) =>
    c.query<{ version: string }>('SELECT version()').then((r) => r.rows[0].version.split(',')[0]),
  );
  const date = new Date().toISOString().slice(0, 10);
  const small = bench.options.scale === 'small' ? undefined : latestSmall(RESULTS, date);
  const list = find('list (first page)');
  const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : null);
  const ratios: Record<string, number | null> = {
    'service ÷ plain Node (list req/s)': ratio(list?.rps, find('list (first page)', 'plain')?.rps),
    'service ÷ pgbench (list req/s)': ratio(list?.rps, find('list SQL', 'pgbench')?.rps),
    'list SQL ÷ bare page (pgbench req/s)': ratio(
      find('list SQL', 'pgbench')?.rps,
      find('bare page', 'pgbench')?.rps,
    ),
    'dashboard ÷ list (service req/s)': ratio(find('GET /dashboard')?.rps, list?.rps),
    'status update p99 ÷ GET /workstreams/{id} p99': ratio(
      find('POST /workstreams/{id}/status-updates')?.p99,
      find('GET /workstreams/{id}')?.p99,
    ),
  };
  const reads = scenarios.filter((s) => s.read && s.via === 'service');
  for (const s of reads) {
    const before = small?.report.scenarios.find((x) => x.name === s.name && x.via === s.via);
    ratios[`p50 ${bench.options.scale} ÷ small: ${s.name}`] = small
      ? ratio(s.p50, before?.p50)
      : null;
  }
  const peak = peakRssMb(bench.service.pid);
  const dashboardSqlMs =
    [...dashboardMs].sort((a, b) => a - b)[Math.floor(dashboardMs.length / 2)] ?? 0;
  const at = (k: string) => ratios[k];
  const check = (
    name: string,
    value: number | null,
    ok: (v: number) => boolean,
    shown = value?.toFixed(2),
  ): Target => ({
    name,
    value: value === null ? 'n/a' : (shown ?? ''),
    met: value === null ? null : ok(value),
  });
  const scaleRatios = reads.map((s) => at(`p50 ${bench.options.scale} ÷ small: ${s.name}`));
  const worstScale = scaleRatios.some((v) => v !== null)
    ? Math.max(...scaleRatios.map((v) => v ?? 0))
    : null;
  const targets: Target[] = [
    check(
      'List: service ≥ 0.90 × plain Node req/s',
      at('service ÷ plain Node (list req/s)'),
      (v) => v >= 0.9,
    ),
    check(
      'List SQL ≥ 0.50 × bare page req/s (pgbench)',
      at('list SQL ÷ bare page (pgbench req/s)'),
      (v) => v >= 0.5,
    ),
    check(
      'List: 0 errors',
      list ? list.errors + list.non2xx : null,
      (v) => v === 0,
      String(list ? list.errors + list.non2xx : ''),
    ),
    check('Dashboard ≥ 0.50 × list req/s', at('dashboard ÷ list (service req/s)'), (v) => v >= 0.5),
    check(
      'Dashboard SQL ≤ 10 ms/request',
      dashboardSqlMs,
      (v) => v <= 10,
      `${dashboardSqlMs.toFixed(2)} ms`,
    ),
    check(
      `Every read: p50 at ${bench.options.scale} ≤ 1.2 × small (worst)`,
      worstScale,
      (v) => v <= 1.2,
    ),
    check(
      'Status update p99 ≤ 1.5 × GET /workstreams/{id} p99',
      at('status update p99 ÷ GET /workstreams/{id} p99'),
      (v) => v <= 1.5,
    ),
    check('Service peak RSS ≤ 250 MB', peak, (v) => v <= 250, `${peak.toFixed(0)} MB`),
  ];
  return {
    date,
    scale: bench.options.scale,
    machine: machine(postgres),
    generation: generated,
    settings: {
      connections: bench.options.connections,
      seconds: bench.options.seconds,
      rounds: bench.options.rounds,
    },
    byteIdentical,
    dashboardSqlMs,
    peakRssMb: peak,
    scenarios,
    ratios,
    targets,
    comparedWith: small?.file,
  };
}

// The targets are the benchmark's verdict: a miss fails the command.
main(parseArgs(process.argv.slice(2))).then(
  (met) => process.exit(met ? 0 : 1),
  (error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
