import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data true to the seeds:
 *
 * - Names from the register are trimmed and single-spaced ("North Somerset  Council" has two
 *   spaces in the register as shipped), in the register and in the councils onboarded from it.
 * - A risk may be recorded before it is assessed: the seeds list challenges and risks without
 *   a likelihood or an impact (Leeds' VfM-4d lists seven), and none may be invented. Its score
 *   is then 0, so it sorts after every assessed risk.
 */
export class TrueToTheSeeds1764010000000 implements MigrationInterface {
  name = 'TrueToTheSeeds1764010000000';

  async up(db: QueryRunner): Promise<void> {
    const tidy = (column: string) => `regexp_replace(btrim(${column}), '\\s+', ' ', 'g')`;
    for (const column of ['official_name', 'nice_name']) {
      await db.query(
        `UPDATE local_authorities SET ${column} = ${tidy(column)} WHERE ${column} <> ${tidy(column)}`,
      );
    }
    await db.query(
      `CREATE POLICY councils_tidy ON councils FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );
    await db.query(`UPDATE councils SET name = ${tidy('name')} WHERE name <> ${tidy('name')}`);
    await db.query(`DROP POLICY councils_tidy ON councils`);

    await db.query(`DROP INDEX risks_list`);
    await db.query(`ALTER TABLE risks DROP COLUMN score`);
    await db.query(
      `ALTER TABLE risks ALTER COLUMN likelihood DROP NOT NULL, ALTER COLUMN impact DROP NOT NULL`,
    );
    await db.query(`
      ALTER TABLE risks ADD COLUMN score integer GENERATED ALWAYS AS (coalesce(likelihood * impact, 0)) STORED`);
    await db.query(`CREATE INDEX risks_list ON risks (workstream_id, score DESC, id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX risks_list`);
    await db.query(`ALTER TABLE risks DROP COLUMN score`);
    await db.query(
      `UPDATE risks SET likelihood = coalesce(likelihood, 1), impact = coalesce(impact, 1)`,
    );
    await db.query(
      `ALTER TABLE risks ALTER COLUMN likelihood SET NOT NULL, ALTER COLUMN impact SET NOT NULL`,
    );
    await db.query(
      `ALTER TABLE risks ADD COLUMN score integer GENERATED ALWAYS AS (likelihood * impact) STORED`,
    );
    await db.query(`CREATE INDEX risks_list ON risks (workstream_id, score DESC, id)`);
  }
}
