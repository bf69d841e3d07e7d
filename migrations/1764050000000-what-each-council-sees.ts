import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each council sees, kept as it changes (README, Performance).
 *
 * `workstream_visibility` holds one row per council and workstream it may read: the owner
 * council of a private workstream, and every current member of a shared workstream's
 * partnership — the workstreams' read rule, written down. Triggers keep it in the same
 * transaction as every write that could change it: a workstream added or changed (its order
 * key `updated_at`, RAG, service area, phase and leads travel with it), and a council joining
 * or leaving a partnership. Writes to a partnership's workstreams take a shared lock on the
 * partnership, a change of its members an exclusive one, so two such writes at once cannot
 * each miss the other's row. A council's first page of workstreams is then one ordered range of
 * one index, however many partnerships it is in, and its dashboard counts what it leads from
 * an index of its own rows.
 *
 * The table only finds rows. Its rows carry the workstream's keys, so the caller's CASL
 * conditions apply to them as to the workstream, and every list joins `workstreams`, whose own
 * read policy decides again what is shown. A row here that the rules would refuse
 * would show nothing; the consistency test compares the table with the rule after every kind
 * of write. Only the triggers write it (no grant but SELECT to the service), and a council
 * reads only its own rows.
 *
 * The workstream row also keeps its latest status update (`latest_status`), which the status
 * trigger already read to keep `current_rag`: the list no longer runs a subquery per row.
 */
