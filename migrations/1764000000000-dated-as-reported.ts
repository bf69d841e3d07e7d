import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Records dated as councils report them (README, the rules of workstreams):
 *
 * - A status update carries the date it reports on (`as_at`, not after the database's today,
 *   today unless given) besides its period; a workstream's current RAG is the one of its
 *   update with the latest `as_at` (ties: the later recorded), so an update written today about
 *   last March does not overturn this month's.
 * - A council may both chair and administer a partnership (`chairs`, beside the administering
 *   role: West Dunbartonshire "chaired and administered" Clyde Valley during 2010); a
 *   hand-over on the day a row began recasts that row rather than leave one of zero days.
 */
export class DatedAsReported1764000000000 implements MigrationInterface {
  name = 'DatedAsReported1764000000000';

  async up(db: QueryRunner): Promise<void> {
    // Updates recorded before today report on the day they were recorded.
    await db.query(`ALTER TABLE status_updates ADD COLUMN as_at date`);
    await db.query(
      `CREATE POLICY status_updates_dating ON status_updates FOR ALL TO CURRENT_USER USING (true)`,
    );
    await db.query(`UPDATE status_updates SET as_at = (created_at AT TIME ZONE 'UTC')::date`);
    await db.query(`DROP POLICY status_updates_dating ON status_updates`);
    await db.query(
      `ALTER TABLE status_updates ALTER COLUMN as_at SET DEFAULT current_date, ALTER COLUMN as_at SET NOT NULL`,
    );
    await db.query(`GRANT INSERT (as_at) ON status_updates TO jwh_app`);
    await db.query(
      `CREATE INDEX status_updates_as_at ON status_updates (workstream_id, as_at DESC, seq DESC)`,
    );
    await db.query(`
      CREATE FUNCTION status_updates_not_ahead() RETURNS trigger
      LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF NEW.as_at > current_date THEN
          RAISE EXCEPTION 'a status update reports on a date not after today' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER status_updates_not_ahead BEFORE INSERT ON status_updates
      FOR EACH ROW EXECUTE FUNCTION status_updates_not_ahead()`);
    await db.query(
      `ALTER TABLE partnership_members ADD COLUMN chairs boolean NOT NULL DEFAULT false`,
    );
    await db.query(`GRANT UPDATE (chairs) ON partnership_members TO jwh_app`);
    await db.query(`
      CREATE OR REPLACE FUNCTION status_updates_latest() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        UPDATE workstreams SET current_rag = (
          SELECT s.rag FROM status_updates s WHERE s.workstream_id = NEW.workstream_id
           ORDER BY s.as_at DESC, s.seq DESC LIMIT 1)
         WHERE id = NEW.workstream_id;
        RETURN NEW;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE partnership_members DROP COLUMN chairs`);
    await db.query(`
      CREATE OR REPLACE FUNCTION status_updates_latest() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        UPDATE workstreams SET current_rag = NEW.rag WHERE id = NEW.workstream_id;
        RETURN NEW;
      END $$`);
    await db.query(`DROP TRIGGER status_updates_not_ahead ON status_updates`);
    await db.query(`DROP FUNCTION status_updates_not_ahead()`);
    await db.query(`DROP INDEX status_updates_as_at`);
    await db.query(`ALTER TABLE status_updates DROP COLUMN as_at`);
  }
}
