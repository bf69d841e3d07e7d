import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard reads what a council takes part in from one index (README, Performance).
 *
 * Each council's row of `workstream_visibility` also says how it takes part in the workstream
 * as a participant (`part`: interested, committed, declined, not participating; null when it
 * is not one), kept by a trigger on `workstream_participants` and filled when the row is made.
 * The dashboard then reads the council's led and participated workstreams, with everything it
 * counts, from one partial index, instead of joining each participation to its row.
 */
export class TakingPartCounted1764080000000 implements MigrationInterface {
  name = 'TakingPartCounted1764080000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL statement_timeout = 0`);
    await db.query(`ALTER TABLE workstream_visibility ADD COLUMN part text`);
    await db.query(
      `CREATE POLICY workstream_participants_counted ON workstream_participants FOR SELECT TO CURRENT_USER USING (true)`,
    );
    await db.query(`
      UPDATE workstream_visibility v SET part = p.status
        FROM workstream_participants p
       WHERE p.council_id = v.council_id AND p.workstream_id = v.workstream_id`);
    await db.query(`DROP INDEX workstream_visibility_leads`);
    await db.query(`
      CREATE INDEX workstream_visibility_taking_part ON workstream_visibility (council_id, workstream_id)
        INCLUDE (partnership_id, owner_council_id, rag, phase, leads, part, open_milestone_dues, open_high_risks)
        WHERE leads OR part IS NOT NULL`);

    // A row made for a council (a new workstream, a council joining) starts with its part.
    await db.query(`
      CREATE FUNCTION workstream_visibility_part() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        SELECT p.status INTO NEW.part FROM workstream_participants p
         WHERE p.workstream_id = NEW.workstream_id AND p.council_id = NEW.council_id;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstream_visibility_part BEFORE INSERT ON workstream_visibility
      FOR EACH ROW EXECUTE FUNCTION workstream_visibility_part()`);
    // A participation added, changed or removed: the council's row says so. The row lock of
    // the participation orders two changes of it; each writes the value it commits.
    await db.query(`
      CREATE FUNCTION workstream_participants_visibility() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF TG_OP <> 'INSERT' THEN
          UPDATE workstream_visibility SET part = NULL
           WHERE council_id = OLD.council_id AND workstream_id = OLD.workstream_id;
        END IF;
        IF TG_OP <> 'DELETE' THEN
          UPDATE workstream_visibility SET part = NEW.status
           WHERE council_id = NEW.council_id AND workstream_id = NEW.workstream_id;
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstream_participants_visibility
      AFTER INSERT OR DELETE OR UPDATE OF status, council_id, workstream_id ON workstream_participants
      FOR EACH ROW EXECUTE FUNCTION workstream_participants_visibility()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER workstream_participants_visibility ON workstream_participants`);
    await db.query(`DROP FUNCTION workstream_participants_visibility()`);
    await db.query(`DROP TRIGGER workstream_visibility_part ON workstream_visibility`);
    await db.query(`DROP FUNCTION workstream_visibility_part()`);
    await db.query(`DROP INDEX workstream_visibility_taking_part`);
    await db.query(`
      CREATE INDEX workstream_visibility_leads ON workstream_visibility (council_id, workstream_id)
        INCLUDE (partnership_id, owner_council_id, rag, phase, open_milestone_dues, open_high_risks)
        WHERE leads`);
    await db.query(`DROP POLICY workstream_participants_counted ON workstream_participants`);
    await db.query(`ALTER TABLE workstream_visibility DROP COLUMN part`);
  }
}
