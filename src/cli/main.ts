/**
 * The operator CLI: `npm run cli -- <command>`.
 *   migration:run              apply pending migrations (as the owner role)
 *   migration:generate <Name>  write migrations/<timestamp>-<name>.ts from the entities
 *   create-platform-admin --email E --name N
 *                              the first platform admin; the password comes from the
 *                              PASSWORD environment variable, or stdin when it is unset
 *   create-user --email E --name N --role R --council GSS_CODE
 *                              an active user of an onboarded council (password likewise)
 *   demo-users                 the demo sign-ins, and where their password is
 *   seed-demo                  an empty database filled with the seeds' councils, partnerships
 *                              and workstreams, through the API; demo users get the password
 * With DATABASE_URL unset it works on the embedded server in DATA_DIR, as `npm start` does,
 * and shares that server when the service is running. Users are written through the
 * application's own services as the operator (see operator.ts).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../config/configuration';
import { prepareDatabase } from '../database/database-bootstrap';
import { dataSourceOptions } from '../database/data-source';
import { ServiceUrls } from '../database/database-urls';
import { Readable } from 'node:stream';
import { normalizeEmail } from '../common/email';
import { passwordProblem } from '../users/password-policy';
import { PasswordService } from '../users/password.service';
import { seedDemo } from './demo';
import { demoPasswordFile, demoSignIns, demoUsers } from './first-run';
import { insertActiveUser, withApplication } from './operator';

type Env = Record<string, string | undefined>;

/** One connection for one command, closed afterwards. */
async function withDataSource<T>(
  url: string,
  work: (dataSource: DataSource) => Promise<T>,
): Promise<T> {
  const options = dataSourceOptions(
    url,
    { databasePoolSize: 1, statementTimeoutMs: 60000, lockTimeoutMs: 60000, poolWaitMs: 10000 },
    'jwh-cli',
  );
  const dataSource = await new DataSource(options).initialize();
  try {
    return await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function generate(
  ownerUrl: string,
  name: string,
  log: (line: string) => void,
): Promise<void> {
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

async function readPassword(env: Env, input: Readable): Promise<string> {
  if (env.PASSWORD) return env.PASSWORD;
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function checkedPasswordHash(
  env: Env,
  input: Readable,
): Promise<{ password: string; hash: string }> {
  const password = await readPassword(env, input);
  const problem = await passwordProblem(password);
  if (problem) throw new Error(problem);
  return { password, hash: await new PasswordService().hash(password) };
}

/** Creates an active user for an operator. */
async function createUser(context: CliContext, args: string[], role?: string): Promise<void> {
  const email = option(args, 'email');
  const name = option(args, 'name');
  if (!role) {
    role = option(args, 'role');
    if (!['council_admin', 'officer', 'viewer'].includes(role)) {
      throw new Error(
        '--role must be council_admin, officer or viewer (platform admins: create-platform-admin)',
      );
    }
  }
  const councilGss = role === 'platform_admin' ? undefined : option(args, 'council');
  const { hash } = await checkedPasswordHash(context.env, context.input);
  await withApplication(context.config, context.urls, (app) =>
    insertActiveUser(hash)(app, { email, name, role, councilGss }),
  );
  context.log(`Created ${role} ${normalizeEmail(email)}`);
}

async function demo(context: CliContext): Promise<void> {
  const { config, urls } = context;
  const { password, hash } = await checkedPasswordHash(context.env, context.input);
  await seedDemo(config, urls, password, insertActiveUser(hash), context.log);
}

async function listDemoUsers(context: CliContext): Promise<void> {
  const users = await withApplication(context.config, context.urls, demoUsers);
  if (!users.length) {
    context.log('No demo users here (npm run cli -- seed-demo loads them into an empty database)');
    return;
  }
  const file = demoPasswordFile(context.config);
  const where = existsSync(file) ? file : 'the password given to seed-demo';
  for (const line of demoSignIns(users, where)) context.log(line);
}

const COMMANDS = [
  'migration:run',
  'migration:generate',
  'create-platform-admin',
  'create-user',
  'seed-demo',
  'demo-users',
];

interface CliContext {
  config: AppConfig;
  urls: ServiceUrls;
  env: Env;
  input: Readable;
  log: (line: string) => void;
}

/**
 * Runs one command. `env` stands for the process environment and `input` for stdin (where the
 * password is read when PASSWORD is unset), so a test can run the CLI in-process.
 */
export async function runCli(
  argv: string[],
  env: Env = process.env,
  input: Readable = process.stdin,
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const [command, ...args] = argv;
  if (!command || !COMMANDS.includes(command)) {
    throw new Error(`Unknown command "${command ?? ''}": use one of ${COMMANDS.join(', ')}`);
  }
  const config = loadConfig(env);
  const database = await prepareDatabase(config, log);
  const context: CliContext = { config, urls: database, env, input, log };
  try {
    if (command === 'migration:generate') await generate(database.ownerUrl, args[0] ?? '', log);
    else if (command === 'create-platform-admin') await createUser(context, args, 'platform_admin');
    else if (command === 'create-user') await createUser(context, args);
    else if (command === 'seed-demo') await demo(context);
    else if (command === 'demo-users') await listDemoUsers(context);
    else log('Migrations are up to date');
  } finally {
    await database.embedded?.stop();
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
