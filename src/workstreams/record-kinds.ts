/**
 * The kinds of record a workstream holds, as data for `WorkstreamRecordsService`: the table,
 * the columns a client reads and writes, the list order (with its keyset condition), who
 * changes it, and the rules of the seeds that apply to it.
 */
import { ConflictException } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CursorValue } from '../common/pagination';
import { ValidationProblem } from '../common/problem';
import { isoTimestamp } from '../common/sql';
import { SubjectName } from '../tenancy/ability';
import { RepaymentThreshold, payback, thresholdProblem } from './payback';
import { overdueAsOf } from './workstream-list.query';
import { WorkstreamRef } from './workstream-access.service';

export type RecordRow = Record<string, unknown> & { id: string; version?: number };
type Values = Record<string, unknown>;

export interface RecordKind {
  table: string;
  noun: string;
  /** The columns read as at a date (an SQL date expression), for kinds whose answer depends on one. */
  selectAsOf?: (asOf: string) => string;
  /** Kept by each council for itself (`council_id`), rather than by the lead authorities. */
  councilOwned?: { subject: SubjectName };
  select: string;
  /** Request field → column, for inserts and updates. */
  writable: Record<string, string>;
  /** Columns computed in SQL on insert ($1 is the workstream id). */
  computed?: Record<string, string>;
  /** The sort, its key's fields with what each holds (for the cursor), and the keyset condition. */
  order: { by: string; key: [string, CursorValue][]; after: (first: number) => string };
  prepare?: (input: Values, current?: Values) => Values;
  /** The record as it will be; `current` is the stored one when it is being changed. */
  check?: (
    tx: EntityManager,
    workstream: WorkstreamRef,
    values: Values,
    scope: Values,
    current?: Values,
  ) => Promise<void>;
  present?: (tx: EntityManager, rows: RecordRow[]) => Promise<RecordRow[]>;
}

const date = (column: string, alias: string) => `to_char(${column}, 'YYYY-MM-DD') AS "${alias}"`;
const common = `r.id, r.workstream_id AS "workstreamId"`;
/** The name of the record's council, read with the record (the councils' primary key). */
const councilName = `(SELECT c.name FROM councils c WHERE c.id = r.council_id) AS "councilName"`;
const stamps = `r.version, ${isoTimestamp('r.created_at', 'createdAt')}, ${isoTimestamp('r.updated_at', 'updatedAt')}`;
const byCreation: RecordKind['order'] = {
  by: 'r.created_at, r.id',
  key: [
    ['createdAt', 'timestamp'],
    ['id', 'uuid'],
  ],
  after: (n: number) => `(r.created_at, r.id) > ($${n}::timestamptz, $${n + 1}::uuid)`,
};

/**
 * Decisions and savings lines are kept by the councils that take part in a workstream: a
 * participant (in any status) or a lead authority.
 */
async function assertTakesPart(
  tx: EntityManager,
  workstream: WorkstreamRef,
  values: Values,
): Promise<void> {
  const councilId = values.councilId as string;
  if (workstream.ownerCouncilId === councilId || workstream.leadCouncilIds.includes(councilId)) {
    return;
  }
  const rows = await tx.query<unknown[]>(
    `SELECT 1 FROM workstream_participants WHERE workstream_id = $1 AND council_id = $2`,
    [workstream.id, councilId],
  );
  if (!rows.length) {
    throw new ConflictException(
      'Only a council that takes part in this workstream (a lead authority or a participant) keeps its decisions and savings; record its participation first',
    );
  }
}

/** Inverclyde's rule, as each council sets it in its profile (on unless turned off). */
async function requiresApproval(tx: EntityManager, councilId: string): Promise<boolean> {
  const [row] = await tx.query<{ required: boolean }[]>(
    `SELECT commit_requires_approved_business_case AS required FROM council_profiles WHERE council_id = $1`,
    [councilId],
  );
  return row?.required ?? true;
}

/**
 * A council's commitment to a workstream and the withdrawal of the approval it rests on each
 * read the other, so they take turns (migrations/1764100000000-one-commitment-at-a-time.ts,
 * whose triggers take the same lock): held to the end of the transaction, and what is read
 * after it includes what a transaction it waited for committed.
 */
