import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { ValidationProblem } from '../common/problem';
import { LONDON_TODAY } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import { CreateScheduleDto, ScheduleDto, SchedulePageDto } from './dto/report.dto';
import { actingCouncil } from '../tenancy/acting-council';

const TODAY = LONDON_TODAY;
const COLUMNS = `s.id, s.owner_council_id AS "ownerCouncilId", s.title, s.meeting,
  to_char(s.due_on, 'YYYY-MM-DD') AS "dueOn", s.workstream_id AS "workstreamId",
  s.partnership_id AS "partnershipId", s.agreement_id AS "agreementId", s.report_id AS "reportId",
  (s.report_id IS NULL AND s.due_on < ${TODAY}) AS overdue, s.version`;

/**
 * When a council owes a progress report ("Cabinet receives a progress report in 12 months"):
 * on a workstream, a partnership or an agreement it can see. A report made with `scheduleId`
 * answers it; until then it is due, and once its date has passed, overdue.
 */
@Injectable()
export class ReportSchedulesService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async create(actor: Actor, dto: CreateScheduleDto): Promise<ScheduleDto> {
    const owner = actingCouncil(actor, dto.ownerCouncilId, 'ownerCouncilId');
    if (!actor.ability.can('create', asSubject('ReportSchedule', { ownerCouncilId: owner }))) {
      throw new ForbiddenException("Only the council's officers and admins schedule reports");
    }
    const subjects = (['workstreamId', 'partnershipId', 'agreementId'] as const).filter(
      (f) => dto[f],
    );
    if (subjects.length > 1) {
      throw new ValidationProblem([
        {
          field: subjects[1],
          message: 'a schedule is on one workstream, partnership or agreement',
        },
      ]);
    }
    const table = {
      workstreamId: 'workstreams',
      partnershipId: 'partnerships',
      agreementId: 'agreements',
    };
    for (const field of subjects) {
      const rows = await this.txHost.tx.query<unknown[]>(
        `SELECT 1 FROM ${table[field]} WHERE id = $1`,
        [dto[field]],
      );
      if (!rows.length) {
        throw new ValidationProblem([
          { field, message: `${field} is not one your council can see` },
        ]);
      }
    }
    const [{ id }] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO report_schedules (owner_council_id, workstream_id, partnership_id, agreement_id, title, meeting, due_on)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [
        owner,
        dto.workstreamId ?? null,
        dto.partnershipId ?? null,
        dto.agreementId ?? null,
        dto.title,
        dto.meeting ?? null,
        dto.dueOn,
      ],
    );
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<ScheduleDto> {
    const [row] = isUuid(id)
      ? await this.txHost.tx.query<ScheduleDto[]>(
          `SELECT ${COLUMNS} FROM report_schedules s WHERE s.id = $1`,
          [id],
        )
      : [];
    if (!row || !actor.ability.can('read', asSubject('ReportSchedule', row))) {
      throw new NotFoundException('No report schedule with that id');
    }
    return row;
  }

  /** What the caller's council still owes, by due date (overdue first). */
  async due(actor: Actor, query: PageQueryDto): Promise<SchedulePageDto> {
    const params: unknown[] = [];
    const where = ['s.report_id IS NULL'];
    if (actor.role !== 'platform_admin') {
      params.push(actor.councilId);
      where.push(`s.owner_council_id = $${params.length}`);
    }
    const after = decodeCursor(query.cursor, ['date', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where.push(`(s.due_on, s.id) > ($${params.length - 1}::date, $${params.length}::uuid)`);
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<ScheduleDto[]>(
      `SELECT ${COLUMNS} FROM report_schedules s WHERE ${where.join(' AND ')}
        ORDER BY s.due_on, s.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.dueOn, row.id]);
  }
}
