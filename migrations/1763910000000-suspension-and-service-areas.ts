import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two rules the database now keeps by itself:
 *
 * - Suspending a council ends every session of its users at once: their refresh tokens are
 *   revoked in the same transaction, so reinstating the council later does not bring an old
 *   session back (its users sign in again).
 * - The list of service areas is audited like every other table: a platform admin adding
 *   one leaves an audit event. `audit_row` takes an optional second argument, the column
 *   that identifies a row whose key is not `id` (`service_areas.code`).
 */
export class SuspensionAndServiceAreas1763910000000 implements MigrationInterface {
  name = 'SuspensionAndServiceAreas1763910000000';

  async up(db: QueryRunner): Promise<void> {
    const definer = `LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp`;
    await db.query(`
      CREATE FUNCTION council_profiles_suspended() RETURNS trigger ${definer} AS $$
      BEGIN
        UPDATE refresh_tokens t SET revoked_at = now()
          FROM users u
         WHERE t.user_id = u.id AND u.council_id = NEW.council_id AND t.revoked_at IS NULL;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER council_profiles_suspended AFTER UPDATE OF status ON council_profiles
      FOR EACH ROW WHEN (NEW.status = 'suspended' AND OLD.status IS DISTINCT FROM 'suspended')
      EXECUTE FUNCTION council_profiles_suspended()`);

    await db.query(
      auditRow(`coalesce(subject ->> 'id', subject ->> TG_ARGV[1], subject ->> owner_column)`),
    );
    await db.query(
      `CREATE TRIGGER service_areas_audit AFTER INSERT OR UPDATE OR DELETE ON service_areas FOR EACH ROW EXECUTE FUNCTION audit_row('-', 'code')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER service_areas_audit ON service_areas`);
    await db.query(auditRow(`coalesce(subject ->> 'id', subject ->> owner_column)`));
    await db.query(`DROP TRIGGER council_profiles_suspended ON council_profiles`);
    await db.query(`DROP FUNCTION council_profiles_suspended()`);
  }
}

/** The audit trigger function of the partnerships migration, with `entityId` as given. */
function auditRow(entityId: string): string {
  return `
    CREATE OR REPLACE FUNCTION audit_row() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
    SET search_path = pg_catalog, public, pg_temp AS $$
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
              TG_TABLE_NAME, ${entityId}, old_row, new_row,
              nullif(current_setting('app.request_id', true), ''));
      RETURN coalesce(NEW, OLD);
    END $$`;
}
