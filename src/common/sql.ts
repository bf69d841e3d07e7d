/** A date column as `YYYY-MM-DD` (README, API conventions). */
export function isoDate(column: string, alias: string): string {
  return `to_char(${column}, 'YYYY-MM-DD') AS "${alias}"`;
}

/** Today in the councils' own time zone: the date jobs and schedules compare with. */
export const LONDON_TODAY = `(now() AT TIME ZONE 'Europe/London')::date`;

/** A timestamptz column as ISO 8601 UTC to the microsecond, so a keyset cursor holds the exact value (README, API conventions). */
export function isoTimestamp(column: string, alias: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "${alias}"`;
}

/**
 * `column = $n` for each field present in `changes` (null included, undefined skipped),
 * pushing the values onto `params`. Only mapped fields are written.
 */
export function assignments(
  changes: object,
  columns: Record<string, string>,
  params: unknown[],
): string[] {
  return Object.entries(changes)
    .filter(([field, value]) => value !== undefined && field in columns)
    .map(([field, value]) => {
      params.push(value);
      return `${columns[field]} = $${params.length}`;
    });
}

/**
 * Each open request transaction's today, by its EntityManager, as its settings statement
 * answered it (src/tenancy/tenant-transaction.adapter.ts).
 */
export const transactionToday = new WeakMap<object, string>();

/**
 * The database's today as `YYYY-MM-DD`: one clock for every date the service records. In a
 * request's transaction, the date its settings statement answered (the same `current_date`).
 */
export async function databaseToday(tx: {
  query: <T>(sql: string) => Promise<T>;
}): Promise<string> {
  const today = transactionToday.get(tx);
  if (today) return today;
  const [row] = await tx.query<{ today: string }[]>(
    `SELECT to_char(current_date, 'YYYY-MM-DD') AS today`,
  );
  return row.today;
}

/** The fields of `value` that were given (undefined ones left out), for merging a partial update. */
export function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
