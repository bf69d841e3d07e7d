import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in throttling counts, shared by every process of the service. A row is one fixed
 * window of one throttler (`ip`, `account`) for one key; the key is the SHA-256 of the
 * throttler's key, so no email or address is stored. Sign-in happens before anyone is known,
 * so the application role never touches the table: it calls `login_throttle_hit`, a SECURITY
 * DEFINER function that counts with one atomic INSERT … ON CONFLICT DO UPDATE … RETURNING.
 */
export class LoginThrottle1763895000000 implements MigrationInterface {
  name = 'LoginThrottle1763895000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE login_throttle (
        key text NOT NULL CHECK (key ~ '^[0-9a-f]{64}$'),
        throttler text NOT NULL,
        hits integer NOT NULL,
        window_ends_at timestamptz NOT NULL,
        blocked_until timestamptz,
        PRIMARY KEY (key, throttler)
      )`);
    await db.query(
      `CREATE INDEX login_throttle_ends ON login_throttle ((greatest(window_ends_at, blocked_until)))`,
    );
    await db.query(`ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY`);
    await db.query(`ALTER TABLE login_throttle FORCE ROW LEVEL SECURITY`);
    await db.query(
      `CREATE POLICY login_throttle_owner ON login_throttle FOR ALL TO CURRENT_USER USING (true) WITH CHECK (true)`,
    );

    const definer =
      'LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp';
    // Rows whose window and block have both ended, a batch at a time; rows another
    // transaction holds are skipped, so the sweep never waits.
    await db.query(`
      CREATE FUNCTION login_throttle_sweep() RETURNS integer ${definer} AS $$
      DECLARE swept integer;
      BEGIN
        DELETE FROM login_throttle
         WHERE (key, throttler) IN (
           SELECT key, throttler FROM login_throttle
            WHERE greatest(window_ends_at, blocked_until) < now()
            LIMIT 1000 FOR UPDATE SKIP LOCKED);
        GET DIAGNOSTICS swept = ROW_COUNT;
        RETURN swept;
      END $$`);
    // One hit. A window that has ended (or a block that has ended) starts afresh with this
    // hit; within a window each hit counts, and the hit past the limit blocks the key for
    // p_block_ms. Times come from the database clock, the same for every process.
    await db.query(`
      CREATE FUNCTION login_throttle_hit(p_key text, p_throttler text, p_limit integer, p_ttl_ms bigint, p_block_ms bigint)
      RETURNS TABLE (total_hits integer, expires_in integer, is_blocked boolean, block_expires_in integer)
      ${definer} AS $$
      DECLARE
        ttl constant interval := p_ttl_ms * interval '1 millisecond';
        block constant interval := p_block_ms * interval '1 millisecond';
      BEGIN
        RETURN QUERY
        INSERT INTO login_throttle AS t (key, throttler, hits, window_ends_at, blocked_until)
        VALUES (p_key, p_throttler, 1, now() + ttl, CASE WHEN p_limit < 1 THEN now() + block END)
        ON CONFLICT (key, throttler) DO UPDATE SET
          hits = CASE WHEN coalesce(t.blocked_until, t.window_ends_at) <= now() THEN 1 ELSE t.hits + 1 END,
          window_ends_at = CASE WHEN coalesce(t.blocked_until, t.window_ends_at) <= now()
                                THEN now() + ttl ELSE t.window_ends_at END,
          blocked_until = CASE
            WHEN coalesce(t.blocked_until, t.window_ends_at) <= now() THEN EXCLUDED.blocked_until
            WHEN t.blocked_until IS NOT NULL THEN t.blocked_until
            WHEN t.hits + 1 > p_limit THEN now() + block
          END
        RETURNING t.hits,
                  greatest(0, ceil(extract(epoch FROM t.window_ends_at - now())))::integer,
                  coalesce(t.blocked_until > now(), false),
                  greatest(0, ceil(extract(epoch FROM t.blocked_until - now())))::integer;
        -- Now and then, forget keys that were never tried again.
        IF random() < 0.01 THEN PERFORM login_throttle_sweep(); END IF;
      END $$`);
    await db.query(`REVOKE ALL ON FUNCTION login_throttle_sweep() FROM PUBLIC`);
    const hit = 'login_throttle_hit(text, text, integer, bigint, bigint)';
    await db.query(`REVOKE ALL ON FUNCTION ${hit} FROM PUBLIC`);
    await db.query(`GRANT EXECUTE ON FUNCTION ${hit} TO jwh_app`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION login_throttle_hit(text, text, integer, bigint, bigint)`);
    await db.query(`DROP FUNCTION login_throttle_sweep()`);
    await db.query(`DROP TABLE login_throttle`);
  }
}
