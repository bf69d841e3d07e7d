import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closes gaps a review of the identity, partnership and workstream rules found, in the
 * database itself (the services check the same rules first, for clear answers):
 *
 * - Every SECURITY DEFINER function resolves names in `pg_catalog, public, pg_temp`, so a
 *   temporary table cannot stand in for one of ours; and no one but the owner may create
 *   temporary objects in this database.
 * - Only the user who created a partnership may make their council its first, administering
 *   member (`partnerships.created_by`, which the application role cannot write); before, any
 *   council admin could claim a partnership a platform admin had created without members.
 * - A lead officer works for one of the workstream's lead authorities, also after the leads
 *   change; partner councils read the name and title of that officer only, and the email
 *   only the officer's own council.
 * - A council's decision belongs to a business case of the same workstream, and a council
 *   commits only on an approval of a case that is not a draft.
 * - Business-case decisions and savings lines are kept by the councils that take part in a
 *   workstream (a participant, in any status, or a lead authority).
 * - History rows take their author, time and sequence from the database only, and a
 *   workstream's current RAG only from its latest status update.
 * - A milestone marked done without a date is completed on the database's today.
 */
export class Hardening1763900000000 implements MigrationInterface {
  name = 'Hardening1763900000000';

  async up(db: QueryRunner): Promise<void> {
    // Partnerships: the founder, and the founding arm of the member policy.
    await db.query(`ALTER TABLE partnerships ADD COLUMN created_by uuid DEFAULT app_user_id()`);
    await db.query(`REVOKE INSERT ON partnerships FROM jwh_app`);
    await db.query(`GRANT INSERT (id, name, description, kind, status) ON partnerships TO jwh_app`);
    await db.query(`
      CREATE FUNCTION app_may_found(p_partnership_id uuid) RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER AS $$
        SELECT EXISTS (SELECT 1 FROM partnerships WHERE id = p_partnership_id AND created_by = app_user_id())
           AND NOT EXISTS (SELECT 1 FROM partnership_members WHERE partnership_id = p_partnership_id) $$`);
    await db.query(`DROP POLICY partnership_members_add ON partnership_members`);
    await db.query(`
      CREATE POLICY partnership_members_add ON partnership_members FOR INSERT
      WITH CHECK (app_is_platform_admin()
                  OR (app_role() = 'council_admin' AND app_administers(partnership_id))
                  OR (app_role() = 'council_admin' AND council_id = app_council_id()
                      AND role = 'administering' AND app_may_found(partnership_id)))`);
    await db.query(`DROP FUNCTION partnership_has_members(uuid)`);
    // The owner reads partnerships inside definer functions, as it reads their members.
    await db.query(
      `CREATE POLICY partnerships_owner ON partnerships FOR SELECT TO CURRENT_USER USING (true)`,
    );

    // Lead officers.
    await db.query(`
      CREATE FUNCTION workstreams_lead_officer() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
      BEGIN
        IF NEW.lead_officer_id IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM users WHERE id = NEW.lead_officer_id AND council_id = ANY (NEW.lead_council_ids)) THEN
          RAISE EXCEPTION 'the lead officer must work for one of the lead authorities' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstreams_lead_officer BEFORE INSERT OR UPDATE OF lead_officer_id, lead_council_ids
      ON workstreams FOR EACH ROW EXECUTE FUNCTION workstreams_lead_officer()`);
    // What partner councils may read of a lead officer (docs/access-rules.md): name and job title;
    // the email only the officer's own council. CASL states the same field rule.
    await db.query(`DROP FUNCTION workstream_lead_officers(uuid[])`);
    await db.query(`
      CREATE FUNCTION workstream_lead_officers(p_ids uuid[])
      RETURNS TABLE (workstream_id uuid, user_id uuid, council_id uuid, name text, job_title text, email text)
      LANGUAGE sql STABLE SECURITY DEFINER AS $$
        SELECT w.id, u.id, u.council_id, u.name, u.job_title,
               CASE WHEN app_is_platform_admin() OR u.council_id = app_council_id() THEN u.email::text END
          FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
         WHERE w.id = ANY (p_ids) AND u.council_id = ANY (w.lead_council_ids)
           AND (app_is_platform_admin() OR w.owner_council_id = app_council_id()
                OR w.partnership_id = ANY (app_partnership_ids())) $$`);

    // Decisions belong to a case of their own workstream.
    await db.query(
      `ALTER TABLE business_cases ADD CONSTRAINT business_cases_id_workstream UNIQUE (id, workstream_id)`,
    );
    await db.query(
      `ALTER TABLE business_case_decisions DROP CONSTRAINT business_case_decisions_business_case_id_fkey`,
    );
    await db.query(`
      ALTER TABLE business_case_decisions ADD CONSTRAINT business_case_decisions_business_case_id_fkey
      FOREIGN KEY (business_case_id, workstream_id) REFERENCES business_cases (id, workstream_id)`);
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_participants_commitment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'committed' AND NOT EXISTS (
             SELECT 1 FROM business_case_decisions d JOIN business_cases c ON c.id = d.business_case_id
              WHERE d.workstream_id = NEW.workstream_id AND d.council_id = NEW.council_id
                AND d.decision = 'approved' AND c.status <> 'draft') THEN
          RAISE EXCEPTION 'a council commits only after approving a business case' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);

