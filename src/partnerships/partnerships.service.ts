import { randomUUID } from 'node:crypto';
import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { isoTimestamp } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import { accessCondition } from '../tenancy/rules-to-sql';
import { CouncilRanking, alignCouncil, partnershipTop } from './alignment';
import {
  AlignmentDto,
  CreatePartnershipDto,
  PartnershipDto,
  UpdatePartnershipDto,
} from './dto/partnership.dto';

const COLUMNS = `p.id, p.name, p.description, p.kind, p.status, p.version,
  (SELECT m.council_id FROM partnership_members m
    WHERE m.partnership_id = p.id AND m.role = 'administering' AND m.left_on IS NULL) AS "administeringCouncilId",
  ${isoTimestamp('p.created_at', 'createdAt')}, ${isoTimestamp('p.updated_at', 'updatedAt')}`;

@Injectable()
export class PartnershipsService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  /** Partnerships the caller's council belongs to, by name (ties by id). */
  async list(actor: Actor, query: PageQueryDto): Promise<Page<PartnershipDto>> {
    const visible = accessCondition(actor.ability, 'read', 'Partnership', { id: 'p.id' });
    if (!visible) return { data: [], nextCursor: null };
    const params = [...visible.params];
    let where = visible.sql;
    const after = decodeCursor(query.cursor, ['text', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (p.name, p.id) > ($${params.length - 1}, $${params.length}::uuid)`;
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<PartnershipDto[]>(
      `SELECT ${COLUMNS} FROM partnerships p WHERE ${where} ORDER BY p.name, p.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.name, row.id]);
  }

  /** A partnership the caller's council is not a member of is 404, whether or not it exists. */
  async get(actor: Actor, id: string): Promise<PartnershipDto> {
    const rows = isUuid(id)
      ? await this.txHost.tx.query<PartnershipDto[]>(
          `SELECT ${COLUMNS} FROM partnerships p WHERE p.id = $1`,
          [id],
        )
      : [];
    const partnership = rows[0];
    if (!partnership || !actor.ability.can('read', asSubject('Partnership', partnership))) {
      throw new NotFoundException('No partnership with that id');
    }
    return partnership;
  }

  /**
   * Platform admins create partnerships (optionally naming the administering council); a
   * council admin who creates one makes their own council its administering council.
   */
  async create(actor: Actor, dto: CreatePartnershipDto): Promise<PartnershipDto> {
    const administering =
      actor.role === 'platform_admin' ? (dto.administeringCouncilId ?? null) : actor.councilId;
    if (actor.role !== 'platform_admin' && dto.administeringCouncilId) {
      if (dto.administeringCouncilId !== actor.councilId) {
        throw new ForbiddenException('A council admin starts a partnership for their own council');
      }
    }
    if (administering) await this.assertCouncilExists(administering, 'administeringCouncilId');
    const id = randomUUID();
    // No RETURNING: the row becomes visible to a council only once it is a member.
    await this.txHost.tx.query(
      `INSERT INTO partnerships (id, name, description, kind) VALUES ($1, $2, $3, $4)`,
      [id, dto.name, dto.description ?? null, dto.kind],
    );
    if (administering) {
      await this.txHost.tx.query(
        `INSERT INTO partnership_members (partnership_id, council_id, role) VALUES ($1, $2, 'administering')`,
        [id, administering],
      );
    }
    const [created] = await this.txHost.tx.query<PartnershipDto[]>(
      `SELECT ${COLUMNS} FROM partnerships p WHERE p.id = $1`,
      [id],
    );
    return created;
  }

  async update(actor: Actor, id: string, dto: UpdatePartnershipDto): Promise<PartnershipDto> {
    const partnership = await this.get(actor, id);
    if (!actor.ability.can('update', asSubject('Partnership', partnership))) {
      throw new ForbiddenException("Only the administering council's admins change a partnership");
    }
    const rows = await this.txHost.tx.query<[{ id: string }[], number]>(
      `UPDATE partnerships SET name = coalesce($2, name), description = coalesce($3, description),
              kind = coalesce($4, kind), status = coalesce($5, status), version = version + 1
        WHERE id = $1 AND version = $6 RETURNING id`,
      [
        id,
        dto.name ?? null,
        dto.description ?? null,
        dto.kind ?? null,
        dto.status ?? null,
        dto.version,
      ],
    );
    if (!rows[0][0]) throw new StaleVersionProblem('partnership');
    return this.get(actor, id);
  }

  /**
   * For each member council: which of its own top priorities the partnership also ranks in
   * its top, and which it does not.
   */
  async alignment(actor: Actor, id: string, top: number): Promise<AlignmentDto> {
    await this.get(actor, id);
    const workstreams = await this.txHost.tx.query<
      { workstreamId: string; title: string; partnershipRank: number | null }[]
    >(
      `SELECT id AS "workstreamId", title, priority_rank AS "partnershipRank"
         FROM workstreams WHERE partnership_id = $1`,
      [id],
    );
    // Each current member with its own ranking of the partnership's workstreams.
    const members = await this.txHost.tx.query<CouncilRanking[]>(
      `SELECT m.council_id AS "councilId", c.name AS "councilName",
              coalesce((SELECT json_agg(json_build_object('workstreamId', p.workstream_id,
                                                          'rank', p.priority_rank))
                          FROM workstream_participants p JOIN workstreams w ON w.id = p.workstream_id
                         WHERE w.partnership_id = $1 AND p.council_id = m.council_id
                           AND p.priority_rank IS NOT NULL), '[]') AS ranks
         FROM partnership_members m JOIN councils c ON c.id = m.council_id
        WHERE m.partnership_id = $1 AND m.left_on IS NULL ORDER BY c.name, c.id`,
      [id],
    );
    return {
      partnershipId: id,
      top,
      partnershipPriorities: partnershipTop(workstreams, top),
      councils: members.map((member) => alignCouncil(workstreams, member, top)),
    };
  }

  async assertCouncilExists(councilId: string, field: string): Promise<void> {
    const rows: unknown[] = await this.txHost.tx.query(`SELECT 1 FROM councils WHERE id = $1`, [
      councilId,
    ]);
    if (!rows.length)
      throw new ValidationProblem([{ field, message: `${field} is not a council` }]);
  }
}
