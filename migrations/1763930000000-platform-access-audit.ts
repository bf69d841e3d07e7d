import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * docs/access-rules.md, "Who signs in": a platform admin sees everything, and every such access is
 * audited. The request transaction calls `audit_access` for each read a platform admin makes
 * (changes are audited row by row by `audit_row` already); it writes one `read` event naming
 * the route, in the same transaction. For anyone else it writes nothing, so the application
 * role cannot use it to write events of its own choosing.
 */
export class PlatformAccessAudit1763930000000 implements MigrationInterface {
  name = 'PlatformAccessAudit1763930000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION audit_access(p_method text, p_path text) RETURNS void
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF NOT app_is_platform_admin() THEN RETURN; END IF;
        INSERT INTO audit_events (actor_user_id, actor_council_id, council_id, action, entity_type,
                                  entity_id, after, request_id)
        VALUES (app_user_id(), NULL, NULL, 'read', 'request', left(split_part(p_path, '?', 1), 200),
                jsonb_build_object('method', left(p_method, 10), 'url', left(p_path, 2000)),
                nullif(current_setting('app.request_id', true), ''));
      END $$`);
    await db.query(`REVOKE ALL ON FUNCTION audit_access(text, text) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION audit_access(text, text) TO jwh_app`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION audit_access(text, text)`);
  }
}
