/**
 * `npm run bench`: starts the service on its own database (embedded unless DATABASE_URL is
 * set) and loads it over loopback with autocannon, printing requests/s and latency.
 * Target: /health at least 1,000 req/s with p99 under 50 ms on the 2-core CI machine.
 */
import autocannon from 'autocannon';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.setup';
import { loadConfig } from '../../src/config/configuration';
import { prepareDatabase } from '../../src/database/database-bootstrap';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'jwh-bench-'));
  chmodSync(dataDir, 0o755);
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent', PORT: '0' });
  const database = await prepareDatabase(config, () => undefined);
  const app = await createApp({ config, appUrl: database.appUrl });
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  try {
    for (const path of ['/health']) {
      const result = await autocannon({
        url: url.replace('[::1]', '127.0.0.1') + path,
        connections: 20,
        duration: 5,
      });
      process.stdout.write(
        `${path}: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, ` +
          `p99 ${result.latency.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}\n`,
      );
    }
  } finally {
    await app.close();
    await database.embedded?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
