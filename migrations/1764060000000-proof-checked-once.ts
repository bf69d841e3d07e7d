import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The caller's settings are checked once per statement, not once per row (README, Performance).
 *
 * Every settings function (`app_council_id()`, `app_is_platform_admin()`, …) checks the
 * transaction's HMAC proof, about 20 µs a call. Policies already call them as `(SELECT …)`
 * InitPlans, once per statement; `workstream_lead_officers`, which every list and workstream
 * read calls, still called four per row (200 proofs, about 4 ms, for a page of 50), and
 * `audit_row` three per audited row. Both now read them once. The rules are unchanged.
 */
export class ProofCheckedOnce1764060000000 implements MigrationInterface {
  name = 'ProofCheckedOnce1764060000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_lead_officers(p_ids uuid[])
      RETURNS TABLE (workstream_id uuid, user_id uuid, council_id uuid, name text, job_title text, email text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT w.id, u.id, u.council_id, u.name, u.job_title,
               CASE WHEN (SELECT app_is_platform_admin()) OR u.council_id = (SELECT app_council_id())
                    THEN u.email::text END
          FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
         WHERE w.id = ANY (p_ids) AND u.council_id = ANY (w.lead_council_ids)
           AND ((SELECT app_is_platform_admin()) OR w.owner_council_id = (SELECT app_council_id())
                OR w.partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])) $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'password_hash' END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'password_hash' END;
        owner_column text := TG_ARGV[0];
        subject jsonb := coalesce(new_row, old_row);
        actor_council uuid;
      BEGIN
        IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NEW; END IF;
        actor_council := app_council_id();
        INSERT INTO audit_events (actor_user_id, actor_council_id, council_id, action, entity_type,
                                  entity_id, before, after, request_id)
        VALUES (app_user_id(), actor_council,
                coalesce((subject ->> owner_column)::uuid, actor_council), lower(TG_OP),
                TG_TABLE_NAME, coalesce(subject ->> 'id', subject ->> TG_ARGV[1], subject ->> owner_column),
                old_row, new_row, nullif(current_setting('app.request_id', true), ''));
        RETURN coalesce(NEW, OLD);
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_lead_officers(p_ids uuid[])
      RETURNS TABLE (workstream_id uuid, user_id uuid, council_id uuid, name text, job_title text, email text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT w.id, u.id, u.council_id, u.name, u.job_title,
               CASE WHEN app_is_platform_admin() OR u.council_id = app_council_id() THEN u.email::text END
          FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
         WHERE w.id = ANY (p_ids) AND u.council_id = ANY (w.lead_council_ids)
           AND (app_is_platform_admin() OR w.owner_council_id = app_council_id()
                OR w.partnership_id = ANY (((SELECT app_partnership_ids())::uuid[]))) $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'password_hash' END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'password_hash' END;
        owner_column text := TG_ARGV[0];
        subject jsonb := coalesce(new_row, old_row);
      BEGIN
        IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NEW; END IF;
        INSERT INTO audit_events (actor_user_id, actor_council_id, council_id, action, entity_type,
                                  entity_id, before, after, request_id)
        VALUES (app_user_id(), app_council_id(),
                coalesce((subject ->> owner_column)::uuid, app_council_id()), lower(TG_OP),
                TG_TABLE_NAME, coalesce(subject ->> 'id', subject ->> TG_ARGV[1], subject ->> owner_column), old_row, new_row,
                nullif(current_setting('app.request_id', true), ''));
        RETURN coalesce(NEW, OLD);
      END $$`);
  }
}
