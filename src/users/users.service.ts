import { isUuid } from '../common/ids';
import {
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { isoTimestamp } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import { accessCondition } from '../tenancy/rules-to-sql';
import { CreateUserDto, UpdateUserDto, UserDto } from './dto/user.dto';
import { InvitationsService } from './invitations.service';

const COLUMNS = `id, council_id AS "councilId", email, name, job_title AS "jobTitle", role, status, version,
  ${isoTimestamp('created_at', 'createdAt')}, ${isoTimestamp('updated_at', 'updatedAt')}`;
const POLICY_COLUMNS = { councilId: 'council_id', role: 'role', id: 'id' };

@Injectable()
export class UsersService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly invitations: InvitationsService,
  ) {}

  /** Users the caller may read, oldest first (ties by id), keyset-paginated in SQL. */
  async list(actor: Actor, query: PageQueryDto): Promise<Page<UserDto>> {
    const visible = accessCondition(actor.ability, 'read', 'User', POLICY_COLUMNS);
    if (!visible) return { data: [], nextCursor: null };
    const params = [...visible.params];
    let where = visible.sql;
    const after = decodeCursor(query.cursor, ['timestamp', 'uuid']);
    if (after) {
      params.push(after[0], after[1]);
      where += ` AND (created_at, id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    params.push(query.limit + 1);
    const rows: UserDto[] = await this.txHost.tx.query(
      `SELECT ${COLUMNS} FROM users WHERE ${where} ORDER BY created_at, id LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.createdAt, row.id]);
  }

  /** A user the caller may not see is 404, whether or not it exists. */
  async get(actor: Actor, id: string): Promise<UserDto> {
    const rows = isUuid(id)
      ? await this.txHost.tx.query<UserDto[]>(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id])
      : [];
    const user = rows[0];
    if (!user || !actor.ability.can('read', asSubject('User', user))) {
      throw new NotFoundException('No user with that id');
    }
    return user;
  }

  /** An invited user: a one-time invitation mailed to them sets their password. */
  async create(actor: Actor, dto: CreateUserDto): Promise<UserDto> {
    const user = await this.insert(actor, dto, null);
    await this.invitations.invite(user);
    return user;
  }

  /** An active user with a password already hashed: the operator CLI's way in. */
  createActive(actor: Actor, dto: CreateUserDto, passwordHash: string): Promise<UserDto> {
    return this.insert(actor, dto, passwordHash);
  }

  private async insert(
    actor: Actor,
    dto: CreateUserDto,
    passwordHash: string | null,
  ): Promise<UserDto> {
    const councilId = dto.role === 'platform_admin' ? null : (dto.councilId ?? actor.councilId);
    const draft = asSubject('User', { councilId, role: dto.role });
    if (!actor.ability.can('create', draft)) {
      throw new ForbiddenException(
        'You may create users only in your own council, and never platform admins',
      );
    }
    if (!councilId && dto.role !== 'platform_admin') {
      throw new ValidationProblem([
        { field: 'councilId', message: 'a council user needs the council they work for' },
      ]);
    }
    // Emails are unique in their normal form (src/common/email.ts); the index answers for
    // councils the caller cannot see.
    const [user] = await this.txHost.tx.query<UserDto[]>(
      `INSERT INTO users (council_id, email, name, job_title, role, status, password_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (email) DO NOTHING RETURNING ${COLUMNS}`,
      [
        councilId,
        dto.email,
        dto.name,
        dto.jobTitle ?? null,
        dto.role,
        passwordHash ? 'active' : 'invited',
        passwordHash,
      ],
    );
    if (!user) throw new ConflictException(`A user with the email ${dto.email} already exists`);
    return user;
  }

  async update(actor: Actor, id: string, dto: UpdateUserDto): Promise<UserDto> {
    const user = await this.get(actor, id);
    if (!actor.ability.can('update', asSubject('User', user))) {
      throw new ForbiddenException('Only your council admins may manage its users');
    }
    if (dto.role && !actor.ability.can('update', asSubject('User', { ...user, role: dto.role }))) {
      throw new ForbiddenException('You may not grant that role');
    }
    if (user.version !== dto.version) throw new StaleVersionProblem('user');
    if (user.status === 'invited' && dto.status === 'active') {
      throw new ConflictException('An invited user becomes active by accepting their invitation');
    }
    const losesAdmin =
      user.role === 'council_admin' &&
      user.status === 'active' &&
      ((dto.role && dto.role !== 'council_admin') || (dto.status && dto.status !== 'active'));
    if (losesAdmin) await this.assertAnotherActiveAdmin(user);
    const rows = await this.txHost.tx.query<[UserDto[], number]>(
      `UPDATE users SET name = coalesce($2, name), job_title = coalesce($3, job_title),
              role = coalesce($4, role), status = coalesce($5, status), version = version + 1
        WHERE id = $1 AND version = $6 RETURNING ${COLUMNS}`,
      [
        id,
        dto.name ?? null,
        dto.jobTitle ?? null,
        dto.role ?? null,
        dto.status ?? null,
        dto.version,
      ],
    );
    const updated = rows[0][0];
    if (!updated) throw new StaleVersionProblem('user');
    // A user who stops being active loses every session at once, by trigger (users_sessions_end).
    return updated;
  }

  /** A council must keep at least one active admin. */
  private async assertAnotherActiveAdmin(user: UserDto): Promise<void> {
    const others: unknown[] = await this.txHost.tx.query(
      `SELECT 1 FROM users WHERE council_id = $1 AND role = 'council_admin' AND status = 'active' AND id <> $2
       FOR UPDATE`,
      [user.councilId, user.id],
    );
    if (!others.length)
      throw new ConflictException('A council must keep at least one active council admin');
  }
}
