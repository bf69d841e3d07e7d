import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrate } from '../../src/database/database-bootstrap';
import { embeddedOwnerUrl, withClient, withDatabase } from '../../src/database/database-urls';
import { EmbeddedPostgresServer } from '../../src/database/embedded-postgres';
import { TEST_DB_ENV } from './test-database';
import { testConfig } from './test-config';

declare global {
  var __JWH_TEST_SERVER__:
    | { embedded?: EmbeddedPostgresServer; dataDir?: string; ownerUrl: string; template: string }
    | undefined;
}

export default async function globalSetup(): Promise<void> {
  let embedded: EmbeddedPostgresServer | undefined;
  let dataDir: string | undefined;
  let ownerUrl = process.env.DATABASE_URL;
  if (!ownerUrl) {
    dataDir = mkdtempSync(join(tmpdir(), 'jwh-test-'));
    chmodSync(dataDir, 0o755);
    embedded = await EmbeddedPostgresServer.start(dataDir, () => undefined);
    ownerUrl = await embeddedOwnerUrl(embedded);
  }
  const template = `jwh_template_${randomBytes(6).toString('hex')}`;
  await withClient(ownerUrl, (client) => client.query(`CREATE DATABASE ${template}`));
  const templateUrl = withDatabase(ownerUrl, template);
  const { appUrl, authUrl, jobsUrl } = await migrate(
    testConfig({ DATABASE_URL: templateUrl }),
    templateUrl,
    () => undefined,
  );
  process.env[TEST_DB_ENV] = JSON.stringify({ ownerUrl, appUrl, authUrl, jobsUrl, template });
  globalThis.__JWH_TEST_SERVER__ = { embedded, dataDir, ownerUrl, template };
}
