import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationProblem } from '../common/problem';
import { databaseToday } from '../common/sql';
import { AppAbility } from '../tenancy/ability';
import { AbilityFactory } from '../tenancy/ability.factory';
import { Actor } from '../tenancy/actor';
import { accessCondition } from '../tenancy/rules-to-sql';
import { financialYearOf } from './financial-year';
import { PARTICIPATION_STATUSES } from './dto/records.dto';
import {
  DashboardDto,
  DashboardQueryDto,
  SavingsTotalDto,
  SavingsTotalsDto,
  SavingsTotalsQueryDto,
  TOTAL_GROUPS,
  TotalGroup,
} from './dto/insights.dto';
import { decodeCursor, pageOf } from '../common/pagination';
import { PHASES } from './phase';
import { VISIBILITY_POLICY_COLUMNS, overdueAsOf } from './workstream-list.query';
import { RAGS } from './dto/workstream.dto';

/** Each way of grouping the totals: its column, the field it answers as, its cursor kind. */
const GROUPS: Record<
  TotalGroup,
  { column: string; field: keyof SavingsTotalDto; kind: 'uuid' | 'text' }
> = {
  workstream: { column: 's.workstream_id', field: 'workstreamId', kind: 'uuid' },
  council: { column: 's.council_id', field: 'councilId', kind: 'uuid' },
  year: { column: 's.financial_year', field: 'financialYear', kind: 'text' },
};
const SUMS = `coalesce(sum(s.planned_pence), 0)::float8 AS "plannedPence",
  coalesce(sum(s.realised_pence), 0)::float8 AS "realisedPence",
  coalesce(sum(s.planned_pence) FILTER (WHERE s.cashable), 0)::float8 AS "cashablePlannedPence",
  coalesce(sum(s.realised_pence) FILTER (WHERE s.cashable), 0)::float8 AS "cashableRealisedPence"`;
/** The same totals from savings_sums, the lines summed ahead. */
const SUMMED = `coalesce(sum(s.planned_pence), 0)::float8 AS "plannedPence",
  coalesce(sum(s.realised_pence), 0)::float8 AS "realisedPence",
  coalesce(sum(s.cashable_planned_pence), 0)::float8 AS "cashablePlannedPence",
  coalesce(sum(s.cashable_realised_pence), 0)::float8 AS "cashableRealisedPence"`;
/** A savings line carries its workstream's keys, so the workstreams' rule applies to it directly. */
const SAVINGS_POLICY_COLUMNS = {
  partnershipId: 's.partnership_id',
  ownerCouncilId: 's.owner_council_id',
};
/** A "high" risk on the 5 × 5 matrix: likelihood × impact of 15 or more. */
export const HIGH_RISK_SCORE = 15;

/**
 * The dashboard's one statement ($1 the council, $2 the date, $3 the financial year). What the
 * council leads or takes part in, read from one partial index of its own rows of
 * workstream_visibility, which carry RAG, phase, leads, its part and what is counted; one pass over
 * them, a row per (RAG, phase, part), summed up by the caller. `today`: the date is the
 * database's today, and the statement says only what that needs (it is planned per request).
 */
