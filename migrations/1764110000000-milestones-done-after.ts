import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The dashboard as at today counts as overdue the milestones done late after today: a handful
 * in the whole table, found from their completion date, not by probing each of the council's
 * thousands of workstreams for them (8.7 of the dashboard's 13.6 ms at the benchmark's large
 * scale; README, Benchmark).
 *
 * Built CONCURRENTLY, outside a transaction, so the milestones stay writable while it builds
 * (docs/migrations.md); an index a failed build left invalid is dropped and built again.
 */
export class MilestonesDoneAfter1764110000000 implements MigrationInterface {
  name = 'MilestonesDoneAfter1764110000000';
  transaction = false as const;

  async up(db: QueryRunner): Promise<void> {
    const [left] = (await db.query(
      `SELECT NOT i.indisvalid AS invalid FROM pg_index i
        WHERE i.indexrelid = to_regclass('milestones_done_after')`,
    )) as { invalid: boolean }[];
    if (left?.invalid) await db.query(`DROP INDEX CONCURRENTLY milestones_done_after`);
    await db.query(`
      CREATE INDEX CONCURRENTLY IF NOT EXISTS milestones_done_after
        ON milestones (completed_on, workstream_id)
        WHERE status = 'done' AND completed_on > due_on`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX CONCURRENTLY IF EXISTS milestones_done_after`);
  }
}
