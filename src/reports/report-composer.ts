import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { financialYearOf } from '../workstreams/financial-year';
import { overdueAsOf } from '../workstreams/workstream-list.query';
import { AgreementContent, ReportSection, WorkstreamContent } from './report-model';

/** A section as stored: its place, kind, heading and content, and what it was composed from. */
export interface ComposedSection {
  kind: ReportSection['kind'];
  key: string;
  heading: string;
  content: Record<string, unknown>;
  workstreamId?: string;
  agreementId?: string;
}

/**
 * Fills a report's sections from live data as it stood at a date (README, Reports: composed
 * as at a date): the latest status update reported on or before it, milestones overdue as
 * at it (due before it and not done by it), open key actions, the top open risks, and the
 * ledger's totals for its financial year. Runs in the caller's transaction, so it reads only
 * what the owner council may see.
 */
@Injectable()
export class ReportComposer {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async workstreams(ids: string[], asOf: string): Promise<ComposedSection[]> {
    if (!ids.length) return [];
    const financialYear = financialYearOf(new Date(`${asOf}T00:00:00Z`));
    const rows = await this.txHost.tx.query<(WorkstreamContent & { id: string })[]>(
      `SELECT w.id, w.title, w.priority_rank AS "priorityRank", w.phase,
              (SELECT coalesce(array_agg(c.name ORDER BY array_position(w.lead_council_ids, c.id)), '{}')
                 FROM councils c WHERE c.id = ANY (w.lead_council_ids)) AS "leadAuthorities",
              s.rag, s.reason AS "ragReason", to_char(s.as_at, 'YYYY-MM-DD') AS "ragAsOf",
              coalesce(s.achievements, s.narrative) AS achievements, s.challenges,
              (SELECT coalesce(json_agg(json_build_object('description', r.description, 'score', r.score)
                                        ORDER BY r.score DESC, r.created_at), '[]')
                 FROM (SELECT * FROM risks r WHERE r.workstream_id = w.id AND r.status <> 'closed'
                        ORDER BY r.score DESC, r.created_at LIMIT 5) r) AS risks,
              (SELECT coalesce(json_agg(json_build_object('title', m.title, 'dueOn', to_char(m.due_on, 'YYYY-MM-DD'))
                                        ORDER BY m.due_on, m.title), '[]')
                 FROM milestones m WHERE m.workstream_id = w.id AND ${overdueAsOf('$2::date')}) AS "overdueMilestones",
              (SELECT coalesce(json_agg(json_build_object(
                        'action', k.action, 'contributors', k.contributors, 'timescale', k.timescale,
                        'milestone', (SELECT string_agg(m.title || ' (' || to_char(m.due_on, 'FMDD Mon YYYY') || ')', '; '
                                                        ORDER BY m.due_on)
                                        FROM milestones m WHERE m.id = ANY (k.milestone_ids)))
                        ORDER BY k.created_at, k.id), '[]')
                 FROM key_actions k WHERE k.workstream_id = w.id
                  AND (cardinality(k.milestone_ids) = 0 OR EXISTS (
                        SELECT 1 FROM milestones m WHERE m.id = ANY (k.milestone_ids)
                           AND NOT (m.completed_on IS NOT NULL AND m.completed_on <= $2::date)))) AS "keyActions",
              CASE WHEN EXISTS (SELECT 1 FROM savings_lines l WHERE l.workstream_id = w.id AND l.financial_year = $3)
              THEN json_build_object('financialYear', $3::text,
                'plannedPence', (SELECT coalesce(sum(l.planned_pence), 0)::bigint FROM savings_lines l
                                  WHERE l.workstream_id = w.id AND l.financial_year = $3),
                'realisedPence', (SELECT coalesce(sum(l.realised_pence), 0)::bigint FROM savings_lines l
                                   WHERE l.workstream_id = w.id AND l.financial_year = $3)) END AS savings
         FROM workstreams w
         LEFT JOIN LATERAL (SELECT * FROM status_updates u WHERE u.workstream_id = w.id AND u.as_at <= $2::date
                             ORDER BY u.as_at DESC, u.seq DESC LIMIT 1) s ON true
        WHERE w.id = ANY ($1::uuid[])`,
      [ids, asOf, financialYear],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids
      .map((id) => byId.get(id))
      .filter((row): row is WorkstreamContent & { id: string } => row !== undefined)
      .map(({ id, ...workstream }) => ({
        kind: 'workstream' as const,
        key: 'workstream',
        heading: workstream.title,
        content: {
          workstream: {
            ...workstream,
            savings: workstream.savings && {
              ...workstream.savings,
              plannedPence: Number(workstream.savings.plannedPence),
              realisedPence: Number(workstream.savings.realisedPence),
            },
          },
        },
        workstreamId: id,
      }));
  }

  /** The lead-authorities table of the workstreams reported on, in the report's order. */
  leadAuthorities(sections: ComposedSection[]): ComposedSection | null {
    const rows = sections
      .filter((s) => s.kind === 'workstream')
      .map((s) => {
        const w = s.content.workstream as WorkstreamContent;
        return { priority: w.priorityRank, title: w.title, leads: joinNames(w.leadAuthorities) };
      });
    if (!rows.length) return null;
    return {
      kind: 'lead_authorities',
      key: 'lead_authorities',
      heading: 'LEAD AUTHORITIES',
      content: { rows },
    };
  }

  async agreements(ids: string[]): Promise<ComposedSection[]> {
    if (!ids.length) return [];
    const rows = await this.txHost.tx.query<(AgreementContent & { id: string })[]>(
      `SELECT a.id, a.reference, v.title, a.status, v.purposes, v.legal_basis AS "legalBasis",
              to_char(coalesce(a.next_review_on, v.review_date), 'YYYY-MM-DD') AS "reviewDate",
              (SELECT coalesce(json_agg(json_build_object('name', c.name, 'contribution', k.description)
                                        ORDER BY c.name), '[]')
                 FROM agreement_parties p JOIN councils c ON c.id = p.council_id
                 LEFT JOIN agreement_contributions k ON k.agreement_id = p.agreement_id
                       AND k.council_id = p.council_id AND k.version_number = v.number
                WHERE p.agreement_id = a.id) AS parties
         FROM agreements a
         JOIN agreement_versions v ON v.agreement_id = a.id AND v.number = coalesce(a.current_version, a.latest_version)
        WHERE a.id = ANY ($1::uuid[])`,
      [ids],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids
      .map((id) => byId.get(id))
      .filter((row): row is AgreementContent & { id: string } => row !== undefined)
      .map(({ id, ...agreement }) => ({
        kind: 'agreement' as const,
        key: 'agreement',
        heading: `${agreement.title} (${agreement.reference})`,
        content: { agreement },
        agreementId: id,
      }));
  }
}

/** "Glasgow and North Lanarkshire", "A, B and C". */
export function joinNames(names: string[]): string {
  // As the seeds name them: "Glasgow and North Lanarkshire", not "Glasgow City Council and …".
  const short = names.map((n) =>
    n
      .replace(/ Council$/, '')
      .replace(/ City$/, '')
      .replace(/^(The )?(City of )/, ''),
  );
  return short.length <= 1
    ? (short[0] ?? '')
    : `${short.slice(0, -1).join(', ')} and ${short.at(-1)}`;
}
