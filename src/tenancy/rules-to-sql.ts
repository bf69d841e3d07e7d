/**
 * Turns the caller's CASL rules for (action, subject) into a SQL condition, so a list
 * filters and paginates in the database (DESIGN.md, layer 2). Supports the condition forms
 * our policies use: equality, `$in`, `$ne`, null; inverted rules become NOT (...).
 */
import { createMongoAbility } from '@casl/ability';
import { rulesToQuery } from '@casl/ability/extra';
import { Action, AppAbility, SubjectName } from './ability';

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

type Conditions = Record<string, unknown>;

function conditionSql(
  conditions: Conditions,
  columns: Record<string, string>,
  params: unknown[],
): string {
  const parts = Object.entries(conditions).map(([field, value]) => {
    const column = columns[field];
    if (!column) throw new Error(`No column mapped for the policy field "${field}"`);
    if (value === null) return `${column} IS NULL`;
    if (typeof value === 'object' && value !== null && '$in' in value) {
      params.push((value as { $in: unknown[] }).$in);
      return `${column} = ANY($${params.length})`;
    }
    if (typeof value === 'object' && value !== null && '$ne' in value) {
      params.push(value.$ne);
      return `${column} IS DISTINCT FROM $${params.length}`;
    }
    params.push(value);
    return `${column} = $${params.length}`;
  });
  return parts.length ? `(${parts.join(' AND ')})` : 'TRUE';
}

/**
 * `null` when the caller may see none; otherwise a condition with positional parameters
 * numbered from `firstParam`.
 */
export function accessCondition(
  ability: AppAbility,
  action: Action,
  subject: SubjectName,
  columns: Record<string, string>,
  firstParam = 1,
): SqlCondition | null {
  // A list returns whole records, so only rules that grant every field decide its rows; a
  // field-level rule (such as partners reading a lead officer's name) does not.
  const whole = createMongoAbility<AppAbility>(ability.rules.filter((rule) => !rule.fields));
  const query = rulesToQuery(whole, action, subject, (rule) =>
    rule.inverted ? { $not: rule.conditions } : rule.conditions,
  );
  if (query === null) return null;
  const params: unknown[] = new Array<unknown>(firstParam - 1);
  const q = query as { $or?: Conditions[]; $and?: { $not: Conditions }[] };
  const allowed = q.$or
    ? `(${q.$or.map((c) => conditionSql(c, columns, params)).join(' OR ')})`
    : 'TRUE';
  const denied = (q.$and ?? []).map((c) => `NOT ${conditionSql(c.$not, columns, params)}`);
  return { sql: [allowed, ...denied].join(' AND '), params: params.slice(firstParam - 1) };
}
