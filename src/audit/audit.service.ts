import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { Page, decodeCursor, pageOf } from '../common/pagination';
import { isoTimestamp } from '../common/sql';
import { Actor } from '../tenancy/actor';
import { accessCondition } from '../tenancy/rules-to-sql';
import type { AuditEventDto, AuditQueryDto } from './dto/audit.dto';

const FILTERS: [keyof AuditQueryDto, string][] = [
  ['entityType', 'entity_type'],
  ['entityId', 'entity_id'],
  ['actorUserId', 'actor_user_id'],
  ['action', 'action'],
];

/** Audit events are written by the database trigger `audit_row()`; here they are only read. */
@Injectable()
export class AuditService {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  async list(actor: Actor, query: AuditQueryDto): Promise<Page<AuditEventDto>> {
    const visible = accessCondition(actor.ability, 'read', 'AuditEvent', {
      councilId: 'council_id',
    });
    if (!visible) return { data: [], nextCursor: null };
    const params = [...visible.params];
    const where = [visible.sql];
    for (const [field, column] of FILTERS) {
      const value = query[field];
      if (value !== undefined) {
        params.push(value);
        where.push(`${column} = $${params.length}`);
      }
    }
    const after = decodeCursor(query.cursor, ['integer']);
    if (after) {
      params.push(after[0]);
      where.push(`id < $${params.length}::bigint`);
    }
    params.push(query.limit + 1);
    const rows = await this.txHost.tx.query<AuditEventDto[]>(
      `SELECT id::text, ${isoTimestamp('occurred_at', 'occurredAt')},
              actor_user_id AS "actorUserId", actor_council_id AS "actorCouncilId", council_id AS "councilId",
              action, entity_type AS "entityType", entity_id AS "entityId", before, after,
              request_id AS "requestId"
         FROM audit_events WHERE ${where.join(' AND ')} ORDER BY audit_events.id DESC LIMIT $${params.length}`,
      params,
    );
    return pageOf(rows, query.limit, (row) => [row.id]);
  }
}