async function lockCommitment(tx: EntityManager, workstreamId: string, councilId: string) {
  await tx.query(`SELECT commitment_lock($1, $2)`, [workstreamId, councilId]);
}

/**
 * Whether the council has approved a business case of the workstream that was put to the
 * councils (not a draft), leaving out one decision (the one being changed).
 */
async function hasApproval(
  tx: EntityManager,
  workstreamId: string,
  councilId: string,
  exceptDecisionId?: string,
): Promise<boolean> {
  const rows = await tx.query<unknown[]>(
    `SELECT 1 FROM business_case_decisions d JOIN business_cases c ON c.id = d.business_case_id
      WHERE d.workstream_id = $1 AND d.council_id = $2 AND d.decision = 'approved'
        AND c.status <> 'draft' AND d.id IS DISTINCT FROM $3::uuid LIMIT 1`,
    [workstreamId, councilId, exceptDecisionId ?? null],
  );
  return rows.length > 0;
}

/**
 * A council committed on the strength of an approval keeps it while the commitment stands:
 * 409 naming the participation, unless another approval of the council's still carries it.
 */
async function assertCommitmentNotBuiltOn(
  tx: EntityManager,
  workstream: WorkstreamRef,
  decision: Values,
): Promise<void> {
  const councilId = decision.councilId as string;
  if (!(await requiresApproval(tx, councilId))) return;
  await lockCommitment(tx, workstream.id, councilId);
  const [participation] = await tx.query<{ id: string }[]>(
    `SELECT id FROM workstream_participants
      WHERE workstream_id = $1 AND council_id = $2 AND status = 'committed'`,
    [workstream.id, councilId],
  );
  if (participation && !(await hasApproval(tx, workstream.id, councilId, decision.id as string))) {
    throw new ConflictException({
      message: `The council is committed to this workstream on the strength of this approval (participation ${participation.id}); withdraw the commitment first`,
      participationId: participation.id,
    });
  }
}

const milestoneColumns = (asOf: string) =>
  `${common}, r.title, ${date('r.due_on', 'dueOn')}, r.status, ${date('r.completed_on', 'completedOn')},
    ${overdueAsOf(asOf, 'r')} AS overdue, ${stamps}`;

export const MILESTONES: RecordKind = {
  table: 'milestones',
  noun: 'milestone',
  select: milestoneColumns('current_date'),
  selectAsOf: milestoneColumns,
  writable: { title: 'title', dueOn: 'due_on', status: 'status', completedOn: 'completed_on' },
  order: {
    by: 'r.due_on, r.id',
    key: [
      ['dueOn', 'date'],
      ['id', 'uuid'],
    ],
    after: (n) => `(r.due_on, r.id) > ($${n}::date, $${n + 1}::uuid)`,
  },
  // Done means a completion date (today unless given); any other status clears it.
  prepare: (input, current) => {
    const status = (input.status ?? current?.status ?? 'planned') as string;
    if (status !== 'done') {
      if (input.completedOn) {
        throw new ValidationProblem([
          { field: 'completedOn', message: 'completedOn is only for a milestone that is done' },
        ]);
      }
      return input.status ? { ...input, completedOn: null } : input;
    }
    // Without a date, the database completes it on its own today (migrations/1763900000000).
    return input;
  },
};

export const KEY_ACTIONS: RecordKind = {
  table: 'key_actions',
  noun: 'key action',
  select: `${common}, r.action, r.contributors, r.timescale, r.milestone_ids AS "milestoneIds", ${stamps}`,
  writable: {
    action: 'action',
    contributors: 'contributors',
    timescale: 'timescale',
    milestoneIds: 'milestone_ids',
  },
  order: byCreation,
  check: async (tx, workstream, values) => {
    const ids = (values.milestoneIds as string[] | undefined) ?? [];
    if (!ids.length) return;
    const found = await tx.query<unknown[]>(
      `SELECT 1 FROM milestones WHERE workstream_id = $1 AND id = ANY ($2)`,
      [workstream.id, [...new Set(ids)]],
    );
    if (found.length !== new Set(ids).size) {
      throw new ValidationProblem([
        { field: 'milestoneIds', message: "milestoneIds must be this workstream's milestones" },
      ]);
    }
  },
};

