import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Progress reports (docs/access-rules.md; README, Reports).
 *
 * A report belongs to its owner council; `private` reports are read by that council only,
 * `partnership` ones by the partnership's current members too. The owner council's officers
 * and admins write drafts; its admins approve or return them. Its sections are copies of what
 * the live workstreams and agreements said as at the period's end, edited by officers; on
 * submission the whole paper is frozen into `snapshot`. The database holds each rule by
 * itself:
 *   - reads: the owner council, or a current member of a shared report's partnership;
 *   - writes: the owner council's officers and admins; approval and return: its admins;
 *   - a submitted report's header and sections do not change; an approved one never changes
 *     (JW409); the lifecycle is draft → submitted → approved, or submitted → draft with a
 *     reason; approval names the accountable officer and director with their dates.
 * Report schedules ("a progress report in 12 months") belong to a council like its reports.
 */
export class Reports1764030000000 implements MigrationInterface {
  name = 'Reports1764030000000';

  async up(db: QueryRunner): Promise<void> {
    const text = (column: string, max: number) =>
      `${column} text CHECK (length(btrim(${column})) BETWEEN 1 AND ${max})`;
    await db.query(`
      CREATE TABLE reports (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_council_id uuid NOT NULL REFERENCES councils (id),
        partnership_id uuid REFERENCES partnerships (id),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
        type text NOT NULL CHECK (type IN ('committee_report', 'partnership_progress_report', 'improvement_priority_report')),
        ${text('meeting', 200)},
        meeting_date date,
        ${text('reference', 100)},
        ${text('forward_plan_reference', 100)},
        key_decision boolean,
        public_item boolean,
        ${text('report_by', 200)},
        ${text('signed_by', 200)},
        ${text('contact_name', 200)},
        ${text('contact_job_title', 200)},
        ${text('contact_telephone', 50)},
        ${text('contact_email', 320)},
        ${text('wards', 500)},
        period_from date,
        period_to date NOT NULL,
        visibility text NOT NULL DEFAULT 'private' CHECK (visibility IN ('private', 'partnership')),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved')),
        returned_reason text CHECK (length(returned_reason) <= 2000),
        submitted_at timestamptz,
        submitted_by uuid,
        snapshot jsonb,
        accountable_officer text CHECK (length(accountable_officer) <= 200),
        accountable_officer_on date,
        accountable_director text CHECK (length(accountable_director) <= 200),
        accountable_director_on date,
        approved_at timestamptz,
        approved_by uuid,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (period_from IS NULL OR period_from <= period_to),
        CHECK (visibility = 'private' OR partnership_id IS NOT NULL),
        CHECK ((status = 'draft') = (snapshot IS NULL)),
        CHECK (status <> 'approved' OR (accountable_officer IS NOT NULL AND accountable_officer_on IS NOT NULL
                                         AND accountable_director IS NOT NULL AND accountable_director_on IS NOT NULL))
      )`);
    await db.query(`CREATE INDEX reports_owner ON reports (owner_council_id, period_to DESC, id)`);
    await db.query(
      `CREATE INDEX reports_shared ON reports (partnership_id, period_to DESC, id) WHERE visibility = 'partnership'`,
    );
    await db.query(`
      CREATE TABLE report_sections (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        report_id uuid NOT NULL REFERENCES reports (id),
        position integer NOT NULL CHECK (position >= 0),
        kind text NOT NULL CHECK (kind IN ('text', 'recommendations', 'implications', 'lead_authorities',
                                           'workstream', 'agreement')),
        key text NOT NULL CHECK (key ~ '^[a-z_]{1,40}$'),
        heading text NOT NULL CHECK (length(btrim(heading)) BETWEEN 1 AND 200),
        content jsonb NOT NULL,
        internal boolean NOT NULL DEFAULT false,
        workstream_id uuid REFERENCES workstreams (id),
        agreement_id uuid REFERENCES agreements (id),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (pg_column_size(content) <= 1048576)
      )`);
    await db.query(
      `CREATE INDEX report_sections_order ON report_sections (report_id, position, id)`,
    );
    await db.query(`
      CREATE TABLE report_schedules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_council_id uuid NOT NULL REFERENCES councils (id),
        workstream_id uuid REFERENCES workstreams (id),
        partnership_id uuid REFERENCES partnerships (id),
        agreement_id uuid REFERENCES agreements (id),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 300),
        ${text('meeting', 200)},
        due_on date NOT NULL,
        report_id uuid REFERENCES reports (id),
        reminded_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (num_nonnulls(workstream_id, partnership_id, agreement_id) <= 1)
      )`);
    await db.query(
      `CREATE INDEX report_schedules_due ON report_schedules (owner_council_id, due_on, id)`,
    );
    for (const table of ['reports', 'report_sections', 'report_schedules']) {
      await db.query(
        `CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      );
    }
    await this.rules(db);
    await this.security(db);
    for (const [table, owner] of [
      ['reports', 'owner_council_id'],
      ['report_sections', '-'],
      ['report_schedules', 'owner_council_id'],
    ]) {
      await db.query(
        `CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row('${owner}')`,
      );
    }
  }

  private async rules(db: QueryRunner): Promise<void> {
    const rule = `LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp`;
    await db.query(`
      CREATE FUNCTION reports_lifecycle() RETURNS trigger ${rule} AS $$
      DECLARE
        fixed_old jsonb := to_jsonb(OLD) - ARRAY['status', 'returned_reason', 'submitted_at', 'submitted_by',
          'snapshot', 'accountable_officer', 'accountable_officer_on', 'accountable_director',
          'accountable_director_on', 'approved_at', 'approved_by', 'version', 'updated_at'];
        fixed_new jsonb := to_jsonb(NEW) - ARRAY['status', 'returned_reason', 'submitted_at', 'submitted_by',
          'snapshot', 'accountable_officer', 'accountable_officer_on', 'accountable_director',
          'accountable_director_on', 'approved_at', 'approved_by', 'version', 'updated_at'];
        admin boolean := coalesce((SELECT app_is_platform_admin()) OR (SELECT app_role()) = 'council_admin', false);
      BEGIN
        IF TG_OP = 'INSERT' THEN
          IF NEW.status <> 'draft' THEN
            RAISE EXCEPTION 'a report starts as a draft' USING ERRCODE = 'JW409';
          END IF;
          RETURN NEW;
        END IF;
        IF OLD.status = 'approved' THEN
          RAISE EXCEPTION 'an approved report never changes; a correction is a new report' USING ERRCODE = 'JW409';
        END IF;
        IF OLD.status = 'submitted' AND fixed_old IS DISTINCT FROM fixed_new THEN
          RAISE EXCEPTION 'a submitted report is frozen; return it to draft to change it' USING ERRCODE = 'JW409';
        END IF;
        IF NEW.status IS DISTINCT FROM OLD.status THEN
          IF OLD.status = 'draft' AND NEW.status = 'submitted' THEN
            IF NEW.snapshot IS NULL THEN
              RAISE EXCEPTION 'a report is submitted with its snapshot' USING ERRCODE = 'JW409';
            END IF;
            NEW.submitted_at := now(); NEW.submitted_by := (SELECT app_user_id()); NEW.returned_reason := NULL;
          ELSIF OLD.status = 'submitted' AND NEW.status = 'draft' THEN
            IF NOT admin THEN
              RAISE EXCEPTION 'only a council admin returns a report' USING ERRCODE = '42501';
            END IF;
            IF btrim(coalesce(NEW.returned_reason, '')) = '' THEN
              RAISE EXCEPTION 'a report is returned with a reason' USING ERRCODE = 'JW409';
            END IF;
            NEW.snapshot := NULL;
          ELSIF OLD.status = 'submitted' AND NEW.status = 'approved' THEN
            IF NOT admin THEN
              RAISE EXCEPTION 'only a council admin approves a report' USING ERRCODE = '42501';
            END IF;
            NEW.approved_at := now(); NEW.approved_by := (SELECT app_user_id());
            NEW.snapshot := OLD.snapshot;
          ELSE
            RAISE EXCEPTION 'a report does not move from % to %', OLD.status, NEW.status USING ERRCODE = 'JW409';
          END IF;
        ELSIF OLD.status <> 'draft' AND (NEW.snapshot IS DISTINCT FROM OLD.snapshot
              OR (NEW.accountable_officer, NEW.accountable_officer_on, NEW.accountable_director, NEW.accountable_director_on)
                 IS DISTINCT FROM (OLD.accountable_officer, OLD.accountable_officer_on, OLD.accountable_director, OLD.accountable_director_on)) THEN
          RAISE EXCEPTION 'a submitted report is frozen' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER reports_lifecycle BEFORE INSERT OR UPDATE ON reports
      FOR EACH ROW EXECUTE FUNCTION reports_lifecycle()`);
    // Sections change only while their report is a draft.
    await db.query(`
      CREATE FUNCTION report_sections_draft() RETURNS trigger ${rule} AS $$
      DECLARE row record := coalesce(NEW, OLD);
      BEGIN
        IF (SELECT status FROM reports WHERE id = row.report_id) IS DISTINCT FROM 'draft' THEN
          RAISE EXCEPTION 'a submitted report''s sections are frozen' USING ERRCODE = 'JW409';
        END IF;
        RETURN row;
      END $$`);
    await db.query(`
      CREATE TRIGGER report_sections_draft BEFORE INSERT OR UPDATE OR DELETE ON report_sections
      FOR EACH ROW EXECUTE FUNCTION report_sections_draft()`);
    // A report shared with a partnership reports only on that partnership's workstreams, and
    // on agreements of it that every current member is a party to: sharing shows partners
    // nothing private. Checked when a report is shared and when a shared report gains a
    // section; the invoker's row-level security applies (what the owner cannot see fails).
    await db.query(`
      CREATE FUNCTION report_shares_only_partnership_items(p_report_id uuid) RETURNS boolean
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT NOT EXISTS (
          SELECT 1 FROM reports r JOIN report_sections s ON s.report_id = r.id
            LEFT JOIN workstreams w ON w.id = s.workstream_id
            LEFT JOIN agreements a ON a.id = s.agreement_id
           WHERE r.id = p_report_id AND r.visibility = 'partnership'
             AND ((s.workstream_id IS NOT NULL AND w.partnership_id IS DISTINCT FROM r.partnership_id)
                  OR (s.agreement_id IS NOT NULL AND (a.partnership_id IS DISTINCT FROM r.partnership_id
                      OR EXISTS (SELECT 1 FROM partnership_members m
                                  WHERE m.partnership_id = r.partnership_id AND m.left_on IS NULL
                                    AND NOT EXISTS (SELECT 1 FROM agreement_parties p
                                                     WHERE p.agreement_id = a.id AND p.council_id = m.council_id)))))) $$`);
    await db.query(`
      CREATE FUNCTION reports_shared_items() RETURNS trigger ${rule} AS $$
      DECLARE report uuid;
      BEGIN
        IF TG_TABLE_NAME = 'reports' THEN report := NEW.id; ELSE report := NEW.report_id; END IF;
        IF NOT report_shares_only_partnership_items(report) THEN
          RAISE EXCEPTION 'a report shared with a partnership reports only on what every member may see'
            USING ERRCODE = '23514';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER reports_shared_items AFTER INSERT OR UPDATE OF visibility, partnership_id ON reports
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reports_shared_items()`);
    await db.query(`
      CREATE CONSTRAINT TRIGGER report_sections_shared_items AFTER INSERT ON report_sections
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reports_shared_items()`);
  }

  private async security(db: QueryRunner): Promise<void> {
    const admin = `(SELECT app_is_platform_admin())`;
    const writer = `(SELECT app_role()) IN ('officer', 'council_admin')`;
    const own = `owner_council_id = (SELECT app_council_id())`;
    for (const table of ['reports', 'report_sections', 'report_schedules']) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    await db.query(`
      CREATE POLICY reports_read ON reports FOR SELECT
      USING (${admin} OR ${own}
             OR (visibility = 'partnership' AND partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])))`);
    await db.query(`
      CREATE POLICY reports_write ON reports FOR INSERT WITH CHECK (${admin} OR (${writer} AND ${own}))`);
    await db.query(`
      CREATE POLICY reports_edit ON reports FOR UPDATE
      USING (${admin} OR (${writer} AND ${own})) WITH CHECK (${admin} OR (${writer} AND ${own}))`);
    // Invoker: the reports policy applies inside.
    await db.query(`
      CREATE FUNCTION app_sees_report(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM reports WHERE id = p_id) $$`);
    await db.query(`
      CREATE FUNCTION app_writes_report(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT ${admin} OR (${writer} AND EXISTS (
          SELECT 1 FROM reports WHERE id = p_id AND owner_council_id = (SELECT app_council_id()))) $$`);
    await db.query(
      `CREATE POLICY report_sections_read ON report_sections FOR SELECT USING (app_sees_report(report_id))`,
    );
    await db.query(`
      CREATE POLICY report_sections_write ON report_sections FOR ALL
      USING (app_writes_report(report_id)) WITH CHECK (app_writes_report(report_id))`);
    await db.query(`
      CREATE POLICY report_schedules_read ON report_schedules FOR SELECT USING (${admin} OR ${own})`);
    await db.query(`
      CREATE POLICY report_schedules_write ON report_schedules FOR ALL
      USING (${admin} OR (${writer} AND ${own})) WITH CHECK (${admin} OR (${writer} AND ${own}))`);

    await db.query(`
      GRANT SELECT, INSERT (id, owner_council_id, partnership_id, title, type, meeting, meeting_date, reference,
                            forward_plan_reference, key_decision, public_item, report_by, signed_by, contact_name,
                            contact_job_title, contact_telephone, contact_email, wards, period_from,
                            period_to, visibility),
            UPDATE (partnership_id, title, type, meeting, meeting_date, reference, forward_plan_reference,
                    key_decision, public_item, report_by, signed_by, contact_name, contact_job_title, contact_telephone,
                    contact_email, wards, period_from, period_to, visibility, status, returned_reason,
                    snapshot, accountable_officer, accountable_officer_on, accountable_director,
                    accountable_director_on, version)
      ON reports TO jwh_app`);
    // Recomposing rewrites a draft's composed sections in place: nothing is ever deleted.
    await db.query(`
      GRANT SELECT, INSERT (id, report_id, position, kind, key, heading, content, internal, workstream_id, agreement_id),
            UPDATE (position, heading, content, internal, version)
      ON report_sections TO jwh_app`);
    await db.query(`
      GRANT SELECT, INSERT (id, owner_council_id, workstream_id, partnership_id, agreement_id, title, meeting, due_on),
            UPDATE (title, meeting, due_on, report_id, reminded_at, version)
      ON report_schedules TO jwh_app`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE report_schedules, report_sections, reports`);
    for (const fn of [
      'app_writes_report(uuid)',
      'app_sees_report(uuid)',
      'reports_shared_items()',
      'report_shares_only_partnership_items(uuid)',
      'report_sections_draft()',
      'reports_lifecycle()',
    ]) {
      await db.query(`DROP FUNCTION ${fn}`);
    }
  }
}
