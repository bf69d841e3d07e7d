import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The database's line holds even against SQL run as the application role (README, Security).
 *
 * Proven settings. Each request's transaction sets `app.user_id`, `app.council_id`, `app.role`,
 * `app.session_id`, `app.expires_at` and `app.proof`, an HMAC-SHA256 of the five made by the
 * service with a key derived from its secret (src/tenancy/settings-proof.ts). The key's two
 * HMAC pads live in `app_session_keys`, which only the owner reads. `app_user_id()`,
 * `app_council_id()` and `app_role()`, which every policy and helper reads, now answer NULL
 * unless the proof matches and has not expired: a statement that sets `app.role` to
 * `platform_admin` by hand, or another council's id, is granted nothing. The proof goes to the
 * database as a bind parameter, so no other session reads it in `pg_stat_activity`.
 *
 * Two roles. The functions that read credentials and issue, rotate or revoke tokens, count
 * sign-in attempts and resolve a caller are executable only by `jwh_auth`, the sign-in role,
 * which reads no table. `jwh_app`, which serves requests, keeps the functions that answer for
 * the caller's own (proven) council only. A user's sessions end by trigger when they stop
 * being active, and an invitation is issued only by someone who manages the user.
 */
export class ProvenSettings1763970000000 implements MigrationInterface {
  name = 'ProvenSettings1763970000000';

  async up(db: QueryRunner): Promise<void> {
    const definer = 'SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';
    await db.query(`
      CREATE TABLE app_session_keys (
        id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{16}$'),
        inner_pad bytea NOT NULL CHECK (length(inner_pad) = 64),
        outer_pad bytea NOT NULL CHECK (length(outer_pad) = 64),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`ALTER TABLE app_session_keys ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE app_session_keys FORCE ROW LEVEL SECURITY`);
    await db.query(
      `CREATE POLICY app_session_keys_owner ON app_session_keys FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );

    const setting = (name: string) => `coalesce(current_setting('app.${name}', true), '')`;
    await db.query(`
      CREATE FUNCTION app_settings_proven() RETURNS boolean LANGUAGE sql STABLE PARALLEL RESTRICTED ${definer} AS $$
        SELECT CASE WHEN ${setting('expires_at')} ~ '^[0-9]{1,12}$'
                     AND ${setting('expires_at')}::bigint > extract(epoch FROM now())
               THEN coalesce((
                 SELECT encode(sha256(k.outer_pad || sha256(k.inner_pad || convert_to(concat_ws('|',
                          ${setting('user_id')}, ${setting('council_id')}, ${setting('role')},
                          ${setting('session_id')}, ${setting('expires_at')}), 'UTF8'))), 'hex')
                        = split_part(${setting('proof')}, '.', 2)
                   FROM app_session_keys k WHERE k.id = split_part(${setting('proof')}, '.', 1)), false)
               ELSE false END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL RESTRICTED AS
      $$ SELECT CASE WHEN app_settings_proven() THEN nullif(current_setting('app.user_id', true), '')::uuid END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION app_council_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL RESTRICTED AS
      $$ SELECT CASE WHEN app_settings_proven() THEN nullif(current_setting('app.council_id', true), '')::uuid END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE PARALLEL RESTRICTED AS
      $$ SELECT CASE WHEN app_settings_proven() THEN nullif(current_setting('app.role', true), '') END $$`);
    // A definer function sets its search path, which a parallel worker may not do.
    await db.query(`ALTER FUNCTION app_is_platform_admin() PARALLEL RESTRICTED`);
    await db.query(`REVOKE ALL ON FUNCTION app_settings_proven() FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_settings_proven() TO jwh_app`);

    await this.signInRole(db, definer);

    // A user's sessions end when they stop being active (disabled, or set back to invited),
    // for good: being made active again revives none of them.
    await db.query(`
      CREATE FUNCTION users_sessions_end() RETURNS trigger LANGUAGE plpgsql ${definer} AS $$
      BEGIN
        UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = NEW.id AND revoked_at IS NULL;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER users_sessions_end AFTER UPDATE OF status ON users FOR EACH ROW
      WHEN (OLD.status = 'active' AND NEW.status <> 'active') EXECUTE FUNCTION users_sessions_end()`);
    await db.query(`DROP FUNCTION auth_revoke_user(uuid)`);

    // A lead officer's council, for a user the caller could name: of their own council, or of
    // a council that shares a current partnership with it.
    await db.query(`
      CREATE OR REPLACE FUNCTION lead_officer_council(p_user_id uuid) RETURNS uuid
      LANGUAGE sql STABLE ${definer} AS $$
        SELECT u.council_id FROM users u
         WHERE u.id = p_user_id AND u.status = 'active' AND u.role <> 'viewer'
           AND (app_is_platform_admin() OR u.council_id = app_council_id()
                OR EXISTS (SELECT 1 FROM partnership_members m
                            WHERE m.council_id = u.council_id AND m.left_on IS NULL
                              AND m.partnership_id = ANY (app_partnership_ids()))) $$`);
  }

