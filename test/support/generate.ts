/**
 * Generates a large, realistic set of partnerships and workstreams in SQL, as the owner, for
 * the benchmark and the EXPLAIN test: one council that is a current member of `memberOf`
 * of `partnerships` partnerships, and `workstreams` workstreams spread over all of them
 * (one in ten private to some council), with RAG statuses. Row-level security is forced on
 * the owner too, so the inserts run as a platform admin; the audit triggers are left on.
 */
import { withClient } from '../../src/database/database-urls';
import { PLATFORM_ADMIN_SETTINGS, beginAs } from './test-database';

export interface Generated {
  councilId: string;
  partnershipIds: string[];
}

export async function generateWorkstreams(
  ownerUrl: string,
  secret: string,
  size: {
    partnerships: number;
    memberOf: number;
    workstreams: number;
    /** Per workstream: milestones (half of them overdue), status updates and risks (default 0). */
    children?: { milestones: number; statusUpdates: number; risks: number };
    /** One in this many shared workstreams is led by the council too (default: none). */
    leadsOneIn?: number;
  },
): Promise<Generated> {
  return withClient(ownerUrl, async (client) => {
    await beginAs(client, PLATFORM_ADMIN_SETTINGS, secret);
    const councils = await client.query<{ id: string }>(
      `INSERT INTO councils (name, slug, gss_code, type, nation)
       SELECT 'Generated council ' || i, 'generated-' || i, 'X' || lpad(i::text, 8, '0'), 'unitary', 'England'
         FROM generate_series(1, 40) i RETURNING id`,
    );
    const councilIds = councils.rows.map((r) => r.id);
    const partnerships = await client.query<{ id: string }>(
      `INSERT INTO partnerships (name, kind) SELECT 'Generated partnership ' || i, 'other'
         FROM generate_series(1, $1::int) i RETURNING id`,
      [size.partnerships],
    );
    const partnershipIds = partnerships.rows.map((r) => r.id);
    const [councilId, ...others] = councilIds;
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $1, 'member' FROM unnest($2::uuid[]) p`,
      [councilId, partnershipIds.slice(0, size.memberOf)],
    );
    await client.query(
      `INSERT INTO partnership_members (partnership_id, council_id, role)
       SELECT p, $1, 'administering' FROM unnest($2::uuid[]) p`,
      [others[0], partnershipIds],
    );
    await client.query(
      `INSERT INTO workstreams (partnership_id, owner_council_id, title, service_area, lead_council_ids,
                                current_rag, updated_at)
       SELECT CASE WHEN i % 10 = 0 THEN NULL ELSE ($1::uuid[])[1 + i % array_length($1::uuid[], 1)] END,
              CASE WHEN i % 10 = 0 THEN c ELSE NULL END,
              'Generated workstream ' || i, 'other',
              CASE WHEN i % 10 = 0 THEN ARRAY[c]
                   WHEN $5::int > 0 AND i % $5::int = 1 AND i % array_length($1::uuid[], 1) < $7::int
                     THEN ARRAY[$3::uuid, $6::uuid]
                   ELSE ARRAY[$3::uuid] END,
              (ARRAY['red', 'amber', 'green', NULL])[1 + i % 4],
              now() - make_interval(secs => i)
         FROM generate_series(1, $2::int) i,
              LATERAL (SELECT ($4::uuid[])[1 + i % array_length($4::uuid[], 1)] AS c) owner`,
      [
        partnershipIds,
        size.workstreams,
        others[0],
        councilIds,
        size.leadsOneIn ?? 0,
        councilId,
        size.memberOf,
      ],
    );
    const children = size.children;
    if (children) {
      // Milestones due over the last and next year (every other one overdue and open), a few
      // status updates reported over the last months, and risks of every score.
      await client.query(
        `INSERT INTO milestones (workstream_id, title, due_on, status, completed_on)
         SELECT w.id, 'Milestone ' || n, current_date + (n * 37 % 700 - 350),
                CASE WHEN n % 2 = 0 THEN 'planned' ELSE 'done' END,
                CASE WHEN n % 2 = 0 THEN NULL ELSE least(current_date, current_date + (n * 37 % 700 - 350)) END
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.milestones],
      );
      await client.query(
        `INSERT INTO status_updates (workstream_id, rag, period, reason, as_at)
         SELECT w.id, (ARRAY['red', 'amber', 'green'])[1 + (n + abs(hashtext(w.id::text) % 3)) % 3], 'Month ' || n,
                'Generated', current_date - n * 30
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.statusUpdates],
      );
      await client.query(
        `INSERT INTO risks (workstream_id, description, likelihood, impact)
         SELECT w.id, 'Risk ' || n, 1 + n % 5, 1 + (n * 3) % 5
           FROM workstreams w, generate_series(1, $1::int) n`,
        [children.risks],
      );
    }
    await client.query('COMMIT');
    await client.query('ANALYZE');
    return { councilId, partnershipIds };
  });
}
