import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decisions that hold (README, Partnerships and workstreams: the rules). The services check
 * each rule first, for a clear answer; the database refuses the same writes by itself:
 *
 * - A business case starts as a draft and moves draft → submitted → approved or rejected;
 *   the database records who moved it and when. Once submitted its costs and estimated
 *   savings are frozen; once decided it never changes (a change is a new version).
 * - A council's approval that its commitment stands on cannot become a rejection or a
 *   deferral while the commitment stands.
 * - "Commit only after approving a business case" (Inverclyde's rule) is each council's own
 *   setting, on by default (`council_profiles.commit_requires_approved_business_case`).
 * - A workstream starts as an idea, in research or at business case; it moves to approved or
 *   later only with an approved business case, or a reason in its phase history that none
 *   is needed.
 * - Repayment thresholds ascend and together repay no more than was funded.
 * - A council that leads a workstream of a partnership stays a member until the lead is
 *   handed over.
 * - A record a platform admin keeps for a council says so (`recorded_by_platform_admin`).
 */
export class DecisionsThatHold1763990000000 implements MigrationInterface {
  name = 'DecisionsThatHold1763990000000';

  async up(db: QueryRunner): Promise<void> {
    const rule = `LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp`;
    await this.businessCases(db, rule);
    await db.query(`
      ALTER TABLE council_profiles
        ADD COLUMN commit_requires_approved_business_case boolean NOT NULL DEFAULT true`);
    // The committing council's own setting; a council reads its own profile (and a platform
    // admin every profile), so the invoker's row-level security serves here.
    await db.query(`
      CREATE OR REPLACE FUNCTION workstream_participants_commitment() RETURNS trigger ${rule} AS $$
      BEGIN
        IF NEW.status = 'committed'
           AND coalesce((SELECT p.commit_requires_approved_business_case FROM council_profiles p
                          WHERE p.council_id = NEW.council_id), true)
           AND NOT EXISTS (
             SELECT 1 FROM business_case_decisions d JOIN business_cases c ON c.id = d.business_case_id
              WHERE d.workstream_id = NEW.workstream_id AND d.council_id = NEW.council_id
                AND d.decision = 'approved' AND c.status <> 'draft') THEN
          RAISE EXCEPTION 'a council commits only after approving a business case' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE FUNCTION business_case_decisions_commitment() RETURNS trigger ${rule} AS $$
      BEGIN
        IF OLD.decision = 'approved' AND NEW.decision <> 'approved'
           AND coalesce((SELECT p.commit_requires_approved_business_case FROM council_profiles p
                          WHERE p.council_id = NEW.council_id), true)
           AND EXISTS (SELECT 1 FROM workstream_participants w
                        WHERE w.workstream_id = NEW.workstream_id AND w.council_id = NEW.council_id
                          AND w.status = 'committed')
           AND NOT EXISTS (
             SELECT 1 FROM business_case_decisions d JOIN business_cases c ON c.id = d.business_case_id
              WHERE d.workstream_id = NEW.workstream_id AND d.council_id = NEW.council_id
                AND d.decision = 'approved' AND c.status <> 'draft' AND d.id <> NEW.id) THEN
          RAISE EXCEPTION 'the council is committed on the strength of this approval; withdraw the commitment first'
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER business_case_decisions_commitment BEFORE UPDATE OF decision ON business_case_decisions
      FOR EACH ROW EXECUTE FUNCTION business_case_decisions_commitment()`);
    await this.phases(db, rule);
    await this.funding(db, rule);
    await this.leadsStay(db, rule);
    await this.onBehalf(db, rule);
  }

  private async businessCases(db: QueryRunner, rule: string): Promise<void> {
    await db.query(`
      ALTER TABLE business_cases
        ADD COLUMN submitted_at timestamptz, ADD COLUMN submitted_by uuid,
        ADD COLUMN decided_at timestamptz, ADD COLUMN decided_by uuid`);
    await db.query(`
      CREATE FUNCTION business_cases_lifecycle() RETURNS trigger ${rule} AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a business case starts as a draft' USING ERRCODE = 'JW409';
          END IF;
          NEW.submitted_at := NULL; NEW.submitted_by := NULL; NEW.decided_at := NULL; NEW.decided_by := NULL;
          RETURN NEW;
        END IF;
        IF OLD.status IN ('approved', 'rejected') THEN
          RAISE EXCEPTION 'this business case has been decided and cannot change; a change is a new business case'
            USING ERRCODE = 'JW409';
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status AND NOT (
             (OLD.status = 'draft' AND NEW.status = 'submitted')
             OR (OLD.status = 'submitted' AND NEW.status IN ('approved', 'rejected'))) THEN
          RAISE EXCEPTION 'a business case moves from draft to submitted, then to approved or rejected'
            USING ERRCODE = 'JW409';
        END IF;
        IF OLD.status <> 'draft' AND (NEW.estimated_cost_pence, NEW.estimated_savings_pence)
             IS DISTINCT FROM (OLD.estimated_cost_pence, OLD.estimated_savings_pence) THEN
          RAISE EXCEPTION 'a submitted business case''s costs and estimated savings are frozen'
            USING ERRCODE = 'JW409';
        END IF;
        NEW.submitted_at := CASE WHEN OLD.status = 'draft' AND NEW.status = 'submitted' THEN now() ELSE OLD.submitted_at END;
        NEW.submitted_by := CASE WHEN OLD.status = 'draft' AND NEW.status = 'submitted' THEN app_user_id() ELSE OLD.submitted_by END;
        NEW.decided_at := CASE WHEN NEW.status IN ('approved', 'rejected') THEN now() ELSE OLD.decided_at END;
        NEW.decided_by := CASE WHEN NEW.status IN ('approved', 'rejected') THEN app_user_id() ELSE OLD.decided_by END;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER business_cases_lifecycle BEFORE INSERT OR UPDATE ON business_cases
      FOR EACH ROW EXECUTE FUNCTION business_cases_lifecycle()`);
  }

  private async phases(db: QueryRunner, rule: string): Promise<void> {
    await db.query(`
      CREATE FUNCTION workstreams_phase_rule() RETURNS trigger ${rule} AS $$
      DECLARE
        approved constant text[] := ARRAY['approved', 'implementation', 'live'];
        early constant text[] := ARRAY['idea', 'research', 'business_case'];
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NOT NEW.phase = ANY (early) THEN
            RAISE EXCEPTION 'a workstream starts as an idea, in research or at business case' USING ERRCODE = 'JW409';
          END IF;
        ELSIF NEW.phase = ANY (approved) AND OLD.phase = ANY (early)
              AND NOT EXISTS (SELECT 1 FROM business_cases c WHERE c.workstream_id = NEW.id AND c.status = 'approved')
              AND NOT EXISTS (SELECT 1 FROM workstream_phase_changes h
                               WHERE h.workstream_id = NEW.id AND h.to_phase = NEW.phase
                                 AND h.created_at >= now() AND btrim(coalesce(h.reason, '')) <> '') THEN
          RAISE EXCEPTION 'a workstream moves to % with an approved business case, or a reason that none is needed', NEW.phase
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstreams_phase_rule BEFORE INSERT OR UPDATE OF phase ON workstreams
      FOR EACH ROW EXECUTE FUNCTION workstreams_phase_rule()`);
  }

  private async funding(db: QueryRunner, rule: string): Promise<void> {
    await db.query(`
      CREATE FUNCTION funding_lines_thresholds() RETURNS trigger ${rule} AS $$
      DECLARE previous bigint := -1; total bigint := 0; t jsonb;
      BEGIN
        FOR t IN SELECT value FROM jsonb_array_elements(NEW.repayment_thresholds) LOOP
          IF (t ->> 'realisedSavingsPence')::bigint <= previous THEN
            RAISE EXCEPTION 'repayment thresholds must ascend' USING ERRCODE = '23514';
          END IF;
          previous := (t ->> 'realisedSavingsPence')::bigint;
          total := total + (t ->> 'repaymentPence')::bigint;
        END LOOP;
        IF total > NEW.amount_pence THEN
          RAISE EXCEPTION 'repayments must not exceed the amount funded' USING ERRCODE = '23514';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER funding_lines_thresholds BEFORE INSERT OR UPDATE OF repayment_thresholds, amount_pence
      ON funding_lines FOR EACH ROW EXECUTE FUNCTION funding_lines_thresholds()`);
    await db.query(`
      CREATE TABLE funding_repayments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        funding_line_id uuid NOT NULL REFERENCES funding_lines (id),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        paid_on date NOT NULL,
        amount_pence bigint NOT NULL CHECK (amount_pence > 0),
        reference text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX funding_repayments_list ON funding_repayments (funding_line_id, paid_on, id)`,
    );
    await db.query(
      `CREATE INDEX funding_repayments_workstream ON funding_repayments (workstream_id)`,
    );
    // A repayment belongs to a funding line of its own workstream, and together they never
    // exceed what the line's thresholds ask back.
    await db.query(
      `ALTER TABLE funding_lines ADD CONSTRAINT funding_lines_id_workstream UNIQUE (id, workstream_id)`,
    );
    await db.query(`
      ALTER TABLE funding_repayments ADD CONSTRAINT funding_repayments_line
      FOREIGN KEY (funding_line_id, workstream_id) REFERENCES funding_lines (id, workstream_id)`);
    await db.query(`
      CREATE FUNCTION funding_repayments_within() RETURNS trigger ${rule} AS $$
      BEGIN
        IF (SELECT coalesce(sum(r.amount_pence), 0) FROM funding_repayments r WHERE r.funding_line_id = NEW.funding_line_id)
           > (SELECT coalesce(sum((t ->> 'repaymentPence')::bigint), 0)
                FROM funding_lines f, jsonb_array_elements(f.repayment_thresholds) t WHERE f.id = NEW.funding_line_id) THEN
          RAISE EXCEPTION 'repayments must not exceed what the thresholds ask back' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER funding_repayments_within AFTER INSERT OR UPDATE ON funding_repayments
      FOR EACH ROW EXECUTE FUNCTION funding_repayments_within()`);
    await db.query(`
      CREATE TRIGGER funding_repayments_updated_at BEFORE UPDATE ON funding_repayments
      FOR EACH ROW EXECUTE FUNCTION set_updated_at()`);
    await db.query(`
      CREATE TRIGGER funding_repayments_audit AFTER INSERT OR UPDATE OR DELETE ON funding_repayments
      FOR EACH ROW EXECUTE FUNCTION audit_row('-')`);
    await db.query(`ALTER TABLE funding_repayments ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE funding_repayments FORCE ROW LEVEL SECURITY`);
    await db.query(`
      CREATE POLICY funding_repayments_read ON funding_repayments FOR SELECT
      USING (app_sees_workstream(workstream_id))`);
    await db.query(`
      CREATE POLICY funding_repayments_add ON funding_repayments FOR INSERT
      WITH CHECK (app_leads_workstream(workstream_id))`);
    await db.query(`
      CREATE POLICY funding_repayments_edit ON funding_repayments FOR UPDATE
      USING (app_leads_workstream(workstream_id))`);
    await db.query(`
      GRANT SELECT, INSERT (funding_line_id, workstream_id, paid_on, amount_pence, reference),
            UPDATE (paid_on, amount_pence, reference, version) ON funding_repayments TO jwh_app`);
  }

  private async leadsStay(db: QueryRunner, rule: string): Promise<void> {
    await db.query(`
      CREATE FUNCTION partnership_members_leads_stay() RETURNS trigger ${rule} AS $$
      DECLARE led text;
      BEGIN
        SELECT string_agg(w.title, '; ' ORDER BY w.title) INTO led FROM workstreams w
         WHERE w.partnership_id = NEW.partnership_id AND NEW.council_id = ANY (w.lead_council_ids)
           AND w.phase <> 'closed';
        IF led IS NOT NULL AND NOT EXISTS (
             SELECT 1 FROM partnership_members m WHERE m.partnership_id = NEW.partnership_id
                AND m.council_id = NEW.council_id AND m.left_on IS NULL AND m.id <> NEW.id) THEN
          RAISE EXCEPTION 'the council leads workstreams of this partnership (%); hand the lead over first', led
            USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER partnership_members_leads_stay AFTER UPDATE OF left_on ON partnership_members
      FOR EACH ROW WHEN (OLD.left_on IS NULL AND NEW.left_on IS NOT NULL)
      EXECUTE FUNCTION partnership_members_leads_stay()`);
  }

  private async onBehalf(db: QueryRunner, rule: string): Promise<void> {
    // The last write of the record was a platform admin's, on the council's behalf.
    await db.query(`
      CREATE FUNCTION recorded_by_platform_admin() RETURNS trigger ${rule} AS $$
      BEGIN
        NEW.recorded_by_platform_admin := app_is_platform_admin();
        RETURN NEW;
      END $$`);
    for (const table of ['workstream_participants', 'business_case_decisions', 'savings_lines']) {
      await db.query(
        `ALTER TABLE ${table} ADD COLUMN recorded_by_platform_admin boolean NOT NULL DEFAULT false`,
      );
      await db.query(`
        CREATE TRIGGER ${table}_on_behalf BEFORE INSERT OR UPDATE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION recorded_by_platform_admin()`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of ['workstream_participants', 'business_case_decisions', 'savings_lines']) {
      await db.query(`DROP TRIGGER ${table}_on_behalf ON ${table}`);
      await db.query(`ALTER TABLE ${table} DROP COLUMN recorded_by_platform_admin`);
    }
    await db.query(`DROP FUNCTION recorded_by_platform_admin()`);
    await db.query(`DROP TRIGGER partnership_members_leads_stay ON partnership_members`);
    await db.query(`DROP FUNCTION partnership_members_leads_stay()`);
    await db.query(`DROP TABLE funding_repayments`);
    await db.query(`DROP FUNCTION funding_repayments_within()`);
    await db.query(`ALTER TABLE funding_lines DROP CONSTRAINT funding_lines_id_workstream`);
    await db.query(`DROP TRIGGER funding_lines_thresholds ON funding_lines`);
    await db.query(`DROP FUNCTION funding_lines_thresholds()`);
    await db.query(`DROP TRIGGER workstreams_phase_rule ON workstreams`);
    await db.query(`DROP FUNCTION workstreams_phase_rule()`);
    await db.query(`DROP TRIGGER business_case_decisions_commitment ON business_case_decisions`);
    await db.query(`DROP FUNCTION business_case_decisions_commitment()`);
    await db.query(
      `ALTER TABLE council_profiles DROP COLUMN commit_requires_approved_business_case`,
    );
    await db.query(`DROP TRIGGER business_cases_lifecycle ON business_cases`);
    await db.query(`DROP FUNCTION business_cases_lifecycle()`);
    await db.query(`
      ALTER TABLE business_cases DROP COLUMN submitted_at, DROP COLUMN submitted_by,
        DROP COLUMN decided_at, DROP COLUMN decided_by`);
  }
}
