import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reads that the EXPLAIN test (test/query-plans.e2e-spec.ts) found scanning or checking row by
 * row (README, Performance):
 * - savings lines are found by the keys they carry (partnership, owner council), as every other
 *   record of a workstream is, so the totals read a council's visible lines by index;
 * - the read policies of agreements and their records, and of report sections, asked a function
 *   per row (`app_agreement_party(id)`, `app_sees_agreement(agreement_id)`,
 *   `app_sees_report(report_id)`), and so did the write policies that reads apply too (FOR
 *   ALL: `app_initiates_agreement`, `app_writes_report`). They now compare the row with the
 *   caller's list of agreements or reports, made once per statement (an InitPlan). The rules
 *   are the same: an agreement is read by a platform admin, its initiator and its parties; its
 *   records and a report's sections by whoever may read the agreement or the report; its
 *   parties, contributions and workstreams changed by its initiator's officers and admins, and
 *   a draft report's sections by its owner's.
 */
const AGREEMENT_RECORDS = [
  'agreement_parties',
  'agreement_versions',
  'agreement_contributions',
  'agreement_decisions',
  'agreement_signatures',
  'agreement_reviews',
  'agreement_workstreams',
  'agreement_documents',
  'agreement_document_contents',
];

const ADMIN = '(SELECT app_is_platform_admin())';

/** The write policies (FOR ALL, so reads apply their USING too) and their unchanged checks. */
const WRITE_POLICIES: [string, string][] = [
  ['agreement_parties', 'app_initiates_agreement(agreement_id)'],
  ['agreement_contributions', 'app_initiates_agreement(agreement_id)'],
  [
    'agreement_workstreams',
    'app_initiates_agreement(agreement_id) AND app_sees_workstream(workstream_id)',
  ],
  ['report_sections', 'app_writes_report(report_id)'],
];

export class ReadsByIndex1764070000000 implements MigrationInterface {
  name = 'ReadsByIndex1764070000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `CREATE INDEX savings_lines_shared ON savings_lines (partnership_id, workstream_id) WHERE partnership_id IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX savings_lines_private ON savings_lines (owner_council_id, workstream_id) WHERE owner_council_id IS NOT NULL`,
    );

    // The agreements the caller's council is a party to (the definer reads every party row).
    await db.query(`
      CREATE FUNCTION app_party_agreement_ids() RETURNS uuid[]
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(p.agreement_id), '{}') FROM agreement_parties p
         WHERE p.council_id = (SELECT app_council_id()) $$`);
    // What the caller may read, as the agreements' and reports' own policies decide (invoker).
    await db.query(`
      CREATE FUNCTION app_visible_agreement_ids() RETURNS uuid[]
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(a.id), '{}') FROM agreements a $$`);
    await db.query(`
      CREATE FUNCTION app_visible_report_ids() RETURNS uuid[]
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(r.id), '{}') FROM reports r $$`);
    // Those the caller may change (initiated by its council; reports its council owns), for
    // the write policies' USING, which reads apply too (FOR ALL).
    await db.query(`
      CREATE FUNCTION app_initiated_agreement_ids() RETURNS uuid[]
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(a.id), '{}') FROM agreements a
         WHERE (SELECT app_role()) IN ('officer', 'council_admin')
           AND a.initiating_council_id = (SELECT app_council_id()) $$`);
    await db.query(`
      CREATE FUNCTION app_written_report_ids() RETURNS uuid[]
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(r.id), '{}') FROM reports r
         WHERE (SELECT app_role()) IN ('officer', 'council_admin')
           AND r.owner_council_id = (SELECT app_council_id()) $$`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_initiated_agreement_ids() TO jwh_app`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_written_report_ids() TO jwh_app`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_party_agreement_ids() TO jwh_app`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_visible_agreement_ids() TO jwh_app`);
    await db.query(`GRANT EXECUTE ON FUNCTION app_visible_report_ids() TO jwh_app`);

    await db.query(`DROP POLICY agreements_read ON agreements`);
    await db.query(`
      CREATE POLICY agreements_read ON agreements FOR SELECT
      USING (${ADMIN} OR initiating_council_id = (SELECT app_council_id())
             OR id = ANY ((SELECT app_party_agreement_ids())::uuid[]))`);
    for (const table of AGREEMENT_RECORDS) {
      await db.query(`DROP POLICY ${table}_read ON ${table}`);
      await db.query(`
        CREATE POLICY ${table}_read ON ${table} FOR SELECT
        USING (${ADMIN} OR agreement_id = ANY ((SELECT app_visible_agreement_ids())::uuid[]))`);
    }
    await db.query(`DROP POLICY report_sections_read ON report_sections`);
    await db.query(`
      CREATE POLICY report_sections_read ON report_sections FOR SELECT
      USING (${ADMIN} OR report_id = ANY ((SELECT app_visible_report_ids())::uuid[]))`);
    for (const [table, check] of WRITE_POLICIES) {
      await db.query(`DROP POLICY ${table}_write ON ${table}`);
      await db.query(`
        CREATE POLICY ${table}_write ON ${table} FOR ALL
        USING (${ADMIN} OR ${table === 'report_sections' ? 'report_id' : 'agreement_id'} = ANY ((SELECT ${
          table === 'report_sections' ? 'app_written_report_ids' : 'app_initiated_agreement_ids'
        }())::uuid[]))
        WITH CHECK (${check})`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const [table, check] of WRITE_POLICIES) {
      await db.query(`DROP POLICY ${table}_write ON ${table}`);
      const using = check.replace(/ AND app_sees_workstream\(workstream_id\)/, '');
      await db.query(
        `CREATE POLICY ${table}_write ON ${table} FOR ALL USING (${using}) WITH CHECK (${check})`,
      );
    }
    await db.query(`DROP FUNCTION app_written_report_ids()`);
    await db.query(`DROP FUNCTION app_initiated_agreement_ids()`);
    await db.query(`DROP POLICY report_sections_read ON report_sections`);
    await db.query(
      `CREATE POLICY report_sections_read ON report_sections FOR SELECT USING (app_sees_report(report_id))`,
    );
    for (const table of AGREEMENT_RECORDS) {
      await db.query(`DROP POLICY ${table}_read ON ${table}`);
      await db.query(
        `CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (app_sees_agreement(agreement_id))`,
      );
    }
    await db.query(`DROP POLICY agreements_read ON agreements`);
    await db.query(`
      CREATE POLICY agreements_read ON agreements FOR SELECT
      USING (${ADMIN} OR initiating_council_id = (SELECT app_council_id()) OR app_agreement_party(id))`);
    await db.query(`DROP FUNCTION app_visible_report_ids()`);
    await db.query(`DROP FUNCTION app_visible_agreement_ids()`);
    await db.query(`DROP FUNCTION app_party_agreement_ids()`);
    await db.query(`DROP INDEX savings_lines_private`);
    await db.query(`DROP INDEX savings_lines_shared`);
  }
}