export const RISKS: RecordKind = {
  table: 'risks',
  noun: 'risk',
  select: `${common}, r.description, r.likelihood, r.impact, r.score, r.mitigation, r.owner, r.status, ${stamps}`,
  writable: {
    description: 'description',
    likelihood: 'likelihood',
    impact: 'impact',
    mitigation: 'mitigation',
    owner: 'owner',
    status: 'status',
  },
  order: {
    by: 'r.score DESC, r.id',
    key: [
      ['score', 'integer'],
      ['id', 'uuid'],
    ],
    after: (n) => `(r.score < $${n}::int OR (r.score = $${n}::int AND r.id > $${n + 1}::uuid))`,
  },
};

/** Append-only: listed newest first, never updated. */
export const STATUS_UPDATES: RecordKind = {
  table: 'status_updates',
  noun: 'status update',
  select: `${common}, r.seq::text AS seq, r.rag, r.period, ${date('r.as_at', 'asAt')}, r.reason,
    r.narrative, r.achievements,
    r.challenges, r.author_user_id AS "authorUserId", r.author_council_id AS "authorCouncilId",
    (SELECT c.name FROM councils c WHERE c.id = r.author_council_id) AS "authorCouncilName",
    ${isoTimestamp('r.created_at', 'createdAt')}`,
  writable: {
    rag: 'rag',
    period: 'period',
    asAt: 'as_at',
    reason: 'reason',
    narrative: 'narrative',
    achievements: 'achievements',
    challenges: 'challenges',
  },
  order: { by: 'r.seq DESC', key: [['seq', 'integer']], after: (n) => `r.seq < $${n}::bigint` },
  // It reports on a day that has come: not after the database's today.
  check: async (tx, _workstream, values) => {
    if (values.asAt === undefined) return;
    const [row] = await tx.query<{ ahead: boolean }[]>(`SELECT $1::date > current_date AS ahead`, [
      values.asAt,
    ]);
    if (row.ahead) {
      throw new ValidationProblem([{ field: 'asAt', message: 'asAt must not be after today' }]);
    }
  },
};

/** Where a business case may go from each status (the database keeps the same rule). */
const CASE_MOVES: Record<string, string[]> = {
  draft: ['submitted'],
  submitted: ['approved', 'rejected'],
  approved: [],
  rejected: [],
};

export const BUSINESS_CASES: RecordKind = {
  table: 'business_cases',
  noun: 'business case',
  select: `${common}, r.number, r.title, r.summary, r.status,
    r.estimated_cost_pence::float8 AS "estimatedCostPence",
    r.estimated_savings_pence::float8 AS "estimatedSavingsPence",
    ${isoTimestamp('r.submitted_at', 'submittedAt')}, r.submitted_by AS "submittedByUserId",
    ${isoTimestamp('r.decided_at', 'decidedAt')}, r.decided_by AS "decidedByUserId", ${stamps}`,
  writable: {
    title: 'title',
    summary: 'summary',
    status: 'status',
    estimatedCostPence: 'estimated_cost_pence',
    estimatedSavingsPence: 'estimated_savings_pence',
  },
  computed: {
    number: '(SELECT coalesce(max(number), 0) + 1 FROM business_cases WHERE workstream_id = $1)',
  },
  // Created as a draft; draft → submitted → approved or rejected. Submitted: costs and savings
  // frozen. Decided: immutable, and a change is a new business case (the next number).
  prepare: (input, current) => {
    if (!current) return input;
    const from = current.status as string;
    if (!CASE_MOVES[from].length) {
      throw new ConflictException(
        `Business case ${String(current.number)} is ${from} and cannot change; record a change as a new business case`,
      );
    }
    const to = input.status as string | undefined;
    if (to && to !== from && !CASE_MOVES[from].includes(to)) {
      throw new ConflictException(
        `A ${from} business case moves only to ${CASE_MOVES[from].join(' or ')}, not to ${to}`,
      );
    }
    const frozen = ['estimatedCostPence', 'estimatedSavingsPence'].filter(
      (field) => input[field] !== undefined && input[field] !== current[field],
    );
    if (from !== 'draft' && frozen.length) {
      throw new ConflictException(
        `A submitted business case's costs and estimated savings are frozen (${frozen.join(', ')}); record a change as a new business case`,
      );
    }
    return input;
  },
  order: {
    by: 'r.number, r.id',
    key: [
      ['number', 'integer'],
      ['id', 'uuid'],
    ],
    after: (n) => `(r.number, r.id) > ($${n}::int, $${n + 1}::uuid)`,
  },
};

