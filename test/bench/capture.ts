/**
 * The SQL the service sends for a request, captured from the service itself (see
 * bench/capture-sql.ts), and turned into a pgbench script.
 */
import { readFileSync, writeFileSync } from 'node:fs';
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

/** A pgbench script and the variables it binds (`pgbench -M prepared -D name=value`). */
export interface PgbenchScript {
  script: string;
  variables: Record<string, string>;
}

/** A string literal, with its doubled quotes. */
const LITERAL = /'(?:[^']|'')*'/g;

/**
 * The statements one role sent, as a pgbench script for `-M prepared`, sent as the service
 * sends them: each statement prepared once per connection and executed with its values as
 * bind parameters (pgbench variables, sent untyped as pg sends them; the service roles plan
 * each execution for its values, `plan_cache_mode = force_custom_plan`, so pgbench's
 * connections do too), and a `START TRANSACTION` pipelined with the statement it travelled
 * with, before one Sync, as src/database/begin-with.ts sends it. A string literal that holds
 * a colon (to_char's formats) is bound as a variable too, since pgbench reads `:MI` as one; a
 * parameter in its place means the same to PostgreSQL.
 */
export function pgbenchScript(statements: CapturedStatement[], user: string): PgbenchScript {
  const mine = statements.filter((s) => s.user === user);
  if (!mine.length) throw new Error(`no statements of ${user} were captured`);
  const variables: Record<string, string> = {};
  let next = 0;
  const bind = (value: string) => {
    if (/[\n\0]/.test(value)) {
      throw new Error('a captured value holds a line break, which pgbench -D cannot pass');
    }
    const name = `v${++next}`;
    variables[name] = value;
    return `:${name}`;
  };
  const commands = mine.map((s) => {
    const bound = new Map<string, string>();
    const text = s.text
      .replace(LITERAL, (literal) =>
        literal.includes(':') ? bind(literal.slice(1, -1).replace(/''/g, "'")) : literal,
      )
      .replace(/\$(\d+)/g, (_, n: string) => {
        const value = s.values[Number(n) - 1];
        if (value === null || value === undefined) return 'NULL';
        if (value === '') return "''"; // pgbench -D takes no empty value; an untyped '' is the same
        if (!bound.has(n)) bound.set(n, bind(value));
        return bound.get(n)!;
      })
      .replace(/\s*;?\s*$/, '')
      .replace(/\s*\n\s*/g, ' ');
    return s.begins
      ? `\\startpipeline\nSTART TRANSACTION;\n${text};\n\\endpipeline\n`
      : `${text};\n`;
  });
  return { script: commands.join(''), variables };
}
