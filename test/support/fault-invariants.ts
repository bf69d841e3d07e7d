/**
 * What must hold of the stored data after any fault: no write half-done, the database's own
 * constraints still true of every row, and every acknowledged write stored. Read by the
 * superuser (row-level security does not apply to it), so every council's rows are seen.
 */
import { Client } from 'pg';

export interface Stored {
  /** Periods of every stored status update of the workstream. */
  periods: string[];
  /** Ids of every stored workstream. */
  workstreams: string[];
  /** Each finding is a sentence naming the rows that break a rule; none is the goal. */
  broken: string[];
}

export async function inspect(superuserUrl: string, workstreamId: string): Promise<Stored> {
  const client = new Client({ connectionString: superuserUrl });
  await client.connect();
  try {
    const broken: string[] = [];
    const rows = async (sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows as Record<string, unknown>[];
    // Each status update has its audit event, written in the same transaction.
    for (const r of await rows(
      `SELECT s.id, s.period FROM status_updates s
        WHERE NOT EXISTS (SELECT 1 FROM audit_events a
                           WHERE a.entity_type = 'status_updates' AND a.entity_id = s.id::text)`,
    ))
      broken.push(`status update ${String(r.period)} has no audit event`);
    // An audit event of a status update names a status update that is stored.
    for (const r of await rows(
      `SELECT a.entity_id FROM audit_events a
        WHERE a.entity_type = 'status_updates' AND a.action <> 'delete'
          AND NOT EXISTS (SELECT 1 FROM status_updates s WHERE s.id::text = a.entity_id)`,
    ))
      broken.push(`audit event of status update ${String(r.entity_id)} without the update`);
    // Each workstream's latest-status columns agree with its latest status update.
    for (const r of await rows(
      `SELECT w.id, w.current_rag, w.latest_status->>'period' AS shown, l.rag, l.period
         FROM workstreams w
         LEFT JOIN LATERAL (SELECT s.rag, s.period FROM status_updates s
                             WHERE s.workstream_id = w.id
                             ORDER BY s.as_at DESC, s.seq DESC LIMIT 1) l ON true
        WHERE w.current_rag IS DISTINCT FROM l.rag
           OR (w.latest_status->>'period') IS DISTINCT FROM l.period`,
    ))
      broken.push(
        `workstream ${String(r.id)} shows ${String(r.current_rag)}/${String(r.shown)}, ` +
          `latest is ${String(r.rag)}/${String(r.period)}`,
      );
    // Each workstream has the audit event of its creation.
    for (const r of await rows(
      `SELECT w.id FROM workstreams w
        WHERE NOT EXISTS (SELECT 1 FROM audit_events a
                           WHERE a.entity_type = 'workstreams' AND a.entity_id = w.id::text
                             AND a.action = 'insert')`,
    ))
      broken.push(`workstream ${String(r.id)} has no audit event of its creation`);
    broken.push(...(await constraintsHold(client)));
    const periods = (
      await rows(`SELECT period FROM status_updates WHERE workstream_id = $1`, [workstreamId])
    ).map((r) => String(r.period));
    const workstreams = (await rows(`SELECT id FROM workstreams`)).map((r) => String(r.id));
    return { periods, workstreams, broken };
  } finally {
    await client.end();
  }
}

/**
 * The database re-checks every check and foreign-key constraint of the public schema against
 * every row: each is marked NOT VALID and validated again, in a transaction rolled back.
 */
async function constraintsHold(client: Client): Promise<string[]> {
  const broken: string[] = [];
  const { rows } = await client.query<{ tbl: string; name: string }>(
    `SELECT format('%I.%I', n.nspname, t.relname) AS tbl, c.conname AS name
       FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public' AND c.contype IN ('c', 'f') AND c.convalidated`,
  );
  await client.query('BEGIN');
  try {
    for (const { tbl, name } of rows) {
      await client.query(`UPDATE pg_constraint SET convalidated = false
                           WHERE conname = '${name.replace(/'/g, "''")}'
                             AND conrelid = '${tbl.replace(/'/g, "''")}'::regclass`);
      await client.query('SAVEPOINT v');
      try {
        await client.query(`ALTER TABLE ${tbl} VALIDATE CONSTRAINT "${name}"`);
        await client.query('RELEASE SAVEPOINT v');
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT v');
        broken.push(`${tbl} breaks ${name}: ${String(error)}`);
      }
    }
    if (!rows.length) broken.push('no constraint was checked');
  } finally {
    await client.query('ROLLBACK');
  }
  return broken;
}
