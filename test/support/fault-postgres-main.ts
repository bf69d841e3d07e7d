/**
 * Run by test/support/fault-postgres.ts in a plain Node process (test/support/fault-node.ts):
 * starts the embedded PostgreSQL in the folder given as JWH_FAULT_DIR, makes one database
 * migrated as `npm start` would, prints its URLs as JSON and exits; the server runs on.
 */
import { migrate } from '../../src/database/database-bootstrap';
import { embeddedOwnerUrl, withClient, withDatabase } from '../../src/database/database-urls';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres';
import { testConfig } from './test-config';

async function main(): Promise<void> {
  const dataDir = process.env.JWH_FAULT_DIR!;
  const name = 'jwh_faults';
  const server = await EmbeddedPostgresServer.start(dataDir, () => undefined);
  const ownerUrl = await embeddedOwnerUrl(server);
  await withClient(ownerUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const dbOwnerUrl = withDatabase(ownerUrl, name);
  const urls = await migrate(testConfig({ DATABASE_URL: dbOwnerUrl }), dbOwnerUrl, () => {});
  process.stdout.write(
    JSON.stringify({
      port: server.port,
      name,
      ownerUrl: dbOwnerUrl,
      serverOwnerUrl: ownerUrl,
      superuserUrl: server.superuserUrl(name),
      ...urls,
    }) + '\n',
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${String((error as Error)?.stack ?? error)}\n`);
    process.exit(1);
  },
);
