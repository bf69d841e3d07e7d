import { ConflictException, ForbiddenException, Injectable } from '@nestjs/common';
import { permittedFieldsOf } from '@casl/ability/extra';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { assignments, isoTimestamp } from '../common/sql';
import { PartnershipsService } from '../partnerships/partnerships.service';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import {
  CreateWorkstreamDto,
  LeadOfficerDto,
  PhaseChangeDto,
  ReopenWorkstreamDto,
  UpdateWorkstreamDto,
  WorkstreamDto,
  WorkstreamQueryDto,
} from './dto/workstream.dto';
import { Phase, entersApproval, phaseMove } from './phase';
import { WorkstreamAccess, WorkstreamRef } from './workstream-access.service';
import { workstreamListQuery } from './workstream-list.query';

const COLUMNS = `w.id, w.title, w.service_area AS "serviceArea", w.description, w.scope, w.remit, w.phase,
  w.priority_rank AS "priorityRank",
  CASE WHEN w.partnership_id IS NULL THEN 'private' ELSE 'shared' END AS visibility,
  w.partnership_id AS "partnershipId", w.owner_council_id AS "ownerCouncilId",
  w.lead_council_ids AS "leadCouncilIds",
  (SELECT coalesce(json_agg(json_build_object('id', l.id,
                                               'name', (SELECT c.name FROM councils c WHERE c.id = l.id))
                            ORDER BY l.n), '[]')
     FROM unnest(w.lead_council_ids) WITH ORDINALITY AS l (id, n))
    AS "leadCouncils",
  w.current_rag AS rag,
  w.latest_status AS "latestStatus",
  w.version, ${isoTimestamp('w.created_at', 'createdAt')}, ${isoTimestamp('w.updated_at', 'updatedAt')},
  w.lead_officer_id AS officer_key`;

const FIELDS = {
  title: 'title',
  serviceArea: 'service_area',
  description: 'description',
  scope: 'scope',
  remit: 'remit',
  priorityRank: 'priority_rank',
  leadCouncilIds: 'lead_council_ids',
  leadOfficerId: 'lead_officer_id',
  phase: 'phase',
};

type WorkstreamRow = Omit<WorkstreamDto, 'leadOfficer'>;

