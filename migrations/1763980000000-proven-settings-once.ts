import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Since the settings are proven (migrations/1763970000000), `app_user_id()`, `app_council_id()`,
 * `app_role()` and `app_is_platform_admin()` check an HMAC each time they run: about 16 µs,
 * which a policy that called them once per row checked (users, profiles, audit events,
 * partnerships) multiplied by its rows. Every policy, and the two SQL helpers that are inlined
 * into policies, now reads them as scalar subqueries, which PostgreSQL evaluates once per
 * statement (InitPlans). The rules are unchanged: the text of each policy is the same with
 * each call wrapped.
 */
const WRAP = `regexp_replace(%s, '(?<!SELECT )\\m(app_(is_platform_admin|council_id|user_id|role))\\(\\)', '(SELECT \\1())', 'g')`;

export class ProvenSettingsOnce1763980000000 implements MigrationInterface {
  name = 'ProvenSettingsOnce1763980000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$
      DECLARE p record; qual text; checked text;
      BEGIN
        FOR p IN SELECT tablename, policyname, pg_policies.qual AS q, pg_policies.with_check AS c
                   FROM pg_policies WHERE schemaname = 'public' LOOP
          qual := ${WRAP.replace('%s', 'p.q')};
          checked := ${WRAP.replace('%s', 'p.c')};
          IF qual IS DISTINCT FROM p.q THEN
            EXECUTE format('ALTER POLICY %I ON %I USING (%s)', p.policyname, p.tablename, qual);
          END IF;
          IF checked IS DISTINCT FROM p.c THEN
            EXECUTE format('ALTER POLICY %I ON %I WITH CHECK (%s)', p.policyname, p.tablename, checked);
          END IF;
        END LOOP;
      END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION app_leads_workstream(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT (SELECT app_is_platform_admin()) OR ((SELECT app_role()) IN ('officer', 'council_admin') AND EXISTS (
          SELECT 1 FROM workstreams WHERE id = p_id
             AND (owner_council_id = (SELECT app_council_id())
                  OR (partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])
                      AND (SELECT app_council_id()) = ANY (lead_council_ids))))) $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION app_takes_part(p_workstream_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM workstream_participants
                        WHERE workstream_id = p_workstream_id AND council_id = (SELECT app_council_id()))
            OR EXISTS (SELECT 1 FROM workstreams WHERE id = p_workstream_id
                          AND (owner_council_id = (SELECT app_council_id())
                               OR (SELECT app_council_id()) = ANY (lead_council_ids))) $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Wrapped calls answer exactly as unwrapped ones; nothing to undo for correctness.
    await db.query('SELECT 1');
  }
}
