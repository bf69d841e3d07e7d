import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Workstreams and their records (docs/access-rules.md). A workstream is shared
 * (owned by a partnership: its current members see it) or private (owned by one council).
 * Officers and admins of its lead authorities change a shared workstream and its records;
 * each participant changes only its own participation, business-case decisions and savings
 * lines. Records are visible exactly when their workstream is: their policies ask
 * `workstreams`, whose own policy applies inside the sub-query.
 */
export class Workstreams1763890000000 implements MigrationInterface {
  name = 'Workstreams1763890000000';

  async up(db: QueryRunner): Promise<void> {
    await this.tables(db);
    await this.rules(db);
    await this.security(db);
  }

  private async tables(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE service_areas (
        code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_]{1,40}$'),
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`INSERT INTO service_areas (code, name) VALUES
      ('waste', 'Waste'), ('health_social_care', 'Health and social care'),
      ('social_transport_fleet', 'Social transport and fleet'), ('property_hubs', 'Property and hubs'),
      ('back_office', 'Back office'), ('roads', 'Roads'), ('charging', 'Charging'),
      ('economic_strategy', 'Economic strategy'), ('workforce', 'Workforce'), ('ict', 'ICT'),
      ('asset_management', 'Asset management'), ('access_to_services', 'Access to services'),
      ('revenues_benefits', 'Revenues and benefits'), ('audit', 'Audit'),
      ('hr_payroll', 'HR and payroll'), ('procurement', 'Procurement'), ('other', 'Other')`);

    await db.query(`
      CREATE TABLE workstreams (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        partnership_id uuid REFERENCES partnerships (id),
        owner_council_id uuid REFERENCES councils (id),
        title text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
        service_area text NOT NULL REFERENCES service_areas (code),
        description text,
        scope text,
        remit text,
        phase text NOT NULL DEFAULT 'idea' CHECK (phase IN ('idea', 'research', 'business_case',
                            'approved', 'implementation', 'live', 'closed')),
        priority_rank integer CHECK (priority_rank > 0),
        lead_council_ids uuid[] NOT NULL CHECK (cardinality(lead_council_ids) BETWEEN 1 AND 20),
        lead_officer_id uuid REFERENCES users (id),
        current_rag text CHECK (current_rag IN ('red', 'amber', 'green')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((partnership_id IS NULL) <> (owner_council_id IS NULL)),
        CHECK (owner_council_id IS NULL OR lead_council_ids = ARRAY[owner_council_id])
      )`);
    // The list's visibility condition is "partnership_id = ANY(mine) OR owner_council_id = me",
    // newest first: one index per arm, each already in the list's order.
    await db.query(`CREATE INDEX workstreams_shared_list ON workstreams (partnership_id, updated_at DESC, id DESC)
                    WHERE partnership_id IS NOT NULL`);
    await db.query(`CREATE INDEX workstreams_private_list ON workstreams (owner_council_id, updated_at DESC, id DESC)
                    WHERE owner_council_id IS NOT NULL`);
    await db.query(`CREATE INDEX workstreams_leads ON workstreams USING gin (lead_council_ids)`);

