import { parse } from 'csv-parse/sync';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Rows of mySociety's register of UK local authorities (MIT, (c) 2021 mySociety), in the
 * column order of `local_authorities`. The CSV sits beside this file in the sources and is
 * found from the compiled file too.
 */
export function loadRegister(): (string | boolean | null)[][] {
  const candidates = [
    join(__dirname, 'uk_local_authorities.csv'),
    join(__dirname, '..', '..', '..', 'migrations', 'data', 'uk_local_authorities.csv'),
  ];
  const file = candidates.find((path) => existsSync(path));
  if (!file) throw new Error(`The register of local authorities is missing (${candidates[0]})`);
  const records = parse<Record<string, string>>(readFileSync(file, 'utf8'), {
    columns: true,
    skip_empty_lines: true,
  });
  const orNull = (value: string | undefined) => (value ? value : null);
  return records.map((r) => [
    r['local-authority-code'],
    r['official-name'],
    r['nice-name'],
    orNull(r['gss-code']),
    orNull(r['start-date']),
    orNull(r['end-date']),
    orNull(r['replaced-by']),
    r['nation'],
    orNull(r['region']),
    r['local-authority-type'],
    r['local-authority-type-name'],
    r['current-authority'] === 'True',
  ]);
}
