import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rules the workstreams service checks first (for clear 400/409 answers) and the database now
 * keeps as well, so that SQL sent past CASL cannot break them:
 *
 * - A shared workstream's lead authorities are current members of its partnership; a private
 *   one's only lead is its owner council. (Otherwise a member could name an outside council
 *   lead, and partners would read the name of that council's lead officer.)
 * - A lead officer newly named is an active user, not a viewer, of a lead authority.
 * - Councils decide on submitted business cases, never on drafts.
 */
export class WorkstreamIntegrity1763920000000 implements MigrationInterface {
  name = 'WorkstreamIntegrity1763920000000';

  async up(db: QueryRunner): Promise<void> {
    // Invoker functions: they read only what the writer may see (its partnership's members,
    // its workstream's cases), so a refusal reveals nothing of a record hidden from it.
    const invoker = `LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp`;
    await db.query(`
      CREATE FUNCTION workstreams_leads() RETURNS trigger ${invoker} AS $$
      BEGIN
        IF cardinality(NEW.lead_council_ids) = 0 THEN
          RAISE EXCEPTION 'a workstream needs at least one lead authority' USING ERRCODE = 'JW409';
        END IF;
        IF NEW.partnership_id IS NULL AND NEW.lead_council_ids <> ARRAY[NEW.owner_council_id] THEN
          RAISE EXCEPTION 'a private workstream is led by its owner council only' USING ERRCODE = 'JW409';
        END IF;
        IF NEW.partnership_id IS NOT NULL AND EXISTS (
             SELECT 1 FROM unnest(NEW.lead_council_ids) AS lead(council_id)
              WHERE NOT EXISTS (SELECT 1 FROM partnership_members m
                                 WHERE m.partnership_id = NEW.partnership_id
                                   AND m.council_id = lead.council_id AND m.left_on IS NULL)) THEN
          RAISE EXCEPTION 'every lead authority must be a current member of the partnership'
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstreams_leads BEFORE INSERT OR UPDATE OF lead_council_ids, partnership_id, owner_council_id
      ON workstreams FOR EACH ROW EXECUTE FUNCTION workstreams_leads()`);

    await db.query(leadOfficerFunction(true));

    await db.query(`
      CREATE FUNCTION business_case_decisions_submitted() RETURNS trigger ${invoker} AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM business_cases WHERE id = NEW.business_case_id AND status = 'draft') THEN
          RAISE EXCEPTION 'this business case is still a draft; submit it before councils decide on it'
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER business_case_decisions_submitted BEFORE INSERT OR UPDATE OF business_case_id
      ON business_case_decisions FOR EACH ROW EXECUTE FUNCTION business_case_decisions_submitted()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER business_case_decisions_submitted ON business_case_decisions`);
    await db.query(`DROP FUNCTION business_case_decisions_submitted()`);
    await db.query(leadOfficerFunction(false));
    await db.query(`DROP TRIGGER workstreams_leads ON workstreams`);
    await db.query(`DROP FUNCTION workstreams_leads()`);
  }
}

/**
 * The lead-officer trigger function of the hardening migration; `strict` adds that an officer
 * newly named is active and not a viewer (one named earlier may since have left).
 */
function leadOfficerFunction(strict: boolean): string {
  const newlyNamed = strict
    ? `IF NEW.lead_officer_id IS NOT NULL
          AND (TG_OP = 'INSERT' OR NEW.lead_officer_id IS DISTINCT FROM OLD.lead_officer_id)
          AND NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.lead_officer_id
                             AND status = 'active' AND role <> 'viewer') THEN
         RAISE EXCEPTION 'the lead officer must be an active officer or admin, not a viewer'
           USING ERRCODE = 'JW409';
       END IF;`
    : '';
  return `
    CREATE OR REPLACE FUNCTION workstreams_lead_officer() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
    BEGIN
      IF NEW.lead_officer_id IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM users WHERE id = NEW.lead_officer_id AND council_id = ANY (NEW.lead_council_ids)) THEN
        RAISE EXCEPTION 'the lead officer must work for one of the lead authorities' USING ERRCODE = 'JW409';
      END IF;
      ${newlyNamed}
      RETURN NEW;
    END $$`;
}
