/**
 * The SQL of `GET /workstreams`, built from the caller's ability and the filters (kept apart
 * from the service so a test can EXPLAIN exactly what a request runs).
 *
 * Visibility is sent explicitly, one arm per CASL rule: "owner_council_id = the council", and
 * "partnership_id = each of the council's partnerships", read as one ordered range per
 * partnership of the index on (partnership_id, updated_at, id). Unfiltered, each arm reads at
 * most a page in the list's own order, so a page costs the same however many workstreams the
 * council may see; filtered, the arms are ORed into one scan. Row-level security repeats the
 * rule as the safety net.
 */
import { decodeCursor } from '../common/pagination';
import { AppAbility } from '../tenancy/ability';
import { accessArms } from '../tenancy/rules-to-sql';
import { WorkstreamQueryDto } from './dto/workstream.dto';

export const WORKSTREAM_POLICY_COLUMNS = {
  partnershipId: 'w.partnership_id',
  ownerCouncilId: 'w.owner_council_id',
};

/**
 * A milestone overdue as at a date (an SQL date expression, `current_date` for today): due
 * before it, and by then neither done nor marked missed. A milestone done on its due date was
 * never overdue; one done later was overdue until it was done.
 */
export function overdueAsOf(asOf: string, m = 'm'): string {
  return `(${m}.due_on < ${asOf} AND (${m}.status IN ('planned', 'in_progress')
           OR (${m}.status = 'done' AND ${m}.completed_on > ${asOf})))`;
}

export interface WorkstreamListQuery {
  /** Selects the page's ids (`limit` + 1 of them, to tell whether a next page exists). */
  sql: string;
  params: unknown[];
}

export function workstreamListQuery(
  ability: AppAbility,
  query: WorkstreamQueryDto,
): WorkstreamListQuery | null {
  const arms = accessArms(ability, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS);
  if (!arms) return null;
  const params: unknown[] = [];
  const where: string[] = [];
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
    let asOf = 'current_date';
    if (query.asOf) {
      params.push(query.asOf);
      asOf = `$${params.length}::date`;
    }
    where.push(
      `EXISTS (SELECT 1 FROM milestones m WHERE m.workstream_id = w.id AND ${overdueAsOf(asOf)})`,
    );
  }
  if (query.q) {
    add((n) => `w.title ILIKE ${n}`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  const filtered = where.length > 0;
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  if (after) {
    params.push(after[0], after[1]);
    where.push(
      `(w.updated_at, w.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(query.limit + 1);
  const limit = `$${params.length}`;
  const filters = where.map((condition) => ` AND ${condition}`).join('');
  const order = 'ORDER BY w.updated_at DESC, w.id DESC';
  const page = (condition: string) =>
    `SELECT w.id, w.updated_at FROM workstreams w WHERE ${condition}${filters} ${order} LIMIT ${limit}`;
  // A filter that few rows pass would have each partnership's range read through: then one
  // scan of every visible row (two bitmap index scans) is cheaper than a range per partnership.
  if (filtered) {
    return { sql: page(`(${arms.map((arm) => arm.sql(params)).join(' OR ')})`), params };
  }
  const parts = arms.map((arm) => {
    if (!arm.each) return `(${page(arm.sql(params))})`;
    params.push(arm.each.ids);
    const ids = `$${params.length}::uuid[]`;
    const condition = `${arm.each.column} = listed.id AND ${arm.each.rest(params)}`;
    return `(SELECT x.id, x.updated_at FROM unnest(${ids}) AS listed(id)
              CROSS JOIN LATERAL (${page(condition)}) x)`;
  });
  // UNION, not UNION ALL: two rules may allow the same workstream.
  const sql = `SELECT arms.id FROM (${parts.join(' UNION ')}) arms
    ORDER BY arms.updated_at DESC, arms.id DESC LIMIT ${limit}`;
  return { sql, params };
}