function dashboardSql(visible: string, savingsVisible: string, today: boolean): string {
  const takingPart = `v.council_id = $1 AND (v.leads OR v.part IS NOT NULL) AND ${visible}`;
  const extra = (overdue: string) => `(SELECT ${overdue} AS overdue,
                   (SELECT c.name FROM councils c WHERE c.id = $1) AS council_name,
                   (SELECT json_build_object('plannedPence', coalesce(sum(s.planned_pence), 0)::float8,
                                             'realisedPence', coalesce(sum(s.realised_pence), 0)::float8)
                      FROM savings_lines s
                     WHERE s.council_id = $1 AND s.financial_year = $3 AND ${savingsVisible}) AS savings) extra`;
  const shown = `g.rag, g.phase, g.part, g.n, g.overdue, g.high, extra.overdue AS "overdueElse", extra.savings,
           extra.council_name AS "councilName"`;
  if (today) {
    // As at today the RAG is the workstream's current one, which the status trigger keeps as
    // the latest update's; the open milestones due before today are counted from each row's
    // sorted due dates, and those done only after today (a handful, from a partial index by
    // completion date) are kept if they are the council's, by its row's primary key. The
    // rows are grouped as the index reads them, never first gathered in a CTE.
    return `WITH groups AS (
      SELECT coalesce(v.rag, 'none') AS rag, v.phase, CASE WHEN v.leads THEN 'lead' ELSE v.part END AS part,
             count(*)::int AS n,
             coalesce(sum(width_bucket($2::date - 1, v.open_milestone_dues)), 0)::int AS overdue,
             coalesce(sum(v.open_high_risks), 0)::int AS high
        FROM workstream_visibility v WHERE ${takingPart} GROUP BY 1, 2, 3)
    SELECT ${shown}
      FROM ${extra(`(SELECT count(*)::int FROM milestones m
       WHERE m.status = 'done' AND m.completed_on > m.due_on AND m.due_on < $2::date
         AND m.completed_on > $2::date
         AND EXISTS (SELECT 1 FROM workstream_visibility v
                      WHERE v.workstream_id = m.workstream_id AND ${takingPart}))`)}
      LEFT JOIN groups g ON true`;
  }
  // As at a date: from that date on, as today (the CASEs); before it, the RAG reported on or
  // before it and every milestone overdue as at it, from the milestones themselves.
  const rag = `CASE WHEN $2::date >= current_date THEN t.current_rag
    ELSE (SELECT s.rag FROM status_updates s WHERE s.workstream_id = t.id AND s.as_at <= $2::date
           ORDER BY s.as_at DESC, s.seq DESC LIMIT 1) END`;
  return `WITH taking_part AS (
      SELECT v.workstream_id AS id, v.phase, v.rag AS current_rag,
             CASE WHEN v.leads THEN 'lead' ELSE v.part END AS part,
             v.open_milestone_dues, v.open_high_risks
        FROM workstream_visibility v WHERE ${takingPart}),
    mine AS (
      SELECT t.id, t.phase, t.part, t.open_milestone_dues, t.open_high_risks, ${rag} AS rag
        FROM taking_part t),
    groups AS (
      SELECT coalesce(rag, 'none') AS rag, phase, part, count(*)::int AS n,
             CASE WHEN $2::date >= current_date
                  THEN coalesce(sum(width_bucket($2::date - 1, open_milestone_dues)), 0)::int
                  ELSE 0 END AS overdue,
             coalesce(sum(open_high_risks), 0)::int AS high
        FROM mine GROUP BY 1, 2, 3)
    SELECT ${shown}
      FROM ${extra(`CASE WHEN $2::date >= current_date
         THEN (SELECT count(*)::int FROM milestones m
                WHERE m.status = 'done' AND m.completed_on > m.due_on AND m.due_on < $2::date
                  AND m.completed_on > $2::date AND m.workstream_id IN (SELECT id FROM mine))
         ELSE (SELECT count(*)::int FROM milestones m JOIN mine ON mine.id = m.workstream_id
                WHERE ${overdueAsOf('$2::date')}) END`)}
      LEFT JOIN groups g ON true`;
}

