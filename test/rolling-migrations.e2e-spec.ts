/**
 * Migrations that a rolling deploy can run (docs/migrations.md; the issue "migrations that a
 * rolling deploy can run"). The processes of the version before keep serving while the new
 * version's first process migrates. That older code is not in this tree, so the test shows
 * what it can, honestly:
 *
 * 1. The migrations as written: each has a `down`, each is in the table of
 *    docs/migrations.md, and a migration added after the newest one landed here that drops or
 *    renames a column or a table says, in a marker comment, why a pause is fine.
 * 2. Serving through the newest migrations: the app serves a mixed slice (reads and writes of
 *    workstreams, milestones, risks, the dashboard, agreements; three councils) while each of
 *    the newest migrations is taken back and applied again under it, in one transaction, the
 *    way the migrator applies one (its locks, its catalog changes, under a short lock_timeout
 *    with retries), and the newest index is dropped and built again by the deploy's own
 *    `migrate`. No request answers 5xx, and every write that answered 201 is stored.
 * 3. A migration behind a long transaction: one report-like transaction holds a table the
 *    migration alters. Waiting as it did (DATABASE_LOCK_TIMEOUT_MS, 5 s, once), the migration
 *    held up every request that reached the table behind it for seconds and then failed the
 *    deploy's start; with a short lock_timeout and retries (src/database/database-bootstrap.ts)
 *    the requests wait about that short time and the migration is applied once the long
 *    transaction ends.
 *
 * Figures are printed (console.log) for the report: requests served, 5xx, 409, longest wait.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { MIGRATIONS } from '../migrations';
import { dataSourceOptions } from '../src/database/data-source';
import { MigrationPatience, migrate } from '../src/database/database-bootstrap';
import { TestApp } from './support/test-app';
import {
  TestDatabase,
  beginAs,
  createTestDatabase,
  PLATFORM_ADMIN_SETTINGS,
  queryAs,
} from './support/test-database';
import { testConfig } from './support/test-config';
import { SignedIn, World, call, partnership, workstream } from './support/world';

/** The newest migration when this test was written; those after it are checked for markers. */
const NEWEST_LANDED = 1764110000000;
/** How many of the newest migrations are applied again under load. */
const NEWEST_N = 6;
/** The marker a migration after NEWEST_LANDED carries when it contracts the schema. */
const PAUSE_MARKER = /rolling-deploy: pause\b.{10,}/;
const CONTRACTS = /\bDROP\s+(COLUMN|TABLE)\b|\bRENAME\b/i;

const MIGRATIONS_DIR = join(__dirname, '..', 'migrations');

type MigrationClass = new () => MigrationInterface & { transaction?: boolean };
const timestampOf = (m: MigrationClass): number => Number(/(\d{13})$/.exec(m.name)?.[1]);

/** The text of a migration's `up`: everything before its `down`. */
function upText(source: string): string {
  const down = source.search(/\n\s*(async\s+)?down\s*\(/);
  return down < 0 ? source : source.slice(0, down);
}

/** Why a migration added after NEWEST_LANDED is not yet fit for a rolling deploy, if it is not. */
function rollingFault(source: string): string | undefined {
  const up = upText(source);
  const contract = CONTRACTS.exec(up);
  if (contract && !PAUSE_MARKER.test(source))
    return `its up runs ${contract[0]} without a "rolling-deploy: pause <why>" comment`;
  return undefined;
}

const LOCK_GAVE_WAY = new Set(['55P03', '40P01']);

/**
 * Applies `migration` again on a database that has it: down then up in one transaction, as the
 * migrator runs one (other sessions see the schema before or after it, never between), under
 * a short lock_timeout and tried again when it gives way. Answers how many attempts it took.
 */
async function applyAgain(ds: DataSource, migration: MigrationInterface): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const runner = ds.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(`SET LOCAL lock_timeout = 2000`);
      await migration.down(runner);
      await migration.up(runner);
      await runner.commitTransaction();
      return attempt;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      const code = (error as { driverError?: { code?: string } }).driverError?.code;
      if (!code || !LOCK_GAVE_WAY.has(code) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    } finally {
      await runner.release();
    }
  }
}

