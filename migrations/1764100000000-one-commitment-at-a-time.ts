import { MigrationInterface, QueryRunner } from 'typeorm';

const RULE = `LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp`;
const REQUIRED = `coalesce((SELECT p.commit_requires_approved_business_case FROM council_profiles p
                            WHERE p.council_id = NEW.council_id), true)`;
const APPROVED = `SELECT 1 FROM business_case_decisions d JOIN business_cases c ON c.id = d.business_case_id
                   WHERE d.workstream_id = NEW.workstream_id AND d.council_id = NEW.council_id
                     AND d.decision = 'approved' AND c.status <> 'draft'`;
const COMMITTED = `SELECT 1 FROM workstream_participants w
                    WHERE w.workstream_id = NEW.workstream_id AND w.council_id = NEW.council_id
                      AND w.status = 'committed'`;

/**
 * A council's commitment to a workstream and the approval it rests on, one at a time (README,
 * Partnerships and workstreams: a council commits only after approving a business case, and
 * an approval its commitment stands on is not withdrawn while the commitment stands).
 *
 * Each rule reads the other row: the commitment reads the approvals, the withdrawal reads the
 * commitment. Under READ COMMITTED a commitment and the withdrawal of its only approval, made
 * at the same moment, each read the other as it was before and both commit (write skew): the
 * council is committed on the strength of an approval it no longer gives. Both checks now
 * first take a transaction lock on the council's commitment to the workstream
 * (`commitment_lock`), so the second waits for the first to end and then reads what it
 * committed. The service takes the same lock before its own checks
 * (src/workstreams/record-kinds.ts), so the answer is its clear 409.
 */
export class OneCommitmentAtATime1764100000000 implements MigrationInterface {
  name = 'OneCommitmentAtATime1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION commitment_lock(p_workstream_id uuid, p_council_id uuid) RETURNS void
      LANGUAGE sql VOLATILE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT pg_advisory_xact_lock(
          hashtextextended('commitment ' || p_workstream_id::text || ' ' || p_council_id::text, 0)) $$`);
    await db.query(`REVOKE ALL ON FUNCTION commitment_lock(uuid, uuid) FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION commitment_lock(uuid, uuid) TO jwh_app`);
    // Each check's queries run after the lock, so they read what a transaction it waited for
    // committed (a plpgsql function takes a new snapshot for every statement).
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_participants_commitment() RETURNS trigger ${RULE} AS $$
      BEGIN
        IF NEW.status = 'committed' THEN
          PERFORM commitment_lock(NEW.workstream_id, NEW.council_id);
          IF ${REQUIRED} AND NOT EXISTS (${APPROVED}) THEN
            RAISE EXCEPTION 'a council commits only after approving a business case' USING ERRCODE = 'JW409';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION business_case_decisions_commitment() RETURNS trigger ${RULE} AS $$
      BEGIN
        IF OLD.decision = 'approved' AND NEW.decision <> 'approved' THEN
          PERFORM commitment_lock(NEW.workstream_id, NEW.council_id);
          IF ${REQUIRED} AND EXISTS (${COMMITTED}) AND NOT EXISTS (${APPROVED} AND d.id <> NEW.id) THEN
            RAISE EXCEPTION 'the council is committed on the strength of this approval; withdraw the commitment first'
              USING ERRCODE = 'JW409';
          END IF;
        END IF;
        RETURN NEW;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    // The checks as migrations/1763990000000-decisions-that-hold.ts wrote them.
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_participants_commitment() RETURNS trigger ${RULE} AS $$
      BEGIN
        IF NEW.status = 'committed' AND ${REQUIRED} AND NOT EXISTS (${APPROVED}) THEN
          RAISE EXCEPTION 'a council commits only after approving a business case' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION business_case_decisions_commitment() RETURNS trigger ${RULE} AS $$
      BEGIN
        IF OLD.decision = 'approved' AND NEW.decision <> 'approved'
           AND ${REQUIRED} AND EXISTS (${COMMITTED}) AND NOT EXISTS (${APPROVED} AND d.id <> NEW.id) THEN
          RAISE EXCEPTION 'the council is committed on the strength of this approval; withdraw the commitment first'
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`DROP FUNCTION commitment_lock(uuid, uuid)`);
  }
}
