import { ForbiddenException, Injectable } from '@nestjs/common';
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
  TotalGroup,
} from './dto/insights.dto';
import { PHASES } from './phase';
import { WORKSTREAM_POLICY_COLUMNS, overdueAsOf } from './workstream-list.query';

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
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly abilities: AbilityFactory,
  ) {}

  /**
   * Savings totals by workstream, council and financial year (or the groups asked for); as at
   * a date when `asOf` is given: financial years that had not begun by then are left out.
   */
  async savingsTotals(actor: Actor, query: SavingsTotalsQueryDto): Promise<SavingsTotalsDto> {
    const visible = accessCondition(actor.ability, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS);
    const empty = {
      plannedPence: 0,
      realisedPence: 0,
      cashablePlannedPence: 0,
      cashableRealisedPence: 0,
    };
    const asOf = query.asOf ?? (await databaseToday(this.txHost.tx));
    if (!visible) return { asOf, data: [], total: empty };
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
    return { asOf, data, total };
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
    const visible = accessCondition(eyes, 'read', 'Workstream', WORKSTREAM_POLICY_COLUMNS, 4);
    const rows = visible
      ? await this.txHost.tx.query<DashboardRow[]>(
          // What the council leads, and (from its side, by index) what it takes part in.
          `WITH taking_part AS (
             SELECT w.id, w.phase, w.current_rag, 'lead' AS part FROM workstreams w
              WHERE ${visible.sql} AND w.lead_council_ids @> ARRAY[$1::uuid]
             UNION ALL
             SELECT w.id, w.phase, w.current_rag, p.status
               FROM workstream_participants p JOIN workstreams w ON w.id = p.workstream_id
              WHERE p.council_id = $1 AND NOT (w.lead_council_ids @> ARRAY[$1::uuid]) AND ${visible.sql}),
           -- As at today (or later) the RAG is the workstream's current one, which the status
           -- trigger keeps as the latest update's (none reports on a day after today).
           mine AS (
             SELECT t.id, t.phase, t.part,
                    CASE WHEN $2::date >= current_date THEN t.current_rag
                         ELSE (SELECT s.rag FROM status_updates s WHERE s.workstream_id = t.id AND s.as_at <= $2::date
                                ORDER BY s.as_at DESC, s.seq DESC LIMIT 1) END AS rag
               FROM taking_part t)
           SELECT (SELECT count(*)::int FROM mine) AS total,
                  (SELECT coalesce(json_object_agg(rag, n), '{}') FROM
                     (SELECT coalesce(rag, 'none') AS rag, count(*)::int AS n FROM mine GROUP BY 1) r) AS "byRag",
                  (SELECT coalesce(json_object_agg(phase, n), '{}') FROM
                     (SELECT phase, count(*)::int AS n FROM mine GROUP BY 1) p) AS "byPhase",
                  (SELECT coalesce(json_object_agg(part, n), '{}') FROM
                     (SELECT part, count(*)::int AS n FROM mine GROUP BY 1) q) AS "byParticipation",
                  (SELECT count(*)::int FROM milestones m JOIN mine ON mine.id = m.workstream_id
                    WHERE ${overdueAsOf('$2::date')}) AS "overdueMilestones",
                  (SELECT count(*)::int FROM risks r JOIN mine ON mine.id = r.workstream_id
                    WHERE r.status = 'open' AND r.score >= ${HIGH_RISK_SCORE}) AS "openHighRisks",
                  (SELECT json_build_object('plannedPence', coalesce(sum(s.planned_pence), 0)::float8,
                                            'realisedPence', coalesce(sum(s.realised_pence), 0)::float8)
                     FROM savings_lines s JOIN workstreams w ON w.id = s.workstream_id
                    WHERE s.council_id = $1 AND s.financial_year = $3 AND ${visible.sql}) AS savings`,
          [councilId, asOf, financialYear, ...visible.params],
        )
      : [];
    const row = rows[0];
    const zeros = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0]));
    return {
      councilId,
      asOf,
      workstreams: {
        total: row?.total ?? 0,
        byRag: { ...zeros(['red', 'amber', 'green', 'none']), ...row?.byRag },
        byPhase: { ...zeros(PHASES), ...row?.byPhase },
        byParticipation: { ...zeros(['lead', ...PARTICIPATION_STATUSES]), ...row?.byParticipation },
      },
      overdueMilestones: row?.overdueMilestones ?? 0,
      openHighRisks: row?.openHighRisks ?? 0,
      savings: { financialYear, ...(row?.savings ?? { plannedPence: 0, realisedPence: 0 }) },
    };
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

interface DashboardRow {
  total: number;
  byRag: Record<string, number>;
  byPhase: Record<string, number>;
  byParticipation: Record<string, number>;
  overdueMilestones: number;
  openHighRisks: number;
  savings: { plannedPence: number; realisedPence: number };
}
