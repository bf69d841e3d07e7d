import { MigrationInterface, QueryRunner } from 'typeorm';

const SIGNED = (row: 'NEW' | 'OLD', sign: '' | '-') => `
    INSERT INTO savings_sums AS t (partnership_id, owner_council_id, financial_year, planned_pence,
                                   realised_pence, cashable_planned_pence, cashable_realised_pence, lines)
    VALUES (${row}.partnership_id, ${row}.owner_council_id, ${row}.financial_year, ${sign}${row}.planned_pence, ${sign}${row}.realised_pence,
            CASE WHEN ${row}.cashable THEN ${sign}${row}.planned_pence ELSE 0 END,
            CASE WHEN ${row}.cashable THEN ${sign}${row}.realised_pence ELSE 0 END, ${sign}1)
    ON CONFLICT (partnership_id, owner_council_id, financial_year) DO UPDATE SET
      planned_pence = t.planned_pence + EXCLUDED.planned_pence,
      realised_pence = t.realised_pence + EXCLUDED.realised_pence,
      cashable_planned_pence = t.cashable_planned_pence + EXCLUDED.cashable_planned_pence,
      cashable_realised_pence = t.cashable_realised_pence + EXCLUDED.cashable_realised_pence,
      lines = t.lines + EXCLUDED.lines;`;

/**
 * The savings totals a council sees, summed ahead (README, Benchmark): a row per partnership
 * (its shared workstreams' lines) or per council (its private workstreams' lines) and
 * financial year, kept by a trigger in the same transaction as every write of a savings line.
 * A council's total is then the sum of its partnerships' rows and its own, some 150 rows at
 * the benchmark's large scale rather than its 7,908 lines, so the total costs the same at any
 * size of the data. A row carries the lines' keys (`partnership_id` or `owner_council_id`), so
 * the savings lines' own read policy, and the service's own condition, apply to it word for
 * word; only the owner writes (the trigger), and the service role may only read.
 *
 * Additive: a new table and trigger; the trigger is created before the sums are filled, in the
 * same transaction, so no write of a line is missed (writers wait for the lock meanwhile).
 */
export class SavingsSums1764120000000 implements MigrationInterface {
  name = 'SavingsSums1764120000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE savings_sums (
        partnership_id uuid,
        owner_council_id uuid,
        financial_year text NOT NULL,
        planned_pence bigint NOT NULL,
        realised_pence bigint NOT NULL,
        cashable_planned_pence bigint NOT NULL,
        cashable_realised_pence bigint NOT NULL,
        lines integer NOT NULL,
        CHECK ((partnership_id IS NULL) <> (owner_council_id IS NULL)),
        CONSTRAINT savings_sums_key UNIQUE NULLS NOT DISTINCT (partnership_id, owner_council_id, financial_year))`);
    await db.query(
      `CREATE INDEX savings_sums_private ON savings_sums (owner_council_id) WHERE owner_council_id IS NOT NULL`,
    );
    await db.query(`ALTER TABLE savings_sums ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE savings_sums FORCE ROW LEVEL SECURITY`);
    await db.query(`
      CREATE POLICY savings_sums_read ON savings_sums FOR SELECT
      USING ((SELECT app_is_platform_admin()) OR owner_council_id = (SELECT app_council_id())
        OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[]))`);
    await db.query(`
      CREATE POLICY savings_sums_kept ON savings_sums FOR ALL TO CURRENT_USER
      USING (true) WITH CHECK (true)`);
    await db.query(`GRANT SELECT ON savings_sums TO jwh_app`);
    await db.query(`
      CREATE FUNCTION savings_sums_kept() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN ${SIGNED('OLD', '-')}
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN ${SIGNED('NEW', '')}
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`REVOKE ALL ON FUNCTION savings_sums_kept() FROM PUBLIC`);
    await db.query(`
      CREATE TRIGGER savings_lines_sums
      AFTER INSERT OR DELETE OR UPDATE OF planned_pence, realised_pence, cashable, financial_year,
        partnership_id, owner_council_id
      ON savings_lines FOR EACH ROW EXECUTE FUNCTION savings_sums_kept()`);
    // Row-level security is forced on the owner too: it reads every line once, to fill the sums.
    await db.query(
      `CREATE POLICY savings_lines_summed ON savings_lines FOR SELECT TO CURRENT_USER USING (true)`,
    );
    await db.query(`
      INSERT INTO savings_sums (partnership_id, owner_council_id, financial_year, planned_pence,
                                realised_pence, cashable_planned_pence, cashable_realised_pence, lines)
      SELECT partnership_id, owner_council_id, financial_year,
             sum(planned_pence), sum(realised_pence),
             coalesce(sum(planned_pence) FILTER (WHERE cashable), 0),
             coalesce(sum(realised_pence) FILTER (WHERE cashable), 0), count(*)
        FROM savings_lines GROUP BY 1, 2, 3`);
    await db.query(`DROP POLICY savings_lines_summed ON savings_lines`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER savings_lines_sums ON savings_lines`);
    await db.query(`DROP FUNCTION savings_sums_kept()`);
    await db.query(`DROP TABLE savings_sums`);
  }
}