/** Sums and counts over what the caller's council may see, computed in SQL. */
@Injectable()
export class InsightsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly abilities: AbilityFactory,
  ) {}

  /**
   * Savings totals by workstream, council and financial year (or the groups asked for); as at
   * a date when `asOf` is given: financial years that had not begun by then are left out.
   */
  async savingsTotals(actor: Actor, query: SavingsTotalsQueryDto): Promise<SavingsTotalsDto> {
    const visible = accessCondition(actor.ability, 'read', 'Workstream', SAVINGS_POLICY_COLUMNS);
    const empty = {
      plannedPence: 0,
      realisedPence: 0,
      cashablePlannedPence: 0,
      cashableRealisedPence: 0,
    };
    const asOf = query.asOf ?? (await databaseToday(this.txHost.tx));
    if (!visible) return { asOf, data: [], nextCursor: null, total: empty };
    const params = [...visible.params];
    const where = [visible.sql];
    // As at a past date: no financial year that had not begun by then.
    if (query.asOf) {
      params.push(financialYearOf(new Date(`${asOf}T12:00:00Z`)));
      where.push(`s.financial_year <= $${params.length}`);
    }
    const filters: [unknown, string][] = [
      [query.workstreamId, 's.workstream_id'],
      [query.councilId, 's.council_id'],
      [query.financialYear, 's.financial_year'],
      [query.partnershipId, 's.partnership_id'],
    ];
    for (const [value, column] of filters) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const groups = TOTAL_GROUPS.filter((g) => (query.groupBy ?? TOTAL_GROUPS).includes(g));
    const [total] = await this.txHost.tx.query<SavingsTotalDto[]>(
      // Summed ahead by partnership or owning council and year (migration 1764120000000), so
      // the total reads a row per partnership, not every line; by workstream or council, the
      // lines themselves. The same condition on the same key columns either way.
      query.workstreamId === undefined && query.councilId === undefined
        ? `SELECT ${SUMMED} FROM savings_sums s WHERE ${where.join(' AND ')}`
        : `SELECT ${SUMS} FROM savings_lines s WHERE ${where.join(' AND ')}`,
      params,
    );
    // A page of groups in the groups' order, by keyset: the lines after the last group shown.
    const keys = groups.map((g) => GROUPS[g].column);
    const after = decodeCursor(
      query.cursor,
      groups.map((g) => GROUPS[g].kind),
    );
    const pageWhere = [...where];
    const pageParams = [...params];
    if (after) {
      const start = pageParams.length;
      pageParams.push(...after);
      pageWhere.push(
        `(${keys.join(', ')}) > (${keys.map((_, i) => `$${start + i + 1}`).join(', ')})`,
      );
    }
    pageParams.push(query.limit + 1);
    // Grouped by council, each group names its council (the councils' primary key, per group).
    const names = groups.includes('council')
      ? `(SELECT c.name FROM councils c WHERE c.id = s.council_id) AS "councilName", `
      : '';
    const rows = await this.txHost.tx.query<SavingsTotalDto[]>(
      `SELECT ${groups.map((g) => `${GROUPS[g].column} AS "${GROUPS[g].field}"`).join(', ')}, ${names}${SUMS}
         FROM savings_lines s WHERE ${pageWhere.join(' AND ')}
        GROUP BY ${keys.join(', ')} ORDER BY ${keys.join(', ')} LIMIT $${pageParams.length}`,
      pageParams,
    );
    const page = pageOf(rows, query.limit, (row) =>
      groups.map((g) => row[GROUPS[g].field] as string),
    );
    return { asOf, data: page.data, nextCursor: page.nextCursor, total };
  }

  /**
   * The council's dashboard as at a date (default the database's today): the workstreams it
   * takes part in, by one definition shared with the list's `councilId` filter (a lead
   * authority, or a participant in any status; `byParticipation` says how many in each), by
   * RAG as it stood then (the latest status update reporting on or before the date) and by
   * phase; their milestones overdue as at the date, their open high risks, and its own savings
   * for the financial year (default the one the date falls in). A platform admin reads any
   * council's dashboard through that council's eyes, so it equals the council's own.
   */
  async dashboard(actor: Actor, query: DashboardQueryDto): Promise<DashboardDto> {
    const councilId = actor.role === 'platform_admin' ? query.councilId : actor.councilId;
    if (!councilId) {
      throw new ValidationProblem([
        { field: 'councilId', message: 'councilId is required for a platform admin' },
      ]);
    }
    if (query.councilId && query.councilId !== actor.councilId && actor.role !== 'platform_admin') {
      throw new ForbiddenException("Only a platform admin reads another council's dashboard");
    }
    const asOf = query.asOf ?? (await databaseToday(this.txHost.tx));
    const financialYear = query.financialYear ?? financialYearOf(new Date(`${asOf}T12:00:00Z`));
    const eyes =
      actor.role === 'platform_admin' ? await this.councilEyes(councilId) : actor.ability;
    const visible = accessCondition(eyes, 'read', 'Workstream', VISIBILITY_POLICY_COLUMNS, 4);
    const savingsVisible = accessCondition(
      eyes,
      'read',
      'Workstream',
      SAVINGS_POLICY_COLUMNS,
      4 + (visible?.params.length ?? 0),
    );
    const rows =
      visible && savingsVisible
        ? await this.txHost.tx.query<DashboardRow[]>(
            dashboardSql(visible.sql, savingsVisible.sql, query.asOf === undefined),
            [councilId, asOf, financialYear, ...visible.params, ...savingsVisible.params],
          )
        : [];
    const councilName = rows.length ? rows[0].councilName : await this.councilName(councilId);
    if (councilName === null) throw new NotFoundException('No such council');
    const zeros = (keys: readonly string[]) =>
      Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;
    const byRag = zeros([...RAGS, 'none']);
    const byPhase = zeros(PHASES);
    const byParticipation = zeros(['lead', ...PARTICIPATION_STATUSES]);
    let total = 0;
    let overdueMilestones = rows[0]?.overdueElse ?? 0;
    let openHighRisks = 0;
    for (const group of rows) {
      if (group.n === null) continue; // nothing taken part in: the one row has no group
      total += group.n;
      byRag[group.rag] += group.n;
      byPhase[group.phase] += group.n;
      byParticipation[group.part] += group.n;
      overdueMilestones += group.overdue;
      openHighRisks += group.high;
    }
    return {
      councilId,
      councilName,
      asOf,
      workstreams: { total, byRag, byPhase, byParticipation },
      overdueMilestones,
      openHighRisks,
      savings: { financialYear, ...(rows[0]?.savings ?? { plannedPence: 0, realisedPence: 0 }) },
    };
  }

  private async councilName(councilId: string): Promise<string | null> {
    const [row] = await this.txHost.tx.query<{ name: string }[]>(
      `SELECT name FROM councils WHERE id = $1`,
      [councilId],
    );
    return row?.name ?? null;
  }

  /** What a council sees (its own and its current partnerships'), for a platform admin. */
  private async councilEyes(councilId: string): Promise<AppAbility> {
    const rows = await this.txHost.tx.query<{ partnership_id: string }[]>(
      `SELECT partnership_id FROM partnership_members WHERE council_id = $1 AND left_on IS NULL`,
      [councilId],
    );
    return this.abilities.forActor({
      userId: '',
      councilId,
      role: 'viewer',
      partnershipIds: rows.map((r) => r.partnership_id),
    });
  }
}

/** One (RAG, phase, part) group of the dashboard, with what is counted once for all. */
interface DashboardRow {
  rag: string;
  phase: string;
  part: string;
  /** Null on the one row when the council takes part in nothing. */
  n: number | null;
  overdue: number;
  high: number;
  overdueElse: number;
  savings: { plannedPence: number; realisedPence: number };
  /** Null when no council has the id. */
  councilName: string | null;
}
