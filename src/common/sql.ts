/** A timestamptz column as ISO 8601 UTC with milliseconds (DESIGN.md, API conventions). */
export function isoTimestamp(column: string, alias: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "${alias}"`;
}
