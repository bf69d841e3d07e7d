import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { isUuid } from '../common/ids';
import { Page, PageQueryDto, decodeCursor, pageOf } from '../common/pagination';
import { StaleVersionProblem, ValidationProblem } from '../common/problem';
import { assignments } from '../common/sql';
import { asSubject } from '../tenancy/ability';
import { Actor } from '../tenancy/actor';
import { RecordKind, RecordRow } from './record-kinds';
import { WorkstreamAccess, WorkstreamRef } from './workstream-access.service';

/** Fixed columns of a nested record, e.g. the business case a decision is about. */
export type RecordScope = Record<string, string>;

/**
 * The records of a workstream (milestones, key actions, risks, status updates, business
 * cases and decisions, participants, savings and funding lines), one mechanism for all:
 * visible exactly when the workstream is (404 otherwise), changed by whom the record's kind
 * says (403 otherwise), keyset-paginated, and versioned (a stale version is 409).
 */
@Injectable()
export class WorkstreamRecordsService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly access: WorkstreamAccess,
  ) {}

  /** `asOf` (a validated YYYY-MM-DD) reads kinds that depend on a date as they stood then. */
  async list(
    actor: Actor,
    kind: RecordKind,
    workstreamId: string,
    query: PageQueryDto & { asOf?: string },
    scope: RecordScope = {},
  ): Promise<Page<RecordRow>> {
    await this.access.visible(actor, workstreamId);
    const params: unknown[] = [workstreamId];
    const where = ['r.workstream_id = $1', ...this.scoped(scope, params)];
    const after = decodeCursor(
      query.cursor,
      kind.order.key.map(([, value]) => value),
    );
    if (after) {
      const first = params.length + 1;
      params.push(...after);
      where.push(kind.order.after(first));
    }
    let select = kind.select;
    if (query.asOf && kind.selectAsOf) {
      params.push(query.asOf);
      select = kind.selectAsOf(`$${params.length}::date`);
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<RecordRow[]>(
      `SELECT ${select} FROM ${kind.table} r WHERE ${where.join(' AND ')}
        ORDER BY ${kind.order.by} LIMIT $${params.length}`,
      params,
    );
    const page = pageOf(rows, query.limit, (row) => kind.order.key.map(([k]) => String(row[k])));
    return { ...page, data: await this.present(kind, page.data) };
  }

  async get(
    actor: Actor,
    kind: RecordKind,
    workstreamId: string,
    id: string,
    scope: RecordScope = {},
  ): Promise<RecordRow> {
    await this.access.visible(actor, workstreamId);
    return this.find(kind, workstreamId, id, scope);
  }

  async create(
    actor: Actor,
    kind: RecordKind,
    workstreamId: string,
    input: Record<string, unknown>,
    scope: RecordScope = {},
  ): Promise<RecordRow> {
    const workstream = await this.access.visible(actor, workstreamId);
    const owned = kind.councilOwned ? this.ownerCouncil(actor, input) : {};
    this.authorise(actor, kind, 'create', workstream, owned);
    const values: Record<string, unknown> = { ...(kind.prepare?.(input) ?? input), ...owned };
    await kind.check?.(this.txHost.tx, workstream, values, scope);
    const columns = ['workstream_id', ...Object.keys(scope)];
    const params: unknown[] = [workstreamId, ...Object.values(scope)];
    const writable = kind.councilOwned
      ? { ...kind.writable, councilId: 'council_id' }
      : kind.writable;
    for (const [field, column] of Object.entries(writable)) {
      if (values[field] === undefined) continue;
      columns.push(column);
      params.push(values[field]);
    }
    const placeholders = params.map((_, i) => `$${i + 1}`);
    for (const [column, sql] of Object.entries(kind.computed ?? {})) {
      columns.push(column);
      placeholders.push(sql);
    }
    const [{ id }] = await this.txHost.tx.query<{ id: string }[]>(
      `INSERT INTO ${kind.table} (${columns.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id`,
      params,
    );
    return this.find(kind, workstreamId, id, scope);
  }

  async update(
    actor: Actor,
    kind: RecordKind,
    workstreamId: string,
    id: string,
    input: Record<string, unknown> & { version: number },
    scope: RecordScope = {},
  ): Promise<RecordRow> {
    const workstream = await this.access.visible(actor, workstreamId);
    const current = await this.find(kind, workstreamId, id, scope);
    this.authorise(actor, kind, 'update', workstream, current);
    if (current.version !== input.version) throw new StaleVersionProblem(kind.noun);
    const values = kind.prepare?.(input, current) ?? input;
    // The record as it will be: fields the request leaves out keep their stored values.
    const sent = Object.entries(values).filter(([, value]) => value !== undefined);
    await kind.check?.(
      this.txHost.tx,
      workstream,
      { ...current, ...Object.fromEntries(sent) },
      scope,
      current,
    );
    const params: unknown[] = [id, input.version];
    const sets = assignments(values, kind.writable, params);
    const rows = await this.txHost.tx.query<[unknown[], number]>(
      `UPDATE ${kind.table} SET ${[...sets, 'version = version + 1'].join(', ')}
        WHERE id = $1 AND version = $2 RETURNING id`,
      params,
    );
    if (!rows[0].length) throw new StaleVersionProblem(kind.noun);
    return this.find(kind, workstreamId, id, scope);
  }

  /**
   * A council acts for itself: records it keeps are its own, and naming another council is
   * 403. A platform admin names the council it acts for (the record then says so).
   */
  private ownerCouncil(actor: Actor, input: Record<string, unknown>): { councilId: string } {
    if (
      actor.role !== 'platform_admin' &&
      input.councilId !== undefined &&
      input.councilId !== actor.councilId
    ) {
      throw new ForbiddenException(
        'A council records only its own participation, decisions and savings',
      );
    }
    const councilId = actor.role === 'platform_admin' ? input.councilId : actor.councilId;
    if (typeof councilId !== 'string') {
      throw new ValidationProblem([{ field: 'councilId', message: 'councilId is required' }]);
    }
    return { councilId };
  }

  private authorise(
    actor: Actor,
    kind: RecordKind,
    action: 'create' | 'update',
    workstream: WorkstreamRef,
    record: Record<string, unknown>,
  ): void {
    const allowed = kind.councilOwned
      ? actor.ability.can(
          action,
          asSubject(kind.councilOwned.subject, { councilId: record.councilId }),
        )
      : actor.ability.can(action, asSubject('WorkstreamChild', workstream));
    if (!allowed) {
      throw new ForbiddenException(
        kind.councilOwned
          ? `Each council changes only its own ${kind.noun}s`
          : `Only the lead authorities' officers and admins change this workstream's ${kind.noun}s`,
      );
    }
  }

  private scoped(scope: RecordScope, params: unknown[]): string[] {
    return Object.entries(scope).map(([column, value]) => {
      params.push(value);
      return `r.${column} = $${params.length}`;
    });
  }

  private async find(
    kind: RecordKind,
    workstreamId: string,
    id: string,
    scope: RecordScope,
  ): Promise<RecordRow> {
    const params: unknown[] = [id, workstreamId];
    const where = ['r.id = $1', 'r.workstream_id = $2', ...this.scoped(scope, params)];
    const rows = [id, ...Object.values(scope)].every(isUuid)
      ? await this.txHost.tx.query<RecordRow[]>(
          `SELECT ${kind.select} FROM ${kind.table} r WHERE ${where.join(' AND ')}`,
          params,
        )
      : [];
    if (!rows[0]) throw new NotFoundException(`No ${kind.noun} with that id in this workstream`);
    const [row] = await this.present(kind, rows);
    return row;
  }

  private async present(kind: RecordKind, rows: RecordRow[]): Promise<RecordRow[]> {
    return kind.present ? kind.present(this.txHost.tx, rows) : rows;
  }
}
