import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request context that row-level security reads. Each request's transaction sets
 * `app.user_id`, `app.council_id` and `app.role` with `set_config(..., true)`; on a pooled
 * connection an unset value reads '' rather than NULL, so these helpers fold '' to NULL.
 */
export class Foundation1763850000000 implements MigrationInterface {
  name = 'Foundation1763850000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`GRANT USAGE ON SCHEMA public TO jwh_app`);
    await db.query(`
      CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$`);
    await db.query(`
      CREATE FUNCTION app_council_id() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT nullif(current_setting('app.council_id', true), '')::uuid $$`);
    await db.query(`
      CREATE FUNCTION app_role() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT nullif(current_setting('app.role', true), '') $$`);
    await db.query(`
      CREATE FUNCTION app_is_platform_admin() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS
      $$ SELECT coalesce(app_role() = 'platform_admin', false) $$`);
    await db.query(`
      CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS
      $$ BEGIN NEW.updated_at := now(); RETURN NEW; END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION set_updated_at()`);
    await db.query(`DROP FUNCTION app_is_platform_admin()`);
    await db.query(`DROP FUNCTION app_role()`);
    await db.query(`DROP FUNCTION app_council_id()`);
    await db.query(`DROP FUNCTION app_user_id()`);
    await db.query(`REVOKE USAGE ON SCHEMA public FROM jwh_app`);
  }
}
