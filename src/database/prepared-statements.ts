/**
 * A request's parameterised statements as named prepared statements (README, Performance).
 *
 * pg sends a statement with values as an unnamed Parse, so PostgreSQL parses, analyses and
 * rewrites it (row-level security adds its policies here) every time. Named, each connection
 * does that once per statement. The service roles plan every execution afresh for its values
 * (`plan_cache_mode = force_custom_plan`, src/database/database-urls.ts): a generic plan made
 * the list's page 1.5 ms cheaper but the dashboard 2.5 times dearer, and plan quality must
 * not depend on how often a statement ran.
 *
 * The name is a digest of the text, so every process and connection agrees on it. A text is
 * named once it has been used NAME_AFTER times, and at most MAX_NAMED texts per process (each
 * is held by every connection that runs it); the rest go unnamed. A statement whose prepared plan no longer fits its result after a
 * migration (`cached plan must not change result type`) goes unnamed from then on, and the
 * request's transaction, rolled back, starts over once (RequestTransactionInterceptor).
 *
 * Behind PgBouncer in transaction mode, a named statement prepared on one server connection
 * is unknown on the next: PgBouncer 1.21 and later track them (`max_prepared_statements`),
 * older ones need DATABASE_PREPARED_STATEMENTS=false.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';

/** Distinct texts named per process: each is parsed and kept by every connection that runs it. */
export const MAX_NAMED = 128;
/** A text is named from its NAME_AFTER-th use, so that the statements named are the hot ones. */
export const NAME_AFTER = 3;
/** Texts counted towards NAME_AFTER at most; the count starts again when full. */
const MAX_COUNTED = 1000;

/** Named texts, and texts that may never be named again (null). */
const names = new Map<string, string | null>();
const uses = new Map<string, number>();

/** The name `text` is prepared under, or undefined when it goes unnamed (this time). */
export function statementName(text: string): string | undefined {
  const name = names.get(text);
  if (name !== undefined) return name ?? undefined;
  if (names.size >= MAX_NAMED) return undefined;
  const used = (uses.get(text) ?? 0) + 1;
  if (used < NAME_AFTER) {
    if (uses.size >= MAX_COUNTED) uses.clear();
    uses.set(text, used);
    return undefined;
  }
  uses.delete(text);
  const named = `jwh_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`;
  names.set(text, named);
  return named;
}

/** PostgreSQL's refusal of a prepared plan that a migration changed the result of. */
export function isStalePlan(error: unknown): boolean {
  const pg = error as { code?: string; message?: string; driverError?: unknown } | undefined;
  if (pg?.driverError) return isStalePlan(pg.driverError);
  return pg?.code === '0A000' && /cached plan must not change result type/.test(pg.message ?? '');
}

const PATCHED = Symbol('jwh.preparedStatements');

type Query = (this: PoolClient, ...args: unknown[]) => unknown;

/**
 * Makes `client.query(text, values)` (as TypeORM calls it) send a named statement. Done once
 * per connection; statements without values (BEGIN, COMMIT) keep the simple protocol.
 */
export function preparedStatements(client: PoolClient): void {
  const patched = client as PoolClient & { [PATCHED]?: true };
  if (patched[PATCHED]) return;
  patched[PATCHED] = true;
  // pg's own `query`, looked up on each call, so that what wraps it later still sees every call.
  const proto = Object.getPrototypeOf(client) as { query: Query };
  (client as unknown as { query: Query }).query = function (this: PoolClient, ...args) {
    const [text, values] = args;
    const name =
      typeof text === 'string' && Array.isArray(values) && values.length > 0 && args.length === 2
        ? statementName(text)
        : undefined;
    if (!name) return proto.query.apply(this, args);
    return (proto.query.call(this, { name, text, values }) as Promise<unknown>).catch(
      (error: unknown) => {
        if (isStalePlan(error)) names.set(text as string, null);
        throw error;
      },
    );
  };
}
