import { rmSync } from 'node:fs';
import { withClient } from '../../src/database/database-urls';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__JWH_TEST_SERVER__;
  if (!server) return;
  await withClient(server.ownerUrl, (client) =>
    client.query(`DROP DATABASE IF EXISTS ${server.template} WITH (FORCE)`),
  ).catch(() => undefined);
  if (server.embedded) await server.embedded.stop();
  if (server.dataDir) rmSync(server.dataDir, { recursive: true, force: true });
}
