import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partnerships and their members (docs/access-rules.md). Only current member
 * councils see a partnership; its administering council's admins and platform admins change
 * it. A member row is one period of one council in one role: passing the administering role
 * closes the old rows and opens new ones, so the dates are kept.
 *
 * `app_partnership_ids()` is the caller's council's current partnerships, read once per
 * statement (policies call it as `(SELECT app_partnership_ids())`, an InitPlan).
 */
export class Partnerships1763880000000 implements MigrationInterface {
  name = 'Partnerships1763880000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE partnerships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        description text,
        kind text NOT NULL CHECK (kind IN ('community_planning_partnership', 'joint_committee',
                                           'bilateral_cooperation', 'other')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'dissolved')),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE partnership_members (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        partnership_id uuid NOT NULL REFERENCES partnerships (id),
        council_id uuid NOT NULL REFERENCES councils (id),
        role text NOT NULL CHECK (role IN ('member', 'chair', 'administering')),
        joined_on date NOT NULL DEFAULT current_date,
        left_on date CHECK (left_on >= joined_on),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- One current row per council, one current administering council; checked at commit,
        -- so a hand-over can open the new rows before it closes the old ones.
        CONSTRAINT partnership_members_one_current EXCLUDE USING btree
          (partnership_id WITH =, council_id WITH =) WHERE (left_on IS NULL) DEFERRABLE INITIALLY DEFERRED,
        CONSTRAINT partnership_members_one_administering EXCLUDE USING btree
          (partnership_id WITH =) WHERE (left_on IS NULL AND role = 'administering') DEFERRABLE INITIALLY DEFERRED
      )`);
    await db.query(
      `CREATE INDEX partnership_members_council ON partnership_members (council_id, partnership_id) WHERE left_on IS NULL`,
    );
    await db.query(
      `CREATE INDEX partnership_members_list ON partnership_members (partnership_id, joined_on, id)`,
    );
    for (const table of ['partnerships', 'partnership_members']) {
      await db.query(
        `CREATE TRIGGER ${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      );
    }

    // A shared record has no single owner council: its audit event belongs to the council
    // that acted, so that council's admins see what their officers did.
    await db.query(`
      CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE
        old_row jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'password_hash' END;
        new_row jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'password_hash' END;
        owner_column text := TG_ARGV[0];
        subject jsonb := coalesce(new_row, old_row);
      BEGIN
        IF TG_OP = 'UPDATE' AND old_row = new_row THEN RETURN NEW; END IF;
        INSERT INTO audit_events (actor_user_id, actor_council_id, council_id, action, entity_type,
                                  entity_id, before, after, request_id)
        VALUES (app_user_id(), app_council_id(),
                coalesce((subject ->> owner_column)::uuid, app_council_id()), lower(TG_OP),
                TG_TABLE_NAME, coalesce(subject ->> 'id', subject ->> owner_column), old_row, new_row,
                nullif(current_setting('app.request_id', true), ''));
        RETURN coalesce(NEW, OLD);
      END $$`);
    await db.query(
      `CREATE TRIGGER partnerships_audit AFTER INSERT OR UPDATE OR DELETE ON partnerships FOR EACH ROW EXECUTE FUNCTION audit_row('-')`,
    );
    await db.query(
      `CREATE TRIGGER partnership_members_audit AFTER INSERT OR UPDATE OR DELETE ON partnership_members FOR EACH ROW EXECUTE FUNCTION audit_row('-')`,
    );

    const definer = 'LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public';
    await db.query(`
      CREATE FUNCTION council_partnership_ids(p_council_id uuid) RETURNS uuid[] ${definer} AS $$
        SELECT coalesce(array_agg(partnership_id), '{}') FROM partnership_members
         WHERE council_id = p_council_id AND left_on IS NULL $$`);
    await db.query(`
      CREATE FUNCTION app_partnership_ids() RETURNS uuid[] ${definer} AS $$
        SELECT council_partnership_ids(app_council_id()) $$`);
    await db.query(`
      CREATE FUNCTION app_administers(p_partnership_id uuid) RETURNS boolean ${definer} AS $$
        SELECT EXISTS (SELECT 1 FROM partnership_members WHERE partnership_id = p_partnership_id
                          AND council_id = app_council_id() AND role = 'administering' AND left_on IS NULL) $$`);
    // Lets a council admin who just created a partnership make their council its first
    // (administering) member, and no one join an existing partnership by themselves.
    await db.query(`
      CREATE FUNCTION partnership_has_members(p_partnership_id uuid) RETURNS boolean ${definer} AS $$
        SELECT EXISTS (SELECT 1 FROM partnership_members WHERE partnership_id = p_partnership_id) $$`);
    for (const fn of [
      'council_partnership_ids(uuid)',
      'app_partnership_ids()',
      'app_administers(uuid)',
      'partnership_has_members(uuid)',
    ]) {
      await db.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await db.query(`GRANT EXECUTE ON FUNCTION ${fn} TO jwh_app`);
    }

    for (const table of ['partnerships', 'partnership_members']) {
      await db.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`);
    }
    const member = `id = ANY ((SELECT app_partnership_ids())::uuid[])`;
    await db.query(
      `CREATE POLICY partnerships_read ON partnerships FOR SELECT USING (app_is_platform_admin() OR ${member})`,
    );
    await db.query(`
      CREATE POLICY partnerships_create ON partnerships FOR INSERT
      WITH CHECK (app_is_platform_admin() OR app_role() = 'council_admin')`);
    await db.query(`
      CREATE POLICY partnerships_edit ON partnerships FOR UPDATE
      USING (app_is_platform_admin() OR (app_role() = 'council_admin' AND app_administers(id)))`);
    await db.query(`
      CREATE POLICY partnership_members_read ON partnership_members FOR SELECT
      USING (app_is_platform_admin() OR partnership_id = ANY ((SELECT app_partnership_ids())::uuid[]))`);
    await db.query(`
      CREATE POLICY partnership_members_add ON partnership_members FOR INSERT
      WITH CHECK (app_is_platform_admin()
                  OR (app_role() = 'council_admin' AND app_administers(partnership_id))
                  OR (app_role() = 'council_admin' AND council_id = app_council_id()
                      AND role = 'administering' AND NOT partnership_has_members(partnership_id)))`);
    await db.query(`
      CREATE POLICY partnership_members_edit ON partnership_members FOR UPDATE
      USING (app_is_platform_admin() OR (app_role() = 'council_admin' AND app_administers(partnership_id)))
      WITH CHECK (app_is_platform_admin() OR app_role() = 'council_admin')`);
    await db.query(
      `CREATE POLICY partnership_members_owner ON partnership_members FOR SELECT TO CURRENT_USER USING (true)`,
    );

    await db.query(
      `GRANT SELECT, INSERT, UPDATE (name, description, kind, status, version) ON partnerships TO jwh_app`,
    );
    await db.query(
      `GRANT SELECT, INSERT, UPDATE (role, left_on, version) ON partnership_members TO jwh_app`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE partnership_members, partnerships`);
    for (const fn of [
      'partnership_has_members(uuid)',
      'app_administers(uuid)',
      'app_partnership_ids()',
      'council_partnership_ids(uuid)',
    ]) {
      await db.query(`DROP FUNCTION ${fn}`);
    }
  }
}