    // Decisions and savings lines: kept by the councils that take part. An invoker function:
    // the caller sees the participants and the workstream through their own policies.
    await db.query(`
      CREATE FUNCTION app_takes_part(p_workstream_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM workstream_participants
                        WHERE workstream_id = p_workstream_id AND council_id = app_council_id())
            OR EXISTS (SELECT 1 FROM workstreams WHERE id = p_workstream_id
                          AND (owner_council_id = app_council_id() OR app_council_id() = ANY (lead_council_ids))) $$`);
    const own = `app_is_platform_admin() OR (app_role() IN ('officer', 'council_admin') AND council_id = app_council_id()
                 AND app_sees_workstream(workstream_id) AND app_takes_part(workstream_id))`;
    for (const table of ['business_case_decisions', 'savings_lines']) {
      await db.query(`DROP POLICY ${table}_add ON ${table}`);
      await db.query(`DROP POLICY ${table}_edit ON ${table}`);
      await db.query(`CREATE POLICY ${table}_add ON ${table} FOR INSERT WITH CHECK (${own})`);
      await db.query(`CREATE POLICY ${table}_edit ON ${table} FOR UPDATE USING (${own})`);
    }

    // History: the application writes only the content; RAG follows the latest update.
    await db.query(`REVOKE INSERT ON status_updates, workstream_phase_changes FROM jwh_app`);
    await db.query(`
      GRANT INSERT (workstream_id, rag, period, reason, narrative, achievements, challenges)
      ON status_updates TO jwh_app`);
    await db.query(
      `GRANT INSERT (workstream_id, from_phase, to_phase, reason) ON workstream_phase_changes TO jwh_app`,
    );
    await db.query(`REVOKE UPDATE (current_rag) ON workstreams FROM jwh_app`);
    await db.query(`ALTER FUNCTION status_updates_latest() SECURITY DEFINER`);

    await db.query(`
      CREATE FUNCTION milestones_completed_today() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'done' AND NEW.completed_on IS NULL THEN NEW.completed_on := current_date; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER milestones_completed_today BEFORE INSERT OR UPDATE ON milestones
      FOR EACH ROW EXECUTE FUNCTION milestones_completed_today()`);