export class WhatEachCouncilSees1764050000000 implements MigrationInterface {
  name = 'WhatEachCouncilSees1764050000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`SET LOCAL statement_timeout = 0`);
    await db.query(`ALTER TABLE workstreams ADD COLUMN latest_status json`);
    await db.query(`
      CREATE FUNCTION status_update_json(s status_updates) RETURNS json
      LANGUAGE sql IMMUTABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT json_build_object('rag', s.rag, 'period', s.period, 'asAt', to_char(s.as_at, 'YYYY-MM-DD'),
                                 'reason', s.reason,
                                 'createdAt', to_char(s.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) $$`);
    await db.query(`
      CREATE OR REPLACE FUNCTION status_updates_latest() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE latest status_updates;
      BEGIN
        SELECT * INTO latest FROM status_updates s WHERE s.workstream_id = NEW.workstream_id
         ORDER BY s.as_at DESC, s.seq DESC LIMIT 1;
        UPDATE workstreams SET current_rag = latest.rag, latest_status = status_update_json(latest)
         WHERE id = NEW.workstream_id;
        RETURN NEW;
      END $$`);
    // The copy changes no rule, so it runs without the workstreams' triggers (audit, updated_at).
    await db.query(
      `CREATE POLICY workstreams_keys ON workstreams FOR UPDATE TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );
    await db.query(
      `CREATE POLICY status_updates_copied ON status_updates FOR SELECT TO CURRENT_USER USING (true)`,
    );
    await db.query(`ALTER TABLE workstreams DISABLE TRIGGER USER`);
    await db.query(`
      UPDATE workstreams w SET latest_status = (
        SELECT status_update_json(s) FROM status_updates s WHERE s.workstream_id = w.id
         ORDER BY s.as_at DESC, s.seq DESC LIMIT 1)`);
    await db.query(`ALTER TABLE workstreams ENABLE TRIGGER USER`);
    await db.query(`DROP POLICY workstreams_keys ON workstreams`);
    await db.query(`DROP POLICY status_updates_copied ON status_updates`);

    // What the dashboard counts of a workstream as at today, kept on each council's row: the due
    // dates of its open milestones, sorted (so width_bucket counts those before a date), and its
    // open high risks (likelihood × impact of 15 or more). The definer reads every row.
    for (const table of ['milestones', 'risks']) {
      await db.query(
        `CREATE POLICY ${table}_counted ON ${table} FOR SELECT TO CURRENT_USER USING (true)`,
      );
    }
    await db.query(`
      CREATE FUNCTION workstream_open_milestone_dues(p_workstream_id uuid) RETURNS date[]
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT coalesce(array_agg(m.due_on ORDER BY m.due_on), '{}') FROM milestones m
         WHERE m.workstream_id = p_workstream_id AND m.status IN ('planned', 'in_progress') $$`);
    await db.query(`
      CREATE FUNCTION workstream_open_high_risks(p_workstream_id uuid) RETURNS integer
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT count(*)::int FROM risks r
         WHERE r.workstream_id = p_workstream_id AND r.status = 'open' AND r.score >= 15 $$`);
    await db.query(`
      CREATE TABLE workstream_visibility (
        council_id uuid NOT NULL REFERENCES councils (id),
        workstream_id uuid NOT NULL REFERENCES workstreams (id) ON DELETE CASCADE,
        partnership_id uuid,
        owner_council_id uuid,
        updated_at timestamptz NOT NULL,
        rag text,
        service_area text NOT NULL,
        phase text NOT NULL,
        leads boolean NOT NULL,
        open_milestone_dues date[] NOT NULL DEFAULT '{}',
        open_high_risks integer NOT NULL DEFAULT 0,
        PRIMARY KEY (council_id, workstream_id)
      )`);
    // Filled before its indexes are made, in one pass over the workstreams (set-based, as the
    // rule is: owners, then the current members of each partnership).
    await db.query(`
      WITH counts AS (
        SELECT w.*, coalesce(m.dues, '{}') AS dues, coalesce(r.high, 0) AS high
          FROM workstreams w
          LEFT JOIN (SELECT workstream_id, array_agg(due_on ORDER BY due_on) AS dues FROM milestones
                      WHERE status IN ('planned', 'in_progress') GROUP BY 1) m ON m.workstream_id = w.id
          LEFT JOIN (SELECT workstream_id, count(*)::int AS high FROM risks
                      WHERE status = 'open' AND score >= 15 GROUP BY 1) r ON r.workstream_id = w.id)
      INSERT INTO workstream_visibility (council_id, workstream_id, partnership_id, owner_council_id, updated_at,
                                         rag, service_area, phase, leads, open_milestone_dues, open_high_risks)
      SELECT r.council_id, w.id, w.partnership_id, w.owner_council_id, w.updated_at, w.current_rag,
             w.service_area, w.phase, r.council_id = ANY (w.lead_council_ids), w.dues, w.high
        FROM counts w
        JOIN (SELECT DISTINCT partnership_id, council_id FROM partnership_members WHERE left_on IS NULL) r
          ON r.partnership_id = w.partnership_id
      UNION ALL
      SELECT w.owner_council_id, w.id, w.partnership_id, w.owner_council_id, w.updated_at, w.current_rag,
             w.service_area, w.phase, true, w.dues, w.high
        FROM counts w WHERE w.owner_council_id IS NOT NULL`);
    await db.query(`
      CREATE INDEX workstream_visibility_list ON workstream_visibility
        (council_id, updated_at DESC, workstream_id DESC)`);
    await db.query(`
      CREATE INDEX workstream_visibility_rag ON workstream_visibility
        (council_id, rag, updated_at DESC, workstream_id DESC)`);
    await db.query(`
      CREATE INDEX workstream_visibility_service_area ON workstream_visibility
        (council_id, service_area, updated_at DESC, workstream_id DESC)`);
    await db.query(`
      CREATE INDEX workstream_visibility_leads ON workstream_visibility (council_id, workstream_id)
        INCLUDE (partnership_id, owner_council_id, rag, phase, open_milestone_dues, open_high_risks)
        WHERE leads`);
    await db.query(
      `CREATE INDEX workstream_visibility_workstream ON workstream_visibility (workstream_id)`,
    );
    await db.query(`ALTER TABLE workstream_visibility ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE workstream_visibility FORCE ROW LEVEL SECURITY`);
    await db.query(`
      CREATE POLICY workstream_visibility_read ON workstream_visibility FOR SELECT
      USING ((SELECT app_is_platform_admin()) OR council_id = (SELECT app_council_id()))`);
    await db.query(`
      CREATE POLICY workstream_visibility_kept ON workstream_visibility FOR ALL TO CURRENT_USER
      USING (true) WITH CHECK (true)`);
    await db.query(`GRANT SELECT ON workstream_visibility TO jwh_app`);

    // Every council that may read a workstream: its owner, or its partnership's current members.
    await db.query(`
      CREATE FUNCTION workstream_readers(w workstreams) RETURNS SETOF uuid
      LANGUAGE sql STABLE SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT w.owner_council_id WHERE w.owner_council_id IS NOT NULL
        UNION
        SELECT m.council_id FROM partnership_members m
         WHERE m.partnership_id = w.partnership_id AND m.left_on IS NULL $$`);
    await db.query(`
      CREATE FUNCTION workstreams_visibility() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      BEGIN
        -- Shared with other writes of the partnership's workstreams, exclusive with a change of
        -- its members: whichever commits second reads what the first wrote.
        IF NEW.partnership_id IS NOT NULL THEN
          PERFORM pg_advisory_xact_lock_shared(1764050, hashtext(NEW.partnership_id::text));
        END IF;
        IF TG_OP = 'UPDATE' AND NEW.partnership_id IS NOT DISTINCT FROM OLD.partnership_id
           AND NEW.owner_council_id IS NOT DISTINCT FROM OLD.owner_council_id THEN
          UPDATE workstream_visibility v
             SET updated_at = NEW.updated_at, rag = NEW.current_rag, service_area = NEW.service_area,
                 phase = NEW.phase, leads = v.council_id = ANY (NEW.lead_council_ids)
           WHERE v.workstream_id = NEW.id;
          RETURN NULL;
        END IF;
        DELETE FROM workstream_visibility WHERE workstream_id = NEW.id;
        INSERT INTO workstream_visibility (council_id, workstream_id, partnership_id, owner_council_id, updated_at,
                                           rag, service_area, phase, leads, open_milestone_dues, open_high_risks)
        SELECT r, NEW.id, NEW.partnership_id, NEW.owner_council_id, NEW.updated_at, NEW.current_rag, NEW.service_area,
               NEW.phase, r = ANY (NEW.lead_council_ids), workstream_open_milestone_dues(NEW.id),
               workstream_open_high_risks(NEW.id)
          FROM workstream_readers(NEW) r;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstreams_visibility AFTER INSERT OR UPDATE ON workstreams
      FOR EACH ROW EXECUTE FUNCTION workstreams_visibility()`);

    // A council joining, leaving or rejoining a partnership gains or loses its workstreams.
    await db.query(`
      CREATE FUNCTION partnership_members_visibility() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        pair record;
      BEGIN
        FOR pair IN
          SELECT OLD.council_id AS council_id, OLD.partnership_id AS partnership_id WHERE TG_OP <> 'INSERT'
          UNION
          SELECT NEW.council_id, NEW.partnership_id WHERE TG_OP <> 'DELETE'
          ORDER BY 2, 1
        LOOP
          PERFORM pg_advisory_xact_lock(1764050, hashtext(pair.partnership_id::text));
          IF EXISTS (SELECT 1 FROM partnership_members m WHERE m.council_id = pair.council_id
                        AND m.partnership_id = pair.partnership_id AND m.left_on IS NULL) THEN
            INSERT INTO workstream_visibility (council_id, workstream_id, partnership_id, owner_council_id,
                                               updated_at, rag, service_area, phase, leads,
                                               open_milestone_dues, open_high_risks)
            SELECT pair.council_id, w.id, w.partnership_id, w.owner_council_id, w.updated_at, w.current_rag,
                   w.service_area, w.phase, pair.council_id = ANY (w.lead_council_ids),
                   workstream_open_milestone_dues(w.id), workstream_open_high_risks(w.id)
              FROM workstreams w WHERE w.partnership_id = pair.partnership_id
            ON CONFLICT DO NOTHING;
          ELSE
            DELETE FROM workstream_visibility v USING workstreams w
             WHERE v.council_id = pair.council_id AND v.workstream_id = w.id
               AND w.partnership_id = pair.partnership_id;
          END IF;
        END LOOP;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER partnership_members_visibility
      AFTER INSERT OR DELETE OR UPDATE OF council_id, partnership_id, left_on ON partnership_members
      FOR EACH ROW EXECUTE FUNCTION partnership_members_visibility()`);

    // A milestone or risk written: each council's row of its workstream counts it again, under
    // a lock on the workstream, so two writes at once both count.
    await db.query(`
      CREATE FUNCTION workstream_counts() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$
      DECLARE
        ws uuid;
      BEGIN
        FOR ws IN
          SELECT OLD.workstream_id WHERE TG_OP <> 'INSERT'
          UNION
          SELECT NEW.workstream_id WHERE TG_OP <> 'DELETE'
          ORDER BY 1
        LOOP
          PERFORM pg_advisory_xact_lock(1764051, hashtext(ws::text));
          UPDATE workstream_visibility
             SET open_milestone_dues = workstream_open_milestone_dues(ws),
                 open_high_risks = workstream_open_high_risks(ws)
           WHERE workstream_id = ws;
        END LOOP;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER milestones_counts AFTER INSERT OR DELETE OR UPDATE OF workstream_id, status, due_on
      ON milestones FOR EACH ROW EXECUTE FUNCTION workstream_counts()`);
    await db.query(`
      CREATE TRIGGER risks_counts AFTER INSERT OR DELETE OR UPDATE OF workstream_id, status, likelihood, impact
      ON risks FOR EACH ROW EXECUTE FUNCTION workstream_counts()`);

    // Milestones done after their due date: overdue until done, so counted as at earlier dates.
    await db.query(`
      CREATE INDEX milestones_done_late ON milestones (workstream_id, completed_on, due_on)
        WHERE status = 'done' AND completed_on > due_on`);
    // The dashboard's open high risks, from an index.
    await db.query(`
      CREATE INDEX risks_open_high ON risks (workstream_id) WHERE status = 'open' AND score >= 15`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX risks_open_high`);
    await db.query(`DROP INDEX milestones_done_late`);
    await db.query(`DROP TRIGGER risks_counts ON risks`);
    await db.query(`DROP TRIGGER milestones_counts ON milestones`);
    await db.query(`DROP FUNCTION workstream_counts()`);
    await db.query(`DROP TRIGGER partnership_members_visibility ON partnership_members`);
    await db.query(`DROP FUNCTION partnership_members_visibility()`);
    await db.query(`DROP TRIGGER workstreams_visibility ON workstreams`);
    await db.query(`DROP FUNCTION workstreams_visibility()`);
    await db.query(`DROP FUNCTION workstream_readers(workstreams)`);
    await db.query(`DROP TABLE workstream_visibility`);
    await db.query(`DROP FUNCTION workstream_open_high_risks(uuid)`);
    await db.query(`DROP FUNCTION workstream_open_milestone_dues(uuid)`);
    await db.query(`DROP POLICY risks_counted ON risks`);
    await db.query(`DROP POLICY milestones_counted ON milestones`);
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
    await db.query(`DROP FUNCTION status_update_json(status_updates)`);
    await db.query(`ALTER TABLE workstreams DROP COLUMN latest_status`);
  }
}