/**
 * Settings for the deploy's `migrate` on a test database: the service roles' URLs given, so
 * that migrate leaves their logins as the global set-up made them (the roles are the server's).
 */
const migrateConfig = (db: TestDatabase) =>
  testConfig({
    DATABASE_URL: db.ownerUrl,
    DATABASE_APP_URL: db.appUrl,
    DATABASE_AUTH_URL: db.authUrl,
    DATABASE_JOBS_URL: db.jobsUrl,
  });

/** A query runner of `ds`, released after `work` (the migrator's pool has one connection). */
async function withRunner(ds: DataSource, work: (runner: QueryRunner) => Promise<void>) {
  const runner = ds.createQueryRunner();
  try {
    await work(runner);
  } finally {
    await runner.release();
  }
}

const tallyOf = (items: string[]) =>
  items.reduce<Record<string, number>>((t, x) => ({ ...t, [x]: (t[x] ?? 0) + 1 }), {});

interface Answer {
  label: string;
  status: number;
  ms: number;
  body?: unknown;
}

describe('Rolling deploys and migrations (docs/migrations.md)', () => {
  describe('the migrations as written', () => {
    it('lists every migration file, oldest first, each with a name and a down', () => {
      const files = readdirSync(MIGRATIONS_DIR)
        .filter((f) => /^\d{13}-.*\.ts$/.test(f))
        .sort();
      const index = readFileSync(join(MIGRATIONS_DIR, 'index.ts'), 'utf8');
      for (const file of files) expect(index).toContain(`'./${file.replace(/\.ts$/, '')}'`);
      expect(MIGRATIONS).toHaveLength(files.length);
      const stamps = MIGRATIONS.map((m) => timestampOf(m as MigrationClass));
      expect([...stamps].sort((a, b) => a - b)).toEqual(stamps);
      for (const m of MIGRATIONS as MigrationClass[]) {
        const instance = new m();
        expect({ migration: m.name, down: typeof instance.down }).toEqual({
          migration: m.name,
          down: 'function',
        });
        expect(instance.name).toBe(m.name);
      }
    });

    it('has every migration in the table of docs/migrations.md', () => {
      const doc = readFileSync(join(__dirname, '..', 'docs', 'migrations.md'), 'utf8');
      const missing = (MIGRATIONS as MigrationClass[])
        .map(timestampOf)
        .filter((stamp) => !doc.includes(`| ${stamp} `));
      expect(missing).toEqual([]);
    });

    it('refuses a later migration that drops or renames without saying why a pause is fine', () => {
      // The check itself, on examples.
      expect(rollingFault(`up() { q('ALTER TABLE risks DROP COLUMN score') }`)).toBeDefined();
      expect(rollingFault(`up() { q('ALTER TABLE risks RENAME TO hazards') }`)).toBeDefined();
      expect(
        rollingFault(`up() { q('ADD COLUMN x') }\n  async down() { q('DROP COLUMN x') }`),
      ).toBeUndefined();
      expect(
        rollingFault(
          `// rolling-deploy: pause — no released version reads risks.score_old\nup() { q('ALTER TABLE risks DROP COLUMN score_old') }`,
        ),
      ).toBeUndefined();
      // Every migration added after NEWEST_LANDED.
      const faults = readdirSync(MIGRATIONS_DIR)
        .filter((f) => /^\d{13}-.*\.ts$/.test(f) && Number(f.slice(0, 13)) > NEWEST_LANDED)
        .map((f) => [f, rollingFault(readFileSync(join(MIGRATIONS_DIR, f), 'utf8'))])
        .filter(([, fault]) => fault);
      expect(faults).toEqual([]);
    });
  });

  describe('serving through the newest migrations', () => {
    let world: World;
    let t: TestApp;

    beforeAll(async () => {
      world = await World.start();
      t = world.t;
    });
    afterAll(() => t?.close());

    it(`answers no 5xx and loses no write while the newest ${NEWEST_N} migrations are applied again`, async () => {
      const glasgow = await world.council('S12000049');
      const lanarkshire = await world.council('S12000050');
      const inverclyde = await world.council('S12000018');
      const admin = await world.user(glasgow, 'council_admin');
      const officers: SignedIn[] = [
        await world.user(glasgow, 'officer'),
        await world.user(lanarkshire, 'officer'),
        await world.user(inverclyde, 'officer'),
      ];
      const clyde = await partnership(t, admin, 'Clyde Valley', [lanarkshire, inverclyde]);
      const shared = [
        await workstream(t, officers[0], {
          title: 'Waste',
          partnershipId: clyde,
          leadCouncilIds: [glasgow],
        }),
        await workstream(t, officers[0], {
          title: 'Transport',
          partnershipId: clyde,
          leadCouncilIds: [glasgow],
        }),
      ];
      const own = await Promise.all(
        officers.map((o, i) => workstream(t, o, { title: `Own ${i}` })),
      );
      await call(
        t,
        officers[1],
        'post',
        `/workstreams/${shared[0].id}/participants`,
        { priorityRank: 1 },
        201,
      );

      const answers: Answer[] = [];
      const written = new Map<string, number>();
      let stop = false;
      let n = 0;
      // A council has one savings line per workstream and financial year: a new year each time.
      const saved = [0, 0, 0];
      const yearAfter2000 = (k: number) =>
        `${2000 + k}-${String((2001 + k) % 100).padStart(2, '0')}`;
      const send = async (
        label: string,
        who: SignedIn,
        method: 'get' | 'post',
        path: string,
        body?: object,
      ) => {
        const started = Date.now();
        const res = await call(t, who, method, path, body);
        answers.push({
          label,
          status: res.status,
          ms: Date.now() - started,
          body: res.status >= 500 || res.status === 409 ? res.body : undefined,
        });
        return res;
      };
      // One officer of each council, each sending one request after another.
      const slice = async (i: number) => {
        const who = officers[i];
        const mine = own[i].id;
        while (!stop) {
          const step = n++ % 9;
          const target = i === 2 ? mine : shared[step % 2].id;
          if (step === 0) await send('workstreams', who, 'get', '/workstreams?limit=20');
          else if (step === 1) await send('dashboard', who, 'get', '/dashboard');
          else if (step === 2) await send('workstream', who, 'get', `/workstreams/${target}`);
          else if (step === 3) await send('agreements', who, 'get', '/agreements');
          else if (step === 4) await send('savings', who, 'get', `/workstreams/${target}/savings`);
          else {
            const kind = ['status-updates', 'milestones', 'risks', 'savings'][step - 5];
            const body = {
              'status-updates': { rag: 'green', period: `Q${1 + (n % 4)} 2010-11` },
              milestones: { title: `Milestone ${n}`, dueOn: '2027-03-31' },
              risks: { description: `Risk ${n}`, likelihood: 1 + (n % 5), impact: 3 },
              savings: {
                financialYear: yearAfter2000(saved[i]++),
                plannedPence: n,
                cashable: n % 2 === 0,
              },
            }[kind];
            const path = `/workstreams/${i === 2 ? mine : own[i].id}/${kind}`;
            const res = await send(kind, who, 'post', path, body);
            if (res.status === 201) written.set(kind, (written.get(kind) ?? 0) + 1);
          }
        }
      };
      const load = Promise.all(officers.map((_, i) => slice(i)));

      const owner = new DataSource(
        dataSourceOptions(t.db.ownerUrl, { ...t.config, databasePoolSize: 1 }, 'jwh-test-migrate'),
      );
      await owner.initialize();
      const applied: { migration: string; attempts: number; ms: number }[] = [];
      try {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const newest = (MIGRATIONS as MigrationClass[]).slice(-NEWEST_N).reverse();
        for (const m of newest) {
          const migration = new m();
          const started = Date.now();
          if (migration.transaction === false) {
            // Not transactional (CREATE INDEX CONCURRENTLY): dropped, then built by the
            // deploy's own migrate, which finds it pending.
            await withRunner(owner, (runner) => migration.down(runner));
            await owner.query(`DELETE FROM migrations WHERE name = $1`, [m.name]);
            const lines: string[] = [];
            await migrate(migrateConfig(t.db), t.db.ownerUrl, (line) => lines.push(line));
            expect(lines.join('\n')).toContain(m.name);
            applied.push({ migration: m.name, attempts: 1, ms: Date.now() - started });
          } else {
            const attempts = await applyAgain(owner, migration);
            applied.push({ migration: m.name, attempts, ms: Date.now() - started });
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
        }
        await new Promise((resolve) => setTimeout(resolve, 1000));
      } finally {
        stop = true;
        await load;
      }

      const serverErrors = answers.filter((a) => a.status >= 500);
      const conflicts = answers.filter((a) => a.status === 409);
      const longest = answers.reduce((a, b) => (b.ms > a.ms ? b : a));
      console.log(
        `Rolling migrations, serving through: ${answers.length} requests during ` +
          `${applied.map((a) => `${a.migration} (${a.attempts} attempt(s), ${a.ms} ms)`).join(', ')}; ` +
          `${serverErrors.length} 5xx, ${conflicts.length} 409 ${JSON.stringify(tallyOf(conflicts.map((c) => `${c.label}: ${(c.body as { detail?: string }).detail}`)))}; longest ${longest.ms} ms (${longest.label}); ` +
          `writes answered 201: ${JSON.stringify(Object.fromEntries(written))}`,
      );
      expect(serverErrors).toEqual([]);
      expect(answers.length).toBeGreaterThan(50);
      // Every answer is one the API documents (no 4xx from a half-made schema).
      const unexpected = answers.filter((a) => ![200, 201, 409].includes(a.status));
      expect(unexpected).toEqual([]);

      // Nothing lost: each write answered 201 is stored, and what the dashboard counts
      // (the participation's part, rebuilt by 1764080000000) still matches the records.
      const ownIds = own.map((w) => w.id);
      for (const [kind, table] of [
        ['status-updates', 'status_updates'],
        ['milestones', 'milestones'],
        ['risks', 'risks'],
        ['savings', 'savings_lines'],
      ]) {
        const [{ count }] = await queryAs<{ count: string }>(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `SELECT count(*) FROM ${table} WHERE workstream_id = ANY ($1)`,
          [ownIds],
        );
        expect({ kind, stored: Number(count) }).toEqual({ kind, stored: written.get(kind) ?? 0 });
      }
      // The savings sums, where they are kept (1764120000000), still add up to the lines.
      const [sums] = await queryAs<{ kept: boolean; equal: boolean }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT to_regclass('savings_sums') IS NOT NULL AS kept`,
      );
      if (sums.kept) {
        const [{ lines, summed }] = await queryAs<{ lines: string; summed: string }>(
          t.db.appUrl,
          PLATFORM_ADMIN_SETTINGS,
          `SELECT (SELECT coalesce(sum(planned_pence), 0) FROM savings_lines) AS lines,
                  (SELECT coalesce(sum(planned_pence), 0) FROM savings_sums) AS summed`,
        );
        expect(summed).toBe(lines);
      }
      const parts = await queryAs<{ part: string | null }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT part FROM workstream_visibility WHERE workstream_id = $1 AND council_id = $2`,
        [shared[0].id, lanarkshire],
      );
      expect(parts).toEqual([{ part: 'interested' }]);
      // Each applied once (the index's row is now the last: it was applied again last).
      const names = await owner.query(`SELECT name FROM migrations`);
      expect(names.map((r: { name: string }) => r.name).sort()).toEqual(
        MIGRATIONS.map((m) => m.name).sort(),
      );
      await owner.destroy();
    }, 180000);
  });

  describe('a migration behind a long transaction', () => {
    let db: TestDatabase;
    let config: ReturnType<typeof migrateConfig>;
    let councilId: string;

    beforeAll(async () => {
      db = await createTestDatabase();
      config = migrateConfig(db);
      // The database as the version before left it: the newest migrations not yet applied.
      const owner = new DataSource(
        dataSourceOptions(db.ownerUrl, { ...config, databasePoolSize: 1 }, 'jwh-test-migrate'),
      );
      await owner.initialize();
      try {
        const pending = (MIGRATIONS as MigrationClass[]).filter(
          (m) => timestampOf(m) >= 1764080000000,
        );
        for (const m of [...pending].reverse()) {
          await withRunner(owner, (runner) => new m().down(runner));
          await owner.query(`DELETE FROM migrations WHERE name = $1`, [m.name]);
        }
      } finally {
        await owner.destroy();
      }
      councilId = '00000000-0000-4000-8000-000000000001';
    });
    afterAll(() => db?.drop());

    /**
     * Holds `workstream_visibility` (as a long report read would) for `holdMs` while `migrate`
     * runs with `patience`, and sends a short read of the table every 100 ms meanwhile; answers
     * how migrate ended and how long the reads waited.
     */
    async function behindALongTransaction(patience: MigrationPatience, holdMs: number) {
      const long = new Client({ connectionString: db.appUrl });
      await long.connect();
      await beginAs(long, { councilId, role: 'officer', userId: PLATFORM_ADMIN_SETTINGS.userId });
      await long.query(`SELECT count(*) FROM workstream_visibility`);
      const waits: { ms: number; error?: string }[] = [];
      let stop = false;
      const reads = (async () => {
        const inFlight: Promise<void>[] = [];
        while (!stop) {
          inFlight.push(
            (async () => {
              const started = Date.now();
              const client = new Client({ connectionString: db.appUrl });
              await client.connect();
              try {
                await beginAs(client, {
                  councilId,
                  role: 'officer',
                  userId: PLATFORM_ADMIN_SETTINGS.userId,
                });
                await client.query(
                  `SELECT count(*) FROM workstream_visibility WHERE council_id = $1`,
                  [councilId],
                );
                await client.query('COMMIT');
                waits.push({ ms: Date.now() - started });
              } catch (error) {
                waits.push({ ms: Date.now() - started, error: (error as { code?: string }).code });
              } finally {
                await client.end();
              }
            })(),
          );
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await Promise.all(inFlight);
      })();
      const lines: string[] = [];
      const started = Date.now();
      const migrating = migrate(config, db.ownerUrl, (line) => lines.push(line), patience).then(
        () => ({ ok: true as const, ms: Date.now() - started }),
        (error: { driverError?: { code?: string } }) => ({
          ok: false as const,
          ms: Date.now() - started,
          code: error.driverError?.code,
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      await long.query('COMMIT');
      await long.end();
      const ended = await migrating;
      await new Promise((resolve) => setTimeout(resolve, 300));
      stop = true;
      await reads;
      const longest = Math.max(...waits.map((w) => w.ms));
      return { ended, waits, longest, lines };
    }

    it('no longer holds up every request behind it, and is applied when the transaction ends', async () => {
      // As it was: the migrator's connection waited DATABASE_LOCK_TIMEOUT_MS (5 s) once.
      const before = await behindALongTransaction(
        { lockTimeoutMs: config.lockTimeoutMs, attempts: 1, retryDelayMs: 0 },
        7000,
      );
      // Now: half a second at a time, again until the transaction ends.
      const after = await behindALongTransaction(
        { lockTimeoutMs: 500, attempts: 40, retryDelayMs: 500 },
        6000,
      );
      const failed = (w: { error?: string }[]) => w.filter((x) => x.error).length;
      console.log(
        `Rolling migrations, behind a 7 s transaction, lock_timeout ${config.lockTimeoutMs} ms once: ` +
          `migrate ${before.ended.ok ? 'applied' : `failed (${before.ended.code})`} after ${before.ended.ms} ms; ` +
          `${before.waits.length} reads, longest wait ${before.longest} ms, ${failed(before.waits)} failed. ` +
          `Behind a 6 s transaction, 500 ms and retries: migrate ${after.ended.ok ? 'applied' : 'failed'} after ` +
          `${after.ended.ms} ms (${after.lines.filter((l) => /gave way/.test(l)).length} retries); ` +
          `${after.waits.length} reads, longest wait ${after.longest} ms, ${failed(after.waits)} failed`,
      );
      expect(before.ended).toMatchObject({ ok: false, code: '55P03' });
      expect(before.longest).toBeGreaterThan(3000);

      expect(after.ended.ok).toBe(true);
      expect(after.lines.some((l) => /gave way/.test(l))).toBe(true);
      expect(after.longest).toBeLessThan(3000);
      expect(failed(after.waits)).toBe(0);
      const names = await queryAs<{ name: string }>(
        db.ownerUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT name FROM migrations ORDER BY id`,
      );
      expect(names.map((r) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
      const [index] = await queryAs<{ valid: boolean }>(
        db.ownerUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = 'milestones_done_after'::regclass`,
      );
      expect(index).toEqual({ valid: true });
    }, 120000);
  });
});