export const DECISIONS: RecordKind = {
  table: 'business_case_decisions',
  noun: 'business case decision',
  councilOwned: { subject: 'BusinessCaseDecision' },
  select: `${common}, r.business_case_id AS "businessCaseId", r.council_id AS "councilId",
    ${councilName}, r.decision,
    ${date('r.decided_on', 'decidedOn')}, r.decision_body AS "decisionBody", r.reference,
    r.recorded_by_platform_admin AS "recordedByPlatformAdmin", ${stamps}`,
  writable: {
    decision: 'decision',
    decidedOn: 'decided_on',
    decisionBody: 'decision_body',
    reference: 'reference',
  },
  order: byCreation,
  // A council decides on a business case that has been put to it, not on a draft; an approval
  // its commitment stands on is not withdrawn while the commitment stands.
  check: async (tx, workstream, values, scope, current) => {
    await assertTakesPart(tx, workstream, values);
    if (current?.decision === 'approved' && values.decision !== 'approved') {
      await assertCommitmentNotBuiltOn(tx, workstream, values);
    }
    const [row] = await tx.query<{ status: string }[]>(
      `SELECT status FROM business_cases WHERE id = $1`,
      [scope.business_case_id],
    );
    if (row && row.status === 'draft') {
      throw new ConflictException(
        'This business case is still a draft; submit it before councils decide on it',
      );
    }
  },
};

export const PARTICIPANTS: RecordKind = {
  table: 'workstream_participants',
  noun: 'participation',
  councilOwned: { subject: 'Participant' },
  select: `${common}, r.council_id AS "councilId", ${councilName},
    r.priority_rank AS "priorityRank", r.status, r.reason,
    r.recorded_by_platform_admin AS "recordedByPlatformAdmin", ${stamps}`,
  writable: { priorityRank: 'priority_rank', status: 'status', reason: 'reason' },
  order: byCreation,
  check: async (tx, workstream, values) => {
    const member = workstream.partnershipId
      ? await tx.query<unknown[]>(
          `SELECT 1 FROM partnership_members WHERE partnership_id = $1 AND council_id = $2 AND left_on IS NULL`,
          [workstream.partnershipId, values.councilId],
        )
      : workstream.ownerCouncilId === values.councilId
        ? [1]
        : [];
    if (!member.length) {
      throw new ValidationProblem([
        {
          field: 'councilId',
          message: "a participant must be a current member of the workstream's partnership",
        },
      ]);
    }
    const reason = typeof values.reason === 'string' ? values.reason.trim() : '';
    if (['declined', 'not_participating'].includes(values.status as string) && !reason) {
      throw new ValidationProblem([
        {
          field: 'reason',
          message: 'reason is required when a council declines or does not take part',
        },
      ]);
    }
    if (values.status === 'committed' && (await requiresApproval(tx, values.councilId as string))) {
      await lockCommitment(tx, workstream.id, values.councilId as string);
      if (!(await hasApproval(tx, workstream.id, values.councilId as string))) {
        throw new ConflictException(
          'A council commits to a workstream only after it has approved a business case for it; record the approval first',
        );
      }
    }
  },
};

export const SAVINGS_LINES: RecordKind = {
  table: 'savings_lines',
  noun: 'savings line',
  councilOwned: { subject: 'SavingsLine' },
  select: `${common}, r.council_id AS "councilId", ${councilName},
    r.financial_year AS "financialYear",
    r.planned_pence::float8 AS "plannedPence", r.realised_pence::float8 AS "realisedPence", r.cashable,
    r.description, r.recorded_by_platform_admin AS "recordedByPlatformAdmin", ${stamps}`,
  writable: {
    financialYear: 'financial_year',
    plannedPence: 'planned_pence',
    realisedPence: 'realised_pence',
    cashable: 'cashable',
    description: 'description',
  },
  order: {
    by: 'r.financial_year, r.id',
    key: [
      ['financialYear', 'text'],
      ['id', 'uuid'],
    ],
    after: (n) => `(r.financial_year, r.id) > ($${n}, $${n + 1}::uuid)`,
  },
  check: assertTakesPart,
};