@Injectable()
export class WorkstreamsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: WorkstreamAccess,
    private readonly partnerships: PartnershipsService,
  ) {}

  /** Workstreams the caller's council may see, most recently updated first (ties by id). */
  async list(actor: Actor, query: WorkstreamQueryDto): Promise<Page<WorkstreamDto>> {
    // An unknown filter value is a 400 naming it, as an unknown body value is.
    if (query.serviceArea) {
      const known = await this.txHost.tx.query<unknown[]>(
        `SELECT 1 FROM service_areas WHERE code = $1`,
        [query.serviceArea],
      );
      if (!known.length) {
        throw new ValidationProblem([
          {
            field: 'serviceArea',
            message: 'serviceArea is not a service area (GET /service-areas)',
          },
        ]);
      }
    }
    const viewer = actor.role === 'platform_admin' ? null : actor.councilId;
    const list = workstreamListQuery(actor.ability, query, viewer);
    if (!list) return { data: [], nextCursor: null };
    // The page's ids first, so the columns are computed for its rows only; one statement.
    const rows = await this.txHost.tx.query<RowWithOfficer[]>(
      withLeadOfficer(
        `SELECT ${COLUMNS}, w.updated_at AS sort_at FROM (${list.sql}) p JOIN workstreams w ON w.id = p.id`,
        'ORDER BY page.sort_at DESC, page.id DESC',
      ),
      list.params,
    );
    const page = pageOf(rows, query.limit, (row) => [row.updatedAt, row.id]);
    return { ...page, data: page.data.map((row) => this.shownOfficer(actor, row)) };
  }

  async get(actor: Actor, id: string): Promise<WorkstreamDto> {
    await this.access.visible(actor, id);
    const rows = await this.txHost.tx.query<RowWithOfficer[]>(
      withLeadOfficer(`SELECT ${COLUMNS} FROM workstreams w WHERE w.id = $1`, ''),
      [id],
    );
    return this.shownOfficer(actor, rows[0]);
  }

  /**
   * A workstream with a partnership is shared: created by its lead authorities or by the
   * partnership's administering council. Without one it is private to the caller's council,
   * which is then its only lead.
   */
  async create(actor: Actor, dto: CreateWorkstreamDto): Promise<WorkstreamDto> {
    let draft: Omit<WorkstreamRef, 'id' | 'phase' | 'version'>;
    if (dto.partnershipId) {
      const partnership = await this.partnerships.get(actor, dto.partnershipId);
      if (!dto.leadCouncilIds?.length) {
        throw new ValidationProblem([
          {
            field: 'leadCouncilIds',
            message: 'a shared workstream needs at least one lead authority',
          },
        ]);
      }
      draft = {
        partnershipId: partnership.id,
        ownerCouncilId: null,
        leadCouncilIds: [...new Set(dto.leadCouncilIds)],
        administeringCouncilId: partnership.administeringCouncilId,
      };
    } else {
      const owner = actor.role === 'platform_admin' ? dto.ownerCouncilId : actor.councilId;
      if (!owner) {
        throw new ValidationProblem([
          {
            field: 'partnershipId',
            message: 'give partnershipId or, as a platform admin, ownerCouncilId',
          },
        ]);
      }
      draft = {
        partnershipId: null,
        ownerCouncilId: owner,
        leadCouncilIds: [owner],
        administeringCouncilId: null,
      };
    }
    if (!actor.ability.can('create', asSubject('Workstream', draft))) {
      throw new ForbiddenException(
        "A shared workstream is recorded by one of its lead authorities or by the partnership's administering council",
      );
    }
    await this.assertLeads(draft, dto);
    const [{ id }] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO workstreams (partnership_id, owner_council_id, title, service_area, description, scope,
                                remit, phase, priority_rank, lead_council_ids, lead_officer_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, coalesce($8, 'idea'), $9, $10, $11) RETURNING id`,
      [
        draft.partnershipId,
        draft.ownerCouncilId,
        dto.title,
        dto.serviceArea,
        dto.description ?? null,
        dto.scope ?? null,
        dto.remit ?? null,
        dto.phase ?? null,
        dto.priorityRank ?? null,
        draft.leadCouncilIds,
        dto.leadOfficerId ?? null,
      ],
    );
    return this.get(actor, id);
  }

  /** Lead authorities edit; the phase only moves forward here. */
  async update(actor: Actor, id: string, dto: UpdateWorkstreamDto): Promise<WorkstreamDto> {
    const workstream = await this.access.editable(actor, id, 'update', 'Workstream');
    if (dto.version !== workstream.version) throw new StaleVersionProblem('workstream');
    if (dto.phase && phaseMove(workstream.phase as Phase, dto.phase as Phase) === 'back') {
      throw new ConflictException(
        `A workstream's phase only moves forward; reopen it with a reason to go back to ${dto.phase}`,
      );
    }
    const leadCouncilIds = dto.leadCouncilIds ? [...new Set(dto.leadCouncilIds)] : undefined;
    if (leadCouncilIds && workstream.ownerCouncilId) {
      throw new ValidationProblem([
        { field: 'leadCouncilIds', message: 'a private workstream is led by its owner council' },
      ]);
    }
    await this.assertLeads(
      { ...workstream, leadCouncilIds: leadCouncilIds ?? workstream.leadCouncilIds },
      dto,
    );
    if (leadCouncilIds && dto.leadOfficerId === undefined) {
      await this.assertOfficerStillLeads(id, leadCouncilIds);
    }
    await this.assertMayEnterApproval(workstream, dto);
    await this.recordPhaseChange(workstream, dto.phase, dto.phaseReason ?? null);
    await this.write(id, { ...dto, leadCouncilIds }, dto.version);
    return this.get(actor, id);
  }

  /**
   * Approved or later only with an approved business case, or a recorded reason that none is
   * needed (Lancaster's winter maintenance began as a joint arrangement).
   */
  private async assertMayEnterApproval(
    workstream: WorkstreamRef,
    dto: UpdateWorkstreamDto,
  ): Promise<void> {
    if (!dto.phase || !entersApproval(workstream.phase as Phase, dto.phase as Phase)) return;
    if (dto.phaseReason?.trim()) return;
    const approved = await this.txHost.tx.query<unknown[]>(
      `SELECT 1 FROM business_cases WHERE workstream_id = $1 AND status = 'approved' LIMIT 1`,
      [workstream.id],
    );
    if (!approved.length) {
      throw new ConflictException(
        `A workstream moves to ${dto.phase} with an approved business case, or with phaseReason saying why none is needed`,
      );
    }
  }

  /** Back to an earlier phase, with the reason kept in the phase history. */
  async reopen(actor: Actor, id: string, dto: ReopenWorkstreamDto): Promise<WorkstreamDto> {
    const workstream = await this.access.editable(actor, id, 'update', 'Workstream');
    if (dto.version !== workstream.version) throw new StaleVersionProblem('workstream');
    if (phaseMove(workstream.phase as Phase, dto.phase as Phase) !== 'back') {
      throw new ConflictException(
        `Reopening goes back to an earlier phase than ${workstream.phase}; move forward with PATCH`,
      );
    }
    await this.recordPhaseChange(workstream, dto.phase, dto.reason);
    await this.write(id, { phase: dto.phase }, dto.version);
    return this.get(actor, id);
  }

  async phaseChanges(actor: Actor, id: string, query: PageQueryDto): Promise<Page<PhaseChangeDto>> {
    await this.access.visible(actor, id);
    const params: unknown[] = [id];
    let where = 'workstream_id = $1';
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (created_at, id) > ($2::timestamptz, $3::uuid)`;
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<PhaseChangeDto[]>(
      `SELECT id, from_phase AS "fromPhase", to_phase AS "toPhase", reason, ${isoTimestamp('created_at', 'createdAt')}
         FROM workstream_phase_changes WHERE ${where} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.createdAt, row.id]);
  }

  private async write(id: string, changes: object, version: number): Promise<void> {
    const params: unknown[] = [id, version];
    const sets = assignments(changes, FIELDS, params);
    const rows = await this.txHost.tx.query<[unknown[], number]>(
      `UPDATE workstreams SET ${[...sets, 'version = version + 1'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING id`,
      params,
    );
    if (!rows[0].length) throw new StaleVersionProblem('workstream');
  }

  private async recordPhaseChange(
    workstream: WorkstreamRef,
    to: string | undefined,
    reason: string | null,
  ): Promise<void> {
    if (!to || to === workstream.phase) return;
    await this.txHost.tx.query(
      `INSERT INTO workstream_phase_changes (workstream_id, from_phase, to_phase, reason) VALUES ($1, $2, $3, $4)`,
      [workstream.id, workstream.phase, to, reason],
    );
  }

  /** New lead authorities keep the named lead officer only if one of them employs them. */
  private async assertOfficerStillLeads(id: string, leadCouncilIds: string[]): Promise<void> {
    const [row] = await this.txHost.tx.query<{ council: string | null }[]>(
      `SELECT lead_officer_council(lead_officer_id) AS council FROM workstreams
        WHERE id = $1 AND lead_officer_id IS NOT NULL`,
      [id],
    );
    if (row && !(row.council && leadCouncilIds.includes(row.council))) {
      throw new ValidationProblem([
        {
          field: 'leadOfficerId',
          message:
            'the lead officer does not work for any of the new lead authorities; name another lead officer, or null, with the new leads',
        },
      ]);
    }
  }

  /** Lead authorities are current members; the lead officer works for one of them. */
  private async assertLeads(
    workstream: Pick<WorkstreamRef, 'partnershipId' | 'leadCouncilIds'>,
    dto: { leadOfficerId?: string | null; leadCouncilIds?: string[] },
  ): Promise<void> {
    if (workstream.partnershipId && dto.leadCouncilIds) {
      const members = await this.txHost.tx.query<{ council_id: string }[]>(
        `SELECT council_id FROM partnership_members
          WHERE partnership_id = $1 AND council_id = ANY ($2) AND left_on IS NULL`,
        [workstream.partnershipId, workstream.leadCouncilIds],
      );
      if (members.length !== workstream.leadCouncilIds.length) {
        throw new ValidationProblem([
          {
            field: 'leadCouncilIds',
            message: 'every lead authority must be a current member of the partnership',
          },
        ]);
      }
    }
    if (dto.leadOfficerId) {
      const [row] = await this.txHost.tx.query<{ council: string | null }[]>(
        `SELECT lead_officer_council($1) AS council`,
        [dto.leadOfficerId],
      );
      if (!row.council || !workstream.leadCouncilIds.includes(row.council)) {
        throw new ValidationProblem([
          {
            field: 'leadOfficerId',
            message: 'leadOfficerId must be an active officer or admin of a lead authority',
          },
        ]);
      }
    }
  }

  /**
   * The lead officer, with the fields the caller's ability grants: their own council's and
   * platform admins see the email too, partner councils only the name and job title.
   */
  private shownOfficer(actor: Actor, row: RowWithOfficer): WorkstreamDto {
    const { sort_at: _sortAt, officer_key: _key, leadOfficerRow: officer, ...workstream } = row;
    if (!officer) return { ...workstream, leadOfficer: null };
    const subject = asSubject('User', { ...officer, leadOfficerIn: workstream.partnershipId });
    const fields = permittedFieldsOf(actor.ability, 'read', subject, {
      fieldsFrom: (rule) => rule.fields ?? [...LEAD_OFFICER_FIELDS],
    });
    const shown = Object.fromEntries(
      LEAD_OFFICER_FIELDS.filter((f) => fields.includes(f) && officer[f] != null).map((f) => [
        f,
        officer[f],
      ]),
    );
    return { ...workstream, leadOfficer: { jobTitle: null, ...shown } as LeadOfficerDto };
  }
}

/**
 * Workstream rows (a statement selecting COLUMNS) with each one's lead officer, as
 * `workstream_lead_officers` answers for the caller, in one statement. Only the rows that name
 * an officer are passed: the definer function costs about 0.3 ms to call with ids it finds
 * nothing for (a first page at the large scale named none: 1.8 ms of execution became 1.45).
 */
function withLeadOfficer(rows: string, orderBy: string): string {
  return `WITH page AS (${rows}),
    officers AS (SELECT * FROM workstream_lead_officers(
      ARRAY(SELECT id FROM page WHERE officer_key IS NOT NULL)))
    SELECT page.*, CASE WHEN o.user_id IS NOT NULL THEN json_build_object(
             'id', o.user_id, 'councilId', o.council_id, 'name', o.name, 'jobTitle', o.job_title,
             'email', o.email) END AS "leadOfficerRow"
      FROM page LEFT JOIN officers o ON o.workstream_id = page.id ${orderBy}`;
}

type RowWithOfficer = WorkstreamRow & {
  sort_at?: Date;
  officer_key: string | null;
  leadOfficerRow: (LeadOfficerDto & { councilId: string }) | null;
};

const LEAD_OFFICER_FIELDS = ['id', 'name', 'jobTitle', 'email'] as const;