  /** The sign-in path: its own role, its own functions. */
  private async signInRole(db: QueryRunner, definer: string): Promise<void> {
    await db.query(`GRANT USAGE ON SCHEMA public TO jwh_auth`);
    const signInOnly = [
      'auth_credentials(text)',
      'auth_actor(uuid, uuid)',
      'auth_issue_refresh(uuid, uuid, text, timestamptz)',
      'auth_rotate_refresh(text, text, timestamptz)',
      'auth_revoke_family(uuid)',
      'login_throttle_hit(text, text, integer, bigint, bigint)',
      'council_partnership_ids(uuid)',
    ];
    for (const fn of signInOnly) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM jwh_app`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_auth`);
    }

    // Invitations: issued inside the request that manages the user (a proven platform admin,
    // or a council admin of the user's council), for an invited user only.
    await db.query(`DROP FUNCTION auth_issue_user_token(uuid, text, text, timestamptz)`);
    await db.query(`
      CREATE FUNCTION auth_issue_invitation(p_user_id uuid, p_hash text, p_expires timestamptz)
      RETURNS void LANGUAGE plpgsql ${definer} AS $$
      BEGIN
        IF NOT EXISTS (
             SELECT 1 FROM users u WHERE u.id = p_user_id AND u.status = 'invited'
                AND (app_is_platform_admin() OR (app_role() = 'council_admin' AND u.council_id = app_council_id()))) THEN
          RAISE EXCEPTION 'not permitted' USING ERRCODE = '42501';
        END IF;
        UPDATE user_tokens SET used_at = now() WHERE user_id = p_user_id AND purpose = 'invitation' AND used_at IS NULL;
        INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES (p_user_id, 'invitation', p_hash, p_expires);
      END $$`);
    // Resets: for an active user found by their stored (normalised) email; answers the stored
    // address and name, the only address the code is mailed to.
    await db.query(`
      CREATE FUNCTION auth_issue_reset(p_email text, p_hash text, p_expires timestamptz)
      RETURNS TABLE (email text, name text) LANGUAGE plpgsql ${definer} AS $$
      DECLARE found users%ROWTYPE;
      BEGIN
        SELECT u.* INTO found FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
         WHERE u.email = p_email AND u.status = 'active' AND coalesce(p.status, 'active') = 'active';
        IF found.id IS NULL THEN RETURN; END IF;
        UPDATE user_tokens SET used_at = now() WHERE user_id = found.id AND purpose = 'password_reset' AND used_at IS NULL;
        INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES (found.id, 'password_reset', p_hash, p_expires);
        RETURN QUERY SELECT found.email, found.name;
      END $$`);
    // A code is checked before the new password is hashed, and spent atomically after: an
    // invitation activates an invited user; a reset sets an active user's password only.
    await db.query(`
      CREATE FUNCTION auth_user_token_valid(p_hash text, p_purpose text) RETURNS boolean
      LANGUAGE sql STABLE ${definer} AS $$
        SELECT EXISTS (SELECT 1 FROM user_tokens t JOIN users u ON u.id = t.user_id
                        WHERE t.token_hash = p_hash AND t.purpose = p_purpose AND t.used_at IS NULL
                          AND t.expires_at > now()
                          AND u.status = CASE p_purpose WHEN 'invitation' THEN 'invited' ELSE 'active' END) $$`);
    await db.query(`DROP FUNCTION auth_consume_user_token(text, text, text)`);
    await db.query(`
      CREATE FUNCTION auth_consume_user_token(p_hash text, p_purpose text, p_password_hash text)
      RETURNS uuid LANGUAGE plpgsql ${definer} AS $$
      DECLARE spent user_tokens%ROWTYPE;
      BEGIN
        UPDATE user_tokens t SET used_at = now()
          FROM users u
         WHERE t.token_hash = p_hash AND t.purpose = p_purpose AND t.used_at IS NULL AND t.expires_at > now()
           AND u.id = t.user_id AND u.status = CASE p_purpose WHEN 'invitation' THEN 'invited' ELSE 'active' END
        RETURNING t.* INTO spent;
        IF spent.id IS NULL THEN RETURN NULL; END IF;
        UPDATE users SET password_hash = p_password_hash, status = 'active', version = version + 1
         WHERE id = spent.user_id;
        UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = spent.user_id AND revoked_at IS NULL;
        RETURN spent.user_id;
      END $$`);

    // Sign-in attempts: counted per (account, address), per address and per account; a
    // success takes its own attempt back. An account attacked from many addresses refuses only
    // the addresses that have already failed for it.
    await db.query(`
      CREATE FUNCTION sign_in_attempt(p_account text, p_pair text, p_address text, p_pair_limit integer,
                                      p_account_limit integer, p_address_limit integer, p_ttl_ms bigint)
      RETURNS integer LANGUAGE plpgsql ${definer} AS $$
      DECLARE pair record; address record; account record;
      BEGIN
        SELECT * INTO pair FROM login_throttle_hit(p_pair, 'sign_in_pair', p_pair_limit, p_ttl_ms, p_ttl_ms);
        SELECT * INTO address FROM login_throttle_hit(p_address, 'sign_in_address', p_address_limit, p_ttl_ms, p_ttl_ms);
        SELECT * INTO account FROM login_throttle_hit(p_account, 'sign_in_account', p_account_limit, p_ttl_ms, p_ttl_ms);
        RETURN greatest(
          CASE WHEN pair.is_blocked THEN greatest(1, pair.block_expires_in) ELSE 0 END,
          CASE WHEN address.is_blocked THEN greatest(1, address.block_expires_in) ELSE 0 END,
          CASE WHEN account.is_blocked AND pair.total_hits > 1 THEN greatest(1, account.block_expires_in) ELSE 0 END);
      END $$`);
    await db.query(`
      CREATE FUNCTION sign_in_succeeded(p_account text, p_pair text, p_address text)
      RETURNS void LANGUAGE plpgsql ${definer} AS $$
      BEGIN
        DELETE FROM login_throttle WHERE (key = p_pair AND throttler = 'sign_in_pair')
                                      OR (key = p_account AND throttler = 'sign_in_account');
        UPDATE login_throttle SET hits = greatest(hits - 1, 0)
         WHERE key = p_address AND throttler = 'sign_in_address' AND blocked_until IS NULL;
      END $$`);

    const signInFunctions = [
      'auth_issue_reset(text, text, timestamptz)',
      'auth_user_token_valid(text, text)',
      'auth_consume_user_token(text, text, text)',
      'sign_in_attempt(text, text, text, integer, integer, integer, bigint)',
      'sign_in_succeeded(text, text, text)',
    ];
    for (const fn of signInFunctions) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_auth`);
    }
    await db.query(
      `REVOKE ALL ON FUNCTION auth_issue_invitation(uuid, text, timestamptz) FROM PUBLIC`,
    );
    await db.query(
      `GRANT EXECUTE ON FUNCTION auth_issue_invitation(uuid, text, timestamptz) TO jwh_app`,
    );
  }

  down(): Promise<void> {
    // Going back would hand the application role the sign-in functions and unproven
    // settings again; restore a backup taken before this migration instead.
    return Promise.reject(new Error('ProvenSettings1763970000000 cannot be reverted'));
  }
}
