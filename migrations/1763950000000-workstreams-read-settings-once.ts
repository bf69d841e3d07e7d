import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The workstreams read policy read the `app.*` settings once per row it checked (the helper
 * functions are inlined as `current_setting` calls); as scalar subqueries they are read once
 * per query (InitPlans). The rule is unchanged. A list or a dashboard that checks the few
 * thousand workstreams a council may see spent most of its time here.
 */
export class WorkstreamsReadSettingsOnce1763950000000 implements MigrationInterface {
  name = 'WorkstreamsReadSettingsOnce1763950000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`DROP POLICY workstreams_read ON workstreams`);
    await db.query(`
      CREATE POLICY workstreams_read ON workstreams FOR SELECT
      USING ((SELECT app_is_platform_admin()) OR owner_council_id = (SELECT app_council_id())
             OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[]))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP POLICY workstreams_read ON workstreams`);
    await db.query(`
      CREATE POLICY workstreams_read ON workstreams FOR SELECT
      USING (app_is_platform_admin() OR owner_council_id = app_council_id()
             OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[]))`);
  }
}
