import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A signed-in caller's session is confirmed inside the request's own transaction (README,
 * Performance: one pool checkout per request).
 *
 * Each request used to look its caller up on the sign-in role's pool (`auth_actor`, plus the
 * council's partnerships) before opening its transaction: a second pool checkout and a round
 * trip. A process now keeps the callers it has seen by session, and the transaction's first
 * statement, the one that sets the proven `app.*` settings, asks the database whether what it
 * kept still holds: the session is live, the user active, the council not suspended, and the
 * user's council, role and the council's current partnerships are what the ability was built
 * from. If not, the statement sets no proof (so no policy believes the settings) and answers
 * false; the service looks the caller up afresh and starts again, or answers 401.
 *
 * `app_actor_holds` answers only true or false for a session id the caller must already hold
 * (it is in the access token); it reads no credential and reveals nothing else.
 */
export class ActorConfirmedInTransaction1764090000000 implements MigrationInterface {
  name = 'ActorConfirmedInTransaction1764090000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION app_actor_holds(p_user_id uuid, p_session_id uuid, p_council_id uuid,
                                      p_role text, p_partnership_ids uuid[])
      RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
      SET search_path = pg_catalog, public, pg_temp AS $$
        SELECT EXISTS (SELECT 1 FROM auth_actor(p_user_id, p_session_id) a
                        WHERE a.council_id IS NOT DISTINCT FROM p_council_id AND a.role = p_role)
           AND (p_council_id IS NULL
                OR (SELECT ids @> p_partnership_ids AND ids <@ p_partnership_ids
                      FROM council_partnership_ids(p_council_id) ids)) $$`);
    await db.query(
      `REVOKE ALL ON FUNCTION app_actor_holds(uuid, uuid, uuid, text, uuid[]) FROM PUBLIC`,
    );
    await db.query(
      `GRANT EXECUTE ON FUNCTION app_actor_holds(uuid, uuid, uuid, text, uuid[]) TO jwh_app`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION app_actor_holds(uuid, uuid, uuid, text, uuid[])`);
  }
}
