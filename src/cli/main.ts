/**
 * The operator CLI: `npm run cli -- <command>`.
 *   migration:run              apply pending migrations (as the owner role)
 *   migration:generate <Name>  write migrations/<timestamp>-<name>.ts from the entities
 * With DATABASE_URL unset it works on the embedded server in DATA_DIR, as `npm start` does
 * (stop the service first: one embedded server per data folder).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../config/configuration';
import { prepareDatabase } from '../database/database-bootstrap';
import { dataSourceOptions } from '../database/data-source';

const log = (line: string) => process.stdout.write(`${line}\n`);

async function generate(ownerUrl: string, name: string): Promise<void> {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name))
    throw new Error('Give the migration a name in PascalCase');
  const dataSource = new DataSource(
    dataSourceOptions(ownerUrl, { databasePoolSize: 1, statementTimeoutMs: 60000 }, 'jwh-cli'),
  );
  await dataSource.initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    if (!sql.upQueries.length) {
      log('The entities match the database: nothing to generate');
      return;
    }
    const timestamp = Date.now();
    const kebab = name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    const file = join(process.cwd(), 'migrations', `${timestamp}-${kebab}.ts`);
    const lines = (queries: { query: string }[]) =>
      queries.map((q) => `    await db.query(${JSON.stringify(q.query)});`).join('\n');
    writeFileSync(
      file,
      `import { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
        `export class ${name}${timestamp} implements MigrationInterface {\n  name = '${name}${timestamp}';\n\n` +
        `  async up(db: QueryRunner): Promise<void> {\n${lines(sql.upQueries)}\n  }\n\n` +
        `  async down(db: QueryRunner): Promise<void> {\n${lines(sql.downQueries.reverse())}\n  }\n}\n`,
    );
    log(
      `Wrote ${file}: add ${name}${timestamp} to migrations/index.ts, with its RLS policies and grants`,
    );
  } finally {
    await dataSource.destroy();
  }
}

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (command !== 'migration:run' && command !== 'migration:generate') {
    throw new Error(
      `Unknown command "${command ?? ''}": use migration:run or migration:generate <Name>`,
    );
  }
  const config = loadConfig();
  const database = await prepareDatabase(config, log);
  try {
    if (command === 'migration:generate') await generate(database.ownerUrl, args[0] ?? '');
    else log('Migrations are up to date');
  } finally {
    await database.embedded?.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message =
    error instanceof ConfigError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
