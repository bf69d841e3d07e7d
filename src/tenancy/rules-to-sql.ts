/**
 * Turns the caller's CASL rules for (action, subject) into a SQL condition, so a list
 * filters and paginates in the database (docs/access-rules.md, layer 2). Supports the condition forms
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

const isList = (value: unknown): value is { $in: unknown[] } =>
  typeof value === 'object' && value !== null && '$in' in value;

function conditionSql(
  conditions: Conditions,
  columns: Record<string, string>,
  params: unknown[],
): string {
  const parts = Object.entries(conditions).map(([field, value]) => {
    const column = columns[field];
    if (!column) throw new Error(`No column mapped for the policy field "${field}"`);
    if (value === null) return `${column} IS NULL`;
    if (isList(value)) {
      params.push(value.$in);
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
  const arms = accessArms(ability, action, subject, columns);
  if (!arms) return null;
  const params: unknown[] = new Array<unknown>(firstParam - 1);
  const sql = `(${arms.map((arm) => arm.sql(params)).join(' OR ')})`;
  return { sql, params: params.slice(firstParam - 1) };
}

/**
 * One arm of the caller's rules for (action, subject): their OR is `accessCondition`'s. An
 * arm that limits a column to a list of ids says so (`each`), so that a list ordered by an
 * index on (that column, its order) can read one short ordered range per id instead of every
 * row the arm allows.
 */
export interface AccessArm {
  /** Pushes the arm's values onto `params` and answers its condition. */
  sql(params: unknown[]): string;
  each?: {
    column: string;
    ids: unknown[];
    /** The arm's other conditions, rendered as `sql` does. */
    rest(params: unknown[]): string;
  };
}

/** The arms of the caller's rules; `null` when the caller may see none. */
export function accessArms(
  ability: AppAbility,
  action: Action,
  subject: SubjectName,
  columns: Record<string, string>,
): AccessArm[] | null {
  // A list returns whole records, so only rules that grant every field decide its rows; a
  // field-level rule (such as partners reading a lead officer's name) does not.
  const whole = createMongoAbility<AppAbility>(ability.rules.filter((rule) => !rule.fields));
  const query = rulesToQuery(whole, action, subject, (rule) =>
    rule.inverted ? { $not: rule.conditions } : rule.conditions,
  );
  if (query === null) return null;
  const q = query as { $or?: Conditions[]; $and?: { $not: Conditions }[] };
  const render = (conditions: Conditions) => (params: unknown[]) =>
    [conditionSql(conditions, columns, params)]
      .concat((q.$and ?? []).map((c) => `NOT ${conditionSql(c.$not, columns, params)}`))
      .join(' AND ');
  return (q.$or ?? [{}]).map((conditions): AccessArm => {
    const listed = Object.entries(conditions).filter(([, value]) => isList(value));
    if (listed.length !== 1) return { sql: render(conditions) };
    const [field, value] = listed[0] as [string, { $in: unknown[] }];
    const others = Object.fromEntries(Object.entries(conditions).filter(([f]) => f !== field));
    const column = columns[field];
    if (!column) throw new Error(`No column mapped for the policy field "${field}"`);
    return { sql: render(conditions), each: { column, ids: value.$in, rest: render(others) } };
  });
}