    for (const fn of [
      'app_may_found(uuid)',
      'app_takes_part(uuid)',
      'workstream_lead_officers(uuid[])',
    ]) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_app`);
    }

    // Every definer function of ours: a fixed search path, temporary schema last.
    await db.query(`
      DO $$
      DECLARE fn regprocedure;
      BEGIN
        FOR fn IN SELECT p.oid::regprocedure FROM pg_proc p
                   WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
                     AND pg_get_userbyid(p.proowner) = current_user LOOP
          EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, public, pg_temp', fn);
        END LOOP;
        EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DO $$
      BEGIN
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
      END $$`);
    await db.query(`DROP TRIGGER milestones_completed_today ON milestones`);
    await db.query(`DROP FUNCTION milestones_completed_today()`);
    await db.query(`ALTER FUNCTION status_updates_latest() SECURITY INVOKER`);
    await db.query(`GRANT UPDATE (current_rag) ON workstreams TO jwh_app`);
    await db.query(`GRANT INSERT ON status_updates, workstream_phase_changes TO jwh_app`);
    const own = `app_is_platform_admin() OR (app_role() IN ('officer', 'council_admin') AND council_id = app_council_id() AND app_sees_workstream(workstream_id))`;
    for (const table of ['business_case_decisions', 'savings_lines']) {
      await db.query(`DROP POLICY ${table}_add ON ${table}`);
      await db.query(`DROP POLICY ${table}_edit ON ${table}`);
      await db.query(`CREATE POLICY ${table}_add ON ${table} FOR INSERT WITH CHECK (${own})`);
      await db.query(`CREATE POLICY ${table}_edit ON ${table} FOR UPDATE USING (${own})`);
    }
    await db.query(`DROP FUNCTION app_takes_part(uuid)`);
    await db.query(
      `ALTER TABLE business_case_decisions DROP CONSTRAINT business_case_decisions_business_case_id_fkey`,
    );
    await db.query(`
      ALTER TABLE business_case_decisions ADD CONSTRAINT business_case_decisions_business_case_id_fkey
      FOREIGN KEY (business_case_id) REFERENCES business_cases (id)`);
    await db.query(`ALTER TABLE business_cases DROP CONSTRAINT business_cases_id_workstream`);
    await db.query(`DROP FUNCTION workstream_lead_officers(uuid[])`);
    await db.query(`
      CREATE FUNCTION workstream_lead_officers(p_ids uuid[])
      RETURNS TABLE (workstream_id uuid, user_id uuid, name text, job_title text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT w.id, u.id, u.name, u.job_title FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
         WHERE w.id = ANY (p_ids) AND (app_is_platform_admin() OR w.owner_council_id = app_council_id()
                                       OR w.partnership_id = ANY (app_partnership_ids())) $$`);
    await db.query(`REVOKE ALL ON FUNCTION workstream_lead_officers(uuid[]) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION workstream_lead_officers(uuid[]) TO jwh_app`);
    await db.query(`DROP TRIGGER workstreams_lead_officer ON workstreams`);
    await db.query(`DROP FUNCTION workstreams_lead_officer()`);
    await db.query(`DROP POLICY partnerships_owner ON partnerships`);
    await db.query(`
      CREATE FUNCTION partnership_has_members(p_partnership_id uuid) RETURNS boolean
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM partnership_members WHERE partnership_id = p_partnership_id) $$`);
    await db.query(`REVOKE ALL ON FUNCTION partnership_has_members(uuid) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION partnership_has_members(uuid) TO jwh_app`);
    await db.query(`DROP POLICY partnership_members_add ON partnership_members`);
    await db.query(`
      CREATE POLICY partnership_members_add ON partnership_members FOR INSERT
      WITH CHECK (app_is_platform_admin()
                  OR (app_role() = 'council_admin' AND app_administers(partnership_id))
                  OR (app_role() = 'council_admin' AND council_id = app_council_id()
                      AND role = 'administering' AND NOT partnership_has_members(partnership_id)))`);
    await db.query(`DROP FUNCTION app_may_found(uuid)`);
    await db.query(
      `REVOKE INSERT (id, name, description, kind, status) ON partnerships FROM jwh_app`,
    );
    await db.query(`GRANT INSERT ON partnerships TO jwh_app`);
    await db.query(`ALTER TABLE partnerships DROP COLUMN created_by`);
  }
}
