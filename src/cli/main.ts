/**
 * The operator CLI: `npm run cli -- <command>`.
 *   migration:run              apply pending migrations (as the owner role)
 *   migration:generate <Name>  write migrations/<timestamp>-<name>.ts from the entities
 *   create-platform-admin --email E --name N
 *                              the first platform admin; the password comes from the
 *                              PASSWORD environment variable, or stdin when it is unset
 *   create-user --email E --name N --role R --council GSS_CODE
 *                              an active user of an onboarded council (password likewise)
 *   seed-demo                  an empty database filled with the seeds' councils, partnerships
 *                              and workstreams, through the API; demo users get the password
 * With DATABASE_URL unset it works on the embedded server in DATA_DIR, as `npm start` does
 * (stop the service first: one embedded server per data folder).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../config/configuration';
import { prepareDatabase } from '../database/database-bootstrap';
import { dataSourceOptions } from '../database/data-source';
import { PasswordService, passwordProblem } from '../users/password.service';
import { inTenantTransaction } from '../tenancy/tenant-transaction.adapter';
import { seedDemo } from './demo';

const log = (line: string) => process.stdout.write(`${line}\n`);

/** One connection for one command, closed afterwards. */
async function withDataSource<T>(
  url: string,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const options = dataSourceOptions(
    url,
    { databasePoolSize: 1, statementTimeoutMs: 60000 },
    'jwh-cli',
  );
  const dataSource = await new DataSource(options).initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function generate(ownerUrl: string, name: string): Promise<void> {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name))
    throw new Error('Give the migration a name in PascalCase');
  await withDataSource(ownerUrl, async (dataSource) => {
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
  });
}

function option(args: string[], name: string): string {
  const index = args.indexOf(`--${name}`);
  const value = index >= 0 ? args[index + 1] : undefined;
  if (!value) throw new Error(`Give --${name}`);
  return value;
}

async function readPassword(): Promise<string> {
  if (process.env.PASSWORD) return process.env.PASSWORD;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

interface NewUser {
  email: string;
  name: string;
  role: string;
  councilGss?: string;
}

/**
 * Writes an active user. Runs with platform-admin settings, so row-level security and the
 * audit trigger apply as they do to the API.
 */
async function insertActiveUser(appUrl: string, user: NewUser, hash: string): Promise<void> {
  await withDataSource(appUrl, async (dataSource) => {
    const settings = { userId: '', councilId: '', role: 'platform_admin', requestId: 'cli' };
    await inTenantTransaction(dataSource, settings, async (manager) => {
      const taken: unknown[] = await manager.query(
        'SELECT 1 FROM users WHERE lower(email) = lower($1)',
        [user.email],
      );
      if (taken.length) throw new Error(`A user with the email ${user.email} already exists`);
      let councilId: string | null = null;
      if (user.councilGss) {
        const councils: { id: string }[] = await manager.query(
          'SELECT id FROM councils WHERE gss_code = $1',
          [user.councilGss],
        );
        if (!councils[0]) {
          throw new Error(`No onboarded council has the GSS code ${user.councilGss}`);
        }
        councilId = councils[0].id;
      }
      await manager.query(
        `INSERT INTO users (council_id, email, name, role, status, password_hash)
         VALUES ($1, $2, $3, $4, 'active', $5)`,
        [councilId, user.email, user.name, user.role, hash],
      );
    });
  });
}

async function checkedPasswordHash(): Promise<{ password: string; hash: string }> {
  const password = await readPassword();
  const problem = passwordProblem(password);
  if (problem) throw new Error(problem);
  return { password, hash: await new PasswordService().hash(password) };
}

/** Creates an active user for an operator. */
async function createUser(appUrl: string, args: string[], role?: string): Promise<void> {
  const email = option(args, 'email');
  const name = option(args, 'name');
  role ??= option(args, 'role');
  if (!['platform_admin', 'council_admin', 'officer', 'viewer'].includes(role)) {
    throw new Error('--role must be council_admin, officer or viewer');
  }
  const councilGss = role === 'platform_admin' ? undefined : option(args, 'council');
  const { hash } = await checkedPasswordHash();
  await insertActiveUser(appUrl, { email, name, role, councilGss }, hash);
  log(`Created ${role} ${email}`);
}

async function demo(config: AppConfig, appUrl: string): Promise<void> {
  const { password, hash } = await checkedPasswordHash();
  // Every demo user signs in once, from this process: lift the per-address sign-in limit.
  const demoConfig = { ...config, loginThrottleIpLimit: 100000 };
  await seedDemo(demoConfig, appUrl, password, (user) => insertActiveUser(appUrl, user, hash), log);
}

const COMMANDS = [
  'migration:run',
  'migration:generate',
  'create-platform-admin',
  'create-user',
  'seed-demo',
];

async function main(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  if (!command || !COMMANDS.includes(command)) {
    throw new Error(`Unknown command "${command ?? ''}": use one of ${COMMANDS.join(', ')}`);
  }
  const config = loadConfig();
  const database = await prepareDatabase(config, log);
  try {
    if (command === 'migration:generate') await generate(database.ownerUrl, args[0] ?? '');
    else if (command === 'create-platform-admin')
      await createUser(database.appUrl, args, 'platform_admin');
    else if (command === 'create-user') await createUser(database.appUrl, args);
    else if (command === 'seed-demo') await demo(config, database.appUrl);
    else log('Migrations are up to date');
  } finally {
    await database.embedded?.stop();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
