/**
 * The benchmark's replay of the service's SQL (test/bench/capture.ts): the statements a request
 * sent, as a pgbench script for `-M prepared`, with the values bound as the service binds them.
 * The script's shape is checked always; it is run through pgbench (Debian's, which .ci/run
 * installs) against a real database, where the proven settings must hold for its statement.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SettingsProver } from '../src/database/settings-proof';
import { settingsStatement } from '../src/tenancy/tenant-transaction.adapter';
import type { CapturedStatement } from '../bench/capture-sql';
import { pgbenchScript } from './bench/capture';
import { PGBENCH, pgbench } from './bench/pgbench';
import { TEST_SECRET } from './support/test-config';
import { PLATFORM_ADMIN_SETTINGS, TestDatabase, createTestDatabase } from './support/test-database';

describe('the benchmark replays the SQL the service sent', () => {
  it('binds each value once per statement, and each literal holding a colon, as a pgbench variable; pipelines START TRANSACTION with its statement', () => {
    const statements: CapturedStatement[] = [
      {
        user: 'jwh_app',
        text: 'SELECT set_config($1, $2, true), set_config($3, $1, true)',
        values: ['app.x', "it's", ''],
        begins: true,
      },
      { user: 'jwh_auth', text: 'SELECT $1', values: ['not this role'] },
      {
        user: 'jwh_app',
        text: "SELECT to_char(now(), 'HH24:MI:SS') AS t, $1::int + $1::int AS n, 'a''b' AS q\n  FROM x WHERE y = $2;",
        values: ['2', null],
      },
      { user: 'jwh_app', text: 'COMMIT', values: [] },
    ];
    const { script, variables } = pgbenchScript(statements, 'jwh_app');
    expect(script).toBe(
      "\\startpipeline\nSTART TRANSACTION;\nSELECT set_config(:v1, :v2, true), set_config('', :v1, true);\n\\endpipeline\n" +
        "SELECT to_char(now(), :v3) AS t, :v4::int + :v4::int AS n, 'a''b' AS q FROM x WHERE y = NULL;\n" +
        'COMMIT;\n',
    );
    expect(variables).toEqual({ v1: 'app.x', v2: "it's", v3: 'HH24:MI:SS', v4: '2' });
  });

  const havePgbench = existsSync(PGBENCH);
  if (!havePgbench) {
    process.stdout.write(
      `test/bench-replay: no pgbench at ${PGBENCH} (Debian: apt-get install postgresql-15): the run is skipped\n`,
    );
  }
  (havePgbench ? describe : describe.skip)('through pgbench -M prepared', () => {
    let db: TestDatabase;
    let workDir: string;
    beforeAll(async () => {
      db = await createTestDatabase();
      workDir = mkdtempSync(join(tmpdir(), 'jwh-replay-'));
    });
    afterAll(async () => {
      rmSync(workDir, { recursive: true, force: true });
      await db.drop();
    });

    const proven = (): CapturedStatement => {
      const [text, values] = settingsStatement(new SettingsProver(TEST_SECRET), {
        userId: '',
        councilId: '',
        role: '',
        sessionId: '',
        requestId: 'replay',
        ...PLATFORM_ADMIN_SETTINGS,
      });
      return { user: 'jwh_app', text, values: values.map(String), begins: true };
    };
    // Divides by zero unless the transaction's settings were proven (a platform admin's).
    const checked: CapturedStatement = {
      user: 'jwh_app',
      text:
        `SELECT to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS') AS at, count(*) AS councils, ` +
        `1 / (CASE WHEN (SELECT app_is_platform_admin()) THEN 1 ELSE 0 END) AS proven ` +
        `FROM councils WHERE name <> $1`,
      values: ['no such council'],
    };
    const commit: CapturedStatement = { user: 'jwh_app', text: 'COMMIT', values: [] };

    it('runs the transaction with its settings proven, every time and without a failure', async () => {
      const result = await pgbench({
        url: db.appUrl,
        ...pgbenchScript([proven(), checked, commit], 'jwh_app'),
        clients: 2,
        seconds: 2,
        workDir,
      });
      expect(result.errors).toBe(0);
      expect(result.transactions).toBeGreaterThan(10);
    });

    it('fails when the settings are not proven (so the check above can fail)', async () => {
      const unproven = proven();
      unproven.values[5] = 'x.y'; // the proof
      await expect(
        pgbench({
          url: db.appUrl,
          ...pgbenchScript([unproven, checked, commit], 'jwh_app'),
          clients: 1,
          seconds: 1,
          workDir,
        }),
      ).rejects.toThrow(/division by zero/);
    });
  });
});
