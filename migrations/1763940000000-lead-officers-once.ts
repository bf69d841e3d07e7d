import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `workstream_lead_officers` looked up the caller's partnerships once per candidate row; as a
 * scalar subquery it is looked up once per call (an InitPlan), which the workstream list pays
 * on every page.
 */
export class LeadOfficersOnce1763940000000 implements MigrationInterface {
  name = 'LeadOfficersOnce1763940000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(leadOfficers('(SELECT app_partnership_ids())::uuid[]'));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(leadOfficers('app_partnership_ids()'));
  }
}

/** The function of the hardening migration, with the partnerships expression as given. */
function leadOfficers(partnershipIds: string): string {
  return `
    CREATE OR REPLACE FUNCTION workstream_lead_officers(p_ids uuid[])
    RETURNS TABLE (workstream_id uuid, user_id uuid, council_id uuid, name text, job_title text, email text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      SELECT w.id, u.id, u.council_id, u.name, u.job_title,
             CASE WHEN app_is_platform_admin() OR u.council_id = app_council_id() THEN u.email::text END
        FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
       WHERE w.id = ANY (p_ids) AND u.council_id = ANY (w.lead_council_ids)
         AND (app_is_platform_admin() OR w.owner_council_id = app_council_id()
              OR w.partnership_id = ANY ((${partnershipIds}))) $$`;
}
