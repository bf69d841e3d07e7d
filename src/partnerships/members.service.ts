import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { Page, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { databaseToday } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import {
  AddMemberDto,
  MemberDto,
  MemberQueryDto,
  PartnershipDto,
  EndAdministrationDto,
  PassAdministrationDto,
  UpdateMemberDto,
} from './dto/partnership.dto';
import { PartnershipsService } from './partnerships.service';

const COLUMNS = `m.id, m.partnership_id AS "partnershipId", m.council_id AS "councilId",
  c.name AS "councilName", m.role, (m.role = 'chair' OR m.chairs) AS chair,
  to_char(m.joined_on, 'YYYY-MM-DD') AS "joinedOn",
  to_char(m.left_on, 'YYYY-MM-DD') AS "leftOn", m.version`;
const FROM = `partnership_members m JOIN councils c ON c.id = m.council_id`;

/**
 * A partnership's member councils. A row is one period of one council in one role; ending a
 * membership or passing the administering role closes rows rather than deleting them, so the
 * history ("chaired and administered by West Dunbartonshire Council during 2010") is kept.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly partnerships: PartnershipsService,
  ) {}

  /** Current members by default, or every period with `current=false`; by joining date. */
  async list(actor: Actor, partnershipId: string, query: MemberQueryDto): Promise<Page<MemberDto>> {
    await this.partnerships.get(actor, partnershipId);
    const params: unknown[] = [partnershipId];
    let where = 'm.partnership_id = $1';
    if (query.current !== 'false') where += ' AND m.left_on IS NULL';
    const after = decodeCursor(query.cursor, ['date', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (m.joined_on, m.id) > ($${params.length - 1}::date, $${params.length}::uuid)`;
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<MemberDto[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where} ORDER BY m.joined_on, m.id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.joinedOn, row.id]);
  }

  async add(actor: Actor, partnershipId: string, dto: AddMemberDto): Promise<MemberDto> {
    const partnership = await this.manageable(actor, partnershipId);
    await this.partnerships.assertCouncilExists(dto.councilId, 'councilId');
    if (await this.current(partnership.id, dto.councilId)) {
      throw new ConflictException('That council is already a member of this partnership');
    }
    const [row] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO partnership_members (partnership_id, council_id, role, joined_on)
       VALUES ($1, $2, $3, coalesce($4::date, current_date)) RETURNING id`,
      [partnershipId, dto.councilId, dto.role ?? 'member', dto.joinedOn ?? null],
    );
    return this.get(row.id);
  }

  async update(
    actor: Actor,
    partnershipId: string,
    memberId: string,
    dto: UpdateMemberDto,
  ): Promise<MemberDto> {
    // Not a member of this partnership (or not one the caller may see): 404 before 403.
    const member = await this.visibleMember(actor, partnershipId, memberId);
    await this.manageable(actor, partnershipId);
    if (member.version !== dto.version) throw new StaleVersionProblem('membership');
    if (member.role === 'administering' && (dto.role || dto.leftOn)) {
      throw new ConflictException(
        'Pass the administering role to another member council, or end it, before changing this membership',
      );
    }
    if (dto.leftOn && dto.leftOn < member.joinedOn) {
      throw new ValidationProblem([{ field: 'leftOn', message: 'leftOn is before joinedOn' }]);
    }
    // The administering council chairs as well, or not; any other member is a chair or a member.
    const role =
      member.role === 'administering' || dto.chair === undefined
        ? dto.role
        : dto.chair
          ? 'chair'
          : 'member';
    if (dto.role && role !== dto.role) {
      throw new ValidationProblem([{ field: 'chair', message: 'chair contradicts role' }]);
    }
    const chairs = member.role === 'administering' ? (dto.chair ?? null) : false;
    if (dto.leftOn && !member.leftOn) await this.assertLeadsNothing(partnershipId, member);
    const rows = await this.txHost.tx.query<[{ id: string }[], number]>(
      `UPDATE partnership_members SET role = coalesce($2, role), left_on = coalesce($3::date, left_on),
              chairs = coalesce($5, chairs), version = version + 1
        WHERE id = $1 AND version = $4 RETURNING id`,
      [memberId, role ?? null, dto.leftOn ?? null, dto.version, chairs],
    );
    if (!rows[0][0]) throw new StaleVersionProblem('membership');
    return this.get(memberId);
  }

  /**
   * A lead authority cannot just walk away: while a council leads workstreams of the
   * partnership that are not closed, its membership does not end (409 naming them).
   */
  private async assertLeadsNothing(partnershipId: string, member: MemberDto): Promise<void> {
    const led = await this.txHost.tx.query<{ id: string; title: string }[]>(
      `SELECT id, title FROM workstreams
        WHERE partnership_id = $1 AND $2 = ANY (lead_council_ids) AND phase <> 'closed'
        ORDER BY title, id`,
      [partnershipId, member.councilId],
    );
    if (led.length) {
      throw new ConflictException({
        message: `The council leads ${led.length} workstream(s) of this partnership (${led
          .map((w) => w.title)
          .join('; ')}); hand the lead over before its membership ends`,
        workstreamIds: led.map((w) => w.id),
      });
    }
  }

  /** Ends a current membership today; the row stays as history. */
  async remove(actor: Actor, partnershipId: string, memberId: string): Promise<void> {
    const member = await this.visibleMember(actor, partnershipId, memberId);
    await this.manageable(actor, partnershipId);
    if (member.leftOn) return;
    await this.update(actor, partnershipId, memberId, {
      leftOn: await databaseToday(this.txHost.tx),
      version: member.version,
    });
  }

  /**
   * Passes the administering role to another current member from a date: the old
   * administering council becomes a plain member, and both councils' earlier rows close on
   * that date. The new rows are written first, while the caller still administers; the
   * one-current-row constraints are checked at commit.
   */
  async passAdministration(
    actor: Actor,
    partnershipId: string,
    dto: PassAdministrationDto,
  ): Promise<MemberDto> {
    await this.lockForHandOver(partnershipId);
    await this.manageable(actor, partnershipId);
    const incoming = await this.current(partnershipId, dto.councilId);
    if (!incoming) {
      throw new ValidationProblem([
        { field: 'councilId', message: 'councilId is not a current member of this partnership' },
      ]);
    }
    if (incoming.role === 'administering') {
      throw new ConflictException('That council already administers this partnership');
    }
    const outgoing = (
      await this.txHost.tx.query<MemberDto[]>(
        `SELECT ${COLUMNS} FROM ${FROM}
          WHERE m.partnership_id = $1 AND m.role = 'administering' AND m.left_on IS NULL`,
        [partnershipId],
      )
    )[0];
    const from = dto.from ?? (await databaseToday(this.txHost.tx));
    if ([incoming, outgoing].some((row) => row && from < row.joinedOn)) {
      throw new ValidationProblem([
        { field: 'from', message: 'from is before a current membership began' },
      ]);
    }
    const created = await this.recast(incoming, from, 'administering', dto.chair ?? false);
    if (outgoing) await this.recast(outgoing, from, 'member', false);
    return this.get(created);
  }

  /**
   * Ends the administering role on a date without naming a successor yet: the council stays a
   * plain member, and until another council is given the role only platform admins manage the
   * partnership.
   */
  async endAdministration(
    actor: Actor,
    partnershipId: string,
    dto: EndAdministrationDto,
  ): Promise<MemberDto> {
    await this.lockForHandOver(partnershipId);
    await this.manageable(actor, partnershipId);
    const [outgoing] = await this.txHost.tx.query<MemberDto[]>(
      `SELECT ${COLUMNS} FROM ${FROM}
        WHERE m.partnership_id = $1 AND m.role = 'administering' AND m.left_on IS NULL`,
      [partnershipId],
    );
    if (!outgoing) throw new ConflictException('No council administers this partnership now');
    const on = dto.on ?? (await databaseToday(this.txHost.tx));
    if (on < outgoing.joinedOn) {
      throw new ValidationProblem([{ field: 'on', message: 'on is before the role began' }]);
    }
    return this.get(await this.recast(outgoing, on, 'member', false));
  }

  /**
   * A current membership in a new role from a date: the row closes on that date and a new one
   * opens (the history keeps both), or, when the row began that very day, the row itself takes
   * the new role, so no row lasts zero days. New rows come first; the one-current-row
   * constraints are checked at commit.
   */
  private async recast(
    row: MemberDto,
    from: string,
    role: string,
    chairs: boolean,
  ): Promise<string> {
    if (row.joinedOn === from) {
      await this.changeAsRead(row, 'role = $3, chairs = $4', [role, chairs]);
      return row.id;
    }
    const [created] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO partnership_members (partnership_id, council_id, role, chairs, joined_on)
       VALUES ($1, $2, $3, $4, $5::date) RETURNING id`,
      [row.partnershipId, row.councilId, role, chairs, from],
    );
    await this.changeAsRead(row, 'left_on = $3::date', [from]);
    return created.id;
  }

  /**
   * A hand-over (or the end of the role) at a time: the partnership's row is locked before the
   * memberships are read, so a second hand-over sent at the same moment waits, then reads what
   * the first committed (the role already passed: 409; the caller no longer administers: 403)
   * instead of passing the role again on top of it. The lock is not the access check: a caller
   * the row's policy refuses locks nothing and is refused by `manageable`.
   */
  private async lockForHandOver(partnershipId: string): Promise<void> {
    if (!isUuid(partnershipId)) return;
    await this.txHost.tx.query(`SELECT 1 FROM partnerships WHERE id = $1 FOR NO KEY UPDATE`, [
      partnershipId,
    ]);
  }

  /** Changes a membership row as it was read; one changed since by anyone else is 409. */
  private async changeAsRead(row: MemberDto, sets: string, values: unknown[]): Promise<void> {
    const rows = await this.txHost.tx.query<[unknown[], number]>(
      `UPDATE partnership_members SET ${sets}, version = version + 1
        WHERE id = $1 AND version = $2 RETURNING id`,
      [row.id, row.version, ...values],
    );
    if (!rows[0].length) throw new StaleVersionProblem('membership');
  }

  /** A membership row of a partnership the caller may see, or 404. */
  private async visibleMember(
    actor: Actor,
    partnershipId: string,
    memberId: string,
  ): Promise<MemberDto> {
    await this.partnerships.get(actor, partnershipId);
    return this.find(partnershipId, memberId);
  }

  private async manageable(actor: Actor, partnershipId: string): Promise<PartnershipDto> {
    const partnership = await this.partnerships.get(actor, partnershipId);
    if (!actor.ability.can('update', asSubject('PartnershipMember', partnership))) {
      throw new ForbiddenException("Only the administering council's admins manage its members");
    }
    return partnership;
  }

  private async current(partnershipId: string, councilId: string): Promise<MemberDto | undefined> {
    const rows = await this.txHost.tx.query<MemberDto[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE m.partnership_id = $1 AND m.council_id = $2 AND m.left_on IS NULL`,
      [partnershipId, councilId],
    );
    return rows[0];
  }

  private async find(partnershipId: string, memberId: string): Promise<MemberDto> {
    const rows = isUuid(memberId)
      ? await this.txHost.tx.query<MemberDto[]>(
          `SELECT ${COLUMNS} FROM ${FROM} WHERE m.id = $1 AND m.partnership_id = $2`,
          [memberId, partnershipId],
        )
      : [];
    if (!rows[0]) throw new NotFoundException('No member with that id in this partnership');
    return rows[0];
  }

  private async get(id: string): Promise<MemberDto> {
    const [row] = await this.txHost.tx.query<MemberDto[]>(
      `SELECT ${COLUMNS} FROM ${FROM} WHERE m.id = $1`,
      [id],
    );
    return row;
  }
}
