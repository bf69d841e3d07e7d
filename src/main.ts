/**
 * `npm start`: validated configuration, the database (embedded when DATABASE_URL is unset),
 * migrations, then the API. On SIGINT/SIGTERM the app closes first, the database last.
 */
import { createApp } from './app.setup';
import { ConfigError, loadConfig } from './config/configuration';
import { prepareDatabase } from './database/database-bootstrap';

const log = (line: string) =>
  process.stdout.write(`${JSON.stringify({ level: 30, time: Date.now(), msg: line })}\n`);

async function main(): Promise<void> {
  const config = loadConfig();
  const database = await prepareDatabase(config, log);
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`Received ${signal}: closing the app`);
    try {
      await app?.close();
    } finally {
      if (database.embedded) {
        log('Stopping the embedded PostgreSQL');
        await database.embedded.stop().catch((error: unknown) => log(String(error)));
      }
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  try {
    app = await createApp({
      config,
      appUrl: database.appUrl,
      authUrl: database.authUrl,
      jobs: { url: database.jobsUrl },
    });
    await app.listen(config.port, config.host);
    log(`Joint Working Hub listening on http://localhost:${config.port} (API /api/v1, docs /docs)`);
  } catch (error) {
    await database.embedded?.stop().catch(() => undefined);
    throw error;
  }
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
