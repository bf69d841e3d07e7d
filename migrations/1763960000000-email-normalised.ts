import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails are stored in one normalised form (src/common/email.ts: trimmed, Unicode NFC, A-Z in
 * lower case and nothing else folded) and matched exactly. Before, sign-in and password resets
 * matched `lower(email) = lower($1)`, and PostgreSQL's `lower()` folds `İ` (U+0130) to `i`:
 * a look-alike address found the real account. The CHECK refuses any stored email that is
 * not in the normal form the service writes (the database cannot check NFC where its encoding
 * is not UTF-8, so the ASCII part is checked here, NFC by the one normaliser in the service).
 */
export class EmailNormalised1763960000000 implements MigrationInterface {
  name = 'EmailNormalised1763960000000';

  async up(db: QueryRunner): Promise<void> {
    const ascii = `translate(btrim(email), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')`;
    await db.query(`UPDATE users SET email = ${ascii} WHERE email <> ${ascii}`);
    await db.query(`DROP INDEX users_email`);
    await db.query(`CREATE UNIQUE INDEX users_email ON users (email)`);
    await db.query(
      `ALTER TABLE users ADD CONSTRAINT users_email_normalised CHECK (email = ${ascii})`,
    );
    await db.query(`
      CREATE OR REPLACE FUNCTION auth_credentials(p_email text)
      RETURNS TABLE (user_id uuid, council_id uuid, role text, status text, password_hash text, council_status text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        RETURN QUERY SELECT u.id, u.council_id, u.role, u.status, u.password_hash, coalesce(p.status, 'active')
          FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
         WHERE u.email = p_email;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION auth_credentials(p_email text)
      RETURNS TABLE (user_id uuid, council_id uuid, role text, status text, password_hash text, council_status text)
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        RETURN QUERY SELECT u.id, u.council_id, u.role, u.status, u.password_hash, coalesce(p.status, 'active')
          FROM users u LEFT JOIN council_profiles p ON p.council_id = u.council_id
         WHERE lower(u.email) = lower(p_email);
      END $$`);
    await db.query(`ALTER TABLE users DROP CONSTRAINT users_email_normalised`);
    await db.query(`DROP INDEX users_email`);
    await db.query(`CREATE UNIQUE INDEX users_email ON users (lower(email))`);
  }
}
