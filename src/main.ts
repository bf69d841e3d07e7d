/**
 * `npm start`: validated configuration, the database (embedded when DATABASE_URL is unset),
 * migrations, then the API. On SIGINT/SIGTERM it drains (src/health/graceful-stop.ts): the
 * app closes first, the database last.
 */
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { createApp } from './app.setup';
import { gracefulStop } from './health/graceful-stop';
import { demoPasswordFile, demoSignIns, demoUsers, firstRunDemo } from './cli/first-run';
import { SystemActor } from './tenancy/system-actor';
import { AppConfig, ConfigError, loadConfig } from './config/configuration';
import { prepareDatabase } from './database/database-bootstrap';

// Under load, V8 let the heap grow to about 3.5 times what it held live (to 180 MB for 50 MB)
// before a full collection; growing by a quarter at a time keeps the service near 200 MB at
// a cost within the benchmark's noise (README, Benchmark). The glibc setting that keeps
// argon2's 19 MiB a sign-in from staying once per libuv thread is an environment variable,
// set where the process is started (package.json `start`, docker/Dockerfile).
setFlagsFromString('--heap-growing-percent=25');

/** Start-up lines: plain in a terminal (LOG_FORMAT=pretty), JSON like every other log line otherwise. */
let pretty = Boolean(process.stdout.isTTY) && process.env.LOG_FORMAT !== 'json';
const log = (line: string) =>
  process.stdout.write(
    pretty
      ? `${line}\n`
      : `${JSON.stringify({ level: 30, time: new Date().toISOString(), msg: line })}\n`,
  );

async function main(): Promise<void> {
  const config = loadConfig();
  pretty = config.logFormat === 'pretty';
  const database = await prepareDatabase(config, log);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}: closing the app`);
    let finished = true;
    try {
      if (app) {
        finished = await gracefulStop(
          app,
          { drainMs: config.shutdownDrainMs, timeoutMs: config.shutdownTimeoutMs },
          log,
        );
      }
      if (!finished) log(`Requests still running after ${config.shutdownTimeoutMs} ms: exiting`);
    } finally {
      if (database.embedded) {
        log('Stopping the embedded PostgreSQL');
        await database.embedded.stop().catch((error: unknown) => log(String(error)));
      }
      process.exit(finished ? 0 : 1);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    const firstRun = await firstRunDemo(config, database, log);
    app = await createApp({
      config,
      appUrl: database.appUrl,
      authUrl: database.authUrl,
      jobs: { url: database.jobsUrl },
    });
    await app.listen(config.port, config.host);
    const base = `http://localhost:${config.port}`;
    for (const line of [
      'Joint Working Hub is up:',
      `  API         ${base}/api/v1`,
      `  Swagger UI  ${base}/docs`,
      `  Health      ${base}/health`,
      ...(await signInHint(app)),
      ...(await demoHint(app, config, firstRun.loaded)),
    ]) {
      log(line);
    }
  } catch (error) {
    await database.embedded?.stop().catch(() => undefined);
    throw error;
  }
}

/** The demo sign-ins, after the first start loaded them, or where to find them again. */
async function demoHint(
  app: Awaited<ReturnType<typeof createApp>>,
  config: AppConfig,
  loaded: boolean,
): Promise<string[]> {
  const file = demoPasswordFile(config);
  if (!existsSync(file)) return [];
  const users = await demoUsers(app);
  if (!users.length) return [];
  return loaded
    ? demoSignIns(users, file, true)
    : [`Demo sign-ins: npm run cli -- demo-users (the password is in ${file})`];
}

/** How to sign in: with the users there are, or how to make the first one. */
async function signInHint(app: Awaited<ReturnType<typeof createApp>>): Promise<string[]> {
  const txHost = app.get<TransactionHost<TransactionalAdapterTypeOrm>>(TransactionHost);
  const [{ users }] = await app
    .get(SystemActor)
    .run<{ users: number }[]>('startup', () =>
      txHost.tx.query<{ users: number }[]>(
        `SELECT count(*)::int AS users FROM users WHERE status = 'active'`,
      ),
    );
  if (users > 0)
    return [
      'Sign in: POST /api/v1/auth/login with {"email", "password"} (or Authorize in Swagger UI)',
    ];
  return [
    'No users yet. Create the first platform admin (the password is read from PASSWORD or stdin):',
    '  npm run cli -- create-platform-admin --email you@example.org --name "Your Name"',
    "or load the seeds' demo councils, partnerships and users:",
    "  PASSWORD='a long passphrase' npm run cli -- seed-demo",
  ];
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
  }
  process.exit(1);
});
