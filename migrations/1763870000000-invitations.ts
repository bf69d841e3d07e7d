import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One-time tokens that set a password: invitations (a new user) and password resets. Only
 * their SHA-256 is stored; the application role reaches them through two SECURITY DEFINER
 * functions and never reads the table.
 */
export class Invitations1763870000000 implements MigrationInterface {
  name = 'Invitations1763870000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE user_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id),
        purpose text NOT NULL CHECK (purpose IN ('invitation', 'password_reset')),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX user_tokens_user ON user_tokens (user_id)`);
    await db.query(`ALTER TABLE user_tokens ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE user_tokens FORCE ROW LEVEL SECURITY`);
    await db.query(
      `CREATE POLICY user_tokens_owner ON user_tokens FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );
    await db.query(
      `CREATE POLICY users_owner_update ON users FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );

    const definer = 'LANGUAGE plpgsql SECURITY DEFINER SET search_path = public';
    // Invitations are issued by whoever may manage the user; resets by anyone who knows the
    // email (the token goes only to that mailbox). Issuing a token spends earlier ones.
    await db.query(`
      CREATE FUNCTION auth_issue_user_token(p_user_id uuid, p_purpose text, p_hash text, p_expires timestamptz)
      RETURNS void ${definer} AS $$
      BEGIN
        IF p_purpose = 'invitation' AND NOT EXISTS (
             SELECT 1 FROM users u WHERE u.id = p_user_id
                AND (app_is_platform_admin() OR (app_role() = 'council_admin' AND u.council_id = app_council_id()))) THEN
          RAISE EXCEPTION 'not permitted' USING ERRCODE = '42501';
        END IF;
        UPDATE user_tokens SET used_at = now() WHERE user_id = p_user_id AND purpose = p_purpose AND used_at IS NULL;
        INSERT INTO user_tokens (user_id, purpose, token_hash, expires_at) VALUES (p_user_id, p_purpose, p_hash, p_expires);
      END $$`);
    await db.query(`
      CREATE FUNCTION auth_consume_user_token(p_hash text, p_purpose text, p_password_hash text)
      RETURNS uuid ${definer} AS $$
      DECLARE spent user_tokens%ROWTYPE;
      BEGIN
        UPDATE user_tokens SET used_at = now()
         WHERE token_hash = p_hash AND purpose = p_purpose AND used_at IS NULL AND expires_at > now()
        RETURNING * INTO spent;
        IF spent.id IS NULL THEN RETURN NULL; END IF;
        UPDATE users SET password_hash = p_password_hash,
               status = CASE WHEN status = 'invited' THEN 'active' ELSE status END,
               version = version + 1
         WHERE id = spent.user_id;
        UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = spent.user_id AND revoked_at IS NULL;
        RETURN spent.user_id;
      END $$`);
    for (const fn of [
      'auth_issue_user_token(uuid, text, text, timestamptz)',
      'auth_consume_user_token(text, text, text)',
    ]) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_app`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION auth_consume_user_token(text, text, text)`);
    await db.query(`DROP FUNCTION auth_issue_user_token(uuid, text, text, timestamptz)`);
    await db.query(`DROP POLICY users_owner_update ON users`);
    await db.query(`DROP TABLE user_tokens`);
  }
}