export const FUNDING_LINES: RecordKind = {
  table: 'funding_lines',
  noun: 'funding line',
  select: `${common}, r.funder, r.amount_pence::float8 AS "amountPence", r.at_risk AS "atRisk", r.description,
    r.repayment_thresholds AS "repaymentThresholds", ${stamps}`,
  writable: {
    funder: 'funder',
    amountPence: 'amount_pence',
    atRisk: 'at_risk',
    description: 'description',
    repaymentThresholds: 'repayment_thresholds',
  },
  order: byCreation,
  // Thresholds ascend and together repay no more than was funded (the database agrees).
  prepare: (input, current) => {
    const thresholds = (input.repaymentThresholds ??
      current?.repaymentThresholds) as RepaymentThreshold[];
    const amount = (input.amountPence ?? current?.amountPence) as number;
    const problem = thresholdProblem(thresholds ?? [], amount);
    if (problem) throw new ValidationProblem([{ field: 'repaymentThresholds', message: problem }]);
    return input.repaymentThresholds === undefined
      ? input
      : { ...input, repaymentThresholds: JSON.stringify(input.repaymentThresholds) };
  },
  // What has become repayable from the workstream's realised savings to date, what has been
  // repaid, and what is still owed.
  present: async (tx, rows) => {
    if (!rows.length) return rows;
    const [{ realised }] = await tx.query<{ realised: number }[]>(
      `SELECT coalesce(sum(realised_pence), 0)::float8 AS realised FROM savings_lines WHERE workstream_id = $1`,
      [rows[0].workstreamId],
    );
    const repaid = await tx.query<{ id: string; repaid: number }[]>(
      `SELECT funding_line_id AS id, sum(amount_pence)::float8 AS repaid FROM funding_repayments
        WHERE funding_line_id = ANY ($1) GROUP BY funding_line_id`,
      [rows.map((row) => row.id)],
    );
    const repaidOf = new Map(repaid.map((r) => [r.id, r.repaid]));
    return rows.map((row) => {
      const result = payback(row.repaymentThresholds as RepaymentThreshold[], realised);
      const repaidPence = repaidOf.get(row.id) ?? 0;
      return {
        ...row,
        ...result,
        repaymentThresholds: result.thresholds,
        thresholds: undefined,
        repaidPence,
        owedPence: Math.max(0, result.repayablePence - repaidPence),
      };
    });
  },
};

/** A repayment made under a funding line's thresholds (date, amount, reference). */
export const REPAYMENTS: RecordKind = {
  table: 'funding_repayments',
  noun: 'repayment',
  select: `${common}, r.funding_line_id AS "fundingLineId", ${date('r.paid_on', 'paidOn')},
    r.amount_pence::float8 AS "amountPence", r.reference, ${stamps}`,
  writable: { paidOn: 'paid_on', amountPence: 'amount_pence', reference: 'reference' },
  order: {
    by: 'r.paid_on, r.id',
    key: [
      ['paidOn', 'date'],
      ['id', 'uuid'],
    ],
    after: (n) => `(r.paid_on, r.id) > ($${n}::date, $${n + 1}::uuid)`,
  },
  // Together, the repayments never exceed what the line's thresholds ask back.
  check: async (tx, workstream, values, scope) => {
    const [line] = await tx.query<{ asked: number; repaid: number }[]>(
      `SELECT (SELECT coalesce(sum((t ->> 'repaymentPence')::bigint), 0)
                 FROM jsonb_array_elements(f.repayment_thresholds) t)::float8 AS asked,
              (SELECT coalesce(sum(amount_pence), 0) FROM funding_repayments
                WHERE funding_line_id = f.id AND id IS DISTINCT FROM $3)::float8 AS repaid
         FROM funding_lines f WHERE f.id = $1 AND f.workstream_id = $2`,
      [scope.funding_line_id, workstream.id, values.id ?? null],
    );
    if (line && line.repaid + (values.amountPence as number) > line.asked) {
      throw new ValidationProblem([
        {
          field: 'amountPence',
          message: `repayments would exceed the ${line.asked} pence the thresholds ask back (${line.repaid} repaid)`,
        },
      ]);
    }
  },
};
