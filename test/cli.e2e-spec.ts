import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import request from 'supertest';
import { runCli } from '../src/cli/main';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, queryAs } from './support/test-database';
import { World } from './support/world';

/**
 * The operator CLI (`npm run cli -- …`), run in-process: it writes users through the
 * application's services as the operator, so the rules, row-level security and the audit
 * apply as they do to the API, and it reads the password from PASSWORD or stdin only.
 */
const PASSWORD = 'a long enough operator password';
const INVERCLYDE = 'S12000018';

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jwh-cli-'));
  chmodSync(dir, 0o755);
  return dir;
};
const noInput = () => Readable.from([]);

describe('the operator CLI, beside a running service', () => {
  let t: TestApp;
  let world: World;
  let env: Record<string, string>;
  const lines: string[] = [];
  const cli = (args: string[], extra: Record<string, string> = {}, input = noInput()) =>
    runCli(args, { ...env, ...extra }, input, (line) => lines.push(line));
  const stored = <T>(sql: string, params: unknown[] = []) =>
    queryAs<T>(t.db.appUrl, PLATFORM_ADMIN_SETTINGS, sql, params);
  const userCount = async () =>
    Number((await stored<{ n: string }>('SELECT count(*) AS n FROM users'))[0].n);
  const login = (email: string, password = PASSWORD) =>
    request(t.http).post('/api/v1/auth/login').send({ email, password });

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    await world.council(INVERCLYDE);
    // The running service's database, and its application role given outright (so that the
    // CLI does not set the shared role's password).
    env = {
      DATABASE_URL: t.db.ownerUrl,
      DATABASE_APP_URL: t.db.appUrl,
      DATABASE_AUTH_URL: t.db.authUrl,
      DATABASE_JOBS_URL: t.db.jobsUrl,
      DATA_DIR: tempDir(),
      LOG_LEVEL: 'silent',
      JWT_SECRET: 'test-secret-that-is-at-least-32-bytes-long',
    };
  });
  afterAll(() => t.close());

  it('creates the first platform admin with the password from PASSWORD, audited as the operator', async () => {
    await cli(['create-platform-admin', '--email', 'ops@jwh.test', '--name', 'Ops'], {
      PASSWORD,
    });
    expect(lines).toContain('Created platform_admin ops@jwh.test');
    const [user] = await stored<{ id: string; role: string; status: string; council: null }>(
      `SELECT id, role, status, council_id AS council FROM users WHERE email = 'ops@jwh.test'`,
    );
    expect(user).toMatchObject({ role: 'platform_admin', status: 'active', council: null });
    const events = await stored<{ action: string; actor: string | null; request: string }>(
      `SELECT action, actor_user_id AS actor, request_id AS request FROM audit_events
        WHERE entity_type = 'users' AND entity_id = $1`,
      [user.id],
    );
    expect(events).toEqual([{ action: 'insert', actor: null, request: 'cli' }]);
    expect((await login('ops@jwh.test')).status).toBe(200);
  });

  it('creates an active user of an onboarded council with the password read from stdin', async () => {
    const stdin = Readable.from([`${PASSWORD}\n`]);
    await cli(
      [
        'create-user',
        '--email',
        'officer@inverclyde.test',
        '--name',
        'Jo',
        '--role',
        'officer',
      ].concat(['--council', INVERCLYDE]),
      {},
      stdin,
    );
    expect((await login('officer@inverclyde.test')).status).toBe(200);
    // (Only sign-in is asked of the service here: the CLI's own app, closed again, took over
    // passport's process-wide 'jwt' strategy, which a separate CLI process never shares.)
    const [user] = await stored<{ role: string; status: string; gss: string }>(
      `SELECT u.role, u.status, c.gss_code AS gss FROM users u JOIN councils c ON c.id = u.council_id
        WHERE u.email = 'officer@inverclyde.test'`,
    );
    expect(user).toEqual({ role: 'officer', status: 'active', gss: INVERCLYDE });
  });

  it.each([
    [
      'an email that exists, in another case',
      ['create-platform-admin', '--email', 'OPS@jwh.test', '--name', 'Ops again'],
      { PASSWORD },
      /A user with the email ops@jwh.test already exists/,
    ],
    [
      'a password under 12 characters',
      ['create-platform-admin', '--email', 'short@jwh.test', '--name', 'Short'],
      { PASSWORD: 'too short' },
      /at least 12 characters/,
    ],
    [
      'a council that is not onboarded',
      [
        'create-user',
        '--email',
        'a@leeds.test',
        '--name',
        'A',
        '--role',
        'officer',
        '--council',
        'E08000035',
      ],
      { PASSWORD },
      /No onboarded council has the GSS code E08000035/,
    ],
    [
      'a platform admin made by create-user',
      [
        'create-user',
        '--email',
        'b@jwh.test',
        '--name',
        'B',
        '--role',
        'platform_admin',
        '--council',
        INVERCLYDE,
      ],
      { PASSWORD },
      /--role must be council_admin, officer or viewer/,
    ],
    [
      'an email that is not one',
      [
        'create-user',
        '--email',
        'not-an-email',
        '--name',
        'C',
        '--role',
        'viewer',
        '--council',
        INVERCLYDE,
      ],
      { PASSWORD },
      /^email: /,
    ],
  ])('refuses %s and stores nothing', async (_, args, extra, message) => {
    const before = await userCount();
    await expect(cli(args, extra)).rejects.toThrow(message);
    expect(await userCount()).toBe(before);
  });
});
