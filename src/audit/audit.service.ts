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
              actor_user_id AS "actorUserId", actor_council_id AS "actorCouncilId",
              (SELECT c.name FROM councils c WHERE c.id = actor_council_id) AS "actorCouncilName",
              council_id AS "councilId",
              (SELECT c.name FROM councils c WHERE c.id = council_id) AS "councilName",
              action, entity_type AS "entityType", entity_id AS "entityId", before, after,
              request_id AS "requestId"
         FROM audit_events WHERE ${where.join(' AND ')} ORDER BY audit_events.id DESC LIMIT $${params.length}`,
      params,
    );
    const page = pageOf(rows, query.limit, (row) => [row.id]);
    return {
      ...page,
      data: page.data.map((event) => ({
        ...event,
        before: asApiFields(event.entityType, event.before),
        after: asApiFields(event.entityType, event.after),
      })),
    };
  }
}

/**
 * Columns the API answers under another name than their camelCase (the field a client reads
 * on the record itself), by audited table.
 */
const RENAMED: Record<string, Record<string, string>> = {
  workstreams: { current_rag: 'rag' },
  business_cases: { submitted_by: 'submittedByUserId', decided_by: 'decidedByUserId' },
};

/**
 * A stored row (the audited table's columns, as the database keeps it) with the API's field
 * names: `council_id` → `councilId`. Only the row's own keys change; the values, JSON
 * documents included, are as stored.
 */
export function asApiFields(entityType: string, row: unknown): unknown {
  if (row === null || typeof row !== 'object' || Array.isArray(row)) return row;
  const renamed = RENAMED[entityType] ?? {};
  return Object.fromEntries(
    Object.entries(row).map(([column, value]) => [
      renamed[column] ?? column.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  );
}
