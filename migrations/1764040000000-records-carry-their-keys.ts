import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A workstream's records carry the keys that decide who reads them (README, Performance;
 * every tenant row carries its owner's key). Each record of a
 * workstream (status updates, milestones, key actions, risks, business cases and their
 * decisions, funding and repayments, participants, savings lines, phase changes) copies its
 * workstream's `partnership_id` and `owner_council_id` when it is written; a workstream never
 * changes either, so the copy never goes stale.
 *
 * Their read policies then state the workstreams' own rule on the row itself, with the caller's
 * settings read once per statement (InitPlans): a platform admin, the owner council, or a
 * current member of the partnership. Before, each row checked asked `app_sees_workstream()`,
 * a query of `workstreams` per row: the dashboard's overdue-milestones count paid it for every
 * milestone it counted. The rule is the same; only its cost changes.
 */
const TABLES = [
  'workstream_phase_changes',
  'status_updates',
  'milestones',
  'key_actions',
  'risks',
  'business_cases',
  'business_case_decisions',
  'funding_lines',
  'funding_repayments',
  'workstream_participants',
  'savings_lines',
];

const READ = `(SELECT app_is_platform_admin()) OR owner_council_id = (SELECT app_council_id())
  OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])`;

export class RecordsCarryTheirKeys1764040000000 implements MigrationInterface {
  name = 'RecordsCarryTheirKeys1764040000000';

  async up(db: QueryRunner): Promise<void> {
    // Invoker: whoever writes a record may read its workstream (every write policy says so).
    await db.query(`
      CREATE FUNCTION workstream_record_keys() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        SELECT w.partnership_id, w.owner_council_id INTO NEW.partnership_id, NEW.owner_council_id
          FROM workstreams w WHERE w.id = NEW.workstream_id;
        RETURN NEW;
      END $$`);
    for (const table of TABLES) {
      await db.query(
        `ALTER TABLE ${table} ADD COLUMN partnership_id uuid, ADD COLUMN owner_council_id uuid`,
      );
      // Row-level security is forced on the owner too; the copy changes no rule, so it runs
      // without the tables' triggers (audit, frozen business cases, append-only history).
      await db.query(
        `CREATE POLICY ${table}_keys ON ${table} FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
      );
      await db.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
      await db.query(`
        UPDATE ${table} r SET partnership_id = w.partnership_id, owner_council_id = w.owner_council_id
          FROM workstreams w WHERE w.id = r.workstream_id`);
      await db.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
      await db.query(`DROP POLICY ${table}_keys ON ${table}`);
      await db.query(`
        CREATE TRIGGER ${table}_keys BEFORE INSERT ON ${table}
        FOR EACH ROW EXECUTE FUNCTION workstream_record_keys()`);
      await db.query(`DROP POLICY ${table}_read ON ${table}`);
      await db.query(`CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (${READ})`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await db.query(`DROP POLICY ${table}_read ON ${table}`);
      await db.query(
        `CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (app_sees_workstream(workstream_id))`,
      );
      await db.query(`DROP TRIGGER ${table}_keys ON ${table}`);
      await db.query(
        `ALTER TABLE ${table} DROP COLUMN partnership_id, DROP COLUMN owner_council_id`,
      );
    }
    await db.query(`DROP FUNCTION workstream_record_keys()`);
  }
}
