import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationProblem } from '../common/problem';
import { databaseToday } from '../common/sql';
import { Actor } from '../tenancy/actor';
import { accessCondition } from '../tenancy/rules-to-sql';
import { financialYearOf } from './financial-year';
import {
  DashboardDto,
  SavingsTotalDto,
  SavingsTotalsDto,
  SavingsTotalsQueryDto,
  TotalGroup,
} from './dto/insights.dto';
import { PHASES } from './phase';
import { OVERDUE_MILESTONE, WORKSTREAM_POLICY_COLUMNS } from './workstream-list.query';

const GROUP_COLUMNS: Record<TotalGroup, string> = {
  workstream: `s.workstream_id AS "workstreamId"`,
  council: `s.council_id AS "councilId"`,
  year: `s.financial_year AS "financialYear"`,
};
const SUMS = `coalesce(sum(s.planned_pence), 0)::float8 AS "plannedPence",
  coalesce(sum(s.realised_pence), 0)::float8 AS "realisedPence",
  coalesce(sum(s.planned_pence) FILTER (WHERE s.cashable), 0)::float8 AS "cashablePlannedPence",
  coalesce(sum(s.realised_pence) FILTER (WHERE s.cashable), 0)::float8 AS "cashableRealisedPence"`;
/** A "high" risk on the 5 × 5 matrix: likelihood × impact of 15 or more. */
export const HIGH_RISK_SCORE = 15;

/** Sums and counts over what the caller's council may see, computed in SQL. */
@Injectable()
export class InsightsService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Savings totals by workstream, council and financial year (or the groups asked for). */
  async savingsTotals(actor: Actor, query: SavingsTotalsQueryDto): Promise<SavingsTotalsDto> {
    const visible = accessCondition(actor.ability, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS);
    const empty = {
      plannedPence: 0,
      realisedPence: 0,
      cashablePlannedPence: 0,
      cashableRealisedPence: 0,
    };
    if (!visible) return { data: [], total: empty };
    const params = [...visible.params];
    const where = [visible.sql];
    const filters: [unknown, string][] = [
      [query.workstreamId, 's.workstream_id'],
      [query.councilId, 's.council_id'],
      [query.financialYear, 's.financial_year'],
      [query.partnershipId, 'w.partnership_id'],
    ];
    for (const [value, column] of filters) {
      if (value === undefined) continue;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    }
    const groups = [...new Set(query.groupBy ?? (['workstream', 'council', 'year'] as const))];
    const from = `savings_lines s JOIN workstreams w ON w.id = s.workstream_id WHERE ${where.join(' AND ')}`;
    const data = await this.txHost.tx.query<SavingsTotalDto[]>(
      `SELECT ${groups.map((g) => GROUP_COLUMNS[g]).join(', ')}, ${SUMS} FROM ${from}
        GROUP BY ${groups.map((_, i) => i + 1).join(', ')} ORDER BY ${groups.map((_, i) => i + 1).join(', ')}`,
      params,
    );
    const [total] = await this.txHost.tx.query<SavingsTotalDto[]>(
      `SELECT ${SUMS} FROM ${from}`,
      params,
    );
    return { data, total };
  }

  /**
   * The council's dashboard: the workstreams it leads or takes part in (not those it declined)
   * by RAG and phase, their overdue milestones and open high risks, and its own savings lines
   * for the current financial year.
   */
  async dashboard(actor: Actor, councilIdParam?: string): Promise<DashboardDto> {
    const councilId = actor.role === 'platform_admin' ? councilIdParam : actor.councilId;
    if (!councilId) {
      throw new ValidationProblem([
        { field: 'councilId', message: 'councilId is required for a platform admin' },
      ]);
    }
    const today = await databaseToday(this.txHost.tx);
    const financialYear = financialYearOf(new Date(`${today}T12:00:00Z`));
    const visible = accessCondition(
      actor.ability,
      'read',
      'Workstream',
      WORKSTREAM_POLICY_COLUMNS,
      3,
    );
    const rows = visible
      ? await this.txHost.tx.query<DashboardRow[]>(
          // What the council leads, and (from its side, by index) what it takes part in.
          `WITH mine AS (
             SELECT w.id, w.current_rag, w.phase FROM workstreams w
              WHERE ${visible.sql} AND w.lead_council_ids @> ARRAY[$1::uuid]
             UNION
             SELECT w.id, w.current_rag, w.phase
               FROM workstream_participants p JOIN workstreams w ON w.id = p.workstream_id
              WHERE p.council_id = $1 AND p.status NOT IN ('declined', 'not_participating')
                AND ${visible.sql})
           SELECT (SELECT count(*)::int FROM mine) AS total,
                  (SELECT coalesce(json_object_agg(rag, n), '{}') FROM
                     (SELECT coalesce(current_rag, 'none') AS rag, count(*)::int AS n FROM mine GROUP BY 1) r) AS "byRag",
                  (SELECT coalesce(json_object_agg(phase, n), '{}') FROM
                     (SELECT phase, count(*)::int AS n FROM mine GROUP BY 1) p) AS "byPhase",
                  (SELECT count(*)::int FROM milestones m JOIN mine ON mine.id = m.workstream_id
                    WHERE ${OVERDUE_MILESTONE}) AS "overdueMilestones",
                  (SELECT count(*)::int FROM risks r JOIN mine ON mine.id = r.workstream_id
                    WHERE r.status = 'open' AND r.score >= ${HIGH_RISK_SCORE}) AS "openHighRisks",
                  (SELECT json_build_object('plannedPence', coalesce(sum(s.planned_pence), 0)::float8,
                                            'realisedPence', coalesce(sum(s.realised_pence), 0)::float8)
                     FROM savings_lines s JOIN workstreams w ON w.id = s.workstream_id
                    WHERE s.council_id = $1 AND s.financial_year = $2 AND ${visible.sql}) AS savings`,
          [councilId, financialYear, ...visible.params],
        )
      : [];
    const row = rows[0];
    const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));
    return {
      councilId,
      workstreams: {
        total: row?.total ?? 0,
        byRag: { ...zeros(['red', 'amber', 'green', 'none']), ...row?.byRag },
        byPhase: { ...zeros(PHASES), ...row?.byPhase },
      },
      overdueMilestones: row?.overdueMilestones ?? 0,
      openHighRisks: row?.openHighRisks ?? 0,
      savings: { financialYear, ...(row?.savings ?? { plannedPence: 0, realisedPence: 0 }) },
    };
  }
}

interface DashboardRow {
  total: number;
  byRag: Record<string, number>;
  byPhase: Record<string, number>;
  overdueMilestones: number;
  openHighRisks: number;
  savings: { plannedPence: number; realisedPence: number };
}
