/**
 * The database's line holds even against SQL run as the application role (README, Security):
 * settings set by hand grant nothing, and the SECURITY DEFINER functions answer only the
 * sign-in role, or only for the caller's own proven council. Every refusal here is paired
 * with the same statement under proven settings, so a malformed query cannot pass for one.
 */
import { Client } from 'pg';
import { TestApp } from './support/test-app';
import { PLATFORM_ADMIN_SETTINGS, beginAs, queryAs } from './support/test-database';
import { SignedIn, World, partnership } from './support/world';

describe('the database line, against SQL run as jwh_app', () => {
  let world: World;
  let t: TestApp;
  let inverclyde: string;
  let leeds: string;
  let officerInverclyde: SignedIn;
  let officerLeeds: SignedIn;

  /** Runs `work` in one transaction of a raw jwh_app connection, then rolls it back. */
  const asApp = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client({ connectionString: t.db.appUrl });
    await client.connect();
    try {
      return await work(client);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  };
  /** Sets `app.*` by hand, as injected SQL could: no proof, or one made for other settings. */
  const forge = async (client: Client, settings: Record<string, string>) => {
    await client.query('START TRANSACTION');
    for (const [name, value] of Object.entries(settings)) {
      await client.query('SELECT set_config($1, $2, true)', [`app.${name}`, value]);
    }
  };
  const count = async (client: Client, sql: string) =>
    Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM (${sql}) q`)).rows[0].n);

  beforeAll(async () => {
    world = await World.start();
    t = world.t;
    inverclyde = await world.council('S12000018');
    leeds = await world.council('E08000035');
    officerInverclyde = await world.user(inverclyde, 'officer');
    officerLeeds = await world.user(leeds, 'officer');
    const adminLeeds = await world.user(leeds, 'council_admin');
    await partnership(t, adminLeeds, 'Leeds private circle', []);
  });
  afterAll(() => t.close());

  it('grants nothing to settings of a platform admin set by hand', async () => {
    const proven = await queryAs<{ n: string }>(
      t.db.appUrl,
      PLATFORM_ADMIN_SETTINGS,
      'SELECT count(*) AS n FROM council_profiles',
    );
    expect(Number(proven[0].n)).toBe(2);
    await asApp(async (client) => {
      await forge(client, { user_id: PLATFORM_ADMIN_SETTINGS.userId!, role: 'platform_admin' });
      expect(await count(client, 'SELECT 1 FROM council_profiles')).toBe(0);
      expect(await count(client, 'SELECT 1 FROM users')).toBe(0);
      expect(await count(client, 'SELECT 1 FROM partnerships')).toBe(0);
      expect(await count(client, 'SELECT 1 FROM audit_events')).toBe(0);
      const changed = await client.query(
        `UPDATE council_profiles SET website = 'https://x.example'`,
      );
      expect(changed.rowCount).toBe(0);
      await expect(
        client.query(
          `INSERT INTO users (email, name, role, status) VALUES ('x@x.example', 'X', 'platform_admin', 'active')`,
        ),
      ).rejects.toThrow(/row-level security/);
    });
  });

  it("grants nothing of Leeds to Inverclyde's proven settings changed by hand to Leeds", async () => {
    await asApp(async (client) => {
      await beginAs(client, {
        userId: officerInverclyde.id,
        councilId: inverclyde,
        role: 'officer',
      });
      expect(await count(client, `SELECT 1 FROM users WHERE council_id = '${inverclyde}'`)).toBe(1);
      await client.query(`SELECT set_config('app.council_id', $1, true)`, [leeds]);
      expect(await count(client, `SELECT 1 FROM users WHERE council_id = '${leeds}'`)).toBe(0);
      expect(await count(client, 'SELECT 1 FROM partnerships')).toBe(0);
      await client.query(`SELECT set_config('app.council_id', $1, true)`, [inverclyde]);
      await client.query(`SELECT set_config('app.role', 'platform_admin', true)`);
      expect(await count(client, 'SELECT 1 FROM users')).toBe(0);
    });
  });

  it('refuses a proof that has expired, or one made with another key', async () => {
    await asApp(async (client) => {
      await beginAs(client, { userId: officerLeeds.id, councilId: leeds, role: 'officer' });
      expect(await count(client, 'SELECT 1 FROM council_profiles')).toBe(1);
      await client.query(`SELECT set_config('app.expires_at', '1000', true)`);
      expect(await count(client, 'SELECT 1 FROM council_profiles')).toBe(0);
    });
    await asApp(async (client) => {
      await beginAs(
        client,
        { userId: officerLeeds.id, councilId: leeds, role: 'officer' },
        'another secret that is at least 32 bytes long',
      );
      expect(await count(client, 'SELECT 1 FROM council_profiles')).toBe(0);
    });
  });

  it('never shows the proof to another session in pg_stat_activity', async () => {
    const watcher = new Client({ connectionString: t.db.appUrl });
    await watcher.connect();
    try {
      await asApp(async (client) => {
        await beginAs(client, { userId: officerLeeds.id, councilId: leeds, role: 'officer' });
        const proof = (
          await client.query<{ p: string }>(`SELECT current_setting('app.proof') AS p`)
        ).rows[0].p;
        expect(proof).toMatch(/^[0-9a-f]{16}\.[0-9a-f]{64}$/);
        const { rows } = await watcher.query<{ query: string }>(
          `SELECT query FROM pg_stat_activity WHERE datname = current_database()`,
        );
        expect(rows.length).toBeGreaterThan(1);
        expect(rows.filter((r) => r.query.includes(proof.split('.')[1]))).toEqual([]);
      });
    } finally {
      await watcher.end();
    }
  });

  it('keeps the key out of reach of both service roles', async () => {
    for (const url of [t.db.appUrl, t.db.authUrl]) {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await expect(client.query('SELECT * FROM app_session_keys')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.end();
      }
    }
  });

  describe('the definer functions', () => {
    const signInOnly = [
      [`SELECT * FROM auth_credentials('x@x.example')`],
      [`SELECT * FROM auth_actor(gen_random_uuid(), gen_random_uuid())`],
      [`SELECT auth_issue_refresh(gen_random_uuid(), gen_random_uuid(), 'h', now())`],
      [`SELECT * FROM auth_rotate_refresh('a', 'b', now())`],
      [`SELECT auth_revoke_family(gen_random_uuid())`],
      [`SELECT * FROM auth_issue_reset('x@x.example', 'h', now())`],
      [`SELECT auth_user_token_valid('h', 'invitation')`],
      [`SELECT auth_consume_user_token('h', 'password_reset', 'hash')`],
      [`SELECT * FROM login_throttle_hit(repeat('a', 64), 't', 1, 1000, 1000)`],
      [`SELECT sign_in_attempt('a', 'b', 'c', 1, 1, 1, 1000)`],
      [`SELECT sign_in_succeeded('a', 'b', 'c')`],
      [`SELECT council_partnership_ids(gen_random_uuid())`],
    ];

    it.each(signInOnly)('refuses %s to jwh_app, even as a proven platform admin', async (sql) => {
      await asApp(async (client) => {
        await beginAs(client, PLATFORM_ADMIN_SETTINGS);
        await expect(client.query(sql)).rejects.toThrow(/permission denied for function/);
      });
    });

    it('lets the sign-in role run them (and read no table)', async () => {
      const client = new Client({ connectionString: t.db.authUrl });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT * FROM auth_credentials('nobody@x.example')`);
        expect(rows).toEqual([]);
        await expect(client.query('SELECT id FROM users')).rejects.toThrow(/permission denied/);
        await expect(client.query('SELECT id FROM refresh_tokens')).rejects.toThrow(
          /permission denied/,
        );
      } finally {
        await client.end();
      }
    });

    it("refuses an invitation for another council's user, and to forged settings", async () => {
      const [leedsUser] = await queryAs<{ id: string }>(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `INSERT INTO users (council_id, email, name, role) VALUES ($1, 'new@leeds.example', 'N', 'officer') RETURNING id`,
        [leeds],
      );
      const invite = `SELECT auth_issue_invitation($1, md5(random()::text), now() + interval '1 day')`;
      const adminInverclyde = await world.user(inverclyde, 'council_admin');
      await asApp(async (client) => {
        await beginAs(client, {
          userId: adminInverclyde.id,
          councilId: inverclyde,
          role: 'council_admin',
        });
        await expect(client.query(invite, [leedsUser.id])).rejects.toThrow(/not permitted/);
      });
      await asApp(async (client) => {
        await forge(client, { role: 'platform_admin' });
        await expect(client.query(invite, [leedsUser.id])).rejects.toThrow(/not permitted/);
      });
      await asApp(async (client) => {
        await beginAs(client, PLATFORM_ADMIN_SETTINGS);
        await client.query(invite, [leedsUser.id]);
      });
    });

    it("answers a lead officer's council only for a council the caller shares a partnership with", async () => {
      const sql = 'SELECT lead_officer_council($1) AS council';
      const asInverclyde = { userId: officerInverclyde.id, councilId: inverclyde, role: 'officer' };
      const [other] = await queryAs<{ council: string | null }>(t.db.appUrl, asInverclyde, sql, [
        officerLeeds.id,
      ]);
      expect(other.council).toBeNull();
      const [own] = await queryAs<{ council: string | null }>(t.db.appUrl, asInverclyde, sql, [
        officerInverclyde.id,
      ]);
      expect(own.council).toBe(inverclyde);
    });

    it('writes no read event for forged platform-admin settings', async () => {
      await asApp(async (client) => {
        await forge(client, { role: 'platform_admin', user_id: PLATFORM_ADMIN_SETTINGS.userId! });
        await client.query(`SELECT audit_access('GET', '/forged')`);
        await client.query('COMMIT');
      });
      const events = await queryAs(
        t.db.appUrl,
        PLATFORM_ADMIN_SETTINGS,
        `SELECT 1 FROM audit_events WHERE entity_id = '/forged'`,
      );
      expect(events).toEqual([]);
    });
  });
});
