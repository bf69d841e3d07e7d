import { MigrationInterface, QueryRunner } from 'typeorm';
import { loadRegister } from './data/register';

/**
 * Councils, users, sessions and the audit log, with their row-level security (docs/access-rules.md,
 * Visibility). The directory of councils is readable by every signed-in user; a council's
 * profile and its users only by the council itself and platform admins. Sign-in and token
 * rotation go through SECURITY DEFINER functions, so the application role never reads a
 * password hash or a refresh token row directly.
 */
export class Identity1763860000000 implements MigrationInterface {
  name = 'Identity1763860000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE local_authorities (
        register_code text PRIMARY KEY,
        official_name text NOT NULL,
        nice_name text NOT NULL,
        gss_code text,
        start_date date,
        end_date date,
        replaced_by text,
        nation text NOT NULL,
        region text,
        type_code text NOT NULL,
        type_name text NOT NULL,
        is_current boolean NOT NULL
      )`);
    await db.query(`CREATE INDEX local_authorities_gss_code ON local_authorities (gss_code)`);
    for (const row of loadRegister()) {
      await db.query(
        `INSERT INTO local_authorities VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
        row,
      );
    }
    await db.query(`GRANT SELECT ON local_authorities TO jwh_app`);

    await db.query(`
      CREATE TABLE councils (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        slug text NOT NULL UNIQUE,
        gss_code text NOT NULL UNIQUE CHECK (gss_code ~ '^[A-Z][0-9]{8}$'),
        type text NOT NULL,
        nation text NOT NULL,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE council_profiles (
        council_id uuid PRIMARY KEY REFERENCES councils (id),
        register_code text NOT NULL UNIQUE CHECK (register_code ~ '^[A-Z]{3}$'),
        region text,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        website text,
        contact_email text,
        address text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        council_id uuid REFERENCES councils (id),
        email text NOT NULL,
        name text NOT NULL,
        job_title text,
        role text NOT NULL CHECK (role IN ('platform_admin', 'council_admin', 'officer', 'viewer')),
        status text NOT NULL DEFAULT 'invited' CHECK (status IN ('invited', 'active', 'disabled')),
        password_hash text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((role = 'platform_admin') = (council_id IS NULL))
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email ON users (lower(email))`);
    await db.query(`CREATE INDEX users_council_list ON users (council_id, created_at, id)`);
    await db.query(`
      CREATE TABLE refresh_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        family_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users (id),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id)`);
    await db.query(`CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id)`);
    await db.query(`
      CREATE TABLE audit_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        actor_user_id uuid,
        actor_council_id uuid,
        council_id uuid,
        action text NOT NULL,
        entity_type text NOT NULL,
        entity_id text NOT NULL,
        before jsonb,
        after jsonb,
        request_id text
      )`);
    await db.query(`CREATE INDEX audit_events_council ON audit_events (council_id, id)`);

    for (const table of ['councils', 'council_profiles', 'users']) {
      await db.query(
        `CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      );
    }

    // One audit mechanism for every tenant table: a row trigger in the writing transaction.
    await db.query(`
      CREATE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'password_hash' END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'password_hash' END;
        owner_column text := TG_ARGV[0];
        subject jsonb := coalesce(new_row, old_row);
      BEGIN
        IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NEW; END IF;
        INSERT INTO audit_events (actor_user_id, actor_council_id, council_id, action, entity_type,
                                  entity_id, before, after, request_id)
        VALUES (app_user_id(), app_council_id(), (subject ->> owner_column)::uuid, lower(TG_OP),
                TG_TABLE_NAME, coalesce(subject ->> 'id', subject ->> owner_column), old_row, new_row,
                nullif(current_setting('app.request_id', true), ''));
        RETURN coalesce(NEW, OLD);
      END $$`);
    await db.query(
      `CREATE TRIGGER councils_audit AFTER INSERT OR UPDATE OR DELETE ON councils FOR EACH ROW EXECUTE FUNCTION audit_row('id')`,
    );
    await db.query(
      `CREATE TRIGGER council_profiles_audit AFTER INSERT OR UPDATE OR DELETE ON council_profiles FOR EACH ROW EXECUTE FUNCTION audit_row('council_id')`,
    );
    await db.query(
      `CREATE TRIGGER users_audit AFTER INSERT OR UPDATE OR DELETE ON users FOR EACH ROW EXECUTE FUNCTION audit_row('council_id')`,
    );
    await db.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = '42501'; END $$`);
    await db.query(
      `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
    );

    // Row-level security, forced on the owner too.
    for (const table of [
      'councils',
      'council_profiles',
      'users',
      'refresh_tokens',
      'audit_events',
    ]) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    await db.query(
      `CREATE POLICY councils_read ON councils FOR SELECT USING (app_user_id() IS NOT NULL)`,
    );
    await db.query(
      `CREATE POLICY councils_write ON councils FOR ALL USING (app_is_platform_admin()) WITH CHECK (app_is_platform_admin())`,
    );
    await db.query(`
      CREATE POLICY council_profiles_own ON council_profiles FOR SELECT
      USING (app_is_platform_admin() OR council_id = app_council_id())`);
    await db.query(`
      CREATE POLICY council_profiles_edit ON council_profiles FOR UPDATE
      USING (app_is_platform_admin() OR (app_role() = 'council_admin' AND council_id = app_council_id()))`);
    // Only a platform admin suspends or reinstates a council, or changes its register code.
    await db.query(`
      CREATE FUNCTION council_profiles_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NOT app_is_platform_admin() AND (NEW.status IS DISTINCT FROM OLD.status
             OR NEW.register_code IS DISTINCT FROM OLD.register_code) THEN
          RAISE EXCEPTION 'only a platform admin may change a council''s status or code' USING ERRCODE = '42501';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER council_profiles_guard BEFORE UPDATE ON council_profiles FOR EACH ROW EXECUTE FUNCTION council_profiles_guard()`,
    );
    await db.query(
      `CREATE POLICY council_profiles_create ON council_profiles FOR INSERT WITH CHECK (app_is_platform_admin())`,
    );
    await db.query(`
      CREATE POLICY users_read ON users FOR SELECT
      USING (app_is_platform_admin() OR council_id = app_council_id() OR id = app_user_id())`);
    await db.query(`
      CREATE POLICY users_create ON users FOR INSERT
      WITH CHECK (app_is_platform_admin()
                  OR (app_role() = 'council_admin' AND council_id = app_council_id() AND role <> 'platform_admin'))`);
    await db.query(`
      CREATE POLICY users_edit ON users FOR UPDATE
      USING (app_is_platform_admin() OR (app_role() = 'council_admin' AND council_id = app_council_id()))
      WITH CHECK (app_is_platform_admin()
                  OR (app_role() = 'council_admin' AND council_id = app_council_id() AND role <> 'platform_admin'))`);
    await db.query(`
      CREATE POLICY audit_events_read ON audit_events FOR SELECT
      USING (app_is_platform_admin() OR (app_role() = 'council_admin' AND council_id = app_council_id()))`);
    // The audit trigger runs as the owner; only it may append.
    await db.query(
      `CREATE POLICY audit_events_append ON audit_events FOR INSERT TO CURRENT_USER WITH CHECK (true)`,
    );
    // The sign-in functions (SECURITY DEFINER, run as the owner) read users and profiles.
    await db.query(`CREATE POLICY users_owner ON users FOR SELECT TO CURRENT_USER USING (true)`);
    await db.query(
      `CREATE POLICY council_profiles_owner ON council_profiles FOR SELECT TO CURRENT_USER USING (true)`,
    );
    await db.query(
      `CREATE POLICY refresh_tokens_owner ON refresh_tokens FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );

    await db.query(`GRANT SELECT, INSERT, UPDATE ON councils, council_profiles TO jwh_app`);
    await db.query(`
      GRANT SELECT (id, council_id, email, name, job_title, role, status, version, created_at, updated_at),
            INSERT (council_id, email, name, job_title, role, status, password_hash),
            UPDATE (name, job_title, role, status, password_hash, version)
      ON users TO jwh_app`);
    await db.query(`GRANT SELECT ON audit_events TO jwh_app`);

    await this.authFunctions(db);
  }

  private async authFunctions(db: QueryRunner): Promise<void> {
    const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = public';
    await db.query(`
      CREATE FUNCTION auth_credentials(p_email text)
      RETURNS TABLE (user_id uuid, council_id uuid, role text, status text, password_hash text, council_status text)
      ${definer} AS $$
      BEGIN
        RETURN QUERY SELECT u.id, u.council_id, u.role, u.status, u.password_hash, coalesce(p.status, 'active')
          FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
         WHERE lower(u.email) = lower(p_email);
      END $$`);
    await db.query(`
      CREATE FUNCTION auth_actor(p_user_id uuid, p_family_id uuid)
      RETURNS TABLE (user_id uuid, council_id uuid, role text)
      ${definer} AS $$
      BEGIN
        RETURN QUERY SELECT u.id, u.council_id, u.role
          FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
         WHERE u.id = p_user_id AND u.status = 'active' AND coalesce(p.status, 'active') = 'active'
           AND EXISTS (SELECT 1 FROM refresh_tokens t WHERE t.family_id = p_family_id
                         AND t.user_id = u.id AND t.revoked_at IS NULL);
      END $$`);
    await db.query(`
      CREATE FUNCTION auth_issue_refresh(p_user_id uuid, p_family_id uuid, p_hash text, p_expires timestamptz)
      RETURNS void ${definer} AS $$
      BEGIN
        INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at)
        VALUES (p_family_id, p_user_id, p_hash, p_expires);
      END $$`);
    // One atomic UPDATE … RETURNING: of two parallel rotations of one token, one wins.
    // Presenting a token that was already used revokes its whole family.
    await db.query(`
      CREATE FUNCTION auth_rotate_refresh(p_old_hash text, p_new_hash text, p_expires timestamptz)
      RETURNS TABLE (user_id uuid, family_id uuid) ${definer} AS $$
      DECLARE
        won refresh_tokens%ROWTYPE;
        seen refresh_tokens%ROWTYPE;
      BEGIN
        UPDATE refresh_tokens t SET used_at = now()
         WHERE t.token_hash = p_old_hash AND t.used_at IS NULL AND t.revoked_at IS NULL AND t.expires_at > now()
        RETURNING * INTO won;
        IF won.id IS NULL THEN
          SELECT * INTO seen FROM refresh_tokens t WHERE t.token_hash = p_old_hash;
          IF seen.id IS NOT NULL AND seen.used_at IS NOT NULL THEN
            UPDATE refresh_tokens t SET revoked_at = now() WHERE t.family_id = seen.family_id AND t.revoked_at IS NULL;
          END IF;
          RETURN;
        END IF;
        -- A disabled user or a suspended council gets no new token.
        IF NOT EXISTS (SELECT 1 FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
                        WHERE u.id = won.user_id AND u.status = 'active' AND coalesce(p.status, 'active') = 'active') THEN
          RETURN;
        END IF;
        INSERT INTO refresh_tokens (family_id, user_id, token_hash, expires_at)
        VALUES (won.family_id, won.user_id, p_new_hash, p_expires);
        RETURN QUERY SELECT won.user_id, won.family_id;
      END $$`);
    await db.query(`
      CREATE FUNCTION auth_revoke_family(p_family_id uuid) RETURNS void ${definer} AS $$
      BEGIN
        UPDATE refresh_tokens SET revoked_at = now() WHERE family_id = p_family_id AND revoked_at IS NULL;
      END $$`);
    await db.query(`
      CREATE FUNCTION auth_revoke_user(p_user_id uuid) RETURNS void ${definer} AS $$
      BEGIN
        UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = p_user_id AND revoked_at IS NULL;
      END $$`);
    for (const fn of [
      'auth_credentials(text)',
      'auth_actor(uuid, uuid)',
      'auth_issue_refresh(uuid, uuid, text, timestamptz)',
      'auth_rotate_refresh(text, text, timestamptz)',
      'auth_revoke_family(uuid)',
      'auth_revoke_user(uuid)',
    ]) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_app`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const fn of [
      'auth_revoke_user',
      'auth_revoke_family',
      'auth_rotate_refresh',
      'auth_issue_refresh',
      'auth_actor',
      'auth_credentials',
    ]) {
      await db.query(`DROP FUNCTION ${fn}`);
    }
    await db.query(
      `DROP TABLE audit_events, refresh_tokens, users, council_profiles, councils, local_authorities`,
    );
    await db.query(`DROP FUNCTION audit_events_append_only()`);
    await db.query(`DROP FUNCTION council_profiles_guard()`);
    await db.query(`DROP FUNCTION audit_row()`);
  }
}
