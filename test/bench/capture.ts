/**
 * The SQL the service sends for a request, captured from the service itself (see
 * bench/capture-sql.ts), and turned into a pgbench script.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { escapeLiteral } from 'pg';
import type { CapturedStatement } from '../../bench/capture-sql';

/** Makes one request with the capture header; answers its body and the statements it sent. */
export async function capture(
  captureFile: string,
  url: string,
  headers: Record<string, string>,
): Promise<{ body: string; statements: CapturedStatement[] }> {
  writeFileSync(captureFile, '');
  const response = await fetch(url, { headers: { ...headers, 'x-bench-capture': '1' } });
  const body = await response.text();
  if (!response.ok) throw new Error(`capture of ${url}: ${response.status} ${body}`);
  const statements = readFileSync(captureFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as CapturedStatement);
  if (!statements.length) throw new Error(`capture of ${url}: no SQL was recorded`);
  return { body, statements };
}

/**
 * A statement with its values inlined as quoted literals. A literal without a cast has type
 * "unknown", which PostgreSQL resolves exactly as it resolves an untyped bind parameter (pg
 * sends every parameter untyped), so the statement means what the service's did.
 */
export function inline(statement: CapturedStatement): string {
  return statement.text.replace(/\$(\d+)/g, (_, n: string) => {
    const value = statement.values[Number(n) - 1];
    return value === null || value === undefined ? 'NULL' : escapeLiteral(value);
  });
}

/** The statements one role sent, as a pgbench script (one statement per command). */
export function pgbenchScript(statements: CapturedStatement[], user: string): string {
  const mine = statements.filter((s) => s.user === user);
  if (!mine.length) throw new Error(`no statements of ${user} were captured`);
  return mine
    .map((s) => `${s.begins ? 'START TRANSACTION;\n' : ''}${inline(s).replace(/\s*;?\s*$/, '')};\n`)
    .join('');
}