    await db.query(`
      CREATE TABLE workstream_phase_changes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        from_phase text NOT NULL,
        to_phase text NOT NULL,
        reason text,
        changed_by uuid DEFAULT app_user_id(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await db.query(
      `CREATE INDEX workstream_phase_changes_list ON workstream_phase_changes (workstream_id, created_at, id)`,
    );

    await db.query(`
      CREATE TABLE workstream_participants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        council_id uuid NOT NULL REFERENCES councils (id),
        priority_rank integer CHECK (priority_rank > 0),
        status text NOT NULL DEFAULT 'interested'
          CHECK (status IN ('interested', 'committed', 'declined', 'not_participating')),
        reason text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workstream_id, council_id),
        CHECK (status NOT IN ('declined', 'not_participating') OR reason IS NOT NULL)
      )`);
    await db.query(
      `CREATE INDEX workstream_participants_council ON workstream_participants (council_id, workstream_id)`,
    );

    await db.query(`
      CREATE TABLE status_updates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY,
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        rag text NOT NULL CHECK (rag IN ('red', 'amber', 'green')),
        period text NOT NULL,
        reason text,
        narrative text,
        achievements text,
        challenges text,
        author_user_id uuid DEFAULT app_user_id(),
        author_council_id uuid DEFAULT app_council_id(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (rag = 'green' OR coalesce(length(trim(reason)), 0) > 0)
      )`);
    await db.query(`CREATE INDEX status_updates_history ON status_updates (workstream_id, seq)`);

    await db.query(`
      CREATE TABLE milestones (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        title text NOT NULL,
        due_on date NOT NULL,
        status text NOT NULL DEFAULT 'planned' CHECK (status IN ('planned', 'in_progress', 'done', 'missed')),
        completed_on date,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (status = 'done' OR completed_on IS NULL)
      )`);
    await db.query(`CREATE INDEX milestones_list ON milestones (workstream_id, due_on, id)`);
    await db.query(`CREATE INDEX milestones_open ON milestones (workstream_id, due_on)
                    WHERE status IN ('planned', 'in_progress')`);

    await db.query(`
      CREATE TABLE key_actions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        action text NOT NULL,
        contributors text,
        timescale text,
        milestone_ids uuid[] NOT NULL DEFAULT '{}',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX key_actions_list ON key_actions (workstream_id, created_at, id)`);

    await db.query(`
      CREATE TABLE risks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        description text NOT NULL,
        likelihood integer NOT NULL CHECK (likelihood BETWEEN 1 AND 5),
        impact integer NOT NULL CHECK (impact BETWEEN 1 AND 5),
        score integer GENERATED ALWAYS AS (likelihood * impact) STORED,
        mitigation text,
        owner text,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'mitigated', 'closed')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX risks_list ON risks (workstream_id, score DESC, id)`);

    await db.query(`
      CREATE TABLE business_cases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        number integer NOT NULL CHECK (number > 0),
        title text NOT NULL,
        summary text,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted', 'approved', 'rejected')),
        estimated_cost_pence bigint NOT NULL DEFAULT 0 CHECK (estimated_cost_pence >= 0),
        estimated_savings_pence bigint NOT NULL DEFAULT 0 CHECK (estimated_savings_pence >= 0),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workstream_id, number)
      )`);
    await db.query(`
      CREATE TABLE business_case_decisions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        business_case_id uuid NOT NULL REFERENCES business_cases (id),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        council_id uuid NOT NULL REFERENCES councils (id),
        decision text NOT NULL CHECK (decision IN ('approved', 'rejected', 'deferred')),
        decided_on date NOT NULL,
        decision_body text,
        reference text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (business_case_id, council_id)
      )`);
    await db.query(
      `CREATE INDEX business_case_decisions_council ON business_case_decisions (workstream_id, council_id, decision)`,
    );

    await db.query(`
      CREATE TABLE savings_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        council_id uuid NOT NULL REFERENCES councils (id),
        financial_year text NOT NULL CHECK (financial_year ~ '^[0-9]{4}-[0-9]{2}$'
          AND (substr(financial_year, 1, 4)::int + 1) % 100 = substr(financial_year, 6, 2)::int),
        planned_pence bigint NOT NULL DEFAULT 0 CHECK (planned_pence >= 0),
        realised_pence bigint NOT NULL DEFAULT 0 CHECK (realised_pence >= 0),
        cashable boolean NOT NULL,
        description text,
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (workstream_id, council_id, financial_year, cashable)
      )`);
    await db.query(
      `CREATE INDEX savings_lines_council ON savings_lines (council_id, financial_year)`,
    );

    await db.query(`
      CREATE TABLE funding_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        workstream_id uuid NOT NULL REFERENCES workstreams (id),
        funder text NOT NULL,
        amount_pence bigint NOT NULL CHECK (amount_pence >= 0),
        at_risk boolean NOT NULL DEFAULT false,
        description text,
        repayment_thresholds jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(repayment_thresholds) = 'array'),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX funding_lines_list ON funding_lines (workstream_id, created_at, id)`,
    );
  }

  /** Rules that hold whatever the caller: the latest RAG, and Inverclyde's commitment rule. */
  private async rules(db: QueryRunner): Promise<void> {
    const versioned = [
      'workstreams',
      'workstream_participants',
      'milestones',
      'key_actions',
      'risks',
      'business_cases',
      'business_case_decisions',
      'savings_lines',
      'funding_lines',
    ];
    for (const table of versioned) {
      await db.query(
        `CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      );
    }
    await db.query(`
      CREATE FUNCTION status_updates_latest() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE workstreams SET current_rag = NEW.rag WHERE id = NEW.workstream_id;
        RETURN NEW;
      END $$`);
    await db.query(
      `CREATE TRIGGER status_updates_latest AFTER INSERT ON status_updates FOR EACH ROW EXECUTE FUNCTION status_updates_latest()`,
    );
    await db.query(`
      CREATE FUNCTION workstream_participants_commitment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'committed' AND NOT EXISTS (
             SELECT 1 FROM business_case_decisions d
              WHERE d.workstream_id = NEW.workstream_id AND d.council_id = NEW.council_id
                AND d.decision = 'approved') THEN
          RAISE EXCEPTION 'a council commits only after approving a business case' USING ERRCODE = 'JW409';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER workstream_participants_commitment BEFORE INSERT OR UPDATE OF status ON workstream_participants
      FOR EACH ROW EXECUTE FUNCTION workstream_participants_commitment()`);

    for (const [table, owner] of [
      ['workstreams', 'owner_council_id'],
      ['workstream_phase_changes', '-'],
      ['workstream_participants', 'council_id'],
      ['status_updates', '-'],
      ['milestones', '-'],
      ['key_actions', '-'],
      ['risks', '-'],
      ['business_cases', '-'],
      ['business_case_decisions', 'council_id'],
      ['savings_lines', 'council_id'],
      ['funding_lines', '-'],
    ]) {
      await db.query(
        `CREATE TRIGGER ${table}_audit AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_row('${owner}')`,
      );
    }
  }

  private async security(db: QueryRunner): Promise<void> {
    const writer = `app_role() IN ('officer', 'council_admin')`;
    const visible = `app_is_platform_admin() OR owner_council_id = app_council_id()
                     OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])`;
    const leads = `owner_council_id = app_council_id()
                   OR (partnership_id = ANY ((SELECT app_partnership_ids())::uuid[]) AND app_council_id() = ANY (lead_council_ids))`;

    // Invoker functions: the workstreams policy applies inside them.
    await db.query(`
      CREATE FUNCTION app_sees_workstream(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT EXISTS (SELECT 1 FROM workstreams WHERE id = p_id) $$`);
    await db.query(`
      CREATE FUNCTION app_leads_workstream(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
        SELECT app_is_platform_admin() OR (${writer} AND EXISTS (
          SELECT 1 FROM workstreams WHERE id = p_id AND (${leads}))) $$`);
    // Partner councils read only a lead officer's name and job title (docs/access-rules.md).
    await db.query(`
      CREATE FUNCTION workstream_lead_officers(p_ids uuid[])
      RETURNS TABLE (workstream_id uuid, user_id uuid, name text, job_title text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT w.id, u.id, u.name, u.job_title FROM workstreams w JOIN users u ON u.id = w.lead_officer_id
         WHERE w.id = ANY (p_ids) AND (app_is_platform_admin() OR w.owner_council_id = app_council_id()
                                       OR w.partnership_id = ANY (app_partnership_ids())) $$`);
    // The council of an active user who may be named lead officer, and nothing else about them.
    await db.query(`
      CREATE FUNCTION lead_officer_council(p_user_id uuid) RETURNS uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
        SELECT council_id FROM users WHERE id = p_user_id AND status = 'active' AND role <> 'viewer' $$`);
    for (const fn of ['workstream_lead_officers(uuid[])', 'lead_officer_council(uuid)']) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_app`);
    }
    await db.query(
      `CREATE POLICY workstreams_owner ON workstreams FOR SELECT TO CURRENT_USER USING (true)`,
    );

    const tables = [
      'service_areas',
      'workstreams',
      'workstream_phase_changes',
      'workstream_participants',
      'status_updates',
      'milestones',
      'key_actions',
      'risks',
      'business_cases',
      'business_case_decisions',
      'savings_lines',
      'funding_lines',
    ];
    for (const table of tables) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    await db.query(
      `CREATE POLICY service_areas_read ON service_areas FOR SELECT USING (app_user_id() IS NOT NULL)`,
    );
    await db.query(
      `CREATE POLICY service_areas_add ON service_areas FOR INSERT WITH CHECK (app_is_platform_admin())`,
    );

    await db.query(`CREATE POLICY workstreams_read ON workstreams FOR SELECT USING (${visible})`);
    await db.query(`
      CREATE POLICY workstreams_create ON workstreams FOR INSERT
      WITH CHECK (app_is_platform_admin() OR (${writer} AND (owner_council_id = app_council_id()
        OR (partnership_id = ANY ((SELECT app_partnership_ids())::uuid[])
            AND (app_council_id() = ANY (lead_council_ids) OR app_administers(partnership_id))))))`);
    // A lead may hand the lead to other members, so the new row need only stay visible.
    await db.query(`
      CREATE POLICY workstreams_edit ON workstreams FOR UPDATE
      USING (app_is_platform_admin() OR (${writer} AND (${leads})))
      WITH CHECK (${visible})`);

    // Records that the leads keep.
    for (const table of [
      'workstream_phase_changes',
      'status_updates',
      'milestones',
      'key_actions',
      'risks',
      'business_cases',
      'funding_lines',
    ]) {
      await db.query(
        `CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (app_sees_workstream(workstream_id))`,
      );
      await db.query(
        `CREATE POLICY ${table}_add ON ${table} FOR INSERT WITH CHECK (app_leads_workstream(workstream_id))`,
      );
      await db.query(
        `CREATE POLICY ${table}_edit ON ${table} FOR UPDATE USING (app_leads_workstream(workstream_id))`,
      );
    }
    // Records each council keeps for itself.
    const own = `app_is_platform_admin() OR (${writer} AND council_id = app_council_id() AND app_sees_workstream(workstream_id))`;
    for (const table of ['workstream_participants', 'business_case_decisions', 'savings_lines']) {
      await db.query(
        `CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (app_sees_workstream(workstream_id))`,
      );
      await db.query(`CREATE POLICY ${table}_add ON ${table} FOR INSERT WITH CHECK (${own})`);
      await db.query(`CREATE POLICY ${table}_edit ON ${table} FOR UPDATE USING (${own})`);
    }

    await db.query(`GRANT SELECT, INSERT ON service_areas TO jwh_app`);
    await db.query(`
      GRANT SELECT, INSERT (id, partnership_id, owner_council_id, title, service_area, description, scope,
                            remit, phase, priority_rank, lead_council_ids, lead_officer_id),
            UPDATE (title, service_area, description, scope, remit, phase, priority_rank, lead_council_ids,
                    lead_officer_id, current_rag, version)
      ON workstreams TO jwh_app`);
    // History is append-only: no UPDATE or DELETE is granted on it.
    await db.query(`GRANT SELECT, INSERT ON workstream_phase_changes, status_updates TO jwh_app`);
    // A record never moves to another workstream or council: only its own fields change.
    for (const [table, columns] of [
      ['workstream_participants', 'priority_rank, status, reason'],
      ['milestones', 'title, due_on, status, completed_on'],
      ['key_actions', 'action, contributors, timescale, milestone_ids'],
      ['risks', 'description, likelihood, impact, mitigation, owner, status'],
      ['business_cases', 'title, summary, status, estimated_cost_pence, estimated_savings_pence'],
      ['business_case_decisions', 'decision, decided_on, decision_body, reference'],
      ['savings_lines', 'planned_pence, realised_pence, description'],
      ['funding_lines', 'funder, amount_pence, at_risk, description, repayment_thresholds'],
    ]) {
      await db.query(`GRANT SELECT, INSERT, UPDATE (${columns}, version) ON ${table} TO jwh_app`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE funding_lines, savings_lines, business_case_decisions, business_cases,
                    risks, key_actions, milestones, status_updates, workstream_participants,
                    workstream_phase_changes, workstreams, service_areas`);
    for (const fn of [
      'lead_officer_council(uuid)',
      'workstream_lead_officers(uuid[])',
      'app_leads_workstream(uuid)',
      'app_sees_workstream(uuid)',
      'workstream_participants_commitment()',
      'status_updates_latest()',
    ]) {
      await db.query(`DROP FUNCTION ${fn}`);
    }
  }
}
