/**
 * The SQL of `GET /workstreams`, built from the caller's ability and the filters (kept apart
 * from the service so a test can EXPLAIN exactly what a request runs).
 *
 * Visibility is sent explicitly, as "partnership_id = ANY(the council's partnerships) OR
 * owner_council_id = the council", which the two partial indexes of the workstreams
 * migration serve in the list's own order; row-level security repeats it as the safety net.
 */
import { decodeCursor } from '../common/pagination';
import { AppAbility } from '../tenancy/ability';
import { accessCondition } from '../tenancy/rules-to-sql';
import { WorkstreamQueryDto } from './dto/workstream.dto';

export const WORKSTREAM_POLICY_COLUMNS = {
  partnershipId: 'w.partnership_id',
  ownerCouncilId: 'w.owner_council_id',
};

export const OVERDUE_MILESTONE = `m.status IN ('planned', 'in_progress') AND m.due_on < current_date`;

export interface WorkstreamListQuery {
  /** Selects the page's ids (`limit` + 1 of them, to tell whether a next page exists). */
  sql: string;
  params: unknown[];
}

export function workstreamListQuery(
  ability: AppAbility,
  query: WorkstreamQueryDto,
): WorkstreamListQuery | null {
  const visible = accessCondition(ability, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS);
  if (!visible) return null;
  const params = [...visible.params];
  const where = [visible.sql];
  const add = (sql: (n: string) => string, value: unknown) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (query.partnershipId) add((n) => `w.partnership_id = ${n}`, query.partnershipId);
  if (query.councilId) {
    add(
      (
        n,
      ) => `(w.lead_council_ids @> ARRAY[${n}::uuid] OR EXISTS (SELECT 1 FROM workstream_participants p
                 WHERE p.workstream_id = w.id AND p.council_id = ${n}::uuid))`,
      query.councilId,
    );
  }
  if (query.phase) add((n) => `w.phase = ${n}`, query.phase);
  if (query.serviceArea) add((n) => `w.service_area = ${n}`, query.serviceArea);
  if (query.rag === 'none') where.push('w.current_rag IS NULL');
  else if (query.rag) add((n) => `w.current_rag = ${n}`, query.rag);
  if (query.overdue === 'true') {
    where.push(
      `EXISTS (SELECT 1 FROM milestones m WHERE m.workstream_id = w.id AND ${OVERDUE_MILESTONE})`,
    );
  }
  if (query.q) {
    add((n) => `w.title ILIKE ${n}`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  if (after) {
    params.push(after[0], after[1]);
    where.push(
      `(w.updated_at, w.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(query.limit + 1);
  const sql = `SELECT w.id FROM workstreams w WHERE ${where.join(' AND ')}
    ORDER BY w.updated_at DESC, w.id DESC LIMIT $${params.length}`;
  return { sql, params };
}
