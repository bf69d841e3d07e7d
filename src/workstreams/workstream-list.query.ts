/**
 * The SQL of `GET /workstreams`, built from the caller's ability and the filters (kept apart
 * from the service so a test can EXPLAIN exactly what a request runs).
 *
 * A council's user reads its page from `workstream_visibility` (what each council sees, kept by
 * triggers): one ordered index range, whatever the number of its partnerships. The caller's
 * CASL conditions are sent with it on the workstream rows, and row-level security repeats the
 * rule as the safety net.
 *
 * A platform admin, or a list within one partnership, is sent one arm per CASL rule
 * ("owner_council_id = the council", "partnership_id = each of the partnerships"), read as one
 * ordered range per partnership of the index on (partnership_id, updated_at, id); filtered, the
 * arms are ORed into one scan.
 */
import { decodeCursor } from '../common/pagination';
import { AppAbility } from '../tenancy/ability';
import { accessArms } from '../tenancy/rules-to-sql';
import { WorkstreamQueryDto } from './dto/workstream.dto';

export const WORKSTREAM_POLICY_COLUMNS = {
  partnershipId: 'w.partnership_id',
  ownerCouncilId: 'w.owner_council_id',
};

/** The same keys on a council's rows of `workstream_visibility`. */
export const VISIBILITY_POLICY_COLUMNS = {
  partnershipId: 'v.partnership_id',
  ownerCouncilId: 'v.owner_council_id',
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

/**
 * The workstream (`id`) has a milestone overdue as at the date: `overdueAsOf` in two parts,
 * each read from a partial index (still open and due before it; done only after it), and
 * asked row by row (a scalar subquery, never a hash of every overdue milestone), so a list in
 * index order stops at its page.
 */
function overdueExists(asOf: string, id: string): string {
  return `coalesce((SELECT true FROM milestones m WHERE m.workstream_id = ${id}
                     AND m.status IN ('planned', 'in_progress') AND m.due_on < ${asOf} LIMIT 1),
                   (SELECT true FROM milestones m WHERE m.workstream_id = ${id} AND m.status = 'done'
                     AND m.completed_on > m.due_on AND m.due_on < ${asOf} AND m.completed_on > ${asOf}
                     LIMIT 1), false)`;
}

export interface WorkstreamListQuery {
  /** Selects the page's ids (`limit` + 1 of them, to tell whether a next page exists). */
  sql: string;
  params: unknown[];
}

/**
 * The page for a council's user: one ordered range of the council's rows in
 * `workstream_visibility` (one index, however many partnerships the council is in; RAG and
 * service area have an index of their own), on which the caller's CASL conditions apply as on
 * the workstreams; the page is then read from the workstreams, whose row-level security
 * decides again what is shown.
 */
function councilPage(
  councilId: string,
  ability: AppAbility,
  query: WorkstreamQueryDto,
): WorkstreamListQuery | null {
  const arms = accessArms(ability, 'read', 'Workstream', VISIBILITY_POLICY_COLUMNS);
  if (!arms) return null;
  const params: unknown[] = [councilId];
  const where = ['v.council_id = $1'];
  where.push(`(${arms.map((arm) => arm.sql(params)).join(' OR ')})`);
  where.push(
    ...filtersOf(query, params, {
      id: 'v.workstream_id',
      rag: 'v.rag',
      serviceArea: 'v.service_area',
      phase: 'v.phase',
    }),
  );
  const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
  if (after) {
    params.push(after[0], after[1]);
    where.push(
      `(v.updated_at, v.workstream_id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(query.limit + 1);
  const sql = `SELECT v.workstream_id AS id, v.updated_at FROM workstream_visibility v
    WHERE ${where.join(' AND ')}
    ORDER BY v.updated_at DESC, v.workstream_id DESC LIMIT $${params.length}`;
  return { sql, params };
}

/** The list's filters as conditions on `w` (its id, RAG, service area and phase on the columns given). */
function filtersOf(
  query: WorkstreamQueryDto,
  params: unknown[],
  columns = { id: 'w.id', rag: 'w.current_rag', serviceArea: 'w.service_area', phase: 'w.phase' },
): string[] {
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
  if (query.phase) add((n) => `${columns.phase} = ${n}`, query.phase);
  if (query.serviceArea) add((n) => `${columns.serviceArea} = ${n}`, query.serviceArea);
  if (query.rag === 'none') where.push(`${columns.rag} IS NULL`);
  else if (query.rag) add((n) => `${columns.rag} = ${n}`, query.rag);
  if (query.overdue === 'true') {
    let asOf = 'current_date';
    if (query.asOf) {
      params.push(query.asOf);
      asOf = `$${params.length}::date`;
    }
    where.push(overdueExists(asOf, columns.id));
  }
  if (query.q) {
    add((n) => `w.title ILIKE ${n}`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  return where;
}

/**
 * `viewer` is the council whose rows of `workstream_visibility` list its workstreams (null for
 * a platform admin, who reads every workstream by the workstreams' own index), unfiltered or
 * by RAG, service area, phase (which its rows carry) or overdue milestones. Within one
 * partnership, that partnership's own index serves better; a search or a council's part are
 * filters on the workstreams, which the workstreams' indexes serve.
 */
export function workstreamListQuery(
  ability: AppAbility,
  query: WorkstreamQueryDto,
  viewer: string | null = null,
): WorkstreamListQuery | null {
  const byVisibility = !query.partnershipId && !query.councilId && !query.q;
  if (viewer && byVisibility) return councilPage(viewer, ability, query);
  const arms = accessArms(ability, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS);
  if (!arms) return null;
  const params: unknown[] = [];
  const where = filtersOf(query, params);
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
